//! The report: figures against their targets as a Markdown table, the machine they were
//! measured on, and the file `--write` produces.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
latency includes the clients' own work and competes with it for CPU.
- The SQLite store runs about two SQL statements per mutation (one outcome row, one change \
row), and sqlx hands each statement to its SQLite worker thread and back. On a virtual \
machine, waking an idle vCPU for each hand-off can cost more than the statement itself, so \
throughput on SQLite moves with unrelated load (busier can be faster) and from run to run: \
compare figures from the same machine, and look at the range in the details.
";

const METHOD: &str = "\
1. **Reconcile throughput.** 20,000 mutations are prepared up front by 8 devices (2 on each of \
4 plans), each device 2,500 edits as a person makes them: nine in ten rewrite an About-me \
field (80–320 characters, `before` = what that device showed), one in ten works a goal through \
(create, three steps, delete; each device keeps at most one goal open). Each device then \
pushes its edits through `Store::sync_push` in batches of 500, all devices at once; the clock \
runs from the first push to the last ack. Every mutation gets exactly one outcome; conflicts \
arise where the two devices on a plan edit the same field. For comparison the same pushes are \
then made one at a time (round-robin over the devices) on a fresh database. Each figure is \
the median of 5 runs, each on a fresh database.
2. **Push latency under load.** A real server (`server::Application` on 127.0.0.1, SQLite in \
WAL mode) and 200 devices over 50 plans (4 per plan). Every device keeps a \
`GET /api/sync/live` stream open and its own keep-alive connection for requests; every \
1–3 s (uniformly random, ≈100 pushes/s in all) it makes 1–3 About-me edits and pushes its \
outbox. Each push pokes the 4 devices watching that plan, which pull (as the app does, \
naming themselves and their latest edit so the server can note complete syncs), so the \
server also answers ≈400 pulls/s. The figure is the time from sending a push to reading \
its answer, over every push in the timed window.
3. **Edit-to-other-device propagation.** Device A pushes one edit; device B, subscribed to \
the live stream, receives `changed`, pulls, and finds A's edit in what it pulled. The clock \
runs from A starting its push to B's pull completing; 200 samples after 10 warm-up ones, 20 ms \
apart. On PostgreSQL, A talks to one `Application` and B to another over the same database, \
so the poke travels through `LISTEN/NOTIFY` (both run in this process, each with its own pool \
and listener).
4. **Catch-up.** A device goes offline at version *v* and makes 1,000 edits (the same mix as \
in 1). Meanwhile another device pushes 1,000 edits to the same plan. The clock runs from the \
offline device reconnecting: it pushes its outbox in batches of `MAX_PUSH_BATCH` (500), takes \
the acks, and pulls until its cursor reaches the server's version (pulls return at most \
`MAX_PULL_CHANGES` each, so this takes more than one). Afterwards its view must equal \
`Store::plan` and its outbox must be empty.
5. **Browser storage per plan.** The device keeps, per plan, `serde_json` of its `Replica` \
(confirmed plan, outbox, conflicts needing attention) in IndexedDB. A heavy plan is \
built with domain ops through an `Authority`: two years of history with 50 goals worked \
through and deleted (6 steps each, tombstoned with their steps), 3 active goals of 10 steps, \
24 monthly reviews whose notes were written over 10 sittings each (one rewriting a sentence), \
8 strengths near their 200-character limit, and all five About-me texts within 150 \
characters of their 4,000-character limit. The replica carries one unsettled About-me \
conflict and 20 pending edits (2 About-me rewrites, 8 steps ticked, 6 step texts, 3 new \
steps, 1 goal reworded). Bytes are counted as 2 × the UTF-16 length of the JSON (keys of a \
few dozen characters are left out) and checked against a 50 MiB budget, far below the \
IndexedDB allowance of current browsers (Chrome and Edge: up to 60% of the disk; Firefox: \
10% of the disk up to 10 GiB; Safari 17+: up to 60% of the disk). The same figure against \
localStorage's 5 MiB shows why Circle does not keep plans there.
";
