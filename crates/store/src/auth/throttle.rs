//! Failed-login counters per account and per address.
use crate::{Conn, Result};

/// (failures, last failure) for a key such as `email:a@b.fr` or `ip:127.0.0.1`.
pub async fn get(c: &mut Conn<'_>, key: &str) -> Result<Option<(i32, i64)>> {
    GET.fetch_optional::<(i32, i64)>(c, &[crate::Bind::from(key)])
        .await
}

pub async fn record_failure(c: &mut Conn<'_>, key: &str, now: i64) -> Result<()> {
    RECORD_FAILURE
        .exec(c, &[crate::Bind::from(key), crate::Bind::from(now)])
        .await?;
    Ok(())
}

pub async fn clear(c: &mut Conn<'_>, key: &str) -> Result<()> {
    CLEAR.exec(c, &[crate::Bind::from(key)]).await?;
    Ok(())
}

/// Forgets counters idle since before `before` (they no longer delay anyone).
pub async fn delete_idle(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    DELETE_IDLE.exec(c, &[crate::Bind::from(before)]).await
}

crate::registry::statements! {
    GET(1) ["failures", "last_failure_at"] = "SELECT failures, last_failure_at FROM login_throttle WHERE key = $1";
    RECORD_FAILURE(2) [] = "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures + 1, last_failure_at = excluded.last_failure_at";
    CLEAR(1) [] = "DELETE FROM login_throttle WHERE key = $1";
    DELETE_IDLE(1) [] = "DELETE FROM login_throttle WHERE last_failure_at < $1";
}
