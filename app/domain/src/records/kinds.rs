//! The kinds of record, each declared once: its topic, its fields and how each merges, its
//! limits. Nothing else in Circle needs to know a kind to store, sync, redact or audit it.
//!
//! # Adding a kind
//!
//! Write a `pub static` [`KindSpec`] here (a name, a title, a [`TopicRule`], its fields), add it
//! to [`Catalog::standard`], and build its screen from [`super::RecordSet`]. No store method, no
//! migration, no redaction line: the store keeps any kind, every read path filters on the
//! record's topic, and fields marked `report` get a typed table of their own at start-up.

use serde::{Deserialize, Serialize};

use super::{Record, Value};
use crate::access::Topic;

/// What a field holds, and its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line or a few, up to `max` characters.
    Text {
        max: usize,
    },
    Flag,
    Number {
        min: i64,
        max: i64,
    },
    Date,
    /// A moment in time (milliseconds since 1970, UTC), kept as [`Value::Number`]; shown and
    /// typed in UK time.
    Moment,
    /// One of these keys, with the words people read for each.
    Choice(&'static [(&'static str, &'static str)]),
    /// Any of these keys (none, some or all), kept as [`Value::Texts`] in the order declared.
    Choices(&'static [(&'static str, &'static str)]),
    /// Up to `items` texts of at most `max` characters each.
    Texts {
        items: usize,
        max: usize,
    },
    /// Long text written together, merged character by character.
    Shared,
    /// Whose voice a record is in: the person, a member of their circle, or staff (one of
    /// [`VOICES`]). Checked against the writer: the person and members speak only for
    /// themselves; staff record their own view, or the person's words with them
    /// (`crate::screens::Reader::may_speak_as`).
    Voice,
}

/// The three voices of evidence.
pub const VOICES: &[(&str, &str)] = &[
    ("person", "The person"),
    ("member", "Someone in the circle"),
    ("staff", "Staff"),
];

/// How concurrent changes to a field are reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// The person's own words and structured values: applied in server order; a change made
    /// from an older value is applied and kept as a conflict holding both values, for a person
    /// to settle. Never spliced by software.
    Words,
    /// Long shared text: merged character by character (Yjs), so everyone keeps their words.
    Characters,
    /// Set when the record is made and never changed (entries of a log, observations): never
    /// conflicts.
    Once,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    /// What a person reads next to it, and in the audit trail.
    pub label: &'static str,
    pub ty: FieldType,
    pub merge: Merge,
    /// Must be filled in when the record is made, and never emptied.
    pub required: bool,
    /// Its value when not given.
    pub default: Default,
    /// Kept in the kind's typed table too, for reports (`report_<kind>`).
    pub report: bool,
}

/// A field's value before anyone fills it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    Empty,
    Flag(bool),
    Choice(&'static str),
}

impl FieldSpec {
    /// A text field written in the person's own words.
    pub const fn words(name: &'static str, label: &'static str, max: usize) -> FieldSpec {
        FieldSpec {
            name,
            label,
            ty: FieldType::Text { max },
            merge: Merge::Words,
            required: false,
            default: Default::Empty,
            report: false,
        }
    }

    /// One of `choices`, `default` until someone chooses (`None`: nothing chosen).
    pub const fn choice(
        name: &'static str,
        label: &'static str,
        choices: &'static [(&'static str, &'static str)],
        default: Option<&'static str>,
    ) -> FieldSpec {
        FieldSpec {
            name,
            label,
            ty: FieldType::Choice(choices),
            merge: Merge::Words,
            required: false,
            default: match default {
                Some(key) => Default::Choice(key),
                None => Default::Empty,
            },
            report: false,
        }
    }

    /// Any of `choices`.
    pub const fn choices(
        name: &'static str,
        label: &'static str,
        choices: &'static [(&'static str, &'static str)],
    ) -> FieldSpec {
        FieldSpec {
            ty: FieldType::Choices(choices),
            ..FieldSpec::words(name, label, 0)
        }
    }

    /// Of `ty`, otherwise as [`FieldSpec::words`] (a date, a number, a flag).
    pub const fn typed(name: &'static str, label: &'static str, ty: FieldType) -> FieldSpec {
        FieldSpec {
            ty,
            ..FieldSpec::words(name, label, 0)
        }
    }

    /// Starts as `value` (a flag).
    pub const fn defaulting(self, value: Default) -> FieldSpec {
        FieldSpec {
            default: value,
            ..self
        }
    }

    /// The words people read for choice `key` of this field (the key itself when unknown).
    pub fn choice_label<'a>(&self, key: &'a str) -> &'a str {
        let ty = if self.ty == FieldType::Voice {
            FieldType::Choice(VOICES)
        } else {
            self.ty
        };
        match ty {
            FieldType::Choice(list) | FieldType::Choices(list) => list
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(key, |(_, label)| label),
            _ => key,
        }
    }

    /// A value of this field in the words people read, as a conflict shows its two versions:
    /// a choice by its label, several by theirs, a moment in UK time, a tick as yes or no (a
    /// step's as done or not done).
    pub fn describe(&self, value: &Value) -> String {
        match (self.ty, value) {
            (FieldType::Choice(_) | FieldType::Voice, Value::Choice(key)) => {
                self.choice_label(key).to_owned()
            }
            (FieldType::Choices(_), Value::Texts(keys)) if !keys.is_empty() => keys
                .iter()
                .map(|k| self.choice_label(k))
                .collect::<Vec<_>>()
                .join(", "),
            (FieldType::Moment, Value::Number(ms)) => crate::calendar::london_label(*ms),
            (FieldType::Flag, Value::Flag(on)) if self.name != "done" => {
                if *on { "yes" } else { "no" }.to_owned()
            }
            _ => value.describe(),
        }
    }

    /// Set when the record is made and never changed ([`Merge::Once`]).
    pub const fn once(self) -> FieldSpec {
        FieldSpec {
            merge: Merge::Once,
            ..self
        }
    }

    pub const fn required(self) -> FieldSpec {
        FieldSpec {
            required: true,
            ..self
        }
    }

    pub const fn reported(self) -> FieldSpec {
        FieldSpec {
            report: true,
            ..self
        }
    }

    pub fn default_value(&self) -> Value {
        match self.default {
            Default::Empty => match self.ty {
                FieldType::Text { .. } => Value::Text(String::new()),
                FieldType::Texts { .. } | FieldType::Choices(_) => Value::Texts(Vec::new()),
                FieldType::Shared => Value::Shared(Vec::new()),
                _ => Value::Empty,
            },
            Default::Flag(b) => Value::Flag(b),
            Default::Choice(c) => Value::Choice(c.to_owned()),
        }
    }
}

/// How a record's topic is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicRule {
    /// Every record of the kind has this topic.
    Fixed(Topic),
    /// Chosen per record from `allowed` (a decision about money, or about health), `default`
    /// when not given.
    Chosen {
        default: Topic,
        allowed: &'static [Topic],
    },
    /// The topic of the record it belongs to (a step: its goal's).
    OfParent,
}

/// A limit on how many records of a kind may be "live" at once: one to three goals are worked
/// on at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveLimit {
    pub max: usize,
    /// A record counts when it is not removed and this field holds this choice (`None`: every
    /// record not removed counts).
    pub when: Option<(&'static str, &'static str)>,
    /// Why an edit that would pass the limit is refused, for the person.
    pub reason: &'static str,
}

/// One kind of record, declared once.
#[derive(Debug)]
pub struct KindSpec {
    /// Its name in storage and on the wire (`goal`).
    pub name: &'static str,
    /// Its name in words (`goal`), as in "the goal “…”".
    pub title: &'static str,
    pub topic: TopicRule,
    /// The kind its records belong to, if any (a step belongs to a goal).
    pub parent: Option<&'static str>,
    pub fields: &'static [FieldSpec],
    /// The field that names a record in words ("the goal “Walk to the shop”").
    pub label_field: Option<&'static str>,
    /// At most one per person, under the person's own id (About me).
    pub singleton: bool,
    pub live_limit: Option<LiveLimit>,
    /// Records only Circle itself makes (conflicts): devices may only settle them.
    pub system: bool,
    /// Steps that must be taken in order: a field that may be filled in only once others are
    /// (a best-interests decision only after the consent and capacity steps).
    pub order: &'static [Order],
}

/// `field` may hold a value only while every field of `after` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub field: &'static str,
    pub after: &'static [&'static str],
}

impl KindSpec {
    /// Whether `record` keeps the kind's order of steps, or the words saying which step comes
    /// first.
    pub fn in_order(&self, record: &Record) -> Result<(), String> {
        for rule in self.order {
            if record.get(rule.field).is_empty() {
                continue;
            }
            let missing: Vec<&str> = rule
                .after
                .iter()
                .filter(|f| record.get(f).is_empty())
                .map(|f| self.field(f).map_or(*f, |s| s.label))
                .collect();
            if !missing.is_empty() {
                let label = self.field(rule.field).map_or(rule.field, |f| f.label);
                return Err(format!(
                    "“{label}” comes after an earlier step: first record {}.",
                    missing
                        .iter()
                        .map(|m| format!("“{m}”"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }
}

impl KindSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Words that name `record` of this kind: "the goal “Walk to the shop”", or "a goal".
    pub fn describe(&self, record: Option<&Record>) -> String {
        let label = record.zip(self.label_field).map(|(r, f)| r.text(f));
        match label {
            Some(text) if !text.is_empty() => format!("the {} “{text}”", self.title),
            _ if self.singleton => self.title.to_owned(),
            _ if self.title.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {}", self.title),
            _ => format!("a {}", self.title),
        }
    }

    /// Whether `record` counts towards the kind's live limit.
    pub fn is_live(&self, record: &Record) -> bool {
        let Some(limit) = self.live_limit else {
            return false;
        };
        !record.deleted
            && limit
                .when
                .is_none_or(|(field, choice)| record.get(field).as_text() == choice)
    }
}

/// The kinds a server (or a test) knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    kinds: Vec<&'static KindSpec>,
}

impl Catalog {
    /// Every kind Circle has.
    pub fn standard() -> Catalog {
        Catalog {
            kinds: vec![
                &ABOUT_ME,
                &GOAL,
                &STEP,
                &MEASURE,
                &OBSERVATION,
                &MEETING,
                &CONFLICT_KIND,
                &CIRCLE_MEMBER,
                &COMMUNICATION,
                &MEETING_RHYTHM,
                &DECIDING,
                &DECISION,
                &REFERRAL,
                &SUPPORTER_AGREEMENT,
                &INTERACTION,
                &ATTENDANCE,
                &ACTION,
                &DISAGREEMENT,
                &FEEDBACK_KIND,
            ],
        }
    }

    /// The standard kinds and `extra` (a kind declared in a test).
    pub fn with(mut self, extra: &'static KindSpec) -> Catalog {
        self.kinds.push(extra);
        self
    }

    pub fn kind(&self, name: &str) -> Option<&'static KindSpec> {
        self.kinds.iter().copied().find(|k| k.name == name)
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static KindSpec> + '_ {
        self.kinds.iter().copied()
    }
}

impl std::default::Default for Catalog {
    fn default() -> Self {
        Catalog::standard()
    }
}

// ---- The standard kinds

pub const ABOUT: &str = "about_me";
pub const GOALS: &str = "goal";
pub const STEPS: &str = "step";
pub const MEETINGS: &str = "meeting";
pub const CONFLICT: &str = "conflict";

/// The longest goal or step, in characters.
pub const GOAL_WORDING_MAX: usize = 500;
pub const MEETING_TITLE_MAX: usize = 200;

/// The one-page profile, in the person's own words. Strengths come first on every view.
pub static ABOUT_ME: KindSpec = KindSpec {
    name: ABOUT,
    title: "About me",
    topic: TopicRule::Fixed(Topic::AboutMe),
    parent: None,
    fields: &[
        FieldSpec {
            name: "strengths",
            label: "My strengths",
            ty: FieldType::Texts {
                items: 20,
                max: crate::people::STRENGTH_MAX,
            },
            merge: Merge::Words,
            required: false,
            default: Default::Empty,
            report: false,
        },
        FieldSpec::words(
            "admired_for",
            "What people like and admire about me",
            crate::people::ABOUT_ME_TEXT_MAX,
        ),
        FieldSpec::words(
            "matters_to_me",
            "What matters to me",
            crate::people::ABOUT_ME_TEXT_MAX,
        ),
        FieldSpec::words(
            "how_to_support_me",
            "How best to support me",
            crate::people::ABOUT_ME_TEXT_MAX,
        ),
        FieldSpec::words(
            "hobbies",
            "My hobbies and interests",
            crate::people::ABOUT_ME_TEXT_MAX,
        ),
        FieldSpec::words("wishes", "My wishes", crate::people::ABOUT_ME_TEXT_MAX),
    ],
    label_field: None,
    singleton: true,
    live_limit: None,
    system: false,
    order: &[],
};

/// The written parts of About me, in reading order (after the strengths).
pub const ABOUT_ME_SECTIONS: [&str; 5] = [
    "admired_for",
    "matters_to_me",
    "how_to_support_me",
    "hobbies",
    "wishes",
];

pub const GOAL_STATUSES: &[(&str, &str)] = &[
    ("active", "Working on it"),
    ("achieved", "Achieved"),
    ("paused", "Paused"),
    ("let_go", "Let go"),
];

/// The signs that call for the escalation a positive risk plan agrees.
pub const ESCALATION_TRIGGERS: &[(&str, &str)] = &[
    ("missed_check_in", "A missed check-in"),
    ("coercion", "Signs that someone is pressuring me"),
    ("money", "Someone asking me for money"),
    ("unwell", "Feeling unwell or very upset"),
    ("lost", "Getting lost or stranded"),
];

/// Goal attainment scaling: the five levels, each described in words for one goal.
pub const GAS_LEVELS: &[(&str, &str)] = &[
    ("m2", "−2: much less than expected"),
    ("m1", "−1: somewhat less than expected"),
    ("0", "0: the expected outcome"),
    ("p1", "+1: somewhat more than expected"),
    ("p2", "+2: much more than expected"),
];

const TEXT: usize = BLOCK_TEXT_MAX;

/// A goal in the person's own words; one to three are worked on at a time. With it: why it
/// matters, who helps, how it ended (achieved, paused, let go) and why, the prompts agreed, its
/// goal attainment scale, and its positive risk plan.
pub static GOAL: KindSpec = KindSpec {
    name: GOALS,
    title: "goal",
    topic: TopicRule::Fixed(Topic::GoalsAndProgress),
    parent: None,
    fields: &[
        FieldSpec::words("wording", "Goal", GOAL_WORDING_MAX)
            .required()
            .reported(),
        FieldSpec::words("written_by", "Whose words these are", MEMBER_NAME_MAX * 2),
        FieldSpec::words("why", "Why it matters to me", TEXT),
        FieldSpec::words("helpers", "Who helps me", TEXT),
        FieldSpec {
            name: "status",
            label: "Status",
            ty: FieldType::Choice(GOAL_STATUSES),
            merge: Merge::Words,
            required: false,
            default: Default::Choice("active"),
            report: true,
        },
        FieldSpec::words("status_reason", "Why (achieved, paused or let go)", TEXT),
        FieldSpec::typed("status_on", "Since", FieldType::Date).reported(),
        FieldSpec {
            name: "review_date",
            label: "Review date",
            ty: FieldType::Date,
            merge: Merge::Words,
            required: false,
            default: Default::Empty,
            report: true,
        },
        FieldSpec::words("prompts", "The prompts we agreed (one a line)", TEXT),
        FieldSpec::words("gas_m2", "−2: much less than expected", TEXT),
        FieldSpec::words("gas_m1", "−1: somewhat less than expected", TEXT),
        FieldSpec::words("gas_0", "0: the expected outcome", TEXT),
        FieldSpec::words("gas_p1", "+1: somewhat more than expected", TEXT),
        FieldSpec::words("gas_p2", "+2: much more than expected", TEXT),
        FieldSpec::choice(
            "gas_level",
            "Where I am now on this scale",
            GAS_LEVELS,
            None,
        )
        .reported(),
        FieldSpec::words("go_right", "What could go right", TEXT),
        FieldSpec::words("go_wrong", "What could go wrong", TEXT),
        FieldSpec::words("controls", "What I agreed to keep it safe", TEXT),
        FieldSpec::choices("escalate_on", "When to get help", ESCALATION_TRIGGERS),
        FieldSpec::words("escalation", "Who to tell, and what they do", TEXT),
        FieldSpec::words(
            "stages",
            "Stages towards doing it on my own (one a line)",
            TEXT,
        ),
        FieldSpec::typed(
            "stage",
            "The stage I am at now",
            FieldType::Number { min: 1, max: 20 },
        ),
        FieldSpec::typed("incident_on", "Last incident", FieldType::Date),
        FieldSpec::typed(
            "risk_reviewed_on",
            "Risk plan last reviewed",
            FieldType::Date,
        ),
    ],
    label_field: Some("wording"),
    singleton: false,
    live_limit: Some(LiveLimit {
        max: 3,
        when: Some(("status", "active")),
        reason: "A person works on at most 3 goals at a time: finish or remove one first.",
    }),
    system: false,
    order: &[],
};

/// A small, graded step towards a goal ("two steps before help is offered"), reached on a date.
/// Steps are shown by `position` (see `crate::outcomes::ordered_steps`).
pub static STEP: KindSpec = KindSpec {
    name: STEPS,
    title: "step",
    topic: TopicRule::OfParent,
    parent: Some(GOALS),
    fields: &[
        FieldSpec::words("text", "Step", GOAL_WORDING_MAX).required(),
        FieldSpec {
            name: "done",
            label: "Done",
            ty: FieldType::Flag,
            merge: Merge::Words,
            required: false,
            default: Default::Flag(false),
            report: false,
        },
        FieldSpec::typed("reached_on", "Reached on", FieldType::Date),
        FieldSpec::typed(
            "position",
            "Place in the order",
            FieldType::Number {
                min: 0,
                max: 1_000_000,
            },
        ),
    ],
    label_field: Some("text"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

pub const MEASURES: &str = "measure";
pub const OBSERVATIONS: &str = "observation";

/// What a measure counts (see `crate::outcomes::MeasureType` for how each is read).
pub const MEASURE_TYPES: &[(&str, &str)] = &[
    ("prompts", "Staff prompts needed"),
    ("completions", "Independent completions per week"),
    ("confidence", "Confidence, 1 to 5"),
    ("ratio", "Support ratio"),
    ("takeovers", "Task takeovers by others"),
    ("journeys", "Journeys planned"),
    ("count", "A count of my own"),
];

pub const BETTER: &[(&str, &str)] = &[("higher", "More is better"), ("lower", "Fewer is better")];

/// The largest value a measure or an observation holds.
pub const MEASURE_MAX: i64 = 10_000;

/// A measure chosen with the person for one goal, with a baseline and a target.
pub static MEASURE: KindSpec = KindSpec {
    name: MEASURES,
    title: "measure",
    topic: TopicRule::OfParent,
    parent: Some(GOALS),
    fields: &[
        FieldSpec::choice("measure", "What we count", MEASURE_TYPES, Some("prompts"))
            .required()
            .reported(),
        FieldSpec::words(
            "about",
            "Of what (for example “making breakfast”)",
            MEMBER_NAME_MAX * 2,
        ),
        FieldSpec::words("unit", "Counted in (a count of my own)", 40),
        FieldSpec::choice(
            "better",
            "Which way is better (a count of my own)",
            BETTER,
            None,
        ),
        FieldSpec::typed(
            "baseline",
            "Where we started (baseline)",
            FieldType::Number {
                min: 0,
                max: MEASURE_MAX,
            },
        )
        .reported(),
        FieldSpec::typed(
            "target",
            "Where I want to get to (target)",
            FieldType::Number {
                min: 0,
                max: MEASURE_MAX,
            },
        )
        .reported(),
    ],
    label_field: Some("about"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// One observation of a measure: a dated value and whose voice it is, with a short note. Set
/// once and never changed, so two never conflict.
pub static OBSERVATION: KindSpec = KindSpec {
    name: OBSERVATIONS,
    title: "observation",
    topic: TopicRule::OfParent,
    parent: Some(MEASURES),
    fields: &[
        FieldSpec::typed(
            "value",
            "Value",
            FieldType::Number {
                min: 0,
                max: MEASURE_MAX,
            },
        )
        .once()
        .required()
        .reported(),
        FieldSpec::typed("observed_on", "Date", FieldType::Date)
            .once()
            .required()
            .reported(),
        FieldSpec::typed("voice", "Whose view", FieldType::Voice)
            .once()
            .required()
            .reported(),
        FieldSpec::words("note", "Note", 280).once(),
    ],
    label_field: None,
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

pub const ATTENDANCES: &str = "attendance";
pub const ACTIONS: &str = "action";
pub const DISAGREEMENTS: &str = "disagreement";

/// The longest agenda, written contribution or advocate's view, in characters.
pub const MEETING_TEXT_MAX: usize = 4_000;

/// The kinds of meeting, each with its usual length (`crate::reviews::MeetingType`).
pub const MEETING_TYPES: &[(&str, &str)] = &[
    ("goal_setting", "Goal-setting"),
    ("mini_review", "Mini-review"),
    ("complex_review", "Complex review"),
    ("debrief", "Post-incident debrief"),
];

/// Where a meeting stands. "Paused" is the stop rule: the person was overwhelmed, so the
/// meeting stopped, with a plan to meet again.
pub const MEETING_STATUSES: &[(&str, &str)] = &[
    ("planned", "Planned"),
    ("held", "Held"),
    ("paused", "Paused (stop rule)"),
    ("cancelled", "Cancelled"),
];

/// The format of a meeting's agenda and summary: the person's recorded format.
pub const MEETING_FORMATS: &[(&str, &str)] =
    &[("standard", "Standard"), ("easy_read", "Easy read")];

/// A meeting or review: its type and usual length, when and where, its agenda (sent 3 to 5
/// days before, the decisions to make highlighted), the notes written together, the stop
/// rule, the advocate's view, the decision record of a complex review, the next review and
/// the summary (sent within 5 working days). See `crate::reviews`.
pub static MEETING: KindSpec = KindSpec {
    name: MEETINGS,
    title: "meeting",
    topic: TopicRule::Fixed(Topic::MeetingsAndReviews),
    parent: None,
    fields: &[
        FieldSpec::words("title", "Meeting", MEETING_TITLE_MAX).required(),
        FieldSpec {
            name: "notes",
            label: "Notes",
            ty: FieldType::Shared,
            merge: Merge::Characters,
            required: false,
            default: Default::Empty,
            report: false,
        },
        FieldSpec::choice("meeting_type", "Type of meeting", MEETING_TYPES, None).reported(),
        FieldSpec::typed("starts_at", "Starts at", FieldType::Moment).reported(),
        FieldSpec::typed(
            "minutes",
            "Length, in minutes",
            FieldType::Number { min: 5, max: 240 },
        ),
        FieldSpec::words("place", "Where (or how to join)", MEMBER_NAME_MAX * 2),
        FieldSpec::choice(
            "format",
            "Format of the agenda and summary",
            MEETING_FORMATS,
            None,
        ),
        FieldSpec::words("chair", "Chair", MEMBER_NAME_MAX),
        FieldSpec::words("agenda", "Agenda (one item a line)", MEETING_TEXT_MAX),
        FieldSpec::words(
            "decisions_to_make",
            "Decisions to make (one a line)",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::typed("agenda_sent_on", "Agenda sent on", FieldType::Date).reported(),
        FieldSpec::choice("status", "Status", MEETING_STATUSES, Some("planned")).reported(),
        FieldSpec::words("paused_reason", "Why we paused (stop rule)", BLOCK_TEXT_MAX),
        FieldSpec::words("reconvene_plan", "Our plan to meet again", BLOCK_TEXT_MAX),
        FieldSpec::typed("reconvene_on", "Meeting again on", FieldType::Date),
        FieldSpec::words(
            "advocate_view",
            "The advocate's view, in their words",
            MEETING_TEXT_MAX,
        ),
        FieldSpec::words(
            "consent_points",
            "What was agreed with my consent (one a line)",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words(
            "decision_record",
            "The decision record (complex reviews)",
            40,
        ),
        FieldSpec::typed("next_review_on", "Next review", FieldType::Date).reported(),
        FieldSpec::typed("summary_sent_on", "Summary sent on", FieldType::Date).reported(),
        FieldSpec::words(
            "summary_sent_to",
            "Summary sent to (one a line)",
            BLOCK_TEXT_MAX,
        ),
    ],
    label_field: Some("title"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// How someone took part in a meeting. A written contribution sent beforehand counts as taking
/// part.
pub const ATTENDANCE_WAYS: &[(&str, &str)] = &[
    ("in_person", "In person"),
    ("video", "Video"),
    ("phone", "Phone"),
    ("written", "Written contribution sent beforehand"),
];

/// Whom someone takes part in a meeting as: the governance figure of participation counts a
/// meeting where family, a friend or an advocate took part (`crate::governance::Figure`).
pub const TAKING_PART_AS: &[(&str, &str)] = &[
    ("person", "The person themselves"),
    ("family", "Family member or friend"),
    ("advocate", "Advocate"),
    ("staff", "Staff"),
    ("professional", "Another professional"),
];

/// Someone invited to a meeting, whom they take part as, and how they took part (nothing
/// chosen: they did not).
pub static ATTENDANCE: KindSpec = KindSpec {
    name: ATTENDANCES,
    title: "participant",
    topic: TopicRule::Fixed(Topic::MeetingsAndReviews),
    parent: Some(MEETINGS),
    fields: &[
        FieldSpec::words("who", "Who", MEMBER_NAME_MAX).required(),
        FieldSpec::words(
            "role",
            "Their role (for example advocate, sister)",
            MEMBER_NAME_MAX,
        ),
        FieldSpec::choice("taking_part_as", "Taking part as", TAKING_PART_AS, None).reported(),
        FieldSpec::choice("how", "How they took part", ATTENDANCE_WAYS, None).reported(),
        FieldSpec::words(
            "contribution",
            "Their contribution, in their words",
            MEETING_TEXT_MAX,
        ),
        FieldSpec::typed("invited", "Invited", FieldType::Flag)
            .defaulting(Default::Flag(true))
            .reported(),
    ],
    label_field: Some("who"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// An action agreed at a meeting: what, who owns it, by when, when it was done and how that
/// was checked.
pub static ACTION: KindSpec = KindSpec {
    name: ACTIONS,
    title: "action",
    topic: TopicRule::Fixed(Topic::MeetingsAndReviews),
    parent: Some(MEETINGS),
    fields: &[
        FieldSpec::words("what", "What", GOAL_WORDING_MAX).required(),
        FieldSpec::words("owner", "Who will do it", MEMBER_NAME_MAX)
            .required()
            .reported(),
        FieldSpec::typed("due_on", "Due by", FieldType::Date).reported(),
        FieldSpec::typed("done_on", "Done on", FieldType::Date).reported(),
        FieldSpec::words("verified", "How we know it is done", BLOCK_TEXT_MAX),
    ],
    label_field: Some("what"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// The steps of escalation of a disagreement, in order.
pub const ESCALATION_LEVELS: &[(&str, &str)] = &[
    ("key_worker", "Key worker"),
    ("registered_manager", "Registered manager"),
    ("nominated_individual", "Nominated individual"),
];

/// The disagreement log: what we heard (each view, the person's first), what we tried, what's
/// next, the advocate's note, a review date; escalated key worker → registered manager →
/// nominated individual; to be resolved within 20 working days (`crate::reviews`). Not every
/// disagreement comes up in a meeting, so it stands on its own and names the meeting (by id)
/// when it did.
pub static DISAGREEMENT: KindSpec = KindSpec {
    name: DISAGREEMENTS,
    title: "disagreement",
    topic: TopicRule::Fixed(Topic::MeetingsAndReviews),
    parent: None,
    fields: &[
        FieldSpec::words("about", "What it is about", MEETING_TITLE_MAX).required(),
        FieldSpec::words("meeting", "The meeting it came up in", 40),
        FieldSpec::words("person_view", "My view", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "others_views",
            "Other views (one a line: “Name: their view”)",
            MEETING_TEXT_MAX,
        ),
        FieldSpec::words("tried", "What we tried", BLOCK_TEXT_MAX),
        FieldSpec::words("next_steps", "What's next", BLOCK_TEXT_MAX),
        FieldSpec::words("advocate_note", "The advocate's note", BLOCK_TEXT_MAX),
        FieldSpec::typed("raised_on", "Raised on", FieldType::Date)
            .required()
            .reported(),
        FieldSpec::typed("review_on", "Review on", FieldType::Date).reported(),
        FieldSpec::choice(
            "level",
            "Who is dealing with it",
            ESCALATION_LEVELS,
            Some("key_worker"),
        )
        .reported(),
        FieldSpec::words("escalated_to", "Escalated to (who)", MEMBER_NAME_MAX),
        FieldSpec::typed("escalated_on", "Escalated on", FieldType::Date).reported(),
        FieldSpec::typed("resolved_on", "Resolved on", FieldType::Date).reported(),
        FieldSpec::words("resolution", "How it was resolved", BLOCK_TEXT_MAX),
    ],
    label_field: Some("about"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

pub const FEEDBACK: &str = "feedback";

/// Whose "I feel involved" answer it is: the person's, or someone's in their circle (family, a
/// friend, an advocate).
pub const FEEDBACK_VOICES: &[(&str, &str)] = &[
    ("person", "The person themselves"),
    ("member", "Someone in their circle"),
];

/// An answer to "I feel involved", asked after a meeting: whose it is, who gave it, the face
/// chosen (1 to 5, see `crate::reviews::INVOLVED_SCALE`), anything they wanted to say, and
/// the day. The governance figures count the answers of the person and of their circle.
pub static FEEDBACK_KIND: KindSpec = KindSpec {
    name: FEEDBACK,
    title: "answer to “I feel involved”",
    topic: TopicRule::Fixed(Topic::MeetingsAndReviews),
    parent: Some(MEETINGS),
    fields: &[
        FieldSpec::choice("voice", "Whose answer", FEEDBACK_VOICES, Some("person"))
            .required()
            .reported(),
        FieldSpec::words("who", "Who answered", MEMBER_NAME_MAX),
        FieldSpec::typed(
            "score",
            "I felt involved",
            FieldType::Number { min: 1, max: 5 },
        )
        .required()
        .reported(),
        FieldSpec::words("said", "Anything else they wanted to say", BLOCK_TEXT_MAX),
        FieldSpec::typed("answered_on", "Answered on", FieldType::Date)
            .required()
            .reported(),
    ],
    label_field: Some("who"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

// ---- The involvement plan: four blocks owned by the person (see `crate::involvement`)

pub const MEMBERS: &str = "circle_member";
pub const COMMUNICATING: &str = "communication";
pub const RHYTHM: &str = "meeting_rhythm";
pub const DECIDING_KIND: &str = "deciding";

pub const MEMBER_ROLES: &[(&str, &str)] = &[
    ("family", "Family"),
    ("friend", "Friend"),
    ("informal_carer", "Informal carer"),
    ("advocate", "Advocate"),
    ("professional", "Professional"),
];

pub const ADVOCATE_TYPES: &[(&str, &str)] = &[
    ("imca", "IMCA (Independent Mental Capacity Advocate)"),
    ("care_act", "Care Act advocate"),
    ("rpr", "Relevant person's representative (RPR)"),
    ("imha", "IMHA (Independent Mental Health Advocate)"),
    ("independent", "Independent advocate"),
];

/// How near the person a member is, for the circle map: the closest in the inner ring.
pub const CLOSENESS: &[(&str, &str)] = &[
    ("closest", "Closest to me"),
    ("close", "Close to me"),
    ("further", "Further out"),
];

pub const MEMBER_NAME_MAX: usize = 100;
pub const BLOCK_TEXT_MAX: usize = 1_000;

/// Someone in the person's circle of support, with or without an account in Circle: who they
/// are to the person, what they help with, how to reach them, and what they should not do.
pub static CIRCLE_MEMBER: KindSpec = KindSpec {
    name: MEMBERS,
    title: "member of the circle",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("name", "Name", MEMBER_NAME_MAX)
            .required()
            .reported(),
        FieldSpec::words("relationship", "Who they are to me", MEMBER_NAME_MAX),
        FieldSpec::choice("role", "Role", MEMBER_ROLES, Some("family")).reported(),
        FieldSpec::choice(
            "advocate_type",
            "Type of advocate (advocates only)",
            ADVOCATE_TYPES,
            None,
        )
        .reported(),
        FieldSpec::choice("closeness", "How close", CLOSENESS, Some("close")),
        FieldSpec::typed(
            "involved",
            "I want them involved in my plan",
            FieldType::Flag,
        )
        .defaulting(Default::Flag(true))
        .reported(),
        FieldSpec::words("helps_with", "What they help me with", BLOCK_TEXT_MAX),
        FieldSpec::words("contact", "How and when to contact them", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "boundaries",
            "What they should not do for me",
            BLOCK_TEXT_MAX,
        ),
    ],
    label_field: Some("name"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

/// The formats of the Accessible Information Standard a person can ask for.
pub const FORMATS: &[(&str, &str)] = &[
    ("easy_read", "Easy read"),
    ("large_print", "Large print"),
    ("audio", "Audio"),
    ("pictures", "Pictures and symbols"),
    ("bsl", "British Sign Language (BSL)"),
    ("interpreter", "An interpreter"),
    ("braille", "Braille"),
];

/// Block 2, "How we'll communicate": one per person.
pub static COMMUNICATION: KindSpec = KindSpec {
    name: COMMUNICATING,
    title: "how we'll communicate",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("language", "My language", MEMBER_NAME_MAX),
        FieldSpec::choices("formats", "Formats that work for me", FORMATS),
        FieldSpec::words("best_time", "Best time of day", MEMBER_NAME_MAX),
        FieldSpec::typed(
            "longest_meeting",
            "Longest meeting, in minutes",
            FieldType::Number { min: 5, max: 240 },
        ),
        FieldSpec::words("helps", "What helps me take part", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "upsets",
            "What upsets me or makes it harder",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words(
            "first_thing",
            "The one thing everyone should know",
            MEMBER_NAME_MAX * 2,
        ),
        FieldSpec::words(
            "family_contact",
            "My family's named point of contact",
            MEMBER_NAME_MAX,
        ),
    ],
    label_field: None,
    singleton: true,
    live_limit: None,
    system: false,
    order: &[],
};

pub const MINI_REVIEW_CADENCES: &[(&str, &str)] = &[
    ("fortnightly", "Every two weeks"),
    ("monthly", "Every month"),
    ("six_weekly", "Every six weeks"),
    ("none", "No mini-reviews"),
];

pub const DEEP_DIVE_CADENCES: &[(&str, &str)] = &[
    ("quarterly", "Every three months"),
    ("six_monthly", "Every six months"),
    ("yearly", "Every year"),
    ("none", "No deep-dives"),
];

pub const CHECK_IN_CHANNELS: &[(&str, &str)] = &[
    ("text", "Text message"),
    ("phone", "Phone call"),
    ("video", "Video call"),
    ("visit", "A visit"),
];

/// Block 3, "When we'll meet": the rhythm of reviews, from which the next dates are worked out
/// (`crate::involvement::next_meetings`).
pub static MEETING_RHYTHM: KindSpec = KindSpec {
    name: RHYTHM,
    title: "when we'll meet",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::choice(
            "mini_review",
            "Mini-reviews",
            MINI_REVIEW_CADENCES,
            Some("monthly"),
        ),
        FieldSpec::typed(
            "mini_minutes",
            "How long a mini-review lasts, in minutes",
            FieldType::Number { min: 5, max: 120 },
        ),
        FieldSpec::choice(
            "deep_dive",
            "Deep-dives",
            DEEP_DIVE_CADENCES,
            Some("quarterly"),
        ),
        FieldSpec::typed("starts_on", "Starting from", FieldType::Date).reported(),
        FieldSpec::choices("check_ins", "Check-ins between meetings", CHECK_IN_CHANNELS),
        FieldSpec::words("check_in_notes", "About check-ins", BLOCK_TEXT_MAX),
    ],
    label_field: None,
    singleton: true,
    live_limit: None,
    system: false,
    order: &[],
};

/// The situations in which an independent advocate must be involved.
pub const ADVOCACY_TRIGGERS: &[(&str, &str)] = &[
    ("serious_medical", "Serious medical treatment"),
    ("accommodation", "A change of where I live"),
    (
        "no_one_to_consult",
        "No family member or friend appropriate to consult",
    ),
    ("dols_lps", "A deprivation of liberty (DoLS or LPS)"),
    ("safeguarding", "A safeguarding concern"),
];

/// Block 4, "How we'll decide": the person's words about being asked, helped to decide and
/// consulted, the advocacy triggers that apply to them, and a review date.
pub static DECIDING: KindSpec = KindSpec {
    name: DECIDING_KIND,
    title: "how we'll decide",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("consent", "How to ask me and check I agree", BLOCK_TEXT_MAX),
        FieldSpec::words("support", "What helps me make decisions", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "consult",
            "Who I want asked if I can't decide something",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::choices(
            "triggers",
            "Times I should have an independent advocate",
            ADVOCACY_TRIGGERS,
        ),
        FieldSpec::words(
            "least_restrictive",
            "Keeping my freedom: what the least restrictive option means for me",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::typed("review_date", "Review date", FieldType::Date).reported(),
    ],
    label_field: None,
    singleton: true,
    live_limit: None,
    system: false,
    order: &[],
};

pub const REFERRALS: &str = "referral";
pub const AGREEMENTS: &str = "supporter_agreement";
pub const INTERACTIONS: &str = "interaction";

pub const REFERRAL_ADVOCATES: &[(&str, &str)] = &[
    ("imca", "IMCA (Independent Mental Capacity Advocate)"),
    ("care_act", "Care Act advocate"),
    ("rpr", "Relevant person's representative (RPR)"),
    ("imha", "IMHA (Independent Mental Health Advocate)"),
];

/// A referral to an independent advocate when a trigger arises: the advocate is to be engaged
/// within 48 hours of it (`crate::involvement::ReferralClock`), and records their view here.
pub static REFERRAL: KindSpec = KindSpec {
    name: REFERRALS,
    title: "advocacy referral",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("about", "What it is about", MEETING_TITLE_MAX).required(),
        FieldSpec::choice("trigger", "Trigger", ADVOCACY_TRIGGERS, None).reported(),
        FieldSpec::choice(
            "advocate_type",
            "Kind of advocate",
            REFERRAL_ADVOCATES,
            None,
        )
        .reported(),
        FieldSpec::typed("arose_at", "When the trigger arose", FieldType::Moment).reported(),
        FieldSpec::typed(
            "referred_at",
            "When the referral was made",
            FieldType::Moment,
        ),
        FieldSpec::typed(
            "engaged_at",
            "When the advocate was engaged",
            FieldType::Moment,
        )
        .reported(),
        FieldSpec::words("advocate", "The advocate's name", MEMBER_NAME_MAX),
        FieldSpec::words(
            "advocate_view",
            "The advocate's view, in their words",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words(
            "changed",
            "What the advocate's input changed",
            BLOCK_TEXT_MAX,
        ),
    ],
    label_field: Some("about"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[Order {
        field: "engaged_at",
        after: &["arose_at"],
    }],
};

/// One supporter's agreement: what they do, the prompts they and staff both use, and what
/// "help" means here: the one narrative a key worker reads on shift.
pub static SUPPORTER_AGREEMENT: KindSpec = KindSpec {
    name: AGREEMENTS,
    title: "supporter agreement",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("supporter", "Supporter", MEMBER_NAME_MAX).required(),
        FieldSpec::words("what_they_do", "What they do", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "prompts",
            "The prompts we all use (one a line)",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words("help_means", "What “help” means here", BLOCK_TEXT_MAX),
    ],
    label_field: Some("supporter"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

pub const CHANNELS: &[(&str, &str)] = &[
    ("visit", "A visit"),
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("video", "Video call"),
    ("letter", "Letter"),
    ("email", "Email"),
];

/// One contact with the person or their circle, for the interaction log.
pub static INTERACTION: KindSpec = KindSpec {
    name: INTERACTIONS,
    title: "interaction",
    topic: TopicRule::Fixed(Topic::Involvement),
    parent: None,
    fields: &[
        FieldSpec::words("summary", "What it was about", BLOCK_TEXT_MAX).required(),
        FieldSpec::typed("happened_on", "Date", FieldType::Date).reported(),
        FieldSpec::words("who", "Who", MEMBER_NAME_MAX * 2),
        FieldSpec::choice("channel", "How", CHANNELS, Some("visit")).reported(),
        FieldSpec::words("next_step", "Next step", BLOCK_TEXT_MAX),
    ],
    label_field: Some("summary"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

pub const DECISIONS: &str = "decision";

/// What a decision can be about: its topic, so that only those the person shares it with see it.
pub const DECISION_TOPICS: &[Topic] = &[
    Topic::Health,
    Topic::MentalHealth,
    Topic::Money,
    Topic::DailyLiving,
    Topic::Involvement,
    Topic::IncidentsAndSafeguarding,
];

pub const CONSENT_OUTCOMES: &[(&str, &str)] = &[
    ("decided", "I made the decision myself, with support"),
    (
        "doubt",
        "There was real doubt about whether I could make this decision",
    ),
];

pub const YES_NO: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No")];

/// The four tests of capacity, for this decision at this time: field, question.
pub const CAPACITY_TESTS: [(&str, &str); 4] = [
    (
        "understand",
        "Could I understand the information about the decision?",
    ),
    ("retain", "Could I keep it in mind long enough to decide?"),
    ("weigh", "Could I use or weigh it to make the decision?"),
    (
        "communicate",
        "Could I communicate my decision, in any way?",
    ),
];

const CAPACITY_FIELDS: &[&str] = &["understand", "retain", "weigh", "communicate"];
const BEFORE_BEST_INTERESTS: &[&str] = &[
    "supported",
    "outcome",
    "understand",
    "retain",
    "weigh",
    "communicate",
];

/// A decision record under the Mental Capacity Act: one decision, one date, its topic. Consent
/// first (how the person was supported to decide); the four tests of capacity only if doubt
/// remained; a best-interests decision only after both, with who was consulted, the person's
/// wishes, the options and the least restrictive one chosen, and a review date.
pub static DECISION: KindSpec = KindSpec {
    name: DECISIONS,
    title: "decision",
    topic: TopicRule::Chosen {
        default: Topic::DailyLiving,
        allowed: DECISION_TOPICS,
    },
    parent: None,
    fields: &[
        FieldSpec::words("decision", "The decision", MEETING_TITLE_MAX)
            .required()
            .reported(),
        FieldSpec::typed("decided_on", "Date", FieldType::Date).reported(),
        FieldSpec::words("supported", "How I was supported to decide", BLOCK_TEXT_MAX),
        FieldSpec::choice("outcome", "What happened", CONSENT_OUTCOMES, None).reported(),
        FieldSpec::choice("understand", CAPACITY_TESTS[0].1, YES_NO, None),
        FieldSpec::words(
            "understand_evidence",
            "Evidence: understanding",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::choice("retain", CAPACITY_TESTS[1].1, YES_NO, None),
        FieldSpec::words(
            "retain_evidence",
            "Evidence: keeping it in mind",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::choice("weigh", CAPACITY_TESTS[2].1, YES_NO, None),
        FieldSpec::words(
            "weigh_evidence",
            "Evidence: using or weighing it",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::choice("communicate", CAPACITY_TESTS[3].1, YES_NO, None),
        FieldSpec::words(
            "communicate_evidence",
            "Evidence: communicating the decision",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words(
            "consulted",
            "Who was consulted (my circle, my advocate)",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words(
            "wishes",
            "My past and present wishes and feelings",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::words("options", "The options considered", BLOCK_TEXT_MAX),
        FieldSpec::words(
            "chosen",
            "The least restrictive option, chosen in my best interests",
            BLOCK_TEXT_MAX,
        ),
        FieldSpec::typed("review_date", "Review date", FieldType::Date).reported(),
    ],
    label_field: Some("decision"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[
        Order {
            field: "outcome",
            after: &["supported"],
        },
        Order {
            field: "understand",
            after: &["outcome"],
        },
        Order {
            field: "retain",
            after: &["outcome"],
        },
        Order {
            field: "weigh",
            after: &["outcome"],
        },
        Order {
            field: "communicate",
            after: &["outcome"],
        },
        Order {
            field: "consulted",
            after: BEFORE_BEST_INTERESTS,
        },
        Order {
            field: "wishes",
            after: BEFORE_BEST_INTERESTS,
        },
        Order {
            field: "options",
            after: BEFORE_BEST_INTERESTS,
        },
        Order {
            field: "chosen",
            after: BEFORE_BEST_INTERESTS,
        },
    ],
};

/// Which step of a decision record comes next, for the form that walks them in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionStage {
    /// How the person was supported to decide, and what happened.
    Consent,
    /// Doubt remained: the four tests of capacity.
    Capacity,
    /// The person lacks capacity for this decision: the best-interests checklist.
    BestInterests,
    /// The person made the decision themself (or was found able to).
    Decided,
}

impl DecisionStage {
    pub fn of(record: &Record) -> DecisionStage {
        match record.text("outcome") {
            "decided" => DecisionStage::Decided,
            "doubt" => {
                // Best interests follow only a finished assessment: all four tests answered
                // (the engine refuses the checklist before), one of them not met.
                let answers: Vec<&str> = CAPACITY_FIELDS.iter().map(|f| record.text(f)).collect();
                if answers.iter().any(|a| a.is_empty()) {
                    DecisionStage::Capacity
                } else if answers.contains(&"no") {
                    DecisionStage::BestInterests
                } else {
                    DecisionStage::Decided
                }
            }
            _ => DecisionStage::Consent,
        }
    }

    /// In words, for the list of decisions.
    pub fn words(self) -> &'static str {
        match self {
            DecisionStage::Consent => "Consent step to record",
            DecisionStage::Capacity => "Capacity being assessed",
            DecisionStage::BestInterests => "Best-interests decision",
            DecisionStage::Decided => "My own decision",
        }
    }
}

/// A conflict waiting for a person to settle it: made by Circle when two people changed the
/// same thing, or when an edit reached a record removed meanwhile. Its topic is that of the
/// record it concerns, so only readers of that topic see it. Fields: `about_kind`, `about_id`,
/// `field` (what was changed), `theirs` and `mine` (both values), `theirs_by`/`theirs_at` and
/// `mine_by`/`mine_at` (who wrote each and when), or `edit` (the edit kept aside).
pub static CONFLICT_KIND: KindSpec = KindSpec {
    name: CONFLICT,
    title: "conflict",
    topic: TopicRule::Chosen {
        default: Topic::GoalsAndProgress,
        allowed: &Topic::ALL,
    },
    parent: None,
    fields: &[],
    label_field: None,
    singleton: false,
    live_limit: None,
    system: true,
    order: &[],
};

/// Which conflict a conflict record is, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConflictKind {
    /// Two people changed the same field: `mine` was applied over `theirs`.
    SameField,
    /// The record was removed while this edit was made; the edit is kept, not applied.
    EditOfRemoved,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_described_in_the_words_of_its_field_for_a_conflict() {
        let formats = COMMUNICATION.field("formats").expect("declared");
        let both = Value::Texts(vec!["easy_read".into(), "bsl".into()]);
        assert_eq!(
            formats.describe(&both),
            "Easy read, British Sign Language (BSL)"
        );
        assert_eq!(
            formats.describe(&Value::Texts(vec![])),
            "nothing (left empty)"
        );
        let role = CIRCLE_MEMBER.field("role").expect("declared");
        assert_eq!(role.describe(&Value::Choice("advocate".into())), "Advocate");
        let involved = CIRCLE_MEMBER.field("involved").expect("declared");
        assert_eq!(involved.describe(&Value::Flag(false)), "no");
        let done = STEP.field("done").expect("declared");
        assert_eq!(done.describe(&Value::Flag(true)), "done");
        // 1 Jul 2026, 09:30 in London (BST) is 08:30 UTC.
        let arose = REFERRAL.field("arose_at").expect("declared");
        assert_eq!(
            arose.describe(&Value::Number(1_782_894_600_000)),
            crate::calendar::london_label(1_782_894_600_000)
        );
        assert!(
            arose
                .describe(&Value::Number(1_782_894_600_000))
                .contains("09:30")
        );
    }

    #[test]
    fn a_record_without_a_name_is_named_with_the_right_article() {
        assert_eq!(OBSERVATION.describe(None), "an observation");
        assert_eq!(MEASURE.describe(None), "a measure");
        assert_eq!(INTERACTION.describe(None), "an interaction");
    }

    #[test]
    fn every_standard_kind_has_a_unique_name_and_fields_with_unique_names() {
        let catalog = Catalog::standard();
        let mut names: Vec<&str> = catalog.kinds().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), catalog.kinds().count());
        for kind in catalog.kinds() {
            let mut fields: Vec<&str> = kind.fields.iter().map(|f| f.name).collect();
            fields.sort();
            fields.dedup();
            assert_eq!(fields.len(), kind.fields.len(), "{}", kind.name);
            if let Some(parent) = kind.parent {
                assert!(catalog.kind(parent).is_some(), "{}", kind.name);
            }
            if let Some(label) = kind.label_field {
                assert!(kind.field(label).is_some(), "{}", kind.name);
            }
        }
    }

    #[test]
    fn no_reported_field_is_named_with_a_word_sql_keeps_for_itself() {
        // A reported field is a column of `report_<kind>` on both databases.
        const RESERVED: &[&str] = &[
            "all",
            "and",
            "as",
            "by",
            "case",
            "check",
            "column",
            "default",
            "desc",
            "end",
            "from",
            "group",
            "in",
            "index",
            "is",
            "key",
            "limit",
            "not",
            "null",
            "on",
            "or",
            "order",
            "primary",
            "references",
            "select",
            "table",
            "to",
            "union",
            "user",
            "when",
            "where",
            "with",
            "person_id",
            "id",
            "topic",
            "deleted",
            "version",
        ];
        for kind in Catalog::standard().kinds() {
            for field in kind.fields.iter().filter(|f| f.report) {
                assert!(
                    !RESERVED.contains(&field.name),
                    "{}.{} can't be a column",
                    kind.name,
                    field.name
                );
            }
        }
    }
}
