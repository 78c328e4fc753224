//! Sign-in, sessions and who is asking.
//!
//! - Passwords are hashed with argon2 (the `argon2` crate, PHC strings with their own salt).
//! - Sessions are `tower-sessions` records kept server-side in the [`Store`] (both backends);
//!   the cookie carries only a random id and is `HttpOnly`, `SameSite=Lax`, and `Secure` when
//!   Circle is served over TLS. A session ends after [`IDLE_MINUTES`] without a request.
//! - [`resolve_user`] puts the signed-in user's [`Actor`] (roles, circles, consent) into each
//!   request; pages and the sync routes read it from there. Nothing else decides who is asking.
//! - Sign-in failures are answered with one message whatever was wrong, and repeated failures
//!   for one email or from one address are slowed down ([`Throttle`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use async_trait::async_trait;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::UserId;
use store::Store;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// A session ends after this long without a request.
pub const IDLE_MINUTES: i64 = 30;
/// The session key holding the signed-in user's id.
pub const USER_KEY: &str = "user";
/// The session key holding an invitation link to show once, after it was made.
pub const NEW_LINK_KEY: &str = "new_invitation_link";

pub use app::server::CurrentUser;

/// Sessions kept in Circle's own database, so that several servers over one PostgreSQL share
/// them and a restart signs nobody out.
#[derive(Clone)]
pub struct DbSessions(pub Arc<dyn Store>);

impl std::fmt::Debug for DbSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessions")
    }
}

fn backend(error: store::StoreError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

/// A record as stored: its JSON, its user (for "sign out of all devices") and its expiry.
fn stored(record: &Record) -> session_store::Result<(String, Option<UserId>, i64)> {
    let text =
        serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user = record
        .data
        .get(USER_KEY)
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<UserId>().ok());
    let expires_ms =
        i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    Ok((text, user, expires_ms))
}

#[async_trait]
impl SessionStore for DbSessions {
    /// A new session under an id no other session has (a new random id on the rare clash).
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (text, user, expires_ms) = stored(record)?;
            if self
                .0
                .create_session(&record.id.to_string(), user, &text, expires_ms)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (text, user, expires_ms) = stored(record)?;
        self.0
            .put_session(&record.id.to_string(), user, &text, expires_ms)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(text) = self
            .0
            .session(&id.to_string(), now_ms())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// The session middleware: the cookie's name and flags, the idle timeout.
pub fn session_layer(store: Arc<dyn Store>, secure: bool) -> SessionManagerLayer<DbSessions> {
    SessionManagerLayer::new(DbSessions(store))
        .with_name("circle_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(IDLE_MINUTES)))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Hashes a password for storage (argon2id, a fresh random salt).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the stored hash. When there is no account (or no password yet)
/// a dummy hash is checked all the same, so that timing does not tell which.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(store::demo::DEMO_PASSWORD_HASH);
    let matched = PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    matched && stored.is_some()
}

/// What a password must be: long enough to resist guessing, short enough to hash.
pub fn check_new_password(password: &str, again: &str) -> Result<(), &'static str> {
    if password != again {
        return Err("The two passwords are different. Type the same password twice.");
    }
    let length = password.chars().count();
    if length < 10 {
        return Err("Choose a password of at least 10 characters. A few words together work well.");
    }
    if length > 200 {
        return Err("That password is too long: at most 200 characters.");
    }
    Ok(())
}

/// Slows down guessing: after [`Throttle::FREE_TRIES`] failures for one key within
/// [`Throttle::WINDOW`], each further try must wait, doubling up to [`Throttle::MAX_WAIT`].
/// Kept in memory per server process.
#[derive(Debug)]
pub struct Throttle {
    free_tries: u32,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(Self::FREE_TRIES)
    }
}

impl Throttle {
    /// Failures allowed per account before waiting starts.
    pub const FREE_TRIES: u32 = 5;
    /// Failures allowed per network address (a care home's staff may share one).
    pub const FREE_TRIES_PER_ADDRESS: u32 = 50;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

    pub fn new(free_tries: u32) -> Self {
        Self {
            free_tries,
            failures: Mutex::default(),
        }
    }

    /// How long `key` must still wait before another try (zero: go ahead).
    pub fn wait(&self, key: &str, now: Instant) -> Duration {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some((count, last)) = failures.get(key) else {
            return Duration::ZERO;
        };
        if *count < self.free_tries || now.duration_since(*last) > Self::WINDOW {
            return Duration::ZERO;
        }
        let exponent = (*count - self.free_tries).min(10);
        let wait = Duration::from_secs(2u64.pow(exponent) * 2).min(Self::MAX_WAIT);
        wait.saturating_sub(now.duration_since(*last))
    }

    pub fn failed(&self, key: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            failures.retain(|_, (_, last)| now.duration_since(*last) <= Self::WINDOW);
        }
        let entry = failures.entry(key.to_owned()).or_insert((0, now));
        if now.duration_since(entry.1) > Self::WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.1 = now;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// Addresses anyone may open: the sign-in and invitation pages and their forms, the health
/// check, the API description, and static files (anything with a dot in its last segment).
fn is_public(path: &str) -> bool {
    const PUBLIC: [&str; 5] = [
        "/sign-in",
        "/healthz",
        "/api/openapi.json",
        "/auth/",
        "/invitations/",
    ];
    if PUBLIC
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
    {
        return true;
    }
    is_static(path)
}

/// The app's own files (the wasm bundle, styles, icons, service worker, manifest): the same
/// for everyone, holding nothing personal.
fn is_static(path: &str) -> bool {
    const FILES: [&str; 5] = [
        "/sw.js",
        "/manifest.webmanifest",
        "/icon.svg",
        "/favicon.ico",
        "/robots.txt",
    ];
    path.starts_with("/pkg/") || path.starts_with("/icons/") || FILES.contains(&path)
}

/// Finds who is asking. A signed-in user's [`Actor`] goes into the request's extensions; anyone
/// else asking for anything but a public address is sent to sign in (pages) or told 401 (API).
pub async fn resolve_user(
    State(store): State<Arc<dyn Store>>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let user = if is_static(&path) {
        None
    } else {
        session
            .get::<String>(USER_KEY)
            .await
            .ok()
            .flatten()
            .and_then(|id| id.parse::<UserId>().ok())
    };
    let actor = match user {
        Some(user) => match store.actor(user).await {
            Ok(actor) => actor,
            Err(error) => {
                tracing::error!(%error, "could not load the signed-in user");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Circle can't reach its database just now. Try again in a moment.",
                )
                    .into_response();
            }
        },
        None => None,
    };
    match actor {
        Some(actor) => {
            request
                .extensions_mut()
                .insert(CurrentUser(Arc::new(actor)));
        }
        None if is_public(&path) => {}
        None if path.starts_with("/api/") => {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({
                    "error": "You're signed out. Sign in again; anything you changed is kept on this device."
                })),
            )
                .into_response();
        }
        None => {
            let next_path = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let mut response =
                Redirect::to(&format!("/sign-in?next={}", encode(&next_path))).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            return response;
        }
    }
    next.run(request).await
}

/// Percent-encodes a path for a query parameter.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where to go after signing in: only a path on this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/sign-in") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("correct horse batterz", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn after_five_failures_each_try_waits_longer() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..Throttle::FREE_TRIES {
            assert_eq!(throttle.wait("a@x", t0), Duration::ZERO);
            throttle.failed("a@x", t0);
        }
        let first = throttle.wait("a@x", t0);
        assert!(first > Duration::ZERO);
        throttle.failed("a@x", t0);
        assert!(throttle.wait("a@x", t0) > first);
        assert_eq!(
            throttle.wait("b@x", t0),
            Duration::ZERO,
            "other keys are free"
        );
        throttle.succeeded("a@x");
        assert_eq!(throttle.wait("a@x", t0), Duration::ZERO);
    }

    #[test]
    fn only_paths_on_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/people/1")), "/people/1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn sign_in_invitations_and_static_files_are_public_and_records_are_not() {
        for path in [
            "/sign-in",
            "/invitations/abc",
            "/pkg/circle.wasm",
            "/sw.js",
            "/healthz",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/",
            "/people/1",
            "/api/sync/pull",
            "/audit",
            "/audit.csv",
            "/devices",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }
}
