//! Typed views of the standard kinds, for screens and for moving data in and out: what a page
//! shows is prepared here, from a [`RecordSet`], and tested without a browser.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::kinds::{ABOUT, ABOUT_ME_SECTIONS, CONFLICT, Catalog, GOALS, MEETINGS};
use super::{Record, RecordOp, RecordSet, Stamp, Value};
use crate::access::Topic;
use crate::{AboutMe, PersonId};

/// The About me record of `person`, at `version`, from a profile as typed or imported.
pub fn about_me_record(person: PersonId, about: &AboutMe, version: u64, by: &Stamp) -> Record {
    let text = |t: &str| Value::Text(t.to_owned());
    Record {
        kind: ABOUT.to_owned(),
        id: person.0,
        parent: None,
        topic: Topic::AboutMe,
        version,
        deleted: false,
        fields: BTreeMap::from([
            (
                "strengths".to_owned(),
                Value::Texts(about.strengths.clone()),
            ),
            ("admired_for".to_owned(), text(&about.admired_for)),
            ("matters_to_me".to_owned(), text(&about.matters_to_me)),
            (
                "how_to_support_me".to_owned(),
                text(&about.how_to_support_me),
            ),
            ("hobbies".to_owned(), text(&about.hobbies)),
            ("wishes".to_owned(), text(&about.wishes)),
        ]),
        stamps: BTreeMap::new(),
        created: by.clone(),
    }
}

/// The profile an About me record holds (empty when there is none).
pub fn about_me(record: Option<&Record>) -> AboutMe {
    let Some(r) = record else {
        return AboutMe::default();
    };
    AboutMe {
        strengths: match r.get("strengths") {
            Value::Texts(items) => items.clone(),
            _ => Vec::new(),
        },
        admired_for: r.text("admired_for").to_owned(),
        matters_to_me: r.text("matters_to_me").to_owned(),
        how_to_support_me: r.text("how_to_support_me").to_owned(),
        hobbies: r.text("hobbies").to_owned(),
        wishes: r.text("wishes").to_owned(),
    }
}

/// The About me record of `person` in `set`.
pub fn about_me_of(set: &RecordSet, person: PersonId) -> Option<&Record> {
    set.find(ABOUT, person.0)
}

/// The written sections of About me, in reading order: field name and heading.
pub fn about_me_sections() -> impl Iterator<Item = (&'static str, &'static str)> {
    ABOUT_ME_SECTIONS.into_iter().map(|name| {
        let label = super::kinds::ABOUT_ME.field(name).map_or(name, |f| f.label);
        (name, label)
    })
}

/// A goal as screens show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalView {
    pub id: Uuid,
    pub wording: String,
    pub status: String,
    pub deleted: bool,
    /// Steps in their order (`crate::outcomes::ordered_steps`): id, text, done.
    pub steps: Vec<(Uuid, String, bool)>,
}

/// The goals in `set`: those worked on, then the others (achieved, paused, let go), then the
/// removed ones, each in the order they were made.
pub fn goals(set: &RecordSet) -> Vec<GoalView> {
    let mut goals: Vec<GoalView> = set
        .of_kind(GOALS)
        .map(|g| GoalView {
            id: g.id,
            wording: g.text("wording").to_owned(),
            status: g.text("status").to_owned(),
            deleted: g.deleted,
            steps: crate::outcomes::ordered_steps(set, g.id)
                .into_iter()
                .map(|s| {
                    let done = matches!(s.state, crate::outcomes::StepState::Reached(_));
                    (s.id, s.text, done)
                })
                .collect(),
        })
        .collect();
    goals.sort_by_key(|g| (g.deleted, g.status != "active"));
    goals
}

/// The meetings in `set`, in the order they were made: id, title, notes as text.
pub fn meetings(set: &RecordSet) -> Vec<(Uuid, String, String)> {
    set.of_kind(MEETINGS)
        .filter(|m| !m.deleted)
        .map(|m| {
            (
                m.id,
                m.text("title").to_owned(),
                m.get("notes").shared_text(),
            )
        })
        .collect()
}

/// A conflict waiting to be settled, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictView {
    pub id: Uuid,
    /// "Two people changed the wording of the goal “…” at the same time".
    pub heading: String,
    pub about_kind: String,
    pub about_id: Uuid,
    pub field: String,
    pub theirs: Value,
    pub mine: Value,
    /// Who wrote each version and when (milliseconds; 0 when not known).
    pub theirs_by: (String, i64),
    pub mine_by: (String, i64),
    /// For an edit of a removed record: the edit kept aside, in words, and the edit itself.
    pub kept: Option<(String, RecordOp)>,
}

/// The conflicts in `set` still to settle, oldest first.
pub fn conflicts(set: &RecordSet, catalog: &Catalog) -> Vec<ConflictView> {
    let mut open: Vec<&Record> = set.of_kind(CONFLICT).filter(|c| !c.deleted).collect();
    open.sort_by_key(|c| (c.version, c.id));
    open.into_iter()
        .filter_map(|c| {
            let about_kind = c.text("about_kind").to_owned();
            let about_id = c.text("about_id").parse::<Uuid>().ok()?;
            let spec = catalog.kind(&about_kind)?;
            let about = set.find(&about_kind, about_id);
            let name = spec.describe(about);
            let field = c.text("field").to_owned();
            let stamp = |by: &str, at: &str| {
                let at = match c.get(at) {
                    Value::Number(n) => *n,
                    _ => 0,
                };
                (c.text(by).to_owned(), at)
            };
            let kept = match c.get("edit") {
                Value::Edit(op) => {
                    Some((super::engine::describe_op(set, op, catalog), (**op).clone()))
                }
                _ => None,
            };
            let heading = if kept.is_some() {
                format!(
                    "{} was removed while someone was changing it",
                    capitalised(&name)
                )
            } else {
                let label = spec.field(&field).map_or(field.as_str(), |f| f.label);
                if spec.singleton {
                    format!("Two people changed “{label}” at the same time")
                } else {
                    format!("Two people changed “{label}” of {name} at the same time")
                }
            };
            Some(ConflictView {
                id: c.id,
                heading,
                about_kind,
                about_id,
                field,
                theirs: c.get("theirs").clone(),
                mine: c.get("mine").clone(),
                theirs_by: stamp("theirs_by", "theirs_at"),
                mine_by: stamp("mine_by", "mine_at"),
                kept,
            })
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Ruth Okafor, 23 Nov 2026, 14:05" (or just the name, when the time is not known).
pub fn written_by(by: &(String, i64)) -> String {
    match (by.0.as_str(), by.1) {
        ("", 0) => "someone, at a time not recorded".to_owned(),
        (name, 0) => name.to_owned(),
        ("", at) => format!("someone, {}", crate::calendar::london_label(at)),
        (name, at) => format!("{name}, {}", crate::calendar::london_label(at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_credited_to_its_writer_at_uk_time_summer_or_winter() {
        // 23 Nov 2026, 14:05 GMT; 1 Jul 2026, 09:30 BST (08:30 UTC).
        assert_eq!(
            written_by(&("Ruth Okafor".into(), 1_795_442_700_000)),
            "Ruth Okafor, 23 Nov 2026, 14:05"
        );
        assert_eq!(
            written_by(&("Asha Patel".into(), 1_782_894_600_000)),
            "Asha Patel, 1 Jul 2026, 09:30"
        );
    }

    #[test]
    fn a_version_of_unknown_origin_says_so_rather_than_naming_nobody() {
        assert_eq!(
            written_by(&(String::new(), 0)),
            "someone, at a time not recorded"
        );
        assert_eq!(written_by(&("Ruth Okafor".into(), 0)), "Ruth Okafor");
    }
}
