//! The workspace audit log with filters, its CSV export through the job queue, and downloads.
use crate::AppState;
use crate::audit::text::{AuditLine, lines};
use crate::html::{Base, error_page, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mesure_services::audit::{self, ACTIONS, ENTITIES, ExportFilter};
use mesure_store::audit::AuditQuery;
use mesure_store::audit::exports::ExportRow;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    entity_type: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/log.html")]
struct AuditPage {
    base: Base,
    rows: Vec<AuditLine>,
    entities: Vec<(&'static str, String)>,
    actions: Vec<(&'static str, String)>,
    entity_type: String,
    action: String,
    from: String,
    to: String,
    next: Option<String>,
    query_string: String,
    exports: Vec<ExportRow>,
    date_error: bool,
}

/// A civil date `YYYY-MM-DD` at midnight in the workspace's zone, in microseconds.
fn day_start(date: &str, tz: &str) -> Option<i64> {
    let d: jiff::civil::Date = date.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    Some(d.to_zoned(zone).ok()?.timestamp().as_microsecond())
}

pub async fn page(State(s): State<AppState>, page: Page, Query(p): Query<Params>) -> Response {
    let tz = page.ctx.time_zone.clone();
    let from = p.from.as_deref().filter(|s| !s.is_empty());
    let to = p.to.as_deref().filter(|s| !s.is_empty());
    let from_us = from.map(|d| day_start(d, &tz));
    // The "to" day is included: the period ends at the next midnight.
    let to_us = to.map(|d| day_start(d, &tz).map(|us| us + 86_400_000_000));
    let date_error = matches!(from_us, Some(None)) || matches!(to_us, Some(None));
    let before = p.before.as_deref().and_then(|b| {
        let (at, id) = b.split_once('_')?;
        Some((at.parse().ok()?, uuid::Uuid::parse_str(id).ok()?))
    });
    let q = AuditQuery {
        entity_type: p.entity_type.clone().filter(|s| !s.is_empty()),
        action: p.action.clone().filter(|s| !s.is_empty()),
        from: from_us.flatten(),
        to: to_us.flatten(),
        before,
        limit: 50,
        ..Default::default()
    };
    let (rows, more) = match audit::list(&s.app, &page.ctx, &q).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let exports = crate::section!(&page, audit::list_exports(&s.app, &page.ctx).await);
    let base = Base::new(&page, "audit-title", "/audit", "/audit").with_notice(p.notice.as_deref());
    let next = if more {
        rows.last().map(|r| format!("{}_{}", r.at, r.id))
    } else {
        None
    };
    let (et, ac, fr, tt) = (
        p.entity_type.clone().unwrap_or_default(),
        p.action.clone().unwrap_or_default(),
        p.from.clone().unwrap_or_default(),
        p.to.clone().unwrap_or_default(),
    );
    let query_string = crate::html::qs(&[
        ("entity_type", &et),
        ("action", &ac),
        ("from", &fr),
        ("to", &tt),
    ]);
    let rows = match lines(&s, &page, &base, rows).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let entities = ENTITIES
        .iter()
        .map(|e| (*e, base.t(&format!("audit-entity-{e}"))))
        .collect();
    let actions = ACTIONS
        .iter()
        .map(|a| (*a, base.t(&format!("audit-act-{a}"))))
        .collect();
    render(&AuditPage {
        base,
        rows,
        entities,
        actions,
        entity_type: et,
        action: ac,
        from: fr,
        to: tt,
        next,
        query_string,
        exports,
        date_error,
    })
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    entity_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

pub async fn export(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let form: ExportForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let tz = page.ctx.time_zone.clone();
    let filter = ExportFilter {
        entity_type: form.entity_type.filter(|s| !s.is_empty()),
        from: form.from.as_deref().and_then(|d| day_start(d, &tz)),
        to: form
            .to
            .as_deref()
            .and_then(|d| day_start(d, &tz))
            .map(|us| us + 86_400_000_000),
    };
    match audit::request_export(&s.app, &page.ctx, filter).await {
        Ok(_) => see_other("/audit", "export-queued"),
        Err(e) => error_page(&page, e),
    }
}

pub async fn download(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page(&page, mesure_services::ServiceError::NotFound);
    };
    match audit::get_export(&s.app, &page.ctx, id).await {
        Ok(e) => crate::html::csv_response(&e.file_name, e.content),
        Err(e) => error_page(&page, e),
    }
}
