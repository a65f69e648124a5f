//! Demo relationship NPS: every demo client surveyed quarterly over the last twelve months (four
//! rounds to each contact, most answered, each client with its own mood so the NPS page and the
//! satisfaction-vs-margin view have figures and spread), and the next round scheduled.
use crate::{App, Ctx, Result};
use mesure_store::nps::InvitationRow;
use uuid::Uuid;

/// Score patterns, one per client in turn: delighted, content, lukewarm, unhappy.
const MOODS: [[i32; 6]; 4] = [
    [10, 9, 10, 9, 8, 10],
    [9, 8, 7, 9, 10, 6],
    [7, 6, 8, 5, 9, 7],
    [4, 6, 3, 7, 5, 8],
];

const DAY_US: i64 = 86_400_000_000;

/// Seeds the surveys of the demo clients `clients` (name, id).
pub async fn seed(app: &App, ctx: &Ctx, clients: &[(String, Uuid)]) -> Result<()> {
    let today = crate::time::today_date(app, ctx);
    let tz = jiff::tz::TimeZone::get(&ctx.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let next = today
        .first_of_month()
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(today);
    for (i, (_, client)) in clients.iter().enumerate() {
        let contacts: Vec<Uuid> = {
            let mut conn = app.db.read().await?;
            let q = mesure_store::clients::contacts::ListQuery {
                client: Some(mesure_domain::ClientId::from_uuid(*client)),
                limit: 20,
                ..Default::default()
            };
            mesure_store::clients::contacts::list(&mut conn.conn(), ctx.workspace, &q)
                .await?
                .0
                .into_iter()
                .filter(|k| k.email.is_some())
                .map(|k| k.id)
                .collect()
        };
        crate::nps::save_client(
            app,
            ctx,
            *client,
            &crate::nps::ScheduleInput {
                every_months: Some("3".into()),
                next_on: Some(next.to_string()),
                contacts: contacts.clone(),
            },
        )
        .await?;
        let mood = MOODS.get(i % MOODS.len()).copied().unwrap_or(MOODS[0]);
        let mut tx = app.db.begin().await?;
        let mut n = 0usize;
        for round in 1..=4i64 {
            let on = today
                .first_of_month()
                .checked_sub(jiff::Span::new().months(3 * round - 1))
                .unwrap_or(today);
            let sent = on
                .at(9, 30, 0, 0)
                .to_zoned(tz.clone())
                .map_or(0, |z| z.timestamp().as_microsecond());
            for contact in &contacts {
                n += 1;
                let row = InvitationRow {
                    workspace_id: ctx.workspace.uuid(),
                    id: Uuid::now_v7(),
                    client_id: *client,
                    contact_id: *contact,
                    round_on: mesure_domain::projects::engagement::day_key(on),
                    token_hash: crate::secrets::sha256_hex(&crate::secrets::random_token(24)?),
                    sent_at: sent,
                    expires_at: sent + 30 * DAY_US,
                    reminded_at: None,
                    answered_at: None,
                    score: None,
                    comment: None,
                    updated_at: sent,
                    version: 1,
                };
                mesure_store::nps::insert_invitation(&mut tx.conn(), &row).await?;
                // One invitation in five goes unanswered (participation below 100 %).
                if n.is_multiple_of(5) {
                    continue;
                }
                let score = mood.get(n % mood.len()).copied().unwrap_or(8);
                let at = sent + i64::try_from(1 + n % 4).unwrap_or(1) * DAY_US;
                mesure_store::nps::answer(&mut tx.conn(), &row, score, None, at, sent).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}
