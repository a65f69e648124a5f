//! `/api/v1/desk/tickets` (staff: list with views, filters and search; open for a client; read
//! with events and SLA clocks; reply or note; move) and `/api/v1/portal/tickets` (a contact:
//! their organisation's tickets, public events only; open; reply).
use crate::AppState;
use crate::api::{ApiJson, ApiQuery, bad_param, err, rfc3339};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use mesure_domain::desk::forms::{MoveForm, TicketForm};
use mesure_domain::desk::sla::Clock;
use mesure_services::desk::tickets::{self, ReplyInput};
use mesure_services::desk::views::{self, ListQuery, TicketLine, TicketView};
use mesure_store::desk::TicketRow;
use mesure_store::{Cursor, CursorKey};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const PROBLEM: &str = "application/problem+json";

/// A ticket list's filters (all optional).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketParams {
    /// `open` (default), `mine`, `unassigned`, `breaching`, `done`, `all` (contacts: `open`, `done`, `all`)
    pub view: Option<String>,
    /// `new`, `open`, `waiting_customer`, `waiting_third_party`, `resolved`, `closed`
    pub status: Option<String>,
    pub assignee_id: Option<String>,
    pub client_id: Option<String>,
    /// `low`, `normal`, `high`, `urgent`
    pub priority: Option<String>,
    /// `question`, `incident`, `request`, `complaint`, `billing_error`
    pub kind: Option<String>,
    /// `first`, `second`
    pub tier: Option<String>,
    pub category_id: Option<String>,
    /// Words searched in subjects and messages (each a prefix, all required); a number also finds that ticket
    pub q: Option<String>,
    /// `newest` (default), `oldest`, `due`, `updated`
    pub sort: Option<String>,
    /// Created from this day (`YYYY-MM-DD`, with `created_to`, both included)
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    /// Resolved from this day (with `resolved_to`, both included)
    pub resolved_from: Option<String>,
    pub resolved_to: Option<String>,
    /// From the previous page's `next_cursor`
    pub cursor: Option<String>,
}

impl TicketParams {
    fn query(&self, c: &ApiCaller) -> Result<ListQuery, ApiError> {
        let after = match mesure_domain::forms::given(self.cursor.as_deref()) {
            None => None,
            Some(s) => match crate::cursor::decode(s) {
                Some(Cursor {
                    key: CursorKey::Int(k),
                    id,
                }) => Some((k, id)),
                _ => return Err(bad_param(c.ctx.language, "cursor")),
            },
        };
        Ok(ListQuery {
            view: self.view.clone(),
            status: self.status.clone(),
            assignee_id: self.assignee_id.clone(),
            client_id: self.client_id.clone(),
            priority: self.priority.clone(),
            kind: self.kind.clone(),
            tier: self.tier.clone(),
            category_id: self.category_id.clone(),
            q: self.q.clone(),
            sort: self.sort.clone(),
            created_from: self.created_from.clone(),
            created_to: self.created_to.clone(),
            resolved_from: self.resolved_from.clone(),
            resolved_to: self.resolved_to.clone(),
            after,
        })
    }
}

/// A ticket.
#[derive(Serialize, ToSchema)]
pub struct TicketOut {
    pub id: String,
    pub number: i64,
    pub client_id: String,
    pub client_name: String,
    pub contact_id: Option<String>,
    pub requester: String,
    pub subject: String,
    pub kind: String,
    pub category_id: Option<String>,
    pub category: Option<String>,
    pub feature: Option<String>,
    pub invoice_id: Option<String>,
    pub priority: String,
    pub status: String,
    pub tier: String,
    pub channel: String,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    /// Merged into the ticket of this number
    pub merged_into: Option<i64>,
    /// Opened by a reply to the closed ticket of this number
    pub follows: Option<i64>,
    pub created_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub public_replies: i32,
    pub reopens: i32,
    pub transfers: i32,
    pub escalated: bool,
    /// The running first-response deadline (RFC 3339), null when met, paused or without target
    pub first_response_due: Option<String>,
    pub resolution_due: Option<String>,
    /// An SLA target was passed
    pub breached: bool,
    pub updated_at: String,
}

impl TicketOut {
    fn of(l: &TicketLine, staff: bool) -> TicketOut {
        let t: &TicketRow = &l.ticket;
        let s = |u: Option<Uuid>| u.map(|u| u.to_string());
        TicketOut {
            id: t.id.to_string(),
            number: t.number,
            client_id: t.client_id.to_string(),
            client_name: l.client_name.clone(),
            contact_id: s(t.contact_id),
            requester: t.requester.clone(),
            subject: t.subject.clone(),
            kind: t.kind.as_str().into(),
            category_id: if staff { s(t.category_id) } else { None },
            category: if staff { l.category_name.clone() } else { None },
            feature: if staff { t.feature.clone() } else { None },
            invoice_id: s(t.invoice_id),
            priority: t.priority.as_str().into(),
            status: t.status.as_str().into(),
            tier: t.tier.as_str().into(),
            channel: t.channel.as_str().into(),
            assignee_id: if staff { s(t.assignee_id) } else { None },
            assignee_name: l.assignee_name.clone(),
            merged_into: t.merged_into,
            follows: t.follows,
            created_at: rfc3339(t.created_at),
            first_response_at: t.first_response_at.map(rfc3339),
            resolved_at: t.resolved_at.map(rfc3339),
            public_replies: t.public_replies,
            reopens: if staff { t.reopens } else { 0 },
            transfers: if staff { t.transfers } else { 0 },
            escalated: staff && t.escalated,
            first_response_due: t.first_response_due.map(rfc3339),
            resolution_due: t.resolution_due.map(rfc3339),
            breached: staff && t.breached,
            updated_at: rfc3339(t.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketOut>,
    /// Pass as `cursor` for the next page; null on the last
    pub next_cursor: Option<String>,
}

/// An event of a ticket.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub id: String,
    /// `customer`, `reply`, `note`, `status`, `priority`, `kind`, `category`, `assign`, `tier`, `merge`, `merged`
    pub kind: String,
    pub at: String,
    /// Who: the requester for a customer's message, else the agent's name
    pub actor: String,
    pub customer: bool,
    pub body: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
}

/// An SLA clock.
#[derive(Serialize, ToSchema)]
pub struct ClockOut {
    /// Business minutes of the policy's target; null without one
    pub target_minutes: Option<i64>,
    /// Business minutes counted so far
    pub elapsed_minutes: i64,
    /// Business minutes spent waiting on the customer or a third party
    pub paused_minutes: i64,
    pub running: bool,
    pub met_at: Option<String>,
    pub deadline: Option<String>,
    pub breached: bool,
}

fn clock(c: &Clock, target: Option<i64>) -> ClockOut {
    ClockOut {
        target_minutes: target,
        elapsed_minutes: c.elapsed,
        paused_minutes: c.paused,
        running: c.running,
        met_at: c.met_at.map(|m| rfc3339(m.as_microsecond())),
        deadline: c.deadline.map(|m| rfc3339(m.as_microsecond())),
        breached: c.breached,
    }
}

/// A ticket with its events and SLA clocks.
#[derive(Serialize, ToSchema)]
pub struct TicketDetailOut {
    pub ticket: TicketOut,
    pub events: Vec<EventOut>,
    pub first_response: ClockOut,
    pub resolution: ClockOut,
    /// `workspace` or `client`: whose SLA policy applies
    pub policy: String,
    /// `workspace` or `client`: whose business calendar the clocks count on
    pub calendar: String,
}

fn detail(v: &TicketView, staff: bool) -> TicketDetailOut {
    let targets = v.rules.policy.targets(v.line.ticket.priority);
    TicketDetailOut {
        ticket: TicketOut::of(&v.line, staff),
        events: v
            .events
            .iter()
            .map(|e| EventOut {
                id: e.event.id.to_string(),
                kind: e.event.kind.clone(),
                at: rfc3339(e.event.at),
                actor: e.actor.clone(),
                customer: e.event.customer,
                body: e.event.body.clone(),
                from_value: e.event.from_value.clone(),
                to_value: e.event.to_value.clone(),
                reason: e.event.reason.clone(),
            })
            .collect(),
        first_response: clock(&v.first_response, targets.first_response),
        resolution: clock(&v.resolution, targets.resolution),
        policy: if v.rules.client_policy {
            "client"
        } else {
            "workspace"
        }
        .into(),
        calendar: if v.rules.client_calendar {
            "client"
        } else {
            "workspace"
        }
        .into(),
    }
}

/// A new ticket.
#[derive(Deserialize, ToSchema)]
pub struct TicketIn {
    pub subject: String,
    /// The requester's first message
    pub body: String,
    /// `question` (default), `incident`, `request`, `complaint`, `billing_error`
    pub kind: Option<String>,
    /// `low`, `normal` (default), `high`, `urgent`
    pub priority: Option<String>,
    pub category_id: Option<String>,
    pub feature: Option<String>,
    /// The issued invoice a billing error concerns
    pub invoice_id: Option<String>,
    /// Staff: the client (required) and contact
    pub client_id: Option<String>,
    pub contact_id: Option<String>,
    /// Staff: `phone`, `chat`, `email`, `web_form`, `portal`, `api` (default)
    pub channel: Option<String>,
}

impl TicketIn {
    fn form(self, staff: bool) -> TicketForm {
        TicketForm {
            subject: self.subject,
            body: self.body,
            kind: self.kind,
            priority: self.priority,
            category_id: if staff { self.category_id } else { None },
            feature: self.feature,
            invoice_id: self.invoice_id,
            client_id: if staff { self.client_id } else { None },
            contact_id: if staff { self.contact_id } else { None },
            channel: if staff { self.channel } else { None },
        }
    }
}

/// A message on a ticket.
#[derive(Deserialize, ToSchema)]
pub struct MessageIn {
    pub body: String,
    /// Staff: a public reply (e-mailed to the contact) rather than an internal note (default false)
    pub public: Option<bool>,
    /// Staff: the status to leave the ticket in
    pub status: Option<String>,
}

/// Changes to a ticket; the fields given change.
#[derive(Deserialize, ToSchema)]
pub struct MoveIn {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub kind: Option<String>,
    /// A category id, or `none`
    pub category_id: Option<String>,
    /// A staff user id, or `none`
    pub assignee_id: Option<String>,
    /// `first` or `second` (an escalation)
    pub tier: Option<String>,
    pub reason: Option<String>,
}

fn ticket_id(c: &ApiCaller, s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s.trim()).map_err(|_| err(c, mesure_services::ServiceError::NotFound))
}

async fn list_of(
    s: &AppState,
    c: &ApiCaller,
    p: &TicketParams,
) -> Result<Json<TicketPage>, ApiError> {
    let q = p.query(c)?;
    let page = views::list(&s.app, &c.ctx, &q)
        .await
        .map_err(|e| err(c, e))?;
    let staff = c.ctx.client.is_none();
    Ok(Json(TicketPage {
        items: page.lines.iter().map(|l| TicketOut::of(l, staff)).collect(),
        next_cursor: page.next.map(|(k, id)| {
            crate::cursor::encode(&Cursor {
                key: CursorKey::Int(k),
                id,
            })
        }),
    }))
}

async fn detail_of(
    s: &AppState,
    c: &ApiCaller,
    id: &str,
) -> Result<Json<TicketDetailOut>, ApiError> {
    let id = ticket_id(c, id)?;
    let v = views::ticket(&s.app, &c.ctx, id)
        .await
        .map_err(|e| err(c, e))?;
    Ok(Json(detail(&v, c.ctx.client.is_none())))
}

async fn line_of(s: &AppState, c: &ApiCaller, t: &TicketRow) -> Result<TicketOut, ApiError> {
    let v = views::ticket(&s.app, &c.ctx, t.id)
        .await
        .map_err(|e| err(c, e))?;
    Ok(TicketOut::of(&v.line, c.ctx.client.is_none()))
}

/// List tickets (staff).
#[utoipa::path(get, path = "/api/v1/desk/tickets", tag = "desk", params(TicketParams),
    responses((status = 200, body = TicketPage), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(p): ApiQuery<TicketParams>,
) -> Result<Json<TicketPage>, ApiError> {
    list_of(&s, &c, &p).await
}

/// Open a ticket for a client (a phone or chat contact, another system).
#[utoipa::path(post, path = "/api/v1/desk/tickets", tag = "desk", request_body = TicketIn,
    responses((status = 201, body = TicketOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn open(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<TicketIn>,
) -> Result<impl IntoResponse, ApiError> {
    let t = tickets::open(&s.app, &c.ctx, &body.form(true), true)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(line_of(&s, &c, &t).await?)))
}

/// Read a ticket with its events and SLA clocks.
#[utoipa::path(get, path = "/api/v1/desk/tickets/{id}", tag = "desk", params(("id" = String, Path, description = "Ticket id")),
    responses((status = 200, body = TicketDetailOut), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 404, body = Problem, content_type = PROBLEM)))]
pub async fn show(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<TicketDetailOut>, ApiError> {
    detail_of(&s, &c, &id).await
}

/// Reply publicly or write an internal note.
#[utoipa::path(post, path = "/api/v1/desk/tickets/{id}/messages", tag = "desk", params(("id" = String, Path, description = "Ticket id")), request_body = MessageIn,
    responses((status = 200, body = TicketOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 404, body = Problem, content_type = PROBLEM), (status = 409, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn reply(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageIn>,
) -> Result<Json<TicketOut>, ApiError> {
    let id = ticket_id(&c, &id)?;
    let input = ReplyInput {
        body: body.body,
        public: body.public.unwrap_or(false),
        status: body.status,
    };
    let t = tickets::reply(&s.app, &c.ctx, id, &input)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(line_of(&s, &c, &t).await?))
}

/// Change a ticket's status, priority, type, category, assignee or tier.
#[utoipa::path(post, path = "/api/v1/desk/tickets/{id}/move", tag = "desk", params(("id" = String, Path, description = "Ticket id")), request_body = MoveIn,
    responses((status = 200, body = TicketOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 404, body = Problem, content_type = PROBLEM), (status = 409, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn apply(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveIn>,
) -> Result<Json<TicketOut>, ApiError> {
    let id = ticket_id(&c, &id)?;
    let form = MoveForm {
        status: body.status,
        priority: body.priority,
        kind: body.kind,
        category_id: body.category_id,
        assignee_id: body.assignee_id,
        tier: body.tier,
        reason: body.reason,
    };
    let t = tickets::apply(&s.app, &c.ctx, id, &form)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(line_of(&s, &c, &t).await?))
}

/// List the contact's organisation's tickets.
#[utoipa::path(get, path = "/api/v1/portal/tickets", tag = "portal", params(TicketParams),
    responses((status = 200, body = TicketPage), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn portal_list(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(p): ApiQuery<TicketParams>,
) -> Result<Json<TicketPage>, ApiError> {
    list_of(&s, &c, &p).await
}

/// Open a ticket for the contact's organisation.
#[utoipa::path(post, path = "/api/v1/portal/tickets", tag = "portal", request_body = TicketIn,
    responses((status = 201, body = TicketOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn portal_open(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<TicketIn>,
) -> Result<impl IntoResponse, ApiError> {
    let t = tickets::open(&s.app, &c.ctx, &body.form(false), true)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(line_of(&s, &c, &t).await?)))
}

/// Read one of the organisation's tickets (public messages and status moves only).
#[utoipa::path(get, path = "/api/v1/portal/tickets/{id}", tag = "portal", params(("id" = String, Path, description = "Ticket id")),
    responses((status = 200, body = TicketDetailOut), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 404, body = Problem, content_type = PROBLEM)))]
pub async fn portal_show(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<TicketDetailOut>, ApiError> {
    detail_of(&s, &c, &id).await
}

/// Reply on one of the organisation's tickets (on a closed ticket, opens a new one that follows it).
#[utoipa::path(post, path = "/api/v1/portal/tickets/{id}/messages", tag = "portal", params(("id" = String, Path, description = "Ticket id")), request_body = MessageIn,
    responses((status = 200, body = TicketOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 404, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn portal_reply(
    State(s): State<AppState>,
    c: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageIn>,
) -> Result<Json<TicketOut>, ApiError> {
    let id = ticket_id(&c, &id)?;
    let t = tickets::customer_reply(&s.app, &c.ctx, id, &body.body)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(line_of(&s, &c, &t).await?))
}

/// A period of days.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiParams {
    /// First day `YYYY-MM-DD` (default: the first day of the month eleven months ago)
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (default: today)
    pub to: Option<String>,
    /// Only this client's tickets
    pub client_id: Option<String>,
    /// Only tickets of this priority: `low`, `normal`, `high`, `urgent`
    pub priority: Option<String>,
    /// Only tickets of this type: `question`, `incident`, `request`, `complaint`, `billing_error`
    pub kind: Option<String>,
    /// Only tickets of this category
    pub category_id: Option<String>,
    /// Only tickets assigned to this agent
    pub assignee_id: Option<String>,
}

/// A count over a count.
#[derive(Serialize, ToSchema)]
pub struct RatioOut {
    pub num: i64,
    pub den: i64,
    /// num ÷ den × 100, one decimal, as a string; null when den is 0 (no data)
    pub pct: Option<String>,
}

fn ratio(r: mesure_domain::desk::kpis::Ratio) -> RatioOut {
    RatioOut {
        num: r.num,
        den: r.den,
        pct: r.pct().map(|p| p.to_string()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct VolumeOut {
    /// A ticket type, or a category's path (empty: none)
    pub name: String,
    pub category_id: Option<String>,
    pub current: i64,
    /// The same number of days just before
    pub previous: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BucketOut {
    pub from: String,
    /// Exclusive
    pub to: String,
    /// Tickets created per type, in the order question, incident, request, complaint, billing_error
    pub counts: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NamedRatioOut {
    pub id: Option<String>,
    pub name: String,
    pub ratio: RatioOut,
}

#[derive(Serialize, ToSchema)]
pub struct AgentOut {
    /// null: tickets resolved unassigned
    pub agent_id: Option<String>,
    pub name: String,
    pub resolved: i64,
}

/// The service KPIs of a period (definitions: the KPI dictionary).
#[derive(Serialize, ToSchema)]
pub struct KpisOut {
    pub from: String,
    /// Last day included
    pub to: String,
    /// Tickets created in the period (merged duplicates left out)
    pub volume: i64,
    pub by_type: Vec<VolumeOut>,
    pub by_category: Vec<VolumeOut>,
    pub trend: Vec<BucketOut>,
    /// Median business minutes from creation to the first public reply, tickets created in the period
    pub first_response_median_minutes: Option<i64>,
    /// Median business minutes from creation to resolution minus waiting on the customer, tickets resolved in the period
    pub resolution_median_minutes: Option<i64>,
    pub resolved: i64,
    pub first_contact_resolution: RatioOut,
    pub first_line_resolution: RatioOut,
    pub transferred: RatioOut,
    pub reopened: RatioOut,
    pub complaints: i64,
    pub abandonment: RatioOut,
    pub sla_attainment: RatioOut,
    pub sla_by_priority: Vec<NamedRatioOut>,
    pub sla_by_client: Vec<NamedRatioOut>,
    /// Resolved tickets per agent who resolved any, one decimal, as a string
    pub requests_per_agent: Option<String>,
    pub agents: Vec<AgentOut>,
    /// Tickets not resolved at the period's end, aged under 1 day, 1–3, 3–7, 7–30, 30 and over
    pub backlog: Vec<i64>,
    /// CSAT: answers 4–5 / answers given in the period
    pub csat: RatioOut,
    /// Satisfaction questions sent in the period, answered
    pub csat_participation: RatioOut,
    pub csat_by_agent: Vec<NamedRatioOut>,
    pub csat_by_client: Vec<NamedRatioOut>,
    pub csat_by_category: Vec<NamedRatioOut>,
}

fn named(v: &[(Option<Uuid>, String, mesure_domain::desk::kpis::Ratio)]) -> Vec<NamedRatioOut> {
    v.iter()
        .map(|(id, n, r)| NamedRatioOut {
            id: id.map(|i| i.to_string()),
            name: n.clone(),
            ratio: ratio(*r),
        })
        .collect()
}

/// The service KPIs of a period, of the whole desk or narrowed to a client, priority, type,
/// category or agent.
#[utoipa::path(get, path = "/api/v1/desk/kpis", tag = "desk", params(KpiParams),
    responses((status = 200, body = KpisOut), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn kpis(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(p): ApiQuery<KpiParams>,
) -> Result<Json<KpisOut>, ApiError> {
    let today = mesure_services::time::today_date(&s.app, &c.ctx);
    let day = |v: &Option<String>, field: &str| -> Result<Option<jiff::civil::Date>, ApiError> {
        match mesure_domain::forms::given(v.as_deref()) {
            None => Ok(None),
            Some(x) => mesure_domain::forms::parse_civil(x)
                .map(Some)
                .ok_or_else(|| bad_param(c.ctx.language, field)),
        }
    };
    let from = day(&p.from, "from")?.unwrap_or_else(|| {
        today
            .first_of_month()
            .checked_sub(jiff::Span::new().months(11))
            .unwrap_or(today)
    });
    let last = day(&p.to, "to")?.unwrap_or(today);
    if last < from || (last - from).get_days() > 3660 {
        return Err(bad_param(c.ctx.language, "to"));
    }
    let to = last.tomorrow().unwrap_or(last);
    let scope = mesure_services::desk::kpis::scope_of(&mesure_services::desk::kpis::ScopeQuery {
        client_id: p.client_id.clone(),
        priority: p.priority.clone(),
        kind: p.kind.clone(),
        category_id: p.category_id.clone(),
        assignee_id: p.assignee_id.clone(),
    })
    .map_err(|e| err(&c, e))?;
    let d = mesure_services::desk::kpis::dashboard_in(&s.app, &c.ctx, from, to, &scope)
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(KpisOut {
        from: from.to_string(),
        to: last.to_string(),
        volume: d.created,
        by_type: d
            .by_kind
            .iter()
            .map(|(k, v)| VolumeOut {
                name: k.as_str().into(),
                category_id: None,
                current: v.current,
                previous: v.previous,
            })
            .collect(),
        by_category: d
            .by_category
            .iter()
            .map(|(id, n, v)| VolumeOut {
                name: n.clone(),
                category_id: id.map(|i| i.to_string()),
                current: v.current,
                previous: v.previous,
            })
            .collect(),
        trend: d
            .trend
            .iter()
            .map(|((a, b), v)| BucketOut {
                from: a.to_string(),
                to: b.to_string(),
                counts: v.clone(),
            })
            .collect(),
        first_response_median_minutes: d.first_response_median,
        resolution_median_minutes: d.resolution_median,
        resolved: d.resolved,
        first_contact_resolution: ratio(d.first_contact),
        first_line_resolution: ratio(d.first_line),
        transferred: ratio(d.transferred),
        reopened: ratio(d.reopened),
        complaints: d.complaints,
        abandonment: ratio(d.abandonment),
        sla_attainment: ratio(d.sla),
        sla_by_priority: d
            .sla_by_priority
            .iter()
            .map(|(p, r)| NamedRatioOut {
                id: None,
                name: p.as_str().into(),
                ratio: ratio(*r),
            })
            .collect(),
        sla_by_client: d
            .sla_by_client
            .iter()
            .map(|(id, n, r)| NamedRatioOut {
                id: Some(id.to_string()),
                name: n.clone(),
                ratio: ratio(*r),
            })
            .collect(),
        requests_per_agent: d.requests_per_agent.map(|v| v.to_string()),
        agents: d
            .per_agent
            .iter()
            .map(|(id, n, r)| AgentOut {
                agent_id: id.map(|i| i.to_string()),
                name: n.clone(),
                resolved: *r,
            })
            .collect(),
        backlog: d.backlog.to_vec(),
        csat: ratio(d.csat),
        csat_participation: ratio(d.csat_participation),
        csat_by_agent: named(&d.csat_by_agent),
        csat_by_client: named(&d.csat_by_client),
        csat_by_category: named(&d.csat_by_category),
    }))
}

/// A call or chat left before an answer.
#[derive(Deserialize, ToSchema)]
pub struct AbandonedIn {
    /// `phone` or `chat`
    pub channel: String,
    pub client_id: Option<String>,
    /// How long the caller waited, 0 to 86,400 seconds
    pub waited_seconds: Option<i64>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedOut {
    pub id: String,
}

/// Log an abandoned call or chat (e.g. from a telephony system).
#[utoipa::path(post, path = "/api/v1/desk/abandoned", tag = "desk", request_body = AbandonedIn,
    responses((status = 201, body = CreatedOut), (status = 400, body = Problem, content_type = PROBLEM), (status = 401, body = Problem, content_type = PROBLEM), (status = 403, body = Problem, content_type = PROBLEM), (status = 413, body = Problem, content_type = PROBLEM), (status = 415, body = Problem, content_type = PROBLEM), (status = 422, body = Problem, content_type = PROBLEM)))]
pub async fn abandoned(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiJson(body): ApiJson<AbandonedIn>,
) -> Result<impl IntoResponse, ApiError> {
    let input = mesure_services::desk::tickets::AbandonedInput {
        channel: body.channel,
        client_id: body.client_id,
        waited_seconds: body.waited_seconds,
        note: body.note,
    };
    let id = mesure_services::desk::tickets::log_abandoned(&s.app, &c.ctx, &input)
        .await
        .map_err(|e| err(&c, e))?;
    Ok((StatusCode::CREATED, Json(CreatedOut { id: id.to_string() })))
}
