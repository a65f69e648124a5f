//! The HTTP face of Mesure: the server-rendered web UI, the client portal, the JSON API with its
//! OpenAPI document, health and metrics endpoints, and the static assets.
#![forbid(unsafe_code)]

// Shared by every module: the page frame and helpers, the API kit, sessions, errors, guards.
pub mod api;
pub mod cursor;
pub mod error;
pub mod html;
pub mod input_guard;
pub mod metrics;
pub mod modules;
pub mod session;
pub mod test_clock;

// One folder per product module (see `modules::MODULES`).
pub mod audit;
pub mod auth;
pub mod clients;
pub mod dashboard;
pub mod desk;
pub mod invoicing;
pub mod notifications;
pub mod nps;
pub mod people;
pub mod portal;
pub mod projects;
pub mod radar;
pub mod reports;
pub mod settings;
pub mod time;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use mesure_services::App;
use mesure_store::health::{self, Readiness};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (larger ones get 413).
pub const MAX_BODY: usize = 1024 * 1024;
/// Largest time-import file accepted (about 5 million rows of the generic layout).
pub const MAX_IMPORT: usize = 512 * 1024 * 1024;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<metrics::Metrics>,
    /// Set the `Secure` flag on cookies even without `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// The last readiness answer (`/readyz`).
    pub ready: Arc<ReadyCache>,
    /// The clock `POST /test/clock` moves, when the server runs with `MESURE_TEST_CLOCK`.
    pub test_clock: Option<Arc<mesure_services::ShiftedClock>>,
}

/// The last readiness answer and when it was found: `/readyz` is polled and each check writes
/// a row, so one check serves every poll for `READY_TTL` (concurrent polls wait for it).
#[derive(Default)]
pub struct ReadyCache(tokio::sync::Mutex<Option<(std::time::Instant, Readiness)>>);

/// How long a readiness answer is reused.
const READY_TTL: Duration = Duration::from_secs(1);
/// Longer than this, the database counts as unreachable.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let (api_routes, import_routes, _doc) = api::routes();
    let imports = import_routes
        .merge(html::upload_routes(&state))
        .layer(axum::middleware::from_fn(input_guard::guard_query))
        .layer(DefaultBodyLimit::max(MAX_IMPORT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_IMPORT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(900),
        ));
    let regular = Router::new()
        .merge(html::routes(&state))
        .merge(api_routes.route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::gate::gate,
        )))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::render))
        .route("/assets/{file}", get(asset))
        .layer(axum::middleware::from_fn(input_guard::guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    let regular = match state.test_clock.clone() {
        Some(clock) => regular.merge(test_clock::routes(clock)),
        None => regular,
    };
    Router::new()
        .merge(regular)
        .merge(imports)
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .fallback(html::not_found)
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages, exports and API answers hold a person's data: never kept by a browser or a
        // proxy. Static assets set their own (public) caching.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        // The request id in every log line of the request (errors, panics), as the client sees
        // it in `x-request-id`.
        .layer(TraceLayer::new_for_http().make_span_with(|r: &axum::http::Request<_>| {
            let id = r
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %r.method(), uri = %r.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// 200 "ready" when the database answers, has every migration of this binary and accepts a
/// write; else 503 with a short reason (see `mesure_store::health`).
async fn readyz(axum::extract::State(s): axum::extract::State<AppState>) -> impl IntoResponse {
    let ready = {
        let mut last = s.ready.0.lock().await;
        match &*last {
            Some((at, r)) if at.elapsed() < READY_TTL => r.clone(),
            _ => {
                let found = tokio::time::timeout(READY_TIMEOUT, health::readiness(&s.app.db))
                    .await
                    .unwrap_or(Readiness::Unreachable);
                let r = match found {
                    // The write probe was skipped: keep what the previous one found.
                    Readiness::WriteBusy => match last.as_ref().map(|l| &l.1) {
                        Some(Readiness::CannotWrite) => Readiness::CannotWrite,
                        _ => Readiness::Ready,
                    },
                    other => other,
                };
                *last = Some((std::time::Instant::now(), r.clone()));
                r
            }
        }
    };
    if ready == Readiness::Ready {
        (axum::http::StatusCode::OK, ready.reason())
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, ready.reason())
    }
}

const CSS: &str = include_str!("../../../assets/mesure.css");
const HTMX: &str = include_str!("../../../assets/htmx.min.js");
const APP_JS: &str = include_str!("../../../assets/mesure.js");

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    let (body, ctype) = match file.as_str() {
        "mesure.css" => (CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "mesure.js" => (APP_JS, "text/javascript; charset=utf-8"),
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
