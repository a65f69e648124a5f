//! Sign in, sign out, and the language switch.
use crate::AppState;
use crate::html::{Base, Errors, render_status};
use crate::session::{
    LANG_CHOSEN_COOKIE, LANG_COOKIE, LOGIN_CSRF_COOKIE, Page, SESSION_COOKIE, constant_eq, cookie,
    csrf_failed, is_https, request_id, set_cookie, visitor_language,
};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mesure_domain::Language;
use mesure_domain::PortalAction;
use mesure_i18n::{Arg, t, t_args};
use mesure_services::{ServiceError, auth, people::users};
use std::net::SocketAddr;

pub async fn home(page: Option<Page>) -> Response {
    match page {
        Some(p) if p.ctx.may(PortalAction::View) => Redirect::to("/portal").into_response(),
        Some(_) => Redirect::to("/dashboard").into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    base: Base,
    email: String,
    next: String,
    errors: Errors,
    login_csrf: String,
}

#[derive(serde::Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
}

/// Only same-site relative paths are followed after login.
fn safe_next(next: Option<&str>) -> String {
    next.and_then(crate::html::local_path).unwrap_or_default()
}

fn login_response(
    headers: &HeaderMap,
    state: &AppState,
    status: StatusCode,
    email: String,
    next: String,
    errors: Errors,
    notice: Option<&str>,
) -> Response {
    let lang = visitor_language(headers);
    crate::auth::password::with_anon_csrf(headers, state, status, |login_csrf| {
        let base = Base::anonymous(lang, "login-title")
            .with_notice(notice)
            .with_csrf(&login_csrf);
        render_status(
            status,
            &LoginPage {
                base,
                email,
                next,
                errors,
                login_csrf,
            },
        )
    })
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    page: Option<Page>,
    Query(q): Query<NextQuery>,
) -> Response {
    if page.is_some() {
        return Redirect::to("/").into_response();
    }
    login_response(
        &headers,
        &state,
        StatusCode::OK,
        String::new(),
        safe_next(q.next.as_deref()),
        Errors::default(),
        q.notice.as_deref(),
    )
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let lang = visitor_language(&headers);
    let Ok(form) = serde_urlencoded::from_bytes::<LoginForm>(&body) else {
        return login_response(
            &headers,
            &state,
            StatusCode::BAD_REQUEST,
            String::new(),
            String::new(),
            Errors::default(),
            None,
        );
    };
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_eq(&expected, &form.csrf) {
        return csrf_failed(lang);
    }
    let next = safe_next(form.next.as_deref());
    let mut c = mesure_domain::validate::Checker::new();
    c.required("email", &form.email, 254);
    c.required("password", &form.password, 500);
    if let Err(inv) = c.finish() {
        let errors = Errors::from_invalid(lang, &inv);
        return login_response(
            &headers,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.email,
            next,
            errors,
            None,
        );
    }
    match auth::login(
        &state.app,
        &form.email,
        &form.password,
        &addr.ip().to_string(),
    )
    .await
    {
        Ok(done) => {
            let secure = is_https(&headers, &state);
            let chosen = cookie(&headers, LANG_CHOSEN_COOKIE).and_then(|l| Language::parse(&l));
            if let Some(lang) = chosen {
                keep_chosen_language(&state, &done.token, lang, &headers).await;
            }
            let to = if !next.is_empty() {
                next
            } else if done.user.kind == mesure_domain::UserKind::Contact {
                "/portal".into()
            } else {
                "/dashboard".into()
            };
            let mut res = Redirect::to(&to).into_response();
            let h = res.headers_mut();
            let age = auth::SESSION_US / 1_000_000;
            if let Ok(v) = set_cookie(SESSION_COOKIE, &done.token, Some(age), secure).parse() {
                h.append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(LOGIN_CSRF_COOKIE, "", Some(0), secure).parse() {
                h.append(header::SET_COOKIE, v);
            }
            if chosen.is_some()
                && let Ok(v) = set_cookie(LANG_CHOSEN_COOKIE, "", Some(0), secure).parse()
            {
                h.append(header::SET_COOKIE, v);
            }
            res
        }
        Err(ServiceError::Throttled(s)) => {
            let msg = t_args(lang, "err-throttled-detail", &[("seconds", Arg::Num(s))]);
            let mut res = login_response(
                &headers,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                form.email,
                next,
                Errors::one("password", msg),
                None,
            );
            if let Ok(v) = s.to_string().parse() {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Err(ServiceError::Unauthorized) => {
            let errors = Errors::one("password", t(lang, "err-login-failed"));
            login_response(
                &headers,
                &state,
                StatusCode::UNAUTHORIZED,
                form.email,
                next,
                errors,
                None,
            )
        }
        Err(e) => {
            crate::html::failure_page(lang, &e, crate::session::request_id(&headers).as_deref())
        }
    }
}

/// Saves on the user the language chosen on the login page before signing in (as the switch
/// does when signed in). A failure leaves the saved language as it was: the login goes on.
async fn keep_chosen_language(state: &AppState, token: &str, lang: Language, headers: &HeaderMap) {
    let saved = async {
        let r = auth::from_session(&state.app, token, request_id(headers)).await?;
        if r.user.language != Some(lang) {
            users::set_language(&state.app, &r.ctx, lang).await?;
        }
        Ok::<_, ServiceError>(())
    }
    .await;
    if let Err(e) = saved {
        tracing::warn!(error = %e, "the language chosen before signing in was not saved");
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    page: Option<Page>,
    body: axum::body::Bytes,
) -> Response {
    let secure = is_https(&headers, &state);
    if let Some(p) = page {
        if let Err(r) = p.form::<serde::de::IgnoredAny>(&body) {
            return r;
        }
        if let Some(token) = cookie(&headers, SESSION_COOKIE) {
            let _ = auth::logout(&state.app, &token).await;
        }
    }
    let mut res = crate::html::see_other("/login", "logged-out");
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", Some(0), secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(serde::Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: Option<String>,
}

/// Switches the language: saved on the user when signed in, and in a cookie in every case.
pub async fn switch_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    page: Option<Page>,
    body: axum::body::Bytes,
) -> Response {
    let form: LangForm = match &page {
        Some(p) => match p.form(&body) {
            Ok(f) => f,
            Err(r) => return r,
        },
        None => match serde_urlencoded::from_bytes::<LangForm>(&body) {
            // Signed out: the login pages' double-submit token.
            Ok(f) => {
                let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
                let sent = f.csrf.as_deref().unwrap_or("");
                if expected.is_empty() || !constant_eq(&expected, sent) {
                    return csrf_failed(visitor_language(&headers));
                }
                f
            }
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        },
    };
    let lang = Language::parse(&form.lang).unwrap_or_default();
    if let Some(p) = &page
        && let Err(e) = users::set_language(&state.app, &p.ctx, lang).await
    {
        return crate::html::error_page(p, e);
    }
    let back = safe_next(form.back.as_deref());
    let mut res = Redirect::to(if back.is_empty() { "/" } else { &back }).into_response();
    let secure = is_https(&headers, &state);
    if let Ok(v) = set_cookie(LANG_COOKIE, lang.as_str(), Some(365 * 24 * 3600), secure).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    // Signed out, the choice is also remembered for this browser session: the next login
    // keeps it (saved on the user) instead of the user's earlier setting.
    if page.is_none()
        && let Ok(v) = set_cookie(LANG_CHOSEN_COOKIE, lang.as_str(), None, secure).parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
