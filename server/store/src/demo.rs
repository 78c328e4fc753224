//! The demo dataset: the three situations of `shared/DOMAIN.md`, written the way a careful key
//! worker would write them with the person. Ids are fixed so that loading it twice leaves one
//! copy, and so that links in the README and tests stay valid.

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
                about_me: AboutMe {
                    strengths: strengths(&[
                        "Knows exactly how she likes her tea and her porridge",
                        "Kept an allotment for forty years",
                        "Determined: walked to the shops again six weeks after her fall",
                    ]),
                    admired_for: "Her sharp humour and the way she remembers everyone's birthday."
                        .into(),
                    matters_to_me: "Making my own breakfast again. My daughter Grace, and not \
                        being a burden on her. My radio in the mornings."
                        .into(),
                    how_to_support_me: "Give me time. Stand back and let me try two steps before \
                        you offer help. Tell me what you're about to do before you do it."
                        .into(),
                    hobbies: "Gardening programmes, crosswords, church on Sundays.".into(),
                    wishes: "To stay in my own home and cook Sunday lunch for Grace again.".into(),
                },
            },
            Person {
                id: DAN,
                service_id: ELM_COURT,
                name: "Daniel Price".into(),
                preferred_name: Some("Dan".into()),
                pronouns: Some("he/him".into()),
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
