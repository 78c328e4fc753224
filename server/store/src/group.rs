//! Group commit for SQLite: pushes that arrive together are saved by one transaction, so one
//! fsync makes all of them durable before any of them is acknowledged.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for the disk.
//! Committing each push on its own would cost one fsync per edit. Instead each push takes its
//! turn on one shared connection (first come, first served), runs inside a savepoint of the open
//! transaction (so a push that fails is undone alone), and waits. The first push to wait asks
//! for a commit; the commit runs once every push already queued has had its turn, then answers
//! everyone whose work it wrote. Nobody is answered before the commit that holds their work.
//!
//! A push abandoned half-way (its request dropped) is rolled back to its savepoint when its turn
//! is dropped, and a transaction nobody waits for is rolled back, so the write lock is never
//! left held.

use std::sync::Arc;

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::StoreError;

/// The shared writer: the open transaction and who waits for its commit.
#[derive(Debug, Default)]
pub(crate) struct Group {
    tx: Option<Transaction<'static, Sqlite>>,
    /// A push's savepoint is open (its turn not yet finished).
    in_push: bool,
    /// Pushes whose work the open transaction holds, waiting for it to commit.
    waiters: Vec<oneshot::Sender<Result<(), String>>>,
}

pub(crate) type Shared = Arc<Mutex<Group>>;

/// One push's turn on the shared connection.
pub(crate) struct Turn {
    guard: Option<OwnedMutexGuard<Group>>,
    group: Shared,
}

/// Waits for the shared connection, opens the transaction if none is open, and starts this
/// push's savepoint.
pub(crate) async fn enter(group: &Shared, pool: &SqlitePool) -> Result<Turn, StoreError> {
    let mut guard = group.clone().lock_owned().await;
    undo_abandoned(&mut guard).await;
    if guard.tx.is_none() {
        guard.tx = Some(pool.begin_with("BEGIN IMMEDIATE").await?);
    }
    let started = match guard.tx.as_mut() {
        Some(tx) => sqlx::query("SAVEPOINT push")
            .execute(&mut **tx)
            .await
            .map(drop),
        None => Ok(()),
    };
    if let Err(error) = started {
        abandon(&mut guard, &error.to_string());
        return Err(error.into());
    }
    guard.in_push = true;
    Ok(Turn {
        guard: Some(guard),
        group: group.clone(),
    })
}

impl Turn {
    /// The connection, inside this push's savepoint.
    pub(crate) fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.guard
            .as_mut()
            .and_then(|g| g.tx.as_mut())
            .map(|tx| &mut **tx)
            .ok_or_else(|| StoreError::Corrupt("the shared writer has no transaction".into()))
    }

    /// Ends the turn. Work that succeeded is kept and `Ok` returned once it is durable; work
    /// that failed is undone (the others' is not) and its error returned.
    pub(crate) async fn finish<T>(
        mut self,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Some(mut guard) = self.guard.take() else {
            return Err(StoreError::Corrupt("a push's turn ended twice".into()));
        };
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                undo_push(&mut guard).await;
                return Err(error);
            }
        };
        let released = match guard.tx.as_mut() {
            Some(tx) => sqlx::query("RELEASE push")
                .execute(&mut **tx)
                .await
                .map(drop),
            None => Ok(()),
        };
        guard.in_push = false;
        if let Err(error) = released {
            abandon(&mut guard, &error.to_string());
            return Err(error.into());
        }
        let (sender, receiver) = oneshot::channel();
        guard.waiters.push(sender);
        if guard.waiters.len() == 1 {
            // The commit is its own task: it happens even if this request goes away.
            tokio::spawn(commit(self.group.clone()));
        }
        drop(guard);
        match receiver.await {
            Ok(Ok(())) => Ok(value),
            Ok(Err(message)) => Err(StoreError::NotSaved(message)),
            Err(_) => Err(StoreError::NotSaved("the commit was abandoned".into())),
        }
    }
}

impl Drop for Turn {
    /// A turn dropped before it finished (its request went away): undo its work.
    fn drop(&mut self) {
        if let Some(mut guard) = self.guard.take() {
            tokio::spawn(async move { undo_push(&mut guard).await });
        }
    }
}

/// Commits the open transaction once every push queued before it has had its turn, and
/// answers everyone whose work it held.
async fn commit(group: Shared) {
    let mut guard = group.lock_owned().await;
    undo_abandoned(&mut guard).await;
    let waiters = std::mem::take(&mut guard.waiters);
    let result = match guard.tx.take() {
        Some(tx) => tx.commit().await.map_err(|e| e.to_string()),
        None => Err("no transaction was open".to_owned()),
    };
    if let Err(error) = &result {
        tracing::error!(%error, pushes = waiters.len(), "group commit failed");
    }
    for waiter in waiters {
        let _ = waiter.send(result.clone());
    }
}

/// Undoes the current push's work, keeping the others'; closes a transaction nobody waits for.
async fn undo_push(guard: &mut Group) {
    if guard.in_push {
        let undone = match guard.tx.as_mut() {
            Some(tx) => {
                let back = sqlx::query("ROLLBACK TO push").execute(&mut **tx).await;
                match back {
                    Ok(_) => sqlx::query("RELEASE push")
                        .execute(&mut **tx)
                        .await
                        .map(drop),
                    Err(error) => Err(error),
                }
            }
            None => Ok(()),
        };
        guard.in_push = false;
        if let Err(error) = undone {
            abandon(guard, &error.to_string());
            return;
        }
    }
    if guard.waiters.is_empty() {
        // Dropping the transaction rolls it back (there is nothing in it to keep).
        guard.tx = None;
    }
}

/// A turn abandoned without being finished or dropped cleanly (only if its drop task has not
/// run yet): undo it before anyone else writes.
async fn undo_abandoned(guard: &mut Group) {
    if guard.in_push {
        undo_push(guard).await;
    }
}

/// The connection can no longer be trusted: roll everything back and tell every waiter.
fn abandon(guard: &mut Group, message: &str) {
    tracing::error!(
        error = message,
        "the shared writer failed; its open transaction is rolled back"
    );
    guard.tx = None;
    guard.in_push = false;
    for waiter in std::mem::take(&mut guard.waiters) {
        let _ = waiter.send(Err(message.to_owned()));
    }
}
