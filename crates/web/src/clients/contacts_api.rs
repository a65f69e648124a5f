//! `/api/v1/contacts` and `/api/v1/clients/{id}/contacts`.
use crate::AppState;
use crate::api::err;
use crate::api::{ApiJson, ApiQuery, PageParams, page_params, rfc3339};
use crate::clients::api::parse_client_id;
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mesure_domain::clients::ContactForm;
use mesure_domain::{ClientId, ContactId};
use mesure_services::clients::ContactView;
use mesure_services::{ServiceError, clients::contacts};
use mesure_store::clients::contacts::ListQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A contact of a client organisation.
#[derive(Serialize, ToSchema)]
pub struct ContactOut {
    pub id: String,
    pub client_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    /// `billing`, `project` or `viewer`
    pub contact_role: String,
    pub language: String,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

impl From<ContactView> for ContactOut {
    fn from(c: ContactView) -> Self {
        ContactOut {
            id: c.id.to_string(),
            client_id: c.client_id.to_string(),
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            phone: c.phone,
            job_title: c.job_title,
            contact_role: c.contact_role.as_str().to_string(),
            language: c.language.as_str().to_string(),
            archived: c.archived_at.is_some(),
            archived_at: c.archived_at.map(rfc3339),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            version: c.version,
        }
    }
}

/// A contact as sent to create or replace one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    /// `billing`, `project` or `viewer` (default `viewer`)
    pub contact_role: Option<String>,
    pub language: Option<String>,
    #[schema(minimum = 1)]
    pub version: Option<i32>,
}

impl ContactBody {
    fn form(&self) -> ContactForm {
        ContactForm {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            contact_role: self.contact_role.clone(),
            language: self.language.clone(),
        }
    }
}

/// A page of contacts.
#[derive(Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<ContactOut>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactFilters {
    /// Searches names, e-mail, phone and job title
    pub q: Option<String>,
    pub sort: Option<crate::api::SortParam>,
    pub status: Option<crate::api::StatusParam>,
}

fn parse_contact_id(c: &ApiCaller, id: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(id).ok_or_else(|| err(c, ServiceError::NotFound))
}

async fn page(
    s: &AppState,
    c: &ApiCaller,
    client: Option<ClientId>,
    f: ContactFilters,
    p: PageParams,
) -> Result<Json<ContactPage>, ApiError> {
    let lang = c.ctx.language;
    let (limit, after) = page_params(&p, lang)?;
    let sort: mesure_store::Sort = f.sort.unwrap_or_default().into();
    let archive = f.status.unwrap_or_default().into();
    let q = ListQuery {
        client,
        search: f.q,
        archive,
        sort,
        after,
        limit,
    };
    let (rows, more, total) = contacts::list(&s.app, &c.ctx, &q)
        .await
        .map_err(|e| err(c, e))?;
    let next_cursor = if more {
        rows.last().map(|r| crate::cursor::encode(&r.cursor(sort)))
    } else {
        None
    };
    Ok(Json(ContactPage {
        items: rows.into_iter().map(ContactOut::from).collect(),
        next_cursor,
        total,
    }))
}

/// List all contacts.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactFilters, PageParams),
    responses((status = 200, body = ContactPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<ContactFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<ContactPage>, ApiError> {
    page(&s, &c, None, f, p).await
}

/// List a client's contacts.
#[utoipa::path(get, path = "/api/v1/clients/{id}/contacts", tag = "contacts", params(("id" = String, Path, description = "Client id"), ContactFilters, PageParams),
    responses((status = 200, body = ContactPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_for_client(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiQuery(f): ApiQuery<ContactFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<ContactPage>, ApiError> {
    let id = parse_client_id(&c, &id)?;
    page(&s, &c, Some(id), f, p).await
}

/// Add a contact to a client.
#[utoipa::path(post, path = "/api/v1/clients/{id}/contacts", tag = "contacts", params(("id" = String, Path, description = "Client id")), request_body = ContactBody,
    responses((status = 201, body = ContactOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactBody>,
) -> Result<impl IntoResponse, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let id = parse_client_id(&c, &id)?;
    let row = contacts::create(&s.app, &c.ctx, id, &body.form())
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(ContactOut::from(row))))
}

/// Read a contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = String, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ContactOut>, ApiError> {
    let id = parse_contact_id(&c, &id)?;
    Ok(Json(
        contacts::get(&s.app, &c.ctx, id)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}

/// Replace a contact's fields.
#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = String, Path, description = "Contact id")), request_body = ContactBody,
    responses((status = 200, body = ContactOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactBody>,
) -> Result<Json<ContactOut>, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let id = parse_contact_id(&c, &id)?;
    Ok(Json(
        contacts::update(&s.app, &c.ctx, id, &body.form(), body.version)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}

/// Archive a contact (ends their portal access).
#[utoipa::path(post, path = "/api/v1/contacts/{id}/archive", tag = "contacts", params(("id" = String, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn archive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ContactOut>, ApiError> {
    let id = parse_contact_id(&c, &id)?;
    Ok(Json(
        contacts::set_archived(&s.app, &c.ctx, id, true)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}

/// Restore an archived contact.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/unarchive", tag = "contacts", params(("id" = String, Path, description = "Contact id")),
    responses((status = 200, body = ContactOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn unarchive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ContactOut>, ApiError> {
    let id = parse_contact_id(&c, &id)?;
    Ok(Json(
        contacts::set_archived(&s.app, &c.ctx, id, false)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}
