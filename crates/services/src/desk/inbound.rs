//! Inbound e-mail (decision 98): a message from the desk's mailbox (IMAP) or piped by an MTA
//! (HTTP) is first kept raw, once per Message-ID, then processed in one transaction that claims
//! it: a new ticket, a reply threaded onto its ticket (by `In-Reply-To`/`References`, else the
//! `[#n]` token of the subject, the sender being a contact of that ticket's client), a new
//! ticket following a closed one, or no ticket with a reason: held for staff (an unknown sender
//! when the desk holds them), refused (an unknown sender when it refuses them, no sender, too
//! large) or ignored (a machine's message: auto-replies, bulk, bounces, lists; a loop). The desk
//! never answers a message automatically, so it cannot start a loop; an agent's reply threads
//! back by its Message-ID. A crash between keeping and processing leaves the message pending
//! for the worker's sweep; a second keeping of the same Message-ID is a no-op, so a mailbox
//! polled again after a kill -9 gives no duplicate.
use super::tickets::{Opening, create_in, customer_reply_in};
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use base64::Engine;
use mesure_domain::desk::forms::{MAX_BODY, MAX_SUBJECT, NewTicket};
use mesure_domain::desk::states::{Channel, Priority, TicketType};
use mesure_domain::{ClientId, DeskAction, Invalid, WorkspaceId};
use mesure_mail::inbound::{self as mail, Parsed};
use mesure_store::Conn;
use mesure_store::desk::inbound::{self as store, HELD, InboundRow, PENDING};
use mesure_store::desk::{self as tickets, TicketRow};
use uuid::Uuid;

/// The desk's outcomes for a message.
pub const TICKET: &str = "ticket";
pub const REPLY: &str = "reply";
pub const FOLLOWUP: &str = "followup";
pub const REFUSED: &str = "refused";
pub const IGNORED: &str = "ignored";
pub const DISCARDED: &str = "discarded";

/// Messages from one sender within an hour past which the desk takes the rest as a loop.
pub const FLOOD_PER_HOUR: i64 = 30;

/// What happened to a message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// ticket, reply, followup, held, refused, ignored (or pending when not yet processed).
    pub status: String,
    /// Why it was held, refused or ignored.
    pub reason: Option<String>,
    pub ticket_id: Option<Uuid>,
    pub ticket_number: Option<i64>,
}

/// A message received: its id in the inbound log, whether it was already there (same
/// Message-ID: nothing done again), and its outcome.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Receipt {
    pub id: Uuid,
    pub message_id: String,
    pub duplicate: bool,
    pub outcome: Outcome,
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Where a message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Imap,
    Http,
    /// The public request form (its submission made into a message; never threaded).
    Form,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::Http => "http",
            Source::Form => "form",
        }
    }
}

/// Text as the desk stores it: cleaned of invisible and control characters (line breaks and
/// tabs kept), NFC, at most `max` characters.
fn stored_text(s: &str, max: usize) -> String {
    let cleaned = mesure_domain::validate::clean(s);
    let kept: String = cleaned
        .chars()
        .filter(|c| !mesure_domain::text::is_forbidden_control(*c))
        .collect();
    let n = mesure_domain::text::nfc(kept.trim()).into_owned();
    if n.chars().count() > max {
        let mut cut: String = n.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        n
    }
}

/// A subject without its reply and forward prefixes (`Re:`, `Fwd:`, `TR :`…).
fn bare_subject(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let cut = ["re:", "re :", "fwd:", "fw:", "tr:", "tr :", "aw:", "réf:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut.and_then(|n| s.get(n..)) {
            Some(rest) => s = rest.trim_start(),
            None => return s,
        }
    }
}

/// Keeps a raw message in the inbound log unless its Message-ID is there already; answers its
/// id and whether it is new. A message over the size limit is recorded as refused with its
/// headers only.
pub async fn keep(
    app: &App,
    ws: WorkspaceId,
    raw: &[u8],
    source: Source,
) -> Result<(Uuid, String, bool)> {
    let now = app.now();
    let (parsed, refusal) = match mail::parse(raw) {
        Ok(p) => (p, None),
        Err(mail::ParseError::TooLarge { .. }) => {
            // Read the headers only, to name the message in the log.
            let head_end = raw
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .unwrap_or(64 * 1024)
                .min(64 * 1024);
            let mut p = mail::parse(raw.get(..head_end).unwrap_or_default()).unwrap_or_default();
            if p.message_id.is_empty() || p.message_id.ends_with("@mesure.invalid") {
                p.message_id = format!("sha256-{}@mesure.invalid", mail::digest(raw));
            }
            (p, Some("too_large"))
        }
        Err(mail::ParseError::Empty) => {
            return Err(Invalid::one("message", "err-desk-mail-empty").into());
        }
    };
    let row = InboundRow {
        workspace_id: ws.uuid(),
        id: Uuid::now_v7(),
        message_id: parsed.message_id.clone(),
        source: source.as_str().into(),
        received_at: now,
        size: i64::try_from(raw.len()).unwrap_or(i64::MAX),
        sender: parsed.from.clone(),
        subject: Some(stored_text(&parsed.subject, MAX_SUBJECT)).filter(|s| !s.is_empty()),
        raw: refusal.is_none().then(|| b64().encode(raw)),
        status: if refusal.is_some() { REFUSED } else { PENDING }.into(),
        reason: None,
        ticket_id: None,
        processed_at: None,
    };
    let (id, new) = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let new = store::insert(c, &row).await?;
        if new {
            if let Some(r) = refusal {
                store::finish(c, ws, row.id, store::Done { status: REFUSED, reason: Some(r), ticket: None, keep_raw: false }, now).await?;
            }
            (row.id, true)
        } else {
            let id = store::by_message_id(c, ws, &row.message_id).await?.ok_or(ServiceError::NotFound)?;
            (id, false)
        }
    })?;
    Ok((id, parsed.message_id, new))
}

/// What a visitor types in the public request form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct FormInput {
    pub name: Option<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
    /// The honeypot: a field hidden from people, which only robots fill.
    #[serde(default)]
    pub website: String,
}

/// Submissions of the public form one address may make in an hour.
pub const FORM_PER_HOUR: i64 = 5;

/// The workspace of a public form's key (`NotFound` when no form has it).
pub async fn form_workspace(app: &App, key: &str) -> Result<WorkspaceId> {
    if key.is_empty() || key.len() > 64 {
        return Err(ServiceError::NotFound);
    }
    let mut conn = app.db.read().await?;
    mesure_store::desk::setup::workspace_of_form(&mut conn.conn(), key)
        .await?
        .map(WorkspaceId::from_uuid)
        .ok_or(ServiceError::NotFound)
}

/// A visitor's request from the public form: checked by field, then taken as a message from
/// the address typed (a known contact's: a ticket on the web-form channel; an unknown one: held
/// or refused as the desk's setting says). A filled honeypot is dropped without a word (the
/// robot sees the same thanks); more than [`FORM_PER_HOUR`] submissions from one address in an
/// hour are refused on `email`. Nothing is e-mailed back, so the form cannot send mail for
/// anyone.
pub async fn submit_form(app: &App, key: &str, f: &FormInput) -> Result<()> {
    let ws = form_workspace(app, key).await?;
    let mut chk = mesure_domain::validate::Checker::new();
    let name = chk.optional("name", f.name.as_deref(), 100);
    let email = chk.email("email", &f.email);
    let subject = chk.required("subject", &f.subject, MAX_SUBJECT);
    let message = chk.required("message", &f.message, MAX_BODY);
    chk.finish()?;
    if !f.website.trim().is_empty() {
        tracing::info!("public form: the honeypot was filled; dropped");
        return Ok(());
    }
    let now = app.now();
    let recent = {
        let mut conn = app.db.read().await?;
        store::count_from(&mut conn.conn(), ws, &email, now - 3_600_000_000).await?
    };
    if recent >= FORM_PER_HOUR {
        return Err(Invalid::one("email", "err-desk-form-rate").into());
    }
    let one_line = |s: &str| s.replace(['\r', '\n'], " ");
    let from = match name {
        Some(n) => format!("\"{}\" <{email}>", one_line(&n).replace(['"', '\\'], "'")),
        None => email.clone(),
    };
    let body = message.replace("\r\n", "\n").replace('\n', "\r\n");
    let raw = format!(
        "From: {from}\r\nSubject: {}\r\nMessage-ID: <form.{}@mesure.invalid>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
        one_line(&subject),
        Uuid::now_v7().simple()
    );
    let (id, _, new) = keep(app, ws, raw.as_bytes(), Source::Form).await?;
    if new {
        process(app, ws, id).await?;
    }
    Ok(())
}

/// The outcome recorded for a message of the log.
pub async fn outcome(app: &App, ws: WorkspaceId, id: Uuid) -> Result<Outcome> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let r = store::get(c, ws, id).await?;
    let number = match r.ticket_id {
        Some(t) => Some(tickets::get(c, ws, t).await?.number),
        None => None,
    };
    Ok(Outcome {
        status: r.status,
        reason: r.reason,
        ticket_id: r.ticket_id,
        ticket_number: number,
    })
}

/// Receives one raw message (the HTTP endpoint): keeps it, then processes it.
pub async fn receive(app: &App, ctx: &Ctx, raw: &[u8]) -> Result<Receipt> {
    ctx.require(DeskAction::Work)?;
    let (id, message_id, new) = keep(app, ctx.workspace, raw, Source::Http).await?;
    if new {
        process(app, ctx.workspace, id).await?;
    }
    Ok(Receipt {
        id,
        message_id,
        duplicate: !new,
        outcome: outcome(app, ctx.workspace, id).await?,
    })
}

/// Processes every pending message of a workspace, oldest first; answers how many. A message
/// whose processing fails for a reason of its own stays pending (logged) and the others go on;
/// a database that is gone stops the pass.
pub async fn process_pending(app: &App, ws: WorkspaceId) -> Result<usize> {
    let mut done = 0;
    let mut failed = std::collections::HashSet::new();
    loop {
        let ids = {
            let mut conn = app.db.read().await?;
            store::pending(
                &mut conn.conn(),
                ws,
                200 + i64::try_from(failed.len()).unwrap_or(0),
            )
            .await?
        };
        let todo: Vec<Uuid> = ids.into_iter().filter(|id| !failed.contains(id)).collect();
        if todo.is_empty() {
            return Ok(done);
        }
        for id in todo {
            match process(app, ws, id).await {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(e @ (ServiceError::Unavailable(_) | ServiceError::Retry(_))) => return Err(e),
                Err(e) => {
                    tracing::warn!(message = %id, error = %e, "inbound e-mail left pending");
                    failed.insert(id);
                }
            }
        }
    }
}

/// Processes the pending messages of every workspace (the worker's sweep: a message kept just
/// before a crash is processed after the restart).
pub async fn sweep(app: &App) -> Result<usize> {
    let wss = {
        let mut conn = app.db.read().await?;
        store::pending_workspaces(&mut conn.conn()).await?
    };
    let mut n = 0;
    for ws in wss {
        n += process_pending(app, WorkspaceId::from_uuid(ws)).await?;
    }
    Ok(n)
}

/// Who a message is from, as the desk knows them.
struct Sender {
    contact: Uuid,
    client: Uuid,
    shown: String,
}

async fn sender_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    p: &Parsed,
    client: Option<Uuid>,
) -> Result<Option<Sender>> {
    let Some(from) = &p.from else {
        return Ok(None);
    };
    let all = store::contacts_of(c, ws, from).await?;
    let pick = match client {
        Some(cl) => all.into_iter().find(|(_, k)| *k == cl),
        None => all.into_iter().next(),
    };
    let Some((contact, client)) = pick else {
        return Ok(None);
    };
    let k =
        mesure_store::clients::contacts::get(c, ws, mesure_domain::ContactId::from_uuid(contact))
            .await?;
    let name = format!("{} {}", k.first_name, k.last_name);
    Ok(Some(Sender {
        contact,
        client,
        shown: format!("{} <{from}>", name.trim()),
    }))
}

/// The ticket a reply belongs to: by one of its references (a Message-ID the desk sent or
/// received; trusted, as only the thread's participants know them), else by the subject's
/// `[#n]` token (guessable: trusted only for a contact of that ticket's client).
async fn thread_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    p: &Parsed,
) -> Result<Option<(TicketRow, bool)>> {
    for r in &p.references {
        if let Some(t) = super::views::ticket_of_reference(r) {
            match tickets::get(c, ws, t).await {
                Ok(t) => return Ok(Some((t, true))),
                Err(mesure_store::StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(t) = store::ticket_of_message(c, ws, r).await? {
            return Ok(Some((tickets::get(c, ws, t).await?, true)));
        }
    }
    if let Some(n) = mail::subject_token(&p.subject) {
        match tickets::by_number(c, ws, n).await {
            Ok(t) => return Ok(Some((t, false))),
            Err(mesure_store::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// How many messages from `sender` the desk received in the hour before `now`.
async fn recent_from(c: &mut Conn<'_>, ws: WorkspaceId, sender: &str, now: i64) -> Result<i64> {
    Ok(store::count_from(c, ws, sender, now - 3_600_000_000).await?)
}

/// The follow ticket after the ticket a message would lead to is resolved to a final one.
async fn final_ticket(c: &mut Conn<'_>, ws: WorkspaceId, mut t: TicketRow) -> Result<TicketRow> {
    // A merged ticket's replies go to the ticket it was merged into.
    let mut hops = 0;
    while let Some(n) = t.merged_into
        && hops < 10
    {
        t = tickets::by_number(c, ws, n).await?;
        hops += 1;
    }
    Ok(t)
}

/// Files of a message kept on a ticket's event.
async fn attach(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
    event: Uuid,
    p: &Parsed,
    now: i64,
) -> Result<()> {
    for a in &p.attachments {
        store::insert_attachment(
            c,
            ws,
            &store::NewAttachment {
                id: Uuid::now_v7(),
                ticket_id: ticket,
                event_id: event,
                name: &a.name,
                mime: &a.mime,
                size: i64::try_from(a.size).unwrap_or(i64::MAX),
                data: a.kept.then(|| b64().encode(&a.bytes)),
                at: now,
            },
        )
        .await?;
    }
    Ok(())
}

/// What processing decided, before it is written.
struct Decision {
    status: &'static str,
    reason: Option<String>,
    ticket: Option<Uuid>,
}

impl Decision {
    fn no_ticket(status: &'static str, reason: &str) -> Decision {
        Decision {
            status,
            reason: Some(reason.into()),
            ticket: None,
        }
    }
}

/// Processes one kept message in one transaction; false when it was not pending (another
/// processor had it, or it was done).
pub async fn process(app: &App, ws: WorkspaceId, id: Uuid) -> Result<bool> {
    process_as(app, ws, id, PENDING, None).await
}

/// Processes a message in `status` (pending, or held with the client staff named for its
/// unknown sender, whose contact is made first).
async fn process_as(
    app: &App,
    ws: WorkspaceId,
    id: Uuid,
    status: &str,
    accept: Option<(&Ctx, Uuid)>,
) -> Result<bool> {
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let row = store::get(c, ws, id).await?;
        if !store::claim(c, &row, status).await? {
            false
        } else {
            let w = mesure_store::workspaces::get(c, ws).await?;
            let raw = row.raw.as_deref().and_then(|r| b64().decode(r).ok()).unwrap_or_default();
            let d = match mail::parse(&raw) {
                Ok(p) => decide(c, app, &w, &row, &p, accept, now).await?,
                Err(_) => Decision::no_ticket(REFUSED, "unreadable"),
            };
            let keep_raw = d.ticket.is_none();
            store::finish(c, ws, row.id, store::Done { status: d.status, reason: d.reason.as_deref(), ticket: d.ticket, keep_raw }, now).await?;
            true
        }
    })
}

async fn decide(
    c: &mut Conn<'_>,
    app: &App,
    w: &mesure_store::workspaces::WorkspaceRow,
    row: &InboundRow,
    p: &Parsed,
    accept: Option<(&Ctx, Uuid)>,
    now: i64,
) -> Result<Decision> {
    let ws = WorkspaceId::from_uuid(w.id);
    let settings = mesure_store::desk::setup::settings(c, ws).await?;
    let Some(from) = p.from.clone() else {
        return Ok(Decision::no_ticket(REFUSED, "no_sender"));
    };
    let own = [
        settings.as_ref().and_then(|s| s.address.clone()),
        w.mail_from.clone(),
        Some(app.default_mail_from.clone()),
    ];
    if own.iter().flatten().any(|a| a.eq_ignore_ascii_case(&from)) {
        return Ok(Decision::no_ticket(IGNORED, "loop"));
    }
    if let Some(why) = p.automatic {
        return Ok(Decision::no_ticket(IGNORED, why.as_str()));
    }
    if accept.is_none() && recent_from(c, ws, &from, now).await? > FLOOD_PER_HOUR {
        return Ok(Decision::no_ticket(IGNORED, "flood"));
    }
    // A form's submission is always a new request: anyone may type any address and subject.
    let from_form = row.source == Source::Form.as_str();
    let channel = if from_form {
        Channel::WebForm
    } else {
        Channel::Email
    };
    let thread = match thread_of(c, ws, p).await? {
        Some((t, trusted)) if !from_form => Some((final_ticket(c, ws, t).await?, trusted)),
        _ => None,
    };
    // The accepted client's new contact, made now (held messages only).
    if let Some((staff, client)) = accept {
        new_contact(c, staff, client, &from, p.from_name.as_deref(), now).await?;
    }
    let thread_client = thread.as_ref().map(|(t, _)| t.client_id);
    let mut sender = sender_of(c, ws, p, thread_client).await?;
    let mut thread = thread;
    if sender.is_none() && thread.is_some() {
        // Not a contact of the thread's client: a new message of its own, unless the reference
        // was one only the thread knows (then the sender is held or refused for that client).
        if thread.as_ref().is_some_and(|(_, trusted)| !trusted) {
            thread = None;
            sender = sender_of(c, ws, p, None).await?;
        }
    }
    let Some(sender) = sender else {
        let rule = settings
            .as_ref()
            .map_or("pending", |s| s.unknown_senders.as_str());
        return Ok(if rule == "refuse" {
            Decision::no_ticket(REFUSED, "unknown_sender")
        } else {
            Decision {
                status: HELD,
                reason: Some("unknown_sender".into()),
                ticket: thread.map(|(t, _)| t.id),
            }
        });
    };
    let ctx = Ctx {
        client: Some(ClientId::from_uuid(sender.client)),
        label: sender.shown.clone(),
        ..Ctx::system(w, "e-mail")
    };
    let body = stored_text(&mail::new_words(&p.text), MAX_BODY);
    let message_id = Some(row.message_id.clone());
    if let Some((t, _)) = thread {
        match customer_reply_in(c, app, &ctx, t, &body, message_id.clone(), now).await? {
            Ok((t, event)) => {
                attach(c, ws, t.id, event, p, now).await?;
                return Ok(Decision {
                    status: REPLY,
                    reason: None,
                    ticket: Some(t.id),
                });
            }
            Err(closed) => {
                let n = NewTicket {
                    subject: closed.subject.clone(),
                    body,
                    kind: closed.kind,
                    priority: closed.priority,
                    category: closed.category_id,
                    feature: closed.feature.clone(),
                    invoice: closed.invoice_id,
                    client: Some(sender.client),
                    contact: Some(sender.contact),
                    channel: Some(channel),
                };
                let o = Opening {
                    client: sender.client,
                    contact: Some(sender.contact),
                    requester: sender.shown,
                    channel,
                    follows: Some(closed.number),
                    message_id,
                };
                let (t, event) = create_in(c, &ctx, &n, &o, now).await?;
                attach(c, ws, t.id, event, p, now).await?;
                return Ok(Decision {
                    status: FOLLOWUP,
                    reason: None,
                    ticket: Some(t.id),
                });
            }
        }
    }
    let mut subject = stored_text(bare_subject(&p.subject), MAX_SUBJECT);
    if subject.is_empty() {
        subject = mesure_domain::text::excerpt(&body, 80);
    }
    if subject.trim().is_empty() {
        subject = from.clone();
    }
    let n = NewTicket {
        subject,
        body,
        kind: TicketType::Question,
        priority: Priority::Normal,
        category: None,
        feature: None,
        invoice: None,
        client: Some(sender.client),
        contact: Some(sender.contact),
        channel: Some(channel),
    };
    let o = Opening {
        client: sender.client,
        contact: Some(sender.contact),
        requester: sender.shown,
        channel,
        follows: None,
        message_id,
    };
    let (t, event) = create_in(c, &ctx, &n, &o, now).await?;
    attach(c, ws, t.id, event, p, now).await?;
    Ok(Decision {
        status: TICKET,
        reason: None,
        ticket: Some(t.id),
    })
}

/// Makes the contact of an accepted unknown sender (names from the display name, else the
/// address's local part; the workspace's language; a project contact).
async fn new_contact(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    client: Uuid,
    email: &str,
    name: Option<&str>,
    now: i64,
) -> Result<()> {
    if store::contacts_of(c, ctx.workspace, email)
        .await?
        .iter()
        .any(|(_, k)| *k == client)
    {
        return Ok(());
    }
    let shown = name
        .map(|n| stored_text(n, 100))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
    let (first, last) = match shown.rsplit_once(' ') {
        Some((f, l)) => (f.trim().to_string(), l.trim().to_string()),
        None => (shown.clone(), String::new()),
    };
    let row = mesure_store::clients::contacts::ContactRow {
        workspace_id: ctx.workspace.uuid(),
        id: Uuid::now_v7(),
        client_id: client,
        sort_key: mesure_domain::text::name_key(&format!("{last} {first}")),
        search_key: mesure_domain::text::name_key(&format!("{first} {last} {email}")),
        first_name: first,
        last_name: last,
        email: Some(email.to_string()),
        phone: None,
        job_title: None,
        contact_role: mesure_domain::ContactRole::Project,
        language: ctx.workspace_language,
        archived_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    mesure_store::clients::contacts::insert(c, &row).await?;
    record(c, ctx.workspace, &ctx.actor(), now, "contact", row.id, "create", None::<&()>,
        Some(&serde_json::json!({"name": format!("{} {}", row.first_name, row.last_name).trim(), "email": email}))).await?;
    Ok(())
}

/// Staff accept a held message: the sender becomes a contact of `client` and the message is
/// processed as theirs (a new ticket, or a reply on the ticket it threads onto).
pub async fn accept(app: &App, ctx: &Ctx, id: Uuid, client: &str) -> Result<Outcome> {
    ctx.require(DeskAction::Work)?;
    let client =
        Uuid::parse_str(client.trim()).map_err(|_| Invalid::one("client_id", "err-required"))?;
    {
        let mut conn = app.db.read().await?;
        let c = &mut conn.conn();
        let row = store::get(c, ctx.workspace, id).await?;
        if row.status != HELD {
            return Err(ServiceError::Conflict("err-desk-inbound-done"));
        }
        match mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await {
            Ok(_) => {}
            Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("client_id", "err-invalid").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !process_as(app, ctx.workspace, id, HELD, Some((ctx, client))).await? {
        return Err(ServiceError::Conflict("err-desk-inbound-done"));
    }
    outcome(app, ctx.workspace, id).await
}

/// Staff discard a held message (its raw bytes dropped).
pub async fn discard(app: &App, ctx: &Ctx, id: Uuid) -> Result<()> {
    ctx.require(DeskAction::Work)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let row = store::get(c, ctx.workspace, id).await?;
        if !store::claim(c, &row, HELD).await? {
            return Err(ServiceError::Conflict("err-desk-inbound-done"));
        }
        store::finish(c, ctx.workspace, id, store::Done { status: DISCARDED, reason: Some("discarded"), ticket: None, keep_raw: false }, now).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_inbound", id, "delete", None::<&()>,
            Some(&serde_json::json!({"name": row.subject.clone().unwrap_or_default(), "sender": row.sender}))).await?;
    })?;
    Ok(())
}

/// A page of the inbound log.
#[derive(Clone, Debug)]
pub struct LogPage {
    pub rows: Vec<(InboundRow, Option<i64>)>,
    pub next: Option<store::Before>,
    pub held: i64,
}

/// The log's size of page.
pub const LOG_PAGE: i64 = 50;

/// The inbound log, newest first, of one status (blank: all), with each row's ticket number.
pub async fn log(app: &App, ctx: &Ctx, status: &str, before: store::Before) -> Result<LogPage> {
    ctx.require(DeskAction::Read)?;
    let status = match status {
        "" | PENDING | HELD | TICKET | REPLY | FOLLOWUP | REFUSED | IGNORED | DISCARDED => status,
        _ => return Err(Invalid::one("status", "err-choice").into()),
    };
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let mut rows = store::list(c, ctx.workspace, status, before, LOG_PAGE + 1).await?;
    let next = if rows.len() > usize::try_from(LOG_PAGE).unwrap_or(50) {
        rows.truncate(usize::try_from(LOG_PAGE).unwrap_or(50));
        rows.last().map(|(r, _)| store::Before(r.received_at, r.id))
    } else {
        None
    };
    Ok(LogPage {
        rows,
        next,
        held: store::count_status(c, ctx.workspace, HELD).await?,
    })
}

/// The raw bytes of a message still kept (held, refused or ignored), for staff to read.
pub async fn raw(app: &App, ctx: &Ctx, id: Uuid) -> Result<Vec<u8>> {
    ctx.require(DeskAction::Work)?;
    let mut conn = app.db.read().await?;
    let r = store::get(&mut conn.conn(), ctx.workspace, id).await?;
    r.raw
        .and_then(|r| b64().decode(r).ok())
        .ok_or(ServiceError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_reply_prefixes() {
        assert_eq!(bare_subject("Re: RE : Fwd: Four"), "Four");
        assert_eq!(bare_subject("TR: Facture"), "Facture");
        assert_eq!(bare_subject("Recette"), "Recette");
    }

    #[test]
    fn stored_text_is_clean_and_bounded() {
        assert_eq!(stored_text("a\u{0}b\u{7}\nc", 100), "ab\nc");
        let long = "é".repeat(300);
        let s = stored_text(&long, 200);
        assert_eq!(s.chars().count(), 200);
        assert!(s.ends_with('…'));
    }
}
