//! Staff users and portal logins: adding them (with a welcome e-mail through the job queue),
//! listing them, and each person's own profile and password.
use crate::audit::{Actor, record};
use crate::people::views::UserView;
use crate::secrets::{hash_password, random_password, verify_password};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::PeopleAction;
use mesure_domain::validate::Checker;
use mesure_domain::{Language, Role, UserId, UserKind, WorkspaceId};
use mesure_i18n::{Arg, t, t_args};
use mesure_store::people::users::{self, UserRow};
use mesure_store::{Conn, auth::sessions, workspaces};
use serde::Serialize;

pub const MIN_PASSWORD: usize = 10;

/// Checks a new password's length.
pub fn check_password(c: &mut Checker, field: &str, p: &str) {
    if p.chars().count() < MIN_PASSWORD {
        c.add(field, "err-password-short");
    } else if p.chars().count() > 200 {
        c.add(field, "err-too-long");
    }
}

/// A new staff user as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub language: Option<String>,
    /// Generated when empty.
    #[serde(default)]
    pub password: Option<String>,
}

/// The user made and the password to hand over when it was generated.
pub struct Added {
    pub user: UserRow,
    pub generated_password: Option<String>,
}

#[derive(Serialize)]
pub struct AuditedUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub role: &'a str,
    pub language: Option<&'a str>,
    pub active: bool,
}

pub fn audited(u: &UserRow) -> AuditedUser<'_> {
    AuditedUser {
        email: &u.email,
        name: &u.name,
        kind: u.kind.as_str(),
        role: &u.role,
        language: u.language.map(Language::as_str),
        active: u.active,
    }
}

/// Adds a staff user to a workspace and queues the welcome e-mail in the same transaction.
pub async fn add(app: &App, ws: WorkspaceId, input: &NewUser, actor: &Actor) -> Result<Added> {
    let mut c = Checker::new();
    let email = c.email("email", &input.email);
    let name = c.required("name", &input.name, 120);
    let role = Role::parse(&input.role);
    if role.is_none() {
        c.add("role", "err-role");
    }
    let language = match input.language.as_deref().filter(|l| !l.trim().is_empty()) {
        None => None,
        Some(l) => match Language::parse(l) {
            Some(l) => Some(l),
            None => {
                c.add("language", "err-language");
                None
            }
        },
    };
    let given = input.password.clone().filter(|p| !p.is_empty());
    if let Some(p) = &given {
        check_password(&mut c, "password", p);
    }
    c.finish()?;
    let generated = if given.is_none() {
        Some(random_password()?)
    } else {
        None
    };
    let password = given.or_else(|| generated.clone()).unwrap_or_default();
    let now = app.now();
    let user = UserRow {
        workspace_id: ws.uuid(),
        id: UserId::new().uuid(),
        email,
        name,
        kind: UserKind::Staff,
        role: role.map(Role::as_str).unwrap_or("staff").to_string(),
        client_id: None,
        contact_id: None,
        password_hash: Some(hash_password(password).await?),
        language,
        active: true,
        created_at: now,
        updated_at: now,
    };
    crate::write_tx!(app, tx => {
        users::insert(&mut tx.conn(), &user).await?;
        record::<(), _>(
            &mut tx.conn(),
            ws,
            actor,
            now,
            "user",
            user.id,
            "create",
            None,
            Some(&audited(&user)),
        )
        .await?;
        queue_welcome(&mut tx.conn(), app, ws, &user).await?;
    })?;
    app.jobs_notify.notify_one();
    Ok(Added {
        user,
        generated_password: generated,
    })
}

/// Queues a message to a user in their language (else the workspace's): `{kind}-subject`,
/// `{kind}-text` and a button `{kind}-button` linking to `url`.
pub(crate) async fn queue_user_mail(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    user: &UserRow,
    kind: &str,
    url: &str,
    extra: &[(&str, Arg<'_>)],
) -> Result<()> {
    // A person made by an import without an address gets no mail (the in-app notification stays).
    if user.email.is_empty() {
        return Ok(());
    }
    let w = workspaces::get(c, ws).await?;
    let lang = user.language.unwrap_or(w.language);
    let args = [
        ("name", Arg::Str(&user.name)),
        ("workspace", Arg::Str(&w.name)),
        ("url", Arg::Str(url)),
        ("email", Arg::Str(&user.email)),
    ];
    let args: Vec<(&str, Arg<'_>)> = args
        .into_iter()
        .chain(extra.iter().map(|(k, v)| {
            (
                *k,
                match v {
                    Arg::Str(s) => Arg::Str(s),
                    Arg::Num(n) => Arg::Num(*n),
                },
            )
        }))
        .collect();
    let subject = t_args(lang, &format!("{kind}-subject"), &args);
    let text = t_args(lang, &format!("{kind}-text"), &args);
    let html = format!(
        "<!doctype html><html lang=\"{}\"><body><p>{}</p><p><a href=\"{}\">{}</a></p></body></html>",
        lang.as_str(),
        html_escape(&text).replace('\n', "<br>"),
        html_escape(url),
        html_escape(&t(lang, &format!("{kind}-button"))),
    );
    let payload =
        serde_json::json!({ "to": user.email, "subject": subject, "text": text, "html": html });
    crate::jobs::enqueue(c, app, ws, "mail", &payload).await?;
    Ok(())
}

/// Queues the welcome e-mail of a new login, in the recipient's language.
pub async fn queue_welcome(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    user: &UserRow,
) -> Result<()> {
    let url = format!("{}/login", app.base_url.trim_end_matches('/'));
    queue_user_mail(c, app, ws, user, "mail-welcome", &url, &[]).await
}

/// Makes a single-use link to choose a password, valid `valid_us`, and queues the `kind` mail
/// that carries it (a reset request, an invitation).
async fn queue_password_link(
    c: &mut Conn<'_>,
    app: &App,
    user: &UserRow,
    kind: &str,
    now: i64,
    valid_us: i64,
) -> Result<()> {
    let token = crate::secrets::random_token(32)?;
    mesure_store::auth::resets::insert(
        c,
        &mesure_store::auth::resets::ResetRow {
            workspace_id: user.workspace_id,
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            token_hash: crate::secrets::sha256_hex(&token),
            expires_at: now + valid_us,
            used_at: None,
            created_at: now,
        },
    )
    .await?;
    let url = format!(
        "{}/password/reset/{token}",
        app.base_url.trim_end_matches('/')
    );
    let ws = WorkspaceId::from_uuid(user.workspace_id);
    queue_user_mail(c, app, ws, user, kind, &url, &[]).await
}

/// How long an invitation's link works: a week.
pub const INVITE_US: i64 = 7 * 24 * 3600 * 1_000_000;

/// Gives a person made by an import (who has no address, so no login) their e-mail and invites
/// them: a link, valid a week, to choose their password. Refused for anyone who has an address.
pub async fn invite(app: &App, ctx: &Ctx, id: UserId, email: &str) -> Result<UserView> {
    ctx.require(PeopleAction::ManageUsers)?;
    let mut c = mesure_domain::validate::Checker::new();
    let email = c.email("email", email);
    c.finish()?;
    let now = app.now();
    let after = crate::write_tx!(app, tx => {
        let before = users::get_staff(&mut tx.conn(), ctx.workspace, id).await?;
        if !before.email.is_empty() {
            return Err(ServiceError::Conflict("err-user-has-email"));
        }
        users::set_first_email(&mut tx.conn(), ctx.workspace, id, &email, now).await?;
        let after = users::get(&mut tx.conn(), ctx.workspace, id).await?;
        queue_password_link(&mut tx.conn(), app, &after, "mail-invite", now, INVITE_US).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            now,
            "user",
            id.uuid(),
            "invite",
            Some(&audited(&before)),
            Some(&audited(&after)),
        )
        .await?;
        after
    })?;
    app.jobs_notify.notify_one();
    Ok(UserView::from(after))
}

/// How long a password-reset link works.
pub const RESET_US: i64 = 3600 * 1_000_000;

/// Sends a reset link when the e-mail belongs to an active user; answers the same either way, so
/// it cannot tell which e-mails exist. Limited per address like logins.
pub async fn request_reset(app: &App, email: &str, address: &str) -> Result<()> {
    let now = app.now();
    let key = format!("reset:{address}");
    let user = {
        let mut conn = app.db.read().await?;
        let mut c = conn.conn();
        let wait = crate::auth::wait_for(&mut c, &key, now).await?;
        if wait > 0 {
            return Err(ServiceError::Throttled(wait));
        }
        users::find_by_email(&mut c, email).await?
    };
    crate::write_tx!(app, tx => {
        mesure_store::auth::throttle::record_failure(&mut tx.conn(), &key, now).await?;
        if let Some(user) = user.as_ref().filter(|u| u.active) {
            let ws = WorkspaceId::from_uuid(user.workspace_id);
            queue_password_link(&mut tx.conn(), app, user, "mail-reset", now, RESET_US).await?;
            let actor = crate::audit::Actor {
                id: Some(user.id),
                label: user.name.clone(),
                request_id: None,
            };
            record::<(), _>(
                &mut tx.conn(),
                ws,
                &actor,
                now,
                "user",
                user.id,
                "password_reset_requested",
                None,
                Some(&serde_json::json!({ "address": address })),
            )
            .await?;
        }
    })?;
    app.jobs_notify.notify_one();
    Ok(())
}

/// Whether a reset link is still usable.
pub async fn reset_is_valid(app: &App, token: &str) -> Result<bool> {
    let mut conn = app.db.read().await?;
    Ok(mesure_store::auth::resets::find_valid(
        &mut conn.conn(),
        &crate::secrets::sha256_hex(token),
        app.now(),
    )
    .await?
    .is_some())
}

/// Sets a new password from a reset link; the link and older ones stop working, sessions end.
pub async fn reset_password(app: &App, token: &str, new: &str, confirm: &str) -> Result<()> {
    let mut c = Checker::new();
    check_password(&mut c, "new_password", new);
    if new != confirm {
        c.add("confirm_password", "err-password-mismatch");
    }
    c.finish()?;
    let hash = hash_password(new.to_string()).await?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let reset = mesure_store::auth::resets::find_valid(
            &mut tx.conn(),
            &crate::secrets::sha256_hex(token),
            now,
        )
        .await?
        .ok_or(ServiceError::NotFound)?;
        let ws = WorkspaceId::from_uuid(reset.workspace_id);
        let user = users::get(&mut tx.conn(), ws, UserId::from_uuid(reset.user_id)).await?;
        users::set_password(
            &mut tx.conn(),
            ws,
            UserId::from_uuid(user.id),
            &hash,
            app.now(),
        )
        .await?;
        mesure_store::auth::resets::use_all(&mut tx.conn(), reset.workspace_id, user.id, now).await?;
        sessions::end_credentials(&mut tx.conn(), reset.workspace_id, user.id).await?;
        let actor = crate::audit::Actor {
            id: Some(user.id),
            label: user.name.clone(),
            request_id: None,
        };
        record::<(), ()>(
            &mut tx.conn(),
            ws,
            &actor,
            now,
            "user",
            user.id,
            "password_reset",
            None,
            None,
        )
        .await?;
    })
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Adds a user from the web UI or API (owners only).
pub async fn add_by(app: &App, ctx: &Ctx, input: &NewUser) -> Result<Added> {
    ctx.require(PeopleAction::ManageUsers)?;
    add(app, ctx.workspace, input, &ctx.actor()).await
}

pub async fn list_staff(app: &App, ctx: &Ctx) -> Result<Vec<UserView>> {
    ctx.require(PeopleAction::ReadUsers)?;
    let mut conn = app.db.read().await?;
    let rows = users::list_staff(&mut conn.conn(), ctx.workspace).await?;
    Ok(rows.into_iter().map(UserView::from).collect())
}

pub async fn me(app: &App, ctx: &Ctx) -> Result<UserView> {
    let mut conn = app.db.read().await?;
    Ok(users::get(&mut conn.conn(), ctx.workspace, ctx.user)
        .await?
        .into())
}

/// Own profile: name and language (empty language follows the browser).
pub async fn update_profile(
    app: &App,
    ctx: &Ctx,
    name: &str,
    language: Option<&str>,
) -> Result<UserView> {
    ctx.require(PeopleAction::ManageOwnAccount)?;
    let mut c = Checker::new();
    let name = c.required("name", name, 120);
    let lang = match language.map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => match Language::parse(l) {
            Some(l) => Some(l.as_str()),
            None => {
                c.add("language", "err-language");
                None
            }
        },
    };
    c.finish()?;
    set_profile(app, ctx, &name, lang).await.map(UserView::from)
}

/// Switches the UI language of the signed-in user.
pub async fn set_language(app: &App, ctx: &Ctx, lang: Language) -> Result<UserView> {
    let me = me(app, ctx).await?;
    set_profile(app, ctx, &me.name, Some(lang.as_str()))
        .await
        .map(UserView::from)
}

async fn set_profile(app: &App, ctx: &Ctx, name: &str, lang: Option<&str>) -> Result<UserRow> {
    crate::write_tx!(app, tx => {
        let before = users::get(&mut tx.conn(), ctx.workspace, ctx.user).await?;
        users::update_profile(
            &mut tx.conn(),
            ctx.workspace,
            ctx.user,
            name,
            lang,
            app.now(),
        )
        .await?;
        let after = users::get(&mut tx.conn(), ctx.workspace, ctx.user).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "user",
            after.id,
            "update",
            Some(&audited(&before)),
            Some(&audited(&after)),
        )
        .await?;
        after
    })
}

/// Changes one's own password after checking the current one; ends the other sessions.
pub async fn change_password(
    app: &App,
    ctx: &Ctx,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<()> {
    ctx.require(PeopleAction::ManageOwnAccount)?;
    let me = {
        let mut conn = app.db.read().await?;
        users::get(&mut conn.conn(), ctx.workspace, ctx.user).await?
    };
    let mut c = Checker::new();
    let ok = match me.password_hash.clone() {
        Some(h) => verify_password(current.to_string(), h).await,
        None => false,
    };
    if !ok {
        c.add("current_password", "err-password-wrong");
    }
    check_password(&mut c, "new_password", new);
    if new != confirm {
        c.add("confirm_password", "err-password-mismatch");
    }
    c.finish()?;
    let hash = hash_password(new.to_string()).await?;
    crate::write_tx!(app, tx => {
        users::set_password(
            &mut tx.conn(),
            ctx.workspace,
            ctx.user,
            &hash,
            app.now(),
        )
        .await?;
        sessions::end_credentials(&mut tx.conn(), ctx.workspace.uuid(), ctx.user.uuid()).await?;
        record::<(), ()>(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "user",
            me.id,
            "password_change",
            None,
            None,
        )
        .await?;
    })
}

/// Sets a password from the command line (`user add --password-stdin` for an existing e-mail is refused).
pub async fn find_by_email(app: &App, email: &str) -> Result<UserView> {
    let mut conn = app.db.read().await?;
    users::find_by_email(&mut conn.conn(), email)
        .await?
        .map(UserView::from)
        .ok_or(ServiceError::NotFound)
}

/// Changes a staff user's role or active state (owners only). A workspace keeps at least one
/// active owner, and nobody demotes or deactivates themself. Deactivation ends their sessions; their
/// API tokens stop working at once.
pub async fn update_staff(
    app: &App,
    ctx: &Ctx,
    id: UserId,
    role: Option<&str>,
    active: Option<bool>,
) -> Result<UserView> {
    ctx.require(PeopleAction::ManageUsers)?;
    let role = match role {
        None => None,
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            ServiceError::Invalid(mesure_domain::Invalid::one("role", "err-role"))
        })?),
    };
    crate::write_tx!(app, tx => {
        let before = users::get(&mut tx.conn(), ctx.workspace, id).await?;
        if before.kind != UserKind::Staff {
            return Err(ServiceError::NotFound);
        }
        let new_role = role
            .map(Role::as_str)
            .unwrap_or(before.role.as_str())
            .to_string();
        let new_active = active.unwrap_or(before.active);
        if id == ctx.user && (new_role != before.role || !new_active) {
            return Err(ServiceError::Conflict("err-self-demote"));
        }
        let loses_owner =
            before.role == "owner" && before.active && (new_role != "owner" || !new_active);
        if loses_owner && users::count_active_owners(&mut tx.conn(), ctx.workspace).await? <= 1 {
            return Err(ServiceError::Conflict("err-last-owner"));
        }
        users::update_staff(
            &mut tx.conn(),
            ctx.workspace,
            id,
            &new_role,
            new_active,
            app.now(),
        )
        .await?;
        if !new_active {
            sessions::end_credentials(&mut tx.conn(), ctx.workspace.uuid(), id.uuid()).await?;
        }
        let after = users::get(&mut tx.conn(), ctx.workspace, id).await?;
        record(
            &mut tx.conn(),
            ctx.workspace,
            &ctx.actor(),
            app.now(),
            "user",
            id.uuid(),
            "update",
            Some(&audited(&before)),
            Some(&audited(&after)),
        )
        .await?;
        after
    })
    .map(UserView::from)
}
