//! Document numbers: a prefix, the year and a gapless sequence per workspace, kind and year
//! (`F2026-0001`, credit notes `AV2026-0001`). The store hands out the sequence inside the issuing
//! transaction through a locked counter row; this file only says what a number looks like.

/// The longest prefix a workspace may choose.
pub const MAX_PREFIX: usize = 10;

/// Whether `p` may prefix document numbers: 1–10 letters, digits, `-` or `_` (numbers travel in
/// file names, e-mail subjects and the Factur-X XML).
pub fn valid_prefix(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= MAX_PREFIX
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The number of the `seq`-th document of `year` (`seq` from 1): at least four digits, more
/// past 9,999 (`F2026-10000`), so that numbers of a year sort in issue order up to 9,999.
pub fn format(prefix: &str, year: i16, seq: u32) -> String {
    format!("{prefix}{year}-{seq:04}")
}

/// The year and sequence of a number made with `prefix`; `None` for any other text.
pub fn parse(prefix: &str, number: &str) -> Option<(i16, u32)> {
    let rest = number.strip_prefix(prefix)?;
    let (year, seq) = rest.split_once('-')?;
    if year.len() != 4 || seq.len() < 4 || !seq.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seq: u32 = seq.parse().ok()?;
    (seq >= 1).then_some(())?;
    Some((year.parse().ok()?, seq))
}

/// Whether `seqs` (the sequences issued in one year) are exactly 1…n: no gap, no duplicate.
pub fn gapless(seqs: &[u32]) -> bool {
    let mut s = seqs.to_vec();
    s.sort_unstable();
    s.iter()
        .enumerate()
        .all(|(i, n)| u32::try_from(i + 1) == Ok(*n))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_look_as_the_law_and_accountants_expect() {
        assert_eq!(format("F", 2026, 1), "F2026-0001");
        assert_eq!(format("AV", 2026, 42), "AV2026-0042");
        assert_eq!(format("F", 2026, 10_000), "F2026-10000");
        assert_eq!(parse("F", "F2026-0001"), Some((2026, 1)));
        assert_eq!(parse("F", "F2026-10000"), Some((2026, 10_000)));
        assert_eq!(parse("F", "AV2026-0001"), None);
        assert_eq!(parse("F", "F2026-0000"), None);
        assert_eq!(parse("F", "F2026-01"), None);
        assert_eq!(parse("F", "F26-0001"), None);
        for n in 1..=2000 {
            assert_eq!(parse("F", &format("F", 2027, n)), Some((2027, n)));
        }
        assert!(valid_prefix("F") && valid_prefix("FAC-") && valid_prefix("AV_2"));
        assert!(!valid_prefix("") && !valid_prefix("F/") && !valid_prefix("FACTURES-2026"));
        assert!(!valid_prefix("É"));
        assert!(gapless(&[3, 1, 2]) && gapless(&[]));
        assert!(!gapless(&[1, 3]) && !gapless(&[1, 1, 2]) && !gapless(&[2]));
    }
}
