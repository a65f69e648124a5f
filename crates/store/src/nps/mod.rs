//! Relationship NPS rows: clients' survey schedules and recipients, invitations with their
//! answers, the tallies per client over a period, and the workspace's optimal band.
use crate::{Bind, Conn, Result};
use mesure_domain::WorkspaceId;
use mesure_domain::nps::{Band, Tally};
use uuid::Uuid;

crate::registry::row! {
/// One contact's invitation to one survey round, with its answer once given.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvitationRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub client_id: Uuid,
    pub contact_id: Uuid,
    pub round_on: i32,
    pub token_hash: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub reminded_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub updated_at: i64,
    pub version: i32,
}
}

crate::registry::row! {
/// A client's survey schedule: a round every `every_months`, the next on `next_on` (`YYYYMMDD`).
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct ScheduleRow {
    pub client_id: Uuid,
    pub every_months: i32,
    pub next_on: i32,
}
}

crate::registry::row! {
/// One client over a period: its answers by category (given in the period) and its
/// invitations sent in the period with how many of those were answered.
#[derive(Clone, Copy, Debug, Default, sqlx::FromRow)]
pub struct ClientTally {
    pub client_id: Uuid,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    pub sent: i64,
    pub answered: i64,
}
}

macro_rules! inv_cols {
    () => {
        "workspace_id, id, client_id, contact_id, round_on, token_hash, sent_at, expires_at, reminded_at, answered_at, score, comment, updated_at, version"
    };
}

crate::registry::statements! {
    SCHEDULE(2) ["client_id", "every_months", "next_on"] = "SELECT client_id, every_months, next_on FROM nps_schedules WHERE workspace_id = $1 AND client_id = $2";
    SAVE_SCHEDULE(5) [] = "INSERT INTO nps_schedules (workspace_id, client_id, every_months, next_on, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, client_id) DO UPDATE SET every_months = excluded.every_months, next_on = excluded.next_on, updated_at = excluded.updated_at";
    DELETE_SCHEDULE(2) [] = "DELETE FROM nps_schedules WHERE workspace_id = $1 AND client_id = $2";
    DUE(2) ["client_id", "every_months", "next_on"] = "SELECT client_id, every_months, next_on FROM nps_schedules WHERE workspace_id = $1 AND next_on <= $2 ORDER BY next_on, client_id";
    ADVANCE(4) [] = "UPDATE nps_schedules SET next_on = $3 WHERE workspace_id = $1 AND client_id = $2 AND next_on = $4";
    RECIPIENTS(2) ["contact_id"] = "SELECT contact_id FROM nps_recipients WHERE workspace_id = $1 AND client_id = $2 ORDER BY contact_id";
    CLEAR_RECIPIENTS(2) [] = "DELETE FROM nps_recipients WHERE workspace_id = $1 AND client_id = $2";
    ADD_RECIPIENT(3) [] = "INSERT INTO nps_recipients (workspace_id, contact_id, client_id) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, contact_id) DO NOTHING";
    INSERT_INVITATION(10) [] = concat!(
        "INSERT INTO nps_invitations (workspace_id, id, client_id, contact_id, round_on, token_hash, sent_at, expires_at, updated_at, version)",
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (workspace_id, contact_id, round_on) DO NOTHING"
    );
    BY_TOKEN(1) ["workspace_id", "id", "client_id", "contact_id", "round_on", "token_hash", "sent_at", "expires_at", "reminded_at", "answered_at", "score", "comment", "updated_at", "version"] = concat!("SELECT ", inv_cols!(), " FROM nps_invitations WHERE token_hash = $1");
    GET(2) ["workspace_id", "id", "client_id", "contact_id", "round_on", "token_hash", "sent_at", "expires_at", "reminded_at", "answered_at", "score", "comment", "updated_at", "version"] = concat!("SELECT ", inv_cols!(), " FROM nps_invitations WHERE workspace_id = $1 AND id = $2");
    OF_CONTACT(3) ["workspace_id", "id", "client_id", "contact_id", "round_on", "token_hash", "sent_at", "expires_at", "reminded_at", "answered_at", "score", "comment", "updated_at", "version"] = concat!("SELECT ", inv_cols!(), " FROM nps_invitations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY sent_at DESC, id LIMIT $3");
    OF_CLIENT(3) ["workspace_id", "id", "client_id", "contact_id", "round_on", "token_hash", "sent_at", "expires_at", "reminded_at", "answered_at", "score", "comment", "updated_at", "version"] = concat!("SELECT ", inv_cols!(), " FROM nps_invitations WHERE workspace_id = $1 AND client_id = $2 ORDER BY sent_at DESC, id LIMIT $3");
    ANSWER(7) [] = "UPDATE nps_invitations SET score = $3, comment = $4, answered_at = COALESCE(answered_at, $5), updated_at = $5, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $6 AND expires_at > $5 AND (answered_at IS NULL OR answered_at > $7)";
    TO_REMIND(3) ["workspace_id", "id", "client_id", "contact_id", "round_on", "token_hash", "sent_at", "expires_at", "reminded_at", "answered_at", "score", "comment", "updated_at", "version"] = concat!("SELECT ", inv_cols!(), " FROM nps_invitations WHERE workspace_id = $1 AND sent_at <= $2 AND expires_at > $3 AND answered_at IS NULL AND reminded_at IS NULL ORDER BY sent_at, id");
    MARK_REMINDED(3) [] = "UPDATE nps_invitations SET reminded_at = $3 WHERE workspace_id = $1 AND id = $2 AND reminded_at IS NULL AND answered_at IS NULL";
    NEW_TOKEN(4) [] = "UPDATE nps_invitations SET token_hash = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2";
    // One pass over the workspace's invitations in client order (the covering index
    // `nps_invitations_client`): no sort, whatever the period.
    TALLIES(3) ["client_id", "promoters", "passives", "detractors", "sent", "answered"] = concat!(
        "SELECT client_id,",
        " CAST(SUM(CASE WHEN answered_at >= $2 AND answered_at < $3 AND score >= 9 THEN 1 ELSE 0 END) AS BIGINT) AS promoters,",
        " CAST(SUM(CASE WHEN answered_at >= $2 AND answered_at < $3 AND score IN (7, 8) THEN 1 ELSE 0 END) AS BIGINT) AS passives,",
        " CAST(SUM(CASE WHEN answered_at >= $2 AND answered_at < $3 AND score <= 6 THEN 1 ELSE 0 END) AS BIGINT) AS detractors,",
        " CAST(SUM(CASE WHEN sent_at >= $2 AND sent_at < $3 THEN 1 ELSE 0 END) AS BIGINT) AS sent,",
        " CAST(SUM(CASE WHEN sent_at >= $2 AND sent_at < $3 AND answered_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS answered",
        " FROM nps_invitations WHERE workspace_id = $1 GROUP BY client_id"
    );
    BAND(1) ["nps_low", "nps_high", "margin_min"] = "SELECT nps_low, nps_high, margin_min FROM nps_bands WHERE workspace_id = $1";
    SAVE_BAND(5) [] = "INSERT INTO nps_bands (workspace_id, nps_low, nps_high, margin_min, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id) DO UPDATE SET nps_low = excluded.nps_low, nps_high = excluded.nps_high, margin_min = excluded.margin_min, updated_at = excluded.updated_at";
}

fn ws_id(ws: WorkspaceId, id: Uuid) -> [Bind; 2] {
    [Bind::Uuid(ws.uuid()), Bind::Uuid(id)]
}

/// A client's survey schedule, if set.
pub async fn schedule(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Option<ScheduleRow>> {
    let rows: Vec<ScheduleRow> = SCHEDULE.fetch(c, &ws_id(ws, client)).await?;
    Ok(rows.into_iter().next())
}

/// Sets a client's schedule (`None`: no more rounds).
pub async fn save_schedule(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    every: Option<(i32, i32)>,
    now: i64,
) -> Result<()> {
    match every {
        Some((months, next_on)) => {
            SAVE_SCHEDULE
                .exec(
                    c,
                    &[
                        Bind::Uuid(ws.uuid()),
                        Bind::Uuid(client),
                        Bind::from(months),
                        Bind::from(next_on),
                        Bind::Int(now),
                    ],
                )
                .await?;
        }
        None => {
            DELETE_SCHEDULE.exec(c, &ws_id(ws, client)).await?;
        }
    }
    Ok(())
}

/// Schedules whose next round is due by `today` (`YYYYMMDD`).
pub async fn due(c: &mut Conn<'_>, ws: WorkspaceId, today: i32) -> Result<Vec<ScheduleRow>> {
    DUE.fetch(c, &[Bind::Uuid(ws.uuid()), Bind::from(today)])
        .await
}

/// Moves a schedule from round `from` to `to`; false when another pass already did.
pub async fn advance(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    from: i32,
    to: i32,
) -> Result<bool> {
    let n = ADVANCE
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::Uuid(client),
                Bind::from(to),
                Bind::from(from),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// The contacts a client's surveys go to.
pub async fn recipients(c: &mut Conn<'_>, ws: WorkspaceId, client: Uuid) -> Result<Vec<Uuid>> {
    let rows: Vec<(Uuid,)> = RECIPIENTS.fetch(c, &ws_id(ws, client)).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Replaces a client's recipients.
pub async fn set_recipients(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    contacts: &[Uuid],
) -> Result<()> {
    CLEAR_RECIPIENTS.exec(c, &ws_id(ws, client)).await?;
    for id in contacts {
        ADD_RECIPIENT
            .exec(
                c,
                &[Bind::Uuid(ws.uuid()), Bind::Uuid(*id), Bind::Uuid(client)],
            )
            .await?;
    }
    Ok(())
}

/// Adds an invitation; false when the contact already has one for that round.
pub async fn insert_invitation(c: &mut Conn<'_>, r: &InvitationRow) -> Result<bool> {
    let n = INSERT_INVITATION
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::Uuid(r.client_id),
                Bind::Uuid(r.contact_id),
                Bind::from(r.round_on),
                Bind::from(&r.token_hash),
                Bind::Int(r.sent_at),
                Bind::Int(r.expires_at),
                Bind::Int(r.updated_at),
                Bind::from(r.version),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// The invitation a link's token (its SHA-256, hex) opens, in whichever workspace.
pub async fn by_token(c: &mut Conn<'_>, hash: &str) -> Result<Option<InvitationRow>> {
    let rows: Vec<InvitationRow> = BY_TOKEN.fetch(c, &[Bind::from(hash)]).await?;
    Ok(rows.into_iter().next())
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: Uuid) -> Result<InvitationRow> {
    GET.fetch_one(c, &ws_id(ws, id)).await
}

/// A contact's invitations, newest first, at most `limit`.
pub async fn of_contact(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    contact: Uuid,
    limit: i64,
) -> Result<Vec<InvitationRow>> {
    OF_CONTACT
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(contact), Bind::Int(limit)],
        )
        .await
}

/// A client's invitations, newest first, at most `limit`.
pub async fn of_client(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
    limit: i64,
) -> Result<Vec<InvitationRow>> {
    OF_CLIENT
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Uuid(client), Bind::Int(limit)],
        )
        .await
}

/// Records an answer (or its change) if the invitation is still at `version`, not expired at
/// `now`, and either unanswered or answered after `edit_since`; false otherwise.
pub async fn answer(
    c: &mut Conn<'_>,
    r: &InvitationRow,
    score: i32,
    comment: Option<&str>,
    now: i64,
    edit_since: i64,
) -> Result<bool> {
    let n = ANSWER
        .exec(
            c,
            &[
                Bind::Uuid(r.workspace_id),
                Bind::Uuid(r.id),
                Bind::from(score),
                Bind::from(comment.map(str::to_string)),
                Bind::Int(now),
                Bind::from(r.version),
                Bind::Int(edit_since),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Unanswered, unreminded, unexpired invitations sent by `sent_by`.
pub async fn to_remind(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    sent_by: i64,
    now: i64,
) -> Result<Vec<InvitationRow>> {
    TO_REMIND
        .fetch(
            c,
            &[Bind::Uuid(ws.uuid()), Bind::Int(sent_by), Bind::Int(now)],
        )
        .await
}

/// Marks an invitation reminded with a new link token; false when already reminded or answered.
pub async fn mark_reminded(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
    token_hash: &str,
    now: i64,
) -> Result<bool> {
    let n = MARK_REMINDED
        .exec(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id), Bind::Int(now)])
        .await?;
    if n == 1 {
        NEW_TOKEN
            .exec(
                c,
                &[
                    Bind::Uuid(ws.uuid()),
                    Bind::Uuid(id),
                    Bind::from(token_hash),
                    Bind::Int(now),
                ],
            )
            .await?;
    }
    Ok(n == 1)
}

/// Per client with anything in `[from, to)` (microsecond timestamps): answers given and
/// invitations sent in it.
pub async fn tallies(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: i64,
    to: i64,
) -> Result<Vec<(Uuid, Tally, i64, i64)>> {
    let rows: Vec<ClientTally> = TALLIES
        .fetch(c, &[Bind::Uuid(ws.uuid()), Bind::Int(from), Bind::Int(to)])
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.sent > 0 || r.promoters + r.passives + r.detractors > 0)
        .map(|r| {
            (
                r.client_id,
                Tally {
                    promoters: r.promoters,
                    passives: r.passives,
                    detractors: r.detractors,
                },
                r.sent,
                r.answered,
            )
        })
        .collect())
}

/// The workspace's optimal band, the default until set.
pub async fn band(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Band> {
    let rows: Vec<(i32, i32, i32)> = BAND.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows
        .first()
        .map(|(l, h, m)| Band {
            nps_low: *l,
            nps_high: *h,
            margin_min: *m,
        })
        .unwrap_or_default())
}

pub async fn save_band(c: &mut Conn<'_>, ws: WorkspaceId, b: &Band, now: i64) -> Result<()> {
    SAVE_BAND
        .exec(
            c,
            &[
                Bind::Uuid(ws.uuid()),
                Bind::from(b.nps_low),
                Bind::from(b.nps_high),
                Bind::from(b.margin_min),
                Bind::Int(now),
            ],
        )
        .await?;
    Ok(())
}
