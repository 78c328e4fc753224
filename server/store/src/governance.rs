//! The governance figures in SQL (`domain::governance`): each figure is one query over the
//! report tables the records engine keeps (`report_meeting`, `report_action`,
//! `report_disagreement`), the people table (for the service) and the calendar
//! (`calendar_days`, for working days), giving one row per record counted: its service, month,
//! person, id, day and whether it met the rule. The dashboard groups them (`COUNT`, `SUM`) in
//! the database; the list behind one figure reads them for one service and month. The same
//! SQL runs on SQLite and PostgreSQL: dates are `YYYY-MM-DD` text (compared as text, the month
//! is their first 7 characters), and day arithmetic goes through the calendar's numbers.
//!
//! Binds: `$1` the first month's first day, `$2` the day after the last month, `$3` today.

use domain::PersonId;
use domain::governance::{CalendarDay, Counted, Figure, Month};

use crate::StoreError;
use crate::accounts::uuid;
use domain::reviews::{AGENDA_DUE_DAYS_BEFORE, DISAGREEMENT_WORKING_DAYS, SUMMARY_WORKING_DAYS};

/// The rows one figure counts: `service_id, month, person_id, id, day, met` (met 1 or 0).
pub(crate) fn counted_sql(figure: Figure) -> String {
    match figure {
        // A meeting's summary: done by the deadline when sent on a day whose next working day
        // is at most 5 after the meeting's; counted once sent or once that deadline passed.
        Figure::Summaries => format!(
            "SELECT p.service_id AS service_id, substr(m.starts_at_day, 1, 7) AS month, \
             m.person_id AS person_id, m.id AS id, m.starts_at_day AS day, \
             CASE WHEN s.working_from <= d.working_upto + {n} THEN 1 ELSE 0 END AS met \
             FROM report_meeting m \
             JOIN people p ON p.id = m.person_id \
             JOIN calendar_days d ON d.day = m.starts_at_day \
             JOIN calendar_days t ON t.day = $3 \
             LEFT JOIN calendar_days s ON s.day = m.summary_sent_on \
             WHERE m.deleted = 0 AND COALESCE(m.status, 'planned') <> 'cancelled' \
             AND m.starts_at_day >= $1 AND m.starts_at_day < $2 \
             AND (s.day IS NOT NULL OR t.working_from > d.working_upto + {n})",
            n = SUMMARY_WORKING_DAYS
        ),
        // A meeting's agenda: on time when sent at least 3 calendar days before; counted once
        // sent or once fewer than 3 days were left.
        Figure::Agendas => format!(
            "SELECT p.service_id AS service_id, substr(m.starts_at_day, 1, 7) AS month, \
             m.person_id AS person_id, m.id AS id, m.starts_at_day AS day, \
             CASE WHEN a.epoch_day <= d.epoch_day - {n} THEN 1 ELSE 0 END AS met \
             FROM report_meeting m \
             JOIN people p ON p.id = m.person_id \
             JOIN calendar_days d ON d.day = m.starts_at_day \
             JOIN calendar_days t ON t.day = $3 \
             LEFT JOIN calendar_days a ON a.day = m.agenda_sent_on \
             WHERE m.deleted = 0 AND COALESCE(m.status, 'planned') <> 'cancelled' \
             AND m.starts_at_day >= $1 AND m.starts_at_day < $2 \
             AND (a.day IS NOT NULL OR t.epoch_day > d.epoch_day - {n})",
            n = AGENDA_DUE_DAYS_BEFORE
        ),
        // An action: done on or before its due date; counted once done or once past due.
        Figure::Actions => "SELECT p.service_id AS service_id, substr(x.due_on, 1, 7) AS month, \
             x.person_id AS person_id, x.id AS id, x.due_on AS day, \
             CASE WHEN x.done_on IS NOT NULL AND x.done_on <= x.due_on THEN 1 ELSE 0 END AS met \
             FROM report_action x \
             JOIN people p ON p.id = x.person_id \
             WHERE x.deleted = 0 AND x.due_on >= $1 AND x.due_on < $2 \
             AND (x.done_on IS NOT NULL OR x.due_on < $3)"
            .to_owned(),
        // A disagreement: resolved within 20 working days of being raised; counted once
        // resolved or once those days passed.
        Figure::Disagreements => format!(
            "SELECT p.service_id AS service_id, substr(g.raised_on, 1, 7) AS month, \
             g.person_id AS person_id, g.id AS id, g.raised_on AS day, \
             CASE WHEN r.working_from <= d.working_upto + {n} THEN 1 ELSE 0 END AS met \
             FROM report_disagreement g \
             JOIN people p ON p.id = g.person_id \
             JOIN calendar_days d ON d.day = g.raised_on \
             JOIN calendar_days t ON t.day = $3 \
             LEFT JOIN calendar_days r ON r.day = g.resolved_on \
             WHERE g.deleted = 0 AND g.raised_on >= $1 AND g.raised_on < $2 \
             AND (r.day IS NOT NULL OR t.working_from > d.working_upto + {n})",
            n = DISAGREEMENT_WORKING_DAYS
        ),
    }
}

/// `$4…`: a placeholder for each of `n` services, from `$4` on.
fn services_in(n: usize) -> String {
    (4..4 + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Met and counted per service and month, for the `n` services bound from `$4` on.
pub(crate) fn counts_sql(figure: Figure, n: usize) -> String {
    format!(
        "SELECT c.service_id, c.month, SUM(c.met), COUNT(*) FROM ({}) c \
         WHERE c.service_id IN ({}) GROUP BY c.service_id, c.month",
        counted_sql(figure),
        services_in(n)
    )
}

/// The records behind one figure, for one service (`$4`): who, which, the day, and met.
pub(crate) fn records_sql(figure: Figure) -> String {
    format!(
        "SELECT c.person_id, p.name, c.id, c.day, CAST(c.met AS BIGINT) FROM ({}) c \
         JOIN people p ON p.id = c.person_id \
         WHERE c.service_id = $4 ORDER BY c.day, p.name, c.id",
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
