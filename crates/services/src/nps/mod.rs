//! Relationship NPS (issue 11): survey rounds sent to chosen contacts on a schedule per client
//! (single-use links, one reminder), answers by link or in the portal (0–10 and a comment,
//! changeable for 24 hours), NPS per client, segment and overall with participation, and the
//! satisfaction-vs-margin view against the workspace's optimal band.
pub mod answers;
pub mod report;

use crate::audit::record;
use crate::{App, Ctx, Result, ServiceError};
use mesure_domain::nps::{Band, REMIND_AFTER_DAYS, VALID_DAYS};
use mesure_domain::projects::engagement::{day_from_key, day_key};
use mesure_domain::validate::Checker;
use mesure_domain::{ClientId, ContactId, Invalid, Language, NpsAction, WorkspaceId};
use mesure_i18n::{Arg, t_args};
use mesure_store::Conn;
use mesure_store::nps::{self as store, InvitationRow};
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// A contact a client's surveys may go to.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Recipient {
    pub contact_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub selected: bool,
}

/// One invitation as staff see it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SentView {
    pub contact: String,
    pub sent_at: i64,
    pub reminded_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub score: Option<i32>,
    pub comment: Option<String>,
}

/// A client's surveys: schedule, recipients, what was sent and answered.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ClientSurveys {
    pub client_id: Uuid,
    pub client_name: String,
    pub every_months: Option<i32>,
    pub next_on: Option<i32>,
    pub recipients: Vec<Recipient>,
    pub sent: Vec<SentView>,
}

/// A contact's name as a list shows it.
pub(crate) fn contact_name(k: &mesure_store::clients::contacts::ContactRow) -> String {
    format!("{} {}", k.first_name, k.last_name)
        .trim()
        .to_string()
}

async fn client_contacts(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    client: Uuid,
) -> Result<Vec<mesure_store::clients::contacts::ContactRow>> {
    let q = mesure_store::clients::contacts::ListQuery {
        client: Some(ClientId::from_uuid(client)),
        archive: mesure_store::ArchiveFilter::Active,
        limit: 200,
        ..Default::default()
    };
    Ok(mesure_store::clients::contacts::list(c, ws, &q).await?.0)
}

pub async fn client_surveys(app: &App, ctx: &Ctx, client: Uuid) -> Result<ClientSurveys> {
    ctx.require(NpsAction::Manage)?;
    let mut conn = app.db.read().await?;
    let c = &mut conn.conn();
    let cl = mesure_store::clients::get(c, ctx.workspace, ClientId::from_uuid(client)).await?;
    let schedule = store::schedule(c, ctx.workspace, client).await?;
    let chosen = store::recipients(c, ctx.workspace, client).await?;
    let contacts = client_contacts(c, ctx.workspace, client).await?;
    let names: std::collections::HashMap<Uuid, String> =
        contacts.iter().map(|k| (k.id, contact_name(k))).collect();
    let sent = store::of_client(c, ctx.workspace, client, 100)
        .await?
        .into_iter()
        .map(|r| SentView {
            contact: names.get(&r.contact_id).cloned().unwrap_or_default(),
            sent_at: r.sent_at,
            reminded_at: r.reminded_at,
            answered_at: r.answered_at,
            score: r.score,
            comment: r.comment,
        })
        .collect();
    Ok(ClientSurveys {
        client_id: client,
        client_name: cl.name,
        every_months: schedule.map(|s| s.every_months),
        next_on: schedule.map(|s| s.next_on),
        recipients: contacts
            .into_iter()
            .map(|k| Recipient {
                selected: chosen.contains(&k.id),
                contact_id: k.id,
                name: contact_name(&k),
                email: k.email,
            })
            .collect(),
        sent,
    })
}

/// A client's survey settings as a form sends them.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ScheduleInput {
    /// Months between rounds, 1–12; empty or 0: no scheduled rounds.
    pub every_months: Option<String>,
    /// The next round's day (`YYYY-MM-DD`); required with a schedule.
    pub next_on: Option<String>,
    /// The contacts the surveys go to.
    #[serde(default)]
    pub contacts: Vec<Uuid>,
}

/// Saves a client's schedule and recipients (contacts of that client with an e-mail address).
pub async fn save_client(app: &App, ctx: &Ctx, client: Uuid, i: &ScheduleInput) -> Result<()> {
    ctx.require(NpsAction::Manage)?;
    let mut ch = Checker::new();
    let every = match i.every_months.as_deref().map(str::trim).unwrap_or("") {
        "" | "0" => None,
        s => match s.parse::<i32>() {
            Ok(n) if (1..=12).contains(&n) => Some(n),
            _ => {
                ch.add("every_months", "err-nps-every");
                None
            }
        },
    };
    let next = match i.next_on.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            if every.is_some() {
                ch.add("next_on", "err-required");
            }
            None
        }
        s => match s.parse::<jiff::civil::Date>() {
            Ok(d) if (2000..=2100).contains(&d.year()) => Some(day_key(d)),
            _ => {
                ch.add("next_on", "err-date");
                None
            }
        },
    };
    if i.contacts.len() > 200 {
        ch.add("contacts", "err-too-many");
    }
    ch.finish()?;
    crate::write_tx!(app, tx => {
        let cl = mesure_store::clients::get(&mut tx.conn(), ctx.workspace, ClientId::from_uuid(client)).await?;
        let contacts = client_contacts(&mut tx.conn(), ctx.workspace, client).await?;
        let mut chosen = Vec::new();
        for id in &i.contacts {
            match contacts.iter().find(|k| k.id == *id) {
                Some(k) if k.email.as_deref().is_some_and(|e| !e.trim().is_empty()) => chosen.push(*id),
                Some(_) => return Err(Invalid::one("contacts", "err-nps-contact-no-email").into()),
                None => return Err(Invalid::one("contacts", "err-nps-contact-unknown").into()),
            }
        }
        chosen.sort();
        chosen.dedup();
        store::save_schedule(&mut tx.conn(), ctx.workspace, client, every.zip(next), app.now()).await?;
        store::set_recipients(&mut tx.conn(), ctx.workspace, client, &chosen).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "client", client, "nps_schedule", None,
            Some(&serde_json::json!({"name": cl.name, "every_months": every, "recipients": chosen.len()}))).await?;
    })
}

/// Queues the survey mail of one invitation (`nps-invite` or `nps-reminder`).
#[allow(clippy::too_many_arguments)]
async fn mail(
    c: &mut Conn<'_>,
    app: &App,
    ws: WorkspaceId,
    workspace: &str,
    to: &str,
    lang: Language,
    token: &str,
    kind: &str,
) -> Result<()> {
    let url = format!("{}/survey/{token}", app.base_url.trim_end_matches('/'));
    let args = [("workspace", Arg::Str(workspace)), ("url", Arg::Str(&url))];
    let subject = t_args(lang, &format!("{kind}-subject"), &args);
    let text = t_args(lang, &format!("{kind}-text"), &args);
    let html = format!(
        "<!doctype html><html lang=\"{}\"><body><p>{}</p><p><a href=\"{}\">{}</a></p></body></html>",
        lang.as_str(),
        crate::people::users::html_escape(&text).replace('\n', "<br>"),
        crate::people::users::html_escape(&url),
        crate::people::users::html_escape(&t_args(lang, "nps-mail-link", &args)),
    );
    let payload = serde_json::json!({"to": to, "subject": subject, "text": text, "html": html});
    crate::jobs::enqueue(c, app, ws, "mail", &payload).await?;
    Ok(())
}

/// Sends round `round_on` of a client's survey to its recipients still active with an address;
/// a contact who already has this round is skipped. Answers how many were invited.
async fn send_round(
    c: &mut Conn<'_>,
    app: &App,
    ctx: &Ctx,
    client: Uuid,
    round_on: i32,
) -> Result<usize> {
    let chosen = store::recipients(c, ctx.workspace, client).await?;
    let contacts = client_contacts(c, ctx.workspace, client).await?;
    let now = app.now();
    let mut n = 0;
    for k in contacts.iter().filter(|k| chosen.contains(&k.id)) {
        let Some(email) = k.email.as_deref().filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        let token = crate::secrets::random_token(24)?;
        let row = InvitationRow {
            workspace_id: ctx.workspace.uuid(),
            id: Uuid::now_v7(),
            client_id: client,
            contact_id: k.id,
            round_on,
            token_hash: crate::secrets::sha256_hex(&token),
            sent_at: now,
            expires_at: now + VALID_DAYS * DAY_US,
            reminded_at: None,
            answered_at: None,
            score: None,
            comment: None,
            updated_at: now,
            version: 1,
        };
        if store::insert_invitation(c, &row).await? {
            mail(
                c,
                app,
                ctx.workspace,
                &ctx.workspace_name,
                email,
                k.language,
                &token,
                "nps-invite",
            )
            .await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Sends a round to a client's recipients now (dated today; once a day per contact).
pub async fn send_now(app: &App, ctx: &Ctx, client: Uuid) -> Result<usize> {
    ctx.require(NpsAction::Manage)?;
    let today = crate::invoicing::today(app, ctx);
    crate::write_tx!(app, tx => {
        let cl = mesure_store::clients::get(&mut tx.conn(), ctx.workspace, ClientId::from_uuid(client)).await?;
        if store::recipients(&mut tx.conn(), ctx.workspace, client).await?.is_empty() {
            return Err(Invalid::one("contacts", "err-nps-no-recipient").into());
        }
        let n = send_round(&mut tx.conn(), app, ctx, client, today).await?;
        record::<(), _>(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "client", client, "nps_send", None,
            Some(&serde_json::json!({"name": cl.name, "recipients": n}))).await?;
        n
    })
}

/// The day `months` after `day`, clamped to the month's end.
fn months_after(day: i32, months: i32) -> i32 {
    day_from_key(day)
        .and_then(|d| d.checked_add(jiff::Span::new().months(months)).ok())
        .map_or(day + 100 * months, day_key)
}

/// Due rounds and reminders of one workspace: each schedule due by today sends its round and
/// moves to the next (a late pass sends one round, not every missed one); invitations sent a
/// week ago and still unanswered get their one reminder, with a new link (the first one stops
/// working, as a single-use link should). Answers (rounds sent, reminders sent).
pub async fn sweep(app: &App, ctx: &Ctx) -> Result<(usize, usize)> {
    let today = crate::invoicing::today(app, ctx);
    let due = {
        let mut c = app.db.read().await?;
        store::due(&mut c.conn(), ctx.workspace, today).await?
    };
    let mut rounds = 0;
    for s in due {
        let mut next = months_after(s.next_on, s.every_months);
        while next <= today {
            next = months_after(next, s.every_months);
        }
        let sent = crate::write_tx!(app, tx => {
            if store::advance(&mut tx.conn(), ctx.workspace, s.client_id, s.next_on, next).await? {
                send_round(&mut tx.conn(), app, ctx, s.client_id, s.next_on).await?
            } else {
                0
            }
        })?;
        if sent > 0 {
            rounds += 1;
        }
    }
    let now = app.now();
    let stale = {
        let mut c = app.db.read().await?;
        store::to_remind(
            &mut c.conn(),
            ctx.workspace,
            now - REMIND_AFTER_DAYS * DAY_US,
            now,
        )
        .await?
    };
    let mut reminded = 0;
    for r in stale {
        let done = crate::write_tx!(app, tx => {
            let k = mesure_store::clients::contacts::get(&mut tx.conn(), ctx.workspace, ContactId::from_uuid(r.contact_id)).await?;
            let email = k.email.clone().filter(|e| !e.trim().is_empty());
            match email {
                Some(email) if k.archived_at.is_none() => {
                    let token = crate::secrets::random_token(24)?;
                    if store::mark_reminded(&mut tx.conn(), ctx.workspace, r.id, &crate::secrets::sha256_hex(&token), app.now()).await? {
                        mail(&mut tx.conn(), app, ctx.workspace, &ctx.workspace_name, &email, k.language, &token, "nps-reminder").await?;
                        true
                    } else {
                        false
                    }
                }
                _ => false,
            }
        })?;
        if done {
            reminded += 1;
        }
    }
    Ok((rounds, reminded))
}

/// [`sweep`] over every workspace (run by the worker with the invoice reminders).
pub async fn sweep_all(app: &App) -> Result<(usize, usize)> {
    let list = {
        let mut c = app.db.read().await?;
        mesure_store::workspaces::list(&mut c.conn()).await?
    };
    let mut n = (0, 0);
    for w in list {
        let ctx = Ctx::system(&w, "nps");
        let (a, b) = sweep(app, &ctx).await?;
        n = (n.0 + a, n.1 + b);
    }
    Ok(n)
}

/// The workspace's optimal band.
pub async fn band(app: &App, ctx: &Ctx) -> Result<Band> {
    ctx.require(NpsAction::Read)?;
    let mut c = app.db.read().await?;
    Ok(store::band(&mut c.conn(), ctx.workspace).await?)
}

/// The band as a form sends it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct BandInput {
    pub nps_low: Option<String>,
    pub nps_high: Option<String>,
    pub margin_min: Option<String>,
}

pub async fn save_band(app: &App, ctx: &Ctx, i: &BandInput) -> Result<Band> {
    ctx.require(NpsAction::Manage)?;
    let mut ch = Checker::new();
    let mut int = |field: &'static str, v: &Option<String>| -> i32 {
        match v.as_deref().map(str::trim).unwrap_or("").parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                ch.add(field, "err-format");
                0
            }
        }
    };
    let b = Band {
        nps_low: int("nps_low", &i.nps_low),
        nps_high: int("nps_high", &i.nps_high),
        margin_min: int("margin_min", &i.margin_min),
    };
    ch.finish()?;
    let bad = b.invalid_fields();
    if !bad.is_empty() {
        let mut inv = Invalid::default();
        for (f, code) in bad {
            inv.push(f, code);
        }
        return Err(inv.into());
    }
    crate::write_tx!(app, tx => {
        let before = store::band(&mut tx.conn(), ctx.workspace).await?;
        store::save_band(&mut tx.conn(), ctx.workspace, &b, app.now()).await?;
        let payload = |x: &Band| serde_json::json!({"name": ctx.workspace_name, "nps_low": x.nps_low, "nps_high": x.nps_high, "margin_min": x.margin_min});
        record(&mut tx.conn(), ctx.workspace, &ctx.actor(), app.now(), "workspace", ctx.workspace.uuid(), "nps_band", Some(&payload(&before)), Some(&payload(&b))).await?;
        b
    })
}

/// Answers `Err(NotFound)` unless `r` belongs to `ctx`'s workspace.
pub(crate) fn own(ctx: &Ctx, r: &InvitationRow) -> Result<()> {
    if r.workspace_id == ctx.workspace.uuid() {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}
