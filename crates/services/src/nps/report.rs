//! NPS over a period — per client, per segment and overall, with the number of answers and the
//! participation — and the satisfaction-vs-margin view: each client with enough answers placed
//! by NPS against its margin and over-servicing, in the quadrants of the workspace's band.
use crate::{App, Ctx, Result};
use mesure_domain::nps::{Band, Quadrant, Tally, participation, place};
use mesure_domain::projects::engagement::{day_from_key, month_key, year_month};
use mesure_domain::{Invalid, NpsAction, RadarAction};
use mesure_store::nps as store;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// An NPS with what it rests on; `nps` is `None` below five answers ("not enough answers").
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Figure {
    pub answers: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    pub nps: Option<i32>,
    pub sent: i64,
    pub answered: i64,
    /// Answered ÷ sent, % (invitations sent in the period).
    pub participation: Option<Decimal>,
}

impl Figure {
    fn of(t: &Tally, sent: i64, answered: i64) -> Figure {
        Figure {
            answers: t.answers(),
            promoters: t.promoters,
            passives: t.passives,
            detractors: t.detractors,
            nps: t.nps(),
            sent,
            answered,
            participation: participation(sent, answered),
        }
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ClientNps {
    pub client_id: Uuid,
    pub client_name: String,
    pub segment: Option<String>,
    pub figure: Figure,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct SegmentNps {
    /// `None`: clients without a segment.
    pub segment: Option<String>,
    pub figure: Figure,
}

/// NPS over `[from, to]` (days, both included, in the workspace's time zone).
#[derive(Clone, Debug, serde::Serialize)]
pub struct NpsReport {
    pub from: i32,
    pub to: i32,
    pub overall: Figure,
    pub segments: Vec<SegmentNps>,
    /// Clients with an answer or an invitation in the period, by name.
    pub clients: Vec<ClientNps>,
}

/// Microseconds of the start of day `d` (`YYYYMMDD`) in the context's zone.
fn start_us(ctx: &Ctx, d: i32) -> i64 {
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    day_from_key(d)
        .and_then(|d| d.to_zoned(tz).ok())
        .map_or(0, |z| z.timestamp().as_microsecond())
}

fn next_day(d: i32) -> i32 {
    day_from_key(d)
        .and_then(|d| d.tomorrow().ok())
        .map_or(d + 1, mesure_domain::projects::engagement::day_key)
}

/// Checks a period of days: both valid, `from` ≤ `to`.
pub fn period(from: i32, to: i32) -> Result<()> {
    if day_from_key(from).is_none() {
        return Err(Invalid::one("from", "err-date").into());
    }
    if day_from_key(to).is_none() {
        return Err(Invalid::one("to", "err-date").into());
    }
    if to < from {
        return Err(Invalid::one("to", "err-end-before-start").into());
    }
    Ok(())
}

pub async fn report(app: &App, ctx: &Ctx, from: i32, to: i32) -> Result<NpsReport> {
    ctx.require(NpsAction::Read)?;
    period(from, to)?;
    let (a, b) = (start_us(ctx, from), start_us(ctx, next_day(to)));
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let per: BTreeMap<Uuid, (Tally, i64, i64)> = store::tallies(c, ctx.workspace, a, b)
        .await?
        .into_iter()
        .map(|(id, t, sent, answered)| (id, (t, sent, answered)))
        .collect();
    let ids: Vec<Uuid> = per.keys().copied().collect();
    let info: HashMap<Uuid, (String, Option<String>)> =
        mesure_store::clients::names_segments_of(c, ctx.workspace, &ids)
            .await?
            .into_iter()
            .map(|(id, name, seg)| (id, (name, seg)))
            .collect();
    let mut overall = (Tally::default(), 0, 0);
    let mut segs: BTreeMap<Option<String>, (Tally, i64, i64)> = BTreeMap::new();
    let mut clients = Vec::new();
    for (id, (t, s, n)) in per {
        let (name, segment) = info.get(&id).cloned().unwrap_or_default();
        overall.0.merge(&t);
        overall.1 += s;
        overall.2 += n;
        let e = segs.entry(segment.clone()).or_default();
        e.0.merge(&t);
        e.1 += s;
        e.2 += n;
        clients.push(ClientNps {
            client_id: id,
            client_name: name,
            segment,
            figure: Figure::of(&t, s, n),
        });
    }
    clients.sort_by(|x, y| {
        x.client_name
            .cmp(&y.client_name)
            .then(x.client_id.cmp(&y.client_id))
    });
    Ok(NpsReport {
        from,
        to,
        overall: Figure::of(&overall.0, overall.1, overall.2),
        segments: segs
            .into_iter()
            .map(|(segment, (t, s, n))| SegmentNps {
                segment,
                figure: Figure::of(&t, s, n),
            })
            .collect(),
        clients,
    })
}

/// A client on the satisfaction-vs-margin view.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Point {
    pub client_id: Uuid,
    pub client_name: String,
    pub nps: i32,
    pub answers: i64,
    pub revenue: i64,
    pub margin: i64,
    /// Margin ÷ revenue, % with one decimal.
    pub margin_pct: Decimal,
    pub over_servicing: i64,
    pub quadrant: Quadrant,
    pub in_band: bool,
    /// The desk's CSAT of the client's tickets answered in the period (answers 4–5 ÷ answers ×
    /// 100, one decimal); `None` without an answer.
    pub csat: Option<Decimal>,
    pub csat_answers: i64,
}

/// A client left off the view, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LeftOff {
    pub client_id: Uuid,
    pub client_name: String,
    pub answers: i64,
    /// `not_enough_answers` or `no_revenue`.
    pub reason: &'static str,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Satisfaction {
    /// Months `[from_month, to_month)` (`YYYYMM`): margins of those months, answers given in them.
    pub from_month: i32,
    pub to_month: i32,
    pub band: Band,
    pub points: Vec<Point>,
    pub left_off: Vec<LeftOff>,
}

/// The view over the months `[from, to)`; the margins are the radar's (revenue − cost).
pub async fn satisfaction(app: &App, ctx: &Ctx, from: i32, to: i32) -> Result<Satisfaction> {
    ctx.require(NpsAction::Read)?;
    ctx.require(RadarAction::View)?;
    if to <= from
        || year_month(from).month as i32 != from % 100
        || year_month(to).month as i32 != to % 100
    {
        return Err(Invalid::one("to", "err-end-before-start").into());
    }
    let (a, b) = (
        start_us(ctx, from * 100 + 1),
        start_us(ctx, month_key(year_month(to)) * 100 + 1),
    );
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let band = store::band(c, ctx.workspace).await?;
    let tallies = store::tallies(c, ctx.workspace, a, b).await?;
    let money: HashMap<Uuid, (i64, i64, i64)> =
        mesure_store::radar::totals::client_margins(c, ctx.workspace, from, to)
            .await?
            .into_iter()
            .map(|(id, revenue, cost, over)| (id, (revenue, cost, over)))
            .collect();
    let tallies: Vec<(Uuid, Tally)> = tallies
        .into_iter()
        .filter(|t| t.1.answers() > 0)
        .map(|t| (t.0, t.1))
        .collect();
    let ids: Vec<Uuid> = tallies.iter().map(|t| t.0).collect();
    let names: HashMap<Uuid, String> =
        mesure_store::clients::names_segments_of(c, ctx.workspace, &ids)
            .await?
            .into_iter()
            .map(|(id, name, _)| (id, name))
            .collect();
    // CSAT of the desk's satisfaction answers in the same period, per client: (good, answers).
    let mut csat: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for r in mesure_store::desk::csat::answers(c, ctx.workspace, a, b).await? {
        let e = csat.entry(r.client_id).or_default();
        e.0 += i64::from(r.score >= 4);
        e.1 += 1;
    }
    let mut points = Vec::new();
    let mut left_off = Vec::new();
    for (id, t) in tallies {
        let name = names.get(&id).cloned().unwrap_or_default();
        let Some(nps) = t.nps() else {
            left_off.push(LeftOff {
                client_id: id,
                client_name: name,
                answers: t.answers(),
                reason: "not_enough_answers",
            });
            continue;
        };
        let Some(&(revenue, cost, over)) = money.get(&id).filter(|m| m.0 > 0) else {
            left_off.push(LeftOff {
                client_id: id,
                client_name: name,
                answers: t.answers(),
                reason: "no_revenue",
            });
            continue;
        };
        let margin = revenue - cost;
        let pct = (Decimal::from(margin) * Decimal::from(100) / Decimal::from(revenue)).round_dp(1);
        let (quadrant, in_band) = place(&band, nps, pct);
        points.push(Point {
            client_id: id,
            client_name: name,
            nps,
            answers: t.answers(),
            revenue,
            margin,
            margin_pct: pct,
            over_servicing: over,
            quadrant,
            in_band,
            csat: csat.get(&id).filter(|c| c.1 > 0).map(|&(good, n)| {
                (Decimal::from(good) * Decimal::from(100) / Decimal::from(n)).round_dp(1)
            }),
            csat_answers: csat.get(&id).map_or(0, |c| c.1),
        });
    }
    points.sort_by(|x, y| {
        x.client_name
            .cmp(&y.client_name)
            .then(x.client_id.cmp(&y.client_id))
    });
    left_off.sort_by(|x, y| x.client_name.cmp(&y.client_name));
    Ok(Satisfaction {
        from_month: from,
        to_month: to,
        band,
        points,
        left_off,
    })
}
