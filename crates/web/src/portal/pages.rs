//! The client portal's home: a contact sees their own organisation, nothing else.
use crate::AppState;
use crate::html::{Base, error_page, render};
use crate::session::Page;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mesure_domain::PortalAction;
use mesure_services::clients;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct PortalPage {
    base: Base,
    client: clients::PortalOrganisation,
}

pub async fn home(State(s): State<AppState>, page: Page) -> Response {
    if let Err(e) = page.ctx.require(PortalAction::View) {
        return error_page(&page, e);
    }
    match clients::own_organisation(&s.app, &page.ctx).await {
        Ok(client) => render(&PortalPage {
            base: Base::new(&page, "portal-title", "/portal", "/portal"),
            client,
        }),
        Err(e) => error_page(&page, e),
    }
}
