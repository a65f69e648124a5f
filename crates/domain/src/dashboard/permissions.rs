//! The dashboard module's rows of the permission table: what may be done with the home dashboard and one's notifications, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DashboardAction {
    /// The home dashboard and one's own notifications.
    View,
}

impl DashboardAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[DashboardAction] = &[DashboardAction::View];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (
                DashboardAction::View,
                Principal::Staff(Role::Owner | Role::Manager | Role::Staff),
            ) => true,
            _ => false,
        }
    }
}
