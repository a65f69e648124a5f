//! Inbound e-mail on both engines, through `POST /api/v1/desk/inbound` (what an MTA pipes): a
//! known contact's message becomes a ticket with its attachment; the agent's reply goes out
//! threaded (Message-ID, In-Reply-To); the customer's answer threads back by In-Reply-To alone,
//! then by the `[#n]` token alone; the same message twice is processed once; auto-replies,
//! bounces, lists and the desk's own mail are ignored; an unknown sender is held, then accepted
//! for a client (or refused, per setting); a reply to a closed ticket opens a follow-up; a token
//! of another client's ticket does not thread; broken MIME, unknown charsets and a message with
//! no sender each get a clear outcome; files are readable by the ticket's readers only.
use mesure_domain::desk::forms::MoveForm;
use mesure_services::desk::tickets::{self, ReplyInput};
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::Value;

async fn send(t: &TestApp, token: &str, raw: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(t.api("/desk/inbound"))
        .bearer_auth(token)
        .header("content-type", "message/rfc822")
        .body(raw.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: support@agence.example.org\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Mon, 15 Mar 2027 09:00:00 +0100\r\n{extra}\r\n{body}\r\n"
    )
}

/// The outbox's messages that contain `needle`.
fn sent(t: &TestApp, needle: &str) -> Vec<String> {
    std::fs::read_dir(t.dir.join("outbox"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .filter(|m| m.contains(needle))
                .collect()
        })
        .unwrap_or_default()
}

/// The value of header `name` in a raw message (unfolded).
fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

#[tokio::test]
async fn e_mail_becomes_tickets_and_replies_exactly_once() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Mail").await;
        let tok = &a.staff.token;
        let client = t.client_named(&a.owner.ctx, "Boulangerie").await;
        let other = t.client_named(&a.owner.ctx, "Fromagerie").await;
        let (_, web) =
            crate::portal_walk::contact(&t, &a, client, "project", "anne@boulangerie.example.org")
                .await;
        let (_, other_web) =
            crate::portal_walk::contact(&t, &a, other, "project", "paul@fromagerie.example.org")
                .await;

        // A known contact writes, with a photo attached.
        let first = "From: Anne <Anne@Boulangerie.example.org>\r\nTo: support@agence.example.org\r\nSubject: Four en panne\r\nMessage-ID: <m1@boulangerie.example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLe four ne chauffe plus.\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"four.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n".to_string();
        let (s, r) = send(&t, tok, &first).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (r["status"].as_str(), r["duplicate"].as_bool()),
            (Some("ticket"), Some(false)),
            "{r}"
        );
        let number = r["ticket_number"].as_i64().unwrap();
        let id: uuid::Uuid = r["ticket_id"].as_str().unwrap().parse().unwrap();
        // The same message again (a poll retried, the MTA's second try): nothing new.
        let (s, again) = send(&t, tok, &first).await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(
            (
                again["duplicate"].as_bool(),
                again["ticket_number"].as_i64()
            ),
            (Some(true), Some(number))
        );
        let v = mesure_services::desk::views::ticket(&t.app, &a.staff.ctx, id)
            .await
            .unwrap();
        assert_eq!(v.line.ticket.channel.as_str(), "email");
        assert_eq!(v.line.ticket.subject, "Four en panne");
        assert_eq!(
            v.events
                .iter()
                .filter(|e| e.event.kind == "customer")
                .count(),
            1
        );
        assert_eq!(v.attachments.len(), 1);
        let file = &v.attachments[0];
        assert_eq!(
            (file.name.as_str(), file.size, file.kept),
            ("four.png", 5, true)
        );

        // The file: the contact reads it in the portal; another client's contact cannot.
        let path = format!("/portal/tickets/{id}/files/{}", file.id);
        let got = web.get(format!("{}{path}", t.url)).send().await.unwrap();
        assert_eq!(got.status(), 200);
        assert!(
            got.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(got.bytes().await.unwrap().as_ref(), b"hello");
        let denied = other_web
            .get(format!("{}{path}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(denied.status(), 404);

        // The agent answers: the mail carries its own Message-ID, in reply to the customer's.
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            id,
            &ReplyInput {
                body: "Un technicien passe demain.".into(),
                public: true,
                status: None,
            },
        )
        .await
        .unwrap();
        t.run_jobs().await;
        let out = sent(&t, "Un technicien passe demain.");
        assert_eq!(out.len(), 1);
        let our_id = header(&out[0], "Message-ID").unwrap();
        assert!(our_id.starts_with("<desk."), "{our_id}");
        assert_eq!(
            header(&out[0], "In-Reply-To").as_deref(),
            Some("<m1@boulangerie.example.org>")
        );
        let our_id = our_id.trim_matches(['<', '>']).to_string();

        // The customer answers from a client that drops the subject token: threaded by
        // In-Reply-To alone (and the quoted history is left out).
        let answer = mail(
            "anne@boulangerie.example.org",
            "m2@boulangerie.example.org",
            "Re: votre message",
            &format!(
                "In-Reply-To: <{our_id}>\r\nReferences: <m1@boulangerie.example.org> <{our_id}>\r\n"
            ),
            "Merci !\r\n\r\nLe lun. 15 mars 2027, Agence a écrit :\r\n> Un technicien passe demain.",
        );
        let (s, r) = send(&t, tok, &answer).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (r["status"].as_str(), r["ticket_number"].as_i64()),
            (Some("reply"), Some(number)),
            "{r}"
        );
        let v = mesure_services::desk::views::ticket(&t.app, &a.staff.ctx, id)
            .await
            .unwrap();
        let last = v
            .events
            .iter()
            .rev()
            .find(|e| e.event.kind == "customer")
            .unwrap();
        assert_eq!(last.event.body.as_deref(), Some("Merci !"));

        // By the subject's token alone, from the same contact.
        let (_, r) = send(
            &t,
            tok,
            &mail(
                "anne@boulangerie.example.org",
                "m3@x",
                &format!("Re: [#{number}] Four en panne"),
                "",
                "Encore une question.",
            ),
        )
        .await;
        assert_eq!(
            (r["status"].as_str(), r["ticket_number"].as_i64()),
            (Some("reply"), Some(number)),
            "{r}"
        );
        // The same token from another client's contact does not reach this ticket.
        let (_, r) = send(
            &t,
            tok,
            &mail(
                "paul@fromagerie.example.org",
                "m4@x",
                &format!("Re: [#{number}] Four en panne"),
                "",
                "Je m'immisce.",
            ),
        )
        .await;
        assert_eq!(r["status"], "ticket", "{r}");
        assert_ne!(r["ticket_number"].as_i64(), Some(number));

        // Machines: nothing answered, no ticket.
        for (i, (extra, from, why)) in [
            (
                "Auto-Submitted: auto-replied\r\n",
                "anne@boulangerie.example.org",
                "auto_submitted",
            ),
            (
                "Precedence: bulk\r\n",
                "anne@boulangerie.example.org",
                "bulk",
            ),
            (
                "X-Autoreply: yes\r\n",
                "anne@boulangerie.example.org",
                "auto_reply",
            ),
            (
                "List-Id: <news.example.org>\r\n",
                "anne@boulangerie.example.org",
                "list",
            ),
            ("", "MAILER-DAEMON@mx.example.org", "bounce"),
            ("", "support@agence.example.org", "unknown_sender"),
        ]
        .iter()
        .enumerate()
        {
            let (_, r) = send(
                &t,
                tok,
                &mail(
                    from,
                    &format!("auto{i}@x"),
                    "Absence",
                    extra,
                    "Je suis absente.",
                ),
            )
            .await;
            let expected = if *why == "unknown_sender" {
                "held"
            } else {
                "ignored"
            };
            assert_eq!(
                (r["status"].as_str(), r["reason"].as_str()),
                (Some(expected), Some(*why)),
                "{extra}{from}: {r}"
            );
            assert!(r["ticket_id"].is_null());
        }
        // Once the desk knows its own address, its own mail is a loop.
        mesure_services::desk::setup::save_mail(
            &t.app,
            &a.owner.ctx,
            "support@agence.example.org",
            "pending",
        )
        .await
        .unwrap();
        let (_, r) = send(
            &t,
            tok,
            &mail(
                "support@agence.example.org",
                "loop@x",
                "Boucle",
                "",
                "Ping.",
            ),
        )
        .await;
        assert_eq!(
            (r["status"].as_str(), r["reason"].as_str()),
            (Some("ignored"), Some("loop")),
            "{r}"
        );

        // An unknown sender is held; staff accept it for a client: a contact and a ticket.
        let (_, held) = send(
            &t,
            tok,
            &mail(
                "Jeanne Martin <jeanne@nouvelle.example.org>",
                "u1@x",
                "Devis",
                "",
                "Bonjour, un devis ?",
            ),
        )
        .await;
        assert_eq!(
            (held["status"].as_str(), held["reason"].as_str()),
            (Some("held"), Some("unknown_sender")),
            "{held}"
        );
        let hid: uuid::Uuid = held["id"].as_str().unwrap().parse().unwrap();
        let (s, log) = crate::invoicing::get(&t, tok, "/desk/inbound?status=held").await;
        assert_eq!(s, 200, "{log}");
        assert_eq!(log["held"], 2, "{log}");
        let o =
            mesure_services::desk::inbound::accept(&t.app, &a.staff.ctx, hid, &client.to_string())
                .await
                .unwrap();
        assert_eq!(o.status, "ticket");
        let again =
            mesure_services::desk::inbound::accept(&t.app, &a.staff.ctx, hid, &client.to_string())
                .await;
        assert!(
            matches!(again, Err(mesure_services::ServiceError::Conflict(_))),
            "{again:?}"
        );
        // Now a known contact: the next message is a ticket straight away.
        let (_, r) = send(
            &t,
            tok,
            &mail(
                "jeanne@nouvelle.example.org",
                "u2@x",
                "Autre",
                "",
                "Autre chose.",
            ),
        )
        .await;
        assert_eq!(r["status"], "ticket", "{r}");
        // Refusing unknown senders instead.
        mesure_services::desk::setup::save_mail(
            &t.app,
            &a.owner.ctx,
            "support@agence.example.org",
            "refuse",
        )
        .await
        .unwrap();
        let (_, r) = send(
            &t,
            tok,
            &mail("x@inconnu.example.org", "u3@x", "Spam", "", "Achetez."),
        )
        .await;
        assert_eq!(
            (r["status"].as_str(), r["reason"].as_str()),
            (Some("refused"), Some("unknown_sender")),
            "{r}"
        );

        // A reply to a closed ticket opens a new one that follows it.
        for s in ["resolved", "closed"] {
            tickets::apply(
                &t.app,
                &a.staff.ctx,
                id,
                &MoveForm {
                    status: Some(s.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let (_, r) = send(
            &t,
            tok,
            &mail(
                "anne@boulangerie.example.org",
                "m5@x",
                &format!("Re: [#{number}] Four en panne"),
                &format!("In-Reply-To: <{our_id}>\r\n"),
                "Il est de nouveau en panne.",
            ),
        )
        .await;
        assert_eq!(r["status"], "followup", "{r}");
        let fid: uuid::Uuid = r["ticket_id"].as_str().unwrap().parse().unwrap();
        let f = mesure_services::desk::views::ticket(&t.app, &a.staff.ctx, fid)
            .await
            .unwrap();
        assert_eq!(f.line.ticket.follows, Some(number));

        // Broken MIME, an unknown charset, a missing Message-ID: still a ticket with the words.
        let broken = "From: anne@boulangerie.example.org\r\nSubject: =?x-unknown?Q?Sujet?=\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nmots lisibles\r\n";
        let (_, r) = send(&t, tok, broken).await;
        assert_eq!(r["status"], "ticket", "{r}");
        assert!(
            r["message_id"]
                .as_str()
                .unwrap()
                .ends_with("@mesure.invalid")
        );
        let (_, twice) = send(&t, tok, broken).await;
        assert_eq!(
            twice["duplicate"], true,
            "no Message-ID: the same bytes are the same message"
        );
        // No sender at all: refused, kept for staff to read.
        let (_, r) = send(
            &t,
            tok,
            "Subject: orphan\r\nMessage-ID: <o@x>\r\n\r\nqui suis-je\r\n",
        )
        .await;
        assert_eq!(
            (r["status"].as_str(), r["reason"].as_str()),
            (Some("refused"), Some("no_sender")),
            "{r}"
        );
        // Empty and over the limit: clear errors.
        let (s, e) = send(&t, tok, "  \r\n").await;
        assert_eq!(s, 422, "{e}");
        let big = format!(
            "From: anne@boulangerie.example.org\r\nSubject: gros\r\n\r\n{}",
            "a".repeat(mesure_mail::inbound::MAX_MESSAGE_BYTES)
        );
        let (s, e) = send(&t, tok, &big).await;
        assert_eq!(s, 413, "{e}");
        let (s, _) = crate::invoicing::get(&t, "not-a-token", "/desk/inbound").await;
        assert_eq!(s, 401);
        // The log lists every message once, newest first.
        let (_, log) = crate::invoicing::get(&t, tok, "/desk/inbound").await;
        let ids: Vec<&str> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["message_id"].as_str().unwrap())
            .collect();
        let unique: std::collections::HashSet<&&str> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        assert!(ids.contains(&"m1@boulangerie.example.org"));
    }
}

#[tokio::test]
async fn the_inbound_log_pages_at_its_size_plus_one() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Log").await;
        let n = mesure_services::desk::inbound::LOG_PAGE + 1;
        for i in 0..n {
            let (s, r) = send(
                &t,
                &a.staff.token,
                &mail(
                    "someone@else.example.org",
                    &format!("p{i}@x"),
                    "Bonjour",
                    "Precedence: bulk\r\n",
                    "x",
                ),
            )
            .await;
            assert_eq!(s, 201, "{r}");
        }
        let (_, first) = crate::invoicing::get(&t, &a.staff.token, "/desk/inbound").await;
        assert_eq!(first["items"].as_array().unwrap().len() as i64, n - 1);
        let next = first["next"].as_str().unwrap().to_string();
        let (_, second) =
            crate::invoicing::get(&t, &a.staff.token, &format!("/desk/inbound?before={next}"))
                .await;
        assert_eq!(second["items"].as_array().unwrap().len(), 1);
        assert!(second["next"].is_null());
        // The page, in both languages, names the outcomes.
        let web = t.client();
        t.login(&web, &a.staff.email, &a.staff.password).await;
        let html = t.text(&web, "/desk/inbound").await;
        assert!(html.contains("data-testid=\"inbound\""), "{html}");
        assert!(!html.contains("desk-inbound-"), "raw key in {html}");
    }
}

#[tokio::test]
async fn the_public_form_opens_tickets_and_keeps_robots_out() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Form").await;
        let client = t.client_named(&a.owner.ctx, "Boulangerie").await;
        crate::portal_walk::contact(&t, &a, client, "project", "anne@form.example.org").await;
        // Off by default: no link works.
        let web = t.client();
        let r = web
            .get(format!("{}/help/nope", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let key = mesure_services::desk::setup::save_form(&t.app, &a.owner.ctx, true)
            .await
            .unwrap()
            .unwrap();
        let staff_cannot =
            mesure_services::desk::setup::save_form(&t.app, &a.staff.ctx, false).await;
        assert!(matches!(
            staff_cannot,
            Err(mesure_services::ServiceError::Forbidden)
        ));
        let url = format!("{}/help/{key}", t.url);
        let html = web.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"public-form\""), "{html}");
        let csrf = mesure_testkit::hidden(&html, "_csrf").unwrap();
        let post = |fields: Vec<(&'static str, String)>| {
            let web = web.clone();
            let url = url.clone();
            let csrf = csrf.clone();
            async move {
                let mut f = fields;
                f.push(("_csrf", csrf));
                let r = web.post(&url).form(&f).send().await.unwrap();
                let s = r.status().as_u16();
                (s, r.text().await.unwrap())
            }
        };
        let count = || async {
            let mut conn = t.app.db.read().await.unwrap();
            let c = &mut conn.conn();
            mesure_store::desk::inbound::list(
                c,
                a.ws,
                "",
                mesure_store::desk::inbound::Before::START,
                100,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|(r, _)| r)
            .collect::<Vec<_>>()
        };
        // A known contact: a ticket on the web-form channel, even with another ticket's token.
        let (s, body) = post(vec![
            ("name", "Anne".into()),
            ("email", "Anne@Form.example.org".into()),
            ("subject", "[#1] Le site est lent".into()),
            ("message", "Depuis ce matin.\r\nMerci".into()),
        ])
        .await;
        assert_eq!(s, 200, "{body}");
        assert!(body.contains("data-testid=\"form-thanks\""), "{body}");
        let rows = count().await;
        assert_eq!(
            (rows.len(), rows[0].status.as_str(), rows[0].source.as_str()),
            (1, "ticket", "form")
        );
        let tk =
            mesure_services::desk::views::ticket(&t.app, &a.staff.ctx, rows[0].ticket_id.unwrap())
                .await
                .unwrap();
        assert_eq!(tk.line.ticket.channel.as_str(), "web_form");
        assert_eq!(
            tk.events[0].event.body.as_deref(),
            Some("Depuis ce matin.\nMerci")
        );
        // Bad fields: refused by field, nothing kept.
        let (s, body) = post(vec![
            ("email", "pas-une-adresse".into()),
            ("subject", "".into()),
            ("message", "x".into()),
        ])
        .await;
        assert_eq!(s, 422, "{body}");
        assert!(
            body.contains("f-email-error") && body.contains("f-subject-error"),
            "{body}"
        );
        assert_eq!(count().await.len(), 1);
        // A robot fills the hidden field: thanked, nothing kept.
        let (s, body) = post(vec![
            ("email", "robot@spam.example.org".into()),
            ("subject", "Offre".into()),
            ("message", "Achetez".into()),
            ("website", "http://spam.example.org".into()),
        ])
        .await;
        assert_eq!(s, 200);
        assert!(body.contains("form-thanks"));
        assert_eq!(count().await.len(), 1);
        // An unknown address is held; past five an hour, refused on the address.
        for i in 0..5 {
            let (s, body) = post(vec![
                ("email", "x@inconnu.example.org".into()),
                ("subject", format!("Q{i}")),
                ("message", "?".into()),
            ])
            .await;
            assert_eq!(s, 200, "{i}: {body}");
        }
        let (s, body) = post(vec![
            ("email", "x@inconnu.example.org".into()),
            ("subject", "Q6".into()),
            ("message", "?".into()),
        ])
        .await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("f-email-error"), "{body}");
        let rows = count().await;
        assert_eq!(rows.len(), 6);
        assert_eq!(rows.iter().filter(|r| r.status == "held").count(), 5);
        // Without the form's CSRF token: refused.
        let r = t
            .client()
            .post(&url)
            .form(&[("email", "a@b.example.org")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Closed: the link is dead.
        mesure_services::desk::setup::save_form(&t.app, &a.owner.ctx, false)
            .await
            .unwrap();
        assert_eq!(web.get(&url).send().await.unwrap().status(), 404);
    }
}

#[tokio::test]
async fn the_agent_given_a_ticket_is_told() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Assign").await;
        let client = t.client_named(&a.owner.ctx, "Boulangerie").await;
        let tk = tickets::open(
            &t.app,
            &a.staff.ctx,
            &mesure_domain::desk::forms::TicketForm {
                subject: "Imprimante".into(),
                body: "Elle ne marche plus.".into(),
                client_id: Some(client.to_string()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        // The staff member takes it: nobody else is told.
        let take = MoveForm {
            assignee_id: Some(a.staff.id.to_string()),
            ..Default::default()
        };
        tickets::apply(&t.app, &a.staff.ctx, tk.id, &take)
            .await
            .unwrap();
        let (_, mine) = crate::invoicing::get(&t, &a.staff.token, "/notifications").await;
        assert!(!mine.to_string().contains("desk_assigned"), "{mine}");
        // Passed to the manager: the manager is told, in the app and by e-mail.
        let pass = MoveForm {
            assignee_id: Some(a.manager.id.to_string()),
            reason: Some("Plus compétent".into()),
            ..Default::default()
        };
        tickets::apply(&t.app, &a.staff.ctx, tk.id, &pass)
            .await
            .unwrap();
        let (s, theirs) = crate::invoicing::get(&t, &a.manager.token, "/notifications").await;
        assert_eq!(s, 200);
        assert!(theirs.to_string().contains("desk_assigned"), "{theirs}");
        t.run_jobs().await;
        let mails = sent(&t, &a.manager.email);
        assert!(mails.iter().any(|m| m.contains("Imprimante")), "{mails:?}");
    }
}

#[tokio::test]
async fn check_totals_recomputes_the_ticket_counters() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Check").await;
        let client = t.client_named(&a.owner.ctx, "Boulangerie").await;
        let tk = tickets::open(
            &t.app,
            &a.staff.ctx,
            &mesure_domain::desk::forms::TicketForm {
                subject: "Imprimante".into(),
                body: "Elle ne marche plus.".into(),
                client_id: Some(client.to_string()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            tk.id,
            &ReplyInput {
                body: "Essayez ceci.".into(),
                public: true,
                status: Some("resolved".into()),
            },
        )
        .await
        .unwrap();
        tickets::apply(
            &t.app,
            &a.staff.ctx,
            tk.id,
            &MoveForm {
                status: Some("open".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(t.check_totals().await, Vec::<String>::new());
        // A counter that disagrees with the events is reported.
        let mut conn = t.app.db.begin().await.unwrap();
        let mut row = mesure_store::desk::get(&mut conn.conn(), a.ws, tk.id)
            .await
            .unwrap();
        assert_eq!((row.public_replies, row.reopens), (1, 1));
        row.public_replies = 3;
        mesure_store::desk::update(&mut conn.conn(), &row)
            .await
            .unwrap();
        conn.commit().await.unwrap();
        let found = t.check_totals().await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(&format!("ticket #{}", tk.number)),
            "{found:?}"
        );
    }
}
