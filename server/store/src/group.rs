//! Group commit for SQLite: pushes that arrive together are saved by one transaction, so one
//! fsync makes all of them durable before any of them is acknowledged.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` every commit waits for the disk.
//! Committing each push on its own would cost one fsync per edit. Instead each push takes its
//! turn on one shared connection (first come, first served), does its work in the open
//! transaction, and waits. The first push to wait asks for a commit; the commit runs once every
//! push already queued has had its turn, then answers everyone whose work it wrote. Nobody is
//! answered before the commit that holds their work.
//!
//! A push reads everything first and then writes in one round trip. One that fails before it
//! writes leaves the transaction as it was; one that fails (or is abandoned, its request
//! dropped) once it may have written rolls the whole transaction back and every push waiting on
//! it is told its edits were not saved (its device sends them again). A transaction nobody
//! waits for is rolled back, so the write lock is never left held. (Savepoints would undo a
//! failed push alone, but cost two more round trips on every push; failures after the reads
//! are rare: a full disk, a broken connection.)

use std::sync::Arc;

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::StoreError;

/// The shared writer: the open transaction and who waits for its commit.
#[derive(Debug, Default)]
pub(crate) struct Group {
    tx: Option<Transaction<'static, Sqlite>>,
    /// A push has its turn and may have written (its turn not yet finished).
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

/// Waits for the shared connection and opens the transaction if none is open.
pub(crate) async fn enter(group: &Shared, pool: &SqlitePool) -> Result<Turn, StoreError> {
    let mut guard = group.clone().lock_owned().await;
    undo_abandoned(&mut guard);
    if guard.tx.is_none() {
        guard.tx = Some(pool.begin_with("BEGIN IMMEDIATE").await?);
    }
    guard.in_push = true;
    Ok(Turn {
        guard: Some(guard),
        group: group.clone(),
    })
}

impl Turn {
    /// The connection, inside the shared transaction.
    pub(crate) fn conn(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.guard
            .as_mut()
            .and_then(|g| g.tx.as_mut())
            .map(|tx| &mut **tx)
            .ok_or_else(|| StoreError::Corrupt("the shared writer has no transaction".into()))
    }

    /// Ends the turn. Work that succeeded is kept and `Ok` returned once it is durable. Work
    /// that failed is undone with its error returned: alone when it had not written yet
    /// (`wrote` false), with the whole transaction when it may have.
    pub(crate) async fn finish<T>(
        mut self,
        result: Result<T, StoreError>,
        wrote: bool,
    ) -> Result<T, StoreError> {
        let Some(mut guard) = self.guard.take() else {
            return Err(StoreError::Corrupt("a push's turn ended twice".into()));
        };
        guard.in_push = false;
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                if wrote {
                    abandon(&mut guard, &error.to_string());
                } else if guard.waiters.is_empty() {
                    // Nothing of anyone's in it: close it rather than hold the write lock.
                    guard.tx = None;
                }
                return Err(error);
            }
        };
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
    /// A turn dropped before it finished (its request went away): it may have written, so the
    /// transaction is rolled back and those waiting on it told.
    fn drop(&mut self) {
        if let Some(mut guard) = self.guard.take() {
            undo_abandoned(&mut guard);
        }
    }
}

/// Commits the open transaction once every push queued before it has had its turn, and
/// answers everyone whose work it held.
async fn commit(group: Shared) {
    let mut guard = group.lock_owned().await;
    undo_abandoned(&mut guard);
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

/// A turn that ended without finishing may have written: nothing in the transaction can be
/// trusted to be whole.
fn undo_abandoned(guard: &mut Group) {
    if guard.in_push {
        abandon(guard, "a push was abandoned half-way");
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
