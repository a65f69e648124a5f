//! Display helpers of the engagement pages: hours, money in minor units, percentages and "no
//! data", formatted for the reader's language.
use mesure_domain::{Currency, Language, Money};
use mesure_i18n::{number, t};
use rust_decimal::Decimal;

/// Minutes as `h:mm` (the one display of durations, as in the week grid): `12:30`, `1 234:05`
/// in French, `1,234:05` in English; a minute reads `0:01`, never "0,0 h".
pub fn hours(lang: Language, minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    format!(
        "{sign}{}:{:02}",
        mesure_i18n::count(lang, i64::try_from(m / 60).unwrap_or(i64::MAX)),
        m % 60
    )
}

/// Minor units in a currency.
pub fn money(lang: Language, minor: i64, currency: &str) -> String {
    let c = Currency::parse(currency).unwrap_or(Currency::EUR);
    mesure_i18n::money(lang, Money::from_minor(minor, c))
}

/// A ratio as a whole percentage, or "no data".
pub fn pct(lang: Language, r: Option<Decimal>) -> String {
    match r {
        Some(r) => format!("{}\u{a0}%", number(lang, r * Decimal::from(100), 0)),
        None => t(lang, "radar-no-data"),
    }
}

/// A ratio as a plain decimal (`0,25`), or "no data".
pub fn ratio(lang: Language, r: Option<Decimal>) -> String {
    match r {
        Some(r) => number(lang, r, 2),
        None => t(lang, "radar-no-data"),
    }
}

/// Width of a bar in percent (0–100) for a ratio.
pub fn bar_width(r: Option<Decimal>) -> i64 {
    r.map(|r| (r * Decimal::from(100)).round())
        .and_then(|d| i64::try_from(d).ok())
        .unwrap_or(0)
        .clamp(0, 100)
}

/// A month `YYYYMM` as `11/2026` or `Nov 2026`.
pub fn month(lang: Language, m: i32) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo) = (m / 100, m % 100);
    match lang {
        Language::Fr => format!("{mo:02}/{y}"),
        Language::En => {
            let name = usize::try_from(mo - 1)
                .ok()
                .and_then(|i| EN.get(i))
                .copied()
                .unwrap_or("");
            format!("{name} {y}")
        }
    }
}

/// A short day label for a week grid: `lun. 23` / `Mon 23`.
pub fn weekday_day(lang: Language, d: jiff::civil::Date) -> String {
    const FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = usize::try_from(d.weekday().to_monday_zero_offset()).unwrap_or(0);
    let names = match lang {
        Language::Fr => FR,
        Language::En => EN,
    };
    format!("{} {}", names.get(i).copied().unwrap_or(""), d.day())
}

/// A stored day `YYYYMMDD` for the language.
pub fn day(lang: Language, d: i32) -> String {
    mesure_domain::projects::engagement::day_from_key(d)
        .map(|d| mesure_i18n::date(lang, d))
        .unwrap_or_default()
}

/// A stored day as `YYYY-MM-DD` (form values and links).
pub fn iso(d: Option<i32>) -> String {
    d.and_then(mesure_domain::projects::engagement::day_from_key)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Minor units as an editable decimal (`1250.50`).
pub fn plain_amount(m: Option<i64>) -> String {
    m.map(crate::api::amount).unwrap_or_default()
}

/// Minutes as editable decimal hours (`7.5`).
pub fn plain_hours(m: Option<i64>) -> String {
    m.map(|m| {
        let d = (Decimal::from(m) / Decimal::from(60))
            .round_dp(2)
            .normalize();
        d.to_string()
    })
    .unwrap_or_default()
}

/// An instant (microseconds) as the reader's date and time in the zone `tz` ("29/11/2026 14:05");
/// an unknown zone reads as UTC, an impossible instant as nothing.
pub fn moment(lang: Language, us: i64, tz: &str) -> String {
    let tz = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_microsecond(us)
        .map(|t| {
            let z = t.to_zoned(tz);
            format!(
                "{} {:02}:{:02}",
                mesure_i18n::date(lang, z.date()),
                z.hour(),
                z.minute()
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(hours(Language::En, 90), "1:30");
        assert_eq!(hours(Language::Fr, 1), "0:01");
        assert_eq!(hours(Language::Fr, 74_045), "1\u{202f}234:05");
        assert_eq!(hours(Language::En, 74_045), "1,234:05");
        assert_eq!(hours(Language::En, -90), "-1:30");
        assert_eq!(pct(Language::En, Some(Decimal::new(805, 3))), "81\u{a0}%");
        assert_eq!(pct(Language::En, None), "no data");
        assert_eq!(bar_width(Some(Decimal::new(15, 1))), 100);
        assert_eq!(month(Language::En, 202611), "Nov 2026");
        assert_eq!(plain_hours(Some(450)), "7.5");
        assert_eq!(plain_amount(Some(125_050)), "1250.50");
    }
}
