//! Each person's weekly capacity and leave, set by a manager: the available time of utilisation.
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::TimeAction;
use mesure_domain::forms::parse_day;
use mesure_domain::time::{MAX_DAY_MINUTES, Minutes};
use mesure_domain::{Invalid, UserId};
use mesure_store::people::users;

/// The caller's weekly capacity in minutes (set by a manager, else the default 35 hours).
pub async fn weekly_capacity(app: &App, ctx: &Ctx) -> Result<i64> {
    ctx.require(TimeAction::Log)?;
    let mut c = app.db.read().await?;
    Ok(
        mesure_store::people::availability::capacity(&mut c.conn(), ctx.workspace, ctx.user.uuid())
            .await?
            .unwrap_or(crate::radar::DEFAULT_WEEKLY_MINUTES),
    )
}

/// Sets a person's weekly capacity in minutes.
pub async fn set_capacity(app: &App, ctx: &Ctx, user: UserId, hours: &str) -> Result<()> {
    ctx.require(TimeAction::Manage)?;
    let minutes = Minutes::from_decimal_hours(hours)
        .map(Minutes::get)
        .filter(|m| (0..=7 * MAX_DAY_MINUTES).contains(m))
        .ok_or_else(|| ServiceError::Invalid(Invalid::one("weekly_hours", "err-hours")))?;
    crate::write_tx!(app, tx => {
        users::get_staff(&mut tx.conn(), ctx.workspace, user).await?;
        mesure_store::people::availability::set_capacity(
            &mut tx.conn(),
            ctx.workspace,
            user.uuid(),
            minutes,
            app.now(),
        )
        .await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "capacity",
            user.uuid(),
            "update",
            None,
            Some(&serde_json::json!({ "weekly_minutes": minutes })),
        )
        .await?;
    })
}

/// Records (or clears, with 0) leave for a person on a day.
pub async fn set_leave(app: &App, ctx: &Ctx, user: UserId, day: &str, hours: &str) -> Result<()> {
    ctx.require(TimeAction::Manage)?;
    let mut c = mesure_domain::validate::Checker::new();
    let d = parse_day(day);
    if d.is_none() {
        c.add("day", "err-date");
    }
    let m = Minutes::from_decimal_hours(hours)
        .map(Minutes::get)
        .filter(|m| *m <= MAX_DAY_MINUTES);
    if m.is_none() {
        c.add("hours", "err-hours");
    }
    c.finish()?;
    crate::write_tx!(app, tx => {
        users::get_staff(&mut tx.conn(), ctx.workspace, user).await?;
        mesure_store::people::availability::set_leave(
            &mut tx.conn(),
            ctx.workspace,
            user.uuid(),
            d.unwrap_or(0),
            m.unwrap_or(0),
        )
        .await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "leave",
            user.uuid(),
            "update",
            None,
            Some(&serde_json::json!({ "day": d, "minutes": m })),
        )
        .await?;
    })
}
