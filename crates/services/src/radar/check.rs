//! `mesure check --totals`: every running total recomputed from the entries, every earned
//! revenue recomputed from its months, and every ticket's counters from its events
//! (`desk::check`), compared with what is stored. Concurrency and import tests
//! end with it; an operator runs it after a restore or an incident.
use crate::{App, Result, ServiceError};
use mesure_domain::WorkspaceId;
use mesure_domain::projects::engagement::{Figures, contribution, month_of};
use mesure_store::radar::totals;
use mesure_store::{projects, time as entries};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Entries read per statement.
const PAGE: i64 = 5_000;

fn added(sum: &mut Figures, f: &Figures) -> Result<()> {
    sum.add(f, 1)
        .map_err(|e| ServiceError::Internal(format!("overflow: {e}")))
}

/// The differences found in one workspace, one sentence each (English, for operators); empty
/// when every total agrees.
pub async fn check_totals(app: &App, ws: WorkspaceId) -> Result<Vec<String>> {
    let mut project_months: BTreeMap<(Uuid, i32), Figures> = BTreeMap::new();
    let mut client_months: BTreeMap<(Uuid, i32), Figures> = BTreeMap::new();
    let mut person_months: BTreeMap<(Uuid, i32), (i64, i64)> = BTreeMap::new();
    let mut person_days: BTreeMap<(Uuid, i32), i64> = BTreeMap::new();
    let mut c = app.db.read().await?;
    let mut after = Uuid::nil();
    loop {
        let page = entries::entries_after(&mut c.conn(), ws, after, PAGE).await?;
        for e in &page {
            let f = contribution(&crate::time::facts(e)?);
            let month = month_of(e.work_date);
            added(project_months.entry((e.project_id, month)).or_default(), &f)?;
            added(client_months.entry((e.client_id, month)).or_default(), &f)?;
            let p = person_months.entry((e.user_id, month)).or_default();
            p.0 += f.minutes;
            p.1 += f.billable_minutes;
            *person_days.entry((e.user_id, e.work_date)).or_default() += e.minutes;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.id,
            _ => break,
        }
    }
    let mut found = Vec::new();
    for (of_clients, computed, what) in [
        (false, &project_months, "project"),
        (true, &client_months, "client"),
    ] {
        let stored: BTreeMap<(Uuid, i32), Figures> =
            totals::all_months(&mut c.conn(), ws, of_clients)
                .await?
                .into_iter()
                .map(|m| ((m.subject_id, m.month), m.figures()))
                .collect();
        compare(&mut found, what, computed, &stored);
    }
    let stored: BTreeMap<(Uuid, i32), (i64, i64)> =
        totals::person_months(&mut c.conn(), ws, i32::MIN, i32::MAX)
            .await?
            .into_iter()
            .map(|(u, m, a, b)| ((u, m), (a, b)))
            .collect();
    compare(&mut found, "person month", &person_months, &stored);
    let stored: BTreeMap<(Uuid, i32), i64> = totals::all_person_days(&mut c.conn(), ws)
        .await?
        .into_iter()
        .map(|(u, d, m)| ((u, d), m))
        .collect();
    compare(&mut found, "person day", &person_days, &stored);
    found.extend(check_billed(&mut c.conn(), ws).await?);
    let tz = mesure_store::workspaces::get(&mut c.conn(), ws)
        .await?
        .time_zone;
    drop(c);
    found.extend(check_earned(app, ws).await?);
    found.extend(crate::desk::check::check_counters(app, ws, &tz).await?);
    Ok(found)
}

/// Billed value of every project and client month against the sum of the issued documents'
/// shares (decision 83).
async fn check_billed(c: &mut mesure_store::Conn<'_>, ws: WorkspaceId) -> Result<Vec<String>> {
    let mut by_project: BTreeMap<(Uuid, i32), i64> = BTreeMap::new();
    let mut by_client: BTreeMap<(Uuid, i32), i64> = BTreeMap::new();
    for s in mesure_store::radar::billed::all_shares(c, ws).await? {
        *by_project.entry((s.project_id, s.month)).or_default() += s.amount_minor;
        *by_client.entry((s.client_id, s.month)).or_default() += s.amount_minor;
    }
    let mut found = Vec::new();
    for (of_clients, computed, what) in [
        (false, &by_project, "billed value of project"),
        (true, &by_client, "billed value of client"),
    ] {
        let stored: BTreeMap<(Uuid, i32), i64> = totals::all_months(c, ws, of_clients)
            .await?
            .into_iter()
            .map(|m| ((m.subject_id, m.month), m.billed_value))
            .collect();
        compare(&mut found, what, computed, &stored);
    }
    Ok(found)
}

/// Adds a sentence for every key whose computed and stored values differ (a missing row counts
/// as zero).
fn compare<V: PartialEq + Default + std::fmt::Debug>(
    found: &mut Vec<String>,
    what: &str,
    computed: &BTreeMap<(Uuid, i32), V>,
    stored: &BTreeMap<(Uuid, i32), V>,
) {
    let zero = V::default();
    for key in computed
        .keys()
        .chain(stored.keys().filter(|k| !computed.contains_key(k)))
    {
        let a = computed.get(key).unwrap_or(&zero);
        let b = stored.get(key).unwrap_or(&zero);
        if a != b {
            found.push(format!(
                "{what} {} {}: from the entries {a:?}, stored {b:?}",
                key.0, key.1
            ));
        }
    }
}

/// Earned revenue and over-servicing of every project month, recomputed in a transaction that
/// is then rolled back, against what is stored.
async fn check_earned(app: &App, ws: WorkspaceId) -> Result<Vec<String>> {
    let ctx = crate::auth::cli_ctx(app, ws, None).await?;
    let mut tx = app.db.begin().await?;
    let earned = |rows: Vec<totals::MonthRow>| -> BTreeMap<(Uuid, i32), (i64, i64)> {
        rows.into_iter()
            .map(|m| ((m.subject_id, m.month), (m.revenue, m.over_servicing)))
            .collect()
    };
    let stored = earned(totals::all_months(&mut tx.conn(), ws, false).await?);
    let ids: Vec<Uuid> = projects::all(&mut tx.conn(), ws)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    super::recompute_set(&mut tx.conn(), app, &ctx, &ids).await?;
    let recomputed = earned(totals::all_months(&mut tx.conn(), ws, false).await?);
    // Dropped without commit: the check changes nothing.
    drop(tx);
    let mut found = Vec::new();
    compare(
        &mut found,
        "earned (revenue, over-servicing) of project month",
        &recomputed,
        &stored,
    );
    Ok(found)
}
