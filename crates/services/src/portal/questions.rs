//! Questions on anything a contact sees (an invoice or one of its lines, a deliverable, a change
//! request, a project), answered by staff in a thread. The first response time counts business
//! minutes of the workspace's calendar; a contact's new message reopens an answered question; a
//! billing question may be resolved by a credit note, linked to it.
use super::{own_client, own_document, own_project};
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::calendar::Calendar;
use mesure_domain::portal::questions::{MAX_MESSAGE, QuestionKpis, QuestionStatus, Subject};
use mesure_domain::validate::Checker;
use mesure_domain::{ClientsAction, Invalid, PortalAction, WorkspaceId};
use mesure_i18n::Arg;
use mesure_store::Conn;
use mesure_store::portal::questions::{self as store, MessageRow, QuestionRow};
use uuid::Uuid;

/// The workspace's business calendar: as set, else the French office week in the workspace's
/// time zone.
pub async fn calendar(c: &mut Conn<'_>, ws: WorkspaceId, tz: &str) -> Result<Calendar> {
    let fallback =
        || Calendar::french_office(jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC));
    let Some(row) = store::calendar(c, ws).await? else {
        return Ok(fallback());
    };
    let parsed = super::calendar::parse_row(&row);
    Ok(parsed.unwrap_or_else(fallback))
}

/// A question a contact asks.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct AskInput {
    /// `invoice`, `invoice_line`, `deliverable`, `change_request`, `project`.
    pub subject: String,
    pub subject_id: Uuid,
    /// The invoice of a line (required for `invoice_line`).
    pub invoice_id: Option<Uuid>,
    pub body: String,
}

/// What a question is about, checked against the asker's organisation and role: its title,
/// invoice and project.
async fn subject_of(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    subject: Subject,
    id: Uuid,
    invoice: Option<Uuid>,
) -> Result<(String, Option<Uuid>, Option<Uuid>)> {
    if subject.is_billing() {
        ctx.require(PortalAction::Invoices)?;
    } else {
        ctx.require(PortalAction::Projects)?;
    }
    Ok(match subject {
        Subject::Invoice => {
            let d = own_document(c, ctx, id).await?;
            (d.number.unwrap_or_default(), Some(d.id), None)
        }
        Subject::InvoiceLine => {
            let inv = invoice.ok_or_else(|| Invalid::one("invoice_id", "err-required"))?;
            let d = own_document(c, ctx, inv).await?;
            let line = mesure_store::invoicing::lines(c, ctx.workspace, d.id)
                .await?
                .into_iter()
                .find(|l| l.id == id)
                .ok_or(ServiceError::NotFound)?;
            (
                format!("{} — {}", d.number.unwrap_or_default(), line.description),
                Some(d.id),
                line.project_id,
            )
        }
        Subject::Project => {
            let p = own_project(c, ctx, id).await?;
            (p.name, None, Some(p.id))
        }
        Subject::Deliverable => {
            let d = mesure_store::projects::deliverable(c, ctx.workspace, id).await?;
            let p = own_project(c, ctx, d.project_id).await?;
            let hidden = mesure_store::portal::hidden(c, ctx.workspace, p.id).await?;
            if hidden.contains(&d.id) {
                return Err(ServiceError::NotFound);
            }
            (format!("{} — {}", p.name, d.name), None, Some(p.id))
        }
        Subject::ChangeRequest => {
            let ch = mesure_store::projects::change(c, ctx.workspace, id).await?;
            let p = own_project(c, ctx, ch.project_id).await?;
            if ch.status == mesure_domain::projects::engagement::ChangeStatus::Draft {
                return Err(ServiceError::NotFound);
            }
            (format!("{} — {}", p.name, ch.title), None, Some(p.id))
        }
    })
}

fn message_body(c: &mut Checker, body: &str) -> String {
    c.required("body", body, MAX_MESSAGE)
}

/// A contact asks a question; the project's manager and the owners are told.
pub async fn ask(app: &App, ctx: &Ctx, i: &AskInput) -> Result<QuestionRow> {
    ctx.require(PortalAction::View)?;
    let client = own_client(ctx)?;
    let mut c = Checker::new();
    let subject = Subject::parse(&i.subject);
    if subject.is_none() {
        c.add("subject", "err-choice");
    }
    let body = message_body(&mut c, &i.body);
    c.finish()?;
    let subject = subject.ok_or_else(|| Invalid::one("subject", "err-choice"))?;
    let now = app.now();
    let q = crate::write_tx!(app, tx => {
        let (title, invoice, project) = subject_of(&mut tx.conn(), ctx, subject, i.subject_id, i.invoice_id).await?;
        let q = QuestionRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            client_id: client.uuid(),
            subject_type: subject,
            subject_id: i.subject_id,
            invoice_id: invoice,
            project_id: project,
            title: mesure_domain::text::excerpt(&title, mesure_domain::portal::questions::MAX_TITLE),
            status: QuestionStatus::Open,
            asked_by: ctx.user.uuid(),
            created_at: now,
            first_response_at: None,
            first_response_minutes: None,
            resolved_at: None,
            credit_note_id: None,
            updated_at: now,
            version: 1,
        };
        store::insert(&mut tx.conn(), &q).await?;
        store::insert_message(&mut tx.conn(), &MessageRow { workspace_id: q.workspace_id, id: Uuid::now_v7(), question_id: q.id, author_id: ctx.user.uuid(), from_staff: false, body: body.clone(), created_at: now }).await?;
        let manager = match project {
            Some(p) => mesure_store::projects::get(&mut tx.conn(), ctx.workspace, mesure_domain::ProjectId::from_uuid(p)).await?.manager_id,
            None => None,
        };
        let label = format!("{} ({})", q.title, ctx.label);
        crate::radar::notify(&mut tx.conn(), app, ctx.workspace, manager, "question_asked", "question", q.id, &label, 0, &format!("/questions/{}", q.id)).await?;
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "question", q.id, "create", None::<&()>, Some(&serde_json::json!({"name": q.title, "subject_type": subject.as_str()}))).await?;
        q
    })?;
    Ok(q)
}

/// A question a reader may see: a contact their organisation's, staff who may read clients any
/// of the workspace's.
async fn readable(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<QuestionRow> {
    let q = store::get(c, ctx.workspace, id).await?;
    match ctx.client {
        Some(cl) => {
            ctx.require(PortalAction::View)?;
            if q.client_id != cl.uuid() {
                return Err(ServiceError::NotFound);
            }
            let allowed = if q.subject_type.is_billing() {
                ctx.may(PortalAction::Invoices)
            } else {
                ctx.may(PortalAction::Projects)
            };
            if !allowed {
                return Err(ServiceError::NotFound);
            }
        }
        None => ctx.require(ClientsAction::Read)?,
    }
    Ok(q)
}

/// One message as a thread shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MessageView {
    pub author: String,
    pub from_staff: bool,
    pub body: String,
    pub at: i64,
}

/// A question and its thread.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Thread {
    pub question: QuestionRow,
    pub messages: Vec<MessageView>,
    pub client_name: String,
}

/// A question with its messages, for a reader who may see it.
pub async fn thread(app: &App, ctx: &Ctx, id: Uuid) -> Result<Thread> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let q = readable(c, ctx, id).await?;
    let rows = store::messages(c, ctx.workspace, id).await?;
    let mut names = std::collections::HashMap::new();
    for m in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(m.author_id) {
            let n = mesure_store::people::users::get(
                c,
                ctx.workspace,
                mesure_domain::UserId::from_uuid(m.author_id),
            )
            .await
            .map(|u| u.name)
            .unwrap_or_default();
            e.insert(n);
        }
    }
    let client_name = mesure_store::clients::get(
        c,
        ctx.workspace,
        mesure_domain::ClientId::from_uuid(q.client_id),
    )
    .await?
    .name;
    Ok(Thread {
        messages: rows
            .into_iter()
            .map(|m| MessageView {
                author: names.get(&m.author_id).cloned().unwrap_or_default(),
                from_staff: m.from_staff,
                body: m.body,
                at: m.created_at,
            })
            .collect(),
        question: q,
        client_name,
    })
}

/// A message in a thread: from the contact (an answered or resolved question opens again) or
/// from staff (the first staff reply sets the first response time in business minutes; the
/// question is answered and the asker gets an e-mail).
pub async fn reply(app: &App, ctx: &Ctx, id: Uuid, body: &str) -> Result<()> {
    let staff = ctx.client.is_none();
    if staff {
        ctx.require(ClientsAction::Write)?;
    }
    let mut c = Checker::new();
    let body = message_body(&mut c, body);
    c.finish()?;
    crate::write_tx!(app, tx => {
        let mut q = readable(&mut tx.conn(), ctx, id).await?;
        let now = app.now();
        store::insert_message(&mut tx.conn(), &MessageRow { workspace_id: q.workspace_id, id: Uuid::now_v7(), question_id: q.id, author_id: ctx.user.uuid(), from_staff: staff, body: body.clone(), created_at: now }).await?;
        if staff {
            if q.first_response_at.is_none() {
                let cal = calendar(&mut tx.conn(), ctx.workspace, &ctx.time_zone).await?;
                let (from, to) = (ts(q.created_at)?, ts(now)?);
                q.first_response_at = Some(now);
                q.first_response_minutes = Some(cal.business_minutes(from, to));
            }
            if q.status == QuestionStatus::Open {
                q.status = QuestionStatus::Answered;
            }
            let asker = mesure_store::people::users::get(&mut tx.conn(), ctx.workspace, mesure_domain::UserId::from_uuid(q.asked_by)).await?;
            let url = format!("{}/portal/questions/{}", app.base_url.trim_end_matches('/'), q.id);
            crate::people::users::queue_user_mail(&mut tx.conn(), app, ctx.workspace, &asker, "mail-question-answered", &url, &[("subject", Arg::Str(&q.title))]).await?;
        } else if q.status != QuestionStatus::Open {
            q.status = QuestionStatus::Open;
            q.resolved_at = None;
        }
        q.updated_at = now;
        if !store::set_state(&mut tx.conn(), &q).await? {
            return Err(ServiceError::Conflict("err-stale"));
        }
    })
}

fn ts(us: i64) -> Result<jiff::Timestamp> {
    jiff::Timestamp::from_microsecond(us).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Staff resolve a question, optionally by a credit note of the same client (for a question on
/// an invoice, a credit note of that invoice).
pub async fn resolve(app: &App, ctx: &Ctx, id: Uuid, credit_note: Option<Uuid>) -> Result<()> {
    ctx.require(ClientsAction::Write)?;
    crate::write_tx!(app, tx => {
        let mut q = store::get(&mut tx.conn(), ctx.workspace, id).await?;
        if q.status == QuestionStatus::Resolved {
            return Err(ServiceError::Conflict("err-question-resolved"));
        }
        if let Some(cn) = credit_note {
            let d = mesure_store::invoicing::invoice(&mut tx.conn(), ctx.workspace, cn).await.map_err(|_| Invalid::one("credit_note_id", "err-question-credit-note"))?;
            let fits = d.kind == mesure_domain::invoicing::states::DocKind::CreditNote
                && d.client_id == q.client_id
                && q.invoice_id.is_none_or(|i| d.credited_invoice_id == Some(i));
            if !fits {
                return Err(Invalid::one("credit_note_id", "err-question-credit-note").into());
            }
        }
        let now = app.now();
        q.status = QuestionStatus::Resolved;
        q.resolved_at = Some(now);
        q.credit_note_id = credit_note;
        q.updated_at = now;
        if !store::set_state(&mut tx.conn(), &q).await? {
            return Err(ServiceError::Conflict("err-stale"));
        }
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), now, "question", q.id, "resolve", None::<&()>, Some(&serde_json::json!({"name": q.title, "credit_note_id": credit_note}))).await?;
    })
}

/// The contact's organisation's questions they may see, newest first.
pub async fn own(app: &App, ctx: &Ctx) -> Result<Vec<QuestionRow>> {
    ctx.require(PortalAction::View)?;
    let client = own_client(ctx)?;
    let mut conn = app.db.read().await?;
    let rows = store::of_client(&mut conn.conn(), ctx.workspace, client.uuid(), 500).await?;
    Ok(rows
        .into_iter()
        .filter(|q| {
            if q.subject_type.is_billing() {
                ctx.may(PortalAction::Invoices)
            } else {
                ctx.may(PortalAction::Projects)
            }
        })
        .collect())
}

/// A client's questions for staff, newest first (at most `limit`).
pub async fn of_client(app: &App, ctx: &Ctx, client: Uuid, limit: i64) -> Result<Vec<QuestionRow>> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(store::of_client(&mut conn.conn(), ctx.workspace, client, limit.clamp(1, 500)).await?)
}

/// The workspace's questions for staff: open first, then answered, then resolved.
pub async fn latest(app: &App, ctx: &Ctx, limit: i64) -> Result<Vec<QuestionRow>> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    Ok(store::latest(&mut conn.conn(), ctx.workspace, limit.clamp(1, 500)).await?)
}

/// The questions on one invoice (staff who read invoices, or its organisation's billing
/// contacts).
pub async fn of_invoice(app: &App, ctx: &Ctx, invoice: Uuid) -> Result<Vec<QuestionRow>> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    match ctx.client {
        Some(_) => {
            ctx.require(PortalAction::Invoices)?;
            own_document(c, ctx, invoice).await?;
        }
        None => ctx.require(mesure_domain::InvoicingAction::Read)?,
    }
    Ok(store::of_invoice(c, ctx.workspace, invoice).await?)
}

/// Question KPIs of the workspace or one client over questions asked and invoices issued in
/// `[from, to]` (`YYYYMMDD`).
pub async fn kpis(
    app: &App,
    ctx: &Ctx,
    client: Option<Uuid>,
    from: i32,
    to: i32,
) -> Result<QuestionKpis> {
    ctx.require(ClientsAction::Read)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let (invoices, questions, questioned) =
        mesure_store::portal::questions::invoice_questions(c, ctx.workspace, from, to, client)
            .await?;
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let us = |d: i32, next: bool| -> i64 {
        mesure_domain::projects::engagement::day_from_key(d)
            .and_then(|d| if next { d.tomorrow().ok() } else { Some(d) })
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map_or(0, |z| z.timestamp().as_microsecond())
    };
    let firsts: Vec<i64> = store::between(c, ctx.workspace, us(from, false), us(to, true))
        .await?
        .into_iter()
        .filter(|q| client.is_none_or(|cl| q.client_id == cl))
        .filter_map(|q| q.first_response_minutes)
        .collect();
    Ok(QuestionKpis {
        invoices,
        questions,
        invoices_questioned: questioned,
        median_first_response: mesure_domain::portal::questions::median_minutes(&firsts),
    })
}
