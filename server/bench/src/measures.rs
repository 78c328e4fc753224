//! The measurements. Each returns its raw figures; `main` compares them with targets.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use domain::PersonId;
use domain::access::UserId;
use domain::audit::Editor as AuditEditor;
use domain::records::authority::Mutation;
use domain::records::device::{self, Encode};
use domain::records::kinds::{ABOUT, GOALS, STEPS};
use domain::records::pull::{MAX_PULL_RECORDS, PullRequest, PullResponse};
use domain::records::replica::Replica;
use domain::records::{Outcome, Record, RecordOp, RecordSet, Stamp, Value};
use domain::sync::{ClientId, MAX_PUSH_BATCH};
use store::Store;
use tokio::sync::watch;
use uuid::Uuid;

use crate::history::{self, shift_observation};
use crate::http::{Http, Live};
use crate::report::percentile;
use crate::workload::{
    ABOUT_ME_FIELDS, Device, Editor, Rng, Tally, all_topics, client, create, mutation, prose,
    pull_to_head, push, seed_edits, set, text,
};

/// Sorted samples and what they say.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn sorted(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        Self(samples)
    }

    pub fn p(&self, p: f64) -> Duration {
        percentile(&self.0, p)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn max(&self) -> Duration {
        self.0.last().copied().unwrap_or_default()
    }
}

/// Device storage holds JSON, as the browser writes it.
pub struct Json;

impl Encode for Json {
    fn encode<T: serde::Serialize>(&self, value: &T) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
}

fn me() -> Stamp {
    Stamp {
        by: "Bench".into(),
        at_ms: 0,
    }
}

fn only_applied(acks: &[domain::records::authority::Ack]) -> Result<()> {
    match acks {
        [ack] if ack.outcome == Outcome::Applied => Ok(()),
        other => bail!("expected one applied edit, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. One edit: a person with two years of records against a new person

pub const EDIT_SAMPLES: usize = 1_000;
const EDIT_WARM_UP: usize = 50;

pub struct EditLatency {
    pub heavy: Samples,
    pub new: Samples,
}

impl EditLatency {
    /// Heavy over new at percentile `p`.
    pub fn ratio(&self, p: f64) -> f64 {
        self.heavy.p(p).as_secs_f64() / self.new.p(p).as_secs_f64().max(1e-9)
    }
}

/// The same edit (a short observation, one per push through `Store::sync_push`) to `heavy` and
/// to `new`, taking turns, which goes first alternating.
pub async fn edit_latency(
    store: &dyn Store,
    heavy: PersonId,
    new: PersonId,
) -> Result<EditLatency> {
    let people = [(heavy, client(7_001)), (new, client(7_002))];
    let mut samples = [Vec::new(), Vec::new()];
    for i in 0..EDIT_WARM_UP + EDIT_SAMPLES {
        for k in 0..2 {
            let j = if i.is_multiple_of(2) { k } else { 1 - k };
            let (person, client) = people[j];
            let id = Uuid::from_u128((client.0.as_u128() << 32) ^ i as u128);
            let edit = mutation(client, i as u64 + 1, shift_observation(id, i));
            let started = Instant::now();
            let acks = store
                .sync_push(person, client, std::slice::from_ref(&edit))
                .await
                .context("push one edit")?;
            let took = started.elapsed();
            only_applied(&acks)?;
            if i >= EDIT_WARM_UP {
                samples[j].push(took);
            }
        }
    }
    let [heavy, new] = samples;
    Ok(EditLatency {
        heavy: Samples::sorted(heavy),
        new: Samples::sorted(new),
    })
}

// ---------------------------------------------------------------------------------------------
// 2. What one edit writes to the device's storage

pub const EDIT_BYTES_BUDGET: usize = 4 * 1024;

pub struct DeviceBytes {
    /// Records the device holds of the person, and their entries' bytes.
    pub records: usize,
    pub held: usize,
    /// The edit's writes (outbox entry and `m.`), and their bytes.
    pub edit: Vec<(String, usize)>,
    /// The writes once the server's answer arrives.
    pub ack: Vec<(String, usize)>,
    /// The writes of the pull that brings the edit back (for information).
    pub pull: Vec<(String, usize)>,
}

fn described(batch: &[device::Write]) -> Vec<(String, usize)> {
    batch
        .iter()
        .map(|w| {
            let what = match w {
                device::Write::Put(key, _) => {
                    format!("put {}", key.split('.').next().unwrap_or(""))
                }
                device::Write::Delete(key) => {
                    format!("delete {}", key.split('.').next().unwrap_or(""))
                }
                device::Write::DeletePrefix(key) => format!("delete {key}*"),
            };
            (what, w.bytes())
        })
        .collect()
}

pub fn total(writes: &[(String, usize)]) -> usize {
    writes.iter().map(|(_, b)| b).sum()
}

/// A device holding everything of `person` records a short observation; the writes the
/// browser makes for it, for the server's answer, and for the pull after.
pub async fn device_bytes(
    store: &dyn Store,
    person: PersonId,
    device_n: u128,
) -> Result<DeviceBytes> {
    let catalog = history::catalog();
    let (records, version) = store.records(person, None).await.context("read records")?;
    let count = records.len();
    let mut replica = Replica::new(
        person,
        client(device_n),
        records.into_iter().collect(),
        version,
        all_topics(),
    );
    let held = device::bytes(&device::whole_copy(&replica, None, &Json));
    let from = replica.next_seq();
    let id = Uuid::from_u128((client(device_n).0.as_u128() << 32) | 1);
    replica
        .edit(vec![shift_observation(id, 4_242)], &catalog, &me())
        .map_err(|reason| anyhow!("the device refused the edit: {reason}"))?;
    let edit = device::edit_changes(&replica, from, None, &Json);
    let outbox = replica
        .push_batches(MAX_PUSH_BATCH, usize::MAX, |_| 1)
        .concat();
    let acks = store
        .sync_push(person, replica.client, &outbox)
        .await
        .context("push the edit")?;
    only_applied(&acks)?;
    let before = replica.clone();
    replica.on_acks(&acks);
    let ack = device::queue_changes(&before, &replica, &Json);
    let cursor = replica.cursor();
    let (changed, version) = store
        .changed_records(person, cursor, MAX_PULL_RECORDS)
        .await
        .context("pull")?;
    let response = PullResponse::for_reader(cursor, changed, version, replica.topics());
    let before = replica.clone();
    let pulled = replica.on_pull(&response);
    let mut pull = device::records_changes(&replica, &pulled, &Json);
    pull.extend(device::queue_changes(&before, &replica, &Json));
    pull.push(device::meta(&replica, None, &Json));
    ensure!(
        replica.outbox().is_empty(),
        "the edit is still waiting after the pull"
    );
    Ok(DeviceBytes {
        records: count,
        held,
        edit: described(&edit),
        ack: described(&ack),
        pull: described(&pull),
    })
}

// ---------------------------------------------------------------------------------------------
// 3. Single-edit pushes over HTTP

pub const RATE_WARM_UP: Duration = Duration::from_millis(500);
pub const RATE_WINDOW: Duration = Duration::from_secs(8);
/// Devices pushing at once in the many-device runs, each to its own person.
pub const RATE_DEVICES: usize = 8;

/// Requests finished in a timed window.
#[derive(Debug, Default)]
pub struct Rate {
    /// Requests sent inside the window (after the warm-up).
    pub count: u64,
    pub window: Duration,
    pub samples: Samples,
    pub tally: Tally,
}

impl Rate {
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.window.as_secs_f64()
    }
}

/// One device rewriting About me on its own person's record, one edit at a time, each saying
/// what it replaced (it is the only writer, so it always knows).
struct Rewriter {
    person: PersonId,
    client: ClientId,
    seq: u64,
    now: Vec<Value>,
    rng: Rng,
}

impl Rewriter {
    async fn new(store: &dyn Store, person: PersonId, client: ClientId) -> Result<Self> {
        let (records, _) = store.records(person, None).await.context("read records")?;
        let about = records
            .iter()
            .find(|r| r.kind == ABOUT)
            .context("the person has an About me")?;
        Ok(Self {
            person,
            client,
            seq: 0,
            now: ABOUT_ME_FIELDS
                .iter()
                .map(|f| about.get(f).clone())
                .collect(),
            // Seeded by the device, so that every device edits its own way.
            rng: Rng::new(client.0.as_u128() as u64),
        })
    }

    fn next(&mut self) -> Mutation {
        self.seq += 1;
        let f = self.rng.between(0, ABOUT_ME_FIELDS.len());
        let len = self.rng.between(80, 320);
        let words = format!("({}) {}", self.seq, prose(len, self.rng.between(0, 1_000)));
        let after = text(words);
        let before = std::mem::replace(&mut self.now[f], after.clone());
        mutation(
            self.client,
            self.seq,
            set(ABOUT, self.person.0, ABOUT_ME_FIELDS[f], before, after),
        )
    }
}

/// Runs `step` in a closed loop on every device (each its own task, the next step as soon as the
/// last is answered) until the window ends; counts and times the steps started inside it.
async fn closed_loop<S, F, Fut>(states: Vec<S>, step: F) -> Result<Rate>
where
    S: Send + 'static,
    F: Fn(S) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = Result<(S, Tally)>> + Send + 'static,
{
    let start = Instant::now() + RATE_WARM_UP;
    let end = start + RATE_WINDOW;
    let tasks: Vec<_> = states
        .into_iter()
        .map(|state| {
            tokio::spawn(async move {
                let mut state = Some(state);
                let mut samples = Vec::new();
                let mut tally = Tally::default();
                while let Some(now) = state.take() {
                    let sent = Instant::now();
                    if sent >= end {
                        break;
                    }
                    let (next, done) = step(now).await?;
                    state = Some(next);
                    if sent >= start {
                        samples.push(sent.elapsed());
                        tally.merge(done);
                    }
                }
                Ok::<_, anyhow::Error>((samples, tally))
            })
        })
        .collect();
    let mut rate = Rate {
        window: RATE_WINDOW,
        ..Rate::default()
    };
    let mut all = Vec::new();
    for task in tasks {
        let (samples, tally) = task.await.context("a device task panicked")??;
        rate.count += samples.len() as u64;
        all.extend(samples);
        rate.tally.merge(tally);
    }
    rate.samples = Samples::sorted(all);
    Ok(rate)
}

/// One device per person of `people`, each pushing one About-me rewrite per request over
/// HTTP, the next as soon as the answer arrives.
pub async fn single_edit_pushes(
    addr: SocketAddr,
    store: &dyn Store,
    people: &[PersonId],
    first_client: u128,
) -> Result<Rate> {
    let mut devices = Vec::new();
    for (n, &person) in people.iter().enumerate() {
        let c = client(first_client + n as u128);
        let writer = Rewriter::new(store, person, c).await?;
        devices.push((writer, Http::connect(addr).await?));
    }
    closed_loop(
        devices,
        |(mut writer, mut http): (Rewriter, Http)| async move {
            let edit = writer.next();
            let response = push(&mut http, writer.person, writer.client, &[edit]).await?;
            ensure!(
                response.acks.len() == 1,
                "one edit, {} acks",
                response.acks.len()
            );
            let mut tally = Tally::default();
            tally.add(&response.acks);
            Ok(((writer, http), tally))
        },
    )
    .await
}

/// A request that is not a push, to see what the HTTP path costs on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `GET /healthz` with no cookie: the router, the middleware stack, one query.
    HealthSignedOut,
    /// `GET /healthz` with the session cookie: the same, and the session and the signed-in
    /// user loaded (as for every request of a signed-in device).
    HealthSignedIn,
    /// `POST /api/sync/pull` with nothing new and no device named: the session, the signed-in
    /// user, the person, one read; nothing written.
    EmptyPull,
}

pub async fn probe_rate(
    addr: SocketAddr,
    store: &dyn Store,
    people: &[PersonId],
    probe: Probe,
) -> Result<Rate> {
    let mut devices = Vec::new();
    for &person in people {
        let (_, version) = store.records(person, None).await.context("read records")?;
        devices.push((person, version, Http::connect(addr).await?));
    }
    closed_loop(
        devices,
        move |(person, version, mut http): (PersonId, u64, Http)| async move {
            match probe {
                Probe::HealthSignedOut | Probe::HealthSignedIn => {
                    let signed_in = probe == Probe::HealthSignedIn;
                    let (status, _) = http.get("/healthz", signed_in).await?;
                    ensure!(status == 200, "GET /healthz answered {status}");
                }
                Probe::EmptyPull => {
                    let request = PullRequest {
                        person,
                        since: version,
                        topics: None,
                        device: None,
                    };
                    let response: PullResponse = http.post_json("/api/sync/pull", &request).await?;
                    ensure!(response.records.is_empty(), "the pull brought records");
                }
            }
            Ok(((person, version, http), Tally::default()))
        },
    )
    .await
}

/// What one statement and one durable commit cost on a database, alone: `SELECT 1` through
/// sqlx, and a transaction writing one small row.
#[derive(Debug, Clone, Copy)]
pub struct StatementCosts {
    pub statement: Duration,
    pub commit: Duration,
}

const STATEMENTS: u32 = 2_000;
const COMMITS: u32 = 200;

/// On the SQLite file at `url` (WAL, `synchronous=FULL`, as the store opens it) or the
/// PostgreSQL database at `url`, over one connection.
pub async fn statement_costs(url: &str) -> Result<StatementCosts> {
    use sqlx::{Connection, Executor};
    async fn run<C>(conn: &mut C) -> Result<StatementCosts>
    where
        for<'c> &'c mut C: Executor<'c>,
    {
        conn.execute("CREATE TABLE bench_costs (id BIGINT PRIMARY KEY, v TEXT NOT NULL)")
            .await?;
        let started = Instant::now();
        for _ in 0..STATEMENTS {
            conn.execute("SELECT 1").await?;
        }
        let statement = started.elapsed() / STATEMENTS;
        let started = Instant::now();
        for i in 0..COMMITS {
            let insert = format!("INSERT INTO bench_costs VALUES ({i}, 'x')");
            conn.execute("BEGIN").await?;
            conn.execute(insert.as_str()).await?;
            conn.execute("COMMIT").await?;
        }
        let commit = started.elapsed() / COMMITS;
        Ok(StatementCosts { statement, commit })
    }
    if url.starts_with("sqlite:") {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let costs = run(&mut conn).await;
        let _ = conn.close().await;
        costs
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        let costs = run(&mut conn).await;
        let _ = conn.close().await;
        costs
    }
}

/// Who the store-only runs act as: the signed-in session's id and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user: UserId,
}

/// The same single edits as [`single_edit_pushes`], straight into the store (no HTTP) from one
/// task per person; with `as_handler`, each also makes the other store calls an HTTP push makes
/// first (the session, the signed-in user, the person, binding the device).
pub async fn store_single_edits(
    store: Arc<dyn Store>,
    people: &[PersonId],
    first_client: u128,
    as_handler: Option<Session>,
) -> Result<Rate> {
    let mut devices = Vec::new();
    for (n, &person) in people.iter().enumerate() {
        let c = client(first_client + n as u128);
        let writer = Rewriter::new(store.as_ref(), person, c).await?;
        devices.push((writer, store.clone(), as_handler.clone()));
    }
    type State = (Rewriter, Arc<dyn Store>, Option<Session>);
    closed_loop(devices, |(mut writer, store, session): State| async move {
        let edit = writer.next();
        let (person, client) = (writer.person, writer.client);
        let now = now_ms();
        let editor = match &session {
            Some(session) => {
                store
                    .session(&session.id, now)
                    .await?
                    .context("no session")?;
                let actor = store.actor(session.user).await?.context("no user")?;
                store.person(person).await?.context("no person")?;
                let ours = store.claim_device(client, session.user, now).await?;
                ensure!(ours, "the device is someone else's");
                AuditEditor {
                    user: Some(actor.user),
                    name: actor.name.clone(),
                    device: "bench".into(),
                    at_ms: now,
                }
            }
            None => AuditEditor::system(now),
        };
        let anything = |_: &RecordSet, _: &RecordOp| Ok(());
        let acks = store
            .push(person, client, &[edit], &anything, &editor)
            .await?;
        let mut tally = Tally::default();
        tally.add(&acks);
        Ok(((writer, store, session), tally))
    })
    .await
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// 4. Push latency under load

pub const LATENCY_DEVICES: usize = 200;
pub const LATENCY_PEOPLE: usize = 50;
pub const LATENCY_WINDOW: Duration = Duration::from_secs(15);
const EDIT_EVERY_MIN: Duration = Duration::from_secs(1);
const EDIT_EVERY_MAX: Duration = Duration::from_secs(3);

pub struct PushLatency {
    pub samples: Samples,
    pub window: Duration,
    pub mutations: u64,
    pub pulls: u64,
    pub errors: Vec<String>,
    pub outcomes: Tally,
}

struct DeviceRun {
    samples: Vec<Duration>,
    mutations: u64,
    pulls: u64,
    error: Option<String>,
    outcomes: Tally,
}

/// `people` must hold at least [`LATENCY_PEOPLE`] people.
pub async fn push_latency(
    addr: SocketAddr,
    store: &dyn Store,
    people: &[PersonId],
) -> Result<PushLatency> {
    ensure!(people.len() >= LATENCY_PEOPLE, "too few people");
    // Connect everyone first: the timed window measures steady state, not connection setup.
    let mut devices = Vec::new();
    for n in 0..LATENCY_DEVICES {
        let person = people[n % LATENCY_PEOPLE];
        let device = Device::following(store, person, client(1_000 + n as u128)).await?;
        let live = Live::open(addr, person).await?;
        let http = Http::connect(addr).await?;
        devices.push((device, live, http));
    }
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let end = start + LATENCY_WINDOW;
    let tasks: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, (device, live, http))| {
            tokio::spawn(run_device(n as u64, device, live, http, start, end))
        })
        .collect();
    let mut result = PushLatency {
        samples: Samples::default(),
        window: LATENCY_WINDOW,
        mutations: 0,
        pulls: 0,
        errors: Vec::new(),
        outcomes: Tally::default(),
    };
    let mut samples = Vec::new();
    for task in tasks {
        let run = task.await.context("a device task panicked")?;
        samples.extend(run.samples);
        result.mutations += run.mutations;
        result.pulls += run.pulls;
        result.outcomes.merge(run.outcomes);
        result.errors.extend(run.error);
    }
    result.samples = Samples::sorted(samples);
    Ok(result)
}

/// One device: edits and pushes on its own schedule, pulls whenever its live stream says the
/// record changed.
async fn run_device(
    n: u64,
    mut device: Device,
    mut live: Live,
    mut http: Http,
    start: tokio::time::Instant,
    end: tokio::time::Instant,
) -> DeviceRun {
    let mut rng = Rng::new(10_000 + n);
    let (poke, mut poked) = watch::channel(());
    let listener = tokio::spawn(async move {
        while let Ok((event, _)) = live.next_event().await {
            if (event == "changed" || event == "resync") && poke.send(()).is_err() {
                break;
            }
        }
    });
    let mut run = DeviceRun {
        samples: Vec::new(),
        mutations: 0,
        pulls: 0,
        error: None,
        outcomes: Tally::default(),
    };
    let mut next = start + rng.duration(Duration::ZERO, EDIT_EVERY_MAX);
    let outcome: Result<()> = async {
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(next) => {
                    if next >= end {
                        return Ok(());
                    }
                    for _ in 0..=rng.below(3) {
                        let field = ABOUT_ME_FIELDS[rng.between(0, ABOUT_ME_FIELDS.len())];
                        let len = rng.between(40, 240);
                        let words = format!("{n}: {}", prose(len, rng.between(0, 100)));
                        device.set_about_me(field, words)?;
                        run.mutations += 1;
                    }
                    let outbox = device.outbox();
                    let sent = tokio::time::Instant::now();
                    let response = push(&mut http, device.person(), device.client(), &outbox).await?;
                    run.samples.push(sent.elapsed());
                    run.outcomes.add(&response.acks);
                    device.on_acks(&response.acks);
                    next += rng.duration(EDIT_EVERY_MIN, EDIT_EVERY_MAX);
                }
                changed = poked.changed() => {
                    if changed.is_err() {
                        bail!("the live stream closed");
                    }
                    let (_, requests) = pull_to_head(&mut http, &mut device).await?;
                    run.pulls += requests as u64;
                }
            }
        }
    }
    .await;
    listener.abort();
    run.error = outcome.err().map(|e| format!("device {n}: {e:#}"));
    run
}

// ---------------------------------------------------------------------------------------------
// 5. Edit-to-other-device propagation

pub const PROPAGATION_SAMPLES: usize = 200;
const PROPAGATION_WARM_UP: usize = 10;
const PROPAGATION_PAUSE: Duration = Duration::from_millis(20);

/// Device A pushes to the server at `a`; device B watches and pulls at `b`.
pub async fn propagation(
    a: SocketAddr,
    b: SocketAddr,
    store: &dyn Store,
    person: PersonId,
) -> Result<Samples> {
    let mut phone = Device::following(store, person, client(5_001)).await?;
    let mut tablet = Device::following(store, person, client(5_002)).await?;
    let mut http_a = Http::connect(a).await?;
    let mut http_b = Http::connect(b).await?;
    let mut live_b = Live::open(b, person).await?;
    let mut samples = Vec::new();
    for i in 0..PROPAGATION_SAMPLES + PROPAGATION_WARM_UP {
        let field = ABOUT_ME_FIELDS[i % ABOUT_ME_FIELDS.len()];
        let words = format!("({i}) {}", prose(120, i));
        phone.set_about_me(field, words.clone())?;
        let outbox = phone.outbox();
        let started = Instant::now();
        let pushed = push(&mut http_a, person, phone.client(), &outbox);
        let seen = async {
            loop {
                let (event, _) = tokio::time::timeout(Duration::from_secs(10), live_b.next_event())
                    .await
                    .context("no live event within 10 s")??;
                if event != "changed" && event != "resync" {
                    continue;
                }
                let (pulled, _) = pull_to_head(&mut http_b, &mut tablet).await?;
                if pulled
                    .iter()
                    .any(|r| r.kind == ABOUT && r.text(field) == words)
                {
                    return Ok::<_, anyhow::Error>(started.elapsed());
                }
            }
        };
        let (pushed, seen) = tokio::join!(pushed, seen);
        let (response, elapsed) = (pushed?, seen?);
        phone.on_acks(&response.acks);
        // A takes its own edit back (untimed), so its next push carries one edit.
        pull_to_head(&mut http_a, &mut phone).await?;
        ensure!(
            phone.view() == tablet.view(),
            "the two devices disagree after sample {i}"
        );
        if i >= PROPAGATION_WARM_UP {
            samples.push(elapsed);
        }
        tokio::time::sleep(PROPAGATION_PAUSE).await;
    }
    Ok(Samples::sorted(samples))
}

// ---------------------------------------------------------------------------------------------
// 6. Catch-up after offline edits

pub const CATCH_UP_EDITS: usize = 1_000;
/// Edits another device pushes while the first is offline.
pub const CATCH_UP_OTHERS: usize = 1_000;

pub struct CatchUp {
    pub elapsed: Duration,
    pub pushes: usize,
    pub pulls: usize,
    pub pulled: usize,
    pub outcomes: Tally,
    pub converged: bool,
}

pub async fn catch_up(addr: SocketAddr, store: &dyn Store, person: PersonId) -> Result<CatchUp> {
    let mut offline = Device::following(store, person, client(6_001)).await?;
    let mut other = Device::following(store, person, client(6_002)).await?;
    let mut editor = Editor::new(6_001);
    for _ in 0..CATCH_UP_EDITS {
        editor.next(&mut offline)?;
    }
    let mut editor = Editor::new(6_002);
    for _ in 0..CATCH_UP_OTHERS {
        editor.next(&mut other)?;
    }
    seed_edits(store, person, other.client(), &other.outbox())
        .await
        .context("push the other device's edits")?;

    let started = Instant::now();
    let mut http = Http::connect(addr).await?;
    let outbox = offline.outbox();
    let mut outcomes = Tally::default();
    let mut pushes = 0;
    for batch in outbox.chunks(MAX_PUSH_BATCH) {
        let response = push(&mut http, person, offline.client(), batch).await?;
        pushes += 1;
        outcomes.add(&response.acks);
        offline.on_acks(&response.acks);
    }
    let (pulled, pulls) = pull_to_head(&mut http, &mut offline).await?;
    let elapsed = started.elapsed();

    let (records, version) = store
        .records(person, Some(offline.replica.topics()))
        .await
        .context("read the records")?;
    let server: RecordSet = records.into_iter().collect();
    let converged = offline.view() == server
        && offline.replica.cursor() == version
        && offline.replica.outbox().is_empty();
    Ok(CatchUp {
        elapsed,
        pushes,
        pulls,
        pulled: pulled.len(),
        outcomes,
        converged,
    })
}

// ---------------------------------------------------------------------------------------------
// 7. Browser storage for a heavy record

pub const STORAGE_PEOPLE: usize = 25;
pub const LOCAL_STORAGE_QUOTA: usize = 5 * 1024 * 1024;
/// How much more than the records themselves (as the pull API sends them) the device's copy
/// may weigh, counted in the same UTF-8 bytes: keys, the confirmed copy beside a pending edit,
/// and the outbox. A copy costing more than this wastes the person's storage; what a device
/// can hold in all is the browser's quota (Chrome and Edge: up to 60% of the disk; Firefox:
/// 10% of the disk, up to 10 GiB; Safari 17+: up to 60% of the disk). When it is full the
/// browser drops the copies of other people with nothing waiting (fetched again when opened)
/// and, if the edit still cannot be kept, says so with the edit on screen until it is sent.
pub const COPY_OVERHEAD_BUDGET: f64 = 1.25;
/// Edits made offline on the phone, waiting in its outbox.
const STORAGE_PENDING: usize = 20;

pub struct Storage {
    /// The records held, as the pull API sends them (UTF-8 JSON).
    pub record_bytes: usize,
    pub entries: usize,
    /// Keys and values: bytes (UTF-8) and UTF-16 code units.
    pub utf8_bytes: usize,
    pub utf16_units: usize,
    /// Per kind of entry (record kinds, the outbox, `m.`): how many, and their UTF-8 bytes.
    pub parts: BTreeMap<String, (usize, usize)>,
}

impl Storage {
    /// What a browser counting 2 bytes per UTF-16 unit charges for one person.
    pub fn browser_bytes(&self) -> usize {
        self.utf16_units * 2
    }

    /// The device's copy ÷ the records it holds, both in UTF-8 bytes.
    pub fn overhead(&self) -> f64 {
        self.utf8_bytes as f64 / self.record_bytes.max(1) as f64
    }
}

/// The entries a phone keeps for `person` (every record, with edits made offline waiting), as
/// it writes them when it takes the copy whole.
pub async fn storage(store: &dyn Store, person: PersonId) -> Result<Storage> {
    let catalog = history::catalog();
    let (records, version) = store.records(person, None).await.context("read records")?;
    let record_bytes = history::json_bytes(&records)?;
    let mut phone = Replica::new(
        person,
        client(9_100),
        records.into_iter().collect(),
        version,
        all_topics(),
    );
    let view = phone.view(&catalog, &me());
    let active: Vec<&Record> = view
        .of_kind(GOALS)
        .filter(|g| !g.deleted && g.text("status") == "active")
        .collect();
    let goal = active.first().context("an active goal")?;
    let steps: Vec<&Record> = active
        .iter()
        .flat_map(|g| view.children(STEPS, g.id))
        .filter(|s| !s.deleted)
        .collect();
    let about = view.find(ABOUT, person.0).context("About me")?;
    let mut ops = Vec::new();
    for (i, field) in ["how_to_support_me", "hobbies"].into_iter().enumerate() {
        let after = text(prose(domain::people::ABOUT_ME_TEXT_MAX - 100, 50 + i));
        ops.push(set(ABOUT, person.0, field, about.get(field).clone(), after));
    }
    for step in steps.iter().filter(|s| !s.flag("done")).take(8) {
        ops.push(set(
            STEPS,
            step.id,
            "done",
            Value::Flag(false),
            Value::Flag(true),
        ));
    }
    for (i, step) in steps.iter().take(6).enumerate() {
        ops.push(set(
            STEPS,
            step.id,
            "text",
            step.get("text").clone(),
            text(prose(90, 60 + i)),
        ));
    }
    for i in 0..3 {
        let id = Uuid::from_u128((client(9_100).0.as_u128() << 32) | (i + 1));
        ops.push(create(
            STEPS,
            id,
            Some(goal.id),
            &[("text", text(prose(80, 70 + i as usize)))],
        ));
    }
    ops.push(set(
        GOALS,
        goal.id,
        "wording",
        goal.get("wording").clone(),
        text(prose(150, 80)),
    ));
    ensure!(ops.len() == STORAGE_PENDING, "{} offline edits", ops.len());
    phone
        .edit(ops, &catalog, &me())
        .map_err(|reason| anyhow!("the phone refused an offline edit: {reason}"))?;

    let mut result = Storage {
        record_bytes,
        entries: 0,
        utf8_bytes: 0,
        utf16_units: 0,
        parts: BTreeMap::new(),
    };
    for write in device::whole_copy(&phone, Some(0.0), &Json) {
        let device::Write::Put(key, value) = write else {
            continue;
        };
        result.entries += 1;
        result.utf8_bytes += key.len() + value.len();
        result.utf16_units += key.encode_utf16().count() + value.encode_utf16().count();
        let mut parts = key.split('.');
        let part = match (parts.next(), parts.nth(1)) {
            (Some("r"), Some(kind)) => kind.to_owned(),
            (Some("o"), _) => "outbox".to_owned(),
            (Some("x"), _) => "refused".to_owned(),
            (Some("m"), _) => "m. (where the copy has got to)".to_owned(),
            _ => "other".to_owned(),
        };
        let entry = result.parts.entry(part).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += key.len() + value.len();
    }
    Ok(result)
}
