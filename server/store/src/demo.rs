//! The demo dataset: the three situations of `shared/DOMAIN.md`, written the way a careful key
//! worker would write them with the person. Ids are fixed so that loading it twice leaves one
//! copy, and so that links in the README and tests stay valid.

use domain::access::{CircleRole, StaffRole, Topic, UserId};
use domain::audit::{AuditEvent, AuditKind};
use domain::{AboutMe, Dataset, Person, PersonId, Service, ServiceId, ServiceKind};
use uuid::Uuid;

pub const RIVERSIDE: ServiceId =
    ServiceId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0a01));
pub const ELM_COURT: ServiceId =
    ServiceId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0a02));
pub const NORTHGATE: ServiceId =
    ServiceId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0a03));

/// Reablement with a worried relative.
pub const MAGGIE: PersonId = PersonId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0b01));
/// An advocate and staff disagree about late-night community access.
pub const DAN: PersonId = PersonId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0b02));
/// Fluctuating mental health: privacy and a worried family.
pub const PRIYA: PersonId = PersonId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0b03));

fn strengths(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A demo date of birth (the constants below are real days).
fn born(year: i32, month: u8, day: u8) -> Option<domain::calendar::Date> {
    domain::calendar::Date::new(year, month, day).ok()
}

pub fn dataset() -> Dataset {
    Dataset {
        services: vec![
            Service {
                id: RIVERSIDE,
                name: "Riverside Reablement".into(),
                kind: ServiceKind::Reablement,
            },
            Service {
                id: ELM_COURT,
                name: "Elm Court Supported Living".into(),
                kind: ServiceKind::SupportedLiving,
            },
            Service {
                id: NORTHGATE,
                name: "Northgate Community Mental Health Support".into(),
                kind: ServiceKind::MentalHealthSupport,
            },
        ],
        people: vec![
            Person {
                id: MAGGIE,
                service_id: RIVERSIDE,
                name: "Margaret Okafor".into(),
                preferred_name: Some("Maggie".into()),
                pronouns: Some("she/her".into()),
                date_of_birth: born(1941, 5, 12),
                support_ended_ms: None,
                about_me: AboutMe {
                    strengths: strengths(&[
                        "Knows exactly how she likes her tea and her porridge",
                        "Kept an allotment for forty years",
                        "Determined: walked to the shops again six weeks after her fall",
                    ]),
                    admired_for: "Her sharp humour and the way she remembers everyone's birthday."
                        .into(),
                    matters_to_me: "Making my own breakfast again. My daughter Ruth, and not \
                        being a burden on her. My radio in the mornings."
                        .into(),
                    how_to_support_me: "Give me time. Stand back and let me try two steps before \
                        you offer help. Tell me what you're about to do before you do it."
                        .into(),
                    hobbies: "Gardening programmes, crosswords, church on Sundays.".into(),
                    wishes: "To stay in my own home and cook Sunday lunch for Ruth again.".into(),
                },
            },
            Person {
                id: DAN,
                service_id: ELM_COURT,
                name: "Daniel Price".into(),
                preferred_name: Some("Dan".into()),
                pronouns: Some("he/him".into()),
                date_of_birth: born(1996, 8, 3),
                support_ended_ms: None,
                about_me: AboutMe {
                    strengths: strengths(&[
                        "Knows every bus route in town by heart",
                        "Plays the drums in a community band",
                        "Great at making new friends",
                    ]),
                    admired_for: "His sense of humour and how loyal he is to his mates.".into(),
                    matters_to_me: "Going to gigs with my friends, even when they finish late. \
                        My drum kit. Choosing for myself."
                        .into(),
                    how_to_support_me: "Use short sentences and pictures. Give me a minute to \
                        answer. Talk to me, not about me."
                        .into(),
                    hobbies: "Live music, buses and trains, football on the telly.".into(),
                    wishes: "To get the late bus home on my own after a gig.".into(),
                },
            },
            Person {
                id: PRIYA,
                service_id: NORTHGATE,
                name: "Priya Shah".into(),
                preferred_name: None,
                pronouns: Some("she/her".into()),
                date_of_birth: born(1989, 11, 27),
                support_ended_ms: None,
                about_me: AboutMe {
                    strengths: strengths(&[
                        "Knows her own early signs well",
                        "Writes poetry and runs a writing group",
                        "Supports others in her peer group",
                    ]),
                    admired_for: "Her honesty, her kindness to the people in her group, and \
                        her poems."
                        .into(),
                    matters_to_me: "Deciding what my family is told, and when. My flat, my \
                        writing, and my cat Biscuit."
                        .into(),
                    how_to_support_me: "Check in by text first. When I'm unwell, keep things \
                        short and calm, and stick to what we agreed when I was well."
                        .into(),
                    hobbies: "Poetry, long walks by the canal, baking.".into(),
                    wishes: "To go back to part-time work at the library.".into(),
                },
            },
        ],
    }
}

/// The password of every demo account (listed in the README). Demo data only: a real
/// installation turns the demo off (`CIRCLE_DEMO=off`) and invites its own people.
pub const DEMO_PASSWORD: &str = "circle-demo-2026";
/// [`DEMO_PASSWORD`] hashed with argon2id (19 MiB, 2 passes), computed once so that loading the
/// demo stays fast. Also the dummy hash checked when an email has no account, so that a wrong
/// email takes as long as a wrong password.
pub const DEMO_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$k1QjuihFn8dsYSVCzrpPPA$y9UoqhAWR5ohlSLSaIMUqG89IgO7N1c/+hc25n274xE";

/// A demo account: email, name, what they are.
pub struct DemoAccount {
    pub id: UserId,
    pub email: &'static str,
    pub name: &'static str,
    pub staff: &'static [(ServiceId, StaffRole)],
    pub circle: Option<(PersonId, CircleRole, &'static [Topic])>,
}

const fn user(n: u128) -> UserId {
    UserId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0000_0000_0c00 + n,
    ))
}

pub const ALL_SERVICES: [ServiceId; 3] = [RIVERSIDE, ELM_COURT, NORTHGATE];

/// One account for every role, on the three demo situations.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        id: user(1),
        email: "asha@riverside.example",
        name: "Asha Patel",
        staff: &[(RIVERSIDE, StaffRole::KeyWorker)],
        circle: None,
    },
    DemoAccount {
        id: user(2),
        email: "tom@elmcourt.example",
        name: "Tom Reed",
        staff: &[(ELM_COURT, StaffRole::KeyWorker)],
        circle: None,
    },
    DemoAccount {
        id: user(3),
        email: "jo@northgate.example",
        name: "Jo Bennett",
        staff: &[(NORTHGATE, StaffRole::KeyWorker)],
        circle: None,
    },
    DemoAccount {
        id: user(4),
        email: "grace@circle.example",
        name: "Grace Mensah",
        staff: &[
            (RIVERSIDE, StaffRole::RegisteredManager),
            (ELM_COURT, StaffRole::RegisteredManager),
            (NORTHGATE, StaffRole::RegisteredManager),
        ],
        circle: None,
    },
    DemoAccount {
        id: user(5),
        email: "sam@circle.example",
        name: "Sam Ellis",
        staff: &[
            (RIVERSIDE, StaffRole::NominatedIndividual),
            (ELM_COURT, StaffRole::NominatedIndividual),
            (NORTHGATE, StaffRole::NominatedIndividual),
        ],
        circle: None,
    },
    DemoAccount {
        id: user(6),
        email: "admin@circle.example",
        name: "Circle Administrator",
        staff: &[
            (RIVERSIDE, StaffRole::Admin),
            (ELM_COURT, StaffRole::Admin),
            (NORTHGATE, StaffRole::Admin),
        ],
        circle: None,
    },
    DemoAccount {
        id: user(7),
        email: "maggie@home.example",
        name: "Maggie Okafor",
        staff: &[],
        circle: Some((MAGGIE, CircleRole::Person, &[])),
    },
    DemoAccount {
        id: user(8),
        email: "ruth@family.example",
        name: "Ruth Okafor",
        staff: &[],
        circle: Some((
            MAGGIE,
            CircleRole::FamilyOrFriend,
            &[Topic::AboutMe, Topic::GoalsAndProgress, Topic::DailyLiving],
        )),
    },
    DemoAccount {
        id: user(9),
        email: "lee@advocacy.example",
        name: "Lee Morgan",
        staff: &[],
        circle: Some((
            DAN,
            CircleRole::CareActAdvocate,
            &[
                Topic::AboutMe,
                Topic::GoalsAndProgress,
                Topic::MeetingsAndReviews,
            ],
        )),
    },
    DemoAccount {
        id: user(10),
        email: "anil@family.example",
        name: "Anil Shah",
        staff: &[],
        circle: Some((
            PRIYA,
            CircleRole::FamilyOrFriend,
            &[Topic::GoalsAndProgress],
        )),
    },
];

/// Writes the demo accounts, their roles and what each circle member is shared
/// (idempotent).
pub async fn load_accounts(store: &dyn crate::Store) -> Result<(), crate::StoreError> {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
    for account in ACCOUNTS {
        store
            .put_user(&crate::UserRecord {
                id: account.id,
                email: account.email.to_owned(),
                name: account.name.to_owned(),
                password_hash: Some(DEMO_PASSWORD_HASH.to_owned()),
            })
            .await?;
        for (service, role) in account.staff {
            store
                .grant_staff_role(account.id, *service, *role, None, now_ms)
                .await?;
        }
        if let Some((person, role, shared)) = account.circle {
            store.add_to_circle(person, account.id, role).await?;
            store.accept_circle(person, account.id, now_ms).await?;
            for topic in shared {
                let note = AuditEvent {
                    id: Uuid::from_u128((account.id.0.as_u128() << 8) | *topic as u128),
                    at_ms: now_ms,
                    user: None,
                    user_name: "Demo data".into(),
                    device: "Circle".into(),
                    person: Some(person),
                    service: None,
                    kind: AuditKind::ConsentChanged,
                    summary: format!(
                        "Shared “{}” with {} (demo data)",
                        topic.title(),
                        account.name
                    ),
                    before: None,
                    after: Some("shared".into()),
                };
                if !store
                    .circle(person)
                    .await?
                    .iter()
                    .any(|m| m.user == account.id && m.shared.contains(topic))
                {
                    store
                        .set_consent(person, account.id, *topic, true, &note)
                        .await?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_person_belongs_to_a_demo_service_and_leads_with_strengths() {
        let data = dataset();
        for person in &data.people {
            assert!(data.services.iter().any(|s| s.id == person.service_id));
            assert!(person.about_me.strengths.len() >= 2, "{}", person.name);
        }
    }
}
