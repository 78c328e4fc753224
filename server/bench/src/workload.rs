//! What the benchmarks send: people to keep records for, devices that edit like people do, and
//! the sync exchanges a browser makes. Everything is deterministic (fixed ids, a seeded
//! generator), so two runs do the same work.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use domain::access::Topic;
use domain::records::authority::{Ack, AnyOp, Mutation, PushRequest, PushResponse};
use domain::records::kinds::{ABOUT, GOALS, STEPS};
use domain::records::pull::{PullRequest, PullResponse};
use domain::records::replica::Replica;
use domain::records::{
    Catalog, Outcome, Record, RecordOp, RecordSet, SCHEMA_VERSION, Stamp, Value,
};
use domain::sync::{ClientId, DeviceReport, MAX_PUSH_BATCH};
use domain::{AboutMe, Dataset, Person, PersonId};
use store::Store;
use uuid::Uuid;

use crate::http::Http;

/// The `n`th person the benchmarks keep records for.
pub fn person(n: u128) -> PersonId {
    PersonId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0b0c_0000_0000 | n,
    ))
}

/// The `n`th device.
pub fn client(n: u128) -> ClientId {
    ClientId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0c1e_0000_0000 | n,
    ))
}

/// Writes the demo service and accounts, and people `person(first)`, `person(first + 1)`, …
/// (`count` of them) in the demo's Riverside service, where the demo manager works.
pub async fn seed_people(store: &dyn Store, first: u128, count: u128) -> Result<Vec<PersonId>> {
    store::load_demo(store)
        .await
        .context("load the demo data")?;
    let people = (first..first + count)
        .map(|n| {
            Person::new(
                person(n),
                store::demo::RIVERSIDE,
                &format!("Bench Person {n}"),
                "",
                "",
                AboutMe {
                    strengths: vec!["Good with people".into()],
                    hobbies: "Walking by the river".into(),
                    ..AboutMe::default()
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .context("a bench person breaks a domain rule")?;
    let ids = people.iter().map(|p| p.id).collect();
    store
        .import(&Dataset {
            people,
            ..Dataset::default()
        })
        .await
        .context("import the bench people")?;
    Ok(ids)
}

/// A small, fast, seeded generator (xorshift64*): jitter and choices, not cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `low..high` (as a `usize`).
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        let span = u64::try_from(high.saturating_sub(low)).unwrap_or(u64::MAX);
        low + usize::try_from(self.below(span)).unwrap_or_default()
    }

    /// Uniform in `low..high`.
    pub fn duration(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_micros().max(1);
        low + Duration::from_micros(self.below(u64::try_from(span).unwrap_or(u64::MAX)))
    }
}

/// The written parts of About me, as its record names them.
pub const ABOUT_ME_FIELDS: [&str; 5] = domain::records::kinds::ABOUT_ME_SECTIONS;

/// Sentences of the kind people write in a record; some with non-ASCII letters and typographic
/// punctuation, as typed on phones.
const PROSE: &[&str] = &[
    "I like to start the day slowly, with tea first and the radio on.",
    "Please knock and wait: I’ll call you in when I’m ready.",
    "My daughter Grace visits on Sundays and we do the crossword together.",
    "I was a bus driver for 31 years and still know every route in town.",
    "Loud places make me anxious, so a quiet corner in the café helps.",
    "I want to walk to the post office on my own again before the winter.",
    "Talk to me, not about me, even when I’m having a bad day.",
    "Zoë from the allotment society sends me seeds every spring.",
    "Remind me gently about my tablets; I don’t like being rushed.",
    "On good days I bake: scones, flapjacks, and my mother’s ginger cake.",
];

/// About `len` characters of prose (never more), varied by `seed`.
pub fn prose(len: usize, seed: usize) -> String {
    let mut text = String::new();
    let mut chars = 0;
    let mut i = seed;
    while chars < len {
        if !text.is_empty() {
            text.push(' ');
            chars += 1;
        }
        let sentence = PROSE[i % PROSE.len()];
        text.push_str(sentence);
        chars += sentence.chars().count();
        i += 3;
    }
    text.chars().take(len).collect::<String>().trim().to_owned()
}

/// An edit to one record, numbered `seq` by device `client`, in this build's format.
pub fn mutation(client: ClientId, seq: u64, op: RecordOp) -> Mutation {
    Mutation {
        client,
        seq,
        schema: SCHEMA_VERSION,
        op: AnyOp::Record(op),
    }
}

pub fn text(t: impl Into<String>) -> Value {
    Value::Text(t.into())
}

/// A new record of `kind` with these fields.
pub fn create(kind: &str, id: Uuid, parent: Option<Uuid>, fields: &[(&str, Value)]) -> RecordOp {
    RecordOp::Create {
        kind: kind.into(),
        id,
        parent,
        topic: None,
        fields: fields
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

pub fn set(kind: &str, id: Uuid, field: &str, before: Value, after: Value) -> RecordOp {
    RecordOp::Set {
        kind: kind.into(),
        id,
        field: field.into(),
        before,
        after,
    }
}

/// Every topic: what the demo manager (staff of the people's service) may read.
pub fn all_topics() -> BTreeSet<Topic> {
    Topic::ALL.into_iter().collect()
}

/// A device following one person: its replica, as the browser's engine keeps it.
pub struct Device {
    pub replica: Replica,
    catalog: Catalog,
    me: Stamp,
    next_id: u128,
}

impl Device {
    pub fn new(person: PersonId, client: ClientId, records: Vec<Record>, version: u64) -> Self {
        Self {
            replica: Replica::new(
                person,
                client,
                records.into_iter().collect(),
                version,
                all_topics(),
            ),
            catalog: Catalog::standard(),
            me: Stamp {
                by: "Bench".into(),
                at_ms: 0,
            },
            next_id: 0,
        }
    }

    /// A device starting from what the store holds of `person` now.
    pub async fn following(store: &dyn Store, person: PersonId, client: ClientId) -> Result<Self> {
        let (records, version) = store
            .records(person, None)
            .await
            .context("read a person's records")?;
        Ok(Self::new(person, client, records, version))
    }

    pub fn person(&self) -> PersonId {
        self.replica.person
    }

    pub fn client(&self) -> ClientId {
        self.replica.client
    }

    /// What the device shows: its copy with its waiting edits applied.
    pub fn view(&self) -> RecordSet {
        self.replica.view(&self.catalog, &self.me)
    }

    pub fn edit(&mut self, op: RecordOp) -> Result<()> {
        self.replica
            .edit(vec![op], &self.catalog, &self.me)
            .map_err(|reason| anyhow!("the device refused an edit: {reason}"))
    }

    /// Rewrites one written part of About me, saying what the device showed before.
    pub fn set_about_me(&mut self, field: &str, after: String) -> Result<()> {
        let person = self.person();
        let before = self
            .view()
            .find(ABOUT, person.0)
            .map_or_else(|| text(""), |r| r.get(field).clone());
        self.edit(set(ABOUT, person.0, field, before, text(after)))
    }

    /// A fresh id, unique to this device.
    pub fn new_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128((self.client().0.as_u128() << 32) ^ self.next_id)
    }

    /// Every edit waiting to be sent, oldest first.
    pub fn outbox(&self) -> Vec<Mutation> {
        self.replica
            .push_batches(usize::MAX, usize::MAX, |_| 1)
            .concat()
    }

    pub fn on_acks(&mut self, acks: &[Ack]) {
        self.replica.on_acks(acks);
    }
}

/// The edits of someone keeping a record up to date: mostly "About me" rewrites, and every
/// tenth a goal being worked through (made, given three steps, then removed). Each device
/// keeps at most one goal open, so a record edited by up to three devices stays within the
/// three-goals-at-a-time rule.
pub struct Editor {
    rng: Rng,
    open_goal: Option<(Uuid, usize)>,
    count: usize,
}

impl Editor {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            open_goal: None,
            count: 0,
        }
    }

    pub fn next(&mut self, device: &mut Device) -> Result<()> {
        self.count += 1;
        if self.count.is_multiple_of(10) {
            let op = match self.open_goal {
                None => {
                    let goal = device.new_id();
                    self.open_goal = Some((goal, 0));
                    create(
                        GOALS,
                        goal,
                        None,
                        &[("wording", text(prose(90, self.count)))],
                    )
                }
                Some((goal, steps)) if steps < 3 => {
                    self.open_goal = Some((goal, steps + 1));
                    let step = device.new_id();
                    let words = prose(70, self.count + steps);
                    create(STEPS, step, Some(goal), &[("text", text(words))])
                }
                Some((goal, _)) => {
                    self.open_goal = None;
                    RecordOp::Delete {
                        kind: GOALS.into(),
                        id: goal,
                    }
                }
            };
            return device.edit(op);
        }
        let field = ABOUT_ME_FIELDS[self.rng.between(0, ABOUT_ME_FIELDS.len())];
        let len = self.rng.between(80, 320);
        let seed = self.rng.between(0, 1_000);
        device.set_about_me(field, format!("({}) {}", self.count, prose(len, seed)))
    }
}

/// How many acks ended each way.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub applied: u64,
    pub merged: u64,
    pub conflicts: u64,
    pub rejected: u64,
}

impl Tally {
    pub fn add(&mut self, acks: &[Ack]) {
        for ack in acks {
            match &ack.outcome {
                Outcome::Applied => self.applied += 1,
                Outcome::Merged => self.merged += 1,
                Outcome::Conflict { .. } => self.conflicts += 1,
                Outcome::Rejected { .. } => self.rejected += 1,
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.applied += other.applied;
        self.merged += other.merged;
        self.conflicts += other.conflicts;
        self.rejected += other.rejected;
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} applied, {} merged, {} conflicts, {} rejected",
            self.applied, self.merged, self.conflicts, self.rejected
        )
    }
}

/// Pushes `batch` (one device's edits) through `Store::sync_push`; every edit must be
/// answered.
pub async fn store_push(
    store: &dyn Store,
    person: PersonId,
    client: ClientId,
    batch: &[Mutation],
) -> Result<Tally> {
    let acks = store
        .sync_push(person, client, batch)
        .await
        .context("sync_push")?;
    ensure!(
        acks.len() == batch.len(),
        "a batch of {} got {} acks",
        batch.len(),
        acks.len()
    );
    let mut tally = Tally::default();
    tally.add(&acks);
    Ok(tally)
}

/// Pushes `edits` through `Store::sync_push` in batches of at most `MAX_PUSH_BATCH`.
pub async fn seed_edits(
    store: &dyn Store,
    person: PersonId,
    client: ClientId,
    edits: &[Mutation],
) -> Result<Tally> {
    let mut tally = Tally::default();
    for batch in edits.chunks(MAX_PUSH_BATCH) {
        tally.merge(store_push(store, person, client, batch).await?);
    }
    Ok(tally)
}

/// `POST /api/sync/push` of `mutations` (the device's own).
pub async fn push(
    http: &mut Http,
    person: PersonId,
    client: ClientId,
    mutations: &[Mutation],
) -> Result<PushResponse> {
    let request = PushRequest {
        person,
        client,
        mutations: mutations.to_vec(),
    };
    http.post_json("/api/sync/push", &request).await
}

/// Pulls until the device has everything the server has, as the app does (naming itself and
/// its latest edit, so that the server can note when it last synced completely). Returns the
/// records pulled and the number of requests made.
pub async fn pull_to_head(http: &mut Http, device: &mut Device) -> Result<(Vec<Record>, usize)> {
    let mut pulled = Vec::new();
    let mut requests = 0;
    loop {
        let request = PullRequest {
            person: device.person(),
            since: device.replica.cursor(),
            topics: Some(device.replica.topics().clone()),
            device: Some(DeviceReport {
                client: device.client(),
                last_seq: device.replica.last_seq(),
            }),
        };
        let response: PullResponse = http.post_json("/api/sync/pull", &request).await?;
        requests += 1;
        device.replica.on_pull(&response);
        let done = response.reaches_the_end();
        pulled.extend(response.records);
        if done {
            return Ok((pulled, requests));
        }
    }
}
