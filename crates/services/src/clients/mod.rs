//! Client organisations: create, edit, archive, delete when unreferenced, list, export.
use mesure_domain::{ClientsAction, PortalAction};
pub mod contacts;
pub mod views;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::clients::{ClientForm, Defaults, search_key};
use mesure_domain::{ClientId, Currency, Language};
use mesure_store::ArchiveFilter;
use mesure_store::clients::contacts as contact_rows;
use mesure_store::clients::{self, ClientRow, ListQuery};
pub use views::{ClientView, ContactView};

/// The workspace defaults for fields a client form leaves empty (read with the caller's identity).
fn defaults(ctx: &Ctx) -> (Currency, Language, String) {
    (
        ctx.workspace_currency,
        ctx.workspace_language,
        ctx.time_zone.clone(),
    )
}

fn fill(row: &mut ClientRow, form: &ClientForm, d: &(Currency, Language, String)) -> Result<()> {
    let input = form.parse(&Defaults {
        currency: d.0,
        language: d.1,
        time_zone: &d.2,
    })?;
    row.name_key = mesure_domain::text::name_key(&input.name);
    row.search_key = search_key(&[
        Some(&input.name),
        input.legal_name.as_deref(),
        input.siren.as_deref(),
        input.vat_number.as_deref(),
        input.segment.as_deref(),
    ]);
    row.name = input.name;
    row.legal_name = input.legal_name;
    row.siren = input.siren;
    row.vat_number = input.vat_number;
    row.billing_address = input.billing_address;
    row.currency = input.currency;
    row.language = input.language;
    row.time_zone = input.time_zone;
    row.segment = input.segment;
    row.notes = input.notes;
    Ok(())
}

pub async fn create(app: &App, ctx: &Ctx, form: &ClientForm) -> Result<ClientView> {
    ctx.require(ClientsAction::Write)?;
    let d = defaults(ctx);
    let now = app.now();
    let mut row = ClientRow {
        workspace_id: ctx.workspace.uuid(),
        id: ClientId::new().uuid(),
        name: String::new(),
        name_key: String::new(),
        search_key: String::new(),
        legal_name: None,
        siren: None,
        vat_number: None,
        billing_address: None,
        // Both set by `fill` (the form's, else the workspace's).
        currency: d.0,
        language: d.1,
        time_zone: String::new(),
        segment: None,
        notes: None,
        archived_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    fill(&mut row, form, &d)?;
    crate::write_tx!(app, tx => {
        clients::insert(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "client",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
    })?;
    Ok(row.into())
}

/// Saves an edit; `version` (from the form) guards against overwriting someone else's change.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: ClientId,
    form: &ClientForm,
    version: Option<i32>,
) -> Result<ClientView> {
    ctx.require(ClientsAction::Write)?;
    let d = defaults(ctx);
    crate::write_tx!(app, tx => {
        let before = clients::get(&mut tx.conn(), ctx.workspace, id).await?;
        let mut after = before.clone();
        fill(&mut after, form, &d)?;
        after.updated_at = app.now();
        clients::update(&mut tx.conn(), &after, version.unwrap_or(before.version)).await?;
        after.version = before.version + 1;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "client",
            after.id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })
    .map(ClientView::from)
}

/// Archives (`true`) or restores (`false`) a client.
pub async fn set_archived(
    app: &App,
    ctx: &Ctx,
    id: ClientId,
    archived: bool,
) -> Result<ClientView> {
    ctx.require(ClientsAction::Write)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let before = clients::get(&mut tx.conn(), ctx.workspace, id).await?;
        let mut after = before.clone();
        after.archived_at = if archived {
            before.archived_at.or(Some(now))
        } else {
            None
        };
        after.updated_at = now;
        clients::update(&mut tx.conn(), &after, before.version).await?;
        after.version = before.version + 1;
        let action = if archived { "archive" } else { "unarchive" };
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "client",
            id.uuid(),
            action,
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })
    .map(ClientView::from)
}

/// Deletes a client that nothing references; otherwise it must be archived.
pub async fn delete(app: &App, ctx: &Ctx, id: ClientId) -> Result<()> {
    ctx.require(ClientsAction::Write)?;
    crate::write_tx!(app, tx => {
        let before = clients::get(&mut tx.conn(), ctx.workspace, id).await?;
        let q = contact_rows::ListQuery {
            client: Some(id),
            archive: ArchiveFilter::All,
            limit: 1,
            ..Default::default()
        };
        if contact_rows::count(&mut tx.conn(), ctx.workspace, &q).await? > 0 {
            return Err(ServiceError::Conflict("err-client-referenced"));
        }
        // Projects (and through them time) refer to the client: a 409, not a foreign-key 500.
        let (_, projects) = mesure_store::projects::page(
            &mut tx.conn(),
            ctx.workspace,
            Some(id.uuid()),
            true,
            None,
            1,
        )
        .await?;
        if projects > 0 {
            return Err(ServiceError::Conflict("err-client-has-projects"));
        }
        // Its billing details go with it (invoices need projects, refused above).
        mesure_store::invoicing::delete_billing(&mut tx.conn(), ctx.workspace, id.uuid()).await?;
        clients::delete(&mut tx.conn(), ctx.workspace, id).await?;
        record::<_, ()>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "client",
            id.uuid(),
            "delete",
            Some(&before),
            None,
        )
        .await?;
    })
}

/// A client's full record (the agency's: notes, segment, identifiers): staff only. Portal
/// contacts see their organisation through [`own_organisation`].
pub async fn get(app: &App, ctx: &Ctx, id: ClientId) -> Result<ClientView> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(clients::get(&mut conn.conn(), ctx.workspace, id)
        .await?
        .into())
}

/// What a portal contact sees of their own organisation: its names, address and currency —
/// never the agency's notes, segment or identifiers.
#[derive(Clone, Debug)]
pub struct PortalOrganisation {
    pub name: String,
    pub legal_name: Option<String>,
    pub billing_address: Option<String>,
    pub currency: String,
}

/// The caller's own organisation, for the portal.
pub async fn own_organisation(app: &App, ctx: &Ctx) -> Result<PortalOrganisation> {
    ctx.require(PortalAction::View)?;
    let id = ctx.client.ok_or(ServiceError::NotFound)?;
    let mut conn = app.db.read().await?;
    let c = clients::get(&mut conn.conn(), ctx.workspace, id).await?;
    Ok(PortalOrganisation {
        name: c.name,
        legal_name: c.legal_name,
        billing_address: c.billing_address,
        currency: c.currency.code().to_string(),
    })
}

/// A page of clients, whether more follow, and the total matching.
pub async fn list(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<(Vec<ClientView>, bool, i64)> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    let mut c = conn.conn();
    let (rows, more, total) = clients::list_counted(&mut c, ctx.workspace, q).await?;
    Ok((
        rows.into_iter().map(ClientView::from).collect(),
        more,
        total,
    ))
}

/// Every client's id and name (filters and pickers).
pub async fn names(app: &App, ctx: &Ctx) -> Result<Vec<(uuid::Uuid, String)>> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(clients::names(&mut conn.conn(), ctx.workspace).await?)
}

pub async fn segments(app: &App, ctx: &Ctx) -> Result<Vec<String>> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(clients::segments(&mut conn.conn(), ctx.workspace).await?)
}

/// Every client matching the filters as CSV (read in pages of 1,000).
pub async fn csv(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<String> {
    ctx.require(ClientsAction::Read)?;
    let mut out = crate::csv_out::writer_for(ctx.language);
    let err = |e: csv::Error| ServiceError::Internal(e.to_string());
    out.header(&[
        "id",
        "name",
        "legal_name",
        "siren",
        "vat_number",
        "billing_address",
        "currency",
        "language",
        "time_zone",
        "segment",
        "notes",
        "archived",
        "created_at",
    ])
    .map_err(err)?;
    let mut q = ListQuery {
        after: None,
        limit: 1000,
        ..q.clone()
    };
    let mut conn = app.db.read().await?;
    loop {
        let (rows, more) = clients::list(&mut conn.conn(), ctx.workspace, &q).await?;
        for r in &rows {
            out.write_record([
                r.id.to_string().as_str(),
                &r.name,
                r.legal_name.as_deref().unwrap_or(""),
                r.siren.as_deref().unwrap_or(""),
                r.vat_number.as_deref().unwrap_or(""),
                r.billing_address.as_deref().unwrap_or(""),
                r.currency.code(),
                r.language.as_str(),
                &r.time_zone,
                r.segment.as_deref().unwrap_or(""),
                r.notes.as_deref().unwrap_or(""),
                &out.yes_no(r.archived_at.is_some()),
                &mesure_store::ts(r.created_at).to_string(),
            ])
            .map_err(err)?;
        }
        match rows.last() {
            Some(last) if more => q.after = Some(last.cursor(q.sort)),
            _ => break,
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.to_string()))
}
