//! Settings pages: own profile and password, workspace, users, API tokens, background jobs.
use crate::AppState;
use crate::html::{
    Base, Errors, Values, currency_options, error_page, language_options, render, render_status,
    see_other,
};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::SettingsAction;
use mesure_i18n::t;
use mesure_services::workspaces::SettingsForm;
use mesure_services::{ServiceError, jobs, workspaces};

#[derive(Template)]
#[template(path = "settings/workspace.html")]
struct WorkspacePage {
    base: Base,
    values: Values,
    errors: Errors,
    currencies: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    tls: Vec<(String, String)>,
    has_password: bool,
    /// The operator lets workspaces use their own SMTP server (else the fields are hidden).
    smtp_allowed: bool,
}

async fn workspace_page(
    s: &AppState,
    page: &Page,
    values: Option<Values>,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let w = match workspaces::get(&s.app, &page.ctx).await {
        Ok(w) => w,
        Err(e) => return error_page(page, e),
    };
    let values = values.unwrap_or_else(|| {
        let mut v = Values::default();
        v.set("name", Some(&w.name));
        v.set("currency", Some(w.currency.code()));
        v.set("time_zone", Some(&w.time_zone));
        v.set("language", Some(w.language.as_str()));
        v.set("mail_from", w.mail_from.as_deref());
        v.set("smtp_host", w.smtp_host.as_deref());
        v.set("smtp_port", w.smtp_port.map(|p| p.to_string()).as_deref());
        v.set("smtp_tls", Some(&w.smtp_tls));
        v.set("smtp_username", w.smtp_username.as_deref());
        v
    });
    let lang = page.ctx.language;
    let tls = ["starttls", "tls", "none"]
        .iter()
        .map(|m| (m.to_string(), t(lang, &format!("smtp-tls-{m}"))))
        .collect();
    render_status(
        status,
        &WorkspacePage {
            base: Base::new(
                page,
                "workspace-title",
                "/settings/workspace",
                "/settings/workspace",
            )
            .with_notice(notice),
            values,
            errors,
            currencies: currency_options(),
            languages: language_options(lang),
            tls,
            has_password: w.smtp_password.is_some(),
            smtp_allowed: s.app.mail_policy.allow_workspace_smtp,
        },
    )
}

pub async fn workspace(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    if let Err(e) = page.ctx.require(SettingsAction::ManageWorkspace) {
        return error_page(&page, e);
    }
    workspace_page(
        &s,
        &page,
        None,
        Errors::default(),
        StatusCode::OK,
        q.notice.as_deref(),
    )
    .await
}

pub async fn workspace_save(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: SettingsForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match workspaces::update(&s.app, &page.ctx, &form).await {
        Ok(_) => see_other("/settings/workspace", "workspace-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            workspace_page(
                &s,
                &page,
                Some(Values::from_body(&body)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings/jobs.html")]
struct JobsPage {
    base: Base,
    jobs: Vec<jobs::JobView>,
    counts: Vec<(String, i64)>,
    status: String,
    can_retry: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct JobsQuery {
    status: Option<String>,
    notice: Option<String>,
}

pub async fn jobs(State(s): State<AppState>, page: Page, Query(q): Query<JobsQuery>) -> Response {
    let status = q
        .status
        .clone()
        .filter(|s| ["queued", "running", "done", "dead"].contains(&s.as_str()));
    let list = match jobs::list(&s.app, &page.ctx, status.as_deref()).await {
        Ok(l) => l,
        Err(e) => return error_page(&page, e),
    };
    let counts = crate::section!(&page, jobs::counts(&s.app, &page.ctx).await);
    render(&JobsPage {
        base: Base::new(&page, "jobs-title", "/settings/jobs", "/settings/jobs")
            .with_notice(q.notice.as_deref()),
        jobs: list,
        counts,
        status: status.unwrap_or_default(),
        can_retry: page.ctx.may(SettingsAction::ManageWorkspace),
    })
}

pub async fn job_retry(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match jobs::retry(&s.app, &page.ctx, id).await {
        Ok(()) => see_other("/settings/jobs", "job-retried"),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings/calendar.html")]
struct CalendarPage {
    base: Base,
    values: Values,
    errors: Errors,
    /// (field, weekday label) Monday first.
    days: Vec<(&'static str, String)>,
    french_holidays: bool,
    /// Never saved: the French office week is in use.
    default: bool,
}

fn calendar_page(
    page: &Page,
    form: &mesure_domain::calendar::form::CalendarForm,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
    default: bool,
) -> Response {
    use mesure_domain::calendar::form::DAYS;
    let lang = page.ctx.language;
    let mut values = Values::default();
    values.set("time_zone", Some(&form.time_zone));
    for (k, d) in DAYS.iter().zip(form.days()) {
        values.set(k, d);
    }
    values.set("days_off", form.days_off.as_deref());
    let days = DAYS
        .iter()
        .map(|k| (*k, t(lang, &format!("field-{}", k.replace('_', "-")))))
        .collect();
    render_status(
        status,
        &CalendarPage {
            base: Base::new(
                page,
                "calendar-title",
                "/settings/calendar",
                "/settings/calendar",
            )
            .with_notice(notice),
            values,
            errors,
            days,
            french_holidays: form.french_holidays.is_some(),
            default,
        },
    )
}

/// The workspace's business calendar: hours per weekday, time zone, holidays.
pub async fn calendar(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    match mesure_services::portal::calendar::get(&s.app, &page.ctx).await {
        Ok((form, saved)) => calendar_page(
            &page,
            &form,
            Errors::default(),
            StatusCode::OK,
            q.notice.as_deref(),
            !saved,
        ),
        Err(e) => error_page(&page, e),
    }
}

pub async fn calendar_save(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: mesure_domain::calendar::form::CalendarForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match mesure_services::portal::calendar::save(&s.app, &page.ctx, &form).await {
        Ok(_) => see_other("/settings/calendar", "calendar-saved"),
        Err(ServiceError::Invalid(inv)) => calendar_page(
            &page,
            &form,
            Errors::from_invalid(page.ctx.language, &inv),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            false,
        ),
        Err(e) => error_page(&page, e),
    }
}
