//! The five measurements. Each returns its raw figures; `main` compares them with targets.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use domain::PersonId;
use domain::notes::{MeetingId, device_doc_id};
use domain::plan::{AboutMeField, Field, GoalId, Op, Plan, StepId, Value};
use domain::sync::{Authority, ClientId, MAX_PUSH_BATCH, Mutation};
use store::Store;
use tokio::sync::watch;

use crate::http::{Http, Live};
use crate::report::percentile;
use crate::workload::{
    ABOUT_ME_FIELDS, Device, Editor, Rng, Tally, client, person, prose, pull_to_head, push,
};

// ---------------------------------------------------------------------------------------------
// 1. Reconcile throughput

pub const THROUGHPUT_PLANS: usize = 4;
pub const THROUGHPUT_DEVICES_PER_PLAN: usize = 2;
pub const THROUGHPUT_MUTATIONS: usize = 20_000;
pub const THROUGHPUT_BATCH: usize = 500;

pub struct Throughput {
    pub mutations: u64,
    pub elapsed: Duration,
    pub pushes: usize,
    pub outcomes: Tally,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.mutations as f64 / self.elapsed.as_secs_f64()
    }
}

async fn push_batch(
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

/// `people` must hold at least [`THROUGHPUT_PLANS`] people whose plans are untouched. With
/// `concurrent`, every device pushes at once; otherwise one push at a time, round-robin.
pub async fn reconcile_throughput(
    store: Arc<dyn Store>,
    people: &[PersonId],
    concurrent: bool,
) -> Result<Throughput> {
    let devices = THROUGHPUT_PLANS * THROUGHPUT_DEVICES_PER_PLAN;
    let per_device = THROUGHPUT_MUTATIONS / devices;
    let mut work = Vec::new();
    for (p, &person) in people.iter().take(THROUGHPUT_PLANS).enumerate() {
        let (plan, version) = store.plan(person).await.context("read a plan")?;
        for d in 0..THROUGHPUT_DEVICES_PER_PLAN {
            let n = p * THROUGHPUT_DEVICES_PER_PLAN + d;
            let mut device = Device::new(client(n as u128), plan.clone(), version);
            let mut editor = Editor::new(n as u64 + 1);
            let edits: Vec<Mutation> = (0..per_device).map(|_| editor.next(&mut device)).collect();
            let batches: Vec<Vec<Mutation>> = edits
                .chunks(THROUGHPUT_BATCH)
                .map(<[Mutation]>::to_vec)
                .collect();
            work.push((person, device.client(), batches));
        }
    }
    let pushes = work.iter().map(|(_, _, b)| b.len()).sum();
    let mut outcomes = Tally::default();
    let started = Instant::now();
    if concurrent {
        let tasks: Vec<_> = work
            .into_iter()
            .map(|(person, client, batches)| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut tally = Tally::default();
                    for batch in &batches {
                        tally.merge(push_batch(store.as_ref(), person, client, batch).await?);
                    }
                    Ok::<_, anyhow::Error>(tally)
                })
            })
            .collect();
        for task in tasks {
            outcomes.merge(task.await.context("a pushing task panicked")??);
        }
    } else {
        let rounds = work.iter().map(|(_, _, b)| b.len()).max().unwrap_or(0);
        for round in 0..rounds {
            for (person, client, batches) in &work {
                if let Some(batch) = batches.get(round) {
                    outcomes.merge(push_batch(store.as_ref(), *person, *client, batch).await?);
                }
            }
        }
    }
    let elapsed = started.elapsed();
    Ok(Throughput {
        mutations: outcomes.total(),
        elapsed,
        pushes,
        outcomes,
    })
}

// ---------------------------------------------------------------------------------------------
// 2. Push latency under load

pub const LATENCY_DEVICES: usize = 200;
pub const LATENCY_PLANS: usize = 50;
pub const LATENCY_WINDOW: Duration = Duration::from_secs(15);
const EDIT_EVERY_MIN: Duration = Duration::from_secs(1);
const EDIT_EVERY_MAX: Duration = Duration::from_secs(3);

pub struct PushLatency {
    pub samples: Vec<Duration>,
    pub window: Duration,
    pub mutations: u64,
    pub pulls: u64,
    pub errors: Vec<String>,
    pub outcomes: Tally,
}

impl PushLatency {
    pub fn p(&self, p: f64) -> Duration {
        percentile(&self.samples, p)
    }
}

struct DeviceRun {
    samples: Vec<Duration>,
    mutations: u64,
    pulls: u64,
    error: Option<String>,
    outcomes: Tally,
}

/// `people` must hold at least [`LATENCY_PLANS`] people.
pub async fn push_latency(
    addr: SocketAddr,
    store: &dyn Store,
    people: &[PersonId],
) -> Result<PushLatency> {
    ensure!(people.len() >= LATENCY_PLANS, "too few people");
    // Connect everyone first: the timed window measures steady state, not connection setup.
    let mut devices = Vec::new();
    for n in 0..LATENCY_DEVICES {
        let person = people[n % LATENCY_PLANS];
        let (plan, version) = store.plan(person).await.context("read a plan")?;
        let device = Device::new(client(1_000 + n as u128), plan, version);
        let live = Live::open(addr, person).await?;
        let http = Http::connect(addr).await?;
        devices.push((person, device, live, http));
    }
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let end = start + LATENCY_WINDOW;
    let tasks: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(n, (person, device, live, http))| {
            tokio::spawn(run_device(n as u64, person, device, live, http, start, end))
        })
        .collect();
    let mut result = PushLatency {
        samples: Vec::new(),
        window: LATENCY_WINDOW,
        mutations: 0,
        pulls: 0,
        errors: Vec::new(),
        outcomes: Tally::default(),
    };
    for task in tasks {
        let run = task.await.context("a device task panicked")?;
        result.samples.extend(run.samples);
        result.mutations += run.mutations;
        result.pulls += run.pulls;
        result.outcomes.merge(run.outcomes);
        result.errors.extend(run.error);
    }
    result.samples.sort();
    Ok(result)
}

/// One device: edits and pushes on its own schedule, pulls whenever its live stream says the
/// plan changed.
async fn run_device(
    n: u64,
    person: PersonId,
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
                        let field = ABOUT_ME_FIELDS[usize::try_from(rng.below(5)).unwrap_or_default()];
                        let len = 40 + usize::try_from(rng.below(200)).unwrap_or_default();
                        let seed = usize::try_from(rng.below(100)).unwrap_or_default();
                        device.set_about_me(field, format!("{n}: {}", prose(len, seed)));
                        run.mutations += 1;
                    }
                    let outbox = device.replica.push_request();
                    let sent = tokio::time::Instant::now();
                    let response = push(&mut http, person, device.client(), &outbox).await?;
                    run.samples.push(sent.elapsed());
                    run.outcomes.add(&response.acks);
                    device.on_acks(&response.acks);
                    next += rng.duration(EDIT_EVERY_MIN, EDIT_EVERY_MAX);
                }
                changed = poked.changed() => {
                    if changed.is_err() {
                        bail!("the live stream closed");
                    }
                    let (_, requests) = pull_to_head(&mut http, person, &mut device).await?;
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
// 3. Edit-to-other-device propagation

pub const PROPAGATION_SAMPLES: usize = 200;
const PROPAGATION_WARM_UP: usize = 10;
const PROPAGATION_PAUSE: Duration = Duration::from_millis(20);

/// Device A pushes to the server at `a`; device B watches and pulls at `b`. Sorted samples.
pub async fn propagation(
    a: SocketAddr,
    b: SocketAddr,
    store: &dyn Store,
    person: PersonId,
) -> Result<Vec<Duration>> {
    let (plan, version) = store.plan(person).await.context("read a plan")?;
    let mut phone = Device::new(client(5_001), plan.clone(), version);
    let mut tablet = Device::new(client(5_002), plan, version);
    let mut http_a = Http::connect(a).await?;
    let mut http_b = Http::connect(b).await?;
    let mut live_b = Live::open(b, person).await?;
    let mut samples = Vec::new();
    for i in 0..PROPAGATION_SAMPLES + PROPAGATION_WARM_UP {
        let field = ABOUT_ME_FIELDS[i % ABOUT_ME_FIELDS.len()];
        let edit = phone.set_about_me(field, format!("({i}) {}", prose(120, i)));
        let outbox = phone.replica.push_request();
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
                let (pulled, _) = pull_to_head(&mut http_b, person, &mut tablet).await?;
                if pulled
                    .iter()
                    .any(|c| c.client == edit.client && c.seq == edit.seq)
                {
                    return Ok::<_, anyhow::Error>(started.elapsed());
                }
            }
        };
        let (pushed, seen) = tokio::join!(pushed, seen);
        let (response, elapsed) = (pushed?, seen?);
        phone.on_acks(&response.acks);
        // A takes its own edit back from the log (untimed), so its next push carries one edit.
        pull_to_head(&mut http_a, person, &mut phone).await?;
        ensure!(
            phone.shows() == tablet.shows(),
            "the two devices disagree after sample {i}"
        );
        if i >= PROPAGATION_WARM_UP {
            samples.push(elapsed);
        }
        tokio::time::sleep(PROPAGATION_PAUSE).await;
    }
    samples.sort();
    Ok(samples)
}

// ---------------------------------------------------------------------------------------------
// 4. Catch-up after offline edits

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
    let (plan, version) = store.plan(person).await.context("read a plan")?;
    let mut offline = Device::new(client(6_001), plan.clone(), version);
    let mut other = Device::new(client(6_002), plan, version);
    let mut editor = Editor::new(6_001);
    for _ in 0..CATCH_UP_EDITS {
        editor.next(&mut offline);
    }
    let mut editor = Editor::new(6_002);
    let others: Vec<Mutation> = (0..CATCH_UP_OTHERS)
        .map(|_| editor.next(&mut other))
        .collect();
    for batch in others.chunks(MAX_PUSH_BATCH) {
        store
            .sync_push(person, other.client(), batch)
            .await
            .context("push the other device's edits")?;
    }

    let started = Instant::now();
    let mut http = Http::connect(addr).await?;
    let outbox = offline.replica.push_request();
    let mut outcomes = Tally::default();
    let mut pushes = 0;
    for batch in outbox.chunks(MAX_PUSH_BATCH) {
        let response = push(&mut http, person, offline.client(), batch).await?;
        pushes += 1;
        outcomes.add(&response.acks);
        offline.replica.on_acks(&response.acks);
    }
    let (pulled, pulls) = pull_to_head(&mut http, person, &mut offline).await?;
    let elapsed = started.elapsed();

    let (server_plan, server_version) = store.plan(person).await.context("read the plan")?;
    let converged = offline.replica.view() == server_plan
        && offline.replica.cursor() == server_version
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
// 5. Browser storage per plan

pub const STORAGE_PLANS: usize = 25;
pub const LOCAL_STORAGE_QUOTA: usize = 5 * 1024 * 1024;
/// The budget the target is checked against: far below what any current browser allows a site
/// in IndexedDB (Chrome and Edge: up to 60% of the disk; Firefox: 10% of the disk, up to
/// 10 GiB; Safari 17+: up to 60% of the disk).
pub const INDEXED_DB_BUDGET: usize = 50 * 1024 * 1024;
const HISTORY_MEETINGS: usize = 24;
const NOTE_SITTINGS: usize = 10;
const HISTORY_GOALS: usize = 50;
const HISTORY_STEPS: usize = 6;
const ACTIVE_GOALS: usize = 3;
const ACTIVE_STEPS: usize = 10;

pub struct Storage {
    /// `serde_json` of the replica: its length in bytes (UTF-8) and in UTF-16 code units.
    pub json_bytes: usize,
    pub utf16_units: usize,
    pub confirmed_bytes: usize,
    pub outbox_bytes: usize,
    pub attention_bytes: usize,
    /// The deleted goals (with their steps) inside the confirmed plan.
    pub deleted_goal_bytes: usize,
    /// Conflicts the plan itself records (a `conflicts` list, when the plan has one), and
    /// their size.
    pub plan_conflicts: usize,
    pub plan_conflict_bytes: usize,
    pub outbox_len: usize,
    pub attention_len: usize,
    pub goals: usize,
    pub deleted_goals: usize,
    pub steps: usize,
    pub meetings: usize,
    /// The meetings (titles and notes as Yjs state) inside the confirmed plan.
    pub meeting_bytes: usize,
    pub notes_chars: usize,
}

impl Storage {
    /// What a browser counting 2 bytes per UTF-16 unit charges for one plan.
    pub fn browser_bytes(&self) -> usize {
        self.utf16_units * 2
    }
}

/// Pushes everything `device` has pending to `server` and pulls back; nothing may be rejected.
fn sync(device: &mut Device, server: &mut Authority) -> Result<Tally> {
    let acks = server.push(&device.replica.push_request());
    let mut tally = Tally::default();
    tally.add(&acks);
    device.on_acks(&acks);
    device.on_pull(&server.pull(device.replica.cursor()));
    ensure!(tally.rejected == 0, "the history broke a rule: {tally}");
    Ok(tally)
}

/// Builds the heavy plan and the replica a phone keeps for it.
pub fn storage() -> Result<Storage> {
    use domain::people::{ABOUT_ME_TEXT_MAX, STRENGTH_MAX};

    let person = person(9_000);
    let about = domain::AboutMe {
        strengths: (0..8).map(|i| prose(STRENGTH_MAX - 10 - i, i)).collect(),
        ..domain::AboutMe::default()
    };
    let mut server = Authority::new(Plan::new(person, about));
    let mut staff = Device::new(client(9_001), server.plan().clone(), 0);
    let near_max = |i: usize| prose(ABOUT_ME_TEXT_MAX - 150 + (i * 37) % 140, i);

    // Two years: About me reviewed a dozen times, each review growing the texts.
    for review in 0..12 {
        for (f, field) in ABOUT_ME_FIELDS.iter().enumerate() {
            let len = ABOUT_ME_TEXT_MAX * (review + 1) / 13;
            staff.set_about_me(*field, prose(len, review * 5 + f));
        }
        sync(&mut staff, &mut server)?;
    }
    for (f, field) in ABOUT_ME_FIELDS.iter().enumerate() {
        staff.set_about_me(*field, near_max(f));
    }
    sync(&mut staff, &mut server)?;

    // Goals worked through and removed, one at a time, each with its steps.
    let mut step_ids = Vec::new();
    for g in 0..HISTORY_GOALS + ACTIVE_GOALS {
        let goal = GoalId(staff.new_id());
        staff.edit(Op::CreateGoal {
            goal,
            wording: prose(100 + (g * 13) % 100, g),
        });
        let steps = if g < HISTORY_GOALS {
            HISTORY_STEPS
        } else {
            ACTIVE_STEPS
        };
        for s in 0..steps {
            let step = StepId(staff.new_id());
            staff.edit(Op::AddStep {
                goal,
                step,
                text: prose(60 + (s * 17) % 60, g + s),
            });
            if s.is_multiple_of(2) {
                staff.set(Field::StepDone { goal, step }, Value::Flag(true));
            }
            if g >= HISTORY_GOALS {
                step_ids.push((goal, step));
            }
        }
        staff.set(
            Field::GoalWording { goal },
            Value::Text(prose(120 + (g * 7) % 80, g + 1)),
        );
        if g < HISTORY_GOALS {
            staff.edit(Op::DeleteGoal { goal });
        }
        sync(&mut staff, &mut server)?;
    }

    // Monthly reviews, each with notes written over several sittings (one rewrites a sentence).
    for r in 0..HISTORY_MEETINGS {
        let meeting = MeetingId(staff.new_id());
        staff.edit(Op::AddMeeting {
            meeting,
            title: format!("Monthly review {}", r + 1),
        });
        for sitting in 0..NOTE_SITTINGS {
            let view = staff.replica.view();
            let notes = view
                .meetings
                .iter()
                .find(|m| m.id == meeting)
                .context("the meeting was added")?;
            let text = notes.text();
            let typed = if sitting == NOTE_SITTINGS / 2 {
                format!(
                    "{}{}",
                    prose(60, r + 500),
                    text.chars().skip(60).collect::<String>()
                )
            } else {
                format!("{text}\n{}", prose(400, r * NOTE_SITTINGS + sitting))
            };
            let update = notes
                .edit_to(device_doc_id(staff.replica.client.0), &typed)
                .context("the notes changed")?;
            staff.edit(Op::EditNotes { meeting, update });
        }
        sync(&mut staff, &mut server)?;
    }

    // The phone: one About-me conflict left for the person to settle…
    let mut phone = Device::new(client(9_002), server.plan().clone(), server.version());
    phone.set_about_me(AboutMeField::Wishes, near_max(40));
    staff.set_about_me(AboutMeField::Wishes, near_max(41));
    sync(&mut staff, &mut server)?;
    let tally = sync(&mut phone, &mut server)?;
    ensure!(tally.conflicts == 1, "expected one conflict, got {tally}");

    // …and 20 edits made offline.
    phone.set_about_me(AboutMeField::HowToSupportMe, near_max(50));
    phone.set_about_me(AboutMeField::Hobbies, near_max(51));
    for &(goal, step) in step_ids.iter().skip(1).step_by(2).take(8) {
        phone.set(Field::StepDone { goal, step }, Value::Flag(true));
    }
    for (i, &(goal, step)) in step_ids.iter().take(6).enumerate() {
        phone.set(
            Field::StepText { goal, step },
            Value::Text(prose(90, 60 + i)),
        );
    }
    let first_goal = step_ids
        .first()
        .map(|(g, _)| *g)
        .context("no active goal")?;
    for i in 0..3 {
        let step = StepId(phone.new_id());
        phone.edit(Op::AddStep {
            goal: first_goal,
            step,
            text: prose(80, 70 + i),
        });
    }
    phone.set(
        Field::GoalWording { goal: first_goal },
        Value::Text(prose(150, 80)),
    );

    let replica = &phone.replica;
    ensure!(replica.outbox().len() == 20, "expected 20 pending edits");
    let json = serde_json::to_string(replica).context("serialise the replica")?;
    let confirmed = replica.confirmed();
    // Read through JSON so that this still builds whatever the plan's fields are.
    let recorded = serde_json::to_value(confirmed)?
        .get("conflicts")
        .and_then(serde_json::Value::as_array)
        .cloned();
    Ok(Storage {
        json_bytes: json.len(),
        utf16_units: json.encode_utf16().count(),
        confirmed_bytes: serde_json::to_string(confirmed)?.len(),
        outbox_bytes: serde_json::to_string(replica.outbox())?.len(),
        attention_bytes: serde_json::to_string(replica.attention())?.len(),
        deleted_goal_bytes: confirmed
            .goals
            .iter()
            .filter(|g| g.deleted)
            .map(|g| serde_json::to_string(g).map(|j| j.len() + 1))
            .sum::<Result<usize, _>>()?,
        plan_conflicts: recorded.as_ref().map_or(0, Vec::len),
        plan_conflict_bytes: recorded.map_or(0, |c| serde_json::Value::Array(c).to_string().len()),
        outbox_len: replica.outbox().len(),
        attention_len: replica.attention().len(),
        goals: confirmed.goals.len(),
        deleted_goals: confirmed.goals.iter().filter(|g| g.deleted).count(),
        steps: confirmed.goals.iter().map(|g| g.steps.len()).sum(),
        meetings: confirmed.meetings.len(),
        meeting_bytes: serde_json::to_string(&confirmed.meetings)?.len(),
        notes_chars: confirmed
            .meetings
            .iter()
            .map(|m| m.text().chars().count())
            .sum(),
    })
}
