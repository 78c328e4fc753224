//! Adding people (one, or many from a CSV file), moving them between services and ending their
//! support, over HTTP on both databases; and every id in those requests tried by someone it
//! does not belong to.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::PersonId;
use domain::records::Outcome;
use domain::records::authority::{PushRequest, PushResponse};
use domain::sync::ClientId;
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::ops::{create_goal, mutation};
use crate::helpers::{Client, TestApp};
use crate::on_both_backends;

on_both_backends!(
    an_overdue_action_shows_on_the_home_page_of_its_owner_and_the_registered_manager_only,
    staff_add_a_person_to_their_service_and_it_is_audited,
    a_form_that_breaks_a_rule_comes_back_filled_in_with_every_problem,
    nobody_adds_a_person_to_a_service_they_are_not_staff_of,
    a_csv_file_adds_everyone_in_one_go_or_nobody_and_says_which_rows_to_fix,
    nobody_imports_into_a_service_they_are_not_staff_of,
    a_manager_moves_someone_only_between_services_they_manage,
    ending_support_needs_a_manager_and_a_tick_and_keeps_the_record_read_only,
);

/// The people the store lists (those still supported).
async fn listed(app: &TestApp) -> Vec<PersonId> {
    app.store
        .people()
        .await
        .expect("people")
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// The person a redirect to `/people/<id>?…` names.
fn person_in(location: &str) -> PersonId {
    location
        .trim_start_matches("/people/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a person's page: {location}"))
}

async fn staff_add_a_person_to_their_service_and_it_is_audited(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let (_, home) = asha.get("/").await;
    assert!(
        home.contains("href=\"/people/new\""),
        "staff are offered it"
    );
    let (status, page) = asha.get("/people/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Riverside"), "the services she works in");
    assert!(!page.contains("Elm Court"), "and no other");
    let riverside = demo::RIVERSIDE.to_string();
    let (status, location) = asha
        .post_form(
            "/people/add",
            &[
                ("name", "Samuel Lee"),
                ("preferred_name", "Sam"),
                ("pronouns", "they/them"),
                ("date_of_birth", "1990-06-30"),
                ("service", &riverside),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?added=1"), "{location}");
    let sam = person_in(&location);
    let stored = app.store.person(sam).await.expect("read").expect("added");
    assert_eq!(stored.service_id, demo::RIVERSIDE);
    assert_eq!(
        stored.date_of_birth.map(|d| d.to_string()).as_deref(),
        Some("1990-06-30")
    );
    let (status, page) = asha.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sam") && page.contains("No strengths written down yet"));
    let (_, home) = asha.get("/?q=sam").await;
    assert!(home.contains(&format!("/people/{sam}")), "listed and found");
    let (_, csv) = app.get("/audit.csv").await;
    assert!(csv.contains("Added Samuel Lee to Riverside"), "{csv}");
    assert!(csv.contains("Date of birth: 1990-06-30"), "{csv}");
    app.finish().await;
}

async fn a_form_that_breaks_a_rule_comes_back_filled_in_with_every_problem(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = listed(&app).await;
    let riverside = demo::RIVERSIDE.to_string();
    let (_, location) = app
        .post_form(
            "/people/add",
            &[
                ("name", "  "),
                ("pronouns", "she/her"),
                ("date_of_birth", "2999-01-01"),
                ("service", &riverside),
            ],
        )
        .await;
    assert_eq!(location, "/people/new?problem=add");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("class=\"error-summary\""), "{page}");
    assert!(page.contains("Name can&#x27;t be empty") || page.contains("Name can't be empty"));
    assert!(
        page.contains("Date of birth can&#x27;t be in the future")
            || page.contains("Date of birth can't be in the future")
    );
    assert!(page.contains("value=\"she/her\""), "what was typed is kept");
    assert!(page.contains("value=\"2999-01-01\""));
    let (_, again) = app.get("/people/new").await;
    assert!(!again.contains("error-summary\""), "shown once");
    assert_eq!(listed(&app).await, before, "nothing added");
    app.finish().await;
}

async fn nobody_adds_a_person_to_a_service_they_are_not_staff_of(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = listed(&app).await;
    let form = |service: String| {
        vec![
            ("name".to_owned(), "Someone Else".to_owned()),
            ("service".to_owned(), service),
        ]
    };
    let post = |who: Client, service: String| async move {
        let fields = form(service);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (&**k, &**v)).collect();
        who.post_form("/people/add", &fields).await.0
    };
    let asha = app.as_user("asha@riverside.example").await;
    assert_eq!(
        post(asha, demo::ELM_COURT.to_string()).await,
        StatusCode::FORBIDDEN,
        "a key worker at Riverside adds nobody to Elm Court"
    );
    let admin = app.as_user("admin@circle.example").await;
    assert_eq!(
        post(admin.clone(), demo::RIVERSIDE.to_string()).await,
        StatusCode::FORBIDDEN,
        "an administrator holds no care records"
    );
    let ruth = app.as_user("ruth@family.example").await;
    assert_eq!(
        post(ruth.clone(), demo::RIVERSIDE.to_string()).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            app.as_user("tom@elmcourt.example").await,
            "not-a-service".into()
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let (status, _) = ruth.get("/people/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = admin.get("/people/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, home) = ruth.get("/").await;
    assert!(!home.contains("href=\"/people/new\""));
    assert_eq!(listed(&app).await, before, "nothing added");
    app.finish().await;
}

/// Posts a CSV file to the import form as a browser sends it (multipart).
async fn import(who: &Client, service: &str, csv: &str) -> (StatusCode, String) {
    let boundary = "----circle-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"service\"\r\n\r\n{service}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let mut request = Request::post("/people/import").header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(cookie) = &who.cookie {
        request = request.header("cookie", cookie);
    }
    let response = tower::ServiceExt::oneshot(
        who.router.clone(),
        request.body(Body::from(body)).expect("request"),
    )
    .await
    .expect("response");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (response.status(), location)
}

async fn a_csv_file_adds_everyone_in_one_go_or_nobody_and_says_which_rows_to_fix(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = listed(&app).await;
    let riverside = demo::RIVERSIDE.to_string();
    let bad = "name,preferred_name,pronouns,date_of_birth\r\n\
               Ann Lee,,,1950-01-01\r\n\
               ,Nobody,,\r\n\
               Bob Stone,,,1950-02-30\r\n";
    let (status, location) = import(&app, &riverside, bad).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/people/new?problem=import");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("Nobody from the file was added"), "{page}");
    assert!(page.contains("Line 3: Name can"), "{page}");
    assert!(
        page.contains("Line 4: Date of birth must be a real date"),
        "{page}"
    );
    assert_eq!(listed(&app).await, before, "not even the good row");

    let good = "\u{feff}name,preferred_name,pronouns,date_of_birth\r\n\
                Ann Lee,,,1950-01-01\r\n\
                \"Stone, Robert\",Bob,he/him,\r\n";
    let (_, location) = import(&app, &riverside, good).await;
    assert_eq!(location, "/people/new?imported=1");
    let (_, page) = app.get(&location).await;
    assert!(page.contains("2 people added"), "{page}");
    let people = app.store.people().await.expect("people");
    let bob = people
        .iter()
        .find(|p| p.full_name == "Stone, Robert")
        .expect("imported");
    assert_eq!(bob.service_id, demo::RIVERSIDE);
    assert!(
        page.contains(&format!("href=\"/people/{}\"", bob.id)),
        "a link to each"
    );
    assert_eq!(listed(&app).await.len(), before.len() + 2);
    let (_, csv) = app.get("/audit.csv").await;
    assert!(csv.contains("Added Ann Lee to Riverside"), "{csv}");
    assert!(
        csv.contains("Added \"\"Stone, Robert\"\" to Riverside")
            || csv.contains("Added Stone, Robert to Riverside"),
        "{csv}"
    );
    app.finish().await;
}

async fn nobody_imports_into_a_service_they_are_not_staff_of(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = listed(&app).await;
    let csv = "name\nAnn Lee\n";
    let asha = app.as_user("asha@riverside.example").await;
    let (status, _) = import(&asha, &demo::NORTHGATE.to_string(), csv).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.as_user("admin@circle.example").await;
    let (status, _) = import(&admin, &demo::RIVERSIDE.to_string(), csv).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = import(&app.anonymous(), &demo::RIVERSIDE.to_string(), csv).await;
    assert!(status == StatusCode::SEE_OTHER || status == StatusCode::UNAUTHORIZED);
    assert_eq!(listed(&app).await, before, "nothing added");
    app.finish().await;
}

async fn a_manager_moves_someone_only_between_services_they_manage(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let maggie_moves = format!("/people/{}/move", demo::MAGGIE);
    let dan_moves = format!("/people/{}/move", demo::DAN);
    let elm = demo::ELM_COURT.to_string();
    let northgate = demo::NORTHGATE.to_string();
    // A key worker moves nobody: not their own person (403), not someone else's (404).
    let asha = app.as_user("asha@riverside.example").await;
    let (status, _) = asha.post_form(&maggie_moves, &[("to", &elm)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = asha.post_form(&dan_moves, &[("to", &elm)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = asha.get(&format!("/people/{}/manage", demo::MAGGIE)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A manager of Riverside and Elm Court only moves nobody to Northgate, nor anyone of it.
    let grace = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "grace@circle.example")
        .expect("grace")
        .id;
    app.store
        .revoke_staff_role(
            grace,
            demo::NORTHGATE,
            domain::access::StaffRole::RegisteredManager,
        )
        .await
        .expect("revoke");
    let (_, location) = app.post_form(&maggie_moves, &[("to", &northgate)]).await;
    assert!(location.ends_with("/manage?problem=move"), "{location}");
    let (status, _) = app
        .post_form(&format!("/people/{}/move", demo::PRIYA), &[("to", &elm)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let maggie = app
        .store
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("maggie");
    assert_eq!(maggie.service_id, demo::RIVERSIDE, "nothing moved");
    // Between two services she manages, the move is made and audited with before and after.
    let (_, page) = app.get(&format!("/people/{}/manage", demo::MAGGIE)).await;
    assert!(page.contains(&format!("value=\"{elm}\"")), "{page}");
    assert!(!page.contains(&format!("value=\"{northgate}\"")));
    let (_, location) = app.post_form(&maggie_moves, &[("to", &elm)]).await;
    assert_eq!(location, format!("/people/{}?moved=1", demo::MAGGIE));
    let (status, _) = asha.get(&format!("/people/{}", demo::MAGGIE)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "Riverside's key worker no longer opens her"
    );
    let tom = app.as_user("tom@elmcourt.example").await;
    let (status, _) = tom.get(&format!("/people/{}", demo::MAGGIE)).await;
    assert_eq!(status, StatusCode::OK, "Elm Court's does");
    let (_, csv) = app.get("/audit.csv").await;
    assert!(
        csv.contains("Moved Margaret Okafor from Riverside Reablement to Elm Court"),
        "{csv}"
    );
    app.finish().await;
}

async fn ending_support_needs_a_manager_and_a_tick_and_keeps_the_record_read_only(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let end = format!("/people/{}/end-support", demo::MAGGIE);
    let asha = app.as_user("asha@riverside.example").await;
    let (status, _) = asha.post_form(&end, &[("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a key worker ends nothing");
    let tom = app.as_user("tom@elmcourt.example").await;
    let (status, _) = tom.post_form(&end, &[("confirm", "yes")]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nor staff of another service"
    );
    let (_, location) = app.post_form(&end, &[]).await;
    assert!(location.ends_with("/manage?problem=confirm"), "{location}");
    assert!(
        listed(&app).await.contains(&demo::MAGGIE),
        "not without the tick"
    );

    let (_, location) = app.post_form(&end, &[("confirm", "yes")]).await;
    assert_eq!(location, format!("/people/{}?ended=1", demo::MAGGIE));
    // Off the lists and the search; the record still opens, says so and offers no changes.
    for who in [&*app, &asha] {
        let (_, home) = who.get("/?q=maggie").await;
        assert!(!home.contains(&format!("/people/{}", demo::MAGGIE)));
        let (status, page) = who.get(&format!("/people/{}", demo::MAGGIE)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Support ended on"), "{page}");
        assert!(!page.contains("Edit Maggie"), "no edit link");
        assert!(!page.contains("/manage\""), "nothing more to manage");
        assert!(!page.contains("/circle\""), "nobody more to invite");
        let (status, _) = who.get(&format!("/people/{}/plan", demo::MAGGIE)).await;
        assert_eq!(status, StatusCode::OK, "history stays readable");
        let (status, _) = who.get(&format!("/people/{}/summary", demo::MAGGIE)).await;
        assert_eq!(status, StatusCode::OK, "and printable");
        let (status, _) = who.get(&format!("/people/{}/circle", demo::MAGGIE)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "its controls are gone");
    }
    // Every write is refused: a device's edit, with the reason; the circle's forms.
    let push = PushRequest {
        person: demo::MAGGIE,
        client: ClientId(Uuid::from_u128(0xe1d)),
        mutations: vec![mutation(
            ClientId(Uuid::from_u128(0xe1d)),
            1,
            create_goal(Uuid::from_u128(0x90a1), "Walk to the shops"),
        )],
    };
    let answer: PushResponse = asha.post_json("/api/sync/push", &push).await;
    let Outcome::Rejected { reason } = &answer.acks[0].outcome else {
        panic!("refused, not {:?}", answer.acks[0].outcome);
    };
    assert!(reason.starts_with("Support ended on"), "{reason}");
    let (status, _) = app
        .post_form(
            &format!("/people/{}/circle/invite", demo::MAGGIE),
            &[
                ("name", "Kim"),
                ("email", "kim@family.example"),
                ("role", "family_or_friend"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, again) = app.post_form(&end, &[("confirm", "yes")]).await;
    assert!(again.is_empty() || again.contains("problem"), "{again}");
    let (_, csv) = app.get("/audit.csv").await;
    assert!(
        csv.contains("Ended the support of Margaret Okafor at Riverside Reablement"),
        "{csv}"
    );
    app.finish().await;
}

async fn an_overdue_action_shows_on_the_home_page_of_its_owner_and_the_registered_manager_only(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    // Dan's demo meetings: "Ask the bus company…" (Tom Reed's) is overdue; Lee's is done.
    let today = demo::today().expect("today");
    store::demo::load_meetings(app.store.as_ref(), today)
        .await
        .expect("demo meetings");
    let overdue = |who: Client| async move {
        let (status, text) = crate::helpers::call_fn(&who, "people/notices", &[]).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let notices: app::api::people::Notices = serde_json::from_str(&text).expect("notices");
        notices
            .overdue
            .into_iter()
            .map(|a| format!("{}: {}", a.person_name, a.what))
            .collect::<Vec<_>>()
    };
    let bus = vec!["Dan: Ask the bus company about the late service on Fridays".to_owned()];
    assert_eq!(
        overdue(app.as_user("tom@elmcourt.example").await).await,
        bus
    );
    assert_eq!(
        overdue(app.as_user("grace@circle.example").await).await,
        bus
    );
    // Another service's key worker, the advocate (whose action is done), a relative: nothing.
    for email in [
        "asha@riverside.example",
        "lee@advocacy.example",
        "ruth@family.example",
    ] {
        assert!(
            overdue(app.as_user(email).await).await.is_empty(),
            "{email}"
        );
    }
    app.finish().await;
}
