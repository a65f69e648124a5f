//! The audit log: who changed which entity, when, and the before/after values.
pub mod exports;
use crate::registry::{Cond, Variant, Variants, conds_sql, numbered, presence, present};
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub at: i64,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
}
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, at, actor_id, actor_label, entity_type, entity_id, action, before_json, after_json, request_id"
    };
}
const COLS: &str = sql_cols!();

pub async fn insert(c: &mut Conn<'_>, r: &AuditRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(r.workspace_id),
                crate::Bind::from(r.id),
                crate::Bind::from(r.at),
                crate::Bind::from(r.actor_id),
                crate::Bind::from(&r.actor_label),
                crate::Bind::from(&r.entity_type),
                crate::Bind::from(r.entity_id),
                crate::Bind::from(&r.action),
                crate::Bind::from(&r.before_json),
                crate::Bind::from(&r.after_json),
                crate::Bind::from(&r.request_id),
            ],
        )
        .await?;
    Ok(())
}

/// Filters of the workspace log.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// Half-open `[from, to)` in microseconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Entries strictly older than this (at, id): the keyset cursor.
    pub before: Option<(i64, Uuid)>,
    pub limit: i64,
}

/// Newest first; returns the page and whether more follow.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &AuditQuery,
) -> Result<(Vec<AuditRow>, bool)> {
    let (on, mut binds) = present([
        q.entity_type.clone().map(|t| vec![Bind::Text(t)]),
        q.entity_id.map(|e| vec![Bind::Uuid(e)]),
        q.actor_id.map(|a| vec![Bind::Uuid(a)]),
        q.action.clone().map(|a| vec![Bind::Text(a)]),
        q.from.map(|f| vec![Bind::Int(f)]),
        q.to.map(|t| vec![Bind::Int(t)]),
        q.before.map(|(at, id)| vec![Bind::Int(at), Bind::Uuid(id)]),
    ]);
    binds.insert(0, Bind::Uuid(ws.uuid()));
    let limit = q.limit.clamp(1, 10_000);
    binds.push(Bind::Int(limit + 1));
    let mut rows: Vec<AuditRow> = LIST.get(&on)?.fetch(c, &binds).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The display names of the given ids across the named tables of a workspace (people, clients,
/// contacts, projects, deliverables, milestones, change requests, tokens, imports): what the
/// audit log shows instead of UUIDs.
pub async fn names(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> =
        crate::registry::fetch_in(c, &NAMES, &[Bind::Uuid(ws.uuid())], ids).await?;
    Ok(rows.into_iter().collect())
}

/// The log's optional filters, in the order `list` binds them; the last is the cursor.
const CONDS: [Cond; 7] = [
    (" AND entity_type = ?1", 1),
    (" AND entity_id = ?1", 1),
    (" AND actor_id = ?1", 1),
    (" AND action = ?1", 1),
    (" AND at >= ?1", 1),
    (" AND at < ?1", 1),
    (" AND (at < ?1 OR (at = ?1 AND id < ?2))", 2),
];

fn list_sql(on: &[bool; 7]) -> Variant {
    let (conds, next) = conds_sql(&CONDS, on, 2);
    Variant::both(
        format!(
            "SELECT {COLS} FROM audit_log WHERE workspace_id = $1{conds} ORDER BY at DESC, id DESC LIMIT ${next}"
        ),
        next,
        &COLS.split(", ").collect::<Vec<_>>(),
    )
}

/// The display names of an `IN` list of `n` ids, across the tables the log names.
fn names_sql(n: &usize) -> Variant {
    let list = numbered(2, *n);
    let parts = [
        ("users", "name"),
        ("clients", "name"),
        ("contacts", "first_name || ' ' || last_name"),
        ("projects", "name"),
        ("deliverables", "name"),
        ("milestones", "name"),
        ("change_requests", "title"),
        ("api_tokens", "name"),
        ("imports", "file_name"),
    ];
    let sql = parts
        .iter()
        .map(|(t, col)| {
            format!("SELECT id, {col} AS name FROM {t} WHERE workspace_id = $1 AND id IN ({list})")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    Variant::both(sql, n + 1, &["id", "name"])
}

crate::registry::family! {
    /// The log, newest first, per presence of each filter and of the cursor.
    LIST: [bool; 7] = presence::<7>, list_sql;
}
crate::registry::family! {
    /// Display names, per registered `IN` list length.
    NAMES: usize = crate::registry::in_lengths, names_sql;
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&LIST, &NAMES];

crate::registry::statements! {
    INSERT(11) [] = concat!("INSERT INTO audit_log (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
}
