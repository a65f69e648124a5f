//! Relationship NPS on both engines: schedules and recipients with their bad input, rounds and
//! the one reminder through the mail queue, answers by link (no login) and in the portal with
//! every refusal (score out of range, reused or replaced link, answer after 24 h, expired link,
//! archived contact, another contact's survey), NPS known answers with the five-answer rule,
//! and the satisfaction-vs-margin view by page and API.
use crate::invoicing::{billable_client, get, post};
use mesure_domain::{ClientId, ContactId};
use mesure_services::nps::{self, ScheduleInput, answers::AnswerInput};
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use serde_json::json;
use uuid::Uuid;

/// A client with nothing but its name.
async fn plain_client(t: &TestApp, a: &Tenant, name: &str) -> Uuid {
    let (s, c) = post(t, &a.owner.token, "/clients", json!({"name": name})).await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_str().unwrap().parse().unwrap()
}

async fn new_contact(
    t: &TestApp,
    a: &Tenant,
    client: Uuid,
    last: &str,
    email: Option<&str>,
) -> Uuid {
    mesure_services::clients::contacts::create(
        &t.app,
        &a.owner.ctx,
        ClientId::from_uuid(client),
        &mesure_domain::clients::ContactForm {
            first_name: "Camille".into(),
            last_name: last.into(),
            email: email.map(str::to_string),
            contact_role: Some("project".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

/// The survey links of the queued mails, oldest first.
async fn links(t: &TestApp, a: &Tenant) -> Vec<String> {
    let mut c = t.app.db.read().await.unwrap();
    let mut jobs = mesure_store::jobs::list(&mut c.conn(), a.ws, Some("queued"), 500)
        .await
        .unwrap();
    jobs.sort_by_key(|j| j.created_at);
    jobs.iter()
        .filter(|j| j.kind == "mail")
        .filter_map(|j| {
            let p: serde_json::Value = serde_json::from_str(&j.payload).ok()?;
            let text = p["text"].as_str()?.to_string() + p["html"].as_str().unwrap_or("");
            let i = text.find("/survey/")?;
            Some(
                text[i + 8..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect(),
            )
        })
        .collect()
}

fn schedule(every: &str, next: &str, contacts: Vec<Uuid>) -> ScheduleInput {
    ScheduleInput {
        every_months: Some(every.into()),
        next_on: Some(next.into()),
        contacts,
    }
}

fn fields(e: mesure_services::ServiceError) -> Vec<(String, &'static str)> {
    match e {
        mesure_services::ServiceError::Invalid(inv) => {
            inv.0.into_iter().map(|f| (f.field, f.code)).collect()
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Posts the public survey form of `token` with a fresh CSRF cookie.
async fn answer_link(t: &TestApp, token: &str, score: &str, comment: &str) -> (u16, String) {
    let web = t.client();
    let csrf = t.csrf(&web, &format!("/survey/{token}")).await;
    let r = web
        .post(format!("{}/survey/{token}", t.url))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("score", score),
            ("comment", comment),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn stored(t: &TestApp, a: &Tenant, client: Uuid) -> Vec<mesure_store::nps::InvitationRow> {
    let mut c = t.app.db.read().await.unwrap();
    mesure_store::nps::of_client(&mut c.conn(), a.ws, client, 100)
        .await
        .unwrap()
}

#[tokio::test]
async fn surveys_go_out_on_schedule_and_answers_follow_the_rules() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Enquêtes").await;
        t.clock.set("2026-03-02T09:00:00Z".parse().unwrap());
        let (client, _, _) = billable_client(&t, &a, "Client Enquête", &[60]).await;
        let other = plain_client(&t, &a, "Autre Client").await;
        let k1 = new_contact(&t, &a, client, "Un", Some("un@client-enquete.test")).await;
        let k2 = new_contact(&t, &a, client, "Deux", Some("deux@client-enquete.test")).await;
        let k3 = new_contact(&t, &a, client, "Sans", None).await;
        let stranger = new_contact(&t, &a, other, "Autre", Some("autre@autre.test")).await;
        let ctx = &a.owner.ctx;

        // Bad input: each names its field, and nothing is saved.
        let e = nps::save_client(&t.app, ctx, client, &schedule("13", "2026-03-02", vec![k1]))
            .await
            .unwrap_err();
        assert_eq!(fields(e), vec![("every_months".into(), "err-nps-every")]);
        let e = nps::save_client(&t.app, ctx, client, &schedule("3", "", vec![k1]))
            .await
            .unwrap_err();
        assert_eq!(fields(e), vec![("next_on".into(), "err-required")]);
        let e = nps::save_client(&t.app, ctx, client, &schedule("3", "2026-02-30", vec![k1]))
            .await
            .unwrap_err();
        assert_eq!(fields(e), vec![("next_on".into(), "err-date")]);
        let e = nps::save_client(
            &t.app,
            ctx,
            client,
            &schedule("3", "2026-03-02", vec![k1, k3]),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![("contacts".into(), "err-nps-contact-no-email")]
        );
        let e = nps::save_client(
            &t.app,
            ctx,
            client,
            &schedule("3", "2026-03-02", vec![stranger]),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![("contacts".into(), "err-nps-contact-unknown")]
        );
        let v = nps::client_surveys(&t.app, ctx, client).await.unwrap();
        assert_eq!(v.every_months, None);
        assert!(v.recipients.iter().all(|r| !r.selected));
        let e = nps::send_now(&t.app, ctx, client).await.unwrap_err();
        assert_eq!(fields(e), vec![("contacts".into(), "err-nps-no-recipient")]);
        // Staff without the right, and a contact, are refused.
        assert!(
            nps::client_surveys(&t.app, &a.staff.ctx, client)
                .await
                .is_err()
        );

        // Quarterly from today to two contacts: the worker's pass sends the round once.
        nps::save_client(
            &t.app,
            ctx,
            client,
            &schedule("3", "2026-03-02", vec![k1, k2]),
        )
        .await
        .unwrap();
        let (rounds, reminded) = nps::sweep(&t.app, ctx).await.unwrap();
        assert_eq!((rounds, reminded), (1, 0));
        assert_eq!(
            nps::sweep(&t.app, ctx).await.unwrap(),
            (0, 0),
            "one round per date"
        );
        let v = nps::client_surveys(&t.app, ctx, client).await.unwrap();
        assert_eq!(v.next_on, Some(20260602));
        assert_eq!(v.sent.len(), 2);
        // Sending now on the same day invites nobody twice.
        assert_eq!(nps::send_now(&t.app, ctx, client).await.unwrap(), 0);
        let tokens = links(&t, &a).await;
        assert_eq!(tokens.len(), 2, "{tokens:?}");
        let rows = stored(&t, &a, client).await;
        let token_of = |contact: Uuid| -> String {
            let r = rows.iter().find(|r| r.contact_id == contact).unwrap();
            tokens
                .iter()
                .find(|tk| mesure_services::secrets::sha256_hex(tk) == r.token_hash)
                .unwrap()
                .clone()
        };
        let (t1, t2) = (token_of(k1), token_of(k2));

        // The link opens without login, in the contact's language.
        let page = t
            .client()
            .get(format!("{}/survey/{t1}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("Agence Enquêtes") && html.contains("name=\"score\""),
            "{html}"
        );
        // Unknown links and malformed ones: 404, nothing else said.
        for bad in ["nope", "x".repeat(300).as_str(), "%00", "..%2F..%2Fetc"] {
            let r = t
                .client()
                .get(format!("{}/survey/{bad}", t.url))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{bad}");
        }
        // A POST without the CSRF cookie is refused.
        let r = t
            .client()
            .post(format!("{}/survey/{t1}", t.url))
            .form(&[("score", "9")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Scores outside 0–10, not whole, missing; a comment over 5,000 characters or with NUL.
        for (score, comment) in [
            ("11", ""),
            ("-1", ""),
            ("7.5", ""),
            ("", ""),
            ("dix", ""),
            ("9", &"x".repeat(5001)),
            ("9", "a\u{0}b"),
        ] {
            let (s, body) = answer_link(&t, &t1, score, comment).await;
            assert_eq!(s, 422, "{score:?}: {body}");
        }
        assert!(
            stored(&t, &a, client)
                .await
                .iter()
                .all(|r| r.answered_at.is_none()),
            "nothing recorded"
        );
        // An answer, changed within 24 hours, then frozen.
        let (s, body) = answer_link(&t, &t1, "9", "Très bien").await;
        assert_eq!(s, 200, "{body}");
        t.clock.advance_secs(23 * 3600);
        let (s, _) = answer_link(&t, &t1, "10", "Excellent").await;
        assert_eq!(s, 200);
        t.clock.advance_secs(2 * 3600);
        let (s, body) = answer_link(&t, &t1, "3", "Changé d'avis").await;
        assert_eq!(s, 409, "{body}");
        let r = stored(&t, &a, client)
            .await
            .into_iter()
            .find(|r| r.contact_id == k1)
            .unwrap();
        assert_eq!(
            (r.score, r.comment.as_deref()),
            (Some(10), Some("Excellent"))
        );

        // The portal: contact 2 signs in, sees their own survey, not contact 1's.
        let (_, password) =
            mesure_services::clients::contacts::grant_portal(&t.app, ctx, ContactId::from_uuid(k2))
                .await
                .unwrap();
        let web = t.client();
        assert_eq!(
            t.login(&web, "deux@client-enquete.test", &password)
                .await
                .status(),
            303
        );
        let list = t.text(&web, "/portal/surveys").await;
        let mine = rows.iter().find(|r| r.contact_id == k2).unwrap().id;
        let theirs = rows.iter().find(|r| r.contact_id == k1).unwrap().id;
        assert!(
            list.contains(&format!("/portal/surveys/{mine}"))
                && !list.contains(&theirs.to_string())
        );
        let r = web
            .get(format!("{}/portal/surveys/{theirs}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let csrf = t.csrf(&web, &format!("/portal/surveys/{mine}")).await;
        let r = web
            .post(format!("{}/portal/surveys/{theirs}", t.url))
            .form(&[("_csrf", csrf.as_str()), ("score", "0")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            stored(&t, &a, client)
                .await
                .into_iter()
                .find(|r| r.contact_id == k1)
                .unwrap()
                .score,
            Some(10)
        );
        // Staff cannot answer in the portal.
        assert!(
            nps::answers::portal_answer(
                &t.app,
                ctx,
                mine,
                &AnswerInput {
                    score: Some("5".into()),
                    comment: None
                }
            )
            .await
            .is_err()
        );

        // A week on, the unanswered invitation gets its one reminder with a new link; the old
        // link stops working.
        t.clock.set("2026-03-10T09:00:00Z".parse().unwrap());
        assert_eq!(nps::sweep(&t.app, ctx).await.unwrap(), (0, 1));
        assert_eq!(
            nps::sweep(&t.app, ctx).await.unwrap(),
            (0, 0),
            "one reminder only"
        );
        let after = links(&t, &a).await;
        let t2b = after
            .iter()
            .find(|tk| !tokens.contains(tk))
            .unwrap()
            .clone();
        let r = t
            .client()
            .get(format!("{}/survey/{t2}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "the first link was replaced");
        let r = t
            .client()
            .get(format!("{}/survey/{t2b}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // Answered in the portal.
        let csrf = t.csrf(&web, &format!("/portal/surveys/{mine}")).await;
        let r = web
            .post(format!("{}/portal/surveys/{mine}", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("score", "6"),
                ("comment", "Délais"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // Archived contact: the link opens nothing, the answer stays.
        mesure_services::clients::contacts::set_archived(
            &t.app,
            ctx,
            ContactId::from_uuid(k2),
            true,
        )
        .await
        .unwrap();
        let r = t
            .client()
            .get(format!("{}/survey/{t2b}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let (s, _) = answer_link_raw(&t, &t2b).await;
        assert!(s == 409 || s == 403, "{s}");
        assert_eq!(
            stored(&t, &a, client)
                .await
                .into_iter()
                .find(|r| r.contact_id == k2)
                .unwrap()
                .score,
            Some(6)
        );

        // Next round (June): an unanswered link expires after 30 days.
        t.clock.set("2026-06-02T08:00:00Z".parse().unwrap());
        assert_eq!(nps::sweep(&t.app, ctx).await.unwrap().0, 1);
        let fresh: Vec<String> = links(&t, &a)
            .await
            .into_iter()
            .filter(|tk| !after.contains(tk))
            .collect();
        assert_eq!(fresh.len(), 1, "the archived contact gets no new round");
        t.clock.set("2026-07-03T08:00:00Z".parse().unwrap());
        let r = t
            .client()
            .get(format!("{}/survey/{}", t.url, fresh[0]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("data-testid=\"survey-note\"")
        );
        let (s, _) = answer_link(&t, &fresh[0], "8", "").await;
        assert_eq!(s, 409);
    }
}

/// The archived contact's page gives no form (and so no CSRF field): a raw POST.
async fn answer_link_raw(t: &TestApp, token: &str) -> (u16, String) {
    let r = t
        .client()
        .post(format!("{}/survey/{token}", t.url))
        .form(&[("score", "1")])
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

/// Answers `scores` for `client` through one contact, one round a day from `first`.
async fn answers(t: &TestApp, a: &Tenant, client: Uuid, contact: Uuid, first: i32, scores: &[i32]) {
    let now = t.app.now();
    let mut c = t.app.db.begin().await.unwrap();
    for (i, s) in scores.iter().enumerate() {
        let r = mesure_store::nps::InvitationRow {
            workspace_id: a.ws.uuid(),
            id: Uuid::now_v7(),
            client_id: client,
            contact_id: contact,
            round_on: first + i as i32,
            token_hash: format!("{client}-{i}"),
            sent_at: now,
            expires_at: now + 86_400_000_000 * 30,
            reminded_at: None,
            answered_at: None,
            score: None,
            comment: None,
            updated_at: now,
            version: 1,
        };
        assert!(
            mesure_store::nps::insert_invitation(&mut c.conn(), &r)
                .await
                .unwrap()
        );
        assert!(
            mesure_store::nps::answer(&mut c.conn(), &r, *s, None, now, now)
                .await
                .unwrap()
        );
    }
    c.commit().await.unwrap();
}

#[tokio::test]
async fn nps_known_answers_and_the_satisfaction_view() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Mesure NPS").await;
        t.clock.set("2026-04-15T10:00:00Z".parse().unwrap());
        // Client A: 165 minutes billed at 100/h; 3 promoters, 1 passive, 2 detractors → +17.
        let (ca, _, _) = billable_client(&t, &a, "Client A", &[90, 30, 45]).await;
        let cb = plain_client(&t, &a, "Client B").await;
        let ka = new_contact(&t, &a, ca, "A", Some("a@a.test")).await;
        let kb = new_contact(&t, &a, cb, "B", Some("b@b.test")).await;
        answers(&t, &a, ca, ka, 20260401, &[9, 10, 9, 7, 3, 6]).await;
        // Client B: four answers only → not enough.
        answers(&t, &a, cb, kb, 20260401, &[10, 10, 10, 10]).await;
        let r = nps::report::report(&t.app, &a.owner.ctx, 20260401, 20260430)
            .await
            .unwrap();
        let by = |id: Uuid| r.clients.iter().find(|c| c.client_id == id).unwrap().figure;
        assert_eq!((by(ca).answers, by(ca).nps), (6, Some(17)));
        assert_eq!((by(cb).answers, by(cb).nps), (4, None));
        // Overall: 7 promoters, 1 passive, 2 detractors of 10 → +50.
        assert_eq!((r.overall.answers, r.overall.nps), (10, Some(50)));
        // Another period sees none of them.
        let r0 = nps::report::report(&t.app, &a.owner.ctx, 20260501, 20260531)
            .await
            .unwrap();
        assert_eq!((r0.overall.answers, r0.overall.nps), (0, None));
        // Bad periods.
        assert!(
            nps::report::report(&t.app, &a.owner.ctx, 20260430, 20260401)
                .await
                .is_err()
        );
        // Staff and contacts may not read NPS.
        assert!(
            nps::report::report(&t.app, &a.staff.ctx, 20260401, 20260430)
                .await
                .is_err()
        );

        // The API says the same.
        let (s, b) = get(&t, &a.manager.token, "/nps?from=2026-04-01&to=2026-04-30").await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["overall"]["nps"], 50);
        let cb_json = b["clients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["client_id"] == cb.to_string())
            .unwrap();
        assert!(cb_json["figure"]["nps"].is_null());
        let (s, _) = get(&t, &a.owner.token, "/nps?from=2026-13-01").await;
        assert_eq!(s, 422);
        let (s, _) = get(&t, &a.staff.token, "/nps").await;
        assert_eq!(s, 403);

        // The desk's CSAT joins the view: three answers on A's tickets in April (5, 4, 2).
        for (i, score) in [5, 4, 2].into_iter().enumerate() {
            let tk = mesure_services::desk::tickets::open(
                &t.app,
                &a.owner.ctx,
                &mesure_domain::desk::forms::TicketForm {
                    subject: format!("Ticket {i}"),
                    body: "Aide".into(),
                    client_id: Some(ca.to_string()),
                    ..Default::default()
                },
                false,
            )
            .await
            .unwrap();
            let mut tx = t.app.db.begin().await.unwrap();
            let now = t.clock_now();
            mesure_store::desk::csat::insert(
                &mut tx.conn(),
                a.ws,
                tk.id,
                None,
                &format!("h{i}"),
                now,
            )
            .await
            .unwrap();
            mesure_store::desk::csat::answer(&mut tx.conn(), a.ws, tk.id, score, None, now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        // The satisfaction view over the trailing months: A is placed (NPS 17 under the default
        // floor of 30, margin at or above 25 % → at risk); B is left off for want of answers.
        let v = nps::report::satisfaction(&t.app, &a.owner.ctx, 202505, 202605)
            .await
            .unwrap();
        let p = v
            .points
            .iter()
            .find(|p| p.client_id == ca)
            .expect("A is placed");
        assert_eq!(p.nps, 17);
        assert_eq!(
            (p.csat.map(|c| c.to_string()), p.csat_answers),
            (Some("66.7".to_string()), 3),
            "2 of 3 answers are 4 or 5"
        );
        assert_eq!(p.revenue, 27_500, "165 minutes at 100/h");
        assert!(
            v.left_off
                .iter()
                .any(|l| l.client_id == cb && l.reason == "not_enough_answers")
        );
        let expected = if p.margin_pct.to_string().parse::<f64>().unwrap() >= 25.0 {
            "at_risk"
        } else {
            "to_rethink"
        };
        assert_eq!(p.quadrant.as_str(), expected);
        // A band the other way round is refused on its field; a valid one moves A.
        let bad = nps::save_band(
            &t.app,
            &a.owner.ctx,
            &nps::BandInput {
                nps_low: Some("50".into()),
                nps_high: Some("20".into()),
                margin_min: Some("25".into()),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(fields(bad), vec![("nps_high".into(), "err-nps-band-order")]);
        nps::save_band(
            &t.app,
            &a.owner.ctx,
            &nps::BandInput {
                nps_low: Some("10".into()),
                nps_high: Some("40".into()),
                margin_min: Some("-100".into()),
            },
        )
        .await
        .unwrap();
        let v = nps::report::satisfaction(&t.app, &a.owner.ctx, 202505, 202605)
            .await
            .unwrap();
        let p = v.points.iter().find(|p| p.client_id == ca).unwrap();
        assert_eq!((p.quadrant.as_str(), p.in_band), ("healthy", true));
        let (s, b) = get(
            &t,
            &a.owner.token,
            "/nps/satisfaction?from=2025-05&to=2026-05",
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["band"]["nps_low"], 10);
        assert_eq!(b["points"][0]["quadrant"], "healthy");

        // The page: an SVG scatter linking to the client, in both languages; the CSV.
        let web = t.client();
        assert_eq!(
            t.login(&web, &a.owner.email, mesure_testkit::PASSWORD)
                .await
                .status(),
            303
        );
        let html = t
            .text(
                &web,
                "/nps/satisfaction?period=custom&from=2025-05-01&to=2026-04-30",
            )
            .await;
        assert!(
            html.contains("<svg") && html.contains(&format!("href=\"/clients/{ca}\"")),
            "{html}"
        );
        let overview = t
            .text(&web, "/nps?period=custom&from=2026-04-01&to=2026-04-30")
            .await;
        assert!(
            overview.contains("+50") && overview.contains("+17"),
            "{overview}"
        );
        let csv = t
            .text(&web, "/nps.csv?period=custom&from=2026-04-01&to=2026-04-30")
            .await;
        assert!(
            csv.contains("Client A") && csv.contains(",17,") || csv.contains(";17;"),
            "{csv}"
        );
        let r = post(&t, &a.staff.token, "/nps", json!({})).await;
        assert!(r.0 == 405 || r.0 == 404 || r.0 == 403, "{r:?}");
    }
}
