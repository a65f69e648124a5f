//! One table from a conflict's name to what the reader is told: the unique indexes of the schema
//! (named alike on both engines, see `mesure_store::constraints`), a stale `version` and a state
//! a guarded update no longer found.

/// What a conflict becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A 409 with this message key.
    Conflict(&'static str),
    /// A 422 on this field with this message key.
    Field(&'static str, &'static str),
}

/// Conflict name → what is shown. A name not here is a plain `err-conflict`.
pub const CONFLICTS: &[(&str, Shown)] = &[
    ("version", Shown::Conflict("err-stale")),
    (
        "clients_name_key",
        Shown::Conflict("err-conflict-client-name"),
    ),
    (
        "projects_name_key",
        Shown::Conflict("err-conflict-project-name"),
    ),
    (
        "deliverables_name_key",
        Shown::Conflict("err-conflict-deliverable-name"),
    ),
    // Logins are global: the address may be another workspace's. Answer as for any unusable
    // address (no cross-tenant enumeration); the server log says more.
    (
        "users_email_key",
        Shown::Field("email", "err-email-unusable"),
    ),
    ("imports_running", Shown::Conflict("err-import-running")),
    ("user_has_email", Shown::Conflict("err-user-has-email")),
    // Hashes of 32 random bytes: a collision is not expected, and would be a plain conflict.
    ("api_tokens_hash_key", Shown::Conflict("err-conflict")),
    ("password_resets_hash_key", Shown::Conflict("err-conflict")),
    // A fresh random token meeting another's hash, and one invitation per contact and round
    // (inserts skip the round instead): neither reaches anyone in practice.
    ("nps_invitations_token", Shown::Conflict("err-conflict")),
    ("nps_invitations_round", Shown::Conflict("err-conflict")),
    // Numbers come from a locked counter row: a duplicate would be a bug, refused all the same.
    ("invoices_number_key", Shown::Conflict("err-conflict")),
    ("desk_tickets_number", Shown::Conflict("err-conflict")),
    ("desk_csat_token", Shown::Conflict("err-conflict")),
    ("desk_inbound_message", Shown::Conflict("err-conflict")),
    ("desk_settings_form_key", Shown::Conflict("err-conflict")),
    (
        "desk_saved_views_name",
        Shown::Field("name", "err-desk-view-taken"),
    ),
    // Two drafts cannot take the same entry, milestone, month or change request.
    (
        "invoice_items_billed_once",
        Shown::Conflict("err-invoice-work-taken"),
    ),
    (
        "change_requests_status",
        Shown::Conflict("err-change-decided"),
    ),
];

/// What the conflict named `name` shows.
pub fn shown(name: &str) -> Shown {
    CONFLICTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Shown::Conflict("err-conflict"), |(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unique_index_of_the_schema_has_its_message() {
        for u in mesure_store::constraints::UNIQUES {
            assert!(
                CONFLICTS.iter().any(|(n, _)| *n == u.name),
                "{} has no entry in CONFLICTS",
                u.name
            );
        }
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        for (_, s) in CONFLICTS {
            let key = match s {
                Shown::Conflict(k) | Shown::Field(_, k) => k,
            };
            for lang in [mesure_domain::Language::Fr, mesure_domain::Language::En] {
                assert_ne!(mesure_i18n::t(lang, key), *key, "{key} in {lang:?}");
            }
        }
    }
}
