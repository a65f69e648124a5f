//! Failed-login counters per account and per address.
use crate::{Conn, Result, on};

/// (failures, last failure) for a key such as `email:a@b.fr` or `ip:127.0.0.1`.
pub async fn get(c: &mut Conn<'_>, key: &str) -> Result<Option<(i32, i64)>> {
    Ok(
        on!(c, c => sqlx::query_as::<_, (i32, i64)>("SELECT failures, last_failure_at FROM login_throttle WHERE key = $1")
        .bind(key).fetch_optional(&mut **c).await)?,
    )
}

pub async fn record_failure(c: &mut Conn<'_>, key: &str, now: i64) -> Result<()> {
    on!(c, c => sqlx::query("INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures + 1, last_failure_at = excluded.last_failure_at")
        .bind(key).bind(now).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn clear(c: &mut Conn<'_>, key: &str) -> Result<()> {
    on!(c, c => sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets counters idle since before `before` (they no longer delay anyone).
pub async fn delete_idle(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    Ok(
        on!(c, c => sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1").bind(before).execute(&mut **c).await.map(|r| r.rows_affected()))?,
    )
}
