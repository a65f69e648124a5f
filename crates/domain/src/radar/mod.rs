//! The over-servicing radar's formulas, exactly as the KPI dictionary of `shared/product.md`
//! defines them. Every function answers `None` for "no data" (never 0). Ratios are fractions
//! (0.25 = 25 %); money is `Decimal` in one currency.
pub mod burn;
pub mod permissions;
pub mod windows;
use crate::time::Minutes;
use rust_decimal::Decimal;

fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
    }
}

/// Budget burn: consumed / budget (hours or money alike).
pub fn budget_burn(consumed: Decimal, budget: Decimal) -> Option<Decimal> {
    ratio(consumed, budget)
}

/// Forecast at completion from the burn rate: what will have been consumed at the end if the
/// rate so far holds — consumed / elapsed × total duration (days, or any unit).
pub fn forecast_at_completion(
    consumed: Decimal,
    elapsed: Decimal,
    total: Decimal,
) -> Option<Decimal> {
    if elapsed <= Decimal::ZERO || total <= Decimal::ZERO {
        return None;
    }
    consumed.checked_div(elapsed)?.checked_mul(total)
}

/// Scope-creep index: hours on work outside the approved scope / baseline estimate.
pub fn scope_creep_index(outside_scope: Minutes, baseline_estimate: Minutes) -> Option<Decimal> {
    ratio(
        Decimal::from(outside_scope.get()),
        Decimal::from(baseline_estimate.get()),
    )
}

/// Effective billable rate: revenue / all hours worked on the client or project (billable,
/// non-billable and written off).
pub fn effective_billable_rate(revenue: Decimal, all_worked: Minutes) -> Option<Decimal> {
    if all_worked.get() <= 0 {
        return None;
    }
    revenue
        .checked_mul(Decimal::from(60))?
        .checked_div(Decimal::from(all_worked.get()))
}

/// Realisation: billed value / billable hours at standard rates.
pub fn realisation(billed: Decimal, billable_at_standard: Decimal) -> Option<Decimal> {
    ratio(billed, billable_at_standard)
}

/// Margin: revenue − (hours × cost rate + expenses); the cost of hours is summed by the caller
/// per person and period, since cost rates change over time.
pub fn margin(revenue: Decimal, labour_cost: Decimal, expenses: Decimal) -> Decimal {
    revenue - labour_cost - expenses
}

/// Billable utilisation: billable hours / available hours (calendar capacity minus leave).
pub fn billable_utilisation(billable: Minutes, available: Minutes) -> Option<Decimal> {
    if available.get() <= 0 {
        return None;
    }
    ratio(
        Decimal::from(billable.get()),
        Decimal::from(available.get()),
    )
}

/// Over-servicing: value delivered beyond what the contract bills, and its share of the client's
/// revenue (`None` share when there is no revenue).
pub fn over_servicing(beyond_contract: Decimal, revenue: Decimal) -> (Decimal, Option<Decimal>) {
    (beyond_contract, ratio(beyond_contract, revenue))
}

/// The work-vs-revenue trend over two trailing three-month windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trend {
    /// Relative change of hours (0.2 = +20 %).
    pub hours_change: Decimal,
    /// Relative change of revenue; `None` when the earlier window had no revenue.
    pub revenue_change: Option<Decimal>,
    /// Hours rose by 15 % or more while revenue did not rise.
    pub flagged: bool,
}

/// Hours threshold of the trend flag.
pub fn trend_threshold() -> Decimal {
    Decimal::new(15, 2)
}

/// Work-vs-revenue trend: trailing-3-month change in hours vs in revenue; flagged when hours rise
/// ≥ 15 % while revenue does not rise. No data when the earlier window had no hours.
pub fn work_vs_revenue(
    hours_before: Minutes,
    hours_now: Minutes,
    revenue_before: Decimal,
    revenue_now: Decimal,
) -> Option<Trend> {
    if hours_before.get() <= 0 {
        return None;
    }
    let hb = Decimal::from(hours_before.get());
    let hours_change = (Decimal::from(hours_now.get()) - hb).checked_div(hb)?;
    let revenue_change = ratio(revenue_now - revenue_before, revenue_before);
    let revenue_rose = revenue_now > revenue_before;
    Some(Trend {
        hours_change,
        revenue_change,
        flagged: hours_change >= trend_threshold() && !revenue_rose,
    })
}

/// Revenue concentration of one client among all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concentration {
    /// Each client's share of all revenue, in the input order.
    pub shares: Vec<Decimal>,
    /// Share of the three largest clients together.
    pub top3: Decimal,
    /// Herfindahl–Hirschman index: Σ share² × 10 000 (0 to 10 000).
    pub hhi: Decimal,
}

/// Concentration alert threshold: a client above 20 % of revenue.
pub fn concentration_limit() -> Decimal {
    Decimal::new(20, 2)
}

/// Revenue concentration from each client's trailing-12-month revenue. No data without revenue.
pub fn concentration(revenues: &[Decimal]) -> Option<Concentration> {
    let total: Decimal = revenues
        .iter()
        .copied()
        .filter(|r| *r > Decimal::ZERO)
        .sum();
    if total <= Decimal::ZERO {
        return None;
    }
    let shares: Vec<Decimal> = revenues
        .iter()
        .map(|r| (*r).max(Decimal::ZERO) / total)
        .collect();
    let mut sorted = shares.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    let top3 = sorted.iter().take(3).copied().sum();
    let hhi = shares.iter().map(|s| s * s).sum::<Decimal>() * Decimal::from(10_000);
    Some(Concentration { shares, top3, hhi })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn no_data_is_never_zero() {
        assert_eq!(budget_burn(d("10"), d("0")), None);
        assert_eq!(scope_creep_index(Minutes::new(60), Minutes::ZERO), None);
        assert_eq!(effective_billable_rate(d("1000"), Minutes::ZERO), None);
        assert_eq!(billable_utilisation(Minutes::new(60), Minutes::ZERO), None);
        assert_eq!(realisation(d("1"), d("0")), None);
        assert_eq!(forecast_at_completion(d("10"), d("0"), d("30")), None);
        assert_eq!(
            work_vs_revenue(Minutes::ZERO, Minutes::new(600), d("0"), d("0")),
            None
        );
        assert_eq!(concentration(&[d("0"), d("0")]), None);
        assert_eq!(over_servicing(d("500"), d("0")), (d("500"), None));
    }

    #[test]
    fn known_answers() {
        // 30 h consumed of a 40 h budget.
        assert_eq!(budget_burn(d("30"), d("40")), Some(d("0.75")));
        // 12 of 30 days elapsed, 3,000 € spent: 7,500 € at completion.
        assert_eq!(
            forecast_at_completion(d("3000"), d("12"), d("30")),
            Some(d("7500"))
        );
        // 6 h outside a 40 h baseline.
        assert_eq!(
            scope_creep_index(Minutes::new(360), Minutes::new(2400)),
            Some(d("0.15"))
        );
        // 4,500 € over 50 h worked (billable, free and written off): 90 €/h.
        assert_eq!(
            effective_billable_rate(d("4500"), Minutes::new(3000)),
            Some(d("90"))
        );
        assert_eq!(margin(d("4500"), d("2750"), d("150")), d("1600"));
        // 28 billable hours of 35 available.
        assert_eq!(
            billable_utilisation(Minutes::new(1680), Minutes::new(2100)),
            Some(d("0.8"))
        );
        assert_eq!(
            over_servicing(d("900"), d("4500")),
            (d("900"), Some(d("0.2")))
        );
    }

    #[test]
    fn trend_flags_more_work_without_more_revenue() {
        // 100 h → 115 h (+15 %), revenue flat: flagged.
        let t =
            work_vs_revenue(Minutes::new(6000), Minutes::new(6900), d("9000"), d("9000")).unwrap();
        assert_eq!(t.hours_change, d("0.15"));
        assert_eq!(t.revenue_change, Some(d("0")));
        assert!(t.flagged);
        // Same hours rise with revenue up: not flagged.
        assert!(
            !work_vs_revenue(Minutes::new(6000), Minutes::new(6900), d("9000"), d("9001"))
                .unwrap()
                .flagged
        );
        // +14 % hours, revenue down: not flagged (below the threshold).
        assert!(
            !work_vs_revenue(Minutes::new(6000), Minutes::new(6840), d("9000"), d("8000"))
                .unwrap()
                .flagged
        );
        // Revenue from nothing: change unknown, hours up 50 %, revenue rose: not flagged.
        let t = work_vs_revenue(Minutes::new(600), Minutes::new(900), d("0"), d("100")).unwrap();
        assert_eq!((t.revenue_change, t.flagged), (None, false));
    }

    #[test]
    fn concentration_shares_top3_and_hhi() {
        // 50 / 30 / 10 / 10 (k€): shares 0.5, 0.3, 0.1, 0.1; top-3 0.9; HHI 2500+900+100+100 = 3600.
        let c = concentration(&[d("50000"), d("30000"), d("10000"), d("10000")]).unwrap();
        assert_eq!(c.shares, vec![d("0.5"), d("0.3"), d("0.1"), d("0.1")]);
        assert_eq!(c.top3, d("0.9"));
        assert_eq!(c.hhi, d("3600"));
        assert!(c.shares[0] > concentration_limit() && c.shares[2] <= concentration_limit());
        // One client only: HHI 10 000.
        assert_eq!(concentration(&[d("1")]).unwrap().hhi, d("10000"));
    }
}
