//! The service desk's rows: tickets, their events (messages, notes, moves), the full-text index
//! and the filtered, searched, keyset-paged ticket list.
pub mod csat;
pub mod inbound;
pub mod kpis;
pub mod saved;
pub mod setup;

use crate::registry::{Variant, Variants, conds_sql};
use crate::{Backend, Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::desk::states::{Channel, Priority, Status, TicketType, Tier};
use uuid::Uuid;

/// `due_at` of a ticket with no running SLA clock.
pub const NO_DUE: i64 = i64::MAX;

macro_rules! ticket_cols {
    () => {
        "workspace_id, id, number, client_id, contact_id, requester, subject, kind, category_id, feature, invoice_id, priority, status, tier, channel, assignee_id, merged_into, follows, created_at, first_response_at, resolved_at, first_response_minutes, resolution_minutes, public_replies, reopens, transfers, escalated, first_response_due, resolution_due, due_at, breached, updated_at, version"
    };
}

pub mod totals;

/// The ticket columns, as a list family's builder needs them.
pub(crate) const TICKET_COLS: &str = ticket_cols!();

crate::registry::row! {
/// A ticket, as stored. Its counters (public replies, reopens, transfers, escalation) and SLA
/// deadlines are kept up to date on every write, from its events.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct TicketRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub number: i64,
    pub client_id: Uuid,
    pub contact_id: Option<Uuid>,
    /// Who asked: the contact's or sender's name and address, as shown.
    pub requester: String,
    pub subject: String,
    pub kind: TicketType,
    pub category_id: Option<Uuid>,
    pub feature: Option<String>,
    pub invoice_id: Option<Uuid>,
    pub priority: Priority,
    pub status: Status,
    pub tier: Tier,
    pub channel: Channel,
    pub assignee_id: Option<Uuid>,
    /// Merged into the ticket of this number (and closed).
    pub merged_into: Option<i64>,
    /// Opened by a reply to the closed ticket of this number.
    pub follows: Option<i64>,
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    /// Business minutes from creation to the first public reply (the KPI, no pause taken off).
    pub first_response_minutes: Option<i64>,
    /// Business minutes from creation to the last resolution, minus waiting on the customer
    /// (the KPI's resolution time); `None` until resolved.
    pub resolution_minutes: Option<i64>,
    pub public_replies: i32,
    pub reopens: i32,
    pub transfers: i32,
    pub escalated: bool,
    pub first_response_due: Option<i64>,
    pub resolution_due: Option<i64>,
    pub due_at: i64,
    pub breached: bool,
    pub updated_at: i64,
    pub version: i32,
}
}

crate::registry::row! {
/// One event of a ticket: `created`, `reply` (public, by an agent), `customer` (a message from
/// the requester), `note` (internal), `status`, `priority`, `kind`, `category`, `assign`
/// (`from_value` → `to_value` user ids; a transfer when both are set), `tier` (an escalation to
/// `second`), `merge` / `merged`, `sla_warning`, `sla_breach`.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub at: i64,
    pub kind: String,
    pub actor_id: Option<Uuid>,
    pub customer: bool,
    pub body: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
    pub message_id: Option<String>,
}
}

macro_rules! event_cols {
    () => {
        "workspace_id, id, ticket_id, at, kind, actor_id, customer, body, from_value, to_value, reason, message_id"
    };
}

crate::registry::statements! {
    INSERT(33) [] = concat!("INSERT INTO desk_tickets (", ticket_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)");
    UPDATE(33) [] = "UPDATE desk_tickets SET number = $3, client_id = $4, contact_id = $5, requester = $6, subject = $7, kind = $8, category_id = $9, feature = $10, invoice_id = $11, priority = $12, status = $13, tier = $14, channel = $15, assignee_id = $16, merged_into = $17, follows = $18, created_at = $19, first_response_at = $20, resolved_at = $21, first_response_minutes = $22, resolution_minutes = $23, public_replies = $24, reopens = $25, transfers = $26, escalated = $27, first_response_due = $28, resolution_due = $29, due_at = $30, breached = $31, updated_at = $32, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $33";
    GET(2) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets WHERE workspace_id = $1 AND id = $2");
    BY_NUMBER(2) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets WHERE workspace_id = $1 AND number = $2");
    OPEN_OF_CLIENT(2) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets WHERE workspace_id = $1 AND client_id = $2 AND status NOT IN ('resolved', 'closed')");
    INSERT_EVENT(12) [] = concat!("INSERT INTO desk_events (", event_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    EVENTS(2) ["workspace_id", "id", "ticket_id", "at", "kind", "actor_id", "customer", "body", "from_value", "to_value", "reason", "message_id"] = concat!("SELECT ", event_cols!(), " FROM desk_events WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY at, id");
    INDEX_TEXT(4) [] @postgres = "INSERT INTO fts_desk (workspace_id, id, ticket_id, body) VALUES ($1, $2, $3, $4)";
    MOVE_INDEX(3) [] @postgres = "UPDATE fts_desk SET ticket_id = $3 WHERE workspace_id = $1 AND ticket_id = $2";
    TEXT_SEQ_ENSURE(2) [] @sqlite = "INSERT INTO fts_desk_tickets (workspace_id, ticket_id) VALUES ($1, $2) ON CONFLICT (workspace_id, ticket_id) DO NOTHING";
    TEXT_SEQ(2) ["seq"] @sqlite = "SELECT seq FROM fts_desk_tickets WHERE workspace_id = $1 AND ticket_id = $2";
    TEXT_LAST(2) ["last"] @sqlite = "SELECT CAST(COALESCE(MAX(rowid), $1 - 1) AS BIGINT) AS last FROM fts_desk WHERE rowid >= $1 AND rowid < $2";
    TEXT_INSERT(5) [] @sqlite = "INSERT INTO fts_desk (rowid, workspace_id, id, ticket_id, body) VALUES ($1, $2, $3, $4, $5)";
    TEXTS_OF(2) ["id", "body"] @sqlite = "SELECT id, body FROM fts_desk WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid";
    TEXTS_DROP(2) [] @sqlite = "DELETE FROM fts_desk WHERE rowid >= $1 AND rowid < $2";
    MATCHES_SQLITE(3) ["n"] @sqlite = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM fts_desk WHERE fts_desk MATCH $2 AND workspace_id = $1 LIMIT $3) m";
    MATCHES_PG(3) ["n"] @postgres = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM fts_desk WHERE workspace_id = $1 AND to_tsvector('simple', body) @@ to_tsquery('simple', $2) LIMIT $3) m";
    WARN_DUE(4) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets t WHERE t.workspace_id = $1 AND t.due_at >= $2 AND t.due_at < $3 AND t.status IN ('new', 'open') AND NOT EXISTS (SELECT 1 FROM desk_events e WHERE e.workspace_id = t.workspace_id AND e.ticket_id = t.id AND e.kind = 'sla_warning' AND e.to_value = CAST(t.due_at AS TEXT)) ORDER BY t.due_at LIMIT $4");
    BREACH_DUE(3) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets t WHERE t.workspace_id = $1 AND t.due_at < $2 AND t.status IN ('new', 'open') AND NOT EXISTS (SELECT 1 FROM desk_events e WHERE e.workspace_id = t.workspace_id AND e.ticket_id = t.id AND e.kind = 'sla_breach' AND e.to_value = CAST(t.due_at AS TEXT)) ORDER BY t.due_at LIMIT $3");
    LINK_TIME(3) [] = "INSERT INTO desk_ticket_time (workspace_id, entry_id, ticket_id) VALUES ($1, $2, $3)";
    TIME_OF(2) ["minutes", "entries"] = "SELECT CAST(COALESCE(SUM(e.minutes), 0) AS BIGINT) AS minutes, CAST(COUNT(e.id) AS BIGINT) AS entries FROM desk_ticket_time l JOIN time_entries e ON e.workspace_id = l.workspace_id AND e.id = l.entry_id WHERE l.workspace_id = $1 AND l.ticket_id = $2";
    NEXT_NUMBER(1) ["number"] = "UPDATE desk_settings SET next_number = next_number + 1 WHERE workspace_id = $1 RETURNING CAST(next_number - 1 AS BIGINT) AS number";
}

fn ticket_binds(t: &TicketRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(t.workspace_id),
        Bind::Uuid(t.id),
        Bind::Int(t.number),
        Bind::Uuid(t.client_id),
        Bind::from(t.contact_id),
        Bind::from(&t.requester),
        Bind::from(&t.subject),
        Bind::from(t.kind),
        Bind::from(t.category_id),
        Bind::from(&t.feature),
        Bind::from(t.invoice_id),
        Bind::from(t.priority),
        Bind::from(t.status),
        Bind::from(t.tier),
        Bind::from(t.channel),
        Bind::from(t.assignee_id),
        Bind::from(t.merged_into),
        Bind::from(t.follows),
        Bind::Int(t.created_at),
        Bind::from(t.first_response_at),
        Bind::from(t.resolved_at),
        Bind::from(t.first_response_minutes),
        Bind::from(t.resolution_minutes),
        Bind::from(t.public_replies),
        Bind::from(t.reopens),
        Bind::from(t.transfers),
        Bind::Bool(t.escalated),
        Bind::from(t.first_response_due),
        Bind::from(t.resolution_due),
        Bind::Int(t.due_at),
        Bind::Bool(t.breached),
        Bind::Int(t.updated_at),
        Bind::from(t.version),
    ]
}

/// Inserts a ticket and adds it to the dashboard's running totals.
pub async fn insert(c: &mut Conn<'_>, t: &TicketRow) -> Result<()> {
    INSERT.exec(c, &ticket_binds(t)).await?;
    totals::apply(c, None, Some(t)).await
}

/// Writes `t` over the stored ticket if it is still at `t.version`; `Conflict` when someone
/// changed it meanwhile. The running totals move from the stored row's contribution to `t`'s:
/// the row read here is the one replaced, as the version both carry proves.
pub async fn update(c: &mut Conn<'_>, t: &TicketRow) -> Result<()> {
    let old = get(c, WorkspaceId::from_uuid(t.workspace_id), t.id).await?;
    if old.version != t.version {
        return Err(crate::StoreError::Conflict("version".into()));
    }
    let n = UPDATE.exec(c, &ticket_binds(t)).await?;
    if n == 0 {
        return Err(crate::StoreError::Conflict("version".into()));
    }
    totals::apply(c, Some(&old), Some(t)).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<TicketRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

pub async fn by_number(c: &mut Conn<'_>, ws: WorkspaceId, number: i64) -> Result<TicketRow> {
    BY_NUMBER
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Int(number)])
        .await
}

/// Links a time entry to the ticket it was logged on.
pub async fn link_time(c: &mut Conn<'_>, ws: WorkspaceId, entry: Uuid, ticket: Uuid) -> Result<()> {
    LINK_TIME
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(entry), Bind::Uuid(ticket)],
        )
        .await?;
    Ok(())
}

/// The minutes logged on a ticket (entries since deleted drop out) and how many entries.
pub async fn time_of(c: &mut Conn<'_>, ws: WorkspaceId, ticket: Uuid) -> Result<(i64, i64)> {
    TIME_OF
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(ticket)])
        .await
}

/// Running tickets whose next deadline falls in `[from, to)` and was not warned of yet.
pub async fn warn_due(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<TicketRow>> {
    WARN_DUE
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(from),
                Bind::Int(to),
                Bind::Int(limit),
            ],
        )
        .await
}

/// Running tickets whose next deadline passed before `now` and whose breach was not recorded.
pub async fn breach_due(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    now: i64,
    limit: i64,
) -> Result<Vec<TicketRow>> {
    BREACH_DUE
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Int(now), Bind::Int(limit)],
        )
        .await
}

/// A client's tickets not yet resolved (an SLA policy change recomputes them).
pub async fn open_of_client(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<TicketRow>> {
    OPEN_OF_CLIENT
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await
}

pub async fn insert_event(c: &mut Conn<'_>, e: &EventRow) -> Result<()> {
    INSERT_EVENT
        .exec(
            c,
            &[
                Bind::Uuid(e.workspace_id),
                Bind::Uuid(e.id),
                Bind::Uuid(e.ticket_id),
                Bind::Int(e.at),
                Bind::from(&e.kind),
                Bind::from(e.actor_id),
                Bind::Bool(e.customer),
                Bind::from(&e.body),
                Bind::from(&e.from_value),
                Bind::from(&e.to_value),
                Bind::from(&e.reason),
                Bind::from(&e.message_id),
            ],
        )
        .await?;
    Ok(())
}

/// A ticket's events, oldest first.
pub async fn events(c: &mut Conn<'_>, ws: WorkspaceId, ticket: Uuid) -> Result<Vec<EventRow>> {
    EVENTS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(ticket)])
        .await
}

/// How many full-text rows one ticket may have on SQLite (its texts' rowids are
/// `seq * TEXTS + k`, migration 18).
const TEXTS: i64 = 1 << 20;

/// Adds `text` (a subject, a message) to the full-text index under `ticket`; on SQLite the row
/// is keyed by the ticket.
pub async fn index_text(c: &mut Conn<'_>, ws: WorkspaceId, ticket: Uuid, text: &str) -> Result<()> {
    if matches!(c, Conn::Pg(_)) {
        INDEX_TEXT
            .exec(
                c,
                &[
                    Bind::Uuid(ws.uuid()),
                    Bind::Uuid(Uuid::now_v7()),
                    Bind::Uuid(ticket),
                    Bind::from(text),
                ],
            )
            .await?;
        return Ok(());
    }
    keyed_text(c, ws, ticket, Uuid::now_v7(), text).await
}

/// The first rowid of a ticket's texts on SQLite (its number in the index made if new).
async fn text_base(c: &mut Conn<'_>, ws: WorkspaceId, ticket: Uuid) -> Result<i64> {
    let key = [Bind::Uuid(ws.uuid()), Bind::Uuid(ticket)];
    TEXT_SEQ_ENSURE.exec(c, &key).await?;
    let (seq,): (i64,) = TEXT_SEQ.fetch_one(c, &key).await?;
    Ok(seq * TEXTS)
}

/// Adds a text under the ticket's next rowid (SQLite).
async fn keyed_text(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
    id: Uuid,
    text: &str,
) -> Result<()> {
    let base = text_base(c, ws, ticket).await?;
    let (last,): (i64,) = TEXT_LAST
        .fetch_one(c, &[Bind::Int(base), Bind::Int(base + TEXTS)])
        .await?;
    if last + 1 >= base + TEXTS {
        return Err(crate::StoreError::Conflict("desk_texts".into()));
    }
    TEXT_INSERT
        .exec(
            c,
            &[
                Bind::Int(last + 1),
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::Uuid(ticket),
                Bind::from(text),
            ],
        )
        .await?;
    Ok(())
}

/// A merged ticket's words are found under the ticket it went into (on SQLite its texts move
/// to that ticket's rowids).
pub async fn move_index(c: &mut Conn<'_>, ws: WorkspaceId, from: Uuid, to: Uuid) -> Result<()> {
    if matches!(c, Conn::Pg(_)) {
        MOVE_INDEX
            .exec(
                c,
                &[Bind::Uuid(ws.uuid()), Bind::Uuid(from), Bind::Uuid(to)],
            )
            .await?;
        return Ok(());
    }
    let base = text_base(c, ws, from).await?;
    let range = [Bind::Int(base), Bind::Int(base + TEXTS)];
    let texts: Vec<(Uuid, String)> = TEXTS_OF.fetch(c, &range).await?;
    TEXTS_DROP.exec(c, &range).await?;
    for (id, body) in texts {
        keyed_text(c, ws, to, id, &body).await?;
    }
    Ok(())
}

/// The next ticket number of the workspace (its settings row must exist: `setup::ensure`).
pub async fn next_number(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<i64> {
    let (n,): (i64,) = NEXT_NUMBER.fetch_one(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(n)
}

/// How a ticket list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ListSort {
    #[default]
    Newest,
    Oldest,
    /// The nearest SLA deadline first.
    Due,
    /// The latest activity first.
    Updated,
}

impl ListSort {
    pub const ALL: [ListSort; 4] = [
        ListSort::Newest,
        ListSort::Oldest,
        ListSort::Due,
        ListSort::Updated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ListSort::Newest => "newest",
            ListSort::Oldest => "oldest",
            ListSort::Due => "due",
            ListSort::Updated => "updated",
        }
    }
    pub fn parse(s: &str) -> Option<ListSort> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
    /// The sort column and whether it descends.
    fn key(self) -> (&'static str, bool) {
        match self {
            ListSort::Newest => ("created_at", true),
            ListSort::Oldest => ("created_at", false),
            ListSort::Due => ("due_at", false),
            ListSort::Updated => ("updated_at", true),
        }
    }
    /// The sort value of a row (a cursor is made of it and the id).
    pub fn value(self, t: &TicketRow) -> i64 {
        match self {
            ListSort::Newest | ListSort::Oldest => t.created_at,
            ListSort::Due => t.due_at,
            ListSort::Updated => t.updated_at,
        }
    }
    /// The cursor before the first row.
    fn start(self) -> (i64, Uuid) {
        if self.key().1 {
            (i64::MAX, Uuid::max())
        } else {
            (i64::MIN, Uuid::nil())
        }
    }
}

/// What a ticket list shows: every filter optional.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Any of these statuses (at most four).
    pub statuses: Vec<Status>,
    pub assignee: Option<Uuid>,
    pub unassigned: bool,
    pub client: Option<Uuid>,
    /// A running SLA deadline before this instant (breaching soon, or breached).
    pub due_before: Option<i64>,
    /// Words, each matched as a prefix, all required; a number also finds the ticket of that
    /// number.
    pub words: Vec<String>,
    pub number: Option<i64>,
    /// Created in `[from, to)` (microseconds).
    pub created: Option<(i64, i64)>,
    /// Resolved (last resolution) in `[from, to)`, merged duplicates left out.
    pub resolved: Option<(i64, i64)>,
    pub priority: Option<Priority>,
    pub kind: Option<TicketType>,
    pub tier: Option<Tier>,
    pub category: Option<Uuid>,
    /// Leave out tickets of these types (a contact who may not see billing).
    pub not_kind: Option<TicketType>,
    pub sort: ListSort,
    /// The page after this row (its sort value and id).
    pub after: Option<(i64, Uuid)>,
    pub limit: i64,
}

/// A list variant: which optional conditions are present, the sort and the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ListKey {
    present: [bool; 8],
    sort: ListSort,
    engine: Backend,
    /// The search words are common (see [`DENSE`]); only with a search.
    dense: bool,
}

/// How many matching texts make a search's words common: the list then walks tickets in its
/// order instead of reading the matches' tickets.
pub const DENSE: i64 = 2_000;

fn list_keys() -> Vec<ListKey> {
    let mut out = Vec::new();
    for engine in [Backend::Sqlite, Backend::Postgres] {
        for present in crate::registry::presence::<8>() {
            for sort in ListSort::ALL {
                for dense in [false, true] {
                    // `present[5]`: the search.
                    if dense && !present.get(5).copied().unwrap_or(false) {
                        continue;
                    }
                    out.push(ListKey {
                        present,
                        sort,
                        engine,
                        dense,
                    });
                }
            }
        }
    }
    out
}

/// `$1` the workspace, `$2`..`$6` priority, type, tier, category and the type left out (each
/// ignored when NULL), then the present conditions, the cursor and the limit.
fn list_sql(k: &ListKey) -> Variant {
    // Few matches: their tickets, read from the matches. Many (`dense`): tickets walked in the
    // list's order, each kept if it is in the matches' set of tickets (SQLite: from the word
    // lists alone, migration 18) or has a text with the words (PostgreSQL: by its texts'
    // index), so a page of a common word stops at the page.
    let search = match (k.engine, k.dense) {
        (Backend::Sqlite, false) => {
            " AND (number = ?1 OR id IN (SELECT ticket_id FROM fts_desk WHERE fts_desk MATCH ?2 AND workspace_id = $1))"
        }
        (Backend::Sqlite, true) => {
            " AND (number = ?1 OR EXISTS (SELECT 1 FROM fts_desk_tickets s WHERE s.workspace_id = $1 AND s.ticket_id = desk_tickets.id AND s.seq IN (SELECT rowid >> 20 FROM fts_desk WHERE fts_desk MATCH ?2)))"
        }
        // One set of ids (the matches' tickets and the one of that number) rather than an OR,
        // which PostgreSQL can only test row by row while walking every ticket.
        (Backend::Postgres, false) => {
            " AND id IN (SELECT ticket_id FROM fts_desk WHERE workspace_id = $1 AND to_tsvector('simple', body) @@ to_tsquery('simple', ?2) UNION ALL SELECT id FROM desk_tickets WHERE workspace_id = $1 AND number = ?1)"
        }
        (Backend::Postgres, true) => {
            // `OFFSET 0` keeps the planner from turning the EXISTS into a hashed set of every
            // match (the cost this way avoids).
            " AND (number = ?1 OR EXISTS (SELECT 1 FROM fts_desk f WHERE f.workspace_id = $1 AND f.ticket_id = desk_tickets.id AND to_tsvector('simple', f.body) @@ to_tsquery('simple', ?2) OFFSET 0))"
        }
    };
    let conds: [crate::registry::Cond; 8] = [
        (" AND status IN (?1, ?2, ?3, ?4)", 4),
        (" AND assignee_id = ?1", 1),
        (" AND assignee_id IS NULL", 0),
        (" AND client_id = ?1", 1),
        (" AND due_at < ?1", 1),
        (search, 2),
        (" AND created_at >= ?1 AND created_at < ?2", 2),
        (
            " AND resolved_at >= ?1 AND resolved_at < ?2 AND merged_into IS NULL",
            2,
        ),
    ];
    let (cond_sql, next) = conds_sql(&conds, &k.present, 7);
    let (col, desc) = k.sort.key();
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let sql = format!(
        "SELECT {TICKET_COLS} FROM desk_tickets WHERE workspace_id = $1 AND (priority = $2 OR $2 IS NULL) AND (kind = $3 OR $3 IS NULL) AND (tier = $4 OR $4 IS NULL) AND (category_id = $5 OR $5 IS NULL) AND (kind <> $6 OR $6 IS NULL){cond_sql} AND ({col} {cmp} ${a} OR ({col} = ${a} AND id {cmp} ${b})) ORDER BY {col} {dir}, id {dir} LIMIT ${l}",
        a = next,
        b = next + 1,
        l = next + 2,
    );
    let mut v = Variant::both(sql, next + 2, &TICKET_COLUMN_NAMES);
    v.engine = Some(k.engine);
    v
}

pub(crate) const TICKET_COLUMN_NAMES: [&str; 33] = [
    "workspace_id",
    "id",
    "number",
    "client_id",
    "contact_id",
    "requester",
    "subject",
    "kind",
    "category_id",
    "feature",
    "invoice_id",
    "priority",
    "status",
    "tier",
    "channel",
    "assignee_id",
    "merged_into",
    "follows",
    "created_at",
    "first_response_at",
    "resolved_at",
    "first_response_minutes",
    "resolution_minutes",
    "public_replies",
    "reopens",
    "transfers",
    "escalated",
    "first_response_due",
    "resolution_due",
    "due_at",
    "breached",
    "updated_at",
    "version",
];

crate::registry::family! {
    /// The ticket list: one text per filter shape, sort and engine.
    LIST: ListKey = list_keys, list_sql;
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&LIST, &totals::SCOPED];

/// The search words as each engine's query: FTS5 prefix phrases (`"word"*`), or a PostgreSQL
/// `tsquery` of prefixes (`word:* & …`). Words are letters and digits only, so neither syntax
/// can be broken by what a person types.
fn search_query(engine: Backend, words: &[String]) -> String {
    match engine {
        Backend::Sqlite => words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// Whether the words match at least [`DENSE`] texts of the workspace. On SQLite the words as
/// whole tokens are counted first: FTS5 reads whole tokens lazily and stops at the limit, while
/// a prefix first gathers every token it starts (its count follows only when the whole words
/// fall short).
async fn common(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    engine: Backend,
    words: &[String],
) -> Result<bool> {
    let count = |probe: &'static crate::registry::Stmt, query: String| {
        let binds = [Bind::Uuid(ws.uuid()), Bind::Text(query), Bind::Int(DENSE)];
        (probe, binds)
    };
    let probes = match engine {
        Backend::Sqlite => {
            let whole = words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" ");
            vec![
                count(&MATCHES_SQLITE, whole),
                count(&MATCHES_SQLITE, search_query(engine, words)),
            ]
        }
        Backend::Postgres => vec![count(&MATCHES_PG, search_query(engine, words))],
    };
    for (probe, binds) in probes {
        let (n,): (i64,) = probe.fetch_one(c, &binds).await?;
        if n >= DENSE {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One page of the workspace's tickets matching `f`.
pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId, f: &ListFilter) -> Result<Vec<TicketRow>> {
    list_as(c, ws, f, None).await
}

/// [`list`] with the search's way forced (`dense`: walk the tickets) instead of chosen by how
/// common the words are: both ways must give the same page (tests compare them).
pub async fn list_as(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &ListFilter,
    force_dense: Option<bool>,
) -> Result<Vec<TicketRow>> {
    let engine = match c {
        Conn::Sqlite(_) => Backend::Sqlite,
        Conn::Pg(_) => Backend::Postgres,
    };
    let words: Vec<String> = f
        .words
        .iter()
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric))
        .cloned()
        .collect();
    let statuses = (!f.statuses.is_empty()).then(|| {
        (0..4)
            .map(|i| {
                let s = f.statuses.get(i).or(f.statuses.last());
                Bind::from(s.copied())
            })
            .collect::<Vec<_>>()
    });
    let search = (!words.is_empty() || f.number.is_some()).then(|| {
        vec![
            Bind::Int(f.number.unwrap_or(-1)),
            Bind::Text(if words.is_empty() {
                // A number alone: no word can match this.
                search_query(engine, &["0zzzzzzzz".to_string()])
            } else {
                search_query(engine, &words)
            }),
        ]
    });
    let (present, cond_binds) = crate::registry::present([
        statuses,
        f.assignee.map(|a| vec![Bind::Uuid(a)]),
        f.unassigned.then(Vec::new),
        f.client.map(|a| vec![Bind::Uuid(a)]),
        f.due_before.map(|d| vec![Bind::Int(d)]),
        search,
        f.created.map(|(a, b)| vec![Bind::Int(a), Bind::Int(b)]),
        f.resolved.map(|(a, b)| vec![Bind::Int(a), Bind::Int(b)]),
    ]);
    let dense = if words.is_empty() {
        false
    } else if let Some(d) = force_dense {
        d
    } else {
        common(c, ws, engine, &words).await?
    };
    let key = ListKey {
        present,
        sort: f.sort,
        engine,
        dense,
    };
    let mut binds = vec![
        Bind::Uuid(ws.uuid()),
        Bind::from(f.priority),
        Bind::from(f.kind),
        Bind::from(f.tier),
        Bind::from(f.category),
        Bind::from(f.not_kind),
    ];
    binds.extend(cond_binds);
    let (v, id) = f.after.unwrap_or_else(|| f.sort.start());
    binds.push(Bind::Int(v));
    binds.push(Bind::Uuid(id));
    binds.push(Bind::Int(f.limit));
    LIST.get(&key)?.fetch(c, &binds).await
}
