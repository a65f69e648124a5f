//! The audit log: the page, its export, the API, and the sentences that tell each change.
use mesure_domain::{Action, AuditAction};
pub mod api;
pub mod pages;
pub mod text;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "audit",
    page_rules: &[
        PageRule::new(
            "GET",
            "/audit",
            Access::May(Action::Audit(AuditAction::Read)),
            || get(pages::page),
        ),
        PageRule::new(
            "POST",
            "/audit/export",
            Access::May(Action::Audit(AuditAction::Export)),
            || post(pages::export),
        ),
        PageRule::new(
            "GET",
            "/exports/{id}",
            Access::May(Action::Audit(AuditAction::Export)),
            || get(pages::download),
        ),
    ],
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

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::list_audit))
}
