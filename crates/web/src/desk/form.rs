//! The public request form (`/help/{key}`): anyone may ask the desk for help without an account
//! (name, e-mail, subject, message), in their browser's language; its own CSRF cookie as the
//! sign-in page; a honeypot field and a limit per address keep robots out (decision 99).
use crate::AppState;
use crate::auth::password::with_anon_csrf;
use crate::html::{Base, Errors, Values, render_status};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mesure_services::ServiceError;
use mesure_services::desk::inbound::{self, FormInput};

#[derive(Template)]
#[template(path = "desk/form_public.html")]
struct FormPage {
    base: Base,
    action: String,
    values: Values,
    errors: Errors,
    done: bool,
}

fn page(
    headers: &HeaderMap,
    s: &AppState,
    status: StatusCode,
    key: &str,
    (values, errors): (Values, Errors),
    done: bool,
) -> Response {
    let lang = crate::session::visitor_language(headers);
    with_anon_csrf(headers, s, status, |csrf| {
        render_status(
            status,
            &FormPage {
                base: Base::anonymous(lang, "desk-form-title").with_csrf(&csrf),
                action: format!("/help/{key}"),
                values,
                errors,
                done,
            },
        )
    })
}

pub async fn show(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    match inbound::form_workspace(&s.app, &key).await {
        Ok(_) => page(
            &headers,
            &s,
            StatusCode::OK,
            &key,
            (Values::default(), Errors::default()),
            false,
        ),
        Err(e) => crate::html::dead_link(&headers, &e, "desk-form-title", "err-desk-form-unknown"),
    }
}

pub async fn submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let lang = crate::session::visitor_language(&headers);
    let f: FormInput = match crate::auth::password::anon_form(&headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match inbound::submit_form(&s.app, &key, &f).await {
        Ok(()) => page(
            &headers,
            &s,
            StatusCode::OK,
            &key,
            (Values::default(), Errors::default()),
            true,
        ),
        Err(ServiceError::Invalid(inv)) => page(
            &headers,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            &key,
            (Values::from_body(&body), Errors::from_invalid(lang, &inv)),
            false,
        ),
        Err(e) => crate::html::dead_link(&headers, &e, "desk-form-title", "err-desk-form-unknown"),
    }
}
