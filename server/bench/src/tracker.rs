//! The outcome tracker at scale (issue 12, item 10): "a person with two years of daily
//! observations on three measures opens their progress page in under 100 ms server time".
//!
//! `cargo run --release -p bench -- progress` seeds a fresh database with the demo (as a new
//! installation gets it, seven months of outcomes included) and one more person in the demo's
//! Riverside service, whose one goal has three measures observed every day for two years
//! (`store::demo::daily_observations`, written through `Store::sync_push` in batches of at most
//! `MAX_PUSH_BATCH`). A real server then answers `GET /people/<id>/progress` for them and for
//! the demo's own Maggie, taking turns, signed in as the demo key worker. `--seed-dir DIR` only
//! seeds an SQLite database in `DIR` (`DIR/circle.db`, what `CIRCLE_DATA_DIR` names) for
//! `end2end/bench/progress.mjs`, which opens the same page on a phone.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail, ensure};
use domain::calendar::Date;
use domain::records::authority::Mutation;
use domain::records::kinds::{GOALS, MEASURES, OBSERVATIONS, STEPS};
use domain::records::{Record, Value};
use domain::{AboutMe, Dataset, Person, PersonId};
use store::Store;
use uuid::Uuid;

use crate::http::Http;
use crate::measures::Samples;
use crate::report::{Machine, Report, Verdict, ms, thousands};
use crate::workload::{self, create, mutation, seed_edits, text};

/// Two years of days, observed up to yesterday.
pub const DAYS: u32 = 730;
/// The server time the page must stay under, at p95.
pub const TARGET_MS: u64 = 100;
/// Timed requests to each page (after [`WARM_UP`] each).
pub const DEFAULT_REQUESTS: usize = 50;
const WARM_UP: usize = 5;
/// Who opens the page: the demo key worker of Riverside.
pub const KEY_WORKER: &str = "asha@riverside.example";
/// The seed of the observations: the demo's own.
pub const SEED: u64 = store::demo::SEED;

/// The goal's measures: what each counts, of what, its baseline and its target.
const MEASURE_TYPES: [(&str, &str, i64, i64); 3] = [
    ("prompts", "making lunch", 4, 1),
    ("confidence", "going out on my own", 2, 4),
    ("takeovers", "making lunch", 3, 0),
];

/// The person with two years of observations (`workload::person(730)`).
pub fn person() -> PersonId {
    workload::person(u128::from(DAYS))
}

/// The records of their goal: from `0x0193_0000_0000_7000_8000_0b0d_0000_0000` on.
fn record_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0b0d_0000_0000 | n)
}

fn page_path(person: PersonId) -> String {
    format!("/people/{person}/progress")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Today in the UK, and the first day observed.
fn days_observed() -> Result<(Date, Date)> {
    let today = Date::of_ms_in_london(now_ms()).context("the clock is out of range")?;
    let first = today
        .add_days(-i64::from(DAYS))
        .context("two years ago is out of range")?;
    Ok((first, today))
}

/// What the seeded database holds.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The person's records, observations among them, and the version they reached.
    pub records: usize,
    pub observations: usize,
    pub version: u64,
    pub pushes: usize,
    /// An observation's size on average, as JSON (as the pull API and the page send it).
    pub observation_bytes: usize,
    pub first: Date,
    pub last: Date,
    /// Maggie's records and observations as the demo writes them, for comparison.
    pub maggie_records: usize,
    pub maggie_observations: usize,
    pub maggie_first: Option<Date>,
    /// How long loading the demo and the two years took.
    pub took: Duration,
}

/// The person, in the demo's Riverside service, where the key worker works.
fn the_person() -> Result<Person> {
    Person::new(
        person(),
        store::demo::RIVERSIDE,
        "Rose Adeyemi",
        "Rose",
        "she/her",
        AboutMe {
            strengths: vec![
                "Knows every neighbour on her street".into(),
                "Keeps a diary every evening".into(),
            ],
            matters_to_me: "Getting out on my own, and making my own lunch.".into(),
            ..AboutMe::default()
        },
    )
    .context("the person breaks a domain rule")
}

/// One goal in her words, three steps, three measures, then an observation of each measure
/// every day from `first` for [`DAYS`] days, as one device writes them.
fn the_goal(first: Date) -> Result<Vec<Mutation>> {
    let device = workload::client(u128::from(DAYS));
    let goal = record_id(1);
    let mut ops = vec![create(
        GOALS,
        goal,
        None,
        &[
            (
                "wording",
                text("I want to go out on my own and make my own lunch"),
            ),
            ("written_by", text("Rose, with Asha")),
            ("why", text("I'd like my days to be mine again.")),
            ("helpers", text("Asha and the Riverside team on weekdays")),
        ],
    )];
    for (n, words) in [
        "Walk to the end of the street with Asha",
        "Make a sandwich with one prompt",
        "Go to the shop on my own",
    ]
    .into_iter()
    .enumerate()
    {
        ops.push(create(
            STEPS,
            record_id(10 + n as u128),
            Some(goal),
            &[
                ("text", text(words)),
                ("position", Value::Number((n as i64 + 1) * 10)),
            ],
        ));
    }
    let mut measures = Vec::new();
    for (n, (ty, about, baseline, target)) in MEASURE_TYPES.into_iter().enumerate() {
        let id = record_id(20 + n as u128);
        measures.push(id);
        ops.push(create(
            MEASURES,
            id,
            Some(goal),
            &[
                ("measure", Value::Choice(ty.to_owned())),
                ("about", text(about)),
                ("baseline", Value::Number(baseline)),
                ("target", Value::Number(target)),
            ],
        ));
    }
    ops.extend(store::demo::daily_observations(
        SEED, &measures, first, DAYS,
    ));
    ensure!(
        ops.len() == 1 + 3 + 3 + 3 * DAYS as usize,
        "expected one observation a day per measure"
    );
    Ok(ops
        .into_iter()
        .enumerate()
        .map(|(n, op)| mutation(device, n as u64 + 1, op))
        .collect())
}

fn observations_of(records: &[Record]) -> impl Iterator<Item = &Record> {
    records
        .iter()
        .filter(|r| r.kind == OBSERVATIONS && !r.deleted)
}

/// Loads the demo with its plans and outcomes, adds the person and writes their two years
/// through `Store::sync_push` in batches of at most `MAX_PUSH_BATCH`; every edit must apply.
pub async fn seed(store: &dyn Store) -> Result<Seeded> {
    let started = Instant::now();
    store::load_demo_with_plans(store)
        .await
        .context("load the demo")?;
    store
        .import(&Dataset {
            people: vec![the_person()?],
            ..Dataset::default()
        })
        .await
        .context("import the person")?;
    let (first, today) = days_observed()?;
    let edits = the_goal(first)?;
    let tally = seed_edits(store, person(), workload::client(u128::from(DAYS)), &edits).await?;
    ensure!(
        tally.applied == edits.len() as u64,
        "the two years did not all apply: {tally}"
    );
    let (records, version) = store.records(person(), None).await?;
    let (maggie, _) = store.records(store::demo::MAGGIE, None).await?;
    let maggie_first = observations_of(&maggie)
        .filter_map(|r| match r.get("observed_on") {
            Value::Date(d) => Some(*d),
            _ => None,
        })
        .min();
    let observations = observations_of(&records).count();
    let mut observation_bytes = 0;
    for record in observations_of(&records) {
        observation_bytes += serde_json::to_string(record)?.len();
    }
    Ok(Seeded {
        records: records.len(),
        observations,
        observation_bytes: observation_bytes / observations.max(1),
        version,
        pushes: edits.len().div_ceil(domain::sync::MAX_PUSH_BATCH),
        first,
        last: today.add_days(-1).unwrap_or(today),
        maggie_records: maggie.len(),
        maggie_observations: observations_of(&maggie).count(),
        maggie_first,
        took: started.elapsed(),
    })
}

/// `--seed-dir DIR`: a new SQLite database `DIR/circle.db` holding [`seed`]'s records, for a
/// server started with `CIRCLE_DATA_DIR=DIR`. Prints what the phone script needs as one line
/// of JSON.
pub async fn seed_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let file = dir.join("circle.db");
    if file.exists() {
        bail!("{} exists already: give an empty directory", file.display());
    }
    let store = store::connect(&format!("sqlite:{}", file.display()))
        .await
        .context("open SQLite")?;
    let seeded = seed(store.as_ref()).await;
    store.close().await;
    let seeded = seeded?;
    let line = serde_json::json!({
        "person": person().to_string(),
        "maggie": store::demo::MAGGIE.to_string(),
        "records": seeded.records,
        "observations": seeded.observations,
        "first": seeded.first.to_string(),
        "last": seeded.last.to_string(),
        "maggie_observations": seeded.maggie_observations,
        "seed": format!("{SEED:#018x}"),
        "database": file.display().to_string(),
    });
    print_line(&line.to_string());
    Ok(())
}

#[allow(
    clippy::print_stdout,
    reason = "the seeded database's description is the output"
)]
fn print_line(line: &str) {
    println!("{line}");
}

/// One person's progress page, timed and weighed.
#[derive(Debug, Clone, Default)]
pub struct PageFigures {
    /// `GET /people/<id>/progress`, the whole page read.
    pub page: Samples,
    /// The same, less the wait for the answer's closing chunk (see [`STALL`]).
    pub page_unstalled: Samples,
    /// How many answers waited at least [`STALL`] for their closing chunk.
    pub stalls: usize,
    /// `POST /api/plans/get` as the page asks it (without the observations, with the
    /// measures' figures): the data the page is made from, as JSON.
    pub data: Samples,
    /// `Store::records` of every record, no HTTP.
    pub read: Samples,
    pub html_bytes: usize,
    /// Of the HTML, what is inside `<script>` elements (the data the browser hydrates from).
    pub script_bytes: usize,
    pub gzip_bytes: Option<usize>,
    pub json_bytes: usize,
    pub charts: usize,
}

/// Times `requests` page loads of each of `people` (after [`WARM_UP`] each), taking turns and
/// alternating who goes first, on one keep-alive connection signed in as the key worker; then
/// the same for the page's data alone and for the store's read.
pub async fn time_pages(
    addr: SocketAddr,
    store: &dyn Store,
    people: &[PersonId],
    requests: usize,
) -> Result<Vec<PageFigures>> {
    let mut http = Http::connect_as(addr, KEY_WORKER).await?;
    let mut figures = vec![PageFigures::default(); people.len()];
    let mut pages = vec![Vec::new(); people.len()];
    let mut unstalled = vec![Vec::new(); people.len()];
    for round in 0..WARM_UP + requests {
        for i in turns(people.len(), round) {
            let started = Instant::now();
            let (status, html) = http.page(&page_path(people[i])).await?;
            let took = started.elapsed();
            if status != 200 {
                bail!("GET {} answered {status}", page_path(people[i]));
            }
            if round >= WARM_UP {
                pages[i].push(took);
                unstalled[i].push(took.saturating_sub(http.last_wait()));
                if http.last_wait() >= STALL {
                    figures[i].stalls += 1;
                }
            } else if round == 0 {
                weigh_html(&mut figures[i], &html)?;
            }
        }
    }
    for ((figure, samples), unstalled) in figures.iter_mut().zip(pages).zip(unstalled) {
        figure.page = Samples::sorted(samples);
        figure.page_unstalled = Samples::sorted(unstalled);
    }
    let mut data = vec![Vec::new(); people.len()];
    for round in 0..WARM_UP + requests {
        for i in turns(people.len(), round) {
            let started = Instant::now();
            let (status, json) = http
                .post_form(
                    "/api/plans/get",
                    &format!("id={}&leave_out%5B0%5D=observation&figures=true", people[i]),
                )
                .await?;
            let took = started.elapsed();
            ensure!(status == 200, "POST /api/plans/get answered {status}");
            if round >= WARM_UP {
                data[i].push(took);
            }
            figures[i].json_bytes = json.len();
        }
    }
    let mut reads = vec![Vec::new(); people.len()];
    for round in 0..WARM_UP + requests {
        for i in turns(people.len(), round) {
            let started = Instant::now();
            store.records(people[i], None).await?;
            if round >= WARM_UP {
                reads[i].push(started.elapsed());
            }
        }
    }
    for ((figure, data), reads) in figures.iter_mut().zip(data).zip(reads) {
        figure.data = Samples::sorted(data);
        figure.read = Samples::sorted(reads);
    }
    Ok(figures)
}

/// A wait for an answer's closing chunk this long is the kernel holding it back (Nagle's
/// algorithm on the server's socket meeting this client's delayed ACK, 40 ms on Linux), not
/// the server working: the chunk before it has arrived whole.
pub const STALL: Duration = Duration::from_millis(20);

/// `0, 1, …` on even rounds and `…, 1, 0` on odd ones, so neither always goes first.
fn turns(n: usize, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

/// The page's size, what of it is script, its size gzipped, and how many charts it draws (a
/// page without them is not the page meant).
fn weigh_html(figure: &mut PageFigures, html: &str) -> Result<()> {
    figure.charts = html.matches("Chart: ").count();
    ensure!(
        figure.charts > 0,
        "the progress page shows no chart: {}",
        html.chars().take(400).collect::<String>()
    );
    figure.html_bytes = html.len();
    figure.script_bytes = script_bytes(html);
    figure.gzip_bytes = gzip_bytes(html.as_bytes());
    Ok(())
}

/// The bytes of `<script>…</script>` elements, tags included.
fn script_bytes(html: &str) -> usize {
    let mut total = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(end) = rest[start..].find("</script>") else {
            break;
        };
        let end = start + end + "</script>".len();
        total += end - start;
        rest = &rest[end..];
    }
    total
}

/// The size of `bytes` through `gzip -6` (what a web server's default level gives), or `None`
/// when there is no `gzip` to run: the workspace has no compression crate, and the figure is
/// not worth one.
fn gzip_bytes(bytes: &[u8]) -> Option<usize> {
    let mut child = std::process::Command::new("gzip")
        .arg("-6")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let mut input = child.stdin.take()?;
    // Written from another thread: gzip's output would fill the pipe before the input ends.
    let output = std::thread::scope(|scope| {
        scope.spawn(move || input.write_all(bytes));
        child.wait_with_output()
    })
    .ok()?;
    output.status.success().then_some(output.stdout.len())
}

/// The figures of one backend.
pub struct Run {
    pub backend: &'static str,
    pub seeded: Seeded,
    /// The two-year person, then Maggie.
    pub heavy: PageFigures,
    pub maggie: PageFigures,
    /// The size of the SQLite database, once seeded.
    pub file_bytes: Option<u64>,
}

/// Seeds the database at `url`, starts a server on it and times both pages.
pub async fn run_on(url: &str, backend: &'static str, requests: usize) -> Result<Run> {
    let store = store::connect(url).await.context("open the store")?;
    let result = async {
        crate::progress(&format!(
            "progress: seeding the demo and two years of observations ({backend})"
        ));
        let seeded = seed(store.as_ref()).await?;
        let file_bytes = crate::setup::sqlite_bytes(url);
        let server = crate::setup::RunningServer::start(url).await?;
        crate::progress(&format!(
            "progress: {requests} requests to each page ({backend})"
        ));
        let timed = time_pages(
            server.addr,
            store.as_ref(),
            &[person(), store::demo::MAGGIE],
            requests,
        )
        .await;
        server.stop().await?;
        let mut timed = timed?.into_iter();
        let (Some(heavy), Some(maggie)) = (timed.next(), timed.next()) else {
            bail!("two pages timed");
        };
        Ok(Run {
            backend,
            seeded,
            heavy,
            maggie,
            file_bytes,
        })
    }
    .await;
    store.close().await;
    result
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// The rows and details of one backend's run.
pub fn rows(report: &mut Report, run: &Run) {
    let (h, m, s) = (&run.heavy, &run.maggie, &run.seeded);
    let backend = run.backend;
    let p95 = h.page.p(95.0);
    let met = p95.as_millis() < u128::from(TARGET_MS);
    let by = if met {
        String::new()
    } else {
        format!(
            " (over by {}, {:.1}×)",
            ms(p95.saturating_sub(Duration::from_millis(TARGET_MS))),
            p95.as_secs_f64() * 1_000.0 / TARGET_MS as f64
        )
    };
    report.row(
        1,
        &format!(
            "`GET /people/<id>/progress` as the key worker: the person with two years of daily observations on three measures ({} observations)",
            thousands(s.observations as f64)
        ),
        backend,
        format!(
            "p50 {}, p95 {}, max {}{by}; less the wait for the closing chunk ({} of {} answers): p50 {}, p95 {}",
            ms(h.page.p(50.0)),
            ms(p95),
            ms(h.page.max()),
            h.stalls,
            h.page.len(),
            ms(h.page_unstalled.p(50.0)),
            ms(h.page_unstalled.p(95.0)),
        ),
        &format!("p95 < {TARGET_MS} ms"),
        Verdict::of(met),
    );
    report.row(
        2,
        &format!(
            "The same page: two years ÷ the demo's Maggie ({} observations over {} weeks)",
            thousands(s.maggie_observations as f64),
            store::demo::WEEKS
        ),
        backend,
        format!(
            "p50 {:.2}× ({} ÷ {}), p95 {:.2}× ({} ÷ {})",
            ratio(h.page.p(50.0), m.page.p(50.0)),
            ms(h.page.p(50.0)),
            ms(m.page.p(50.0)),
            ratio(p95, m.page.p(95.0)),
            ms(p95),
            ms(m.page.p(95.0))
        ),
        "— (none set)",
        Verdict::Info,
    );
    report.row(
        3,
        "The page's HTML (of it, `<script>`: the data it hydrates from), gzipped, and the page's data as JSON (`get_plan`): two years / Maggie",
        backend,
        format!("{} / {}", weight(h), weight(m)),
        "— (none set)",
        Verdict::Info,
    );
    for (who, f) in [("two years", h), ("Maggie", m)] {
        report.note(
            1,
            format!(
                "{backend}, {who}: page p50 {}, p90 {}, p95 {}, max {} over {} requests (after {WARM_UP} warm-up), {} charts drawn; {} of them waited {} or more for the answer's closing chunk, and without that wait the page takes p50 {}, p95 {}; the data alone (`POST /api/plans/get`, JSON) p50 {}, p95 {}; the store's read of every record (`Store::records`, no HTTP) p50 {}, p95 {}.",
                ms(f.page.p(50.0)),
                ms(f.page.p(90.0)),
                ms(f.page.p(95.0)),
                ms(f.page.max()),
                f.page.len(),
                f.charts,
                f.stalls,
                ms(STALL),
                ms(f.page_unstalled.p(50.0)),
                ms(f.page_unstalled.p(95.0)),
                ms(f.data.p(50.0)),
                ms(f.data.p(95.0)),
                ms(f.read.p(50.0)),
                ms(f.read.p(95.0)),
            ),
        );
    }
    report.note(
        1,
        format!(
            "{backend}: the person holds {} records (1 goal, 3 steps, 3 measures, {} observations from {} to {}), written in {} pushes through `Store::sync_push`; version {}. Maggie holds {} records ({} observations from {}). The demo and the two years took {:.1} s to write{}.",
            thousands(s.records as f64),
            thousands(s.observations as f64),
            s.first,
            s.last,
            s.pushes,
            s.version,
            thousands(s.maggie_records as f64),
            thousands(s.maggie_observations as f64),
            s.maggie_first.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            s.took.as_secs_f64(),
            run.file_bytes.map_or_else(String::new, |b| format!(
                "; the SQLite file is {:.1} MiB",
                b as f64 / 1024.0 / 1024.0
            )),
        ),
    );
}

fn weight(f: &PageFigures) -> String {
    format!(
        "{} ({}), {} gzipped, JSON {}",
        kib(f.html_bytes),
        kib(f.script_bytes),
        f.gzip_bytes.map_or_else(|| "—".to_owned(), kib),
        kib(f.json_bytes)
    )
}

/// The section's heading; `end2end/bench/progress.mjs` writes [`PHONE_HEADING`] inside it.
pub const HEADING: &str = "## Outcome tracker at scale";
pub const PHONE_HEADING: &str = "### On a phone";

/// The section this scenario writes (the phone's part, written by the script, is kept).
pub fn section(
    command: &str,
    machine: &Machine,
    report: &Report,
    note: Option<&str>,
    runs: &[Run],
) -> String {
    let mut out = format!(
        "{HEADING}\n\n\
         A person with two years of daily observations on three measures opening their progress \
         page (issue 12, item 10): the server's time, measured by the `bench` crate's `progress` \
         scenario, and the page on a phone, measured by `end2end/bench/progress.mjs` (below). \
         Figures are reported, never asserted in tests; re-run rather than editing them:\n\n\
         ```sh\n{command}\n```\n\n\
         Options: `--postgres URL` and `--no-postgres` as for the sync figures, `--requests N` \
         (timed requests to each page, default {DEFAULT_REQUESTS}), `--write PATH`, \
         `--note TEXT`; `--seed-dir DIR` only writes the same records into a new SQLite \
         database `DIR/circle.db` (what `CIRCLE_DATA_DIR=DIR` opens) and prints the person's \
         id, for the phone script.\n\n"
    );
    out.push_str(&method(runs));
    out.push('\n');
    out.push_str(&report.table());
    out.push_str("\nMachine:\n\n");
    out.push_str(&machine.markdown());
    if let Some(note) = note {
        out.push_str(&format!("- Note: {note}\n"));
    }
    out.push_str("\nDetails:\n\n");
    out.push_str(&report.notes_markdown());
    if let Some(reading) = reading(runs) {
        out.push('\n');
        out.push_str(&reading);
    }
    out
}

/// How the figures are made, with the dates this run observed.
fn method(runs: &[Run]) -> String {
    let dates = runs.first().map_or_else(String::new, |r| {
        format!(" (this run: {} to {})", r.seeded.first, r.seeded.last)
    });
    format!(
        "**How.** A fresh database (SQLite in the temp directory; a scratch PostgreSQL database \
         beside it) gets the demo as a new installation does (`store::load_demo_with_plans`: \
         Maggie, Dan and Priya with their plans and {weeks} weeks of outcomes), then one more \
         person in Riverside, Rose (`{person}`), with one goal, three steps and three measures \
         (prompts, confidence, takeovers, each with a baseline and a target) and one \
         observation of each measure a day for {DAYS} days up to yesterday{dates}: \
         {obs} observations from `store::demo::daily_observations(SEED, …)` with the demo's \
         seed `{SEED:#018x}` (values 1 to 5 moving by at most one a day, the voice rotating \
         person, member, staff), all written by one device through `Store::sync_push` in \
         batches of at most `MAX_PUSH_BATCH` (500). A real server (`server::Application` on \
         127.0.0.1, as `circle serve` starts it) answers `GET /people/<id>/progress` on one \
         keep-alive connection signed in as the demo key worker Asha \
         ({KEY_WORKER}): the server renders the page whole (`get_plan` reads every record she \
         may see, writes her audit entry and works out each measure's figures, and the page \
         draws each measure's weekly chart and table), and the clock runs from sending the \
         request to reading the last byte. Rose's \
         page and Maggie's take turns, {WARM_UP} warm-up requests each, then the timed ones. \
         The client runs in the same process, over loopback. The same is then timed for the \
         page's data alone (`POST /api/plans/get` as the page asks it, without the \
         observations and with the figures: the server function's JSON) and for the store's \
         read of every record, to show where the time goes. Sizes: the HTML as sent to this \
         client (plain: the server gzips pages only for requests a browser says came from \
         Circle itself), the part of it in `<script>` elements, the same through `gzip -6`, \
         and the JSON.\n",
        weeks = store::demo::WEEKS,
        person = person(),
        obs = thousands(f64::from(DAYS * 3)),
    )
}

/// What the figures say, worked out from them: whether the target is met, where the time goes
/// and what would bring it down.
fn reading(runs: &[Run]) -> Option<String> {
    let run = runs.first()?;
    let (h, m, s) = (&run.heavy, &run.maggie, &run.seeded);
    let secs = |d: Duration| d.as_secs_f64();
    let p95 = h.page.p(95.0);
    let verdict = if p95.as_millis() < u128::from(TARGET_MS) {
        format!(
            "The target is met: p95 {}, {:.1}× under {TARGET_MS} ms",
            ms(p95),
            TARGET_MS as f64 / (secs(p95) * 1_000.0).max(1e-9)
        )
    } else {
        format!(
            "The target is missed: p95 {}, {} over {TARGET_MS} ms",
            ms(p95),
            ms(p95.saturating_sub(Duration::from_millis(TARGET_MS)))
        )
    };
    let (page, data) = (h.page.p(50.0), h.data.p(50.0));
    let render = page.saturating_sub(data);
    let stalls = if h.stalls + m.stalls > 0 {
        format!(
            " The tail is not the page's work: {} of Rose's {} answers and {} of Maggie's {} \
             waited {} or more for their closing chunk (5 bytes) after the rest had arrived, \
             because the server's sockets keep Nagle's algorithm (no `TCP_NODELAY`), so the \
             kernel holds that chunk until the client acknowledges the one before, and a \
             client delays its acknowledgement (40 ms on Linux). Less that wait, Rose's page \
             takes p50 {}, p95 {}. Browsers delay their acknowledgements too, so setting \
             `TCP_NODELAY` on accepted connections (axum 0.8: \
             `listener.tap_io(|tcp| {{ let _ = tcp.set_nodelay(true); }})`) would take it off \
             every streamed page.",
            h.stalls,
            h.page.len(),
            m.stalls,
            m.page.len(),
            ms(STALL),
            ms(h.page_unstalled.p(50.0)),
            ms(h.page_unstalled.p(95.0)),
        )
    } else {
        String::new()
    };
    Some(format!(
        "**Reading these figures ({backend}).** {verdict}. Of Rose's page (p50 {page}), the \
         store's read of her records takes {read}; the server function the page is made from \
         (`get_plan` as the page asks it: the read, the access check, her audit entry, each \
         measure's figures worked out from every observation, and the JSON of everything but \
         the observations) {data}; rendering the rest, about {render} ({share:.0}%): three \
         charts and week-by-week tables over two years.{stalls} The time grows with the \
         observations: {time_ratio:.1}× Maggie's for {obs_ratio:.1}× her observations, as the \
         store reads them all and the server works the figures out from them. The page \
         carries the records it shows and each measure's figures, not the observations (each \
         {obs_bytes} bytes of JSON, which the device pulls once the page is up): its data is \
         {json} of JSON, {script} of the page's {html} inside `<script>` (gzip makes the whole \
         page {gzip}). What would bring the time down further: the figures worked out from a \
         typed table of the observations' dates, values and voices rather than from every \
         record read whole, and a smaller record on the wire (the stamps and field types of a \
         record set once are the same on every observation).\n",
        backend = run.backend,
        page = ms(page),
        read = ms(h.read.p(50.0)),
        data = ms(data),
        render = ms(render),
        share = 100.0 * secs(render) / secs(page).max(1e-9),
        time_ratio = ratio(page, m.page.p(50.0)),
        obs_ratio = s.observations as f64 / s.maggie_observations.max(1) as f64,
        obs_bytes = s.observation_bytes,
        json = kib(h.json_bytes),
        script = kib(h.script_bytes),
        html = kib(h.html_bytes),
        gzip = h
            .gzip_bytes
            .map_or_else(|| "— (no gzip here)".to_owned(), kib),
    ))
}

/// `doc` with this section put in: in place of the old one (up to the phone's part, which is
/// kept), else after the "Phone" section, else at the end.
pub fn replace_section(doc: &str, section: &str) -> String {
    let section = section.trim_end();
    let heading = format!("\n{HEADING}\n");
    if let Some(at) = doc.find(&heading) {
        let body = at + heading.len();
        let end = [
            doc[body..].find(&format!("\n{PHONE_HEADING}")),
            doc[body..].find("\n## "),
        ]
        .into_iter()
        .flatten()
        .min()
        .map_or(doc.len(), |e| body + e);
        return format!("{}\n{section}\n{}", &doc[..at], &doc[end..]);
    }
    let after_phone = doc
        .find("\n## Phone\n")
        .and_then(|at| doc[at + 1..].find("\n## ").map(|next| at + 1 + next));
    match after_phone {
        Some(at) => format!("{}\n\n{section}\n{}", doc[..at].trim_end(), &doc[at..]),
        None => format!("{}\n\n{section}\n", doc.trim_end()),
    }
}

/// Writes the section into the file at `path`.
pub fn write(path: &str, section: &str) -> Result<()> {
    crate::report::write_section(path, section, replace_section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_goes_after_the_phone_and_replaces_only_itself() {
        let doc = "# B\n\n## Results\n\nr\n\n## Phone\n\np\n\n## Wasm\n\nw\n";
        let once = replace_section(doc, &format!("{HEADING}\n\nfirst\n"));
        assert_eq!(
            once,
            format!(
                "# B\n\n## Results\n\nr\n\n## Phone\n\np\n\n{HEADING}\n\nfirst\n\n## Wasm\n\nw\n"
            )
        );
        let with_phone = once.replace("first\n", &format!("first\n\n{PHONE_HEADING}\n\nphone\n"));
        let twice = replace_section(&with_phone, &format!("{HEADING}\n\nsecond\n"));
        assert_eq!(
            twice,
            format!(
                "# B\n\n## Results\n\nr\n\n## Phone\n\np\n\n{HEADING}\n\nsecond\n\n{PHONE_HEADING}\n\nphone\n\n## Wasm\n\nw\n"
            )
        );
    }

    #[test]
    fn script_bytes_count_every_script_element() {
        let html = "<p>a</p><script>x</script><p>b</p><script type=\"m\">yy</script>";
        assert_eq!(script_bytes(html), 18 + 28);
    }

    #[test]
    fn the_goal_has_an_observation_a_day_per_measure() {
        let first = Date::new(2025, 1, 1).expect("a date");
        let edits = the_goal(first).expect("edits");
        assert_eq!(edits.len(), 7 + 2_190);
        assert_eq!(edits.last().map(|m| m.seq), Some(2_197));
    }
}
