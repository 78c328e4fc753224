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
    /// One of these keys, with the words people read for each.
    Choice(&'static [(&'static str, &'static str)]),
    /// Up to `items` texts of at most `max` characters each.
    Texts {
        items: usize,
        max: usize,
    },
    /// Long text written together, merged character by character.
    Shared,
}

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
                FieldType::Texts { .. } => Value::Texts(Vec::new()),
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
            kinds: vec![&ABOUT_ME, &GOAL, &STEP, &MEETING, &CONFLICT_KIND],
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

/// A goal in the person's own words; one to three are worked on at a time.
pub static GOAL: KindSpec = KindSpec {
    name: GOALS,
    title: "goal",
    topic: TopicRule::Fixed(Topic::GoalsAndProgress),
    parent: None,
    fields: &[
        FieldSpec::words("wording", "Goal", GOAL_WORDING_MAX)
            .required()
            .reported(),
        FieldSpec {
            name: "status",
            label: "Status",
            ty: FieldType::Choice(GOAL_STATUSES),
            merge: Merge::Words,
            required: false,
            default: Default::Choice("active"),
            report: true,
        },
        FieldSpec {
            name: "review_date",
            label: "Review date",
            ty: FieldType::Date,
            merge: Merge::Words,
            required: false,
            default: Default::Empty,
            report: true,
        },
    ],
    label_field: Some("wording"),
    singleton: false,
    live_limit: Some(LiveLimit {
        max: 3,
        when: Some(("status", "active")),
        reason: "A person works on at most 3 goals at a time: finish or remove one first.",
    }),
    system: false,
};

/// A small step towards a goal.
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
    ],
    label_field: Some("text"),
    singleton: false,
    live_limit: None,
    system: false,
};

/// A meeting or review, with notes written together.
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
    ],
    label_field: Some("title"),
    singleton: false,
    live_limit: None,
    system: false,
};

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
}
