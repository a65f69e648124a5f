//! Time: log, change and delete entries (with every rule checked before anything is written),
//! the running timer, week approval and locking, free-work approval, write-offs, capacity.
//! Every write updates the running aggregates and the project's earned figures in its transaction.
use mesure_domain::{DashboardAction, TimeAction};
pub mod import;
pub mod views;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::forms::parse_day;
use mesure_domain::projects::engagement::{
    ChangeStatus, EntryFacts, Figures, FreeReason, Scope, contribution, day_from_key, day_key,
    month_of, week_start,
};
use mesure_domain::time::forms::{EntryFields, EntryForm, EntryInput};
use mesure_domain::time::{EntrySource, MAX_DAY_MINUTES, Minutes, Rounding};
use mesure_domain::{EntryId, Invalid, ProjectId, UserId};
use mesure_store::people::costs::{self, CostRow};
use mesure_store::projects::{self, ProjectRow, RateRow};
use mesure_store::time::{self as store, EntryCursor, EntryQuery, EntryRow, TimerRow};
use mesure_store::{Conn, people::users, radar::totals};
use std::collections::BTreeSet;
use uuid::Uuid;
pub use views::{EntryMoney, EntryView};

/// Today in the workspace's time zone (the clock is the app's).
pub fn today_date(app: &App, ctx: &Ctx) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    mesure_store::ts(app.now()).to_zoned(tz).date()
}

/// The billing rate of a person on a project at a date: their rate on this project, else the
/// project's own rate (an override), else their workspace-wide rate, else zero
/// (`domain::projects::rates::rate_at`).
pub fn rate_at(rates: &[RateRow], p: &ProjectRow, day: i32) -> i64 {
    let rates = rates.iter().map(|r| mesure_domain::projects::rates::Rate {
        project: r.project_id,
        rate_minor: r.rate_minor,
        valid_from: r.valid_from,
        created_at: r.created_at,
    });
    mesure_domain::projects::rates::rate_at(rates, p.id, p.hourly_rate_minor, day)
}

/// The hourly cost of a person at a date (the latest rate valid then), else zero
/// (`domain::people::costs::cost_at`).
pub fn cost_at(costs: &[CostRow], day: i32) -> i64 {
    let costs = costs
        .iter()
        .map(|c| mesure_domain::people::costs::CostRate {
            cost_minor: c.cost_minor,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            created_at: c.created_at,
        });
    mesure_domain::people::costs::cost_at(costs, day)
}

pub(crate) fn facts(e: &EntryRow) -> Result<EntryFacts> {
    Ok(EntryFacts {
        minutes: e.minutes,
        billable: e.billable,
        scope: e.scope,
        has_deliverable: e.deliverable_id.is_some(),
        has_change_request: e.change_request_id.is_some(),
        written_off: e.write_off_reason.is_some(),
        billed_minutes: e.billed_minutes,
        rate_minor: e.rate_minor,
        cost_minor: e.cost_minor,
    })
}

/// Adds (`sign = 1`) or removes (`-1`) an entry's contribution to every running aggregate.
pub async fn apply(c: &mut Conn<'_>, e: &EntryRow, sign: i64) -> Result<()> {
    let ws = mesure_domain::WorkspaceId::from_uuid(e.workspace_id);
    let f = contribution(&facts(e)?);
    let mut delta = mesure_domain::projects::engagement::Figures::default();
    delta
        .add(&f, sign)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let month = month_of(e.work_date);
    totals::add(c, ws, e.project_id, e.client_id, month, &delta, 0, 0).await?;
    totals::add_person(
        c,
        ws,
        e.user_id,
        month,
        delta.minutes,
        delta.billable_minutes,
    )
    .await?;
    store::add_day_minutes(c, ws, e.user_id, e.work_date, sign * e.minutes).await?;
    if let Some(cr) = e.change_request_id {
        projects::add_change_minutes(c, ws, cr, sign * e.minutes).await?;
    }
    if let Some(d) = e.deliverable_id {
        projects::add_deliverable_minutes(c, ws, d, sign * e.minutes).await?;
    }
    Ok(())
}

/// The person's and the change request's running sums of an entry; the project and client
/// months are written by `radar::recompute_after_entry` with the revenue they change.
async fn apply_people(c: &mut Conn<'_>, e: &EntryRow) -> Result<Figures> {
    let ws = mesure_domain::WorkspaceId::from_uuid(e.workspace_id);
    let f = contribution(&facts(e)?);
    let month = month_of(e.work_date);
    totals::add_person(c, ws, e.user_id, month, f.minutes, f.billable_minutes).await?;
    store::add_day_minutes(c, ws, e.user_id, e.work_date, e.minutes).await?;
    if let Some(cr) = e.change_request_id {
        projects::add_change_minutes(c, ws, cr, e.minutes).await?;
    }
    if let Some(d) = e.deliverable_id {
        projects::add_deliverable_minutes(c, ws, d, e.minutes).await?;
    }
    Ok(f)
}

/// The rounding rule of a project: its own, else its client's.
async fn rounding_of(c: &mut Conn<'_>, ctx: &Ctx, p: &ProjectRow) -> Result<Rounding> {
    match p.rounding {
        Some(r) => Ok(r),
        None => Ok(mesure_store::clients::rounding(c, ctx.workspace, p.client_id).await?),
    }
}

/// Checks an entry against the person, the project and its scope, then fills the derived fields
/// (client, rates, billed minutes). `previous` is the entry being replaced. The checks that race
/// with other writes (the week's lock, the 24-hour day) are `recheck`'s, inside the write.
async fn prepare(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    input: &EntryInput,
    previous: Option<&EntryRow>,
) -> Result<EntryRow> {
    let user = input.user_id.unwrap_or(ctx.user.uuid());
    if user != ctx.user.uuid() {
        ctx.require(TimeAction::Manage)?;
        match users::get_staff(c, ctx.workspace, UserId::from_uuid(user)).await {
            Ok(u) if u.kind == mesure_domain::UserKind::Staff && u.active => {}
            Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("user_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let p = match projects::get(c, ctx.workspace, ProjectId::from_uuid(input.project_id)).await {
        Ok(p) => p,
        Err(mesure_store::StoreError::NotFound) => {
            return Err(Invalid::one("project_id", "err-not-found").into());
        }
        Err(e) => return Err(e.into()),
    };
    if p.archived_at.is_some() {
        return Err(Invalid::one("project_id", "err-project-archived").into());
    }
    if let Some(d) = input.deliverable_id {
        match projects::deliverable(c, ctx.workspace, d).await {
            Ok(row) if row.project_id == p.id => {}
            Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("deliverable_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(cr) = input.change_request_id {
        match projects::change(c, ctx.workspace, cr).await {
            Ok(row) if row.project_id == p.id && row.status != ChangeStatus::Rejected => {}
            Ok(row) if row.project_id == p.id => {
                return Err(Invalid::one("change_request_id", "err-change-rejected").into());
            }
            Ok(_) | Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("change_request_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let rates = projects::rates_of(c, ctx.workspace, user).await?;
    let costs = costs::costs_of(c, ctx.workspace, user).await?;
    let rounding = rounding_of(c, ctx, &p).await?;
    let now = app.now();
    let free = input.scope == Scope::Free;
    Ok(EntryRow {
        workspace_id: ctx.workspace.uuid(),
        id: previous
            .map(|e| e.id)
            .unwrap_or_else(|| EntryId::new().uuid()),
        user_id: user,
        project_id: p.id,
        client_id: p.client_id,
        deliverable_id: input.deliverable_id,
        change_request_id: input.change_request_id,
        work_date: input.date,
        minutes: input.minutes,
        billed_minutes: rounding.apply(Minutes::new(input.minutes)).get(),
        note: input.note.clone(),
        billable: input.billable && !free,
        scope: input.scope,
        free_reason: input.free_reason,
        free_note: input.free_note.clone(),
        // A manager's free work is approved as it is logged; anyone else's waits for one.
        free_approved_by: (free && ctx.may(TimeAction::Manage)).then(|| ctx.user.uuid()),
        write_off_reason: previous.and_then(|e| e.write_off_reason),
        write_off_note: previous.and_then(|e| e.write_off_note.clone()),
        write_off_by: previous.and_then(|e| e.write_off_by),
        rate_minor: rate_at(&rates, &p, input.date),
        cost_minor: cost_at(&costs, input.date),
        locked: false,
        invoiced_at: None,
        source: previous.map(|e| e.source).unwrap_or(EntrySource::Manual),
        created_at: previous.map(|e| e.created_at).unwrap_or(now),
        updated_at: now,
        version: previous.map(|e| e.version + 1).unwrap_or(1),
    })
}

/// Logs one entry.
/// Logs an entry from the HTML form or the JSON body (both lend their [`EntryFields`]).
pub async fn log<'a>(
    app: &App,
    ctx: &Ctx,
    fields: impl Into<EntryFields<'a>>,
) -> Result<EntryView> {
    ctx.require(TimeAction::Log)?;
    let input = fields.into().check(today_date(app, ctx))?;
    // Everything that does not race is read before the write lock; the week's lock and the day's
    // total are checked again inside the transaction.
    let row = {
        let mut c = app.db.read().await?;
        prepare(&mut c.conn(), app, ctx, &input, None).await?
    };
    let written = &row;
    crate::write_tx!(app, tx => {
        insert_prepared(&mut tx.conn(), app, ctx, written).await?;
    })?;
    Ok(EntryView::of(ctx, &row))
}

/// An entry checked and priced, ready for [`insert_entry`] in another module's transaction (a
/// ticket's time is logged with its link in one write).
pub(crate) async fn prepare_entry<'a>(
    app: &App,
    ctx: &Ctx,
    fields: impl Into<EntryFields<'a>>,
) -> Result<EntryRow> {
    ctx.require(TimeAction::Log)?;
    let input = fields.into().check(today_date(app, ctx))?;
    let mut c = app.db.read().await?;
    prepare(&mut c.conn(), app, ctx, &input, None).await
}

/// Writes an entry from [`prepare_entry`] in the caller's transaction.
pub(crate) async fn insert_entry(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    row: &EntryRow,
) -> Result<()> {
    insert_prepared(c, app, ctx, row).await
}

/// Writes a prepared new entry in the caller's transaction: the racing checks, the row, the
/// aggregates, the audit entry and the project's radar.
async fn insert_prepared(c: &mut Conn<'_>, app: &App, ctx: &Ctx, row: &EntryRow) -> Result<()> {
    recheck(c, ctx, row, None).await?;
    store::insert(c, row).await?;
    let added = apply_people(c, row).await?;
    record::<(), _>(
        c,
        ctx.workspace,
        &ctx.actor(),
        row.created_at,
        "time_entry",
        row.id,
        "create",
        None,
        Some(row),
    )
    .await?;
    crate::radar::recompute_after_entry(
        c,
        app,
        ctx,
        row.project_id,
        &[row.work_date],
        &[(month_of(row.work_date), added)],
    )
    .await
}

/// The checks that can race with another write, repeated inside the write transaction: the
/// week's lock and the 24 hours of the person's day.
async fn recheck(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    row: &EntryRow,
    previous: Option<&EntryRow>,
) -> Result<()> {
    let week = day_from_key(row.work_date)
        .map(|d| day_key(week_start(d)))
        .unwrap_or(row.work_date);
    // The person-day's lock first: the week's approval and the day's total read below cannot
    // change until this transaction ends.
    store::lock_days(c, ctx.workspace, row.user_id, &[row.work_date]).await?;
    let (locked, mut day_total) =
        store::lock_and_day(c, ctx.workspace, row.user_id, week, row.work_date).await?;
    if locked {
        return Err(Invalid::one("date", "err-week-locked").into());
    }
    if let Some(prev) = previous
        && prev.user_id == row.user_id
        && prev.work_date == row.work_date
    {
        day_total -= prev.minutes;
    }
    if day_total + row.minutes > MAX_DAY_MINUTES {
        return Err(Invalid::one("duration", "err-day-over-24h").into());
    }
    Ok(())
}

/// Refuses changes to invoiced entries, locked weeks and (for staff) other people's entries,
/// which do not exist for them: 404 as on reading, so no answer tells that an id exists.
fn check_editable(ctx: &Ctx, e: &EntryRow) -> Result<()> {
    if e.user_id != ctx.user.uuid() && !ctx.may(TimeAction::Manage) {
        return Err(ServiceError::NotFound);
    }
    if e.invoiced_at.is_some() {
        return Err(ServiceError::Conflict("err-entry-invoiced"));
    }
    if e.locked {
        return Err(ServiceError::Conflict("err-week-locked"));
    }
    Ok(())
}

pub async fn update<'a>(
    app: &App,
    ctx: &Ctx,
    id: EntryId,
    fields: impl Into<EntryFields<'a>>,
    version: Option<i32>,
) -> Result<EntryView> {
    ctx.require(TimeAction::Log)?;
    let input = fields.into().check(today_date(app, ctx))?;
    let input = &input;
    let row = crate::write_tx!(app, tx => {
        update_in(&mut tx.conn(), app, ctx, id, input.clone(), version).await?
    })?;
    Ok(EntryView::of(ctx, &row))
}

/// Changes an entry in the caller's transaction (every rule checked, aggregates and radar kept).
async fn update_in(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    id: EntryId,
    mut input: EntryInput,
    version: Option<i32>,
) -> Result<EntryRow> {
    let before = entry_for_change(c, ctx, id).await?;
    check_editable(ctx, &before)?;
    if let Some(v) = version
        && v != before.version
    {
        return Err(ServiceError::Conflict("err-stale"));
    }
    if input.user_id.is_none() {
        input.user_id = Some(before.user_id);
    }
    let mut after = prepare(c, app, ctx, &input, Some(&before)).await?;
    recheck(c, ctx, &after, Some(&before)).await?;
    // A written-off entry stays written off only while it stays billable work.
    if after.scope == Scope::Free {
        after.write_off_reason = None;
        after.write_off_note = None;
        after.write_off_by = None;
    }
    apply(c, &before, -1).await?;
    store::update(c, &after, before.version).await?;
    apply(c, &after, 1).await?;
    record(
        c,
        ctx.workspace,
        &ctx.actor(),
        after.updated_at,
        "time_entry",
        after.id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    crate::radar::recompute(c, app, ctx, before.project_id).await?;
    if after.project_id != before.project_id {
        crate::radar::recompute(c, app, ctx, after.project_id).await?;
    }
    Ok(after)
}

pub async fn delete(app: &App, ctx: &Ctx, id: EntryId) -> Result<()> {
    ctx.require(TimeAction::Log)?;
    crate::write_tx!(app, tx => {
        delete_in(&mut tx.conn(), app, ctx, id).await?;
    })
}

/// An entry about to change, read under its day's lock (so a week approved meanwhile is seen).
async fn entry_for_change(c: &mut Conn<'_>, ctx: &Ctx, id: EntryId) -> Result<EntryRow> {
    let first = store::get(c, ctx.workspace, id.uuid()).await?;
    if store::lock_days(c, ctx.workspace, first.user_id, &[first.work_date]).await? {
        return Ok(store::get(c, ctx.workspace, id.uuid()).await?);
    }
    Ok(first)
}

/// Deletes an editable entry in the caller's transaction.
async fn delete_in(c: &mut Conn<'_>, app: &App, ctx: &Ctx, id: EntryId) -> Result<()> {
    let before = entry_for_change(c, ctx, id).await?;
    check_editable(ctx, &before)?;
    store::delete(c, ctx.workspace, id.uuid())
        .await
        .map_err(|_| ServiceError::Conflict("err-week-locked"))?;
    apply(c, &before, -1).await?;
    record::<_, ()>(
        c,
        ctx.workspace,
        &ctx.actor(),
        app.now(),
        "time_entry",
        before.id,
        "delete",
        Some(&before),
        None,
    )
    .await?;
    crate::radar::recompute(c, app, ctx, before.project_id).await
}

/// One cell of a week grid as typed: the total wanted for a (project, deliverable, day). `key`
/// names the cell in errors (the form field, or the API's `cells[i]`).
#[derive(Clone, Debug)]
pub struct WeekCell {
    pub key: String,
    pub project_id: String,
    pub deliverable_id: Option<String>,
    /// The day's offset from Monday, 0..=6.
    pub day: i64,
    /// `1:30`, `1,5`, `90`; empty for none.
    pub value: String,
}

/// What saving a week did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeekSaved {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
}

/// Saves a person's week grid all or nothing: every cell is checked first, then every change
/// is written in one transaction; one bad cell refuses the whole save (each bad cell named by
/// its key) and nothing is written.
pub async fn save_week(
    app: &App,
    ctx: &Ctx,
    user: Option<Uuid>,
    monday: jiff::civil::Date,
    cells: &[WeekCell],
) -> Result<WeekSaved> {
    ctx.require(TimeAction::Log)?;
    let user = user.unwrap_or(ctx.user.uuid());
    if user != ctx.user.uuid() {
        ctx.require(TimeAction::Manage)?;
        let mut c = app.db.read().await?;
        match users::get_staff(&mut c.conn(), ctx.workspace, UserId::from_uuid(user)).await {
            Ok(u) if u.kind == mesure_domain::UserKind::Staff => {}
            Ok(_) | Err(mesure_store::StoreError::NotFound) => return Err(ServiceError::NotFound),
            Err(e) => return Err(e.into()),
        }
    }
    let monday = week_start(monday);
    let mut bad = Invalid(Vec::new());
    let mut wanted = Vec::with_capacity(cells.len());
    for cell in cells {
        let minutes = if cell.value.trim().is_empty() {
            Some(0)
        } else {
            mesure_domain::forms::parse_duration(&cell.value)
        };
        let day = monday.checked_add(jiff::Span::new().days(cell.day)).ok();
        let project = Uuid::parse_str(cell.project_id.trim()).ok();
        let deliverable = match cell.deliverable_id.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(d) => Uuid::parse_str(d).map(Some),
        };
        match (minutes, day, project, deliverable) {
            (Some(m), _, _, _) if m > MAX_DAY_MINUTES => bad.push(&cell.key, "err-duration-day"),
            (Some(m), Some(day), Some(p), Ok(d)) if (0..7).contains(&cell.day) => {
                wanted.push((cell, p, d, day, m));
            }
            (None, ..) => bad.push(&cell.key, "err-duration"),
            _ => bad.push(&cell.key, "err-not-found"),
        }
    }
    if !bad.0.is_empty() {
        return Err(bad.into());
    }
    let from = day_key(monday);
    let to = day_key(
        monday
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(monday),
    );
    crate::write_tx!(app, tx => {
        let entries = store::list(
            &mut tx.conn(),
            ctx.workspace,
            &EntryQuery {
                user: Some(user),
                from: Some(from),
                to: Some(to),
                limit: i64::MAX,
                ..EntryQuery::default()
            },
        )
        .await?;
        // Decreases first, so that moving hours between cells of one day never passes 24 hours.
        wanted.sort_by_key(|(cell, p, d, day, m)| {
            let current: i64 = entries
                .iter()
                .filter(|e| {
                    e.work_date == day_key(*day) && e.project_id == *p && e.deliverable_id == *d
                })
                .map(|e| e.minutes)
                .sum();
            (*m > current, cell.day)
        });
        let mut done = WeekSaved::default();
        let mut bad = Invalid(Vec::new());
        for &(cell, p, d, day, m) in &wanted {
            let dk = day_key(day);
            let here: Vec<&EntryRow> = entries
                .iter()
                .filter(|e| e.work_date == dk && e.project_id == p && e.deliverable_id == d)
                .collect();
            let current: i64 = here.iter().map(|e| e.minutes).sum();
            if current == m {
                continue;
            }
            let form = |note: Option<String>, billable: Option<String>| EntryForm {
                project_id: p.to_string(),
                deliverable_id: d.map(|d| d.to_string()),
                user_id: Some(user.to_string()),
                date: day.to_string(),
                duration: format!("{m}m"),
                note,
                billable,
                ..EntryForm::default()
            };
            let result = match here.as_slice() {
                [] => match form(None, None).parse(today_date(app, ctx)) {
                    Ok(input) => match prepare(&mut tx.conn(), app, ctx, &input, None).await {
                        Ok(row) => insert_prepared(&mut tx.conn(), app, ctx, &row)
                            .await
                            .map(|()| done.created += 1),
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e.into()),
                },
                // Free work and write-offs carry a reason: they change (or go) through the entry's
                // own form, never through a grid cell.
                [one] if one.scope != Scope::InScope || one.write_off_reason.is_some() => {
                    Err(ServiceError::Conflict("err-grid-not-editable"))
                }
                [one] if m == 0 => delete_in(&mut tx.conn(), app, ctx, EntryId::from_uuid(one.id))
                    .await
                    .map(|()| done.deleted += 1),
                [one] => match form(Some(one.note.clone()), Some(one.billable.to_string()))
                    .parse(today_date(app, ctx))
                {
                    Ok(input) => update_in(
                        &mut tx.conn(),
                        app,
                        ctx,
                        EntryId::from_uuid(one.id),
                        input,
                        Some(one.version),
                    )
                    .await
                    .map(|_| done.updated += 1),
                    Err(e) => Err(e.into()),
                },
                _ => Err(ServiceError::Conflict("err-grid-several")),
            };
            match result {
                Ok(()) => {}
                Err(ServiceError::Invalid(inv)) => {
                    for e in inv.0 {
                        bad.0.push(mesure_domain::FieldError {
                            field: cell.key.clone(),
                            code: e.code,
                            arg: e.arg,
                        });
                    }
                }
                Err(ServiceError::Conflict(code)) => bad.push(&cell.key, code),
                Err(e) => return Err(e),
            }
        }
        if !bad.0.is_empty() {
            // Dropping the transaction rolls every change of this save back.
            return Err(bad.into());
        }
        done
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: EntryId) -> Result<EntryView> {
    ctx.require(TimeAction::Log)?;
    let mut c = app.db.read().await?;
    let e = store::get(&mut c.conn(), ctx.workspace, id.uuid()).await?;
    if e.user_id != ctx.user.uuid() && !ctx.may(TimeAction::Manage) {
        return Err(ServiceError::NotFound);
    }
    Ok(EntryView::of(ctx, &e))
}

/// Entries matching a query; staff see only their own.
pub async fn list(app: &App, ctx: &Ctx, mut q: EntryQuery) -> Result<Vec<EntryView>> {
    ctx.require(TimeAction::Log)?;
    if !ctx.may(TimeAction::Manage) {
        q.user = Some(ctx.user.uuid());
    }
    let mut c = app.db.read().await?;
    Ok(EntryView::all(
        ctx,
        &store::list(&mut c.conn(), ctx.workspace, &q).await?,
    ))
}

/// A page of entries, how many match the filters and their minutes; staff see only their own.
pub async fn page(app: &App, ctx: &Ctx, mut q: EntryQuery) -> Result<(Vec<EntryView>, i64, i64)> {
    ctx.require(TimeAction::Log)?;
    if !ctx.may(TimeAction::Manage) {
        q.user = Some(ctx.user.uuid());
    }
    let mut c = app.db.read().await?;
    let (rows, total, minutes) = store::page(&mut c.conn(), ctx.workspace, &q).await?;
    Ok((EntryView::all(ctx, &rows), total, minutes))
}

/// Recomputes rates, costs and billed minutes of a person's entries from `from` on (after a
/// rate change), leaving invoiced entries untouched; updates the aggregates of every project hit.
pub async fn reprice(c: &mut Conn<'_>, app: &App, ctx: &Ctx, user: Uuid, from: i32) -> Result<()> {
    let q = EntryQuery {
        user: Some(user),
        from: Some(from),
        limit: 100_000,
        ..EntryQuery::default()
    };
    let entries = store::list(c, ctx.workspace, &q).await?;
    let rates = projects::rates_of(c, ctx.workspace, user).await?;
    let costs = costs::costs_of(c, ctx.workspace, user).await?;
    let mut touched = BTreeSet::new();
    let mut cache: std::collections::HashMap<Uuid, ProjectRow> = Default::default();
    for e in entries.into_iter().filter(|e| e.invoiced_at.is_none()) {
        let p = match cache.get(&e.project_id) {
            Some(p) => p.clone(),
            None => {
                let p = projects::get(c, ctx.workspace, ProjectId::from_uuid(e.project_id)).await?;
                cache.insert(p.id, p.clone());
                p
            }
        };
        let rate = rate_at(&rates, &p, e.work_date);
        let cost = cost_at(&costs, e.work_date);
        if rate == e.rate_minor && cost == e.cost_minor {
            continue;
        }
        let mut after = e.clone();
        after.rate_minor = rate;
        after.cost_minor = cost;
        after.updated_at = app.now();
        apply(c, &e, -1).await?;
        store::update(c, &after, e.version).await?;
        apply(c, &after, 1).await?;
        touched.insert(e.project_id);
    }
    for p in touched {
        crate::radar::recompute(c, app, ctx, p).await?;
    }
    Ok(())
}

/// A write-off or a free-work approval as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
    pub note: Option<String>,
}

/// Writes off a logged billable entry: it stays recorded at its value, billed at zero, with the
/// reason and the manager who decided.
pub async fn write_off(app: &App, ctx: &Ctx, id: EntryId, form: &ReasonForm) -> Result<EntryView> {
    ctx.require(TimeAction::Manage)?;
    let mut c = mesure_domain::validate::Checker::new();
    let reason = FreeReason::parse(&form.reason);
    if reason.is_none() {
        c.add("reason", "err-free-reason");
    }
    let note = c.optional("note", form.note.as_deref(), 500);
    c.finish()?;
    let row = crate::write_tx!(app, tx => {
        let before = store::get(&mut tx.conn(), ctx.workspace, id.uuid()).await?;
        if before.invoiced_at.is_some() {
            return Err(ServiceError::Conflict("err-entry-invoiced"));
        }
        if !before.billable || before.scope == Scope::Free || before.write_off_reason.is_some() {
            return Err(ServiceError::Conflict("err-write-off-billable"));
        }
        let mut after = before.clone();
        after.write_off_reason = reason;
        after.write_off_note = note.clone();
        after.write_off_by = Some(ctx.user.uuid());
        after.updated_at = app.now();
        after.version += 1;
        apply(&mut tx.conn(), &before, -1).await?;
        store::update(&mut tx.conn(), &after, before.version).await?;
        apply(&mut tx.conn(), &after, 1).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "time_entry",
            after.id,
            "write_off",
            Some(&before),
            Some(&after),
        )
        .await?;
        crate::radar::recompute(&mut tx.conn(), app, ctx, after.project_id).await?;
        after
    })?;
    Ok(EntryView::of(ctx, &row))
}

/// A manager approves free work logged by someone else.
pub async fn approve_free(app: &App, ctx: &Ctx, id: EntryId) -> Result<EntryView> {
    ctx.require(TimeAction::Manage)?;
    let row = crate::write_tx!(app, tx => {
        let before = store::get(&mut tx.conn(), ctx.workspace, id.uuid()).await?;
        if before.scope != Scope::Free {
            return Err(ServiceError::Conflict("err-not-free"));
        }
        if before.free_approved_by.is_some() {
            return Err(ServiceError::Conflict("err-free-approved"));
        }
        if before.invoiced_at.is_some() {
            return Err(ServiceError::Conflict("err-entry-invoiced"));
        }
        let mut after = before.clone();
        after.free_approved_by = Some(ctx.user.uuid());
        after.updated_at = app.now();
        after.version += 1;
        store::update(&mut tx.conn(), &after, before.version).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "time_entry",
            after.id,
            "approve_free",
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })?;
    Ok(EntryView::of(ctx, &row))
}

/// A week of one person: `[monday, next monday)` as stored days.
pub fn week_bounds(day: i32) -> Option<(i32, i32)> {
    let d = day_from_key(day)?;
    let mon = week_start(d);
    let next = mon.checked_add(jiff::Span::new().days(7)).ok()?;
    Some((day_key(mon), day_key(next)))
}

/// Approves (and locks) a person's week, or reopens it.
pub async fn set_week_approved(
    app: &App,
    ctx: &Ctx,
    user: UserId,
    week: &str,
    approved: bool,
) -> Result<u64> {
    ctx.require(TimeAction::Manage)?;
    let (from, to) = parse_day(week)
        .and_then(week_bounds)
        .ok_or_else(|| ServiceError::Invalid(Invalid::one("week", "err-date")))?;
    crate::write_tx!(app, tx => {
        users::get_staff(&mut tx.conn(), ctx.workspace, user).await?;
        // The locks of the week's days: entries being logged in it wait, then see the approval.
        let monday = day_from_key(from)
            .ok_or_else(|| ServiceError::Invalid(Invalid::one("week", "err-date")))?;
        let days: Vec<i32> = (0..7)
            .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
            .map(day_key)
            .collect();
        store::lock_days(&mut tx.conn(), ctx.workspace, user.uuid(), &days).await?;
        let existing = store::approval(&mut tx.conn(), ctx.workspace, user.uuid(), from).await?;
        let n = if approved {
            if existing.is_some() {
                return Err(ServiceError::Conflict("err-week-approved"));
            }
            store::insert_approval(
                &mut tx.conn(),
                &store::ApprovalRow {
                    workspace_id: ctx.workspace.uuid(),
                    user_id: user.uuid(),
                    week_start: from,
                    approved_by: ctx.user.uuid(),
                    approved_at: app.now(),
                },
            )
            .await?;
            store::set_locked(&mut tx.conn(), ctx.workspace, user.uuid(), from, to, true).await?
        } else {
            if existing.is_none() {
                return Err(ServiceError::Conflict("err-week-not-approved"));
            }
            store::delete_approval(&mut tx.conn(), ctx.workspace, user.uuid(), from).await?;
            store::set_locked(&mut tx.conn(), ctx.workspace, user.uuid(), from, to, false).await?
        };
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "timesheet",
            user.uuid(),
            if approved { "approve" } else { "reopen" },
            None,
            Some(&serde_json::json!({ "week_start": from, "entries": n })),
        )
        .await?;
        n
    })
}

pub async fn week_approval(
    app: &App,
    ctx: &Ctx,
    user: Uuid,
    week_start: i32,
) -> Result<Option<store::ApprovalRow>> {
    ctx.require(TimeAction::Log)?;
    let mut c = app.db.read().await?;
    Ok(store::approval(&mut c.conn(), ctx.workspace, user, week_start).await?)
}

/// Copies a person's entries of the previous week into this week (same weekday), skipping days
/// that would pass 24 hours; answers how many were copied.
/// What duplicating last week did: entries copied, and those left out because their day is
/// after today (time is not logged ahead) or because a rule refused them (archived project,
/// locked week, 24-hour day).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Duplicated {
    pub copied: usize,
    pub skipped_future: usize,
    pub skipped_refused: usize,
}

/// Copies the caller's previous week into `week`, never onto a day after today.
pub async fn duplicate_last_week(app: &App, ctx: &Ctx, week: &str) -> Result<Duplicated> {
    ctx.require(TimeAction::Log)?;
    let (from, _) = parse_day(week)
        .and_then(week_bounds)
        .ok_or_else(|| ServiceError::Invalid(Invalid::one("week", "err-date")))?;
    let prev_from = day_from_key(from)
        .and_then(|d| d.checked_sub(jiff::Span::new().days(7)).ok())
        .map(day_key)
        .unwrap_or(from);
    let entries = {
        let mut c = app.db.read().await?;
        store::list(
            &mut c.conn(),
            ctx.workspace,
            &EntryQuery {
                user: Some(ctx.user.uuid()),
                from: Some(prev_from),
                to: Some(from),
                limit: 1000,
                ..EntryQuery::default()
            },
        )
        .await?
    };
    let today = crate::projects::today(app, ctx);
    crate::write_tx!(app, tx => {
        let mut done = Duplicated::default();
        for e in entries.iter().rev() {
            let day = day_from_key(e.work_date)
                .and_then(|d| d.checked_add(jiff::Span::new().days(7)).ok())
                .map(day_key)
                .unwrap_or(e.work_date);
            if day > today {
                done.skipped_future += 1;
                continue;
            }
            let input = EntryInput {
                user_id: None,
                project_id: e.project_id,
                deliverable_id: e.deliverable_id,
                change_request_id: e.change_request_id,
                date: day,
                minutes: e.minutes,
                note: e.note.clone(),
                billable: e.billable,
                scope: e.scope,
                free_reason: e.free_reason,
                free_note: e.free_note.clone(),
            };
            let row = match prepare(&mut tx.conn(), app, ctx, &input, None).await {
                Ok(r) => r,
                Err(ServiceError::Invalid(_)) => {
                    done.skipped_refused += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match recheck(&mut tx.conn(), ctx, &row, None).await {
                Ok(()) => {}
                Err(ServiceError::Invalid(_)) => {
                    done.skipped_refused += 1;
                    continue;
                }
                Err(e) => return Err(e),
            }
            store::insert(&mut tx.conn(), &row).await?;
            apply(&mut tx.conn(), &row, 1).await?;
            crate::radar::recompute(&mut tx.conn(), app, ctx, row.project_id).await?;
            done.copied += 1;
        }
        let n = done.copied;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "timesheet",
            ctx.user.uuid(),
            "duplicate_week",
            None,
            Some(&serde_json::json!({ "week_start": from, "entries": n })),
        )
        .await?;
        done
    })
}

/// The caller's running timer, if any.
pub async fn timer(app: &App, ctx: &Ctx) -> Result<Option<TimerRow>> {
    ctx.require(TimeAction::Log)?;
    let mut c = app.db.read().await?;
    Ok(store::timer(&mut c.conn(), ctx.workspace, ctx.user.uuid()).await?)
}

/// A running timer as the page frame shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameTimer {
    pub project_id: Uuid,
    pub project: String,
    pub started_at: i64,
    /// Whole seconds elapsed when the page was built.
    pub elapsed_seconds: i64,
}

/// What every page's frame shows a staff member: their running timer (with LogTime) and their
/// unread alerts (with ViewDashboard). One statement; nothing at all for a client contact or a
/// role with neither permission.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameStatus {
    pub timer: Option<FrameTimer>,
    pub unread_alerts: i64,
}

pub async fn frame_status(app: &App, ctx: &Ctx) -> Result<FrameStatus> {
    let timers = ctx.may(TimeAction::Log);
    let alerts = ctx.may(DashboardAction::View);
    if !ctx.principal.is_staff() || !(timers || alerts) {
        return Ok(FrameStatus::default());
    }
    let mut c = app.db.read().await?;
    let r = store::frame_status(&mut c.conn(), ctx.workspace, ctx.user.uuid()).await?;
    let timer = match (r.timer_project_id, r.timer_started_at) {
        (Some(project_id), Some(started_at)) if timers => Some(FrameTimer {
            project_id,
            project: r.timer_project.unwrap_or_default(),
            started_at,
            elapsed_seconds: ((app.now() - started_at) / 1_000_000).max(0),
        }),
        _ => None,
    };
    Ok(FrameStatus {
        timer,
        unread_alerts: if alerts { r.unread.max(0) } else { 0 },
    })
}

/// A timer start as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct TimerForm {
    #[serde(default)]
    pub project_id: String,
    pub deliverable_id: Option<String>,
    pub note: Option<String>,
    pub billable: Option<String>,
}

/// The fields of the "start a timer" command as they arrive, from the HTML form or the JSON body
/// (whose `billable` stays a boolean).
#[derive(Clone, Copy, Debug)]
pub struct TimerFields<'a> {
    pub project_id: &'a str,
    pub deliverable_id: Option<&'a str>,
    pub note: Option<&'a str>,
    /// `None`: billable.
    pub billable: Option<bool>,
}

impl<'a> From<&'a TimerForm> for TimerFields<'a> {
    fn from(f: &'a TimerForm) -> Self {
        TimerFields {
            project_id: &f.project_id,
            deliverable_id: f.deliverable_id.as_deref(),
            note: f.note.as_deref(),
            // The form's box: `0`, `false`, `no` or `non` is not billable; anything else is.
            billable: mesure_domain::forms::blank(&f.billable)
                .map(|b| !matches!(b, "0" | "false" | "no" | "non")),
        }
    }
}

/// Starts a timer; a running one is stopped first and becomes an entry (switch).
pub async fn start_timer<'a>(
    app: &App,
    ctx: &Ctx,
    fields: impl Into<TimerFields<'a>>,
) -> Result<(TimerRow, Option<EntryView>)> {
    ctx.require(TimeAction::Log)?;
    let form = fields.into();
    let mut c = mesure_domain::validate::Checker::new();
    let project = Uuid::parse_str(form.project_id.trim()).ok();
    if project.is_none() {
        c.add("project_id", "err-required");
    }
    let deliverable = match mesure_domain::forms::given(form.deliverable_id) {
        None => None,
        Some(s) => {
            let d = Uuid::parse_str(s).ok();
            if d.is_none() {
                c.add("deliverable_id", "err-invalid");
            }
            d
        }
    };
    let note = c.optional("note", form.note, 2000).unwrap_or_default();
    c.finish()?;
    let (timer, stopped) = crate::write_tx!(app, tx => {
        let p = match projects::get(
            &mut tx.conn(),
            ctx.workspace,
            ProjectId::from_uuid(project.unwrap_or_default()),
        )
        .await
        {
            Ok(p) => p,
            Err(mesure_store::StoreError::NotFound) => {
                return Err(Invalid::one("project_id", "err-not-found").into());
            }
            Err(e) => return Err(e.into()),
        };
        if p.archived_at.is_some() {
            return Err(Invalid::one("project_id", "err-project-archived").into());
        }
        let stopped = stop_in(&mut tx.conn(), app, ctx).await?;
        let row = TimerRow {
            workspace_id: ctx.workspace.uuid(),
            user_id: ctx.user.uuid(),
            project_id: p.id,
            deliverable_id: deliverable,
            note: note.clone(),
            billable: form.billable.unwrap_or(true),
            started_at: app.now(),
        };
        store::start_timer(&mut tx.conn(), &row).await?;
        (row, stopped)
    })?;
    Ok((timer, stopped.as_ref().map(|e| EntryView::of(ctx, e))))
}

/// Stops the caller's timer: the elapsed time (seconds rounded to the minute, half up) becomes an
/// entry dated on the start day; under a minute nothing is logged.
pub async fn stop_timer(app: &App, ctx: &Ctx) -> Result<Option<EntryView>> {
    ctx.require(TimeAction::Log)?;
    let row = crate::write_tx!(app, tx => {
        stop_in(&mut tx.conn(), app, ctx).await?
    })?;
    Ok(row.as_ref().map(|e| EntryView::of(ctx, e)))
}

async fn stop_in(c: &mut Conn<'_>, app: &App, ctx: &Ctx) -> Result<Option<EntryRow>> {
    let Some(t) = store::timer(c, ctx.workspace, ctx.user.uuid()).await? else {
        return Ok(None);
    };
    store::delete_timer(c, ctx.workspace, ctx.user.uuid()).await?;
    let seconds = (app.now() - t.started_at) / 1_000_000;
    let minutes = Minutes::from_seconds_half_up(seconds)
        .get()
        .min(MAX_DAY_MINUTES);
    if minutes < 1 {
        return Ok(None);
    }
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let date = day_key(mesure_store::ts(t.started_at).to_zoned(tz).date());
    let input = EntryInput {
        user_id: None,
        project_id: t.project_id,
        deliverable_id: t.deliverable_id,
        change_request_id: None,
        date,
        minutes,
        note: t.note.clone(),
        billable: t.billable,
        scope: Scope::InScope,
        free_reason: None,
        free_note: None,
    };
    let mut row = prepare(c, app, ctx, &input, None).await?;
    recheck(c, ctx, &row, None).await?;
    row.source = EntrySource::Timer;
    store::insert(c, &row).await?;
    apply(c, &row, 1).await?;
    record::<(), _>(
        c,
        ctx.workspace,
        &ctx.actor(),
        row.created_at,
        "time_entry",
        row.id,
        "create",
        None,
        Some(&row),
    )
    .await?;
    crate::radar::recompute(c, app, ctx, row.project_id).await?;
    Ok(Some(row))
}

/// Time entries as CSV in the generic import layout (so an export imports back).
/// Every entry matching the query as CSV in the reader's dialect (read in pages of 5,000: an
/// export never stops at a cap). Mesure's importer reads it back (generic format).
pub async fn csv(app: &App, ctx: &Ctx, mut q: EntryQuery) -> Result<String> {
    ctx.require(TimeAction::Log)?;
    if !ctx.may(TimeAction::Manage) {
        q.user = Some(ctx.user.uuid());
    }
    q.limit = 5000;
    q.after = None;
    let mut c = app.db.read().await?;
    let people: std::collections::HashMap<Uuid, String> =
        users::list_staff(&mut c.conn(), ctx.workspace)
            .await?
            .into_iter()
            // A person made by an import without an address has none: the name identifies them
            // (and reads back into an import).
            .map(|u| {
                let who = if u.email.is_empty() { u.name } else { u.email };
                (u.id, who)
            })
            .collect();
    let projects_list = projects::list(&mut c.conn(), ctx.workspace, None, true).await?;
    let pnames: std::collections::HashMap<Uuid, (Uuid, String)> = projects_list
        .into_iter()
        .map(|p| (p.id, (p.client_id, p.name)))
        .collect();
    let cnames: std::collections::HashMap<Uuid, String> =
        mesure_store::clients::names(&mut c.conn(), ctx.workspace)
            .await?
            .into_iter()
            .collect();
    let dnames: std::collections::HashMap<Uuid, String> =
        mesure_store::projects::deliverable_names(&mut c.conn(), ctx.workspace)
            .await?
            .into_iter()
            .collect();
    // Money (the value at the billing rate) only for those who may see it.
    let money = crate::projects::sees_money(ctx);
    let mut w = crate::csv_out::writer_for(ctx.language);
    let mut columns = vec![
        "date",
        "person",
        "client",
        "project",
        "deliverable",
        "minutes",
        "note",
        "billable",
        "scope",
        "free_reason",
        "write_off_reason",
        "billed_minutes",
    ];
    if money {
        columns.push("value");
    }
    columns.push("locked");
    w.header(&columns)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    loop {
        let rows = store::list(&mut c.conn(), ctx.workspace, &q).await?;
        for e in &rows {
            let (client_id, pname) = pnames.get(&e.project_id).cloned().unwrap_or_default();
            let dname = e
                .deliverable_id
                .and_then(|d| dnames.get(&d).cloned())
                .unwrap_or_default();
            let date = day_from_key(e.work_date)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let value =
                mesure_domain::projects::engagement::value_of(e.billed_minutes, e.rate_minor);
            let value = w.decimal(
                &mesure_domain::Money::from_minor(value, ctx.workspace_currency)
                    .to_decimal_string(),
            );
            let (billable, locked) = (w.yes_no(e.billable), w.yes_no(e.locked));
            let mut record = vec![
                date,
                people.get(&e.user_id).cloned().unwrap_or_default(),
                cnames.get(&client_id).cloned().unwrap_or_default(),
                pname,
                dname,
                e.minutes.to_string(),
                e.note.clone(),
                billable,
                e.scope.as_str().to_string(),
                e.free_reason
                    .map(|r| r.as_str())
                    .unwrap_or_default()
                    .to_string(),
                e.write_off_reason
                    .map(|r| r.as_str())
                    .unwrap_or_default()
                    .to_string(),
                e.billed_minutes.to_string(),
            ];
            if money {
                record.push(value);
            }
            record.push(locked);
            w.write_record(record)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
        }
        match rows.last() {
            Some(last) if rows.len() as i64 == q.limit => q.after = Some(EntryCursor::of(last)),
            _ => break,
        }
    }
    String::from_utf8(
        w.into_inner()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    )
    .map_err(|e| ServiceError::Internal(e.to_string()))
}
