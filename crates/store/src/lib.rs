//! The database façade: one `Db` over SQLite or PostgreSQL, connections and write transactions,
//! and the repository functions of every module. SQL is written once and run on both engines.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod clients;
pub mod constraints;
pub mod desk;
pub mod health;
pub mod invoicing;
pub mod jobs;
pub mod listing;
pub mod migrate;
pub mod notifications;
pub mod nps;
pub mod people;
pub mod portal;
pub mod projects;
pub mod radar;
pub mod registry;
pub mod reports;
pub mod schema_rules;
pub mod time;
pub mod workspaces;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// An optional civil day (`YYYYMMDD`) as a bind value.
pub(crate) fn opt_day(d: Option<i32>) -> Bind {
    Bind::OptInt(d.map(i64::from))
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique index (its name, the same on both engines: see [`constraints`]) or a stale
    /// `version`, or a state a guarded update did not find (`change_requests_status`).
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    /// The storage cannot serve the request now: disk full, read-only file or mount, I/O error,
    /// the database unreachable or busy past the timeout. Worth retrying later (503), not a bug.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The engine aborted the transaction to keep concurrent writers right (PostgreSQL: a
    /// serialization failure, 40001, or a deadlock, 40P01; SQLite: `BUSY_SNAPSHOT`): the whole
    /// transaction may simply run again.
    #[error("transaction aborted by a concurrent writer, to run again: {0}")]
    Retry(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error()
            && db.is_unique_violation()
        {
            return StoreError::Conflict(constraints::name_of(db));
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        // A stored value that is not one of its type's states (`mesure_domain`'s `stored`).
        if matches!(e, sqlx::Error::ColumnDecode { .. }) {
            return StoreError::Corrupt(e.to_string());
        }
        if let Some(db) = e.as_database_error() {
            let code = db.code();
            let retry = if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // BUSY_SNAPSHOT: a transaction that began reading saw an older snapshot than the
                // one it must write on; it can only start again. (Plain BUSY has already waited
                // out the busy timeout: it stays a storage fault below.)
                code.as_deref() == Some("517")
            } else {
                matches!(code.as_deref(), Some("40001" | "40P01"))
            };
            if retry {
                return StoreError::Retry(e);
            }
        }
        if is_storage_fault(&e) {
            return StoreError::Unavailable(e);
        }
        StoreError::Db(e)
    }
}

/// Whether an error comes from the storage rather than from the statement: the engine cannot
/// write or be reached right now, and the same request may succeed later.
pub fn is_storage_fault(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let Some(code) = db.code() else {
                return false;
            };
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Primary result codes (the low byte of an extended code): BUSY (past the busy
                // timeout), READONLY, IOERR, FULL, CANTOPEN.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 8 | 10 | 13 | 14))
            } else {
                // SQLSTATE: connection exceptions, insufficient resources (disk full, out of
                // memory, too many connections), operator intervention (shutdown, cannot
                // connect now), a read-only transaction (hot standby, read-only default),
                // system I/O errors, a database that does not exist (dropped).
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
                    || code == "25006"
                    || code.starts_with("58")
                    || code == "3D000"
            }
        }
        _ => false,
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine a `Db` talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite allows one writer: the lock queues this process's write transactions fairly in
    /// async code instead of leaving them to SQLite's sleeping busy handler.
    Sqlite(SqlitePool, Arc<tokio::sync::Mutex<()>>),
    Pg(PgPool),
}

/// A borrowed connection: the handle every repository function takes.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

/// A pooled connection for reads.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(&mut *c),
            Pooled::Pg(c) => Conn::Pg(&mut *c),
        }
    }
}

/// A write transaction (`BEGIN IMMEDIATE` on SQLite).
pub enum Tx {
    Sqlite(
        Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t, _) => Conn::Sqlite(&mut *t),
            Tx::Pg(t) => Conn::Pg(&mut *t),
        }
    }
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t, _guard) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A connection of its own for a long piece of work (an import): it reads outside any
/// transaction and writes in short transactions of its own ([`Dedicated::begin`]), so the rest
/// of the process keeps its pool and, on SQLite, takes the write lock between two of them. On
/// SQLite the connection leaves the pool and is closed at the end, giving back the large page
/// cache such work sets; on PostgreSQL it is an ordinary pooled connection.
pub enum Dedicated {
    Sqlite(Box<SqliteConnection>, Arc<tokio::sync::Mutex<()>>),
    Pg(PoolConnection<Postgres>),
}

/// A short write transaction on a [`Dedicated`] connection; on SQLite it holds the process's
/// write lock until it ends. Dropping it rolls back.
pub enum DedicatedTx<'a> {
    Sqlite(Transaction<'a, Sqlite>, tokio::sync::OwnedMutexGuard<()>),
    Pg(Transaction<'a, Postgres>),
}

impl Dedicated {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Dedicated::Sqlite(c, _) => Conn::Sqlite(&mut *c),
            Dedicated::Pg(c) => Conn::Pg(&mut *c),
        }
    }

    /// A write transaction (`BEGIN IMMEDIATE` on SQLite, after the process's write lock).
    pub async fn begin(&mut self) -> Result<DedicatedTx<'_>> {
        Ok(match self {
            Dedicated::Sqlite(c, lock) => {
                let guard = lock.clone().lock_owned().await;
                let t = sqlx::Connection::begin_with(&mut **c, "BEGIN IMMEDIATE").await?;
                DedicatedTx::Sqlite(t, guard)
            }
            Dedicated::Pg(c) => DedicatedTx::Pg(sqlx::Connection::begin(&mut **c).await?),
        })
    }

    /// On SQLite, copies what the write-ahead log holds into the database file (a passive
    /// checkpoint: it waits for no one and no one waits for it), outside the write lock. Long
    /// work turns the connection's automatic checkpoints off and calls this every few
    /// transactions, so that the copy and its sync are not done while other writers wait.
    pub async fn checkpoint(&mut self) -> Result<()> {
        if let Dedicated::Sqlite(..) = self {
            CHECKPOINT.exec(&mut self.conn(), &[]).await?;
        }
        Ok(())
    }

    /// On SQLite, sets the connection up for long bulk work: a page cache of `cache_mib` MiB and
    /// no automatic checkpoints (the caller runs [`Dedicated::checkpoint`] between its
    /// transactions). Nothing on PostgreSQL.
    pub async fn tune_sqlite_for_bulk(&mut self, cache_mib: i64) -> Result<()> {
        if let Dedicated::Sqlite(c, _) = self {
            // The one statement not registered (decision 61): a PRAGMA takes no parameter, and
            // its value is an integer from the configuration, not an enumerable set.
            let sql = format!(
                "PRAGMA cache_size = -{}",
                cache_mib.clamp(1, 1 << 20) * 1024
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **c)
                .await?;
            NO_AUTOCHECKPOINT.exec(&mut self.conn(), &[]).await?;
        }
        Ok(())
    }

    /// Closes a SQLite connection (its memory goes with it); a PostgreSQL one goes back to the
    /// pool.
    pub async fn close(self) {
        if let Dedicated::Sqlite(c, _) = self
            && let Err(e) = sqlx::Connection::close(*c).await
        {
            tracing::warn!(error = %e, "closing a dedicated connection");
        }
    }
}

impl DedicatedTx<'_> {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            DedicatedTx::Sqlite(t, _) => Conn::Sqlite(&mut *t),
            DedicatedTx::Pg(t) => Conn::Pg(&mut *t),
        }
    }
    pub async fn commit(self) -> Result<()> {
        match self {
            DedicatedTx::Sqlite(t, _guard) => t.commit().await?,
            DedicatedTx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Runs one body of code against whichever engine a `Conn` holds; `$c` is the
/// `&mut &mut XConnection`, so executors are written `&mut **c`. Private to the store: nothing
/// else runs SQL.
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Pg($c) => $body,
        }
    };
}
pub(crate) use on;

impl Db {
    /// Opens (creating if needed) a database: `sqlite://path` / a plain path, or `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .after_release(|c, _| Box::pin(reusable(c)))
                .connect_with(opts)
                .await?;
            Ok(Db::Pg(pool))
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Self::open_sqlite(Path::new(path), max_connections).await
        }
    }

    async fn open_sqlite(path: &Path, max_connections: u32) -> Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|c, _| Box::pin(reusable(c)))
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool, Arc::default()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<Pooled> {
        Ok(match self {
            Db::Sqlite(p, _) => Pooled::Sqlite(p.acquire().await?),
            Db::Pg(p) => Pooled::Pg(p.acquire().await?),
        })
    }

    /// A write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p, lock) => {
                let guard = lock.clone().lock_owned().await;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, guard)
            }
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    /// A connection of its own for long work (imports), see [`Dedicated`].
    pub async fn dedicated(&self) -> Result<Dedicated> {
        Ok(match self {
            Db::Sqlite(p, lock) => {
                Dedicated::Sqlite(Box::new(p.acquire().await?.detach()), lock.clone())
            }
            Db::Pg(p) => Dedicated::Pg(p.acquire().await?),
        })
    }

    /// Writes a consistent copy of a SQLite database to `out` (`VACUUM INTO`); a PostgreSQL
    /// database is backed up with its own tools.
    pub async fn backup_sqlite(&self, out: &Path) -> Result<()> {
        if !matches!(self, Db::Sqlite(..)) {
            return Err(StoreError::Corrupt("not a SQLite database".into()));
        }
        let mut p = self.read().await?;
        VACUUM_INTO
            .exec(
                &mut p.conn(),
                &[Bind::Text(out.to_string_lossy().into_owned())],
            )
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }
}

/// Whether a connection coming back to the pool may serve another request: whatever transaction
/// it held must be over. Dropping a transaction only queues its rollback; the round trip here
/// runs it. A connection still counted inside a transaction after that is closed, not pooled:
/// that happens when a COMMIT or ROLLBACK fails — on a full disk SQLite has already rolled the
/// transaction back, refuses the ROLLBACK sqlx then sends, and sqlx keeps counting the
/// transaction, so every later `BEGIN` on that connection would fail ("begin_with at non-zero
/// transaction depth") until a restart.
async fn reusable<C: sqlx::Connection>(conn: &mut C) -> std::result::Result<bool, sqlx::Error> {
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("closing a connection left inside a failed transaction");
        return Ok(false);
    }
    Ok(true)
}

/// On SQLite, refreshes the planner's statistics after a large change, bounded so that it holds
/// the write lock for milliseconds (`PRAGMA optimize` with an analysis limit). Nothing on
/// PostgreSQL (autovacuum analyses).
pub async fn optimize_sqlite(c: &mut Conn<'_>) -> Result<()> {
    if let Conn::Sqlite(_) = c {
        ANALYSIS_LIMIT.exec(c, &[]).await?;
        OPTIMIZE.exec(c, &[]).await?;
    }
    Ok(())
}

registry::statements! {
    CHECKPOINT(0) ["busy", "log", "checkpointed"] @sqlite = "PRAGMA wal_checkpoint(PASSIVE)";
    NO_AUTOCHECKPOINT(0) ["wal_autocheckpoint"] @sqlite = "PRAGMA wal_autocheckpoint = 0";
    VACUUM_INTO(1) [] @sqlite = "VACUUM INTO $1";
    ANALYSIS_LIMIT(0) ["analysis_limit"] @sqlite = "PRAGMA analysis_limit = 1000";
    OPTIMIZE(0) ["optimize"] @sqlite = "PRAGMA optimize";
}

/// Now, in microseconds since the Unix epoch: the unit of every stored timestamp.
pub fn now_us() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// A stored timestamp as a `jiff::Timestamp`.
pub fn ts(us: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(us).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The longest search text used: longer searches are cut to it.
pub const MAX_SEARCH_CHARS: usize = 500;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. The search text is cut to [`MAX_SEARCH_CHARS`] characters: SQLite refuses LIKE patterns over
/// 50,000 bytes ("pattern too complex"), and no name is longer than the cut.
pub fn like_pattern(q: &str) -> String {
    let mut s = String::with_capacity(q.len().min(4 * MAX_SEARCH_CHARS) + 2);
    s.push('%');
    for ch in q.to_lowercase().chars().take(MAX_SEARCH_CHARS) {
        if matches!(ch, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(ch);
    }
    s.push('%');
    s
}

/// A value bound to a registered statement.
#[derive(Clone, Debug)]
pub enum Bind {
    Uuid(uuid::Uuid),
    Text(String),
    Int(i64),
    Bool(bool),
    OptUuid(Option<uuid::Uuid>),
    OptText(Option<String>),
    OptInt(Option<i64>),
    /// One array per column (PostgreSQL's `UNNEST` bulk statements only).
    Array(Array),
}

/// A column of values bound as one PostgreSQL array.
#[derive(Clone, Debug)]
pub enum Array {
    Uuid(Vec<uuid::Uuid>),
    OptUuid(Vec<Option<uuid::Uuid>>),
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Text(Vec<String>),
    OptText(Vec<Option<String>>),
    Bool(Vec<bool>),
}

macro_rules! bind_from {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl From<$t> for Bind {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}
bind_from! {
    uuid::Uuid => |v| Bind::Uuid(v);
    &uuid::Uuid => |v| Bind::Uuid(*v);
    String => |v| Bind::Text(v);
    &String => |v| Bind::Text(v.clone());
    &str => |v| Bind::Text(v.to_string());
    i64 => |v| Bind::Int(v);
    &i64 => |v| Bind::Int(*v);
    i32 => |v| Bind::Int(i64::from(v));
    bool => |v| Bind::Bool(v);
    Option<uuid::Uuid> => |v| Bind::OptUuid(v);
    &Option<uuid::Uuid> => |v| Bind::OptUuid(*v);
    Option<String> => |v| Bind::OptText(v);
    &Option<String> => |v| Bind::OptText(v.clone());
    Option<&str> => |v| Bind::OptText(v.map(str::to_string));
    Option<i64> => |v| Bind::OptInt(v);
    &Option<i64> => |v| Bind::OptInt(*v);
    Option<i32> => |v| Bind::OptInt(v.map(i64::from));
}

/// Runs `$body` with `$inner: &mut Conn` in one read snapshot, so that its statements (a page and
/// its count) see the same data: outside a transaction, a read-only REPEATABLE READ transaction
/// on PostgreSQL and a deferred one on SQLite (each statement would otherwise see its own
/// snapshot); inside a transaction, the caller's transaction decides. An early `?` drops (rolls
/// back) the read transaction.
macro_rules! in_snapshot {
    ($c:expr, $inner:ident => $body:block) => {{
        match $c {
            $crate::Conn::Pg(pg) if !sqlx::Connection::is_in_transaction(&**pg) => {
                let mut tx = sqlx::Connection::begin_with(
                    &mut **pg,
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                )
                .await?;
                let out = {
                    let $inner: &mut $crate::Conn<'_> = &mut $crate::Conn::Pg(&mut tx);
                    $body
                };
                tx.commit().await?;
                out
            }
            $crate::Conn::Sqlite(sq) if !sqlx::Connection::is_in_transaction(&**sq) => {
                let mut tx = sqlx::Connection::begin(&mut **sq).await?;
                let out = {
                    let $inner: &mut $crate::Conn<'_> = &mut $crate::Conn::Sqlite(&mut tx);
                    $body
                };
                tx.commit().await?;
                out
            }
            c => {
                let $inner: &mut $crate::Conn<'_> = c;
                $body
            }
        }
    }};
}
pub(crate) use in_snapshot;

/// Domain states bind as their text, as `mesure_domain`'s `stored` module reads them back.
macro_rules! bind_text {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Bind {
            fn from(v: $t) -> Self {
                Bind::Text(v.as_str().to_string())
            }
        }
        impl From<Option<$t>> for Bind {
            fn from(v: Option<$t>) -> Self {
                Bind::OptText(v.map(|v| v.as_str().to_string()))
            }
        }
    )*};
}
bind_text!(
    mesure_domain::desk::states::Channel,
    mesure_domain::desk::states::Priority,
    mesure_domain::desk::states::Status,
    mesure_domain::desk::states::Tier,
    mesure_domain::desk::states::TicketType,
    mesure_domain::projects::engagement::BillingModel,
    mesure_domain::projects::engagement::ChangeStatus,
    mesure_domain::projects::engagement::DeliverableStatus,
    mesure_domain::projects::engagement::FixedRevenue,
    mesure_domain::projects::engagement::FreeReason,
    mesure_domain::projects::engagement::RolloverKind,
    mesure_domain::projects::engagement::Scope,
    mesure_domain::time::EntrySource,
    mesure_domain::time::Rounding,
    mesure_domain::ContactRole,
    mesure_domain::Language,
    mesure_domain::Role,
    mesure_domain::UserKind,
);
impl From<mesure_domain::Currency> for Bind {
    fn from(v: mesure_domain::Currency) -> Self {
        Bind::Text(v.code().to_string())
    }
}

/// Which rows a list shows by archive state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ArchiveFilter {
    #[default]
    Active,
    Archived,
    All,
}

impl ArchiveFilter {
    pub const ALL: [ArchiveFilter; 3] = [
        ArchiveFilter::Active,
        ArchiveFilter::Archived,
        ArchiveFilter::All,
    ];
    pub fn sql(self) -> &'static str {
        match self {
            ArchiveFilter::Active => " AND archived_at IS NULL",
            ArchiveFilter::Archived => " AND archived_at IS NOT NULL",
            ArchiveFilter::All => "",
        }
    }
}

/// Sort order of a list: by a text key or a creation time, either direction, ties broken by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    NameAsc,
    NameDesc,
    CreatedAsc,
    CreatedDesc,
}

/// A keyset cursor: the sort key and id of the last row of the previous page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: CursorKey,
    pub id: uuid::Uuid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CursorKey {
    Text(String),
    Int(i64),
}

impl Cursor {
    /// The position of a row in a list sorted by `sort`: its text key (name order) or its
    /// creation time, then its id.
    pub fn at(sort: Sort, text_key: &str, created_at: i64, id: uuid::Uuid) -> Cursor {
        let key = match sort {
            Sort::NameAsc | Sort::NameDesc => CursorKey::Text(text_key.to_string()),
            Sort::CreatedAsc | Sort::CreatedDesc => CursorKey::Int(created_at),
        };
        Cursor { key, id }
    }
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::NameAsc,
        Sort::NameDesc,
        Sort::CreatedAsc,
        Sort::CreatedDesc,
    ];

    fn column(self, text_col: &str) -> (&str, &'static str) {
        match self {
            Sort::NameAsc => (text_col, "ASC"),
            Sort::NameDesc => (text_col, "DESC"),
            Sort::CreatedAsc => ("created_at", "ASC"),
            Sort::CreatedDesc => ("created_at", "DESC"),
        }
    }

    /// The binds of the keyset condition for `cursor`: its key then its id; none without a
    /// cursor, or with a cursor made for another sort (the list starts from the beginning of
    /// this order).
    pub(crate) fn cursor_binds(self, cursor: Option<&Cursor>) -> Option<[Bind; 2]> {
        let cur = cursor?;
        let by_time = matches!(self, Sort::CreatedAsc | Sort::CreatedDesc);
        let key = match (&cur.key, by_time) {
            (CursorKey::Int(i), true) => Bind::Int(*i),
            (CursorKey::Text(s), false) => Bind::Text(s.clone()),
            _ => return None,
        };
        Some([key, Bind::Uuid(cur.id)])
    }

    /// The keyset condition (with the cursor's key at `$k` and its id at `$k+1`, when
    /// `cursor_at` is `Some(k)`) and the `ORDER BY` for a table whose text sort column is
    /// `text_col`.
    pub(crate) fn keyset_sql(self, text_col: &str, cursor_at: Option<usize>) -> (String, String) {
        let (col, dir) = self.column(text_col);
        let order = format!(" ORDER BY {col} {dir}, id {dir}");
        let Some(k) = cursor_at else {
            return (String::new(), order);
        };
        let op = if dir == "ASC" { ">" } else { "<" };
        let i = k + 1;
        (
            format!(" AND ({col} {op} ${k} OR ({col} = ${k} AND id {op} ${i}))"),
            order,
        )
    }
}

/// Sorts rows the way `Sort::keyset` orders them in SQL (byte order of text keys, then id).
pub fn sort_rows<T>(
    rows: &mut [T],
    sort: Sort,
    text: impl Fn(&T) -> &str,
    created: impl Fn(&T) -> i64,
    id: impl Fn(&T) -> uuid::Uuid,
) {
    rows.sort_by(|a, b| {
        let ord = match sort {
            Sort::NameAsc | Sort::NameDesc => text(a).as_bytes().cmp(text(b).as_bytes()),
            Sort::CreatedAsc | Sort::CreatedDesc => created(a).cmp(&created(b)),
        }
        .then_with(|| id(a).as_bytes().cmp(id(b).as_bytes()));
        if matches!(sort, Sort::NameDesc | Sort::CreatedDesc) {
            ord.reverse()
        } else {
            ord
        }
    });
}

/// Raw SQL for the integration tests only (feature `testing`, enabled by `mesure-testkit`'s
/// dev-dependencies, never by the binary): they read and bend the database behind the
/// application's back. The application's own SQL is registered in [`registry`].
#[cfg(feature = "testing")]
pub mod testing {
    use crate::registry::{bind_pg, bind_sqlite};
    use crate::{Bind, Conn, Result};

    pub async fn exec(c: &mut Conn<'_>, sql: &str, binds: &[Bind]) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql);
        Ok(match c {
            Conn::Sqlite(c) => bind_sqlite!(sqlx::query(sql), binds)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Conn::Pg(c) => bind_pg!(sqlx::query(sql), binds)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    pub async fn fetch<T>(c: &mut Conn<'_>, sql: &str, binds: &[Bind]) -> Result<Vec<T>>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let sql = sqlx::AssertSqlSafe(sql);
        Ok(match c {
            Conn::Sqlite(c) => {
                bind_sqlite!(sqlx::query_as::<_, T>(sql), binds)
                    .fetch_all(&mut **c)
                    .await
            }
            Conn::Pg(c) => {
                bind_pg!(sqlx::query_as::<_, T>(sql), binds)
                    .fetch_all(&mut **c)
                    .await
            }
        }?)
    }
}
