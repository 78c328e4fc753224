//! The governance dashboard at scale (issue 14, item 6): "a provider with 5,000 people and two
//! years of records renders the dashboard in under 300 ms server time, on both databases".
//!
//! `cargo run --release -p bench -- governance` seeds a fresh database with the demo's services
//! and accounts and 5,000 people spread over the three services, each with two years of reviews
//! up to today generated from a fixed seed: a meeting every four to eight weeks (its agenda and
//! summary sent on time, late or not at all; one in twenty cancelled), one to three actions
//! agreed at each (done by, after or not yet by their due date), who took part (the person,
//! and family in one way or another, or not), a disagreement every few months (resolved in
//! time, late or not yet), now and then an advocacy referral (the advocate engaged within
//! 48 hours, later or not yet), after each meeting held the person's answer to "I feel
//! involved" (and family's when they took part), and a goal with a measure (prompts, a support
//! ratio or independent completions, from a baseline) counted at each meeting and finished a
//! year or so in, all written through `Store::sync_push` as the
//! devices would. A real server then answers `GET /governance` (all three services added
//! together, this month and the eleven before) and `GET /governance?service=<Riverside>`,
//! taking turns, signed in as the demo's nominated individual; and the store's counts alone.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use domain::calendar::Date;
use domain::governance::{Figure, Month};
use domain::records::RecordOp;
use domain::records::Value;
use domain::records::authority::Mutation;
use domain::records::kinds::{
    ACTIONS, ATTENDANCES, DISAGREEMENTS, FEEDBACK, GOALS, MEASURES, MEETINGS, OBSERVATIONS,
    REFERRALS,
};
use domain::{AboutMe, Dataset, Person, PersonId, ServiceId};
use store::Store;
use uuid::Uuid;

use crate::http::Http;
use crate::measures::Samples;
use crate::report::{Machine, Report, Verdict, ms, thousands};
use crate::workload::{Rng, create, mutation, seed_edits, text};

/// People, as the issue asks.
pub const DEFAULT_PEOPLE: usize = 5_000;
/// Two years of days, up to today.
pub const DAYS: i64 = 730;
/// The server time the dashboard must stay under, at p95.
pub const TARGET_MS: u64 = 300;
/// Timed requests to each page (after [`WARM_UP`] each).
pub const DEFAULT_REQUESTS: usize = 30;
const WARM_UP: usize = 3;
/// Who opens it: the demo's nominated individual, who manages every service.
pub const READER: &str = "sam@circle.example";
/// The seed of the records.
pub const SEED: u64 = 0x0c1e_c1e0_2026_0014;

pub const HEADING: &str = "## Governance at scale";

/// The `n`th person (their ids start `0193…0b0e`).
fn person(n: usize) -> PersonId {
    PersonId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0b0e_0000_0000 | n as u128,
    ))
}

/// The `n`th record of person `p`.
fn record(p: usize, n: usize) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 | ((p as u128) << 20) | n as u128)
}

fn device(p: usize) -> domain::sync::ClientId {
    domain::sync::ClientId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0c1f_0000_0000 | p as u128,
    ))
}

const SERVICES: [ServiceId; 3] = [
    store::demo::RIVERSIDE,
    store::demo::ELM_COURT,
    store::demo::NORTHGATE,
];

/// Now, and today in the UK.
fn now() -> Result<(i64, Date)> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Ok((
        now,
        Date::of_ms_in_london(now).context("the clock is out of range")?,
    ))
}

/// Midday (UTC) of `day`, which is that day in London whatever the season.
fn midday(day: Date) -> Value {
    Value::Number(day.days_since_epoch() * 86_400_000 + 12 * 3_600_000)
}

/// A day `days` after `day`, or `day` itself at the calendar's end.
fn after(day: Date, days: i64) -> Date {
    day.add_days(days).unwrap_or(day)
}

/// Person `p`'s two years of reviews, as their devices would write them, up to `today`.
fn reviews(p: usize, today: Date, rng: &mut Rng) -> (Vec<Mutation>, Tally) {
    let mut ops = Vec::new();
    let mut tally = Tally::default();
    let mut n = 0;
    let mut next = || {
        n += 1;
        record(p, n)
    };
    let first = after(today, -DAYS);
    let mut day = after(first, rng.between(0, 40) as i64);
    // A goal worked on, with one measure the enablement figures count, from its baseline;
    // counted at each meeting held, and finished (mostly achieved) a year or so in.
    let goal = next();
    ops.push(create(
        GOALS,
        goal,
        None,
        &[
            ("wording", text("Do more of it my way")),
            ("status", Value::Choice("active".to_owned())),
        ],
    ));
    tally.goals += 1;
    let (kind, baseline, better) =
        [("prompts", 6, -1), ("ratio", 2, -1), ("completions", 1, 1)][p % 3];
    let measure = next();
    ops.push(create(
        MEASURES,
        measure,
        Some(goal),
        &[
            ("measure", Value::Choice(kind.to_owned())),
            ("baseline", Value::Number(baseline)),
        ],
    ));
    let finish_on = after(first, rng.between(300, 650) as i64);
    let mut finished = false;
    while day < today {
        let meeting = next();
        let mut fields = vec![
            ("title", text("Review")),
            ("starts_at", midday(day)),
            ("meeting_type", Value::Choice("mini_review".to_owned())),
        ];
        let cancelled = rng.below(20) == 0;
        if cancelled {
            fields.push(("status", Value::Choice("cancelled".to_owned())));
        } else if day < after(today, -1) {
            fields.push(("status", Value::Choice("held".to_owned())));
        }
        // The agenda: mostly 3 to 5 days before, sometimes 1 or 2, now and then never.
        match rng.below(10) {
            0 => {}
            1 | 2 => fields.push((
                "agenda_sent_on",
                Value::Date(after(day, -(rng.between(1, 3) as i64))),
            )),
            _ => fields.push((
                "agenda_sent_on",
                Value::Date(after(day, -(rng.between(3, 6) as i64))),
            )),
        }
        // The summary, once held: mostly within a week, sometimes two, now and then never.
        let summary = after(day, rng.between(1, 15) as i64);
        if !cancelled && summary < today && rng.below(12) != 0 {
            fields.push(("summary_sent_on", Value::Date(summary)));
        }
        ops.push(create(MEETINGS, meeting, None, &fields));
        tally.meetings += 1;
        if !cancelled {
            // Who took part: the person, and mostly someone from their family, in one way or
            // another (a written contribution now and then), sometimes not at all.
            ops.push(create(
                ATTENDANCES,
                next(),
                Some(meeting),
                &[
                    ("who", text("The person")),
                    ("taking_part_as", Value::Choice("person".to_owned())),
                    ("how", Value::Choice("in_person".to_owned())),
                ],
            ));
            let mut family = vec![
                ("who", text("Family")),
                ("taking_part_as", Value::Choice("family".to_owned())),
            ];
            let ways = ["in_person", "video", "phone", "written"];
            if rng.below(4) != 0 {
                let way = ways[rng.below(ways.len() as u64) as usize];
                family.push(("how", Value::Choice(way.to_owned())));
            }
            let family_took_part = family.len() == 3;
            ops.push(create(ATTENDANCES, next(), Some(meeting), &family));
            tally.attendances += 2;
            if day < after(today, -1) {
                // "I feel involved": the person, and family when they took part; mostly
                // "mostly" or "yes, very much".
                let voices: &[&str] = if family_took_part {
                    &["person", "member"]
                } else {
                    &["person"]
                };
                for voice in voices {
                    let score = [1, 2, 3, 3, 4, 4, 4, 5, 5, 5][rng.below(10) as usize];
                    ops.push(create(
                        FEEDBACK,
                        next(),
                        Some(meeting),
                        &[
                            ("voice", Value::Choice((*voice).to_owned())),
                            ("score", Value::Number(score)),
                            ("answered_on", Value::Date(day)),
                        ],
                    ));
                    tally.answers += 1;
                }
                // The measure counted: around its baseline at first, the better way later.
                let later = i64::from(day > after(first, DAYS / 2));
                let drift = rng.below(3) as i64 - 1 + later;
                let value = (baseline + better * drift).clamp(0, 10);
                ops.push(create(
                    OBSERVATIONS,
                    next(),
                    Some(measure),
                    &[
                        ("value", Value::Number(value)),
                        ("observed_on", Value::Date(day)),
                        ("voice", Value::Choice("staff".to_owned())),
                    ],
                ));
                tally.observations += 1;
            }
            for _ in 0..rng.between(1, 4) {
                let due = after(day, rng.between(7, 43) as i64);
                let mut fields = vec![
                    ("what", text("Follow up")),
                    ("owner", text("Key worker")),
                    ("due_on", Value::Date(due)),
                ];
                let done = after(due, rng.between(0, 21) as i64 - 12);
                if done < today && rng.below(8) != 0 {
                    fields.push(("done_on", Value::Date(done.max(day))));
                }
                ops.push(create(ACTIONS, next(), Some(meeting), &fields));
                tally.actions += 1;
            }
        }
        if rng.below(4) == 0 {
            let raised = after(day, rng.between(0, 11) as i64);
            let mut fields = vec![
                ("about", text("Evenings out")),
                ("raised_on", Value::Date(raised)),
            ];
            let resolved = after(raised, rng.between(5, 41) as i64);
            if resolved < today && rng.below(6) != 0 {
                fields.push(("resolved_on", Value::Date(resolved)));
            }
            ops.push(create(DISAGREEMENTS, next(), None, &fields));
            tally.disagreements += 1;
        }
        // Now and then a trigger for an advocate: engaged within a day or two, later, or not.
        if rng.below(8) == 0 {
            let arose = midday(day);
            let mut fields = vec![
                ("about", text("A change of home")),
                ("arose_at", arose.clone()),
            ];
            let hours = rng.between(2, 80) as i64;
            if let Value::Number(at) = arose
                && rng.below(6) != 0
                && at + hours * 3_600_000 < today.days_since_epoch() * 86_400_000
            {
                fields.push(("engaged_at", Value::Number(at + hours * 3_600_000)));
            }
            ops.push(create(REFERRALS, next(), None, &fields));
            tally.referrals += 1;
        }
        if !finished && day >= finish_on {
            finished = true;
            let status = if rng.below(4) == 0 {
                "let_go"
            } else {
                "achieved"
            };
            for (field, after_value) in [
                ("status", Value::Choice(status.to_owned())),
                ("status_on", Value::Date(day)),
            ] {
                ops.push(RecordOp::Set {
                    kind: GOALS.to_owned(),
                    id: goal,
                    field: field.to_owned(),
                    before: if field == "status" {
                        Value::Choice("active".to_owned())
                    } else {
                        Value::Empty
                    },
                    after: after_value,
                });
            }
        }
        day = after(day, rng.between(28, 57) as i64);
    }
    let client = device(p);
    let edits = ops
        .into_iter()
        .enumerate()
        .map(|(n, op)| mutation(client, n as u64 + 1, op))
        .collect();
    (edits, tally)
}

/// What the seeded database holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub people: usize,
    pub meetings: usize,
    pub actions: usize,
    pub disagreements: usize,
    pub attendances: usize,
    pub referrals: usize,
    /// Answers to "I feel involved".
    pub answers: usize,
    pub goals: usize,
    /// Counts of the goals' measures.
    pub observations: usize,
}

impl Tally {
    /// Adds one person's records (not the people, counted once).
    fn add(&mut self, theirs: &Tally) {
        self.meetings += theirs.meetings;
        self.actions += theirs.actions;
        self.disagreements += theirs.disagreements;
        self.attendances += theirs.attendances;
        self.referrals += theirs.referrals;
        self.answers += theirs.answers;
        self.goals += theirs.goals;
        self.observations += theirs.observations;
    }
}

/// The seeded database: what it holds, how long seeding took (`None` when it was seeded
/// before, `CIRCLE_BENCH_REUSE_*`), the day it ends.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub tally: Tally,
    pub took: Option<Duration>,
    pub today: Date,
    /// The moment the records were written up to.
    pub now_ms: i64,
}

/// The demo's services and accounts, then `people` people over the three services with two
/// years of reviews each; every edit must apply.
pub async fn seed(store: &dyn Store, people: usize) -> Result<Seeded> {
    let started = Instant::now();
    if store.person(person(people - 1)).await?.is_some() {
        return reseeded(people);
    }
    store::load_demo(store).await.context("load the demo")?;
    let everyone = (0..people)
        .map(|p| {
            Person::new(
                person(p),
                SERVICES[p % SERVICES.len()],
                &format!("Person {p:04}"),
                "",
                "",
                AboutMe::default(),
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .context("a bench person breaks a domain rule")?;
    for chunk in everyone.chunks(1_000) {
        store
            .import(&Dataset {
                people: chunk.to_vec(),
                ..Dataset::default()
            })
            .await
            .context("import the people")?;
    }
    let (now_ms, today) = now()?;
    let mut rng = Rng::new(SEED);
    let mut tally = Tally {
        people,
        ..Tally::default()
    };
    for p in 0..people {
        let (edits, theirs) = reviews(p, today, &mut rng);
        let pushed = seed_edits(store, person(p), device(p), &edits).await?;
        ensure!(
            pushed.applied == edits.len() as u64,
            "person {p}'s reviews did not all apply: {pushed}"
        );
        tally.add(&theirs);
        if (p + 1) % 1_000 == 0 {
            crate::progress(&format!("governance: {} people seeded", p + 1));
        }
    }
    Ok(Seeded {
        tally,
        took: Some(started.elapsed()),
        today,
        now_ms,
    })
}

/// A database seeded earlier today (`CIRCLE_BENCH_REUSE_*`): what it holds, from the same
/// seed, with nothing written.
fn reseeded(people: usize) -> Result<Seeded> {
    let (now_ms, today) = now()?;
    let mut rng = Rng::new(SEED);
    let mut tally = Tally {
        people,
        ..Tally::default()
    };
    for p in 0..people {
        let (_, theirs) = reviews(p, today, &mut rng);
        tally.add(&theirs);
    }
    crate::progress("governance: the database was seeded before; nothing written");
    Ok(Seeded {
        tally,
        took: None,
        today,
        now_ms,
    })
}

/// The figures of one backend.
pub struct Run {
    pub backend: &'static str,
    pub seeded: Seeded,
    /// `GET /governance`: every service, added together.
    pub all: Samples,
    /// `GET /governance?service=<Riverside>`.
    pub one: Samples,
    /// `GET /governance`, each with nothing kept (as the first after a start).
    pub all_cold: Samples,
    /// `Store::governance_counts` for every service, no HTTP.
    pub counts: Samples,
    /// The same, each with nothing kept.
    pub counts_cold: Samples,
    /// What the all-services page showed for this month: each figure's words.
    pub shown: Vec<(Figure, String)>,
    pub html_bytes: usize,
}

/// Seeds the database at `url`, starts a server on it and times the dashboard.
pub async fn run_on(
    url: &str,
    backend: &'static str,
    people: usize,
    requests: usize,
) -> Result<Run> {
    let store = store::connect(url).await.context("open the store")?;
    let result = async {
        crate::progress(&format!(
            "governance: seeding {people} people with two years of reviews ({backend})"
        ));
        let seeded = seed(store.as_ref(), people).await?;
        crate::setup::settle(url).await?;
        let server = crate::setup::RunningServer::start(url).await?;
        crate::progress(&format!(
            "governance: {requests} requests to each page ({backend})"
        ));
        let timed = time_pages(server.addr, requests).await;
        let cold = match &timed {
            Ok(_) => time_cold_page(server.addr, url, requests).await,
            Err(_) => Ok(Samples::sorted(Vec::new())),
        };
        server.stop().await?;
        let (all, one, html) = timed?;
        let all_cold = cold?;
        let month = Month::of(seeded.today);
        let months = month.last(domain::governance::MONTHS_SHOWN);
        let mut counts = Vec::new();
        let mut counts_cold = Vec::new();
        let mut last = Vec::new();
        for round in 0..WARM_UP + requests {
            for forget in [false, true] {
                if forget {
                    crate::setup::forget_kept_figures(url).await?;
                }
                let started = Instant::now();
                let got = store
                    .governance_counts(&SERVICES, months[0], month, seeded.now_ms)
                    .await?;
                let took = started.elapsed();
                if round >= WARM_UP {
                    if forget {
                        &mut counts_cold
                    } else {
                        &mut counts
                    }
                    .push(took);
                }
                ensure!(
                    last.is_empty() || got == last,
                    "the counts with nothing kept differ from those kept"
                );
                last = got;
            }
        }
        let shown = Figure::ALL
            .into_iter()
            .map(|f| {
                let total = last
                    .iter()
                    .filter(|c| c.figure == f && c.month == month)
                    .fold(domain::governance::Count::default(), |sum, c| sum + c.count);
                (f, total.words())
            })
            .collect();
        Ok(Run {
            backend,
            seeded,
            all,
            one,
            all_cold,
            counts: Samples::sorted(counts),
            counts_cold: Samples::sorted(counts_cold),
            shown,
            html_bytes: html,
        })
    }
    .await;
    store.close().await;
    result
}

/// Times both pages, taking turns, on one keep-alive connection.
async fn time_pages(addr: SocketAddr, requests: usize) -> Result<(Samples, Samples, usize)> {
    let mut http = Http::connect_as(addr, READER).await?;
    let paths = [
        "/governance".to_owned(),
        format!("/governance?service={}", store::demo::RIVERSIDE),
    ];
    let mut samples = [Vec::new(), Vec::new()];
    let mut html_bytes = 0;
    for round in 0..WARM_UP + requests {
        for i in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let started = Instant::now();
            let (status, html) = http.page(&paths[i]).await?;
            let took = started.elapsed();
            if status != 200 {
                bail!("GET {} answered {status}", paths[i]);
            }
            ensure!(
                html.contains("Summaries sent within"),
                "GET {} is not the dashboard",
                paths[i]
            );
            if round >= WARM_UP {
                samples[i].push(took);
            } else if i == 0 {
                html_bytes = html.len();
            }
        }
    }
    let [all, one] = samples;
    Ok((Samples::sorted(all), Samples::sorted(one), html_bytes))
}

/// Times `GET /governance` with nothing kept: each request after every kept figure is marked
/// out of date (as a start does), so that it counts every month of every service again.
async fn time_cold_page(addr: SocketAddr, url: &str, requests: usize) -> Result<Samples> {
    let mut http = Http::connect_as(addr, READER).await?;
    let mut samples = Vec::new();
    for _ in 0..requests {
        crate::setup::forget_kept_figures(url).await?;
        let started = Instant::now();
        let (status, html) = http.page("/governance").await?;
        let took = started.elapsed();
        ensure!(
            status == 200 && html.contains("Summaries sent within"),
            "GET /governance answered {status} with nothing kept"
        );
        samples.push(took);
    }
    Ok(Samples::sorted(samples))
}

/// The rows of one backend's run.
pub fn rows(report: &mut Report, run: &Run) {
    let backend = run.backend;
    let t = run.seeded.tally;
    for (number, what, samples) in [
        (
            1,
            format!(
                "`GET /governance` as the nominated individual: three services added together, twelve months ({} people; {} meetings, {} participants, {} actions, {} disagreements, {} advocacy referrals, {} answers to “I feel involved”, {} goals, {} counts of their measures)",
                thousands(t.people as f64),
                thousands(t.meetings as f64),
                thousands(t.attendances as f64),
                thousands(t.actions as f64),
                thousands(t.disagreements as f64),
                thousands(t.referrals as f64),
                thousands(t.answers as f64),
                thousands(t.goals as f64),
                thousands(t.observations as f64)
            ),
            &run.all,
        ),
        (
            2,
            "`GET /governance?service=<Riverside>`: one service (a third of the people)".to_owned(),
            &run.one,
        ),
    ] {
        let p95 = samples.p(95.0);
        let met = p95.as_millis() < u128::from(TARGET_MS);
        report.row(
            number,
            &what,
            backend,
            format!(
                "p50 {}, p95 {}, max {} ({} requests)",
                ms(samples.p(50.0)),
                ms(p95),
                ms(samples.max()),
                samples.len()
            ),
            &format!("p95 < {TARGET_MS} ms"),
            Verdict::of(met),
        );
    }
    report.row(
        3,
        "`GET /governance` as in 1, each request with nothing kept (as the first after a start: every month of every service counted, and the settled ones kept)",
        backend,
        format!(
            "p50 {}, p95 {}, max {} ({} requests)",
            ms(run.all_cold.p(50.0)),
            ms(run.all_cold.p(95.0)),
            ms(run.all_cold.max()),
            run.all_cold.len()
        ),
        "— (none set; see the reading)",
        Verdict::Info,
    );
    for (number, what, samples) in [
        (
            4,
            "`Store::governance_counts` for three services and twelve months, no HTTP: the settled months kept, the three still changing counted (seven passes, one a table, at once)",
            &run.counts,
        ),
        (
            5,
            "`Store::governance_counts` as in 4, with nothing kept: twelve months counted, nine kept",
            &run.counts_cold,
        ),
    ] {
        report.row(
            number,
            what,
            backend,
            format!("p50 {}, p95 {}", ms(samples.p(50.0)), ms(samples.p(95.0))),
            "— (none set)",
            Verdict::Info,
        );
    }
    report.note(
        1,
        format!(
            "{backend}: {}; this month as the page shows it: {}; the page's HTML {} KiB.",
            run.seeded.took.map_or_else(
                || "seeded earlier the same day and timed again as it was \
                    (CIRCLE_BENCH_REUSE_*; seeding not timed)"
                    .to_owned(),
                |took| format!("seeded in {:.0} s", took.as_secs_f64())
            ),
            run.shown
                .iter()
                .map(|(f, words)| format!("{} {words}", f.title()))
                .collect::<Vec<_>>()
                .join("; "),
            run.html_bytes / 1024
        ),
    );
}

/// The section of docs/BENCHMARKS.md.
pub fn section(command: &str, machine: &Machine, report: &Report, note: Option<&str>) -> String {
    let mut out = format!(
        "{HEADING}\n\n\
         The governance dashboard of a provider with 5,000 people and two years of records \
         (issue 14, item 6), measured by the `bench` crate's `governance` scenario. Figures are \
         reported, never asserted in tests; re-run rather than editing them:\n\n\
         ```sh\n{command}\n```\n\n\
         Options: `--people N` (default {DEFAULT_PEOPLE}), `--requests N` (timed requests to \
         each page, default {DEFAULT_REQUESTS}), `--postgres URL`, `--no-postgres`, \
         `--write PATH`, `--note TEXT`. With `CIRCLE_BENCH_KEEP=1` in the environment the \
         seeded databases are kept and named, to be looked into with `sqlite3` or `psql`; \
         `CIRCLE_BENCH_REUSE_SQLITE=URL` and `CIRCLE_BENCH_REUSE_POSTGRES=URL` time such a \
         database again, seeded the same day, without seeding it (for trying a change to the \
         queries; the time seeding took is then not measured).\n\n\
         **How.** A fresh database (SQLite in the temp directory; a scratch PostgreSQL database \
         beside it) gets the demo's three services and accounts, then the people, a third in each \
         service, each with two years of reviews up to the day of the run, generated from the seed \
         `{SEED:#018x}`: a meeting every four to eight weeks (its agenda mostly sent 3 to 5 days \
         before, sometimes 1 or 2, now and then never; its summary sent 1 to 14 days after, now \
         and then never; one in twenty cancelled), one to three actions at each meeting not \
         cancelled (due one to six weeks after, done up to twelve days early or eight late, or \
         not yet), who took part in each (the person, and a family member three times in four, \
         in person, by video or phone or in writing), a disagreement after one meeting in four \
         (resolved 5 to 40 days after it was raised, or not yet), and an advocacy referral after \
         one in eight (the advocate engaged 2 to 80 hours after the trigger, or not yet), after \
         each meeting held the person's answer to \"I feel involved\" (and family's when they \
         took part), and a goal with one measure (prompts, a support ratio or independent \
         completions, from a baseline) counted at each meeting held and finished a year or so \
         in, each person's written by one device through `Store::sync_push` \
         (so the report tables are filled by the engine, as in use); PostgreSQL is then given \
         its planner statistics (`ANALYZE`), as its autovacuum would within a minute of such a \
         load. A real server \
         (`server::Application` on 127.0.0.1) answers `GET /governance` and \
         `GET /governance?service=<Riverside>` on one keep-alive connection, signed in as the \
         demo's nominated individual (sam@circle.example), taking turns after {WARM_UP} warm-up \
         requests each; the clock runs from sending the request to reading the last byte (the \
         whole page rendered: twelve figures, twelve months each, their charts and tables). A \
         settled month's figures (from the third month after it, when no rule waits on time any \
         more) are kept once counted and counted again only after a change they are counted \
         from, so these requests count the three months still changing and read the nine kept \
         (the warm-up requests counted and kept them). Then `GET /governance` again, each \
         request after every kept figure was marked out of date, as a start does (the worst \
         case: everything counted). Then the store's counts alone, with the settled months kept \
         and with nothing kept, taking turns; the two must be the same.\n\n"
    );
    out.push_str(&report.table());
    out.push_str("\nMachine:\n\n");
    out.push_str(&machine.markdown());
    if let Some(note) = note {
        out.push_str(&format!("- Note: {note}\n"));
    }
    out.push_str("\nDetails:\n\n");
    out.push_str(&report.notes_markdown());
    out
}

/// `doc` with this section put in place of the old one, else at the end.
pub fn replace_section(doc: &str, section: &str) -> String {
    let section = section.trim_end();
    let heading = format!("\n{HEADING}\n");
    if let Some(at) = doc.find(&heading) {
        let body = at + heading.len();
        let end = doc[body..].find("\n## ").map_or(doc.len(), |e| body + e);
        return format!("{}\n{section}\n{}", &doc[..at], &doc[end..]);
    }
    format!("{}\n\n{section}\n", doc.trim_end())
}

/// Writes the section into the file at `path`.
pub fn write(path: &str, section: &str) -> Result<()> {
    crate::report::write_section(path, section, replace_section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_replaces_only_itself_or_goes_at_the_end() {
        let doc = "# B\n\n## Results\n\nr\n";
        let once = replace_section(doc, &format!("{HEADING}\n\nfirst\n"));
        assert_eq!(
            once,
            format!("# B\n\n## Results\n\nr\n\n{HEADING}\n\nfirst\n")
        );
        let more = format!("{once}\n## Later\n\nl\n");
        let twice = replace_section(&more, &format!("{HEADING}\n\nsecond\n"));
        assert_eq!(
            twice,
            format!("# B\n\n## Results\n\nr\n\n{HEADING}\n\nsecond\n\n## Later\n\nl\n")
        );
    }

    #[test]
    fn the_same_seed_writes_the_same_reviews() {
        let today: Date = "2026-12-04".parse().expect("date");
        let (a, ta) = reviews(7, today, &mut Rng::new(SEED));
        let (b, tb) = reviews(7, today, &mut Rng::new(SEED));
        assert_eq!(a, b);
        assert_eq!((ta.meetings, ta.actions), (tb.meetings, tb.actions));
        assert!(
            ta.meetings >= 12,
            "a meeting every four to eight weeks for two years"
        );
        // Each meeting held has the person's answer and a count of the goal's measure, and
        // the goal is finished once, a year or so in.
        assert!(ta.answers >= ta.observations && ta.observations >= ta.meetings * 3 / 4);
        assert_eq!(ta.goals, 1);
        let finished = a
            .iter()
            .filter(|m| {
                matches!(&m.op, domain::records::authority::AnyOp::Record(RecordOp::Set { field, .. })
                    if field == "status")
            })
            .count();
        assert_eq!(finished, 1);
    }
}
