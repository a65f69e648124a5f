//! Translation catalogues (Fluent, French and English, embedded in the binary) and locale-aware
//! formatting of numbers, money and dates.
#![forbid(unsafe_code)]

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::Timestamp;
use jiff::civil::Date;
use mesure_domain::{Language, Money};
use rust_decimal::Decimal;
use std::sync::LazyLock;

const FR: &str = include_str!("../../../locales/fr/main.ftl");
const EN: &str = include_str!("../../../locales/en/main.ftl");

struct Catalogs {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, src: &'static str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    // A catalogue that does not parse is caught by the catalogue tests; keep what parsed.
    let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(res, _)| res);
    let _ = b.add_resource(res);
    b
}

static CATALOGS: LazyLock<Catalogs> = LazyLock::new(|| Catalogs {
    fr: bundle("fr", FR),
    en: bundle("en", EN),
});

fn pick(lang: Language) -> &'static FluentBundle<FluentResource> {
    match lang {
        Language::Fr => &CATALOGS.fr,
        Language::En => &CATALOGS.en,
    }
}

/// In strict mode (tests, CI's browser journeys) a missing message or an unfilled placeholder
/// panics, so the request that shows it fails loudly instead of echoing a raw key to a reader.
static STRICT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns strict mode on or off (see [`STRICT`]); `mesure` turns it on when `MESURE_I18N_STRICT=1`.
pub fn set_strict(on: bool) {
    STRICT.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether strict mode is on.
pub fn is_strict() -> bool {
    STRICT.load(std::sync::atomic::Ordering::Relaxed)
}

#[allow(clippy::panic)] // strict mode exists to fail the test that shows a broken message
fn broken(lang: Language, key: &str, what: &str) {
    if is_strict() {
        panic!("i18n: {what} in message `{key}` ({lang:?})");
    }
}

/// The message `key` in `lang`; the key itself when missing (strict mode and the catalogue
/// tests keep that from happening).
pub fn t(lang: Language, key: &str) -> String {
    t_args(lang, key, &[])
}

/// An argument of a message.
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

/// The message `key` with named arguments.
pub fn t_args(lang: Language, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let b = pick(lang);
    let Some(msg) = b.get_message(key).and_then(|m| m.value()) else {
        broken(lang, key, "missing message");
        return key.to_string();
    };
    let mut fa = FluentArgs::new();
    for (name, v) in args {
        match v {
            Arg::Str(s) => fa.set(*name, FluentValue::from(*s)),
            Arg::Num(n) => fa.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = vec![];
    let out = b
        .format_pattern(
            msg,
            if args.is_empty() { None } else { Some(&fa) },
            &mut errors,
        )
        .into_owned();
    if let Some(e) = errors.first() {
        broken(lang, key, &format!("{e:?}"));
    }
    out
}

/// Whether the catalogue has `key`.
pub fn has(lang: Language, key: &str) -> bool {
    pick(lang).has_message(key)
}

/// Message ids of a catalogue source, for the completeness test.
pub fn keys(lang: Language) -> Vec<String> {
    let src = match lang {
        Language::Fr => FR,
        Language::En => EN,
    };
    let mut k: Vec<String> = src
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect();
    k.sort();
    k
}

/// Groups the integer digits of `digits` with `sep` every three.
fn group(int: &str, sep: &str) -> String {
    let n = int.chars().count();
    let mut out = String::with_capacity(int.len() + n / 3 * sep.len());
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    out
}

/// A decimal with `dp` decimals: `1 234,56` (narrow no-break spaces) in French, `1,234.56` in English.
pub fn number(lang: Language, value: Decimal, dp: u32) -> String {
    let mut v =
        value.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(dp);
    let s = v.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (gsep, dsep) = match lang {
        Language::Fr => ("\u{202f}", ","),
        Language::En => (",", "."),
    };
    let mut out = String::new();
    if v.is_sign_negative() && !v.is_zero() {
        out.push('-');
    }
    out.push_str(&group(int, gsep));
    if !frac.is_empty() {
        out.push_str(dsep);
        out.push_str(frac);
    }
    out
}

/// An integer count: `12 000` / `12,000`.
pub fn count(lang: Language, n: i64) -> String {
    number(lang, Decimal::from(n), 0)
}

fn symbol(code: &str) -> Option<&'static str> {
    match code {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    }
}

/// Money: `1 234,56 €` in French, `€1,234.56` in English; codes where no symbol is common (`CHF 12.00`).
pub fn money(lang: Language, m: Money) -> String {
    let num = number(lang, m.amount().abs(), m.currency().minor_digits());
    let neg = if m.amount().is_sign_negative() && !m.amount().is_zero() {
        "-"
    } else {
        ""
    };
    let code = m.currency().code();
    match (lang, symbol(code)) {
        (Language::Fr, Some(s)) => format!("{neg}{num}\u{a0}{s}"),
        (Language::Fr, None) => format!("{neg}{num}\u{a0}{code}"),
        (Language::En, Some(s)) => format!("{neg}{s}{num}"),
        (Language::En, None) => format!("{neg}{code}\u{a0}{num}"),
    }
}

/// A civil date: `24/11/2026` in French, `24 Nov 2026` in English.
pub fn date(lang: Language, d: Date) -> String {
    match lang {
        Language::Fr => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        Language::En => {
            const M: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let m = usize::try_from(d.month() - 1)
                .ok()
                .and_then(|i| M.get(i))
                .copied()
                .unwrap_or("");
            format!("{} {m} {}", d.day(), d.year())
        }
    }
}

/// An instant in a time zone: `24/11/2026 14:05` / `24 Nov 2026, 14:05`.
pub fn datetime(lang: Language, ts: Timestamp, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let z = ts.to_zoned(zone);
    let d = date(lang, z.date());
    match lang {
        Language::Fr => format!("{d} {:02}:{:02}", z.hour(), z.minute()),
        Language::En => format!("{d}, {:02}:{:02}", z.hour(), z.minute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesure_domain::Currency;
    use std::str::FromStr;

    #[test]
    fn strict_mode_fails_on_a_missing_message_or_an_unfilled_placeholder() {
        // Off (production): the key or the placeholder is shown, nothing breaks.
        set_strict(false);
        assert_eq!(t(Language::Fr, "no-such-message"), "no-such-message");
        assert!(t(Language::En, "time-timer-running").contains("{$project}"));
        set_strict(true);
        let missing = std::panic::catch_unwind(|| t(Language::Fr, "no-such-message"));
        assert!(missing.is_err(), "a missing message panics in strict mode");
        let unfilled = std::panic::catch_unwind(|| {
            t_args(
                Language::En,
                "time-timer-running",
                &[("time", Arg::Str("9:00"))],
            )
        });
        assert!(
            unfilled.is_err(),
            "an unfilled placeholder panics in strict mode"
        );
        let ok = t_args(
            Language::En,
            "time-timer-running",
            &[("time", Arg::Str("9:00")), ("project", Arg::Str("Site"))],
        );
        assert_eq!(ok, "Running since 9:00 on Site");
        set_strict(false);
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let fr = keys(Language::Fr);
        let en = keys(Language::En);
        let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
        assert!(missing_fr.is_empty(), "missing in French: {missing_fr:?}");
        assert!(fr.len() > 50);
    }

    #[test]
    fn catalogues_parse() {
        for src in [FR, EN] {
            if let Err((_, errs)) = FluentResource::try_new(src.to_string()) {
                panic!("catalogue errors: {errs:?}");
            }
        }
    }

    #[test]
    fn money_formats() {
        let m = Money::new(Decimal::from_str("1234.56").unwrap(), Currency::EUR);
        assert_eq!(money(Language::Fr, m), "1\u{202f}234,56\u{a0}€");
        assert_eq!(money(Language::En, m), "€1,234.56");
        let neg = Money::new(Decimal::from_str("-1234567.5").unwrap(), Currency::EUR);
        assert_eq!(money(Language::En, neg), "-€1,234,567.50");
        let chf = Money::new(
            Decimal::from_str("12").unwrap(),
            Currency::parse("CHF").unwrap(),
        );
        assert_eq!(money(Language::Fr, chf), "12,00\u{a0}CHF");
        assert_eq!(count(Language::Fr, 12000), "12\u{202f}000");
        assert_eq!(count(Language::En, 999), "999");
    }

    #[test]
    fn dates() {
        let d = Date::new(2026, 11, 24).unwrap();
        assert_eq!(date(Language::Fr, d), "24/11/2026");
        assert_eq!(date(Language::En, d), "24 Nov 2026");
        let ts = Timestamp::from_second(1_795_000_000).unwrap();
        assert!(datetime(Language::Fr, ts, "Europe/Paris").contains(':'));
    }

    #[test]
    fn plurals_and_args() {
        assert_eq!(
            t_args(Language::Fr, "clients-count", &[("count", Arg::Num(1))]),
            "1 client"
        );
        assert_eq!(
            t_args(Language::Fr, "clients-count", &[("count", Arg::Num(3))]),
            "3 clients"
        );
        assert_eq!(
            t_args(Language::En, "clients-count", &[("count", Arg::Num(1))]),
            "1 client"
        );
    }
}
