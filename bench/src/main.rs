//! `mesure-bench seed DATABASE_URL CLIENTS CONTACTS`: makes a workspace with an owner, the given
//! number of clients and contacts, and prints an API token for the owner (for wrk).
#![forbid(unsafe_code)]

use anyhow::{Context, Result, bail};
use mesure_domain::WorkspaceId;
use mesure_services::audit::Actor;
use mesure_services::{App, SystemClock};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, cmd, url, clients, contacts] = args.as_slice() else {
        bail!("usage: mesure-bench seed DATABASE_URL CLIENTS CONTACTS");
    };
    if cmd != "seed" {
        bail!("unknown command {cmd}");
    }
    let clients: usize = clients.parse().context("CLIENTS")?;
    let contacts: usize = contacts.parse().context("CONTACTS")?;
    let db = mesure_store::Db::connect(url, 4).await?;
    mesure_store::migrate::run(&db).await?;
    let app = App {
        db,
        clock: Arc::new(SystemClock),
        default_mail: mesure_mail::Transport::Outbox(
            std::env::temp_dir().join("mesure-bench-outbox"),
        ),
        default_mail_from: "bench@example.org".into(),
        base_url: "http://127.0.0.1".into(),
        data_dir: std::env::temp_dir(),
        jobs_notify: Arc::new(tokio::sync::Notify::new()),
    };
    let actor = Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Bench Agency", &actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ws = WorkspaceId::from_uuid(w.id);
    let email = format!("owner-{}@bench.example.org", uuid::Uuid::now_v7().simple());
    let owner = mesure_services::users::add(
        &app,
        ws,
        &mesure_services::users::NewUser {
            email,
            name: "Bench Owner".into(),
            role: "owner".into(),
            language: None,
            password: None,
        },
        &actor,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    mesure_services::demo::seed_bulk(&app, ws, clients, contacts)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "seeded {clients} clients and {contacts} contacts in {:?}",
        started.elapsed()
    );
    let token = mesure_services::auth::create_token(&app, ws, owner.user.id, "bench", &actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", token.secret);
    Ok(())
}
