//! The app's own files: the wasm bundle, its JavaScript and the stylesheet under `/pkg/`, and
//! the service worker.
//!
//! - A release build (`cargo leptos build --release --precompress --split`, with `hash-files` in
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
    /// A build split into lazily loaded parts (`cargo leptos build --split`): the loader, its
    /// manifest and the parts it names (the plan editor), which the worker keeps too, so that a
    /// plan opens with no signal even if none was opened before.
    pub lazy: Vec<String>,
    /// Changes whenever any of the files does.
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
            lazy: Vec::new(),
            id: "dev".to_owned(),
            hashed: false,
        };
        let Some(hashes) = hashes else {
            return build;
        };
        let mut ids = Vec::new();
        let mut named = 0;
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
                "split" => build.lazy.push(format!("__wasm_split.{hash}.js")),
                "manifest" => build
                    .lazy
                    .push(format!("__wasm_split_manifest.{hash}.json")),
                _ => continue,
            }
            if ["js", "wasm", "css"].contains(&file.trim()) {
                named += 1;
            }
            ids.push(hash.to_owned());
        }
        if named == 3 {
            build.hashed = true;
            build.id = ids.concat();
        }
        build
    }

    /// The manifest of a split build, if this build is one (its name under `/pkg/`).
    pub fn manifest(&self) -> Option<&str> {
        self.lazy
            .iter()
            .find(|name| name.starts_with("__wasm_split_manifest."))
            .map(String::as_str)
    }

    /// Adds the parts a split build's manifest names (`{"part": ["file", …]}`, each file a
    /// `.wasm` under `/pkg/`). A manifest that cannot be read adds nothing: the parts are then
    /// fetched when first needed, as without a worker.
    pub fn with_parts(mut self, manifest: &str) -> Self {
        let parts: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_str(manifest).unwrap_or_default();
        let mut files: Vec<String> = parts.into_values().flatten().collect();
        files.sort();
        files.dedup();
        self.lazy
            .extend(files.into_iter().map(|file| format!("{file}.wasm")));
        self
    }

    /// The build the server was started with (see [`hash_file`]).
    pub fn of(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| hash_file(options))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok());
        let build = Self::from_hashes(&options.output_name, hashes.as_deref());
        let manifest = build.manifest().and_then(|name| {
            let path = Path::new(options.site_root.as_ref())
                .join(options.site_pkg_dir.as_ref())
                .join(name);
            std::fs::read_to_string(path).ok()
        });
        match manifest {
            Some(manifest) => build.with_parts(&manifest),
            None => build,
        }
    }

    /// The files every page needs, as the worker keeps them.
    pub fn shell(&self, pkg: &str) -> Vec<String> {
        [&self.js, &self.wasm, &self.css]
            .into_iter()
            .chain(&self.lazy)
            .map(|name| format!("/{pkg}/{name}"))
            .chain(["/icon.svg".to_owned(), "/manifest.webmanifest".to_owned()])
            // The easy-read symbols: an easy-read plan opened offline shows its pictures.
            .chain(domain::easy_read::Symbol::ALL.map(|s| s.file().to_owned()))
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
                r#"const SHELL = ["/pkg/circle.Ab1.js","/pkg/circle.Cd2.wasm","/pkg/circle.Ef3.css","/icon.svg","/manifest.webmanifest","/symbols/about-me.svg","/symbols/goals.svg","/symbols/people.svg","/symbols/talk.svg","/symbols/meet.svg","/symbols/decide.svg"];"#
            ),
            "{worker}"
        );
        assert!(worker.ends_with("self.x = 1;"));
    }

    #[test]
    fn a_split_build_gives_the_worker_its_loader_manifest_and_parts_to_keep() {
        let hashes = format!("{HASHES}manifest: Mf4\nsplit: Sp5\n");
        let build = Build::from_hashes("circle", Some(&hashes));
        assert!(build.hashed);
        assert_eq!(build.id, "Ab1Cd2Ef3Mf4Sp5");
        assert_eq!(build.manifest(), Some("__wasm_split_manifest.Mf4.json"));
        let build = build.with_parts(
            r#"{"plan": ["split_plan.Gh6"], "notes": ["split_plan.Gh6", "split_notes.Ij7"]}"#,
        );
        let shell = build.shell("pkg");
        for file in [
            "/pkg/__wasm_split.Sp5.js",
            "/pkg/__wasm_split_manifest.Mf4.json",
            "/pkg/split_plan.Gh6.wasm",
            "/pkg/split_notes.Ij7.wasm",
        ] {
            assert_eq!(
                shell.iter().filter(|f| *f == file).count(),
                1,
                "{file} in {shell:?}"
            );
        }
        assert_eq!(
            Build::from_hashes("circle", Some(HASHES))
                .with_parts("not json")
                .lazy,
            Vec::<String>::new()
        );
    }
}
