//! A device's side of one person's record, without I/O: the server's copy of each record the
//! device's user may read, and the edits made on the device that the server has not confirmed
//! yet, applied on top of it for what the device shows.
//!
//! A pull replaces the confirmed copy of each record it carries; the device's own pending edits
//! are then applied again on top. An edit leaves the outbox once the server has answered it
//! and the device has pulled past the version it changed records at (or at once, when it was
//! refused or changed nothing).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::authority::{Ack, AnyOp, Mutation};
use super::engine::{self, Ctx};
use super::kinds::Catalog;
use super::pull::PullResponse;
use super::{Outcome, Record, RecordKey, RecordOp, RecordSet, SCHEMA_VERSION, Stamp};
use crate::PersonId;
use crate::access::Topic;
use crate::sync::ClientId;

/// An edit waiting for the server, and (once answered) the version it changed records at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub mutation: Mutation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acked: Option<u64>,
}

/// An edit a person must see: refused by the server, with its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub mutation: Mutation,
    pub reason: String,
}

/// What a pull changed in the device's copy: the records to write and the records to drop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pulled {
    pub written: Vec<RecordKey>,
    pub dropped: Vec<RecordKey>,
    /// The whole copy was replaced (what the user may see changed).
    pub replaced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica {
    pub person: PersonId,
    /// This copy's device id: edit numbers are per copy, so a copy made afresh never reuses one.
    pub client: ClientId,
    next_seq: u64,
    confirmed: RecordSet,
    cursor: u64,
    topics: BTreeSet<Topic>,
    outbox: Vec<Pending>,
    refused: Vec<Refused>,
}

impl Replica {
    /// A new copy from the server's snapshot.
    pub fn new(
        person: PersonId,
        client: ClientId,
        confirmed: RecordSet,
        cursor: u64,
        topics: BTreeSet<Topic>,
    ) -> Self {
        Self {
            person,
            client,
            next_seq: 1,
            confirmed,
            cursor,
            topics,
            outbox: Vec::new(),
            refused: Vec::new(),
        }
    }

    /// A copy as stored on a device, in parts (so that storage can keep each record apart).
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        person: PersonId,
        client: ClientId,
        next_seq: u64,
        confirmed: RecordSet,
        cursor: u64,
        topics: BTreeSet<Topic>,
        outbox: Vec<Pending>,
        refused: Vec<Refused>,
    ) -> Self {
        let next_seq = outbox
            .iter()
            .map(|p| p.mutation.seq + 1)
            .chain(refused.iter().map(|r| r.mutation.seq + 1))
            .fold(next_seq.max(1), u64::max);
        Self {
            person,
            client,
            next_seq,
            confirmed,
            cursor,
            topics,
            outbox,
            refused,
        }
    }

    pub fn confirmed(&self) -> &RecordSet {
        &self.confirmed
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    pub fn topics(&self) -> &BTreeSet<Topic> {
        &self.topics
    }

    pub fn outbox(&self) -> &[Pending] {
        &self.outbox
    }

    pub fn refused(&self) -> &[Refused] {
        &self.refused
    }

    /// The number the next edit gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The number of the last edit made on this copy (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// What the device shows: the confirmed records with pending edits applied on top, as made
    /// by `me` (the name the device shows for its user).
    pub fn view(&self, catalog: &Catalog, me: &Stamp) -> RecordSet {
        let mut view = self.confirmed.clone();
        for pending in &self.outbox {
            self.apply_pending(&mut view, catalog, me, pending);
        }
        view
    }

    fn apply_pending(
        &self,
        view: &mut RecordSet,
        catalog: &Catalog,
        me: &Stamp,
        pending: &Pending,
    ) {
        let Some(op) = pending.mutation.op.to_record_op(self.person) else {
            return;
        };
        let ctx = Ctx {
            catalog,
            person: self.person,
            stamp: me.clone(),
            cause: (self.client.0, pending.mutation.seq),
            version: self.cursor.max(pending.acked.unwrap_or(0)) + 1,
        };
        engine::apply(view, &op, &ctx);
    }

    /// Records edits, in order, as one step: each is tried on what the device shows, and if
    /// any would be refused none is recorded and the reason is returned.
    pub fn edit(
        &mut self,
        ops: Vec<RecordOp>,
        catalog: &Catalog,
        me: &Stamp,
    ) -> Result<(), String> {
        let mut trial = self.view(catalog, me);
        for (i, op) in ops.iter().enumerate() {
            let ctx = Ctx {
                catalog,
                person: self.person,
                stamp: me.clone(),
                cause: (self.client.0, self.next_seq + i as u64),
                version: self.cursor + 1,
            };
            if let Outcome::Rejected { reason } = engine::apply(&mut trial, op, &ctx).outcome {
                return Err(reason);
            }
        }
        for op in ops {
            self.outbox.push(Pending {
                mutation: Mutation {
                    client: self.client,
                    seq: self.next_seq,
                    schema: SCHEMA_VERSION,
                    op: AnyOp::Record(op),
                },
                acked: None,
            });
            self.next_seq += 1;
        }
        Ok(())
    }

    /// Takes the server's answers. A refused edit leaves the outbox but stays, with its
    /// content, in [`Replica::refused`]; an edit that changed nothing leaves at once; one that
    /// changed records leaves once a pull has brought the device past its version.
    pub fn on_acks(&mut self, acks: &[Ack]) {
        for ack in acks {
            let Some(pos) = self.outbox.iter().position(|p| p.mutation.seq == ack.seq) else {
                continue;
            };
            match (&ack.outcome, ack.version) {
                (Outcome::Rejected { reason }, _) => {
                    let pending = self.outbox.remove(pos);
                    if !self.refused.iter().any(|r| r.mutation.seq == ack.seq) {
                        self.refused.push(Refused {
                            mutation: pending.mutation,
                            reason: reason.clone(),
                        });
                    }
                }
                (_, None) => {
                    self.outbox.remove(pos);
                }
                (_, Some(version)) if version <= self.cursor => {
                    self.outbox.remove(pos);
                }
                (_, Some(version)) => self.outbox[pos].acked = Some(version),
            }
        }
    }

    /// Takes a pull's answer: replaces the records it carries, drops those gone, moves the
    /// cursor. An answer that does not continue from the cursor (late or repeated) changes
    /// nothing, unless it is a fresh copy.
    pub fn on_pull(&mut self, response: &PullResponse) -> Pulled {
        let mut pulled = Pulled::default();
        if let Some(topics) = &response.reset {
            pulled.dropped = self
                .confirmed
                .iter()
                .map(|r| r.key())
                .filter(|k| !response.records.iter().any(|r| &r.key() == k))
                .collect();
            self.confirmed = response.records.iter().cloned().collect();
            self.topics = topics.clone();
            pulled.replaced = true;
        } else {
            if response.since != self.cursor {
                return pulled;
            }
            for record in &response.records {
                self.confirmed.insert(record.clone());
            }
            let ids: BTreeSet<&uuid::Uuid> = response.gone.iter().collect();
            let gone: Vec<RecordKey> = self
                .confirmed
                .iter()
                .filter(|r| ids.contains(&r.id))
                .map(Record::key)
                .collect();
            for key in gone {
                self.confirmed.remove(&key);
                pulled.dropped.push(key);
            }
        }
        pulled.written = response.records.iter().map(|r| r.key()).collect();
        self.cursor = response.through;
        let cursor = self.cursor;
        self.outbox
            .retain(|p| p.acked.is_none_or(|version| version > cursor));
        pulled
    }

    /// Forgets a refused edit the person has dealt with.
    pub fn dismiss(&mut self, seq: u64) {
        self.refused.retain(|r| r.mutation.seq != seq);
    }

    /// The pending edits to send, oldest first, cut into pushes of at most `max_edits` edits
    /// and `max_bytes` bytes as `size` measures them, so that no outbox is ever stuck behind a
    /// push the server would refuse as too large (a single edit larger than `max_bytes` goes on
    /// its own).
    pub fn push_batches(
        &self,
        max_edits: usize,
        max_bytes: usize,
        size: impl Fn(&Mutation) -> usize,
    ) -> Vec<Vec<Mutation>> {
        let mut batches: Vec<Vec<Mutation>> = Vec::new();
        let mut bytes = 0;
        for pending in self.outbox.iter().filter(|p| p.acked.is_none()) {
            let n = size(&pending.mutation);
            let full = batches
                .last()
                .is_none_or(|b| b.len() >= max_edits || bytes + n > max_bytes);
            if full {
                batches.push(Vec::new());
                bytes = 0;
            }
            bytes += n;
            if let Some(batch) = batches.last_mut() {
                batch.push(pending.mutation.clone());
            }
        }
        batches
    }
}
