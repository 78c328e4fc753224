//! Sign-in, sessions and who is asking.
//!
//! - Passwords are hashed with argon2 (the `argon2` crate, PHC strings with their own salt).
//! - Sessions are `tower-sessions` records kept server-side in the [`Store`] (both backends);
//!   the cookie carries only a random id and is `HttpOnly`, `SameSite=Lax`, and `Secure` when
//!   Circle is served over TLS. A session ends after [`IDLE_MINUTES`] without a request.
//! - [`resolve_user`] puts the signed-in user's [`Actor`] (roles, circles, consent) into each
//!   request; pages and the sync routes read it from there. Nothing else decides who is asking.
//! - Sign-in failures are answered with one message whatever was wrong, and repeated failures
//!   for one email or from one address are slowed down ([`throttle_wait`]); the counts are kept
//!   in the database, so several servers share them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

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

/// The session key holding the signed-in user's id.
pub const USER_KEY: &str = "user";
/// The session key holding when the session was last extended (milliseconds since 1970).
pub const SEEN_KEY: &str = "seen";
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
pub fn session_layer(
    store: Arc<dyn Store>,
    secure: bool,
    idle: Duration,
) -> SessionManagerLayer<DbSessions> {
    SessionManagerLayer::new(DbSessions(store))
        .with_name("circle_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle_expiry(idle)))
}

fn idle_expiry(idle: Duration) -> time::Duration {
    time::Duration::seconds(i64::try_from(idle.as_secs()).unwrap_or(i64::MAX))
}

/// Whether a session last extended at `seen_ms` should be extended again at `now_ms`: each
/// use keeps it alive for the whole idle time, but it is written at most once a minute (or a
/// tenth of the idle time, when that is shorter), not on every request.
pub fn needs_extending(seen_ms: Option<i64>, now_ms: i64, idle: Duration) -> bool {
    let every = i64::try_from((idle / 10).min(Duration::from_secs(60)).as_millis())
        .unwrap_or(60_000)
        .max(1);
    seen_ms.is_none_or(|seen| now_ms - seen >= every)
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

/// Failures allowed per account before waiting starts.
pub const FREE_TRIES: u32 = 5;
/// Failures allowed per network address (a care home's staff may share one).
pub const FREE_TRIES_PER_ADDRESS: u32 = 50;
/// Failures older than this are forgotten.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// How long someone must still wait before another try, after `failures` failures of which
/// the last was at `last_ms` (zero: go ahead). After `free_tries` failures within
/// [`THROTTLE_WINDOW`] each further try must wait, doubling from 2 s up to [`MAX_WAIT`].
pub fn throttle_wait(failures: Option<(u32, i64)>, now_ms: i64, free_tries: u32) -> Duration {
    let Some((count, last_ms)) = failures else {
        return Duration::ZERO;
    };
    let since = Duration::from_millis(u64::try_from(now_ms - last_ms).unwrap_or(0));
    if count < free_tries || since > THROTTLE_WINDOW {
        return Duration::ZERO;
    }
    let exponent = (count - free_tries).min(10);
    let wait = Duration::from_secs(2u64.pow(exponent) * 2).min(MAX_WAIT);
    wait.saturating_sub(since)
}

/// What the throttle counts failures against.
pub fn email_key(email: &str) -> String {
    format!("email:{email}")
}

pub fn address_key(kind: &str, address: IpAddr) -> String {
    format!("{kind}:{address}")
}

/// The address a request came from, for slowing down guessing. Behind a trusted reverse proxy
/// (`CIRCLE_TRUSTED_PROXIES`), the nearest address in `X-Forwarded-For` that is not itself a
/// trusted proxy; otherwise the connection's own. (A client can put anything in that header,
/// so it is believed only when the connection comes from a proxy we run.)
pub fn client_address(
    peer: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trusted: &[crate::config::IpNet],
) -> Option<IpAddr> {
    let peer = peer?.ip();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = forwarded_for
        .unwrap_or("")
        .split(',')
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    Some(
        hops.into_iter()
            .rev()
            .find(|ip| !is_trusted(*ip))
            .unwrap_or(peer),
    )
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
pub fn is_static(path: &str) -> bool {
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
    State(state): State<crate::AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let store = &state.services.store;
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
    // Use keeps a session alive: "30 minutes without use", not 30 minutes after signing in.
    if user.is_some() {
        let now = now_ms();
        let seen = session.get::<i64>(SEEN_KEY).await.ok().flatten();
        if needs_extending(seen, now, state.http.session_idle) {
            let _ = session.insert(SEEN_KEY, now).await;
        }
    }
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
    domain::audit::percent_encoded_keeping(text, b"/")
}

/// Where to go after signing in: only a path on this site, never another site. A browser
/// reads `/\t/evil.example` or `/\\evil.example` as another site, so only a plain path is
/// followed: it starts with one `/`, holds no backslash, space or control character, and no
/// scheme or host. Anything else goes to the list of people.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_plain_path(path) && !path.starts_with("/sign-in") => path.to_owned(),
        _ => "/".to_owned(),
    }
}

fn is_plain_path(path: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%/?".contains(c);
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2000
        && path.chars().all(allowed)
        && !percent_decoded_is_risky(path)
}

/// `%2F%2F`, `%5C` or an encoded control character would become one of the risky forms once
/// decoded by a browser or a proxy.
fn percent_decoded_is_risky(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("/%2f")
        || lower.contains("%5c")
        || lower.split('%').skip(1).any(|rest| {
            u8::from_str_radix(rest.get(..2).unwrap_or("zz"), 16)
                .is_ok_and(|b| b < 0x20 || b == 0x7f)
        })
}

/// Whether a `next` given with a sign-in holds a control character (CR, LF, NUL…): such a
/// request is refused as invalid before anything is written.
pub fn next_is_malformed(next: Option<&str>) -> bool {
    next.is_some_and(|n| n.chars().any(char::is_control))
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
        let t0 = 1_000_000;
        for n in 0..FREE_TRIES {
            assert_eq!(throttle_wait(Some((n, t0)), t0, FREE_TRIES), Duration::ZERO);
        }
        let first = throttle_wait(Some((FREE_TRIES, t0)), t0, FREE_TRIES);
        assert!(first > Duration::ZERO);
        assert!(throttle_wait(Some((FREE_TRIES + 1, t0)), t0, FREE_TRIES) > first);
        assert_eq!(throttle_wait(None, t0, FREE_TRIES), Duration::ZERO);
        let later = t0 + i64::try_from(THROTTLE_WINDOW.as_millis()).expect("ms") + 1;
        assert_eq!(
            throttle_wait(Some((FREE_TRIES + 3, t0)), later, FREE_TRIES),
            Duration::ZERO,
            "old failures are forgotten"
        );
    }

    #[test]
    fn only_paths_on_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/people/1")), "/people/1");
        assert_eq!(safe_next(Some("/?q=drums")), "/?q=drums");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\t/evil.example",
            "/\\evil.example",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/ /evil.example",
            "evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert!(next_is_malformed(Some("/a\r\nSet-Cookie: x")));
        assert!(next_is_malformed(Some("/a\0")));
        assert!(!next_is_malformed(Some("/people/1")));
    }

    #[test]
    fn a_session_is_extended_by_use_but_written_at_most_once_a_minute() {
        let idle = Duration::from_secs(30 * 60);
        assert!(needs_extending(None, 0, idle));
        assert!(!needs_extending(Some(0), 59_999, idle));
        assert!(needs_extending(Some(0), 60_000, idle));
        let short = Duration::from_secs(3);
        assert!(needs_extending(Some(0), 300, short));
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_a_trusted_proxy() {
        let proxy: crate::config::IpNet = "10.0.0.5".parse().expect("net");
        let peer = |ip: &str| Some(SocketAddr::new(ip.parse().expect("ip"), 1234));
        let ip = |text: &str| text.parse::<IpAddr>().ok();
        assert_eq!(
            client_address(peer("203.0.113.9"), Some("198.51.100.1"), &[proxy]),
            ip("203.0.113.9"),
            "a client naming someone else is not believed"
        );
        assert_eq!(
            client_address(
                peer("10.0.0.5"),
                Some("198.51.100.1, 203.0.113.7"),
                &[proxy]
            ),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(peer("10.0.0.5"), Some("198.51.100.1"), &[]),
            ip("10.0.0.5"),
            "no proxy is trusted by default"
        );
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
