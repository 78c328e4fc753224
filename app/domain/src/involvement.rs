//! The involvement plan as screens show it: the circle of support (as a list and as a map), the
//! communication needs flagged wherever the record opens, the dates the meeting rhythm gives,
//! and the wording help of strengths-based practice. The records themselves are declared in
//! [`crate::records::kinds`] (`circle_member`, `communication`, `meeting_rhythm`, `deciding`).

use uuid::Uuid;

use crate::calendar::{Date, days_in_month};
use crate::records::kinds::{
    CIRCLE_MEMBER, COMMUNICATING, COMMUNICATION, FieldSpec, MEMBERS, RHYTHM,
};
use crate::records::{Record, RecordSet, Value};
use crate::{PersonId, records::kinds::DECIDING_KIND};

/// A member of the circle as the list and the map show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub id: Uuid,
    pub name: String,
    pub relationship: String,
    /// "Family", "Advocate: Care Act advocate".
    pub role: String,
    pub closeness: String,
    pub involved: bool,
    pub helps_with: String,
    pub contact: String,
    pub boundaries: String,
}

fn label_of(field: &str, key: &str) -> String {
    CIRCLE_MEMBER
        .field(field)
        .map_or(key, |f| f.choice_label(key))
        .to_owned()
}

/// The members of the circle in `set`, closest first, then by name.
pub fn members(set: &RecordSet) -> Vec<MemberView> {
    let mut members: Vec<MemberView> = set
        .of_kind(MEMBERS)
        .filter(|m| !m.deleted)
        .map(|m| {
            let role = m.text("role");
            let mut role_words = label_of("role", role);
            let advocate = m.text("advocate_type");
            if role == "advocate" && !advocate.is_empty() {
                role_words = format!("{role_words}: {}", label_of("advocate_type", advocate));
            }
            MemberView {
                id: m.id,
                name: m.text("name").to_owned(),
                relationship: m.text("relationship").to_owned(),
                role: role_words,
                closeness: m.text("closeness").to_owned(),
                involved: m.flag("involved"),
                helps_with: m.text("helps_with").to_owned(),
                contact: m.text("contact").to_owned(),
                boundaries: m.text("boundaries").to_owned(),
            }
        })
        .collect();
    members.sort_by_key(|m| (ring(&m.closeness), m.name.to_lowercase()));
    members
}

/// Which ring of the map a closeness puts a member in: 0 the nearest.
fn ring(closeness: &str) -> usize {
    match closeness {
        "closest" => 0,
        "further" => 2,
        _ => 1,
    }
}

/// Where a member sits on the circle map: on ring `ring` (0 nearest the person), at `x`, `y`
/// in a 400 by 400 picture with the person at its centre.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPlace {
    pub id: Uuid,
    pub name: String,
    pub ring: usize,
    pub x: f64,
    pub y: f64,
}

/// The radius of each ring of the map, in the picture's units.
pub const MAP_RINGS: [f64; 3] = [80.0, 135.0, 185.0];

/// The circle map: each member on the ring of their closeness, spread evenly round it (each
/// ring starts at a different angle, so names on neighbouring rings don't line up).
pub fn map(members: &[MemberView]) -> Vec<MapPlace> {
    let mut places = Vec::new();
    for (ring_no, radius) in MAP_RINGS.iter().enumerate() {
        let on_ring: Vec<&MemberView> = members
            .iter()
            .filter(|m| ring(&m.closeness) == ring_no)
            .collect();
        let n = on_ring.len() as f64;
        let start = -std::f64::consts::FRAC_PI_2 + ring_no as f64 * 0.5;
        for (i, m) in on_ring.iter().enumerate() {
            let angle = start + std::f64::consts::TAU * i as f64 / n;
            places.push(MapPlace {
                id: m.id,
                name: m.name.clone(),
                ring: ring_no,
                x: (200.0 + radius * angle.cos()).round(),
                y: (200.0 + radius * angle.sin()).round(),
            });
        }
    }
    places
}

/// Block 2 of `person`'s plan in `set`, if written.
pub fn communication(set: &RecordSet, person: PersonId) -> Option<&Record> {
    set.find(COMMUNICATING, person.0).filter(|r| !r.deleted)
}

fn field(name: &str) -> &'static FieldSpec {
    COMMUNICATION
        .field(name)
        .expect("declared in kinds::COMMUNICATION")
}

/// The short line flagged at the top of every page of the record (the Accessible Information
/// Standard): "Easy read, Pictures and symbols · Mornings · 30 minutes at most · Speak to me,
/// not to Ruth". `None` when nothing is written.
pub fn communication_banner(record: Option<&Record>) -> Option<String> {
    let r = record?;
    let mut parts = Vec::new();
    if !r.text("language").trim().is_empty() {
        parts.push(r.text("language").trim().to_owned());
    }
    if let Value::Texts(formats) = r.get("formats")
        && !formats.is_empty()
    {
        let f = field("formats");
        parts.push(
            formats
                .iter()
                .map(|k| f.choice_label(k))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !r.text("best_time").trim().is_empty() {
        parts.push(r.text("best_time").trim().to_owned());
    }
    if let Value::Number(minutes) = r.get("longest_meeting") {
        parts.push(format!("{minutes} minutes at most"));
    }
    if !r.text("first_thing").trim().is_empty() {
        parts.push(r.text("first_thing").trim().to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Whether the person asked for easy read: their plan then opens in the easy-read view.
pub fn wants_easy_read(record: Option<&Record>) -> bool {
    record.is_some_and(
        |r| matches!(r.get("formats"), Value::Texts(f) if f.iter().any(|k| k == "easy_read")),
    )
}

/// Which meeting a planned date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planned {
    MiniReview,
    DeepDive,
}

impl Planned {
    pub fn words(self) -> &'static str {
        match self {
            Planned::MiniReview => "Mini-review",
            Planned::DeepDive => "Deep-dive review",
        }
    }
}

/// `date` moved on by `months` calendar months, kept to the month's last day when the month is
/// shorter (31 January + 1 month is 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    let total = i64::from(date.month() - 1) + i64::from(months);
    let year = i32::try_from(i64::from(date.year()) + total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    let day = date.day().min(days_in_month(year, month));
    Date::new(year, month, day).ok()
}

/// The `n`-th date of a cadence from `from` (0 is `from` itself), counted from the start each
/// time so that month ends never drift (31 Jan, 28 Feb, 31 Mar).
fn nth(cadence: &str, from: Date, n: u32) -> Option<Date> {
    match cadence {
        "fortnightly" => from.add_days(14 * i64::from(n)),
        "six_weekly" => from.add_days(42 * i64::from(n)),
        "monthly" => add_months(from, n),
        "quarterly" => add_months(from, 3 * n),
        "six_monthly" => add_months(from, 6 * n),
        "yearly" => add_months(from, 12 * n),
        _ => None,
    }
}

/// The next `count` meetings the rhythm in `record` gives, on or after `today`: mini-reviews and
/// deep-dives from the date it starts, a deep-dive taking the place of a mini-review due the
/// same day. Empty until a starting date and a cadence are chosen.
pub fn next_meetings(record: Option<&Record>, today: Date, count: usize) -> Vec<(Date, Planned)> {
    let Some(r) = record else {
        return Vec::new();
    };
    let Value::Date(from) = r.get("starts_on") else {
        return Vec::new();
    };
    let mut dates: Vec<(Date, Planned)> = Vec::new();
    for (cadence, planned) in [
        (r.text("deep_dive"), Planned::DeepDive),
        (r.text("mini_review"), Planned::MiniReview),
    ] {
        let mut found = 0;
        // Enough steps to pass `today` from any start within a few decades.
        for n in 0..2_000 {
            let Some(date) = nth(cadence, *from, n) else {
                break;
            };
            if date < today {
                continue;
            }
            if !dates.iter().any(|(d, _)| *d == date) {
                dates.push((date, planned));
                found += 1;
            }
            if found >= count {
                break;
            }
        }
    }
    dates.sort_by_key(|(d, _)| *d);
    dates.truncate(count);
    dates
}

/// The rhythm record of `person` in `set`.
pub fn rhythm(set: &RecordSet, person: PersonId) -> Option<&Record> {
    set.find(RHYTHM, person.0).filter(|r| !r.deleted)
}

/// Block 4 of `person`'s plan in `set`.
pub fn deciding(set: &RecordSet, person: PersonId) -> Option<&Record> {
    set.find(DECIDING_KIND, person.0).filter(|r| !r.deleted)
}

/// A decision record as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionView {
    pub id: Uuid,
    pub decision: String,
    pub decided_on: Option<Date>,
    pub topic: crate::access::Topic,
    pub stage: crate::records::kinds::DecisionStage,
    pub review: Option<Date>,
}

/// The decisions in `set`: those with the soonest review first, then those with none, newest
/// first.
pub fn decisions(set: &RecordSet) -> Vec<DecisionView> {
    let date = |r: &Record, f: &str| match r.get(f) {
        Value::Date(d) => Some(*d),
        _ => None,
    };
    let mut list: Vec<DecisionView> = set
        .of_kind(crate::records::kinds::DECISIONS)
        .filter(|r| !r.deleted)
        .map(|r| DecisionView {
            id: r.id,
            decision: r.text("decision").to_owned(),
            decided_on: date(r, "decided_on"),
            topic: r.topic,
            stage: crate::records::kinds::DecisionStage::of(r),
            review: date(r, "review_date"),
        })
        .collect();
    list.sort_by_key(|d| {
        (
            d.review.is_none(),
            d.review,
            std::cmp::Reverse(d.decided_on),
        )
    });
    list
}

/// How long an advocate may take to be engaged once a trigger arises.
pub const ADVOCATE_WITHIN_MS: i64 = 48 * 60 * 60 * 1000;

/// The 48-hour clock of an advocacy referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralClock {
    /// No time is recorded for the trigger yet.
    NotStarted,
    /// Running: this many minutes are left.
    Running { minutes_left: i64 },
    /// Past 48 hours and the advocate not yet engaged: late by this many minutes.
    Late { minutes_over: i64 },
    /// Engaged after this many minutes: within 48 hours or not.
    Engaged { minutes: i64, on_time: bool },
}

impl ReferralClock {
    /// The clock of `referral` at `now_ms`.
    pub fn of(referral: &Record, now_ms: i64) -> ReferralClock {
        let moment = |f: &str| match referral.get(f) {
            Value::Number(n) => Some(*n),
            _ => None,
        };
        let Some(arose) = moment("arose_at") else {
            return ReferralClock::NotStarted;
        };
        let minutes = |ms: i64| ms.div_euclid(60_000);
        match moment("engaged_at") {
            Some(engaged) => ReferralClock::Engaged {
                minutes: minutes(engaged - arose),
                on_time: engaged - arose <= ADVOCATE_WITHIN_MS,
            },
            None if now_ms - arose > ADVOCATE_WITHIN_MS => ReferralClock::Late {
                minutes_over: minutes(now_ms - arose - ADVOCATE_WITHIN_MS),
            },
            None => ReferralClock::Running {
                minutes_left: minutes(arose + ADVOCATE_WITHIN_MS - now_ms).max(0),
            },
        }
    }

    /// Whether the referral is (or was) late: shown in warning colours.
    pub fn is_late(self) -> bool {
        matches!(
            self,
            ReferralClock::Late { .. } | ReferralClock::Engaged { on_time: false, .. }
        )
    }

    /// "31 hours 5 minutes left to engage an advocate", "Late: no advocate after 48 hours (2
    /// hours over)", "Advocate engaged in 20 hours: on time".
    pub fn words(self) -> String {
        let span = |m: i64| {
            let (h, m) = (m / 60, m % 60);
            match (h, m) {
                (0, m) => plural(m, "minute"),
                (h, 0) => plural(h, "hour"),
                (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
            }
        };
        match self {
            ReferralClock::NotStarted => "Clock not started: record when the trigger arose".into(),
            ReferralClock::Running { minutes_left } => {
                format!("{} left to engage an advocate", span(minutes_left))
            }
            ReferralClock::Late { minutes_over } => format!(
                "Late: no advocate engaged within 48 hours ({} over)",
                span(minutes_over)
            ),
            ReferralClock::Engaged {
                minutes,
                on_time: true,
            } => format!("Advocate engaged in {}: on time", span(minutes)),
            ReferralClock::Engaged {
                minutes,
                on_time: false,
            } => format!("Advocate engaged late, after {}", span(minutes)),
        }
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

// ---- Strengths-based language

/// Deficit words and what to consider writing instead, kept as data: a suggestion is offered,
/// never applied.
pub const DEFICIT_WORDS: &[(&str, &str)] = &[
    ("wanders", "walks with purpose"),
    ("wandering", "walking with purpose"),
    ("vulnerable", "at risk of … (say what, and when)"),
    (
        "non-compliant",
        "chooses not to … (say why, in their words)",
    ),
    ("noncompliant", "chooses not to … (say why, in their words)"),
    ("challenging", "finds … hard (say what helps)"),
    ("demanding", "knows what they want; asks for …"),
    ("refuses", "decides not to; says no to"),
    ("refused", "decided not to; said no to"),
    ("still driving", "drives"),
    ("fiercely independent", "values doing things for themselves"),
    ("attention seeking", "seeking connection"),
    ("attention-seeking", "seeking connection"),
    ("kicks off", "becomes distressed when …"),
];

/// The question types of strengths-based conversations, with an example of each, offered as
/// prompts where goals and reviews are written.
pub const STRENGTHS_QUESTIONS: &[(&str, &str)] = &[
    (
        "Survival",
        "How have you managed to get through difficult times?",
    ),
    ("Support", "Who are the people who help you, and how?"),
    (
        "Exception",
        "When things were going well, what was different?",
    ),
    ("Possibility", "What would you like to be doing in a year?"),
    (
        "Esteem",
        "What are you proud of? What do people praise you for?",
    ),
    ("Perspective", "What do you think about what is happening?"),
    (
        "Change",
        "What would be the first sign things were getting better?",
    ),
];

/// Deficit words found in `text`, whole words only, whatever their case, each once: the word
/// as listed and the suggestion.
pub fn language_suggestions(text: &str) -> Vec<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    let mut found: Vec<(&'static str, &'static str)> = Vec::new();
    for &(word, instead) in DEFICIT_WORDS {
        let mut start = 0;
        while let Some(at) = lower[start..].find(word) {
            let begin = start + at;
            let end = begin + word.len();
            let before = lower[..begin].chars().next_back();
            let after = lower[end..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '-');
            if boundary(before) && boundary(after) {
                if !found.iter().any(|(_, s)| *s == instead) {
                    found.push((word, instead));
                }
                break;
            }
            start = end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Topic;
    use crate::records::Stamp;

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn record(kind: &str, id: Uuid, fields: &[(&str, Value)]) -> Record {
        Record::for_test(kind, id, None, Topic::Involvement, fields)
    }

    fn rhythm_from(mini: &str, deep: &str, from: &str) -> Record {
        record(
            RHYTHM,
            Uuid::nil(),
            &[
                ("mini_review", Value::Choice(mini.into())),
                ("deep_dive", Value::Choice(deep.into())),
                ("starts_on", Value::Date(date(from))),
            ],
        )
    }

    #[test]
    fn a_month_on_from_the_last_day_of_january_is_the_last_day_of_february() {
        assert_eq!(add_months(date("2027-01-31"), 1), Some(date("2027-02-28")));
        assert_eq!(add_months(date("2028-01-31"), 1), Some(date("2028-02-29")));
        assert_eq!(add_months(date("2026-11-15"), 3), Some(date("2027-02-15")));
        assert_eq!(add_months(date("2026-12-01"), 12), Some(date("2027-12-01")));
    }

    #[test]
    fn monthly_reviews_from_a_month_end_do_not_drift_to_the_28th() {
        let r = rhythm_from("monthly", "none", "2027-01-31");
        let dates: Vec<Date> = next_meetings(Some(&r), date("2027-01-01"), 4)
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        assert_eq!(
            dates,
            vec![
                date("2027-01-31"),
                date("2027-02-28"),
                date("2027-03-31"),
                date("2027-04-30")
            ]
        );
    }

    #[test]
    fn a_deep_dive_takes_the_place_of_the_mini_review_due_the_same_day() {
        let r = rhythm_from("monthly", "quarterly", "2027-01-10");
        let next = next_meetings(Some(&r), date("2027-01-01"), 5);
        assert_eq!(
            next,
            vec![
                (date("2027-01-10"), Planned::DeepDive),
                (date("2027-02-10"), Planned::MiniReview),
                (date("2027-03-10"), Planned::MiniReview),
                (date("2027-04-10"), Planned::DeepDive),
                (date("2027-05-10"), Planned::MiniReview),
            ]
        );
    }

    #[test]
    fn only_dates_from_today_are_given_however_long_ago_the_rhythm_started() {
        let r = rhythm_from("fortnightly", "none", "2020-01-06");
        let next = next_meetings(Some(&r), date("2026-12-04"), 2);
        assert_eq!(next.len(), 2);
        assert!(next[0].0 >= date("2026-12-04"));
        assert_eq!(
            next[1].0.days_since_epoch() - next[0].0.days_since_epoch(),
            14
        );
        // 2020-01-06 is a Monday; so is every fortnight after it.
        assert_eq!(next[0].0.weekday(), date("2020-01-06").weekday());
    }

    #[test]
    fn no_dates_are_given_without_a_starting_date_or_a_cadence() {
        let mut r = rhythm_from("none", "none", "2027-01-10");
        assert!(next_meetings(Some(&r), date("2027-01-01"), 3).is_empty());
        r.fields.insert("starts_on".into(), Value::Empty);
        r.fields
            .insert("mini_review".into(), Value::Choice("monthly".into()));
        assert!(next_meetings(Some(&r), date("2027-01-01"), 3).is_empty());
        assert!(next_meetings(None, date("2027-01-01"), 3).is_empty());
    }

    #[test]
    fn the_communication_banner_reads_as_one_short_line_in_the_order_people_need_it() {
        let r = record(
            COMMUNICATING,
            Uuid::nil(),
            &[
                ("language", Value::Text(String::new())),
                (
                    "formats",
                    Value::Texts(vec!["easy_read".into(), "pictures".into()]),
                ),
                ("best_time", Value::Text("Mornings".into())),
                ("longest_meeting", Value::Number(30)),
                (
                    "first_thing",
                    Value::Text("Speak to me, not to Ruth".into()),
                ),
            ],
        );
        assert_eq!(
            communication_banner(Some(&r)).as_deref(),
            Some(
                "Easy read, Pictures and symbols · Mornings · 30 minutes at most · Speak to me, not to Ruth"
            )
        );
        assert!(wants_easy_read(Some(&r)));
        let empty = record(COMMUNICATING, Uuid::nil(), &[]);
        assert_eq!(communication_banner(Some(&empty)), None);
        assert!(!wants_easy_read(Some(&empty)));
    }

    #[test]
    fn members_are_listed_closest_first_and_an_advocate_is_named_by_type() {
        let mut set = RecordSet::new();
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        set.insert(record(
            MEMBERS,
            a,
            &[
                ("name", Value::Text("Sam".into())),
                ("role", Value::Choice("advocate".into())),
                ("advocate_type", Value::Choice("care_act".into())),
                ("closeness", Value::Choice("further".into())),
            ],
        ));
        set.insert(record(
            MEMBERS,
            b,
            &[
                ("name", Value::Text("Ruth".into())),
                ("role", Value::Choice("family".into())),
                ("closeness", Value::Choice("closest".into())),
            ],
        ));
        let list = members(&set);
        assert_eq!(list[0].name, "Ruth");
        assert_eq!(list[1].role, "Advocate: Care Act advocate");
        let places = map(&list);
        assert_eq!(places[0].ring, 0);
        assert_eq!(places[1].ring, 2);
        // The nearest ring is nearer the centre than the outer one.
        let dist = |p: &MapPlace| ((p.x - 200.0).powi(2) + (p.y - 200.0).powi(2)).sqrt();
        assert!(dist(&places[0]) < dist(&places[1]));
    }

    #[test]
    fn deficit_words_are_found_as_whole_words_whatever_their_case() {
        let found = language_suggestions("Dan Wanders at night and is Non-compliant with meds.");
        let words: Vec<&str> = found.iter().map(|(w, _)| *w).collect();
        assert_eq!(words, vec!["wanders", "non-compliant"]);
        assert_eq!(found[0].1, "walks with purpose");
        // Not inside other words, and nothing for plain text.
        assert!(language_suggestions("He wandersome; a demandingly long walk").is_empty());
        assert!(language_suggestions("Maggie makes her own breakfast").is_empty());
        assert_eq!(language_suggestions("still driving at 80").len(), 1);
    }

    #[test]
    fn every_deficit_word_has_a_suggestion_and_every_question_type_an_example() {
        for (word, instead) in DEFICIT_WORDS {
            assert!(!word.is_empty() && !instead.is_empty());
            assert_eq!(*word, word.to_lowercase(), "listed in lower case");
        }
        let kinds: Vec<&str> = STRENGTHS_QUESTIONS.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            vec![
                "Survival",
                "Support",
                "Exception",
                "Possibility",
                "Esteem",
                "Perspective",
                "Change"
            ]
        );
    }

    mod decisions {
        use super::*;
        use crate::records::engine::{Ctx, apply};
        use crate::records::kinds::{Catalog, DECISIONS, DecisionStage};
        use crate::records::{Outcome, RecordOp};

        const PERSON: PersonId = PersonId(Uuid::from_u128(7));
        const ID: Uuid = Uuid::from_u128(8);

        fn run(set: &mut RecordSet, ops: Vec<RecordOp>) -> Vec<Outcome> {
            let catalog = Catalog::standard();
            ops.into_iter()
                .enumerate()
                .map(|(n, op)| {
                    let ctx = Ctx {
                        catalog: &catalog,
                        person: PERSON,
                        stamp: Stamp::default(),
                        cause: (Uuid::nil(), n as u64 + 1),
                        version: n as u64 + 1,
                    };
                    apply(set, &op, &ctx).outcome
                })
                .collect()
        }

        fn set(field: &str, value: Value) -> RecordOp {
            RecordOp::Set {
                kind: DECISIONS.into(),
                id: ID,
                field: field.into(),
                before: Value::Empty,
                after: value,
            }
        }

        fn choice(field: &str, key: &str) -> RecordOp {
            set(field, Value::Choice(key.into()))
        }

        fn text(field: &str, t: &str) -> RecordOp {
            set(field, Value::Text(t.into()))
        }

        fn new_decision() -> RecordOp {
            RecordOp::Create {
                kind: DECISIONS.into(),
                id: ID,
                parent: None,
                topic: Some(crate::access::Topic::DailyLiving),
                fields: [(
                    "decision".to_owned(),
                    Value::Text("Coming home after 11pm".into()),
                )]
                .into_iter()
                .collect(),
            }
        }

        fn rejected(o: &Outcome) -> bool {
            matches!(o, Outcome::Rejected { .. })
        }

        #[test]
        fn a_best_interests_decision_cannot_be_recorded_before_the_consent_and_capacity_steps() {
            let mut records = RecordSet::new();
            let outcomes = run(
                &mut records,
                vec![
                    new_decision(),
                    text("chosen", "Out until midnight with a text at 11"),
                    choice("outcome", "doubt"),
                    choice("understand", "no"),
                ],
            );
            assert!(!rejected(&outcomes[0]));
            // Best interests first: refused, with the step that comes first named.
            match &outcomes[1] {
                Outcome::Rejected { reason } => {
                    assert!(reason.contains("How I was supported to decide"), "{reason}")
                }
                other => panic!("{other:?}"),
            }
            // What happened, before saying how the person was supported: refused too.
            assert!(rejected(&outcomes[2]));
            assert!(rejected(&outcomes[3]));
        }

        #[test]
        fn the_steps_taken_in_order_end_in_a_best_interests_decision() {
            let mut records = RecordSet::new();
            let mut ops = vec![
                new_decision(),
                text("supported", "Talked it through with Lee, with pictures"),
                choice("outcome", "doubt"),
            ];
            for (field, answer) in [
                ("understand", "yes"),
                ("retain", "yes"),
                ("weigh", "no"),
                ("communicate", "yes"),
            ] {
                ops.push(choice(field, answer));
            }
            ops.push(text("consulted", "Lee (advocate), Carol (mum)"));
            ops.push(text("chosen", "Out until midnight with a text at 11"));
            let outcomes = run(&mut records, ops);
            assert!(outcomes.iter().all(|o| !rejected(o)), "{outcomes:?}");
            let record = records.find(DECISIONS, ID).expect("made");
            assert_eq!(DecisionStage::of(record), DecisionStage::BestInterests);
            // An earlier step can't be emptied under a later one.
            let outcomes = run(
                &mut records,
                vec![RecordOp::Set {
                    kind: DECISIONS.into(),
                    id: ID,
                    field: "supported".into(),
                    before: Value::Text("Talked it through with Lee, with pictures".into()),
                    after: Value::Text(String::new()),
                }],
            );
            assert!(rejected(&outcomes[0]));
        }

        #[test]
        fn a_decision_made_by_the_person_or_found_within_capacity_needs_no_best_interests() {
            let mut records = RecordSet::new();
            run(
                &mut records,
                vec![
                    new_decision(),
                    text("supported", "Easy-read leaflet"),
                    choice("outcome", "decided"),
                ],
            );
            let record = records.find(DECISIONS, ID).expect("made");
            assert_eq!(DecisionStage::of(record), DecisionStage::Decided);
            let mut doubt = record.clone();
            doubt
                .fields
                .insert("outcome".into(), Value::Choice("doubt".into()));
            assert_eq!(DecisionStage::of(&doubt), DecisionStage::Capacity);
            for f in ["understand", "retain", "weigh", "communicate"] {
                doubt.fields.insert(f.into(), Value::Choice("yes".into()));
            }
            assert_eq!(DecisionStage::of(&doubt), DecisionStage::Decided);
        }

        #[test]
        fn a_decision_takes_only_a_topic_decisions_may_have() {
            let mut records = RecordSet::new();
            let RecordOp::Create {
                kind, id, fields, ..
            } = new_decision()
            else {
                unreachable!()
            };
            let outcomes = run(
                &mut records,
                vec![RecordOp::Create {
                    kind,
                    id,
                    parent: None,
                    topic: Some(crate::access::Topic::AboutMe),
                    fields,
                }],
            );
            assert!(rejected(&outcomes[0]));
        }
    }

    mod referrals {
        use super::*;
        use crate::records::kinds::REFERRALS;

        const HOUR: i64 = 60 * 60 * 1000;
        const T0: i64 = 1_795_442_700_000;

        fn referral(arose: Option<i64>, engaged: Option<i64>) -> Record {
            let mut fields = vec![("about", Value::Text("Move to a new flat".into()))];
            if let Some(a) = arose {
                fields.push(("arose_at", Value::Number(a)));
            }
            if let Some(e) = engaged {
                fields.push(("engaged_at", Value::Number(e)));
            }
            record(REFERRALS, Uuid::nil(), &fields)
        }

        #[test]
        fn the_clock_runs_for_48_hours_from_the_trigger_then_shows_the_referral_late() {
            let r = referral(Some(T0), None);
            assert_eq!(
                ReferralClock::of(&r, T0 + 17 * HOUR),
                ReferralClock::Running {
                    minutes_left: 31 * 60
                }
            );
            assert_eq!(
                ReferralClock::of(&r, T0 + 17 * HOUR).words(),
                "31 hours left to engage an advocate"
            );
            assert!(!ReferralClock::of(&r, T0 + 48 * HOUR).is_late());
            let late = ReferralClock::of(&r, T0 + 50 * HOUR + 60_000);
            assert!(late.is_late());
            assert_eq!(
                late.words(),
                "Late: no advocate engaged within 48 hours (2 hours 1 minute over)"
            );
        }

        #[test]
        fn an_advocate_engaged_is_on_time_within_48_hours_and_late_after_whatever_the_time_now() {
            let on_time = referral(Some(T0), Some(T0 + 20 * HOUR));
            assert_eq!(
                ReferralClock::of(&on_time, T0 + 500 * HOUR).words(),
                "Advocate engaged in 20 hours: on time"
            );
            let late = referral(Some(T0), Some(T0 + 49 * HOUR));
            assert!(ReferralClock::of(&late, T0 + 49 * HOUR).is_late());
            assert_eq!(
                ReferralClock::of(&referral(None, None), T0),
                ReferralClock::NotStarted
            );
        }
    }
}
