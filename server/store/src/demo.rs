//! The demo dataset: the three situations of `shared/DOMAIN.md`, written the way a careful key
//! worker would write them with the person. Ids are fixed so that loading it twice leaves one
//! copy, and so that links in the README and tests stay valid.

use domain::access::{CircleRole, StaffRole, Topic, UserId};
use domain::audit::{AuditEvent, AuditKind};
use std::collections::BTreeMap;

use domain::records::authority::{AnyOp, Mutation};
use domain::records::kinds::{
    AGREEMENTS, COMMUNICATING, DECIDING_KIND, DECISIONS, INTERACTIONS, MEMBERS, REFERRALS, RHYTHM,
};
use domain::records::{Outcome, RecordOp, SCHEMA_VERSION, Value};
use domain::sync::ClientId;
use domain::{AboutMe, Dataset, Person, PersonId, Service, ServiceId, ServiceKind};
use uuid::Uuid;

mod meetings;
mod outcomes;
pub use meetings::{HISTORY_REVIEWS, history_edits, load_meetings, meeting_edits};
pub use outcomes::{DemoPush, SEED, WEEKS, daily_observations, load_outcomes, outcome_pushes};

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
            &[
                Topic::AboutMe,
                Topic::GoalsAndProgress,
                Topic::DailyLiving,
                Topic::Involvement,
            ],
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
                Topic::Involvement,
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

/// A member of a demo circle: name, who they are, role, closeness, what they help with, how to
/// contact them, what they should not do.
type DemoMember = (
    u128,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn text(t: &str) -> Value {
    Value::Text(t.to_owned())
}

fn keys(items: &[&str]) -> Value {
    Value::Texts(items.iter().map(|k| (*k).to_owned()).collect())
}

fn date(d: &str) -> Value {
    Value::Date(d.parse().expect("a demo date"))
}

fn create(kind: &str, id: Uuid, fields: Vec<(&str, Value)>) -> RecordOp {
    RecordOp::Create {
        kind: kind.to_owned(),
        id,
        parent: None,
        topic: None,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn demo_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0d00 + n)
}

fn moment(local: &str) -> Value {
    Value::Number(domain::calendar::parse_london_local(local).expect("a demo time"))
}

fn decision(n: u128, topic: Topic, fields: &[(&str, Value)]) -> RecordOp {
    RecordOp::Create {
        kind: DECISIONS.to_owned(),
        id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0d00 + n),
        parent: None,
        topic: Some(topic),
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

fn members(list: &[DemoMember], advocate_type: Option<(u128, &str)>) -> Vec<RecordOp> {
    list.iter()
        .map(
            |&(n, name, relationship, role, closeness, helps, contact, boundaries)| {
                let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0d00 + n);
                let mut fields = vec![
                    ("name", text(name)),
                    ("relationship", text(relationship)),
                    ("role", Value::Choice(role.into())),
                    ("closeness", Value::Choice(closeness.into())),
                    ("helps_with", text(helps)),
                    ("contact", text(contact)),
                    ("boundaries", text(boundaries)),
                ];
                if let Some((which, kind)) = advocate_type
                    && which == n
                {
                    fields.push(("advocate_type", Value::Choice(kind.into())));
                }
                create(MEMBERS, id, fields)
            },
        )
        .collect()
}

/// The involvement plan of each demo person, as edits: their circle of support, how they
/// communicate, when their circle meets and how decisions are made with them.
pub fn involvement() -> Vec<(PersonId, Vec<RecordOp>)> {
    let mut maggie = members(
        &[
            (
                1,
                "Ruth Okafor",
                "My daughter",
                "family",
                "closest",
                "Shopping on Saturdays and lifts to the GP",
                "Text after 5pm; calls at weekends",
                "Please don't do my breakfast or my tea for me: I'm learning to do them again",
            ),
            (
                2,
                "Asha Patel",
                "My key worker",
                "professional",
                "close",
                "Reablement visits: practising in the kitchen and the walk to the shops",
                "Riverside office, 9am to 5pm on weekdays",
                "Don't decide things with Ruth before asking me",
            ),
            (
                3,
                "Bernice Hall",
                "My neighbour",
                "friend",
                "further",
                "Pops in for a chat most mornings",
                "Knock on the back door",
                "Don't take my bins out: I do that myself",
            ),
        ],
        None,
    );
    maggie.extend([
        create(COMMUNICATING, MAGGIE.0, vec![
            ("language", text("English")),
            ("formats", keys(&["large_print"])),
            ("best_time", text("Late mornings, after 10")),
            ("longest_meeting", Value::Number(30)),
            ("helps", text("A cup of tea first, one thing at a time, and the plan written down for me afterwards")),
            ("upsets", text("People talking over me to Ruth")),
            ("first_thing", text("Speak to me, not to Ruth")),
            ("family_contact", text("Asha Patel, my key worker")),
        ]),
        create(RHYTHM, MAGGIE.0, vec![
            ("mini_review", Value::Choice("monthly".into())),
            ("mini_minutes", Value::Number(20)),
            ("deep_dive", Value::Choice("quarterly".into())),
            ("starts_on", date("2026-11-12")),
            ("check_ins", keys(&["phone"])),
            ("check_in_notes", text("A phone call on the Friday after each review")),
        ]),
        create(DECIDING_KIND, MAGGIE.0, vec![
            ("consent", text("Ask me straight, and give me time to think it over")),
            ("support", text("Write the choices down in large print and leave them with me")),
            ("consult", text("Ruth, and my key worker")),
            ("triggers", keys(&["serious_medical", "accommodation"])),
            ("least_restrictive", text("Try it with me before doing it for me")),
            ("review_date", date("2027-02-12")),
        ]),
    ]);
    let mut dan = members(
        &[
            (
                11,
                "Tom Reed",
                "My key worker",
                "professional",
                "closest",
                "Planning my week, and my evenings out",
                "Elm Court office, or the house phone",
                "Don't tell me no without telling me why",
            ),
            (
                12,
                "Lee Morgan",
                "My advocate",
                "advocate",
                "close",
                "Makes sure what I want is heard at reviews",
                "Email; Tuesday to Thursday",
                "",
            ),
            (
                13,
                "Carol Walsh",
                "My mum",
                "family",
                "close",
                "Sunday dinners, and helps me with letters",
                "Phone in the evening",
                "Please don't ring staff at night to check up on me",
            ),
            (
                14,
                "Kieran Doyle",
                "My friend",
                "friend",
                "further",
                "Meets me at the pub quiz on Thursdays",
                "Text me and I'll tell him",
                "",
            ),
        ],
        Some((12, "care_act")),
    );
    dan.extend([
        create(
            COMMUNICATING,
            DAN.0,
            vec![
                ("language", text("English")),
                ("formats", keys(&["easy_read", "pictures"])),
                ("best_time", text("Afternoons")),
                ("longest_meeting", Value::Number(45)),
                (
                    "helps",
                    text("Pictures of the choices, and time to think before I answer"),
                ),
                ("upsets", text("Being told no without a reason")),
                (
                    "first_thing",
                    text("Ask me what I want before you ask anyone else"),
                ),
            ],
        ),
        create(
            RHYTHM,
            DAN.0,
            vec![
                ("mini_review", Value::Choice("fortnightly".into())),
                ("mini_minutes", Value::Number(30)),
                ("deep_dive", Value::Choice("quarterly".into())),
                ("starts_on", date("2026-10-05")),
                ("check_ins", keys(&["text", "video"])),
                (
                    "check_in_notes",
                    text("A text when I'm out late, so staff know I'm safe"),
                ),
            ],
        ),
        create(
            DECIDING_KIND,
            DAN.0,
            vec![
                (
                    "consent",
                    text("Show me the choices with pictures and ask me which one"),
                ),
                ("support", text("Talking it through with Lee first")),
                ("consult", text("Lee, my mum, and Tom")),
                (
                    "triggers",
                    keys(&["dols_lps", "accommodation", "safeguarding"]),
                ),
                (
                    "least_restrictive",
                    text("Going out with check-ins, not staying in"),
                ),
                ("review_date", date("2027-01-15")),
            ],
        ),
    ]);
    let mut priya = members(
        &[
            (
                21,
                "Anil Shah",
                "My brother",
                "family",
                "close",
                "Comes with me to appointments when I ask",
                "Text first; he calls back",
                "Please don't tell our parents about my appointments",
            ),
            (
                22,
                "Jo Bennett",
                "My support worker",
                "professional",
                "closest",
                "Weekly visits, and my crisis plan",
                "Northgate office, or the out-of-hours line",
                "",
            ),
        ],
        None,
    );
    priya.extend([
        create(
            COMMUNICATING,
            PRIYA.0,
            vec![
                ("language", text("English and Gujarati")),
                ("best_time", text("Evenings are better than mornings")),
                ("longest_meeting", Value::Number(30)),
                ("helps", text("A text before you call")),
                ("upsets", text("Surprise visits")),
                (
                    "first_thing",
                    text("When I'm unwell, short messages are easier"),
                ),
            ],
        ),
        create(
            DECIDING_KIND,
            PRIYA.0,
            vec![
                (
                    "consent",
                    text(
                        "Ask me when I'm well; my advance statement says what I want when I'm not",
                    ),
                ),
                ("consult", text("Jo, and Anil if I say so at the time")),
                ("triggers", keys(&["safeguarding"])),
                ("review_date", date("2027-03-01")),
            ],
        ),
    ]);
    // Dan's late evenings out: doubt about his capacity for this decision, the four tests, and
    // a best-interests outcome his advocate shaped; a daily-living decision.
    dan.push(decision(
        31,
        Topic::DailyLiving,
        &[
            ("decision", text("Whether I stay out after 11pm on Fridays and Saturdays")),
            ("decided_on", date("2026-11-20")),
            ("supported", text("Easy-read sheet with pictures of the bus times and the check-in plan; talked it through with Lee first, in the afternoon")),
            ("outcome", Value::Choice("doubt".into())),
            ("understand", Value::Choice("yes".into())),
            ("understand_evidence", text("Told us in his own words what could go wrong on the late bus")),
            ("retain", Value::Choice("yes".into())),
            ("retain_evidence", text("Remembered the plan the next day")),
            ("weigh", Value::Choice("no".into())),
            ("weigh_evidence", text("Could not weigh the risk of the last bus home against staying out, on two occasions")),
            ("communicate", Value::Choice("yes".into())),
            ("communicate_evidence", text("Said clearly what he wants, with pictures")),
            ("consulted", text("Dan; Lee Morgan (Care Act advocate); Carol Walsh (mum); Tom Reed (key worker)")),
            ("wishes", text("Has always loved the Friday quiz and seeing friends late; wants to be treated like other people his age")),
            ("options", text("Home by 11pm; out until midnight with a text check-in at 11 and a taxi booked; out with a staff member")),
            ("chosen", text("Out until midnight with a text check-in at 11pm and a booked taxi home: Lee's suggestion, the least restrictive option that keeps him safe")),
            ("review_date", date("2027-01-15")),
        ],
    ));
    // A health decision Maggie made herself: Ruth, who isn't shared "Health", never sees it.
    maggie.push(decision(
        32,
        Topic::Health,
        &[
            ("decision", text("Whether to try the new water tablets")),
            ("decided_on", date("2026-11-26")),
            (
                "supported",
                text("Large-print leaflet from the GP, read together in the late morning"),
            ),
            ("outcome", Value::Choice("decided".into())),
            ("review_date", date("2027-02-26")),
        ],
    ));
    // How the circle works together day to day: supporter agreements, the interaction log,
    // an advocacy referral.
    maggie.extend([
        create(AGREEMENTS, demo_id(41), vec![
            ("supporter", text("Ruth Okafor")),
            ("what_they_do", text("Visits on Saturdays: shopping together, then a cup of tea that Maggie makes")),
            ("prompts", text("What's the first step?\nShall I wait while you try?\nWhat would help right now?")),
            ("help_means", text("Help means waiting while I try first, and doing only the part I ask for. Doing it for me is not help.")),
        ]),
        create(AGREEMENTS, demo_id(42), vec![
            ("supporter", text("Riverside staff")),
            ("what_they_do", text("Reablement visits, morning and teatime")),
            ("prompts", text("What's the first step?\nShall I wait while you try?")),
            ("help_means", text("Two steps of breakfast done by Maggie before help is offered")),
        ]),
        create(INTERACTIONS, demo_id(43), vec![
            ("summary", text("Ruth worried about Maggie using the kettle; agreed to try the prompts for two weeks")),
            ("happened_on", date("2026-11-24")),
            ("who", text("Ruth Okafor and Asha Patel")),
            ("channel", Value::Choice("phone".into())),
            ("next_step", text("Asha to call Ruth on 8 December to see how the prompts went")),
        ]),
    ]);
    dan.extend([
        create(REFERRALS, demo_id(44), vec![
            ("about", text("Staying out after 11pm: Dan and staff disagree")),
            ("trigger", Value::Choice("no_one_to_consult".into())),
            ("advocate_type", Value::Choice("care_act".into())),
            ("arose_at", moment("2026-11-10T09:30")),
            ("referred_at", moment("2026-11-10T11:00")),
            ("engaged_at", moment("2026-11-11T14:00")),
            ("advocate", text("Lee Morgan")),
            ("advocate_view", text("Dan understands the risks of the late bus; a curfew is not the least restrictive option")),
            ("changed", text("A staged plan with a text check-in at 11pm and a booked taxi, instead of home by 11")),
        ]),
        create(INTERACTIONS, demo_id(45), vec![
            ("summary", text("Mini-review by video with Lee: the check-in texts are working")),
            ("happened_on", date("2026-11-30")),
            ("who", text("Dan, Lee Morgan, Tom Reed")),
            ("channel", Value::Choice("video".into())),
            ("next_step", text("Try one Saturday out until midnight; review on 14 December")),
        ]),
    ]);
    priya.push(create(
        INTERACTIONS,
        demo_id(46),
        vec![
            (
                "summary",
                text("Priya asked for fewer calls this month; texts before visits instead"),
            ),
            ("happened_on", date("2026-11-28")),
            ("who", text("Priya and Jo Bennett")),
            ("channel", Value::Choice("text".into())),
            ("next_step", text("Jo to text the day before each visit")),
        ],
    ));
    vec![(MAGGIE, maggie), (DAN, dan), (PRIYA, priya)]
}

/// Writes the demo involvement plans through the records engine, as edits of one demo device
/// per person with fixed numbers: loading them again is answered from the stored outcomes and
/// changes nothing, and never reverts what people have edited since.
pub async fn load_involvement(store: &dyn crate::Store) -> Result<(), crate::StoreError> {
    for (person, ops) in involvement() {
        let client = ClientId(Uuid::from_u128(
            0x0193_0000_0000_7000_8000_0000_0000_0e00 + (person.0.as_u128() & 0xff),
        ));
        let batch = numbered(client, ops);
        let acks = store.sync_push(person, client, &batch).await?;
        all_applied(&acks, "demo involvement plan edit")?;
    }
    Ok(())
}

/// `ops` as one demo device's edits, numbered from 1 (the same numbers at every load, so a
/// second load is answered from the stored outcomes).
fn numbered(client: ClientId, ops: Vec<RecordOp>) -> Vec<Mutation> {
    ops.into_iter()
        .enumerate()
        .map(|(n, op)| Mutation {
            client,
            seq: n as u64 + 1,
            schema: SCHEMA_VERSION,
            op: AnyOp::Record(op),
        })
        .collect()
}

/// An error naming `what` (as "demo meeting edit of Tom Reed") for the first demo edit the
/// engine refused.
fn all_applied(
    acks: &[domain::records::authority::Ack],
    what: &str,
) -> Result<(), crate::StoreError> {
    match acks.iter().find_map(|a| match &a.outcome {
        Outcome::Rejected { reason } => Some((a.seq, reason)),
        _ => None,
    }) {
        Some((seq, reason)) => Err(crate::StoreError::Corrupt(format!(
            "{what} {seq} refused: {reason}"
        ))),
        None => Ok(()),
    }
}

/// Today in the UK, from which the demo's dates count (its observations up to yesterday, its
/// meetings before and after).
pub fn today() -> Result<domain::calendar::Date, crate::StoreError> {
    domain::calendar::Date::of_ms_in_london(crate::now_ms()).ok_or_else(|| {
        crate::StoreError::Corrupt("the clock is outside years 1 to 9999".to_owned())
    })
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
