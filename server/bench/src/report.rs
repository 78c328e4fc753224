//! The report: figures against their targets as a Markdown table, the machine they were
//! measured on, and the file `--write` produces.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// How a figure compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Measured for information; no target.
    Info,
    /// Not measured (e.g. no PostgreSQL); the reason is in the result column.
    Skipped,
}

impl Verdict {
    pub fn of(pass: bool) -> Self {
        if pass { Verdict::Pass } else { Verdict::Fail }
    }

    fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "**FAIL**",
            Verdict::Info => "—",
            Verdict::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub number: u8,
    pub measure: String,
    pub backend: String,
    pub result: String,
    pub target: String,
    pub verdict: Verdict,
}

#[derive(Debug, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Details behind the figures, one line each, by measure number.
    pub notes: Vec<(u8, String)>,
}

impl Report {
    pub fn row(
        &mut self,
        number: u8,
        measure: &str,
        backend: &str,
        result: String,
        target: &str,
        verdict: Verdict,
    ) {
        self.rows.push(Row {
            number,
            measure: measure.to_owned(),
            backend: backend.to_owned(),
            result,
            target: target.to_owned(),
            verdict,
        });
    }

    pub fn note(&mut self, number: u8, text: String) {
        self.notes.push((number, text));
    }

    pub fn table(&self) -> String {
        let mut out = String::from(
            "| # | Measure | Backend | Result | Target | Verdict |\n|---|---|---|---|---|---|\n",
        );
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.number);
        for r in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                r.number,
                r.measure,
                r.backend,
                r.result,
                r.target,
                r.verdict.label()
            );
        }
        out
    }

    pub fn notes_markdown(&self) -> String {
        let mut numbers: Vec<u8> = self.notes.iter().map(|(n, _)| *n).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut out = String::new();
        for n in numbers {
            let _ = writeln!(out, "{n}.");
            for (_, text) in self.notes.iter().filter(|(m, _)| *m == n) {
                let _ = writeln!(out, "   - {text}");
            }
        }
        out
    }

    pub fn failures(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .count()
    }
}

/// The machine and toolchain the figures were measured on.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    pub load_at_start: String,
    pub load_at_end: String,
    pub temp_fs: String,
    pub sqlite: String,
    pub postgres: String,
    pub date: String,
}

impl Machine {
    pub fn probe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|rest| rest.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let processors = cpuinfo
            .lines()
            .filter(|l| l.starts_with("processor"))
            .count();
        let virtualised = cpuinfo
            .lines()
            .filter(|l| l.starts_with("flags"))
            .any(|l| l.split_whitespace().any(|f| f == "hypervisor"));
        let cpu = if virtualised {
            format!("{cpu} (virtual machine)")
        } else {
            cpu
        };
        let cores = if processors > 0 {
            processors
        } else {
            std::thread::available_parallelism().map_or(0, usize::from)
        };
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines().find_map(|l| {
                    l.strip_prefix("MemTotal:")
                        .and_then(|v| v.split_whitespace().next())
                        .and_then(|kb| kb.parse::<f64>().ok())
                })
            })
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
            );
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".to_owned(), |k| format!("Linux {}", k.trim()));
        let rustc = std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or_else(
                || "unknown (rustc --version failed)".to_owned(),
                |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
            );
        Self {
            cpu,
            cores,
            memory,
            kernel,
            rustc,
            load_at_start: load_average(),
            load_at_end: String::new(),
            temp_fs: temp_dir_filesystem(),
            sqlite: "unknown".to_owned(),
            postgres: "not measured".to_owned(),
            date: utc_now(),
        }
    }

    pub fn markdown(&self) -> String {
        format!(
            "- Date: {}\n- CPU: {} × {}\n- Memory: {}\n- OS: {}\n\
             - Toolchain: {}, release profile\n- SQLite {} (bundled with sqlx); temp directory on {}\n\
             - PostgreSQL: {}\n- Load average (1/5/15 min) when the run started: {}; when it ended: {}\n",
            self.date,
            self.cores,
            self.cpu,
            self.memory,
            self.kernel,
            self.rustc,
            self.sqlite,
            self.temp_fs,
            self.postgres,
            self.load_at_start,
            self.load_at_end,
        )
    }
}

/// The 1, 5 and 15 minute load averages: above the core count, other work shared the CPU.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The filesystem type under the temp directory (where the SQLite files live): a tmpfs and a
/// disk give very different write figures.
fn temp_dir_filesystem() -> String {
    let dir = std::env::temp_dir();
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_, point, fs) = (parts.next()?, parts.next()?, parts.next()?);
            dir.starts_with(point)
                .then(|| (point.len(), format!("{fs} ({point})")))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown filesystem".to_owned(), |(_, fs)| fs)
}

/// Now, as people read it ("23 Nov 2026, 07:37 UTC"), by the domain's one formatter.
fn utc_now() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    domain::calendar::london_label_with_zone(ms)
}

/// The `p`th percentile (nearest rank) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1_000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// `12345.6` as `12,346`.
pub fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Markdown file `--write` produces.
/// Where the sections written by other benchmarks (`end2end/bench/phone.mjs`) begin.
pub const OTHER_SECTIONS: &str = "\n## Phone\n";

pub fn document(command: &str, machine: &Machine, report: &Report, note: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str(
        "# Benchmarks\n\n\
         How fast Circle's sync is, measured by the `bench` crate (`server/bench`, a binary: \
         timings are reported, never asserted in tests). This file is written by the bench \
         itself; re-run it rather than editing the figures by hand:\n\n",
    );
    let _ = writeln!(out, "```sh\n{command}\n```\n");
    out.push_str(
        "Options: `--postgres URL` (default: `CIRCLE_TEST_POSTGRES_URL`, else \
         `postgres://postgres@127.0.0.1:5432/test`; the bench creates a scratch database there \
         and drops it afterwards; an unreachable server skips the PostgreSQL figures), \
         `--no-postgres`, `--write PATH`, `--note TEXT` (a remark printed with the machine \
         details).\n\n",
    );
    out.push_str("## Results\n\n");
    out.push_str(&report.table());
    out.push_str("\n## Machine\n\n");
    out.push_str(&machine.markdown());
    if let Some(note) = note {
        let _ = writeln!(out, "- Note: {note}");
    }
    out.push_str(READING);
    out.push_str("\n## Details\n\n");
    out.push_str(&report.notes_markdown());
    out.push_str("\n## Method\n\n");
    out.push_str(METHOD);
    out
}

const READING: &str = "
### Reading these figures

- The load generator and the server(s) run in one process on the same cores, so every \
latency and rate includes the clients' own work and competes with it for CPU.
- On SQLite, pushes queue in process for the one write lock and those that arrive together \
are committed together (group commit, one fsync). sqlx hands every statement to the \
connection's worker thread and back; on a virtual machine, waking an idle vCPU for each \
hand-off can cost more than the statement itself, so figures on SQLite move with unrelated \
load and from run to run: compare figures from the same machine.
";

const METHOD: &str = "\
1. **One edit: a person with two years of records ÷ a new person.** A fresh database (an \
SQLite file in the temp directory, WAL, `synchronous=FULL`; or a scratch PostgreSQL \
database) opened with `store::connect_with(url, Catalog::standard().with(&OBSERVATION))`: \
Circle has no observation kind yet, so the bench declares one (`observation`: `what`, text \
up to 4,000 characters, and `value`, a number, both written once (`Merge::Once`); topic \
Daily living). Two people are imported. One is given two years of records through \
`Store::sync_push`, in batches of at most `MAX_PUSH_BATCH` (500), month by month over 24 \
months: 2,000 observations of 2,000–2,900 characters; 50 goals each given 6 steps (half \
ticked), reworded and archived (achieved, or let go); a monthly review (24 meetings) whose \
notes are typed over 12 sittings of about 450 characters (one rewriting the opening) as Yjs \
updates; About me with 8 strengths, reviewed every other month (12 times, the five texts \
growing to within 150 characters of their 4,000-character limit); then 3 active goals of 10 \
steps; last, an About-me edit from another device made before the last review, which leaves \
one conflict to settle. The bench checks that these records weigh at least 5 MiB as the pull \
API sends them (the figure is in the details). Then the same edit, a new observation of about \
300 characters, alone in its push through `Store::sync_push`, is pushed to each person in \
turn (which of the two goes first alternating): 50 warm-up pushes each, then 1,000 timed \
each. The clock runs around the `sync_push` call, which returns once the edit is durable. \
The figure is heavy ÷ new at p50 and at p99; on SQLite the heavy person's p99 is also \
checked against 20 ms. (The new person holds the 1,050 observations of this run by its end.)
2. **IndexedDB bytes for one edit.** On the same SQLite database, before measure 1, a device \
holding every record of the person (a `Replica`, as the browser holds it) records the same \
kind of short observation. The figure is the sum of the key and value lengths (UTF-8 bytes) \
of the `domain::records::device::Write`s the browser makes for the edit \
(`device::edit_changes`: its outbox entry and the `m.` entry) and for the server's answer \
(`device::queue_changes` after `Replica::on_acks`: the outbox entry written again with the \
version it landed at). The edit really is pushed through `Store::sync_push` to get that \
answer. The writes of the pull that follows (the new record, the outbox entry deleted, `m.`) \
are listed in the details, not counted. Measured for the new person and for the heavy person \
of 1.
3. **Single-edit pushes over HTTP.** A real server (`server::Application` on 127.0.0.1, \
started as `circle serve` starts it, with Circle's own kinds) over a fresh database holding \
the demo accounts and 60 bench people in the demo's Riverside service. Each device is one \
keep-alive connection signed in as the demo registered manager (one session cookie, from \
`POST /auth/sign-in`, shared by all), with its own device id and its own person: eight \
devices push to eight different people, as eight staff phones on shift would. A device pushes \
one About-me rewrite (80–320 characters, `before` = what it last wrote) per \
`POST /api/sync/push`, and sends the next as soon as the answer arrives. After 0.5 s of \
warm-up, the pushes sent during the next 8 s are counted: edits/s is that count ÷ 8 s. Run \
with one device, then eight at once, on SQLite and on PostgreSQL (one server). Where the time \
goes is measured the same way (eight at once, 8 s, same server and database): \
`GET /healthz` without a cookie (HTTP, the middleware, one query) and with the session cookie \
(which also loads the session and the signed-in user, as every request of a device does); \
`POST /api/sync/pull` with nothing new and no device named (and the person, one read; \
nothing written); the same single edits straight into `Store::push` from eight tasks in the \
bench's process, without HTTP; and, also without HTTP, the store calls one HTTP push makes, \
in order (`session`, `actor`, `person`, `claim_device`, `push`). `µs each` is 1 ÷ the rate: \
what one request costs the machine when eight run at once. Last, on a scratch database of \
the same kind beside it and one connection: 2,000 `SELECT 1` through sqlx, and 200 \
transactions each writing one small row and committing durably (SQLite opened as the store \
opens it: WAL, `synchronous=FULL`), each averaged.
4. **Push latency under load.** A real server over SQLite and 200 devices over 50 people (4 \
per person). Every device keeps a `GET /api/sync/live` stream open and its own keep-alive \
connection for requests; every 1–3 s (uniformly random, ≈100 pushes/s in all) it makes 1–3 \
About-me edits on its `Replica` (`before` = what it shows) and pushes every edit waiting. \
Each push pokes the 4 devices following that person, which pull (as the app does, naming \
themselves and their latest edit so the server can note complete syncs), so the server also \
answers ≈400 pulls/s. The figure is the time from sending a push to reading its answer, over \
every push in the 15 s window.
5. **Edit-to-other-device propagation.** Device A pushes one About-me edit; device B, \
subscribed to the live stream, receives `changed`, pulls, and finds A's words in a record it \
pulled. The clock runs from A starting its push to B's pull completing; 200 samples after 10 \
warm-up ones, 20 ms apart; after each, A pulls its own edit back and both must show the same \
records. On PostgreSQL, A talks to one `Application` and B to another over the same database, \
so the poke travels through `LISTEN/NOTIFY` (both run in this process, each with its own pool \
and listener).
6. **Catch-up.** A device goes offline and makes 1,000 edits on its `Replica`: nine in ten \
rewrite an About-me field (80–320 characters, `before` = what it shows), one in ten works a \
goal through (made, given three steps, removed; at most one open per device). Meanwhile \
another device's 1,000 edits of the same mix go in through `Store::sync_push`. The clock runs \
from the offline device reconnecting: it pushes its outbox over HTTP in batches of \
`MAX_PUSH_BATCH` (500), takes the answers, and pulls until it has reached the server's \
version (each pull brings at most `MAX_PULL_RECORDS`, 1,000 records: the latest state of \
each record changed, not every change). Afterwards what it shows must equal \
`Store::records`, its cursor the person's version, and its outbox must be empty.
7. **Browser storage for a heavy record.** The heavy person of 1 (its two years, and the \
observation recorded in 2) as a phone keeps them: a `Replica` holding every record, with 20 edits made offline waiting (2 About-me rewrites near \
the limit, 8 steps ticked, 6 step texts, 3 new steps, 1 goal reworded), written as the \
browser writes a fresh copy (`device::whole_copy`): one IndexedDB entry per record, one per \
waiting edit, and `m.`. The UTF-8 bytes of keys and values are checked against the records \
themselves as the pull API sends them (at most 1.25 times as much: a copy that costs more \
wastes the person's storage). What a device can hold in all is the browser's quota, not a \
figure of Circle's (Chrome and Edge: up to 60% of the disk; Firefox: 10% of the disk up to \
10 GiB; Safari 17+: up to 60% of the disk); when it is full, the copies of other people \
with nothing waiting are dropped (fetched again when opened), and an edit that still cannot be \
kept stays on screen, the person told, until it is sent. The figure for 25 such people (a caseload), counted \
at 2 bytes per UTF-16 unit, is given for scale; this record's observations are made 2,000 \
characters long to reach the 5 MB the issue asks for, far longer than a note written on \
shift. The same figure against localStorage's 5 MiB shows why Circle does not keep records \
there.

Dropped with the single-document plan: *reconcile throughput* (20,000 edits through \
`Store::sync_push` in batches of 500 over 4 plans): batches that large are what a device \
sends only after a long time offline, which 6 measures end to end, while a phone on shift \
sends one edit per push, which 3 measures through the real server. The old storage figure \
(one `Replica` JSON document per plan) no longer describes the device: it now keeps one entry \
per record, counted in 7, and an edit no longer rewrites the copy, counted in 2.
";

/// Writes a section into the file at `path`, put in by `put` (the file as it was, the section).
pub fn write_section(path: &str, section: &str, put: fn(&str, &str) -> String) -> Result<()> {
    let before = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, put(&before, section)).with_context(|| format!("write {path}"))
}
