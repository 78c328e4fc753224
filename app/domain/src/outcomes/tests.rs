use proptest::prelude::*;

use super::*;
use crate::access::Topic;
use crate::records::Stamp;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn date(s: &str) -> Date {
    s.parse().expect("date")
}

fn goal(n: u128, fields: &[(&str, Value)]) -> Record {
    let mut all = vec![("wording", Value::Text(format!("Goal {n}")))];
    all.extend(fields.iter().cloned());
    Record::for_test(GOALS, id(n), None, Topic::GoalsAndProgress, &all)
}

fn step(n: u128, goal: u128, done: bool, position: Option<i64>) -> Record {
    let mut fields = vec![
        ("text", Value::Text(format!("Step {n}"))),
        ("done", Value::Flag(done)),
    ];
    if let Some(p) = position {
        fields.push(("position", Value::Number(p)));
    }
    Record::for_test(
        STEPS,
        id(n),
        Some(id(goal)),
        Topic::GoalsAndProgress,
        &fields,
    )
}

fn observation(n: u128, measure: u128, on: &str, value: i64, voice: &str, by: &str) -> Record {
    let mut r = Record::for_test(
        OBSERVATIONS,
        id(n),
        Some(id(measure)),
        Topic::GoalsAndProgress,
        &[
            ("value", Value::Number(value)),
            ("observed_on", Value::Date(date(on))),
            ("voice", Value::Choice(voice.into())),
        ],
    );
    r.created = Stamp {
        by: by.to_owned(),
        at_ms: 0,
    };
    r
}

fn measure(n: u128, goal: u128, ty: &str, baseline: Option<i64>) -> Record {
    let mut fields = vec![("measure", Value::Choice(ty.into()))];
    if let Some(b) = baseline {
        fields.push(("baseline", Value::Number(b)));
    }
    Record::for_test(
        MEASURES,
        id(n),
        Some(id(goal)),
        Topic::GoalsAndProgress,
        &fields,
    )
}

fn set_of(records: Vec<Record>) -> RecordSet {
    let mut set = RecordSet::new();
    for r in records {
        set.insert(r);
    }
    set
}

#[test]
fn steps_follow_their_places_and_the_first_not_reached_is_the_current_one() {
    let set = set_of(vec![
        goal(1, &[]),
        step(10, 1, false, Some(30)),
        step(11, 1, true, Some(10)),
        step(12, 1, false, Some(20)),
        step(13, 1, false, None),
    ]);
    let steps = ordered_steps(&set, id(1));
    let order: Vec<Uuid> = steps.iter().map(|s| s.id).collect();
    assert_eq!(order, vec![id(11), id(12), id(10), id(13)]);
    assert_eq!(steps[0].state, StepState::Reached(None));
    assert_eq!(steps[1].state, StepState::Current);
    assert_eq!(steps[2].state, StepState::Later);
    assert_eq!(current_step(&set, id(1)).map(|s| s.id), Some(id(12)));
}

#[test]
fn moving_a_step_earlier_places_every_step_and_writes_only_the_places_that_change() {
    let set = set_of(vec![
        goal(1, &[]),
        step(10, 1, false, Some(10)),
        step(11, 1, false, Some(20)),
        step(12, 1, false, Some(30)),
    ]);
    let steps = ordered_steps(&set, id(1));
    let moves = reorder(&steps, id(12), true);
    assert_eq!(
        moves,
        vec![
            (id(12), Value::Number(30), Value::Number(20)),
            (id(11), Value::Number(20), Value::Number(30)),
        ]
    );
    assert!(
        reorder(&steps, id(10), true).is_empty(),
        "the first can't go earlier"
    );
    assert!(
        reorder(&steps, id(12), false).is_empty(),
        "the last can't go later"
    );
}

#[test]
fn steps_never_placed_get_a_place_when_one_of_them_moves() {
    let set = set_of(vec![
        goal(1, &[]),
        step(10, 1, false, None),
        step(11, 1, false, None),
    ]);
    let steps = ordered_steps(&set, id(1));
    let moves = reorder(&steps, id(10), false);
    assert_eq!(
        moves,
        vec![
            (id(11), Value::Empty, Value::Number(10)),
            (id(10), Value::Empty, Value::Number(20)),
        ]
    );
    assert_eq!(next_position(&steps), 30);
}

#[test]
fn a_reached_step_says_when() {
    let mut s = step(10, 1, true, None);
    s.fields
        .insert("reached_on".into(), Value::Date(date("2026-03-02")));
    let set = set_of(vec![goal(1, &[]), s]);
    let steps = ordered_steps(&set, id(1));
    assert_eq!(steps[0].state.words(), "Reached Mon 2 Mar 2026");
}

fn falling_prompts() -> RecordSet {
    // Prompts fall from 3 in March to 1 in June; staff and Ruth see the same.
    let mut records = vec![goal(1, &[]), measure(2, 1, "prompts", Some(3))];
    let mut n = 100;
    for (on, value) in [
        ("2026-03-02", 3),
        ("2026-03-09", 3),
        ("2026-04-06", 2),
        ("2026-05-04", 2),
        ("2026-06-01", 1),
        ("2026-06-08", 1),
    ] {
        records.push(observation(n, 2, on, value, "staff", "Asha Patel"));
        records.push(observation(n + 1, 2, on, value, "member", "Ruth Brown"));
        n += 2;
    }
    set_of(records)
}

#[test]
fn a_summary_says_where_a_measure_started_where_it_is_and_that_the_voices_agree() {
    let set = falling_prompts();
    let m = &measures(&set, id(1))[0];
    let summary = summarise(m, "Maggie");
    assert_eq!(
        summary.line,
        "Prompts needed: 3 → 1 since March; Ruth and staff agree"
    );
    assert_eq!(summary.disagreement, None);
}

#[test]
fn a_summary_names_a_marked_disagreement_as_something_to_talk_about() {
    let records = vec![
        goal(1, &[]),
        measure(2, 1, "confidence", None),
        observation(10, 2, "2026-05-01", 2, "person", "Priya Shah"),
        observation(11, 2, "2026-06-01", 4, "person", "Priya Shah"),
        observation(12, 2, "2026-06-02", 2, "staff", "Jo King"),
    ];
    let m = &measures(&set_of(records), id(1))[0];
    let summary = summarise(m, "Priya");
    assert_eq!(summary.line, "Confidence: 2 → 2 since May; views differ");
    assert_eq!(
        summary.disagreement.as_deref(),
        Some(
            "Priya says 4 of 5 (Confident) but staff see 2 of 5 (Worried): something to talk about"
        )
    );
}

#[test]
fn a_summary_with_one_voice_says_whose_it_is_and_one_with_none_gives_the_baseline() {
    let records = vec![
        goal(1, &[]),
        measure(2, 1, "takeovers", Some(5)),
        observation(10, 2, "2025-11-03", 4, "member", "Ruth Brown"),
    ];
    let m = &measures(&set_of(records), id(1))[0];
    assert_eq!(
        summarise(m, "Maggie").line,
        "Task takeovers: 5 → 4 since November; only Ruth has recorded it lately"
    );
    let empty = set_of(vec![goal(1, &[]), measure(2, 1, "ratio", Some(2))]);
    let m = &measures(&empty, id(1))[0];
    assert_eq!(
        summarise(m, "Dan").line,
        "Support ratio: nothing recorded yet; started at 2:1"
    );
}

#[test]
fn an_observation_written_down_by_staff_in_the_persons_voice_says_so() {
    let o = |voice: &str, by: &str| Observation {
        id: id(1),
        on: date("2026-01-01"),
        value: 1,
        voice: Voice::of(voice),
        by: by.to_owned(),
        note: String::new(),
    };
    assert_eq!(
        o("person", "Asha Patel").whose("Maggie Lewis"),
        "Maggie Lewis (written down by Asha Patel)"
    );
    assert_eq!(
        o("person", "Maggie Lewis").whose("Maggie Lewis"),
        "Maggie Lewis"
    );
    assert_eq!(
        o("member", "Ruth Brown").whose("Maggie Lewis"),
        "Ruth Brown"
    );
    assert_eq!(
        o("staff", "Asha Patel").whose("Maggie Lewis"),
        "Staff (Asha Patel)"
    );
}

#[test]
fn two_years_of_daily_observations_chart_as_one_point_a_week_a_voice() {
    let mut records = vec![goal(1, &[]), measure(2, 1, "prompts", None)];
    let start = date("2025-01-06");
    for day in 0..728 {
        let on = start.add_days(day).expect("date").to_string();
        records.push(observation(
            1000 + day as u128,
            2,
            &on,
            3 - day / 300,
            "staff",
            "Asha",
        ));
    }
    let m = &measures(&set_of(records), id(1))[0];
    let points = weekly_points(m);
    assert_eq!(points.len(), 104);
    assert!(
        points
            .iter()
            .all(|p| p.count == 7 && p.voice == Voice::Staff)
    );
    assert_eq!(points[0].week, start);
    let frame = Frame::of(m, &points).expect("frame");
    assert_eq!((frame.low, frame.high), (0, 3));
    assert_eq!(frame.ticks(), vec![0, 1, 2, 3]);
    assert!((frame.x(frame.last, 600.0) - 600.0).abs() < 1e-9);
    assert!((frame.y(0, 200.0) - 200.0).abs() < 1e-9);
}

#[test]
fn a_weeks_point_is_the_middle_value_and_weeks_start_on_monday() {
    assert_eq!(monday_of(date("2026-12-06")), date("2026-11-30"));
    assert_eq!(monday_of(date("2026-11-30")), date("2026-11-30"));
}

#[test]
fn the_t_score_is_fifty_when_every_goal_meets_its_expected_outcome() {
    assert_eq!(t_score(&[]), None);
    assert_eq!(t_score(&[0, 0, 0]), Some(50.0));
    assert_eq!(t_score(&[-1]).map(|t| t.round()), Some(40.0));
    // Three goals each a little better than expected: 50 + 30 / √4.8.
    let t = t_score(&[1, 1, 1]).expect("scored");
    assert!((t - 63.693).abs() < 0.001, "{t}");
    let t = t_score(&[-2, 2]).expect("scored");
    assert!((t - 50.0).abs() < 1e-9);
}

#[test]
fn the_t_score_counts_only_the_goals_worked_on_with_a_level() {
    let set = set_of(vec![
        goal(1, &[("gas_level", Value::Choice("p1".into()))]),
        goal(2, &[]),
        goal(
            3,
            &[
                ("gas_level", Value::Choice("p2".into())),
                ("status", Value::Choice("achieved".into())),
            ],
        ),
    ]);
    let (t, n) = t_score_of(&set).expect("scored");
    assert_eq!(n, 1);
    assert!((t - 60.0).abs() < 1e-9);
}

#[test]
fn achieved_and_past_goals_are_history_newest_first() {
    let set = set_of(vec![
        goal(1, &[]),
        goal(
            2,
            &[
                ("status", Value::Choice("achieved".into())),
                ("status_on", Value::Date(date("2026-01-10"))),
            ],
        ),
        goal(
            3,
            &[
                ("status", Value::Choice("let_go".into())),
                ("status_on", Value::Date(date("2026-05-10"))),
            ],
        ),
    ]);
    let (active, past) = goals_by_status(&set);
    assert_eq!(active.iter().map(|g| g.id).collect::<Vec<_>>(), vec![id(1)]);
    assert_eq!(
        past.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![id(3), id(2)]
    );
}

#[test]
fn a_risk_plan_is_due_for_review_after_an_incident_since_its_last_review() {
    let d = |s: &str| Value::Date(date(s));
    assert!(!risk_review_due(&goal(1, &[])));
    assert!(risk_review_due(&goal(
        1,
        &[("incident_on", d("2026-03-01"))]
    )));
    assert!(risk_review_due(&goal(
        1,
        &[
            ("incident_on", d("2026-03-01")),
            ("risk_reviewed_on", d("2026-02-01"))
        ]
    )));
    assert!(!risk_review_due(&goal(
        1,
        &[
            ("incident_on", d("2026-03-01")),
            ("risk_reviewed_on", d("2026-03-04"))
        ]
    )));
    let staged = goal(
        1,
        &[
            (
                "stages",
                Value::Text("With staff\n\nStaff nearby\nOn my own".into()),
            ),
            ("stage", Value::Number(2)),
        ],
    );
    assert_eq!(
        stages(&staged),
        vec![
            (1, "With staff".to_owned(), false),
            (2, "Staff nearby".to_owned(), true),
            (3, "On my own".to_owned(), false),
        ]
    );
}

#[test]
fn a_goal_card_holds_the_words_the_current_step_and_the_agreed_prompts() {
    let set = set_of(vec![
        goal(
            1,
            &[
                (
                    "prompts",
                    Value::Text("Porridge first\n\n Kettle next ".into()),
                ),
                ("why", Value::Text("So I'm not a burden".into())),
            ],
        ),
        step(10, 1, true, Some(10)),
        step(11, 1, false, Some(20)),
    ]);
    let card = card(&set, id(1)).expect("card");
    assert_eq!(card.words, "Goal 1");
    assert_eq!(card.current_step.as_deref(), Some("Step 11"));
    assert_eq!(card.reached, (1, 2));
    assert_eq!(card.prompts, vec!["Porridge first", "Kettle next"]);
    let mut removed = goal(2, &[]);
    removed.deleted = true;
    assert_eq!(super::card(&set_of(vec![removed]), id(2)), None);
}

#[test]
fn pages_sent_without_the_trackers_own_kinds_show_goals_steps_and_cards_the_same() {
    let mut all = falling_prompts();
    all.insert(step(10, 1, true, Some(10)));
    all.insert(step(11, 1, false, Some(20)));
    let without: RecordSet = all
        .iter()
        .filter(|r| !TRACKER_ONLY.contains(&r.kind.as_str()))
        .cloned()
        .collect();
    assert!(without.len() < all.len(), "observations were left out");
    assert_eq!(card(&without, id(1)), card(&all, id(1)));
    assert_eq!(ordered_steps(&without, id(1)), ordered_steps(&all, id(1)));
    assert_eq!(
        crate::records::views::goals(&without),
        crate::records::views::goals(&all)
    );
    assert_eq!(goals_by_status(&without), goals_by_status(&all));
}

#[test]
fn the_figures_sent_with_the_page_are_what_the_device_works_out_once_it_holds_the_observations() {
    let mut all = falling_prompts();
    let mut removed = measure(3, 1, "confidence", None);
    removed.deleted = true;
    all.insert(removed);
    all.insert(measure(4, 1, "takeovers", Some(2)));
    let sent = figures(&all, "Maggie");
    assert_eq!(
        sent.iter().map(|f| f.measure).collect::<Vec<_>>(),
        vec![id(2), id(4)],
        "every measure not removed, the one with nothing recorded too"
    );
    let prompts = &measures(&all, id(1))[0];
    assert_eq!(sent[0].points, weekly_points(prompts));
    assert_eq!(sent[0].summary, summarise(prompts, "Maggie"));
    assert_eq!(
        sent[0].latest.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![id(110), id(111), id(108)],
        "the newest three, newest first"
    );
    assert!(sent[1].points.is_empty() && sent[1].latest.is_empty());
    assert!(sent[1].summary.line.contains("nothing recorded yet"));
    let recorded_here = observations(
        &set_of(vec![observation(200, 2, "2026-06-09", 0, "person", "")]),
        id(2),
    );
    assert_eq!(
        sent[0]
            .clone()
            .with_held(recorded_here)
            .latest
            .iter()
            .map(|o| o.id)
            .collect::<Vec<_>>(),
        vec![id(200), id(110), id(111)],
        "one recorded on the device before its first pull is listed first"
    );
    assert_eq!(
        sent[0].clone().with_held(sent[0].latest.clone()),
        sent[0],
        "listed once, however it is held"
    );
    let json = serde_json::to_string(&sent).expect("figures to JSON");
    let back: Vec<Figures> = serde_json::from_str(&json).expect("figures from JSON");
    assert_eq!(back, sent, "the figures cross to the browser unchanged");
}

#[test]
fn values_read_in_the_words_of_their_measure() {
    assert_eq!(MeasureType::Ratio.value_words(2, ""), "2:1");
    assert_eq!(MeasureType::Ratio.value_words(0, ""), "no support");
    assert_eq!(
        MeasureType::Confidence.value_words(4, ""),
        "4 of 5 (Confident)"
    );
    assert_eq!(MeasureType::Count.value_words(3, "walks"), "3 walks");
    assert!(MeasureType::Prompts.lower_is_better(""));
    assert!(!MeasureType::Journeys.lower_is_better(""));
    assert!(MeasureType::Count.lower_is_better("lower"));
}

proptest! {
    /// Observations reach a device and a server in any order: the summary and the chart are
    /// the same.
    #[test]
    fn the_order_observations_arrive_in_never_changes_a_summary_or_a_chart(
        seeds in prop::collection::vec((0i64..120, 0i64..6, 0usize..3), 1..40),
        shuffle in any::<u64>(),
    ) {
        let voices = ["person", "member", "staff"];
        let start = date("2026-01-05");
        let mut records: Vec<Record> = seeds
            .iter()
            .enumerate()
            .map(|(n, (day, value, voice))| {
                let on = start.add_days(*day).expect("date").to_string();
                observation(1000 + n as u128, 2, &on, *value, voices[*voice], "Ruth Brown")
            })
            .collect();
        let one = {
            let mut all = vec![goal(1, &[]), measure(2, 1, "prompts", None)];
            all.extend(records.iter().cloned());
            set_of(all)
        };
        // A fixed shuffle from the seed (the domain has no randomness of its own).
        let mut state = shuffle | 1;
        for i in (1..records.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            records.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut other = RecordSet::new();
        for r in records {
            other.insert(r);
        }
        other.insert(measure(2, 1, "prompts", None));
        other.insert(goal(1, &[]));
        let a = &measures(&one, id(1))[0];
        let b = &measures(&other, id(1))[0];
        prop_assert_eq!(summarise(a, "Maggie"), summarise(b, "Maggie"));
        prop_assert_eq!(weekly_points(a), weekly_points(b));
    }

    /// However the voices spread, a summary either names a disagreement or says who agrees,
    /// never both.
    #[test]
    fn a_summary_names_a_disagreement_or_an_agreement_never_both(
        values in prop::collection::vec((0i64..6, 0usize..3), 2..20),
    ) {
        let voices = ["person", "member", "staff"];
        let mut all = vec![goal(1, &[]), measure(2, 1, "confidence", None)];
        for (n, (value, voice)) in values.iter().enumerate() {
            all.push(observation(1000 + n as u128, 2, "2026-02-02", (*value).clamp(1, 5), voices[*voice], "Ruth"));
        }
        let m = &measures(&set_of(all), id(1))[0];
        let s = summarise(m, "Priya");
        prop_assert!(!(s.disagreement.is_some() && s.line.contains("agree")));
    }
}
