//! Time-entry CSV imports, the pure parsing side: Harvest, Toggl Track, Kimai and Mesure's own
//! format (docs/import.md), detected from the header row or forced by the caller.
//!
//! [`Reader`] streams one record at a time from any `std::io::Read` and yields an [`Item`]: an
//! importable [`Row`], a zero-minute row (skipped, not an error), or every error of a bad row,
//! each naming its line and its column as written in the file. Nothing here touches a
//! database: matching people, clients and projects is the service layer's job.
//!
//! What every format shares:
//! * headers are matched by name, trimmed, case and accents ignored, punctuation dropped
//!   (`Billable?` = `billable`, `E-mail` = `email`), in English or French; unknown columns
//!   are ignored; a UTF-8 byte order mark is dropped;
//! * the delimiter is `,`, `;` or tab, whichever the header line has most of (outside quotes);
//! * cells are UTF-8, or Windows-1252 when a cell is not valid UTF-8 (French Excel);
//! * LF, CRLF and CR line ends; blank lines (and rows of empty cells) are skipped; line
//!   numbers are physical lines, the header being line 1;
//! * a duration of zero minutes skips the row whatever else it holds; otherwise the duration
//!   must be 1 minute to 24 hours, seconds rounded to the nearest minute, halves up;
//! * client and project must be filled; task and note may be empty; billable defaults to yes;
//! * every row has as many fields as the header (a truncated or shifted row is an error, not a
//!   row read with empty or wrong cells);
//! * with a [`DateWindow`] (the service always gives one), a date outside it is an error;
//! * errors quote the offending value cut to [`EXCERPT_CHARS`] characters, never the whole
//!   input (a file of one 50 MB line must not come back whole in a report).
use std::borrow::Cow;
use std::io::{self, Read};

use crate::text::excerpt;
use crate::time::{DateWindow, Minutes};

mod generic;
mod harvest;
mod kimai;
mod parse;
mod toggl;

use parse::DurKind;

/// A time-tracking tool whose CSV files can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Harvest,
    Toggl,
    Kimai,
    /// Mesure's own format.
    Generic,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Harvest,
        Format::Toggl,
        Format::Kimai,
        Format::Generic,
    ];

    /// `harvest`, `toggl`, `kimai`, `generic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Harvest => "harvest",
            Format::Toggl => "toggl",
            Format::Kimai => "kimai",
            Format::Generic => "generic",
        }
    }

    /// The inverse of [`Format::as_str`], trimmed and case-insensitive.
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// One importable time entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// 1-based physical line where the record starts (the header is line 1).
    pub line: u64,
    pub date: jiff::civil::Date,
    /// Full name as written ("First Last" for Harvest), or the e-mail / user name when the file
    /// has no name; trimmed.
    pub person: String,
    /// The e-mail column when filled, else `person` when it is an e-mail address.
    pub person_email: Option<String>,
    pub client: String,
    pub project: String,
    /// Harvest Task / Toggl Task / Kimai Activity / generic deliverable; `None` when empty.
    pub task: Option<String>,
    pub note: String,
    /// 1 to 1440.
    pub minutes: Minutes,
    pub billable: bool,
}

/// Why a cell was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A required cell is empty.
    MissingValue,
    /// Not a date in an accepted spelling, or no such day.
    BadDate,
    /// Not a duration in the column's spelling.
    BadDuration,
    NegativeDuration,
    /// More than 24 hours.
    TooLong,
    /// Not yes/no/true/false/1/0/oui/non.
    BadBoolean,
    /// Generic format: more than one of `minutes`, `hours`, `duration` filled in one row.
    ConflictingDurations,
    /// Kimai: a whole number from 1 to 24 (hours in Kimai's export, seconds for its importer)
    /// with no `From`/`To` times to tell which.
    AmbiguousDuration,
    /// The row has `found` fields where the header has `expected` (a truncated export, a
    /// delimiter inside an unquoted cell).
    FieldCount {
        found: usize,
        expected: usize,
    },
    /// A date before 2000-01-01 or more than a year after today ([`DateWindow`]).
    DateOutOfWindow,
    /// A control character (NUL, escape …) other than tab and line breaks.
    ControlChars,
}

impl Reason {
    /// The translation-catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            Reason::MissingValue => "import-error-missing-value",
            Reason::BadDate => "import-error-bad-date",
            Reason::BadDuration => "import-error-bad-duration",
            Reason::NegativeDuration => "import-error-negative-duration",
            Reason::TooLong => "import-error-too-long",
            Reason::BadBoolean => "import-error-bad-boolean",
            Reason::ConflictingDurations => "import-error-conflicting-durations",
            Reason::AmbiguousDuration => "import-error-ambiguous-duration",
            Reason::FieldCount { .. } => "import-error-field-count",
            Reason::DateOutOfWindow => "import-error-date-window",
            Reason::ControlChars => "import-error-control-chars",
        }
    }
}

/// One refused cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    /// The column's header as written in the file (trimmed, cut to [`EXCERPT_CHARS`]); empty
    /// for an error of the whole row ([`Reason::FieldCount`]).
    pub column: String,
    pub reason: Reason,
    /// The refused cell as written, cut to [`EXCERPT_CHARS`] characters with `…`; empty for a
    /// missing value.
    pub value: String,
}

/// How many characters of a refused value (or a header) an error quotes.
pub const EXCERPT_CHARS: usize = 40;

/// How many of the header's names an [`FileError::UnknownFormat`] quotes.
const MAX_QUOTED_HEADERS: usize = 30;

/// What one record of the file gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Row(Row),
    /// A row of zero minutes (a stopped-at-once timer): skipped, not an error.
    SkippedZero {
        line: u64,
    },
    /// Every error of one row, in column order.
    Errors(Vec<RowError>),
}

/// A file that cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("unknown time-entry format (columns: {})", headers.join(", "))]
    UnknownFormat { headers: Vec<String> },
    #[error("{} file without the column(s) {}", format.as_str(), columns.join(", "))]
    MissingColumns {
        format: Format,
        /// The missing columns' names, in the language of the file's headers.
        columns: Vec<String>,
    },
    #[error("unreadable CSV at line {line}: {message}")]
    Csv { line: u64, message: String },
    /// A record longer than [`MAX_RECORD_BYTES`] (a file of one endless line, an endless quoted
    /// cell): not read further, so that it is never held in memory whole.
    #[error("the record at line {line} is longer than {MAX_RECORD_BYTES} bytes")]
    RecordTooLong { line: u64 },
}

impl FileError {
    /// The translation-catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            FileError::Empty => "import-error-empty",
            FileError::UnknownFormat { .. } => "import-error-unknown-format",
            FileError::MissingColumns { .. } => "import-error-missing-columns",
            FileError::Csv { .. } => "import-error-csv",
            FileError::RecordTooLong { .. } => "import-error-record-too-long",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Format descriptions (one file per format).

/// What a column means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Date,
    /// A full name (Toggl User, Kimai Name, generic person).
    Name,
    First,
    Last,
    /// A login name (Kimai User/Username).
    User,
    Email,
    Client,
    Project,
    Task,
    Note,
    Billable,
    Duration,
    /// Start and end times of day (Kimai `From`/`To`), used only to read an ambiguous duration.
    Begin,
    End,
}

/// A column a format knows, and its accepted names as [`parse::header_key`] gives them:
/// `both` are the same in English and French, `en`/`fr` tell the file's language.
struct Column {
    role: Role,
    kind: DurKind,
    both: &'static [&'static str],
    en: &'static [&'static str],
    fr: &'static [&'static str],
}

impl Column {
    const fn new(
        role: Role,
        both: &'static [&'static str],
        en: &'static [&'static str],
        fr: &'static [&'static str],
    ) -> Column {
        Column {
            role,
            kind: DurKind::Minutes,
            both,
            en,
            fr,
        }
    }
    const fn duration(
        kind: DurKind,
        both: &'static [&'static str],
        en: &'static [&'static str],
        fr: &'static [&'static str],
    ) -> Column {
        Column {
            role: Role::Duration,
            kind,
            both,
            en,
            fr,
        }
    }
}

/// A required column: any one of `any_of`; its name for error messages in each language.
struct Need {
    any_of: &'static [Role],
    en: &'static str,
    fr: &'static str,
}

impl Need {
    const fn new(any_of: &'static [Role], en: &'static str, fr: &'static str) -> Need {
        Need { any_of, en, fr }
    }
}

/// How the person's name is built.
#[derive(Clone, Copy, Debug)]
enum PersonRule {
    /// `First name` + `Last name` (Harvest).
    FirstLast,
    /// The first filled of Name, User, Email.
    FirstFilled,
}

/// How a slashed date (`03/02/2026`) is read.
#[derive(Clone, Copy, Debug)]
enum Slashed {
    /// Always `DD/MM/YYYY`.
    DayFirst,
    /// `DD/MM/YYYY` when the headers are French or the delimiter is `;` (a French spreadsheet),
    /// `MM/DD/YYYY` otherwise.
    Locale,
}

struct Spec {
    format: Format,
    /// Header keys that identify the format (any one).
    signature: &'static [&'static str],
    columns: &'static [Column],
    needs: &'static [Need],
    person: PersonRule,
    slashed: Slashed,
}

/// Detection order: the first complete match wins.
const SPECS: [&Spec; 4] = [&generic::SPEC, &harvest::SPEC, &toggl::SPEC, &kimai::SPEC];

fn spec_of(format: Format) -> &'static Spec {
    match format {
        Format::Harvest => &harvest::SPEC,
        Format::Toggl => &toggl::SPEC,
        Format::Kimai => &kimai::SPEC,
        Format::Generic => &generic::SPEC,
    }
}

/// Which file column holds each role (the first column of a given name wins).
#[derive(Debug, Default)]
struct Layout {
    date: Option<usize>,
    name: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
    user: Option<usize>,
    email: Option<usize>,
    client: Option<usize>,
    project: Option<usize>,
    task: Option<usize>,
    note: Option<usize>,
    billable: Option<usize>,
    begin: Option<usize>,
    end: Option<usize>,
    durations: Vec<(usize, DurKind)>,
    /// Headers matched by an English-only / French-only name.
    en: usize,
    fr: usize,
}

impl Layout {
    fn resolve(spec: &Spec, keys: &[String]) -> Layout {
        let mut l = Layout::default();
        for (i, key) in keys.iter().enumerate() {
            let k = key.as_str();
            for c in spec.columns {
                let (en, fr) = if c.both.contains(&k) {
                    (0, 0)
                } else if c.en.contains(&k) {
                    (1, 0)
                } else if c.fr.contains(&k) {
                    (0, 1)
                } else {
                    continue;
                };
                let taken = match c.role {
                    Role::Duration => {
                        let fresh = !l.durations.iter().any(|&(_, kind)| kind == c.kind);
                        if fresh {
                            l.durations.push((i, c.kind));
                        }
                        !fresh
                    }
                    role => match l.slot(role) {
                        Some(slot) if slot.is_none() => {
                            *slot = Some(i);
                            false
                        }
                        _ => true,
                    },
                };
                if !taken {
                    l.en += en;
                    l.fr += fr;
                }
                break;
            }
        }
        l
    }

    fn slot(&mut self, role: Role) -> Option<&mut Option<usize>> {
        Some(match role {
            Role::Date => &mut self.date,
            Role::Name => &mut self.name,
            Role::First => &mut self.first,
            Role::Last => &mut self.last,
            Role::User => &mut self.user,
            Role::Email => &mut self.email,
            Role::Client => &mut self.client,
            Role::Project => &mut self.project,
            Role::Task => &mut self.task,
            Role::Note => &mut self.note,
            Role::Billable => &mut self.billable,
            Role::Begin => &mut self.begin,
            Role::End => &mut self.end,
            Role::Duration => return None,
        })
    }

    fn has(&self, role: Role) -> bool {
        match role {
            Role::Date => self.date.is_some(),
            Role::Name => self.name.is_some(),
            Role::First => self.first.is_some(),
            Role::Last => self.last.is_some(),
            Role::User => self.user.is_some(),
            Role::Email => self.email.is_some(),
            Role::Client => self.client.is_some(),
            Role::Project => self.project.is_some(),
            Role::Task => self.task.is_some(),
            Role::Note => self.note.is_some(),
            Role::Billable => self.billable.is_some(),
            Role::Begin => self.begin.is_some(),
            Role::End => self.end.is_some(),
            Role::Duration => !self.durations.is_empty(),
        }
    }

    fn french(&self) -> bool {
        self.fr > self.en
    }

    /// The required columns this file lacks, named in the file's language.
    fn missing(&self, spec: &Spec) -> Vec<String> {
        let french = self.french();
        spec.needs
            .iter()
            .filter(|n| !n.any_of.iter().any(|&r| self.has(r)))
            .map(|n| (if french { n.fr } else { n.en }).to_owned())
            .collect()
    }
}

/// The columns of the chosen format, required ones resolved.
#[derive(Debug)]
struct Columns {
    date: usize,
    client: usize,
    project: usize,
    /// Person columns in the order they are tried (FirstFilled), or first and last (FirstLast).
    person: Vec<usize>,
    email: Option<usize>,
    task: Option<usize>,
    note: Option<usize>,
    billable: Option<usize>,
    /// `From` and `To` (Kimai).
    span: Option<(usize, usize)>,
    /// At least one.
    durations: Vec<(usize, DurKind)>,
}

/// Picks the format (or checks the forced one) and resolves its columns.
fn choose(
    headers: &[String],
    forced: Option<Format>,
) -> Result<(&'static Spec, Layout, Columns), FileError> {
    let keys: Vec<String> = headers.iter().map(|h| parse::header_key(h)).collect();
    let (spec, layout) = match forced {
        Some(format) => {
            let spec = spec_of(format);
            (spec, Layout::resolve(spec, &keys))
        }
        None => {
            let mut best: Option<(&'static Spec, Layout, usize)> = None;
            for spec in SPECS {
                if !keys.iter().any(|k| spec.signature.contains(&k.as_str())) {
                    continue;
                }
                let layout = Layout::resolve(spec, &keys);
                let missing = layout.missing(spec).len();
                if best.as_ref().is_none_or(|b| missing < b.2) {
                    best = Some((spec, layout, missing));
                }
            }
            match best {
                Some((spec, layout, _)) => (spec, layout),
                None => {
                    return Err(FileError::UnknownFormat {
                        headers: headers.to_vec(),
                    });
                }
            }
        }
    };
    let missing = layout.missing(spec);
    let columns = match (layout.date, layout.client, layout.project) {
        (Some(date), Some(client), Some(project))
            if missing.is_empty() && !layout.durations.is_empty() =>
        {
            let person: Vec<usize> = match spec.person {
                PersonRule::FirstLast => [layout.first, layout.last],
                PersonRule::FirstFilled => [layout.name, layout.user],
            }
            .into_iter()
            .flatten()
            .chain(match spec.person {
                PersonRule::FirstLast => None,
                PersonRule::FirstFilled => layout.email,
            })
            .collect();
            Columns {
                date,
                client,
                project,
                person,
                email: layout.email,
                task: layout.task,
                note: layout.note,
                billable: layout.billable,
                span: layout.begin.zip(layout.end),
                durations: layout.durations.clone(),
            }
        }
        _ => {
            return Err(FileError::MissingColumns {
                format: spec.format,
                columns: missing,
            });
        }
    };
    Ok((spec, layout, columns))
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// How much of the file is read to find the header line and its delimiter.
const SNIFF_LIMIT: usize = 64 * 1024;

/// The longest record read (1 MiB): a time entry takes a few hundred bytes, and the CSV reader
/// holds a whole record in memory.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// Reads the start of the file: at least its first line (or `SNIFF_LIMIT` bytes), BOM dropped.
fn read_prefix<R: Read>(input: &mut R) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    while buf.len() < SNIFF_LIMIT {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let Some(got) = chunk.get(..n).filter(|g| !g.is_empty()) else {
            break;
        };
        buf.extend_from_slice(got);
        if got.contains(&b'\n') {
            break;
        }
    }
    if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
    }
    Ok(buf)
}

/// The delimiter of the header line: `,`, `;` or tab, the most frequent outside quotes (`,`
/// on a tie or when there is none).
fn sniff_delimiter(prefix: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for &b in prefix {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

/// The caller's input behind the already-read prefix, with a final `\n` added so that every
/// record ends with one (which is what makes line numbers exact), and lone CRs turned into LFs
/// for files with classic Mac line ends. It follows the records as the CSV reader splits them
/// ([`Records`]) and fails a record longer than [`MAX_RECORD_BYTES`].
struct Input<R> {
    prefix: Vec<u8>,
    at: usize,
    inner: R,
    inner_done: bool,
    tail_done: bool,
    cr_only: bool,
    records: Records,
}

/// Where the CSV reader is in its records, by the same rules (`"` opens a quoted cell only as
/// its first byte, `""` inside is a quote, line breaks inside quotes belong to the cell), so that
/// a record's length is known while it is read.
struct Records {
    delimiter: u8,
    state: Field,
    /// Bytes of the current record so far.
    bytes: usize,
    /// The line the input is on, and the one the current record began on.
    line: u64,
    start: u64,
    /// Set when a record grew past the limit: the line it began on.
    too_long: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Start,
    Plain,
    Quoted,
    /// A `"` inside a quoted cell: the end of the quotes, or the first half of `""`.
    QuoteInQuoted,
}

impl Records {
    fn new(delimiter: u8) -> Records {
        Records {
            delimiter,
            state: Field::Start,
            bytes: 0,
            line: 1,
            start: 1,
            too_long: None,
        }
    }

    /// Follows `bytes`; false once a record is too long.
    fn follow(&mut self, bytes: &[u8]) -> bool {
        for &b in bytes {
            if self.bytes == 0 {
                self.start = self.line;
            }
            self.bytes += 1;
            if b == b'\n' {
                self.line += 1;
            }
            let end_of_field = b == self.delimiter;
            let end_of_record = b == b'\n';
            self.state = match (self.state, b) {
                (Field::Quoted, b'"') => Field::QuoteInQuoted,
                (Field::Quoted, _) => Field::Quoted,
                (Field::QuoteInQuoted, b'"') => Field::Quoted,
                (Field::Start, b'"') => Field::Quoted,
                _ if end_of_field => Field::Start,
                _ if end_of_record => {
                    self.bytes = 0;
                    Field::Start
                }
                _ => Field::Plain,
            };
            if self.bytes > MAX_RECORD_BYTES {
                self.too_long = Some(self.start);
                return false;
            }
        }
        true
    }
}

impl<R: Read> Input<R> {
    fn read_raw(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(rest) = self.prefix.get(self.at..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
                dst.copy_from_slice(src);
            }
            self.at += n;
            return Ok(n);
        }
        while !self.inner_done {
            match self.inner.read(buf) {
                Ok(0) => self.inner_done = true,
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if !self.tail_done
            && let Some(first) = buf.first_mut()
        {
            *first = b'\n';
            self.tail_done = true;
            return Ok(1);
        }
        Ok(0)
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.records.too_long.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record too long",
            ));
        }
        let n = self.read_raw(buf)?;
        if self.cr_only {
            for b in buf.iter_mut().take(n) {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        if !self.records.follow(buf.get(..n).unwrap_or_default()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record too long",
            ));
        }
        Ok(n)
    }
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record
        .iter()
        .all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
}

fn csv_error<R: Read>(e: &csv::Error, csv: &csv::Reader<Input<R>>) -> FileError {
    if let Some(line) = csv.get_ref().records.too_long {
        return FileError::RecordTooLong { line };
    }
    FileError::Csv {
        line: e
            .position()
            .map_or(csv.position().line(), csv::Position::line),
        message: excerpt(&e.to_string(), 200),
    }
}

/// A streaming reader of one time-entry CSV file.
pub struct Reader<R> {
    csv: csv::Reader<Input<R>>,
    record: csv::ByteRecord,
    format: Format,
    person: PersonRule,
    columns: Columns,
    /// The header row as written (trimmed), for error messages.
    headers: Vec<String>,
    day_first: bool,
    window: Option<DateWindow>,
    done: bool,
}

impl<R: Read> Reader<R> {
    /// Reads the header row and detects the format (or checks the `forced` one).
    pub fn new(mut input: R, forced: Option<Format>) -> Result<Reader<R>, FileError> {
        let prefix = read_prefix(&mut input).map_err(|e| FileError::Csv {
            line: 1,
            message: e.to_string(),
        })?;
        let delimiter = sniff_delimiter(&prefix);
        let cr_only = !prefix.contains(&b'\n') && prefix.contains(&b'\r');
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(64 * 1024)
            .from_reader(Input {
                prefix,
                at: 0,
                inner: input,
                inner_done: false,
                tail_done: false,
                cr_only,
                records: Records::new(delimiter),
            });
        let mut record = csv::ByteRecord::new();
        let headers: Vec<String> = loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => return Err(FileError::Empty),
                Ok(true) if is_blank(&record) => {}
                Ok(true) => break record.iter().map(|f| parse::text(f).into_owned()).collect(),
                Err(e) => return Err(csv_error(&e, &csv)),
            }
        };
        // Names quoted in messages are cut short: a "header" may be a whole file of one line.
        let quoted =
            |h: &[String]| -> Vec<String> { h.iter().map(|h| excerpt(h, EXCERPT_CHARS)).collect() };
        let (spec, layout, columns) = choose(&headers, forced).map_err(|e| match e {
            FileError::UnknownFormat { headers } => {
                let more = headers.len() > MAX_QUOTED_HEADERS;
                let mut headers = quoted(headers.get(..MAX_QUOTED_HEADERS).unwrap_or(&headers));
                if more {
                    headers.push("…".into());
                }
                FileError::UnknownFormat { headers }
            }
            other => other,
        })?;
        let headers = quoted(&headers);
        let day_first = match spec.slashed {
            Slashed::DayFirst => true,
            Slashed::Locale => layout.french() || delimiter == b';',
        };
        Ok(Reader {
            csv,
            record,
            format: spec.format,
            person: spec.person,
            columns,
            headers,
            day_first,
            window: None,
            done: false,
        })
    }

    /// Refuses dates outside `window` ([`Reason::DateOutOfWindow`]).
    pub fn with_date_window(mut self, window: DateWindow) -> Reader<R> {
        self.window = Some(window);
        self
    }

    /// The detected (or forced) format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The header, as written, of the column a row's e-mail comes from: the e-mail column,
    /// else the first person column.
    pub fn email_column(&self) -> &str {
        self.columns
            .email
            .or_else(|| self.columns.person.first().copied())
            .and_then(|i| self.headers.get(i))
            .map_or("", String::as_str)
    }

    /// The next record, `None` at the end of the file (or after a [`FileError::Csv`]).
    pub fn next_item(&mut self) -> Option<Result<Item, FileError>> {
        loop {
            if self.done {
                return None;
            }
            match self.csv.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(csv_error(&e, &self.csv)));
                }
            }
            if is_blank(&self.record) {
                continue;
            }
            // Every record ends with a '\n' (see `Input`), counted in the reader's position;
            // the record started that many lines up, less the line breaks inside its cells.
            let inside = self
                .record
                .as_slice()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            let end = self.csv.position().line();
            let line = end
                .saturating_sub(1)
                .saturating_sub(u64::try_from(inside).unwrap_or(u64::MAX))
                .max(1);
            let (found, expected) = (self.record.len(), self.headers.len());
            if found != expected {
                return Some(Ok(Item::Errors(vec![RowError {
                    line,
                    column: String::new(),
                    reason: Reason::FieldCount { found, expected },
                    value: String::new(),
                }])));
            }
            return Some(Ok(self.item(line)));
        }
    }

    fn cell(&self, idx: usize) -> Cow<'_, str> {
        self.record.get(idx).map_or(Cow::Borrowed(""), parse::text)
    }

    fn column(&self, idx: usize) -> String {
        self.headers.get(idx).cloned().unwrap_or_default()
    }

    /// A required text cell.
    fn required(&self, idx: usize, errors: &mut Vec<(usize, Reason)>) -> Option<String> {
        let v = self.cell(idx);
        if v.is_empty() {
            errors.push((idx, Reason::MissingValue));
            None
        } else {
            Some(v.into_owned())
        }
    }

    /// The duration in minutes (not yet bounded) and its column.
    fn duration(&self, errors: &mut Vec<(usize, Reason)>) -> Option<(i64, usize)> {
        let mut found: Option<(usize, DurKind, Cow<'_, str>)> = None;
        for &(idx, kind) in &self.columns.durations {
            let v = self.cell(idx);
            if v.is_empty() {
                continue;
            }
            if found.is_some() {
                errors.push((idx, Reason::ConflictingDurations));
                return None;
            }
            found = Some((idx, kind, v));
        }
        match found {
            Some((idx, kind, v)) => match parse::duration(&v, kind) {
                Ok(m) => Some((m, idx)),
                Err(Reason::AmbiguousDuration) if self.span().is_some() => {
                    let span = self.span().unwrap_or_default();
                    let m = parse::kimai_whole(&v, span);
                    if m.is_none() {
                        errors.push((idx, Reason::BadDuration));
                    }
                    m.map(|m| (m, idx))
                }
                Err(reason) => {
                    errors.push((idx, reason));
                    None
                }
            },
            None => {
                if let Some(&(idx, _)) = self.columns.durations.first() {
                    errors.push((idx, Reason::MissingValue));
                }
                None
            }
        }
    }

    /// Minutes from the row's start time to its end time (over midnight when the end is
    /// earlier), when both are readable.
    fn span(&self) -> Option<i64> {
        let (b, e) = self.columns.span?;
        let begin = parse::time_of_day(&self.cell(b))?;
        let end = parse::time_of_day(&self.cell(e))?;
        Some((end - begin).rem_euclid(24 * 60))
    }

    /// The person's name and e-mail.
    fn person(&self, errors: &mut Vec<(usize, Reason)>) -> Option<(String, Option<String>)> {
        let email = self
            .columns
            .email
            .map(|i| self.cell(i))
            .filter(|v| !v.is_empty())
            .map(Cow::into_owned);
        let name = match self.person {
            PersonRule::FirstLast => {
                let mut parts = self.columns.person.iter().map(|&i| self.cell(i));
                let (first, last) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                match (first.is_empty(), last.is_empty()) {
                    (false, false) => format!("{first} {last}"),
                    (false, true) => first.into_owned(),
                    (true, false) => last.into_owned(),
                    (true, true) => String::new(),
                }
            }
            PersonRule::FirstFilled => self
                .columns
                .person
                .iter()
                .map(|&i| self.cell(i))
                .find(|v| !v.is_empty())
                .map(Cow::into_owned)
                .unwrap_or_default(),
        };
        if name.is_empty() {
            if let Some(&idx) = self.columns.person.first() {
                errors.push((idx, Reason::MissingValue));
            }
            return None;
        }
        let email = email.or_else(|| name.contains('@').then(|| name.clone()));
        Some((name, email))
    }

    fn item(&self, line: u64) -> Item {
        let c = &self.columns;
        let mut errors: Vec<(usize, Reason)> = Vec::new();
        for idx in 0..self.record.len() {
            if self
                .cell(idx)
                .chars()
                .any(crate::text::is_forbidden_control)
            {
                errors.push((idx, Reason::ControlChars));
            }
        }
        let minutes = match self.duration(&mut errors) {
            Some((0, _)) => return Item::SkippedZero { line },
            Some((m, idx)) => {
                let m = Minutes::entry(m);
                if m.is_none() {
                    errors.push((idx, Reason::TooLong));
                }
                m
            }
            None => None,
        };
        let date = {
            let v = self.cell(c.date);
            if v.is_empty() {
                errors.push((c.date, Reason::MissingValue));
                None
            } else {
                match parse::date(&v, self.day_first) {
                    None => {
                        errors.push((c.date, Reason::BadDate));
                        None
                    }
                    Some(d) if self.window.is_some_and(|w| !w.contains(d)) => {
                        errors.push((c.date, Reason::DateOutOfWindow));
                        None
                    }
                    d => d,
                }
            }
        };
        let person = self.person(&mut errors);
        let client = self.required(c.client, &mut errors);
        let project = self.required(c.project, &mut errors);
        let task = c
            .task
            .map(|i| self.cell(i))
            .filter(|v| !v.is_empty())
            .map(Cow::into_owned);
        let note = c
            .note
            .map(|i| self.cell(i))
            .unwrap_or_default()
            .into_owned();
        let billable = match c.billable.map(|i| (i, self.cell(i))) {
            Some((i, v)) if !v.is_empty() => parse::boolean(&v).unwrap_or_else(|| {
                errors.push((i, Reason::BadBoolean));
                true
            }),
            _ => true,
        };
        match (date, person, client, project, minutes) {
            (
                Some(date),
                Some((person, person_email)),
                Some(client),
                Some(project),
                Some(minutes),
            ) if errors.is_empty() => Item::Row(Row {
                line,
                date,
                person,
                person_email,
                client,
                project,
                task,
                note,
                minutes,
                billable,
            }),
            _ => {
                errors.sort_by_key(|&(idx, _)| idx);
                Item::Errors(
                    errors
                        .into_iter()
                        .map(|(idx, reason)| RowError {
                            line,
                            column: self.column(idx),
                            reason,
                            value: excerpt(&crate::text::visible(&self.cell(idx)), EXCERPT_CHARS),
                        })
                        .collect(),
                )
            }
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Item, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item()
    }
}

#[cfg(test)]
mod tests;
