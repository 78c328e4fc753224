//! The device's store for records: one IndexedDB object store of JSON strings by key (a key
//! per record, per waiting edit, and per person for where the copy has got to).
//!
//! IndexedDB rather than local storage because local storage's 5 MiB cannot hold a staff
//! phone's 25 plans with two years of history (see docs/BENCHMARKS.md); IndexedDB's allowance
//! is a share of the disk. Writes come in batches, each one transaction, queued per person so
//! that the newest always lands last.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

/// One change to the store, as part of a [`transact`]: the device layout's own, which computes
/// every batch (`domain::records::device`).
pub use domain::records::device::Write;

const DB_NAME: &str = "circle";
const DB_VERSION: u32 = 1;
const STORE: &str = "plans";

/// Why the device could not keep something.
#[derive(Debug, Clone, PartialEq)]
pub enum IdbError {
    /// The browser's storage for this site is full.
    Full,
    /// Storage is unavailable (private mode in some browsers, blocked by settings) or failed.
    Failed(String),
}

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

fn describe(error: &JsValue) -> IdbError {
    let name = error
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .unwrap_or_default();
    if name == "QuotaExceededError" {
        IdbError::Full
    } else {
        IdbError::Failed(
            error
                .as_string()
                .or_else(|| {
                    error
                        .dyn_ref::<web_sys::DomException>()
                        .map(|e| e.message())
                })
                .unwrap_or_else(|| "unknown error".to_owned()),
        )
    }
}

/// Waits for a request to succeed or fail.
async fn finished(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

async fn database() -> Result<IdbDatabase, IdbError> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| IdbError::Failed("this browser does not offer IndexedDB".into()))?;
    let open = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| describe(&e))?;
    let upgrading = open.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(result) = upgrading.result()
            && let Ok(db) = result.dyn_into::<IdbDatabase>()
            && !db.object_store_names().contains(STORE)
        {
            let _ = db.create_object_store(STORE);
        }
    });
    open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db: IdbDatabase = finished(&open)
        .await?
        .dyn_into()
        .map_err(|_| IdbError::Failed("the database did not open".into()))?;
    DB.with(|slot| *slot.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, IdbError> {
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|t| t.object_store(STORE))
        .map_err(|e| describe(&e))
}

pub async fn get(key: &str) -> Result<Option<String>, IdbError> {
    let db = database().await?;
    let request = store(&db, IdbTransactionMode::Readonly)?
        .get(&JsValue::from_str(key))
        .map_err(|e| describe(&e))?;
    Ok(finished(&request).await?.as_string())
}

pub async fn delete(key: &str) -> Result<(), IdbError> {
    let db = database().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    tx.object_store(STORE)
        .and_then(|s| s.delete(&JsValue::from_str(key)))
        .map_err(|e| describe(&e))?;
    committed(&tx).await
}

pub async fn keys() -> Result<Vec<String>, IdbError> {
    let db = database().await?;
    let request = store(&db, IdbTransactionMode::Readonly)?
        .get_all_keys()
        .map_err(|e| describe(&e))?;
    let keys: js_sys::Array = finished(&request)
        .await?
        .dyn_into()
        .map_err(|_| IdbError::Failed("keys were not a list".into()))?;
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// Waits for a write transaction to commit: only then is the value on the device. A full disk
/// shows here, as the transaction's error.
async fn committed(tx: &web_sys::IdbTransaction) -> Result<(), IdbError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        // Every failure ends the transaction with `abort`, carrying the cause.
        let failed = tx.clone();
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed.error().map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| describe(&e))
}

/// The entries whose keys start with `prefix`, in key order.
pub async fn entries(prefix: &str) -> Result<Vec<(String, String)>, IdbError> {
    let db = database().await?;
    let range = prefix_range(prefix)?;
    let store = store(&db, IdbTransactionMode::Readonly)?;
    let keys = store
        .get_all_keys_with_key(&range)
        .map_err(|e| describe(&e))?;
    let values = store.get_all_with_key(&range).map_err(|e| describe(&e))?;
    let keys: js_sys::Array = finished(&keys)
        .await?
        .dyn_into()
        .map_err(|_| IdbError::Failed("keys were not a list".into()))?;
    let values: js_sys::Array = finished(&values)
        .await?
        .dyn_into()
        .map_err(|_| IdbError::Failed("values were not a list".into()))?;
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
        .collect())
}

fn prefix_range(prefix: &str) -> Result<web_sys::IdbKeyRange, IdbError> {
    web_sys::IdbKeyRange::bound(
        &JsValue::from_str(prefix),
        &JsValue::from_str(&format!("{prefix}\u{ffff}")),
    )
    .map_err(|e| describe(&e))
}

/// A lane's batches waiting to be written, and whether a writer is running.
type Lane = (Vec<Vec<Write>>, bool);

thread_local! {
    static LANES: RefCell<HashMap<String, Lane>> = RefCell::new(HashMap::new());
}

/// Writes `batch` in one transaction (all of it is on the device, or none of it), after every
/// batch of the same `lane` (a person) already queued, then calls `done` with how it went.
pub fn transact(lane: String, batch: Vec<Write>, done: impl Fn(Result<(), IdbError>) + 'static) {
    if batch.is_empty() {
        return;
    }
    let start = LANES.with(|l| {
        let mut l = l.borrow_mut();
        let entry = l.entry(lane.clone()).or_insert((Vec::new(), false));
        entry.0.push(batch);
        let start = !entry.1;
        entry.1 = true;
        start
    });
    if !start {
        return;
    }
    leptos::task::spawn_local(async move {
        loop {
            let next = LANES.with(|l| {
                let mut l = l.borrow_mut();
                let entry = l.get_mut(&lane)?;
                if entry.0.is_empty() {
                    None
                } else {
                    Some(entry.0.remove(0))
                }
            });
            let Some(batch) = next else {
                LANES.with(|l| l.borrow_mut().remove(&lane));
                break;
            };
            done(run(&batch).await);
        }
    });
}

async fn run(batch: &[Write]) -> Result<(), IdbError> {
    let db = database().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    for write in batch {
        let done = match write {
            Write::Put(key, value) => {
                store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
            }
            Write::Delete(key) => store.delete(&JsValue::from_str(key)),
            Write::DeletePrefix(prefix) => store.delete(&prefix_range(prefix)?.into()),
        };
        done.map_err(|e| describe(&e))?;
    }
    committed(&tx).await
}
