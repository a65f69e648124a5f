//! Client organisations.
pub mod contacts;
use crate::listing::{self, Filter, Listed, PageKey, Table};
use crate::registry::Variants;
use crate::{ArchiveFilter, Bind, Conn, Cursor, Result, Sort, StoreError, like_pattern};
use mesure_domain::{ClientId, WorkspaceId};
use mesure_domain::{Currency, Language};
use uuid::Uuid;

crate::registry::row! {
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct ClientRow {
    pub workspace_id: Uuid,
    pub id: Uuid,
    pub name: String,
    pub name_key: String,
    pub search_key: String,
    pub legal_name: Option<String>,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
    pub billing_address: Option<String>,
    pub currency: Currency,
    pub language: Language,
    pub time_zone: String,
    pub segment: Option<String>,
    pub notes: Option<String>,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i32,
}
}

impl ClientRow {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        Cursor::at(sort, &self.name_key, self.created_at, self.id)
    }
}

macro_rules! sql_cols {
    () => {
        "workspace_id, id, name, name_key, search_key, legal_name, siren, vat_number, billing_address, currency, language, time_zone, segment, notes, archived_at, created_at, updated_at, version"
    };
}
const COLS: &str = sql_cols!();

crate::registry::statements! {
    GET(2) ["workspace_id", "id", "name", "name_key", "search_key", "legal_name", "siren", "vat_number", "billing_address", "currency", "language", "time_zone", "segment", "notes", "archived_at", "created_at", "updated_at", "version"] = concat!("SELECT ", sql_cols!(), " FROM clients WHERE workspace_id = $1 AND id = $2");
    UPDATE(17) [] = "UPDATE clients SET name = $3, name_key = $4, search_key = $5, legal_name = $6, siren = $7, vat_number = $8, billing_address = $9, currency = $10, language = $11, time_zone = $12, segment = $13, notes = $14, archived_at = $15, updated_at = $16, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $17";
    DELETE(2) [] = "DELETE FROM clients WHERE workspace_id = $1 AND id = $2";
    ROUNDING(2) ["rounding"] = "SELECT rounding FROM clients WHERE workspace_id = $1 AND id = $2";
    NAMES(1) ["id", "name"] = concat!(
        "SELECT id, name FROM clients WHERE workspace_id = $1 AND ",
        crate::registry::visible_sql!("import_id"),
        " ORDER BY name_key, id"
    );
    NAMES_BY_AGE(1) ["id", "name"] = concat!(
        "SELECT id, name FROM clients WHERE workspace_id = $1 AND ",
        crate::registry::visible_sql!("import_id"),
        " ORDER BY created_at, id"
    );
    NAMES_SEGMENTS_ALL(1) ["id", "name", "segment"] = "SELECT id, name, segment FROM clients WHERE workspace_id = $1";
    SEGMENTS(1) ["segment"] = "SELECT DISTINCT segment FROM clients WHERE workspace_id = $1 AND segment IS NOT NULL ORDER BY segment";
}

/// The binds of a row in `COLS` order (bulk inserts).
pub fn binds(r: &ClientRow) -> Vec<Bind> {
    vec![
        Bind::Uuid(r.workspace_id),
        Bind::Uuid(r.id),
        Bind::Text(r.name.clone()),
        Bind::Text(r.name_key.clone()),
        Bind::Text(r.search_key.clone()),
        Bind::OptText(r.legal_name.clone()),
        Bind::OptText(r.siren.clone()),
        Bind::OptText(r.vat_number.clone()),
        Bind::OptText(r.billing_address.clone()),
        r.currency.into(),
        r.language.into(),
        Bind::Text(r.time_zone.clone()),
        Bind::OptText(r.segment.clone()),
        Bind::OptText(r.notes.clone()),
        Bind::OptInt(r.archived_at),
        Bind::Int(r.created_at),
        Bind::Int(r.updated_at),
        Bind::Int(i64::from(r.version)),
    ]
}

/// Inserts many clients in multi-row statements (imports). `import`: the import that creates
/// them, hidden until it is published (`imports::visible`).
pub async fn insert_many(c: &mut Conn<'_>, rows: &[ClientRow], import: Option<Uuid>) -> Result<()> {
    let b = crate::time::bulk::with_import(rows, binds, import);
    INSERT_MANY.run(c, &INSERT_MANY_SQL, &b).await
}

/// Inserts one client (the same statement text and parameter types as a one-row `insert_many`,
/// which PostgreSQL's statement cache requires).
pub async fn insert(c: &mut Conn<'_>, r: &ClientRow) -> Result<()> {
    insert_many(c, std::slice::from_ref(r), None).await
}

/// Saves every editable field; fails with `Conflict("version")` when the row changed meanwhile.
pub async fn update(c: &mut Conn<'_>, r: &ClientRow, expected_version: i32) -> Result<()> {
    let n = UPDATE
        .exec(
            c,
            &[
                crate::Bind::from(r.workspace_id),
                crate::Bind::from(r.id),
                crate::Bind::from(&r.name),
                crate::Bind::from(&r.name_key),
                crate::Bind::from(&r.search_key),
                crate::Bind::from(&r.legal_name),
                crate::Bind::from(&r.siren),
                crate::Bind::from(&r.vat_number),
                crate::Bind::from(&r.billing_address),
                crate::Bind::from(r.currency),
                crate::Bind::from(r.language),
                crate::Bind::from(&r.time_zone),
                crate::Bind::from(&r.segment),
                crate::Bind::from(&r.notes),
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

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ClientId) -> Result<ClientRow> {
    GET.fetch_optional::<ClientRow>(
        c,
        &[crate::Bind::from(ws.uuid()), crate::Bind::from(id.uuid())],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn delete(c: &mut Conn<'_>, ws: WorkspaceId, id: ClientId) -> Result<()> {
    DELETE
        .exec(
            c,
            &[crate::Bind::from(ws.uuid()), crate::Bind::from(id.uuid())],
        )
        .await?;
    Ok(())
}

/// Every client's id and name, by name.
pub async fn names(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, String)>> {
    NAMES.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub search: Option<String>,
    pub archive: ArchiveFilter,
    pub segment: Option<String>,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// The shape of a query's filters (search, segment) and their binds.
fn filters(ws: WorkspaceId, q: &ListQuery) -> (Filter<2>, Vec<Bind>) {
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let segment = q.segment.as_deref().filter(|s| !s.is_empty());
    Filter::of(
        ws,
        q.archive,
        [
            search.map(|s| Bind::Text(like_pattern(s))),
            segment.map(|s| Bind::Text(s.to_string())),
        ],
    )
}

const TABLE: Table<2> = Table {
    name: "clients",
    cols: COLS,
    uuid_cols: &["workspace_id", "id"],
    text_col: "name_key",
    scope: concat!(" AND ", crate::registry::visible_sql!("import_id")),
    conds: [" AND search_key LIKE ? ESCAPE '\\'", " AND segment = ?"],
};

crate::registry::family! {
    /// A page of the client list, per filter shape, sort, cursor and form.
    PAGES: PageKey<Filter<2>> = || listing::page_keys(Filter::all()), |k| listing::page_sql(&TABLE, k);
}
crate::registry::family! {
    /// How many clients match, per filter shape.
    COUNTS: Filter<2> = Filter::all, |f| listing::count_sql(&TABLE, f);
}
crate::registry::family! {
    /// Names of a chunk of ids (`IN` lists padded to a registered length).
    NAMES_OF: usize = crate::registry::in_lengths, |n| crate::registry::Variant::both(
        format!("SELECT id, name FROM clients WHERE workspace_id = $1 AND id IN ({})", crate::registry::numbered(2, *n)),
        n + 1,
        &["id", "name"],
    );
}
const INSERT_MANY: crate::time::bulk::Insert = crate::time::bulk::Insert {
    table: "clients",
    cols: concat!(sql_cols!(), ", import_id"),
    max_rows: None,
    sqlite_only: false,
};
crate::registry::family! {
    /// Clients in multi-row inserts, per engine and row count.
    INSERT_MANY_SQL: crate::time::bulk::Key = || INSERT_MANY.keys(), |k| INSERT_MANY.sql(k);
}
crate::registry::family! {
    /// Names and segments of a chunk of ids (`IN` lists padded to a registered length).
    NAMES_SEGMENTS_OF: usize = crate::registry::in_lengths, |n| crate::registry::Variant::both(
        format!("SELECT id, name, segment FROM clients WHERE workspace_id = $1 AND id IN ({})", crate::registry::numbered(2, *n)),
        n + 1,
        &["id", "name", "segment"],
    );
}
pub(crate) static FAMILIES: &[&dyn Variants] = &[
    &PAGES,
    &COUNTS,
    &NAMES_OF,
    &NAMES_SEGMENTS_OF,
    &INSERT_MANY_SQL,
];

impl Listed for ClientRow {
    fn text_key(&self) -> &str {
        &self.name_key
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
) -> Result<(Vec<ClientRow>, bool, Option<i64>)> {
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
) -> Result<(Vec<ClientRow>, bool)> {
    let (rows, more, _) = page(c, ws, q, false).await?;
    Ok((rows, more))
}

/// A page, whether more follow, and how many match the filters.
pub async fn list_counted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    q: &ListQuery,
) -> Result<(Vec<ClientRow>, bool, i64)> {
    let (rows, more, total) = page(c, ws, q, true).await?;
    Ok((rows, more, total.unwrap_or(0)))
}

/// How many clients match the filters (ignoring the cursor).
pub async fn count(c: &mut Conn<'_>, ws: WorkspaceId, q: &ListQuery) -> Result<i64> {
    let (filter, binds) = filters(ws, q);
    listing::count(c, &COUNTS, filter, &binds).await
}

/// The distinct segments in use, for filters and suggestions.
pub async fn segments(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = SEGMENTS.fetch(c, &[Bind::Uuid(ws.uuid())]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A client's rounding rule (`none`, `up_15`, …).
pub async fn rounding(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: Uuid,
) -> Result<mesure_domain::time::Rounding> {
    let r: (mesure_domain::time::Rounding,) = ROUNDING
        .fetch_one(c, &[Bind::Uuid(ws.uuid()), Bind::Uuid(id)])
        .await?;
    Ok(r.0)
}

/// The names and segments of some clients, by id (past a few hundred, every client's in one
/// read: cheaper than the `IN` lists).
pub async fn names_segments_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, Option<String>)>> {
    if ids.len() > 200 {
        let want: std::collections::HashSet<&Uuid> = ids.iter().collect();
        let all: Vec<(Uuid, String, Option<String>)> = NAMES_SEGMENTS_ALL
            .fetch(c, &[Bind::Uuid(ws.uuid())])
            .await?;
        return Ok(all.into_iter().filter(|r| want.contains(&r.0)).collect());
    }
    crate::registry::fetch_in(c, &NAMES_SEGMENTS_OF, &[Bind::Uuid(ws.uuid())], ids).await
}

/// The names of some clients, by id.
pub async fn names_of(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>> {
    crate::registry::fetch_in(c, &NAMES_OF, &[Bind::Uuid(ws.uuid())], ids).await
}

/// Every visible client's id and name, oldest first (an import matches names to the oldest).
pub async fn names_by_age(c: &mut Conn<'_>, ws: WorkspaceId) -> Result<Vec<(Uuid, String)>> {
    NAMES_BY_AGE.fetch(c, &[Bind::Uuid(ws.uuid())]).await
}
