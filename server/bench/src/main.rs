//! Circle's sync benchmarks: a measurement, not a test. Prints each figure next to its target
//! and, with `--write docs/BENCHMARKS.md`, rewrites that file with the machine details and the
//! command that produced it. Exits 0 whatever the figures; non-zero only when something broke.
//!
//! ```sh
//! cargo run --release -p bench -- [--postgres URL | --no-postgres] [--write PATH] [--note TEXT]
//! cargo run --release -p bench -- progress [--postgres URL | --no-postgres] [--requests N]
//!     [--write PATH] [--note TEXT]
//! cargo run --release -p bench -- progress --seed-dir DIR
//! cargo run --release -p bench -- governance [--people N] [--requests N] [--write PATH]
//! ```
//!
//! How each figure is produced is described in `report::METHOD`, which is written into
//! docs/BENCHMARKS.md with the figures.
//!
//! `progress` is the outcome tracker at scale instead (`tracker`): the server time of the
//! progress page of a person with two years of daily observations on three measures, against
//! the demo's Maggie, written into its own section of docs/BENCHMARKS.md ("Outcome tracker at
//! scale"). With `--seed-dir DIR` it only writes those records into a new SQLite database in
//! `DIR` for `end2end/bench/progress.mjs`, which opens the page on a phone.

use std::future::Future;

use anyhow::{Context, Result, bail};

mod governance;
mod history;
mod http;
mod measures;
mod report;
mod setup;
mod tracker;
mod workload;

use std::sync::Arc;

use domain::PersonId;
use measures::{
    CATCH_UP_EDITS, COPY_OVERHEAD_BUDGET, EDIT_BYTES_BUDGET, EDIT_SAMPLES, LATENCY_DEVICES,
    LATENCY_PEOPLE, LOCAL_STORAGE_QUOTA, RATE_DEVICES, RATE_WINDOW, Rate, STORAGE_PEOPLE, Samples,
};
use report::{Machine, Report, Verdict, ms, thousands};
use setup::{RunningServer, Scratch};
use store::Store;
use workload::seed_people;

const EDIT_RATIO_TARGET: f64 = 1.5;
const EDIT_P99_TARGET_MS: u64 = 20;
const EIGHT_DEVICES_TARGET: f64 = 3_000.0;
const LATENCY_P99_TARGET_MS: u64 = 50;
const PROPAGATION_P95_TARGET_MS: u64 = 250;
const CATCH_UP_TARGET_MS: u64 = 1_000;

/// The heavy person and the new one are `person(HEAVY)` and `person(HEAVY + 1)`.
const HEAVY: u128 = 100;

const USAGE: &str = "usage: cargo run --release -p bench -- [progress | governance] \
                     [--postgres URL | --no-postgres] [--write PATH] [--note TEXT]\n       \
                     progress only: [--requests N] [--seed-dir DIR]\n       \
                     governance only: [--requests N] [--people N]";

/// Which benchmark to run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scenario {
    /// The sync benchmarks (no subcommand).
    Sync,
    /// `progress`: the outcome tracker at scale; with a directory, only seed it.
    Progress {
        requests: usize,
        seed_dir: Option<std::path::PathBuf>,
    },
    /// `governance`: the governance dashboard at scale.
    Governance { people: usize, requests: usize },
}

struct Args {
    scenario: Scenario,
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
    let mut args = raw.iter().peekable();
    let mut scenario = Scenario::Sync;
    if args.next_if(|a| *a == "progress").is_some() {
        shown.push("progress".to_owned());
        scenario = Scenario::Progress {
            requests: tracker::DEFAULT_REQUESTS,
            seed_dir: None,
        };
    } else if args.next_if(|a| *a == "governance").is_some() {
        shown.push("governance".to_owned());
        scenario = Scenario::Governance {
            people: governance::DEFAULT_PEOPLE,
            requests: governance::DEFAULT_REQUESTS,
        };
    }
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
            "--requests" | "--people" if matches!(scenario, Scenario::Governance { .. }) => {
                let given = value(arg)?;
                let Scenario::Governance { people, requests } = &mut scenario else {
                    bail!("{arg} is an option of `governance`\n{USAGE}");
                };
                let n = given
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("{arg} {given:?}: a number above 0"))?;
                if arg == "--people" {
                    *people = n;
                } else {
                    *requests = n;
                }
                shown.extend([arg.clone(), given]);
            }
            "--requests" | "--seed-dir" => {
                let given = value(arg)?;
                let Scenario::Progress { requests, seed_dir } = &mut scenario else {
                    bail!("{arg} is an option of `progress`\n{USAGE}");
                };
                if arg == "--requests" {
                    *requests = given
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .with_context(|| format!("--requests {given:?}: a number above 0"))?;
                } else {
                    *seed_dir = Some(given.clone().into());
                }
                shown.extend([arg.clone(), given]);
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
        scenario,
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

fn mib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

/// Measures 1 and 2 (and, on SQLite, 7) over one fresh database: the heavy person's two years
/// seeded through `Store::sync_push`, and a new person beside them.
struct Records {
    heavy: history::Heavy,
    latency: measures::EditLatency,
    /// Bytes written on the device, for the new person and the heavy one (SQLite run only).
    bytes: Option<(measures::DeviceBytes, measures::DeviceBytes)>,
    storage: Option<measures::Storage>,
    /// The database's size on disk once seeded (SQLite).
    file_bytes: Option<u64>,
}

async fn records_run(url: String, client_side: bool) -> Result<Records> {
    let store = store::connect_with(&url, history::catalog())
        .await
        .context("open the store")?;
    let result = async {
        let people = seed_people(store.as_ref(), HEAVY, 2).await?;
        let (heavy, new) = (people[0], people[1]);
        let seeded = history::seed_heavy(store.as_ref(), heavy).await?;
        let file_bytes = setup::sqlite_bytes(&url);
        let bytes = if client_side {
            progress("2/7 bytes written on the device for one edit");
            Some((
                measures::device_bytes(store.as_ref(), new, 8_001).await?,
                measures::device_bytes(store.as_ref(), heavy, 8_002).await?,
            ))
        } else {
            None
        };
        let storage = if client_side {
            progress("7/7 browser storage for the heavy person");
            Some(measures::storage(store.as_ref(), heavy).await?)
        } else {
            None
        };
        progress(&format!(
            "1/7 one edit, heavy against new ({})",
            store.backend().name()
        ));
        let latency = measures::edit_latency(store.as_ref(), heavy, new).await?;
        Ok(Records {
            heavy: seeded,
            latency,
            bytes,
            storage,
            file_bytes,
        })
    }
    .await;
    store.close().await;
    result
}

fn edit_rows(report: &mut Report, backend: &str, r: &Records, p99_target: bool) {
    let l = &r.latency;
    let (r50, r99) = (l.ratio(50.0), l.ratio(99.0));
    report.row(
        1,
        "One edit (a short observation, one per push through `Store::sync_push`): person with two years of records ÷ new person",
        backend,
        format!(
            "p50 {r50:.2}× ({} ÷ {}), p99 {r99:.2}× ({} ÷ {})",
            ms(l.heavy.p(50.0)),
            ms(l.new.p(50.0)),
            ms(l.heavy.p(99.0)),
            ms(l.new.p(99.0))
        ),
        &format!("≤ {EDIT_RATIO_TARGET}× at p50 and p99"),
        Verdict::of(r50 <= EDIT_RATIO_TARGET && r99 <= EDIT_RATIO_TARGET),
    );
    if p99_target {
        let p99 = l.heavy.p(99.0);
        report.row(
            1,
            "One edit to the person with two years of records: p99",
            backend,
            ms(p99),
            &format!("< {EDIT_P99_TARGET_MS} ms"),
            Verdict::of(p99.as_millis() < u128::from(EDIT_P99_TARGET_MS)),
        );
    }
    report.note(
        1,
        format!(
            "{backend}: {EDIT_SAMPLES} pushes to each person (after 50 warm-up each), taking turns. Heavy: p90 {}, max {}. New: p90 {}, max {}.",
            ms(l.heavy.p(90.0)),
            ms(l.heavy.max()),
            ms(l.new.p(90.0)),
            ms(l.new.max()),
        ),
    );
    let h = &r.heavy;
    let c = &h.counts;
    report.note(
        1,
        format!(
            "{backend}: the heavy person holds {} records ({:.2} MiB as the pull API sends them{}) after {} edits: {} observations, {} goals ({} archived) with {} steps, {} meetings whose notes hold {} characters, About me reviewed {} times, one conflict left to settle; version {}.",
            thousands(h.records as f64),
            mib(h.bytes),
            r.file_bytes.map_or_else(String::new, |b| format!(
                "; the SQLite file {:.1} MiB",
                mib(usize::try_from(b).unwrap_or(usize::MAX))
            )),
            thousands(c.edits as f64),
            thousands(c.observations as f64),
            c.goals,
            history::ARCHIVED_GOALS,
            c.steps,
            c.meetings,
            thousands(c.notes_chars as f64),
            history::REVIEWS,
            h.version
        ),
    );
}

fn bytes_rows(report: &mut Report, new: &measures::DeviceBytes, heavy: &measures::DeviceBytes) {
    for (who, b) in [
        ("new person", new),
        ("person with two years of records", heavy),
    ] {
        let (edit, ack) = (measures::total(&b.edit), measures::total(&b.ack));
        report.row(
            2,
            "IndexedDB bytes written for one edit (a short observation) and for the server's answer (keys + values)",
            &format!(
                "client, {who} ({} record{} held, {:.2} MiB)",
                thousands(b.records as f64),
                if b.records == 1 { "" } else { "s" },
                mib(b.held)
            ),
            format!("{} B ({edit} edit + {ack} answer)", thousands((edit + ack) as f64)),
            &format!("≤ {} KiB whatever the record holds", EDIT_BYTES_BUDGET / 1024),
            Verdict::of(edit + ack <= EDIT_BYTES_BUDGET),
        );
        let list = |writes: &[(String, usize)]| {
            writes
                .iter()
                .map(|(what, bytes)| format!("{what} {bytes} B"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        report.note(
            2,
            format!(
                "{who}: edit: {}; answer: {}; the pull that brings it back (not in the figure): {} ({} B).",
                list(&b.edit),
                list(&b.ack),
                list(&b.pull),
                thousands(measures::total(&b.pull) as f64)
            ),
        );
    }
}

/// Measure 3 and where its time goes, on one server.
struct HttpRates {
    one: Rate,
    many: Rate,
    health_out: Rate,
    health: Rate,
    empty_pull: Rate,
    store_alone: Rate,
    store_as_handler: Rate,
    /// One statement and one commit alone, on a scratch database beside it.
    costs: measures::StatementCosts,
}

async fn http_rates(
    addr: std::net::SocketAddr,
    side: Arc<dyn Store>,
    people: &[PersonId],
) -> Result<HttpRates> {
    let backend = side.backend().name();
    progress(&format!(
        "3/7 single-edit pushes over HTTP, 1 device ({backend})"
    ));
    let one = measures::single_edit_pushes(addr, side.as_ref(), &people[..1], 20_000).await?;
    progress(&format!(
        "3/7 single-edit pushes over HTTP, {} devices ({backend})",
        people.len()
    ));
    let many = measures::single_edit_pushes(addr, side.as_ref(), people, 20_100).await?;
    progress(&format!("3/7 where the time goes ({backend})"));
    let probe = |probe| measures::probe_rate(addr, side.as_ref(), people, probe);
    let health_out = probe(measures::Probe::HealthSignedOut).await?;
    let health = probe(measures::Probe::HealthSignedIn).await?;
    let empty_pull = probe(measures::Probe::EmptyPull).await?;
    let store_alone = measures::store_single_edits(side.clone(), people, 20_200, None).await?;
    let cookie = http::Http::connect(addr).await?.cookie().to_owned();
    let id = cookie
        .split_once('=')
        .map(|(_, id)| id.to_owned())
        .context("a session cookie")?;
    let user = side
        .user_by_email("grace@circle.example")
        .await?
        .context("the demo manager")?
        .id;
    let session = measures::Session { id, user };
    let store_as_handler =
        measures::store_single_edits(side.clone(), people, 20_300, Some(session)).await?;
    let costs = costs_beside(side.backend()).await?;
    Ok(HttpRates {
        one,
        many,
        health_out,
        health,
        empty_pull,
        store_alone,
        store_as_handler,
        costs,
    })
}

/// [`measures::statement_costs`] on a scratch database of the same kind (SQLite in the same
/// temp directory; PostgreSQL on the same server).
async fn costs_beside(backend: store::Backend) -> Result<measures::StatementCosts> {
    let scratch = match backend {
        store::Backend::Sqlite => Scratch::sqlite("costs")?,
        store::Backend::Postgres => {
            let admin = POSTGRES_ADMIN
                .get()
                .context("no PostgreSQL server to measure on")?;
            Scratch::postgres(admin, "costs").await?
        }
    };
    in_scratch(scratch, |url| async move {
        measures::statement_costs(&url).await
    })
    .await
}

/// The PostgreSQL server the run uses, once known to answer.
static POSTGRES_ADMIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn rate_rows(report: &mut Report, backend: &str, r: &HttpRates) {
    let measure = "Single-edit pushes over HTTP (one About-me rewrite per request, the next when it is answered; each device its own person)";
    for (devices, rate) in [(1, &r.one), (RATE_DEVICES, &r.many)] {
        let per_second = rate.per_second();
        let (target, verdict) = if backend == "SQLite" && devices == RATE_DEVICES {
            (
                format!("≥ {} edits/s", thousands(EIGHT_DEVICES_TARGET)),
                Verdict::of(per_second >= EIGHT_DEVICES_TARGET && rate.tally.applied == rate.count),
            )
        } else {
            ("— (none set)".to_owned(), Verdict::Info)
        };
        let how = if devices == 1 {
            "1 device".to_owned()
        } else {
            format!("{devices} devices at once")
        };
        report.row(
            3,
            measure,
            &format!("{backend}, {how}"),
            format!("{} edits/s", thousands(per_second)),
            &target,
            verdict,
        );
        report.note(
            3,
            format!(
                "{backend}, {how}: {} edits in {} s ({}); per push p50 {}, p99 {}, max {}.",
                thousands(rate.count as f64),
                RATE_WINDOW.as_secs(),
                rate.tally,
                ms(rate.samples.p(50.0)),
                ms(rate.samples.p(99.0)),
                ms(rate.samples.max())
            ),
        );
    }
    let cost = |rate: &Rate| {
        format!(
            "{}/s ({:.0} µs each; p50 {})",
            thousands(rate.per_second()),
            1e6 / rate.per_second().max(1e-9),
            ms(rate.samples.p(50.0))
        )
    };
    report.note(
        3,
        format!(
            "{backend}, where the time goes ({RATE_DEVICES} at once, same server and database): `GET /healthz` signed out (HTTP, the middleware, one query) {}; signed in (and the session and the user loaded, as for every request of a device) {}; `POST /api/sync/pull` with nothing new and no device named (and the person, one read) {}; the same single edits straight into `Store::push`, no HTTP {}; the store calls an HTTP push makes, in order (`session`, `actor`, `person`, `claim_device`, `push`), no HTTP {}; the HTTP push itself {}.",
            cost(&r.health_out),
            cost(&r.health),
            cost(&r.empty_pull),
            cost(&r.store_alone),
            cost(&r.store_as_handler),
            cost(&r.many)
        ),
    );
    let c = &r.costs;
    report.note(
        3,
        format!(
            "{backend}, alone on one connection to a scratch database beside it: a statement through sqlx (`SELECT 1`) {:.0} µs; a transaction writing one small row, committed durably, {}.",
            c.statement.as_secs_f64() * 1e6,
            ms(c.commit)
        ),
    );
}

fn latency_row(report: &mut Report, latency: &measures::PushLatency) {
    let (p50, p99) = (latency.samples.p(50.0), latency.samples.p(99.0));
    report.row(
        4,
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
        4,
        format!(
            "SQLite: {} pushes carrying {} new edits in {} s ({:.0} pushes/s; acks: {}), {} pulls answered meanwhile ({:.0}/s); p90 {}, max {}; {} device errors.",
            thousands(latency.samples.len() as f64),
            thousands(latency.mutations as f64),
            latency.window.as_secs(),
            latency.samples.len() as f64 / latency.window.as_secs_f64(),
            latency.outcomes,
            thousands(latency.pulls as f64),
            latency.pulls as f64 / latency.window.as_secs_f64(),
            ms(latency.samples.p(90.0)),
            ms(latency.samples.max()),
            latency.errors.len()
        ),
    );
    for error in latency.errors.iter().take(3) {
        report.note(4, format!("error: {error}"));
    }
}

fn propagation_row(report: &mut Report, backend: &str, samples: &Samples) {
    let (p50, p95) = (samples.p(50.0), samples.p(95.0));
    report.row(
        5,
        "Edit-to-other-device propagation: push start → `changed` → pull brings the edit",
        backend,
        format!("p50 {}, p95 {}", ms(p50), ms(p95)),
        &format!("p95 < {PROPAGATION_P95_TARGET_MS} ms"),
        Verdict::of(p95.as_millis() < u128::from(PROPAGATION_P95_TARGET_MS)),
    );
    report.note(
        5,
        format!(
            "{backend}: {} samples; min {}, p99 {}, max {}.",
            samples.len(),
            ms(samples.p(0.0)),
            ms(samples.p(99.0)),
            ms(samples.max())
        ),
    );
}

fn catch_up_row(report: &mut Report, backend: &str, c: &measures::CatchUp) {
    report.row(
        6,
        &format!(
            "Catch-up: {} offline edits pushed, answered, pulled to the end, view = the server's records",
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
        6,
        format!(
            "{backend}: {} pushes ({}), then {} pulls bringing {} records (changed by the other device's {} edits and its own); view equals `Store::records`: {}.",
            c.pushes,
            c.outcomes,
            c.pulls,
            thousands(c.pulled as f64),
            thousands(measures::CATCH_UP_OTHERS as f64),
            if c.converged { "yes" } else { "NO" }
        ),
    );
}

fn storage_rows(report: &mut Report, storage: &measures::Storage) {
    let per_person = storage.browser_bytes();
    let total = per_person * STORAGE_PEOPLE;
    report.row(
        7,
        "Browser storage: the person with two years of records, every entry as the device keeps it in IndexedDB (records, 20 edits waiting, `m.`), against the records themselves as the pull API sends them",
        "client",
        format!(
            "{:.2} MiB of records kept in {:.2} MiB: {:.2}× ({:.1} MiB counted at 2 bytes per UTF-16 unit; {STORAGE_PEOPLE} such people = {:.0} MiB)",
            mib(storage.record_bytes),
            mib(storage.utf8_bytes),
            storage.overhead(),
            mib(per_person),
            mib(total),
        ),
        &format!("≤ {COPY_OVERHEAD_BUDGET:.2}× the records"),
        Verdict::of(storage.overhead() <= COPY_OVERHEAD_BUDGET),
    );
    report.note(
        7,
        format!(
            "{} entries: {} bytes UTF-8, {} UTF-16 code units → {} bytes counted at 2 per unit (browsers may store less: Chrome keeps one-byte strings at 1 byte and compresses).",
            thousands(storage.entries as f64),
            thousands(storage.utf8_bytes as f64),
            thousands(storage.utf16_units as f64),
            thousands(per_person as f64)
        ),
    );
    let parts = storage
        .parts
        .iter()
        .map(|(part, (n, bytes))| format!("{part} {} × {n}", thousands(*bytes as f64)))
        .collect::<Vec<_>>()
        .join("; ");
    report.note(7, format!("Parts (UTF-8 bytes × entries): {parts}."));
    report.note(
        7,
        format!(
            "In localStorage (5 MiB, 2 bytes per UTF-16 unit in Chrome) {} such people would fit.",
            LOCAL_STORAGE_QUOTA / per_person.max(1)
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

/// The people of a server run: the many-device pushes first, then the devices under load,
/// then one for propagation and one for catch-up.
const SERVER_PEOPLE: usize = RATE_DEVICES + LATENCY_PEOPLE + 2;

async fn run() -> Result<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    if let Scenario::Progress { requests, seed_dir } = &args.scenario {
        return match seed_dir {
            Some(dir) => tracker::seed_dir(dir).await,
            None => progress_run(&args, *requests).await,
        };
    }
    if let Scenario::Governance { people, requests } = args.scenario {
        return governance_run(&args, people, requests).await;
    }
    let mut machine = Machine::probe();
    machine.sqlite = setup::sqlite_version().await;
    let mut report = Report::default();
    let postgres = postgres_server(&args, &mut machine).await;

    // 1, 2 and 7 over SQLite, 1 over PostgreSQL.
    progress("1/7 two years of records for one person (SQLite)");
    let sqlite = in_scratch(Scratch::sqlite("records")?, |url| records_run(url, true)).await?;
    edit_rows(&mut report, "SQLite", &sqlite, true);
    if let Some((new, heavy)) = &sqlite.bytes {
        bytes_rows(&mut report, new, heavy);
    }
    if let Ok(admin) = &postgres {
        progress("1/7 two years of records for one person (PostgreSQL)");
        let pg = in_scratch(Scratch::postgres(admin, "records").await?, |url| {
            records_run(url, false)
        })
        .await?;
        edit_rows(&mut report, "PostgreSQL", &pg, false);
    }

    // 3–6 on one real server over SQLite.
    let (rates, latency, propagation, catch_up) =
        in_scratch(Scratch::sqlite("server")?, |url| async move {
            let side = store::connect(&url).await.context("open SQLite")?;
            let people = seed_people(side.as_ref(), 0, SERVER_PEOPLE as u128).await?;
            let server = RunningServer::start(&url).await?;
            let rates = http_rates(server.addr, side.clone(), &people[..RATE_DEVICES]).await?;
            progress("4/7 push latency with 200 connected devices (SQLite server)");
            let under_load = &people[RATE_DEVICES..RATE_DEVICES + LATENCY_PEOPLE];
            let latency = measures::push_latency(server.addr, side.as_ref(), under_load).await?;
            progress("5/7 propagation (SQLite server)");
            let propagation = measures::propagation(
                server.addr,
                server.addr,
                side.as_ref(),
                people[SERVER_PEOPLE - 2],
            )
            .await?;
            progress("6/7 catch-up (SQLite server)");
            let catch_up =
                measures::catch_up(server.addr, side.as_ref(), people[SERVER_PEOPLE - 1]).await?;
            server.stop().await?;
            side.close().await;
            Ok((rates, latency, propagation, catch_up))
        })
        .await?;
    rate_rows(&mut report, "SQLite", &rates);
    latency_row(&mut report, &latency);
    propagation_row(&mut report, "SQLite (one server)", &propagation);
    catch_up_row(&mut report, "SQLite", &catch_up);

    // PostgreSQL: two servers over one database.
    match &postgres {
        Err(why) => {
            skipped(&mut report, 1, "One edit, heavy ÷ new", why);
            skipped(&mut report, 3, "Single-edit pushes over HTTP", why);
            skipped(&mut report, 5, "Propagation across two servers", why);
            skipped(&mut report, 6, "Catch-up", why);
        }
        Ok(admin) => {
            let (rates, propagation, catch_up) = in_scratch(
                Scratch::postgres(admin, "servers").await?,
                |url| async move {
                    let side = store::connect(&url).await.context("open PostgreSQL")?;
                    let people = seed_people(side.as_ref(), 0, RATE_DEVICES as u128 + 2).await?;
                    let first = RunningServer::start(&url).await?;
                    let second = RunningServer::start(&url).await?;
                    let rates =
                        http_rates(first.addr, side.clone(), &people[..RATE_DEVICES]).await?;
                    progress("5/7 propagation across two servers over PostgreSQL");
                    let propagation = measures::propagation(
                        first.addr,
                        second.addr,
                        side.as_ref(),
                        people[RATE_DEVICES],
                    )
                    .await?;
                    progress("6/7 catch-up (PostgreSQL server)");
                    let catch_up =
                        measures::catch_up(first.addr, side.as_ref(), people[RATE_DEVICES + 1])
                            .await?;
                    first.stop().await?;
                    second.stop().await?;
                    side.close().await;
                    Ok((rates, propagation, catch_up))
                },
            )
            .await?;
            rate_rows(&mut report, "PostgreSQL", &rates);
            propagation_row(&mut report, "PostgreSQL (two servers)", &propagation);
            catch_up_row(&mut report, "PostgreSQL", &catch_up);
        }
    }

    if let Some(storage) = &sqlite.storage {
        storage_rows(&mut report, storage);
    }

    machine.load_at_end = report::load_average();
    print_report(&args, &machine, &report);
    if let Some(path) = &args.write {
        let mut document = report::document(&args.command, &machine, &report, args.note.as_deref());
        // The sections other benchmarks write (from "## Phone" on) are kept as they are.
        let before = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(at) = before.find(report::OTHER_SECTIONS) {
            document = format!("{}\n{}", document.trim_end(), &before[at..]);
        }
        std::fs::write(path, document).with_context(|| format!("write {path}"))?;
        progress(&format!("wrote {path}"));
    }
    Ok(())
}

/// The PostgreSQL server to measure on, once it answers (its version noted in `machine`), or
/// why there is none.
async fn postgres_server(args: &Args, machine: &mut Machine) -> Result<String, String> {
    match &args.postgres {
        None => Err("not run (--no-postgres)".to_owned()),
        Some(admin) => match setup::probe_postgres(admin).await {
            Ok(version) => {
                machine.postgres = format!(
                    "{version}, at {} (same machine, over TCP)",
                    setup::redact(admin)
                );
                let _ = POSTGRES_ADMIN.set(admin.clone());
                Ok(admin.clone())
            }
            Err(reason) => {
                progress(&format!(
                    "PostgreSQL at {} is unreachable ({reason}); skipping the PostgreSQL figures",
                    setup::redact(admin)
                ));
                machine.postgres = format!("unreachable at {} ({reason})", setup::redact(admin));
                Err(format!(
                    "not run: PostgreSQL unreachable at {}",
                    setup::redact(admin)
                ))
            }
        },
    }
}

/// `progress`: the outcome tracker at scale on SQLite, then on PostgreSQL when it answers;
/// printed, and with `--write` put into its own section of the file.
async fn progress_run(args: &Args, requests: usize) -> Result<()> {
    let mut machine = Machine::probe();
    machine.sqlite = setup::sqlite_version().await;
    let postgres = postgres_server(args, &mut machine).await;
    let mut report = Report::default();
    let mut runs = Vec::new();
    let sqlite = in_scratch(Scratch::sqlite("progress")?, |url| async move {
        tracker::run_on(&url, "SQLite", requests).await
    })
    .await?;
    tracker::rows(&mut report, &sqlite);
    runs.push(sqlite);
    match &postgres {
        Ok(admin) => {
            let pg = in_scratch(
                Scratch::postgres(admin, "progress").await?,
                |url| async move { tracker::run_on(&url, "PostgreSQL", requests).await },
            )
            .await?;
            tracker::rows(&mut report, &pg);
            runs.push(pg);
        }
        Err(why) => skipped(&mut report, 1, "The progress page, two years", why),
    }
    machine.load_at_end = report::load_average();
    print_report(args, &machine, &report);
    if let Some(path) = &args.write {
        let section = tracker::section(
            &args.command,
            &machine,
            &report,
            args.note.as_deref(),
            &runs,
        );
        tracker::write(path, &section)?;
        progress(&format!("wrote {path}"));
    }
    Ok(())
}

/// `governance`: the governance dashboard at scale on SQLite, then on PostgreSQL when it
/// answers; printed, and with `--write` put into its own section of the file.
async fn governance_run(args: &Args, people: usize, requests: usize) -> Result<()> {
    let mut machine = Machine::probe();
    machine.sqlite = setup::sqlite_version().await;
    let postgres = postgres_server(args, &mut machine).await;
    let mut report = Report::default();
    // A database seeded earlier today and kept (`CIRCLE_BENCH_KEEP`), timed again as it is.
    let reuse = |var: &str| std::env::var(var).ok().filter(|url| !url.is_empty());
    let sqlite = match reuse("CIRCLE_BENCH_REUSE_SQLITE") {
        Some(url) => governance::run_on(&url, "SQLite", people, requests).await?,
        None => {
            in_scratch(Scratch::sqlite("governance")?, |url| async move {
                governance::run_on(&url, "SQLite", people, requests).await
            })
            .await?
        }
    };
    governance::rows(&mut report, &sqlite);
    match &postgres {
        Ok(_) if let Some(url) = reuse("CIRCLE_BENCH_REUSE_POSTGRES") => {
            let pg = governance::run_on(&url, "PostgreSQL", people, requests).await?;
            governance::rows(&mut report, &pg);
        }
        Ok(admin) => {
            let pg = in_scratch(
                Scratch::postgres(admin, "governance").await?,
                |url| async move { governance::run_on(&url, "PostgreSQL", people, requests).await },
            )
            .await?;
            governance::rows(&mut report, &pg);
        }
        Err(why) => skipped(&mut report, 1, "The governance dashboard", why),
    }
    machine.load_at_end = report::load_average();
    print_report(args, &machine, &report);
    if let Some(path) = &args.write {
        let section = governance::section(&args.command, &machine, &report, args.note.as_deref());
        governance::write(path, &section)?;
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
