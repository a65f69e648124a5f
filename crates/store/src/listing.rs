//! Keyset-paged lists shared by every table that shows one: a page, whether more follow, and the
//! number of matching rows, on either engine. Each table's lists are two registered families
//! (decision 61): its pages, one text per filter shape × sort × cursor or not × form, and its
//! counts, one per filter shape.
use crate::registry::{Family, Row, Variant};
use crate::{ArchiveFilter, Backend, Bind, Conn, Cursor, Result, Sort};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A row type a list can return.
pub trait Listed:
    for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + Row
    + serde::de::DeserializeOwned
    + Send
    + Unpin
{
    /// The text the name sort uses.
    fn text_key(&self) -> &str;
    fn created_at(&self) -> i64;
    fn row_id(&self) -> uuid::Uuid;
}

/// What a table's lists read: `WHERE workspace_id = $1`, the archive state, `scope`, then each
/// of the `conds` present (their parameter written `?`, numbered from `$2` in order).
pub struct Table<const N: usize> {
    pub name: &'static str,
    pub cols: &'static str,
    pub uuid_cols: &'static [&'static str],
    /// The text column the name sort uses.
    pub text_col: &'static str,
    pub scope: &'static str,
    pub conds: [&'static str; N],
}

/// A list filter's shape: the archive state and which of the table's optional conditions are
/// present.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Filter<const N: usize> {
    pub archive: ArchiveFilter,
    pub present: [bool; N],
}

impl<const N: usize> Filter<N> {
    /// Every shape.
    pub(crate) fn all() -> Vec<Filter<N>> {
        let mut out = Vec::new();
        for archive in ArchiveFilter::ALL {
            for present in crate::registry::presence::<N>() {
                out.push(Filter { archive, present });
            }
        }
        out
    }

    /// The shape of a query and its binds: the workspace, then each condition's value present.
    pub(crate) fn of(
        ws: mesure_domain::WorkspaceId,
        archive: ArchiveFilter,
        values: [Option<Bind>; N],
    ) -> (Filter<N>, Vec<Bind>) {
        let present = std::array::from_fn(|i| values.get(i).is_some_and(Option::is_some));
        let mut binds = vec![Bind::Uuid(ws.uuid())];
        binds.extend(values.into_iter().flatten());
        (Filter { archive, present }, binds)
    }
}

impl<const N: usize> Table<N> {
    /// The ` WHERE …` of a filter shape, and how many parameters it takes.
    fn where_sql(&self, f: &Filter<N>) -> (String, usize) {
        let mut sql = format!(" WHERE workspace_id = $1{}{}", f.archive.sql(), self.scope);
        let mut n = 1;
        for (cond, on) in self.conds.iter().zip(f.present) {
            if on {
                n += 1;
                sql.push_str(&cond.replace('?', &format!("${n}")));
            }
        }
        (sql, n)
    }
}

/// How a page is read. On SQLite the page (and the count, when asked) come back in one row,
/// as JSON built by SQLite itself: sqlx hands SQLite rows one by one from a worker thread, a
/// thread switch per row, and for list pages this single-row form is several times faster
/// (UUID columns travel as hex; rows come back in the subquery's order, so they are re-sorted).
/// PostgreSQL reads the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    Json,
    JsonCounted,
    Rows,
}

/// A page statement's key: the filter shape, the sort, whether a cursor follows, the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageKey<F> {
    pub filter: F,
    pub sort: Sort,
    pub cursor: bool,
    pub form: Form,
}

/// Every page key over the given filter shapes.
pub(crate) fn page_keys<F: Copy>(filters: Vec<F>) -> Vec<PageKey<F>> {
    let mut out = Vec::new();
    for filter in filters {
        for sort in Sort::ALL {
            for cursor in [false, true] {
                for form in [Form::Json, Form::JsonCounted, Form::Rows] {
                    out.push(PageKey {
                        filter,
                        sort,
                        cursor,
                        form,
                    });
                }
            }
        }
    }
    out
}

/// The page statement of `k`: filters, keyset condition, order, `LIMIT` as the last parameter.
pub(crate) fn page_sql<const N: usize>(table: &Table<N>, k: &PageKey<Filter<N>>) -> Variant {
    let (name, cols) = (table.name, table.cols);
    let (where_sql, n) = table.where_sql(&k.filter);
    let (cond, order) = k.sort.keyset_sql(table.text_col, k.cursor.then_some(n + 1));
    let limit = n + 1 + if k.cursor { 2 } else { 0 };
    let rest = format!("FROM {name}{where_sql}{cond}{order} LIMIT ${limit}");
    match k.form {
        Form::Json | Form::JsonCounted => {
            let obj: Vec<String> = cols
                .split(", ")
                .map(|col| {
                    if table.uuid_cols.contains(&col) {
                        format!("'{col}', hex({col})")
                    } else {
                        format!("'{col}', {col}")
                    }
                })
                .collect();
            let count = if k.form == Form::JsonCounted {
                format!("(SELECT CAST(COUNT(*) AS BIGINT) FROM {name}{where_sql})")
            } else {
                "0".to_string()
            };
            Variant {
                sql: format!(
                    "SELECT (SELECT json_group_array(json_object({})) FROM (SELECT {cols} {rest})) AS rows_json, {count} AS total",
                    obj.join(", ")
                ),
                params: limit,
                columns: vec!["rows_json", "total"],
                engine: Some(Backend::Sqlite),
            }
        }
        Form::Rows => Variant {
            sql: format!("SELECT {cols} {rest}"),
            params: limit,
            columns: cols.split(", ").collect(),
            engine: Some(Backend::Postgres),
        },
    }
}

/// The count statement of a filter shape.
pub(crate) fn count_sql<const N: usize>(table: &Table<N>, f: &Filter<N>) -> Variant {
    let (where_sql, n) = table.where_sql(f);
    Variant {
        sql: format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS total FROM {}{where_sql}",
            table.name
        ),
        params: n,
        columns: vec!["total"],
        engine: None,
    }
}

/// How many rows match a filter shape and its binds.
pub(crate) async fn count<F>(
    c: &mut Conn<'_>,
    counts: &Family<F>,
    filter: F,
    binds: &[Bind],
) -> Result<i64>
where
    F: std::hash::Hash + Eq + std::fmt::Debug + Send + Sync,
{
    let (n,): (i64,) = counts.get(&filter)?.fetch_one(c, binds).await?;
    Ok(n)
}

/// One page after `after` in `sort` order, the flag "more follow", and the count of rows matching
/// the filter when asked. `binds` are those of the filter shape.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn page<R: Listed, F>(
    c: &mut Conn<'_>,
    pages: &Family<PageKey<F>>,
    counts: &Family<F>,
    filter: F,
    mut binds: Vec<Bind>,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
    with_count: bool,
) -> Result<(Vec<R>, bool, Option<i64>)>
where
    F: std::hash::Hash + Eq + std::fmt::Debug + Send + Sync + Copy,
{
    let filter_binds = binds.len();
    let cursor = sort.cursor_binds(after);
    let has_cursor = cursor.is_some();
    binds.extend(cursor.into_iter().flatten());
    let limit = limit.clamp(1, 1000);
    binds.push(Bind::Int(limit + 1));
    let sqlite = matches!(c, Conn::Sqlite(_));
    let form = match (sqlite, with_count) {
        (true, false) => Form::Json,
        (true, true) => Form::JsonCounted,
        (false, _) => Form::Rows,
    };
    let stmt = pages.get(&PageKey {
        filter,
        sort,
        cursor: has_cursor,
        form,
    })?;
    let (mut rows, total) = if sqlite {
        let (json, total): (Option<String>, i64) = stmt.fetch_one(c, &binds).await?;
        let mut rows: Vec<R> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        crate::sort_rows(
            &mut rows,
            sort,
            |r| r.text_key(),
            |r| r.created_at(),
            |r| r.row_id(),
        );
        (rows, with_count.then_some(total))
    } else {
        let fb = binds.get(..filter_binds).unwrap_or_default().to_vec();
        // Two statements: one snapshot, so that the total agrees with the items (an import
        // publishing between them would not).
        if with_count {
            crate::in_snapshot!(c, inner => {
                let rows: Vec<R> = stmt.fetch(inner, &binds).await?;
                let total = count(inner, counts, filter, &fb).await?;
                (rows, Some(total))
            })
        } else {
            (stmt.fetch(c, &binds).await?, None)
        }
    };
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more, total))
}
