//! Text rules shared by every module: how names are compared (Unicode NFC and case folding),
//! how text is stored (NFC), and how a user's value is quoted back in a message (an excerpt,
//! never the whole input).
use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// A character no text input may hold: C0 and C1 controls and DEL, except tab and line breaks
/// (which notes keep).
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `s` with every forbidden control character shown as U+FFFD, for quoting a refused value.
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_forbidden_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// `s` in Unicode Normalization Form C (composed: `e` + U+0301 becomes `é`), borrowed when it
/// already is (the common case: a quick check, no allocation).
pub fn nfc(s: &str) -> Cow<'_, str> {
    if unicode_normalization::is_nfc(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// An e-mail-safe local part from a name: accents dropped (`Chloé Dubois` → `chloe.dubois`),
/// any other character a single dot, no leading, trailing or doubled dots.
pub fn ascii_local(s: &str) -> String {
    let mut out = String::new();
    for ch in s.nfd() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !ch.is_ascii() && unicode_normalization::char::is_combining_mark(ch) {
            // An accent of the letter before it: dropped.
        } else if !out.ends_with('.') {
            out.push('.');
        }
    }
    out.trim_matches('.').to_string()
}

/// The key two names are compared by: trimmed, runs of white space made one space, Unicode
/// canonical caseless matching (case folded after canonical decomposition, then composed
/// again). `"Le\u{301}a  Dupont"`, `"LÉA DUPONT"` and `"léa dupont"` share a key; so do
/// `"Straße"` and `"STRASSE"`. Accents still count (`Lea` is not `Léa`).
pub fn name_key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().nfd() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !folded.is_empty() {
            folded.push(' ');
        }
        space = false;
        match c {
            // Full case folding where it differs from lower-casing (CaseFolding.txt, F and S
            // mappings of the letters a Latin, Greek or Cyrillic name may hold).
            'ß' | 'ẞ' => folded.push_str("ss"),
            'ς' => folded.push('σ'),
            'ſ' => folded.push('s'),
            'ﬀ' => folded.push_str("ff"),
            'ﬁ' => folded.push_str("fi"),
            'ﬂ' => folded.push_str("fl"),
            'ﬃ' => folded.push_str("ffi"),
            'ﬄ' => folded.push_str("ffl"),
            'ﬅ' | 'ﬆ' => folded.push_str("st"),
            c => folded.extend(c.to_lowercase()),
        }
    }
    folded.nfc().collect()
}

/// At most `max` characters of `s` for a message, `…` marking a cut; line breaks and other
/// control characters shown as spaces so that an excerpt stays on one line.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)));
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_and_borrows_when_it_can() {
        assert_eq!(nfc("Le\u{301}a"), "Léa");
        assert!(matches!(nfc("Léa"), Cow::Borrowed(_)));
        assert_eq!(nfc("Le\u{301}a").chars().count(), 3);
    }

    #[test]
    fn name_keys_fold_case_and_normalise() {
        assert_eq!(name_key("Le\u{301}a Dupont"), name_key("Léa Dupont"));
        assert_eq!(name_key("  LÉA   DUPONT "), "léa dupont");
        assert_eq!(name_key("LE\u{301}A"), "léa");
        assert_eq!(name_key("Straße"), name_key("STRASSE"));
        assert_eq!(name_key("ΟΔΥΣΣΕΥΣ"), name_key("οδυσσευς"));
        assert_eq!(name_key("Société\tGénérale"), "société générale");
        assert_ne!(name_key("Lea"), name_key("Léa"));
        assert_eq!(name_key(""), "");
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt("short", 40), "short");
        assert_eq!(excerpt("a\nb\tc", 40), "a b c");
        let long = "x".repeat(5_000_000);
        let e = excerpt(&long, 40);
        assert_eq!(e.chars().count(), 41);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt("éééé", 2), "éé…");
        assert_eq!(excerpt("éé", 2), "éé");
    }
}

#[cfg(test)]
mod ascii_local_tests {
    use super::ascii_local;

    #[test]
    fn names_become_valid_local_parts() {
        assert_eq!(ascii_local("Chloé Dubois"), "chloe.dubois");
        assert_eq!(ascii_local("  Zoë  d'Arc--Ñu "), "zoe.d.arc.nu");
        assert_eq!(ascii_local("李"), "");
    }
}
