use domain::{Person, PersonSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// A person's page: their record and the name of the service that supports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    pub person: Person,
    pub service_name: String,
    /// What the asker may see of this record.
    pub topics: std::collections::BTreeSet<domain::access::Topic>,
    /// Whether the asker may invite people and decide who sees what.
    pub may_manage_circle: bool,
    /// What the person agreed the asker may be contacted about (early warnings naming them).
    pub early_warnings_for_me: Vec<String>,
}

/// The people the signed-in user may open, as the list shows them, strengths first (strengths
/// only where "About me" is shared with them).
#[server(endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<PersonSummary>, AppError> {
    use domain::access::{Topic, may_open, readable_topics};
    let store = crate::server::store()?;
    let actor = crate::server::actor()?;
    let mut people = Vec::new();
    for mut summary in store.people().await? {
        let subject = summary.subject();
        if !may_open(&actor, subject) {
            continue;
        }
        if !readable_topics(&actor, subject).contains(&Topic::AboutMe) {
            summary.strengths.clear();
        }
        people.push(summary);
    }
    Ok(people)
}

/// One person's profile. `id` comes from the URL, so it is checked here; the view is audited.
#[server(endpoint = "people/get")]
pub async fn get_person(id: String) -> Result<PersonProfile, AppError> {
    use domain::access::{Topic, readable_topics};
    let store = crate::server::store()?;
    let actor = crate::server::actor()?;
    let (mut person, subject) = crate::server::subject(store.as_ref(), &actor, &id).await?;
    let topics = readable_topics(&actor, subject);
    if !topics.contains(&Topic::AboutMe) {
        person.about_me = domain::AboutMe::default();
    }
    crate::server::audit(
        store.as_ref(),
        &actor,
        Some(person.id),
        domain::audit::AuditKind::Viewed,
        "Opened the profile".into(),
    )
    .await;
    let service_name = crate::server::service_name(store.as_ref(), person.service_id).await?;
    let early_warnings_for_me = store
        .early_warnings(person.id)
        .await?
        .into_iter()
        .filter(|w| w.contact == actor.user)
        .map(|w| w.indicator)
        .collect();
    Ok(PersonProfile {
        early_warnings_for_me,
        person,
        service_name,
        topics,
        may_manage_circle: domain::access::authorize(
            &actor,
            subject,
            Topic::AboutMe,
            domain::access::Action::SetConsent,
        )
        .is_ok(),
    })
}
