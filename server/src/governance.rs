//! Governance for registered managers and nominated individuals, of the services they manage
//! (the same checks as the pages, in `app::api::governance`):
//!
//! * `GET /governance.csv`: the dashboard's figures as a spreadsheet, a row per service (and,
//!   when several are shown, all of them together), figure and month;
//! * `GET /governance/grid.csv`: a quarter's self-score grid, a row per dimension;
//! * `POST /governance/grid`: a manager scores a dimension of the grid, with their evidence
//!   (the form on `/governance/grid`, which works with JavaScript off), then back to the grid.
//!
//! Downloads are noted in the audit trail as exports, scores as changes to the service.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::audit::AuditKind;
use domain::governance::{Figure, monthly};
use serde::Deserialize;

use crate::AppState;
use crate::account::{Unavailable, device, event};
use crate::auth::now_ms;
use app::api::governance::{Behind, dashboard, grid, managed_choice};
use app::server::CurrentUser;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance.csv", get(governance_csv))
        .route("/governance/grid.csv", get(grid_csv))
        .route("/governance/grid", post(score_grid))
}

#[derive(Deserialize)]
pub struct GovernanceQuery {
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    quarter: Option<String>,
}

/// A page's refusal (not a manager, another service, a bad month) as its status and words.
fn refused(error: app::AppError) -> Result<Response, Unavailable> {
    match error {
        app::AppError::Unavailable => Err(Unavailable),
        error => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
            Ok((status, error.to_string()).into_response())
        }
    }
}

/// A CSV file to download, named `name`.
fn csv_file(name: &str, csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
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
    Ok(csv_file(
        &format!("circle-governance-{}.csv", dashboard.month),
        csv,
    ))
}

async fn grid_csv(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(query): Query<GovernanceQuery>,
) -> Result<Response, Unavailable> {
    let store = &state.services.store;
    let page = match grid(
        store.as_ref(),
        &actor,
        query.service.as_deref(),
        query.quarter.as_deref(),
        now_ms(),
    )
    .await
    {
        Ok(page) => page,
        Err(error) => return refused(error),
    };
    let service = page.service_name();
    let csv = domain::governance::grid::to_csv(&service, page.quarter, &page.lines);
    store
        .audit(&[event(
            Some((actor.user, &actor.name)),
            device(&headers),
            None,
            AuditKind::Exported,
            format!(
                "Downloaded the self-score grid (CSV): {service}, {}",
                page.quarter.words()
            ),
        )])
        .await?;
    Ok(csv_file(
        &format!("circle-self-score-{}.csv", page.quarter),
        csv,
    ))
}

#[derive(Deserialize)]
pub struct ScoreForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    dimension: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    evidence: String,
}

/// A manager's score of one dimension of a service's grid for a quarter. A service they do not
/// manage is 404 and nothing is written; a score or evidence that will not do goes back to the
/// grid with the problem named.
async fn score_grid(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(form): Form<ScoreForm>,
) -> Result<Response, Unavailable> {
    use domain::governance::grid::{Dimension, ManualScore, Quarter, checked_score};
    let service = match managed_choice(&actor, Some(&form.service)) {
        Ok((_, Some(service))) => service,
        Ok((_, None)) => return refused(app::AppError::NotFound),
        Err(error) => return refused(error),
    };
    let (Ok(quarter), Some(dimension)) = (
        form.quarter.parse::<Quarter>(),
        Dimension::of(form.dimension.trim()),
    ) else {
        return refused(app::AppError::Invalid(
            "That is not a quarter and dimension of the grid.".to_owned(),
        ));
    };
    let back = format!("/governance/grid?service={service}&quarter={quarter}");
    let (score, evidence) = match checked_score(&form.score, &form.evidence) {
        Ok(checked) => checked,
        Err(_) => {
            return Ok(Redirect::to(&format!(
                "{back}&problem={}#dimension-{}",
                dimension.key(),
                dimension.key()
            ))
            .into_response());
        }
    };
    let store = &state.services.store;
    let service_name = store
        .services()
        .await?
        .into_iter()
        .find(|s| s.id == service)
        .map(|s| s.name)
        .unwrap_or_default();
    let at_ms = now_ms();
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        None,
        AuditKind::Changed,
        format!(
            "Scored “{}” {score} of 2 on the self-score grid: {service_name}, {}",
            dimension.title(),
            quarter.words()
        ),
    );
    audit.service = Some(service);
    audit.after = Some(evidence.clone());
    let scored = ManualScore {
        quarter,
        dimension,
        score,
        evidence,
        by_name: actor.name.clone(),
        at_ms,
    };
    store
        .set_grid_score(service, &scored, actor.user, &audit)
        .await?;
    Ok(Redirect::to(&format!(
        "{back}&saved={}#dimension-{}",
        dimension.key(),
        dimension.key()
    ))
    .into_response())
}
