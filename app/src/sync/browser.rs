//! The browser's sync engine: drives the domain's replica (`domain::records::replica`) with its
//! sync state machine (`domain::records::machine`), IndexedDB, `fetch` and the live channel.
//! Every decision is in the domain; this file moves messages and bytes and tells the person
//! what is happening.
//!
//! Storage, one IndexedDB entry each (see `idb.rs`), laid out by `domain::records::device`:
//! `r.<person>.<kind>.<id>` a record as the server last sent it; `o.<person>.<seq>` an edit
//! waiting for the server; `x.<person>.<seq>` an edit the server refused, with its words;
//! `m.<person>` where the copy has got to (its device id, next edit number, cursor, topics,
//! last complete sync). An edit writes its outbox entry and the copy's `m.` entry, nothing
//! else; a pull writes the records it brought. The writes are computed there; each batch is one
//! IndexedDB transaction, queued per person so the newest lands last. When
//! storage is full, copies of other people with nothing waiting are dropped (they can be
//! fetched again); waiting and refused edits are never dropped. This device's user, and which
//! tab edits which person's record, are in local storage.

use std::time::Duration;

use domain::records::Catalog;
use domain::records::authority::{PushRequest, PushResponse};
use domain::records::device::{self, Meta};
use domain::records::machine::{Command, Event, Failure, Machine, State};
use domain::records::pull::{PullRequest, PullResponse, Snapshot};
use domain::records::replica::{Pending, Refused, Replica};
use domain::records::{Record, RecordOp, RecordSet, Stamp};
use domain::sync::{ClientId, DeviceReport, MAX_PUSH_BATCH, MAX_PUSH_BYTES};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::RecordSync;
use super::idb::{self, Write};

/// Which tab edits a person's record: the one that opened it last. Two tabs editing one record
/// as the same copy would number their edits alike, so the others stop and say so.
const OWNER_PREFIX: &str = "circle.v1.owner.";
/// How often a device with edits waiting, or without a connection, checks in anyway.
const HEARTBEAT: Duration = Duration::from_secs(10);
const LIVE_BACKOFF_MIN_MS: u64 = 1_000;
const LIVE_BACKOFF_MAX_MS: u64 = 30_000;
/// Which user this device's copies belong to.
const USER_KEY: &str = "circle.v1.user";
/// The service worker's cache (pages hold personal data too).
const PAGE_CACHE: &str = "circle-shell-v1";

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Values are stored as JSON.
struct Json;

impl device::Encode for Json {
    fn encode<T: Serialize>(&self, value: &T) -> String {
        json(value)
    }
}

/// The fingerprint of what this device's user may see, when its copies were made
/// (`Actor::access_fingerprint`).
const ACCESS_KEY: &str = "circle.v1.access";

thread_local! {
    /// Settles once [`prepare`] has run for this page load; everything that reads or writes
    /// the device's storage waits for it.
    static READY: std::cell::RefCell<Option<js_sys::Promise>> = const { std::cell::RefCell::new(None) };
}

/// Starts [`prepare`] (once per page load). Called by the wasm entry before hydrating.
pub fn prepare_device() {
    READY.with(|ready| {
        let mut ready = ready.borrow_mut();
        if ready.is_none() {
            *ready = Some(wasm_bindgen_futures::future_to_promise(async {
                prepare().await;
                Ok(wasm_bindgen::JsValue::UNDEFINED)
            }));
        }
    });
}

/// Waits until this device's storage is ready to use for the page's user.
pub async fn ready() {
    prepare_device();
    if let Some(promise) = READY.with(|ready| ready.borrow().clone()) {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Runs first on every page load, before anything touches the device's storage:
/// - a page for another user than the device's last one (a shared tablet whose last session
///   ended without signing out) wipes every copy first;
/// - a page for the same user whose access has changed since the copies were made (a topic
///   unshared, a role taken away) drops the pages kept for offline use and the stored plans
///   made under the old access. Edits still waiting to be sent are kept (they are what this
///   user typed); the plan they sit on is fetched afresh, as the user may see it now.
async fn prepare() {
    let (Some(user), access) = (page_meta("circle-user"), page_meta("circle-access")) else {
        return; // signed out: nothing of anyone's is shown
    };
    claim_device(&user).await;
    let storage = LocalStorage::raw();
    let held = storage.get_item(ACCESS_KEY).ok().flatten();
    if let Some(access) = access {
        if held.as_deref().is_some_and(|held| held != access) {
            forget_copies_made_under_old_access().await;
        }
        let _ = storage.set_item(ACCESS_KEY, &access);
    }
}

/// Makes this device's copies belong to `user`. Copies of anyone else (a shared tablet after
/// another person's session ended without signing out) are wiped first.
pub async fn claim_device(user: &str) {
    let previous = LocalStorage::raw().get_item(USER_KEY).ok().flatten();
    if previous.as_deref() != Some(user) {
        wipe_device().await;
    }
    let _ = LocalStorage::raw().set_item(USER_KEY, user);
}

/// A `<meta>` the server put in the page's head for the browser.
fn page_meta(name: &str) -> Option<String> {
    document()
        .query_selector(&format!("meta[name={name}]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
}

/// Replaces the offline copies of the pages whose paths `which` picks with fresh ones, as the
/// user may see them now (a page they may no longer open is not kept again).
pub async fn renew_pages(which: impl Fn(&str) -> bool) {
    for path in forget_pages(which).await {
        keep_page_offline(path);
    }
}

/// Removes the offline copies of the pages whose paths `which` picks (never the app's own
/// files); returns their paths.
pub async fn forget_pages(which: impl Fn(&str) -> bool) -> Vec<String> {
    let mut forgotten = Vec::new();
    let Ok(caches) = window().caches() else {
        return forgotten;
    };
    let Ok(cache) = wasm_bindgen_futures::JsFuture::from(caches.open(PAGE_CACHE)).await else {
        return forgotten;
    };
    let cache: web_sys::Cache = cache.unchecked_into();
    let Ok(requests) = wasm_bindgen_futures::JsFuture::from(cache.keys()).await else {
        return forgotten;
    };
    let requests: js_sys::Array = requests.unchecked_into();
    for request in requests.iter() {
        let request: web_sys::Request = request.unchecked_into();
        let Ok(url) = web_sys::Url::new(&request.url()) else {
            continue;
        };
        let path = url.pathname();
        if is_app_file(&path) || !which(&path) {
            continue;
        }
        let _ = wasm_bindgen_futures::JsFuture::from(cache.delete_with_request(&request)).await;
        forgotten.push(format!("{path}{}", url.search()));
    }
    forgotten
}

/// The app's own files in the offline cache: the same for everyone, holding nothing personal.
fn is_app_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/icon.svg" || path == "/manifest.webmanifest"
}

/// Edits on this device that have not reached the server yet, over every person (and copies
/// in the old format).
pub async fn pending_edits() -> usize {
    let waiting = idb::entries(device::OUTBOX)
        .await
        .map(|e| e.len())
        .unwrap_or(0);
    let old = idb::entries(device::OLD_COPY)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, raw)| serde_json::from_str::<OldOutbox>(&raw).ok())
        .map(|copy| copy.replica.outbox.len())
        .sum::<usize>();
    waiting + old
}

/// Only the length of an old-format copy's outbox (`domain::records::legacy::OldCopy`): the
/// header counts waiting edits on every page, so it does not parse the old edits themselves
/// (which would bring the whole old format into the code every page loads).
#[derive(Deserialize)]
struct OldOutbox {
    replica: OldOutboxReplica,
}

#[derive(Deserialize)]
struct OldOutboxReplica {
    #[serde(default)]
    outbox: Vec<serde::de::IgnoredAny>,
}

/// Removes everything Circle keeps on this device: every copy and outbox, the device's notes in
/// local storage, and the pages kept for offline use.
pub async fn wipe_device() {
    ENGINES.with(|engines| engines.borrow_mut().clear());
    for key in idb::keys().await.unwrap_or_default() {
        let _ = idb::delete(&key).await;
    }
    let storage = LocalStorage::raw();
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with("circle."))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
    // The pages kept offline go; the app's own files stay, so Circle still starts offline.
    let _ = forget_pages(|_| true).await;
}

/// Drops every page kept for offline use and every stored copy made under other access: the
/// records go; edits waiting to be sent, and refused edits, stay (on a copy the next pull
/// fills in afresh, as the user may see now).
///
/// Rarely needed (only after access changed), so its code is a lazily loaded part of the app.
#[leptos::lazy]
async fn forget_copies_made_under_old_access() {
    renew_pages(|_| true).await;
    for (key, raw) in idb::entries(device::META).await.unwrap_or_default() {
        let Some(person) = device::person_of_meta(&key) else {
            // Not a copy this build made: nothing can read it.
            idb::transact(key.clone(), vec![Write::Delete(key)], |_| {});
            continue;
        };
        let meta = serde_json::from_str::<Meta>(&raw).ok();
        let batch = device::under_new_access(person, meta, &Json);
        idb::transact(person.to_string(), batch, |_| {});
    }
}

/// The text merger (`domain::records::shared`, over yrs): the largest single piece of the
/// app's code, needed only to show and edit shared text (meeting notes). It is a part of its
/// own, loaded once a page is up instead of before the page can be used. A failed load (no
/// connection, and never loaded on this device) leaves the notes to read and says so.
#[leptos::wasm_split::wasm_split(text_merger, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_text_merger() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    domain::records::shared::install(domain::notes::MERGER);
    Ok(())
}

/// Loads the text merger for the page `sync` belongs to, then shows its shared text with this
/// device's edits.
fn start_merger(sync: RecordSync) {
    spawn_local(async move {
        match load_text_merger().await {
            Ok(()) => {
                if sync.merger.try_set(true).is_none() {
                    refresh(sync);
                }
            }
            Err(_) => {
                let _ = sync.status.try_update(|s| {
                    s.notice = Some(
                        "The notes can't be edited on this device until it has been online \
                         with this page open once: they are shown as last synced."
                            .to_owned(),
                    );
                });
            }
        }
    });
}

/// The engine's state for one open person's record, beside the page's signals.
struct Engine {
    replica: Replica,
    machine: Machine,
    last_complete_ms: Option<f64>,
}

thread_local! {
    static ENGINES: std::cell::RefCell<std::collections::HashMap<domain::PersonId, Engine>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// Bumped each time a person's page starts or ends, so a late load knows it is stale.
    static GENERATION: std::cell::RefCell<std::collections::HashMap<domain::PersonId, u64>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static LIVE: std::cell::RefCell<std::collections::HashMap<domain::PersonId, Live>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static CATALOG: Catalog = Catalog::standard();
}

fn with_engine<R>(person: domain::PersonId, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
    ENGINES.with(|engines| engines.borrow_mut().get_mut(&person).map(f))
}

fn catalog() -> Catalog {
    CATALOG.with(Clone::clone)
}

fn me(sync: RecordSync) -> Stamp {
    Stamp {
        by: sync.me.get_value(),
        at_ms: js_sys::Date::now() as i64,
    }
}

/// This copy's device id (for writing shared text), once the engine has started.
pub fn client_of(person: domain::PersonId) -> Option<ClientId> {
    with_engine(person, |e| e.replica.client)
}

pub fn start(sync: RecordSync, snapshot: Snapshot) {
    let person = sync.person;
    let generation = GENERATION.with(|g| {
        let mut g = g.borrow_mut();
        let n = g.entry(person).or_insert(0);
        *n += 1;
        *n
    });
    start_merger(sync);
    spawn_local(async move {
        ready().await;
        let (replica, notice) = load(sync, &snapshot).await;
        // The page may have gone (or been opened again) while the device's copy was read.
        if GENERATION.with(|g| g.borrow().get(&person).copied()) != Some(generation) {
            return;
        }
        ENGINES.with(|engines| {
            engines.borrow_mut().insert(
                person,
                Engine {
                    replica,
                    machine: Machine::new(),
                    last_complete_ms: None,
                },
            )
        });
        sync.status.update(|s| {
            s.running = true;
            s.online = online();
            s.notice = notice;
        });
        refresh(sync);
        connect_live(sync);
        if !online() {
            dispatch(sync, Event::WentOffline);
        }
        dispatch(sync, Event::Started);
    });

    let tab = fresh_id().to_string();
    let owner_key = format!("{OWNER_PREFIX}{person}");
    let _ = LocalStorage::raw().set_item(&owner_key, &tab);
    let on_storage = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(owner_key.as_str()) && ev.new_value() != Some(tab.clone()) {
            stop(sync);
        }
    });
    let on_online = window_event_listener(leptos::ev::online, move |_| {
        dispatch(sync, Event::WentOnline);
        connect_live(sync);
    });
    let on_offline = window_event_listener(leptos::ev::offline, move |_| {
        dispatch(sync, Event::WentOffline);
    });
    let heartbeat = set_interval_with_handle(
        move || {
            let status = sync.status.get_untracked();
            if status.waiting > 0 || !status.online {
                dispatch(sync, Event::Timer);
            }
        },
        HEARTBEAT,
    )
    .ok();

    on_cleanup(move || {
        on_storage.remove();
        on_online.remove();
        on_offline.remove();
        if let Some(heartbeat) = heartbeat {
            heartbeat.clear();
        }
        // This page's live channel ends with it (the next page of the record opens its own
        // once its copy is loaded).
        LIVE.with(|live| {
            if let Some(live) = live.borrow_mut().remove(&person) {
                live.source.close();
            }
        });
        // Going from one page of a record to another (the plan to the involvement plan), the
        // new page may have started before this one ends: the engine slot is then the new
        // page's, and is left to it.
        let newest = GENERATION.with(|g| {
            let mut g = g.borrow_mut();
            match g.get_mut(&person) {
                Some(n) if *n == generation => {
                    *n += 1;
                    true
                }
                _ => false,
            }
        });
        if newest {
            ENGINES.with(|engines| engines.borrow_mut().remove(&person));
        }
    });
}

/// Another tab took this record over: stop editing and syncing here, keep what is on screen.
fn stop(sync: RecordSync) {
    let person = sync.person;
    dispatch(sync, Event::TakenOver);
    LIVE.with(|live| {
        if let Some(live) = live.borrow_mut().remove(&person) {
            live.source.close();
        }
    });
    ENGINES.with(|engines| engines.borrow_mut().remove(&person));
    sync.status.update(|s| {
        s.running = false;
        s.notice = Some(
            "This record is now open in another tab or window of this browser, and edits are \
             made there. Reload this page to edit here instead."
                .to_owned(),
        );
    });
}

/// Records edits on the device, shows them and sends them.
pub fn record(sync: RecordSync, ops: Vec<RecordOp>) -> Result<(), String> {
    let person = sync.person;
    let stamp = me(sync);
    let catalog = catalog();
    let written = with_engine(person, |e| {
        let from = e.replica.next_seq();
        e.replica.edit(ops, &catalog, &stamp)?;
        Ok::<_, String>(device::edit_changes(
            &e.replica,
            from,
            e.last_complete_ms,
            &Json,
        ))
    })
    .ok_or_else(|| "This page is still starting: try again in a moment.".to_owned())??;
    save(sync, written);
    refresh(sync);
    dispatch(sync, Event::Edited);
    Ok(())
}

pub fn dismiss(sync: RecordSync, seq: u64) {
    let person = sync.person;
    with_engine(person, |e| e.replica.dismiss(seq));
    save(sync, device::dismissed(person, seq));
    refresh(sync);
}

/// Copies the engine's state into the page's signals.
fn refresh(sync: RecordSync) {
    let stamp = me(sync);
    let catalog = catalog();
    let Some((view, waiting, refused, last, pulled)) = with_engine(sync.person, |e| {
        (
            e.replica.view(&catalog, &stamp),
            e.replica.outbox().len(),
            e.replica.refused().to_vec(),
            e.last_complete_ms,
            e.replica.cursor() > 0,
        )
    }) else {
        return;
    };
    if sync.view.with_untracked(|v| v != &view) {
        sync.view.set(view);
    }
    if sync.refused.with_untracked(|r| r != &refused) {
        sync.refused.set(refused);
    }
    // A copy that has pulled holds every record of its topics (one started from a page sent
    // without some kinds starts at 0, so its first pull brings them); said once the view has
    // them.
    if pulled && !sync.whole.get_untracked() {
        sync.whole.set(true);
    }
    sync.status.update(|s| {
        s.waiting = waiting;
        s.last_complete_ms = last;
    });
}

/// Takes an event for the sync loop, and does what the machine answers.
fn dispatch(sync: RecordSync, event: Event) {
    let Some((command, state)) = with_engine(sync.person, |e| {
        let waiting = e.replica.outbox().iter().any(|p| p.acked.is_none());
        (e.machine.on(event, waiting), e.machine.state())
    }) else {
        return;
    };
    sync.status.update(|s| {
        s.online = state != State::Offline;
        s.syncing = matches!(state, State::Pushing | State::Pulling);
    });
    match command {
        Command::Push => spawn_local(push(sync)),
        Command::Pull => spawn_local(pull(sync)),
        Command::RetryIn(ms) => {
            set_timeout(
                move || dispatch(sync, Event::Timer),
                Duration::from_millis(ms),
            );
        }
        Command::Wait => {}
    }
}

/// What this device holds of the person, or a new copy from the server's snapshot (under a new
/// device id, so no edit number is ever used twice). A copy in the old format keeps its
/// waiting and refused edits (the server turns them into records edits). An unreadable copy is
/// replaced, with a notice; its waiting edits are kept when they can be read.
async fn load(sync: RecordSync, snapshot: &Snapshot) -> (Replica, Option<String>) {
    let person = sync.person;
    let fresh = || {
        Replica::new(
            person,
            ClientId(fresh_id()),
            snapshot.records.iter().cloned().collect(),
            snapshot.cursor(),
            snapshot.topics.clone(),
        )
    };
    let meta = match idb::get(&device::meta_key(person)).await {
        Ok(meta) => meta,
        Err(error) => {
            storage_failed(sync, &error);
            return (fresh(), None);
        }
    };
    let old_key = device::old_copy_key(person);
    let Some(meta) = meta else {
        // Nothing in this build's format: perhaps a copy from before records.
        let replica = match idb::get(&old_key).await.ok().flatten() {
            Some(raw) => match serde_json::from_str::<domain::records::legacy::OldCopy>(&raw) {
                Ok(old) => old.upgraded(person, snapshot),
                Err(_) => fresh(),
            },
            None => fresh(),
        };
        let mut batch = device::whole_copy(&replica, None, &Json);
        batch.push(Write::Delete(old_key));
        save(sync, batch);
        return (replica, None);
    };
    let parts = async {
        let meta: Meta = serde_json::from_str(&meta).ok()?;
        let records: RecordSet = idb::entries(&device::records_prefix(person))
            .await
            .ok()?
            .into_iter()
            .filter_map(|(_, raw)| serde_json::from_str::<Record>(&raw).ok())
            .collect();
        Some((meta, records))
    };
    let outbox: Vec<Pending> = idb::entries(&device::outbox_prefix(person))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, raw)| serde_json::from_str(&raw).ok())
        .collect();
    let refused: Vec<Refused> = idb::entries(&device::refused_prefix(person))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, raw)| serde_json::from_str(&raw).ok())
        .collect();
    match parts.await {
        Some((meta, records)) => {
            let replica = Replica::from_parts(
                person,
                meta.client,
                meta.next_seq,
                records,
                meta.cursor,
                meta.topics,
                outbox,
                refused,
            );
            with_engine(person, |e| e.last_complete_ms = meta.last_complete_ms);
            (replica, None)
        }
        None => {
            // Keep the edits it could read, on a fresh copy of the same device id's numbering.
            let base = fresh();
            let client = outbox.first().map_or(base.client, |p| p.mutation.client);
            let replica = Replica::from_parts(
                person,
                client,
                1,
                snapshot.records.iter().cloned().collect(),
                snapshot.cursor(),
                snapshot.topics.clone(),
                outbox,
                refused,
            );
            let batch = device::whole_copy(&replica, None, &Json);
            save(sync, batch);
            (
                replica,
                Some(
                    "This device's copy of this record could not be read, so it was fetched \
                     again from the server. Edits still waiting on the device were kept."
                        .to_owned(),
                ),
            )
        }
    }
}

/// Writes a batch (in the background, after the person's earlier ones). When the device is
/// full, copies of other people with nothing waiting are dropped (they can be fetched again)
/// and the batch is tried once more; if it still fails the person is told, and everything
/// stays in memory.
fn save(sync: RecordSync, batch: Vec<Write>) {
    let person = sync.person;
    let retry = batch.clone();
    idb::transact(person.to_string(), batch, move |result| match result {
        Ok(()) => {
            if sync.status.with_untracked(|s| s.storage_problem.is_some()) {
                sync.status.update(|s| s.storage_problem = None);
            }
        }
        Err(idb::IdbError::Full) => {
            storage_failed(sync, &idb::IdbError::Full);
            let retry = retry.clone();
            spawn_local(async move {
                if free_space(person).await > 0 {
                    idb::transact(person.to_string(), retry, move |result| {
                        if result.is_ok() {
                            sync.status.update(|s| s.storage_problem = None);
                        }
                    });
                }
            });
        }
        Err(error) => storage_failed(sync, &error),
    });
}

fn storage_failed(sync: RecordSync, error: &idb::IdbError) {
    let problem = match error {
        idb::IdbError::Full => "This device's storage is full, so your latest edits are not \
             saved on it yet. They are still on screen and will be sent when Circle reaches the \
             server: keep this page open until it says all changes are saved."
            .to_owned(),
        idb::IdbError::Failed(cause) => format!(
            "This device could not save the record ({cause}). Your edits are still on screen and \
             will be sent when Circle reaches the server: keep this page open until it says all \
             changes are saved."
        ),
    };
    sync.status.update(|s| s.storage_problem = Some(problem));
}

/// Drops the copies of other people that have no edits waiting and none refused; returns how
/// many.
async fn free_space(keep: domain::PersonId) -> usize {
    let Ok(metas) = idb::entries(device::META).await else {
        return 0;
    };
    let mut freed = 0;
    for (key, _) in metas {
        let Some(person) = device::person_of_meta(&key) else {
            continue;
        };
        if person == keep {
            continue;
        }
        let busy = !idb::entries(&device::outbox_prefix(person))
            .await
            .unwrap_or_default()
            .is_empty()
            || !idb::entries(&device::refused_prefix(person))
                .await
                .unwrap_or_default()
                .is_empty();
        if busy {
            continue;
        }
        idb::transact(person.to_string(), device::drop_copy(person), |_| {});
        freed += 1;
    }
    freed
}

/// Drops the data the server wrote into the page for hydrating it (the record as it was when
/// the page was made), once the app has read it: what a later sync removes from the screen
/// must not linger in the page's own scripts.
pub fn forget_hydration_data() {
    set_timeout(
        || {
            let document = document();
            if let Ok(scripts) = document.query_selector_all("script") {
                for i in 0..scripts.length() {
                    let Some(node) = scripts.item(i) else {
                        continue;
                    };
                    let text = node.text_content().unwrap_or_default();
                    let hydration = text.contains("__RESOLVED_RESOURCES")
                        || text.contains("__SERIALIZED_ERRORS");
                    if hydration && let Some(parent) = node.parent_node() {
                        let _ = parent.remove_child(&node);
                    }
                }
            }
            for name in ["__RESOLVED_RESOURCES", "__SERIALIZED_ERRORS"] {
                if let Ok(value) = js_sys::Reflect::get(&window(), &name.into())
                    && let Some(array) = value.dyn_ref::<js_sys::Array>()
                {
                    array.set_length(0);
                }
            }
        },
        Duration::ZERO,
    );
}

#[derive(Debug)]
enum NetError {
    /// The server could not be reached (or is not answering): try again later.
    Offline,
    /// The server answered with an error: show its message.
    Refused(String),
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

async fn post<B: Serialize, R: for<'de> Deserialize<'de>>(
    url: &str,
    body: &B,
) -> Result<R, NetError> {
    let request = gloo_net::http::Request::post(url)
        .json(body)
        .map_err(|e| NetError::Refused(format!("This edit could not be sent: {e}")))?;
    let response = request.send().await.map_err(|_| NetError::Offline)?;
    let status = response.status();
    if response.ok() {
        return response.json::<R>().await.map_err(|_| {
            NetError::Refused("The server's answer was not understood: reload the page.".into())
        });
    }
    if status == 503 || status == 502 || status == 504 {
        return Err(NetError::Offline);
    }
    let message = response
        .json::<ErrorBody>()
        .await
        .map(|b| b.error)
        .unwrap_or_else(|_| format!("The server refused the request ({status})."));
    Err(NetError::Refused(message))
}

/// Sends the first batch of waiting edits (cut by count and by bytes, below what the server
/// accepts), and takes the answers.
async fn push(sync: RecordSync) {
    let person = sync.person;
    let Some((client, batches)) = with_engine(person, |e| {
        let batches = e
            .replica
            .push_batches(MAX_PUSH_BATCH, MAX_PUSH_BYTES / 2, |m| json(m).len());
        (e.replica.client, batches)
    }) else {
        return;
    };
    let Some(batch) = batches.into_iter().next() else {
        dispatch(sync, Event::Pushed { more: false });
        return;
    };
    let request = PushRequest {
        person,
        client,
        mutations: batch,
    };
    match post::<_, PushResponse>("/api/sync/push", &request).await {
        Ok(response) => {
            let more = with_engine(person, |e| {
                let before = e.replica.clone();
                e.replica.on_acks(&response.acks);
                let batch = device::queue_changes(&before, &e.replica, &Json);
                save(sync, batch);
                e.replica.outbox().iter().any(|p| p.acked.is_none())
            })
            .unwrap_or(false);
            sync.status.update(|s| s.problem = None);
            refresh(sync);
            dispatch(sync, Event::Pushed { more });
        }
        Err(error) => failed(sync, error),
    }
}

/// Fetches what changed since the cursor (or the copy afresh), and stores it.
async fn pull(sync: RecordSync) {
    let person = sync.person;
    let Some((client, since, topics, last_seq)) = with_engine(person, |e| {
        (
            e.replica.client,
            e.replica.cursor(),
            e.replica.topics().clone(),
            e.replica.last_seq(),
        )
    }) else {
        return;
    };
    let request = PullRequest {
        person,
        since,
        topics: Some(topics),
        device: Some(DeviceReport { client, last_seq }),
    };
    match post::<_, PullResponse>("/api/sync/pull", &request).await {
        Ok(response) => {
            let Some((pulled, more)) = with_engine(person, |e| {
                let before = e.replica.clone();
                let pulled = e.replica.on_pull(&response);
                let done = response.reaches_the_end() && e.replica.outbox().is_empty();
                if done {
                    e.last_complete_ms = Some(js_sys::Date::now());
                }
                let mut batch = if pulled.replaced {
                    device::whole_copy(&e.replica, e.last_complete_ms, &Json)
                } else {
                    device::records_changes(&e.replica, &pulled, &Json)
                };
                batch.extend(device::queue_changes(&before, &e.replica, &Json));
                batch.push(device::meta(&e.replica, e.last_complete_ms, &Json));
                save(sync, batch);
                (pulled, !response.reaches_the_end())
            }) else {
                return;
            };
            sync.status.update(|s| s.problem = None);
            refresh(sync);
            if pulled.replaced {
                // What the user may see changed: the sections shown follow, and the pages of
                // this person kept offline (made under the old access) are kept again as now.
                sync.topics.set(response.reset.clone().unwrap_or_default());
                let prefix = format!("/people/{person}");
                spawn_local(async move {
                    renew_pages(|path| path == prefix || path.starts_with(&format!("{prefix}/")))
                        .await;
                });
            }
            dispatch(sync, Event::Pulled { more });
        }
        Err(error) => failed(sync, error),
    }
}

fn failed(sync: RecordSync, error: NetError) {
    match error {
        NetError::Offline => dispatch(sync, Event::Failed(Failure::Unreachable)),
        NetError::Refused(message) => {
            sync.status.update(|s| s.problem = Some(message));
            dispatch(sync, Event::Failed(Failure::Refused));
        }
    }
}

/// The live channel for one plan: server-sent events, re-opened with back-off when dropped.
struct Live {
    source: web_sys::EventSource,
    /// How long to wait before re-opening after the next drop.
    backoff_ms: u64,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

fn connect_live(sync: RecordSync) {
    let person = sync.person;
    if ENGINES.with(|e| !e.borrow().contains_key(&person)) {
        return; // the page has gone
    }
    let open = LIVE.with(|live| {
        live.borrow()
            .get(&person)
            .is_some_and(|l| l.source.ready_state() != web_sys::EventSource::CLOSED)
    });
    if open {
        return;
    }
    let Ok(source) = web_sys::EventSource::new(&format!("/api/sync/live?person={person}")) else {
        return;
    };
    let pull = move |_: web_sys::Event| dispatch(sync, Event::Poked);
    let on_changed = Closure::<dyn FnMut(web_sys::Event)>::new(pull);
    let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(pull);
    // Connected: reset the back-off and catch up on anything missed while the channel was down.
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        set_backoff(person, LIVE_BACKOFF_MIN_MS);
        dispatch(sync, Event::Poked);
    });
    // Dropped: close (the browser's own retry has no back-off) and re-open later, waiting
    // longer each time, up to half a minute.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        LIVE.with(|live| {
            if let Some(l) = live.borrow().get(&person) {
                l.source.close();
            }
        });
        let wait = LIVE.with(|live| {
            live.borrow()
                .get(&person)
                .map_or(LIVE_BACKOFF_MIN_MS, |l| l.backoff_ms)
        });
        set_backoff(person, (wait * 2).min(LIVE_BACKOFF_MAX_MS));
        set_timeout(move || connect_live(sync), Duration::from_millis(wait));
    });
    for (event, listener) in [
        ("changed", &on_changed),
        ("resync", &on_resync),
        ("open", &on_open),
        ("error", &on_error),
    ] {
        let _ = source.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    }
    LIVE.with(|live| {
        let mut live = live.borrow_mut();
        let backoff_ms = live
            .get(&person)
            .map_or(LIVE_BACKOFF_MIN_MS, |l| l.backoff_ms);
        if let Some(old) = live.insert(
            person,
            Live {
                source,
                backoff_ms,
                _listeners: vec![on_changed, on_resync, on_open, on_error],
            },
        ) {
            old.source.close();
        }
    });
}

fn set_backoff(person: domain::PersonId, ms: u64) {
    LIVE.with(|live| {
        if let Some(l) = live.borrow_mut().get_mut(&person) {
            l.backoff_ms = ms;
        }
    });
}

fn online() -> bool {
    window().navigator().on_line()
}

pub fn fresh_id() -> uuid::Uuid {
    let mut bytes = [0u8; 10];
    random_bytes(&mut bytes);
    // The clock only orders ids; uniqueness comes from the random bytes.
    let millis = js_sys::Date::now().max(0.0) as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

fn random_bytes(buf: &mut [u8]) {
    let filled = window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(buf))
        .is_ok();
    if !filled {
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

pub fn register_service_worker() {
    let container = window().navigator().service_worker();
    let _ = container.register("/sw.js");
}

/// Asks the service worker to keep a copy of the page at `path`, so that it opens offline
/// even when it was reached by in-app navigation (which fetches data, not the page).
pub fn keep_page_offline(path: String) {
    let container = window().navigator().service_worker();
    let Ok(ready) = container.ready() else {
        return;
    };
    spawn_local(async move {
        self::ready().await;
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(worker) = registration.active() {
            let _ = worker.post_message(&wasm_bindgen::JsValue::from_str(&path));
        }
    });
}
