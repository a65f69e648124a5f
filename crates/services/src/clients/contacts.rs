//! Contacts of client organisations, and their portal logins.
use crate::audit::record;
use crate::clients::views::ContactView;
use crate::people::views::UserView;
use crate::secrets::{hash_password, random_password};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::ClientsAction;
use mesure_domain::clients::{ContactForm, search_key};
use mesure_domain::validate::Invalid;
use mesure_domain::{ClientId, ContactId, Language, UserId};
use mesure_store::clients::contacts::{self, ContactRow, ListQuery};
use mesure_store::people::users::{self, UserRow};
use mesure_store::{auth::sessions, clients};

fn fill(row: &mut ContactRow, form: &ContactForm, lang: Language) -> Result<()> {
    let input = form.parse(lang)?;
    row.sort_key = format!("{} {}", input.last_name, input.first_name).to_lowercase();
    row.search_key = search_key(&[
        Some(&input.first_name),
        Some(&input.last_name),
        input.email.as_deref(),
        input.phone.as_deref(),
        input.job_title.as_deref(),
    ]);
    row.first_name = input.first_name;
    row.last_name = input.last_name;
    row.email = input.email;
    row.phone = input.phone;
    row.job_title = input.job_title;
    row.contact_role = input.contact_role;
    row.language = input.language;
    Ok(())
}

pub async fn create(
    app: &App,
    ctx: &Ctx,
    client: ClientId,
    form: &ContactForm,
) -> Result<ContactView> {
    ctx.require(ClientsAction::WriteContacts)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let owner = clients::get(&mut tx.conn(), ctx.workspace, client).await?;
        let mut row = ContactRow {
            workspace_id: ctx.workspace.uuid(),
            id: ContactId::new().uuid(),
            client_id: owner.id,
            first_name: String::new(),
            last_name: String::new(),
            sort_key: String::new(),
            search_key: String::new(),
            email: None,
            phone: None,
            job_title: None,
            // Both set by `fill` from the form (the language defaults to the organisation's).
            contact_role: mesure_domain::ContactRole::Viewer,
            language: owner.language,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        fill(
            &mut row,
            form,
            owner.language,
        )?;
        contacts::insert(&mut tx.conn(), &row).await?;
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "contact",
            row.id,
            "create",
            None,
            Some(&row),
        )
        .await?;
        row
    })
    .map(ContactView::from)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: ContactId,
    form: &ContactForm,
    version: Option<i32>,
) -> Result<ContactView> {
    ctx.require(ClientsAction::WriteContacts)?;
    crate::write_tx!(app, tx => {
        let before = contacts::get(&mut tx.conn(), ctx.workspace, id).await?;
        let mut after = before.clone();
        fill(
            &mut after,
            form,
            before.language,
        )?;
        after.updated_at = app.now();
        contacts::update(&mut tx.conn(), &after, version.unwrap_or(before.version)).await?;
        after.version = before.version + 1;
        follow_login(&mut tx.conn(), ctx, &before, &after).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            after.updated_at,
            "contact",
            after.id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })
    .map(ContactView::from)
}

/// Keeps a contact's portal login in step with the contact: its e-mail (the login), its name and
/// its portal role. A contact whose e-mail is removed loses the login, its sessions and tokens;
/// a changed e-mail or role ends the sessions and tokens opened under the old ones.
async fn follow_login(
    c: &mut mesure_store::Conn<'_>,
    ctx: &Ctx,
    before: &ContactRow,
    after: &ContactRow,
) -> Result<()> {
    let Some(login) = users::find_for_contact(c, ctx.workspace, after.id).await? else {
        return Ok(());
    };
    let name = format!("{} {}", after.first_name, after.last_name);
    let changed = before.email != after.email || before.contact_role != after.contact_role;
    match &after.email {
        None => {
            users::set_active(
                c,
                ctx.workspace,
                UserId::from_uuid(login.id),
                false,
                after.updated_at,
            )
            .await?;
        }
        Some(email) => {
            let r = users::update_contact_login(
                c,
                ctx.workspace,
                UserId::from_uuid(login.id),
                email,
                &name,
                after.contact_role.as_str(),
                after.updated_at,
            )
            .await;
            // An address that is another login's (maybe in another workspace) is refused as any
            // unusable address (`services::conflicts`); the server log says which.
            r?;
        }
    }
    if changed || after.email.is_none() {
        sessions::end_credentials(c, ctx.workspace.uuid(), login.id).await?;
    }
    Ok(())
}

pub async fn set_archived(
    app: &App,
    ctx: &Ctx,
    id: ContactId,
    archived: bool,
) -> Result<ContactView> {
    ctx.require(ClientsAction::WriteContacts)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let before = contacts::get(&mut tx.conn(), ctx.workspace, id).await?;
        let mut after = before.clone();
        after.archived_at = if archived {
            before.archived_at.or(Some(now))
        } else {
            None
        };
        after.updated_at = now;
        contacts::update(&mut tx.conn(), &after, before.version).await?;
        after.version = before.version + 1;
        if archived {
            // An archived contact can no longer sign in to the portal.
            if let Some(login) =
                users::find_for_contact(&mut tx.conn(), ctx.workspace, id.uuid()).await?
            {
                users::set_active(
                    &mut tx.conn(),
                    ctx.workspace,
                    UserId::from_uuid(login.id),
                    false,
                    app.now(),
                )
                .await?;
                sessions::end_credentials(&mut tx.conn(), ctx.workspace.uuid(), login.id).await?;
            }
        }
        let action = if archived { "archive" } else { "unarchive" };
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "contact",
            id.uuid(),
            action,
            Some(&before),
            Some(&after),
        )
        .await?;
        after
    })
    .map(ContactView::from)
}

pub async fn get(app: &App, ctx: &Ctx, id: ContactId) -> Result<ContactView> {
    ctx.require(ClientsAction::ReadContacts)?;
    let mut conn = app.db.read().await?;
    Ok(contacts::get(&mut conn.conn(), ctx.workspace, id)
        .await?
        .into())
}

pub async fn list(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<(Vec<ContactView>, bool, i64)> {
    ctx.require(ClientsAction::ReadContacts)?;
    let mut conn = app.db.read().await?;
    let mut c = conn.conn();
    if let Some(client) = q.client {
        clients::get(&mut c, ctx.workspace, client).await?;
    }
    let (rows, more, total) = contacts::list_counted(&mut c, ctx.workspace, q).await?;
    Ok((
        rows.into_iter().map(ContactView::from).collect(),
        more,
        total,
    ))
}

pub async fn csv(app: &App, ctx: &Ctx, q: &ListQuery) -> Result<String> {
    ctx.require(ClientsAction::ReadContacts)?;
    let err = |e: csv::Error| ServiceError::Internal(e.to_string());
    let mut out = crate::csv_out::writer_for(ctx.language);
    out.header(&[
        "id",
        "client_id",
        "client",
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "contact_role",
        "language",
        "archived",
    ])
    .map_err(err)?;
    let mut q = ListQuery {
        after: None,
        limit: 1000,
        ..q.clone()
    };
    let mut conn = app.db.read().await?;
    let mut names = std::collections::HashMap::new();
    loop {
        let (rows, more) = contacts::list(&mut conn.conn(), ctx.workspace, &q).await?;
        for r in &rows {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(r.client_id) {
                let n = clients::get(
                    &mut conn.conn(),
                    ctx.workspace,
                    ClientId::from_uuid(r.client_id),
                )
                .await?
                .name;
                e.insert(n);
            }
            out.write_record([
                r.id.to_string().as_str(),
                &r.client_id.to_string(),
                names.get(&r.client_id).map(String::as_str).unwrap_or(""),
                &r.first_name,
                &r.last_name,
                r.email.as_deref().unwrap_or(""),
                r.phone.as_deref().unwrap_or(""),
                r.job_title.as_deref().unwrap_or(""),
                r.contact_role.as_str(),
                r.language.as_str(),
                &out.yes_no(r.archived_at.is_some()),
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

/// The contact's portal login, if any.
pub async fn portal_login(app: &App, ctx: &Ctx, id: ContactId) -> Result<Option<UserView>> {
    ctx.require(ClientsAction::ReadContacts)?;
    let mut conn = app.db.read().await?;
    Ok(
        users::find_for_contact(&mut conn.conn(), ctx.workspace, id.uuid())
            .await?
            .map(UserView::from),
    )
}

/// Gives a contact a portal login (or a new password for an existing one); returns the password
/// to hand over once, and queues the welcome e-mail.
pub async fn grant_portal(app: &App, ctx: &Ctx, id: ContactId) -> Result<(UserView, String)> {
    ctx.require(ClientsAction::ManagePortalAccess)?;
    let password = random_password()?;
    let hash = hash_password(password.clone()).await?;
    let now = app.now();
    let user = crate::write_tx!(app, tx => {
        let contact = contacts::get(&mut tx.conn(), ctx.workspace, id).await?;
        let Some(email) = contact.email.clone() else {
            return Err(ServiceError::Invalid(Invalid::one(
                "email",
                "err-portal-needs-email",
            )));
        };
        if contact.archived_at.is_some() {
            return Err(ServiceError::Conflict("err-contact-archived"));
        }
        let user = match users::find_for_contact(&mut tx.conn(), ctx.workspace, id.uuid()).await? {
            Some(existing) => {
                // A re-granted login starts with no session and no token of its earlier grant.
                sessions::end_credentials(&mut tx.conn(), ctx.workspace.uuid(), existing.id).await?;
                users::set_password(
                    &mut tx.conn(),
                    ctx.workspace,
                    UserId::from_uuid(existing.id),
                    &hash,
                    now,
                )
                .await?;
                users::set_active(
                    &mut tx.conn(),
                    ctx.workspace,
                    UserId::from_uuid(existing.id),
                    true,
                    now,
                )
                .await?;
                existing
            }
            None => {
                let u = UserRow {
                    workspace_id: ctx.workspace.uuid(),
                    id: UserId::new().uuid(),
                    email: email.clone(),
                    name: format!("{} {}", contact.first_name, contact.last_name),
                    kind: mesure_domain::UserKind::Contact,
                    role: contact.contact_role.as_str().into(),
                    client_id: Some(contact.client_id),
                    contact_id: Some(contact.id),
                    password_hash: Some(hash.clone()),
                    language: Some(contact.language),
                    active: true,
                    created_at: now,
                    updated_at: now,
                };
                users::insert(&mut tx.conn(), &u).await?;
                crate::people::users::queue_welcome(&mut tx.conn(), app, ctx.workspace, &u).await?;
                u
            }
        };
        record::<(), _>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "contact",
            contact.id,
            "portal_access_granted",
            None,
            Some(&crate::people::users::audited(&user)),
        )
        .await?;
        user
    })?;
    app.jobs_notify.notify_one();
    Ok((user.into(), password))
}

/// Ends a contact's portal access.
pub async fn revoke_portal(app: &App, ctx: &Ctx, id: ContactId) -> Result<()> {
    ctx.require(ClientsAction::ManagePortalAccess)?;
    crate::write_tx!(app, tx => {
        let login = users::find_for_contact(&mut tx.conn(), ctx.workspace, id.uuid())
            .await?
            .ok_or(ServiceError::NotFound)?;
        users::set_active(
            &mut tx.conn(),
            ctx.workspace,
            UserId::from_uuid(login.id),
            false,
            app.now(),
        )
        .await?;
        sessions::end_credentials(&mut tx.conn(), ctx.workspace.uuid(), login.id).await?;
        record::<(), ()>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "contact",
            id.uuid(),
            "portal_access_revoked",
            None,
            None,
        )
        .await?;
    })
}
