//! Every registered SQL statement, by name, with the number of parameters it takes and the
//! columns it answers. Statements are declared with [`statements!`] in their module, which also
//! makes the module's `STATEMENTS` list; statements whose text depends on a finite choice (list
//! filters, sort and cursor, the rows of a bulk insert, the length of an `IN` list) are a
//! [`Family`]: every variant is built once from its key, and only those texts can run. [`all`]
//! gathers both, and a test prepares every statement on a fresh SQLite and (with
//! `MESURE_TEST_DATABASE_URL`) a fresh PostgreSQL database and checks both against the
//! declaration (decision 61). Statements are run only through [`Stmt::exec`], [`Stmt::fetch`],
//! [`Stmt::fetch_optional`] and [`Stmt::fetch_one`], which check the bind count, the engine and
//! the row type's fields against the declared columns.
use crate::{Backend, Bind, Conn, Result, StoreError};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::OnceLock;

/// One SQL statement, written once for both engines.
#[derive(Debug)]
pub(crate) struct Stmt {
    /// `module::NAME`, as declared.
    pub name: &'static str,
    pub sql: &'static str,
    /// How many parameters it takes.
    pub params: usize,
    /// The names of its result columns, in order (empty for writes).
    pub columns: &'static [&'static str],
    /// Run on one engine only (`@postgres`: row locks, arrays; `@sqlite`: PRAGMAs, anonymous
    /// parameters); `None` for both.
    pub engine: Option<Backend>,
}

/// What a row type reads: the names of its fields (a struct), or how many columns (a tuple).
#[derive(Debug)]
pub enum Shape {
    Fields(&'static [&'static str]),
    Arity(usize),
}

/// A type rows are read into. Structs get it from [`row!`], which lists their fields; tuples
/// from their arity.
pub trait Row {
    const SHAPE: Shape;
}

macro_rules! tuple_rows {
    ($($n:literal: $($t:ident)*;)*) => {$(
        impl<$($t),*> Row for ($($t,)*) {
            const SHAPE: Shape = Shape::Arity($n);
        }
    )*};
}
tuple_rows! {
    1: A; 2: A B; 3: A B C; 4: A B C D; 5: A B C D E; 6: A B C D E F; 7: A B C D E F G;
    8: A B C D E F G H; 9: A B C D E F G H I; 10: A B C D E F G H I J;
}

/// Declares a row struct (`#[derive(sqlx::FromRow)]` and whatever else it carries) and its
/// [`Row`] implementation listing its fields, so that every fetch checks the statement's
/// declared columns against them.
macro_rules! row {
    ($(#[$m:meta])* $vis:vis struct $name:ident {
        $($(#[$fm:meta])* $fvis:vis $field:ident : $ty:ty),* $(,)?
    }) => {
        $(#[$m])*
        $vis struct $name {
            $($(#[$fm])* $fvis $field: $ty),*
        }
        impl $crate::registry::Row for $name {
            const SHAPE: $crate::registry::Shape =
                $crate::registry::Shape::Fields(&[$(stringify!($field)),*]);
        }
    };
}
pub(crate) use row;

/// Declares statements as `pub(crate) static`s and the module's `STATEMENTS` list:
/// `NAME(params) [columns…] = "SQL";` (`@postgres` or `@sqlite` before `=` for a statement run
/// on one engine only). The SQL is a literal or a `concat!` of literals (see [`visible_sql!`]),
/// never a string built at run time.
macro_rules! statements {
    ($( $(#[$m:meta])* $name:ident ($params:expr) [$($col:literal),* $(,)?] $(@$engine:ident)? = $sql:expr; )*) => {
        $(
            $(#[$m])*
            pub(crate) static $name: $crate::registry::Stmt = $crate::registry::Stmt {
                name: concat!(module_path!(), "::", stringify!($name)),
                sql: $sql,
                params: $params,
                columns: &[$($col),*],
                engine: $crate::registry::engine!($($engine)?),
            };
        )*
        /// This module's registered statements.
        pub(crate) static STATEMENTS: &[&$crate::registry::Stmt] = &[$(&$name),*];
    };
}
pub(crate) use statements;

macro_rules! engine {
    () => {
        None
    };
    (postgres) => {
        Some($crate::Backend::Postgres)
    };
    (sqlite) => {
        Some($crate::Backend::Sqlite)
    };
}
pub(crate) use engine;

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

/// One variant of a [`Family`], as its builder makes it.
pub(crate) struct Variant {
    pub sql: String,
    pub params: usize,
    pub columns: Vec<&'static str>,
    pub engine: Option<Backend>,
}

/// Statements whose text depends on a finite key: every key of `keys` is built once (the first
/// time the family is used) into a [`Stmt`] that lives for the process, and the one of a key
/// runs through the same checked calls as a declared statement. A key outside `keys` is an
/// error, never a new text: the registry test prepares every text that can run.
pub(crate) struct Family<K: 'static> {
    pub name: &'static str,
    keys: fn() -> Vec<K>,
    build: fn(&K) -> Variant,
    built: OnceLock<(Vec<&'static Stmt>, HashMap<K, &'static Stmt>)>,
}

/// Declares a `pub(crate) static NAME: Family<K>` from its keys and its builder.
macro_rules! family {
    ($(#[$m:meta])* $name:ident: $k:ty = $keys:expr, $build:expr;) => {
        $(#[$m])*
        pub(crate) static $name: $crate::registry::Family<$k> =
            $crate::registry::Family::new(concat!(module_path!(), "::", stringify!($name)), $keys, $build);
    };
}
pub(crate) use family;

impl<K: Hash + Eq + std::fmt::Debug + Send + Sync> Family<K> {
    pub const fn new(name: &'static str, keys: fn() -> Vec<K>, build: fn(&K) -> Variant) -> Self {
        Family {
            name,
            keys,
            build,
            built: OnceLock::new(),
        }
    }

    fn built(&self) -> &(Vec<&'static Stmt>, HashMap<K, &'static Stmt>) {
        self.built.get_or_init(|| {
            let mut list = Vec::new();
            let mut map = HashMap::new();
            for k in (self.keys)() {
                let v = (self.build)(&k);
                // Built once per process for a finite set of keys: these live as long as the
                // declared statements do.
                let s: &'static Stmt = Box::leak(Box::new(Stmt {
                    name: Box::leak(format!("{}[{k:?}]", self.name).into_boxed_str()),
                    sql: Box::leak(v.sql.into_boxed_str()),
                    params: v.params,
                    columns: Box::leak(v.columns.into_boxed_slice()),
                    engine: v.engine,
                }));
                list.push(s);
                map.insert(k, s);
            }
            (list, map)
        })
    }

    /// The statement of `key`.
    pub fn get(&self, key: &K) -> Result<&'static Stmt> {
        self.built().1.get(key).copied().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "{}: {key:?} is not a registered variant",
                self.name
            ))
        })
    }
}

/// A family's statements, for the registry.
pub(crate) trait Variants: Sync {
    fn stmts(&self) -> Vec<&'static Stmt>;
}

impl<K: Hash + Eq + std::fmt::Debug + Send + Sync> Variants for Family<K> {
    fn stmts(&self) -> Vec<&'static Stmt> {
        self.built().0.clone()
    }
}

/// `$from, $from+1, …`: `n` numbered parameters, for family builders.
pub(crate) fn numbered(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Variant {
    /// A write (no result columns) run on `engine`.
    pub fn write(sql: String, params: usize, engine: Backend) -> Variant {
        Variant {
            sql,
            params,
            columns: Vec::new(),
            engine: Some(engine),
        }
    }

    /// A variant run on both engines.
    pub fn both(sql: String, params: usize, columns: &[&'static str]) -> Variant {
        Variant {
            sql,
            params,
            columns: columns.to_vec(),
            engine: None,
        }
    }
}

/// An optional condition of a statement: its text (` AND …`), its parameters written `?1`,
/// `?2`…, and how many it takes.
pub(crate) type Cond = (&'static str, usize);

/// Every presence pattern of `N` optional conditions.
pub(crate) fn presence<const N: usize>() -> Vec<[bool; N]> {
    (0..(1usize << N))
        .map(|bits| std::array::from_fn(|i| bits & (1 << i) != 0))
        .collect()
}

/// The conditions present, their parameters numbered from `$first`; answers the text and the
/// next free number.
pub(crate) fn conds_sql(conds: &[Cond], present: &[bool], first: usize) -> (String, usize) {
    let mut sql = String::new();
    let mut next = first;
    for ((text, n), on) in conds.iter().zip(present) {
        if *on {
            let mut t = text.to_string();
            for k in (1..=*n).rev() {
                t = t.replace(&format!("?{k}"), &format!("${}", next + k - 1));
            }
            sql.push_str(&t);
            next += n;
        }
    }
    (sql, next)
}

/// The presence pattern of a query's optional values and their binds, in order.
pub(crate) fn present<const N: usize>(values: [Option<Vec<Bind>>; N]) -> ([bool; N], Vec<Bind>) {
    let on = std::array::from_fn(|i| values.get(i).is_some_and(Option::is_some));
    (on, values.into_iter().flatten().flatten().collect())
}

/// A row's binds in the order of `cols` without those of the columns `drop` (an update that
/// leaves them as they are).
pub(crate) fn without(cols: &str, binds: Vec<Bind>, drop: &[&str]) -> Vec<Bind> {
    cols.split(", ")
        .zip(binds)
        .filter(|(col, _)| !drop.contains(col))
        .map(|(_, b)| b)
        .collect()
}

/// The registered lengths of `IN (…)` lists: a list of ids is read in chunks of the longest,
/// the last one padded to the shortest length that holds it by repeating its last id (`IN` is
/// a set: a repeat changes nothing).
pub(crate) const IN_LENGTHS: [usize; 4] = [1, 10, 50, 200];

/// [`IN_LENGTHS`], as a family's keys.
pub(crate) fn in_lengths() -> Vec<usize> {
    IN_LENGTHS.to_vec()
}

/// Rows of `family` (keyed by an `IN` list's length, its ids bound after `prefix`) for every
/// id of `ids`, each id asked once.
pub(crate) async fn fetch_in<T>(
    c: &mut Conn<'_>,
    family: &Family<usize>,
    prefix: &[Bind],
    ids: &[uuid::Uuid],
) -> Result<Vec<T>>
where
    T: Row + Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<uuid::Uuid> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    let longest = IN_LENGTHS.last().copied().unwrap_or(1);
    let mut out = Vec::new();
    for chunk in ids.chunks(longest) {
        let (Some(len), Some(last)) = (
            IN_LENGTHS.iter().copied().find(|n| *n >= chunk.len()),
            chunk.last(),
        ) else {
            continue;
        };
        let mut binds = prefix.to_vec();
        binds.extend(chunk.iter().map(|id| Bind::Uuid(*id)));
        binds.resize(prefix.len() + len, Bind::Uuid(*last));
        out.extend(family.get(&len)?.fetch::<T>(c, &binds).await?);
    }
    Ok(out)
}

/// Every registered statement of every module, families' variants included.
pub(crate) fn all() -> Vec<&'static Stmt> {
    let mut list = [
        crate::audit::STATEMENTS,
        crate::audit::exports::STATEMENTS,
        crate::auth::identity::STATEMENTS,
        crate::auth::resets::STATEMENTS,
        crate::auth::sessions::STATEMENTS,
        crate::auth::throttle::STATEMENTS,
        crate::auth::tokens::STATEMENTS,
        crate::clients::STATEMENTS,
        crate::clients::contacts::STATEMENTS,
        crate::desk::STATEMENTS,
        crate::desk::csat::STATEMENTS,
        crate::desk::inbound::STATEMENTS,
        crate::desk::kpis::STATEMENTS,
        crate::desk::saved::STATEMENTS,
        crate::desk::setup::STATEMENTS,
        crate::desk::totals::STATEMENTS,
        crate::health::STATEMENTS,
        crate::invoicing::STATEMENTS,
        crate::invoicing::deliverables::STATEMENTS,
        crate::invoicing::sources::STATEMENTS,
        crate::jobs::STATEMENTS,
        crate::people::users::STATEMENTS,
        crate::workspaces::STATEMENTS,
        crate::notifications::alerts::STATEMENTS,
        crate::people::availability::STATEMENTS,
        crate::people::costs::STATEMENTS,
        crate::nps::STATEMENTS,
        crate::portal::STATEMENTS,
        crate::portal::questions::STATEMENTS,
        crate::projects::STATEMENTS,
        crate::radar::billed::STATEMENTS,
        crate::radar::totals::STATEMENTS,
        crate::time::STATEMENTS,
        crate::time::imports::STATEMENTS,
        crate::STATEMENTS,
    ]
    .concat();
    let families: [&[&dyn Variants]; 11] = [
        crate::desk::FAMILIES,
        crate::desk::kpis::FAMILIES,
        crate::invoicing::FAMILIES,
        crate::invoicing::sources::FAMILIES,
        crate::audit::FAMILIES,
        crate::reports::FAMILIES,
        crate::clients::FAMILIES,
        crate::clients::contacts::FAMILIES,
        crate::projects::FAMILIES,
        crate::radar::totals::FAMILIES,
        crate::time::FAMILIES,
    ];
    for f in families.iter().flat_map(|f| f.iter()) {
        list.extend(f.stmts());
    }
    list
}

/// Binds a slice of `Bind`s onto `$q`, in order; an array `$a` is bound as `$array` says.
macro_rules! bind_each {
    ($q:ident = $init:expr, $binds:expr, $a:ident => $array:expr) => {{
        let mut $q = $init;
        for b in $binds {
            $q = match b {
                $crate::Bind::Uuid(u) => $q.bind(*u),
                $crate::Bind::Text(s) => $q.bind(s.clone()),
                $crate::Bind::Int(i) => $q.bind(*i),
                $crate::Bind::Bool(b) => $q.bind(*b),
                $crate::Bind::OptUuid(u) => $q.bind(*u),
                $crate::Bind::OptText(s) => $q.bind(s.clone()),
                $crate::Bind::OptInt(i) => $q.bind(*i),
                $crate::Bind::Array($a) => $array,
            };
        }
        $q
    }};
}
pub(crate) use bind_each;

/// Binds a slice of `Bind`s onto a SQLite query, in order (arrays are refused before, by
/// [`Stmt::check`]).
macro_rules! bind_sqlite {
    ($q:expr, $binds:expr) => {
        $crate::registry::bind_each!(q = $q, $binds, _a => q)
    };
}
#[cfg_attr(not(feature = "testing"), allow(unused_imports))]
pub(crate) use bind_sqlite;

/// Binds a slice of `Bind`s onto a PostgreSQL query, in order.
macro_rules! bind_pg {
    ($q:expr, $binds:expr) => {
        $crate::registry::bind_each!(q = $q, $binds, a => match a {
            $crate::Array::Uuid(v) => q.bind(v.clone()),
            $crate::Array::OptUuid(v) => q.bind(v.clone()),
            $crate::Array::Int(v) => q.bind(v.clone()),
            $crate::Array::OptInt(v) => q.bind(v.clone()),
            $crate::Array::Text(v) => q.bind(v.clone()),
            $crate::Array::OptText(v) => q.bind(v.clone()),
            $crate::Array::Bool(v) => q.bind(v.clone()),
        })
    };
}
#[cfg_attr(not(feature = "testing"), allow(unused_imports))]
pub(crate) use bind_pg;

/// Runs `$body` with `$q` the statement's query, bound, and `$conn` the connection, on whichever
/// engine `$c` holds.
macro_rules! run {
    ($c:expr, $make:expr, $binds:expr, |$q:ident, $conn:ident| $body:expr) => {
        match $c {
            Conn::Sqlite($conn) => {
                let $q = bind_sqlite!($make, $binds);
                $body
            }
            Conn::Pg($conn) => {
                let $q = bind_pg!($make, $binds);
                $body
            }
        }
    };
}

impl Stmt {
    fn check(&self, c: &Conn<'_>, binds: &[Bind], row: Option<&Shape>) -> Result<()> {
        let wrong = |what: String| Err(StoreError::Corrupt(format!("{}: {what}", self.name)));
        if binds.len() != self.params {
            return wrong(format!(
                "takes {} parameters, {} given",
                self.params,
                binds.len()
            ));
        }
        let backend = match c {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        };
        if self.engine.is_some_and(|e| e != backend) {
            return wrong(format!("runs on {:?} only", self.engine));
        }
        if backend == Backend::Sqlite && binds.iter().any(|b| matches!(b, Bind::Array(_))) {
            return wrong("arrays are bound on PostgreSQL only".into());
        }
        match row {
            Some(Shape::Fields(f)) if *f != self.columns => {
                wrong(format!("declares {:?}, read into {f:?}", self.columns))
            }
            Some(Shape::Arity(n)) if *n != self.columns.len() => wrong(format!(
                "declares {} columns, read into {n}",
                self.columns.len()
            )),
            _ => Ok(()),
        }
    }

    /// Runs it; answers the rows affected.
    pub(crate) async fn exec(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<u64> {
        self.check(c, binds, None)?;
        let sql = sqlx::AssertSqlSafe(self.sql);
        Ok(run!(c, sqlx::query(sql), binds, |q, c| q
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?)
    }

    /// Every row it answers.
    pub(crate) async fn fetch<T>(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<Vec<T>>
    where
        T: Row + Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.check(c, binds, Some(&T::SHAPE))?;
        let sql = sqlx::AssertSqlSafe(self.sql);
        Ok(run!(c, sqlx::query_as::<_, T>(sql), binds, |q, c| q
            .fetch_all(&mut **c)
            .await)?)
    }

    /// Its row, if it answers one.
    pub(crate) async fn fetch_optional<T>(
        &self,
        c: &mut Conn<'_>,
        binds: &[Bind],
    ) -> Result<Option<T>>
    where
        T: Row + Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.check(c, binds, Some(&T::SHAPE))?;
        let sql = sqlx::AssertSqlSafe(self.sql);
        Ok(run!(c, sqlx::query_as::<_, T>(sql), binds, |q, c| q
            .fetch_optional(&mut **c)
            .await)?)
    }

    /// Its one row; `NotFound` when there is none.
    pub(crate) async fn fetch_one<T>(&self, c: &mut Conn<'_>, binds: &[Bind]) -> Result<T>
    where
        T: Row + Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        self.fetch_optional(c, binds)
            .await?
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
        if s.engine.is_some_and(|e| e != db.backend()) {
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

    /// No registered statement is dead: each declared statement and family is named in its
    /// module outside its declaration (and outside the module's `FAMILIES` list), or by path in
    /// another module. The functions naming them are run by the test suites on both engines.
    #[test]
    fn every_statement_is_used() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("read src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("read file");
                    files.push((p, text));
                }
            }
        }
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mentions = |text: &str, word: &str| {
            text.match_indices(word)
                .filter(|(i, _)| {
                    let before = text.get(..*i).and_then(|t| t.chars().last());
                    let after = text.get(i + word.len()..).and_then(|t| t.chars().next());
                    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
                })
                .count()
        };
        let mut names: Vec<&str> = super::all()
            .iter()
            .map(|s| s.name.split('[').next().unwrap_or(s.name))
            .collect();
        names.dedup();
        let mut unused = Vec::new();
        for name in names {
            let (module, stat) = name.rsplit_once("::").expect("module::NAME");
            let rel: Vec<&str> = module.split("::").skip(1).collect();
            let base = rel.iter().fold(src.clone(), |p, m| p.join(m));
            let file = if rel.is_empty() {
                src.join("lib.rs")
            } else if base.with_extension("rs").exists() {
                base.with_extension("rs")
            } else {
                base.join("mod.rs")
            };
            let own = files
                .iter()
                .find(|(p, _)| *p == file)
                .map(|(_, t)| t.as_str())
                .unwrap_or_default();
            let own: String = match own.find("static FAMILIES") {
                Some(i) => {
                    let end = own
                        .get(i..)
                        .and_then(|t| t.find(';'))
                        .map_or(own.len(), |e| i + e);
                    format!(
                        "{}{}",
                        own.get(..i).unwrap_or(""),
                        own.get(end..).unwrap_or("")
                    )
                }
                None => own.to_string(),
            };
            let declared = own
                .lines()
                .filter(|l| {
                    let l = l.trim_start();
                    l.starts_with(&format!("{stat}(")) || l.starts_with(&format!("{stat}:"))
                })
                .count();
            let by_path = rel
                .last()
                .map(|m| format!("{m}::{stat}"))
                .map_or(0, |p| files.iter().map(|(_, t)| mentions(t, &p)).sum());
            if mentions(&own, stat) <= declared && by_path == 0 {
                unused.push(name);
            }
        }
        assert!(unused.is_empty(), "registered but never run: {unused:#?}");
    }
}
