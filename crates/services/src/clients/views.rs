//! What a staff reader is shown of client organisations and their contacts; store rows stay in
//! services. (A contact reading the portal sees `PortalOrganisation`, never these.)
use mesure_domain::{ContactRole, Currency, Language};
use mesure_store::clients::ClientRow;
use mesure_store::clients::contacts::ContactRow;
use mesure_store::{Cursor, Sort};
use uuid::Uuid;

/// A client organisation.
#[derive(Clone, Debug)]
pub struct ClientView {
    pub id: Uuid,
    pub name: String,
    /// For ordering and cursors.
    pub name_key: String,
    pub legal_name: Option<String>,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
    pub billing_address: Option<String>,
    pub currency: Currency,
    pub language: Language,
    pub time_zone: String,
    pub segment: Option<String>,
    /// Internal notes (staff only).
    pub notes: Option<String>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

impl From<ClientRow> for ClientView {
    fn from(r: ClientRow) -> Self {
        ClientView {
            id: r.id,
            name: r.name,
            name_key: r.name_key,
            legal_name: r.legal_name,
            siren: r.siren,
            vat_number: r.vat_number,
            billing_address: r.billing_address,
            currency: r.currency,
            language: r.language,
            time_zone: r.time_zone,
            segment: r.segment,
            notes: r.notes,
            archived_at: r.archived_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

impl ClientView {
    /// Its position in a list sorted by `sort`, for the next page's cursor.
    pub fn cursor(&self, sort: Sort) -> Cursor {
        Cursor::at(sort, &self.name_key, self.created_at, self.id)
    }
}

/// A client's contact.
#[derive(Clone, Debug)]
pub struct ContactView {
    pub id: Uuid,
    pub client_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// For ordering and cursors.
    pub sort_key: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub contact_role: ContactRole,
    pub language: Language,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}

impl From<ContactRow> for ContactView {
    fn from(r: ContactRow) -> Self {
        ContactView {
            id: r.id,
            client_id: r.client_id,
            first_name: r.first_name,
            last_name: r.last_name,
            sort_key: r.sort_key,
            email: r.email,
            phone: r.phone,
            job_title: r.job_title,
            contact_role: r.contact_role,
            language: r.language,
            archived_at: r.archived_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

impl ContactView {
    /// Its position in a list sorted by `sort`, for the next page's cursor.
    pub fn cursor(&self, sort: Sort) -> Cursor {
        Cursor::at(sort, &self.sort_key, self.created_at, self.id)
    }
}
