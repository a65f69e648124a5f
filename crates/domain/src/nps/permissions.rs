//! The nps module's rows of the permission table: who reads satisfaction, who runs the surveys,
//! who answers them. Every row is explicit, owners' included; anything not listed is refused.
use crate::permissions::Principal;
use crate::{ContactRole, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NpsAction {
    /// NPS results and the satisfaction-vs-margin view (margins: radar readers only).
    Read,
    /// Survey schedules and recipients, the optimal band, sending a survey now.
    Manage,
    /// Answer one's own survey in the portal.
    Answer,
}

impl NpsAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[NpsAction] = &[NpsAction::Read, NpsAction::Manage, NpsAction::Answer];

    /// Whether `who` may do this: owners and managers read and run surveys (the view is made of
    /// margins, as the radar is), every contact answers their own.
    pub fn allowed(self, who: Principal) -> bool {
        match (self, who) {
            (NpsAction::Read | NpsAction::Manage, Principal::Staff(r)) => {
                matches!(r, Role::Owner | Role::Manager)
            }
            (NpsAction::Answer, Principal::Contact(r)) => {
                matches!(
                    r,
                    ContactRole::Billing | ContactRole::Project | ContactRole::Viewer
                )
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_run_surveys_and_contacts_answer() {
        for p in Principal::ALL {
            let staff_lead = matches!(p, Principal::Staff(Role::Owner | Role::Manager));
            assert_eq!(p.may(NpsAction::Read), staff_lead, "{p:?}");
            assert_eq!(p.may(NpsAction::Manage), staff_lead, "{p:?}");
            assert_eq!(p.may(NpsAction::Answer), !p.is_staff(), "{p:?}");
        }
    }
}
