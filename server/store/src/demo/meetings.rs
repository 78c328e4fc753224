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
//! Each person's edits are written by their key worker's demo device, numbered from 1 and as
//! many whatever the day: loading the demo again is answered from the stored outcomes.

use std::collections::BTreeMap;

use domain::PersonId;
use domain::audit::Editor;
use domain::calendar::{Date, london_local_to_ms};
use domain::records::kinds::{ACTIONS, ATTENDANCES, DISAGREEMENTS, MEETINGS};
use domain::records::{RecordOp, Value};
use domain::sync::ClientId;
use uuid::Uuid;

use super::{ACCOUNTS, DAN, MAGGIE, user};

/// Dan's decision record about late evenings out (`demo.rs`), which the complex review decides.
const DANS_LATE_EVENINGS: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0d00 + 31);

/// Demo meeting records: from `0x0193_0000_0000_7000_8000_0000_0021_0000` (Maggie) and
/// `…_0022_0000` (Dan).
fn record_id(person: u128, n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0020_0000 + (person << 16) + n)
}

/// The demo device writing person `person`'s meetings.
fn client(person: u128) -> ClientId {
    ClientId(Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0000_0000_0c00 + (person << 4),
    ))
}

struct Meetings {
    number: u128,
    today: Date,
    ops: Vec<RecordOp>,
    ids: u128,
}

impl Meetings {
    fn new(number: u128, today: Date) -> Self {
        Meetings {
            number,
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
        let id = record_id(self.number, self.ids);
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
        self.add(
            ATTENDANCES,
            Some(meeting),
            vec![
                ("who", text(who)),
                ("role", text(role)),
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

/// Writes the demo meetings ([`meeting_edits`]) through the records engine as each person's key
/// worker. An edit refused is an error.
pub async fn load_meetings(store: &dyn crate::Store, today: Date) -> Result<(), crate::StoreError> {
    for (person, worker, ops) in meeting_edits(today) {
        let number = person.0.as_u128() & 0xf;
        let client = client(number);
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
