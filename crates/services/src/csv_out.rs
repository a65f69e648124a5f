//! The one CSV writer of every export: neutralises cells that a spreadsheet would run as a
//! formula (OWASP "CSV injection": a cell starting with `=`, `+`, `-`, `@`, tab or carriage
//! return gets a leading `'`), leaving plain numbers such as `-12.50` as they are.
//!
//! The file follows the reader's language, so that it opens as it should in a spreadsheet: in
//! French a UTF-8 byte order mark, `;` between cells, decimal commas, `oui`/`non` and French
//! column names (French Excel's defaults); in English `,`, decimal points, `yes`/`no` and the
//! column ids. Mesure's importer reads both back.
use mesure_domain::Language;
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
pub struct SafeCsv(csv::Writer<Vec<u8>>, Language);

/// A new safe writer in the English dialect.
pub fn writer() -> SafeCsv {
    writer_for(Language::En)
}

/// A new safe writer in the dialect of `lang`.
pub fn writer_for(lang: Language) -> SafeCsv {
    let (delimiter, bom): (u8, &[u8]) = match lang {
        Language::Fr => (b';', "\u{feff}".as_bytes()),
        Language::En => (b',', b""),
    };
    let w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(bom.to_vec());
    SafeCsv(w, lang)
}

impl SafeCsv {
    /// The header row: column ids in English, their `csv-<id>` names in French.
    pub fn header(&mut self, ids: &[&str]) -> csv::Result<()> {
        let lang = self.1;
        let names: Vec<String> = ids
            .iter()
            .map(|id| match lang {
                Language::En => (*id).to_string(),
                Language::Fr => mesure_i18n::t(lang, &format!("csv-{}", id.replace('_', "-"))),
            })
            .collect();
        self.write_record(&names)
    }

    /// A decimal (`1250.50`) with the dialect's decimal separator.
    pub fn decimal(&self, plain: &str) -> String {
        match self.1 {
            Language::Fr => plain.replace('.', ","),
            Language::En => plain.to_string(),
        }
    }

    /// A yes/no cell.
    pub fn yes_no(&self, v: bool) -> String {
        match (self.1, v) {
            (Language::Fr, true) => "oui".into(),
            (Language::Fr, false) => "non".into(),
            (Language::En, true) => "yes".into(),
            (Language::En, false) => "no".into(),
        }
    }

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
        let mut w = writer_for(Language::Fr);
        let amount = w.decimal("1250.50");
        let yes = w.yes_no(true);
        w.write_record(["a;b", amount.as_str(), yes.as_str()])
            .unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            "\u{feff}\"a;b\";1250,50;oui\n"
        );
    }
}
