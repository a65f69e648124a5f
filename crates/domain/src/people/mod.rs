//! Staff roles, client-contact roles and the two UI languages.
pub mod costs;
pub mod permissions;
use serde::{Deserialize, Serialize};

/// A staff user's role in a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Staff,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Manager, Role::Staff];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

crate::projects::engagement::str_enum!(
    /// Who a login belongs to: a staff member of the workspace, or a client's contact.
    UserKind { Staff = "staff", Contact = "contact" }
);

/// What a client contact may see in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Invoices, payments and billing questions.
    Billing,
    /// Progress, deliverables and time reports.
    Project,
    /// Progress only, no finances.
    Viewer,
}

impl ContactRole {
    pub const ALL: [ContactRole; 3] = [
        ContactRole::Billing,
        ContactRole::Project,
        ContactRole::Viewer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Billing => "billing",
            ContactRole::Project => "project",
            ContactRole::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<ContactRole> {
        ContactRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
    }
}

/// The languages of the UI and of e-mails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Language::Fr),
            "en" => Some(Language::En),
            _ => None,
        }
    }
    /// Picks the first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                Some((q, i, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.iter()
            .filter(|(q, _, _)| *q > 0.0)
            .find_map(|(_, _, tag)| Language::parse(tag.split(['-', '_']).next().unwrap_or("")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Language::En)
        );
        assert_eq!(
            Language::from_accept_language("de-DE, fr-CA;q=0.7, en;q=0.5"),
            Some(Language::Fr)
        );
        assert_eq!(
            Language::from_accept_language("en;q=0.2, fr;q=0.9"),
            Some(Language::Fr)
        );
        assert_eq!(Language::from_accept_language("de, es"), None);
        assert_eq!(
            Language::from_accept_language("fr;q=0, en"),
            Some(Language::En)
        );
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for r in ContactRole::ALL {
            assert_eq!(ContactRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(Role, ContactRole, Language);
