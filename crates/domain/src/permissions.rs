//! The one permission table, gathered: each module owns its actions and their rows (in
//! `<module>/permissions.rs`); this file only joins them. Handlers and services ask
//! `Principal::may`; nothing checks roles inline.
use crate::audit::permissions::AuditAction;
use crate::clients::permissions::ClientsAction;
use crate::dashboard::permissions::DashboardAction;
use crate::desk::permissions::DeskAction;
use crate::invoicing::permissions::InvoicingAction;
use crate::nps::permissions::NpsAction;
use crate::people::permissions::PeopleAction;
use crate::portal::permissions::PortalAction;
use crate::projects::permissions::ProjectsAction;
use crate::radar::permissions::RadarAction;
use crate::settings::permissions::SettingsAction;
use crate::time::permissions::TimeAction;
use crate::{ContactRole, Role};

/// Declares `Action` with one variant per module and what joins them: `From` each module's
/// enum, the table lookup, and the list of every action.
macro_rules! gather {
    ($($variant:ident($module:ident)),* $(,)?) => {
        /// Everything a person can ask Mesure to do, by module.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant($module),)*
        }

        $(impl From<$module> for Action {
            fn from(a: $module) -> Action {
                Action::$variant(a)
            }
        })*

        impl Action {
            /// Whether `who` may do this: the owning module's rows decide.
            fn allowed(self, who: Principal) -> bool {
                match self {
                    $(Action::$variant(a) => a.allowed(who),)*
                }
            }

            /// Every action of every module.
            pub fn all() -> Vec<Action> {
                let mut v = Vec::new();
                $(v.extend($module::ALL.iter().map(|a| Action::$variant(*a)));)*
                v
            }
        }
    };
}

gather!(
    Audit(AuditAction),
    Clients(ClientsAction),
    Dashboard(DashboardAction),
    Desk(DeskAction),
    Invoicing(InvoicingAction),
    Nps(NpsAction),
    People(PeopleAction),
    Portal(PortalAction),
    Projects(ProjectsAction),
    Radar(RadarAction),
    Settings(SettingsAction),
    Time(TimeAction),
);

/// Who is acting: a staff user with a role, or a client contact with a contact role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    Staff(Role),
    Contact(ContactRole),
}

impl Principal {
    /// Every principal, for the table's tests and its documentation.
    pub const ALL: [Principal; 6] = [
        Principal::Staff(Role::Owner),
        Principal::Staff(Role::Manager),
        Principal::Staff(Role::Staff),
        Principal::Contact(ContactRole::Billing),
        Principal::Contact(ContactRole::Project),
        Principal::Contact(ContactRole::Viewer),
    ];

    /// The permission table.
    pub fn may(self, action: impl Into<Action>) -> bool {
        action.into().allowed(self)
    }
    pub fn is_staff(self) -> bool {
        matches!(self, Principal::Staff(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Invariants every module's rows keep: an owner may do whatever a manager may, a manager
    /// whatever staff may; every action is allowed to someone.
    #[test]
    fn roles_nest_and_no_action_is_dead() {
        for a in Action::all() {
            let may = |r: Role| Principal::Staff(r).may(a);
            assert!(!may(Role::Manager) || may(Role::Owner), "{a:?}");
            assert!(!may(Role::Staff) || may(Role::Manager), "{a:?}");
            assert!(Principal::ALL.iter().any(|p| p.may(a)), "{a:?}: nobody");
        }
    }

    /// Whoever edits projects or rates, or reads the radar, sees money: an edit form without the
    /// amounts would save them blank, and the radar is made of money.
    #[test]
    fn editors_and_radar_readers_see_money() {
        for p in Principal::ALL {
            if p.may(ProjectsAction::Write) || p.may(RadarAction::View) {
                assert!(p.may(ProjectsAction::ReadMoney), "{p:?}");
            }
        }
    }

    /// The rows of the first modules, as the table stood before it was split: owners everything
    /// but the portal, managers all but users and workspace settings, staff read and log their
    /// own time, contacts their portal and their own account.
    #[test]
    fn table() {
        use ClientsAction as C;
        use PeopleAction as P;
        use SettingsAction as S;
        let staff_may: Vec<Action> = vec![
            DashboardAction::View.into(),
            C::Read.into(),
            C::ReadContacts.into(),
            P::ReadUsers.into(),
            P::ManageOwnAccount.into(),
            ProjectsAction::Read.into(),
            TimeAction::Log.into(),
        ];
        let portal: Action = PortalAction::View.into();
        let first: Vec<Action> = [
            AuditAction::ALL
                .iter()
                .map(|a| Action::Audit(*a))
                .collect::<Vec<_>>(),
            C::ALL.iter().map(|a| Action::Clients(*a)).collect(),
            DashboardAction::ALL
                .iter()
                .map(|a| Action::Dashboard(*a))
                .collect(),
            P::ALL.iter().map(|a| Action::People(*a)).collect(),
            // The portal's own rows are tested in its module; here its home only.
            vec![portal],
            ProjectsAction::ALL
                .iter()
                .map(|a| Action::Projects(*a))
                .collect(),
            RadarAction::ALL.iter().map(|a| Action::Radar(*a)).collect(),
            S::ALL.iter().map(|a| Action::Settings(*a)).collect(),
            TimeAction::ALL.iter().map(|a| Action::Time(*a)).collect(),
        ]
        .concat();
        assert_eq!(first.len(), 20);
        for a in first {
            let owner = Principal::Staff(Role::Owner).may(a);
            let manager = Principal::Staff(Role::Manager).may(a);
            let staff = Principal::Staff(Role::Staff).may(a);
            assert_eq!(owner, a != portal, "owner {a:?}");
            let owner_only = [S::ManageWorkspace.into(), P::ManageUsers.into(), portal];
            assert_eq!(manager, !owner_only.contains(&a), "manager {a:?}");
            assert_eq!(staff, staff_may.contains(&a), "staff {a:?}");
            for role in [
                ContactRole::Billing,
                ContactRole::Project,
                ContactRole::Viewer,
            ] {
                assert_eq!(
                    Principal::Contact(role).may(a),
                    a == portal || a == P::ManageOwnAccount.into(),
                    "{role:?} {a:?}"
                );
            }
        }
    }
}
