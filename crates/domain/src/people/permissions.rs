//! The people module's rows of the permission table: what may be done with people: users and one's own account, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::permissions::Principal;
use crate::{ContactRole, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeopleAction {
    /// The staff users of the workspace.
    ReadUsers,
    /// Add staff users, change their role, deactivate them.
    ManageUsers,
    /// Own profile, own password, own API tokens.
    ManageOwnAccount,
}

impl PeopleAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[PeopleAction] = &[
        PeopleAction::ReadUsers,
        PeopleAction::ManageUsers,
        PeopleAction::ManageOwnAccount,
    ];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (
                PeopleAction::ReadUsers,
                Principal::Staff(Role::Owner | Role::Manager | Role::Staff),
            ) => true,
            (PeopleAction::ManageUsers, Principal::Staff(Role::Owner)) => true,
            (
                PeopleAction::ManageOwnAccount,
                Principal::Staff(Role::Owner | Role::Manager | Role::Staff),
            ) => true,
            (
                PeopleAction::ManageOwnAccount,
                Principal::Contact(
                    ContactRole::Billing | ContactRole::Project | ContactRole::Viewer,
                ),
            ) => true,
            _ => false,
        }
    }
}
