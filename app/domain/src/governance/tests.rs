use proptest::prelude::*;

use super::*;
use crate::calendar::{Deadline, DeadlineStatus};

fn date(s: &str) -> Date {
    s.parse().expect("date")
}

fn day_of(days: &[CalendarDay], d: Date) -> CalendarDay {
    days[usize::try_from(d.days_since_epoch() - days[0].epoch_day).expect("covered")]
}

#[test]
fn a_count_reads_as_met_of_counted_with_the_share_rounded_down() {
    assert_eq!(
        Count {
            met: 18,
            counted: 20
        }
        .words(),
        "18 of 20 (90%)"
    );
    assert_eq!(
        Count {
            met: 199,
            counted: 200
        }
        .percent(),
        Some(99)
    );
    assert_eq!(Count { met: 0, counted: 0 }.words(), "None to count");
    assert_eq!(
        Count { met: 1, counted: 2 } + Count { met: 3, counted: 4 },
        Count { met: 4, counted: 6 }
    );
}

#[test]
fn months_read_and_count_back_across_the_new_year() {
    let november: Month = "2026-11".parse().expect("month");
    assert_eq!(november.to_string(), "2026-11");
    assert_eq!(november.words(), "November 2026");
    let shown = november.last(MONTHS_SHOWN);
    assert_eq!(shown.len(), 12);
    assert_eq!(shown[0].to_string(), "2025-12");
    assert_eq!(shown[11], november);
    assert_eq!(
        Month::of(date("2027-01-31")).previous().to_string(),
        "2026-12"
    );
    for bad in ["2026-13", "2026", "November", "2026-00", "-1-01"] {
        assert!(bad.parse::<Month>().is_err(), "{bad}");
    }
}

#[test]
fn the_calendar_covers_every_day_of_the_known_years_in_order() {
    let days = calendar_days().expect("calendar");
    assert_eq!(days[0].day, date("2020-01-01"));
    assert_eq!(days[days.len() - 1].day, date("2028-12-31"));
    assert!(
        days.windows(2)
            .all(|w| w[1].epoch_day == w[0].epoch_day + 1)
    );
    // Christmas 2026 falls on a Friday: Friday 25 and Monday 28 are bank holidays.
    let christmas = day_of(&days, date("2026-12-25"));
    let thursday = day_of(&days, date("2026-12-24"));
    assert_eq!(christmas.working_upto, thursday.working_upto);
    assert_eq!(
        day_of(&days, date("2026-12-29")).working_upto,
        thursday.working_upto + 1
    );
}

#[test]
fn a_month_settles_on_the_first_day_of_the_third_month_after_it_once_every_wait_has_ended() {
    let september: Month = "2026-09".parse().expect("month");
    assert!(!september.settled_on(date("2026-11-30")));
    assert!(september.settled_on(date("2026-12-01")));
    assert!(!september.kept_on(date("2026-10-31")));
    assert!(september.kept_on(date("2026-11-01")));
    assert!(
        "2026-10"
            .parse::<Month>()
            .expect("month")
            .settled_on(date("2027-01-01"))
    );
    // Every rule that waits for time has stopped waiting for each day of a month by the first
    // day of the third month after it: working days (a disagreement's 20 are the most),
    // calendar days (an agenda's, counted before the meeting) and hours (an advocate's 48).
    let days = calendar_days().expect("calendar");
    let longest = i64::from(DISAGREEMENT_WORKING_DAYS.max(SUMMARY_WORKING_DAYS));
    for d in days.iter().take_while(|d| d.day < date("2028-09-01")) {
        let mut settles = Month::of(d.day);
        for _ in 0..3 {
            settles = settles.next();
        }
        let first = day_of(&days, settles.first_day().expect("first day"));
        assert!(Month::of(d.day).settled_on(first.day));
        assert!(first.working_from > d.working_upto + longest, "{}", d.day);
        assert!(first.epoch_day * 86_400_000 > (d.epoch_day + 1) * 86_400_000 + ADVOCATE_WITHIN_MS);
    }
}

proptest! {
    /// The store's SQL decides "done within N working days" and "N working days have passed"
    /// from the calendar's two numbers: the same answers as the deadlines the reviews page
    /// shows.
    #[test]
    fn the_calendars_numbers_judge_a_deadline_as_the_reviews_page_does(
        start in 400i64..2600,
        after in -5i64..40,
        working_days in 1u32..25,
    ) {
        let days = calendar_days().expect("calendar");
        let start_day = days[usize::try_from(start).expect("index")];
        let other = days[usize::try_from(start + after).expect("index")];
        let deadline = Deadline::new(start_day.day, working_days);
        let limit = start_day.working_upto + i64::from(working_days);
        let on_time = matches!(
            deadline.done_on(other.day).status(other.day).expect("status"),
            DeadlineStatus::DoneOnTime { .. }
        );
        prop_assert_eq!(other.working_from <= limit, on_time);
        let late = matches!(deadline.status(other.day).expect("status"), DeadlineStatus::Late { .. });
        prop_assert_eq!(other.working_from > limit, late);
    }
}

#[test]
fn each_figure_has_its_own_key_and_links_to_the_page_that_keeps_what_it_counts() {
    for figure in Figure::ALL {
        assert_eq!(Figure::of(figure.key()), Some(figure));
    }
    let keys: std::collections::BTreeSet<&str> = Figure::ALL.iter().map(|f| f.key()).collect();
    assert_eq!(keys.len(), Figure::ALL.len());
    let person = PersonId(Uuid::from_u128(7));
    let id = Uuid::from_u128(9);
    assert_eq!(
        Figure::Participation.href(person, id),
        format!("/people/{person}/meetings#meeting-{id}")
    );
    assert_eq!(
        Figure::Advocates.href(person, id),
        format!("/people/{person}/involvement#referral-{id}")
    );
    assert_eq!(
        Figure::Advocates.title(),
        "Advocates engaged within 48 hours of a trigger"
    );
    assert_eq!(Figure::Participation.group(), "Participation");
    // An answer is shown with its meeting, a count with its measure, a goal on the tracker.
    assert_eq!(
        Figure::FeltInvolved.href(person, id),
        format!("/people/{person}/meetings#meeting-{id}")
    );
    assert_eq!(
        Figure::Prompts.href(person, id),
        format!("/people/{person}/progress#measure-{id}")
    );
    assert_eq!(
        Figure::Goals.href(person, id),
        format!("/people/{person}/progress#goal-{id}")
    );
    assert!(
        Figure::CircleFeltInvolved
            .counts()
            .contains("“Mostly” or “Yes, very much”")
    );
}

#[test]
fn the_dashboard_groups_come_in_the_order_the_issue_lists_them_each_once() {
    let mut groups: Vec<&str> = Vec::new();
    for figure in Figure::ALL {
        if groups.last() != Some(&figure.group()) {
            groups.push(figure.group());
        }
    }
    assert_eq!(
        groups,
        [
            "Participation",
            "Timeliness",
            "Experience",
            "Enablement",
            "Escalations"
        ]
    );
}

fn counted(service: u128, month: &str, figure: Figure, met: u64, of: u64) -> FigureCount {
    FigureCount {
        service: ServiceId(Uuid::from_u128(service)),
        month: month.parse().expect("month"),
        figure,
        count: Count { met, counted: of },
    }
}

#[test]
fn a_figure_month_by_month_is_one_service_or_every_service_added_together() {
    let counts = [
        counted(1, "2026-10", Figure::Summaries, 1, 2),
        counted(2, "2026-10", Figure::Summaries, 3, 3),
        counted(1, "2026-11", Figure::Summaries, 0, 1),
        counted(1, "2026-11", Figure::Actions, 5, 5),
    ];
    let months = "2026-11".parse::<Month>().expect("month").last(3);
    let all = monthly(&counts, Figure::Summaries, &months, None);
    assert_eq!(
        all,
        vec![
            Count::default(),
            Count { met: 4, counted: 5 },
            Count { met: 0, counted: 1 }
        ]
    );
    let two = monthly(
        &counts,
        Figure::Summaries,
        &months,
        Some(ServiceId(Uuid::from_u128(2))),
    );
    assert_eq!(two[1], Count { met: 3, counted: 3 });
    assert_eq!(two[2], Count::default());
}

#[test]
fn the_csv_has_a_row_per_place_figure_and_month_and_defuses_a_name_that_looks_like_a_formula() {
    let months = "2026-11".parse::<Month>().expect("month").last(2);
    let csv = to_csv(
        &months,
        &[(
            "=HYPERLINK(\"x\")".to_owned(),
            vec![(
                Figure::Summaries,
                vec![
                    Count::default(),
                    Count {
                        met: 18,
                        counted: 20,
                    },
                ],
            )],
        )],
    );
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "service,month,group,figure,met,counted,share_percent"
    );
    assert_eq!(
        lines[1],
        "\"'=HYPERLINK(\"\"x\"\")\",2026-10,Timeliness,Summaries sent within 5 working days,0,0,"
    );
    assert_eq!(
        lines[2],
        "\"'=HYPERLINK(\"\"x\"\")\",2026-11,Timeliness,Summaries sent within 5 working days,18,20,90"
    );
    assert_eq!(lines.len(), 4, "{csv}");
}
