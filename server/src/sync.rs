//! The sync routes: thin drivers of `domain::sync` over the store.
//!
//! `POST /api/sync/push` and `POST /api/sync/pull` take and give JSON. A malformed, oversized
//! or inconsistent request gets a 4xx with a message and changes nothing.

use app::server::CurrentUser;
use axum::Extension;
use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::access::{Action, Actor, Subject, authorize, may_open, readable_topics};
use domain::audit::Editor;
use domain::records::authority::{PushRequest, PushResponse};
use domain::records::pull::{MAX_PULL_RECORDS, PullRequest, PullResponse, is_complete};
use domain::sync::DeviceSync;
use futures_util::Stream;
use store::{StoreError, StoreEvent};
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;

/// A push of the largest batch of long edits fits; anything bigger is refused unread.
const MAX_BODY_BYTES: usize = 4 << 20;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/sync/push", post(push))
        .route("/api/sync/pull", post(pull))
        .route("/api/sync/live", get(live))
        .route("/api/openapi.json", get(openapi))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The API description, generated from the routes below and the domain's wire types.
async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(state.services.store.catalog()),
    )
}

/// An error a sync client can show and act on.
#[derive(Debug)]
pub struct SyncError(StatusCode, String);

impl IntoResponse for SyncError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

impl From<domain::access::Denied> for SyncError {
    fn from(denied: domain::access::Denied) -> Self {
        SyncError(StatusCode::FORBIDDEN, denied.to_string())
    }
}

impl From<JsonRejection> for SyncError {
    fn from(rejection: JsonRejection) -> Self {
        SyncError(
            rejection.status(),
            format!("The request was not understood: {}", rejection.body_text()),
        )
    }
}

impl From<StoreError> for SyncError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => {
                SyncError(StatusCode::NOT_FOUND, "There is no such record.".into())
            }
            other => {
                tracing::error!(error = %other, "sync store error");
                SyncError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Circle can't save just now. Your edits are kept on this device and will be sent again.".into(),
                )
            }
        }
    }
}

/// Whose plan it is and which service supports them; not found for an unknown person.
async fn subject(state: &AppState, person: domain::PersonId) -> Result<Subject, SyncError> {
    let person = state
        .services
        .store
        .person(person)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Subject {
        person: person.id,
        service: person.service_id,
    })
}

/// A device may follow a plan only when its user may open that record.
fn may_follow(actor: &Actor, subject: Subject) -> Result<(), SyncError> {
    if may_open(actor, subject) {
        Ok(())
    } else {
        Err(domain::access::Denied::NotInCircle.into())
    }
}

/// A device belongs to the user who first used it: anyone else naming it is refused, so that
/// nobody can read another device's stored outcomes or spend its edit numbers.
async fn own_device(
    state: &AppState,
    actor: &Actor,
    client: domain::sync::ClientId,
) -> Result<(), SyncError> {
    if state
        .services
        .store
        .claim_device(client, actor.user, now_ms())
        .await?
    {
        Ok(())
    } else {
        Err(SyncError(
            StatusCode::FORBIDDEN,
            "This device is registered to another account. Sign out and sign in again on this device; nothing was changed."
                .into(),
        ))
    }
}

/// Send a device's pending edits to one person's record.
///
/// Mutations are processed in their sequence order; one after a gap gets no ack and is sent
/// again later. A replayed mutation returns its stored outcome and changes nothing. Each ack is
/// sent once its edit is durable on disk. At most 500 mutations and 4 MiB per push. An edit
/// queued in the single-document plan's format (schema 1) is upgraded, not refused.
#[utoipa::path(
    post,
    path = "/api/sync/push",
    request_body = PushRequest,
    responses(
        (status = 200, description = "An ack for every mutation processed now or before", body = PushResponse),
        (status = 400, description = "Not JSON", body = crate::openapi::ApiError),
        (status = 401, description = "Not signed in: sign in again; edits stay on the device", body = crate::openapi::ApiError),
        (status = 403, description = "Not this user's record or device; nothing changed", body = crate::openapi::ApiError),
        (status = 404, description = "No such person", body = crate::openapi::ApiError),
        (status = 413, description = "The body is over 4 MiB"),
        (status = 415, description = "Not sent as JSON", body = crate::openapi::ApiError),
        (status = 422, description = "The request does not hold together (batch too long, another device's edits)", body = crate::openapi::ApiError),
        (status = 503, description = "Not saved just now; send again", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn push(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, SyncError> {
    let Json(request) = body?;
    request
        .validate()
        .map_err(|message| SyncError(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    let subject = subject(&state, request.person).await?;
    may_follow(&actor, subject)?;
    own_device(&state, &actor, request.client).await?;
    let store = &state.services.store;
    // Each edit must be to a topic this user may write: that of the record it changes (of the
    // record a new one belongs to; for settling a conflict, the topic the conflict is about).
    // One that is not is rejected, its words kept on the device, and the others go on.
    // And whose view it records (an observation's voice) must be the writer's own, or for
    // staff the person's, written down with them.
    let catalog = store.catalog().clone();
    let reader = domain::screens::Reader::of(&actor, subject);
    let allowed = |records: &domain::records::RecordSet, op: &domain::records::RecordOp| {
        let topic = domain::records::engine::topic_of(records, op, &catalog).ok_or_else(|| {
            "That part of the record does not exist. This edit was not saved; its words are kept here."
                .to_owned()
        })?;
        authorize(&actor, subject, topic, Action::Write).map_err(|denied| {
            format!("{denied} This edit was not saved; its words are kept here.")
        })?;
        domain::records::engine::voices_allowed(op, &catalog, |voice| reader.may_speak_as(voice))
            .map_err(|reason| format!("{reason} This edit was not saved; it is kept here."))
    };
    // Every edit decided by this push is audited in its transaction, with what it changed.
    let editor = Editor {
        user: Some(actor.user),
        name: actor.name.clone(),
        device: device_label(&headers),
        at_ms: now_ms(),
    };
    let acks = store
        .push(
            request.person,
            request.client,
            &request.mutations,
            &allowed,
            &editor,
        )
        .await?;
    Ok(Json(PushResponse { acks }))
}

/// The records of one person changed after a cursor, as the reader may see them.
///
/// At most 1,000 records; pull again from `through` until it equals `version`. A device whose
/// copy was made under other topics gets `reset` and the copy afresh; `gone` lists records it
/// may no longer read.
#[utoipa::path(
    post,
    path = "/api/sync/pull",
    request_body = PullRequest,
    responses(
        (status = 200, description = "Changed records in server order", body = PullResponse),
        (status = 400, description = "Not JSON", body = crate::openapi::ApiError),
        (status = 401, description = "Not signed in", body = crate::openapi::ApiError),
        (status = 403, description = "Not this user's record or device", body = crate::openapi::ApiError),
        (status = 404, description = "No such person", body = crate::openapi::ApiError),
        (status = 409, description = "The device is ahead of the server: reload", body = crate::openapi::ApiError),
        (status = 503, description = "The database cannot answer just now", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn pull(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullResponse>, SyncError> {
    let Json(request) = body?;
    let subject = subject(&state, request.person).await?;
    may_follow(&actor, subject)?;
    let device = request.device.map(|d| d.client);
    if let Some(client) = device {
        own_device(&state, &actor, client).await?;
    }
    let topics = readable_topics(&actor, subject);
    let store = &state.services.store;
    // What this user may see changed since the device's copy was made (a topic shared or
    // revoked): send the copy afresh, as they may see it now, instead of changes.
    if request.topics.as_ref().is_some_and(|held| *held != topics) {
        let (records, version) = store.records(request.person, Some(&topics)).await?;
        return Ok(Json(PullResponse::afresh(records, version, topics)));
    }
    // A read only: pulls never wait for (or hold) the person's write lock.
    let (changed, version) = store
        .changed_records(request.person, request.since, MAX_PULL_RECORDS)
        .await?;
    if request.since > version {
        return Err(SyncError(
            StatusCode::CONFLICT,
            format!(
                "This device is ahead of the server (at {}, server at {version}): reload the page.",
                request.since
            ),
        ));
    }
    let response = PullResponse::for_reader(request.since, changed, version, &topics);
    if let Some(device) = request.device {
        let server_seq = store.client_seq(request.person, device.client).await?;
        if is_complete(device.last_seq, server_seq, &response) {
            store
                .record_sync(&DeviceSync {
                    client: device.client,
                    person: request.person,
                    label: device_label(&headers),
                    at_ms: now_ms(),
                    owner: None,
                    owner_name: String::new(),
                })
                .await?;
        }
    }
    Ok(Json(response))
}

use crate::auth::now_ms;

/// "Chrome on Android": enough for a manager to recognise a device, nothing more.
fn device_label(headers: &HeaderMap) -> String {
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    domain::sync::device_label(agent)
}

#[derive(Debug, serde::Deserialize)]
pub struct LiveQuery {
    person: domain::PersonId,
}

/// How often a live channel checks that its session still stands even when nothing happens
/// (a session that ended by idling, with no event to say so).
const LIVE_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// `GET /api/sync/live?person=<id>`: server-sent events. A `changed` event (data: the new
/// version) each time the plan changes; a `resync` event when this server may have missed
/// changes and the device should pull. The device pulls on connect and on each event; a dropped
/// connection is re-opened by the device, which then pulls to catch up.
///
/// The channel ends as soon as its user may no longer follow the plan: their session ended
/// (signed out here or everywhere, or idle), a role was taken away, the person's record was
/// closed to them. It checks again whenever their access changes, and every minute.
#[utoipa::path(
    get,
    path = "/api/sync/live",
    params(("person" = uuid::Uuid, Query, description = "Whose record to follow")),
    responses(
        (status = 200, description = "`event: changed` with the new version as data, or `event: resync` when the device should pull", body = String, content_type = "text/event-stream"),
        (status = 400, description = "No person given", body = crate::openapi::ApiError),
        (status = 401, description = "Not signed in", body = crate::openapi::ApiError),
        (status = 403, description = "Not in this person's circle", body = crate::openapi::ApiError),
        (status = 404, description = "No such person", body = crate::openapi::ApiError),
    )
)]
pub(crate) async fn live(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    session: tower_sessions::Session,
    query: Result<Query<LiveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, SyncError> {
    let Query(LiveQuery { person }) = query.map_err(|rejection| {
        SyncError(
            StatusCode::BAD_REQUEST,
            format!("The request was not understood: {}", rejection.body_text()),
        )
    })?;
    // Subscribe before checking the plan, so no change between the two is missed.
    let events = state.services.store.events();
    let subject = subject(&state, person).await?;
    may_follow(&actor, subject)?;
    let watch = Watch {
        state: state.clone(),
        user: actor.user,
        session: session.id().map(|id| id.to_string()),
        person,
    };
    let stream =
        futures_util::stream::unfold((events, watch), move |(mut events, watch)| async move {
            loop {
                let next = tokio::time::timeout(LIVE_RECHECK, events.recv()).await;
                let event = match next {
                    Err(_elapsed) => {
                        if !watch.still_allowed().await {
                            return None;
                        }
                        continue;
                    }
                    Ok(Ok(StoreEvent::Plan(changed))) if changed.person == person => {
                        Event::default()
                            .event("changed")
                            .data(changed.version.to_string())
                    }
                    Ok(Ok(StoreEvent::Plan(_))) => continue,
                    Ok(Ok(StoreEvent::Access(user))) if user == watch.user => {
                        if !watch.still_allowed().await {
                            return None;
                        }
                        // What they may see may have changed: their device pulls and learns.
                        // (An event with no data is never delivered by a browser.)
                        Event::default().event("resync").data("pull")
                    }
                    Ok(Ok(StoreEvent::Access(_))) => continue,
                    // The person moved or their support ended: staff of the old service may
                    // no longer follow; those who still may pull what changed.
                    Ok(Ok(StoreEvent::Support(moved))) if moved == person => {
                        if !watch.still_allowed().await {
                            return None;
                        }
                        Event::default().event("resync").data("pull")
                    }
                    Ok(Ok(StoreEvent::Support(_))) => continue,
                    Ok(Ok(StoreEvent::Resync)) | Ok(Err(RecvError::Lagged(_))) => {
                        if !watch.still_allowed().await {
                            return None;
                        }
                        Event::default().event("resync").data("pull")
                    }
                    Ok(Err(RecvError::Closed)) => return None,
                };
                return Some((Ok(event), (events, watch)));
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// What a live channel checks to know it may go on.
struct Watch {
    state: AppState,
    user: domain::access::UserId,
    session: Option<String>,
    person: domain::PersonId,
}

impl Watch {
    /// The session still stands and its user may still open the record, as it stands now (the
    /// person may have moved to another service since the channel opened). A database that
    /// cannot answer ends the channel too: the device re-opens it and is checked afresh.
    async fn still_allowed(&self) -> bool {
        let store = &self.state.services.store;
        let Some(session) = &self.session else {
            return false;
        };
        match store.session(session, now_ms()).await {
            Ok(Some(_)) => {}
            _ => return false,
        }
        let Ok(subject) = subject(&self.state, self.person).await else {
            return false;
        };
        match store.actor(self.user).await {
            Ok(Some(actor)) => may_open(&actor, subject),
            _ => false,
        }
    }
}
