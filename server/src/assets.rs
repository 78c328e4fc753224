//! The app's own files: the wasm bundle, its JavaScript and the stylesheet under `/pkg/`, and
//! the service worker.
//!
//! - A release build (`cargo leptos build --release --precompress`, with `hash-files` in
//!   Cargo.toml) names each file of `/pkg/` by its content and writes a brotli (`.br`) and a
//!   gzip (`.gz`) copy beside it. They are served compressed as the browser's
//!   `Accept-Encoding` allows, and, being named by content, kept by browsers for a year without
//!   asking again (`immutable`): a new deployment has new names.
//! - Without hashed names (a development build) they are revalidated on every use instead.
//! - `/sw.js` is the worker in `public/sw.js` with this build's file names and build id put in,
//!   so each deployment installs a new worker that keeps the new files for offline use and lets
//!   go of old ones no kept page needs (see the worker itself).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::config::LeptosOptions;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where a release build lists its hashed file names: beside the server's executable.
pub fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The names of this build's files under `/pkg/`, and an id for the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Changes whenever any of the three does.
    pub id: String,
    /// The names hold their content's hash (so may be kept for good).
    pub hashed: bool,
}

impl Build {
    /// Reads the build from the hash file's lines (`js: <hash>`, `wasm: <hash>`, `css: <hash>`);
    /// plain names when there is none.
    pub fn from_hashes(output_name: &str, hashes: Option<&str>) -> Self {
        let mut build = Self {
            js: format!("{output_name}.js"),
            // As Leptos names it: built by cargo-leptos, the wasm has the crate's output name.
            wasm: if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
                format!("{output_name}.wasm")
            } else {
                format!("{output_name}_bg.wasm")
            },
            css: format!("{output_name}.css"),
            id: "dev".to_owned(),
            hashed: false,
        };
        let Some(hashes) = hashes else {
            return build;
        };
        let mut ids = Vec::new();
        for line in hashes.lines() {
            let Some((file, hash)) = line.split_once(':') else {
                continue;
            };
            let hash = hash.trim();
            let name = format!("{output_name}.{hash}");
            match file.trim() {
                "js" => build.js = format!("{name}.js"),
                "wasm" => build.wasm = format!("{name}.wasm"),
                "css" => build.css = format!("{name}.css"),
                _ => continue,
            }
            ids.push(hash.to_owned());
        }
        if ids.len() == 3 {
            build.hashed = true;
            build.id = ids.concat();
        }
        build
    }

    /// The build the server was started with (see [`hash_file`]).
    pub fn of(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| hash_file(options))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok());
        Self::from_hashes(&options.output_name, hashes.as_deref())
    }

    /// The files every page needs, as the worker keeps them.
    pub fn shell(&self, pkg: &str) -> Vec<String> {
        [&self.js, &self.wasm, &self.css]
            .into_iter()
            .map(|name| format!("/{pkg}/{name}"))
            .chain(["/icon.svg".to_owned(), "/manifest.webmanifest".to_owned()])
            .collect()
    }
}

/// The worker's source with this build's names in it: the lines `const BUILD = …;` and
/// `const SHELL = …;` of the template are replaced.
pub fn service_worker(template: &str, build: &Build, pkg: &str) -> String {
    let shell = serde_json::to_string(&build.shell(pkg)).unwrap_or_else(|_| "[]".to_owned());
    let build_id = serde_json::to_string(&build.id).unwrap_or_else(|_| "\"dev\"".to_owned());
    template
        .lines()
        .map(|line| {
            if line.starts_with("const BUILD = ") {
                format!("const BUILD = {build_id};")
            } else if line.starts_with("const SHELL = ") {
                format!("const SHELL = {shell};")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Clone)]
struct Worker(Arc<Option<String>>);

/// `/pkg/…` (compressed as asked, cached by name) and `/sw.js`.
pub fn routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let build = Build::of(options);
    let site = Path::new(options.site_root.as_ref());
    let pkg_dir = options.site_pkg_dir.to_string();
    let cache = if build.hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let files = ServeDir::new(site.join(&pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let pkg = Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ));
    let worker = std::fs::read_to_string(site.join("sw.js"))
        .ok()
        .map(|template| service_worker(&template, &build, &pkg_dir));
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), pkg)
        .route(
            "/sw.js",
            get(serve_worker).with_state(Worker(Arc::new(worker))),
        )
}

async fn serve_worker(State(Worker(worker)): State<Worker>) -> Response {
    match worker.as_ref() {
        Some(source) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                // Browsers check for a new worker at each visit; never from an HTTP cache.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            source.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: Ab1\nwasm: Cd2\ncss: Ef3\n";

    #[test]
    fn a_release_build_names_its_files_by_their_hashes() {
        let build = Build::from_hashes("circle", Some(HASHES));
        assert_eq!(build.js, "circle.Ab1.js");
        assert_eq!(build.wasm, "circle.Cd2.wasm");
        assert_eq!(build.css, "circle.Ef3.css");
        assert!(build.hashed);
        assert_eq!(build.id, "Ab1Cd2Ef3");
    }

    #[test]
    fn without_a_hash_file_the_plain_names_are_used_and_never_cached_for_good() {
        let build = Build::from_hashes("circle", None);
        assert_eq!(build.css, "circle.css");
        assert!(!build.hashed);
        let partial = Build::from_hashes("circle", Some("js: Ab1\n"));
        assert!(!partial.hashed, "a hash file missing a name is not trusted");
    }

    #[test]
    fn the_worker_is_given_this_builds_files_and_id() {
        let template = "// x\nconst BUILD = \"dev\";\nconst SHELL = [];\nself.x = 1;";
        let build = Build::from_hashes("circle", Some(HASHES));
        let worker = service_worker(template, &build, "pkg");
        assert!(worker.contains("const BUILD = \"Ab1Cd2Ef3\";"), "{worker}");
        assert!(
            worker.contains(
                r#"const SHELL = ["/pkg/circle.Ab1.js","/pkg/circle.Cd2.wasm","/pkg/circle.Ef3.css","/icon.svg","/manifest.webmanifest"];"#
            ),
            "{worker}"
        );
        assert!(worker.ends_with("self.x = 1;"));
    }
}
