//! Configuration: one struct, read from the environment, with defaults that run the embedded
//! setup (SQLite under `./data`, demo data on first start, http://127.0.0.1:3000).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// TLS proxy. When it starts with `https://`, the session cookie is marked `Secure` and
    /// browsers are told to use https only (`Strict-Transport-Security`).
    pub public_url: Option<String>,
    /// `CIRCLE_SESSION_IDLE`: a session ends after this long without use (`30m` by default;
    /// `45s`, `20m`, `2h` also work).
    pub session_idle: Duration,
    /// `CIRCLE_TRUSTED_PROXIES`: the addresses of reverse proxies in front of Circle, comma
    /// separated (`10.0.0.5, 10.0.1.0/24`). Only a request arriving from one of these has its
    /// client's address taken from `X-Forwarded-For`; by default nobody is trusted and the
    /// connection's own address counts (for slowing down password guessing).
    pub trusted_proxies: Vec<IpNet>,
    /// `CIRCLE_SMTP_URL`: the email relay (`smtp://user:password@relay.example.org:587?tls=required`,
    /// or `smtps://…:465`). Unset: no email; documents are shared in Circle only.
    pub smtp_url: Option<Secret>,
    /// `CIRCLE_MAIL_FROM`: who letters come from (`Circle <circle@example.org>`); needed with
    /// `CIRCLE_SMTP_URL`.
    pub mail_from: Option<String>,
}

/// The HTTP behaviour the configuration decides (the router's part of [`Config`]).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Cookies marked `Secure` and `Strict-Transport-Security` sent: people use https.
    pub https: bool,
    pub session_idle: Duration,
    pub trusted_proxies: Vec<IpNet>,
    /// Email, when a relay is set up.
    pub mail: Option<app::server::Mailing>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            https: false,
            session_idle: DEFAULT_SESSION_IDLE,
            trusted_proxies: Vec::new(),
            mail: None,
        }
    }
}

/// A session ends after 30 minutes without use unless configured otherwise.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

/// An address or a block of addresses (`10.0.1.0/24`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let bits = u32::from(self.prefix.min(32));
                let mask = if bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - bits)
                };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let bits = u32::from(self.prefix.min(128));
                let mask = if bits == 0 {
                    0
                } else {
                    u128::MAX << (128 - bits)
                };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpNet {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}` has a bad prefix length"))?,
        };
        Ok(IpNet { addr, prefix })
    }
}

/// A duration written as a number and a unit: `45s`, `30m`, `2h`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok().filter(|n| *n > 0)?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    Some(Duration::from_secs(seconds))
}

impl Config {
    pub fn from_env() -> Result<Self, StartupError> {
        let mut leptos = leptos::config::get_configuration(None)
            .map_err(|e| StartupError::Config(format!("Leptos settings: {e}")))?
            .leptos_options;
        // A release build names its files by their content and lists the names in a hash file
        // beside the server (`hash-files` in Cargo.toml): use them unless told otherwise.
        if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
            leptos.hash_files = crate::assets::hash_file(&leptos).is_some_and(|p| p.exists());
        }
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
        let session_idle = match var("CIRCLE_SESSION_IDLE").filter(|v| !v.trim().is_empty()) {
            None => DEFAULT_SESSION_IDLE,
            Some(text) => parse_duration(&text).ok_or_else(|| {
                StartupError::Config(format!(
                    "CIRCLE_SESSION_IDLE must be a number with s, m or h (like `30m`), not `{text}`"
                ))
            })?,
        };
        let trusted_proxies = var("CIRCLE_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .map_err(|e| StartupError::Config(format!("CIRCLE_TRUSTED_PROXIES: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            session_idle,
            trusted_proxies,
            database_url: var("DATABASE_URL")
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new),
            data_dir: var("CIRCLE_DATA_DIR")
                .filter(|v| !v.trim().is_empty())
                .map_or_else(|| PathBuf::from("data"), PathBuf::from),
            demo,
            leptos,
            public_url: var("CIRCLE_PUBLIC_URL").filter(|v| !v.trim().is_empty()),
            smtp_url: var("CIRCLE_SMTP_URL")
                .filter(|v| !v.trim().is_empty())
                .map(Secret::new),
            mail_from: var("CIRCLE_MAIL_FROM").filter(|v| !v.trim().is_empty()),
        })
    }

    /// Whether people reach Circle over TLS, so cookies must be `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.trim().starts_with("https://"))
    }

    /// What the router needs of the configuration, with the email `mail` made by
    /// [`Config::mail`].
    pub fn http(&self, mail: Option<&crate::mail::Mail>) -> HttpSettings {
        HttpSettings {
            https: self.secure_cookies(),
            session_idle: self.session_idle,
            trusted_proxies: self.trusted_proxies.clone(),
            mail: mail.map(crate::mail::Mail::mailing),
        }
    }

    /// The email relay, when `CIRCLE_SMTP_URL` is set (then `CIRCLE_MAIL_FROM` must be too).
    /// Letters link to `CIRCLE_PUBLIC_URL`, or to the address Circle listens on.
    pub fn mail(&self) -> Result<Option<crate::mail::Mail>, StartupError> {
        let Some(url) = &self.smtp_url else {
            return Ok(None);
        };
        let from = self.mail_from.as_deref().ok_or_else(|| {
            StartupError::Config(
                "CIRCLE_MAIL_FROM must be set with CIRCLE_SMTP_URL (like `Circle <circle@example.org>`)"
                    .into(),
            )
        })?;
        let relay = crate::mail::Relay::new(url.expose(), from)?;
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.leptos.site_addr));
        Ok(Some(crate::mail::Mail::new(relay, public_url)))
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
    fn email_needs_a_relay_and_a_sender_and_never_prints_the_relays_password() {
        assert!(
            config(&[])
                .expect("defaults")
                .mail()
                .expect("fine")
                .is_none()
        );
        let only_url = config(&[("CIRCLE_SMTP_URL", "smtp://u:hunter2@relay:587")]).expect("read");
        let error = only_url.mail().expect_err("a sender is needed");
        assert!(error.to_string().contains("CIRCLE_MAIL_FROM"), "{error}");
        let both = config(&[
            ("CIRCLE_SMTP_URL", "smtp://u:hunter2@relay:587?tls=required"),
            ("CIRCLE_MAIL_FROM", "Circle <circle@example.org>"),
            ("CIRCLE_PUBLIC_URL", "https://circle.example.org/"),
        ])
        .expect("read");
        let mail = both.mail().expect("a relay").expect("set up");
        assert_eq!(mail.public_url, "https://circle.example.org");
        assert!(!format!("{both:?}").contains("hunter2"));
        assert!(!format!("{mail:?}").contains("hunter2"));
        assert!(both.http(Some(&mail)).mail.is_some());
    }

    #[test]
    fn a_database_url_is_never_printed() {
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@db/circle")]).expect("config");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!c.is_embedded());
    }

    #[test]
    fn the_session_idle_time_and_trusted_proxies_are_read_with_clear_errors() {
        let c = config(&[
            ("CIRCLE_SESSION_IDLE", "20m"),
            ("CIRCLE_TRUSTED_PROXIES", "10.0.0.5, 10.0.1.0/24"),
        ])
        .expect("config");
        assert_eq!(c.session_idle, Duration::from_secs(1200));
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(c.trusted_proxies[1].contains("10.0.1.77".parse().expect("ip")));
        assert!(!c.trusted_proxies[1].contains("10.0.2.1".parse().expect("ip")));
        assert_eq!(
            config(&[]).expect("defaults").session_idle,
            DEFAULT_SESSION_IDLE
        );
        let err = config(&[("CIRCLE_SESSION_IDLE", "soon")]).expect_err("refused");
        assert!(err.to_string().contains("CIRCLE_SESSION_IDLE"), "{err}");
        let err = config(&[("CIRCLE_TRUSTED_PROXIES", "proxy.local")]).expect_err("refused");
        assert!(err.to_string().contains("not an IP address"), "{err}");
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
