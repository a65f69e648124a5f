//! Storage faults under a running server: a full disk, a read-only mount, a schema not migrated,
//! a PostgreSQL database that goes away or turns read-only. Writes answer 503 with a request id,
//! `/readyz` says so, and once the fault is gone the same server writes again.
//!
//! The SQLite faults are real ones, made on small file systems the test mounts (a size-limited
//! tmpfs filled up; an ext4 image whose kernel error handling remounts it read-only), so they need
//! root, as the test suite has here and in CI; elsewhere they are skipped with a printed reason
//! (`MESURE_TEST_SKIP_MOUNTS=1` skips them too).
use mesure_testkit::{Backend, Options, TestApp, backends, spawn_with};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Why this machine cannot mount the test's file systems, if it cannot.
fn cannot_mount() -> Option<String> {
    if std::env::var("MESURE_TEST_SKIP_MOUNTS").is_ok_and(|v| !v.is_empty()) {
        return Some("MESURE_TEST_SKIP_MOUNTS is set".into());
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    let uid = String::from_utf8_lossy(&uid.stdout).trim().to_string();
    (uid != "0").then(|| format!("mounting a file system needs root (uid {uid})"))
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A file system mounted for one test; unmounted (lazily: the server may still hold its files)
/// when dropped.
struct Mount {
    dir: PathBuf,
    image: Option<PathBuf>,
}

impl Mount {
    fn new_dir(kind: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "mesure-fault-{kind}-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A tmpfs of `size` (e.g. "16m").
    fn tmpfs(size: &str) -> Mount {
        let dir = Self::new_dir("tmpfs");
        run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                dir.to_str().unwrap(),
            ],
        );
        Mount { dir, image: None }
    }

    /// A 16 MiB ext4 image on a loop device, mounted with `errors=remount-ro`.
    fn ext4() -> Mount {
        let dir = Self::new_dir("ext4");
        let image = dir.with_extension("img");
        std::fs::File::create(&image)
            .unwrap()
            .set_len(16 << 20)
            .unwrap();
        run("mkfs.ext4", &["-q", "-F", image.to_str().unwrap()]);
        run(
            "mount",
            &[
                "-o",
                "loop,errors=remount-ro",
                image.to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        Mount {
            dir,
            image: Some(image),
        }
    }

    /// Makes the kernel meet a file-system error on this ext4 mount: it remounts it read-only
    /// under the running server, as it does for a failing disk.
    fn fail_read_only(&self) {
        let out = Command::new("findmnt")
            .args(["-n", "-o", "SOURCE", self.dir.to_str().unwrap()])
            .output()
            .unwrap();
        let source = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let device = source.rsplit('/').next().unwrap().to_string();
        std::fs::write(
            format!("/sys/fs/ext4/{device}/trigger_fs_error"),
            "mesure fault test\n",
        )
        .unwrap();
        let opts = Command::new("findmnt")
            .args(["-n", "-o", "OPTIONS", self.dir.to_str().unwrap()])
            .output()
            .unwrap();
        let opts = String::from_utf8_lossy(&opts.stdout).to_string();
        // Recent kernels say `emergency_ro` and keep `rw` among the options.
        assert!(
            opts.starts_with("ro") || opts.contains("emergency_ro"),
            "still mounted {opts}"
        );
    }

    /// Fills the file system; the filler's path (remove it to give the space back).
    fn fill(&self) -> PathBuf {
        let path = self.dir.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        loop {
            match f.write(&chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling {}: {e}", path.display()),
            }
        }
        path
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).output();
        let _ = std::fs::remove_dir(&self.dir);
        if let Some(image) = &self.image {
            let _ = std::fs::remove_file(image);
        }
    }
}

/// Creates a client through the API: the status, the `x-request-id` header and the body.
async fn create_client(t: &TestApp, token: &str, name: &str) -> (u16, String, Value) {
    let r = t
        .client()
        .post(t.api("/clients"))
        .bearer_auth(token)
        .json(&json!({ "name": name }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    (status, rid, r.json().await.unwrap_or(Value::Null))
}

/// Asserts a 503 problem document carrying the response's request id.
fn assert_unavailable((status, rid, body): &(u16, String, Value)) {
    assert_eq!(*status, 503, "{body}");
    assert!(!rid.is_empty());
    assert_eq!(body["request_id"], rid.as_str(), "{body}");
    assert_eq!(body["status"], 503, "{body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
}

/// Polls `/readyz` (its answer is cached for a second) until it answers `want`; the body.
async fn readyz_until(t: &TestApp, want: u16) -> String {
    let mut last = (0, String::new());
    for _ in 0..40 {
        let r = t
            .client()
            .get(format!("{}/readyz", t.url))
            .send()
            .await
            .unwrap();
        last = (r.status().as_u16(), r.text().await.unwrap());
        if last.0 == want {
            return last.1;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("/readyz never answered {want}; last {} {}", last.0, last.1);
}

/// Reads answer while writes cannot.
async fn assert_reads_work(t: &TestApp, token: &str) {
    let r = t
        .client()
        .get(t.api("/clients"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn spawn_in(backend: Backend, dir: &Path) -> TestApp {
    spawn_with(
        backend,
        Options {
            dir: Some(dir.to_path_buf()),
            ..Options::default()
        },
    )
    .await
}

#[tokio::test]
async fn full_disk_answers_503_and_writes_resume_when_space_returns() {
    if let Some(why) = cannot_mount() {
        println!("SKIPPED full-disk fault test: {why}");
        return;
    }
    let fs = Mount::tmpfs("16m");
    let t = spawn_in(Backend::Sqlite, &fs.dir).await;
    let ten = t.tenant("Agence Pleine").await;
    let tok = ten.manager.token.clone();
    let (s, _, body) = create_client(&t, &tok, "Avant").await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(readyz_until(&t, 200).await, "ready");

    let filler = fs.fill();
    // The first writes that need new space fail; the WAL may still hold a little room.
    let mut failed = None;
    for i in 0..200 {
        let r = create_client(&t, &tok, &format!("Pendant {i}")).await;
        if r.0 != 201 {
            failed = Some(r);
            break;
        }
    }
    let failed = failed.expect("no write failed on a full disk");
    assert_unavailable(&failed);
    // More failing writes, enough to go through every pooled connection.
    for i in 0..10 {
        assert_unavailable(&create_client(&t, &tok, &format!("Encore {i}")).await);
    }
    // A page write (the login records a session): the error page, 503, with the reference.
    let browser = t.client();
    let r = t
        .login(&browser, &ten.owner.email, &ten.owner.password)
        .await;
    assert_eq!(r.status(), 503);
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let page = r.text().await.unwrap();
    assert!(page.contains(&rid), "{page}");
    assert!(page.contains("indisponible"), "{page}");
    let why = readyz_until(&t, 503).await;
    assert!(why.contains("cannot write"), "{why}");
    assert_reads_work(&t, &tok).await;

    // The space comes back: the same server writes again, on every connection of its pool.
    std::fs::remove_file(&filler).unwrap();
    for i in 0..12 {
        let (s, _, body) = create_client(&t, &tok, &format!("Après {i}")).await;
        assert_eq!(s, 201, "write {i} after the space returned: {body}");
    }
    let r = t
        .login(&browser, &ten.owner.email, &ten.owner.password)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(readyz_until(&t, 200).await, "ready");
    t.app.db.close().await;
}

#[tokio::test]
async fn read_only_mount_answers_503_and_readyz_says_so() {
    if let Some(why) = cannot_mount() {
        println!("SKIPPED read-only fault test: {why}");
        return;
    }
    let fs = Mount::ext4();
    let t = spawn_in(Backend::Sqlite, &fs.dir).await;
    let ten = t.tenant("Agence Figée").await;
    let tok = ten.manager.token.clone();
    let (s, _, body) = create_client(&t, &tok, "Avant").await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(readyz_until(&t, 200).await, "ready");

    fs.fail_read_only();
    for i in 0..10 {
        assert_unavailable(&create_client(&t, &tok, &format!("Pendant {i}")).await);
    }
    let why = readyz_until(&t, 503).await;
    assert!(why.contains("cannot write"), "{why}");
    assert_reads_work(&t, &tok).await;
    t.app.db.close().await;
}

#[tokio::test]
async fn readyz_refuses_a_schema_not_migrated() {
    for backend in backends() {
        let t = spawn_with(
            backend,
            Options {
                unmigrated: true,
                ..Options::default()
            },
        )
        .await;
        let why = readyz_until(&t, 503).await;
        assert!(why.contains("not migrated"), "{backend:?}: {why}");
        mesure_store::migrate::run(&t.app.db).await.unwrap();
        assert_eq!(readyz_until(&t, 200).await, "ready", "{backend:?}");
        t.app.db.close().await;
    }
}

/// A connection to the PostgreSQL server's administration database, and the test's own
/// database's name.
async fn pg_admin(t: &TestApp) -> (sqlx::PgPool, String) {
    let admin_url = std::env::var("MESURE_TEST_DATABASE_URL").unwrap();
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    let name = t.db_url.rsplit('/').next().unwrap().to_string();
    (admin, name)
}

/// Ends every session on database `name` (the server's pool reconnects).
async fn pg_disconnect(admin: &sqlx::PgPool, name: &str) {
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(name)
    .execute(admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn postgres_gone_or_read_only_answers_503_then_recovers() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let t = spawn_with(Backend::Postgres, Options::default()).await;
    let ten = t.tenant("Agence Distante").await;
    let tok = ten.manager.token.clone();
    let (admin, name) = pg_admin(&t).await;

    // Read-only: new sessions of the database start read-only transactions.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    )))
    .execute(&admin)
    .await
    .unwrap();
    pg_disconnect(&admin, &name).await;
    // The first request may meet a pooled connection just cut; from then on, read-only.
    let _ = create_client(&t, &tok, "Coupure").await;
    for i in 0..10 {
        assert_unavailable(&create_client(&t, &tok, &format!("Lecture seule {i}")).await);
    }
    let why = readyz_until(&t, 503).await;
    assert!(why.contains("cannot write"), "{why}");
    assert_reads_work(&t, &tok).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = off"
    )))
    .execute(&admin)
    .await
    .unwrap();
    pg_disconnect(&admin, &name).await;
    let _ = create_client(&t, &tok, "Reprise").await;
    for i in 0..10 {
        let (s, _, body) = create_client(&t, &tok, &format!("Écriture {i}")).await;
        assert_eq!(s, 201, "{body}");
    }
    assert_eq!(readyz_until(&t, 200).await, "ready");

    // Gone: the database is dropped under the server, then made again and migrated.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .unwrap();
    assert_unavailable(&create_client(&t, &tok, "Disparue").await);
    let why = readyz_until(&t, 503).await;
    assert!(why.contains("unreachable"), "{why}");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    let fresh = mesure_store::Db::connect(&t.db_url, 1).await.unwrap();
    mesure_store::migrate::run(&fresh).await.unwrap();
    fresh.close().await;
    assert_eq!(readyz_until(&t, 200).await, "ready");
    t.app.db.close().await;
    admin.close().await;
}

/// A failure of the database that is not a fault of the storage (here: a table gone) is the
/// server's error, with its request id: never a signed-out visitor (a redirect to the login or
/// a 401) and never a page with an empty section.
#[tokio::test]
async fn a_failed_query_is_an_error_not_a_login_nor_an_empty_section() {
    for backend in mesure_testkit::backends() {
        let t = mesure_testkit::spawn_app(backend).await;
        let ten = t.tenant("Agence Pannes").await;
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        t.login(&browser, &ten.owner.email, &ten.owner.password)
            .await;
        let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
        let exec = |sql: String| {
            let db = t.app.db.clone();
            async move {
                let mut c = db.read().await.unwrap();
                mesure_store::testing::exec(&mut c.conn(), &sql, &[])
                    .await
                    .unwrap();
            }
        };
        // A section of the audit page (its exports) cannot be read: the page fails.
        assert_eq!(
            browser
                .get(format!("{}/audit", t.url))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        exec(rename("exports", "exports_gone")).await;
        let r = browser
            .get(format!("{}/audit", t.url))
            .send()
            .await
            .unwrap();
        let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let (status, body) = (r.status().as_u16(), r.text().await.unwrap());
        assert_eq!(status, 500, "{backend:?}: {body}");
        assert!(
            body.contains(&rid),
            "{backend:?}: the page shows its reference"
        );
        exec(rename("exports_gone", "exports")).await;
        // Sessions and tokens cannot be read: not "please log in", not a 401.
        exec(rename("sessions", "sessions_gone")).await;
        let r = browser
            .get(format!("{}/clients", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status().as_u16(),
            500,
            "{backend:?}: {:?}",
            r.headers().get("location")
        );
        exec(rename("sessions_gone", "sessions")).await;
        exec(rename("api_tokens", "api_tokens_gone")).await;
        let r = t
            .client()
            .get(t.api("/clients"))
            .bearer_auth(&ten.owner.token)
            .send()
            .await
            .unwrap();
        let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let (status, body) = (r.status().as_u16(), r.json::<Value>().await.unwrap());
        assert_eq!(status, 500, "{backend:?}: {body}");
        assert_eq!(body["request_id"], rid.as_str(), "{body}");
        exec(rename("api_tokens_gone", "api_tokens")).await;
        let r = browser
            .get(format!("{}/clients", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "{backend:?}: the server recovers without a restart"
        );
    }
}

/// A state the code does not know, stored in the database (a billing model, a scope), is the
/// server's error with its reference: never read as some default state and shown as figures.
#[tokio::test]
async fn a_corrupt_stored_state_is_an_error_not_a_default() {
    for backend in mesure_testkit::backends() {
        let t = mesure_testkit::spawn_app(backend).await;
        let ten = t.tenant("Agence Corrompue").await;
        let client = t.client_named(&ten.owner.ctx, "Client X").await;
        let project = crate::time::project(&t, &ten.owner.ctx, client, "P", "time_materials").await;
        let radar = |path: String| {
            let (http, url, token) = (t.client(), t.api(&path), ten.owner.token.clone());
            async move {
                let r = http.get(url).bearer_auth(token).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let path = format!("/projects/{project}/radar");
        assert_eq!(radar(path.clone()).await.0, 200);
        {
            let mut c = t.app.db.read().await.unwrap();
            mesure_store::testing::exec(
                &mut c.conn(),
                "UPDATE projects SET billing_model = 'bogus' WHERE id = $1",
                &[mesure_store::Bind::Uuid(project)],
            )
            .await
            .unwrap();
        }
        let (status, body) = radar(path).await;
        assert_eq!(status, 500, "{backend:?}: {body}");
        assert!(body.contains("request_id"), "{body}");
        // An entry's scope, read into its typed row: the list fails, it does not show a default.
        let other = crate::time::project(&t, &ten.owner.ctx, client, "Q", "time_materials").await;
        crate::time::log(&t, &ten.owner.ctx, other, "2026-03-02", 60).await;
        assert_eq!(radar("/time-entries".into()).await.0, 200);
        {
            let mut c = t.app.db.read().await.unwrap();
            mesure_store::testing::exec(
                &mut c.conn(),
                "UPDATE time_entries SET scope = 'elsewhere' WHERE project_id = $1",
                &[mesure_store::Bind::Uuid(other)],
            )
            .await
            .unwrap();
        }
        let (status, body) = radar("/time-entries".into()).await;
        assert_eq!(status, 500, "{backend:?}: {body}");
    }
}
