//! The forms behind `/people/new` and `/people/:id/manage`: staff add someone to a service
//! they work in, one at a time or from a CSV file; a manager moves someone to another service
//! they manage, or ends their support. Every id in a request is checked against the actor
//! (a service they are not staff of, a person they may not open or do not manage, is refused
//! and nothing is written); every change is audited with the person set, in the transaction
//! that makes it. The answer goes back to the page in the session (`app::api::people::Adding`)
//! or as a query parameter, so the forms work with JavaScript off.

use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Router};
use domain::access::Actor;
use domain::audit::{AuditEvent, AuditKind};
use domain::calendar::Date;
use domain::people::{NewPerson, import};
use domain::{Person, PersonId, ServiceId};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::account::{Unavailable, device, event};
use crate::auth::now_ms;
use app::api::people::{ADDING_KEY, Adding};
use app::server::CurrentUser;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/add", post(add_person))
        .route(
            "/people/import",
            // The guard already refuses bodies over 4 MiB; room here for a file just over the
            // 1 MiB the import reads, so that it is told so in words rather than cut off.
            post(import_people).layer(DefaultBodyLimit::max(4 << 20)),
        )
        .route("/people/{id}/move", post(move_person))
        .route("/people/{id}/end-support", post(end_support))
}

fn forbidden(message: &'static str) -> Response {
    (StatusCode::FORBIDDEN, message).into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is no such person.").into_response()
}

/// The UK date now, for dates of birth.
fn today() -> Option<Date> {
    Date::of_ms_in_london(now_ms())
}

/// `service` as the form sent it, if `actor` may add people to it.
fn service_for_adding(actor: &Actor, service: &str) -> Option<ServiceId> {
    service
        .parse::<ServiceId>()
        .ok()
        .filter(|s| domain::people::services_to_add_to(actor).contains(s))
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

/// The audit event of adding `person` to the service named `service`.
fn added(actor: &Actor, headers: &HeaderMap, person: &Person, service: &str) -> AuditEvent {
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(headers),
        Some(person.id),
        AuditKind::Changed,
        format!("Added {} to {service}", person.name),
    );
    let mut details = vec![format!("Name: {}", person.name)];
    details.extend(
        person
            .preferred_name
            .as_ref()
            .map(|n| format!("Preferred name: {n}")),
    );
    details.extend(person.pronouns.as_ref().map(|p| format!("Pronouns: {p}")));
    details.extend(person.date_of_birth.map(|d| format!("Date of birth: {d}")));
    audit.after = Some(details.join("; "));
    audit
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    preferred_name: String,
    #[serde(default)]
    pronouns: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    service: String,
}

/// `POST /people/add`: adds one person to a service the actor works in, with an empty
/// record, and opens their page. A form that breaks a rule comes back filled in, with every
/// problem named.
async fn add_person(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> Result<Response, Unavailable> {
    let Some(service) = service_for_adding(&actor, &form.service) else {
        return Ok(forbidden(
            "You can add people only to a service you work in. Nothing was added.",
        ));
    };
    let Some(today) = today() else {
        return Err(Unavailable);
    };
    let typed = NewPerson {
        name: form.name,
        preferred_name: form.preferred_name,
        pronouns: form.pronouns,
        date_of_birth: form.date_of_birth,
    };
    let problems = typed.problems(today);
    let person = match typed.check(PersonId(uuid::Uuid::now_v7()), service, today) {
        Ok(person) if problems.is_empty() => person,
        _ => {
            let refused = Adding::Refused {
                problems: problems
                    .into_iter()
                    .map(|(field, error)| (field.to_owned(), error.to_string()))
                    .collect(),
                typed,
                service: service.to_string(),
            };
            session.insert(ADDING_KEY, refused).await?;
            return Ok(Redirect::to("/people/new?problem=add").into_response());
        }
    };
    let audit = added(
        &actor,
        &headers,
        &person,
        &service_name(&state, service).await?,
    );
    state
        .services
        .store
        .add_people(std::slice::from_ref(&person), &[audit])
        .await?;
    Ok(Redirect::to(&format!("/people/{}?added=1", person.id)).into_response())
}

/// `POST /people/import` (multipart: `service`, `file`): adds everyone in a CSV file to a
/// service the actor works in, all in one transaction, or nobody: the page then lists every
/// row refused, by line, so the file can be fixed and sent again.
async fn import_people(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, Unavailable> {
    let unreadable = || {
        (
            StatusCode::BAD_REQUEST,
            "That upload couldn't be read. Go back, choose the file again and send it.",
        )
            .into_response()
    };
    let mut service = String::new();
    let mut file = Vec::new();
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Ok(unreadable()),
        };
        match field.name() {
            Some("service") => {
                let Ok(text) = field.text().await else {
                    return Ok(unreadable());
                };
                service = text;
            }
            Some("file") => {
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) if file.len() + chunk.len() > import::MAX_BYTES => {
                            too_large = true;
                            break;
                        }
                        Ok(Some(chunk)) => file.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(_) => return Ok(unreadable()),
                    }
                }
            }
            _ => {}
        }
        if too_large {
            break;
        }
    }
    let Some(service) = service_for_adding(&actor, &service) else {
        return Ok(forbidden(
            "You can add people only to a service you work in. Nothing was added.",
        ));
    };
    let Some(today) = today() else {
        return Err(Unavailable);
    };
    let read = if too_large {
        Err(import::too_large())
    } else {
        import::read(&file, service, today, || PersonId(uuid::Uuid::now_v7()))
    };
    let people = match read {
        Ok(people) => people,
        Err(refusal) => {
            session
                .insert(ADDING_KEY, Adding::ImportRefused(refusal))
                .await?;
            return Ok(Redirect::to("/people/new?problem=import").into_response());
        }
    };
    let name = service_name(&state, service).await?;
    let audit: Vec<AuditEvent> = people
        .iter()
        .map(|p| added(&actor, &headers, p, &name))
        .collect();
    state.services.store.add_people(&people, &audit).await?;
    let added = people
        .iter()
        .map(|p| (p.id, p.display_name().to_owned()))
        .collect();
    session.insert(ADDING_KEY, Adding::Imported(added)).await?;
    Ok(Redirect::to("/people/new?imported=1").into_response())
}

/// The person `id` names, when the actor manages their support. A person the actor may not
/// open is not found (as their pages are); one they may open but not manage is forbidden.
async fn managed_person(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Result<Person, Response>, Unavailable> {
    let Ok(id) = id.parse::<PersonId>() else {
        return Ok(Err(not_found()));
    };
    let Some(person) = state.services.store.person(id).await? else {
        return Ok(Err(not_found()));
    };
    let subject = domain::access::Subject {
        person: person.id,
        service: person.service_id,
    };
    if !domain::access::may_open(actor, subject) {
        return Ok(Err(not_found()));
    }
    if !domain::people::may_manage_support(actor, &person) {
        return Ok(Err(forbidden(
            "Only a manager of the service supporting this person can move them or end their support. Nothing was changed.",
        )));
    }
    Ok(Ok(person))
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
}

/// `POST /people/{id}/move`: a manager of the person's service moves them to another service
/// they manage. Their record goes with them; its readers change with the service.
async fn move_person(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, Unavailable> {
    let person = match managed_person(&state, &actor, &id).await? {
        Ok(person) => person,
        Err(refused) => return Ok(refused),
    };
    let manage = format!("/people/{}/manage", person.id);
    let Some(to) = form
        .to
        .parse::<ServiceId>()
        .ok()
        .filter(|s| domain::people::move_targets(&actor, &person).contains(s))
    else {
        return Ok(Redirect::to(&format!("{manage}?problem=move")).into_response());
    };
    let (from_name, to_name) = (
        service_name(&state, person.service_id).await?,
        service_name(&state, to).await?,
    );
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        Some(person.id),
        AuditKind::Changed,
        format!("Moved {} from {from_name} to {to_name}", person.name),
    );
    audit.before = Some(from_name);
    audit.after = Some(to_name);
    let moved = state
        .services
        .store
        .move_person(person.id, person.service_id, to, &audit)
        .await?;
    if !moved {
        return Ok(Redirect::to(&format!("{manage}?problem=changed")).into_response());
    }
    Ok(Redirect::to(&format!("/people/{}?moved=1", person.id)).into_response())
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /people/{id}/end-support`: a manager of the person's service ends their support,
/// once they have ticked that they understand what it does. The record is kept to read and
/// nothing more is written to it; the person leaves the lists.
async fn end_support(
    State(state): State<AppState>,
    Extension(CurrentUser(actor)): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<EndForm>,
) -> Result<Response, Unavailable> {
    let person = match managed_person(&state, &actor, &id).await? {
        Ok(person) => person,
        Err(refused) => return Ok(refused),
    };
    if form.confirm != "yes" {
        return Ok(
            Redirect::to(&format!("/people/{}/manage?problem=confirm", person.id)).into_response(),
        );
    }
    let at_ms = now_ms();
    let service = service_name(&state, person.service_id).await?;
    let mut audit = event(
        Some((actor.user, &actor.name)),
        device(&headers),
        Some(person.id),
        AuditKind::Changed,
        format!("Ended the support of {} at {service}", person.name),
    );
    audit.at_ms = at_ms;
    audit.before = Some(format!("Supported by {service}"));
    audit.after = Some(domain::people::ended_note(at_ms));
    let ended = state
        .services
        .store
        .end_support(person.id, person.service_id, at_ms, &audit)
        .await?;
    if !ended {
        return Ok(
            Redirect::to(&format!("/people/{}/manage?problem=changed", person.id)).into_response(),
        );
    }
    Ok(Redirect::to(&format!("/people/{}?ended=1", person.id)).into_response())
}
