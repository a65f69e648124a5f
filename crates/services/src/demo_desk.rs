//! Demo service desk: a category tree, canned replies, and about 160 tickets over the last
//! ninety days with their whole history (messages, assignments, waits, escalations, reopenings,
//! resolutions) at their real instants, so the ticket lists, a ticket's SLA explanation and the
//! service dashboard show figures and trends; a few abandoned calls.
use crate::desk::clocks;
use crate::{App, Ctx, Result};
use mesure_domain::desk::states::{Channel, Priority, Status, TicketType, Tier};
use mesure_store::desk::kpis::AbandonedRow;
use mesure_store::desk::{self as store, EventRow, NO_DUE, TicketRow};
use std::collections::HashMap;
use uuid::Uuid;

const MINUTE: i64 = 60_000_000;

/// A small deterministic generator (the demo is the same on every machine).
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
    fn pick<T: Copy>(&mut self, weighted: &[(T, u64)]) -> Option<T> {
        let total: u64 = weighted.iter().map(|w| w.1).sum();
        let mut r = self.next(total);
        for (v, w) in weighted {
            if r < *w {
                return Some(*v);
            }
            r -= w;
        }
        weighted.first().map(|w| w.0)
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next(100) < pct
    }
}

const SUBJECTS: [(TicketType, &str, &str); 10] = [
    (
        TicketType::Question,
        "Comment ajouter un utilisateur ?",
        "Bonjour, comment donner accès au site à une nouvelle collègue ?",
    ),
    (
        TicketType::Question,
        "Modifier les horaires affichés",
        "Nous changeons nos horaires d'ouverture, où les modifier ?",
    ),
    (
        TicketType::Incident,
        "Formulaire de contact en erreur",
        "Le formulaire de contact affiche une erreur depuis ce matin.",
    ),
    (
        TicketType::Incident,
        "Site lent le matin",
        "Le site met plus de dix secondes à s'afficher entre 8 h et 9 h.",
    ),
    (
        TicketType::Request,
        "Ajouter une page Recrutement",
        "Pouvez-vous ajouter une page pour nos offres d'emploi ?",
    ),
    (
        TicketType::Request,
        "Nouvelle photo en page d'accueil",
        "Voici la nouvelle photo de la boutique pour l'accueil.",
    ),
    (
        TicketType::Complaint,
        "Délai de réponse trop long",
        "Nous attendons une réponse depuis trois jours, ce n'est pas acceptable.",
    ),
    (
        TicketType::BillingError,
        "Heures facturées en double",
        "La facture du mois compte deux fois la réunion du 12.",
    ),
    (
        TicketType::Question,
        "Exporter la liste des commandes",
        "Est-il possible d'exporter les commandes du mois en CSV ?",
    ),
    (
        TicketType::Incident,
        "Paiement refusé sur la boutique",
        "Plusieurs clients signalent un paiement refusé par carte.",
    ),
];

/// One generated event: when, kind, by the customer or not, body, from, to.
type Ev = (
    i64,
    &'static str,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Seeds the desk of the demo workspace: `clients` (name, id), `staff` the agents' ids.
pub async fn seed(app: &App, ctx: &Ctx, clients: &[(String, Uuid)], staff: &[Uuid]) -> Result<()> {
    let billing =
        crate::desk::setup::save_category(app, ctx, None, "Facturation", None, false).await?;
    let site = crate::desk::setup::save_category(app, ctx, None, "Site web", None, false).await?;
    let account =
        crate::desk::setup::save_category(app, ctx, None, "Compte et accès", None, false).await?;
    let forms =
        crate::desk::setup::save_category(app, ctx, None, "Formulaires", Some(site), false).await?;
    let credit =
        crate::desk::setup::save_category(app, ctx, None, "Avoirs", Some(billing), false).await?;
    crate::desk::setup::save_canned(app, ctx, None, "Accusé de réception", "Bonjour,\n\nMerci pour votre message concernant le ticket {{number}}. {{agent}} s'en occupe et revient vers vous rapidement.\n\nBien cordialement,\n{{agent}}", false).await?;
    crate::desk::setup::save_canned(app, ctx, None, "Résolu — merci de vérifier", "Bonjour {{contact}},\n\nLe correctif est en ligne. Pouvez-vous vérifier de votre côté ? Sans nouvelles de votre part, nous clôturerons la demande.\n\n{{agent}}", false).await?;
    let category_of = |k: TicketType, r: &mut Rng| match k {
        TicketType::BillingError => Some(if r.chance(50) { credit } else { billing }),
        TicketType::Incident => Some(if r.chance(50) { forms } else { site }),
        TicketType::Question => Some(if r.chance(50) { account } else { site }),
        TicketType::Request => Some(site),
        TicketType::Complaint => None,
    };
    let now = app.now();
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = crate::time::today_date(app, ctx);
    let mut contacts: HashMap<Uuid, (Uuid, String)> = HashMap::new();
    {
        let mut conn = app.db.read().await?;
        for (_, client) in clients {
            let q = mesure_store::clients::contacts::ListQuery {
                client: Some(mesure_domain::ClientId::from_uuid(*client)),
                limit: 5,
                ..Default::default()
            };
            let (rows, _) =
                mesure_store::clients::contacts::list(&mut conn.conn(), ctx.workspace, &q).await?;
            if let Some(k) = rows.into_iter().find(|k| k.email.is_some()) {
                let text = format!(
                    "{} {} <{}>",
                    k.first_name,
                    k.last_name,
                    k.email.clone().unwrap_or_default()
                );
                contacts.insert(*client, (k.id, text));
            }
        }
    }
    let mut rng = Rng(0x4d65_7375_7265);
    // (created, client, kind, priority, channel, subject, body, category, events)
    let mut planned = Vec::new();
    for _ in 0..160 {
        let days_ago = i64::try_from(rng.next(90)).unwrap_or(0);
        let mut day = today
            .checked_sub(jiff::Span::new().days(days_ago))
            .unwrap_or(today);
        while day.weekday().to_monday_one_offset() > 5 {
            day = day.yesterday().unwrap_or(day);
        }
        let minute = 9 * 60 + i64::try_from(rng.next(8 * 60)).unwrap_or(0);
        let Ok(at) = day.at(0, 0, 0, 0).to_zoned(tz.clone()) else {
            continue;
        };
        let created = at.timestamp().as_microsecond() + minute * MINUTE;
        if created >= now - 30 * MINUTE {
            continue;
        }
        let Some(client) = clients
            .get(usize::try_from(rng.next(u64::try_from(clients.len()).unwrap_or(1))).unwrap_or(0))
            .map(|c| c.1)
        else {
            continue;
        };
        let Some(&(kind, subject, body)) = SUBJECTS.get(usize::try_from(rng.next(10)).unwrap_or(0))
        else {
            continue;
        };
        let priority = rng
            .pick(&[
                (Priority::Low, 12),
                (Priority::Normal, 60),
                (Priority::High, 20),
                (Priority::Urgent, 8),
            ])
            .unwrap_or(Priority::Normal);
        let channel = rng
            .pick(&[
                (Channel::Portal, 40),
                (Channel::Email, 30),
                (Channel::Phone, 20),
                (Channel::Chat, 10),
            ])
            .unwrap_or(Channel::Portal);
        let mut ev: Vec<Ev> = vec![(
            created,
            "customer",
            true,
            Some(body.to_string()),
            None,
            None,
        )];
        let mut t = created;
        let mut agent = staff
            .get(usize::try_from(rng.next(u64::try_from(staff.len()).unwrap_or(1))).unwrap_or(0))
            .copied();
        t += (5 + i64::try_from(rng.next(55)).unwrap_or(0)) * MINUTE;
        ev.push((t, "assign", false, None, None, agent.map(|a| a.to_string())));
        let status = |from: Status, to: Status| {
            (
                Some(from.as_str().to_string()),
                Some(to.as_str().to_string()),
            )
        };
        // Urgent tickets are answered first: the reply delay follows the priority.
        let delay = match priority {
            Priority::Urgent => 5 + rng.next(50),
            Priority::High => 10 + rng.next(110),
            Priority::Normal => 15 + rng.next(240),
            Priority::Low => 30 + rng.next(480),
        };
        t += i64::try_from(delay).unwrap_or(60) * MINUTE;
        // Nearly half are settled by the first answer (first contact resolutions).
        let settled_at_once = rng.chance(45) && days_ago >= 1;
        if t < now && settled_at_once {
            ev.push((
                t,
                "reply",
                false,
                Some("Bonjour, c'est fait : vous pouvez vérifier dès maintenant.".into()),
                None,
                None,
            ));
            let (f, to) = status(Status::New, Status::Resolved);
            ev.push((t, "status", false, None, f, to));
            if t + 7 * 24 * 60 * MINUTE < now {
                let (f, to) = status(Status::Resolved, Status::Closed);
                ev.push((t + 7 * 24 * 60 * MINUTE, "status", false, None, f, to));
            }
            let category = category_of(kind, &mut rng);
            planned.push((
                created, client, kind, priority, channel, subject, category, ev,
            ));
            continue;
        }
        if t < now {
            ev.push((
                t,
                "reply",
                false,
                Some("Bonjour, nous regardons cela et revenons vers vous.".into()),
                None,
                None,
            ));
            let (f, to) = status(Status::New, Status::Open);
            ev.push((t, "status", false, None, f, to));
        }
        if rng.chance(15) && t < now {
            t += 30 * MINUTE;
            let (f, to) = status(Status::Open, Status::WaitingCustomer);
            ev.push((t, "status", false, None, f, to));
            t += (60 + i64::try_from(rng.next(24 * 60)).unwrap_or(0)) * MINUTE;
            if t < now {
                ev.push((
                    t,
                    "customer",
                    true,
                    Some("Voici les précisions demandées.".into()),
                    None,
                    None,
                ));
                let (f, to) = status(Status::WaitingCustomer, Status::Open);
                ev.push((t, "status", true, None, f, to));
            }
        }
        if rng.chance(12) && t < now {
            t += 20 * MINUTE;
            ev.push((
                t,
                "tier",
                false,
                None,
                Some("first".into()),
                Some("second".into()),
            ));
        } else if rng.chance(8) && t < now {
            t += 20 * MINUTE;
            let other = staff.iter().copied().find(|s| Some(*s) != agent);
            ev.push((
                t,
                "assign",
                false,
                None,
                agent.map(|a| a.to_string()),
                other.map(|a| a.to_string()),
            ));
            agent = other;
        }
        // Most older tickets are resolved; some stay open (the backlog).
        if (days_ago >= 2 && !rng.chance(10)) || rng.chance(30) {
            t += (30 + i64::try_from(rng.next(48 * 60)).unwrap_or(0)) * MINUTE;
            if t < now {
                ev.push((
                    t,
                    "reply",
                    false,
                    Some("C'est corrigé, merci de votre patience.".into()),
                    None,
                    None,
                ));
                let (f, to) = status(Status::Open, Status::Resolved);
                ev.push((t, "status", false, None, f, to));
                if rng.chance(10) {
                    t += (60 + i64::try_from(rng.next(24 * 60)).unwrap_or(0)) * MINUTE;
                    if t < now {
                        ev.push((
                            t,
                            "customer",
                            true,
                            Some("Le problème est revenu.".into()),
                            None,
                            None,
                        ));
                        let (f, to) = status(Status::Resolved, Status::Open);
                        ev.push((t, "status", true, None, f, to));
                        t += (30 + i64::try_from(rng.next(8 * 60)).unwrap_or(0)) * MINUTE;
                        if t < now {
                            ev.push((
                                t,
                                "reply",
                                false,
                                Some("Corrigé pour de bon cette fois.".into()),
                                None,
                                None,
                            ));
                            let (f, to) = status(Status::Open, Status::Resolved);
                            ev.push((t, "status", false, None, f, to));
                        }
                    }
                }
                if t + 7 * 24 * 60 * MINUTE < now {
                    let (f, to) = status(Status::Resolved, Status::Closed);
                    ev.push((t + 7 * 24 * 60 * MINUTE, "status", false, None, f, to));
                }
            }
        }
        let category = category_of(kind, &mut rng);
        planned.push((
            created, client, kind, priority, channel, subject, category, ev,
        ));
    }
    planned.sort_by_key(|p| p.0);
    let mut tx = app.db.begin().await?;
    let c = &mut tx.conn();
    crate::desk::tickets::ensure_settings(c, ctx, now).await?;
    let mut rules = HashMap::new();
    for (created, client, kind, priority, channel, subject, category, ev) in planned {
        let number = store::next_number(c, ctx.workspace).await?;
        let (contact, requester) = contacts
            .get(&client)
            .cloned()
            .map_or((None, String::from("Client")), |(k, r)| (Some(k), r));
        let mut row = TicketRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            number,
            client_id: client,
            contact_id: contact,
            requester,
            subject: subject.to_string(),
            kind,
            category_id: category,
            feature: None,
            invoice_id: None,
            priority,
            status: Status::New,
            tier: Tier::First,
            channel,
            assignee_id: None,
            merged_into: None,
            follows: None,
            created_at: created,
            first_response_at: None,
            resolved_at: None,
            first_response_minutes: None,
            resolution_minutes: None,
            public_replies: 0,
            reopens: 0,
            transfers: 0,
            escalated: false,
            first_response_due: None,
            resolution_due: None,
            due_at: NO_DUE,
            breached: false,
            updated_at: created,
            version: 1,
        };
        let mut events = Vec::new();
        for (at, kind, customer, body, from, to) in ev {
            match kind {
                "reply" => {
                    row.public_replies += 1;
                    row.first_response_at.get_or_insert(at);
                }
                "status" => {
                    let to_s = to
                        .as_deref()
                        .and_then(Status::parse)
                        .unwrap_or(Status::Open);
                    if to_s == Status::Resolved {
                        row.resolved_at = Some(at);
                    }
                    if row.status.is_done() && !to_s.is_done() {
                        row.reopens += 1;
                        row.resolved_at = None;
                    }
                    row.status = to_s;
                }
                "assign" => {
                    if from.is_some() && to.is_some() {
                        row.transfers += 1;
                    }
                    row.assignee_id = to.as_deref().and_then(|s| Uuid::parse_str(s).ok());
                }
                "tier" => {
                    row.tier = Tier::Second;
                    row.escalated = true;
                    row.transfers += 1;
                }
                _ => {}
            }
            row.updated_at = at;
            events.push(EventRow {
                workspace_id: ctx.workspace.uuid(),
                id: Uuid::now_v7(),
                ticket_id: row.id,
                at,
                kind: kind.into(),
                actor_id: if customer {
                    None
                } else {
                    row.assignee_id.or(Some(ctx.user.uuid()))
                },
                customer,
                body,
                from_value: from,
                to_value: to,
                reason: (kind == "tier").then(|| "Analyse technique nécessaire".to_string()),
                message_id: None,
            });
        }
        let r = match rules.get(&client) {
            Some(r) => r,
            None => {
                let r = clocks::rules(c, ctx.workspace, &ctx.time_zone, client).await?;
                rules.entry(client).or_insert(r)
            }
        };
        clocks::refresh(r, &mut row, &clocks::changes(&events), now);
        // Deadlines already passed were alerted when they passed: the worker's first pass
        // after seeding finds nothing to say about them.
        if row.due_at < now {
            row.breached = true;
            events.push(EventRow {
                workspace_id: ctx.workspace.uuid(),
                id: Uuid::now_v7(),
                ticket_id: row.id,
                at: row.due_at,
                kind: "sla_breach".into(),
                actor_id: None,
                customer: false,
                body: None,
                from_value: None,
                to_value: Some(row.due_at.to_string()),
                reason: None,
                message_id: None,
            });
        }
        store::insert(c, &row).await?;
        // The satisfaction question went out on the first resolution; some answered.
        let first_resolution = events
            .iter()
            .find(|e| e.kind == "status" && e.to_value.as_deref() == Some("resolved"))
            .map(|e| e.at);
        if let (Some(at), Some(_)) = (first_resolution, row.contact_id) {
            let token = crate::secrets::random_token(24)?;
            store::csat::insert(
                c,
                ctx.workspace,
                row.id,
                row.contact_id,
                &crate::secrets::sha256_hex(&token),
                at,
            )
            .await?;
            if rng.chance(55) && at + 120 * MINUTE < now {
                let score = [5, 5, 4, 4, 4, 3, 5, 2, 4, 1]
                    .get(usize::try_from(rng.next(10)).unwrap_or(0))
                    .copied()
                    .unwrap_or(4);
                let comment = (score <= 2).then_some("La réponse a tardé.");
                store::csat::answer(c, ctx.workspace, row.id, score, comment, at + 120 * MINUTE)
                    .await?;
            }
        }
        store::index_text(c, ctx.workspace, row.id, &row.subject).await?;
        for e in &events {
            store::insert_event(c, e).await?;
            if let Some(b) = &e.body {
                store::index_text(c, ctx.workspace, row.id, b).await?;
            }
        }
    }
    for i in 0..12i64 {
        let at = now - (i * 7 + 1) * 24 * 60 * MINUTE + i * 37 * MINUTE;
        let row = AbandonedRow {
            id: Uuid::now_v7(),
            channel: if i % 3 == 0 { "chat" } else { "phone" }.into(),
            client_id: clients
                .get(usize::try_from(i).unwrap_or(0) % clients.len().max(1))
                .map(|c| c.1),
            at,
            waited_seconds: Some(40 + i * 13),
            note: None,
            created_by: Some(ctx.user.uuid()),
        };
        mesure_store::desk::kpis::insert_abandoned(c, ctx.workspace, &row).await?;
    }
    tx.commit().await?;
    crate::desk::setup::save_mail(app, ctx, "support@atelier-lumiere.fr", "pending").await?;
    crate::desk::setup::save_form(app, ctx, true).await?;
    // The bakery's contract has longer hours (opens at 7, Saturday mornings); billing errors
    // are a view shared with the desk.
    if let Some((_, bakery)) = clients.iter().find(|(n, _)| n.contains("Dupain")) {
        let long = Some("07:00-12:30, 13:30-19:00".to_string());
        let hours = mesure_domain::calendar::form::CalendarForm {
            time_zone: ctx.time_zone.clone(),
            week_mon: long.clone(),
            week_tue: long.clone(),
            week_wed: long.clone(),
            week_thu: long.clone(),
            week_fri: long,
            week_sat: Some("08:00-12:00".into()),
            week_sun: None,
            french_holidays: Some("on".into()),
            days_off: None,
        };
        crate::desk::setup::save_client_calendar(app, ctx, *bakery, Some(&hours)).await?;
    }
    crate::desk::saved::save(
        app,
        ctx,
        "Erreurs de facturation",
        &crate::desk::views::ListQuery {
            kind: Some("billing_error".into()),
            ..Default::default()
        },
        true,
    )
    .await?;
    seed_inbound(app, ctx).await
}

/// The inbound log of the demo: an enquiry from an unknown address waiting for staff, an
/// out-of-office answer and a delivery failure the desk ignored (none makes a ticket).
async fn seed_inbound(app: &App, ctx: &Ctx) -> Result<()> {
    use crate::desk::inbound::{Source, keep, process};
    let messages = [
        "From: Claire Fontaine <claire@fleuriste-fontaine.example.org>\r\nTo: support@atelier-lumiere.fr\r\nSubject: Refonte de notre boutique en ligne\r\nMessage-ID: <demo-enquiry@fleuriste-fontaine.example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nnous aimerions refaire notre boutique en ligne avant le printemps. Pouvez-vous nous rappeler ?\r\nClaire Fontaine\r\n",
        "From: anne.dupont@boulangerie-dupain.fr\r\nTo: support@atelier-lumiere.fr\r\nSubject: Absence du bureau\r\nMessage-ID: <demo-ooo@boulangerie-dupain.fr>\r\nAuto-Submitted: auto-replied\r\n\r\nJe suis absente jusqu'au lundi.\r\n",
        "From: MAILER-DAEMON@mx.example.net\r\nTo: support@atelier-lumiere.fr\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <demo-bounce@mx.example.net>\r\n\r\nThis is the mail system: the message could not be delivered.\r\n",
    ];
    for raw in messages {
        let (id, _, new) = keep(app, ctx.workspace, raw.as_bytes(), Source::Imap).await?;
        if new {
            process(app, ctx.workspace, id).await?;
        }
    }
    Ok(())
}
