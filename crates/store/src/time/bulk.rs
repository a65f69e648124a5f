//! Bulk statements: many rows in one statement. On SQLite, multi-row `VALUES` with anonymous `?`
//! parameters (numbered ones are looked up in a list, quadratic when thousands); on PostgreSQL,
//! one array per column (`UNNEST`) or numbered multi-row `VALUES`. Their texts are registered
//! families (decision 61) keyed by engine and row count: a batch runs in statements of the
//! largest registered count, and what is left in statements of powers of two, so that every
//! text that can run is one the registry test prepares.
use crate::registry::{Family, Variant, numbered};
use crate::{Array, Backend, Bind, Conn, Result};
use uuid::Uuid;

/// One row: its UUID columns then its integer columns, in the order of the column lists.
pub type Row = (Vec<Uuid>, Vec<i64>);

/// A bulk statement's key: the engine and the rows per statement (0: PostgreSQL's arrays,
/// any number of rows).
pub(crate) type Key = (Backend, usize);

/// The row counts a batch of `n` rows runs in: as many of `max` as fit, then the powers of two
/// that make up the rest.
pub(crate) fn split(n: usize, max: usize) -> Vec<usize> {
    let max = max.max(1);
    let mut out = vec![max; n / max];
    let rest = n % max;
    out.extend(
        (0..usize::BITS)
            .rev()
            .map(|b| 1usize << b)
            .filter(|p| rest & p != 0),
    );
    out
}

/// The registered row counts below `max` and `max` itself, on SQLite.
pub(crate) fn sqlite_keys(max: usize) -> Vec<Key> {
    let mut out: Vec<Key> = (0..usize::BITS)
        .map(|b| 1usize << b)
        .take_while(|p| *p < max)
        .map(|p| (Backend::Sqlite, p))
        .collect();
    out.push((Backend::Sqlite, max));
    out
}

/// `(?, ?, …), (?, ?, …), …`: `rows` rows of `cols` anonymous parameters.
fn anonymous_rows(rows: usize, cols: usize) -> String {
    let row = format!("({})", vec!["?"; cols].join(", "));
    vec![row.as_str(); rows].join(", ")
}

/// An "add to the running totals" upsert: `INSERT … ON CONFLICT (keys) DO UPDATE SET
/// c = c + excluded.c` for every column of `add`.
pub(crate) struct Upsert {
    pub table: &'static str,
    pub uuid_cols: &'static [&'static str],
    pub int_cols: &'static [&'static str],
    pub keys: &'static [&'static str],
    pub add: &'static [&'static str],
}

/// PostgreSQL's arrays are sent 5,000 rows at a time.
const PG_CHUNK: usize = 5000;

impl Upsert {
    fn width(&self) -> usize {
        self.uuid_cols.len() + self.int_cols.len()
    }

    /// The most rows one SQLite statement takes.
    fn sqlite_max(&self) -> usize {
        PG_CHUNK.min(30_000 / self.width().max(1))
    }

    /// Every registered key.
    pub(crate) fn keys(&self) -> Vec<Key> {
        let mut k = sqlite_keys(self.sqlite_max());
        k.push((Backend::Postgres, 0));
        k
    }

    /// The statement of a key.
    pub(crate) fn sql(&self, k: &Key) -> Variant {
        let table = self.table;
        let cols: Vec<&str> = self
            .uuid_cols
            .iter()
            .chain(self.int_cols)
            .copied()
            .collect();
        let sets: Vec<String> = self
            .add
            .iter()
            .map(|col| format!("{col} = {table}.{col} + excluded.{col}"))
            .collect();
        let conflict = format!(
            " ON CONFLICT ({}) DO UPDATE SET {}",
            self.keys.join(", "),
            sets.join(", ")
        );
        let (sql, params) = match k {
            (Backend::Sqlite, rows) => (
                format!(
                    "INSERT INTO {table} ({}) VALUES {}{conflict}",
                    cols.join(", "),
                    anonymous_rows(*rows, cols.len())
                ),
                rows * cols.len(),
            ),
            (Backend::Postgres, _) => {
                let arrays: Vec<String> = (0..cols.len())
                    .map(|i| {
                        let ty = if i < self.uuid_cols.len() {
                            "uuid"
                        } else {
                            "bigint"
                        };
                        format!("${}::{ty}[]", i + 1)
                    })
                    .collect();
                (
                    format!(
                        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}){conflict}",
                        cols.join(", "),
                        arrays.join(", ")
                    ),
                    cols.len(),
                )
            }
        };
        Variant::write(sql, params, k.0)
    }

    /// Runs the upsert over `rows` (its statements are `family`, built from `self`).
    pub(crate) async fn run(
        &self,
        c: &mut Conn<'_>,
        family: &Family<Key>,
        rows: &[Row],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match c {
            Conn::Sqlite(_) => {
                let binds = |part: &[Row]| {
                    let mut b = Vec::with_capacity(part.len() * self.width());
                    for (u, i) in part {
                        b.extend(u.iter().map(|x| Bind::Uuid(*x)));
                        b.extend(i.iter().map(|x| Bind::Int(*x)));
                    }
                    b
                };
                run_split(c, family, Backend::Sqlite, rows, self.sqlite_max(), binds).await?;
            }
            Conn::Pg(_) => {
                let stmt = family.get(&(Backend::Postgres, 0))?;
                for chunk in rows.chunks(PG_CHUNK) {
                    let mut b = Vec::with_capacity(self.width());
                    for i in 0..self.uuid_cols.len() {
                        b.push(Bind::Array(Array::Uuid(
                            chunk
                                .iter()
                                .map(|r| r.0.get(i).copied().unwrap_or_default())
                                .collect(),
                        )));
                    }
                    for i in 0..self.int_cols.len() {
                        b.push(Bind::Array(Array::Int(
                            chunk
                                .iter()
                                .map(|r| r.1.get(i).copied().unwrap_or_default())
                                .collect(),
                        )));
                    }
                    stmt.exec(c, &b).await?;
                }
            }
        }
        Ok(())
    }
}

/// A multi-row insert of `cols` into `table`, at most `max_rows` rows a statement (else as
/// many as 30,000 parameters allow); on PostgreSQL too unless `sqlite_only` (a table with an
/// `UNNEST` statement of its own there).
pub(crate) struct Insert {
    pub table: &'static str,
    pub cols: &'static str,
    pub max_rows: Option<usize>,
    pub sqlite_only: bool,
}

impl Insert {
    fn width(&self) -> usize {
        self.cols.split(", ").count().max(1)
    }

    fn max(&self) -> usize {
        self.max_rows.unwrap_or(30_000 / self.width())
    }

    /// Every registered key: the same row counts on both engines.
    pub(crate) fn keys(&self) -> Vec<Key> {
        let sqlite = sqlite_keys(self.max());
        let pg: Vec<Key> = if self.sqlite_only {
            Vec::new()
        } else {
            sqlite
                .iter()
                .map(|(_, n)| (Backend::Postgres, *n))
                .collect()
        };
        sqlite.into_iter().chain(pg).collect()
    }

    /// The statement of a key: anonymous parameters on SQLite, numbered on PostgreSQL.
    pub(crate) fn sql(&self, k: &Key) -> Variant {
        let n = self.width();
        let values = match k {
            (Backend::Sqlite, rows) => anonymous_rows(*rows, n),
            (Backend::Postgres, rows) => (0..*rows)
                .map(|i| format!("({})", numbered(i * n + 1, n)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        Variant::write(
            format!("INSERT INTO {} ({}) VALUES {values}", self.table, self.cols),
            k.1 * n,
            k.0,
        )
    }

    /// Inserts `rows` (each row's binds in column order).
    pub(crate) async fn run(
        &self,
        c: &mut Conn<'_>,
        family: &Family<Key>,
        rows: &[Vec<Bind>],
    ) -> Result<()> {
        let engine = match c {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        };
        let binds = |part: &[Vec<Bind>]| part.iter().flatten().cloned().collect();
        run_split(c, family, engine, rows, self.max(), binds).await
    }
}

/// Rows with the import that makes them as their last bind (`None`: not an import).
pub(crate) fn with_import<R>(
    rows: &[R],
    binds: fn(&R) -> Vec<Bind>,
    import: Option<Uuid>,
) -> Vec<Vec<Bind>> {
    rows.iter()
        .map(|r| {
            let mut b = binds(r);
            b.push(Bind::OptUuid(import));
            b
        })
        .collect()
}

/// Runs `rows` in the row counts of [`split`], each part's statement the family's.
async fn run_split<R>(
    c: &mut Conn<'_>,
    family: &Family<Key>,
    engine: Backend,
    rows: &[R],
    max: usize,
    binds: impl Fn(&[R]) -> Vec<Bind>,
) -> Result<()> {
    let mut rest = rows;
    for n in split(rows.len(), max) {
        let (part, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        family.get(&(engine, n))?.exec(c, &binds(part)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_batch_splits_into_the_largest_count_then_powers_of_two() {
        assert_eq!(super::split(0, 8), Vec::<usize>::new());
        assert_eq!(super::split(21, 8), vec![8, 8, 4, 1]);
        assert_eq!(super::split(7, 1000), vec![4, 2, 1]);
        assert_eq!(super::split(1000, 1000), vec![1000]);
    }
}
