//! Every registered SQL statement, by name, with the number of parameters it takes and the
//! columns it answers. Statements are declared with [`statements!`] in their module, which also
//! makes the module's `STATEMENTS` list; [`all`] gathers the lists, and a test prepares every
//! statement on a fresh SQLite and (with `MESURE_TEST_DATABASE_URL`) a fresh PostgreSQL database
//! and checks both against the declaration (decision 61). Statements are run only through
//! [`Stmt::exec`], [`Stmt::fetch`] and [`Stmt::fetch_one`], which check the bind count.
use crate::{Bind, Conn, Result, StoreError, bind_all, on};

/// One SQL statement, written once for both engines.
#[derive(Debug)]
pub(crate) struct Stmt {
    /// `module::NAME`, as declared.
    pub name: &'static str,
    pub sql: &'static str,
    /// How many `$n` parameters it takes.
    pub params: usize,
    /// The names of its result columns, in order (empty for writes).
    pub columns: &'static [&'static str],
    /// Run on PostgreSQL only (row locks: SQLite's one writer needs none); declared `@postgres`.
    pub postgres_only: bool,
}

/// Declares statements as `pub(crate) static`s and the module's `STATEMENTS` list:
/// `NAME(params) [columns…] = "SQL";` (`NAME(params) [columns…] @postgres = "SQL";` for a
/// statement run on PostgreSQL only). The SQL is a literal or a `concat!` of literals (see
/// [`visible_sql!`]), never a string built at run time.
macro_rules! statements {
    ($( $(#[$m:meta])* $name:ident ($params:expr) [$($col:literal),* $(,)?] $(@$pg:ident)? = $sql:expr; )*) => {
        $(
            $(#[$m])*
            pub(crate) static $name: $crate::registry::Stmt = $crate::registry::Stmt {
                name: concat!(module_path!(), "::", stringify!($name)),
                sql: $sql,
                params: $params,
                columns: &[$($col),*],
                postgres_only: false $(|| stringify!($pg).len() > 0)?,
            };
        )*
        /// This module's registered statements.
        pub(crate) static STATEMENTS: &[&$crate::registry::Stmt] = &[$(&$name),*];
    };
}
pub(crate) use statements;

/// `crate::time::imports::visible` as a literal, for registered statements: rows of `$col` not
/// written by an import still running (its workspace is `$1`).
macro_rules! visible_sql {
    ($col:literal) => {
        concat!(
            "(",
            $col,
            " IS NULL OR ",
            $col,
            " NOT IN (SELECT id FROM imports WHERE workspace_id = $1 AND state <> 'published'))"
        )
    };
}
pub(crate) use visible_sql;

/// Every registered statement of every module.
pub(crate) fn all() -> Vec<&'static Stmt> {
    [
        crate::audit::STATEMENTS,
        crate::audit::exports::STATEMENTS,
        crate::auth::resets::STATEMENTS,
        crate::auth::sessions::STATEMENTS,
        crate::auth::throttle::STATEMENTS,
        crate::auth::tokens::STATEMENTS,
        crate::clients::STATEMENTS,
        crate::clients::contacts::STATEMENTS,
        crate::jobs::STATEMENTS,
        crate::people::users::STATEMENTS,
        crate::workspaces::STATEMENTS,
        crate::notifications::alerts::STATEMENTS,
        crate::people::availability::STATEMENTS,
        crate::people::costs::STATEMENTS,
        crate::projects::STATEMENTS,
        crate::radar::totals::STATEMENTS,
        crate::time::STATEMENTS,
        crate::time::imports::STATEMENTS,
    ]
    .concat()
}

impl Stmt {
    fn check(&self, binds: &[Bind]) -> Result<()> {
        if binds.len() == self.params {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "{} takes {} parameters, {} given",
                self.name,
                self.params,
                binds.len()
            )))
        }
    }

    /// Runs it; answers the rows affected.
    #[allow(dead_code)]
    pub(crate) async fn exec(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<u64> {
        self.check(binds)?;
        Ok(on!(c, c => bind_all!(sqlx::query(self.sql), binds)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?)
    }

    /// Every row it answers.
    pub(crate) async fn fetch<T>(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<Vec<T>>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.check(binds)?;
        Ok(
            on!(c, c => bind_all!(sqlx::query_as::<_, T>(self.sql), binds)
            .fetch_all(&mut **c).await)?,
        )
    }

    /// Its row, if it answers one.
    pub(crate) async fn fetch_optional<T>(
        &self,
        c: &mut Conn<'_>,
        binds: &[Bind],
    ) -> Result<Option<T>>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.check(binds)?;
        Ok(
            on!(c, c => bind_all!(sqlx::query_as::<_, T>(self.sql), binds)
            .fetch_optional(&mut **c).await)?,
        )
    }

    /// Its one row; `NotFound` when there is none.
    pub(crate) async fn fetch_one<T>(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<T>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.check(binds)?;
        on!(c, c => bind_all!(sqlx::query_as::<_, T>(self.sql), binds)
            .fetch_optional(&mut **c).await)?
        .ok_or(StoreError::NotFound)
    }
}

/// Prepares every registered statement on `db` and answers what does not match its
/// declaration (empty when all do), and how many were prepared.
pub async fn check_all(db: &crate::Db) -> Result<(usize, Vec<String>)> {
    use sqlx::{Column, Either, Executor, Statement};
    let mut p = db.read().await?;
    let mut wrong = Vec::new();
    let list = all();
    let mut names = std::collections::HashSet::new();
    let mut n = 0;
    for s in &list {
        if !names.insert(s.name) {
            wrong.push(format!("{}: registered twice", s.name));
        }
        if s.postgres_only && matches!(db, crate::Db::Sqlite(..)) {
            continue;
        }
        n += 1;
        let got: std::result::Result<(usize, Vec<String>), sqlx::Error> = match p.conn() {
            Conn::Sqlite(c) => c
                .prepare(sqlx::SqlSafeStr::into_sql_str(s.sql))
                .await
                .map(|st| {
                    let n = match st.parameters() {
                        Some(Either::Left(t)) => t.len(),
                        Some(Either::Right(n)) => n,
                        None => 0,
                    };
                    (
                        n,
                        st.columns().iter().map(|c| c.name().to_string()).collect(),
                    )
                }),
            Conn::Pg(c) => c
                .prepare(sqlx::SqlSafeStr::into_sql_str(s.sql))
                .await
                .map(|st| {
                    let n = match st.parameters() {
                        Some(Either::Left(t)) => t.len(),
                        Some(Either::Right(n)) => n,
                        None => 0,
                    };
                    (
                        n,
                        st.columns().iter().map(|c| c.name().to_string()).collect(),
                    )
                }),
        };
        match got {
            Err(e) => wrong.push(format!("{}: {e}", s.name)),
            Ok((n, cols)) => {
                if n != s.params {
                    wrong.push(format!("{}: {n} parameters, declared {}", s.name, s.params));
                }
                if cols != s.columns {
                    wrong.push(format!(
                        "{}: columns {cols:?}, declared {:?}",
                        s.name, s.columns
                    ));
                }
            }
        }
    }
    Ok((n, wrong))
}

#[cfg(test)]
mod tests {
    use crate::Db;

    async fn check(db: &Db, engine: &str) {
        crate::migrate::run(db).await.expect("migrate");
        let (n, wrong) = super::check_all(db).await.expect("prepare");
        assert!(n > 0);
        assert!(wrong.is_empty(), "{engine}: {wrong:#?}");
        println!("{engine}: {n} statements prepared and checked");
    }

    /// Every registered statement prepares on a fresh SQLite database with the parameters and
    /// columns it declares.
    #[tokio::test]
    async fn every_statement_prepares_on_sqlite() {
        let path = std::env::temp_dir().join(format!("mesure-stmts-{}.db", uuid::Uuid::now_v7()));
        let db = Db::connect(&path.to_string_lossy(), 1).await.expect("open");
        check(&db, "SQLite").await;
        db.close().await;
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.to_string_lossy()));
        }
    }

    /// The same on a fresh PostgreSQL database, when `MESURE_TEST_DATABASE_URL` is set.
    #[tokio::test]
    async fn every_statement_prepares_on_postgres() {
        let Ok(url) = std::env::var("MESURE_TEST_DATABASE_URL") else {
            println!("MESURE_TEST_DATABASE_URL not set: PostgreSQL not checked");
            return;
        };
        if url.is_empty() {
            return;
        }
        let name = format!("mesure_stmts_{}", uuid::Uuid::now_v7().simple());
        let admin = Db::connect(&url, 1).await.expect("connect");
        let Db::Pg(p) = &admin else {
            panic!("not a PostgreSQL URL")
        };
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(p)
            .await
            .expect("create database");
        let (base, _) = url.rsplit_once('/').expect("database URL with a name");
        let db = Db::connect(&format!("{base}/{name}"), 1)
            .await
            .expect("connect");
        check(&db, "PostgreSQL").await;
        db.close().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}")))
            .execute(p)
            .await
            .expect("drop database");
        admin.close().await;
    }
}
