//! The users page: staff users of the workspace, added and edited by the owner.
use crate::AppState;
use crate::html::{Base, Errors, Values, error_page, language_options, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::{PeopleAction, Role};
use mesure_i18n::t;
use mesure_services::ServiceError;
use mesure_services::people::users;
use mesure_services::people::views::UserView;

#[derive(Template)]
#[template(path = "people/users.html")]
struct UsersPage {
    base: Base,
    users: Vec<UserView>,
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
            can_manage: page.ctx.may(PeopleAction::ManageUsers),
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
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let v = add_form_defaults(&page);
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
                add_form_defaults(&page),
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
                add_form_defaults(&page),
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
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

/// Gives a person made by an import their e-mail and sends them the link to choose a password.
pub async fn user_invite(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let form: InviteForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(id) = mesure_domain::UserId::parse(&id) else {
        return error_page(&page, ServiceError::NotFound);
    };
    let lang = page.ctx.language;
    let (status, message) = match users::invite(&s.app, &page.ctx, id, &form.email).await {
        Ok(_) => return see_other("/settings/users", "user-invited"),
        Err(ServiceError::Conflict(key)) => (StatusCode::CONFLICT, t(lang, key)),
        Err(ServiceError::Invalid(inv)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            inv.0
                .first()
                .map(|e| crate::error::field_message(lang, e))
                .unwrap_or_default(),
        ),
        Err(e) => return error_page(&page, e),
    };
    let field = format!("invite-{id}");
    let errors = Errors::one(&field, message);
    let mut v = add_form_defaults(&page);
    v.set(&field, Some(&form.email));
    users_page(&s, &page, v, errors, status, None, None).await
}

/// The add form's values before anything is typed: a staff member in the reader's language.
fn add_form_defaults(page: &Page) -> Values {
    let mut v = Values::default();
    v.set("role", Some("staff"));
    v.set("language", Some(page.ctx.language.as_str()));
    v
}
