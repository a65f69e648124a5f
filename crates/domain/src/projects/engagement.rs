//! Engagements: billing models, scope tags, what one time entry adds to the running aggregates,
//! and the revenue a project earns month by month from its billing model (before invoices exist).
use crate::projects::retainer::{self, MonthUse, Rollover, YearMonth};
use crate::time::Minutes;
use std::collections::BTreeMap;

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
        }
        $crate::projects::engagement::serde_as_text!($name);
    };
}

/// Serde as the state's text (`as_str` / `parse`), as stored and as audit records show it.
macro_rules! serde_as_text {
    ($name:ty) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$name>::parse(&s)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown value {s:?}")))
            }
        }
    };
}
pub(crate) use serde_as_text;
pub(crate) use str_enum;

str_enum!(
    /// How a project is paid for.
    BillingModel { TimeMaterials = "time_materials", FixedFee = "fixed_fee", Retainer = "retainer" }
);
str_enum!(
    /// What earns a fixed-fee project its revenue.
    FixedRevenue { Milestones = "milestones", Deliverables = "deliverables" }
);
str_enum!(
    /// Where a piece of work sits relative to the contract.
    Scope { InScope = "in_scope", ChangeRequest = "change_request", Free = "free" }
);
str_enum!(
    /// Why work is given free or written off: always said, never secret.
    FreeReason { Goodwill = "goodwill", OurError = "our_error", PreSales = "pre_sales", Strategic = "strategic" }
);
str_enum!(
    /// A deliverable's progress.
    DeliverableStatus { Planned = "planned", InProgress = "in_progress", Done = "done", Accepted = "accepted" }
);
str_enum!(
    /// A change request's progress; approved and rejected are final.
    ChangeStatus { Draft = "draft", Sent = "sent", Approved = "approved", Rejected = "rejected" }
);
str_enum!(
    /// The rollover rule of a retainer, as stored.
    RolloverKind { None = "none", Carry = "carry", Debt = "debt" }
);

impl ChangeStatus {
    pub fn is_final(self) -> bool {
        matches!(self, ChangeStatus::Approved | ChangeStatus::Rejected)
    }
}

/// A civil date as stored: `YYYYMMDD`.
pub fn day_key(d: jiff::civil::Date) -> i32 {
    i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day())
}
/// The date of a stored `YYYYMMDD`.
pub fn day_from_key(k: i32) -> Option<jiff::civil::Date> {
    let y = i16::try_from(k / 10_000).ok()?;
    let m = i8::try_from((k / 100) % 100).ok()?;
    let d = i8::try_from(k % 100).ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}
/// The month of a stored day: `YYYYMM`.
pub fn month_of(day: i32) -> i32 {
    day / 100
}
pub fn month_key(ym: YearMonth) -> i32 {
    ym.year * 100 + i32::from(ym.month)
}
pub fn year_month(key: i32) -> YearMonth {
    YearMonth {
        year: key / 100,
        month: u8::try_from((key % 100).clamp(1, 12)).unwrap_or(1),
    }
}
/// The Monday of the week holding `d`.
pub fn week_start(d: jiff::civil::Date) -> jiff::civil::Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d)
}

/// Money value of `minutes` at an hourly rate in minor units, rounded to the unit, halves up.
pub fn value_of(minutes: i64, hourly_minor: i64) -> i64 {
    let num = i128::from(minutes) * i128::from(hourly_minor);
    let v = (num * 2 + 60).div_euclid(120);
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The facts of one time entry that decide its contribution to the aggregates.
#[derive(Clone, Copy, Debug)]
pub struct EntryFacts {
    pub minutes: i64,
    pub billable: bool,
    pub scope: Scope,
    pub has_deliverable: bool,
    pub has_change_request: bool,
    pub written_off: bool,
    /// The minutes billed after the rounding rule (`Rounding::apply`), kept on the entry.
    pub billed_minutes: i64,
    pub rate_minor: i64,
    pub cost_minor: i64,
}

/// Sums kept per project, client and month. Values are in minor units at billing rates and use
/// the rounded minutes; `minutes` fields are raw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub minutes: i64,
    pub billable_minutes: i64,
    pub billed_minutes: i64,
    pub value: i64,
    pub unplanned_minutes: i64,
    pub free_minutes: i64,
    pub written_off_minutes: i64,
    pub billable_value: i64,
    pub unplanned_value: i64,
    pub free_value: i64,
    pub written_off_value: i64,
    pub cost: i64,
    /// Non-billable work outside the approved scope (neither a deliverable nor a change request,
    /// not free, not written off): delivered and never billed.
    pub unbilled_scope_minutes: i64,
    pub unbilled_scope_value: i64,
}

/// A sum that does not fit in 64 bits: refused, never wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an aggregate does not fit in 64 bits")]
pub struct Overflow;

impl Figures {
    fn fields_mut(&mut self) -> [&mut i64; 14] {
        [
            &mut self.minutes,
            &mut self.billable_minutes,
            &mut self.billed_minutes,
            &mut self.value,
            &mut self.unplanned_minutes,
            &mut self.free_minutes,
            &mut self.written_off_minutes,
            &mut self.billable_value,
            &mut self.unplanned_value,
            &mut self.free_value,
            &mut self.written_off_value,
            &mut self.cost,
            &mut self.unbilled_scope_minutes,
            &mut self.unbilled_scope_value,
        ]
    }
    /// Adds `sign` × `o` (`sign` is 1 or −1) with checked arithmetic; on overflow `self` is left
    /// unchanged and the error says so.
    pub fn add(&mut self, o: &Figures, sign: i64) -> Result<(), Overflow> {
        let mut next = *self;
        let mut other = *o;
        for (a, b) in next.fields_mut().into_iter().zip(other.fields_mut()) {
            *a = b
                .checked_mul(sign)
                .and_then(|b| a.checked_add(b))
                .ok_or(Overflow)?;
        }
        *self = next;
        Ok(())
    }
    /// Adds `sign` × `o` for a reader's total: a field that would overflow stays at the bound
    /// (never wraps) and the answer is `Err`, for the caller to log.
    pub fn add_saturating(&mut self, o: &Figures, sign: i64) -> Result<(), Overflow> {
        let mut other = *o;
        let mut over = false;
        for (a, b) in self.fields_mut().into_iter().zip(other.fields_mut()) {
            let b = b.saturating_mul(sign);
            over |= a.checked_add(b).is_none();
            *a = a.saturating_add(b);
        }
        if over { Err(Overflow) } else { Ok(()) }
    }
    pub fn is_zero(&self) -> bool {
        *self == Figures::default()
    }
}

/// What one entry adds to its project's month.
/// - Every entry counts its raw minutes, its value (rounded minutes × rate) and its cost (raw
///   minutes × the person's cost rate).
/// - Billable work (billable flag, not free, not written off) counts as billable and billed.
/// - Free work and written-off work count in their own columns, at their value, billed at zero.
/// - Work attached to neither a deliverable nor a change request is unplanned (outside the
///   baseline scope); its value excludes free and written-off work, counted apart.
pub fn contribution(e: &EntryFacts) -> Figures {
    let billed = e.billed_minutes;
    let value = value_of(billed, e.rate_minor);
    let mut f = Figures {
        minutes: e.minutes,
        value,
        cost: value_of(e.minutes, e.cost_minor),
        ..Figures::default()
    };
    let free = e.scope == Scope::Free;
    if free {
        f.free_minutes = e.minutes;
        f.free_value = value;
    } else if e.written_off {
        f.written_off_minutes = e.minutes;
        f.written_off_value = value;
    } else if e.billable {
        f.billable_minutes = e.minutes;
        f.billed_minutes = billed;
        f.billable_value = value;
    }
    if !e.has_deliverable && !e.has_change_request {
        f.unplanned_minutes = e.minutes;
        if !free && !e.written_off {
            f.unplanned_value = value;
            if !e.billable {
                f.unbilled_scope_minutes = e.minutes;
                f.unbilled_scope_value = value;
            }
        }
    }
    f
}

/// The contract terms that turn work into earned revenue.
#[derive(Clone, Debug)]
pub struct Terms {
    pub model: BillingModel,
    pub hourly_rate_minor: i64,
    pub cap_minor: Option<i64>,
    pub fixed_price_minor: i64,
    pub fixed_revenue: FixedRevenue,
    pub retainer_fee_minor: i64,
    pub retainer_included_minutes: i64,
    pub rollover: Rollover,
    /// First and last month of the engagement (`YYYYMM`), when known.
    pub start_month: Option<i32>,
    pub end_month: Option<i32>,
}

/// Revenue and over-servicing earned in one month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Earned {
    pub revenue: i64,
    pub over_servicing: i64,
}

/// What earns fixed-fee revenue: reached milestones (amount, month reached) and accepted
/// deliverables (estimate in minutes, month accepted).
#[derive(Clone, Debug, Default)]
pub struct FixedEvents {
    pub milestones: Vec<(i64, i32)>,
    pub deliverables: Vec<(i64, Option<i32>)>,
}

/// Earned revenue and over-servicing per month, from the billing model:
/// - time & materials: billable value, until the cap is reached; billable value beyond the cap
///   is over-servicing;
/// - fixed fee: milestones reached, or the price × the estimate share of accepted deliverables;
///   unplanned work (outside deliverables and change requests) is over-servicing;
/// - retainer: the monthly fee for every month from the start to `through` (or the end), plus
///   the billable overrun per the rollover rule at the project rate; with the debt rule the
///   overrun is owed, not billed, and the change in owed hours is over-servicing.
///
/// Free and written-off value is over-servicing under every model, and so is non-billable work
/// outside the approved scope under time & materials and retainers (under a fixed fee it is in the
/// unplanned value already). Months with no work but with revenue (a milestone, a retainer fee)
/// appear in the result.
pub fn earned(
    terms: &Terms,
    months: &BTreeMap<i32, Figures>,
    fixed: &FixedEvents,
    through: i32,
) -> BTreeMap<i32, Earned> {
    let mut out: BTreeMap<i32, Earned> = BTreeMap::new();
    for (m, f) in months {
        let unbilled = match terms.model {
            BillingModel::FixedFee => 0,
            BillingModel::TimeMaterials | BillingModel::Retainer => f.unbilled_scope_value,
        };
        out.entry(*m).or_default().over_servicing += f.free_value + f.written_off_value + unbilled;
    }
    match terms.model {
        BillingModel::TimeMaterials => {
            let mut left = terms.cap_minor.unwrap_or(i64::MAX);
            for (m, f) in months {
                let r = f.billable_value.min(left.max(0));
                left = left.saturating_sub(r);
                let e = out.entry(*m).or_default();
                e.revenue += r;
                e.over_servicing += f.billable_value - r;
            }
        }
        BillingModel::FixedFee => {
            for (m, f) in months {
                out.entry(*m).or_default().over_servicing += f.unplanned_value;
            }
            match terms.fixed_revenue {
                FixedRevenue::Milestones => {
                    for (amount, month) in &fixed.milestones {
                        out.entry(*month).or_default().revenue += amount;
                    }
                }
                FixedRevenue::Deliverables => {
                    let total: i64 = fixed.deliverables.iter().map(|d| d.0).sum();
                    if total > 0 {
                        // Cumulative shares, so that the parts add up to the price exactly.
                        let mut by_month: BTreeMap<i32, i64> = BTreeMap::new();
                        for (est, month) in &fixed.deliverables {
                            if let Some(month) = month {
                                *by_month.entry(*month).or_default() += est;
                            }
                        }
                        let mut done = 0i64;
                        let mut paid = 0i64;
                        for (month, est) in by_month {
                            done += est;
                            let upto = i64::try_from(
                                i128::from(terms.fixed_price_minor) * i128::from(done)
                                    / i128::from(total),
                            )
                            .unwrap_or(0);
                            out.entry(month).or_default().revenue += upto - paid;
                            paid = upto;
                        }
                    }
                }
            }
        }
        BillingModel::Retainer => {
            let Some((first, end)) = retainer_earned_span(
                terms,
                months.keys().next().copied(),
                months.keys().next_back().copied(),
                through,
            ) else {
                return out;
            };
            let uses = retainer_months(
                first,
                end,
                terms.retainer_included_minutes,
                |m| months.get(&m).map(|f| f.billed_minutes).unwrap_or(0),
                1201,
            );
            if let Ok(bal) = retainer::balances(terms.rollover, &uses) {
                for (u, b) in uses.iter().zip(bal) {
                    let e = out.entry(month_key(u.month)).or_default();
                    e.revenue += terms.retainer_fee_minor
                        + value_of(b.billable_overrun.get(), terms.hourly_rate_minor);
                    e.over_servicing += value_of(b.debt_out.get(), terms.hourly_rate_minor)
                        - value_of(b.debt_in.get(), terms.hourly_rate_minor);
                }
            }
        }
    }
    out
}

/// The months a retainer earns its fee in (`YYYYMM`, both included): from the earlier of its
/// start and its first month of work, through `through` (the current month) or its end month if
/// earlier, but never before its last month of work. `None` with neither a start nor work.
pub fn retainer_earned_span(
    terms: &Terms,
    first_work: Option<i32>,
    last_work: Option<i32>,
    through: i32,
) -> Option<(i32, i32)> {
    let first = terms.start_month.into_iter().chain(first_work).min()?;
    let mut end = through;
    if let Some(e) = terms.end_month {
        end = end.min(e);
    }
    if let Some(l) = last_work {
        end = end.max(l);
    }
    Some((first, end))
}

/// The months a project's radar page shows the retainer balance of (`YYYYMM`, both included):
/// from the earlier of its start and its first month of work, through the later of its last
/// month of work (else `now`) and `now` or its end month if earlier. Unlike
/// [`retainer_earned_span`], a retainer with no work runs to `now` even past its end month.
pub fn retainer_shown_span(
    terms: &Terms,
    first_work: Option<i32>,
    last_work: Option<i32>,
    now: i32,
) -> Option<(i32, i32)> {
    let first = terms.start_month.into_iter().chain(first_work).min()?;
    let last = last_work
        .unwrap_or(now)
        .max(now.min(terms.end_month.unwrap_or(now)));
    Some((first, last))
}

/// The month-by-month use of a retainer over `[first, last]` (`YYYYMM`): the included minutes
/// each month and the billed minutes `used(month)`; at most `limit` months.
pub fn retainer_months(
    first: i32,
    last: i32,
    included: i64,
    used: impl Fn(i32) -> i64,
    limit: usize,
) -> Vec<MonthUse> {
    let mut uses = Vec::new();
    let mut ym = year_month(first);
    while month_key(ym) <= last && uses.len() < limit {
        uses.push(MonthUse {
            month: ym,
            included: Minutes::new(included),
            used: Minutes::new(used(month_key(ym))),
        });
        ym = ym.next();
    }
    uses
}

/// The retainer walk of a project's radar page: each month of [`retainer_shown_span`] (at most
/// 1,200) with its balance under the project's rollover rule; `used` gives the billed minutes of
/// a month. Empty when the project is no retainer or has neither a start nor work.
pub fn retainer_walk(
    terms: &Terms,
    first_work: Option<i32>,
    last_work: Option<i32>,
    now: i32,
    used: impl Fn(i32) -> i64,
) -> Vec<(i32, retainer::MonthBalance)> {
    if terms.model != BillingModel::Retainer {
        return Vec::new();
    }
    let Some((first, last)) = retainer_shown_span(terms, first_work, last_work, now) else {
        return Vec::new();
    };
    let uses = retainer_months(first, last, terms.retainer_included_minutes, used, 1200);
    match retainer::balances(terms.rollover, &uses) {
        Ok(b) => uses.iter().map(|u| month_key(u.month)).zip(b).collect(),
        Err(_) => Vec::new(),
    }
}

/// The rollover rule from its stored parts.
pub fn rollover(kind: RolloverKind, months: i32) -> Rollover {
    match kind {
        RolloverKind::None => Rollover::None,
        RolloverKind::Carry => Rollover::Carry {
            months: u32::try_from(months.max(0)).unwrap_or(0),
        },
        RolloverKind::Debt => Rollover::Debt,
    }
}

/// Parses alert thresholds such as `"80,100"` (percent, 1–1000, ascending, at most five).
pub fn parse_thresholds(s: &str) -> Option<Vec<i32>> {
    let mut v = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let n: i32 = part.trim_end_matches('%').trim().parse().ok()?;
        if !(1..=1000).contains(&n) {
            return None;
        }
        v.push(n);
    }
    v.sort_unstable();
    v.dedup();
    (!v.is_empty() && v.len() <= 5).then_some(v)
}

/// Public holidays in France (metropolitan): the fixed days plus Easter Monday, Ascension and
/// Whit Monday.
pub fn french_holidays(year: i16) -> Vec<jiff::civil::Date> {
    let mut out = Vec::new();
    for (m, d) in [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ] {
        if let Ok(date) = jiff::civil::Date::new(year, m, d) {
            out.push(date);
        }
    }
    if let Some(easter) = easter_sunday(year) {
        for offset in [1i64, 39, 50] {
            if let Ok(d) = easter.checked_add(jiff::Span::new().days(offset)) {
                out.push(d);
            }
        }
    }
    out.sort();
    out
}

/// Easter Sunday (Gregorian, anonymous algorithm).
pub fn easter_sunday(year: i16) -> Option<jiff::civil::Date> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = ((h + l - 7 * m + 114) % 31) + 1;
    jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Available minutes of a person in `[from, to)`: the weekly capacity spread over Monday–Friday,
/// minus public holidays and leave (minutes per day, capped at the day's capacity).
pub fn available_minutes(
    weekly_minutes: i64,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    holidays: &[jiff::civil::Date],
    leave: &BTreeMap<i32, i64>,
) -> i64 {
    let per_day = weekly_minutes / 5;
    let mut total = 0;
    let mut d = from;
    while d < to {
        let wd = d.weekday().to_monday_zero_offset();
        if wd < 5 && !holidays.contains(&d) {
            let off = leave.get(&day_key(d)).copied().unwrap_or(0).min(per_day);
            total += per_day - off;
        }
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    total
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::time::Rounding;
    use jiff::civil::date;

    /// A small deterministic generator (xorshift64*), so the property test needs no crate.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn upto(&mut self, max: i64) -> i64 {
            // Half of the draws sit at the bound itself.
            if self.next().is_multiple_of(2) {
                max
            } else {
                i64::try_from(self.next() % (max.unsigned_abs() + 1)).unwrap()
            }
        }
    }

    #[test]
    fn aggregates_at_the_bounds_are_exact_and_never_wrap() {
        // The largest rate of the currency with the most minor digits, day-long entries.
        let tnd = crate::Currency::parse("TND").unwrap();
        let max_rate = crate::max_rate_minor(tnd);
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut total = Figures::default();
        let (mut minutes, mut value, mut cost) = (0i128, 0i128, 0i128);
        for i in 0..200_000 {
            let m = g.upto(crate::time::MAX_DAY_MINUTES);
            let e = EntryFacts {
                minutes: m,
                billable: i % 3 != 0,
                scope: if i % 7 == 0 {
                    Scope::Free
                } else {
                    Scope::InScope
                },
                has_deliverable: i % 2 == 0,
                has_change_request: false,
                written_off: i % 11 == 0,
                billed_minutes: m,
                rate_minor: g.upto(max_rate),
                cost_minor: g.upto(max_rate),
            };
            let f = contribution(&e);
            minutes += i128::from(e.minutes);
            value += (i128::from(m) * i128::from(e.rate_minor) * 2 + 60).div_euclid(120);
            cost += (i128::from(m) * i128::from(e.cost_minor) * 2 + 60).div_euclid(120);
            total.add(&f, 1).unwrap();
        }
        assert_eq!(i128::from(total.minutes), minutes);
        assert_eq!(i128::from(total.value), value);
        assert_eq!(i128::from(total.cost), cost);
        // Removing everything again leaves zero.
        let copy = total;
        total.add(&copy, -1).unwrap();
        assert!(total.is_zero());
    }

    #[test]
    fn an_overflowing_sum_is_refused_and_changes_nothing() {
        let mut f = Figures {
            value: i64::MAX - 1,
            ..Figures::default()
        };
        let before = f;
        let one = Figures {
            minutes: 5,
            value: 2,
            ..Figures::default()
        };
        assert_eq!(f.add(&one, 1), Err(Overflow));
        assert_eq!(f, before);
        assert_eq!(f.add_saturating(&one, 1), Err(Overflow));
        assert_eq!(f.value, i64::MAX);
        assert_eq!(f.minutes, 5);
        assert_eq!(value_of(i64::MAX, i64::MAX), i64::MAX);
    }

    fn facts(minutes: i64) -> EntryFacts {
        EntryFacts {
            minutes,
            billable: true,
            scope: Scope::InScope,
            has_deliverable: true,
            has_change_request: false,
            written_off: false,
            billed_minutes: minutes,
            rate_minor: 10_000,
            cost_minor: 4_000,
        }
    }

    #[test]
    fn value_rounds_half_up_to_the_cent() {
        assert_eq!(value_of(60, 10_000), 10_000);
        assert_eq!(value_of(7, 10_000), 1_167); // 1166.67
        assert_eq!(value_of(1, 90), 2); // 1.5 → 2
        assert_eq!(value_of(1, 30), 1); // 0.5 → 1
        assert_eq!(value_of(1, 29), 0);
    }

    #[test]
    fn contribution_of_billable_free_written_off_and_unplanned_work() {
        // 50 min rounded up to 60 (up15) at 100.00/h, cost 40.00/h on raw minutes.
        let mut e = facts(50);
        e.billed_minutes = Rounding::UpTo(15).apply(Minutes::new(50)).get();
        let f = contribution(&e);
        assert_eq!(
            (
                f.minutes,
                f.billable_minutes,
                f.billed_minutes,
                f.billable_value,
                f.cost
            ),
            (50, 50, 60, 10_000, 3_333)
        );
        assert_eq!(f.unplanned_minutes, 0);

        let mut free = facts(30);
        free.scope = Scope::Free;
        free.has_deliverable = false;
        let f = contribution(&free);
        assert_eq!(
            (
                f.billable_minutes,
                f.free_minutes,
                f.free_value,
                f.unplanned_minutes,
                f.unplanned_value
            ),
            (0, 30, 5_000, 30, 0)
        );

        let mut wo = facts(60);
        wo.written_off = true;
        let f = contribution(&wo);
        assert_eq!(
            (f.billable_value, f.written_off_minutes, f.written_off_value),
            (0, 60, 10_000)
        );

        let mut unplanned = facts(90);
        unplanned.has_deliverable = false;
        let f = contribution(&unplanned);
        assert_eq!((f.unplanned_minutes, f.unplanned_value), (90, 15_000));
    }

    fn terms(model: BillingModel) -> Terms {
        Terms {
            model,
            hourly_rate_minor: 10_000,
            cap_minor: None,
            fixed_price_minor: 0,
            fixed_revenue: FixedRevenue::Milestones,
            retainer_fee_minor: 0,
            retainer_included_minutes: 0,
            rollover: Rollover::None,
            start_month: None,
            end_month: None,
        }
    }

    fn month(billable_value: i64, billed_minutes: i64) -> Figures {
        Figures {
            billable_value,
            billed_minutes,
            ..Figures::default()
        }
    }

    #[test]
    fn time_and_materials_within_the_cap() {
        let mut t = terms(BillingModel::TimeMaterials);
        t.cap_minor = Some(250_000);
        let months = BTreeMap::from([
            (202601, month(100_000, 600)),
            (202602, month(100_000, 600)),
            (202603, month(100_000, 600)),
        ]);
        let e = earned(&t, &months, &FixedEvents::default(), 202603);
        assert_eq!(e[&202601].revenue, 100_000);
        assert_eq!(e[&202603].revenue, 50_000);
        assert_eq!(e[&202603].over_servicing, 50_000);
        assert_eq!(e.values().map(|x| x.revenue).sum::<i64>(), 250_000);
    }

    #[test]
    fn fixed_fee_by_milestones_and_by_accepted_deliverables() {
        let mut t = terms(BillingModel::FixedFee);
        t.fixed_price_minor = 1_000_000;
        let unplanned = Figures {
            unplanned_value: 20_000,
            free_value: 5_000,
            ..Figures::default()
        };
        let months = BTreeMap::from([(202601, unplanned)]);
        let ev = FixedEvents {
            milestones: vec![(400_000, 202602), (600_000, 202604)],
            deliverables: vec![(600, Some(202602)), (1200, Some(202603)), (300, None)],
        };
        let e = earned(&t, &months, &ev, 202604);
        assert_eq!(
            e[&202601],
            Earned {
                revenue: 0,
                over_servicing: 25_000
            }
        );
        assert_eq!(e[&202602].revenue, 400_000);
        assert_eq!(e[&202604].revenue, 600_000);
        t.fixed_revenue = FixedRevenue::Deliverables;
        let e = earned(&t, &months, &ev, 202604);
        // 600 / 2100 of 10,000.00 = 2,857.14; then 1800 / 2100 = 8,571.42 cumulative.
        assert_eq!(e[&202602].revenue, 285_714);
        assert_eq!(e[&202603].revenue, 857_142 - 285_714);
    }

    #[test]
    fn retainer_fee_every_month_and_debt_across_a_year_end() {
        let mut t = terms(BillingModel::Retainer);
        t.retainer_fee_minor = 200_000;
        t.retainer_included_minutes = 600;
        t.rollover = Rollover::Debt;
        t.start_month = Some(202511);
        // Nov: 540 used; Dec: 780 used (180 over → debt); Jan: 300 used (debt absorbed); Feb: none.
        let months = BTreeMap::from([
            (202511, month(0, 540)),
            (202512, month(0, 780)),
            (202601, month(0, 300)),
        ]);
        let e = earned(&t, &months, &FixedEvents::default(), 202602);
        assert_eq!(e.len(), 4);
        assert!(e.values().all(|x| x.revenue == 200_000));
        assert_eq!(e[&202512].over_servicing, 30_000); // 3 h owed at 100.00
        assert_eq!(e[&202601].over_servicing, -30_000); // absorbed
        t.rollover = Rollover::None;
        let e = earned(&t, &months, &FixedEvents::default(), 202602);
        assert_eq!(e[&202512].revenue, 230_000); // fee + 3 h overrun billed
        assert_eq!(e[&202512].over_servicing, 0);
    }

    #[test]
    fn thresholds_parse() {
        assert_eq!(parse_thresholds("100, 80"), Some(vec![80, 100]));
        assert_eq!(parse_thresholds("80%"), Some(vec![80]));
        assert_eq!(parse_thresholds(""), None);
        assert_eq!(parse_thresholds("0"), None);
        assert_eq!(parse_thresholds("abc"), None);
    }

    #[test]
    fn french_holidays_2026() {
        let h = french_holidays(2026);
        assert_eq!(h.len(), 11);
        assert!(h.contains(&date(2026, 4, 6))); // Easter Monday
        assert!(h.contains(&date(2026, 5, 14))); // Ascension
        assert!(h.contains(&date(2026, 5, 25))); // Whit Monday
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
    }

    #[test]
    fn capacity_minus_holidays_and_leave() {
        // May 2026: 21 weekdays, minus May 1, 8, 14, 25 = 17 days of 7 h; 1 day of leave → 16.
        let leave = BTreeMap::from([(20260512, 420)]);
        let m = available_minutes(
            2100,
            date(2026, 5, 1),
            date(2026, 6, 1),
            &french_holidays(2026),
            &leave,
        );
        assert_eq!(m, 16 * 420);
    }

    #[test]
    fn days_and_weeks() {
        assert_eq!(day_key(date(2026, 11, 24)), 20261124);
        assert_eq!(day_from_key(20261124), Some(date(2026, 11, 24)));
        assert_eq!(day_from_key(20261324), None);
        assert_eq!(week_start(date(2026, 11, 29)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 23)), date(2026, 11, 23));
        assert_eq!(month_of(20261124), 202611);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod rule_tests {
    use super::*;

    fn terms(model: BillingModel) -> Terms {
        Terms {
            model,
            hourly_rate_minor: 10_000,
            cap_minor: None,
            fixed_price_minor: 0,
            fixed_revenue: FixedRevenue::Milestones,
            retainer_fee_minor: 0,
            retainer_included_minutes: 0,
            rollover: Rollover::None,
            start_month: None,
            end_month: None,
        }
    }

    fn billable(minutes: i64) -> Figures {
        Figures {
            billable_value: value_of(minutes, 10_000),
            billed_minutes: minutes,
            ..Figures::default()
        }
    }

    #[test]
    fn cap_exactly_reached_and_exceeded_by_one_minute() {
        // Cap 1,000.00 at 100.00/h: 600 minutes reach it exactly (10 h × 100.00).
        let mut t = terms(BillingModel::TimeMaterials);
        t.cap_minor = Some(100_000);
        let months = BTreeMap::from([(202601, billable(360)), (202602, billable(240))]);
        let e = earned(&t, &months, &FixedEvents::default(), 202602);
        assert_eq!(
            e[&202601],
            Earned {
                revenue: 60_000,
                over_servicing: 0
            }
        );
        assert_eq!(
            e[&202602],
            Earned {
                revenue: 40_000,
                over_servicing: 0
            }
        );
        // One minute more in February: 241 min = 401.67 (40,166.67 rounded up); 400.00 earned,
        // the minute's 1.67 is over-servicing.
        let months = BTreeMap::from([(202601, billable(360)), (202602, billable(241))]);
        let e = earned(&t, &months, &FixedEvents::default(), 202602);
        assert_eq!(
            e[&202602],
            Earned {
                revenue: 40_000,
                over_servicing: 167
            }
        );
        // A later month earns nothing once the cap is spent: all of it is over-servicing.
        let months = BTreeMap::from([(202601, billable(600)), (202602, billable(60))]);
        let e = earned(&t, &months, &FixedEvents::default(), 202602);
        assert_eq!(
            e[&202602],
            Earned {
                revenue: 0,
                over_servicing: 10_000
            }
        );
    }

    #[test]
    fn zero_cap_earns_nothing_and_no_cap_earns_everything() {
        let mut t = terms(BillingModel::TimeMaterials);
        t.cap_minor = Some(0);
        let months = BTreeMap::from([(202601, billable(90))]);
        let e = earned(&t, &months, &FixedEvents::default(), 202601);
        // 90 min at 100.00/h = 150.00, all beyond a zero cap.
        assert_eq!(
            e[&202601],
            Earned {
                revenue: 0,
                over_servicing: 15_000
            }
        );
        t.cap_minor = None;
        let e = earned(&t, &months, &FixedEvents::default(), 202601);
        assert_eq!(
            e[&202601],
            Earned {
                revenue: 15_000,
                over_servicing: 0
            }
        );
    }

    #[test]
    fn retainer_spans_earned_and_shown() {
        let mut t = terms(BillingModel::Retainer);
        t.start_month = Some(202510);
        // Earned: from the start through now (202602), even with work only in December.
        assert_eq!(
            retainer_earned_span(&t, Some(202512), Some(202512), 202602),
            Some((202510, 202602))
        );
        // Work before the start moves the first month back.
        assert_eq!(
            retainer_earned_span(&t, Some(202509), Some(202512), 202602),
            Some((202509, 202602))
        );
        // Ended in December: earned through December, unless work was logged after it.
        t.end_month = Some(202512);
        assert_eq!(
            retainer_earned_span(&t, None, None, 202602),
            Some((202510, 202512))
        );
        assert_eq!(
            retainer_earned_span(&t, Some(202511), Some(202601), 202602),
            Some((202510, 202601))
        );
        // Shown on the page: with work, the same months.
        assert_eq!(
            retainer_shown_span(&t, Some(202511), Some(202601), 202602),
            Some((202510, 202601))
        );
        // Without work the page runs to now (February), past the December end: the earned
        // months stop in December. Kept as found: which is right is not decided yet.
        assert_eq!(
            retainer_shown_span(&t, None, None, 202602),
            Some((202510, 202602))
        );
        // Neither a start nor work: no months.
        t.start_month = None;
        assert_eq!(retainer_earned_span(&t, None, None, 202602), None);
        assert_eq!(retainer_shown_span(&t, None, None, 202602), None);
    }

    #[test]
    fn retainer_months_cross_the_year_end_and_stop_at_the_limit() {
        let used = BTreeMap::from([(202512, 700i64), (202601, 100)]);
        let m = retainer_months(
            202511,
            202602,
            600,
            |k| used.get(&k).copied().unwrap_or(0),
            10,
        );
        let keys: Vec<i32> = m.iter().map(|u| month_key(u.month)).collect();
        assert_eq!(keys, vec![202511, 202512, 202601, 202602]);
        let got: Vec<i64> = m.iter().map(|u| u.used.get()).collect();
        assert_eq!(got, vec![0, 700, 100, 0]);
        assert!(m.iter().all(|u| u.included.get() == 600));
        assert_eq!(retainer_months(202511, 202602, 600, |_| 0, 2).len(), 2);
        assert!(retainer_months(202603, 202602, 600, |_| 0, 10).is_empty());
    }

    #[test]
    fn retainer_walk_carries_unused_hours_over_the_months() {
        // 10 h a month from November, carry 2 months, now January.
        // Nov: 6 h used → 4 h carried. Dec: 12 h used: 4 carried first, 8 of Dec's 10 → 2 carried.
        // Jan: nothing logged (the walk still shows it): 2 from Dec + 10 of Jan carried = 12 h.
        let mut t = terms(BillingModel::Retainer);
        t.retainer_included_minutes = 600;
        t.rollover = Rollover::Carry { months: 2 };
        t.start_month = Some(202511);
        let used = BTreeMap::from([(202511, 360i64), (202512, 720)]);
        let w = retainer_walk(&t, Some(202511), Some(202512), 202601, |k| {
            used.get(&k).copied().unwrap_or(0)
        });
        let keys: Vec<i32> = w.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, vec![202511, 202512, 202601]);
        let carried: Vec<(i64, i64)> = w
            .iter()
            .map(|(_, b)| (b.carried_in.get(), b.carried_out.get()))
            .collect();
        assert_eq!(carried, vec![(0, 240), (240, 120), (120, 720)]);
        // No retainer, no walk.
        t.model = BillingModel::TimeMaterials;
        assert!(retainer_walk(&t, Some(202511), Some(202512), 202601, |_| 0).is_empty());
    }
}
