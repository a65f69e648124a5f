//! The survey a contact answers: by the e-mailed link, without logging in (its own CSRF
//! cookie, as the sign-in page), or in the portal. 0–10 and an optional comment; the answer may
//! change for 24 hours; a used, expired or unknown link says so and changes nothing.
use crate::AppState;
use crate::auth::password::with_anon_csrf;
use crate::html::{Base, Errors, Values, error_page, parse_id, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mesure_domain::Language;
use mesure_services::ServiceError;
use mesure_services::nps::answers::{self, AnswerInput, SurveyState, SurveyView};
use uuid::Uuid;

/// What the survey form shows.
pub struct Form {
    /// Where the form posts.
    pub action: String,
    pub question: String,
    pub intro: String,
    /// "open", "editable", "answered", "expired".
    pub state: &'static str,
    pub note: String,
    pub scores: Vec<(String, bool)>,
}

fn form(lang: Language, v: &SurveyView, action: String, tz: &str) -> Form {
    let when = |us: i64| crate::html::fmt::moment(lang, us, tz);
    let args = [
        ("workspace", mesure_i18n::Arg::Str(&v.workspace_name)),
        ("client", mesure_i18n::Arg::Str(&v.client_name)),
    ];
    let (state, note) = match v.state {
        SurveyState::Open => ("open", String::new()),
        SurveyState::Editable => (
            "editable",
            mesure_i18n::t_args(
                lang,
                "survey-editable-until",
                &[(
                    "when",
                    mesure_i18n::Arg::Str(&v.editable_until.map(when).unwrap_or_default()),
                )],
            ),
        ),
        SurveyState::Answered => ("answered", mesure_i18n::t(lang, "err-survey-answered")),
        SurveyState::Expired => ("expired", mesure_i18n::t(lang, "err-survey-expired")),
    };
    Form {
        action,
        question: mesure_i18n::t_args(lang, "survey-question", &args),
        intro: mesure_i18n::t_args(lang, "survey-intro", &args),
        state,
        note,
        scores: (0..=10)
            .map(|n| (n.to_string(), v.score == Some(n)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "nps/survey_public.html")]
struct PublicPage {
    base: Base,
    csrf: String,
    form: Form,
    values: Values,
    errors: Errors,
    done: bool,
}

fn public(
    headers: &HeaderMap,
    s: &AppState,
    status: StatusCode,
    v: &SurveyView,
    token: &str,
    (values, errors): (Values, Errors),
    done: bool,
) -> Response {
    let lang = v.language;
    let mut values = values;
    if !values.has("comment") {
        values.set("comment", v.comment.as_deref());
    }
    let f = form(lang, v, format!("/survey/{token}"), &v.time_zone);
    with_anon_csrf(headers, s, status, |csrf| {
        render_status(
            status,
            &PublicPage {
                base: Base::anonymous(lang, "survey-title").with_csrf(&csrf),
                csrf,
                form: f,
                values,
                errors,
                done,
            },
        )
    })
}

fn dead_link(headers: &HeaderMap, err: &ServiceError) -> Response {
    crate::html::dead_link(headers, err, "survey-title", "err-survey-unknown")
}

pub async fn by_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match answers::by_token(&s.app, &token).await {
        Ok(v) => public(
            &headers,
            &s,
            StatusCode::OK,
            &v,
            &token,
            (Values::default(), Errors::default()),
            false,
        ),
        Err(e) => dead_link(&headers, &e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    pub score: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

pub async fn answer_by_link(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let f: AnswerForm = match crate::auth::password::anon_form(&headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = AnswerInput {
        score: f.score,
        comment: f.comment,
    };
    match answers::answer_by_token(&s.app, &token, &input).await {
        Ok(v) => public(
            &headers,
            &s,
            StatusCode::OK,
            &v,
            &token,
            (Values::default(), Errors::default()),
            true,
        ),
        Err(ServiceError::Invalid(inv)) => match answers::by_token(&s.app, &token).await {
            Ok(v) => public(
                &headers,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                &v,
                &token,
                (
                    Values::from_body(&body),
                    Errors::from_invalid(v.language, &inv),
                ),
                false,
            ),
            Err(e) => dead_link(&headers, &e),
        },
        Err(e) => dead_link(&headers, &e),
    }
}

/// A survey in the contact's list.
pub struct ListLine {
    pub id: String,
    pub sent: String,
    pub state: String,
    pub score: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "nps/portal_list.html")]
struct PortalList {
    base: Base,
    surveys: Vec<ListLine>,
}

pub async fn portal_list(
    State(s): State<AppState>,
    page: Page,
    axum::extract::Query(q): axum::extract::Query<crate::html::NoticeQuery>,
) -> Response {
    let lang = page.ctx.language;
    match answers::portal_list(&s.app, &page.ctx).await {
        Ok(list) => {
            let base = Base::new(
                &page,
                "survey-list-title",
                "/portal/surveys",
                "/portal/surveys",
            )
            .with_notice(q.notice.as_deref());
            let surveys = list
                .iter()
                .map(|v| ListLine {
                    id: v.id.to_string(),
                    sent: base.dt(&v.sent_at),
                    state: mesure_i18n::t(
                        lang,
                        &format!(
                            "survey-state-{}",
                            match v.state {
                                SurveyState::Open => "open",
                                SurveyState::Editable => "editable",
                                SurveyState::Answered => "answered",
                                SurveyState::Expired => "expired",
                            }
                        ),
                    ),
                    score: v.score.map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
                    open: matches!(v.state, SurveyState::Open | SurveyState::Editable),
                })
                .collect();
            render_status(StatusCode::OK, &PortalList { base, surveys })
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "nps/portal_survey.html")]
struct PortalSurvey {
    base: Base,
    form: Form,
    values: Values,
    errors: Errors,
}

fn portal_page(
    page: &Page,
    v: &SurveyView,
    (values, errors): (Values, Errors),
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let mut values = values;
    if !values.has("comment") {
        values.set("comment", v.comment.as_deref());
    }
    render_status(
        status,
        &PortalSurvey {
            base: Base::new(page, "survey-title", "/portal/surveys", "/portal/surveys")
                .with_notice(notice),
            form: form(
                page.ctx.language,
                v,
                format!("/portal/surveys/{}", v.id),
                &page.ctx.time_zone,
            ),
            values,
            errors,
        },
    )
}

pub async fn portal_show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<crate::html::NoticeQuery>,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match answers::portal_get(&s.app, &page.ctx, id).await {
        Ok(v) => portal_page(
            &page,
            &v,
            (Values::default(), Errors::default()),
            StatusCode::OK,
            q.notice.as_deref(),
        ),
        Err(e) => error_page(&page, e),
    }
}

pub async fn portal_answer(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: AnswerForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = AnswerInput {
        score: f.score,
        comment: f.comment,
    };
    match answers::portal_answer(&s.app, &page.ctx, id, &input).await {
        Ok(_) => see_other(&format!("/portal/surveys/{id}"), "survey-thanks"),
        Err(ServiceError::Invalid(inv)) => match answers::portal_get(&s.app, &page.ctx, id).await {
            Ok(v) => portal_page(
                &page,
                &v,
                (
                    Values::from_body(&body),
                    Errors::from_invalid(page.ctx.language, &inv),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            ),
            Err(e) => error_page(&page, e),
        },
        Err(e) => error_page(&page, e),
    }
}
