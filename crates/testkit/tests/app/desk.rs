//! The service desk on both engines: a ticket's life with its SLA deadlines computed on the
//! business calendar (known answers), pauses while waiting on the customer, reopenings and a
//! reply to a closed ticket; refused moves and merges; full-text search and paging at the page
//! size plus one; what a contact sees (their organisation's tickets, no internal notes, billing
//! errors for billing contacts only); a public reply e-mailed with the ticket's token.
use mesure_domain::desk::forms::{MoveForm, TicketForm};
use mesure_domain::desk::states::Status;
use mesure_services::ServiceError;
use mesure_services::desk::tickets::{self, ReplyInput};
use mesure_services::desk::views::{self, ListQuery};
use mesure_store::desk::{NO_DUE, TicketRow};
use mesure_testkit::{Tenant, TestApp, backends, spawn_app};
use serde_json::json;

/// An instant in whole seconds (the test clock runs on by a few microseconds between steps).
fn at(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_second()
}

fn sec(us: Option<i64>) -> Option<i64> {
    us.map(|u| u.div_euclid(1_000_000))
}

async fn open(t: &TestApp, a: &Tenant, client: uuid::Uuid, subject: &str, body: &str) -> TicketRow {
    tickets::open(
        &t.app,
        &a.owner.ctx,
        &TicketForm {
            subject: subject.into(),
            body: body.into(),
            client_id: Some(client.to_string()),
            ..Default::default()
        },
        false,
    )
    .await
    .unwrap()
}

fn status(s: &str) -> MoveForm {
    MoveForm {
        status: Some(s.into()),
        ..Default::default()
    }
}

/// A contact's services context (as their session would make it).
async fn contact_ctx(
    t: &TestApp,
    a: &Tenant,
    client: uuid::Uuid,
    role: &str,
    email: &str,
) -> (mesure_services::Ctx, reqwest::Client) {
    let (contact, web) = crate::portal_walk::contact(t, a, client, role, email).await;
    let mut conn = t.app.db.read().await.unwrap();
    let user = mesure_store::people::users::find_for_contact(&mut conn.conn(), a.ws, contact)
        .await
        .unwrap()
        .unwrap();
    let mut ctx = a.owner.ctx.clone();
    ctx.user = mesure_domain::UserId::from_uuid(user.id);
    ctx.principal =
        mesure_domain::Principal::Contact(mesure_domain::ContactRole::parse(role).unwrap());
    ctx.client = Some(mesure_domain::ClientId::from_uuid(client));
    ctx.label = user.name;
    (ctx, web)
}

#[tokio::test]
async fn a_ticket_life_with_its_deadlines_on_the_business_calendar() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Desk").await;
        let client = t.client_named(&a.owner.ctx, "Client Desk").await;
        let (cctx, _) = contact_ctx(&t, &a, client, "project", "julie@desk.example.org").await;
        // Monday 15 March 2027, 9:00 in Paris: the French office week (9:00–12:30, 14:00–18:00).
        t.clock.set("2027-03-15T08:00:00Z".parse().unwrap());
        let tk = tickets::open(
            &t.app,
            &cctx,
            &TicketForm {
                subject: "Export comptable vide".into(),
                body: "L'export de février est vide.".into(),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        assert_eq!(tk.status, Status::New);
        assert_eq!(tk.number, 1);
        // Normal priority: first response within 4 business hours → 14:30 the same day;
        // resolution within 24 → Thursday 10:30 (7.5 business hours a day).
        assert_eq!(sec(tk.first_response_due), Some(at("2027-03-15T13:30:00Z")));
        assert_eq!(sec(tk.resolution_due), Some(at("2027-03-18T09:30:00Z")));
        assert_eq!(tk.due_at.div_euclid(1_000_000), at("2027-03-15T13:30:00Z"));

        // 10:00: a public reply, then waiting on the customer: both clocks stop.
        t.clock.advance_secs(3600);
        let reply = ReplyInput {
            body: "Pouvez-vous préciser le dossier ?".into(),
            public: true,
            status: Some("waiting_customer".into()),
        };
        let tk = tickets::reply(&t.app, &a.staff.ctx, tk.id, &reply)
            .await
            .unwrap();
        assert_eq!(tk.status, Status::WaitingCustomer);
        assert_eq!(sec(tk.first_response_at), Some(at("2027-03-15T09:00:00Z")));
        assert_eq!(tk.public_replies, 1);
        assert_eq!(
            (tk.first_response_due, tk.resolution_due, tk.due_at),
            (None, None, NO_DUE)
        );

        // 11:00: the customer answers; the resolution clock runs again with 23 h left →
        // Thursday 11:30.
        t.clock.advance_secs(3600);
        let tk = tickets::customer_reply(&t.app, &cctx, tk.id, "Le dossier Compta 2027.")
            .await
            .unwrap();
        assert_eq!(tk.status, Status::Open);
        assert_eq!(sec(tk.resolution_due), Some(at("2027-03-18T10:30:00Z")));
        let v = views::ticket(&t.app, &a.staff.ctx, tk.id).await.unwrap();
        assert_eq!((v.resolution.elapsed, v.resolution.paused), (60, 60));
        assert_eq!(v.pauses.len(), 1);
        assert!(v.first_response.met_at.is_some() && !v.first_response.breached);

        // Resolved at 12:00; a customer reply reopens it; resolved and closed again.
        t.clock.advance_secs(3600);
        let tk = tickets::apply(&t.app, &a.staff.ctx, tk.id, &status("resolved"))
            .await
            .unwrap();
        assert_eq!(sec(tk.resolved_at), Some(at("2027-03-15T11:00:00Z")));
        assert_eq!(tk.due_at, NO_DUE);
        let tk = tickets::customer_reply(&t.app, &cctx, tk.id, "Toujours vide.")
            .await
            .unwrap();
        assert_eq!(
            (tk.status, tk.reopens, tk.resolved_at),
            (Status::Open, 1, None)
        );
        tickets::apply(&t.app, &a.staff.ctx, tk.id, &status("resolved"))
            .await
            .unwrap();
        let closed = tickets::apply(&t.app, &a.staff.ctx, tk.id, &status("closed"))
            .await
            .unwrap();
        assert_eq!(closed.status, Status::Closed);

        // A reply to the closed ticket opens a new one that follows it.
        let next = tickets::customer_reply(&t.app, &cctx, tk.id, "Encore une question.")
            .await
            .unwrap();
        assert_ne!(next.id, tk.id);
        assert_eq!(next.follows, Some(tk.number));
        assert_eq!(next.status, Status::New);
        let old = views::ticket(&t.app, &a.staff.ctx, tk.id).await.unwrap();
        assert_eq!(
            old.line.ticket.status,
            Status::Closed,
            "the closed ticket stays closed"
        );

        // A policy change recomputes the open ticket (urgent targets for everything).
        let form = mesure_domain::desk::forms::PolicyForm {
            normal_first_response: Some("1h".into()),
            normal_resolution: Some("2h".into()),
            ..Default::default()
        };
        let n = mesure_services::desk::setup::save_policy(&t.app, &a.owner.ctx, &form, "30")
            .await
            .unwrap();
        assert_eq!(n, 1, "the one open ticket");
        let v = views::ticket(&t.app, &a.staff.ctx, next.id).await.unwrap();
        assert_eq!(
            sec(v.line.ticket.first_response_due),
            Some(at("2027-03-15T13:30:00Z")),
            "opened 12:00 Paris: half an hour before lunch, half an hour after → 14:30 Paris"
        );
        // Staff may not set the policy; a first response after the resolution is refused.
        let e = mesure_services::desk::setup::save_policy(&t.app, &a.staff.ctx, &form, "30")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden), "{e:?}");
        let bad = mesure_domain::desk::forms::PolicyForm {
            high_first_response: Some("9h".into()),
            high_resolution: Some("2h".into()),
            ..Default::default()
        };
        let e = mesure_services::desk::setup::save_policy(&t.app, &a.owner.ctx, &bad, "30")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0.iter().any(|f| f.field == "high_first_response")),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn refused_moves_merges_and_input_change_nothing() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Refus").await;
        let c1 = t.client_named(&a.owner.ctx, "Client Un").await;
        let c2 = t.client_named(&a.owner.ctx, "Client Deux").await;
        let t1 = open(&t, &a, c1, "Panne", "Le site est en panne.").await;
        let t2 = open(
            &t,
            &a,
            c1,
            "Panne (doublon)",
            "Le site ne répond plus depuis midi.",
        )
        .await;
        let t3 = open(&t, &a, c2, "Autre client", "Rien à voir.").await;

        // New → closed is not a move; nothing is written.
        let e = tickets::apply(&t.app, &a.staff.ctx, t1.id, &status("closed"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].code == "err-desk-move"),
            "{e:?}"
        );
        let e = tickets::apply(&t.app, &a.staff.ctx, t1.id, &status("nonsense"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].code == "err-choice"),
            "{e:?}"
        );
        // A NUL in a message, an empty one, 100 k characters: refused by field.
        for body in ["a\0b", "   ", &"x".repeat(100_000)] {
            let r = ReplyInput {
                body: body.into(),
                public: true,
                status: None,
            };
            let e = tickets::reply(&t.app, &a.staff.ctx, t1.id, &r)
                .await
                .unwrap_err();
            assert!(
                matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "body"),
                "{e:?}"
            );
        }
        let v = views::ticket(&t.app, &a.staff.ctx, t1.id).await.unwrap();
        assert_eq!(v.events.len(), 1, "only the opening message");
        assert_eq!(v.line.ticket.status, Status::New);

        // Merges: not into another client's ticket, not into itself, not into a missing one.
        for (into, code) in [
            (t3.number, "err-desk-merge-client"),
            (t2.number, "err-desk-merge-self"),
            (999, "err-desk-merge-missing"),
        ] {
            let e = tickets::merge(&t.app, &a.staff.ctx, t2.id, into, None)
                .await
                .unwrap_err();
            assert!(
                matches!(&e, ServiceError::Invalid(inv) if inv.0[0].code == code),
                "{into}: {e:?}"
            );
        }
        let target = tickets::merge(&t.app, &a.staff.ctx, t2.id, t1.number, Some("même panne"))
            .await
            .unwrap();
        assert_eq!(target.id, t1.id);
        let dup = views::ticket(&t.app, &a.staff.ctx, t2.id).await.unwrap();
        assert_eq!(
            (dup.line.ticket.status, dup.line.ticket.merged_into),
            (Status::Closed, Some(t1.number))
        );
        // The duplicate's words now find the ticket it went into.
        let found = views::list(
            &t.app,
            &a.staff.ctx,
            &ListQuery {
                q: Some("midi".into()),
                view: Some("all".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            found
                .lines
                .iter()
                .map(|l| l.ticket.number)
                .collect::<Vec<_>>(),
            vec![t1.number]
        );
        // A closed ticket takes no reply and no move.
        let r = ReplyInput {
            body: "Bonjour".into(),
            public: true,
            status: None,
        };
        let e = tickets::reply(&t.app, &a.staff.ctx, t2.id, &r)
            .await
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::Conflict("err-desk-closed")),
            "{e:?}"
        );
        // Transfers and escalations count; an inactive or unknown assignee is refused.
        let assign = |u: uuid::Uuid| MoveForm {
            assignee_id: Some(u.to_string()),
            ..Default::default()
        };
        tickets::apply(&t.app, &a.staff.ctx, t1.id, &assign(a.staff.id))
            .await
            .unwrap();
        let moved = tickets::apply(&t.app, &a.staff.ctx, t1.id, &assign(a.manager.id))
            .await
            .unwrap();
        assert_eq!(
            moved.transfers, 1,
            "first assignment is not a transfer, the second is"
        );
        let esc = MoveForm {
            tier: Some("second".into()),
            reason: Some("bug serveur".into()),
            ..Default::default()
        };
        let moved = tickets::apply(&t.app, &a.staff.ctx, t1.id, &esc)
            .await
            .unwrap();
        assert!(moved.escalated);
        assert_eq!(moved.transfers, 2);
        let e = tickets::apply(&t.app, &a.staff.ctx, t1.id, &assign(uuid::Uuid::now_v7()))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "assignee_id"),
            "{e:?}"
        );
        // Staff of another workspace find nothing.
        let b = t.tenant("Agence Autre").await;
        let e = views::ticket(&t.app, &b.owner.ctx, t1.id)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::NotFound), "{e:?}");
    }
}

/// The search's two ways — the matches' tickets (few matches) and the walk of tickets in the
/// list's order (common words, migration 18) — give the same pages for every filter and sort,
/// after replies, a merge (the duplicate's words found under its target) and with another
/// workspace using the same words.
#[tokio::test]
async fn both_ways_of_searching_give_the_same_pages() {
    use mesure_store::desk::{ListFilter, ListSort, list_as};
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Mots").await;
        let other = t.tenant("Agence Voisine").await;
        let c1 = t.client_named(&a.owner.ctx, "Client M1").await;
        let c2 = t.client_named(&a.owner.ctx, "Client M2").await;
        let c3 = t.client_named(&other.owner.ctx, "Client V").await;
        let mut made = Vec::new();
        for i in 0..30 {
            let (client, subject, body) = match i % 3 {
                0 => (c1, format!("Facture {i}"), "Le PDF de la facture est vide."),
                1 => (c2, format!("Imprimante {i}"), "Bourrage papier."),
                _ => (
                    c1,
                    format!("Accès {i}"),
                    "Mot de passe oublié, facture jointe.",
                ),
            };
            made.push(open(&t, &a, client, &subject, body).await);
            t.clock.advance_secs(600);
        }
        open(
            &t,
            &other,
            c3,
            "Facture voisine",
            "Facture bourrage imprimante",
        )
        .await;
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            made[4].id,
            &ReplyInput {
                body: "Essayez le bac zircon.".into(),
                public: true,
                status: None,
            },
        )
        .await
        .unwrap();
        let (m2, _) = contact_ctx(&t, &a, c2, "project", "m2@mots.example.org").await;
        tickets::customer_reply(&t.app, &m2, made[7].id, "Toujours zircon")
            .await
            .unwrap();
        // #2's words (« passe ») go with it into #5.
        tickets::merge(&t.app, &a.staff.ctx, made[2].id, made[5].number, None)
            .await
            .unwrap();
        let ws = a.owner.ctx.workspace;
        let mut conn = t.app.db.read().await.unwrap();
        let c = &mut conn.conn();
        let base = ListFilter {
            limit: 7,
            ..ListFilter::default()
        };
        let words = |w: &[&str]| w.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let cases = [
            ListFilter {
                words: words(&["factu"]),
                ..base.clone()
            },
            ListFilter {
                words: words(&["facture", "pdf"]),
                sort: ListSort::Oldest,
                ..base.clone()
            },
            ListFilter {
                words: words(&["bourrage"]),
                client: Some(c2),
                sort: ListSort::Updated,
                ..base.clone()
            },
            ListFilter {
                words: words(&["zircon"]),
                ..base.clone()
            },
            ListFilter {
                words: words(&["passe"]),
                sort: ListSort::Due,
                ..base.clone()
            },
            ListFilter {
                words: words(&["imprimante"]),
                client: Some(c1),
                ..base.clone()
            },
            ListFilter {
                words: words(&["nulle"]),
                number: Some(made[3].number),
                ..base.clone()
            },
        ];
        for f in &cases {
            let ids = |rows: Vec<TicketRow>| rows.into_iter().map(|r| r.number).collect::<Vec<_>>();
            let sparse = ids(list_as(c, ws, f, Some(false)).await.unwrap());
            let dense = ids(list_as(c, ws, f, Some(true)).await.unwrap());
            assert_eq!(sparse, dense, "{:?} {:?}", f.words, f.sort);
            // Page after page, both ways again.
            if let Some(last) = list_as(c, ws, f, Some(true)).await.unwrap().last() {
                let next = ListFilter {
                    after: Some((f.sort.value(last), last.id)),
                    ..f.clone()
                };
                assert_eq!(
                    ids(list_as(c, ws, &next, Some(false)).await.unwrap()),
                    ids(list_as(c, ws, &next, Some(true)).await.unwrap())
                );
            }
        }
        drop(conn);
        let app = &t.app;
        let count = |w: &[&str]| {
            let f = ListFilter {
                words: words(w),
                limit: 100,
                ..ListFilter::default()
            };
            async move {
                let mut conn = app.db.read().await.unwrap();
                list_as(&mut conn.conn(), ws, &f, Some(true))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.number)
                    .collect::<Vec<_>>()
            }
        };
        // 10 « Facture » tickets and 10 with « facture jointe », less #2 merged away; never the
        // other workspace's.
        assert_eq!(count(&["factu"]).await.len(), 19);
        assert_eq!(
            count(&["zircon"]).await,
            vec![made[7].number, made[4].number]
        );
        assert_eq!(count(&["passe"]).await.len(), 9, "#2's words under #5");
        assert!(!count(&["passe"]).await.contains(&made[2].number));
        assert_eq!(count(&["voisine"]).await, Vec::<i64>::new());
    }
}

#[tokio::test]
async fn search_and_pages_at_the_page_size_plus_one() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Recherche").await;
        let c = t.client_named(&a.owner.ctx, "Client Recherche").await;
        let n = usize::try_from(views::PAGE).unwrap() + 1;
        for i in 0..n {
            open(
                &t,
                &a,
                c,
                &format!("Imprimante {i}"),
                "Bourrage papier au deuxième étage.",
            )
            .await;
        }
        let special = open(
            &t,
            &a,
            c,
            "Facture introuvable",
            "Le PDF de la facture ne s'ouvre pas.",
        )
        .await;
        let list = |q: ListQuery| {
            let t = &t;
            let a = &a;
            async move { views::list(&t.app, &a.staff.ctx, &q).await }
        };
        let first = list(ListQuery::default()).await.unwrap();
        assert_eq!(first.lines.len(), n - 1);
        assert!(first.next.is_some());
        let second = list(ListQuery {
            after: first.next,
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(second.lines.len(), 2);
        assert!(second.next.is_none());
        let mut all: Vec<i64> = first
            .lines
            .iter()
            .chain(&second.lines)
            .map(|l| l.ticket.number)
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n + 1, "every ticket once");
        // Words in messages, prefixes, accents, the number.
        for q in ["pdf", "factu", "OUVRE", "#52", "52"] {
            let r = list(ListQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .unwrap();
            assert_eq!(
                r.lines.iter().map(|l| l.ticket.id).collect::<Vec<_>>(),
                vec![special.id],
                "{q}"
            );
        }
        let r = list(ListQuery {
            q: Some("deuxieme".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        if backend == mesure_testkit::Backend::Sqlite {
            assert_eq!(r.lines.len(), n - 1, "accents folded on SQLite (one page)");
        }
        // Search syntax typed by a person is only words: no error, no injection.
        for q in [
            "\"",
            "*",
            "NEAR(a b)",
            "a AND OR NOT",
            "x' OR 1=1 --",
            ":* & |",
            "\u{1}",
        ] {
            let r = list(ListQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await;
            assert!(
                r.is_ok() || matches!(r, Err(ServiceError::Invalid(_))),
                "{q}: {r:?}"
            );
        }
        // The CSV has every matching ticket, past the page size.
        let web = t.client();
        assert_eq!(
            t.login(&web, &a.staff.email, &a.staff.password)
                .await
                .status(),
            303
        );
        let csv = web
            .get(format!("{}/desk.csv?view=all", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), n + 2, "a header and every ticket");
        let csv = web
            .get(format!("{}/desk.csv?view=all&q=pdf", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        // Bad filters name their field.
        let e = list(ListQuery {
            priority: Some("extreme".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "priority"),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn contacts_see_their_organisation_without_notes_and_replies_are_mailed() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Portail Desk").await;
        let p = t.client_named(&a.owner.ctx, "Client P").await;
        let q = t.client_named(&a.owner.ctx, "Client Q").await;
        let (project, web) = contact_ctx(&t, &a, p, "project", "projet@p.example.org").await;
        let (billing, _) = contact_ctx(&t, &a, p, "billing", "compta@p.example.org").await;
        let own = tickets::open(
            &t.app,
            &project,
            &TicketForm {
                subject: "Question".into(),
                body: "Où en est la maquette ?".into(),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        let bill = tickets::open(
            &t.app,
            &billing,
            &TicketForm {
                subject: "Erreur de facture".into(),
                body: "Montant faux.".into(),
                kind: Some("billing_error".into()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        // A project contact may not open a billing error.
        let e = tickets::open(
            &t.app,
            &project,
            &TicketForm {
                subject: "x".into(),
                body: "y".into(),
                kind: Some("billing_error".into()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "kind"),
            "{e:?}"
        );
        let other = open(&t, &a, q, "Client Q", "Autre organisation.").await;
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            own.id,
            &ReplyInput {
                body: "NOTE-SECRETE marge faible".into(),
                public: false,
                status: None,
            },
        )
        .await
        .unwrap();
        tickets::reply(
            &t.app,
            &a.staff.ctx,
            own.id,
            &ReplyInput {
                body: "La maquette arrive jeudi.".into(),
                public: true,
                status: None,
            },
        )
        .await
        .unwrap();

        // The project contact's list: their ticket only (not the billing error, not Q's).
        let l = views::list(
            &t.app,
            &project,
            &ListQuery {
                view: Some("all".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            l.lines.iter().map(|l| l.ticket.id).collect::<Vec<_>>(),
            vec![own.id]
        );
        let l = views::list(
            &t.app,
            &billing,
            &ListQuery {
                view: Some("all".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(l.lines.len(), 2, "a billing contact sees both");
        // Staff views are not theirs.
        let e = views::list(
            &t.app,
            &project,
            &ListQuery {
                view: Some("mine".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, ServiceError::Invalid(_)));
        // Pages and API: 404 for another organisation's and the billing error; no note anywhere.
        for id in [other.id, bill.id] {
            let s = web
                .get(format!("{}/portal/tickets/{id}", t.url))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(s, 404, "{id}");
        }
        let page = web
            .get(format!("{}/portal/tickets/{}", t.url, own.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("La maquette arrive jeudi.") && !page.contains("NOTE-SECRETE"),
            "{page}"
        );
        let list = web
            .get(format!("{}/portal/tickets?view=all", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            list.contains("Question")
                && !list.contains("Erreur de facture")
                && !list.contains("Client Q")
        );
        // Staff pages are refused to the contact.
        let s = web
            .get(format!("{}/desk/tickets/{}", t.url, own.id))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, 403);
        // Staff see the note, in the page and the API.
        let (s, body) =
            crate::invoicing::get(&t, &a.staff.token, &format!("/desk/tickets/{}", own.id)).await;
        assert_eq!(s, 200, "{body}");
        assert!(
            body["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "note")
        );
        // The public reply went to the contact, with the ticket's token in the subject.
        t.run_jobs().await;
        let mails: Vec<String> = std::fs::read_dir(t.dir.join("outbox"))
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter(|m| m.contains(&format!("[#{}]", own.number)))
            .collect();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("projet@p.example.org") && !mails[0].contains("NOTE-SECRETE"));
        // The API of a contact: the same rules; a staff-only field is ignored.
        let (s, created) = crate::invoicing::post(&t, &a.owner.token, "/desk/tickets", json!({"client_id": q.to_string(), "subject": "Appel", "body": "Le client appelle.", "channel": "phone", "priority": "urgent"})).await;
        assert_eq!(s, 201, "{created}");
        assert_eq!(created["channel"], "phone");
        let (s, bad) = crate::invoicing::post(
            &t,
            &a.owner.token,
            "/desk/tickets",
            json!({"client_id": q.to_string(), "subject": "", "body": "x", "priority": "extreme"}),
        )
        .await;
        assert_eq!(s, 422, "{bad}");
    }
}

/// A ticket opened by the owner for `client` on `channel` with `kind`.
async fn open_as(
    t: &TestApp,
    a: &Tenant,
    client: uuid::Uuid,
    kind: &str,
    channel: &str,
) -> TicketRow {
    tickets::open(
        &t.app,
        &a.owner.ctx,
        &TicketForm {
            subject: format!("{kind} {channel}"),
            body: "Bonjour".into(),
            kind: Some(kind.into()),
            channel: Some(channel.into()),
            client_id: Some(client.to_string()),
            ..Default::default()
        },
        false,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_service_kpis_match_a_hand_computed_month() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence KPI").await;
        let ca = t.client_named(&a.owner.ctx, "Client KA").await;
        let cb = t.client_named(&a.owner.ctx, "Client KB").await;
        let staff = &a.staff.ctx;
        let public = |body: &str| ReplyInput {
            body: body.into(),
            public: true,
            status: None,
        };
        // Monday 1 March 2027, 9:00 in Paris.
        t.clock.set("2027-03-01T08:00:00Z".parse().unwrap());
        // T1: answered in 30 min and resolved: a first contact resolution.
        let t1 = open_as(&t, &a, ca, "question", "email").await;
        t.clock.advance_secs(30 * 60);
        tickets::reply(&t.app, staff, t1.id, &public("Voici."))
            .await
            .unwrap();
        tickets::apply(&t.app, staff, t1.id, &status("resolved"))
            .await
            .unwrap();
        // T2 (a phone call): assigned, transferred, answered after 60 min, escalated, resolved.
        let t2 = open_as(&t, &a, ca, "incident", "phone").await;
        let assign = |u: uuid::Uuid| MoveForm {
            assignee_id: Some(u.to_string()),
            ..Default::default()
        };
        tickets::apply(&t.app, staff, t2.id, &assign(a.staff.id))
            .await
            .unwrap();
        tickets::apply(&t.app, staff, t2.id, &assign(a.manager.id))
            .await
            .unwrap();
        t.clock.advance_secs(60 * 60);
        tickets::reply(&t.app, staff, t2.id, &public("On regarde."))
            .await
            .unwrap();
        let esc = MoveForm {
            tier: Some("second".into()),
            ..Default::default()
        };
        tickets::apply(&t.app, staff, t2.id, &esc).await.unwrap();
        tickets::apply(&t.app, staff, t2.id, &status("resolved"))
            .await
            .unwrap();
        // T3 (a complaint): answered after 90 min, resolved, reopened by the customer, answered
        // and resolved 30 min later.
        let t3 = open_as(&t, &a, cb, "complaint", "email").await;
        t.clock.advance_secs(90 * 60);
        tickets::reply(&t.app, staff, t3.id, &public("Désolés."))
            .await
            .unwrap();
        tickets::apply(&t.app, staff, t3.id, &status("resolved"))
            .await
            .unwrap();
        let (cctx, _) = contact_ctx(&t, &a, cb, "project", "kb@kpi.example.org").await;
        tickets::customer_reply(&t.app, &cctx, t3.id, "Non, toujours pas.")
            .await
            .unwrap();
        t.clock.advance_secs(30 * 60);
        tickets::reply(&t.app, staff, t3.id, &public("Corrigé."))
            .await
            .unwrap();
        tickets::apply(&t.app, staff, t3.id, &status("resolved"))
            .await
            .unwrap();
        // T4: never answered (the backlog); one abandoned call.
        open_as(&t, &a, cb, "question", "email").await;
        tickets::log_abandoned(
            &t.app,
            staff,
            &tickets::AbandonedInput {
                channel: "phone".into(),
                waited_seconds: Some(95),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // Outside the month: nothing of it counts.
        t.clock.set("2027-04-02T08:00:00Z".parse().unwrap());
        open_as(&t, &a, ca, "question", "chat").await;

        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let k = mesure_services::desk::kpis::dashboard(
            &t.app,
            &a.owner.ctx,
            d("2027-03-01"),
            d("2027-04-01"),
        )
        .await
        .unwrap();
        let pct = |r: mesure_domain::desk::kpis::Ratio| r.pct().map(|p| p.to_string());
        assert_eq!(k.created, 4);
        assert_eq!(k.resolved, 3);
        assert_eq!(k.first_response_median, Some(60), "30, 60, 90");
        assert_eq!(k.resolution_median, Some(60), "30, 60, 120");
        assert_eq!(pct(k.first_contact).as_deref(), Some("33.3"), "T1 only");
        assert_eq!(pct(k.first_line).as_deref(), Some("66.7"), "T2 escalated");
        assert_eq!(pct(k.transferred).as_deref(), Some("25.0"), "T2 of 4");
        assert_eq!(pct(k.reopened).as_deref(), Some("33.3"), "T3");
        assert_eq!(k.complaints, 1);
        assert_eq!(
            pct(k.abandonment).as_deref(),
            Some("50.0"),
            "1 abandoned / (1 + 1 phone ticket)"
        );
        assert_eq!(pct(k.sla).as_deref(), Some("100.0"));
        assert_eq!(
            k.backlog,
            [0, 0, 0, 0, 1],
            "T4, 31 days old at the month's end"
        );
        let q = k
            .by_kind
            .iter()
            .find(|(kk, _)| kk.as_str() == "question")
            .unwrap();
        assert_eq!((q.1.current, q.1.previous), (2, 0));
        assert_eq!(
            k.trend
                .iter()
                .map(|(_, v)| v.iter().sum::<i64>())
                .sum::<i64>(),
            4,
            "the trend adds up"
        );
        assert_eq!(
            k.requests_per_agent.map(|v| v.to_string()).as_deref(),
            Some("1.0"),
            "T2 resolved by the manager"
        );
        // Narrowed to client B (T3, T4), then to questions (T1, T4): counted from their
        // tickets alone, by hand again.
        let scoped = |scope: mesure_services::desk::kpis::Scope| {
            let (app, ctx) = (&t.app, &a.owner.ctx);
            async move {
                mesure_services::desk::kpis::dashboard_in(
                    app,
                    ctx,
                    d("2027-03-01"),
                    d("2027-04-01"),
                    &scope,
                )
                .await
                .unwrap()
            }
        };
        let b = scoped(mesure_services::desk::kpis::Scope {
            client: Some(cb),
            ..Default::default()
        })
        .await;
        assert_eq!((b.created, b.resolved), (2, 1));
        assert_eq!(b.first_response_median, Some(90));
        assert_eq!(b.resolution_median, Some(120));
        assert_eq!(pct(b.reopened).as_deref(), Some("100.0"));
        assert_eq!(pct(b.transferred).as_deref(), Some("0.0"));
        assert_eq!(b.complaints, 1);
        assert_eq!(
            pct(b.abandonment),
            None,
            "no call of client B, none abandoned by it"
        );
        assert_eq!(b.backlog, [0, 0, 0, 0, 1]);
        let q = scoped(mesure_services::desk::kpis::Scope {
            kind: Some(mesure_domain::desk::states::TicketType::Question),
            ..Default::default()
        })
        .await;
        assert_eq!((q.created, q.resolved), (2, 1));
        assert_eq!(pct(q.first_contact).as_deref(), Some("100.0"), "T1");
        assert_eq!(pct(q.abandonment), None, "calls have no type: no data");
        assert_eq!(
            q.trend
                .iter()
                .map(|(_, v)| v.iter().sum::<i64>())
                .sum::<i64>(),
            2
        );
        let (s, body) = crate::invoicing::get(
            &t,
            &a.manager.token,
            &format!("/desk/kpis?from=2027-03-01&to=2027-03-31&client_id={cb}"),
        )
        .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["volume"], 2);
        let (s, body) = crate::invoicing::get(
            &t,
            &a.manager.token,
            "/desk/kpis?from=2027-03-01&to=2027-03-31&priority=rouge",
        )
        .await;
        assert_eq!(s, 422, "{body}");
        assert!(body.to_string().contains("priority"), "{body}");
        // An empty month is no data, never 0.
        let e = mesure_services::desk::kpis::dashboard(
            &t.app,
            &a.owner.ctx,
            d("2026-01-01"),
            d("2026-02-01"),
        )
        .await
        .unwrap();
        assert_eq!(
            (e.first_contact.pct(), e.first_response_median, e.sla.pct()),
            (None, None, None)
        );
        // The API and the CSV say the same.
        let (s, body) = crate::invoicing::get(
            &t,
            &a.manager.token,
            "/desk/kpis?from=2027-03-01&to=2027-03-31",
        )
        .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["first_contact_resolution"]["pct"], "33.3");
        assert_eq!(body["backlog"], json!([0, 0, 0, 0, 1]));
        let (s, _) = crate::invoicing::get(
            &t,
            &a.manager.token,
            "/desk/kpis?from=2027-03-31&to=2027-03-01",
        )
        .await;
        assert_eq!(s, 422);
        let web = t.client();
        assert_eq!(
            t.login(&web, &a.manager.email, &a.manager.password)
                .await
                .status(),
            303
        );
        let csv = web
            .get(format!(
                "{}/desk/kpis.csv?period=custom&from=2027-03-01&to=2027-03-31",
                t.url
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            csv.lines()
                .any(|l| l.starts_with("first_contact_resolution_pct") || l.contains("33")),
            "{csv}"
        );
        let page = web
            .get(format!(
                "{}/desk/kpis?period=custom&from=2027-03-01&to=2027-03-31",
                t.url
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("33,3 %") || page.contains("33.3 %"), "{page}");
        let narrowed = web
            .get(format!(
                "{}/desk/kpis?period=custom&from=2027-03-01&to=2027-03-31&client_id={cb}",
                t.url
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            narrowed.contains(&format!("created_to=2027-03-31&#38;client_id={cb}")),
            "the tickets behind each figure keep the narrowing: {}",
            narrowed.split("data-kpi").nth(1).unwrap_or_default()
        );
        assert!(narrowed.contains(&format!("<option value=\"{cb}\" selected>")));
        // The tickets behind a KPI: resolved in March.
        let l = views::list(
            &t.app,
            &a.owner.ctx,
            &ListQuery {
                view: Some("all".into()),
                resolved_from: Some("2027-03-01".into()),
                resolved_to: Some("2027-03-31".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(l.lines.len(), 3);
    }
}

/// Saved views: a person keeps a list's filters under a name; only they see a private one, a
/// manager may share one with the desk; bad filters and a name used twice are field errors; the
/// list page shows the views as tabs and saves and deletes them.
#[tokio::test]
async fn saved_views_keep_filters_per_person_and_shared_ones_for_all() {
    use mesure_services::desk::saved;
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Vues").await;
        let b = t.tenant("Agence Autres Vues").await;
        let c = t.client_named(&a.owner.ctx, "Client Vues").await;
        open(&t, &a, c, "Facture en double", "Deux factures.").await;
        let urgent = ListQuery {
            view: Some("all".into()),
            priority: Some("urgent".into()),
            q: Some("facture".into()),
            sort: Some("oldest".into()),
            ..Default::default()
        };
        let mine = saved::save(&t.app, &a.staff.ctx, "Urgences factures", &urgent, false)
            .await
            .unwrap();
        // Private: the staff member sees it, the manager does not, nor another workspace.
        let names = |v: Vec<saved::SavedView>| v.into_iter().map(|x| x.name).collect::<Vec<_>>();
        assert_eq!(
            names(saved::visible(&t.app, &a.staff.ctx).await.unwrap()),
            vec!["Urgences factures"]
        );
        assert!(
            saved::visible(&t.app, &a.manager.ctx)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            saved::visible(&t.app, &b.owner.ctx)
                .await
                .unwrap()
                .is_empty()
        );
        let v = &saved::visible(&t.app, &a.staff.ctx).await.unwrap()[0];
        assert_eq!(
            v.query, "view=all&priority=urgent&q=facture&sort=oldest",
            "known fields only, in one order"
        );
        // Errors name their field; nothing saved.
        let bad = ListQuery {
            status: Some("perdu".into()),
            ..Default::default()
        };
        for (name, q, field) in [
            ("", &urgent, "name"),
            ("Urgences factures", &urgent, "name"),
            ("Mauvais", &bad, "status"),
            (&"x".repeat(81), &urgent, "name"),
        ] {
            match saved::save(&t.app, &a.staff.ctx, name, q, false).await {
                Err(ServiceError::Invalid(inv)) => {
                    assert!(format!("{inv:?}").contains(field), "{name}: {inv:?}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // Sharing asks the desk's manage right.
        assert!(matches!(
            saved::save(&t.app, &a.staff.ctx, "Pour tous", &urgent, true).await,
            Err(ServiceError::Forbidden)
        ));
        let shared = saved::save(
            &t.app,
            &a.manager.ctx,
            "Pour tous",
            &ListQuery::default(),
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            names(saved::visible(&t.app, &a.staff.ctx).await.unwrap()),
            vec!["Pour tous", "Urgences factures"]
        );
        // Only its owner deletes a private view; a shared one, its managers.
        assert!(matches!(
            saved::delete(&t.app, &a.manager.ctx, mine).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            saved::delete(&t.app, &a.staff.ctx, shared).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            saved::delete(&t.app, &b.owner.ctx, shared).await,
            Err(ServiceError::NotFound)
        ));
        // The page: the view is a tab, shown as the current one with its filters.
        let web = t.client();
        t.login(&web, &a.staff.email, &a.staff.password).await;
        let list = web
            .get(format!("{}/desk?{}", t.url, v.query))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("data-testid=\"saved-views\""), "{list}");
        assert!(
            list.contains("aria-current=\"page\">Urgences factures</a>"),
            "{list}"
        );
        assert!(list.contains("data-testid=\"delete-view\""));
        let csrf = t.csrf(&web, "/desk").await;
        let r = web
            .post(format!("{}/desk/views", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Ouverts hauts"),
                ("query", "status=open&priority=high"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            r.headers()["location"],
            "/desk?status=open&priority=high&notice=desk-view-saved"
        );
        // A name used twice: the list again, the error on the name.
        let r = web
            .post(format!("{}/desk/views", t.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("name", "Ouverts hauts"),
                ("query", "status=open"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("f-view-name-error"));
        let r = web
            .post(format!("{}/desk/views/{mine}/delete", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            names(saved::visible(&t.app, &a.staff.ctx).await.unwrap()),
            vec!["Ouverts hauts", "Pour tous"]
        );
        // Another person's view id: not found.
        let r = web
            .post(format!("{}/desk/views/{shared}/delete", t.url))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
}

/// A client's own business calendar (its contract's hours) drives its tickets' deadlines and
/// service minutes; saving or removing it recomputes its open tickets; a bad calendar is a
/// field error and changes nothing; the page and the ticket's explanation say whose it is.
#[tokio::test]
async fn a_clients_own_calendar_drives_its_tickets_clocks() {
    use mesure_domain::calendar::form::CalendarForm;
    use mesure_services::desk::setup;
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Calendrier").await;
        let ca = t.client_named(&a.owner.ctx, "Client Soirée").await;
        let owner = &a.owner.ctx;
        // Monday 1 March 2027, 17:00 in Paris; normal priority: first response within 4 h.
        t.clock.set("2027-03-01T16:00:00Z".parse().unwrap());
        let tk = open_as(&t, &a, ca, "question", "email").await;
        let app = &t.app;
        let due = |id| async move {
            let v = views::ticket(app, owner, id).await.unwrap();
            (
                v.line.ticket.first_response_due.map(mesure_store::ts),
                v.rules.client_calendar,
            )
        };
        let at = |s: &str| Some(s.parse::<jiff::Timestamp>().unwrap());
        // The workspace's office week (9–12:30, 14–18): 60 min on Monday, 180 on Tuesday.
        assert_eq!(due(tk.id).await, (at("2027-03-02T11:00:00Z"), false));
        let evening = CalendarForm {
            time_zone: "Europe/Paris".into(),
            week_mon: Some("08:00-20:00".into()),
            week_tue: Some("08:00-20:00".into()),
            week_wed: Some("08:00-20:00".into()),
            week_thu: Some("08:00-20:00".into()),
            week_fri: Some("08:00-20:00".into()),
            ..Default::default()
        };
        // A bad calendar: a field error, nothing saved.
        let bad = CalendarForm {
            week_tue: Some("20:00-08:00".into()),
            ..evening.clone()
        };
        match setup::save_client_calendar(&t.app, owner, ca, Some(&bad)).await {
            Err(ServiceError::Invalid(inv)) => {
                assert!(format!("{inv:?}").contains("week_tue"), "{inv:?}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(due(tk.id).await, (at("2027-03-02T11:00:00Z"), false));
        // Staff who do not manage the desk may not set it.
        assert!(
            setup::save_client_calendar(&t.app, &a.staff.ctx, ca, Some(&evening))
                .await
                .is_err()
        );
        // The client's hours (8–20): 180 min on Monday, 60 on Tuesday.
        let n = setup::save_client_calendar(&t.app, owner, ca, Some(&evening))
            .await
            .unwrap();
        assert_eq!(n, 1, "its open ticket recomputed");
        assert_eq!(due(tk.id).await, (at("2027-03-02T08:00:00Z"), true));
        let (form, own) = setup::client_calendar(&t.app, owner, ca).await.unwrap();
        assert!(own);
        assert_eq!(form.week_mon.as_deref(), Some("08:00-20:00"));
        // The first response at Tuesday 8:30 took 210 business minutes on its calendar.
        t.clock.set("2027-03-02T07:30:00Z".parse().unwrap());
        let answered = tickets::reply(
            &t.app,
            &a.staff.ctx,
            tk.id,
            &ReplyInput {
                body: "Bonjour".into(),
                public: true,
                status: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(answered.first_response_minutes, Some(210));
        // The ticket's page explains it, the API says it.
        let web = t.client();
        t.login(&web, &a.owner.email, &a.owner.password).await;
        let page = web
            .get(format!("{}/desk/tickets/{}", t.url, tk.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Calendrier : celui du client."), "{page}");
        let (s, body) =
            crate::invoicing::get(&t, &a.owner.token, &format!("/desk/tickets/{}", tk.id)).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["calendar"], "client");
        let setup_page = web
            .get(format!("{}/desk/setup", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(setup_page.contains("Client Soirée"), "listed");
        let form_page = web
            .get(format!("{}/desk/setup/calendar?client_id={ca}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(form_page.status(), 200);
        assert!(form_page.text().await.unwrap().contains("08:00-20:00"));
        // Another workspace's client is not found.
        let b = t.tenant("Agence Autre").await;
        assert!(matches!(
            setup::client_calendar(&t.app, &b.owner.ctx, ca).await,
            Err(ServiceError::NotFound)
        ));
        // Removed: a second ticket follows the workspace's week again.
        t.clock.set("2027-03-01T16:00:00Z".parse().unwrap());
        let tk2 = open_as(&t, &a, ca, "question", "email").await;
        setup::save_client_calendar(&t.app, owner, ca, None)
            .await
            .unwrap();
        assert_eq!(due(tk2.id).await, (at("2027-03-02T11:00:00Z"), false));
        assert!(!setup::client_calendar(&t.app, owner, ca).await.unwrap().1);
    }
}

/// The dashboard's running totals (migration 16): kept by every kind of write (open, reply,
/// resolve, reopen, reassign, escalate, merge), equal to the tickets' contributions added up
/// afresh (`check --totals`), rebuilt to the same rows by the migration's own statements, and
/// read back exactly for a period that cuts days and months anywhere.
#[tokio::test]
async fn the_running_totals_follow_every_write_and_the_migration_rebuilds_them() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Totaux").await;
        let ca = t.client_named(&a.owner.ctx, "Client TA").await;
        let cb = t.client_named(&a.owner.ctx, "Client TB").await;
        let staff = &a.staff.ctx;
        let public = |body: &str| ReplyInput {
            body: body.into(),
            public: true,
            status: None,
        };
        // From Friday 29 January 2027, 17:00 in Paris, a ticket every 19 hours over two months.
        t.clock.set("2027-01-29T16:00:00Z".parse().unwrap());
        let (cctx, _) = contact_ctx(&t, &a, cb, "project", "tb@totaux.example.org").await;
        let mut opened = Vec::new();
        for i in 0..80u32 {
            let (client, kind, channel) = match i % 4 {
                0 => (ca, "question", "email"),
                1 => (cb, "incident", "phone"),
                2 => (ca, "complaint", "chat"),
                _ => (cb, "request", "portal"),
            };
            let tk = open_as(&t, &a, client, kind, channel).await;
            opened.push((tk.id, tk.number, client));
            t.clock.advance_secs(19 * 3600);
            if i % 3 != 2 {
                tickets::reply(&t.app, staff, tk.id, &public("Bien reçu."))
                    .await
                    .unwrap();
            }
            if i % 5 == 1 {
                let m = MoveForm {
                    assignee_id: Some(a.manager.id.to_string()),
                    tier: (i % 10 == 1).then(|| "second".into()),
                    priority: Some("high".into()),
                    ..Default::default()
                };
                tickets::apply(&t.app, staff, tk.id, &m).await.unwrap();
            }
            if i % 3 == 0 {
                tickets::apply(&t.app, staff, tk.id, &status("resolved"))
                    .await
                    .unwrap();
            }
            if i % 12 == 3 {
                // Reopened by the customer, then resolved again the next day.
                tickets::apply(&t.app, staff, tk.id, &status("resolved"))
                    .await
                    .unwrap();
                tickets::customer_reply(&t.app, &cctx, tk.id, "Pas encore.")
                    .await
                    .unwrap();
                t.clock.advance_secs(5 * 3600);
                tickets::apply(&t.app, staff, tk.id, &status("resolved"))
                    .await
                    .unwrap();
            }
        }
        // A duplicate merged into its neighbour of the same client leaves the totals.
        let (dup, _, client) = opened[8];
        let target = opened[12];
        assert_eq!(client, target.2);
        tickets::merge(&t.app, staff, dup, target.1, Some("doublon"))
            .await
            .unwrap();
        let ws = a.owner.ctx.workspace;
        let desk_differences = || async {
            mesure_services::desk::check::check_counters(&t.app, ws, "Europe/Paris")
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.starts_with("desk totals"))
                .collect::<Vec<_>>()
        };
        assert_eq!(desk_differences().await, Vec::<String>::new());
        let snapshot = || async {
            let mut c = t.app.db.read().await.unwrap();
            mesure_store::desk::totals::stored(&mut c.conn(), ws)
                .await
                .unwrap()
        };
        let live = snapshot().await;
        assert!(live.len() > 100, "{}", live.len());
        // Any period: a dashboard of 17 days across a month's end counts what the list finds.
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let k = mesure_services::desk::kpis::dashboard(
            &t.app,
            &a.owner.ctx,
            d("2027-02-23"),
            d("2027-03-12"),
        )
        .await
        .unwrap();
        let (app, owner) = (&t.app, &a.owner.ctx);
        let listed =
            |q: ListQuery| async move { views::list(app, owner, &q).await.unwrap().lines.len() };
        let created = listed(ListQuery {
            view: Some("all".into()),
            created_from: Some("2027-02-23".into()),
            created_to: Some("2027-03-11".into()),
            ..Default::default()
        })
        .await;
        let resolved = listed(ListQuery {
            view: Some("all".into()),
            resolved_from: Some("2027-02-23".into()),
            resolved_to: Some("2027-03-11".into()),
            ..Default::default()
        })
        .await;
        assert!(created > 10, "{created}");
        // (The merged duplicate, which the list would show and the KPIs never count, was opened
        // in early February, before the period.)
        assert_eq!(usize::try_from(k.created).unwrap(), created);
        assert_eq!(usize::try_from(k.resolved).unwrap(), resolved);
        assert_eq!(
            k.trend
                .iter()
                .map(|(_, v)| v.iter().sum::<i64>())
                .sum::<i64>(),
            k.created,
            "the weekly trend adds up to the period"
        );
        // Erased, as a database of version 15 has them, then rebuilt by migration 16's INSERTs.
        {
            let mut tx = t.app.db.begin().await.unwrap();
            for table in [
                "desk_totals_created",
                "desk_totals_resolved",
                "desk_totals_agents",
                "desk_totals_minutes",
            ] {
                mesure_store::testing::exec(&mut tx.conn(), &format!("DELETE FROM {table}"), &[])
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        assert!(!desk_differences().await.is_empty());
        let (_, _, lite, pg) = mesure_store::migrate::MIGRATIONS
            .iter()
            .find(|m| m.0 == 16)
            .unwrap();
        // As each engine runs it (SQLite leaves out the PostgreSQL-only blocks).
        let script = if matches!(backend, mesure_testkit::Backend::Sqlite) {
            mesure_store::schema_rules::postgres_only_removed(lite)
        } else {
            pg.to_string()
        };
        let mut tx = t.app.db.begin().await.unwrap();
        for stmt in script.split(";\n") {
            let stmt: String = stmt
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            if stmt.trim_start().starts_with("INSERT") {
                mesure_store::testing::exec(&mut tx.conn(), &stmt, &[])
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        assert_eq!(snapshot().await, live);
        assert_eq!(desk_differences().await, Vec::<String>::new());
    }
}

#[tokio::test]
async fn a_resolution_asks_the_requester_once_and_csat_counts_it() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence CSAT").await;
        let c = t.client_named(&a.owner.ctx, "Client CSAT").await;
        let (asker, web) = contact_ctx(&t, &a, c, "project", "asker@csat.example.org").await;
        let (other, _) = contact_ctx(&t, &a, c, "viewer", "other@csat.example.org").await;
        let form = |s: &str| TicketForm {
            subject: s.into(),
            body: "Aidez-moi.".into(),
            ..Default::default()
        };
        let t1 = tickets::open(&t.app, &asker, &form("Premier"), false)
            .await
            .unwrap();
        let t2 = tickets::open(&t.app, &asker, &form("Second"), false)
            .await
            .unwrap();
        for id in [t1.id, t2.id] {
            tickets::reply(
                &t.app,
                &a.staff.ctx,
                id,
                &ReplyInput {
                    body: "Fait.".into(),
                    public: true,
                    status: Some("resolved".into()),
                },
            )
            .await
            .unwrap();
        }
        // Reopened and resolved again: still one question.
        tickets::customer_reply(&t.app, &asker, t1.id, "Encore.")
            .await
            .unwrap();
        tickets::apply(&t.app, &a.staff.ctx, t1.id, &status("resolved"))
            .await
            .unwrap();
        t.run_jobs().await;
        let mails: Vec<String> = std::fs::read_dir(t.dir.join("outbox"))
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter(|m| m.contains("/csat/"))
            .collect();
        assert_eq!(mails.len(), 2, "one question per ticket");
        let token = |m: &str| {
            let i = m.find("/csat/").unwrap() + 6;
            m[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        };
        let tok = token(mails.iter().find(|m| m.contains("Premier")).unwrap());
        // The link opens without logging in; a bad score is refused by field; answered once.
        let page = t
            .client()
            .get(format!("{}/csat/{tok}", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let e = mesure_services::desk::csat::answer_by_token(&t.app, &tok, "9", None)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "score"),
            "{e:?}"
        );
        mesure_services::desk::csat::answer_by_token(&t.app, &tok, "5", Some("Parfait"))
            .await
            .unwrap();
        let e = mesure_services::desk::csat::answer_by_token(&t.app, &tok, "1", None)
            .await
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::Conflict("err-desk-csat-answered")),
            "{e:?}"
        );
        let unknown = t
            .client()
            .get(format!("{}/csat/nope", t.url))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 404);
        // In the portal: only the requester rates; a 2 is not satisfied.
        let e = mesure_services::desk::csat::portal_answer(&t.app, &other, t2.id, "4", None)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].code == "err-desk-csat-not-yours"),
            "{e:?}"
        );
        let page = web
            .get(format!("{}/portal/tickets/{}", t.url, t2.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-testid=\"csat-form\""));
        mesure_services::desk::csat::portal_answer(&t.app, &asker, t2.id, "2", Some("Lent"))
            .await
            .unwrap();
        let page = web
            .get(format!("{}/portal/tickets/{}", t.url, t2.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("data-testid=\"csat-given\"")
                && !page.contains("data-testid=\"csat-form\"")
        );
        // CSAT = answers 4–5 / answers: 1 of 2; participation 2 of 2.
        let today = mesure_services::time::today_date(&t.app, &a.owner.ctx);
        let k = mesure_services::desk::kpis::dashboard(
            &t.app,
            &a.owner.ctx,
            today,
            today.tomorrow().unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(k.csat.pct().map(|p| p.to_string()).as_deref(), Some("50.0"));
        assert_eq!((k.csat_participation.num, k.csat_participation.den), (2, 2));
        assert_eq!(k.csat_by_agent.len(), 1, "both unassigned");
        let v = views::ticket(&t.app, &a.staff.ctx, t1.id).await.unwrap();
        assert_eq!(v.line.ticket.status, Status::Resolved);
    }
}

#[tokio::test]
async fn deadlines_warn_then_breach_once_each() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Alerte").await;
        let c = t.client_named(&a.owner.ctx, "Client Alerte").await;
        // Monday 9:00 in Paris, an urgent ticket: first response within one business hour.
        t.clock.set("2027-03-15T08:00:00Z".parse().unwrap());
        let tk = tickets::open(
            &t.app,
            &a.owner.ctx,
            &TicketForm {
                subject: "Site en panne".into(),
                body: "Plus rien ne répond.".into(),
                priority: Some("urgent".into()),
                client_id: Some(c.to_string()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap();
        let sweep = || mesure_services::desk::alerts::sweep_all(&t.app);
        // Due at 10:00, exactly the warning lead away: warned now or at the next pass.
        t.clock.advance_secs(10 * 60);
        let _ = sweep().await.unwrap();
        let kinds = |v: &mesure_services::desk::views::TicketView| {
            v.events
                .iter()
                .map(|e| e.event.kind.clone())
                .collect::<Vec<_>>()
        };
        let v = views::ticket(&t.app, &a.owner.ctx, tk.id).await.unwrap();
        assert_eq!(kinds(&v).iter().filter(|k| *k == "sla_warning").count(), 1);
        assert_eq!(sweep().await.unwrap(), 0, "once per deadline");
        // 10:05: the first response is late.
        t.clock.advance_secs(55 * 60);
        assert_eq!(sweep().await.unwrap(), 1);
        let v = views::ticket(&t.app, &a.owner.ctx, tk.id).await.unwrap();
        assert_eq!(kinds(&v).iter().filter(|k| *k == "sla_breach").count(), 1);
        assert!(v.line.ticket.breached);
        assert_eq!(sweep().await.unwrap(), 0);
        // The owner was told in the app.
        let (s, body) = crate::invoicing::get(&t, &a.owner.token, "/notifications").await;
        assert_eq!(s, 200, "{body}");
        assert!(body.to_string().contains("desk_sla_breach"), "{body}");
    }
}

#[tokio::test]
async fn time_on_a_ticket_is_an_entry_on_the_clients_project() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Temps").await;
        let c = t.client_named(&a.owner.ctx, "Client Temps").await;
        let other = t.client_named(&a.owner.ctx, "Client Autre").await;
        let support =
            crate::time::project(&t, &a.owner.ctx, c, "Support annuel", "time_materials").await;
        let elsewhere =
            crate::time::project(&t, &a.owner.ctx, other, "Autre projet", "time_materials").await;
        let tk = open(&t, &a, c, "Bug export", "L'export plante.").await;
        let today = mesure_services::time::today_date(&t.app, &a.staff.ctx).to_string();
        let input = |p: uuid::Uuid, d: &str| tickets::TimeInput {
            project_id: p.to_string(),
            date: today.clone(),
            duration: d.into(),
            note: Some("analyse".into()),
        };
        // Another client's project, a bad duration: refused, nothing written.
        let e = tickets::log_time(&t.app, &a.staff.ctx, tk.id, &input(elsewhere, "0:45"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "project_id"),
            "{e:?}"
        );
        let e = tickets::log_time(&t.app, &a.staff.ctx, tk.id, &input(support, "abc"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "duration"),
            "{e:?}"
        );
        tickets::log_time(&t.app, &a.staff.ctx, tk.id, &input(support, "0:45"))
            .await
            .unwrap();
        let v = views::ticket(&t.app, &a.staff.ctx, tk.id).await.unwrap();
        assert_eq!(v.logged, (45, 1));
        assert!(
            v.events
                .iter()
                .any(|e| e.event.kind == "time" && e.event.to_value.as_deref() == Some("45"))
        );
        // It is an ordinary entry of the project, its note naming the ticket.
        let (s, body) = crate::invoicing::get(
            &t,
            &a.staff.token,
            &format!("/time-entries?project_id={support}"),
        )
        .await;
        assert_eq!(s, 200, "{body}");
        assert!(
            body.to_string()
                .contains(&format!("#{} Bug export", tk.number)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_category_tree_refuses_cycles_and_archived_categories() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Arbre").await;
        let c = t.client_named(&a.owner.ctx, "Client Arbre").await;
        let save = |id: Option<uuid::Uuid>,
                    name: &'static str,
                    parent: Option<uuid::Uuid>,
                    archived: bool| {
            let (t, a) = (&t, &a);
            async move {
                mesure_services::desk::setup::save_category(
                    &t.app,
                    &a.owner.ctx,
                    id,
                    name,
                    parent,
                    archived,
                )
                .await
            }
        };
        let web = save(None, "Site web", None, false).await.unwrap();
        let forms = save(None, "Formulaires", Some(web), false).await.unwrap();
        let e = save(Some(web), "Site web", Some(forms), false)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].code == "err-desk-parent"),
            "{e:?}"
        );
        let e = save(None, "", None, false).await.unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "name"),
            "{e:?}"
        );
        // Staff do not set the desk up.
        let e = mesure_services::desk::setup::save_category(
            &t.app,
            &a.staff.ctx,
            None,
            "X",
            None,
            false,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, ServiceError::Forbidden), "{e:?}");
        // Renamed and archived: no new ticket goes in it.
        save(Some(forms), "Formulaires web", Some(web), true)
            .await
            .unwrap();
        let st = mesure_services::desk::setup::setup(&t.app, &a.owner.ctx)
            .await
            .unwrap();
        assert!(
            st.categories
                .iter()
                .any(|k| k.name == "Formulaires web" && k.archived_at.is_some())
        );
        let e = tickets::open(
            &t.app,
            &a.owner.ctx,
            &TicketForm {
                subject: "x".into(),
                body: "y".into(),
                client_id: Some(c.to_string()),
                category_id: Some(forms.to_string()),
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, ServiceError::Invalid(inv) if inv.0[0].field == "category_id"),
            "{e:?}"
        );
        // A category under an archived one keeps that parent in its setup form, so saving it
        // again does not move it to the top.
        let tips = save(None, "Astuces", Some(web), false).await.unwrap();
        save(Some(web), "Site web", None, true).await.unwrap();
        let browser = t.client();
        t.login(&browser, &a.owner.email, &a.owner.password).await;
        let page = browser
            .get(format!("{}/desk/setup", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let form = page
            .split(&format!("id=\"f-cat-parent-{tips}\""))
            .nth(1)
            .and_then(|s| s.split("</select>").next())
            .unwrap_or_default();
        assert!(
            form.contains(&format!("<option value=\"{web}\" selected>")),
            "{form}"
        );
    }
}
