//! Circle's sync benchmarks: a measurement, not a test. Prints each figure next to its target
//! and, with `--write docs/BENCHMARKS.md`, rewrites that file with the machine details and the
//! command that produced it. Exits 0 whatever the figures; non-zero only when something broke.
//!
//! ```sh
//! cargo run --release -p bench -- [--postgres URL | --no-postgres] [--write PATH] [--note TEXT]
//! ```
//!
//! How each figure is produced is described in `report::METHOD`, which is written into
//! docs/BENCHMARKS.md with the figures.

use std::future::Future;

use anyhow::{Context, Result, bail};

mod http;
mod measures;
mod report;
mod setup;
mod workload;

use measures::{
    CATCH_UP_EDITS, INDEXED_DB_BUDGET, LATENCY_DEVICES, LATENCY_PLANS, LOCAL_STORAGE_QUOTA,
    STORAGE_PLANS, THROUGHPUT_BATCH, THROUGHPUT_DEVICES_PER_PLAN, THROUGHPUT_MUTATIONS,
    THROUGHPUT_PLANS,
};
use report::{Machine, Report, Verdict, ms, thousands};
use setup::{RunningServer, Scratch};
use workload::seed_people;

const THROUGHPUT_TARGET: f64 = 10_000.0;
const LATENCY_P99_TARGET_MS: u64 = 50;
const PROPAGATION_P95_TARGET_MS: u64 = 250;
const CATCH_UP_TARGET_MS: u64 = 1_000;

const USAGE: &str = "usage: cargo run --release -p bench -- [--postgres URL | --no-postgres] \
                     [--write PATH] [--note TEXT]";

struct Args {
    postgres: Option<String>,
    write: Option<String>,
    note: Option<String>,
    /// The command line as it can be pasted again (passwords hidden).
    command: String,
}

/// The arguments, or `None` when only help was asked for.
fn parse_args() -> Result<Option<Args>> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut postgres = Some(
        std::env::var("CIRCLE_TEST_POSTGRES_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| setup::DEFAULT_POSTGRES_URL.to_owned()),
    );
    let (mut write, mut note) = (None, None);
    let mut shown = Vec::new();
    let mut args = raw.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .with_context(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--postgres" => {
                let url = value("--postgres")?;
                shown.extend([arg.clone(), setup::redact(&url)]);
                postgres = Some(url);
            }
            "--no-postgres" => {
                shown.push(arg.clone());
                postgres = None;
            }
            "--write" => {
                let path = value("--write")?;
                shown.extend([arg.clone(), path.clone()]);
                write = Some(path);
            }
            "--note" => {
                let text = value("--note")?;
                shown.extend([arg.clone(), text.clone()]);
                note = Some(text);
            }
            "-h" | "--help" => {
                print_usage();
                return Ok(None);
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let mut command = "cargo run --release -p bench".to_owned();
    if !shown.is_empty() {
        command.push_str(" --");
        for arg in &shown {
            command.push(' ');
            command.push_str(&shell_quote(arg));
        }
    }
    Ok(Some(Args {
        postgres,
        write,
        note,
        command,
    }))
}

#[allow(clippy::print_stdout, reason = "asked for with --help")]
fn print_usage() {
    println!("{USAGE}");
}

fn shell_quote(arg: &str) -> String {
    let plain = arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,%".contains(c));
    if plain && !arg.is_empty() {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[allow(
    clippy::print_stderr,
    reason = "progress of a long-running bench, kept off stdout where the report goes"
)]
fn progress(message: &str) {
    eprintln!("bench: {message}");
}

/// Runs `body` on a fresh database, then removes the database whatever happened.
async fn in_scratch<T, F, Fut>(scratch: Scratch, body: F) -> Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let result = body(scratch.url().to_owned()).await;
    scratch.remove().await;
    result
}

/// How many times each throughput figure is measured (each on a fresh database); the median
/// is reported, the range noted.
const THROUGHPUT_RUNS: usize = 5;

/// Measure 1, [`THROUGHPUT_RUNS`] times on fresh databases from `scratch`: the median run
/// and the lowest and highest rates.
async fn throughput<F, Fut>(scratch: F, concurrent: bool) -> Result<Throughput>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Scratch>>,
{
    let mut runs = Vec::new();
    for _ in 0..THROUGHPUT_RUNS {
        let run = in_scratch(scratch().await?, |url| async move {
            let store = store::connect(&url).await.context("open the store")?;
            let result = async {
                let people = seed_people(store.as_ref(), THROUGHPUT_PLANS as u128).await?;
                measures::reconcile_throughput(store.clone(), &people, concurrent).await
            }
            .await;
            store.close().await;
            result
        })
        .await?;
        runs.push(run);
    }
    runs.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    let range = (
        runs.first().map_or(0.0, measures::Throughput::per_second),
        runs.last().map_or(0.0, measures::Throughput::per_second),
    );
    let median = runs.swap_remove(runs.len() / 2);
    Ok(Throughput { median, range })
}

struct Throughput {
    median: measures::Throughput,
    /// The lowest and highest rate over the runs.
    range: (f64, f64),
}

fn throughput_row(
    report: &mut Report,
    backend: &str,
    concurrent: &Throughput,
    one_at_a_time: &Throughput,
    target: bool,
) {
    let measure = format!(
        "Reconcile throughput: {} mutations through `Store::sync_push` in batches of {}",
        thousands(THROUGHPUT_MUTATIONS as f64),
        THROUGHPUT_BATCH
    );
    let devices = THROUGHPUT_PLANS * THROUGHPUT_DEVICES_PER_PLAN;
    for (how, t) in [
        (format!("{devices} devices pushing at once"), concurrent),
        ("one push at a time".to_owned(), one_at_a_time),
    ] {
        let (range, t) = (t.range, &t.median);
        let per_second = t.per_second();
        let (target_text, verdict) = if target {
            (
                format!("≥ {}/s", thousands(THROUGHPUT_TARGET)),
                Verdict::of(per_second >= THROUGHPUT_TARGET),
            )
        } else {
            ("— (none set)".to_owned(), Verdict::Info)
        };
        report.row(
            1,
            &measure,
            &format!("{backend}, {how}"),
            format!("{} mutations/s", thousands(per_second)),
            &target_text,
            verdict,
        );
        report.note(
            1,
            format!(
                "{backend}, {how}: median of {THROUGHPUT_RUNS} runs {} mutations in {} pushes over {} plans in {:.2} s ({}); runs ranged {}–{}/s.",
                thousands(t.mutations as f64),
                t.pushes,
                THROUGHPUT_PLANS,
                t.elapsed.as_secs_f64(),
                t.outcomes,
                thousands(range.0),
                thousands(range.1)
            ),
        );
    }
}

fn propagation_row(report: &mut Report, backend: &str, samples: &[std::time::Duration]) {
    let (p50, p95) = (
        report::percentile(samples, 50.0),
        report::percentile(samples, 95.0),
    );
    report.row(
        3,
        "Edit-to-other-device propagation: push start → `changed` → pull shows the edit",
        backend,
        format!("p50 {}, p95 {}", ms(p50), ms(p95)),
        &format!("p95 < {PROPAGATION_P95_TARGET_MS} ms"),
        Verdict::of(p95.as_millis() < u128::from(PROPAGATION_P95_TARGET_MS)),
    );
    let max = samples.last().copied().unwrap_or_default();
    report.note(
        3,
        format!(
            "{backend}: {} samples; min {}, p99 {}, max {}.",
            samples.len(),
            ms(samples.first().copied().unwrap_or_default()),
            ms(report::percentile(samples, 99.0)),
            ms(max)
        ),
    );
}

fn catch_up_row(report: &mut Report, backend: &str, c: &measures::CatchUp) {
    report.row(
        4,
        &format!(
            "Catch-up: {} offline edits pushed, acked, pulled to head, view = server plan",
            thousands(CATCH_UP_EDITS as f64)
        ),
        backend,
        format!(
            "{}{}",
            ms(c.elapsed),
            if c.converged {
                ""
            } else {
                " (DID NOT CONVERGE)"
            }
        ),
        &format!("< {} s", CATCH_UP_TARGET_MS as f64 / 1_000.0),
        Verdict::of(c.converged && c.elapsed.as_millis() < u128::from(CATCH_UP_TARGET_MS)),
    );
    report.note(
        4,
        format!(
            "{backend}: {} pushes ({}), then {} pulls bringing {} changes (the other device's {} and its own); view equals `Store::plan`: {}.",
            c.pushes,
            c.outcomes,
            c.pulls,
            thousands(c.pulled as f64),
            thousands(measures::CATCH_UP_OTHERS as f64),
            if c.converged { "yes" } else { "NO" }
        ),
    );
}

fn skipped(report: &mut Report, number: u8, measure: &str, why: &str) {
    report.row(
        number,
        measure,
        "PostgreSQL",
        why.to_owned(),
        "",
        Verdict::Skipped,
    );
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            progress(&format!("failed: {error:#}"));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let mut machine = Machine::probe();
    machine.sqlite = setup::sqlite_version().await;
    let mut report = Report::default();

    // 1. Reconcile throughput on SQLite.
    progress("1/5 reconcile throughput on SQLite");
    let sqlite = || async { Scratch::sqlite("throughput") };
    let concurrent = throughput(sqlite, true).await?;
    let one_at_a_time = throughput(sqlite, false).await?;
    throughput_row(&mut report, "SQLite", &concurrent, &one_at_a_time, true);

    // 2–4 on one real server over SQLite.
    progress("2/5 push latency with 200 connected devices (SQLite server)");
    let (latency, propagation, catch_up) =
        in_scratch(Scratch::sqlite("server")?, |url| async move {
            let side = store::connect(&url).await.context("open SQLite")?;
            let people = seed_people(side.as_ref(), LATENCY_PLANS as u128 + 2).await?;
            let server = RunningServer::start(&url).await?;
            let latency =
                measures::push_latency(server.addr, side.as_ref(), &people[..LATENCY_PLANS])
                    .await?;
            progress("3/5 propagation (SQLite server)");
            let propagation = measures::propagation(
                server.addr,
                server.addr,
                side.as_ref(),
                people[LATENCY_PLANS],
            )
            .await?;
            progress("4/5 catch-up (SQLite server)");
            let catch_up =
                measures::catch_up(server.addr, side.as_ref(), people[LATENCY_PLANS + 1]).await?;
            server.stop().await?;
            side.close().await;
            Ok((latency, propagation, catch_up))
        })
        .await?;
    let (p50, p99) = (latency.p(50.0), latency.p(99.0));
    report.row(
        2,
        &format!(
            "Push latency: {LATENCY_DEVICES} devices over HTTP, each with `/api/sync/live` open, pushing 1–3 edits every 1–3 s"
        ),
        "SQLite",
        format!("p50 {}, p99 {}", ms(p50), ms(p99)),
        &format!("p99 < {LATENCY_P99_TARGET_MS} ms"),
        Verdict::of(
            latency.errors.is_empty() && p99.as_millis() < u128::from(LATENCY_P99_TARGET_MS),
        ),
    );
    report.note(
        2,
        format!(
            "SQLite: {} pushes carrying {} new edits in {} s ({:.0} pushes/s; acks: {}), {} pulls answered meanwhile ({:.0}/s); p90 {}, max {}; {} device errors.",
            thousands(latency.samples.len() as f64),
            thousands(latency.mutations as f64),
            latency.window.as_secs(),
            latency.samples.len() as f64 / latency.window.as_secs_f64(),
            latency.outcomes,
            thousands(latency.pulls as f64),
            latency.pulls as f64 / latency.window.as_secs_f64(),
            ms(latency.p(90.0)),
            ms(latency.samples.last().copied().unwrap_or_default()),
            latency.errors.len()
        ),
    );
    for error in latency.errors.iter().take(3) {
        report.note(2, format!("error: {error}"));
    }
    propagation_row(&mut report, "SQLite (one server)", &propagation);
    catch_up_row(&mut report, "SQLite", &catch_up);

    // PostgreSQL: throughput, then two servers over one database.
    match &args.postgres {
        None => {
            let why = "not run (--no-postgres)";
            skipped(&mut report, 1, "Reconcile throughput", why);
            skipped(&mut report, 3, "Propagation across two servers", why);
            skipped(&mut report, 4, "Catch-up", why);
        }
        Some(admin) => match setup::probe_postgres(admin).await {
            Err(reason) => {
                progress(&format!(
                    "PostgreSQL at {} is unreachable ({reason}); skipping the PostgreSQL figures",
                    setup::redact(admin)
                ));
                let why = format!(
                    "not run: PostgreSQL unreachable at {}",
                    setup::redact(admin)
                );
                skipped(&mut report, 1, "Reconcile throughput", &why);
                skipped(&mut report, 3, "Propagation across two servers", &why);
                skipped(&mut report, 4, "Catch-up", &why);
                machine.postgres = format!("unreachable at {} ({reason})", setup::redact(admin));
            }
            Ok(version) => {
                machine.postgres = format!(
                    "{version}, at {} (same machine, over TCP)",
                    setup::redact(admin)
                );
                progress("1/5 reconcile throughput on PostgreSQL");
                let postgres = || Scratch::postgres(admin, "throughput");
                let concurrent = throughput(postgres, true).await?;
                let one_at_a_time = throughput(postgres, false).await?;
                throughput_row(
                    &mut report,
                    "PostgreSQL",
                    &concurrent,
                    &one_at_a_time,
                    false,
                );

                progress("3/5 propagation across two servers over PostgreSQL");
                let (propagation, catch_up) = in_scratch(
                    Scratch::postgres(admin, "servers").await?,
                    |url| async move {
                        let side = store::connect(&url).await.context("open PostgreSQL")?;
                        let people = seed_people(side.as_ref(), 2).await?;
                        let first = RunningServer::start(&url).await?;
                        let second = RunningServer::start(&url).await?;
                        let propagation = measures::propagation(
                            first.addr,
                            second.addr,
                            side.as_ref(),
                            people[0],
                        )
                        .await?;
                        progress("4/5 catch-up (PostgreSQL server)");
                        let catch_up =
                            measures::catch_up(first.addr, side.as_ref(), people[1]).await?;
                        first.stop().await?;
                        second.stop().await?;
                        side.close().await;
                        Ok((propagation, catch_up))
                    },
                )
                .await?;
                propagation_row(&mut report, "PostgreSQL (two servers)", &propagation);
                catch_up_row(&mut report, "PostgreSQL", &catch_up);
            }
        },
    }

    // 5. Browser storage.
    progress("5/5 browser storage per plan");
    let storage = measures::storage()?;
    let per_plan = storage.browser_bytes();
    let total = per_plan * STORAGE_PLANS;
    report.row(
        5,
        "Browser storage: a heavy plan's `Replica` (JSON) in IndexedDB",
        "client",
        format!(
            "{:.0} KiB per plan; {STORAGE_PLANS} plans = {:.2} MiB ({:.0}% of the budget)",
            per_plan as f64 / 1024.0,
            total as f64 / 1024.0 / 1024.0,
            total as f64 * 100.0 / INDEXED_DB_BUDGET as f64,
        ),
        &format!(
            "{STORAGE_PLANS} plans fit in {} MiB",
            INDEXED_DB_BUDGET / 1024 / 1024
        ),
        Verdict::of(total <= INDEXED_DB_BUDGET),
    );
    report.note(
        5,
        format!(
            "JSON: {} bytes UTF-8, {} UTF-16 code units → {} bytes counted at 2 per unit (browsers may store less: Chrome keeps one-byte strings at 1 byte and compresses).",
            thousands(storage.json_bytes as f64),
            thousands(storage.utf16_units as f64),
            thousands(per_plan as f64)
        ),
    );
    report.note(
        5,
        format!(
            "Parts (UTF-8 bytes): confirmed plan {} ({} goals, {} of them deleted, {} steps; the deleted goals alone {}; {} meetings with {} characters of notes, {} as stored; open conflicts listed in the plan itself: {}, taking {}); outbox {} ({} edits); attention {} ({} conflict).",
            thousands(storage.confirmed_bytes as f64),
            storage.goals,
            storage.deleted_goals,
            storage.steps,
            thousands(storage.deleted_goal_bytes as f64),
            storage.meetings,
            thousands(storage.notes_chars as f64),
            thousands(storage.meeting_bytes as f64),
            storage.plan_conflicts,
            thousands(storage.plan_conflict_bytes as f64),
            thousands(storage.outbox_bytes as f64),
            storage.outbox_len,
            thousands(storage.attention_bytes as f64),
            storage.attention_len
        ),
    );
    report.note(
        5,
        format!(
            "Why IndexedDB: in localStorage (5 MiB, 2 bytes per UTF-16 unit in Chrome) only {} such plans would fit, {:.0}% of the quota for {STORAGE_PLANS}.",
            LOCAL_STORAGE_QUOTA / per_plan.max(1),
            total as f64 * 100.0 / LOCAL_STORAGE_QUOTA as f64
        ),
    );

    machine.load_at_end = report::load_average();
    print_report(&args, &machine, &report);
    if let Some(path) = &args.write {
        let document = report::document(&args.command, &machine, &report, args.note.as_deref());
        std::fs::write(path, document).with_context(|| format!("write {path}"))?;
        progress(&format!("wrote {path}"));
    }
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the bench's report is its output")]
fn print_report(args: &Args, machine: &Machine, report: &Report) {
    println!("{}", report.table());
    println!("{}", report.notes_markdown());
    println!("{}", machine.markdown());
    if let Some(note) = &args.note {
        println!("- Note: {note}");
    }
    println!(
        "{} of {} figures missed their target. Command: {}",
        report.failures(),
        report.rows.len(),
        args.command
    );
}
