use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::config::LeptosOptions;
use store::testing::TestDatabase;
use store::{Backend, Store};
use tower::ServiceExt;

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("circle")
        .site_root("target/site")
        .build()
}

/// Far longer than any request takes; only a hung response reaches it.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// The demo registered manager: staff of every demo service.
pub const MANAGER: &str = "grace@circle.example";

/// Someone making requests: the router and, when signed in, their session cookie.
#[derive(Clone)]
pub struct Client {
    pub router: Router,
    pub cookie: Option<String>,
}

impl Client {
    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let request = self.with_cookie(Request::get(uri));
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post(&self, uri: &str, body: impl Into<Body>) -> (StatusCode, String) {
        let request =
            self.with_cookie(Request::post(uri).header("content-type", "application/json"));
        self.send(request.body(body.into()).expect("request")).await
    }

    /// Posts an HTML form (`application/x-www-form-urlencoded`): status and `Location`.
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = self.with_cookie(
            Request::post(uri).header("content-type", "application/x-www-form-urlencoded"),
        );
        let response = self
            .respond(request.body(Body::from(body)).expect("request"))
            .await;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (response.status(), location)
    }

    /// POSTs `body` as JSON; a 200 answer is decoded into `R`.
    pub async fn post_json<R: serde::de::DeserializeOwned>(
        &self,
        uri: &str,
        body: &impl serde::Serialize,
    ) -> R {
        let (status, text) = self
            .post(uri, serde_json::to_string(body).expect("json"))
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        serde_json::from_str(&text).expect("response json")
    }

    pub fn with_cookie(
        &self,
        request: axum::http::request::Builder,
    ) -> axum::http::request::Builder {
        match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        }
    }

    async fn respond(&self, request: Request<Body>) -> axum::response::Response {
        let what = format!("{} {}", request.method(), request.uri());
        tokio::time::timeout(ANSWER_WITHIN, self.router.clone().oneshot(request))
            .await
            .unwrap_or_else(|_| panic!("{what} gave no answer within {ANSWER_WITHIN:?}"))
            .expect("response")
    }

    /// Runs one request through the router: its status and body as text.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let what = format!("{} {}", request.method(), request.uri());
        let answer = async {
            let response = self.respond(request).await;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 4 << 20)
                .await
                .expect("body");
            (status, String::from_utf8_lossy(&body).into_owned())
        };
        // A response that never ends is a failure to report, not a run to wait out.
        tokio::time::timeout(ANSWER_WITHIN, answer)
            .await
            .unwrap_or_else(|_| panic!("{what} gave no complete answer within {ANSWER_WITHIN:?}"))
    }

    /// Posts the sign-in form; the session cookie when it worked.
    pub async fn sign_in(&self, email: &str, password: &str) -> Option<String> {
        let anonymous = Client {
            router: self.router.clone(),
            cookie: None,
        };
        let request = Request::post("/auth/sign-in")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email={}&password={}",
                urlencode(email),
                urlencode(password)
            )))
            .expect("request");
        let response = anonymous.respond(request).await;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if location.starts_with("/sign-in") {
            return None;
        }
        response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    }
}

/// A router over a fresh database holding the demo dataset. Its own requests are made by the
/// demo registered manager; [`TestApp::as_user`] makes a client for anyone else.
pub struct TestApp {
    client: Client,
    pub router: Router,
    pub store: Arc<dyn Store>,
    db: TestDatabase,
}

impl std::ops::Deref for TestApp {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl TestApp {
    pub async fn with_demo(backend: Backend) -> Self {
        Self::with_demo_and_kinds(backend, domain::records::Catalog::standard()).await
    }

    /// The demo, on a server that knows the kinds of `catalog` (a test may declare its own).
    pub async fn with_demo_and_kinds(backend: Backend, catalog: domain::records::Catalog) -> Self {
        Self::build(backend, catalog, server::HttpSettings::default()).await
    }

    /// The demo, on a server with `settings` (email, https, …).
    pub async fn with_demo_settings(backend: Backend, settings: server::HttpSettings) -> Self {
        Self::build(backend, domain::records::Catalog::standard(), settings).await
    }

    async fn build(
        backend: Backend,
        catalog: domain::records::Catalog,
        settings: server::HttpSettings,
    ) -> Self {
        let db = TestDatabase::new(backend).await;
        let store = db.store_with(catalog).await;
        store::load_demo(store.as_ref()).await.expect("demo data");
        let router = server::router_with(store.clone(), leptos_options(), settings);
        let mut client = Client {
            router: router.clone(),
            cookie: None,
        };
        client.cookie = Some(
            client
                .sign_in(MANAGER, store::demo::DEMO_PASSWORD)
                .await
                .expect("the demo manager signs in"),
        );
        Self {
            client,
            router,
            store,
            db,
        }
    }

    /// A client signed in as `email` (a demo account).
    pub async fn as_user(&self, email: &str) -> Client {
        let cookie = self
            .client
            .sign_in(email, store::demo::DEMO_PASSWORD)
            .await
            .unwrap_or_else(|| panic!("{email} signs in"));
        Client {
            router: self.router.clone(),
            cookie: Some(cookie),
        }
    }

    /// A client signed in as `email` with `password`.
    pub async fn as_cookie_of(&self, email: &str, password: &str) -> Client {
        let cookie = self
            .client
            .sign_in(email, password)
            .await
            .unwrap_or_else(|| panic!("{email} signs in"));
        Client {
            router: self.router.clone(),
            cookie: Some(cookie),
        }
    }

    /// A client that has not signed in.
    pub fn anonymous(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
        }
    }

    /// A second server process over the same database (meaningful for PostgreSQL).
    pub async fn second_server(&self) -> (Router, Arc<dyn Store>) {
        let store = self.db.store().await;
        (server::router(store.clone(), leptos_options()), store)
    }

    pub async fn finish(self) {
        let done = async {
            self.store.close().await;
            self.db.remove().await;
        };
        tokio::time::timeout(ANSWER_WITHIN, done)
            .await
            .expect("the test database closes and is removed");
    }
}

/// Calls server function `endpoint` (`mail/send` for `/api/mail/send`) as `who`, with a
/// form: status and body.
pub async fn call_fn(
    who: &Client,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = who.with_cookie(
        Request::post(format!("/api/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json"),
    );
    who.send(request.body(Body::from(body)).expect("request"))
        .await
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Declares the same test for SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() { super::$check(store::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() { super::$check(store::Backend::Postgres).await })*
        }
    };
}

/// Edits as tests write them (records edits, as this build's devices send them).
pub mod ops {
    use std::collections::BTreeMap;

    use domain::records::authority::{AnyOp, Mutation};
    use domain::records::kinds::{ABOUT, GOALS, MEETINGS, STEPS};
    use domain::records::{RecordOp, Value};
    use domain::sync::ClientId;
    use uuid::Uuid;

    pub fn mutation(client: ClientId, seq: u64, op: RecordOp) -> Mutation {
        Mutation {
            client,
            seq,
            schema: domain::records::SCHEMA_VERSION,
            op: AnyOp::Record(op),
        }
    }

    fn create(kind: &str, id: Uuid, parent: Option<Uuid>, field: &str, text: &str) -> RecordOp {
        RecordOp::Create {
            kind: kind.into(),
            id,
            parent,
            topic: None,
            fields: BTreeMap::from([(field.into(), Value::Text(text.into()))]),
        }
    }

    pub fn create_goal(id: Uuid, wording: &str) -> RecordOp {
        create(GOALS, id, None, "wording", wording)
    }

    pub fn add_step(goal: Uuid, step: Uuid, text: &str) -> RecordOp {
        create(STEPS, step, Some(goal), "text", text)
    }

    pub fn add_meeting(id: Uuid, title: &str) -> RecordOp {
        create(MEETINGS, id, None, "title", title)
    }

    pub fn set_text(kind: &str, id: Uuid, field: &str, before: &str, after: &str) -> RecordOp {
        RecordOp::Set {
            kind: kind.into(),
            id,
            field: field.into(),
            before: Value::Text(before.into()),
            after: Value::Text(after.into()),
        }
    }

    /// A change to `person`'s About me.
    pub fn set_about(person: domain::PersonId, field: &str, before: &str, after: &str) -> RecordOp {
        set_text(ABOUT, person.0, field, before, after)
    }

    pub fn edit_notes(meeting: Uuid, update: Vec<u8>) -> RecordOp {
        RecordOp::EditText {
            kind: MEETINGS.into(),
            id: meeting,
            field: "notes".into(),
            update,
        }
    }
}

/// `person`'s records as the store holds them, and the version.
pub async fn records_of(
    store: &dyn Store,
    person: domain::PersonId,
) -> (domain::records::RecordSet, u64) {
    let (records, version) = store.records(person, None).await.expect("records");
    (records.into_iter().collect(), version)
}
