//! The `mesure` binary end to end: administrative commands, then `serve` on the same data
//! directory answering with the token the CLI printed, and a graceful stop on SIGTERM.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::zombie_processes
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mesure");

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("mesure-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn mesure(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("MESURE_DATA_DIR", dir)
        .env_remove("MESURE_DATABASE_URL")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn help_is_complete() {
    let o = Command::new(BIN).arg("--help").output().unwrap();
    let text = stdout(&o);
    for cmd in [
        "serve",
        "demo",
        "migrate",
        "workspace",
        "user",
        "token",
        "backup",
        "check",
    ] {
        assert!(text.contains(cmd), "--help lists {cmd}");
    }
    for args in [
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
        vec!["backup", "--help"],
    ] {
        let o = Command::new(BIN).args(&args).output().unwrap();
        assert!(o.status.success(), "{args:?}");
        let h = stdout(&o);
        assert!(
            h.contains("--data-dir")
                && h.contains("--database-url")
                && h.contains("MESURE_DATA_DIR"),
            "{args:?}: {h}"
        );
    }
}

#[test]
fn administer_then_serve_and_stop_gracefully() {
    let dir = temp_dir();
    // No workspace yet: user add says what to do.
    let o = mesure(
        &dir,
        &[
            "user", "add", "--email", "a@b.fr", "--name", "A", "--role", "owner",
        ],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("mesure workspace add"),
        "{}",
        stderr(&o)
    );

    let o = mesure(&dir, &["workspace", "add", "--name", "Agence Test"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ws = stdout(&o).trim().to_string();
    assert!(
        uuid::Uuid::parse_str(&ws).is_ok(),
        "prints the workspace id: {ws}"
    );

    // Bad input names the option and changes nothing.
    let o = mesure(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "not-an-email",
            "--name",
            "",
            "--role",
            "owner",
        ],
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("--email: Not a valid e-mail address.")
            && e.contains("--name: This field is required."),
        "{e}"
    );

    // A generated password is printed once; a given one is read from standard input.
    let o = mesure(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "owner@test.fr",
            "--name",
            "Olivia Owner",
            "--role",
            "owner",
            "--workspace",
            &ws,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let generated = stdout(&o).trim().to_string();
    assert_eq!(generated.len(), 16);
    let mut child = Command::new(BIN)
        .args([
            "user",
            "add",
            "--email",
            "staff@test.fr",
            "--name",
            "Sam Staff",
            "--role",
            "staff",
            "--password-stdin",
            "--language",
            "en",
        ])
        .env("MESURE_DATA_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-enough-password\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "no password printed when one is given");
    // The welcome mails went to the development outbox, in each person's language.
    let outbox: Vec<String> = std::fs::read_dir(dir.join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(outbox.len(), 2);
    assert!(
        outbox
            .iter()
            .any(|m| m.contains("To: staff@test.fr") && m.contains("Subject: Welcome to Mesure"))
    );

    // Tokens: printed alone on their line.
    let o = mesure(
        &dir,
        &[
            "token",
            "create",
            "--email",
            "owner@test.fr",
            "--name",
            "ci",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let token = stdout(&o);
    assert_eq!(token.lines().count(), 1);
    let token = token.trim().to_string();
    assert!(token.starts_with("mes_"));
    let o = mesure(&dir, &["token", "create", "--email", "staff@test.fr"]);
    let staff_token = stdout(&o).trim().to_string();
    let o = mesure(
        &dir,
        &["token", "revoke", "--email", "staff@test.fr", "--all"],
    );
    assert_eq!(stdout(&o).trim(), "1 token(s) revoked");

    // check and backup.
    let o = mesure(&dir, &["check"]);
    assert!(o.status.success());
    let latest = mesure_store::migrate::latest();
    assert!(
        stdout(&o).contains("integrity: ok")
            && stdout(&o).contains(&format!("schema version: {latest}"))
    );
    let backup = dir.join("copy.db");
    let o = mesure(&dir, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new(BIN)
        .args([
            "check",
            "--database-url",
            &format!("sqlite://{}", backup.display()),
        ])
        .output()
        .unwrap();
    assert!(o.status.success() && stdout(&o).contains("integrity: ok"));
    let o = mesure(&dir, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(!o.status.success() && stderr(&o).contains("already exists"));
    let o = mesure(
        &dir,
        &[
            "backup",
            "--out",
            "/tmp/x.db",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ],
    );
    assert!(!o.status.success() && stderr(&o).contains("pg_dump"));

    // Serve the same data directory; the printed token works, the revoked one does not.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let mut server = Command::new(BIN)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
        ])
        .env("MESURE_DATA_DIR", &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), format!("listening on http://127.0.0.1:{port}"));
    assert!(started.elapsed() < Duration::from_secs(10));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        assert_eq!(
            c.get(format!("{base}/readyz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let me: serde_json::Value = c
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], "owner@test.fr");
        assert_eq!(me["role"], "owner");
        assert_eq!(
            c.get(format!("{base}/api/v1/me"))
                .bearer_auth(&staff_token)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    });
    // SIGTERM: the server finishes and exits cleanly.
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful exit");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut logs).unwrap();
    assert!(
        logs.lines()
            .any(|l| l.starts_with('{') && l.contains("\"listening\"")),
        "JSON logs: {logs}"
    );
    assert!(logs.contains("shutting down"));
}

#[test]
fn migrate_reports_the_version() {
    let dir = temp_dir();
    let o = mesure(&dir, &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let latest = mesure_store::migrate::latest();
    assert_eq!(
        stdout(&o).trim(),
        format!("schema version {latest} ({latest} migration(s) applied)")
    );
    let o = mesure(&dir, &["migrate"]);
    assert_eq!(
        stdout(&o).trim(),
        format!("schema version {latest} (0 migration(s) applied)")
    );
}

/// Starts `mesure demo` on a free port; returns the child and what it printed up to "listening".
fn start_demo(dir: &Path) -> (std::process::Child, String, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(BIN)
        .args(["demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("MESURE_DATA_DIR", dir)
        .env_remove("MESURE_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let mut reader = BufReader::new(server.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "demo ended: {out}"
        );
        out.push_str(&line);
        if line.starts_with("listening on") {
            break;
        }
    }
    (server, out, port)
}

#[test]
fn demo_prints_one_login_per_role_and_keeps_existing_data() {
    let dir = temp_dir();
    let (mut server, out, port) = start_demo(&dir);
    assert!(out.contains("was created in"), "{out}");
    let logins: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let at = l.rfind(' ')?;
            let email = &l[at + 1..];
            email
                .contains('@')
                .then(|| (l[..at].trim().to_string(), email.to_string()))
        })
        .collect();
    let roles: Vec<&str> = logins.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        roles,
        [
            "owner",
            "manager",
            "staff",
            "portal contact (billing)",
            "portal contact (project)"
        ],
        "{out}"
    );
    let password = mesure_services_password(&out);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let base = format!("http://127.0.0.1:{port}");
        for (role, email) in &logins {
            let c = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let page = c
                .get(format!("{base}/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let csrf = page
                .split("name=\"_csrf\" value=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
                .to_string();
            let r = c
                .post(format!("{base}/login"))
                .form(&[
                    ("email", email.as_str()),
                    ("password", password.as_str()),
                    ("_csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{role} {email} signs in");
            let to = r.headers()["location"].to_str().unwrap().to_string();
            if role.starts_with("portal contact") {
                assert!(to.starts_with("/portal"), "{role} lands on {to}");
            }
        }
    });
    stop(&mut server);
    // A second run keeps the data and says so.
    let (mut server, out, _) = start_demo(&dir);
    assert!(out.contains("already holds the demo agency"), "{out}");
    assert!(out.contains("portal contact"), "{out}");
    stop(&mut server);
}

fn mesure_services_password(out: &str) -> String {
    out.split("(password: ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap()
        .to_string()
}

fn stop(server: &mut std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let _ = server.wait();
}

fn mesure_strict(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("MESURE_DATA_DIR", dir)
        .env("MESURE_I18N_STRICT", "1")
        .env_remove("MESURE_DATABASE_URL")
        .env_remove("MESURE_WORKSPACE")
        .output()
        .unwrap()
}

#[test]
fn import_help_names_the_formats() {
    let o = Command::new(BIN)
        .args(["import", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let h = stdout(&o);
    for word in [
        "harvest",
        "toggl",
        "kimai",
        "generic",
        "Harvest",
        "Toggl Track",
        "Kimai",
        "--workspace",
        "--dry-run",
        "--create-missing",
        "--allow-duplicates",
        "--as <EMAIL>",
        "--format",
    ] {
        assert!(h.contains(word), "import --help names {word}: {h}");
    }
}

#[test]
fn import_reports_then_refuses_the_same_file() {
    let dir = temp_dir();
    let o = mesure_strict(&dir, &["workspace", "add", "--name", "Agence Import"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ws = stdout(&o).trim().to_string();
    let o = mesure_strict(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "olga@import.example",
            "--name",
            "Olga Owner",
            "--role",
            "owner",
            "--workspace",
            &ws,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.join("heures.csv");
    std::fs::write(
        &file,
        "date,person,client,project,deliverable,minutes,note,billable\n\
         2026-03-02,Ana Silva,Acme,Site,,90,Maquettes,yes\n\
         2026-03-02,Olga Owner,Acme,Site,,30,Revue,no\n\
         2026-03-03,Ana Silva,Globex,App,,0,Minuteur,yes\n\
         2026-03-04,Ana Silva,Globex,App,,45,Correctifs,yes\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let base = ["import", path, "--workspace", ws.as_str()];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        mesure_strict(&dir, &args)
    };

    // Unknown names without --create-missing: every row listed by line, exit status 1.
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("ligne 2, person") && out.contains("Ana Silva"),
        "{out}"
    );
    assert!(
        stderr(&o).contains("Rien n'a été importé"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains('\r'),
        "no progress line off a terminal"
    );

    // The import: three entries, one zero-minute row skipped, what was created.
    let o = run(&["--create-missing"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("3 saisies importées (CSV générique), une ligne à zéro ignorée."),
        "{out}"
    );
    assert!(
        out.contains("3 saisies (165 minutes), une ligne à zéro ignorée"),
        "{out}"
    );
    assert!(out.contains("Nouvelles personnes : Ana Silva"), "{out}");
    assert!(out.contains("Nouveaux clients : Acme, Globex"), "{out}");
    assert!(
        out.contains("Nouveaux projets : Acme / Site, Globex / App"),
        "{out}"
    );

    // The same file again, dry run: the three rows are reported as already there.
    let o = run(&["--create-missing", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("3 lignes existent déjà"), "{out}");
    assert!(
        out.contains(": 2, 3, 5. Ajoutez --allow-duplicates"),
        "{out}"
    );
    assert!(out.contains("ligne 5 : Cette saisie existe déjà"), "{out}");
    // ... and the real run is refused: nothing written.
    let o = run(&["--create-missing"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("3 lignes existent déjà"));
    // Asked to, the dry run goes through, saying what it would import anyway.
    let o = run(&["--create-missing", "--dry-run", "--allow-duplicates"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Essai à blanc : 3 saisies seraient importées"),
        "{out}"
    );
    assert!(
        out.contains("3 lignes en double, acceptées (importer quand même) : 2, 3, 5."),
        "{out}"
    );

    // Acting as someone else: a staff user of the workspace, or an error.
    let o = run(&["--as", "nobody@import.example", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no active staff user nobody@import.example"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "--as",
        "olga@import.example",
        "--dry-run",
        "--allow-duplicates",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A staff member may not import for others.
    let o = mesure_strict(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "sam@import.example",
            "--name",
            "Sam Staff",
            "--role",
            "staff",
            "--workspace",
            &ws,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["--as", "sam@import.example", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Sam Staff may not manage time"),
        "{}",
        stderr(&o)
    );
    // A forced format the file does not match.
    let o = run(&["--format", "kimai"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("Fichier kimai incomplet"),
        "{}",
        stdout(&o)
    );
    // A missing file.
    let o = mesure_strict(
        &dir,
        &["import", "/nonexistent/heures.csv", "--workspace", &ws],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read /nonexistent/heures.csv"));
}
