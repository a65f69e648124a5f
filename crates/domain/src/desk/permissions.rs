//! The desk module's rows of the permission table: who reads and works tickets, who sets the
//! desk up, and which contacts open and follow their organisation's tickets. Every row is
//! explicit, owners' included; anything not listed is refused.
use crate::permissions::Principal;
use crate::{ContactRole, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeskAction {
    /// The ticket lists, a ticket with its thread, notes and SLA explanation, the service KPIs.
    Read,
    /// Open tickets for a client, reply, write notes, move status, assign, transfer, escalate,
    /// merge, log time and abandoned contacts.
    Work,
    /// SLA policies, categories, canned replies and the desk's settings.
    Manage,
    /// A contact opens tickets and follows their organisation's (billing errors: billing
    /// contacts only), replies and rates them.
    Request,
}

impl DeskAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[DeskAction] = &[
        DeskAction::Read,
        DeskAction::Work,
        DeskAction::Manage,
        DeskAction::Request,
    ];

    /// Whether `who` may do this: every staff member works the desk, owners and managers set it
    /// up, every contact asks for help.
    pub fn allowed(self, who: Principal) -> bool {
        match (self, who) {
            (DeskAction::Read | DeskAction::Work, Principal::Staff(_)) => true,
            (DeskAction::Manage, Principal::Staff(r)) => matches!(r, Role::Owner | Role::Manager),
            (DeskAction::Request, Principal::Contact(r)) => matches!(
                r,
                ContactRole::Billing | ContactRole::Project | ContactRole::Viewer
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_work_the_desk_leads_set_it_up_contacts_ask() {
        for p in Principal::ALL {
            assert_eq!(p.may(DeskAction::Read), p.is_staff(), "{p:?}");
            assert_eq!(p.may(DeskAction::Work), p.is_staff(), "{p:?}");
            assert_eq!(
                p.may(DeskAction::Manage),
                matches!(p, Principal::Staff(Role::Owner | Role::Manager)),
                "{p:?}"
            );
            assert_eq!(p.may(DeskAction::Request), !p.is_staff(), "{p:?}");
        }
    }
}
