//! Settings pages: own profile and password, workspace, users, API tokens, background jobs.
use super::{
    Base, Errors, Values, currency_options, error_page, language_options, render, render_status,
    see_other,
};
use crate::AppState;
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::{Action, Role};
use mesure_i18n::t;
use mesure_services::workspaces::SettingsForm;
use mesure_services::{ServiceError, auth, jobs, people::users, workspaces};
use mesure_store::auth::tokens::TokenRow;
use mesure_store::people::users::UserRow;

#[derive(Template)]
#[template(path = "settings_profile.html")]
struct ProfilePage {
    base: Base,
    values: Values,
    errors: Errors,
    languages: Vec<(String, String)>,
    email: String,
}

async fn profile_page(
    page: &Page,
    values: Option<Values>,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let values = values.unwrap_or_else(|| {
        let mut v = Values::default();
        v.set("name", Some(&page.user.name));
        v.set("language", page.user.language.as_deref());
        v
    });
    let mut languages = vec![(String::new(), t(page.ctx.language, "language-browser"))];
    languages.extend(language_options(page.ctx.language));
    render_status(
        status,
        &ProfilePage {
            base: Base::new(
                page,
                "profile-title",
                "/settings/profile",
                "/settings/profile",
            )
            .with_notice(notice),
            values,
            errors,
            languages,
            email: page.user.email.clone(),
        },
    )
}

pub async fn profile(page: Page, Query(q): Query<super::NoticeQuery>) -> Response {
    profile_page(
        &page,
        None,
        Errors::default(),
        StatusCode::OK,
        q.notice.as_deref(),
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: Option<String>,
}

pub async fn profile_save(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: ProfileForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match users::update_profile(&s.app, &page.ctx, &form.name, form.language.as_deref()).await {
        Ok(_) => see_other("/settings/profile", "profile-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            profile_page(
                &page,
                Some(Values::from_body(&body)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn password_save(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: PasswordForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match users::change_password(
        &s.app,
        &page.ctx,
        &form.current_password,
        &form.new_password,
        &form.confirm_password,
    )
    .await
    {
        Ok(()) => see_other("/login", "password-changed"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            profile_page(&page, None, errors, StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings_workspace.html")]
struct WorkspacePage {
    base: Base,
    values: Values,
    errors: Errors,
    currencies: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    tls: Vec<(String, String)>,
    has_password: bool,
    /// The operator lets workspaces use their own SMTP server (else the fields are hidden).
    smtp_allowed: bool,
}

async fn workspace_page(
    s: &AppState,
    page: &Page,
    values: Option<Values>,
    errors: Errors,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let w = match workspaces::get(&s.app, &page.ctx).await {
        Ok(w) => w,
        Err(e) => return error_page(page, e),
    };
    let values = values.unwrap_or_else(|| {
        let mut v = Values::default();
        v.set("name", Some(&w.name));
        v.set("currency", Some(&w.currency));
        v.set("time_zone", Some(&w.time_zone));
        v.set("language", Some(&w.language));
        v.set("mail_from", w.mail_from.as_deref());
        v.set("smtp_host", w.smtp_host.as_deref());
        v.set("smtp_port", w.smtp_port.map(|p| p.to_string()).as_deref());
        v.set("smtp_tls", Some(&w.smtp_tls));
        v.set("smtp_username", w.smtp_username.as_deref());
        v
    });
    let lang = page.ctx.language;
    let tls = ["starttls", "tls", "none"]
        .iter()
        .map(|m| (m.to_string(), t(lang, &format!("smtp-tls-{m}"))))
        .collect();
    render_status(
        status,
        &WorkspacePage {
            base: Base::new(
                page,
                "workspace-title",
                "/settings/workspace",
                "/settings/workspace",
            )
            .with_notice(notice),
            values,
            errors,
            currencies: currency_options(),
            languages: language_options(lang),
            tls,
            has_password: w.smtp_password.is_some(),
            smtp_allowed: s.app.mail_policy.allow_workspace_smtp,
        },
    )
}

pub async fn workspace(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    if let Err(e) = page.ctx.require(Action::ManageWorkspace) {
        return error_page(&page, e);
    }
    workspace_page(
        &s,
        &page,
        None,
        Errors::default(),
        StatusCode::OK,
        q.notice.as_deref(),
    )
    .await
}

pub async fn workspace_save(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: SettingsForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match workspaces::update(&s.app, &page.ctx, &form).await {
        Ok(_) => see_other("/settings/workspace", "workspace-saved"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            workspace_page(
                &s,
                &page,
                Some(Values::from_body(&body)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings_users.html")]
struct UsersPage {
    base: Base,
    users: Vec<UserRow>,
    can_manage: bool,
    values: Values,
    errors: Errors,
    roles: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    created: Option<(String, String)>,
    /// The signed-in user, whose own row cannot be changed.
    me: uuid::Uuid,
}

async fn users_page(
    s: &AppState,
    page: &Page,
    values: Values,
    errors: Errors,
    status: StatusCode,
    created: Option<(String, String)>,
    notice: Option<&str>,
) -> Response {
    let list = match users::list_staff(&s.app, &page.ctx).await {
        Ok(l) => l,
        Err(e) => return error_page(page, e),
    };
    let lang = page.ctx.language;
    render_status(
        status,
        &UsersPage {
            base: Base::new(page, "users-title", "/settings/users", "/settings/users")
                .with_notice(notice),
            users: list,
            can_manage: page.ctx.may(Action::ManageUsers),
            values,
            errors,
            roles: Role::ALL
                .iter()
                .map(|r| {
                    (
                        r.as_str().to_string(),
                        t(lang, &format!("role-{}", r.as_str())),
                    )
                })
                .collect(),
            languages: language_options(lang),
            created,
            me: page.ctx.user.uuid(),
        },
    )
}

pub async fn users(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    let mut v = Values::default();
    v.set("role", Some("staff"));
    v.set("language", Some(page.ctx.language.as_str()));
    users_page(
        &s,
        &page,
        v,
        Errors::default(),
        StatusCode::OK,
        None,
        q.notice.as_deref(),
    )
    .await
}

pub async fn user_add(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let form: users::NewUser = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let form = users::NewUser {
        password: None,
        ..form
    };
    match users::add_by(&s.app, &page.ctx, &form).await {
        Ok(added) => {
            let created = Some((
                added.user.email.clone(),
                added.generated_password.unwrap_or_default(),
            ));
            users_page(
                &s,
                &page,
                Values::default(),
                Errors::default(),
                StatusCode::OK,
                created,
                None,
            )
            .await
        }
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            users_page(
                &s,
                &page,
                Values::from_body(&body),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
            )
            .await
        }
        Err(ServiceError::Conflict(key)) => {
            let errors = Errors::one("email", t(page.ctx.language, key));
            users_page(
                &s,
                &page,
                Values::from_body(&body),
                errors,
                StatusCode::CONFLICT,
                None,
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct StaffForm {
    role: String,
    #[serde(default)]
    active: Option<String>,
}

pub async fn user_update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let form: StaffForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(id) = mesure_domain::UserId::parse(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match users::update_staff(
        &s.app,
        &page.ctx,
        id,
        Some(&form.role),
        Some(form.active.is_some()),
    )
    .await
    {
        Ok(_) => see_other("/settings/users", "user-saved"),
        Err(ServiceError::Conflict(key)) => {
            let errors = Errors::one("form", t(page.ctx.language, key));
            users_page(
                &s,
                &page,
                Values::default(),
                errors,
                StatusCode::CONFLICT,
                None,
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings_tokens.html")]
struct TokensPage {
    base: Base,
    tokens: Vec<TokenRow>,
    secret: Option<String>,
    errors: Errors,
}

async fn tokens_page(
    s: &AppState,
    page: &Page,
    secret: Option<String>,
    errors: Errors,
    notice: Option<&str>,
) -> Response {
    match auth::list_own_tokens(&s.app, &page.ctx).await {
        Ok(tokens) => render(&TokensPage {
            base: Base::new(page, "tokens-title", "/settings/tokens", "/settings/tokens")
                .with_notice(notice),
            tokens,
            secret,
            errors,
        }),
        Err(e) => error_page(page, e),
    }
}

pub async fn tokens(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    tokens_page(&s, &page, None, Errors::default(), q.notice.as_deref()).await
}

#[derive(serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn token_create(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let form: TokenForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match auth::create_own_token(&s.app, &page.ctx, &form.name).await {
        Ok(t) => tokens_page(&s, &page, Some(t.secret), Errors::default(), None).await,
        Err(ServiceError::Invalid(inv)) => {
            tokens_page(
                &s,
                &page,
                None,
                Errors::from_invalid(page.ctx.language, &inv),
                None,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn token_revoke(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match auth::revoke_token(
        &s.app,
        page.ctx.workspace,
        page.ctx.user.uuid(),
        id,
        &page.ctx.actor(),
    )
    .await
    {
        Ok(()) => see_other("/settings/tokens", "token-revoked"),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "settings_jobs.html")]
struct JobsPage {
    base: Base,
    jobs: Vec<jobs::JobView>,
    counts: Vec<(String, i64)>,
    status: String,
    can_retry: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct JobsQuery {
    status: Option<String>,
    notice: Option<String>,
}

pub async fn jobs(State(s): State<AppState>, page: Page, Query(q): Query<JobsQuery>) -> Response {
    let status = q
        .status
        .clone()
        .filter(|s| ["queued", "running", "done", "dead"].contains(&s.as_str()));
    let list = match jobs::list(&s.app, &page.ctx, status.as_deref()).await {
        Ok(l) => l,
        Err(e) => return error_page(&page, e),
    };
    let counts = jobs::counts(&s.app, &page.ctx).await.unwrap_or_default();
    render(&JobsPage {
        base: Base::new(&page, "jobs-title", "/settings/jobs", "/settings/jobs")
            .with_notice(q.notice.as_deref()),
        jobs: list,
        counts,
        status: status.unwrap_or_default(),
        can_retry: page.ctx.may(Action::ManageWorkspace),
    })
}

pub async fn job_retry(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    match jobs::retry(&s.app, &page.ctx, id).await {
        Ok(()) => see_other("/settings/jobs", "job-retried"),
        Err(e) => error_page(&page, e),
    }
}
