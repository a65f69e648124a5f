//! Setting the desk up: the workspace's default SLA policy and per-client policies (a change
//! recomputes the deadlines of the open tickets it governs, their paused time kept, since the
//! clocks are recomputed from the events), the warning lead, the category tree and canned
//! replies.
use super::clocks;
use super::tickets::ensure_settings;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::desk::forms::{PolicyForm, canned, category_name};
use mesure_domain::desk::sla::Policy;
use mesure_domain::{ClientId, DeskAction, Invalid};
use mesure_store::Conn;
use mesure_store::desk::setup::{self as store, CannedRow, CategoryRow};
use mesure_store::desk::{self as tickets};
use uuid::Uuid;

/// The desk's setup as its page shows it.
#[derive(Clone, Debug)]
pub struct Setup {
    pub policy: Policy,
    pub warn_minutes: i64,
    /// Clients with their own policy: (client, its name, policy).
    pub client_policies: Vec<(Uuid, String, Policy)>,
    /// Clients with their own business calendar: (client, its name), by name.
    pub client_calendars: Vec<(Uuid, String)>,
    pub categories: Vec<CategoryRow>,
    pub canned: Vec<CannedRow>,
    /// What becomes of mail from an unknown sender: `pending` (held for staff) or `refuse`.
    pub unknown_senders: String,
    /// The desk's own address (Reply-To of its mail).
    pub address: Option<String>,
    /// The public request form's key, when the form is on.
    pub form_key: Option<String>,
}

pub async fn setup(app: &App, ctx: &Ctx) -> Result<Setup> {
    ctx.require(DeskAction::Read)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let policy = clocks::default_policy(c, ctx.workspace).await?;
    let settings = store::settings(c, ctx.workspace).await?;
    let warn_minutes = settings
        .as_ref()
        .map_or(clocks::DEFAULT_WARN_MINUTES, |s| s.warn_minutes);
    let names: std::collections::HashMap<Uuid, String> =
        mesure_store::clients::names(c, ctx.workspace)
            .await?
            .into_iter()
            .collect();
    let mut client_policies: Vec<(Uuid, String, Policy)> = store::client_policies(c, ctx.workspace)
        .await?
        .into_iter()
        .filter_map(|(id, p)| {
            let p = serde_json::from_str(&p).ok()?;
            Some((id, names.get(&id).cloned().unwrap_or_default(), p))
        })
        .collect();
    client_policies.sort_by(|a, b| a.1.cmp(&b.1));
    let mut client_calendars: Vec<(Uuid, String)> = store::client_calendars(c, ctx.workspace)
        .await?
        .into_iter()
        .map(|id| (id, names.get(&id).cloned().unwrap_or_default()))
        .collect();
    client_calendars.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Setup {
        policy,
        warn_minutes,
        client_policies,
        client_calendars,
        categories: store::categories(c, ctx.workspace).await?,
        canned: store::canned(c, ctx.workspace).await?,
        unknown_senders: settings
            .as_ref()
            .map_or_else(|| "pending".to_string(), |s| s.unknown_senders.clone()),
        form_key: settings.as_ref().and_then(|s| s.form_key.clone()),
        address: settings.and_then(|s| s.address),
    })
}

/// Turns the public request form on with a new link (an earlier link stops working) or off.
pub async fn save_form(app: &App, ctx: &Ctx, on: bool) -> Result<Option<String>> {
    ctx.require(DeskAction::Manage)?;
    let key = if on {
        Some(crate::secrets::random_token(18)?)
    } else {
        None
    };
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        ensure_settings(c, ctx, now).await?;
        let before = store::settings(c, ctx.workspace).await?.ok_or(ServiceError::NotFound)?;
        let row = store::SettingsRow { form_key: key.clone(), ..before.clone() };
        store::save_settings(c, ctx.workspace, &row, now).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_policy", ctx.workspace.uuid(), "update",
            Some(&serde_json::json!({"public_form": before.form_key.is_some()})),
            Some(&serde_json::json!({"public_form": on}))).await?;
    })?;
    Ok(key)
}

/// Saves how the desk takes e-mail: its own address (blank: none) and what becomes of mail
/// from unknown senders (`pending`: held for staff to name their client; `refuse`).
pub async fn save_mail(app: &App, ctx: &Ctx, address: &str, unknown: &str) -> Result<()> {
    ctx.require(DeskAction::Manage)?;
    let mut chk = mesure_domain::validate::Checker::new();
    let address = if address.trim().is_empty() {
        None
    } else {
        Some(chk.email("address", address))
    };
    if !matches!(unknown, "pending" | "refuse") {
        chk.add("unknown_senders", "err-choice");
    }
    chk.finish()?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        ensure_settings(c, ctx, now).await?;
        let before = store::settings(c, ctx.workspace).await?.ok_or(ServiceError::NotFound)?;
        let row = store::SettingsRow {
            unknown_senders: unknown.to_string(),
            address: address.clone(),
            ..before.clone()
        };
        store::save_settings(c, ctx.workspace, &row, now).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_policy", ctx.workspace.uuid(), "update",
            Some(&serde_json::json!({"address": before.address, "hold_unknown_senders": before.unknown_senders == "pending"})),
            Some(&serde_json::json!({"address": address, "hold_unknown_senders": unknown == "pending"}))).await?;
    })?;
    Ok(())
}

/// Recomputes the deadlines of open tickets (of `client`, else of every client without a policy
/// of their own) after a policy change.
async fn recompute(c: &mut Conn<'_>, ctx: &Ctx, client: Option<Uuid>, now: i64) -> Result<usize> {
    let clients: Vec<Uuid> = match client {
        Some(cl) => vec![cl],
        None => {
            let own: std::collections::HashSet<Uuid> = store::client_policies(c, ctx.workspace)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            mesure_store::clients::names(c, ctx.workspace)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| !own.contains(id))
                .collect()
        }
    };
    recompute_clients(c, ctx, &clients, now).await
}

/// Recomputes the clocks of these clients' open tickets; answers how many.
async fn recompute_clients(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    clients: &[Uuid],
    now: i64,
) -> Result<usize> {
    let mut n = 0;
    for &cl in clients {
        let open = tickets::open_of_client(c, ctx.workspace, cl).await?;
        if open.is_empty() {
            continue;
        }
        let rules = clocks::rules(c, ctx.workspace, &ctx.time_zone, cl).await?;
        for mut t in open {
            let events = tickets::events(c, ctx.workspace, t.id).await?;
            clocks::refresh(&rules, &mut t, &clocks::changes(&events), now);
            tickets::update(c, &t).await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Saves the workspace's default policy and warning lead; answers how many open tickets were
/// recomputed.
pub async fn save_policy(app: &App, ctx: &Ctx, form: &PolicyForm, warn: &str) -> Result<usize> {
    ctx.require(DeskAction::Manage)?;
    let policy = form.parse("workspace");
    let warn_minutes =
        mesure_domain::forms::parse_duration(warn).filter(|m| (1..=10_080).contains(m));
    let policy = match (policy, warn_minutes) {
        (Ok(p), Some(_)) => p,
        (Ok(_), None) => return Err(Invalid::one("warn", "err-desk-warn").into()),
        (Err(mut inv), w) => {
            if w.is_none() {
                inv.push("warn", "err-desk-warn");
            }
            return Err(inv.into());
        }
    };
    let warn_minutes = warn_minutes.unwrap_or(clocks::DEFAULT_WARN_MINUTES);
    let json = serde_json::to_string(&policy).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let now = app.now();
    let n = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        ensure_settings(c, ctx, now).await?;
        let before = store::settings(c, ctx.workspace).await?;
        let row = store::SettingsRow {
            unknown_senders: before.as_ref().map_or_else(|| "pending".to_string(), |s| s.unknown_senders.clone()),
            policy: json.clone(),
            warn_minutes,
            address: before.as_ref().and_then(|s| s.address.clone()),
            form_key: before.as_ref().and_then(|s| s.form_key.clone()),
        };
        store::save_settings(c, ctx.workspace, &row, now).await?;
        let n = recompute(c, ctx, None, now).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_policy", ctx.workspace.uuid(), "update",
            before.map(|b| serde_json::json!({"policy": serde_json::from_str::<serde_json::Value>(&b.policy).ok(), "warn_minutes": b.warn_minutes})).as_ref(),
            Some(&serde_json::json!({"policy": policy, "warn_minutes": warn_minutes}))).await?;
        n
    })?;
    Ok(n)
}

/// Sets (or, with `None`, removes) a client's own policy; answers how many open tickets were
/// recomputed.
pub async fn save_client_policy(
    app: &App,
    ctx: &Ctx,
    client: Uuid,
    form: Option<&PolicyForm>,
) -> Result<usize> {
    ctx.require(DeskAction::Manage)?;
    let policy = form.map(|f| f.parse("client")).transpose()?;
    let json = policy
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let now = app.now();
    let n = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let row = mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await?;
        store::save_client_policy(c, ctx.workspace, client, json.as_deref(), now).await?;
        let n = recompute(c, ctx, Some(client), now).await?;
        record(c, ctx.workspace, &ctx.actor(), now, "desk_policy", client, if policy.is_some() { "update" } else { "delete" },
            None::<&()>, Some(&serde_json::json!({"name": row.name, "policy": policy}))).await?;
        n
    })?;
    Ok(n)
}

/// Recomputes the open tickets of `client` (else of every client without its own calendar)
/// after a calendar change; answers how many.
pub(crate) async fn recompute_calendar(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    client: Option<Uuid>,
    now: i64,
) -> Result<usize> {
    let clients: Vec<Uuid> = match client {
        Some(cl) => vec![cl],
        None => {
            let own: std::collections::HashSet<Uuid> = store::client_calendars(c, ctx.workspace)
                .await?
                .into_iter()
                .collect();
            mesure_store::clients::names(c, ctx.workspace)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| !own.contains(id))
                .collect()
        }
    };
    recompute_clients(c, ctx, &clients, now).await
}

/// A client's calendar as its form shows it, and whether it is the client's own (else the
/// workspace's, shown as the starting point).
pub async fn client_calendar(
    app: &App,
    ctx: &Ctx,
    client: Uuid,
) -> Result<(mesure_domain::calendar::form::CalendarForm, bool)> {
    ctx.require(DeskAction::Manage)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await?;
    if let Some(r) = store::client_calendar(c, ctx.workspace, client).await? {
        let cal = crate::portal::calendar::cal_of(&r);
        return Ok((
            mesure_domain::calendar::form::CalendarForm::of(&cal, &r.time_zone),
            true,
        ));
    }
    let (form, _) = crate::portal::calendar::form_of(c, ctx).await?;
    Ok((form, false))
}

/// Sets (or, with `None`, removes) a client's own calendar, every field checked first;
/// recomputes the client's open tickets and answers how many.
pub async fn save_client_calendar(
    app: &App,
    ctx: &Ctx,
    client: Uuid,
    form: Option<&mesure_domain::calendar::form::CalendarForm>,
) -> Result<usize> {
    ctx.require(DeskAction::Manage)?;
    let row = match form {
        Some(f) => {
            let cal = f.parse()?;
            Some(crate::portal::calendar::row(&cal, f.time_zone.trim())?)
        }
        None => None,
    };
    let now = app.now();
    let n = crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let client_row = mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await?;
        let before = store::client_calendar(c, ctx.workspace, client).await?;
        store::save_client_calendar(c, ctx.workspace, client, row.as_ref(), now).await?;
        let n = recompute_clients(c, ctx, &[client], now).await?;
        let payload = |r: &mesure_store::portal::questions::CalendarRow| crate::portal::calendar::audit_payload(&client_row.name, r);
        record(c, ctx.workspace, &ctx.actor(), now, "desk_calendar", client, if row.is_some() { "update" } else { "delete" },
            before.as_ref().map(payload).as_ref(), row.as_ref().map(payload).as_ref()).await?;
        n
    })?;
    Ok(n)
}

/// Whether `parent` may hold a category `id` (not itself, nor one of its own descendants).
fn acyclic(all: &[CategoryRow], id: Uuid, parent: Uuid) -> bool {
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(p) = cur {
        if p == id || steps > all.len() {
            return false;
        }
        cur = all.iter().find(|k| k.id == p).and_then(|k| k.parent_id);
        steps += 1;
    }
    true
}

/// Adds a category, or renames, moves or archives one (`id` given).
pub async fn save_category(
    app: &App,
    ctx: &Ctx,
    id: Option<Uuid>,
    name: &str,
    parent: Option<Uuid>,
    archived: bool,
) -> Result<Uuid> {
    ctx.require(DeskAction::Manage)?;
    let name = category_name(name)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let all = store::categories(c, ctx.workspace).await?;
        if let Some(p) = parent
            && (!all.iter().any(|k| k.id == p) || id.is_some_and(|i| !acyclic(&all, i, p)))
        {
            return Err(Invalid::one("parent_id", "err-desk-parent").into());
        }
        let row = CategoryRow {
            id: id.unwrap_or_else(Uuid::now_v7),
            parent_id: parent,
            name: name.clone(),
            archived_at: archived.then_some(now),
        };
        match id {
            Some(i) => {
                let before = all.iter().find(|k| k.id == i).ok_or(ServiceError::NotFound)?;
                let row = CategoryRow { archived_at: if archived { before.archived_at.or(Some(now)) } else { None }, ..row };
                store::save_category(c, ctx.workspace, &row).await?;
                record(c, ctx.workspace, &ctx.actor(), now, "desk_category", i, "update", Some(before), Some(&row)).await?;
            }
            None => {
                store::insert_category(c, ctx.workspace, &row, now).await?;
                record(c, ctx.workspace, &ctx.actor(), now, "desk_category", row.id, "create", None::<&()>, Some(&row)).await?;
            }
        }
        row.id
    })
}

/// Adds a canned reply, or edits or archives one (`id` given).
pub async fn save_canned(
    app: &App,
    ctx: &Ctx,
    id: Option<Uuid>,
    title: &str,
    body: &str,
    archived: bool,
) -> Result<Uuid> {
    ctx.require(DeskAction::Manage)?;
    let (title, body) = canned(title, body)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let row = CannedRow { id: id.unwrap_or_else(Uuid::now_v7), title: title.clone(), body: body.clone(), archived_at: archived.then_some(now) };
        let audit = serde_json::json!({"name": row.title});
        match id {
            Some(i) => {
                let all = store::canned(c, ctx.workspace).await?;
                if !all.iter().any(|k| k.id == i) {
                    return Err(ServiceError::NotFound);
                }
                store::save_canned(c, ctx.workspace, &row, now).await?;
                record(c, ctx.workspace, &ctx.actor(), now, "desk_canned", i, if archived { "archive" } else { "update" }, None::<&()>, Some(&audit)).await?;
            }
            None => {
                store::insert_canned(c, ctx.workspace, &row, now).await?;
                record(c, ctx.workspace, &ctx.actor(), now, "desk_canned", row.id, "create", None::<&()>, Some(&audit)).await?;
            }
        }
        row.id
    })
}
