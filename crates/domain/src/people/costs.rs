//! The internal cost rate of a person at a day (what an hour of their work costs the agency).

/// One cost rate as recorded: valid from a day to an optional last day (both included,
/// `YYYYMMDD`); `created_at` breaks ties between rates of the same first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostRate {
    pub cost_minor: i64,
    pub valid_from: i32,
    pub valid_to: Option<i32>,
    pub created_at: i64,
}

/// The hourly cost at `day`: among the rates valid that day (`valid_from ≤ day ≤ valid_to`), the
/// one with the latest `valid_from`, then the latest made (the last given on equal keys); else
/// zero.
pub fn cost_at(costs: impl IntoIterator<Item = CostRate>, day: i32) -> i64 {
    costs
        .into_iter()
        .filter(|c| c.valid_from <= day && c.valid_to.is_none_or(|t| t >= day))
        .max_by_key(|c| (c.valid_from, c.created_at))
        .map(|c| c.cost_minor)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(cost_minor: i64, valid_from: i32, valid_to: Option<i32>, created_at: i64) -> CostRate {
        CostRate {
            cost_minor,
            valid_from,
            valid_to,
            created_at,
        }
    }

    #[test]
    fn effective_dates_include_both_boundary_days() {
        // 45 €/h through 31 March, 50 €/h from 1 April.
        let rates = [
            cost(4_500, 20260101, Some(20260331), 1),
            cost(5_000, 20260401, None, 2),
        ];
        assert_eq!(cost_at(rates, 20251231), 0, "before the first rate");
        assert_eq!(cost_at(rates, 20260101), 4_500, "first day included");
        assert_eq!(cost_at(rates, 20260331), 4_500, "last day included");
        assert_eq!(cost_at(rates, 20260401), 5_000, "next rate's first day");
        assert_eq!(cost_at(rates, 20991231), 5_000, "open-ended");
        // A gap between two rates costs nothing.
        let gap = [
            cost(4_500, 20260101, Some(20260131), 1),
            cost(5_000, 20260301, None, 2),
        ];
        assert_eq!(cost_at(gap, 20260201), 0);
    }

    #[test]
    fn overlapping_rates_the_latest_start_then_the_latest_made() {
        // An open rate from January and a March-only rate: March takes the later start.
        let rates = [
            cost(4_000, 20260101, None, 9),
            cost(6_000, 20260301, Some(20260331), 1),
        ];
        assert_eq!(cost_at(rates, 20260315), 6_000);
        assert_eq!(cost_at(rates, 20260401), 4_000, "back to the open rate");
        // Same first day: the one made last.
        let same = [
            cost(4_000, 20260101, None, 2),
            cost(4_200, 20260101, None, 1),
        ];
        assert_eq!(cost_at(same, 20260101), 4_000);
    }
}
