//! SLA clocks: business minutes counted on the ticket's calendar while the ticket is in a
//! counting status, from creation to the goal (first public reply, resolution) or now; the
//! deadline is the instant the counted minutes reach the target, found segment by segment, so
//! pauses, weekends, holidays and DST changes are exact.
use super::states::{Priority, Status};
use crate::calendar::Calendar;
use jiff::Timestamp;

/// A ticket's status from an instant on (its history, oldest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub at: Timestamp,
    pub status: Status,
}

/// First-response and resolution targets of one priority, in business minutes (`None`: no
/// target).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Targets {
    pub first_response: Option<i64>,
    pub resolution: Option<i64>,
}

/// An SLA policy: targets per priority.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    pub name: String,
    pub low: Targets,
    pub normal: Targets,
    pub high: Targets,
    pub urgent: Targets,
}

impl Policy {
    pub fn targets(&self, p: Priority) -> Targets {
        match p {
            Priority::Low => self.low,
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }

    /// The default policy of a workspace without one: first response within 8, 4, 2 and 1
    /// business hours, resolution within 40, 24, 8 and 4 (low to urgent).
    pub fn standard() -> Policy {
        let t = |f: i64, r: i64| Targets {
            first_response: Some(f * 60),
            resolution: Some(r * 60),
        };
        Policy {
            name: "standard".into(),
            low: t(8, 40),
            normal: t(4, 24),
            high: t(2, 8),
            urgent: t(1, 4),
        }
    }
}

/// Which clock: first response pauses while waiting (customer or third party); resolution also
/// stops while resolved or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    FirstResponse,
    Resolution,
}

impl Goal {
    /// Whether the clock counts while the ticket is in `s`.
    pub fn counts_in(self, s: Status) -> bool {
        match self {
            Goal::FirstResponse => !s.pauses_sla(),
            Goal::Resolution => !s.pauses_sla() && !s.is_done(),
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Business minutes counted.
    pub elapsed: i64,
    /// Business minutes spent in statuses that pause the clock.
    pub paused: i64,
    /// The clock counts now (not met, not paused).
    pub running: bool,
    /// The goal was reached at that instant.
    pub met_at: Option<Timestamp>,
    /// When the counted minutes reach the target: in the past if breached; `None` without a
    /// target, or while paused before reaching it.
    pub deadline: Option<Timestamp>,
    /// Counted minutes passed the target.
    pub breached: bool,
}

/// The intervals `[from, to)` of `created..end` spent in each status, oldest first.
fn spans(
    created: Timestamp,
    changes: &[Change],
    end: Timestamp,
) -> Vec<(Timestamp, Timestamp, Status)> {
    let mut out = Vec::new();
    let mut cur = (created, Status::New);
    for c in changes {
        let at = c.at.max(cur.0);
        if at >= end {
            break;
        }
        if at > cur.0 {
            out.push((cur.0, at, cur.1));
        }
        cur = (at, c.status);
    }
    if end > cur.0 {
        out.push((cur.0, end, cur.1));
    }
    out
}

/// The status at `t` (the last change at or before it).
pub fn status_at(changes: &[Change], t: Timestamp) -> Status {
    changes
        .iter()
        .take_while(|c| c.at <= t)
        .last()
        .map_or(Status::New, |c| c.status)
}

/// The clock of `goal` for a ticket created at `created` with `changes`, met at `met` (the
/// first public reply; the resolution), read at `now`, against `target` business minutes.
pub fn clock(
    cal: &Calendar,
    goal: Goal,
    created: Timestamp,
    changes: &[Change],
    met: Option<Timestamp>,
    target: Option<i64>,
    now: Timestamp,
) -> Clock {
    let end = met.map_or(now, |m| m.min(now));
    let mut elapsed = 0;
    let mut paused = 0;
    let mut deadline = None;
    let mut left = target;
    for (a, b, s) in spans(created, changes, end) {
        let n = cal.business_minutes(a, b);
        if goal.counts_in(s) {
            if let Some(l) = left
                && deadline.is_none()
                && n >= l
            {
                deadline = cal.add_business_minutes(a, l);
            }
            left = left.map(|l| l - n);
            elapsed += n;
        } else if s.pauses_sla() {
            paused += n;
        }
    }
    let running = met.is_none_or(|m| m > now) && goal.counts_in(status_at(changes, now));
    if deadline.is_none()
        && running
        && let Some(l) = left
    {
        deadline = cal.add_business_minutes(now, l);
    }
    Clock {
        elapsed,
        paused,
        running,
        met_at: met.filter(|m| *m <= now),
        deadline,
        breached: target.is_some_and(|t| elapsed > t),
    }
}

/// The KPI dictionary's resolution time: creation → resolution in business minutes, minus the
/// time waiting on the customer (and the time spent resolved before a reopening).
pub fn resolution_minutes(
    cal: &Calendar,
    created: Timestamp,
    changes: &[Change],
    resolved: Timestamp,
) -> i64 {
    spans(created, changes, resolved)
        .into_iter()
        .filter(|(_, _, s)| *s != Status::WaitingCustomer && !s.is_done())
        .map(|(a, b, _)| cal.business_minutes(a, b))
        .sum()
}

/// The stretches of `created..end` during which the clocks paused (waiting on the customer or a
/// third party), with their business minutes: the explanation a ticket page shows.
pub fn pauses(
    cal: &Calendar,
    created: Timestamp,
    changes: &[Change],
    end: Timestamp,
) -> Vec<(Timestamp, Timestamp, Status, i64)> {
    spans(created, changes, end)
        .into_iter()
        .filter(|(_, _, s)| s.pauses_sla())
        .map(|(a, b, s)| (a, b, s, cal.business_minutes(a, b)))
        .collect()
}
