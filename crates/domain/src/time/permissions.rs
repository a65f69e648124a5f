//! The time module's rows of the permission table: what may be done with time, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeAction {
    /// Log, change and delete one's own time; run one's own timer.
    Log,
    /// Other people's time: approve weeks and free work, write off, import, capacity.
    Manage,
}

impl TimeAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[TimeAction] = &[TimeAction::Log, TimeAction::Manage];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (TimeAction::Log, Principal::Staff(Role::Owner | Role::Manager | Role::Staff)) => true,
            (TimeAction::Manage, Principal::Staff(Role::Owner | Role::Manager)) => true,
            _ => false,
        }
    }
}
