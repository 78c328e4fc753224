use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use domain::PersonId;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use tokio::sync::broadcast;

use crate::{Backend, PlanChanged, StoreError, StoreEvent};

/// The shared store: PostgreSQL, for several stateless app servers over one database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Fed by LISTEN: events committed by any server over this database, this one included.
    changes: broadcast::Sender<StoreEvent>,
    listener: Arc<tokio::task::JoinHandle<()>>,
    catalog: domain::records::Catalog,
    /// Access facts kept while the access epoch stands (see `cache`).
    access: std::sync::Arc<crate::cache::AccessCache>,
}

const CHANNEL: &str = "circle_plan_changed";

impl PostgresStore {
    pub async fn connect(url: &str, catalog: domain::records::Catalog) -> Result<Self, StoreError> {
        let connect = |source| StoreError::Connect {
            backend: Backend::Postgres,
            source,
        };
        // No JIT compiling: Circle's queries are short, and PostgreSQL's cost estimate of a
        // report over a year of records passes the JIT threshold, where compiling costs more
        // (about 50 ms a query, measured on the governance passes) than it saves.
        let options = PgConnectOptions::from_str(url)
            .map_err(connect)?
            .options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(connect)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: Backend::Postgres,
                source,
            })?;
        let changes = broadcast::channel(1024).0;
        let listener = listen(&pool).await?;
        let listener = Arc::new(tokio::spawn(forward_notifications(
            pool.clone(),
            listener,
            changes.clone(),
        )));
        crate::sql::prepare_records!(&pool, &catalog);
        for index in crate::governance::postgres_indexes() {
            sqlx::query(&index).execute(&pool).await?;
        }
        Ok(Self {
            pool,
            changes,
            listener,
            catalog,
            access: std::sync::Arc::default(),
        })
    }

    /// Called inside the transaction that makes `event` happen: PostgreSQL delivers it to every
    /// listening server when (and only if) the transaction commits.
    async fn announce(
        &self,
        tx: &mut sqlx::PgConnection,
        event: StoreEvent,
    ) -> Result<(), StoreError> {
        let Some(payload) = payload(event) else {
            return Ok(());
        };
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// Called once that transaction committed (nothing to do: LISTEN brings it back).
    fn announced(&self, _event: StoreEvent) {}

    fn on_close(&self) {
        self.listener.abort();
    }

    /// A push's writes, one statement after another (PostgreSQL prepares one at a time).
    async fn run_writes(
        conn: &mut sqlx::PgConnection,
        writes: &crate::records::Writes,
    ) -> Result<(), StoreError> {
        for (sql, args) in &writes.statements {
            let query = crate::records::bind_all!(sqlx::query(sql), args.iter().cloned());
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// A push's own transaction: several servers share the database, and pushes to one person
    /// take turns on that person's row lock. A commit returns once it is durable
    /// (`synchronous_commit`, on by default).
    async fn write_turn(&self) -> Result<Turn, StoreError> {
        Ok(Turn(self.pool.begin().await?))
    }
}

/// A push's transaction.
pub(crate) struct Turn(sqlx::Transaction<'static, sqlx::Postgres>);

impl Turn {
    pub(crate) fn conn(&mut self) -> Result<&mut sqlx::PgConnection, StoreError> {
        Ok(&mut self.0)
    }

    /// Commits what succeeded; what failed is rolled back.
    pub(crate) async fn finish<T>(
        self,
        result: Result<T, StoreError>,
        _wrote: bool,
    ) -> Result<T, StoreError> {
        let value = result?;
        self.0
            .commit()
            .await
            .map_err(|e| StoreError::NotSaved(e.to_string()))?;
        Ok(value)
    }
}

/// An event as a NOTIFY payload: `p <person> <version>`, `a <user>` or `s <person>`.
fn payload(event: StoreEvent) -> Option<String> {
    match event {
        StoreEvent::Plan(changed) => Some(format!("p {} {}", changed.person, changed.version)),
        StoreEvent::Access(user) => Some(format!("a {user}")),
        StoreEvent::Support(person) => Some(format!("s {person}")),
        StoreEvent::Resync => None,
    }
}

fn parse_payload(payload: &str) -> Option<StoreEvent> {
    let mut parts = payload.split(' ');
    match (parts.next()?, parts.next()?, parts.next()) {
        ("p", person, Some(version)) => Some(StoreEvent::Plan(PlanChanged {
            person: person.parse::<PersonId>().ok()?,
            version: version.parse().ok()?,
        })),
        ("a", user, None) => Some(StoreEvent::Access(user.parse().ok()?)),
        ("s", person, None) => Some(StoreEvent::Support(person.parse().ok()?)),
        _ => None,
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, StoreError> {
    let mut listener =
        PgListener::connect_with(pool)
            .await
            .map_err(|source| StoreError::Connect {
                backend: Backend::Postgres,
                source,
            })?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Turns NOTIFY payloads into local announcements. When the listening connection is lost,
/// notifications sent meanwhile are gone: a new connection is made (retrying every second) and
/// then every live device is told to resync, so nothing missed stays missed.
async fn forward_notifications(
    pool: PgPool,
    mut listener: PgListener,
    changes: broadcast::Sender<StoreEvent>,
) {
    loop {
        match listener.try_recv().await {
            Ok(Some(note)) => {
                if let Some(event) = parse_payload(note.payload()) {
                    let _ = changes.send(event);
                }
            }
            Ok(None) | Err(_) => {
                tracing::warn!("lost the PostgreSQL change listener; reconnecting");
                listener = loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    match listen(&pool).await {
                        Ok(listener) => break listener,
                        Err(error) => tracing::warn!(%error, "could not listen again yet"),
                    }
                };
                tracing::info!("listening for changes again; asking every device to resync");
                let _ = changes.send(StoreEvent::Resync);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_announced_event_reads_back_from_its_payload() {
        let person = PersonId(uuid::Uuid::from_u128(7));
        let user = domain::access::UserId(uuid::Uuid::from_u128(9));
        for event in [
            StoreEvent::Plan(PlanChanged {
                person,
                version: 42,
            }),
            StoreEvent::Access(user),
            StoreEvent::Support(person),
        ] {
            let text = payload(event).expect("a payload");
            assert_eq!(parse_payload(&text), Some(event));
        }
        assert_eq!(payload(StoreEvent::Resync), None);
        assert_eq!(parse_payload("nonsense"), None);
    }

    #[tokio::test]
    async fn the_stores_connections_never_compile_queries_to_machine_code() {
        let db = crate::testing::TestDatabase::new(Backend::Postgres).await;
        let store = PostgresStore::connect(&db.url, domain::records::Catalog::standard())
            .await
            .expect("open the store");
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = store.pool.acquire().await.expect("a connection");
            let jit: String = sqlx::query_scalar("SHOW jit")
                .fetch_one(&mut *conn)
                .await
                .expect("SHOW jit");
            assert_eq!(jit, "off");
            held.push(conn);
        }
        drop(held);
        crate::Store::close(&store).await;
        db.remove().await;
    }
}

// Writes that read first take the write lock up front ("BEGIN").
crate::sql::sql_store!(
    PostgresStore,
    Backend::Postgres,
    lock_head = Some(crate::records::LOCK_HEAD)
);
