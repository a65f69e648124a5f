//! Writes that stay right under concurrency (issue 9 §4): two servers on one PostgreSQL
//! database, 32 writers at once, and invariants that a read-then-write check would break.
use mesure_domain::ProjectId;
use mesure_testkit::{TestApp, backends, spawn_app};
use serde_json::{Value, json};

/// Two servers, and a POST to alternate between them.
#[derive(Clone)]
struct Pair {
    urls: [String; 2],
    http: reqwest::Client,
}

impl Pair {
    async fn new(t: &TestApp) -> Pair {
        Pair {
            urls: [t.url.clone(), t.second_server().await],
            http: t.client(),
        }
    }
    async fn send(self, i: usize, method: &str, token: &str, path: &str, body: Value) -> u16 {
        let url = format!("{}/api/v1{path}", self.urls[i % 2]);
        let req = match method {
            "PUT" => self.http.put(url),
            _ => self.http.post(url),
        };
        let r = req.bearer_auth(token).json(&body).send().await.unwrap();
        r.status().as_u16()
    }
}

async fn sum_day(t: &TestApp, user: uuid::Uuid, day: i32) -> (i64, i64) {
    let mut c = t.app.db.read().await.unwrap();
    let r: Vec<(i64, i64)> = mesure_store::testing::fetch(
        &mut c.conn(),
        "SELECT CAST(COALESCE((SELECT SUM(minutes) FROM time_entries WHERE user_id = $1 AND work_date = $2), 0) AS BIGINT), \
         CAST(COALESCE((SELECT minutes FROM person_days WHERE user_id = $1 AND day = $2), 0) AS BIGINT)",
        &[mesure_store::Bind::Uuid(user), mesure_store::Bind::Int(i64::from(day))],
    )
    .await
    .unwrap();
    r[0]
}

#[tokio::test]
async fn thirty_two_writers_on_one_person_day_never_pass_24_hours() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Concurrente").await;
        let client = t.client_named(&a.owner.ctx, "Client C").await;
        let project = crate::time::project(&t, &a.owner.ctx, client, "P", "time_materials").await;
        let pair = Pair::new(&t).await;
        // 50 minutes each: 28 fit in a day (1,400), the 29th would make 1,450.
        let requests = (0..32)
            .map(|i| {
                let body = json!({"user_id": a.staff.id, "project_id": project, "date": "2026-11-24", "duration": "50m", "note": format!("n{i}")});
                (pair.clone(), i, "POST", a.manager.token.clone(), "/time-entries".to_string(), body)
            })
            .collect();
        let statuses = all_at_once(requests).await;
        let created = statuses.iter().filter(|s| **s == 201).count();
        assert!(
            statuses.iter().all(|s| *s == 201 || *s == 422),
            "{backend:?}: {statuses:?}"
        );
        assert_eq!(created, 28, "{backend:?}: {statuses:?}");
        let (entries, aggregate) = sum_day(&t, a.staff.id, 20261124).await;
        assert_eq!((entries, aggregate), (1400, 1400), "{backend:?}");
        assert_eq!(t.check_totals().await, Vec::<String>::new());
    }
}

#[tokio::test]
async fn thirty_two_entries_on_a_capped_project_earn_exactly_the_cap() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Plafond").await;
        let client = t.client_named(&a.owner.ctx, "Client Plafond").await;
        let form = mesure_domain::projects::forms::ProjectForm {
            client_id: client.to_string(),
            name: "Capped".into(),
            billing_model: "time_materials".into(),
            hourly_rate: Some("100".into()),
            cap: Some("1000".into()),
            ..Default::default()
        };
        let project = mesure_services::projects::create(&t.app, &a.owner.ctx, &form)
            .await
            .unwrap()
            .id;
        let pair = Pair::new(&t).await;
        // Three rounds of 32 half-hours, over six months and three people: 4,800 of work under
        // a 1,000 cap, crossing it in the first round.
        let people = [a.owner.id, a.manager.id, a.staff.id];
        for round in 0..3 {
            let requests = (0..32)
                .map(|i| {
                    let date = format!("2026-{:02}-{:02}", 5 + i % 3 + 2 * round, 1 + i / 3);
                    let body = json!({"user_id": people[i % 3], "project_id": project, "date": date, "duration": "30m"});
                    (pair.clone(), i, "POST", a.manager.token.clone(), "/time-entries".to_string(), body)
                })
                .collect();
            let statuses = all_at_once(requests).await;
            assert!(
                statuses.iter().all(|s| *s == 201),
                "{backend:?}: {statuses:?}"
            );
        }
        let id = ProjectId::from_uuid(project);
        let before = mesure_services::radar::project(&t.app, &a.owner.ctx, id)
            .await
            .unwrap();
        let before = before.money.expect("an owner sees money");
        assert_eq!(before.totals.value, 480_000, "{backend:?}");
        assert_eq!(
            before.totals.revenue, 100_000,
            "{backend:?}: revenue over the cap"
        );
        // From scratch: recomputing changes nothing.
        assert_eq!(t.check_totals().await, Vec::<String>::new());
    }
}

#[tokio::test]
async fn a_week_approved_while_entries_are_logged_keeps_none_unlocked() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Semaine").await;
        let client = t.client_named(&a.owner.ctx, "Client Semaine").await;
        let project = crate::time::project(&t, &a.owner.ctx, client, "P", "time_materials").await;
        let pair = Pair::new(&t).await;
        // Five weeks; in each, 31 entries race one approval.
        for week in [
            "2026-10-05",
            "2026-10-12",
            "2026-10-19",
            "2026-10-26",
            "2026-11-02",
        ] {
            let monday = jiff::civil::Date::strptime("%Y-%m-%d", week).unwrap();
            let staff = a.staff.id;
            let requests = (0..32)
                .map(|i| {
                    let token = a.manager.token.clone();
                    if i == 16 {
                        let path = format!("/timesheets/{staff}/{week}/approve");
                        return (pair.clone(), i, "POST", token, path, json!({}));
                    }
                    let day = monday.checked_add(jiff::Span::new().days(i as i64 % 5)).unwrap();
                    let body = json!({"user_id": staff, "project_id": project, "date": day.to_string(), "duration": "15m"});
                    (pair.clone(), i, "POST", token, "/time-entries".to_string(), body)
                })
                .collect();
            let statuses = all_at_once(requests).await;
            assert!(
                statuses.iter().all(|s| [200, 201, 204, 422].contains(s)),
                "{backend:?} {week}: {statuses:?}"
            );
            let mut c = t.app.db.read().await.unwrap();
            let from = mesure_domain::projects::engagement::day_key(monday);
            let r: Vec<(i64,)> = mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT CAST(COUNT(*) AS BIGINT) FROM time_entries WHERE user_id = $1 AND work_date >= $2 AND work_date < $3 AND NOT locked",
                &[
                    mesure_store::Bind::Uuid(a.staff.id),
                    mesure_store::Bind::Int(i64::from(from)),
                    mesure_store::Bind::Int(i64::from(from + 7)),
                ],
            )
            .await
            .unwrap();
            assert_eq!(
                r[0].0, 0,
                "{backend:?} {week}: unlocked entries in an approved week"
            );
        }
    }
}

/// Runs every request at once (each on its own task) and answers their statuses in order.
/// Two write transactions that lock two rows in opposite orders: PostgreSQL aborts one of them
/// for the deadlock, and `write_tx!` runs it again instead of failing the request, so both
/// commit and exactly one extra attempt was made.
#[tokio::test]
async fn a_deadlock_victim_runs_again_and_both_writes_commit() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    for backend in backends() {
        if backend != mesure_testkit::Backend::Postgres {
            continue; // SQLite serialises writers: no two transactions can hold a lock each.
        }
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Verrous").await;
        let ids = [
            t.client_named(&a.owner.ctx, "Client Un").await,
            t.client_named(&a.owner.ctx, "Client Deux").await,
        ];
        let attempts = Arc::new(AtomicU32::new(0));
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let run = |first: usize| {
            let (app, attempts, barrier) = (t.app.clone(), attempts.clone(), barrier.clone());
            tokio::spawn(async move {
                let app = &app;
                let lock = "UPDATE clients SET notes = 'locked' WHERE id = $1";
                mesure_services::write_tx!(app, tx => {
                    let n = attempts.fetch_add(1, Ordering::SeqCst);
                    mesure_store::testing::exec(&mut tx.conn(), lock, &[mesure_store::Bind::Uuid(ids[first])]).await?;
                    // Only the first two attempts meet: each then waits for the other's row.
                    if n < 2 {
                        barrier.wait().await;
                    }
                    mesure_store::testing::exec(&mut tx.conn(), lock, &[mesure_store::Bind::Uuid(ids[1 - first])]).await?;
                })
            })
        };
        let (x, y) = (run(0), run(1));
        let (x, y) = (x.await.unwrap(), y.await.unwrap());
        assert!(x.is_ok() && y.is_ok(), "{x:?} {y:?}");
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "one victim, run once more"
        );
    }
}

async fn all_at_once(
    requests: Vec<(Pair, usize, &'static str, String, String, Value)>,
) -> Vec<u16> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(requests.len()));
    let handles: Vec<_> = requests
        .into_iter()
        .map(|(pair, i, method, token, path, body)| {
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                pair.send(i, method, &token, &path, body).await
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// The check is not blind: a total changed behind Mesure's back is reported, and so is a
/// project's earned revenue.
#[tokio::test]
async fn the_totals_check_reports_a_total_changed_behind_its_back() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Vérifiée").await;
        let client = t.client_named(&a.owner.ctx, "Client V").await;
        let project = crate::time::project(&t, &a.owner.ctx, client, "P", "time_materials").await;
        crate::time::log(&t, &a.staff.ctx, project, "2026-11-24", 90).await;
        assert_eq!(t.check_totals().await, Vec::<String>::new(), "{backend:?}");
        let mut tx = t.app.db.begin().await.unwrap();
        mesure_store::testing::exec(
            &mut tx.conn(),
            "UPDATE person_days SET minutes = minutes + 1",
            &[],
        )
        .await
        .unwrap();
        mesure_store::testing::exec(
            &mut tx.conn(),
            "UPDATE project_months SET revenue = revenue + 7",
            &[],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let found = t.check_totals().await;
        assert_eq!(found.len(), 2, "{backend:?}: {found:?}");
        assert!(
            found[0].starts_with("person day ")
                && found[0].contains("from the entries 90, stored 91"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("earned (revenue, over-servicing) of project month"),
            "{found:?}"
        );
    }
}
