//! Signing in and out, password resets, the language switch and API tokens.
use mesure_domain::{Action, PeopleAction};
pub mod pages;
pub mod password;
pub mod tokens;

use crate::AppState;
use crate::modules::{Menu, Module, NavEntry, no_api, no_pages};
use axum::Router;
use axum::routing::{get, post};

pub const MODULE: Module = Module {
    name: "auth",
    pages,
    upload_pages: no_pages,
    api: no_api,
    upload_api: no_api,
    api_rules: &[],
    nav: &[NavEntry {
        href: "/settings/tokens",
        key: "nav-tokens",
        action: Action::People(PeopleAction::ManageOwnAccount),
        menu: Menu::Settings,
        order: 40,
    }],
};

fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login_submit))
        .route("/logout", post(pages::logout))
        .route(
            "/password/forgot",
            get(password::forgot_page).post(password::forgot_submit),
        )
        .route(
            "/password/reset/{token}",
            get(password::reset_page).post(password::reset_submit),
        )
        .route("/lang", post(pages::switch_language))
        .route(
            "/settings/tokens",
            get(tokens::tokens).post(tokens::token_create),
        )
        .route("/settings/tokens/{id}/revoke", post(tokens::token_revoke))
}
