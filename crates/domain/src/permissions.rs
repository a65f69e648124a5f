//! The one permission table: who (a staff role or a contact role) may do what. Handlers and
//! services ask `Principal::may`; nothing checks roles inline.
use crate::{ContactRole, Role};

/// Everything a person can ask Mesure to do, at the granularity permissions are decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    ViewDashboard,
    ReadClients,
    WriteClients,
    ReadContacts,
    WriteContacts,
    /// Give or revoke a contact's portal login.
    ManagePortalAccess,
    ReadAudit,
    ExportAudit,
    ReadUsers,
    ManageUsers,
    ManageWorkspace,
    ReadJobs,
    /// Own profile, own password, own API tokens.
    ManageOwnAccount,
    /// The client portal: the contact's own organisation only.
    ViewPortal,
    /// Projects, deliverables and change requests (read).
    ReadProjects,
    /// Create and change projects, deliverables, milestones, change requests and rate cards.
    WriteProjects,
    /// Log, change and delete one's own time; run one's own timer.
    LogTime,
    /// Other people's time: approve weeks and free work, write off, import, capacity.
    ManageTime,
    /// The over-servicing radar: revenue, margin, concentration.
    ViewRadar,
}

/// Who is acting: a staff user with a role, or a client contact with a contact role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    Staff(Role),
    Contact(ContactRole),
}

impl Principal {
    /// The permission table.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Principal::Staff(Role::Owner) => action != ViewPortal,
            Principal::Staff(Role::Manager) => matches!(
                action,
                ViewDashboard
                    | ReadClients
                    | WriteClients
                    | ReadContacts
                    | WriteContacts
                    | ManagePortalAccess
                    | ReadAudit
                    | ExportAudit
                    | ReadUsers
                    | ReadJobs
                    | ManageOwnAccount
                    | ReadProjects
                    | WriteProjects
                    | LogTime
                    | ManageTime
                    | ViewRadar
            ),
            Principal::Staff(Role::Staff) => {
                matches!(
                    action,
                    ViewDashboard
                        | ReadClients
                        | ReadContacts
                        | ReadUsers
                        | ManageOwnAccount
                        | ReadProjects
                        | LogTime
                )
            }
            Principal::Contact(_) => matches!(action, ViewPortal | ManageOwnAccount),
        }
    }
    pub fn is_staff(self) -> bool {
        matches!(self, Principal::Staff(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let owner = Principal::Staff(Role::Owner);
        let manager = Principal::Staff(Role::Manager);
        let staff = Principal::Staff(Role::Staff);
        let contact = Principal::Contact(ContactRole::Billing);
        assert!(owner.may(Action::ManageWorkspace) && owner.may(Action::ManageUsers));
        assert!(!manager.may(Action::ManageWorkspace) && !manager.may(Action::ManageUsers));
        assert!(manager.may(Action::WriteClients) && manager.may(Action::ReadAudit));
        assert!(
            staff.may(Action::ReadClients)
                && !staff.may(Action::WriteClients)
                && !staff.may(Action::ReadAudit)
        );
        assert!(contact.may(Action::ViewPortal) && !contact.may(Action::ReadClients));
        assert!(!owner.may(Action::ViewPortal));
    }
}
