//! Large-data generator and in-process timings for Mesure's benchmarks:
//! - `mesure-bench seed DATABASE_URL CLIENTS CONTACTS`: a workspace with an owner, clients and
//!   contacts; prints an API token for the owner (for wrk).
//! - `mesure-bench csv FILE ROWS CLIENTS PROJECTS PEOPLE`: writes a generic time CSV over the last
//!   twelve months (the large-scale data set: 2,000,000 rows, 2,000 clients, 10,000 projects).
//! - `mesure-bench parse FILE`: the CSV reader alone over FILE (best of three), rows/s.
//! - `mesure-bench time DATABASE_URL FILE`: a workspace with an owner, imports FILE through the
//!   import service (creating people, clients and projects), reports rows/s, times the radar
//!   dashboard and one client's radar in-process, and prints `token session client project`.
//! - `mesure-bench invoice DATABASE_URL ENTRIES` and `mesure-bench month-end DATABASE_URL`: the
//!   invoicing figures of issue 10 (see `invoicing.rs`).
//! - `mesure-bench nps DATABASE_URL [CLIENTS] [ANSWERS]`: the NPS figures of issue 11 (see
//!   `nps.rs`).
//! - `mesure-bench portal DATABASE_URL [ENTRIES]`: an invoice of 5,000 entries (default) and a
//!   billing contact's portal session, for `bench/portal.sh` (see `portal.rs`).
//! - `mesure-bench desk-setup DATABASE_URL` and `mesure-bench desk DATABASE_URL WORKSPACE OWNER`:
//!   the service desk figures of issue 12, for `bench/desk.sh` (see `desk.rs`).
#![forbid(unsafe_code)]

mod desk;
mod desk_mail;
mod invoicing;
mod nps;
mod portal;

use anyhow::{Context, Result, bail};
use mesure_domain::WorkspaceId;
use mesure_services::audit::Actor;
use mesure_services::{App, SystemClock};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("csv") => return write_csv(&args),
        Some("time") => return time_import(&args).await,
        Some("parse") => return parse_speed(&args),
        Some("invoice") => return invoicing::invoice(&args).await,
        Some("month-end") => return invoicing::month_end(&args).await,
        Some("nps") => return nps::nps(&args).await,
        Some("portal") => return portal::portal(&args).await,
        Some("desk-setup") => return desk::setup(&args).await,
        Some("desk") => return desk::desk(&args).await,
        Some("desk-mail-setup") => return desk_mail::setup(&args).await,
        Some("desk-mail") => return desk_mail::poll(&args).await,
        _ => {}
    }
    let [_, cmd, url, clients, contacts] = args.as_slice() else {
        bail!("usage: mesure-bench seed DATABASE_URL CLIENTS CONTACTS | csv … | time …");
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
        mail_policy: mesure_services::MailPolicy::default(),
        job_concurrency: mesure_services::DEFAULT_JOB_CONCURRENCY,
    };
    let actor = Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Bench Agency", &actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ws = WorkspaceId::from_uuid(w.id);
    let email = format!("owner-{}@bench.example.org", uuid::Uuid::now_v7().simple());
    let owner = mesure_services::people::users::add(
        &app,
        ws,
        &mesure_services::people::users::NewUser {
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

/// A fresh database at `url`, migrated.
async fn connect(url: &str) -> Result<mesure_store::Db> {
    let db = mesure_store::Db::connect(url, 4).await?;
    mesure_store::migrate::run(&db).await?;
    Ok(db)
}

/// The owner's context in a workspace named `name`.
fn owner_ctx(ws: WorkspaceId, user: mesure_domain::UserId, name: &str) -> mesure_services::Ctx {
    mesure_services::Ctx {
        workspace: ws,
        user,
        principal: mesure_domain::Principal::Staff(mesure_domain::Role::Owner),
        label: "Bench Owner".into(),
        language: mesure_domain::Language::Fr,
        time_zone: "Europe/Paris".into(),
        workspace_name: name.into(),
        workspace_currency: mesure_domain::Currency::EUR,
        workspace_language: mesure_domain::Language::Fr,
        request_id: None,
        client: None,
    }
}

fn app_for(db: mesure_store::Db) -> App {
    App {
        db,
        clock: Arc::new(SystemClock),
        default_mail: mesure_mail::Transport::Outbox(
            std::env::temp_dir().join("mesure-bench-outbox"),
        ),
        default_mail_from: "bench@example.org".into(),
        base_url: "http://127.0.0.1".into(),
        data_dir: std::env::temp_dir(),
        jobs_notify: Arc::new(tokio::sync::Notify::new()),
        mail_policy: mesure_services::MailPolicy::default(),
        job_concurrency: mesure_services::DEFAULT_JOB_CONCURRENCY,
    }
}

/// Row `k` of the data set: person `k % people`, a day walking back over a year so that nobody
/// passes 24 hours a day, clients and projects spread by a multiplicative hash.
fn write_csv(args: &[String]) -> Result<()> {
    use std::io::Write;
    let [_, _, file, rows, clients, projects, people] = args else {
        bail!("usage: mesure-bench csv FILE ROWS CLIENTS PROJECTS PEOPLE");
    };
    let rows: u64 = rows.parse().context("ROWS")?;
    let clients: u64 = clients.parse().context("CLIENTS")?;
    let projects: u64 = projects.parse().context("PROJECTS")?;
    let people: u64 = people.parse().context("PEOPLE")?;
    let per_client = (projects / clients.max(1)).max(1);
    let today = jiff::Zoned::now().date();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(file)?);
    writeln!(
        out,
        "date,person,client,project,deliverable,minutes,note,billable"
    )?;
    let mut days = Vec::with_capacity(365);
    for d in 0..365i64 {
        days.push(today.checked_sub(jiff::Span::new().days(d))?.to_string());
    }
    for k in 0..rows {
        let person = k % people;
        let day = days
            .get(usize::try_from((k / people) % 365)?)
            .context("day")?;
        let client = (k.wrapping_mul(7919)) % clients;
        let project = client * per_client + (k / 7) % per_client;
        let minutes = 15 + (k % 4) * 10;
        writeln!(
            out,
            "{day},Personne {person:04},Client {client:05},Projet {project:06},,{minutes},Travail {k},{}",
            if k % 10 == 0 { "no" } else { "yes" }
        )?;
    }
    out.flush()?;
    Ok(())
}

async fn time_import(args: &[String]) -> Result<()> {
    let [_, _, url, file] = args else {
        bail!("usage: mesure-bench time DATABASE_URL FILE");
    };
    let app = app_for(connect(url).await?);
    let actor = Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Bench Agency", &actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ws = WorkspaceId::from_uuid(w.id);
    let email = format!("owner-{}@bench.example.org", uuid::Uuid::now_v7().simple());
    let password = "bench-password-2026";
    let owner = mesure_services::people::users::add(
        &app,
        ws,
        &mesure_services::people::users::NewUser {
            email: email.clone(),
            name: "Bench Owner".into(),
            role: "owner".into(),
            language: Some("fr".into()),
            password: Some(password.into()),
        },
        &actor,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ctx = owner_ctx(
        ws,
        mesure_domain::UserId::from_uuid(owner.user.id),
        "Bench Agency",
    );
    let input = std::fs::File::open(file).context("read FILE")?;
    let started = Instant::now();
    let report = mesure_services::time::import::import(
        &app,
        &ctx,
        input,
        &mesure_services::time::import::Options {
            format: None,
            create_missing: true,
            dry_run: false,
            file_name: file.clone(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if !report.errors.is_empty() {
        bail!(
            "import failed: {:?}",
            report.errors.iter().take(5).collect::<Vec<_>>()
        );
    }
    eprintln!(
        "import: {} rows in {secs:.1} s = {:.0} rows/s ({} people, {} clients, {} projects created)",
        report.rows,
        report.rows as f64 / secs,
        report.new_people.len(),
        report.new_clients.len(),
        report.new_projects.len()
    );
    // In-process timings: the radar dashboard and one client's radar, medians of 7 runs.
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let mut dash = Vec::new();
    let mut top = None;
    for _ in 0..7 {
        let t = Instant::now();
        let d = mesure_services::radar::dashboard(&app, &ctx, 25)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        dash.push(t.elapsed().as_secs_f64() * 1000.0);
        top = d.clients.first().map(|c| c.client_id);
    }
    let client = top.context("no client")?;
    let mut one = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        mesure_services::radar::client(&app, &ctx, mesure_domain::ClientId::from_uuid(client))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        one.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    eprintln!(
        "in-process: radar dashboard {:.1} ms, client radar {:.1} ms (medians of 7)",
        median(dash),
        median(one)
    );
    let project = mesure_services::projects::list(
        &app,
        &ctx,
        Some(mesure_domain::ClientId::from_uuid(client)),
        false,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?
    .first()
    .map(|p| p.id)
    .context("no project")?;
    let token = mesure_services::auth::create_token(&app, ws, owner.user.id, "bench", &actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let session = mesure_services::auth::login(&app, &email, password, "127.0.0.1")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{} {} {client} {project}", token.secret, session.token);
    Ok(())
}

fn parse_speed(args: &[String]) -> Result<()> {
    let [_, _, file] = args else {
        bail!("usage: mesure-bench parse FILE");
    };
    let data = std::fs::read(file).context("read FILE")?;
    let mut best = f64::MAX;
    let mut rows = 0u64;
    for _ in 0..3 {
        let started = Instant::now();
        let mut reader = mesure_domain::time::import::Reader::new(data.as_slice(), None)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        rows = 0;
        while let Some(item) = reader.next_item() {
            if let Ok(mesure_domain::time::import::Item::Row(_)) = item {
                rows += 1;
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    eprintln!(
        "parse: {rows} rows ({:.1} MB) in {best:.3} s (best of 3) = {:.0} rows/s",
        data.len() as f64 / 1e6,
        rows as f64 / best
    );
    Ok(())
}
