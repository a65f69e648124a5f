//! Both backends' schemas have the same tables and columns; health, readiness, metrics.
use mesure_testkit::{Backend, backends, fresh_db, spawn_app};

/// Tables and columns declared by a migration script.
fn declared(script: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut table: Option<String> = None;
    for line in script.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
            let t = rest.split_whitespace().next().unwrap().to_string();
            out.push(("__table".to_string(), t.clone()));
            table = Some(t);
        } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
            let mut words = rest.split_whitespace();
            let t = words.next().unwrap().to_string();
            if let (Some("ADD"), Some("COLUMN"), Some(col)) =
                (words.next(), words.next(), words.next())
            {
                out.push((t, col.to_string()));
            }
        } else if line.starts_with(')') {
            table = None;
        } else if let Some(t) = &table {
            let first = line.split_whitespace().next().unwrap_or("");
            if !first.is_empty() && !["PRIMARY", "FOREIGN", "UNIQUE", "--"].contains(&first) {
                out.push((t.clone(), first.trim_end_matches(',').to_string()));
            }
        }
    }
    // Full-text tables (fts_*) are each engine's own search structure, outside the shared shape.
    out.retain(|(t, _)| t != "__table" && !t.starts_with("fts_"));
    out.push(("schema_migrations".into(), "applied_at".into()));
    out.push(("schema_migrations".into(), "name".into()));
    out.push(("schema_migrations".into(), "version".into()));
    out.sort();
    out
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let pg_script: String = mesure_store::migrate::MIGRATIONS
        .iter()
        .map(|m| m.3)
        .collect::<Vec<_>>()
        .join("\n");
    let expected = declared(&pg_script);
    assert!(expected.len() > 60, "parsed {} columns", expected.len());
    for backend in backends() {
        let dir =
            std::env::temp_dir().join(format!("mesure-schema-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = fresh_db(backend, &dir).await;
        let live = mesure_store::migrate::columns(&db).await.unwrap();
        assert_eq!(
            live, expected,
            "{backend:?} schema differs from the PostgreSQL migrations"
        );
        assert_eq!(
            mesure_store::migrate::version(&db).await.unwrap(),
            mesure_store::migrate::latest()
        );
        // Running the migrations again changes nothing.
        assert!(mesure_store::migrate::run(&db).await.unwrap().is_empty());
        assert!(
            mesure_store::migrate::integrity(&db)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let c = t.client();
        assert_eq!(
            c.get(format!("{}/healthz", t.url))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "ok"
        );
        let ready = c.get(format!("{}/readyz", t.url)).send().await.unwrap();
        assert_eq!(ready.status(), 200);
        let r = c.get(format!("{}/login", t.url)).send().await.unwrap();
        assert!(r.headers().contains_key("x-request-id"));
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        let m = c
            .get(format!("{}/metrics", t.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            m.contains(
                "mesure_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"} 1"
            ),
            "{m}"
        );
        assert!(m.contains("mesure_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"+Inf\"} 1"));
        if backend == Backend::Postgres {
            assert_eq!(t.app.db.backend(), mesure_store::Backend::Postgres);
        }
    }
}

/// Migration 3's backfill rebuilds the running totals that live writes keep: after erasing them
/// (as a version-2 database lacks them), its UPDATE statements give back the same figures.
#[tokio::test]
async fn migration_3_backfills_the_running_totals_live_writes_keep() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Migration").await;
        let cl = mesure_services::clients::create(
            &t.app,
            &a.owner.ctx,
            &mesure_domain::clients::ClientForm {
                name: "Client Migration".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        let p = crate::time::project(&t, &a.owner.ctx, cl, "Régie", "time_materials").await;
        let f = crate::time::project(&t, &a.owner.ctx, cl, "Forfait", "fixed_fee").await;
        let d = mesure_services::projects::add_deliverable(
            &t.app,
            &a.owner.ctx,
            mesure_domain::ProjectId::from_uuid(p),
            &mesure_domain::projects::forms::DeliverableForm {
                name: "Lot 1".into(),
                estimate_hours: "10".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        for (project, deliverable, date, minutes, billable) in [
            (p, Some(d), "2026-03-02", 120, true),
            (p, None, "2026-03-03", 60, false),
            (p, None, "2026-04-01", 45, false),
            (f, None, "2026-03-04", 30, false),
        ] {
            mesure_services::time::log(
                &t.app,
                &a.owner.ctx,
                &mesure_domain::time::forms::EntryForm {
                    project_id: project.to_string(),
                    deliverable_id: deliverable.map(|d| d.to_string()),
                    date: date.into(),
                    duration: format!("{minutes}m"),
                    billable: Some(billable.to_string()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let snapshot = || async {
            let mut c = t.app.db.read().await.unwrap();
            let months: Vec<(i64, i64, i64)> = mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT unbilled_scope_minutes, unbilled_scope_value, over_servicing FROM project_months ORDER BY month, unbilled_scope_value, over_servicing",
                &[],
            )
            .await
            .unwrap();
            let clients: Vec<(i64, i64, i64)> = mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT unbilled_scope_minutes, unbilled_scope_value, over_servicing FROM client_months ORDER BY month",
                &[],
            )
            .await
            .unwrap();
            let deliverables: Vec<(i64,)> = mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT logged_minutes FROM deliverables",
                &[],
            )
            .await
            .unwrap();
            (months, clients, deliverables)
        };
        let live = snapshot().await;
        assert!(
            live.0.iter().any(|m| m.1 == 10_000),
            "60 min at 100.00: {:?}",
            live.0
        );
        assert_eq!(live.2, vec![(120,)]);
        // Erase what version 2 did not have, as it had it.
        {
            let mut tx = t.app.db.begin().await.unwrap();
            for sql in [
                "UPDATE deliverables SET logged_minutes = 0",
                "UPDATE client_months SET over_servicing = over_servicing - COALESCE((SELECT CAST(SUM(m.unbilled_scope_value) AS BIGINT) FROM project_months m JOIN projects p ON p.workspace_id = m.workspace_id AND p.id = m.project_id WHERE m.workspace_id = client_months.workspace_id AND m.client_id = client_months.client_id AND m.month = client_months.month AND p.billing_model IN ('time_materials', 'retainer')), 0)",
                "UPDATE project_months SET over_servicing = over_servicing - unbilled_scope_value WHERE project_id IN (SELECT id FROM projects WHERE billing_model IN ('time_materials', 'retainer'))",
                "UPDATE project_months SET unbilled_scope_minutes = 0, unbilled_scope_value = 0",
                "UPDATE client_months SET unbilled_scope_minutes = 0, unbilled_scope_value = 0",
            ] {
                mesure_store::testing::exec(&mut tx.conn(), sql, &[])
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        assert_ne!(snapshot().await, live);
        // Migration 3's UPDATE statements, as written for this backend.
        let (_, _, lite, pg) = mesure_store::migrate::MIGRATIONS
            .iter()
            .find(|m| m.0 == 3)
            .unwrap();
        let script = if matches!(backend, mesure_testkit::Backend::Sqlite) {
            lite
        } else {
            pg
        };
        let mut tx = t.app.db.begin().await.unwrap();
        for stmt in script.split(';') {
            let stmt: String = stmt
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            if stmt.trim_start().starts_with("UPDATE") {
                mesure_store::testing::exec(&mut tx.conn(), &stmt, &[])
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        assert_eq!(
            snapshot().await,
            live,
            "the backfill equals the live totals"
        );
    }
}

/// The unique indexes of a live schema: (name, table, columns), sorted.
async fn live_uniques(db: &mesure_store::Db) -> Vec<(String, String, Vec<String>)> {
    let mut c = db.read().await.unwrap();
    let mut out = Vec::new();
    match db.backend() {
        mesure_store::Backend::Sqlite => {
            let rows: Vec<(String, String)> = mesure_store::testing::fetch(
                &mut c.conn(),
                // Full-text tables (fts_*) are each engine's own search structure; SQLite's
                // ticket numbering there is only ever inserted with ON CONFLICT DO NOTHING.
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE%' AND tbl_name NOT LIKE 'fts%'",
                &[],
            )
            .await
            .unwrap();
            for (name, table) in rows {
                let cols: Vec<(String,)> = mesure_store::testing::fetch(
                    &mut c.conn(),
                    &format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"),
                    &[],
                )
                .await
                .unwrap();
                out.push((name, table, cols.into_iter().map(|c| c.0).collect()));
            }
        }
        mesure_store::Backend::Postgres => {
            let rows: Vec<(String, String, String)> = mesure_store::testing::fetch(
                &mut c.conn(),
                "SELECT indexname::text, tablename::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE '%\\_pkey'",
                &[],
            )
            .await
            .unwrap();
            for (name, table, def) in rows {
                let inside = def.split_once('(').unwrap().1;
                let inside = inside.split_once(')').unwrap().0;
                let cols = inside.split(", ").map(|s| s.trim().to_string()).collect();
                out.push((name, table, cols));
            }
        }
    }
    out.sort();
    out
}

/// A unique violation is named alike on both engines (PostgreSQL gives the index's name, SQLite
/// its columns): the list that names them is exactly the schema's unique indexes.
#[tokio::test]
async fn the_named_unique_indexes_are_exactly_the_schemas() {
    let mut expected: Vec<(String, String, Vec<String>)> = mesure_store::constraints::UNIQUES
        .iter()
        .map(|u| {
            (
                u.name.to_string(),
                u.table.to_string(),
                u.columns.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    expected.sort();
    for backend in backends() {
        let dir =
            std::env::temp_dir().join(format!("mesure-uniques-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = fresh_db(backend, &dir).await;
        assert_eq!(live_uniques(&db).await, expected, "{backend:?}");
    }
}

/// The same duplicate gives the same message on both engines, through the one conflict table.
#[tokio::test]
async fn a_duplicate_name_says_which_on_both_engines() {
    for backend in backends() {
        let t = spawn_app(backend).await;
        let a = t.tenant("Agence Doublons").await;
        let client = t.client_named(&a.owner.ctx, "Client D").await;
        let project = crate::time::project(&t, &a.owner.ctx, client, "P", "time_materials").await;
        let http = t.client();
        for (path, body, key) in [
            (
                "/clients".to_string(),
                serde_json::json!({"name": "Client D"}),
                "err-conflict-client-name",
            ),
            (
                "/projects".to_string(),
                serde_json::json!({"client_id": client, "name": "P", "billing_model": "time_materials", "hourly_rate": "100"}),
                "err-conflict-project-name",
            ),
            (
                format!("/projects/{project}/deliverables"),
                serde_json::json!({"name": "Design", "estimate_hours": "10"}),
                "",
            ),
            (
                format!("/projects/{project}/deliverables"),
                serde_json::json!({"name": "design", "estimate_hours": "5"}),
                "err-conflict-deliverable-name",
            ),
        ] {
            let r = http
                .post(t.api(&path))
                .bearer_auth(&a.owner.token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            if key.is_empty() {
                assert_eq!(status, 201, "{backend:?} {path}: {text}");
            } else {
                assert_eq!(status, 409, "{backend:?} {path}: {text}");
                // A token's caller gets the user's language.
                let detail = mesure_i18n::t(mesure_domain::Language::Fr, key);
                assert!(text.contains(&detail), "{backend:?} {path}: {text}");
            }
        }
    }
}
