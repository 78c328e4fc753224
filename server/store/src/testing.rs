//! Fresh databases for tests: an SQLite file in the temp directory, or a new PostgreSQL
//! database on the server named by `CIRCLE_TEST_POSTGRES_URL` (default: the local one at
//! `postgres://postgres@127.0.0.1:5432/test`). A PostgreSQL that cannot be reached fails the
//! test: both backends are first-class, so neither is ever skipped.

use std::sync::Arc;

use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use crate::{Backend, Store};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server tests run against.
pub fn postgres_admin_url() -> String {
    std::env::var("CIRCLE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// A database that exists for one test. Call [`TestDatabase::remove`] at the end.
#[derive(Debug)]
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    name: String,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        let name = format!("circle_test_{}", Uuid::new_v4().simple());
        let url = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite:{}", path.display())
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL at {admin} is unreachable ({e}); set CIRCLE_TEST_POSTGRES_URL"
                    )
                });
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create the test database");
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
        };
        Self { backend, url, name }
    }

    /// Opens (and migrates) a store on this database.
    pub async fn store(&self) -> Arc<dyn Store> {
        crate::connect(&self.url)
            .await
            .expect("open the test store")
    }

    /// Opens a store on this database that knows the kinds of `catalog`.
    pub async fn store_with(&self, catalog: domain::records::Catalog) -> Arc<dyn Store> {
        crate::connect_with(&self.url, catalog)
            .await
            .expect("open the test store")
    }

    /// Deletes the database. Close every store on it first.
    pub async fn remove(self) {
        match self.backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite:");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Backend::Postgres => {
                if let Ok(mut conn) = PgConnection::connect(&postgres_admin_url()).await {
                    let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                    let _ = conn.execute(drop.as_str()).await;
                }
            }
        }
    }
}

/// Runs `test` against a fresh store on `backend`, then removes the database.
pub async fn with_store<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Arc<dyn Store>, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let db = TestDatabase::new(backend).await;
    let store = db.store().await;
    test(store.clone(), db.url.clone()).await;
    store.close().await;
    db.remove().await;
}
