//! The monthly value report of a client (issue 11): what the month delivered — deliverables
//! completed, hours by deliverable, budget status, retainer balance, free work given, change
//! requests decided, questions still open — for the client's contacts (a portal page, a PDF
//! e-mailed on the first working day of the next month) and for staff. Never a cost, a margin,
//! a rate or an internal note; money only for readers who may see it.
use super::{names, parts, summary};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::portal::questions::QuestionStatus;
use mesure_domain::projects::engagement::{ChangeStatus, DeliverableStatus, month_of};
use mesure_domain::{ClientId, ClientsAction, PortalAction};
use uuid::Uuid;

/// Hours on one deliverable (or outside the deliverables shown) in the month.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HoursLine {
    pub project: String,
    /// `None`: work outside the deliverables shown on the portal.
    pub deliverable: Option<String>,
    pub minutes: i64,
}

/// A project's budget at the month's end (its current consumption).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BudgetLine {
    pub project: String,
    pub budget_minutes: Option<i64>,
    pub consumed_minutes: i64,
    pub monthly: bool,
    /// Readers who may see money only.
    pub budget_money: Option<i64>,
    pub consumed_value: Option<i64>,
}

/// A retainer's month: hours included, carried in, used, and carried out.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RetainerLine {
    pub project: String,
    pub included: i64,
    pub carried_in: i64,
    pub used: i64,
    pub carried_out: i64,
    pub overrun: i64,
}

/// A change request decided in the month.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DecidedChange {
    pub project: String,
    pub title: String,
    pub approved: bool,
    pub decided_on: i32,
    pub decided_by: Option<String>,
    pub extra_minutes: i64,
}

/// A question not yet resolved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OpenQuestion {
    pub id: Uuid,
    pub title: String,
    pub status: QuestionStatus,
    pub asked_at: i64,
}

/// The report of one client and month.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ValueReport {
    pub client_id: Uuid,
    pub client_name: String,
    pub workspace_name: String,
    /// `YYYYMM`.
    pub month: i32,
    pub currency: mesure_domain::Currency,
    /// (project, deliverable, day completed `YYYYMMDD`).
    pub completed: Vec<(String, String, i32)>,
    pub hours: Vec<HoursLine>,
    pub total_minutes: i64,
    pub budgets: Vec<BudgetLine>,
    pub retainers: Vec<RetainerLine>,
    /// (project, minutes, value at the project's rates) of the free work given in the month.
    pub free: Vec<(String, i64, i64)>,
    pub changes: Vec<DecidedChange>,
    pub open_questions: Vec<OpenQuestion>,
    /// The reader sees money (budgets, free work's value).
    pub money: bool,
}

/// The day `YYYYMMDD` of an instant (microseconds) in `tz`.
fn day_of(tz: &jiff::tz::TimeZone, us: i64) -> i32 {
    jiff::Timestamp::from_microsecond(us).map_or(0, |t| {
        mesure_domain::projects::engagement::day_key(t.to_zoned(tz.clone()).date())
    })
}

/// The first and last days (`YYYYMMDD`) of month `YYYYMM`, or a field error on `month`.
pub fn days_of(month: i32) -> Result<(i32, i32)> {
    let bad = || ServiceError::Invalid(mesure_domain::Invalid::one("month", "err-month"));
    let (y, m) = (month / 100, month % 100);
    let first = jiff::civil::Date::new(
        i16::try_from(y).map_err(|_| bad())?,
        i8::try_from(m).map_err(|_| bad())?,
        1,
    )
    .map_err(|_| bad())?;
    if !(2000..=2100).contains(&y) {
        return Err(bad());
    }
    let key = mesure_domain::projects::engagement::day_key;
    Ok((key(first), key(first.last_of_month())))
}

/// The report of `client` (staff; a contact reads their own organisation whatever is passed)
/// for month `YYYYMM`.
pub async fn report(app: &App, ctx: &Ctx, client: Option<Uuid>, month: i32) -> Result<ValueReport> {
    let (client, money) = match ctx.client {
        Some(own) => {
            ctx.require(PortalAction::View)?;
            (own, ctx.may(PortalAction::ProjectMoney))
        }
        None => {
            ctx.require(ClientsAction::Read)?;
            let id = client.ok_or(ServiceError::NotFound)?;
            (ClientId::from_uuid(id), crate::projects::sees_money(ctx))
        }
    };
    let (from, to) = days_of(month)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let cl = mesure_store::clients::get(c, ctx.workspace, client).await?;
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    // The month's end: midnight after its last day, in the workspace's zone.
    let end_us = mesure_domain::projects::engagement::day_from_key(to)
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| d.to_zoned(tz.clone()).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_microsecond());
    let mut r = ValueReport {
        client_id: cl.id,
        client_name: cl.name.clone(),
        workspace_name: ctx.workspace_name.clone(),
        month,
        currency: cl.currency,
        completed: Vec::new(),
        hours: Vec::new(),
        total_minutes: 0,
        budgets: Vec::new(),
        retainers: Vec::new(),
        free: Vec::new(),
        changes: Vec::new(),
        open_questions: Vec::new(),
        money,
    };
    let mut who = names(c, ctx.workspace, &[]).await?;
    for p in mesure_store::projects::list(c, ctx.workspace, Some(client.uuid()), false).await? {
        let pp = parts(c, ctx.workspace, &p).await?;
        let shown = |d: &Uuid| !pp.hidden.contains(d);
        // Completed in the month: accepted then, or marked done then (its last change).
        for d in pp.deliverables.iter().filter(|d| shown(&d.id)) {
            let on = match d.status {
                DeliverableStatus::Accepted => d.accepted_on,
                DeliverableStatus::Done => Some(day_of(&tz, d.updated_at)),
                _ => None,
            };
            if let Some(on) = on.filter(|on| (from..=to).contains(on)) {
                r.completed.push((p.name.clone(), d.name.clone(), on));
            }
        }
        let mut by: std::collections::BTreeMap<Option<String>, i64> = Default::default();
        for (d, _, m) in mesure_store::portal::time_sums(c, ctx.workspace, p.id, from, to).await? {
            let name = d
                .filter(shown)
                .and_then(|d| pp.deliverables.iter().find(|x| x.id == d))
                .map(|x| x.name.clone());
            *by.entry(name).or_default() += m;
        }
        for (deliverable, minutes) in by {
            r.total_minutes += minutes;
            r.hours.push(HoursLine {
                project: p.name.clone(),
                deliverable,
                minutes,
            });
        }
        let rows = mesure_store::radar::totals::project_months(c, ctx.workspace, p.id).await?;
        let s = summary(app, ctx, &p, &pp, &rows);
        if s.budget_minutes.is_some() || s.budget_money.is_some() {
            r.budgets.push(BudgetLine {
                project: p.name.clone(),
                budget_minutes: s.budget_minutes,
                consumed_minutes: s.consumed_minutes,
                monthly: s.monthly,
                budget_money: s.budget_money.filter(|_| money),
                consumed_value: s.consumed_value.filter(|_| money),
            });
        }
        let this = month_of(from);
        if let Some(row) = rows.iter().find(|x| x.month == this)
            && row.free_minutes > 0
        {
            r.free.push((
                p.name.clone(),
                row.free_minutes,
                if money { row.free_value } else { 0 },
            ));
        }
        let walk = mesure_domain::projects::engagement::retainer_walk(
            &crate::radar::terms_of(&p),
            rows.first().map(|x| x.month),
            rows.last().map(|x| x.month),
            this,
            |m| {
                rows.iter()
                    .find(|x| x.month == m)
                    .map_or(0, |x| x.billed_minutes)
            },
        );
        if let Some((_, b)) = walk.iter().find(|(m, _)| *m == this) {
            r.retainers.push(RetainerLine {
                project: p.name.clone(),
                included: b.included.get(),
                carried_in: b.carried_in.get(),
                used: b.used.get(),
                carried_out: b.carried_out.get(),
                overrun: b.overrun.get(),
            });
        }
        for ch in pp.changes.iter().filter(|ch| {
            matches!(ch.status, ChangeStatus::Approved | ChangeStatus::Rejected)
                && ch.decided_on.is_some_and(|d| (from..=to).contains(&d))
        }) {
            if let Some(u) = ch.decided_by
                && !who.contains_key(&u)
                && let Ok(user) = mesure_store::people::users::get(
                    c,
                    ctx.workspace,
                    mesure_domain::UserId::from_uuid(u),
                )
                .await
            {
                who.insert(u, user.name);
            }
            r.changes.push(DecidedChange {
                project: p.name.clone(),
                title: ch.title.clone(),
                approved: ch.status == ChangeStatus::Approved,
                decided_on: ch.decided_on.unwrap_or(to),
                decided_by: ch.decided_by.and_then(|u| who.get(&u).cloned()),
                extra_minutes: ch.extra_minutes,
            });
        }
    }
    // Questions open at the month's end: asked before it and not resolved (by then or since).
    for q in
        mesure_store::portal::questions::of_client(c, ctx.workspace, client.uuid(), 500).await?
    {
        let open_then = q.created_at < end_us
            && (q.status != QuestionStatus::Resolved
                || q.resolved_at.is_some_and(|at| at >= end_us));
        let visible = ctx.client.is_none()
            || if q.subject_type.is_billing() {
                ctx.may(PortalAction::Invoices)
            } else {
                ctx.may(PortalAction::Projects)
            };
        if open_then && visible {
            r.open_questions.push(OpenQuestion {
                id: q.id,
                title: q.title.clone(),
                status: q.status,
                asked_at: q.created_at,
            });
        }
    }
    r.completed.sort();
    Ok(r)
}

/// The month `YYYYMM` as the reader says it ("novembre 2026" / "November 2026").
pub fn month_label(lang: mesure_domain::Language, month: i32) -> String {
    mesure_i18n::t_args(
        lang,
        &format!("month-name-{}", month % 100),
        &[("year", mesure_i18n::Arg::Str(&(month / 100).to_string()))],
    )
}

/// The report as a PDF (A4, PDF/A-3b, nothing embedded) in `lang`, dated `today` (`YYYYMMDD`).
pub fn pdf(r: &ValueReport, lang: mesure_domain::Language, today: i32) -> Result<Vec<u8>> {
    use mesure_i18n::{Arg, t, t_args};
    let hours = crate::invoicing::draft::duration;
    let money =
        |minor: i64| mesure_i18n::money(lang, mesure_domain::Money::from_minor(minor, r.currency));
    let day = |k: i32| {
        mesure_domain::projects::engagement::day_from_key(k)
            .map(|d| mesure_i18n::date(lang, d))
            .unwrap_or_default()
    };
    let row = |description: String, detail: Option<String>, quantity: String, net: String| {
        mesure_pdf::Row {
            description,
            detail,
            quantity,
            unit_price: String::new(),
            vat: String::new(),
            net,
            muted: false,
        }
    };
    let mut lines = Vec::new();
    for h in &r.hours {
        let what = h
            .deliverable
            .clone()
            .unwrap_or_else(|| t(lang, "value-report-other-work"));
        lines.push(row(
            format!("{} — {what}", h.project),
            None,
            hours(h.minutes),
            String::new(),
        ));
    }
    for (project, name, on) in &r.completed {
        lines.push(row(
            t_args(
                lang,
                "value-report-pdf-completed",
                &[("name", Arg::Str(name))],
            ),
            Some(format!("{project} · {}", day(*on))),
            String::new(),
            String::new(),
        ));
    }
    for b in &r.budgets {
        let used = match b.budget_minutes {
            Some(budget) => format!("{} / {}", hours(b.consumed_minutes), hours(budget)),
            None => hours(b.consumed_minutes),
        };
        let value = match (b.consumed_value, b.budget_money) {
            (Some(v), Some(m)) => format!("{} / {}", money(v), money(m)),
            _ => String::new(),
        };
        lines.push(row(
            t_args(
                lang,
                "value-report-pdf-budget",
                &[("project", Arg::Str(&b.project))],
            ),
            b.monthly.then(|| t(lang, "value-report-monthly-budget")),
            used,
            value,
        ));
    }
    for x in &r.retainers {
        lines.push(row(
            t_args(
                lang,
                "value-report-pdf-retainer",
                &[("project", Arg::Str(&x.project))],
            ),
            Some(t_args(
                lang,
                "value-report-retainer-detail",
                &[
                    ("included", Arg::Str(&hours(x.included))),
                    ("carried", Arg::Str(&hours(x.carried_in))),
                    ("left", Arg::Str(&hours(x.carried_out))),
                    ("over", Arg::Str(&hours(x.overrun))),
                ],
            )),
            hours(x.used),
            String::new(),
        ));
    }
    for (project, minutes, value) in &r.free {
        lines.push(row(
            t_args(
                lang,
                "value-report-pdf-free",
                &[("project", Arg::Str(project))],
            ),
            None,
            hours(*minutes),
            if r.money {
                money(*value)
            } else {
                String::new()
            },
        ));
    }
    for ch in &r.changes {
        let key = if ch.approved {
            "value-report-pdf-approved"
        } else {
            "value-report-pdf-rejected"
        };
        let by = ch.decided_by.clone().unwrap_or_default();
        lines.push(row(
            t_args(lang, key, &[("title", Arg::Str(&ch.title))]),
            Some(format!("{} · {} · {by}", ch.project, day(ch.decided_on))),
            hours(ch.extra_minutes),
            String::new(),
        ));
    }
    for q in &r.open_questions {
        lines.push(row(
            t_args(
                lang,
                "value-report-pdf-question",
                &[("title", Arg::Str(&q.title))],
            ),
            Some(t(lang, &format!("question-status-{}", q.status.as_str()))),
            String::new(),
            String::new(),
        ));
    }
    let (from, to) = days_of(r.month)?;
    let title = t_args(
        lang,
        "value-report-title-of",
        &[("month", Arg::Str(&month_label(lang, r.month)))],
    );
    let d = mesure_domain::projects::engagement::day_from_key(today)
        .unwrap_or(jiff::civil::date(2000, 1, 1));
    let doc = mesure_pdf::Document {
        lang: lang.as_str().to_string(),
        title: title.clone(),
        logo: None,
        seller: vec![r.workspace_name.clone()],
        buyer_heading: t(lang, "value-report-for"),
        buyer: vec![r.client_name.clone()],
        meta: vec![
            (
                t(lang, "invoice-pdf-period"),
                format!("{} – {}", day(from), day(to)),
            ),
            (t(lang, "value-report-total-hours"), hours(r.total_minutes)),
        ],
        columns: [
            t(lang, "value-report-col-what"),
            t(lang, "value-report-col-hours"),
            String::new(),
            String::new(),
            if r.money {
                t(lang, "value-report-col-value")
            } else {
                String::new()
            },
        ],
        lines,
        totals: vec![(t(lang, "value-report-total-hours"), hours(r.total_minutes))],
        notes: if r.hours.is_empty() {
            vec![t(lang, "value-report-no-work")]
        } else {
            Vec::new()
        },
        mentions: Vec::new(),
        page_label: t_args(
            lang,
            "invoice-pdf-page",
            &[("page", Arg::Str("{page}")), ("pages", Arg::Str("{pages}"))],
        ),
        facturx_xml: Vec::new(),
        document_number: title,
        created: mesure_pdf::Timestamp {
            year: u16::try_from(d.year()).unwrap_or(2000),
            month: u8::try_from(d.month()).unwrap_or(1),
            day: u8::try_from(d.day()).unwrap_or(1),
            hour: 0,
            minute: 0,
            second: 0,
        },
    };
    mesure_pdf::render_report(&doc).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The first working day of `d`'s month on `cal`: the first day with working hours that is not
/// a day off.
pub fn first_working_day(
    cal: &mesure_domain::calendar::Calendar,
    d: jiff::civil::Date,
) -> Option<jiff::civil::Date> {
    let mut day = d.first_of_month();
    while day.month() == d.month() {
        let idx = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
        if !cal.is_day_off(day) && cal.week.get(idx).is_some_and(|r| !r.is_empty()) {
            return Some(day);
        }
        day = day.tomorrow().ok()?;
    }
    None
}

impl ValueReport {
    /// Whether the month has anything to tell: work, a delivery, a decision or an open question.
    pub fn has_news(&self) -> bool {
        self.total_minutes > 0
            || !self.completed.is_empty()
            || !self.changes.is_empty()
            || !self.open_questions.is_empty()
    }

    /// The report without money (what every contact role may read: the e-mailed copy).
    pub fn without_money(mut self) -> ValueReport {
        self.money = false;
        for b in &mut self.budgets {
            b.budget_money = None;
            b.consumed_value = None;
        }
        for f in &mut self.free {
            f.2 = 0;
        }
        self
    }
}

/// From the first working day of a month (the workspace's calendar, in its zone), queues last
/// month's report of every client with news to the client's billing and project contacts that
/// have a portal login, the PDF attached — once per client and month, whatever the number of
/// servers or sweeps. Answers how many reports were queued.
pub async fn sweep(app: &App, ctx: &Ctx) -> Result<usize> {
    let today = crate::time::today_date(app, ctx);
    let cal = {
        let mut conn = app.db.read().await?;
        super::questions::calendar(&mut conn.conn(), ctx.workspace, &ctx.time_zone).await?
    };
    // On the first working day or later in the month: a server down that day still sends (the
    // key on client and month keeps it to once).
    if first_working_day(&cal, today).is_none_or(|first| today < first) {
        return Ok(0);
    }
    let Ok(last) = today.first_of_month().yesterday() else {
        return Ok(0);
    };
    let month = i32::from(last.year()) * 100 + i32::from(last.month());
    let clients = {
        let mut conn = app.db.read().await?;
        mesure_store::clients::names(&mut conn.conn(), ctx.workspace).await?
    };
    let mut sent = 0;
    for (client, _) in clients {
        let to = {
            let mut conn = app.db.read().await?;
            mesure_store::portal::report_recipients(&mut conn.conn(), ctx.workspace, client).await?
        };
        if to.is_empty() {
            continue;
        }
        let r = report(app, ctx, Some(client), month).await?;
        if !r.has_news() {
            continue;
        }
        let now = app.now();
        let queued = crate::write_tx!(app, tx => {
            let n = i64::try_from(to.len()).unwrap_or(i64::MAX);
            if !mesure_store::portal::mark_report_sent(&mut tx.conn(), ctx.workspace, client, month, n, now).await? {
                false
            } else {
                for (email, lang) in &to {
                    let payload = mail_payload(app, &r, email, *lang);
                    crate::jobs::enqueue(&mut tx.conn(), app, ctx.workspace, "mail", &payload).await?;
                }
                true
            }
        })?;
        if queued {
            sent += 1;
        }
    }
    Ok(sent)
}

/// The e-mail of a report to one contact, its PDF rendered when the job sends it.
fn mail_payload(
    app: &App,
    r: &ValueReport,
    email: &str,
    lang: mesure_domain::Language,
) -> serde_json::Value {
    use mesure_i18n::{Arg, t_args};
    let month = month_label(lang, r.month);
    let hours = crate::invoicing::draft::duration(r.total_minutes);
    let url = format!(
        "{}/portal/report?month={:04}-{:02}",
        app.base_url.trim_end_matches('/'),
        r.month / 100,
        r.month % 100
    );
    let args = [
        ("month", Arg::Str(&month)),
        ("workspace", Arg::Str(&r.workspace_name)),
        ("client", Arg::Str(&r.client_name)),
        ("hours", Arg::Str(&hours)),
        ("url", Arg::Str(&url)),
    ];
    let subject = t_args(lang, "mail-value-report-subject", &args);
    let text = t_args(lang, "mail-value-report-text", &args);
    let html = crate::invoicing::mail::plain_html(lang, &text);
    serde_json::json!({
        "to": email, "subject": subject, "text": text, "html": html,
        "attach_value_report": {"client": r.client_id.to_string(), "month": r.month, "language": lang.as_str()},
    })
}

/// Every workspace's [`sweep`].
pub async fn sweep_all(app: &App) -> Result<usize> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut n = 0;
    for w in list {
        n += sweep(app, &Ctx::system(&w, "value_report")).await?;
    }
    Ok(n)
}

/// The PDF a report's e-mail carries: (file name, bytes), without money.
pub async fn mail_pdf(
    app: &App,
    ctx: &Ctx,
    client: Uuid,
    month: i32,
    lang: mesure_domain::Language,
) -> Result<(String, Vec<u8>)> {
    let r = report(app, ctx, Some(client), month).await?.without_money();
    let today = crate::invoicing::today(app, ctx);
    let bytes = pdf(&r, lang, today)?;
    Ok((file_name(&r), bytes))
}

/// `rapport-2026-11-boulangerie-dupain.pdf`-like names, ASCII only.
pub fn file_name(r: &ValueReport) -> String {
    let slug: String = r
        .client_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!(
        "report-{:04}-{:02}-{slug}.pdf",
        r.month / 100,
        r.month % 100
    )
}
