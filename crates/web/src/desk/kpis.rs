//! The service dashboard: the KPIs of the dictionary over a period, each with its definition on
//! hover and a link to the tickets behind it, the volume trend by type as an SVG chart, volume by
//! type and category against the previous period (the complexity signal), SLA attainment per
//! priority and client, requests per agent, the backlog's ageing; as CSV and by API; and the
//! form to log an abandoned call or chat.
use crate::AppState;
use crate::html::fmt;
use crate::html::period::{Period, PeriodQuery, period_of, period_or_default};
use crate::html::svg::{StackedBar, stacked_series};
use crate::html::{Base, error_page, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::civil::Date;
use mesure_domain::desk::kpis::Ratio;
use mesure_domain::desk::states::TicketType;
use mesure_domain::{DeskAction, Language};
use mesure_services::ServiceError;
use mesure_services::desk::kpis::{self, Dashboard};
use mesure_services::desk::tickets::{self, AbandonedInput};

fn t(lang: Language, key: &str) -> String {
    mesure_i18n::t(lang, key)
}

/// A ratio as a page shows it: "87.5 %" or "no data".
pub(crate) fn pct(lang: Language, r: Ratio) -> String {
    r.pct()
        .map(|p| format!("{} %", mesure_i18n::number(lang, p, 1)))
        .unwrap_or_else(|| t(lang, "radar-no-data"))
}

fn minutes(lang: Language, m: Option<i64>) -> String {
    m.map(|m| fmt::hours(lang, m))
        .unwrap_or_else(|| t(lang, "radar-no-data"))
}

/// A KPI card: figure, label, definition (on hover), what it counts, the tickets behind it.
pub struct Card {
    pub key: &'static str,
    pub figure: String,
    pub label: String,
    pub definition: String,
    pub basis: String,
    pub href: String,
}

/// A dashboard's narrowing as query pairs (the list takes the same names).
pub(crate) fn scope_pairs(s: &kpis::Scope) -> Vec<(&'static str, String)> {
    [
        ("client_id", s.client.map(|v| v.to_string())),
        ("priority", s.priority.map(|v| v.as_str().to_string())),
        ("kind", s.kind.map(|v| v.as_str().to_string())),
        ("category_id", s.category.map(|v| v.to_string())),
        ("assignee_id", s.assignee.map(|v| v.to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect()
}

/// `/desk?...` listing the tickets created (or resolved) in the period, of the dashboard's
/// narrowing, plus `extra` (which wins over the narrowing on the same field).
fn tickets_link(d: &Dashboard, resolved: bool, extra: &str) -> String {
    let last = d.span.to.yesterday().unwrap_or(d.span.to);
    let which = if resolved { "resolved" } else { "created" };
    let mut link = format!(
        "/desk?view=all&{which}_from={}&{which}_to={last}{extra}",
        d.span.from
    );
    for (k, v) in scope_pairs(&d.scope) {
        if !extra.contains(&format!("&{k}=")) {
            link.push_str(&format!("&{k}={v}"));
        }
    }
    link
}

/// A select of the dashboard's narrowing: field, label, options (value, label, chosen).
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

/// The narrowing's selects, each with "any" first and the chosen value marked.
async fn filters(
    s: &AppState,
    page: &Page,
    q: &kpis::ScopeQuery,
) -> Result<Vec<Filter>, ServiceError> {
    let lang = page.ctx.language;
    let (clients, agents) = super::pages::choices(s, page).await?;
    let categories = {
        let mut conn = s.app.db.read().await?;
        mesure_store::desk::setup::categories(&mut conn.conn(), page.ctx.workspace).await?
    };
    let mut cats = vec![(String::new(), t(lang, "desk-any"))];
    let mut named: Vec<(String, String)> = categories
        .iter()
        .filter(|k| k.archived_at.is_none())
        .filter_map(|k| {
            Some((
                k.id.to_string(),
                mesure_services::desk::views::category_path(&categories, k.id)?,
            ))
        })
        .collect();
    named.sort_by(|a, b| a.1.cmp(&b.1));
    cats.extend(named);
    let labelled = |key: &str, all: Vec<&'static str>| {
        let mut v = vec![(String::new(), t(lang, "desk-any"))];
        v.extend(
            all.into_iter()
                .map(|k| (k.to_string(), t(lang, &format!("{key}-{k}")))),
        );
        v
    };
    let chosen = |opts: Vec<(String, String)>, v: &Option<String>| {
        let v = mesure_domain::forms::given(v.as_deref()).unwrap_or("");
        opts.into_iter()
            .map(|(k, l)| {
                let on = k == v;
                (k, l, on)
            })
            .collect()
    };
    Ok(vec![
        Filter {
            name: "client_id",
            label: t(lang, "field-client"),
            options: chosen(clients, &q.client_id),
        },
        Filter {
            name: "priority",
            label: t(lang, "desk-priority"),
            options: chosen(
                labelled(
                    "desk-priority",
                    mesure_domain::desk::states::Priority::ALL
                        .iter()
                        .map(|p| p.as_str())
                        .collect(),
                ),
                &q.priority,
            ),
        },
        Filter {
            name: "kind",
            label: t(lang, "desk-kind"),
            options: chosen(
                labelled(
                    "desk-kind",
                    TicketType::ALL.iter().map(|k| k.as_str()).collect(),
                ),
                &q.kind,
            ),
        },
        Filter {
            name: "category_id",
            label: t(lang, "desk-category"),
            options: chosen(cats, &q.category_id),
        },
        Filter {
            name: "assignee_id",
            label: t(lang, "desk-assignee"),
            options: chosen(agents, &q.assignee_id),
        },
    ])
}

fn count_basis(lang: Language, key: &str, n: i64) -> String {
    mesure_i18n::t_args(lang, key, &[("count", mesure_i18n::Arg::Num(n))])
}

pub(crate) fn cards(lang: Language, d: &Dashboard) -> Vec<Card> {
    let ratio_basis = |r: Ratio| {
        mesure_i18n::t_args(
            lang,
            "desk-kpi-basis-ratio",
            &[
                ("num", mesure_i18n::Arg::Num(r.num)),
                ("den", mesure_i18n::Arg::Num(r.den)),
            ],
        )
    };
    let card = |key: &'static str, figure: String, basis: String, href: String| Card {
        key,
        figure,
        label: t(lang, &format!("desk-kpi-{key}")),
        definition: t(lang, &format!("desk-kpi-{key}-help")),
        basis,
        href,
    };
    vec![
        card(
            "volume",
            d.created.to_string(),
            String::new(),
            tickets_link(d, false, ""),
        ),
        card(
            "first-response",
            minutes(lang, d.first_response_median),
            count_basis(
                lang,
                "desk-kpi-basis-tickets",
                i64::try_from(d.first_response_count).unwrap_or(0),
            ),
            tickets_link(d, false, ""),
        ),
        card(
            "resolution",
            minutes(lang, d.resolution_median),
            count_basis(lang, "desk-kpi-basis-tickets", d.resolved),
            tickets_link(d, true, ""),
        ),
        card(
            "fcr",
            pct(lang, d.first_contact),
            ratio_basis(d.first_contact),
            tickets_link(d, true, ""),
        ),
        card(
            "flr",
            pct(lang, d.first_line),
            ratio_basis(d.first_line),
            tickets_link(d, true, "&tier=second"),
        ),
        card(
            "transferred",
            pct(lang, d.transferred),
            ratio_basis(d.transferred),
            tickets_link(d, false, ""),
        ),
        card(
            "reopened",
            pct(lang, d.reopened),
            ratio_basis(d.reopened),
            tickets_link(d, true, ""),
        ),
        card(
            "complaints",
            d.complaints.to_string(),
            String::new(),
            tickets_link(d, false, "&kind=complaint"),
        ),
        card(
            "abandonment",
            pct(lang, d.abandonment),
            ratio_basis(d.abandonment),
            "#abandoned".into(),
        ),
        card(
            "sla",
            pct(lang, d.sla),
            ratio_basis(d.sla),
            tickets_link(d, true, ""),
        ),
        card(
            "per-agent",
            d.requests_per_agent
                .map(|v| mesure_i18n::number(lang, v, 1))
                .unwrap_or_else(|| t(lang, "radar-no-data")),
            String::new(),
            "#agents".into(),
        ),
        card(
            "csat",
            pct(lang, d.csat),
            ratio_basis(d.csat),
            "#csat".into(),
        ),
        card(
            "csat-participation",
            pct(lang, d.csat_participation),
            ratio_basis(d.csat_participation),
            "#csat".into(),
        ),
        card(
            "backlog",
            d.backlog.iter().sum::<i64>().to_string(),
            String::new(),
            "/desk?view=open".into(),
        ),
    ]
}

/// A day as a chart's axis shows it: `15/03` or `Mar 15`.
fn short_day(lang: Language, d: Date) -> String {
    match lang {
        Language::Fr => format!("{:02}/{:02}", d.day(), d.month()),
        Language::En => {
            let m = fmt::month(lang, i32::from(d.year()) * 100 + i32::from(d.month()));
            format!("{} {}", m.split(' ').next().unwrap_or(""), d.day())
        }
    }
}

/// A bucket's label: its month, or its first day.
fn bucket_label(lang: Language, (a, b): (Date, Date)) -> String {
    if a.day() == 1 && b.day() == 1 && (b - a).get_days() >= 28 {
        fmt::month(lang, i32::from(a.year()) * 100 + i32::from(a.month()))
    } else {
        short_day(lang, a)
    }
}

pub(crate) fn chart(lang: Language, d: &Dashboard) -> String {
    let names: Vec<String> = TicketType::ALL
        .iter()
        .map(|k| t(lang, &format!("desk-kind-{}", k.as_str())))
        .collect();
    let bars: Vec<StackedBar> = d
        .trend
        .iter()
        .map(|(b, v)| {
            let label = bucket_label(lang, *b);
            let parts: Vec<String> = names
                .iter()
                .zip(v)
                .map(|(n, c)| format!("{n} {c}"))
                .collect();
            StackedBar {
                title: format!("{label} — {}", parts.join(", ")),
                label,
                values: v.clone(),
            }
        })
        .collect();
    stacked_series(&bars, &names, &t(lang, "desk-kpi-trend"))
}

/// Rows of a breakdown: name, figure, what it rests on.
type Breakdown = Vec<(String, String, String)>;

/// A row of a breakdown table.
pub struct Row {
    pub name: String,
    pub current: String,
    pub previous: String,
    pub change: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "desk/kpis.html")]
struct KpisTpl {
    base: Base,
    period: Period,
    periods: Vec<(&'static str, String, bool)>,
    period_label: String,
    error: Option<String>,
    query: String,
    cards: Vec<Card>,
    chart: String,
    kinds: Vec<Row>,
    categories: Vec<Row>,
    sla_priority: Vec<(String, String, String)>,
    sla_client: Vec<(String, String, String)>,
    agents: Vec<(String, String)>,
    backlog: Vec<(String, String)>,
    can_work: bool,
    clients: Vec<(String, String)>,
    /// The narrowing's selects.
    filters: Vec<Filter>,
    /// CSAT breakdowns: (title key, rows of name, CSAT, answers).
    csat: Vec<(&'static str, Breakdown)>,
}

fn change(lang: Language, v: &kpis::Volume) -> String {
    v.change_pct()
        .map(|p| {
            let sign = if p.is_sign_positive() && !p.is_zero() {
                "+"
            } else {
                ""
            };
            format!("{sign}{} %", mesure_i18n::number(lang, p, 1))
        })
        .unwrap_or_else(|| "—".into())
}

pub async fn page(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PeriodQuery>,
    Query(sq): Query<kpis::ScopeQuery>,
) -> Response {
    let lang = page.ctx.language;
    let (period, error) = period_or_default(&s, &page, &q);
    let scope = match kpis::scope_of(&sq) {
        Ok(sc) => sc,
        Err(e) => return error_page(&page, e),
    };
    let d = match kpis::dashboard_in(&s.app, &page.ctx, period.from, period.to, &scope).await {
        Ok(d) => d,
        Err(e) => return error_page(&page, e),
    };
    let filters = match filters(&s, &page, &sq).await {
        Ok(f) => f,
        Err(e) => return error_page(&page, e),
    };
    let clients = match s.app.db.read().await {
        Ok(mut c) => mesure_store::clients::names(&mut c.conn(), page.ctx.workspace).await,
        Err(e) => Err(e),
    };
    let mut client_opts = vec![(String::new(), "—".to_string())];
    match clients {
        Ok(v) => client_opts.extend(v.into_iter().map(|(id, n)| (id.to_string(), n))),
        Err(e) => return error_page(&page, e.into()),
    }
    let kinds = d
        .by_kind
        .iter()
        .map(|(k, v)| Row {
            name: t(lang, &format!("desk-kind-{}", k.as_str())),
            current: v.current.to_string(),
            previous: v.previous.to_string(),
            change: change(lang, v),
            href: tickets_link(&d, false, &format!("&kind={}", k.as_str())),
        })
        .collect();
    let categories = d
        .by_category
        .iter()
        .map(|(id, name, v)| Row {
            name: if name.is_empty() {
                t(lang, "desk-kpi-no-category")
            } else {
                name.clone()
            },
            current: v.current.to_string(),
            previous: v.previous.to_string(),
            change: change(lang, v),
            href: id.map_or_else(String::new, |i| {
                tickets_link(&d, false, &format!("&category_id={i}"))
            }),
        })
        .collect();
    let sla_priority = d
        .sla_by_priority
        .iter()
        .map(|(p, r)| {
            (
                t(lang, &format!("desk-priority-{}", p.as_str())),
                pct(lang, *r),
                format!("{} / {}", r.num, r.den),
            )
        })
        .collect();
    let sla_client = d
        .sla_by_client
        .iter()
        .map(|(_, n, r)| (n.clone(), pct(lang, *r), format!("{} / {}", r.num, r.den)))
        .collect();
    let agents = d
        .per_agent
        .iter()
        .map(|(id, n, c)| {
            (
                if id.is_some() {
                    n.clone()
                } else {
                    t(lang, "desk-nobody")
                },
                c.to_string(),
            )
        })
        .collect();
    let labels = [
        "desk-age-0",
        "desk-age-1",
        "desk-age-2",
        "desk-age-3",
        "desk-age-4",
    ];
    let backlog = labels
        .iter()
        .zip(d.backlog)
        .map(|(k, n)| (t(lang, k), n.to_string()))
        .collect();
    let csat_rows = |v: &[(Option<uuid::Uuid>, String, Ratio)], none: &str| {
        v.iter()
            .map(|(id, n, r)| {
                let name = if id.is_none() || n.is_empty() {
                    t(lang, none)
                } else {
                    n.clone()
                };
                (name, pct(lang, *r), format!("{} / {}", r.num, r.den))
            })
            .collect::<Vec<_>>()
    };
    let csat = vec![
        (
            "desk-kpi-csat-agent",
            csat_rows(&d.csat_by_agent, "desk-nobody"),
        ),
        (
            "desk-kpi-csat-client",
            csat_rows(&d.csat_by_client, "desk-kpi-no-category"),
        ),
        (
            "desk-kpi-csat-category",
            csat_rows(&d.csat_by_category, "desk-kpi-no-category"),
        ),
    ];
    render(&KpisTpl {
        csat,
        base: Base::new(&page, "desk-kpis-title", "/desk", "/desk/kpis")
            .with_notice(q.notice.as_deref()),
        periods: period.options(lang),
        period_label: period.label(lang),
        query: {
            let mut q = period.query();
            for (k, v) in scope_pairs(&d.scope) {
                q.push_str(&format!("&{k}={v}"));
            }
            q
        },
        filters,
        error,
        cards: cards(lang, &d),
        chart: chart(lang, &d),
        kinds,
        categories,
        sla_priority,
        sla_client,
        agents,
        backlog,
        can_work: page.ctx.may(DeskAction::Work),
        clients: client_opts,
        period,
    })
}

/// The KPIs of a period as CSV: one row per figure and per breakdown line.
pub async fn export(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<PeriodQuery>,
    Query(sq): Query<kpis::ScopeQuery>,
) -> Response {
    let scope = match kpis::scope_of(&sq) {
        Ok(sc) => sc,
        Err(e) => return error_page(&page, e),
    };
    let period = match period_of(&s, &page, &q) {
        Ok(p) => p,
        Err(key) => {
            return error_page(
                &page,
                ServiceError::Invalid(mesure_domain::Invalid::one("from", key)),
            );
        }
    };
    let d = match kpis::dashboard_in(&s.app, &page.ctx, period.from, period.to, &scope).await {
        Ok(d) => d,
        Err(e) => return error_page(&page, e),
    };
    let lang = page.ctx.language;
    let mut w = mesure_services::csv_out::writer_for(lang);
    let _ = w.header(&["kpi", "breakdown", "value", "numerator", "denominator"]);
    let ratio = |r: Ratio| {
        (
            r.pct().map(|p| p.to_string()).unwrap_or_default(),
            r.num.to_string(),
            r.den.to_string(),
        )
    };
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut push = |kpi: &str, breakdown: String, (v, n, dd): (String, String, String)| {
        rows.push([kpi.to_string(), breakdown, v, n, dd]);
    };
    push(
        "volume",
        String::new(),
        (d.created.to_string(), String::new(), String::new()),
    );
    for (k, v) in &d.by_kind {
        push(
            "volume_by_type",
            k.as_str().into(),
            (v.current.to_string(), v.previous.to_string(), String::new()),
        );
    }
    for (_, n, v) in &d.by_category {
        push(
            "volume_by_category",
            n.clone(),
            (v.current.to_string(), v.previous.to_string(), String::new()),
        );
    }
    let mins = |m: Option<i64>| m.map(|m| m.to_string()).unwrap_or_default();
    push(
        "first_response_median_minutes",
        String::new(),
        (
            mins(d.first_response_median),
            String::new(),
            d.first_response_count.to_string(),
        ),
    );
    push(
        "resolution_median_minutes",
        String::new(),
        (
            mins(d.resolution_median),
            String::new(),
            d.resolved.to_string(),
        ),
    );
    push(
        "first_contact_resolution_pct",
        String::new(),
        ratio(d.first_contact),
    );
    push(
        "first_line_resolution_pct",
        String::new(),
        ratio(d.first_line),
    );
    push("transferred_pct", String::new(), ratio(d.transferred));
    push("reopen_pct", String::new(), ratio(d.reopened));
    push(
        "complaints",
        String::new(),
        (d.complaints.to_string(), String::new(), String::new()),
    );
    push("abandonment_pct", String::new(), ratio(d.abandonment));
    push("sla_attainment_pct", String::new(), ratio(d.sla));
    for (p, r) in &d.sla_by_priority {
        push(
            "sla_attainment_pct_by_priority",
            p.as_str().into(),
            ratio(*r),
        );
    }
    for (_, n, r) in &d.sla_by_client {
        push("sla_attainment_pct_by_client", n.clone(), ratio(*r));
    }
    push(
        "requests_per_agent",
        String::new(),
        (
            d.requests_per_agent
                .map(|v| v.to_string())
                .unwrap_or_default(),
            String::new(),
            String::new(),
        ),
    );
    for (_, n, c) in &d.per_agent {
        push(
            "resolved_by_agent",
            n.clone(),
            (c.to_string(), String::new(), String::new()),
        );
    }
    push("csat_pct", String::new(), ratio(d.csat));
    push(
        "csat_participation_pct",
        String::new(),
        ratio(d.csat_participation),
    );
    for (label, v) in [
        ("csat_pct_by_agent", &d.csat_by_agent),
        ("csat_pct_by_client", &d.csat_by_client),
        ("csat_pct_by_category", &d.csat_by_category),
    ] {
        for (_, n, r) in v {
            push(label, n.clone(), ratio(*r));
        }
    }
    for (i, n) in d.backlog.iter().enumerate() {
        push(
            "backlog_by_age",
            format!("bucket_{i}"),
            (n.to_string(), String::new(), String::new()),
        );
    }
    for r in rows {
        let mut r = r;
        if let Some(v) = r.get_mut(2)
            && v.contains('.')
        {
            *v = w.decimal(v);
        }
        let _ = w.write_record(r);
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    crate::html::csv_response(
        &format!("service-kpis-{}-{}.csv", period.from, period.last_day()),
        body,
    )
}

/// Logs an abandoned call or chat.
pub async fn abandoned(State(s): State<AppState>, page: Page, body: axum::body::Bytes) -> Response {
    let f: AbandonedForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let waited = mesure_domain::forms::given(f.waited.as_deref())
        .map(|w| w.trim().parse::<i64>().map_err(|_| ()));
    let waited_seconds = match waited {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(())) => {
            return error_page(
                &page,
                mesure_domain::Invalid::one("waited_seconds", "err-desk-waited").into(),
            );
        }
    };
    let input = AbandonedInput {
        channel: f.channel,
        client_id: f.client_id,
        waited_seconds,
        note: f.note,
    };
    match tickets::log_abandoned(&s.app, &page.ctx, &input).await {
        Ok(_) => see_other("/desk/kpis", "desk-abandoned-logged"),
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct AbandonedForm {
    #[serde(default)]
    pub channel: String,
    pub client_id: Option<String>,
    pub waited: Option<String>,
    pub note: Option<String>,
}
