//! A person's plan as the sync engine carries it: their "About me" and their goals with steps.
//!
//! Every change is an [`Op`]; [`Plan::apply`] is the one function that changes a plan, run by the
//! browser (optimistically) and by the server (authoritatively). It never loses what was typed:
//! when the value it expected is not what it finds, it still applies in server order and says so
//! as a [`Conflict`] holding both values, for a person to settle.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
                    return rejected(format!(
                        "A person works on at most {MAX_ACTIVE_GOALS} goals at a time: finish or remove one first."
                    ));
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
