//! Contacts of client organisations.
use crate::listing::{self, Listed, Table};
use crate::{
    ArchiveFilter, Bind, Conn, Cursor, CursorKey, Result, Sort, StoreError, bind_all, like_pattern,
    on,
};
use mesure_domain::{ClientId, ContactId, WorkspaceId};
use mesure_domain::{ContactRole, Language};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct ContactRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub client_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub sort_key: String,
    pub search_key: String,
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

impl ContactRow {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        let key = match sort {
            Sort::NameAsc | Sort::NameDesc => CursorKey::Text(self.sort_key.clone()),
            Sort::CreatedAsc | Sort::CreatedDesc => CursorKey::Int(self.created_at),
        };
        Cursor { key, id: self.id }
    }
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, client_id, first_name, last_name, sort_key, search_key, email, phone, job_title, contact_role, language, archived_at, created_at, updated_at, version"
    };
}
const COLS: &str = sql_cols!();

pub async fn insert(c: &mut Conn<'_>, r: &ContactRow) -> Result<()> {
    INSERT
        .exec(
            c,
            &[
                crate::Bind::from(r.workspace_id),
                crate::Bind::from(r.id),
                crate::Bind::from(r.client_id),
                crate::Bind::from(&r.first_name),
                crate::Bind::from(&r.last_name),
                crate::Bind::from(&r.sort_key),
                crate::Bind::from(&r.search_key),
                crate::Bind::from(&r.email),
                crate::Bind::from(&r.phone),
                crate::Bind::from(&r.job_title),
                crate::Bind::from(r.contact_role),
                crate::Bind::from(r.language),
                crate::Bind::from(r.archived_at),
                crate::Bind::from(r.created_at),
                crate::Bind::from(r.updated_at),
                crate::Bind::from(r.version),
            ],
        )
        .await?;
    Ok(())
}

pub async fn update(c: &mut Conn<'_>, r: &ContactRow, expected_version: i32) -> Result<()> {
    let n = UPDATE
        .exec(
            c,
            &[
                crate::Bind::from(r.workspace_id),
                crate::Bind::from(r.id),
                crate::Bind::from(&r.first_name),
                crate::Bind::from(&r.last_name),
                crate::Bind::from(&r.sort_key),
                crate::Bind::from(&r.search_key),
                crate::Bind::from(&r.email),
                crate::Bind::from(&r.phone),
                crate::Bind::from(&r.job_title),
                crate::Bind::from(r.contact_role),
                crate::Bind::from(r.language),
                crate::Bind::from(r.archived_at),
                crate::Bind::from(r.updated_at),
                crate::Bind::from(expected_version),
            ],
        )
        .await?;
    if n == 0 {
        Err(StoreError::Conflict("version".into()))
    } else {
        Ok(())
    }
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ContactId) -> Result<ContactRow> {
    GET.fetch_optional::<ContactRow>(
        c,
        &[crate::Bind::from(ws.uuid()), crate::Bind::from(id.uuid())],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub client: Option<ClientId>,
    pub search: Option<String>,
    pub archive: ArchiveFilter,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: i64,
}

fn filters(ws: WorkspaceId, q: &ListQuery, binds: &mut Vec<Bind>) -> String {
    binds.push(Bind::Uuid(ws.uuid()));
    let mut sql = format!(" WHERE workspace_id = $1{}", q.archive.sql());
    if let Some(client) = q.client {
        binds.push(Bind::Uuid(client.uuid()));
        sql.push_str(&format!(" AND client_id = ${}", binds.len()));
    }
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        binds.push(Bind::Text(like_pattern(s)));
        sql.push_str(&format!(
            " AND search_key LIKE ${} ESCAPE '\\'",
            binds.len()
        ));
    }
    sql
}

/// A page, whether more follow, and (when asked) the number matching the filters. On SQLite the
const TABLE: Table<'static> = Table {
    name: "contacts",
    cols: COLS,
    uuid_cols: &["workspace_id", "id", "client_id"],
    text_col: "sort_key",
};

impl Listed for ContactRow {
    fn text_key(&self) -> &str {
        &self.sort_key
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn row_id(&self) -> Uuid {
        self.id
    }
}

async fn page(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &ListQuery,
    with_count: bool,
) -> Result<(Vec<ContactRow>, bool, Option<i64>)> {
    let mut binds = Vec::new();
    let where_sql = filters(ws, q, &mut binds);
    listing::page(
        c,
        &TABLE,
        &where_sql,
        binds,
        q.sort,
        q.after.as_ref(),
        q.limit,
        with_count,
    )
    .await
}

/// A page and whether more follow.
pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &ListQuery,
) -> Result<(Vec<ContactRow>, bool)> {
    let (rows, more, _) = page(c, ws, q, false).await?;
    Ok((rows, more))
}

/// A page, whether more follow, and how many match the filters.
pub async fn list_counted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &ListQuery,
) -> Result<(Vec<ContactRow>, bool, i64)> {
    let (rows, more, total) = page(c, ws, q, true).await?;
    Ok((rows, more, total.unwrap_or(0)))
}

pub async fn count(c: &mut Conn<'_>, ws: WorkspaceId, q: &ListQuery) -> Result<i64> {
    let mut binds = Vec::new();
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contacts{}",
        filters(ws, q, &mut binds)
    );
    Ok(
        on!(c, c => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())), &binds).fetch_one(&mut **c).await)?,
    )
}

crate::registry::statements! {
    INSERT(16) [] = concat!("INSERT INTO contacts (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");
    GET(2) ["workspace_id", "id", "client_id", "first_name", "last_name", "sort_key", "search_key", "email", "phone", "job_title", "contact_role", "language", "archived_at", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_cols!(), " FROM contacts WHERE workspace_id = $1 AND id = $2");
    UPDATE(14) [] = "UPDATE contacts SET first_name = $3, last_name = $4, sort_key = $5, search_key = $6, email = $7, phone = $8, job_title = $9, contact_role = $10, language = $11, archived_at = $12, updated_at = $13, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $14";
}
