//! `mesure-bench nps DATABASE_URL [CLIENTS] [ANSWERS]`: the NPS figures of issue 11 — NPS per
//! client, segment and overall over twelve months, and the satisfaction-vs-margin view, over
//! 2,000 clients and 50,000 answers (defaults), each with twelve months of revenue and cost in
//! the radar's running totals. Prints `figure nps_report_ms …` and `figure satisfaction_ms …`
//! (medians of seven).
use anyhow::{Context, Result};
use mesure_domain::WorkspaceId;
use mesure_services::App;
use std::time::Instant;
use uuid::Uuid;

use crate::invoicing::{e, figure, median};

pub async fn nps(args: &[String]) -> Result<()> {
    let url = args
        .get(2)
        .context("usage: mesure-bench nps DATABASE_URL [CLIENTS] [ANSWERS]")?;
    let clients: usize = args
        .get(3)
        .map_or(Ok(2000), |s| s.parse())
        .context("CLIENTS")?;
    let answers: usize = args
        .get(4)
        .map_or(Ok(50_000), |s| s.parse())
        .context("ANSWERS")?;
    let app: App = crate::app_for(crate::connect(url).await?);
    let actor = mesure_services::audit::Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Banc NPS", &actor)
        .await
        .map_err(e)?;
    let ws = WorkspaceId::from_uuid(w.id);
    let owner = mesure_services::people::users::add(
        &app,
        ws,
        &mesure_services::people::users::NewUser {
            email: format!("owner-{}@bench.example.org", Uuid::now_v7().simple()),
            name: "Bench Owner".into(),
            role: "owner".into(),
            language: Some("fr".into()),
            password: None,
        },
        &actor,
    )
    .await
    .map_err(e)?;
    let ctx = crate::owner_ctx(
        ws,
        mesure_domain::UserId::from_uuid(owner.user.id),
        "Banc NPS",
    );
    let seeded = Instant::now();
    mesure_services::demo::seed_bulk(&app, ws, clients, clients)
        .await
        .map_err(e)?;
    // Each client's contact, then its answers spread over the last twelve months.
    let contacts: Vec<(Uuid, Uuid)> = {
        let mut c = app.db.read().await?;
        let mut out = Vec::new();
        for (client, _) in mesure_store::clients::names_by_age(&mut c.conn(), ws).await? {
            let q = mesure_store::clients::contacts::ListQuery {
                client: Some(mesure_domain::ClientId::from_uuid(client)),
                limit: 10,
                ..Default::default()
            };
            let (rows, _) = mesure_store::clients::contacts::list(&mut c.conn(), ws, &q).await?;
            out.extend(rows.into_iter().map(|k| (k.client_id, k.id)));
        }
        out
    };
    anyhow::ensure!(!contacts.is_empty(), "no contacts seeded");
    let now = app.now();
    let year_us: i64 = 365 * 86_400_000_000;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut made = 0;
    while made < answers {
        let mut tx = app.db.begin().await?;
        for _ in 0..5_000.min(answers - made) {
            let (client, contact) = contacts
                .get(made % contacts.len())
                .copied()
                .context("contact")?;
            let at = now - i64::try_from(next() % u64::try_from(year_us)?)?;
            let r = mesure_store::nps::InvitationRow {
                workspace_id: ws.uuid(),
                id: Uuid::now_v7(),
                client_id: client,
                contact_id: contact,
                round_on: 20_000_000 + i32::try_from(made)?,
                token_hash: format!("bench-{made}"),
                sent_at: at,
                expires_at: at + 30 * 86_400_000_000,
                reminded_at: None,
                answered_at: None,
                score: None,
                comment: None,
                updated_at: at,
                version: 1,
            };
            // Mostly satisfied clients, a tail of detractors.
            let score = [10, 9, 9, 8, 10, 7, 6, 9, 3, 10, 8]
                .get(usize::try_from(next() % 11)?)
                .copied()
                .unwrap_or(9);
            mesure_store::nps::insert_invitation(&mut tx.conn(), &r).await?;
            mesure_store::nps::answer(&mut tx.conn(), &r, score, None, at + 3_600_000_000, at)
                .await?;
            made += 1;
        }
        tx.commit().await?;
    }
    // Twelve months of revenue and cost per client in the radar's running totals.
    let this =
        mesure_domain::projects::engagement::month_of(mesure_services::projects::today(&app, &ctx));
    let (from, to) = mesure_domain::radar::windows::window12(this);
    let mut ids: Vec<Uuid> = contacts.iter().map(|c| c.0).collect();
    ids.sort();
    ids.dedup();
    let mut deltas = Vec::new();
    let mut m = mesure_domain::projects::engagement::year_month(from);
    while mesure_domain::projects::engagement::month_key(m) < to {
        for c in &ids {
            let revenue = 100_000 + i64::try_from(next() % 400_000)?;
            let f = mesure_domain::projects::engagement::Figures {
                minutes: 600,
                cost: revenue * i64::try_from(40 + next() % 60)? / 100,
                ..Default::default()
            };
            deltas.push((
                *c,
                *c,
                mesure_domain::projects::engagement::month_key(m),
                f,
                revenue,
                revenue / 20,
            ));
        }
        m = m.next();
    }
    {
        let mut tx = app.db.begin().await?;
        for chunk in deltas.chunks(2_000) {
            mesure_store::radar::totals::add_many(&mut tx.conn(), ws, chunk).await?;
        }
        tx.commit().await?;
    }
    eprintln!(
        "seeded {} clients, {made} answers, {} client months in {:.1} s",
        ids.len(),
        deltas.len(),
        seeded.elapsed().as_secs_f64()
    );
    let today = mesure_services::projects::today(&app, &ctx);
    let first = from * 100 + 1;
    let mut report = Vec::new();
    let mut view = Vec::new();
    let mut shown = (0, 0, 0);
    for _ in 0..7 {
        let t = Instant::now();
        let r = mesure_services::nps::report::report(&app, &ctx, first, today)
            .await
            .map_err(e)?;
        report.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let v = mesure_services::nps::report::satisfaction(&app, &ctx, from, to)
            .await
            .map_err(e)?;
        view.push(t.elapsed().as_secs_f64() * 1000.0);
        shown = (r.overall.answers, r.clients.len(), v.points.len());
    }
    figure("nps_answers", shown.0 as f64);
    figure("nps_clients", shown.1 as f64);
    figure("satisfaction_points", shown.2 as f64);
    figure("nps_report_ms", median(report));
    figure("satisfaction_ms", median(view));
    Ok(())
}
