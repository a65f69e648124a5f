//! The desk's mailbox against real servers, on SQLite and on PostgreSQL: `mesure serve
//! --desk-imap` watches a dovecot inbox over TLS (IDLE) and sends through a real SMTP server
//! (aiosmtpd). A customer's e-mail with a file becomes a ticket; the agent's reply goes out by
//! SMTP; the customer's answer to that very message threads back onto the ticket; the inbox is
//! left empty. Then 150 messages arrive and the server is killed with SIGKILL in the middle of
//! taking them: after a restart every message is a ticket exactly once, none lost, none twice.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::zombie_processes
)]

use mesure_services::desk::tickets::{self, ReplyInput};
use mesure_testkit::dovecot::Dovecot;
use mesure_testkit::smtp::{free_port, start_smtp};
use mesure_testkit::{TestApp, backends, spawn_app};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BURST: usize = 150;

fn bin() -> String {
    std::env::var("MESURE_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_mesure").to_string())
}

/// A `mesure serve` child, killed when dropped (a failed assertion leaves no server behind).
struct Server(Child);

impl Server {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `mesure serve` on the test's database, watching `mailbox`, sending through `smtp`.
fn serve(t: &TestApp, ws: uuid::Uuid, mailbox: &str, smtp: u16) -> Server {
    let port = free_port();
    let mut child = Command::new(bin())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", &t.db_url])
        .arg("--desk-imap")
        .arg(format!("{ws}={mailbox}"))
        .args(["--desk-imap-interval", "1"])
        .args(["--mail-url", &format!("smtp://127.0.0.1:{smtp}?tls=none")])
        .env("MESURE_DATA_DIR", &t.dir)
        .stdout(Stdio::piped())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(t.dir.join("serve.log"))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        )
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on"), "{line}");
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Server(child)
}

async fn wait_for<F, Fut>(t: &TestApp, what: &str, secs: u64, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !f().await {
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}; the server said:\n{}",
            std::fs::read_to_string(t.dir.join("serve.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// (messages in the inbound log, of which still pending, tickets) of the workspace.
async fn counts(t: &TestApp, ws: mesure_domain::WorkspaceId) -> (i64, i64, i64) {
    let mut conn = t.app.db.read().await.unwrap();
    let c = &mut conn.conn();
    let mut all = 0;
    let mut before = mesure_store::desk::inbound::Before::START;
    loop {
        let page = mesure_store::desk::inbound::list(c, ws, "", before, 500)
            .await
            .unwrap();
        all += page.len() as i64;
        match page.last() {
            Some((r, _)) if page.len() == 500 => {
                before = mesure_store::desk::inbound::Before(r.received_at, r.id)
            }
            _ => break,
        }
    }
    let pending = mesure_store::desk::inbound::count_status(c, ws, "pending")
        .await
        .unwrap();
    let tickets = mesure_store::desk::list(
        c,
        ws,
        &mesure_store::desk::ListFilter {
            limit: 100_000,
            ..Default::default()
        },
    )
    .await
    .map(|v| v.len() as i64)
    .unwrap_or(-1);
    (all, pending, tickets)
}

fn message(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: support@agence.example.org\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\r\n{body}\r\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_by_e_mail_round_trip_and_a_kill_mid_poll() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Imap").await;
        let client = t.client_named(&a.owner.ctx, "Boulangerie").await;
        let mut senders = Vec::new();
        for i in 0..=BURST {
            let email = format!("client{i}@boulangerie.example.org");
            mesure_services::clients::contacts::create(
                &t.app,
                &a.owner.ctx,
                mesure_domain::ClientId::from_uuid(client),
                &mesure_domain::clients::ContactForm {
                    first_name: "Client".into(),
                    last_name: format!("N{i}"),
                    email: Some(email.clone()),
                    contact_role: Some("project".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            senders.push(email);
        }
        let imap = Dovecot::start(&t.dir);
        let smtp = start_smtp(&t.dir).await;
        let ws = a.ws.uuid();

        // 1. A customer's e-mail with a file, over TLS with IDLE.
        imap.deliver(
            "1.eml",
            b"From: client0@boulangerie.example.org\r\nTo: support@agence.example.org\r\nSubject: Four en panne\r\nMessage-ID: <first@boulangerie.example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nLe four ne chauffe plus.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"bon.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        );
        let mut server = serve(&t, ws, &imap.tls_url(), smtp.port);
        wait_for(&t, "the first ticket", 30, || async {
            counts(&t, a.ws).await.2 == 1
        })
        .await;
        assert_eq!(imap.count(), 0, "the message left the inbox once kept");
        let (ticket, files) = {
            let mut conn = t.app.db.read().await.unwrap();
            let c = &mut conn.conn();
            let tk = mesure_store::desk::by_number(c, a.ws, 1).await.unwrap();
            let files = mesure_store::desk::inbound::attachments(c, a.ws, tk.id)
                .await
                .unwrap();
            (tk, files)
        };
        assert_eq!(ticket.channel.as_str(), "email");
        assert_eq!(files.len(), 1);
        assert_eq!(
            (files[0].name.as_str(), files[0].size, files[0].kept),
            ("bon.pdf", 9, true)
        );

        // 2. The agent answers: the reply leaves by SMTP, threaded.
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            ticket.id,
            &ReplyInput {
                body: "Un technicien passe demain.".into(),
                public: true,
                status: Some("waiting_customer".into()),
            },
        )
        .await
        .unwrap();
        let new_dir = smtp.maildir.join("new");
        let threaded = || {
            std::fs::read_dir(&new_dir)
                .into_iter()
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .find(|m| m.contains("In-Reply-To: <first@boulangerie.example.org>"))
        };
        wait_for(&t, "the reply by SMTP", 30, || async {
            threaded().is_some()
        })
        .await;
        let reply = threaded().expect("the agent's reply");
        let our_id = reply
            .lines()
            .find_map(|l| {
                l.strip_prefix("Message-ID: ")
                    .or_else(|| l.strip_prefix("Message-Id: "))
            })
            .expect("a Message-ID")
            .trim()
            .to_string();
        assert!(
            reply.contains("In-Reply-To: <first@boulangerie.example.org>"),
            "{reply}"
        );

        // 3. The customer answers that very message: threaded, the ticket open again.
        imap.deliver(
            "2.eml",
            &message(
                "client0@boulangerie.example.org",
                "second@boulangerie.example.org",
                "Re: votre réponse",
                &format!("In-Reply-To: {our_id}\r\n"),
                "Merci, à demain.",
            ),
        );
        wait_for(&t, "the threaded answer", 30, || async {
            let mut conn = t.app.db.read().await.unwrap();
            let e = mesure_store::desk::events(&mut conn.conn(), a.ws, ticket.id)
                .await
                .unwrap();
            e.iter().filter(|e| e.kind == "customer").count() == 2
        })
        .await;
        {
            let mut conn = t.app.db.read().await.unwrap();
            let tk = mesure_store::desk::get(&mut conn.conn(), a.ws, ticket.id)
                .await
                .unwrap();
            assert_eq!(tk.status.as_str(), "open");
        }
        assert_eq!(counts(&t, a.ws).await.2, 1, "no new ticket for the answer");

        // 4. A burst, and a SIGKILL while the server takes it.
        for (i, sender) in senders.iter().enumerate().skip(1) {
            imap.deliver(
                &format!("burst{i}.eml"),
                &message(
                    sender,
                    &format!("burst-{i}@boulangerie.example.org"),
                    &format!("Demande {i}"),
                    "",
                    "Bonjour.",
                ),
            );
        }
        wait_for(&t, "the burst to start", 60, || async {
            counts(&t, a.ws).await.0 > 2
        })
        .await;
        server.kill();
        let (seen, _, _) = counts(&t, a.ws).await;
        assert!(
            seen < (BURST + 2) as i64,
            "the kill came too late to test anything ({seen})"
        );
        let mut server = serve(&t, ws, &imap.tls_url(), smtp.port);
        wait_for(&t, "every message of the burst", 120, || async {
            let (all, pending, _) = counts(&t, a.ws).await;
            all == (BURST + 2) as i64 && pending == 0 && imap.count() == 0
        })
        .await;
        let (all, pending, tickets_n) = counts(&t, a.ws).await;
        assert_eq!(
            (all, pending, tickets_n),
            ((BURST + 2) as i64, 0, (BURST + 1) as i64)
        );
        // Each burst message is exactly one ticket's first message.
        {
            let mut conn = t.app.db.read().await.unwrap();
            let c = &mut conn.conn();
            for i in 1..=BURST {
                let id = format!("burst-{i}@boulangerie.example.org");
                assert!(
                    mesure_store::desk::inbound::ticket_of_message(c, a.ws, &id)
                        .await
                        .unwrap()
                        .is_some(),
                    "{id} has no ticket"
                );
            }
        }
        server.kill();
    }
}
