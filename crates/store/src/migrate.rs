//! Forward-only migrations, one file per backend with the same version and name, embedded in the binary.
use crate::{Db, Result, StoreError, now_us};

/// (version, name, SQLite script, PostgreSQL script)
pub const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../../migrations/sqlite/0001_foundation.sql"),
        include_str!("../../../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "time",
        include_str!("../../../migrations/sqlite/0002_time.sql"),
        include_str!("../../../migrations/postgres/0002_time.sql"),
    ),
    (
        3,
        "scope_totals",
        include_str!("../../../migrations/sqlite/0003_scope_totals.sql"),
        include_str!("../../../migrations/postgres/0003_scope_totals.sql"),
    ),
    (
        4,
        "integer_totals",
        include_str!("../../../migrations/sqlite/0004_integer_totals.sql"),
        include_str!("../../../migrations/postgres/0004_integer_totals.sql"),
    ),
    (
        5,
        "readiness_probe",
        include_str!("../../../migrations/sqlite/0005_readiness_probe.sql"),
        include_str!("../../../migrations/postgres/0005_readiness_probe.sql"),
    ),
    (
        6,
        "pending_imports",
        include_str!("../../../migrations/sqlite/0006_pending_imports.sql"),
        include_str!("../../../migrations/postgres/0006_pending_imports.sql"),
    ),
    (
        7,
        "invoicing",
        include_str!("../../../migrations/sqlite/0007_invoicing.sql"),
        include_str!("../../../migrations/postgres/0007_invoicing.sql"),
    ),
    (
        8,
        "billed_value",
        include_str!("../../../migrations/sqlite/0008_billed_value.sql"),
        include_str!("../../../migrations/postgres/0008_billed_value.sql"),
    ),
    (
        9,
        "portal",
        include_str!("../../../migrations/sqlite/0009_portal.sql"),
        include_str!("../../../migrations/postgres/0009_portal.sql"),
    ),
    (
        10,
        "nps",
        include_str!("../../../migrations/sqlite/0010_nps.sql"),
        include_str!("../../../migrations/postgres/0010_nps.sql"),
    ),
    (
        11,
        "hot_updates",
        include_str!("../../../migrations/sqlite/0011_hot_updates.sql"),
        include_str!("../../../migrations/postgres/0011_hot_updates.sql"),
    ),
    (
        12,
        "value_reports",
        include_str!("../../../migrations/sqlite/0012_value_reports.sql"),
        include_str!("../../../migrations/postgres/0012_value_reports.sql"),
    ),
    (
        13,
        "desk",
        include_str!("../../../migrations/sqlite/0013_desk.sql"),
        include_str!("../../../migrations/postgres/0013_desk.sql"),
    ),
    (
        14,
        "desk_inbound",
        include_str!("../../../migrations/sqlite/0014_desk_inbound.sql"),
        include_str!("../../../migrations/postgres/0014_desk_inbound.sql"),
    ),
    (
        15,
        "desk_kpi_indexes",
        include_str!("../../../migrations/sqlite/0015_desk_kpi_indexes.sql"),
        include_str!("../../../migrations/postgres/0015_desk_kpi_indexes.sql"),
    ),
    (
        16,
        "desk_totals",
        include_str!("../../../migrations/sqlite/0016_desk_totals.sql"),
        include_str!("../../../migrations/postgres/0016_desk_totals.sql"),
    ),
    (
        17,
        "desk_client_calendars",
        include_str!("../../../migrations/sqlite/0017_desk_client_calendars.sql"),
        include_str!("../../../migrations/postgres/0017_desk_client_calendars.sql"),
    ),
    (
        18,
        "desk_search",
        include_str!("../../../migrations/sqlite/0018_desk_search.sql"),
        include_str!("../../../migrations/postgres/0018_desk_search.sql"),
    ),
    (
        19,
        "desk_saved_views",
        include_str!("../../../migrations/sqlite/0019_desk_saved_views.sql"),
        include_str!("../../../migrations/postgres/0019_desk_saved_views.sql"),
    ),
];

/// The latest schema version this binary knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

const CREATE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies every migration not yet applied, each in its own transaction. Returns the versions applied.
pub async fn run(db: &Db) -> Result<Vec<i64>> {
    let mut applied = Vec::new();
    match db {
        Db::Sqlite(p, _) => {
            sqlx::query(CREATE).execute(p).await?;
        }
        Db::Pg(p) => {
            sqlx::query(CREATE).execute(p).await?;
        }
    }
    let current = version(db).await?;
    if current > latest() {
        return Err(StoreError::Corrupt(format!(
            "database schema version {current} is newer than this binary's {}",
            latest()
        )));
    }
    for (v, name, lite, pg) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let mut tx = db.begin().await?;
        let mut conn = tx.conn();
        crate::on!(&mut conn, c => {
            let script = if matches!(db, Db::Sqlite(..)) {
                crate::schema_rules::postgres_only_removed(lite)
            } else {
                pg.to_string()
            };
            sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(&mut **c).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(v).bind(*name).bind(now_us()).execute(&mut **c).await?;
        });
        tx.commit().await?;
        applied.push(*v);
    }
    Ok(applied)
}

/// The schema version applied (0 for an empty database).
pub async fn version(db: &Db) -> Result<i64> {
    let q = "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations";
    let exists = table_names(db)
        .await?
        .iter()
        .any(|t| t == "schema_migrations");
    if !exists {
        return Ok(0);
    }
    Ok(match db {
        Db::Sqlite(p, _) => sqlx::query_scalar::<_, i64>(q).fetch_one(p).await?,
        Db::Pg(p) => sqlx::query_scalar::<_, i64>(q).fetch_one(p).await?,
    })
}

/// The versions of this binary's migrations that the database has not applied (all of them for
/// an empty database). Versions applied by a newer binary do not count: an older process stays
/// ready while a rolling upgrade migrates forward.
pub async fn missing(db: &Db) -> Result<Vec<i64>> {
    let exists = match db {
        Db::Sqlite(p, _) => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        )
        .fetch_one(p)
        .await?
        .gt(&0),
        Db::Pg(p) => sqlx::query_scalar::<_, bool>(
            "SELECT to_regclass('schema_migrations') IS NOT NULL",
        )
        .fetch_one(p)
        .await?,
    };
    let applied: Vec<i64> = if !exists {
        Vec::new()
    } else {
        let q = "SELECT version FROM schema_migrations";
        match db {
            Db::Sqlite(p, _) => sqlx::query_scalar(q).fetch_all(p).await?,
            Db::Pg(p) => sqlx::query_scalar(q).fetch_all(p).await?,
        }
    };
    Ok(MIGRATIONS
        .iter()
        .map(|m| m.0)
        .filter(|v| !applied.contains(v))
        .collect())
}

/// The user tables of the database, sorted (full-text tables, `fts_*`, are each engine's own search
/// structure and left out).
pub async fn table_names(db: &Db) -> Result<Vec<String>> {
    let mut names: Vec<String> = match db {
        Db::Sqlite(p, _) => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%'")
                .fetch_all(p)
                .await?
        }
        Db::Pg(p) => {
            sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'fts_%'",
            )
            .fetch_all(p)
            .await?
        }
    };
    names.sort();
    Ok(names)
}

/// Every (table, column) pair, sorted: the shape both backends must share.
pub async fn columns(db: &Db) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    match db {
        Db::Sqlite(p, _) => {
            for t in table_names(db).await? {
                let cols: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                        .bind(&t)
                        .fetch_all(p)
                        .await?;
                out.extend(cols.into_iter().map(|c| (t.clone(), c)));
            }
        }
        Db::Pg(p) => {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'fts_%'",
            )
            .fetch_all(p)
            .await?;
            out = rows;
        }
    }
    out.sort();
    Ok(out)
}

/// Integrity check: SQLite's `PRAGMA integrity_check` and foreign keys; PostgreSQL answers `ok`.
pub async fn integrity(db: &Db) -> Result<Vec<String>> {
    match db {
        Db::Sqlite(p, _) => {
            let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(p)
                .await?;
            problems.retain(|r| r != "ok");
            let fk: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(p)
                    .await?;
            problems.extend(
                fk.into_iter()
                    .map(|(t,)| format!("foreign key violation in {t}")),
            );
            Ok(problems)
        }
        Db::Pg(p) => {
            sqlx::query("SELECT 1").execute(p).await?;
            Ok(Vec::new())
        }
    }
}
