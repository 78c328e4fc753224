//! The demo's reviews and meetings, dated from the day the demo is loaded so that the clocks
//! always have something to show:
//!
//! * **Dan**: a mini-review held 12 days ago whose summary has not gone out (late), with an
//!   overdue action and one done, who took part and how (his mum by a written contribution),
//!   and the disagreement raised at it about coming home after 11pm; then the **complex
//!   review** in 2 days, chaired by the registered manager, his advocate invited, its agenda
//!   not yet sent (late), deciding through his decision record whether he stays out until
//!   midnight. It is the meeting the demo runs end to end.
//! * **Maggie**: a goal-setting meeting held 20 days ago, its agenda and summary sent on time.
//!
//! Before those, each of Maggie, Dan and Priya has **a year of reviews** ([`history_edits`]),
//! about every six weeks and all concluded: who took part (family most times, sometimes in
//! writing, sometimes not at all; Dan's advocate), agendas and summaries mostly on time,
//! actions done (a few late), two disagreements each resolved (one late), and Dan's advocacy
//! referrals (one engaged late). The governance dashboard charts them, each figure traceable
//! to these meetings. They vary by a fixed rule, never at random, and are as many whatever the
//! day.
//!
//! Each person's edits are written by their key worker's demo device, numbered from 1 and as
//! many whatever the day: loading the demo again is answered from the stored outcomes.

use std::collections::BTreeMap;

use domain::PersonId;
use domain::audit::Editor;
use domain::calendar::{Date, london_local_to_ms};
use domain::governance::Month;
use domain::records::kinds::{ACTIONS, ATTENDANCES, DISAGREEMENTS, FEEDBACK, MEETINGS, REFERRALS};
use domain::records::{RecordOp, Value};
use domain::sync::ClientId;
use uuid::Uuid;

use super::{ACCOUNTS, DAN, MAGGIE, PRIYA, user};

/// Dan's decision record about late evenings out (`demo.rs`), which the complex review decides.
const DANS_LATE_EVENINGS: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0d00 + 31);

/// Demo meeting records: from `0x0193_0000_0000_7000_8000_0000_0021_0000` (Maggie) and
/// `…_0022_0000` (Dan); their year before, from `…_0031_0000` ([`HISTORY`]).
fn record_id(base: u128, person: u128, n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + base + (person << 16) + n)
}

const CURRENT: u128 = 0x0020_0000;
const HISTORY: u128 = 0x0030_0000;

/// The demo device writing person `person`'s meetings (and, 8 on, their year before).
fn client(person: u128) -> ClientId {
    ClientId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0000_0000_0c00 + (person << 4),
    ))
}

struct Meetings {
    number: u128,
    base: u128,
    today: Date,
    ops: Vec<RecordOp>,
    ids: u128,
}

impl Meetings {
    fn new(number: u128, today: Date) -> Self {
        Meetings {
            number,
            base: CURRENT,
            today,
            ops: Vec::new(),
            ids: 0,
        }
    }

    fn day(&self, from_today: i64) -> Value {
        Value::Date(self.today.add_days(from_today).unwrap_or(self.today))
    }

    fn at(&self, from_today: i64, hour: u8, minute: u8) -> Value {
        let day = self.today.add_days(from_today).unwrap_or(self.today);
        Value::Number(
            london_local_to_ms(day, hour, minute)
                .unwrap_or_else(|_| domain::calendar::london_midnight_ms(day)),
        )
    }

    fn add(&mut self, kind: &str, parent: Option<Uuid>, fields: Vec<(&str, Value)>) -> Uuid {
        self.ids += 1;
        let id = record_id(self.base, self.number, self.ids);
        self.ops.push(RecordOp::Create {
            kind: kind.to_owned(),
            id,
            parent,
            topic: None,
            fields: fields
                .into_iter()
                .filter(|(_, v)| *v != Value::Empty)
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<BTreeMap<_, _>>(),
        });
        id
    }

    fn took_part(&mut self, meeting: Uuid, who: &str, role: &str, how: Option<&str>, said: &str) {
        // Whom they take part as, from the role the demo gives them.
        let taking_part_as = match role {
            "Dan" | "Maggie" | "Priya" => "person",
            r if r.contains("advocate") => "advocate",
            r if r.starts_with("Key worker") || r.starts_with("Registered manager") => "staff",
            _ => "family",
        };
        self.add(
            ATTENDANCES,
            Some(meeting),
            vec![
                ("who", text(who)),
                ("role", text(role)),
                ("taking_part_as", choice(taking_part_as)),
                ("how", how.map_or(Value::Empty, choice)),
                ("contribution", text(said)),
                ("invited", Value::Flag(true)),
            ],
        );
    }
}

fn text(t: &str) -> Value {
    if t.is_empty() {
        Value::Empty
    } else {
        Value::Text(t.to_owned())
    }
}

fn choice(key: &str) -> Value {
    Value::Choice(key.to_owned())
}

fn dan(today: Date) -> Meetings {
    let mut m = Meetings::new(2, today);
    let mini = m.add(
        MEETINGS,
        None,
        vec![
            ("title", text("Friday evenings: how the check-ins went")),
            ("meeting_type", choice("mini_review")),
            ("starts_at", m.at(-12, 16, 0)),
            ("minutes", Value::Number(30)),
            ("place", text("Elm Court, Dan's flat")),
            ("chair", text("Tom Reed")),
            (
                "agenda",
                text("How the Friday check-ins went\nWhat Dan wants next"),
            ),
            (
                "decisions_to_make",
                text("Whether Dan tries the late bus on Fridays"),
            ),
            ("agenda_sent_on", m.day(-16)),
            ("status", choice("held")),
            (
                "advocate_view",
                text("Dan has kept to every check-in. He is ready to try the late bus."),
            ),
            (
                "consent_points",
                text("Dan agreed that Carol hears how the check-ins go."),
            ),
            ("next_review_on", m.day(2)),
        ],
    );
    m.took_part(mini, "Dan Price", "Dan", Some("in_person"), "");
    m.took_part(mini, "Tom Reed", "Key worker", Some("in_person"), "");
    m.took_part(mini, "Lee Morgan", "Care Act advocate", Some("video"), "");
    m.took_part(
        mini,
        "Carol Walsh",
        "Mum",
        Some("written"),
        "I'm happy for him to try it if he texts me when he's on the bus.",
    );
    m.add(
        ACTIONS,
        Some(mini),
        vec![
            (
                "what",
                text("Ask the bus company about the late service on Fridays"),
            ),
            ("owner", text("Tom Reed")),
            ("due_on", m.day(-3)),
        ],
    );
    m.add(
        ACTIONS,
        Some(mini),
        vec![
            ("what", text("Share the check-in plan with Carol")),
            ("owner", text("Lee Morgan")),
            ("due_on", m.day(-6)),
            ("done_on", m.day(-7)),
            ("verified", text("Carol replied by text that she has it")),
        ],
    );
    m.add(
        DISAGREEMENTS,
        None,
        vec![
            ("about", text("Coming home after 11pm")),
            ("meeting", text(&mini.to_string())),
            ("person_view", text("I want to stay to the end of the quiz like everyone else.")),
            (
                "others_views",
                text("Carol Walsh: I worry about the last bus.\nTom Reed: The 23:40 bus is often late."),
            ),
            ("tried", text("A text check-in at 11pm on two Fridays: both on time.")),
            ("next_steps", text("Decide at the complex review, with Lee.")),
            ("advocate_note", text("Dan has said the same, clearly, for months.")),
            ("raised_on", m.day(-12)),
            ("review_on", m.day(2)),
            ("level", choice("key_worker")),
        ],
    );
    let review = m.add(
        MEETINGS,
        None,
        vec![
            ("title", text("Late evenings out: the decision")),
            ("meeting_type", choice("complex_review")),
            ("starts_at", m.at(2, 14, 0)),
            ("minutes", Value::Number(60)),
            (
                "place",
                text("Elm Court, the quiet lounge; Lee joins by video"),
            ),
            ("chair", text("Grace Mensah")),
            (
                "agenda",
                text(
                    "How the Friday check-ins went\nWhat the bus company said\nWhat Dan wants next",
                ),
            ),
            (
                "decisions_to_make",
                text("Whether Dan stays out until midnight on Fridays and Saturdays"),
            ),
            ("decision_record", text(&DANS_LATE_EVENINGS.to_string())),
            ("status", choice("planned")),
        ],
    );
    m.took_part(review, "Dan Price", "Dan", None, "");
    m.took_part(
        review,
        "Grace Mensah",
        "Registered manager, chair",
        None,
        "",
    );
    m.took_part(review, "Tom Reed", "Key worker", None, "");
    m.took_part(review, "Lee Morgan", "Care Act advocate", None, "");
    m.took_part(review, "Carol Walsh", "Mum", None, "");
    m
}

fn maggie(today: Date) -> Meetings {
    let mut m = Meetings::new(1, today);
    let goals = m.add(
        MEETINGS,
        None,
        vec![
            ("title", text("Breakfast and the walk to the shop")),
            ("meeting_type", choice("goal_setting")),
            ("starts_at", m.at(-20, 10, 30)),
            ("minutes", Value::Number(40)),
            ("place", text("Maggie's kitchen")),
            ("chair", text("Asha Patel")),
            (
                "agenda",
                text("Breakfast on my own\nThe walk to the corner shop"),
            ),
            ("agenda_sent_on", m.day(-24)),
            ("status", choice("held")),
            (
                "consent_points",
                text("Maggie agreed that Ruth sees her goals and progress."),
            ),
            ("summary_sent_on", m.day(-17)),
            ("summary_sent_to", text("Maggie Okafor\nRuth Okafor")),
            ("next_review_on", m.day(25)),
        ],
    );
    m.took_part(goals, "Maggie Okafor", "Maggie", Some("in_person"), "");
    m.took_part(goals, "Ruth Okafor", "Daughter", Some("phone"), "");
    m.took_part(goals, "Asha Patel", "Key worker", Some("in_person"), "");
    m.add(
        ACTIONS,
        Some(goals),
        vec![
            ("what", text("Book the occupational therapist's visit")),
            ("owner", text("Asha Patel")),
            ("due_on", m.day(-10)),
            ("done_on", m.day(-12)),
            ("verified", text("The visit is in Maggie's diary")),
        ],
    );
    m
}

/// The demo meetings when loaded on `today`: (person, their key worker, the edits).
pub fn meeting_edits(today: Date) -> Vec<(PersonId, u128, Vec<RecordOp>)> {
    vec![(MAGGIE, 1, maggie(today).ops), (DAN, 2, dan(today).ops)]
}

/// The people with a year of reviews: who, their key worker (a demo account's number), the
/// family member who takes part and how they are related, their advocate if they have one, and
/// what a disagreement was about, twice.
struct Year {
    person: PersonId,
    name: &'static str,
    worker: u128,
    family: (&'static str, &'static str),
    advocate: Option<&'static str>,
    disagreements: [&'static str; 2],
}

const YEARS: [Year; 3] = [
    Year {
        person: MAGGIE,
        name: "Maggie",
        worker: 1,
        family: ("Ruth Okafor", "Daughter"),
        advocate: None,
        disagreements: [
            "Whether Maggie uses the kettle on her own",
            "How many visits a day Maggie needs",
        ],
    },
    Year {
        person: DAN,
        name: "Dan",
        worker: 2,
        family: ("Carol Walsh", "Mum"),
        advocate: Some("Lee Morgan"),
        disagreements: ["Spending money on gig tickets", "Coming home after 11pm"],
    },
    Year {
        person: PRIYA,
        name: "Priya",
        worker: 3,
        family: ("Anil Shah", "Brother"),
        advocate: None,
        disagreements: [
            "Reducing the evening check-in calls",
            "Who is told when Priya is unwell",
        ],
    },
];

/// Reviews in each person's year.
pub const HISTORY_REVIEWS: i64 = 8;

/// The first working day on or after `day`.
fn working(day: Date) -> Date {
    let mut d = day;
    while !domain::calendar::is_working_day(d).unwrap_or(true) {
        d = d.add_days(1).unwrap_or(d);
    }
    d
}

/// One person's year of reviews, the last about five weeks before `today`.
fn year(number: u128, y: &Year, today: Date) -> Meetings {
    let mut m = Meetings {
        base: HISTORY,
        ..Meetings::new(number, today)
    };
    let (family, related) = y.family;
    let worker = ACCOUNTS
        .iter()
        .find(|a| a.id == user(y.worker))
        .map_or("Key worker", |a| a.name);
    let offset = |d: Date| d.days_since_epoch() - today.days_since_epoch();
    // Each review's meeting, day, rule number and whether family took part, for the answers
    // to "I feel involved" written after them (last, so that a demo loaded by an older build
    // keeps its records and gains these).
    let mut held = Vec::new();
    for i in 0..HISTORY_REVIEWS {
        // What varies, by a fixed rule: 0 to 9.
        let k = (number as i64 * 7 + i * 3) % 10;
        let day = working(
            today
                .add_days(-365 + i * 42 + number as i64 * 3)
                .unwrap_or(today),
        );
        let on = offset(day);
        let title = format!("{}'s review: {}", y.name, Month::of(day).words());
        let agenda = match k {
            3 => m.day(on - 2),
            7 => Value::Empty,
            _ => m.day(on - 4),
        };
        let summary = if k == 2 || k == 8 {
            m.day(on + 9)
        } else {
            m.day(offset(
                domain::calendar::add_working_days(day, 3).unwrap_or(day),
            ))
        };
        let meeting = m.add(
            MEETINGS,
            None,
            vec![
                ("title", text(&title)),
                (
                    "meeting_type",
                    choice(if i == 0 {
                        "goal_setting"
                    } else {
                        "mini_review"
                    }),
                ),
                ("starts_at", m.at(on, 10, 30)),
                ("minutes", Value::Number(if i == 0 { 90 } else { 45 })),
                ("place", text("At home")),
                ("chair", text(worker)),
                ("agenda", text("How the last weeks went\nWhat to try next")),
                ("agenda_sent_on", agenda),
                ("status", choice("held")),
                ("summary_sent_on", summary),
                ("summary_sent_to", text(&format!("{}\n{family}", y.name))),
            ],
        );
        m.took_part(meeting, y.name, y.name, Some("in_person"), "");
        m.took_part(meeting, worker, "Key worker", Some("in_person"), "");
        held.push((meeting, on, k));
        match k % 3 {
            0 => m.took_part(meeting, family, related, None, ""),
            1 => m.took_part(
                meeting,
                family,
                related,
                Some(if k < 5 { "in_person" } else { "video" }),
                "",
            ),
            _ => m.took_part(
                meeting,
                family,
                related,
                Some("written"),
                "Sorry I can't be there. Things seem to be going well from what I see.",
            ),
        }
        if let Some(advocate) = y.advocate
            && i % 2 == 0
        {
            m.took_part(meeting, advocate, "Care Act advocate", Some("video"), "");
        }
        // Two actions, done: on time or (now and then) late, and never after yesterday.
        for (n, (what, weeks)) in [
            ("Try the new routine and note how it goes", 3),
            ("Check in with family about it", 5),
        ]
        .into_iter()
        .enumerate()
        {
            let due = on + weeks * 7;
            let done = if k == 5 && n == 1 { due + 6 } else { due - 2 };
            m.add(
                ACTIONS,
                Some(meeting),
                vec![
                    ("what", text(what)),
                    ("owner", text(if n == 0 { worker } else { family })),
                    ("due_on", m.day(due)),
                    ("done_on", m.day(done.min(-1))),
                    ("verified", text("Talked through at the next visit")),
                ],
            );
        }
        // A disagreement at the third review (resolved in time) and the sixth (late).
        if i == 2 || i == 5 {
            let about = y.disagreements[usize::from(i == 5)];
            let days = if i == 2 { 14 } else { 40 };
            m.add(
                DISAGREEMENTS,
                None,
                vec![
                    ("about", text(about)),
                    ("meeting", text(&meeting.to_string())),
                    ("raised_on", m.day(on)),
                    (
                        "tried",
                        text("Talked it through together and tried a middle way"),
                    ),
                    ("resolved_on", m.day(on + days)),
                    (
                        "resolution",
                        text("Agreed a way forward everyone could live with"),
                    ),
                ],
            );
        }
        // Dan's advocacy referrals: engaged the next morning, then (late) after 60 hours.
        if y.advocate.is_some() && (i == 1 || i == 4) {
            let hours = if i == 1 { 20 } else { 60 };
            let arose = london_local_to_ms(day, 9, 0)
                .unwrap_or_else(|_| domain::calendar::london_midnight_ms(day));
            let (about, trigger) = if i == 1 {
                ("A change of flat", "accommodation")
            } else {
                ("A hospital appointment and treatment", "serious_medical")
            };
            m.add(
                REFERRALS,
                None,
                vec![
                    ("about", text(about)),
                    ("trigger", choice(trigger)),
                    ("advocate_type", choice("care_act")),
                    ("arose_at", Value::Number(arose)),
                    ("referred_at", Value::Number(arose + 2 * 3_600_000)),
                    ("engaged_at", Value::Number(arose + hours * 3_600_000)),
                    ("advocate", text("Lee Morgan")),
                ],
            );
        }
    }
    // "I feel involved": the person after every review, and family after those they took
    // part in; mostly "mostly" or "yes, very much", now and then less, by a fixed rule.
    const PERSON: [i64; 10] = [5, 4, 4, 5, 3, 4, 5, 2, 4, 5];
    const FAMILY: [i64; 10] = [4, 5, 3, 4, 5, 4, 2, 5, 4, 3];
    for (meeting, on, k) in held {
        let score = |scores: [i64; 10]| Value::Number(scores[usize::try_from(k).unwrap_or(0)]);
        m.add(
            FEEDBACK,
            Some(meeting),
            vec![
                ("voice", choice("person")),
                ("who", text(y.name)),
                ("score", score(PERSON)),
                ("answered_on", m.day(on)),
                (
                    "said",
                    text(if k == 7 {
                        "Too many people talking at once"
                    } else {
                        ""
                    }),
                ),
            ],
        );
        if k % 3 != 0 {
            m.add(
                FEEDBACK,
                Some(meeting),
                vec![
                    ("voice", choice("member")),
                    ("who", text(family)),
                    ("score", score(FAMILY)),
                    ("answered_on", m.day(on + 1)),
                ],
            );
        }
    }
    m
}

/// The demo's year of reviews before its meetings, when loaded on `today`: (person, their key
/// worker, the edits).
pub fn history_edits(today: Date) -> Vec<(PersonId, u128, Vec<RecordOp>)> {
    YEARS
        .iter()
        .map(|y| {
            let number = y.person.0.as_u128() & 0xf;
            (y.person, y.worker, year(number, y, today).ops)
        })
        .collect()
}

/// Writes the demo's year of reviews ([`history_edits`], each person's from its own device),
/// then its meetings ([`meeting_edits`]), through the records engine as each person's key
/// worker. An edit refused is an error.
pub async fn load_meetings(store: &dyn crate::Store, today: Date) -> Result<(), crate::StoreError> {
    let history = history_edits(today).into_iter().map(|e| (e, 8));
    let current = meeting_edits(today).into_iter().map(|e| (e, 0));
    for ((person, worker, ops), device) in history.chain(current) {
        let number = person.0.as_u128() & 0xf;
        let client = ClientId(Uuid::from_u128(client(number).0.as_u128() + device));
        let account = user(worker);
        let name = ACCOUNTS
            .iter()
            .find(|a| a.id == account)
            .map_or("Circle", |a| a.name);
        let mutations = super::numbered(client, ops);
        let editor = Editor {
            user: Some(account),
            name: name.to_owned(),
            device: "Demo".to_owned(),
            at_ms: crate::now_ms(),
        };
        let acks = store
            .push(person, client, &mutations, &|_, _| Ok(()), &editor)
            .await?;
        super::all_applied(&acks, &format!("demo meeting edit of {name}"))?;
    }
    Ok(())
}
