//! How a device keeps the records of the people it follows, without I/O: the keys, what each
//! holds, and the writes that bring storage in line after an edit, an answer or a pull. The
//! browser (`app/src/sync/browser.rs`) runs these writes in IndexedDB, one transaction per
//! batch; the benchmark counts their bytes.
//!
//! One entry per key, each a string:
//!
//! - `m.<person>`: where the copy has got to ([`Meta`]: its device id, next edit number, cursor,
//!   topics, last complete sync);
//! - `r.<person>.<kind>.<id>`: a record as the server last sent it;
//! - `o.<person>.<seq>`: an edit waiting for the server (a [`Pending`]);
//! - `x.<person>.<seq>`: an edit the server refused, with its words (a [`Refused`]);
//!
//! edit numbers padded to 20 digits, so that keys sort in the order the edits were made. An
//! edit writes its outbox entry and the copy's `m.` entry, nothing else: what it writes does
//! not grow with the records held. A pull writes the records it brought.
//!
//! Values are written by an [`Encode`] the caller passes in (JSON, in the browser), so that this
//! module needs no format of its own.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::RecordKey;
use super::replica::{Pending, Pulled, Refused, Replica};
use crate::PersonId;
use crate::access::Topic;
use crate::sync::ClientId;

/// The start of every `m.` key (where each copy has got to).
pub const META: &str = "m.";
/// The start of every `o.` key (edits waiting, of everyone).
pub const OUTBOX: &str = "o.";
/// The start of a copy in the format of builds before records: `plan.<person>`.
pub const OLD_COPY: &str = "plan.";

/// Where a person's copy has got to (`m.<person>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub client: ClientId,
    pub next_seq: u64,
    pub cursor: u64,
    pub topics: BTreeSet<Topic>,
    /// When the device last synced this copy completely (milliseconds since 1970).
    #[serde(default)]
    pub last_complete_ms: Option<f64>,
}

impl Meta {
    pub fn of(replica: &Replica, last_complete_ms: Option<f64>) -> Meta {
        Meta {
            client: replica.client,
            next_seq: replica.next_seq(),
            cursor: replica.cursor(),
            topics: replica.topics().clone(),
            last_complete_ms,
        }
    }
}

/// One change to the device's storage, as part of a batch written in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Put(String, String),
    Delete(String),
    /// Every key starting with this.
    DeletePrefix(String),
}

impl Write {
    /// The bytes it hands to storage (UTF-8): key and value.
    pub fn bytes(&self) -> usize {
        match self {
            Write::Put(key, value) => key.len() + value.len(),
            Write::Delete(key) | Write::DeletePrefix(key) => key.len(),
        }
    }
}

/// The bytes a batch hands to storage.
pub fn bytes(batch: &[Write]) -> usize {
    batch.iter().map(Write::bytes).sum()
}

/// How a value becomes the string stored under its key.
pub trait Encode {
    fn encode<T: Serialize>(&self, value: &T) -> String;
}

pub fn meta_key(person: PersonId) -> String {
    format!("{META}{person}")
}

/// The person an `m.` key is about.
pub fn person_of_meta(key: &str) -> Option<PersonId> {
    key.strip_prefix(META)?.parse().ok()
}

pub fn records_prefix(person: PersonId) -> String {
    format!("r.{person}.")
}

pub fn record_key(person: PersonId, key: &RecordKey) -> String {
    format!("r.{person}.{}.{}", key.kind, key.id)
}

pub fn outbox_prefix(person: PersonId) -> String {
    format!("{OUTBOX}{person}.")
}

pub fn outbox_key(person: PersonId, seq: u64) -> String {
    format!("{OUTBOX}{person}.{seq:020}")
}

pub fn refused_prefix(person: PersonId) -> String {
    format!("x.{person}.")
}

pub fn refused_key(person: PersonId, seq: u64) -> String {
    format!("x.{person}.{seq:020}")
}

pub fn old_copy_key(person: PersonId) -> String {
    format!("{OLD_COPY}{person}")
}

/// The `m.` entry of `replica`.
pub fn meta(replica: &Replica, last_complete_ms: Option<f64>, enc: &impl Encode) -> Write {
    Write::Put(
        meta_key(replica.person),
        enc.encode(&Meta::of(replica, last_complete_ms)),
    )
}

/// After edits numbered `from` and on were recorded on `replica`: their outbox entries and the
/// `m.` entry, nothing else.
pub fn edit_changes(
    replica: &Replica,
    from: u64,
    last_complete_ms: Option<f64>,
    enc: &impl Encode,
) -> Vec<Write> {
    let mut batch: Vec<Write> = replica
        .outbox()
        .iter()
        .filter(|p| p.mutation.seq >= from)
        .map(|p| outbox_entry(replica.person, p, enc))
        .collect();
    batch.push(meta(replica, last_complete_ms, enc));
    batch
}

/// After a pull that continued the copy: the records it brought, and the deletion of those it
/// dropped.
pub fn records_changes(replica: &Replica, pulled: &Pulled, enc: &impl Encode) -> Vec<Write> {
    let person = replica.person;
    let mut batch: Vec<Write> = pulled
        .written
        .iter()
        .filter_map(|key| replica.confirmed().get(key))
        .map(|r| Write::Put(record_key(person, &r.key()), enc.encode(r)))
        .collect();
    batch.extend(
        pulled
            .dropped
            .iter()
            .map(|k| Write::Delete(record_key(person, k))),
    );
    batch
}

/// The outbox and refused entries that changed from `before` to `after` (after answers, or a
/// pull): waiting edits gone are deleted, new or changed ones written, newly refused ones
/// written.
pub fn queue_changes(before: &Replica, after: &Replica, enc: &impl Encode) -> Vec<Write> {
    let person = after.person;
    let mut batch = Vec::new();
    let was: BTreeMap<u64, &Pending> = before
        .outbox()
        .iter()
        .map(|p| (p.mutation.seq, p))
        .collect();
    let now: BTreeMap<u64, &Pending> = after.outbox().iter().map(|p| (p.mutation.seq, p)).collect();
    for seq in was.keys().filter(|s| !now.contains_key(s)) {
        batch.push(Write::Delete(outbox_key(person, *seq)));
    }
    for (seq, pending) in &now {
        if was.get(seq) != Some(pending) {
            batch.push(outbox_entry(person, pending, enc));
        }
    }
    for refused in after.refused() {
        if !before
            .refused()
            .iter()
            .any(|r| r.mutation.seq == refused.mutation.seq)
        {
            batch.push(refused_entry(person, refused, enc));
        }
    }
    batch
}

/// Every entry of `replica`, replacing whatever the device held of the person.
pub fn whole_copy(
    replica: &Replica,
    last_complete_ms: Option<f64>,
    enc: &impl Encode,
) -> Vec<Write> {
    let person = replica.person;
    let mut batch = vec![
        Write::DeletePrefix(records_prefix(person)),
        Write::DeletePrefix(outbox_prefix(person)),
        Write::DeletePrefix(refused_prefix(person)),
    ];
    batch.extend(
        replica
            .confirmed()
            .iter()
            .map(|r| Write::Put(record_key(person, &r.key()), enc.encode(r))),
    );
    batch.extend(
        replica
            .outbox()
            .iter()
            .map(|p| outbox_entry(person, p, enc)),
    );
    batch.extend(
        replica
            .refused()
            .iter()
            .map(|r| refused_entry(person, r, enc)),
    );
    batch.push(meta(replica, last_complete_ms, enc));
    batch
}

/// A refused edit the person has dealt with.
pub fn dismissed(person: PersonId, seq: u64) -> Vec<Write> {
    vec![Write::Delete(refused_key(person, seq))]
}

/// Drops a copy with nothing waiting (to free space): its records and its `m.` entry.
pub fn drop_copy(person: PersonId) -> Vec<Write> {
    vec![
        Write::DeletePrefix(records_prefix(person)),
        Write::Delete(meta_key(person)),
    ]
}

/// After what the user may see has changed: the records of the copy go, and the copy starts
/// again from nothing (the next pull fills it in afresh), keeping its device id and edit
/// numbers; waiting and refused edits stay. A copy whose `m.` entry could not be read (`None`)
/// loses that entry too.
pub fn under_new_access(person: PersonId, meta: Option<Meta>, enc: &impl Encode) -> Vec<Write> {
    let mut batch = vec![Write::DeletePrefix(records_prefix(person))];
    match meta {
        Some(mut meta) => {
            meta.cursor = 0;
            meta.topics = BTreeSet::new();
            meta.last_complete_ms = None;
            batch.push(Write::Put(meta_key(person), enc.encode(&meta)));
        }
        None => batch.push(Write::Delete(meta_key(person))),
    }
    batch
}

fn outbox_entry(person: PersonId, pending: &Pending, enc: &impl Encode) -> Write {
    Write::Put(
        outbox_key(person, pending.mutation.seq),
        enc.encode(pending),
    )
}

fn refused_entry(person: PersonId, refused: &Refused, enc: &impl Encode) -> Write {
    Write::Put(
        refused_key(person, refused.mutation.seq),
        enc.encode(refused),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use uuid::Uuid;

    use super::*;
    use crate::records::authority::Ack;
    use crate::records::kinds::{GOALS, STEPS};
    use crate::records::pull::PullResponse;
    use crate::records::{Catalog, Outcome, Record, RecordOp, RecordSet, Stamp, Value};

    struct Json;

    impl Encode for Json {
        fn encode<T: Serialize>(&self, value: &T) -> String {
            serde_json::to_string(value).expect("json")
        }
    }

    const PERSON: PersonId = PersonId(Uuid::from_u128(0xd0e));

    fn all() -> BTreeSet<Topic> {
        Topic::ALL.into_iter().collect()
    }

    fn goal(n: u128, version: u64) -> Record {
        Record {
            kind: GOALS.into(),
            id: Uuid::from_u128(n),
            parent: None,
            topic: Topic::GoalsAndProgress,
            version,
            deleted: false,
            fields: BTreeMap::from([
                ("wording".into(), Value::Text(format!("Goal number {n}"))),
                ("status".into(), Value::Choice("achieved".into())),
            ]),
            stamps: BTreeMap::new(),
            created: Stamp::default(),
        }
    }

    /// A copy holding `n` goals at version `n`.
    fn copy_with(n: u128) -> Replica {
        let records: RecordSet = (1..=n).map(|i| goal(i, i as u64)).collect();
        Replica::new(
            PERSON,
            ClientId(Uuid::from_u128(7)),
            records,
            n as u64,
            all(),
        )
    }

    fn add_step(goal: u128, step: u128) -> RecordOp {
        RecordOp::Create {
            kind: STEPS.into(),
            id: Uuid::from_u128(step),
            parent: Some(Uuid::from_u128(goal)),
            topic: None,
            fields: BTreeMap::from([("text".into(), Value::Text("Ring the bell".into()))]),
        }
    }

    /// Records `op` on `replica`; the writes the browser makes for it.
    fn edit(replica: &mut Replica, op: RecordOp) -> Vec<Write> {
        let from = replica.next_seq();
        replica
            .edit(vec![op], &Catalog::standard(), &Stamp::default())
            .expect("allowed");
        edit_changes(replica, from, None, &Json)
    }

    fn keys(batch: &[Write]) -> Vec<String> {
        batch
            .iter()
            .map(|w| match w {
                Write::Put(k, _) => format!("put {k}"),
                Write::Delete(k) => format!("delete {k}"),
                Write::DeletePrefix(k) => format!("delete {k}*"),
            })
            .collect()
    }

    #[test]
    fn an_edit_writes_only_its_outbox_entry_and_the_meta() {
        let mut replica = copy_with(3);
        let batch = edit(&mut replica, add_step(1, 100));
        assert_eq!(
            keys(&batch),
            [
                format!("put o.{PERSON}.00000000000000000001"),
                format!("put m.{PERSON}"),
            ]
        );
        let Write::Put(_, meta) = &batch[1] else {
            panic!("a put");
        };
        let meta: Meta = serde_json::from_str(meta).expect("meta");
        assert_eq!(meta.next_seq, 2);
        assert_eq!(meta.cursor, 3);
        // The next edit writes its own entry only, not the first one again.
        let batch = edit(&mut replica, add_step(2, 101));
        assert_eq!(
            keys(&batch)[0],
            format!("put o.{PERSON}.00000000000000000002")
        );
        assert_eq!(batch.len(), 2);
    }

    #[test]
    fn what_an_edit_writes_does_not_grow_with_the_records_held() {
        let (mut small, mut large) = (copy_with(2), copy_with(2_000));
        // Both copies at the same cursor, so that their `m.` entries are alike.
        let at = large.cursor();
        small.on_pull(&PullResponse {
            since: small.cursor(),
            through: at,
            version: at,
            ..PullResponse::default()
        });
        let small = edit(&mut small, add_step(1, 100));
        let large = edit(&mut large, add_step(1, 100));
        assert_eq!(bytes(&small), bytes(&large));
        assert!(bytes(&large) < 1_024, "{} bytes", bytes(&large));
    }

    #[test]
    fn an_answered_edit_stays_waiting_until_a_pull_brings_the_copy_past_it() {
        let mut replica = copy_with(3);
        edit(&mut replica, add_step(1, 100));
        let before = replica.clone();
        replica.on_acks(&[Ack {
            seq: 1,
            outcome: Outcome::Applied,
            version: Some(4),
        }]);
        // Answered: its entry is written again, now saying at which version it landed.
        let batch = queue_changes(&before, &replica, &Json);
        assert_eq!(
            keys(&batch),
            [format!("put o.{PERSON}.00000000000000000001")]
        );
        let Write::Put(_, pending) = &batch[0] else {
            panic!("a put");
        };
        assert!(pending.contains(r#""acked":4"#), "{pending}");

        let before = replica.clone();
        let mut step = goal(100, 4);
        step.kind = STEPS.into();
        step.parent = Some(Uuid::from_u128(1));
        let pulled = replica.on_pull(&PullResponse {
            since: 3,
            through: 4,
            version: 4,
            records: vec![step],
            ..PullResponse::default()
        });
        let mut batch = records_changes(&replica, &pulled, &Json);
        batch.extend(queue_changes(&before, &replica, &Json));
        assert_eq!(
            keys(&batch),
            [
                format!("put r.{PERSON}.step.{}", Uuid::from_u128(100)),
                format!("delete o.{PERSON}.00000000000000000001"),
            ]
        );
    }

    #[test]
    fn a_refused_edit_leaves_the_outbox_for_the_refused_entries() {
        let mut replica = copy_with(3);
        edit(&mut replica, add_step(1, 100));
        let before = replica.clone();
        replica.on_acks(&[Ack {
            seq: 1,
            outcome: Outcome::Rejected {
                reason: "Not shared with you.".into(),
            },
            version: None,
        }]);
        assert_eq!(
            keys(&queue_changes(&before, &replica, &Json)),
            [
                format!("delete o.{PERSON}.00000000000000000001"),
                format!("put x.{PERSON}.00000000000000000001"),
            ]
        );
        assert_eq!(
            keys(&dismissed(PERSON, 1)),
            [format!("delete x.{PERSON}.00000000000000000001")]
        );
    }

    #[test]
    fn a_pull_deletes_the_records_the_reader_may_no_longer_read() {
        let mut replica = copy_with(3);
        let gone = goal(2, 4).key();
        let pulled = replica.on_pull(&PullResponse {
            since: 3,
            through: 4,
            version: 4,
            gone: vec![gone.id],
            ..PullResponse::default()
        });
        assert_eq!(
            keys(&records_changes(&replica, &pulled, &Json)),
            [format!("delete {}", record_key(PERSON, &gone))]
        );
    }

    #[test]
    fn a_whole_copy_replaces_everything_held_of_the_person_and_ends_with_the_meta() {
        let mut replica = copy_with(2);
        edit(&mut replica, add_step(1, 100));
        let batch = keys(&whole_copy(&replica, Some(5.0), &Json));
        assert_eq!(
            batch,
            [
                format!("delete r.{PERSON}.*"),
                format!("delete o.{PERSON}.*"),
                format!("delete x.{PERSON}.*"),
                format!("put r.{PERSON}.goal.{}", Uuid::from_u128(1)),
                format!("put r.{PERSON}.goal.{}", Uuid::from_u128(2)),
                format!("put o.{PERSON}.00000000000000000001"),
                format!("put m.{PERSON}"),
            ]
        );
    }

    #[test]
    fn waiting_edits_sort_in_the_order_they_were_made() {
        let keys: Vec<String> = [9, 10, 100, 1_000_000]
            .map(|s| outbox_key(PERSON, s))
            .into();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(outbox_key(PERSON, 1).starts_with(&outbox_prefix(PERSON)));
        assert!(outbox_prefix(PERSON).starts_with(OUTBOX));
    }

    #[test]
    fn one_persons_prefixes_never_take_in_another_persons_entries() {
        let other = PersonId(Uuid::from_u128(0xd0e0));
        for (prefix, key) in [
            (records_prefix(PERSON), record_key(other, &goal(1, 1).key())),
            (outbox_prefix(PERSON), outbox_key(other, 1)),
            (refused_prefix(PERSON), refused_key(other, 1)),
        ] {
            assert!(!key.starts_with(&prefix), "{key} under {prefix}");
        }
    }

    #[test]
    fn new_access_drops_the_records_and_starts_the_copy_again_keeping_its_numbers() {
        let mut replica = copy_with(2);
        edit(&mut replica, add_step(1, 100));
        let held = Meta::of(&replica, Some(9.0));
        let batch = under_new_access(PERSON, Some(held.clone()), &Json);
        assert_eq!(batch[0], Write::DeletePrefix(records_prefix(PERSON)));
        let Write::Put(key, meta) = &batch[1] else {
            panic!("a put");
        };
        assert_eq!(key, &meta_key(PERSON));
        let meta: Meta = serde_json::from_str(meta).expect("meta");
        assert_eq!(
            meta,
            Meta {
                cursor: 0,
                topics: BTreeSet::new(),
                last_complete_ms: None,
                ..held
            }
        );
        assert_eq!(
            under_new_access(PERSON, None, &Json),
            vec![
                Write::DeletePrefix(records_prefix(PERSON)),
                Write::Delete(meta_key(PERSON)),
            ]
        );
        assert_eq!(person_of_meta(&meta_key(PERSON)), Some(PERSON));
        assert_eq!(person_of_meta("m.not-a-person"), None);
    }

    #[test]
    fn a_meta_entry_written_before_complete_syncs_were_noted_still_reads() {
        let raw = format!(
            r#"{{"client":"{}","next_seq":4,"cursor":2,"topics":[]}}"#,
            Uuid::from_u128(7)
        );
        let meta: Meta = serde_json::from_str(&raw).expect("meta");
        assert_eq!(meta.last_complete_ms, None);
        assert_eq!(meta.next_seq, 4);
    }
}
