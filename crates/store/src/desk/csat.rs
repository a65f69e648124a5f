//! Satisfaction questions on resolved tickets: one per ticket, its hashed link token, the
//! answer; and what the CSAT figures read (answers of a period with the ticket's agent, client
//! and category; questions sent and answered).
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

crate::registry::row! {
/// A ticket's satisfaction question.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct CsatRow {
    pub workspace_id: Uuid,
    pub ticket_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub token_hash: String,
    pub sent_at: i64,
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub answered_at: Option<i64>,
}
}

crate::registry::row! {
/// An answer of a period with what it is counted by.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AnswerRow {
    pub score: i32,
    pub assignee_id: Option<Uuid>,
    pub client_id: Uuid,
    pub category_id: Option<Uuid>,
    pub priority: mesure_domain::desk::states::Priority,
    pub kind: mesure_domain::desk::states::TicketType,
}
}

crate::registry::statements! {
    INSERT(5) [] = "INSERT INTO desk_csat (workspace_id, ticket_id, contact_id, token_hash, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, ticket_id) DO NOTHING";
    OF_TICKET(2) ["workspace_id", "ticket_id", "contact_id", "token_hash", "sent_at", "score", "comment", "answered_at"] = "SELECT workspace_id, ticket_id, contact_id, token_hash, sent_at, score, comment, answered_at FROM desk_csat WHERE workspace_id = $1 AND ticket_id = $2";
    BY_TOKEN(1) ["workspace_id", "ticket_id", "contact_id", "token_hash", "sent_at", "score", "comment", "answered_at"] = "SELECT workspace_id, ticket_id, contact_id, token_hash, sent_at, score, comment, answered_at FROM desk_csat WHERE token_hash = $1";
    ANSWER(5) [] = "UPDATE desk_csat SET score = $3, comment = $4, answered_at = $5 WHERE workspace_id = $1 AND ticket_id = $2 AND answered_at IS NULL";
    ANSWERS(3) ["score", "assignee_id", "client_id", "category_id", "priority", "kind"] = "SELECT c.score, t.assignee_id, t.client_id, t.category_id, t.priority, t.kind FROM desk_csat c JOIN desk_tickets t ON t.workspace_id = c.workspace_id AND t.id = c.ticket_id WHERE c.workspace_id = $1 AND c.answered_at >= $2 AND c.answered_at < $3 AND c.score IS NOT NULL";
    SENT_SCOPED(8) ["sent", "answered"] = "SELECT CAST(COUNT(*) AS BIGINT) AS sent, CAST(COUNT(c.answered_at) AS BIGINT) AS answered FROM desk_csat c JOIN desk_tickets t ON t.workspace_id = c.workspace_id AND t.id = c.ticket_id WHERE c.workspace_id = $1 AND c.sent_at >= $2 AND c.sent_at < $3 AND (t.client_id = $4 OR $4 IS NULL) AND (t.priority = $5 OR $5 IS NULL) AND (t.kind = $6 OR $6 IS NULL) AND (t.category_id = $7 OR $7 IS NULL) AND (t.assignee_id = $8 OR $8 IS NULL)";
    SENT(3) ["sent", "answered"] = "SELECT CAST(COUNT(*) AS BIGINT) AS sent, CAST(COUNT(answered_at) AS BIGINT) AS answered FROM desk_csat WHERE workspace_id = $1 AND sent_at >= $2 AND sent_at < $3";
}

/// Records the question of `ticket` unless it has one; answers whether it was new.
pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
    contact: Option<Uuid>,
    token_hash: &str,
    now: i64,
) -> Result<bool> {
    let n = INSERT
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(ticket),
                Bind::from(contact),
                Bind::from(token_hash),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(n > 0)
}

pub async fn of_ticket(c: &mut Conn<'_>, ws: WorkspaceId, ticket: Uuid) -> Result<Option<CsatRow>> {
    OF_TICKET
        .fetch_optional(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(ticket)])
        .await
}

pub async fn by_token(c: &mut Conn<'_>, token_hash: &str) -> Result<Option<CsatRow>> {
    BY_TOKEN.fetch_optional(c, &[Bind::from(token_hash)]).await
}

/// Stores the answer if none was given yet; answers whether it was stored.
pub async fn answer(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
    score: i32,
    comment: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = ANSWER
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(ticket),
                Bind::from(score),
                Bind::from(comment),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(n > 0)
}

/// Answers given in `[from, to)`.
pub async fn answers(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<AnswerRow>> {
    ANSWERS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

/// Questions sent in `[from, to)` and how many of them were answered.
pub async fn sent(c: &mut Conn<'_>, ws: WorkspaceId, from: i64, to: i64) -> Result<(i64, i64)> {
    SENT.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await
}

/// [`sent`] for the tickets of `scope`.
pub async fn sent_in(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
    scope: &super::kpis::Scope,
) -> Result<(i64, i64)> {
    if scope.is_all() {
        return sent(c, ws, from, to).await;
    }
    let mut b = vec![Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)];
    b.extend(scope.binds());
    SENT_SCOPED.fetch_one(c, &b).await
}
