//! Budget burn over time: the forecast at completion of a dated project, the runout of an
//! undated one, and the scope-creep figures.
use crate::projects::engagement::day_key;
use crate::radar::{forecast_at_completion, scope_creep_index};
use crate::time::Minutes;
use rust_decimal::Decimal;

/// Minutes forecast at completion of a project running `[start, end]` (both days included),
/// from `total` minutes logged by `today`: total ÷ days elapsed (today included, never past the
/// end) × days of the project, rounded to the minute (`Decimal::round`: halves to even). `None`
/// before the start or when the end precedes the start.
pub fn forecast_minutes(
    start: jiff::civil::Date,
    end: jiff::civil::Date,
    today: jiff::civil::Date,
    total: i64,
) -> Option<i64> {
    let elapsed = (today.min(end) - start).get_days();
    let span = (end - start).get_days() + 1;
    forecast_at_completion(
        Decimal::from(total),
        Decimal::from(elapsed + 1),
        Decimal::from(span),
    )
    .and_then(|f| i64::try_from(f.round()).ok())
}

/// The first day of the window the recent pace is measured on: the first of the month two months
/// before `today`'s (about three months).
pub fn runout_since(today: jiff::civil::Date) -> jiff::civil::Date {
    today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(2))
        .unwrap_or(today)
}

/// When a budget of hours runs out at the recent pace: the pace is the minutes logged from the
/// first day of the month two months back through today (about three months), per day.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct Runout {
    /// The first day of the window the pace is measured on (`YYYYMMDD`).
    pub since: i32,
    /// Minutes per week at that pace.
    pub pace_minutes_per_week: i64,
    /// Budget minutes left (negative: overrun).
    pub remaining_minutes: i64,
    /// The day the budget runs out at that pace (`YYYYMMDD`); `None` when already used up or
    /// when no time was logged in the window (no pace, no date).
    pub date: Option<i32>,
}

/// The runout of `remaining` minutes at the pace of `recent` minutes logged over `[since, today]`.
pub fn runout(
    since: jiff::civil::Date,
    today: jiff::civil::Date,
    recent: i64,
    remaining: i64,
) -> Runout {
    let days = i64::from((today - since).get_days()).max(0) + 1;
    let date = if remaining <= 0 || recent <= 0 {
        None
    } else {
        // Days left, rounded up: the budget is gone during that day.
        let left = (i128::from(remaining) * i128::from(days) + i128::from(recent) - 1)
            / i128::from(recent);
        i64::try_from(left)
            .ok()
            .filter(|d| *d <= 36_500)
            .and_then(|d| today.checked_add(jiff::Span::new().days(d)).ok())
            .map(day_key)
    };
    Runout {
        since: day_key(since),
        pace_minutes_per_week: recent * 7 / days,
        remaining_minutes: remaining,
        date,
    }
}

/// The scope-creep figures of a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeCreep {
    /// The baseline estimate: the deliverables' estimates.
    pub baseline_minutes: i64,
    /// Work outside the approved scope: unplanned minutes (on neither a deliverable nor a change
    /// request, free and written-off work included) plus minutes logged on change requests not
    /// approved.
    pub outside_minutes: i64,
    /// Outside ÷ baseline; `None` without a baseline.
    pub index: Option<Decimal>,
}

/// Scope creep from the deliverables' estimates, the unplanned minutes and the change requests
/// (approved or not, minutes logged on each).
pub fn scope_creep(
    estimates: impl IntoIterator<Item = i64>,
    unplanned_minutes: i64,
    changes: impl IntoIterator<Item = (bool, i64)>,
) -> ScopeCreep {
    let baseline: i64 = estimates.into_iter().sum();
    let unapproved: i64 = changes
        .into_iter()
        .filter(|(approved, _)| !approved)
        .map(|(_, logged)| logged)
        .sum();
    let outside = unplanned_minutes + unapproved;
    ScopeCreep {
        baseline_minutes: baseline,
        outside_minutes: outside,
        index: scope_creep_index(Minutes::new(outside), Minutes::new(baseline)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn forecast_from_the_burn_rate() {
        // 1–30 June (30 days); on 12 June (12 days elapsed) 3,000 min logged:
        // 3000 / 12 × 30 = 7,500.
        let (s, e) = (date(2026, 6, 1), date(2026, 6, 30));
        assert_eq!(forecast_minutes(s, e, date(2026, 6, 12), 3000), Some(7500));
        // On the first day: 100 / 1 × 30 = 3,000.
        assert_eq!(forecast_minutes(s, e, s, 100), Some(3000));
        // After the end the elapsed days stop at the project's 30: the forecast is the total.
        assert_eq!(forecast_minutes(s, e, date(2026, 8, 1), 4321), Some(4321));
        // Before the start: no data.
        assert_eq!(forecast_minutes(s, e, date(2026, 5, 31), 100), None);
        // 1–7 June, day 2, 1 min: 1 / 2 × 7 = 3.5 → 4 (halves to even); 3 min: 10.5 → 10.
        let e7 = date(2026, 6, 7);
        assert_eq!(forecast_minutes(s, e7, date(2026, 6, 2), 1), Some(4));
        assert_eq!(forecast_minutes(s, e7, date(2026, 6, 2), 3), Some(10));
        // End before start: no data.
        assert_eq!(forecast_minutes(e, s, e, 100), None);
    }

    #[test]
    fn runout_window_starts_two_months_back() {
        assert_eq!(runout_since(date(2026, 11, 29)), date(2026, 9, 1));
        assert_eq!(runout_since(date(2026, 2, 10)), date(2025, 12, 1));
    }

    #[test]
    fn runout_at_the_recent_pace() {
        // 60 hours in 90 days (1 Sept – 29 Nov): 40 min a day; 20 hours left → 30 days.
        let r = runout(date(2026, 9, 1), date(2026, 11, 29), 3600, 1200);
        assert_eq!(r.pace_minutes_per_week, 280);
        assert_eq!(r.date, Some(20261229));
        // Used up, or no recent work: no date.
        assert_eq!(
            runout(date(2026, 9, 1), date(2026, 11, 29), 3600, -60).date,
            None
        );
        assert_eq!(
            runout(date(2026, 9, 1), date(2026, 11, 29), 0, 600).date,
            None
        );
        // A partial day left still runs out that day (rounded up).
        let r = runout(date(2026, 11, 1), date(2026, 11, 10), 100, 1);
        assert_eq!(r.date, Some(20261111));
    }

    #[test]
    fn scope_creep_counts_unplanned_and_unapproved_change_requests() {
        // Baseline 2,400 min (1,500 + 900); outside: 240 unplanned + 120 on a sent CR (the
        // approved CR's 600 are in scope) = 360; 360 / 2400 = 0.15.
        let s = scope_creep([1500, 900], 240, [(true, 600), (false, 120)]);
        assert_eq!(s.baseline_minutes, 2400);
        assert_eq!(s.outside_minutes, 360);
        assert_eq!(s.index, Some(Decimal::new(15, 2)));
        // No baseline: no data, never 0.
        let s = scope_creep([], 240, []);
        assert_eq!((s.outside_minutes, s.index), (240, None));
    }
}
