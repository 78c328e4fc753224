//! Configuration: one struct, read from the environment, with defaults that run the embedded
//! setup (SQLite under `./data`, demo data on first start, http://127.0.0.1:3000).

use std::fmt;
use std::path::{Path, PathBuf};

use leptos::config::LeptosOptions;

use crate::StartupError;

/// A value that must never be printed (a database URL can hold a password).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Whether to load the demo dataset into an empty embedded database on start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoData {
    /// Load it when the embedded database is new (the default).
    WhenEmpty,
    /// Never load it on start (`seed-demo` still can).
    Never,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite:<path>` or `postgres://…`. Unset: SQLite in `data_dir`.
    pub database_url: Option<Secret>,
    /// `CIRCLE_DATA_DIR`: where the embedded database lives. Default `data`.
    pub data_dir: PathBuf,
    /// `CIRCLE_DEMO`: `auto` (default) or `off`.
    pub demo: DemoData,
    /// Leptos's own settings (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, …).
    pub leptos: LeptosOptions,
    /// `CIRCLE_PUBLIC_URL`: the address people use, e.g. `https://circle.example.org` behind a
    /// TLS proxy. When it starts with `https://`, the session cookie is marked `Secure`.
    pub public_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, StartupError> {
        let leptos = leptos::config::get_configuration(None)
            .map_err(|e| StartupError::Config(format!("Leptos settings: {e}")))?
            .leptos_options;
        Self::from_vars(|name| std::env::var(name).ok(), leptos)
    }

    /// Reads the settings through `var`, so tests need not touch the process environment.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        leptos: LeptosOptions,
    ) -> Result<Self, StartupError> {
        let demo = match var("CIRCLE_DEMO").as_deref().map(str::trim) {
            None | Some("" | "auto") => DemoData::WhenEmpty,
            Some("off") => DemoData::Never,
            Some(other) => {
                return Err(StartupError::Config(format!(
                    "CIRCLE_DEMO must be `auto` or `off`, not `{other}`"
                )));
            }
        };
        Ok(Self {
            database_url: var("DATABASE_URL")
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new),
            data_dir: var("CIRCLE_DATA_DIR")
                .filter(|v| !v.trim().is_empty())
                .map_or_else(|| PathBuf::from("data"), PathBuf::from),
            demo,
            leptos,
            public_url: var("CIRCLE_PUBLIC_URL").filter(|v| !v.trim().is_empty()),
        })
    }

    /// Whether people reach Circle over TLS, so cookies must be `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.trim().starts_with("https://"))
    }

    /// True when Circle runs on its own SQLite file rather than a configured database.
    pub fn is_embedded(&self) -> bool {
        self.database_url.is_none()
    }

    /// The database to open. For the embedded default the data directory is created and
    /// checked for writing first, so that a bad directory gets a clear error.
    pub fn database_url(&self) -> Result<Secret, StartupError> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                ensure_writable_dir(&self.data_dir)?;
                Ok(Secret::new(format!(
                    "sqlite:{}",
                    self.data_dir.join("circle.db").display()
                )))
            }
        }
    }
}

fn ensure_writable_dir(dir: &Path) -> Result<(), StartupError> {
    let fail = |source| StartupError::DataDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".circle-write-check");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, StartupError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(
            |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            LeptosOptions::builder().output_name("circle").build(),
        )
    }

    #[test]
    fn with_nothing_set_circle_runs_embedded_with_demo_data_in_data() {
        let c = config(&[]).expect("defaults");
        assert!(c.is_embedded());
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert_eq!(c.demo, DemoData::WhenEmpty);
    }

    #[test]
    fn a_database_url_is_never_printed() {
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@db/circle")]).expect("config");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!c.is_embedded());
    }

    #[test]
    fn an_unknown_demo_setting_is_a_clear_error() {
        let err = config(&[("CIRCLE_DEMO", "maybe")]).expect_err("refused");
        assert!(
            err.to_string()
                .contains("CIRCLE_DEMO must be `auto` or `off`"),
            "{err}"
        );
    }
}
