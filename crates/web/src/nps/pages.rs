//! Staff pages of the NPS module: results over a period (overall, per segment, per client, CSV),
//! the satisfaction-vs-margin scatter with the band's form, and a client's survey settings.
use crate::AppState;
use crate::html::fmt;
use crate::html::period::Period;
use crate::html::{Base, Errors, Values, error_page, parse_id, render, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::nps::{Band, Quadrant};
use mesure_domain::{Language, NpsAction};
use mesure_services::ServiceError;
use mesure_services::nps::report::{self, Figure, NpsReport, Satisfaction};
use mesure_services::nps::{self, BandInput, ScheduleInput};
use uuid::Uuid;

use crate::html::period::{PeriodQuery, period_of, period_or_default};

/// An NPS figure for the reader: the score or "not enough answers", counts, participation.
pub struct FigureLine {
    pub nps: String,
    pub enough: bool,
    pub answers: i64,
    pub split: String,
    pub participation: String,
}

pub fn nps_text(lang: Language, nps: Option<i32>) -> String {
    match nps {
        Some(v) if v > 0 => format!("+{v}"),
        Some(v) => v.to_string(),
        None => mesure_i18n::t(lang, "nps-not-enough"),
    }
}

fn line(lang: Language, f: &Figure) -> FigureLine {
    FigureLine {
        nps: nps_text(lang, f.nps),
        enough: f.nps.is_some(),
        answers: f.answers,
        split: mesure_i18n::t_args(
            lang,
            "nps-split",
            &[
                ("promoters", mesure_i18n::Arg::Num(f.promoters)),
                ("passives", mesure_i18n::Arg::Num(f.passives)),
                ("detractors", mesure_i18n::Arg::Num(f.detractors)),
            ],
        ),
        participation: match f.participation {
            Some(p) => format!(
                "{} ({}/{})",
                fmt::pct(lang, Some(p / rust_decimal::Decimal::from(100))),
                f.answered,
                f.sent
            ),
            None => mesure_i18n::t(lang, "radar-no-data"),
        },
    }
}

#[derive(Template)]
#[template(path = "nps/overview.html")]
struct OverviewPage {
    base: Base,
    period: Period,
    periods: Vec<(&'static str, String, bool)>,
    period_label: String,
    query: String,
    error: Option<String>,
    overall: FigureLine,
    segments: Vec<(String, FigureLine)>,
    clients: Vec<(String, String, String, FigureLine)>,
    can_manage: bool,
    can_see_margin: bool,
}

pub async fn overview(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let lang = page.ctx.language;
    let (period, error) = period_or_default(&s, &page, &q);
    let last = mesure_domain::projects::engagement::day_key(period.last_day());
    let r: NpsReport = match report::report(&s.app, &page.ctx, period.from_key(), last).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let no_segment = mesure_i18n::t(lang, "nps-no-segment");
    render(&OverviewPage {
        base: Base::new(&page, "nps-title", "/nps", "/nps").with_notice(q.notice.as_deref()),
        periods: period.options(lang),
        period_label: period.label(lang),
        query: period.query(),
        error,
        overall: line(lang, &r.overall),
        segments: r
            .segments
            .iter()
            .map(|x| {
                (
                    x.segment.clone().unwrap_or_else(|| no_segment.clone()),
                    line(lang, &x.figure),
                )
            })
            .collect(),
        clients: r
            .clients
            .iter()
            .map(|c| {
                (
                    c.client_id.to_string(),
                    c.client_name.clone(),
                    c.segment.clone().unwrap_or_else(|| "—".into()),
                    line(lang, &c.figure),
                )
            })
            .collect(),
        can_manage: page.ctx.may(NpsAction::Manage),
        can_see_margin: page.ctx.may(mesure_domain::RadarAction::View),
        period,
    })
}

/// The clients' NPS of the period as CSV (one row per client, the overall last).
pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let period = match period_of(&s, &page, &q) {
        Ok(p) => p,
        Err(key) => {
            return error_page(
                &page,
                ServiceError::Invalid(mesure_domain::Invalid::one("from", key)),
            );
        }
    };
    let last = mesure_domain::projects::engagement::day_key(period.last_day());
    let r = match report::report(&s.app, &page.ctx, period.from_key(), last).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let lang = page.ctx.language;
    let mut w = mesure_services::csv_out::writer_for(lang);
    let _ = w.header(&[
        "client",
        "segment",
        "answers",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "surveys_sent",
        "surveys_answered",
    ]);
    let row = |name: String, seg: String, f: &Figure| {
        [
            name,
            seg,
            f.answers.to_string(),
            f.promoters.to_string(),
            f.passives.to_string(),
            f.detractors.to_string(),
            f.nps.map(|v| v.to_string()).unwrap_or_default(),
            f.sent.to_string(),
            f.answered.to_string(),
        ]
    };
    for c in &r.clients {
        let _ = w.write_record(row(
            c.client_name.clone(),
            c.segment.clone().unwrap_or_default(),
            &c.figure,
        ));
    }
    let _ = w.write_record(row(
        mesure_i18n::t(lang, "nps-overall"),
        String::new(),
        &r.overall,
    ));
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    crate::html::csv_response(
        &format!("nps-{}-{}.csv", period.from, period.last_day()),
        body,
    )
}

/// A point of the scatter, positioned and labelled.
pub struct Dot {
    pub href: String,
    pub cx: String,
    pub cy: String,
    pub class: &'static str,
    pub title: String,
    pub name: String,
}

/// The scatter's geometry: NPS −100..100 across, margin −50..100 % up (clamped at the edges).
const W: f64 = 640.0;
const H: f64 = 400.0;
const PAD_L: f64 = 56.0;
const PAD_B: f64 = 40.0;
const PAD_T: f64 = 12.0;
const PAD_R: f64 = 12.0;
const M_MIN: f64 = -50.0;
const M_MAX: f64 = 100.0;

fn x_of(nps: f64) -> f64 {
    PAD_L + (nps.clamp(-100.0, 100.0) + 100.0) / 200.0 * (W - PAD_L - PAD_R)
}
fn y_of(margin: f64) -> f64 {
    let m = margin.clamp(M_MIN, M_MAX);
    PAD_T + (M_MAX - m) / (M_MAX - M_MIN) * (H - PAD_T - PAD_B)
}

/// The chart's frame: axes with ticks and labels, the band as a shaded rectangle, the quadrant
/// lines.
pub struct Frame {
    pub w: f64,
    pub h: f64,
    pub x_ticks: Vec<(String, String)>,
    pub y_ticks: Vec<(String, String)>,
    pub band: (String, String, String, String),
    pub low_x: String,
    pub min_y: String,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
}

fn frame(band: &Band) -> Frame {
    let f = |v: f64| format!("{v:.1}");
    let bx = x_of(f64::from(band.nps_low));
    let bw = x_of(f64::from(band.nps_high)) - bx;
    let by = y_of(M_MAX);
    let bh = y_of(f64::from(band.margin_min)) - by;
    Frame {
        w: W,
        h: H,
        x_ticks: (-100..=100)
            .step_by(25)
            .map(|v| (f(x_of(f64::from(v))), v.to_string()))
            .collect(),
        y_ticks: (-50..=100)
            .step_by(25)
            .map(|v| (f(y_of(f64::from(v))), format!("{v} %")))
            .collect(),
        band: (f(bx), f(by), f(bw.max(0.0)), f(bh.max(0.0))),
        low_x: f(bx),
        min_y: f(y_of(f64::from(band.margin_min))),
        left: f(PAD_L),
        right: f(W - PAD_R),
        top: f(PAD_T),
        bottom: f(H - PAD_B),
    }
}

fn quadrant_class(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Healthy => "q-healthy",
        Quadrant::OverServed => "q-over",
        Quadrant::AtRisk => "q-risk",
        Quadrant::ToRethink => "q-rethink",
    }
}

#[derive(Template)]
#[template(path = "nps/satisfaction.html")]
struct SatisfactionPage {
    base: Base,
    period: Period,
    periods: Vec<(&'static str, String, bool)>,
    period_label: String,
    error: Option<String>,
    frame: Frame,
    dots: Vec<Dot>,
    rows: Vec<SatisfactionRow>,
    left_off: Vec<(String, String, String)>,
    counts: Vec<(String, usize)>,
    band_text: String,
    can_manage: bool,
    values: Values,
    errors: Errors,
}

/// A client's line: id, name, NPS, answers, margin, over-servicing, quadrant, CSAT.
type SatisfactionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn satisfaction_page(
    page: &Page,
    (period, error): (Period, Option<String>),
    v: &Satisfaction,
    values: Values,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    let cur = page.ctx.workspace_currency.code();
    let dec = |d: rust_decimal::Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let quadrant_name = |q: Quadrant| t(&format!("nps-quadrant-{}", q.as_str()));
    let pct1 = |d: rust_decimal::Decimal| format!("{}\u{a0}%", mesure_i18n::number(lang, d, 1));
    let dots = v
        .points
        .iter()
        .map(|p| Dot {
            href: format!("/clients/{}", p.client_id),
            cx: format!("{:.1}", x_of(f64::from(p.nps))),
            cy: format!("{:.1}", y_of(dec(p.margin_pct))),
            class: quadrant_class(p.quadrant),
            title: mesure_i18n::t_args(
                lang,
                "nps-dot-title",
                &[
                    ("name", mesure_i18n::Arg::Str(&p.client_name)),
                    ("nps", mesure_i18n::Arg::Str(&nps_text(lang, Some(p.nps)))),
                    ("margin", mesure_i18n::Arg::Str(&pct1(p.margin_pct))),
                    (
                        "over",
                        mesure_i18n::Arg::Str(&fmt::money(lang, p.over_servicing, cur)),
                    ),
                    (
                        "quadrant",
                        mesure_i18n::Arg::Str(&quadrant_name(p.quadrant)),
                    ),
                ],
            ),
            name: p.client_name.clone(),
        })
        .collect();
    let rows = v
        .points
        .iter()
        .map(|p| {
            (
                p.client_id.to_string(),
                p.client_name.clone(),
                nps_text(lang, Some(p.nps)),
                p.answers.to_string(),
                pct1(p.margin_pct),
                fmt::money(lang, p.over_servicing, cur),
                if p.in_band {
                    format!("{} · {}", quadrant_name(p.quadrant), t("nps-in-band"))
                } else {
                    quadrant_name(p.quadrant)
                },
                match p.csat {
                    Some(c) => format!("{} ({})", pct1(c), p.csat_answers),
                    None => t("radar-no-data"),
                },
            )
        })
        .collect();
    let counts = [
        Quadrant::Healthy,
        Quadrant::OverServed,
        Quadrant::AtRisk,
        Quadrant::ToRethink,
    ]
    .into_iter()
    .map(|q| {
        (
            quadrant_name(q),
            v.points.iter().filter(|p| p.quadrant == q).count(),
        )
    })
    .collect();
    let band_text = mesure_i18n::t_args(
        lang,
        "nps-band-text",
        &[
            ("low", mesure_i18n::Arg::Num(i64::from(v.band.nps_low))),
            ("high", mesure_i18n::Arg::Num(i64::from(v.band.nps_high))),
            (
                "margin",
                mesure_i18n::Arg::Num(i64::from(v.band.margin_min)),
            ),
        ],
    );
    let mut values = values;
    for (k, n) in [
        ("nps_low", v.band.nps_low),
        ("nps_high", v.band.nps_high),
        ("margin_min", v.band.margin_min),
    ] {
        if !values.has(k) {
            values.set(k, Some(&n.to_string()));
        }
    }
    render_status(
        status,
        &SatisfactionPage {
            base: Base::new(page, "nps-satisfaction-title", "/nps", "/nps/satisfaction")
                .with_notice(notice),
            periods: period.options(lang),
            period_label: period.months_label(lang),
            error,
            frame: frame(&v.band),
            dots,
            rows,
            left_off: v
                .left_off
                .iter()
                .map(|l| {
                    (
                        l.client_id.to_string(),
                        l.client_name.clone(),
                        mesure_i18n::t_args(
                            lang,
                            &format!("nps-left-{}", l.reason.replace('_', "-")),
                            &[("count", mesure_i18n::Arg::Num(l.answers))],
                        ),
                    )
                })
                .collect(),
            counts,
            band_text,
            can_manage: page.ctx.may(NpsAction::Manage),
            values,
            errors,
            period,
        },
    )
}

async fn load_satisfaction(
    s: &AppState,
    page: &Page,
    q: &PeriodQuery,
) -> Result<(Period, Option<String>, Satisfaction), ServiceError> {
    let (period, error) = period_or_default(s, page, q);
    let (from, to) = period.months();
    let v = report::satisfaction(&s.app, &page.ctx, from, to).await?;
    Ok((period, error, v))
}

pub async fn satisfaction(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PeriodQuery>,
) -> Response {
    match load_satisfaction(&s, &page, &q).await {
        Ok((period, error, v)) => satisfaction_page(
            &page,
            (period, error),
            &v,
            Values::default(),
            Errors::default(),
            StatusCode::OK,
            q.notice.as_deref(),
        ),
        Err(e) => error_page(&page, e),
    }
}

pub async fn save_band(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: BandInput = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match nps::save_band(&s.app, &page.ctx, &f).await {
        Ok(_) => see_other("/nps/satisfaction", "nps-band-saved"),
        Err(ServiceError::Invalid(inv)) => {
            match load_satisfaction(&s, &page, &PeriodQuery::default()).await {
                Ok((period, error, v)) => satisfaction_page(
                    &page,
                    (period, error),
                    &v,
                    Values::from_body(&body),
                    Errors::from_invalid(page.ctx.language, &inv),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                ),
                Err(e) => error_page(&page, e),
            }
        }
        Err(e) => error_page(&page, e),
    }
}

/// A recipient checkbox.
pub struct RecipientLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub checked: bool,
    pub can: bool,
}

/// An invitation in the client's list.
pub struct SentLine {
    pub contact: String,
    pub sent: String,
    pub reminded: String,
    pub answered: String,
    pub score: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "nps/client.html")]
struct ClientPage {
    base: Base,
    id: String,
    name: String,
    recipients: Vec<RecipientLine>,
    sent: Vec<SentLine>,
    values: Values,
    errors: Errors,
    every_options: Vec<(String, String)>,
}

fn client_page(
    page: &Page,
    v: &nps::ClientSurveys,
    values: Option<Values>,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let lang = page.ctx.language;
    let from_form = values.is_some();
    let mut vals = values.unwrap_or_default();
    let chosen: Vec<String> = if from_form {
        vals.get("contacts")
            .split(',')
            .map(str::to_string)
            .collect()
    } else {
        vals.set(
            "every_months",
            Some(&v.every_months.unwrap_or(0).to_string()),
        );
        vals.set("next_on", v.next_on.map(|d| fmt::iso(Some(d))).as_deref());
        v.recipients
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.contact_id.to_string())
            .collect()
    };
    let mut base = Base::new(page, "nps-client-title", "/nps", "/nps").with_notice(notice);
    base.title = mesure_i18n::t_args(
        lang,
        "nps-client-title-of",
        &[("name", mesure_i18n::Arg::Str(&v.client_name))],
    );
    let when = |us: i64| base.dt(&us);
    let sent = v
        .sent
        .iter()
        .map(|x| SentLine {
            contact: x.contact.clone(),
            sent: when(x.sent_at),
            reminded: x.reminded_at.map(when).unwrap_or_else(|| "—".into()),
            answered: x.answered_at.map(when).unwrap_or_else(|| "—".into()),
            score: x.score.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
            comment: x.comment.clone().unwrap_or_default(),
        })
        .collect();
    let every_options = std::iter::once(("0".to_string(), mesure_i18n::t(lang, "nps-every-off")))
        .chain([1, 2, 3, 4, 6, 12].into_iter().map(|n| {
            (
                n.to_string(),
                mesure_i18n::t_args(
                    lang,
                    "nps-every-months",
                    &[("count", mesure_i18n::Arg::Num(n))],
                ),
            )
        }))
        .collect();
    render_status(
        status,
        &ClientPage {
            id: v.client_id.to_string(),
            name: v.client_name.clone(),
            recipients: v
                .recipients
                .iter()
                .map(|r| RecipientLine {
                    id: r.contact_id.to_string(),
                    name: r.name.clone(),
                    email: r.email.clone().unwrap_or_else(|| "—".into()),
                    checked: chosen.contains(&r.contact_id.to_string()),
                    can: r.email.as_deref().is_some_and(|e| !e.trim().is_empty()),
                })
                .collect(),
            sent,
            values: vals,
            errors,
            every_options,
            base,
        },
    )
}

fn id_of(page: &Page, raw: &str) -> Result<Uuid, Response> {
    parse_id(page, raw, |r| Uuid::parse_str(r.trim()).ok())
}

pub async fn client(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let id = match id_of(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match nps::client_surveys(&s.app, &page.ctx, id).await {
        Ok(v) => client_page(
            &page,
            &v,
            None,
            Errors::default(),
            StatusCode::OK,
            q.notice.as_deref(),
        ),
        Err(e) => error_page(&page, e),
    }
}

/// The schedule form: repeated `contacts` fields are the chosen recipients.
fn schedule_input(pairs: Vec<(String, String)>) -> ScheduleInput {
    let mut i = ScheduleInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "every_months" => i.every_months = Some(v),
            "next_on" => i.next_on = Some(v),
            "contacts" => {
                if let Ok(id) = Uuid::parse_str(v.trim()) {
                    i.contacts.push(id);
                }
            }
            _ => {}
        }
    }
    i
}

pub async fn save_client(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match id_of(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let input = match page.form::<Vec<(String, String)>>(&body) {
        Ok(p) => schedule_input(p),
        Err(r) => return r,
    };
    match nps::save_client(&s.app, &page.ctx, id, &input).await {
        Ok(()) => see_other(&format!("/nps/clients/{id}"), "nps-schedule-saved"),
        Err(ServiceError::Invalid(inv)) => match nps::client_surveys(&s.app, &page.ctx, id).await {
            Ok(v) => {
                let mut values = Values::from_body(&body);
                values.set(
                    "contacts",
                    Some(
                        &input
                            .contacts
                            .iter()
                            .map(Uuid::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                );
                client_page(
                    &page,
                    &v,
                    Some(values),
                    Errors::from_invalid(page.ctx.language, &inv),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                )
            }
            Err(e) => error_page(&page, e),
        },
        Err(e) => error_page(&page, e),
    }
}

pub async fn send_now(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match id_of(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<Vec<(String, String)>>(&body) {
        return r;
    }
    match nps::send_now(&s.app, &page.ctx, id).await {
        Ok(_) => see_other(&format!("/nps/clients/{id}"), "nps-sent"),
        Err(ServiceError::Invalid(inv)) => match nps::client_surveys(&s.app, &page.ctx, id).await {
            Ok(v) => client_page(
                &page,
                &v,
                None,
                Errors::from_invalid(page.ctx.language, &inv),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            ),
            Err(e) => error_page(&page, e),
        },
        Err(e) => error_page(&page, e),
    }
}
