//! How the service dashboard reads a span of instants from running totals kept per UTC day and
//! per UTC month: a signed sum of whole months, whole days and short raw ranges of tickets read
//! one by one, exact for any span and any cuts (a period in the workspace's time zone, its trend
//! buckets), and small: each cut costs at most half a day of raw tickets, each partial month at
//! most half a month of days.
use jiff::civil::Date;

/// Microseconds in a day.
pub const DAY_US: i64 = 86_400_000_000;

/// How fine a running total is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    /// A UTC day: its number since 1970-01-01.
    Day = 0,
    /// A UTC month: year × 12 + month − 1.
    Month = 1,
}

/// One part of a cover: a range of whole days or months of one grain, or instants `[a, b)` read
/// from the tickets themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Periods(Grain, i64, i64),
    Raw(i64, i64),
}

/// A signed part of bucket `bucket`'s sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub bucket: usize,
    pub sign: i64,
    pub unit: Unit,
}

/// The UTC day of an instant.
pub fn day_of(us: i64) -> i64 {
    us.div_euclid(DAY_US)
}

fn date_of_day(day: i64) -> Date {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch
        .checked_add(jiff::Span::new().days(day))
        .unwrap_or(epoch)
}

fn day_of_date(d: Date) -> i64 {
    i64::from((d - jiff::civil::date(1970, 1, 1)).get_days())
}

/// The UTC month of a day.
pub fn month_of_day(day: i64) -> i64 {
    let d = date_of_day(day);
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}

/// The UTC month of an instant.
pub fn month_of(us: i64) -> i64 {
    month_of_day(day_of(us))
}

/// The first day of a month.
fn month_start(month: i64) -> i64 {
    let y = i16::try_from(month.div_euclid(12)).unwrap_or(1970);
    let m = i8::try_from(month.rem_euclid(12) + 1).unwrap_or(1);
    day_of_date(jiff::civil::date(y, m, 1))
}

/// The pieces whose signed sums give each bucket `[cuts[i], cuts[i + 1])`; `months` allows whole
/// months (a trend reads days alone). Cuts must be increasing.
pub fn cover(cuts: &[i64], months: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let (Some(&first), Some(&last)) = (cuts.first(), cuts.last()) else {
        return out;
    };
    if cuts.len() < 2 || last <= first {
        return out;
    }
    let bucket_at = |t: i64| -> Option<usize> {
        cuts.windows(2)
            .position(|w| w.first().is_some_and(|a| *a <= t) && w.get(1).is_some_and(|b| t < *b))
    };
    let raw = |out: &mut Vec<Piece>, a: i64, b: i64, bucket: Option<usize>, sign: i64| {
        if let Some(bucket) = bucket
            && a < b
        {
            out.push(Piece {
                bucket,
                sign,
                unit: Unit::Raw(a, b),
            });
        }
    };
    // Each day of the span goes whole to one bucket; the cut inside it moves its shorter side.
    let mut days: Vec<(i64, usize)> = Vec::new();
    for day in day_of(first)..=day_of(last - 1) {
        let (start, end) = (day * DAY_US, (day + 1) * DAY_US);
        let inner: Vec<i64> = cuts
            .iter()
            .copied()
            .filter(|c| *c > start && *c < end)
            .collect();
        match inner.as_slice() {
            [] => {
                if let Some(b) = bucket_at(start) {
                    days.push((day, b));
                }
            }
            [cut] => {
                let (before, after) = (bucket_at(start), bucket_at(*cut));
                if cut - start <= end - cut {
                    if let Some(b) = after {
                        days.push((day, b));
                    }
                    raw(&mut out, start, *cut, before, 1);
                    raw(&mut out, start, *cut, after, -1);
                } else {
                    if let Some(b) = before {
                        days.push((day, b));
                    }
                    raw(&mut out, *cut, end, after, 1);
                    raw(&mut out, *cut, end, before, -1);
                }
            }
            _ => {
                let mut edges = vec![start];
                edges.extend(inner.iter().copied());
                edges.push(end);
                for w in edges.windows(2) {
                    if let [a, b] = w {
                        raw(&mut out, *a, *b, bucket_at(*a), 1);
                    }
                }
            }
        }
    }
    // Contiguous runs of days of one bucket, then months where whole ones fit.
    let mut i = 0;
    while let Some(&(d0, b)) = days.get(i) {
        let mut j = i + 1;
        while days
            .get(j)
            .is_some_and(|(d, bb)| *bb == b && *d == d0 + i64::try_from(j - i).unwrap_or(0))
        {
            j += 1;
        }
        let d1 = d0 + i64::try_from(j - i).unwrap_or(0);
        run(&mut out, b, d0, d1, months);
        i = j;
    }
    out
}

/// The days `[d0, d1)` of bucket `b` as months and days.
fn run(out: &mut Vec<Piece>, b: usize, d0: i64, d1: i64, months: bool) {
    let mut push = |sign: i64, unit: Unit| {
        let empty = match unit {
            Unit::Periods(_, a, z) | Unit::Raw(a, z) => a >= z,
        };
        if !empty {
            out.push(Piece {
                bucket: b,
                sign,
                unit,
            });
        }
    };
    let m0 = month_of_day(d0);
    let first_full = if month_start(m0) == d0 { m0 } else { m0 + 1 };
    let m1 = month_of_day(d1);
    let end_full = m1; // months before the one holding d1 (d1 exclusive)
    if !months || first_full >= end_full {
        push(1, Unit::Periods(Grain::Day, d0, d1));
        return;
    }
    let (mut ma, mut mb) = (first_full, end_full);
    // The head: its days, or its whole month less the days before the run, whichever is fewer.
    let head = month_start(first_full) - d0;
    let head_month = month_start(first_full) - month_start(m0);
    if head > 0 && head * 2 > head_month {
        ma = m0;
        push(-1, Unit::Periods(Grain::Day, month_start(m0), d0));
    } else {
        push(1, Unit::Periods(Grain::Day, d0, month_start(first_full)));
    }
    let tail = d1 - month_start(m1);
    let tail_month = month_start(m1 + 1) - month_start(m1);
    if tail > 0 && tail * 2 > tail_month {
        mb = m1 + 1;
        push(-1, Unit::Periods(Grain::Day, d1, month_start(m1 + 1)));
    } else {
        push(1, Unit::Periods(Grain::Day, month_start(m1), d1));
    }
    push(1, Unit::Periods(Grain::Month, ma, mb));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each instant's count in each bucket, from the pieces, against the buckets themselves.
    fn check(cuts: &[i64], months: bool, instants: &[i64]) {
        let pieces = cover(cuts, months);
        for t in instants {
            let mut got = vec![0i64; cuts.len().saturating_sub(1)];
            for p in &pieces {
                let inside = match p.unit {
                    Unit::Raw(a, b) => *t >= a && *t < b,
                    Unit::Periods(Grain::Day, a, b) => (a..b).contains(&day_of(*t)),
                    Unit::Periods(Grain::Month, a, b) => (a..b).contains(&month_of(*t)),
                };
                if inside {
                    got[p.bucket] += p.sign;
                }
            }
            let want: Vec<i64> = cuts
                .windows(2)
                .map(|w| i64::from(w[0] <= *t && *t < w[1]))
                .collect();
            assert_eq!(got, want, "instant {t}, cuts {cuts:?}, pieces {pieces:?}");
        }
    }

    fn at(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_microsecond()
    }

    #[test]
    fn a_paris_quarter_is_three_months_and_two_short_edges() {
        let cuts = [at("2026-08-31T22:00:00Z"), at("2026-11-30T23:00:00Z")];
        let p = cover(&cuts, true);
        let months: Vec<_> = p
            .iter()
            .filter(|p| matches!(p.unit, Unit::Periods(Grain::Month, ..)))
            .collect();
        assert_eq!(months.len(), 1);
        assert_eq!(
            months[0].unit,
            Unit::Periods(Grain::Month, 2026 * 12 + 8, 2026 * 12 + 11)
        );
        let raw: Vec<_> = p
            .iter()
            .filter(|p| matches!(p.unit, Unit::Raw(..)))
            .map(|p| (p.sign, p.unit))
            .collect();
        assert_eq!(
            raw,
            vec![
                (
                    1,
                    Unit::Raw(at("2026-08-31T22:00:00Z"), at("2026-09-01T00:00:00Z"))
                ),
                (
                    -1,
                    Unit::Raw(at("2026-11-30T23:00:00Z"), at("2026-12-01T00:00:00Z"))
                )
            ]
        );
        check(
            &cuts,
            true,
            &[
                at("2026-08-31T21:59:59Z"),
                at("2026-08-31T22:00:00Z"),
                at("2026-10-15T12:00:00Z"),
                at("2026-11-30T22:59:59Z"),
                at("2026-11-30T23:00:00Z"),
            ],
        );
    }

    #[test]
    fn a_long_partial_month_is_the_month_less_its_first_days() {
        let cuts = [at("2026-01-04T00:00:00Z"), at("2026-03-01T00:00:00Z")];
        let p = cover(&cuts, true);
        assert!(p.contains(&Piece {
            bucket: 0,
            sign: -1,
            unit: Unit::Periods(
                Grain::Day,
                day_of(at("2026-01-01T00:00:00Z")),
                day_of(at("2026-01-04T00:00:00Z"))
            )
        }));
        assert!(p.contains(&Piece {
            bucket: 0,
            sign: 1,
            unit: Unit::Periods(Grain::Month, 2026 * 12, 2026 * 12 + 2)
        }));
    }

    proptest! {
        #[test]
        fn every_instant_counts_once_in_its_bucket(
            start in 0i64..(4 * 365 * DAY_US),
            lens in proptest::collection::vec(1i64..(70 * DAY_US), 1..6),
            months in any::<bool>(),
            offsets in proptest::collection::vec(-DAY_US..(400 * DAY_US), 1..40),
        ) {
            let base = at("2024-01-01T00:00:00Z") + start;
            let mut cuts = vec![base];
            for l in &lens {
                let next = *cuts.last().unwrap() + l;
                cuts.push(next);
            }
            let mut instants: Vec<i64> = offsets.iter().map(|o| base + o).collect();
            instants.extend(cuts.iter().flat_map(|c| [c - 1, *c, c + 1]));
            instants.extend(cuts.iter().map(|c| day_of(*c) * DAY_US));
            check(&cuts, months, &instants);
        }
    }
}
