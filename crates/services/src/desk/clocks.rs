//! A ticket's SLA clocks: the calendar and policy that apply to it, its status history from its
//! events, and the deadlines, elapsed and paused business minutes kept on the ticket row (so
//! lists sort and filter on them) and explained on its page.
use crate::Result;
use mesure_domain::WorkspaceId;
use mesure_domain::calendar::Calendar;
use mesure_domain::desk::sla::{self, Change, Clock, Goal, Policy};
use mesure_domain::desk::states::Status;
use mesure_store::Conn;
use mesure_store::desk::{EventRow, NO_DUE, TicketRow, setup};
use uuid::Uuid;

/// How many minutes before a deadline the desk warns, unless set.
pub const DEFAULT_WARN_MINUTES: i64 = 60;

/// What a ticket's clocks are computed with.
#[derive(Clone, Debug)]
pub struct Rules {
    pub calendar: Calendar,
    pub policy: Policy,
    /// The policy is the client's own (else the workspace's default).
    pub client_policy: bool,
    /// The calendar is the client's own (else the workspace's).
    pub client_calendar: bool,
}

/// The workspace's default policy: as saved, else [`Policy::standard`].
pub async fn default_policy(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Policy> {
    Ok(setup::settings(c, ws)
        .await?
        .and_then(|s| serde_json::from_str(&s.policy).ok())
        .unwrap_or_else(Policy::standard))
}

/// The rules of a client's tickets: the client's calendar if set (and readable), else the
/// workspace's; the client's policy if set, else the workspace's.
pub async fn rules(c: &mut Conn<'_>, ws: WorkspaceId, tz: &str, client: Uuid) -> Result<Rules> {
    let own_calendar = setup::client_calendar(c, ws, client)
        .await?
        .and_then(|r| crate::portal::calendar::parse_row(&r));
    let client_calendar = own_calendar.is_some();
    let calendar = match own_calendar {
        Some(cal) => cal,
        None => crate::portal::questions::calendar(c, ws, tz).await?,
    };
    let own = setup::client_policy(c, ws, client)
        .await?
        .and_then(|p| serde_json::from_str::<Policy>(&p).ok());
    Ok(match own {
        Some(policy) => Rules {
            calendar,
            policy,
            client_policy: true,
            client_calendar,
        },
        None => Rules {
            calendar,
            policy: default_policy(c, ws).await?,
            client_policy: false,
            client_calendar,
        },
    })
}

use mesure_store::ts;

/// The status history of a ticket from its events, oldest first.
pub fn changes(events: &[EventRow]) -> Vec<Change> {
    events
        .iter()
        .filter(|e| e.kind == "status")
        .filter_map(|e| {
            Some(Change {
                at: ts(e.at),
                status: Status::parse(e.to_value.as_deref()?)?,
            })
        })
        .collect()
}

/// Both clocks of a ticket at `now`.
pub fn clocks(rules: &Rules, t: &TicketRow, changes: &[Change], now: i64) -> (Clock, Clock) {
    let targets = rules.policy.targets(t.priority);
    let created = ts(t.created_at);
    let first = sla::clock(
        &rules.calendar,
        Goal::FirstResponse,
        created,
        changes,
        t.first_response_at.map(ts),
        targets.first_response,
        ts(now),
    );
    let resolution = sla::clock(
        &rules.calendar,
        Goal::Resolution,
        created,
        changes,
        if t.status.is_done() {
            t.resolved_at.map(ts)
        } else {
            None
        },
        targets.resolution,
        ts(now),
    );
    (first, resolution)
}

/// Sets the ticket's deadlines, next due instant and breach flag from its clocks at `now`.
pub fn refresh(rules: &Rules, t: &mut TicketRow, changes: &[Change], now: i64) {
    let (first, resolution) = clocks(rules, t, changes, now);
    let running = |c: &Clock| {
        if c.running {
            c.deadline.map(|d| d.as_microsecond())
        } else {
            None
        }
    };
    t.first_response_due = running(&first);
    t.resolution_due = running(&resolution);
    t.due_at = [t.first_response_due, t.resolution_due]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(NO_DUE);
    t.breached = first.breached || resolution.breached;
    // The KPI minutes (the running aggregates the service KPIs read).
    let created = ts(t.created_at);
    t.first_response_minutes = t
        .first_response_at
        .map(|f| rules.calendar.business_minutes(created, ts(f)));
    t.resolution_minutes = match (t.status.is_done(), t.resolved_at, t.merged_into) {
        (true, Some(r), None) => Some(sla::resolution_minutes(
            &rules.calendar,
            created,
            changes,
            ts(r),
        )),
        _ => None,
    };
}
