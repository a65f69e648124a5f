//! What a reader is shown of time entries: the entry's rates only for readers who may
//! see money (`ProjectsAction::ReadMoney`); store rows stay in services.
use crate::Ctx;
use crate::projects::sees_money;
use mesure_domain::projects::engagement::{FreeReason, Scope};
use mesure_domain::time::EntrySource;
use mesure_store::time::{EntryCursor, EntryRow};
use uuid::Uuid;

/// A time entry as its reader may see it.
#[derive(Clone, Debug)]
pub struct EntryView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub project_id: Uuid,
    pub client_id: Uuid,
    pub deliverable_id: Option<Uuid>,
    pub change_request_id: Option<Uuid>,
    /// `YYYYMMDD`.
    pub work_date: i32,
    pub minutes: i64,
    /// After the rounding rule; zero when written off or free.
    pub billed_minutes: i64,
    pub note: String,
    pub billable: bool,
    pub scope: Scope,
    pub free_reason: Option<FreeReason>,
    pub free_note: Option<String>,
    pub free_approved_by: Option<Uuid>,
    pub write_off_reason: Option<FreeReason>,
    pub write_off_note: Option<String>,
    pub write_off_by: Option<Uuid>,
    pub locked: bool,
    pub invoiced_at: Option<i64>,
    pub source: EntrySource,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
    /// Absent for readers who may not see money.
    pub money: Option<EntryMoney>,
}

/// An entry's rates, in minor units of its project's currency per hour.
#[derive(Clone, Copy, Debug)]
pub struct EntryMoney {
    pub rate: i64,
    pub cost_rate: i64,
}

impl EntryView {
    /// `e` as `ctx` may see it; typed states come typed from the row.
    pub fn of(ctx: &Ctx, e: &EntryRow) -> EntryView {
        EntryView {
            id: e.id,
            user_id: e.user_id,
            project_id: e.project_id,
            client_id: e.client_id,
            deliverable_id: e.deliverable_id,
            change_request_id: e.change_request_id,
            work_date: e.work_date,
            minutes: e.minutes,
            billed_minutes: e.billed_minutes,
            note: e.note.clone(),
            billable: e.billable,
            scope: e.scope,
            free_reason: e.free_reason,
            free_note: e.free_note.clone(),
            free_approved_by: e.free_approved_by,
            write_off_reason: e.write_off_reason,
            write_off_note: e.write_off_note.clone(),
            write_off_by: e.write_off_by,
            locked: e.locked,
            invoiced_at: e.invoiced_at,
            source: e.source,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
            money: sees_money(ctx).then_some(EntryMoney {
                rate: e.rate_minor,
                cost_rate: e.cost_minor,
            }),
        }
    }

    pub fn all(ctx: &Ctx, rows: &[EntryRow]) -> Vec<EntryView> {
        rows.iter().map(|e| EntryView::of(ctx, e)).collect()
    }

    /// Its position in lists, for the next page's cursor.
    pub fn cursor(&self) -> EntryCursor {
        EntryCursor {
            work_date: self.work_date,
            created_at: self.created_at,
            id: self.id,
        }
    }

    /// Logged as free work.
    pub fn is_free(&self) -> bool {
        self.scope == Scope::Free
    }
}
