use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::{Backend, StoreError};

/// The shared store: PostgreSQL, for several stateless app servers over one database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

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
        Ok(Self { pool })
    }
}

// Writes that read first take the write lock up front ("BEGIN").
crate::sql::sql_store!(PostgresStore, Backend::Postgres, begin_write = "BEGIN");
