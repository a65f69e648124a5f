//! The client portal's home: a contact sees their own organisation, nothing else.
use super::{Base, error_page, render};
use crate::AppState;
use crate::session::Page;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mesure_domain::Action;
use mesure_services::{ServiceError, clients};
use mesure_store::clients::ClientRow;

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    base: Base,
    client: ClientRow,
}

pub async fn home(State(s): State<AppState>, page: Page) -> Response {
    if let Err(e) = page.ctx.require(Action::ViewPortal) {
        return error_page(&page, e);
    }
    let Some(client) = page.ctx.client else {
        return error_page(&page, ServiceError::NotFound);
    };
    match clients::get(&s.app, &page.ctx, client).await {
        Ok(client) => render(&PortalPage {
            base: Base::new(&page, "portal-title", "/portal", "/portal"),
            client,
        }),
        Err(e) => error_page(&page, e),
    }
}
