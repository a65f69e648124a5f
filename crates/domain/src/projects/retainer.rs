//! Monthly retainers: included hours, and what happens to unused hours or overrun from one month
//! to the next (the rollover rule). Pure arithmetic on whole minutes, month after month.
use crate::time::Minutes;

/// What a retainer does with the balance at the end of a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rollover {
    /// Unused hours are lost; overrun is billed.
    None,
    /// Unused hours carry over for up to `months` months (used oldest first); overrun is billed.
    Carry { months: u32 },
    /// Overrun is not billed but owed: it reduces the next months' hours. Unused hours are lost.
    Debt,
}

/// A calendar month: year and month number (1–12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn next(self) -> YearMonth {
        if self.month >= 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

/// One month of a retainer: the hours it includes and the hours worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthUse {
    pub month: YearMonth,
    pub included: Minutes,
    pub used: Minutes,
}

/// The balance of one month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct MonthBalance {
    pub included: Minutes,
    /// Unused hours brought from earlier months (Carry).
    pub carried_in: Minutes,
    /// Hours owed from earlier months (Debt).
    pub debt_in: Minutes,
    pub used: Minutes,
    /// Hours used beyond what the month offered.
    pub overrun: Minutes,
    /// Overrun billed this month (None and Carry rules).
    pub billable_overrun: Minutes,
    /// Hours offered but not used this month.
    pub unused: Minutes,
    /// Carried hours that reached their limit unused this month.
    pub expired: Minutes,
    /// Unused hours still available next month (Carry).
    pub carried_out: Minutes,
    /// Hours owed to next month (Debt).
    pub debt_out: Minutes,
}

/// Why a month sequence cannot be balanced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetainerError {
    /// Months must follow each other with no gap (index of the first offending month).
    NotConsecutive(usize),
}

/// Balances a retainer month by month.
pub fn balances(rule: Rollover, months: &[MonthUse]) -> Result<Vec<MonthBalance>, RetainerError> {
    for (i, pair) in months.windows(2).enumerate() {
        if let [a, b] = pair
            && a.month.next() != b.month
        {
            return Err(RetainerError::NotConsecutive(i + 1));
        }
    }
    // Carried buckets: (minutes left, index of the last month they can be used in).
    let mut buckets: Vec<(i64, usize)> = Vec::new();
    let mut debt = 0i64;
    let mut out = Vec::with_capacity(months.len());
    for (i, m) in months.iter().enumerate() {
        let included = m.included.get();
        let used = m.used.get();
        let mut b = MonthBalance {
            included: m.included,
            used: m.used,
            ..Default::default()
        };
        match rule {
            Rollover::None => {
                b.overrun = Minutes::new((used - included).max(0));
                b.billable_overrun = b.overrun;
                b.unused = Minutes::new((included - used).max(0));
            }
            Rollover::Carry { months: keep } => {
                b.carried_in = Minutes::new(buckets.iter().map(|(m, _)| *m).sum());
                let mut need = used;
                for (left, _) in buckets.iter_mut() {
                    let take = need.min(*left);
                    *left -= take;
                    need -= take;
                }
                let from_included = need.min(included);
                need -= from_included;
                b.overrun = Minutes::new(need);
                b.billable_overrun = b.overrun;
                let remaining_included = included - from_included;
                b.expired = Minutes::new(
                    buckets
                        .iter()
                        .filter(|(_, last)| *last <= i)
                        .map(|(m, _)| *m)
                        .sum(),
                );
                buckets.retain(|(left, last)| *left > 0 && *last > i);
                if remaining_included > 0 && keep > 0 {
                    buckets.push((
                        remaining_included,
                        i + usize::try_from(keep).unwrap_or(usize::MAX - i),
                    ));
                }
                b.unused = Minutes::new(remaining_included + b.expired.get());
                b.carried_out = Minutes::new(buckets.iter().map(|(m, _)| *m).sum());
            }
            Rollover::Debt => {
                b.debt_in = Minutes::new(debt);
                let available = included - debt;
                b.overrun = Minutes::new((used - available).max(0).min(used));
                b.unused = Minutes::new((available - used).max(0));
                debt = (used - available).max(0);
                b.debt_out = Minutes::new(debt);
            }
        }
        out.push(b);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(hours: i64) -> Minutes {
        Minutes::new(hours * 60)
    }

    fn months(start: YearMonth, uses: &[(i64, i64)]) -> Vec<MonthUse> {
        let mut m = start;
        uses.iter()
            .map(|(inc, used)| {
                let u = MonthUse {
                    month: m,
                    included: h(*inc),
                    used: h(*used),
                };
                m = m.next();
                u
            })
            .collect()
    }

    #[test]
    fn no_rollover_bills_overrun_and_loses_unused() {
        let b = balances(
            Rollover::None,
            &months(
                YearMonth {
                    year: 2026,
                    month: 5,
                },
                &[(10, 6), (10, 13)],
            ),
        )
        .unwrap();
        assert_eq!((b[0].unused, b[0].overrun), (h(4), h(0)));
        assert_eq!(
            (b[1].unused, b[1].overrun, b[1].billable_overrun),
            (h(0), h(3), h(3))
        );
    }

    #[test]
    fn carry_across_the_year_end_oldest_first_then_expire() {
        // Nov–Feb, 10 h a month, carry up to 2 months.
        // Nov: 6 used, 4 carried (usable until Jan).
        // Dec: 12 used: 4 carried first, then 8 of Dec's 10 → 2 carried (until Feb).
        // Jan: 5 used: 2 carried, then 3 of Jan's → 7 carried (until Mar).
        // Feb: 0 used: the 7 from Jan carry on; 10 from Feb carry on.
        let m = months(
            YearMonth {
                year: 2026,
                month: 11,
            },
            &[(10, 6), (10, 12), (10, 5), (10, 0)],
        );
        assert_eq!(
            m[2].month,
            YearMonth {
                year: 2027,
                month: 1
            }
        );
        let b = balances(Rollover::Carry { months: 2 }, &m).unwrap();
        assert_eq!(
            (b[0].carried_in, b[0].carried_out, b[0].unused),
            (h(0), h(4), h(4))
        );
        assert_eq!(
            (
                b[1].carried_in,
                b[1].overrun,
                b[1].carried_out,
                b[1].expired
            ),
            (h(4), h(0), h(2), h(0))
        );
        assert_eq!((b[2].carried_in, b[2].carried_out), (h(2), h(7)));
        assert_eq!(
            (b[3].carried_in, b[3].carried_out, b[3].expired),
            (h(7), h(17), h(0))
        );
    }

    #[test]
    fn carried_hours_expire_after_their_months() {
        // Carry 1 month: Jan leaves 10, Feb uses 3 of them, the other 7 expire at Feb's end.
        let b = balances(
            Rollover::Carry { months: 1 },
            &months(
                YearMonth {
                    year: 2026,
                    month: 1,
                },
                &[(10, 0), (10, 3), (10, 0)],
            ),
        )
        .unwrap();
        assert_eq!(
            (b[1].carried_in, b[1].expired, b[1].carried_out),
            (h(10), h(7), h(10))
        );
        assert_eq!(b[1].unused, h(17), "7 expired + 10 of Feb not used");
        assert_eq!(b[2].carried_in, h(10));
        // Overrun once carried hours are gone is billed.
        let b = balances(
            Rollover::Carry { months: 1 },
            &months(
                YearMonth {
                    year: 2026,
                    month: 1,
                },
                &[(10, 8), (10, 15)],
            ),
        )
        .unwrap();
        assert_eq!(
            (b[1].carried_in, b[1].overrun, b[1].billable_overrun),
            (h(2), h(3), h(3))
        );
    }

    #[test]
    fn debt_reduces_the_next_months() {
        // 10 h a month across the year end: Dec 14 used → 4 owed; Jan 10 − 4 = 6 available, 9 used
        // → 3 owed; Feb 10 − 3 = 7 available, 3 used → 4 unused, nothing owed.
        let b = balances(
            Rollover::Debt,
            &months(
                YearMonth {
                    year: 2026,
                    month: 12,
                },
                &[(10, 14), (10, 9), (10, 3)],
            ),
        )
        .unwrap();
        assert_eq!(
            (b[0].overrun, b[0].billable_overrun, b[0].debt_out),
            (h(4), h(0), h(4))
        );
        assert_eq!(
            (b[1].debt_in, b[1].overrun, b[1].debt_out),
            (h(4), h(3), h(3))
        );
        assert_eq!(
            (b[2].debt_in, b[2].unused, b[2].debt_out),
            (h(3), h(4), h(0))
        );
    }

    #[test]
    fn months_must_follow_each_other() {
        let mut m = months(
            YearMonth {
                year: 2026,
                month: 1,
            },
            &[(10, 0), (10, 0)],
        );
        m[1].month = YearMonth {
            year: 2026,
            month: 3,
        };
        assert_eq!(
            balances(Rollover::None, &m),
            Err(RetainerError::NotConsecutive(1))
        );
        assert_eq!(
            YearMonth {
                year: 2026,
                month: 12
            }
            .next(),
            YearMonth {
                year: 2027,
                month: 1
            }
        );
    }
}
