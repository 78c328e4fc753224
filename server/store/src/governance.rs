//! The governance figures in SQL (`domain::governance`): each figure is a [`Rule`] over one of
//! the report tables the records engine keeps (`report_meeting`, `report_attendance`,
//! `report_action`, `report_disagreement`, `report_referral`, `report_feedback`,
//! `report_observation` with `report_measure`, `report_goal`), the people table (for the
//! service) and the calendar (`calendar_days`, for working days): which records it counts and
//! which met it. The dashboard counts every figure of a table in one pass over it, grouped by
//! service and month in the database ([`counts_sql`]); the list behind one figure reads its
//! records for one service and month ([`records_sql`]). The same SQL runs on SQLite and
//! PostgreSQL: dates are `YYYY-MM-DD` text (compared as text, the month is their first 7
//! characters), and day arithmetic goes through the calendar's numbers.
//!
//! Binds: `$1` the first month's first day, `$2` the day after the last month, `$3` today (in
//! the UK), `$4` now (milliseconds since 1970), then the services.

use domain::governance::{CalendarDay, Count, Counted, Figure, FigureCount, Month};
use domain::{PersonId, ServiceId};

use crate::StoreError;
use crate::accounts::uuid;
use domain::involvement::ADVOCATE_WITHIN_MS;
use domain::reviews::{
    AGENDA_DUE_DAYS_BEFORE, DISAGREEMENT_WORKING_DAYS, FELT_INVOLVED_FROM, SUMMARY_WORKING_DAYS,
};

/// How one figure counts: the rows of `table` (as `x`) whose `day` falls in the months asked
/// for, not removed and `also`; with `joins` (each one clause, its alias meaning the same for
/// every figure of the table, so figures counted together share them), those `counted` holds
/// for are counted, and those `met` holds for met the rule. A record is listed under the id
/// of the record a page shows it with (`anchor`: its own, or its parent's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    table: &'static str,
    day: &'static str,
    also: &'static str,
    joins: Vec<String>,
    counted: String,
    met: String,
    anchor: &'static str,
    /// The other report tables the rule reads, each with the months a change to one of its
    /// rows touches: a `SELECT service_id, month` for the row of person `$1` and id `$2`
    /// (see [`bump_sql`]).
    through: Vec<(&'static str, String)>,
}

/// A meeting counts unless it was cancelled.
const NOT_CANCELLED: &str = "AND COALESCE(x.status, 'planned') <> 'cancelled'";

/// The calendar's row of a record's day (`d`) and of today (`t`).
const DAY_AND_TODAY: [&str; 2] = [
    "JOIN calendar_days d ON d.day = x.{day}",
    "JOIN calendar_days t ON t.day = $3",
];

fn joins(day: &str, more: &[String]) -> Vec<String> {
    DAY_AND_TODAY
        .iter()
        .map(|j| j.replace("{day}", day))
        .chain(more.iter().cloned())
        .collect()
}

/// Something due within `n` working days of `day` and done on `done` (its calendar row as
/// `alias`): met when done on a day whose next working day is at most `n` after `day`'s;
/// counted once done or once those days passed (see `domain::governance::CalendarDay`).
fn within_working_days(
    table: &'static str,
    day: &'static str,
    done: &str,
    alias: &str,
    n: u32,
    also: &'static str,
) -> Rule {
    Rule {
        table,
        day,
        also,
        joins: joins(
            day,
            &[format!(
                "LEFT JOIN calendar_days {alias} ON {alias}.day = x.{done}"
            )],
        ),
        counted: format!("{alias}.day IS NOT NULL OR t.working_from > d.working_upto + {n}"),
        met: format!("{alias}.working_from <= d.working_upto + {n}"),
        anchor: "x.id",
        through: Vec::new(),
    }
}

/// Each figure's rule.
pub(crate) fn rule(figure: Figure) -> Rule {
    match figure {
        // A meeting where family, a friend or an advocate took part in any way; counted once
        // its day has passed. Who took part is looked for under the meeting's person and id
        // (so no one's record counts for another): PostgreSQL hashes it as a semi-join over
        // one scan, SQLite finds it in [`TAKING_PART_INDEX`] alone.
        Figure::Participation => Rule {
            table: "report_meeting",
            day: "starts_at_day",
            also: NOT_CANCELLED,
            joins: Vec::new(),
            counted: "x.starts_at_day < $3".to_owned(),
            met: "EXISTS (SELECT 1 FROM report_attendance w WHERE w.person_id = x.person_id \
                  AND w.parent_id = x.id AND w.deleted = 0 \
                  AND w.taking_part_as IN ('family', 'advocate') AND w.how IS NOT NULL)"
                .to_owned(),
            anchor: "x.id",
            // Who took part counts in their meeting's month.
            through: vec![(
                "report_attendance",
                "SELECT p.service_id AS service_id, substr(m.starts_at_day, 1, 7) AS month \
                 FROM report_attendance w JOIN report_meeting m ON m.person_id = w.person_id \
                 AND m.id = w.parent_id JOIN people p ON p.id = w.person_id \
                 WHERE w.person_id = $1 AND w.id = $2"
                    .to_owned(),
            )],
        },
        // A meeting's summary, within 5 working days of the meeting.
        Figure::Summaries => within_working_days(
            "report_meeting",
            "starts_at_day",
            "summary_sent_on",
            "s",
            SUMMARY_WORKING_DAYS,
            NOT_CANCELLED,
        ),
        // A meeting's agenda: on time when sent at least 3 calendar days before; counted once
        // sent or once fewer than 3 days were left.
        Figure::Agendas => Rule {
            table: "report_meeting",
            day: "starts_at_day",
            also: NOT_CANCELLED,
            joins: joins(
                "starts_at_day",
                &["LEFT JOIN calendar_days a ON a.day = x.agenda_sent_on".to_owned()],
            ),
            counted: format!(
                "a.day IS NOT NULL OR t.epoch_day > d.epoch_day - {AGENDA_DUE_DAYS_BEFORE}"
            ),
            met: format!("a.epoch_day <= d.epoch_day - {AGENDA_DUE_DAYS_BEFORE}"),
            anchor: "x.id",
            through: Vec::new(),
        },
        // An action: done on or before its due date; counted once done or once past due.
        Figure::Actions => Rule {
            table: "report_action",
            day: "due_on",
            also: "",
            joins: Vec::new(),
            counted: "x.done_on IS NOT NULL OR x.due_on < $3".to_owned(),
            met: "x.done_on IS NOT NULL AND x.done_on <= x.due_on".to_owned(),
            anchor: "x.id",
            through: Vec::new(),
        },
        // A disagreement, resolved within 20 working days of being raised.
        Figure::Disagreements => within_working_days(
            "report_disagreement",
            "raised_on",
            "resolved_on",
            "r",
            DISAGREEMENT_WORKING_DAYS,
            "",
        ),
        // An advocacy referral: the advocate engaged within 48 hours of the trigger; counted
        // once engaged or once those hours have passed.
        Figure::Advocates => Rule {
            table: "report_referral",
            day: "arose_at_day",
            also: "AND x.arose_at IS NOT NULL",
            joins: Vec::new(),
            counted: format!("x.engaged_at IS NOT NULL OR x.arose_at + {ADVOCATE_WITHIN_MS} < $4"),
            met: format!(
                "x.engaged_at IS NOT NULL AND x.engaged_at <= x.arose_at + {ADVOCATE_WITHIN_MS}"
            ),
            anchor: "x.id",
            through: Vec::new(),
        },
        // An answer to "I feel involved", by whose it is: met with a face from "mostly" up.
        Figure::FeltInvolved => felt_involved("person"),
        Figure::CircleFeltInvolved => felt_involved("member"),
        // A count of a measure against where it started.
        Figure::Prompts => against_baseline("prompts", "<"),
        Figure::Ratios => against_baseline("ratio", "<"),
        Figure::Completions => against_baseline("completions", ">"),
        // A goal finished (its status and the day it changed recorded): met when achieved.
        Figure::Goals => Rule {
            table: "report_goal",
            day: "status_on",
            also: "AND x.status IN ('achieved', 'paused', 'let_go')",
            joins: Vec::new(),
            counted: "1 = 1".to_owned(),
            met: "x.status = 'achieved'".to_owned(),
            anchor: "x.id",
            through: Vec::new(),
        },
    }
}

/// The answers to "I feel involved" given in `voice`, shown with their meeting.
fn felt_involved(voice: &str) -> Rule {
    Rule {
        table: "report_feedback",
        day: "answered_on",
        also: "",
        joins: Vec::new(),
        counted: format!("x.voice = '{voice}'"),
        met: format!("x.score >= {FELT_INVOLVED_FROM}"),
        anchor: "x.parent_id",
        through: Vec::new(),
    }
}

/// The counts of measures of type `measure` with a baseline, met when the count is `better`
/// (`<` or `>`) than it; shown with their measure.
fn against_baseline(measure: &str, better: &str) -> Rule {
    Rule {
        table: "report_observation",
        day: "observed_on",
        also: "",
        joins: vec![
            "JOIN report_measure m ON m.person_id = x.person_id AND m.id = x.parent_id \
             AND m.deleted = 0"
                .to_owned(),
        ],
        counted: format!("m.measure = '{measure}' AND m.baseline IS NOT NULL"),
        met: format!("x.value {better} m.baseline"),
        anchor: "x.parent_id",
        // A measure's type and baseline count in the month of each of its counts.
        through: vec![(
            "report_measure",
            "SELECT p.service_id AS service_id, substr(o.observed_on, 1, 7) AS month \
             FROM report_observation o JOIN people p ON p.id = o.person_id \
             WHERE o.person_id = $1 AND o.parent_id = $2"
                .to_owned(),
        )],
    }
}

/// Who took part in a meeting, by the meeting's person and id, with every column the
/// participation rule asks of them, so that on SQLite the rule reads the index and never the
/// table (measured: a scan listing every attendance took about 90 ms of a year's meetings pass
/// across three services; looked up here, about 35 ms a service).
const TAKING_PART_INDEX: &str = "CREATE INDEX IF NOT EXISTS report_attendance_taking_part \
    ON report_attendance (person_id, parent_id, deleted, taking_part_as, how)";

/// The indexes SQLite reads the passes by, made at every start (`IF NOT EXISTS`, after the
/// report tables): each pass's table by person and day, so that a service's people lead to
/// their rows of the months asked for and no others, and [`TAKING_PART_INDEX`]. PostgreSQL
/// counts each pass by hashing its joins over one scan of the table and needs neither.
pub(crate) fn sqlite_indexes() -> Vec<String> {
    let mut indexes = pass_indexes("by", "person_id, ");
    indexes.push(TAKING_PART_INDEX.to_owned());
    indexes
}

/// `CREATE INDEX IF NOT EXISTS <table>_<infix>_<day> ON <table> (<leading><day>)` for each
/// pass's table and day.
fn pass_indexes(infix: &str, leading: &str) -> Vec<String> {
    passes()
        .into_iter()
        .map(|figures| {
            let r = rule(figures[0]);
            format!(
                "CREATE INDEX IF NOT EXISTS {t}_{infix}_{d} ON {t} ({leading}{d})",
                t = r.table,
                d = r.day
            )
        })
        .collect()
}

/// The indexes PostgreSQL reads the passes by, made at every start (`IF NOT EXISTS`): each
/// pass's table by its day, so that the months still changing (the settled ones being kept)
/// are read from the index rather than by scanning every row of two years.
pub(crate) fn postgres_indexes() -> Vec<String> {
    pass_indexes("on", "")
}

/// The figures in groups counted in one pass: those over the same rows (table, day and
/// `also`), in [`Figure::ALL`]'s order.
pub(crate) fn passes() -> Vec<Vec<Figure>> {
    let mut passes: Vec<Vec<Figure>> = Vec::new();
    for figure in Figure::ALL {
        let r = rule(figure);
        let same = |f: &Figure| {
            let o = rule(*f);
            (o.table, o.day, o.also) == (r.table, r.day, r.also)
        };
        match passes.iter_mut().find(|p| p.first().is_some_and(same)) {
            Some(pass) => pass.push(figure),
            None => passes.push(vec![figure]),
        }
    }
    passes
}

// Kept figures. A settled month's figures (`Month::settled_on`) change only when what they
// are counted from changes, so each service's are kept once counted (`governance_cells`,
// `governance_cell_counts`) and a dashboard counts again only the months still changing and
// any kept month marked out of date. A cell is marked (its `stamp` goes up) in the same
// transaction as the change: by the records engine for each record written whose report row
// a rule reads ([`bump_sql`], before and after its row changes, for the months of both), by a
// person's move to another service ([`BUMP_ON_MOVE`]) and, for every cell, at each start
// ([`BUMP_ALL`]: the rules, the calendar or the report tables may have changed). A count is
// kept with the stamp read *before* it was counted ([`FILL_CELL`] keeps it only if the stamp
// is still that), so a change that commits while it is counted leaves it out of date, never
// kept as current.

/// The months a change to one row of `table` (person `$1`, id `$2`) touches: those of each
/// rule counting that table's rows by their own day, and those each rule reading it
/// `through` another says.
fn touches(table: &str) -> Vec<String> {
    let mut selects: Vec<String> = Vec::new();
    for figure in Figure::ALL {
        let r = rule(figure);
        let mut mine = r
            .through
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, sql)| sql.clone())
            .collect::<Vec<_>>();
        if r.table == table {
            mine.push(format!(
                "SELECT p.service_id AS service_id, substr(x.{day}, 1, 7) AS month \
                 FROM {table} x JOIN people p ON p.id = x.person_id \
                 WHERE x.person_id = $1 AND x.id = $2",
                day = r.day
            ));
        }
        for sql in mine {
            if !selects.contains(&sql) {
                selects.push(sql);
            }
        }
    }
    selects
}

/// For a record whose report row is in `table`: the statement that marks out of date the
/// kept months its row touches, for person `$1`, record `$2`, months up to `$3` (those a
/// change on this day must mark: `Month::kept_on`). Run before the row changes and after, it
/// marks the months of the row as it was and as it is. None when no rule reads the table.
/// Made once from the rules for each report table they read: the records engine asks for each
/// record it writes.
pub(crate) fn bump_sql(table: &str) -> Option<&'static str> {
    static BUMPS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    BUMPS
        .get_or_init(|| {
            let mut tables: Vec<String> = Vec::new();
            for r in Figure::ALL.into_iter().map(rule) {
                let read = std::iter::once(r.table).chain(r.through.iter().map(|(t, _)| *t));
                for t in read {
                    if !tables.iter().any(|k| k == t) {
                        tables.push(t.to_owned());
                    }
                }
            }
            tables
                .into_iter()
                .map(|t| {
                    let sql = format!(
                        "INSERT INTO governance_cells (service_id, month, stamp) \
                         SELECT DISTINCT service_id, month, 1 FROM ({}) touched \
                         WHERE month IS NOT NULL AND month <= $3 \
                         ON CONFLICT (service_id, month) DO UPDATE SET stamp = governance_cells.stamp + 1",
                        touches(&t).join(" UNION ")
                    );
                    (t, sql)
                })
                .collect()
        })
        .iter()
        .find(|(t, _)| t == table)
        .map(|(_, sql)| sql.as_str())
}

/// Every kept month out of date (at each start).
pub(crate) const BUMP_ALL: &str = "UPDATE governance_cells SET stamp = stamp + 1";

/// Before person `$1` is given service `$2`: the kept months of the service they leave and of
/// the one they join are out of date (nothing when they are new or stay).
pub(crate) const BUMP_ON_MOVE: &str = "UPDATE governance_cells SET stamp = stamp + 1 \
    WHERE service_id IN (SELECT service_id FROM people WHERE id = $1 AND service_id <> $2) \
    OR (service_id = $2 AND EXISTS (SELECT 1 FROM people WHERE id = $1 AND service_id <> $2))";

/// A cell's counts kept at stamp `$3`, if its stamp is still that: one row affected when kept.
pub(crate) const FILL_CELL: &str = "INSERT INTO governance_cells \
    (service_id, month, stamp, filled) VALUES ($1, $2, $3, $3) \
    ON CONFLICT (service_id, month) DO UPDATE SET filled = excluded.filled \
    WHERE governance_cells.stamp = excluded.stamp";

pub(crate) const DELETE_CELL_COUNTS: &str =
    "DELETE FROM governance_cell_counts WHERE service_id = $1 AND month = $2";

/// The insert of `n` counts of one cell (`$1` service, `$2` month; then figure, met and
/// counted of each).
pub(crate) fn insert_cell_counts_sql(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!("($1, $2, ${}, ${}, ${})", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i))
        .collect();
    format!(
        "INSERT INTO governance_cell_counts (service_id, month, figure, met, counted) VALUES {}",
        rows.join(", ")
    )
}

/// The cells of the months `$1` to `$2` (inclusive) of the `n` services bound from `$3` on,
/// each with its counts: service, month, stamp, filled, then figure, met and counted (none
/// for a cell with nothing counted).
pub(crate) fn kept_sql(n: usize) -> String {
    let services: Vec<String> = (3..3 + n).map(|i| format!("${i}")).collect();
    format!(
        "SELECT c.service_id, c.month, c.stamp, c.filled, k.figure, k.met, k.counted \
         FROM governance_cells c LEFT JOIN governance_cell_counts k \
         ON k.service_id = c.service_id AND k.month = c.month \
         WHERE c.month >= $1 AND c.month <= $2 AND c.service_id IN ({})",
        services.join(", ")
    )
}

/// A row of [`kept_sql`].
pub(crate) type KeptRow = (
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// A cell to count again: its service and month, and the stamp it was read at (0 for one
/// never marked nor kept).
pub(crate) type Stale = (ServiceId, Month, i64);

/// From the cells read for `settled` (settled months) of `services`: the counts still kept,
/// and the cells to count again.
pub(crate) fn kept_from_rows(
    rows: Vec<KeptRow>,
    services: &[ServiceId],
    settled: &[Month],
) -> Result<(Vec<FigureCount>, Vec<Stale>), StoreError> {
    use std::collections::HashMap;
    let mut cells: HashMap<(ServiceId, Month), (i64, bool, Vec<FigureCount>)> = HashMap::new();
    for (service, month, stamp, filled, figure, met, counted) in rows {
        let service = ServiceId(uuid("governance_cells.service_id", &service)?);
        let month: Month = month.parse().map_err(StoreError::Corrupt)?;
        let cell = cells
            .entry((service, month))
            .or_insert_with(|| (stamp, filled == Some(stamp), Vec::new()));
        if let (Some(figure), Some(met), Some(counted)) = (figure, met, counted) {
            let figure = Figure::of(&figure)
                .ok_or_else(|| StoreError::Corrupt(format!("no such figure: {figure}")))?;
            cell.2.push(FigureCount {
                service,
                month,
                figure,
                count: Count {
                    met: u64::try_from(met).unwrap_or(0),
                    counted: u64::try_from(counted).unwrap_or(0),
                },
            });
        }
    }
    let mut kept = Vec::new();
    let mut stale = Vec::new();
    for service in services {
        for month in settled {
            match cells.remove(&(*service, *month)) {
                Some((_, true, counts)) => kept.extend(counts),
                Some((stamp, false, _)) => stale.push((*service, *month, stamp)),
                None => stale.push((*service, *month, 0)),
            }
        }
    }
    Ok((kept, stale))
}

/// The months from `from` to `to`, inclusive (none when `to` is before `from`).
pub(crate) fn months(from: Month, to: Month) -> Vec<Month> {
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        months.push(m);
        m = m.next();
    }
    months
}

/// What to count for the cells out of date: their services, over the months from the first to
/// the last (the cells between that are kept are counted too, and not used).
pub(crate) fn stale_range(stale: &[Stale]) -> Option<(Vec<ServiceId>, Month, Month)> {
    let first = stale.iter().map(|s| s.1).min()?;
    let last = stale.iter().map(|s| s.1).max()?;
    let mut services: Vec<ServiceId> = stale.iter().map(|s| s.0).collect();
    services.sort();
    services.dedup();
    Some((services, first, last))
}

/// `FROM … WHERE …` of the rows `rules` (all over the same rows) look at: their joins once
/// each, the months asked for, and the services `services` (an SQL list of placeholders).
fn rows_of(rules: &[Rule], services: &str) -> String {
    let first = &rules[0];
    let mut joins: Vec<&str> = Vec::new();
    for j in rules.iter().flat_map(|r| r.joins.iter()) {
        if !joins.contains(&j.as_str()) {
            joins.push(j);
        }
    }
    format!(
        "FROM {table} x JOIN people p ON p.id = x.person_id {joins} \
         WHERE x.deleted = 0 {also} AND x.{day} >= $1 AND x.{day} < $2 \
         AND p.service_id IN ({services})",
        table = first.table,
        day = first.day,
        also = first.also,
        joins = joins.join(" "),
    )
}

/// `$5…`: a placeholder for each of `n` services, from `$5` on.
fn services_in(n: usize) -> String {
    (5..5 + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One pass over the rows `figures` count (see [`passes`]), for the `n` services bound from
/// `$5` on: per service and month, then for each figure in order, met and counted.
pub(crate) fn counts_sql(figures: &[Figure], n: usize) -> String {
    let rules: Vec<Rule> = figures.iter().map(|f| rule(*f)).collect();
    let sums: Vec<String> = rules
        .iter()
        .map(|r| {
            format!(
                "SUM(CASE WHEN ({c}) AND ({m}) THEN 1 ELSE 0 END), \
                 SUM(CASE WHEN ({c}) THEN 1 ELSE 0 END)",
                c = r.counted,
                m = r.met
            )
        })
        .collect();
    let day = rules[0].day;
    format!(
        "SELECT p.service_id, substr(x.{day}, 1, 7), {} {} \
         GROUP BY p.service_id, substr(x.{day}, 1, 7)",
        sums.join(", "),
        rows_of(&rules, &services_in(n))
    )
}

/// The records behind one figure, for one service (`$5`): who, which, the day, and met.
pub(crate) fn records_sql(figure: Figure) -> String {
    let r = rule(figure);
    format!(
        "SELECT x.person_id, p.name, {anchor}, x.{day}, \
         CAST(CASE WHEN {met} THEN 1 ELSE 0 END AS BIGINT) {rows} AND ({counted}) \
         ORDER BY x.{day}, p.name, x.id",
        anchor = r.anchor,
        day = r.day,
        met = r.met,
        counted = r.counted,
        rows = rows_of(std::slice::from_ref(&r), "$5"),
    )
}

/// A manager's score of the self-score grid, replacing any earlier one of the same service,
/// quarter and dimension.
pub(crate) const UPSERT_GRID_SCORE: &str = "INSERT INTO grid_scores \
    (service_id, quarter, dimension, score, evidence, scored_by, scored_by_name, scored_ms) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
    ON CONFLICT (service_id, quarter, dimension) DO UPDATE SET score = excluded.score, \
    evidence = excluded.evidence, scored_by = excluded.scored_by, \
    scored_by_name = excluded.scored_by_name, scored_ms = excluded.scored_ms";

/// The scores of one service (`$1`) in the quarters bound from `$2` on.
pub(crate) fn grid_scores_sql(quarters: usize) -> String {
    let list: Vec<String> = (2..2 + quarters).map(|i| format!("${i}")).collect();
    format!(
        "SELECT quarter, dimension, score, evidence, scored_by_name, scored_ms FROM grid_scores \
         WHERE service_id = $1 AND quarter IN ({}) ORDER BY quarter, dimension",
        list.join(", ")
    )
}

pub(crate) fn grid_score_from_row(
    (quarter, dimension, score, evidence, by_name, at_ms): (
        String,
        String,
        i64,
        String,
        String,
        i64,
    ),
) -> Result<domain::governance::grid::ManualScore, StoreError> {
    Ok(domain::governance::grid::ManualScore {
        quarter: quarter.parse().map_err(StoreError::Corrupt)?,
        dimension: domain::governance::grid::Dimension::of(&dimension)
            .ok_or_else(|| StoreError::Corrupt(format!("no such dimension: {dimension}")))?,
        score: u8::try_from(score)
            .ok()
            .filter(|s| *s <= 2)
            .ok_or_else(|| StoreError::Corrupt(format!("a score of {score}")))?,
        evidence,
        by_name,
        at_ms,
    })
}

/// A case-sampling draw as kept: service, quarter, seed, candidates, drawn, by, when.
pub(crate) type DrawRow = (String, String, String, String, String, String, i64);

/// The draws of one service (`$1`), newest quarter first.
pub(crate) const CASE_DRAWS: &str = "SELECT service_id, quarter, seed, candidates, drawn, \
    drawn_by_name, drawn_ms FROM case_draws WHERE service_id = $1 ORDER BY quarter DESC";

/// The draw of one service (`$1`) and quarter (`$2`).
pub(crate) const CASE_DRAW: &str = "SELECT service_id, quarter, seed, candidates, drawn, \
    drawn_by_name, drawn_ms FROM case_draws WHERE service_id = $1 AND quarter = $2";

/// A draw, unless the service already has one for the quarter.
pub(crate) const INSERT_DRAW: &str = "INSERT INTO case_draws \
    (service_id, quarter, seed, candidates, drawn, drawn_by, drawn_by_name, drawn_ms) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (service_id, quarter) DO NOTHING";

/// Findings of a case, replacing any earlier ones of the same service, quarter and person.
pub(crate) const UPSERT_FINDING: &str = "INSERT INTO case_findings \
    (service_id, quarter, person_id, findings, actions, recorded_by, recorded_by_name, \
    recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
    ON CONFLICT (service_id, quarter, person_id) DO UPDATE SET findings = excluded.findings, \
    actions = excluded.actions, recorded_by = excluded.recorded_by, \
    recorded_by_name = excluded.recorded_by_name, recorded_ms = excluded.recorded_ms";

/// Findings as kept: quarter, person, findings, actions, by, when.
pub(crate) type FindingRow = (String, String, String, String, String, i64);

/// The findings of one service (`$1`), newest quarter first.
pub(crate) const CASE_FINDINGS: &str = "SELECT quarter, person_id, findings, actions, \
    recorded_by_name, recorded_ms FROM case_findings WHERE service_id = $1 \
    ORDER BY quarter DESC, person_id";

/// People's ids as kept in a draw: in order, separated by spaces.
pub(crate) fn id_list(people: &[PersonId]) -> String {
    people
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn ids_from(column: &str, list: &str) -> Result<Vec<PersonId>, StoreError> {
    list.split_whitespace()
        .map(|id| uuid(column, id).map(PersonId))
        .collect()
}

fn quarter_from(quarter: &str) -> Result<domain::governance::grid::Quarter, StoreError> {
    quarter.parse().map_err(StoreError::Corrupt)
}

pub(crate) fn draw_from_row(
    (service, quarter, seed, candidates, drawn, by_name, at_ms): DrawRow,
) -> Result<domain::governance::sampling::Draw, StoreError> {
    Ok(domain::governance::sampling::Draw {
        service: domain::ServiceId(uuid("case_draws.service_id", &service)?),
        quarter: quarter_from(&quarter)?,
        seed: u64::from_str_radix(&seed, 16)
            .map_err(|_| StoreError::Corrupt(format!("not a seed: {seed}")))?,
        candidates: ids_from("case_draws.candidates", &candidates)?,
        drawn: ids_from("case_draws.drawn", &drawn)?,
        by_name,
        at_ms,
    })
}

pub(crate) fn finding_from_row(
    (quarter, person, findings, actions, by_name, at_ms): FindingRow,
) -> Result<domain::governance::sampling::Finding, StoreError> {
    Ok(domain::governance::sampling::Finding {
        quarter: quarter_from(&quarter)?,
        person: PersonId(uuid("case_findings.person_id", &person)?),
        findings,
        actions,
        by_name,
        at_ms,
    })
}

/// The calendar's rows as one `INSERT` each of at most 1,000 (the values are numbers and dates
/// Circle makes, written as literals).
pub(crate) fn insert_calendar_sql(days: &[CalendarDay]) -> Vec<String> {
    days.chunks(1000)
        .map(|chunk| {
            let rows: Vec<String> = chunk
                .iter()
                .map(|d| {
                    format!(
                        "('{}', {}, {}, {})",
                        d.day, d.epoch_day, d.working_upto, d.working_from
                    )
                })
                .collect();
            format!(
                "INSERT INTO calendar_days (day, epoch_day, working_upto, working_from) VALUES {}",
                rows.join(", ")
            )
        })
        .collect()
}

/// The day `now_ms` falls on in the UK.
pub(crate) fn day(now_ms: i64) -> Result<domain::calendar::Date, StoreError> {
    domain::calendar::Date::of_ms_in_london(now_ms)
        .ok_or_else(|| StoreError::Corrupt(format!("no day for the moment {now_ms}")))
}

/// `$3`: the day `now_ms` falls on in the UK.
pub(crate) fn today(now_ms: i64) -> Result<String, StoreError> {
    day(now_ms).map(|d| d.to_string())
}

/// `$1` and `$2`: the first day of `from` and the first day after `to`.
pub(crate) fn bounds(from: Month, to: Month) -> Result<(String, String), StoreError> {
    let day = |m: Month| {
        m.first_day()
            .map(|d| d.to_string())
            .ok_or_else(|| StoreError::Corrupt(format!("no such month: {m}")))
    };
    Ok((day(from)?, day(to.next())?))
}

pub(crate) fn counted_from_row(
    (person, name, id, day, met): (String, String, String, String, i64),
) -> Result<Counted, StoreError> {
    Ok(Counted {
        person: PersonId(uuid("records.person_id", &person)?),
        person_name: name,
        id: uuid("records.id", &id)?,
        day: day
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("not a date: {day}")))?,
        met: met == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_over_the_same_rows_are_counted_in_one_pass_and_every_figure_in_one() {
        assert_eq!(
            passes(),
            vec![
                vec![Figure::Participation, Figure::Summaries, Figure::Agendas],
                vec![Figure::Actions],
                vec![Figure::FeltInvolved, Figure::CircleFeltInvolved],
                vec![Figure::Prompts, Figure::Ratios, Figure::Completions],
                vec![Figure::Goals],
                vec![Figure::Disagreements],
                vec![Figure::Advocates],
            ]
        );
    }

    #[test]
    fn a_pass_names_each_calendar_row_once_and_each_figure_its_two_sums() {
        let sql = counts_sql(&[Figure::Summaries, Figure::Agendas], 2);
        assert_eq!(sql.matches("JOIN calendar_days d ").count(), 1);
        assert_eq!(sql.matches("JOIN calendar_days t ").count(), 1);
        assert_eq!(sql.matches("SUM(").count(), 4);
        assert!(sql.contains("p.service_id IN ($5, $6)"));
    }

    /// The report tables named in `sql`.
    fn tables_in(sql: &str) -> Vec<String> {
        sql.match_indices("report_")
            .map(|(i, _)| {
                sql[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_report_table_a_rule_reads_marks_the_kept_months_a_change_to_it_touches() {
        for figure in Figure::ALL {
            let r = rule(figure);
            let read = r.joins.join(" ") + " " + &r.counted + " " + &r.met;
            for table in tables_in(&read).into_iter().chain([r.table.to_owned()]) {
                let bump = bump_sql(&table).unwrap_or_else(|| panic!("{figure:?}: {table}"));
                let own = table == r.table;
                let through = r
                    .through
                    .iter()
                    .any(|(t, sql)| *t == table && bump.contains(sql));
                assert!(
                    own || through,
                    "{figure:?} reads {table} and nothing marks it"
                );
            }
        }
        assert!(bump_sql("report_about_me").is_none());
        // Who took part counts in the meeting's month; a measure's baseline in its counts'.
        let attendance = bump_sql("report_attendance").expect("attendance");
        assert!(attendance.contains("substr(m.starts_at_day, 1, 7)"));
        let measure = bump_sql("report_measure").expect("measure");
        assert!(measure.contains("o.parent_id = $2"));
        assert!(measure.contains("month <= $3"));
    }

    fn service(n: u128) -> ServiceId {
        ServiceId(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_cell_is_used_only_while_its_counts_are_of_its_stamp_and_a_missing_one_is_counted() {
        let (a, b) = (service(1), service(2));
        let settled: Vec<Month> = ["2026-07", "2026-08"]
            .iter()
            .map(|m| m.parse().expect("month"))
            .collect();
        let row = |s: ServiceId, m: &str, stamp, filled, figure: Option<&str>| -> KeptRow {
            (
                s.to_string(),
                m.to_owned(),
                stamp,
                filled,
                figure.map(str::to_owned),
                figure.map(|_| 3),
                figure.map(|_| 4),
            )
        };
        let rows = vec![
            row(a, "2026-07", 2, Some(2), Some("summaries")),
            row(a, "2026-07", 2, Some(2), Some("actions")),
            row(a, "2026-08", 5, Some(4), Some("summaries")),
            row(b, "2026-07", 1, Some(1), None),
        ];
        let (kept, stale) = kept_from_rows(rows, &[a, b], &settled).expect("rows");
        assert_eq!(kept.len(), 2);
        assert!(kept.iter().all(|c| c.service == a && c.month == settled[0]));
        assert_eq!(stale, vec![(a, settled[1], 5), (b, settled[1], 0)]);
        assert_eq!(
            stale_range(&stale),
            Some((vec![a, b], settled[1], settled[1]))
        );
        assert_eq!(stale_range(&[]), None);
        let (nov, dec): (Month, Month) =
            ("2025-11".parse().expect("m"), "2026-12".parse().expect("m"));
        assert_eq!(months(nov, dec).len(), 14);
        assert!(months(dec, nov).is_empty());
    }

    #[test]
    fn postgresql_reads_each_pass_by_its_day() {
        let indexes = postgres_indexes();
        assert_eq!(indexes.len(), passes().len());
        assert!(
            indexes.contains(
                &"CREATE INDEX IF NOT EXISTS report_action_on_due_on ON report_action (due_on)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn sqlite_reads_each_pass_by_person_and_day_and_who_took_part_from_one_index() {
        let indexes = sqlite_indexes();
        assert_eq!(indexes.len(), passes().len() + 1);
        assert!(
            indexes.contains(
                &"CREATE INDEX IF NOT EXISTS report_meeting_by_starts_at_day \
              ON report_meeting (person_id, starts_at_day)"
                    .to_owned()
            )
        );
        let participation = rule(Figure::Participation).met;
        for column in ["person_id", "parent_id", "deleted", "taking_part_as", "how"] {
            assert!(participation.contains(&format!("w.{column}")), "{column}");
            assert!(TAKING_PART_INDEX.contains(column), "{column}");
        }
    }
}
