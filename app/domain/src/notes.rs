//! Meeting notes: long text written together, often at the same moment (during a video review).
//!
//! Unlike a goal's wording, notes are merged character by character: each note is a Yjs text
//! document (the maintained `yrs` crate), every edit is a Yjs update, and two people typing at
//! once both keep their words. The plan stores each document's state; devices send updates.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeetingId(pub Uuid);

pub const MEETING_TITLE_MAX: usize = 200;
/// Notes longer than this are refused (about 60 pages of text).
pub const NOTES_MAX_CHARS: usize = 200_000;

const TEXT: &str = "notes";
/// The id the server-side merge document uses. It only applies updates and never writes, so it
/// needs no id of its own; devices get theirs from [`device_doc_id`], which is never 0.
const MERGE_ONLY: u64 = 0;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub title: String,
    /// The notes as a Yjs document state (an update from the empty document).
    #[serde(with = "base64_bytes")]
    pub notes: Vec<u8>,
}

/// Why an update could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotesError {
    #[error("This change to the notes could not be read.")]
    Unreadable,
    #[error("The notes are too long: at most {NOTES_MAX_CHARS} characters.")]
    TooLong,
}

impl Meeting {
    pub fn new(id: MeetingId, title: String) -> Self {
        Self {
            id,
            title,
            notes: Vec::new(),
        }
    }

    /// The notes as text.
    pub fn text(&self) -> String {
        match load(&self.notes, MERGE_ONLY) {
            Ok(doc) => read(&doc),
            Err(_) => String::new(),
        }
    }

    /// Merges `update` into the notes. Returns whether anything changed (a replayed update
    /// changes nothing).
    pub fn merge(&mut self, update: &[u8]) -> Result<bool, NotesError> {
        let doc = load(&self.notes, MERGE_ONLY)?;
        apply(&doc, update)?;
        if read(&doc).chars().count() > NOTES_MAX_CHARS {
            return Err(NotesError::TooLong);
        }
        let state = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        let changed = state != self.notes;
        self.notes = state;
        Ok(changed)
    }

    /// The update that turns these notes into `wanted`, written as document id `doc_id`, or
    /// `None` when they already say that. Only the changed span is replaced, so that text others
    /// typed elsewhere at the same moment survives the merge.
    pub fn edit_to(&self, doc_id: u64, wanted: &str) -> Option<Vec<u8>> {
        let doc = load(&self.notes, doc_id).ok()?;
        let text = doc.get_or_insert_text(TEXT);
        let current = read(&doc);
        if current == wanted {
            return None;
        }
        let (start, old_end, new_end) = changed_span(&current, wanted);
        let mut txn = doc.transact_mut();
        if old_end > start {
            text.remove_range(&mut txn, to_u32(start), to_u32(old_end - start));
        }
        if new_end > start {
            text.insert(&mut txn, to_u32(start), &wanted[start..new_end]);
        }
        Some(txn.encode_update_v1())
    }
}

/// The Yjs document id a device writes notes with: from its client id, never 0, and within the
/// 53 bits Yjs allows.
pub fn device_doc_id(client: Uuid) -> u64 {
    let bytes = client.as_bytes();
    let mut id = [0u8; 8];
    id[..7].copy_from_slice(&bytes[9..16]);
    (u64::from_le_bytes(id) & ((1 << 53) - 1)).max(1)
}

fn load(state: &[u8], doc_id: u64) -> Result<Doc, NotesError> {
    let doc = Doc::with_client_id(doc_id);
    doc.get_or_insert_text(TEXT);
    if !state.is_empty() {
        apply(&doc, state)?;
    }
    Ok(doc)
}

fn apply(doc: &Doc, update: &[u8]) -> Result<(), NotesError> {
    let update = Update::decode_v1(update).map_err(|_| NotesError::Unreadable)?;
    doc.transact_mut()
        .apply_update(update)
        .map_err(|_| NotesError::Unreadable)
}

fn read(doc: &Doc) -> String {
    let text = doc.get_or_insert_text(TEXT);
    text.get_string(&doc.transact())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte range that differs between `old` and `new`, on character boundaries:
/// (start, end in old, end in new).
fn changed_span(old: &str, new: &str) -> (usize, usize, usize) {
    let start = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let start = floor_boundary(new, start);
    let common_suffix = old[start..]
        .chars()
        .rev()
        .zip(new[start..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    (start, old.len() - common_suffix, new.len() - common_suffix)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Bytes as base64 text in JSON: a quarter of the size of a list of numbers.
pub(crate) mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting() -> Meeting {
        Meeting::new(MeetingId(Uuid::from_u128(1)), "Review".into())
    }

    #[test]
    fn two_people_typing_at_once_both_keep_their_words() {
        let mut server = meeting();
        let first = server
            .edit_to(7, "Dan wants to go to the gig.")
            .expect("edit");
        server.merge(&first).expect("merge");
        // Both start from the same notes and type in different places at the same time.
        let advocate = server
            .edit_to(11, "Dan wants to go to the gig on Friday.")
            .expect("edit");
        let staff = server
            .edit_to(12, "Agreed: Dan wants to go to the gig.")
            .expect("edit");
        let mut other_order = server.clone();
        server.merge(&advocate).expect("merge");
        server.merge(&staff).expect("merge");
        other_order.merge(&staff).expect("merge");
        other_order.merge(&advocate).expect("merge");
        assert_eq!(
            server.text(),
            "Agreed: Dan wants to go to the gig on Friday."
        );
        assert_eq!(other_order.text(), server.text());
    }

    #[test]
    fn a_replayed_update_changes_nothing() {
        let mut m = meeting();
        let update = m.edit_to(7, "Tea at 3").expect("edit");
        assert!(m.merge(&update).expect("merge"));
        assert!(!m.merge(&update).expect("merge"));
        assert_eq!(m.text(), "Tea at 3");
    }

    #[test]
    fn an_unreadable_update_is_refused_and_changes_nothing() {
        let mut m = meeting();
        let update = m.edit_to(7, "Tea at 3").expect("edit");
        m.merge(&update).expect("merge");
        assert_eq!(m.merge(&[0xff, 0x01, 0x02]), Err(NotesError::Unreadable));
        assert_eq!(m.text(), "Tea at 3");
    }

    #[test]
    fn edits_work_on_characters_beyond_ascii() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Priya’s café — 10:00").expect("edit"))
            .expect("merge");
        m.merge(&m.edit_to(7, "Priya’s new café — 10:30 ✓").expect("edit"))
            .expect("merge");
        assert_eq!(m.text(), "Priya’s new café — 10:30 ✓");
        assert_eq!(m.edit_to(7, "Priya’s new café — 10:30 ✓"), None);
    }

    #[test]
    fn notes_survive_a_round_trip_through_json() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Walk by the river").expect("edit"))
            .expect("merge");
        let json = serde_json::to_string(&m).expect("json");
        let back: Meeting = serde_json::from_str(&json).expect("parse");
        assert_eq!(back.text(), "Walk by the river");
    }

    #[test]
    fn a_devices_document_id_is_never_zero_and_fits_in_53_bits() {
        for n in [
            0u128,
            1,
            u128::MAX,
            0x0193_0000_0000_7000_8000_0000_0000_0b01,
        ] {
            let id = device_doc_id(Uuid::from_u128(n));
            assert!((1..(1 << 53)).contains(&id), "{id}");
        }
    }
}
