//! Who may read or write which plan and which topic: one function, [`authorize`], that the sync
//! engine calls on every push, pull and live poke, and the pages call before they render.
//!
//! Staff see the people of their service; the person sees their whole record and decides, topic
//! by topic, what each other member of their circle sees. Every page, push, pull, poke, export
//! and search asks [`authorize`] (or [`readable_topics`], built on it).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::Field;
use crate::{PersonId, ServiceId};

/// The parts of a person's record the person can share, or not, with each member of their
/// circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Topic {
    AboutMe,
    GoalsAndProgress,
    DailyLiving,
    Health,
    MentalHealth,
    Money,
    IncidentsAndSafeguarding,
    MeetingsAndReviews,
    /// The involvement plan: the circle of support, how the person communicates, when the
    /// circle meets and how decisions are made.
    Involvement,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::AboutMe,
        Topic::GoalsAndProgress,
        Topic::DailyLiving,
        Topic::Health,
        Topic::MentalHealth,
        Topic::Money,
        Topic::IncidentsAndSafeguarding,
        Topic::MeetingsAndReviews,
        Topic::Involvement,
    ];
}

impl Topic {
    /// The topic's name as the consent grid shows it.
    pub fn title(self) -> &'static str {
        match self {
            Topic::AboutMe => "About me",
            Topic::GoalsAndProgress => "Goals and progress",
            Topic::DailyLiving => "Daily living",
            Topic::Health => "Health",
            Topic::MentalHealth => "Mental health",
            Topic::Money => "Money",
            Topic::IncidentsAndSafeguarding => "Incidents and safeguarding",
            Topic::MeetingsAndReviews => "Meetings and reviews",
            Topic::Involvement => "My circle and how we work together",
        }
    }

    /// What sharing the topic means, in plain words for the person choosing.
    pub fn explained(self) -> &'static str {
        match self {
            Topic::AboutMe => "My strengths, what matters to me and how to support me",
            Topic::GoalsAndProgress => "What I want to achieve and how it is going",
            Topic::DailyLiving => "Everyday care: meals, washing, getting about",
            Topic::Health => "My physical health, medicines and appointments",
            Topic::MentalHealth => "How I am feeling and my mental health care",
            Topic::Money => "My money, benefits and bills",
            Topic::IncidentsAndSafeguarding => "Accidents, incidents and safeguarding concerns",
            Topic::MeetingsAndReviews => "Notes of my meetings and reviews",
            Topic::Involvement => {
                "Who helps me and how, how I like to communicate, when we meet and how we decide"
            }
        }
    }

    /// The name used in URLs, forms and storage.
    pub fn key(self) -> &'static str {
        match self {
            Topic::AboutMe => "about_me",
            Topic::GoalsAndProgress => "goals_and_progress",
            Topic::DailyLiving => "daily_living",
            Topic::Health => "health",
            Topic::MentalHealth => "mental_health",
            Topic::Money => "money",
            Topic::IncidentsAndSafeguarding => "incidents_and_safeguarding",
            Topic::MeetingsAndReviews => "meetings_and_reviews",
            Topic::Involvement => "involvement",
        }
    }

    pub fn from_key(key: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the topic on a screen or a device.
    Read,
    /// Change it.
    Write,
    /// Take it off Circle: a printed summary or a download.
    Export,
    /// Decide who in the person's circle sees it.
    SetConsent,
    /// Read who looked at and changed the record.
    ReadAudit,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Read,
        Action::Write,
        Action::Export,
        Action::SetConsent,
        Action::ReadAudit,
    ];
}

/// A user account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for UserId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(UserId)
    }
}

/// What a member of staff does in one service (site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    KeyWorker,
    RegisteredManager,
    NominatedIndividual,
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::KeyWorker,
        StaffRole::RegisteredManager,
        StaffRole::NominatedIndividual,
        StaffRole::Admin,
    ];

    pub fn title(self) -> &'static str {
        match self {
            StaffRole::KeyWorker => "Key worker",
            StaffRole::RegisteredManager => "Registered manager",
            StaffRole::NominatedIndividual => "Nominated individual",
            StaffRole::Admin => "Administrator",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            StaffRole::KeyWorker => "key_worker",
            StaffRole::RegisteredManager => "registered_manager",
            StaffRole::NominatedIndividual => "nominated_individual",
            StaffRole::Admin => "admin",
        }
    }

    pub fn from_key(key: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Managers answer for the whole service: they read the audit trail.
    pub fn is_manager(self) -> bool {
        matches!(
            self,
            StaffRole::RegisteredManager | StaffRole::NominatedIndividual
        )
    }
}

/// How someone belongs to a person's circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircleRole {
    /// The person supported: it is their record.
    Person,
    FamilyOrFriend,
    /// Independent Mental Capacity Advocate.
    Imca,
    CareActAdvocate,
    /// Relevant person's representative (Deprivation of Liberty Safeguards).
    Rpr,
    OtherAdvocate,
}

impl CircleRole {
    pub const ALL: [CircleRole; 6] = [
        CircleRole::Person,
        CircleRole::FamilyOrFriend,
        CircleRole::Imca,
        CircleRole::CareActAdvocate,
        CircleRole::Rpr,
        CircleRole::OtherAdvocate,
    ];

    pub fn title(self) -> &'static str {
        match self {
            CircleRole::Person => "The person",
            CircleRole::FamilyOrFriend => "Family or friend",
            CircleRole::Imca => "Advocate (IMCA)",
            CircleRole::CareActAdvocate => "Advocate (Care Act)",
            CircleRole::Rpr => "Relevant person's representative",
            CircleRole::OtherAdvocate => "Advocate",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            CircleRole::Person => "person",
            CircleRole::FamilyOrFriend => "family_or_friend",
            CircleRole::Imca => "imca",
            CircleRole::CareActAdvocate => "care_act_advocate",
            CircleRole::Rpr => "rpr",
            CircleRole::OtherAdvocate => "other_advocate",
        }
    }

    pub fn from_key(key: &str) -> Option<CircleRole> {
        CircleRole::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// One person's circle as one member belongs to it: their role and the topics the person
/// shares with them. The person themself sees every topic whatever `shared` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub person: PersonId,
    pub role: CircleRole,
    pub shared: BTreeSet<Topic>,
}

/// An early-warning agreement: if `indicator` is seen, staff may contact `contact` (a member
/// of the person's circle) about it. Part of the person's consent, set like it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyWarning {
    pub id: Uuid,
    pub person: PersonId,
    /// What would be noticed, in plain words ("Misses two appointments in a row").
    pub indicator: String,
    pub contact: UserId,
    pub contact_name: String,
    /// Milliseconds since 1970-01-01 UTC.
    pub agreed_ms: i64,
}

impl EarlyWarning {
    /// The longest indicator kept.
    pub const MAX_INDICATOR: usize = 200;
}

/// Whoever is asking: a signed-in user with their roles in services and their places in
/// people's circles. Built by the server from storage on every request; never sent by a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: UserId,
    pub name: String,
    pub staff: Vec<(ServiceId, StaffRole)>,
    pub circles: Vec<Membership>,
}

impl Actor {
    fn staff_role(&self, service: ServiceId) -> Option<StaffRole> {
        self.staff
            .iter()
            .filter(|(s, _)| *s == service)
            .map(|(_, role)| *role)
            .filter(|role| *role != StaffRole::Admin)
            .max_by_key(|role| role.is_manager())
    }

    fn membership(&self, person: PersonId) -> Option<&Membership> {
        self.circles.iter().find(|m| m.person == person)
    }

    /// Whether this user manages users and services anywhere.
    pub fn is_admin(&self) -> bool {
        self.staff.iter().any(|(_, role)| *role == StaffRole::Admin)
    }

    /// Whether the user works in any service (staff see lists of people).
    pub fn is_staff(&self) -> bool {
        !self.staff.is_empty()
    }

    /// A short fingerprint of everything that decides what this user may see: their roles,
    /// their places in circles and the topics shared with them. Pages carry it, so that a
    /// device notices, at its next contact with the server, that what its user may see has
    /// changed, and drops the copies (offline pages, stored plans) made under the old rules.
    /// The same access always gives the same fingerprint.
    pub fn access_fingerprint(&self) -> String {
        let mut staff: Vec<String> = self
            .staff
            .iter()
            .map(|(service, role)| format!("s {service} {}", role.key()))
            .collect();
        staff.sort();
        let mut circles: Vec<String> = self
            .circles
            .iter()
            .map(|m| {
                let topics: Vec<&str> = m.shared.iter().map(|t| t.key()).collect();
                format!("c {} {} {}", m.person, m.role.key(), topics.join(","))
            })
            .collect();
        circles.sort();
        let canonical = format!(
            "{}\n{}\n{}",
            self.user,
            staff.join("\n"),
            circles.join("\n")
        );
        // FNV-1a, 64 bits: a fingerprint to compare, not a secret.
        let hash = canonical.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}")
    }
}

/// The record being asked about: whose it is and which service supports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub person: PersonId,
    pub service: ServiceId,
}

/// Why a request was refused, in words for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Denied {
    #[error("You don't have access to this person's record.")]
    NotInCircle,
    #[error("This part of the record hasn't been shared with you.")]
    NotShared,
    #[error("Your role doesn't allow this.")]
    NotPermitted,
}

/// May `actor` do `action` on `topic` of `person`'s record?
///
/// - Staff of the person's service (key workers and managers) read, write, export and record
///   consent for every topic; managers (registered manager, nominated individual) also read
///   the audit trail. Administrators manage accounts, not care records.
/// - The person reads, writes and exports their whole record, sets who sees what and reads who
///   looked at it.
/// - Other members of the circle read and write only the topics the person shares with them,
///   and export nothing.
pub fn authorize(
    actor: &Actor,
    subject: Subject,
    topic: Topic,
    action: Action,
) -> Result<(), Denied> {
    if let Some(role) = actor.staff_role(subject.service) {
        return match action {
            Action::ReadAudit if !role.is_manager() => Err(Denied::NotPermitted),
            _ => Ok(()),
        };
    }
    let Some(membership) = actor.membership(subject.person) else {
        return Err(Denied::NotInCircle);
    };
    if membership.role == CircleRole::Person {
        return Ok(());
    }
    match action {
        Action::Read | Action::Write if membership.shared.contains(&topic) => Ok(()),
        Action::Read | Action::Write => Err(Denied::NotShared),
        Action::Export | Action::SetConsent | Action::ReadAudit => Err(Denied::NotPermitted),
    }
}

/// The topics of `subject`'s record that `actor` may read: what their devices may hold.
pub fn readable_topics(actor: &Actor, subject: Subject) -> BTreeSet<Topic> {
    Topic::ALL
        .into_iter()
        .filter(|t| authorize(actor, subject, *t, Action::Read).is_ok())
        .collect()
}

/// Of `people`, those whose audit trail `actor` may read.
pub fn auditable_people(actor: &Actor, people: &[crate::PersonSummary]) -> Vec<PersonId> {
    people
        .iter()
        .filter(|p| authorize(actor, p.subject(), Topic::AboutMe, Action::ReadAudit).is_ok())
        .map(|p| p.id)
        .collect()
}

/// The services whose running (staff roles given and taken away, the service added or renamed)
/// `actor` may read in the audit trail: those they manage or administer.
pub fn auditable_services(actor: &Actor) -> Vec<ServiceId> {
    let mut services: Vec<ServiceId> = actor
        .staff
        .iter()
        .filter(|(_, role)| role.is_manager() || *role == StaffRole::Admin)
        .map(|(s, _)| *s)
        .collect();
    services.sort();
    services.dedup();
    services
}

/// The services `actor` manages (registered manager or nominated individual).
pub fn managed_services(actor: &Actor) -> Vec<ServiceId> {
    let mut services: Vec<ServiceId> = actor
        .staff
        .iter()
        .filter(|(_, role)| role.is_manager())
        .map(|(s, _)| *s)
        .collect();
    services.sort();
    services.dedup();
    services
}

/// Whether `actor` may see that a device owned by `owner` synced `subject`'s plan: their own
/// devices, for records they may open; every device, for the managers of the person's service
/// (who look for devices offline with edits on them). Nobody else learns of other people's
/// devices.
pub fn may_see_device(actor: &Actor, subject: Subject, owner: Option<UserId>) -> bool {
    let manages = managed_services(actor).contains(&subject.service);
    manages || (owner == Some(actor.user) && may_open(actor, subject))
}

/// The services `actor` administers.
pub fn administered_services(actor: &Actor) -> Vec<ServiceId> {
    let mut services: Vec<ServiceId> = actor
        .staff
        .iter()
        .filter(|(_, role)| *role == StaffRole::Admin)
        .map(|(s, _)| *s)
        .collect();
    services.sort();
    services.dedup();
    services
}

impl crate::PersonSummary {
    /// The record as the access rules see it.
    pub fn subject(&self) -> Subject {
        Subject {
            person: self.id,
            service: self.service_id,
        }
    }
}

/// Whether `actor` may see that `subject` exists at all (any topic, or the record's audit).
pub fn may_open(actor: &Actor, subject: Subject) -> bool {
    actor.staff_role(subject.service).is_some() || actor.membership(subject.person).is_some()
}

impl Field {
    pub fn topic(self) -> Topic {
        match self {
            Field::AboutMe { .. } => Topic::AboutMe,
            Field::GoalWording { .. } | Field::StepText { .. } | Field::StepDone { .. } => {
                Topic::GoalsAndProgress
            }
        }
    }
}

impl crate::plan::Conflict {
    pub fn topic(&self) -> Topic {
        match self {
            crate::plan::Conflict::SameField { field, .. } => field.topic(),
            crate::plan::Conflict::EditOfDeleted { .. } => Topic::GoalsAndProgress,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: u128 = 8;

    fn subject() -> Subject {
        Subject {
            person: PersonId(Uuid::from_u128(1)),
            service: ServiceId(Uuid::from_u128(HOME)),
        }
    }

    fn staff(service: u128, role: StaffRole) -> Actor {
        Actor {
            user: UserId(Uuid::from_u128(100)),
            name: "Staff".into(),
            staff: vec![(ServiceId(Uuid::from_u128(service)), role)],
            circles: vec![],
        }
    }

    fn member(role: CircleRole, shared: &[Topic]) -> Actor {
        Actor {
            user: UserId(Uuid::from_u128(200)),
            name: "Member".into(),
            staff: vec![],
            circles: vec![Membership {
                person: subject().person,
                role,
                shared: shared.iter().copied().collect(),
            }],
        }
    }

    #[test]
    fn staff_of_the_service_read_write_and_export_every_topic() {
        for role in [
            StaffRole::KeyWorker,
            StaffRole::RegisteredManager,
            StaffRole::NominatedIndividual,
        ] {
            for topic in Topic::ALL {
                for action in [
                    Action::Read,
                    Action::Write,
                    Action::Export,
                    Action::SetConsent,
                ] {
                    assert_eq!(
                        authorize(&staff(HOME, role), subject(), topic, action),
                        Ok(())
                    );
                }
            }
        }
    }

    #[test]
    fn only_managers_read_the_audit_trail() {
        let audit = |role| {
            authorize(
                &staff(HOME, role),
                subject(),
                Topic::AboutMe,
                Action::ReadAudit,
            )
        };
        assert_eq!(audit(StaffRole::RegisteredManager), Ok(()));
        assert_eq!(audit(StaffRole::NominatedIndividual), Ok(()));
        assert_eq!(audit(StaffRole::KeyWorker), Err(Denied::NotPermitted));
    }

    #[test]
    fn staff_of_another_service_and_administrators_see_nothing_of_the_record() {
        for actor in [
            staff(7, StaffRole::RegisteredManager),
            staff(HOME, StaffRole::Admin),
        ] {
            for topic in Topic::ALL {
                for action in Action::ALL {
                    assert_eq!(
                        authorize(&actor, subject(), topic, action),
                        Err(Denied::NotInCircle)
                    );
                }
            }
        }
    }

    #[test]
    fn the_person_may_do_everything_with_their_own_record() {
        let me = member(CircleRole::Person, &[]);
        for topic in Topic::ALL {
            for action in Action::ALL {
                assert_eq!(authorize(&me, subject(), topic, action), Ok(()));
            }
        }
    }

    #[test]
    fn a_relative_reads_and_writes_only_what_is_shared_and_exports_nothing() {
        let daughter = member(CircleRole::FamilyOrFriend, &[Topic::GoalsAndProgress]);
        for topic in Topic::ALL {
            let expected = if topic == Topic::GoalsAndProgress {
                Ok(())
            } else {
                Err(Denied::NotShared)
            };
            assert_eq!(
                authorize(&daughter, subject(), topic, Action::Read),
                expected
            );
            assert_eq!(
                authorize(&daughter, subject(), topic, Action::Write),
                expected
            );
            for action in [Action::Export, Action::SetConsent, Action::ReadAudit] {
                assert_eq!(
                    authorize(&daughter, subject(), topic, action),
                    Err(Denied::NotPermitted)
                );
            }
        }
        assert_eq!(
            readable_topics(&daughter, subject()),
            BTreeSet::from([Topic::GoalsAndProgress])
        );
    }

    #[test]
    fn a_member_of_one_circle_sees_nothing_of_another_persons_record() {
        let daughter = member(CircleRole::FamilyOrFriend, &Topic::ALL);
        let other = Subject {
            person: PersonId(Uuid::from_u128(2)),
            ..subject()
        };
        assert!(!may_open(&daughter, other));
        assert!(readable_topics(&daughter, other).is_empty());
    }

    #[test]
    fn the_access_fingerprint_changes_exactly_when_what_a_user_may_see_changes() {
        let ruth = member(
            CircleRole::FamilyOrFriend,
            &[Topic::GoalsAndProgress, Topic::AboutMe],
        );
        let mut reordered = ruth.clone();
        reordered.circles[0].shared = [Topic::AboutMe, Topic::GoalsAndProgress].into();
        assert_eq!(ruth.access_fingerprint(), reordered.access_fingerprint());
        let mut unshared = ruth.clone();
        unshared.circles[0].shared.remove(&Topic::AboutMe);
        assert_ne!(ruth.access_fingerprint(), unshared.access_fingerprint());
        let mut renamed = ruth.clone();
        renamed.name = "Ruth O.".into();
        assert_eq!(ruth.access_fingerprint(), renamed.access_fingerprint());
        let mut promoted = ruth.clone();
        promoted
            .staff
            .push((ServiceId(Uuid::from_u128(HOME)), StaffRole::KeyWorker));
        assert_ne!(ruth.access_fingerprint(), promoted.access_fingerprint());
    }

    #[test]
    fn devices_are_shown_to_their_owner_and_to_the_managers_of_the_service_only() {
        let ruth = member(CircleRole::FamilyOrFriend, &[Topic::GoalsAndProgress]);
        let asha = staff(HOME, StaffRole::KeyWorker);
        let grace = staff(HOME, StaffRole::RegisteredManager);
        let admin = staff(HOME, StaffRole::Admin);
        let hers = Some(ruth.user);
        assert!(may_see_device(&ruth, subject(), hers));
        assert!(!may_see_device(&ruth, subject(), Some(asha.user)));
        assert!(
            !may_see_device(&asha, subject(), hers),
            "a key worker sees only their own"
        );
        assert!(may_see_device(&grace, subject(), hers));
        assert!(!may_see_device(&admin, subject(), hers));
        assert!(!may_see_device(
            &staff(7, StaffRole::RegisteredManager),
            subject(),
            hers
        ));
    }

    #[test]
    fn every_topic_has_a_key_that_reads_back() {
        for topic in Topic::ALL {
            assert_eq!(Topic::from_key(topic.key()), Some(topic));
        }
        for role in CircleRole::ALL {
            assert_eq!(CircleRole::from_key(role.key()), Some(role));
        }
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::from_key(role.key()), Some(role));
        }
    }
}
