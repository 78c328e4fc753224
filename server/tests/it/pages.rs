//! Pages as a browser without JavaScript gets them: complete HTML from the server.

use axum::http::StatusCode;
use store::Backend;

use crate::helpers::{TestApp, call_fn};
use crate::on_both_backends;

on_both_backends!(
    health_check_reports_the_database_it_answered_from,
    home_page_lists_every_demo_person_with_strengths_before_details,
    a_search_in_the_address_filters_the_list_on_the_server,
    a_persons_page_leads_with_their_strengths,
    an_unknown_person_is_a_404_with_a_way_back,
    an_unknown_address_is_a_404_page,
    the_way_to_the_plan_is_worded_for_each_reader_and_absent_for_who_may_change_nothing,
    a_plan_without_javascript_offers_no_control_that_would_do_nothing,
    the_audit_trail_is_paged_fifty_events_at_a_time,
    pages_are_gzipped_for_circles_own_pages_and_sent_plain_where_another_site_could_measure_them,
    pages_of_a_record_carry_only_the_kinds_they_show,
);

async fn health_check_reports_the_database_it_answered_from(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], backend.name());
    app.finish().await;
}

async fn home_page_lists_every_demo_person_with_strengths_before_details(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get("/").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for (name, strength, service) in [
        (
            "Maggie",
            "Kept an allotment for forty years",
            "Riverside Reablement",
        ),
        (
            "Dan",
            "Knows every bus route in town by heart",
            "Elm Court Supported Living",
        ),
        (
            "Priya Shah",
            "Knows her own early signs well",
            "Northgate Community",
        ),
    ] {
        let at_name = html.find(name).unwrap_or_else(|| panic!("{name} listed"));
        let at_strength = html
            .find(strength)
            .unwrap_or_else(|| panic!("{strength} listed"));
        let at_service = html[at_name..].find(service).map(|i| i + at_name);
        assert!(at_name < at_strength, "{name} before their strengths");
        assert!(
            Some(at_strength) < at_service,
            "{name}'s strengths before their service"
        );
    }
    assert!(html.contains("3 people supported"));
    app.finish().await;
}

async fn a_search_in_the_address_filters_the_list_on_the_server(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get("/?q=drums").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Showing 1 of 3 people"), "status line");
    assert!(html.contains("Plays the drums"));
    // Only the list is filtered (the hydration data carries everyone this user may see).
    assert_eq!(
        html.matches(r#"class="person-card""#).count(),
        1,
        "one card shown"
    );
    assert!(
        html.contains(r#"value="drums""#),
        "the box keeps what was searched"
    );
    app.finish().await;
}

async fn a_persons_page_leads_with_their_strengths(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get(&format!("/people/{}", store::demo::PRIYA)).await;
    assert_eq!(status, StatusCode::OK);
    let strengths = html.find("My strengths").expect("strengths section");
    let matters = html.find("What matters to me").expect("matters section");
    assert!(strengths < matters);
    assert!(html.contains("Deciding what my family is told, and when."));
    app.finish().await;
}

async fn an_unknown_person_is_a_404_with_a_way_back(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    for uri in [
        "/people/0193f000-0000-7000-8000-000000000000",
        "/people/not-an-id",
    ] {
        let (status, html) = app.get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            html.contains("We couldn&#x27;t find that record")
                || html.contains("We couldn't find that record"),
            "{uri}"
        );
        assert!(html.contains("Go to the list of people"));
    }
    app.finish().await;
}

async fn an_unknown_address_is_a_404_page(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
    app.finish().await;
}

async fn the_way_to_the_plan_is_worded_for_each_reader_and_absent_for_who_may_change_nothing(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let maggie = format!("/people/{}", store::demo::MAGGIE);
    let dan = format!("/people/{}", store::demo::DAN);
    for (email, page, link) in [
        ("maggie@home.example", &maggie, "Edit my plan"),
        ("asha@riverside.example", &maggie, "Edit Maggie's plan"),
        ("ruth@family.example", &maggie, "Add to Maggie's goals"),
        ("lee@advocacy.example", &dan, "Add to Dan's goals"),
    ] {
        let who = app.as_user(email).await;
        let (status, html) = who.get(page).await;
        assert_eq!(status, StatusCode::OK, "{email}");
        let html = html.replace("&#x27;", "'").replace("&#39;", "'");
        assert!(html.contains(link), "{email} is offered “{link}”");
        assert!(!html.contains("Open my plan to edit"), "{email}");
        if email != "maggie@home.example" {
            assert!(
                !html.contains("Edit my plan"),
                "{email} is not offered “my” plan"
            );
        }
    }
    // The person's daughter is Ruth; Grace is the manager.
    let (_, html) = app.get(&maggie).await;
    assert!(html.contains("My daughter Ruth"), "{html}");
    assert!(!html.contains("daughter Grace"));
    app.finish().await;
}

async fn a_plan_without_javascript_offers_no_control_that_would_do_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get(&format!("/people/{}/plan", store::demo::DAN)).await;
    assert_eq!(status, StatusCode::OK);
    let body = html.split("<main").nth(1).expect("a main");
    let body = body.split("</main>").next().unwrap_or(body);
    for control in [
        "Add goal",
        "Add step",
        "Add meeting",
        "Remove this goal",
        "<button",
    ] {
        assert!(!body.contains(control), "{control} in {body}");
    }
    assert!(body.contains("Editing needs JavaScript"));
    // Every link has words (the sync bar's to-settle link included).
    for link in body.split("<a ").skip(1) {
        let inner = link.split("</a>").next().unwrap_or(link);
        let labelled = inner
            .split('>')
            .next()
            .unwrap_or("")
            .contains("aria-label=");
        assert!(
            labelled || !text_of(inner).trim().is_empty(),
            "a link without a name: <a {inner}"
        );
    }
    app.finish().await;
}

async fn the_audit_trail_is_paged_fifty_events_at_a_time(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // Each opening of a profile is an event.
    for _ in 0..60 {
        app.get(&format!("/people/{}", store::demo::PRIYA)).await;
    }
    let (status, first) = app.get("/audit").await;
    assert_eq!(status, StatusCode::OK);
    let rows = |html: &str| html.matches("<tr>").count() - 1; // less the header row
    assert_eq!(rows(&first), 50, "fifty on the first page");
    assert!(first.contains("page=2"), "a link to the next page");
    assert!(
        !first.contains("rel=\"prev\""),
        "no newer page than the first"
    );
    let (status, second) = app.get("/audit?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(second.contains("rel=\"prev\""), "a way back");
    assert!(second.contains("Page 2"));
    assert!(rows(&second) >= 10, "the older events");
    // Filters carry over to the other pages.
    let (_, filtered) = app
        .get(&format!("/audit?person={}", store::demo::PRIYA))
        .await;
    let kept = format!("person={}&amp;page=2", store::demo::PRIYA);
    assert!(
        filtered.contains(&kept) || filtered.contains(&kept.replace("&amp;", "&")),
        "the filter is kept in the page links"
    );
    app.finish().await;
}

/// The text of an HTML fragment: what is outside its tags (and comments).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn a_page_allows_only_circles_own_scripts_and_the_bootstrap_carrying_its_nonce() {
    use tower::ServiceExt;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let response = app
        .router
        .clone()
        .oneshot(
            axum::http::Request::get("/")
                .header("cookie", app.cookie.clone().expect("signed in"))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let policy = header("content-security-policy");
    assert!(policy.contains("default-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .expect("body");
    let html = String::from_utf8_lossy(&body);
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's inline scripts carry the policy's nonce"
    );
    app.finish().await;
}

/// BREACH: a compressed answer's length tells what it repeats. Pages are gzipped only for a
/// request the browser says came from Circle itself (or its address bar) with no query string.
async fn pages_are_gzipped_for_circles_own_pages_and_sent_plain_where_another_site_could_measure_them(
    backend: Backend,
) {
    use std::io::Read;

    let app = TestApp::with_demo(backend).await;
    let client = app.as_user(crate::helpers::MANAGER).await;
    let page = format!("/people/{}", store::demo::MAGGIE);
    let ask = |uri: String, site: Option<&'static str>| {
        let mut request = axum::http::Request::get(uri).header("accept-encoding", "gzip");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(cookie) = &client.cookie {
            request = request.header("cookie", cookie);
        }
        request.body(axum::body::Body::empty()).expect("request")
    };
    async fn answer(
        router: axum::Router,
        request: axum::http::Request<axum::body::Body>,
    ) -> (Option<String>, axum::body::Bytes) {
        use tower::ServiceExt;
        let response = router.oneshot(request).await.expect("response");
        let encoding = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let body = axum::body::to_bytes(response.into_body(), 8 << 20)
            .await
            .expect("body");
        (encoding, body)
    }
    let answer = |request| answer(client.router.clone(), request);

    let (encoding, body) = answer(ask(page.clone(), Some("same-origin"))).await;
    assert_eq!(
        encoding.as_deref(),
        Some("gzip"),
        "Circle's own page asking"
    );
    let mut html = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut html)
        .expect("gzip");
    assert!(html.contains("Kept an allotment"), "the page, whole");
    let (encoding, _) = answer(ask(page.clone(), Some("none"))).await;
    assert_eq!(
        encoding.as_deref(),
        Some("gzip"),
        "typed into the address bar"
    );

    for (uri, site, why) in [
        (page.clone(), Some("cross-site"), "asked by another website"),
        (
            page.clone(),
            Some("same-site"),
            "asked by a neighbouring site",
        ),
        (page.clone(), None, "a browser that does not say"),
        (
            "/?q=Maggie".to_owned(),
            Some("same-origin"),
            "reflects a search",
        ),
    ] {
        let (encoding, body) = answer(ask(uri, site)).await;
        assert_eq!(encoding, None, "{why}: sent plain");
        assert!(
            String::from_utf8_lossy(&body).contains("Maggie"),
            "{why}: still the page"
        );
    }
    app.finish().await;
}

/// Observations grow by the day: no page of a record carries them (the device pulls them once
/// the page is up), so pages stay light. The tracker is sent each measure's figures instead,
/// worked out on the server: the same as the device works out once it holds the observations,
/// and none for a reader not shared goals and progress.
async fn pages_of_a_record_carry_only_the_kinds_they_show(backend: Backend) {
    use domain::records::kinds::{MEASURES, OBSERVATIONS};
    let app = TestApp::with_demo(backend).await;
    store::load_demo_with_plans(app.store.as_ref())
        .await
        .expect("the demo's plans and outcomes");
    let maggie = store::demo::MAGGIE;
    let tracker = |who: &'static str| {
        let app = &app;
        async move {
            let client = app.as_user(who).await;
            let (status, text) = call_fn(
                &client,
                "plans/get",
                &[
                    ("id", &maggie.to_string()),
                    ("leave_out[0]", OBSERVATIONS),
                    ("figures", "true"),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{who}: {text}");
            let page: app::api::plans::PlanPage = serde_json::from_str(&text).expect("the page");
            assert!(
                page.snapshot.records.iter().all(|r| r.kind != OBSERVATIONS),
                "{who}: sent without observations"
            );
            page
        }
    };
    let page = tracker("asha@riverside.example").await;
    let (records, _) = app
        .store
        .records(maggie, Some(&page.snapshot.topics))
        .await
        .expect("her records");
    let held: domain::records::RecordSet = records.into_iter().collect();
    assert!(!page.figures.is_empty(), "her measures' figures");
    assert_eq!(
        page.figures,
        domain::outcomes::figures(&held, "Maggie"),
        "what the device works out once it has pulled every observation"
    );

    let client = app.as_user("asha@riverside.example").await;
    let (status, progress) = client.get(&format!("/people/{maggie}/progress")).await;
    assert_eq!(status, StatusCode::OK, "{progress}");
    for figures in &page.figures {
        let line = figures.summary.line.replace('\'', "&#x27;");
        assert!(progress.contains(&line), "the page reads: {line}");
    }
    for page in [
        "progress",
        "plan",
        "involvement",
        "decisions",
        "easy-read",
        "meetings",
    ] {
        let (status, html) = client.get(&format!("/people/{maggie}/{page}")).await;
        assert_eq!(status, StatusCode::OK, "{page}: {html}");
        assert!(
            !html.contains("observed_on"),
            "{page} carries no observation"
        );
    }

    // Ruth, once Maggie no longer shares her goals and progress with her: no figures either.
    let ruth = store::demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id;
    assert!(!tracker("ruth@family.example").await.figures.is_empty());
    let (status, location) = app
        .as_user("maggie@home.example")
        .await
        .post_form(
            &format!("/people/{maggie}/circle/consent"),
            &[(&format!("share.{ruth}.about_me"), "on")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("saved="), "{location}");
    let page = tracker("ruth@family.example").await;
    assert!(page.figures.is_empty(), "{:?}", page.figures);
    assert!(page.snapshot.records.iter().all(|r| r.kind != MEASURES));
    app.finish().await;
}
