//! `/api/v1/nps` (NPS over a period: overall, per segment, per client, with answers and
//! participation) and `/api/v1/nps/satisfaction` (the satisfaction-vs-margin view).
use crate::AppState;
use crate::api::{ApiQuery, err};
use crate::error::{ApiError, Problem};
use crate::session::ApiCaller;
use axum::Json;
use axum::extract::State;
use mesure_services::nps::report::{self, Figure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayRange {
    /// First day `YYYY-MM-DD` (default: the first day of the month eleven months ago)
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (default: today)
    pub to: Option<String>,
}

/// An NPS with what it rests on.
#[derive(Serialize, ToSchema)]
pub struct FigureOut {
    pub answers: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    /// −100..100; null below 5 answers ("not enough answers")
    pub nps: Option<i32>,
    /// Invitations sent in the period
    pub sent: i64,
    /// Of those, answered
    pub answered: i64,
    /// Answered ÷ sent × 100, one decimal, as a string; null when nothing was sent
    pub participation: Option<String>,
}

impl From<&Figure> for FigureOut {
    fn from(f: &Figure) -> FigureOut {
        FigureOut {
            answers: f.answers,
            promoters: f.promoters,
            passives: f.passives,
            detractors: f.detractors,
            nps: f.nps,
            sent: f.sent,
            answered: f.answered,
            participation: f.participation.map(|p| p.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SegmentOut {
    /// null: clients without a segment
    pub segment: Option<String>,
    pub figure: FigureOut,
}

#[derive(Serialize, ToSchema)]
pub struct ClientNpsOut {
    pub client_id: String,
    pub client_name: String,
    pub segment: Option<String>,
    pub figure: FigureOut,
}

#[derive(Serialize, ToSchema)]
pub struct NpsOut {
    /// `YYYY-MM-DD`
    pub from: String,
    /// `YYYY-MM-DD`, included
    pub to: String,
    pub overall: FigureOut,
    pub segments: Vec<SegmentOut>,
    pub clients: Vec<ClientNpsOut>,
}

fn day(
    s: Option<&str>,
    field: &str,
    lang: mesure_domain::Language,
) -> Result<Option<jiff::civil::Date>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| crate::api::bad_param(lang, field)),
    }
}

/// The default period: the twelve months up to today.
fn range(
    s: &AppState,
    c: &ApiCaller,
    r: &DayRange,
) -> Result<(jiff::civil::Date, jiff::civil::Date), ApiError> {
    let lang = c.ctx.language;
    let today = mesure_services::time::today_date(&s.app, &c.ctx);
    let from = day(r.from.as_deref(), "from", lang)?.unwrap_or_else(|| {
        today
            .first_of_month()
            .checked_sub(jiff::Span::new().months(11))
            .unwrap_or(today)
    });
    let to = day(r.to.as_deref(), "to", lang)?.unwrap_or(today);
    Ok((from, to))
}

/// NPS over a period, overall, per segment and per client; fewer than five answers give no score.
#[utoipa::path(get, path = "/api/v1/nps", tag = "nps", params(DayRange),
    responses((status = 200, description = "NPS of the period", body = NpsOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<DayRange>,
) -> Result<Json<NpsOut>, ApiError> {
    let (from, to) = range(&s, &c, &q)?;
    let key = mesure_domain::projects::engagement::day_key;
    let r = report::report(&s.app, &c.ctx, key(from), key(to))
        .await
        .map_err(|e| err(&c, e))?;
    Ok(Json(NpsOut {
        from: from.to_string(),
        to: to.to_string(),
        overall: (&r.overall).into(),
        segments: r
            .segments
            .iter()
            .map(|x| SegmentOut {
                segment: x.segment.clone(),
                figure: (&x.figure).into(),
            })
            .collect(),
        clients: r
            .clients
            .iter()
            .map(|x| ClientNpsOut {
                client_id: x.client_id.to_string(),
                client_name: x.client_name.clone(),
                segment: x.segment.clone(),
                figure: (&x.figure).into(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthRange {
    /// First month `YYYY-MM` (default: eleven months ago)
    pub from: Option<String>,
    /// Month after the last, `YYYY-MM` (default: next month)
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BandOut {
    pub nps_low: i32,
    pub nps_high: i32,
    /// Minimum margin, % of revenue
    pub margin_min: i32,
}

#[derive(Serialize, ToSchema)]
pub struct PointOut {
    pub client_id: String,
    pub client_name: String,
    pub nps: i32,
    pub answers: i64,
    pub revenue_minor: i64,
    pub margin_minor: i64,
    /// Margin ÷ revenue × 100, one decimal, as a string
    pub margin_pct: String,
    pub over_servicing_minor: i64,
    /// `healthy`, `over_served`, `at_risk`, `to_rethink`
    pub quadrant: String,
    /// Healthy and not above the band's NPS ceiling
    pub in_band: bool,
    /// The desk's CSAT for the client over the period (answers 4–5 ÷ answers × 100, one
    /// decimal, as a string); absent without an answer
    pub csat: Option<String>,
    /// Satisfaction answers behind `csat`
    pub csat_answers: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LeftOffOut {
    pub client_id: String,
    pub client_name: String,
    pub answers: i64,
    /// `not_enough_answers` or `no_revenue`
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct SatisfactionOut {
    /// `YYYY-MM`
    pub from: String,
    /// Month after the last, `YYYY-MM`
    pub to: String,
    pub band: BandOut,
    pub points: Vec<PointOut>,
    pub left_off: Vec<LeftOffOut>,
}

/// Each client with enough answers placed by NPS against its margin and over-servicing, in the
/// quadrants of the workspace's optimal band.
#[utoipa::path(get, path = "/api/v1/nps/satisfaction", tag = "nps", params(MonthRange),
    responses((status = 200, description = "The satisfaction-vs-margin view", body = SatisfactionOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn satisfaction(
    State(s): State<AppState>,
    c: ApiCaller,
    ApiQuery(q): ApiQuery<MonthRange>,
) -> Result<Json<SatisfactionOut>, ApiError> {
    let lang = c.ctx.language;
    let this = mesure_domain::projects::engagement::month_of(mesure_services::projects::today(
        &s.app, &c.ctx,
    ));
    let (dfrom, dto) = mesure_domain::radar::windows::window12(this);
    let parse = |v: Option<&str>, field: &str, default: i32| -> Result<i32, ApiError> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(m) => {
                crate::radar::api::parse_month(m).ok_or_else(|| crate::api::bad_param(lang, field))
            }
        }
    };
    let from = parse(q.from.as_deref(), "from", dfrom)?;
    let to = parse(q.to.as_deref(), "to", dto)?;
    let v = report::satisfaction(&s.app, &c.ctx, from, to)
        .await
        .map_err(|e| err(&c, e))?;
    let ym = |k: i32| format!("{:04}-{:02}", k / 100, k % 100);
    Ok(Json(SatisfactionOut {
        from: ym(v.from_month),
        to: ym(v.to_month),
        band: BandOut {
            nps_low: v.band.nps_low,
            nps_high: v.band.nps_high,
            margin_min: v.band.margin_min,
        },
        points: v
            .points
            .iter()
            .map(|p| PointOut {
                client_id: p.client_id.to_string(),
                client_name: p.client_name.clone(),
                nps: p.nps,
                answers: p.answers,
                revenue_minor: p.revenue,
                margin_minor: p.margin,
                margin_pct: p.margin_pct.to_string(),
                over_servicing_minor: p.over_servicing,
                quadrant: p.quadrant.as_str().into(),
                in_band: p.in_band,
                csat: p.csat.map(|c| c.to_string()),
                csat_answers: p.csat_answers,
            })
            .collect(),
        left_off: v
            .left_off
            .iter()
            .map(|l| LeftOffOut {
                client_id: l.client_id.to_string(),
                client_name: l.client_name.clone(),
                answers: l.answers,
                reason: l.reason.into(),
            })
            .collect(),
    }))
}
