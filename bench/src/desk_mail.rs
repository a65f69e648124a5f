//! The inbound e-mail figure of issue 12. `mesure-bench desk-mail-setup DATABASE_URL MAILDIR N`:
//! a workspace with one client and N contacts (written in one transaction), and N messages in the
//! Maildir's `new/`, one from each contact (a realistic mix: a plain text, every tenth with a small
//! PDF attached); prints `WORKSPACE`. `mesure-bench desk-mail DATABASE_URL WORKSPACE MAILBOX_URL`:
//! one poll of the mailbox in-process (fetch, keep, delete, then process each message into a
//! ticket), timed; prints `figure` lines (messages, seconds, messages per second).
use anyhow::{Context, Result};
use mesure_domain::WorkspaceId;
use mesure_services::App;
use std::time::Instant;
use uuid::Uuid;

use crate::invoicing::{e, figure};

pub async fn setup(args: &[String]) -> Result<()> {
    let [_, _, url, maildir, n] = args else {
        anyhow::bail!("usage: mesure-bench desk-mail-setup DATABASE_URL MAILDIR N");
    };
    let n: usize = n.parse().context("N")?;
    let app: App = crate::app_for(crate::connect(url).await?);
    let actor = mesure_services::audit::Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Banc Courriel", &actor)
        .await
        .map_err(e)?;
    let ws = WorkspaceId::from_uuid(w.id);
    mesure_services::demo::seed_bulk(&app, ws, 1, 0)
        .await
        .map_err(e)?;
    let client = {
        let mut c = app.db.read().await?;
        mesure_store::clients::names(&mut c.conn(), ws)
            .await?
            .first()
            .map(|c| c.0)
            .context("a client")?
    };
    let now = app.now();
    let mut tx = app.db.begin().await?;
    for i in 0..n {
        let row = mesure_store::clients::contacts::ContactRow {
            workspace_id: ws.uuid(),
            id: Uuid::now_v7(),
            client_id: client,
            first_name: "Client".into(),
            last_name: format!("N{i}"),
            sort_key: format!("n{i:06} client"),
            search_key: format!("client n{i}"),
            email: Some(format!("sender{i}@bench-mail.example.org")),
            phone: None,
            job_title: None,
            contact_role: mesure_domain::ContactRole::Project,
            language: mesure_domain::Language::Fr,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        mesure_store::clients::contacts::insert(&mut tx.conn(), &row).await?;
    }
    tx.commit().await?;
    let new = std::path::Path::new(maildir).join("new");
    std::fs::create_dir_all(&new)?;
    for i in 0..n {
        let raw = if i % 10 == 0 {
            format!(
                "From: Client N{i} <sender{i}@bench-mail.example.org>\r\nTo: support@bench.example.org\r\nSubject: Demande {i} : facture jointe\r\nMessage-ID: <bench-{i}@bench-mail.example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nvoici la facture dont je parlais.\r\nCordialement\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"facture-{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
                "JVBERi0xLjQK".repeat(400)
            )
        } else {
            format!(
                "From: Client N{i} <sender{i}@bench-mail.example.org>\r\nTo: support@bench.example.org\r\nSubject: Demande {i}\r\nMessage-ID: <bench-{i}@bench-mail.example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nle site affiche une erreur depuis ce matin sur la page {i}.\r\nMerci de regarder.\r\n"
            )
        };
        std::fs::write(new.join(format!("{i}.bench")), raw)?;
    }
    println!("{}", ws.uuid());
    Ok(())
}

pub async fn poll(args: &[String]) -> Result<()> {
    let [_, _, url, ws, mailbox] = args else {
        anyhow::bail!("usage: mesure-bench desk-mail DATABASE_URL WORKSPACE MAILBOX_URL");
    };
    let app: App = crate::app_for(crate::connect(url).await?);
    let ws = WorkspaceId::from_uuid(ws.parse().context("WORKSPACE")?);
    let m = mesure_mail::imap::Mailbox::parse(mailbox).map_err(|x| anyhow::anyhow!("{x}"))?;
    let started = Instant::now();
    let stats = mesure_services::desk::mailbox::poll_once(&app, ws, &m)
        .await
        .map_err(e)?;
    let secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        stats.fetched > 0 && stats.processed == stats.new,
        "{stats:?}"
    );
    figure("messages", stats.fetched as f64);
    figure("tickets", stats.processed as f64);
    figure("seconds", secs);
    figure("messages_per_second", stats.fetched as f64 / secs);
    Ok(())
}
