//! The job queue and e-mail: welcome mails delivered to a real SMTP server (aiosmtpd) in the
//! recipient's language, retries with backoff until dead, and the audit-log export job.
use mesure_domain::{Language, Role};
use mesure_services::MailPolicy;
use mesure_testkit::{Options, PASSWORD, TestApp, backends, hidden, spawn_with};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mesure_testkit::smtp::{free_port, python, start_smtp};

/// Parses a received message with Python's e-mail parser: subject, to, and the MIME types of its parts.
fn parse_mail(path: &Path) -> Value {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys, json, email, email.policy\nm = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\nparts = [p.get_content_type() for p in m.walk()]\ntext = m.get_body(('plain',)).get_content()\nhtml = m.get_body(('html',)).get_content()\nprint(json.dumps({'subject': m['subject'], 'to': m['to'], 'from': m['from'], 'parts': parts, 'text': text, 'html': html}))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn received(maildir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|f| parse_mail(f)).collect()
}

#[tokio::test]
async fn welcome_mails_reach_a_real_smtp_server_in_the_recipients_language() {
    for backend in backends() {
        let t = spawn_with(backend, Options::local_smtp()).await;
        let ten = t.tenant("Agence Mail").await;
        t.run_jobs().await; // the tenant's own welcome mails go to the file outbox
        let smtp = start_smtp(&t.dir).await;
        let r = t.client().put(t.api("/workspace")).bearer_auth(&ten.owner.token)
            .json(&json!({"name": "Agence Mail", "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_tls": "none", "mail_from": "bonjour@agence-mail.example.org"}))
            .send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        t.person(
            ten.ws,
            "jane@agence-mail.example.org",
            Role::Staff,
            Some("en"),
        )
        .await;
        t.person(
            ten.ws,
            "jeanne@agence-mail.example.org",
            Role::Staff,
            Some("fr"),
        )
        .await;
        assert_eq!(t.run_jobs().await, 2);
        let mails = received(&smtp.maildir);
        assert_eq!(mails.len(), 2, "{mails:?}");
        let en = mails
            .iter()
            .find(|m| m["to"] == "jane@agence-mail.example.org")
            .unwrap();
        assert_eq!(en["subject"], "Welcome to Mesure — Agence Mail");
        assert!(
            en["text"]
                .as_str()
                .unwrap()
                .contains("Login: jane@agence-mail.example.org")
        );
        assert!(en["html"].as_str().unwrap().contains("<a href=\""));
        assert_eq!(
            en["parts"],
            json!(["multipart/alternative", "text/plain", "text/html"])
        );
        assert_eq!(en["from"], "Agence Mail <bonjour@agence-mail.example.org>");
        let fr = mails
            .iter()
            .find(|m| m["to"] == "jeanne@agence-mail.example.org")
            .unwrap();
        assert_eq!(fr["subject"], "Bienvenue sur Mesure — Agence Mail");
        assert!(
            fr["text"]
                .as_str()
                .unwrap()
                .contains("Identifiant : jeanne@agence-mail.example.org")
        );
        let (jobs, _) = (
            mesure_services::jobs::list(&t.app, &ten.owner.ctx, Some("done"))
                .await
                .unwrap(),
            (),
        );
        assert!(jobs.iter().filter(|j| j.kind == "mail").count() >= 2);
    }
}

#[tokio::test]
async fn failing_jobs_back_off_then_die_and_can_be_retried() {
    for backend in backends() {
        let t = spawn_with(backend, Options::local_smtp()).await;
        let ten = t.tenant("Agence Panne").await;
        t.run_jobs().await;
        let closed = free_port();
        t.client().put(t.api("/workspace")).bearer_auth(&ten.owner.token)
            .json(&json!({"name": "Agence Panne", "smtp_host": "127.0.0.1", "smtp_port": closed, "smtp_tls": "none"}))
            .send().await.unwrap();
        t.person(ten.ws, "perdu@panne.example.org", Role::Staff, None)
            .await;
        let mut delays = vec![];
        for attempt in 1..=5 {
            assert_eq!(t.run_jobs().await, 1, "attempt {attempt} runs");
            assert_eq!(t.run_jobs().await, 0, "nothing is due before the backoff");
            let job = mesure_services::jobs::list(&t.app, &ten.owner.ctx, None)
                .await
                .unwrap()
                .into_iter()
                .find(|j| j.kind == "mail" && j.error.is_some())
                .unwrap();
            assert_eq!(job.attempts, attempt);
            assert_eq!(job.error, Some("job-error-mail"));
            if attempt < 5 {
                assert_eq!(job.status, "queued");
                let wait = (job.run_at - t.clock_now()) / 1_000_000;
                delays.push(wait);
                t.clock.advance_secs(wait + 1);
            } else {
                assert_eq!(job.status, "dead");
            }
        }
        assert!(
            delays.windows(2).all(|w| w[1] > w[0]),
            "growing delays {delays:?}"
        );
        // Dead jobs are visible to the owner, with the error, and can be retried.
        let c = t.client();
        t.login(&c, &ten.owner.email, PASSWORD).await;
        let page = c
            .get(format!("{}/settings/jobs?status=dead", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("morte") && page.contains("/retry"), "{page}");
        // The error shown is the generic one, never the network's answer.
        assert!(page.contains(&generic_error(Language::Fr)), "{page}");
        assert!(!page.contains(&closed.to_string()), "{page}");
        let dead: Vec<Value> = t
            .client()
            .get(t.api("/jobs?status=dead"))
            .bearer_auth(&ten.owner.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(dead.len(), 1);
        let id = dead[0]["id"].as_str().unwrap();
        let csrf = hidden(&page, "_csrf").unwrap();
        let r = c
            .post(format!("{}/settings/jobs/{id}/retry", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let queued: Vec<Value> = t
            .client()
            .get(t.api("/jobs?status=queued"))
            .bearer_auth(&ten.owner.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(queued.len(), 1);
    }
}

#[tokio::test]
async fn the_audit_log_export_runs_as_a_job() {
    for backend in backends() {
        let t = spawn_with(
            backend,
            Options {
                worker: true,
                ..Options::default()
            },
        )
        .await;
        let ten = t.tenant("Agence Export").await;
        for i in 0..3 {
            t.client()
                .post(t.api("/clients"))
                .bearer_auth(&ten.manager.token)
                .json(&json!({"name": format!("Client {i}")}))
                .send()
                .await
                .unwrap();
        }
        let c = t.client();
        t.login(&c, &ten.owner.email, PASSWORD).await;
        let csrf = t.csrf(&c, "/audit").await;
        let r = c
            .post(format!("{}/audit/export", t.url))
            .form(&[("_csrf", csrf.as_str()), ("entity_type", "client")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/audit?notice=export-queued");
        let mut link = None;
        for _ in 0..50 {
            let page = c
                .get(format!("{}/audit", t.url))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if let Some(i) = page.find("href=\"/exports/") {
                let rest = &page[i + 6..];
                link = Some(rest[..rest.find('"').unwrap()].to_string());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let link = link.expect("the export appears on the audit page");
        let csv = c
            .get(format!("{}{link}", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        // In the language of the person who asked (French here): BOM, `;`, French names.
        assert!(
            lines[0].starts_with("\u{feff}date et heure;auteur;type d'élément"),
            "{csv}"
        );
        assert_eq!(lines.len(), 4, "header and three client creations: {csv}");
        assert!(lines.iter().skip(1).all(|l| l.contains(";client;")));
        // Staff may not export.
        let s = t.client();
        t.login(&s, &ten.staff.email, PASSWORD).await;
        let r = s
            .post(format!("{}/audit/export", t.url))
            .form(&[("_csrf", t.csrf(&s, "/settings/tokens").await.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}

/// The message a workspace sees for any failed delivery, in `lang`.
fn generic_error(lang: Language) -> String {
    mesure_i18n::t(lang, "job-error-mail")
}

/// Workspaces may use their own SMTP server, on this machine too, and a delivery may take
/// `secs` seconds at most.
fn smtp_policy(secs: u64) -> MailPolicy {
    MailPolicy {
        allow_workspace_smtp: true,
        allow_private_smtp: true,
        limits: mesure_mail::Limits::within(Duration::from_secs(secs)),
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never says a word; its port and the
/// number of connections it took.
async fn silent_server() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        let mut held = vec![];
        while let Ok((s, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            held.push(s);
        }
    });
    (port, count)
}

/// Points a workspace's mail at `host:port` (no TLS) through the API.
async fn set_smtp(
    t: &TestApp,
    token: &str,
    name: &str,
    host: &str,
    port: u16,
) -> reqwest::Response {
    t.client()
        .put(t.api("/workspace"))
        .bearer_auth(token)
        .json(&json!({"name": name, "smtp_host": host, "smtp_port": port, "smtp_tls": "none"}))
        .send()
        .await
        .unwrap()
}

async fn mail_jobs(t: &TestApp, ctx: &mesure_services::Ctx) -> Vec<mesure_services::jobs::JobView> {
    mesure_services::jobs::list(&t.app, ctx, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == "mail")
        .collect()
}

/// Polls `check` every 50 ms for up to `within`; returns whether it came true.
async fn eventually<F: AsyncFnMut() -> bool>(within: Duration, mut check: F) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check().await
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn a_silent_smtp_server_is_given_up_within_the_bound_and_stalls_no_other_workspace() {
    const BOUND: u64 = 4;
    for backend in backends() {
        let t = spawn_with(
            backend,
            Options {
                worker: true,
                mail: smtp_policy(BOUND),
                ..Options::default()
            },
        )
        .await;
        let mute = t.tenant("Agence Muette").await;
        let live = t.tenant("Agence Vive").await;
        // Their own welcome mails go to the file outbox first.
        assert!(
            eventually(Duration::from_secs(10), async || {
                let mut all = mail_jobs(&t, &mute.owner.ctx).await;
                all.extend(mail_jobs(&t, &live.owner.ctx).await);
                all.iter().all(|j| j.status == "done")
            })
            .await
        );
        let (silent, connections) = silent_server().await;
        let smtp = start_smtp(&t.dir).await;
        let r = set_smtp(&t, &mute.owner.token, "Agence Muette", "127.0.0.1", silent).await;
        assert_eq!(r.status(), 200);
        let r = set_smtp(&t, &live.owner.token, "Agence Vive", "127.0.0.1", smtp.port).await;
        assert_eq!(r.status(), 200);
        for i in 0..3 {
            t.person(
                mute.ws,
                &format!("p{i}@muette.example.org"),
                Role::Staff,
                None,
            )
            .await;
        }
        // The first of them hangs on the silent server.
        assert!(
            eventually(Duration::from_secs(10), async || {
                connections.load(Ordering::SeqCst) >= 1
            })
            .await
        );
        let hung = Instant::now();
        t.person(live.ws, "vive@vive.example.org", Role::Staff, None)
            .await;
        let new = smtp.maildir.join("new");
        assert!(
            eventually(Duration::from_secs(BOUND), async || files_in(&new) == 1).await,
            "the other workspace's mail waited"
        );
        assert!(hung.elapsed() < Duration::from_secs(BOUND));
        // Meanwhile the silent workspace holds one worker slot: one connection, one job running.
        assert_eq!(connections.load(Ordering::SeqCst), 1);
        let running = mail_jobs(&t, &mute.owner.ctx)
            .await
            .into_iter()
            .filter(|j| j.status == "running")
            .count();
        assert_eq!(running, 1);
        // The hanging delivery gives up within the bound, with the generic message.
        assert!(
            eventually(Duration::from_secs(BOUND + 5), async || {
                mail_jobs(&t, &mute.owner.ctx)
                    .await
                    .iter()
                    .any(|j| j.error.is_some())
            })
            .await
        );
        assert!(
            hung.elapsed() < Duration::from_secs(BOUND + 2),
            "gave up after {:?}",
            hung.elapsed()
        );
        let failed: Vec<_> = mail_jobs(&t, &mute.owner.ctx)
            .await
            .into_iter()
            .filter(|j| j.error.is_some())
            .collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].error, Some("job-error-mail"));
        assert_eq!(
            (failed[0].status.as_str(), failed[0].attempts),
            ("queued", 1)
        );
        let got = received(&smtp.maildir);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["to"], "vive@vive.example.org");
    }
}

#[tokio::test]
async fn closed_and_silent_ports_show_the_same_generic_error() {
    for backend in backends() {
        let t = spawn_with(
            backend,
            Options {
                mail: smtp_policy(2),
                ..Default::default()
            },
        )
        .await;
        let closed_ws = t.tenant("Agence Fermee").await;
        let silent_ws = t.tenant("Agence Silencieuse").await;
        t.run_jobs().await;
        let (silent, _) = silent_server().await;
        let closed = free_port();
        let r = set_smtp(
            &t,
            &closed_ws.owner.token,
            "Agence Fermee",
            "127.0.0.1",
            closed,
        )
        .await;
        assert_eq!(r.status(), 200);
        let r = set_smtp(
            &t,
            &silent_ws.owner.token,
            "Agence Silencieuse",
            "127.0.0.1",
            silent,
        )
        .await;
        assert_eq!(r.status(), 200);
        t.person(closed_ws.ws, "a@fermee.example.org", Role::Staff, None)
            .await;
        t.person(silent_ws.ws, "b@silencieuse.example.org", Role::Staff, None)
            .await;
        let started = Instant::now();
        assert_eq!(t.run_jobs().await, 2);
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
        let mut seen = vec![];
        for (ten, port) in [(&closed_ws, closed), (&silent_ws, silent)] {
            let jobs: Vec<Value> = t
                .client()
                .get(t.api("/jobs?status=queued"))
                .bearer_auth(&ten.owner.token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(jobs.len(), 1, "{jobs:?}");
            assert_eq!(jobs[0]["last_error_code"], "job-error-mail");
            seen.push(jobs[0]["last_error"].as_str().unwrap().to_string());
            let c = t.client();
            t.login(&c, &ten.owner.email, PASSWORD).await;
            let page = t.text(&c, "/settings/jobs").await;
            assert!(page.contains(&generic_error(Language::Fr)), "{page}");
            for leak in [
                "refused",
                "os error",
                "timed out",
                "no answer",
                "Connection",
                &format!(":{port}"),
            ] {
                assert!(!page.contains(leak), "{leak} in {page}");
            }
        }
        assert_eq!(seen[0], seen[1]);
        assert_eq!(seen[0], generic_error(Language::Fr));
    }
}

#[tokio::test]
async fn workspace_smtp_hosts_follow_the_operators_policy() {
    for backend in backends() {
        let put = async |t: &TestApp, token: &str, body: Value| {
            let r = t
                .client()
                .put(t.api("/workspace"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        };
        // By default the server's relay sends for every workspace: a host of its own is refused.
        let t = spawn_with(backend, Options::default()).await;
        let ten = t.tenant("Agence Regle").await;
        let (status, p) = put(
            &t,
            &ten.owner.token,
            json!({"name": "Agence Regle", "smtp_host": "smtp.example.org"}),
        )
        .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "smtp_host");
        assert_eq!(
            p["errors"][0]["message"],
            mesure_i18n::t(Language::Fr, "err-smtp-not-allowed")
        );
        let (status, w) = put(
            &t,
            &ten.owner.token,
            json!({"name": "Agence Regle", "mail_from": "bonjour@regle.example.org"}),
        )
        .await;
        assert_eq!(status, 200, "{w}");
        assert_eq!(w["smtp_allowed"], false);
        // The page hides the SMTP fields and says why.
        let c = t.client();
        t.login(&c, &ten.owner.email, PASSWORD).await;
        let page = t.text(&c, "/settings/workspace").await;
        assert!(page.contains("id=\"smtp-disabled\""), "{page}");
        assert!(!page.contains("name=\"smtp_host\""), "{page}");

        // Workspace SMTP allowed, but not towards this machine or a private network.
        let t = spawn_with(
            backend,
            Options {
                mail: MailPolicy {
                    allow_workspace_smtp: true,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        let ten = t.tenant("Agence Regle").await;
        for host in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.5.4",
            "192.168.1.20",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "[::1]",
            "fd00::25",
            "fe80::1",
            "::ffff:192.168.1.1",
            "localhost",
        ] {
            let (status, p) = put(
                &t,
                &ten.owner.token,
                json!({"name": "Agence Regle", "smtp_host": host, "smtp_port": 25}),
            )
            .await;
            assert_eq!(status, 422, "{host}: {p}");
            assert_eq!(p["errors"][0]["field"], "smtp_host", "{host}");
            assert_eq!(
                p["errors"][0]["message"],
                mesure_i18n::t(Language::Fr, "err-smtp-host-private"),
                "{host}"
            );
        }
        let (status, p) = put(
            &t,
            &ten.owner.token,
            json!({"name": "Agence Regle", "smtp_host": "smtp.example.org:25"}),
        )
        .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(
            p["errors"][0]["message"],
            mesure_i18n::t(Language::Fr, "err-smtp-host")
        );
        for host in ["smtp.example.org", "8.8.8.8"] {
            let (status, w) = put(
                &t,
                &ten.owner.token,
                json!({"name": "Agence Regle", "smtp_host": host, "smtp_port": 587}),
            )
            .await;
            assert_eq!(status, 200, "{host}: {w}");
            assert_eq!(w["smtp_host"], host);
            assert_eq!(w["smtp_allowed"], true);
        }
        // The settings page says the same.
        let c = t.client();
        t.login(&c, &ten.owner.email, PASSWORD).await;
        let csrf = t.csrf(&c, "/settings/workspace").await;
        let r = c
            .post(format!("{}/settings/workspace", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Agence Regle"),
                ("smtp_host", "192.168.0.10"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&mesure_i18n::t(Language::Fr, "err-smtp-host-private")),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_worker_applies_the_operators_policy_to_stored_settings() {
    for backend in backends() {
        let t = spawn_with(backend, Options::local_smtp()).await;
        let ten = t.tenant("Agence Stockee").await;
        t.run_jobs().await;
        let smtp = start_smtp(&t.dir).await;
        let r = set_smtp(
            &t,
            &ten.owner.token,
            "Agence Stockee",
            "127.0.0.1",
            smtp.port,
        )
        .await;
        assert_eq!(r.status(), 200);
        // Workspace SMTP turned off: the stored setting is ignored and the server's transport
        // (the file outbox here) sends.
        let mut off = t.app.clone();
        off.mail_policy.allow_workspace_smtp = false;
        t.person(ten.ws, "a@stockee.example.org", Role::Staff, None)
            .await;
        while mesure_services::jobs::run_once(&off).await.unwrap() {}
        assert!(received(&smtp.maildir).is_empty());
        let outbox: Vec<String> = std::fs::read_dir(t.dir.join("outbox"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert!(outbox.iter().any(|m| m.contains("a@stockee.example.org")));
        // Private destinations turned off: a stored host that is, or resolves to, this machine is
        // refused when sending, before any connection.
        let mut public_only = t.app.clone();
        public_only.mail_policy.allow_private_smtp = false;
        for (i, host) in ["127.0.0.1", "localhost"].into_iter().enumerate() {
            let r = set_smtp(&t, &ten.owner.token, "Agence Stockee", host, smtp.port).await;
            assert_eq!(r.status(), 200);
            t.person(
                ten.ws,
                &format!("b{i}@stockee.example.org"),
                Role::Staff,
                None,
            )
            .await;
            assert!(mesure_services::jobs::run_once(&public_only).await.unwrap());
            let failed = mail_jobs(&t, &ten.owner.ctx)
                .await
                .into_iter()
                .filter(|j| j.error == Some("job-error-mail"))
                .count();
            assert_eq!(failed, i + 1, "{host}");
        }
        assert!(received(&smtp.maildir).is_empty());
    }
}

#[tokio::test]
async fn concurrent_claims_take_each_job_once_and_one_per_workspace() {
    for backend in backends() {
        let t = spawn_with(backend, Options::default()).await;
        let one = t.tenant("Agence Une").await;
        let two = t.tenant("Agence Deux").await;
        t.run_jobs().await;
        for ten in [&one, &two] {
            let mut tx = t.app.db.begin().await.unwrap();
            for i in 0..5 {
                mesure_services::jobs::enqueue(
                    &mut tx.conn(),
                    &t.app,
                    ten.ws,
                    "mail",
                    &json!({"to": format!("p{i}@example.org")}),
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        // Eight claimers at once, as several worker slots of several processes would be; none
        // finishes its job, so each workspace must stay at one claimed job.
        let mut claimers = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let app = t.app.clone();
            claimers.spawn(async move {
                let mut got = vec![];
                for _ in 0..5 {
                    if let Some(j) = mesure_services::jobs::claim(&app).await.unwrap() {
                        got.push((j.workspace_id, j.id));
                    }
                }
                got
            });
        }
        let mut claimed = vec![];
        while let Some(got) = claimers.join_next().await {
            claimed.extend(got.unwrap());
        }
        claimed.sort();
        assert_eq!(claimed.len(), 2, "{claimed:?}");
        assert_eq!(claimed[0].0, one.ws.uuid().min(two.ws.uuid()));
        assert_eq!(claimed[1].0, one.ws.uuid().max(two.ws.uuid()));
        // Once a workspace's job is done, its next one can be claimed.
        let (ws, id) = claimed[0];
        let mut tx = t.app.db.begin().await.unwrap();
        mesure_store::jobs::complete(&mut tx.conn(), ws, id, t.clock_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let next = mesure_services::jobs::claim(&t.app).await.unwrap().unwrap();
        assert_eq!(next.workspace_id, ws);
        assert!(
            mesure_services::jobs::claim(&t.app)
                .await
                .unwrap()
                .is_none()
        );
    }
}

/// An issued invoice sent to the client's billing contact through a real SMTP server with its
/// PDF attached; reminders on the schedule (once per step, the latest due step only) until it
/// is paid.
#[tokio::test]
async fn invoices_and_their_reminders_reach_a_real_smtp_server_with_the_pdf() {
    for backend in backends() {
        let t = spawn_with(backend, Options::local_smtp()).await;
        let a = t.tenant("Agence Relances").await;
        let tok = a.owner.token.clone();
        let (client, _, _) =
            crate::invoicing::billable_client(&t, &a, "Client Relancé", &[120]).await;
        t.run_jobs().await; // welcome mails go to the file outbox
        let smtp = start_smtp(&t.dir).await;
        let r = t.client().put(t.api("/workspace")).bearer_auth(&tok)
            .json(&json!({"name": "Agence Relances", "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_tls": "none", "mail_from": "factures@agence-relances.example.org"}))
            .send().await.unwrap();
        assert_eq!(r.status(), 200);
        let post = |path: String, body: Value| {
            let c = t.client();
            let url = t.api(&path);
            let tok = tok.clone();
            async move {
                let r = c
                    .post(url)
                    .bearer_auth(tok)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (
                    r.status().as_u16(),
                    r.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let (s, d) = post(
            "/invoices".into(),
            json!({"client_id": client.to_string(), "from": "2026-03-01", "to": "2026-03-31"}),
        )
        .await;
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_str().unwrap().to_string();
        let (s, inv) = post(format!("/invoices/{id}/issue"), json!({})).await;
        assert_eq!(s, 200, "{inv}");
        let number = inv["number"].as_str().unwrap().to_string();
        let (s, sent) = post(format!("/invoices/{id}/send"), json!({})).await;
        assert_eq!(s, 200, "{sent}");
        assert_eq!(sent["status"], "sent");
        assert_eq!(t.run_jobs().await, 1);
        let mails = received(&smtp.maildir);
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(
            mails[0]["subject"],
            format!("Facture {number} — Agence Relances")
        );
        assert!(mails[0]["to"].as_str().unwrap().starts_with("compta@"));
        let text = mails[0]["text"].as_str().unwrap();
        assert!(
            text.contains(&number) && text.contains("Agence Relances"),
            "{text}"
        );
        assert!(
            mails[0]["parts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "application/pdf"),
            "{:?}",
            mails[0]
        );
        // Before the due date: no reminder.
        assert_eq!(
            mesure_services::invoicing::remind_all(&t.app)
                .await
                .unwrap(),
            0
        );
        // Forty days on (due + 10): the first step (7 days) only, once.
        t.clock.advance_secs(40 * 86_400);
        assert_eq!(
            mesure_services::invoicing::remind_all(&t.app)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            mesure_services::invoicing::remind_all(&t.app)
                .await
                .unwrap(),
            0
        );
        assert_eq!(t.run_jobs().await, 1);
        let mails = received(&smtp.maildir);
        assert_eq!(mails.len(), 2);
        let reminder = mails
            .iter()
            .find(|m| m["subject"].as_str().unwrap().starts_with("Relance"))
            .unwrap();
        let text = reminder["text"].as_str().unwrap();
        assert!(text.contains(&number) && text.contains("reste"), "{text}");
        assert!(
            reminder["parts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "application/pdf")
        );
        // Paid in full: no further reminder, even past the last step.
        let (_, now) = (0, inv["issued_on"].as_str().unwrap().to_string());
        let (s, b) = post(
            format!("/invoices/{id}/payments"),
            json!({"amount_minor": inv["gross_minor"], "paid_on": now}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        t.clock.advance_secs(40 * 86_400);
        assert_eq!(
            mesure_services::invoicing::remind_all(&t.app)
                .await
                .unwrap(),
            0
        );
    }
}
