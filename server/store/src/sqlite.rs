use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use tokio::sync::broadcast;

use crate::{Backend, StoreError, StoreEvent};

/// The embedded store: one SQLite file in WAL mode.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// One process owns the file, so changes are announced in process.
    changes: broadcast::Sender<StoreEvent>,
    /// SQLite has one writer at a time. Pushes queue here, first come first served, rather
    /// than in SQLite's busy handler (which polls, favours no one, and after `busy_timeout`
    /// fails a push that waited behind many others), and pushes that arrive together are
    /// committed together: one fsync for all of them (see `group`).
    writer: crate::group::Shared,
    catalog: domain::records::Catalog,
    /// Access facts kept while the access epoch stands (see `cache`).
    access: std::sync::Arc<crate::cache::AccessCache>,
}

impl SqliteStore {
    pub async fn connect(url: &str, catalog: domain::records::Catalog) -> Result<Self, StoreError> {
        let connect_error = |source| StoreError::Connect {
            backend: Backend::Sqlite,
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged edit is on disk: a commit waits for its fsync (`FULL`), so the
            // last answered pushes survive a power cut, not only a crash of Circle.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Pages kept in each connection (32 MiB; SQLite's own default is 2 MiB): a
            // governance pass reads a year of a report table, and with the small cache it reads
            // most pages again from the file at every pass (measured: a fifth of the largest
            // pass's time). At most eight connections, so at most 256 MiB.
            .pragma("cache_size", "-32768")
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: Backend::Sqlite,
                source,
            })?;
        crate::sql::prepare_records!(&pool, &catalog);
        for index in crate::governance::sqlite_indexes() {
            sqlx::query(&index).execute(&pool).await?;
        }
        Ok(Self {
            pool,
            changes: broadcast::channel(1024).0,
            writer: std::sync::Arc::default(),
            catalog,
            access: std::sync::Arc::default(),
        })
    }

    /// Called inside the transaction that makes `event` happen (nothing to do: one process).
    async fn announce(
        &self,
        _tx: &mut sqlx::SqliteConnection,
        _event: StoreEvent,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// Called once that transaction committed: tells this process's listeners.
    fn announced(&self, event: StoreEvent) {
        let _ = self.changes.send(event);
    }

    fn on_close(&self) {}

    /// A push's writes, in one round trip (or a few, for a long push): SQLite runs every
    /// statement of a list, numbering parameters across them.
    async fn run_writes(
        conn: &mut sqlx::SqliteConnection,
        writes: &crate::records::Writes,
    ) -> Result<(), StoreError> {
        for (sql, args) in writes.joined() {
            let query = crate::records::bind_all!(sqlx::query(&sql), args);
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// A push's turn on the shared writer (group commit).
    async fn write_turn(&self) -> Result<crate::group::Turn, StoreError> {
        crate::group::enter(&self.writer, &self.pool).await
    }
}

crate::sql::sql_store!(SqliteStore, Backend::Sqlite, lock_head = None::<&str>);
