//! The client portal's pages: a contact sees their own organisation, nothing else — its
//! projects (progress, hours, change requests to decide, time reports) and its invoices (lines
//! opening onto what they bill, PDFs, payments), each as the contact's role allows.
use crate::AppState;
use crate::html::fmt;
use crate::html::{Base, error_page, parse_id, render, see_other};
use crate::session::Page;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mesure_domain::PortalAction;
use mesure_domain::projects::engagement::{ChangeStatus, day_from_key};
use mesure_services::portal::{self, PortalProject, PortalProjectDetail, TimeReport};
use mesure_services::{ServiceError, clients};
use uuid::Uuid;

/// A project card: figures formatted for the reader.
pub struct ProjectCard {
    pub id: String,
    pub name: String,
    pub progress: String,
    pub hours: String,
    pub money: Option<String>,
    pub pending: usize,
    pub width: i64,
}

/// A message with two text arguments.
fn ts2(lang: mesure_domain::Language, key: &str, a: (&str, &str), b: (&str, &str)) -> String {
    mesure_i18n::t_args(
        lang,
        key,
        &[
            (a.0, mesure_i18n::Arg::Str(a.1)),
            (b.0, mesure_i18n::Arg::Str(b.1)),
        ],
    )
}

fn card(page: &Page, p: &PortalProject) -> ProjectCard {
    let lang = page.ctx.language;
    let hours = match p.budget_minutes {
        Some(budget) => ts2(
            lang,
            "portal-hours-of",
            ("used", &fmt::hours(lang, p.consumed_minutes)),
            ("budget", &fmt::hours(lang, budget)),
        ),
        None => fmt::hours(lang, p.consumed_minutes),
    };
    let money = match (p.consumed_value, p.budget_money) {
        (Some(v), Some(budget)) => Some(ts2(
            lang,
            "portal-money-of",
            ("used", &fmt::money(lang, v, p.currency.code())),
            ("budget", &fmt::money(lang, budget, p.currency.code())),
        )),
        (Some(v), None) => Some(fmt::money(lang, v, p.currency.code())),
        _ => None,
    };
    let ratio = p
        .budget_minutes
        .filter(|b| *b > 0)
        .map(|b| rust_decimal::Decimal::from(p.consumed_minutes) / rust_decimal::Decimal::from(b));
    ProjectCard {
        id: p.id.to_string(),
        name: p.name.clone(),
        progress: ts2(
            lang,
            "portal-deliverables-done",
            ("done", &p.deliverables_done.to_string()),
            ("total", &p.deliverables.to_string()),
        ),
        hours,
        money,
        pending: p.pending_changes,
        width: fmt::bar_width(ratio),
    }
}

/// An invoice or credit note in a portal list.
pub struct DocLine {
    pub id: String,
    /// "Facture F2026-0001", "Avoir AV2026-0001".
    pub title: String,
    pub issued_on: String,
    pub gross: String,
    pub balance: String,
    pub status: (String, &'static str),
}

fn doc_lines(page: &Page, rows: &[mesure_services::invoicing::InvoiceSummary]) -> Vec<DocLine> {
    let lang = page.ctx.language;
    rows.iter()
        .map(|r| DocLine {
            id: r.id.to_string(),
            title: mesure_i18n::t_args(
                lang,
                match r.kind {
                    mesure_domain::invoicing::states::DocKind::Invoice => {
                        "invoice-pdf-title-invoice"
                    }
                    mesure_domain::invoicing::states::DocKind::CreditNote => {
                        "invoice-pdf-title-credit"
                    }
                },
                &[(
                    "number",
                    mesure_i18n::Arg::Str(r.number.as_deref().unwrap_or("")),
                )],
            ),
            issued_on: r.issued_on.map(|d| fmt::day(lang, d)).unwrap_or_default(),
            gross: fmt::money(lang, r.gross_minor, r.currency.code()),
            balance: fmt::money(lang, r.balance_minor, r.currency.code()),
            status: crate::invoicing::pages::status_badge(lang, r.status),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    base: Base,
    client: clients::PortalOrganisation,
    projects: Option<Vec<ProjectCard>>,
    /// The reader sees the projects' money (a column of the table).
    show_money: bool,
    invoices: Option<Vec<DocLine>>,
    more_invoices: bool,
}

pub async fn home(State(s): State<AppState>, page: Page) -> Response {
    let result = async {
        let client = clients::own_organisation(&s.app, &page.ctx).await?;
        let projects = if page.ctx.may(PortalAction::Projects) {
            Some(portal::projects(&s.app, &page.ctx).await?)
        } else {
            None
        };
        let invoices = if page.ctx.may(PortalAction::Invoices) {
            Some(portal::invoices(&s.app, &page.ctx, None).await?)
        } else {
            None
        };
        Ok::<_, ServiceError>((client, projects, invoices))
    }
    .await;
    match result {
        Ok((client, projects, invoices)) => render(&HomePage {
            base: Base::new(&page, "portal-title", "/portal", "/portal"),
            client,
            show_money: page.ctx.may(PortalAction::ProjectMoney),
            projects: projects.map(|ps| ps.iter().map(|p| card(&page, p)).collect()),
            more_invoices: invoices.as_ref().is_some_and(|i| i.1 || i.0.len() > 5),
            invoices: invoices
                .map(|(rows, _)| doc_lines(&page, &rows).into_iter().take(5).collect()),
        }),
        Err(e) => error_page(&page, e),
    }
}

/// A change request as the portal shows it.
pub struct ChangeLine {
    pub id: String,
    pub title: String,
    pub description: String,
    pub hours: String,
    pub price: Option<String>,
    pub status: String,
    pub decided: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "portal/project.html")]
struct ProjectPage {
    base: Base,
    card: ProjectCard,
    deliverables: Vec<(String, String, String, String)>,
    changes: Vec<ChangeLine>,
    can_decide: bool,
    time_report: bool,
    /// What a question may be about: the project, a deliverable, a change request.
    about: Vec<(String, String)>,
}

fn project_page(page: &Page, d: &PortalProjectDetail, notice: Option<&str>) -> Response {
    let lang = page.ctx.language;
    let t = |k: &str| mesure_i18n::t(lang, k);
    let mut base = Base::new(page, "portal-title", "/portal", "/portal").with_notice(notice);
    base.title = d.project.name.clone();
    let mut about = vec![(format!("project:{}", d.project.id), d.project.name.clone())];
    about.extend(d.deliverables.iter().map(|x| {
        (
            format!("deliverable:{}", x.id),
            format!("{} — {}", t("portal-deliverable"), x.name),
        )
    }));
    about.extend(d.changes.iter().map(|c| {
        (
            format!("change_request:{}", c.id),
            format!("{} — {}", t("portal-change"), c.title),
        )
    }));
    render(&ProjectPage {
        about,
        card: card(page, &d.project),
        deliverables: d
            .deliverables
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    t(&format!("dstatus-{}", x.status.as_str())),
                    fmt::hours(lang, x.estimate_minutes),
                    fmt::hours(lang, x.logged_minutes),
                )
            })
            .collect(),
        changes: d
            .changes
            .iter()
            .map(|ch| ChangeLine {
                id: ch.id.to_string(),
                title: ch.title.clone(),
                description: ch.description.clone(),
                hours: fmt::hours(lang, ch.extra_minutes),
                price: ch
                    .price_minor
                    .map(|p| fmt::money(lang, p, d.project.currency.code())),
                status: t(&format!("cstatus-{}", ch.status.as_str())),
                decided: match (ch.decided_on, &ch.decided_by) {
                    (Some(on), Some(by)) => mesure_i18n::t_args(
                        lang,
                        "portal-decided-by",
                        &[
                            ("day", mesure_i18n::Arg::Str(&fmt::day(lang, on))),
                            ("name", mesure_i18n::Arg::Str(by)),
                        ],
                    ),
                    (Some(on), None) => fmt::day(lang, on),
                    _ => String::new(),
                },
                open: ch.status == ChangeStatus::Sent,
            })
            .collect(),
        can_decide: d.can_decide,
        time_report: d.time_report,
        base,
    })
}

pub async fn project(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<crate::html::NoticeQuery>,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match portal::project(&s.app, &page.ctx, id).await {
        Ok(d) => project_page(&page, &d, q.notice.as_deref()),
        Err(e) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    /// `approve` or `reject`.
    pub decision: String,
}

/// A contact's decision on a change request sent to their organisation.
pub async fn decide(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let f: DecisionForm = match page.form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return error_page(
                &page,
                ServiceError::Invalid(mesure_domain::Invalid::one("decision", "err-choice")),
            );
        }
    };
    let project = async {
        let mut conn = s.app.db.read().await?;
        Ok::<_, ServiceError>(
            mesure_store::projects::change(&mut conn.conn(), page.ctx.workspace, id)
                .await?
                .project_id,
        )
    }
    .await;
    match (
        project,
        portal::decide_change(&s.app, &page.ctx, id, approve).await,
    ) {
        (Ok(p), Ok(())) => see_other(
            &format!("/portal/projects/{p}"),
            if approve {
                "portal-change-approved"
            } else {
                "portal-change-rejected"
            },
        ),
        (_, Err(e)) | (Err(e), _) => error_page(&page, e),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct TimeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/time.html")]
struct TimePage {
    base: Base,
    id: String,
    r: TimeReport,
    from: String,
    to: String,
    entries: Vec<[String; 5]>,
    by_deliverable: Vec<(String, String)>,
    by_person: Vec<(String, String)>,
    total: String,
    next: Option<String>,
}

/// A project's time report over a period (the current month by default).
pub async fn time(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<TimeQuery>,
) -> Response {
    let lang = page.ctx.language;
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let today = portal::today(&s.app, &page.ctx);
    let day = |v: &Option<String>, default: i32| -> Result<i32, ServiceError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => mesure_domain::forms::parse_day(v)
                .ok_or_else(|| mesure_domain::Invalid::one("from", "err-date").into()),
            None => Ok(default),
        }
    };
    let period = day(&q.from, today / 100 * 100 + 1).and_then(|f| Ok((f, day(&q.to, today)?)));
    let r = match period {
        Ok(p) => portal::time_report(&s.app, &page.ctx, id, p, q.after.as_deref()).await,
        Err(e) => Err(e),
    };
    let r = match r {
        Ok(r) => r,
        Err(e) => return error_page(&page, e),
    };
    let iso = |d: i32| day_from_key(d).map(|d| d.to_string()).unwrap_or_default();
    let other = mesure_i18n::t(lang, "portal-outside-deliverables");
    let mut base = Base::new(&page, "portal-title", "/portal", "/portal");
    base.title = r.project.clone();
    let next = r.next.as_ref().map(|n| {
        format!(
            "/portal/projects/{id}/time?from={}&to={}&after={n}",
            iso(r.from),
            iso(r.to)
        )
    });
    render(&TimePage {
        id: id.to_string(),
        from: iso(r.from),
        to: iso(r.to),
        entries: r
            .entries
            .iter()
            .map(|e| {
                [
                    fmt::day(lang, e.date),
                    e.person.clone(),
                    e.deliverable.clone().unwrap_or_else(|| other.clone()),
                    e.note.clone().unwrap_or_default(),
                    fmt::hours(lang, e.minutes),
                ]
            })
            .collect(),
        by_deliverable: r
            .by_deliverable
            .iter()
            .map(|(d, m)| {
                (
                    d.clone().unwrap_or_else(|| other.clone()),
                    fmt::hours(lang, *m),
                )
            })
            .collect(),
        by_person: r
            .by_person
            .iter()
            .map(|(p, m)| (p.clone(), fmt::hours(lang, *m)))
            .collect(),
        total: fmt::hours(lang, r.total_minutes),
        next,
        base,
        r,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    pub after: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/invoices.html")]
struct InvoicesPage {
    base: Base,
    rows: Vec<DocLine>,
    next: Option<String>,
}

/// The organisation's invoices and credit notes, a page at a time.
pub async fn invoices(
    State(s): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Response {
    let after = q.after.as_deref().and_then(|a| {
        let (at, id) = a.split_once('_')?;
        Some((at.parse().ok()?, Uuid::parse_str(id).ok()?))
    });
    match portal::invoices(&s.app, &page.ctx, after).await {
        Ok((rows, more)) => render(&InvoicesPage {
            base: Base::new(
                &page,
                "portal-invoices-title",
                "/portal/invoices",
                "/portal/invoices",
            ),
            next: more
                .then(|| {
                    rows.last()
                        .map(|r| format!("/portal/invoices?after={}_{}", r.created_at, r.id))
                })
                .flatten(),
            rows: doc_lines(&page, &rows),
        }),
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "portal/invoice.html")]
struct InvoicePage {
    base: Base,
    id: String,
    parts: crate::invoicing::pages::DocParts,
    status: (String, &'static str),
    free_work: Vec<String>,
    /// What a question may be about: the invoice, or one of its lines.
    about: Vec<(String, String)>,
    questions: Vec<(String, String, (String, &'static str))>,
}

/// One issued document of the organisation: its lines open onto what they bill.
pub async fn invoice(State(s): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let lang = page.ctx.language;
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let got = async {
        let d = portal::invoice(&s.app, &page.ctx, id).await?;
        let qs = portal::questions::of_invoice(&s.app, &page.ctx, id).await?;
        Ok::<_, ServiceError>((d, qs))
    }
    .await;
    match got {
        Ok(((v, entries, counts), qs)) => {
            let mut parts = crate::invoicing::pages::doc_parts(lang, &v, &entries);
            for l in &mut parts.lines {
                l.total = counts.get(&l.id).copied().unwrap_or(0);
                if l.total > l.entries.len() as i64 {
                    l.more = Some(format!("/portal/invoices/{id}/lines/{}", l.id));
                }
            }
            let mut base = Base::new(
                &page,
                "portal-invoices-title",
                "/portal/invoices",
                "/portal/invoices",
            );
            base.title = parts.title.clone();
            let mut about = vec![(format!("invoice:{id}"), parts.title.clone())];
            about.extend(v.lines.iter().map(|l| {
                (
                    format!("invoice_line:{id}:{}", l.id),
                    mesure_i18n::t_args(
                        lang,
                        "question-about-line",
                        &[("line", mesure_i18n::Arg::Str(&l.description))],
                    ),
                )
            }));
            render(&InvoicePage {
                about,
                questions: qs
                    .iter()
                    .map(|q| {
                        (
                            q.id.to_string(),
                            q.title.clone(),
                            crate::portal::questions::status_badge(lang, q.status),
                        )
                    })
                    .collect(),
                id: id.to_string(),
                status: crate::invoicing::pages::status_badge(lang, v.status),
                free_work: v
                    .lines
                    .iter()
                    .filter(|l| l.free_value_minor > 0)
                    .map(|l| l.description.clone())
                    .collect(),
                parts,
                base,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

#[derive(Template)]
#[template(path = "portal/invoice_line.html")]
struct LinePage {
    base: Base,
    back: String,
    intro: String,
    entries: Vec<[String; 5]>,
    next: Option<String>,
}

/// The entries one line of an issued document bills, a page at a time (`after`:
/// `YYYYMMDD_<entry id>` of the previous page's last entry).
pub async fn invoice_line(
    State(s): State<AppState>,
    page: Page,
    Path((id, line)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = page.ctx.language;
    let ids = parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok())
        .and_then(|id| parse_id(&page, &line, |r| Uuid::parse_str(r.trim()).ok()).map(|l| (id, l)));
    let (id, line) = match ids {
        Ok(v) => v,
        Err(r) => return r,
    };
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => {
            let parsed = a
                .split_once('_')
                .and_then(|(d, e)| Some((d.parse::<i32>().ok()?, Uuid::parse_str(e).ok()?)));
            match parsed {
                Some(p) => Some(p),
                None => {
                    return error_page(
                        &page,
                        ServiceError::Invalid(mesure_domain::Invalid::one("after", "err-cursor")),
                    );
                }
            }
        }
    };
    match portal::invoice_line_entries(&s.app, &page.ctx, id, line, after).await {
        Ok(l) => {
            let mut base = Base::new(
                &page,
                "portal-invoices-title",
                "/portal/invoices",
                "/portal/invoices",
            );
            base.title = l.description.clone();
            render(&LinePage {
                back: format!("/portal/invoices/{id}"),
                intro: mesure_i18n::t_args(
                    lang,
                    "portal-line-entries-intro",
                    &[
                        ("number", mesure_i18n::Arg::Str(&l.number)),
                        ("n", mesure_i18n::Arg::Num(l.total)),
                    ],
                ),
                next: l
                    .more
                    .then(|| {
                        l.entries.last().map(|e| {
                            format!(
                                "/portal/invoices/{id}/lines/{line}?after={}_{}",
                                e.work_date, e.id
                            )
                        })
                    })
                    .flatten(),
                entries: l
                    .entries
                    .iter()
                    .map(|e| crate::invoicing::pages::entry_cells(lang, e, l.currency))
                    .collect(),
                base,
            })
        }
        Err(e) => error_page(&page, e),
    }
}

pub async fn invoice_pdf(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let id = match parse_id(&page, &id, |r| Uuid::parse_str(r.trim()).ok()) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match portal::invoice_pdf(&s.app, &page.ctx, id).await {
        Ok((number, bytes)) => crate::invoicing::api::pdf_response(&number, bytes),
        Err(e) => error_page(&page, e),
    }
}

/// Saves what a project's portal shows, from the project's page: its time detail, its entries'
/// notes and the deliverables ticked as visible (a form lists repeated `visible` fields).
pub async fn save_project_settings(
    State(s): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let id = match parse_id(&page, &id, mesure_domain::ProjectId::parse) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let pairs: Vec<(String, String)> = match page.form(&body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let has = |k: &str| pairs.iter().any(|(n, _)| n == k);
    let visible: Vec<Uuid> = pairs
        .iter()
        .filter(|(n, _)| n == "visible")
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
        .collect();
    let result = async {
        let ps = portal::settings::get(&s.app, &page.ctx, id).await?;
        portal::settings::save(&s.app, &page.ctx, id, has("show_time"), has("show_notes")).await?;
        let mut conn = s.app.db.read().await?;
        let all =
            mesure_store::projects::deliverables(&mut conn.conn(), page.ctx.workspace, id.uuid())
                .await?;
        drop(conn);
        for d in all {
            let shown = visible.contains(&d.id);
            if shown == ps.hidden.contains(&d.id) {
                portal::settings::set_deliverable_visible(&s.app, &page.ctx, d.id, shown).await?;
            }
        }
        Ok::<_, ServiceError>(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/projects/{id}"), "project-portal-saved"),
        Err(e) => error_page(&page, e),
    }
}
