//! The radar's windows of months (`YYYYMM` keys): the trailing twelve months of the dashboard and
//! the two trailing three-month windows the work-vs-revenue trend compares.
use super::{Trend, work_vs_revenue};
use crate::projects::engagement::{month_key, year_month};
use crate::time::Minutes;
use rust_decimal::Decimal;

/// The months `n` before `month`.
fn back(month: i32, n: i32) -> i32 {
    let total = (month / 100) * 12 + (month % 100 - 1) - n;
    (total / 12) * 100 + total % 12 + 1
}

/// The trend's windows before `month`: `[a, b)` the earlier three months, `[b, month)` the later.
pub fn trailing(month: i32) -> (i32, i32, i32) {
    (back(month, 6), back(month, 3), month)
}

/// The twelve months ending with `month`, as `[from, to)`.
pub fn window12(month: i32) -> (i32, i32) {
    let to = month_key(year_month(month).next());
    (to - 100, to)
}

/// The work-vs-revenue trend of the two trailing three-month windows before `month`, from
/// `(month, minutes, revenue in minor units)` rows (other months are ignored).
pub fn trend(rows: &[(i32, i64, i64)], month: i32) -> Option<Trend> {
    let (a, b, end) = trailing(month);
    let sum = |from: i32, to: i32| {
        rows.iter()
            .filter(|r| r.0 >= from && r.0 < to)
            .fold((0i64, 0i64), |acc, r| (acc.0 + r.1, acc.1 + r.2))
    };
    let (h0, r0) = sum(a, b);
    let (h1, r1) = sum(b, end);
    work_vs_revenue(
        Minutes::new(h0),
        Minutes::new(h1),
        Decimal::new(r0, 2),
        Decimal::new(r1, 2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cross_year_ends() {
        assert_eq!(trailing(202602), (202508, 202511, 202602));
        assert_eq!(trailing(202612), (202606, 202609, 202612));
        assert_eq!(trailing(202601), (202507, 202510, 202601));
        assert_eq!(window12(202611), (202512, 202612));
        assert_eq!(window12(202612), (202601, 202701));
    }

    #[test]
    fn the_trend_compares_the_two_windows_before_the_month() {
        // Before February 2026: August–October 2025 (10 h, 1,000.00) against November 2025 –
        // January 2026 (12 h + 0 h = 12 h, 900.00 + 100.00 = 1,000.00): hours +20 %, revenue
        // flat, so flagged. February itself and July 2025 are outside both windows.
        let rows = [
            (202507, 6000, 900_000),
            (202509, 600, 100_000),
            (202512, 720, 90_000),
            (202601, 0, 10_000),
            (202602, 6000, 0),
        ];
        let t = trend(&rows, 202602).unwrap();
        assert_eq!(t.hours_change, Decimal::new(2, 1));
        assert_eq!(t.revenue_change, Some(Decimal::ZERO));
        assert!(t.flagged);
        // No hours in the earlier window: no data, not zero.
        assert!(trend(&rows[2..], 202602).is_none());
    }
}
