//! The service KPIs of a period, as the KPI dictionary defines them, read from the ticket rows'
//! running aggregates (counters and business minutes kept on every write): volume by type and
//! category against the previous period and its trend, first response and resolution times,
//! first contact and first-line resolution, transfers, reopenings, complaints, abandonment,
//! SLA attainment per client and priority, requests per agent, and the backlog at the period's
//! end with its ageing buckets. A KPI with nothing to count is no data, never 0.
use crate::{App, Ctx, Result};
use jiff::civil::Date;
use mesure_domain::DeskAction;
use mesure_domain::desk::kpis::{AGE_BUCKETS, Ratio};
use mesure_domain::desk::sla::status_at;
use mesure_domain::desk::states::{Priority, TicketType};
use mesure_store::desk::kpis as store;
pub use mesure_store::desk::kpis::Scope;
use std::collections::HashMap;
use uuid::Uuid;

/// A period of whole days `[from, to)` in the workspace's time zone, as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: Date,
    /// Exclusive.
    pub to: Date,
    pub from_us: i64,
    pub to_us: i64,
}

/// The start of `d` in `tz`, in microseconds.
fn start_of(d: Date, tz: &jiff::tz::TimeZone) -> i64 {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_microsecond())
        .unwrap_or(0)
}

impl Span {
    pub fn new(from: Date, to: Date, time_zone: &str) -> Span {
        let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        Span {
            from,
            to,
            from_us: start_of(from, &tz),
            to_us: start_of(to, &tz),
        }
    }
    /// The period of the same number of days just before.
    pub fn previous(&self, time_zone: &str) -> Span {
        let days = (self.to - self.from).get_days();
        let from = self
            .from
            .checked_sub(jiff::Span::new().days(i64::from(days)))
            .unwrap_or(self.from);
        Span::new(from, self.from, time_zone)
    }
}

/// The trend's buckets: weeks (Monday first) for up to 14 weeks, months for up to 14 months,
/// else 12 equal runs of days; each (first day, exclusive end).
pub fn buckets(from: Date, to: Date) -> Vec<(Date, Date)> {
    let cut = |next: &dyn Fn(Date) -> Date| {
        let mut out = Vec::new();
        let mut d = from;
        while d < to && out.len() <= store::MAX_BUCKETS {
            let e = next(d).min(to);
            out.push((d, e));
            d = e;
        }
        out
    };
    let weeks = cut(&|d: Date| {
        let ahead = 7 - i64::from(d.weekday().to_monday_zero_offset());
        d.checked_add(jiff::Span::new().days(ahead)).unwrap_or(to)
    });
    if weeks.len() <= store::MAX_BUCKETS {
        return weeks;
    }
    let months = cut(&|d: Date| {
        d.first_of_month()
            .checked_add(jiff::Span::new().months(1))
            .unwrap_or(to)
    });
    if months.len() <= store::MAX_BUCKETS {
        return months;
    }
    let days = i64::from((to - from).get_days()).max(1);
    let step = (days + 11) / 12;
    cut(&|d: Date| d.checked_add(jiff::Span::new().days(step)).unwrap_or(to))
}

/// A count in this period and the previous one.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Volume {
    pub current: i64,
    pub previous: i64,
}

impl Volume {
    /// The change in percent, one decimal; `None` when the previous period had none.
    pub fn change_pct(&self) -> Option<rust_decimal::Decimal> {
        Ratio {
            num: self.current - self.previous,
            den: self.previous,
        }
        .pct()
    }
}

/// The service KPIs of a period.
#[derive(Clone, Debug)]
pub struct Dashboard {
    pub span: Span,
    /// The tickets it counts.
    pub scope: Scope,
    pub created: i64,
    pub by_kind: Vec<(TicketType, Volume)>,
    /// (category or none, its path, volume), largest first.
    pub by_category: Vec<(Option<Uuid>, String, Volume)>,
    /// The trend: bucket (first day, end), tickets per type in `TicketType::ALL` order.
    pub trend: Vec<((Date, Date), Vec<i64>)>,
    pub first_response_median: Option<i64>,
    pub first_response_count: usize,
    pub resolution_median: Option<i64>,
    pub resolved: i64,
    pub first_contact: Ratio,
    pub first_line: Ratio,
    pub transferred: Ratio,
    pub reopened: Ratio,
    pub complaints: i64,
    pub abandonment: Ratio,
    pub sla: Ratio,
    pub sla_by_priority: Vec<(Priority, Ratio)>,
    /// (client, name, attainment), worst first.
    pub sla_by_client: Vec<(Uuid, String, Ratio)>,
    /// (agent or unassigned, name, resolved tickets), most first.
    pub per_agent: Vec<(Option<Uuid>, String, i64)>,
    /// Resolved tickets per agent who resolved any (one FTE each until the workforce module
    /// records FTEs), tenths.
    pub requests_per_agent: Option<rust_decimal::Decimal>,
    /// Tickets not resolved at the period's end per age bucket (`AGE_BUCKETS`).
    pub backlog: [i64; 5],
    /// CSAT: answers 4–5 / answers given in the period.
    pub csat: Ratio,
    /// Satisfaction questions sent in the period and answered.
    pub csat_participation: Ratio,
    /// CSAT per agent (the ticket's assignee), client and category: (id, name, ratio), by name.
    pub csat_by_agent: Vec<(Option<Uuid>, String, Ratio)>,
    pub csat_by_client: Vec<(Option<Uuid>, String, Ratio)>,
    pub csat_by_category: Vec<(Option<Uuid>, String, Ratio)>,
}

/// The `i`th figure of a sum (0 when absent).
fn at(v: &[i64], i: usize) -> i64 {
    v.get(i).copied().unwrap_or(0)
}

/// The created sums as rows per type and category (`None`: no category).
fn created_rows(s: &super::sums::Sums) -> Vec<store::CreatedRow> {
    s.created
        .iter()
        .map(|((kind, cat), v)| store::CreatedRow {
            kind: *kind,
            category_id: (!cat.is_nil()).then_some(*cat),
            n: at(v, 0),
            transferred: at(v, 1),
            calls: at(v, 2),
        })
        .collect()
}

/// CSAT per key, named and sorted by name.
fn csat_by(
    answers: &[mesure_store::desk::csat::AnswerRow],
    key: impl Fn(&mesure_store::desk::csat::AnswerRow) -> Option<Uuid>,
    name: impl Fn(Option<Uuid>) -> String,
) -> Vec<(Option<Uuid>, String, Ratio)> {
    let mut m: HashMap<Option<Uuid>, Ratio> = HashMap::new();
    for a in answers {
        let r = m.entry(key(a)).or_default();
        r.den += 1;
        if a.score >= 4 {
            r.num += 1;
        }
    }
    let mut v: Vec<(Option<Uuid>, String, Ratio)> =
        m.into_iter().map(|(k, r)| (k, name(k), r)).collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

/// A dashboard's narrowing as asked (a page's or the API's query): each blank is any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ScopeQuery {
    pub client_id: Option<String>,
    pub priority: Option<String>,
    pub kind: Option<String>,
    pub category_id: Option<String>,
    pub assignee_id: Option<String>,
}

/// The narrowing checked: each bad field is its error.
pub fn scope_of(q: &ScopeQuery) -> Result<Scope> {
    use mesure_domain::desk::forms::opt_choice as choice;
    let mut chk = mesure_domain::validate::Checker::new();
    let scope = Scope {
        client: mesure_domain::forms::opt_id(&mut chk, "client_id", &q.client_id),
        priority: choice(&mut chk, "priority", &q.priority, Priority::parse),
        kind: choice(&mut chk, "kind", &q.kind, TicketType::parse),
        category: mesure_domain::forms::opt_id(&mut chk, "category_id", &q.category_id),
        assignee: mesure_domain::forms::opt_id(&mut chk, "assignee_id", &q.assignee_id),
    };
    chk.finish()?;
    Ok(scope)
}

/// The dashboard of `[from, to)` (whole days in the workspace's zone).
pub async fn dashboard(app: &App, ctx: &Ctx, from: Date, to: Date) -> Result<Dashboard> {
    dashboard_in(app, ctx, from, to, &Scope::default()).await
}

/// The dashboard of `[from, to)` over the tickets of `scope`: the whole workspace from the
/// running totals; a narrowed one from its tickets read one by one, counted the same way.
/// Abandoned contacts follow a client narrowing; narrowed otherwise (they have no priority,
/// type or agent), abandonment is no data.
pub async fn dashboard_in(
    app: &App,
    ctx: &Ctx,
    from: Date,
    to: Date,
    scope: &Scope,
) -> Result<Dashboard> {
    ctx.require(DeskAction::Read)?;
    let span = Span::new(from, to, &ctx.time_zone);
    let prev = span.previous(&ctx.time_zone);
    let ws = ctx.workspace;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let narrowed = if scope.is_all() {
        None
    } else {
        Some(
            super::sums::scoped_read(c, ws, (prev.from_us, span.from_us, span.to_us), scope)
                .await?,
        )
    };
    let (now, then) = match &narrowed {
        None => (
            super::sums::sums(c, ws, span.from_us, span.to_us).await?,
            super::sums::sums(c, ws, prev.from_us, prev.to_us).await?,
        ),
        Some(n) => (
            n.sums(span.from_us, span.to_us, true),
            n.sums(prev.from_us, prev.to_us, false),
        ),
    };
    let created = created_rows(&now);
    let before = created_rows(&then);
    let resolved = &now.resolved;
    let (first_median, first_count) = super::sums::Sums::median(&now.first_response);
    let (resolution_median, _) = super::sums::Sums::median(&now.resolution);
    let abandoned_counted = Scope {
        client: None,
        ..*scope
    }
    .is_all();
    let abandoned = if abandoned_counted {
        store::abandoned(c, ws, span.from_us, span.to_us, scope.client).await?
    } else {
        0
    };
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let cuts = buckets(from, to);
    let mut ends: Vec<i64> = vec![span.from_us];
    ends.extend(cuts.iter().map(|(_, e)| start_of(*e, &tz)));
    let trend_rows = match &narrowed {
        None => super::sums::trend(c, ws, &ends).await?,
        Some(n) => n.trend(&ends),
    };
    // The backlog per age; a ticket reopened and changed since the period's end may have been
    // resolved at it: its history says, and it leaves its bucket.
    let mut backlog = store::backlog(c, ws, span.to_us, scope).await?;
    let end_ts = mesure_store::ts(span.to_us);
    for b in store::backlog_changed(c, ws, span.to_us, scope).await? {
        let events = mesure_store::desk::events(c, ws, b.id).await?;
        if !status_at(&super::clocks::changes(&events), end_ts).is_done() {
            continue;
        }
        let days = (span.to_us - b.created_at).div_euclid(86_400_000_000);
        let i = AGE_BUCKETS.iter().take_while(|k| days >= **k).count();
        if let Some(slot) = backlog.get_mut(i) {
            *slot -= 1;
        }
    }
    let names = super::views::names(c, ctx).await?;
    let answers: Vec<_> = mesure_store::desk::csat::answers(c, ws, span.from_us, span.to_us)
        .await?
        .into_iter()
        .filter(|a| {
            scope.client.is_none_or(|x| x == a.client_id)
                && scope.priority.is_none_or(|x| x == a.priority)
                && scope.kind.is_none_or(|x| x == a.kind)
                && scope.category.is_none_or(|x| Some(x) == a.category_id)
                && scope.assignee.is_none_or(|x| Some(x) == a.assignee_id)
        })
        .collect();
    let (sent, answered) =
        mesure_store::desk::csat::sent_in(c, ws, span.from_us, span.to_us, scope).await?;
    let scores: Vec<i32> = answers.iter().map(|a| a.score).collect();
    let csat_by_agent = csat_by(
        &answers,
        |a| a.assignee_id,
        |k| {
            k.and_then(|i| names.staff.get(&i).cloned())
                .unwrap_or_default()
        },
    );
    let csat_by_client = csat_by(
        &answers,
        |a| Some(a.client_id),
        |k| {
            k.and_then(|i| names.clients.get(&i).cloned())
                .unwrap_or_default()
        },
    );
    let csat_by_category = csat_by(
        &answers,
        |a| a.category_id,
        |k| {
            k.and_then(|i| super::views::category_path(&names.categories, i))
                .unwrap_or_default()
        },
    );

    let sum = |rows: &[store::CreatedRow], f: &dyn Fn(&store::CreatedRow) -> bool| -> i64 {
        rows.iter().filter(|r| f(r)).map(|r| r.n).sum()
    };
    let total_created = sum(&created, &|_| true);
    let by_kind = TicketType::ALL
        .iter()
        .map(|k| {
            (
                *k,
                Volume {
                    current: sum(&created, &|r| r.kind == *k),
                    previous: sum(&before, &|r| r.kind == *k),
                },
            )
        })
        .collect();
    let mut cats: HashMap<Option<Uuid>, Volume> = HashMap::new();
    for r in &created {
        cats.entry(r.category_id)
            .or_insert(Volume {
                current: 0,
                previous: 0,
            })
            .current += r.n;
    }
    for r in &before {
        cats.entry(r.category_id)
            .or_insert(Volume {
                current: 0,
                previous: 0,
            })
            .previous += r.n;
    }
    let mut by_category: Vec<(Option<Uuid>, String, Volume)> = cats
        .into_iter()
        .map(|(id, v)| {
            let name = id
                .and_then(|i| super::views::category_path(&names.categories, i))
                .unwrap_or_default();
            (id, name, v)
        })
        .collect();
    by_category.sort_by(|a, b| b.2.current.cmp(&a.2.current).then(a.1.cmp(&b.1)));
    let mut trend: Vec<((Date, Date), Vec<i64>)> = cuts
        .iter()
        .map(|b| (*b, vec![0; TicketType::ALL.len()]))
        .collect();
    for (bucket, kind, n) in trend_rows {
        let k = TicketType::ALL.iter().position(|t| *t == kind);
        if let (Some(slot), Some(k)) = (trend.get_mut(bucket), k)
            && let Some(v) = slot.1.get_mut(k)
        {
            *v += n;
        }
    }

    let rsum = |i: usize| -> i64 { resolved.values().map(|v| at(v, i)).sum() };
    let n_resolved = rsum(0);
    let ratio = |num: i64| Ratio {
        num,
        den: n_resolved,
    };
    let sla_by_priority = Priority::ALL
        .iter()
        .map(|p| {
            let rows = resolved.iter().filter(|((_, q), _)| q == p);
            let (num, den) = rows.fold((0, 0), |(a, b), (_, v)| (a + at(v, 4), b + at(v, 0)));
            (*p, Ratio { num, den })
        })
        .filter(|(_, r)| r.den > 0)
        .collect();
    let mut per_client: HashMap<Uuid, Ratio> = HashMap::new();
    for ((client, _), v) in resolved {
        let e = per_client.entry(*client).or_default();
        e.num += at(v, 4);
        e.den += at(v, 0);
    }
    let per_agent: HashMap<Option<Uuid>, i64> = now
        .agents
        .iter()
        .map(|(who, n)| ((!who.is_nil()).then_some(*who), *n))
        .collect();
    let mut sla_by_client: Vec<(Uuid, String, Ratio)> = per_client
        .into_iter()
        .map(|(id, r)| (id, names.clients.get(&id).cloned().unwrap_or_default(), r))
        .collect();
    sla_by_client.sort_by(|a, b| {
        let pa = a.2.pct().unwrap_or_default();
        let pb = b.2.pct().unwrap_or_default();
        pa.cmp(&pb).then(a.1.cmp(&b.1))
    });
    let agents = per_agent.keys().filter(|k| k.is_some()).count();
    let mut per_agent: Vec<(Option<Uuid>, String, i64)> = per_agent
        .into_iter()
        .map(|(id, n)| {
            let name = id
                .and_then(|i| names.staff.get(&i).cloned())
                .unwrap_or_default();
            (id, name, n)
        })
        .collect();
    per_agent.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    let assigned: i64 = per_agent
        .iter()
        .filter(|a| a.0.is_some())
        .map(|a| a.2)
        .sum();
    let requests_per_agent = (agents > 0).then(|| {
        let mut d = rust_decimal::Decimal::from(assigned)
            / rust_decimal::Decimal::from(i64::try_from(agents).unwrap_or(1));
        d = d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        d.rescale(1);
        d
    });
    let calls: i64 = created.iter().map(|r| r.calls).sum();
    Ok(Dashboard {
        span,
        scope: *scope,
        created: total_created,
        by_kind,
        by_category,
        trend,
        first_response_median: first_median,
        first_response_count: usize::try_from(first_count).unwrap_or(0),
        resolution_median,
        resolved: n_resolved,
        first_contact: ratio(rsum(1)),
        first_line: ratio(rsum(2)),
        transferred: Ratio {
            num: created.iter().map(|r| r.transferred).sum(),
            den: total_created,
        },
        reopened: ratio(rsum(3)),
        complaints: sum(&created, &|r| r.kind == TicketType::Complaint),
        abandonment: if abandoned_counted {
            Ratio {
                num: abandoned,
                den: abandoned + calls,
            }
        } else {
            Ratio::default()
        },
        sla: ratio(rsum(4)),
        sla_by_priority,
        sla_by_client,
        per_agent,
        requests_per_agent,
        backlog,
        csat: mesure_domain::desk::kpis::csat(&scores),
        csat_participation: Ratio {
            num: answered,
            den: sent,
        },
        csat_by_agent,
        csat_by_client,
        csat_by_category,
    })
}
