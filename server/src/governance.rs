//! Governance for registered managers and nominated individuals, of the services they manage
//! (the same checks as the pages, in `app::api::governance`):
//!
//! * `GET /governance.csv`: the dashboard's figures as a spreadsheet, a row per service (and,
//!   when several are shown, all of them together), figure and month;
//! * `GET /governance/grid.csv`: a quarter's self-score grid, a row per dimension;
//! * `POST /governance/grid`: a manager scores a dimension of the grid, with their evidence
//!   (the form on `/governance/grid`, which works with JavaScript off), then back to the grid;
//! * `POST /governance/sampling/draw`: the nominated individual draws this quarter's two cases
//!   of a service (once: a draw stands), with a seed made here;
//! * `POST /governance/sampling/finding`: the nominated individual records what they found in
//!   a case drawn, and the follow-up actions.
//!
//! Downloads are noted in the audit trail as exports, scores, draws and findings as changes to
//! the service.

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
use app::api::governance::{Behind, dashboard, grid, managed_choice, samples, supported};
use app::server::CurrentUser;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance.csv", get(governance_csv))
        .route("/governance/grid.csv", get(grid_csv))
        .route("/governance/grid", post(score_grid))
        .route("/governance/sampling/draw", post(draw_cases))
        .route("/governance/sampling/finding", post(record_finding))
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
    let service_name = service_name(&state, service).await?;
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

/// The service a case-sampling form names, when `actor` is its nominated individual: 404 for a
/// service they do not manage (as every governance form answers), 403 for its registered
/// manager, who reads the sampling but does not draw or record it.
fn sampled_service(
    actor: &domain::access::Actor,
    asked: &str,
) -> Result<domain::ServiceId, app::AppError> {
    match managed_choice(actor, Some(asked))? {
        (_, Some(service)) if samples(actor, service) => Ok(service),
        (_, Some(_)) => Err(app::AppError::Forbidden(
            "Cases are drawn and their findings recorded by the service's nominated individual."
                .to_owned(),
        )),
        (_, None) => Err(app::AppError::NotFound),
    }
}

async fn service_name(state: &AppState, service: domain::ServiceId) -> Result<String, Unavailable> {
    Ok(state
        .services
        .store
        .services()
        .await?
        .into_iter()
        .find(|s| s.id == service)
        .map(|s| s.name)
        .unwrap_or_default())
}

#[derive(Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    service: String,
}

/// This quarter's draw of a service's cases, by its nominated individual: from the people it
/// supports who were not sampled lately, with a seed made here from the system's randomness.
/// A second draw of the same quarter (a second click, another server) leaves the first.
async fn draw_cases(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(form): Form<DrawForm>,
) -> Result<Response, Unavailable> {
    use domain::governance::grid::Quarter;
    use domain::governance::sampling::{Draw, candidates, draw};
    let service = match sampled_service(&actor, &form.service) {
        Ok(service) => service,
        Err(error) => return refused(error),
    };
    let store = &state.services.store;
    let at_ms = now_ms();
    let today =
        domain::calendar::Date::of_ms_in_london(at_ms).unwrap_or(domain::calendar::Date::MIN);
    let quarter = Quarter::of(today);
    let people = match supported(store.as_ref(), service).await {
        Ok(people) => people,
        Err(error) => return refused(error),
    };
    let from = candidates(&people, &store.case_draws(service).await?, quarter);
    let seed = uuid::Uuid::new_v4().as_u64_pair().0;
    let made = Draw {
        service,
        quarter,
        seed,
        drawn: draw(seed, &from),
        candidates: from,
        by_name: actor.name.clone(),
        at_ms,
    };
    let name = service_name(&state, service).await?;
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        None,
        AuditKind::Changed,
        format!(
            "Drew {} to sample from {}: {name}, {} (seed {})",
            domain::governance::sampling::cases_words(made.drawn.len()),
            domain::governance::sampling::people_words(made.candidates.len()),
            quarter.words(),
            made.seed_words()
        ),
    );
    audit.service = Some(service);
    let (kept, fresh) = store.record_draw(&made, actor.user, &audit).await?;
    let note = if fresh { "drawn" } else { "already" };
    Ok(Redirect::to(&format!(
        "/governance/sampling?service={service}&note={note}#quarter-{}",
        kept.quarter
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct FindingForm {
    #[serde(default)]
    service: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    actions: String,
}

/// What the nominated individual found in a case drawn, and the follow-up actions. Only a case
/// of that service's draw for that quarter takes findings: any other person is 404 and nothing
/// is written. Findings that will not do go back to the page with the problem named.
async fn record_finding(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(form): Form<FindingForm>,
) -> Result<Response, Unavailable> {
    use domain::governance::grid::Quarter;
    use domain::governance::sampling::{Finding, checked_finding};
    let service = match sampled_service(&actor, &form.service) {
        Ok(service) => service,
        Err(error) => return refused(error),
    };
    let store = &state.services.store;
    let (Ok(quarter), Ok(person)) = (
        form.quarter.trim().parse::<Quarter>(),
        form.person
            .trim()
            .parse::<uuid::Uuid>()
            .map(domain::PersonId),
    ) else {
        return refused(app::AppError::NotFound);
    };
    let drawn = store
        .case_draws(service)
        .await?
        .into_iter()
        .any(|d| d.quarter == quarter && d.drawn.contains(&person));
    if !drawn {
        return refused(app::AppError::NotFound);
    }
    let back = format!("/governance/sampling?service={service}");
    let anchor = format!("case-{quarter}-{person}");
    let (findings, actions) = match checked_finding(&form.findings, &form.actions) {
        Ok(checked) => checked,
        Err(_) => {
            return Ok(Redirect::to(&format!("{back}&problem={person}#{anchor}")).into_response());
        }
    };
    let name = store
        .person(person)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        Some(person),
        AuditKind::Changed,
        format!(
            "Recorded the findings of case sampling for {name}: {}",
            quarter.words()
        ),
    );
    audit.service = Some(service);
    audit.after = Some(findings.clone());
    let finding = Finding {
        quarter,
        person,
        findings,
        actions,
        by_name: actor.name.clone(),
        at_ms: now_ms(),
    };
    store
        .set_case_finding(service, &finding, actor.user, &audit)
        .await?;
    Ok(Redirect::to(&format!("{back}&saved={person}#{anchor}")).into_response())
}
