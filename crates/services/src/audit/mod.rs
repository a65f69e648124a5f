//! Recording and reading the audit log; the audit-log CSV export job.
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::AuditAction;
use mesure_domain::{AuditId, WorkspaceId};
use mesure_store::audit::{AuditQuery, AuditRow};
use mesure_store::{Conn, StoreError, audit::exports};
use serde::Serialize;
use uuid::Uuid;

/// Who made a change: a user, or the system / command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub label: String,
    pub request_id: Option<String>,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.user.uuid()),
            label: self.label.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

impl Actor {
    pub fn system(label: &str) -> Actor {
        Actor {
            id: None,
            label: label.to_string(),
            request_id: None,
        }
    }
}

/// Writes one audit entry in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record<B: Serialize, A: Serialize>(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    actor: &Actor,
    now: i64,
    entity_type: &str,
    entity_id: Uuid,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let row = AuditRow {
        workspace_id: ws.uuid(),
        id: AuditId::new().uuid(),
        at: now,
        actor_id: actor.id,
        actor_label: actor.label.clone(),
        entity_type: entity_type.to_string(),
        entity_id,
        action: action.to_string(),
        before_json: before.and_then(|b| serde_json::to_string(b).ok()),
        after_json: after.and_then(|a| serde_json::to_string(a).ok()),
        request_id: actor.request_id.clone(),
    };
    mesure_store::audit::insert(c, &row).await?;
    Ok(())
}

/// Every kind of entity the log records (the filter offers them all; a test checks each one
/// recorded is listed and named in both languages).
pub const ENTITIES: &[&str] = &[
    "workspace",
    "user",
    "api_token",
    "client",
    "contact",
    "project",
    "deliverable",
    "milestone",
    "change_request",
    "rate",
    "cost_rate",
    "time_entry",
    "timesheet",
    "capacity",
    "leave",
    "import",
    "job",
    "invoice",
    "invoice_settings",
    "client_billing",
    "invoice_batch",
    "question",
    "desk_ticket",
    "desk_policy",
    "desk_calendar",
    "desk_category",
    "desk_canned",
    "desk_inbound",
];

/// Every action the log records.
pub const ACTIONS: &[&str] = &[
    "create",
    "update",
    "delete",
    "archive",
    "unarchive",
    "login",
    "password_change",
    "password_reset_requested",
    "password_reset",
    "invite",
    "portal_access_granted",
    "portal_access_revoked",
    "revoke",
    "retry",
    "export_requested",
    "sent",
    "approved",
    "rejected",
    "reach",
    "unreach",
    "approve",
    "reopen",
    "approve_free",
    "write_off",
    "duplicate_week",
    "draft",
    "add_line",
    "delete_line",
    "cancel",
    "issue",
    "payment",
    "send",
    "logo",
    "month_end",
    "portal",
    "resolve",
    "nps_schedule",
    "nps_send",
    "nps_answer",
    "nps_change",
    "nps_band",
    "calendar",
    "merge",
    "rate",
];

/// Display names of the ids an audit page mentions (people, clients, projects …).
pub async fn names(
    app: &App,
    ctx: &Ctx,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    ctx.require(AuditAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(mesure_store::audit::names(&mut conn.conn(), ctx.workspace, ids).await?)
}

pub async fn list(app: &App, ctx: &Ctx, q: &AuditQuery) -> Result<(Vec<AuditRow>, bool)> {
    ctx.require(AuditAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(mesure_store::audit::list(&mut conn.conn(), ctx.workspace, q).await?)
}

/// Queues the audit-log CSV export; the job writes the file into `exports`.
pub async fn request_export(app: &App, ctx: &Ctx, q: ExportFilter) -> Result<Uuid> {
    ctx.require(AuditAction::Export)?;
    let id = crate::write_tx!(app, tx => {
        let payload = serde_json::json!({ "user": ctx.user.uuid(), "entity_type": q.entity_type, "from": q.from, "to": q.to });
        let id = crate::jobs::enqueue(&mut tx.conn(), app, ctx.workspace, EXPORT_JOB, &payload).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "job",
            id,
            "export_requested",
            None,
            Some(&payload),
        )
        .await?;
        id
    })?;
    app.jobs_notify.notify_one();
    Ok(id)
}

/// Filters of an export request.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct ExportFilter {
    pub entity_type: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// The job that writes an audit export (CSV into `exports`).
pub const EXPORT_JOB: &str = "audit_export";

/// The audit module's background jobs.
pub const JOBS: &[crate::jobs::JobKind] = &[crate::jobs::JobKind {
    kind: EXPORT_JOB,
    run: |app, ws, payload| {
        Box::pin(async move {
            run_export(app, ws, payload)
                .await
                .map_err(|e| crate::jobs::Failure::internal(e.to_string()))
        })
    },
}];

/// The job: writes every matching entry, oldest last, as CSV into an export row.
pub async fn run_export(app: &App, ws: WorkspaceId, payload: &serde_json::Value) -> Result<()> {
    // A payload that is not a filter is a bug, not "export everything".
    let filter: ExportFilter = serde_json::from_value(payload.clone())
        .map_err(|e| StoreError::Corrupt(format!("audit export payload: {e}")))?;
    let user = payload
        .get("user")
        .and_then(|u| u.as_str())
        .and_then(|u| Uuid::parse_str(u).ok());
    // The file speaks the language of the person who asked for it (French: `;`, BOM, French
    // column names); entity and action stay codes, before/after the exact recorded JSON.
    let lang = match user {
        Some(u) => {
            let mut conn = app.db.read().await?;
            // A person since deleted gets French; a failed read fails the job (it runs again).
            match mesure_store::people::users::get(
                &mut conn.conn(),
                ws,
                mesure_domain::UserId::from_uuid(u),
            )
            .await
            {
                Ok(r) => r.language.unwrap_or(mesure_domain::Language::Fr),
                Err(StoreError::NotFound) => mesure_domain::Language::Fr,
                Err(e) => return Err(e.into()),
            }
        }
        None => mesure_domain::Language::Fr,
    };
    let mut out = crate::csv_out::writer_for(lang);
    out.header(&[
        "at",
        "actor",
        "entity_type",
        "entity_id",
        "action",
        "before",
        "after",
        "request_id",
    ])
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut q = AuditQuery {
        entity_type: filter.entity_type.clone(),
        from: filter.from,
        to: filter.to,
        limit: 1000,
        ..Default::default()
    };
    let mut conn = app.db.read().await?;
    loop {
        let (rows, more) = mesure_store::audit::list(&mut conn.conn(), ws, &q).await?;
        for r in &rows {
            let at = mesure_store::ts(r.at).to_string();
            out.write_record([
                at.as_str(),
                &r.actor_label,
                &r.entity_type,
                &r.entity_id.to_string(),
                &r.action,
                r.before_json.as_deref().unwrap_or(""),
                r.after_json.as_deref().unwrap_or(""),
                r.request_id.as_deref().unwrap_or(""),
            ])
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        }
        match rows.last() {
            Some(last) if more => q.before = Some((last.at, last.id)),
            _ => break,
        }
    }
    drop(conn);
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let content = String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let now = app.now();
    let stamp = mesure_store::ts(now).strftime("%Y%m%d-%H%M%S").to_string();
    crate::write_tx!(app, tx => {
        exports::insert(
            &mut tx.conn(),
            &exports::ExportRow {
                workspace_id: ws.uuid(),
                id: Uuid::now_v7(),
                kind: "audit_log".into(),
                file_name: format!("audit-log-{stamp}.csv"),
                content: content.clone(),
                created_by: user,
                created_at: now,
            },
        )
        .await?;
    })
}

pub async fn list_exports(app: &App, ctx: &Ctx) -> Result<Vec<exports::ExportRow>> {
    ctx.require(AuditAction::Export)?;
    let mut conn = app.db.read().await?;
    Ok(exports::list(&mut conn.conn(), ctx.workspace, 20).await?)
}

pub async fn get_export(app: &App, ctx: &Ctx, id: Uuid) -> Result<exports::ExportRow> {
    ctx.require(AuditAction::Export)?;
    let mut conn = app.db.read().await?;
    Ok(exports::get(&mut conn.conn(), ctx.workspace, id).await?)
}
