//! The projects module's rows of the permission table: what may be done with projects and their scope, and by whom.
//! Every row is explicit, owners' included; anything not listed is refused.
use crate::Role;
use crate::permissions::Principal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectsAction {
    /// Projects, deliverables and change requests (read).
    Read,
    /// Create and change projects, deliverables, milestones, change requests and rate cards.
    Write,
    /// The money of projects and their work: rates, prices, fees, budgets in money, value,
    /// revenue, cost and margin. Services leave these figures out of the views they return to
    /// readers without it (issue 9 §5), so no page, API answer or CSV can show them.
    ReadMoney,
}

impl ProjectsAction {
    /// Every action of the module (the permission table's tests walk them).
    pub const ALL: &[ProjectsAction] = &[
        ProjectsAction::Read,
        ProjectsAction::Write,
        ProjectsAction::ReadMoney,
    ];

    /// Whether `who` may do this.
    pub fn allowed(self, who: Principal) -> bool {
        #[allow(clippy::match_like_matches_macro)]
        match (self, who) {
            (ProjectsAction::Read, Principal::Staff(Role::Owner | Role::Manager | Role::Staff)) => {
                true
            }
            (ProjectsAction::Write, Principal::Staff(Role::Owner | Role::Manager)) => true,
            (ProjectsAction::ReadMoney, Principal::Staff(Role::Owner | Role::Manager)) => true,
            _ => false,
        }
    }
}
