//! The service KPIs of the KPI dictionary, computed from each ticket's facts. A KPI with nothing
//! to count is no data (`None`), never 0.
use super::states::TicketType;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// A count over a count; `pct` is `None` when the denominator is zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    /// num ÷ den × 100, one decimal, rounded half away from zero.
    pub fn pct(self) -> Option<Decimal> {
        (self.den > 0).then(|| {
            let mut d = (Decimal::from(self.num) * Decimal::ONE_HUNDRED / Decimal::from(self.den))
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            d.rescale(1);
            d
        })
    }
}

/// What the KPIs need of one ticket, from its recorded events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub created: Timestamp,
    pub kind: TicketType,
    /// Resolved (or closed) and not reopened since: the last resolution.
    pub resolved_at: Option<Timestamp>,
    /// Public replies by agents.
    pub public_replies: u32,
    /// Reopened at least once after a resolution.
    pub reopened: bool,
    /// Transferred to another agent or team at least once.
    pub transferred: bool,
    /// Escalated to second line at least once.
    pub escalated: bool,
}

/// First contact resolution: resolved tickets with exactly one public agent reply, never
/// reopened, never transferred / resolved tickets.
pub fn first_contact_resolution(resolved: &[Facts]) -> Ratio {
    Ratio {
        num: count(resolved, |f| {
            f.public_replies == 1 && !f.reopened && !f.transferred
        }),
        den: len(resolved),
    }
}

/// First-line resolution rate: resolved without escalation to second line / resolved.
pub fn first_line_resolution(resolved: &[Facts]) -> Ratio {
    Ratio {
        num: count(resolved, |f| !f.escalated),
        den: len(resolved),
    }
}

/// % transferred: tickets transferred at least once / all tickets.
pub fn transferred(all: &[Facts]) -> Ratio {
    Ratio {
        num: count(all, |f| f.transferred),
        den: len(all),
    }
}

/// Reopen rate: resolved tickets reopened at least once / resolved tickets.
pub fn reopened(resolved: &[Facts]) -> Ratio {
    Ratio {
        num: count(resolved, |f| f.reopened),
        den: len(resolved),
    }
}

/// Complaints: tickets of type complaint.
pub fn complaints(all: &[Facts]) -> i64 {
    count(all, |f| f.kind == TicketType::Complaint)
}

/// Abandonment rate: abandoned contacts / offered contacts (calls, chats).
pub fn abandonment(abandoned: i64, offered: i64) -> Ratio {
    Ratio {
        num: abandoned,
        den: offered,
    }
}

/// CSAT: answers 4 or 5 / answers × 100 (scores 1–5).
pub fn csat(scores: &[i32]) -> Ratio {
    Ratio {
        num: i64::try_from(scores.iter().filter(|s| **s >= 4).count()).unwrap_or(i64::MAX),
        den: i64::try_from(scores.len()).unwrap_or(i64::MAX),
    }
}

/// The backlog's ageing buckets, by the age in days at the period's end: under 1 day, 1–3, 3–7,
/// 7–30, 30 and over (lower bounds included).
pub const AGE_BUCKETS: [i64; 4] = [1, 3, 7, 30];

/// Tickets not resolved at `end` (created before it, unresolved or resolved after it), counted
/// per ageing bucket ([`AGE_BUCKETS`]).
pub fn backlog(all: &[Facts], end: Timestamp) -> [i64; 5] {
    let mut out = [0; 5];
    for f in all
        .iter()
        .filter(|f| f.created < end && f.resolved_at.is_none_or(|r| r >= end))
    {
        let days = (end.as_second() - f.created.as_second()) / 86_400;
        let i = AGE_BUCKETS.iter().take_while(|b| days >= **b).count();
        if let Some(slot) = out.get_mut(i) {
            *slot += 1;
        }
    }
    out
}

fn len(v: &[Facts]) -> i64 {
    i64::try_from(v.len()).unwrap_or(i64::MAX)
}

fn count(v: &[Facts], f: impl Fn(&Facts) -> bool) -> i64 {
    i64::try_from(v.iter().filter(|x| f(x)).count()).unwrap_or(i64::MAX)
}
