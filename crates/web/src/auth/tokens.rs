//! The API tokens page: one's own tokens, created and revoked.
use crate::AppState;
use crate::html::{Base, Errors, error_page, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mesure_services::{ServiceError, auth};
use mesure_store::auth::tokens::TokenRow;

#[derive(Template)]
#[template(path = "auth/tokens.html")]
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
    Query(q): Query<crate::html::NoticeQuery>,
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
