//! A person's record as a set of records, each synced on its own.
//!
//! Every part of a person's record (their About me, each goal, each step, each meeting, each
//! conflict waiting to be settled, and every kind to come) is a [`Record`]: `(person, kind,
//! id)` with a version, a topic, typed fields and a deleted flag. A kind is declared once, as a
//! [`KindSpec`] in [`kinds`]: its topic, its fields and how each merges, its limits. One engine
//! does the rest for every kind, with no code of the kind's own:
//!
//! - [`engine`] applies a [`RecordOp`] (create, set a field, merge shared text, delete,
//!   restore, settle a conflict) to the records it touches, checks every value against the
//!   declaration, records conflicts as records of their own, and words the audit trail;
//! - [`authority`] is the server's side of a push: in server order, one outcome per edit,
//!   versions, the records to write;
//! - [`replica`] is a device's side: the server's copy of each record it may read, the edits
//!   not yet confirmed, re-applied on top;
//! - [`pull`] carries results, not rules: the new state of each changed record the reader may
//!   read, filtered by the record's topic, which every record has.
//!
//! What a reader may not read is never sent: a record's topic is fixed by its kind, chosen per
//! record where the kind allows, or that of its parent; every read path filters on it. A kind
//! cannot be declared without a topic rule.

pub mod authority;
pub mod device;
pub mod engine;
pub mod kinds;
pub mod legacy;
pub mod machine;
pub mod pull;
pub mod replica;
pub mod shared;
mod value;
pub mod views;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::PersonId;
use crate::access::Topic;

pub use engine::{Applied, apply};
pub use kinds::{Catalog, FieldSpec, FieldType, KindSpec, Merge, TopicRule};
pub use value::{FieldValue, Value};

/// The version of the edit format this build writes (1 was the single-document plan, which the
/// server still reads and turns into records: see [`legacy`]).
pub const SCHEMA_VERSION: u16 = 2;

/// Which record: its kind and its id. Ids of new records are made on the device (UUID v7), so
/// records can be created offline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordKey {
    pub kind: String,
    pub id: Uuid,
}

impl RecordKey {
    pub fn new(kind: &str, id: Uuid) -> Self {
        Self {
            kind: kind.to_owned(),
            id,
        }
    }
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.id)
    }
}

/// Who wrote something and when, as people read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stamp {
    /// Their name as it was then.
    pub by: String,
    /// Milliseconds since 1970-01-01 UTC (0: not known, e.g. moved from the old format).
    pub at_ms: i64,
}

/// One record of a person's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    pub kind: String,
    pub id: Uuid,
    /// The record this one belongs to (a goal, for a step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Uuid>,
    /// What the person shares, or not, by sharing this topic. Every read path filters on it.
    pub topic: Topic,
    /// The person's version at which this record last changed.
    pub version: u64,
    /// Removed records stay, so that a late edit is recognised and the removal can be undone.
    #[serde(default)]
    pub deleted: bool,
    pub fields: BTreeMap<String, FieldValue>,
    /// Who last wrote each field, and when.
    #[serde(default)]
    pub stamps: BTreeMap<String, Stamp>,
    pub created: Stamp,
}

impl Record {
    pub fn key(&self) -> RecordKey {
        RecordKey::new(&self.kind, self.id)
    }

    /// A field's value (`Value::Empty` when unset).
    pub fn get(&self, field: &str) -> &Value {
        self.fields.get(field).unwrap_or(&Value::Empty)
    }

    /// A text field as text ("" when unset or not text).
    pub fn text(&self, field: &str) -> &str {
        self.get(field).as_text()
    }

    pub fn flag(&self, field: &str) -> bool {
        matches!(self.get(field), Value::Flag(true))
    }

    /// A date field's day (`None` when unset).
    pub fn date(&self, field: &str) -> Option<crate::calendar::Date> {
        match self.get(field) {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// A number (or moment) field's value (`None` when unset).
    pub fn number(&self, field: &str) -> Option<i64> {
        match self.get(field) {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The lines of a text field written one a line (agreed prompts, agenda items), trimmed,
    /// without blank ones.
    pub fn lines(&self, field: &str) -> Vec<String> {
        self.text(field)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// Records by key: what a device holds of one person, what a page shows, what an edit reads.
/// In JSON, a list of records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Record>", into = "Vec<Record>")]
pub struct RecordSet {
    records: BTreeMap<RecordKey, Record>,
}

impl RecordSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, key: &RecordKey) -> Option<&Record> {
        self.records.get(key)
    }

    pub fn find(&self, kind: &str, id: Uuid) -> Option<&Record> {
        self.records.get(&RecordKey::new(kind, id))
    }

    pub fn insert(&mut self, record: Record) {
        self.records.insert(record.key(), record);
    }

    pub fn remove(&mut self, key: &RecordKey) -> Option<Record> {
        self.records.remove(key)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.records.values()
    }

    /// Every record of `kind`, in id order (ids are UUID v7: the order they were made in).
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records
            .range(RecordKey::new(kind, Uuid::nil())..=RecordKey::new(kind, Uuid::max()))
            .map(|(_, r)| r)
    }

    /// The records of `kind` that belong to `parent`, in the order they were made.
    pub fn children<'a>(
        &'a self,
        kind: &'a str,
        parent: Uuid,
    ) -> impl Iterator<Item = &'a Record> + 'a {
        self.of_kind(kind).filter(move |r| r.parent == Some(parent))
    }

    /// Only the records whose topic `keep` allows.
    pub fn retain(&mut self, mut keep: impl FnMut(&Record) -> bool) {
        self.records.retain(|_, r| keep(r));
    }
}

impl FromIterator<Record> for RecordSet {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Self {
        let mut set = RecordSet::new();
        for record in iter {
            set.insert(record);
        }
        set
    }
}

impl From<Vec<Record>> for RecordSet {
    fn from(records: Vec<Record>) -> Self {
        records.into_iter().collect()
    }
}

impl From<RecordSet> for Vec<Record> {
    fn from(set: RecordSet) -> Self {
        set.records.into_values().collect()
    }
}

impl IntoIterator for RecordSet {
    type Item = Record;
    type IntoIter = std::collections::btree_map::IntoValues<RecordKey, Record>;
    fn into_iter(self) -> Self::IntoIter {
        self.records.into_values()
    }
}

/// A change to one record. `before` is what the editing device showed when the edit was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RecordOp {
    /// A new record, with the fields the person filled in (others take their defaults).
    Create {
        kind: String,
        id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<Uuid>,
        /// For a kind whose records choose their topic (a decision about money, say).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<Topic>,
        #[serde(default)]
        fields: BTreeMap<String, FieldValue>,
    },
    /// One field to a new value, applied in server order: a concurrent change to the same
    /// field is kept as a conflict holding both values.
    Set {
        kind: String,
        id: Uuid,
        field: String,
        before: FieldValue,
        after: FieldValue,
    },
    /// A change to long shared text, merged character by character (a Yjs update).
    EditText {
        kind: String,
        id: Uuid,
        field: String,
        #[serde(with = "crate::notes::base64_bytes")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
        update: Vec<u8>,
    },
    Delete {
        kind: String,
        id: Uuid,
    },
    /// Brings back a removed record (to keep an edit made while it was being removed).
    Restore {
        kind: String,
        id: Uuid,
    },
    /// Marks a conflict as settled. The value chosen is written by a [`RecordOp::Set`] sent
    /// just before it, which is itself checked for conflicts like any edit.
    Settle {
        conflict: Uuid,
    },
}

impl RecordOp {
    /// The one record this edit changes.
    pub fn target(&self) -> RecordKey {
        match self {
            RecordOp::Create { kind, id, .. }
            | RecordOp::Set { kind, id, .. }
            | RecordOp::EditText { kind, id, .. }
            | RecordOp::Delete { kind, id }
            | RecordOp::Restore { kind, id } => RecordKey::new(kind, *id),
            RecordOp::Settle { conflict } => RecordKey::new(kinds::CONFLICT, *conflict),
        }
    }
}

/// Why an edit could not simply be applied; the conflict itself is a record (see
/// [`kinds::CONFLICT`]) that every reader of its topic sees until someone settles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    Applied,
    /// It changed nothing because the record already said the same.
    Merged,
    /// Applied (or, for an edit of a removed record, kept aside), and a conflict recorded.
    Conflict {
        conflict: Uuid,
    },
    Rejected {
        reason: String,
    },
}

/// The id of the conflict caused by edit `seq` of device `client`: the same on every replica,
/// and different for every edit.
pub fn conflict_id(client: Uuid, seq: u64) -> Uuid {
    let mut bytes = [0u8; 24];
    bytes[..16].copy_from_slice(client.as_bytes());
    bytes[16..].copy_from_slice(&seq.to_be_bytes());
    mix(&bytes)
}

/// The id of conflict number `n` of `person`'s single-document plan (schema 1), so that old
/// "settle conflict n" edits still find it.
pub fn legacy_conflict_id(person: PersonId, n: u64) -> Uuid {
    let mut bytes = [0u8; 25];
    bytes[..16].copy_from_slice(person.0.as_bytes());
    bytes[16..24].copy_from_slice(&n.to_be_bytes());
    bytes[24] = 1;
    mix(&bytes)
}

/// 16 well-spread bytes from `bytes` (two FNV-1a passes), marked as a custom (v8) UUID. The
/// input is kept whole (no folding), so different inputs only collide by chance, 1 in 2^122.
fn mix(bytes: &[u8]) -> Uuid {
    let fnv = |seed: u64| {
        bytes.iter().fold(seed, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x8422_2325_cbf2_9ce4));
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..].copy_from_slice(&b.to_be_bytes());
    uuid::Builder::from_custom_bytes(out).into_uuid()
}

/// A record as tests write one: version 1, not removed, with `fields` and nothing else.
#[cfg(test)]
impl Record {
    pub(crate) fn for_test(
        kind: &str,
        id: Uuid,
        parent: Option<Uuid>,
        topic: Topic,
        fields: &[(&str, Value)],
    ) -> Record {
        Record {
            kind: kind.to_owned(),
            id,
            parent,
            topic,
            version: 1,
            deleted: false,
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            stamps: BTreeMap::new(),
            created: Stamp::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_id_is_the_same_for_the_same_edit_and_different_for_any_other() {
        let a = Uuid::from_u128(7);
        assert_eq!(conflict_id(a, 3), conflict_id(a, 3));
        assert_ne!(conflict_id(a, 3), conflict_id(a, 4));
        assert_ne!(conflict_id(a, 3), conflict_id(Uuid::from_u128(8), 3));
        let p = PersonId(a);
        assert_ne!(legacy_conflict_id(p, 3), conflict_id(a, 3));
        // Found by the convergence property: folding the number into the device id made
        // device 0x65's edit 6 and device 0x66's edit 5 share one conflict.
        assert_ne!(
            conflict_id(Uuid::from_u128(0x66), 5),
            conflict_id(Uuid::from_u128(0x65), 6)
        );
    }

    #[test]
    fn records_of_a_kind_and_a_parents_children_come_in_the_order_they_were_made() {
        let record = |kind: &str, n: u128, parent: Option<u128>| Record {
            kind: kind.into(),
            id: Uuid::from_u128(n),
            parent: parent.map(Uuid::from_u128),
            topic: Topic::GoalsAndProgress,
            version: 1,
            deleted: false,
            fields: BTreeMap::new(),
            stamps: BTreeMap::new(),
            created: Stamp::default(),
        };
        let set: RecordSet = [
            record("step", 5, Some(1)),
            record("goal", 2, None),
            record("goal", 1, None),
            record("step", 4, Some(2)),
            record("step", 3, Some(1)),
        ]
        .into_iter()
        .collect();
        let ids = |it: Vec<&Record>| it.iter().map(|r| r.id.as_u128()).collect::<Vec<_>>();
        assert_eq!(ids(set.of_kind("goal").collect()), [1, 2]);
        assert_eq!(
            ids(set.children("step", Uuid::from_u128(1)).collect()),
            [3, 5]
        );
    }
}
