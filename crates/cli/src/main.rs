//! The `mesure` binary: serve, demo, migrate, workspace, user, token, import, backup, check.
#![forbid(unsafe_code)]

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use mesure_domain::WorkspaceId;
use mesure_services::audit::Actor;
use mesure_services::{App, MailPolicy, SystemClock};
use mesure_store::{Db, migrate};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "mesure",
    version,
    about = "Mesure: service operations for agencies and service teams — the right amount of service, measured."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI, the client portal, the JSON API and the background jobs.
    Serve(ServeArgs),
    /// Seed a demo workspace (a French agency) if it is not there, print its login, and serve it.
    Demo(ServeArgs),
    /// Apply the pending database migrations and exit.
    Migrate(DbArgs),
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Import time entries from a CSV file: a Harvest, Toggl Track or Kimai export, or Mesure's
    /// generic format. Any bad row (or duplicate, unless allowed) imports nothing.
    Import(ImportArgs),
    /// Write a consistent copy of a live SQLite database (use pg_dump for PostgreSQL).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write; must not exist.
        #[arg(long, env = "MESURE_BACKUP_OUT")]
        out: PathBuf,
    },
    /// Report the schema version and check the database's integrity.
    Check {
        #[command(flatten)]
        db: DbArgs,
        /// Also recompute every running total (project, client and person months, person days,
        /// earned revenue) from the entries of every workspace and report any difference.
        #[arg(long)]
        totals: bool,
        /// Also verify every workspace's chain of issued invoices and credit notes (each
        /// document's SHA-256 against its stored content and the previous document's hash) and
        /// that their numbers have no gap; report any alteration.
        #[arg(long)]
        invoices: bool,
    },
}

/// Where the data lives.
#[derive(Args, Clone)]
struct DbArgs {
    /// Database URL: `postgres://…` for PostgreSQL, or `sqlite://FILE`. Default: SQLite in the data directory.
    #[arg(long, env = "MESURE_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the SQLite database and the development mail outbox.
    #[arg(long, env = "MESURE_DATA_DIR", default_value = "mesure-data")]
    data_dir: PathBuf,
    /// Largest number of database connections.
    #[arg(long, env = "MESURE_MAX_CONNECTIONS", default_value_t = 16)]
    max_connections: u32,
}

impl DbArgs {
    /// Where the data lives, for messages (never the password of a URL).
    fn describe(&self) -> String {
        match &self.database_url {
            Some(url) if url.starts_with("postgres") => "the PostgreSQL database".to_string(),
            Some(url) => url.clone(),
            None => format!("{}/", self.data_dir.display()),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args, Clone)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address and port to listen on.
    #[arg(long, env = "MESURE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Public URL of this server, used in e-mails. Default: http://BIND.
    #[arg(long, env = "MESURE_BASE_URL")]
    base_url: Option<String>,
    /// Mail transport for workspaces without SMTP settings: `smtp://user:pass@host:port?tls=starttls|tls|none`
    /// or `file:///dir`. Default: an outbox directory in the data directory.
    #[arg(long, env = "MESURE_MAIL_URL")]
    mail_url: Option<String>,
    /// Sender address for workspaces without their own.
    #[arg(
        long,
        env = "MESURE_MAIL_FROM",
        default_value = "mesure@localhost.localdomain"
    )]
    mail_from: String,
    /// Mark cookies Secure even when no proxy sends X-Forwarded-Proto: https.
    #[arg(long, env = "MESURE_SECURE_COOKIES", default_value_t = false)]
    secure_cookies: bool,
    /// Log format.
    #[arg(long, env = "MESURE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Do not run the background job worker in this process.
    #[arg(long, env = "MESURE_NO_WORKER", default_value_t = false)]
    no_worker: bool,
    /// How many background jobs this process runs at once (never two of one workspace).
    #[arg(long, env = "MESURE_JOB_CONCURRENCY", default_value_t = 4,
        value_parser = clap::value_parser!(u16).range(1..=64))]
    job_concurrency: u16,
    #[command(flatten)]
    mail_policy: MailPolicyArgs,
    /// The service desk's IMAP mailboxes to poll: `imaps://user:password@host/INBOX` (for the
    /// only workspace) or `WORKSPACE_ID=imaps://…`; several separated by spaces. `imap://` uses
    /// STARTTLS; `?tls=none` a plain connection; `?ca=/path.pem` an in-house authority.
    #[arg(long, env = "MESURE_DESK_IMAP", value_delimiter = ' ')]
    desk_imap: Vec<String>,
    /// Seconds between polls of a mailbox that does not offer IDLE.
    #[arg(long, env = "MESURE_DESK_IMAP_INTERVAL", default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    desk_imap_interval: u64,
}

/// The mailboxes of `--desk-imap`, each with its workspace.
async fn desk_mailboxes(
    app: &mesure_services::App,
    specs: &[String],
) -> Result<Vec<(mesure_domain::WorkspaceId, mesure_mail::imap::Mailbox)>> {
    let mut out = Vec::new();
    for spec in specs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (ws, url) = match spec.split_once('=') {
            Some((id, url)) if !id.contains("://") => (Some(id), url),
            _ => (None, spec),
        };
        let mailbox = mesure_mail::imap::Mailbox::parse(url)
            .map_err(|e| anyhow::anyhow!("--desk-imap: {e}"))?;
        let all = {
            let mut conn = app.db.read().await?;
            mesure_store::workspaces::list(&mut conn.conn()).await?
        };
        let id = match ws {
            Some(id) => {
                let id = uuid::Uuid::parse_str(id.trim())
                    .map_err(|_| anyhow::anyhow!("--desk-imap: {id} is not a workspace id"))?;
                if !all.iter().any(|w| w.id == id) {
                    anyhow::bail!("--desk-imap: no workspace {id}");
                }
                id
            }
            None => match all.as_slice() {
                [only] => only.id,
                _ => anyhow::bail!(
                    "--desk-imap: {} workspaces here; write WORKSPACE_ID=URL",
                    all.len()
                ),
            },
        };
        out.push((mesure_domain::WorkspaceId::from_uuid(id), mailbox));
    }
    Ok(out)
}

/// What workspaces may do with SMTP settings of their own, and how long a delivery may take.
#[derive(Args, Clone)]
struct MailPolicyArgs {
    /// Let workspaces send through an SMTP server of their own (workspace settings). Off: a new
    /// SMTP host is refused, stored ones are ignored, and --mail-url sends every workspace's mail.
    #[arg(long, env = "MESURE_ALLOW_WORKSPACE_SMTP", default_value_t = false)]
    allow_workspace_smtp: bool,
    /// Let a workspace's SMTP host be, or resolve to, a loopback, private (RFC 1918), link-local,
    /// CGNAT, unique-local or unspecified address. The server's own --mail-url is always allowed.
    #[arg(long, env = "MESURE_ALLOW_PRIVATE_SMTP", default_value_t = false)]
    allow_private_smtp: bool,
    /// Longest time one SMTP delivery may take, in seconds (connection, greeting and every
    /// command included).
    #[arg(long, env = "MESURE_SMTP_TIMEOUT", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=60))]
    smtp_timeout: u64,
}

impl MailPolicyArgs {
    fn policy(&self) -> MailPolicy {
        MailPolicy {
            allow_workspace_smtp: self.allow_workspace_smtp,
            allow_private_smtp: self.allow_private_smtp,
            limits: mesure_mail::Limits::within(std::time::Duration::from_secs(self.smtp_timeout)),
        }
    }
}

/// The layouts `mesure import` reads (docs/import.md).
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Harvest: the time import layout or the detailed time report export.
    Harvest,
    /// Toggl Track: the detailed report CSV export.
    Toggl,
    /// Kimai: the timesheet export or the importer plugin's layout.
    Kimai,
    /// Mesure's own format (date, person, client, project, deliverable, minutes, note, billable),
    /// also what Mesure's time export writes.
    Generic,
}

#[derive(Args)]
#[command(
    after_help = "Formats: Harvest, Toggl Track and Kimai CSV exports, and Mesure's generic     format; detected from the header row unless --format says which. Every row is checked first:     a bad row, or a row already in the workspace (same person, day, project, minutes and note),     imports nothing and is listed with its line. Exits with status 1 when nothing was imported     because of errors."
)]
struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The CSV file.
    file: PathBuf,
    /// The workspace id; may be left out when there is exactly one workspace.
    #[arg(long, env = "MESURE_WORKSPACE")]
    workspace: Option<String>,
    /// The file's format; detected from the header row when left out.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Check every row and report, writing nothing.
    #[arg(long, default_value_t = false)]
    dry_run: bool,
    /// Create the people, clients and projects that match nothing (else their rows are errors).
    #[arg(long, default_value_t = false)]
    create_missing: bool,
    /// Import rows that already exist in the workspace (same person, day, project, minutes and
    /// note) or repeat an earlier row of the file (else they are errors).
    #[arg(long, default_value_t = false)]
    allow_duplicates: bool,
    /// Import as this staff user, who must be allowed to manage time; default: the workspace's
    /// first owner.
    #[arg(long = "as", value_name = "EMAIL")]
    as_user: Option<String>,
}

#[derive(Subcommand)]
enum WorkspaceCmd {
    /// Create a workspace and print its id.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "MESURE_WORKSPACE_NAME")]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Owner,
    Manager,
    Staff,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a staff user; prints a generated password unless --password-stdin is given.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "MESURE_USER_EMAIL")]
        email: String,
        #[arg(long, env = "MESURE_USER_NAME")]
        name: String,
        #[arg(long, env = "MESURE_USER_ROLE", value_enum)]
        role: RoleArg,
        /// The workspace id; may be left out when there is exactly one workspace.
        #[arg(long, env = "MESURE_WORKSPACE")]
        workspace: Option<String>,
        /// `fr` or `en`; default: the workspace's language.
        #[arg(long, env = "MESURE_USER_LANGUAGE")]
        language: Option<String>,
        /// Read the password from standard input (first line).
        #[arg(long, default_value_t = false)]
        password_stdin: bool,
        /// Mail transport for the welcome e-mail (as for `serve`).
        #[arg(long, env = "MESURE_MAIL_URL")]
        mail_url: Option<String>,
        /// Public URL of the server, for the link in the welcome e-mail.
        #[arg(long, env = "MESURE_BASE_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// The workspace SMTP policy for the welcome e-mail (as for `serve`).
        #[command(flatten)]
        mail_policy: MailPolicyArgs,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an API token for a user; prints it once, alone on its line.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "MESURE_USER_EMAIL")]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Revoke a user's token by id (see the tokens page), or all of them with --all.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "MESURE_USER_EMAIL")]
        email: String,
        #[arg(long, conflicts_with = "all")]
        id: Option<String>,
        #[arg(long, default_value_t = false)]
        all: bool,
    },
}

fn database_url(db: &DbArgs) -> Result<String> {
    match &db.database_url {
        Some(u) => Ok(u.clone()),
        None => {
            std::fs::create_dir_all(&db.data_dir)
                .with_context(|| format!("cannot create {}", db.data_dir.display()))?;
            Ok(format!(
                "sqlite://{}",
                db.data_dir.join("mesure.db").display()
            ))
        }
    }
}

async fn open(db: &DbArgs) -> Result<Db> {
    let url = database_url(db)?;
    let pool = Db::connect(&url, db.max_connections)
        .await
        .with_context(|| "cannot open the database")?;
    migrate::run(&pool)
        .await
        .context("cannot migrate the database")?;
    Ok(pool)
}

fn app(
    db: Db,
    args: &DbArgs,
    mail_url: Option<&str>,
    mail_from: &str,
    base_url: &str,
) -> Result<App> {
    let default_mail = match mail_url {
        Some(u) => mesure_mail::Transport::parse(u).context("bad --mail-url")?,
        None => mesure_mail::Transport::Outbox(args.data_dir.join("outbox")),
    };
    Ok(App {
        db,
        clock: Arc::new(SystemClock),
        default_mail,
        default_mail_from: mail_from.to_string(),
        base_url: base_url.to_string(),
        data_dir: args.data_dir.clone(),
        jobs_notify: Arc::new(tokio::sync::Notify::new()),
        mail_policy: MailPolicy::default(),
        job_concurrency: mesure_services::DEFAULT_JOB_CONCURRENCY,
    })
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    match format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }
}

/// `MESURE_TEST_CLOCK=<RFC 3339 instant>`: the server's clock starts at that instant and
/// `POST /test/clock` moves it (browser journeys only: anyone could move the clock). Unset: the
/// system's clock and no such route.
fn test_clock() -> Result<Option<Arc<mesure_services::ShiftedClock>>> {
    let Ok(at) = std::env::var("MESURE_TEST_CLOCK") else {
        return Ok(None);
    };
    let at: jiff::Timestamp = at
        .parse()
        .with_context(|| format!("MESURE_TEST_CLOCK={at:?} is not an RFC 3339 instant"))?;
    tracing::warn!(%at, "test clock: the clock starts at MESURE_TEST_CLOCK and POST /test/clock moves it; never in production");
    Ok(Some(Arc::new(mesure_services::ShiftedClock::starting_at(
        at,
    ))))
}

async fn serve(args: ServeArgs, demo: bool) -> Result<()> {
    init_logs(args.log_format);
    let started = Instant::now();
    let db = open(&args.db).await?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.bind));
    let mut app = app(
        db,
        &args.db,
        args.mail_url.as_deref(),
        &args.mail_from,
        &base_url,
    )?;
    app.mail_policy = args.mail_policy.policy();
    app.job_concurrency = usize::from(args.job_concurrency);
    let test_clock = test_clock()?;
    if let Some(clock) = &test_clock {
        app.clock = clock.clone();
    }
    if demo {
        use mesure_services::demo::{DEMO_LOGINS, DEMO_PASSWORD, Seeded, seed};
        let seeded = seed(&app)
            .await
            .map_err(|e| anyhow::anyhow!("demo seed failed: {e}"))?;
        match seeded {
            Seeded::Created => println!(
                "Mesure demo: the demo agency \"Atelier Lumière\" was created in {}.",
                args.db.describe()
            ),
            Seeded::AlreadyThere => println!(
                "Mesure demo: {} already holds the demo agency; it is kept as it is \
                 (nothing re-seeded, your changes stay). Delete the data directory to start afresh.",
                args.db.describe()
            ),
        }
        println!("Open {base_url}/login and sign in with one of (password: {DEMO_PASSWORD}):");
        for (role, email) in DEMO_LOGINS {
            println!("  {role:<25} {email}");
        }
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut mailboxes = Vec::new();
    for (ws, m) in desk_mailboxes(&app, &args.desk_imap).await? {
        tracing::info!(mailbox = ?m, "watching the desk mailbox");
        mailboxes.push(tokio::spawn(mesure_services::desk::mailbox::watch(
            app.clone(),
            ws,
            m,
            std::time::Duration::from_secs(args.desk_imap_interval),
            stop_rx.clone(),
        )));
    }
    let worker = (!args.no_worker)
        .then(|| tokio::spawn(mesure_services::jobs::worker(app.clone(), stop_rx)));
    let state = mesure_web::AppState {
        app: app.clone(),
        metrics: Arc::default(),
        ready: Arc::default(),
        secure_cookies: args.secure_cookies,
        test_clock,
    };
    let router = mesure_web::router(state);
    tracing::info!(addr = %args.bind, backend = ?app.db.backend(), ready_ms = started.elapsed().as_millis() as u64, "listening");
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    for m in mailboxes {
        let _ = m.await;
    }
    app.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn pick_workspace(db: &Db, given: Option<&str>) -> Result<WorkspaceId> {
    if let Some(w) = given {
        let id = WorkspaceId::parse(w).context("--workspace is not a workspace id")?;
        let mut conn = db.read().await?;
        mesure_store::workspaces::get(&mut conn.conn(), id)
            .await
            .map_err(|_| anyhow::anyhow!("no workspace {w}"))?;
        return Ok(id);
    }
    let mut conn = db.read().await?;
    let all = mesure_store::workspaces::list(&mut conn.conn()).await?;
    match all.as_slice() {
        [one] => Ok(WorkspaceId::from_uuid(one.id)),
        [] => {
            bail!("there is no workspace yet: create one with `mesure workspace add --name NAME`")
        }
        _ => bail!(
            "there are {} workspaces: say which with --workspace ID",
            all.len()
        ),
    }
}

fn service_error(e: mesure_services::ServiceError) -> anyhow::Error {
    match e {
        mesure_services::ServiceError::Invalid(inv) => {
            let lines: Vec<String> = inv
                .0
                .iter()
                .map(|f| {
                    format!(
                        "--{}: {}",
                        f.field.replace('_', "-"),
                        mesure_web::error::field_message(mesure_domain::Language::En, f)
                    )
                })
                .collect();
            anyhow::anyhow!("invalid input:\n  {}", lines.join("\n  "))
        }
        mesure_services::ServiceError::Conflict(key) => {
            anyhow::anyhow!("{}", mesure_i18n::t(mesure_domain::Language::En, key))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// `mesure import`: the report on standard output, progress on standard error when it is a
/// terminal; an error (exit status 1) when nothing was imported because of problems.
async fn import(a: ImportArgs) -> Result<()> {
    use mesure_i18n::{Arg, t_args};
    use mesure_services::time::import::{self, Phase, Progress};
    use std::io::{IsTerminal, Write};
    // Read as it is imported, never whole into memory.
    let input = std::fs::File::open(&a.file)
        .with_context(|| format!("cannot read {}", a.file.display()))?;
    let pool = open(&a.db).await?;
    let ws = pick_workspace(&pool, a.workspace.as_deref()).await?;
    let app = app(
        pool,
        &a.db,
        None,
        "mesure@localhost.localdomain",
        "http://127.0.0.1:8080",
    )?;
    let ctx = mesure_services::auth::cli_ctx(&app, ws, a.as_user.as_deref())
        .await
        .map_err(|e| match (e, &a.as_user) {
            (mesure_services::ServiceError::NotFound, Some(email)) => {
                anyhow::anyhow!("no active staff user {email} in workspace {ws}")
            }
            (mesure_services::ServiceError::NotFound, None) => anyhow::anyhow!(
                "workspace {ws} has no active owner: say who imports with --as EMAIL"
            ),
            (e, _) => service_error(e),
        })?;
    let lang = ctx.language;
    let tty = std::io::stderr().is_terminal();
    let progress = if tty {
        Progress::new(move |phase, rows| {
            let key = match phase {
                Phase::Checking => "import-progress-checking",
                Phase::Writing => "import-progress-writing",
                Phase::Done => "import-progress-done",
            };
            let rows = i64::try_from(rows).unwrap_or(i64::MAX);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{}\x1b[K",
                t_args(lang, key, &[("rows", Arg::Num(rows))])
            );
            if phase == Phase::Done {
                let _ = writeln!(err);
            }
            let _ = err.flush();
        })
    } else {
        Progress::default()
    };
    let opts = import::Options {
        format: a.format.map(|f| match f {
            FormatArg::Harvest => mesure_domain::time::import::Format::Harvest,
            FormatArg::Toggl => mesure_domain::time::import::Format::Toggl,
            FormatArg::Kimai => mesure_domain::time::import::Format::Kimai,
            FormatArg::Generic => mesure_domain::time::import::Format::Generic,
        }),
        create_missing: a.create_missing,
        dry_run: a.dry_run,
        allow_duplicates: a.allow_duplicates,
        file_name: a
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import.csv".into()),
        progress,
    };
    let r = import::import(&app, &ctx, input, &opts)
        .await
        .map_err(|e| match e {
            mesure_services::ServiceError::Forbidden => anyhow::anyhow!(
                "{} may not manage time in workspace {ws}: import as an owner or a manager",
                ctx.label
            ),
            e => service_error(e),
        })?;
    let num = |n: u64| Arg::Num(i64::try_from(n).unwrap_or(i64::MAX));
    let mut out = std::io::stdout().lock();
    let summary = if !r.errors.is_empty() {
        t_args(lang, "import-failed", &[("count", num(r.error_count))])
    } else {
        let key = if r.dry_run {
            "import-dry"
        } else {
            "import-done"
        };
        t_args(
            lang,
            key,
            &[
                ("rows", num(r.rows)),
                (
                    "format",
                    Arg::Str(&mesure_i18n::t(lang, &format!("format-name-{}", r.format))),
                ),
                ("skipped", num(r.skipped_zero)),
            ],
        )
    };
    writeln!(out, "{summary}")?;
    if r.errors.is_empty() {
        writeln!(
            out,
            "{}",
            t_args(
                lang,
                "import-report-rows",
                &[
                    ("rows", num(r.rows)),
                    ("minutes", Arg::Num(r.minutes)),
                    ("skipped", num(r.skipped_zero)),
                ],
            )
        )?;
    }
    for (key, list) in [
        ("import-report-new-people", &r.new_people),
        ("import-report-new-clients", &r.new_clients),
        ("import-report-new-projects", &r.new_projects),
    ] {
        if !list.is_empty() {
            let list = list.join(", ");
            writeln!(out, "{}", t_args(lang, key, &[("list", Arg::Str(&list))]))?;
        }
    }
    if r.duplicates > 0 {
        let mut text = import::duplicates_message(lang, &r);
        if !r.allow_duplicates {
            text.push(' ');
            text.push_str(&mesure_i18n::t(lang, "import-duplicates-hint-cli"));
        }
        writeln!(out, "{text}")?;
    }
    for e in &r.errors {
        let column = if e.column.is_empty() {
            String::new()
        } else {
            format!(", {}", e.column)
        };
        let mut args = vec![
            ("line", num(e.line)),
            ("column", Arg::Str(&column)),
            ("message", Arg::Str(&e.message)),
        ];
        let key = if e.value.is_empty() {
            "import-report-error"
        } else {
            args.push(("value", Arg::Str(&e.value)));
            "import-report-error-value"
        };
        writeln!(out, "  {}", t_args(lang, key, &args))?;
    }
    if r.errors_truncated {
        writeln!(out, "{}", import::truncated_message(lang, &r))?;
    }
    out.flush()?;
    if !r.errors.is_empty() {
        bail!(
            "{}",
            t_args(lang, "import-failed", &[("count", num(r.error_count))])
        );
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(a) => serve(a, false).await,
        Command::Demo(a) => serve(a, true).await,
        Command::Migrate(db) => {
            let url = database_url(&db)?;
            let pool = Db::connect(&url, 1).await?;
            let applied = migrate::run(&pool).await?;
            println!(
                "schema version {} ({} migration(s) applied)",
                migrate::latest(),
                applied.len()
            );
            Ok(())
        }
        Command::Workspace(WorkspaceCmd::Add { db, name }) => {
            let pool = open(&db).await?;
            let app = app(
                pool,
                &db,
                None,
                "mesure@localhost.localdomain",
                "http://127.0.0.1:8080",
            )?;
            let w = mesure_services::workspaces::create(&app, &name, &Actor::system("cli"))
                .await
                .map_err(service_error)?;
            println!("{}", w.id);
            Ok(())
        }
        Command::User(UserCmd::Add {
            db,
            email,
            name,
            role,
            workspace,
            language,
            password_stdin,
            mail_url,
            base_url,
            mail_policy,
        }) => {
            let pool = open(&db).await?;
            let ws = pick_workspace(&pool, workspace.as_deref()).await?;
            let mut app = app(
                pool,
                &db,
                mail_url.as_deref(),
                "mesure@localhost.localdomain",
                &base_url,
            )?;
            app.mail_policy = mail_policy.policy();
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                Some(s.lines().next().unwrap_or("").to_string())
            } else {
                None
            };
            let role = match role {
                RoleArg::Owner => "owner",
                RoleArg::Manager => "manager",
                RoleArg::Staff => "staff",
            };
            let input = mesure_services::people::users::NewUser {
                email,
                name,
                role: role.into(),
                language,
                password,
            };
            let added =
                mesure_services::people::users::add(&app, ws, &input, &Actor::system("cli"))
                    .await
                    .map_err(service_error)?;
            // Deliver the welcome e-mail now when nothing else runs the queue.
            while mesure_services::jobs::run_once(&app).await.unwrap_or(false) {}
            eprintln!("user {} added to workspace {ws}", added.user.email);
            if let Some(p) = added.generated_password {
                println!("{p}");
            }
            Ok(())
        }
        Command::Import(a) => import(a).await,
        Command::Token(TokenCmd::Create { db, email, name }) => {
            let pool = open(&db).await?;
            let app = app(
                pool,
                &db,
                None,
                "mesure@localhost.localdomain",
                "http://127.0.0.1:8080",
            )?;
            let user = mesure_services::people::users::find_by_email(&app, &email)
                .await
                .map_err(|_| anyhow::anyhow!("no user {email}"))?;
            let t = mesure_services::auth::create_token(
                &app,
                WorkspaceId::from_uuid(user.workspace_id),
                user.id,
                &name,
                &Actor::system("cli"),
            )
            .await
            .map_err(service_error)?;
            println!("{}", t.secret);
            Ok(())
        }
        Command::Token(TokenCmd::Revoke { db, email, id, all }) => {
            let pool = open(&db).await?;
            let app = app(
                pool,
                &db,
                None,
                "mesure@localhost.localdomain",
                "http://127.0.0.1:8080",
            )?;
            let user = mesure_services::people::users::find_by_email(&app, &email)
                .await
                .map_err(|_| anyhow::anyhow!("no user {email}"))?;
            let ws = WorkspaceId::from_uuid(user.workspace_id);
            let ids: Vec<uuid::Uuid> = match (id, all) {
                (Some(i), _) => vec![uuid::Uuid::parse_str(&i).context("--id is not a token id")?],
                (None, true) => {
                    let mut conn = app.db.read().await?;
                    mesure_store::auth::tokens::list_for_user(&mut conn.conn(), ws, user.id)
                        .await?
                        .into_iter()
                        .filter(|t| t.revoked_at.is_none())
                        .map(|t| t.id)
                        .collect()
                }
                (None, false) => bail!("say which token with --id ID, or --all"),
            };
            for i in &ids {
                mesure_services::auth::revoke_token(&app, ws, user.id, *i, &Actor::system("cli"))
                    .await
                    .map_err(service_error)?;
            }
            println!("{} token(s) revoked", ids.len());
            Ok(())
        }
        Command::Backup { db, out } => {
            let url = database_url(&db)?;
            if url.starts_with("postgres") {
                bail!(
                    "this is a PostgreSQL database: back it up with pg_dump (e.g. `pg_dump -Fc -f mesure.dump DBNAME`)"
                );
            }
            if out.exists() {
                bail!("{} already exists", out.display());
            }
            let pool = Db::connect(&url, 1).await?;
            if !matches!(pool, Db::Sqlite(..)) {
                bail!("not a SQLite database")
            }
            pool.backup_sqlite(&out).await.context("backup failed")?;
            println!("backup written to {}", out.display());
            Ok(())
        }
        Command::Check {
            db,
            totals,
            invoices,
        } => {
            let url = database_url(&db)?;
            let pool = Db::connect(&url, 2).await?;
            let version = migrate::version(&pool).await?;
            println!("backend: {:?}", pool.backend());
            println!(
                "schema version: {version} (this binary: {})",
                migrate::latest()
            );
            let problems = migrate::integrity(&pool).await?;
            if version != migrate::latest() {
                println!("schema is not current: run `mesure migrate`");
            }
            if problems.is_empty() {
                println!("integrity: ok");
            } else {
                for p in &problems {
                    println!("integrity problem: {p}");
                }
                bail!("{} integrity problem(s)", problems.len());
            }
            if version != migrate::latest() {
                bail!("schema version {version} is not {}", migrate::latest());
            }
            if invoices {
                check_invoices(pool.clone(), &db).await?;
            }
            if totals {
                check_totals(pool, &db).await?;
            }
            Ok(())
        }
    }
}

/// `mesure check --invoices`: each workspace's chain of issued documents and their numbering.
async fn check_invoices(pool: Db, db: &DbArgs) -> Result<()> {
    let workspaces = {
        let mut c = pool.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let app = app(
        pool,
        db,
        None,
        "mesure@localhost.localdomain",
        "http://127.0.0.1:8080",
    )?;
    let mut problems = 0;
    for w in workspaces {
        let ws = mesure_domain::WorkspaceId::from_uuid(w.id);
        let r = mesure_services::invoicing::check_chain(&app, ws)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if r.broken.is_empty() && r.numbering.is_empty() {
            println!("invoices of {}: ok ({} documents)", w.name, r.documents);
        }
        for b in &r.broken {
            println!("invoices of {}: altered or out of chain: {b}", w.name);
        }
        for n in &r.numbering {
            println!("invoices of {}: numbering gap or duplicate: {n}", w.name);
        }
        problems += r.broken.len() + r.numbering.len();
    }
    if problems > 0 {
        bail!("{problems} invoice problem(s)");
    }
    Ok(())
}

/// `mesure check --totals`: each workspace's totals against its entries.
async fn check_totals(pool: Db, db: &DbArgs) -> Result<()> {
    let workspaces = {
        let mut c = pool.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let app = app(
        pool,
        db,
        None,
        "mesure@localhost.localdomain",
        "http://127.0.0.1:8080",
    )?;
    let mut differences = 0;
    for w in workspaces {
        let ws = mesure_domain::WorkspaceId::from_uuid(w.id);
        let found = mesure_services::radar::check::check_totals(&app, ws)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if found.is_empty() {
            println!("totals of {}: ok", w.name);
        }
        for f in &found {
            println!("totals of {}: {f}", w.name);
        }
        differences += found.len();
    }
    if differences > 0 {
        bail!("{differences} total(s) differ from the entries");
    }
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    // Tests and CI's browser journeys: a broken message fails the request instead of showing a raw key.
    if std::env::var("MESURE_I18N_STRICT").is_ok_and(|v| v == "1") {
        mesure_i18n::set_strict(true);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(cli)) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
