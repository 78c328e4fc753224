//! Governance: involvement measured from what was recorded. Each [`Figure`] is a rule over
//! records the reviews page keeps (meetings, actions, disagreements), counted per service and
//! month by the store in SQL over the records' report tables (`store::governance`); here are
//! the rules in words, the months a dashboard shows, the calendar the SQL counts working days
//! with ([`CalendarDay`]), and how a count reads ("18 of 20 (90%)").

use uuid::Uuid;

use crate::calendar::{self, CalendarError, Date};
use crate::reviews::{AGENDA_DUE_DAYS_BEFORE, DISAGREEMENT_WORKING_DAYS, SUMMARY_WORKING_DAYS};
use crate::{PersonId, ServiceId};

/// One figure of the dashboard: a share of records that met a rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Figure {
    /// Summaries sent within 5 working days of the meeting.
    Summaries,
    /// Agendas sent at least 3 days before the meeting.
    Agendas,
    /// Actions done by their due date.
    Actions,
    /// Disagreements resolved within 20 working days of being raised.
    Disagreements,
}

impl Figure {
    pub const ALL: [Figure; 4] = [
        Figure::Summaries,
        Figure::Agendas,
        Figure::Actions,
        Figure::Disagreements,
    ];

    /// Its name in addresses and files.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Summaries => "summaries",
            Figure::Agendas => "agendas",
            Figure::Actions => "actions",
            Figure::Disagreements => "disagreements",
        }
    }

    pub fn of(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The heading of its group on the dashboard.
    pub fn group(self) -> &'static str {
        match self {
            Figure::Summaries | Figure::Agendas | Figure::Actions => "Timeliness",
            Figure::Disagreements => "Escalations",
        }
    }

    /// What it measures, as its heading says it.
    pub fn title(self) -> String {
        match self {
            Figure::Summaries => {
                format!("Summaries sent within {SUMMARY_WORKING_DAYS} working days")
            }
            Figure::Agendas => {
                format!("Agendas sent at least {AGENDA_DUE_DAYS_BEFORE} days before the meeting")
            }
            Figure::Actions => "Actions done by their due date".to_owned(),
            Figure::Disagreements => {
                format!("Disagreements resolved within {DISAGREEMENT_WORKING_DAYS} working days")
            }
        }
    }

    /// Which records it counts, and when one counts: a record whose time has not yet come
    /// (a summary not sent and still in time) is not counted either way.
    pub fn counts(self) -> String {
        match self {
            Figure::Summaries => format!(
                "Meetings in the month, not cancelled, once the summary is sent or its {SUMMARY_WORKING_DAYS} working days have passed."
            ),
            Figure::Agendas => format!(
                "Meetings in the month, not cancelled, once the agenda is sent or fewer than {AGENDA_DUE_DAYS_BEFORE} days are left."
            ),
            Figure::Actions => {
                "Actions due in the month, once done or past their due date.".to_owned()
            }
            Figure::Disagreements => format!(
                "Disagreements raised in the month, once resolved or {DISAGREEMENT_WORKING_DAYS} working days have passed."
            ),
        }
    }

    /// The kind of record it counts (`records::kinds`): pages give each its address by it
    /// (`#meeting-<id>`, `#action-<id>`).
    pub fn kind(self) -> &'static str {
        use crate::records::kinds::{ACTIONS, DISAGREEMENTS, MEETINGS};
        match self {
            Figure::Summaries | Figure::Agendas => MEETINGS,
            Figure::Actions => ACTIONS,
            Figure::Disagreements => DISAGREEMENTS,
        }
    }

    /// What it counts, one record in words: "meeting".
    pub fn record_words(self) -> &'static str {
        match self {
            Figure::Summaries | Figure::Agendas => "meeting",
            Figure::Actions => "action",
            Figure::Disagreements => "disagreement",
        }
    }
}

/// How many of the records counted met the rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Count {
    pub met: u64,
    pub counted: u64,
}

impl Count {
    /// The share met, in whole percent (rounded down, so 19 of 20 is 95 and 199 of 200 is 99,
    /// never 100 until every one is); `None` when nothing was counted.
    pub fn percent(self) -> Option<u64> {
        (self.counted > 0).then(|| self.met * 100 / self.counted)
    }

    /// "18 of 20 (90%)", or "None to count".
    pub fn words(self) -> String {
        match self.percent() {
            Some(p) => format!("{} of {} ({p}%)", self.met, self.counted),
            None => "None to count".to_owned(),
        }
    }
}

impl std::ops::Add for Count {
    type Output = Count;

    /// Two counts together (two services, say).
    fn add(self, other: Count) -> Count {
        Count {
            met: self.met + other.met,
            counted: self.counted + other.counted,
        }
    }
}

/// One figure's count for one service and month, as the store gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FigureCount {
    pub service: ServiceId,
    pub month: Month,
    pub figure: Figure,
    pub count: Count,
}

/// One record a figure counted: whose, which, its day (the meeting's, the action's due date,
/// the day a disagreement was raised) and whether it met the rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counted {
    pub person: PersonId,
    pub person_name: String,
    pub id: Uuid,
    pub day: Date,
    pub met: bool,
}

/// A calendar month.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Option<Date> {
        Date::new(self.year, self.month, 1).ok()
    }

    pub fn next(self) -> Month {
        if self.month >= 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month <= 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The `n` months up to and including this one, oldest first.
    pub fn last(self, n: usize) -> Vec<Month> {
        let mut months = vec![self];
        for _ in 1..n {
            let before = months[months.len() - 1].previous();
            months.push(before);
        }
        months.reverse();
        months
    }

    /// "November 2026".
    pub fn words(self) -> String {
        match self.first_day() {
            Some(day) => format!("{} {}", calendar::month_name(day), self.year),
            None => self.to_string(),
        }
    }

    /// "Nov" (for a chart's axis).
    pub fn short(self) -> &'static str {
        const SHORT: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        SHORT[usize::from(self.month.clamp(1, 12) - 1)]
    }
}

impl std::fmt::Display for Month {
    /// "2026-11", as the store's SQL compares them (the first 7 characters of a date).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = String;

    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || format!("“{s}” is not a month: use the form 2026-11.");
        let (year, month) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

/// How many months a dashboard's charts show.
pub const MONTHS_SHOWN: usize = 12;

/// One day of the calendar the store counts with, so that the same SQL counts working days on
/// every database: the day, its number since 1970 (for calendar days), and its place among
/// working days (for working days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    pub day: Date,
    pub epoch_day: i64,
    /// Working days from the start of the calendar up to and including this day.
    pub working_upto: i64,
    /// The place of the first working day on or after this day: `working_upto` for a working
    /// day, one more for a weekend or bank holiday. Something done on day D is done by the
    /// deadline "N working days after S" exactly when `D.working_from <= S.working_upto + N`;
    /// and that deadline has passed on day T exactly when `T.working_from > S.working_upto + N`.
    pub working_from: i64,
}

/// Every day of the years the list of bank holidays covers, in order.
pub fn calendar_days() -> Result<Vec<CalendarDay>, CalendarError> {
    let first = Date::new(calendar::BANK_HOLIDAYS_FIRST_YEAR, 1, 1)?;
    let mut days = Vec::new();
    let mut working = 0;
    let mut day = first;
    while day.year() <= calendar::BANK_HOLIDAYS_LAST_YEAR {
        let works = calendar::is_working_day(day)?;
        if works {
            working += 1;
        }
        days.push(CalendarDay {
            day,
            epoch_day: day.days_since_epoch(),
            working_upto: working,
            working_from: if works { working } else { working + 1 },
        });
        match day.add_days(1) {
            Some(next) => day = next,
            None => break,
        }
    }
    Ok(days)
}

#[cfg(test)]
mod tests;
