//! Questions and their threads, and the workspace's business calendar.
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::portal::questions::{QuestionStatus, Subject};
use uuid::Uuid;

macro_rules! question_cols {
    () => {
        "workspace_id, id, client_id, subject_type, subject_id, invoice_id, project_id, title, status, asked_by, created_at, first_response_at, first_response_minutes, resolved_at, credit_note_id, updated_at, version"
    };
}

crate::registry::row! {
/// A question, as stored.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct QuestionRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub client_id: Uuid,
    pub subject_type: Subject,
    pub subject_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub title: String,
    pub status: QuestionStatus,
    pub asked_by: Uuid,
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub first_response_minutes: Option<i64>,
    pub resolved_at: Option<i64>,
    pub credit_note_id: Option<Uuid>,
    pub updated_at: i64,
    pub version: i32,
}
}

crate::registry::row! {
/// One message of a thread.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct MessageRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub question_id: Uuid,
    pub author_id: Uuid,
    pub from_staff: bool,
    pub body: String,
    pub created_at: i64,
}
}

crate::registry::row! {
/// A workspace's business calendar, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CalendarRow {
    pub time_zone: String,
    pub week: String,
    pub french_holidays: bool,
    pub days_off: String,
}
}

crate::registry::statements! {
    INSERT(17) [] = concat!("INSERT INTO questions (", question_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)");
    GET(2) ["workspace_id", "id", "client_id", "subject_type", "subject_id", "invoice_id", "project_id", "title", "status", "asked_by", "created_at", "first_response_at", "first_response_minutes", "resolved_at", "credit_note_id", "updated_at", "version"] = concat!("SELECT ", question_cols!(), " FROM questions WHERE workspace_id = $1 AND id = $2");
    OF_CLIENT(3) ["workspace_id", "id", "client_id", "subject_type", "subject_id", "invoice_id", "project_id", "title", "status", "asked_by", "created_at", "first_response_at", "first_response_minutes", "resolved_at", "credit_note_id", "updated_at", "version"] = concat!("SELECT ", question_cols!(), " FROM questions WHERE workspace_id = $1 AND client_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3");
    OF_INVOICE(2) ["workspace_id", "id", "client_id", "subject_type", "subject_id", "invoice_id", "project_id", "title", "status", "asked_by", "created_at", "first_response_at", "first_response_minutes", "resolved_at", "credit_note_id", "updated_at", "version"] = concat!("SELECT ", question_cols!(), " FROM questions WHERE workspace_id = $1 AND invoice_id = $2 ORDER BY created_at, id");
    LATEST(2) ["workspace_id", "id", "client_id", "subject_type", "subject_id", "invoice_id", "project_id", "title", "status", "asked_by", "created_at", "first_response_at", "first_response_minutes", "resolved_at", "credit_note_id", "updated_at", "version"] = concat!("SELECT ", question_cols!(), " FROM questions WHERE workspace_id = $1 ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, created_at DESC, id DESC LIMIT $2");
    BETWEEN(3) ["workspace_id", "id", "client_id", "subject_type", "subject_id", "invoice_id", "project_id", "title", "status", "asked_by", "created_at", "first_response_at", "first_response_minutes", "resolved_at", "credit_note_id", "updated_at", "version"] = concat!("SELECT ", question_cols!(), " FROM questions WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3");
    SET_STATE(9) [] = "UPDATE questions SET status = $3, first_response_at = $4, first_response_minutes = $5, resolved_at = $6, credit_note_id = $7, updated_at = $8, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $9";
    INSERT_MESSAGE(7) [] = "INSERT INTO question_messages (workspace_id, id, question_id, author_id, from_staff, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    MESSAGES(2) ["workspace_id", "id", "question_id", "author_id", "from_staff", "body", "created_at"] = "SELECT workspace_id, id, question_id, author_id, from_staff, body, created_at FROM question_messages WHERE workspace_id = $1 AND question_id = $2 ORDER BY created_at, id";
    INVOICE_QUESTIONS(3) ["invoices", "questions", "questioned"] = "SELECT CAST(COUNT(DISTINCT i.id) AS BIGINT) AS invoices, CAST(COUNT(q.id) AS BIGINT) AS questions, CAST(COUNT(DISTINCT q.invoice_id) AS BIGINT) AS questioned FROM invoices i LEFT JOIN questions q ON q.workspace_id = i.workspace_id AND q.invoice_id = i.id WHERE i.workspace_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.issued_on >= $2 AND i.issued_on <= $3";
    INVOICE_QUESTIONS_OF(4) ["invoices", "questions", "questioned"] = "SELECT CAST(COUNT(DISTINCT i.id) AS BIGINT) AS invoices, CAST(COUNT(q.id) AS BIGINT) AS questions, CAST(COUNT(DISTINCT q.invoice_id) AS BIGINT) AS questioned FROM invoices i LEFT JOIN questions q ON q.workspace_id = i.workspace_id AND q.invoice_id = i.id WHERE i.workspace_id = $1 AND i.kind = 'invoice' AND i.status = 'issued' AND i.issued_on >= $2 AND i.issued_on <= $3 AND i.client_id = $4";
    CALENDAR(1) ["time_zone", "week", "french_holidays", "days_off"] = "SELECT time_zone, week, french_holidays, days_off FROM business_calendars WHERE workspace_id = $1";
    SAVE_CALENDAR(6) [] = "INSERT INTO business_calendars (workspace_id, time_zone, week, french_holidays, days_off, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id) DO UPDATE SET time_zone = excluded.time_zone, week = excluded.week, french_holidays = excluded.french_holidays, days_off = excluded.days_off, updated_at = excluded.updated_at";
}

pub async fn insert(c: &mut Conn<'_>, q: &QuestionRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                Bind::Uuid(q.workspace_id),
                Bind::Uuid(q.id),
                Bind::Uuid(q.client_id),
                Bind::Text(q.subject_type.as_str().into()),
                Bind::Uuid(q.subject_id),
                Bind::from(q.invoice_id),
                Bind::from(q.project_id),
                Bind::from(&q.title),
                Bind::Text(q.status.as_str().into()),
                Bind::Uuid(q.asked_by),
                Bind::Int(q.created_at),
                Bind::from(q.first_response_at),
                Bind::from(q.first_response_minutes),
                Bind::from(q.resolved_at),
                Bind::from(q.credit_note_id),
                Bind::Int(q.updated_at),
                Bind::from(q.version),
            ],
        )
        .await?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<QuestionRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

/// A client's questions, newest first, at most `limit`.
pub async fn of_client(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    limit: i64,
) -> Result<Vec<QuestionRow>> {
    OF_CLIENT
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(client), Bind::Int(limit)],
        )
        .await
}

/// The questions on an invoice (its lines included), oldest first.
pub async fn of_invoice(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    invoice: Uuid,
) -> Result<Vec<QuestionRow>> {
    OF_INVOICE
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(invoice)])
        .await
}

/// The workspace's questions, open first then answered then resolved, newest first in each.
pub async fn latest(c: &mut Conn<'_>, ws: WorkspaceId, limit: i64) -> Result<Vec<QuestionRow>> {
    LATEST
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(limit)])
        .await
}

/// Questions asked in `[from, to)` (microsecond timestamps).
pub async fn between(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<QuestionRow>> {
    BETWEEN
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

/// Writes a question's new state if its version is still `q.version`; false otherwise (someone
/// else changed it meanwhile).
pub async fn set_state(c: &mut Conn<'_>, q: &QuestionRow) -> Result<bool> {
    let n = SET_STATE
        .exec(
            c,
            &[
                Bind::Uuid(q.workspace_id),
                Bind::Uuid(q.id),
                Bind::Text(q.status.as_str().into()),
                Bind::from(q.first_response_at),
                Bind::from(q.first_response_minutes),
                Bind::from(q.resolved_at),
                Bind::from(q.credit_note_id),
                Bind::Int(q.updated_at),
                Bind::from(q.version),
            ],
        )
        .await?;
    Ok(n == 1)
}

pub async fn insert_message(c: &mut Conn<'_>, m: &MessageRow) -> Result<()> {
    INSERT_MESSAGE
        .exec(
            c,
            &[
                Bind::Uuid(m.workspace_id),
                Bind::Uuid(m.id),
                Bind::Uuid(m.question_id),
                Bind::Uuid(m.author_id),
                Bind::Bool(m.from_staff),
                Bind::from(&m.body),
                Bind::Int(m.created_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn messages(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    question: Uuid,
) -> Result<Vec<MessageRow>> {
    MESSAGES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(question)])
        .await
}

/// The workspace's business calendar, if set.
pub async fn calendar(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Option<CalendarRow>> {
    let rows: Vec<CalendarRow> = CALENDAR.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().next())
}

pub async fn save_calendar(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    r: &CalendarRow,
    now: i64,
) -> Result<()> {
    SAVE_CALENDAR
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(&r.time_zone),
                Bind::from(&r.week),
                Bind::Bool(r.french_holidays),
                Bind::from(&r.days_off),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}

/// Invoices issued in `[from, to]` (`YYYYMMDD`), questions on them, and how many of them were
/// questioned; of one client or all.
pub async fn invoice_questions(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i32,
    to: i32,
    client: Option<Uuid>,
) -> Result<(i64, i64, i64)> {
    let mut b = vec![Bind::Uuid(ws.uuid()), Bind::from(from), Bind::from(to)];
    let stmt = match client {
        Some(cl) => {
            b.push(Bind::Uuid(cl));
            &INVOICE_QUESTIONS_OF
        }
        None => &INVOICE_QUESTIONS,
    };
    stmt.fetch_one(c, &b).await
}
