//! The governance dashboard through the server: only for the managers of a service, of the
//! services they manage; its figures are the store's counts of what was recorded, and the
//! records behind a figure are listed with a link to each.

use axum::http::StatusCode;
use domain::governance::{Figure, Month};
use store::{Backend, demo};

use crate::helpers::{TestApp, call_fn};
use crate::on_both_backends;

on_both_backends!(
    the_governance_dashboard_is_only_for_managers_and_only_of_the_services_they_manage,
    the_dashboard_counts_the_demo_reviews_and_links_to_the_records_behind_a_figure,
    the_figures_download_as_csv_and_print_as_a_report_for_managers_only_and_each_is_audited,
    the_grid_scores_from_the_records_with_the_reason_and_a_manager_scores_the_rest_with_evidence,
    the_nominated_individual_draws_two_cases_once_a_quarter_that_anyone_can_check_and_records_findings,
);

fn account(email: &str) -> domain::access::UserId {
    demo::ACCOUNTS
        .iter()
        .find(|a| a.email == email)
        .expect("a demo account")
        .id
}

/// `who` calls the server function at `endpoint` with `fields`: its status, its answer when
/// it is one, and its text.
async fn ask<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    who: &str,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<T>, String) {
    let client = app.as_user(who).await;
    let (status, text) = call_fn(&client, endpoint, fields).await;
    let parsed = serde_json::from_str(&text).ok();
    (status, parsed, text)
}

async fn dashboard(
    app: &TestApp,
    who: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<app::api::governance::Dashboard>, String) {
    ask(app, who, "governance/dashboard", fields).await
}

async fn the_governance_dashboard_is_only_for_managers_and_only_of_the_services_they_manage(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    for who in [
        "asha@riverside.example",
        "ruth@family.example",
        "admin@circle.example",
    ] {
        let (status, _, text) = dashboard(&app, who, &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {text}");
        let (status, html) = app.as_user(who).await.get("/governance").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!html.contains("Summaries sent within"), "{who}");
    }
    // Asha becomes the registered manager of Riverside, and of nothing else.
    app.store
        .grant_staff_role(
            account("asha@riverside.example"),
            demo::RIVERSIDE,
            domain::access::StaffRole::RegisteredManager,
            None,
            0,
        )
        .await
        .expect("a role");
    let (status, page, text) = dashboard(&app, "asha@riverside.example", &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let page = page.expect("the dashboard");
    assert_eq!(
        page.services.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![demo::RIVERSIDE]
    );
    assert_eq!(page.months.len(), 12);
    assert_eq!(page.months.last(), Some(&Month::of(page.today)));
    assert_eq!(
        page.figures.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
        Figure::ALL.to_vec()
    );
    assert!(page.figures.iter().all(|(_, counts)| counts.len() == 12));
    let elm_court = demo::ELM_COURT.to_string();
    for (fields, status, why) in [
        (
            vec![("service", elm_court.as_str())],
            StatusCode::NOT_FOUND,
            "a service she does not manage",
        ),
        (
            vec![("service", "not-a-service")],
            StatusCode::NOT_FOUND,
            "not a service",
        ),
        (
            vec![("month", "2026-13")],
            StatusCode::BAD_REQUEST,
            "not a month",
        ),
        (
            vec![("figure", "bedtimes")],
            StatusCode::BAD_REQUEST,
            "not a figure",
        ),
    ] {
        let (got, _, text) = dashboard(&app, "asha@riverside.example", &fields).await;
        assert_eq!(got, status, "{why}: {text}");
    }
    // The nominated individual sees every service, added together or one at a time.
    let (status, page, text) = dashboard(&app, "sam@circle.example", &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(page.expect("the dashboard").services.len(), 3);
    let (status, page, _) = dashboard(
        &app,
        "sam@circle.example",
        &[("service", elm_court.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.expect("the dashboard").service, Some(demo::ELM_COURT));
    app.finish().await;
}

async fn the_dashboard_counts_the_demo_reviews_and_links_to_the_records_behind_a_figure(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    store::load_demo_with_plans(app.store.as_ref())
        .await
        .expect("the demo's plans, outcomes and meetings");
    // Dan's mini-review, 12 days before the demo's day, has no summary yet: counted, late.
    let today = store::demo::today().expect("today");
    let month = Month::of(today.add_days(-12).expect("a day"));
    let (records, _) = app.store.records(demo::DAN, None).await.expect("records");
    let review = records
        .iter()
        .find(|r| {
            r.kind == domain::records::kinds::MEETINGS
                && r.text("title") == "Friday evenings: how the check-ins went"
        })
        .expect("Dan's mini-review")
        .id;
    let (status, page, text) = dashboard(
        &app,
        "grace@circle.example",
        &[
            ("service", &demo::ELM_COURT.to_string()),
            ("month", &month.to_string()),
            ("figure", "summaries"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let page = page.expect("the dashboard");
    assert_eq!(page.behind.len(), 1, "only the figure asked for");
    let (figure, rows) = page.behind[0].clone();
    assert_eq!(figure, Figure::Summaries);
    let row = rows
        .iter()
        .find(|(_, c)| c.id == review)
        .expect("the mini-review is counted");
    assert!(!row.1.met, "its summary is late");
    assert_eq!(row.0, "Elm Court Supported Living");
    let (_, counts) = page
        .figures
        .iter()
        .find(|(f, _)| *f == Figure::Summaries)
        .expect("summaries");
    let counted = counts.last().expect("this month").counted;
    assert_eq!(
        counted,
        rows.len() as u64,
        "the list holds what the figure counts"
    );

    // The page itself, as a browser without JavaScript gets it.
    let grace = app.as_user("grace@circle.example").await;
    let (status, html) = grace
        .get(&format!(
            "/governance?service={}&month={month}&figure=summaries",
            demo::ELM_COURT
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Summaries sent within 5 working days"));
    assert!(html.contains(&format!("/people/{}/meetings#meeting-{review}", demo::DAN)));
    assert!(
        html.contains("Daniel Price&#x27;s meeting") || html.contains("Daniel Price's meeting")
    );
    app.finish().await;
}

/// The audit trail's exports by `who` whose summary starts with `start`.
async fn audited(app: &TestApp, who: &str, start: &str) -> usize {
    audited_as(app, who, domain::audit::AuditKind::Exported, start).await
}

/// The audit trail's entries of `kind` by `who` whose summary starts with `start`.
async fn audited_as(
    app: &TestApp,
    who: &str,
    kind: domain::audit::AuditKind,
    start: &str,
) -> usize {
    let filter = domain::audit::AuditFilter {
        people: Vec::new(),
        services: demo::ALL_SERVICES.to_vec(),
        account_users: vec![account(who)],
        user: Some(account(who)),
        from_ms: None,
        to_ms: None,
        limit: 1_000,
    };
    app.store
        .audit_events(&filter)
        .await
        .expect("the audit trail")
        .iter()
        .filter(|e| e.kind == kind && e.summary.starts_with(start))
        .count()
}

async fn the_figures_download_as_csv_and_print_as_a_report_for_managers_only_and_each_is_audited(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    store::load_demo_with_plans(app.store.as_ref())
        .await
        .expect("the demo's plans, outcomes and meetings");
    let month = Month::of(
        store::demo::today()
            .expect("today")
            .add_days(-12)
            .expect("a day"),
    );
    let elm_court = demo::ELM_COURT.to_string();
    for who in [
        "tom@elmcourt.example",
        "lee@advocacy.example",
        "admin@circle.example",
    ] {
        let client = app.as_user(who).await;
        let (status, body) = client.get("/governance.csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        assert!(!body.contains("share_percent"), "{who}");
        let (status, html) = client.get("/governance/report").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!html.contains("Not met in"), "{who}");
        assert_eq!(audited(&app, who, "Downloaded the governance").await, 0);
    }
    let grace = app.as_user("grace@circle.example").await;
    let (status, _) = grace.get("/governance.csv?service=not-a-service").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = grace.get("/governance.csv?month=2026-13").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // One service: a row per figure and month, with the page's figures.
    let (status, csv) = grace
        .get(&format!(
            "/governance.csv?service={elm_court}&month={month}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "service,month,group,figure,met,counted,share_percent"
    );
    assert_eq!(lines.len(), 1 + Figure::ALL.len() * 12);
    let (_, page, _) = dashboard(
        &app,
        "grace@circle.example",
        &[("service", &elm_court), ("month", &month.to_string())],
    )
    .await;
    let page = page.expect("the dashboard");
    for (figure, counts) in &page.figures {
        let now = counts.last().expect("this month");
        let title = figure.title();
        let title = if title.contains(',') {
            format!("\"{title}\"")
        } else {
            title
        };
        let row = format!(
            "Elm Court Supported Living,{month},{},{title},{},{},",
            figure.group(),
            now.met,
            now.counted
        );
        assert!(csv.contains(&row), "{row} in {csv}");
    }
    let participation = page
        .figures
        .iter()
        .find(|(f, _)| *f == Figure::Participation)
        .map(|(_, c)| *c.last().expect("this month"))
        .expect("participation");
    assert!(
        participation.met >= 1,
        "Dan's mini-review had his mum and his advocate: {participation:?}"
    );
    assert_eq!(
        audited(
            &app,
            "grace@circle.example",
            "Downloaded the governance figures (CSV)"
        )
        .await,
        1
    );

    // All three services: each, then all together.
    let (status, csv) = grace.get("/governance.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 1 + 4 * Figure::ALL.len() * 12);
    assert!(csv.contains("\r\nAll services,"));

    // The report: every figure, and the records that did not meet the rule, linked.
    let (status, html) = grace
        .get(&format!(
            "/governance/report?service={elm_court}&month={month}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for figure in Figure::ALL {
        assert!(html.contains(&figure.title()), "{}", figure.title());
    }
    assert!(html.contains(&format!("Not met in {}", month.words())));
    let (records, _) = app.store.records(demo::DAN, None).await.expect("records");
    let review = records
        .iter()
        .find(|r| r.text("title") == "Friday evenings: how the check-ins went")
        .expect("Dan's mini-review")
        .id;
    assert!(
        html.contains(&format!("/people/{}/meetings#meeting-{review}", demo::DAN)),
        "its summary is late, so it is listed"
    );
    assert_eq!(
        audited(
            &app,
            "grace@circle.example",
            "Opened the printable governance report"
        )
        .await,
        1
    );
    app.finish().await;
}

async fn grid(
    app: &TestApp,
    who: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<app::api::governance::GridPage>, String) {
    ask(app, who, "governance/grid", fields).await
}

async fn the_grid_scores_from_the_records_with_the_reason_and_a_manager_scores_the_rest_with_evidence(
    backend: Backend,
) {
    use domain::governance::grid::{Dimension, How, Quarter};
    let app = TestApp::with_demo(backend).await;
    store::load_demo_with_plans(app.store.as_ref())
        .await
        .expect("the demo's plans, outcomes and meetings");
    let elm_court = demo::ELM_COURT.to_string();
    // The quarter of the demo's year that holds Dan's fourth review, with its summary.
    let today = store::demo::today().expect("today");
    let quarter = Quarter::of(today.add_days(-365 + 3 * 42 + 6).expect("a day"));
    let quarter_text = quarter.to_string();
    let asked = [
        ("service", elm_court.as_str()),
        ("quarter", quarter_text.as_str()),
    ];
    for who in [
        "tom@elmcourt.example",
        "lee@advocacy.example",
        "admin@circle.example",
    ] {
        let (status, _, text) = grid(&app, who, &asked).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {text}");
        let (status, location) = app
            .as_user(who)
            .await
            .post_form(
                "/governance/grid",
                &[
                    ("service", &elm_court),
                    ("quarter", &quarter_text),
                    ("dimension", "training"),
                    ("score", "2"),
                    ("evidence", "Trust me"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {location}");
    }
    let (status, _, _) = grid(&app, "grace@circle.example", &[("quarter", "2026-Q5")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = grid(&app, "grace@circle.example", &[("service", "nope")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, page, text) = grid(&app, "grace@circle.example", &asked).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let page = page.expect("the grid");
    assert_eq!(page.lines.len(), 10);
    let line = |page: &app::api::governance::GridPage, d: Dimension| {
        page.lines
            .iter()
            .find(|l| l.dimension == d)
            .cloned()
            .expect("a line")
    };
    let summaries = line(&page, Dimension::Summaries);
    match &summaries.how {
        How::Records(reason) => assert!(
            reason.contains("summaries sent within 5 working days"),
            "{reason}"
        ),
        other => panic!("summaries are scored from the records: {other:?}"),
    }
    assert!(summaries.score.is_some());
    assert_eq!(line(&page, Dimension::Training).how, How::NotScored);
    assert_eq!(page.history.len(), app::api::governance::GRID_QUARTERS);

    // Grace scores training; the grid shows it with her evidence, and the trail has it.
    let grace = app.as_user("grace@circle.example").await;
    let (status, location) = grace
        .post_form(
            "/governance/grid",
            &[
                ("service", &elm_court),
                ("quarter", &quarter_text),
                ("dimension", "training"),
                ("score", "2"),
                (
                    "evidence",
                    "Everyone trained this year; supervision notes show reflection",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!(
            "/governance/grid?service={elm_court}&quarter={quarter}&saved=training#dimension-training"
        )
    );
    let (_, page, _) = grid(&app, "grace@circle.example", &asked).await;
    let page = page.expect("the grid");
    let training = line(&page, Dimension::Training);
    assert_eq!(training.score, Some(2));
    assert!(
        matches!(&training.how, How::Manager { evidence, by_name, .. }
        if evidence.starts_with("Everyone trained") && by_name == "Grace Mensah")
    );
    assert_eq!(
        audited_as(
            &app,
            "grace@circle.example",
            domain::audit::AuditKind::Changed,
            "Scored “Training” 2 of 2"
        )
        .await,
        1
    );
    // A score with no evidence, or out of range, goes back with the problem; nothing changes.
    for (score, evidence) in [("2", "  "), ("3", "Seen"), ("", "Seen")] {
        let (status, location) = grace
            .post_form(
                "/governance/grid",
                &[
                    ("service", &elm_court),
                    ("quarter", &quarter_text),
                    ("dimension", "training"),
                    ("score", score),
                    ("evidence", evidence),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.contains("&problem=training"), "{location}");
    }
    let (_, page, _) = grid(&app, "grace@circle.example", &asked).await;
    assert_eq!(
        line(&page.expect("the grid"), Dimension::Training).score,
        Some(2)
    );
    // A registered manager of Riverside alone cannot score Elm Court.
    app.store
        .grant_staff_role(
            account("asha@riverside.example"),
            demo::RIVERSIDE,
            domain::access::StaffRole::RegisteredManager,
            None,
            0,
        )
        .await
        .expect("a role");
    let (status, _) = app
        .as_user("asha@riverside.example")
        .await
        .post_form(
            "/governance/grid",
            &[
                ("service", &elm_court),
                ("quarter", &quarter_text),
                ("dimension", "training"),
                ("score", "0"),
                ("evidence", "Overwrite"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The page without JavaScript, and the grid as CSV (audited as an export).
    let (status, html) = grace
        .get(&format!(
            "/governance/grid?service={elm_court}&quarter={quarter}&saved=training"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Saved the score for Training."));
    assert!(html.contains("Scored from the records."));
    assert!(html.contains("action=\"/governance/grid\""));
    let (status, csv) = grace
        .get(&format!(
            "/governance/grid.csv?service={elm_court}&quarter={quarter}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert_eq!(csv.lines().count(), 1 + 10 + 1);
    assert!(csv.contains(&format!(
        "Elm Court Supported Living,{quarter},Training,2,Grace Mensah,"
    )));
    assert_eq!(
        audited(
            &app,
            "grace@circle.example",
            "Downloaded the self-score grid (CSV)"
        )
        .await,
        1
    );
    app.finish().await;
}

async fn sampling(
    app: &TestApp,
    who: &str,
    service: &str,
) -> (
    StatusCode,
    Option<app::api::governance::SamplingPage>,
    String,
) {
    ask(app, who, "governance/sampling", &[("service", service)]).await
}

async fn the_nominated_individual_draws_two_cases_once_a_quarter_that_anyone_can_check_and_records_findings(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let riverside = demo::RIVERSIDE.to_string();
    // Four more people at Riverside, beside Maggie, to draw from.
    let more: Vec<domain::people::Person> = (1..=4u128)
        .map(|n| {
            domain::people::NewPerson {
                name: format!("Person {n} Riverside"),
                date_of_birth: format!("1970-01-0{n}"),
                ..Default::default()
            }
            .check(
                domain::PersonId(uuid::Uuid::from_u128(0x5a_0000 + n)),
                demo::RIVERSIDE,
                "2026-05-01".parse().expect("a day"),
            )
            .expect("valid")
        })
        .collect();
    app.store.add_people(&more, &[]).await.expect("added");
    // Not a manager: no sampling. A registered manager reads it, but does not draw.
    for who in [
        "asha@riverside.example",
        "ruth@family.example",
        "admin@circle.example",
    ] {
        let (status, _, text) = sampling(&app, who, &riverside).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {text}");
    }
    for who in ["asha@riverside.example", "grace@circle.example"] {
        let (status, _) = app
            .as_user(who)
            .await
            .post_form("/governance/sampling/draw", &[("service", &riverside)])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, page, text) = sampling(&app, "grace@circle.example", &riverside).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let page = page.expect("the page");
    assert!(!page.may_sample);
    assert!(page.current().is_none());

    let sam = app.as_user("sam@circle.example").await;
    let (status, _) = sam
        .post_form("/governance/sampling/draw", &[("service", "nope")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page, _) = sampling(&app, "sam@circle.example", &riverside).await;
    let page = page.expect("the page");
    assert!(page.may_sample);
    let supported = app
        .store
        .people()
        .await
        .expect("people")
        .into_iter()
        .filter(|p| p.service_id == demo::RIVERSIDE)
        .count();
    assert_eq!(supported, 5);
    assert_eq!(page.candidates, supported);

    let (status, location) = sam
        .post_form("/governance/sampling/draw", &[("service", &riverside)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with(&format!(
            "/governance/sampling?service={riverside}&note=drawn#quarter-{}",
            page.quarter
        )),
        "{location}"
    );
    let (_, page, _) = sampling(&app, "sam@circle.example", &riverside).await;
    let page = page.expect("the page");
    let drawn = page.current().expect("this quarter's draw").clone();
    assert_eq!(drawn.cases.len(), 2);
    assert!(drawn.checks);
    assert_eq!(drawn.draw.candidates.len(), supported);
    assert!(
        drawn
            .cases
            .iter()
            .all(|(_, name, finding)| !name.is_empty() && finding.is_none())
    );
    assert_eq!(
        audited_as(
            &app,
            "sam@circle.example",
            domain::audit::AuditKind::Changed,
            "Drew 2 cases to sample"
        )
        .await,
        1
    );
    // A second draw the same quarter leaves the first, and is not audited as one.
    let (_, location) = sam
        .post_form("/governance/sampling/draw", &[("service", &riverside)])
        .await;
    assert!(location.contains("&note=already"), "{location}");
    let (_, again, _) = sampling(&app, "grace@circle.example", &riverside).await;
    assert_eq!(
        again.expect("the page").current().map(|d| d.draw.clone()),
        Some(drawn.draw.clone())
    );
    assert_eq!(
        audited_as(
            &app,
            "sam@circle.example",
            domain::audit::AuditKind::Changed,
            "Drew 2 cases to sample"
        )
        .await,
        1
    );

    // Findings for a case drawn; none for anyone else, another quarter, or from Grace.
    let case = drawn.cases[0].0.to_string();
    let quarter = page.quarter.to_string();
    fn post(fields: &[(String, String)]) -> Vec<(&str, &str)> {
        fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
    let finding = |person: &str, quarter: &str, findings: &str| {
        vec![
            ("service".to_owned(), riverside.clone()),
            ("quarter".to_owned(), quarter.to_owned()),
            ("person".to_owned(), person.to_owned()),
            ("findings".to_owned(), findings.to_owned()),
            (
                "actions".to_owned(),
                "Send the summary within 5 working days\nAsk Ruth how the video call went"
                    .to_owned(),
            ),
        ]
    };
    let outsider = demo::DAN.to_string();
    let earlier = page.quarter.previous().to_string();
    for (who, person, quarter, expected) in [
        (
            "sam@circle.example",
            outsider.as_str(),
            quarter.as_str(),
            StatusCode::NOT_FOUND,
        ),
        (
            "sam@circle.example",
            case.as_str(),
            earlier.as_str(),
            StatusCode::NOT_FOUND,
        ),
        (
            "grace@circle.example",
            case.as_str(),
            quarter.as_str(),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let fields = finding(person, quarter, "Looked fine");
        let (status, _) = app
            .as_user(who)
            .await
            .post_form("/governance/sampling/finding", &post(&fields))
            .await;
        assert_eq!(status, expected, "{who} {person} {quarter}");
    }
    let fields = finding(&case, &quarter, "   ");
    let (status, location) = sam
        .post_form("/governance/sampling/finding", &post(&fields))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains(&format!("&problem={case}")), "{location}");
    let fields = finding(
        &case,
        &quarter,
        "The family took part in every review; one summary went out late",
    );
    let (status, location) = sam
        .post_form("/governance/sampling/finding", &post(&fields))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains(&format!("&saved={case}")), "{location}");
    let (_, page, _) = sampling(&app, "grace@circle.example", &riverside).await;
    let page = page.expect("the page");
    let found = page.current().expect("the draw").cases[0]
        .2
        .clone()
        .expect("findings");
    assert!(found.findings.starts_with("The family took part"));
    assert_eq!(
        found.action_lines(),
        vec![
            "Send the summary within 5 working days",
            "Ask Ruth how the video call went"
        ]
    );
    assert_eq!(found.by_name, "Sam Ellis");
    // Noted in the person's own audit trail: their record was looked at closely.
    let trail = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![drawn.cases[0].0],
            services: Vec::new(),
            account_users: Vec::new(),
            user: None,
            from_ms: None,
            to_ms: None,
            limit: 100,
        })
        .await
        .expect("the audit trail");
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.kind == domain::audit::AuditKind::Changed
                && e.summary
                    .starts_with("Recorded the findings of case sampling")
                && e.service == Some(demo::RIVERSIDE))
            .count(),
        1
    );
    app.finish().await;
}
