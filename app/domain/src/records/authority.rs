//! The server's side of a push, without I/O: the caller reads the records the batch touches
//! (see [`super::engine::needs`]) and the outcomes it needs, runs [`Authority::push`], and
//! stores what [`Authority::changed`] and [`Authority::log`] return, with the audit events, in
//! one transaction.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::engine::{self, Ctx};
use super::kinds::Catalog;
use super::{Outcome, Record, RecordKey, RecordOp, RecordSet, SCHEMA_VERSION, Stamp};
use crate::PersonId;
use crate::audit::AuditLines;
use crate::sync::ClientId;

/// An edit as a device sends it: which device, its number, the format it was written in, and
/// the edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    pub client: ClientId,
    pub seq: u64,
    pub schema: u16,
    pub op: AnyOp,
}

/// An edit in the format of this build, or in the single-document plan's format (schema 1),
/// which devices that went offline before the change may still hold: the server turns those
/// into records edits rather than refusing them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AnyOp {
    Record(RecordOp),
    /// An edit queued in the single-document plan's format (schema 1).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    Plan(crate::plan::Op),
}

impl AnyOp {
    /// The edit in this build's format (`None`: an old edit that has no equivalent any more).
    pub fn to_record_op(&self, person: PersonId) -> Option<RecordOp> {
        match self {
            AnyOp::Record(op) => Some(op.clone()),
            AnyOp::Plan(op) => super::legacy::translate(op, person),
        }
    }
}

/// `POST /api/sync/push`: one device's pending edits to one person's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub person: PersonId,
    pub client: ClientId,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub acks: Vec<Ack>,
}

impl PushRequest {
    /// Checks what the server can check before touching storage.
    pub fn validate(&self) -> Result<(), String> {
        use crate::sync::MAX_PUSH_BATCH;
        if self.mutations.len() > MAX_PUSH_BATCH {
            return Err(format!(
                "A push carries at most {MAX_PUSH_BATCH} edits; send the rest in another push."
            ));
        }
        if let Some(m) = self.mutations.iter().find(|m| m.client != self.client) {
            return Err(format!("Edit {} was made on another device.", m.seq));
        }
        if self.mutations.iter().any(|m| m.seq == 0) {
            return Err("Edit numbers start at 1.".to_owned());
        }
        let mut seen = BTreeSet::new();
        if let Some(m) = self.mutations.iter().find(|m| !seen.insert(m.seq)) {
            return Err(format!(
                "Edit {} appears twice in this push: each edit is sent once, with its own number.",
                m.seq
            ));
        }
        Ok(())
    }
}

/// What became of one edit, as the device is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ack {
    pub seq: u64,
    pub outcome: Outcome,
    /// The person's version at which it changed records: once the device has pulled to it,
    /// its copy holds the edit. `None` when it changed nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

/// One accepted edit at its place in the person's order (the change log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub version: u64,
    pub client: ClientId,
    pub seq: u64,
    pub op: RecordOp,
}

/// An edit decided by a push: its ack, and (when decided now rather than replayed) the audit
/// trail's words for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub ack: Ack,
    pub audit: Option<AuditLines>,
}

/// Whether an edit may be made to the records as they stand (`Err`: why not, for the person).
pub type Allowed<'a> = dyn Fn(&RecordSet, &RecordOp) -> Result<(), String> + Send + Sync + 'a;

/// The server's side for one person's record, for one push.
#[derive(Debug)]
pub struct Authority<'a> {
    catalog: &'a Catalog,
    person: PersonId,
    records: RecordSet,
    version: u64,
    /// Known outcomes: every (device, number) about to be pushed, and each device's latest.
    outcomes: BTreeMap<(ClientId, u64), Ack>,
    changed: BTreeSet<RecordKey>,
    log: Vec<Change>,
    fresh: Vec<(ClientId, Ack)>,
}

impl<'a> Authority<'a> {
    /// Continues from stored state: `records` holds at least what the batch reads, `version`
    /// is the person's version, `outcomes` the stored acks of every (device, number) in the
    /// batch and of each such device's latest edit.
    pub fn resume(
        catalog: &'a Catalog,
        person: PersonId,
        records: RecordSet,
        version: u64,
        outcomes: impl IntoIterator<Item = ((ClientId, u64), Ack)>,
    ) -> Self {
        Self {
            catalog,
            person,
            records,
            version,
            outcomes: outcomes.into_iter().collect(),
            changed: BTreeSet::new(),
            log: Vec::new(),
            fresh: Vec::new(),
        }
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn records(&self) -> &RecordSet {
        &self.records
    }

    /// The records this push changed, to be written.
    pub fn changed(&self) -> impl Iterator<Item = &Record> {
        self.changed.iter().filter_map(|k| self.records.get(k))
    }

    /// The edits this push accepted, in order.
    pub fn log(&self) -> &[Change] {
        &self.log
    }

    /// The acks decided by this push (not replays), to be stored.
    pub fn fresh_outcomes(&self) -> &[(ClientId, Ack)] {
        &self.fresh
    }

    fn next_seq(&self, client: ClientId) -> u64 {
        self.outcomes
            .range((client, 0)..=(client, u64::MAX))
            .next_back()
            .map_or(1, |((_, seq), _)| seq + 1)
    }

    /// Processes a batch in order. Every edit gets exactly one ack: a replay gets the stored
    /// one; an edit after a gap in its device's numbers gets none and is sent again later. Each
    /// new edit is put to `allowed` first (with the records as they stand then): one it refuses
    /// is rejected with the reason, its content kept on the device, and the edits after it go
    /// on.
    pub fn push(
        &mut self,
        batch: &[Mutation],
        allowed: &Allowed<'_>,
        stamp: &Stamp,
    ) -> Vec<Decided> {
        let mut decided = Vec::new();
        for m in batch {
            if let Some(ack) = self.outcomes.get(&(m.client, m.seq)) {
                decided.push(Decided {
                    ack: Ack {
                        seq: m.seq,
                        ..ack.clone()
                    },
                    audit: None,
                });
                continue;
            }
            if m.seq != self.next_seq(m.client) {
                continue;
            }
            let (op, outcome, version, what) = self.decide(m, allowed, stamp);
            let ack = Ack {
                seq: m.seq,
                outcome,
                version,
            };
            if let (Some(op), Some(version)) = (&op, version) {
                self.log.push(Change {
                    version,
                    client: m.client,
                    seq: m.seq,
                    op: op.clone(),
                });
            }
            let audit = engine::audit_lines(what, op.as_ref(), &ack.outcome);
            self.outcomes.insert((m.client, m.seq), ack.clone());
            self.fresh.push((m.client, ack.clone()));
            decided.push(Decided {
                ack,
                audit: Some(audit),
            });
        }
        decided
    }

    /// Decides one new edit: the edit in this build's format, its outcome, the version it
    /// changed records at (if it did), and its words.
    fn decide(
        &mut self,
        m: &Mutation,
        allowed: &Allowed<'_>,
        stamp: &Stamp,
    ) -> (Option<RecordOp>, Outcome, Option<u64>, String) {
        let rejected = |reason: String| Outcome::Rejected { reason };
        if m.schema > SCHEMA_VERSION {
            let reason = format!(
                "This edit was made by a newer version of Circle (format {}). It is kept on your device: update Circle here, or enter it again.",
                m.schema
            );
            return (
                None,
                rejected(reason),
                None,
                "An edit in a newer format".to_owned(),
            );
        }
        let Some(op) = m.op.to_record_op(self.person) else {
            let reason = "This edit was made by an older version of Circle and has no equivalent now. It is kept on your device: please enter it again.";
            return (
                None,
                rejected(reason.to_owned()),
                None,
                "An edit in an old format".to_owned(),
            );
        };
        let what = engine::describe_op(&self.records, &op, self.catalog);
        if let Err(reason) = written_by_its_device(m.client, &op) {
            return (Some(op), rejected(reason), None, what);
        }
        if let Err(reason) = allowed(&self.records, &op) {
            return (Some(op), rejected(reason), None, what);
        }
        let ctx = Ctx {
            catalog: self.catalog,
            person: self.person,
            stamp: stamp.clone(),
            cause: (m.client.0, m.seq),
            version: self.version + 1,
        };
        let applied = engine::apply(&mut self.records, &op, &ctx);
        if applied.changed.is_empty() {
            return (Some(op), applied.outcome, None, what);
        }
        self.version += 1;
        self.changed.extend(applied.changed);
        (Some(op), applied.outcome, Some(self.version), what)
    }
}

/// Shared text is written by a device under its own document id only (see
/// [`crate::notes::writers`]): an update bringing text under another's would let one device
/// pass its words off as another's, or spend another device's clocks.
fn written_by_its_device(client: ClientId, op: &RecordOp) -> Result<(), String> {
    let RecordOp::EditText { update, .. } = op else {
        return Ok(());
    };
    let own = crate::notes::device_doc_id(client.0);
    match crate::notes::writers(update) {
        Ok(writers) if writers.iter().all(|w| *w == own) => Ok(()),
        Ok(_) => Err(
            "This change to the notes was written as another device. It is kept here: type it again."
                .to_owned(),
        ),
        Err(e) => Err(e.to_string()),
    }
}
