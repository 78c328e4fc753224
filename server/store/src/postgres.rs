use std::time::Duration;

use std::sync::Arc;

use domain::PersonId;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::sync::broadcast;

use crate::{Backend, PlanChanged, StoreError};

/// The shared store: PostgreSQL, for several stateless app servers over one database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Fed by LISTEN: changes committed by any server over this database, this one included.
    changes: broadcast::Sender<PlanChanged>,
    listener: Arc<tokio::task::JoinHandle<()>>,
}

const CHANNEL: &str = "circle_plan_changed";

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|source| StoreError::Connect {
                backend: Backend::Postgres,
                source,
            })?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: Backend::Postgres,
                source,
            })?;
        let changes = broadcast::channel(1024).0;
        let mut listener =
            PgListener::connect_with(&pool)
                .await
                .map_err(|source| StoreError::Connect {
                    backend: Backend::Postgres,
                    source,
                })?;
        listener.listen(CHANNEL).await?;
        let listener = Arc::new(tokio::spawn(forward_notifications(
            listener,
            changes.clone(),
        )));
        Ok(Self {
            pool,
            changes,
            listener,
        })
    }

    async fn before_commit(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        changed: PlanChanged,
    ) -> Result<(), StoreError> {
        // Delivered to every listening server when (and only if) the transaction commits.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("{} {}", changed.person, changed.version))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    fn after_commit(&self, _changed: PlanChanged) {}

    fn on_close(&self) {
        self.listener.abort();
    }

    /// Several servers share the database: plan writes take turns on the plan's row lock.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        None
    }
}

/// Turns NOTIFY payloads into local announcements. sqlx reconnects a lost listener; changes
/// missed meanwhile are caught up by the devices' next pull, which they make on reconnect.
async fn forward_notifications(mut listener: PgListener, changes: broadcast::Sender<PlanChanged>) {
    loop {
        match listener.recv().await {
            Ok(note) => {
                let mut parts = note.payload().split(' ');
                if let (Some(Ok(person)), Some(Ok(version))) = (
                    parts.next().map(str::parse::<PersonId>),
                    parts.next().map(str::parse::<u64>),
                ) {
                    let _ = changes.send(PlanChanged { person, version });
                }
            }
            Err(error) => {
                tracing::warn!(%error, "lost the PostgreSQL change listener; reconnecting");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

// Writes that read first take the write lock up front ("BEGIN").
crate::sql::sql_store!(PostgresStore, Backend::Postgres, begin_write = "BEGIN");
