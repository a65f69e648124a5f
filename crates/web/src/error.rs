//! One mapping from service errors to HTTP: RFC 9457 problem+json for the API, pages for the UI.
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesure_domain::{FieldArg, FieldError, Invalid, Language};
use mesure_i18n::{Arg, t, t_args};
use mesure_services::ServiceError;
use serde::Serialize;

/// A field error in the user's language.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Translates one field error.
pub fn field_message(lang: Language, e: &FieldError) -> String {
    match e.arg {
        Some(FieldArg::Max(n)) => t_args(lang, e.code, &[("max", Arg::Num(n))]),
        Some(FieldArg::Dates { from, to }) => {
            let day = |k: i32| {
                mesure_domain::projects::engagement::day_from_key(k)
                    .map(|d| mesure_i18n::date(lang, d))
                    .unwrap_or_else(|| k.to_string())
            };
            t_args(
                lang,
                e.code,
                &[("from", Arg::Str(&day(from))), ("to", Arg::Str(&day(to)))],
            )
        }
        None => t(lang, e.code),
    }
}

pub fn field_problems(lang: Language, inv: &Invalid) -> Vec<FieldProblem> {
    inv.0
        .iter()
        .map(|e| FieldProblem {
            field: e.field.clone(),
            message: field_message(lang, e),
        })
        .collect()
}

/// An API error: a problem document in the caller's language.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub problem: Problem,
}

impl ApiError {
    pub fn new(status: StatusCode, lang: Language, key: &str) -> ApiError {
        ApiError {
            status,
            problem: Problem {
                kind: "about:blank".into(),
                title: t(lang, key),
                status: status.as_u16(),
                detail: None,
                errors: vec![],
                request_id: None,
            },
        }
    }
    pub fn from_service(e: ServiceError, lang: Language, request_id: Option<String>) -> ApiError {
        let mut err = match &e {
            ServiceError::Invalid(inv) => {
                let mut a = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
                a.problem.errors = field_problems(lang, inv);
                a
            }
            ServiceError::NotFound => ApiError::new(StatusCode::NOT_FOUND, lang, "err-not-found"),
            ServiceError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, lang, "err-forbidden"),
            ServiceError::Unauthorized => {
                ApiError::new(StatusCode::UNAUTHORIZED, lang, "err-unauthorized")
            }
            ServiceError::Conflict(key) => {
                let mut a = ApiError::new(StatusCode::CONFLICT, lang, "err-conflict");
                a.problem.detail = Some(t(lang, key));
                a
            }
            ServiceError::Throttled(s) => {
                let mut a = ApiError::new(StatusCode::TOO_MANY_REQUESTS, lang, "err-throttled");
                a.problem.detail = Some(t_args(
                    lang,
                    "err-throttled-detail",
                    &[("seconds", Arg::Num(*s))],
                ));
                a
            }
            ServiceError::Internal(cause) => {
                tracing::error!(request_id = ?request_id, cause = %cause, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, lang, "err-internal")
            }
            ServiceError::Unavailable(cause) | ServiceError::Retry(cause) => {
                tracing::error!(request_id = ?request_id, cause = %cause, "storage unavailable");
                let mut a = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, lang, "err-unavailable");
                a.problem.detail = Some(t(lang, "err-unavailable-detail"));
                a
            }
        };
        err.problem.request_id = request_id;
        err
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.problem).unwrap_or_else(|_| "{}".into());
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// A panic in a handler becomes a plain 500, never a dropped connection. Its message is logged
/// inside the request's span, which carries the request id (the response's `x-request-id`).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let payload = err
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a payload that is not text)".into());
    tracing::error!(panic = %payload, "handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Internal error",
    )
        .into_response()
}
