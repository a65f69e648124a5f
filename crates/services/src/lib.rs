//! Use cases of Mesure: each opens a transaction, checks the permission table, writes the change,
//! its audit entry and any job it needs, and commits.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod clients;
pub mod conflicts;
pub mod csv_out;
pub mod demo;
pub mod demo_desk;
pub mod demo_invoicing;
pub mod demo_nps;
pub mod demo_time;
pub mod desk;
pub mod invoicing;
pub mod jobs;
pub mod notifications;
pub mod nps;
pub mod people;
pub mod portal;
pub mod projects;
pub mod radar;
pub mod reports;
pub mod secrets;
pub mod time;
pub mod workspaces;

use mesure_domain::{Action, Invalid, Language, Principal, UserId, WorkspaceId};
use mesure_store::{Db, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// The time source; tests may set it.
pub trait Clock: Send + Sync {
    /// Now in microseconds since the Unix epoch.
    fn now_us(&self) -> i64;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now_us(&self) -> i64 {
        mesure_store::now_us()
    }
}

/// The system's time shifted by an offset that can be set and moved forward: the tests' clock,
/// and the server's when started with `MESURE_TEST_CLOCK` (the browser journeys stand on a
/// chosen date and skip waits). It keeps running from where it was put.
#[derive(Default)]
pub struct ShiftedClock {
    offset_us: std::sync::atomic::AtomicI64,
}

impl ShiftedClock {
    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: jiff::Timestamp) -> ShiftedClock {
        let c = ShiftedClock::default();
        c.set(at);
        c
    }
    /// Puts the clock at `at` (it runs on from there).
    pub fn set(&self, at: jiff::Timestamp) {
        let offset = at.as_microsecond().saturating_sub(mesure_store::now_us());
        self.offset_us
            .store(offset, std::sync::atomic::Ordering::SeqCst);
    }
    /// Moves the clock forward by `s` seconds.
    pub fn advance_secs(&self, s: i64) {
        self.offset_us.fetch_add(
            s.saturating_mul(1_000_000),
            std::sync::atomic::Ordering::SeqCst,
        );
    }
}

impl Clock for ShiftedClock {
    fn now_us(&self) -> i64 {
        mesure_store::now_us()
            .saturating_add(self.offset_us.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// Everything a use case needs: the database, the clock, the mail settings.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// Used when a workspace has no SMTP settings of its own.
    pub default_mail: mesure_mail::Transport,
    pub default_mail_from: String,
    /// Public base URL used in e-mails (`http://127.0.0.1:8080`).
    pub base_url: String,
    pub data_dir: PathBuf,
    /// Wakes the job worker when a job is enqueued in this process.
    pub jobs_notify: Arc<tokio::sync::Notify>,
    /// What the operator lets workspaces do with their own SMTP settings, and the time bounds.
    pub mail_policy: MailPolicy,
    /// How many jobs the worker runs at once (never two of one workspace).
    pub job_concurrency: usize,
}

/// The operator's mail policy (`serve --allow-workspace-smtp`, `--allow-private-smtp`,
/// `--smtp-timeout`). The default refuses workspace SMTP hosts.
#[derive(Clone, Copy, Debug, Default)]
pub struct MailPolicy {
    /// Workspaces may send through an SMTP server of their own; else their settings are refused
    /// on input and ignored by the worker, and the server's transport is used.
    pub allow_workspace_smtp: bool,
    /// A workspace's SMTP host may be (or resolve to) a loopback, private, link-local, CGNAT,
    /// unique-local or unspecified address. The server's own `--mail-url` is always allowed.
    pub allow_private_smtp: bool,
    /// Bounds of one SMTP delivery.
    pub limits: mesure_mail::Limits,
}

impl MailPolicy {
    /// The addresses a workspace's own SMTP host may lead to.
    pub fn workspace_destinations(&self) -> mesure_mail::Destinations {
        if self.allow_private_smtp {
            mesure_mail::Destinations::Any
        } else {
            mesure_mail::Destinations::PublicOnly
        }
    }
}

/// Jobs the worker runs at once unless configured.
pub const DEFAULT_JOB_CONCURRENCY: usize = 4;

/// How many times a write use case runs before a concurrent writer's abort is reported.
pub const WRITE_ATTEMPTS: u32 = 8;

/// The one way to write: `write_tx!(app, tx => { … })` opens a write transaction `tx`, runs the
/// block (its value is the result; `?` inside leaves the attempt, which rolls back) and commits.
/// When the engine aborted the transaction for a concurrent writer (PostgreSQL serialization
/// failure 40001 or deadlock 40P01, SQLite `BUSY_SNAPSHOT`), the whole block runs again after
/// [`App::backoff`], up to [`WRITE_ATTEMPTS`] times; past them it is a 503. So the block must
/// be safe to run again: it reads what it checks inside `tx` and has no effect outside it (jobs
/// and mail are enqueued in the transaction). Never `return` from the block: that would skip
/// the commit. A macro rather than a closure: the block borrows the caller's values on each
/// attempt without the boxing and cloning a closure over a borrowed transaction needs.
#[macro_export]
macro_rules! write_tx {
    ($app:expr, $tx:ident => $body:block) => {{
        let app: &$crate::App = $app;
        let mut attempt = 0u32;
        loop {
            let outcome: $crate::Result<_> = async {
                #[allow(unused_mut)]
                let mut $tx = app.db.begin().await?;
                let value = $body;
                $tx.commit().await?;
                Ok(value)
            }
            .await;
            match outcome {
                Err(e) if e.is_retry() && attempt + 1 < $crate::WRITE_ATTEMPTS => {
                    attempt += 1;
                    $crate::App::backoff(attempt, &e).await;
                }
                other => break other,
            }
        }
    }};
}

impl App {
    pub fn now(&self) -> i64 {
        self.clock.now_us()
    }

    /// Waits before the next attempt of a write a concurrent writer made the engine abort: a
    /// jittered pause that grows with each attempt (5–10 ms, 10–20 ms, … capped at 320 ms).
    #[doc(hidden)]
    pub async fn backoff(attempt: u32, cause: &ServiceError) {
        let base = 5u64 << attempt.min(6);
        let jitter = u64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0),
        ) % base;
        tracing::debug!(attempt, %cause, "write aborted by a concurrent writer; again");
        tokio::time::sleep(std::time::Duration::from_millis(base / 2 + jitter)).await;
    }
}

/// Who is acting, in which workspace: built once per request by the web layer, passed to every use case.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub workspace: WorkspaceId,
    pub user: UserId,
    pub principal: Principal,
    /// Name shown in the audit log.
    pub label: String,
    pub language: Language,
    pub time_zone: String,
    pub workspace_name: String,
    /// The workspace's default currency and language, for new records.
    pub workspace_currency: mesure_domain::Currency,
    pub workspace_language: Language,
    pub request_id: Option<String>,
    /// For a client contact: the client organisation they belong to.
    pub client: Option<mesure_domain::ClientId>,
}

impl Ctx {
    /// The context of a pass the worker runs over a workspace (radar sweep, reminders): an
    /// owner's rights, no user, `label` in the audit log.
    pub fn system(w: &mesure_store::workspaces::WorkspaceRow, label: &str) -> Ctx {
        Ctx {
            workspace: WorkspaceId::from_uuid(w.id),
            user: UserId::from_uuid(uuid::Uuid::nil()),
            principal: Principal::Staff(mesure_domain::Role::Owner),
            label: label.into(),
            language: w.language,
            time_zone: w.time_zone.clone(),
            workspace_name: w.name.clone(),
            workspace_currency: w.currency,
            workspace_language: w.language,
            request_id: None,
            client: None,
        }
    }

    /// Fails with `Forbidden` unless the permission table allows `action`.
    pub fn require(&self, action: impl Into<Action>) -> Result<(), ServiceError> {
        if self.principal.may(action) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }
    pub fn may(&self, action: impl Into<Action>) -> bool {
        self.principal.may(action)
    }
}

/// Errors of the use cases, mapped once to HTTP by the web layer.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("not authenticated")]
    Unauthorized,
    /// A message key explaining the conflict (`err-conflict-name`, `err-stale`, …).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many attempts; retry in {0} s")]
    Throttled(i64),
    #[error("internal error: {0}")]
    Internal(String),
    /// The storage cannot serve the request now (full disk, read-only, unreachable): 503.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A concurrent writer made the engine abort the transaction; [`write_tx!`] runs the
    /// transaction again, and past its attempts this is a 503 like `Unavailable`.
    #[error("aborted by a concurrent writer: {0}")]
    Retry(String),
}

impl ServiceError {
    /// Whether running the same transaction again may succeed (see [`write_tx!`]).
    pub fn is_retry(&self) -> bool {
        matches!(self, ServiceError::Retry(_))
    }
}

impl From<Invalid> for ServiceError {
    fn from(e: Invalid) -> Self {
        ServiceError::Invalid(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict(name) => match conflicts::shown(&name) {
                conflicts::Shown::Conflict(key) => ServiceError::Conflict(key),
                conflicts::Shown::Field(field, key) => {
                    tracing::warn!(conflict = %name, "a value already used elsewhere was refused");
                    ServiceError::Invalid(Invalid::one(field, key))
                }
            },
            StoreError::Unavailable(e) => ServiceError::Unavailable(error_chain(&e)),
            StoreError::Retry(e) => ServiceError::Retry(error_chain(&e)),
            other => ServiceError::Internal(error_chain(&other)),
        }
    }
}

/// A state read from the database (a scope, a billing model, a status …): a value the code does
/// not know is an error — the stored data is corrupt — never a silent default.
pub fn stored<T>(parsed: Option<T>, what: &str, raw: &str) -> Result<T> {
    parsed.ok_or_else(|| {
        ServiceError::from(StoreError::Corrupt(format!(
            "stored {what} {raw:?} is not one of its values"
        )))
    })
}

/// An error and its sources, one after the other: what the log keeps of an internal error.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[cfg(test)]
mod clock_tests {
    use super::{Clock, ShiftedClock};

    #[test]
    fn a_shifted_clock_stands_where_it_is_put_and_moves_forward() {
        let at: jiff::Timestamp = "2027-03-17T09:30:00Z".parse().unwrap();
        let c = ShiftedClock::starting_at(at);
        let d = c.now_us() - at.as_microsecond();
        assert!((0..5_000_000).contains(&d), "{d}");
        c.advance_secs(31);
        let d = c.now_us() - at.as_microsecond();
        assert!((31_000_000..36_000_000).contains(&d), "{d}");
        c.set("2020-02-29T12:00:00Z".parse().unwrap());
        assert!(c.now_us() < at.as_microsecond());
    }
}
