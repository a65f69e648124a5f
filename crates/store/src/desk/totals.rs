//! The service dashboard's running totals (migration 0016): what each ticket contributes —
//! created (type, category, transferred, phone or chat), first response minutes, resolved
//! (client, priority, first contact, first line, reopened, within SLA; agent), resolution
//! minutes — added per UTC day and month on every ticket write as the difference between the
//! ticket's old and new contribution, and read back as sums over ranges of periods.
use super::TicketRow;
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::desk::cover::{Grain, day_of, month_of};
use mesure_domain::desk::states::{Channel, Priority, Status, TicketType};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The measures whose minutes are kept per value, for the medians.
pub const FIRST_RESPONSE: &str = "first_response";
pub const RESOLUTION: &str = "resolution";

/// A ticket created: (type, category or nil) → (tickets, transferred, phone or chat).
pub type CreatedKey = (TicketType, Uuid);
/// A ticket resolved: (client, priority) → (tickets, first contact, first line, reopened,
/// within SLA).
pub type ResolvedKey = (Uuid, Priority);

/// What one ticket adds to the totals, each part at its instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contribution {
    pub created: Option<(i64, CreatedKey, [i64; 3])>,
    pub first_response: Option<(i64, i64)>,
    pub resolved: Option<(i64, ResolvedKey, [i64; 5])>,
    /// (resolved at, assignee or nil).
    pub agent: Option<(i64, Uuid)>,
    pub resolution: Option<(i64, i64)>,
}

/// The one definition of a ticket's contribution: a merged ticket counts nowhere; a ticket
/// counts as resolved while its status is resolved or closed, at its latest resolution.
pub fn contribution(t: &TicketRow) -> Contribution {
    if t.merged_into.is_some() {
        return Contribution::default();
    }
    let created = Some((
        t.created_at,
        (t.kind, t.category_id.unwrap_or_else(Uuid::nil)),
        [
            1,
            i64::from(t.transfers > 0),
            i64::from(matches!(t.channel, Channel::Phone | Channel::Chat)),
        ],
    ));
    let first_response = t.first_response_minutes.map(|m| (t.created_at, m));
    let done = matches!(t.status, Status::Resolved | Status::Closed);
    let (resolved, agent, resolution) = match t.resolved_at {
        Some(at) if done => (
            Some((
                at,
                (t.client_id, t.priority),
                [
                    1,
                    i64::from(t.public_replies == 1 && t.reopens == 0 && t.transfers == 0),
                    i64::from(!t.escalated),
                    i64::from(t.reopens > 0),
                    i64::from(!t.breached),
                ],
            )),
            Some((at, t.assignee_id.unwrap_or_else(Uuid::nil))),
            t.resolution_minutes.map(|m| (at, m)),
        ),
        _ => (None, None, None),
    };
    Contribution {
        created,
        first_response,
        resolved,
        agent,
        resolution,
    }
}

crate::registry::statements! {
    ADD_CREATED(8) [] = "INSERT INTO desk_totals_created (workspace_id, grain, period, kind, category_id, n, transferred, calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, grain, period, kind, category_id) DO UPDATE SET n = desk_totals_created.n + excluded.n, transferred = desk_totals_created.transferred + excluded.transferred, calls = desk_totals_created.calls + excluded.calls";
    DROP_CREATED(5) [] = "DELETE FROM desk_totals_created WHERE workspace_id = $1 AND grain = $2 AND period = $3 AND kind = $4 AND category_id = $5 AND n = 0";
    ADD_RESOLVED(10) [] = "INSERT INTO desk_totals_resolved (workspace_id, grain, period, client_id, priority, n, first_contact, first_line, reopened, within_sla) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (workspace_id, grain, period, client_id, priority) DO UPDATE SET n = desk_totals_resolved.n + excluded.n, first_contact = desk_totals_resolved.first_contact + excluded.first_contact, first_line = desk_totals_resolved.first_line + excluded.first_line, reopened = desk_totals_resolved.reopened + excluded.reopened, within_sla = desk_totals_resolved.within_sla + excluded.within_sla";
    DROP_RESOLVED(5) [] = "DELETE FROM desk_totals_resolved WHERE workspace_id = $1 AND grain = $2 AND period = $3 AND client_id = $4 AND priority = $5 AND n = 0";
    ADD_AGENT(5) [] = "INSERT INTO desk_totals_agents (workspace_id, grain, period, assignee_id, n) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, grain, period, assignee_id) DO UPDATE SET n = desk_totals_agents.n + excluded.n";
    DROP_AGENT(4) [] = "DELETE FROM desk_totals_agents WHERE workspace_id = $1 AND grain = $2 AND period = $3 AND assignee_id = $4 AND n = 0";
    ADD_MINUTES(6) [] = "INSERT INTO desk_totals_minutes (workspace_id, measure, grain, period, minutes, n) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, measure, grain, period, minutes) DO UPDATE SET n = desk_totals_minutes.n + excluded.n";
    DROP_MINUTES(5) [] = "DELETE FROM desk_totals_minutes WHERE workspace_id = $1 AND measure = $2 AND grain = $3 AND period = $4 AND minutes = $5 AND n = 0";
    SUM_CREATED(4) ["kind", "category_id", "n", "transferred", "calls"] = "SELECT kind, category_id, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(transferred) AS BIGINT) AS transferred, CAST(SUM(calls) AS BIGINT) AS calls FROM desk_totals_created WHERE workspace_id = $1 AND grain = $2 AND period >= $3 AND period < $4 GROUP BY kind, category_id";
    DAYS_CREATED(3) ["period", "kind", "n"] = "SELECT period, kind, CAST(SUM(n) AS BIGINT) AS n FROM desk_totals_created WHERE workspace_id = $1 AND grain = 0 AND period >= $2 AND period < $3 GROUP BY period, kind";
    SUM_RESOLVED(4) ["client_id", "priority", "n", "first_contact", "first_line", "reopened", "within_sla"] = "SELECT client_id, priority, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(first_contact) AS BIGINT) AS first_contact, CAST(SUM(first_line) AS BIGINT) AS first_line, CAST(SUM(reopened) AS BIGINT) AS reopened, CAST(SUM(within_sla) AS BIGINT) AS within_sla FROM desk_totals_resolved WHERE workspace_id = $1 AND grain = $2 AND period >= $3 AND period < $4 GROUP BY client_id, priority";
    SUM_AGENTS(4) ["assignee_id", "n"] = "SELECT assignee_id, CAST(SUM(n) AS BIGINT) AS n FROM desk_totals_agents WHERE workspace_id = $1 AND grain = $2 AND period >= $3 AND period < $4 GROUP BY assignee_id";
    SUM_MINUTES(5) ["minutes", "n"] = "SELECT minutes, CAST(SUM(n) AS BIGINT) AS n FROM desk_totals_minutes WHERE workspace_id = $1 AND measure = $2 AND grain = $3 AND period >= $4 AND period < $5 GROUP BY minutes";
    RAW_CREATED(3) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3");
    RAW_RESOLVED(3) ["workspace_id", "id", "number", "client_id", "contact_id", "requester", "subject", "kind", "category_id", "feature", "invoice_id", "priority", "status", "tier", "channel", "assignee_id", "merged_into", "follows", "created_at", "first_response_at", "resolved_at", "first_response_minutes", "resolution_minutes", "public_replies", "reopens", "transfers", "escalated", "first_response_due", "resolution_due", "due_at", "breached", "updated_at", "version"] = concat!("SELECT ", ticket_cols!(), " FROM desk_tickets WHERE workspace_id = $1 AND resolved_at >= $2 AND resolved_at < $3");
    ALL_CREATED(1) ["grain", "period", "kind", "category_id", "n", "transferred", "calls"] = "SELECT CAST(grain AS BIGINT) AS grain, period, kind, category_id, n, transferred, calls FROM desk_totals_created WHERE workspace_id = $1";
    ALL_RESOLVED(1) ["grain", "period", "client_id", "priority", "n", "first_contact", "first_line", "reopened", "within_sla"] = "SELECT CAST(grain AS BIGINT) AS grain, period, client_id, priority, n, first_contact, first_line, reopened, within_sla FROM desk_totals_resolved WHERE workspace_id = $1";
    ALL_AGENTS(1) ["grain", "period", "assignee_id", "n"] = "SELECT CAST(grain AS BIGINT) AS grain, period, assignee_id, n FROM desk_totals_agents WHERE workspace_id = $1";
    ALL_MINUTES(1) ["measure", "grain", "period", "minutes", "n"] = "SELECT measure, CAST(grain AS BIGINT) AS grain, period, minutes, n FROM desk_totals_minutes WHERE workspace_id = $1";
}

/// The day and the month of an instant.
fn periods(at: i64) -> [(Grain, i64); 2] {
    [(Grain::Day, day_of(at)), (Grain::Month, month_of(at))]
}

fn g(grain: Grain) -> Bind {
    Bind::Int(grain as i64)
}

/// Adds `values × sign` to one row of totals at the day and at the month of `at`: `key(grain,
/// period)` makes the row's key binds (`add` takes them then the values, `drop` the key alone
/// and removes a row taken back to 0).
async fn bump(
    c: &mut Conn<'_>,
    (add, drop): (&crate::registry::Stmt, &crate::registry::Stmt),
    at: i64,
    key: impl Fn(Grain, i64) -> Vec<Bind>,
    values: &[i64],
    sign: i64,
) -> Result<()> {
    for (grain, p) in periods(at) {
        let key = key(grain, p);
        let mut b = key.clone();
        b.extend(values.iter().map(|x| Bind::Int(x * sign)));
        add.exec(c, &b).await?;
        if sign < 0 {
            drop.exec(c, &key).await?;
        }
    }
    Ok(())
}

async fn add_created(
    c: &mut Conn<'_>,
    ws: Uuid,
    (at, (kind, cat), v): (i64, CreatedKey, [i64; 3]),
    sign: i64,
) -> Result<()> {
    let key = |grain, p| {
        vec![
            Bind::Uuid(ws),
            g(grain),
            Bind::Int(p),
            Bind::from(kind),
            Bind::Uuid(cat),
        ]
    };
    bump(c, (&ADD_CREATED, &DROP_CREATED), at, key, &v, sign).await
}

async fn add_resolved(
    c: &mut Conn<'_>,
    ws: Uuid,
    (at, (client, priority), v): (i64, ResolvedKey, [i64; 5]),
    sign: i64,
) -> Result<()> {
    let key = |grain, p| {
        vec![
            Bind::Uuid(ws),
            g(grain),
            Bind::Int(p),
            Bind::Uuid(client),
            Bind::from(priority),
        ]
    };
    bump(c, (&ADD_RESOLVED, &DROP_RESOLVED), at, key, &v, sign).await
}

async fn add_agent(c: &mut Conn<'_>, ws: Uuid, (at, who): (i64, Uuid), sign: i64) -> Result<()> {
    let key = |grain, p| vec![Bind::Uuid(ws), g(grain), Bind::Int(p), Bind::Uuid(who)];
    bump(c, (&ADD_AGENT, &DROP_AGENT), at, key, &[1], sign).await
}

async fn add_minutes(
    c: &mut Conn<'_>,
    ws: Uuid,
    measure: &str,
    (at, minutes): (i64, i64),
    sign: i64,
) -> Result<()> {
    let key = |grain, p| {
        vec![
            Bind::Uuid(ws),
            Bind::from(measure),
            g(grain),
            Bind::Int(p),
            Bind::Int(minutes),
        ]
    };
    bump(c, (&ADD_MINUTES, &DROP_MINUTES), at, key, &[1], sign).await
}

/// Moves the totals from `old`'s contribution to `new`'s (either absent for an insert or a
/// removal); parts that did not change write nothing. Parts go in one fixed order, each part's
/// rows by day and key ([`ordered`]), so concurrent writers lock shared rows alike (a deadlock
/// left is retried as any other).
pub async fn apply(
    c: &mut Conn<'_>,
    old: Option<&TicketRow>,
    new: Option<&TicketRow>,
) -> Result<()> {
    let Some(ws) = new.or(old).map(|t| t.workspace_id) else {
        return Ok(());
    };
    let a = old.map(contribution).unwrap_or_default();
    let b = new.map(contribution).unwrap_or_default();
    if a == b {
        return Ok(());
    }
    if a.created != b.created {
        for (x, sign) in ordered(a.created, b.created, |x| {
            (day_of(x.0), x.1.0.as_str(), x.1.1)
        }) {
            add_created(c, ws, x, sign).await?;
        }
    }
    if a.resolved != b.resolved {
        for (x, sign) in ordered(a.resolved, b.resolved, |x| {
            (day_of(x.0), x.1.0, x.1.1.as_str())
        }) {
            add_resolved(c, ws, x, sign).await?;
        }
    }
    if a.agent != b.agent {
        for (x, sign) in ordered(a.agent, b.agent, |x| (day_of(x.0), x.1)) {
            add_agent(c, ws, x, sign).await?;
        }
    }
    for (measure, x, y) in [
        (FIRST_RESPONSE, a.first_response, b.first_response),
        (RESOLUTION, a.resolution, b.resolution),
    ] {
        if x != y {
            for (m, sign) in ordered(x, y, |m| (day_of(m.0), m.1)) {
                add_minutes(c, ws, measure, m, sign).await?;
            }
        }
    }
    Ok(())
}

/// The old part taken away and the new one added, in the order of their rows (by day, then
/// key), so concurrent writers lock shared rows in one order.
fn ordered<T, K: Ord>(old: Option<T>, new: Option<T>, key: impl Fn(&T) -> K) -> Vec<(T, i64)> {
    let mut v: Vec<(T, i64)> = old
        .map(|x| (x, -1))
        .into_iter()
        .chain(new.map(|x| (x, 1)))
        .collect();
    v.sort_by_key(|(x, _)| key(x));
    v
}

crate::registry::row! {
/// Tickets created in a range of periods, per type and category (nil: none).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CreatedSum {
    pub kind: TicketType,
    pub category_id: Uuid,
    pub n: i64,
    pub transferred: i64,
    pub calls: i64,
}
}

crate::registry::row! {
/// Tickets resolved in a range of periods, per client and priority.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResolvedSum {
    pub client_id: Uuid,
    pub priority: Priority,
    pub n: i64,
    pub first_contact: i64,
    pub first_line: i64,
    pub reopened: i64,
    pub within_sla: i64,
}
}

fn range(ws: WorkspaceId, grain: Grain, from: i64, to: i64) -> [Bind; 4] {
    [
        Bind::Uuid(ws.uuid()),
        g(grain),
        Bind::Int(from),
        Bind::Int(to),
    ]
}

pub async fn sum_created(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    grain: Grain,
    from: i64,
    to: i64,
) -> Result<Vec<CreatedSum>> {
    SUM_CREATED.fetch(c, &range(ws, grain, from, to)).await
}

/// Tickets created per day of `[from, to)` and type.
pub async fn days_created(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, TicketType, i64)>> {
    DAYS_CREATED
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

pub async fn sum_resolved(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    grain: Grain,
    from: i64,
    to: i64,
) -> Result<Vec<ResolvedSum>> {
    SUM_RESOLVED.fetch(c, &range(ws, grain, from, to)).await
}

/// Tickets resolved per assignee (nil: none).
pub async fn sum_agents(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    grain: Grain,
    from: i64,
    to: i64,
) -> Result<Vec<(Uuid, i64)>> {
    SUM_AGENTS.fetch(c, &range(ws, grain, from, to)).await
}

/// How many tickets took each number of minutes.
pub async fn sum_minutes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    measure: &str,
    grain: Grain,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    SUM_MINUTES
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(measure),
                g(grain),
                Bind::Int(from),
                Bind::Int(to),
            ],
        )
        .await
}

/// The tickets created in `[from, to)` (an edge of a period, a few hours).
pub async fn raw_created(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<TicketRow>> {
    RAW_CREATED
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

/// The tickets last resolved in `[from, to)`.
pub async fn raw_resolved(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<TicketRow>> {
    RAW_RESOLVED
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

crate::registry::row! {
/// A stored row of resolved totals.
#[derive(Clone, Debug, sqlx::FromRow)]
struct StoredResolved {
    grain: i64,
    period: i64,
    client_id: Uuid,
    priority: Priority,
    n: i64,
    first_contact: i64,
    first_line: i64,
    reopened: i64,
    within_sla: i64,
}
}

/// A narrowed read's text: created (or resolved) in `$2..$3`, then one equality per field of
/// the narrowing given — never `(col = $n OR $n IS NULL)`, which a generic plan cannot serve
/// from the client's or the agent's index.
fn scope_keys() -> Vec<(bool, [bool; 5])> {
    let mut out = Vec::new();
    for resolved in [false, true] {
        for present in crate::registry::presence::<5>() {
            out.push((resolved, present));
        }
    }
    out
}

fn scope_sql((resolved, present): &(bool, [bool; 5])) -> crate::registry::Variant {
    let (cond, next) = super::kpis::scope_conds(present, 4);
    let col = if *resolved {
        "resolved_at"
    } else {
        "created_at"
    };
    crate::registry::Variant::both(
        format!(
            "SELECT {} FROM desk_tickets WHERE workspace_id = $1 AND {col} >= $2 AND {col} < $3{cond}",
            super::TICKET_COLS
        ),
        next - 1,
        &super::TICKET_COLUMN_NAMES,
    )
}

crate::registry::family! {
    /// The tickets of a narrowing created (or resolved) in a period.
    SCOPED: (bool, [bool; 5]) = scope_keys, scope_sql;
}

async fn scoped(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    resolved: bool,
    (from, to): (i64, i64),
    scope: &super::kpis::Scope,
) -> Result<Vec<TicketRow>> {
    let (present, binds) = scope.present();
    let mut b = vec![Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)];
    b.extend(binds);
    SCOPED.get(&(resolved, present))?.fetch(c, &b).await
}

/// The tickets of `scope` created in `[from, to)`, read one by one (a dashboard narrowed to a
/// client, priority, type, category or agent counts them itself).
pub async fn scope_created(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
    scope: &super::kpis::Scope,
) -> Result<Vec<TicketRow>> {
    scoped(c, ws, false, (from, to), scope).await
}

/// The tickets of `scope` last resolved in `[from, to)`.
pub async fn scope_resolved(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
    scope: &super::kpis::Scope,
) -> Result<Vec<TicketRow>> {
    scoped(c, ws, true, (from, to), scope).await
}

/// Every stored total of a workspace, as (table, grain, period, key, values) in one order, for
/// `mesure check --totals`: rows whose count is 0 are left out.
pub type Stored = BTreeMap<(&'static str, i64, i64, String), Vec<i64>>;

pub async fn stored(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Stored> {
    let w = [Bind::Uuid(ws.uuid())];
    let mut out = Stored::new();
    let created: Vec<(i64, i64, TicketType, Uuid, i64, i64, i64)> =
        ALL_CREATED.fetch(c, &w).await?;
    for (grain, p, kind, cat, n, t, calls) in created {
        out.insert(
            ("created", grain, p, format!("{} {cat}", kind.as_str())),
            vec![n, t, calls],
        );
    }
    let resolved: Vec<StoredResolved> = ALL_RESOLVED.fetch(c, &w).await?;
    for r in resolved {
        out.insert(
            (
                "resolved",
                r.grain,
                r.period,
                format!("{} {}", r.client_id, r.priority.as_str()),
            ),
            vec![r.n, r.first_contact, r.first_line, r.reopened, r.within_sla],
        );
    }
    let agents: Vec<(i64, i64, Uuid, i64)> = ALL_AGENTS.fetch(c, &w).await?;
    for (grain, p, who, n) in agents {
        out.insert(("agents", grain, p, who.to_string()), vec![n]);
    }
    let minutes: Vec<(String, i64, i64, i64, i64)> = ALL_MINUTES.fetch(c, &w).await?;
    for (measure, grain, p, m, n) in minutes {
        let table = if measure == FIRST_RESPONSE {
            "first_response"
        } else {
            "resolution"
        };
        out.insert((table, grain, p, m.to_string()), vec![n]);
    }
    out.retain(|_, v| v.first().is_some_and(|n| *n != 0));
    Ok(out)
}

/// Adds one ticket's contribution to totals built in memory, in the shape of [`stored`].
pub fn tally(into: &mut Stored, t: &TicketRow) {
    let c = contribution(t);
    let mut add = |table: &'static str, at: i64, key: String, v: &[i64]| {
        for (grain, p) in periods(at) {
            let e = into
                .entry((table, grain as i64, p, key.clone()))
                .or_insert_with(|| vec![0; v.len()]);
            for (a, b) in e.iter_mut().zip(v) {
                *a += b;
            }
        }
    };
    if let Some((at, (kind, cat), v)) = c.created {
        add("created", at, format!("{} {cat}", kind.as_str()), &v);
    }
    if let Some((at, (client, prio), v)) = c.resolved {
        add("resolved", at, format!("{client} {}", prio.as_str()), &v);
    }
    if let Some((at, who)) = c.agent {
        add("agents", at, who.to_string(), &[1]);
    }
    if let Some((at, m)) = c.first_response {
        add("first_response", at, m.to_string(), &[1]);
    }
    if let Some((at, m)) = c.resolution {
        add("resolution", at, m.to_string(), &[1]);
    }
}
