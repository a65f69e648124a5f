//! Time entries, running timers and week approvals.
pub mod bulk;
pub mod imports;
use crate::registry::{Cond, Variant, Variants, conds_sql, presence, present};
use crate::time::imports::visible;
use crate::{Array, Bind, Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use mesure_domain::projects::engagement::{FreeReason, Scope};
use mesure_domain::time::EntrySource;
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct EntryRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub user_id: Uuid,
    pub project_id: Uuid,
    pub client_id: Uuid,
    pub deliverable_id: Option<Uuid>,
    pub change_request_id: Option<Uuid>,
    pub work_date: i32,
    pub minutes: i64,
    pub billed_minutes: i64,
    pub note: String,
    pub billable: bool,
    pub scope: Scope,
    pub free_reason: Option<FreeReason>,
    pub free_note: Option<String>,
    pub free_approved_by: Option<Uuid>,
    pub write_off_reason: Option<FreeReason>,
    pub write_off_note: Option<String>,
    pub write_off_by: Option<Uuid>,
    pub rate_minor: i64,
    pub cost_minor: i64,
    pub locked: bool,
    pub invoiced_at: Option<i64>,
    pub source: EntrySource,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, user_id, project_id, client_id, deliverable_id, change_request_id, work_date, minutes, billed_minutes, note, billable, scope, free_reason, free_note, free_approved_by, write_off_reason, write_off_note, write_off_by, rate_minor, cost_minor, locked, invoiced_at, source, created_at, updated_at, version"
    };
}
pub const COLS: &str = sql_cols!();

pub fn binds(r: &EntryRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.id),
        Bind::Uuid(r.user_id),
        Bind::Uuid(r.project_id),
        Bind::Uuid(r.client_id),
        Bind::OptUuid(r.deliverable_id),
        Bind::OptUuid(r.change_request_id),
        Bind::Int(i64::from(r.work_date)),
        Bind::Int(r.minutes),
        Bind::Int(r.billed_minutes),
        Bind::Text(r.note.clone()),
        Bind::Bool(r.billable),
        r.scope.into(),
        r.free_reason.into(),
        Bind::OptText(r.free_note.clone()),
        Bind::OptUuid(r.free_approved_by),
        r.write_off_reason.into(),
        Bind::OptText(r.write_off_note.clone()),
        Bind::OptUuid(r.write_off_by),
        Bind::Int(r.rate_minor),
        Bind::Int(r.cost_minor),
        Bind::Bool(r.locked),
        Bind::OptInt(r.invoiced_at),
        r.source.into(),
        Bind::Int(r.created_at),
        Bind::Int(r.updated_at),
        Bind::Int(i64::from(r.version)),
    ]
}

pub async fn insert(c: &mut Conn<'_>, r: &EntryRow) -> Result<()> {
    INSERT.exec(c, &binds(r)).await?;
    Ok(())
}

/// Inserts many entries at once (imports): multi-row statements on SQLite, one array per column
/// on PostgreSQL. `import`: the import that makes them, whose rows stay hidden until it is
/// published (`imports::visible`).
pub async fn insert_many(c: &mut Conn<'_>, rows: &[EntryRow], import: Option<Uuid>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match c {
        Conn::Sqlite(_) => {
            let b = crate::time::bulk::with_import(rows, binds, import);
            INSERT_MANY.run(c, &INSERT_MANY_SQLITE, &b).await
        }
        Conn::Pg(_) => {
            let uuid =
                |f: fn(&EntryRow) -> Uuid| Bind::Array(Array::Uuid(rows.iter().map(f).collect()));
            let ouuid = |f: fn(&EntryRow) -> Option<Uuid>| {
                Bind::Array(Array::OptUuid(rows.iter().map(f).collect()))
            };
            let int =
                |f: fn(&EntryRow) -> i64| Bind::Array(Array::Int(rows.iter().map(f).collect()));
            let oint = |f: fn(&EntryRow) -> Option<i64>| {
                Bind::Array(Array::OptInt(rows.iter().map(f).collect()))
            };
            let text =
                |f: fn(&EntryRow) -> String| Bind::Array(Array::Text(rows.iter().map(f).collect()));
            let otext = |f: fn(&EntryRow) -> Option<String>| {
                Bind::Array(Array::OptText(rows.iter().map(f).collect()))
            };
            let boolean =
                |f: fn(&EntryRow) -> bool| Bind::Array(Array::Bool(rows.iter().map(f).collect()));
            let b = [
                uuid(|r| r.workspace_id),
                uuid(|r| r.id),
                uuid(|r| r.user_id),
                uuid(|r| r.project_id),
                uuid(|r| r.client_id),
                ouuid(|r| r.deliverable_id),
                ouuid(|r| r.change_request_id),
                int(|r| i64::from(r.work_date)),
                int(|r| r.minutes),
                int(|r| r.billed_minutes),
                text(|r| r.note.clone()),
                boolean(|r| r.billable),
                text(|r| r.scope.as_str().to_string()),
                otext(|r| r.free_reason.map(|x| x.as_str().to_string())),
                otext(|r| r.free_note.clone()),
                ouuid(|r| r.free_approved_by),
                otext(|r| r.write_off_reason.map(|x| x.as_str().to_string())),
                otext(|r| r.write_off_note.clone()),
                ouuid(|r| r.write_off_by),
                int(|r| r.rate_minor),
                int(|r| r.cost_minor),
                boolean(|r| r.locked),
                oint(|r| r.invoiced_at),
                text(|r| r.source.as_str().to_string()),
                int(|r| r.created_at),
                int(|r| r.updated_at),
                int(|r| i64::from(r.version)),
                Bind::OptUuid(import),
            ];
            INSERT_MANY_PG.exec(c, &b).await?;
            Ok(())
        }
    }
}

/// Entries in multi-row inserts on SQLite (anonymous `?` parameters: SQLite looks numbered
/// ones up in a list, which makes binding thousands of them quadratic), 1,000 rows at most.
const INSERT_MANY: crate::time::bulk::Insert = crate::time::bulk::Insert {
    table: "time_entries",
    cols: concat!(sql_cols!(), ", import_id"),
    max_rows: Some(1000),
    sqlite_only: true,
};

/// Saves every field of an entry; `Conflict("version")` when it changed meanwhile.
pub async fn update(c: &mut Conn<'_>, r: &EntryRow, expected_version: i32) -> Result<()> {
    let mut b = crate::registry::without(COLS, binds(r), &["created_at", "version"]);
    b.push(Bind::Int(i64::from(expected_version)));
    if UPDATE.exec(c, &b).await? == 0 {
        return Err(StoreError::Conflict("version".into()));
    }
    Ok(())
}

pub async fn delete(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<()> {
    let n = DELETE
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("locked".into()));
    }
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<EntryRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct EntryQuery {
    pub user: Option<Uuid>,
    pub project: Option<Uuid>,
    pub client: Option<Uuid>,
    pub deliverable: Option<Uuid>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// `billable`, `free`, `written_off`, `unplanned`, `change_request`.
    pub kind: Option<String>,
    /// Keyset cursor: entries strictly after this one in the list's order (newest first).
    pub after: Option<EntryCursor>,
    pub limit: i64,
}

/// The position of an entry in lists (newest day first, then newest written, then id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryCursor {
    pub work_date: i32,
    pub created_at: i64,
    pub id: Uuid,
}

impl EntryCursor {
    pub fn of(e: &EntryRow) -> EntryCursor {
        EntryCursor {
            work_date: e.work_date,
            created_at: e.created_at,
            id: e.id,
        }
    }
    /// `DATE_CREATED_ID`, as links carry it.
    pub fn encode(&self) -> String {
        format!(
            "{}_{}_{}",
            self.work_date,
            self.created_at,
            self.id.simple()
        )
    }
    pub fn decode(s: &str) -> Option<EntryCursor> {
        let mut it = s.split('_');
        let c = EntryCursor {
            work_date: it.next()?.parse().ok()?,
            created_at: it.next()?.parse().ok()?,
            id: Uuid::parse_str(it.next()?).ok()?,
        };
        it.next().is_none().then_some(c)
    }
}

/// The list's optional filters, in the order their values are bound.
const CONDS: [Cond; 6] = [
    (" AND user_id = ?1", 1),
    (" AND project_id = ?1", 1),
    (" AND client_id = ?1", 1),
    (" AND deliverable_id = ?1", 1),
    (" AND work_date >= ?1", 1),
    (" AND work_date < ?1", 1),
];

/// The kinds a list can keep, and their conditions (another kind keeps every entry).
const KINDS: [(&str, &str); 8] = [
    (
        "billable",
        " AND billable = TRUE AND scope <> 'free' AND write_off_reason IS NULL",
    ),
    ("non_billable", " AND billable = FALSE AND scope <> 'free'"),
    ("free", " AND scope = 'free'"),
    ("written_off", " AND write_off_reason IS NOT NULL"),
    (
        "unplanned",
        " AND deliverable_id IS NULL AND change_request_id IS NULL",
    ),
    ("change_request", " AND change_request_id IS NOT NULL"),
    ("no_deliverable", " AND deliverable_id IS NULL"),
    (
        "unbilled_scope",
        " AND deliverable_id IS NULL AND change_request_id IS NULL AND billable = FALSE AND scope <> 'free' AND write_off_reason IS NULL",
    ),
];

/// A query's filter shape: which filters are present, and its kind (an index into [`KINDS`]).
type Shape = ([bool; 6], Option<usize>);

fn filters(ws: WorkspaceId, q: &EntryQuery) -> (Shape, Vec<Bind>) {
    let uuid = |v: Option<Uuid>| v.map(|u| vec![Bind::Uuid(u)]);
    let day = |v: Option<i32>| v.map(|d| vec![Bind::Int(i64::from(d))]);
    let (on, mut b) = present([
        uuid(q.user),
        uuid(q.project),
        uuid(q.client),
        uuid(q.deliverable),
        day(q.from),
        day(q.to),
    ]);
    b.insert(0, Bind::Uuid(ws.uuid()));
    let kind = KINDS
        .iter()
        .position(|(k, _)| q.kind.as_deref() == Some(*k));
    ((on, kind), b)
}

/// Every filter shape.
fn shapes() -> Vec<Shape> {
    let kinds: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..KINDS.len()).map(Some))
        .collect();
    presence::<6>()
        .into_iter()
        .flat_map(|on| kinds.iter().map(move |k| (on, *k)))
        .collect()
}

/// ` WHERE …` of a filter shape, and the next parameter number.
fn where_sql((on, kind): &Shape) -> (String, usize) {
    let (conds, next) = conds_sql(&CONDS, on, 2);
    let kind = kind.and_then(|k| KINDS.get(k)).map_or("", |(_, sql)| sql);
    (
        format!(
            " WHERE workspace_id = $1 AND {}{conds}{kind}",
            visible("import_id")
        ),
        next,
    )
}

crate::registry::family! {
    /// Entries, newest first, per filter shape and whether a cursor follows.
    LIST: (Shape, bool) = || shapes().into_iter().flat_map(|s| [(s, false), (s, true)]).collect(), |(shape, cursor)| {
        let (w, mut next) = where_sql(shape);
        let after = if *cursor {
            let (d, t, i) = (next, next + 1, next + 2);
            next += 3;
            format!(" AND (work_date < ${d} OR (work_date = ${d} AND (created_at < ${t} OR (created_at = ${t} AND id < ${i}))))")
        } else {
            String::new()
        };
        Variant::both(
            format!("SELECT {COLS} FROM time_entries{w}{after} ORDER BY work_date DESC, created_at DESC, id DESC LIMIT ${next}"),
            next,
            &COLS.split(", ").collect::<Vec<_>>(),
        )
    };
}
crate::registry::family! {
    /// How many entries match a filter shape, and their minutes.
    COUNT: Shape = shapes, |shape| {
        let (w, next) = where_sql(shape);
        Variant::both(
            format!("SELECT CAST(COUNT(*) AS BIGINT) AS entries, CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS minutes FROM time_entries{w}"),
            next - 1,
            &["entries", "minutes"],
        )
    };
}
crate::registry::family! {
    /// Entries in multi-row inserts on SQLite, per row count.
    INSERT_MANY_SQLITE: crate::time::bulk::Key = || INSERT_MANY.keys(), |k| INSERT_MANY.sql(k);
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&LIST, &COUNT, &INSERT_MANY_SQLITE];

pub async fn list(c: &mut Conn<'_>, ws: WorkspaceId, q: &EntryQuery) -> Result<Vec<EntryRow>> {
    let (shape, mut b) = filters(ws, q);
    if let Some(k) = q.after {
        b.push(Bind::Int(i64::from(k.work_date)));
        b.push(Bind::Int(k.created_at));
        b.push(Bind::Uuid(k.id));
    }
    b.push(Bind::Int(q.limit.clamp(1, 100_000)));
    LIST.get(&(shape, q.after.is_some()))?.fetch(c, &b).await
}

/// The (day, project, minutes, note) of a person's entries over days `[from, to)` (an import's
/// duplicate check).
pub async fn facts_between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<(i32, Uuid, i64, String)>> {
    FACTS_BETWEEN
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
            ],
        )
        .await
}

/// The projects a person logged time on from day `since`, most recently worked first, at most
/// `limit`.
pub async fn recent_projects(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    since: i32,
    limit: i64,
) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid, i64)> = RECENT_PROJECTS
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(since)),
                Bind::Int(limit.clamp(1, 1000)),
            ],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// How many entries match the query's filters (the cursor and the limit aside), and their minutes.
/// A page of entries with the count and minutes of all that match, read in one snapshot (an
/// entry written between the statements would make them disagree).
pub async fn page(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &EntryQuery,
) -> Result<(Vec<EntryRow>, i64, i64)> {
    crate::in_snapshot!(c, inner => {
        let rows = list(inner, ws, q).await?;
        let (total, minutes) = count(inner, ws, q).await?;
        Ok((rows, total, minutes))
    })
}

pub async fn count(c: &mut Conn<'_>, ws: WorkspaceId, q: &EntryQuery) -> Result<(i64, i64)> {
    let (shape, b) = filters(ws, q);
    COUNT.get(&shape)?.fetch_one(c, &b).await
}

/// In one query: whether the person's week is approved, and the minutes logged that day.
/// Takes the locks of a person's days until the transaction ends (PostgreSQL: the day's
/// `person_days` row, made at zero minutes if missing, `FOR UPDATE`; on SQLite the write lock
/// already serialises writers), in day order. Every write that checks a rule over a person's day
/// — its 24 hours, its week's approval — takes its day's lock first, and approving a week takes
/// the lock of each of its seven days: two servers' writers on one person-day are checked one
/// after the other, while different days (and people) go on side by side. Whether it locked
/// (false on SQLite): what was read before may have changed while it waited.
pub async fn lock_days(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    days: &[i32],
) -> Result<bool> {
    let Conn::Pg(_) = c else {
        return Ok(false);
    };
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    for day in days {
        let key = [
            Bind::Uuid(ws.uuid()),
            Bind::Uuid(user),
            Bind::Int(i64::from(day)),
        ];
        MAKE_DAY_ROW.exec(c, &key).await?;
        LOCK_DAY_ROW.exec(c, &key).await?;
    }
    Ok(true)
}

pub async fn lock_and_day(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    week: i32,
    day: i32,
) -> Result<(bool, i64)> {
    let r: (i64, i64) = LOCK_AND_DAY
        .fetch_one(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(week)),
                Bind::Int(i64::from(day)),
            ],
        )
        .await?;
    Ok((r.0 > 0, r.1))
}

pub async fn add_day_minutes(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    day: i32,
    delta: i64,
) -> Result<()> {
    crate::radar::totals::add_days_many(c, ws, &[(user, day, delta)]).await
}

/// Locks (or unlocks) a person's entries of one week.
pub async fn set_locked(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    from: i32,
    to: i32,
    locked: bool,
) -> Result<u64> {
    SET_LOCKED
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(from)),
                Bind::Int(i64::from(to)),
                Bind::Bool(locked),
            ],
        )
        .await
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct ApprovalRow {
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub week_start: i32,
    pub approved_by: Uuid,
    pub approved_at: i64,
}
}

pub async fn approval(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    week: i32,
) -> Result<Option<ApprovalRow>> {
    let r: Vec<ApprovalRow> = APPROVAL
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(week)),
            ],
        )
        .await?;
    Ok(r.into_iter().next())
}

pub async fn approvals(c: &mut Conn<'_>, ws: WorkspaceId, week: i32) -> Result<Vec<ApprovalRow>> {
    APPROVALS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(i64::from(week))])
        .await
}

pub async fn insert_approval(c: &mut Conn<'_>, r: &ApprovalRow) -> Result<()> {
    INSERT_APPROVAL
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.user_id),
                Bind::Int(i64::from(r.week_start)),
                Bind::Uuid(r.approved_by),
                Bind::Int(r.approved_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn delete_approval(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    user: Uuid,
    week: i32,
) -> Result<u64> {
    DELETE_APPROVAL
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(user),
                Bind::Int(i64::from(week)),
            ],
        )
        .await
}

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct TimerRow {
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub project_id: Uuid,
    pub deliverable_id: Option<Uuid>,
    pub note: String,
    pub billable: bool,
    pub started_at: i64,
}
}

pub async fn timer(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Option<TimerRow>> {
    let r: Vec<TimerRow> = TIMER
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await?;
    Ok(r.into_iter().next())
}

pub async fn start_timer(c: &mut Conn<'_>, r: &TimerRow) -> Result<()> {
    START_TIMER
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.user_id),
                Bind::Uuid(r.project_id),
                Bind::OptUuid(r.deliverable_id),
                Bind::Text(r.note.clone()),
                Bind::Bool(r.billable),
                Bind::Int(r.started_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn delete_timer(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<u64> {
    DELETE_TIMER
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await
}

crate::registry::row! {
/// What the page frame shows a staff member: their running timer (with its project's name) and
/// how many of their notifications are unread, in one statement.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct FrameStatusRow {
    pub unread: i64,
    pub timer_project_id: Option<Uuid>,
    pub timer_project: Option<String>,
    pub timer_started_at: Option<i64>,
}
}

pub async fn frame_status(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<FrameStatusRow> {
    let r: Vec<FrameStatusRow> = FRAME_STATUS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await?;
    Ok(r.into_iter().next().unwrap_or_default())
}

/// Up to `limit` published entries of a workspace after the id `after`, in id order: every entry,
/// page by page, for the totals check.
pub async fn entries_after(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    after: Uuid,
    limit: i64,
) -> Result<Vec<EntryRow>> {
    ENTRIES_AFTER
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(after), Bind::Int(limit)],
        )
        .await
}

crate::registry::statements! {
    INSERT(27) [] = concat!("INSERT INTO time_entries (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)");
    INSERT_MANY_PG(28) [] @postgres = concat!("INSERT INTO time_entries (", sql_cols!(), ", import_id) SELECT u.*, $28::uuid FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::int[], $9::bigint[], $10::bigint[], $11::text[], $12::bool[], $13::text[], $14::text[], $15::text[], $16::uuid[], $17::text[], $18::text[], $19::uuid[], $20::bigint[], $21::bigint[], $22::bool[], $23::bigint[], $24::text[], $25::bigint[], $26::bigint[], $27::int[]) AS u");
    UPDATE(26) [] = concat!("UPDATE time_entries SET user_id = $3, project_id = $4, client_id = $5, deliverable_id = $6, change_request_id = $7, work_date = $8, minutes = $9, billed_minutes = $10, note = $11, billable = $12, scope = $13, free_reason = $14, free_note = $15, free_approved_by = $16, write_off_reason = $17, write_off_note = $18, write_off_by = $19, rate_minor = $20, cost_minor = $21, locked = $22, invoiced_at = $23, source = $24, updated_at = $25, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $26 AND invoiced_at IS NULL AND ", crate::registry::visible_sql!("import_id"));
    RECENT_PROJECTS(4) ["project_id", "last_day"] = concat!("SELECT project_id, CAST(MAX(work_date) AS BIGINT) AS last_day FROM time_entries WHERE workspace_id = $1 AND user_id = $2 AND work_date >= $3 AND ", crate::registry::visible_sql!("import_id"), " GROUP BY project_id ORDER BY last_day DESC, project_id LIMIT $4");
    DELETE(2) [] = concat!(
        "DELETE FROM time_entries WHERE workspace_id = $1 AND id = $2 AND invoiced_at IS NULL AND locked = FALSE AND ",
        crate::registry::visible_sql!("import_id")
    );
    GET(2) ["workspace_id", "id", "user_id", "project_id", "client_id", "deliverable_id", "change_request_id", "work_date", "minutes", "billed_minutes", "note", "billable", "scope", "free_reason", "free_note", "free_approved_by", "write_off_reason", "write_off_note", "write_off_by", "rate_minor", "cost_minor", "locked", "invoiced_at", "source", "created_at", "updated_at", "version"] = concat!(
        "SELECT ", sql_cols!(), " FROM time_entries WHERE workspace_id = $1 AND id = $2 AND ",
        crate::registry::visible_sql!("import_id")
    );
    FACTS_BETWEEN(4) ["work_date", "project_id", "minutes", "note"] = concat!(
        "SELECT work_date, project_id, minutes, note FROM time_entries WHERE workspace_id = $1 AND user_id = $2 AND work_date >= $3 AND work_date < $4 AND ",
        crate::registry::visible_sql!("import_id")
    );
    SET_LOCKED(5) [] = concat!(
        "UPDATE time_entries SET locked = $5, version = version + 1 WHERE workspace_id = $1 AND user_id = $2 AND work_date >= $3 AND work_date < $4 AND ",
        crate::registry::visible_sql!("import_id")
    );
    ENTRIES_AFTER(3) ["workspace_id", "id", "user_id", "project_id", "client_id", "deliverable_id", "change_request_id", "work_date", "minutes", "billed_minutes", "note", "billable", "scope", "free_reason", "free_note", "free_approved_by", "write_off_reason", "write_off_note", "write_off_by", "rate_minor", "cost_minor", "locked", "invoiced_at", "source", "created_at", "updated_at", "version"] = concat!(
        "SELECT ", sql_cols!(), " FROM time_entries WHERE workspace_id = $1 AND id > $2 AND ",
        crate::registry::visible_sql!("import_id"),
        " ORDER BY id LIMIT $3"
    );
    MAKE_DAY_ROW(3) [] = "INSERT INTO person_days (workspace_id, user_id, day, minutes) VALUES ($1, $2, $3, 0) ON CONFLICT (workspace_id, user_id, day) DO NOTHING";
    LOCK_DAY_ROW(3) ["minutes"] @postgres = "SELECT minutes FROM person_days WHERE workspace_id = $1 AND user_id = $2 AND day = $3 FOR UPDATE";
    LOCK_AND_DAY(4) ["locked", "minutes"] = "SELECT CAST((SELECT COUNT(*) FROM timesheet_approvals WHERE workspace_id = $1 AND user_id = $2 AND week_start = $3) AS BIGINT) AS locked, CAST(COALESCE((SELECT minutes FROM person_days WHERE workspace_id = $1 AND user_id = $2 AND day = $4), 0) AS BIGINT) AS minutes";
    APPROVAL(3) ["workspace_id", "user_id", "week_start", "approved_by", "approved_at"] = "SELECT workspace_id, user_id, week_start, approved_by, approved_at FROM timesheet_approvals WHERE workspace_id = $1 AND user_id = $2 AND week_start = $3";
    APPROVALS(2) ["workspace_id", "user_id", "week_start", "approved_by", "approved_at"] = "SELECT workspace_id, user_id, week_start, approved_by, approved_at FROM timesheet_approvals WHERE workspace_id = $1 AND week_start = $2";
    INSERT_APPROVAL(5) [] = "INSERT INTO timesheet_approvals (workspace_id, user_id, week_start, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5)";
    DELETE_APPROVAL(3) [] = "DELETE FROM timesheet_approvals WHERE workspace_id = $1 AND user_id = $2 AND week_start = $3";
    TIMER(2) ["workspace_id", "user_id", "project_id", "deliverable_id", "note", "billable", "started_at"] = "SELECT workspace_id, user_id, project_id, deliverable_id, note, billable, started_at FROM timers WHERE workspace_id = $1 AND user_id = $2";
    START_TIMER(7) [] = "INSERT INTO timers (workspace_id, user_id, project_id, deliverable_id, note, billable, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    DELETE_TIMER(2) [] = "DELETE FROM timers WHERE workspace_id = $1 AND user_id = $2";
    FRAME_STATUS(2) ["unread", "timer_project_id", "timer_project", "timer_started_at"] = "SELECT CAST((SELECT COUNT(*) FROM notifications n WHERE n.workspace_id = $1 AND n.user_id = $2 AND n.read_at IS NULL) AS BIGINT) AS unread, \
         t.project_id AS timer_project_id, p.name AS timer_project, t.started_at AS timer_started_at \
         FROM (SELECT 1 AS one) x \
         LEFT JOIN timers t ON t.workspace_id = $1 AND t.user_id = $2 \
         LEFT JOIN projects p ON p.workspace_id = t.workspace_id AND p.id = t.project_id";
    APPROVED_SINCE(2) ["user_id", "week_start"] =
        "SELECT user_id, week_start FROM timesheet_approvals WHERE workspace_id = $1 AND approved_at >= $2";
    APPROVED_WEEKS(2) ["week_start"] =
        "SELECT week_start FROM timesheet_approvals WHERE workspace_id = $1 AND user_id = $2";
}

/// The weeks approved at or after `since`: (person, week start).
pub async fn approved_since(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    since: i64,
) -> Result<Vec<(Uuid, i32)>> {
    APPROVED_SINCE
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(since)])
        .await
}

/// The approved weeks of one person.
pub async fn approved_weeks(c: &mut Conn<'_>, ws: WorkspaceId, user: Uuid) -> Result<Vec<i32>> {
    let rows: Vec<(i32,)> = APPROVED_WEEKS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(user)])
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
