//! Logging in (with throttling), sessions, API tokens, and turning either into a `Ctx`.
use crate::people::views::UserView;
use crate::secrets::{random_token, sha256_hex, verify_password};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::PeopleAction;
use mesure_domain::{
    ClientId, ContactRole, Principal, Role, TokenId, UserId, UserKind, WorkspaceId,
};
use mesure_store::auth::identity::{self, IdentityRow};
use mesure_store::auth::sessions::SessionRow;
use mesure_store::auth::tokens::TokenRow;
use mesure_store::{Conn, auth::sessions, auth::throttle, auth::tokens, people::users};
use std::collections::HashSet;
use uuid::Uuid;

/// How long a session lasts.
pub const SESSION_US: i64 = 14 * 24 * 3600 * 1_000_000;
/// Failures allowed before delays start, per account and per address.
pub const FREE_FAILURES: i32 = 5;
/// A counter forgets failures this long after the last one.
const FORGET_US: i64 = 15 * 60 * 1_000_000;

/// Seconds to wait after `failures` failures: 0 up to the free ones, then 2, 4, 8 … capped at 15 minutes.
pub fn delay_seconds(failures: i32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let exp = u32::try_from(failures - FREE_FAILURES).unwrap_or(0).min(10);
    (2i64 << exp).min(900)
}

/// Seconds still to wait before another attempt under `key` (0 when free).
pub(crate) async fn wait_for(c: &mut Conn<'_>, key: &str, now: i64) -> Result<i64> {
    let Some((failures, last)) = throttle::get(c, key).await? else {
        return Ok(0);
    };
    if now - last > FORGET_US {
        return Ok(0);
    }
    let until = last + delay_seconds(failures) * 1_000_000;
    Ok(((until - now).max(0) + 999_999) / 1_000_000)
}

/// A successful login: the session's cookie token (shown once) and the user.
pub struct LoggedIn {
    pub token: String,
    pub user: UserView,
}

/// Checks e-mail and password; creates a session. Unknown e-mails and wrong passwords fail alike.
pub async fn login(app: &App, email: &str, password: &str, address: &str) -> Result<LoggedIn> {
    let email = email.trim().to_lowercase();
    let (kmail, kip) = (format!("email:{email}"), format!("ip:{address}"));
    let now = app.now();
    let user = {
        let mut conn = app.db.read().await?;
        let mut c = conn.conn();
        let wait = wait_for(&mut c, &kmail, now)
            .await?
            .max(wait_for(&mut c, &kip, now).await?);
        if wait > 0 {
            return Err(ServiceError::Throttled(wait));
        }
        match users::find_by_email(&mut c, &email).await? {
            // A portal login of an archived contact or organisation is as good as none.
            Some(u) if !mesure_store::auth::identity::login_allowed(&mut c, &u).await? => None,
            u => u,
        }
    };
    let ok = match user
        .as_ref()
        .and_then(|u| u.password_hash.clone().filter(|_| u.active))
    {
        Some(hash) => verify_password(password.to_string(), hash).await,
        None => {
            // Spend the same time as a real check so unknown e-mails cannot be told apart.
            let dummy = DUMMY_HASH
                .get_or_try_init(|| {
                    crate::secrets::hash_password(random_token(16).unwrap_or_default())
                })
                .await?;
            let _ = verify_password(password.to_string(), dummy.clone()).await;
            false
        }
    };
    crate::write_tx!(app, tx => {
        let Some(user) = user.as_ref().filter(|_| ok) else {
            throttle::record_failure(&mut tx.conn(), &kmail, now).await?;
            throttle::record_failure(&mut tx.conn(), &kip, now).await?;
            tx.commit().await?;
            return Err(ServiceError::Unauthorized);
        };
        throttle::clear(&mut tx.conn(), &kmail).await?;
        let token = random_token(32)?;
        sessions::insert(
            &mut tx.conn(),
            &SessionRow {
                token_hash: sha256_hex(&token),
                workspace_id: user.workspace_id,
                user_id: user.id,
                csrf_token: random_token(24)?,
                created_at: now,
                expires_at: now + SESSION_US,
            },
        )
        .await?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            WorkspaceId::from_uuid(user.workspace_id),
            &crate::audit::Actor {
                id: Some(user.id),
                label: user.name.clone(),
                request_id: None,
            },
            now,
            "user",
            user.id,
            "login",
            None,
            Some(&serde_json::json!({ "address": address })),
        )
        .await?;
        LoggedIn { token, user: UserView::from(user) }
    })
}

/// An Argon2id hash of a random string, verified against when the e-mail is unknown.
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

pub async fn logout(app: &App, token: &str) -> Result<()> {
    crate::write_tx!(app, tx => {
        sessions::delete(&mut tx.conn(), &sha256_hex(token)).await?;
    })
}

/// A resolved request identity and the session's CSRF token (none for API tokens).
pub struct Resolved {
    pub ctx: Ctx,
    pub csrf: Option<String>,
    pub user: UserView,
}

fn ctx_for(id: &IdentityRow, request_id: Option<String>) -> Result<Ctx> {
    let user = &id.user;
    if !user.active {
        return Err(ServiceError::Unauthorized);
    }
    // The role column holds a staff role or a contact role, as the kind says; any other value is
    // a corrupt row (500), not a signed-out user.
    let principal = match user.kind {
        UserKind::Staff => Principal::Staff(crate::stored(
            Role::parse(&user.role),
            "staff role",
            &user.role,
        )?),
        UserKind::Contact => Principal::Contact(crate::stored(
            ContactRole::parse(&user.role),
            "contact role",
            &user.role,
        )?),
    };
    let language = user.language.unwrap_or(id.ws_language);
    Ok(Ctx {
        workspace: WorkspaceId::from_uuid(user.workspace_id),
        user: UserId::from_uuid(user.id),
        principal,
        label: user.name.clone(),
        language,
        time_zone: id.ws_time_zone.clone(),
        workspace_name: id.ws_name.clone(),
        workspace_currency: id.ws_currency,
        workspace_language: id.ws_language,
        request_id,
        client: user.client_id.map(ClientId::from_uuid),
    })
}

/// The context of a staff user acting from the command line in workspace `ws`: the active
/// staff user with e-mail `email`, or else the workspace's first owner (the oldest active one).
/// `NotFound` when there is no such user in this workspace.
pub async fn cli_ctx(app: &App, ws: WorkspaceId, email: Option<&str>) -> Result<Ctx> {
    let mut c = app.db.read().await?;
    let w = mesure_store::workspaces::get(&mut c.conn(), ws).await?;
    let user = match email {
        Some(e) => users::find_by_email(&mut c.conn(), e)
            .await?
            .filter(|u| u.workspace_id == ws.uuid() && u.kind == UserKind::Staff && u.active),
        None => users::list_staff(&mut c.conn(), ws)
            .await?
            .into_iter()
            .filter(|u| u.active && u.role == "owner")
            .min_by_key(|u| (u.created_at, u.id)),
    }
    .ok_or(ServiceError::NotFound)?;
    let id = IdentityRow {
        user,
        ws_name: w.name,
        ws_time_zone: w.time_zone,
        ws_language: w.language,
        ws_currency: w.currency,
        token_id: None,
        token_last_used_at: None,
        csrf_token: None,
    };
    ctx_for(&id, None)
}

/// The identity behind a session cookie's token (one query).
pub async fn from_session(app: &App, token: &str, request_id: Option<String>) -> Result<Resolved> {
    let id = {
        let mut conn = app.db.read().await?;
        identity::by_session(&mut conn.conn(), &sha256_hex(token), app.now())
            .await?
            .ok_or(ServiceError::Unauthorized)?
    };
    let ctx = ctx_for(&id, request_id)?;
    Ok(Resolved {
        ctx,
        csrf: id.csrf_token,
        user: id.user.into(),
    })
}

/// The identity behind an API bearer token (one query; last use recorded at most once a minute).
pub async fn from_token(app: &App, token: &str, request_id: Option<String>) -> Result<Resolved> {
    let id = {
        let mut conn = app.db.read().await?;
        identity::by_token(&mut conn.conn(), &sha256_hex(token.trim()))
            .await?
            .ok_or(ServiceError::Unauthorized)?
    };
    let ctx = ctx_for(&id, request_id)?;
    let now = app.now();
    if let Some(token_id) = id.token_id
        && id.token_last_used_at.is_none_or(|t| t < now - 60_000_000)
    {
        record_use(app, id.user.workspace_id, token_id, now);
    }
    Ok(Resolved {
        ctx,
        csrf: None,
        user: id.user.into(),
    })
}

/// Tokens whose last use is being recorded by this process.
static TOUCHING: std::sync::LazyLock<std::sync::Mutex<HashSet<Uuid>>> =
    std::sync::LazyLock::new(Default::default);

/// Records a token's use in the background, at most once a minute (the identity query says
/// when it was last recorded): the request never waits for the write lock, which an import or a
/// burst of writes may hold. Bookkeeping only: a database that cannot write (full, read-only)
/// still serves reads, and a burst of requests with one token records it once.
fn record_use(app: &App, ws: Uuid, token: Uuid, now: i64) {
    let Ok(mut busy) = TOUCHING.lock() else {
        return;
    };
    if !busy.insert(token) {
        return;
    }
    drop(busy);
    let app = app.clone();
    tokio::spawn(async move {
        let touched = crate::write_tx!(&app, tx => {
            tokens::touch(&mut tx.conn(), ws, token, now).await?;
        });
        if let Err(e) = touched {
            tracing::warn!(error = %e, "token last use not recorded");
        }
        if let Ok(mut busy) = TOUCHING.lock() {
            busy.remove(&token);
        }
    });
}

/// A new token: the secret (shown once) and its row.
pub struct NewToken {
    pub secret: String,
    pub row: TokenRow,
}

/// Creates an API token for a user (the CLI passes its own actor).
pub async fn create_token(
    app: &App,
    ws: WorkspaceId,
    user: Uuid,
    name: &str,
    actor: &crate::audit::Actor,
) -> Result<NewToken> {
    let mut c = mesure_domain::validate::Checker::new();
    let name = c.required("name", name, 100);
    c.finish()?;
    let secret = format!("mes_{}", random_token(32)?);
    let now = app.now();
    let row = TokenRow {
        workspace_id: ws.uuid(),
        id: TokenId::new().uuid(),
        user_id: user,
        name,
        token_hash: sha256_hex(&secret),
        prefix: secret.chars().take(10).collect(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    crate::write_tx!(app, tx => {
        tokens::insert(&mut tx.conn(), &row).await?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            ws,
            actor,
            now,
            "api_token",
            row.id,
            "create",
            None,
            Some(&serde_json::json!({ "name": row.name, "prefix": row.prefix, "user_id": user })),
        )
        .await?;
    })?;
    Ok(NewToken { secret, row })
}

pub async fn create_own_token(app: &App, ctx: &Ctx, name: &str) -> Result<NewToken> {
    ctx.require(PeopleAction::ManageOwnAccount)?;
    create_token(app, ctx.workspace, ctx.user.uuid(), name, &ctx.actor()).await
}

pub async fn list_own_tokens(app: &App, ctx: &Ctx) -> Result<Vec<TokenRow>> {
    ctx.require(PeopleAction::ManageOwnAccount)?;
    let mut conn = app.db.read().await?;
    Ok(tokens::list_for_user(&mut conn.conn(), ctx.workspace, ctx.user.uuid()).await?)
}

pub async fn revoke_token(
    app: &App,
    ws: WorkspaceId,
    user: Uuid,
    id: Uuid,
    actor: &crate::audit::Actor,
) -> Result<()> {
    let now = app.now();
    crate::write_tx!(app, tx => {
        tokens::revoke(&mut tx.conn(), ws, user, id).await?;
        crate::audit::record::<(), ()>(
            &mut tx.conn(),
            ws,
            actor,
            now,
            "api_token",
            id,
            "revoke",
            None,
            None,
        )
        .await?;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_five_failures() {
        assert_eq!(delay_seconds(4), 0);
        assert_eq!(delay_seconds(5), 2);
        assert_eq!(delay_seconds(6), 4);
        assert_eq!(delay_seconds(8), 16);
        assert_eq!(delay_seconds(40), 900);
    }
}
