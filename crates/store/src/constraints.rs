//! The schema's unique indexes by name, so a violation is named the same on both engines.
//!
//! PostgreSQL reports the index's name; SQLite only its columns
//! ("UNIQUE constraint failed: clients.workspace_id, clients.name_key"). [`name_of`] turns either
//! into the name below, which the services map to a message (`services::conflicts`). A test
//! checks that this list is exactly the unique indexes of both migrated schemas.

/// A unique index: its name and what it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unique {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
}

/// Every unique index of the schema (primary keys aside, which are named `<table>_pkey`).
pub const UNIQUES: &[Unique] = &[
    Unique {
        name: "users_email_key",
        table: "users",
        columns: &["email"],
    },
    Unique {
        name: "api_tokens_hash_key",
        table: "api_tokens",
        columns: &["token_hash"],
    },
    Unique {
        name: "password_resets_hash_key",
        table: "password_resets",
        columns: &["token_hash"],
    },
    Unique {
        name: "clients_name_key",
        table: "clients",
        columns: &["workspace_id", "name_key"],
    },
    Unique {
        name: "projects_name_key",
        table: "projects",
        columns: &["workspace_id", "client_id", "name_key"],
    },
    Unique {
        name: "deliverables_name_key",
        table: "deliverables",
        columns: &["workspace_id", "project_id", "name_key"],
    },
    Unique {
        name: "imports_running",
        table: "imports",
        columns: &["workspace_id"],
    },
    Unique {
        name: "invoices_number_key",
        table: "invoices",
        columns: &["workspace_id", "kind", "number"],
    },
    Unique {
        name: "invoice_items_billed_once",
        table: "invoice_items",
        columns: &["workspace_id", "kind", "ref_id", "month"],
    },
    Unique {
        name: "nps_invitations_token",
        table: "nps_invitations",
        columns: &["token_hash"],
    },
    Unique {
        name: "nps_invitations_round",
        table: "nps_invitations",
        columns: &["workspace_id", "contact_id", "round_on"],
    },
    Unique {
        name: "desk_tickets_number",
        table: "desk_tickets",
        columns: &["workspace_id", "number"],
    },
    Unique {
        name: "desk_csat_token",
        table: "desk_csat",
        columns: &["token_hash"],
    },
    Unique {
        name: "desk_settings_form_key",
        table: "desk_settings",
        columns: &["form_key"],
    },
    Unique {
        name: "desk_saved_views_name",
        table: "desk_saved_views",
        columns: &["workspace_id", "user_id", "name"],
    },
    Unique {
        name: "desk_inbound_message",
        table: "desk_inbound",
        columns: &["workspace_id", "message_id"],
    },
];

/// The name of the unique index a violation broke: PostgreSQL's constraint name as it is,
/// SQLite's `table.column, …` list looked up in [`UNIQUES`] (a primary key or an index not in
/// the list becomes `<table>_pkey` or `<table>(<columns>)`).
pub fn name_of(db: &dyn sqlx::error::DatabaseError) -> String {
    if let Some(name) = db.constraint() {
        return name.to_string();
    }
    let message = db.message();
    let list = message.rsplit(": ").next().unwrap_or(message);
    let mut table = "";
    let mut columns = Vec::new();
    for part in list.split(", ") {
        let (t, c) = part.split_once('.').unwrap_or(("", part));
        table = t;
        columns.push(c.trim());
    }
    match UNIQUES
        .iter()
        .find(|u| u.table == table && u.columns == columns.as_slice())
    {
        Some(u) => u.name.to_string(),
        None if columns.last() == Some(&"id") => format!("{table}_pkey"),
        None => format!("{table}({})", columns.join(", ")),
    }
}
