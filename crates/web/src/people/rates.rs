//! The rates page: each person's billing rates, internal cost rates, weekly capacity and leave.
use crate::AppState;
use crate::html::{Base, Errors, NoticeQuery, Values, error_page, fmt, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_services::people::users;
use mesure_services::projects::RateForm;
use mesure_services::{ServiceError, projects};

#[derive(Template)]
#[template(path = "people/rates.html")]
struct RatesPage {
    base: Base,
    billing: Vec<(String, String, String, String)>,
    costs: Vec<(String, String, String, String)>,
    people: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    values: Values,
    errors: Errors,
}

async fn rates_page(
    s: &AppState,
    page: &Page,
    notice: Option<&str>,
    values: Values,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let result = async {
        let (b, c) = projects::rates(&s.app, &page.ctx).await?;
        let staff = users::list_staff(&s.app, &page.ctx).await?;
        let plist = projects::list(&s.app, &page.ctx, None, false).await?;
        Ok::<_, ServiceError>((b, c, staff, plist))
    }
    .await;
    let (b, c, staff, plist) = match result {
        Ok(r) => r,
        Err(e) => return error_page(page, e),
    };
    let cur = page.ctx.workspace_currency.code().to_string();
    let name_of = |id: uuid::Uuid| {
        staff
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let pname = |id: Option<uuid::Uuid>| match id {
        Some(id) => plist
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        None => mesure_i18n::t(lang, "rates-all-projects"),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut projects_opts = vec![(String::new(), mesure_i18n::t(lang, "rates-all-projects"))];
    projects_opts.extend(plist.iter().map(|p| (p.id.to_string(), p.name.clone())));
    render_status(
        status,
        &RatesPage {
            base: Base::new(page, "rates-title", "/settings/rates", "/settings/rates")
                .with_notice(notice),
            billing: b
                .iter()
                .map(|r| {
                    (
                        name_of(r.user_id),
                        pname(r.project_id),
                        fmt::money(lang, r.rate_minor, &cur),
                        fmt::day(lang, r.valid_from),
                    )
                })
                .collect(),
            costs: c
                .iter()
                .map(|r| {
                    (
                        name_of(r.user_id),
                        fmt::money(lang, r.cost_minor, &r.currency),
                        fmt::day(lang, r.valid_from),
                        r.valid_to.map(|d| fmt::day(lang, d)).unwrap_or_default(),
                    )
                })
                .collect(),
            people: staff
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect(),
            projects: projects_opts,
            values,
            errors,
        },
    )
}

pub async fn rates(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<NoticeQuery>,
) -> Response {
    rates_page(
        &s,
        &page,
        q.notice.as_deref(),
        Values::default(),
        Errors::default(),
    )
    .await
}

pub async fn add_rate(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    rate_submit(s, page, body, false).await
}

pub async fn add_cost(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    rate_submit(s, page, body, true).await
}

/// The cost form's fields, named `cost_…` so that the rates page's two forms share no id, label
/// target, typed value or error.
#[derive(serde::Deserialize)]
struct CostForm {
    #[serde(default)]
    cost_user_id: String,
    #[serde(default)]
    cost_rate: String,
    #[serde(default)]
    cost_valid_from: String,
    cost_valid_to: Option<String>,
}

async fn rate_submit(s: AppState, page: Page, body: Bytes, cost: bool) -> Response {
    let form: Result<RateForm, Response> = if cost {
        page.form::<CostForm>(&body).map(|f| RateForm {
            user_id: f.cost_user_id,
            project_id: None,
            rate: f.cost_rate,
            valid_from: f.cost_valid_from,
            valid_to: f.cost_valid_to,
        })
    } else {
        page.form(&body)
    };
    let form = match form {
        Ok(f) => f,
        Err(r) => return r,
    };
    let r = if cost {
        mesure_services::people::costs::add_cost(&s.app, &page.ctx, &form)
            .await
            .map(|_| ())
    } else {
        projects::add_rate(&s.app, &page.ctx, &form)
            .await
            .map(|_| ())
    };
    match r {
        Ok(()) => see_other("/settings/rates", "rate-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let mut errors = Errors::from_invalid(page.ctx.language, &inv);
            if cost {
                errors = Errors(
                    errors
                        .0
                        .into_iter()
                        .map(|(field, e)| (format!("cost_{field}"), e))
                        .collect(),
                );
            }
            rates_page(&s, &page, None, Values::from_body(&body), errors).await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
struct CapacityForm {
    capacity_user_id: String,
    weekly_hours: String,
}

#[derive(serde::Deserialize)]
struct LeaveForm {
    leave_user_id: String,
    day: String,
    hours: String,
}

pub async fn set_capacity(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let f: CapacityForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(user) = mesure_domain::UserId::parse(&f.capacity_user_id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match mesure_services::people::availability::set_capacity(
        &s.app,
        &page.ctx,
        user,
        &f.weekly_hours,
    )
    .await
    {
        Ok(()) => see_other("/settings/rates", "capacity-saved"),
        Err(ServiceError::Invalid(inv)) => {
            rates_page(
                &s,
                &page,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn set_leave(State(s): State<AppState>, page: Page, body: Bytes) -> Response {
    let f: LeaveForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(user) = mesure_domain::UserId::parse(&f.leave_user_id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match mesure_services::people::availability::set_leave(
        &s.app, &page.ctx, user, &f.day, &f.hours,
    )
    .await
    {
        Ok(()) => see_other("/settings/rates", "leave-saved"),
        Err(ServiceError::Invalid(inv)) => {
            rates_page(
                &s,
                &page,
                None,
                Values::from_body(&body),
                Errors::from_invalid(page.ctx.language, &inv),
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}
