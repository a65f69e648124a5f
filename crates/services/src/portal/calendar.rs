//! The workspace's business calendar as its settings edit it: the hours that count for first
//! response times (portal questions) and, later, SLA deadlines and the first working day.
use crate::audit::record;
use crate::{App, Ctx, Result};
use mesure_domain::SettingsAction;
use mesure_domain::calendar::Calendar;
use mesure_domain::calendar::form::CalendarForm;
use mesure_store::portal::questions::{self as store, CalendarRow};

/// The calendar as saved (else the French office week in the workspace's zone) and whether it
/// was ever saved.
pub async fn get(app: &App, ctx: &Ctx) -> Result<(CalendarForm, bool)> {
    ctx.require(SettingsAction::ManageWorkspace)?;
    let mut conn = app.db.read().await?;
    form_of(&mut conn.conn(), ctx).await
}

/// The workspace's calendar as its form shows it, and whether it was ever saved.
pub(crate) async fn form_of(
    c: &mut mesure_store::Conn<'_>,
    ctx: &Ctx,
) -> Result<(CalendarForm, bool)> {
    let saved = store::calendar(c, ctx.workspace).await?;
    let cal = super::questions::calendar(c, ctx.workspace, &ctx.time_zone).await?;
    let zone = saved
        .as_ref()
        .map_or_else(|| ctx.time_zone.clone(), |r| r.time_zone.clone());
    Ok((CalendarForm::of(&cal, &zone), saved.is_some()))
}

/// A calendar as stored.
pub(crate) fn row(cal: &Calendar, zone: &str) -> Result<CalendarRow> {
    let days: Vec<String> = cal.days_off.iter().map(ToString::to_string).collect();
    Ok(CalendarRow {
        time_zone: zone.to_string(),
        week: serde_json::to_string(&cal.week)
            .map_err(|e| crate::ServiceError::Internal(e.to_string()))?,
        french_holidays: cal.french_holidays,
        days_off: serde_json::to_string(&days)
            .map_err(|e| crate::ServiceError::Internal(e.to_string()))?,
    })
}

/// Saves the calendar (every field checked first; nothing saved on an error), audited.
pub async fn save(app: &App, ctx: &Ctx, form: &CalendarForm) -> Result<Calendar> {
    ctx.require(SettingsAction::ManageWorkspace)?;
    let cal = form.parse()?;
    let zone = form.time_zone.trim().to_string();
    let new = row(&cal, &zone)?;
    crate::write_tx!(app, tx => {
        let before = store::calendar(&mut tx.conn(), ctx.workspace).await?;
        store::save_calendar(&mut tx.conn(), ctx.workspace, &new, app.now()).await?;
        let payload = |r: &CalendarRow| audit_payload(&ctx.workspace_name, r);
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "workspace", ctx.workspace.uuid(), "calendar", before.as_ref().map(payload).as_ref(), Some(&payload(&new))).await?;
        // The desk's clocks of open tickets follow the new hours (clients with their own
        // calendar keep theirs).
        crate::desk::setup::recompute_calendar(&mut tx.conn(), ctx, None, app.now()).await?;
        cal.clone()
    })
}

/// What the audit log keeps of a calendar (`name`: whose it is).
pub(crate) fn audit_payload(name: &str, r: &CalendarRow) -> serde_json::Value {
    let f = CalendarForm::of(&cal_of(r), &r.time_zone);
    let mut p = serde_json::Map::new();
    p.insert("name".into(), name.into());
    p.insert("time_zone".into(), r.time_zone.clone().into());
    p.insert("french_holidays".into(), r.french_holidays.into());
    p.insert(
        "days_off".into(),
        f.days_off.clone().unwrap_or_default().into(),
    );
    for (k, d) in mesure_domain::calendar::form::DAYS.iter().zip(f.days()) {
        p.insert((*k).into(), d.unwrap_or_default().into());
    }
    serde_json::Value::Object(p)
}

/// A saved row back as a calendar, `None` when it cannot be read.
pub(crate) fn parse_row(r: &CalendarRow) -> Option<Calendar> {
    let tz = jiff::tz::TimeZone::get(&r.time_zone).ok()?;
    let week: [Vec<(u16, u16)>; 7] = serde_json::from_str(&r.week).ok()?;
    let days: Vec<String> = serde_json::from_str(&r.days_off).ok()?;
    let days = days.iter().filter_map(|d| d.parse().ok()).collect();
    Calendar::new(tz, week, r.french_holidays, days).ok()
}

/// [`parse_row`], else the office week in the row's zone.
pub(crate) fn cal_of(r: &CalendarRow) -> Calendar {
    parse_row(r).unwrap_or_else(|| {
        Calendar::french_office(
            jiff::tz::TimeZone::get(&r.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
        )
    })
}
