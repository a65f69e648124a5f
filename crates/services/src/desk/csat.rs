//! Customer satisfaction after resolution: on a ticket's first resolution its contact gets one
//! question (1–5 and an optional comment) by an e-mailed single-use link (no login) and in the
//! portal; answered once. CSAT = answers 4–5 / answers × 100 (the KPI dictionary).
use crate::audit::{Actor, record};
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::{ContactId, DeskAction, Invalid, WorkspaceId};
use mesure_i18n::{Arg, t_args};
use mesure_store::Conn;
use mesure_store::desk::TicketRow;
use mesure_store::desk::csat::{self as store, CsatRow};
use uuid::Uuid;

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 2000;

/// Sends the question of a ticket just resolved to its contact (once per ticket).
pub(crate) async fn offer(c: &mut Conn<'_>, app: &App, ctx: &Ctx, t: &TicketRow) -> Result<()> {
    let Some(k) = t.contact_id else {
        return Ok(());
    };
    let contact =
        mesure_store::clients::contacts::get(c, ctx.workspace, ContactId::from_uuid(k)).await?;
    let token = crate::secrets::random_token(24)?;
    let fresh = store::insert(
        c,
        ctx.workspace,
        t.id,
        Some(k),
        &crate::secrets::sha256_hex(&token),
        app.now(),
    )
    .await?;
    let (true, Some(to)) = (fresh, contact.email) else {
        return Ok(());
    };
    let lang = contact.language;
    let number = t.number.to_string();
    let link = format!("{}/csat/{token}", app.base_url.trim_end_matches('/'));
    let args = [
        ("number", Arg::Str(&number)),
        ("subject", Arg::Str(&t.subject)),
        ("workspace", Arg::Str(&ctx.workspace_name)),
        ("link", Arg::Str(&link)),
    ];
    let subject = t_args(lang, "desk-csat-mail-subject", &args);
    let text = t_args(lang, "desk-csat-mail-text", &args);
    let html = crate::invoicing::mail::plain_html(lang, &text);
    let payload = serde_json::json!({"to": to, "subject": subject, "text": text, "html": html, "auto_generated": true});
    crate::jobs::enqueue(c, app, ctx.workspace, "mail", &payload).await?;
    Ok(())
}

/// A satisfaction question as its page shows it.
#[derive(Clone, Debug)]
pub struct CsatView {
    pub row: CsatRow,
    pub number: i64,
    pub subject: String,
    pub workspace_name: String,
    /// The contact's language (else the workspace's).
    pub language: mesure_domain::Language,
}

fn check(score: &str, comment: Option<&str>) -> Result<(i32, Option<String>)> {
    let mut chk = mesure_domain::validate::Checker::new();
    let s = score
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|s| (1..=5).contains(s));
    if s.is_none() {
        chk.add("score", "err-desk-score");
    }
    let comment = chk.optional("comment", comment, MAX_COMMENT);
    chk.finish()?;
    Ok((s.unwrap_or(0), comment))
}

async fn view(c: &mut Conn<'_>, row: CsatRow) -> Result<CsatView> {
    let ws = WorkspaceId::from_uuid(row.workspace_id);
    let t = mesure_store::desk::get(c, ws, row.ticket_id).await?;
    let w = mesure_store::workspaces::get(c, ws).await?;
    let language = match row.contact_id {
        Some(k) => mesure_store::clients::contacts::get(c, ws, ContactId::from_uuid(k))
            .await
            .map_or(w.language, |k| k.language),
        None => w.language,
    };
    Ok(CsatView {
        number: t.number,
        subject: t.subject,
        workspace_name: w.name,
        language,
        row,
    })
}

async fn by_token_in(c: &mut Conn<'_>, token: &str) -> Result<CsatRow> {
    let hash = crate::secrets::link_token_hash(token).ok_or(ServiceError::NotFound)?;
    store::by_token(c, &hash)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The question a link opens; an unknown token is `NotFound`.
pub async fn by_token(app: &App, token: &str) -> Result<CsatView> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let row = by_token_in(c, token).await?;
    view(c, row).await
}

async fn answer_in(
    c: &mut Conn<'_>,
    row: &CsatRow,
    who: &Actor,
    (score, comment): (i32, Option<String>),
    now: i64,
) -> Result<()> {
    let ws = WorkspaceId::from_uuid(row.workspace_id);
    if row.answered_at.is_some()
        || !store::answer(c, ws, row.ticket_id, score, comment.as_deref(), now).await?
    {
        return Err(ServiceError::Conflict("err-desk-csat-answered"));
    }
    let t = mesure_store::desk::get(c, ws, row.ticket_id).await?;
    record(
        c,
        ws,
        who,
        now,
        "desk_ticket",
        t.id,
        "rate",
        None::<&()>,
        Some(&serde_json::json!({"name": format!("#{} {}", t.number, t.subject), "score": score})),
    )
    .await?;
    Ok(())
}

/// Answers the question a link opens (once).
pub async fn answer_by_token(
    app: &App,
    token: &str,
    score: &str,
    comment: Option<&str>,
) -> Result<CsatView> {
    let input = check(score, comment)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        let row = by_token_in(c, token).await?;
        let who = Actor { id: None, label: "satisfaction link".into(), request_id: None };
        answer_in(c, &row, &who, input.clone(), now).await?;
        let fresh = by_token_in(c, token).await?;
        view(c, fresh).await?
    })
}

/// The question of a ticket the reader may see (staff: any; a contact: their organisation's).
pub async fn of_ticket(app: &App, ctx: &Ctx, ticket: Uuid) -> Result<Option<CsatRow>> {
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    super::readable(c, ctx, ticket).await?;
    Ok(store::of_ticket(c, ctx.workspace, ticket).await?)
}

/// The ticket's contact answers in the portal (once).
pub async fn portal_answer(
    app: &App,
    ctx: &Ctx,
    ticket: Uuid,
    score: &str,
    comment: Option<&str>,
) -> Result<()> {
    ctx.require(DeskAction::Request)?;
    let now = app.now();
    crate::write_tx!(app, tx => {
        let c = &mut tx.conn();
        // Another organisation's ticket is not found before its input is judged.
        super::readable(c, ctx, ticket).await?;
        let input = check(score, comment)?;
        let row = store::of_ticket(c, ctx.workspace, ticket).await?.ok_or(ServiceError::NotFound)?;
        let me = mesure_store::people::users::get(c, ctx.workspace, ctx.user).await?.contact_id;
        if me.is_none() || me != row.contact_id {
            return Err(Invalid::one("score", "err-desk-csat-not-yours").into());
        }
        answer_in(c, &row, &ctx.actor(), input.clone(), now).await?;
    })
}
