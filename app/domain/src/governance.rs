//! Governance: involvement measured from what was recorded. Each [`Figure`] is a rule over
//! records the reviews, involvement and outcome pages keep (meetings and who took part, actions,
//! disagreements, advocacy referrals, answers to "I feel involved", measures' counts, goals),
//! counted per service and month by the store in SQL over the records' report tables (`store::governance`); here are
//! the rules in words, the months a dashboard shows, the calendar the SQL counts working days
//! with ([`CalendarDay`]), and how a count reads ("18 of 20 (90%)").

use uuid::Uuid;

use crate::calendar::{self, CalendarError, Date};
use crate::involvement::ADVOCATE_WITHIN_MS;
use crate::reviews::{AGENDA_DUE_DAYS_BEFORE, DISAGREEMENT_WORKING_DAYS, SUMMARY_WORKING_DAYS};
use crate::{PersonId, ServiceId};

pub mod grid;
pub mod sampling;

/// One figure of the dashboard: a share of records that met a rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Figure {
    /// Meetings where a family member, friend or advocate took part (in person, by video or
    /// phone, or in writing beforehand).
    Participation,
    /// Summaries sent within 5 working days of the meeting.
    Summaries,
    /// Agendas sent at least 3 days before the meeting.
    Agendas,
    /// Actions done by their due date.
    Actions,
    /// Disagreements resolved within 20 working days of being raised.
    Disagreements,
    /// Advocates engaged within 48 hours of the trigger of a referral.
    Advocates,
    /// The person's answers to "I feel involved" after a meeting, the faces "mostly" or "yes,
    /// very much".
    FeltInvolved,
    /// The same from family, friends and advocates in the person's circle.
    CircleFeltInvolved,
    /// Counts of staff prompts below the measure's starting point.
    Prompts,
    /// Support ratios below the measure's starting point (2:1 to 1:1, 1:1 to none).
    Ratios,
    /// A week's count of things done on the person's own above the measure's starting point.
    Completions,
    /// Goals finished (achieved, paused or let go) that were achieved.
    Goals,
}

/// The hours an advocate is to be engaged within.
const ADVOCATE_HOURS: i64 = ADVOCATE_WITHIN_MS / 3_600_000;

impl Figure {
    /// Every figure, in the dashboard's order: participation, timeliness, experience,
    /// enablement, escalations.
    pub const ALL: [Figure; 12] = [
        Figure::Participation,
        Figure::Summaries,
        Figure::Agendas,
        Figure::Actions,
        Figure::FeltInvolved,
        Figure::CircleFeltInvolved,
        Figure::Prompts,
        Figure::Ratios,
        Figure::Completions,
        Figure::Goals,
        Figure::Disagreements,
        Figure::Advocates,
    ];

    /// Its name in addresses and files.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Summaries => "summaries",
            Figure::Agendas => "agendas",
            Figure::Actions => "actions",
            Figure::Disagreements => "disagreements",
            Figure::Participation => "participation",
            Figure::Advocates => "advocates",
            Figure::FeltInvolved => "felt-involved",
            Figure::CircleFeltInvolved => "circle-felt-involved",
            Figure::Prompts => "prompts",
            Figure::Ratios => "ratios",
            Figure::Completions => "completions",
            Figure::Goals => "goals",
        }
    }

    pub fn of(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The heading of its group on the dashboard.
    pub fn group(self) -> &'static str {
        match self {
            Figure::Participation => "Participation",
            Figure::Summaries | Figure::Agendas | Figure::Actions => "Timeliness",
            Figure::FeltInvolved | Figure::CircleFeltInvolved => "Experience",
            Figure::Prompts | Figure::Ratios | Figure::Completions | Figure::Goals => "Enablement",
            Figure::Disagreements | Figure::Advocates => "Escalations",
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
            Figure::Participation => {
                "Meetings with family, a friend or an advocate taking part".to_owned()
            }
            Figure::Advocates => {
                format!("Advocates engaged within {ADVOCATE_HOURS} hours of a trigger")
            }
            Figure::FeltInvolved => "The person felt involved in the meeting".to_owned(),
            Figure::CircleFeltInvolved => {
                "Family, friends and advocates felt involved in the meeting".to_owned()
            }
            Figure::Prompts => "Staff prompts fewer than at the start".to_owned(),
            Figure::Ratios => "Support ratios stepped down from the start".to_owned(),
            Figure::Completions => {
                "Weeks with more done independently than at the start".to_owned()
            }
            Figure::Goals => "Goals achieved, of the goals finished".to_owned(),
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
            Figure::Participation => "Meetings in the month, not cancelled, once their day has passed. One counts as met when someone taking part as family, a friend or an advocate took part: in person, by video or phone, or in writing beforehand.".to_owned(),
            Figure::Advocates => format!(
                "Advocacy referrals whose trigger arose in the month, once the advocate is engaged or {ADVOCATE_HOURS} hours have passed."
            ),
            Figure::FeltInvolved => format!(
                "The person's answers to “I feel involved”, asked after each meeting, given in the month. One counts as met when they chose {}.",
                felt_involved_words()
            ),
            Figure::CircleFeltInvolved => format!(
                "Answers to “I feel involved” from family, friends and advocates in the person's circle, given in the month. One counts as met when they chose {}.",
                felt_involved_words()
            ),
            Figure::Prompts => "Counts of staff prompts recorded in the month, for measures with a starting point (baseline). One counts as met when it is below the baseline.".to_owned(),
            Figure::Ratios => "Support ratios recorded in the month, for measures with a starting point (baseline). One counts as met when it is below the baseline: 1:1 where it was 2:1, or none where it was 1:1.".to_owned(),
            Figure::Completions => "Weekly counts of things done on the person's own, recorded in the month, for measures with a starting point (baseline). One counts as met when it is above the baseline.".to_owned(),
            Figure::Goals => "Goals finished in the month: achieved, paused or let go, by the day that was recorded. One counts as met when it was achieved.".to_owned(),
        }
    }

    /// The kind of record it counts (`records::kinds`): pages give each its address by it
    /// (`#meeting-<id>`, `#action-<id>`).
    pub fn kind(self) -> &'static str {
        use crate::records::kinds::{ACTIONS, DISAGREEMENTS, GOALS, MEASURES, MEETINGS, REFERRALS};
        match self {
            Figure::Participation
            | Figure::Summaries
            | Figure::Agendas
            | Figure::FeltInvolved
            | Figure::CircleFeltInvolved => MEETINGS,
            Figure::Prompts | Figure::Ratios | Figure::Completions => MEASURES,
            Figure::Goals => GOALS,
            Figure::Actions => ACTIONS,
            Figure::Disagreements => DISAGREEMENTS,
            Figure::Advocates => REFERRALS,
        }
    }

    /// The page of a person's record that keeps what it counts: `/people/<id>/<page>`.
    pub fn page(self) -> &'static str {
        match self {
            Figure::Advocates => "involvement",
            Figure::Prompts | Figure::Ratios | Figure::Completions | Figure::Goals => "progress",
            _ => "meetings",
        }
    }

    /// Where one record it counted is kept: the page, at the card of the record it is shown
    /// with (an answer with its meeting, a count with its measure).
    pub fn href(self, person: PersonId, id: Uuid) -> String {
        format!("/people/{}/{}#{}-{id}", person, self.page(), self.kind())
    }

    /// What it counts, one record in words: "meeting".
    pub fn record_words(self) -> &'static str {
        match self {
            Figure::Participation | Figure::Summaries | Figure::Agendas => "meeting",
            Figure::Actions => "action",
            Figure::Disagreements => "disagreement",
            Figure::Advocates => "referral",
            Figure::FeltInvolved | Figure::CircleFeltInvolved => "answer",
            Figure::Prompts | Figure::Ratios | Figure::Completions => "count",
            Figure::Goals => "goal",
        }
    }
}

/// The faces that count as feeling involved, in words: "“Mostly” or “Yes, very much”".
fn felt_involved_words() -> String {
    crate::reviews::INVOLVED_SCALE
        .iter()
        .filter(|(s, _)| *s >= crate::reviews::FELT_INVOLVED_FROM)
        .map(|(_, w)| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join(" or ")
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

/// One record a figure counted: whose, which (the record it is shown with: an answer's
/// meeting, a count's measure), its day (the meeting's, the action's due date, the day a
/// disagreement was raised) and whether it met the rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counted {
    pub person: PersonId,
    pub person_name: String,
    pub id: Uuid,
    pub day: Date,
    pub met: bool,
}

/// One figure's counts for each of `months`: those of `service`, or of every service in
/// `counts` added together (`None`). A month with nothing counted is an empty count.
pub fn monthly(
    counts: &[FigureCount],
    figure: Figure,
    months: &[Month],
    service: Option<ServiceId>,
) -> Vec<Count> {
    months
        .iter()
        .map(|m| {
            counts
                .iter()
                .filter(|c| c.figure == figure && c.month == *m)
                .filter(|c| service.is_none_or(|s| s == c.service))
                .fold(Count::default(), |sum, c| sum + c.count)
        })
        .collect()
}

/// Each figure with its count for each month: one place's figures (a service, or several
/// added together).
pub type Figures = Vec<(Figure, Vec<Count>)>;

/// The figures as CSV (RFC 4180) for a spreadsheet: a row for each place counted (a service's
/// name, or "All services"), figure and month, oldest month first, with met, counted and the
/// share in whole percent (empty when nothing was counted).
pub fn to_csv(months: &[Month], places: &[(String, Figures)]) -> String {
    use crate::audit::csv_cell;
    let mut out = String::from("service,month,group,figure,met,counted,share_percent\r\n");
    for (place, figures) in places {
        for (figure, counts) in figures {
            for (month, count) in months.iter().zip(counts) {
                let cells = [
                    csv_cell(place),
                    month.to_string(),
                    csv_cell(figure.group()),
                    csv_cell(&figure.title()),
                    count.met.to_string(),
                    count.counted.to_string(),
                    count.percent().map(|p| p.to_string()).unwrap_or_default(),
                ];
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
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

    /// Whether this month's figures are settled on `today`: from the third month after it,
    /// when every rule's wait for a record of the month has ended (the longest, a
    /// disagreement's 20 working days, ends within seven weeks of the month's last day), so
    /// its counts change only when a record, a person's service, the calendar or the rules
    /// do. A settled month's figures may be kept rather than counted again.
    pub fn settled_on(self, today: Date) -> bool {
        self <= Month::of(today).previous().previous().previous()
    }

    /// Whether a change made on `today` to a record of this month must mark the month's kept
    /// figures out of date: a settled month, and the month before it settles (a margin for
    /// servers whose clocks differ and for a change that commits as a month ends).
    pub fn kept_on(self, today: Date) -> bool {
        self <= Month::last_kept_on(today)
    }

    /// The last month a change made on `today` must mark (see [`Month::kept_on`]).
    pub fn last_kept_on(today: Date) -> Month {
        Month::of(today).previous().previous()
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
    /// (For N of at least 1, as every rule has: "0 working days after" a Saturday would be the
    /// Saturday itself, which these numbers cannot say.)
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
