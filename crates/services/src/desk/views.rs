//! What the desk shows: ticket lists (saved views, filters, full-text search, keyset pages) and
//! a ticket's page (thread, events, deadlines with how they were computed), for staff and for a
//! contact (their organisation's tickets, public messages only); the e-mail of a public reply.
use super::clocks::{self, Rules};
use super::readable;
use crate::{App, Ctx, Result};
use mesure_domain::desk::sla::{self, Clock};
use mesure_domain::desk::states::{Priority, Status, TicketType, Tier};
use mesure_domain::{ContactId, DeskAction, Invalid, PortalAction};
use mesure_i18n::{Arg, t_args};
use mesure_store::Conn;
use mesure_store::desk::setup::{self, CannedRow, CategoryRow};
use mesure_store::desk::{self as store, EventRow, ListFilter, ListSort, TicketRow};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per page of a ticket list.
pub const PAGE: i64 = 50;
/// The longest search text, in characters.
pub const MAX_SEARCH: usize = 200;

/// The saved views of the ticket list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// Not resolved yet (the default).
    Open,
    /// Assigned to the reader, not resolved.
    Mine,
    Unassigned,
    /// A running SLA deadline within the warning lead (or past).
    Breaching,
    /// Resolved or closed.
    Done,
    All,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Open,
        View::Mine,
        View::Unassigned,
        View::Breaching,
        View::Done,
        View::All,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            View::Open => "open",
            View::Mine => "mine",
            View::Unassigned => "unassigned",
            View::Breaching => "breaching",
            View::Done => "done",
            View::All => "all",
        }
    }
    pub fn parse(s: &str) -> Option<View> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// A ticket list as asked (a page's or the API's query).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub view: Option<String>,
    pub status: Option<String>,
    pub assignee_id: Option<String>,
    pub client_id: Option<String>,
    pub priority: Option<String>,
    pub kind: Option<String>,
    pub tier: Option<String>,
    pub category_id: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    /// Created from this day to that one, both included (`YYYY-MM-DD`, the workspace's zone).
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    /// Resolved from this day to that one, both included.
    pub resolved_from: Option<String>,
    pub resolved_to: Option<String>,
    /// The page after this row (decoded from its cursor).
    #[serde(skip)]
    pub after: Option<(i64, Uuid)>,
}

/// A ticket in a list, with the names it shows.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TicketLine {
    #[serde(flatten)]
    pub ticket: TicketRow,
    pub client_name: String,
    pub assignee_name: Option<String>,
    pub category_name: Option<String>,
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct ListPage {
    pub view: View,
    pub sort: ListSort,
    pub lines: Vec<TicketLine>,
    /// The last row's sort value and id, when more follow.
    pub next: Option<(i64, Uuid)>,
    /// The workspace's warning lead before a deadline, in microseconds (a list marks the rows
    /// due within it).
    pub warn_us: i64,
}

/// Search words: letters and digits, lowercase, at most 8 of up to 40 characters; a lone number
/// (`123`, `#123`) also asks for that ticket.
pub fn search_terms(q: &str) -> (Vec<String>, Option<i64>) {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .collect();
    let number = match words.as_slice() {
        [one] => one.parse::<i64>().ok().filter(|n| *n > 0),
        _ => None,
    };
    (words, number)
}

use mesure_domain::desk::forms::opt_choice as choice;

/// A span of days (both given, `from` ≤ `to`, inclusive) as instants `[from, to + 1 day)`.
fn days(
    chk: &mut mesure_domain::validate::Checker,
    (fname, from): (&str, &Option<String>),
    (tname, to): (&str, &Option<String>),
    tz: &str,
) -> Option<(i64, i64)> {
    let parse = |chk: &mut mesure_domain::validate::Checker, name: &str, v: &Option<String>| {
        let s = mesure_domain::forms::blank(v)?;
        let d = mesure_domain::forms::parse_civil(s);
        if d.is_none() {
            chk.add(name, "err-date");
        }
        d
    };
    let (a, b) = (parse(chk, fname, from), parse(chk, tname, to));
    match (a, b) {
        (Some(a), Some(b)) if a <= b => {
            let span = super::kpis::Span::new(a, b.tomorrow().unwrap_or(b), tz);
            Some((span.from_us, span.to_us))
        }
        (Some(_), Some(_)) => {
            chk.add(tname, "err-period-order");
            None
        }
        (Some(_), None) => {
            chk.add(tname, "err-required");
            None
        }
        (None, Some(_)) => {
            chk.add(fname, "err-required");
            None
        }
        (None, None) => None,
    }
}

/// A page of tickets: staff any of the workspace's; a contact their organisation's.
pub async fn list(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<ListPage> {
    list_sized(app, ctx, q, PAGE).await
}

/// Rows per read of an export.
const EXPORT_PAGE: i64 = 1000;

/// Every ticket `q` matches (no page, no cap), for the list's CSV: read a thousand at a time.
pub async fn export(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<Vec<TicketLine>> {
    let mut q = q.clone();
    q.after = None;
    let mut out = Vec::new();
    loop {
        let p = list_sized(app, ctx, &q, EXPORT_PAGE).await?;
        out.extend(p.lines);
        match p.next {
            Some(n) => q.after = Some(n),
            None => return Ok(out),
        }
    }
}

/// A list query's filters, each checked.
struct Checked {
    view: View,
    status: Option<Status>,
    priority: Option<Priority>,
    kind: Option<TicketType>,
    tier: Option<Tier>,
    sort: ListSort,
    assignee: Option<Uuid>,
    client: Option<Uuid>,
    category: Option<Uuid>,
    text: Option<String>,
    created: Option<(i64, i64)>,
    resolved: Option<(i64, i64)>,
}

/// Checks a list query's filters: every bad one is its field's error.
fn checked(ctx: &Ctx, q: &ListQuery) -> Result<Checked> {
    let mut chk = mesure_domain::validate::Checker::new();
    let view = choice(&mut chk, "view", &q.view, View::parse).unwrap_or(View::Open);
    let status = choice(&mut chk, "status", &q.status, Status::parse);
    let priority = choice(&mut chk, "priority", &q.priority, Priority::parse);
    let kind = choice(&mut chk, "kind", &q.kind, TicketType::parse);
    let tier = choice(&mut chk, "tier", &q.tier, Tier::parse);
    let sort = choice(&mut chk, "sort", &q.sort, ListSort::parse).unwrap_or_default();
    let assignee = mesure_domain::forms::opt_id(&mut chk, "assignee_id", &q.assignee_id);
    let client = mesure_domain::forms::opt_id(&mut chk, "client_id", &q.client_id);
    let category = mesure_domain::forms::opt_id(&mut chk, "category_id", &q.category_id);
    let text = chk.optional("q", q.q.as_deref(), MAX_SEARCH);
    let created = days(
        &mut chk,
        ("created_from", &q.created_from),
        ("created_to", &q.created_to),
        &ctx.time_zone,
    );
    let resolved = days(
        &mut chk,
        ("resolved_from", &q.resolved_from),
        ("resolved_to", &q.resolved_to),
        &ctx.time_zone,
    );
    chk.finish()?;
    if ctx.client.is_some() && matches!(view, View::Mine | View::Unassigned | View::Breaching) {
        return Err(Invalid::one("view", "err-choice").into());
    }
    Ok(Checked {
        view,
        status,
        priority,
        kind,
        tier,
        sort,
        assignee,
        client,
        category,
        text,
        created,
        resolved,
    })
}

/// Whether a list query is one the list takes (a saved view is checked so).
pub fn check(ctx: &Ctx, q: &ListQuery) -> Result<()> {
    checked(ctx, q).map(|_| ())
}

async fn list_sized(app: &App, ctx: &Ctx, q: &ListQuery, size: i64) -> Result<ListPage> {
    let contact = ctx.client;
    match contact {
        Some(_) => ctx.require(DeskAction::Request)?,
        None => ctx.require(DeskAction::Read)?,
    }
    let Checked {
        view,
        status,
        priority,
        kind,
        tier,
        sort,
        assignee,
        client,
        category,
        text,
        created,
        resolved,
    } = checked(ctx, q)?;
    let now = app.now();
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let warn = setup::settings(c, ctx.workspace)
        .await?
        .map_or(clocks::DEFAULT_WARN_MINUTES, |s| s.warn_minutes);
    let active = vec![
        Status::New,
        Status::Open,
        Status::WaitingCustomer,
        Status::WaitingThirdParty,
    ];
    let mut f = ListFilter {
        statuses: match (status, view) {
            (Some(s), _) => vec![s],
            (None, View::Done) => vec![Status::Resolved, Status::Closed],
            (None, View::All) => Vec::new(),
            (None, _) => active,
        },
        assignee: if view == View::Mine {
            Some(ctx.user.uuid())
        } else {
            assignee
        },
        unassigned: view == View::Unassigned,
        client: contact.map(|c| c.uuid()).or(client),
        due_before: (view == View::Breaching).then(|| now + warn * 60_000_000),
        priority,
        kind,
        tier,
        category,
        created,
        resolved,
        not_kind: (contact.is_some() && !ctx.may(PortalAction::Invoices))
            .then_some(TicketType::BillingError),
        sort: if view == View::Breaching && q.sort.is_none() {
            ListSort::Due
        } else {
            sort
        },
        after: q.after,
        limit: size + 1,
        ..ListFilter::default()
    };
    if let Some(t) = &text {
        let (words, number) = search_terms(t);
        f.words = words;
        f.number = number;
    }
    let mut rows = store::list(c, ctx.workspace, &f).await?;
    let size = usize::try_from(size).unwrap_or(50);
    let more = rows.len() > size;
    rows.truncate(size);
    let next = if more {
        rows.last().map(|r| (f.sort.value(r), r.id))
    } else {
        None
    };
    let lines = lines(c, ctx, rows).await?;
    Ok(ListPage {
        view,
        sort: f.sort,
        lines,
        next,
        warn_us: warn * 60_000_000,
    })
}

/// The names of the workspace's clients, staff and categories.
pub(crate) struct Names {
    pub clients: HashMap<Uuid, String>,
    pub staff: HashMap<Uuid, String>,
    pub categories: Vec<CategoryRow>,
}

pub(crate) async fn names(c: &mut Conn<'_>, ctx: &Ctx) -> Result<Names> {
    let clients = mesure_store::clients::names(c, ctx.workspace)
        .await?
        .into_iter()
        .collect();
    let staff = mesure_store::people::users::list_staff(c, ctx.workspace)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let categories = setup::categories(c, ctx.workspace).await?;
    Ok(Names {
        clients,
        staff,
        categories,
    })
}

/// A category's path in the tree ("Billing › Credit notes").
pub fn category_path(all: &[CategoryRow], id: Uuid) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = Some(id);
    while let Some(i) = cur {
        let k = all.iter().find(|k| k.id == i)?;
        parts.push(k.name.clone());
        cur = k.parent_id;
        if parts.len() > 8 {
            break;
        }
    }
    parts.reverse();
    Some(parts.join(" › "))
}

async fn lines(c: &mut Conn<'_>, ctx: &Ctx, rows: Vec<TicketRow>) -> Result<Vec<TicketLine>> {
    let n = names(c, ctx).await?;
    Ok(rows
        .into_iter()
        .map(|t| TicketLine {
            client_name: n.clients.get(&t.client_id).cloned().unwrap_or_default(),
            assignee_name: t.assignee_id.and_then(|a| n.staff.get(&a).cloned()),
            category_name: t.category_id.and_then(|k| category_path(&n.categories, k)),
            ticket: t,
        })
        .collect())
}

/// An event as a ticket page shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub event: EventRow,
    /// Who: a staff member's name, or the requester.
    pub actor: String,
    /// For assignments: the names of who had it and who has it now.
    pub from_name: Option<String>,
    pub to_name: Option<String>,
}

/// A ticket's page.
#[derive(Clone, Debug)]
pub struct TicketView {
    pub line: TicketLine,
    pub events: Vec<EventView>,
    pub first_response: Clock,
    pub resolution: Clock,
    pub rules: Rules,
    /// Waits that paused the clocks: from, to, status, business minutes.
    pub pauses: Vec<(i64, i64, Status, i64)>,
    /// For staff: who it may be assigned to, the categories, the canned replies.
    pub staff: Vec<(Uuid, String)>,
    pub categories: Vec<CategoryRow>,
    pub canned: Vec<CannedRow>,
    /// Tickets merged into this one (their numbers).
    pub merged: Vec<i64>,
    /// Minutes logged on the ticket and in how many entries (staff).
    pub logged: (i64, i64),
    /// The client's active projects time may be logged on, retainers first (staff).
    pub projects: Vec<(Uuid, String)>,
    /// Files that came with the customer's e-mails.
    pub attachments: Vec<mesure_store::desk::inbound::AttachmentRow>,
}

/// The events a contact sees: messages between them and the team, and status moves.
fn public(e: &EventRow) -> bool {
    matches!(e.kind.as_str(), "customer" | "reply" | "status")
}

/// A ticket with its events and clocks, for a reader who may see it.
pub async fn ticket(app: &App, ctx: &Ctx, id: Uuid) -> Result<TicketView> {
    let now = app.now();
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let t = readable(c, ctx, id).await?;
    let staff_reader = ctx.client.is_none();
    let events = store::events(c, ctx.workspace, t.id).await?;
    let changes = clocks::changes(&events);
    let rules = clocks::rules(c, ctx.workspace, &ctx.time_zone, t.client_id).await?;
    let (first_response, resolution) = clocks::clocks(&rules, &t, &changes, now);
    let ts = mesure_store::ts;
    let end = t.resolved_at.filter(|_| t.status.is_done()).unwrap_or(now);
    let pauses = sla::pauses(&rules.calendar, ts(t.created_at), &changes, ts(end))
        .into_iter()
        .map(|(a, b, s, m)| (a.as_microsecond(), b.as_microsecond(), s, m))
        .collect();
    let n = names(c, ctx).await?;
    let name = |u: &Option<String>| {
        u.as_deref()
            .and_then(|s| Uuid::parse_str(s).ok())
            .and_then(|u| n.staff.get(&u).cloned())
    };
    let merged = events
        .iter()
        .filter(|e| e.kind == "merged")
        .filter_map(|e| e.from_value.as_deref()?.parse().ok())
        .collect();
    let events = events
        .into_iter()
        .filter(|e| staff_reader || public(e))
        .map(|e| EventView {
            actor: if e.customer {
                t.requester.clone()
            } else {
                e.actor_id
                    .and_then(|a| n.staff.get(&a).cloned())
                    .unwrap_or_default()
            },
            from_name: if e.kind == "assign" {
                name(&e.from_value)
            } else {
                None
            },
            to_name: if e.kind == "assign" {
                name(&e.to_value)
            } else {
                None
            },
            event: e,
        })
        .collect();
    let (logged, projects) = if staff_reader {
        let mut ps =
            mesure_store::projects::list(c, ctx.workspace, Some(t.client_id), false).await?;
        ps.sort_by_key(|p| {
            (
                p.billing_model != mesure_domain::projects::engagement::BillingModel::Retainer,
                p.name.clone(),
            )
        });
        (
            store::time_of(c, ctx.workspace, t.id).await?,
            ps.into_iter().map(|p| (p.id, p.name)).collect(),
        )
    } else {
        ((0, 0), Vec::new())
    };
    let (staff, canned) = if staff_reader {
        let mut s: Vec<(Uuid, String)> = n.staff.iter().map(|(k, v)| (*k, v.clone())).collect();
        s.sort_by(|a, b| a.1.cmp(&b.1));
        let canned = setup::canned(c, ctx.workspace)
            .await?
            .into_iter()
            .filter(|k| k.archived_at.is_none())
            .collect();
        (s, canned)
    } else {
        (Vec::new(), Vec::new())
    };
    let line = TicketLine {
        client_name: n.clients.get(&t.client_id).cloned().unwrap_or_default(),
        assignee_name: t.assignee_id.and_then(|a| n.staff.get(&a).cloned()),
        category_name: t.category_id.and_then(|k| category_path(&n.categories, k)),
        ticket: t,
    };
    Ok(TicketView {
        line,
        events,
        first_response,
        resolution,
        rules,
        pauses,
        staff,
        categories: if staff_reader {
            n.categories
        } else {
            Vec::new()
        },
        canned,
        merged,
        logged,
        projects,
        attachments: mesure_store::desk::inbound::attachments(c, ctx.workspace, id).await?,
    })
}

/// A file of a ticket the reader may see: its name, media type and bytes (`NotFound` when it
/// was not kept).
pub async fn attachment(
    app: &App,
    ctx: &Ctx,
    ticket: Uuid,
    id: Uuid,
) -> Result<(String, String, Vec<u8>)> {
    use base64::Engine;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let t = readable(c, ctx, ticket).await?;
    let (name, mime, data) =
        mesure_store::desk::inbound::attachment_data(c, ctx.workspace, t.id, id)
            .await?
            .ok_or(crate::ServiceError::NotFound)?;
    let bytes = data
        .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
        .ok_or(crate::ServiceError::NotFound)?;
    Ok((name, mime, bytes))
}

/// E-mails a public reply to the ticket's contact (when they have an address), its subject
/// carrying the ticket's token `[#number]` so that their answer threads onto it.
/// The Message-ID of the desk's mail for an event of a ticket: `desk.<ticket>.<event>@<domain>`,
/// so that an answer threads back by its `In-Reply-To` or `References` alone.
pub(crate) fn reply_message_id(app: &App, ticket: Uuid, event: Uuid) -> String {
    let domain = app
        .default_mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("mesure.invalid");
    format!("desk.{}.{}@{domain}", ticket.simple(), event.simple())
}

/// The ticket a Message-ID of [`reply_message_id`]'s form names.
pub(crate) fn ticket_of_reference(id: &str) -> Option<Uuid> {
    let rest = id.strip_prefix("desk.")?;
    let (ticket, _) = rest.split_once('.')?;
    if ticket.len() != 32 {
        return None;
    }
    Uuid::try_parse(ticket).ok()
}

/// E-mails an agent's public reply to the ticket's contact, threaded: its own Message-ID, in
/// reply to the customer's last e-mail, with the ticket's earlier messages as references and
/// the desk's address (if set) to answer to.
pub(crate) async fn mail_reply(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    t: &TicketRow,
    body: &str,
    message_id: &str,
) -> Result<()> {
    let Some(k) = t.contact_id else {
        return Ok(());
    };
    let contact =
        mesure_store::clients::contacts::get(c, ctx.workspace, ContactId::from_uuid(k)).await?;
    let Some(to) = contact.email.clone() else {
        return Ok(());
    };
    let lang = contact.language;
    let number = t.number.to_string();
    let link = format!(
        "{}/portal/tickets/{}",
        app.base_url.trim_end_matches('/'),
        t.id
    );
    let args = [
        ("number", Arg::Str(&number)),
        ("subject", Arg::Str(&t.subject)),
        ("workspace", Arg::Str(&ctx.workspace_name)),
        ("body", Arg::Str(body)),
        ("link", Arg::Str(&link)),
    ];
    let subject = t_args(lang, "desk-mail-reply-subject", &args);
    let text = t_args(lang, "desk-mail-reply-text", &args);
    let html = crate::invoicing::mail::plain_html(lang, &text);
    let events = store::events(c, ctx.workspace, t.id).await?;
    let mut references: Vec<String> = events
        .iter()
        .filter_map(|e| e.message_id.clone())
        .filter(|m| m != message_id)
        .collect();
    let in_reply_to = events
        .iter()
        .rev()
        .find(|e| e.customer && e.message_id.is_some())
        .and_then(|e| e.message_id.clone());
    if references.len() > 20 {
        references.drain(..references.len() - 20);
    }
    let reply_to = mesure_store::desk::setup::settings(c, ctx.workspace)
        .await?
        .and_then(|s| s.address);
    let payload = serde_json::json!({"to": to, "subject": subject, "text": text, "html": html,
        "message_id": message_id, "in_reply_to": in_reply_to, "references": references, "reply_to": reply_to});
    crate::jobs::enqueue(c, app, ctx.workspace, "mail", &payload).await?;
    Ok(())
}
