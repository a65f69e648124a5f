//! Inbound e-mail: each message kept raw once per Message-ID until it is processed, its claim by
//! one processor, its outcome; the files kept on tickets; the lookups threading needs (the
//! ticket a Message-ID belongs to, the contacts of an address).
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use uuid::Uuid;

/// Waiting to be processed.
pub const PENDING: &str = "pending";
/// Taken by a processor (inside its transaction only: never seen committed).
pub const WORKING: &str = "working";
/// Waiting for staff to name the unknown sender's client.
pub const HELD: &str = "held";

crate::registry::row! {
/// A message received.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct InboundRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub message_id: String,
    /// `imap` or `http`.
    pub source: String,
    pub received_at: i64,
    pub size: i64,
    pub sender: Option<String>,
    pub subject: Option<String>,
    /// The raw message in base64 until it is processed (kept when refused, ignored or held).
    #[serde(skip)]
    pub raw: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub ticket_id: Option<Uuid>,
    pub processed_at: Option<i64>,
}
}

crate::registry::row! {
/// A file kept on a ticket (its bytes read only when it is downloaded).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub mime: String,
    pub size: i64,
    /// Whether the bytes were kept (a file over the limit is only named).
    pub kept: bool,
    pub created_at: i64,
}
}

macro_rules! inbound_cols {
    () => {
        "workspace_id, id, message_id, source, received_at, size, sender, subject, raw, status, reason, ticket_id, processed_at"
    };
}

crate::registry::statements! {
    INSERT(10) [] = "INSERT INTO desk_inbound (workspace_id, id, message_id, source, received_at, size, sender, subject, raw, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (workspace_id, message_id) DO NOTHING";
    BY_MESSAGE_ID(2) ["id"] = "SELECT id FROM desk_inbound WHERE workspace_id = $1 AND message_id = $2";
    GET(2) ["workspace_id", "id", "message_id", "source", "received_at", "size", "sender", "subject", "raw", "status", "reason", "ticket_id", "processed_at"] = concat!("SELECT ", inbound_cols!(), " FROM desk_inbound WHERE workspace_id = $1 AND id = $2");
    PENDING_IDS(2) ["id"] = "SELECT id FROM desk_inbound WHERE workspace_id = $1 AND status = 'pending' ORDER BY received_at, id LIMIT $2";
    PENDING_WORKSPACES(0) ["workspace_id"] = "SELECT DISTINCT workspace_id FROM desk_inbound WHERE status = 'pending'";
    CLAIM(4) [] = "UPDATE desk_inbound SET status = 'working' WHERE workspace_id = $1 AND id = $2 AND status = $3 AND received_at = $4";
    FINISH(7) [] = "UPDATE desk_inbound SET status = $3, reason = $4, ticket_id = $5, processed_at = $6, raw = CASE WHEN $7 THEN raw ELSE NULL END WHERE workspace_id = $1 AND id = $2";
    LIST(5) ["workspace_id", "id", "message_id", "source", "received_at", "size", "sender", "subject", "status", "reason", "ticket_id", "processed_at", "ticket_number"] = "SELECT i.workspace_id, i.id, i.message_id, i.source, i.received_at, i.size, i.sender, i.subject, i.status, i.reason, i.ticket_id, i.processed_at, t.number AS ticket_number FROM desk_inbound i LEFT JOIN desk_tickets t ON t.workspace_id = i.workspace_id AND t.id = i.ticket_id WHERE i.workspace_id = $1 AND ($2 = '' OR i.status = $2) AND (i.received_at < $3 OR (i.received_at = $3 AND i.id < $4)) ORDER BY i.received_at DESC, i.id DESC LIMIT $5";
    COUNT_FROM(3) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_inbound WHERE workspace_id = $1 AND sender = $2 AND received_at >= $3";
    COUNT_STATUS(2) ["n"] = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM desk_inbound WHERE workspace_id = $1 AND status = $2";
    INSERT_ATTACHMENT(9) [] = "INSERT INTO desk_attachments (workspace_id, id, ticket_id, event_id, name, mime, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    ATTACHMENTS(2) ["id", "ticket_id", "event_id", "name", "mime", "size", "kept", "created_at"] = "SELECT id, ticket_id, event_id, name, mime, size, data IS NOT NULL AS kept, created_at FROM desk_attachments WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY created_at, id";
    ATTACHMENT_DATA(3) ["name", "mime", "data"] = "SELECT name, mime, data FROM desk_attachments WHERE workspace_id = $1 AND ticket_id = $2 AND id = $3";
    MOVE_ATTACHMENTS(3) [] = "UPDATE desk_attachments SET ticket_id = $3 WHERE workspace_id = $1 AND ticket_id = $2";
    TICKET_OF_MESSAGE(2) ["ticket_id"] = "SELECT ticket_id FROM desk_events WHERE workspace_id = $1 AND message_id = $2 ORDER BY at LIMIT 1";
    CONTACTS_OF(2) ["id", "client_id"] = "SELECT id, client_id FROM contacts WHERE workspace_id = $1 AND email = $2 AND archived_at IS NULL ORDER BY created_at, id";
}

/// Keeps a message unless one with its Message-ID is already kept; answers whether it was new.
pub async fn insert(c: &mut Conn<'_>, r: &InboundRow) -> Result<bool> {
    let n = INSERT
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::from(&r.message_id),
                Bind::from(&r.source),
                Bind::Int(r.received_at),
                Bind::Int(r.size),
                Bind::from(&r.sender),
                Bind::from(&r.subject),
                Bind::from(&r.raw),
                Bind::from(&r.status),
            ],
        )
        .await?;
    Ok(n > 0)
}

/// The id of the message kept under `message_id`, if any.
pub async fn by_message_id(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    message_id: &str,
) -> Result<Option<Uuid>> {
    Ok(BY_MESSAGE_ID
        .fetch_optional::<(Uuid,)>(c, &[Bind::Uuid(ws.uuid()), Bind::from(message_id)])
        .await?
        .map(|(id,)| id))
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<InboundRow> {
    GET.fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await
}

/// Up to `limit` messages waiting, oldest first.
pub async fn pending(c: &mut Conn<'_>, ws: WorkspaceId, limit: i64) -> Result<Vec<Uuid>> {
    Ok(PENDING_IDS
        .fetch::<(Uuid,)>(c, &[Bind::Uuid(ws.uuid()), Bind::Int(limit)])
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

/// The workspaces with messages waiting (the worker's sweep after a crash).
pub async fn pending_workspaces(c: &mut Conn<'_>) -> Result<Vec<Uuid>> {
    Ok(PENDING_WORKSPACES
        .fetch::<(Uuid,)>(c, &[])
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect())
}

/// Takes the message for this transaction if it is still in `status`; false when another
/// processor has it (on PostgreSQL the second waits for the first's commit, then sees it gone).
pub async fn claim(c: &mut Conn<'_>, r: &InboundRow, status: &str) -> Result<bool> {
    let n = CLAIM
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::from(status),
                Bind::Int(r.received_at),
            ],
        )
        .await?;
    Ok(n > 0)
}

/// A message's outcome as recorded.
#[derive(Clone, Copy, Debug)]
pub struct Done<'a> {
    pub status: &'a str,
    pub reason: Option<&'a str>,
    pub ticket: Option<Uuid>,
    /// Keep the raw bytes (a message without a ticket, for staff to read).
    pub keep_raw: bool,
}

/// Records a message's outcome; the raw bytes are dropped unless `keep_raw`.
pub async fn finish(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    d: Done<'_>,
    now: i64,
) -> Result<()> {
    let Done {
        status,
        reason,
        ticket,
        keep_raw,
    } = d;
    FINISH
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(id),
                Bind::from(status),
                Bind::from(reason.map(str::to_string)),
                Bind::from(ticket),
                Bind::Int(now),
                Bind::Bool(keep_raw),
            ],
        )
        .await?;
    Ok(())
}

/// Where a page of the inbound log starts: before this (received_at, id).
#[derive(Clone, Copy, Debug)]
pub struct Before(pub i64, pub Uuid);

impl Before {
    pub const START: Before = Before(i64::MAX, Uuid::max());
}

crate::registry::row! {
/// A message of the log with the number of the ticket it made or joined.
#[derive(Clone, Debug, sqlx::FromRow)]
struct LogRow {
    workspace_id: Uuid,
    id: Uuid,
    message_id: String,
    source: String,
    received_at: i64,
    size: i64,
    sender: Option<String>,
    subject: Option<String>,
    status: String,
    reason: Option<String>,
    ticket_id: Option<Uuid>,
    processed_at: Option<i64>,
    ticket_number: Option<i64>,
}
}

/// Up to `limit` messages received before `before`, newest first, of `status` (blank: all);
/// without their raw bytes, each with its ticket's number (one statement for the page).
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    status: &str,
    before: Before,
    limit: i64,
) -> Result<Vec<(InboundRow, Option<i64>)>> {
    let rows: Vec<LogRow> = LIST
        .fetch(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(status),
                Bind::Int(before.0),
                Bind::Uuid(before.1),
                Bind::Int(limit),
            ],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                InboundRow {
                    workspace_id: r.workspace_id,
                    id: r.id,
                    message_id: r.message_id,
                    source: r.source,
                    received_at: r.received_at,
                    size: r.size,
                    sender: r.sender,
                    subject: r.subject,
                    raw: None,
                    status: r.status,
                    reason: r.reason,
                    ticket_id: r.ticket_id,
                    processed_at: r.processed_at,
                },
                r.ticket_number,
            )
        })
        .collect())
}

/// How many messages from `sender` were received since `since`.
pub async fn count_from(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    sender: &str,
    since: i64,
) -> Result<i64> {
    Ok(COUNT_FROM
        .fetch_one::<(i64,)>(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::from(sender), Bind::Int(since)],
        )
        .await?
        .0)
}

pub async fn count_status(c: &mut Conn<'_>, ws: WorkspaceId, status: &str) -> Result<i64> {
    Ok(COUNT_STATUS
        .fetch_one::<(i64,)>(c, &[Bind::Uuid(ws.uuid()), Bind::from(status)])
        .await?
        .0)
}

/// A file to keep on a ticket; `data` is base64, `None` when it was over the limit.
pub struct NewAttachment<'a> {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub event_id: Uuid,
    pub name: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub data: Option<String>,
    pub at: i64,
}

pub async fn insert_attachment(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    a: &NewAttachment<'_>,
) -> Result<()> {
    INSERT_ATTACHMENT
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(a.id),
                Bind::Uuid(a.ticket_id),
                Bind::Uuid(a.event_id),
                Bind::from(a.name),
                Bind::from(a.mime),
                Bind::Int(a.size),
                Bind::from(a.data.clone()),
                Bind::Int(a.at),
            ],
        )
        .await?;
    Ok(())
}

/// The files of a ticket, oldest first.
pub async fn attachments(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
) -> Result<Vec<AttachmentRow>> {
    ATTACHMENTS
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(ticket)])
        .await
}

/// A file's name, type and base64 bytes (`None` when they were not kept).
pub type AttachmentData = (String, String, Option<String>);

pub async fn attachment_data(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ticket: Uuid,
    id: Uuid,
) -> Result<Option<AttachmentData>> {
    ATTACHMENT_DATA
        .fetch_optional(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(ticket), Bind::Uuid(id)],
        )
        .await
}

/// Moves a merged ticket's files onto the ticket it was merged into.
pub async fn move_attachments(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: Uuid,
    to: Uuid,
) -> Result<()> {
    MOVE_ATTACHMENTS
        .exec(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(from), Bind::Uuid(to)],
        )
        .await?;
    Ok(())
}

/// The ticket a message with this Message-ID was recorded on (a customer's message or a reply
/// the desk sent).
pub async fn ticket_of_message(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    message_id: &str,
) -> Result<Option<Uuid>> {
    Ok(TICKET_OF_MESSAGE
        .fetch_optional::<(Uuid,)>(c, &[Bind::Uuid(ws.uuid()), Bind::from(message_id)])
        .await?
        .map(|(id,)| id))
}

/// The active contacts with this address (lower case): (contact, client), oldest first.
pub async fn contacts_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    email: &str,
) -> Result<Vec<(Uuid, Uuid)>> {
    CONTACTS_OF
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::from(email)])
        .await
}
