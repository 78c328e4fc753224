//! The plan a page shows, kept in step with the server by the browser's sync engine.
//!
//! A page makes one [`PlanSync`] from the server's snapshot and renders its signals. In the
//! browser (`hydrate`) [`PlanSync::start`] hands it to the engine in `browser.rs`: the
//! `domain::sync::Replica` kept in local storage, pushes and pulls, the live channel. Every
//! edit goes through [`PlanSync::edit`]: checked with the same `Plan::apply` the server runs,
//! shown at once, saved on the device, then sent.

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
mod idb;

use domain::PersonId;
use domain::notes::{Meeting, MeetingId};
use domain::plan::{GoalId, Op, Outcome, Plan, StepId};
use domain::sync::{Mutation, Snapshot};
use leptos::prelude::*;

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

/// An edit the server refused, kept with its content so the person can see and reuse it.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedEdit {
    pub mutation: Mutation,
    pub reason: String,
}

const NEEDS_JAVASCRIPT: &str = "Editing needs JavaScript: turn it on in your browser to edit.";

#[derive(Debug, Clone, Copy)]
pub struct PlanSync {
    pub person: PersonId,
    /// The plan as this device shows it: the server's state with this device's edits on top.
    pub plan: RwSignal<Plan>,
    pub status: RwSignal<SyncStatus>,
    pub rejected: RwSignal<Vec<RejectedEdit>>,
    /// The topics this reader may see: the sections shown (a reset changes them).
    pub topics: RwSignal<std::collections::BTreeSet<domain::access::Topic>>,
}

impl PlanSync {
    pub fn new(person: PersonId, snapshot: &Snapshot) -> Self {
        Self {
            person,
            plan: RwSignal::new(snapshot.plan.clone()),
            status: RwSignal::new(SyncStatus::default()),
            rejected: RwSignal::new(Vec::new()),
            topics: RwSignal::new(snapshot.topics.clone()),
        }
    }

    /// Starts the engine in the browser: loads what this device holds, connects, syncs.
    /// Call from an effect (effects run only in the browser).
    pub fn start(self, snapshot: Snapshot) {
        #[cfg(feature = "hydrate")]
        browser::start(self, snapshot);
        #[cfg(not(feature = "hydrate"))]
        let _ = snapshot;
    }

    /// Records edits, in order, as one step: each is checked against the plan as shown, and
    /// if any would be refused none is recorded and the reason is returned.
    pub fn edit(self, ops: Vec<Op>) -> Result<(), String> {
        let mut trial = self.plan.get_untracked();
        for op in &ops {
            if let Outcome::Rejected { reason } = trial.apply(op) {
                return Err(reason);
            }
        }
        let status = self.status.get_untracked();
        if !status.running {
            return Err(status.notice.unwrap_or_else(|| NEEDS_JAVASCRIPT.to_owned()));
        }
        #[cfg(feature = "hydrate")]
        browser::record(self, ops);
        Ok(())
    }

    /// Adds a goal, in the person's own words, with an id made on this device.
    pub fn create_goal(self, wording: String) -> Result<(), String> {
        let goal = GoalId(self.fresh_id()?);
        self.edit(vec![Op::CreateGoal { goal, wording }])
    }

    pub fn add_step(self, goal: GoalId, text: String) -> Result<(), String> {
        let step = StepId(self.fresh_id()?);
        self.edit(vec![Op::AddStep { goal, step, text }])
    }

    pub fn add_meeting(self, title: String) -> Result<(), String> {
        let meeting = MeetingId(self.fresh_id()?);
        self.edit(vec![Op::AddMeeting { meeting, title }])
    }

    /// Records the notes as now typed, as a change from `base`, the notes the typing started
    /// from: whatever others wrote meanwhile is merged with it, not overwritten.
    pub fn edit_notes(self, base: &Meeting, typed: &str) -> Result<(), String> {
        match base.edit_to(self.notes_doc_id()?, typed) {
            Some(update) => self.edit(vec![Op::EditNotes {
                meeting: base.id,
                update,
            }]),
            None => Ok(()),
        }
    }

    /// Forgets a refused edit the person has dealt with.
    pub fn dismiss_rejected(self, seq: u64) {
        #[cfg(feature = "hydrate")]
        browser::dismiss(self, seq);
        #[cfg(not(feature = "hydrate"))]
        let _ = seq;
    }

    /// The document id this device writes notes with.
    fn notes_doc_id(self) -> Result<u64, String> {
        #[cfg(feature = "hydrate")]
        return Ok(domain::notes::device_doc_id(browser::device_uuid()));
        #[cfg(not(feature = "hydrate"))]
        Err(NEEDS_JAVASCRIPT.to_owned())
    }

    /// A new id (UUID v7), made on the device so that records can be created offline.
    fn fresh_id(self) -> Result<uuid::Uuid, String> {
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

/// Edits on this device not yet on the server, over every plan (0 without JavaScript).
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
