//! The dashboard: the workspace at a glance.
use crate::AppState;
use crate::html::{Base, NoticeQuery, error_page, render};
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use mesure_domain::{AuditAction, DashboardAction, SettingsAction, TimeAction};
use mesure_services::{audit, clients, clients::contacts, jobs};
use mesure_store::audit::AuditQuery;

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct Dashboard {
    base: Base,
    clients: i64,
    contacts: i64,
    archived_clients: i64,
    recent: Vec<crate::audit::text::AuditLine>,
    dead_jobs: Option<i64>,
    week: Option<MyWeek>,
}

/// The reader's own week: logged against capacity, the running timer, their projects' budgets.
pub struct MyWeek {
    pub monday: String,
    pub logged: String,
    pub capacity: String,
    pub width: i64,
    pub timer: Option<String>,
    /// (project id, name, burn, budget, bar width, level)
    pub projects: Vec<(String, String, String, String, i64, &'static str)>,
}

async fn my_week(
    s: &AppState,
    page: &Page,
) -> Result<Option<MyWeek>, mesure_services::ServiceError> {
    use mesure_domain::projects::engagement::{day_key, week_start};
    if !page.ctx.may(TimeAction::Log) {
        return Ok(None);
    }
    let lang = page.ctx.language;
    let monday = week_start(mesure_services::time::today_date(&s.app, &page.ctx));
    let next = monday
        .checked_add(jiff::Span::new().days(7))
        .unwrap_or(monday);
    let (_, _, logged) = mesure_services::time::page(
        &s.app,
        &page.ctx,
        mesure_store::time::EntryQuery {
            user: Some(page.ctx.user.uuid()),
            from: Some(day_key(monday)),
            to: Some(day_key(next)),
            limit: 1,
            ..Default::default()
        },
    )
    .await?;
    let capacity =
        mesure_services::people::availability::weekly_capacity(&s.app, &page.ctx).await?;
    let projects = mesure_services::radar::my_projects(&s.app, &page.ctx).await?;
    let ratio = (capacity > 0)
        .then(|| rust_decimal::Decimal::from(logged) / rust_decimal::Decimal::from(capacity));
    Ok(Some(MyWeek {
        monday: monday.to_string(),
        logged: crate::html::fmt::hours(lang, logged),
        capacity: crate::html::fmt::hours(lang, capacity),
        width: crate::html::fmt::bar_width(ratio),
        // The frame already read the running timer with its project's name.
        timer: page.frame.timer.as_ref().map(|tm| {
            mesure_i18n::t_args(
                lang,
                "time-timer-running",
                &[
                    (
                        "time",
                        mesure_i18n::Arg::Str(&mesure_i18n::datetime(
                            lang,
                            mesure_store::ts(tm.started_at),
                            &page.ctx.time_zone,
                        )),
                    ),
                    ("project", mesure_i18n::Arg::Str(&tm.project)),
                ],
            )
        }),
        projects: projects
            .iter()
            .map(|h| {
                (
                    h.project.id.to_string(),
                    h.project.name.clone(),
                    h.burn_hours
                        .map(|b| crate::html::fmt::pct(lang, Some(b)))
                        .unwrap_or_default(),
                    h.budget
                        .minutes
                        .map(|b| crate::html::fmt::hours(lang, b))
                        .unwrap_or_default(),
                    crate::html::fmt::bar_width(h.burn_hours),
                    match h.burn_hours {
                        Some(b) if b >= rust_decimal::Decimal::ONE => "over",
                        Some(b) if b >= rust_decimal::Decimal::new(8, 1) => "warn",
                        _ => "",
                    },
                )
            })
            .collect(),
    }))
}

pub async fn page(State(s): State<AppState>, page: Page, Query(q): Query<NoticeQuery>) -> Response {
    if !page.ctx.may(DashboardAction::View) {
        return axum::response::Redirect::to("/portal").into_response();
    }
    let result = async {
        let active = mesure_store::clients::ListQuery {
            limit: 1,
            ..Default::default()
        };
        let archived = mesure_store::clients::ListQuery {
            limit: 1,
            archive: mesure_store::ArchiveFilter::Archived,
            ..Default::default()
        };
        let (_, _, n_clients) = clients::list(&s.app, &page.ctx, &active).await?;
        let (_, _, n_archived) = clients::list(&s.app, &page.ctx, &archived).await?;
        let (_, _, n_contacts) = contacts::list(
            &s.app,
            &page.ctx,
            &mesure_store::clients::contacts::ListQuery {
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
        let recent = if page.ctx.may(AuditAction::Read) {
            audit::list(
                &s.app,
                &page.ctx,
                &AuditQuery {
                    limit: 8,
                    ..Default::default()
                },
            )
            .await?
            .0
        } else {
            vec![]
        };
        let dead = if page.ctx.may(SettingsAction::ReadJobs) {
            let counts = jobs::counts(&s.app, &page.ctx).await?;
            Some(
                counts
                    .iter()
                    .find(|(st, _)| st == "dead")
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            )
        } else {
            None
        };
        Ok::<_, mesure_services::ServiceError>((n_clients, n_archived, n_contacts, recent, dead))
    }
    .await;
    match result {
        Ok((clients, archived_clients, contacts, recent, dead_jobs)) => {
            let base = Base::new(&page, "dashboard-title", "/dashboard", "/dashboard")
                .with_notice(q.notice.as_deref());
            let recent = match crate::audit::text::lines(&s, &page, &base, recent).await {
                Ok(r) => r,
                Err(e) => return error_page(&page, e),
            };
            let week = match my_week(&s, &page).await {
                Ok(w) => w,
                Err(e) => return error_page(&page, e),
            };
            render(&Dashboard {
                week,
                base,
                clients,
                contacts,
                archived_clients,
                recent,
                dead_jobs,
            })
        }
        Err(e) => error_page(&page, e),
    }
}
