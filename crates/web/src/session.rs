//! Cookies, the signed-in person of a page or API call, and CSRF checks.
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mesure_domain::Language;
use mesure_services::auth::{self, Resolved};
use mesure_services::people::views::UserView;
use mesure_services::time::FrameStatus;
use mesure_services::{Ctx, ServiceError};

pub const SESSION_COOKIE: &str = "mesure_session";
pub const LANG_COOKIE: &str = "mesure_lang";
/// A language chosen on a signed-out page (the login's switch), for the browser session: the
/// next login saves it on the user, so the choice made before signing in is kept after.
pub const LANG_CHOSEN_COOKIE: &str = "mesure_lang_chosen";
pub const LOGIN_CSRF_COOKIE: &str = "mesure_login_csrf";

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the request came over HTTPS (directly or behind a proxy that says so).
pub fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https")
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure behind HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The browser's language: the language cookie, else Accept-Language.
pub fn browser_language(headers: &HeaderMap) -> Option<Language> {
    cookie(headers, LANG_COOKIE)
        .and_then(|l| Language::parse(&l))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
}

/// The language of an anonymous visitor: the browser's, else French.
pub fn visitor_language(headers: &HeaderMap) -> Language {
    browser_language(headers).unwrap_or_default()
}

/// A person signed in with a session who never chose a language follows the browser (as their
/// profile page says), and the workspace's language when the browser names none Mesure speaks.
fn follow_browser(r: &mut Resolved, headers: &HeaderMap) {
    let chosen = r.user.language;
    if chosen.is_none() {
        r.ctx.language = browser_language(headers).unwrap_or(r.ctx.workspace_language);
    }
}

/// A signed-in person on an HTML page. Without a session, the page redirects to the login.
/// The page gate resolves it once and leaves it in the request for the handler.
#[derive(Clone)]
pub struct Page {
    pub ctx: Ctx,
    pub csrf: String,
    pub user: UserView,
    /// The running timer and unread alerts the frame shows (empty for contacts).
    pub frame: FrameStatus,
    /// The path and query of a GET request (where a language switch comes back to); empty
    /// for other methods.
    pub path: String,
}

/// The answer when a page needs a login.
pub struct LoginRequired(String);

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        let next = urlencode(&self.0);
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session of a request: `None` without a valid one; an error only when the storage cannot
/// answer (so a database outage is not mistaken for a signed-out visitor).
async fn resolve_session(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<Resolved>, ServiceError> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    match auth::from_session(&state.app, &token, request_id(&parts.headers)).await {
        Ok(mut r) => {
            follow_browser(&mut r, &parts.headers);
            Ok(Some(r))
        }
        // No session, an expired or revoked one: a signed-out visitor. Anything else (the
        // storage down, a failed query) is the server's failure, never "please log in".
        Err(ServiceError::Unauthorized | ServiceError::NotFound | ServiceError::Forbidden) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The page of a session: the person, and the frame's status.
async fn page_of(parts: &Parts, state: &AppState) -> Result<Option<Page>, ServiceError> {
    let Some(r) = resolve_session(parts, state).await? else {
        return Ok(None);
    };
    // The frame's status (running timer, week to submit) is part of every page: a reader who may
    // not log time has none, and a failure to read it is the page's failure.
    let frame = match mesure_services::time::frame_status(&state.app, &r.ctx).await {
        Ok(f) => f,
        Err(ServiceError::Forbidden) => FrameStatus::default(),
        Err(e) => return Err(e),
    };
    let path = if matches!(parts.method, Method::GET | Method::HEAD) {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(Some(Page {
        ctx: r.ctx,
        csrf: r.csrf.unwrap_or_default(),
        user: r.user,
        frame,
        path,
    }))
}

/// The answer when the session cannot be read because the storage is unavailable (503).
fn unavailable_page(parts: &Parts, e: &ServiceError) -> Response {
    crate::html::failure_page(
        visitor_language(&parts.headers),
        e,
        request_id(&parts.headers).as_deref(),
    )
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Page>() {
            return Ok(p.clone());
        }
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        match page_of(parts, state).await {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(LoginRequired(path).into_response()),
            Err(e) => Err(unavailable_page(parts, &e)),
        }
    }
}

impl OptionalFromRequestParts<AppState> for Page {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Page>() {
            return Ok(Some(p.clone()));
        }
        page_of(parts, state)
            .await
            .map_err(|e| unavailable_page(parts, &e))
    }
}

impl Page {
    /// Parses a urlencoded form body after checking its `_csrf` field against the session's.
    pub fn form<T: serde::de::DeserializeOwned>(&self, body: &[u8]) -> Result<T, Response> {
        #[derive(serde::Deserialize)]
        struct Token {
            #[serde(rename = "_csrf", default)]
            csrf: String,
        }
        let tok: Token =
            serde_urlencoded::from_bytes(body).map_err(|_| bad_request(self.ctx.language))?;
        if tok.csrf.is_empty() || !constant_eq(&tok.csrf, &self.csrf) {
            return Err(csrf_failed(self.ctx.language));
        }
        serde_urlencoded::from_bytes(body).map_err(|_| bad_request(self.ctx.language))
    }
}

pub fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn csrf_failed(lang: Language) -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::response::Html(crate::html::simple_page(lang, "err-csrf-title", "err-csrf")),
    )
        .into_response()
}

fn bad_request(lang: Language) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::response::Html(crate::html::simple_page(
            lang,
            "err-bad-request",
            "err-bad-request-detail",
        )),
    )
        .into_response()
}

/// The caller of an API route: a bearer token, or a session cookie with `X-CSRF-Token` on writes.
#[derive(Clone)]
pub struct ApiCaller {
    pub ctx: Ctx,
    pub user: UserView,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once per request: the API gate (`api::gate`) may have done it already.
        if let Some(c) = parts.extensions.get::<ApiCaller>() {
            return Ok(c.clone());
        }
        let lang = visitor_language(&parts.headers);
        let rid = request_id(&parts.headers);
        let unauthorized = || {
            let mut e = ApiError::from_service(ServiceError::Unauthorized, lang, rid.clone());
            e.problem.detail = Some(mesure_i18n::t(lang, "err-unauthorized-detail"));
            e
        };
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let value = auth.to_str().map_err(|_| unauthorized())?;
            let token = value.strip_prefix("Bearer ").ok_or_else(unauthorized)?;
            // A token's caller is a program, not a browser: its Accept-Language is not a
            // person's choice, so the user's language (else the workspace's) stays.
            let r = auth::from_token(&state.app, token, rid.clone())
                .await
                .map_err(|e| match e {
                    ServiceError::Unauthorized
                    | ServiceError::NotFound
                    | ServiceError::Forbidden
                    | ServiceError::Invalid(_) => unauthorized(),
                    other => ApiError::from_service(other, lang, rid.clone()),
                })?;
            return Ok(ApiCaller {
                ctx: r.ctx,
                user: r.user,
            });
        }
        let r = resolve_session(parts, state)
            .await
            .map_err(|e| ApiError::from_service(e, lang, rid.clone()))?
            .ok_or_else(unauthorized)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent, r.csrf.as_deref().unwrap_or("")) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    r.ctx.language,
                    "err-csrf",
                ));
            }
        }
        Ok(ApiCaller {
            ctx: r.ctx,
            user: r.user,
        })
    }
}
