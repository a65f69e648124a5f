//! Business calendars (issues 11 and 12): a time zone, working hours per weekday (several
//! ranges a day, e.g. a lunch break), French public holidays built in plus custom dates. They
//! count the business minutes between two instants (a first response time) and find the instant
//! a number of business minutes after another (an SLA deadline), exactly across weekends,
//! holidays and daylight-saving changes: working hours are civil times of each day, turned into
//! instants in the calendar's zone day by day.
pub mod form;

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// One working range of a day, in minutes from midnight, `start < end <= 1440`.
pub type Range = (u16, u16);

/// A business calendar.
#[derive(Clone, Debug)]
pub struct Calendar {
    pub tz: TimeZone,
    /// Working ranges per weekday, Monday first, each sorted and disjoint.
    pub week: [Vec<Range>; 7],
    /// France's public holidays are days off.
    pub french_holidays: bool,
    /// Further days off.
    pub days_off: BTreeSet<Date>,
}

/// Why a calendar is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("a working range ends before it starts or past midnight")]
    BadRange,
    #[error("working ranges of a day overlap")]
    Overlap,
    #[error("a calendar has no working time")]
    NoWorkingTime,
}

impl Calendar {
    /// A calendar from its parts, its ranges checked and sorted.
    pub fn new(
        tz: TimeZone,
        mut week: [Vec<Range>; 7],
        french_holidays: bool,
        days_off: BTreeSet<Date>,
    ) -> Result<Calendar, CalendarError> {
        for day in &mut week {
            day.sort_unstable();
            if day.iter().any(|(s, e)| s >= e || *e > 1440) {
                return Err(CalendarError::BadRange);
            }
            if day.windows(2).any(|w| matches!(w, [a, b] if a.1 > b.0)) {
                return Err(CalendarError::Overlap);
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoWorkingTime);
        }
        Ok(Calendar {
            tz,
            week,
            french_holidays,
            days_off,
        })
    }

    /// The usual French office week: Monday to Friday, 9:00–12:30 and 14:00–18:00, public
    /// holidays off.
    pub fn french_office(tz: TimeZone) -> Calendar {
        let day = vec![(9 * 60, 12 * 60 + 30), (14 * 60, 18 * 60)];
        Calendar {
            tz,
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            french_holidays: true,
            days_off: BTreeSet::new(),
        }
    }

    /// Whether `d` is a day off (a public holiday or a custom one).
    pub fn is_day_off(&self, d: Date) -> bool {
        self.days_off.contains(&d) || (self.french_holidays && is_french_holiday(d))
    }

    /// The working ranges of day `d` as instants (empty on a day off). A civil time that does
    /// not exist (skipped by a DST change) moves forward; a repeated one takes its first
    /// occurrence.
    fn ranges_of(&self, d: Date) -> Vec<(Timestamp, Timestamp)> {
        if self.is_day_off(d) {
            return Vec::new();
        }
        let idx = usize::from(d.weekday().to_monday_zero_offset().unsigned_abs());
        let Some(ranges) = self.week.get(idx) else {
            return Vec::new();
        };
        ranges
            .iter()
            .filter_map(|(s, e)| {
                let a = self.instant(d, *s)?;
                let b = self.instant(d, *e)?;
                (a < b).then_some((a, b))
            })
            .collect()
    }

    /// The instant of `minute` (from midnight; 1440 is the next midnight) of day `d`.
    fn instant(&self, d: Date, minute: u16) -> Option<Timestamp> {
        let (day, minute) = if minute >= 1440 {
            (d.tomorrow().ok()?, minute - 1440)
        } else {
            (d, minute)
        };
        let t = Time::new(
            i8::try_from(minute / 60).ok()?,
            i8::try_from(minute % 60).ok()?,
            0,
            0,
        )
        .ok()?;
        self.tz
            .to_ambiguous_zoned(day.to_datetime(t))
            .compatible()
            .ok()
            .map(|z| z.timestamp())
    }

    fn local_date(&self, t: Timestamp) -> Date {
        t.to_zoned(self.tz.clone()).date()
    }

    /// Business minutes in `[from, to)` (zero when `to <= from`), rounded down to the minute.
    pub fn business_minutes(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let mut secs: i64 = 0;
        // A day before and after: working ranges of a local day may start before its midnight
        // in another zone's terms only through DST; one day of margin covers it.
        let mut d = self
            .local_date(from)
            .yesterday()
            .unwrap_or(self.local_date(from));
        let last = self
            .local_date(to)
            .tomorrow()
            .unwrap_or(self.local_date(to));
        while d <= last {
            for (a, b) in self.ranges_of(d) {
                let s = a.max(from);
                let e = b.min(to);
                if s < e {
                    secs += e.as_second() - s.as_second();
                }
            }
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        secs / 60
    }

    /// The instant `minutes` business minutes after `from` (`from` itself for zero or less),
    /// `None` if the calendar never works again within ten years.
    pub fn add_business_minutes(&self, from: Timestamp, minutes: i64) -> Option<Timestamp> {
        if minutes <= 0 {
            return Some(from);
        }
        let mut left = minutes * 60;
        let mut d = self.local_date(from).yesterday().ok()?;
        for _ in 0..3700 {
            for (a, b) in self.ranges_of(d) {
                let s = a.max(from);
                if s >= b {
                    continue;
                }
                let avail = b.as_second() - s.as_second();
                if avail >= left {
                    return Timestamp::from_second(s.as_second() + left).ok();
                }
                left -= avail;
            }
            d = d.tomorrow().ok()?;
        }
        None
    }
}

/// Easter Sunday of `year` (Gregorian; the anonymous algorithm).
pub fn easter(year: i16) -> Option<Date> {
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
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// France's eleven public holidays of `year` (metropolitan): 1 January, Easter Monday, 1 May,
/// 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December.
pub fn french_holidays(year: i16) -> Vec<Date> {
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    let mut out: Vec<Date> = fixed
        .iter()
        .filter_map(|(m, d)| Date::new(year, *m, *d).ok())
        .collect();
    if let Some(e) = easter(year) {
        for days in [1, 39, 50] {
            if let Ok(d) = e.checked_add(jiff::Span::new().days(days)) {
                out.push(d);
            }
        }
    }
    out.sort();
    out
}

/// Whether `d` is a French public holiday.
pub fn is_french_holiday(d: Date) -> bool {
    french_holidays(d.year()).contains(&d)
}

/// Whether `d` falls on a weekend.
pub fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests;
