//! Translation catalogues (Fluent, French and English, one per product module, embedded in the
//! binary) and locale-aware formatting of numbers, money and dates.
#![forbid(unsafe_code)]

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::Timestamp;
use jiff::civil::Date;
use mesure_domain::{Language, Money};
use rust_decimal::Decimal;
use std::sync::LazyLock;

// `CATALOGUES`: every language folder of `locales/` with its `.ftl` files, one per product
// module, as (module, Fluent source) sorted by module. Written by build.rs.
include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// The catalogues of `lang`: (module, Fluent source), sorted by module.
fn sources(lang: Language) -> &'static [(&'static str, &'static str)] {
    CATALOGUES
        .iter()
        .find(|(code, _)| *code == lang.as_str())
        .map(|(_, files)| *files)
        .unwrap_or(&[])
}

struct Catalogs {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: Language) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.as_str().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    // A catalogue that does not parse, or a key in two catalogues, is caught by the catalogue
    // tests; keep what parsed, and the first catalogue's message of a key defined twice.
    for (_, src) in sources(lang) {
        let res = FluentResource::try_new((*src).to_string()).unwrap_or_else(|(res, _)| res);
        let _ = b.add_resource(res);
    }
    b
}

static CATALOGS: LazyLock<Catalogs> = LazyLock::new(|| Catalogs {
    fr: bundle(Language::Fr),
    en: bundle(Language::En),
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

/// Message ids of one Fluent source, in file order.
fn message_ids(src: &str) -> Vec<String> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// Message ids of every catalogue of a language, sorted, for the completeness tests.
pub fn keys(lang: Language) -> Vec<String> {
    let mut k: Vec<String> = sources(lang)
        .iter()
        .flat_map(|(_, src)| message_ids(src))
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

    /// What is wrong with one language's catalogues: a file that does not parse, a key defined
    /// in two files (a key belongs to one module's catalogue).
    fn problems(lang: &str, files: &[(&str, &str)]) -> Vec<String> {
        let mut out = vec![];
        let mut b = FluentBundle::new_concurrent(vec![lang.parse().unwrap_or_default()]);
        for (name, src) in files {
            let res = FluentResource::try_new((*src).to_string()).unwrap_or_else(|(res, errs)| {
                out.push(format!("{lang}/{name}.ftl does not parse: {errs:?}"));
                res
            });
            if let Err(errs) = b.add_resource(res) {
                for e in errs {
                    out.push(format!(
                        "{lang}/{name}.ftl: {e} (defined in an earlier file)"
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn catalogues_parse_and_no_key_is_in_two_of_them() {
        assert!(!CATALOGUES.is_empty());
        for (lang, files) in CATALOGUES {
            let errs = problems(lang, files);
            assert!(errs.is_empty(), "catalogue errors: {errs:#?}");
        }
    }

    #[test]
    fn a_catalogue_that_does_not_parse_or_repeats_a_key_is_reported() {
        let errs = problems(
            "fr",
            &[
                ("a", "one = un\n"),
                ("b", "one = encore un\n"),
                ("c", "two = { $n\n"),
            ],
        );
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(errs[0].starts_with("fr/b.ftl") && errs[0].contains("\"one\""));
        assert!(errs[1].starts_with("fr/c.ftl does not parse"));
        assert!(problems("fr", &[("a", "one = un\n"), ("b", "two = deux\n")]).is_empty());
    }

    #[test]
    fn both_languages_have_the_same_catalogues_with_the_same_keys() {
        let langs: Vec<&str> = CATALOGUES.iter().map(|(l, _)| *l).collect();
        let mut expected: Vec<&str> = Language::ALL.iter().map(|l| l.as_str()).collect();
        expected.sort();
        assert_eq!(langs, expected, "locales/ has one folder per language");
        let module_keys = |lang: Language| -> Vec<(&str, Vec<String>)> {
            sources(lang)
                .iter()
                .map(|(name, src)| {
                    let mut k = message_ids(src);
                    k.sort();
                    (*name, k)
                })
                .collect()
        };
        let fr = module_keys(Language::Fr);
        let en = module_keys(Language::En);
        fn names<'a>(c: &[(&'a str, Vec<String>)]) -> Vec<&'a str> {
            c.iter().map(|(n, _)| *n).collect()
        }
        assert_eq!(names(&fr), names(&en), "the same catalogues in fr/ and en/");
        assert!(names(&fr).contains(&"common"));
        for ((name, fr), (_, en)) in fr.iter().zip(&en) {
            let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
            let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
            assert!(
                missing_en.is_empty(),
                "missing in en/{name}.ftl: {missing_en:?}"
            );
            assert!(
                missing_fr.is_empty(),
                "missing in fr/{name}.ftl: {missing_fr:?}"
            );
        }
        assert_eq!(keys(Language::Fr), keys(Language::En));
        assert!(keys(Language::Fr).len() > 50);
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
