//! The forms behind signing in and out, invitations, consent and the audit export. Plain HTML
//! form posts answered with a redirect, so they work with JavaScript off; the pages that hold
//! the forms are Leptos pages in `app/src/pages`.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::Engine;
use domain::access::{Action, CircleRole, Subject, Topic, UserId, authorize};
use domain::audit::{AuditEvent, AuditFilter, AuditKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::AppState;
use crate::auth::{
    FREE_TRIES, FREE_TRIES_PER_ADDRESS, NEW_LINK_KEY, THROTTLE_WINDOW, USER_KEY, address_key,
    check_new_password, client_address, email_key, encode, hash_password, next_is_malformed,
    now_ms, safe_next, throttle_wait, verify_password,
};
use app::server::CurrentUser;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// The same, in milliseconds.
pub const INVITATION_MS: i64 = INVITATION_DAYS * 24 * 60 * 60 * 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/sign-in", post(sign_in))
        .route("/auth/sign-out", post(sign_out))
        .route("/auth/sign-out-everywhere", post(sign_out_everywhere))
        .route("/auth/invitations/{token}", post(accept_invitation))
        .route("/circles/{person}/accept", post(accept_offer))
        .route("/circles/{person}/decline", post(decline_offer))
        .route("/people/{id}/circle/invite", post(invite))
        .route("/people/{id}/circle/consent", post(save_consent))
        .route(
            "/people/{id}/circle/early-warnings",
            post(add_early_warning),
        )
        .route(
            "/people/{id}/circle/early-warnings/{warning}/remove",
            post(remove_early_warning),
        )
        .route("/audit.csv", get(audit_csv))
}

/// A form handler's failure: the store could not be reached.
pub(crate) struct Unavailable;

impl IntoResponse for Unavailable {
    fn into_response(self) -> Response {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Circle can't reach its database just now. Nothing is lost: go back and try again in a minute.",
        )
            .into_response()
    }
}

impl From<store::StoreError> for Unavailable {
    fn from(error: store::StoreError) -> Self {
        tracing::error!(%error, "store error in a form");
        Unavailable
    }
}

impl From<tower_sessions::session::Error> for Unavailable {
    fn from(error: tower_sessions::session::Error) -> Self {
        tracing::error!(%error, "session error");
        Unavailable
    }
}

pub(crate) fn device(headers: &HeaderMap) -> String {
    domain::sync::device_label(
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// The key the throttle counts a client's failures of `kind` against: their address (absent
/// in in-process tests, which all count as one local client).
fn client_key(
    state: &AppState,
    kind: &str,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
) -> String {
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    match client_address(
        connect.map(|Extension(ConnectInfo(addr))| addr),
        forwarded,
        &state.http.trusted_proxies,
    ) {
        Some(ip) => address_key(kind, ip),
        None => format!("{kind}:local"),
    }
}

/// How long the client must wait before another try, counted against every key given.
async fn wait_for(
    store: &dyn store::Store,
    keys: &[(&str, u32)],
) -> Result<std::time::Duration, Unavailable> {
    let now = now_ms();
    let mut wait = std::time::Duration::ZERO;
    for (key, free) in keys {
        wait = wait.max(throttle_wait(
            store.sign_in_failures(key).await?,
            now,
            *free,
        ));
    }
    Ok(wait)
}

/// Counts one failure against each key.
async fn failed(store: &dyn store::Store, keys: &[&str]) -> Result<(), Unavailable> {
    let window = i64::try_from(THROTTLE_WINDOW.as_millis()).unwrap_or(i64::MAX);
    for key in keys {
        store.record_sign_in_failure(key, now_ms(), window).await?;
    }
    Ok(())
}

pub(crate) fn event(
    user: Option<(UserId, &str)>,
    device: String,
    person: Option<domain::PersonId>,
    kind: AuditKind,
    summary: String,
) -> AuditEvent {
    AuditEvent {
        id: uuid::Uuid::now_v7(),
        at_ms: now_ms(),
        user: user.map(|(id, _)| id),
        user_name: user.map_or_else(String::new, |(_, name)| name.to_owned()),
        device,
        person,
        service: None,
        kind,
        summary,
        before: None,
        after: None,
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /auth/sign-in`. One answer for a wrong email and a wrong password; repeated failures
/// for an email or from an address must wait.
async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<SignInForm>,
) -> Result<Response, Unavailable> {
    // A `next` holding a line break or a NUL is not a mistake a browser makes: refuse it before
    // anything is looked up or written.
    if next_is_malformed(form.next.as_deref()) {
        return Ok((
            StatusCode::BAD_REQUEST,
            "The sign-in form was not understood: the page to go back to is not valid.",
        )
            .into_response());
    }
    let next = safe_next(form.next.as_deref());
    let email = form.email.trim().to_lowercase();
    let address = client_key(&state, "addr", connect, &headers);
    let account = email_key(&email);
    let store = &state.services.store;
    let wait = wait_for(
        store.as_ref(),
        &[(&account, FREE_TRIES), (&address, FREE_TRIES_PER_ADDRESS)],
    )
    .await?;
    if !wait.is_zero() {
        let seconds = wait.as_secs().max(1);
        return Ok(
            Redirect::to(&format!("/sign-in?wait={seconds}&next={}", encode(&next)))
                .into_response(),
        );
    }
    let user = store.user_by_email(&email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = form.password;
    let matched = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref()))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| matched) else {
        failed(store.as_ref(), &[&account, &address]).await?;
        tracing::info!("a sign-in failed");
        return Ok(
            Redirect::to(&format!("/sign-in?failed=1&next={}", encode(&next))).into_response(),
        );
    };
    store.clear_sign_in_failures(&account).await?;
    session.cycle_id().await?;
    session.insert(USER_KEY, user.id.to_string()).await?;
    store
        .audit(&[event(
            Some((user.id, &user.name)),
            device(&headers),
            None,
            AuditKind::SignedIn,
            "Signed in".into(),
        )])
        .await?;
    Ok(Redirect::to(&next).into_response())
}

/// `POST /auth/sign-out`: ends this session. (The page wipes the device's copy first.)
async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
) -> Result<Response, Unavailable> {
    if let Some(Extension(CurrentUser(actor))) = user {
        state
            .services
            .store
            .audit(&[event(
                Some((actor.user, &actor.name)),
                device(&headers),
                None,
                AuditKind::SignedOut,
                "Signed out".into(),
            )])
            .await?;
    }
    session.flush().await?;
    Ok(Redirect::to("/sign-in?signed_out=1").into_response())
}

/// `POST /auth/sign-out-everywhere`: ends every session of this user, on every device.
async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Session,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
) -> Result<Response, Unavailable> {
    if let Some(Extension(CurrentUser(actor))) = user {
        let store = &state.services.store;
        store.delete_sessions_of(actor.user).await?;
        store
            .audit(&[event(
                Some((actor.user, &actor.name)),
                device(&headers),
                None,
                AuditKind::SignedOut,
                "Signed out of all devices".into(),
            )])
            .await?;
    }
    session.flush().await?;
    Ok(Redirect::to("/sign-in?signed_out=all").into_response())
}

/// The stored form of an invitation token: its SHA-256, so a leaked table opens nothing.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Deserialize)]
pub struct AcceptForm {
    password: String,
    again: String,
}

/// `POST /auth/invitations/{token}`: sets the invited person's password (once), signs them in
/// and opens the record they were invited to.
async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Unavailable> {
    let back = |problem: &str| {
        Redirect::to(&format!(
            "/invitations/{}?problem={problem}",
            encode(&token)
        ))
        .into_response()
    };
    let key = client_key(&state, "invite", connect, &headers);
    let store = &state.services.store;
    if !wait_for(store.as_ref(), &[(&key, FREE_TRIES_PER_ADDRESS)])
        .await?
        .is_zero()
    {
        return Ok(back("wait"));
    }
    if let Err(problem) = check_new_password(&form.password, &form.again) {
        let code = if problem.contains("different") {
            "mismatch"
        } else {
            "length"
        };
        return Ok(back(code));
    }
    let password = form.password;
    let Ok(Ok(hash)) = tokio::task::spawn_blocking(move || hash_password(&password)).await else {
        return Err(Unavailable);
    };
    let hashed = token_hash(&token);
    let problem_code = |problem| match problem {
        store::InvitationProblem::Unknown => "unknown",
        store::InvitationProblem::Used => "used",
        store::InvitationProblem::Expired => "expired",
        store::InvitationProblem::Ended => "ended",
    };
    let invitation = match store.redeem_invitation(&hashed, now_ms(), &hash).await? {
        Ok(invitation) => invitation,
        // Not a link into a circle: perhaps one for a new member of staff.
        Err(store::InvitationProblem::Unknown) => {
            return match store
                .redeem_account_invitation(&hashed, now_ms(), &hash)
                .await?
            {
                Ok(user) => {
                    session.cycle_id().await?;
                    session.insert(USER_KEY, user.to_string()).await?;
                    Ok(Redirect::to("/").into_response())
                }
                Err(problem) => {
                    failed(store.as_ref(), &[&key]).await?;
                    Ok(back(problem_code(problem)))
                }
            };
        }
        Err(problem) => {
            failed(store.as_ref(), &[&key]).await?;
            return Ok(back(problem_code(problem)));
        }
    };
    let name = store
        .user(invitation.user)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    session.cycle_id().await?;
    session
        .insert(USER_KEY, invitation.user.to_string())
        .await?;
    store
        .audit(&[event(
            Some((invitation.user, &name)),
            device(&headers),
            Some(invitation.person),
            AuditKind::JoinedCircle,
            "Accepted the invitation and set a password".into(),
        )])
        .await?;
    Ok(Redirect::to(&format!("/people/{}", invitation.person)).into_response())
}

/// `POST /circles/{person}/accept`: the signed-in user accepts the place in `person`'s circle
/// they were offered, and goes to the record.
async fn accept_offer(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(person): Path<String>,
) -> Result<Response, Unavailable> {
    let accepted = answer_offer(&state, &actor, &headers, &person, true).await?;
    Ok(match accepted {
        Some(person) => Redirect::to(&format!("/people/{person}")),
        None => Redirect::to("/"),
    }
    .into_response())
}

/// `POST /circles/{person}/decline`: the signed-in user turns down a place offered to them.
async fn decline_offer(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(person): Path<String>,
) -> Result<Response, Unavailable> {
    answer_offer(&state, &actor, &headers, &person, false).await?;
    Ok(Redirect::to("/?declined=1").into_response())
}

/// Accepts or declines the place offered to `actor` in the circle of `person` (an id from the
/// address), auditing the answer; the person when there was such an offer.
async fn answer_offer(
    state: &AppState,
    actor: &domain::access::Actor,
    headers: &HeaderMap,
    person: &str,
    accept: bool,
) -> Result<Option<domain::PersonId>, Unavailable> {
    let Ok(person) = person.parse::<domain::PersonId>() else {
        return Ok(None);
    };
    let store = &state.services.store;
    let answered = if accept {
        store.accept_circle(person, actor.user, now_ms()).await?
    } else {
        store.decline_circle(person, actor.user).await?
    };
    if !answered {
        return Ok(None);
    }
    let summary = if accept {
        "Accepted a place in the circle"
    } else {
        "Declined a place in the circle"
    };
    store
        .audit(&[event(
            Some((actor.user, &actor.name)),
            device(headers),
            Some(person),
            AuditKind::JoinedCircle,
            summary.into(),
        )])
        .await?;
    Ok(Some(person))
}

/// The record `id` names, if the actor may do `action` with it.
async fn subject_for(
    state: &AppState,
    actor: &domain::access::Actor,
    id: &str,
    action: Action,
) -> Result<Option<(domain::Person, Subject)>, Unavailable> {
    let Ok(id) = id.parse::<domain::PersonId>() else {
        return Ok(None);
    };
    let Some(person) = state.services.store.person(id).await? else {
        return Ok(None);
    };
    let subject = Subject {
        person: person.id,
        service: person.service_id,
    };
    // Every use is a change to the record (invitations, consent, early warnings): nothing more
    // is written to the record of someone whose support has ended.
    Ok(
        (authorize(actor, subject, Topic::AboutMe, action).is_ok() && !person.has_ended())
            .then_some((person, subject)),
    )
}

fn refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        "You can't change who is in this circle or what they see.",
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct InviteForm {
    name: String,
    email: String,
    role: String,
}

/// An account found by its email, or made for someone new.
pub(crate) struct Account {
    pub id: UserId,
    pub name: String,
    /// False for an account made just now, or one whose owner has not set a password yet:
    /// they need a link to do so.
    pub has_password: bool,
}

/// The account for `email` (already lower-case): the existing one, or a new one named `name`.
/// `None` when there is none and no name was given.
pub(crate) async fn account_for(
    store: &dyn store::Store,
    email: &str,
    name: &str,
) -> Result<Option<Account>, store::StoreError> {
    if let Some(user) = store.user_by_email(email).await? {
        return Ok(Some(Account {
            id: user.id,
            name: user.name,
            has_password: user.password_hash.is_some(),
        }));
    }
    if name.is_empty() {
        return Ok(None);
    }
    let id = UserId(uuid::Uuid::now_v7());
    store
        .put_user(&store::UserRecord {
            id,
            email: email.to_owned(),
            name: name.to_owned(),
            password_hash: None,
        })
        .await?;
    Ok(Some(Account {
        id,
        name: name.to_owned(),
        has_password: false,
    }))
}

/// `POST /people/{id}/circle/invite`: offers someone a place in the person's circle (sharing
/// nothing yet) and makes a single-use link, valid for [`INVITATION_DAYS`] days, shown once to
/// the inviter. Someone who already has an account gets no link: they see the offer when they
/// sign in and accept or decline it; until they accept they see nothing of the record.
async fn invite(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, Unavailable> {
    let Some((person, _)) = subject_for(&state, &actor, &id, Action::SetConsent).await? else {
        return Ok(refused());
    };
    let back = format!("/people/{}/circle", person.id);
    let name = form.name.trim();
    let email = form.email.trim().to_lowercase();
    let role = CircleRole::from_key(&form.role).filter(|r| *r != CircleRole::Person);
    let (Some(role), false, true) = (role, name.is_empty(), email.contains('@')) else {
        return Ok(Redirect::to(&format!("{back}?problem=invite")).into_response());
    };
    let store = &state.services.store;
    let Some(account) = account_for(store.as_ref(), &email, name).await? else {
        return Ok(Redirect::to(&format!("{back}?problem=invite")).into_response());
    };
    let (user, has_password) = (account.id, account.has_password);
    // The person is already at the centre of their own circle: never a member of it.
    if store.actor(user).await?.is_some_and(|a| {
        a.circles
            .iter()
            .any(|m| m.person == person.id && m.role == CircleRole::Person)
    }) {
        return Ok(Redirect::to(&format!("{back}?problem=self")).into_response());
    }
    store.add_to_circle(person.id, user, role).await?;
    if !has_password {
        let token = new_token();
        let created_ms = now_ms();
        store
            .put_invitation(&store::InvitationRecord {
                token_hash: token_hash(&token),
                person: person.id,
                user,
                invited_by: actor.user,
                created_ms,
                expires_ms: created_ms + INVITATION_MS,
                used_ms: None,
                ended_ms: None,
            })
            .await?;
        session
            .insert(NEW_LINK_KEY, format!("/invitations/{token}"))
            .await?;
    }
    store
        .audit(&[event(
            Some((actor.user, &actor.name)),
            device(&headers),
            Some(person.id),
            AuditKind::Invited,
            format!("Invited {name} ({}) to the circle", role.title()),
        )])
        .await?;
    let added = if has_password { "existing" } else { "invited" };
    Ok(Redirect::to(&format!("{back}?{added}=1")).into_response())
}

/// `POST /people/{id}/circle/consent`: the whole grid. A ticked box named
/// `share.<member>.<topic>` shares that topic; every change is written with who made it and
/// why. Staff must say on what basis (the person's documented instruction, or a best-interests
/// decision); the person needs to give no reason.
async fn save_consent(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, Unavailable> {
    let reason = form.get("reason").map(|r| r.trim()).unwrap_or("");
    let (person, back) = match consent_editor(&state, &actor, &id, reason).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let store = &state.services.store;
    let device = device(&headers);
    let mut changed = 0;
    for member in store.circle(person.id).await? {
        if member.role == CircleRole::Person {
            continue;
        }
        for topic in Topic::ALL {
            let wanted = form.contains_key(&format!("share.{}.{}", member.user, topic.key()));
            let now = member.shared.contains(&topic);
            if wanted == now {
                continue;
            }
            let verb = if wanted { "Shared" } else { "Stopped sharing" };
            let basis = basis(&actor, person.id, reason);
            let mut audit = event(
                Some((actor.user, &actor.name)),
                device.clone(),
                Some(person.id),
                AuditKind::ConsentChanged,
                format!("{verb} “{}” with {}{basis}", topic.title(), member.name),
            );
            audit.before = Some(if now { "shared" } else { "not shared" }.into());
            audit.after = Some(if wanted { "shared" } else { "not shared" }.into());
            store
                .set_consent(person.id, member.user, topic, wanted, &audit)
                .await?;
            changed += 1;
        }
    }
    Ok(Redirect::to(&format!("{back}?saved={changed}")).into_response())
}

/// Whether the actor is the person whose record this is (who need give no reason).
fn is_the_person(actor: &domain::access::Actor, person: domain::PersonId) -> bool {
    actor
        .circles
        .iter()
        .any(|m| m.person == person && m.role == CircleRole::Person)
}

/// " (recorded by staff: <reason>)", or nothing for the person themself.
fn basis(actor: &domain::access::Actor, person: domain::PersonId, reason: &str) -> String {
    if is_the_person(actor, person) {
        String::new()
    } else {
        format!(" (recorded by staff: {reason})")
    }
}

/// The record `id` for someone deciding who sees what, and the page to go back to; or the
/// answer to give instead: refused, or (staff giving no basis) asked for one.
async fn consent_editor(
    state: &AppState,
    actor: &domain::access::Actor,
    id: &str,
    reason: &str,
) -> Result<Result<(domain::Person, String), Response>, Unavailable> {
    let Some((person, _)) = subject_for(state, actor, id, Action::SetConsent).await? else {
        return Ok(Err(refused()));
    };
    let back = format!("/people/{}/circle", person.id);
    if !is_the_person(actor, person.id) && reason.trim().is_empty() {
        return Ok(Err(
            Redirect::to(&format!("{back}?problem=reason")).into_response()
        ));
    }
    Ok(Ok((person, back)))
}

#[derive(Deserialize)]
pub struct EarlyWarningForm {
    indicator: String,
    contact: String,
    #[serde(default)]
    reason: String,
}

/// `POST /people/{id}/circle/early-warnings`: the person agrees that if a named indicator is
/// seen, staff may contact a named member of their circle.
async fn add_early_warning(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<EarlyWarningForm>,
) -> Result<Response, Unavailable> {
    let reason = form.reason.trim();
    let (person, back) = match consent_editor(&state, &actor, &id, reason).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let Ok(indicator) = domain::required_text(
        "What would be noticed",
        &form.indicator,
        domain::access::EarlyWarning::MAX_INDICATOR,
    ) else {
        return Ok(Redirect::to(&format!("{back}?problem=warning")).into_response());
    };
    let store = &state.services.store;
    let circle = store.circle(person.id).await?;
    let Some(contact) = circle
        .iter()
        .find(|m| m.user.to_string() == form.contact && m.role != CircleRole::Person)
    else {
        return Ok(Redirect::to(&format!("{back}?problem=warning")).into_response());
    };
    let warning = domain::access::EarlyWarning {
        id: uuid::Uuid::now_v7(),
        person: person.id,
        indicator: indicator.clone(),
        contact: contact.user,
        contact_name: contact.name.clone(),
        agreed_ms: now_ms(),
    };
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        Some(person.id),
        AuditKind::ConsentChanged,
        format!(
            "Agreed an early warning: if “{indicator}” is seen, staff may contact {}{}",
            contact.name,
            basis(&actor, person.id, reason)
        ),
    );
    audit.after = Some(indicator);
    store
        .add_early_warning(&warning, actor.user, &audit)
        .await?;
    Ok(Redirect::to(&format!("{back}?warning_saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /people/{id}/circle/early-warnings/{warning}/remove`: ends an agreement.
async fn remove_early_warning(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, warning)): Path<(String, String)>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, Unavailable> {
    let reason = form.reason.trim();
    let (person, back) = match consent_editor(&state, &actor, &id, reason).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let store = &state.services.store;
    let Some(found) = store
        .early_warnings(person.id)
        .await?
        .into_iter()
        .find(|w| w.id.to_string() == warning)
    else {
        return Ok(Redirect::to(&back).into_response());
    };
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        Some(person.id),
        AuditKind::ConsentChanged,
        format!(
            "Ended the early warning: “{}” (contact {}){}",
            found.indicator,
            found.contact_name,
            basis(&actor, person.id, reason)
        ),
    );
    audit.before = Some(found.indicator.clone());
    store
        .remove_early_warning(person.id, found.id, &audit)
        .await?;
    Ok(Redirect::to(&format!("{back}?warning_removed=1")).into_response())
}

/// A fresh single-use token (256 random bits, URL-safe).
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

impl AuditQuery {
    pub fn form(&self) -> domain::audit::AuditForm<'_> {
        domain::audit::AuditForm {
            person: self.person.as_deref(),
            user: self.user.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
}

/// `GET /audit.csv`: the audit trail the asker may read, filtered like the audit page.
async fn audit_csv(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(query): Query<AuditQuery>,
) -> Result<Response, Unavailable> {
    let store = &state.services.store;
    let Some(scope) = app::server::audit_scope(store.as_ref(), &actor).await? else {
        return Ok((StatusCode::FORBIDDEN, app::server::NO_AUDIT).into_response());
    };
    let filter = AuditFilter::from_form(scope.auditable(), query.form(), 50_000);
    let events = store.audit_events(&filter).await?;
    let csv = domain::audit::to_csv(&events, |p| scope.person_name(p), |s| scope.service_name(s));
    store
        .audit(&[event(
            Some((actor.user, &actor.name)),
            device(&headers),
            None,
            AuditKind::Exported,
            format!("Downloaded the audit trail ({} events)", events.len()),
        )])
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"circle-audit.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}
