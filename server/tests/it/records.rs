//! The records engine over HTTP: old outboxes upgraded, long outboxes delivered whole, copies
//! dropped and started again, the demo re-seeded over edits.

use axum::http::StatusCode;
use domain::records::authority::{PushRequest, PushResponse};
use domain::records::kinds::{ABOUT, GOALS};
use domain::records::replica::Replica;
use domain::records::{Catalog, Outcome, RecordKey, RecordOp, Stamp, Value};
use domain::sync::{ClientId, MAX_PUSH_BATCH, MAX_PUSH_BYTES};
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::ops::{create_goal, set_about};
use crate::helpers::{TestApp, records_of};
use crate::on_both_backends;

on_both_backends!(
    an_outbox_stored_by_a_build_before_records_is_upgraded_and_applied,
    five_hundred_long_edits_in_one_outbox_all_arrive,
    edits_made_after_a_device_dropped_its_copy_are_applied,
    seeding_the_demo_again_after_edits_reverts_nothing,
);

async fn text_of(app: &TestApp, kind: &str, id: Uuid, field: &str) -> String {
    let (records, _) = records_of(app.store.as_ref(), demo::DAN).await;
    records
        .get(&RecordKey::new(kind, id))
        .map(|r| r.text(field).to_owned())
        .unwrap_or_default()
}

async fn an_outbox_stored_by_a_build_before_records_is_upgraded_and_applied(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let hobbies = text_of(&app, ABOUT, demo::DAN.0, "hobbies").await;
    let client = "0193aaaa-0000-7000-8000-00000000c0de";
    let goal = "0193aaaa-0000-7000-8000-000000000601";
    let step = "0193aaaa-0000-7000-8000-000000000602";
    // Exactly as a device of the single-document build queued them (schema 1, plan ops).
    let body = format!(
        r#"{{"person":"{dan}","client":"{client}","mutations":[
        {{"client":"{client}","seq":1,"schema":1,"op":{{"op":"create_goal","goal":"{goal}","wording":"Learn to swim"}}}},
        {{"client":"{client}","seq":2,"schema":1,"op":{{"op":"add_step","goal":"{goal}","step":"{step}","text":"Find the pool times"}}}},
        {{"client":"{client}","seq":3,"schema":1,"op":{{"op":"set","field":{{"kind":"about_me","field":"hobbies"}},"before":{hobbies:?},"after":"Swimming on Thursdays"}}}},
        {{"client":"{client}","seq":4,"schema":1,"op":{{"op":"set","field":{{"kind":"step_done","goal":"{goal}","step":"{step}"}},"before":false,"after":true}}}}
        ]}}"#,
        dan = demo::DAN,
    );
    let (status, text) = app.post("/api/sync/push", body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let PushResponse { acks } = serde_json::from_str(&text).expect("acks");
    assert_eq!(acks.len(), 4, "{acks:?}");
    assert!(
        acks.iter().all(|a| a.outcome == Outcome::Applied),
        "{acks:?}"
    );
    let goal: Uuid = goal.parse().expect("id");
    let step: Uuid = step.parse().expect("id");
    assert_eq!(text_of(&app, GOALS, goal, "wording").await, "Learn to swim");
    assert_eq!(
        text_of(&app, "step", step, "text").await,
        "Find the pool times"
    );
    assert_eq!(
        text_of(&app, ABOUT, demo::DAN.0, "hobbies").await,
        "Swimming on Thursdays"
    );
    let (records, _) = records_of(app.store.as_ref(), demo::DAN).await;
    assert!(
        records
            .get(&RecordKey::new("step", step))
            .expect("step")
            .flag("done")
    );
    app.finish().await;
}

fn device(client: u128, records: domain::records::RecordSet, version: u64) -> Replica {
    Replica::new(
        demo::DAN,
        ClientId(Uuid::from_u128(client)),
        records,
        version,
        domain::access::Topic::ALL.into_iter().collect(),
    )
}

/// Sends everything waiting, in pushes cut as the browser cuts them; the acks received.
async fn send_all(app: &TestApp, replica: &mut Replica) -> Vec<domain::records::authority::Ack> {
    let mut acks = Vec::new();
    // As app/src/sync/browser.rs cuts them: at most half the server's limit in bytes.
    let batches = replica.push_batches(MAX_PUSH_BATCH, MAX_PUSH_BYTES / 2, |m| {
        serde_json::to_string(m).map_or(0, |s| s.len())
    });
    for mutations in batches {
        let push = PushRequest {
            person: demo::DAN,
            client: replica.client,
            mutations,
        };
        let (status, text) = app
            .post(
                "/api/sync/push",
                serde_json::to_string(&push).expect("json"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", &text[..text.len().min(300)]);
        let PushResponse { acks: these } = serde_json::from_str(&text).expect("acks");
        replica.on_acks(&these);
        acks.extend(these);
    }
    acks
}

async fn five_hundred_long_edits_in_one_outbox_all_arrive(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (records, version) = records_of(app.store.as_ref(), demo::DAN).await;
    let mut phone = device(0x500, records, version);
    let catalog = Catalog::standard();
    // Hours offline: the wishes rewritten 500 times, each near the longest allowed (about
    // 2 MB in all, more than one push may carry).
    let mut before = phone
        .view(&catalog, &Stamp::default())
        .get(&RecordKey::new(ABOUT, demo::DAN.0))
        .map(|r| r.text("wishes").to_owned())
        .unwrap_or_default();
    for n in 0..500 {
        let after = format!(
            "{n:04} {}",
            "I would like to see the sea again. ".repeat(110)
        );
        let after: String = after
            .chars()
            .take(domain::people::ABOUT_ME_TEXT_MAX)
            .collect();
        let after = after.trim_end().to_owned();
        phone
            .edit(
                vec![set_about(demo::DAN, "wishes", &before, &after)],
                &catalog,
                &Stamp::default(),
            )
            .expect("allowed");
        before = after;
    }
    assert_eq!(phone.outbox().len(), 500);
    let acks = send_all(&app, &mut phone).await;
    assert_eq!(acks.len(), 500, "every edit got its outcome");
    assert!(acks.iter().all(|a| a.outcome == Outcome::Applied));
    assert!(phone.outbox().iter().all(|p| p.acked.is_some()));
    assert_eq!(text_of(&app, ABOUT, demo::DAN.0, "wishes").await, before);
    app.finish().await;
}

async fn edits_made_after_a_device_dropped_its_copy_are_applied(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (records, version) = records_of(app.store.as_ref(), demo::DAN).await;
    let catalog = Catalog::standard();
    let mut tablet = device(0x7ab, records, version);
    for n in 0..3u128 {
        tablet
            .edit(
                vec![create_goal(
                    Uuid::from_u128(0x7a0 + n),
                    &format!("Goal {n}"),
                )],
                &catalog,
                &Stamp::default(),
            )
            .expect("allowed");
    }
    let acks = send_all(&app, &mut tablet).await;
    assert_eq!(acks.len(), 3);
    // The device's storage fills up and its copy is dropped: the copy it starts again from the
    // server goes on under a new device id, so no edit number is ever used twice.
    let (records, version) = records_of(app.store.as_ref(), demo::DAN).await;
    let mut again = device(0x7ac, records, version);
    again
        .edit(
            vec![RecordOp::Set {
                kind: GOALS.into(),
                id: Uuid::from_u128(0x7a0),
                field: "wording".into(),
                before: Value::Text("Goal 0".into()),
                after: Value::Text("Goal 0, with Sam".into()),
            }],
            &catalog,
            &Stamp::default(),
        )
        .expect("allowed");
    let acks = send_all(&app, &mut again).await;
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].outcome, Outcome::Applied, "{acks:?}");
    assert_eq!(
        text_of(&app, GOALS, Uuid::from_u128(0x7a0), "wording").await,
        "Goal 0, with Sam"
    );
    app.finish().await;
}

async fn seeding_the_demo_again_after_edits_reverts_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (records, version) = records_of(app.store.as_ref(), demo::DAN).await;
    let catalog = Catalog::standard();
    let mut phone = device(0x5eed, records, version);
    let hobbies = text_of(&app, ABOUT, demo::DAN.0, "hobbies").await;
    phone
        .edit(
            vec![
                set_about(demo::DAN, "hobbies", &hobbies, "Drumming"),
                create_goal(Uuid::from_u128(0x5e1), "Play in a band"),
            ],
            &catalog,
            &Stamp::default(),
        )
        .expect("allowed");
    send_all(&app, &mut phone).await;
    let (before, version) = records_of(app.store.as_ref(), demo::DAN).await;
    store::load_demo(app.store.as_ref())
        .await
        .expect("seed again");
    let (after, version_after) = records_of(app.store.as_ref(), demo::DAN).await;
    assert_eq!(after, before, "nothing reverted");
    assert_eq!(version_after, version);
    assert_eq!(
        text_of(&app, ABOUT, demo::DAN.0, "hobbies").await,
        "Drumming"
    );
    app.finish().await;
}
