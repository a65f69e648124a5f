//! The server-rendered web UI: the page frame shared by every screen, and the routes.
pub mod fmt;
pub mod gate;
pub mod period;
pub mod svg;

use crate::AppState;
use crate::error::field_message;
use crate::modules::Menu;
use crate::session::Page;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use mesure_domain::{Invalid, Language, Money};
use mesure_i18n::{Arg, t, t_args};
use mesure_services::{Ctx, ServiceError};
use std::collections::HashMap;

/// Every module's pages.
pub fn routes(state: &AppState) -> Router<AppState> {
    crate::modules::page_router(false).route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        gate::gate,
    ))
}

/// Every module's pages that take large uploads, mounted with a larger body limit.
pub fn upload_routes(state: &AppState) -> Router<AppState> {
    crate::modules::page_router(true).route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        gate::gate,
    ))
}

/// One link of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
    /// A count shown after the label (unread alerts), with its words for screen readers.
    pub count: Option<(String, String)>,
}

/// The running timer in the page header.
pub struct HeaderTimer {
    pub project: String,
    /// When it started (RFC 3339) and the seconds elapsed when the page was built, for the
    /// script that keeps the elapsed time ticking.
    pub started_iso: String,
    pub elapsed_seconds: i64,
    /// The elapsed time as h:mm, as rendered.
    pub elapsed: String,
}

/// What every page's frame needs: language, the person, navigation, CSRF token, a notice.
pub struct Base {
    pub lang: Language,
    pub title: String,
    pub csrf: String,
    pub user_name: String,
    pub workspace_name: String,
    pub nav: Vec<NavItem>,
    pub settings_nav: Vec<NavItem>,
    pub notice: Option<String>,
    pub path: String,
    pub time_zone: String,
    pub signed_in: bool,
    pub timer: Option<HeaderTimer>,
}

impl Base {
    /// The frame for a signed-in page; `active` is the current navigation entry.
    pub fn new(page: &Page, title_key: &str, active: &str, path: &str) -> Base {
        let ctx = &page.ctx;
        let lang = ctx.language;
        let items = |which: Menu| -> Vec<NavItem> {
            crate::modules::menu(which)
                .into_iter()
                .filter(|e| ctx.may(e.action))
                .map(|e| NavItem {
                    href: e.href,
                    label: t(lang, e.key),
                    active: e.href == active,
                    count: None,
                })
                .collect()
        };
        let mut nav = items(Menu::Main);
        let settings_nav = items(Menu::Settings);
        let unread = page.frame.unread_alerts;
        if unread > 0
            && let Some(item) = nav.iter_mut().find(|i| i.href == "/notifications")
        {
            item.count = Some((
                mesure_i18n::count(lang, unread),
                t_args(lang, "nav-unread", &[("count", Arg::Num(unread))]),
            ));
        }
        let timer = page.frame.timer.as_ref().map(|tm| HeaderTimer {
            project: tm.project.clone(),
            started_iso: mesure_store::ts(tm.started_at).to_string(),
            elapsed_seconds: tm.elapsed_seconds,
            elapsed: format!(
                "{}:{:02}",
                tm.elapsed_seconds / 3600,
                (tm.elapsed_seconds % 3600) / 60
            ),
        });
        Base {
            lang,
            title: t(lang, title_key),
            csrf: page.csrf.clone(),
            user_name: ctx.label.clone(),
            workspace_name: ctx.workspace_name.clone(),
            nav,
            settings_nav,
            notice: None,
            path: path.to_string(),
            time_zone: ctx.time_zone.clone(),
            signed_in: true,
            timer,
        }
    }

    /// The frame for the login page and errors shown to visitors.
    pub fn anonymous(lang: Language, title_key: &str) -> Base {
        Base {
            lang,
            title: t(lang, title_key),
            csrf: String::new(),
            user_name: String::new(),
            workspace_name: String::new(),
            nav: vec![],
            settings_nav: vec![],
            notice: None,
            path: "/login".into(),
            time_zone: "Europe/Paris".into(),
            signed_in: false,
            timer: None,
        }
    }

    /// A signed-out page's CSRF token (the login cookie's), so its language switch is protected.
    pub fn with_csrf(mut self, token: &str) -> Base {
        self.csrf = token.to_string();
        self
    }

    /// Adds the notice named by `?notice=` when the catalogue has it.
    pub fn with_notice(mut self, notice: Option<&str>) -> Base {
        if let Some(n) = notice {
            let key = format!("notice-{n}");
            if mesure_i18n::has(self.lang, &key) {
                self.notice = Some(t(self.lang, &key));
            }
        }
        self
    }

    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }
    pub fn tn(&self, key: &str, n: &i64) -> String {
        t_args(self.lang, key, &[("count", Arg::Num(*n))])
    }
    pub fn ts(&self, key: &str, name: &str, value: &str) -> String {
        t_args(self.lang, key, &[(name, Arg::Str(value))])
    }
    /// A message with two text arguments.
    pub fn ts2(&self, key: &str, a: &str, a_value: &str, b: &str, b_value: &str) -> String {
        t_args(
            self.lang,
            key,
            &[(a, Arg::Str(a_value)), (b, Arg::Str(b_value))],
        )
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Language::Fr => "en",
            Language::En => "fr",
        }
    }
    pub fn other_lang_label(&self) -> &'static str {
        match self.lang {
            Language::Fr => "English",
            Language::En => "Français",
        }
    }
    /// A stored timestamp in the workspace's time zone, formatted for the language.
    pub fn dt(&self, us: &i64) -> String {
        mesure_i18n::datetime(self.lang, mesure_store::ts(*us), &self.time_zone)
    }
    pub fn opt_dt(&self, us: &Option<i64>) -> String {
        us.map(|u| self.dt(&u)).unwrap_or_default()
    }
    pub fn count(&self, n: &i64) -> String {
        mesure_i18n::count(self.lang, *n)
    }
    /// A counted noun with Fluent plurals: `$count` selects the form, `$n` is the number
    /// formatted for the language (`1 001 saisies`).
    pub fn plural(&self, key: &str, n: &i64) -> String {
        t_args(
            self.lang,
            key,
            &[
                ("count", Arg::Num(*n)),
                ("n", Arg::Str(&mesure_i18n::count(self.lang, *n))),
            ],
        )
    }
    pub fn money(&self, m: &Money) -> String {
        mesure_i18n::money(self.lang, *m)
    }
    pub fn role(&self, r: impl std::fmt::Display) -> String {
        t(self.lang, &format!("role-{r}"))
    }
    /// The label of a stored field name (`legal_name` → `field-legal-name`).
    pub fn field_label(&self, f: &str) -> String {
        field_label(self.lang, f)
    }
    pub fn language_name(&self, l: impl std::fmt::Display) -> String {
        t(self.lang, &format!("language-{l}"))
    }
}

/// The label of a stored field name (`legal_name` → `field-legal-name`), else the name itself.
pub fn field_label(lang: Language, f: &str) -> String {
    let key = format!("field-{}", f.replace('_', "-"));
    if mesure_i18n::has(lang, &key) {
        t(lang, &key)
    } else {
        f.to_string()
    }
}

/// Every field error of `inv` as one line, "label : message · …" in French and "label: message ·
/// …" in English (legal checks name fields of other pages: the reader needs to know which).
pub fn listed_errors(lang: Language, inv: &Invalid) -> String {
    let sep = match lang {
        Language::Fr => " : ",
        Language::En => ": ",
    };
    inv.0
        .iter()
        .map(|e| {
            format!(
                "{}{sep}{}",
                field_label(lang, &e.field),
                crate::error::field_message(lang, e)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Field errors of a form, translated, by field name.
#[derive(Default)]
pub struct Errors(pub HashMap<String, String>);

impl Errors {
    pub fn from_invalid(lang: Language, inv: &Invalid) -> Errors {
        let mut m = HashMap::new();
        for e in &inv.0 {
            m.entry(e.field.clone())
                .or_insert_with(|| field_message(lang, e));
        }
        Errors(m)
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    pub fn one(field: &str, message: String) -> Errors {
        Errors(HashMap::from([(field.to_string(), message)]))
    }
}

/// Renders a template into a response.
/// A select's options from a state's one list of values (`T::ALL`): its text and the label
/// `{prefix}-{text}` from the catalogue.
pub fn choices<T: std::fmt::Display>(
    lang: Language,
    all: &[T],
    prefix: &str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (v.to_string(), t(lang, &format!("{prefix}-{v}"))))
        .collect()
}

pub fn render<T: Template>(tpl: &T) -> Response {
    match tpl.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn render_status<T: Template>(status: StatusCode, tpl: &T) -> Response {
    let mut r = render(tpl);
    *r.status_mut() = status;
    r
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub base: Base,
    pub message: String,
    pub detail: Option<String>,
}

/// A small standalone page (errors before a frame can be built).
/// A single-use link that opens nothing: 409 with the conflict's message (already used,
/// expired), 404 with `unknown_key`, any other failure as such.
pub fn dead_link(
    headers: &axum::http::HeaderMap,
    err: &ServiceError,
    title_key: &str,
    unknown_key: &str,
) -> Response {
    let lang = crate::session::visitor_language(headers);
    let (status, key) = match err {
        ServiceError::Conflict(k) => (StatusCode::CONFLICT, *k),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, unknown_key),
        _ => return failure_page(lang, err, None),
    };
    (status, Html(simple_page(lang, title_key, key))).into_response()
}

pub fn simple_page(lang: Language, title_key: &str, message_key: &str) -> String {
    let tpl = MessagePage {
        base: Base::anonymous(lang, title_key),
        message: t(lang, message_key),
        detail: None,
    };
    tpl.render().unwrap_or_else(|_| t(lang, message_key))
}

/// A small standalone page with a message already written.
pub fn message_page(lang: Language, title_key: &str, message: String) -> String {
    let tpl = MessagePage {
        base: Base::anonymous(lang, title_key),
        message,
        detail: None,
    };
    tpl.render().unwrap_or_default()
}

/// The standalone page for a use case that failed unexpectedly before anyone is signed in (login,
/// password reset): 503 when the storage cannot serve now, else 500; logged, with the request id.
pub fn failure_page(lang: Language, err: &ServiceError, request_id: Option<&str>) -> Response {
    let (status, title, msg) = match err {
        ServiceError::Unavailable(_) | ServiceError::Retry(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "err-unavailable",
            "err-unavailable-detail",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "err-internal",
            "err-internal-detail",
        ),
    };
    tracing::error!(request_id = ?request_id, error = %err, "request failed");
    let tpl = MessagePage {
        base: Base::anonymous(lang, title),
        message: t(lang, msg),
        detail: request_id.map(|r| t_args(lang, "err-request-id", &[("id", Arg::Str(r))])),
    };
    render_status(status, &tpl)
}

/// A page section's data: what the reader may not see comes back empty (the permission table
/// decides), and any other failure is the page's (a database failure is a 503 with the request
/// id, never an empty section).
pub fn section<T: Default>(r: Result<T, ServiceError>) -> Result<T, ServiceError> {
    match r {
        Err(ServiceError::Forbidden) => Ok(T::default()),
        other => other,
    }
}

/// `section!(page, call)`: the value of [`section`], or the page's error page returned.
#[macro_export]
macro_rules! section {
    ($page:expr, $call:expr) => {
        match $crate::html::section($call) {
            Ok(v) => v,
            Err(e) => return $crate::html::error_page($page, e),
        }
    };
}

/// The error page for a failed use case on a signed-in page.
pub fn error_page(page: &Page, err: ServiceError) -> Response {
    let ctx: &Ctx = &page.ctx;
    let (status, title, msg) = match &err {
        ServiceError::NotFound => (
            StatusCode::NOT_FOUND,
            "err-not-found",
            "err-not-found-detail".to_string(),
        ),
        ServiceError::Forbidden => (
            StatusCode::FORBIDDEN,
            "err-forbidden",
            "err-forbidden-detail".to_string(),
        ),
        ServiceError::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            "err-unauthorized",
            "err-unauthorized-detail".to_string(),
        ),
        ServiceError::Conflict(key) => (StatusCode::CONFLICT, "err-conflict", (*key).to_string()),
        ServiceError::Throttled(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            "err-throttled",
            "err-throttled".to_string(),
        ),
        ServiceError::Invalid(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "err-validation",
            "err-validation".to_string(),
        ),
        ServiceError::Internal(cause) => {
            tracing::error!(request_id = ?ctx.request_id, cause = %cause, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "err-internal",
                "err-internal-detail".to_string(),
            )
        }
        ServiceError::Unavailable(cause) | ServiceError::Retry(cause) => {
            tracing::error!(request_id = ?ctx.request_id, cause = %cause, "storage unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "err-unavailable",
                "err-unavailable-detail".to_string(),
            )
        }
    };
    let detail = ctx
        .request_id
        .as_ref()
        .filter(|_| status.is_server_error())
        .map(|r| t_args(ctx.language, "err-request-id", &[("id", Arg::Str(r))]));
    let tpl = MessagePage {
        base: Base::new(page, title, "", &page.path),
        message: t(ctx.language, &msg),
        detail,
    };
    render_status(status, &tpl)
}

/// The answer to an unknown address: inside the normal frame for a signed-in person (their
/// navigation stays), a standalone page for a visitor.
pub async fn not_found(
    page: Option<Page>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    match page {
        Some(p) if !uri.path().starts_with("/api/") => error_page(&p, ServiceError::NotFound),
        _ => {
            let lang = crate::session::visitor_language(&headers);
            (
                StatusCode::NOT_FOUND,
                Html(simple_page(lang, "err-not-found", "err-not-found-detail")),
            )
                .into_response()
        }
    }
}

/// Redirect after a successful POST, with a notice key.
/// A same-origin path to send a browser back to, or `None`: it must start with one `/` followed
/// by a non-empty first segment (or be `/` itself), hold no control character and no backslash
/// (browsers drop tabs and read `\` as `/`, turning `/\t/evil.test` into `//evil.test`).
/// Anything outside visible ASCII is percent-encoded, so the result is always a valid
/// `Location` header.
pub fn local_path(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let rest = raw.strip_prefix('/')?;
    if rest.starts_with('/') {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}

pub fn see_other(to: &str, notice: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{to}{sep}notice={notice}")).into_response()
}

/// Parses a path id, answering 404 for anything that is not one.
pub fn parse_id<T>(page: &Page, raw: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, Response> {
    f(raw).ok_or_else(|| error_page(page, ServiceError::NotFound))
}

/// `?notice=` and other common query parameters.
#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

/// The raw values of a form, to show again what the person typed.
#[derive(Default)]
pub struct Values(pub HashMap<String, String>);

impl Values {
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }
    /// Whether the form carried the field (an emptied cell counts).
    pub fn has(&self, k: &str) -> bool {
        self.0.contains_key(k)
    }
    pub fn from_body(body: &[u8]) -> Values {
        Values(
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
                .unwrap_or_default()
                .into_iter()
                .collect(),
        )
    }
    pub fn set(&mut self, k: &str, v: Option<&str>) {
        self.0.insert(k.to_string(), v.unwrap_or("").to_string());
    }
}

/// (value, label) options of the language select.
pub fn language_options(lang: Language) -> Vec<(String, String)> {
    Language::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                t(lang, &format!("language-{}", l.as_str())),
            )
        })
        .collect()
}

/// (value, label) options of the currency select.
pub fn currency_options() -> Vec<(String, String)> {
    mesure_domain::Currency::all()
        .map(|c| (c.code().to_string(), c.code().to_string()))
        .collect()
}

pub fn qs(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .copied()
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// A CSV download named `name`.
pub fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
