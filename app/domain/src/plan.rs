//! A person's plan as the sync engine carries it: their "About me" and their goals with steps.
//!
//! Every change is an [`Op`]; [`Plan::apply`] is the one function that changes a plan, run by the
//! browser (optimistically) and by the server (authoritatively). It never loses what was typed:
//! when the value it expected is not what it finds, it still applies in server order and says so
//! as a [`Conflict`] holding both values, for a person to settle.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::notes::{MEETING_TITLE_MAX, Meeting, MeetingId};
use crate::{AboutMe, PersonId, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GoalId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepId(pub Uuid);

/// A person works on one to three goals at a time.
pub const MAX_ACTIVE_GOALS: usize = 3;
pub const GOAL_WORDING_MAX: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    /// In the person's own words; never spliced by software.
    pub wording: String,
    pub steps: Vec<Step>,
    /// Deleted goals stay as tombstones so that a late edit can be recognised and surfaced.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub person: PersonId,
    pub about_me: AboutMe,
    pub goals: Vec<Goal>,
    /// Meetings and reviews, each with notes written together.
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    /// Conflicts recorded by [`Plan::apply`] and not yet settled: part of the plan, so every
    /// device that shows the plan shows them, and settling one ([`Op::Dismiss`]) syncs too.
    #[serde(default)]
    pub conflicts: Vec<OpenConflict>,
    /// The id the next recorded conflict gets (the same on every replica: apply is deterministic).
    #[serde(default)]
    pub next_conflict: u64,
}

/// A conflict waiting for a person to settle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConflict {
    pub id: u64,
    pub conflict: Conflict,
}

/// The written parts of "About me" that are edited one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AboutMeField {
    AdmiredFor,
    MattersToMe,
    HowToSupportMe,
    Hobbies,
    Wishes,
}

impl AboutMeField {
    pub const ALL: [AboutMeField; 5] = [
        AboutMeField::AdmiredFor,
        AboutMeField::MattersToMe,
        AboutMeField::HowToSupportMe,
        AboutMeField::Hobbies,
        AboutMeField::Wishes,
    ];

    /// The heading the person sees, the same on the profile and in the editor.
    pub fn title(self) -> &'static str {
        match self {
            AboutMeField::AdmiredFor => "What people like and admire about me",
            AboutMeField::MattersToMe => "What matters to me",
            AboutMeField::HowToSupportMe => "How best to support me",
            AboutMeField::Hobbies => "My hobbies and interests",
            AboutMeField::Wishes => "My wishes",
        }
    }
}

/// One field of a plan that holds a single value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Field {
    AboutMe { field: AboutMeField },
    GoalWording { goal: GoalId },
    StepText { goal: GoalId, step: StepId },
    StepDone { goal: GoalId, step: StepId },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Flag(bool),
}

/// A change to a plan. `before` is what the editing device showed when the edit was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Set {
        field: Field,
        before: Value,
        after: Value,
    },
    CreateGoal {
        goal: GoalId,
        wording: String,
    },
    DeleteGoal {
        goal: GoalId,
    },
    AddStep {
        goal: GoalId,
        step: StepId,
        text: String,
    },
    /// Brings back a deleted goal (to keep an edit made while it was being deleted).
    RestoreGoal {
        goal: GoalId,
    },
    AddMeeting {
        meeting: MeetingId,
        title: String,
    },
    /// A change to a meeting's notes: a Yjs update, merged character by character.
    EditNotes {
        meeting: MeetingId,
        #[serde(with = "crate::notes::base64_bytes")]
        update: Vec<u8>,
    },
    /// Marks a recorded conflict as settled. The value chosen is written by a [`Op::Set`] sent
    /// just before it, which is itself checked for conflicts like any edit.
    Dismiss {
        conflict: u64,
    },
}

/// Why an op could not simply be applied, with everything needed to settle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// Two people changed the same field: `mine` was applied over `theirs`.
    SameField {
        field: Field,
        theirs: Value,
        mine: Value,
    },
    /// The goal was deleted while this edit was made; the edit is kept here, not applied.
    EditOfDeleted { goal: GoalId, op: Box<Op> },
}

/// What became of one op. Every op ends with exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// It changed nothing because the plan already said the same.
    Merged,
    Conflict {
        conflict: Conflict,
    },
    Rejected {
        reason: String,
    },
}

impl Plan {
    pub fn new(person: PersonId, about_me: AboutMe) -> Self {
        Self {
            person,
            about_me,
            goals: Vec::new(),
            meetings: Vec::new(),
            conflicts: Vec::new(),
            next_conflict: 1,
        }
    }

    pub fn active_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals.iter().filter(|g| !g.deleted)
    }

    fn goal_mut(&mut self, id: GoalId) -> Option<&mut Goal> {
        self.goals.iter_mut().find(|g| g.id == id)
    }

    /// The current value of `field`, or `None` when it does not exist.
    pub fn get(&self, field: Field) -> Option<Value> {
        let goal = |id| self.goals.iter().find(|g: &&Goal| g.id == id);
        let step = |g, s| goal(g).and_then(|g| g.steps.iter().find(|st: &&Step| st.id == s));
        match field {
            Field::AboutMe { field } => {
                Some(Value::Text(about_me_text(&self.about_me, field).clone()))
            }
            Field::GoalWording { goal: g } => goal(g).map(|g| Value::Text(g.wording.clone())),
            Field::StepText { goal: g, step: s } => step(g, s).map(|s| Value::Text(s.text.clone())),
            Field::StepDone { goal: g, step: s } => step(g, s).map(|s| Value::Flag(s.done)),
        }
    }

    fn goal_of(field: Field) -> Option<GoalId> {
        match field {
            Field::AboutMe { .. } => None,
            Field::GoalWording { goal }
            | Field::StepText { goal, .. }
            | Field::StepDone { goal, .. } => Some(goal),
        }
    }

    /// Applies `op`. Deterministic: the same plan and op always give the same plan and outcome,
    /// which is what lets every device replay the server's order and arrive where it did.
    pub fn apply(&mut self, op: &Op) -> Outcome {
        let outcome = self.apply_op(op);
        if let Outcome::Conflict { conflict } = &outcome {
            self.next_conflict = self.next_conflict.max(1);
            self.conflicts.push(OpenConflict {
                id: self.next_conflict,
                conflict: conflict.clone(),
            });
            self.next_conflict += 1;
        }
        outcome
    }

    fn apply_op(&mut self, op: &Op) -> Outcome {
        match op {
            Op::Set {
                field,
                before,
                after,
            } => self.set(*field, before, after, op),
            Op::CreateGoal { goal, wording } => {
                if self.goals.iter().any(|g| g.id == *goal) {
                    return Outcome::Merged;
                }
                if self.active_goals().count() >= MAX_ACTIVE_GOALS {
                    return too_many_goals();
                }
                match required_text("A goal", wording, GOAL_WORDING_MAX) {
                    Ok(wording) => {
                        self.goals.push(Goal {
                            id: *goal,
                            wording,
                            steps: Vec::new(),
                            deleted: false,
                        });
                        Outcome::Applied
                    }
                    Err(e) => rejected(e.to_string()),
                }
            }
            Op::DeleteGoal { goal } => match self.goal_mut(*goal) {
                None => rejected("That goal does not exist.".into()),
                Some(g) if g.deleted => Outcome::Merged,
                Some(g) => {
                    g.deleted = true;
                    Outcome::Applied
                }
            },
            Op::RestoreGoal { goal } => {
                let active = self.active_goals().count();
                match self.goal_mut(*goal) {
                    None => rejected("That goal does not exist.".into()),
                    Some(g) if !g.deleted => Outcome::Merged,
                    Some(_) if active >= MAX_ACTIVE_GOALS => too_many_goals(),
                    Some(g) => {
                        g.deleted = false;
                        Outcome::Applied
                    }
                }
            }
            Op::AddMeeting { meeting, title } => {
                if self.meetings.iter().any(|m| m.id == *meeting) {
                    return Outcome::Merged;
                }
                match required_text("A meeting's title", title, MEETING_TITLE_MAX) {
                    Ok(title) => {
                        self.meetings.push(Meeting::new(*meeting, title));
                        Outcome::Applied
                    }
                    Err(e) => rejected(e.to_string()),
                }
            }
            Op::EditNotes { meeting, update } => {
                match self.meetings.iter_mut().find(|m| m.id == *meeting) {
                    None => rejected("That meeting does not exist.".into()),
                    Some(m) => match m.merge(update) {
                        Ok(true) => Outcome::Applied,
                        Ok(false) => Outcome::Merged,
                        Err(e) => rejected(e.to_string()),
                    },
                }
            }
            Op::Dismiss { conflict } => {
                let before = self.conflicts.len();
                self.conflicts.retain(|c| c.id != *conflict);
                if self.conflicts.len() == before {
                    Outcome::Merged
                } else {
                    Outcome::Applied
                }
            }
            Op::AddStep { goal, step, text } => {
                let text = match required_text("A step", text, GOAL_WORDING_MAX) {
                    Ok(t) => t,
                    Err(e) => return rejected(e.to_string()),
                };
                match self.goal_mut(*goal) {
                    None => rejected("That goal does not exist.".into()),
                    Some(g) if g.deleted => edit_of_deleted(*goal, op),
                    Some(g) if g.steps.iter().any(|s| s.id == *step) => Outcome::Merged,
                    Some(g) => {
                        g.steps.push(Step {
                            id: *step,
                            text,
                            done: false,
                        });
                        Outcome::Applied
                    }
                }
            }
        }
    }

    fn set(&mut self, field: Field, before: &Value, after: &Value, op: &Op) -> Outcome {
        let Some(current) = self.get(field) else {
            return rejected("That part of the plan does not exist.".into());
        };
        if let Some(goal) = Self::goal_of(field)
            && self.goals.iter().any(|g| g.id == goal && g.deleted)
        {
            return edit_of_deleted(goal, op);
        }
        let checked = match (field, after) {
            (Field::StepDone { .. }, Value::Flag(_)) => Ok(after.clone()),
            (Field::StepDone { .. }, _) | (_, Value::Flag(_)) => {
                return rejected("That value does not fit that part of the plan.".into());
            }
            (Field::AboutMe { .. }, Value::Text(t)) => {
                optional_text("About me", t, crate::people::ABOUT_ME_TEXT_MAX)
                    .map(|t| Value::Text(t.unwrap_or_default()))
            }
            (_, Value::Text(t)) => required_text("This text", t, GOAL_WORDING_MAX).map(Value::Text),
        };
        let after = match checked {
            Ok(v) => v,
            Err(e) => return rejected(e.to_string()),
        };
        if current == after {
            return Outcome::Merged;
        }
        self.write(field, after.clone());
        if &current == before {
            Outcome::Applied
        } else {
            Outcome::Conflict {
                conflict: Conflict::SameField {
                    field,
                    theirs: current,
                    mine: after,
                },
            }
        }
    }

    fn write(&mut self, field: Field, value: Value) {
        match (field, value) {
            (Field::AboutMe { field }, Value::Text(t)) => {
                *about_me_text_mut(&mut self.about_me, field) = t
            }
            (Field::GoalWording { goal }, Value::Text(t)) => {
                if let Some(g) = self.goal_mut(goal) {
                    g.wording = t;
                }
            }
            (Field::StepText { goal, step }, Value::Text(t)) => {
                if let Some(s) = self
                    .goal_mut(goal)
                    .and_then(|g| g.steps.iter_mut().find(|s| s.id == step))
                {
                    s.text = t;
                }
            }
            (Field::StepDone { goal, step }, Value::Flag(done)) => {
                if let Some(s) = self
                    .goal_mut(goal)
                    .and_then(|g| g.steps.iter_mut().find(|s| s.id == step))
                {
                    s.done = done;
                }
            }
            _ => {}
        }
    }
}

impl Plan {
    /// Words for a field, for telling people what changed: "the goal “Walk to the shop”".
    fn goal_name(&self, id: GoalId) -> String {
        self.goals.iter().find(|g| g.id == id).map_or_else(
            || "a goal".to_owned(),
            |g| format!("the goal “{}”", g.wording),
        )
    }

    pub fn describe_field(&self, field: Field) -> String {
        let goal = |id| self.goal_name(id);
        let step = |g: GoalId, s: StepId| {
            self.goals
                .iter()
                .find(|goal| goal.id == g)
                .and_then(|goal| goal.steps.iter().find(|st| st.id == s))
                .map_or_else(
                    || "a step".to_owned(),
                    |st| format!("the step “{}”", st.text),
                )
        };
        match field {
            Field::AboutMe { field } => format!("“{}”", field.title()),
            Field::GoalWording { goal: g } => format!("the wording of {}", goal(g)),
            Field::StepText { goal: g, step: s } => format!("the wording of {}", step(g, s)),
            Field::StepDone { goal: g, step: s } => format!("whether {} is done", step(g, s)),
        }
    }

    /// Words for an edit, for showing a person the content of an edit that was not applied.
    pub fn describe_op(&self, op: &Op) -> String {
        match op {
            Op::Set { field, after, .. } => {
                format!(
                    "Change {} to {}",
                    self.describe_field(*field),
                    describe_value(after)
                )
            }
            Op::CreateGoal { wording, .. } => format!("Add the goal “{wording}”"),
            Op::DeleteGoal { goal } => format!("Remove {}", self.goal_name(*goal)),
            Op::AddStep { text, .. } => format!("Add the step “{text}”"),
            Op::RestoreGoal { .. } => "Bring back a removed goal".to_owned(),
            Op::AddMeeting { title, .. } => format!("Add the meeting “{title}”"),
            Op::EditNotes { meeting, .. } => {
                let title = self
                    .meetings
                    .iter()
                    .find(|m| m.id == *meeting)
                    .map_or("a meeting", |m| m.title.as_str());
                format!("Change the notes of {title}")
            }
            Op::Dismiss { .. } => "Settle a conflict".to_owned(),
        }
    }
}

impl Plan {
    /// The audit trail's words for an edit and what became of it: a summary, and the value
    /// before and after where the edit set one.
    pub fn audit_lines(&self, op: &Op, outcome: &Outcome) -> crate::audit::AuditLines {
        audit_lines_of(self.describe_op(op), op, outcome)
    }
}

/// The audit trail's words for `op`, described as `what` (from the plan before it applied), and
/// what became of it.
pub fn audit_lines_of(what: String, op: &Op, outcome: &Outcome) -> crate::audit::AuditLines {
    {
        let summary = match outcome {
            Outcome::Applied => what,
            Outcome::Merged => format!("{what} (it already said this)"),
            Outcome::Conflict { .. } => {
                format!("{what} (at the same time as someone else: kept as a conflict)")
            }
            Outcome::Rejected { reason } => format!("{what} (not saved: {reason})"),
        };
        match op {
            Op::Set { before, after, .. } => crate::audit::AuditLines {
                summary,
                before: Some(describe_value(before)),
                after: Some(describe_value(after)),
            },
            _ => crate::audit::AuditLines {
                summary,
                before: None,
                after: None,
            },
        }
    }
}

/// A value as words: text in quotes, a flag as done or not done.
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Text(t) if t.is_empty() => "nothing (left empty)".to_owned(),
        Value::Text(t) => format!("“{t}”"),
        Value::Flag(true) => "done".to_owned(),
        Value::Flag(false) => "not done".to_owned(),
    }
}

fn too_many_goals() -> Outcome {
    rejected(format!(
        "A person works on at most {MAX_ACTIVE_GOALS} goals at a time: finish or remove one first."
    ))
}

fn rejected(reason: String) -> Outcome {
    Outcome::Rejected { reason }
}

fn edit_of_deleted(goal: GoalId, op: &Op) -> Outcome {
    Outcome::Conflict {
        conflict: Conflict::EditOfDeleted {
            goal,
            op: Box::new(op.clone()),
        },
    }
}

fn about_me_text(about: &AboutMe, field: AboutMeField) -> &String {
    match field {
        AboutMeField::AdmiredFor => &about.admired_for,
        AboutMeField::MattersToMe => &about.matters_to_me,
        AboutMeField::HowToSupportMe => &about.how_to_support_me,
        AboutMeField::Hobbies => &about.hobbies,
        AboutMeField::Wishes => &about.wishes,
    }
}

fn about_me_text_mut(about: &mut AboutMe, field: AboutMeField) -> &mut String {
    match field {
        AboutMeField::AdmiredFor => &mut about.admired_for,
        AboutMeField::MattersToMe => &mut about.matters_to_me,
        AboutMeField::HowToSupportMe => &mut about.how_to_support_me,
        AboutMeField::Hobbies => &mut about.hobbies,
        AboutMeField::Wishes => &mut about.wishes,
    }
}
