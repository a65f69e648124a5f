//! The portal module's rows of the permission table: what may be done with the client portal, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused. Staff have their own
//! pages for all of it; the portal is the contacts' window on their own organisation only.
use crate::ContactRole;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortalAction {
    /// The client portal's home: the contact's own organisation only.
    View,
    /// Their organisation's projects: deliverables, hours consumed, change requests.
    Projects,
    /// The money of those projects (budget and consumption in money).
    ProjectMoney,
    /// Time reports: date, person, note, duration (never cost or rates).
    TimeReport,
    /// Approve or reject a change request sent to the organisation.
    DecideChange,
    /// Invoices and credit notes, what each line bills, PDFs, payments and balance.
    Invoices,
}

impl PortalAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[PortalAction] = &[
        PortalAction::View,
        PortalAction::Projects,
        PortalAction::ProjectMoney,
        PortalAction::TimeReport,
        PortalAction::DecideChange,
        PortalAction::Invoices,
    ];

    /// Whether `who` may do this: project contacts follow the work and decide on scope, viewers
    /// see progress and hours only, billing contacts see what they pay.
    pub fn allowed(self, who: Principal) -> bool {
        use ContactRole::{Billing, Project, Viewer};
        let Principal::Contact(role) = who else {
            return false;
        };
        match self {
            PortalAction::View => matches!(role, Billing | Project | Viewer),
            PortalAction::Projects => matches!(role, Project | Viewer),
            PortalAction::ProjectMoney | PortalAction::TimeReport | PortalAction::DecideChange => {
                role == Project
            }
            PortalAction::Invoices => role == Billing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    #[test]
    fn each_contact_role_sees_its_part_and_staff_none() {
        let may = |r: ContactRole| -> Vec<PortalAction> {
            PortalAction::ALL
                .iter()
                .copied()
                .filter(|a| a.allowed(Principal::Contact(r)))
                .collect()
        };
        use PortalAction as A;
        assert_eq!(may(ContactRole::Billing), vec![A::View, A::Invoices]);
        assert_eq!(
            may(ContactRole::Project),
            vec![
                A::View,
                A::Projects,
                A::ProjectMoney,
                A::TimeReport,
                A::DecideChange
            ]
        );
        assert_eq!(may(ContactRole::Viewer), vec![A::View, A::Projects]);
        for r in [Role::Owner, Role::Manager, Role::Staff] {
            assert!(
                PortalAction::ALL
                    .iter()
                    .all(|a| !a.allowed(Principal::Staff(r)))
            );
        }
    }
}
