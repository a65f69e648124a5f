//! What readers are shown of a login: never its password hash; store rows stay in services.
use mesure_domain::{Language, UserKind};
use mesure_store::people::users::UserRow;
use uuid::Uuid;

/// A login: a staff member, or a client contact's portal access.
#[derive(Clone, Debug)]
pub struct UserView {
    /// The workspace the login belongs to (logins are found by e-mail across workspaces).
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub kind: UserKind,
    /// A staff role (`owner`, `manager`, `staff`) or a contact role, as `kind` says.
    pub role: String,
    pub client_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// `None`: follows the browser, else the workspace.
    pub language: Option<Language>,
    /// Whether a password is set (an invited or imported person may have none yet).
    pub has_password: bool,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&UserRow> for UserView {
    fn from(u: &UserRow) -> Self {
        UserView {
            workspace_id: u.workspace_id,
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            kind: u.kind,
            role: u.role.clone(),
            client_id: u.client_id,
            contact_id: u.contact_id,
            language: u.language,
            has_password: u.password_hash.is_some(),
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        UserView::from(&u)
    }
}
