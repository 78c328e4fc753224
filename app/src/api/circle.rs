//! The person's circle (who is in it and what each sees) and the audit trail, for their pages.

use std::collections::BTreeSet;

use domain::access::{CircleRole, Topic};
use domain::audit::AuditEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// One member of the circle as the consent grid shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user: String,
    pub name: String,
    pub role: CircleRole,
    pub shared: BTreeSet<Topic>,
    /// False while they have been offered a place and not yet accepted it.
    pub accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CirclePage {
    pub person: domain::PersonId,
    pub name: String,
    pub members: Vec<MemberRow>,
    /// The person themself is setting this (no reason needed); staff record a basis.
    pub is_the_person: bool,
    /// An invitation link made just now, shown this once.
    pub new_link: Option<String>,
    pub early_warnings: Vec<domain::access::EarlyWarning>,
}

/// The circle of `id` for someone who may decide who sees what.
#[server(endpoint = "circle/get")]
pub async fn get_circle(id: String) -> Result<CirclePage, AppError> {
    crate::server::answer(async move {
        use domain::access::{Action, authorize};
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (person, subject) = crate::server::subject(store.as_ref(), &actor, &id).await?;
        authorize(&actor, subject, Topic::AboutMe, Action::SetConsent)?;
        // The page is the circle's controls: once support has ended nothing more is changed.
        if let Some(note) = person.ended_note() {
            return Err(AppError::Forbidden(format!(
                "{note}: their circle and who sees what can no longer be changed."
            )));
        }
        let members = store
            .circle(person.id)
            .await?
            .into_iter()
            .filter(|m| m.role != CircleRole::Person)
            .map(|m| MemberRow {
                user: m.user.to_string(),
                name: m.name,
                role: m.role,
                shared: m.shared,
                accepted: m.accepted,
            })
            .collect();
        let is_the_person = actor
            .circles
            .iter()
            .any(|m| m.person == person.id && m.role == CircleRole::Person);
        Ok(CirclePage {
            person: person.id,
            name: person.display_name().to_owned(),
            members,
            is_the_person,
            new_link: crate::server::take_new_link().await,
            early_warnings: store.early_warnings(person.id).await?,
        })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub event: AuditEvent,
    pub person_name: String,
    /// For an event about running a service: its name.
    pub service_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// This page's events, newest first (`domain::audit::AUDIT_PAGE_SIZE` at most).
    pub rows: Vec<AuditRow>,
    /// Which page this is (1: the newest), and whether there are newer and older pages.
    pub page: u32,
    pub has_previous: bool,
    pub has_next: bool,
    /// The records the reader may audit: id and name, for the filter.
    pub people: Vec<(String, String)>,
}

/// One page of the audit trail of the records the asker may audit, newest first, filtered.
#[server(endpoint = "audit/list")]
pub async fn get_audit(
    person: Option<String>,
    user: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
) -> Result<AuditPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let Some(scope) = crate::server::audit_scope(store.as_ref(), &actor).await? else {
            return Err(AppError::Forbidden(crate::server::NO_AUDIT.into()));
        };
        let form = domain::audit::AuditForm {
            person: person.as_deref(),
            user: user.as_deref(),
            from: from.as_deref(),
            to: to.as_deref(),
        };
        let paging = domain::audit::AuditPaging::from_query(page.as_deref());
        let filter =
            domain::audit::AuditFilter::from_form(scope.auditable(), form, paging.fetch_limit());
        let shown = paging.cut(store.audit_events(&filter).await?);
        Ok(AuditPage {
            page: shown.page,
            has_previous: shown.has_previous,
            has_next: shown.has_next,
            rows: shown
                .rows
                .into_iter()
                .map(|event| AuditRow {
                    person_name: event
                        .person
                        .map(|p| scope.person_name(p))
                        .unwrap_or_default(),
                    service_name: event
                        .service
                        .map(|s| scope.service_name(s))
                        .unwrap_or_default(),
                    event,
                })
                .collect(),
            people: scope
                .people
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect(),
        })
    })
    .await
}
