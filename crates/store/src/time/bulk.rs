//! Bulk "add to the running totals" upserts: thousands of rows in one statement, with anonymous
//! `?` parameters on SQLite (numbered ones are looked up in a list, quadratic when thousands) and
//! one array per column on PostgreSQL.
use crate::{Bind, Conn, Result, exec};
use uuid::Uuid;

/// One row: its UUID columns then its integer columns, in the order of the column lists.
pub type Row = (Vec<Uuid>, Vec<i64>);

/// `INSERT … ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c` for every column of `add`.
pub async fn upsert_add(
    c: &mut Conn<'_>,
    table: &str,
    uuid_cols: &[&str],
    int_cols: &[&str],
    keys: &[&str],
    add: &[&str],
    rows: &[Row],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let cols: Vec<&str> = uuid_cols.iter().chain(int_cols).copied().collect();
    let sets: Vec<String> = add
        .iter()
        .map(|col| format!("{col} = {table}.{col} + excluded.{col}"))
        .collect();
    let conflict = format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        sets.join(", ")
    );
    for chunk in rows.chunks(5000) {
        match c {
            Conn::Sqlite(_) => {
                let row = format!("({})", vec!["?"; cols.len()].join(", "));
                for part in chunk.chunks(30_000 / cols.len().max(1)) {
                    let sql = format!(
                        "INSERT INTO {table} ({}) VALUES {}{conflict}",
                        cols.join(", "),
                        vec![row.as_str(); part.len()].join(", ")
                    );
                    let mut b = Vec::with_capacity(part.len() * cols.len());
                    for (u, n) in part {
                        b.extend(u.iter().map(|x| Bind::Uuid(*x)));
                        b.extend(n.iter().map(|x| Bind::Int(*x)));
                    }
                    exec(c, &sql, &b).await?;
                }
            }
            Conn::Pg(conn) => {
                let mut params = Vec::new();
                for i in 0..cols.len() {
                    let ty = if i < uuid_cols.len() {
                        "uuid"
                    } else {
                        "bigint"
                    };
                    params.push(format!("${}::{ty}[]", i + 1));
                }
                let sql = format!(
                    "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}){conflict}",
                    cols.join(", "),
                    params.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for i in 0..uuid_cols.len() {
                    let col: Vec<Uuid> = chunk
                        .iter()
                        .map(|r| r.0.get(i).copied().unwrap_or_default())
                        .collect();
                    q = q.bind(col);
                }
                for i in 0..int_cols.len() {
                    let col: Vec<i64> = chunk
                        .iter()
                        .map(|r| r.1.get(i).copied().unwrap_or_default())
                        .collect();
                    q = q.bind(col);
                }
                q.execute(&mut **conn).await?;
            }
        }
    }
    Ok(())
}

/// Inserts many rows of `cols` (each row's binds in column order) in multi-row statements.
pub async fn insert_rows(
    c: &mut Conn<'_>,
    table: &str,
    cols: &str,
    rows: &[Vec<Bind>],
) -> Result<()> {
    let n = cols.split(", ").count().max(1);
    for chunk in rows.chunks(30_000 / n) {
        let values: Vec<String> = match c {
            Conn::Sqlite(_) => {
                let row = format!("({})", vec!["?"; n].join(", "));
                vec![row; chunk.len()]
            }
            Conn::Pg(_) => (0..chunk.len())
                .map(|i| {
                    let p: Vec<String> = (1..=n).map(|k| format!("${}", i * n + k)).collect();
                    format!("({})", p.join(", "))
                })
                .collect(),
        };
        let sql = format!("INSERT INTO {table} ({cols}) VALUES {}", values.join(", "));
        let b: Vec<Bind> = chunk.iter().flatten().cloned().collect();
        exec(c, &sql, &b).await?;
    }
    Ok(())
}
