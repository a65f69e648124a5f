//! Time import from Harvest, Toggl Track, Kimai and the generic CSV: every row is checked (cells,
//! names, archived projects, locked weeks, 24-hour days) in one streaming pass; any bad row
//! discards the whole file and every bad row is reported. A dry run writes nothing.
//!
//! The import never holds the write lock for long (on SQLite one lock serves the whole process):
//! its entries, and the people, clients and projects it creates, are read [`WINDOW_ROWS`] at a
//! time, sorted by client and project, and written in short transactions (from [`CHUNK_ROWS`]
//! entries, growing while a transaction holds the lock under a quarter of a second), each row
//! marked with the import's id and hidden from
//! every reader while the import's `imports` row says `running` (`mesure_store::time::imports`). The
//! aggregates are summed in memory; one short transaction checks again what other writers may have
//! changed meanwhile (weeks approved, days filled, projects archived, rates added, the same entry
//! typed by hand), writes the aggregates and flips the import to `published`: readers see all of it
//! at once. A failed import is marked `failed` and its rows deleted in short transactions; an
//! import whose process died is found by its stale heartbeat and cleaned by the worker
//! ([`sweep`]). One import runs at a time per workspace.
//!
//! Rows already in the workspace (same person, day, project, minutes and note), or repeated
//! within the file, are duplicates: reported (count and lines), and refused like any bad row
//! unless the caller asks to import them anyway. The check holds one 96-bit fingerprint per
//! entry of the months the file touches, loaded with one indexed query per person and month.
//! Names (people, clients, projects) match after Unicode NFC and case folding.
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::TimeAction;
use mesure_domain::WorkspaceId;
use mesure_domain::clients::search_key;
use mesure_domain::projects::engagement::{
    BillingModel, EntryFacts, Figures, FixedRevenue, RolloverKind, Scope, contribution, day_key,
    month_of, week_start,
};
use mesure_domain::text::{excerpt, name_key, nfc};
use mesure_domain::time::import::{EXCERPT_CHARS, FileError, Format, Item, Reader, Reason, Row};
use mesure_domain::time::{DateWindow, EntrySource, MAX_DAY_MINUTES, Rounding};
use mesure_domain::validate::is_email;
use mesure_domain::{ClientId, EntryId, ImportId, Language, ProjectId, UserId};
use mesure_store::clients::ClientRow;
use mesure_store::people::costs::{self, CostRow};
use mesure_store::people::users::UserRow;
use mesure_store::projects::{self, ProjectRow, RateRow};
use mesure_store::time::imports::{self, ImportRow};
use mesure_store::time::{self as store, EntryRow};
use mesure_store::{Conn, Dedicated, radar::totals};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use uuid::Uuid;

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub format: Option<Format>,
    /// Create people, clients and projects that match nothing (else such rows are errors).
    pub create_missing: bool,
    pub dry_run: bool,
    /// Import rows that are already in the workspace, or repeated in the file (else they are
    /// errors and nothing is written).
    pub allow_duplicates: bool,
    pub file_name: String,
    /// Told how far the import is (the CLI's progress line on a terminal).
    pub progress: Progress,
}

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and checking rows (the count is of records read so far).
    Checking,
    /// Writing the entries and totals (the count is of entries).
    Writing,
    /// Finished (the count is of records read).
    Done,
}

/// A callback told of the import's progress, every few thousand rows; none by default.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(Phase, u64) + Send + Sync>>);

impl Progress {
    pub fn new(f: impl Fn(Phase, u64) + Send + Sync + 'static) -> Progress {
        Progress(Some(std::sync::Arc::new(f)))
    }
    fn tell(&self, phase: Phase, rows: u64) {
        if let Some(f) = &self.0 {
            f(phase, rows);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(..)"
        } else {
            "Progress(none)"
        })
    }
}

/// How often progress is told, in records.
const PROGRESS_EVERY: u64 = 10_000;

/// Entries read before they are sorted and written, in chunks (about 6 MB).
const WINDOW_ROWS: usize = 20_000;
/// The write-ahead log is copied into the database at most this often during an import: a page
/// that several chunks change is then copied once, and the copy's sync is paid less often.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// Entries written per transaction: at first this many (a few milliseconds of the write lock on
/// SQLite)…
pub const CHUNK_ROWS: usize = 500;
/// …growing up to this many while a transaction holds the write lock for less than half of…
const MAX_CHUNK_ROWS: usize = 20_000;
/// …this, and shrinking when it holds it for longer.
const CHUNK_HOLD: std::time::Duration = std::time::Duration::from_millis(250);
/// Project months added per statement when an import is published.
const PUBLISH_STEP: usize = 5000;
/// Entries of a failed import deleted per transaction.
const DELETE_ROWS: i64 = 2000;
/// A running import says it is alive at least this often…
const HEARTBEAT_US: i64 = 15 * 1_000_000;
/// …and one silent for longer is taken for dead (its process stopped) and cleaned.
pub const STALE_US: i64 = 2 * 60 * 1_000_000;

/// One refused cell or row, with its message in the reader's language.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
    /// The refused value as written, cut to 40 characters with `…`; empty when there is none.
    pub value: String,
}

/// What an import did (or, on a dry run or a failure, would have done).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    pub format: String,
    pub rows: u64,
    pub skipped_zero: u64,
    pub minutes: i64,
    pub new_people: Vec<String>,
    pub new_clients: Vec<String>,
    pub new_projects: Vec<String>,
    /// The first [`MAX_LISTED`] problems, in file order.
    pub errors: Vec<RowProblem>,
    /// Every problem, listed or not.
    pub error_count: u64,
    /// True when `errors` does not list them all.
    pub errors_truncated: bool,
    /// Rows already in the workspace or repeated in the file (refused unless allowed).
    pub duplicates: u64,
    /// Their lines, the first [`MAX_LISTED`].
    pub duplicate_lines: Vec<u64>,
    /// Duplicates were allowed (imported anyway).
    pub allow_duplicates: bool,
    /// True when the entries were written.
    pub imported: bool,
    pub dry_run: bool,
}

/// At most this many problems (and duplicate lines) are listed; the counts are exact.
pub const MAX_LISTED: usize = 200;

/// A 96-bit fingerprint of an entry's person, day, project, minutes and note: 64 bits that key
/// the map and 32 more that must match too.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint(u64, u32);

/// The fingerprint is already a hash: the map uses its first 64 bits as is.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Two SipHash values (fixed keys, so stable within a run), seeded apart, of the entry's facts;
/// the note is compared trimmed and in NFC.
fn fingerprint(person: Uuid, day: i32, project: Uuid, minutes: i64, note: &str) -> Fingerprint {
    let note = nfc(note.trim());
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        (seed, person, day, project, minutes, note.as_ref()).hash(&mut h);
        h.finish()
    };
    // The low half of the second hash.
    #[allow(clippy::cast_possible_truncation)]
    let check = half(2) as u32;
    Fingerprint(half(1), check)
}

/// Entries seen, 16 bytes each (a 2-million-row file keeps about 64 MB, not the 100 MB of a
/// 128-bit key with a 64-bit line): the fingerprint's check bits and the file line that made the
/// entry, 0 for one already in the workspace. Two different entries whose first 64 bits agree
/// (about one chance in 10^7 at 2 million rows) keep the first one's place: the second is then
/// not compared, which can let a duplicate through but never refuses a row wrongly. The set is
/// split in [`SEEN_SHARDS`] maps by the fingerprint's top bits, so that a map growing (which
/// holds its old and new tables at once) adds a sixteenth of the set to the peak, not half of it.
struct Seen(Vec<SeenMap>);

type SeenMap = HashMap<u64, (u32, u32), BuildHasherDefault<PassThrough>>;

const SEEN_SHARDS: usize = 16;

impl Default for Seen {
    fn default() -> Seen {
        Seen((0..SEEN_SHARDS).map(|_| HashMap::default()).collect())
    }
}

impl Seen {
    /// The map of a key (always one: the index is taken modulo their number).
    fn shard(&mut self, key: u64) -> Option<&mut SeenMap> {
        let n = self.0.len().max(1);
        // The top four bits pick the map (the low ones feed its buckets).
        #[allow(clippy::cast_possible_truncation)]
        let i = (key >> 60) as usize % n;
        self.0.get_mut(i)
    }

    /// Records an entry already in the workspace.
    fn existing(&mut self, fp: Fingerprint) {
        if let Some(m) = self.shard(fp.0) {
            m.entry(fp.0).or_insert((fp.1, 0));
        }
    }

    /// The line that made this entry before (0: the workspace), else records it for `line`.
    fn first(&mut self, fp: Fingerprint, line: u64) -> Option<u64> {
        match self.shard(fp.0)?.entry(fp.0) {
            Entry::Occupied(o) => {
                let (check, earlier) = *o.get();
                (check == fp.1).then_some(u64::from(earlier))
            }
            Entry::Vacant(v) => {
                v.insert((fp.1, u32::try_from(line).unwrap_or(u32::MAX)));
                None
            }
        }
    }

    /// The file line that made this entry, when a row of the file did.
    fn line(&mut self, fp: Fingerprint) -> Option<u64> {
        match self.shard(fp.0)?.get(&fp.0) {
            Some(&(check, line)) if check == fp.1 && line > 0 => Some(u64::from(line)),
            _ => None,
        }
    }
}

struct Person {
    id: Uuid,
    rates: Vec<RateRow>,
    costs: Vec<CostRow>,
    locked_weeks: HashSet<i32>,
    days: HashMap<i32, i64>,
    /// Made by this import: nothing of theirs to compare with.
    fresh: bool,
    /// Months whose entries are in `State::seen`.
    loaded_months: HashSet<i32>,
}

struct Proj {
    row: ProjectRow,
    rounding: Rounding,
    deliverables: HashMap<String, Uuid>,
}

/// What the import wrote for one person and day: checked again before publishing.
struct DayInfo {
    minutes: i64,
    /// The first line that wrote it.
    line: u64,
    /// The day's week (`YYYYMMDD` of its Monday).
    week: i32,
}

struct State<'a> {
    app: &'a App,
    ctx: &'a Ctx,
    opts: &'a Options,
    /// The running import whose rows are written; `None` for a dry run.
    run: Option<Uuid>,
    lang: Language,
    people_by_key: HashMap<String, Uuid>,
    people: HashMap<Uuid, Person>,
    clients_by_key: HashMap<String, Uuid>,
    projects_by_key: HashMap<(Uuid, String), Uuid>,
    projects: HashMap<Uuid, Proj>,
    report: Report,
    problems: u64,
    batch: Vec<EntryRow>,
    /// When the write-ahead log was last copied into the database.
    checkpointed: std::time::Instant,
    /// Entries per transaction now, between [`CHUNK_ROWS`] and [`MAX_CHUNK_ROWS`].
    chunk_rows: usize,
    project_months: HashMap<(Uuid, i32), (Uuid, Figures)>,
    new_clients: HashSet<Uuid>,
    /// Minutes written per deliverable (their running totals are raised once at the end).
    deliverable_minutes: HashMap<Uuid, i64>,
    /// People, clients and projects made by this file, written before the entries that need them.
    pending_users: Vec<UserRow>,
    pending_clients: Vec<ClientRow>,
    pending_projects: Vec<ProjectRow>,
    person_months: HashMap<(Uuid, i32), (i64, i64)>,
    days: HashMap<(Uuid, i32), DayInfo>,
    /// The first line of each existing project and person that got an entry.
    project_lines: HashMap<Uuid, u64>,
    person_lines: HashMap<Uuid, u64>,
    /// When the import last said it was alive.
    last_beat: i64,
    /// Entries of the workspace and of the file so far.
    seen: Seen,
    /// E-mails found unusable, asked about once.
    unusable_emails: HashSet<String>,
    /// The header of the e-mail column (or the person's), for problems with an e-mail.
    email_column: String,
    window: DateWindow,
    now: i64,
}

fn key(s: &str) -> String {
    name_key(s)
}

impl State<'_> {
    /// Writes the new people, clients and projects, then the entries buffered so far, in one
    /// short transaction, hidden until the import is published. A dry run writes nothing.
    async fn flush(&mut self, db: &mut Dedicated) -> Result<()> {
        let Some(id) = self.run else {
            self.pending_users.clear();
            self.pending_clients.clear();
            self.pending_projects.clear();
            self.batch.clear();
            return Ok(());
        };
        // Rows of one client and project next to each other: each transaction then changes a
        // few neighbouring pages of the client and project indexes rather than pages all over
        // them, and every page a transaction changes is written again at its commit.
        self.batch
            .sort_unstable_by_key(|e| (e.client_id, e.project_id, e.work_date));
        let mut from = 0;
        loop {
            let to = (from + self.chunk_rows).min(self.batch.len());
            let now = self.app.now();
            let mut tx = db.begin().await?;
            let started = std::time::Instant::now();
            let c = &mut tx.conn();
            for u in self.pending_users.drain(..) {
                mesure_store::people::users::insert_for_import(c, &u, Some(id))
                    .await
                    .map_err(|e| match e {
                        // The import tells which address of the file is taken.
                        mesure_store::StoreError::Conflict(c) if c == "users_email_key" => {
                            ServiceError::Conflict("err-conflict-email")
                        }
                        other => other.into(),
                    })?;
            }
            mesure_store::clients::insert_many(c, &self.pending_clients, Some(id)).await?;
            self.pending_clients.clear();
            projects::insert_many(c, &self.pending_projects, Some(id)).await?;
            self.pending_projects.clear();
            let rows = self.batch.get(from..to).unwrap_or_default();
            store::insert_many(c, rows, Some(id)).await?;
            imports::heartbeat(c, self.ctx.workspace, id, now).await?;
            tx.commit().await?;
            let held = started.elapsed();
            self.last_beat = now;
            if self.checkpointed.elapsed() >= CHECKPOINT_EVERY {
                db.checkpoint().await?;
                self.checkpointed = std::time::Instant::now();
            }
            tracing::debug!(rows = rows.len(), ?held, "import chunk written");
            // A commit costs about as much for a few rows as for a few thousand (it writes the
            // pages they changed): the chunk grows while the write lock is held briefly and
            // shrinks when it is held long.
            if rows.len() >= self.chunk_rows {
                if held < CHUNK_HOLD / 2 {
                    self.chunk_rows = (self.chunk_rows * 2).min(MAX_CHUNK_ROWS);
                } else if held > CHUNK_HOLD {
                    self.chunk_rows = (self.chunk_rows / 2).max(CHUNK_ROWS);
                }
            }
            from = to;
            if from >= self.batch.len() {
                break;
            }
        }
        self.batch.clear();
        Ok(())
    }

    /// Says the import is alive when it has not for a while (a long check writes nothing).
    async fn beat(&mut self, db: &mut Dedicated) -> Result<()> {
        let now = self.app.now();
        let Some(id) = self.run else {
            return Ok(());
        };
        if now - self.last_beat < HEARTBEAT_US {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        imports::heartbeat(&mut tx.conn(), self.ctx.workspace, id, now).await?;
        tx.commit().await?;
        self.last_beat = now;
        Ok(())
    }

    /// Checks again, in the publishing transaction, what other writers may have changed since the
    /// import began: a week approved, a day filled past 24 hours or given the same entry by hand,
    /// a project archived, a rate added (which would have priced the entries differently). Each
    /// is a problem of the first line it concerns; any means the import is not published.
    async fn recheck(&mut self, c: &mut Conn<'_>) -> Result<()> {
        let ws = self.ctx.workspace;
        let approved: HashSet<(Uuid, i32)> = mesure_store::time::approved_since(c, ws, self.now)
            .await?
            .into_iter()
            .collect();
        let archived: Vec<Uuid> = projects::archived_since(c, ws, self.now).await?;
        let rated: HashSet<Uuid> = projects::rated_since(c, ws, self.now)
            .await?
            .into_iter()
            .collect();
        let mut found: Vec<(u64, &'static str, String, String)> = Vec::new();
        let date_text = |d: i32| format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100);
        // The days of each person already in the workspace (new people have nothing to compare).
        let mut by_person: HashMap<Uuid, Vec<(i32, &DayInfo)>> = HashMap::new();
        for ((person, day), info) in &self.days {
            if approved.contains(&(*person, info.week)) {
                let msg = mesure_i18n::t(self.lang, "err-week-locked");
                found.push((info.line, "date", msg, date_text(*day)));
            }
            if self.people.get(person).is_some_and(|p| !p.fresh) {
                by_person.entry(*person).or_default().push((*day, info));
            }
        }
        let mut recheck_days: Vec<(Uuid, i32)> = Vec::new();
        for (person, days) in &by_person {
            let (Some(from), Some(to)) = (
                days.iter().map(|d| d.0).min(),
                days.iter().map(|d| d.0).max(),
            ) else {
                continue;
            };
            let now: HashMap<i32, i64> =
                mesure_store::radar::totals::days_of(c, ws, *person, Some((from, to)))
                    .await?
                    .into_iter()
                    .collect();
            let Some(p) = self.people.get(person) else {
                continue;
            };
            for (day, info) in days {
                let at_start = p.days.get(day).copied().unwrap_or(0) - info.minutes;
                let current = now.get(day).copied().unwrap_or(0);
                if current == at_start {
                    continue;
                }
                // Someone logged or removed time that day meanwhile.
                if current + info.minutes > MAX_DAY_MINUTES {
                    let msg = mesure_i18n::t(self.lang, "err-day-over-24h");
                    found.push((info.line, "date", msg, date_text(*day)));
                }
                recheck_days.push((*person, *day));
            }
        }
        // An entry typed meanwhile on one of those days that one of the file's rows repeats.
        for (person, day) in recheck_days {
            for (d, project, minutes, note) in
                store::facts_between(c, ws, person, day, day + 1).await?
            {
                let Some(line) = self
                    .seen
                    .line(fingerprint(person, d, project, minutes, &note))
                else {
                    continue;
                };
                self.report.duplicates += 1;
                if self.report.duplicate_lines.len() < MAX_LISTED {
                    self.report.duplicate_lines.push(line);
                }
                if !self.opts.allow_duplicates {
                    let msg = mesure_i18n::t(self.lang, "import-error-duplicate-existing");
                    found.push((line, "", msg, String::new()));
                }
            }
        }
        for project in archived {
            if let Some(line) = self.project_lines.get(&project) {
                let name = self
                    .projects
                    .get(&project)
                    .map(|p| p.row.name.clone())
                    .unwrap_or_default();
                let msg = mesure_i18n::t(self.lang, "err-project-archived");
                found.push((*line, "project", msg, name));
            }
        }
        for person in rated {
            if let Some(line) = self.person_lines.get(&person) {
                let msg = mesure_i18n::t(self.lang, "import-error-rates-changed");
                found.push((*line, "person", msg, String::new()));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        self.report.duplicate_lines.sort_unstable();
        for (line, column, msg, value) in found {
            self.problem(line, column, msg, &value);
        }
        Ok(())
    }

    fn problem(&mut self, line: u64, column: &str, message: String, value: &str) {
        self.problems += 1;
        if self.report.errors.len() < MAX_LISTED {
            self.report.errors.push(RowProblem {
                line,
                column: column.to_string(),
                message,
                value: excerpt(value, EXCERPT_CHARS),
            });
        }
    }

    /// The message of a parser's reason, in the reader's language.
    fn reason_message(&self, reason: Reason) -> String {
        use mesure_i18n::Arg;
        match reason {
            Reason::FieldCount { found, expected } => mesure_i18n::t_args(
                self.lang,
                reason.key(),
                &[
                    ("found", Arg::Num(i64::try_from(found).unwrap_or(i64::MAX))),
                    (
                        "expected",
                        Arg::Num(i64::try_from(expected).unwrap_or(i64::MAX)),
                    ),
                ],
            ),
            Reason::DateOutOfWindow => {
                let from = mesure_i18n::date(self.lang, self.window.from);
                let to = mesure_i18n::date(self.lang, self.window.to);
                mesure_i18n::t_args(
                    self.lang,
                    reason.key(),
                    &[("from", Arg::Str(&from)), ("to", Arg::Str(&to))],
                )
            }
            other => mesure_i18n::t(self.lang, other.key()),
        }
    }

    /// Loads the fingerprints of one person's entries of one month (once).
    async fn load_month(&mut self, c: &mut Conn<'_>, person: Uuid, day: i32) -> Result<()> {
        let month = day / 100;
        let Some(p) = self.people.get_mut(&person) else {
            return Ok(());
        };
        if p.fresh || !p.loaded_months.insert(month) {
            return Ok(());
        }
        let rows = store::facts_between(
            c,
            self.ctx.workspace,
            person,
            month * 100,
            month * 100 + 100,
        )
        .await?;
        for (d, project, minutes, note) in rows {
            self.seen
                .existing(fingerprint(person, d, project, minutes, &note));
        }
        Ok(())
    }

    async fn load(&mut self, c: &mut Conn<'_>) -> Result<()> {
        let ws = self.ctx.workspace;
        for u in mesure_store::people::users::list_staff(c, ws).await? {
            self.people_by_key.entry(key(&u.name)).or_insert(u.id);
            if !u.email.is_empty() {
                self.people_by_key.insert(key(&u.email), u.id);
            }
        }
        // Keys are made here from the names, so that names stored before keys were normalised
        // (NFD from a Mac, odd spacing) match too; the oldest wins a tie.
        let rows: Vec<(Uuid, String)> = mesure_store::clients::names_by_age(c, ws).await?;
        for (id, name) in rows {
            self.clients_by_key.entry(key(&name)).or_insert(id);
        }
        let rows: Vec<(Uuid, Uuid, String)> = projects::names_by_age(c, ws).await?;
        for (id, cl, name) in rows {
            self.projects_by_key.entry((cl, key(&name))).or_insert(id);
        }
        Ok(())
    }

    async fn person(&mut self, c: &mut Conn<'_>, row: &Row) -> Result<Option<Uuid>> {
        let found = row
            .person_email
            .as_deref()
            .and_then(|e| self.people_by_key.get(&key(e)))
            .or_else(|| self.people_by_key.get(&key(&row.person)))
            .copied();
        let id = match found {
            Some(id) => id,
            None if self.opts.create_missing => {
                let id = UserId::new().uuid();
                let given = row.person_email.as_deref().map(|e| e.trim().to_lowercase());
                if let Some(e) = &given {
                    // An address of another workspace (or of a client contact) is refused in the
                    // words used for a malformed one: the import must not tell which exist.
                    let usable = !self.unusable_emails.contains(e)
                        && is_email(e)
                        && e.chars().count() <= 254
                        && mesure_store::people::users::find_by_email(c, e)
                            .await?
                            .is_none();
                    if !usable {
                        self.unusable_emails.insert(e.clone());
                        let msg = mesure_i18n::t(self.lang, "import-error-email-unusable");
                        let column = self.email_column.clone();
                        self.problem(row.line, &column, msg, e);
                        return Ok(None);
                    }
                }
                let name = nfc(row.person.trim()).chars().take(200).collect::<String>();
                // No address in the file: the person has none (not a made-up one); they get
                // one, and a password, before they can sign in.
                let email = given.unwrap_or_default();
                let u = UserRow {
                    workspace_id: self.ctx.workspace.uuid(),
                    id,
                    email,
                    name: name.clone(),
                    kind: mesure_domain::UserKind::Staff,
                    role: "staff".into(),
                    client_id: None,
                    contact_id: None,
                    // No password: an imported person cannot sign in until an owner sets one.
                    password_hash: None,
                    language: None,
                    active: true,
                    created_at: self.now,
                    updated_at: self.now,
                };
                // Written with the next entries, hidden until the import is published.
                self.pending_users.push(u.clone());
                self.report.new_people.push(name);
                self.people_by_key.insert(key(&row.person), id);
                if !u.email.is_empty() {
                    self.people_by_key.insert(key(&u.email), id);
                }
                // A new person has no rates, locked weeks or logged days yet.
                self.people.insert(
                    id,
                    Person {
                        id,
                        rates: Vec::new(),
                        costs: Vec::new(),
                        locked_weeks: HashSet::new(),
                        days: HashMap::new(),
                        fresh: true,
                        loaded_months: HashSet::new(),
                    },
                );
                id
            }
            None => {
                let msg = mesure_i18n::t_args(
                    self.lang,
                    "import-error-unknown-person",
                    &[(
                        "name",
                        mesure_i18n::Arg::Str(&excerpt(&row.person, EXCERPT_CHARS)),
                    )],
                );
                self.problem(row.line, "person", msg, &row.person);
                return Ok(None);
            }
        };
        if !self.people.contains_key(&id) {
            let ws = self.ctx.workspace;
            let rates = projects::rates_of(c, ws, id).await?;
            let costs = costs::costs_of(c, ws, id).await?;
            let weeks: Vec<i32> = mesure_store::time::approved_weeks(c, ws, id).await?;
            let days: Vec<(i32, i64)> =
                mesure_store::radar::totals::days_of(c, ws, id, None).await?;
            self.people.insert(
                id,
                Person {
                    id,
                    rates,
                    costs,
                    locked_weeks: weeks.into_iter().collect(),
                    days: days.into_iter().collect(),
                    fresh: false,
                    loaded_months: HashSet::new(),
                },
            );
        }
        Ok(Some(id))
    }

    async fn client(&mut self, row: &Row) -> Result<Option<Uuid>> {
        if let Some(id) = self.clients_by_key.get(&key(&row.client)) {
            return Ok(Some(*id));
        }
        if !self.opts.create_missing {
            let msg = mesure_i18n::t_args(
                self.lang,
                "import-error-unknown-client",
                &[(
                    "name",
                    mesure_i18n::Arg::Str(&excerpt(&row.client, EXCERPT_CHARS)),
                )],
            );
            self.problem(row.line, "client", msg, &row.client);
            return Ok(None);
        }
        let name: String = nfc(row.client.trim()).chars().take(200).collect();
        let cl = ClientRow {
            workspace_id: self.ctx.workspace.uuid(),
            id: ClientId::new().uuid(),
            name_key: key(&name),
            search_key: search_key(&[Some(&name)]),
            name: name.clone(),
            legal_name: None,
            siren: None,
            vat_number: None,
            billing_address: None,
            currency: self.ctx.workspace_currency,
            language: self.ctx.workspace_language,
            time_zone: self.ctx.time_zone.clone(),
            segment: None,
            notes: None,
            archived_at: None,
            created_at: self.now,
            updated_at: self.now,
            version: 1,
        };
        self.new_clients.insert(cl.id);
        self.pending_clients.push(cl.clone());
        self.report.new_clients.push(name);
        self.clients_by_key.insert(cl.name_key.clone(), cl.id);
        Ok(Some(cl.id))
    }

    async fn project(&mut self, c: &mut Conn<'_>, row: &Row, client: Uuid) -> Result<Option<Uuid>> {
        let pk = (client, key(&row.project));
        let id = match self.projects_by_key.get(&pk) {
            Some(id) => *id,
            None if self.opts.create_missing => {
                let name: String = nfc(row.project.trim()).chars().take(200).collect();
                let p = ProjectRow {
                    workspace_id: self.ctx.workspace.uuid(),
                    id: ProjectId::new().uuid(),
                    client_id: client,
                    name_key: key(&name),
                    name: name.clone(),
                    manager_id: None,
                    starts_on: None,
                    ends_on: None,
                    currency: self.ctx.workspace_currency,
                    billing_model: BillingModel::TimeMaterials,
                    hourly_rate_minor: 0,
                    cap_minor: None,
                    fixed_price_minor: None,
                    fixed_revenue: FixedRevenue::Milestones,
                    retainer_fee_minor: None,
                    retainer_included_minutes: None,
                    rollover: RolloverKind::None,
                    rollover_months: 0,
                    budget_minutes: None,
                    budget_minor: None,
                    budget_monthly: false,
                    rounding: None,
                    alert_thresholds: "80,100".into(),
                    archived_at: None,
                    created_at: self.now,
                    updated_at: self.now,
                    version: 1,
                };
                self.pending_projects.push(p.clone());
                // A new project rounds as its client does and has no deliverables yet.
                let rounding = if self.new_clients.contains(&client) {
                    Rounding::None
                } else {
                    mesure_store::clients::rounding(c, self.ctx.workspace, client).await?
                };
                self.projects.insert(
                    p.id,
                    Proj {
                        row: p.clone(),
                        rounding,
                        deliverables: HashMap::new(),
                    },
                );
                let client_name = nfc(row.client.trim()).chars().take(200).collect::<String>();
                self.report
                    .new_projects
                    .push(format!("{client_name} / {name}"));
                self.projects_by_key.insert(pk, p.id);
                p.id
            }
            None => {
                let msg = mesure_i18n::t_args(
                    self.lang,
                    "import-error-unknown-project",
                    &[(
                        "name",
                        mesure_i18n::Arg::Str(&excerpt(&row.project, EXCERPT_CHARS)),
                    )],
                );
                self.problem(row.line, "project", msg, &row.project);
                return Ok(None);
            }
        };
        if !self.projects.contains_key(&id) {
            let ws = self.ctx.workspace;
            let p = projects::get(c, ws, ProjectId::from_uuid(id)).await?;
            let rounding = match p.rounding {
                Some(r) => r,
                None => mesure_store::clients::rounding(c, ws, p.client_id).await?,
            };
            let deliverables = projects::deliverables(c, ws, id)
                .await?
                .into_iter()
                .map(|d| (key(&d.name), d.id))
                .collect();
            self.projects.insert(
                id,
                Proj {
                    row: p,
                    rounding,
                    deliverables,
                },
            );
        }
        Ok(Some(id))
    }

    async fn row(&mut self, c: &mut Conn<'_>, row: Row) -> Result<()> {
        let person = self.person(c, &row).await?;
        let client = self.client(&row).await?;
        let project = match client {
            Some(cl) => self.project(c, &row, cl).await?,
            None => None,
        };
        let (Some(person), Some(project)) = (person, project) else {
            return Ok(());
        };
        let day = day_key(row.date);
        let minutes = row.minutes.get();
        let Some(proj) = self.projects.get(&project) else {
            return Ok(());
        };
        if proj.row.archived_at.is_some() {
            let msg = mesure_i18n::t(self.lang, "err-project-archived");
            self.problem(row.line, "project", msg, &row.project);
            return Ok(());
        }
        let date_text = row.date.to_string();
        let locked = self
            .people
            .get(&person)
            .is_none_or(|p| p.locked_weeks.contains(&day_key(week_start(row.date))));
        if locked {
            let msg = mesure_i18n::t(self.lang, "err-week-locked");
            self.problem(row.line, "date", msg, &date_text);
            return Ok(());
        }
        // The entry as it would be stored: a task that is no deliverable goes into the note.
        let deliverable = row
            .task
            .as_deref()
            .and_then(|t| proj.deliverables.get(&key(t)).copied());
        let note = match (&row.task, deliverable) {
            (Some(t), None) if !t.trim().is_empty() => {
                if row.note.is_empty() {
                    format!("[{}]", t.trim())
                } else {
                    format!("[{}] {}", t.trim(), row.note)
                }
            }
            _ => row.note.clone(),
        };
        let note: String = nfc(&note).chars().take(2000).collect();
        let (client_id, rounding) = (proj.row.client_id, proj.rounding);
        // Duplicates: an entry of the workspace, or an earlier row of this file.
        self.load_month(c, person, day).await?;
        let fp = fingerprint(person, day, project, minutes, &note);
        let earlier = self.seen.first(fp, row.line);
        if let Some(earlier) = earlier {
            self.report.duplicates += 1;
            if self.report.duplicate_lines.len() < MAX_LISTED {
                self.report.duplicate_lines.push(row.line);
            }
            if !self.opts.allow_duplicates {
                let msg = if earlier == 0 {
                    mesure_i18n::t(self.lang, "import-error-duplicate-existing")
                } else {
                    mesure_i18n::t_args(
                        self.lang,
                        "import-error-duplicate-in-file",
                        &[(
                            "line",
                            mesure_i18n::Arg::Num(i64::try_from(earlier).unwrap_or(0)),
                        )],
                    )
                };
                self.problem(row.line, "", msg, "");
                return Ok(());
            }
        }
        let Some(proj) = self.projects.get(&project) else {
            return Ok(());
        };
        let Some(p) = self.people.get_mut(&person) else {
            return Ok(());
        };
        let total = p.days.entry(day).or_insert(0);
        if *total + minutes > MAX_DAY_MINUTES {
            let msg = mesure_i18n::t(self.lang, "err-day-over-24h");
            self.problem(row.line, "date", msg, &date_text);
            return Ok(());
        }
        *total += minutes;
        let rate = crate::time::rate_at(&p.rates, &proj.row, day);
        let cost = crate::time::cost_at(&p.costs, day);
        let pid = p.id;
        if self.problems > 0 {
            // The file will be rolled back: keep checking, stop building entries.
            return Ok(());
        }
        let billed = rounding.apply(row.minutes).get();
        let e = EntryRow {
            workspace_id: self.ctx.workspace.uuid(),
            id: EntryId::new().uuid(),
            user_id: pid,
            project_id: project,
            client_id,
            deliverable_id: deliverable,
            change_request_id: None,
            work_date: day,
            minutes,
            billed_minutes: billed,
            note,
            billable: row.billable,
            scope: Scope::InScope,
            free_reason: None,
            free_note: None,
            free_approved_by: None,
            write_off_reason: None,
            write_off_note: None,
            write_off_by: None,
            rate_minor: rate,
            cost_minor: cost,
            locked: false,
            invoiced_at: None,
            source: EntrySource::Import,
            created_at: self.now,
            updated_at: self.now,
            version: 1,
        };
        let f = contribution(&EntryFacts {
            minutes,
            billable: e.billable,
            scope: Scope::InScope,
            has_deliverable: deliverable.is_some(),
            has_change_request: false,
            written_off: false,
            billed_minutes: billed,
            rate_minor: rate,
            cost_minor: cost,
        });
        let month = month_of(day);
        let slot = self
            .project_months
            .entry((project, month))
            .or_insert((client_id, Figures::default()));
        if slot.1.add(&f, 1).is_err() {
            return Err(ServiceError::Internal(
                "an import total overflowed 64 bits".into(),
            ));
        }
        let pm = self.person_months.entry((pid, month)).or_insert((0, 0));
        pm.0 += f.minutes;
        pm.1 += f.billable_minutes;
        self.days
            .entry((pid, day))
            .or_insert(DayInfo {
                minutes: 0,
                line: row.line,
                week: day_key(week_start(row.date)),
            })
            .minutes += minutes;
        self.project_lines.entry(project).or_insert(row.line);
        self.person_lines.entry(pid).or_insert(row.line);
        if let Some(d) = deliverable {
            *self.deliverable_minutes.entry(d).or_default() += minutes;
        }
        self.report.rows += 1;
        self.report.minutes += minutes;
        self.batch.push(e);
        Ok(())
    }
}

/// The line numbers of a list, `…` when it is cut.
fn lines_text(lines: &[u64], total: u64) -> String {
    let mut text = lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if total > lines.len() as u64 {
        text.push_str(", …");
    }
    text
}

/// "3 rows already exist (…): 2, 5, 9." or, when allowed, "3 duplicate rows, imported anyway".
pub fn duplicates_message(lang: Language, r: &Report) -> String {
    use mesure_i18n::Arg;
    let key = if r.allow_duplicates {
        "import-duplicates-allowed"
    } else {
        "import-duplicates"
    };
    mesure_i18n::t_args(
        lang,
        key,
        &[
            ("count", Arg::Num(i64::try_from(r.duplicates).unwrap_or(0))),
            (
                "lines",
                Arg::Str(&lines_text(&r.duplicate_lines, r.duplicates)),
            ),
        ],
    )
}

/// "Only the first 200 of 5,000 problems are listed."
pub fn truncated_message(lang: Language, r: &Report) -> String {
    use mesure_i18n::Arg;
    mesure_i18n::t_args(
        lang,
        "import-errors-truncated",
        &[
            (
                "listed",
                Arg::Num(i64::try_from(r.errors.len()).unwrap_or(0)),
            ),
            ("count", Arg::Num(i64::try_from(r.error_count).unwrap_or(0))),
        ],
    )
}

fn file_problem(lang: Language, e: &FileError) -> RowProblem {
    use mesure_i18n::Arg;
    let (line, message) = match e {
        FileError::Empty => (1, mesure_i18n::t(lang, e.key())),
        FileError::UnknownFormat { headers } => (
            1,
            mesure_i18n::t_args(lang, e.key(), &[("headers", Arg::Str(&headers.join(", ")))]),
        ),
        FileError::MissingColumns { format, columns } => (
            1,
            mesure_i18n::t_args(
                lang,
                e.key(),
                &[
                    ("format", Arg::Str(format.as_str())),
                    ("columns", Arg::Str(&columns.join(", "))),
                ],
            ),
        ),
        FileError::RecordTooLong { line } => (
            *line,
            mesure_i18n::t_args(
                lang,
                e.key(),
                &[("line", Arg::Num(i64::try_from(*line).unwrap_or(0)))],
            ),
        ),
        FileError::Csv { line, message } => (
            *line,
            mesure_i18n::t_args(
                lang,
                e.key(),
                &[
                    ("line", Arg::Num(i64::try_from(*line).unwrap_or(0))),
                    ("message", Arg::Str(message)),
                ],
            ),
        ),
    };
    RowProblem {
        line,
        column: String::new(),
        message,
        value: String::new(),
    }
}

/// Imports a file read from `input` (a file on disk, or bytes). A file that cannot be read, or
/// any bad row, leaves everything unchanged and answers the report with every problem; so does a
/// dry run (with what would have been done). Other requests keep being served meanwhile: the
/// import writes in short transactions and its rows stay hidden until it is published.
pub async fn import<R: std::io::Read + Send>(
    app: &App,
    ctx: &Ctx,
    input: R,
    opts: &Options,
) -> Result<Report> {
    ctx.require(TimeAction::Manage)?;
    let lang = ctx.language;
    let today = crate::time::today_date(app, ctx);
    let window = DateWindow::on(today);
    let mut reader = match Reader::new(input, opts.format) {
        Ok(r) => r.with_date_window(window),
        Err(e) => {
            return Ok(Report {
                errors: vec![file_problem(lang, &e)],
                error_count: 1,
                dry_run: opts.dry_run,
                ..Report::default()
            });
        }
    };
    // A connection of its own: on SQLite it leaves the pool and is closed at the end, with the
    // page cache set below.
    let mut db = app.db.dedicated().await?;
    if matches!(app.db.backend(), mesure_store::Backend::Sqlite) {
        // A large file touches many pages: a bigger page cache keeps SQLite from re-reading them.
        // The cache is heap that the C allocator does not give back to the system after the
        // import, and it counts in the import's peak (kept under 300 MB at 2 million rows), so
        // it stays small (MESURE_IMPORT_CACHE_MIB, 24: at 400,000 rows 16 MiB was 40 MB lighter
        // than 48 MiB and within the noise in speed). No memory map: its pages count in the
        // process's resident memory, up to the whole database file.
        let mib: i64 = std::env::var("MESURE_IMPORT_CACHE_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|v| (2..=4096).contains(v))
            .unwrap_or(24);
        // The log is copied into the database after each chunk, once the write lock is let go
        // (`Dedicated::checkpoint`), rather than by the commit while it is held.
        db.tune_sqlite_for_bulk(mib).await?;
    }
    let now = app.now();
    let format = reader.format().as_str().to_string();
    // A real import is recorded as running before it writes anything: its rows are hidden from
    // then on, and it is discarded if anything below fails (or its task is dropped).
    let mut guard = Discard {
        app: app.clone(),
        ws: ctx.workspace,
        id: None,
    };
    if !opts.dry_run {
        guard.id = Some(begin_run(app, ctx, &mut db, &format, &opts.file_name, now).await?);
    }
    let mut st = State {
        app,
        ctx,
        opts,
        run: guard.id,
        lang,
        people_by_key: HashMap::new(),
        people: HashMap::new(),
        clients_by_key: HashMap::new(),
        projects_by_key: HashMap::new(),
        projects: HashMap::new(),
        report: Report {
            format,
            dry_run: opts.dry_run,
            allow_duplicates: opts.allow_duplicates,
            ..Report::default()
        },
        problems: 0,
        batch: Vec::new(),
        chunk_rows: CHUNK_ROWS,
        checkpointed: std::time::Instant::now(),
        project_months: HashMap::new(),
        new_clients: HashSet::new(),
        deliverable_minutes: HashMap::new(),
        pending_users: Vec::new(),
        pending_clients: Vec::new(),
        pending_projects: Vec::new(),
        person_months: HashMap::new(),
        days: HashMap::new(),
        project_lines: HashMap::new(),
        person_lines: HashMap::new(),
        last_beat: now,
        seen: Seen::default(),
        unusable_emails: HashSet::new(),
        email_column: reader.email_column().to_owned(),
        window,
        now,
    };
    let outcome = run(&mut st, &mut reader, &mut db).await;
    let report = match outcome {
        Ok(true) => {
            guard.id = None;
            let mut report = st.report;
            report.imported = true;
            report
        }
        Ok(false) => {
            // Problems (or a dry run): whatever was written goes, before answering.
            if let Some(id) = guard.id.take() {
                discard(app, ctx.workspace, id).await?;
            }
            let mut report = st.report;
            report.error_count = st.problems;
            report.errors_truncated = st.problems > report.errors.len() as u64;
            if st.problems > 0 {
                report.rows = 0;
                report.minutes = 0;
            }
            report
        }
        Err(e) => {
            if let Some(id) = guard.id.take()
                && let Err(d) = discard(app, ctx.workspace, id).await
            {
                tracing::warn!(error = %d, "a failed import is left for the worker to clean");
            }
            db.close().await;
            return Err(e);
        }
    };
    if report.imported && matches!(app.db.backend(), mesure_store::Backend::Sqlite) {
        // Fresh statistics after a large change, so the planner picks the right indexes; a
        // bounded analysis keeps the write lock for milliseconds.
        let optimized = async {
            let mut tx = db.begin().await?;
            mesure_store::optimize_sqlite(&mut tx.conn()).await?;
            tx.commit().await
        };
        if let Err(e) = optimized.await {
            tracing::warn!(error = %e, "statistics not refreshed after an import");
        }
    }
    db.close().await;
    Ok(report)
}

/// Reads, checks and writes every row, then publishes: `Ok(true)` when the import was published,
/// `Ok(false)` when it found problems or was a dry run (the caller discards what was written).
async fn run<R: std::io::Read + Send>(
    st: &mut State<'_>,
    reader: &mut Reader<R>,
    db: &mut Dedicated,
) -> Result<bool> {
    let (opts, lang) = (st.opts, st.lang);
    st.load(&mut db.conn()).await?;
    let t0 = std::time::Instant::now();
    let mut read = 0u64;
    while let Some(item) = reader.next_item() {
        read += 1;
        if read.is_multiple_of(PROGRESS_EVERY) {
            opts.progress.tell(Phase::Checking, read);
        }
        match item {
            Ok(Item::Row(row)) => st.row(&mut db.conn(), row).await?,
            Ok(Item::SkippedZero { .. }) => st.report.skipped_zero += 1,
            Ok(Item::Errors(errs)) => {
                for e in errs {
                    let msg = st.reason_message(e.reason);
                    st.problem(e.line, &e.column, msg, &e.value);
                }
            }
            Err(e) => {
                let p = file_problem(lang, &e);
                st.problem(p.line, &p.column, p.message, "");
                break;
            }
        }
        if st.batch.len() >= WINDOW_ROWS && st.problems == 0 {
            st.flush(db).await?;
        } else {
            st.beat(db).await?;
        }
    }
    opts.progress.tell(Phase::Checking, read);
    if st.problems > 0 || opts.dry_run {
        opts.progress.tell(Phase::Done, read);
        return Ok(false);
    }
    opts.progress.tell(Phase::Writing, st.report.rows);
    tracing::debug!(phase = "rows", elapsed = ?t0.elapsed(), "import");
    st.flush(db).await?;
    st.batch = Vec::new();
    let Some(id) = st.run else {
        return Ok(false);
    };
    // The one transaction that makes the import visible: checks what others changed meanwhile,
    // adds the aggregates, flips the state. It writes rows that entry writes and approvals lock
    // too, so PostgreSQL may abort it for a deadlock: it then runs again, as `write_tx!` does
    // (it reads everything it checks inside the transaction and leaves `st` as it found it).
    let t1 = std::time::Instant::now();
    let mut attempt = 0u32;
    let published = loop {
        let mut tx = db.begin().await?;
        let outcome = match publish_in(&mut tx.conn(), st, id).await {
            Ok(true) => tx.commit().await.map(|()| true).map_err(ServiceError::from),
            other => other,
        };
        match outcome {
            Err(e) if e.is_retry() && attempt + 1 < crate::WRITE_ATTEMPTS => {
                attempt += 1;
                App::backoff(attempt, &e).await;
            }
            other => break other?,
        }
    };
    if !published {
        opts.progress.tell(Phase::Done, read);
        return Ok(false);
    }
    tracing::info!(
        rows = st.report.rows,
        elapsed = ?t0.elapsed(),
        publish = ?t1.elapsed(),
        "import published"
    );
    opts.progress.tell(Phase::Done, read);
    Ok(true)
}

/// The publishing transaction's work (see [`run`]): the checks against what others changed, the
/// state flip, the aggregates, the radar and the audit entry. `Ok(false)` when the checks found
/// problems (nothing to commit). Leaves `st` unchanged but for its problems, so it can run again.
async fn publish_in(c: &mut Conn<'_>, st: &mut State<'_>, id: Uuid) -> Result<bool> {
    let (app, ctx, opts) = (st.app, st.ctx, st.opts);
    let t1 = std::time::Instant::now();
    st.recheck(c).await?;
    if st.problems > 0 {
        return Ok(false);
    }
    let ws = ctx.workspace;
    // Visible from here on inside this transaction (to the radar's recomputation, which reads the
    // projects it creates), to everyone else at the commit.
    let rows = i64::try_from(st.report.rows).unwrap_or(0);
    let skipped = i64::try_from(st.report.skipped_zero).unwrap_or(0);
    imports::publish(c, ws, id, rows, skipped, app.now())
        .await
        .map_err(|e| match e {
            mesure_store::StoreError::Conflict(_) => ServiceError::Internal(
                "the import was taken for abandoned before it could be published".into(),
            ),
            other => other.into(),
        })?;
    // The months in steps, so the statements' rows stay a few megabytes.
    let touched: Vec<Uuid> = st
        .project_months
        .keys()
        .map(|k| k.0)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut deltas: Vec<totals::MonthDelta> = Vec::with_capacity(PUBLISH_STEP);
    for (&(project, month), &(client, f)) in &st.project_months {
        deltas.push((project, client, month, f, 0, 0));
        if deltas.len() == PUBLISH_STEP {
            totals::add_many(c, ws, &deltas).await?;
            deltas.clear();
        }
    }
    totals::add_many(c, ws, &deltas).await?;
    drop(deltas);
    tracing::debug!(phase = "months", elapsed = ?t1.elapsed(), "import publish");
    let people: Vec<(Uuid, i32, i64, i64)> = st
        .person_months
        .iter()
        .map(|((u, m), (a, b))| (*u, *m, *a, *b))
        .collect();
    totals::add_person_many(c, ws, &people).await?;
    let days: Vec<(Uuid, i32, i64)> = st
        .days
        .iter()
        .map(|((u, d), info)| (*u, *d, info.minutes))
        .collect();
    totals::add_days_many(c, ws, &days).await?;
    for (d, minutes) in &st.deliverable_minutes {
        projects::add_deliverable_minutes(c, ws, *d, *minutes).await?;
    }
    tracing::debug!(phase = "days", elapsed = ?t1.elapsed(), "import publish");
    crate::radar::recompute_set(c, app, ctx, &touched).await?;
    tracing::debug!(phase = "recompute", elapsed = ?t1.elapsed(), "import publish");
    record::<(), _>(c, ws, &ctx.actor(), st.now, "import", id, "create", None, Some(&serde_json::json!({
        "format": st.report.format, "file_name": file_label(&opts.file_name), "rows": st.report.rows, "skipped_zero": st.report.skipped_zero,
        "new_people": st.report.new_people, "new_clients": st.report.new_clients, "new_projects": st.report.new_projects,
    }))).await?;
    Ok(true)
}

/// Records a running import for the workspace (one at a time; one whose process died is failed
/// and cleaned in the background). Its id.
async fn begin_run(
    app: &App,
    ctx: &Ctx,
    db: &mut Dedicated,
    format: &str,
    file_name: &str,
    now: i64,
) -> Result<Uuid> {
    let ws = ctx.workspace;
    let id = ImportId::new().uuid();
    let mut tx = db.begin().await?;
    let c = &mut tx.conn();
    let mut stale = None;
    if let Some((other, beat)) = imports::running(c, ws).await? {
        if beat >= now - STALE_US {
            return Err(ServiceError::Conflict("err-import-running"));
        }
        imports::fail(c, ws, other).await?;
        stale = Some(other);
    }
    let row = ImportRow {
        workspace_id: ws.uuid(),
        id,
        format: format.to_string(),
        file_name: file_label(file_name),
        rows_imported: 0,
        rows_skipped: 0,
        created_by: ctx.user.uuid(),
        created_at: now,
        state: imports::RUNNING.into(),
        heartbeat_at: now,
    };
    imports::start(c, &row).await?;
    tx.commit().await?;
    if let Some(other) = stale {
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = discard(&app, ws, other).await {
                tracing::warn!(error = %e, "an abandoned import is left for the worker to clean");
            }
        });
    }
    Ok(id)
}

/// Discards an unpublished import: marks it failed (its rows stay hidden), deletes its entries in
/// short transactions, then what it created and its `imports` row.
pub async fn discard(app: &App, ws: WorkspaceId, id: Uuid) -> Result<()> {
    crate::write_tx!(app, tx => {
        imports::fail(&mut tx.conn(), ws, id).await?;
    })?;
    loop {
        let n = crate::write_tx!(app, tx => {
            imports::delete_rows(&mut tx.conn(), ws, id, DELETE_ROWS).await?
        })?;
        if n == 0 {
            break;
        }
    }
    crate::write_tx!(app, tx => {
        imports::forget(&mut tx.conn(), ws, id).await?;
    })
}

/// Where uploaded files wait while they are imported: `uploads/` in the data directory.
pub fn upload_dir(app: &App) -> std::path::PathBuf {
    app.data_dir.join("uploads")
}

/// Removes uploads left by a process that stopped (a day old: no upload or import lasts that
/// long).
fn remove_old_uploads(app: &App) {
    let Ok(entries) = std::fs::read_dir(upload_dir(app)) else {
        return;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if old && e.file_name().to_string_lossy().starts_with("import-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Cleans the imports of every workspace that failed, or whose process stopped while they ran
/// (no heartbeat for [`STALE_US`]), and day-old uploads; the worker calls it every minute.
/// Answers how many imports it discarded.
pub async fn sweep(app: &App) -> Result<usize> {
    remove_old_uploads(app);
    let found = {
        let mut c = app.db.read().await?;
        imports::abandoned(&mut c.conn(), app.now() - STALE_US).await?
    };
    for (ws, id, state) in &found {
        tracing::info!(import = %id, %state, "discarding an abandoned import");
        discard(app, WorkspaceId::from_uuid(*ws), *id).await?;
    }
    Ok(found.len())
}

/// Discards a running import when dropped armed: an import whose task ends without publishing
/// or discarding (a panic, a dropped future) is discarded in the background.
struct Discard {
    app: App,
    ws: WorkspaceId,
    id: Option<Uuid>,
}

impl Drop for Discard {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else {
            return;
        };
        let (app, ws) = (self.app.clone(), self.ws);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = discard(&app, ws, id).await {
                    tracing::warn!(error = %e, "an interrupted import is left for the worker to clean");
                }
            });
        }
    }
}

/// The uploaded file's name as kept: at most 200 characters, no control characters (a browser
/// sends what the file system allows).
fn file_label(name: &str) -> String {
    name.chars()
        .filter(|c| !mesure_domain::text::is_forbidden_control(*c))
        .take(200)
        .collect()
}
