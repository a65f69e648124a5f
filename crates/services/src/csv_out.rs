//! The one CSV writer of every export: neutralises cells that a spreadsheet would run as a
//! formula (OWASP "CSV injection": a cell starting with `=`, `+`, `-`, `@`, tab or carriage
//! return gets a leading `'`), leaving plain numbers such as `-12.50` as they are.
use std::borrow::Cow;

/// A cell made safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if risky && !is_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12`, `-12.50`, `-12,50`, `+3`: a signed decimal number and nothing else.
fn is_number(cell: &str) -> bool {
    let digits = cell.get(1..).unwrap_or("");
    !digits.is_empty()
        && digits.chars().filter(|c| *c == '.' || *c == ',').count() <= 1
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && (cell.starts_with('-') || cell.starts_with('+'))
}

/// A CSV writer into memory whose every cell goes through [`neutralise`].
pub struct SafeCsv(csv::Writer<Vec<u8>>);

/// A new safe writer.
pub fn writer() -> SafeCsv {
    SafeCsv(csv::Writer::from_writer(Vec::new()))
}

impl SafeCsv {
    /// Writes one record, each cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let cells: Vec<String> = record
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.0.write_record(&cells)
    }

    /// The bytes written.
    pub fn into_inner(self) -> Result<Vec<u8>, csv::IntoInnerError<csv::Writer<Vec<u8>>>> {
        self.0.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (raw, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+33 1 40", "'+33 1 40"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-12.50", "-12.50"),
            ("-12,50", "-12,50"),
            ("+3", "+3"),
            ("Boulangerie", "Boulangerie"),
            ("", ""),
            ("-", "'-"),
        ] {
            assert_eq!(neutralise(raw), safe, "{raw:?}");
        }
        let mut w = writer();
        w.write_record(["=1+1", "ok"]).unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            "'=1+1,ok\n"
        );
    }
}
