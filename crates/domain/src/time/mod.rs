//! Durations in whole minutes, rounding rules applied when billing, and duration parsing for
//! imports (seconds round to the nearest minute, half up; zero-minute rows are skipped, not errors).
pub mod forms;
pub mod import;
pub mod permissions;

use serde::{Deserialize, Serialize};

/// Most minutes one entry (or one person's day) may hold.
pub const MAX_DAY_MINUTES: i64 = 24 * 60;

/// The dates a time entry may carry: from 2000-01-01 to one year after today, both included.
/// Older or later dates are typing mistakes (year 1, 20026) that would otherwise land in
/// reports and on the radar as months nobody can see or fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateWindow {
    pub from: jiff::civil::Date,
    pub to: jiff::civil::Date,
}

impl DateWindow {
    /// The first date Mesure takes.
    pub const FIRST: jiff::civil::Date = jiff::civil::date(2000, 1, 1);

    /// The window on `today` (in the workspace's time zone): a year ahead, 29 February going
    /// to 28 February.
    pub fn on(today: jiff::civil::Date) -> DateWindow {
        let to = today
            .checked_add(jiff::Span::new().years(1))
            .unwrap_or(jiff::civil::Date::MAX);
        DateWindow {
            from: DateWindow::FIRST,
            to,
        }
    }

    pub fn contains(&self, d: jiff::civil::Date) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A duration in whole minutes. Raw time is always kept in minutes; rounding is a billing view.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Minutes(i64);

impl Minutes {
    pub const ZERO: Minutes = Minutes(0);

    pub fn new(m: i64) -> Minutes {
        Minutes(m)
    }
    pub fn get(self) -> i64 {
        self.0
    }
    /// A time entry's duration: 1 minute to 24 hours.
    pub fn entry(m: i64) -> Option<Minutes> {
        (1..=MAX_DAY_MINUTES).contains(&m).then_some(Minutes(m))
    }
    /// Seconds to minutes, rounded to the nearest minute with halves up (90 s → 2 min, 89 s → 1 min).
    pub fn from_seconds_half_up(seconds: i64) -> Minutes {
        Minutes((seconds + 30).div_euclid(60))
    }
    /// Decimal hours (`1.5`, `1,25`) to minutes, nearest minute, halves up.
    pub fn from_decimal_hours(text: &str) -> Option<Minutes> {
        let d: rust_decimal::Decimal = text.trim().replace(',', ".").parse().ok()?;
        if d.is_sign_negative() {
            return None;
        }
        // Round once, from the exact value: rounding to seconds first would round twice.
        let minutes = d.checked_mul(rust_decimal::Decimal::from(60))?;
        let minutes =
            minutes.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        i64::try_from(minutes).ok().map(Minutes)
    }
    /// `H:MM` or `H:MM:SS` (seconds rounded half up) to minutes.
    pub fn from_clock(text: &str) -> Option<Minutes> {
        let parts: Vec<&str> = text.trim().split(':').collect();
        let num = |s: &str| -> Option<i64> {
            if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
                None
            } else {
                s.parse().ok()
            }
        };
        match parts.as_slice() {
            [h, m] => {
                let (h, m) = (num(h)?, num(m)?);
                (m < 60).then(|| Minutes(h * 60 + m))
            }
            [h, m, s] => {
                let (h, m, s) = (num(h)?, num(m)?, num(s)?);
                (m < 60 && s < 60).then(|| Minutes::from_seconds_half_up(h * 3600 + m * 60 + s))
            }
            _ => None,
        }
    }
    /// Hours as a decimal with two places (for display and money arithmetic).
    pub fn hours(self) -> rust_decimal::Decimal {
        rust_decimal::Decimal::new(self.0, 0) / rust_decimal::Decimal::from(60)
    }
}

impl std::ops::Add for Minutes {
    type Output = Minutes;
    fn add(self, o: Minutes) -> Minutes {
        Minutes(self.0 + o.0)
    }
}

impl std::iter::Sum for Minutes {
    fn sum<I: Iterator<Item = Minutes>>(iter: I) -> Minutes {
        Minutes(iter.map(|m| m.0).sum())
    }
}

crate::projects::engagement::str_enum!(
    /// How an entry was recorded.
    EntrySource { Manual = "manual", Timer = "timer", Import = "import" }
);

/// How a client's or project's entries are rounded when billed (each entry on its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rounding {
    #[default]
    None,
    /// Up to the next multiple of 6, 15 or 30 minutes.
    UpTo(u8),
}

crate::projects::engagement::serde_as_text!(Rounding);

impl Rounding {
    /// Every rule a client or project may choose.
    pub const ALL: &'static [Rounding] = &[
        Rounding::None,
        Rounding::UpTo(6),
        Rounding::UpTo(15),
        Rounding::UpTo(30),
    ];
    /// `none`, `up6`, `up15`, `up30`.
    pub fn parse(s: &str) -> Option<Rounding> {
        match s.trim() {
            "none" => Some(Rounding::None),
            "up6" => Some(Rounding::UpTo(6)),
            "up15" => Some(Rounding::UpTo(15)),
            "up30" => Some(Rounding::UpTo(30)),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::None => "none",
            Rounding::UpTo(6) => "up6",
            Rounding::UpTo(15) => "up15",
            Rounding::UpTo(_) => "up30",
        }
    }
    /// The billed minutes of one entry.
    pub fn apply(self, raw: Minutes) -> Minutes {
        match self {
            Rounding::None => raw,
            Rounding::UpTo(step) => {
                let step = i64::from(step.max(1));
                Minutes((raw.0 + step - 1).div_euclid(step) * step)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_half_up_never_truncate() {
        assert_eq!(Minutes::from_seconds_half_up(0), Minutes(0));
        assert_eq!(Minutes::from_seconds_half_up(29), Minutes(0));
        assert_eq!(Minutes::from_seconds_half_up(30), Minutes(1));
        assert_eq!(Minutes::from_seconds_half_up(89), Minutes(1));
        assert_eq!(Minutes::from_seconds_half_up(90), Minutes(2));
        assert_eq!(Minutes::from_seconds_half_up(3599), Minutes(60));
    }

    #[test]
    fn durations_in_import_formats() {
        assert_eq!(Minutes::from_clock("1:30"), Some(Minutes(90)));
        assert_eq!(Minutes::from_clock("0:00:30"), Some(Minutes(1)));
        assert_eq!(Minutes::from_clock("0:00:29"), Some(Minutes(0)));
        assert_eq!(Minutes::from_clock("2:05:45"), Some(Minutes(126)));
        assert_eq!(Minutes::from_clock("1:75"), None);
        assert_eq!(Minutes::from_clock("-1:00"), None);
        assert_eq!(Minutes::from_decimal_hours("1.5"), Some(Minutes(90)));
        assert_eq!(Minutes::from_decimal_hours("0,25"), Some(Minutes(15)));
        assert_eq!(
            Minutes::from_decimal_hours("0.0083"),
            Some(Minutes(0)),
            "29.88 s rounds down"
        );
        assert_eq!(
            Minutes::from_decimal_hours("0.0084"),
            Some(Minutes(1)),
            "30.24 s rounds up"
        );
        assert_eq!(Minutes::from_decimal_hours("-1"), None);
    }

    #[test]
    fn entries_hold_one_minute_to_one_day() {
        assert_eq!(Minutes::entry(0), None);
        assert_eq!(Minutes::entry(-5), None);
        assert_eq!(Minutes::entry(1), Some(Minutes(1)));
        assert_eq!(Minutes::entry(1440), Some(Minutes(1440)));
        assert_eq!(Minutes::entry(1441), None);
    }

    #[test]
    fn rounding_rules() {
        assert_eq!(Rounding::None.apply(Minutes(7)), Minutes(7));
        assert_eq!(Rounding::UpTo(6).apply(Minutes(7)), Minutes(12));
        assert_eq!(Rounding::UpTo(15).apply(Minutes(15)), Minutes(15));
        assert_eq!(Rounding::UpTo(15).apply(Minutes(16)), Minutes(30));
        assert_eq!(Rounding::UpTo(30).apply(Minutes(1)), Minutes(30));
        for r in ["none", "up6", "up15", "up30"] {
            assert_eq!(Rounding::parse(r).map(Rounding::as_str), Some(r));
        }
        assert_eq!(Rounding::parse("up10"), None);
        assert_eq!(Minutes(90).hours(), rust_decimal::Decimal::new(15, 1));
    }
}

#[cfg(test)]
mod window_tests {
    use super::DateWindow;
    use jiff::civil::date;

    #[test]
    fn the_window_runs_from_2000_to_a_year_ahead() {
        let w = DateWindow::on(date(2026, 11, 27));
        assert_eq!((w.from, w.to), (date(2000, 1, 1), date(2027, 11, 27)));
        assert!(w.contains(date(2000, 1, 1)));
        assert!(w.contains(date(2027, 11, 27)));
        assert!(!w.contains(date(1999, 12, 31)));
        assert!(!w.contains(date(2027, 11, 28)));
        assert!(!w.contains(date(1, 3, 1)));
        assert_eq!(DateWindow::on(date(2028, 2, 29)).to, date(2029, 2, 28));
    }
}
