//! The browser's sync engine: drives `domain::sync::Replica` with local storage, `fetch` and
//! the live channel. All the protocol's decisions are in the domain; this file only moves
//! messages and bytes and tells the person what is happening.
//!
//! Storage: one IndexedDB entry per plan (`plan.<person>`, see `idb.rs`) holding the replica
//! (the server's last state, the outbox, refused edits) and the time of the last complete
//! sync; this device's id, and which tab edits which plan, in local storage. When storage is
//! full, copies of other plans with nothing waiting are dropped (they can be fetched again);
//! the outbox is never dropped.

use std::time::Duration;

use std::collections::BTreeSet;

use domain::access::Topic;
use domain::plan::Outcome;
use domain::sync::{
    ClientId, DeviceReport, MAX_PUSH_BATCH, PullRequest, PullResponse, PushRequest, PushResponse,
    Replica, Snapshot,
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::idb;
use super::{PlanSync, RejectedEdit};

const DEVICE_KEY: &str = "circle.v1.device";
/// Which tab edits a plan: the one that opened it last. Two tabs editing one plan as the same
/// device would number their edits alike, so the others stop and say so.
const OWNER_PREFIX: &str = "circle.v1.owner.";
/// IndexedDB keys of plans: `plan.<person>`.
const PLAN_PREFIX: &str = "plan.";
/// How often a device with edits waiting, or without a connection, tries again.
const RETRY_EVERY: Duration = Duration::from_secs(10);
const LIVE_BACKOFF_MIN_MS: u64 = 1_000;
const LIVE_BACKOFF_MAX_MS: u64 = 30_000;

/// What this device keeps for one plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPlan {
    replica: Replica,
    last_complete_ms: Option<f64>,
    /// The topics this copy was given under; the server resets the copy when they change.
    /// (Copies from before consent by topic held everything.)
    #[serde(default = "every_topic")]
    topics: BTreeSet<Topic>,
}

impl StoredPlan {
    /// This copy with nothing of the record left but this device's own edits (waiting, or
    /// refused with their words): the next sync fills it in afresh, as its user may see now.
    fn blanked(&self) -> StoredPlan {
        let person = self.replica.confirmed().person;
        StoredPlan {
            replica: self.replica.rebased(
                domain::plan::Plan::new(person, domain::AboutMe::default()),
                0,
            ),
            last_complete_ms: None,
            topics: BTreeSet::new(),
        }
    }
}

fn every_topic() -> BTreeSet<Topic> {
    Topic::ALL.into_iter().collect()
}

/// Which user this device's copies belong to.
const USER_KEY: &str = "circle.v1.user";
/// The service worker's cache (pages hold personal data too).
const PAGE_CACHE: &str = "circle-shell-v1";

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

/// Drops every page kept for offline use and every stored plan copy made under other access;
/// edits waiting to be sent, and refused edits, stay (on a blank copy that the next sync
/// replaces with what the user may see now).
async fn forget_copies_made_under_old_access() {
    renew_pages(|_| true).await;
    for key in idb::keys().await.unwrap_or_default() {
        if !key.starts_with(PLAN_PREFIX) {
            continue;
        }
        let Ok(Some(raw)) = idb::get(&key).await else {
            let _ = idb::delete(&key).await;
            continue;
        };
        match serde_json::from_str::<StoredPlan>(&raw) {
            Ok(stored)
                if !stored.replica.outbox().is_empty()
                    || !stored.replica.attention().is_empty() =>
            {
                let blank = stored.blanked();
                if let Ok(json) = serde_json::to_string(&blank) {
                    idb::write(key.clone(), json, |_| {});
                }
            }
            _ => {
                let _ = idb::delete(&key).await;
            }
        }
    }
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

/// Edits on this device that have not reached the server yet, over every plan.
pub async fn pending_edits() -> usize {
    let mut pending = 0;
    for key in idb::keys().await.unwrap_or_default() {
        if !key.starts_with(PLAN_PREFIX) {
            continue;
        }
        if let Ok(Some(raw)) = idb::get(&key).await
            && let Ok(stored) = serde_json::from_str::<StoredPlan>(&raw)
        {
            pending += stored.replica.outbox().len();
        }
    }
    pending
}

/// Removes everything Circle keeps on this device: every plan copy and outbox, the device's
/// notes in local storage, and the pages kept for offline use.
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

/// The engine's state for one open plan, beside the page's signals.
struct Engine {
    stored: StoredPlan,
    busy: bool,
    again: bool,
}

thread_local! {
    static ENGINES: std::cell::RefCell<std::collections::HashMap<domain::PersonId, Engine>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// Bumped each time a plan's page starts or ends, so a late load knows it is stale.
    static GENERATION: std::cell::RefCell<std::collections::HashMap<domain::PersonId, u64>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static LIVE: std::cell::RefCell<std::collections::HashMap<domain::PersonId, Live>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn with_engine<R>(person: domain::PersonId, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
    ENGINES.with(|engines| engines.borrow_mut().get_mut(&person).map(f))
}

pub fn start(sync: PlanSync, snapshot: Snapshot) {
    let person = sync.person;
    let generation = GENERATION.with(|g| {
        let mut g = g.borrow_mut();
        let n = g.entry(person).or_insert(0);
        *n += 1;
        *n
    });
    spawn_local(async move {
        ready().await;
        let (stored, unreadable) = load(sync, snapshot).await;
        // The page may have gone (or been opened again) while the device's copy was read.
        if GENERATION.with(|g| g.borrow().get(&person).copied()) != Some(generation) {
            return;
        }
        ENGINES.with(|engines| {
            engines.borrow_mut().insert(
                person,
                Engine {
                    stored,
                    busy: false,
                    again: false,
                },
            )
        });
        sync.status.update(|s| {
            s.running = true;
            s.online = online();
            if unreadable {
                s.notice = Some(
                    "An older copy of this plan on this device could not be read. It has been \
                     kept aside on the device; the plan shown is the server's."
                        .to_owned(),
                );
            }
        });
        save(sync);
        refresh(sync);
        connect_live(sync);
        round(sync).await;
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
        sync.status.update(|s| s.online = true);
        spawn_local(round(sync));
        connect_live(sync);
    });
    let on_offline = window_event_listener(leptos::ev::offline, move |_| {
        sync.status.update(|s| s.online = false);
    });
    let retry = set_interval_with_handle(
        move || {
            let status = sync.status.get_untracked();
            if status.waiting > 0 || !status.online {
                spawn_local(round(sync));
            }
        },
        RETRY_EVERY,
    )
    .ok();

    on_cleanup(move || {
        GENERATION.with(|g| {
            if let Some(n) = g.borrow_mut().get_mut(&person) {
                *n += 1;
            }
        });
        on_storage.remove();
        on_online.remove();
        on_offline.remove();
        if let Some(retry) = retry {
            retry.clear();
        }
        LIVE.with(|live| {
            if let Some(live) = live.borrow_mut().remove(&person) {
                live.source.close();
            }
        });
        ENGINES.with(|engines| engines.borrow_mut().remove(&person));
    });
}

/// Another tab took this plan over: stop editing and syncing here, keep what is on screen.
fn stop(sync: PlanSync) {
    let person = sync.person;
    LIVE.with(|live| {
        if let Some(live) = live.borrow_mut().remove(&person) {
            live.source.close();
        }
    });
    ENGINES.with(|engines| engines.borrow_mut().remove(&person));
    sync.status.update(|s| {
        s.running = false;
        s.notice = Some(
            "This plan is now open in another tab or window of this browser, and edits are \
             made there. Reload this page to edit here instead."
                .to_owned(),
        );
    });
}

/// Records edits on the device, shows them and sends them.
pub fn record(sync: PlanSync, ops: Vec<domain::plan::Op>) {
    with_engine(sync.person, |engine| {
        for op in ops {
            engine.stored.replica.edit(op);
        }
    });
    save(sync);
    refresh(sync);
    spawn_local(round(sync));
}

pub fn dismiss(sync: PlanSync, seq: u64) {
    with_engine(sync.person, |engine| engine.stored.replica.dismiss(seq));
    save(sync);
    refresh(sync);
}

/// Copies the engine's state into the page's signals.
fn refresh(sync: PlanSync) {
    let Some((plan, waiting, rejected, last)) = with_engine(sync.person, |engine| {
        let replica = &engine.stored.replica;
        let rejected = replica
            .attention()
            .iter()
            .filter_map(|(m, outcome)| match outcome {
                Outcome::Rejected { reason } => Some(RejectedEdit {
                    mutation: m.clone(),
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .collect::<Vec<_>>();
        (
            replica.view(),
            replica.outbox().len(),
            rejected,
            engine.stored.last_complete_ms,
        )
    }) else {
        return;
    };
    if sync.plan.with_untracked(|p| p != &plan) {
        sync.plan.set(plan);
    }
    if sync.rejected.with_untracked(|r| r != &rejected) {
        sync.rejected.set(rejected);
    }
    sync.status.update(|s| {
        s.waiting = waiting;
        s.last_complete_ms = last;
    });
}

/// What this device holds for the plan, or a new replica from the server's snapshot. A copy
/// this build cannot read is kept aside under another key rather than overwritten.
async fn load(sync: PlanSync, snapshot: Snapshot) -> (StoredPlan, bool) {
    let fresh = || StoredPlan {
        replica: Replica::new(device_id(), snapshot.plan.clone(), snapshot.version),
        last_complete_ms: None,
        topics: snapshot.topics.clone(),
    };
    let key = plan_key(sync.person);
    match idb::get(&key).await {
        Ok(None) => (fresh(), false),
        Ok(Some(raw)) => match serde_json::from_str::<StoredPlan>(&raw) {
            Ok(stored) => (stored, false),
            Err(_) => {
                let aside = format!("unreadable.{}.{}", sync.person, js_sys::Date::now());
                idb::write(aside, raw, |_| {});
                (fresh(), true)
            }
        },
        Err(error) => {
            storage_failed(sync, &error);
            (fresh(), false)
        }
    }
}

/// Writes the plan's entry (in the background, newest last). When the device is full, copies
/// of other plans with nothing waiting are dropped (they can be fetched again) and the write is
/// tried once more; if it still fails the person is told, and everything stays in memory.
fn save(sync: PlanSync) {
    let Some(stored) = with_engine(sync.person, |engine| engine.stored.clone()) else {
        return;
    };
    let Ok(json) = serde_json::to_string(&stored) else {
        return;
    };
    let key = plan_key(sync.person);
    idb::write(key.clone(), json, move |result| match result {
        Ok(()) => {
            if sync.status.with_untracked(|s| s.storage_problem.is_some()) {
                sync.status.update(|s| s.storage_problem = None);
            }
        }
        Err(idb::IdbError::Full) => {
            storage_failed(sync, &idb::IdbError::Full);
            let key = key.clone();
            spawn_local(async move {
                if free_space(&key).await > 0 {
                    save(sync);
                }
            });
        }
        Err(error) => storage_failed(sync, &error),
    });
}

fn storage_failed(sync: PlanSync, error: &idb::IdbError) {
    let problem = match error {
        idb::IdbError::Full => "This device's storage is full, so your latest edits are not \
             saved on it yet. They are still on screen and will be sent when Circle reaches the \
             server: keep this page open until it says all changes are saved."
            .to_owned(),
        idb::IdbError::Failed(cause) => format!(
            "This device could not save the plan ({cause}). Your edits are still on screen and \
             will be sent when Circle reaches the server: keep this page open until it says all \
             changes are saved."
        ),
    };
    sync.status.update(|s| s.storage_problem = Some(problem));
}

/// Removes stored plans that have no edits waiting and nothing for a person to see; returns
/// how many.
async fn free_space(keep: &str) -> usize {
    let Ok(keys) = idb::keys().await else {
        return 0;
    };
    let mut freed = 0;
    for key in keys
        .into_iter()
        .filter(|k| k.starts_with(PLAN_PREFIX) && k != keep)
    {
        let idle = match idb::get(&key).await {
            Ok(Some(raw)) => serde_json::from_str::<StoredPlan>(&raw).is_ok_and(|stored| {
                stored.replica.outbox().is_empty() && stored.replica.attention().is_empty()
            }),
            _ => false,
        };
        if idle && idb::delete(&key).await.is_ok() {
            freed += 1;
        }
    }
    freed
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

/// One sync: push what waits, pull to the newest change. Runs one at a time per plan; a
/// request for another while one runs makes it go round once more.
async fn round(sync: PlanSync) {
    let started = with_engine(sync.person, |engine| {
        if engine.busy {
            engine.again = true;
            false
        } else {
            engine.busy = true;
            true
        }
    });
    if started != Some(true) {
        return;
    }
    sync.status.update(|s| s.syncing = true);
    let result = loop {
        with_engine(sync.person, |engine| engine.again = false);
        let result = push_and_pull(sync).await;
        let again = with_engine(sync.person, |engine| engine.again).unwrap_or(false);
        if result.is_err() || !again {
            break result;
        }
    };
    let settled = with_engine(sync.person, |engine| {
        engine.busy = false;
        let settled = result.is_ok() && engine.stored.replica.outbox().is_empty();
        if settled {
            engine.stored.last_complete_ms = Some(js_sys::Date::now());
        }
        settled
    });
    if settled == Some(true) {
        save(sync);
    }
    refresh(sync);
    sync.status.update(|s| {
        s.syncing = false;
        match result {
            Ok(()) => {
                s.online = true;
                s.problem = None;
            }
            Err(NetError::Offline) => s.online = false,
            Err(NetError::Refused(message)) => {
                s.online = true;
                s.problem = Some(message);
            }
        }
    });
}

async fn push_and_pull(sync: PlanSync) -> Result<(), NetError> {
    let person = sync.person;
    let Some((client, outbox)) = with_engine(person, |e| {
        (e.stored.replica.client, e.stored.replica.push_request())
    }) else {
        return Ok(());
    };
    for batch in outbox.chunks(MAX_PUSH_BATCH) {
        let request = PushRequest {
            person,
            client,
            mutations: batch.to_vec(),
        };
        let response: PushResponse = post("/api/sync/push", &request).await?;
        with_engine(person, |e| e.stored.replica.on_acks(&response.acks));
        save(sync);
        refresh(sync);
    }
    loop {
        let Some((since, last_seq, topics)) = with_engine(person, |e| {
            (
                e.stored.replica.cursor(),
                e.stored.replica.last_seq(),
                e.stored.topics.clone(),
            )
        }) else {
            return Ok(());
        };
        let request = PullRequest {
            person,
            since,
            topics: Some(topics),
            device: Some(DeviceReport { client, last_seq }),
        };
        let response: PullResponse = post("/api/sync/pull", &request).await?;
        let cursor = with_engine(person, |e| {
            e.stored.replica.on_pull(&response);
            if let Some(reset) = &response.reset {
                // What may be seen changed: the copy now holds only what it may.
                e.stored.topics = reset.snapshot.topics.clone();
            }
            e.stored.replica.cursor()
        })
        .unwrap_or(response.version);
        save(sync);
        refresh(sync);
        if let Some(reset) = &response.reset {
            // The pages of this person kept offline were made under the old access: they
            // are kept again as they are now.
            sync.topics.set(reset.snapshot.topics.clone());
            let prefix = format!("/people/{person}");
            renew_pages(|path| path == prefix || path.starts_with(&format!("{prefix}/"))).await;
        }
        let moved = !response.changes.is_empty()
            || !response.withheld.is_empty()
            || response.reset.is_some();
        if !moved || cursor >= response.version {
            return Ok(());
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

fn connect_live(sync: PlanSync) {
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
    let pull = move |_: web_sys::Event| spawn_local(round(sync));
    let on_changed = Closure::<dyn FnMut(web_sys::Event)>::new(pull);
    let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(pull);
    // Connected: reset the back-off and catch up on anything missed while the channel was down.
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        set_backoff(person, LIVE_BACKOFF_MIN_MS);
        spawn_local(round(sync));
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

fn plan_key(person: domain::PersonId) -> String {
    format!("{PLAN_PREFIX}{person}")
}

/// This browser's id as a UUID (for the notes' document id).
pub fn device_uuid() -> uuid::Uuid {
    device_id().0
}

/// This browser's id, made once and kept.
fn device_id() -> ClientId {
    if let Ok(id) = LocalStorage::get::<ClientId>(DEVICE_KEY) {
        return id;
    }
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes);
    let id = ClientId(uuid::Builder::from_random_bytes(bytes).into_uuid());
    let _ = LocalStorage::set(DEVICE_KEY, id);
    id
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
