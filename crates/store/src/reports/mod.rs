//! Reports over any period: time and money per group (client, project, person, deliverable) and
//! per day, straight from the time entries. Amounts are rounded per entry exactly as the running
//! aggregates are (`mesure_domain::projects::engagement::contribution`), so a report agrees with the radar
//! to the cent.
use crate::registry::{Variant, Variants};
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

/// What to group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    Client,
    Project,
    Person,
    Deliverable,
}

impl GroupBy {
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Client,
        GroupBy::Project,
        GroupBy::Person,
        GroupBy::Deliverable,
    ];
    pub fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL.into_iter().find(|g| g.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Client => "client",
            GroupBy::Project => "project",
            GroupBy::Person => "person",
            GroupBy::Deliverable => "deliverable",
        }
    }
    fn column(self) -> &'static str {
        match self {
            GroupBy::Client => "client_id",
            GroupBy::Project => "project_id",
            GroupBy::Person => "user_id",
            GroupBy::Deliverable => "deliverable_id",
        }
    }
}

crate::registry::row! {
/// Sums of one group on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRow {
    /// The group's id (`None`: entries with no deliverable).
    pub key: Option<Uuid>,
    pub day: i32,
    pub entries: i64,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub billable_value: i64,
    pub free_minutes: i64,
    pub free_value: i64,
    pub written_off_minutes: i64,
    pub written_off_value: i64,
    pub cost: i64,
}
}

/// Per group and day over `[from, to)`.
pub async fn by_day(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    group: GroupBy,
    from: i32,
    to: i32,
) -> Result<Vec<ReportRow>> {
    let b = vec![
        Bind::Uuid(ws.uuid()),
        Bind::Int(i64::from(from)),
        Bind::Int(i64::from(to)),
    ];
    BY_DAY.get(&group)?.fetch(c, &b).await
}

/// The `by_day` statement of one grouping.
fn by_day_sql(group: &GroupBy) -> Variant {
    // Per-entry rounding half up, as `value_of`: (m · r · 2 + 60) / 120 on non-negative integers.
    const V: &str = "(billed_minutes * rate_minor * 2 + 60) / 120";
    const BILLABLE: &str = "scope <> 'free' AND write_off_reason IS NULL AND billable = TRUE";
    const FREE: &str = "scope = 'free'";
    const OFF: &str = "scope <> 'free' AND write_off_reason IS NOT NULL";
    let col = group.column();
    let sql = format!(
        "SELECT {col} AS key, work_date AS day, CAST(COUNT(*) AS BIGINT) AS entries, \
         CAST(SUM(minutes) AS BIGINT) AS minutes, \
         CAST(SUM(CASE WHEN {BILLABLE} THEN minutes ELSE 0 END) AS BIGINT) AS billable_minutes, \
         CAST(SUM(CASE WHEN {BILLABLE} THEN {V} ELSE 0 END) AS BIGINT) AS billable_value, \
         CAST(SUM(CASE WHEN {FREE} THEN minutes ELSE 0 END) AS BIGINT) AS free_minutes, \
         CAST(SUM(CASE WHEN {FREE} THEN {V} ELSE 0 END) AS BIGINT) AS free_value, \
         CAST(SUM(CASE WHEN {OFF} THEN minutes ELSE 0 END) AS BIGINT) AS written_off_minutes, \
         CAST(SUM(CASE WHEN {OFF} THEN {V} ELSE 0 END) AS BIGINT) AS written_off_value, \
         CAST(SUM((minutes * cost_minor * 2 + 60) / 120) AS BIGINT) AS cost \
         FROM time_entries WHERE workspace_id = $1 AND work_date >= $2 AND work_date < $3 AND {} \
         GROUP BY {col}, work_date ORDER BY work_date",
        crate::time::imports::visible("import_id")
    );
    Variant::both(
        sql,
        3,
        &[
            "key",
            "day",
            "entries",
            "minutes",
            "billable_minutes",
            "billable_value",
            "free_minutes",
            "free_value",
            "written_off_minutes",
            "written_off_value",
            "cost",
        ],
    )
}

crate::registry::family! {
    /// Per group and day, one text per grouping.
    BY_DAY: GroupBy = || GroupBy::ALL.to_vec(), by_day_sql;
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&BY_DAY];
