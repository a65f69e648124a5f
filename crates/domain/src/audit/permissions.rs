//! The audit module's rows of the permission table: what may be done with the audit log, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// The audit log and each record's history.
    Read,
    /// Export the audit log as CSV.
    Export,
}

impl AuditAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[AuditAction] = &[AuditAction::Read, AuditAction::Export];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (AuditAction::Read, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (AuditAction::Export, Principal::Staff(Role::Owner | Role::Manager)) => true,
            _ => false,
        }
    }
}
