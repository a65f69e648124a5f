//! A project's budget: which figures it is (as set, else from the billing model), whether it is
//! monthly, and how much of it approved change requests add.
use crate::projects::engagement::BillingModel;

/// A project's budget after approved change requests: hours and money, whole-project or monthly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Budget {
    pub minutes: Option<i64>,
    pub money: Option<i64>,
    pub monthly: bool,
}

/// What decides a project's budget, as stored on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetTerms {
    pub model: BillingModel,
    /// Budget set on the project.
    pub budget_minutes: Option<i64>,
    pub budget_minor: Option<i64>,
    pub budget_monthly: bool,
    pub fixed_price_minor: Option<i64>,
    pub retainer_included_minutes: Option<i64>,
    pub retainer_fee_minor: Option<i64>,
    pub cap_minor: Option<i64>,
}

/// The budget: as set on the project, else from its billing model (fixed fee: the deliverables'
/// estimates when above zero and the price; retainer: the included hours and the fee, monthly;
/// time & materials: no hours, the cap), plus the approved change requests' hours and price
/// (`approved_minutes`, `approved_minor`) unless the budget is monthly. A figure of zero or less
/// is no budget. A retainer is monthly unless a budget of its own is set.
pub fn budget(
    t: &BudgetTerms,
    estimates_minutes: i64,
    approved_minutes: i64,
    approved_minor: i64,
) -> Budget {
    let minutes = t.budget_minutes.or(match t.model {
        BillingModel::FixedFee if estimates_minutes > 0 => Some(estimates_minutes),
        BillingModel::Retainer => t.retainer_included_minutes,
        _ => None,
    });
    let money = t.budget_minor.or(match t.model {
        BillingModel::FixedFee => t.fixed_price_minor,
        BillingModel::Retainer => t.retainer_fee_minor,
        BillingModel::TimeMaterials => t.cap_minor,
    });
    let monthly = t.budget_monthly
        || (t.model == BillingModel::Retainer
            && t.budget_minutes.is_none()
            && t.budget_minor.is_none());
    Budget {
        minutes: minutes
            .map(|m| m + if monthly { 0 } else { approved_minutes })
            .filter(|m| *m > 0),
        money: money
            .map(|m| m + if monthly { 0 } else { approved_minor })
            .filter(|m| *m > 0),
        monthly,
    }
}

/// How far `used` has gone into `total`, in whole percent rounded down (a total below 1 counts
/// as 1; beyond 64 bits: `i64::MAX`). Compared with the alert thresholds.
pub fn percent_used(used: i64, total: i64) -> i64 {
    i64::try_from(i128::from(used) * 100 / i128::from(total.max(1))).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Terms of `model` with nothing set.
    fn none(model: BillingModel) -> BudgetTerms {
        BudgetTerms {
            model,
            budget_minutes: None,
            budget_minor: None,
            budget_monthly: false,
            fixed_price_minor: None,
            retainer_included_minutes: None,
            retainer_fee_minor: None,
            cap_minor: None,
        }
    }

    #[test]
    fn set_on_the_project_wins_and_change_requests_add() {
        // 40 h and 5,000.00 set; approved CRs add 6 h (360 min) and 800.00: 46 h, 5,800.00.
        let t = BudgetTerms {
            budget_minutes: Some(2400),
            budget_minor: Some(500_000),
            fixed_price_minor: Some(900_000),
            ..none(BillingModel::FixedFee)
        };
        assert_eq!(
            budget(&t, 6000, 360, 80_000),
            Budget {
                minutes: Some(2760),
                money: Some(580_000),
                monthly: false
            }
        );
    }

    #[test]
    fn from_the_billing_model() {
        // Fixed fee: the estimates (100 h) and the price, plus CRs (2 h, 300.00).
        let fixed = BudgetTerms {
            fixed_price_minor: Some(1_000_000),
            ..none(BillingModel::FixedFee)
        };
        assert_eq!(
            budget(&fixed, 6000, 120, 30_000),
            Budget {
                minutes: Some(6120),
                money: Some(1_030_000),
                monthly: false
            }
        );
        // No estimates: no hours budget, even with approved CR hours.
        assert_eq!(budget(&fixed, 0, 120, 0).minutes, None);
        // Retainer: 20 h and 2,000.00 a month; CRs do not add to a monthly budget.
        let retainer = BudgetTerms {
            retainer_included_minutes: Some(1200),
            retainer_fee_minor: Some(200_000),
            ..none(BillingModel::Retainer)
        };
        assert_eq!(
            budget(&retainer, 0, 600, 50_000),
            Budget {
                minutes: Some(1200),
                money: Some(200_000),
                monthly: true
            }
        );
        // A retainer with a money budget of its own is a whole-project budget: CRs add.
        let own = BudgetTerms {
            budget_minor: Some(100_000),
            ..retainer
        };
        assert_eq!(
            budget(&own, 0, 600, 50_000),
            Budget {
                minutes: Some(1800),
                money: Some(150_000),
                monthly: false
            }
        );
        // Time & materials: the cap as the money budget, no hours.
        let tm = BudgetTerms {
            cap_minor: Some(300_000),
            ..none(BillingModel::TimeMaterials)
        };
        assert_eq!(
            budget(&tm, 6000, 0, 0),
            Budget {
                minutes: None,
                money: Some(300_000),
                monthly: false
            }
        );
        // Monthly when asked, for any model.
        let monthly = BudgetTerms {
            budget_minutes: Some(600),
            budget_monthly: true,
            ..none(BillingModel::TimeMaterials)
        };
        assert_eq!(budget(&monthly, 0, 60, 0).minutes, Some(600));
        assert!(budget(&monthly, 0, 60, 0).monthly);
    }

    #[test]
    fn zero_budget_is_no_budget() {
        let t = BudgetTerms {
            budget_minutes: Some(0),
            budget_minor: Some(0),
            ..none(BillingModel::TimeMaterials)
        };
        assert_eq!(budget(&t, 0, 0, 0), Budget::default());
        // A zero budget made positive by approved change requests: 0 + 90 min.
        assert_eq!(budget(&t, 0, 90, 0).minutes, Some(90));
        // Negative after a negative CR (a reduction): no budget.
        let small = BudgetTerms {
            budget_minutes: Some(60),
            ..none(BillingModel::TimeMaterials)
        };
        assert_eq!(budget(&small, 0, -60, 0).minutes, None);
    }

    #[test]
    fn percent_used_rounds_down_and_guards_zero() {
        // 79.99 % is 79: the 80 % alert waits; exactly the budget is 100 %; one minute over:
        // 2401 × 100 / 2400 = 100.04 → 100; 101 % needs 2424 minutes.
        assert_eq!(percent_used(7999, 10_000), 79);
        assert_eq!(percent_used(2400, 2400), 100);
        assert_eq!(percent_used(2401, 2400), 100);
        assert_eq!(percent_used(2424, 2400), 101);
        assert_eq!(percent_used(5, 0), 500, "a zero total counts as 1");
        assert_eq!(percent_used(i64::MAX, 1), i64::MAX);
    }
}
