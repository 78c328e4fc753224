//! Email through a real SMTP conversation with a local sink: each member of the circle gets
//! their own letter holding only what they may read, failures are shown and tried again, and
//! without a relay Circle says documents are shared in Circle only.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use domain::PersonId;
use domain::access::Topic;
use domain::mail::DeliveryState;
use domain::records::authority::{PushRequest, PushResponse};
use domain::records::kinds::{DECISIONS, MEETINGS};
use domain::records::{Outcome, RecordOp, Value};
use domain::sync::ClientId;
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::{Client, TestApp, call_fn};
use crate::on_both_backends;
use crate::smtp_sink::Sink;

on_both_backends!(
    a_summary_goes_to_each_member_with_only_the_topics_shared_with_them,
    a_refused_letter_is_tried_again_then_shown_failed_until_a_person_tries_again,
    without_a_relay_circle_says_documents_are_shared_in_circle_only,
    only_the_person_and_their_staff_send_and_only_for_people_they_support,
    a_letter_waiting_when_its_topic_is_unshared_is_not_sent,
);

const MEETING: Uuid = Uuid::from_u128(0x0193_aaaa_0000_7000_8000_0000_0000_3001);
const DECISION: Uuid = Uuid::from_u128(0x0193_aaaa_0000_7000_8000_0000_0000_3002);

/// A server whose email goes to `sink`, with the sender's relay to run by hand.
async fn app_with(backend: Backend, sink: &Sink) -> (TestApp, server::mail::Relay) {
    let relay = server::mail::Relay::new(&sink.url, "Circle <circle@example.org>").expect("relay");
    let mail = server::mail::Mail::new(relay.clone(), "https://circle.example.org/".into());
    let settings = server::HttpSettings {
        mail: Some(mail.mailing()),
        ..Default::default()
    };
    (TestApp::with_demo_settings(backend, settings).await, relay)
}

/// Maggie's review, with a decision record kept under Health linked to it.
async fn maggies_review(app: &TestApp) {
    let client = ClientId(Uuid::from_u128(0x3c1));
    let ops = vec![
        RecordOp::Create {
            kind: DECISIONS.into(),
            id: DECISION,
            parent: None,
            topic: Some(Topic::Health),
            fields: BTreeMap::from([(
                "decision".into(),
                Value::Text("Taking the new <b>tablets</b>".into()),
            )]),
        },
        RecordOp::Create {
            kind: MEETINGS.into(),
            id: MEETING,
            parent: None,
            topic: None,
            fields: BTreeMap::from([
                ("title".into(), Value::Text("Six-month review".into())),
                (
                    "decisions_to_make".into(),
                    Value::Text("Whether to move the visits to the afternoon".into()),
                ),
                ("decision_record".into(), Value::Text(DECISION.to_string())),
            ]),
        },
    ];
    let request = PushRequest {
        person: demo::MAGGIE,
        client,
        mutations: ops
            .into_iter()
            .enumerate()
            .map(|(i, op)| crate::helpers::ops::mutation(client, i as u64 + 1, op))
            .collect(),
    };
    let (status, text) = app
        .post(
            "/api/sync/push",
            serde_json::to_string(&request).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let PushResponse { acks } = serde_json::from_str(&text).expect("acks");
    assert!(
        acks.iter().all(|a| a.outcome == Outcome::Applied),
        "{acks:?}"
    );
}

fn send_fields(person: PersonId, document: &str) -> Vec<(&'static str, String)> {
    vec![
        ("person", person.to_string()),
        ("meeting", MEETING.to_string()),
        ("document", document.to_owned()),
    ]
}

async fn send(who: &Client, person: PersonId, document: &str) -> (StatusCode, String) {
    let fields = send_fields(person, document);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call_fn(who, "mail/send", &fields).await
}

async fn deliveries(app: &TestApp) -> Vec<domain::mail::Delivery> {
    app.store
        .deliveries(demo::MAGGIE)
        .await
        .expect("deliveries")
}

/// The HTML part of a letter, from its header to the next boundary, quoted-printable undone.
fn html_part(letter: &str) -> String {
    let start = letter
        .find("Content-Type: text/html")
        .expect("an HTML part");
    let rest = &letter[start..];
    let part = &rest[..rest.find("\r\n--").unwrap_or(rest.len())];
    let body = part.split_once("\r\n\r\n").map_or(part, |(_, body)| body);
    let joined = body.replace("=\r\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], joined.get(i + 1..i + 3)) {
            (b'=', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// Maggie shares (or unshares) her meetings with Ruth.
async fn share_meetings_with_ruth(app: &TestApp, n: u128, shared: bool) {
    let event = domain::audit::AuditEvent {
        id: Uuid::from_u128(0xe3a0 + n),
        at_ms: 1,
        user: None,
        user_name: "Test".into(),
        device: "Test".into(),
        person: Some(demo::MAGGIE),
        service: None,
        kind: domain::audit::AuditKind::ConsentChanged,
        summary: "Shared".into(),
        before: None,
        after: None,
    };
    let ruth = demo::ACCOUNTS
        .iter()
        .find(|a| a.email == "ruth@family.example")
        .expect("Ruth")
        .id;
    app.store
        .set_consent(
            demo::MAGGIE,
            ruth,
            Topic::MeetingsAndReviews,
            shared,
            &event,
        )
        .await
        .expect("consent");
}

async fn a_summary_goes_to_each_member_with_only_the_topics_shared_with_them(backend: Backend) {
    let sink = Sink::start().await;
    let (app, relay) = app_with(backend, &sink).await;
    maggies_review(&app).await;
    // Ruth is shared Maggie's meetings now, but not her health.
    share_meetings_with_ruth(&app, 1, true).await;

    let asha = app.as_user("asha@riverside.example").await;
    let (status, text) = send(&asha, demo::MAGGIE, "summary").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let sent: app::api::mail::Sent = serde_json::from_str(&text).expect("sent");
    let mut to = sent.to.clone();
    to.sort();
    assert_eq!(to, vec!["Maggie Okafor", "Ruth Okafor"]);
    assert!(
        deliveries(&app)
            .await
            .iter()
            .all(|d| matches!(d.state, DeliveryState::Queued { error: None, .. })),
        "waiting until the sender runs"
    );

    assert_eq!(server::mail::send_due(app.store.as_ref(), &relay).await, 2);
    let letters = sink.received();
    assert_eq!(letters.len(), 2);
    let to_ruth = letters
        .iter()
        .find(|l| l.to == ["ruth@family.example"])
        .expect("Ruth's letter");
    let to_maggie = letters
        .iter()
        .find(|l| l.to == ["maggie@home.example"])
        .expect("Maggie's letter");
    for letter in [to_ruth, to_maggie] {
        assert!(
            letter.data.contains("Content-Type: text/plain"),
            "{}",
            letter.data
        );
        assert!(letter.data.contains("Content-Type: text/html"));
        assert!(letter.data.contains("Six-month review"));
        assert!(letter.data.contains("https://circle.example.org/people/"));
    }
    // Text as typed in the plain part; escaped in the HTML part.
    assert!(to_maggie.data.contains("Taking the new <b>tablets</b>"));
    let html = html_part(&to_maggie.data);
    assert!(
        html.contains("Taking the new &lt;b&gt;tablets&lt;/b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "{html}");
    // The decision record is kept under Health, which Maggie reads and Ruth is not shared.
    assert!(to_maggie.data.contains("tablets"), "{}", to_maggie.data);
    assert!(!to_ruth.data.contains("tablets"), "{}", to_ruth.data);

    let list = deliveries(&app).await;
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|d| matches!(d.state, DeliveryState::Sent { .. })),
        "{list:?}"
    );
    assert!(list.iter().all(|d| d.queued_by == "Asha Patel"), "{list:?}");
    let audit = app
        .store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::MAGGIE],
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.summary.starts_with("Emailed the summary of a meeting to")),
        "{audit:?}"
    );
    app.finish().await;
}

async fn a_refused_letter_is_tried_again_then_shown_failed_until_a_person_tries_again(
    backend: Backend,
) {
    let sink = Sink::start().await;
    let (app, relay) = app_with(backend, &sink).await;
    maggies_review(&app).await;
    let asha = app.as_user("asha@riverside.example").await;

    // "Try later": the letter waits for another try, with the reason shown.
    sink.refuse_with(451);
    let (status, text) = send(&asha, demo::MAGGIE, "agenda").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    server::mail::send_due(app.store.as_ref(), &relay).await;
    let list = deliveries(&app).await;
    assert_eq!(
        list.len(),
        1,
        "Ruth is not shared Maggie's meetings: {list:?}"
    );
    let DeliveryState::Queued {
        error: Some(error), ..
    } = &list[0].state
    else {
        panic!("waiting for another try: {list:?}");
    };
    assert!(error.contains("451"), "{error}");
    assert!(sink.received().is_empty());

    // Overview answers the page with the same.
    let (status, text) = call_fn(
        &asha,
        "mail/overview",
        &[("person", &demo::MAGGIE.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let state: app::api::mail::MailState = serde_json::from_str(&text).expect("state");
    assert!(state.relay);
    assert_eq!(state.deliveries, list);

    // "No such mailbox": failed for good, for a person to look at.
    let id = list[0].id;
    // Its next try comes due (as a minute passing would make it).
    app.store
        .mail_failed(id, error, Some(0))
        .await
        .expect("due now");
    sink.refuse_with(550);
    server::mail::send_due(app.store.as_ref(), &relay).await;
    let list = deliveries(&app).await;
    assert!(list[0].failed(), "{list:?}");
    assert!(
        list[0].state_words().starts_with("Not sent: "),
        "{}",
        list[0].state_words()
    );

    // A person tries again once the address is mended; now it goes.
    sink.refuse_with(0);
    let (status, text) = call_fn(
        &asha,
        "mail/retry",
        &[
            ("person", &demo::MAGGIE.to_string()),
            ("id", &id.to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    server::mail::send_due(app.store.as_ref(), &relay).await;
    assert_eq!(sink.received().len(), 1);
    assert!(matches!(
        deliveries(&app).await[0].state,
        DeliveryState::Sent { .. }
    ));
    app.finish().await;
}

async fn without_a_relay_circle_says_documents_are_shared_in_circle_only(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    maggies_review(&app).await;
    let asha = app.as_user("asha@riverside.example").await;
    let (status, text) = send(&asha, demo::MAGGIE, "summary").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("shared in Circle only"), "{text}");
    let (status, text) = call_fn(
        &asha,
        "mail/overview",
        &[("person", &demo::MAGGIE.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let state: app::api::mail::MailState = serde_json::from_str(&text).expect("state");
    assert!(!state.relay);
    assert!(deliveries(&app).await.is_empty());
    app.finish().await;
}

async fn only_the_person_and_their_staff_send_and_only_for_people_they_support(backend: Backend) {
    let sink = Sink::start().await;
    let (app, _) = app_with(backend, &sink).await;
    maggies_review(&app).await;
    // Ruth is in Maggie's circle but may not send her documents.
    let ruth = app.as_user("ruth@family.example").await;
    let (status, _) = send(&ruth, demo::MAGGIE, "summary").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Tom works at another service: Maggie is not someone he supports.
    let tom = app.as_user("tom@elmcourt.example").await;
    let (status, _) = send(&tom, demo::MAGGIE, "summary").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call_fn(
        &tom,
        "mail/overview",
        &[("person", &demo::MAGGIE.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Maggie herself may.
    let maggie = app.as_user("maggie@home.example").await;
    let (status, text) = send(&maggie, demo::MAGGIE, "invitation").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // A document that is not one, and a meeting that is not hers.
    let asha = app.as_user("asha@riverside.example").await;
    let (status, _) = send(&asha, demo::MAGGIE, "minutes").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call_fn(
        &asha,
        "mail/send",
        &[
            ("person", &demo::MAGGIE.to_string()),
            ("meeting", &Uuid::from_u128(0xdead).to_string()),
            ("document", "summary"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Tom cannot try Maggie's letters again either.
    let id = deliveries(&app).await[0].id;
    let (status, _) = call_fn(
        &tom,
        "mail/retry",
        &[
            ("person", &demo::MAGGIE.to_string()),
            ("id", &id.to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn a_letter_waiting_when_its_topic_is_unshared_is_not_sent(backend: Backend) {
    let sink = Sink::start().await;
    let (app, relay) = app_with(backend, &sink).await;
    maggies_review(&app).await;
    share_meetings_with_ruth(&app, 1, true).await;
    let asha = app.as_user("asha@riverside.example").await;
    let (status, text) = send(&asha, demo::MAGGIE, "summary").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    // Before the relay takes it, Maggie stops sharing her meetings with Ruth.
    share_meetings_with_ruth(&app, 2, false).await;
    server::mail::send_due(app.store.as_ref(), &relay).await;
    let letters = sink.received();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].to, ["maggie@home.example"]);
    let list = deliveries(&app).await;
    let ruths = list
        .iter()
        .find(|d| d.to_name == "Ruth Okafor")
        .expect("Ruth's letter");
    assert_eq!(
        ruths.state,
        DeliveryState::Failed {
            error: server::mail::NO_LONGER_SHARED.to_owned()
        }
    );
    app.finish().await;
}
