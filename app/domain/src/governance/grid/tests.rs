use super::*;

fn count(met: u64, counted: u64) -> Count {
    Count { met, counted }
}

fn quarter(s: &str) -> Quarter {
    s.parse().expect("quarter")
}

#[test]
fn quarters_read_count_back_across_the_new_year_and_hold_their_three_months() {
    let q4 = quarter("2026-Q4");
    assert_eq!(q4.to_string(), "2026-Q4");
    assert_eq!(q4.words(), "October to December 2026");
    assert_eq!(
        q4.months().map(|m| m.to_string()),
        ["2026-10", "2026-11", "2026-12"]
    );
    assert_eq!(
        Quarter::of("2026-03-31".parse().expect("day")),
        quarter("2026-Q1")
    );
    assert_eq!(
        quarter("2026-Q1").back(3),
        vec![quarter("2026-Q1"), quarter("2025-Q4"), quarter("2025-Q3")]
    );
    for bad in ["2026-Q5", "2026-Q0", "2026", "Q4", "2026-4"] {
        assert!(bad.parse::<Quarter>().is_err(), "{bad}");
    }
}

#[test]
fn a_dimension_the_records_score_says_why_from_the_share_met() {
    assert_eq!(
        from_records(Figure::Summaries, count(18, 20)),
        Some((
            2,
            "18 of 20 summaries sent within 5 working days (90%): 2. From the records: 2 from 90%, 1 from 60%.".to_owned()
        ))
    );
    assert_eq!(
        from_records(Figure::Summaries, count(17, 20)).map(|s| s.0),
        Some(1)
    );
    assert_eq!(
        from_records(Figure::Disagreements, count(3, 5)).map(|s| s.0),
        Some(1)
    );
    assert_eq!(
        from_records(Figure::Advocates, count(1, 2)).map(|s| s.0),
        Some(0)
    );
    assert_eq!(from_records(Figure::Summaries, count(0, 0)), None);
}

#[test]
fn the_grid_scores_from_the_records_where_it_can_and_from_managers_elsewhere() {
    let q = quarter("2026-Q4");
    let manual = |dimension, score| ManualScore {
        quarter: q,
        dimension,
        score,
        evidence: "Seen in supervision notes".to_owned(),
        by_name: "Grace Mensah".to_owned(),
        at_ms: 0,
    };
    let scores = vec![
        manual(Dimension::Training, 1),
        // A manager's score of a dimension the records score gives way to the records.
        manual(Dimension::Summaries, 0),
        // Another quarter's score does not count.
        ManualScore {
            quarter: q.previous(),
            ..manual(Dimension::Outcomes, 2)
        },
        // Nothing to count for advocates this quarter: the manager's score stands.
        manual(Dimension::AdvocacyTriggers, 2),
    ];
    let counts = [
        (Figure::Summaries, count(9, 10)),
        (Figure::Summaries, count(9, 10)),
        (Figure::Disagreements, count(1, 2)),
        (Figure::Actions, count(10, 10)),
    ];
    let lines = grid(q, &counts, &scores);
    let line = |d: Dimension| lines.iter().find(|l| l.dimension == d).expect("line");
    assert_eq!(lines.len(), 10);
    assert_eq!(line(Dimension::Summaries).score, Some(2));
    assert!(
        matches!(&line(Dimension::Summaries).how, How::Records(r) if r.starts_with("18 of 20 "))
    );
    assert_eq!(line(Dimension::Disagreements).score, Some(0));
    assert_eq!(line(Dimension::AdvocacyTriggers).score, Some(2));
    assert!(matches!(
        line(Dimension::AdvocacyTriggers).how,
        How::Manager { .. }
    ));
    assert_eq!(line(Dimension::Training).score, Some(1));
    assert_eq!(line(Dimension::Outcomes).score, None);
    assert_eq!(total(&lines), (5, 4));
    assert_eq!(
        total_words(&lines),
        "5 of 20: below the target of 17 (6 dimensions not scored yet)"
    );
}

#[test]
fn a_manager_scores_0_1_or_2_with_evidence_in_their_words() {
    assert_eq!(
        checked_score("2", "  Audit in May  "),
        Ok((2, "Audit in May".to_owned()))
    );
    assert!(checked_score("3", "x").is_err());
    assert!(checked_score("", "x").is_err());
    assert!(checked_score("1", "   ").is_err());
    assert!(checked_score("1", &"x".repeat(EVIDENCE_MAX + 1)).is_err());
}

#[test]
fn the_grid_as_csv_has_a_row_per_dimension_and_the_total_and_defuses_formulas() {
    let q = quarter("2026-Q4");
    let lines = grid(
        q,
        &[(Figure::Summaries, count(18, 20))],
        &[ManualScore {
            quarter: q,
            dimension: Dimension::Training,
            score: 1,
            evidence: "=cmd|' /C calc'!A0".to_owned(),
            by_name: "Grace Mensah".to_owned(),
            at_ms: 0,
        }],
    );
    let csv = to_csv("Riverside", q, &lines);
    let rows: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        rows[0],
        "service,quarter,dimension,score,scored_by,reason_or_evidence,scored_at_uk"
    );
    assert_eq!(rows.len(), 1 + 10 + 1 + 1);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Riverside,2026-Q4,Summaries,2,\"Circle, from the records\","))
    );
    assert!(rows.iter().any(|r| r.contains(",'=cmd|")));
    assert_eq!(rows[11], "Riverside,2026-Q4,Total,3,,target 17 of 20,");
}
