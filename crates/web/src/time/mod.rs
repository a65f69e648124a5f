//! Time: the week grid, entries, the timer, approvals, write-offs and free work, and the import of
//! other tools' exports (pages, API, the upload spool).
use mesure_domain::{Action, TimeAction};
pub mod api;
pub mod pages;
pub mod upload;

use crate::AppState;
use crate::modules::{Access, ApiRule, Menu, Module, NavEntry, PageRule};
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MODULE: Module = Module {
    name: "time",
    page_rules: &[
        PageRule::new(
            "GET",
            "/time",
            Access::May(Action::Time(TimeAction::Log)),
            || get(pages::week),
        ),
        PageRule::new(
            "GET",
            "/time.csv",
            Access::May(Action::Time(TimeAction::Log)),
            || get(pages::export),
        ),
        PageRule::new(
            "GET",
            "/time/entries",
            Access::May(Action::Time(TimeAction::Log)),
            || get(pages::entries),
        ),
        PageRule::new(
            "POST",
            "/time/entries",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::log),
        ),
        PageRule::new(
            "POST",
            "/time/entries/{id}",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::update_entry),
        ),
        PageRule::new(
            "GET",
            "/time/entries/{id}/edit",
            Access::May(Action::Time(TimeAction::Log)),
            || get(pages::edit_entry),
        ),
        PageRule::new(
            "POST",
            "/time/entries/{id}/delete",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::delete_entry),
        ),
        PageRule::new(
            "POST",
            "/time/entries/{id}/write-off",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(pages::write_off),
        ),
        PageRule::new(
            "POST",
            "/time/entries/{id}/approve-free",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(pages::approve_free),
        ),
        PageRule::new(
            "POST",
            "/time/timer/start",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::timer_start),
        ),
        PageRule::new(
            "POST",
            "/time/timer/stop",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::timer_stop),
        ),
        PageRule::new(
            "POST",
            "/time/grid",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::grid_save),
        ),
        PageRule::new(
            "POST",
            "/time/duplicate",
            Access::May(Action::Time(TimeAction::Log)),
            || post(pages::duplicate),
        ),
        PageRule::new(
            "GET",
            "/time/approvals",
            Access::May(Action::Time(TimeAction::Manage)),
            || get(pages::approvals),
        ),
        PageRule::new(
            "POST",
            "/time/approvals/{user}/{week}/approve",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(pages::approve),
        ),
        PageRule::new(
            "POST",
            "/time/approvals/{user}/{week}/reopen",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(pages::reopen),
        ),
        // The import form takes files up to `MAX_IMPORT`.
        PageRule::new(
            "GET",
            "/time/import",
            Access::May(Action::Time(TimeAction::Manage)),
            || get(pages::import_form),
        )
        .uploads(),
        PageRule::new(
            "POST",
            "/time/import",
            Access::May(Action::Time(TimeAction::Manage)),
            || post(pages::import_submit),
        )
        .uploads(),
    ],
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
