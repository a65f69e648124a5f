//! Polling a workspace's IMAP mailbox for the desk: each message is fetched without being
//! marked read, kept in the inbound log (once per Message-ID), and only then deleted from the
//! mailbox; the kept messages are processed afterwards. A kill at any point loses nothing and
//! processes nothing twice: a message fetched but not yet deleted is fetched again and found
//! already kept; one kept but not processed is processed by the next poll or the worker's sweep.
//! Between polls the session waits in IDLE when the server offers it, else it polls every
//! `interval`.
use super::inbound::{self, Source};
use crate::{App, Result};
use mesure_domain::WorkspaceId;
use mesure_mail::imap::{Mailbox, Session};
use std::time::Duration;

/// Messages fetched per round trip.
const BATCH: usize = 50;
/// The longest IDLE before the session refreshes it (servers drop idlers after 30 minutes).
const IDLE_FOR: Duration = Duration::from_secs(20 * 60);
/// Each IMAP step's bound.
const STEP: Duration = Duration::from_secs(60);

/// What one poll did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollStats {
    /// Messages fetched from the mailbox.
    pub fetched: usize,
    /// Of these, messages not kept before (new Message-IDs).
    pub new: usize,
    /// Messages processed (tickets, replies, held, refused, ignored).
    pub processed: usize,
}

/// Fetches, keeps and deletes every message in the session's folder, then processes what was
/// kept.
pub async fn poll(app: &App, ws: WorkspaceId, s: &mut Session) -> Result<PollStats> {
    let mut stats = PollStats::default();
    let uids = s.uids().await.map_err(mail_error)?;
    for chunk in uids.chunks(BATCH) {
        let fetched = s.fetch(chunk).await.map_err(mail_error)?;
        let mut kept = Vec::with_capacity(fetched.len());
        for f in fetched {
            stats.fetched += 1;
            match inbound::keep(app, ws, &f.raw, Source::Imap).await {
                Ok((_, _, new)) => {
                    stats.new += usize::from(new);
                    kept.push(f.uid);
                }
                // An empty message: nothing to keep, nothing lost.
                Err(crate::ServiceError::Invalid(_)) => kept.push(f.uid),
                Err(e) => {
                    // Kept ones leave the mailbox; the rest stay for the next poll.
                    s.delete(&kept).await.map_err(mail_error)?;
                    return Err(e);
                }
            }
        }
        s.delete(&kept).await.map_err(mail_error)?;
    }
    stats.processed = inbound::process_pending(app, ws).await?;
    Ok(stats)
}

fn mail_error(e: mesure_mail::MailError) -> crate::ServiceError {
    crate::ServiceError::Unavailable(format!("mailbox: {e}"))
}

/// Polls once: connects, polls, logs out (the `desk-poll` command and tests).
pub async fn poll_once(app: &App, ws: WorkspaceId, m: &Mailbox) -> Result<PollStats> {
    let mut s = Session::open(m, STEP).await.map_err(mail_error)?;
    let stats = poll(app, ws, &mut s).await?;
    s.logout().await;
    Ok(stats)
}

/// Watches a mailbox until `stop`: poll, then IDLE (or wait `interval`), again; on any failure
/// (mailbox or database gone) it waits, from 2 s doubling to 5 minutes, and reconnects.
pub async fn watch(
    app: App,
    ws: WorkspaceId,
    m: Mailbox,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        let round = async {
            let mut s = Session::open(&m, STEP).await.map_err(mail_error)?;
            loop {
                let stats = poll(&app, ws, &mut s).await?;
                if stats.fetched > 0 {
                    tracing::info!(mailbox = ?m, fetched = stats.fetched, new = stats.new, processed = stats.processed, "desk mailbox polled");
                }
                failures = 0;
                if s.idles() {
                    s.idle(IDLE_FOR).await.map_err(mail_error)?;
                } else {
                    tokio::time::sleep(interval).await;
                }
            }
            #[allow(unreachable_code)]
            Ok::<(), crate::ServiceError>(())
        };
        tokio::select! {
            r = round => {
                if let Err(e) = r {
                    failures = failures.saturating_add(1);
                    tracing::warn!(mailbox = ?m, error = %e, "desk mailbox: will retry");
                }
            }
            _ = stop.changed() => return,
        }
        let wait =
            Duration::from_secs(2u64.saturating_pow(failures.min(9))).min(Duration::from_secs(300));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
    }
}
