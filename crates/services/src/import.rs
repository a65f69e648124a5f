//! Time import from Harvest, Toggl Track, Kimai and the generic CSV: every row is checked (cells,
//! names, archived projects, locked weeks, 24-hour days) in one streaming pass inside one
//! transaction; any bad row rolls the whole file back and every bad row is reported. A dry run
//! always rolls back. Aggregates are summed in memory and written once at the end.
//!
//! Rows already in the workspace (same person, day, project, minutes and note), or repeated
//! within the file, are duplicates: reported (count and lines), and refused like any bad row
//! unless the caller asks to import them anyway. The check holds one 128-bit fingerprint per
//! entry of the months the file touches, loaded with one indexed query per person and month.
//! Names (people, clients, projects) match after Unicode NFC and case folding.
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::clients::search_key;
use mesure_domain::engagement::{
    EntryFacts, Figures, Scope, contribution, day_key, month_of, week_start,
};
use mesure_domain::import::{EXCERPT_CHARS, FileError, Format, Item, Reader, Reason, Row};
use mesure_domain::text::{excerpt, name_key, nfc};
use mesure_domain::time::{DateWindow, MAX_DAY_MINUTES, Rounding};
use mesure_domain::validate::is_email;
use mesure_domain::{Action, ClientId, EntryId, ImportId, Language, ProjectId, UserId};
use mesure_store::clients::ClientRow;
use mesure_store::projects::{self, CostRow, ProjectRow, RateRow};
use mesure_store::time::{self as store, EntryRow};
use mesure_store::users::UserRow;
use mesure_store::{Bind, Conn, Tx, exec, fetch, totals};
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

/// A 128-bit fingerprint of an entry's person, day, project, minutes and note.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint(u64, u64);

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

/// The fingerprint is already a hash: the map uses its first half as is.
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
    Fingerprint(half(1), half(2))
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

struct State<'a> {
    ctx: &'a Ctx,
    opts: &'a Options,
    lang: Language,
    people_by_key: HashMap<String, Uuid>,
    people: HashMap<Uuid, Person>,
    clients_by_key: HashMap<String, Uuid>,
    projects_by_key: HashMap<(Uuid, String), Uuid>,
    projects: HashMap<Uuid, Proj>,
    report: Report,
    problems: u64,
    batch: Vec<EntryRow>,
    project_months: HashMap<(Uuid, i32), (Uuid, Figures)>,
    new_clients: HashSet<Uuid>,
    /// Minutes written per deliverable (their running totals are raised once at the end).
    deliverable_minutes: HashMap<Uuid, i64>,
    /// Clients and projects made by this file, written before the entries that need them.
    pending_clients: Vec<ClientRow>,
    pending_projects: Vec<ProjectRow>,
    person_months: HashMap<(Uuid, i32), (i64, i64)>,
    day_deltas: HashMap<(Uuid, i32), i64>,
    /// Entries seen: 0 for one already in the workspace, else the file line that made it.
    seen: HashMap<Fingerprint, u64, BuildHasherDefault<PassThrough>>,
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
    /// Writes the new clients, then the new projects, then the entries buffered so far.
    async fn flush(&mut self, c: &mut Conn<'_>) -> Result<()> {
        mesure_store::clients::insert_many(c, &self.pending_clients).await?;
        self.pending_clients.clear();
        projects::insert_many(c, &self.pending_projects).await?;
        self.pending_projects.clear();
        store::insert_many(c, &self.batch).await?;
        for e in &self.batch {
            if let Some(d) = e.deliverable_id {
                *self.deliverable_minutes.entry(d).or_default() += e.minutes;
            }
        }
        self.batch.clear();
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
                .entry(fingerprint(person, d, project, minutes, &note))
                .or_insert(0);
        }
        Ok(())
    }

    async fn load(&mut self, c: &mut Conn<'_>) -> Result<()> {
        let ws = self.ctx.workspace;
        for u in mesure_store::users::list_staff(c, ws).await? {
            self.people_by_key.entry(key(&u.name)).or_insert(u.id);
            self.people_by_key.insert(key(&u.email), u.id);
        }
        // Keys are made here from the names, so that names stored before keys were normalised
        // (NFD from a Mac, odd spacing) match too; the oldest wins a tie.
        let rows: Vec<(Uuid, String)> = fetch(
            c,
            "SELECT id, name FROM clients WHERE workspace_id = $1 ORDER BY created_at, id",
            &[Bind::Uuid(ws.uuid())],
        )
        .await?;
        for (id, name) in rows {
            self.clients_by_key.entry(key(&name)).or_insert(id);
        }
        let rows: Vec<(Uuid, Uuid, String)> = fetch(
            c,
            "SELECT id, client_id, name FROM projects WHERE workspace_id = $1 ORDER BY created_at, id",
            &[Bind::Uuid(ws.uuid())],
        )
        .await?;
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
                        && mesure_store::users::find_by_email(c, e).await?.is_none();
                    if !usable {
                        self.unusable_emails.insert(e.clone());
                        let msg = mesure_i18n::t(self.lang, "import-error-email-unusable");
                        let column = self.email_column.clone();
                        self.problem(row.line, &column, msg, e);
                        return Ok(None);
                    }
                }
                let name = nfc(row.person.trim()).chars().take(200).collect::<String>();
                let email = given.unwrap_or_else(|| {
                    let local: String = mesure_domain::text::ascii_local(&name)
                        .chars()
                        .take(40)
                        .collect();
                    let local = if local.trim_matches('.').is_empty() {
                        "person".to_string()
                    } else {
                        local.trim_matches('.').to_string()
                    };
                    format!(
                        "{local}.{}@import.invalid",
                        id.simple()
                            .to_string()
                            .chars()
                            .rev()
                            .take(10)
                            .collect::<String>()
                    )
                });
                let u = UserRow {
                    workspace_id: self.ctx.workspace.uuid(),
                    id,
                    email,
                    name: name.clone(),
                    kind: "staff".into(),
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
                mesure_store::users::insert(c, &u)
                    .await
                    .map_err(|e| match e {
                        mesure_store::StoreError::Conflict(_) => {
                            ServiceError::Conflict("err-conflict-email")
                        }
                        other => other.into(),
                    })?;
                self.report.new_people.push(name);
                self.people_by_key.insert(key(&row.person), id);
                self.people_by_key.insert(key(&u.email), id);
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
            let costs = projects::costs_of(c, ws, id).await?;
            let weeks: Vec<(i32,)> = fetch(c, "SELECT week_start FROM timesheet_approvals WHERE workspace_id = $1 AND user_id = $2", &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)]).await?;
            let days: Vec<(i32, i64)> = fetch(
                c,
                "SELECT day, minutes FROM person_days WHERE workspace_id = $1 AND user_id = $2",
                &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)],
            )
            .await?;
            self.people.insert(
                id,
                Person {
                    id,
                    rates,
                    costs,
                    locked_weeks: weeks.into_iter().map(|w| w.0).collect(),
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
            currency: self.ctx.workspace_currency.code().into(),
            language: self.ctx.workspace_language.as_str().into(),
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
                    currency: self.ctx.workspace_currency.code().into(),
                    billing_model: "time_materials".into(),
                    hourly_rate_minor: 0,
                    cap_minor: None,
                    fixed_price_minor: None,
                    fixed_revenue: "milestones".into(),
                    retainer_fee_minor: None,
                    retainer_included_minutes: None,
                    rollover: "none".into(),
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
                    let r: (String,) = mesure_store::fetch_one(
                        c,
                        "SELECT rounding FROM clients WHERE workspace_id = $1 AND id = $2",
                        &[Bind::Uuid(self.ctx.workspace.uuid()), Bind::Uuid(client)],
                    )
                    .await?;
                    Rounding::parse(&r.0).unwrap_or_default()
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
            let rounding = match p.rounding.as_deref().and_then(Rounding::parse) {
                Some(r) => r,
                None => {
                    let r: (String,) = mesure_store::fetch_one(
                        c,
                        "SELECT rounding FROM clients WHERE workspace_id = $1 AND id = $2",
                        &[Bind::Uuid(ws.uuid()), Bind::Uuid(p.client_id)],
                    )
                    .await?;
                    Rounding::parse(&r.0).unwrap_or_default()
                }
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
        let earlier = match self.seen.entry(fp) {
            Entry::Occupied(o) => Some(*o.get()),
            Entry::Vacant(v) => {
                v.insert(row.line);
                None
            }
        };
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
            scope: "in_scope".into(),
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
            source: "import".into(),
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
        *self.day_deltas.entry((pid, day)).or_insert(0) += minutes;
        self.report.rows += 1;
        self.report.minutes += minutes;
        self.batch.push(e);
        if self.batch.len() >= 1000 {
            self.flush(c).await?;
        }
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

/// Imports a file. A file that cannot be read, or any bad row, leaves everything unchanged and
/// answers the report with every problem; so does a dry run (with what would have been done).
pub async fn import(app: &App, ctx: &Ctx, bytes: &[u8], opts: &Options) -> Result<Report> {
    ctx.require(Action::ManageTime)?;
    let lang = ctx.language;
    let today = crate::time::today_date(app, ctx);
    let window = DateWindow::on(today);
    let mut reader = match Reader::new(bytes, opts.format) {
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
    // A bulk transaction: on SQLite its connection (and the page cache set below) is closed after
    // the commit instead of going back to the pool.
    let mut tx: Tx = app.db.begin_bulk().await?;
    if matches!(app.db.backend(), mesure_store::Backend::Sqlite) {
        // A large file touches many pages: a bigger page cache keeps SQLite from spilling and
        // re-reading them, and reads go through a memory map (file pages the kernel takes back,
        // not heap the process keeps). The cache is heap that the C allocator does not give back
        // to the system after the import, so it stays moderate (MESURE_IMPORT_CACHE_MIB, 48: at 2
        // million rows 10 % slower than 128 MiB, and the server keeps 136 MB instead of 324 MB).
        let mib: i64 = std::env::var("MESURE_IMPORT_CACHE_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|v| (2..=4096).contains(v))
            .unwrap_or(48);
        exec(
            &mut tx.conn(),
            &format!("PRAGMA cache_size = -{}", mib * 1024),
            &[],
        )
        .await?;
        exec(&mut tx.conn(), "PRAGMA mmap_size = 1073741824", &[]).await?;
    }
    let mut st = State {
        ctx,
        opts,
        lang,
        people_by_key: HashMap::new(),
        people: HashMap::new(),
        clients_by_key: HashMap::new(),
        projects_by_key: HashMap::new(),
        projects: HashMap::new(),
        report: Report {
            format: reader.format().as_str().into(),
            dry_run: opts.dry_run,
            allow_duplicates: opts.allow_duplicates,
            ..Report::default()
        },
        problems: 0,
        batch: Vec::with_capacity(1000),
        project_months: HashMap::new(),
        new_clients: HashSet::new(),
        deliverable_minutes: HashMap::new(),
        pending_clients: Vec::new(),
        pending_projects: Vec::new(),
        person_months: HashMap::new(),
        day_deltas: HashMap::new(),
        seen: HashMap::default(),
        unusable_emails: HashSet::new(),
        email_column: reader.email_column().to_owned(),
        window,
        now: app.now(),
    };
    st.load(&mut tx.conn()).await?;
    let t0 = std::time::Instant::now();
    let mut read = 0u64;
    while let Some(item) = reader.next_item() {
        read += 1;
        if read.is_multiple_of(PROGRESS_EVERY) {
            opts.progress.tell(Phase::Checking, read);
        }
        match item {
            Ok(Item::Row(row)) => st.row(&mut tx.conn(), row).await?,
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
    }
    opts.progress.tell(Phase::Checking, read);
    st.report.error_count = st.problems;
    st.report.errors_truncated = st.problems > st.report.errors.len() as u64;
    if st.problems > 0 || opts.dry_run {
        // Dropping the transaction rolls it back: nothing of the file is kept.
        drop(tx);
        let mut report = st.report;
        if st.problems > 0 {
            report.rows = 0;
            report.minutes = 0;
        }
        opts.progress.tell(Phase::Done, read);
        return Ok(report);
    }
    opts.progress.tell(Phase::Writing, st.report.rows);
    tracing::debug!(phase = "rows", elapsed = ?t0.elapsed(), "import");
    let c = &mut tx.conn();
    st.flush(c).await?;
    let ws = ctx.workspace;
    let deltas: Vec<totals::MonthDelta> = st
        .project_months
        .iter()
        .map(|((project, month), (client, f))| (*project, *client, *month, *f, 0, 0))
        .collect();
    totals::add_many(c, ws, &deltas).await?;
    tracing::debug!(phase = "months", elapsed = ?t0.elapsed(), "import");
    let people: Vec<(Uuid, i32, i64, i64)> = st
        .person_months
        .iter()
        .map(|((u, m), (a, b))| (*u, *m, *a, *b))
        .collect();
    totals::add_person_many(c, ws, &people).await?;
    let days: Vec<(Uuid, i32, i64)> = st
        .day_deltas
        .iter()
        .map(|((u, d), m)| (*u, *d, *m))
        .collect();
    totals::add_days_many(c, ws, &days).await?;
    for (d, minutes) in &st.deliverable_minutes {
        projects::add_deliverable_minutes(c, ws, *d, *minutes).await?;
    }
    let touched: Vec<Uuid> = st
        .project_months
        .keys()
        .map(|k| k.0)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    tracing::debug!(phase = "days", elapsed = ?t0.elapsed(), "import");
    crate::radar::recompute_set(c, app, ctx, &touched).await?;
    tracing::debug!(phase = "recompute", elapsed = ?t0.elapsed(), "import");
    let id = ImportId::new().uuid();
    exec(c, "INSERT INTO imports (workspace_id, id, format, file_name, rows_imported, rows_skipped, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", &[
        Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::Text(st.report.format.clone()), Bind::Text(file_label(&opts.file_name)),
        Bind::Int(i64::try_from(st.report.rows).unwrap_or(0)), Bind::Int(i64::try_from(st.report.skipped_zero).unwrap_or(0)),
        Bind::Uuid(ctx.user.uuid()), Bind::Int(st.now),
    ]).await?;
    record::<(), _>(c, ws, &ctx.actor(), st.now, "import", id, "create", None, Some(&serde_json::json!({
        "format": st.report.format, "file_name": file_label(&opts.file_name), "rows": st.report.rows, "skipped_zero": st.report.skipped_zero,
        "new_people": st.report.new_people, "new_clients": st.report.new_clients, "new_projects": st.report.new_projects,
    }))).await?;
    if matches!(app.db.backend(), mesure_store::Backend::Sqlite) {
        // Fresh statistics after a large change, so the planner picks the right indexes.
        exec(&mut tx.conn(), "PRAGMA optimize", &[]).await?;
    }
    tx.commit().await?;
    opts.progress.tell(Phase::Done, read);
    st.report.imported = true;
    Ok(st.report)
}

/// The uploaded file's name as kept: at most 200 characters, no control characters (a browser
/// sends what the file system allows).
fn file_label(name: &str) -> String {
    name.chars()
        .filter(|c| !mesure_domain::text::is_forbidden_control(*c))
        .take(200)
        .collect()
}
