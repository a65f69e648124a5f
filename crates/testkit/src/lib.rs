//! Test harness: `spawn_app(backend)` starts the real server on 127.0.0.1:0 against a fresh
//! database (a temporary SQLite file, or a new PostgreSQL database made from
//! `MESURE_TEST_DATABASE_URL`), with helpers to make workspaces, users, sessions and tokens.
#![forbid(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod dovecot;
pub mod smtp;
use mesure_domain::{Principal, Role, UserId, WorkspaceId};
use mesure_services::audit::Actor;
use mesure_services::{App, Clock, Ctx};
use mesure_store::Db;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The engines a test runs on: SQLite always, PostgreSQL when `MESURE_TEST_DATABASE_URL` is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var("MESURE_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        b.push(Backend::Postgres);
    }
    b
}

/// The tests' clock: `set` puts it on any instant, `advance_secs` moves it forward.
pub type TestClock = mesure_services::ShiftedClock;

pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    pub url: String,
    pub app: App,
    pub clock: Arc<TestClock>,
    pub dir: PathBuf,
    /// The database's URL (a SQLite file in `dir`, or the test's own PostgreSQL database).
    pub db_url: String,
}

/// Options of `spawn_with`.
#[derive(Default, Clone)]
pub struct Options {
    /// Run the job worker in the background (off: tests call `run_jobs`).
    pub worker: bool,
    /// The directory of the test's files and SQLite database (default: a new one under the
    /// system's temporary directory), e.g. a small file system a fault test mounted.
    pub dir: Option<PathBuf>,
    /// Leave the new database empty, without the migrations.
    pub unmigrated: bool,
    /// The operator's mail policy (`serve --allow-workspace-smtp`, `--allow-private-smtp`,
    /// `--smtp-timeout`); the default is the server's: no workspace SMTP, a 60 s bound.
    pub mail: mesure_services::MailPolicy,
}

impl Options {
    /// Workspaces may use their own SMTP server, on this machine too (the tests' SMTP server
    /// listens on 127.0.0.1).
    pub fn local_smtp() -> Options {
        Options {
            mail: mesure_services::MailPolicy {
                allow_workspace_smtp: true,
                allow_private_smtp: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// A new empty database for a test: a SQLite file in `dir`, or a PostgreSQL database made from
/// `MESURE_TEST_DATABASE_URL`. Its URL.
pub async fn fresh_db_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
        Backend::Postgres => {
            let admin_url =
                std::env::var("MESURE_TEST_DATABASE_URL").expect("MESURE_TEST_DATABASE_URL");
            let name = format!("mesure_test_{}", uuid::Uuid::now_v7().simple());
            let admin = Db::connect(&admin_url, 1)
                .await
                .expect("connect to PostgreSQL");
            if let Db::Pg(p) = &admin {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(p)
                    .await
                    .expect("create database");
            }
            admin.close().await;
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("database URL with a database name");
            format!("{base}/{name}")
        }
    }
}

/// A new database for a test, migrated.
pub async fn fresh_db(backend: Backend, dir: &std::path::Path) -> Db {
    let url = fresh_db_url(backend, dir).await;
    let db = Db::connect(&url, 8).await.expect("connect");
    mesure_store::migrate::run(&db).await.expect("migrate");
    db
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, Options::default()).await
}

pub async fn spawn_with(backend: Backend, opts: Options) -> TestApp {
    // A missing message or an unfilled placeholder fails the request (500) and so the test.
    mesure_i18n::set_strict(true);
    // MESURE_TEST_LOG=debug (an env-filter) shows the server's logs while debugging a test.
    if let Ok(filter) = std::env::var("MESURE_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .try_init();
    }
    let dir = opts.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("mesure-test-{}", uuid::Uuid::now_v7().simple()))
    });
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = fresh_db_url(backend, &dir).await;
    let db = Db::connect(&db_url, 8).await.expect("connect");
    if !opts.unmigrated {
        mesure_store::migrate::run(&db).await.expect("migrate");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let clock = Arc::new(TestClock::default());
    let app = App {
        db,
        clock: clock.clone(),
        default_mail: mesure_mail::Transport::Outbox(dir.join("outbox")),
        default_mail_from: "mesure@example.org".into(),
        base_url: url.clone(),
        data_dir: dir.clone(),
        jobs_notify: Arc::new(tokio::sync::Notify::new()),
        mail_policy: opts.mail,
        job_concurrency: mesure_services::DEFAULT_JOB_CONCURRENCY,
    };
    serve(app.clone(), listener);
    if opts.worker {
        let (_tx, rx) = tokio::sync::watch::channel(false);
        let a = app.clone();
        tokio::spawn(async move {
            let _keep = _tx;
            mesure_services::jobs::worker(a, rx).await
        });
    }
    TestApp {
        backend,
        addr,
        url,
        app,
        clock,
        dir,
        db_url,
    }
}

/// Serves Mesure's router over `app` on `listener`, in the background.
fn serve(app: App, listener: tokio::net::TcpListener) {
    let router = mesure_web::router(mesure_web::AppState {
        app,
        metrics: Arc::default(),
        ready: Arc::default(),
        secure_cookies: false,
        test_clock: None,
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
}

/// A workspace with one user of each staff role.
pub struct Tenant {
    pub ws: WorkspaceId,
    pub owner: Person,
    pub manager: Person,
    pub staff: Person,
}

/// A user with their password and a ready API token.
#[derive(Clone)]
pub struct Person {
    pub id: uuid::Uuid,
    pub email: String,
    pub password: String,
    pub token: String,
    pub ctx: Ctx,
}

pub const PASSWORD: &str = "correct-horse-battery";

impl TestApp {
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A workspace named `name` with an owner, a manager and a staff user.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let w = mesure_services::workspaces::create(&self.app, name, &Actor::system("test"))
            .await
            .unwrap();
        let ws = WorkspaceId::from_uuid(w.id);
        let slug: String = name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut people = vec![];
        for role in [Role::Owner, Role::Manager, Role::Staff] {
            people.push(
                self.person(
                    ws,
                    &format!("{}@{slug}.example.org", role.as_str()),
                    role,
                    None,
                )
                .await,
            );
        }
        let staff = people.pop().unwrap();
        let manager = people.pop().unwrap();
        let owner = people.pop().unwrap();
        Tenant {
            ws,
            owner,
            manager,
            staff,
        }
    }

    pub async fn person(
        &self,
        ws: WorkspaceId,
        email: &str,
        role: Role,
        language: Option<&str>,
    ) -> Person {
        let added = mesure_services::people::users::add(
            &self.app,
            ws,
            &mesure_services::people::users::NewUser {
                email: email.into(),
                name: format!("{} {}", role.as_str(), email),
                role: role.as_str().into(),
                language: language.map(str::to_string),
                password: Some(PASSWORD.into()),
            },
            &Actor::system("test"),
        )
        .await
        .unwrap();
        let token = mesure_services::auth::create_token(
            &self.app,
            ws,
            added.user.id,
            "test",
            &Actor::system("test"),
        )
        .await
        .unwrap();
        let resolved = mesure_services::auth::from_token(&self.app, &token.secret, None)
            .await
            .unwrap();
        assert_eq!(resolved.ctx.principal, Principal::Staff(role));
        let _ = UserId::from_uuid(added.user.id);
        Person {
            id: added.user.id,
            email: email.into(),
            password: PASSWORD.into(),
            token: token.secret,
            ctx: resolved.ctx,
        }
    }

    /// Runs every due job now.
    pub async fn run_jobs(&self) -> usize {
        let mut n = 0;
        while mesure_services::jobs::run_once(&self.app).await.unwrap() {
            n += 1;
        }
        n
    }

    /// Signs in through the login form; the client keeps the session cookie.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(format!("{}/login", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf").expect("login form has a CSRF field");
        client
            .post(format!("{}/login", self.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of a signed-in page.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let page = client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        hidden(&page, "_csrf").expect("page has a CSRF field")
    }

    /// The body of a GET of `path` (a page or a CSV) with the client's session, as text.
    pub async fn text(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// A client organisation named `name`, created through the service; its id.
    pub async fn client_named(&self, ctx: &mesure_services::Ctx, name: &str) -> uuid::Uuid {
        mesure_services::clients::create(
            &self.app,
            ctx,
            &mesure_domain::clients::ClientForm {
                name: name.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id
    }

    pub fn clock_now(&self) -> i64 {
        self.clock.now_us()
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.url)
    }
}

/// The value of the first hidden input named `name` in an HTML page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// The `Set-Cookie` header of the session cookie a response sets (with its attributes).
pub fn session_set_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("mesure_session="))
        .expect("a session cookie")
}

/// The session cookie a response sets, as a `Cookie` header value (`mesure_session=…`).
pub fn session_cookie(r: &reqwest::Response) -> String {
    let set = session_set_cookie(r);
    set.split(';').next().unwrap_or_default().to_string()
}

impl TestApp {
    /// A second server on this test's database, with its own connection pool and router: what a
    /// second `mesure serve` process behind a load balancer is to the database (no state shared
    /// in the process; on SQLite not even the write lock). Its URL.
    pub async fn second_server(&self) -> String {
        let db = Db::connect(&self.db_url, 8).await.expect("connect");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = App {
            db,
            base_url: url.clone(),
            ..self.app.clone()
        };
        serve(app, listener);
        url
    }
}

impl TestApp {
    /// `mesure check --totals` on every workspace: the differences between the running totals
    /// and the entries (empty when all agree).
    pub async fn check_totals(&self) -> Vec<String> {
        let workspaces = {
            let mut c = self.app.db.read().await.unwrap();
            mesure_store::workspaces::list(&mut c.conn()).await.unwrap()
        };
        let mut found = Vec::new();
        for w in workspaces {
            let ws = mesure_domain::WorkspaceId::from_uuid(w.id);
            found.extend(
                mesure_services::radar::check::check_totals(&self.app, ws)
                    .await
                    .unwrap(),
            );
        }
        found
    }
}
