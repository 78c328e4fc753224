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

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Topic;
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    pub version: u64,
    /// Changes of topics this reader may not see: only their place in the order, so that the
    /// device's cursor moves past them and its own edits among them leave its outbox.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Withheld>,
    /// The plan afresh, when what this reader may see has changed since the device last pulled
    /// (a topic shared or revoked): the device replaces its copy, dropping what it may no
    /// longer hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<Reset>,
}

/// A change left out of a pull: where it sits and which device made it, nothing of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withheld {
    pub version: u64,
    pub client: ClientId,
    pub seq: u64,
}

/// A fresh start for a device's copy of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reset {
    pub snapshot: Snapshot,
    /// The device's edits up to this number are already in `snapshot` (or were answered).
    pub applied_through: u64,
}

/// The client id put in place of another device's: readers never learn other devices' ids
/// (with one, someone could try to push or pull as that device).
pub const ANOTHER_DEVICE: ClientId = ClientId(Uuid::nil());

impl PullResponse {
    /// The response as `device` gets it when its user may see only `topics`: changes of other
    /// topics are withheld, keeping only their place in the order, and every change not made
    /// by `device` names [`ANOTHER_DEVICE`] instead of the device that made it.
    pub fn for_reader(
        mut self,
        topics: &BTreeSet<Topic>,
        device: Option<ClientId>,
    ) -> PullResponse {
        let mine = |client: ClientId| Some(client) == device;
        let (shown, hidden): (Vec<Change>, Vec<Change>) = std::mem::take(&mut self.changes)
            .into_iter()
            .partition(|c| topics.contains(&c.op.topic()));
        self.changes = shown
            .into_iter()
            .map(|c| Change {
                client: if mine(c.client) {
                    c.client
                } else {
                    ANOTHER_DEVICE
                },
                seq: if mine(c.client) { c.seq } else { 0 },
                ..c
            })
            .collect();
        self.withheld.extend(hidden.into_iter().map(|c| Withheld {
            version: c.version,
            client: if mine(c.client) {
                c.client
            } else {
                ANOTHER_DEVICE
            },
            seq: if mine(c.client) { c.seq } else { 0 },
        }));
        self.withheld.sort_by_key(|w| w.version);
        self
    }
}

/// Whether an edit may be made to the plan as it stands (`Err`: why not, for the person).
pub type Allowed<'a> = dyn Fn(&Plan, &Op) -> Result<(), String> + Send + Sync + 'a;

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
        self.push_checked(batch, &|_, _| Ok(()))
    }

    /// [`Authority::push`], with each new mutation first put to `allowed` (given the plan as it
    /// stands at that point): one it refuses is rejected with the reason given, its content
    /// kept on the device, and the mutations after it go on.
    pub fn push_checked(&mut self, batch: &[Mutation], allowed: &Allowed<'_>) -> Vec<Ack> {
        self.push_audited(batch, allowed)
            .into_iter()
            .map(|(ack, _)| ack)
            .collect()
    }

    /// [`Authority::push_checked`], also giving, for each mutation decided by this push (not
    /// a replay), the audit trail's words for it: worded from the plan as it stood just before
    /// it, so that "the goal “…”" names the goal the person saw.
    pub fn push_audited(
        &mut self,
        batch: &[Mutation],
        allowed: &Allowed<'_>,
    ) -> Vec<(Ack, Option<crate::audit::AuditLines>)> {
        let mut acks = Vec::new();
        for m in batch {
            if let Some(outcome) = self.outcomes.get(&(m.client, m.seq)) {
                acks.push((
                    Ack {
                        seq: m.seq,
                        outcome: outcome.clone(),
                    },
                    None,
                ));
                continue;
            }
            if m.seq != self.next_seq(m.client) {
                continue;
            }
            let what = self.plan.describe_op(&m.op);
            let outcome = if m.schema != SCHEMA_VERSION {
                Outcome::Rejected {
                    reason: format!(
                        "This edit was made by an older version of Circle (format {}). It is kept on your device: please enter it again.",
                        m.schema
                    ),
                }
            } else if let Err(reason) = written_by_its_device(m) {
                Outcome::Rejected { reason }
            } else if let Err(reason) = allowed(&self.plan, &m.op) {
                Outcome::Rejected { reason }
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
            let lines = crate::plan::audit_lines_of(what, &m.op, &outcome);
            acks.push((
                Ack {
                    seq: m.seq,
                    outcome,
                },
                Some(lines),
            ));
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
            withheld: Vec::new(),
            reset: None,
        }
    }
}

/// Notes are written by a device under its own document id only (see
/// [`crate::notes::writers`]).
fn written_by_its_device(m: &Mutation) -> Result<(), String> {
    let crate::plan::Op::EditNotes { update, .. } = &m.op else {
        return Ok(());
    };
    let own = crate::notes::device_doc_id(m.client.0);
    match crate::notes::writers(update) {
        Ok(writers) if writers.iter().all(|w| *w == own) => Ok(()),
        Ok(_) => Err(
            "This change to the notes was written as another device. It is kept \
                      here: type it again."
                .to_owned(),
        ),
        Err(e) => Err(e.to_string()),
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

    /// The same replica (its id, edit numbers, outbox and refused edits) over another confirmed
    /// plan at `cursor`: for a copy that must forget what it held.
    pub fn rebased(&self, confirmed: Plan, cursor: u64) -> Replica {
        Replica {
            confirmed,
            cursor,
            ..self.clone()
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
        if let Some(reset) = &response.reset {
            self.confirmed = reset.snapshot.plan.clone();
            self.cursor = reset.snapshot.version;
            self.outbox.retain(|m| m.seq > reset.applied_through);
        }
        let mut withheld = response.withheld.iter().peekable();
        for change in &response.changes {
            while let Some(w) = withheld.next_if(|w| w.version < change.version) {
                self.pass(w);
            }
            if change.version != self.cursor + 1 {
                continue;
            }
            self.confirmed.apply(&change.op);
            self.cursor = change.version;
            if change.client == self.client {
                self.outbox.retain(|m| m.seq != change.seq);
            }
        }
        for w in withheld {
            self.pass(w);
        }
    }

    /// Moves the cursor past a change this device may not see.
    fn pass(&mut self, withheld: &Withheld) {
        if withheld.version != self.cursor + 1 {
            return;
        }
        self.cursor = withheld.version;
        if withheld.client == self.client {
            self.outbox.retain(|m| m.seq != withheld.seq);
        }
    }

    /// The number of the last edit made on this device (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
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
    /// The topics the device's copy was given under (from its last snapshot or reset). When
    /// the reader's topics differ now, the server answers with a [`Reset`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<BTreeSet<Topic>>,
    /// Which device asks, so that the server can note when it last synced completely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceReport>,
}

/// What a device says of itself when it pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub client: ClientId,
    /// The number of the last edit this device made to this plan (0 for none). When the server
    /// holds an outcome for it and the pull reaches the newest change, nothing is left to sync.
    pub last_seq: u64,
}

/// When a device last synced one plan completely: every edit it made was on the server and it
/// held every change. Shown to managers, per device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSync {
    pub client: ClientId,
    pub person: crate::PersonId,
    /// How the device described itself (browser and system), for people to recognise it.
    pub label: String,
    /// Milliseconds since 1970-01-01 UTC.
    pub at_ms: i64,
    /// Whose device it is (the user who first used it), when known; filled in by the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<crate::access::UserId>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner_name: String,
}

/// A plan as the server holds it, for a device starting to follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub plan: Plan,
    pub version: u64,
    /// The topics `plan` holds (everything else was left out for this reader).
    #[serde(default = "all_topics")]
    pub topics: BTreeSet<Topic>,
}

fn all_topics() -> BTreeSet<Topic> {
    Topic::ALL.into_iter().collect()
}

/// Is a pull by a device that made edits up to `last_seq`, to which the server holds the
/// outcomes up to `server_seq`, and which brought the device to `response.version`, a complete
/// sync?
pub fn is_complete(last_seq: u64, server_seq: u64, since: u64, response: &PullResponse) -> bool {
    let reached = response
        .changes
        .last()
        .map(|change| change.version)
        .max(response.withheld.last().map(|w| w.version))
        .or(response.reset.as_ref().map(|r| r.snapshot.version))
        .map_or(since, |v| v.max(since));
    server_seq >= last_seq && reached >= response.version
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

/// A short description of a device from its browser's user-agent string, such as "Chrome on
/// Android", for people to recognise their devices by.
pub fn device_label(user_agent: &str) -> String {
    let has = |needle: &str| user_agent.contains(needle);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        "A browser"
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPad") {
        "iPad"
    } else if has("iPhone") {
        "iPhone"
    } else if has("Windows") {
        "Windows"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Mac OS X") || has("Macintosh") {
        "Mac"
    } else if has("Linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_described_by_its_browser_and_system() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let ipad = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(pixel), "Chrome on Android");
        assert_eq!(device_label(ipad), "Safari on iPad");
        assert_eq!(device_label(""), "A browser on an unknown system");
    }

    #[test]
    fn a_pull_is_complete_only_when_every_edit_reached_the_server_and_the_device_the_head() {
        let change = |version| Change {
            version,
            client: ClientId(Uuid::from_u128(1)),
            seq: version,
            op: Op::DeleteGoal {
                goal: crate::plan::GoalId(Uuid::from_u128(2)),
            },
        };
        let head = PullResponse {
            changes: vec![change(4), change(5)],
            version: 5,
            ..Default::default()
        };
        assert!(is_complete(3, 3, 3, &head));
        assert!(
            !is_complete(4, 3, 3, &head),
            "edit 4 has not reached the server"
        );
        let partial = PullResponse {
            changes: vec![change(4)],
            version: 5,
            ..Default::default()
        };
        assert!(!is_complete(3, 3, 3, &partial), "more changes to pull");
        let empty = PullResponse {
            changes: vec![],
            version: 5,
            ..Default::default()
        };
        assert!(is_complete(0, 0, 5, &empty));
    }
}
