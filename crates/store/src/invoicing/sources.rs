//! What a draft may bill: a client's approved, unbilled billable entries and free entries of a
//! period, reached milestones, approved change requests with a price, retainer months not yet
//! billed, and what a project's time lines have billed against its cap. "Not billed" means no
//! unreleased item of a document holds it.
use crate::{Bind, Conn, Result};
use mesure_domain::projects::engagement::FreeReason;
use mesure_domain::{Currency, WorkspaceId};
use uuid::Uuid;

crate::registry::row! {
/// An entry a draft may bill (or show as free work).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenEntry {
    pub id: Uuid,
    pub project_id: Uuid,
    pub user_id: Uuid,
    pub deliverable_id: Option<Uuid>,
    pub work_date: i32,
    pub billed_minutes: i64,
    pub rate_minor: i64,
    pub note: String,
    pub free_reason: Option<FreeReason>,
}
}

crate::registry::row! {
/// A reached milestone not yet billed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenMilestone {
    pub id: Uuid,
    pub project_id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub reached_on: i32,
}
}

crate::registry::row! {
/// An approved change request with a price, not yet billed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenChange {
    pub id: Uuid,
    pub project_id: Uuid,
    pub title: String,
    pub price_minor: i64,
    pub decided_on: Option<i32>,
}
}

/// Not held by an unreleased item of any document (the reservation), for `$kind` and `$ref`.
macro_rules! open_sql {
    ($kind:literal, $col:literal) => {
        concat!(
            " AND NOT EXISTS (SELECT 1 FROM invoice_items i WHERE i.workspace_id = $1 AND i.kind = '",
            $kind,
            "' AND i.ref_id = ",
            $col,
            " AND i.month = 0 AND i.released = FALSE)"
        )
    };
}

crate::registry::statements! {
    ENTRIES(5) ["id", "project_id", "user_id", "deliverable_id", "work_date", "billed_minutes", "rate_minor", "note", "free_reason"] = concat!(
        "SELECT t.id, t.project_id, t.user_id, t.deliverable_id, t.work_date, t.billed_minutes, t.rate_minor, t.note, t.free_reason FROM time_entries t JOIN projects p ON p.workspace_id = t.workspace_id AND p.id = t.project_id",
        " WHERE t.workspace_id = $1 AND t.client_id = $2 AND t.work_date >= $3 AND t.work_date <= $4 AND p.currency = $5 AND p.billing_model = 'time_materials'",
        " AND t.billable = TRUE AND t.locked = TRUE AND t.invoiced_at IS NULL AND t.write_off_reason IS NULL AND t.scope <> 'free' AND t.billed_minutes > 0 AND ",
        crate::registry::visible_sql!("t.import_id"),
        " ORDER BY t.work_date, t.id"
    );
    FREE_ENTRIES(5) ["id", "project_id", "user_id", "deliverable_id", "work_date", "billed_minutes", "rate_minor", "note", "free_reason"] = concat!(
        "SELECT t.id, t.project_id, t.user_id, t.deliverable_id, t.work_date, t.billed_minutes, t.rate_minor, t.note, t.free_reason FROM time_entries t JOIN projects p ON p.workspace_id = t.workspace_id AND p.id = t.project_id",
        " WHERE t.workspace_id = $1 AND t.client_id = $2 AND t.work_date >= $3 AND t.work_date <= $4 AND p.currency = $5",
        " AND t.scope = 'free' AND t.invoiced_at IS NULL AND t.minutes > 0 AND ",
        crate::registry::visible_sql!("t.import_id"),
        " ORDER BY t.work_date, t.id"
    );
    MILESTONES(4) ["id", "project_id", "name", "amount_minor", "reached_on"] = concat!(
        "SELECT m.id, m.project_id, m.name, m.amount_minor, m.reached_on FROM milestones m JOIN projects p ON p.workspace_id = m.workspace_id AND p.id = m.project_id",
        " WHERE m.workspace_id = $1 AND p.client_id = $2 AND m.reached_on IS NOT NULL AND m.reached_on <= $3 AND p.currency = $4 AND p.billing_model = 'fixed_fee' AND p.fixed_revenue = 'milestones' AND m.amount_minor > 0",
        open_sql!("milestone", "m.id"),
        " ORDER BY m.reached_on, m.id"
    );
    CHANGES(4) ["id", "project_id", "title", "price_minor", "decided_on"] = concat!(
        "SELECT c.id, c.project_id, c.title, c.price_minor, c.decided_on FROM change_requests c JOIN projects p ON p.workspace_id = c.workspace_id AND p.id = c.project_id",
        " WHERE c.workspace_id = $1 AND p.client_id = $2 AND c.status = 'approved' AND c.price_minor > 0 AND (c.decided_on IS NULL OR c.decided_on <= $3) AND p.currency = $4",
        open_sql!("change", "c.id"),
        " ORDER BY c.decided_on, c.id"
    );
    MONTHS_BILLED(2) ["month"] = "SELECT month FROM invoice_items WHERE workspace_id = $1 AND kind = 'month' AND ref_id = $2 AND released = FALSE ORDER BY month";
    CAP_USED(2) ["used"] = "SELECT CAST(COALESCE(SUM(l.net_minor), 0) AS BIGINT) AS used FROM invoice_lines l JOIN invoices i ON i.workspace_id = l.workspace_id AND i.id = l.invoice_id WHERE l.workspace_id = $1 AND l.project_id = $2 AND l.kind IN ('time', 'capped') AND i.kind = 'invoice' AND i.status IN ('draft', 'issued') AND i.releases_work = FALSE";
    CURRENCIES(2) ["currency"] = "SELECT DISTINCT currency FROM projects WHERE workspace_id = $1 AND client_id = $2 ORDER BY currency";
    CLIENTS_TO_BILL(3) ["client_id"] = concat!(
        "SELECT DISTINCT p.client_id FROM projects p WHERE p.workspace_id = $1 AND ",
        crate::registry::visible_sql!("p.import_id"),
        " AND (p.billing_model IN ('fixed_fee', 'retainer')",
        " OR EXISTS (SELECT 1 FROM time_entries t WHERE t.workspace_id = $1 AND t.project_id = p.id AND t.work_date >= $2 AND t.work_date <= $3 AND t.locked = TRUE AND t.invoiced_at IS NULL)",
        " OR EXISTS (SELECT 1 FROM change_requests c WHERE c.workspace_id = $1 AND c.project_id = p.id AND c.status = 'approved' AND c.price_minor > 0))"
    );
    ANALYZE_ITEMS(0) [] @postgres = "ANALYZE invoice_items, invoice_lines, invoices";
    ANALYZE_BATCH(0) [] @postgres = "ANALYZE time_entries, invoice_items, invoice_lines, invoices";
    ITEMS_ESTIMATE(0) ["n"] @postgres = "SELECT CAST(GREATEST(reltuples, 0) AS BIGINT) AS n FROM pg_class WHERE oid = 'invoice_items'::regclass";
}

/// Items this process has reserved since it last refreshed the statistics of `invoice_items`.
static ITEMS_SINCE_ANALYZE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// The planner's row count of `invoice_items` at that refresh.
static ITEMS_AT_ANALYZE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Items reserved before a refresh is due, whatever the table's size. Autovacuum analyzes after
/// 50 rows plus 10 %; without statistics, PostgreSQL plans even a 500-entry invoice's entry page
/// as a nested loop over every entry of each person (313 ms measured, 3 ms once analyzed).
const ANALYZE_MIN: u64 = 100;

/// Counts `n` items reserved by this process (see [`items_stale`]).
pub(crate) fn note_items(n: usize) {
    ITEMS_SINCE_ANALYZE.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this process has reserved enough items since the last refresh (at least
/// [`ANALYZE_MIN`] and half the table then) that PostgreSQL's planner may be reading a stale picture of
/// `invoice_items`; autovacuum would catch up within a minute, a batch of drafts cannot wait.
pub fn items_stale() -> bool {
    let since = ITEMS_SINCE_ANALYZE.load(std::sync::atomic::Ordering::Relaxed);
    let at = ITEMS_AT_ANALYZE.load(std::sync::atomic::Ordering::Relaxed);
    since >= ANALYZE_MIN && since.saturating_mul(2) >= at
}

crate::registry::family! {
    /// Which of a chunk of entries an unreleased item holds (`IN` lists padded to a registered
    /// length), read on the partial unique index `invoice_items_billed_once`.
    RESERVED_ENTRIES: usize = crate::registry::in_lengths, |n| crate::registry::Variant::both(
        format!("SELECT ref_id FROM invoice_items WHERE workspace_id = $1 AND kind = 'entry' AND month = 0 AND released = FALSE AND ref_id IN ({})", crate::registry::numbered(2, *n)),
        n + 1,
        &["ref_id"],
    );
}
pub(crate) static FAMILIES: &[&dyn crate::registry::Variants] = &[&RESERVED_ENTRIES];

/// The clients that may have something to bill over `[from, to]`: approved, uninvoiced time in
/// the period on one of their projects, a fixed-fee or retainer project, or an approved change
/// request with a price (the draft then says whether anything is left to bill).
pub async fn clients_to_bill(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = CLIENTS_TO_BILL
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::from(from), Bind::from(to)],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Refreshes the planner's statistics of `invoice_items`, `invoice_lines` and `invoices` after a batch of
/// drafts: on PostgreSQL, bulk inserts leave them stale until autovacuum passes (never, where it
/// is off), and the planner then reads the "not yet billed" checks with a plan made for an empty
/// table; the foreign-key checks of new items keep, per connection, the plan made when
/// `invoice_lines` was empty (a sequential scan) until its statistics change. Nothing on SQLite
/// (its plans come from the indexes, not from statistics it has not gathered). `with_entries`
/// refreshes `time_entries` too, before a batch reads thousands of them (after a bulk import,
/// without autovacuum, the planner has no picture of them at all).
pub async fn analyze_items(c: &mut Conn<'_>, with_entries: bool) -> Result<()> {
    if let Conn::Pg(_) = c {
        ITEMS_SINCE_ANALYZE.store(0, std::sync::atomic::Ordering::Relaxed);
        if with_entries {
            ANALYZE_BATCH.exec(c, &[]).await?;
        } else {
            ANALYZE_ITEMS.exec(c, &[]).await?;
        }
        let (n,): (i64,) = ITEMS_ESTIMATE.fetch_one(c, &[]).await?;
        ITEMS_AT_ANALYZE.store(
            u64::try_from(n).unwrap_or(0),
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    Ok(())
}

fn period(ws: WorkspaceId, client: Uuid, from: i32, to: i32, currency: Currency) -> [Bind; 5] {
    [
        Bind::Uuid(ws.uuid()),
        Bind::Uuid(client),
        Bind::from(from),
        Bind::from(to),
        Bind::from(currency),
    ]
}

/// Approved, unbilled, billable entries of the client's time-and-materials projects in
/// `currency`, dated within `[from, to]`.
pub async fn entries(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    from: i32,
    to: i32,
    currency: Currency,
) -> Result<Vec<OpenEntry>> {
    let rows: Vec<OpenEntry> = ENTRIES
        .fetch(c, &period(ws, client, from, to, currency))
        .await?;
    unreserved(c, ws, rows).await
}

/// `rows` without the entries an unreleased item of a document holds. Asked by id on the
/// partial unique index rather than as a `NOT EXISTS` in the candidates' query: PostgreSQL's
/// planner, with the statistics of a table just filled by a batch, read that anti-join as a
/// nested loop over every item of the workspace (21 s for a 5,000-entry draft, decision 89).
async fn unreserved(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    rows: Vec<OpenEntry>,
) -> Result<Vec<OpenEntry>> {
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let held: Vec<(Uuid,)> =
        crate::registry::fetch_in(c, &RESERVED_ENTRIES, &[Bind::Uuid(ws.uuid())], &ids).await?;
    if held.is_empty() {
        return Ok(rows);
    }
    let held: std::collections::HashSet<Uuid> = held.into_iter().map(|r| r.0).collect();
    Ok(rows.into_iter().filter(|r| !held.contains(&r.id)).collect())
}

/// Free entries of the client's projects in `currency` within `[from, to]`, not yet shown.
pub async fn free_entries(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    from: i32,
    to: i32,
    currency: Currency,
) -> Result<Vec<OpenEntry>> {
    let rows: Vec<OpenEntry> = FREE_ENTRIES
        .fetch(c, &period(ws, client, from, to, currency))
        .await?;
    unreserved(c, ws, rows).await
}

/// Milestones of the client's fixed-fee projects reached by `to`, not yet billed.
pub async fn milestones(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    to: i32,
    currency: Currency,
) -> Result<Vec<OpenMilestone>> {
    MILESTONES
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::from(to),
                Bind::from(currency),
            ],
        )
        .await
}

/// Approved change requests with a price, decided by `to`, not yet billed.
pub async fn changes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    to: i32,
    currency: Currency,
) -> Result<Vec<OpenChange>> {
    CHANGES
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::from(to),
                Bind::from(currency),
            ],
        )
        .await
}

/// The retainer months (`YYYYMM`) of a project already billed.
pub async fn months_billed(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<Vec<i32>> {
    let rows: Vec<(i32,)> = MONTHS_BILLED
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// What a project's time and capped lines have billed on drafts and issued invoices (its cap's
/// use); invoices whose work a credit note released do not count.
pub async fn cap_used(c: &mut Conn<'_>, ws: WorkspaceId, project: Uuid) -> Result<i64> {
    let (n,): (i64,) = CAP_USED
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(project)])
        .await?;
    Ok(n)
}

/// The currencies of a client's projects.
pub async fn currencies(c: &mut Conn<'_>, ws: WorkspaceId, client: Uuid) -> Result<Vec<Currency>> {
    let rows: Vec<(Currency,)> = CURRENCIES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(client)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
