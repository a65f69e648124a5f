//! The audit log: the page, its export, the API, and the sentences that tell each change.
use mesure_domain::{Action, AuditAction};
pub mod api;
pub mod pages;
pub mod text;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "audit",
    pages,
    upload_pages: no_pages,
    api: api_routes,
    upload_api: no_api,
    api_rules: &[ApiRule {
        method: "GET",
        path: "/api/v1/audit",
        action: Action::Audit(AuditAction::Read),
    }],
    nav: &[NavEntry {
        href: "/audit",
        key: "nav-audit",
        action: Action::Audit(AuditAction::Read),
        menu: Menu::Main,
        order: 120,
    }],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route("/audit", get(pages::page))
        .route("/audit/export", post(pages::export))
        .route("/exports/{id}", get(pages::download))
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list_audit))
}
