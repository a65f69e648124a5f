//! Refuses control characters in every query parameter and every form or JSON field before
//! any handler runs, with the same 422 on both engines (PostgreSQL cannot store NUL, SQLite
//! would): only tab and line breaks pass, for notes.
use crate::error::{ApiError, FieldProblem};
use crate::session::{request_id, visitor_language};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use mesure_domain::Language;
use mesure_i18n::{Arg, t, t_args};

use mesure_domain::text::is_forbidden_control as is_forbidden;

/// The first `name=value` pair of a URL-encoded text whose name or value holds a forbidden
/// character: its name (or `?` when the name itself is the culprit).
fn bad_pair(text: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(text).ok()?;
    pairs.into_iter().find_map(|(k, v)| {
        if k.chars().any(is_forbidden) {
            Some(k.chars().filter(|c| !is_forbidden(*c)).collect())
        } else if v.chars().any(is_forbidden) {
            Some(k)
        } else {
            None
        }
    })
}

/// The path (`lines[2].note`) of the first JSON string or key holding a forbidden character.
fn bad_json(v: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) if s.chars().any(is_forbidden) => Some(path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| bad_json(x, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.chars().any(is_forbidden) {
                Some(path.to_string())
            } else {
                bad_json(x, &here)
            }
        }),
        _ => None,
    }
}

/// The 422 answer naming `field`: a problem document for the API, a short page otherwise.
fn refuse(lang: Language, api: bool, rid: Option<String>, field: &str) -> Response {
    if api {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
        e.problem.request_id = rid;
        e.problem.errors = vec![FieldProblem {
            field: field.to_string(),
            message: t(lang, "err-control-chars"),
        }];
        return e.into_response();
    }
    let message = t_args(lang, "err-control-chars-in", &[("field", Arg::Str(field))]);
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Html(crate::html::message_page(lang, "err-validation", message)),
    )
        .into_response()
}

/// Checks the query string, and the body when it is a form or JSON (buffered: bodies of this
/// router are at most [`crate::MAX_BODY`]).
pub async fn guard(req: Request, next: Next) -> Response {
    let lang = visitor_language(req.headers());
    let api = req.uri().path().starts_with("/api/");
    let rid = request_id(req.headers());
    if let Some(q) = req.uri().query()
        && let Some(field) = bad_pair(q.as_bytes())
    {
        return refuse(lang, api, rid, &field);
    }
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = ctype.starts_with("application/x-www-form-urlencoded");
    let json = ctype.starts_with("application/json") || ctype.contains("+json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, crate::MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let mut e = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, lang, "err-too-large");
            e.problem.request_id = rid;
            return e.into_response();
        }
    };
    let bad = if form {
        bad_pair(&bytes)
    } else {
        // Bad JSON is left to the handler's own extractor, which names the syntax error.
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| bad_json(&v, ""))
    };
    if let Some(field) = bad {
        return refuse(lang, api, rid, &field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// For the import routes, whose bodies are large files checked by the importer: the query only.
pub async fn guard_query(req: Request, next: Next) -> Response {
    if let Some(q) = req.uri().query()
        && let Some(field) = bad_pair(q.as_bytes())
    {
        let lang = visitor_language(req.headers());
        let api = req.uri().path().starts_with("/api/");
        return refuse(lang, api, request_id(req.headers()), &field);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field() {
        assert_eq!(bad_pair(b"q=ok&segment=%00"), Some("segment".into()));
        assert_eq!(bad_pair(b"note=a%0Ab%09c"), None);
        assert_eq!(bad_pair(b"x%01=1"), Some("x".into()));
        assert_eq!(bad_pair(b"q=%C2%85"), Some("q".into()));
        let v = serde_json::json!({"name": "ok", "lines": [{"note": "a\nb"}, {"note": "a\u{0}"}]});
        assert_eq!(bad_json(&v, ""), Some("lines[1].note".into()));
        assert_eq!(bad_json(&serde_json::json!({"a": "\t"}), ""), None);
    }
}
