//! What the benchmarks send: people to plan for, devices that edit like people do, and the sync
//! exchanges a browser makes. Everything is deterministic (fixed ids, a seeded generator), so
//! two runs do the same work.

use std::time::Duration;

use anyhow::{Context, Result};
use domain::plan::{AboutMeField, Field, GoalId, Op, Outcome, Plan, StepId, Value};
use domain::sync::{Ack, Change, ClientId, Mutation, PullResponse, PushResponse, Replica};
use domain::{AboutMe, Dataset, Person, PersonId};
use store::Store;
use uuid::Uuid;

use crate::http::Http;

/// The `n`th person the benchmarks plan for.
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

/// Writes the demo service and `count` people (`person(0)`, `person(1)`, …).
pub async fn seed_people(store: &dyn Store, count: u128) -> Result<Vec<PersonId>> {
    store::load_demo(store)
        .await
        .context("load the demo data")?;
    let people = (0..count)
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

    /// Uniform in `low..high`.
    pub fn duration(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_micros().max(1);
        low + Duration::from_micros(self.below(u64::try_from(span).unwrap_or(u64::MAX)))
    }
}

pub const ABOUT_ME_FIELDS: [AboutMeField; 5] = [
    AboutMeField::AdmiredFor,
    AboutMeField::MattersToMe,
    AboutMeField::HowToSupportMe,
    AboutMeField::Hobbies,
    AboutMeField::Wishes,
];

/// Sentences of the kind people write in a plan; some with non-ASCII letters and typographic
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
    let mut i = seed;
    while text.chars().count() < len {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(PROSE[i % PROSE.len()]);
        i += 3;
    }
    text.chars().take(len).collect::<String>().trim().to_owned()
}

/// A device: its replica and, kept alongside, what it shows (the replica's view), so that
/// each edit can say what it replaced without replaying the whole outbox.
pub struct Device {
    pub replica: Replica,
    shows: Plan,
    next_id: u128,
    /// The number of the device's latest edit (0 before any).
    last_seq: u64,
}

impl Device {
    pub fn new(client: ClientId, plan: Plan, version: u64) -> Self {
        let replica = Replica::new(client, plan, version);
        let shows = replica.view();
        Self {
            replica,
            shows,
            next_id: 0,
            last_seq: 0,
        }
    }

    pub fn client(&self) -> ClientId {
        self.replica.client
    }

    /// What the device shows.
    pub fn shows(&self) -> &Plan {
        &self.shows
    }

    pub fn edit(&mut self, op: Op) -> Mutation {
        self.shows.apply(&op);
        let m = self.replica.edit(op).clone();
        self.last_seq = m.seq;
        m
    }

    /// Sets a field to `after`, saying what the device showed before.
    pub fn set(&mut self, field: Field, after: Value) -> Mutation {
        let before = self
            .shows
            .get(field)
            .unwrap_or_else(|| Value::Text(String::new()));
        self.edit(Op::Set {
            field,
            before,
            after,
        })
    }

    pub fn set_about_me(&mut self, field: AboutMeField, text: String) -> Mutation {
        self.set(Field::AboutMe { field }, Value::Text(text))
    }

    /// A fresh id, unique to this device.
    pub fn new_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128((self.client().0.as_u128() << 32) ^ self.next_id)
    }

    pub fn on_acks(&mut self, acks: &[Ack]) {
        self.replica.on_acks(acks);
        self.shows = self.replica.view();
    }

    pub fn on_pull(&mut self, response: &PullResponse) {
        self.replica.on_pull(response);
        self.shows = self.replica.view();
    }
}

/// The edits of someone keeping a plan up to date: mostly "About me" rewrites, and every
/// tenth a goal being worked through (created, given three steps, then removed). Each device
/// keeps at most one goal open, so a plan edited by up to three devices stays within the
/// three-active-goals rule.
pub struct Editor {
    rng: Rng,
    open_goal: Option<(GoalId, usize)>,
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

    pub fn next(&mut self, device: &mut Device) -> Mutation {
        self.count += 1;
        if self.count.is_multiple_of(10) {
            let op = match self.open_goal {
                None => {
                    let goal = GoalId(device.new_id());
                    self.open_goal = Some((goal, 0));
                    Op::CreateGoal {
                        goal,
                        wording: prose(90, self.count),
                    }
                }
                Some((goal, steps)) if steps < 3 => {
                    self.open_goal = Some((goal, steps + 1));
                    Op::AddStep {
                        goal,
                        step: StepId(device.new_id()),
                        text: prose(70, self.count + steps),
                    }
                }
                Some((goal, _)) => {
                    self.open_goal = None;
                    Op::DeleteGoal { goal }
                }
            };
            return device.edit(op);
        }
        let field = ABOUT_ME_FIELDS[usize::try_from(self.rng.below(5)).unwrap_or_default()];
        let len = 80 + usize::try_from(self.rng.below(240)).unwrap_or_default();
        let seed = usize::try_from(self.rng.below(1_000)).unwrap_or_default();
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
    pub other: u64,
}

impl Tally {
    pub fn add(&mut self, acks: &[Ack]) {
        for ack in acks {
            let o = &ack.outcome;
            if matches!(o, Outcome::Applied) {
                self.applied += 1;
            } else if matches!(o, Outcome::Merged) {
                self.merged += 1;
            } else if matches!(o, Outcome::Conflict { .. }) {
                self.conflicts += 1;
            } else if matches!(o, Outcome::Rejected { .. }) {
                self.rejected += 1;
            } else {
                self.other += 1;
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.applied += other.applied;
        self.merged += other.merged;
        self.conflicts += other.conflicts;
        self.rejected += other.rejected;
        self.other += other.other;
    }

    pub fn total(&self) -> u64 {
        self.applied + self.merged + self.conflicts + self.rejected + self.other
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} applied, {} merged, {} conflicts, {} rejected",
            self.applied, self.merged, self.conflicts, self.rejected
        )?;
        if self.other > 0 {
            write!(f, ", {} other", self.other)?;
        }
        Ok(())
    }
}

/// `POST /api/sync/push` of `mutations` (the device's own).
pub async fn push(
    http: &mut Http,
    person: PersonId,
    client: ClientId,
    mutations: &[Mutation],
) -> Result<PushResponse> {
    let body = serde_json::json!({
        "person": person,
        "client": client,
        "mutations": mutations,
    });
    http.post_json("/api/sync/push", &body).await
}

/// Pulls until the device's cursor reaches the server's version. Returns the changes pulled
/// and the number of requests made.
pub async fn pull_to_head(
    http: &mut Http,
    person: PersonId,
    device: &mut Device,
) -> Result<(Vec<Change>, usize)> {
    let mut pulled = Vec::new();
    let mut requests = 0;
    loop {
        // As the app does, the device says which it is and its latest edit, so that the
        // server can note when it last synced completely.
        let body = serde_json::json!({
            "person": person,
            "since": device.replica.cursor(),
            "device": { "client": device.client(), "last_seq": device.last_seq },
        });
        let response: PullResponse = http.post_json("/api/sync/pull", &body).await?;
        requests += 1;
        device.on_pull(&response);
        let done = response.changes.is_empty() || device.replica.cursor() >= response.version;
        pulled.extend(response.changes);
        if done {
            return Ok((pulled, requests));
        }
    }
}
