//! Keyset-paged lists shared by every table that shows one: a page, whether more follow, and the
//! number of matching rows, on either engine.
use crate::{Bind, Conn, Cursor, Result, Sort, bind_all};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A row type a list can return.
pub trait Listed:
    for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + serde::de::DeserializeOwned
    + Send
    + Unpin
{
    /// The text the name sort uses.
    fn text_key(&self) -> &str;
    fn created_at(&self) -> i64;
    fn row_id(&self) -> uuid::Uuid;
}

/// What a table's lists read.
pub struct Table<'a> {
    pub name: &'a str,
    pub cols: &'a str,
    pub uuid_cols: &'a [&'a str],
    /// The text column the name sort uses.
    pub text_col: &'a str,
}

/// One page after `after` in `sort` order, the flag "more follow", and the count of rows matching
/// `where_sql` when asked. `binds` are those of `where_sql`. On SQLite the page and the count come
/// back in one statement (see `sqlite_json_rows`).
#[allow(clippy::too_many_arguments)]
pub async fn page<R: Listed>(
    c: &mut Conn<'_>,
    table: &Table<'_>,
    where_sql: &str,
    mut binds: Vec<Bind>,
    sort: Sort,
    after: Option<&Cursor>,
    limit: i64,
    with_count: bool,
) -> Result<(Vec<R>, bool, Option<i64>)> {
    let filter_binds = binds.len();
    let (cols, name) = (table.cols, table.name);
    let (cond, order) = sort.keyset(table.text_col, after, &mut binds);
    let limit = limit.clamp(1, 1000);
    let rest = format!("FROM {name}{where_sql}{cond}{order} LIMIT {}", limit + 1);
    let (mut rows, total) = match c {
        Conn::Sqlite(c) => {
            let count_rest = format!("FROM {name}{where_sql}");
            let (mut rows, total): (Vec<R>, i64) = crate::sqlite_json_rows(
                c,
                cols,
                table.uuid_cols,
                &rest,
                with_count.then_some(count_rest.as_str()),
                &binds,
            )
            .await?;
            crate::sort_rows(
                &mut rows,
                sort,
                |r| r.text_key(),
                |r| r.created_at(),
                |r| r.row_id(),
            );
            (rows, with_count.then_some(total))
        }
        Conn::Pg(c) => {
            let sql = format!("SELECT {cols} {rest}");
            let rows = bind_all!(
                sqlx::query_as::<_, R>(sqlx::AssertSqlSafe(sql.as_str())),
                &binds
            )
            .fetch_all(&mut **c)
            .await?;
            let total = if with_count {
                let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {name}{where_sql}");
                let fb = binds.get(..filter_binds).unwrap_or_default();
                Some(
                    bind_all!(
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.as_str())),
                        fb
                    )
                    .fetch_one(&mut **c)
                    .await?,
                )
            } else {
                None
            };
            (rows, total)
        }
    };
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more, total))
}
