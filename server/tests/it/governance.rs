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
);

fn account(email: &str) -> domain::access::UserId {
    demo::ACCOUNTS
        .iter()
        .find(|a| a.email == email)
        .expect("a demo account")
        .id
}

async fn dashboard(
    app: &TestApp,
    who: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<app::api::governance::Dashboard>, String) {
    let client = app.as_user(who).await;
    let (status, text) = call_fn(&client, "governance/dashboard", fields).await;
    let parsed = serde_json::from_str(&text).ok();
    (status, parsed, text)
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
    let (figure, rows) = page.behind.expect("the records behind the figure");
    assert_eq!(figure, Figure::Summaries);
    let row = rows
        .iter()
        .find(|(_, c)| c.id == review)
        .expect("the mini-review is counted");
    assert!(!row.1.met, "its summary is late");
    assert_eq!(row.0, "Elm Court Supported Living");
    let (_, counts) = &page.figures[0];
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
