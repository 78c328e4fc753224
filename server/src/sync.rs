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
use domain::audit::{AuditEvent, AuditKind};
use domain::sync::{
    DeviceSync, MAX_PULL_CHANGES, PullRequest, PullResponse, PushRequest, PushResponse, Reset,
    Snapshot,
};
use futures_util::Stream;
use store::StoreError;
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

/// The API description, kept beside the routes it describes (checked by a test).
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
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
                SyncError(StatusCode::NOT_FOUND, "There is no such plan.".into())
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

async fn push(
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
    let store = &state.services.store;
    // Each edit must be to a topic this user may write (settling a conflict is a write to the
    // topic the conflict is about, which only the plan knows). One that is not is rejected,
    // its words kept on the device, and the others go on.
    let allowed = |plan: &domain::plan::Plan, op: &domain::plan::Op| {
        authorize(&actor, subject, plan.topic_of(op), Action::Write)
            .map_err(|denied| format!("{denied} This edit was not saved; its words are kept here."))
    };
    let before = store.client_seq(request.person, request.client).await?;
    let acks = store
        .sync_push_checked(request.person, request.client, &request.mutations, &allowed)
        .await?;
    // The audit trail: each edit this push decided for the first time, with what it changed.
    let at_ms = now_ms();
    let device = device_label(&headers);
    let fresh = acks.iter().any(|ack| ack.seq > before);
    let plan = if fresh {
        Some(store.plan(request.person).await?.0)
    } else {
        None
    };
    let events: Vec<AuditEvent> = acks
        .iter()
        .filter(|ack| ack.seq > before)
        .filter_map(|ack| {
            let m = request.mutations.iter().find(|m| m.seq == ack.seq)?;
            let (summary, before_text, after_text) =
                plan.as_ref()?.audit_lines(&m.op, &ack.outcome);
            Some(AuditEvent {
                id: uuid::Uuid::now_v7(),
                at_ms,
                user: Some(actor.user),
                user_name: actor.name.clone(),
                device: device.clone(),
                person: Some(request.person),
                service: None,
                kind: AuditKind::Changed,
                summary,
                before: before_text,
                after: after_text,
            })
        })
        .collect();
    if !events.is_empty()
        && let Err(error) = store.audit(&events).await
    {
        tracing::error!(%error, "could not write the audit trail for a push");
    }
    Ok(Json(PushResponse { acks }))
}

async fn pull(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullResponse>, SyncError> {
    let Json(request) = body?;
    let subject = subject(&state, request.person).await?;
    may_follow(&actor, subject)?;
    let topics = readable_topics(&actor, subject);
    let store = &state.services.store;
    // What this user may see changed since the device's copy was made (a topic shared or
    // revoked): send the plan afresh, as they may see it now, instead of changes.
    if request.topics.as_ref().is_some_and(|held| *held != topics) {
        let (plan, version) = store.plan(request.person).await?;
        let applied_through = match request.device {
            Some(device) => store.client_seq(request.person, device.client).await?,
            None => 0,
        };
        return Ok(Json(PullResponse {
            changes: Vec::new(),
            version,
            withheld: Vec::new(),
            reset: Some(Reset {
                snapshot: Snapshot {
                    plan: plan.redacted(&topics),
                    version,
                    topics,
                },
                applied_through,
            }),
        }));
    }
    // A read only: pulls never wait for (or hold) the plan's write lock.
    let response = store
        .sync_pull(request.person, request.since, MAX_PULL_CHANGES)
        .await?;
    if request.since > response.version {
        return Err(SyncError(
            StatusCode::CONFLICT,
            format!(
                "This device is ahead of the server (at {}, server at {}): reload the plan.",
                request.since, response.version
            ),
        ));
    }
    if let Some(device) = request.device {
        let server_seq = store.client_seq(request.person, device.client).await?;
        if domain::sync::is_complete(device.last_seq, server_seq, request.since, &response) {
            store
                .record_sync(&DeviceSync {
                    client: device.client,
                    person: request.person,
                    label: device_label(&headers),
                    at_ms: now_ms(),
                })
                .await?;
        }
    }
    Ok(Json(response.for_reader(&topics)))
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

/// `GET /api/sync/live?person=<id>`: server-sent events. A `changed` event (data: the new
/// version) each time the plan changes; a `resync` event when this server fell behind and the
/// device should pull. The device pulls on connect and on each event; a dropped connection is
/// re-opened by the browser's EventSource, which then pulls to catch up.
async fn live(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    query: Result<Query<LiveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, SyncError> {
    let Query(LiveQuery { person }) = query.map_err(|rejection| {
        SyncError(
            StatusCode::BAD_REQUEST,
            format!("The request was not understood: {}", rejection.body_text()),
        )
    })?;
    // Subscribe before checking the plan, so no change between the two is missed.
    let changes = state.services.store.plan_changes();
    may_follow(&actor, subject(&state, person).await?)?;
    let events = futures_util::stream::unfold(changes, move |mut changes| async move {
        loop {
            let event = match changes.recv().await {
                Ok(changed) if changed.person == person => Event::default()
                    .event("changed")
                    .data(changed.version.to_string()),
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => Event::default().event("resync").data(""),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(event), changes));
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
