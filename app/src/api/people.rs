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
    /// How the asker stands to the record (the person, staff, a member), for the wording.
    pub reader: domain::screens::Reader,
    /// The person's communication needs in one line, flagged at the top of the page (when the
    /// involvement plan is shared with the asker and they are written).
    pub communication: Option<String>,
}

/// The people the signed-in user may open, as the list shows them, strengths first (strengths
/// only where "About me" is shared with them).
#[server(endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<PersonSummary>, AppError> {
    crate::server::answer(async move {
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
    })
    .await
}

/// One person's profile. `id` comes from the URL, so it is checked here; the view is audited.
#[server(endpoint = "people/get")]
pub async fn get_person(id: String) -> Result<PersonProfile, AppError> {
    crate::server::answer(async move {
        use domain::access::{Topic, readable_topics};
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (mut person, subject) = crate::server::subject(store.as_ref(), &actor, &id).await?;
        let topics = readable_topics(&actor, subject);
        if !topics.contains(&Topic::AboutMe) {
            person.about_me = domain::AboutMe::default();
        }
        // The view is written to the audit trail while the rest is read: the page waits for
        // both (the audit entry is saved before anything is shown), not one after the other.
        let viewed = crate::server::audit(
            store.as_ref(),
            &actor,
            Some(person.id),
            domain::audit::AuditKind::Viewed,
            "Opened the profile".into(),
        );
        let reads = async {
            let service_name =
                crate::server::service_name(store.as_ref(), person.service_id).await?;
            let warnings = store.early_warnings(person.id).await?;
            let communication = if topics.contains(&Topic::Involvement) {
                let only = std::collections::BTreeSet::from([Topic::Involvement]);
                let (records, _) = store.records(person.id, Some(&only)).await?;
                let set: domain::records::RecordSet = records.into_iter().collect();
                domain::involvement::communication_banner(domain::involvement::communication(
                    &set, person.id,
                ))
            } else {
                None
            };
            Ok::<_, AppError>((service_name, warnings, communication))
        };
        let ((), reads) = futures::join!(viewed, reads);
        let (service_name, warnings, communication) = reads?;
        let early_warnings_for_me = warnings
            .into_iter()
            .filter(|w| w.contact == actor.user)
            .map(|w| w.indicator)
            .collect();
        Ok(PersonProfile {
            communication,
            reader: domain::screens::Reader::of(&actor, subject),
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
    })
    .await
}

/// A place in someone's circle offered to the signed-in user, waiting for their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub person: domain::PersonId,
    pub person_name: String,
    pub role: domain::access::CircleRole,
}

/// Care access given by an administrator at a service the reader manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareGrant {
    pub name: String,
    pub role: domain::access::StaffRole,
    pub service_name: String,
    pub granted_by: String,
    pub at_ms: i64,
}

/// What the home page tells the signed-in user before the list: places offered to them, and
/// (for registered managers and nominated individuals) care roles given at their services by
/// someone else in the last 30 days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notices {
    pub offers: Vec<Offer>,
    pub grants: Vec<CareGrant>,
}

#[server(endpoint = "people/notices")]
pub async fn home_notices() -> Result<Notices, AppError> {
    crate::server::answer(async move {
        const MONTH_MS: i64 = 30 * 24 * 60 * 60 * 1000;
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let mut offers = Vec::new();
        for offer in store.circle_offers(actor.user).await? {
            if let Some(person) = store.person(offer.person).await? {
                offers.push(Offer {
                    person: person.id,
                    person_name: person.display_name().to_owned(),
                    role: offer.role,
                });
            }
        }
        let managed = domain::access::managed_services(&actor);
        let mut grants = Vec::new();
        if !managed.is_empty() {
            let since = crate::server::now_ms() - MONTH_MS;
            let staff = store.staff().await?;
            let services = store.services().await?;
            for member in &staff {
                let (Some(by), Some(at_ms)) = (member.granted_by, member.granted_ms) else {
                    continue;
                };
                if !managed.contains(&member.service)
                    || member.role == domain::access::StaffRole::Admin
                    || by == actor.user
                    || at_ms < since
                {
                    continue;
                }
                grants.push(CareGrant {
                    name: member.name.clone(),
                    role: member.role,
                    service_name: services
                        .iter()
                        .find(|s| s.id == member.service)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    granted_by: staff
                        .iter()
                        .find(|s| s.user == by)
                        .map_or_else(|| "An administrator".to_owned(), |s| s.name.clone()),
                    at_ms,
                });
            }
            grants.sort_by_key(|g| std::cmp::Reverse(g.at_ms));
        }
        Ok(Notices { offers, grants })
    })
    .await
}
