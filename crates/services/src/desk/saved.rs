//! Saved ticket views: a person keeps a list's filters, sort and search under a name (at most
//! [`MAX_VIEWS`]), beside the built-in views; a desk manager may share one with everyone. A
//! view is its query string, made of the list's known fields only and checked as the list
//! checks it when saved.
use super::views::{self, ListQuery};
use crate::{App, Ctx, Result};
use mesure_domain::{DeskAction, Invalid};
use mesure_store::desk::saved::{self as store, SavedRow};
use uuid::Uuid;

/// The most views one person may save.
pub const MAX_VIEWS: i64 = 30;
/// The longest view name, in characters.
pub const MAX_NAME: usize = 80;

/// A saved view as a reader sees it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The list's query string (`status=open&q=facture`…).
    pub query: String,
    pub shared: bool,
    /// The reader saved it (else a manager shared it).
    pub mine: bool,
    /// The reader may delete it.
    pub deletable: bool,
}

/// A list's filters as query pairs: its known fields given, in one order.
pub fn query_pairs(q: &ListQuery) -> Vec<(&'static str, String)> {
    [
        ("view", &q.view),
        ("status", &q.status),
        ("assignee_id", &q.assignee_id),
        ("client_id", &q.client_id),
        ("priority", &q.priority),
        ("kind", &q.kind),
        ("tier", &q.tier),
        ("category_id", &q.category_id),
        ("q", &q.q),
        ("sort", &q.sort),
        ("created_from", &q.created_from),
        ("created_to", &q.created_to),
        ("resolved_from", &q.resolved_from),
        ("resolved_to", &q.resolved_to),
    ]
    .into_iter()
    .filter_map(|(k, v)| mesure_domain::forms::given(v.as_deref()).map(|v| (k, v.to_string())))
    .collect()
}

/// The query string of a list's filters (a saved view's).
pub fn query_string(q: &ListQuery) -> String {
    serde_urlencoded::to_string(query_pairs(q)).unwrap_or_default()
}

fn may_delete(ctx: &Ctx, r: &SavedRow) -> bool {
    r.user_id == ctx.user.uuid() || (r.shared && ctx.may(DeskAction::Manage))
}

/// The views the reader sees: their own and the shared ones, by name.
pub async fn visible(app: &App, ctx: &Ctx) -> Result<Vec<SavedView>> {
    ctx.require(DeskAction::Read)?;
    let mut conn = app.db.read().await?;
    let rows = store::visible(&mut conn.conn(), ctx.workspace, ctx.user.uuid()).await?;
    Ok(rows
        .into_iter()
        .map(|r| SavedView {
            id: r.id,
            mine: r.user_id == ctx.user.uuid(),
            deletable: may_delete(ctx, &r),
            name: r.name,
            query: r.query,
            shared: r.shared,
        })
        .collect())
}

/// Saves the list `q` under `name`; `shared` asks the desk's manage right. The filters are
/// checked as the list checks them (a bad one is its field's error); a name the person already
/// uses is an error on `name`.
pub async fn save(app: &App, ctx: &Ctx, name: &str, q: &ListQuery, shared: bool) -> Result<Uuid> {
    ctx.require(DeskAction::Read)?;
    if shared {
        ctx.require(DeskAction::Manage)?;
    }
    let mut chk = mesure_domain::validate::Checker::new();
    let name = chk.required("name", name, MAX_NAME);
    chk.finish()?;
    let mut probe = q.clone();
    probe.after = None;
    views::check(ctx, &probe)?;
    let query = query_string(&probe);
    let row = SavedRow {
        id: Uuid::now_v7(),
        user_id: ctx.user.uuid(),
        name,
        query,
        shared,
    };
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        if store::own_count(c, ctx.workspace, ctx.user.uuid()).await? >= MAX_VIEWS {
            return Err(Invalid::one("name", "err-desk-views-limit").into());
        }
        store::insert(c, ctx.workspace, &row, now).await?;
    })?;
    Ok(row.id)
}

/// Deletes a view: one's own, or a shared one by a desk manager; anything else is not found.
pub async fn delete(app: &App, ctx: &Ctx, id: Uuid) -> Result<()> {
    ctx.require(DeskAction::Read)?;
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let r = store::get(c, ctx.workspace, id).await?;
        if !may_delete(ctx, &r) {
            return Err(crate::ServiceError::NotFound);
        }
        store::delete(c, ctx.workspace, id).await?;
    })?;
    Ok(())
}
