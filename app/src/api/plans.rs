use domain::PersonId;
use domain::records::pull::Snapshot;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// What the plan editor starts from: whose record it is, the records of it the reader may
/// read as the server holds them, and the reader's name (for their own edits on screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPage {
    pub person: PersonId,
    pub name: String,
    pub snapshot: Snapshot,
    pub me: String,
    /// Whether the reader may change anything of the record (the person and their staff; a
    /// member, only what is shared with them).
    pub may_write: bool,
    /// The reader is the person themself.
    pub is_the_person: bool,
    /// How the reader stands to the record, for the wording.
    pub reader: domain::screens::Reader,
    /// The shared texts (meeting notes) as they read, shown until the browser has loaded the
    /// text merger (see `domain::records::shared`).
    pub texts: Vec<domain::records::shared::SharedText>,
    /// Today in the UK, as the server saw it: dates worked out from it (the next meetings) are
    /// the same on the server's page and in the browser that hydrates it.
    pub today: domain::calendar::Date,
    /// Now, as the server saw it (milliseconds since 1970): clocks (an advocacy referral's 48
    /// hours) start from it, so the page hydrates as it was sent, and tick on from there.
    pub now_ms: i64,
    /// Each measure's chart points, summary and newest observations, worked out from every
    /// observation the reader may see, when the page asked for them (the tracker, which is
    /// sent without the observations themselves): shown until the device holds those.
    #[serde(default)]
    pub figures: Vec<domain::outcomes::Figures>,
}

/// One row of the devices view: a device's last complete sync of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    /// "Your Chrome on Android", or for managers "Asha Patel's Chrome on Android".
    pub label: String,
    /// Whose device it is: "You", a name ("Asha Patel"), or "Not known".
    pub owner: String,
    /// The device itself: "Chrome on Android".
    pub device: String,
    pub person: PersonId,
    pub person_name: String,
    pub at_ms: i64,
}

/// A person's record for one of its pages, without the records of `leave_out` (kinds the page
/// does not show; the device pulls them once the page is up; a page of an older build asks
/// without it and gets everything), and with each measure's figures worked out if `figures`.
/// `id` comes from the URL, so it is checked here.
#[server(endpoint = "plans/get")]
pub async fn get_plan(
    id: String,
    #[server(default)] leave_out: Vec<String>,
    #[server(default)] figures: bool,
) -> Result<PlanPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (person, subject) = crate::server::subject(store.as_ref(), &actor, &id).await?;
        let topics = domain::access::readable_topics(&actor, subject);
        let (records, version) = store.records(person.id, Some(&topics)).await?;
        crate::server::audit(
            store.as_ref(),
            &actor,
            Some(person.id),
            domain::audit::AuditKind::Viewed,
            "Opened the plan".into(),
        )
        .await;
        // Once support has ended the record is read only: the editor shows no controls (and
        // the server refuses any edit sent anyway).
        let may_write = !person.has_ended()
            && topics.iter().any(|t| {
                domain::access::authorize(&actor, subject, *t, domain::access::Action::Write)
                    .is_ok()
            });
        let is_the_person = actor
            .circles
            .iter()
            .any(|m| m.person == person.id && m.role == domain::access::CircleRole::Person);
        let texts = domain::records::shared::texts(&records);
        // Worked out from the records read for this reader, so they hold nothing the reader
        // may not see.
        let figures = if figures && topics.contains(&domain::access::Topic::GoalsAndProgress) {
            use domain::records::kinds::{MEASURES, OBSERVATIONS};
            let tracker: domain::records::RecordSet = records
                .iter()
                .filter(|r| r.kind == MEASURES || r.kind == OBSERVATIONS)
                .cloned()
                .collect();
            domain::outcomes::figures(&tracker, domain::screens::short_name(person.display_name()))
        } else {
            Vec::new()
        };
        Ok(PlanPage {
            person: person.id,
            name: person.display_name().to_owned(),
            snapshot: Snapshot::new(records, version, topics).leaving_out(&leave_out),
            me: actor.name.clone(),
            may_write,
            is_the_person,
            reader: domain::screens::Reader::of(&actor, subject),
            texts,
            today: domain::calendar::Date::of_ms_in_london(crate::server::now_ms())
                .unwrap_or(domain::calendar::Date::MIN),
            now_ms: crate::server::now_ms(),
            figures,
        })
    })
    .await
}

/// When each device last synced each plan completely, newest first, for the plans the asker
/// may read.
#[server(endpoint = "devices/list")]
pub async fn list_devices() -> Result<Vec<DeviceRow>, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let mut rows = Vec::new();
        for sync in store.device_syncs().await? {
            let Some(person) = store.person(sync.person).await? else {
                continue;
            };
            let subject = domain::access::Subject {
                person: person.id,
                service: person.service_id,
            };
            if !domain::access::may_see_device(&actor, subject, sync.owner) {
                continue;
            }
            let (label, owner) = if sync.owner == Some(actor.user) {
                (format!("Your {}", sync.label), "You".to_owned())
            } else if sync.owner_name.is_empty() {
                (format!("Someone's {}", sync.label), "Not known".to_owned())
            } else {
                (
                    format!("{}'s {}", sync.owner_name, sync.label),
                    sync.owner_name.clone(),
                )
            };
            rows.push(DeviceRow {
                label,
                owner,
                device: sync.label.clone(),
                person: sync.person,
                person_name: person.display_name().to_owned(),
                at_ms: sync.at_ms,
            });
        }
        Ok(rows)
    })
    .await
}

/// A printable summary of a record: what a person takes to a review or keeps on paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub name: String,
    pub service_name: String,
    pub about_me: domain::AboutMe,
    /// Goal wording and its steps (text, done).
    pub goals: Vec<(String, Vec<(String, bool)>)>,
    /// Meeting title and notes.
    pub meetings: Vec<(String, String)>,
    pub topics: std::collections::BTreeSet<domain::access::Topic>,
}

/// The summary of `id`'s record for printing. Only those who may export it (the person and
/// staff of their service) get one, holding only what they may read; each one is audited.
#[server(endpoint = "plans/summary")]
pub async fn get_summary(id: String) -> Result<Summary, AppError> {
    crate::server::answer(async move {
        use domain::access::{Action, Topic, authorize, readable_topics};
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (person, subject) = crate::server::subject(store.as_ref(), &actor, &id).await?;
        authorize(&actor, subject, Topic::AboutMe, Action::Export).map_err(|_| {
            AppError::Forbidden(
                "Printing or downloading a summary is for the person and their care staff. You can read what is shared with you on screen.".into(),
            )
        })?;
        let topics = readable_topics(&actor, subject);
        let (records, _) = store.records(person.id, Some(&topics)).await?;
        let set: domain::records::RecordSet = records.into_iter().collect();
        let service_name = crate::server::service_name(store.as_ref(), person.service_id).await?;
        crate::server::audit(
            store.as_ref(),
            &actor,
            Some(person.id),
            domain::audit::AuditKind::Exported,
            "Opened the printable summary".into(),
        )
        .await;
        use domain::records::views;
        Ok(Summary {
            name: person.display_name().to_owned(),
            service_name,
            about_me: views::about_me(views::about_me_of(&set, person.id)),
            goals: views::goals(&set)
                .into_iter()
                .filter(|g| !g.deleted)
                .map(|g| {
                    (
                        g.wording,
                        g.steps.into_iter().map(|(_, text, done)| (text, done)).collect(),
                    )
                })
                .collect(),
            meetings: views::meetings(&set)
                .into_iter()
                .map(|(_, title, notes)| (title, notes))
                .collect(),
            topics,
        })
    })
    .await
}
