//! Property tests of the billing rules: rounding, the value of split entries, earned revenue
//! under a cap and the retainer walk. 256 cases each (proptest's default).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
use crate::projects::engagement::{
    BillingModel, Figures, FixedEvents, FixedRevenue, Terms, earned, month_key, value_of,
    year_month,
};
use crate::projects::retainer::{MonthUse, Rollover, YearMonth, balances};
use crate::time::{MAX_DAY_MINUTES, Minutes, Rounding};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![
        Just(Rounding::None),
        Just(Rounding::UpTo(6)),
        Just(Rounding::UpTo(15)),
        Just(Rounding::UpTo(30)),
    ]
}

fn step(r: Rounding) -> i64 {
    match r {
        Rounding::None => 1,
        Rounding::UpTo(s) => i64::from(s.max(1)),
    }
}

/// Rates up to 10,000.00 an hour.
fn rate() -> impl Strategy<Value = i64> {
    0i64..=1_000_000
}

fn tm_terms(cap: Option<i64>) -> Terms {
    Terms {
        model: BillingModel::TimeMaterials,
        hourly_rate_minor: 10_000,
        cap_minor: cap,
        fixed_price_minor: 0,
        fixed_revenue: FixedRevenue::Milestones,
        retainer_fee_minor: 0,
        retainer_included_minutes: 0,
        rollover: Rollover::None,
        start_month: None,
        end_month: None,
    }
}

/// Consecutive months from January 2026 with the given billable values.
fn billable_months(values: &[i64]) -> BTreeMap<i32, Figures> {
    let mut ym = YearMonth {
        year: 2026,
        month: 1,
    };
    let mut out = BTreeMap::new();
    for v in values {
        out.insert(
            month_key(ym),
            Figures {
                billable_value: *v,
                ..Figures::default()
            },
        );
        ym = ym.next();
    }
    out
}

fn rollover() -> impl Strategy<Value = Rollover> {
    prop_oneof![
        Just(Rollover::None),
        (0u32..=4).prop_map(|months| Rollover::Carry { months }),
        Just(Rollover::Debt),
    ]
}

fn uses(included: i64, used: &[i64]) -> Vec<MonthUse> {
    let mut ym = year_month(202511);
    used.iter()
        .map(|u| {
            let m = MonthUse {
                month: ym,
                included: Minutes::new(included),
                used: Minutes::new(*u),
            };
            ym = ym.next();
            m
        })
        .collect()
}

proptest! {
    /// Rounding up to a step: idempotent, monotone, never below the raw minutes, less than one
    /// step above them, on a multiple of the step.
    #[test]
    fn rounding_is_idempotent_monotone_and_within_one_step(
        r in rounding(),
        a in 0i64..=MAX_DAY_MINUTES,
        b in 0i64..=MAX_DAY_MINUTES,
    ) {
        let ra = r.apply(Minutes::new(a)).get();
        prop_assert_eq!(r.apply(Minutes::new(ra)).get(), ra);
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(r.apply(Minutes::new(lo)).get() <= r.apply(Minutes::new(hi)).get());
        prop_assert!(ra >= a && ra < a + step(r));
        prop_assert_eq!(ra % step(r), 0);
    }

    /// The value of minutes at a rate: exact to half a cent (half up), monotone in the minutes.
    #[test]
    fn value_is_the_exact_product_rounded_half_up(m in 0i64..=MAX_DAY_MINUTES, rate in rate()) {
        let v = value_of(m, rate);
        // |v − m × rate / 60| ≤ ½, halves up: 60v − 30 ≤ m × rate < 60v + 30.
        let exact = i128::from(m) * i128::from(rate);
        prop_assert!(60 * i128::from(v) - 30 <= exact && exact < 60 * i128::from(v) + 30);
        prop_assert!(value_of(m + 1, rate) >= v);
    }

    /// Splitting an entry in two: the billed minutes grow by 0 or one rounding step, never
    /// shrink; the billed value moves by at most the value of one step plus one cent.
    #[test]
    fn splitting_an_entry_changes_billed_value_by_at_most_one_step(
        r in rounding(),
        total in 2i64..=MAX_DAY_MINUTES,
        cut in 1i64..MAX_DAY_MINUTES,
        rate in rate(),
    ) {
        let a = cut.min(total - 1);
        let b = total - a;
        let whole = r.apply(Minutes::new(total)).get();
        let parts = r.apply(Minutes::new(a)).get() + r.apply(Minutes::new(b)).get();
        let extra = parts - whole;
        prop_assert!(extra == 0 || extra == step(r) && r != Rounding::None, "extra {extra}");
        let dv = value_of(r.apply(Minutes::new(a)).get(), rate)
            + value_of(r.apply(Minutes::new(b)).get(), rate)
            - value_of(whole, rate);
        let bound = if r == Rounding::None { 1 } else { value_of(step(r), rate) + 1 };
        prop_assert!(dv.abs() <= bound, "dv {dv} bound {bound}");
        // Without rounding the minutes add up and only the cents may differ.
        if r == Rounding::None {
            prop_assert!(dv.abs() <= 1);
        }
    }

    /// Time & materials under a cap: monthly revenue never negative, its sum never above the cap,
    /// equal to the uncapped revenue when the work stays within it and to the cap otherwise;
    /// each month's billable value is split into revenue and over-servicing exactly.
    #[test]
    fn earned_revenue_under_a_cap(
        values in prop::collection::vec(0i64..=5_000_000, 0..24),
        cap in prop::option::of(0i64..=50_000_000),
    ) {
        let months = billable_months(&values);
        let capped = earned(&tm_terms(cap), &months, &FixedEvents::default(), 202812);
        let uncapped = earned(&tm_terms(None), &months, &FixedEvents::default(), 202812);
        let total: i64 = values.iter().sum();
        let sum: i64 = capped.values().map(|e| e.revenue).sum();
        prop_assert!(capped.values().all(|e| e.revenue >= 0 && e.over_servicing >= 0));
        for (m, f) in &months {
            let e = capped[m];
            prop_assert_eq!(e.revenue + e.over_servicing, f.billable_value);
            prop_assert_eq!(uncapped[m].revenue, f.billable_value);
        }
        match cap {
            Some(c) => {
                prop_assert!(sum <= c);
                prop_assert_eq!(sum, total.min(c));
                if total <= c {
                    prop_assert_eq!(&capped, &uncapped);
                }
            }
            None => prop_assert_eq!(sum, total),
        }
    }

    /// The retainer walk under every rule: no balance is negative; what a month offers (carried
    /// or owed in, plus included) less what it used is what it leaves (carried out, expired,
    /// lost or owed); each month starts with what the previous one left; carried hours never
    /// exceed the rollover limit (months × included); only None and Carry bill overrun.
    #[test]
    fn retainer_walk_balances_month_to_month(
        rule in rollover(),
        included in 0i64..=6_000,
        used in prop::collection::vec(0i64..=12_000, 1..30),
    ) {
        let b = balances(rule, &uses(included, &used)).unwrap();
        prop_assert_eq!(b.len(), used.len());
        for (i, m) in b.iter().enumerate() {
            let g = |x: Minutes| x.get();
            for v in [m.carried_in, m.debt_in, m.overrun, m.billable_overrun, m.unused,
                      m.expired, m.carried_out, m.debt_out] {
                prop_assert!(v.get() >= 0, "negative balance in month {i}: {m:?}");
            }
            prop_assert_eq!(g(m.used), used[i]);
            prop_assert_eq!(g(m.included), included);
            if i > 0 {
                prop_assert_eq!(m.carried_in, b[i - 1].carried_out);
                prop_assert_eq!(m.debt_in, b[i - 1].debt_out);
            } else {
                prop_assert_eq!((g(m.carried_in), g(m.debt_in)), (0, 0));
            }
            match rule {
                Rollover::None => {
                    prop_assert_eq!(g(m.overrun) - g(m.unused), g(m.used) - included);
                    prop_assert_eq!(m.billable_overrun, m.overrun);
                    prop_assert_eq!(g(m.carried_out) + g(m.debt_out), 0);
                }
                Rollover::Carry { months } => {
                    // carried in + included + overrun − used = carried out + expired
                    // (+ this month's unused hours when nothing may be carried).
                    let lost = if months == 0 { g(m.unused) - g(m.expired) } else { 0 };
                    prop_assert_eq!(
                        g(m.carried_in) + included + g(m.overrun) - g(m.used),
                        g(m.carried_out) + g(m.expired) + lost
                    );
                    prop_assert!(g(m.carried_out) <= i64::from(months) * included);
                    prop_assert_eq!(m.billable_overrun, m.overrun);
                    if m.overrun.get() > 0 {
                        prop_assert_eq!(g(m.carried_out), 0);
                    }
                    prop_assert_eq!(g(m.debt_out), 0);
                }
                Rollover::Debt => {
                    prop_assert_eq!(
                        g(m.debt_out) - g(m.unused),
                        g(m.used) - (included - g(m.debt_in))
                    );
                    prop_assert_eq!(g(m.billable_overrun), 0);
                    prop_assert_eq!(g(m.carried_out), 0);
                }
            }
        }
    }

    /// A retainer's earned months: the fee every month, never less; under the debt rule the
    /// over-servicing of all months adds up to the value of the hours still owed at the end.
    #[test]
    fn retainer_earns_its_fee_and_debt_over_servicing_telescopes(
        rule in rollover(),
        included in 0i64..=6_000,
        fee in 0i64..=1_000_000,
        used in prop::collection::vec(0i64..=12_000, 1..24),
    ) {
        let mut t = tm_terms(None);
        t.model = BillingModel::Retainer;
        t.retainer_fee_minor = fee;
        t.retainer_included_minutes = included;
        t.rollover = rule;
        t.start_month = Some(202511);
        let mut months = BTreeMap::new();
        let mut ym = year_month(202511);
        for u in &used {
            months.insert(month_key(ym), Figures { billed_minutes: *u, ..Figures::default() });
            ym = ym.next();
        }
        let last = *months.keys().next_back().unwrap();
        let e = earned(&t, &months, &FixedEvents::default(), last);
        prop_assert_eq!(e.len(), used.len());
        prop_assert!(e.values().all(|x| x.revenue >= fee));
        let b = balances(rule, &uses(included, &used)).unwrap();
        let os: i64 = e.values().map(|x| x.over_servicing).sum();
        if rule == Rollover::Debt {
            prop_assert!(e.values().all(|x| x.revenue == fee));
            prop_assert_eq!(os, value_of(b.last().unwrap().debt_out.get(), t.hourly_rate_minor));
        } else {
            prop_assert_eq!(os, 0);
        }
    }
}
