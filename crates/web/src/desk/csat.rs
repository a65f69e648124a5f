//! The satisfaction question after resolution: by the e-mailed link without logging in (its own
//! CSRF cookie, as the sign-in page), or on the ticket's page in the portal; 1–5 and an
//! optional comment, answered once; a used or unknown link says so and changes nothing.
use crate::AppState;
use crate::auth::password::with_anon_csrf;
use crate::html::{Base, Errors, Values, error_page, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mesure_services::ServiceError;
use mesure_services::desk::csat::{self, CsatView};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "desk/csat_public.html")]
struct PublicPage {
    base: Base,
    intro: String,
    csat_action: String,
    csat_csrf: String,
    values: Values,
    errors: Errors,
    done: bool,
    answered: bool,
}

fn public(
    headers: &HeaderMap,
    s: &AppState,
    status: StatusCode,
    v: &CsatView,
    token: &str,
    (values, errors): (Values, Errors),
    done: bool,
) -> Response {
    let lang = v.language;
    let number = v.number.to_string();
    let intro = mesure_i18n::t_args(
        lang,
        "desk-csat-intro",
        &[
            ("number", mesure_i18n::Arg::Str(&number)),
            ("subject", mesure_i18n::Arg::Str(&v.subject)),
            ("workspace", mesure_i18n::Arg::Str(&v.workspace_name)),
        ],
    );
    let answered = v.row.answered_at.is_some();
    with_anon_csrf(headers, s, status, |csrf| {
        render_status(
            status,
            &PublicPage {
                base: Base::anonymous(lang, "desk-csat-title").with_csrf(&csrf),
                intro,
                csat_action: format!("/csat/{token}"),
                csat_csrf: csrf,
                values,
                errors,
                done,
                answered,
            },
        )
    })
}

fn dead_link(headers: &HeaderMap, err: &ServiceError) -> Response {
    crate::html::dead_link(headers, err, "desk-csat-title", "err-desk-csat-unknown")
}

pub async fn by_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match csat::by_token(&s.app, &token).await {
        Ok(v) => public(
            &headers,
            &s,
            StatusCode::OK,
            &v,
            &token,
            (Values::default(), Errors::default()),
            false,
        ),
        Err(e) => dead_link(&headers, &e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct RateForm {
    #[serde(default)]
    pub score: String,
    pub comment: Option<String>,
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

pub async fn answer_by_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let f: RateForm = match crate::auth::password::anon_form(&headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match csat::answer_by_token(&s.app, &token, &f.score, f.comment.as_deref()).await {
        Ok(v) => public(
            &headers,
            &s,
            StatusCode::OK,
            &v,
            &token,
            (Values::default(), Errors::default()),
            true,
        ),
        Err(ServiceError::Invalid(inv)) => match csat::by_token(&s.app, &token).await {
            Ok(v) => public(
                &headers,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                &v,
                &token,
                (
                    Values::from_body(&body),
                    Errors::from_invalid(v.language, &inv),
                ),
                false,
            ),
            Err(e) => dead_link(&headers, &e),
        },
        Err(e) => dead_link(&headers, &e),
    }
}

/// The contact rates their ticket in the portal.
pub async fn portal_rate(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    let f: RateForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match csat::portal_answer(&s.app, &page.ctx, id, &f.score, f.comment.as_deref()).await {
        Ok(()) => see_other(&format!("/portal/tickets/{id}"), "desk-csat-thanks"),
        Err(ServiceError::Invalid(inv)) => {
            super::portal::ticket_page(
                &s,
                &page,
                id,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}
