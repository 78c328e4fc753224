//! A person's record as a page shows it, kept in step with the server by the browser's sync
//! engine.
//!
//! A page makes one [`RecordSync`] from the server's snapshot and renders its signals. In the
//! browser (`hydrate`) [`RecordSync::start`] hands it to the engine in `browser.rs`: the
//! `domain::records::replica::Replica` kept in IndexedDB a record at a time, driven by the
//! domain's sync state machine, pushes and pulls, the live channel. Every edit goes through
//! [`RecordSync::edit`]: tried with the same engine the server runs, shown at once, saved on the
//! device, then sent.

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
mod idb;

use std::collections::{BTreeMap, BTreeSet};

use domain::PersonId;
use domain::access::Topic;
use domain::records::pull::Snapshot;
use domain::records::replica::Refused;
use domain::records::shared::SharedText;
use domain::records::{RecordOp, RecordSet, Value};
use leptos::prelude::*;
use uuid::Uuid;

/// What the sync status bar shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// The engine is running (false while the page is only server-rendered).
    pub running: bool,
    /// The last request reached the server.
    pub online: bool,
    /// A push or pull is under way.
    pub syncing: bool,
    /// Edits on this device the server has not yet confirmed.
    pub waiting: usize,
    /// When this device last held everything and the server had everything from it
    /// (milliseconds since 1970, the browser's clock).
    pub last_complete_ms: Option<f64>,
    /// Why the server refused the last request, in words for the person.
    pub problem: Option<String>,
    /// Why this device could not save, in words for the person.
    pub storage_problem: Option<String>,
    /// Something found when the engine started that the person should know about.
    pub notice: Option<String>,
}

const MERGER_LOADING: &str = "The notes are still loading on this device: try again in a moment.";

const NEEDS_JAVASCRIPT: &str = "Editing needs JavaScript: turn it on in your browser to edit.";

#[derive(Debug, Clone, Copy)]
pub struct RecordSync {
    pub person: PersonId,
    /// The record as this device shows it: the server's copy with this device's edits on top.
    pub view: RwSignal<RecordSet>,
    pub status: RwSignal<SyncStatus>,
    /// Edits the server refused, with their words.
    pub refused: RwSignal<Vec<Refused>>,
    /// The topics this reader may see: the sections shown (a reset changes them).
    pub topics: RwSignal<BTreeSet<Topic>>,
    /// The signed-in user's name, for what this device shows of its own edits.
    pub me: StoredValue<String>,
    /// Whether this page has the text merger (see `domain::records::shared`): the browser loads
    /// it once the page is up; until then shared text is shown as the server sent it, to read.
    pub merger: RwSignal<bool>,
    /// Shared text as the server sent it with the page.
    texts: StoredValue<Vec<SharedText>>,
    /// Whether `view` holds every record of its topics: false while a page sent without some
    /// kinds (`Snapshot::leaving_out`) waits for the device's first pull to bring them.
    pub whole: RwSignal<bool>,
}

impl RecordSync {
    pub fn new(person: PersonId, snapshot: &Snapshot, me: String, texts: Vec<SharedText>) -> Self {
        Self {
            person,
            view: RwSignal::new(snapshot.records.iter().cloned().collect()),
            status: RwSignal::new(SyncStatus::default()),
            refused: RwSignal::new(Vec::new()),
            topics: RwSignal::new(snapshot.topics.clone()),
            me: StoredValue::new(me),
            merger: RwSignal::new(false),
            texts: StoredValue::new(texts),
            whole: RwSignal::new(snapshot.whole),
        }
    }

    /// Shared text (a meeting's notes) of record `kind`/`id` as this device shows it: with this
    /// device's edits once the merger is here, as the server sent it before. The server renders
    /// the page the same way, so that what the browser hydrates matches.
    pub fn shared_text(self, kind: &str, id: Uuid, field: &str) -> String {
        if self.merger.get() {
            return self.view.with(|v| {
                v.find(kind, id)
                    .map(|r| r.get(field).shared_text())
                    .unwrap_or_default()
            });
        }
        self.texts.with_value(|texts| {
            texts
                .iter()
                .find(|t| t.id == id && t.field == field)
                .map(|t| t.text.clone())
                .unwrap_or_default()
        })
    }

    /// Starts the engine in the browser: loads what this device holds, connects, syncs.
    /// Call from an effect (effects run only in the browser).
    pub fn start(self, snapshot: Snapshot) {
        #[cfg(feature = "hydrate")]
        browser::start(self, snapshot);
        #[cfg(not(feature = "hydrate"))]
        let _ = snapshot;
    }

    /// Records edits, in order, as one step: each is tried on the record as shown, and if any
    /// would be refused none is recorded and the reason is returned.
    pub fn edit(self, ops: Vec<RecordOp>) -> Result<(), String> {
        let status = self.status.get_untracked();
        if !status.running {
            return Err(status.notice.unwrap_or_else(|| NEEDS_JAVASCRIPT.to_owned()));
        }
        #[cfg(feature = "hydrate")]
        return browser::record(self, ops);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = ops;
            Err(NEEDS_JAVASCRIPT.to_owned())
        }
    }

    /// Makes a new record of `kind` (belonging to `parent`, if any) with `fields`, under an id
    /// made on this device.
    pub fn create(
        self,
        kind: &str,
        parent: Option<Uuid>,
        fields: Vec<(&str, Value)>,
    ) -> Result<Uuid, String> {
        self.create_about(kind, parent, None, fields)
    }

    /// [`RecordSync::create`] with the topic chosen for it (a decision about health), for a
    /// kind whose records choose theirs.
    pub fn create_about(
        self,
        kind: &str,
        parent: Option<Uuid>,
        topic: Option<Topic>,
        fields: Vec<(&str, Value)>,
    ) -> Result<Uuid, String> {
        let id = self.fresh_id()?;
        self.edit(vec![RecordOp::Create {
            kind: kind.to_owned(),
            id,
            parent,
            topic,
            fields: fields
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<BTreeMap<_, _>>(),
        }])?;
        Ok(id)
    }

    /// Changes one field from `before` (what the person saw) to `after`. A part of the record
    /// there is one of per person (About me, how we'll communicate) that nobody has written yet
    /// is made first, in the same step: made on two devices at once it is made once, and each
    /// device's change is applied to it (or kept as a conflict), never dropped.
    pub fn set(
        self,
        kind: &str,
        id: Uuid,
        field: &str,
        before: Value,
        after: Value,
    ) -> Result<(), String> {
        let mut ops = Vec::with_capacity(2);
        let singleton = domain::records::Catalog::standard()
            .kind(kind)
            .is_some_and(|k| k.singleton);
        if singleton && self.view.with_untracked(|v| v.find(kind, id).is_none()) {
            ops.push(RecordOp::Create {
                kind: kind.to_owned(),
                id,
                parent: None,
                topic: None,
                fields: BTreeMap::new(),
            });
        }
        ops.push(RecordOp::Set {
            kind: kind.to_owned(),
            id,
            field: field.to_owned(),
            before,
            after,
        });
        self.edit(ops)
    }

    /// Records shared text as now typed, as a change from `base` (the state the typing started
    /// from): whatever others wrote meanwhile is merged with it, not overwritten.
    pub fn edit_shared(
        self,
        kind: &str,
        id: Uuid,
        field: &str,
        base: &[u8],
        typed: &str,
    ) -> Result<(), String> {
        let merger = domain::records::shared::merger()
            .filter(|_| self.merger.get_untracked())
            .ok_or_else(|| MERGER_LOADING.to_owned())?;
        match (merger.edit)(base, self.notes_doc_id()?, typed) {
            Some(update) => self.edit(vec![RecordOp::EditText {
                kind: kind.to_owned(),
                id,
                field: field.to_owned(),
                update,
            }]),
            None => Ok(()),
        }
    }

    /// Forgets a refused edit the person has dealt with.
    pub fn dismiss_refused(self, seq: u64) {
        #[cfg(feature = "hydrate")]
        browser::dismiss(self, seq);
        #[cfg(not(feature = "hydrate"))]
        let _ = seq;
    }

    /// The document id this device writes shared text with (from this copy's device id).
    fn notes_doc_id(self) -> Result<u64, String> {
        #[cfg(feature = "hydrate")]
        return browser::client_of(self.person)
            .map(|c| domain::notes::device_doc_id(c.0))
            .ok_or_else(|| "This page is still starting: try again in a moment.".to_owned());
        #[cfg(not(feature = "hydrate"))]
        Err(NEEDS_JAVASCRIPT.to_owned())
    }

    /// A new id (UUID v7), made on the device so that records can be created offline.
    fn fresh_id(self) -> Result<Uuid, String> {
        #[cfg(feature = "hydrate")]
        return Ok(browser::fresh_id());
        #[cfg(not(feature = "hydrate"))]
        Err(NEEDS_JAVASCRIPT.to_owned())
    }
}

/// Gets this device's storage ready for the page's user before anything uses it (see
/// `browser::prepare`). Called once, by the wasm entry.
pub fn prepare_device() {
    #[cfg(feature = "hydrate")]
    browser::prepare_device();
}

/// Drops the record data the server put in the page for hydration, once it has been read.
pub fn forget_hydration_data() {
    #[cfg(feature = "hydrate")]
    browser::forget_hydration_data();
}

/// Registers the service worker that lets Circle open with no network.
pub fn register_service_worker() {
    #[cfg(feature = "hydrate")]
    browser::register_service_worker();
}

/// Keeps a copy of the page at `path` on this device for opening offline.
pub fn keep_page_offline(path: String) {
    #[cfg(feature = "hydrate")]
    browser::keep_page_offline(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Edits on this device not yet on the server, over every person (0 without JavaScript).
pub async fn pending_edits() -> usize {
    #[cfg(feature = "hydrate")]
    return browser::pending_edits().await;
    #[cfg(not(feature = "hydrate"))]
    0
}

/// Removes every copy, outbox and kept page of Circle from this device.
pub async fn wipe_device() {
    #[cfg(feature = "hydrate")]
    browser::wipe_device().await;
}
