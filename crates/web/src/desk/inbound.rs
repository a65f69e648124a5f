//! Inbound e-mail on the web: `POST /api/v1/desk/inbound` (a raw RFC 5322 message piped by an
//! MTA), the inbound log (`/desk/inbound`, `GET /api/v1/desk/inbound`) where held messages of
//! unknown senders are accepted for a client or discarded, a kept message's raw download, and
//! the files of a ticket (`/desk/tickets/{id}/files/{file}`, `/portal/tickets/{id}/files/{file}`).
use crate::AppState;
use crate::api::err;
use crate::error::{ApiError, Problem};
use crate::html::{Base, error_page, fmt, render, see_other};
use crate::session::{ApiCaller, Page};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesure_domain::Language;
use mesure_services::ServiceError;
use mesure_services::desk::inbound::{self, LogPage, Receipt};
use mesure_store::desk::inbound::Before;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

/// The outcome of a message received.
#[derive(Serialize, ToSchema)]
pub struct ReceiptOut {
    /// The message's id in the inbound log.
    pub id: String,
    /// Its Message-ID (a digest of its bytes when it had none).
    pub message_id: String,
    /// Whether a message with this Message-ID had been received before (nothing was done).
    pub duplicate: bool,
    /// `ticket`, `reply`, `followup`, `held`, `refused`, `ignored` or `pending`.
    pub status: String,
    /// Why it was held, refused or ignored: `unknown_sender`, `no_sender`, `too_large`,
    /// `unreadable`, `loop`, `flood`, `auto_submitted`, `bulk`, `bounce`, `auto_reply`, `list`.
    pub reason: Option<String>,
    pub ticket_id: Option<String>,
    pub ticket_number: Option<i64>,
}

impl From<Receipt> for ReceiptOut {
    fn from(r: Receipt) -> Self {
        ReceiptOut {
            id: r.id.to_string(),
            message_id: r.message_id,
            duplicate: r.duplicate,
            status: r.outcome.status,
            reason: r.outcome.reason,
            ticket_id: r.outcome.ticket_id.map(|t| t.to_string()),
            ticket_number: r.outcome.ticket_number,
        }
    }
}

/// The raw message: documented as `application/octet-stream` (what client generators handle);
/// any media type is taken, `message/rfc822` included.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct RawMessage(#[allow(dead_code)] Vec<u8>);

/// Receive one e-mail: the body is the raw RFC 5322 message (e.g. piped by the MTA with
/// `curl --data-binary @- -H 'Content-Type: message/rfc822'`; any media type is taken). It is
/// kept once per Message-ID,
/// then becomes a ticket, a reply on its ticket, a ticket following a closed one, or is held,
/// refused or ignored with a reason. Sending the same message again answers 200 with
/// `duplicate` and changes nothing. At most 25 MiB (413 beyond).
#[utoipa::path(post, path = "/api/v1/desk/inbound", tag = "desk",
    request_body(content = RawMessage, content_type = "application/octet-stream"),
    responses((status = 201, body = ReceiptOut), (status = 200, description = "Already received", body = ReceiptOut), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn receive(
    State(s): State<AppState>,
    c: ApiCaller,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    c.ctx
        .require(mesure_domain::DeskAction::Work)
        .map_err(|e| err(&c, e))?;
    let lang = c.ctx.language;
    let limit = mesure_mail::inbound::MAX_MESSAGE_BYTES;
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| {
            let mut e = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, lang, "err-desk-mail-size");
            e.problem.request_id = c.ctx.request_id.clone();
            e
        })?;
    let r = inbound::receive(&s.app, &c.ctx, &bytes)
        .await
        .map_err(|e| err(&c, e))?;
    let status = if r.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(ReceiptOut::from(r))))
}

/// The inbound log's filter.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// `held`, `ticket`, `reply`, `followup`, `refused`, `ignored`, `discarded`, `pending`
    /// (blank: all).
    pub status: Option<String>,
    /// The `next` of the previous page.
    pub before: Option<String>,
}

/// A message of the inbound log.
#[derive(Serialize, ToSchema)]
pub struct InboundOut {
    pub id: String,
    pub message_id: String,
    /// `imap` or `http`.
    pub source: String,
    pub received_at: String,
    pub size: i64,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub ticket_number: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InboundPageOut {
    pub items: Vec<InboundOut>,
    /// Pass as `before` for the next page; absent on the last.
    pub next: Option<String>,
    /// Messages held for staff (unknown senders).
    pub held: i64,
}

fn before_of(s: Option<&str>) -> Option<Before> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(Before::START),
        Some(s) => {
            let (at, id) = s.split_once('.')?;
            Some(Before(at.parse().ok()?, Uuid::parse_str(id).ok()?))
        }
    }
}

fn cursor(b: Before) -> String {
    format!("{}.{}", b.0, b.1)
}

/// The inbound log, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/desk/inbound", tag = "desk", params(LogParams),
    responses((status = 200, body = InboundPageOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn log_api(
    State(s): State<AppState>,
    c: ApiCaller,
    crate::api::ApiQuery(p): crate::api::ApiQuery<LogParams>,
) -> Result<Json<InboundPageOut>, ApiError> {
    let before = before_of(p.before.as_deref())
        .ok_or_else(|| crate::api::bad_param(c.ctx.language, "before"))?;
    let page = inbound::log(
        &s.app,
        &c.ctx,
        p.status.as_deref().unwrap_or("").trim(),
        before,
    )
    .await
    .map_err(|e| err(&c, e))?;
    Ok(Json(InboundPageOut {
        items: page
            .rows
            .into_iter()
            .map(|(r, n)| InboundOut {
                id: r.id.to_string(),
                message_id: r.message_id,
                source: r.source,
                received_at: crate::api::rfc3339(r.received_at),
                size: r.size,
                sender: r.sender,
                subject: r.subject,
                status: r.status,
                reason: r.reason,
                ticket_number: n,
            })
            .collect(),
        next: page.next.map(cursor),
        held: page.held,
    }))
}

/// A line of the log page.
pub struct LogLine {
    pub id: String,
    pub at: String,
    pub sender: String,
    pub subject: String,
    pub status: String,
    pub status_key: String,
    pub reason: String,
    pub ticket: Option<(String, i64)>,
    pub held: bool,
    pub raw: bool,
    pub size: String,
}

#[derive(Template)]
#[template(path = "desk/inbound.html")]
struct LogTpl {
    base: Base,
    lines: Vec<LogLine>,
    filter: String,
    filters: Vec<(String, String)>,
    next: Option<String>,
    held: i64,
    clients: Vec<(String, String)>,
    can_work: bool,
}

/// A byte count for people: `512 B`, `12 kB`, `1.5 MB`.
pub fn size(lang: Language, n: i64) -> String {
    use mesure_i18n::{Arg, t_args};
    if n < 1024 {
        t_args(lang, "desk-size-bytes", &[("n", Arg::Num(n))])
    } else if n < 1024 * 1024 {
        t_args(lang, "desk-size-kb", &[("n", Arg::Num((n + 512) / 1024))])
    } else {
        let tenths = (n * 10 + 512 * 1024) / (1024 * 1024);
        let shown = mesure_i18n::number(
            lang,
            rust_decimal::Decimal::new(tenths, 1),
            if tenths % 10 == 0 { 0 } else { 1 },
        );
        t_args(lang, "desk-size-mb", &[("n", Arg::Str(&shown))])
    }
}

fn lines(page: &Page, p: LogPage) -> Vec<LogLine> {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    p.rows
        .into_iter()
        .map(|(r, n)| LogLine {
            id: r.id.to_string(),
            at: fmt::moment(lang, r.received_at, &page.ctx.time_zone),
            sender: r.sender.unwrap_or_else(|| "—".into()),
            subject: r.subject.unwrap_or_default(),
            status: t(&format!("desk-inbound-status-{}", r.status)),
            status_key: r.status.clone(),
            reason: r
                .reason
                .filter(|x| x != "discarded")
                .map(|x| t(&format!("desk-inbound-reason-{x}")))
                .unwrap_or_default(),
            ticket: r.ticket_id.zip(n).map(|(id, n)| (id.to_string(), n)),
            held: r.status == "held",
            raw: r.ticket_id.is_none() && r.status != "discarded" && r.status != "pending",
            size: size(lang, r.size),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    pub status: Option<String>,
    pub before: Option<String>,
    pub notice: Option<String>,
}

/// `/desk/inbound`: the inbound log.
pub async fn page(State(s): State<AppState>, page: Page, Query(q): Query<LogQuery>) -> Response {
    let lang = page.ctx.language;
    let filter = q.status.clone().unwrap_or_default();
    let Some(before) = before_of(q.before.as_deref()) else {
        return error_page(&page, ServiceError::NotFound);
    };
    let p = match inbound::log(&s.app, &page.ctx, filter.trim(), before).await {
        Ok(p) => p,
        Err(e) => return error_page(&page, e),
    };
    let names = match s.app.db.read().await {
        Ok(mut conn) => mesure_store::clients::names(&mut conn.conn(), page.ctx.workspace).await,
        Err(e) => Err(e),
    };
    let names = match names {
        Ok(n) => n,
        Err(e) => return error_page(&page, e.into()),
    };
    let mut clients = vec![(String::new(), mesure_i18n::t(lang, "desk-choose"))];
    clients.extend(names.into_iter().map(|(id, n)| (id.to_string(), n)));
    let filters = [
        "", "held", "ticket", "reply", "followup", "refused", "ignored",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            mesure_i18n::t(
                lang,
                &if f.is_empty() {
                    "desk-inbound-all".to_string()
                } else {
                    format!("desk-inbound-status-{f}")
                },
            ),
        )
    })
    .collect();
    let held = p.held;
    let next = p.next.map(|b| {
        format!(
            "/desk/inbound?{}",
            crate::html::qs(&[("status", filter.as_str()), ("before", &cursor(b))])
        )
    });
    render(&LogTpl {
        base: Base::new(&page, "desk-inbound-title", "/desk", "/desk/inbound")
            .with_notice(q.notice.as_deref()),
        lines: lines(&page, p),
        filter,
        filters,
        next,
        held,
        clients,
        can_work: page.ctx.may(mesure_domain::DeskAction::Work),
    })
}

fn inbound_id(page: &Page, id: &str) -> Result<Uuid, Response> {
    Uuid::parse_str(id).map_err(|_| error_page(page, ServiceError::NotFound))
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub client_id: String,
}

/// Accepts a held message for the client chosen: its sender becomes their contact.
pub async fn accept(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match inbound_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: AcceptForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match inbound::accept(&s.app, &page.ctx, id, &f.client_id).await {
        Ok(o) => match o.ticket_id {
            Some(t) => see_other(&format!("/desk/tickets/{t}"), "desk-inbound-accepted"),
            None => see_other("/desk/inbound", "desk-inbound-accepted"),
        },
        Err(ServiceError::Invalid(_)) => {
            see_other("/desk/inbound?status=held", "desk-inbound-choose-client")
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// Discards a held message.
pub async fn discard(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match inbound_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<NoFields>(&body) {
        return r;
    }
    match inbound::discard(&s.app, &page.ctx, id).await {
        Ok(()) => see_other("/desk/inbound?status=held", "desk-inbound-discarded"),
        Err(e) => error_page(&page, e),
    }
}

/// A message's raw bytes still kept (`.eml`), for staff.
pub async fn raw(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match inbound_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match inbound::raw(&s.app, &page.ctx, id).await {
        Ok(bytes) => download(&format!("{id}.eml"), "message/rfc822", bytes),
        Err(e) => error_page(&page, e),
    }
}

/// Media types shown as themselves; anything else downloads as bytes.
const SAFE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "message/rfc822",
];

/// A download, always as an attachment (never rendered by the browser as a page).
fn download(name: &str, mime: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mime = if SAFE_TYPES.contains(&mime) {
        mime
    } else {
        "application/octet-stream"
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A file of a ticket, for anyone who may read the ticket (staff, or its client's contacts).
pub async fn file(
    State(s): State<AppState>,
    page: Page,
    Path((ticket, file)): Path<(String, String)>,
) -> Response {
    let (Ok(ticket), Ok(file)) = (Uuid::parse_str(&ticket), Uuid::parse_str(&file)) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match mesure_services::desk::views::attachment(&s.app, &page.ctx, ticket, file).await {
        Ok((name, mime, bytes)) => download(&name, &mime, bytes),
        Err(e) => error_page(&page, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(Language::En, 512), "512 B");
        assert_eq!(size(Language::En, 12 * 1024), "12 kB");
        assert_eq!(size(Language::En, 3 * 1024 * 1024 / 2), "1.5 MB");
        assert_eq!(size(Language::Fr, 3 * 1024 * 1024 / 2), "1,5 Mo");
    }

    #[test]
    fn cursors_round_trip() {
        let b = Before(42, Uuid::nil());
        let back = before_of(Some(&cursor(b))).unwrap();
        assert_eq!((back.0, back.1), (42, Uuid::nil()));
        assert!(before_of(Some("x")).is_none());
        assert!(before_of(None).is_some());
    }
}
