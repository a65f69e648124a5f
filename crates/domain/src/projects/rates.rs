//! Which billing rate a person's entry takes: their rate on the project, else the project's own
//! rate, else their workspace-wide rate, else zero — each the latest valid on the entry's day.
use uuid::Uuid;

/// One rate of a person as recorded: on a project (`Some`) or workspace-wide (`None`), valid from
/// a day (`YYYYMMDD`) with no end; `created_at` breaks ties between rates of the same day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub project: Option<Uuid>,
    pub rate_minor: i64,
    pub valid_from: i32,
    pub created_at: i64,
}

/// The billing rate of a person on `project` at `day`, in minor units per hour:
/// 1. their rate on this project valid on `day` (the latest `valid_from`, then the latest made);
/// 2. else the project's own hourly rate when it is above zero (an override of the person's);
/// 3. else their workspace-wide rate valid on `day` (chosen the same way);
/// 4. else zero.
///
/// Rates on other projects are ignored.
pub fn rate_at(
    rates: impl IntoIterator<Item = Rate>,
    project: Uuid,
    project_rate_minor: i64,
    day: i32,
) -> i64 {
    // The last of equal keys wins, as `Iterator::max_by_key` does.
    let later = |best: Option<Rate>, r: Rate| match best {
        Some(b) if (b.valid_from, b.created_at) > (r.valid_from, r.created_at) => Some(b),
        _ => Some(r),
    };
    let mut on_project: Option<Rate> = None;
    let mut everywhere: Option<Rate> = None;
    for r in rates.into_iter().filter(|r| r.valid_from <= day) {
        match r.project {
            Some(p) if p == project => on_project = later(on_project, r),
            None => everywhere = later(everywhere, r),
            Some(_) => {}
        }
    }
    on_project
        .map(|r| r.rate_minor)
        .or((project_rate_minor > 0).then_some(project_rate_minor))
        .or(everywhere.map(|r| r.rate_minor))
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rate(project: Option<Uuid>, rate_minor: i64, valid_from: i32, created_at: i64) -> Rate {
        Rate {
            project,
            rate_minor,
            valid_from,
            created_at,
        }
    }

    #[test]
    fn precedence_person_on_project_then_project_then_workspace_wide_then_zero() {
        let p = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let person_on_p = rate(Some(p), 12_000, 20260101, 1);
        let person_everywhere = rate(None, 9_000, 20260101, 1);
        let on_other = rate(Some(other), 15_000, 20260101, 1);
        // All present: the person's rate on the project wins over the project's 10,000.
        assert_eq!(
            rate_at(
                [person_on_p, person_everywhere, on_other],
                p,
                10_000,
                20260301
            ),
            12_000
        );
        // Without it: the project's own rate, over the person's workspace-wide rate.
        assert_eq!(
            rate_at([person_everywhere, on_other], p, 10_000, 20260301),
            10_000
        );
        // Project without a rate (0): the workspace-wide rate; another project's rate never.
        assert_eq!(
            rate_at([person_everywhere, on_other], p, 0, 20260301),
            9_000
        );
        // Nothing applies: zero.
        assert_eq!(rate_at([on_other], p, 0, 20260301), 0);
        assert_eq!(rate_at([], p, 0, 20260301), 0);
    }

    #[test]
    fn a_rate_applies_from_its_first_day_and_the_latest_wins() {
        let p = Uuid::from_u128(1);
        let rates = [
            rate(None, 8_000, 20260101, 1),
            rate(None, 9_000, 20260315, 2),
        ];
        // The day before the new rate: the old one; on its first day: the new one.
        assert_eq!(rate_at(rates, p, 0, 20260314), 8_000);
        assert_eq!(rate_at(rates, p, 0, 20260315), 9_000);
        // Before any rate: none (the project's rate, here zero).
        assert_eq!(rate_at(rates, p, 0, 20251231), 0);
        // A project rate not yet valid leaves the project's own rate in force.
        assert_eq!(
            rate_at([rate(Some(p), 11_000, 20260401, 3)], p, 10_000, 20260331),
            10_000
        );
        // Two rates from the same day: the one made last wins, whatever the order given.
        let same_day = [
            rate(None, 7_000, 20260101, 5),
            rate(None, 6_000, 20260101, 4),
        ];
        assert_eq!(rate_at(same_day, p, 0, 20260101), 7_000);
        let [a, b] = same_day;
        assert_eq!(rate_at([b, a], p, 0, 20260101), 7_000);
        // Identical keys: the last given wins (as `max_by_key`).
        assert_eq!(
            rate_at(
                [rate(None, 1, 20260101, 5), rate(None, 2, 20260101, 5)],
                p,
                0,
                20260101
            ),
            2
        );
    }
}
