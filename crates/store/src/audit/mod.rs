//! The audit log: who changed which entity, when, and the before/after values.
pub mod exports;
use crate::{Bind, Conn, Result, bind_all, on};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

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
    let mut binds = vec![Bind::Uuid(ws.uuid())];
    let mut sql = format!("SELECT {COLS} FROM audit_log WHERE workspace_id = $1");
    let mut add = |cond: &str, b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        sql.push_str(&cond.replace('?', &format!("${}", binds.len())));
    };
    if let Some(t) = &q.entity_type {
        add(" AND entity_type = ?", Bind::Text(t.clone()), &mut binds);
    }
    if let Some(e) = q.entity_id {
        add(" AND entity_id = ?", Bind::Uuid(e), &mut binds);
    }
    if let Some(a) = q.actor_id {
        add(" AND actor_id = ?", Bind::Uuid(a), &mut binds);
    }
    if let Some(a) = &q.action {
        add(" AND action = ?", Bind::Text(a.clone()), &mut binds);
    }
    if let Some(f) = q.from {
        add(" AND at >= ?", Bind::Int(f), &mut binds);
    }
    if let Some(t) = q.to {
        add(" AND at < ?", Bind::Int(t), &mut binds);
    }
    if let Some((at, id)) = q.before {
        binds.push(Bind::Int(at));
        let a = binds.len();
        binds.push(Bind::Uuid(id));
        sql.push_str(&format!(
            " AND (at < ${a} OR (at = ${a} AND id < ${}))",
            binds.len()
        ));
    }
    let limit = q.limit.clamp(1, 10_000);
    sql.push_str(&format!(" ORDER BY at DESC, id DESC LIMIT {}", limit + 1));
    let mut rows = on!(c, c => bind_all!(sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql.as_str())), &binds).fetch_all(&mut **c).await)?;
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
    let mut out = std::collections::HashMap::new();
    // Bounded IN lists (a page of the log names at most a few hundred ids).
    for chunk in ids.chunks(200) {
        let mut binds = vec![Bind::Uuid(ws.uuid())];
        binds.extend(chunk.iter().map(|id| Bind::Uuid(*id)));
        let list = (2..=binds.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
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
                format!(
                    "SELECT id, {col} AS name FROM {t} WHERE workspace_id = $1 AND id IN ({list})"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows: Vec<(Uuid, String)> = crate::fetch(c, &sql, &binds).await?;
        out.extend(rows);
    }
    Ok(out)
}

crate::registry::statements! {
    INSERT(11) [] = concat!("INSERT INTO audit_log (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
}
