//! Time: the week grid, entries, the timer, approvals, write-offs and free work, and the import of
//! other tools' exports (pages, API, the upload spool).
use mesure_domain::{Action, TimeAction};
pub mod api;
pub mod pages;
pub mod upload;

use crate::AppState;
use crate::modules::{ApiRule, Menu, Module, NavEntry};
use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "time",
    pages,
    upload_pages,
    api: api_routes,
    upload_api,
    api_rules: &[
        ApiRule {
            method: "DELETE",
            path: "/api/v1/time-entries/{id}",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/time-entries",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/time-entries/{id}",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "GET",
            path: "/api/v1/timer",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/time-entries",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/time-entries/{id}/approve-free",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/time-entries/{id}/write-off",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/time-imports",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/timer/start",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/timer/stop",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/timesheets/{id}/{week}/approve",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "POST",
            path: "/api/v1/timesheets/{id}/{week}/reopen",
            action: Action::Time(TimeAction::Manage),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/time-entries/{id}",
            action: Action::Time(TimeAction::Log),
        },
        ApiRule {
            method: "PUT",
            path: "/api/v1/timesheets/{id}/{week}",
            action: Action::Time(TimeAction::Log),
        },
    ],
    nav: &[
        NavEntry {
            href: "/time",
            key: "nav-time",
            action: Action::Time(TimeAction::Log),
            menu: Menu::Main,
            order: 30,
        },
        NavEntry {
            href: "/time/entries",
            key: "nav-entries",
            action: Action::Time(TimeAction::Log),
            menu: Menu::Main,
            order: 40,
        },
        NavEntry {
            href: "/time/approvals",
            key: "nav-approvals",
            action: Action::Time(TimeAction::Manage),
            menu: Menu::Main,
            order: 90,
        },
        NavEntry {
            href: "/time/import",
            key: "nav-import",
            action: Action::Time(TimeAction::Manage),
            menu: Menu::Main,
            order: 100,
        },
    ],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route("/time", get(pages::week))
        .route("/time.csv", get(pages::export))
        .route("/time/entries", get(pages::entries).post(pages::log))
        .route("/time/entries/{id}", post(pages::update_entry))
        .route("/time/entries/{id}/edit", get(pages::edit_entry))
        .route("/time/entries/{id}/delete", post(pages::delete_entry))
        .route("/time/entries/{id}/write-off", post(pages::write_off))
        .route("/time/entries/{id}/approve-free", post(pages::approve_free))
        .route("/time/timer/start", post(pages::timer_start))
        .route("/time/timer/stop", post(pages::timer_stop))
        .route("/time/grid", post(pages::grid_save))
        .route("/time/duplicate", post(pages::duplicate))
        .route("/time/approvals", get(pages::approvals))
        .route(
            "/time/approvals/{user}/{week}/approve",
            post(pages::approve),
        )
        .route("/time/approvals/{user}/{week}/reopen", post(pages::reopen))
}

/// The import form takes files up to `MAX_IMPORT`.
fn upload_pages() -> Router<AppState> {
    Router::new().route(
        "/time/import",
        get(pages::import_form).post(pages::import_submit),
    )
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::get, api::update, api::delete))
        .routes(routes!(api::write_off))
        .routes(routes!(api::approve_free))
        .routes(routes!(api::get_timer))
        .routes(routes!(api::start_timer))
        .routes(routes!(api::stop_timer))
        .routes(routes!(api::save_week))
        .routes(routes!(api::approve_week))
        .routes(routes!(api::reopen_week))
}

fn upload_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api::import_csv))
}
