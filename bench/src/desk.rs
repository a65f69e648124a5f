//! The service desk figures of issue 12. `mesure-bench desk-setup DATABASE_URL`: a workspace with
//! an owner and 20 clients; prints `WORKSPACE OWNER` (the tickets and events are then generated in
//! SQL by `bench/desk.sh`, 500,000 and 3,000,000 by default). `mesure-bench desk DATABASE_URL
//! WORKSPACE OWNER`: in-process medians of nine of the ticket list (the open view; filtered by
//! client and priority; full-text searches: a common word, two common words, a rare pair, a
//! common word among urgent tickets) and the service dashboard of the last quarter (whole, and
//! narrowed to one client). Prints
//! `figure <name>_ms <value>` lines.
use anyhow::{Context, Result};
use mesure_domain::{UserId, WorkspaceId};
use mesure_services::App;
use mesure_services::desk::views::ListQuery;
use std::time::Instant;
use uuid::Uuid;

use crate::invoicing::{e, figure, median};

pub async fn setup(args: &[String]) -> Result<()> {
    let url = args
        .get(2)
        .context("usage: mesure-bench desk-setup DATABASE_URL")?;
    let app: App = crate::app_for(crate::connect(url).await?);
    let actor = mesure_services::audit::Actor::system("bench");
    let w = mesure_services::workspaces::create(&app, "Banc Support", &actor)
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
    mesure_services::demo::seed_bulk(&app, ws, 20, 20)
        .await
        .map_err(e)?;
    println!("{} {}", ws.uuid(), owner.user.id);
    Ok(())
}

async fn time<F, Fut>(runs: usize, f: F) -> Result<f64>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let mut v = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let n = f().await?;
        anyhow::ensure!(n > 0, "nothing found");
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(median(v))
}

pub async fn desk(args: &[String]) -> Result<()> {
    let [_, _, url, ws, owner] = args else {
        anyhow::bail!("usage: mesure-bench desk DATABASE_URL WORKSPACE OWNER");
    };
    let app: App = crate::app_for(crate::connect(url).await?);
    let ws = WorkspaceId::from_uuid(ws.parse().context("WORKSPACE")?);
    let ctx = crate::owner_ctx(
        ws,
        UserId::from_uuid(owner.parse().context("OWNER")?),
        "Banc Support",
    );
    let client = {
        let mut c = app.db.read().await?;
        mesure_store::clients::names(&mut c.conn(), ws)
            .await?
            .first()
            .map(|c| c.0)
            .context("a client")?
    };
    let list = |q: ListQuery| {
        let (app, ctx) = (&app, &ctx);
        async move {
            let p = mesure_services::desk::views::list(app, ctx, &q)
                .await
                .map_err(e)?;
            Ok(p.lines.len())
        }
    };
    let open = time(9, || list(ListQuery::default())).await?;
    figure("desk_list_open_ms", open);
    let filtered = time(9, || {
        list(ListQuery {
            view: Some("all".into()),
            client_id: Some(client.to_string()),
            priority: Some("high".into()),
            ..Default::default()
        })
    })
    .await?;
    figure("desk_list_client_priority_ms", filtered);
    let search = time(9, || {
        list(ListQuery {
            view: Some("all".into()),
            q: Some("facture".into()),
            ..Default::default()
        })
    })
    .await?;
    figure("desk_list_search_ms", search);
    let search_narrow = time(9, || {
        list(ListQuery {
            view: Some("all".into()),
            q: Some("imprimante bourrage".into()),
            ..Default::default()
        })
    })
    .await?;
    figure("desk_list_search_two_words_ms", search_narrow);
    // A rare pair (a few tickets: the matches read directly) and a common word among urgent
    // tickets (the walk over a quarter of the tickets).
    let rare = time(9, || {
        list(ListQuery {
            view: Some("all".into()),
            q: Some("introuvable 4999".into()),
            ..Default::default()
        })
    })
    .await?;
    figure("desk_list_search_rare_ms", rare);
    let urgent_word = time(9, || {
        list(ListQuery {
            view: Some("all".into()),
            priority: Some("urgent".into()),
            q: Some("facture".into()),
            ..Default::default()
        })
    })
    .await?;
    figure("desk_list_search_urgent_ms", urgent_word);
    let today = mesure_services::time::today_date(&app, &ctx);
    let from = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(3))?;
    let to = today.first_of_month();
    let dash = time(9, || async {
        let d = mesure_services::desk::kpis::dashboard(&app, &ctx, from, to)
            .await
            .map_err(e)?;
        Ok(usize::try_from(d.created).unwrap_or(0))
    })
    .await?;
    figure("desk_dashboard_quarter_ms", dash);
    // Narrowed to one client (of 20): its tickets of the quarter read one by one.
    let scope = mesure_services::desk::kpis::Scope {
        client: Some(client),
        ..Default::default()
    };
    let dash_client = time(9, || async {
        let d = mesure_services::desk::kpis::dashboard_in(&app, &ctx, from, to, &scope)
            .await
            .map_err(e)?;
        Ok(usize::try_from(d.created).unwrap_or(0))
    })
    .await?;
    figure("desk_dashboard_client_quarter_ms", dash_client);
    Ok(())
}
