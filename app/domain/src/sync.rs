//! The sync protocol as two state machines without I/O: a [`Replica`] on each device and the
//! [`Authority`] on the server. Callers own the network and the storage; these only turn states
//! and messages into new states and messages.
//!
//! - A device records each edit as a [`Mutation`] (client id + per-client sequence number),
//!   applies it at once to what it shows, and keeps it in its outbox until the server's log
//!   carries it back (or the server rejects it).
//! - The server processes each client's mutations strictly in sequence order (a gap waits for a
//!   resend), applies them with [`Plan::apply`], gives each exactly one [`Outcome`] (a replay
//!   returns the stored one) and appends what it accepted to a numbered log.
//! - A device pulls the log from its cursor and replays it on its last confirmed state: the same
//!   deterministic `apply` in the same order gives the server's plan; pending edits are rebased
//!   on top.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::{Op, Outcome, Plan};

/// The version of the mutation format this build writes.
pub const SCHEMA_VERSION: u16 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub Uuid);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutation {
    pub client: ClientId,
    pub seq: u64,
    pub schema: u16,
    pub op: Op,
}

/// One accepted mutation at its place in the server's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub version: u64,
    pub client: ClientId,
    pub seq: u64,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub seq: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    pub version: u64,
}

/// The server's side for one plan. It holds the log from `base` on; a server that keeps the log
/// in a database resumes one per request from the stored plan, version and the outcomes it
/// needs ([`Authority::resume`]), and stores what [`Authority::changes_since`] returns.
#[derive(Debug, Clone)]
pub struct Authority {
    plan: Plan,
    base: u64,
    log: Vec<Change>,
    outcomes: BTreeMap<(ClientId, u64), Outcome>,
}

impl Authority {
    pub fn new(plan: Plan) -> Self {
        Self::resume(plan, 0, [])
    }

    /// Continues from a stored state: the plan at `version`, and the stored outcomes of every
    /// (client, seq) about to be pushed plus each such client's latest one.
    pub fn resume(
        plan: Plan,
        version: u64,
        outcomes: impl IntoIterator<Item = ((ClientId, u64), Outcome)>,
    ) -> Self {
        Self {
            plan,
            base: version,
            log: Vec::new(),
            outcomes: outcomes.into_iter().collect(),
        }
    }

    /// The changes appended after `version`. Empty when `version` is before this authority's
    /// base: such a reader pulls from storage.
    pub fn changes_since(&self, version: u64) -> &[Change] {
        match usize::try_from(version.saturating_sub(self.base)) {
            Ok(from) if version >= self.base => &self.log[from.min(self.log.len())..],
            _ => &[],
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn version(&self) -> u64 {
        self.base + self.log.len() as u64
    }

    pub fn outcome(&self, client: ClientId, seq: u64) -> Option<&Outcome> {
        self.outcomes.get(&(client, seq))
    }

    fn next_seq(&self, client: ClientId) -> u64 {
        self.outcomes
            .range((client, 0)..=(client, u64::MAX))
            .next_back()
            .map_or(1, |((_, seq), _)| seq + 1)
    }

    /// Processes a batch. Returns an ack for every mutation processed now or before; a
    /// mutation after a gap in its client's sequence gets none and is sent again later.
    pub fn push(&mut self, batch: &[Mutation]) -> Vec<Ack> {
        let mut acks = Vec::new();
        for m in batch {
            if let Some(outcome) = self.outcomes.get(&(m.client, m.seq)) {
                acks.push(Ack {
                    seq: m.seq,
                    outcome: outcome.clone(),
                });
                continue;
            }
            if m.seq != self.next_seq(m.client) {
                continue;
            }
            let outcome = if m.schema != SCHEMA_VERSION {
                Outcome::Rejected {
                    reason: format!(
                        "This edit was made by an older version of Circle (format {}). It is kept on your device: please enter it again.",
                        m.schema
                    ),
                }
            } else {
                self.plan.apply(&m.op)
            };
            if !matches!(outcome, Outcome::Rejected { .. }) {
                let version = self.version() + 1;
                self.log.push(Change {
                    version,
                    client: m.client,
                    seq: m.seq,
                    op: m.op.clone(),
                });
            }
            self.outcomes.insert((m.client, m.seq), outcome.clone());
            acks.push(Ack {
                seq: m.seq,
                outcome,
            });
        }
        acks
    }

    pub fn pull(&self, since: u64) -> PullResponse {
        let from = usize::try_from(since)
            .unwrap_or(usize::MAX)
            .min(self.log.len());
        PullResponse {
            changes: self.log[from..].to_vec(),
            version: self.version(),
        }
    }
}

/// A device's side for one plan: what the server last confirmed, and the edits not yet in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica {
    pub client: ClientId,
    next_seq: u64,
    confirmed: Plan,
    cursor: u64,
    outbox: Vec<Mutation>,
    /// Outcomes a person must see: conflicts to settle, and rejected edits with their content.
    attention: Vec<(Mutation, Outcome)>,
}

impl Replica {
    pub fn new(client: ClientId, confirmed: Plan, cursor: u64) -> Self {
        Self {
            client,
            next_seq: 1,
            confirmed,
            cursor,
            outbox: Vec::new(),
            attention: Vec::new(),
        }
    }

    /// What the device shows: the confirmed plan with pending edits applied on top.
    pub fn view(&self) -> Plan {
        let mut plan = self.confirmed.clone();
        for m in &self.outbox {
            plan.apply(&m.op);
        }
        plan
    }

    pub fn confirmed(&self) -> &Plan {
        &self.confirmed
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    pub fn outbox(&self) -> &[Mutation] {
        &self.outbox
    }

    pub fn attention(&self) -> &[(Mutation, Outcome)] {
        &self.attention
    }

    /// Records an edit. It shows at once and waits in the outbox for the server.
    pub fn edit(&mut self, op: Op) -> &Mutation {
        let m = Mutation {
            client: self.client,
            seq: self.next_seq,
            schema: SCHEMA_VERSION,
            op,
        };
        self.next_seq += 1;
        self.outbox.push(m);
        self.outbox.last().expect("just pushed")
    }

    /// The message to send: every pending edit, oldest first.
    pub fn push_request(&self) -> Vec<Mutation> {
        self.outbox.clone()
    }

    /// Takes the server's acks. Rejected edits leave the outbox (they will never be in the log)
    /// but stay, with their content, in [`Replica::attention`]; conflicts are noted there too.
    pub fn on_acks(&mut self, acks: &[Ack]) {
        for ack in acks {
            let Some(pos) = self.outbox.iter().position(|m| m.seq == ack.seq) else {
                continue;
            };
            match &ack.outcome {
                Outcome::Rejected { .. } => {
                    let m = self.outbox.remove(pos);
                    self.note(m, ack.outcome.clone());
                }
                Outcome::Conflict { .. } => {
                    let m = self.outbox[pos].clone();
                    self.note(m, ack.outcome.clone());
                }
                Outcome::Applied | Outcome::Merged => {}
            }
        }
    }

    fn note(&mut self, m: Mutation, outcome: Outcome) {
        if !self.attention.iter().any(|(seen, _)| seen.seq == m.seq) {
            self.attention.push((m, outcome));
        }
    }

    /// Replays the server's log from the cursor; pending edits stay on top. A response that
    /// does not continue from the cursor (late or duplicated) changes nothing.
    pub fn on_pull(&mut self, response: &PullResponse) {
        for change in &response.changes {
            if change.version != self.cursor + 1 {
                continue;
            }
            self.confirmed.apply(&change.op);
            self.cursor = change.version;
            if change.client == self.client {
                self.outbox.retain(|m| m.seq != change.seq);
            }
        }
    }

    /// Settles a conflict or rejected edit the person has dealt with.
    pub fn dismiss(&mut self, seq: u64) {
        self.attention.retain(|(m, _)| m.seq != seq);
    }
}

/// The most mutations one push may carry; a longer outbox is sent in several pushes.
pub const MAX_PUSH_BATCH: usize = 500;
/// The most changes one pull returns; the client pulls again from the new cursor.
pub const MAX_PULL_CHANGES: u32 = 1_000;

/// `POST /api/sync/push`: one device's pending edits to one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub person: crate::PersonId,
    pub client: ClientId,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub acks: Vec<Ack>,
}

/// `POST /api/sync/pull`: the changes to one plan after the device's cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub person: crate::PersonId,
    pub since: u64,
}

impl PushRequest {
    /// Checks what the server can check before touching storage.
    pub fn validate(&self) -> Result<(), String> {
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
        Ok(())
    }
}
