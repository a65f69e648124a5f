//! The business calendar as a settings form: a time zone, each weekday's working ranges typed as
//! `09:00-12:30, 14:00-18:00` (empty: a day off), French public holidays on or off, and further
//! days off one `YYYY-MM-DD` per line.
use super::{Calendar, CalendarError, Range};
use crate::Invalid;
use crate::validate::Checker;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// The form's weekday fields, Monday first.
pub const DAYS: [&str; 7] = [
    "week_mon", "week_tue", "week_wed", "week_thu", "week_fri", "week_sat", "week_sun",
];

/// The most custom days off a calendar holds.
pub const MAX_DAYS_OFF: usize = 366;

/// The calendar form as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    pub time_zone: String,
    pub week_mon: Option<String>,
    pub week_tue: Option<String>,
    pub week_wed: Option<String>,
    pub week_thu: Option<String>,
    pub week_fri: Option<String>,
    pub week_sat: Option<String>,
    pub week_sun: Option<String>,
    /// A checkbox: present (any value) when ticked.
    pub french_holidays: Option<String>,
    pub days_off: Option<String>,
}

/// `HH:MM` as minutes from midnight; `24:00` is the end of the day.
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// A day's ranges from `09:00-12:30, 14:00-18:00` (commas or semicolons; empty: none).
pub fn parse_ranges(s: &str) -> Result<Vec<Range>, &'static str> {
    let mut out = Vec::new();
    for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part
            .split_once(['-', '–'])
            .ok_or("err-calendar-range-format")?;
        let (a, b) = (
            minutes(a).ok_or("err-calendar-range-format")?,
            minutes(b).ok_or("err-calendar-range-format")?,
        );
        if a >= b {
            return Err("err-calendar-range-order");
        }
        out.push((a, b));
        if out.len() > 12 {
            return Err("err-calendar-range-format");
        }
    }
    out.sort_unstable();
    if out.windows(2).any(|w| matches!(w, [x, y] if x.1 > y.0)) {
        return Err("err-calendar-overlap");
    }
    Ok(out)
}

/// A day's ranges as the form shows them: `09:00-12:30, 14:00-18:00`.
pub fn format_ranges(ranges: &[Range]) -> String {
    ranges
        .iter()
        .map(|(a, b)| format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60))
        .collect::<Vec<_>>()
        .join(", ")
}

impl CalendarForm {
    /// The form of a calendar (`time_zone`: the zone's name).
    pub fn of(c: &Calendar, time_zone: &str) -> CalendarForm {
        let day = |i: usize| c.week.get(i).map(|r| format_ranges(r));
        CalendarForm {
            time_zone: time_zone.to_string(),
            week_mon: day(0),
            week_tue: day(1),
            week_wed: day(2),
            week_thu: day(3),
            week_fri: day(4),
            week_sat: day(5),
            week_sun: day(6),
            french_holidays: c.french_holidays.then(|| "on".into()),
            days_off: Some(
                c.days_off
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
    }

    /// Each weekday's ranges as typed, Monday first.
    pub fn days(&self) -> [Option<&str>; 7] {
        [
            self.week_mon.as_deref(),
            self.week_tue.as_deref(),
            self.week_wed.as_deref(),
            self.week_thu.as_deref(),
            self.week_fri.as_deref(),
            self.week_sat.as_deref(),
            self.week_sun.as_deref(),
        ]
    }

    /// The calendar, or every field's error.
    pub fn parse(&self) -> Result<Calendar, Invalid> {
        let mut c = Checker::new();
        let zone = c.required("time_zone", &self.time_zone, 64);
        let tz = match TimeZone::get(&zone) {
            Ok(tz) => Some(tz),
            Err(_) => {
                if !zone.is_empty() {
                    c.add("time_zone", "err-time-zone");
                }
                None
            }
        };
        let mut week: [Vec<Range>; 7] = Default::default();
        for ((field, typed), slot) in DAYS.iter().zip(self.days()).zip(week.iter_mut()) {
            let typed = typed.unwrap_or("");
            if typed.chars().count() > 200 || typed.chars().any(char::is_control) {
                c.add(field, "err-calendar-range-format");
                continue;
            }
            match parse_ranges(typed) {
                Ok(r) => *slot = r,
                Err(code) => c.add(field, code),
            }
        }
        let mut days_off = BTreeSet::new();
        let typed = self.days_off.as_deref().unwrap_or("");
        if typed
            .chars()
            .any(|ch| ch.is_control() && ch != '\n' && ch != '\r')
        {
            c.add("days_off", "err-control-chars");
        } else {
            for line in typed.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match line.parse::<Date>() {
                    Ok(d) if (2000..=2100).contains(&d.year()) => {
                        days_off.insert(d);
                    }
                    _ => {
                        c.add("days_off", "err-calendar-day");
                        break;
                    }
                }
            }
            if days_off.len() > MAX_DAYS_OFF {
                c.add("days_off", "err-calendar-too-many-days");
            }
        }
        c.finish()?;
        let tz = tz.ok_or_else(|| Invalid::one("time_zone", "err-time-zone"))?;
        Calendar::new(tz, week, self.french_holidays.is_some(), days_off).map_err(|e| match e {
            CalendarError::NoWorkingTime => Invalid::one("week_mon", "err-calendar-empty"),
            CalendarError::Overlap => Invalid::one("week_mon", "err-calendar-overlap"),
            CalendarError::BadRange => Invalid::one("week_mon", "err-calendar-range-order"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(mon: &str) -> CalendarForm {
        CalendarForm {
            time_zone: "Europe/Paris".into(),
            week_mon: Some(mon.into()),
            french_holidays: Some("on".into()),
            ..Default::default()
        }
    }

    fn codes(f: &CalendarForm) -> Vec<(String, &'static str)> {
        f.parse()
            .err()
            .map(|i| i.0.into_iter().map(|e| (e.field, e.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn ranges_round_trip_and_sort() {
        let r = parse_ranges(" 14:00-18:00 ; 9:00 – 12:30 ").unwrap();
        assert_eq!(r, vec![(540, 750), (840, 1080)]);
        assert_eq!(format_ranges(&r), "09:00-12:30, 14:00-18:00");
        assert_eq!(parse_ranges("").unwrap(), vec![]);
        assert_eq!(parse_ranges("00:00-24:00").unwrap(), vec![(0, 1440)]);
    }

    #[test]
    fn bad_ranges_are_named() {
        for (typed, code) in [
            ("9-12", "err-calendar-range-format"),
            ("09:00", "err-calendar-range-format"),
            ("12:00-09:00", "err-calendar-range-order"),
            ("09:00-09:00", "err-calendar-range-order"),
            ("09:60-10:00", "err-calendar-range-format"),
            ("23:00-24:30", "err-calendar-range-format"),
            ("09:00-12:00, 11:00-13:00", "err-calendar-overlap"),
        ] {
            assert_eq!(parse_ranges(typed), Err(code), "{typed}");
        }
    }

    #[test]
    fn a_form_becomes_a_calendar_or_names_each_bad_field() {
        let c = form("09:00-12:00").parse().unwrap();
        assert_eq!(c.week[0], vec![(540, 720)]);
        assert!(c.week[1].is_empty() && c.french_holidays);
        let mut f = form("09:00-12:00");
        f.time_zone = "Mars/Olympus".into();
        f.week_tue = Some("nope".into());
        f.days_off = Some("2026-12-24\n24/12/2026".into());
        assert_eq!(
            codes(&f),
            vec![
                ("time_zone".into(), "err-time-zone"),
                ("week_tue".into(), "err-calendar-range-format"),
                ("days_off".into(), "err-calendar-day"),
            ]
        );
        assert_eq!(
            codes(&form("")),
            vec![("week_mon".into(), "err-calendar-empty")]
        );
        let mut f = form("09:00-12:00");
        f.week_wed = Some("09:00-10:00\u{0}".into());
        assert_eq!(
            codes(&f),
            vec![("week_wed".into(), "err-calendar-range-format")]
        );
        let mut f = form("09:00-12:00");
        f.days_off = Some("2026-12-24\n2026-12-31".into());
        let c = f.parse().unwrap();
        assert_eq!(c.days_off.len(), 2);
        let back = CalendarForm::of(&c, "Europe/Paris");
        assert_eq!(back.week_mon.as_deref(), Some("09:00-12:00"));
        assert_eq!(back.days_off.as_deref(), Some("2026-12-24\n2026-12-31"));
    }
}
