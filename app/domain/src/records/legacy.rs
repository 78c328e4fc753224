//! The single-document plan (edit format 1) turned into records: a stored plan becomes the
//! records it held, and an edit a device still holds in the old format becomes the records
//! edit it meant, so that nothing typed offline before the change is refused.

use std::collections::BTreeMap;

use super::kinds::{ABOUT, CONFLICT, GOALS, MEETINGS, STEPS};
use super::{Record, RecordOp, Stamp, Value, legacy_conflict_id};
use crate::PersonId;
use crate::access::Topic;
use crate::plan::{self, AboutMeField, Conflict, Field, Op, Plan};

/// The field of About me an old edit named.
fn about_field(field: AboutMeField) -> &'static str {
    match field {
        AboutMeField::AdmiredFor => "admired_for",
        AboutMeField::MattersToMe => "matters_to_me",
        AboutMeField::HowToSupportMe => "how_to_support_me",
        AboutMeField::Hobbies => "hobbies",
        AboutMeField::Wishes => "wishes",
    }
}

fn value(v: &plan::Value) -> Value {
    match v {
        plan::Value::Text(t) => Value::Text(t.clone()),
        plan::Value::Flag(b) => Value::Flag(*b),
    }
}

/// The record and field an old field name meant.
fn target(field: Field, person: PersonId) -> (&'static str, uuid::Uuid, &'static str) {
    match field {
        Field::AboutMe { field } => (ABOUT, person.0, about_field(field)),
        Field::GoalWording { goal } => (GOALS, goal.0, "wording"),
        Field::StepText { step, .. } => (STEPS, step.0, "text"),
        Field::StepDone { step, .. } => (STEPS, step.0, "done"),
    }
}

/// The records edit an old edit meant (`None`: none any more).
pub fn translate(op: &Op, person: PersonId) -> Option<RecordOp> {
    Some(match op {
        Op::Set {
            field,
            before,
            after,
        } => {
            let (kind, id, name) = target(*field, person);
            RecordOp::Set {
                kind: kind.to_owned(),
                id,
                field: name.to_owned(),
                before: value(before),
                after: value(after),
            }
        }
        Op::CreateGoal { goal, wording } => RecordOp::Create {
            kind: GOALS.to_owned(),
            id: goal.0,
            parent: None,
            topic: None,
            fields: BTreeMap::from([("wording".to_owned(), Value::Text(wording.clone()))]),
        },
        Op::DeleteGoal { goal } => RecordOp::Delete {
            kind: GOALS.to_owned(),
            id: goal.0,
        },
        Op::RestoreGoal { goal } => RecordOp::Restore {
            kind: GOALS.to_owned(),
            id: goal.0,
        },
        Op::AddStep { goal, step, text } => RecordOp::Create {
            kind: STEPS.to_owned(),
            id: step.0,
            parent: Some(goal.0),
            topic: None,
            fields: BTreeMap::from([("text".to_owned(), Value::Text(text.clone()))]),
        },
        Op::AddMeeting { meeting, title } => RecordOp::Create {
            kind: MEETINGS.to_owned(),
            id: meeting.0,
            parent: None,
            topic: None,
            fields: BTreeMap::from([("title".to_owned(), Value::Text(title.clone()))]),
        },
        Op::EditNotes { meeting, update } => RecordOp::EditText {
            kind: MEETINGS.to_owned(),
            id: meeting.0,
            field: "notes".to_owned(),
            update: update.clone(),
        },
        Op::Dismiss { conflict } => RecordOp::Settle {
            conflict: legacy_conflict_id(person, *conflict),
        },
    })
}

/// The records a stored plan at `version` held: About me (with the strengths the person's
/// profile kept), every goal and step (removed ones too), every meeting with its notes, and
/// every conflict still to settle.
pub fn records_of(plan: &Plan, strengths: &[String], version: u64) -> Vec<Record> {
    let moved = Stamp {
        by: "Circle (moved from the earlier format)".to_owned(),
        at_ms: 0,
    };
    let record =
        |kind: &str, id: uuid::Uuid, parent, topic, fields: Vec<(&str, Value)>, deleted| Record {
            kind: kind.to_owned(),
            id,
            parent,
            topic,
            version,
            deleted,
            fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            stamps: BTreeMap::new(),
            created: moved.clone(),
        };
    let about = &plan.about_me;
    let mut records = vec![record(
        ABOUT,
        plan.person.0,
        None,
        Topic::AboutMe,
        vec![
            ("strengths", Value::Texts(strengths.to_vec())),
            ("admired_for", Value::Text(about.admired_for.clone())),
            ("matters_to_me", Value::Text(about.matters_to_me.clone())),
            (
                "how_to_support_me",
                Value::Text(about.how_to_support_me.clone()),
            ),
            ("hobbies", Value::Text(about.hobbies.clone())),
            ("wishes", Value::Text(about.wishes.clone())),
        ],
        false,
    )];
    for goal in &plan.goals {
        records.push(record(
            GOALS,
            goal.id.0,
            None,
            Topic::GoalsAndProgress,
            vec![
                ("wording", Value::Text(goal.wording.clone())),
                ("status", Value::Choice("active".into())),
                ("review_date", Value::Empty),
            ],
            goal.deleted,
        ));
        for step in &goal.steps {
            records.push(record(
                STEPS,
                step.id.0,
                Some(goal.id.0),
                Topic::GoalsAndProgress,
                vec![
                    ("text", Value::Text(step.text.clone())),
                    ("done", Value::Flag(step.done)),
                ],
                false,
            ));
        }
    }
    for meeting in &plan.meetings {
        records.push(record(
            MEETINGS,
            meeting.id.0,
            None,
            Topic::MeetingsAndReviews,
            vec![
                ("title", Value::Text(meeting.title.clone())),
                ("notes", Value::Shared(meeting.notes.clone())),
            ],
            false,
        ));
    }
    for open in &plan.conflicts {
        let topic = open.conflict.topic();
        let mut fields = vec![
            ("mine_by", Value::Text(String::new())),
            ("mine_at", Value::Number(0)),
        ];
        match &open.conflict {
            Conflict::SameField {
                field,
                theirs,
                mine,
            } => {
                let (kind, id, name) = target(*field, plan.person);
                fields.extend([
                    ("kind", Value::Choice("same_field".into())),
                    ("about_kind", Value::Text(kind.to_owned())),
                    ("about_id", Value::Text(id.to_string())),
                    ("field", Value::Text(name.to_owned())),
                    ("theirs", value(theirs)),
                    ("mine", value(mine)),
                    ("theirs_by", Value::Text(String::new())),
                    ("theirs_at", Value::Number(0)),
                ]);
            }
            Conflict::EditOfDeleted { goal, op } => {
                let Some(edit) = translate(op, plan.person) else {
                    continue;
                };
                fields.extend([
                    ("kind", Value::Choice("edit_of_removed".into())),
                    ("about_kind", Value::Text(GOALS.to_owned())),
                    ("about_id", Value::Text(goal.0.to_string())),
                    ("edit", Value::Edit(Box::new(edit))),
                ]);
            }
        }
        records.push(record(
            CONFLICT,
            legacy_conflict_id(plan.person, open.id),
            None,
            topic,
            fields,
            false,
        ));
    }
    records
}

/// A device's copy of a plan as builds before records stored it (`plan.<person>` in the
/// browser): only what must not be lost is read back, the edits not yet sent and those refused;
/// the rest is fetched afresh as records.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct OldCopy {
    pub replica: OldReplica,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct OldReplica {
    pub client: crate::sync::ClientId,
    #[serde(default)]
    pub next_seq: u64,
    #[serde(default)]
    pub outbox: Vec<super::authority::Mutation>,
    #[serde(default)]
    pub attention: Vec<(super::authority::Mutation, crate::plan::Outcome)>,
}

impl OldCopy {
    /// A records copy of `person` carrying this copy's device id, numbering and waiting or
    /// refused edits, over the server's `snapshot` (its edits in the old format are turned into
    /// records edits by the server when they arrive).
    pub fn upgraded(
        self,
        person: PersonId,
        snapshot: &super::pull::Snapshot,
    ) -> super::replica::Replica {
        let old = self.replica;
        let refused = old
            .attention
            .into_iter()
            .filter_map(|(mutation, outcome)| match outcome {
                plan::Outcome::Rejected { reason } => {
                    Some(super::replica::Refused { mutation, reason })
                }
                _ => None,
            })
            .collect();
        let outbox = old
            .outbox
            .into_iter()
            .map(|mutation| super::replica::Pending {
                mutation,
                acked: None,
            })
            .collect();
        super::replica::Replica::from_parts(
            person,
            old.client,
            old.next_seq,
            snapshot.records.iter().cloned().collect(),
            snapshot.cursor(),
            snapshot.topics.clone(),
            outbox,
            refused,
        )
    }
}
