//! The sync rules, driven through the public surface: replicas, the authority, and a network
//! that loses, duplicates and reorders messages.

use domain::notes::{MeetingId, device_doc_id};
use domain::plan::{AboutMeField, Conflict, Field, GoalId, Op, Outcome, Plan, StepId, Value};
use domain::sync::{Authority, ClientId, Mutation, PullResponse, Replica, SCHEMA_VERSION};
use domain::{AboutMe, PersonId};
use proptest::prelude::*;
use uuid::Uuid;

fn start() -> Plan {
    Plan::new(PersonId(Uuid::from_u128(1)), AboutMe::default())
}

fn replica(n: u128) -> Replica {
    Replica::new(ClientId(Uuid::from_u128(n)), start(), 0)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn goal(n: u128) -> GoalId {
    GoalId(Uuid::from_u128(n))
}

fn wording(g: GoalId) -> Field {
    Field::GoalWording { goal: g }
}

/// Push everything, then pull: one complete sync, with no message lost.
fn sync(r: &mut Replica, server: &mut Authority) {
    let acks = server.push(&r.push_request());
    r.on_acks(&acks);
    r.on_pull(&server.pull(r.cursor()));
}

#[test]
fn concurrent_edits_to_different_fields_both_apply() {
    let mut server = Authority::new(start());
    let (mut a, mut b) = (replica(10), replica(11));
    let matters = Field::AboutMe {
        field: AboutMeField::MattersToMe,
    };
    let wishes = Field::AboutMe {
        field: AboutMeField::Wishes,
    };
    a.edit(Op::Set {
        field: matters,
        before: text(""),
        after: text("My garden"),
    });
    b.edit(Op::Set {
        field: wishes,
        before: text(""),
        after: text("Cook Sunday lunch"),
    });
    sync(&mut a, &mut server);
    sync(&mut b, &mut server);
    sync(&mut a, &mut server);
    for r in [&a, &b] {
        assert_eq!(r.view().about_me.matters_to_me, "My garden");
        assert_eq!(r.view().about_me.wishes, "Cook Sunday lunch");
        assert!(r.attention().is_empty());
    }
}

#[test]
fn concurrent_edits_to_a_goals_wording_apply_in_server_order_and_keep_both_as_a_conflict() {
    let mut server = Authority::new(start());
    let (mut maggie, mut grace) = (replica(10), replica(11));
    let g = goal(100);
    maggie.edit(Op::CreateGoal {
        goal: g,
        wording: "Make my own breakfast".into(),
    });
    sync(&mut maggie, &mut server);
    sync(&mut grace, &mut server);
    let before = text("Make my own breakfast");
    maggie.edit(Op::Set {
        field: wording(g),
        before: before.clone(),
        after: text("Make my own porridge"),
    });
    grace.edit(Op::Set {
        field: wording(g),
        before,
        after: text("Make breakfast with a little help"),
    });
    sync(&mut maggie, &mut server);
    sync(&mut grace, &mut server);
    sync(&mut maggie, &mut server);
    assert_eq!(
        server.plan().goals[0].wording,
        "Make breakfast with a little help"
    );
    assert_eq!(maggie.view(), grace.view());
    let [(_, Outcome::Conflict { conflict })] = grace.attention() else {
        panic!("grace's edit is a conflict: {:?}", grace.attention());
    };
    assert_eq!(
        conflict,
        &Conflict::SameField {
            field: wording(g),
            theirs: text("Make my own porridge"),
            mine: text("Make breakfast with a little help"),
        }
    );
}

#[test]
fn an_edit_concurrent_with_a_delete_is_kept_and_surfaced() {
    let mut server = Authority::new(start());
    let (mut staff, mut dan) = (replica(10), replica(11));
    let g = goal(100);
    staff.edit(Op::CreateGoal {
        goal: g,
        wording: "Get the late bus home".into(),
    });
    sync(&mut staff, &mut server);
    sync(&mut dan, &mut server);
    staff.edit(Op::DeleteGoal { goal: g });
    let step = Op::AddStep {
        goal: g,
        step: StepId(Uuid::from_u128(7)),
        text: "Text Sam when I'm on the bus".into(),
    };
    dan.edit(step.clone());
    sync(&mut staff, &mut server);
    sync(&mut dan, &mut server);
    let [
        (
            m,
            Outcome::Conflict {
                conflict: Conflict::EditOfDeleted { op, .. },
            },
        ),
    ] = dan.attention()
    else {
        panic!("surfaced: {:?}", dan.attention());
    };
    assert_eq!(m.op, step);
    assert_eq!(**op, step, "the words typed are kept");
}

#[test]
fn a_conflict_is_shown_on_every_device_and_settling_it_on_one_settles_it_everywhere() {
    let mut server = Authority::new(start());
    let (mut maggie, mut grace) = (replica(10), replica(11));
    let g = goal(100);
    maggie.edit(Op::CreateGoal {
        goal: g,
        wording: "Make my own breakfast".into(),
    });
    sync(&mut maggie, &mut server);
    sync(&mut grace, &mut server);
    let before = text("Make my own breakfast");
    maggie.edit(Op::Set {
        field: wording(g),
        before: before.clone(),
        after: text("Make my own porridge"),
    });
    grace.edit(Op::Set {
        field: wording(g),
        before,
        after: text("Make breakfast with a little help"),
    });
    sync(&mut maggie, &mut server);
    sync(&mut grace, &mut server);
    sync(&mut maggie, &mut server);
    for r in [&maggie, &grace] {
        let view = r.view();
        let [open] = view.conflicts.as_slice() else {
            panic!("one open conflict: {:?}", view.conflicts);
        };
        assert_eq!(
            open.conflict,
            Conflict::SameField {
                field: wording(g),
                theirs: text("Make my own porridge"),
                mine: text("Make breakfast with a little help"),
            }
        );
    }
    // Maggie chooses her own words: a Set from what she sees, then the conflict is settled.
    let id = maggie.view().conflicts[0].id;
    maggie.edit(Op::Set {
        field: wording(g),
        before: text("Make breakfast with a little help"),
        after: text("Make my own porridge"),
    });
    maggie.edit(Op::Dismiss { conflict: id });
    sync(&mut maggie, &mut server);
    sync(&mut grace, &mut server);
    for r in [&maggie, &grace] {
        assert!(r.view().conflicts.is_empty());
        assert_eq!(r.view().goals[0].wording, "Make my own porridge");
    }
    assert_eq!(maggie.view(), *server.plan());
}

#[test]
fn a_goal_removed_during_an_edit_can_be_brought_back_with_the_edit() {
    let mut server = Authority::new(start());
    let (mut staff, mut dan) = (replica(10), replica(11));
    let g = goal(100);
    staff.edit(Op::CreateGoal {
        goal: g,
        wording: "Get the late bus home".into(),
    });
    sync(&mut staff, &mut server);
    sync(&mut dan, &mut server);
    staff.edit(Op::DeleteGoal { goal: g });
    let step = Op::AddStep {
        goal: g,
        step: StepId(Uuid::from_u128(7)),
        text: "Text Sam when I'm on the bus".into(),
    };
    dan.edit(step.clone());
    sync(&mut staff, &mut server);
    sync(&mut dan, &mut server);
    let id = dan.view().conflicts[0].id;
    dan.edit(Op::RestoreGoal { goal: g });
    dan.edit(step);
    dan.edit(Op::Dismiss { conflict: id });
    sync(&mut dan, &mut server);
    sync(&mut staff, &mut server);
    let plan = staff.view();
    assert!(plan.conflicts.is_empty());
    assert!(!plan.goals[0].deleted);
    assert_eq!(plan.goals[0].steps[0].text, "Text Sam when I'm on the bus");
}

#[test]
fn a_replayed_push_returns_the_stored_outcome_and_changes_nothing() {
    let mut server = Authority::new(start());
    let mut a = replica(10);
    a.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "Walk to the shop".into(),
    });
    let batch = a.push_request();
    let first = server.push(&batch);
    let version = server.version();
    assert_eq!(server.push(&batch), first);
    assert_eq!(server.version(), version);
}

#[test]
fn a_mutation_after_a_gap_waits_for_the_missing_one() {
    let mut server = Authority::new(start());
    let mut a = replica(10);
    a.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "One".into(),
    });
    a.edit(Op::CreateGoal {
        goal: goal(2),
        wording: "Two".into(),
    });
    let batch = a.push_request();
    assert!(server.push(&batch[1..]).is_empty(), "seq 2 waits for seq 1");
    assert_eq!(server.push(&batch).len(), 2);
}

#[test]
fn a_rejected_edit_leaves_the_outbox_but_keeps_its_words_for_the_person() {
    let mut server = Authority::new(start());
    let mut a = replica(10);
    for n in 1..=4 {
        a.edit(Op::CreateGoal {
            goal: goal(n),
            wording: format!("Goal {n}"),
        });
    }
    sync(&mut a, &mut server);
    assert!(a.outbox().is_empty());
    assert_eq!(server.plan().active_goals().count(), 3);
    let [(m, Outcome::Rejected { reason })] = a.attention() else {
        panic!("{:?}", a.attention())
    };
    assert!(reason.contains("at most 3 goals"));
    assert_eq!(
        m.op,
        Op::CreateGoal {
            goal: goal(4),
            wording: "Goal 4".into()
        }
    );
}

#[test]
fn an_edit_the_access_rules_refuse_is_rejected_with_its_words_kept_and_the_next_goes_on() {
    let mut server = Authority::new(start());
    let mut a = replica(1);
    a.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "Not allowed".into(),
    });
    a.edit(Op::Set {
        field: Field::AboutMe {
            field: AboutMeField::Wishes,
        },
        before: text(""),
        after: text("Allowed"),
    });
    let acks = server.push_checked(&a.push_request(), &|_, op| match op {
        Op::CreateGoal { .. } => Err("Goals are not shared with you.".into()),
        _ => Ok(()),
    });
    assert_eq!(
        acks[0].outcome,
        Outcome::Rejected {
            reason: "Goals are not shared with you.".into()
        }
    );
    assert_eq!(acks[1].outcome, Outcome::Applied);
    a.on_acks(&acks);
    a.on_pull(&server.pull(a.cursor()));
    assert!(a.outbox().is_empty());
    assert_eq!(
        a.attention().len(),
        1,
        "the refused edit stays in view with its words"
    );
    assert!(server.plan().goals.is_empty());
    assert_eq!(server.plan().about_me.wishes, "Allowed");
}

#[test]
fn a_mutation_from_an_older_format_is_rejected_visibly_with_its_content_kept() {
    let mut server = Authority::new(start());
    let old = Mutation {
        client: ClientId(Uuid::from_u128(9)),
        seq: 1,
        schema: SCHEMA_VERSION - 1,
        op: Op::CreateGoal {
            goal: goal(1),
            wording: "Old words".into(),
        },
    };
    let acks = server.push(std::slice::from_ref(&old));
    assert!(
        matches!(&acks[0].outcome, Outcome::Rejected { reason } if reason.contains("older version"))
    );
    assert_eq!(server.version(), 0);
}

#[test]
fn a_late_pull_response_changes_nothing() {
    let mut server = Authority::new(start());
    let mut a = replica(10);
    a.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "One".into(),
    });
    sync(&mut a, &mut server);
    let stale = PullResponse {
        changes: server.pull(0).changes,
        version: 1,
        ..Default::default()
    };
    let before = a.clone();
    a.on_pull(&stale);
    assert_eq!(a, before);
}

// ---- Property: any interleaving of edits, lost, duplicated and reordered messages converges.

#[derive(Debug, Clone)]
enum Action {
    Edit {
        client: usize,
        kind: u8,
        pick: u8,
        words: u8,
    },
    /// Send the outbox; the request may be lost, delayed (delivered later) or duplicated.
    Push {
        client: usize,
        fate: u8,
    },
    /// Deliver a delayed request (out of order).
    Deliver {
        pick: u8,
    },
    Pull {
        client: usize,
        lose: bool,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..3usize, 0..10u8, any::<u8>(), 0..6u8).prop_map(|(client, kind, pick, words)| Action::Edit { client, kind, pick, words }),
        2 => (0..3usize, 0..4u8).prop_map(|(client, fate)| Action::Push { client, fate }),
        1 => any::<u8>().prop_map(|pick| Action::Deliver { pick }),
        2 => (0..3usize, any::<bool>()).prop_map(|(client, lose)| Action::Pull { client, lose }),
    ]
}

const WORDS: [&str; 6] = [
    "Make tea",
    "Walk to the shop",
    "Catch the 23 bus",
    "",
    "Call Grace",
    "Bake bread",
];

fn make_op(r: &Replica, kind: u8, pick: u8, words: u8, counter: u128) -> Op {
    let view = r.view();
    let w = WORDS[words as usize].to_owned();
    let goals: Vec<_> = view.active_goals().collect();
    let about = [AboutMeField::MattersToMe, AboutMeField::Wishes][pick as usize % 2];
    let id = (u128::from(r.client.0.as_u128() as u64) << 64) | counter;
    // Settling: bring back a removed goal, or mark the first open conflict settled.
    if kind == 6
        && let Some(g) = view.goals.iter().find(|g| g.deleted)
    {
        return Op::RestoreGoal { goal: g.id };
    }
    if kind == 7
        && let Some(c) = view.conflicts.first()
    {
        return Op::Dismiss { conflict: c.id };
    }
    // Notes: add a meeting, or type a unique word into the first one, at its start or end.
    if kind >= 8 {
        return match view.meetings.first() {
            Some(m) if kind == 9 || !pick.is_multiple_of(3) => {
                let current = m.text();
                let typed = if pick.is_multiple_of(2) {
                    format!("{current} <n{counter}>")
                } else {
                    format!("<n{counter}> {current}")
                };
                let update = m
                    .edit_to(device_doc_id(r.client.0), &typed)
                    .expect("the text changed");
                Op::EditNotes {
                    meeting: m.id,
                    update,
                }
            }
            _ => Op::AddMeeting {
                meeting: MeetingId(Uuid::from_u128(id)),
                title: format!("Review {counter}"),
            },
        };
    }
    match (kind, goals.get(pick as usize % goals.len().max(1))) {
        (0, _) | (_, None) if kind != 1 => {
            let field = Field::AboutMe { field: about };
            Op::Set {
                field,
                before: view.get(field).unwrap_or(text("")),
                after: Value::Text(w),
            }
        }
        (1, _) | (_, None) => Op::CreateGoal {
            goal: GoalId(Uuid::from_u128(id)),
            wording: w,
        },
        (2, Some(g)) => Op::Set {
            field: wording(g.id),
            before: text(&g.wording),
            after: Value::Text(w),
        },
        (3, Some(g)) => Op::DeleteGoal { goal: g.id },
        (4, Some(g)) => Op::AddStep {
            goal: g.id,
            step: StepId(Uuid::from_u128(id)),
            text: w,
        },
        (_, Some(g)) => match g.steps.first() {
            Some(s) => {
                let field = Field::StepDone {
                    goal: g.id,
                    step: s.id,
                };
                Op::Set {
                    field,
                    before: Value::Flag(s.done),
                    after: Value::Flag(!s.done),
                }
            }
            None => Op::AddStep {
                goal: g.id,
                step: StepId(Uuid::from_u128(id)),
                text: w,
            },
        },
    }
}

fn run(actions: &[Action]) -> Result<Authority, TestCaseError> {
    let mut server = Authority::new(start());
    let mut replicas: Vec<Replica> = (0..3).map(|n| replica(10 + n)).collect();
    let mut delayed: Vec<(usize, Vec<Mutation>)> = Vec::new();
    let mut made: Vec<Mutation> = Vec::new();
    let mut typed: Vec<(ClientId, u64, String)> = Vec::new();
    let mut counter = 0u128;
    for a in actions {
        match a.clone() {
            Action::Edit {
                client,
                kind,
                pick,
                words,
            } => {
                counter += 1;
                let op = make_op(&replicas[client], kind, pick, words, counter);
                let m = replicas[client].edit(op).clone();
                if matches!(m.op, Op::EditNotes { .. }) {
                    typed.push((m.client, m.seq, format!("<n{counter}>")));
                }
                made.push(m);
            }
            Action::Push { client, fate } => {
                let batch = replicas[client].push_request();
                match fate {
                    0 => {} // request lost
                    1 => delayed.push((client, batch)),
                    2 => {
                        server.push(&batch); // response lost
                    }
                    _ => {
                        let acks = server.push(&batch);
                        let again = server.push(&batch); // duplicated
                        prop_assert_eq!(&acks, &again);
                        replicas[client].on_acks(&acks);
                    }
                }
            }
            Action::Deliver { pick } => {
                if !delayed.is_empty() {
                    let (client, batch) = delayed.remove(pick as usize % delayed.len());
                    let acks = server.push(&batch);
                    replicas[client].on_acks(&acks);
                }
            }
            Action::Pull { client, lose } => {
                let response = server.pull(replicas[client].cursor());
                if !lose {
                    replicas[client].on_pull(&response);
                }
            }
        }
    }
    // Back online for good: everyone syncs until nothing is pending.
    for _ in 0..3 {
        for r in &mut replicas {
            sync(r, &mut server);
        }
    }
    for r in &replicas {
        prop_assert!(r.outbox().is_empty(), "outbox drained");
        prop_assert_eq!(r.confirmed(), server.plan(), "replica equals the server");
        prop_assert_eq!(&r.view(), server.plan());
    }
    for m in &made {
        prop_assert!(
            server.outcome(m.client, m.seq).is_some(),
            "every edit has an outcome: {:?}",
            m
        );
    }
    // Words typed into notes are merged, never overwritten: every one accepted is in the notes.
    let notes: Vec<String> = server.plan().meetings.iter().map(|m| m.text()).collect();
    for (client, seq, word) in &typed {
        if !matches!(
            server.outcome(*client, *seq),
            Some(Outcome::Rejected { .. })
        ) {
            prop_assert!(
                notes.iter().any(|t| t.contains(word.as_str())),
                "{} kept in {:?}",
                word,
                notes
            );
        }
    }
    // Nothing accepted is lost: every applied or conflicting text is in the log, where the
    // plan's history (and the conflict record) keeps it.
    let log = server.pull(0).changes;
    for m in &made {
        let outcome = server.outcome(m.client, m.seq).expect("checked");
        let logged = log
            .iter()
            .any(|c| c.client == m.client && c.seq == m.seq && c.op == m.op);
        prop_assert_eq!(logged, !matches!(outcome, Outcome::Rejected { .. }));
    }
    Ok(server)
}

fn alone(a: &Action) -> Action {
    match a.clone() {
        Action::Edit {
            kind, pick, words, ..
        } => Action::Edit {
            client: 0,
            kind,
            pick,
            words,
        },
        Action::Push { fate, .. } => Action::Push { client: 0, fate },
        Action::Pull { lose, .. } => Action::Pull { client: 0, lose },
        d @ Action::Deliver { .. } => d,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_on_the_server_whatever_the_network_does(actions in prop::collection::vec(action(), 1..80)) {
        run(&actions)?;
    }

    #[test]
    fn a_device_editing_alone_never_conflicts_with_itself(actions in prop::collection::vec(action(), 1..80)) {
        let actions: Vec<_> = actions.iter().map(alone).collect();
        let server = run(&actions)?;
        for c in server.pull(0).changes {
            let outcome = server.outcome(c.client, c.seq).expect("logged edits have outcomes");
            prop_assert!(!matches!(outcome, Outcome::Conflict { conflict: Conflict::SameField { .. } }), "{:?}", outcome);
        }
    }
}

#[test]
fn a_server_resumed_from_stored_state_decides_as_one_that_kept_running() {
    let mut running = Authority::new(start());
    let mut a = replica(10);
    a.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "One".into(),
    });
    a.on_acks(&running.push(&a.push_request()));
    // What a database would hand back: the outcomes of the pending edits (seq 1 here).
    let stored: Vec<_> = a
        .push_request()
        .iter()
        .filter_map(|m| {
            running
                .outcome(m.client, m.seq)
                .map(|o| ((m.client, m.seq), o.clone()))
        })
        .collect();
    let mut resumed = Authority::resume(running.plan().clone(), running.version(), stored);
    a.edit(Op::Set {
        field: wording(goal(1)),
        before: text("One"),
        after: text("Won"),
    });
    let batch = a.push_request();
    assert_eq!(resumed.push(&batch), running.push(&batch));
    assert_eq!(resumed.plan(), running.plan());
    assert_eq!(resumed.changes_since(1), running.changes_since(1));
    assert!(
        resumed.changes_since(0).is_empty(),
        "before its base, a resumed server reads storage"
    );
}

#[test]
fn notes_written_under_another_devices_id_are_rejected_and_its_own_are_applied() {
    let meeting = MeetingId(Uuid::from_u128(50));
    let mut server = Authority::new(start());
    let mut staff = replica(10);
    staff.edit(Op::AddMeeting {
        meeting,
        title: "Review".into(),
    });
    sync(&mut staff, &mut server);
    let notes = staff.view().meetings[0].clone();
    // Device 11 types, but under device 10's document id.
    let forged = notes
        .edit_to(device_doc_id(Uuid::from_u128(10)), "Not mine")
        .expect("update");
    let honest = notes
        .edit_to(device_doc_id(Uuid::from_u128(11)), "Mine")
        .expect("update");
    let mut other = replica(11);
    other.edit(Op::EditNotes {
        meeting,
        update: forged,
    });
    other.edit(Op::EditNotes {
        meeting,
        update: honest,
    });
    let acks = server.push(&other.push_request());
    assert!(
        matches!(&acks[0].outcome, Outcome::Rejected { reason } if reason.contains("another device")),
        "{:?}",
        acks[0]
    );
    assert_eq!(acks[1].outcome, Outcome::Applied);
    assert_eq!(server.plan().meetings[0].text(), "Mine");
}

#[test]
fn a_push_naming_one_edit_number_twice_is_refused_before_anything_is_decided() {
    let client = ClientId(Uuid::from_u128(10));
    let m = |seq| Mutation {
        client,
        seq,
        schema: SCHEMA_VERSION,
        op: Op::DeleteGoal { goal: goal(1) },
    };
    let request = domain::sync::PushRequest {
        person: PersonId(Uuid::from_u128(1)),
        client,
        mutations: vec![m(1), m(1), m(2)],
    };
    let refused = request.validate().expect_err("refused");
    assert!(refused.contains("Edit 1 appears twice"), "{refused}");
}

#[test]
fn a_pull_names_only_the_asking_devices_own_edits_and_hides_every_other_devices_id() {
    use domain::access::Topic;
    let mut server = Authority::new(start());
    let (mut mine, mut theirs) = (replica(10), replica(11));
    theirs.edit(Op::CreateGoal {
        goal: goal(1),
        wording: "Theirs".into(),
    });
    sync(&mut theirs, &mut server);
    theirs.edit(Op::Set {
        field: Field::AboutMe {
            field: AboutMeField::Wishes,
        },
        before: text(""),
        after: text("Hidden from goals-only readers"),
    });
    sync(&mut theirs, &mut server);
    mine.edit(Op::CreateGoal {
        goal: goal(2),
        wording: "Mine".into(),
    });
    server.push(&mine.push_request());
    let goals_only = [Topic::GoalsAndProgress].into_iter().collect();
    let response = server.pull(0).for_reader(&goals_only, Some(mine.client));
    let named: Vec<ClientId> = response.changes.iter().map(|c| c.client).collect();
    assert_eq!(named, [domain::sync::ANOTHER_DEVICE, mine.client]);
    assert_eq!(response.withheld.len(), 1);
    assert_eq!(response.withheld[0].client, domain::sync::ANOTHER_DEVICE);
    assert_eq!(response.withheld[0].seq, 0);
    mine.on_pull(&response);
    assert!(
        mine.outbox().is_empty(),
        "its own edit still leaves its outbox"
    );
    assert_eq!(mine.cursor(), response.version);
}
