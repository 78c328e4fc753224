//! The app's own files: served compressed as the browser asks, named by content and kept for
//! good, and a service worker that names this build's files.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::Backend;
use store::testing::TestDatabase;
use tower::ServiceExt;

use crate::helpers::leptos_options;

/// A site as `cargo leptos build --release --precompress --split` leaves it, with made-up contents.
struct Site {
    dir: std::path::PathBuf,
}

impl Site {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("circle-site-{}", uuid::Uuid::new_v4()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).expect("site dir");
        for (name, body) in [
            ("circle.Cd2.wasm", b"plain wasm".as_slice()),
            ("circle.Cd2.wasm.br", b"brotli wasm"),
            ("circle.Cd2.wasm.gz", b"gzip wasm"),
            ("circle.Ab1.js", b"plain js"),
            ("circle.Ef3.css", b"body{}"),
        ] {
            std::fs::write(pkg.join(name), body).expect("file");
        }
        std::fs::write(
            dir.join("sw.js"),
            "const BUILD = \"dev\";\nconst SHELL = [\"/pkg/circle.js\"];\n",
        )
        .expect("sw");
        std::fs::write(dir.join("hash.txt"), "js: Ab1\nwasm: Cd2\ncss: Ef3\n").expect("hashes");
        Self { dir }
    }

    fn options(&self) -> leptos::config::LeptosOptions {
        let mut options = leptos_options();
        options.site_root = self.dir.to_string_lossy().as_ref().into();
        options.hash_files = true;
        // An absolute path: found there rather than beside the test's executable.
        options.hash_file = self.dir.join("hash.txt").to_string_lossy().as_ref().into();
        options
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn get(
    router: &axum::Router,
    uri: &str,
    accept: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("answer");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

fn header_of(headers: &axum::http::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn the_wasm_is_served_compressed_as_asked_and_kept_for_good() {
    let site = Site::new();
    let db = TestDatabase::new(Backend::Sqlite).await;
    let store = db.store().await;
    let router = server::router(store.clone(), site.options());

    let (status, headers, body) =
        get(&router, "/pkg/circle.Cd2.wasm", Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_of(&headers, header::CONTENT_ENCODING), "br");
    assert_eq!(body, b"brotli wasm");
    assert!(
        header_of(&headers, header::CACHE_CONTROL).contains("immutable"),
        "{headers:?}"
    );
    assert_eq!(header_of(&headers, header::VARY), "accept-encoding");

    let (_, headers, body) = get(&router, "/pkg/circle.Cd2.wasm", Some("gzip")).await;
    assert_eq!(header_of(&headers, header::CONTENT_ENCODING), "gzip");
    assert_eq!(body, b"gzip wasm");

    let (_, headers, body) = get(&router, "/pkg/circle.Cd2.wasm", None).await;
    assert_eq!(header_of(&headers, header::CONTENT_ENCODING), "");
    assert_eq!(body, b"plain wasm");

    let (status, _, _) = get(&router, "/pkg/circle.Old.wasm", Some("br")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    store.close().await;
    db.remove().await;
}

#[tokio::test]
async fn pages_name_this_builds_files_and_the_worker_keeps_them() {
    let site = Site::new();
    let db = TestDatabase::new(Backend::Sqlite).await;
    let store = db.store().await;
    let router = server::router(store.clone(), site.options());

    let (status, headers, body) = get(&router, "/sign-in", None).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(body).expect("html");
    for name in [
        "/pkg/circle.Ab1.js",
        "/pkg/circle.Cd2.wasm",
        "/pkg/circle.Ef3.css",
    ] {
        assert!(page.contains(name), "the page names {name}: {page}");
    }
    assert_eq!(
        header_of(&headers, header::CACHE_CONTROL),
        "no-store",
        "a page is never kept by an HTTP cache"
    );

    let (status, headers, body) = get(&router, "/sw.js", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");
    let worker = String::from_utf8(body).expect("js");
    assert!(worker.contains("const BUILD = \"Ab1Cd2Ef3\";"), "{worker}");
    assert!(worker.contains("\"/pkg/circle.Cd2.wasm\""), "{worker}");

    store.close().await;
    db.remove().await;
}
