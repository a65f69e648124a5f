//! The desk's setup page: the workspace's SLA policy and warning lead, clients' own policies,
//! the category tree and the canned replies.
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, Errors, Values, error_page, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::Language;
use mesure_domain::desk::forms::PolicyForm;
use mesure_domain::desk::sla::Policy;
use mesure_domain::desk::states::Priority;
use mesure_services::ServiceError;
use mesure_services::desk::setup::{self, Setup};
use mesure_services::desk::views::category_path;
use uuid::Uuid;

fn t(lang: Language, key: &str) -> String {
    mesure_i18n::t(lang, key)
}

/// A policy as a table row: the priority's label and its two targets.
pub struct PolicyRow {
    pub priority: String,
    pub key: &'static str,
    pub first: String,
    pub resolution: String,
}

fn duration(lang: Language, m: Option<i64>) -> String {
    m.map_or_else(String::new, |m| fmt::hours(lang, m))
}

fn policy_rows(lang: Language, p: &Policy) -> Vec<PolicyRow> {
    Priority::ALL
        .iter()
        .map(|pr| {
            let tg = p.targets(*pr);
            PolicyRow {
                priority: t(lang, &format!("desk-priority-{}", pr.as_str())),
                key: pr.as_str(),
                first: duration(lang, tg.first_response),
                resolution: duration(lang, tg.resolution),
            }
        })
        .collect()
}

/// Form values of a policy's targets.
fn policy_values(lang: Language, p: &Policy, v: &mut Values) {
    for pr in Priority::ALL {
        let tg = p.targets(*pr);
        v.set(
            &format!("{}_first_response", pr.as_str()),
            Some(&duration(lang, tg.first_response)),
        );
        v.set(
            &format!("{}_resolution", pr.as_str()),
            Some(&duration(lang, tg.resolution)),
        );
    }
}

/// A category as the setup page lists it: id, path, archived, name, parent id (or empty).
type CategoryLine = (String, String, bool, String, String);

#[derive(Template)]
#[template(path = "desk/setup.html")]
struct SetupTpl {
    base: Base,
    values: Values,
    errors: Errors,
    /// Which form the errors are about: policy, client, category, canned.
    failed: String,
    rows: Vec<PolicyRow>,
    clients: Vec<(String, String)>,
    client_policies: Vec<(String, Vec<PolicyRow>)>,
    /// Clients with their own calendar: (id, name).
    client_calendars: Vec<(String, String)>,
    /// (id, path, archived, name, parent id or empty).
    categories: Vec<CategoryLine>,
    parents: Vec<(String, String)>,
    /// Archived categories (id, path): offered only as the parent a category already has, so
    /// saving it again keeps that parent.
    archived_parents: Vec<(String, String)>,
    canned: Vec<(String, String, String, bool)>,
    unknown_choices: Vec<(String, String)>,
    /// The public form's link, when it is on.
    form_link: Option<String>,
}

async fn page_of(
    s: &AppState,
    page: &Page,
    notice: Option<&str>,
    failed: (&str, Values, Errors),
) -> Response {
    let lang = page.ctx.language;
    let st: Setup = match setup::setup(&s.app, &page.ctx).await {
        Ok(x) => x,
        Err(e) => return error_page(page, e),
    };
    let names = match s.app.db.read().await {
        Ok(mut conn) => mesure_store::clients::names(&mut conn.conn(), page.ctx.workspace).await,
        Err(e) => Err(e),
    };
    let names = match names {
        Ok(n) => n,
        Err(e) => return error_page(page, e.into()),
    };
    let (which, mut values, errors) = failed;
    if which.is_empty() {
        policy_values(lang, &st.policy, &mut values);
        values.set("warn", Some(&fmt::hours(lang, st.warn_minutes)));
    }
    if which != "mail" {
        values.set("address", st.address.as_deref());
        values.set("unknown_senders", Some(&st.unknown_senders));
    }
    let unknown_choices = ["pending", "refuse"]
        .iter()
        .map(|k| (k.to_string(), t(lang, &format!("desk-mail-unknown-{k}"))))
        .collect();
    let mut clients = vec![(String::new(), t(lang, "desk-choose"))];
    clients.extend(names.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let mut parents = vec![(String::new(), "—".to_string())];
    parents.extend(
        st.categories
            .iter()
            .filter(|k| k.archived_at.is_none())
            .filter_map(|k| Some((k.id.to_string(), category_path(&st.categories, k.id)?))),
    );
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &SetupTpl {
            base: Base::new(page, "desk-setup-title", "/desk/setup", "/desk/setup")
                .with_notice(notice),
            rows: policy_rows(lang, &st.policy),
            client_policies: st
                .client_policies
                .iter()
                .map(|(_, n, p)| (n.clone(), policy_rows(lang, p)))
                .collect(),
            client_calendars: st
                .client_calendars
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone()))
                .collect(),
            archived_parents: st
                .categories
                .iter()
                .filter(|k| k.archived_at.is_some())
                .filter_map(|k| {
                    let path = category_path(&st.categories, k.id)?;
                    Some((
                        k.id.to_string(),
                        format!("{path} ({})", t(lang, "desk-archived")),
                    ))
                })
                .collect(),
            categories: {
                let mut v: Vec<CategoryLine> = st
                    .categories
                    .iter()
                    .map(|k| {
                        let path = category_path(&st.categories, k.id).unwrap_or_default();
                        let parent = k.parent_id.map(|p| p.to_string()).unwrap_or_default();
                        (
                            k.id.to_string(),
                            path,
                            k.archived_at.is_some(),
                            k.name.clone(),
                            parent,
                        )
                    })
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            },
            canned: st
                .canned
                .iter()
                .map(|k| {
                    (
                        k.id.to_string(),
                        k.title.clone(),
                        k.body.clone(),
                        k.archived_at.is_some(),
                    )
                })
                .collect(),
            failed: which.to_string(),
            values,
            errors,
            clients,
            parents,
            unknown_choices,
            form_link: st
                .form_key
                .as_ref()
                .map(|k| format!("{}/help/{k}", s.app.base_url.trim_end_matches('/'))),
        },
    )
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    page_of(
        &s,
        &page,
        q.notice.as_deref(),
        ("", Values::default(), Errors::default()),
    )
    .await
}

async fn after(
    s: &AppState,
    page: &Page,
    body: &[u8],
    which: &str,
    r: Result<&str, ServiceError>,
) -> Response {
    match r {
        Ok(notice) => see_other("/desk/setup", notice),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            page_of(s, page, None, (which, Values::from_body(body), errors)).await
        }
        Err(e) => error_page(page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct PolicyBody {
    #[serde(flatten)]
    pub policy: PolicyForm,
    #[serde(default)]
    pub warn: String,
}

pub async fn save_policy(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: PolicyBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let r = setup::save_policy(&s.app, &page.ctx, &f.policy, &f.warn)
        .await
        .map(|_| "desk-policy-saved");
    after(&s, &page, &body, "policy", r).await
}

#[derive(serde::Deserialize)]
pub struct ClientPolicyBody {
    #[serde(flatten)]
    pub policy: PolicyForm,
    #[serde(default)]
    pub client_id: String,
    /// Remove the client's own policy (its tickets follow the workspace's again).
    pub remove: Option<String>,
}

pub async fn save_client_policy(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: ClientPolicyBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(client) = Uuid::parse_str(f.client_id.trim()) else {
        let inv = mesure_domain::Invalid::one("client_id", "err-required");
        return after(&s, &page, &body, "client", Err(inv.into())).await;
    };
    let remove = mesure_domain::forms::truthy(f.remove.as_deref());
    let r = setup::save_client_policy(&s.app, &page.ctx, client, (!remove).then_some(&f.policy))
        .await
        .map(|_| "desk-policy-saved");
    after(&s, &page, &body, "client", r).await
}

#[derive(serde::Deserialize)]
pub struct CategoryBody {
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    pub parent_id: Option<String>,
    pub archived: Option<String>,
}

pub async fn save_category(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: CategoryBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let id = mesure_domain::forms::given(f.id.as_deref()).and_then(|s| Uuid::parse_str(s).ok());
    let parent =
        mesure_domain::forms::given(f.parent_id.as_deref()).and_then(|s| Uuid::parse_str(s).ok());
    let archived = mesure_domain::forms::truthy(f.archived.as_deref());
    let r = setup::save_category(&s.app, &page.ctx, id, &f.name, parent, archived)
        .await
        .map(|_| "desk-category-saved");
    after(&s, &page, &body, "category", r).await
}

#[derive(serde::Deserialize)]
pub struct CannedBody {
    pub id: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub archived: Option<String>,
}

pub async fn save_canned(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: CannedBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let id = mesure_domain::forms::given(f.id.as_deref()).and_then(|s| Uuid::parse_str(s).ok());
    let archived = mesure_domain::forms::truthy(f.archived.as_deref());
    let r = setup::save_canned(&s.app, &page.ctx, id, &f.title, &f.body, archived)
        .await
        .map(|_| "desk-canned-saved");
    after(&s, &page, &body, "canned", r).await
}

#[derive(serde::Deserialize)]
pub struct MailBody {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub unknown_senders: String,
}

pub async fn save_mail(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: MailBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let r = setup::save_mail(&s.app, &page.ctx, &f.address, f.unknown_senders.trim())
        .await
        .map(|_| "desk-mail-saved");
    after(&s, &page, &body, "mail", r).await
}

#[derive(serde::Deserialize)]
pub struct FormSwitch {
    /// `1`: on with a new link; anything else: off.
    #[serde(default)]
    pub on: String,
}

pub async fn save_form(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: FormSwitch = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let on = f.on.trim() == "1";
    let r = setup::save_form(&s.app, &page.ctx, on)
        .await
        .map(|_| if on { "desk-form-on" } else { "desk-form-off" });
    after(&s, &page, &body, "form", r).await
}

#[derive(Template)]
#[template(path = "desk/calendar.html")]
struct CalendarTpl {
    base: Base,
    values: Values,
    errors: Errors,
    client_id: String,
    client_name: String,
    /// (field, weekday label) Monday first.
    days: Vec<(&'static str, String)>,
    french_holidays: bool,
    /// The client has its own calendar (else the workspace's is shown as a start).
    own: bool,
}

#[derive(serde::Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    pub client_id: String,
}

fn calendar_page(
    page: &Page,
    client: (Uuid, String),
    form: &mesure_domain::calendar::form::CalendarForm,
    own: bool,
    errors: Errors,
) -> Response {
    use mesure_domain::calendar::form::DAYS;
    let lang = page.ctx.language;
    let mut values = Values::default();
    values.set("time_zone", Some(&form.time_zone));
    for (k, d) in DAYS.iter().zip(form.days()) {
        values.set(k, d);
    }
    values.set("days_off", form.days_off.as_deref());
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &CalendarTpl {
            base: Base::new(
                page,
                "desk-client-calendar-title",
                "/desk/setup",
                "/desk/setup",
            ),
            values,
            errors,
            client_id: client.0.to_string(),
            client_name: client.1,
            days: DAYS
                .iter()
                .map(|k| (*k, t(lang, &format!("field-{}", k.replace('_', "-")))))
                .collect(),
            french_holidays: form.french_holidays.is_some(),
            own,
        },
    )
}

/// The client named by `client_id` (a form or query field), or the error page.
async fn client_of(s: &AppState, page: &Page, raw: &str) -> Result<(Uuid, String), Response> {
    let Ok(id) = Uuid::parse_str(raw.trim()) else {
        return Err(error_page(
            page,
            mesure_domain::Invalid::one("client_id", "err-required").into(),
        ));
    };
    let row = match s.app.db.read().await {
        Ok(mut c) => {
            mesure_store::clients::get(
                &mut c.conn(),
                page.ctx.workspace,
                mesure_domain::ClientId::from_uuid(id),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match row {
        Ok(r) => Ok((id, r.name)),
        Err(e) => Err(error_page(page, e.into())),
    }
}

/// A client's business calendar: its own, or the workspace's shown as the starting point.
pub async fn client_calendar(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<CalendarQuery>,
) -> Response {
    let client = match client_of(&s, &page, &q.client_id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match setup::client_calendar(&s.app, &page.ctx, client.0).await {
        Ok((form, own)) => calendar_page(&page, client, &form, own, Errors::default()),
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct ClientCalendarBody {
    #[serde(flatten)]
    pub calendar: mesure_domain::calendar::form::CalendarForm,
    #[serde(default)]
    pub client_id: String,
    /// Remove the client's own calendar (its tickets follow the workspace's again).
    pub remove: Option<String>,
}

pub async fn save_client_calendar(
    State(s): State<AppState>,
    page: Page,
    body: axum::body::Bytes,
) -> Response {
    let f: ClientCalendarBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let client = match client_of(&s, &page, &f.client_id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let remove = mesure_domain::forms::truthy(f.remove.as_deref());
    let r = setup::save_client_calendar(
        &s.app,
        &page.ctx,
        client.0,
        (!remove).then_some(&f.calendar),
    )
    .await;
    match r {
        Ok(_) => see_other(
            "/desk/setup",
            if remove {
                "desk-client-calendar-removed"
            } else {
                "desk-client-calendar-saved"
            },
        ),
        Err(ServiceError::Invalid(inv)) => calendar_page(
            &page,
            client,
            &f.calendar,
            true,
            Errors::from_invalid(page.ctx.language, &inv),
        ),
        Err(e) => error_page(&page, e),
    }
}
