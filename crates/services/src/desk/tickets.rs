//! Writing tickets: opening one (a contact in the portal or by API, staff for a phone or chat
//! contact), replies and notes, a customer's reply (it reopens a resolved ticket; on a closed
//! one it opens a new linked ticket), moves (status, priority, type, category, assignee, tier)
//! and merges. Each write is one transaction that records its events, updates the ticket's
//! counters and SLA deadlines, and indexes its words.
use super::clocks::{self, DEFAULT_WARN_MINUTES};
use super::readable;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::desk::forms::{AssignTo, Move, MoveForm, TicketForm, message};
use mesure_domain::desk::sla::Policy;
use mesure_domain::desk::states::{Channel, Status, TicketType, Tier};
use mesure_domain::invoicing::states::DocStatus;
use mesure_domain::{ClientId, ContactId, DeskAction, Invalid, PortalAction, UserId};
use mesure_store::Conn;
use mesure_store::desk::{self as store, EventRow, NO_DUE, TicketRow, setup};
use uuid::Uuid;

/// Makes the workspace's desk settings row if it has none.
pub(crate) async fn ensure_settings(c: &mut Conn<'_>, ctx: &Ctx, now: i64) -> Result<()> {
    let policy = serde_json::to_string(&Policy::standard())
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    setup::ensure(
        c,
        ctx.workspace,
        "pending",
        &policy,
        DEFAULT_WARN_MINUTES,
        now,
    )
    .await?;
    Ok(())
}

/// An event of `t` at `now` by the context's user (none for the system's context: an e-mail
/// received, the worker).
pub(super) fn event(ctx: &Ctx, t: &TicketRow, kind: &str, now: i64) -> EventRow {
    EventRow {
        workspace_id: t.workspace_id,
        id: Uuid::now_v7(),
        ticket_id: t.id,
        at: now,
        kind: kind.into(),
        actor_id: (!ctx.user.uuid().is_nil()).then(|| ctx.user.uuid()),
        customer: ctx.client.is_some(),
        body: None,
        from_value: None,
        to_value: None,
        reason: None,
        message_id: None,
    }
}

/// The invoice a billing error concerns: issued, of the ticket's client.
async fn check_invoice(c: &mut Conn<'_>, ctx: &Ctx, client: Uuid, id: Uuid) -> Result<()> {
    let inv = mesure_store::invoicing::invoice(c, ctx.workspace, id).await;
    match inv {
        Ok(r) if r.client_id == client && r.status == DocStatus::Issued => Ok(()),
        Ok(_) | Err(mesure_store::StoreError::NotFound) => {
            Err(Invalid::one("invoice_id", "err-desk-invoice").into())
        }
        Err(e) => Err(e.into()),
    }
}

/// A category of the workspace's tree, not archived.
async fn check_category(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<()> {
    let all = setup::categories(c, ctx.workspace).await?;
    if all.iter().any(|k| k.id == id && k.archived_at.is_none()) {
        Ok(())
    } else {
        Err(Invalid::one("category_id", "err-invalid").into())
    }
}

/// Who opens the ticket and for which client: a contact for their own organisation; staff for
/// the client (and contact) they name.
async fn requester(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    form_client: Option<Uuid>,
    form_contact: Option<Uuid>,
) -> Result<(Uuid, Option<Uuid>, String)> {
    let contact_text = |k: &mesure_store::clients::contacts::ContactRow| {
        let name = format!("{} {}", k.first_name, k.last_name);
        match &k.email {
            Some(e) => format!("{} <{e}>", name.trim()),
            None => name.trim().to_string(),
        }
    };
    if let Some(cl) = ctx.client {
        ctx.require(DeskAction::Request)?;
        let user = mesure_store::people::users::get(c, ctx.workspace, ctx.user).await?;
        let contact = match user.contact_id {
            Some(k) => Some(
                mesure_store::clients::contacts::get(c, ctx.workspace, ContactId::from_uuid(k))
                    .await?,
            ),
            None => None,
        };
        let text = contact
            .as_ref()
            .map_or_else(|| ctx.label.clone(), contact_text);
        return Ok((cl.uuid(), contact.map(|k| k.id), text));
    }
    ctx.require(DeskAction::Work)?;
    let client = form_client.ok_or_else(|| Invalid::one("client_id", "err-required"))?;
    let row = match mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await
    {
        Ok(r) => r,
        Err(mesure_store::StoreError::NotFound) => {
            return Err(Invalid::one("client_id", "err-invalid").into());
        }
        Err(e) => return Err(e.into()),
    };
    match form_contact {
        Some(k) => {
            let contact =
                mesure_store::clients::contacts::get(c, ctx.workspace, ContactId::from_uuid(k))
                    .await;
            match contact {
                Ok(k) if k.client_id == client && k.archived_at.is_none() => {
                    let text = contact_text(&k);
                    Ok((client, Some(k.id), text))
                }
                Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                    Err(Invalid::one("contact_id", "err-desk-contact").into())
                }
                Err(e) => Err(e.into()),
            }
        }
        None => Ok((client, None, row.name)),
    }
}

/// Opens a ticket: a contact for their organisation (in the portal, or by API when `api`),
/// staff for a client (a phone or chat contact logged, or by API).
pub async fn open(app: &App, ctx: &Ctx, form: &TicketForm, api: bool) -> Result<TicketRow> {
    open_following(app, ctx, form, api, None).await
}

/// [`open`], the new ticket following the closed ticket numbered `follows` (in the same write).
async fn open_following(
    app: &App,
    ctx: &Ctx,
    form: &TicketForm,
    api: bool,
    follows: Option<i64>,
) -> Result<TicketRow> {
    if ctx.client.is_some() {
        ctx.require(DeskAction::Request)?;
    } else {
        ctx.require(DeskAction::Work)?;
    }
    let n = form.parse()?;
    if ctx.client.is_some()
        && n.kind == TicketType::BillingError
        && !ctx.may(PortalAction::Invoices)
    {
        return Err(Invalid::one("kind", "err-choice").into());
    }
    let channel = match (ctx.client.is_some(), api) {
        (true, true) => Channel::Api,
        (true, false) => Channel::Portal,
        (false, _) => n
            .channel
            .unwrap_or(if api { Channel::Api } else { Channel::Phone }),
    };
    let now = app.now();
    let t = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let (client, contact, who) = requester(c, ctx, n.client, n.contact).await?;
        if let Some(inv) = n.invoice {
            check_invoice(c, ctx, client, inv).await?;
        }
        if let Some(k) = n.category {
            check_category(c, ctx, k).await?;
        }
        let opening = Opening { client, contact, requester: who, channel, follows, message_id: None };
        create_in(c, ctx, &n, &opening, now).await?.0
    })?;
    Ok(t)
}

/// Who a new ticket is for and how it came.
pub(super) struct Opening {
    pub client: Uuid,
    pub contact: Option<Uuid>,
    /// The requester as shown (`Name <address>`, or the client's name).
    pub requester: String,
    pub channel: Channel,
    /// The number of the closed ticket it follows.
    pub follows: Option<i64>,
    /// The Message-ID of the e-mail it came from.
    pub message_id: Option<String>,
}

/// Writes a new ticket with its first message (the customer's), its clocks and its words, in
/// the caller's transaction; answers it and the message's event id.
pub(super) async fn create_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    n: &mesure_domain::desk::forms::NewTicket,
    o: &Opening,
    now: i64,
) -> Result<(TicketRow, Uuid)> {
    ensure_settings(c, ctx, now).await?;
    let number = store::next_number(c, ctx.workspace).await?;
    let mut t = TicketRow {
        workspace_id: ctx.workspace.uuid(),
        id: Uuid::now_v7(),
        number,
        client_id: o.client,
        contact_id: o.contact,
        requester: o.requester.clone(),
        subject: n.subject.clone(),
        kind: n.kind,
        category_id: n.category,
        feature: n.feature.clone(),
        invoice_id: n.invoice,
        priority: n.priority,
        status: Status::New,
        tier: Tier::First,
        channel: o.channel,
        assignee_id: None,
        merged_into: None,
        follows: o.follows,
        created_at: now,
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
        updated_at: now,
        version: 1,
    };
    let rules = clocks::rules(c, ctx.workspace, &ctx.time_zone, o.client).await?;
    clocks::refresh(&rules, &mut t, &[], now);
    store::insert(c, &t).await?;
    let mut e = event(ctx, &t, "customer", now);
    e.customer = true;
    e.body = Some(n.body.clone());
    e.message_id = o.message_id.clone();
    store::insert_event(c, &e).await?;
    store::index_text(c, ctx.workspace, t.id, &t.subject).await?;
    store::index_text(c, ctx.workspace, t.id, &n.body).await?;
    record(c, ctx.workspace, &ctx.actor(), now, "desk_ticket", t.id, "create", None::<&()>,
        Some(&serde_json::json!({"name": format!("#{} {}", t.number, t.subject), "kind": t.kind.as_str(), "priority": t.priority.as_str(), "channel": t.channel.as_str()}))).await?;
    Ok((t, e.id))
}

/// Records a status move on `t` (its counters follow: a resolution stamps `resolved_at`, a
/// reopening counts and clears it).
fn set_status(
    ctx: &Ctx,
    t: &mut TicketRow,
    to: Status,
    reason: Option<String>,
    now: i64,
) -> EventRow {
    let mut e = event(ctx, t, "status", now);
    e.from_value = Some(t.status.as_str().into());
    e.to_value = Some(to.as_str().into());
    e.reason = reason;
    if to == Status::Resolved {
        t.resolved_at = Some(now);
    }
    if t.status.is_done() && !to.is_done() {
        t.reopens += 1;
        t.resolved_at = None;
    }
    t.status = to;
    e
}

/// Saves `t` and its new events, then its deadlines from the whole history; a resolution sends
/// the satisfaction question (once per ticket).
async fn save(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    t: &mut TicketRow,
    new: &[EventRow],
) -> Result<()> {
    let now = app.now();
    for e in new {
        store::insert_event(c, e).await?;
    }
    let events = store::events(c, ctx.workspace, t.id).await?;
    let rules = clocks::rules(c, ctx.workspace, &ctx.time_zone, t.client_id).await?;
    clocks::refresh(&rules, t, &clocks::changes(&events), now);
    t.updated_at = now;
    store::update(c, t).await?;
    t.version += 1;
    let resolved = new
        .iter()
        .any(|e| e.kind == "status" && e.to_value.as_deref() == Some(Status::Resolved.as_str()));
    if resolved {
        super::csat::offer(c, app, ctx, t).await?;
    }
    Ok(())
}

/// What an agent writes on a ticket.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ReplyInput {
    pub body: String,
    /// A public reply (e-mailed, in the portal) rather than an internal note.
    #[serde(default)]
    pub public: bool,
    /// The status to leave the ticket in (e.g. waiting on the customer); blank: as it is (a
    /// new ticket becomes open on its first public reply).
    pub status: Option<String>,
}

/// An agent replies publicly or writes an internal note.
pub async fn reply(app: &App, ctx: &Ctx, id: Uuid, i: &ReplyInput) -> Result<TicketRow> {
    ctx.require(DeskAction::Work)?;
    let body = message(&i.body)?;
    let then = match mesure_domain::forms::given(i.status.as_deref()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| Invalid::one("status", "err-choice"))?),
    };
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let mut t = readable(c, ctx, id).await?;
        if t.status == Status::Closed {
            return Err(ServiceError::Conflict("err-desk-closed"));
        }
        let mut new = Vec::new();
        let mut e = event(ctx, &t, if i.public { "reply" } else { "note" }, now);
        e.body = Some(body.clone());
        let message_id = super::views::reply_message_id(app, t.id, e.id);
        if i.public {
            e.message_id = Some(message_id.clone());
        }
        new.push(e);
        if i.public {
            t.public_replies += 1;
            t.first_response_at.get_or_insert(now);
            if t.status == Status::New && then.is_none() {
                new.push(set_status(ctx, &mut t, Status::Open, None, now));
            }
        }
        if let Some(to) = then && to != t.status {
            if !t.status.may_become(to) {
                return Err(Invalid::one("status", "err-desk-move").into());
            }
            new.push(set_status(ctx, &mut t, to, None, now));
        }
        store::index_text(c, ctx.workspace, t.id, &body).await?;
        save(c, app, ctx, &mut t, &new).await?;
        if i.public {
            super::views::mail_reply(c, app, ctx, &t, &body, &message_id).await?;
        }
        t
    })
}

/// A contact replies on their ticket: a ticket waiting on them or resolved opens again; on a
/// closed ticket the reply opens a new ticket that follows it. Answers the ticket written to.
pub async fn customer_reply(app: &App, ctx: &Ctx, id: Uuid, body: &str) -> Result<TicketRow> {
    ctx.require(DeskAction::Request)?;
    let body = message(body)?;
    let now = app.now();
    let follow = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let t = readable(c, ctx, id).await?;
        customer_reply_in(c, app, ctx, t, &body, None, now).await?.map(|(t, _)| t)
    })?;
    match follow {
        Ok(t) => Ok(t),
        Err(closed) => {
            let form = TicketForm {
                subject: closed.subject.clone(),
                body: body.clone(),
                kind: Some(closed.kind.as_str().into()),
                priority: Some(closed.priority.as_str().into()),
                category_id: closed.category_id.map(|c| c.to_string()),
                feature: closed.feature.clone(),
                invoice_id: closed.invoice_id.map(|c| c.to_string()),
                ..TicketForm::default()
            };
            open_following(app, ctx, &form, false, Some(closed.number)).await
        }
    }
}

/// A customer's message written on `t` in the caller's transaction: the ticket reopens when
/// resolved or waiting on them. Answers the ticket and the message's event id, or, for a closed
/// ticket, `Err(t)` untouched (the caller opens a ticket that follows it).
pub(super) async fn customer_reply_in(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    mut t: TicketRow,
    body: &str,
    message_id: Option<String>,
    now: i64,
) -> Result<std::result::Result<(TicketRow, Uuid), TicketRow>> {
    let Some(next) = t.status.on_customer_reply() else {
        return Ok(Err(t));
    };
    let mut new = Vec::new();
    let mut e = event(ctx, &t, "customer", now);
    e.customer = true;
    e.body = Some(body.to_string());
    e.message_id = message_id;
    let event_id = e.id;
    new.push(e);
    if next != t.status {
        let mut s = set_status(ctx, &mut t, next, None, now);
        s.customer = true;
        new.push(s);
    }
    store::index_text(c, ctx.workspace, t.id, body).await?;
    save(c, app, ctx, &mut t, &new).await?;
    Ok(Ok((t, event_id)))
}

/// An agent moves a ticket: status (only the allowed moves), priority, type, category,
/// assignee (a transfer when it passes from one agent to another) and tier (an escalation to
/// second line is also a transfer, to another team); each change is an event with its reason.
pub async fn apply(app: &App, ctx: &Ctx, id: Uuid, form: &MoveForm) -> Result<TicketRow> {
    ctx.require(DeskAction::Work)?;
    let m: Move = form.parse()?;
    let now = app.now();
    let t = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let mut t = readable(c, ctx, id).await?;
        let before = t.clone();
        if t.status == Status::Closed {
            return Err(ServiceError::Conflict("err-desk-closed"));
        }
        let mut new = Vec::new();
        let change = |t: &TicketRow, kind: &str, from: Option<String>, to: Option<String>| {
            let mut e = event(ctx, t, kind, now);
            e.from_value = from;
            e.to_value = to;
            e.reason = m.reason.clone();
            e
        };
        let mut assigned_to = None;
        if let Some(a) = m.assignee {
            let to = match a {
                AssignTo::Nobody => None,
                AssignTo::User(u) => {
                    let user = mesure_store::people::users::get_staff(c, ctx.workspace, UserId::from_uuid(u)).await;
                    match user {
                        Ok(r) if r.active => {
                            let id = r.id;
                            assigned_to = Some(r);
                            Some(id)
                        }
                        Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                            return Err(Invalid::one("assignee_id", "err-desk-assignee").into());
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            };
            if to != t.assignee_id {
                if t.assignee_id.is_some() && to.is_some() {
                    t.transfers += 1;
                }
                new.push(change(&t, "assign", t.assignee_id.map(|u| u.to_string()), to.map(|u| u.to_string())));
                t.assignee_id = to;
            }
        }
        if let Some(tier) = m.tier && tier != t.tier {
            new.push(change(&t, "tier", Some(t.tier.as_str().into()), Some(tier.as_str().into())));
            if tier == Tier::Second {
                t.escalated = true;
                t.transfers += 1;
            }
            t.tier = tier;
        }
        if let Some(p) = m.priority && p != t.priority {
            new.push(change(&t, "priority", Some(t.priority.as_str().into()), Some(p.as_str().into())));
            t.priority = p;
        }
        if let Some(k) = m.kind && k != t.kind {
            if t.invoice_id.is_some() && k != TicketType::BillingError {
                return Err(Invalid::one("kind", "err-desk-invoice-billing-only").into());
            }
            new.push(change(&t, "kind", Some(t.kind.as_str().into()), Some(k.as_str().into())));
            t.kind = k;
        }
        if let Some(cat) = m.category && cat != t.category_id {
            if let Some(k) = cat {
                check_category(c, ctx, k).await?;
            }
            new.push(change(&t, "category", t.category_id.map(|u| u.to_string()), cat.map(|u| u.to_string())));
            t.category_id = cat;
        }
        if let Some(to) = m.status && to != t.status {
            if !t.status.may_become(to) {
                return Err(Invalid::one("status", "err-desk-move").into());
            }
            new.push(set_status(ctx, &mut t, to, m.reason.clone(), now));
        }
        if new.is_empty() {
            return Ok(t);
        }
        save(c, app, ctx, &mut t, &new).await?;
        // The agent a ticket passes to is told (in the app and by e-mail), unless they took it.
        if let Some(u) = assigned_to.filter(|u| u.id != ctx.user.uuid() && new.iter().any(|e| e.kind == "assign")) {
            let label = format!("#{} {}", t.number, t.subject);
            crate::radar::notify_user(c, app, ctx.workspace, &u, "desk_assigned", ("desk_ticket", t.id, &label), 0, &format!("/desk/tickets/{}", t.id)).await?;
        }
        let changed: Vec<&str> = new.iter().map(|e| e.kind.as_str()).collect();
        record(c, ctx.workspace, &ctx.actor(), now, "desk_ticket", t.id, "update",
            Some(&audit_view(&before)), Some(&serde_json::json!({"name": format!("#{} {}", t.number, t.subject), "status": t.status.as_str(), "priority": t.priority.as_str(), "tier": t.tier.as_str(), "assignee_id": t.assignee_id, "changed": changed}))).await?;
        t
    })?;
    Ok(t)
}

fn audit_view(t: &TicketRow) -> serde_json::Value {
    serde_json::json!({"name": format!("#{} {}", t.number, t.subject), "status": t.status.as_str(), "priority": t.priority.as_str(), "tier": t.tier.as_str(), "assignee_id": t.assignee_id})
}

/// Merges a duplicate into the ticket numbered `into` of the same client: the duplicate is
/// closed and points to it, its words are found under it, and both record the merge.
pub async fn merge(
    app: &App,
    ctx: &Ctx,
    id: Uuid,
    into: i64,
    reason: Option<&str>,
) -> Result<TicketRow> {
    ctx.require(DeskAction::Work)?;
    let mut chk = mesure_domain::validate::Checker::new();
    let reason = mesure_domain::desk::forms::reason(&mut chk, reason);
    chk.finish()?;
    let now = app.now();
    let t = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let mut dup = readable(c, ctx, id).await?;
        if dup.status == Status::Closed {
            return Err(ServiceError::Conflict("err-desk-closed"));
        }
        let mut target = match store::by_number(c, ctx.workspace, into).await {
            Ok(t) => t,
            Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("into", "err-desk-merge-missing").into());
            }
            Err(e) => return Err(e.into()),
        };
        if target.id == dup.id {
            return Err(Invalid::one("into", "err-desk-merge-self").into());
        }
        if target.client_id != dup.client_id {
            return Err(Invalid::one("into", "err-desk-merge-client").into());
        }
        if target.status == Status::Closed {
            return Err(Invalid::one("into", "err-desk-merge-closed").into());
        }
        let mut m = event(ctx, &dup, "merge", now);
        m.to_value = Some(target.number.to_string());
        m.reason = reason.clone();
        let mut closing = event(ctx, &dup, "status", now);
        closing.from_value = Some(dup.status.as_str().into());
        closing.to_value = Some(Status::Closed.as_str().into());
        closing.reason = reason.clone();
        dup.status = Status::Closed;
        dup.merged_into = Some(target.number);
        save(c, app, ctx, &mut dup, &[m, closing]).await?;
        let mut back = event(ctx, &target, "merged", now);
        back.from_value = Some(dup.number.to_string());
        back.reason = reason.clone();
        save(c, app, ctx, &mut target, &[back]).await?;
        store::move_index(c, ctx.workspace, dup.id, target.id).await?;
        mesure_store::desk::inbound::move_attachments(c, ctx.workspace, dup.id, target.id).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_ticket", dup.id, "merge", Some(&audit_view(&dup)),
            Some(&serde_json::json!({"name": format!("#{} {}", dup.number, dup.subject), "into": target.number}))).await?;
        target
    })?;
    Ok(t)
}

/// A call or chat left before an answer, as logged by an agent or posted by a telephony system.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AbandonedInput {
    /// `phone` or `chat`.
    pub channel: String,
    pub client_id: Option<String>,
    /// How long the caller waited, in seconds.
    pub waited_seconds: Option<i64>,
    pub note: Option<String>,
}

/// Logs an abandoned contact now.
pub async fn log_abandoned(app: &App, ctx: &Ctx, i: &AbandonedInput) -> Result<Uuid> {
    ctx.require(DeskAction::Work)?;
    let mut chk = mesure_domain::validate::Checker::new();
    let channel = match Channel::parse(&i.channel) {
        Some(c @ (Channel::Phone | Channel::Chat)) => Some(c),
        _ => {
            chk.add("channel", "err-choice");
            None
        }
    };
    let client = mesure_domain::forms::opt_id(&mut chk, "client_id", &i.client_id);
    if i.waited_seconds.is_some_and(|w| !(0..=86_400).contains(&w)) {
        chk.add("waited_seconds", "err-desk-waited");
    }
    let note = chk.optional(
        "note",
        i.note.as_deref(),
        mesure_domain::desk::forms::MAX_REASON,
    );
    chk.finish()?;
    let channel = channel.ok_or_else(|| Invalid::one("channel", "err-choice"))?;
    let now = app.now();
    let id = Uuid::now_v7();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        if let Some(cl) = client
            && let Err(e) = mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(cl)).await
        {
            return Err(match e {
                mesure_store::StoreError::NotFound => Invalid::one("client_id", "err-invalid").into(),
                e => e.into(),
            });
        }
        let row = mesure_store::desk::kpis::AbandonedRow {
            id,
            channel: channel.as_str().into(),
            client_id: client,
            at: now,
            waited_seconds: i.waited_seconds,
            note: note.clone(),
            created_by: Some(ctx.user.uuid()),
        };
        mesure_store::desk::kpis::insert_abandoned(c, ctx.workspace, &row).await?;
    })?;
    Ok(id)
}

/// Time an agent spent on a ticket.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct TimeInput {
    /// One of the ticket's client's projects (its support project or retainer).
    pub project_id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Minutes, decimal hours or `h:mm`.
    pub duration: String,
    pub note: Option<String>,
}

/// Logs the caller's time on a ticket: an ordinary time entry on one of the client's projects
/// (it counts in the radar and on a retainer's balance), its note naming the ticket, linked to
/// it, and a `time` event, in one transaction.
pub async fn log_time(app: &App, ctx: &Ctx, id: Uuid, i: &TimeInput) -> Result<TicketRow> {
    ctx.require(DeskAction::Work)?;
    let t = {
        let mut conn = app.db.read().await?;
        readable(&mut conn.conn(), ctx, id).await?
    };
    let note = match mesure_domain::forms::given(i.note.as_deref()) {
        Some(n) => format!("#{} {} — {n}", t.number, t.subject),
        None => format!("#{} {}", t.number, t.subject),
    };
    let form = mesure_domain::time::forms::EntryForm {
        project_id: i.project_id.clone(),
        date: i.date.clone(),
        duration: i.duration.clone(),
        note: Some(mesure_domain::text::excerpt(&note, 1000)),
        ..Default::default()
    };
    let entry = crate::time::prepare_entry(app, ctx, &form).await?;
    if entry.client_id != t.client_id {
        return Err(Invalid::one("project_id", "err-desk-project").into());
    }
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let mut t = readable(c, ctx, id).await?;
        crate::time::insert_entry(c, app, ctx, &entry).await?;
        store::link_time(c, ctx.workspace, entry.id, t.id).await?;
        let mut e = event(ctx, &t, "time", now);
        e.to_value = Some(entry.minutes.to_string());
        save(c, app, ctx, &mut t, &[e]).await?;
        t
    })
}
