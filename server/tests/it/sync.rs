//! `/api/sync/*` over HTTP: edits travel between devices; bad requests change nothing.

use axum::http::StatusCode;
use domain::records::authority::{PushRequest, PushResponse};
use domain::records::pull::{PullRequest, PullResponse};
use domain::records::replica::Replica;
use domain::records::{Catalog, RecordOp, RecordSet, Stamp};
use domain::sync::{ClientId, DeviceReport};
use store::{Backend, demo};
use uuid::Uuid;

use crate::helpers::ops::create_goal;
use crate::helpers::{TestApp, records_of};
use crate::on_both_backends;

on_both_backends!(
    an_edit_pushed_from_one_device_is_pulled_by_another,
    a_malformed_push_is_a_400_and_changes_nothing,
    a_push_carrying_another_devices_edits_is_refused,
    an_oversized_push_is_refused_unread,
    syncing_an_unknown_plan_is_a_404,
    a_device_ahead_of_the_server_is_told_to_reload,
    an_edit_pokes_every_device_watching_that_plan_and_no_other,
    a_device_is_listed_as_synced_only_once_the_server_has_all_its_edits_and_it_has_every_change,
    the_plan_page_shows_the_plan_as_the_server_holds_it,
);

#[tokio::test]
async fn an_edit_on_one_server_pokes_devices_watching_through_another() {
    let app = TestApp::with_demo(Backend::Postgres).await;
    let (other_router, other_store) = app.second_server().await;
    let mut watching = open_live(
        &other_router,
        app.cookie.as_deref().expect("signed in"),
        demo::DAN,
    )
    .await;
    let mut phone = device(&app, 1).await;
    phone.edit(goal(5, "Drum lessons"));
    sync(&app, &mut phone).await;
    assert_eq!(
        next_event(&mut watching).await,
        ("changed".into(), "1".into())
    );
    other_store.close().await;
    app.finish().await;
}

type Live = axum::body::BodyDataStream;

async fn open_live(router: &axum::Router, cookie: &str, person: domain::PersonId) -> Live {
    use tower::ServiceExt;
    let request = axum::http::Request::get(format!("/api/sync/live?person={person}"))
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

/// The next event's name and data, skipping keep-alive comments.
async fn next_event(live: &mut Live) -> (String, String) {
    use futures_util::StreamExt;
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), live.next())
            .await
            .expect("an event within 5 s")
            .expect("stream open")
            .expect("chunk");
        let text = String::from_utf8_lossy(&chunk).into_owned();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        if let Some(event) = field("event:") {
            return (event, field("data:").unwrap_or_default());
        }
    }
}

/// A device following Dan's record, as the browser's engine does.
struct Device {
    replica: Replica,
    client: ClientId,
}

impl Device {
    fn edit(&mut self, op: RecordOp) {
        self.replica
            .edit(vec![op], &Catalog::standard(), &Stamp::default())
            .expect("the edit is allowed on the device");
    }

    fn view(&self) -> RecordSet {
        self.replica.view(&Catalog::standard(), &Stamp::default())
    }

    fn push_request(&self) -> Vec<domain::records::authority::Mutation> {
        self.replica.push_batches(500, usize::MAX, |_| 1).concat()
    }
}

async fn device(app: &TestApp, n: u128) -> Device {
    let (set, version) = records_of(app.store.as_ref(), demo::DAN).await;
    let client = ClientId(Uuid::from_u128(n));
    Device {
        replica: Replica::new(
            demo::DAN,
            client,
            set,
            version,
            domain::access::Topic::ALL.into_iter().collect(),
        ),
        client,
    }
}

async fn sync(app: &TestApp, r: &mut Device) {
    let push = PushRequest {
        person: demo::DAN,
        client: r.client,
        mutations: r.push_request(),
    };
    let PushResponse { acks } = app.post_json("/api/sync/push", &push).await;
    r.replica.on_acks(&acks);
    pull(app, r).await;
}

async fn pull(app: &TestApp, r: &mut Device) {
    loop {
        let pull = PullRequest {
            person: demo::DAN,
            since: r.replica.cursor(),
            topics: Some(r.replica.topics().clone()),
            device: Some(DeviceReport {
                client: r.client,
                last_seq: r.replica.last_seq(),
            }),
        };
        let response: PullResponse = app.post_json("/api/sync/pull", &pull).await;
        r.replica.on_pull(&response);
        if response.reaches_the_end() {
            return;
        }
    }
}

async fn version(app: &TestApp) -> u64 {
    records_of(app.store.as_ref(), demo::DAN).await.1
}

fn goal(n: u128, wording: &str) -> RecordOp {
    create_goal(Uuid::from_u128(n), wording)
}

async fn an_edit_pushed_from_one_device_is_pulled_by_another(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (mut phone, mut tablet) = (device(&app, 1).await, device(&app, 2).await);
    phone.edit(goal(5, "Get the late bus home on my own"));
    sync(&app, &mut phone).await;
    sync(&app, &mut tablet).await;
    assert!(phone.replica.outbox().is_empty());
    assert_eq!(
        domain::records::views::goals(&tablet.view())[0].wording,
        "Get the late bus home on my own"
    );
    assert_eq!(tablet.view(), phone.view());
    app.finish().await;
}

async fn a_malformed_push_is_a_400_and_changes_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    for body in ["{not json", r#"{"person": "dan"}"#, "[]"] {
        let (status, text) = app.post("/api/sync/push", body).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert!(text.contains("The request was not understood"), "{text}");
    }
    assert_eq!(version(&app).await, 0);
    app.finish().await;
}

async fn a_push_carrying_another_devices_edits_is_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let mut r = device(&app, 1).await;
    r.edit(goal(5, "Drum lessons"));
    let push = PushRequest {
        person: demo::DAN,
        client: ClientId(Uuid::from_u128(99)),
        mutations: r.push_request(),
    };
    let (status, text) = app
        .post(
            "/api/sync/push",
            serde_json::to_string(&push).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("made on another device"), "{text}");
    assert_eq!(version(&app).await, 0);
    app.finish().await;
}

async fn an_oversized_push_is_refused_unread(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let huge = format!(r#"{{"padding": "{}"}}"#, "x".repeat(5 << 20));
    let (status, _) = app.post("/api/sync/push", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    app.finish().await;
}

async fn syncing_an_unknown_plan_is_a_404(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let nobody = domain::PersonId(Uuid::from_u128(0xdead));
    let pull = PullRequest {
        person: nobody,
        since: 0,
        topics: None,
        device: None,
    };
    let (status, _) = app
        .post(
            "/api/sync/pull",
            serde_json::to_string(&pull).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let push = PushRequest {
        person: nobody,
        client: ClientId(Uuid::from_u128(1)),
        mutations: vec![],
    };
    let (status, _) = app
        .post(
            "/api/sync/push",
            serde_json::to_string(&push).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn a_device_ahead_of_the_server_is_told_to_reload(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let pull = PullRequest {
        person: demo::DAN,
        since: 7,
        topics: None,
        device: None,
    };
    let (status, text) = app
        .post(
            "/api/sync/pull",
            serde_json::to_string(&pull).expect("json"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("reload"), "{text}");
    app.finish().await;
}

async fn an_edit_pokes_every_device_watching_that_plan_and_no_other(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let mut watching_dan = open_live(
        &app.router,
        app.cookie.as_deref().expect("signed in"),
        demo::DAN,
    )
    .await;
    let mut watching_priya = open_live(
        &app.router,
        app.cookie.as_deref().expect("signed in"),
        demo::PRIYA,
    )
    .await;
    let mut phone = device(&app, 1).await;
    phone.edit(goal(5, "Drum lessons"));
    sync(&app, &mut phone).await;
    assert_eq!(
        next_event(&mut watching_dan).await,
        ("changed".into(), "1".into())
    );
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), async {
        use futures_util::StreamExt;
        watching_priya.next().await
    })
    .await;
    assert!(quiet.is_err(), "Priya's plan did not change: no poke");
    let (status, _) = app.get("/api/sync/live?person=not-a-person").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.finish().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_sync_route_and_the_ops_it_accepts() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (status, text) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for path in ["/api/sync/push", "/api/sync/pull", "/api/sync/live"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    // Every edit the domain serialises is one the document names, and every kind of record.
    let op_names: Vec<String> = doc["components"]["schemas"]["RecordOp"]["oneOf"]
        .as_array()
        .expect("RecordOp is one of several shapes")
        .iter()
        .flat_map(|shape| {
            shape["properties"]["op"]["enum"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect();
    let id = Uuid::from_u128(1);
    let every_op = [
        create_goal(id, "x"),
        RecordOp::Set {
            kind: "goal".into(),
            id,
            field: "wording".into(),
            before: domain::records::Value::Empty,
            after: domain::records::Value::Empty,
        },
        RecordOp::EditText {
            kind: "meeting".into(),
            id,
            field: "notes".into(),
            update: vec![],
        },
        RecordOp::Delete {
            kind: "goal".into(),
            id,
        },
        RecordOp::Restore {
            kind: "goal".into(),
            id,
        },
        RecordOp::Settle { conflict: id },
    ];
    // A new op does not compile here until it is added to the list above.
    for op in &every_op {
        match op {
            RecordOp::Create { .. }
            | RecordOp::Set { .. }
            | RecordOp::EditText { .. }
            | RecordOp::Delete { .. }
            | RecordOp::Restore { .. }
            | RecordOp::Settle { .. } => {}
        }
    }
    let mut serialised: Vec<String> = every_op
        .iter()
        .map(|op| {
            serde_json::to_value(op).expect("json")["op"]
                .as_str()
                .expect("tag")
                .to_owned()
        })
        .collect();
    let mut documented = op_names.clone();
    serialised.sort();
    documented.sort();
    assert_eq!(documented, serialised, "the document names exactly the ops");
    // Every kind, with exactly its declared fields.
    let kinds = doc["components"]["schemas"]["Kind"]["oneOf"]
        .as_array()
        .expect("Kind lists the kinds")
        .clone();
    let catalog = Catalog::standard();
    assert_eq!(kinds.len(), catalog.kinds().count(), "{kinds:?}");
    for kind in catalog.kinds() {
        let shape = kinds
            .iter()
            .find(|k| k["const"] == kind.name)
            .unwrap_or_else(|| panic!("{} documented", kind.name));
        let fields: Vec<&str> = shape["x-fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        let declared: Vec<&str> = kind.fields.iter().map(|f| f.name).collect();
        assert_eq!(fields, declared, "the fields of {}", kind.name);
    }
    // The shapes the routes refer to are all there.
    for schema in [
        "PushRequest",
        "PushResponse",
        "PullRequest",
        "PullResponse",
        "Record",
        "Value",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} described"
        );
    }
    app.finish().await;
}

async fn a_device_is_listed_as_synced_only_once_the_server_has_all_its_edits_and_it_has_every_change(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let mut phone = device(&app, 1).await;
    phone.edit(goal(5, "Cook a curry for my housemates"));
    pull(&app, &mut phone).await;
    assert!(
        app.store.device_syncs().await.expect("list").is_empty(),
        "an edit is still waiting on the phone"
    );
    let (_, page) = app.get("/devices").await;
    assert!(page.contains("No device has synced a plan yet"), "{page}");

    sync(&app, &mut phone).await;
    let synced = app.store.device_syncs().await.expect("list");
    assert_eq!(synced.len(), 1);
    assert_eq!(synced[0].client, phone.client);
    let (status, page) = app.get("/devices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dan"), "{page}");
    assert!(page.contains("A browser on an unknown system"), "{page}");
    app.finish().await;
}

async fn the_plan_page_shows_the_plan_as_the_server_holds_it(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let mut phone = device(&app, 1).await;
    phone.edit(goal(5, "Get the late bus home on my own"));
    sync(&app, &mut phone).await;
    let (status, page) = app.get(&format!("/people/{}/plan", demo::DAN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Dan&#x27;s plan") || page.contains("Dan's plan"),
        "{page}"
    );
    assert!(page.contains("Get the late bus home on my own"), "{page}");
    assert!(page.contains("Editing needs JavaScript"), "{page}");
    let (status, _) = app
        .get(&format!("/people/{}/plan", Uuid::from_u128(0xdead)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn a_push_sent_from_another_website_is_refused_and_changes_nothing() {
    use tower::ServiceExt;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let mut r = device(&app, 1).await;
    r.edit(goal(5, "Go to the gig"));
    let body = serde_json::to_string(&PushRequest {
        person: demo::DAN,
        client: r.client,
        mutations: r.push_request(),
    })
    .expect("json");
    let send = |origin: &'static str| {
        let request = axum::http::Request::post("/api/sync/push")
            .header("content-type", "application/json")
            .header("host", "circle.example")
            .header("origin", origin)
            .header("cookie", app.cookie.clone().expect("signed in"))
            .body(axum::body::Body::from(body.clone()))
            .expect("request");
        app.router.clone().oneshot(request)
    };
    let refused = send("https://evil.example").await.expect("response");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(version(&app).await, 0, "nothing changed");
    let accepted = send("https://circle.example").await.expect("response");
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(version(&app).await, 1);
    app.finish().await;
}
