//! The sync routes: thin drivers of `domain::sync` over the store.
//!
//! `POST /api/sync/push` and `POST /api/sync/pull` take and give JSON. A malformed, oversized
//! or inconsistent request gets a 4xx with a message and changes nothing.

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::sync::{MAX_PULL_CHANGES, PullRequest, PullResponse, PushRequest, PushResponse};
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
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// An error a sync client can show and act on.
#[derive(Debug)]
pub struct SyncError(StatusCode, String);

impl IntoResponse for SyncError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
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

async fn push(
    State(state): State<AppState>,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, SyncError> {
    let Json(request) = body?;
    request
        .validate()
        .map_err(|message| SyncError(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    let acks = state
        .services
        .store
        .sync_push(request.person, request.client, &request.mutations)
        .await?;
    Ok(Json(PushResponse { acks }))
}

async fn pull(
    State(state): State<AppState>,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullResponse>, SyncError> {
    let Json(request) = body?;
    let store = &state.services.store;
    // A plan that was never edited still exists for every person: reading it makes sure.
    let (_, version) = store.plan(request.person).await?;
    if request.since > version {
        return Err(SyncError(
            StatusCode::CONFLICT,
            format!(
                "This device is ahead of the server (at {}, server at {version}): reload the plan.",
                request.since
            ),
        ));
    }
    Ok(Json(
        store
            .sync_pull(request.person, request.since, MAX_PULL_CHANGES)
            .await?,
    ))
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
    state.services.store.plan(person).await?;
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
