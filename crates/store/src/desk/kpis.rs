//! What the service KPIs read besides the running totals (`totals.rs`): the backlog at an
//! instant with its ageing buckets, and abandoned contacts.
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::desk::states::{Priority, TicketType};
use uuid::Uuid;

/// Which tickets a dashboard counts: each `None` is any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub client: Option<Uuid>,
    pub priority: Option<Priority>,
    pub kind: Option<TicketType>,
    pub category: Option<Uuid>,
    pub assignee: Option<Uuid>,
}

impl Scope {
    /// Every ticket: the running totals answer.
    pub fn is_all(&self) -> bool {
        *self == Scope::default()
    }
    /// Whether a ticket is in it.
    pub fn holds(&self, t: &super::TicketRow) -> bool {
        self.client.is_none_or(|c| c == t.client_id)
            && self.priority.is_none_or(|p| p == t.priority)
            && self.kind.is_none_or(|k| k == t.kind)
            && self.category.is_none_or(|c| Some(c) == t.category_id)
            && self.assignee.is_none_or(|a| Some(a) == t.assignee_id)
    }
    /// Its five parameters, in the order of the scoped statements.
    pub(crate) fn binds(&self) -> [Bind; 5] {
        [
            Bind::from(self.client),
            Bind::from(self.priority),
            Bind::from(self.kind),
            Bind::from(self.category),
            Bind::from(self.assignee),
        ]
    }
    /// Which fields it sets and their values, for the statements that name only those.
    pub(crate) fn present(&self) -> ([bool; 5], Vec<Bind>) {
        crate::registry::present([
            self.client.map(|v| vec![Bind::Uuid(v)]),
            self.priority.map(|v| vec![Bind::from(v)]),
            self.kind.map(|v| vec![Bind::from(v)]),
            self.category.map(|v| vec![Bind::Uuid(v)]),
            self.assignee.map(|v| vec![Bind::Uuid(v)]),
        ])
    }
}

/// A narrowing's conditions, one equality per field set, parameters from `$first`.
pub(crate) fn scope_conds(present: &[bool; 5], first: usize) -> (String, usize) {
    let conds: [crate::registry::Cond; 5] = [
        (" AND client_id = ?1", 1),
        (" AND priority = ?1", 1),
        (" AND kind = ?1", 1),
        (" AND category_id = ?1", 1),
        (" AND assignee_id = ?1", 1),
    ];
    crate::registry::conds_sql(&conds, present, first)
}

fn scope_keys() -> Vec<[bool; 5]> {
    crate::registry::presence::<5>()
}

/// The backlog of a narrowing: [`BACKLOG`] with its conditions in both parts.
fn backlog_sql(present: &[bool; 5]) -> crate::registry::Variant {
    let (c, next) = scope_conds(present, 7);
    let sql = BACKLOG.sql.replacen(
        " AND merged_into IS NULL UNION ALL",
        &format!(" AND merged_into IS NULL{c} UNION ALL"),
        1,
    );
    let sql = sql.replacen(
        " AND merged_into IS NULL) b",
        &format!(" AND merged_into IS NULL{c}) b"),
        1,
    );
    crate::registry::Variant::both(
        sql,
        next - 1,
        &["under_1", "under_3", "under_7", "under_30", "older"],
    )
}

/// [`BACKLOG_CHANGED`] of a narrowing.
fn backlog_changed_sql(present: &[bool; 5]) -> crate::registry::Variant {
    let (c, next) = scope_conds(present, 3);
    let sql = BACKLOG_CHANGED.sql.replacen(
        " AND updated_at >= $2 UNION ALL",
        &format!(" AND updated_at >= $2{c} UNION ALL"),
        1,
    ) + &c;
    crate::registry::Variant::both(sql, next - 1, &["id", "created_at", "reopens"])
}

crate::registry::family! {
    /// The backlog of a narrowing, one text per fields set.
    BACKLOG_SCOPED: [bool; 5] = scope_keys, backlog_sql;
}

crate::registry::family! {
    /// The backlog's reopened tickets of a narrowing.
    BACKLOG_CHANGED_SCOPED: [bool; 5] = scope_keys, backlog_changed_sql;
}

pub(crate) static FAMILIES: &[&dyn crate::registry::Variants] =
    &[&BACKLOG_SCOPED, &BACKLOG_CHANGED_SCOPED];

/// The most trend buckets a period is cut into.
pub const MAX_BUCKETS: usize = 14;

crate::registry::row! {
/// Tickets created in a period, per type and category.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CreatedRow {
    pub kind: TicketType,
    pub category_id: Option<Uuid>,
    pub n: i64,
    pub transferred: i64,
    /// Phone and chat contacts (offered contacts, with the abandoned ones).
    pub calls: i64,
}
}

crate::registry::row! {
/// A ticket of the backlog at an instant.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BacklogRow {
    pub id: Uuid,
    pub created_at: i64,
    pub reopens: i32,
}
}

crate::registry::statements! {
    BACKLOG(6) ["under_1", "under_3", "under_7", "under_30", "older"] = "SELECT CAST(COALESCE(SUM(CASE WHEN created_at > $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_1, CAST(COALESCE(SUM(CASE WHEN created_at <= $3 AND created_at > $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_3, CAST(COALESCE(SUM(CASE WHEN created_at <= $4 AND created_at > $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_7, CAST(COALESCE(SUM(CASE WHEN created_at <= $5 AND created_at > $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_30, CAST(COALESCE(SUM(CASE WHEN created_at <= $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS older FROM (SELECT created_at FROM desk_tickets WHERE workspace_id = $1 AND resolved_at IS NULL AND created_at < $2 AND merged_into IS NULL UNION ALL SELECT created_at FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND created_at < $2 AND merged_into IS NULL) b";
    BACKLOG_CHANGED(2) ["id", "created_at", "reopens"] = "SELECT id, created_at, reopens FROM desk_tickets WHERE workspace_id = $1 AND resolved_at IS NULL AND +created_at < $2 AND merged_into IS NULL AND reopens > 0 AND updated_at >= $2 UNION ALL SELECT id, created_at, reopens FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND +created_at < $2 AND merged_into IS NULL AND reopens > 0 AND updated_at >= $2";
    ABANDONED_CLIENT(4) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_abandoned WHERE workspace_id = $1 AND at >= $2 AND at < $3 AND client_id = $4";
    ABANDONED(3) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_abandoned WHERE workspace_id = $1 AND at >= $2 AND at < $3";
    INSERT_ABANDONED(8) [] = "INSERT INTO desk_abandoned (workspace_id, id, channel, client_id, at, waited_seconds, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
}

fn period(ws: WorkspaceId, from: i64, to: i64) -> [Bind; 3] {
    [Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)]
}

/// Tickets of `scope` created before `at` and not resolved then by their latest resolution,
/// counted per age at `at` (under 1 day, 1–3, 3–7, 7–30, 30 and over).
pub async fn backlog(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    at: i64,
    scope: &Scope,
) -> Result<[i64; 5]> {
    const DAY: i64 = 86_400_000_000;
    let mut binds = vec![
        Bind::Uuid(ws.uuid()),
        Bind::Int(at),
        Bind::Int(at - DAY),
        Bind::Int(at - 3 * DAY),
        Bind::Int(at - 7 * DAY),
        Bind::Int(at - 30 * DAY),
    ];
    let stmt = if scope.is_all() {
        &BACKLOG
    } else {
        let (present, b) = scope.present();
        binds.extend(b);
        BACKLOG_SCOPED.get(&present)?
    };
    let (a, b, cc, d, e): (i64, i64, i64, i64, i64) = stmt.fetch_one(c, &binds).await?;
    Ok([a, b, cc, d, e])
}

/// Of those, the tickets reopened and changed since `at`: they may have been resolved at `at`,
/// which only their history tells. Two ranges of the resolved index, which covers the columns
/// read (`+created_at` keeps the planner off the created index, a scan of every older ticket).
pub async fn backlog_changed(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    at: i64,
    scope: &Scope,
) -> Result<Vec<BacklogRow>> {
    let mut binds = vec![Bind::Uuid(ws.uuid()), Bind::Int(at)];
    if scope.is_all() {
        return BACKLOG_CHANGED.fetch(c, &binds).await;
    }
    let (present, b) = scope.present();
    binds.extend(b);
    BACKLOG_CHANGED_SCOPED.get(&present)?.fetch(c, &binds).await
}

/// Calls and chats abandoned in `[from, to)`, of one client if given.
pub async fn abandoned(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
    client: Option<Uuid>,
) -> Result<i64> {
    let (n,): (i64,) = match client {
        None => ABANDONED.fetch_one(c, &period(ws, from, to)).await?,
        Some(cl) => {
            let mut b = period(ws, from, to).to_vec();
            b.push(Bind::Uuid(cl));
            ABANDONED_CLIENT.fetch_one(c, &b).await?
        }
    };
    Ok(n)
}

/// A call or chat left before an answer.
#[derive(Clone, Debug)]
pub struct AbandonedRow {
    pub id: Uuid,
    pub channel: String,
    pub client_id: Option<Uuid>,
    pub at: i64,
    pub waited_seconds: Option<i64>,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
}

pub async fn insert_abandoned(c: &mut Conn<'_>, ws: WorkspaceId, r: &AbandonedRow) -> Result<()> {
    INSERT_ABANDONED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(r.id),
                Bind::from(&r.channel),
                Bind::from(r.client_id),
                Bind::Int(r.at),
                Bind::from(r.waited_seconds),
                Bind::from(&r.note),
                Bind::from(r.created_by),
            ],
        )
        .await?;
    Ok(())
}
