//! Circle's storage.
//!
//! One [`Store`] trait; an SQLite implementation (the embedded default: one file, created and
//! migrated on first start) and a PostgreSQL one (several app servers over one database). Both
//! run the same SQL where SQL allows and are held to one contract test suite
//! (`tests/contract.rs`). Row types stay in here: callers get domain types.

use std::sync::Arc;

use async_trait::async_trait;
use domain::plan::Plan;
use domain::sync::{Ack, ClientId, Mutation, PullResponse};
use domain::{Dataset, Person, PersonId, PersonSummary, Service};

pub mod demo;
mod postgres;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL (expected sqlite:<path> or postgres://user@host:port/database)"
    )]
    UnsupportedUrl,
    #[error("could not open the {backend} database: {source}", backend = .backend.name())]
    Connect {
        backend: Backend,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not bring the {backend} database schema up to date: {source}", backend = .backend.name())]
    Migrate {
        backend: Backend,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("no such record")]
    NotFound,
    #[error("the plan kept changing under this write; try again")]
    Contended,
}

/// A plan reached a new version. Devices showing it are poked and pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanChanged {
    pub person: PersonId,
    pub version: u64,
}

/// Everything Circle keeps. Object-safe so the app holds an `Arc<dyn Store>` chosen at start.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Succeeds when the database answers a query.
    async fn health(&self) -> Result<(), StoreError>;

    /// True when no service has been created yet (a new installation).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Writes every record of `data` in one transaction, replacing records with the same id:
    /// either all of it is stored or none of it.
    async fn import(&self, data: &Dataset) -> Result<(), StoreError>;

    async fn services(&self) -> Result<Vec<Service>, StoreError>;

    /// Everyone supported, as lists show them (strengths first), sorted by the name they are
    /// called.
    async fn people(&self) -> Result<Vec<PersonSummary>, StoreError>;

    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError>;

    /// The plan of `person` as the server holds it, and its version (0 before any change).
    async fn plan(&self, person: PersonId) -> Result<(Plan, u64), StoreError>;

    /// Runs one client's batch through the sync authority in one transaction: every new
    /// outcome, every accepted change and the new plan are stored together, or none is.
    /// Mutations from other clients in the batch are ignored.
    async fn sync_push(
        &self,
        person: PersonId,
        client: ClientId,
        batch: &[Mutation],
    ) -> Result<Vec<Ack>, StoreError>;

    /// The accepted changes after version `since` (at most `limit`), oldest first.
    async fn sync_pull(
        &self,
        person: PersonId,
        since: u64,
        limit: u32,
    ) -> Result<PullResponse, StoreError>;

    /// Every plan change committed from now on, by this process or (PostgreSQL) any other
    /// over the same database. A receiver that falls behind gets `Lagged`: it should treat
    /// every plan as changed.
    fn plan_changes(&self) -> tokio::sync::broadcast::Receiver<PlanChanged>;

    /// Waits for open connections to finish and closes them.
    async fn close(&self);
}

/// Opens (creating and migrating when needed) the database at `url`: `sqlite:<path>` or
/// `postgres://…` / `postgresql://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Writes the demo dataset (idempotent: running it twice leaves one copy).
pub async fn load_demo(store: &dyn Store) -> Result<(), StoreError> {
    store.import(&demo::dataset()).await
}
