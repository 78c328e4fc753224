//! `GET /governance.csv`: the governance dashboard's figures as a spreadsheet, for registered
//! managers and nominated individuals, of the services they manage
//! (`app::api::governance::dashboard`, the same checks as the page). A row per service (and,
//! when several are shown, all of them together), figure and month. Noted in the audit trail
//! as an export.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use domain::audit::AuditKind;
use domain::governance::{Figure, monthly};
use serde::Deserialize;

use crate::AppState;
use crate::account::{Unavailable, device, event};
use crate::auth::now_ms;
use app::api::governance::{Behind, dashboard};
use app::server::CurrentUser;

pub fn routes() -> Router<AppState> {
    Router::new().route("/governance.csv", get(governance_csv))
}

#[derive(Deserialize)]
pub struct GovernanceQuery {
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    month: Option<String>,
}

async fn governance_csv(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(query): Query<GovernanceQuery>,
) -> Result<Response, Unavailable> {
    let store = &state.services.store;
    let answer = dashboard(
        store.as_ref(),
        &actor,
        query.service.as_deref(),
        query.month.as_deref(),
        Behind::Nothing,
        now_ms(),
    )
    .await;
    let (dashboard, counts) = match answer {
        Ok(answer) => answer,
        Err(app::AppError::Unavailable) => return Err(Unavailable),
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
            return Ok((status, error.to_string()).into_response());
        }
    };
    let figures_of = |service| {
        Figure::ALL
            .into_iter()
            .map(|f| (f, monthly(&counts, f, &dashboard.months, service)))
            .collect::<Vec<_>>()
    };
    let mut places: Vec<(String, Vec<_>)> = dashboard
        .services
        .iter()
        .filter(|(id, _)| dashboard.service.is_none_or(|s| s == *id))
        .map(|(id, name)| (name.clone(), figures_of(Some(*id))))
        .collect();
    if places.len() > 1 {
        places.push(("All services".to_owned(), figures_of(None)));
    }
    let csv = domain::governance::to_csv(&dashboard.months, &places);
    store
        .audit(&[event(
            Some((actor.user, &actor.name)),
            device(&headers),
            None,
            AuditKind::Exported,
            format!(
                "Downloaded the governance figures (CSV): {}, the 12 months to {}",
                dashboard.shown(),
                dashboard.month.words()
            ),
        )])
        .await?;
    let file = format!(
        "attachment; filename=\"circle-governance-{}.csv\"",
        dashboard.month
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response())
}
