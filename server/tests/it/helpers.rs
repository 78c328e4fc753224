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

/// A router over a fresh database holding the demo dataset.
pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    db: TestDatabase,
}

impl TestApp {
    pub async fn with_demo(backend: Backend) -> Self {
        let db = TestDatabase::new(backend).await;
        let store = db.store().await;
        store::load_demo(store.as_ref()).await.expect("demo data");
        let router = server::router(store.clone(), leptos_options());
        Self { router, store, db }
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let response = self
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 4 << 20)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn post(&self, uri: &str, body: impl Into<Body>) -> (StatusCode, String) {
        let request = Request::post(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 4 << 20)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
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

    /// A second server process over the same database (meaningful for PostgreSQL).
    pub async fn second_server(&self) -> (Router, Arc<dyn Store>) {
        let store = self.db.store().await;
        (server::router(store.clone(), leptos_options()), store)
    }

    pub async fn finish(self) {
        self.store.close().await;
        self.db.remove().await;
    }
}

/// Declares the same test for SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $check() { super::$check(store::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $check() { super::$check(store::Backend::Postgres).await })*
        }
    };
}
