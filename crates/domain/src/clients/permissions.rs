//! The clients module's rows of the permission table: what may be done with client organisations and their contacts, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientsAction {
    /// Client organisations (read).
    Read,
    /// Create, change, archive and delete client organisations.
    Write,
    /// Contacts of the clients (read).
    ReadContacts,
    /// Create, change and archive contacts.
    WriteContacts,
    /// Give or revoke a contact's portal login.
    ManagePortalAccess,
}

impl ClientsAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[ClientsAction] = &[
        ClientsAction::Read,
        ClientsAction::Write,
        ClientsAction::ReadContacts,
        ClientsAction::WriteContacts,
        ClientsAction::ManagePortalAccess,
    ];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (ClientsAction::Read, Principal::Staff(Role::Owner | Role::Manager | Role::Staff)) => {
                true
            }
            (ClientsAction::Write, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (
                ClientsAction::ReadContacts,
                Principal::Staff(Role::Owner | Role::Manager | Role::Staff),
            ) => true,
            (ClientsAction::WriteContacts, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (ClientsAction::ManagePortalAccess, Principal::Staff(Role::Owner | Role::Manager)) => {
                true
            }
            _ => false,
        }
    }
}
