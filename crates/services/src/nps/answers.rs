//! Answering a survey: by its e-mailed link (no login) or in the portal. One answer per
//! invitation, changeable through the same link or page for 24 hours after it was first given,
//! never a second time after that; an expired link, a link of an archived contact or an
//! invitation of another contact is refused and changes nothing.
use super::own;
use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::nps::{EDIT_HOURS, MAX_COMMENT, score};
use mesure_domain::validate::Checker;
use mesure_domain::{ContactId, NpsAction, WorkspaceId};
use mesure_store::Conn;
use mesure_store::nps::{self as store, InvitationRow};
use uuid::Uuid;

const HOUR_US: i64 = 3_600_000_000;

/// Where an invitation stands for its contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyState {
    /// Not answered yet.
    Open,
    /// Answered less than 24 hours ago: the answer may still change.
    Editable,
    /// Answered, no longer changeable.
    Answered,
    /// The link expired unanswered.
    Expired,
}

/// A survey as its contact sees it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SurveyView {
    pub id: Uuid,
    pub workspace_name: String,
    pub client_name: String,
    pub state: SurveyState,
    pub sent_at: i64,
    pub score: Option<i32>,
    pub comment: Option<String>,
    /// Until when the answer may change (`Editable` only).
    pub editable_until: Option<i64>,
    /// The contact's language (the link's page speaks it).
    pub language: mesure_domain::Language,
    /// The workspace's time zone (the link's page shows times in it).
    pub time_zone: String,
}

fn state_of(r: &InvitationRow, now: i64) -> SurveyState {
    match r.answered_at {
        Some(at) if now < at + EDIT_HOURS * HOUR_US && now < r.expires_at => SurveyState::Editable,
        Some(_) => SurveyState::Answered,
        None if now >= r.expires_at => SurveyState::Expired,
        None => SurveyState::Open,
    }
}

/// Who an invitation involves, as its page shows them.
struct Parties {
    workspace_name: String,
    time_zone: String,
    client_name: String,
    language: mesure_domain::Language,
    /// The contact or its organisation was archived.
    closed: bool,
}

async fn parties(c: &mut Conn<'_>, r: &InvitationRow) -> Result<Parties> {
    let ws = WorkspaceId::from_uuid(r.workspace_id);
    let w = mesure_store::workspaces::get(c, ws).await?;
    let cl =
        mesure_store::clients::get(c, ws, mesure_domain::ClientId::from_uuid(r.client_id)).await?;
    let k = mesure_store::clients::contacts::get(c, ws, ContactId::from_uuid(r.contact_id)).await?;
    Ok(Parties {
        workspace_name: w.name,
        time_zone: w.time_zone,
        client_name: cl.name,
        language: k.language,
        closed: k.archived_at.is_some() || cl.archived_at.is_some(),
    })
}

fn view_with(r: &InvitationRow, p: &Parties, now: i64) -> Result<SurveyView> {
    if p.closed {
        // The contact left: their link opens nothing.
        return Err(ServiceError::Conflict("err-survey-closed"));
    }
    let state = state_of(r, now);
    Ok(SurveyView {
        id: r.id,
        workspace_name: p.workspace_name.clone(),
        client_name: p.client_name.clone(),
        state,
        sent_at: r.sent_at,
        score: r.score,
        comment: r.comment.clone(),
        editable_until: (state == SurveyState::Editable)
            .then(|| r.answered_at.map(|a| a + EDIT_HOURS * HOUR_US))
            .flatten(),
        language: p.language,
        time_zone: p.time_zone.clone(),
    })
}

async fn view(c: &mut Conn<'_>, r: &InvitationRow, now: i64) -> Result<SurveyView> {
    let p = parties(c, r).await?;
    view_with(r, &p, now)
}

/// An answer as a form or the API sends it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AnswerInput {
    /// 0–10.
    pub score: Option<String>,
    pub comment: Option<String>,
}

fn parse(i: &AnswerInput) -> Result<(i32, Option<String>)> {
    let mut ch = Checker::new();
    let s = match i.score.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            ch.add("score", "err-required");
            None
        }
        v => match v.parse::<i64>().ok().and_then(score) {
            Some(s) => Some(i32::from(s)),
            None => {
                ch.add("score", "err-nps-score");
                None
            }
        },
    };
    let comment = ch.optional("comment", i.comment.as_deref(), MAX_COMMENT);
    ch.finish()?;
    Ok((s.unwrap_or(0), comment.filter(|c| !c.is_empty())))
}

/// Records the answer on `r` if its state allows it; the error says why not.
async fn answer(
    c: &mut Conn<'_>,
    app: &App,
    r: &InvitationRow,
    i: &AnswerInput,
    who: &crate::audit::Actor,
) -> Result<()> {
    let (s, comment) = parse(i)?;
    let now = app.now();
    match state_of(r, now) {
        SurveyState::Open | SurveyState::Editable => {}
        SurveyState::Answered => return Err(ServiceError::Conflict("err-survey-answered")),
        SurveyState::Expired => return Err(ServiceError::Conflict("err-survey-expired")),
    }
    if !store::answer(c, r, s, comment.as_deref(), now, now - EDIT_HOURS * HOUR_US).await? {
        return Err(ServiceError::Conflict("err-stale"));
    }
    let ws = WorkspaceId::from_uuid(r.workspace_id);
    let action = if r.answered_at.is_some() {
        "nps_change"
    } else {
        "nps_answer"
    };
    let name = mesure_store::clients::get(c, ws, mesure_domain::ClientId::from_uuid(r.client_id))
        .await?
        .name;
    record::<(), _>(
        c,
        ws,
        who,
        now,
        "client",
        r.client_id,
        action,
        None,
        Some(&serde_json::json!({"name": name, "score": s})),
    )
    .await?;
    Ok(())
}

async fn by_token_in(c: &mut Conn<'_>, token: &str) -> Result<InvitationRow> {
    let hash = crate::secrets::link_token_hash(token).ok_or(ServiceError::NotFound)?;
    store::by_token(c, &hash)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The survey a link opens; an unknown (or replaced) token is `NotFound`.
pub async fn by_token(app: &App, token: &str) -> Result<SurveyView> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let r = by_token_in(c, token).await?;
    view(c, &r, app.now()).await
}

/// Answers (or changes the answer of) the survey a link opens.
pub async fn answer_by_token(app: &App, token: &str, i: &AnswerInput) -> Result<SurveyView> {
    parse(i)?;
    crate::write_tx!(app, tx => {
        let r = by_token_in(&mut tx.conn(), token).await?;
        view(&mut tx.conn(), &r, app.now()).await?;
        let who = crate::audit::Actor { id: None, label: "survey link".into(), request_id: None };
        answer(&mut tx.conn(), app, &r, i, &who).await?;
        let fresh = store::get(&mut tx.conn(), WorkspaceId::from_uuid(r.workspace_id), r.id).await?;
        view(&mut tx.conn(), &fresh, app.now()).await?
    })
}

/// The portal contact's own contact id; `NotFound` for anyone else.
async fn own_contact(c: &mut Conn<'_>, ctx: &Ctx) -> Result<Uuid> {
    ctx.require(NpsAction::Answer)?;
    let u = mesure_store::people::users::get(c, ctx.workspace, ctx.user).await?;
    u.contact_id.ok_or(ServiceError::NotFound)
}

/// The portal contact's surveys, newest first.
pub async fn portal_list(app: &App, ctx: &Ctx) -> Result<Vec<SurveyView>> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let me = own_contact(c, ctx).await?;
    let now = app.now();
    let rows = store::of_contact(c, ctx.workspace, me, 50).await?;
    // One contact's invitations share their workspace, organisation and contact: read once.
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let p = parties(c, first).await?;
    rows.iter().map(|r| view_with(r, &p, now)).collect()
}

/// One of the portal contact's surveys; another contact's is `NotFound`.
async fn own_invitation(c: &mut Conn<'_>, ctx: &Ctx, id: Uuid) -> Result<InvitationRow> {
    let me = own_contact(c, ctx).await?;
    let r = store::get(c, ctx.workspace, id).await?;
    own(ctx, &r)?;
    if r.contact_id != me {
        return Err(ServiceError::NotFound);
    }
    Ok(r)
}

pub async fn portal_get(app: &App, ctx: &Ctx, id: Uuid) -> Result<SurveyView> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let r = own_invitation(c, ctx, id).await?;
    view(c, &r, app.now()).await
}

pub async fn portal_answer(app: &App, ctx: &Ctx, id: Uuid, i: &AnswerInput) -> Result<SurveyView> {
    parse(i)?;
    crate::write_tx!(app, tx => {
        let r = own_invitation(&mut tx.conn(), ctx, id).await?;
        answer(&mut tx.conn(), app, &r, i, &ctx.actor()).await?;
        let fresh = store::get(&mut tx.conn(), ctx.workspace, id).await?;
        view(&mut tx.conn(), &fresh, app.now()).await?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(answered: Option<i64>, expires: i64) -> InvitationRow {
        InvitationRow {
            workspace_id: Uuid::nil(),
            id: Uuid::nil(),
            client_id: Uuid::nil(),
            contact_id: Uuid::nil(),
            round_on: 20261201,
            token_hash: String::new(),
            sent_at: 0,
            expires_at: expires,
            reminded_at: None,
            answered_at: answered,
            score: answered.map(|_| 9),
            comment: None,
            updated_at: 0,
            version: 1,
        }
    }

    #[test]
    fn an_answer_changes_for_24_hours_then_never() {
        let exp = 1000 * HOUR_US;
        assert_eq!(state_of(&row(None, exp), 0), SurveyState::Open);
        assert_eq!(state_of(&row(None, exp), exp), SurveyState::Expired);
        assert_eq!(
            state_of(&row(Some(HOUR_US), exp), 24 * HOUR_US),
            SurveyState::Editable
        );
        assert_eq!(
            state_of(&row(Some(HOUR_US), exp), 25 * HOUR_US),
            SurveyState::Answered
        );
        assert!(
            parse(&AnswerInput {
                score: Some("11".into()),
                comment: None
            })
            .is_err()
        );
        assert!(
            parse(&AnswerInput {
                score: Some("-1".into()),
                comment: None
            })
            .is_err()
        );
        assert!(
            parse(&AnswerInput {
                score: Some("7.5".into()),
                comment: None
            })
            .is_err()
        );
        assert!(
            parse(&AnswerInput {
                score: None,
                comment: None
            })
            .is_err()
        );
        assert_eq!(
            parse(&AnswerInput {
                score: Some(" 10 ".into()),
                comment: Some(String::new())
            })
            .ok(),
            Some((10, None))
        );
    }
}
