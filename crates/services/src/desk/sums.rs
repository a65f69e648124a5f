//! The dashboard's sums over a span of instants, read from the running totals: the span cut into
//! whole UTC months and days and short raw edges (`mesure_domain::desk::cover`), each summed by
//! one statement and added with its sign; the raw edges' tickets counted by the same
//! contribution the writes keep (`mesure_store::desk::totals::contribution`).
use crate::Result;
use mesure_domain::WorkspaceId;
use mesure_domain::desk::cover::{Grain, Unit, cover};
use mesure_domain::desk::states::TicketType;
use mesure_store::Conn;
use mesure_store::desk::kpis::Scope;
use mesure_store::desk::totals::{
    self as store, CreatedKey, FIRST_RESPONSE, RESOLUTION, ResolvedKey, contribution,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What a span adds up to.
#[derive(Clone, Debug, Default)]
pub struct Sums {
    /// (type, category or nil) → (tickets, transferred, phone or chat).
    pub created: HashMap<CreatedKey, [i64; 3]>,
    /// (client, priority) → (tickets, first contact, first line, reopened, within SLA).
    pub resolved: HashMap<ResolvedKey, [i64; 5]>,
    /// Assignee or nil → tickets resolved.
    pub agents: HashMap<Uuid, i64>,
    /// Minutes → tickets, for the medians.
    pub first_response: BTreeMap<i64, i64>,
    pub resolution: BTreeMap<i64, i64>,
}

fn add<const N: usize>(into: &mut [i64; N], v: &[i64], sign: i64) {
    for (a, b) in into.iter_mut().zip(v) {
        *a += b * sign;
    }
}

impl Sums {
    /// The median of a minutes histogram (the middle value, or the two middle values' mean
    /// rounded down) and its count.
    pub fn median(h: &BTreeMap<i64, i64>) -> (Option<i64>, i64) {
        let n: i64 = h.values().filter(|v| **v > 0).sum();
        if n == 0 {
            return (None, 0);
        }
        let at = |rank: i64| {
            let mut seen = 0;
            for (m, k) in h.iter().filter(|(_, k)| **k > 0) {
                seen += k;
                if seen > rank {
                    return *m;
                }
            }
            0
        };
        let v = if n % 2 == 1 {
            at(n / 2)
        } else {
            (at(n / 2 - 1) + at(n / 2)).div_euclid(2)
        };
        (Some(v), n)
    }
}

/// The sums of `[from, to)`.
pub async fn sums(c: &mut Conn<'_>, ws: WorkspaceId, from: i64, to: i64) -> Result<Sums> {
    let mut s = Sums::default();
    for p in cover(&[from, to], true) {
        let sign = p.sign;
        match p.unit {
            Unit::Periods(grain, a, b) => {
                for r in store::sum_created(c, ws, grain, a, b).await? {
                    let e = s.created.entry((r.kind, r.category_id)).or_default();
                    add(e, &[r.n, r.transferred, r.calls], sign);
                }
                for r in store::sum_resolved(c, ws, grain, a, b).await? {
                    let e = s.resolved.entry((r.client_id, r.priority)).or_default();
                    add(
                        e,
                        &[r.n, r.first_contact, r.first_line, r.reopened, r.within_sla],
                        sign,
                    );
                }
                for (who, n) in store::sum_agents(c, ws, grain, a, b).await? {
                    *s.agents.entry(who).or_default() += n * sign;
                }
                for (measure, h) in [
                    (FIRST_RESPONSE, &mut s.first_response),
                    (RESOLUTION, &mut s.resolution),
                ] {
                    for (m, n) in store::sum_minutes(c, ws, measure, grain, a, b).await? {
                        *h.entry(m).or_default() += n * sign;
                    }
                }
            }
            Unit::Raw(a, b) => {
                for t in store::raw_created(c, ws, a, b).await? {
                    let k = contribution(&t);
                    if let Some((_, key, v)) = k.created {
                        add(s.created.entry(key).or_default(), &v, sign);
                    }
                    if let Some((_, m)) = k.first_response {
                        *s.first_response.entry(m).or_default() += sign;
                    }
                }
                for t in store::raw_resolved(c, ws, a, b).await? {
                    let k = contribution(&t);
                    if let Some((_, key, v)) = k.resolved {
                        add(s.resolved.entry(key).or_default(), &v, sign);
                    }
                    if let Some((_, who)) = k.agent {
                        *s.agents.entry(who).or_default() += sign;
                    }
                    if let Some((_, m)) = k.resolution {
                        *s.resolution.entry(m).or_default() += sign;
                    }
                }
            }
        }
    }
    s.created.retain(|_, v| v.first().is_some_and(|n| *n != 0));
    s.resolved.retain(|_, v| v.first().is_some_and(|n| *n != 0));
    s.agents.retain(|_, n| *n != 0);
    Ok(s)
}

/// A narrowed dashboard's tickets, read once: those created in `[before, to)` (the previous
/// period and this one) and those last resolved in `[from, to)`.
pub struct Scoped {
    pub created: Vec<mesure_store::desk::TicketRow>,
    pub resolved: Vec<mesure_store::desk::TicketRow>,
}

pub async fn scoped_read(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    (before, from, to): (i64, i64, i64),
    scope: &Scope,
) -> Result<Scoped> {
    Ok(Scoped {
        created: store::scope_created(c, ws, before, to, scope).await?,
        resolved: store::scope_resolved(c, ws, from, to, scope).await?,
    })
}

impl Scoped {
    /// The sums of `[from, to)`, added by the same contribution the totals keep (the resolved
    /// part only for the period read as resolved).
    pub fn sums(&self, from: i64, to: i64, with_resolved: bool) -> Sums {
        let mut s = Sums::default();
        for t in self
            .created
            .iter()
            .filter(|t| (from..to).contains(&t.created_at))
        {
            let k = contribution(t);
            if let Some((_, key, v)) = k.created {
                add(s.created.entry(key).or_default(), &v, 1);
            }
            if let Some((_, m)) = k.first_response {
                *s.first_response.entry(m).or_default() += 1;
            }
        }
        if with_resolved {
            for t in &self.resolved {
                let k = contribution(t);
                if let Some((_, key, v)) = k.resolved {
                    add(s.resolved.entry(key).or_default(), &v, 1);
                }
                if let Some((_, who)) = k.agent {
                    *s.agents.entry(who).or_default() += 1;
                }
                if let Some((_, m)) = k.resolution {
                    *s.resolution.entry(m).or_default() += 1;
                }
            }
        }
        s
    }

    /// Tickets created per bucket `[cuts[i], cuts[i + 1])` and type.
    pub fn trend(&self, cuts: &[i64]) -> Vec<(usize, TicketType, i64)> {
        let mut out: HashMap<(usize, TicketType), i64> = HashMap::new();
        for t in &self.created {
            let Some((at, (kind, _), _)) = contribution(t).created else {
                continue;
            };
            if let Some(b) = cuts
                .windows(2)
                .position(|w| matches!(w, [a, z] if *a <= at && at < *z))
            {
                *out.entry((b, kind)).or_default() += 1;
            }
        }
        out.into_iter().map(|((b, k), n)| (b, k, n)).collect()
    }
}

/// Tickets created per bucket `[cuts[i], cuts[i + 1])` and type, as (bucket, type, tickets).
pub async fn trend(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    cuts: &[i64],
) -> Result<Vec<(usize, TicketType, i64)>> {
    let pieces = cover(cuts, false);
    let mut out: HashMap<(usize, TicketType), i64> = HashMap::new();
    let days = pieces.iter().filter_map(|p| match p.unit {
        Unit::Periods(Grain::Day, a, b) => Some((a, b)),
        _ => None,
    });
    let (lo, hi) = days.fold((i64::MAX, i64::MIN), |(lo, hi), (a, b)| {
        (lo.min(a), hi.max(b))
    });
    let mut per_day: HashMap<i64, Vec<(TicketType, i64)>> = HashMap::new();
    if lo < hi {
        for (day, kind, n) in mesure_store::desk::totals::days_created(c, ws, lo, hi).await? {
            per_day.entry(day).or_default().push((kind, n));
        }
    }
    for p in &pieces {
        match p.unit {
            Unit::Periods(_, a, b) => {
                for day in a..b {
                    for (kind, n) in per_day.get(&day).into_iter().flatten() {
                        *out.entry((p.bucket, *kind)).or_default() += n * p.sign;
                    }
                }
            }
            Unit::Raw(a, b) => {
                for t in store::raw_created(c, ws, a, b).await? {
                    if let Some((_, (kind, _), _)) = contribution(&t).created {
                        *out.entry((p.bucket, kind)).or_default() += p.sign;
                    }
                }
            }
        }
    }
    Ok(out.into_iter().map(|((b, k), n)| (b, k, n)).collect())
}
