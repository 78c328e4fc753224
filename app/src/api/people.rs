use domain::{Person, PersonSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// A person's page: their record and the name of the service that supports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    pub person: Person,
    pub service_name: String,
}

/// Everyone supported, as the list shows them, strengths first.
#[server(endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<PersonSummary>, AppError> {
    Ok(crate::server::store()?.people().await?)
}

/// One person's profile. `id` comes from the URL, so it is checked here.
#[server(endpoint = "people/get")]
pub async fn get_person(id: String) -> Result<PersonProfile, AppError> {
    let id: domain::PersonId = id.parse().map_err(|_| AppError::NotFound)?;
    let store = crate::server::store()?;
    let person = store.person(id).await?.ok_or(AppError::NotFound)?;
    let service_name = store
        .services()
        .await?
        .into_iter()
        .find(|s| s.id == person.service_id)
        .map(|s| s.name)
        .unwrap_or_default();
    Ok(PersonProfile {
        person,
        service_name,
    })
}
