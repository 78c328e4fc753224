//! The governance figures in SQL (`domain::governance`): each figure is one query over the
//! report tables the records engine keeps (`report_meeting`, `report_attendance`,
//! `report_action`, `report_disagreement`, `report_referral`), the people table (for the service) and the calendar
//! (`calendar_days`, for working days), giving one row per record counted: its service, month,
//! person, id, day and whether it met the rule. The dashboard groups them (`COUNT`, `SUM`) in
//! the database; the list behind one figure reads them for one service and month. The same
//! SQL runs on SQLite and PostgreSQL: dates are `YYYY-MM-DD` text (compared as text, the month
//! is their first 7 characters), and day arithmetic goes through the calendar's numbers.
//!
//! Binds: `$1` the first month's first day, `$2` the day after the last month, `$3` today (in
//! the UK), `$4` now (milliseconds since 1970), then the services.

use domain::PersonId;
use domain::governance::{CalendarDay, Counted, Figure, Month};

use crate::StoreError;
use crate::accounts::uuid;
use domain::involvement::ADVOCATE_WITHIN_MS;
use domain::reviews::{AGENDA_DUE_DAYS_BEFORE, DISAGREEMENT_WORKING_DAYS, SUMMARY_WORKING_DAYS};

/// The rows one figure counts: `service_id, month, person_id, id, day, met` (met 1 or 0).
pub(crate) fn counted_sql(figure: Figure) -> String {
    match figure {
        // A meeting where family, a friend or an advocate took part in any way; counted once
        // its day has passed.
        Figure::Participation => counted(
            "report_meeting",
            "starts_at_day",
            "EXISTS (SELECT 1 FROM report_attendance w WHERE w.person_id = x.person_id \
             AND w.parent_id = x.id AND w.deleted = 0 AND w.how IS NOT NULL \
             AND w.taking_part_as IN ('family', 'advocate'))",
            "",
            "x.starts_at_day < $3",
            NOT_CANCELLED,
        ),
        // A meeting's summary, within 5 working days of the meeting.
        Figure::Summaries => within_working_days(
            "report_meeting",
            "starts_at_day",
            "summary_sent_on",
            SUMMARY_WORKING_DAYS,
            NOT_CANCELLED,
        ),
        // A meeting's agenda: on time when sent at least 3 calendar days before; counted once
        // sent or once fewer than 3 days were left.
        Figure::Agendas => counted(
            "report_meeting",
            "starts_at_day",
            &format!("a.epoch_day <= d.epoch_day - {AGENDA_DUE_DAYS_BEFORE}"),
            "JOIN calendar_days d ON d.day = x.starts_at_day \
             JOIN calendar_days t ON t.day = $3 \
             LEFT JOIN calendar_days a ON a.day = x.agenda_sent_on",
            &format!("a.day IS NOT NULL OR t.epoch_day > d.epoch_day - {AGENDA_DUE_DAYS_BEFORE}"),
            NOT_CANCELLED,
        ),
        // An action: done on or before its due date; counted once done or once past due.
        Figure::Actions => counted(
            "report_action",
            "due_on",
            "x.done_on IS NOT NULL AND x.done_on <= x.due_on",
            "",
            "x.done_on IS NOT NULL OR x.due_on < $3",
            "",
        ),
        // A disagreement, resolved within 20 working days of being raised.
        Figure::Disagreements => within_working_days(
            "report_disagreement",
            "raised_on",
            "resolved_on",
            DISAGREEMENT_WORKING_DAYS,
            "",
        ),
        // An advocacy referral: the advocate engaged within 48 hours of the trigger; counted
        // once engaged or once those hours have passed.
        Figure::Advocates => counted(
            "report_referral",
            "arose_at_day",
            &format!(
                "x.engaged_at IS NOT NULL AND x.engaged_at <= x.arose_at + {ADVOCATE_WITHIN_MS}"
            ),
            "",
            &format!("x.engaged_at IS NOT NULL OR x.arose_at + {ADVOCATE_WITHIN_MS} < $4"),
            "AND x.arose_at IS NOT NULL",
        ),
    }
}

/// A meeting counts unless it was cancelled.
const NOT_CANCELLED: &str = "AND COALESCE(x.status, 'planned') <> 'cancelled'";

/// The rows of `table` (as `x`, with `joins`) whose `day` falls in the months asked for, not
/// removed and `also`: their service and month, who, which, the day, and whether `met` holds;
/// only those `counted_when` holds for.
fn counted(
    table: &str,
    day: &str,
    met: &str,
    joins: &str,
    counted_when: &str,
    also: &str,
) -> String {
    format!(
        "SELECT p.service_id AS service_id, substr(x.{day}, 1, 7) AS month, \
         x.person_id AS person_id, x.id AS id, x.{day} AS day, \
         CASE WHEN {met} THEN 1 ELSE 0 END AS met \
         FROM {table} x JOIN people p ON p.id = x.person_id {joins} \
         WHERE x.deleted = 0 {also} AND x.{day} >= $1 AND x.{day} < $2 AND ({counted_when})"
    )
}

/// Something due within `n` working days of `day` and done on `done`: met when done on a day
/// whose next working day is at most `n` after `day`'s; counted once done or once those days
/// passed (see `domain::governance::CalendarDay`).
fn within_working_days(table: &str, day: &str, done: &str, n: u32, also: &str) -> String {
    counted(
        table,
        day,
        &format!("f.working_from <= d.working_upto + {n}"),
        &format!(
            "JOIN calendar_days d ON d.day = x.{day} \
             JOIN calendar_days t ON t.day = $3 \
             LEFT JOIN calendar_days f ON f.day = x.{done}"
        ),
        &format!("f.day IS NOT NULL OR t.working_from > d.working_upto + {n}"),
        also,
    )
}

/// `$5…`: a placeholder for each of `n` services, from `$5` on.
fn services_in(n: usize) -> String {
    (5..5 + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Met and counted per service and month, for the `n` services bound from `$5` on.
pub(crate) fn counts_sql(figure: Figure, n: usize) -> String {
    format!(
        "SELECT c.service_id, c.month, SUM(c.met), COUNT(*) FROM ({}) c \
         WHERE c.service_id IN ({}) GROUP BY c.service_id, c.month",
        counted_sql(figure),
        services_in(n)
    )
}

/// The records behind one figure, for one service (`$5`): who, which, the day, and met.
pub(crate) fn records_sql(figure: Figure) -> String {
    format!(
        "SELECT c.person_id, p.name, c.id, c.day, CAST(c.met AS BIGINT) FROM ({}) c \
         JOIN people p ON p.id = c.person_id \
         WHERE c.service_id = $5 ORDER BY c.day, p.name, c.id",
        counted_sql(figure)
    )
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
