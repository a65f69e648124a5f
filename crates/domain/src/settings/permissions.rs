//! The settings module's rows of the permission table: what may be done with the workspace's settings and background jobs, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettingsAction {
    /// The workspace's name, currency, time zone, language and e-mail settings.
    ManageWorkspace,
    /// Background jobs: their state, and retrying dead ones.
    ReadJobs,
}

impl SettingsAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[SettingsAction] = &[SettingsAction::ManageWorkspace, SettingsAction::ReadJobs];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (SettingsAction::ManageWorkspace, Principal::Staff(Role::Owner)) => true,
            (SettingsAction::ReadJobs, Principal::Staff(Role::Owner | Role::Manager)) => true,
            _ => false,
        }
    }
}
