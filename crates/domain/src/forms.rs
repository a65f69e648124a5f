//! Field parsers shared by every module's forms (HTML forms and JSON alike): dates, amounts,
//! rates, durations, optional ids, with every bad field reported at once.
use crate::projects::engagement::day_key;
use crate::time::{DateWindow, Minutes};
use crate::validate::{Checker, FieldArg};
use crate::{Currency, max_amount_minor, max_rate_minor};
use rust_decimal::Decimal;

/// The trimmed value of an optional field, `None` when absent or blank.
pub fn blank(s: &Option<String>) -> Option<&str> {
    given(s.as_deref())
}

/// A trimmed, non-empty value of a field that lends `&str`.
pub fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// A whole number as it arrives: typed text (a form) or a number (JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberIn<'a> {
    Text(&'a str),
    Number(i64),
}

impl NumberIn<'_> {
    /// The number; `None` when the text is not a whole number.
    pub fn value(self) -> Option<i64> {
        match self {
            NumberIn::Text(t) => t.trim().parse().ok(),
            NumberIn::Number(n) => Some(n),
        }
    }
    /// Absent when the text is blank.
    pub fn given(self) -> Option<Self> {
        match self {
            NumberIn::Text(t) if t.trim().is_empty() => None,
            n => Some(n),
        }
    }
}

/// The last date any field takes; the first is [`DateWindow::FIRST`] (2000-01-01). Years such
/// as 0000 or 9999 are typing mistakes, never plans.
pub const LAST_DAY: jiff::civil::Date = jiff::civil::date(2099, 12, 31);

/// A civil date `YYYY-MM-DD` (also `DD/MM/YYYY`) as stored `YYYYMMDD`, from 2000-01-01 to
/// 2099-12-31 (time entries are narrower still: see [`DateWindow`]).
pub fn parse_day(s: &str) -> Option<i32> {
    let d = parse_civil(s)?;
    (DateWindow::FIRST..=LAST_DAY)
        .contains(&d)
        .then(|| day_key(d))
}

/// Any civil date as typed, unbounded (a caller that reports its own window uses it).
pub fn parse_civil(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let d = match s.parse::<jiff::civil::Date>() {
        Ok(d) => d,
        Err(_) => {
            let parts: Vec<&str> = s.split('/').collect();
            let [d, m, y] = parts.as_slice() else {
                return None;
            };
            jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?
        }
    };
    Some(d)
}

/// An amount in the currency's minor units: `1234.5`, `1 234,50`; never negative, never above
/// [`max_amount_minor`].
pub fn parse_amount(s: &str, currency: Currency) -> Option<i64> {
    parse_bounded(s, currency).filter(|m| *m <= max_amount_minor(currency))
}

/// Checks an amount field: `err-amount` when it is not an amount, `err-amount-max` above
/// [`max_amount_minor`].
pub fn amount_field(c: &mut Checker, field: &str, s: &str, currency: Currency) -> Option<i64> {
    bounded_field(
        c,
        field,
        s,
        currency,
        (max_amount_minor(currency), "err-amount-max"),
    )
}

/// Checks an hourly rate field: `err-amount` when it is not an amount, `err-rate-max` above
/// [`max_rate_minor`] (100,000 per hour in the currency).
pub fn rate_field(c: &mut Checker, field: &str, s: &str, currency: Currency) -> Option<i64> {
    bounded_field(
        c,
        field,
        s,
        currency,
        (max_rate_minor(currency), "err-rate-max"),
    )
}

fn bounded_field(
    c: &mut Checker,
    field: &str,
    s: &str,
    currency: Currency,
    (max, code): (i64, &'static str),
) -> Option<i64> {
    match parse_bounded(s, currency) {
        None => {
            c.add(field, "err-amount");
            None
        }
        Some(m) if m > max => {
            c.add(field, code);
            None
        }
        Some(m) => Some(m),
    }
}

/// A decimal amount in minor units, if it is one that fits; bounds are the callers'.
fn parse_bounded(s: &str, currency: Currency) -> Option<i64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    // Plain decimals only: no sign, no exponent (`1e3`), no underscores.
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let d: Decimal = cleaned.parse().ok()?;
    if d.is_sign_negative() || d.scale() > currency.minor_digits() {
        return None;
    }
    let minor = d.checked_mul(Decimal::from(10i64.pow(currency.minor_digits())))?;
    i64::try_from(minor.trunc()).ok()
}

/// A duration typed by a person: minutes (`90`), hours (`1.5`, `1,5h`) or `h:mm`.
pub fn parse_duration(s: &str) -> Option<i64> {
    let t = s.trim().to_lowercase();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    if t.contains(':') {
        return Minutes::from_clock(&t).map(Minutes::get);
    }
    if let Some(h) = t.strip_suffix('h') {
        return Minutes::from_decimal_hours(h).map(Minutes::get);
    }
    if let Some(m) = t.strip_suffix("min").or_else(|| t.strip_suffix('m')) {
        return m.trim().parse().ok();
    }
    if t.contains('.') || t.contains(',') {
        return Minutes::from_decimal_hours(&t).map(Minutes::get);
    }
    // A bare whole number: hours when small (a person typing "2"), else minutes.
    let n: i64 = t.parse().ok()?;
    Some(if n <= 12 { n * 60 } else { n })
}

/// Whether a checkbox or flag field is on.
pub fn truthy(s: Option<&str>) -> bool {
    matches!(s, Some("1" | "true" | "on" | "yes" | "oui"))
}

/// Adds `err-date-window` on `field` when the day key `day` is outside `window`.
pub fn check_window(c: &mut Checker, field: &str, day: i32, window: DateWindow) {
    let (from, to) = (day_key(window.from), day_key(window.to));
    if day < from || day > to {
        c.add_arg(field, "err-date-window", FieldArg::Dates { from, to });
    }
}

/// An optional id field: `err-invalid` when present and not a UUID.
pub fn opt_id(c: &mut Checker, field: &str, v: &Option<String>) -> Option<uuid::Uuid> {
    let s = blank(v)?;
    let id = uuid::Uuid::parse_str(s).ok();
    if id.is_none() {
        c.add(field, "err-invalid");
    }
    id
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::Invalid;

    #[test]
    fn durations_as_people_type_them() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("2"), Some(120));
        assert_eq!(parse_duration("1,5"), Some(90));
        assert_eq!(parse_duration("1.25h"), Some(75));
        assert_eq!(parse_duration("1:30"), Some(90));
        assert_eq!(parse_duration("45m"), Some(45));
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("abc"), None);
    }

    #[test]
    fn amounts_in_minor_units() {
        assert_eq!(parse_amount("1 234,50", Currency::EUR), Some(123_450));
        assert_eq!(parse_amount("95", Currency::EUR), Some(9_500));
        assert_eq!(parse_amount("1.234", Currency::EUR), None);
        assert_eq!(parse_amount("-5", Currency::EUR), None);
        // Bounds: ten billion in the currency, 100,000 an hour for a rate.
        assert_eq!(
            parse_amount("10000000000,00", Currency::EUR),
            Some(1_000_000_000_000)
        );
        assert_eq!(parse_amount("10000000000.01", Currency::EUR), None);
        assert_eq!(parse_amount("92233720368547758.07", Currency::EUR), None);
        let mut c = Checker::new();
        assert_eq!(
            rate_field(&mut c, "r", "100000", Currency::EUR),
            Some(10_000_000)
        );
        assert_eq!(rate_field(&mut c, "r", "100000.01", Currency::EUR), None);
        assert_eq!(amount_field(&mut c, "a", "1e3", Currency::EUR), None);
        let Err(Invalid(errs)) = c.finish() else {
            panic!("expected errors")
        };
        let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["err-rate-max", "err-amount"]);
    }
}
