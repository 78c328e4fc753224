//! The administration forms behind `/admin`: staff roles in a service, and the services
//! themselves. Only an administrator of a service changes anything about it; whoever adds a
//! service becomes its first administrator. Every change is audited against the service.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Router};
use domain::access::{Actor, StaffRole, UserId};
use domain::audit::{AuditEvent, AuditKind};
use domain::{Service, ServiceId, ServiceKind};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::account::{
    INVITATION_MS, Unavailable, account_for, device, event, new_token, token_hash,
};
use crate::auth::{NEW_LINK_KEY, now_ms};
use app::server::CurrentUser;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/staff", post(add_staff_role))
        .route("/admin/staff/remove", post(remove_staff_role))
        .route("/admin/services", post(add_service))
        .route("/admin/services/{id}", post(rename_service))
}

/// Whether `actor` administers `service`.
fn administers(actor: &Actor, service: ServiceId) -> bool {
    domain::access::administered_services(actor).contains(&service)
}

/// An administration event by `actor` about `service`.
fn service_event(
    actor: &Actor,
    headers: &HeaderMap,
    service: ServiceId,
    summary: String,
) -> AuditEvent {
    let mut event = event(
        Some((actor.user, &actor.name)),
        device(headers),
        None,
        AuditKind::Administered,
        summary,
    );
    event.service = Some(service);
    event
}

/// Writes an administration event about `service`.
async fn audit(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    service: ServiceId,
    summary: String,
) -> Result<(), Unavailable> {
    let event = service_event(actor, headers, service, summary);
    state.services.store.audit(&[event]).await?;
    Ok(())
}

/// The name of `service`, for audit summaries (its id when it has gone).
async fn service_name(state: &AppState, service: ServiceId) -> Result<String, Unavailable> {
    Ok(state
        .services
        .store
        .services()
        .await?
        .into_iter()
        .find(|s| s.id == service)
        .map_or_else(|| service.to_string(), |s| s.name))
}

fn forbidden(message: &'static str) -> Response {
    (StatusCode::FORBIDDEN, message).into_response()
}

fn problem(which: &str) -> Response {
    Redirect::to(&format!("/admin?problem={which}")).into_response()
}

#[derive(Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    name: String,
    email: String,
    service: String,
    role: String,
}

/// `POST /admin/staff`: gives someone a role in a service. A new account gets a single-use
/// link (7 days) to set its password, shown once to the administrator.
async fn add_staff_role(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<StaffForm>,
) -> Result<Response, Unavailable> {
    let service = form.service.parse::<ServiceId>().ok();
    let Some(service) = service.filter(|s| administers(&actor, *s)) else {
        return Ok(forbidden(
            "Only an administrator of that service can give roles in it.",
        ));
    };
    let email = form.email.trim().to_lowercase();
    let (Some(role), true) = (StaffRole::from_key(&form.role), email.contains('@')) else {
        return Ok(problem("staff"));
    };
    let store = &state.services.store;
    let Some(account) = account_for(store.as_ref(), &email, form.name.trim()).await? else {
        return Ok(problem("staff"));
    };
    // Nobody gives themselves a role: an administrator who could would read care records.
    if account.id == actor.user {
        return Ok(problem("grant-self"));
    }
    store
        .grant_staff_role(account.id, service, role, Some(actor.user), now_ms())
        .await?;
    if !account.has_password {
        let token = new_token();
        let created_ms = now_ms();
        store
            .put_account_invitation(
                &token_hash(&token),
                account.id,
                actor.user,
                created_ms,
                created_ms + INVITATION_MS,
            )
            .await?;
        session
            .insert(NEW_LINK_KEY, format!("/invitations/{token}"))
            .await?;
    }
    let summary = format!(
        "Gave {} the role {} at {}",
        account.name,
        role.title(),
        service_name(&state, service).await?
    );
    audit(&state, &actor, &headers, service, summary).await?;
    Ok(Redirect::to("/admin?added=1").into_response())
}

#[derive(Deserialize)]
pub struct RemoveStaffForm {
    user: String,
    service: String,
    role: String,
}

/// `POST /admin/staff/remove`: takes a role away. The user's sessions see the change at once
/// (roles are read on every request).
async fn remove_staff_role(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(form): Form<RemoveStaffForm>,
) -> Result<Response, Unavailable> {
    let (Ok(user), Ok(service), Some(role)) = (
        form.user.parse::<UserId>(),
        form.service.parse::<ServiceId>(),
        StaffRole::from_key(&form.role),
    ) else {
        return Ok(problem("staff"));
    };
    if !administers(&actor, service) {
        return Ok(forbidden(
            "Only an administrator of that service can take roles away in it.",
        ));
    }
    if user == actor.user && role == StaffRole::Admin {
        return Ok(problem("self"));
    }
    let store = &state.services.store;
    store.revoke_staff_role(user, service, role).await?;
    let who = store
        .user(user)
        .await?
        .map_or_else(|| format!("user {user}"), |u| u.name);
    let summary = format!(
        "Took the role {} at {} from {who}",
        role.title(),
        service_name(&state, service).await?
    );
    audit(&state, &actor, &headers, service, summary).await?;
    Ok(Redirect::to("/admin?removed=1").into_response())
}

#[derive(Deserialize)]
pub struct ServiceForm {
    name: String,
    #[serde(default)]
    kind: String,
}

/// A service's name as typed, checked.
fn service_name_from(form: &ServiceForm) -> Option<String> {
    domain::service::checked_name(&form.name).ok()
}

/// `POST /admin/services`: adds a service (a site registered with the CQC). The administrator
/// who adds it becomes its administrator, in the same transaction.
async fn add_service(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(form): Form<ServiceForm>,
) -> Result<Response, Unavailable> {
    if !actor.is_admin() {
        return Ok(forbidden("Only an administrator can add a service."));
    }
    let (Some(name), Some(kind)) = (service_name_from(&form), ServiceKind::from_code(&form.kind))
    else {
        return Ok(problem("service"));
    };
    let service = Service {
        id: ServiceId(uuid::Uuid::now_v7()),
        name,
        kind,
    };
    let mut audit = service_event(
        &actor,
        &headers,
        service.id,
        format!("Added the service {} ({})", service.name, kind.label()),
    );
    audit.after = Some(service.name.clone());
    state
        .services
        .store
        .save_service(&service, Some(actor.user), &audit)
        .await?;
    Ok(Redirect::to("/admin?service_added=1").into_response())
}

/// `POST /admin/services/{id}`: renames a service (its kind stays).
async fn rename_service(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ServiceForm>,
) -> Result<Response, Unavailable> {
    let Some(id) = id
        .parse::<ServiceId>()
        .ok()
        .filter(|s| administers(&actor, *s))
    else {
        return Ok(forbidden(
            "Only an administrator of that service can rename it.",
        ));
    };
    let Some(name) = service_name_from(&form) else {
        return Ok(problem("service"));
    };
    let store = &state.services.store;
    let Some(current) = store.services().await?.into_iter().find(|s| s.id == id) else {
        return Ok(problem("service"));
    };
    if current.name == name {
        return Ok(Redirect::to("/admin").into_response());
    }
    let mut audit = service_event(
        &actor,
        &headers,
        id,
        format!("Renamed the service {} to {name}", current.name),
    );
    audit.before = Some(current.name.clone());
    audit.after = Some(name.clone());
    let renamed = Service { name, ..current };
    store.save_service(&renamed, None, &audit).await?;
    Ok(Redirect::to("/admin?renamed=1").into_response())
}
