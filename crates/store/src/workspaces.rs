//! Workspaces (tenants) and their settings.
use crate::{Conn, Result, StoreError};
use mesure_domain::WorkspaceId;
use mesure_domain::{Currency, Language};
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, sqlx::FromRow)]
pub struct WorkspaceRow {
    pub id: Uuid,
    pub name: String,
    pub currency: Currency,
    pub time_zone: String,
    pub language: Language,
    pub mail_from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i32>,
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}
}

impl std::fmt::Debug for WorkspaceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceRow")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("smtp_host", &self.smtp_host)
            .field(
                "smtp_password",
                &self.smtp_password.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

macro_rules! sql_cols {
    () => {
        "id, name, currency, time_zone, language, mail_from, smtp_host, smtp_port, smtp_tls, smtp_username, smtp_password, created_at, updated_at"
    };
}

pub async fn insert(c: &mut Conn<'_>, w: &WorkspaceRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(w.id),
                crate::Bind::from(&w.name),
                crate::Bind::from(w.currency),
                crate::Bind::from(&w.time_zone),
                crate::Bind::from(w.language),
                crate::Bind::from(&w.mail_from),
                crate::Bind::from(&w.smtp_host),
                crate::Bind::from(w.smtp_port),
                crate::Bind::from(&w.smtp_tls),
                crate::Bind::from(&w.smtp_username),
                crate::Bind::from(&w.smtp_password),
                crate::Bind::from(w.created_at),
                crate::Bind::from(w.updated_at),
            ],
        )
        .await?;
    Ok(())
}

pub async fn get(c: &mut Conn<'_>, id: WorkspaceId) -> Result<WorkspaceRow> {
    GET.fetch_optional::<WorkspaceRow>(c, &[crate::Bind::from(id.uuid())])
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn list(c: &mut Conn<'_>) -> Result<Vec<WorkspaceRow>> {
    LIST.fetch::<WorkspaceRow>(c, &[]).await
}

pub async fn update(c: &mut Conn<'_>, w: &WorkspaceRow) -> Result<()> {
    let n = UPDATE
        .exec(
            c,
            &[
                crate::Bind::from(w.id),
                crate::Bind::from(&w.name),
                crate::Bind::from(w.currency),
                crate::Bind::from(&w.time_zone),
                crate::Bind::from(w.language),
                crate::Bind::from(&w.mail_from),
                crate::Bind::from(&w.smtp_host),
                crate::Bind::from(w.smtp_port),
                crate::Bind::from(&w.smtp_tls),
                crate::Bind::from(&w.smtp_username),
                crate::Bind::from(&w.smtp_password),
                crate::Bind::from(w.updated_at),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

crate::registry::statements! {
    INSERT(13) [] = concat!("INSERT INTO workspaces (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
    GET(1) ["id", "name", "currency", "time_zone", "language", "mail_from", "smtp_host", "smtp_port", "smtp_tls", "smtp_username", "smtp_password", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM workspaces WHERE id = $1");
    LIST(0) ["id", "name", "currency", "time_zone", "language", "mail_from", "smtp_host", "smtp_port", "smtp_tls", "smtp_username", "smtp_password", "created_at", "updated_at"] = concat!("SELECT ", sql_cols!(), " FROM workspaces ORDER BY created_at");
    UPDATE(12) [] = "UPDATE workspaces SET name = $2, currency = $3, time_zone = $4, language = $5, mail_from = $6, smtp_host = $7, smtp_port = $8, smtp_tls = $9, smtp_username = $10, smtp_password = $11, updated_at = $12 WHERE id = $1";
}
