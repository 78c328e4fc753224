//! Reviews and meetings as screens show them: meetings by type and their usual length, new
//! meetings proposed from the plan's rhythm at the person's best time of day, the agenda's
//! clock (sent 3 to 5 days before), the summary's clock (within 5 working days), actions and
//! who owns them, the disagreement log with its 20-working-day clock and escalation ladder,
//! who took part, the stop rule, the plain-English summary (each reader's copy holding only
//! the topics they may read) and the next review as a calendar file.
//!
//! The records are declared in [`crate::records::kinds`] (`meeting`, `attendance`, `action`,
//! `disagreement`). Everything here reads records and is deterministic: today and now are
//! passed in, and the same records give the same answer whatever order they arrived in.
//!
//! Two clocks, two ways of counting:
//!
//! * The **agenda** is counted in calendar days, as practice states it ("sent 3 to 5 days
//!   before"): it is meant for the person and their circle, who read it over a weekend as
//!   readily as on a weekday. See [`agenda_status`].
//! * The **summary** and a **disagreement** are counted in working days in England and Wales
//!   ([`crate::calendar::Deadline`]), bank holidays excluded; past the years the list of bank
//!   holidays covers, they answer with [`CalendarError::BeyondKnownHolidays`] rather than guess.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::access::Topic;
use crate::calendar::{
    CalendarError, Date, Deadline, DeadlineStatus, london_date_label, london_date_label_long,
    london_local_to_ms, london_time_label,
};
use crate::involvement::{Planned, next_meetings};
use crate::records::kinds::{
    ACTIONS, ATTENDANCES, DECISIONS, DISAGREEMENTS, DecisionStage, ESCALATION_LEVELS, FEEDBACK,
    FEEDBACK_VOICES, MEETING_TYPES, MEETINGS,
};
use crate::records::{Record, RecordSet};
use crate::screens::{Reader, possessive, short_name};

#[cfg(test)]
mod tests;

/// Working days within which a meeting's summary is sent.
pub const SUMMARY_WORKING_DAYS: u32 = 5;
/// Working days within which a disagreement is resolved.
pub const DISAGREEMENT_WORKING_DAYS: u32 = 20;
/// The agenda is ready this many days before the meeting, at the earliest…
pub const AGENDA_OPENS_DAYS_BEFORE: i64 = 5;
/// …and sent at least this many days before it.
pub const AGENDA_DUE_DAYS_BEFORE: i64 = 3;
/// A planned date counts as booked when a meeting is already set within this many days of it.
pub const BOOKED_WITHIN_DAYS: i64 = 3;

/// A name as compared with another: lower case, spaces between words made single.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let a = norm(a);
    !a.is_empty() && a == norm(b)
}

// ---- Meetings by type

/// The kinds of meeting, each with its usual length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingType {
    GoalSetting,
    MiniReview,
    ComplexReview,
    Debrief,
}

impl MeetingType {
    pub const ALL: [MeetingType; 4] = [
        MeetingType::GoalSetting,
        MeetingType::MiniReview,
        MeetingType::ComplexReview,
        MeetingType::Debrief,
    ];

    /// Its key in the meeting's `meeting_type` field.
    pub fn key(self) -> &'static str {
        match self {
            MeetingType::GoalSetting => "goal_setting",
            MeetingType::MiniReview => "mini_review",
            MeetingType::ComplexReview => "complex_review",
            MeetingType::Debrief => "debrief",
        }
    }

    /// The type a `meeting_type` key names.
    pub fn from_choice(key: &str) -> Option<MeetingType> {
        MeetingType::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The type of `meeting`, if chosen.
    pub fn of(meeting: &Record) -> Option<MeetingType> {
        MeetingType::from_choice(meeting.text("meeting_type"))
    }

    /// "Mini-review", as the choice reads.
    pub fn words(self) -> &'static str {
        MEETING_TYPES
            .iter()
            .find(|(k, _)| *k == self.key())
            .map_or("Meeting", |(_, words)| words)
    }

    /// Its usual length in minutes, shortest and longest.
    pub fn usual_minutes(self) -> (u32, u32) {
        match self {
            MeetingType::GoalSetting => (30, 45),
            MeetingType::MiniReview | MeetingType::Debrief => (15, 30),
            MeetingType::ComplexReview => (60, 60),
        }
    }

    /// Chaired by the registered manager.
    pub fn needs_registered_manager_chair(self) -> bool {
        self == MeetingType::ComplexReview
    }

    /// The person's advocate is invited.
    pub fn invites_advocate(self) -> bool {
        self == MeetingType::ComplexReview
    }

    /// The decision steps (consent, then capacity, then best interests) are run and recorded
    /// through the involvement plan's decision record.
    pub fn runs_decision_steps(self) -> bool {
        self == MeetingType::ComplexReview
    }
}

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingStatus {
    Planned,
    Held,
    /// Stopped by the stop rule: see [`paused`].
    Paused,
    Cancelled,
}

impl MeetingStatus {
    /// The status of `meeting`: planned until someone says otherwise.
    pub fn of(meeting: &Record) -> MeetingStatus {
        match meeting.text("status") {
            "held" => MeetingStatus::Held,
            "paused" => MeetingStatus::Paused,
            "cancelled" => MeetingStatus::Cancelled,
            _ => MeetingStatus::Planned,
        }
    }

    /// The status in words, as the field's choices name it ("Paused (stop rule)").
    pub fn words(self) -> &'static str {
        let key = match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
            MeetingStatus::Paused => "paused",
            MeetingStatus::Cancelled => "cancelled",
        };
        crate::records::kinds::MEETING_STATUSES
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(key, |(_, words)| words)
    }
}

/// The date of `meeting` in London, from when it starts.
pub fn meeting_date(meeting: &Record) -> Option<Date> {
    meeting.number("starts_at").and_then(Date::of_ms_in_london)
}

/// Whether the agenda and summary of `meeting` are in easy read: the meeting's own format if
/// chosen, otherwise the person's recorded formats (`communication`).
pub fn in_easy_read(meeting: &Record, communication: Option<&Record>) -> bool {
    match meeting.text("format") {
        "easy_read" => true,
        "standard" => false,
        _ => crate::involvement::wants_easy_read(communication),
    }
}

/// The decision record a complex review runs its decision steps through, if linked and there.
pub fn linked_decision<'a>(set: &'a RecordSet, meeting: &Record) -> Option<&'a Record> {
    let id = Uuid::parse_str(meeting.text("decision_record").trim()).ok()?;
    set.find(DECISIONS, id).filter(|d| !d.deleted)
}

/// What a complex review still needs before it runs as practice asks: a chair (the registered
/// manager), the advocate invited, the decision record linked. Empty for other types, and
/// once all are there. A participant counts as the advocate when they take part as one, or
/// their role says so.
pub fn complex_review_reminders(set: &RecordSet, meeting: &Record) -> Vec<&'static str> {
    let Some(kind) = MeetingType::of(meeting) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if kind.needs_registered_manager_chair() && meeting.text("chair").trim().is_empty() {
        out.push("A complex review is chaired by the registered manager: name the chair.");
    }
    if kind.invites_advocate()
        && !set
            .children(ATTENDANCES, meeting.id)
            .filter(|a| !a.deleted)
            .any(|a| {
                a.text("taking_part_as") == "advocate"
                    || a.text("role").to_lowercase().contains("advocate")
            })
    {
        out.push("Invite the person's advocate.");
    }
    if kind.runs_decision_steps() && linked_decision(set, meeting).is_none() {
        out.push(
            "Link the decision record, to run the steps: consent, then capacity, then best interests.",
        );
    }
    out
}

/// What to say when a meeting under way or held has no next review booked: it is booked
/// before the meeting closes. `None` once booked, before the day of the meeting, and for a
/// meeting cancelled or paused (a paused one has its own date to meet again).
pub fn next_review_reminder(meeting: &Record, today: Date) -> Option<&'static str> {
    let status = MeetingStatus::of(meeting);
    let begun = status == MeetingStatus::Held || meeting_date(meeting).is_some_and(|d| d <= today);
    (begun
        && matches!(status, MeetingStatus::Planned | MeetingStatus::Held)
        && meeting.date("next_review_on").is_none())
    .then_some("Book the next review before the meeting closes: set its date under “Next review”.")
}

// ---- New meetings proposed from the rhythm

/// A meeting the plan's rhythm asks for that is not booked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub on: Date,
    /// What the rhythm calls it.
    pub planned: Planned,
    pub meeting_type: MeetingType,
    /// How long to book.
    pub minutes: u32,
    /// When to start, from the person's best time of day (`None`: not recorded, or not a
    /// time Circle can read; the date alone is proposed).
    pub starts_at_ms: Option<i64>,
    /// "Mon 14 Dec 2026, 10:00" in UK time, or "Mon 14 Dec 2026".
    pub label: String,
}

/// The start, in London hours and minutes, that the person's words for their best time of day
/// (the communication block's `best_time`, written freely) suggest: mornings 10:00, afternoons
/// (or "after lunch") 14:00, evenings 18:00. The first of these the words mention wins, leaving
/// out one ruled out earlier in its part of the sentence by "not", "no", "never" or "avoid"
/// ("Not mornings: afternoons are best" is an afternoon). `None` when they mention none.
pub fn suggested_start(best_time: &str) -> Option<(u8, u8)> {
    let words = best_time.to_lowercase();
    // Ruled out when "not", "no", "never" or "avoid" comes earlier in the same part of the
    // sentence (since the last punctuation mark).
    let negated = |at: usize| {
        let clause = words[..at]
            .rsplit(['.', ',', ';', ':', '!', '?', '\n'])
            .next()
            .unwrap_or("");
        clause
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "not" | "no" | "never" | "avoid"))
    };
    [
        ("morning", (10, 0)),
        ("afternoon", (14, 0)),
        ("after lunch", (14, 0)),
        ("evening", (18, 0)),
    ]
    .into_iter()
    .filter_map(|(word, time)| {
        words
            .match_indices(word)
            .map(|(at, _)| at)
            .find(|at| !negated(*at))
            .map(|at| (at, time))
    })
    .min_by_key(|(at, _)| *at)
    .map(|(_, time)| time)
}

/// The dates meetings in `set` already hold: the day each starts on, and the next review each
/// booked. Removed and cancelled meetings hold none.
fn booked_dates(set: &RecordSet) -> Vec<Date> {
    set.of_kind(MEETINGS)
        .filter(|m| !m.deleted && MeetingStatus::of(m) != MeetingStatus::Cancelled)
        .flat_map(|m| [meeting_date(m), m.date("next_review_on")])
        .flatten()
        .collect()
}

/// The next `count` meetings to propose from the rhythm on or after `today`, leaving out the
/// dates a meeting in `meetings` is already set within [`BOOKED_WITHIN_DAYS`] days of.
///
/// A mini-review is proposed as a mini-review; a deep-dive as a goal-setting meeting (the
/// quarterly look at the goals and the plan as a whole). A complex review is never proposed by
/// the calendar: it is called when a decision needs one. The length is the rhythm's own for
/// mini-reviews when recorded, otherwise the longest usual length of the type, and never more
/// than the person's longest meeting (`communication`'s `longest_meeting`) when recorded.
pub fn proposals(
    rhythm: Option<&Record>,
    communication: Option<&Record>,
    meetings: &RecordSet,
    today: Date,
    count: usize,
) -> Vec<Proposal> {
    let booked = booked_dates(meetings);
    // A booked date can stand for at most two planned dates (a deep-dive and a mini-review a
    // few days apart), so this many always leaves `count` to propose when there are that many.
    let wanted = count.saturating_add(booked.len().saturating_mul(2));
    let start = communication.and_then(|c| suggested_start(c.text("best_time")));
    let longest = communication
        .and_then(|c| c.number("longest_meeting"))
        .and_then(|n| u32::try_from(n).ok());
    next_meetings(rhythm, today, wanted)
        .into_iter()
        .filter(|(on, _)| {
            !booked
                .iter()
                .any(|b| (b.days_since_epoch() - on.days_since_epoch()).abs() <= BOOKED_WITHIN_DAYS)
        })
        .take(count)
        .map(|(on, planned)| {
            let meeting_type = match planned {
                Planned::MiniReview => MeetingType::MiniReview,
                Planned::DeepDive => MeetingType::GoalSetting,
            };
            let own = match planned {
                Planned::MiniReview => rhythm
                    .and_then(|r| r.number("mini_minutes"))
                    .and_then(|n| u32::try_from(n).ok()),
                Planned::DeepDive => None,
            };
            let usual = own.unwrap_or(meeting_type.usual_minutes().1);
            let minutes = longest.map_or(usual, |l| usual.min(l));
            let starts_at_ms = start.and_then(|(h, m)| london_local_to_ms(on, h, m).ok());
            let label = match starts_at_ms {
                Some(ms) => format!("{}, {}", london_date_label(on), london_time_label(ms)),
                None => london_date_label(on),
            };
            Proposal {
                on,
                planned,
                meeting_type,
                minutes,
                starts_at_ms,
                label,
            }
        })
        .collect()
}

// ---- The agenda's clock

/// Where the agenda of a meeting stands. Counted in calendar days before the day of the
/// meeting (in London): ready from 5 days before, sent by 3 days before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaStatus {
    /// The meeting has no start yet.
    NoDate,
    /// The meeting was cancelled: no agenda is needed.
    NotNeeded,
    /// Not yet: the window to send it opens on `opens` and closes on `send_by`.
    NotDue { opens: Date, send_by: Date },
    /// The window is open: send it by this date.
    SendBy(Date),
    /// Not sent, and fewer than 3 days are left before the meeting (or it has passed): `days`
    /// after the date it should have gone by.
    Late { send_by: Date, days: i64 },
    /// Sent on `on`: on time when at least 3 days before the meeting (sent earlier than 5 days
    /// before is early, not late).
    Sent { on: Date, on_time: bool },
}

impl AgendaStatus {
    /// What a screen shows: "Agenda sent on Mon 7 Dec 2026", "Send the agenda by Mon 7 Dec
    /// 2026", "Agenda late: not sent 2 days after Mon 7 Dec 2026".
    pub fn words(self) -> String {
        match self {
            AgendaStatus::NoDate => "Set a date and time to plan the agenda".to_owned(),
            AgendaStatus::NotNeeded => "No agenda needed: the meeting was cancelled".to_owned(),
            AgendaStatus::NotDue { opens, send_by } => format!(
                "Agenda to send between {} and {}",
                london_date_label(opens),
                london_date_label(send_by)
            ),
            AgendaStatus::SendBy(by) => format!("Send the agenda by {}", london_date_label(by)),
            AgendaStatus::Late { send_by, days } => format!(
                "Agenda late: not sent {} after {}",
                if days == 1 {
                    "1 day".to_owned()
                } else {
                    format!("{days} days")
                },
                london_date_label(send_by)
            ),
            AgendaStatus::Sent { on, on_time: true } => {
                format!("Agenda sent on {}", london_date_label(on))
            }
            AgendaStatus::Sent { on, on_time: false } => {
                format!("Agenda sent late, on {}", london_date_label(on))
            }
        }
    }

    /// Shown in warning colours.
    pub fn is_late(self) -> bool {
        matches!(
            self,
            AgendaStatus::Late { .. } | AgendaStatus::Sent { on_time: false, .. }
        )
    }
}

/// The agenda clock of `meeting` on `today` (in London).
pub fn agenda_status(meeting: &Record, today: Date) -> AgendaStatus {
    let Some(day) = meeting_date(meeting) else {
        return AgendaStatus::NoDate;
    };
    let (Some(opens), Some(send_by)) = (
        day.add_days(-AGENDA_OPENS_DAYS_BEFORE),
        day.add_days(-AGENDA_DUE_DAYS_BEFORE),
    ) else {
        return AgendaStatus::NoDate;
    };
    if let Some(on) = meeting.date("agenda_sent_on") {
        return AgendaStatus::Sent {
            on,
            on_time: on <= send_by,
        };
    }
    if MeetingStatus::of(meeting) == MeetingStatus::Cancelled {
        return AgendaStatus::NotNeeded;
    }
    if today < opens {
        AgendaStatus::NotDue { opens, send_by }
    } else if today <= send_by {
        AgendaStatus::SendBy(send_by)
    } else {
        AgendaStatus::Late {
            send_by,
            days: today.days_since_epoch() - send_by.days_since_epoch(),
        }
    }
}

/// A meeting's agenda as it is sent: the items, the decisions to make (highlighted), and
/// whether it is written in easy read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agenda {
    pub title: String,
    pub meeting_type: Option<MeetingType>,
    /// "Mon 14 Dec 2026, 10:00", when set.
    pub when: Option<String>,
    pub minutes: Option<u32>,
    pub place: String,
    pub chair: String,
    pub items: Vec<String>,
    /// Shown highlighted: what the meeting is to decide.
    pub decisions: Vec<String>,
    pub easy_read: bool,
}

/// The agenda of `meeting`, in the person's format (see [`in_easy_read`]). In easy read each
/// item is cut to one idea a line ([`crate::easy_read::lines`]).
pub fn agenda(meeting: &Record, communication: Option<&Record>) -> Agenda {
    agenda_in(meeting, in_easy_read(meeting, communication))
}

/// The agenda of `meeting` in easy read or not, whatever its recorded format (a letter to one
/// reader is in that reader's format).
pub fn agenda_in(meeting: &Record, easy_read: bool) -> Agenda {
    let split = |field: &str| {
        if easy_read {
            crate::easy_read::lines(meeting.text(field))
        } else {
            meeting.lines(field)
        }
    };
    Agenda {
        title: meeting.text("title").to_owned(),
        meeting_type: MeetingType::of(meeting),
        when: meeting.number("starts_at").map(when_label),
        minutes: meeting
            .number("minutes")
            .and_then(|n| u32::try_from(n).ok()),
        place: meeting.text("place").trim().to_owned(),
        chair: meeting.text("chair").trim().to_owned(),
        items: split("agenda"),
        decisions: split("decisions_to_make"),
        easy_read,
    }
}

/// "Mon 14 Dec 2026, 10:00" in London.
fn when_label(ms: i64) -> String {
    match Date::of_ms_in_london(ms) {
        Some(day) => format!("{}, {}", london_date_label(day), london_time_label(ms)),
        None => crate::calendar::london_label(ms),
    }
}

// ---- The summary's clock

/// The summary's deadline: [`SUMMARY_WORKING_DAYS`] working days after the day of the meeting
/// (in London), done on the day it was marked sent. `None` for a meeting with no start, and
/// for a cancelled one.
pub fn summary_deadline(meeting: &Record) -> Option<Deadline> {
    if MeetingStatus::of(meeting) == MeetingStatus::Cancelled {
        return None;
    }
    let day = meeting_date(meeting)?;
    let deadline = Deadline::new(day, SUMMARY_WORKING_DAYS);
    Some(match meeting.date("summary_sent_on") {
        Some(sent) => deadline.done_on(sent),
        None => deadline,
    })
}

/// Where the summary of `meeting` stands on `today`: `None` before the day of the meeting
/// (and when there is no deadline); an error past the years the list of bank holidays covers.
pub fn summary_status(
    meeting: &Record,
    today: Date,
) -> Result<Option<DeadlineStatus>, CalendarError> {
    match summary_deadline(meeting) {
        Some(deadline) if today >= deadline.start || deadline.done.is_some() => {
            deadline.status(today).map(Some)
        }
        _ => Ok(None),
    }
}

// ---- Actions

/// An action as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    pub id: Uuid,
    /// The meeting it was agreed at.
    pub meeting: Option<Uuid>,
    pub what: String,
    pub owner: String,
    pub due_on: Option<Date>,
    pub done_on: Option<Date>,
    /// How completion was checked.
    pub verified: String,
}

impl ActionView {
    /// `r`, an action record, as lists show it.
    pub fn of(r: &Record) -> ActionView {
        ActionView {
            id: r.id,
            meeting: r.parent,
            what: r.text("what").to_owned(),
            owner: r.text("owner").trim().to_owned(),
            due_on: r.date("due_on"),
            done_on: r.date("done_on"),
            verified: r.text("verified").to_owned(),
        }
    }

    pub fn is_done(&self) -> bool {
        self.done_on.is_some()
    }

    /// Not done, and its due date has passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.done_on.is_none() && self.due_on.is_some_and(|due| due < today)
    }

    /// Done by its due date (one with no due date counts once done).
    pub fn closed_on_time(&self) -> bool {
        match (self.done_on, self.due_on) {
            (Some(done), Some(due)) => done <= due,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// "Sam, by Fri 27 Nov 2026", "Sam, done Thu 26 Nov 2026", "Sam".
    pub fn owner_and_date(&self) -> String {
        match (self.done_on, self.due_on) {
            (Some(done), _) => format!("{}, done {}", self.owner, london_date_label(done)),
            (None, Some(due)) => format!("{}, by {}", self.owner, london_date_label(due)),
            (None, None) => self.owner.clone(),
        }
    }
}

/// Sorted by due date (those with none last), then in the order they were made.
fn by_due_date(list: &mut [ActionView]) {
    list.sort_by_key(|a| (a.due_on.is_none(), a.due_on, a.id));
}

/// The actions agreed at `meeting` (not removed), soonest due first.
pub fn actions(set: &RecordSet, meeting: Uuid) -> Vec<ActionView> {
    let mut list: Vec<ActionView> = set
        .children(ACTIONS, meeting)
        .filter(|a| !a.deleted)
        .map(ActionView::of)
        .collect();
    by_due_date(&mut list);
    list
}

/// Every action in `set` not done and due before `today`, longest overdue first, across
/// meetings (leaving out those of a removed meeting): what the registered manager sees.
pub fn overdue_actions(set: &RecordSet, today: Date) -> Vec<ActionView> {
    let meeting_removed = |a: &Record| {
        a.parent
            .and_then(|m| set.find(MEETINGS, m))
            .is_some_and(|m| m.deleted)
    };
    let mut list: Vec<ActionView> = set
        .of_kind(ACTIONS)
        .filter(|a| !a.deleted && !meeting_removed(a))
        .map(ActionView::of)
        .filter(|a| a.is_overdue(today))
        .collect();
    by_due_date(&mut list);
    list
}

/// Those of `actions` owned by `owner` (the same name whatever its case or spacing): what an
/// owner sees.
pub fn owned_by(actions: &[ActionView], owner: &str) -> Vec<ActionView> {
    actions
        .iter()
        .filter(|a| same_name(&a.owner, owner))
        .cloned()
        .collect()
}

// ---- Disagreements

/// A step of the escalation route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    KeyWorker,
    RegisteredManager,
    NominatedIndividual,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::KeyWorker => "key_worker",
            Level::RegisteredManager => "registered_manager",
            Level::NominatedIndividual => "nominated_individual",
        }
    }

    pub fn from_choice(key: &str) -> Option<Level> {
        [
            Level::KeyWorker,
            Level::RegisteredManager,
            Level::NominatedIndividual,
        ]
        .into_iter()
        .find(|l| l.key() == key)
    }

    /// "Registered manager".
    pub fn words(self) -> &'static str {
        ESCALATION_LEVELS
            .iter()
            .find(|(k, _)| *k == self.key())
            .map_or("", |(_, w)| w)
    }

    /// Who it goes to next if it is not resolved here: key worker → registered manager →
    /// nominated individual → no one further.
    pub fn next_level(self) -> Option<Level> {
        match self {
            Level::KeyWorker => Some(Level::RegisteredManager),
            Level::RegisteredManager => Some(Level::NominatedIndividual),
            Level::NominatedIndividual => None,
        }
    }
}

/// Whose a view in the disagreement log is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// The person's own.
    Person,
    /// Someone named in the log.
    Named(String),
    /// A view written with no name before it.
    Unnamed,
}

/// One view heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heard {
    pub whose: Whose,
    pub view: String,
}

/// The views of a disagreement, the person's first, then the others one a line as written
/// ("Name: their view"; a line with no name before a colon is unnamed).
pub fn views_heard(record: &Record) -> Vec<Heard> {
    let mut views = Vec::new();
    let person = record.text("person_view").trim();
    if !person.is_empty() {
        views.push(Heard {
            whose: Whose::Person,
            view: person.to_owned(),
        });
    }
    for line in record.lines("others_views") {
        let heard = match line.split_once(':') {
            Some((name, view)) if !name.trim().is_empty() && !view.trim().is_empty() => Heard {
                whose: Whose::Named(name.trim().to_owned()),
                view: view.trim().to_owned(),
            },
            _ => Heard {
                whose: Whose::Unnamed,
                view: line,
            },
        };
        views.push(heard);
    }
    views
}

/// A disagreement as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisagreementView {
    pub id: Uuid,
    /// The meeting it came up in, if any.
    pub meeting: Option<Uuid>,
    pub about: String,
    /// The person's view first.
    pub views: Vec<Heard>,
    pub tried: String,
    pub next_steps: String,
    pub advocate_note: String,
    pub raised_on: Option<Date>,
    pub review_on: Option<Date>,
    /// Who is dealing with it now (the key worker until escalated).
    pub level: Level,
    /// Where it goes if not resolved at this level (`None`: the top of the route).
    pub next_level: Option<Level>,
    pub escalated_to: String,
    pub escalated_on: Option<Date>,
    pub resolved_on: Option<Date>,
    pub resolution: String,
    /// The 20-working-day clock from the day it was raised, done the day it was resolved.
    pub deadline: Option<Deadline>,
    /// Where that clock stands today; an error past the years the list of bank holidays
    /// covers.
    pub clock: Option<Result<DeadlineStatus, CalendarError>>,
}

/// `record` (a disagreement) as the log shows it on `today`.
pub fn disagreement_view(record: &Record, today: Date) -> DisagreementView {
    let raised_on = record.date("raised_on");
    let resolved_on = record.date("resolved_on");
    let deadline = raised_on.map(|raised| {
        let d = Deadline::new(raised, DISAGREEMENT_WORKING_DAYS);
        match resolved_on {
            Some(on) => d.done_on(on),
            None => d,
        }
    });
    let level = Level::from_choice(record.text("level")).unwrap_or(Level::KeyWorker);
    DisagreementView {
        id: record.id,
        meeting: Uuid::parse_str(record.text("meeting").trim()).ok(),
        about: record.text("about").to_owned(),
        views: views_heard(record),
        tried: record.text("tried").to_owned(),
        next_steps: record.text("next_steps").to_owned(),
        advocate_note: record.text("advocate_note").to_owned(),
        raised_on,
        review_on: record.date("review_on"),
        level,
        next_level: level.next_level(),
        escalated_to: record.text("escalated_to").trim().to_owned(),
        escalated_on: record.date("escalated_on"),
        resolved_on,
        resolution: record.text("resolution").to_owned(),
        deadline,
        clock: deadline.map(|d| d.status(today)),
    }
}

/// The disagreements in `set` (not removed) on `today`: open ones first, oldest raised
/// first; then the resolved, most recently resolved first.
pub fn disagreements(set: &RecordSet, today: Date) -> Vec<DisagreementView> {
    let mut list: Vec<DisagreementView> = set
        .of_kind(DISAGREEMENTS)
        .filter(|d| !d.deleted)
        .map(|d| disagreement_view(d, today))
        .collect();
    list.sort_by_key(|d| {
        (
            d.resolved_on.is_some(),
            std::cmp::Reverse(d.resolved_on),
            d.raised_on,
            d.id,
        )
    });
    list
}

// ---- Attendance

/// How people took part in a meeting. A written contribution sent beforehand counts as taking
/// part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Participation {
    pub present: usize,
    pub video: usize,
    pub phone: usize,
    pub written: usize,
    /// Everyone who took part, in any of those ways.
    pub total: usize,
    /// Invited (or listed) but did not take part.
    pub did_not_take_part: usize,
}

/// Who took part in `meeting`, and how.
pub fn participation(set: &RecordSet, meeting: Uuid) -> Participation {
    let mut p = Participation::default();
    for a in set.children(ATTENDANCES, meeting).filter(|a| !a.deleted) {
        match a.text("how") {
            "in_person" => p.present += 1,
            "video" => p.video += 1,
            "phone" => p.phone += 1,
            "written" => p.written += 1,
            _ => {
                p.did_not_take_part += 1;
                continue;
            }
        }
        p.total += 1;
    }
    p
}

/// Whether the person took part in `meeting` in any way (a written contribution included):
/// a participant named `person_name` (their full name, or their first name alone), with a way
/// of taking part recorded.
pub fn person_took_part(set: &RecordSet, meeting: Uuid, person_name: &str) -> bool {
    set.children(ATTENDANCES, meeting)
        .filter(|a| !a.deleted && !a.text("how").is_empty())
        .any(|a| {
            let who = a.text("who");
            same_name(who, person_name) || same_name(who, short_name(person_name))
        })
}

// ---- "I feel involved"

/// The faces a person or their circle answers "I feel involved" with, after a meeting: the
/// score (the face's smile, 1 to 5) and its words. 4 and 5 count as feeling involved.
pub const INVOLVED_SCALE: [(i64, &str); 5] = [
    (1, "No, not at all"),
    (2, "Not really"),
    (3, "A bit"),
    (4, "Mostly"),
    (5, "Yes, very much"),
];

/// The lowest score that counts as feeling involved.
pub const FELT_INVOLVED_FROM: i64 = 4;

/// The words of a score, when it is one of the scale's.
pub fn involved_words(score: i64) -> Option<&'static str> {
    INVOLVED_SCALE
        .iter()
        .find(|(s, _)| *s == score)
        .map(|(_, words)| *words)
}

/// Whose answer to "I feel involved" someone gives, by how they read the record: their own,
/// as the person or someone in the circle; staff record someone else's and choose (`None`).
pub fn own_voice(reader: &Reader) -> Option<&'static str> {
    match reader {
        Reader::ThePerson => Some("person"),
        Reader::Member { .. } => Some("member"),
        Reader::Staff => None,
    }
}

/// One answer to "I feel involved" about a meeting, as the meeting shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub id: Uuid,
    /// "Maggie Rowe", or "The person themselves" when nobody was named.
    pub who: String,
    pub voice: &'static str,
    pub score: i64,
    pub words: &'static str,
    pub said: String,
    /// Whether `me` gave it (they made it, under their own name).
    pub mine: bool,
}

/// The answers given about `meeting`, in the order they were given; `me` is the reader's name.
pub fn answers(set: &RecordSet, meeting: Uuid, me: &str) -> Vec<Answer> {
    let mut list: Vec<&Record> = set
        .children(FEEDBACK, meeting)
        .filter(|r| !r.deleted)
        .collect();
    list.sort_by_key(|r| r.id);
    list.into_iter()
        .filter_map(|r| {
            let score = r.number("score")?;
            let words = involved_words(score)?;
            let voice = FEEDBACK_VOICES
                .iter()
                .find(|(k, _)| *k == r.text("voice"))
                .map_or("member", |(k, _)| *k);
            let who = match r.text("who").trim() {
                "" => FEEDBACK_VOICES
                    .iter()
                    .find(|(k, _)| *k == voice)
                    .map_or("", |(_, w)| *w)
                    .to_owned(),
                named => named.to_owned(),
            };
            Some(Answer {
                id: r.id,
                who,
                voice,
                score,
                words,
                said: r.text("said").to_owned(),
                mine: !me.is_empty() && r.created.by == me,
            })
        })
        .collect()
}

// ---- The stop rule

/// A meeting stopped because the person was overwhelmed, and the plan to meet again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paused {
    pub reason: String,
    pub reconvene_plan: String,
    pub reconvene_on: Option<Date>,
}

/// The pause of `meeting`, if the stop rule was used.
pub fn paused(meeting: &Record) -> Option<Paused> {
    (MeetingStatus::of(meeting) == MeetingStatus::Paused).then(|| Paused {
        reason: meeting.text("paused_reason").trim().to_owned(),
        reconvene_plan: meeting.text("reconvene_plan").trim().to_owned(),
        reconvene_on: meeting.date("reconvene_on"),
    })
}

// ---- The plain-English summary

/// What a reader who may not read meetings and reviews is sent instead of a summary.
pub const NOTHING_SHARED: &str = "Nothing from this meeting is shared with you.";

/// A meeting's summary as one reader may read it: a title, sections (a heading and its
/// lines), and the same as plain text to send by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub title: String,
    /// Lines under the title, before the sections (when the meeting was held).
    pub lead: Vec<String>,
    pub sections: Vec<(String, Vec<String>)>,
    /// The title, then each section: its heading and its lines, each starting "- ". Lines end
    /// with "\n".
    pub plain_text: String,
}

impl Summary {
    /// A page of `title`, `lead` lines and `sections`, with its plain text.
    pub fn of(title: String, sections: Vec<(String, Vec<String>)>, lead: Vec<String>) -> Summary {
        let mut text = format!("{title}\n");
        for line in &lead {
            text.push_str(line);
            text.push('\n');
        }
        for (heading, lines) in &sections {
            text.push('\n');
            text.push_str(heading);
            text.push('\n');
            for line in lines {
                text.push_str("- ");
                text.push_str(line);
                text.push('\n');
            }
        }
        Summary {
            title,
            lead,
            sections,
            plain_text: text,
        }
    }

    /// Whether anything of the meeting is in it.
    pub fn is_shared(&self) -> bool {
        !self.sections.is_empty()
    }
}

/// Headings and wording, standard or easy read.
struct Wording {
    easy: bool,
}

impl Wording {
    fn date(&self, d: Date) -> String {
        // Easy read writes dates in full: no abbreviations.
        if self.easy {
            london_date_label_long(d)
        } else {
            london_date_label(d)
        }
    }

    fn heading(&self, standard: &str, easy: &str) -> String {
        if self.easy { easy } else { standard }.to_owned()
    }

    /// A text as lines: one idea a line in easy read, its own lines otherwise.
    fn split(&self, text: &str) -> Vec<String> {
        if self.easy {
            crate::easy_read::lines(text)
        } else {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        }
    }
}

/// The summary of meeting `meeting_id` in `set` for a reader who may read `readable`: what was
/// decided (the decisions to make, and the linked decision record's outcome when its topic is
/// readable), the actions with their owners and due dates, the disagreements raised at it, the
/// consent points, the pause if the stop rule was used, and the next review. In easy read
/// (`easy_read`) the headings are plainer, dates are written in full and every line holds one
/// idea. A reader who may not read meetings and reviews gets no sections, only
/// [`NOTHING_SHARED`]; every other record is checked against `readable` on its own topic.
pub fn summary(
    set: &RecordSet,
    meeting_id: Uuid,
    person_name: &str,
    readable: &BTreeSet<Topic>,
    easy_read: bool,
) -> Summary {
    let may_read = |r: &Record| !r.deleted && readable.contains(&r.topic);
    let Some(meeting) = set.find(MEETINGS, meeting_id).filter(|m| may_read(m)) else {
        return Summary::of(
            "Meeting summary".to_owned(),
            Vec::new(),
            vec![NOTHING_SHARED.to_owned()],
        );
    };
    let w = Wording { easy: easy_read };
    let (full, first) = match short_name(person_name) {
        "" => ("The person", "the person"),
        name => (person_name.trim(), name),
    };
    let kind_words = MeetingType::of(meeting).map_or("meeting", |t| t.words());
    let title = format!(
        "{}: {}",
        possessive(
            if w.easy { first } else { full },
            &kind_words.to_lowercase()
        ),
        meeting.text("title").trim()
    );
    let mut lead = Vec::new();
    if let Some(ms) = meeting.number("starts_at")
        && let Some(day) = Date::of_ms_in_london(ms)
    {
        lead.push(if w.easy {
            format!("We met on {}.", w.date(day))
        } else {
            format!("Held on {}, {}", w.date(day), london_time_label(ms))
        });
    }
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut push = |heading: String, lines: Vec<String>| {
        if !lines.is_empty() {
            sections.push((heading, lines));
        }
    };

    // Decisions.
    let mut decided = w.split(meeting.text("decisions_to_make"));
    if let Some(d) = linked_decision(set, meeting).filter(|d| may_read(d)) {
        decided.extend(decision_lines(d, first, &w));
    }
    push(w.heading("Decisions", "Decisions"), decided);

    // Actions.
    let mut action_lines = Vec::new();
    for a in actions(set, meeting.id)
        .into_iter()
        .filter(|a| set.find(ACTIONS, a.id).is_some_and(&may_read))
    {
        if w.easy {
            action_lines.extend(w.split(&a.what));
            action_lines.push(format!("Who: {}.", a.owner));
            match (a.done_on, a.due_on) {
                (Some(done), _) => action_lines.push(format!("Done on {}.", w.date(done))),
                (None, Some(due)) => action_lines.push(format!("By {}.", w.date(due))),
                (None, None) => {}
            }
        } else {
            action_lines.push(format!("{} ({})", a.what.trim(), a.owner_and_date()));
        }
    }
    push(w.heading("Actions", "Who will do what"), action_lines);

    // Disagreements raised at this meeting.
    let mut disagreement_lines = Vec::new();
    for d in set
        .of_kind(DISAGREEMENTS)
        .filter(|d| may_read(d))
        .filter(|d| Uuid::parse_str(d.text("meeting").trim()).ok() == Some(meeting.id))
    {
        disagreement_lines.extend(disagreement_lines_of(d, first, &w));
    }
    push(
        w.heading("Where we disagree", "Where we do not agree"),
        disagreement_lines,
    );

    // Consent.
    push(
        w.heading("Consent", &format!("What {first} said yes to")),
        w.split(meeting.text("consent_points")),
    );

    // The stop rule.
    if let Some(p) = paused(meeting) {
        let mut lines = Vec::new();
        if w.easy {
            lines.push("We stopped the meeting early.".to_owned());
            lines.extend(w.split(&p.reason));
            lines.extend(w.split(&p.reconvene_plan));
            if let Some(on) = p.reconvene_on {
                lines.push(format!("We will meet again on {}.", w.date(on)));
            }
        } else {
            lines.push(if p.reason.is_empty() {
                "The meeting was paused.".to_owned()
            } else {
                format!("The meeting was paused: {}", p.reason)
            });
            if !p.reconvene_plan.is_empty() {
                lines.push(format!("Plan to meet again: {}", p.reconvene_plan));
            }
            if let Some(on) = p.reconvene_on {
                lines.push(format!("Meeting again on {}", w.date(on)));
            }
        }
        push(w.heading("Paused", "We stopped early"), lines);
    }

    // The next review: said even when not booked, since it should be.
    let next = match meeting.date("next_review_on") {
        Some(on) if w.easy => format!("Our next meeting is on {}.", w.date(on)),
        Some(on) => w.date(on),
        None if w.easy => "We have not set a date yet.".to_owned(),
        None => "Not booked yet".to_owned(),
    };
    sections.push((w.heading("Next review", "Our next meeting"), vec![next]));

    Summary::of(title, sections, lead)
}

/// The outcome of a decision record, for the summary.
fn decision_lines(d: &Record, first: &str, w: &Wording) -> Vec<String> {
    let decision = d.text("decision").trim();
    let chosen = d.text("chosen").trim();
    let stage = DecisionStage::of(d);
    let review = d.date("review_date");
    if w.easy {
        let mut lines = w.split(decision);
        match stage {
            DecisionStage::Decided => lines.push(format!("{first} made this decision.")),
            DecisionStage::BestInterests if !chosen.is_empty() => {
                lines.push(format!("We decided what is best for {first}."));
                lines.extend(w.split(&format!("We chose: {chosen}")));
            }
            DecisionStage::BestInterests => {
                lines.push(format!("We are deciding what is best for {first}."));
            }
            DecisionStage::Capacity => {
                lines.push(format!(
                    "We are checking if {first} can make this decision."
                ));
            }
            DecisionStage::Consent => lines.push(format!("We will decide this with {first}.")),
        }
        if let Some(on) = review {
            lines.push(format!("We will look at this again on {}.", w.date(on)));
        }
        return lines;
    }
    let outcome = match stage {
        DecisionStage::Decided => format!("{first} made this decision, with support"),
        DecisionStage::BestInterests if !chosen.is_empty() => {
            format!("decided in {first}'s best interests: {chosen}")
        }
        DecisionStage::BestInterests => "a best-interests decision is being made".to_owned(),
        DecisionStage::Capacity => {
            format!("{first}'s capacity to make this decision is being assessed")
        }
        DecisionStage::Consent => format!("still to be decided with {first}"),
    };
    let mut lines = vec![format!("{decision} — {outcome}")];
    if let Some(on) = review {
        lines.push(format!("{decision} — review on {}", w.date(on)));
    }
    lines
}

/// A disagreement, for the summary: what it is about, each view (the person's first), what's
/// next, the advocate's note, the review date, and how it was resolved.
fn disagreement_lines_of(d: &Record, first: &str, w: &Wording) -> Vec<String> {
    let mut lines = Vec::new();
    let mut add = |label: &str, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if w.easy {
            lines.push(format!("{label}:"));
            lines.extend(w.split(text));
        } else {
            lines.push(format!("{label}: {}", text.replace('\n', " ")));
        }
    };
    add("About", d.text("about"));
    for heard in views_heard(d) {
        let whose = match &heard.whose {
            Whose::Person => format!("{first}'s view"),
            Whose::Named(name) => format!("{name}'s view"),
            Whose::Unnamed => "Another view".to_owned(),
        };
        add(&whose, &heard.view);
    }
    add("What we tried", d.text("tried"));
    add("What's next", d.text("next_steps"));
    add("The advocate's note", d.text("advocate_note"));
    if let Some(on) = d.date("review_on") {
        add("Review on", &w.date(on));
    }
    if let Some(on) = d.date("resolved_on") {
        let resolved = format!("Resolved on {}", w.date(on));
        if d.text("resolution").trim().is_empty() {
            add(&resolved, &resolved);
        } else {
            add(&resolved, d.text("resolution"));
        }
    }
    lines
}

// ---- The calendar file

/// `ms` as an iCalendar UTC date-time, "20261214T100000Z". Instants outside years 1 to 9999
/// are held at those ends.
fn ics_utc(ms: i64) -> String {
    const DAY: i64 = 86_400_000;
    let days = ms
        .div_euclid(DAY)
        .clamp(Date::MIN.days_since_epoch(), Date::MAX.days_since_epoch());
    let date = Date::from_days_since_epoch(days).unwrap_or(Date::MIN);
    let secs = ms.rem_euclid(DAY) / 1000;
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        date.year(),
        date.month(),
        date.day(),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `text` as an iCalendar TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma
/// escaped with a backslash, each line break written `\n`; other control characters, which a
/// TEXT value may not hold, dropped.
pub fn ics_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line folded as RFC 5545 §3.1 asks: no line longer than 75 octets (without its
/// CRLF), each continuation starting with a space, never splitting a UTF-8 character; every
/// line ends with CRLF.
pub fn ics_fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// A calendar file (RFC 5545) holding one event: `meeting_title` starting at `starts_at_ms`
/// for `minutes`, identified by `uid` (the same for every copy of the same meeting, so that a
/// calendar updates it rather than adding another), stamped `now_ms`. Times are in UTC; lines
/// end with CRLF and are folded at 75 octets.
pub fn ics(meeting_title: &str, starts_at_ms: i64, minutes: u32, uid: &str, now_ms: i64) -> String {
    let ends_at_ms = starts_at_ms.saturating_add(i64::from(minutes) * 60_000);
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Circle//Reviews//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", ics_escape(uid)),
        format!("DTSTAMP:{}", ics_utc(now_ms)),
        format!("DTSTART:{}", ics_utc(starts_at_ms)),
        format!("DTEND:{}", ics_utc(ends_at_ms)),
        format!("SUMMARY:{}", ics_escape(meeting_title)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| ics_fold(l)).collect()
}

/// The calendar file of `meeting`'s own start (its next review is a meeting of its own once
/// booked), with a UID from its id; `None` without a start. Its length is the one recorded,
/// otherwise the longest usual for its type, otherwise an hour.
pub fn meeting_ics(meeting: &Record, now_ms: i64) -> Option<String> {
    let starts = meeting.number("starts_at")?;
    let minutes = meeting
        .number("minutes")
        .and_then(|n| u32::try_from(n).ok())
        .or_else(|| MeetingType::of(meeting).map(|t| t.usual_minutes().1))
        .unwrap_or(60);
    Some(ics(
        meeting.text("title"),
        starts,
        minutes,
        &format!("{}@circle", meeting.id),
        now_ms,
    ))
}
