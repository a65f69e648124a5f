//! Contact pages: list with search, detail with portal access, forms, CSV.
use crate::AppState;
use crate::clients::pages::PAGE_SIZE;
use crate::cursor;
use crate::html::{
    Base, Errors, Values, error_page, language_options, parse_id, render, render_status, see_other,
};
use crate::html::{csv_response, qs};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::clients::ContactForm;
use mesure_domain::{AuditAction, ClientsAction};
use mesure_domain::{ClientId, ContactId, ContactRole};
use mesure_i18n::t;
use mesure_services::clients::ClientView;
use mesure_services::clients::ContactView;
use mesure_services::people::views::UserView;
use mesure_services::{ServiceError, audit, clients, clients::contacts};
use mesure_store::audit::AuditQuery;
use mesure_store::clients::contacts::ListQuery;

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    sort: Option<String>,
    archived: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "clients/contacts_list.html")]
struct ListPage {
    base: Base,
    rows: Vec<ContactView>,
    total: i64,
    q: String,
    archived: &'static str,
    next: Option<String>,
    query_string: String,
    later_page: bool,
}

fn query(p: &ListParams) -> ListQuery {
    ListQuery {
        client: None,
        search: p.q.clone(),
        archive: cursor::parse_archive(p.archived.as_deref()).unwrap_or_default(),
        sort: cursor::parse_sort(p.sort.as_deref()).unwrap_or_default(),
        after: p.after.as_deref().and_then(cursor::decode),
        limit: PAGE_SIZE,
    }
}

pub async fn list(State(s): State<AppState>, page: Page, Query(p): Query<ListParams>) -> Response {
    let q = query(&p);
    let (rows, more, total) = match contacts::list(&s.app, &page.ctx, &q).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let qv = p.q.clone().unwrap_or_default();
    let aw = cursor::archive_word(q.archive);
    let query_string = qs(&[
        ("q", &qv),
        ("archived", aw),
        ("sort", cursor::sort_word(q.sort)),
    ]);
    let next = if more {
        rows.last().map(|r| cursor::encode(&r.cursor(q.sort)))
    } else {
        None
    };
    render(&ListPage {
        base: Base::new(&page, "contacts-title", "/contacts", "/contacts")
            .with_notice(p.notice.as_deref()),
        rows,
        total,
        q: qv,
        archived: aw,
        next,
        query_string,
        later_page: p.after.is_some(),
    })
}

pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(p): Query<ListParams>,
) -> Response {
    match contacts::csv(&s.app, &page.ctx, &query(&p)).await {
        Ok(body) => csv_response("contacts.csv", body),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "clients/contact_form.html")]
struct FormPage {
    base: Base,
    action: String,
    client: ClientView,
    values: Values,
    errors: Errors,
    roles: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    cancel: String,
}

fn role_options(page: &Page) -> Vec<(String, String)> {
    ContactRole::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                t(page.ctx.language, &format!("role-{}", r.as_str())),
            )
        })
        .collect()
}

async fn form_page(
    s: &AppState,
    page: &Page,
    client: ClientId,
    id: Option<ContactId>,
    values: Values,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let client = match clients::get(&s.app, &page.ctx, client).await {
        Ok(c) => c,
        Err(e) => return error_page(page, e),
    };
    let (title, action, cancel) = match id {
        Some(id) => (
            "contact-edit-title",
            format!("/contacts/{id}"),
            format!("/contacts/{id}"),
        ),
        None => (
            "contact-new-title",
            format!("/clients/{}/contacts", client.id),
            format!("/clients/{}", client.id),
        ),
    };
    let tpl = FormPage {
        base: Base::new(page, title, "/contacts", &cancel),
        action,
        client,
        values,
        errors,
        roles: role_options(page),
        languages: language_options(page.ctx.language),
        cancel,
    };
    render_status(status, &tpl)
}

pub async fn new_form(
    State(s): State<AppState>,
    page: Page,
    Path(client): Path<String>,
) -> Response {
    let client = match parse_id(&page, &client, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(ClientsAction::WriteContacts) {
        return error_page(&page, e);
    }
    let mut v = Values::default();
    v.set("contact_role", Some("project"));
    form_page(
        &s,
        &page,
        client,
        None,
        v,
        Errors::default(),
        StatusCode::OK,
    )
    .await
}

async fn save_failed(
    s: &AppState,
    page: &Page,
    client: ClientId,
    id: Option<ContactId>,
    body: &[u8],
    e: ServiceError,
) -> Response {
    match e {
        ServiceError::Invalid(inv) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            form_page(
                s,
                page,
                client,
                id,
                Values::from_body(body),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        ServiceError::Conflict(key) => {
            let errors = Errors::one("form", t(page.ctx.language, key));
            form_page(
                s,
                page,
                client,
                id,
                Values::from_body(body),
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
        other => error_page(page, other),
    }
}

pub async fn create(
    State(s): State<AppState>,
    page: Page,
    Path(client): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let client = match parse_id(&page, &client, ClientId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let form: ContactForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match contacts::create(&s.app, &page.ctx, client, &form).await {
        Ok(c) => see_other(&format!("/contacts/{}", c.id), "contact-created"),
        Err(e) => save_failed(&s, &page, client, None, &body, e).await,
    }
}

#[derive(Template)]
#[template(path = "clients/contact_show.html")]
struct ShowPage {
    base: Base,
    p: ContactView,
    client: ClientView,
    login: Option<UserView>,
    new_password: Option<String>,
    history: Vec<crate::audit::text::AuditLine>,
    can_write: bool,
    can_portal: bool,
}

async fn show_page(
    s: &AppState,
    page: &Page,
    id: ContactId,
    notice: Option<&str>,
    new_password: Option<String>,
) -> Response {
    let p = match contacts::get(&s.app, &page.ctx, id).await {
        Ok(p) => p,
        Err(e) => return error_page(page, e),
    };
    let client = match clients::get(&s.app, &page.ctx, ClientId::from_uuid(p.client_id)).await {
        Ok(c) => c,
        Err(e) => return error_page(page, e),
    };
    let login = crate::section!(page, contacts::portal_login(&s.app, &page.ctx, id).await);
    let base = Base::new(
        page,
        "contact-title",
        "/contacts",
        &format!("/contacts/{id}"),
    )
    .with_notice(notice);
    let history = if page.ctx.may(AuditAction::Read) {
        let q = AuditQuery {
            entity_type: Some("contact".into()),
            entity_id: Some(id.uuid()),
            limit: 50,
            ..Default::default()
        };
        crate::section!(page, audit::list(&s.app, &page.ctx, &q).await.map(|r| r.0))
    } else {
        vec![]
    };
    let history = match crate::audit::text::lines(s, page, &base, history).await {
        Ok(h) => h,
        Err(e) => return error_page(page, e),
    };
    render(&ShowPage {
        base,
        p,
        client,
        login,
        new_password,
        history,
        can_write: page.ctx.may(ClientsAction::WriteContacts),
        can_portal: page.ctx.may(ClientsAction::ManagePortalAccess),
    })
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(p): Query<crate::html::NoticeQuery>,
) -> Response {
    match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => show_page(&s, &page, id, p.notice.as_deref(), None).await,
        Err(r) => r,
    }
}

fn values_of(c: &ContactView) -> Values {
    let mut v = Values::default();
    v.set("first_name", Some(&c.first_name));
    v.set("last_name", Some(&c.last_name));
    v.set("email", c.email.as_deref());
    v.set("phone", c.phone.as_deref());
    v.set("job_title", c.job_title.as_deref());
    v.set("contact_role", Some(c.contact_role.as_str()));
    v.set("language", Some(c.language.as_str()));
    v.set("version", Some(&c.version.to_string()));
    v
}

pub async fn edit_form(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let id = match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(e) = page.ctx.require(ClientsAction::WriteContacts) {
        return error_page(&page, e);
    }
    match contacts::get(&s.app, &page.ctx, id).await {
        Ok(c) => {
            form_page(
                &s,
                &page,
                ClientId::from_uuid(c.client_id),
                Some(id),
                values_of(&c),
                Errors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
struct Version {
    version: Option<i32>,
}

pub async fn update(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let form: ContactForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let existing = match contacts::get(&s.app, &page.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&page, e),
    };
    let version = serde_urlencoded::from_bytes::<Version>(&body)
        .ok()
        .and_then(|v| v.version);
    match contacts::update(&s.app, &page.ctx, id, &form, version).await {
        Ok(c) => see_other(&format!("/contacts/{}", c.id), "contact-saved"),
        Err(e) => {
            save_failed(
                &s,
                &page,
                ClientId::from_uuid(existing.client_id),
                Some(id),
                &body,
                e,
            )
            .await
        }
    }
}

async fn set_archived(
    s: AppState,
    page: Page,
    id: String,
    body: axum::body::Bytes,
    archived: bool,
) -> Response {
    let id = match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    match contacts::set_archived(&s.app, &page.ctx, id, archived).await {
        Ok(_) => see_other(
            &format!("/contacts/{id}"),
            if archived {
                "contact-archived"
            } else {
                "contact-unarchived"
            },
        ),
        Err(e) => error_page(&page, e),
    }
}

pub async fn archive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    set_archived(s, page, id, body, true).await
}

pub async fn unarchive(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    set_archived(s, page, id, body, false).await
}

pub async fn grant_portal(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    match contacts::grant_portal(&s.app, &page.ctx, id).await {
        Ok((_, password)) => show_page(&s, &page, id, Some("portal-granted"), Some(password)).await,
        Err(ServiceError::Invalid(_)) => {
            see_other(&format!("/contacts/{id}"), "portal-needs-email")
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn revoke_portal(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, ContactId::parse) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(r) = page.form::<serde::de::IgnoredAny>(&body) {
        return r;
    }
    match contacts::revoke_portal(&s.app, &page.ctx, id).await {
        Ok(()) => see_other(&format!("/contacts/{id}"), "portal-revoked"),
        Err(e) => error_page(&page, e),
    }
}
