//! The portal module's rows of the permission table: what may be done with the client portal, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::ContactRole;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortalAction {
    /// The client portal: the contact's own organisation only.
    View,
}

impl PortalAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[PortalAction] = &[PortalAction::View];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (
                PortalAction::View,
                Principal::Contact(
                    ContactRole::Billing | ContactRole::Project | ContactRole::Viewer,
                ),
            ) => true,
            _ => false,
        }
    }
}
