//! The profile page: one's own name, language and password.
use crate::AppState;
use crate::html::{Base, Errors, Values, error_page, language_options, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_i18n::t;
use mesure_services::ServiceError;
use mesure_services::people::users;

#[derive(Template)]
#[template(path = "people/profile.html")]
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
        v.set("language", page.user.language.map(|l| l.as_str()));
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

pub async fn profile(page: Page, Query(q): Query<crate::html::NoticeQuery>) -> Response {
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
