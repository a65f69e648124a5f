//! Known answers (a Friday evening before a bank-holiday Monday, the March DST change, a pause
//! while waiting on the customer, the KPIs of a small hand-made set) and a property test of the
//! SLA clock against a minute-by-minute reference.
use super::kpis::{self, Facts};
use super::sla::{self, Change, Goal};
use super::states::{Status, TicketType};
use crate::calendar::Calendar;
use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;
use proptest::prelude::*;

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").unwrap()
}

fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    paris()
        .to_ambiguous_zoned(date(y, m, d).at(h, min, 0, 0))
        .compatible()
        .unwrap()
        .timestamp()
}

fn office() -> Calendar {
    Calendar::french_office(paris())
}

fn always() -> Calendar {
    let day = vec![(0, 1440)];
    Calendar::new(
        paris(),
        std::array::from_fn(|_| day.clone()),
        false,
        Default::default(),
    )
    .unwrap()
}

#[test]
fn statuses_move_as_a_desk_expects() {
    use Status::*;
    assert!(New.may_become(Open) && Open.may_become(WaitingCustomer));
    assert!(WaitingThirdParty.may_become(Resolved) && Resolved.may_become(Open));
    assert!(Resolved.may_become(Closed));
    for s in Status::ALL {
        assert!(!Closed.may_become(*s), "closed never moves");
        assert!(!s.may_become(New), "nothing goes back to new");
        assert!(!s.may_become(*s));
    }
    assert!(!Open.may_become(Closed), "closing follows a resolution");
    assert!(!Resolved.may_become(WaitingCustomer));
    assert_eq!(Resolved.on_customer_reply(), Some(Open));
    assert_eq!(WaitingCustomer.on_customer_reply(), Some(Open));
    assert_eq!(
        WaitingThirdParty.on_customer_reply(),
        Some(WaitingThirdParty)
    );
    assert_eq!(Closed.on_customer_reply(), None);
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(*s));
    }
}

#[test]
fn a_friday_evening_ticket_before_a_bank_holiday_monday() {
    // Friday 22 May 2026, 18:00; Whit Monday 25 May is a public holiday. Four business hours:
    // Tuesday 9:00–12:30 (3 h 30), then 30 minutes from 14:00.
    let created = at(2026, 5, 22, 18, 0);
    let c = sla::clock(
        &office(),
        Goal::FirstResponse,
        created,
        &[],
        None,
        Some(240),
        created,
    );
    assert_eq!(c.deadline, Some(at(2026, 5, 26, 14, 30)));
    assert!(c.running && !c.breached && c.elapsed == 0);
    // Read on Tuesday at 15:00: 240 counted minutes were reached at 14:30, breached by 30.
    let late = at(2026, 5, 26, 15, 0);
    let c = sla::clock(
        &office(),
        Goal::FirstResponse,
        created,
        &[],
        None,
        Some(240),
        late,
    );
    assert_eq!((c.elapsed, c.breached), (270, true));
    assert_eq!(c.deadline, Some(at(2026, 5, 26, 14, 30)));
    // Answered on Tuesday at 10:00: met, 60 minutes counted.
    let c = sla::clock(
        &office(),
        Goal::FirstResponse,
        created,
        &[],
        Some(at(2026, 5, 26, 10, 0)),
        Some(240),
        late,
    );
    assert_eq!((c.elapsed, c.breached, c.running), (60, false, false));
}

#[test]
fn a_ticket_across_the_march_daylight_saving_change() {
    // A round-the-clock calendar; Sunday 29 March 2026 has 23 hours in Paris. 48 hours from
    // Friday 17:00 (CET) end on Sunday at 18:00 (CEST), 47 civil hours later.
    let created = at(2026, 3, 27, 17, 0);
    let c = sla::clock(
        &always(),
        Goal::Resolution,
        created,
        &[],
        None,
        Some(48 * 60),
        created,
    );
    assert_eq!(c.deadline, Some(at(2026, 3, 29, 18, 0)));
    let r = sla::resolution_minutes(
        &always(),
        created,
        &[Change {
            at: at(2026, 3, 29, 18, 0),
            status: Status::Resolved,
        }],
        at(2026, 3, 29, 18, 0),
    );
    assert_eq!(r, 48 * 60);
}

#[test]
fn waiting_on_the_customer_pauses_the_clock_and_keeps_the_paused_time() {
    // Monday 1 June 2026 9:00; waiting on the customer from 10:00 to Tuesday 9:00 (390 business
    // minutes paused); 8 business hours to resolve: 60 on Monday, 420 left from Tuesday 9:00 —
    // 210 to 12:30, 210 from 14:00: Tuesday 17:30.
    let created = at(2026, 6, 1, 9, 0);
    let changes = [
        Change {
            at: at(2026, 6, 1, 9, 5),
            status: Status::Open,
        },
        Change {
            at: at(2026, 6, 1, 10, 0),
            status: Status::WaitingCustomer,
        },
        Change {
            at: at(2026, 6, 2, 9, 0),
            status: Status::Open,
        },
    ];
    let paused_now = at(2026, 6, 1, 16, 0);
    let c = sla::clock(
        &office(),
        Goal::Resolution,
        created,
        &changes[..2],
        None,
        Some(480),
        paused_now,
    );
    assert_eq!(
        (c.elapsed, c.running, c.deadline),
        (60, false, None),
        "paused: no deadline"
    );
    let now = at(2026, 6, 2, 12, 0);
    let c = sla::clock(
        &office(),
        Goal::Resolution,
        created,
        &changes,
        None,
        Some(480),
        now,
    );
    assert_eq!((c.elapsed, c.paused), (240, 390));
    assert_eq!(c.deadline, Some(at(2026, 6, 2, 17, 30)));
    // The KPI's resolution time leaves out waiting on the customer only.
    let mut third = changes;
    third[1].status = Status::WaitingThirdParty;
    let resolved = at(2026, 6, 2, 12, 0);
    let mut with_end = third.to_vec();
    with_end.push(Change {
        at: resolved,
        status: Status::Resolved,
    });
    assert_eq!(
        sla::resolution_minutes(&office(), created, &with_end, resolved),
        60 + 390 + 180
    );
    let mut customer = changes.to_vec();
    customer.push(Change {
        at: resolved,
        status: Status::Resolved,
    });
    assert_eq!(
        sla::resolution_minutes(&office(), created, &customer, resolved),
        240
    );
}

fn facts(
    replies: u32,
    reopened: bool,
    transferred: bool,
    escalated: bool,
    resolved: bool,
) -> Facts {
    Facts {
        created: at(2026, 6, 1, 9, 0),
        kind: if transferred {
            TicketType::Complaint
        } else {
            TicketType::Question
        },
        resolved_at: resolved.then(|| at(2026, 6, 3, 9, 0)),
        public_replies: replies,
        reopened,
        transferred,
        escalated,
    }
}

#[test]
fn the_kpis_of_a_small_hand_made_set() {
    // Five resolved: (1 reply) ×2 clean, (1 reply, reopened), (2 replies), (1 reply,
    // transferred and escalated); one open.
    let resolved = vec![
        facts(1, false, false, false, true),
        facts(1, false, false, false, true),
        facts(1, true, false, false, true),
        facts(2, false, false, true, true),
        facts(1, false, true, true, true),
    ];
    let mut all = resolved.clone();
    all.push(facts(0, false, false, false, false));
    let pct = |r: kpis::Ratio| r.pct().map(|d| d.to_string());
    assert_eq!(
        pct(kpis::first_contact_resolution(&resolved)).as_deref(),
        Some("40.0")
    );
    assert_eq!(
        pct(kpis::first_line_resolution(&resolved)).as_deref(),
        Some("60.0")
    );
    assert_eq!(pct(kpis::reopened(&resolved)).as_deref(), Some("20.0"));
    assert_eq!(pct(kpis::transferred(&all)).as_deref(), Some("16.7"));
    assert_eq!(kpis::complaints(&all), 1);
    assert_eq!(pct(kpis::csat(&[5, 4, 3, 1])).as_deref(), Some("50.0"));
    assert_eq!(pct(kpis::abandonment(1, 8)).as_deref(), Some("12.5"));
    assert_eq!(kpis::csat(&[]).pct(), None, "no answers: no data");
    assert_eq!(kpis::first_contact_resolution(&[]).pct(), None);
    // Backlog at Wednesday 3 June 10:00: the open ticket (2 days old) and none of the resolved.
    assert_eq!(kpis::backlog(&all, at(2026, 6, 3, 10, 0)), [0, 1, 0, 0, 0]);
    // At Tuesday: all six were unresolved, one day old.
    assert_eq!(kpis::backlog(&all, at(2026, 6, 2, 10, 0)), [0, 6, 0, 0, 0]);
}

/// The reference: minute by minute, counting a minute when the calendar works during it and the
/// goal counts in the status then; the deadline is the end of the minute the count reaches the
/// target (looking ahead past `now` in the status at `now`, up to 40 days).
fn reference(
    cal: &Calendar,
    goal: Goal,
    created: Timestamp,
    changes: &[Change],
    target: i64,
    now: Timestamp,
) -> (i64, Option<Timestamp>) {
    let minute = jiff::SignedDuration::from_mins(1);
    let mut t = created;
    let (mut elapsed, mut count, mut deadline) = (0, 0, None);
    let limit = now + jiff::SignedDuration::from_hours(24 * 40);
    while t < limit && (t < now || deadline.is_none()) {
        let next = t + minute;
        let s = sla::status_at(changes, t.min(now));
        if goal.counts_in(s) && cal.business_minutes(t, next) == 1 {
            if t < now {
                elapsed += 1;
            }
            count += 1;
            if count == target && deadline.is_none() {
                deadline = Some(next);
            }
        }
        if t >= now && !goal.counts_in(sla::status_at(changes, now)) {
            break;
        }
        t = next;
    }
    (elapsed, deadline)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn the_clock_matches_a_minute_by_minute_count(
        start in 0i64..(60 * 24 * 40),
        steps in proptest::collection::vec((1i64..(60 * 30), 0usize..4), 0..5),
        target in 1i64..(60 * 20),
        read in 0i64..(60 * 24 * 5),
    ) {
        // From 2026-03-16, across the March DST change and Easter Monday (6 April).
        let base = at(2026, 3, 16, 0, 0);
        let created = base + jiff::SignedDuration::from_mins(start);
        let statuses = [Status::Open, Status::WaitingCustomer, Status::WaitingThirdParty, Status::Open];
        let mut t = created;
        let mut changes = Vec::new();
        for (gap, s) in steps {
            t += jiff::SignedDuration::from_mins(gap);
            changes.push(Change { at: t, status: statuses[s] });
        }
        let now = created + jiff::SignedDuration::from_mins(read);
        for goal in [Goal::FirstResponse, Goal::Resolution] {
            let c = sla::clock(&office(), goal, created, &changes, None, Some(target), now);
            let (elapsed, deadline) = reference(&office(), goal, created, &changes, target, now);
            prop_assert_eq!(c.elapsed, elapsed);
            if c.running || c.breached || elapsed >= target {
                prop_assert_eq!(c.deadline, deadline);
            } else {
                prop_assert_eq!(c.deadline, None);
            }
        }
    }
}
