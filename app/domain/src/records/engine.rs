//! The one engine every kind of record goes through: [`apply`] changes the records an edit
//! touches, checking every value against the kind's declaration, and never loses what was
//! typed: when the value an edit expected is not what it finds, the edit still applies in
//! server order and a conflict record keeps both values for a person to settle.
//!
//! Deterministic: the same records and edit always give the same records and outcome.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::kinds::{CONFLICT, Catalog, FieldSpec, FieldType, KindSpec, Merge, TopicRule};
use super::{Outcome, Record, RecordKey, RecordOp, RecordSet, Stamp, Value, conflict_id};
use crate::PersonId;
use crate::access::Topic;
use crate::audit::AuditLines;

/// Where an edit is applied, and as whose.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub person: PersonId,
    /// Who made the edit and when, as records and conflicts name them.
    pub stamp: Stamp,
    /// The device and number of the edit, from which a conflict it causes takes its id.
    pub cause: (Uuid, u64),
    /// The version the records it changes get.
    pub version: u64,
}

/// What became of an edit: its outcome and the records it changed (written back by the
/// caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub outcome: Outcome,
    pub changed: Vec<RecordKey>,
}

impl Applied {
    fn merged() -> Self {
        Applied {
            outcome: Outcome::Merged,
            changed: Vec::new(),
        }
    }

    fn rejected(reason: impl Into<String>) -> Self {
        Applied {
            outcome: Outcome::Rejected {
                reason: reason.into(),
            },
            changed: Vec::new(),
        }
    }

    fn done(key: RecordKey) -> Self {
        Applied {
            outcome: Outcome::Applied,
            changed: vec![key],
        }
    }
}

/// The records an edit reads, beyond its target: so that a server can fetch only those.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub records: Vec<RecordKey>,
    /// Every record of these kinds (to count them against a live limit).
    pub kinds: Vec<String>,
}

/// What `op` reads besides what its target's parent is (known once the target is read).
pub fn needs(op: &RecordOp, catalog: &Catalog) -> Needs {
    let mut needs = Needs {
        records: vec![op.target()],
        kinds: Vec::new(),
    };
    match op {
        RecordOp::Create {
            kind,
            parent: Some(parent),
            ..
        } => {
            if let Some(p) = catalog.kind(kind).and_then(|k| k.parent) {
                needs.records.push(RecordKey::new(p, *parent));
            }
        }
        RecordOp::Settle { .. } => {}
        _ => {}
    }
    if let Some(spec) = catalog.kind(&op.target().kind)
        && spec.live_limit.is_some()
        && matches!(
            op,
            RecordOp::Create { .. } | RecordOp::Restore { .. } | RecordOp::Set { .. }
        )
    {
        needs.kinds.push(spec.name.to_owned());
    }
    needs
}

/// Applies `op` to `set`. `set` must hold the edit's target, its parent, every record of a
/// kind with a live limit it may count against, and the conflict it settles (see [`needs`]).
pub fn apply(set: &mut RecordSet, op: &RecordOp, ctx: &Ctx<'_>) -> Applied {
    let target = op.target();
    let Some(spec) = ctx.catalog.kind(&target.kind) else {
        return Applied::rejected(
            "Circle doesn't know this kind of record. Update Circle on this device, then enter it again.",
        );
    };
    if spec.system && !matches!(op, RecordOp::Settle { .. }) {
        return Applied::rejected("Only Circle itself makes these records.");
    }
    match op {
        RecordOp::Create {
            id,
            parent,
            topic,
            fields,
            ..
        } => create(set, spec, (*id, *parent, *topic, fields), op, ctx),
        RecordOp::Set {
            field,
            before,
            after,
            ..
        } => set_field(set, spec, &target, field, before, after, op, ctx),
        RecordOp::EditText { field, update, .. } => {
            edit_text(set, spec, &target, field, update, op, ctx)
        }
        RecordOp::Delete { .. } => {
            let Some(record) = set.get(&target) else {
                return Applied::rejected(format!("That {} does not exist.", spec.title));
            };
            if record.deleted {
                return Applied::merged();
            }
            let mut record = record.clone();
            record.deleted = true;
            record.version = ctx.version;
            set.insert(record);
            Applied::done(target)
        }
        RecordOp::Restore { .. } => {
            let Some(record) = set.get(&target) else {
                return Applied::rejected(format!("That {} does not exist.", spec.title));
            };
            if !record.deleted {
                return Applied::merged();
            }
            let mut record = record.clone();
            record.deleted = false;
            if let Err(reason) = within_live_limit(set, spec, &record) {
                return Applied::rejected(reason);
            }
            record.version = ctx.version;
            set.insert(record);
            Applied::done(target)
        }
        RecordOp::Settle { .. } => match set.get(&target) {
            Some(conflict) if !conflict.deleted => {
                let mut conflict = conflict.clone();
                conflict.deleted = true;
                conflict.version = ctx.version;
                set.insert(conflict);
                Applied::done(target)
            }
            _ => Applied::merged(),
        },
    }
}

/// The parts of a [`RecordOp::Create`]: id, parent, topic, fields.
type Creation<'a> = (
    Uuid,
    Option<Uuid>,
    Option<Topic>,
    &'a BTreeMap<String, Value>,
);

fn create(
    set: &mut RecordSet,
    spec: &KindSpec,
    (id, parent, topic, given): Creation<'_>,
    op: &RecordOp,
    ctx: &Ctx<'_>,
) -> Applied {
    let key = RecordKey::new(spec.name, id);
    if set.get(&key).is_some() {
        return Applied::merged();
    }
    if spec.singleton && id != ctx.person.0 {
        return Applied::rejected(format!("There is only one {} for each person.", spec.title));
    }
    let parent_record = match (spec.parent, parent) {
        (None, None) => None,
        (Some(kind), Some(p)) => match set.find(kind, p) {
            None => return Applied::rejected(format!("That {kind} does not exist.")),
            Some(r) => Some(r.clone()),
        },
        (Some(kind), None) => {
            return Applied::rejected(format!("A {} belongs to a {kind}.", spec.title));
        }
        (None, Some(_)) => {
            return Applied::rejected(format!("A {} belongs to nothing else.", spec.title));
        }
    };
    let topic = match (spec.topic, topic) {
        (TopicRule::Fixed(t), None) => t,
        (TopicRule::Fixed(t), Some(given)) if given == t => t,
        (TopicRule::Chosen { default, .. }, None) => default,
        (TopicRule::Chosen { allowed, .. }, Some(t)) if allowed.contains(&t) => t,
        (TopicRule::OfParent, None) => match &parent_record {
            Some(p) => p.topic,
            None => return Applied::rejected("This record needs the record it belongs to."),
        },
        _ => return Applied::rejected("That topic can't be chosen for this record."),
    };
    let mut fields = BTreeMap::new();
    for (name, value) in given {
        let Some(field) = spec.field(name) else {
            return Applied::rejected(format!("A {} has no “{name}”.", spec.title));
        };
        if field.merge == Merge::Characters {
            return Applied::rejected(format!(
                "{} is written once the record is made.",
                field.label
            ));
        }
        match checked(field, value) {
            Ok(value) if field.required && value.is_empty() => {
                return Applied::rejected(format!("{} can't be empty", field.label));
            }
            Ok(value) => {
                fields.insert(name.clone(), value);
            }
            Err(reason) => return Applied::rejected(reason),
        }
    }
    for field in spec.fields {
        if !fields.contains_key(field.name) {
            if field.required {
                return Applied::rejected(format!("{} can't be empty", field.label));
            }
            fields.insert(field.name.to_owned(), field.default_value());
        }
    }
    let stamps = fields
        .keys()
        .filter(|f| given.contains_key(*f))
        .map(|f| (f.clone(), ctx.stamp.clone()))
        .collect();
    let record = Record {
        kind: spec.name.to_owned(),
        id,
        parent,
        topic,
        version: ctx.version,
        deleted: false,
        fields,
        stamps,
        created: ctx.stamp.clone(),
    };
    if let Some(p) = &parent_record
        && p.deleted
    {
        // Made on a record removed meanwhile: kept aside, not added, until someone decides.
        return edit_of_removed(set, p, op, ctx);
    }
    if let Err(reason) = within_live_limit(set, spec, &record) {
        return Applied::rejected(reason);
    }
    if let Err(reason) = spec.in_order(&record) {
        return Applied::rejected(reason);
    }
    set.insert(record);
    Applied::done(key)
}

#[allow(clippy::too_many_arguments)]
fn set_field(
    set: &mut RecordSet,
    spec: &KindSpec,
    target: &RecordKey,
    name: &str,
    before: &Value,
    after: &Value,
    op: &RecordOp,
    ctx: &Ctx<'_>,
) -> Applied {
    let Some(record) = set.get(target).cloned() else {
        return Applied::rejected(format!("That {} does not exist.", spec.title));
    };
    let Some(field) = spec.field(name) else {
        return Applied::rejected(format!("A {} has no “{name}”.", spec.title));
    };
    match field.merge {
        Merge::Characters => {
            return Applied::rejected(format!("{} is merged as it is typed.", field.label));
        }
        Merge::Once => {
            return Applied::rejected(format!(
                "{} can't be changed once it is written.",
                field.label
            ));
        }
        Merge::Words => {}
    }
    if let Some(removed) = removed_with(set, spec, &record) {
        return edit_of_removed(set, &removed, op, ctx);
    }
    let after = match checked(field, after) {
        Ok(v) => v,
        Err(reason) => return Applied::rejected(reason),
    };
    if field.required && after.is_empty() {
        return Applied::rejected(format!("{} can't be empty", field.label));
    }
    let current = record.get(name).clone();
    if current == after {
        return Applied::merged();
    }
    let theirs_stamp = record
        .stamps
        .get(name)
        .cloned()
        .unwrap_or_else(|| record.created.clone());
    let mut changed = record.clone();
    changed.fields.insert(name.to_owned(), after.clone());
    changed.stamps.insert(name.to_owned(), ctx.stamp.clone());
    changed.version = ctx.version;
    if let Err(reason) = within_live_limit(set, spec, &changed) {
        return Applied::rejected(reason);
    }
    if let Err(reason) = spec.in_order(&changed) {
        return Applied::rejected(reason);
    }
    set.insert(changed);
    if equivalent(&current, before) {
        return Applied::done(target.clone());
    }
    // Someone changed it meanwhile: theirs stays on record beside mine.
    let conflict = Record {
        kind: CONFLICT.to_owned(),
        id: conflict_id(ctx.cause.0, ctx.cause.1),
        parent: None,
        topic: record.topic,
        version: ctx.version,
        deleted: false,
        fields: BTreeMap::from([
            ("kind".to_owned(), Value::Choice("same_field".into())),
            ("about_kind".to_owned(), Value::Text(spec.name.to_owned())),
            ("about_id".to_owned(), Value::Text(record.id.to_string())),
            ("field".to_owned(), Value::Text(name.to_owned())),
            ("theirs".to_owned(), current),
            ("mine".to_owned(), after),
            ("theirs_by".to_owned(), Value::Text(theirs_stamp.by)),
            ("theirs_at".to_owned(), Value::Number(theirs_stamp.at_ms)),
            ("mine_by".to_owned(), Value::Text(ctx.stamp.by.clone())),
            ("mine_at".to_owned(), Value::Number(ctx.stamp.at_ms)),
        ]),
        stamps: BTreeMap::new(),
        created: ctx.stamp.clone(),
    };
    let id = conflict.id;
    let key = conflict.key();
    set.insert(conflict);
    Applied {
        outcome: Outcome::Conflict { conflict: id },
        changed: vec![target.clone(), key],
    }
}

fn edit_text(
    set: &mut RecordSet,
    spec: &KindSpec,
    target: &RecordKey,
    name: &str,
    update: &[u8],
    op: &RecordOp,
    ctx: &Ctx<'_>,
) -> Applied {
    let Some(record) = set.get(target).cloned() else {
        return Applied::rejected(format!("That {} does not exist.", spec.title));
    };
    match spec.field(name) {
        Some(field) if field.merge == Merge::Characters && field.ty == FieldType::Shared => {}
        Some(field) => {
            return Applied::rejected(format!("{} isn't text written together.", field.label));
        }
        None => return Applied::rejected(format!("A {} has no “{name}”.", spec.title)),
    }
    if let Some(removed) = removed_with(set, spec, &record) {
        return edit_of_removed(set, &removed, op, ctx);
    }
    let mut state = match record.get(name) {
        Value::Shared(state) => state.clone(),
        _ => Vec::new(),
    };
    let Some(merger) = super::shared::merger() else {
        return Applied::rejected(
            "The notes can't be merged here yet: this page is still loading them. Try again in a moment.",
        );
    };
    match (merger.merge)(&mut state, update) {
        Ok(false) => Applied::merged(),
        Ok(true) => {
            let mut changed = record;
            changed.fields.insert(name.to_owned(), Value::Shared(state));
            changed.stamps.insert(name.to_owned(), ctx.stamp.clone());
            changed.version = ctx.version;
            set.insert(changed);
            Applied::done(target.clone())
        }
        Err(e) => Applied::rejected(e.to_string()),
    }
}

/// The removed record `record` is part of (itself, or the record it belongs to), if any.
fn removed_with(set: &RecordSet, spec: &KindSpec, record: &Record) -> Option<Record> {
    if record.deleted {
        return Some(record.clone());
    }
    let parent = set.find(spec.parent?, record.parent?)?;
    parent.deleted.then(|| parent.clone())
}

/// Keeps `op`, made on `removed` (or on something belonging to it), aside as a conflict: not
/// applied until someone brings the record back with it, or lets it go.
fn edit_of_removed(set: &mut RecordSet, removed: &Record, op: &RecordOp, ctx: &Ctx<'_>) -> Applied {
    let conflict = Record {
        kind: CONFLICT.to_owned(),
        id: conflict_id(ctx.cause.0, ctx.cause.1),
        parent: None,
        topic: removed.topic,
        version: ctx.version,
        deleted: false,
        fields: BTreeMap::from([
            ("kind".to_owned(), Value::Choice("edit_of_removed".into())),
            ("about_kind".to_owned(), Value::Text(removed.kind.clone())),
            ("about_id".to_owned(), Value::Text(removed.id.to_string())),
            ("edit".to_owned(), Value::Edit(Box::new(op.clone()))),
            ("mine_by".to_owned(), Value::Text(ctx.stamp.by.clone())),
            ("mine_at".to_owned(), Value::Number(ctx.stamp.at_ms)),
        ]),
        stamps: BTreeMap::new(),
        created: ctx.stamp.clone(),
    };
    let id = conflict.id;
    let key = conflict.key();
    set.insert(conflict);
    Applied {
        outcome: Outcome::Conflict { conflict: id },
        changed: vec![key],
    }
}

/// Whether a device's `before` matches what the record holds: texts compare trimmed (a box
/// that added a trailing space was still showing the same words).
fn equivalent(current: &Value, before: &Value) -> bool {
    match (current, before) {
        (Value::Text(a), Value::Text(b)) => a.trim() == b.trim(),
        (Value::Empty, v) | (v, Value::Empty) => v.is_empty(),
        (a, b) => a == b,
    }
}

/// Refuses `candidate` if it would make more records of its kind live than the kind allows.
fn within_live_limit(set: &RecordSet, spec: &KindSpec, candidate: &Record) -> Result<(), String> {
    let Some(limit) = spec.live_limit else {
        return Ok(());
    };
    if !spec.is_live(candidate) {
        return Ok(());
    }
    let others = set
        .of_kind(spec.name)
        .filter(|r| r.id != candidate.id && spec.is_live(r))
        .count();
    if others >= limit.max {
        Err(limit.reason.to_owned())
    } else {
        Ok(())
    }
}

/// `value` as `field` keeps it (texts trimmed), or why it can't be.
pub fn checked(field: &FieldSpec, value: &Value) -> Result<Value, String> {
    let mismatch = || format!("That value does not fit “{}”.", field.label);
    match (field.ty, value) {
        (_, Value::Empty) if !field.required => Ok(field.default_value()),
        (FieldType::Text { max }, Value::Text(t)) => crate::optional_text(field.label, t, max)
            .map(|t| Value::Text(t.unwrap_or_default()))
            .map_err(|e| e.to_string()),
        (FieldType::Flag, Value::Flag(_)) | (FieldType::Date, Value::Date(_)) => Ok(value.clone()),
        (FieldType::Moment, Value::Number(n)) => {
            if *n >= 0 {
                Ok(value.clone())
            } else {
                Err(mismatch())
            }
        }
        (FieldType::Number { min, max }, Value::Number(n)) => {
            if (min..=max).contains(n) {
                Ok(value.clone())
            } else {
                Err(format!("{} must be from {min} to {max}.", field.label))
            }
        }
        (FieldType::Choice(choices), Value::Choice(c)) => {
            if choices.iter().any(|(key, _)| key == c) {
                Ok(value.clone())
            } else {
                Err(mismatch())
            }
        }
        (FieldType::Voice, Value::Choice(c)) => {
            if super::kinds::VOICES.iter().any(|(key, _)| key == c) {
                Ok(value.clone())
            } else {
                Err(mismatch())
            }
        }
        (FieldType::Choices(choices), Value::Texts(keys)) => {
            if keys.iter().all(|k| choices.iter().any(|(key, _)| key == k)) {
                // In the order declared, each once, whatever order they were ticked in.
                Ok(Value::Texts(
                    choices
                        .iter()
                        .filter(|(key, _)| keys.iter().any(|k| k == key))
                        .map(|(key, _)| (*key).to_owned())
                        .collect(),
                ))
            } else {
                Err(mismatch())
            }
        }
        (FieldType::Texts { items, max }, Value::Texts(list)) => {
            let mut kept = Vec::new();
            for item in list {
                if let Some(t) =
                    crate::optional_text(field.label, item, max).map_err(|e| e.to_string())?
                {
                    kept.push(t);
                }
            }
            if kept.len() > items {
                return Err(format!("{}: at most {items}.", field.label));
            }
            Ok(Value::Texts(kept))
        }
        _ => Err(mismatch()),
    }
}

/// Words for an edit, for the audit trail and for showing a person an edit that was not
/// applied: "Add the goal “Walk to the shop”", "Change “What matters to me” to “…”".
pub fn describe_op(set: &RecordSet, op: &RecordOp, catalog: &Catalog) -> String {
    let target = op.target();
    let Some(spec) = catalog.kind(&target.kind) else {
        return "Change a record this version of Circle doesn't know".to_owned();
    };
    let record = set.get(&target);
    let name = spec.describe(record);
    match op {
        RecordOp::Create { fields, parent, .. } => {
            let created = Record {
                kind: spec.name.to_owned(),
                id: target.id,
                parent: *parent,
                topic: Topic::AboutMe,
                version: 0,
                deleted: false,
                fields: fields.clone(),
                stamps: BTreeMap::new(),
                created: Stamp::default(),
            };
            let what = spec.describe(Some(&created));
            let to = parent
                .zip(spec.parent)
                .and_then(|(p, kind)| set.find(kind, p).map(|r| (r, kind)))
                .and_then(|(r, kind)| catalog.kind(kind).map(|k| k.describe(Some(r))));
            match to {
                Some(to) => format!("Add {what} to {to}"),
                None => format!("Add {what}"),
            }
        }
        RecordOp::Set { field, after, .. } => {
            let label = spec.field(field).map_or(field.as_str(), |f| f.label);
            if spec.singleton {
                format!("Change “{label}” to {}", after.describe())
            } else {
                format!("Change “{label}” of {name} to {}", after.describe())
            }
        }
        RecordOp::EditText { field, .. } => {
            let label = spec.field(field).map_or(field.as_str(), |f| f.label);
            format!("Change the {} of {name}", label.to_lowercase())
        }
        RecordOp::Delete { .. } => format!("Remove {name}"),
        RecordOp::Restore { .. } => format!("Bring back {name}"),
        RecordOp::Settle { .. } => {
            let about = record.and_then(|c| {
                let kind = catalog.kind(c.text("about_kind"))?;
                let id = c.text("about_id").parse::<Uuid>().ok()?;
                Some(kind.describe(set.find(kind.name, id)))
            });
            match about {
                Some(about) => format!("Settle a conflict about {about}"),
                None => "Settle a conflict".to_owned(),
            }
        }
    }
}

/// The audit trail's words for `op`, described as `what` (from the records before it applied),
/// and what became of it.
pub fn audit_lines(what: String, op: Option<&RecordOp>, outcome: &Outcome) -> AuditLines {
    let summary = match outcome {
        Outcome::Applied => what,
        Outcome::Merged => format!("{what} (it already said this)"),
        Outcome::Conflict { .. } => {
            format!("{what} (at the same time as someone else: kept as a conflict)")
        }
        Outcome::Rejected { reason } => format!("{what} (not saved: {reason})"),
    };
    let (before, after) = match op {
        Some(RecordOp::Set { before, after, .. }) => {
            (Some(before.describe()), Some(after.describe()))
        }
        _ => (None, None),
    };
    AuditLines {
        summary,
        before,
        after,
    }
}

/// The topic `op` writes: that of its target (for a new record, the one it would get; for
/// settling a conflict, the topic the conflict is about). `None` when the target is unknown
/// and can't be placed (the edit is then rejected by [`apply`] anyway).
/// Whether the writer of `op` may give the voices it gives ([`FieldType::Voice`]): a record
/// in the person's voice is theirs, or written with them by staff; a member writes only as
/// themself. `may_speak_as` answers for the writer. The server puts every new edit to this,
/// as to the access rule, so that nobody's words are passed off as another's.
pub fn voices_allowed(
    op: &RecordOp,
    catalog: &Catalog,
    may_speak_as: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let (kind, fields): (&str, Vec<(&String, &Value)>) = match op {
        RecordOp::Create { kind, fields, .. } => (kind, fields.iter().collect()),
        RecordOp::Set {
            kind, field, after, ..
        } => (kind, vec![(field, after)]),
        _ => return Ok(()),
    };
    let Some(spec) = catalog.kind(kind) else {
        return Ok(());
    };
    for (name, value) in fields {
        if spec.field(name).is_some_and(|f| f.ty == FieldType::Voice)
            && !may_speak_as(value.as_text())
        {
            return Err(format!(
                "This {} was written in someone else's voice: you can record only your own view.",
                spec.title
            ));
        }
    }
    Ok(())
}

pub fn topic_of(set: &RecordSet, op: &RecordOp, catalog: &Catalog) -> Option<Topic> {
    let target = op.target();
    if let Some(record) = set.get(&target) {
        return Some(record.topic);
    }
    let spec = catalog.kind(&target.kind)?;
    match (op, spec.topic) {
        (_, TopicRule::Fixed(t)) => Some(t),
        (RecordOp::Create { topic: Some(t), .. }, TopicRule::Chosen { .. }) => Some(*t),
        (_, TopicRule::Chosen { default, .. }) => Some(default),
        (
            RecordOp::Create {
                parent: Some(p), ..
            },
            TopicRule::OfParent,
        ) => {
            let parent_kind = spec.parent?;
            set.find(parent_kind, *p).map(|r| r.topic)
        }
        _ => None,
    }
}
