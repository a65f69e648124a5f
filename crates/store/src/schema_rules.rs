//! The distributed-engine rules the PostgreSQL migrations must keep (checked by a test): keys and
//! indexes lead with workspace_id, no sequences, triggers, stored functions, LISTEN/NOTIFY or
//! advisory locks, explicit integer widths.

/// Global lookups that cannot lead with the workspace id, because the tenant is not known yet
/// (login by e-mail, session and token hashes, throttling) or the queue is shared by all tenants.
pub const GLOBAL_INDEXES: &[&str] = &[
    "users_email_key",
    "api_tokens_hash_key",
    "password_resets_hash_key",
    "jobs_due",
    // A survey link's token opens its invitation before anyone knows the workspace.
    "nps_invitations_token",
    // A satisfaction link's token opens its question before anyone knows the workspace.
    "desk_csat_token",
    // The public request form's key finds its workspace.
    "desk_settings_form_key",
    // The desk's full-text index: a GIN index over the words (the workspace filters the matches).
    "fts_desk_body",
];
/// Tables that are not tenant-owned.
pub const GLOBAL_TABLES: &[&str] = &[
    "workspaces",
    "sessions",
    "login_throttle",
    "schema_migrations",
    "readiness_probe",
];

/// Returns the rule violations found in a PostgreSQL migration script.
pub fn violations(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let upper = script.to_uppercase();
    for banned in [
        "SERIAL",
        "SEQUENCE",
        "TRIGGER",
        "FUNCTION",
        "LISTEN",
        "NOTIFY",
        "PG_ADVISORY",
        "IDENTITY",
        " INT ",
        " INT,",
        "INT4",
        "INT8",
        "SMALLINT",
    ] {
        if upper.contains(banned) {
            out.push(format!("forbidden construct {}", banned.trim()));
        }
    }
    // Tenant-owned tables: their primary key leads with workspace_id.
    let mut table: Option<String> = None;
    for line in script.lines().map(str::trim) {
        let up = line.to_uppercase();
        if let Some(rest) = up.strip_prefix("CREATE TABLE ") {
            let name = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            table = Some(name);
        } else if up.starts_with("PRIMARY KEY (") {
            if let Some(t) = &table
                && !GLOBAL_TABLES.contains(&t.as_str())
                && !up.starts_with("PRIMARY KEY (WORKSPACE_ID")
            {
                out.push(format!(
                    "primary key of {t} does not lead with workspace_id"
                ));
            }
        } else if up.contains(" PRIMARY KEY") && !up.starts_with("PRIMARY KEY") {
            if let Some(t) = &table
                && !GLOBAL_TABLES.contains(&t.as_str())
            {
                out.push(format!("{t} has a single-column primary key"));
            }
        } else if up.starts_with("CREATE INDEX") || up.starts_with("CREATE UNIQUE INDEX") {
            let name = line.split_whitespace().find(|w| {
                let l = w.to_lowercase();
                l != "create" && l != "unique" && l != "index"
            });
            let name = name.unwrap_or("").to_string();
            let cols = line
                .split_once('(')
                .map(|(_, c)| c.trim().to_lowercase())
                .unwrap_or_default();
            let on_table = line
                .split(" ON ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap_or("");
            if !GLOBAL_INDEXES.contains(&name.as_str())
                && !GLOBAL_TABLES.contains(&on_table)
                && !cols.starts_with("workspace_id")
            {
                out.push(format!("index {name} does not lead with workspace_id"));
            }
        }
    }
    out
}

/// A script without its PostgreSQL-only blocks (`-- postgres-only begin` … `-- postgres-only
/// end`), as SQLite runs it: storage settings SQLite has no equivalent for (a table's fill
/// factor). Both engines' files keep the block, so they stay the same text.
pub fn postgres_only_removed(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut skipping = false;
    for line in script.split_inclusive('\n') {
        match line.trim() {
            "-- postgres-only begin" => skipping = true,
            "-- postgres-only end" => skipping = false,
            _ if !skipping => out.push_str(line),
            _ => {}
        }
    }
    out
}

/// A SQLite script without its SQLite-only blocks (`-- sqlite-only begin` … `-- sqlite-only end`):
/// statements that make SQLite behave as PostgreSQL already does (e.g. triggers that make an
/// overflowing integer fail instead of turning into REAL). Outside those blocks both scripts are
/// the same but for the UUID type.
pub fn sqlite_only_removed(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut skipping = false;
    for line in script.split_inclusive('\n') {
        match line.trim() {
            "-- sqlite-only begin" => skipping = true,
            "-- sqlite-only end" => skipping = false,
            _ if !skipping => out.push_str(line),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_migrations_follow_the_rules() {
        for (v, name, _, pg) in crate::migrate::MIGRATIONS {
            let problems = violations(pg);
            assert!(problems.is_empty(), "migration {v} {name}: {problems:?}");
        }
    }

    #[test]
    fn the_checker_catches_violations() {
        let bad = "CREATE TABLE things (\n workspace_id UUID NOT NULL,\n id BIGSERIAL,\n PRIMARY KEY (id, workspace_id)\n);\nCREATE INDEX things_id ON things (id);";
        let found = violations(bad);
        assert!(found.iter().any(|p| p.contains("SERIAL")));
        assert!(found.iter().any(|p| p.contains("primary key of things")));
        assert!(found.iter().any(|p| p.contains("things_id")));
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        for (_, _, lite, pg) in crate::migrate::MIGRATIONS {
            assert_eq!(
                sqlite_only_removed(lite).replace("BLOB", "UUID"),
                *pg,
                "SQLite script differs beyond the UUID type and its SQLite-only blocks"
            );
        }
    }

    #[test]
    fn sqlite_only_blocks_are_cut() {
        let s = "A;\n-- sqlite-only begin\nB;\n-- sqlite-only end\nC;\n";
        assert_eq!(sqlite_only_removed(s), "A;\nC;\n");
    }
}
