//! The desk's staff pages: the ticket list (saved views, filters, search, keyset pages), opening
//! a ticket for a client, a ticket's page (thread, deadlines and how they were computed, reply
//! or note with canned replies, moves, merge).
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, Errors, Values, error_page, render_status, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mesure_domain::desk::forms::{MoveForm, TicketForm, fill};
use mesure_domain::desk::sla::Clock;
use mesure_domain::desk::states::{Channel, Priority, Status, TicketType, Tier};
use mesure_domain::{DeskAction, Language};
use mesure_services::ServiceError;
use mesure_services::desk::tickets::{self, ReplyInput};
use mesure_services::desk::views::{self, ListPage, ListQuery, TicketLine, TicketView, View};
use mesure_store::desk::{ListSort, NO_DUE};
use mesure_store::{Cursor, CursorKey};
use uuid::Uuid;

/// A label from the catalogue.
fn t(lang: Language, key: &str) -> String {
    mesure_i18n::t(lang, key)
}

pub(crate) fn status_badge(lang: Language, s: Status) -> (String, &'static str) {
    let class = match s {
        Status::New => "warn",
        Status::Open => "info",
        Status::WaitingCustomer | Status::WaitingThirdParty => "",
        Status::Resolved | Status::Closed => "ok",
    };
    (t(lang, &format!("desk-status-{}", s.as_str())), class)
}

fn priority_badge(lang: Language, p: Priority) -> (String, &'static str) {
    let class = match p {
        Priority::Low => "",
        Priority::Normal => "info",
        Priority::High => "warn",
        Priority::Urgent => "danger",
    };
    (t(lang, &format!("desk-priority-{}", p.as_str())), class)
}

/// (value, label) options of an enum's values, with a blank "any" first when `any` is given.
fn options<T: Copy>(
    lang: Language,
    all: &[T],
    key: fn(T) -> &'static str,
    prefix: &str,
    any: Option<&str>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = any
        .map(|k| vec![(String::new(), t(lang, k))])
        .unwrap_or_default();
    out.extend(all.iter().map(|v| {
        (
            key(*v).to_string(),
            t(lang, &format!("{prefix}-{}", key(*v))),
        )
    }));
    out
}

/// A ticket in a list, as shown.
pub struct Line {
    pub id: String,
    pub number: i64,
    pub subject: String,
    pub client: String,
    pub requester: String,
    pub status: (String, &'static str),
    pub priority: (String, &'static str),
    pub kind: String,
    pub tier: String,
    pub assignee: String,
    pub due: String,
    pub due_class: &'static str,
    pub created: String,
}

pub(crate) fn line(page: &Page, l: &TicketLine, now: i64, warn_us: i64) -> Line {
    let lang = page.ctx.language;
    let tk = &l.ticket;
    let (due, due_class) = if tk.due_at == NO_DUE {
        ("—".to_string(), "")
    } else {
        let class = if tk.due_at <= now {
            "danger"
        } else if tk.due_at <= now + warn_us {
            "warn"
        } else {
            ""
        };
        (fmt::moment(lang, tk.due_at, &page.ctx.time_zone), class)
    };
    Line {
        id: tk.id.to_string(),
        number: tk.number,
        subject: tk.subject.clone(),
        client: l.client_name.clone(),
        requester: tk.requester.clone(),
        status: status_badge(lang, tk.status),
        priority: priority_badge(lang, tk.priority),
        kind: t(lang, &format!("desk-kind-{}", tk.kind.as_str())),
        tier: t(lang, &format!("desk-tier-{}", tk.tier.as_str())),
        assignee: l.assignee_name.clone().unwrap_or_else(|| "—".into()),
        due,
        due_class,
        created: fmt::moment(lang, tk.created_at, &page.ctx.time_zone),
    }
}

/// The list's query string as asked, with a cursor.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct WebQuery {
    #[serde(flatten)]
    pub q: ListQuery,
    pub cursor: Option<String>,
    pub notice: Option<String>,
}

impl WebQuery {
    /// The list query with its cursor decoded; `None` for a cursor this server did not make.
    pub(crate) fn decoded(&self) -> Option<ListQuery> {
        let mut q = self.q.clone();
        if let Some(c) = mesure_domain::forms::given(self.cursor.as_deref()) {
            let cur = crate::cursor::decode(c)?;
            let CursorKey::Int(v) = cur.key else {
                return None;
            };
            q.after = Some((v, cur.id));
        }
        Some(q)
    }

    /// The query string of the same filters (no cursor, no notice), plus `extra`.
    pub(crate) fn link(&self, extra: &[(&str, String)]) -> String {
        self.link_without(extra, &[])
    }

    /// [`Self::link`] without the filters named in `drop`.
    pub(crate) fn link_without(&self, extra: &[(&str, String)], drop: &[&str]) -> String {
        let mut pairs: Vec<(&str, String)> = mesure_services::desk::saved::query_pairs(&self.q)
            .into_iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k) && !drop.contains(k))
            .collect();
        pairs.extend(extra.iter().cloned());
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

pub(crate) fn next_link(path: &str, wq: &WebQuery, p: &ListPage) -> Option<String> {
    p.next.map(|(v, id)| {
        let c = crate::cursor::encode(&Cursor {
            key: CursorKey::Int(v),
            id,
        });
        format!("{path}?{}", wq.link(&[("cursor", c)]))
    })
}

#[derive(Template)]
#[template(path = "desk/list.html")]
struct ListTpl {
    base: Base,
    views: Vec<(String, String, bool)>,
    rows: Vec<Line>,
    next: Option<String>,
    values: Values,
    errors: Errors,
    statuses: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    tiers: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
    clients: Vec<(String, String)>,
    assignees: Vec<(String, String)>,
    can_work: bool,
    can_manage: bool,
    /// Day filters in force: what they say, the link without them, and the hidden fields
    /// that keep them when the form is sent.
    day_filters: Vec<(String, String)>,
    hidden: Hidden,
    /// The filters as a query string, for the CSV link.
    csv_query: String,
    /// Saved views: (link, name, shown now).
    saved: Vec<(String, String, bool)>,
    /// The saved view shown now, if the reader may delete it: (id, name).
    current_saved: Option<(String, String)>,
    /// The filters as a saved view keeps them.
    view_query: String,
}

/// Hidden form fields: name and value.
type Hidden = Vec<(&'static str, String)>;

/// The day filters of a list query, in words, each with the list's link without it.
fn day_filters(lang: Language, wq: &WebQuery) -> (Vec<(String, String)>, Hidden) {
    let mut out = Vec::new();
    let mut hidden = Vec::new();
    for (key, from_k, to_k, from, to) in [
        (
            "desk-filtered-created",
            "created_from",
            "created_to",
            &wq.q.created_from,
            &wq.q.created_to,
        ),
        (
            "desk-filtered-resolved",
            "resolved_from",
            "resolved_to",
            &wq.q.resolved_from,
            &wq.q.resolved_to,
        ),
    ] {
        let (Some(a), Some(b)) = (
            mesure_domain::forms::given(from.as_deref()),
            mesure_domain::forms::given(to.as_deref()),
        ) else {
            continue;
        };
        let shown = |d: &str| {
            mesure_domain::forms::parse_civil(d)
                .map(|d| mesure_i18n::date(lang, d))
                .unwrap_or_else(|| d.to_string())
        };
        let text = mesure_i18n::t_args(
            lang,
            key,
            &[
                ("from", mesure_i18n::Arg::Str(&shown(a))),
                ("to", mesure_i18n::Arg::Str(&shown(b))),
            ],
        );
        out.push((
            text,
            format!("/desk?{}", wq.link_without(&[], &[from_k, to_k])),
        ));
        hidden.push((from_k, a.to_string()));
        hidden.push((to_k, b.to_string()));
    }
    (out, hidden)
}

pub(crate) async fn choices(
    s: &AppState,
    page: &Page,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), ServiceError> {
    let mut conn = s.app.db.read().await?;
    let c = &mut conn.conn();
    let lang = page.ctx.language;
    let mut clients: Vec<(String, String)> = vec![(String::new(), t(lang, "desk-any"))];
    clients.extend(
        mesure_store::clients::names(c, page.ctx.workspace)
            .await?
            .into_iter()
            .map(|(id, n)| (id.to_string(), n)),
    );
    let mut staff: Vec<(String, String)> =
        mesure_store::people::users::list_staff(c, page.ctx.workspace)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id.to_string(), u.name))
            .collect();
    staff.sort_by(|a, b| a.1.cmp(&b.1));
    let mut assignees = vec![(String::new(), t(lang, "desk-any"))];
    assignees.extend(staff);
    Ok((clients, assignees))
}

fn sort_options(lang: Language) -> Vec<(String, String)> {
    ListSort::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                t(lang, &format!("desk-sort-{}", s.as_str())),
            )
        })
        .collect()
}

/// The staff's ticket list.
pub async fn list(State(s): State<AppState>, page: Page, Query(wq): Query<WebQuery>) -> Response {
    list_page(&s, &page, &wq, None).await
}

/// The list of `wq`; `saving`: the errors of a view that could not be saved, shown with it.
async fn list_page(
    s: &AppState,
    page: &Page,
    wq: &WebQuery,
    saving: Option<&mesure_domain::Invalid>,
) -> Response {
    let lang = page.ctx.language;
    let Some(q) = wq.decoded() else {
        return error_page(
            page,
            mesure_domain::Invalid::one("cursor", "err-invalid").into(),
        );
    };
    let result = views::list(&s.app, &page.ctx, &q).await;
    let (p, mut errors) = match result {
        Ok(p) => (Some(p), Errors::default()),
        Err(ServiceError::Invalid(inv)) => (None, Errors::from_invalid(lang, &inv)),
        Err(e) => return error_page(page, e),
    };
    if let Some(inv) = saving {
        errors.0.extend(Errors::from_invalid(lang, inv).0);
    }
    let view_query = mesure_services::desk::saved::query_string(&wq.q);
    let saved_views = match mesure_services::desk::saved::visible(&s.app, &page.ctx).await {
        Ok(v) => v,
        Err(e) => return error_page(page, e),
    };
    let current_saved = saved_views
        .iter()
        .find(|v| v.query == view_query && v.deletable)
        .map(|v| (v.id.to_string(), v.name.clone()));
    let saved = saved_views
        .iter()
        .map(|v| {
            let mut name = v.name.clone();
            if v.shared {
                name = format!("{name} ({})", t(lang, "desk-view-shared-mark"));
            }
            (format!("/desk?{}", v.query), name, v.query == view_query)
        })
        .collect();
    let (clients, assignees) = match choices(s, page).await {
        Ok(c) => c,
        Err(e) => return error_page(page, e),
    };
    let now = s.app.now();
    let warn = p.as_ref().map_or(0, |p| p.warn_us);
    let view = p.as_ref().map_or(View::Open, |p| p.view);
    let mut values = Values::default();
    for (k, v) in [
        ("q", &q.q),
        ("status", &q.status),
        ("priority", &q.priority),
        ("kind", &q.kind),
        ("tier", &q.tier),
        ("client_id", &q.client_id),
        ("assignee_id", &q.assignee_id),
        ("sort", &q.sort),
    ] {
        values.set(k, v.as_deref());
    }
    if q.sort.is_none() {
        values.set("sort", p.as_ref().map(|p| p.sort.as_str()));
    }
    let views = View::ALL
        .iter()
        .map(|v| {
            (
                format!("/desk?view={}", v.as_str()),
                t(lang, &format!("desk-view-{}", v.as_str())),
                *v == view,
            )
        })
        .collect();
    let rows = p
        .as_ref()
        .map(|p| p.lines.iter().map(|l| line(page, l, now, warn)).collect())
        .unwrap_or_default();
    let next = p.as_ref().and_then(|p| next_link("/desk", wq, p));
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (day_filters, hidden) = day_filters(lang, wq);
    render_status(
        status,
        &ListTpl {
            csv_query: wq.link(&[]),
            saved,
            current_saved,
            view_query,
            day_filters,
            hidden,
            base: Base::new(page, "desk-title", "/desk", "/desk").with_notice(wq.notice.as_deref()),
            views,
            rows,
            next,
            values,
            errors,
            statuses: options(
                lang,
                Status::ALL,
                Status::as_str,
                "desk-status",
                Some("desk-any"),
            ),
            priorities: options(
                lang,
                Priority::ALL,
                Priority::as_str,
                "desk-priority",
                Some("desk-any"),
            ),
            kinds: options(
                lang,
                TicketType::ALL,
                TicketType::as_str,
                "desk-kind",
                Some("desk-any"),
            ),
            tiers: options(lang, Tier::ALL, Tier::as_str, "desk-tier", Some("desk-any")),
            sorts: sort_options(lang),
            clients,
            assignees,
            can_work: page.ctx.may(DeskAction::Work),
            can_manage: page.ctx.may(DeskAction::Manage),
        },
    )
}

#[derive(Template)]
#[template(path = "desk/new.html")]
struct NewTpl {
    base: Base,
    values: Values,
    errors: Errors,
    clients: Vec<(String, String)>,
    /// (client name, [(contact id, name)]) for the contact select's groups.
    contacts: Vec<(String, Vec<(String, String)>)>,
    channels: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    categories: Vec<(String, String)>,
}

async fn new_page(s: &AppState, page: &Page, values: Values, errors: Errors) -> Response {
    let lang = page.ctx.language;
    let loaded = async {
        let mut conn = s.app.db.read().await?;
        let c = &mut conn.conn();
        let names = mesure_store::clients::names(c, page.ctx.workspace).await?;
        let q = mesure_store::clients::contacts::ListQuery {
            limit: 2000,
            ..Default::default()
        };
        let (all, _) = mesure_store::clients::contacts::list(c, page.ctx.workspace, &q).await?;
        let cats = mesure_store::desk::setup::categories(c, page.ctx.workspace).await?;
        Ok::<_, ServiceError>((names, all, cats))
    }
    .await;
    let (names, all, cats) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(page, e),
    };
    let mut clients = vec![(String::new(), t(lang, "desk-choose"))];
    clients.extend(names.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let contacts = names
        .iter()
        .map(|(id, n)| {
            (
                n.clone(),
                all.iter()
                    .filter(|k| k.client_id == *id && k.archived_at.is_none())
                    .map(|k| {
                        (
                            k.id.to_string(),
                            format!("{} {}", k.first_name, k.last_name),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let mut categories = vec![(String::new(), "—".to_string())];
    categories.extend(
        cats.iter()
            .filter(|k| k.archived_at.is_none())
            .filter_map(|k| Some((k.id.to_string(), views::category_path(&cats, k.id)?))),
    );
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &NewTpl {
            base: Base::new(page, "desk-new-title", "/desk", "/desk/new"),
            values,
            errors,
            clients,
            contacts,
            channels: options(
                lang,
                &[
                    Channel::Phone,
                    Channel::Chat,
                    Channel::Email,
                    Channel::WebForm,
                ],
                Channel::as_str,
                "desk-channel",
                None,
            ),
            kinds: options(lang, TicketType::ALL, TicketType::as_str, "desk-kind", None),
            priorities: options(lang, Priority::ALL, Priority::as_str, "desk-priority", None),
            categories,
        },
    )
}

/// The form to open a ticket for a client (a phone call, a chat).
pub async fn new_form(State(s): State<AppState>, page: Page) -> Response {
    let mut values = Values::default();
    values.set("priority", Some("normal"));
    values.set("channel", Some("phone"));
    new_page(&s, &page, values, Errors::default()).await
}

pub async fn create(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: TicketForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match tickets::open(&s.app, &page.ctx, &f, false).await {
        Ok(t) => see_other(&format!("/desk/tickets/{}", t.id), "desk-ticket-opened"),
        Err(ServiceError::Invalid(inv)) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            new_page(&s, &page, Values::from_body(&body), errors).await
        }
        Err(e) => error_page(&page, e),
    }
}

/// A clock as a ticket page shows it.
pub struct ClockLine {
    pub label: String,
    pub target: String,
    pub elapsed: String,
    pub paused: String,
    pub state: (String, &'static str),
    pub deadline: String,
}

fn clock_line(page: &Page, label: &str, c: &Clock, target: Option<i64>) -> ClockLine {
    let lang = page.ctx.language;
    let state = if c.breached {
        (t(lang, "desk-sla-breached"), "danger")
    } else if c.met_at.is_some() {
        (t(lang, "desk-sla-met"), "ok")
    } else if c.running {
        (t(lang, "desk-sla-running"), "info")
    } else if target.is_none() {
        (t(lang, "desk-sla-none"), "")
    } else {
        (t(lang, "desk-sla-paused"), "")
    };
    ClockLine {
        label: t(lang, label),
        target: target.map_or_else(|| "—".into(), |m| fmt::hours(lang, m)),
        elapsed: fmt::hours(lang, c.elapsed),
        paused: fmt::hours(lang, c.paused),
        state,
        deadline: c
            .met_at
            .map(|m| m.as_microsecond())
            .or(c.deadline.map(|d| d.as_microsecond()))
            .map_or_else(
                || "—".into(),
                |us| fmt::moment(lang, us, &page.ctx.time_zone),
            ),
    }
}

/// An event of the thread, as shown.
pub struct EventLine {
    pub kind: String,
    pub who: String,
    pub at: String,
    /// A message's text (public reply, customer message, note).
    pub body: Option<String>,
    /// What a move did, in a sentence.
    pub text: String,
    pub reason: Option<String>,
}

pub(crate) fn event_lines(page: &Page, v: &TicketView) -> Vec<EventLine> {
    let lang = page.ctx.language;
    v.events
        .iter()
        .map(|e| {
            let ev = &e.event;
            let label = |prefix: &str, v: &Option<String>| {
                v.as_deref()
                    .map(|x| t(lang, &format!("{prefix}-{x}")))
                    .unwrap_or_else(|| "—".into())
            };
            let moved = |key: &str, prefix: &str| {
                let to = label(prefix, &ev.to_value);
                mesure_i18n::t_args(lang, key, &[("to", mesure_i18n::Arg::Str(&to))])
            };
            let text = match ev.kind.as_str() {
                "status" => moved("desk-event-status", "desk-status"),
                "priority" => moved("desk-event-priority", "desk-priority"),
                "kind" => moved("desk-event-kind", "desk-kind"),
                "tier" => moved("desk-event-tier", "desk-tier"),
                "assign" => {
                    let to = e.to_name.clone().unwrap_or_else(|| t(lang, "desk-nobody"));
                    let key = if e.from_name.is_some() && e.to_name.is_some() {
                        "desk-event-transfer"
                    } else {
                        "desk-event-assign"
                    };
                    mesure_i18n::t_args(lang, key, &[("to", mesure_i18n::Arg::Str(&to))])
                }
                "category" => t(lang, "desk-event-category"),
                "merge" => mesure_i18n::t_args(
                    lang,
                    "desk-event-merge",
                    &[(
                        "number",
                        mesure_i18n::Arg::Str(ev.to_value.as_deref().unwrap_or("")),
                    )],
                ),
                "merged" => mesure_i18n::t_args(
                    lang,
                    "desk-event-merged",
                    &[(
                        "number",
                        mesure_i18n::Arg::Str(ev.from_value.as_deref().unwrap_or("")),
                    )],
                ),
                "reply" => t(lang, "desk-event-reply"),
                "sla_warning" | "sla_breach" => t(lang, &format!("desk-event-{}", ev.kind)),
                "time" => {
                    let m = ev
                        .to_value
                        .as_deref()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    format!("{} ({})", t(lang, "desk-event-time"), fmt::hours(lang, m))
                }
                "note" => t(lang, "desk-event-note"),
                _ => t(lang, "desk-event-customer"),
            };
            EventLine {
                kind: ev.kind.clone(),
                who: e.actor.clone(),
                at: fmt::moment(lang, ev.at, &page.ctx.time_zone),
                body: ev.body.clone(),
                text,
                reason: ev.reason.clone(),
            }
        })
        .collect()
}

/// How the deadlines were computed, in sentences.
pub(crate) fn explanation(page: &Page, v: &TicketView) -> Vec<String> {
    let lang = page.ctx.language;
    let cal = &v.rules.calendar;
    let tz = cal.tz.iana_name().unwrap_or("UTC").to_string();
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let hours: Vec<String> = cal
        .week
        .iter()
        .zip(days)
        .filter(|(r, _)| !r.is_empty())
        .map(|(r, d)| {
            let ranges: Vec<String> = r
                .iter()
                .map(|(a, b)| format!("{}:{:02}–{}:{:02}", a / 60, a % 60, b / 60, b % 60))
                .collect();
            format!(
                "{} {}",
                t(lang, &format!("field-week-{d}")),
                ranges.join(", ")
            )
        })
        .collect();
    let policy = if v.rules.client_policy {
        t(lang, "desk-explain-policy-client")
    } else {
        t(lang, "desk-explain-policy-workspace")
    };
    let priority = t(
        lang,
        &format!("desk-priority-{}", v.line.ticket.priority.as_str()),
    );
    let mut out = vec![
        mesure_i18n::t_args(
            lang,
            "desk-explain-policy",
            &[
                ("policy", mesure_i18n::Arg::Str(&policy)),
                ("priority", mesure_i18n::Arg::Str(&priority)),
            ],
        ),
        t(
            lang,
            if v.rules.client_calendar {
                "desk-explain-calendar-client"
            } else {
                "desk-explain-calendar-workspace"
            },
        ),
        mesure_i18n::t_args(
            lang,
            "desk-explain-calendar",
            &[
                ("tz", mesure_i18n::Arg::Str(&tz)),
                ("hours", mesure_i18n::Arg::Str(&hours.join(" · "))),
            ],
        ),
        t(
            lang,
            if cal.french_holidays {
                "desk-explain-holidays"
            } else {
                "desk-explain-no-holidays"
            },
        ),
    ];
    if !cal.days_off.is_empty() {
        let n = i64::try_from(cal.days_off.len()).unwrap_or(0);
        out.push(mesure_i18n::t_args(
            lang,
            "desk-explain-days-off",
            &[("count", mesure_i18n::Arg::Num(n))],
        ));
    }
    for (a, b, st, m) in &v.pauses {
        out.push(mesure_i18n::t_args(
            lang,
            "desk-explain-pause",
            &[
                (
                    "status",
                    mesure_i18n::Arg::Str(&t(lang, &format!("desk-status-{}", st.as_str()))),
                ),
                (
                    "from",
                    mesure_i18n::Arg::Str(&fmt::moment(lang, *a, &page.ctx.time_zone)),
                ),
                (
                    "to",
                    mesure_i18n::Arg::Str(&fmt::moment(lang, *b, &page.ctx.time_zone)),
                ),
                ("minutes", mesure_i18n::Arg::Str(&fmt::hours(lang, *m))),
            ],
        ));
    }
    out.push(t(lang, "desk-explain-rule"));
    out
}

#[derive(Template)]
#[template(path = "desk/ticket.html")]
struct TicketTpl {
    base: Base,
    v: TicketView,
    status: (String, &'static str),
    priority: (String, &'static str),
    kind: String,
    tier: String,
    channel: String,
    created: String,
    clocks: Vec<ClockLine>,
    explain: Vec<String>,
    events: Vec<EventLine>,
    values: Values,
    errors: Errors,
    statuses: Vec<(String, String)>,
    priorities: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    tiers: Vec<(String, String)>,
    assignees: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    canned: Vec<(String, String)>,
    can_work: bool,
    closed: bool,
    /// The satisfaction question: not sent (None), the answer, or "asked".
    csat: Option<String>,
    /// Time logged on the ticket ("1:30 in 2 entries").
    logged: String,
    projects: Vec<(String, String)>,
    today: String,
    can_log: bool,
}

impl TicketTpl {
    /// A file's size for the reader.
    fn size(&self, n: &i64) -> String {
        super::inbound::size(self.base.lang, *n)
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    pub notice: Option<String>,
    /// A canned reply to put in the reply box, its placeholders filled.
    pub canned: Option<String>,
}

async fn ticket_page(
    s: &AppState,
    page: &Page,
    id: Uuid,
    q: &ShowQuery,
    values: Option<Values>,
    errors: Errors,
) -> Response {
    let lang = page.ctx.language;
    let v = match views::ticket(&s.app, &page.ctx, id).await {
        Ok(v) => v,
        Err(e) => return error_page(page, e),
    };
    let tk = &v.line.ticket;
    let csat = match mesure_services::desk::csat::of_ticket(&s.app, &page.ctx, id).await {
        Ok(c) => c.map(|r| match (r.score, r.answered_at) {
            (Some(score), Some(_)) => {
                let score = score.to_string();
                match r.comment {
                    Some(c) => mesure_i18n::t_args(
                        lang,
                        "desk-csat-answer-comment",
                        &[
                            ("score", mesure_i18n::Arg::Str(&score)),
                            ("comment", mesure_i18n::Arg::Str(&c)),
                        ],
                    ),
                    None => mesure_i18n::t_args(
                        lang,
                        "desk-csat-answer",
                        &[("score", mesure_i18n::Arg::Str(&score))],
                    ),
                }
            }
            _ => t(lang, "desk-csat-asked"),
        }),
        Err(e) => return error_page(page, e),
    };
    let targets = v.rules.policy.targets(tk.priority);
    let clocks = vec![
        clock_line(
            page,
            "desk-sla-first-response",
            &v.first_response,
            targets.first_response,
        ),
        clock_line(
            page,
            "desk-sla-resolution",
            &v.resolution,
            targets.resolution,
        ),
    ];
    let mut values = values.unwrap_or_default();
    if !values.has("priority") {
        values.set("priority", Some(tk.priority.as_str()));
        values.set("kind", Some(tk.kind.as_str()));
        values.set("tier", Some(tk.tier.as_str()));
        values.set(
            "assignee_id",
            Some(
                &tk.assignee_id
                    .map_or_else(|| "none".to_string(), |a| a.to_string()),
            ),
        );
        values.set(
            "category_id",
            Some(
                &tk.category_id
                    .map_or_else(|| "none".to_string(), |a| a.to_string()),
            ),
        );
        values.set("public", Some("1"));
    }
    if let Some(cid) = q.canned.as_deref().and_then(|c| Uuid::parse_str(c).ok())
        && let Some(k) = v.canned.iter().find(|k| k.id == cid)
    {
        let number = format!("#{}", tk.number);
        let body = fill(
            &k.body,
            &[
                ("client", &v.line.client_name),
                ("contact", &tk.requester),
                ("number", &number),
                ("agent", &page.ctx.label),
            ],
        );
        values.set("body", Some(&body));
    }
    let mut assignees = vec![("none".to_string(), t(lang, "desk-nobody"))];
    assignees.extend(v.staff.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let mut categories = vec![("none".to_string(), "—".to_string())];
    categories.extend(
        v.categories
            .iter()
            .filter(|k| k.archived_at.is_none())
            .filter_map(|k| Some((k.id.to_string(), views::category_path(&v.categories, k.id)?))),
    );
    let mut statuses = vec![(String::new(), t(lang, "desk-status-unchanged"))];
    statuses.extend(
        Status::ALL
            .iter()
            .filter(|st| tk.status.may_become(**st))
            .map(|st| {
                (
                    st.as_str().to_string(),
                    t(lang, &format!("desk-status-{}", st.as_str())),
                )
            }),
    );
    let mut base = Base::new(page, "desk-title", "/desk", &format!("/desk/tickets/{id}"))
        .with_notice(q.notice.as_deref());
    base.title = format!("#{} {}", tk.number, tk.subject);
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &TicketTpl {
            status: status_badge(lang, tk.status),
            priority: priority_badge(lang, tk.priority),
            kind: t(lang, &format!("desk-kind-{}", tk.kind.as_str())),
            tier: t(lang, &format!("desk-tier-{}", tk.tier.as_str())),
            channel: t(lang, &format!("desk-channel-{}", tk.channel.as_str())),
            created: fmt::moment(lang, tk.created_at, &page.ctx.time_zone),
            closed: tk.status == Status::Closed,
            csat,
            logged: mesure_i18n::t_args(
                lang,
                "desk-logged",
                &[
                    ("time", mesure_i18n::Arg::Str(&fmt::hours(lang, v.logged.0))),
                    ("count", mesure_i18n::Arg::Num(v.logged.1)),
                ],
            ),
            projects: v
                .projects
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone()))
                .collect(),
            today: mesure_services::time::today_date(&s.app, &page.ctx).to_string(),
            can_log: page.ctx.may(mesure_domain::TimeAction::Log),
            clocks,
            explain: explanation(page, &v),
            events: event_lines(page, &v),
            values,
            errors,
            statuses,
            priorities: options(lang, Priority::ALL, Priority::as_str, "desk-priority", None),
            kinds: options(lang, TicketType::ALL, TicketType::as_str, "desk-kind", None),
            tiers: options(lang, Tier::ALL, Tier::as_str, "desk-tier", None),
            assignees,
            categories,
            canned: v
                .canned
                .iter()
                .map(|k| (k.id.to_string(), k.title.clone()))
                .collect(),
            can_work: page.ctx.may(DeskAction::Work),
            base,
            v,
        },
    )
}

fn ticket_id(page: &Page, raw: &str) -> Result<Uuid, Response> {
    crate::html::parse_id(page, raw, |s| Uuid::parse_str(s).ok())
}

pub async fn show(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let id = match ticket_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    ticket_page(&s, &page, id, &q, None, Errors::default()).await
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
    pub public: Option<String>,
    pub status: Option<String>,
}

pub async fn reply(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match ticket_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: ReplyForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let public = f.public.as_deref() == Some("1");
    let input = ReplyInput {
        body: f.body,
        public,
        status: f.status,
    };
    match tickets::reply(&s.app, &page.ctx, id, &input).await {
        Ok(_) => see_other(
            &format!("/desk/tickets/{id}"),
            if public { "desk-replied" } else { "desk-noted" },
        ),
        Err(e) => after_error(&s, &page, id, &body, e).await,
    }
}

async fn after_error(
    s: &AppState,
    page: &Page,
    id: Uuid,
    body: &[u8],
    e: ServiceError,
) -> Response {
    match e {
        ServiceError::Invalid(inv) => {
            let errors = Errors::from_invalid(page.ctx.language, &inv);
            ticket_page(
                s,
                page,
                id,
                &ShowQuery::default(),
                Some(Values::from_body(body)),
                errors,
            )
            .await
        }
        e => error_page(page, e),
    }
}

pub async fn apply(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match ticket_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: MoveForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match tickets::apply(&s.app, &page.ctx, id, &f).await {
        Ok(_) => see_other(&format!("/desk/tickets/{id}"), "desk-moved"),
        Err(e) => after_error(&s, &page, id, &body, e).await,
    }
}

#[derive(serde::Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub into: String,
    pub reason: Option<String>,
}

pub async fn merge(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match ticket_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: MergeForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let into = f.into.trim().trim_start_matches('#').parse::<i64>().ok();
    let Some(into) = into else {
        let inv = mesure_domain::Invalid::one("into", "err-desk-merge-missing");
        return after_error(&s, &page, id, &body, inv.into()).await;
    };
    match tickets::merge(&s.app, &page.ctx, id, into, f.reason.as_deref()).await {
        Ok(t) => see_other(&format!("/desk/tickets/{}", t.id), "desk-merged"),
        Err(e) => after_error(&s, &page, id, &body, e).await,
    }
}

#[derive(serde::Deserialize)]
pub struct TimeForm {
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub duration: String,
    pub note: Option<String>,
}

/// Logs the caller's time on a ticket.
pub async fn log_time(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match ticket_id(&page, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: TimeForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = tickets::TimeInput {
        project_id: f.project_id,
        date: f.date,
        duration: f.duration,
        note: f.note,
    };
    match tickets::log_time(&s.app, &page.ctx, id, &input).await {
        Ok(_) => see_other(&format!("/desk/tickets/{id}"), "desk-time-logged"),
        Err(e) => after_error(&s, &page, id, &body, e).await,
    }
}

/// The staff's ticket list as CSV: every ticket the filters match, not only a page.
pub async fn export(State(s): State<AppState>, page: Page, Query(wq): Query<WebQuery>) -> Response {
    let Some(q) = wq.decoded() else {
        return error_page(
            &page,
            mesure_domain::Invalid::one("cursor", "err-invalid").into(),
        );
    };
    let rows = match views::export(&s.app, &page.ctx, &q).await {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let lang = page.ctx.language;
    let tz = &page.ctx.time_zone;
    let when = |us: Option<i64>| us.map(|u| fmt::moment(lang, u, tz)).unwrap_or_default();
    let mut w = mesure_services::csv_out::writer_for(lang);
    let _ = w.header(&[
        "number",
        "subject",
        "client",
        "requester",
        "type",
        "category",
        "priority",
        "status",
        "tier",
        "channel",
        "assignee",
        "created",
        "first_response",
        "resolved",
        "due",
        "breached",
    ]);
    for l in &rows {
        let tk = &l.ticket;
        let due = (tk.due_at != NO_DUE).then_some(tk.due_at);
        let _ = w.write_record([
            tk.number.to_string(),
            tk.subject.clone(),
            l.client_name.clone(),
            tk.requester.clone(),
            t(lang, &format!("desk-kind-{}", tk.kind.as_str())),
            l.category_name.clone().unwrap_or_default(),
            t(lang, &format!("desk-priority-{}", tk.priority.as_str())),
            t(lang, &format!("desk-status-{}", tk.status.as_str())),
            t(lang, &format!("desk-tier-{}", tk.tier.as_str())),
            t(lang, &format!("desk-channel-{}", tk.channel.as_str())),
            l.assignee_name.clone().unwrap_or_default(),
            when(Some(tk.created_at)),
            when(tk.first_response_at),
            when(tk.resolved_at),
            when(due),
            w.yes_no(tk.breached),
        ]);
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    crate::html::csv_response("tickets.csv", body)
}

#[derive(serde::Deserialize)]
pub struct SaveViewBody {
    #[serde(default)]
    pub name: String,
    /// The list's query string.
    #[serde(default)]
    pub query: String,
    pub shared: Option<String>,
}

/// Saves the list's filters as a view; a bad name shows on the list again.
pub async fn save_view(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: SaveViewBody = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(q) = serde_urlencoded::from_str::<ListQuery>(&f.query) else {
        return error_page(
            &page,
            mesure_domain::Invalid::one("query", "err-invalid").into(),
        );
    };
    let shared = mesure_domain::forms::truthy(f.shared.as_deref());
    match mesure_services::desk::saved::save(&s.app, &page.ctx, &f.name, &q, shared).await {
        Ok(_) => see_other(
            &format!("/desk?{}", mesure_services::desk::saved::query_string(&q)),
            "desk-view-saved",
        ),
        Err(ServiceError::Invalid(inv)) => {
            let wq = WebQuery {
                q,
                cursor: None,
                notice: None,
            };
            list_page(&s, &page, &wq, Some(&inv)).await
        }
        Err(e) => error_page(&page, e),
    }
}

/// Deletes a saved view (one's own, or a shared one by a desk manager).
pub async fn delete_view(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = page.form::<super::inbound::NoFields>(&body) {
        return r;
    }
    let id = match crate::html::parse_id(&page, &id, |r| Uuid::parse_str(r).ok()) {
        Ok(id) => id,
        Err(r) => return r,
    };
    match mesure_services::desk::saved::delete(&s.app, &page.ctx, id).await {
        Ok(()) => see_other("/desk", "desk-view-deleted"),
        Err(e) => error_page(&page, e),
    }
}
