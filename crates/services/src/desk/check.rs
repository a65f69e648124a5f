//! `mesure check --totals` for the desk: each ticket's running counters and business minutes
//! (what the KPIs read, decision 96) recomputed from its events and compared with what is
//! stored: public replies, reopenings, transfers, escalation, first response and resolution
//! instants, and the SLA minutes and deadlines from the clocks; then the dashboard's running
//! totals (per UTC day and month) against the tickets' contributions added up afresh.
use super::clocks;
use crate::Result;
use mesure_domain::WorkspaceId;
use mesure_domain::desk::states::Status;
use mesure_store::desk::{self as store, EventRow, ListFilter, ListSort, TicketRow};
use std::collections::HashMap;
use uuid::Uuid;

/// Tickets read per statement.
const PAGE: i64 = 1_000;

/// The counters the events give: (public replies, reopenings, transfers, escalated, first
/// response instant).
fn counted(events: &[EventRow]) -> (i32, i32, i32, bool, Option<i64>) {
    let mut replies = 0;
    let mut reopens = 0;
    let mut transfers = 0;
    let mut escalated = false;
    let mut first = None;
    for e in events {
        match e.kind.as_str() {
            "reply" => {
                replies += 1;
                first.get_or_insert(e.at);
            }
            "status" => {
                let from = e.from_value.as_deref().and_then(Status::parse);
                let to = e.to_value.as_deref().and_then(Status::parse);
                if from.is_some_and(Status::is_done) && to.is_some_and(|t| !t.is_done()) {
                    reopens += 1;
                }
            }
            "assign" if e.from_value.is_some() && e.to_value.is_some() => transfers += 1,
            "tier" if e.to_value.as_deref() == Some("second") => {
                transfers += 1;
                escalated = true;
            }
            _ => {}
        }
    }
    (replies, reopens, transfers, escalated, first)
}

/// The differences found in one workspace's tickets, one sentence each (English, for
/// operators); empty when every ticket agrees with its events.
pub async fn check_counters(app: &crate::App, ws: WorkspaceId, tz: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let mut rules: HashMap<Uuid, clocks::Rules> = HashMap::new();
    let mut fresh = mesure_store::desk::totals::Stored::new();
    let mut after = None;
    loop {
        let page = store::list(
            c,
            ws,
            &ListFilter {
                sort: ListSort::Oldest,
                after,
                limit: PAGE,
                ..ListFilter::default()
            },
        )
        .await?;
        for t in &page {
            mesure_store::desk::totals::tally(&mut fresh, t);
            let events = store::events(c, ws, t.id).await?;
            let (replies, reopens, transfers, escalated, first) = counted(&events);
            let stored = (
                t.public_replies,
                t.reopens,
                t.transfers,
                t.escalated,
                t.first_response_at,
            );
            let from_events = (replies, reopens, transfers, escalated, first);
            if stored != from_events {
                found.push(format!(
                    "ticket #{}: stored (replies, reopens, transfers, escalated, first response) {stored:?}, events say {from_events:?}",
                    t.number
                ));
            }
            let r = match rules.get(&t.client_id) {
                Some(r) => r.clone(),
                None => {
                    let r = clocks::rules(c, ws, tz, t.client_id).await?;
                    rules.insert(t.client_id, r.clone());
                    r
                }
            };
            let mut again: TicketRow = t.clone();
            clocks::refresh(&r, &mut again, &clocks::changes(&events), t.updated_at);
            // Business minutes depend on the calendar only; deadlines on the policy too, which a
            // change recomputes for running tickets alone (a done ticket keeps its own).
            let running = !t.status.is_done();
            let minutes = |x: &TicketRow| {
                (
                    x.first_response_minutes,
                    x.resolution_minutes,
                    x.first_response_due.filter(|_| running),
                    x.resolution_due.filter(|_| running),
                )
            };
            if minutes(t) != minutes(&again) {
                found.push(format!(
                    "ticket #{}: stored (first response min, resolution min, first response due, resolution due) {:?}, the clocks say {:?}",
                    t.number,
                    minutes(t),
                    minutes(&again)
                ));
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = Some((last.created_at, last.id)),
            _ => break,
        }
    }
    fresh.retain(|_, v| v.first().is_some_and(|n| *n != 0));
    let stored = mesure_store::desk::totals::stored(c, ws).await?;
    for (k, v) in &fresh {
        if stored.get(k) != Some(v) {
            found.push(format!(
                "desk totals {} {} {} {}: stored {:?}, the tickets say {v:?}",
                k.0,
                grain(k.1),
                k.2,
                k.3,
                stored.get(k)
            ));
        }
    }
    for (k, v) in &stored {
        if !fresh.contains_key(k) {
            found.push(format!(
                "desk totals {} {} {} {}: stored {v:?}, no ticket counts there",
                k.0,
                grain(k.1),
                k.2,
                k.3
            ));
        }
    }
    Ok(found)
}

fn grain(g: i64) -> &'static str {
    if g == 0 { "day" } else { "month" }
}
