//! Cell parsers shared by every format: text decoding, header names, dates, durations and
//! yes/no flags. Allocation-free on the hot path (a `Cow` is owned only for Windows-1252 text).
use std::borrow::Cow;

use jiff::civil::Date;

use super::Reason;

/// How a duration cell is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DurKind {
    /// Whole minutes (`90`): Mesure's `minutes` column.
    Minutes,
    /// Hours: decimal with `.` or `,` (`1.5`, `1,5`, `2`), or a clock `h:mm[:ss]`.
    Hours,
    /// A clock only: `h:mm` or `h:mm:ss` (Mesure's `duration` column).
    Clock,
    /// Kimai: a clock, `2h27m[13s]`, decimal hours, or a whole number (see [`kimai`]).
    Kimai,
}

/// Cell bytes as text: UTF-8, or Windows-1252 when the bytes are not valid UTF-8 (what French
/// Excel writes for "CSV (séparateur : point-virgule)"). Trimmed of surrounding white space.
pub(super) fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s.trim()),
        Err(_) => {
            let s: String = bytes.iter().map(|&b| cp1252(b)).collect();
            let t = s.trim();
            if t.len() == s.len() {
                Cow::Owned(s)
            } else {
                Cow::Owned(t.to_owned())
            }
        }
    }
}

/// One Windows-1252 byte as a character (the five undefined bytes map to C1 controls, as the
/// WHATWG encoding standard does).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

/// A header name reduced for matching: lower case, accents removed, only letters and digits
/// kept (`"Billable?"` → `billable`, `"E-mail"` → `email`, `"Date de début"` → `datededebut`).
pub(super) fn header_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => {}
        }
    }
    out
}

/// A run of ASCII digits as a number, saturating (a huge value is simply "too long" later).
fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    }))
}

/// A civil date: `YYYY-MM-DD` (optionally followed by a time, `2026-03-02 09:00`), or a slashed
/// date `D/M/YYYY` (`day_first`) or `M/D/YYYY`, or `DD.MM.YYYY`. Four-digit years only.
pub(super) fn date(s: &str, day_first: bool) -> Option<Date> {
    let b = s.as_bytes();
    if b.get(4) == Some(&b'-') {
        // ISO: exactly YYYY-MM-DD, then nothing or a time after 'T' or a space.
        let rest = b.get(10..)?;
        if !(rest.is_empty() || rest.first() == Some(&b'T') || rest.first() == Some(&b' ')) {
            return None;
        }
        let (y, m, d) = (s.get(0..4)?, s.get(5..7)?, s.get(8..10)?);
        if b.get(7) != Some(&b'-') {
            return None;
        }
        return ymd(digits(y)?, digits(m)?, digits(d)?);
    }
    let (sep, day_first) = if s.contains('/') {
        ('/', day_first)
    } else if s.contains('.') {
        ('.', true)
    } else {
        return None;
    };
    let mut parts = s.split(sep);
    let (a, c, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.len() > 2 || c.len() > 2 || y.len() != 4 {
        return None;
    }
    let (a, c, y) = (digits(a)?, digits(c)?, digits(y)?);
    if day_first {
        ymd(y, c, a)
    } else {
        ymd(y, a, c)
    }
}

fn ymd(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// `yes`/`no` in the spellings the four formats use; `None` when unreadable.
pub(super) fn boolean(s: &str) -> Option<bool> {
    const YES: [&str; 6] = ["yes", "y", "true", "1", "oui", "vrai"];
    const NO: [&str; 6] = ["no", "n", "false", "0", "non", "faux"];
    if YES.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if NO.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// A duration cell in whole minutes (seconds rounded half up), unbounded: the caller rejects
/// zero (skipped) and more than a day. `s` is trimmed and not empty.
pub(super) fn duration(s: &str, kind: DurKind) -> Result<i64, Reason> {
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        return match duration(rest.trim_start(), kind) {
            Ok(0) => Ok(0),
            Ok(_) | Err(Reason::AmbiguousDuration) => Err(Reason::NegativeDuration),
            Err(e) => Err(e),
        };
    }
    let minutes = match kind {
        DurKind::Minutes => digits(s),
        DurKind::Clock => clock(s),
        DurKind::Hours => {
            if s.contains(':') {
                clock(s)
            } else {
                decimal_hours(s)
            }
        }
        DurKind::Kimai => return kimai(s),
    };
    minutes.ok_or(Reason::BadDuration)
}

/// Seconds to minutes, halves up (the rule of `Minutes::from_seconds_half_up`).
fn seconds_half_up(seconds: i64) -> i64 {
    seconds.saturating_add(30) / 60
}

/// `h:mm` or `h:mm:ss`; minutes and seconds below 60.
fn clock(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    let sec = match parts.next() {
        Some(p) => digits(p)?,
        None => 0,
    };
    if parts.next().is_some() || m >= 60 || sec >= 60 {
        return None;
    }
    Some(seconds_half_up(
        h.saturating_mul(3600)
            .saturating_add(m * 60)
            .saturating_add(sec),
    ))
}

/// Decimal hours, `.` or `,` as the separator, rounded once to the nearest minute, halves up
/// (the rule of `Minutes::from_decimal_hours`, computed exactly in integers).
fn decimal_hours(s: &str) -> Option<i64> {
    let (int, frac) = match s.find(['.', ',']) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int = if int.is_empty() { 0 } else { digits(int)? };
    if !frac.is_empty() && digits(frac).is_none() {
        return None;
    }
    // Digits past the 18th cannot move the result by a minute; ignore them.
    let frac = frac.get(..frac.len().min(18)).unwrap_or("");
    let scale = 10i128.pow(u32::try_from(frac.len()).ok()?);
    let num = i128::from(int.min(1_000_000_000)) * scale
        + if frac.is_empty() {
            0
        } else {
            i128::from(digits(frac)?)
        };
    i64::try_from((num * 120 + scale) / (2 * scale)).ok()
}

/// Kimai's duration spellings (kimai.org "Duration format"): a clock, `{h}h{m}m{s}s` with each
/// part optional (`2h`, `147m`, `3h14m`), decimal hours (`1,5`), or a whole number, which the
/// importer plugin documents as seconds (`7260`) while Kimai's own CSV export writes decimal
/// hours, so `2` for two hours. Above 24 only seconds make sense (more hours would not fit in a
/// day); 1 to 24 is [`Reason::AmbiguousDuration`], which the reader settles with the row's
/// `From`/`To` times (see [`kimai_whole`]).
fn kimai(s: &str) -> Result<i64, Reason> {
    if s.contains(':') {
        return clock(s).ok_or(Reason::BadDuration);
    }
    if s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return hms(s).ok_or(Reason::BadDuration);
    }
    if s.contains(['.', ',']) {
        return decimal_hours(s).ok_or(Reason::BadDuration);
    }
    match digits(s).ok_or(Reason::BadDuration)? {
        0 => Ok(0),
        1..=24 => Err(Reason::AmbiguousDuration),
        n => Ok(seconds_half_up(n)),
    }
}

/// A Kimai whole number of 1 to 24 read as hours or seconds, whichever is nearer the span in
/// minutes between the row's `From` and `To` times (a 10-second timer from 16:20 to 16:20 is
/// 10 s, skipped as zero minutes; `2` from 9:00 to 11:00 is two hours).
pub(super) fn kimai_whole(s: &str, span: i64) -> Option<i64> {
    let n = digits(s)?;
    let (hours, seconds) = (n.saturating_mul(60), seconds_half_up(n));
    Some(if (hours - span).abs() < (seconds - span).abs() {
        hours
    } else {
        seconds
    })
}

/// A time of day `H:MM` or `H:MM:SS` (seconds dropped) in minutes after midnight.
pub(super) fn time_of_day(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    if let Some(sec) = parts.next() {
        digits(sec).filter(|&x| x < 60)?;
    }
    if parts.next().is_some() || h > 23 || m > 59 {
        return None;
    }
    Some(h * 60 + m)
}

/// `2h27m13s`, `147m`, `2H`: hours, minutes, seconds in that order, each at most once.
fn hms(s: &str) -> Option<i64> {
    let mut seconds = 0i64;
    let mut last_unit = 0u8; // 1 = h, 2 = m, 3 = s
    let mut start = 0usize;
    for (i, b) in s.bytes().enumerate() {
        if b.is_ascii_digit() {
            continue;
        }
        let (unit, factor) = match b.to_ascii_lowercase() {
            b'h' => (1u8, 3600i64),
            b'm' => (2, 60),
            b's' => (3, 1),
            _ => return None,
        };
        if unit <= last_unit {
            return None;
        }
        let n = digits(s.get(start..i)?)?;
        seconds = seconds.saturating_add(n.saturating_mul(factor));
        last_unit = unit;
        start = i + 1;
    }
    if last_unit == 0 || start != s.len() {
        return None;
    }
    Some(seconds_half_up(seconds))
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;
    use crate::time::Minutes;

    #[test]
    fn dates() {
        let d = |y, m, dd| Some(Date::new(y, m, dd).unwrap());
        assert_eq!(date("2026-03-02", false), d(2026, 3, 2));
        assert_eq!(date("2026-03-02 09:15:00", false), d(2026, 3, 2));
        assert_eq!(date("2026-03-02T09:15", true), d(2026, 3, 2));
        assert_eq!(date("3/2/2026", false), d(2026, 3, 2));
        assert_eq!(date("03/02/2026", true), d(2026, 2, 3));
        assert_eq!(date("13/02/2026", true), d(2026, 2, 13));
        assert_eq!(date("02.03.2026", false), d(2026, 3, 2));
        for bad in [
            "",
            "2026-02-30",
            "2026-2-3",
            "2026-03-02x",
            "13/02/2026",
            "3/2/26",
            "1/2/3/2026",
            "yesterday",
            "2026/03/02",
            "-1/2/2026",
        ] {
            assert_eq!(date(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn durations_by_kind() {
        use DurKind::*;
        let ok = |s, k| duration(s, k).unwrap();
        assert_eq!(ok("90", Minutes), 90);
        assert_eq!(duration("1.5", Minutes), Err(Reason::BadDuration));
        assert_eq!(ok("1.5", Hours), 90);
        assert_eq!(ok("1,25", Hours), 75);
        assert_eq!(ok(",5", Hours), 30);
        assert_eq!(ok("2", Hours), 120);
        assert_eq!(ok("2.", Hours), 120);
        assert_eq!(ok("1:30", Hours), 90);
        assert_eq!(ok("0:00:30", Hours), 1);
        assert_eq!(ok("0:01:29", Hours), 1);
        assert_eq!(ok("0:01:30", Hours), 2);
        assert_eq!(ok("0:00:29", Clock), 0);
        assert_eq!(duration("1.5", Clock), Err(Reason::BadDuration));
        assert_eq!(duration("1:60", Clock), Err(Reason::BadDuration));
        assert_eq!(duration("1:2:3:4", Clock), Err(Reason::BadDuration));
        assert_eq!(duration("-1:00", Clock), Err(Reason::NegativeDuration));
        assert_eq!(duration("-0.5", Hours), Err(Reason::NegativeDuration));
        assert_eq!(duration("-0:00", Clock), Ok(0));
        assert_eq!(duration("-x", Clock), Err(Reason::BadDuration));
        assert_eq!(duration("1.2.3", Hours), Err(Reason::BadDuration));
        assert_eq!(duration(".", Hours), Err(Reason::BadDuration));
        assert_eq!(duration("1h", Hours), Err(Reason::BadDuration));
        assert_eq!(ok("99999999999999999999999", Minutes), i64::MAX);
        assert!(ok("99999999999999999999.5", Hours) > 1440);
    }

    #[test]
    fn kimai_durations() {
        let k = |s| duration(s, DurKind::Kimai);
        assert_eq!(k("2:27"), Ok(147));
        assert_eq!(k("2:27:30"), Ok(148));
        assert_eq!(k("2h27m"), Ok(147));
        assert_eq!(k("147m"), Ok(147));
        assert_eq!(k("2H"), Ok(120));
        assert_eq!(k("1h0m29s"), Ok(60));
        assert_eq!(k("30s"), Ok(1));
        assert_eq!(k("7260"), Ok(121), "importer plugin: seconds");
        assert_eq!(k("7290"), Ok(122), "121.5 min rounds up");
        assert_eq!(k("2"), Err(Reason::AmbiguousDuration));
        assert_eq!(k("24"), Err(Reason::AmbiguousDuration));
        assert_eq!(k("2.5"), Ok(150));
        assert_eq!(k("0"), Ok(0));
        assert_eq!(k("25"), Ok(0), "25 s");
        assert_eq!(k("-2"), Err(Reason::NegativeDuration));
        assert_eq!(kimai_whole("2", 120), Some(120));
        assert_eq!(kimai_whole("2", 59), Some(0));
        assert_eq!(kimai_whole("2", 61), Some(120));
        assert_eq!(kimai_whole("10", 0), Some(0));
        assert_eq!(kimai_whole("x", 0), None);
        assert_eq!(time_of_day("9:05"), Some(545));
        assert_eq!(time_of_day("23:59:59"), Some(1439));
        assert_eq!(time_of_day("24:00"), None);
        assert_eq!(time_of_day("9h"), None);
        assert_eq!(k("2m3h"), Err(Reason::BadDuration));
        assert_eq!(k("2h3"), Err(Reason::BadDuration));
        assert_eq!(k("h"), Err(Reason::BadDuration));
        assert_eq!(k("2x"), Err(Reason::BadDuration));
    }

    /// The import parsers round exactly like `time::Minutes`.
    #[test]
    fn same_rounding_as_minutes() {
        for s in [
            "0",
            "1",
            "1.5",
            "0,25",
            "0.0083",
            "0.0084",
            "7.999",
            "0.00833333",
            "12.341666",
            "23.99",
            ",5",
            "24",
        ] {
            assert_eq!(
                duration(s, DurKind::Hours).ok(),
                Minutes::from_decimal_hours(s).map(Minutes::get),
                "{s}"
            );
        }
        for s in [
            "1:30", "0:00:30", "0:00:29", "2:05:45", "1:75", "10:59:59", "0:0",
        ] {
            assert_eq!(
                duration(s, DurKind::Clock).ok(),
                Minutes::from_clock(s).map(Minutes::get),
                "{s}"
            );
        }
    }

    #[test]
    fn booleans() {
        for s in ["Yes", "yes", "Y", "true", "TRUE", "1", "Oui", "vrai"] {
            assert_eq!(boolean(s), Some(true), "{s}");
        }
        for s in ["No", "n", "false", "0", "NON", "Faux"] {
            assert_eq!(boolean(s), Some(false), "{s}");
        }
        assert_eq!(boolean("maybe"), None);
        assert_eq!(boolean("2"), None);
    }

    #[test]
    fn header_keys() {
        assert_eq!(header_key("Billable?"), "billable");
        assert_eq!(header_key(" E-mail "), "email");
        assert_eq!(header_key("Date de DÉBUT"), "datededebut");
        assert_eq!(header_key("Tâche"), "tache");
        assert_eq!(header_key("Prénom"), "prenom");
        assert_eq!(header_key("À"), "a");
        assert_eq!(header_key("Amount (EUR)"), "amounteur");
        assert_eq!(header_key("First name"), "firstname");
    }

    #[test]
    fn windows_1252_text() {
        assert_eq!(text(b"  Caf\xe9 \x80 "), "Café €");
        assert_eq!(text(b"Soci\xc3\xa9t\xc3\xa9 "), "Société");
        assert_eq!(text(b"\x9cuvre"), "œuvre");
    }
}
