//! The holes found by trying Circle as an attacker (issue "Close the holes"), each shown closed
//! through real HTTP on both databases. Every test here failed on the code before its fix.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::PersonId;
use domain::audit::AuditKind;
use domain::records::authority::{Mutation, PushRequest, PushResponse};
use domain::records::kinds::{
    ABOUT, CIRCLE_MEMBER, COMMUNICATION, DECIDING, FieldType, GOALS, MEETING_RHYTHM, MEETINGS,
};
use domain::records::pull::{PullRequest, PullResponse};
use domain::records::{Outcome, RecordOp, Value};
use domain::sync::{ClientId, DeviceReport};
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::ops::{add_meeting, add_step, edit_notes, set_text};
use crate::helpers::{Client, TestApp, leptos_options, records_of, urlencode};
use crate::on_both_backends;

on_both_backends!(
    a_device_of_another_user_is_refused_and_its_stored_outcomes_stay_with_it,
    a_relative_cannot_spend_a_key_workers_edit_numbers,
    markup_typed_into_any_text_is_shown_as_text_on_every_page,
    an_older_invitation_link_cannot_take_over_the_account,
    every_edit_of_a_push_is_audited_with_its_editor_and_device,
    a_nul_anywhere_text_is_accepted_is_refused_alike_on_both_databases,
    a_push_naming_one_edit_number_twice_is_a_422_and_changes_nothing,
    a_notes_update_deleting_what_another_device_will_type_is_rejected,
    sign_in_goes_back_only_to_a_path_on_this_site,
    a_next_holding_a_line_break_is_refused_before_anything_is_written,
    forwarded_addresses_count_only_behind_a_trusted_proxy,
    failed_sign_ins_on_one_server_count_on_another,
    an_administrator_cannot_give_themselves_care_access_and_managers_see_care_roles_given,
    an_existing_account_added_to_a_circle_sees_nothing_until_they_accept,
    the_persons_own_email_never_makes_them_a_member_of_their_own_circle,
    a_session_in_use_stays_open_and_one_left_idle_ends,
    server_functions_answer_404_403_and_400_like_pages_do,
    live_channels_end_when_the_user_signs_out_everywhere_or_loses_their_role,
    the_old_services_live_channels_end_when_a_person_moves_on,
    a_consent_change_tells_the_members_open_plan_to_pull,
    devices_are_listed_to_their_owner_and_named_for_managers_only,
    account_events_are_shown_to_the_user_and_to_their_managers,
    answers_holding_personal_data_are_never_cached_and_https_adds_hsts,
    nobody_records_an_observation_in_someone_elses_voice,
);

fn client(n: u128) -> ClientId {
    ClientId(Uuid::from_u128(n))
}

fn mutation(client: ClientId, seq: u64, op: RecordOp) -> Mutation {
    crate::helpers::ops::mutation(client, seq, op)
}

fn wishes(before: &str, after: &str) -> RecordOp {
    set_text(ABOUT, demo::PRIYA.0, "wishes", before, after)
}

fn create_goal(n: u128, wording: &str) -> RecordOp {
    crate::helpers::ops::create_goal(Uuid::from_u128(n), wording)
}

/// Pushes as `who`: the status and the body.
async fn push(
    who: &Client,
    person: PersonId,
    client: ClientId,
    mutations: Vec<Mutation>,
) -> (StatusCode, String) {
    let request = PushRequest {
        person,
        client,
        mutations,
    };
    who.post(
        "/api/sync/push",
        serde_json::to_string(&request).expect("json"),
    )
    .await
}

async fn pushed(
    who: &Client,
    person: PersonId,
    client: ClientId,
    mutations: Vec<Mutation>,
) -> PushResponse {
    let (status, text) = push(who, person, client, mutations).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).expect("push response")
}

async fn pull_as(who: &Client, person: PersonId, device: Option<ClientId>) -> (StatusCode, String) {
    let request = PullRequest {
        person,
        since: 0,
        topics: None,
        device: device.map(|client| DeviceReport {
            client,
            last_seq: 0,
        }),
    };
    who.post(
        "/api/sync/pull",
        serde_json::to_string(&request).expect("json"),
    )
    .await
}

async fn a_device_of_another_user_is_refused_and_its_stored_outcomes_stay_with_it(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let jo = app.as_user("jo@northgate.example").await;
    let anil = app.as_user("anil@family.example").await;
    // Two people change Priya's wishes at once: Jo's second edit is kept as a conflict whose
    // stored outcome holds both texts. Anil may read only goals.
    let jo_phone = client(0x10);
    pushed(
        &jo,
        demo::PRIYA,
        jo_phone,
        vec![
            mutation(jo_phone, 1, wishes("", "A quiet flat of my own")),
            mutation(jo_phone, 2, wishes("", "Private: a hospital stay soon")),
        ],
    )
    .await;
    // Anil's pull names nobody else's device.
    let anil_phone = client(0x20);
    let (status, text) = pull_as(&anil, demo::PRIYA, Some(anil_phone)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let pulled: PullResponse = serde_json::from_str(&text).expect("pull");
    assert!(
        pulled
            .records
            .iter()
            .all(|r| r.topic == domain::access::Topic::GoalsAndProgress)
    );
    assert!(
        !pulled.gone.is_empty(),
        "the wishes changed, out of his sight"
    );
    assert!(
        !text.contains(&jo_phone.0.to_string()),
        "Jo's device id reached Anil: {text}"
    );
    // Anil replays Jo's (device, number): refused, and nothing of the stored outcome is given.
    let (status, text) = push(
        &anil,
        demo::PRIYA,
        jo_phone,
        vec![mutation(jo_phone, 2, create_goal(1, "anything"))],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(!text.contains("hospital"), "{text}");
    assert!(!text.contains("quiet flat"), "{text}");
    // Nor may he pull as Jo's device.
    let (status, _) = pull_as(&anil, demo::PRIYA, Some(jo_phone)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Jo's device still works for Jo.
    let (status, _) = pull_as(&jo, demo::PRIYA, Some(jo_phone)).await;
    assert_eq!(status, StatusCode::OK);
    app.finish().await;
}

async fn a_relative_cannot_spend_a_key_workers_edit_numbers(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let ruth = app.as_user("ruth@family.example").await;
    let asha_phone = client(0x30);
    // Asha's phone has synced before.
    pushed(
        &asha,
        demo::MAGGIE,
        asha_phone,
        vec![mutation(
            asha_phone,
            1,
            create_goal(1, "Make my own breakfast"),
        )],
    )
    .await;
    // Ruth sends edits numbered 2 to 4 under Asha's phone's id.
    let forged = (2..=4)
        .map(|seq| mutation(asha_phone, seq, create_goal(0x100 + u128::from(seq), "x")))
        .collect();
    let (status, _) = push(&ruth, demo::MAGGIE, asha_phone, forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Asha's next real edit is saved, not answered as a replay.
    let response = pushed(
        &asha,
        demo::MAGGIE,
        asha_phone,
        vec![mutation(asha_phone, 2, create_goal(2, "Walk to the shop"))],
    )
    .await;
    assert_eq!(response.acks[0].outcome, Outcome::Applied);
    let (set, _) = records_of(app.store.as_ref(), demo::MAGGIE).await;
    let goals: Vec<String> = domain::records::views::goals(&set)
        .into_iter()
        .map(|g| g.wording)
        .collect();
    assert_eq!(goals, ["Make my own breakfast", "Walk to the shop"]);
    app.finish().await;
}

/// Markup that, written raw into a page, would send the reader elsewhere and add an element.
const PLANTED: &str = "</textarea></title><meta http-equiv=\"refresh\" \
     content=\"0;url=https://evil.example/\"><b id=\"planted\">x</b>";

fn assert_inert(page: &str, html: &str) {
    // Escaped, it reads `&lt;meta …` as text; raw, a browser would act on it.
    for live in [
        "<meta http-equiv",
        "<b id=\"planted\"",
        "</textarea></title>",
    ] {
        assert!(
            !html.contains(live),
            "{page} holds live markup `{live}`:\n{}",
            around(html, live)
        );
    }
}

fn around<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or(0);
    let start = html.floor_char_boundary(at.saturating_sub(200));
    let end = html.floor_char_boundary((at + 200).min(html.len()));
    &html[start..end]
}

async fn markup_typed_into_any_text_is_shown_as_text_on_every_page(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    store::demo::load_involvement(app.store.as_ref())
        .await
        .expect("the demo's involvement plans");
    let planted = |what: &str| format!("{what} {PLANTED}");
    // The person's own details, as staff would type them (names, pronouns, strengths, About me).
    let mut data = demo::dataset();
    for person in &mut data.people {
        person.name = planted("Name");
        person.preferred_name = Some(planted("Called"));
        person.pronouns = Some("they/them <b id=\"planted\">x</b>".into());
        person.about_me.strengths.push(planted("Strength"));
    }
    app.store.import(&data).await.expect("import");
    let maggie = app.as_user("maggie@home.example").await;
    let ruth = app.as_user("ruth@family.example").await;
    // About me by the person, goals and steps by her daughter, a meeting and its notes by the
    // manager, and a conflict holding both versions.
    let (m, r, g) = (client(0x40), client(0x41), client(0x42));
    let about = domain::records::views::about_me_sections()
        .enumerate()
        .map(|(i, (field, _))| {
            let op = set_text(ABOUT, demo::MAGGIE.0, field, "", &planted("About"));
            mutation(m, i as u64 + 1, op)
        })
        .collect();
    pushed(&maggie, demo::MAGGIE, m, about).await;
    // Every text of her involvement plan: a new member of her circle, and the three blocks
    // there is one of.
    let member = Uuid::from_u128(0x76);
    let mut involvement = vec![RecordOp::Create {
        kind: CIRCLE_MEMBER.name.into(),
        id: member,
        parent: None,
        topic: None,
        fields: [("name".to_owned(), Value::Text(planted("Member")))]
            .into_iter()
            .collect(),
    }];
    for (kind, id) in [
        (&CIRCLE_MEMBER, member),
        (&COMMUNICATION, demo::MAGGIE.0),
        (&MEETING_RHYTHM, demo::MAGGIE.0),
        (&DECIDING, demo::MAGGIE.0),
    ] {
        for field in kind.fields {
            if let FieldType::Text { .. } = field.ty {
                involvement.push(set_text(kind.name, id, field.name, "", &planted("Block")));
            }
        }
    }
    let involvement = involvement
        .into_iter()
        .enumerate()
        .map(|(i, op)| mutation(m, i as u64 + 100, op))
        .collect();
    let response = pushed(&maggie, demo::MAGGIE, m, involvement).await;
    assert!(
        response
            .acks
            .iter()
            .all(|a| !matches!(a.outcome, Outcome::Rejected { .. })),
        "every planted text kept: {:?}",
        response.acks
    );
    let goal = Uuid::from_u128(0x77);
    let step = Uuid::from_u128(0x78);
    pushed(
        &ruth,
        demo::MAGGIE,
        r,
        vec![
            mutation(
                r,
                1,
                crate::helpers::ops::create_goal(goal, &planted("Goal")),
            ),
            mutation(r, 2, add_step(goal, step, &planted("Step"))),
        ],
    )
    .await;
    pushed(
        &ruth,
        demo::MAGGIE,
        r,
        vec![mutation(
            r,
            3,
            set_text(GOALS, goal, "wording", &planted("Goal"), &planted("Theirs")),
        )],
    )
    .await;
    // Every text of the outcome tracker: the goal's other words, a measure, an observation.
    let measure = Uuid::from_u128(0x7a);
    let mut tracker: Vec<RecordOp> = domain::records::kinds::GOAL
        .fields
        .iter()
        .filter(|f| matches!(f.ty, FieldType::Text { .. }) && f.name != "wording")
        .map(|f| set_text(GOALS, goal, f.name, "", &planted("Goal field")))
        .collect();
    tracker.push(create_with(
        domain::records::kinds::MEASURES,
        0x7a,
        Some(0x77),
        vec![
            ("measure", Value::Choice("count".into())),
            ("about", Value::Text(planted("About"))),
            ("unit", Value::Text("<b id=\"planted\">u</b>".into())),
        ],
    ));
    let RecordOp::Create { mut fields, .. } = observation_in(0x7b, 0x7a, "member") else {
        unreachable!("an observation is made")
    };
    fields.insert("note".into(), Value::Text(planted("Note")));
    tracker.push(RecordOp::Create {
        kind: domain::records::kinds::OBSERVATIONS.into(),
        id: Uuid::from_u128(0x7b),
        parent: Some(measure),
        topic: None,
        fields,
    });
    let tracker = tracker
        .into_iter()
        .enumerate()
        .map(|(i, op)| mutation(r, i as u64 + 4, op))
        .collect();
    let response = pushed(&ruth, demo::MAGGIE, r, tracker).await;
    assert!(
        response
            .acks
            .iter()
            .all(|a| !matches!(a.outcome, Outcome::Rejected { .. })),
        "every planted text of the tracker kept: {:?}",
        response.acks
    );
    let meeting = Uuid::from_u128(0x79);
    let notes =
        domain::notes::edit_shared(&[], domain::notes::device_doc_id(g.0), &planted("Notes"))
            .expect("notes");
    pushed(
        &app,
        demo::MAGGIE,
        g,
        vec![
            mutation(
                g,
                1,
                set_text(GOALS, goal, "wording", &planted("Goal"), &planted("Mine")),
            ),
            mutation(g, 2, add_meeting(meeting, &planted("Meeting"))),
            mutation(g, 3, edit_notes(meeting, notes)),
        ],
    )
    .await;
    let (set, _) = records_of(app.store.as_ref(), demo::MAGGIE).await;
    assert!(
        set.of_kind(domain::records::kinds::CONFLICT)
            .next()
            .is_some(),
        "conflicts to show"
    );
    // Every text of the meeting and of who took part, its actions and a disagreement raised at
    // it (the reviews page, its agenda and its summary show them).
    let texts_of = |kind: &'static domain::records::kinds::KindSpec, skip: &[&str]| {
        kind.fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Text { .. }) && !skip.contains(&f.name))
            .map(|f| (f.name, Value::Text(planted(kind.name))))
            .collect::<Vec<_>>()
    };
    let mut review: Vec<RecordOp> = domain::records::kinds::MEETING
        .fields
        .iter()
        .filter(|f| {
            matches!(f.ty, FieldType::Text { .. })
                && !["title", "decision_record"].contains(&f.name)
        })
        .map(|f| set_text(MEETINGS, meeting, f.name, "", &planted("Meeting field")))
        .collect();
    review.push(RecordOp::Set {
        kind: MEETINGS.into(),
        id: meeting,
        field: "starts_at".into(),
        before: Value::Empty,
        after: Value::Number(1_765_000_000_000),
    });
    for (kind, n, parent, skip) in [
        (
            &domain::records::kinds::ATTENDANCE,
            0x7c,
            Some(0x79),
            &[][..],
        ),
        (&domain::records::kinds::ACTION, 0x7d, Some(0x79), &[][..]),
        (
            &domain::records::kinds::DISAGREEMENT,
            0x7e,
            None,
            &["meeting"][..],
        ),
    ] {
        let mut fields = texts_of(kind, skip);
        if kind.name == domain::records::kinds::DISAGREEMENTS {
            fields.push(("meeting", Value::Text(meeting.to_string())));
            fields.push((
                "raised_on",
                Value::Date("2026-11-30".parse().expect("date")),
            ));
        }
        review.push(create_with(kind.name, n, parent, fields));
    }
    let review = review
        .into_iter()
        .enumerate()
        .map(|(i, op)| mutation(g, i as u64 + 10, op))
        .collect();
    let response = pushed(&app, demo::MAGGIE, g, review).await;
    assert!(
        response
            .acks
            .iter()
            .all(|a| !matches!(a.outcome, Outcome::Rejected { .. })),
        "every planted text of the meeting kept: {:?}",
        response.acks
    );
    // Words typed into forms: a circle member's name and an early warning.
    let circle = format!("/people/{}/circle", demo::MAGGIE);
    let (status, _) = app
        .post_form(
            &format!("{circle}/invite"),
            &[
                ("name", &planted("Invitee")),
                ("email", "planted@family.example"),
                ("role", "family_or_friend"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ruth_id = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id
        .to_string();
    let (status, location) = app
        .post_form(
            &format!("{circle}/early-warnings"),
            &[
                ("indicator", &planted("Indicator")),
                ("contact", &ruth_id),
                ("reason", &planted("Reason")),
            ],
        )
        .await;
    assert!(location.contains("warning_saved"), "{status} {location}");
    // A service named by an administrator.
    let admin = app.as_user("admin@circle.example").await;
    let (status, _) = admin
        .post_form(
            &format!("/admin/services/{}", demo::RIVERSIDE),
            &[("name", &planted("Service")), ("kind", "home_care")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Someone added with the form, and a form sent back with what was typed in it.
    let riverside = demo::RIVERSIDE.to_string();
    let (_, location) = app
        .post_form(
            "/people/add",
            &[
                ("name", "Added Person"),
                ("preferred_name", &planted("Added")),
                ("pronouns", "<b id=\"planted\">x</b>"),
                ("service", &riverside),
            ],
        )
        .await;
    assert!(location.ends_with("?added=1"), "{location}");
    let added = location.split('?').next().unwrap_or_default().to_owned();
    let too_long = format!("{}{}", planted("Name"), "x".repeat(120));
    let (_, location) = app
        .post_form(
            "/people/add",
            &[("name", &too_long), ("service", &riverside)],
        )
        .await;
    assert!(location.ends_with("problem=add"), "{location}");
    // Every page, as everyone who can open it.
    let person_pages = |id: PersonId| {
        [
            format!("/people/{id}"),
            format!("/people/{id}/plan"),
            format!("/people/{id}/involvement"),
            format!("/people/{id}/decisions"),
            format!("/people/{id}/easy-read"),
            format!("/people/{id}/progress"),
            format!("/people/{id}/progress/card/{goal}"),
            format!("/people/{id}/meetings"),
            format!("/people/{id}/circle"),
            format!("/people/{id}/summary"),
        ]
    };
    let mut pages = vec![
        "/".to_owned(),
        "/?q=x".to_owned(),
        "/audit".to_owned(),
        "/devices".to_owned(),
        "/account".to_owned(),
        "/admin".to_owned(),
        "/people/new".to_owned(),
        added,
        format!("/people/{}/manage", demo::MAGGIE),
    ];
    pages.extend(person_pages(demo::MAGGIE));
    for who in [&*app, &maggie, &ruth, &admin] {
        for page in &pages {
            let (status, html) = who.get(page).await;
            assert!(status.as_u16() < 500, "{page}: {status}");
            assert_inert(page, &html);
        }
    }
    app.finish().await;
}

/// Invites Kim into Dan's circle as the demo manager: the token of the link made.
async fn invite_kim(app: &TestApp) -> String {
    app.post_form(
        &format!("/people/{}/circle/invite", demo::DAN),
        &[
            ("name", "Kim Price"),
            ("email", "kim@family.example"),
            ("role", "family_or_friend"),
        ],
    )
    .await;
    let (_, html) = app.get(&format!("/people/{}/circle", demo::DAN)).await;
    let start = html.find("/invitations/").expect("the link is shown once") + "/invitations/".len();
    html[start..]
        .split(['"', '<', ' '])
        .next()
        .expect("token")
        .to_owned()
}

async fn an_older_invitation_link_cannot_take_over_the_account(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let older = invite_kim(&app).await;
    let newer = invite_kim(&app).await;
    assert_ne!(older, newer);
    let redeem = |token: String, password: &'static str| {
        let anon = app.anonymous();
        async move {
            anon.post_form(
                &format!("/auth/invitations/{token}"),
                &[("password", password), ("again", password)],
            )
            .await
        }
    };
    let (status, location) = redeem(newer, "kims own password").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/people/{}", demo::DAN));
    let (_, location) = redeem(older, "an attackers password").await;
    assert!(location.ends_with("problem=ended"), "{location}");
    assert!(
        app.sign_in("kim@family.example", "an attackers password")
            .await
            .is_none()
    );
    assert!(
        app.sign_in("kim@family.example", "kims own password")
            .await
            .is_some()
    );
    app.finish().await;
}

async fn every_edit_of_a_push_is_audited_with_its_editor_and_device(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let phone = client(0x50);
    let request = Request::post("/api/sync/push")
        .header("content-type", "application/json")
        .header("cookie", asha.cookie.clone().expect("cookie"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/131.0 Mobile Safari/537.36",
        )
        .body(Body::from(
            serde_json::to_string(&PushRequest {
                person: demo::MAGGIE,
                client: phone,
                mutations: vec![
                    mutation(phone, 1, create_goal(1, "Make my own breakfast")),
                    mutation(phone, 2, create_goal(2, " ")),
                ],
            })
            .expect("json"),
        ))
        .expect("request");
    let (status, _) = asha.send(request).await;
    assert_eq!(status, StatusCode::OK);
    let events = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::MAGGIE],
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    let changed: Vec<_> = events
        .iter()
        .filter(|e| e.kind == AuditKind::Changed)
        .collect();
    assert_eq!(changed.len(), 2, "the refused edit is audited too");
    for e in changed {
        assert_eq!(e.user_name, "Asha Patel");
        assert_eq!(e.device, "Chrome on Android");
    }
    app.finish().await;
}

/// A form's fields, as `Client::post_form` takes them.
type Form<'a> = Vec<(&'a str, &'a str)>;

async fn a_nul_anywhere_text_is_accepted_is_refused_alike_on_both_databases(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let circle = format!("/people/{}/circle", demo::MAGGIE);
    let ruth_id = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id
        .to_string();
    let anonymous = app.anonymous();
    let forms: Vec<(&Client, String, Form<'_>)> = vec![
        (
            &anonymous,
            "/auth/sign-in".into(),
            vec![("email", "grace\0@circle.example"), ("password", "x")],
        ),
        (
            &app,
            format!("{circle}/invite"),
            vec![
                ("name", "Kim\0"),
                ("email", "kim@family.example"),
                ("role", "family_or_friend"),
            ],
        ),
        (
            &app,
            format!("{circle}/early-warnings"),
            vec![
                ("indicator", "Misses \0 appointments"),
                ("contact", &ruth_id),
                ("reason", "asked"),
            ],
        ),
    ];
    for (who, path, fields) in forms {
        let (status, _) = who.post_form(&path, &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
    let (status, _) = app.get("/?q=%00").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        app.store
            .user_by_email("kim@family.example")
            .await
            .expect("store")
            .is_none()
    );
    assert!(
        app.store
            .early_warnings(demo::MAGGIE)
            .await
            .expect("store")
            .is_empty()
    );
    // In a push, an edit holding one is rejected with a reason (its words kept on the device)
    // and the edits after it go on: no outbox is stuck behind it.
    let phone = client(0x60);
    let response = pushed(
        &app,
        demo::MAGGIE,
        phone,
        vec![
            mutation(phone, 1, create_goal(1, "Walk\0 to the shop")),
            mutation(phone, 2, create_goal(2, "Make tea")),
        ],
    )
    .await;
    assert!(matches!(response.acks[0].outcome, Outcome::Rejected { .. }));
    assert_eq!(response.acks[1].outcome, Outcome::Applied);
    app.finish().await;
}

async fn a_push_naming_one_edit_number_twice_is_a_422_and_changes_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let phone = client(0x70);
    let (status, text) = push(
        &app,
        demo::MAGGIE,
        phone,
        vec![
            mutation(phone, 1, create_goal(1, "One")),
            mutation(phone, 1, create_goal(2, "Two")),
            mutation(phone, 2, create_goal(3, "Three")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("appears twice"), "{text}");
    assert_eq!(records_of(app.store.as_ref(), demo::MAGGIE).await.1, 0);
    // The same edits sent properly go through.
    let response = pushed(
        &app,
        demo::MAGGIE,
        phone,
        vec![
            mutation(phone, 1, create_goal(1, "One")),
            mutation(phone, 2, create_goal(3, "Three")),
        ],
    )
    .await;
    assert!(response.acks.iter().all(|a| a.outcome == Outcome::Applied));
    app.finish().await;
}

/// lib0's variable-length unsigned integer, as Yjs encodes numbers.
fn var(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

async fn a_notes_update_deleting_what_another_device_will_type_is_rejected(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (staff, advocate) = (client(0x80), client(0x81));
    let meeting = Uuid::from_u128(0x82);
    pushed(
        &app,
        demo::DAN,
        staff,
        vec![mutation(staff, 1, add_meeting(meeting, "Review"))],
    )
    .await;
    let notes_now = || async {
        let (set, _) = records_of(app.store.as_ref(), demo::DAN).await;
        match set.find(MEETINGS, meeting).map(|m| m.get("notes").clone()) {
            Some(Value::Shared(state)) => state,
            _ => Vec::new(),
        }
    };
    let typed = |state: &[u8], text: &str| {
        domain::notes::edit_shared(state, domain::notes::device_doc_id(staff.0), text)
            .expect("update")
    };
    let update = typed(&notes_now().await, "Dan wants to go to the gig.");
    pushed(
        &app,
        demo::DAN,
        staff,
        vec![mutation(staff, 2, edit_notes(meeting, update))],
    )
    .await;
    // A delete set over the staff device's first million clocks: all it typed and will type,
    // sent by the advocate's device (under its own id: no text written).
    let mut erase = Vec::new();
    var(0, &mut erase); // no text written
    var(1, &mut erase); // one writer's deletions
    var(domain::notes::device_doc_id(staff.0), &mut erase);
    var(1, &mut erase); // one range
    var(0, &mut erase);
    var(1_000_000, &mut erase);
    let response = pushed(
        &app,
        demo::DAN,
        advocate,
        vec![mutation(advocate, 1, edit_notes(meeting, erase))],
    )
    .await;
    assert!(
        matches!(response.acks[0].outcome, Outcome::Rejected { .. }),
        "{:?}",
        response.acks[0]
    );
    let update = typed(&notes_now().await, "Dan wants to go to the gig. Agreed.");
    pushed(
        &app,
        demo::DAN,
        staff,
        vec![mutation(staff, 3, edit_notes(meeting, update))],
    )
    .await;
    assert_eq!(
        domain::notes::shared_text(&notes_now().await),
        "Dan wants to go to the gig. Agreed."
    );
    app.finish().await;
}

/// Signs in as the demo manager with `next`: where the answer sends the browser.
async fn sign_in_with_next(app: &TestApp, next: &str) -> (StatusCode, String) {
    app.anonymous()
        .post_form(
            "/auth/sign-in",
            &[
                ("email", "grace@circle.example"),
                ("password", store::demo::DEMO_PASSWORD),
                ("next", next),
            ],
        )
        .await
}

async fn sign_in_goes_back_only_to_a_path_on_this_site(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    for (next, expected) in [
        ("/people/1/plan", "/people/1/plan"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%2F%2Fevil.example", "/"),
    ] {
        let (status, location) = sign_in_with_next(&app, next).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location, expected, "{next:?}");
    }
    app.finish().await;
}

async fn a_next_holding_a_line_break_is_refused_before_anything_is_written(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let signed_in_events = || async {
        app.store
            .audit_events(&domain::audit::AuditFilter {
                account_users: vec![demo::ACCOUNTS[3].id],
                limit: 1_000,
                ..Default::default()
            })
            .await
            .expect("audit")
            .len()
    };
    let before = signed_in_events().await;
    for next in ["/a\r\nSet-Cookie: x=1", "/a\n", "/a\r", "/\t/evil.example"] {
        let (status, _) = sign_in_with_next(&app, next).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{next:?}");
    }
    assert_eq!(signed_in_events().await, before, "no sign-in was recorded");
    app.finish().await;
}

/// A sign-in attempt with a wrong password, as if from `peer` with `X-Forwarded-For` `hops`.
async fn failed_sign_in(router: &axum::Router, email: &str, peer: &str, hops: &str) -> String {
    use tower::ServiceExt;
    let mut request = Request::post("/auth/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", hops)
        .body(Body::from(format!(
            "email={}&password=wrong",
            urlencode(email)
        )))
        .expect("request");
    let addr: std::net::SocketAddr = format!("{peer}:4000").parse().expect("addr");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let response = router.clone().oneshot(request).await.expect("response");
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn forwarded_addresses_count_only_behind_a_trusted_proxy(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // A client making up a new X-Forwarded-For each time still counts as one address.
    for n in 0..server::auth::FREE_TRIES_PER_ADDRESS {
        let location = failed_sign_in(
            &app.router,
            &format!("guess{n}@x.example"),
            "203.0.113.9",
            &format!("198.51.100.{}", n % 250),
        )
        .await;
        assert!(location.contains("failed=1"), "{n}: {location}");
    }
    let location = failed_sign_in(&app.router, "another@x.example", "203.0.113.9", "1.2.3.4").await;
    assert!(location.contains("wait="), "{location}");
    // Behind a trusted proxy, each client behind it counts on its own: staff of a care home
    // behind one proxy don't lock each other out.
    let (_, store) = app.second_server().await;
    let settings = server::HttpSettings {
        trusted_proxies: vec!["10.0.0.5".parse().expect("proxy")],
        ..Default::default()
    };
    let behind = server::router_with(store.clone(), leptos_options(), settings);
    for n in 0..server::auth::FREE_TRIES_PER_ADDRESS {
        failed_sign_in(
            &behind,
            &format!("staff{n}@x.example"),
            "10.0.0.5",
            "192.0.2.1",
        )
        .await;
    }
    let location = failed_sign_in(&behind, "colleague@x.example", "10.0.0.5", "192.0.2.2").await;
    assert!(
        location.contains("failed=1"),
        "another client behind the proxy: {location}"
    );
    let location = failed_sign_in(&behind, "again@x.example", "10.0.0.5", "192.0.2.1").await;
    assert!(location.contains("wait="), "{location}");
    store.close().await;
    app.finish().await;
}

async fn failed_sign_ins_on_one_server_count_on_another(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (other, store) = app.second_server().await;
    for n in 0..server::auth::FREE_TRIES {
        let router = if n % 2 == 0 { &app.router } else { &other };
        failed_sign_in(
            router,
            "asha@riverside.example",
            &format!("192.0.2.{n}"),
            "",
        )
        .await;
    }
    let location = failed_sign_in(&app.router, "asha@riverside.example", "192.0.2.99", "").await;
    assert!(location.contains("wait="), "{location}");
    store.close().await;
    app.finish().await;
}

async fn an_administrator_cannot_give_themselves_care_access_and_managers_see_care_roles_given(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let admin = app.as_user("admin@circle.example").await;
    let (status, location) = admin
        .post_form(
            "/admin/staff",
            &[
                ("email", "admin@circle.example"),
                ("service", &demo::RIVERSIDE.to_string()),
                ("role", "key_worker"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("problem=grant-self"), "{location}");
    let (status, _) = admin.get(&format!("/people/{}", demo::MAGGIE)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "still no care records");
    // A care role given by the administrator to someone else is shown to the manager.
    let (status, location) = admin
        .post_form(
            "/admin/staff",
            &[
                ("name", "Pat Doyle"),
                ("email", "pat@riverside.example"),
                ("service", &demo::RIVERSIDE.to_string()),
                ("role", "key_worker"),
            ],
        )
        .await;
    assert!(location.contains("added=1"), "{status} {location}");
    let (_, home) = app.get("/").await;
    assert!(
        home.contains("Circle Administrator gave Pat Doyle the role Key worker at Riverside"),
        "{}",
        around(&home, "Care access")
    );
    app.finish().await;
}

async fn an_existing_account_added_to_a_circle_sees_nothing_until_they_accept(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // Tom, a key worker at Elm Court, is added to Maggie's circle (at Riverside).
    let (_, location) = app
        .post_form(
            &format!("/people/{}/circle/invite", demo::MAGGIE),
            &[
                ("name", "Tom Reed"),
                ("email", "tom@elmcourt.example"),
                ("role", "family_or_friend"),
            ],
        )
        .await;
    assert!(location.contains("existing=1"), "{location}");
    let tom = app.as_user("tom@elmcourt.example").await;
    let maggie = format!("/people/{}", demo::MAGGIE);
    assert_eq!(
        tom.get(&maggie).await.0,
        StatusCode::NOT_FOUND,
        "not before accepting"
    );
    let (_, home) = tom.get("/").await;
    assert!(home.contains("invited into a circle"), "the offer is shown");
    assert!(
        !home.contains(&format!("href=\"{maggie}\"")),
        "Maggie isn't listed yet"
    );
    let (status, location) = tom
        .post_form(&format!("/circles/{}/accept", demo::MAGGIE), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, maggie);
    assert_eq!(tom.get(&maggie).await.0, StatusCode::OK);
    // Declining an offer removes it.
    app.post_form(
        &format!("/people/{}/circle/invite", demo::PRIYA),
        &[
            ("name", "Tom Reed"),
            ("email", "tom@elmcourt.example"),
            ("role", "family_or_friend"),
        ],
    )
    .await;
    tom.post_form(&format!("/circles/{}/decline", demo::PRIYA), &[])
        .await;
    assert!(
        app.store
            .circle_offers(demo::ACCOUNTS[1].id)
            .await
            .expect("offers")
            .is_empty()
    );
    assert_eq!(
        tom.get(&format!("/people/{}", demo::PRIYA)).await.0,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

async fn the_persons_own_email_never_makes_them_a_member_of_their_own_circle(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (_, location) = app
        .post_form(
            &format!("/people/{}/circle/invite", demo::MAGGIE),
            &[
                ("name", "Maggie"),
                ("email", "maggie@home.example"),
                ("role", "family_or_friend"),
            ],
        )
        .await;
    assert!(location.contains("problem=self"), "{location}");
    let maggie = app.as_user("maggie@home.example").await;
    let (_, html) = maggie
        .get(&format!("/people/{}/circle", demo::MAGGIE))
        .await;
    assert!(
        html.contains("Tick what each person may see"),
        "still the person"
    );
    let actor = app
        .store
        .actor(demo::ACCOUNTS[6].id)
        .await
        .expect("store")
        .expect("Maggie");
    assert_eq!(actor.circles.len(), 1);
    assert_eq!(actor.circles[0].role, domain::access::CircleRole::Person);
    app.finish().await;
}

async fn a_session_in_use_stays_open_and_one_left_idle_ends(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (_, store) = app.second_server().await;
    let idle = Duration::from_secs(3);
    let settings = server::HttpSettings {
        session_idle: idle,
        ..Default::default()
    };
    let router = server::router_with(store.clone(), leptos_options(), settings);
    let anonymous = Client {
        router: router.clone(),
        cookie: None,
    };
    let cookie = anonymous
        .sign_in("asha@riverside.example", store::demo::DEMO_PASSWORD)
        .await
        .expect("signed in");
    let asha = Client {
        router,
        cookie: Some(cookie),
    };
    // Used every half second for twice the idle time: still signed in.
    let started = std::time::Instant::now();
    while started.elapsed() < idle * 2 {
        assert_eq!(
            asha.get("/").await.0,
            StatusCode::OK,
            "in use at {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Left alone for longer than the idle time: signed out.
    tokio::time::sleep(idle + Duration::from_secs(1)).await;
    assert_eq!(
        asha.get("/").await.0,
        StatusCode::SEE_OTHER,
        "sent to sign in"
    );
    store.close().await;
    app.finish().await;
}

/// Calls a server function (a form-encoded POST under `/api`): its status.
async fn server_fn(who: &Client, endpoint: &str, body: &str) -> StatusCode {
    let request = Request::post(format!("/api/{endpoint}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", who.cookie.clone().unwrap_or_default())
        .body(Body::from(body.to_owned()))
        .expect("request");
    who.send(request).await.0
}

async fn server_functions_answer_404_403_and_400_like_pages_do(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ruth = app.as_user("ruth@family.example").await;
    let nobody = Uuid::from_u128(0xdead);
    assert_eq!(
        server_fn(&app, "people/get", &format!("id={nobody}")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server_fn(&app, "people/get", "id=not-an-id").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server_fn(&ruth, "plans/summary", &format!("id={}", demo::MAGGIE)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server_fn(&app, "people/get", "").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        server_fn(&app, "people/get", &format!("id={}", demo::MAGGIE)).await,
        StatusCode::OK
    );
    app.finish().await;
}

type Live = axum::body::BodyDataStream;

async fn open_live(who: &Client, person: PersonId) -> Live {
    use tower::ServiceExt;
    let request = Request::get(format!("/api/sync/live?person={person}"))
        .header("cookie", who.cookie.clone().expect("cookie"))
        .body(Body::empty())
        .expect("request");
    let response = who.router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

/// Reads the channel until it ends: true when it does within 10 s.
async fn ends(live: &mut Live) -> bool {
    use futures_util::StreamExt;
    tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = live.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}

async fn live_channels_end_when_the_user_signs_out_everywhere_or_loses_their_role(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let laptop = app.as_user("asha@riverside.example").await;
    let mut live = open_live(&asha, demo::MAGGIE).await;
    laptop.post_form("/auth/sign-out-everywhere", &[]).await;
    assert!(ends(&mut live).await, "the phone's channel ended");
    // Tom loses his role: his channel ends too.
    let tom = app.as_user("tom@elmcourt.example").await;
    let mut live = open_live(&tom, demo::DAN).await;
    let admin = app.as_user("admin@circle.example").await;
    let (status, _) = admin
        .post_form(
            "/admin/staff/remove",
            &[
                ("user", &demo::ACCOUNTS[1].id.to_string()),
                ("service", &demo::ELM_COURT.to_string()),
                ("role", "key_worker"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(ends(&mut live).await, "Tom's channel ended");
    app.finish().await;
}

async fn the_old_services_live_channels_end_when_a_person_moves_on(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // Asha, Maggie's key worker at Riverside, follows her plan live on her phone.
    let asha = app.as_user("asha@riverside.example").await;
    let mut live = open_live(&asha, demo::MAGGIE).await;
    let (status, location) = app
        .post_form(
            &format!("/people/{}/move", demo::MAGGIE),
            &[("to", &demo::ELM_COURT.to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?moved=1"), "{location}");
    assert!(
        ends(&mut live).await,
        "Asha's channel ended as Maggie moved, not at its next routine check"
    );
    app.finish().await;
}

/// The devices list (a server function answering JSON) as `who` gets it.
async fn devices_of(who: &Client) -> Vec<String> {
    let request = Request::post("/api/devices/list")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", who.cookie.clone().unwrap_or_default())
        .body(Body::empty())
        .expect("request");
    let (status, text) = who.send(request).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).expect("rows");
    rows.iter()
        .map(|r| r["label"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn devices_are_listed_to_their_owner_and_named_for_managers_only(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let ruth = app.as_user("ruth@family.example").await;
    let admin = app.as_user("admin@circle.example").await;
    for (who, n) in [(&asha, 0x90), (&ruth, 0x91)] {
        let phone = client(n);
        let (status, _) = pull_as(who, demo::MAGGIE, Some(phone)).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        devices_of(&ruth).await,
        ["Your A browser on an unknown system"]
    );
    assert_eq!(
        devices_of(&asha).await,
        ["Your A browser on an unknown system"]
    );
    let mut seen = devices_of(&app).await;
    seen.sort();
    assert_eq!(
        seen,
        [
            "Asha Patel's A browser on an unknown system",
            "Ruth Okafor's A browser on an unknown system"
        ]
    );
    assert!(
        devices_of(&admin).await.is_empty(),
        "administrators see none"
    );
    app.finish().await;
}

async fn account_events_are_shown_to_the_user_and_to_their_managers(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let asha = app.as_user("asha@riverside.example").await;
    let (_, page) = asha.get("/account").await;
    assert!(page.contains("Signed in"), "Asha sees her own sign-in");
    let (_, audit) = app.get("/audit").await;
    assert!(
        audit.contains("Asha Patel") && audit.contains("Signed in"),
        "her manager does"
    );
    let tom = app.as_user("tom@elmcourt.example").await;
    let (_, page) = tom.get("/account").await;
    assert!(!page.contains("Asha"), "nobody else does");
    app.finish().await;
}

async fn answers_holding_personal_data_are_never_cached_and_https_adds_hsts(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    use tower::ServiceExt;
    let head = |router: axum::Router, path: String, cookie: Option<String>| async move {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        router
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("response")
            .headers()
            .clone()
    };
    let cookie = app.cookie.clone();
    for path in [
        "/".to_owned(),
        format!("/people/{}", demo::MAGGIE),
        format!("/people/{}/plan", demo::MAGGIE),
        "/audit".to_owned(),
        "/healthz".to_owned(),
    ] {
        let headers = head(app.router.clone(), path.clone(), cookie.clone()).await;
        assert_eq!(
            headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain http"
        );
    }
    let (status, _) = pull_as(&app, demo::MAGGIE, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, store) = app.second_server().await;
    let https = server::router_with(
        store.clone(),
        leptos_options(),
        server::HttpSettings {
            https: true,
            ..Default::default()
        },
    );
    let headers = head(https, "/sign-in".into(), None).await;
    assert!(
        headers
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("max-age=")),
        "{headers:?}"
    );
    store.close().await;
    app.finish().await;
}

async fn a_consent_change_tells_the_members_open_plan_to_pull(backend: Backend) {
    use futures_util::StreamExt;
    let app = TestApp::with_demo(backend).await;
    let lee = app.as_user("lee@advocacy.example").await;
    let mut live = open_live(&lee, demo::DAN).await;
    let lee_id = demo::ACCOUNTS[8].id.to_string();
    let (status, _) = app
        .post_form(
            &format!("/people/{}/circle/consent", demo::DAN),
            &[
                (&format!("share.{lee_id}.goals_and_progress"), "on"),
                ("reason", "Dan asked at his review"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let event = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let chunk = live.next().await.expect("open").expect("chunk");
            let text = String::from_utf8_lossy(&chunk).into_owned();
            if text.contains("event:") {
                return text;
            }
        }
    })
    .await
    .expect("an event within 10 s");
    assert!(event.contains("event: resync"), "{event}");
    // A browser drops an event whose data is empty: this one must carry some.
    let data = event
        .lines()
        .find_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .unwrap_or("");
    assert!(!data.is_empty(), "{event}");
    app.finish().await;
}

fn create_with(kind: &str, n: u128, parent: Option<u128>, fields: Vec<(&str, Value)>) -> RecordOp {
    RecordOp::Create {
        kind: kind.into(),
        id: Uuid::from_u128(n),
        parent: parent.map(Uuid::from_u128),
        topic: None,
        fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

fn observation_in(n: u128, measure: u128, voice: &str) -> RecordOp {
    create_with(
        domain::records::kinds::OBSERVATIONS,
        n,
        Some(measure),
        vec![
            ("value", Value::Number(2)),
            (
                "observed_on",
                Value::Date("2026-11-30".parse().expect("date")),
            ),
            ("voice", Value::Choice(voice.into())),
        ],
    )
}

/// An observation's voice is whose view it is: a relative who may write goals still cannot
/// record a view as staff's, or as the person's, for the evidence an inspector reads to be
/// honest. Staff may write down the person's own view with them.
async fn nobody_records_an_observation_in_someone_elses_voice(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let anil = app.as_user("anil@family.example").await;
    let jo = app.as_user("jo@northgate.example").await;
    let phone = client(0x51);
    let response = pushed(
        &anil,
        demo::PRIYA,
        phone,
        vec![
            mutation(
                phone,
                1,
                create_goal(0x700, "Go to the library on Saturdays"),
            ),
            mutation(
                phone,
                2,
                create_with(
                    domain::records::kinds::MEASURES,
                    0x701,
                    Some(0x700),
                    vec![("measure", Value::Choice("confidence".into()))],
                ),
            ),
            mutation(phone, 3, observation_in(0x702, 0x701, "staff")),
            mutation(phone, 4, observation_in(0x703, 0x701, "person")),
            mutation(phone, 5, observation_in(0x704, 0x701, "member")),
        ],
    )
    .await;
    let outcomes: Vec<bool> = response
        .acks
        .iter()
        .map(|a| matches!(a.outcome, Outcome::Rejected { .. }))
        .collect();
    assert_eq!(
        outcomes,
        [false, false, true, true, false],
        "{:?}",
        response.acks
    );
    let jo_phone = client(0x52);
    let response = pushed(
        &jo,
        demo::PRIYA,
        jo_phone,
        vec![
            mutation(jo_phone, 1, observation_in(0x705, 0x701, "person")),
            mutation(jo_phone, 2, observation_in(0x706, 0x701, "staff")),
            mutation(jo_phone, 3, observation_in(0x707, 0x701, "member")),
        ],
    )
    .await;
    let outcomes: Vec<bool> = response
        .acks
        .iter()
        .map(|a| matches!(a.outcome, Outcome::Rejected { .. }))
        .collect();
    assert_eq!(outcomes, [false, false, true], "{:?}", response.acks);
    let (set, _) = records_of(app.store.as_ref(), demo::PRIYA).await;
    let kept = domain::outcomes::observations(&set, Uuid::from_u128(0x701));
    let voices: Vec<(&str, &str)> = kept
        .iter()
        .map(|o| (o.voice.key(), o.by.as_str()))
        .collect();
    assert_eq!(
        voices,
        [
            ("person", "Jo Bennett"),
            ("member", "Anil Shah"),
            ("staff", "Jo Bennett")
        ]
    );
    app.finish().await;
}
