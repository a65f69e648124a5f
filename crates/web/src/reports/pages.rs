//! Reports over any period: hours and money grouped by client, project, person or deliverable,
//! split by week or month, with a bar chart, links from every figure to its entries, and a CSV
//! export. The period, grouping and split live in the URL, so a report can be bookmarked.
use crate::AppState;
use crate::html::period::Period;
use crate::html::svg::{Bar, stacked_bars};
use crate::html::{Base, error_page, fmt};
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mesure_i18n::t;
use mesure_services::ServiceError;
use mesure_services::reports::{self, GroupBy, Report, Split, Sums};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub group: Option<String>,
    pub split: Option<String>,
}

/// One line of figures, formatted, with the links to the entries behind them.
pub struct Line {
    pub name: String,
    pub hours: String,
    pub billable: String,
    pub non_billable: String,
    pub billable_share: String,
    pub amount: String,
    pub free: String,
    pub written_off: String,
    pub cost: String,
    pub margin: String,
    /// `/time/entries?…` for this line (add `&kind=…` for a part).
    pub entries: String,
}

#[derive(Template)]
#[template(path = "reports/reports.html")]
struct ReportPage {
    base: Base,
    period: Period,
    periods: Vec<(&'static str, String, bool)>,
    period_label: String,
    group: &'static str,
    group_label: String,
    group_column: String,
    groups: Vec<(&'static str, String)>,
    split: &'static str,
    split_label: String,
    splits: Vec<(&'static str, String)>,
    query: String,
    total: Line,
    lines: Vec<Line>,
    buckets: Vec<Line>,
    chart: String,
    error: Option<String>,
}

/// The request's period, grouping and split (defaults: this month, by client, by week).
fn parse(
    s: &AppState,
    page: &Page,
    q: &ReportQuery,
) -> Result<(Period, GroupBy, Split), &'static str> {
    let today = mesure_services::time::today_date(&s.app, &page.ctx);
    let period = Period::parse(
        q.period.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
        today,
        "this_month",
    )?;
    let group = q
        .group
        .as_deref()
        .and_then(GroupBy::parse)
        .unwrap_or(GroupBy::Client);
    let split = q.split.as_deref().and_then(Split::parse).unwrap_or(
        if period
            .from
            .until(period.to)
            .map(|s| s.get_days())
            .unwrap_or(0)
            > 62
        {
            Split::Month
        } else {
            Split::Week
        },
    );
    Ok((period, group, split))
}

fn line(page: &Page, name: String, s: &Sums, entries: String) -> Line {
    let lang = page.ctx.language;
    let cur = page.ctx.workspace_currency.code();
    let money = |v: i64| fmt::money(lang, v, cur);
    let share = (s.minutes > 0).then(|| {
        rust_decimal::Decimal::from(s.billable_minutes) / rust_decimal::Decimal::from(s.minutes)
    });
    Line {
        name,
        hours: fmt::hours(lang, s.minutes),
        billable: fmt::hours(lang, s.billable_minutes),
        non_billable: fmt::hours(lang, s.non_billable_minutes),
        billable_share: fmt::pct(lang, share),
        amount: money(s.billable_value),
        free: format!(
            "{} · {}",
            fmt::hours(lang, s.free_minutes),
            money(s.free_value)
        ),
        written_off: format!(
            "{} · {}",
            fmt::hours(lang, s.written_off_minutes),
            money(s.written_off_value)
        ),
        cost: money(s.cost),
        margin: money(s.margin()),
        entries,
    }
}

/// The entries list filtered on a group and a date range `[from, to)`.
fn entries_link(
    group: GroupBy,
    key: Option<uuid::Uuid>,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> String {
    let filter = match (group, key) {
        (GroupBy::Client, Some(k)) => format!("&client_id={k}"),
        (GroupBy::Project, Some(k)) => format!("&project_id={k}"),
        (GroupBy::Person, Some(k)) => format!("&user_id={k}"),
        (GroupBy::Deliverable, Some(k)) => format!("&deliverable_id={k}"),
        (GroupBy::Deliverable, None) => "&kind=no_deliverable".to_string(),
        _ => String::new(),
    };
    format!("/time/entries?from={from}&to={to}{filter}")
}

fn bucket_label(lang: mesure_domain::Language, split: Split, from: jiff::civil::Date) -> String {
    match split {
        Split::Week => mesure_i18n::t_args(
            lang,
            "report-week-of",
            &[(
                "date",
                mesure_i18n::Arg::Str(&mesure_i18n::date(lang, from)),
            )],
        ),
        Split::Month => fmt::month(
            lang,
            mesure_domain::projects::engagement::month_of(
                mesure_domain::projects::engagement::day_key(from),
            ),
        ),
    }
}

fn view(page: &Page, r: &Report) -> (Line, Vec<Line>, Vec<Line>, String) {
    let lang = page.ctx.language;
    let none = t(lang, "report-no-deliverable");
    let total = line(
        page,
        t(lang, "report-total"),
        &r.total,
        entries_link(r.group, None, r.from, r.to),
    );
    let lines = r
        .groups
        .iter()
        .map(|g| {
            let name = if g.key.is_none() {
                none.clone()
            } else {
                g.name.clone()
            };
            line(
                page,
                name,
                &g.sums,
                entries_link(r.group, g.key, r.from, r.to),
            )
        })
        .collect();
    let buckets: Vec<Line> = r
        .buckets
        .iter()
        .map(|b| {
            let label = bucket_label(lang, r.split, b.from);
            match &b.sums {
                Some(s) => line(page, label, s, entries_link(r.group, None, b.from, b.to)),
                None => Line {
                    name: label,
                    hours: t(lang, "radar-no-data"),
                    billable: String::new(),
                    non_billable: String::new(),
                    billable_share: String::new(),
                    amount: String::new(),
                    free: String::new(),
                    written_off: String::new(),
                    cost: String::new(),
                    margin: String::new(),
                    entries: String::new(),
                },
            }
        })
        .collect();
    let bars: Vec<Bar> = r
        .buckets
        .iter()
        .map(|b| {
            let label = match r.split {
                Split::Week => fmt::weekday_day(lang, b.from),
                Split::Month => fmt::month(
                    lang,
                    mesure_domain::projects::engagement::month_of(
                        mesure_domain::projects::engagement::day_key(b.from),
                    ),
                ),
            };
            Bar {
                title: match &b.sums {
                    Some(s) => mesure_i18n::t_args(
                        lang,
                        "report-bar-title",
                        &[
                            (
                                "period",
                                mesure_i18n::Arg::Str(&bucket_label(lang, r.split, b.from)),
                            ),
                            (
                                "billable",
                                mesure_i18n::Arg::Str(&fmt::hours(lang, s.billable_minutes)),
                            ),
                            (
                                "other",
                                mesure_i18n::Arg::Str(&fmt::hours(
                                    lang,
                                    s.minutes - s.billable_minutes,
                                )),
                            ),
                        ],
                    ),
                    None => format!(
                        "{} — {}",
                        bucket_label(lang, r.split, b.from),
                        t(lang, "radar-no-data")
                    ),
                },
                label,
                values: b
                    .sums
                    .map(|s| (s.billable_minutes, s.minutes - s.billable_minutes)),
            }
        })
        .collect();
    let chart = stacked_bars(
        &bars,
        (
            &t(lang, "report-series-billable"),
            &t(lang, "report-series-other"),
        ),
        60,
        &|m| fmt::hours(lang, m),
        &t(lang, "report-chart-label"),
    );
    (total, lines, buckets, chart)
}

pub async fn page(State(s): State<AppState>, page: Page, Query(q): Query<ReportQuery>) -> Response {
    let lang = page.ctx.language;
    let base = Base::new(&page, "report-title", "/reports", "/reports");
    let (period, group, split, error) = match parse(&s, &page, &q) {
        Ok((p, g, sp)) => (p, g, sp, None),
        Err(code) => {
            let today = mesure_services::time::today_date(&s.app, &page.ctx);
            let p = Period::parse(Some("this_month"), None, None, today, "this_month").unwrap_or(
                Period {
                    name: "this_month".into(),
                    from: today,
                    to: today,
                },
            );
            (p, GroupBy::Client, Split::Week, Some(t(lang, code)))
        }
    };
    let report =
        match reports::report(&s.app, &page.ctx, period.from, period.to, group, split).await {
            Ok(r) => r,
            Err(e) => return error_page(&page, e),
        };
    let (total, lines, buckets, chart) = view(&page, &report);
    let query = format!(
        "{}&group={}&split={}",
        period.query(),
        group.as_str(),
        split.as_str()
    );
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    crate::html::render_status(
        status,
        &ReportPage {
            periods: period.options(lang),
            period_label: period.label(lang),
            base,
            period,
            group: group.as_str(),
            group_label: t(lang, &format!("report-group-{}", group.as_str())),
            group_column: t(lang, &format!("report-col-{}", group.as_str())),
            split_label: t(lang, &format!("report-split-{}", split.as_str())),
            groups: GroupBy::ALL
                .iter()
                .map(|g| (g.as_str(), t(lang, &format!("report-group-{}", g.as_str()))))
                .collect(),
            split: split.as_str(),
            splits: ["week", "month"]
                .iter()
                .map(|sp| (*sp, t(lang, &format!("report-split-{sp}"))))
                .collect(),
            query,
            total,
            lines,
            buckets,
            chart,
            error,
        },
    )
}

/// The report's groups as CSV in the reader's dialect (hours as decimals, amounts in currency).
pub async fn csv(State(s): State<AppState>, page: Page, Query(q): Query<ReportQuery>) -> Response {
    let (period, group, split) = match parse(&s, &page, &q) {
        Ok(v) => v,
        Err(code) => {
            return error_page(
                &page,
                ServiceError::Invalid(mesure_domain::Invalid::one("from", code)),
            );
        }
    };
    let r = match reports::report(&s.app, &page.ctx, period.from, period.to, group, split).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let lang = page.ctx.language;
    let mut w = mesure_services::csv_out::writer_for(lang);
    let _ = w.header(&[
        "group",
        "period",
        "hours",
        "billable_hours",
        "non_billable_hours",
        "billable_value",
        "free_value",
        "written_off_value",
        "cost",
        "margin",
    ]);
    let none = t(lang, "report-no-deliverable");
    let hours = |m: i64| fmt::plain_hours(Some(m));
    let currency = page.ctx.workspace_currency;
    let money = |v: i64| mesure_domain::Money::from_minor(v, currency).to_decimal_string();
    for g in &r.groups {
        let s = &g.sums;
        let record = [
            if g.key.is_none() {
                none.clone()
            } else {
                g.name.clone()
            },
            period.label(lang),
            w.decimal(&hours(s.minutes)),
            w.decimal(&hours(s.billable_minutes)),
            w.decimal(&hours(s.non_billable_minutes)),
            w.decimal(&money(s.billable_value)),
            w.decimal(&money(s.free_value)),
            w.decimal(&money(s.written_off_value)),
            w.decimal(&money(s.cost)),
            w.decimal(&money(s.margin())),
        ];
        let _ = w.write_record(record);
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"report-{}-{}.csv\"",
                    period.from,
                    period.last_day()
                ),
            ),
        ],
        body,
    )
        .into_response()
}
