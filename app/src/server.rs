//! What server functions get from the server, through Leptos context.

use std::sync::Arc;

use leptos::prelude::use_context;
use store::Store;

use crate::AppError;

/// The services the server provides to every request.
#[derive(Clone)]
pub struct AppServices {
    pub store: Arc<dyn Store>,
    /// Email, when the provider has set up a relay; `None` and documents are shared in
    /// Circle only.
    pub mail: Option<Mailing>,
}

/// What server functions need of email: the address letters link to, and a way to tell the
/// sender that letters are waiting in the outbox (the server's `mail` module sends them).
#[derive(Clone)]
pub struct Mailing {
    /// Where people reach Circle, without a trailing slash (`https://circle.example.org`).
    pub public_url: String,
    pub queued: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Mailing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailing")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// The email settings of the running server, when a relay is set up.
pub fn mailing() -> Option<Mailing> {
    use_context::<AppServices>().and_then(|services| services.mail)
}

/// The store of the running server.
pub fn store() -> Result<Arc<dyn Store>, AppError> {
    use_context::<AppServices>()
        .map(|services| services.store)
        .ok_or_else(|| {
            tracing::error!("AppServices missing from the Leptos context");
            AppError::Unavailable
        })
}

/// Sets the HTTP status of the page being rendered (e.g. 404 for an unknown person).
pub fn set_status(status: u16) {
    if let (Some(options), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
}

/// A server function's answer, with its HTTP status set from the error when it failed: 404 for
/// not found, 403 for forbidden, 400 for bad input, 503 when the database is unreachable (the
/// same as pages say), rather than 500 for everything.
pub async fn answer<T>(
    result: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = result.await;
    if let Err(error) = &result {
        set_status(error.status());
    }
    result
}

/// The signed-in user of a request. The server's sign-in middleware puts it into the request;
/// nothing else decides who is asking.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Arc<domain::access::Actor>);

/// Who is asking: the signed-in user, or `Forbidden` (the middleware sends anyone signed out to
/// the sign-in page before a page renders, so this is the rare case of a session ending
/// mid-request).
pub fn actor() -> Result<Arc<domain::access::Actor>, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
        .map(|user| user.0)
        .ok_or_else(|| AppError::Forbidden("Please sign in again.".into()))
}

/// Who a page is rendered for: the signed-in user's id and the fingerprint of what they may
/// see (`Actor::access_fingerprint`), written into the page's `<head>` for the browser.
pub fn page_identity() -> Option<(String, String)> {
    let actor = actor().ok()?;
    Some((actor.user.to_string(), actor.access_fingerprint()))
}

/// A short description of the asking device ("Chrome on Android") for the audit trail.
pub fn device() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(domain::sync::device_label)
        })
        .unwrap_or_else(|| "Unknown device".to_owned())
}

/// Milliseconds since 1970-01-01 UTC, for the audit trail.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Records that `actor` looked at (or otherwise used) `person`'s record. A failure to write it
/// is logged; it does not hide the page from someone allowed to see it.
pub async fn audit(
    store: &dyn Store,
    actor: &domain::access::Actor,
    person: Option<domain::PersonId>,
    kind: domain::audit::AuditKind,
    summary: String,
) {
    let event = domain::audit::AuditEvent {
        id: uuid::Uuid::now_v7(),
        at_ms: now_ms(),
        user: Some(actor.user),
        user_name: actor.name.clone(),
        device: device(),
        person,
        service: None,
        kind,
        summary,
        before: None,
        after: None,
    };
    if let Err(error) = store.audit(&[event]).await {
        tracing::error!(%error, "could not write the audit trail");
    }
}

/// The invitation link made by the last invite form, shown once: the server's account routes
/// leave it in the session (`tower-sessions`, read here through the request's extensions).
pub async fn take_new_link() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let session = parts.extensions.get::<tower_sessions::Session>()?.clone();
    session
        .remove::<String>("new_invitation_link")
        .await
        .ok()
        .flatten()
}

/// What a form route left in the session under `key` for the next page, taken (shown once).
pub async fn take_from_session<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let parts = use_context::<http::request::Parts>()?;
    let session = parts.extensions.get::<tower_sessions::Session>()?.clone();
    session.remove::<T>(key).await.ok().flatten()
}

/// The name of the service `id` ("" if it has gone).
pub async fn service_name(store: &dyn Store, id: domain::ServiceId) -> Result<String, AppError> {
    Ok(store
        .services()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.name)
        .unwrap_or_default())
}

/// What a reader may read of the audit trail: the records and the services (with their names)
/// whose events they may list.
pub struct AuditScope {
    pub people: Vec<(domain::PersonId, String)>,
    pub services: Vec<(domain::ServiceId, String)>,
    /// Whose account events (signing in and out, downloads) the reader may list: their own,
    /// and a manager's staff's.
    pub account_users: Vec<domain::access::UserId>,
}

impl AuditScope {
    /// The ids the audit filter is limited to.
    pub fn auditable(&self) -> domain::audit::Auditable {
        domain::audit::Auditable {
            people: self.people.iter().map(|(id, _)| *id).collect(),
            services: self.services.iter().map(|(id, _)| *id).collect(),
            account_users: self.account_users.clone(),
        }
    }

    pub fn person_name(&self, id: domain::PersonId) -> String {
        name_in(&self.people, id)
    }

    pub fn service_name(&self, id: domain::ServiceId) -> String {
        name_in(&self.services, id)
    }
}

fn name_in<K: PartialEq>(names: &[(K, String)], key: K) -> String {
    names
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// The audit scope of `actor`, or `None` when they may read none of the audit trail.
pub async fn audit_scope(
    store: &dyn Store,
    actor: &domain::access::Actor,
) -> Result<Option<AuditScope>, store::StoreError> {
    use domain::access::{auditable_people, auditable_services};
    // Those whose support ended too: their history stays readable.
    let summaries = store.all_people().await?;
    let people: Vec<_> = auditable_people(actor, &summaries)
        .into_iter()
        .map(|id| {
            let name = summaries
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.display_name.clone())
                .unwrap_or_default();
            (id, name)
        })
        .collect();
    let mut services = Vec::new();
    let auditable = auditable_services(actor);
    if !auditable.is_empty() {
        for service in store.services().await? {
            if auditable.contains(&service.id) {
                services.push((service.id, service.name));
            }
        }
    }
    if people.is_empty() && services.is_empty() {
        return Ok(None);
    }
    // Managers also see the account events of the staff of the services they manage.
    let managed = domain::access::managed_services(actor);
    let mut account_users = vec![actor.user];
    if !managed.is_empty() {
        for member in store.staff().await? {
            if managed.contains(&member.service) && !account_users.contains(&member.user) {
                account_users.push(member.user);
            }
        }
    }
    Ok(Some(AuditScope {
        people,
        services,
        account_users,
    }))
}

/// The message for someone who may read none of the audit trail.
pub const NO_AUDIT: &str = "Only registered managers, nominated individuals, administrators and \
     the person themselves can read the audit trail.";

/// Whose record it is and which service supports them; `NotFound` for an unknown id, and
/// the same `NotFound` for a record the actor may not open (which must not reveal it exists).
pub async fn subject(
    store: &dyn Store,
    actor: &domain::access::Actor,
    id: &str,
) -> Result<(domain::Person, domain::access::Subject), AppError> {
    let id: domain::PersonId = id.parse().map_err(|_| AppError::NotFound)?;
    let person = store.person(id).await?.ok_or(AppError::NotFound)?;
    let subject = domain::access::Subject {
        person: person.id,
        service: person.service_id,
    };
    if !domain::access::may_open(actor, subject) {
        return Err(AppError::NotFound);
    }
    Ok((person, subject))
}

/// Sets the page's Content-Security-Policy: scripts only from Circle itself plus the inline
/// bootstrap that carries this response's nonce (Leptos adds it), WebAssembly allowed, nothing
/// framed, no plugins, forms and connections to Circle only.
pub fn set_security_policy() {
    let (Some(options), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; \
         object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
