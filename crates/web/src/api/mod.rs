//! The JSON API under `/api/v1`: snake_case bodies, RFC 3339 times, cursor pagination,
//! RFC 9457 problems, and the OpenAPI 3.1 document generated from the handlers.
pub mod gate;

use crate::AppState;
use crate::error::{ApiError, FieldProblem, Problem};
use crate::session::{ApiCaller, visitor_language};
use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mesure_domain::projects::engagement::day_from_key;
use mesure_i18n::t;
use mesure_services::ServiceError;
use std::sync::Arc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mesure API", version = "1", description = "Mesure: time, projects and scope, the over-servicing radar, clients and contacts, people, notifications, audit log and settings; one tag per module. Authenticate with `Authorization: Bearer <token>` (see `mesure token create`)."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(Problem, FieldProblem, SortParam, StatusParam))
)]
struct ApiDoc;

struct BearerAuth;
impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The API router, the import router (large bodies, long timeout) and the OpenAPI document.
pub fn routes() -> (
    axum::Router<AppState>,
    axum::Router<AppState>,
    utoipa::openapi::OpenApi,
) {
    let modules = crate::modules::MODULES;
    let (imports, import_doc) = modules
        .iter()
        .fold(OpenApiRouter::new(), |r, m| r.merge((m.upload_api)()))
        .split_for_parts();
    let (router, mut doc) = modules
        .iter()
        .fold(OpenApiRouter::with_openapi(ApiDoc::openapi()), |r, m| {
            r.merge((m.api)())
        })
        .routes(routes!(openapi_json))
        .split_for_parts();
    doc.merge(import_doc);
    finish_document(&mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let json: Arc<String> =
        Arc::new(serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into()));
    let router = router.layer(axum::Extension(OpenApiJson(json)));
    (router, imports, doc)
}

#[derive(Clone)]
struct OpenApiJson(Arc<String>);

/// What every answer of a status means, for responses declared without a description (OpenAPI
/// requires one on every response).
fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "Success",
        "201" => "Created",
        "204" => "Done, no content",
        "400" => "Malformed request (a problem document)",
        "401" => "No valid session or bearer token (a problem document)",
        "403" => "The caller may not do this (a problem document)",
        "404" => "Not found in the caller's workspace (a problem document)",
        "409" => "Conflicts with the current state (a problem document)",
        "413" => "The body is too large (a problem document)",
        "415" => "Unsupported content type (a problem document)",
        "422" => "Invalid fields, each named in `errors` (a problem document)",
        "429" => "Too many attempts (a problem document)",
        "503" => "The storage cannot serve now; retry later (a problem document with `request_id`)",
        _ => "See the problem document",
    }
}

/// Makes the generated document what client generators need: an operation id per operation
/// named `tag_function` (`clients_create`), unique; a description on every response; and the
/// 503 every operation may answer when the storage fails.
fn finish_document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
    let problem = || {
        ResponseBuilder::new()
            .description(status_description("503"))
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        "Problem",
                    ))))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            let tag = op
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_else(|| "api".into());
            if let Some(id) = &op.operation_id
                && !id.starts_with(&format!("{tag}_"))
            {
                op.operation_id = Some(format!("{tag}_{id}"));
            }
            for (status, r) in op.responses.responses.iter_mut() {
                if let RefOr::T(resp) = r
                    && resp.description.is_empty()
                {
                    resp.description = status_description(status).to_string();
                }
            }
            if op
                .tags
                .as_ref()
                .is_some_and(|t| t.iter().any(|t| t != "meta"))
            {
                op.responses
                    .responses
                    .entry("503".into())
                    .or_insert_with(|| RefOr::T(problem()));
            }
        }
    }
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json(axum::Extension(doc): axum::Extension<OpenApiJson>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.0.as_str().to_string(),
    )
}

/// A JSON body whose errors are problems: 415 without JSON, 400 for bad syntax, 422 for bad or
/// unknown fields (naming the field), 413 when too large.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = visitor_language(req.headers());
        let rid = crate::session::request_id(req.headers());
        // A body must be a JSON object (serde would otherwise accept an array for a struct).
        match Json::<serde_json::Map<String, serde_json::Value>>::from_request(req, state).await {
            Ok(Json(map)) => {
                match serde_path_to_error::deserialize::<_, T>(serde_json::Value::Object(map)) {
                    Ok(v) => Ok(ApiJson(v)),
                    Err(err) => {
                        let mut e =
                            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
                        e.problem.request_id = rid;
                        let text = format!("body: {}: {}", err.path(), err.inner());
                        e.problem.errors = vec![json_field_problem(lang, &text)];
                        Err(e)
                    }
                }
            }
            Err(rej) => {
                use axum::extract::rejection::JsonRejection::*;
                let (status, key) = match &rej {
                    MissingJsonContentType(_) => {
                        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "err-json-content-type")
                    }
                    JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "err-json-syntax"),
                    JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "err-validation"),
                    _ if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        (StatusCode::PAYLOAD_TOO_LARGE, "err-too-large")
                    }
                    _ => (StatusCode::BAD_REQUEST, "err-json-syntax"),
                };
                let mut e = ApiError::new(status, lang, key);
                e.problem.request_id = rid;
                if let JsonDataError(d) = &rej {
                    let text = d.body_text();
                    e.problem.errors = vec![json_field_problem(lang, &text)];
                }
                Err(e)
            }
        }
    }
}

/// Names the field of a serde data error: unknown fields, missing fields, wrong types.
fn json_field_problem(lang: mesure_domain::Language, text: &str) -> FieldProblem {
    let between = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(i) = text.find("unknown field") {
        let field = between(&text[i..]).unwrap_or_default();
        return FieldProblem {
            field,
            message: t(lang, "err-unknown-field"),
        };
    }
    if let Some(i) = text.find("missing field") {
        let field = between(&text[i..]).unwrap_or_default();
        return FieldProblem {
            field,
            message: t(lang, "err-required"),
        };
    }
    // "Failed to deserialize the JSON body into the target type: name: invalid type: …"
    let field = text
        .split(": ")
        .nth(1)
        .filter(|f| {
            f.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']')
        })
        .unwrap_or("")
        .to_string();
    FieldProblem {
        field,
        message: t(lang, "err-json-type"),
    }
}

/// Standard query of list routes.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List order: by name or by creation, `-` for descending.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema, Default)]
pub enum SortParam {
    #[default]
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "-created")]
    CreatedDesc,
}

impl From<SortParam> for mesure_store::Sort {
    fn from(s: SortParam) -> Self {
        match s {
            SortParam::Name => mesure_store::Sort::NameAsc,
            SortParam::NameDesc => mesure_store::Sort::NameDesc,
            SortParam::Created => mesure_store::Sort::CreatedAsc,
            SortParam::CreatedDesc => mesure_store::Sort::CreatedDesc,
        }
    }
}

/// Which rows by archive state (default `active`).
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatusParam {
    #[default]
    Active,
    Archived,
    All,
}

impl From<StatusParam> for mesure_store::ArchiveFilter {
    fn from(s: StatusParam) -> Self {
        match s {
            StatusParam::Active => mesure_store::ArchiveFilter::Active,
            StatusParam::Archived => mesure_store::ArchiveFilter::Archived,
            StatusParam::All => mesure_store::ArchiveFilter::All,
        }
    }
}

/// A query string whose errors are 422 problems naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::try_from_uri(&parts.uri) {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => {
                let lang = visitor_language(&parts.headers);
                // "Failed to deserialize query string: limit: number too large to fit in target type"
                let text = e.body_text();
                let field = text
                    .split(": ")
                    .nth(1)
                    .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or("")
                    .to_string();
                let mut err =
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
                err.problem.request_id = crate::session::request_id(&parts.headers);
                err.problem.errors = vec![FieldProblem {
                    field,
                    message: t(lang, "err-format"),
                }];
                Err(err)
            }
        }
    }
}

/// Parses limit and cursor, naming the field when they are wrong.
pub fn page_params(
    p: &PageParams,
    lang: mesure_domain::Language,
) -> Result<(i64, Option<mesure_store::Cursor>), ApiError> {
    let limit = p.limit.unwrap_or(50);
    let mut errs = vec![];
    if !(1..=200).contains(&limit) {
        errs.push(FieldProblem {
            field: "limit".into(),
            message: t(lang, "err-limit"),
        });
    }
    let cursor = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match crate::cursor::decode(c) {
            Some(c) => Some(c),
            None => {
                errs.push(FieldProblem {
                    field: "cursor".into(),
                    message: t(lang, "err-cursor"),
                });
                None
            }
        },
    };
    if errs.is_empty() {
        Ok((limit, cursor))
    } else {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
        e.problem.errors = errs;
        Err(e)
    }
}

/// A query word that is not one of the allowed values.
pub fn bad_param(lang: mesure_domain::Language, field: &str) -> ApiError {
    let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
    e.problem.errors = vec![FieldProblem {
        field: field.into(),
        message: t(lang, "err-choice"),
    }];
    e
}

/// A `version` sent in a body must be a real version (1 or more).
pub fn check_version(v: Option<i32>, lang: mesure_domain::Language) -> Result<(), ApiError> {
    match v {
        Some(n) if n < 1 => {
            let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "err-validation");
            e.problem.errors = vec![FieldProblem {
                field: "version".into(),
                message: t(lang, "err-format"),
            }];
            Err(e)
        }
        _ => Ok(()),
    }
}

/// RFC 3339 text of a stored timestamp.
pub fn rfc3339(us: i64) -> String {
    mesure_store::ts(us).to_string()
}

/// A page of a list: the items as a JSON array, `X-Total-Count`, and when more follow
/// `X-Next-Cursor` and `Link: </api/v1/…?…&cursor=…>; rel="next"`.
pub fn paged<T: serde::Serialize>(
    items: Vec<T>,
    total: i64,
    next: Option<String>,
    path: &str,
    mut query: Vec<(String, String)>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = axum::Json(items).into_response();
    let h = res.headers_mut();
    if let Ok(v) = total.to_string().parse() {
        h.insert("x-total-count", v);
    }
    if let Some(cursor) = next {
        query.push(("cursor".into(), cursor.clone()));
        let link = format!(
            "<{path}?{}>; rel=\"next\"",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        );
        if let (Ok(c), Ok(l)) = (cursor.parse(), link.parse()) {
            h.insert("x-next-cursor", c);
            h.insert(axum::http::header::LINK, l);
        }
    }
    res
}

/// The problem document of a failed use case, in the caller's language.
pub fn err(c: &ApiCaller, e: ServiceError) -> ApiError {
    ApiError::from_service(e, c.ctx.language, c.ctx.request_id.clone())
}

/// A path id of the caller's workspace, or the 404 problem.
pub fn id_of<T>(c: &ApiCaller, s: &str, f: fn(&str) -> Option<T>) -> Result<T, ApiError> {
    f(s).ok_or_else(|| err(c, ServiceError::NotFound))
}

/// A stored civil day as `YYYY-MM-DD`.
pub fn day(d: Option<i32>) -> Option<String> {
    d.and_then(day_from_key).map(|d| d.to_string())
}

/// Minor units as a decimal string with two places (`"1250.00"`).
pub fn amount(minor: i64) -> String {
    mesure_domain::Money::from_minor(minor, mesure_domain::Currency::EUR).to_decimal_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_has_unique_operation_ids_and_described_responses() {
        let (_, _, doc) = super::routes();
        let json = serde_json::to_value(&doc).unwrap_or_default();
        let mut ids = std::collections::BTreeSet::new();
        for (path, ops) in json["paths"].as_object().into_iter().flatten() {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                assert!(
                    ids.insert(id.clone()),
                    "{method} {path}: operation id {id} is used twice"
                );
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    assert!(
                        r["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{method} {path} {status}: no description"
                    );
                }
            }
        }
        assert!(ids.contains("clients_create") && ids.contains("contacts_create"));
    }

    /// Every request and response body is a named schema or a typed value, never a bare
    /// `object` (what client generators turn into an untyped dict), and the time import's form
    /// has its binary `file` part.
    #[test]
    fn no_body_is_a_free_form_object() {
        let (_, _, doc) = super::routes();
        let json = serde_json::to_value(&doc).unwrap_or_default();
        let free = |s: &serde_json::Value| {
            s["type"] == "object" && s.get("properties").is_none() && s.get("$ref").is_none()
        };
        let mut bodies = 0;
        for (path, ops) in json["paths"].as_object().into_iter().flatten() {
            for (method, op) in ops.as_object().into_iter().flatten() {
                let responses = op["responses"].as_object().into_iter().flatten();
                let contents = responses
                    .map(|(_, r)| &r["content"])
                    .chain([&op["requestBody"]["content"]]);
                for content in contents {
                    for (media, m) in content.as_object().into_iter().flatten() {
                        bodies += 1;
                        assert!(
                            !free(&m["schema"]),
                            "{method} {path} {media}: a free-form object"
                        );
                    }
                }
            }
        }
        assert!(bodies > 100, "{bodies} bodies");
        let form = &json["components"]["schemas"]["ImportForm"];
        assert_eq!(form["properties"]["file"]["format"], "binary", "{form}");
        assert_eq!(form["required"], serde_json::json!(["file"]), "{form}");
    }
}
