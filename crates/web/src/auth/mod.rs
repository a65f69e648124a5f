//! Signing in and out, password resets, the language switch and API tokens.
use mesure_domain::{Action, PeopleAction};
pub mod pages;
pub mod password;
pub mod tokens;

use crate::modules::{Access, Menu, Module, NavEntry, PageRule, no_api};
use axum::routing::{get, post};

pub const MODULE: Module = Module {
    name: "auth",
    page_rules: &[
        PageRule::new("GET", "/", Access::Public, || get(pages::home)),
        PageRule::new("GET", "/login", Access::Public, || get(pages::login_page)),
        PageRule::new("POST", "/login", Access::Public, || {
            post(pages::login_submit)
        }),
        PageRule::new("POST", "/logout", Access::Public, || post(pages::logout)),
        PageRule::new("GET", "/password/forgot", Access::Public, || {
            get(password::forgot_page)
        }),
        PageRule::new("POST", "/password/forgot", Access::Public, || {
            post(password::forgot_submit)
        }),
        PageRule::new("GET", "/password/reset/{token}", Access::Public, || {
            get(password::reset_page)
        }),
        PageRule::new("POST", "/password/reset/{token}", Access::Public, || {
            post(password::reset_submit)
        }),
        PageRule::new("POST", "/lang", Access::Public, || {
            post(pages::switch_language)
        }),
        PageRule::new(
            "GET",
            "/settings/tokens",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || get(tokens::tokens),
        ),
        PageRule::new(
            "POST",
            "/settings/tokens",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || post(tokens::token_create),
        ),
        PageRule::new(
            "POST",
            "/settings/tokens/{id}/revoke",
            Access::May(Action::People(PeopleAction::ManageOwnAccount)),
            || post(tokens::token_revoke),
        ),
    ],
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
