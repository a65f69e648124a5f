//! The over-servicing radar pages: the dashboard (worst offenders first, with sparklines), a
//! client's roll-up, people's utilisation, the alert list, rate cards, and their CSV exports.
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, error_page, parse_id, render};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use mesure_domain::ClientsAction;
use mesure_domain::projects::engagement::{BillingModel, month_key, year_month};
use mesure_domain::{ClientId, Language};
use mesure_services::ServiceError;
use mesure_services::radar::{self, Figures2};

pub struct ClientLine {
    pub id: String,
    pub name: String,
    pub hours: String,
    pub revenue: String,
    pub over: String,
    pub over_share: String,
    pub margin: String,
    pub margin_negative: bool,
    pub rate: String,
    pub share: String,
    pub share_alarm: bool,
    pub spark: String,
    pub trend_flag: bool,
    /// Net billed for the work (issued invoices less credit notes).
    pub billed: String,
    /// Billed ÷ billable value at standard rates.
    pub realisation: String,
    /// Earned revenue not yet billed.
    pub wip: String,
}

/// Billing errors over the radar's period, for readers of invoices: (rate, "n of m invoices",
/// amount credited).
pub struct ErrorsLine {
    pub rate: String,
    pub count: String,
    pub credited: String,
    pub alarm: bool,
}

/// Billing errors of the workspace or a client between two days (`YYYYMMDD`), shown only to
/// readers of invoices.
async fn errors_line(
    s: &AppState,
    page: &Page,
    client: Option<uuid::Uuid>,
    from: i32,
    to: i32,
) -> Result<Option<ErrorsLine>, ServiceError> {
    if !page.ctx.may(mesure_domain::InvoicingAction::Read) {
        return Ok(None);
    }
    let lang = page.ctx.language;
    let e = mesure_services::invoicing::billing_errors(&s.app, &page.ctx, client, from, to).await?;
    Ok(Some(ErrorsLine {
        rate: fmt::pct(lang, e.rate),
        count: mesure_i18n::t_args(
            lang,
            "billing-errors-count",
            &[
                ("errors", mesure_i18n::Arg::Num(e.errors)),
                ("invoices", mesure_i18n::Arg::Num(e.invoices)),
            ],
        ),
        credited: fmt::money(lang, e.credited_minor, page.ctx.workspace_currency.code()),
        alarm: e.errors > 0,
    }))
}

pub struct PersonLine {
    pub name: String,
    pub billable: String,
    pub available: String,
    pub utilisation: String,
    pub width: i64,
    pub link: String,
}

#[derive(Template)]
#[template(path = "radar/dashboard.html")]
struct DashboardPage {
    base: Base,
    period: crate::html::period::Period,
    period_label: String,
    periods: Vec<(&'static str, String, bool)>,
    clients: Vec<ClientLine>,
    total_hours: String,
    total_revenue: String,
    total_over: String,
    total_margin: String,
    total_billed: String,
    total_realisation: String,
    total_wip: String,
    errors: Option<ErrorsLine>,
    concentration: String,
    over_limit: String,
    people: Vec<PersonLine>,
    alerts: Vec<(String, String)>,
}

#[allow(clippy::too_many_arguments)]
fn client_line(
    lang: Language,
    currency: &str,
    id: uuid::Uuid,
    name: String,
    f: &Figures2,
    share: Option<rust_decimal::Decimal>,
    spark: String,
    flag: bool,
) -> ClientLine {
    let money = |m: i64| fmt::money(lang, m, currency);
    ClientLine {
        id: id.to_string(),
        name,
        hours: fmt::hours(lang, f.minutes),
        revenue: money(f.revenue),
        over: money(f.over_servicing),
        over_share: fmt::pct(lang, f.over_servicing_share),
        margin: money(f.margin),
        margin_negative: f.margin < 0,
        rate: f
            .effective_rate
            .map(money)
            .unwrap_or_else(|| mesure_i18n::t(lang, "radar-no-data")),
        share: fmt::pct(lang, share),
        share_alarm: share.is_some_and(|s| s > mesure_domain::radar::concentration_limit()),
        spark,
        trend_flag: flag,
        billed: money(f.billed_value),
        realisation: fmt::pct(lang, f.realisation),
        wip: money(f.unbilled_wip),
    }
}

/// The radar's period: any period of the picker (default: the last twelve months), in months.
#[derive(serde::Deserialize, Default)]
pub struct RadarQuery {
    pub notice: Option<String>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn radar_period(
    s: &AppState,
    page: &Page,
    q: &RadarQuery,
) -> Result<crate::html::period::Period, ServiceError> {
    let today = mesure_services::time::today_date(&s.app, &page.ctx);
    crate::html::period::Period::parse(
        q.period.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
        today,
        "last_12_months",
    )
    .map_err(|code| ServiceError::Invalid(mesure_domain::Invalid::one("from", code)))
}

pub async fn dashboard(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<RadarQuery>,
) -> Response {
    let lang = page.ctx.language;
    let cur = page.ctx.workspace_currency.code().to_string();
    let period = match radar_period(&s, &page, &q) {
        Ok(p) => p,
        Err(e) => return error_page(&page, e),
    };
    let (this, next) = period.months();
    let result = async {
        let d = radar::dashboard_between(&s.app, &page.ctx, this, next, 25).await?;
        let u = radar::utilisation(&s.app, &page.ctx, this, next).await?;
        let (alerts, _) = mesure_services::notifications::notifications(&s.app, &page.ctx).await?;
        // Day 0 of the month after the period: before its first day, after the period's last.
        let errors = errors_line(&s, &page, None, this * 100 + 1, next * 100).await?;
        Ok::<_, ServiceError>((d, u, alerts, errors))
    }
    .await;
    let (d, u, alerts, errors) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let money = |m: i64| fmt::money(lang, m, &cur);
    let t = |k: &str| mesure_i18n::t(lang, k);
    let clients = d
        .clients
        .iter()
        .map(|c| {
            let label = format!(
                "{} — {} / {}",
                c.client_name,
                t("radar-hours"),
                t("radar-revenue")
            );
            client_line(
                lang,
                &cur,
                c.client_id,
                c.client_name.clone(),
                &c.figures,
                c.revenue_share,
                crate::html::svg::sparkline(&c.monthly_minutes, &c.monthly_revenue, &label),
                c.trend.is_some_and(|t| t.flagged),
            )
        })
        .collect();
    let concentration = match (d.top3_share, d.hhi) {
        (Some(top3), Some(hhi)) => mesure_i18n::t_args(
            lang,
            "radar-concentration",
            &[
                ("top3", mesure_i18n::Arg::Str(&fmt::pct(lang, Some(top3)))),
                (
                    "hhi",
                    mesure_i18n::Arg::Str(&mesure_i18n::number(lang, hhi, 0)),
                ),
            ],
        ),
        _ => String::new(),
    };
    let over_limit = if d.clients_over_limit > 0 {
        mesure_i18n::t_args(
            lang,
            "radar-over-limit",
            &[(
                "count",
                mesure_i18n::Arg::Num(i64::try_from(d.clients_over_limit).unwrap_or(0)),
            )],
        )
    } else {
        String::new()
    };
    let people = u
        .iter()
        .map(|p| PersonLine {
            name: p.name.clone(),
            billable: fmt::hours(lang, p.billable_minutes),
            available: fmt::hours(lang, p.available_minutes),
            utilisation: fmt::pct(lang, p.utilisation),
            width: fmt::bar_width(p.utilisation),
            link: format!(
                "/time/entries?user_id={}&from={}&to={}&kind=billable",
                p.user_id,
                period.month_span().0,
                period.month_span().1
            ),
        })
        .collect();
    let alerts = alerts
        .iter()
        .take(5)
        .map(|n| {
            (
                n.link.clone(),
                crate::notifications::pages::notification_text(lang, n),
            )
        })
        .collect();
    render(&DashboardPage {
        base: Base::new(&page, "radar-title", "/radar", "/radar").with_notice(q.notice.as_deref()),
        periods: period.options(lang),
        period_label: period.months_label(lang),
        period,
        clients,
        total_hours: fmt::hours(lang, d.total.minutes),
        total_revenue: money(d.total.revenue),
        total_over: money(d.total.over_servicing),
        total_margin: money(d.total.margin),
        total_billed: money(d.total.billed_value),
        total_realisation: fmt::pct(lang, d.total.realisation),
        total_wip: money(d.total.unbilled_wip),
        errors,
        concentration,
        over_limit,
        people,
        alerts,
    })
}

/// The radar ranking as CSV.
pub async fn dashboard_csv(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<RadarQuery>,
) -> Response {
    let (from, to) = match radar_period(&s, &page, &q) {
        Ok(p) => p.months(),
        Err(e) => return error_page(&page, e),
    };
    match radar::dashboard_between(&s.app, &page.ctx, from, to, 100_000).await {
        Ok(d) => {
            let mut w = mesure_services::csv_out::writer_for(page.ctx.language);
            let _ = w.header(&[
                "client_id",
                "client",
                "minutes",
                "billable_minutes",
                "revenue",
                "cost",
                "margin",
                "free_value",
                "written_off_value",
                "over_servicing",
                "over_servicing_share",
                "revenue_share",
                "effective_rate",
                "trend_flagged",
                "billed_value",
                "realisation",
                "unbilled_wip",
            ]);
            let currency = page.ctx.workspace_currency;
            let minor = |v: i64| Money::from_minor(v, currency).to_decimal_string();
            for c in &d.clients {
                let f = &c.figures;
                let d = |v: String| w.decimal(&v);
                let record = [
                    c.client_id.to_string(),
                    c.client_name.clone(),
                    f.minutes.to_string(),
                    f.billable_minutes.to_string(),
                    d(minor(f.revenue)),
                    d(minor(f.cost)),
                    d(minor(f.margin)),
                    d(minor(f.free_value)),
                    d(minor(f.written_off_value)),
                    d(minor(f.over_servicing)),
                    d(f.over_servicing_share
                        .map(|x| x.round_dp(4).to_string())
                        .unwrap_or_default()),
                    d(c.revenue_share
                        .map(|x| x.round_dp(4).to_string())
                        .unwrap_or_default()),
                    d(f.effective_rate.map(minor).unwrap_or_default()),
                    c.trend.map(|t| w.yes_no(t.flagged)).unwrap_or_default(),
                    d(minor(f.billed_value)),
                    d(f.realisation
                        .map(|x| x.round_dp(4).to_string())
                        .unwrap_or_default()),
                    d(minor(f.unbilled_wip)),
                ];
                let _ = w.write_record(record);
            }
            csv_response("radar.csv", w)
        }
        Err(e) => error_page(&page, e),
    }
}

use mesure_domain::Money;

fn csv_response(name: &str, w: mesure_services::csv_out::SafeCsv) -> Response {
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Month-by-month figures as CSV (a project's or a client's).
pub fn months_csv_response(
    lang: mesure_domain::Language,
    currency: mesure_domain::Currency,
    name: &str,
    rows: &[(i32, &Figures2)],
) -> Response {
    let minor = |v: i64| Money::from_minor(v, currency).to_decimal_string();
    let mut w = mesure_services::csv_out::writer_for(lang);
    let _ = w.header(&[
        "month",
        "minutes",
        "billable_minutes",
        "billed_minutes",
        "unplanned_minutes",
        "free_minutes",
        "written_off_minutes",
        "value",
        "billable_value",
        "free_value",
        "written_off_value",
        "revenue",
        "cost",
        "margin",
        "over_servicing",
        "billed_value",
        "realisation",
        "unbilled_wip",
    ]);
    for (m, f) in rows {
        let d = |v: i64| w.decimal(&minor(v));
        let record = [
            format!("{}-{:02}", m / 100, m % 100),
            f.minutes.to_string(),
            f.billable_minutes.to_string(),
            f.billed_minutes.to_string(),
            f.unplanned_minutes.to_string(),
            f.free_minutes.to_string(),
            f.written_off_minutes.to_string(),
            d(f.value),
            d(f.billable_value),
            d(f.free_value),
            d(f.written_off_value),
            d(f.revenue),
            d(f.cost),
            d(f.margin),
            d(f.over_servicing),
            d(f.billed_value),
            f.realisation
                .map(|x| w.decimal(&x.round_dp(4).to_string()))
                .unwrap_or_default(),
            d(f.unbilled_wip),
        ];
        let _ = w.write_record(record);
    }
    csv_response(name, w)
}

#[derive(Template)]
#[template(path = "radar/client.html")]
struct ClientPage {
    base: Base,
    id: String,
    line: ClientLine,
    trend: String,
    projects: Vec<(String, String, String, String, String, String)>,
    months: Vec<(String, Vec<String>)>,
    chart: String,
    /// Whether the reader may open the client's record (a separate page from this radar view).
    client_record: bool,
    /// Over-servicing by component: (label, value, entries link or empty).
    components: Vec<(String, String, String)>,
    /// Billing errors over the last twelve months (readers of invoices).
    errors: Option<ErrorsLine>,
    /// The reader may open the client's invoices.
    invoices: bool,
    /// Its portal questions (readers of clients).
    questions: Option<crate::portal::questions::ClientQuestions>,
}

pub async fn client(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let lang = page.ctx.language;
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let today = mesure_services::invoicing::today(&s.app, &page.ctx);
    let result = async {
        let r = radar::client(&s.app, &page.ctx, id).await?;
        let errors = errors_line(&s, &page, Some(id.uuid()), today - 10_000, today).await?;
        let questions = if page.ctx.may(ClientsAction::Read) {
            Some(crate::portal::questions::client_summary(&s, &page, id.uuid()).await?)
        } else {
            None
        };
        Ok::<_, ServiceError>((r, errors, questions))
    }
    .await;
    let (r, errors, questions) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let cur = page.ctx.workspace_currency.code().to_string();
    let money = |m: i64| fmt::money(lang, m, &cur);
    let t = |k: &str| mesure_i18n::t(lang, k);
    // Every month from the first with data to the last; a month without data is a gap.
    let (mut mins, mut revs) = (Vec::new(), Vec::new());
    if let (Some((first, _)), Some((last, _))) = (r.months.first(), r.months.last()) {
        let mut ym = year_month(*first);
        while month_key(ym) <= *last && mins.len() < 120 {
            let f = r
                .months
                .iter()
                .find(|(m, _)| *m == month_key(ym))
                .map(|(_, f)| f);
            mins.push(f.map(|f| f.minutes));
            revs.push(f.map(|f| f.revenue));
            ym = ym.next();
        }
    }
    let chart = crate::html::svg::sparkline(
        &mins,
        &revs,
        &format!("{} / {}", t("radar-hours"), t("radar-revenue")),
    );
    let trend = match r.trend {
        Some(tr) => format!(
            "{} {} · {} {}{}",
            t("radar-hours"),
            fmt::pct(lang, Some(tr.hours_change)),
            t("radar-revenue"),
            fmt::pct(lang, tr.revenue_change),
            if tr.flagged {
                format!(" — {}", t("radar-trend-flag"))
            } else {
                String::new()
            }
        ),
        None => t("radar-no-data"),
    };
    let line = client_line(
        lang,
        &cur,
        r.client_id,
        r.client_name.clone(),
        &r.totals,
        r.revenue_share,
        String::new(),
        r.trend.is_some_and(|t| t.flagged),
    );
    let mut base = Base::new(&page, "radar-title", "/radar", "/radar");
    base.title = r.client_name.clone();
    let tot = &r.totals;
    let unbilled: i64 = r
        .projects
        .iter()
        .filter(|(p, _)| p.billing_model != BillingModel::FixedFee)
        .map(|(_, f)| f.unbilled_scope_value)
        .sum();
    let cid = r.client_id;
    let components = vec![
        (
            t("radar-over-free"),
            money(tot.free_value),
            format!("/time/entries?client_id={cid}&kind=free"),
        ),
        (
            t("radar-over-written-off"),
            money(tot.written_off_value),
            format!("/time/entries?client_id={cid}&kind=written_off"),
        ),
        (
            t("radar-over-unbilled-scope-client"),
            money(unbilled),
            format!("/time/entries?client_id={cid}&kind=unbilled_scope"),
        ),
        (
            t("radar-over-contract"),
            money(tot.over_servicing - tot.free_value - tot.written_off_value - unbilled),
            String::new(),
        ),
    ];
    render(&ClientPage {
        questions,
        components,
        errors,
        invoices: page.ctx.may(mesure_domain::InvoicingAction::Read),
        client_record: page.ctx.may(ClientsAction::Read),
        base,
        id: r.client_id.to_string(),
        line,
        trend,
        projects: r
            .projects
            .iter()
            .map(|(p, f)| {
                (
                    p.id.to_string(),
                    p.name.clone(),
                    fmt::hours(lang, f.minutes),
                    money(f.revenue),
                    money(f.margin),
                    money(f.over_servicing),
                )
            })
            .collect(),
        months: r
            .months
            .iter()
            .rev()
            .map(|(m, f)| {
                (
                    fmt::month(lang, *m),
                    vec![
                        fmt::hours(lang, f.minutes),
                        money(f.revenue),
                        money(f.cost),
                        money(f.free_value + f.written_off_value),
                        money(f.over_servicing),
                    ],
                )
            })
            .collect(),
        chart,
    })
}

pub async fn client_csv(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, ClientId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match radar::client(&s.app, &page.ctx, id).await {
        Ok(r) => {
            let rows: Vec<(i32, &Figures2)> = r.months.iter().map(|(m, f)| (*m, f)).collect();
            months_csv_response(
                page.ctx.language,
                page.ctx.workspace_currency,
                &format!("client-{}.csv", r.client_id),
                &rows,
            )
        }
        Err(e) => error_page(&page, e),
    }
}

/// Billable utilisation over the radar's period (default: the last twelve months) as CSV.
pub async fn utilisation_csv(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<RadarQuery>,
) -> Response {
    let period = match radar_period(&s, &page, &q) {
        Ok(p) => p,
        Err(e) => return error_page(&page, e),
    };
    let (this, next) = period.months();
    let label = period.months_label(page.ctx.language);
    match radar::utilisation(&s.app, &page.ctx, this, next).await {
        Ok(rows) => {
            let mut w = mesure_services::csv_out::writer_for(page.ctx.language);
            let _ = w.header(&[
                "user_id",
                "person",
                "period",
                "minutes",
                "billable_minutes",
                "available_minutes",
                "utilisation",
            ]);
            for r in rows {
                let utilisation = w.decimal(
                    &r.utilisation
                        .map(|u| u.round_dp(4).normalize().to_string())
                        .unwrap_or_default(),
                );
                let _ = w.write_record([
                    r.user_id.to_string(),
                    r.name,
                    label.clone(),
                    r.minutes.to_string(),
                    r.billable_minutes.to_string(),
                    r.available_minutes.to_string(),
                    utilisation,
                ]);
            }
            csv_response("utilisation.csv", w)
        }
        Err(e) => error_page(&page, e),
    }
}
