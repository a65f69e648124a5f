//! Forgotten passwords: ask for a link by e-mail, then set a new password from it.
use crate::AppState;
use crate::html::{Base, Errors, Values, render_status};
use crate::session::{
    LOGIN_CSRF_COOKIE, constant_eq, cookie, csrf_failed, is_https, set_cookie, visitor_language,
};
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesure_i18n::{Arg, t_args};
use mesure_services::{ServiceError, people::users};
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "auth/password_forgot.html")]
struct ForgotPage {
    base: Base,
    csrf: String,
    values: Values,
    errors: Errors,
    sent: bool,
}

#[derive(Template)]
#[template(path = "auth/password_reset.html")]
struct ResetPage {
    base: Base,
    csrf: String,
    token: String,
    valid: bool,
    values: Values,
    errors: Errors,
}

/// A page for visitors with a fresh double-submit CSRF cookie (as on the login page).
pub(crate) fn with_anon_csrf(
    headers: &HeaderMap,
    state: &AppState,
    status: StatusCode,
    render: impl FnOnce(String) -> Response,
) -> Response {
    // Keep the visitor's token when they have one, so a page opened in another tab stays valid.
    let token = cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() >= 32)
        .unwrap_or_else(|| mesure_services::secrets::random_token(24).unwrap_or_default());
    let mut res = render(token.clone());
    *res.status_mut() = status;
    if let Ok(v) = set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        Some(3600),
        is_https(headers, state),
    )
    .parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub(crate) fn anon_csrf_ok(headers: &HeaderMap, sent: &str) -> bool {
    let expected = cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    !expected.is_empty() && constant_eq(&expected, sent)
}

/// A form posted without a session (a survey, a satisfaction question, the public request
/// form): its fields once its `_csrf` matches the visitor's cookie; else the answer to send (400
/// for an unreadable body, 403 for a missing or wrong token), in the visitor's language.
pub(crate) fn anon_form<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Response> {
    #[derive(serde::Deserialize)]
    struct Token {
        #[serde(rename = "_csrf", default)]
        csrf: String,
    }
    let lang = crate::session::visitor_language(headers);
    let (Ok(f), Ok(tok)) = (
        serde_urlencoded::from_bytes::<T>(body),
        serde_urlencoded::from_bytes::<Token>(body),
    ) else {
        return Err((
            StatusCode::BAD_REQUEST,
            axum::response::Html(crate::html::simple_page(
                lang,
                "err-bad-request",
                "err-bad-request-detail",
            )),
        )
            .into_response());
    };
    if !anon_csrf_ok(headers, &tok.csrf) {
        return Err(crate::session::csrf_failed(lang));
    }
    Ok(f)
}

fn forgot(
    headers: &HeaderMap,
    state: &AppState,
    status: StatusCode,
    values: Values,
    errors: Errors,
    sent: bool,
) -> Response {
    let lang = visitor_language(headers);
    with_anon_csrf(headers, state, status, |csrf| {
        render_status(
            StatusCode::OK,
            &ForgotPage {
                base: Base::anonymous(lang, "forgot-title").with_csrf(&csrf),
                csrf,
                values,
                errors,
                sent,
            },
        )
    })
}

pub async fn forgot_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    forgot(
        &headers,
        &s,
        StatusCode::OK,
        Values::default(),
        Errors::default(),
        false,
    )
}

#[derive(serde::Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn forgot_submit(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let lang = visitor_language(&headers);
    let Ok(form) = serde_urlencoded::from_bytes::<ForgotForm>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !anon_csrf_ok(&headers, &form.csrf) {
        return csrf_failed(lang);
    }
    let mut c = mesure_domain::validate::Checker::new();
    c.email("email", &form.email);
    if let Err(inv) = c.finish() {
        return forgot(
            &headers,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            Values::from_body(&body),
            Errors::from_invalid(lang, &inv),
            false,
        );
    }
    match users::request_reset(&s.app, &form.email, &addr.ip().to_string()).await {
        Ok(()) => forgot(
            &headers,
            &s,
            StatusCode::OK,
            Values::default(),
            Errors::default(),
            true,
        ),
        Err(ServiceError::Throttled(secs)) => {
            let msg = t_args(lang, "err-throttled-detail", &[("seconds", Arg::Num(secs))]);
            forgot(
                &headers,
                &s,
                StatusCode::TOO_MANY_REQUESTS,
                Values::from_body(&body),
                Errors::one("email", msg),
                false,
            )
        }
        Err(e) => {
            crate::html::failure_page(lang, &e, crate::session::request_id(&headers).as_deref())
        }
    }
}

fn reset(
    headers: &HeaderMap,
    state: &AppState,
    status: StatusCode,
    token: String,
    valid: bool,
    errors: Errors,
) -> Response {
    let lang = visitor_language(headers);
    with_anon_csrf(headers, state, status, |csrf| {
        render_status(
            StatusCode::OK,
            &ResetPage {
                base: Base::anonymous(lang, "reset-title").with_csrf(&csrf),
                csrf,
                token,
                valid,
                values: Values::default(),
                errors,
            },
        )
    })
}

pub async fn reset_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let valid = users::reset_is_valid(&s.app, &token).await.unwrap_or(false);
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    reset(&headers, &s, status, token, valid, Errors::default())
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn reset_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let lang = visitor_language(&headers);
    let Ok(form) = serde_urlencoded::from_bytes::<ResetForm>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !anon_csrf_ok(&headers, &form.csrf) {
        return csrf_failed(lang);
    }
    match users::reset_password(&s.app, &token, &form.new_password, &form.confirm_password).await {
        Ok(()) => crate::html::see_other("/login", "password-changed"),
        Err(ServiceError::Invalid(inv)) => reset(
            &headers,
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            token,
            true,
            Errors::from_invalid(lang, &inv),
        ),
        Err(ServiceError::NotFound) => reset(
            &headers,
            &s,
            StatusCode::NOT_FOUND,
            token,
            false,
            Errors::default(),
        ),
        Err(e) => {
            crate::html::failure_page(lang, &e, crate::session::request_id(&headers).as_deref())
        }
    }
}
