use super::*;
use crate::calendar::{Date, london_local_to_ms};
use crate::records::kinds::{ACTIONS, DECISIONS};
use crate::records::{Record, Value};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn day(s: &str) -> Date {
    s.parse().expect("date")
}

/// Dan's complex review: a decision to make, an action, and a decision record in Health.
fn dans_review(title: &str) -> RecordSet {
    let starts = london_local_to_ms(day("2026-12-14"), 14, 0).expect("a time");
    let meeting = Record::for_test(
        MEETINGS,
        id(1),
        None,
        Topic::MeetingsAndReviews,
        &[
            ("title", text(title)),
            ("meeting_type", Value::Choice("complex_review".to_owned())),
            ("starts_at", Value::Number(starts)),
            ("minutes", Value::Number(60)),
            ("place", text("Elm Court lounge")),
            ("chair", text("Grace Mensah")),
            ("agenda", text("How the last month went\nLate nights out")),
            (
                "decisions_to_make",
                text("Whether Dan can stay out until midnight"),
            ),
            ("decision_record", text(&id(3).to_string())),
        ],
    );
    let action = Record::for_test(
        ACTIONS,
        id(2),
        Some(id(1)),
        Topic::MeetingsAndReviews,
        &[
            ("what", text("Set up the text check-in")),
            ("owner", text("Lee")),
        ],
    );
    let decision = Record::for_test(
        DECISIONS,
        id(3),
        None,
        Topic::Health,
        &[("decision", text("Taking the new tablets"))],
    );
    [meeting, action, decision].into_iter().collect()
}

fn topics(list: &[Topic]) -> BTreeSet<Topic> {
    list.iter().copied().collect()
}

fn recipient(n: u128, name: &str, readable: &[Topic], easy_read: bool) -> Recipient {
    Recipient {
        user: id(100 + n),
        name: name.to_owned(),
        email: format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
        readable: topics(readable),
        easy_read,
    }
}

const LINK: &str = "https://circle.example/people/x/meetings";

#[test]
fn each_recipient_gets_a_letter_of_only_what_they_may_read_and_the_rest_are_told_why() {
    let set = dans_review("Late nights out");
    let everyone = vec![
        recipient(1, "Grace Mensah", &Topic::ALL, false),
        recipient(2, "Lee Carter", &[Topic::MeetingsAndReviews], false),
        recipient(3, "Ruth Okafor", &[Topic::GoalsAndProgress], false),
    ];
    let (sent, withheld) = letters(
        &set,
        id(1),
        "Dan Smith",
        Document::Summary,
        &everyone,
        LINK,
        0,
    )
    .expect("found");
    let names: Vec<&str> = sent.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["Grace Mensah", "Lee Carter"]);
    assert_eq!(
        withheld,
        vec![Withheld {
            name: "Ruth Okafor".to_owned(),
            reason: NOT_SHARED_REASON
        }]
    );
    // Grace may read health, so the decision record (kept in Health) shows; Lee may not.
    assert!(
        sent[0].text.contains("Taking the new tablets"),
        "{}",
        sent[0].text
    );
    assert!(
        !sent[1].text.contains("Taking the new tablets"),
        "{}",
        sent[1].text
    );
    assert!(sent[1].text.contains("Set up the text check-in"));
    assert!(!sent[1].html.contains("Taking the new tablets"));
    let lee = &sent[1];
    assert_eq!(lee.email, "lee.carter@example.org");
    assert_eq!(lee.subject, "Dan Smith's complex review: Late nights out");
    assert!(lee.text.ends_with(&format!("Open it in Circle: {LINK}\n")));
    assert_eq!(lee.calendar, None);
}

#[test]
fn a_recipient_without_an_address_is_left_out_and_named() {
    let set = dans_review("Late nights out");
    let mut nobody = recipient(1, "Maggie Brown", &Topic::ALL, true);
    nobody.email = String::new();
    let (sent, withheld) = letters(
        &set,
        id(1),
        "Dan Smith",
        Document::Agenda,
        &[nobody],
        LINK,
        0,
    )
    .expect("found");
    assert!(sent.is_empty());
    assert_eq!(withheld[0].reason, NO_ADDRESS_REASON);
}

#[test]
fn the_agenda_letter_marks_the_decisions_and_is_in_easy_read_for_a_reader_who_reads_it() {
    let set = dans_review("Late nights out");
    let people = vec![
        recipient(1, "Dan Smith", &Topic::ALL, true),
        recipient(2, "Lee Carter", &[Topic::MeetingsAndReviews], false),
    ];
    let (sent, _) =
        letters(&set, id(1), "Dan Smith", Document::Agenda, &people, LINK, 0).expect("found");
    let dan = &sent[0];
    assert!(
        dan.text
            .contains("What we need to decide\n- Whether Dan can stay out until midnight")
    );
    assert!(dan.text.contains("Leading the meeting: Grace Mensah"));
    assert!(dan.text.contains("You can see this in Circle"));
    let lee = &sent[1];
    assert_eq!(
        lee.subject,
        "Agenda: Dan Smith's complex review: Late nights out"
    );
    assert!(
        lee.text
            .contains("Decisions to make\n- Whether Dan can stay out until midnight")
    );
    assert!(
        lee.text
            .contains("Agenda\n- How the last month went\n- Late nights out")
    );
    assert!(lee.text.contains("Where: Elm Court lounge"));
    assert!(lee.text.contains("(60 minutes)"));
}

#[test]
fn an_invitation_carries_the_meetings_calendar_file() {
    let set = dans_review("Late nights out");
    let (sent, _) = letters(
        &set,
        id(1),
        "Dan Smith",
        Document::Invitation,
        &[recipient(
            2,
            "Lee Carter",
            &[Topic::MeetingsAndReviews],
            false,
        )],
        LINK,
        1_700_000_000_000,
    )
    .expect("found");
    let ics = sent[0].calendar.as_deref().expect("a calendar file");
    assert!(ics.contains("SUMMARY:Late nights out"));
    assert!(sent[0].text.contains("When: "));
    assert!(
        sent[0]
            .subject
            .starts_with("Invitation: Dan Smith's complex review")
    );
}

#[test]
fn text_a_person_typed_is_escaped_in_the_html_part_and_kept_as_typed_in_the_plain_part() {
    let hostile = "<img src=x onerror=alert(1)> & \"quotes\"";
    let set = dans_review(hostile);
    let (sent, _) = letters(
        &set,
        id(1),
        "Dan <b>Smith</b>",
        Document::Summary,
        &[recipient(
            2,
            "Lee Carter",
            &[Topic::MeetingsAndReviews],
            false,
        )],
        "javascript:alert(1)",
        0,
    )
    .expect("found");
    let html = &sent[0].html;
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"));
    // A link that is not http(s) is not made a link.
    assert!(!html.contains("href"), "{html}");
    assert!(sent[0].text.contains(hostile));
    assert!(!sent[0].subject.contains('\n'));
}

#[test]
fn a_subject_is_one_line_whatever_was_typed_in_the_title() {
    let set = dans_review("Late nights\r\nBcc: someone@evil.example");
    let (sent, _) = letters(
        &set,
        id(1),
        "Dan Smith",
        Document::Agenda,
        &[recipient(
            2,
            "Lee Carter",
            &[Topic::MeetingsAndReviews],
            false,
        )],
        LINK,
        0,
    )
    .expect("found");
    assert!(!sent[0].subject.contains('\r') && !sent[0].subject.contains('\n'));
}

#[test]
fn an_unknown_meeting_gives_no_letters() {
    let set = dans_review("Late nights out");
    assert_eq!(
        letters(&set, id(9), "Dan Smith", Document::Summary, &[], LINK, 0),
        None
    );
}

#[test]
fn a_failed_delivery_is_tried_again_later_each_time_and_then_left_for_a_person() {
    let waits: Vec<Option<i64>> = (1..=6).map(retry_after_ms).collect();
    let known: Vec<i64> = waits.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] < w[1]), "{waits:?}");
    assert_eq!(waits.last(), Some(&None));
}

#[test]
fn documents_round_trip_through_their_codes() {
    for d in Document::ALL {
        assert_eq!(Document::parse(d.code()), Some(d));
    }
    assert_eq!(Document::parse("minutes"), None);
}
