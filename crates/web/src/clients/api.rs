//! `/api/v1/clients`: list, create, read, replace, delete, archive, unarchive.
use crate::AppState;
use crate::api::err;
use crate::api::{ApiJson, ApiQuery, PageParams, page_params, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mesure_domain::ClientId;
use mesure_domain::clients::ClientForm;
use mesure_services::clients::ClientView;
use mesure_services::{ServiceError, clients};
use mesure_store::clients::ListQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A client organisation.
#[derive(Serialize, ToSchema)]
pub struct ClientOut {
    pub id: String,
    pub name: String,
    pub legal_name: Option<String>,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
    pub billing_address: Option<String>,
    /// ISO 4217 code
    pub currency: String,
    /// `fr` or `en`
    pub language: String,
    /// IANA time zone
    pub time_zone: String,
    pub segment: Option<String>,
    pub notes: Option<String>,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
}

impl From<ClientView> for ClientOut {
    fn from(c: ClientView) -> Self {
        ClientOut {
            id: c.id.to_string(),
            name: c.name,
            legal_name: c.legal_name,
            siren: c.siren,
            vat_number: c.vat_number,
            billing_address: c.billing_address,
            currency: c.currency.code().to_string(),
            language: c.language.as_str().to_string(),
            time_zone: c.time_zone,
            segment: c.segment,
            notes: c.notes,
            archived: c.archived_at.is_some(),
            archived_at: c.archived_at.map(rfc3339),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            version: c.version,
        }
    }
}

/// A client as sent to create or replace one. Empty optional fields take the workspace's defaults.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    /// Unique in the workspace
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub legal_name: Option<String>,
    /// 9 digits with a valid key
    pub siren: Option<String>,
    /// Intra-EU VAT number; a French one must match the SIREN
    pub vat_number: Option<String>,
    pub billing_address: Option<String>,
    pub currency: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub segment: Option<String>,
    pub notes: Option<String>,
    /// On replace: the version read, to refuse overwriting a newer change (409)
    #[schema(minimum = 1)]
    pub version: Option<i32>,
}

impl ClientBody {
    fn form(&self) -> ClientForm {
        ClientForm {
            name: self.name.clone(),
            legal_name: self.legal_name.clone(),
            siren: self.siren.clone(),
            vat_number: self.vat_number.clone(),
            billing_address: self.billing_address.clone(),
            currency: self.currency.clone(),
            language: self.language.clone(),
            time_zone: self.time_zone.clone(),
            segment: self.segment.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A page of clients.
#[derive(Serialize, ToSchema)]
pub struct ClientPage {
    pub items: Vec<ClientOut>,
    /// Pass as `cursor` for the next page; absent on the last page
    pub next_cursor: Option<String>,
    /// Number of clients matching the filters
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientFilters {
    /// Searches name, legal name, SIREN, VAT number and segment
    pub q: Option<String>,
    pub sort: Option<crate::api::SortParam>,
    pub status: Option<crate::api::StatusParam>,
    pub segment: Option<String>,
}

pub fn parse_client_id(c: &ApiCaller, id: &str) -> Result<ClientId, ApiError> {
    ClientId::parse(id).ok_or_else(|| err(c, ServiceError::NotFound))
}

/// List clients.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ClientFilters, PageParams),
    responses((status = 200, body = ClientPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(f): ApiQuery<ClientFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<ClientPage>, ApiError> {
    let lang = c.ctx.language;
    let (limit, after) = page_params(&p, lang)?;
    let sort: mesure_store::Sort = f.sort.unwrap_or_default().into();
    let archive = f.status.unwrap_or_default().into();
    let q = ListQuery {
        search: f.q,
        archive,
        segment: f.segment.filter(|s| !s.is_empty()),
        sort,
        after,
        limit,
    };
    let (rows, more, total) = clients::list(&s.app, &c.ctx, &q)
        .await
        .map_err(|e| err(&c, e))?;
    let next_cursor = if more {
        rows.last().map(|r| crate::cursor::encode(&r.cursor(sort)))
    } else {
        None
    };
    Ok(Json(ClientPage {
        items: rows.into_iter().map(ClientOut::from).collect(),
        next_cursor,
        total,
    }))
}

/// Create a client.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = ClientBody,
    responses((status = 201, body = ClientOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<impl IntoResponse, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let row = clients::create(&s.app, &c.ctx, &body.form())
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(ClientOut::from(row))))
}

/// Read a client.
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = ClientOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ClientOut>, ApiError> {
    let id = parse_client_id(&c, &id)?;
    let row = clients::get(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(row.into()))
}

/// Replace a client's fields.
#[utoipa::path(put, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path, description = "Client id")), request_body = ClientBody,
    responses((status = 200, body = ClientOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<Json<ClientOut>, ApiError> {
    crate::api::check_version(body.version, c.ctx.language)?;
    let id = parse_client_id(&c, &id)?;
    let row = clients::update(&s.app, &c.ctx, id, &body.form(), body.version)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(row.into()))
}

/// Delete a client that nothing references (otherwise 409: archive it).
#[utoipa::path(delete, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path, description = "Client id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_client_id(&c, &id)?;
    clients::delete(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Archive a client.
#[utoipa::path(post, path = "/api/v1/clients/{id}/archive", tag = "clients", params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = ClientOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn archive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ClientOut>, ApiError> {
    let id = parse_client_id(&c, &id)?;
    Ok(Json(
        clients::set_archived(&s.app, &c.ctx, id, true)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}

/// Restore an archived client.
#[utoipa::path(post, path = "/api/v1/clients/{id}/unarchive", tag = "clients", params(("id" = String, Path, description = "Client id")),
    responses((status = 200, body = ClientOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn unarchive(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ClientOut>, ApiError> {
    let id = parse_client_id(&c, &id)?;
    Ok(Json(
        clients::set_archived(&s.app, &c.ctx, id, false)
            .await
            .map_err(|e| err(&c, e))?
            .into(),
    ))
}
