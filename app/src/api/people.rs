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
    /// Whether the person asked for easy read (block 2): their page then leads with the plan
    /// in easy read.
    pub easy_read: bool,
    /// Whether the asker may move the person to another service or end their support (a
    /// manager of their service, while it supports them).
    pub may_manage_support: bool,
    /// Whether the asker may print or download the record (staff and the person).
    pub may_export: bool,
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
            let (communication, easy_read) = if topics.contains(&Topic::Involvement) {
                let only = std::collections::BTreeSet::from([Topic::Involvement]);
                let (records, _) = store.records(person.id, Some(&only)).await?;
                let set: domain::records::RecordSet = records.into_iter().collect();
                let record = domain::involvement::communication(&set, person.id);
                (
                    domain::involvement::communication_banner(record),
                    domain::involvement::wants_easy_read(record),
                )
            } else {
                (None, false)
            };
            Ok::<_, AppError>((service_name, warnings, communication, easy_read))
        };
        let ((), reads) = futures::join!(viewed, reads);
        let (service_name, warnings, communication, easy_read) = reads?;
        let early_warnings_for_me = warnings
            .into_iter()
            .filter(|w| w.contact == actor.user)
            .map(|w| w.indicator)
            .collect();
        Ok(PersonProfile {
            communication,
            easy_read,
            reader: domain::screens::Reader::of(&actor, subject),
            early_warnings_for_me,
            service_name,
            topics,
            may_manage_support: domain::people::may_manage_support(&actor, &person),
            may_export: domain::access::authorize(
                &actor,
                subject,
                Topic::AboutMe,
                domain::access::Action::Export,
            )
            .is_ok(),
            // Nothing more is written to the record of someone whose support ended.
            may_manage_circle: !person.has_ended()
                && domain::access::authorize(
                    &actor,
                    subject,
                    Topic::AboutMe,
                    domain::access::Action::SetConsent,
                )
                .is_ok(),
            person,
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
    /// Actions agreed at meetings and not done by their date: the reader's own, and for a
    /// registered manager every one at their services. Oldest first.
    pub overdue: Vec<OverdueAction>,
    /// The reader is care staff of a service, so may add people to it.
    pub may_add_people: bool,
}

/// An action past its date, with whose record it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueAction {
    pub person: domain::PersonId,
    pub person_name: String,
    pub what: String,
    /// "Tom Reed, by Thu 3 Dec 2026".
    pub owner_and_date: String,
    pub due_on: domain::calendar::Date,
}

/// The overdue actions `actor` should see: in the records of everyone they may open whose
/// meetings they may read, those they own, and every one where they manage the service.
#[cfg(feature = "ssr")]
async fn overdue_actions(
    store: &dyn store::Store,
    actor: &domain::access::Actor,
) -> Result<Vec<OverdueAction>, AppError> {
    use domain::access::{Topic, may_open, readable_topics};
    let today = domain::calendar::Date::of_ms_in_london(crate::server::now_ms())
        .unwrap_or(domain::calendar::Date::MIN);
    let managed = domain::access::managed_services(actor);
    let meetings = std::collections::BTreeSet::from([Topic::MeetingsAndReviews]);
    let mut out = Vec::new();
    for person in store.people().await? {
        let subject = person.subject();
        if !may_open(actor, subject)
            || !readable_topics(actor, subject).contains(&Topic::MeetingsAndReviews)
        {
            continue;
        }
        let (records, _) = store.records(person.id, Some(&meetings)).await?;
        let set: domain::records::RecordSet = records.into_iter().collect();
        let all = domain::reviews::overdue_actions(&set, today);
        let shown = if managed.contains(&person.service_id) {
            all
        } else {
            domain::reviews::owned_by(&all, &actor.name)
        };
        out.extend(shown.into_iter().filter_map(|a| {
            Some(OverdueAction {
                person: person.id,
                person_name: person.display_name.clone(),
                owner_and_date: a.owner_and_date(),
                due_on: a.due_on?,
                what: a.what,
            })
        }));
    }
    out.sort_by(|a, b| (a.due_on, &a.person_name).cmp(&(b.due_on, &b.person_name)));
    Ok(out)
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
        Ok(Notices {
            overdue: overdue_actions(store.as_ref(), &actor).await?,
            offers,
            grants,
            may_add_people: !domain::people::services_to_add_to(&actor).is_empty(),
        })
    })
    .await
}

/// Where the forms of `/people/new` leave their answer in the session for the page to show
/// once (the page is sent after a redirect, so it works with JavaScript off).
pub const ADDING_KEY: &str = "adding_people";

/// What the last "Add a person" or "Import from a file" form came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Adding {
    /// The person was not added: what was typed (to fill the form again), and each problem
    /// with the `id` of the field it concerns.
    Refused {
        typed: domain::people::NewPerson,
        service: String,
        problems: Vec<(String, String)>,
    },
    /// Nothing of the file was added, and why.
    ImportRefused(domain::people::import::Refusal),
    /// Everyone in the file was added: their ids and names.
    Imported(Vec<(domain::PersonId, String)>),
}

/// A service someone may be added to or moved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    pub id: String,
    pub name: String,
}

/// `/people/new`: the services the asker may add people to, and the answer to their last form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddingPage {
    pub services: Vec<ServiceChoice>,
    pub last: Option<Adding>,
    /// The UK date today (`yyyy-mm-dd`): the latest date of birth the form offers.
    pub today: String,
}

#[server(endpoint = "people/adding")]
pub async fn get_adding() -> Result<AddingPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let mine = domain::people::services_to_add_to(&actor);
        if mine.is_empty() {
            return Err(AppError::Forbidden(
                "Adding people is for the staff of a service.".into(),
            ));
        }
        let services = store
            .services()
            .await?
            .into_iter()
            .filter(|s| mine.contains(&s.id))
            .map(|s| ServiceChoice {
                id: s.id.to_string(),
                name: s.name,
            })
            .collect();
        let today = domain::calendar::Date::of_ms_in_london(crate::server::now_ms())
            .map(|d| d.to_string())
            .unwrap_or_default();
        Ok(AddingPage {
            today,
            services,
            last: crate::server::take_from_session(ADDING_KEY).await,
        })
    })
    .await
}

/// `/people/:id/manage`: whom a manager may move, and where to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagePage {
    pub person: domain::PersonId,
    pub name: String,
    pub service_name: String,
    /// The services the person may be moved to (others the asker manages).
    pub targets: Vec<ServiceChoice>,
}

/// The manager's page for one person. Anyone else (and everyone, once support has ended) is
/// told the page is not for them; someone who may not open the record finds no such page.
#[server(endpoint = "people/manage")]
pub async fn get_manage(id: String) -> Result<ManagePage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (person, _) = crate::server::subject(store.as_ref(), &actor, &id).await?;
        if !domain::people::may_manage_support(&actor, &person) {
            return Err(AppError::Forbidden(
                "Only a manager of the service supporting this person can move them or end their support."
                    .into(),
            ));
        }
        let targets = domain::people::move_targets(&actor, &person);
        let services = store.services().await?;
        let service_name = services
            .iter()
            .find(|s| s.id == person.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        Ok(ManagePage {
            person: person.id,
            name: person.display_name().to_owned(),
            service_name,
            targets: services
                .into_iter()
                .filter(|s| targets.contains(&s.id))
                .map(|s| ServiceChoice {
                    id: s.id.to_string(),
                    name: s.name,
                })
                .collect(),
        })
    })
    .await
}
