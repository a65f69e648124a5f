//! The monthly value report as a page and a PDF: for a contact, their own organisation
//! (`/portal/report`); for staff, any client of the workspace (`/clients/{id}/value-report`).
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, error_page, parse_id, render};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mesure_domain::ClientId;
use mesure_services::ServiceError;
use mesure_services::portal::value_report::{self, ValueReport};
use uuid::Uuid;

#[derive(serde::Deserialize, Default)]
pub struct MonthQuery {
    pub month: Option<String>,
}

/// `YYYY-MM` as `YYYYMM`; absent or empty: the last complete month.
fn month_of(page: &Page, s: &AppState, q: &MonthQuery) -> Result<i32, ServiceError> {
    let bad = || ServiceError::Invalid(mesure_domain::Invalid::one("month", "err-month"));
    match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => {
            let today = mesure_services::time::today_date(&s.app, &page.ctx);
            let last = today.first_of_month().yesterday().unwrap_or(today);
            Ok(i32::from(last.year()) * 100 + i32::from(last.month()))
        }
        Some(m) => {
            let (y, mo) = m.split_once('-').ok_or_else(bad)?;
            let (y, mo): (i32, i32) = (
                y.parse().map_err(|_| bad())?,
                mo.parse().map_err(|_| bad())?,
            );
            if y.to_string().len() != 4 || !(1..=12).contains(&mo) {
                return Err(bad());
            }
            let month = y * 100 + mo;
            value_report::days_of(month)?;
            Ok(month)
        }
    }
}

#[derive(Template)]
#[template(path = "portal/value_report.html")]
struct ReportPage {
    base: Base,
    action: String,
    month: String,
    pdf: String,
    /// The period and the month's hours, in a sentence.
    summary: String,
    total: String,
    money: bool,
    /// (project, deliverable, day)
    completed: Vec<(String, String, String)>,
    /// (project, deliverable or "other work", hours)
    hours: Vec<(String, String, String)>,
    /// (project, hours used of budget, money used of budget)
    budgets: Vec<(String, String, String)>,
    /// (project, included, carried in, used, left, overrun)
    retainers: Vec<[String; 6]>,
    /// (project, hours, value)
    free: Vec<(String, String, String)>,
    /// (project, title, decision, day, by, extra hours)
    changes: Vec<[String; 6]>,
    /// (link, title, status)
    questions: Vec<(String, String, (String, &'static str))>,
}

fn page_of(page: &Page, r: &ValueReport, action: &str, staff: bool) -> ReportPage {
    let lang = page.ctx.language;
    let cur = r.currency.code();
    let day = |k: i32| fmt::day(lang, k);
    let (from, to) = value_report::days_of(r.month).unwrap_or((0, 0));
    let mut base = if staff {
        Base::new(page, "value-report-title", "/clients", action)
    } else {
        Base::new(page, "value-report-title", "/portal/report", action)
    };
    base.title = mesure_i18n::t_args(
        lang,
        "value-report-title-of",
        &[(
            "month",
            mesure_i18n::Arg::Str(&value_report::month_label(lang, r.month)),
        )],
    );
    let month = format!("{:04}-{:02}", r.month / 100, r.month % 100);
    let m = |v: Option<i64>| v.map(|v| fmt::money(lang, v, cur)).unwrap_or_default();
    ReportPage {
        action: action.to_string(),
        pdf: format!("{action}.pdf?month={month}"),
        summary: mesure_i18n::t_args(
            lang,
            "value-report-summary",
            &[
                ("from", mesure_i18n::Arg::Str(&day(from))),
                ("to", mesure_i18n::Arg::Str(&day(to))),
                (
                    "hours",
                    mesure_i18n::Arg::Str(&fmt::hours(lang, r.total_minutes)),
                ),
            ],
        ),
        total: fmt::hours(lang, r.total_minutes),
        money: r.money,
        completed: r
            .completed
            .iter()
            .map(|(p, d, on)| (p.clone(), d.clone(), day(*on)))
            .collect(),
        hours: r
            .hours
            .iter()
            .map(|h| {
                (
                    h.project.clone(),
                    h.deliverable
                        .clone()
                        .unwrap_or_else(|| mesure_i18n::t(lang, "value-report-other-work")),
                    fmt::hours(lang, h.minutes),
                )
            })
            .collect(),
        budgets: r
            .budgets
            .iter()
            .map(|b| {
                let hours = match b.budget_minutes {
                    Some(budget) => format!(
                        "{} / {}",
                        fmt::hours(lang, b.consumed_minutes),
                        fmt::hours(lang, budget)
                    ),
                    None => fmt::hours(lang, b.consumed_minutes),
                };
                let money = match (b.consumed_value, b.budget_money) {
                    (Some(v), Some(t)) => format!("{} / {}", m(Some(v)), m(Some(t))),
                    _ => String::new(),
                };
                (b.project.clone(), hours, money)
            })
            .collect(),
        retainers: r
            .retainers
            .iter()
            .map(|x| {
                [
                    x.project.clone(),
                    fmt::hours(lang, x.included),
                    fmt::hours(lang, x.carried_in),
                    fmt::hours(lang, x.used),
                    fmt::hours(lang, x.carried_out),
                    fmt::hours(lang, x.overrun),
                ]
            })
            .collect(),
        free: r
            .free
            .iter()
            .map(|(p, mins, v)| {
                (
                    p.clone(),
                    fmt::hours(lang, *mins),
                    if r.money { m(Some(*v)) } else { String::new() },
                )
            })
            .collect(),
        changes: r
            .changes
            .iter()
            .map(|c| {
                [
                    c.project.clone(),
                    c.title.clone(),
                    mesure_i18n::t(
                        lang,
                        if c.approved {
                            "value-report-approved"
                        } else {
                            "value-report-rejected"
                        },
                    ),
                    day(c.decided_on),
                    c.decided_by.clone().unwrap_or_default(),
                    fmt::hours(lang, c.extra_minutes),
                ]
            })
            .collect(),
        questions: r
            .open_questions
            .iter()
            .map(|q| {
                (
                    if staff {
                        format!("/questions/{}", q.id)
                    } else {
                        format!("/portal/questions/{}", q.id)
                    },
                    q.title.clone(),
                    crate::portal::questions::status_badge(lang, q.status),
                )
            })
            .collect(),
        month,
        base,
    }
}

async fn show(
    s: &AppState,
    page: &Page,
    client: Option<Uuid>,
    q: &MonthQuery,
    action: &str,
) -> Response {
    let got = async {
        let month = month_of(page, s, q)?;
        value_report::report(&s.app, &page.ctx, client, month).await
    }
    .await;
    match got {
        Ok(r) => render(&page_of(page, &r, action, client.is_some())),
        Err(e) => error_page(page, e),
    }
}

async fn pdf(s: &AppState, page: &Page, client: Option<Uuid>, q: &MonthQuery) -> Response {
    let got = async {
        let month = month_of(page, s, q)?;
        let r = value_report::report(&s.app, &page.ctx, client, month).await?;
        let today = mesure_services::invoicing::today(&s.app, &page.ctx);
        let bytes = value_report::pdf(&r, page.ctx.language, today)?;
        Ok::<_, ServiceError>((value_report::file_name(&r), bytes))
    }
    .await;
    match got {
        Ok((name, bytes)) => {
            crate::invoicing::api::pdf_response(name.trim_end_matches(".pdf"), bytes)
        }
        Err(e) => error_page(page, e),
    }
}

/// A contact's own organisation's report.
pub async fn portal(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<MonthQuery>,
) -> Response {
    show(&s, &page, None, &q, "/portal/report").await
}

pub async fn portal_pdf(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<MonthQuery>,
) -> Response {
    pdf(&s, &page, None, &q).await
}

/// Staff: a client's report.
pub async fn client(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<MonthQuery>,
) -> Response {
    match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => {
            let action = format!("/clients/{id}/value-report");
            show(&s, &page, Some(id.uuid()), &q, &action).await
        }
        Err(r) => r,
    }
}

pub async fn client_pdf(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<MonthQuery>,
) -> Response {
    match parse_id(&page, &id, ClientId::parse) {
        Ok(id) => pdf(&s, &page, Some(id.uuid()), &q).await,
        Err(r) => r,
    }
}
