//! What the service KPIs read, as aggregates over the ticket rows (their counters and business
//! minutes are kept on every write, the running aggregates): tickets created in a period by
//! type and category and by time bucket, tickets resolved in a period by client, priority and
//! agent, the minutes behind the median times, the backlog at an instant, abandoned contacts.
use crate::registry::Variant;
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::desk::states::{Priority, TicketType};
use uuid::Uuid;

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
/// Tickets resolved in a period, per client, priority and assignee.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResolvedRow {
    pub client_id: Uuid,
    pub priority: Priority,
    pub assignee_id: Option<Uuid>,
    pub n: i64,
    /// Exactly one public reply, never reopened, never transferred.
    pub first_contact: i64,
    /// Never escalated to second line.
    pub first_line: i64,
    pub reopened: i64,
    /// Neither SLA target breached.
    pub within_sla: i64,
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
    CREATED(3) ["kind", "category_id", "n", "transferred", "calls"] = "SELECT kind, category_id, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(CASE WHEN transfers > 0 THEN 1 ELSE 0 END) AS BIGINT) AS transferred, CAST(SUM(CASE WHEN channel IN ('phone', 'chat') THEN 1 ELSE 0 END) AS BIGINT) AS calls FROM desk_tickets WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND merged_into IS NULL GROUP BY kind, category_id";
    RESOLVED(3) ["client_id", "priority", "assignee_id", "n", "first_contact", "first_line", "reopened", "within_sla"] = "SELECT client_id, priority, assignee_id, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(CASE WHEN public_replies = 1 AND reopens = 0 AND transfers = 0 THEN 1 ELSE 0 END) AS BIGINT) AS first_contact, CAST(SUM(CASE WHEN escalated THEN 0 ELSE 1 END) AS BIGINT) AS first_line, CAST(SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS BIGINT) AS reopened, CAST(SUM(CASE WHEN breached THEN 0 ELSE 1 END) AS BIGINT) AS within_sla FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND resolved_at < $3 AND merged_into IS NULL AND status IN ('resolved', 'closed') GROUP BY client_id, priority, assignee_id";
    RESOLUTION_COUNT(3) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND resolved_at < $3 AND merged_into IS NULL AND status IN ('resolved', 'closed') AND resolution_minutes IS NOT NULL";
    RESOLUTION_MIDDLE(5) ["resolution_minutes"] = "SELECT resolution_minutes FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND resolved_at < $3 AND merged_into IS NULL AND status IN ('resolved', 'closed') AND resolution_minutes IS NOT NULL ORDER BY resolution_minutes LIMIT $4 OFFSET $5";
    FIRST_RESPONSE_COUNT(3) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_tickets WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND merged_into IS NULL AND first_response_minutes IS NOT NULL";
    FIRST_RESPONSE_MIDDLE(5) ["first_response_minutes"] = "SELECT first_response_minutes FROM desk_tickets WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND merged_into IS NULL AND first_response_minutes IS NOT NULL ORDER BY first_response_minutes LIMIT $4 OFFSET $5";
    BACKLOG(6) ["under_1", "under_3", "under_7", "under_30", "older"] = "SELECT CAST(COALESCE(SUM(CASE WHEN created_at > $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_1, CAST(COALESCE(SUM(CASE WHEN created_at <= $3 AND created_at > $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_3, CAST(COALESCE(SUM(CASE WHEN created_at <= $4 AND created_at > $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_7, CAST(COALESCE(SUM(CASE WHEN created_at <= $5 AND created_at > $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS under_30, CAST(COALESCE(SUM(CASE WHEN created_at <= $6 THEN 1 ELSE 0 END), 0) AS BIGINT) AS older FROM (SELECT created_at FROM desk_tickets WHERE workspace_id = $1 AND resolved_at IS NULL AND created_at < $2 AND merged_into IS NULL UNION ALL SELECT created_at FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND created_at < $2 AND merged_into IS NULL) b";
    BACKLOG_CHANGED(2) ["id", "created_at", "reopens"] = "SELECT id, created_at, reopens FROM desk_tickets WHERE workspace_id = $1 AND resolved_at IS NULL AND +created_at < $2 AND merged_into IS NULL AND reopens > 0 AND updated_at >= $2 UNION ALL SELECT id, created_at, reopens FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND +created_at < $2 AND merged_into IS NULL AND reopens > 0 AND updated_at >= $2";
    ABANDONED(3) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_abandoned WHERE workspace_id = $1 AND at >= $2 AND at < $3";
    INSERT_ABANDONED(8) [] = "INSERT INTO desk_abandoned (workspace_id, id, channel, client_id, at, waited_seconds, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
}

fn period(ws: WorkspaceId, from: i64, to: i64) -> [Bind; 3] {
    [Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)]
}

pub async fn created(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<CreatedRow>> {
    CREATED.fetch(c, &period(ws, from, to)).await
}

pub async fn resolved(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<ResolvedRow>> {
    RESOLVED.fetch(c, &period(ws, from, to)).await
}

/// The median of a set read by `count` and `middle` (its values in order, `LIMIT`/`OFFSET`):
/// the middle value, or the mean of the two middle values rounded down; and the set's size.
async fn median_of(
    c: &mut Conn<'_>,
    count: &crate::registry::Stmt,
    middle: &crate::registry::Stmt,
    binds: [Bind; 3],
) -> Result<(Option<i64>, i64)> {
    let (n,): (i64,) = count.fetch_one(c, &binds).await?;
    if n == 0 {
        return Ok((None, 0));
    }
    let (take, skip) = if n % 2 == 1 {
        (1, n / 2)
    } else {
        (2, n / 2 - 1)
    };
    let mut b = binds.to_vec();
    b.push(Bind::Int(take));
    b.push(Bind::Int(skip));
    let rows: Vec<(i64,)> = middle.fetch(c, &b).await?;
    let sum: i64 = rows.iter().map(|(v,)| v).sum();
    let k = i64::try_from(rows.len()).unwrap_or(1).max(1);
    Ok((Some(sum.div_euclid(k)), n))
}

/// The median first response time (business minutes) of the tickets created in `[from, to)`
/// and how many had one.
pub async fn first_response_median(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<(Option<i64>, i64)> {
    median_of(
        c,
        &FIRST_RESPONSE_COUNT,
        &FIRST_RESPONSE_MIDDLE,
        period(ws, from, to),
    )
    .await
}

/// The median resolution time of the tickets resolved in `[from, to)` and how many.
pub async fn resolution_median(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<(Option<i64>, i64)> {
    median_of(
        c,
        &RESOLUTION_COUNT,
        &RESOLUTION_MIDDLE,
        period(ws, from, to),
    )
    .await
}

/// Tickets created before `at` and not resolved then by their latest resolution, counted per
/// age at `at` (under 1 day, 1–3, 3–7, 7–30, 30 and over).
pub async fn backlog(c: &mut Conn<'_>, ws: WorkspaceId, at: i64) -> Result<[i64; 5]> {
    const DAY: i64 = 86_400_000_000;
    let (a, b, cc, d, e): (i64, i64, i64, i64, i64) = BACKLOG
        .fetch_one(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Int(at),
                Bind::Int(at - DAY),
                Bind::Int(at - 3 * DAY),
                Bind::Int(at - 7 * DAY),
                Bind::Int(at - 30 * DAY),
            ],
        )
        .await?;
    Ok([a, b, cc, d, e])
}

/// Of those, the tickets reopened and changed since `at`: they may have been resolved at `at`,
/// which only their history tells. Two ranges of the resolved index, which covers the columns
/// read (`+created_at` keeps the planner off the created index, a scan of every older ticket).
pub async fn backlog_changed(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    at: i64,
) -> Result<Vec<BacklogRow>> {
    BACKLOG_CHANGED
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(at)])
        .await
}

pub async fn abandoned(c: &mut Conn<'_>, ws: WorkspaceId, from: i64, to: i64) -> Result<i64> {
    let (n,): (i64,) = ABANDONED.fetch_one(c, &period(ws, from, to)).await?;
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

fn bucket_keys() -> Vec<usize> {
    (1..=MAX_BUCKETS).collect()
}

/// Tickets created per bucket and type: `$2` the period's start, `$3`… each bucket's end.
fn trend_sql(n: &usize) -> Variant {
    let n = *n;
    // One bucket holds everything; more are told apart by their ends.
    let mut case = String::from("0");
    if n > 1 {
        case = String::from("CASE");
        for i in 0..n - 1 {
            case.push_str(&format!(" WHEN created_at < ${} THEN {i}", i + 3));
        }
        case.push_str(&format!(" ELSE {} END", n - 1));
    }
    let last = n + 2;
    Variant::both(
        format!(
            "SELECT CAST({case} AS BIGINT) AS bucket, kind, CAST(COUNT(*) AS BIGINT) AS n FROM desk_tickets WHERE workspace_id = $1 AND created_at >= $2 AND created_at < ${last} AND merged_into IS NULL GROUP BY 1, kind"
        ),
        last,
        &["bucket", "kind", "n"],
    )
}

crate::registry::family! {
    /// The volume trend: one text per number of buckets.
    TREND: usize = bucket_keys, trend_sql;
}

/// Tickets created per bucket (`ends` each bucket's end, the last the period's) and type.
pub async fn trend(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    ends: &[i64],
) -> Result<Vec<(i64, TicketType, i64)>> {
    let mut binds = vec![Bind::Uuid(ws.uuid()), Bind::Int(from)];
    binds.extend(ends.iter().map(|e| Bind::Int(*e)));
    TREND.get(&ends.len())?.fetch(c, &binds).await
}
