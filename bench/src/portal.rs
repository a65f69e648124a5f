//! `mesure-bench portal DATABASE_URL [ENTRIES]`: the portal figure of issue 11 — one client
//! billed for ENTRIES approved entries (default 5,000) on one invoice line (grouped per
//! project, the worst case for a page), issued, and a billing contact with a portal session.
//! Prints `SESSION INVOICE LINE` for `bench/portal.sh`, which times the portal's invoice page and
//! its line's entry pages over HTTP.
use anyhow::{Context, Result};
use mesure_domain::ContactId;
use mesure_services::invoicing;

use crate::invoicing::{clients, draft, e, log_and_approve, workspace};

pub async fn portal(args: &[String]) -> Result<()> {
    let url = args
        .get(2)
        .context("usage: mesure-bench portal DATABASE_URL [ENTRIES]")?;
    let entries: usize = args
        .get(3)
        .map_or(Ok(5000), |s| s.parse())
        .context("ENTRIES")?;
    let app = crate::app_for(crate::connect(url).await?);
    let ctx = workspace(&app, "Banc Portail", "together").await?;
    clients(&app, &ctx, 1).await?;
    let client = mesure_services::clients::names(&app, &ctx)
        .await
        .map_err(e)?
        .first()
        .map(|c| c.0)
        .context("no client")?;
    let first = jiff::civil::date(2026, 1, 1);
    let last = first.last_of_month();
    let rows = (0..entries).map(|k| {
        let day = first
            .checked_add(jiff::Span::new().days(i64::try_from(k / 20).unwrap_or(0) % 31))
            .unwrap_or(first);
        (
            day,
            k % 20,
            0usize,
            15 + u32::try_from(k % 4).unwrap_or(0) * 5,
            format!("Intervention {k}"),
        )
    });
    let n = log_and_approve(&app, &ctx, rows, first, last).await?;
    let mut input = draft(client, first, last);
    input.grouping = Some("together".into());
    let d = invoicing::create_draft(&app, &ctx, &input)
        .await
        .map_err(e)?;
    let v = invoicing::issue(&app, &ctx, d.id).await.map_err(e)?;
    let line = v
        .lines
        .iter()
        .max_by_key(|l| l.bills.len())
        .context("no line")?;
    anyhow::ensure!(
        line.bills.len() == n,
        "{} of {n} on one line",
        line.bills.len()
    );
    let email = format!("compta-{}@bench.example.org", uuid::Uuid::now_v7().simple());
    let contact = mesure_services::clients::contacts::create(
        &app,
        &ctx,
        mesure_domain::ClientId::from_uuid(client),
        &mesure_domain::clients::ContactForm {
            first_name: "Anne".into(),
            last_name: "Compta".into(),
            email: Some(email.clone()),
            contact_role: Some("billing".into()),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    let (_, password) = mesure_services::clients::contacts::grant_portal(
        &app,
        &ctx,
        ContactId::from_uuid(contact.id),
    )
    .await
    .map_err(e)?;
    let session = mesure_services::auth::login(&app, &email, &password, "127.0.0.1")
        .await
        .map_err(e)?;
    eprintln!("invoice of {n} entries on one line issued");
    println!("{} {} {}", session.token, v.id, line.id);
    Ok(())
}
