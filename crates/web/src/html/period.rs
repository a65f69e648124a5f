//! The period picker shared by reports and lists: this/last week, month, quarter, year or a
//! custom range, carried in the URL (`period=…&from=…&to=…`) so a view can be bookmarked.
//! Periods are half-open `[from, to)` days in the workspace's time zone.
use jiff::ToSpan;
use jiff::civil::Date;
use mesure_domain::Language;
use mesure_domain::projects::engagement::{day_key, month_of, week_start};
use mesure_i18n::t;

/// The named periods, in the order the picker offers them.
pub const PERIODS: &[&str] = &[
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "last_12_months",
    "custom",
];

/// A resolved period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// The picker's value (`this_month`, …, `custom`).
    pub name: String,
    pub from: Date,
    /// Exclusive.
    pub to: Date,
}

fn quarter_start(d: Date) -> Date {
    let m = (d.month() - 1) / 3 * 3 + 1;
    Date::new(d.year(), m, 1).unwrap_or(d)
}

/// The named period around `today`; `None` for an unknown name.
pub fn named(name: &str, today: Date) -> Option<(Date, Date)> {
    let month = today.first_of_month();
    let quarter = quarter_start(today);
    let year = Date::new(today.year(), 1, 1).ok()?;
    let week = week_start(today);
    Some(match name {
        "this_week" => (week, week.checked_add(7.days()).ok()?),
        "last_week" => (week.checked_sub(7.days()).ok()?, week),
        "this_month" => (month, month.checked_add(1.month()).ok()?),
        "last_month" => (month.checked_sub(1.month()).ok()?, month),
        "this_quarter" => (quarter, quarter.checked_add(3.months()).ok()?),
        "last_quarter" => (quarter.checked_sub(3.months()).ok()?, quarter),
        "this_year" => (year, year.checked_add(1.year()).ok()?),
        "last_year" => (year.checked_sub(1.year()).ok()?, year),
        "last_12_months" => (
            month.checked_sub(11.months()).ok()?,
            today.checked_add(1.day()).ok()?,
        ),
        _ => return None,
    })
}

impl Period {
    /// From the URL: a named period, or `from`/`to` (the `to` day included, as people type it);
    /// `default` when nothing (or nothing valid) is given. A bad custom range is reported.
    pub fn parse(
        period: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: Date,
        default: &str,
    ) -> Result<Period, &'static str> {
        let day = |s: Option<&str>| -> Result<Option<Date>, &'static str> {
            match s.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s.parse::<Date>().map(Some).map_err(|_| "err-date"),
            }
        };
        let (f, t_incl) = (day(from)?, day(to)?);
        let name =
            period
                .filter(|p| PERIODS.contains(p))
                .unwrap_or(if f.is_some() || t_incl.is_some() {
                    "custom"
                } else {
                    default
                });
        if name == "custom" {
            let from = f.unwrap_or(today.first_of_month());
            let to = match t_incl {
                Some(t) => t.checked_add(1.day()).map_err(|_| "err-date")?,
                None => today.checked_add(1.day()).map_err(|_| "err-date")?,
            };
            if to <= from {
                return Err("err-end-before-start");
            }
            if from.until(to).map(|s| s.get_days()).unwrap_or(0) > 3_700 {
                return Err("err-period-too-long");
            }
            return Ok(Period {
                name: name.into(),
                from,
                to,
            });
        }
        let (from, to) = named(name, today).ok_or("err-date")?;
        Ok(Period {
            name: name.into(),
            from,
            to,
        })
    }

    pub fn from_key(&self) -> i32 {
        day_key(self.from)
    }
    pub fn to_key(&self) -> i32 {
        day_key(self.to)
    }
    /// The last day included, for date inputs.
    pub fn last_day(&self) -> Date {
        self.to.checked_sub(1.day()).unwrap_or(self.to)
    }
    /// The URL parameters of this period.
    pub fn query(&self) -> String {
        if self.name == "custom" {
            format!("period=custom&from={}&to={}", self.from, self.last_day())
        } else {
            format!("period={}", self.name)
        }
    }
    /// "01/03/2026 – 31/03/2026".
    pub fn label(&self, lang: Language) -> String {
        format!(
            "{} – {}",
            mesure_i18n::date(lang, self.from),
            mesure_i18n::date(lang, self.last_day())
        )
    }
    /// The picker's options: (value, label, selected).
    pub fn options(&self, lang: Language) -> Vec<(&'static str, String, bool)> {
        PERIODS
            .iter()
            .map(|p| (*p, t(lang, &format!("period-{p}")), *p == self.name))
            .collect()
    }
    /// The whole months covering the period: its first month's first day, and the first day
    /// after its last month (views built on monthly running totals read these).
    pub fn month_span(&self) -> (Date, Date) {
        let last = self.last_day();
        let end = last.first_of_month().checked_add(1.month()).unwrap_or(last);
        (self.from.first_of_month(), end)
    }
    /// The label of what a monthly view shows: the period itself when it is whole months,
    /// else the months covering it, said as such.
    pub fn months_label(&self, lang: Language) -> String {
        let (from, to) = self.month_span();
        if (from, to) == (self.from, self.to) {
            return self.label(lang);
        }
        let key = |d: Date| month_of(day_key(d));
        let last = to.checked_sub(1.day()).unwrap_or(to);
        mesure_i18n::t_args(
            lang,
            "period-whole-months",
            &[
                ("period", mesure_i18n::Arg::Str(&self.label(lang))),
                (
                    "from",
                    mesure_i18n::Arg::Str(&super::fmt::month(lang, key(from))),
                ),
                (
                    "to",
                    mesure_i18n::Arg::Str(&super::fmt::month(lang, key(last))),
                ),
            ],
        )
    }
    /// Months `[from, to)` as `YYYYMM` keys covering the period.
    pub fn months(&self) -> (i32, i32) {
        let m = |d: Date| month_of(day_key(d));
        let last = self.last_day();
        let end = last.first_of_month().checked_add(1.month()).unwrap_or(last);
        (m(self.from), m(end))
    }
}

/// A page's period as its form sends it: a named `period`, or `from`/`to` for a custom one.
#[derive(serde::Deserialize, Default)]
pub struct PeriodQuery {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub notice: Option<String>,
}

/// The request's period, or the last twelve months with the reason the request's was refused.
pub fn period_or_default(
    s: &crate::AppState,
    page: &crate::session::Page,
    q: &PeriodQuery,
) -> (Period, Option<String>) {
    let today = mesure_services::time::today_date(&s.app, &page.ctx);
    match period_of(s, page, q) {
        Ok(p) => (p, None),
        Err(key) => {
            let (from, to) = named("last_12_months", today)
                .unwrap_or((today, today.tomorrow().unwrap_or(today)));
            let p = Period {
                name: "last_12_months".into(),
                from,
                to,
            };
            (p, Some(mesure_i18n::t(page.ctx.language, key)))
        }
    }
}

/// The request's period, or the message key of why it is refused.
pub fn period_of(
    s: &crate::AppState,
    page: &crate::session::Page,
    q: &PeriodQuery,
) -> Result<Period, &'static str> {
    let today = mesure_services::time::today_date(&s.app, &page.ctx);
    Period::parse(
        q.period.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
        today,
        "last_12_months",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn named_and_custom_periods() {
        let today = date(2026, 11, 27);
        let p = Period::parse(Some("this_month"), None, None, today, "this_month").unwrap();
        assert_eq!((p.from, p.to), (date(2026, 11, 1), date(2026, 12, 1)));
        let p = Period::parse(Some("last_quarter"), None, None, today, "x").unwrap();
        assert_eq!((p.from, p.to), (date(2026, 7, 1), date(2026, 10, 1)));
        let p = Period::parse(Some("last_week"), None, None, today, "x").unwrap();
        assert_eq!((p.from, p.to), (date(2026, 11, 16), date(2026, 11, 23)));
        let p = Period::parse(Some("last_year"), None, None, today, "x").unwrap();
        assert_eq!((p.from, p.to), (date(2025, 1, 1), date(2026, 1, 1)));
        let p = Period::parse(None, Some("2026-03-01"), Some("2026-03-31"), today, "x").unwrap();
        assert_eq!(
            (p.from, p.to, p.name.as_str()),
            (date(2026, 3, 1), date(2026, 4, 1), "custom")
        );
        assert_eq!(p.query(), "period=custom&from=2026-03-01&to=2026-03-31");
        assert_eq!(p.months(), (202603, 202604));
        assert_eq!(
            Period::parse(None, Some("2026-03-31"), Some("2026-03-01"), today, "x"),
            Err("err-end-before-start")
        );
        assert_eq!(
            Period::parse(None, Some("31/03/2026"), None, today, "x"),
            Err("err-date")
        );
        let p = Period::parse(Some("last_12_months"), None, None, today, "x").unwrap();
        assert_eq!((p.from, p.to), (date(2025, 12, 1), date(2026, 11, 28)));
        assert_eq!(p.months(), (202512, 202612));
        let p = Period::parse(Some("last_week"), None, None, today, "x").unwrap();
        assert_eq!(p.month_span(), (date(2026, 11, 1), date(2026, 12, 1)));
        let p = Period::parse(None, None, None, today, "this_year").unwrap();
        assert_eq!(p.month_span(), (p.from, p.to));
        assert_eq!(p.months(), (202601, 202701));
    }
}
