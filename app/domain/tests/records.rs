//! The records engine, driven through its public surface: devices with different readers, a
//! server, and a network that loses, duplicates and reorders messages while consent changes.

use std::collections::{BTreeMap, BTreeSet};

use domain::PersonId;
use domain::access::Topic;
use domain::records::authority::{Ack, AnyOp, Authority, Change, Mutation};
use domain::records::engine::topic_of;
use domain::records::kinds::{
    ABOUT, CONFLICT, Catalog, FieldSpec, GOALS, KindSpec, MEETINGS, STEPS, TopicRule,
};
use domain::records::pull::PullResponse;
use domain::records::replica::Replica;
use domain::records::{Outcome, Record, RecordOp, RecordSet, Stamp, Value};
use domain::sync::ClientId;
use proptest::prelude::*;
use uuid::Uuid;

const PERSON: PersonId = PersonId(Uuid::from_u128(0xb01));

fn all_topics() -> BTreeSet<Topic> {
    Topic::ALL.into_iter().collect()
}

/// The server, in memory: every record, the version, every outcome, the change log.
struct Server {
    catalog: Catalog,
    records: RecordSet,
    version: u64,
    outcomes: BTreeMap<(ClientId, u64), Ack>,
    log: Vec<Change>,
}

impl Server {
    fn new(catalog: Catalog) -> Self {
        let about = Record {
            kind: ABOUT.into(),
            id: PERSON.0,
            parent: None,
            topic: Topic::AboutMe,
            version: 0,
            deleted: false,
            fields: BTreeMap::from([
                ("wishes".into(), Value::Text(String::new())),
                ("hobbies".into(), Value::Text(String::new())),
            ]),
            stamps: BTreeMap::new(),
            created: Stamp::default(),
        };
        Self {
            catalog,
            records: [about].into_iter().collect(),
            version: 0,
            outcomes: BTreeMap::new(),
            log: Vec::new(),
        }
    }

    /// A push by someone who may write `topics`.
    fn push(&mut self, batch: &[Mutation], topics: &BTreeSet<Topic>, by: &str) -> Vec<Ack> {
        let catalog = self.catalog.clone();
        let mut authority = Authority::resume(
            &catalog,
            PERSON,
            self.records.clone(),
            self.version,
            self.outcomes.clone(),
        );
        let allowed = |set: &RecordSet, op: &RecordOp| match topic_of(set, op, &catalog) {
            Some(t) if topics.contains(&t) => Ok(()),
            _ => Err("This part of the record hasn't been shared with you.".to_owned()),
        };
        let stamp = Stamp {
            by: by.to_owned(),
            at_ms: 1,
        };
        let decided = authority.push(batch, &allowed, &stamp);
        let changed: Vec<Record> = authority.changed().cloned().collect();
        for record in changed {
            self.records.insert(record);
        }
        self.version = authority.version();
        self.log.extend(authority.log().iter().cloned());
        for (client, ack) in authority.fresh_outcomes() {
            assert!(
                self.outcomes
                    .insert((*client, ack.seq), ack.clone())
                    .is_none(),
                "one outcome per edit"
            );
        }
        decided.into_iter().map(|d| d.ack).collect()
    }

    fn pull(&self, since: u64, held: &BTreeSet<Topic>, topics: &BTreeSet<Topic>) -> PullResponse {
        let all: Vec<Record> = self.records.iter().cloned().collect();
        if held != topics {
            return PullResponse::afresh(all, self.version, topics.clone());
        }
        let changed = all.into_iter().filter(|r| r.version > since).collect();
        PullResponse::for_reader(since, changed, self.version, topics)
    }

    fn readable(&self, topics: &BTreeSet<Topic>) -> RecordSet {
        self.records
            .iter()
            .filter(|r| topics.contains(&r.topic))
            .cloned()
            .collect()
    }
}

fn replica(server: &Server, n: u128, topics: &BTreeSet<Topic>) -> Replica {
    Replica::new(
        PERSON,
        ClientId(Uuid::from_u128(n)),
        server.readable(topics),
        server.version,
        topics.clone(),
    )
}

fn me() -> Stamp {
    Stamp {
        by: "Me".into(),
        at_ms: 1,
    }
}

/// Push everything, then pull to the end: one complete sync.
fn sync(r: &mut Replica, server: &mut Server, topics: &BTreeSet<Topic>) {
    for batch in r.push_batches(500, usize::MAX, |_| 1) {
        let acks = server.push(&batch, topics, "Someone");
        r.on_acks(&acks);
    }
    loop {
        let response = server.pull(r.cursor(), r.topics(), topics);
        r.on_pull(&response);
        if response.reaches_the_end() {
            break;
        }
    }
}

fn create_goal(n: u128, wording: &str) -> RecordOp {
    RecordOp::Create {
        kind: GOALS.into(),
        id: Uuid::from_u128(n),
        parent: None,
        topic: None,
        fields: BTreeMap::from([("wording".into(), Value::Text(wording.into()))]),
    }
}

fn set(kind: &str, n: u128, field: &str, before: &str, after: &str) -> RecordOp {
    RecordOp::Set {
        kind: kind.into(),
        id: Uuid::from_u128(n),
        field: field.into(),
        before: Value::Text(before.into()),
        after: Value::Text(after.into()),
    }
}

fn wishes(before: &str, after: &str) -> RecordOp {
    RecordOp::Set {
        kind: ABOUT.into(),
        id: PERSON.0,
        field: "wishes".into(),
        before: Value::Text(before.into()),
        after: Value::Text(after.into()),
    }
}

#[test]
fn concurrent_edits_to_different_fields_both_apply() {
    let mut server = Server::new(Catalog::standard());
    let all = all_topics();
    let (mut a, mut b) = (replica(&server, 10, &all), replica(&server, 11, &all));
    a.edit(
        vec![wishes("", "Cook Sunday lunch")],
        &server.catalog,
        &me(),
    )
    .expect("edit");
    let hobbies = RecordOp::Set {
        kind: ABOUT.into(),
        id: PERSON.0,
        field: "hobbies".into(),
        before: Value::Text(String::new()),
        after: Value::Text("My garden".into()),
    };
    b.edit(vec![hobbies], &server.catalog, &me()).expect("edit");
    sync(&mut a, &mut server, &all);
    sync(&mut b, &mut server, &all);
    sync(&mut a, &mut server, &all);
    for r in [&a, &b] {
        let about = r.confirmed().find(ABOUT, PERSON.0).expect("About me");
        assert_eq!(about.text("wishes"), "Cook Sunday lunch");
        assert_eq!(about.text("hobbies"), "My garden");
        assert_eq!(r.confirmed().of_kind(CONFLICT).count(), 0);
    }
}

#[test]
fn concurrent_edits_to_one_field_apply_in_server_order_and_keep_both_with_who_wrote_them() {
    let mut server = Server::new(Catalog::standard());
    let all = all_topics();
    let (mut maggie, mut grace) = (replica(&server, 10, &all), replica(&server, 11, &all));
    maggie
        .edit(
            vec![create_goal(1, "Make my own breakfast")],
            &server.catalog,
            &me(),
        )
        .expect("edit");
    sync(&mut maggie, &mut server, &all);
    sync(&mut grace, &mut server, &all);
    let was = "Make my own breakfast";
    maggie
        .edit(
            vec![set(GOALS, 1, "wording", was, "Make breakfast and tea")],
            &server.catalog,
            &me(),
        )
        .expect("edit");
    grace
        .edit(
            vec![set(GOALS, 1, "wording", was, "Make porridge myself")],
            &server.catalog,
            &me(),
        )
        .expect("edit");
    let acks = server.push(
        &maggie.push_batches(500, usize::MAX, |_| 1)[0],
        &all,
        "Maggie",
    );
    assert_eq!(acks[0].outcome, Outcome::Applied);
    let acks = server.push(
        &grace.push_batches(500, usize::MAX, |_| 1)[0],
        &all,
        "Grace",
    );
    let Outcome::Conflict { conflict } = acks[0].outcome else {
        panic!("a conflict: {acks:?}");
    };
    grace.on_acks(&acks);
    sync(&mut grace, &mut server, &all);
    sync(&mut maggie, &mut server, &all);
    for r in [&maggie, &grace] {
        let goal = r.confirmed().find(GOALS, Uuid::from_u128(1)).expect("goal");
        assert_eq!(goal.text("wording"), "Make porridge myself", "server order");
        let kept = r
            .confirmed()
            .find(CONFLICT, conflict)
            .expect("the conflict, on both");
        assert_eq!(kept.text("theirs"), "Make breakfast and tea");
        assert_eq!(kept.text("mine"), "Make porridge myself");
        assert_eq!(kept.text("theirs_by"), "Maggie");
        assert_eq!(kept.text("mine_by"), "Grace");
        assert_eq!(kept.topic, Topic::GoalsAndProgress);
    }
    // Settled on one device, settled on all.
    maggie
        .edit(vec![RecordOp::Settle { conflict }], &server.catalog, &me())
        .expect("settle");
    sync(&mut maggie, &mut server, &all);
    sync(&mut grace, &mut server, &all);
    assert!(
        grace
            .confirmed()
            .find(CONFLICT, conflict)
            .expect("kept")
            .deleted
    );
}

#[test]
fn a_step_added_to_a_goal_removed_meanwhile_is_kept_aside_until_someone_decides() {
    let mut server = Server::new(Catalog::standard());
    let all = all_topics();
    let (mut a, mut b) = (replica(&server, 10, &all), replica(&server, 11, &all));
    a.edit(
        vec![create_goal(1, "Walk to the shop")],
        &server.catalog,
        &me(),
    )
    .expect("edit");
    sync(&mut a, &mut server, &all);
    sync(&mut b, &mut server, &all);
    a.edit(
        vec![RecordOp::Delete {
            kind: GOALS.into(),
            id: Uuid::from_u128(1),
        }],
        &server.catalog,
        &me(),
    )
    .expect("remove");
    sync(&mut a, &mut server, &all);
    let step = RecordOp::Create {
        kind: STEPS.into(),
        id: Uuid::from_u128(2),
        parent: Some(Uuid::from_u128(1)),
        topic: None,
        fields: BTreeMap::from([("text".into(), Value::Text("Find my coat".into()))]),
    };
    b.edit(vec![step.clone()], &server.catalog, &me())
        .expect("edit");
    sync(&mut b, &mut server, &all);
    assert!(
        server.records.find(STEPS, Uuid::from_u128(2)).is_none(),
        "not added"
    );
    let conflict = server.records.of_kind(CONFLICT).next().expect("kept aside");
    assert_eq!(conflict.get("edit"), &Value::Edit(Box::new(step.clone())));
    // Bringing the goal back with it.
    let id = conflict.id;
    b.edit(
        vec![
            RecordOp::Restore {
                kind: GOALS.into(),
                id: Uuid::from_u128(1),
            },
            step,
            RecordOp::Settle { conflict: id },
        ],
        &server.catalog,
        &me(),
    )
    .expect("restore");
    sync(&mut b, &mut server, &all);
    assert!(server.records.find(STEPS, Uuid::from_u128(2)).is_some());
}

#[test]
fn at_most_three_goals_are_worked_on_at_once_and_an_achieved_one_makes_room() {
    let mut server = Server::new(Catalog::standard());
    let all = all_topics();
    let mut r = replica(&server, 10, &all);
    for n in 1..=3 {
        r.edit(
            vec![create_goal(n, &format!("Goal {n}"))],
            &server.catalog,
            &me(),
        )
        .expect("edit");
    }
    let refused = r
        .edit(vec![create_goal(4, "Goal 4")], &server.catalog, &me())
        .expect_err("a fourth is refused on the device");
    assert!(refused.contains("at most 3"), "{refused}");
    sync(&mut r, &mut server, &all);
    let achieved = RecordOp::Set {
        kind: GOALS.into(),
        id: Uuid::from_u128(1),
        field: "status".into(),
        before: Value::Choice("active".into()),
        after: Value::Choice("achieved".into()),
    };
    r.edit(
        vec![achieved, create_goal(4, "Goal 4")],
        &server.catalog,
        &me(),
    )
    .expect("room now");
    sync(&mut r, &mut server, &all);
    assert_eq!(server.records.of_kind(GOALS).count(), 4);
}

#[test]
fn an_edit_held_offline_in_the_old_format_is_upgraded_by_the_server_not_refused() {
    let mut server = Server::new(Catalog::standard());
    let all = all_topics();
    let old = |seq, op| Mutation {
        client: ClientId(Uuid::from_u128(9)),
        seq,
        schema: 1,
        op: AnyOp::Plan(op),
    };
    let goal = domain::plan::GoalId(Uuid::from_u128(1));
    let acks = server.push(
        &[
            old(
                1,
                domain::plan::Op::CreateGoal {
                    goal,
                    wording: "Get the late bus home".into(),
                },
            ),
            old(
                2,
                domain::plan::Op::AddStep {
                    goal,
                    step: domain::plan::StepId(Uuid::from_u128(2)),
                    text: "Check the timetable".into(),
                },
            ),
            old(
                3,
                domain::plan::Op::Set {
                    field: domain::plan::Field::AboutMe {
                        field: domain::plan::AboutMeField::Wishes,
                    },
                    before: domain::plan::Value::Text(String::new()),
                    after: domain::plan::Value::Text("A holiday".into()),
                },
            ),
        ],
        &all,
        "Tom",
    );
    assert!(
        acks.iter().all(|a| a.outcome == Outcome::Applied),
        "{acks:?}"
    );
    assert_eq!(
        server
            .records
            .find(STEPS, Uuid::from_u128(2))
            .expect("step")
            .text("text"),
        "Check the timetable"
    );
    assert_eq!(
        server
            .records
            .find(ABOUT, PERSON.0)
            .expect("about")
            .text("wishes"),
        "A holiday"
    );
}

/// A kind declared here, in the test, and nowhere else: no store, screen or redaction code
/// knows it.
static SECRET_DIARY: KindSpec = KindSpec {
    name: "secret_diary",
    title: "diary entry",
    topic: TopicRule::Fixed(Topic::MentalHealth),
    parent: None,
    fields: &[FieldSpec::words("entry", "Entry", 1_000).required()],
    label_field: Some("entry"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

#[test]
fn a_kind_declared_in_a_test_is_withheld_from_a_member_without_its_topic() {
    let mut server = Server::new(Catalog::standard().with(&SECRET_DIARY));
    let all = all_topics();
    let goals_only = BTreeSet::from([Topic::GoalsAndProgress]);
    let mut staff = replica(&server, 10, &all);
    let mut relative = replica(&server, 11, &goals_only);
    let entry = RecordOp::Create {
        kind: "secret_diary".into(),
        id: Uuid::from_u128(5),
        parent: None,
        topic: None,
        fields: BTreeMap::from([("entry".into(), Value::Text("A hard week".into()))]),
    };
    staff
        .edit(
            vec![entry, create_goal(6, "Join the choir")],
            &server.catalog,
            &me(),
        )
        .expect("edit");
    sync(&mut staff, &mut server, &all);
    let response = server.pull(0, &goals_only, &goals_only);
    assert!(response.records.iter().all(|r| r.kind != "secret_diary"));
    sync(&mut relative, &mut server, &goals_only);
    assert!(
        relative
            .confirmed()
            .of_kind("secret_diary")
            .next()
            .is_none()
    );
    assert!(
        relative
            .confirmed()
            .find(GOALS, Uuid::from_u128(6))
            .is_some()
    );
    assert!(
        staff
            .confirmed()
            .find("secret_diary", Uuid::from_u128(5))
            .is_some()
    );
}

// ---- The convergence property

#[derive(Debug, Clone)]
enum Step {
    /// Device `d` makes edit number `e` (an index into the edits it could make now).
    Edit { d: usize, e: usize, text: String },
    /// Device `d` pushes; the answer is lost when `lose`, and the push is sent twice when `twice`.
    Push { d: usize, lose: bool, twice: bool },
    /// Device `d` pulls once; the answer is lost when `lose`, delivered twice when `twice`.
    Pull { d: usize, lose: bool, twice: bool },
    /// Device `d` is restarted: its copy read back from storage.
    Restart { d: usize },
    /// Device `d` drops its copy (as a full storage does, when nothing waits) and starts afresh.
    Drop { d: usize },
    /// The person shares or stops sharing `topic` with relative `who` (0 or 1).
    Consent { who: usize, topic: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let device = 0..4usize;
    prop_oneof![
        4 => (device.clone(), 0..64usize, "[a-z]{1,6}").prop_map(|(d, e, text)| Step::Edit { d, e, text }),
        3 => (device.clone(), any::<bool>(), any::<bool>()).prop_map(|(d, lose, twice)| Step::Push { d, lose: lose && twice, twice }),
        3 => (device.clone(), any::<bool>(), any::<bool>()).prop_map(|(d, lose, twice)| Step::Pull { d, lose: lose && twice, twice }),
        1 => device.clone().prop_map(|d| Step::Restart { d }),
        1 => device.prop_map(|d| Step::Drop { d }),
        1 => (0..2usize, 0..3usize).prop_map(|(who, topic)| Step::Consent { who, topic }),
    ]
}

/// The edits device `r` could make now, given what it shows.
fn possible(
    view: &RecordSet,
    person: PersonId,
    client: ClientId,
    text: &str,
    seq: u64,
) -> Vec<RecordOp> {
    let new_id = Uuid::from_u128((u128::from(client.0.as_u128() as u16) << 64) | u128::from(seq));
    let mut ops = vec![
        create_goal(new_id.as_u128(), text),
        RecordOp::Create {
            kind: MEETINGS.into(),
            id: new_id,
            parent: None,
            topic: None,
            fields: BTreeMap::from([("title".into(), Value::Text(text.into()))]),
        },
    ];
    if let Some(about) = view.find(ABOUT, person.0) {
        ops.push(wishes(about.text("wishes"), text));
    }
    for goal in view.of_kind(GOALS) {
        ops.push(set(
            GOALS,
            goal.id.as_u128(),
            "wording",
            goal.text("wording"),
            text,
        ));
        ops.push(RecordOp::Create {
            kind: STEPS.into(),
            id: new_id,
            parent: Some(goal.id),
            topic: None,
            fields: BTreeMap::from([("text".into(), Value::Text(text.into()))]),
        });
        ops.push(if goal.deleted {
            RecordOp::Restore {
                kind: GOALS.into(),
                id: goal.id,
            }
        } else {
            RecordOp::Delete {
                kind: GOALS.into(),
                id: goal.id,
            }
        });
    }
    for step in view.of_kind(STEPS) {
        ops.push(RecordOp::Set {
            kind: STEPS.into(),
            id: step.id,
            field: "done".into(),
            before: step.get("done").clone(),
            after: Value::Flag(!step.flag("done")),
        });
    }
    for meeting in view.of_kind(MEETINGS) {
        let state = match meeting.get("notes") {
            Value::Shared(s) => s.clone(),
            _ => Vec::new(),
        };
        let typed = format!("{} {text}", domain::notes::shared_text(&state));
        if let Some(update) =
            domain::notes::edit_shared(&state, domain::notes::device_doc_id(client.0), &typed)
        {
            ops.push(RecordOp::EditText {
                kind: MEETINGS.into(),
                id: meeting.id,
                field: "notes".into(),
                update,
            });
        }
    }
    for conflict in view.of_kind(CONFLICT).filter(|c| !c.deleted) {
        ops.push(RecordOp::Settle {
            conflict: conflict.id,
        });
    }
    ops
}

struct Device {
    user: usize,
    replica: Replica,
}

const SHAREABLE: [Topic; 3] = [
    Topic::AboutMe,
    Topic::GoalsAndProgress,
    Topic::MeetingsAndReviews,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_device_converges_to_what_its_reader_may_read_and_nothing_is_lost(
        steps in proptest::collection::vec(step(), 1..60),
    ) {
        let catalog = Catalog::standard();
        let mut server = Server::new(catalog.clone());
        // User 0 is staff (everything), users 1 and 2 relatives whose topics the person changes.
        let mut topics: Vec<BTreeSet<Topic>> = vec![
            all_topics(),
            BTreeSet::from([Topic::GoalsAndProgress, Topic::AboutMe]),
            BTreeSet::from([Topic::MeetingsAndReviews]),
        ];
        let users = [0usize, 0, 1, 2];
        let mut next_client = 100u128;
        let mut devices: Vec<Device> = users
            .iter()
            .map(|&user| {
                next_client += 1;
                Device { user, replica: replica(&server, next_client, &topics[user]) }
            })
            .collect();
        let mut made: Vec<(ClientId, u64)> = Vec::new();
        let mut typed: BTreeMap<String, RecordOp> = BTreeMap::new();
        for step in steps {
            match step {
                Step::Edit { d, e, text } => {
                    let device = &mut devices[d];
                    let view = device.replica.view(&catalog, &me());
                    let ops = possible(&view, PERSON, device.replica.client, &text, device.replica.next_seq());
                    let op = ops[e % ops.len()].clone();
                    let seq = device.replica.next_seq();
                    if device.replica.edit(vec![op.clone()], &catalog, &me()).is_ok() {
                        made.push((device.replica.client, seq));
                        if !matches!(op, RecordOp::EditText { .. } | RecordOp::Delete { .. } | RecordOp::Restore { .. } | RecordOp::Settle { .. }) && !matches!(op, RecordOp::Set { ref field, .. } if field == "done") {
                            typed.insert(text, op.clone());
                        }
                    }
                }
                Step::Push { d, lose, twice } => {
                    let device = &mut devices[d];
                    let writable = topics[device.user].clone();
                    for batch in device.replica.push_batches(500, usize::MAX, |_| 1) {
                        let acks = server.push(&batch, &writable, "Someone");
                        let acks = if twice { server.push(&batch, &writable, "Someone") } else { acks };
                        if !lose {
                            device.replica.on_acks(&acks);
                        }
                    }
                }
                Step::Pull { d, lose, twice } => {
                    let device = &mut devices[d];
                    let reader = topics[device.user].clone();
                    let response = server.pull(device.replica.cursor(), device.replica.topics(), &reader);
                    prop_assert!(
                        response.records.iter().all(|r| reader.contains(&r.topic)),
                        "a record of a topic its reader may not read was sent"
                    );
                    if !lose {
                        device.replica.on_pull(&response);
                        if twice {
                            device.replica.on_pull(&response);
                        }
                    }
                }
                Step::Restart { d } => {
                    let json = serde_json::to_string(&devices[d].replica).expect("store");
                    devices[d].replica = serde_json::from_str(&json).expect("read back");
                }
                Step::Drop { d } => {
                    let device = &mut devices[d];
                    if device.replica.outbox().is_empty() && device.replica.refused().is_empty() {
                        next_client += 1;
                        device.replica = replica(&server, next_client, &topics[device.user]);
                    }
                }
                Step::Consent { who, topic } => {
                    let user = 1 + who;
                    let topic = SHAREABLE[topic];
                    if !topics[user].remove(&topic) {
                        topics[user].insert(topic);
                    }
                }
            }
        }
        // The network heals and consent settles: every device syncs until nothing waits.
        for _ in 0..4 {
            for device in &mut devices {
                let reader = topics[device.user].clone();
                sync(&mut device.replica, &mut server, &reader);
            }
        }
        for device in &devices {
            let reader = &topics[device.user];
            prop_assert!(device.replica.outbox().is_empty(), "nothing waits");
            prop_assert_eq!(device.replica.confirmed(), &server.readable(reader), "converged");
            prop_assert!(device.replica.confirmed().iter().all(|r| reader.contains(&r.topic)));
        }
        for edit in &made {
            prop_assert!(server.outcomes.contains_key(edit), "every edit has its outcome");
        }
        // No typed word is lost silently: each is in a record (a value, or a conflict's), or in
        // a device's refused edits, or was replaced by someone who had seen it.
        let mut kept = String::new();
        for record in server.records.iter() {
            kept.push_str(&format!("{:?}", record.fields));
        }
        for device in &devices {
            for refused in device.replica.refused() {
                kept.push_str(&format!("{:?}", refused.mutation.op));
            }
        }
        for change in &server.log {
            if let RecordOp::Set { before: Value::Text(b), .. } = &change.op {
                kept.push_str(&format!("\"{b}\""));
            }
        }
        for (word, op) in typed {
            prop_assert!(
                kept.contains(&format!("\"{word}\"")),
                "“{}” was lost: typed by {:?}; log {:?}; refused {:?}",
                word,
                op,
                server.log.iter().filter(|c| c.op.target() == op.target()).collect::<Vec<_>>(),
                devices.iter().map(|d| d.replica.refused().to_vec()).collect::<Vec<_>>()
            );
        }
    }
}
