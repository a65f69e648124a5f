//! Large uploads (time imports) streamed to a temporary file under a size cap, so a body never
//! sits in memory, and the import that reads them run off the request threads.
//!
//! Handlers check the caller, the CSRF token and the permission from the request's head first,
//! and only then read the body through [`spool_body`] or [`spool_field`].
use axum::body::{Body, Bytes};
use axum::extract::multipart::Field;
use http_body_util::BodyExt;
use mesure_services::time::import::{self, Options, Report};
use mesure_services::{App, Ctx, ServiceError};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// An uploaded file on disk, removed when dropped.
#[derive(Debug)]
pub struct Spooled {
    path: PathBuf,
    /// Bytes received.
    pub len: u64,
}

impl Spooled {
    pub fn open(&self) -> std::io::Result<std::fs::File> {
        std::fs::File::open(&self.path)
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, path = %self.path.display(), "upload not removed");
        }
    }
}

/// Why an upload was not kept.
#[derive(Debug)]
pub enum SpoolError {
    /// Larger than the cap (413); what was written is removed.
    TooLarge,
    /// The body could not be read (the client stopped, a malformed multipart body): 400.
    Body(String),
    /// The temporary file could not be written (a full disk): 503.
    Io(std::io::Error),
}

pub use mesure_services::time::import::upload_dir;

/// A new empty temporary file in `dir`.
async fn create(dir: &Path) -> Result<(tokio::fs::File, Spooled), SpoolError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(SpoolError::Io)?;
    let path = dir.join(format!("import-{}.part", uuid::Uuid::now_v7().simple()));
    let file = tokio::fs::File::create(&path)
        .await
        .map_err(SpoolError::Io)?;
    Ok((file, Spooled { path, len: 0 }))
}

/// Appends one chunk, refusing to go past `cap` bytes.
async fn append(
    file: &mut tokio::fs::File,
    spooled: &mut Spooled,
    chunk: &Bytes,
    cap: u64,
) -> Result<(), SpoolError> {
    spooled.len += chunk.len() as u64;
    if spooled.len > cap {
        return Err(SpoolError::TooLarge);
    }
    file.write_all(chunk).await.map_err(SpoolError::Io)
}

/// Whether a body error is the body-size limit's (`RequestBodyLimitLayer`).
fn is_length_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Streams a whole request body to a temporary file in `dir`, at most `cap` bytes.
pub async fn spool_body(body: Body, dir: &Path, cap: u64) -> Result<Spooled, SpoolError> {
    let (mut file, mut spooled) = create(dir).await?;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let inner = e.into_inner();
            if is_length_limit(inner.as_ref()) {
                SpoolError::TooLarge
            } else {
                SpoolError::Body(inner.to_string())
            }
        })?;
        if let Ok(chunk) = frame.into_data() {
            append(&mut file, &mut spooled, &chunk, cap).await?;
        }
    }
    file.flush().await.map_err(SpoolError::Io)?;
    Ok(spooled)
}

/// Streams one multipart field (the file) to a temporary file in `dir`, at most `cap` bytes.
pub async fn spool_field(
    field: &mut Field<'_>,
    dir: &Path,
    cap: u64,
) -> Result<Spooled, SpoolError> {
    let (mut file, mut spooled) = create(dir).await?;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        append(&mut file, &mut spooled, &chunk, cap).await?;
    }
    file.flush().await.map_err(SpoolError::Io)?;
    Ok(spooled)
}

/// A small multipart field (an option) as text: at most `max` bytes are kept, the rest is read
/// and dropped, so a huge field costs no memory.
pub async fn small_field(field: &mut Field<'_>, max: usize) -> Result<String, SpoolError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        let room = max.saturating_sub(out.len());
        out.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Reads a multipart field to its end without keeping it.
pub async fn skip_field(field: &mut Field<'_>) -> Result<(), SpoolError> {
    while field.chunk().await.map_err(multipart_error)?.is_some() {}
    Ok(())
}

pub fn multipart_error(e: axum::extract::multipart::MultipartError) -> SpoolError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        SpoolError::TooLarge
    } else {
        SpoolError::Body(e.body_text())
    }
}

/// Runs an import of a spooled file on a thread of its own (parsing a large file is seconds of
/// work that must not hold a request thread), the database work still on the runtime. The file
/// is removed when the import ends. Once started the import runs to its end, even if the client
/// goes away: it is published or discarded, never left half-written.
pub async fn run_import(
    app: &App,
    ctx: &Ctx,
    file: Spooled,
    opts: Options,
) -> Result<Report, ServiceError> {
    let (app, ctx) = (app.clone(), ctx.clone());
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let input = file
            .open()
            .map_err(|e| ServiceError::Internal(format!("upload unreadable: {e}")))?;
        let report = rt.block_on(import::import(&app, &ctx, input, &opts));
        drop(file);
        report
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("import task: {e}")))?
}
