//! The job queue's producer and worker: enqueue in the caller's transaction; the worker claims
//! due jobs under a lease, runs a few at once (never two of one workspace), and retries failures
//! with exponential backoff until dead. A failure shows the workspace a generic message (a
//! catalogue key); its cause goes to the server log.
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::SettingsAction;
use mesure_domain::{JobId, WorkspaceId};
use mesure_store::jobs::{self, JobRow};
use mesure_store::{Conn, workspaces};
use std::time::Duration;
use uuid::Uuid;

/// Attempts before a job is dead.
pub const MAX_ATTEMPTS: i32 = 5;
/// How long a claimed job is reserved for its worker.
pub const LEASE_US: i64 = 5 * 60 * 1_000_000;

/// Adds a job to the queue inside the caller's transaction.
pub async fn enqueue(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<Uuid> {
    let now = app.now();
    let id = JobId::new().uuid();
    jobs::insert(
        c,
        &JobRow {
            workspace_id: ws.uuid(),
            id,
            kind: kind.to_string(),
            payload: payload.to_string(),
            status: "queued".into(),
            attempts: 0,
            max_attempts: MAX_ATTEMPTS,
            run_at: now,
            locked_until: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    Ok(id)
}

/// Delay before retry `attempt` (1-based): 10 s, 20 s, 40 s … capped at one hour.
pub fn backoff_us(attempt: i32) -> i64 {
    let exp = u32::try_from(attempt.clamp(1, 20) - 1).unwrap_or(0);
    (10_000_000i64.saturating_mul(2i64.saturating_pow(exp))).min(3_600_000_000)
}

/// Why a job failed: what the workspace may see (a catalogue key) and what only the server log
/// gets (the cause, which may name hosts, ports and network errors).
#[derive(Debug)]
pub struct Failure {
    pub key: &'static str,
    pub detail: String,
}

/// A mail job that could not be delivered, whatever the network said (refused, silent, not
/// resolvable, not allowed, rejected): one message, so the error cannot probe a network.
pub const ERR_MAIL: &str = "job-error-mail";
/// A mail job whose sender or recipient address is unusable.
pub const ERR_MAIL_ADDRESS: &str = "job-error-mail-address";
/// Any other failure.
pub const ERR_INTERNAL: &str = "job-error-internal";
const PUBLIC_ERRORS: [&str; 3] = [ERR_MAIL, ERR_MAIL_ADDRESS, ERR_INTERNAL];

impl Failure {
    pub fn internal(detail: impl Into<String>) -> Failure {
        Failure {
            key: ERR_INTERNAL,
            detail: detail.into(),
        }
    }
}

/// The catalogue key of a stored `last_error`: older rows held the cause itself, which is
/// never shown; they read as an internal failure.
pub fn public_error(stored: &str) -> &'static str {
    PUBLIC_ERRORS
        .iter()
        .find(|k| **k == stored)
        .copied()
        .unwrap_or(ERR_INTERNAL)
}

/// Claims one due job, retrying briefly when another worker was claiming one of the same
/// workspace at the same moment.
pub async fn claim(app: &App) -> Result<Option<JobRow>> {
    for _ in 0..3 {
        let claimed = crate::write_tx!(app, tx => {
            jobs::claim(&mut tx.conn(), app.now(), LEASE_US).await?
        })?;
        match claimed {
            jobs::Claimed::Job(job) => return Ok(Some(job)),
            jobs::Claimed::Nothing => return Ok(None),
            jobs::Claimed::Raced => tokio::task::yield_now().await,
        }
    }
    Ok(None)
}

/// Runs a claimed job and records its outcome: done, or back in the queue after a backoff (dead
/// after the last attempt). The cause of a failure goes to the log only.
pub async fn run(app: &App, job: JobRow) -> Result<()> {
    let outcome = execute(app, &job).await;
    let now = app.now();
    crate::write_tx!(app, tx => {
        match &outcome {
            Ok(()) => jobs::complete(&mut tx.conn(), job.workspace_id, job.id, now).await?,
            Err(f) => {
                tracing::warn!(job = %job.id, workspace = %job.workspace_id, kind = %job.kind,
                    attempt = job.attempts, error = %f.detail, shown = f.key, "job failed");
                jobs::fail(
                    &mut tx.conn(),
                    &job,
                    f.key,
                    now,
                    now + backoff_us(job.attempts),
                )
                .await?
            }
        }
    })
}

/// Claims and runs one due job; returns whether there was one.
pub async fn run_once(app: &App) -> Result<bool> {
    let Some(job) = claim(app).await? else {
        return Ok(false);
    };
    run(app, job).await?;
    Ok(true)
}

async fn execute(app: &App, job: &JobRow) -> std::result::Result<(), Failure> {
    let ws = WorkspaceId::from_uuid(job.workspace_id);
    let payload: serde_json::Value = serde_json::from_str(&job.payload)
        .map_err(|e| Failure::internal(format!("bad payload: {e}")))?;
    match kinds().find(|k| k.kind == job.kind) {
        Some(k) => (k.run)(app, ws, &payload).await,
        None => Err(Failure::internal(format!("unknown job kind {}", job.kind))),
    }
}

/// What a job of one kind does, given its workspace and payload.
pub type JobRun = for<'a> fn(
    &'a App,
    WorkspaceId,
    &'a serde_json::Value,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = std::result::Result<(), Failure>> + Send + 'a>,
>;

/// One kind of background job, declared by the module that enqueues it; its label in the jobs
/// page is the catalogue key `job-kind-<kind>`.
pub struct JobKind {
    pub kind: &'static str,
    pub run: JobRun,
}

/// The platform's own kinds: e-mail (every module's mail goes through it).
pub const JOBS: &[JobKind] = &[JobKind {
    kind: "mail",
    run: |app, ws, payload| Box::pin(send_mail(app, ws, payload)),
}];

/// Every module's job kinds, gathered: a new module adds its `JOBS` here.
pub const MODULE_JOBS: &[&[JobKind]] = &[JOBS, crate::audit::JOBS];

/// Every job kind.
pub fn kinds() -> impl Iterator<Item = &'static JobKind> {
    MODULE_JOBS.iter().flat_map(|k| k.iter())
}

async fn send_mail(
    app: &App,
    ws: WorkspaceId,
    payload: &serde_json::Value,
) -> std::result::Result<(), Failure> {
    let field = |k: &str| {
        payload
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| Failure::internal(format!("missing {k}")))
    };
    let w = {
        let mut conn = app
            .db
            .read()
            .await
            .map_err(|e| Failure::internal(e.to_string()))?;
        workspaces::get(&mut conn.conn(), ws)
            .await
            .map_err(|e| Failure::internal(e.to_string()))?
    };
    let policy = &app.mail_policy;
    // A workspace's own relay only when the operator allows it; else the server's.
    let (transport, destinations) = match &w.smtp_host {
        Some(host) if policy.allow_workspace_smtp => (
            mesure_mail::Transport::Smtp(mesure_mail::SmtpSettings {
                host: host.clone(),
                port: w
                    .smtp_port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(587),
                tls: w.smtp_tls.clone(),
                username: w.smtp_username.clone(),
                password: w.smtp_password.clone(),
            }),
            policy.workspace_destinations(),
        ),
        _ => (app.default_mail.clone(), mesure_mail::Destinations::Any),
    };
    let from = w
        .mail_from
        .clone()
        .unwrap_or_else(|| app.default_mail_from.clone());
    let msg = mesure_mail::Outgoing {
        from_name: Some(w.name.clone()),
        from,
        to: field("to")?,
        subject: field("subject")?,
        text: field("text")?,
        html: field("html")?,
        thread: thread_of(payload),
        attachments: match payload.get("attach_invoice").and_then(|v| v.as_str()) {
            Some(id) => {
                let id = Uuid::parse_str(id).map_err(|e| Failure::internal(e.to_string()))?;
                let (number, bytes) = crate::invoicing::pdf_of(app, ws, id)
                    .await
                    .map_err(|e| Failure::internal(e.to_string()))?;
                vec![mesure_mail::Attachment {
                    name: format!("{number}.pdf"),
                    mime: "application/pdf".into(),
                    bytes,
                }]
            }
            None => match payload.get("attach_value_report") {
                Some(r) => {
                    let client = r
                        .get("client")
                        .and_then(|v| v.as_str())
                        .and_then(|v| Uuid::parse_str(v).ok())
                        .ok_or_else(|| Failure::internal("value report: client"))?;
                    let month = r
                        .get("month")
                        .and_then(serde_json::Value::as_i64)
                        .and_then(|m| i32::try_from(m).ok())
                        .ok_or_else(|| Failure::internal("value report: month"))?;
                    let lang = r
                        .get("language")
                        .and_then(|v| v.as_str())
                        .and_then(mesure_domain::Language::parse)
                        .unwrap_or(w.language);
                    let ctx = crate::Ctx::system(&w, "value_report");
                    let (name, bytes) =
                        crate::portal::value_report::mail_pdf(app, &ctx, client, month, lang)
                            .await
                            .map_err(|e| Failure::internal(e.to_string()))?;
                    vec![mesure_mail::Attachment {
                        name,
                        mime: "application/pdf".into(),
                        bytes,
                    }]
                }
                None => Vec::new(),
            },
        },
    };
    let opts = mesure_mail::SendOptions {
        limits: policy.limits,
        destinations,
    };
    mesure_mail::send(&transport, &msg, &opts)
        .await
        .map_err(|e| Failure {
            key: match e {
                mesure_mail::MailError::Address(_) => ERR_MAIL_ADDRESS,
                _ => ERR_MAIL,
            },
            detail: format!("{e} (via {transport:?})"),
        })
}

/// The threading headers a mail job asks for: `message_id`, `in_reply_to`, `references` (a
/// list), `reply_to` and `auto_generated`, all optional.
fn thread_of(payload: &serde_json::Value) -> mesure_mail::Thread {
    let text = |k: &str| {
        payload
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .filter(|v| !v.is_empty())
    };
    mesure_mail::Thread {
        message_id: text("message_id"),
        in_reply_to: text("in_reply_to"),
        references: payload
            .get("references")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        reply_to: text("reply_to"),
        auto_generated: payload
            .get("auto_generated")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    }
}

/// Runs the worker until `stop` resolves: keeps up to `app.job_concurrency` jobs running at once
/// (at most one per workspace, see `store::jobs::claim`), claiming more as slots free up, when
/// notified, or every second. On stop it waits for the jobs it runs (a mail is bounded by
/// `mail_policy.limits`).
pub async fn worker(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    let slots = app.job_concurrency.max(1);
    let mut running = tokio::task::JoinSet::new();
    let mut last_cleanup: Option<i64> = None;
    let mut last_sla_sweep: Option<i64> = None;
    let mut last_import_sweep: Option<i64> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        let now = app.now();
        if last_import_sweep.is_none_or(|l| now - l > IMPORT_SWEEP_EVERY_US) {
            last_import_sweep = Some(now);
            // Imports that failed, or whose process stopped, are deleted in short steps.
            if let Err(e) = crate::time::import::sweep(&app).await {
                tracing::warn!(error = %e, "import sweep failed");
            }
        }
        if last_sla_sweep.is_none_or(|l| now - l > SLA_SWEEP_EVERY_US) {
            last_sla_sweep = Some(now);
            if let Err(e) = crate::desk::alerts::sweep_all(&app).await {
                tracing::warn!(error = %e, "SLA sweep failed");
            }
            // E-mail kept but not processed (a process stopped between the two).
            if let Err(e) = crate::desk::inbound::sweep(&app).await {
                tracing::warn!(error = %e, "inbound e-mail sweep failed");
            }
        }
        if last_cleanup.is_none_or(|l| now - l > CLEANUP_EVERY_US) {
            last_cleanup = Some(now);
            if let Err(e) = cleanup(&app).await {
                tracing::warn!(error = %e, "cleanup failed");
            }
            if let Err(e) = crate::radar::sweep(&app).await {
                tracing::warn!(error = %e, "radar sweep failed");
            }
            if let Err(e) = crate::invoicing::remind_all(&app).await {
                tracing::warn!(error = %e, "invoice reminders failed");
            }
            if let Err(e) = crate::nps::sweep_all(&app).await {
                tracing::warn!(error = %e, "survey rounds failed");
            }
            if let Err(e) = crate::portal::value_report::sweep_all(&app).await {
                tracing::warn!(error = %e, "monthly value reports failed");
            }
            if let Err(e) = crate::invoicing::billed::backfill_all(&app).await {
                tracing::warn!(error = %e, "billed value backfill failed");
            }
        }
        while running.len() < slots {
            match claim(&app).await {
                Ok(Some(job)) => {
                    let a = app.clone();
                    running.spawn(async move {
                        if let Err(e) = run(&a, job).await {
                            tracing::error!(error = %e, "job worker");
                        }
                    });
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "job worker");
                    break;
                }
            }
        }
        tokio::select! {
            Some(done) = running.join_next(), if !running.is_empty() => {
                if let Err(e) = done {
                    tracing::error!(error = %e, "job task");
                }
            }
            _ = app.jobs_notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => {}
        }
    }
    while running.join_next().await.is_some() {}
}

/// How often the worker looks for abandoned imports.
const IMPORT_SWEEP_EVERY_US: i64 = 60 * 1_000_000;

/// How often the worker purges expired sessions and idle throttling counters.
const CLEANUP_EVERY_US: i64 = 10 * 60 * 1_000_000;
/// How often SLA deadlines are checked for warnings and breaches.
const SLA_SWEEP_EVERY_US: i64 = 60 * 1_000_000;

/// Deletes expired sessions and throttling counters idle for a day. Returns rows removed.
pub async fn cleanup(app: &App) -> Result<u64> {
    let now = app.now();
    crate::write_tx!(app, tx => {
        let sessions = mesure_store::auth::sessions::delete_expired(&mut tx.conn(), now).await?;
        let counters =
            mesure_store::auth::throttle::delete_idle(&mut tx.conn(), now - 24 * 3600 * 1_000_000)
                .await?;
        sessions + counters
    })
}

/// A job as the workspace sees it: `error` is the catalogue key of the last failure.
#[derive(Clone, Debug)]
pub struct JobView {
    pub id: Uuid,
    pub kind: String,
    /// `queued`, `running`, `done` or `dead`
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: i64,
    pub created_at: i64,
    pub error: Option<&'static str>,
}

pub async fn list(app: &App, ctx: &Ctx, status: Option<&str>) -> Result<Vec<JobView>> {
    ctx.require(SettingsAction::ReadJobs)?;
    let mut conn = app.db.read().await?;
    let rows = jobs::list(&mut conn.conn(), ctx.workspace, status, 200).await?;
    Ok(rows
        .into_iter()
        .map(|j| JobView {
            id: j.id,
            kind: j.kind,
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            created_at: j.created_at,
            error: j.last_error.as_deref().map(public_error),
        })
        .collect())
}

pub async fn counts(app: &App, ctx: &Ctx) -> Result<Vec<(String, i64)>> {
    ctx.require(SettingsAction::ReadJobs)?;
    let mut conn = app.db.read().await?;
    Ok(jobs::counts(&mut conn.conn(), ctx.workspace).await?)
}

/// Puts a dead job back in the queue.
pub async fn retry(app: &App, ctx: &Ctx, id: Uuid) -> Result<()> {
    ctx.require(SettingsAction::ManageWorkspace)?;
    crate::write_tx!(app, tx => {
        jobs::retry(&mut tx.conn(), ctx.workspace, id, app.now())
            .await
            .map_err(ServiceError::from)?;
        crate::audit::record::<(), ()>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "job",
            id,
            "retry",
            None,
            None,
        )
        .await?;
    })?;
    app.jobs_notify.notify_one();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_causes_are_never_shown() {
        assert_eq!(public_error(ERR_MAIL), ERR_MAIL);
        assert_eq!(public_error(ERR_MAIL_ADDRESS), ERR_MAIL_ADDRESS);
        assert_eq!(
            public_error("could not send: Connection refused (os error 111)"),
            ERR_INTERNAL
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_us(1), 10_000_000);
        assert_eq!(backoff_us(2), 20_000_000);
        assert_eq!(backoff_us(4), 80_000_000);
        assert_eq!(backoff_us(30), 3_600_000_000);
    }

    #[test]
    fn job_kinds_are_unique_and_labelled() {
        let mut seen = std::collections::HashSet::new();
        for k in kinds() {
            assert!(seen.insert(k.kind), "job kind {} twice", k.kind);
            for lang in [mesure_domain::Language::Fr, mesure_domain::Language::En] {
                assert!(
                    mesure_i18n::has(lang, &format!("job-kind-{}", k.kind)),
                    "job-kind-{} has no label",
                    k.kind
                );
            }
        }
        assert!(seen.contains("mail") && seen.contains("audit_export"));
    }
}
