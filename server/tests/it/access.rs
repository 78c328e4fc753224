//! Accounts, consent by topic and the audit trail over HTTP and sync, on both databases.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use domain::PersonId;
use domain::access::Topic;
use domain::records::authority::{Mutation, PushRequest};
use domain::records::pull::{PullRequest, PullResponse};
use domain::sync::ClientId;
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::ops::{add_meeting, create_goal, mutation, set_about};
use crate::helpers::{Client, TestApp};
use crate::on_both_backends;

on_both_backends!(
    every_role_reads_and_writes_exactly_what_the_rules_and_the_persons_consent_allow,
    revoking_a_topic_resets_the_members_copy_without_it,
    a_topic_taken_back_through_another_server_is_withheld_at_the_next_request_to_this_one,
    a_kind_declared_in_a_test_never_reaches_a_member_without_its_topic,
    an_invitation_works_once_and_never_after_it_expires,
    signing_out_ends_the_session_and_signing_out_everywhere_ends_them_all,
    an_idle_session_expires,
    the_person_and_managers_read_the_audit_trail_and_a_relative_does_not,
    an_early_warning_names_who_may_be_contacted_and_only_the_person_or_staff_set_it,
    a_printable_summary_is_for_the_person_and_staff_and_is_audited,
    an_administrator_gives_a_new_member_of_staff_a_role_they_join_through_their_link,
    an_administrator_adds_and_renames_a_service_and_it_is_audited_for_that_service_only,
);

/// Every demo account and what it may read of each demo person's record (`None`: nothing, not
/// even that the record exists). Written out by hand from the demo's roles and consent, so a
/// change in the rules that leaks shows up here.
fn expected(email: &str, person: PersonId) -> Option<BTreeSet<Topic>> {
    let all: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    let some = |topics: &[Topic]| Some(topics.iter().copied().collect());
    match (email, person) {
        ("grace@circle.example" | "sam@circle.example", _) => Some(all),
        ("asha@riverside.example", p) if p == demo::MAGGIE => Some(all),
        ("tom@elmcourt.example", p) if p == demo::DAN => Some(all),
        ("jo@northgate.example", p) if p == demo::PRIYA => Some(all),
        ("maggie@home.example", p) if p == demo::MAGGIE => Some(all),
        ("ruth@family.example", p) if p == demo::MAGGIE => some(&[
            Topic::AboutMe,
            Topic::GoalsAndProgress,
            Topic::DailyLiving,
            Topic::Involvement,
        ]),
        ("lee@advocacy.example", p) if p == demo::DAN => some(&[
            Topic::AboutMe,
            Topic::GoalsAndProgress,
            Topic::MeetingsAndReviews,
            Topic::Involvement,
        ]),
        ("anil@family.example", p) if p == demo::PRIYA => some(&[Topic::GoalsAndProgress]),
        _ => None,
    }
}

/// One edit of each topic the plan carries.
fn one_edit_per_topic(
    person: PersonId,
    client: ClientId,
    first_seq: u64,
) -> Vec<(Topic, Mutation)> {
    let n = u128::from(first_seq);
    vec![
        (
            Topic::AboutMe,
            mutation(
                client,
                first_seq,
                set_about(person, "hobbies", "", &format!("Hobby {first_seq}")),
            ),
        ),
        (
            Topic::GoalsAndProgress,
            mutation(
                client,
                first_seq + 1,
                create_goal(Uuid::from_u128(0x900 + n), &format!("Goal {first_seq}")),
            ),
        ),
        (
            Topic::MeetingsAndReviews,
            mutation(
                client,
                first_seq + 2,
                add_meeting(Uuid::from_u128(0xa00 + n), &format!("Review {first_seq}")),
            ),
        ),
        (
            Topic::Involvement,
            mutation(
                client,
                first_seq + 3,
                domain::records::RecordOp::Create {
                    kind: domain::records::kinds::MEMBERS.into(),
                    id: Uuid::from_u128(0xb00 + n),
                    parent: None,
                    topic: None,
                    fields: [(
                        "name".to_owned(),
                        domain::records::Value::Text(format!("Member {first_seq}")),
                    )]
                    .into_iter()
                    .collect(),
                },
            ),
        ),
    ]
}

async fn pull(
    client: &Client,
    person: PersonId,
    topics: Option<BTreeSet<Topic>>,
) -> (StatusCode, Option<PullResponse>) {
    let request = PullRequest {
        person,
        since: 0,
        topics,
        device: None,
    };
    let (status, text) = client
        .post(
            "/api/sync/pull",
            serde_json::to_string(&request).expect("json"),
        )
        .await;
    (status, serde_json::from_str(&text).ok())
}

async fn every_role_reads_and_writes_exactly_what_the_rules_and_the_persons_consent_allow(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    // Staff put one change of each topic in every plan, so there is something to leak.
    for (i, person) in [demo::MAGGIE, demo::DAN, demo::PRIYA]
        .into_iter()
        .enumerate()
    {
        let client = ClientId(Uuid::from_u128(0x5000 + i as u128));
        let mutations = one_edit_per_topic(person, client, 1)
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        let push = PushRequest {
            person,
            client,
            mutations,
        };
        let (status, text) = app
            .post(
                "/api/sync/push",
                serde_json::to_string(&push).expect("json"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }
    for account in demo::ACCOUNTS {
        let user = app.as_user(account.email).await;
        for (p, person) in [demo::MAGGIE, demo::DAN, demo::PRIYA]
            .into_iter()
            .enumerate()
        {
            let who = format!("{} on {person}", account.email);
            let may = expected(account.email, person);
            // Read through a page.
            let (status, html) = user.get(&format!("/people/{person}/plan")).await;
            match &may {
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{who}: page"),
                Some(topics) => {
                    assert_eq!(status, StatusCode::OK, "{who}: page");
                    assert_eq!(
                        html.contains("Hobby 1"),
                        topics.contains(&Topic::AboutMe),
                        "{who}: About me on the page"
                    );
                    assert_eq!(
                        html.contains("Review 1"),
                        topics.contains(&Topic::MeetingsAndReviews),
                        "{who}: meetings on the page"
                    );
                    assert_eq!(
                        html.contains("Goal 1"),
                        topics.contains(&Topic::GoalsAndProgress),
                        "{who}: goals on the page"
                    );
                }
            }
            // And through the involvement plan's page.
            let (status, html) = user.get(&format!("/people/{person}/involvement")).await;
            match &may {
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{who}: involvement page"),
                Some(topics) => {
                    assert_eq!(status, StatusCode::OK, "{who}: involvement page");
                    assert_eq!(
                        html.contains("Member 1"),
                        topics.contains(&Topic::Involvement),
                        "{who}: the circle on the involvement page"
                    );
                }
            }
            // And through the plan in easy read.
            let (status, html) = user.get(&format!("/people/{person}/easy-read")).await;
            match &may {
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{who}: easy-read page"),
                Some(topics) => {
                    assert_eq!(status, StatusCode::OK, "{who}: easy-read page");
                    assert_eq!(
                        html.contains("Member 1"),
                        topics.contains(&Topic::Involvement),
                        "{who}: the circle in easy read"
                    );
                    assert_eq!(
                        html.contains("Goal 1"),
                        topics.contains(&Topic::GoalsAndProgress),
                        "{who}: goals in easy read"
                    );
                }
            }
            // And through the outcome tracker.
            let (status, html) = user.get(&format!("/people/{person}/progress")).await;
            match &may {
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{who}: progress page"),
                Some(topics) => {
                    assert_eq!(status, StatusCode::OK, "{who}: progress page");
                    assert_eq!(
                        html.contains("Goal 1"),
                        topics.contains(&Topic::GoalsAndProgress),
                        "{who}: goals on the progress page"
                    );
                }
            }
            // And through the reviews page.
            let (status, html) = user.get(&format!("/people/{person}/meetings")).await;
            match &may {
                None => assert_eq!(status, StatusCode::NOT_FOUND, "{who}: meetings page"),
                Some(topics) => {
                    assert_eq!(status, StatusCode::OK, "{who}: meetings page");
                    assert_eq!(
                        html.contains("Review 1"),
                        topics.contains(&Topic::MeetingsAndReviews),
                        "{who}: meetings on the meetings page"
                    );
                }
            }
            // Read through sync.
            let (status, response) = pull(&user, person, None).await;
            match &may {
                None => assert!(
                    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "{who}: pull {status}"
                ),
                Some(topics) => {
                    let response = response.expect("a pull response");
                    assert!(
                        response.records.iter().all(|r| topics.contains(&r.topic)),
                        "{who}: pulled a record of a topic not shared"
                    );
                    assert!(response.reaches_the_end(), "{who}: one page");
                    let hides_some = [
                        Topic::AboutMe,
                        Topic::GoalsAndProgress,
                        Topic::MeetingsAndReviews,
                        Topic::Involvement,
                    ]
                    .iter()
                    .any(|t| !topics.contains(t));
                    assert_eq!(
                        !response.gone.is_empty(),
                        hides_some,
                        "{who}: the others' keys only"
                    );
                }
            }
            // Write through sync: each topic on its own, so one refusal does not hide another.
            for (t, (topic, mut mutation)) in one_edit_per_topic(person, ClientId(Uuid::nil()), 1)
                .into_iter()
                .enumerate()
            {
                // A device of its own per edit, so that a refused edit holds up no other.
                let client = ClientId(Uuid::from_u128(
                    0x7000_0000
                        + (account.id.0.as_u128() & 0xff) * 0x1000
                        + (p as u128) * 0x10
                        + t as u128,
                ));
                mutation.client = client;
                mutation.seq = 1;
                let push = PushRequest {
                    person,
                    client,
                    mutations: vec![mutation],
                };
                let (status, text) = user
                    .post(
                        "/api/sync/push",
                        serde_json::to_string(&push).expect("json"),
                    )
                    .await;
                match &may {
                    // Not in the circle: the whole push is refused.
                    None => assert!(
                        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                        "{who}: write {topic:?} gave {status}"
                    ),
                    // In the circle: the edit is decided, and rejected unless the topic is
                    // shared (its words stay on the device).
                    Some(topics) => {
                        assert_eq!(status, StatusCode::OK, "{who}: write {topic:?}: {text}");
                        let response: domain::records::authority::PushResponse =
                            serde_json::from_str(&text).expect("push response");
                        let rejected = matches!(
                            response.acks[0].outcome,
                            domain::records::Outcome::Rejected { .. }
                        );
                        assert_eq!(
                            rejected,
                            !topics.contains(&topic),
                            "{who}: write {topic:?} gave {:?}",
                            response.acks[0].outcome
                        );
                    }
                }
            }
        }
        // Export: the audit trail's download is for managers and the person; administrators
        // get the running of their services only, nothing about anyone's record.
        let (status, csv) = user.get("/audit.csv").await;
        let may_export = matches!(
            account.email,
            "grace@circle.example"
                | "sam@circle.example"
                | "maggie@home.example"
                | "admin@circle.example"
        );
        assert_eq!(
            status == StatusCode::OK,
            may_export,
            "{}: audit export {status}",
            account.email
        );
        if account.email == "admin@circle.example" {
            for record in ["Maggie", "Dan", "Priya", "demo data"] {
                assert!(
                    !csv.contains(record),
                    "the administrator read {record}: {csv}"
                );
            }
        }
    }
    // Someone signed out reads and writes nothing.
    let nobody = app.anonymous();
    let (status, _) = pull(&nobody, demo::MAGGIE, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = nobody.get("/audit.csv").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in");
    app.finish().await;
}

async fn revoking_a_topic_resets_the_members_copy_without_it(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ruth = app.as_user("ruth@family.example").await;
    let held: BTreeSet<Topic> = [
        Topic::AboutMe,
        Topic::GoalsAndProgress,
        Topic::DailyLiving,
        Topic::Involvement,
    ]
    .into_iter()
    .collect();
    let (_, response) = pull(&ruth, demo::MAGGIE, Some(held.clone())).await;
    assert!(
        response.expect("pull").reset.is_none(),
        "nothing changed yet"
    );
    // Maggie stops sharing "About me" with Ruth.
    let maggie = app.as_user("maggie@home.example").await;
    let ruth_id = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id;
    let (status, location) = maggie
        .post_form(
            &format!("/people/{}/circle/consent", demo::MAGGIE),
            &[
                (&format!("share.{ruth_id}.goals_and_progress"), "on"),
                (&format!("share.{ruth_id}.daily_living"), "on"),
                (&format!("share.{ruth_id}.involvement"), "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("saved=1"), "{location}");
    let (_, response) = pull(&ruth, demo::MAGGIE, Some(held)).await;
    let response = response.expect("pull");
    let topics = response.reset.clone().expect("a fresh copy");
    assert!(!topics.contains(&Topic::AboutMe));
    assert!(
        response.records.iter().all(|r| r.topic != Topic::AboutMe),
        "nothing of About me in it"
    );
    // The change is in the audit trail, with who made it.
    let events = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::MAGGIE],
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(events.iter().any(|e| {
        e.kind == domain::audit::AuditKind::ConsentChanged
            && e.user_name == "Maggie Okafor"
            && e.summary
                .contains("Stopped sharing “About me” with Ruth Okafor")
    }));
    app.finish().await;
}

/// Each server keeps who may see what in memory between requests: a change made through
/// another server over the same database is honoured at the very next request here.
async fn a_topic_taken_back_through_another_server_is_withheld_at_the_next_request_to_this_one(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let ruth = app.as_user("ruth@family.example").await;
    let ruth_id = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id;
    let held: BTreeSet<Topic> = [
        Topic::AboutMe,
        Topic::GoalsAndProgress,
        Topic::DailyLiving,
        Topic::Involvement,
    ]
    .into_iter()
    .collect();
    for _ in 0..2 {
        let (status, response) = pull(&ruth, demo::MAGGIE, Some(held.clone())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            response.expect("pull").reset.is_none(),
            "nothing changed yet"
        );
    }
    let (_, elsewhere) = app.second_server().await;
    let note = domain::audit::AuditEvent {
        id: Uuid::from_u128(0xacce55),
        at_ms: 1,
        user: None,
        user_name: "Maggie Okafor".into(),
        device: "Firefox on Linux".into(),
        person: Some(demo::MAGGIE),
        service: None,
        kind: domain::audit::AuditKind::ConsentChanged,
        summary: "Stopped sharing “About me” with Ruth Okafor".into(),
        before: None,
        after: None,
    };
    elsewhere
        .set_consent(demo::MAGGIE, ruth_id, Topic::AboutMe, false, &note)
        .await
        .expect("taken back elsewhere");
    let (status, response) = pull(&ruth, demo::MAGGIE, Some(held)).await;
    assert_eq!(status, StatusCode::OK);
    let response = response.expect("pull");
    let topics = response.reset.clone().expect("a fresh copy");
    assert!(!topics.contains(&Topic::AboutMe));
    assert!(response.records.iter().all(|r| r.topic != Topic::AboutMe));
    let push = PushRequest {
        person: demo::MAGGIE,
        client: ClientId(Uuid::from_u128(0xacce55)),
        mutations: vec![mutation(
            ClientId(Uuid::from_u128(0xacce55)),
            1,
            set_about(
                demo::MAGGIE,
                "admired_for",
                "",
                "written after it was taken back",
            ),
        )],
    };
    let (status, text) = ruth
        .post(
            "/api/sync/push",
            serde_json::to_string(&push).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains("rejected"),
        "her edit to About me is refused: {text}"
    );
    elsewhere.close().await;
    app.finish().await;
}

/// A kind of record no Circle build has: declared here, with no other code changed.
static MOOD_DIARY: domain::records::KindSpec = domain::records::KindSpec {
    name: "test_mood_diary",
    title: "mood diary entry",
    topic: domain::records::TopicRule::Fixed(Topic::MentalHealth),
    parent: None,
    fields: &[domain::records::FieldSpec::words("entry", "Entry", 500).required()],
    label_field: Some("entry"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

async fn a_kind_declared_in_a_test_never_reaches_a_member_without_its_topic(backend: Backend) {
    let catalog = domain::records::Catalog::standard().with(&MOOD_DIARY);
    let app = TestApp::with_demo_and_kinds(backend, catalog).await;
    const WORDS: &str = "Felt low after the phone call";
    let client = ClientId(Uuid::from_u128(0x3d1a));
    let entry = Uuid::from_u128(0x3d1b);
    let push = PushRequest {
        person: demo::MAGGIE,
        client,
        mutations: vec![mutation(
            client,
            1,
            domain::records::RecordOp::Create {
                kind: MOOD_DIARY.name.into(),
                id: entry,
                parent: None,
                topic: None,
                fields: [(
                    "entry".to_owned(),
                    domain::records::Value::Text(WORDS.into()),
                )]
                .into_iter()
                .collect(),
            },
        )],
    };
    let (status, text) = app
        .post(
            "/api/sync/push",
            serde_json::to_string(&push).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("\"applied\""), "{text}");
    // Ruth (About me, goals, daily living) never receives it: not in a pull, not in a copy
    // afresh, not on the record's pages.
    let ruth = app.as_user("ruth@family.example").await;
    for held in [None, Some(BTreeSet::from([Topic::MentalHealth]))] {
        let request = PullRequest {
            person: demo::MAGGIE,
            since: 0,
            topics: held,
            device: None,
        };
        let (status, text) = ruth
            .post(
                "/api/sync/pull",
                serde_json::to_string(&request).expect("json"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(
            !text.contains(WORDS) && !text.contains(MOOD_DIARY.name),
            "{text}"
        );
    }
    for page in ["", "/plan", "/summary", "/circle"] {
        let (_, html) = ruth.get(&format!("/people/{}{page}", demo::MAGGIE)).await;
        assert!(!html.contains(WORDS), "{page}: {html}");
    }
    let (_, html) = ruth.get("/audit").await;
    assert!(!html.contains(WORDS), "{html}");
    // Someone who may read the topic does receive it.
    let (_, text) = app
        .post(
            "/api/sync/pull",
            serde_json::to_string(&PullRequest {
                person: demo::MAGGIE,
                since: 0,
                topics: None,
                device: None,
            })
            .expect("json"),
        )
        .await;
    assert!(text.contains(WORDS), "{text}");
    // And the API describes the new kind.
    let (_, doc) = app.get("/api/openapi.json").await;
    assert!(doc.contains("\"test_mood_diary\""));
    app.finish().await;
}

/// Invites someone as the demo manager; the path of their link.
async fn invite(app: &TestApp, email: &str) -> String {
    let (status, location) = app
        .post_form(
            &format!("/people/{}/circle/invite", demo::DAN),
            &[
                ("name", "Kim Price"),
                ("email", email),
                ("role", "family_or_friend"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("invited=1"), "{location}");
    let (_, html) = app.get(&format!("/people/{}/circle", demo::DAN)).await;
    let start = html.find("/invitations/").expect("the link is shown once");
    html[start..]
        .split(['"', '<', ' '])
        .next()
        .expect("link")
        .to_owned()
}

async fn an_invitation_works_once_and_never_after_it_expires(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let link = invite(&app, "kim@family.example").await;
    let accept = |password: &'static str| {
        let link = link.clone();
        let anon = app.anonymous();
        async move {
            anon.post_form(
                &format!("/auth{link}"),
                &[("password", password), ("again", password)],
            )
            .await
        }
    };
    let (status, location) = accept("a long enough password").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/people/{}", demo::DAN));
    assert!(
        app.sign_in("kim@family.example", "a long enough password")
            .await
            .is_some()
    );
    // Used once: never again, and the password set stays.
    let (_, location) = accept("another password here").await;
    assert!(location.ends_with("problem=used"), "{location}");
    assert!(
        app.sign_in("kim@family.example", "another password here")
            .await
            .is_none()
    );
    // Kim sees Dan's record but nothing of it until Dan shares a topic.
    let kim = app
        .as_cookie_of("kim@family.example", "a long enough password")
        .await;
    let (status, _) = kim.get(&format!("/people/{}", demo::DAN)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, response) = pull(&kim, demo::DAN, None).await;
    assert!(
        response.expect("pull").records.is_empty(),
        "nothing shared yet"
    );
    // An expired invitation changes nothing.
    let late = invite(&app, "late@family.example").await;
    let token = late.trim_start_matches("/invitations/");
    let mut record = app
        .store
        .invitation(&server::account::token_hash(token))
        .await
        .expect("store")
        .expect("the invitation");
    record.token_hash = server::account::token_hash("expired-token");
    record.expires_ms = 0;
    app.store.put_invitation(&record).await.expect("store");
    let (_, location) = app
        .anonymous()
        .post_form(
            "/auth/invitations/expired-token",
            &[
                ("password", "a long enough password"),
                ("again", "a long enough password"),
            ],
        )
        .await;
    assert!(location.ends_with("problem=expired"), "{location}");
    let (_, location) = app
        .anonymous()
        .post_form(
            "/auth/invitations/never-sent",
            &[
                ("password", "a long enough password"),
                ("again", "a long enough password"),
            ],
        )
        .await;
    assert!(location.ends_with("problem=unknown"), "{location}");
    app.finish().await;
}

async fn signing_out_ends_the_session_and_signing_out_everywhere_ends_them_all(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let phone = app.as_user("asha@riverside.example").await;
    let tablet = app.as_user("asha@riverside.example").await;
    let laptop = app.as_user("asha@riverside.example").await;
    assert_eq!(phone.get("/").await.0, StatusCode::OK);
    let (status, location) = phone.post_form("/auth/sign-out", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/sign-in"));
    assert_eq!(
        phone.get("/").await.0,
        StatusCode::SEE_OTHER,
        "the old cookie opens nothing"
    );
    assert_eq!(
        tablet.get("/").await.0,
        StatusCode::OK,
        "other devices stay signed in"
    );
    tablet.post_form("/auth/sign-out-everywhere", &[]).await;
    assert_eq!(laptop.get("/").await.0, StatusCode::SEE_OTHER);
    assert_eq!(tablet.get("/").await.0, StatusCode::SEE_OTHER);
    app.finish().await;
}

async fn an_idle_session_expires(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let user = app.as_user("asha@riverside.example").await;
    assert_eq!(user.get("/").await.0, StatusCode::OK);
    // Move the session's expiry into the past, as 30 idle minutes would.
    let id = user
        .cookie
        .as_deref()
        .and_then(|c| c.split_once('='))
        .map(|(_, id)| id.to_owned())
        .expect("session id");
    let record = app
        .store
        .session(&id, 0)
        .await
        .expect("store")
        .expect("session");
    app.store
        .put_session(&id, None, &record, 1)
        .await
        .expect("store");
    let (status, _) = user.get("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in again");
    app.finish().await;
}

async fn the_person_and_managers_read_the_audit_trail_and_a_relative_does_not(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ruth = app.as_user("ruth@family.example").await;
    ruth.get(&format!("/people/{}", demo::MAGGIE)).await;
    let maggie = app.as_user("maggie@home.example").await;
    let (status, csv) = maggie.get("/audit.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("time_uk,user,device,person,service,what,summary,before,after"));
    assert!(
        csv.contains("Ruth Okafor"),
        "Maggie sees that Ruth looked: {csv}"
    );
    assert!(csv.contains("Opened the profile"));
    assert!(!csv.contains("Dan"), "only her own record");
    let (status, page) = maggie.get("/audit").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Ruth Okafor"));
    let (status, _) = ruth.get("/audit.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.finish().await;
}

async fn an_early_warning_names_who_may_be_contacted_and_only_the_person_or_staff_set_it(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let anil = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "anil@family.example")
        .expect("Anil")
        .id
        .to_string();
    let path = format!("/people/{}/circle/early-warnings", demo::PRIYA);
    let fields = [
        (
            "indicator",
            "I call the crisis line several times in a week",
        ),
        ("contact", anil.as_str()),
    ];
    // Staff must say on what basis; a relative may not set it at all.
    let jo = app.as_user("jo@northgate.example").await;
    let (_, location) = jo.post_form(&path, &fields).await;
    assert!(location.ends_with("problem=reason"), "{location}");
    let brother = app.as_user("anil@family.example").await;
    let (status, _) = brother.post_form(&path, &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut with_reason = fields.to_vec();
    with_reason.push(("reason", "Priya asked for this at her review"));
    let (_, location) = jo.post_form(&path, &with_reason).await;
    assert!(location.ends_with("warning_saved=1"), "{location}");
    // Anil sees what he may be contacted about, and still nothing else of Priya's record.
    let (_, page) = brother.get(&format!("/people/{}", demo::PRIYA)).await;
    assert!(page.contains("When staff may contact you"));
    assert!(page.contains("I call the crisis line several times in a week"));
    let events = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::PRIYA],
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(events.iter().any(|e| e.user_name == "Jo Bennett"
        && e.summary.contains("Agreed an early warning")
        && e.summary.contains("Priya asked for this at her review")));
    // Ended, it is gone from Anil's view.
    let warning = app.store.early_warnings(demo::PRIYA).await.expect("store")[0].id;
    let (_, location) = jo
        .post_form(
            &format!("{path}/{warning}/remove"),
            &[("reason", "Priya changed her mind")],
        )
        .await;
    assert!(location.ends_with("warning_removed=1"), "{location}");
    let (_, page) = brother.get(&format!("/people/{}", demo::PRIYA)).await;
    assert!(!page.contains("When staff may contact you"));
    app.finish().await;
}

async fn a_printable_summary_is_for_the_person_and_staff_and_is_audited(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let path = format!("/people/{}/summary", demo::MAGGIE);
    let maggie = app.as_user("maggie@home.example").await;
    let (status, page) = maggie.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("My strengths"));
    let asha = app.as_user("asha@riverside.example").await;
    assert_eq!(asha.get(&path).await.0, StatusCode::OK);
    let ruth = app.as_user("ruth@family.example").await;
    let (status, page) = ruth.get(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains("My strengths"));
    let jo = app.as_user("jo@northgate.example").await;
    assert_eq!(
        jo.get(&path).await.0,
        StatusCode::NOT_FOUND,
        "another service's record"
    );
    let events = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::MAGGIE],
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    let exports = events
        .iter()
        .filter(|e| e.kind == domain::audit::AuditKind::Exported)
        .count();
    assert_eq!(exports, 2, "one for Maggie, one for Asha");
    app.finish().await;
}

async fn an_administrator_gives_a_new_member_of_staff_a_role_they_join_through_their_link(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let riverside = demo::RIVERSIDE.to_string();
    let fields = [
        ("name", "Bea Lowe"),
        ("email", "bea@riverside.example"),
        ("service", riverside.as_str()),
        ("role", "key_worker"),
    ];
    // Only an administrator of the service gives roles in it.
    let (status, _) = app.post_form("/admin/staff", &fields).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a registered manager is not an administrator"
    );
    let admin = app.as_user("admin@circle.example").await;
    let (_, location) = admin.post_form("/admin/staff", &fields).await;
    assert!(location.ends_with("added=1"), "{location}");
    let (status, html) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bea Lowe"));
    let start = html.find("/invitations/").expect("the link is shown once");
    let link = html[start..]
        .split(['"', '<', ' '])
        .next()
        .expect("link")
        .to_owned();
    let (_, html) = admin.get("/admin").await;
    assert!(!html.contains(&link), "only once");
    let (_, location) = app
        .anonymous()
        .post_form(
            &format!("/auth{link}"),
            &[
                ("password", "bea's own password"),
                ("again", "bea's own password"),
            ],
        )
        .await;
    assert_eq!(location, "/");
    let bea = app
        .as_cookie_of("bea@riverside.example", "bea's own password")
        .await;
    let (status, _) = bea.get(&format!("/people/{}", demo::MAGGIE)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a key worker at Riverside sees Maggie"
    );
    let (status, _) = bea.get(&format!("/people/{}", demo::DAN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "and nobody at Elm Court");
    // Taken away, the role stops applying at once.
    let bea_id = app
        .store
        .user_by_email("bea@riverside.example")
        .await
        .expect("store")
        .expect("Bea")
        .id
        .to_string();
    let (_, location) = admin
        .post_form(
            "/admin/staff/remove",
            &[
                ("user", bea_id.as_str()),
                ("service", riverside.as_str()),
                ("role", "key_worker"),
            ],
        )
        .await;
    assert!(location.ends_with("removed=1"), "{location}");
    let (status, _) = bea.get(&format!("/people/{}", demo::MAGGIE)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Riverside's registered manager reads both in the audit trail.
    let (_, csv) = app.get("/audit.csv").await;
    assert!(csv.contains("Gave Bea Lowe the role Key worker"), "{csv}");
    assert!(csv.contains("from Bea Lowe"), "{csv}");
    app.finish().await;
}

async fn an_administrator_adds_and_renames_a_service_and_it_is_audited_for_that_service_only(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let fields = [("name", "Hillside Reablement"), ("kind", "reablement")];
    let (status, _) = app.post_form("/admin/services", &fields).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a registered manager adds no services"
    );
    let admin = app.as_user("admin@circle.example").await;
    let (_, location) = admin
        .post_form(
            "/admin/services",
            &[("name", "   "), ("kind", "reablement")],
        )
        .await;
    assert!(location.ends_with("problem=service"), "{location}");
    let (_, location) = admin.post_form("/admin/services", &fields).await;
    assert!(location.ends_with("service_added=1"), "{location}");
    let hillside = app
        .store
        .services()
        .await
        .expect("store")
        .into_iter()
        .find(|s| s.name == "Hillside Reablement")
        .expect("added")
        .id;
    let rename = format!("/admin/services/{hillside}");
    let (status, _) = app.post_form(&rename, &[("name", "Hillside Team")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only its administrator renames it"
    );
    let (_, location) = admin
        .post_form(&rename, &[("name", "Hillside Reablement Team")])
        .await;
    assert!(location.ends_with("renamed=1"), "{location}");
    let (status, html) = admin.get("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Hillside Reablement Team"));
    assert!(html.contains("Renamed the service Hillside Reablement to Hillside Reablement Team"));
    // Its administrator reads it in the audit trail; a manager of other services does not.
    let (_, csv) = admin.get("/audit.csv").await;
    assert!(
        csv.contains("Added the service Hillside Reablement"),
        "{csv}"
    );
    let (_, page) = admin.get("/audit").await;
    assert!(page.contains("Service: Hillside Reablement Team"), "{page}");
    let (_, csv) = app.get("/audit.csv").await;
    assert!(!csv.contains("Hillside"), "{csv}");
    app.finish().await;
}
