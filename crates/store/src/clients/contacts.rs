//! Contacts of client organisations.
use crate::listing::{self, Filter, Listed, PageKey, Table};
use crate::registry::Variants;
use crate::{ArchiveFilter, Bind, Conn, Cursor, Result, Sort, StoreError, like_pattern};
use mesure_domain::{ClientId, ContactId, WorkspaceId};
use mesure_domain::{ContactRole, Language};
use uuid::Uuid;

crate::registry::row! {
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
}

impl ContactRow {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        Cursor::at(sort, &self.sort_key, self.created_at, self.id)
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

/// The shape of a query's filters (client, search) and their binds.
fn filters(ws: WorkspaceId, q: &ListQuery) -> (Filter<2>, Vec<Bind>) {
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Filter::of(
        ws,
        q.archive,
        [
            q.client.map(|cl| Bind::Uuid(cl.uuid())),
            search.map(|s| Bind::Text(like_pattern(s))),
        ],
    )
}

const TABLE: Table<2> = Table {
    name: "contacts",
    cols: COLS,
    uuid_cols: &["workspace_id", "id", "client_id"],
    text_col: "sort_key",
    scope: "",
    conds: [" AND client_id = ?", " AND search_key LIKE ? ESCAPE '\\'"],
};

crate::registry::family! {
    /// A page of the contact list, per filter shape, sort, cursor and form.
    PAGES: PageKey<Filter<2>> = || listing::page_keys(Filter::all()), |k| listing::page_sql(&TABLE, k);
}
crate::registry::family! {
    /// How many contacts match, per filter shape.
    COUNTS: Filter<2> = Filter::all, |f| listing::count_sql(&TABLE, f);
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[&PAGES, &COUNTS];

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
    let (filter, binds) = filters(ws, q);
    listing::page(
        c,
        &PAGES,
        &COUNTS,
        filter,
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
    let (filter, binds) = filters(ws, q);
    listing::count(c, &COUNTS, filter, &binds).await
}

crate::registry::statements! {
    INSERT(16) [] = concat!("INSERT INTO contacts (", sql_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");
    GET(2) ["workspace_id", "id", "client_id", "first_name", "last_name", "sort_key", "search_key", "email", "phone", "job_title", "contact_role", "language", "archived_at", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_cols!(), " FROM contacts WHERE workspace_id = $1 AND id = $2");
    UPDATE(14) [] = "UPDATE contacts SET first_name = $3, last_name = $4, sort_key = $5, search_key = $6, email = $7, phone = $8, job_title = $9, contact_role = $10, language = $11, archived_at = $12, updated_at = $13, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $14";
}
