//! The radar module's rows of the permission table: what may be done with the over-servicing radar, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RadarAction {
    /// The over-servicing radar: revenue, margin, concentration.
    View,
}

impl RadarAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[RadarAction] = &[RadarAction::View];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (RadarAction::View, Principal::Staff(Role::Owner | Role::Manager)) => true,
            _ => false,
        }
    }
}
