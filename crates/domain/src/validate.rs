//! Field validation shared by every form, API body and importer: each failure names the field
//! and a message key of the translation catalogue (`err-…`), never a sentence.
use serde::Serialize;

/// One invalid field: `field` is the input's name, `code` a catalogue key such as `err-required`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    /// What the message needs besides the field, if anything.
    pub arg: Option<FieldArg>,
}

/// The value a field error's message quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FieldArg {
    /// A maximum (a length): the message's `$max`.
    Max(i64),
    /// The accepted dates, `YYYYMMDD` day keys: the message's `$from` and `$to`.
    Dates { from: i32, to: i32 },
}

/// A rejected input: one or more invalid fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// Adds one invalid field.
    pub fn push(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError {
            field: field.to_string(),
            code,
            arg: None,
        });
    }
    pub fn one(field: &str, code: &'static str) -> Invalid {
        Invalid(vec![FieldError {
            field: field.to_string(),
            code,
            arg: None,
        }])
    }
}

/// Collects field errors while a form is parsed, so every bad field is reported at once.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError {
            field: field.to_string(),
            code,
            arg: None,
        });
    }
    /// A field error whose message quotes `arg`.
    pub fn add_arg(&mut self, field: &str, code: &'static str, arg: FieldArg) {
        self.errors.push(FieldError {
            field: field.to_string(),
            code,
            arg: Some(arg),
        });
    }
    /// A required single-line text (a name, a title), cleaned ([`clean`]) and trimmed,
    /// 1..=max characters; a word mixing Latin with Cyrillic or Greek letters (a look-alike such
    /// as "Dupаin" with a Cyrillic а) is refused.
    pub fn required(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = clean(value);
        let v = v.trim();
        if v.is_empty() {
            self.add(field, "err-required");
        } else {
            self.max_len(field, v, max);
            if mixes_scripts(v) {
                self.add(field, "err-lookalike");
            }
        }
        v.to_string()
    }
    /// An optional text, cleaned ([`clean`]) and trimmed; empty becomes `None`.
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = clean(value?);
        let v = v.trim();
        if v.is_empty() {
            return None;
        }
        self.max_len(field, v, max);
        Some(v.to_string())
    }
    fn max_len(&mut self, field: &str, v: &str, max: usize) {
        if v.chars().count() > max {
            self.add_arg(
                field,
                "err-too-long",
                FieldArg::Max(i64::try_from(max).unwrap_or(i64::MAX)),
            );
        } else if v
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.add(field, "err-control-chars");
        }
    }
    pub fn optional_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional(field, value, 254)?;
        if is_email(&v) {
            Some(v.to_lowercase())
        } else {
            self.add(field, "err-email");
            None
        }
    }
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = self.required(field, value, 254);
        if !v.is_empty() && !is_email(&v) {
            self.add(field, "err-email");
        }
        v.to_lowercase()
    }
    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A character that shows nothing yet changes a text: zero-width characters, bidirectional
/// controls (an RLO turns "gpj.exe" around), soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Text as stored: invisible characters removed, no-break spaces made spaces, Unicode NFC.
pub fn clean(s: &str) -> String {
    let plain: String = s
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            c => c,
        })
        .collect();
    crate::text::nfc(&plain).into_owned()
}

/// Whether a word mixes Latin letters with Cyrillic or Greek ones: the look-alike of a real
/// name ("Dupаin" with a Cyrillic а). Names written wholly in one script pass.
pub fn mixes_scripts(s: &str) -> bool {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '\'')
        .any(|word| {
            let latin = word.chars().any(|c| {
                c.is_ascii_alphabetic()
                    || ('\u{00C0}'..='\u{024F}').contains(&c)
                    || ('\u{1E00}'..='\u{1EFF}').contains(&c)
            });
            let other = word.chars().any(|c| {
                ('\u{0370}'..='\u{03FF}').contains(&c)
                    || ('\u{0400}'..='\u{052F}').contains(&c)
                    || ('\u{1F00}'..='\u{1FFF}').contains(&c)
            });
            latin && other
        })
}

/// A pragmatic e-mail check: one `@`, a non-empty local part, a dotted domain of valid labels.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.contains('@') || domain.len() > 253 {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    local_ok
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Luhn checksum over ASCII digits.
fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Strips the spaces, dots and dashes people type inside identifiers.
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect()
}

/// A French SIREN: 9 digits with a valid Luhn key (La Poste's 356000000 is the known exception).
pub fn is_siren(s: &str) -> bool {
    s.len() == 9 && s.chars().all(|c| c.is_ascii_digit()) && (luhn(s) || s == "356000000")
}

/// An intra-EU VAT number. French numbers (`FR` + 2-character key + SIREN) are checked in full,
/// numeric keys by `(12 + 3 × (SIREN mod 97)) mod 97`; other member states by their shape.
pub fn is_vat_number(s: &str) -> bool {
    let s = s.to_ascii_uppercase();
    if s.len() < 4 || !s.is_ascii() {
        return false;
    }
    let (country, rest) = s.split_at(2);
    let shape_ok = |min: usize, max: usize| {
        (min..=max).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_alphanumeric())
    };
    match country {
        "FR" => {
            if rest.len() != 11 {
                return false;
            }
            let (key, siren) = rest.split_at(2);
            if !is_siren(siren) {
                return false;
            }
            match key.parse::<u64>() {
                Ok(k) => siren
                    .parse::<u64>()
                    .map(|n| (12 + 3 * (n % 97)) % 97 == k)
                    .unwrap_or(false),
                // New-style alphanumeric keys cannot be recomputed offline; accept their shape.
                Err(_) => key.chars().all(|c| c.is_ascii_alphanumeric()),
            }
        }
        "BE" => rest.len() == 10 && rest.chars().all(|c| c.is_ascii_digit()),
        "DE" | "EE" | "PT" | "EL" => rest.len() == 9 && rest.chars().all(|c| c.is_ascii_digit()),
        "IT" | "LV" | "HR" => rest.len() == 11 && rest.chars().all(|c| c.is_ascii_digit()),
        "LU" | "DK" | "FI" | "HU" | "MT" | "SI" => {
            rest.len() == 8 && rest.chars().all(|c| c.is_ascii_digit())
        }
        "ES" | "IE" | "NL" | "AT" | "CY" | "CZ" | "SK" | "PL" | "LT" | "RO" | "BG" | "SE" => {
            shape_ok(8, 12)
        }
        "CH" => rest.starts_with('E') && shape_ok(10, 13),
        "GB" | "XI" => shape_ok(5, 12),
        _ => false,
    }
}

/// An IANA time-zone name known to the system database.
pub fn is_time_zone(s: &str) -> bool {
    !s.is_empty() && s.len() < 64 && jiff::tz::TimeZone::get(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("anne.dupont@agence-lumiere.fr"));
        assert!(is_email("élodie@exemple.fr"));
        assert!(!is_email("anne.dupont"));
        assert!(!is_email("anne@localhost"));
        assert!(!is_email("@exemple.fr"));
        assert!(!is_email("a..b@exemple.fr"));
        assert!(!is_email("a b@exemple.fr"));
        assert!(!is_email("a@-exemple.fr"));
    }

    #[test]
    fn siren_and_vat() {
        // Known answers: 732829320 is a valid SIREN (Luhn), its VAT key is 44.
        assert!(is_siren("732829320"));
        assert!(!is_siren("732829321"));
        assert!(!is_siren("73282932"));
        assert!(is_vat_number("FR44732829320"));
        assert!(!is_vat_number("FR45732829320"));
        assert!(!is_vat_number("FR44732829321"));
        assert!(is_vat_number("DE123456789"));
        assert!(!is_vat_number("DE12345678"));
        assert!(!is_vat_number("ZZ123"));
        assert_eq!(compact("732 829 320"), "732829320");
    }

    #[test]
    fn look_alikes_are_cleaned_or_refused() {
        assert_eq!(clean("Dupain\u{200B}"), "Dupain");
        assert_eq!(clean("\u{202E}Dupain"), "Dupain");
        assert_eq!(clean("Boulangerie\u{00A0}Dupain"), "Boulangerie Dupain");
        assert_eq!(clean("Le\u{301}a"), "Léa");
        assert!(mixes_scripts("Dup\u{0430}in"));
        assert!(mixes_scripts("\u{0410}gence Lumière"));
        assert!(!mixes_scripts("Москва Ltd"));
        assert!(!mixes_scripts("Ἀθῆναι"));
        assert!(!mixes_scripts("Jean-Élodie d'Ornano"));
        let mut c = Checker::new();
        assert_eq!(c.required("name", " Dupain\u{200D} ", 10), "Dupain");
        c.required("name", "Dup\u{0430}in", 10);
        let Err(Invalid(errs)) = c.finish() else {
            panic!("expected an error")
        };
        assert_eq!(errs[0].code, "err-lookalike");
    }

    #[test]
    fn time_zones() {
        assert!(is_time_zone("Europe/Paris"));
        assert!(is_time_zone("America/Montreal") || is_time_zone("America/Toronto"));
        assert!(!is_time_zone("Europe/Lutece"));
        assert!(!is_time_zone(""));
    }

    #[test]
    fn checker_collects_all_errors() {
        let mut c = Checker::new();
        c.required("name", "  ", 10);
        c.required("legal_name", "abcdefghijkl", 10);
        c.email("email", "nope");
        let Err(Invalid(errs)) = c.finish() else {
            panic!("expected errors")
        };
        let codes: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("name", "err-required"),
                ("legal_name", "err-too-long"),
                ("email", "err-email")
            ]
        );
        assert_eq!(errs[1].arg, Some(FieldArg::Max(10)));
    }
}
