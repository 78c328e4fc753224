use proptest::prelude::*;

use super::*;
use crate::calendar::{
    BANK_HOLIDAYS_FIRST_YEAR, BANK_HOLIDAYS_LAST_YEAR, ENGLAND_AND_WALES_BANK_HOLIDAYS,
    is_working_day, working_days_between,
};
use crate::records::Value;
use crate::records::kinds::{COMMUNICATING, MEETING_TYPES, RHYTHM};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn date(s: &str) -> Date {
    s.parse().expect("date")
}

/// The instant London clocks show `hh:mm` on `day`.
fn at(day: &str, hour: u8, minute: u8) -> i64 {
    london_local_to_ms(date(day), hour, minute).expect("a time")
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn choice(s: &str) -> Value {
    Value::Choice(s.to_owned())
}

fn on(s: &str) -> Value {
    Value::Date(date(s))
}

fn meeting(n: u128, fields: &[(&str, Value)]) -> Record {
    let mut all = vec![("title", text(&format!("Meeting {n}")))];
    all.extend(fields.iter().cloned());
    Record::for_test(MEETINGS, id(n), None, Topic::MeetingsAndReviews, &all)
}

fn meeting_at(n: u128, ms: i64) -> Record {
    meeting(n, &[("starts_at", Value::Number(ms))])
}

fn action(n: u128, meeting: u128, what: &str, owner: &str, fields: &[(&str, Value)]) -> Record {
    let mut all = vec![("what", text(what)), ("owner", text(owner))];
    all.extend(fields.iter().cloned());
    Record::for_test(
        ACTIONS,
        id(n),
        Some(id(meeting)),
        Topic::MeetingsAndReviews,
        &all,
    )
}

fn attendance(n: u128, meeting: u128, who: &str, how: Option<&str>) -> Record {
    let mut all = vec![("who", text(who))];
    if let Some(how) = how {
        all.push(("how", choice(how)));
    }
    Record::for_test(
        ATTENDANCES,
        id(n),
        Some(id(meeting)),
        Topic::MeetingsAndReviews,
        &all,
    )
}

fn disagreement(n: u128, fields: &[(&str, Value)]) -> Record {
    let mut all = vec![("about", text("Coming home after 11pm"))];
    all.extend(fields.iter().cloned());
    Record::for_test(DISAGREEMENTS, id(n), None, Topic::MeetingsAndReviews, &all)
}

fn set_of(records: Vec<Record>) -> RecordSet {
    records.into_iter().collect()
}

// ---- Meetings by type

#[test]
fn each_type_of_meeting_has_its_usual_length_and_only_a_complex_review_needs_the_manager_the_advocate_and_the_decision_steps()
 {
    let cases = [
        (MeetingType::GoalSetting, "goal_setting", (30, 45), false),
        (MeetingType::MiniReview, "mini_review", (15, 30), false),
        (MeetingType::ComplexReview, "complex_review", (60, 60), true),
        (MeetingType::Debrief, "debrief", (15, 30), false),
    ];
    for (kind, key, minutes, complex) in cases {
        assert_eq!(MeetingType::from_choice(key), Some(kind));
        assert_eq!(kind.key(), key);
        assert_eq!(kind.usual_minutes(), minutes, "{key}");
        assert_eq!(kind.needs_registered_manager_chair(), complex, "{key}");
        assert_eq!(kind.invites_advocate(), complex, "{key}");
        assert_eq!(kind.runs_decision_steps(), complex, "{key}");
        let (_, words) = MEETING_TYPES
            .iter()
            .find(|(k, _)| *k == key)
            .expect("declared");
        assert_eq!(kind.words(), *words);
    }
    assert_eq!(
        MeetingType::words(MeetingType::Debrief),
        "Post-incident debrief"
    );
    assert_eq!(MeetingType::from_choice("deep_dive"), None);
    assert_eq!(MeetingType::ALL.len(), MEETING_TYPES.len());
}

#[test]
fn a_complex_review_is_reminded_of_its_chair_its_advocate_and_its_decision_record_until_all_are_there()
 {
    let mut review = meeting(1, &[("meeting_type", choice("complex_review"))]);
    let set = set_of(vec![review.clone()]);
    assert_eq!(complex_review_reminders(&set, &review).len(), 3);
    review
        .fields
        .insert("chair".into(), text("Priya (registered manager)"));
    review
        .fields
        .insert("decision_record".into(), text(&id(50).to_string()));
    let mut advocate = attendance(10, 1, "Lee", None);
    advocate
        .fields
        .insert("role".into(), text("Care Act advocate"));
    let decision = Record::for_test(
        DECISIONS,
        id(50),
        None,
        Topic::DailyLiving,
        &[("decision", text("Coming home after 11pm"))],
    );
    let set = set_of(vec![review.clone(), advocate, decision]);
    assert!(complex_review_reminders(&set, &review).is_empty());
    let mini = meeting(2, &[("meeting_type", choice("mini_review"))]);
    assert!(complex_review_reminders(&set, &mini).is_empty());
}

#[test]
fn someone_taking_part_as_an_advocate_answers_the_reminder_whatever_their_role_says() {
    let review = meeting(1, &[("meeting_type", choice("complex_review"))]);
    let mut lee = attendance(10, 1, "Lee", None);
    lee.fields.insert("role".into(), text("Independent"));
    let set = set_of(vec![review.clone(), lee.clone()]);
    assert!(complex_review_reminders(&set, &review).contains(&"Invite the person's advocate."));
    lee.fields
        .insert("taking_part_as".into(), choice("advocate"));
    let set = set_of(vec![review.clone(), lee]);
    assert!(!complex_review_reminders(&set, &review).contains(&"Invite the person's advocate."));
}

// ---- The summary's clock

#[test]
fn a_summary_is_due_5_working_days_after_the_meeting_leaving_out_weekends_and_bank_holidays() {
    for (meeting_on, due, why) in [
        (
            "2026-11-13",
            "2026-11-20",
            "a Friday meeting: the next Friday",
        ),
        (
            "2026-12-22",
            "2026-12-31",
            "Christmas and Boxing Day's substitute",
        ),
        (
            "2027-12-22",
            "2027-12-31",
            "both Christmas substitutes in 2027",
        ),
        ("2026-12-29", "2027-01-06", "across New Year"),
        ("2023-12-27", "2024-01-04", "across New Year 2024"),
        (
            "2021-12-23",
            "2022-01-04",
            "Christmas and New Year substitutes",
        ),
        (
            "2026-04-02",
            "2026-04-13",
            "Good Friday and Easter Monday 2026",
        ),
        (
            "2027-03-25",
            "2027-04-05",
            "Good Friday and Easter Monday 2027",
        ),
        ("2026-05-22", "2026-06-01", "the late-May bank holiday 2026"),
        ("2027-05-28", "2027-06-07", "the late-May bank holiday 2027"),
        ("2026-08-27", "2026-09-04", "the August bank holiday 2026"),
        ("2028-08-25", "2028-09-04", "the August bank holiday 2028"),
    ] {
        let m = meeting_at(1, at(meeting_on, 14, 0));
        let deadline = summary_deadline(&m).expect("a deadline");
        assert_eq!(deadline.start, date(meeting_on), "{why}");
        assert_eq!(deadline.working_days, SUMMARY_WORKING_DAYS);
        assert_eq!(deadline.due(), Ok(date(due)), "{why}");
    }
}

#[test]
fn the_summary_clock_starts_on_the_day_of_the_meeting_in_london_not_in_utc() {
    // 00:30 BST on Friday 28 August 2026 is 23:30 UTC on the Thursday.
    let m = meeting_at(1, at("2026-08-28", 0, 30));
    assert_eq!(meeting_date(&m), Some(date("2026-08-28")));
    let deadline = summary_deadline(&m).expect("a deadline");
    // Tue 1 Sep (1), Wed 2, Thu 3, Fri 4, Mon 7 (5): Monday 31 August is a bank holiday.
    assert_eq!(deadline.due(), Ok(date("2026-09-07")));
}

#[test]
fn a_summary_is_shown_due_late_or_sent_and_not_before_the_meeting_or_for_a_cancelled_one() {
    let held = meeting_at(1, at("2026-11-13", 10, 0));
    let cases: [(Option<&str>, &str, Option<&str>); 6] = [
        (None, "2026-11-12", None),
        (None, "2026-11-13", Some("Summary due in 5 working days")),
        (None, "2026-11-20", Some("Summary due today")),
        (None, "2026-11-23", Some("Summary 1 working day late")),
        (
            Some("2026-11-19"),
            "2026-12-01",
            Some("Summary done on time"),
        ),
        (
            Some("2026-11-24"),
            "2026-12-01",
            Some("Summary done 2 working days late"),
        ),
    ];
    for (sent, today, label) in cases {
        let mut m = held.clone();
        if let Some(sent) = sent {
            m.fields.insert("summary_sent_on".into(), on(sent));
        }
        let status = summary_status(&m, date(today)).expect("within the list");
        assert_eq!(
            status.map(|s| s.label("Summary")).as_deref(),
            label,
            "sent {sent:?}, today {today}"
        );
    }
    let mut cancelled = held.clone();
    cancelled
        .fields
        .insert("status".into(), choice("cancelled"));
    assert_eq!(summary_deadline(&cancelled), None);
    assert_eq!(summary_status(&cancelled, date("2026-12-01")), Ok(None));
    assert_eq!(summary_deadline(&meeting(2, &[])), None);
}

#[test]
fn a_summary_due_past_the_last_year_of_known_bank_holidays_says_so_rather_than_guess() {
    // Fri 22 Dec 2028: Wed 27 (1), Thu 28 (2), Fri 29 (3), and then it is 2029.
    let m = meeting_at(1, at("2028-12-22", 11, 0));
    let error = summary_status(&m, date("2028-12-27")).expect_err("beyond the list");
    assert_eq!(error, CalendarError::BeyondKnownHolidays { year: 2029 });
    assert!(
        error.to_string().contains("only goes up to 2028"),
        "{error}"
    );
}

fn covered_meeting_days() -> std::ops::RangeInclusive<i64> {
    let first = Date::new(BANK_HOLIDAYS_FIRST_YEAR, 1, 1).expect("a date");
    // Far enough before the end of the list for 5 working days to fit.
    let last = Date::new(BANK_HOLIDAYS_LAST_YEAR, 12, 15).expect("a date");
    first.days_since_epoch()..=last.days_since_epoch()
}

proptest! {
    #[test]
    fn the_summary_is_never_due_on_a_weekend_or_bank_holiday_and_is_exactly_5_working_days_on(
        day in covered_meeting_days(),
        minute_of_day in 0u32..(24 * 60),
    ) {
        let day = Date::from_days_since_epoch(day).expect("a date");
        let ms = london_local_to_ms(day, (minute_of_day / 60) as u8, (minute_of_day % 60) as u8)
            .expect("a time");
        let m = meeting_at(1, ms);
        let deadline = summary_deadline(&m).expect("a deadline");
        prop_assert_eq!(deadline.start, Date::of_ms_in_london(ms).expect("a date"));
        let due = deadline.due().expect("within the list");
        prop_assert!(!due.is_weekend(), "{} is a {}", due, due.weekday());
        prop_assert!(!ENGLAND_AND_WALES_BANK_HOLIDAYS.contains(&due), "{}", due);
        prop_assert_eq!(is_working_day(due), Ok(true));
        prop_assert!(due > deadline.start);
        prop_assert_eq!(working_days_between(deadline.start, due), Ok(5));
        // Every day between the meeting and the due date that counted was a working day, and
        // there were exactly five of them.
        let counted = (1..=(due.days_since_epoch() - deadline.start.days_since_epoch()))
            .filter_map(|n| deadline.start.add_days(n))
            .filter(|d| is_working_day(*d) == Ok(true))
            .count();
        prop_assert_eq!(counted, 5);
    }
}

// ---- The agenda's clock

#[test]
fn the_agenda_is_due_between_5_and_3_days_before_the_meeting_and_late_after() {
    // A meeting on Thursday 10 December 2026: the agenda is ready from Saturday 5 and sent by
    // Monday 7 December (calendar days: the person reads it at the weekend too).
    let m = meeting_at(1, at("2026-12-10", 10, 0));
    let (opens, send_by) = (date("2026-12-05"), date("2026-12-07"));
    let cases: [(Option<&str>, &str, AgendaStatus); 9] = [
        (None, "2026-12-01", AgendaStatus::NotDue { opens, send_by }),
        (None, "2026-12-04", AgendaStatus::NotDue { opens, send_by }),
        (None, "2026-12-05", AgendaStatus::SendBy(send_by)),
        (None, "2026-12-07", AgendaStatus::SendBy(send_by)),
        (None, "2026-12-08", AgendaStatus::Late { send_by, days: 1 }),
        (None, "2026-12-11", AgendaStatus::Late { send_by, days: 4 }),
        (
            Some("2026-12-06"),
            "2026-12-20",
            AgendaStatus::Sent {
                on: date("2026-12-06"),
                on_time: true,
            },
        ),
        (
            Some("2026-12-01"),
            "2026-12-02",
            AgendaStatus::Sent {
                on: date("2026-12-01"),
                on_time: true,
            },
        ),
        (
            Some("2026-12-08"),
            "2026-12-08",
            AgendaStatus::Sent {
                on: date("2026-12-08"),
                on_time: false,
            },
        ),
    ];
    for (sent, today, expected) in cases {
        let mut m = m.clone();
        if let Some(sent) = sent {
            m.fields.insert("agenda_sent_on".into(), on(sent));
        }
        let status = agenda_status(&m, date(today));
        assert_eq!(status, expected, "sent {sent:?}, today {today}");
        assert_eq!(
            status.is_late(),
            matches!(
                expected,
                AgendaStatus::Late { .. } | AgendaStatus::Sent { on_time: false, .. }
            )
        );
    }
    assert_eq!(
        agenda_status(&m, date("2026-12-09")).words(),
        "Agenda late: not sent 2 days after Mon 7 Dec 2026"
    );
    assert_eq!(
        agenda_status(&m, date("2026-12-06")).words(),
        "Send the agenda by Mon 7 Dec 2026"
    );
    assert_eq!(
        agenda_status(&meeting(2, &[]), date("2026-12-06")),
        AgendaStatus::NoDate
    );
    let mut cancelled = m.clone();
    cancelled
        .fields
        .insert("status".into(), choice("cancelled"));
    assert_eq!(
        agenda_status(&cancelled, date("2026-12-09")),
        AgendaStatus::NotNeeded
    );
}

#[test]
fn the_agenda_is_in_the_persons_format_with_the_decisions_to_make_kept_apart() {
    let m = meeting(
        1,
        &[
            ("meeting_type", choice("mini_review")),
            ("starts_at", Value::Number(at("2026-12-10", 10, 0))),
            (
                "agenda",
                text("How the month went. What went well.\n\nThe bus pass"),
            ),
            ("decisions_to_make", text("Whether to try the later bus")),
        ],
    );
    let easy = Record::for_test(
        COMMUNICATING,
        id(90),
        None,
        Topic::Involvement,
        &[("formats", Value::Texts(vec!["easy_read".into()]))],
    );
    let standard = agenda(&m, None);
    assert!(!standard.easy_read);
    assert_eq!(
        standard.items,
        vec!["How the month went. What went well.", "The bus pass"]
    );
    assert_eq!(standard.decisions, vec!["Whether to try the later bus"]);
    assert_eq!(standard.when.as_deref(), Some("Thu 10 Dec 2026, 10:00"));
    assert_eq!(standard.meeting_type, Some(MeetingType::MiniReview));
    let easy_read = agenda(&m, Some(&easy));
    assert!(easy_read.easy_read);
    assert_eq!(
        easy_read.items,
        vec!["How the month went.", "What went well.", "The bus pass"]
    );
    // The meeting's own format wins over the person's recorded one.
    let mut chosen = m.clone();
    chosen.fields.insert("format".into(), choice("standard"));
    assert!(!agenda(&chosen, Some(&easy)).easy_read);
}

// ---- New meetings from the rhythm

fn rhythm(mini: &str, deep: &str, from: &str, mini_minutes: Option<i64>) -> Record {
    let mut fields = vec![
        ("mini_review", choice(mini)),
        ("deep_dive", choice(deep)),
        ("starts_on", on(from)),
    ];
    if let Some(m) = mini_minutes {
        fields.push(("mini_minutes", Value::Number(m)));
    }
    Record::for_test(RHYTHM, id(80), None, Topic::Involvement, &fields)
}

fn communication(best_time: &str, longest: Option<i64>) -> Record {
    let mut fields = vec![("best_time", text(best_time))];
    if let Some(l) = longest {
        fields.push(("longest_meeting", Value::Number(l)));
    }
    Record::for_test(COMMUNICATING, id(81), None, Topic::Involvement, &fields)
}

#[test]
fn new_meetings_are_proposed_from_the_rhythm_at_the_persons_best_time_and_not_where_one_is_booked()
{
    let r = rhythm("monthly", "quarterly", "2027-01-11", None);
    let c = communication("Mornings, after my tea", None);
    // A meeting already set two days after the February date, one cancelled on the March
    // date (which does not count), and the April date booked as a next review.
    let mut cancelled = meeting_at(2, at("2027-03-11", 10, 0));
    cancelled
        .fields
        .insert("status".into(), choice("cancelled"));
    let booked = set_of(vec![
        meeting_at(1, at("2027-02-13", 14, 0)),
        cancelled,
        meeting(3, &[("next_review_on", on("2027-04-10"))]),
    ]);
    let got = proposals(Some(&r), Some(&c), &booked, date("2027-01-01"), 3);
    let dates: Vec<Date> = got.iter().map(|p| p.on).collect();
    assert_eq!(
        dates,
        vec![date("2027-01-11"), date("2027-03-11"), date("2027-05-11")]
    );
    // January: the quarterly deep-dive, a goal-setting meeting at 10:00 GMT.
    assert_eq!(got[0].planned, Planned::DeepDive);
    assert_eq!(got[0].meeting_type, MeetingType::GoalSetting);
    assert_eq!(got[0].minutes, 45);
    assert_eq!(got[0].starts_at_ms, Some(at("2027-01-11", 10, 0)));
    assert_eq!(got[0].label, "Mon 11 Jan 2027, 10:00");
    // March: a mini-review; May: a mini-review at 10:00 BST (09:00 UTC).
    assert_eq!(got[1].meeting_type, MeetingType::MiniReview);
    assert_eq!(got[1].minutes, 30);
    assert_eq!(got[2].label, "Tue 11 May 2027, 10:00");
    assert_eq!(
        got[2].starts_at_ms,
        Some(date("2027-05-11").days_since_epoch() * 86_400_000 + 9 * 3_600_000)
    );
}

#[test]
fn a_proposed_meeting_is_no_longer_than_the_person_asked_and_as_long_as_the_rhythm_says() {
    let r = rhythm("fortnightly", "none", "2027-01-04", Some(20));
    let got = proposals(Some(&r), None, &RecordSet::new(), date("2027-01-01"), 2);
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|p| p.minutes == 20 && p.starts_at_ms.is_none())
    );
    assert_eq!(got[0].label, "Mon 4 Jan 2027");
    let short = communication("", Some(15));
    let got = proposals(
        Some(&r),
        Some(&short),
        &RecordSet::new(),
        date("2027-01-01"),
        1,
    );
    assert_eq!(got[0].minutes, 15);
    assert!(proposals(None, Some(&short), &RecordSet::new(), date("2027-01-01"), 3).is_empty());
}

#[test]
fn the_best_time_of_day_suggests_a_start_unless_it_is_ruled_out() {
    for (words, start) in [
        ("Mornings", Some((10, 0))),
        ("Late morning, not before 10", Some((10, 0))),
        ("Afternoons are best", Some((14, 0))),
        ("After lunch", Some((14, 0))),
        ("Evenings, after work", Some((18, 0))),
        ("Not mornings: afternoons", Some((14, 0))),
        ("Never in the morning. Evening is good", Some((18, 0))),
        ("Mornings, not afternoons", Some((10, 0))),
        ("No evenings", None),
        ("Any time", None),
        ("", None),
    ] {
        assert_eq!(suggested_start(words), start, "{words}");
    }
}

// ---- Actions

#[test]
fn a_meetings_actions_come_soonest_due_first_and_those_without_a_date_last() {
    let set = set_of(vec![
        meeting(1, &[]),
        action(10, 1, "Ring the college", "Sam", &[]),
        action(
            11,
            1,
            "Book the taxi",
            "Lee",
            &[("due_on", on("2026-12-04"))],
        ),
        action(
            12,
            1,
            "Buy the bus pass",
            "Dan",
            &[("due_on", on("2026-12-01"))],
        ),
        action(13, 2, "Another meeting's action", "Dan", &[]),
    ]);
    let list = actions(&set, id(1));
    let whats: Vec<&str> = list.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(
        whats,
        vec!["Buy the bus pass", "Book the taxi", "Ring the college"]
    );
    assert_eq!(list[1].owner_and_date(), "Lee, by Fri 4 Dec 2026");
}

#[test]
fn overdue_actions_are_those_not_done_and_due_before_today_across_meetings_and_for_their_owner() {
    let mut removed_meeting = meeting(3, &[]);
    removed_meeting.deleted = true;
    let mut removed_action = action(15, 1, "Removed", "Lee", &[("due_on", on("2026-11-01"))]);
    removed_action.deleted = true;
    let set = set_of(vec![
        meeting(1, &[]),
        meeting(2, &[]),
        removed_meeting,
        action(
            10,
            1,
            "Ring the college",
            "Sam Jones",
            &[("due_on", on("2026-11-20"))],
        ),
        action(
            11,
            2,
            "Book the taxi",
            "Lee",
            &[("due_on", on("2026-11-10"))],
        ),
        action(
            12,
            1,
            "Done already",
            "Lee",
            &[("due_on", on("2026-11-10")), ("done_on", on("2026-11-12"))],
        ),
        action(13, 2, "Due today", "Lee", &[("due_on", on("2026-11-25"))]),
        action(14, 2, "No date", "Lee", &[]),
        action(
            16,
            3,
            "Of a removed meeting",
            "Lee",
            &[("due_on", on("2026-11-01"))],
        ),
        removed_action,
    ]);
    let today = date("2026-11-25");
    let overdue = overdue_actions(&set, today);
    let whats: Vec<&str> = overdue.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(whats, vec!["Book the taxi", "Ring the college"]);
    assert!(overdue.iter().all(|a| a.is_overdue(today)));
    let sams = owned_by(&overdue, "  sam   JONES ");
    assert_eq!(sams.len(), 1);
    assert_eq!(sams[0].what, "Ring the college");
    assert!(owned_by(&overdue, "").is_empty());
    let done = actions(&set, id(1))
        .into_iter()
        .find(|a| a.what == "Done already")
        .expect("listed");
    // Done two days after it was due: closed, but not by its due date.
    assert!(!done.closed_on_time());
    assert!(!done.is_overdue(today));
    assert_eq!(done.owner_and_date(), "Lee, done Thu 12 Nov 2026");
}

// ---- Disagreements

#[test]
fn a_disagreement_escalates_from_key_worker_to_registered_manager_to_nominated_individual_and_no_further()
 {
    assert_eq!(
        Level::KeyWorker.next_level(),
        Some(Level::RegisteredManager)
    );
    assert_eq!(
        Level::RegisteredManager.next_level(),
        Some(Level::NominatedIndividual)
    );
    assert_eq!(Level::NominatedIndividual.next_level(), None);
    for (key, words) in ESCALATION_LEVELS {
        let level = Level::from_choice(key).expect("a level");
        assert_eq!(level.key(), *key);
        assert_eq!(level.words(), *words);
    }
    let d = disagreement(1, &[("raised_on", on("2026-11-02"))]);
    let view = disagreement_view(&d, date("2026-11-03"));
    assert_eq!(view.level, Level::KeyWorker);
    assert_eq!(view.next_level, Some(Level::RegisteredManager));
    let escalated = disagreement(
        2,
        &[
            ("raised_on", on("2026-11-02")),
            ("level", choice("nominated_individual")),
            ("escalated_to", text("Ade Okafor")),
            ("escalated_on", on("2026-11-20")),
        ],
    );
    let view = disagreement_view(&escalated, date("2026-11-23"));
    assert_eq!(view.level, Level::NominatedIndividual);
    assert_eq!(view.next_level, None);
    assert_eq!(view.escalated_to, "Ade Okafor");
    assert_eq!(view.escalated_on, Some(date("2026-11-20")));
}

#[test]
fn a_disagreement_lists_the_persons_view_first_then_each_other_view_by_name() {
    let d = disagreement(
        1,
        &[
            ("raised_on", on("2026-11-02")),
            (
                "others_views",
                text(
                    "Carol: I worry about the last bus.\n\nIt costs too much\nLee:  Try it with a text at 11 ",
                ),
            ),
            (
                "person_view",
                text("I want to see the late film with my friends."),
            ),
        ],
    );
    let views = disagreement_view(&d, date("2026-11-03")).views;
    assert_eq!(
        views,
        vec![
            Heard {
                whose: Whose::Person,
                view: "I want to see the late film with my friends.".into()
            },
            Heard {
                whose: Whose::Named("Carol".into()),
                view: "I worry about the last bus.".into()
            },
            Heard {
                whose: Whose::Unnamed,
                view: "It costs too much".into()
            },
            Heard {
                whose: Whose::Named("Lee".into()),
                view: "Try it with a text at 11".into()
            },
        ]
    );
}

#[test]
fn a_disagreement_is_to_be_resolved_within_20_working_days_across_christmas_and_new_year() {
    for (raised, resolved, today, label) in [
        // From Mon 14 Dec 2026, leaving out 25 and 28 Dec and 1 Jan: due Thu 14 Jan 2027.
        (
            "2026-12-14",
            None,
            "2027-01-13",
            "Resolution due in 1 working day",
        ),
        (
            "2026-12-14",
            None,
            "2027-01-15",
            "Resolution 1 working day late",
        ),
        (
            "2026-12-14",
            Some("2027-01-14"),
            "2027-03-01",
            "Resolution done on time",
        ),
        (
            "2026-12-14",
            Some("2027-01-18"),
            "2027-03-01",
            "Resolution done 2 working days late",
        ),
    ] {
        let mut fields = vec![("raised_on", on(raised))];
        if let Some(r) = resolved {
            fields.push(("resolved_on", on(r)));
        }
        let view = disagreement_view(&disagreement(1, &fields), date(today));
        let deadline = view.deadline.expect("a clock");
        assert_eq!(deadline.due(), Ok(date("2027-01-14")));
        let status = view.clock.expect("a clock").expect("within the list");
        assert_eq!(status.label("Resolution"), label, "{today}");
    }
    let late_2028 = disagreement(2, &[("raised_on", on("2028-12-11"))]);
    assert_eq!(
        disagreement_view(&late_2028, date("2028-12-12")).clock,
        Some(Err(CalendarError::BeyondKnownHolidays { year: 2029 }))
    );
}

#[test]
fn open_disagreements_come_first_oldest_first_then_the_resolved() {
    let set = set_of(vec![
        disagreement(1, &[("raised_on", on("2026-11-10"))]),
        disagreement(
            2,
            &[
                ("raised_on", on("2026-10-01")),
                ("resolved_on", on("2026-10-20")),
            ],
        ),
        disagreement(3, &[("raised_on", on("2026-11-02"))]),
        disagreement(
            4,
            &[
                ("raised_on", on("2026-10-05")),
                ("resolved_on", on("2026-11-01")),
            ],
        ),
    ]);
    let order: Vec<Uuid> = disagreements(&set, date("2026-11-20"))
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(order, vec![id(3), id(1), id(4), id(2)]);
}

// ---- Attendance and the stop rule

#[test]
fn a_written_contribution_counts_as_taking_part_and_an_invitation_alone_does_not() {
    let mut removed = attendance(15, 1, "Removed", Some("in_person"));
    removed.deleted = true;
    let set = set_of(vec![
        meeting(1, &[]),
        attendance(10, 1, "Dan Smith", Some("in_person")),
        attendance(11, 1, "Carol", Some("video")),
        attendance(12, 1, "Lee", Some("written")),
        attendance(13, 1, "Ruth", Some("phone")),
        attendance(14, 1, "Ade", None),
        attendance(16, 2, "Elsewhere", Some("video")),
        removed,
    ]);
    assert_eq!(
        participation(&set, id(1)),
        Participation {
            present: 1,
            video: 1,
            phone: 1,
            written: 1,
            total: 4,
            did_not_take_part: 1,
        }
    );
    assert!(person_took_part(&set, id(1), "Dan Smith"));
    let only_written = set_of(vec![attendance(10, 1, "dan", Some("written"))]);
    assert!(person_took_part(&only_written, id(1), "Dan Smith"));
    assert_eq!(participation(&only_written, id(1)).total, 1);
    let invited = set_of(vec![attendance(10, 1, "Dan Smith", None)]);
    assert!(!person_took_part(&invited, id(1), "Dan Smith"));
    assert!(!person_took_part(&set, id(1), "Maggie"));
}

#[test]
fn a_meeting_paused_by_the_stop_rule_keeps_its_reason_and_the_plan_to_meet_again() {
    let m = meeting(
        1,
        &[
            ("status", choice("paused")),
            ("paused_reason", text("Dan was tired and upset ")),
            (
                "reconvene_plan",
                text("Finish on Thursday, at home, just the two items"),
            ),
            ("reconvene_on", on("2026-12-03")),
        ],
    );
    assert_eq!(
        paused(&m),
        Some(Paused {
            reason: "Dan was tired and upset".into(),
            reconvene_plan: "Finish on Thursday, at home, just the two items".into(),
            reconvene_on: Some(date("2026-12-03")),
        })
    );
    assert_eq!(paused(&meeting(2, &[("status", choice("held"))])), None);
    assert_eq!(paused(&meeting(3, &[])), None);
}

// ---- The summary

/// Dan's complex review: a decision record about his health, two actions, a disagreement.
fn dans_review() -> RecordSet {
    let review = meeting(
        1,
        &[
            ("title", text("Late nights out")),
            ("meeting_type", choice("complex_review")),
            ("starts_at", Value::Number(at("2026-11-23", 14, 0))),
            (
                "decisions_to_make",
                text("Whether Dan can stay out until midnight"),
            ),
            ("decision_record", text(&id(50).to_string())),
            (
                "consent_points",
                text("Dan agreed to share his plan with Carol. He can change his mind."),
            ),
            ("next_review_on", on("2026-12-21")),
        ],
    );
    let decision_fields = vec![
        ("decision", text("Coming home after 11pm")),
        ("supported", text("Talked it through with Lee")),
        ("outcome", choice("doubt")),
        ("understand", choice("yes")),
        ("retain", choice("yes")),
        ("weigh", choice("no")),
        ("communicate", choice("yes")),
        ("chosen", text("Out until midnight with a text at 11")),
        ("review_date", on("2027-02-22")),
    ];
    let decision = Record::for_test(DECISIONS, id(50), None, Topic::Health, &decision_fields);
    set_of(vec![
        review,
        decision,
        action(
            20,
            1,
            "Set up the text check-in",
            "Lee",
            &[("due_on", on("2026-11-27"))],
        ),
        action(
            21,
            1,
            "Share the plan with Carol",
            "Sam",
            &[("due_on", on("2026-11-25")), ("done_on", on("2026-11-24"))],
        ),
        action(22, 2, "Another meeting's action", "Sam", &[]),
        disagreement(
            30,
            &[
                ("meeting", text(&id(1).to_string())),
                ("raised_on", on("2026-11-23")),
                (
                    "person_view",
                    text("I want to see the late film with my friends."),
                ),
                ("others_views", text("Carol: I worry about the last bus.")),
                ("next_steps", text("Try it for a month, then review.")),
            ],
        ),
        disagreement(
            31,
            &[
                ("about", text("Not raised at this meeting")),
                ("raised_on", on("2026-11-02")),
            ],
        ),
    ])
}

fn topics(list: &[Topic]) -> BTreeSet<Topic> {
    list.iter().copied().collect()
}

#[test]
fn the_summary_gives_decisions_actions_disagreements_consent_and_the_next_review_in_plain_words() {
    let set = dans_review();
    let all: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    let s = summary(&set, id(1), "Dan Smith", &all, false);
    assert!(s.is_shared());
    assert_eq!(
        s.plain_text,
        "Dan Smith's complex review: Late nights out\n\
         Held on Mon 23 Nov 2026, 14:00\n\
         \n\
         Decisions\n\
         - Whether Dan can stay out until midnight\n\
         - Coming home after 11pm — decided in Dan's best interests: Out until midnight with a text at 11\n\
         - Coming home after 11pm — review on Mon 22 Feb 2027\n\
         \n\
         Actions\n\
         - Share the plan with Carol (Sam, done Tue 24 Nov 2026)\n\
         - Set up the text check-in (Lee, by Fri 27 Nov 2026)\n\
         \n\
         Where we disagree\n\
         - About: Coming home after 11pm\n\
         - Dan's view: I want to see the late film with my friends.\n\
         - Carol's view: I worry about the last bus.\n\
         - What's next: Try it for a month, then review.\n\
         \n\
         Consent\n\
         - Dan agreed to share his plan with Carol. He can change his mind.\n\
         \n\
         Next review\n\
         - Mon 21 Dec 2026\n"
    );
    let headings: Vec<&str> = s.sections.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headings,
        vec![
            "Decisions",
            "Actions",
            "Where we disagree",
            "Consent",
            "Next review"
        ]
    );
}

#[test]
fn the_easy_read_summary_has_plain_headings_dates_in_full_and_one_idea_a_line() {
    let set = dans_review();
    let all: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    let s = summary(&set, id(1), "Dan Smith", &all, true);
    assert_eq!(s.title, "Dan's complex review: Late nights out");
    let section = |h: &str| {
        s.sections
            .iter()
            .find(|(heading, _)| heading == h)
            .map(|(_, lines)| lines.clone())
            .unwrap_or_else(|| panic!("{h} in {:?}", s.sections))
    };
    assert_eq!(
        section("What Dan said yes to"),
        vec![
            "Dan agreed to share his plan with Carol.",
            "He can change his mind."
        ]
    );
    assert_eq!(
        section("Who will do what"),
        vec![
            "Share the plan with Carol",
            "Who: Sam.",
            "Done on Tuesday 24 November 2026.",
            "Set up the text check-in",
            "Who: Lee.",
            "By Friday 27 November 2026.",
        ]
    );
    assert_eq!(
        section("Our next meeting"),
        vec!["Our next meeting is on Monday 21 December 2026."]
    );
    let decided = section("Decisions");
    assert!(
        decided.contains(&"We decided what is best for Dan.".to_owned()),
        "{decided:?}"
    );
    assert!(s.plain_text.contains("We met on Monday 23 November 2026."));
    assert!(!s.plain_text.contains("Mon 23 Nov"));
}

#[test]
fn a_reader_gets_only_the_parts_of_the_summary_in_topics_shared_with_them() {
    let set = dans_review();
    // Carol may read meetings but not health: the decision about Dan's health is left out,
    // everything else of the meeting is there.
    let carol = summary(
        &set,
        id(1),
        "Dan Smith",
        &topics(&[Topic::MeetingsAndReviews, Topic::GoalsAndProgress]),
        false,
    );
    assert!(carol.is_shared());
    assert!(!carol.plain_text.contains("Coming home after 11pm —"));
    assert!(!carol.plain_text.contains("best interests"));
    assert!(
        carol
            .plain_text
            .contains("Whether Dan can stay out until midnight")
    );
    assert!(carol.plain_text.contains("Set up the text check-in"));
    // With health shared too, the decision's outcome is there.
    let with_health = summary(
        &set,
        id(1),
        "Dan Smith",
        &topics(&[Topic::MeetingsAndReviews, Topic::Health]),
        false,
    );
    assert!(with_health.plain_text.contains("best interests"));
    // A reader without meetings and reviews gets nothing of the meeting, not even its title.
    for easy in [false, true] {
        let none = summary(
            &set,
            id(1),
            "Dan Smith",
            &topics(&[Topic::Health, Topic::GoalsAndProgress]),
            easy,
        );
        assert!(!none.is_shared());
        assert!(none.sections.is_empty());
        assert_eq!(
            none.plain_text,
            format!("Meeting summary\n{NOTHING_SHARED}\n")
        );
        assert!(!none.plain_text.contains("Late nights"));
    }
    // Nor does anyone, of a meeting that is not there.
    let all: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    assert!(!summary(&set, id(99), "Dan Smith", &all, false).is_shared());
}

#[test]
fn a_paused_meeting_says_so_in_its_summary_and_a_review_not_booked_says_that_too() {
    let set = set_of(vec![meeting(
        1,
        &[
            ("title", text("Moving flat")),
            ("status", choice("paused")),
            ("paused_reason", text("Dan was overwhelmed")),
            ("reconvene_plan", text("Two items only, at home")),
            ("reconvene_on", on("2026-12-03")),
        ],
    )]);
    let all: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    let s = summary(&set, id(1), "Dan Smith", &all, false);
    assert_eq!(s.title, "Dan Smith's meeting: Moving flat");
    assert_eq!(
        s.sections,
        vec![
            (
                "Paused".to_owned(),
                vec![
                    "The meeting was paused: Dan was overwhelmed".to_owned(),
                    "Plan to meet again: Two items only, at home".to_owned(),
                    "Meeting again on Thu 3 Dec 2026".to_owned(),
                ]
            ),
            ("Next review".to_owned(), vec!["Not booked yet".to_owned()]),
        ]
    );
}

// ---- The calendar file

#[test]
fn the_calendar_file_is_one_event_in_utc_with_crlf_line_endings() {
    // 10:00 BST on Thursday 10 June 2027 is 09:00 UTC.
    let file = ics(
        "Dan's mini-review",
        at("2027-06-10", 10, 0),
        30,
        "0193@circle",
        at("2027-06-01", 8, 15),
    );
    assert_eq!(
        file,
        "BEGIN:VCALENDAR\r\n\
         VERSION:2.0\r\n\
         PRODID:-//Circle//Reviews//EN\r\n\
         CALSCALE:GREGORIAN\r\n\
         METHOD:PUBLISH\r\n\
         BEGIN:VEVENT\r\n\
         UID:0193@circle\r\n\
         DTSTAMP:20270601T071500Z\r\n\
         DTSTART:20270610T090000Z\r\n\
         DTEND:20270610T093000Z\r\n\
         SUMMARY:Dan's mini-review\r\n\
         END:VEVENT\r\n\
         END:VCALENDAR\r\n"
    );
    assert!(!file.replace("\r\n", "").contains('\n'));
    assert!(!file.replace("\r\n", "").contains('\r'));
}

#[test]
fn text_in_the_calendar_file_escapes_backslashes_semicolons_commas_and_line_breaks() {
    assert_eq!(
        ics_escape("Review; Dan, Carol\\Lee\nline two\r\nthree\rfour"),
        "Review\\; Dan\\, Carol\\\\Lee\\nline two\\nthree\\nfour"
    );
    assert_eq!(ics_escape("Bell\u{7} rings: 10:00"), "Bell rings: 10:00");
    let file = ics("A, B; C", 0, 15, "x@circle", 0);
    assert!(file.contains("SUMMARY:A\\, B\\; C\r\n"), "{file}");
    assert!(file.contains("DTSTART:19700101T000000Z\r\n"));
    assert!(file.contains("DTEND:19700101T001500Z\r\n"));
}

#[test]
fn long_calendar_lines_fold_at_75_octets_without_splitting_a_character() {
    let title = "Zoë's review:".to_owned() + &"é".repeat(60) + " and more words after";
    let folded = ics_fold(&format!("SUMMARY:{title}"));
    let lines: Vec<&str> = folded.split_terminator("\r\n").collect();
    assert!(lines.len() > 1);
    assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
    assert_eq!(
        lines[0].len(),
        75 - 1,
        "a two-octet character that would pass 75 moves on"
    );
    assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
    assert_eq!(folded.replace("\r\n ", ""), format!("SUMMARY:{title}\r\n"));
    // A short line is left alone.
    assert_eq!(ics_fold("VERSION:2.0"), "VERSION:2.0\r\n");
}

#[test]
fn a_meetings_calendar_file_uses_its_id_and_its_length() {
    let mut m = meeting(
        1,
        &[
            ("title", text("Goals, again")),
            ("meeting_type", choice("goal_setting")),
            ("starts_at", Value::Number(at("2026-12-14", 14, 0))),
        ],
    );
    let file = meeting_ics(&m, 0).expect("a start");
    assert!(
        file.contains(&format!("UID:{}@circle\r\n", id(1))),
        "{file}"
    );
    assert!(file.contains("DTEND:20261214T144500Z\r\n"), "{file}");
    assert!(file.contains("SUMMARY:Goals\\, again\r\n"));
    m.fields.insert("minutes".into(), Value::Number(20));
    assert!(
        meeting_ics(&m, 0)
            .expect("a start")
            .contains("DTEND:20261214T142000Z")
    );
    assert_eq!(meeting_ics(&meeting(2, &[]), 0), None);
}

proptest! {
    #[test]
    fn any_title_folds_to_lines_of_at_most_75_octets_that_unfold_to_the_escaped_title(
        title in "\\PC{0,300}",
    ) {
        let file = ics(&title, 1_800_000_000_000, 30, "u@circle", 1_790_000_000_000);
        prop_assert!(file.ends_with("END:VCALENDAR\r\n"));
        for line in file.split_terminator("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets: {:?}", line.len(), line);
            prop_assert!(!line.contains('\n') && !line.contains('\r'));
        }
        let unfolded = file.replace("\r\n ", "");
        let summary_line = format!("SUMMARY:{}\r\n", ics_escape(&title));
        prop_assert!(unfolded.contains(&summary_line));
    }
}

// ---- The kinds, through the engine

mod declared {
    use super::*;
    use crate::PersonId;
    use crate::records::engine::{Ctx, apply};
    use crate::records::kinds::Catalog;
    use crate::records::{Outcome, RecordOp, Stamp};

    fn run(set: &mut RecordSet, ops: Vec<RecordOp>) -> Vec<Outcome> {
        let catalog = Catalog::standard();
        ops.into_iter()
            .enumerate()
            .map(|(n, op)| {
                let ctx = Ctx {
                    catalog: &catalog,
                    person: PersonId(id(7)),
                    stamp: Stamp::default(),
                    cause: (Uuid::nil(), n as u64 + 1),
                    version: n as u64 + 1,
                };
                apply(set, &op, &ctx).outcome
            })
            .collect()
    }

    fn create(kind: &str, n: u128, parent: Option<u128>, fields: &[(&str, Value)]) -> RecordOp {
        RecordOp::Create {
            kind: kind.into(),
            id: id(n),
            parent: parent.map(id),
            topic: None,
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn participants_and_actions_belong_to_a_meeting_and_a_disagreement_stands_on_its_own() {
        let mut set = RecordSet::new();
        let outcomes = run(
            &mut set,
            vec![
                create(
                    MEETINGS,
                    1,
                    None,
                    &[
                        ("title", text("Late nights out")),
                        ("meeting_type", choice("complex_review")),
                        ("starts_at", Value::Number(at("2026-11-23", 14, 0))),
                    ],
                ),
                create(
                    ATTENDANCES,
                    2,
                    Some(1),
                    &[("who", text("Lee")), ("how", choice("written"))],
                ),
                create(
                    ACTIONS,
                    3,
                    Some(1),
                    &[("what", text("Set up the text")), ("owner", text("Lee"))],
                ),
                create(
                    DISAGREEMENTS,
                    4,
                    None,
                    &[
                        ("about", text("Coming home late")),
                        ("raised_on", on("2026-11-23")),
                        ("meeting", text(&id(1).to_string())),
                    ],
                ),
                // Refused: an action with no meeting, one with no owner, a disagreement with
                // no date, a way of taking part that is not one, a meeting type that is not one.
                create(
                    ACTIONS,
                    5,
                    None,
                    &[("what", text("x")), ("owner", text("Lee"))],
                ),
                create(ACTIONS, 6, Some(1), &[("what", text("x"))]),
                create(DISAGREEMENTS, 7, None, &[("about", text("x"))]),
                create(
                    ATTENDANCES,
                    8,
                    Some(1),
                    &[("who", text("Sam")), ("how", choice("telepathy"))],
                ),
                create(
                    MEETINGS,
                    9,
                    None,
                    &[("title", text("x")), ("meeting_type", choice("deep_dive"))],
                ),
            ],
        );
        assert!(
            outcomes[..4].iter().all(|o| *o == Outcome::Applied),
            "{outcomes:?}"
        );
        assert!(
            outcomes[4..]
                .iter()
                .all(|o| matches!(o, Outcome::Rejected { .. })),
            "{outcomes:?}"
        );
        // Every new record is about meetings and reviews, and new meetings start planned.
        assert!(set.iter().all(|r| r.topic == Topic::MeetingsAndReviews));
        let m = set.find(MEETINGS, id(1)).expect("made");
        assert_eq!(MeetingStatus::of(m), MeetingStatus::Planned);
        assert_eq!(m.text("status"), "planned");
        assert!(set.find(ATTENDANCES, id(2)).expect("made").flag("invited"));
        assert_eq!(
            set.find(DISAGREEMENTS, id(4)).expect("made").text("level"),
            "key_worker"
        );
        assert_eq!(participation(&set, id(1)).written, 1);
        assert_eq!(
            disagreements(&set, date("2026-11-24"))[0].meeting,
            Some(id(1))
        );
    }
}

#[test]
fn the_next_review_is_asked_for_from_the_day_of_the_meeting_until_it_is_booked() {
    let today = date("2026-12-14");
    let later = meeting_at(1, at("2026-12-20", 10, 0));
    assert_eq!(next_review_reminder(&later, today), None, "not begun");
    let today_meeting = meeting_at(2, at("2026-12-14", 10, 0));
    assert!(next_review_reminder(&today_meeting, today).is_some());
    let held_undated = meeting(3, &[("status", choice("held"))]);
    assert!(next_review_reminder(&held_undated, today).is_some());
    let booked = meeting(
        4,
        &[
            ("starts_at", Value::Number(at("2026-12-14", 10, 0))),
            ("next_review_on", on("2027-01-11")),
        ],
    );
    assert_eq!(next_review_reminder(&booked, today), None);
    for status in ["cancelled", "paused"] {
        let stopped = meeting(
            5,
            &[
                ("starts_at", Value::Number(at("2026-12-14", 10, 0))),
                ("status", choice(status)),
            ],
        );
        assert_eq!(next_review_reminder(&stopped, today), None, "{status}");
    }
}

// ---- "I feel involved"

fn answer(n: u128, meeting: u128, by: &str, fields: &[(&str, Value)]) -> Record {
    let mut r = Record::for_test(
        FEEDBACK,
        id(n),
        Some(id(meeting)),
        Topic::MeetingsAndReviews,
        fields,
    );
    r.created.by = by.to_owned();
    r
}

#[test]
fn a_meetings_answers_to_i_feel_involved_read_as_faces_with_whose_they_are_and_which_are_mine() {
    let mut removed = answer(
        4,
        1,
        "Ruth Rowe",
        &[("voice", choice("member")), ("score", Value::Number(1))],
    );
    removed.deleted = true;
    let set = set_of(vec![
        meeting(1, &[]),
        answer(
            2,
            1,
            "Asha Patel",
            &[("voice", choice("person")), ("score", Value::Number(5))],
        ),
        answer(
            3,
            1,
            "Ruth Rowe",
            &[
                ("voice", choice("member")),
                ("who", text("Ruth Rowe")),
                ("score", Value::Number(3)),
                ("said", text("I could not hear on the call")),
            ],
        ),
        removed,
        // Another meeting's answer, and one with a score off the scale (an older build's).
        answer(
            5,
            9,
            "Ruth Rowe",
            &[("voice", choice("member")), ("score", Value::Number(4))],
        ),
        answer(
            6,
            1,
            "Ruth Rowe",
            &[("voice", choice("member")), ("score", Value::Number(7))],
        ),
    ]);
    let answers = answers(&set, id(1), "Ruth Rowe");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0].who, "The person themselves");
    assert_eq!(answers[0].voice, "person");
    assert_eq!(answers[0].words, "Yes, very much");
    assert!(!answers[0].mine, "staff recorded the person's answer");
    assert_eq!(answers[1].who, "Ruth Rowe");
    assert_eq!(answers[1].words, "A bit");
    assert_eq!(answers[1].said, "I could not hear on the call");
    assert!(answers[1].mine);
}

#[test]
fn the_person_and_their_circle_answer_in_their_own_voice_and_staff_choose_whose() {
    assert_eq!(own_voice(&Reader::ThePerson), Some("person"));
    assert_eq!(
        own_voice(&Reader::Member {
            writes: BTreeSet::new()
        }),
        Some("member")
    );
    assert_eq!(own_voice(&Reader::Staff), None);
    assert!(INVOLVED_SCALE.windows(2).all(|w| w[0].0 + 1 == w[1].0));
    assert_eq!(involved_words(FELT_INVOLVED_FROM), Some("Mostly"));
    assert_eq!(involved_words(0), None);
}
