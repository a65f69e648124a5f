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
    out.retain(|(t, _)| t != "__table");
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
