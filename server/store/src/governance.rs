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

use domain::PersonId;
use domain::governance::{CalendarDay, Counted, Figure, Month};

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
    let mut indexes: Vec<String> = passes()
        .into_iter()
        .map(|figures| {
            let r = rule(figures[0]);
            format!(
                "CREATE INDEX IF NOT EXISTS {t}_by_{d} ON {t} (person_id, {d})",
                t = r.table,
                d = r.day
            )
        })
        .collect();
    indexes.push(TAKING_PART_INDEX.to_owned());
    indexes
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

/// `$3`: the day `now_ms` falls on in the UK.
pub(crate) fn today(now_ms: i64) -> Result<String, StoreError> {
    domain::calendar::Date::of_ms_in_london(now_ms)
        .map(|d| d.to_string())
        .ok_or_else(|| StoreError::Corrupt(format!("no day for the moment {now_ms}")))
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
