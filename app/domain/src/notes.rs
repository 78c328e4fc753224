//! Meeting notes: long text written together, often at the same moment (during a video review).
//!
//! Unlike a goal's wording, notes are merged character by character: each note is a Yjs text
//! document (the maintained `yrs` crate), every edit is a Yjs update, and two people typing at
//! once both keep their words. The plan stores each document's state; devices send updates.
//!
//! # Updates are checked before they are merged
//!
//! An update comes from a device, so it is read as if it were hostile. [`Meeting::merge`]:
//!
//! 1. refuses anything longer than [`NOTES_UPDATE_MAX_BYTES`];
//! 2. reads the update itself first (`scan`), in plain Rust that allocates only as much as the
//!    update really holds, and refuses anything that isn't the shape a device typing produces:
//!    pieces of text in the notes, and deletions. (Not deleted pieces, gaps in a writer's clocks
//!    or other kinds of content: yrs mishandles some of them, see `scan`.) The Yjs decoder trusts the lengths written in its input: a five-byte update can
//!    make it reserve 22 GB (and write 512 MB of it), a deletion or a run of text whose clock
//!    goes past the largest number it can count to, or a writer id beyond 53 bits, makes it
//!    panic in debug builds, and values nested inside each other overflow its stack. None of
//!    those reach it;
//! 3. refuses deletions of text the notes don't hold: everything a change deletes must already
//!    be in the notes or be written by the change itself. Yjs otherwise keeps such a deletion
//!    aside and applies it when the text arrives, so that one crafted update could erase a
//!    person's notes before they typed them;
//! 4. refuses a change that builds on one the notes haven't received (text whose clocks don't
//!    carry on from the writer's last, or placed next to text the notes don't hold), which Yjs
//!    would otherwise keep aside, out of sight, until it came;
//! 5. refuses text placed between two neighbours the wrong way round (the character it says it
//!    follows comes after the one it says it precedes): yrs puts it in one place when merging
//!    and in another when the notes are read back, devices then disagree about the notes, and
//!    text typed next to it later moves with it. Where yrs can't show where a neighbour lies
//!    (deleted characters), the merged notes must at least read back as merged.
//!
//! A refused update changes nothing.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yrs::types::text::YChange;
use yrs::updates::decoder::Decode;
use yrs::{
    Any, ClientID, Doc, GetString, Out, ReadTxn, Snapshot, StateVector, Text, Transact, Update,
    WriteTxn,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeetingId(pub Uuid);

pub const MEETING_TITLE_MAX: usize = 200;
/// Notes longer than this are refused (about 60 pages of text).
pub const NOTES_MAX_CHARS: usize = 200_000;
/// The largest update [`Meeting::merge`] accepts, in bytes: 1 MiB.
///
/// The largest change a person can make is to paste the whole notes at once:
/// [`NOTES_MAX_CHARS`] characters of at most 4 bytes each is 800,000 bytes, plus a few bytes for
/// who wrote it and where. 1 MiB leaves a quarter as much again for that, so even the whole
/// state of the longest notes, written in a few thousand pieces (and with nothing deleted: a
/// device never sends deleted pieces), still merges as one update, while anything larger is
/// refused before it is read. Sent as base64 in JSON it is about 1.4 MB.
pub const NOTES_UPDATE_MAX_BYTES: usize = 1 << 20;

const TEXT: &str = "notes";
/// The id the server-side merge document uses. It only applies updates and never writes, so it
/// needs no id of its own; devices get theirs from [`device_doc_id`], which is never 0.
const MERGE_ONLY: u64 = 0;
/// Yjs writer ids fit in 53 bits (so that JavaScript can hold them); `yrs` asserts it.
const CLIENT_ID_BITS: u32 = 53;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub title: String,
    /// The notes as a Yjs document state (an update from the empty document).
    #[serde(with = "base64_bytes")]
    pub notes: Vec<u8>,
}

/// Why an update could not be merged. The message is written for the person whose change it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotesError {
    /// Not a Yjs update, or not one that writes plain text into the notes.
    #[error("This change to the notes could not be read.")]
    Unreadable,
    #[error("The notes are too long: at most {NOTES_MAX_CHARS} characters.")]
    TooLong,
    /// Longer than [`NOTES_UPDATE_MAX_BYTES`].
    #[error("This change to the notes is too large. Try pasting less at once.")]
    TooLarge,
    /// It deletes text that neither the notes nor the change itself hold.
    #[error("This change to the notes refers to text that isn't there.")]
    DeletesMissingText,
    /// It builds on an earlier change the notes haven't received.
    #[error("This change to the notes builds on an earlier change that hasn't arrived yet.")]
    MissingEarlierChange,
    /// It places text between neighbours that aren't in that order, so that the notes would
    /// read differently on different devices.
    #[error("This change to the notes doesn't fit the notes as they are.")]
    Inconsistent,
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
    /// changes nothing). An update is refused, and changes nothing, when it is larger than
    /// [`NOTES_UPDATE_MAX_BYTES`], isn't plain text written into the notes, deletes text the
    /// notes don't hold, builds on a change the notes haven't received, places text where the
    /// notes read back differently, or would make the notes longer than [`NOTES_MAX_CHARS`].
    /// See the module documentation for why.
    pub fn merge(&mut self, update: &[u8]) -> Result<bool, NotesError> {
        if update.len() > NOTES_UPDATE_MAX_BYTES {
            return Err(NotesError::TooLarge);
        }
        let scanned = scan(update)?;
        let doc = load(&self.notes, MERGE_ONLY)?;
        let known = doc.transact().state_vector();
        if !scanned.continues(&known) {
            return Err(NotesError::MissingEarlierChange);
        }
        if !scanned.deletes_only_known_text(&known) {
            return Err(NotesError::DeletesMissingText);
        }
        // The scan has vouched for the bytes: every length in them is backed by what follows,
        // so decoding allocates in proportion to the update, and nothing in them can panic.
        // The text is applied first and the deletions after, so that where the text landed can
        // be checked while all of it can still be seen.
        let (writes, deletes) = update.split_at(scanned.deletes_at);
        apply(&doc, &[writes, &[0]].concat())?;
        if doc.transact().has_missing_updates() {
            return Err(NotesError::MissingEarlierChange);
        }
        // Text placed between two neighbours the wrong way round (its left neighbour after its
        // right one) is put in one place by the merge and in another when the notes are read
        // back, so devices and the server would disagree from then on, and text typed next to
        // it later moves with it.
        if !placed_between_its_neighbours(&doc, &scanned.pieces) {
            return Err(NotesError::Inconsistent);
        }
        apply(&doc, &[&[0], deletes].concat())?;
        if doc.transact().has_missing_updates() {
            return Err(NotesError::MissingEarlierChange);
        }
        let text = read(&doc);
        if text.chars().count() > NOTES_MAX_CHARS {
            return Err(NotesError::TooLong);
        }
        let state = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        // The same, for what the check above can't see: the notes must read back as merged.
        if read(&load(&state, MERGE_ONLY)?) != text {
            return Err(NotesError::Inconsistent);
        }
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

/// Long shared text as what it says, from its Yjs document state ("" for an unreadable state).
pub fn shared_text(state: &[u8]) -> String {
    match load(state, MERGE_ONLY) {
        Ok(doc) => read(&doc),
        Err(_) => String::new(),
    }
}

/// Merges `update` into the shared text held as `state`, with every check of
/// [`Meeting::merge`]; whether anything changed. A refused update changes nothing.
pub fn merge_shared(state: &mut Vec<u8>, update: &[u8]) -> Result<bool, NotesError> {
    let mut notes = Meeting {
        id: MeetingId(Uuid::nil()),
        title: String::new(),
        notes: std::mem::take(state),
    };
    let merged = notes.merge(update);
    *state = notes.notes;
    merged
}

/// The engine's text merger, over yrs (see [`crate::records::shared`]).
pub const MERGER: crate::records::shared::TextMerger = crate::records::shared::TextMerger {
    merge: merge_shared,
    text: shared_text,
    edit: edit_shared,
};

/// The update that turns the shared text held as `state` into `wanted`, written as document
/// `doc_id` (see [`Meeting::edit_to`]).
pub fn edit_shared(state: &[u8], doc_id: u64, wanted: &str) -> Option<Vec<u8>> {
    let notes = Meeting {
        id: MeetingId(Uuid::nil()),
        title: String::new(),
        notes: state.to_vec(),
    };
    notes.edit_to(doc_id, wanted)
}

/// The Yjs document id a device writes notes with: from its client id, never 0, and within the
/// 53 bits Yjs allows.
pub fn device_doc_id(client: Uuid) -> u64 {
    let bytes = client.as_bytes();
    let mut id = [0u8; 8];
    id[..7].copy_from_slice(&bytes[9..16]);
    (u64::from_le_bytes(id) & ((1 << 53) - 1)).max(1)
}

/// The notes' document from its stored state, which this module wrote itself.
///
/// Notes stored before updates were checked may still hold a change kept aside for text that
/// never arrived (the deletion that erases notes in advance); it is dropped here, so that it
/// never applies and the next merge stores the notes without it.
fn load(state: &[u8], doc_id: u64) -> Result<Doc, NotesError> {
    // A fixed document guid: the notes are held as updates, which never carry it. (yrs would
    // otherwise draw a random one for every document made, which in a browser is a call to
    // the JavaScript random source on every merge.)
    let options =
        yrs::Options::with_guid_and_client_id("circle-notes".into(), ClientID::new(doc_id));
    let doc = Doc::with_options(options);
    doc.get_or_insert_text(TEXT);
    if !state.is_empty() {
        apply(&doc, state)?;
        let mut txn = doc.transact_mut();
        if txn.has_missing_updates() {
            txn.prune_pending();
        }
    }
    Ok(doc)
}

/// Decodes and applies an update that is either the stored state or has passed [`scan`].
fn apply(doc: &Doc, update: &[u8]) -> Result<(), NotesError> {
    let update = Update::decode_v1(update).map_err(|_| NotesError::Unreadable)?;
    doc.transact_mut()
        .apply_update(update)
        .map_err(|_| NotesError::Unreadable)
}

/// The document ids (writers) whose text `update` brings. A device writes only under its own
/// id ([`device_doc_id`]): an update bringing text under another's would let one device pass
/// its words off as another's, or spend another device's clocks.
pub fn writers(update: &[u8]) -> Result<Vec<u64>, NotesError> {
    if update.len() > NOTES_UPDATE_MAX_BYTES {
        return Err(NotesError::TooLarge);
    }
    Ok(scan(update)?
        .written
        .into_iter()
        .map(|(client, _)| client)
        .collect())
}

/// What an update writes and deletes, as ranges of clocks per writer.
#[derive(Debug, Default, PartialEq, Eq)]
struct Scanned {
    /// For each writer, in order of writer id, the clocks of what the update brings: one
    /// unbroken range, as the update may not skip any.
    written: Vec<(u64, Range<u32>)>,
    /// The clocks the update deletes.
    deleted: Vec<(u64, Range<u32>)>,
    /// Each piece of text the update writes, with the neighbours it was typed between.
    pieces: Vec<Placed>,
    /// Where the delete set starts in the update's bytes.
    deletes_at: usize,
}

/// A piece of text and the positions (writer id and clock) it was typed between: the character
/// just before it (its origin) and the one just after (its right origin), when there were any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placed {
    first: (u64, u32),
    last: (u64, u32),
    origin: Option<(u64, u32)>,
    right_origin: Option<(u64, u32)>,
}

impl Scanned {
    /// Whether everything the update writes carries on from what `known` (the notes' state
    /// vector) holds, with no clock missing in between.
    fn continues(&self, known: &StateVector) -> bool {
        self.written
            .iter()
            .all(|(client, range)| range.start <= known.get(&ClientID::new(*client)))
    }

    /// Whether every deletion falls on text that `known` (the notes' state vector) already
    /// holds, or that this update writes. Given [`Scanned::continues`], each writer's text is
    /// then everything below the larger of the two ends.
    fn deletes_only_known_text(&self, known: &StateVector) -> bool {
        self.deleted.iter().all(|(client, range)| {
            let held = known.get(&ClientID::new(*client));
            let writes = self
                .written
                .binary_search_by_key(client, |(c, _)| *c)
                .ok()
                .and_then(|i| self.written.get(i))
                .map_or(0, |(_, r)| r.end);
            range.end <= held.max(writes)
        })
    }
}

/// Whether each piece of text, just applied and not yet deleted, lies after the character it
/// was typed after and before the one it was typed before, wherever those can be seen. (Deleted
/// characters can't be: yrs doesn't show where they lie.)
fn placed_between_its_neighbours(doc: &Doc, pieces: &[Placed]) -> bool {
    if pieces.is_empty() {
        return true;
    }
    // Every visible piece of the notes, in order: its writer and first clock, its length and
    // where it starts (in UTF-16 code units, as clocks count).
    let mut order: Vec<(u64, u32, u32, u32)> = Vec::new();
    {
        let text = doc.get_or_insert_text(TEXT);
        let mut txn = doc.transact_mut();
        let now = txn.snapshot();
        let mut at = 0u32;
        for chunk in text.diff_range(
            &mut txn,
            Some(&now),
            Some(&Snapshot::default()),
            YChange::identity,
        ) {
            let len = match &chunk.insert {
                Out::Any(Any::String(s)) => to_u32(s.encode_utf16().count()),
                _ => 0,
            };
            if let Some(change) = chunk.ychange {
                order.push((change.id.client.get(), change.id.clock, len, at));
            }
            at = at.saturating_add(len);
        }
    }
    order.sort_unstable();
    let position = |(client, clock): (u64, u32)| -> Option<u32> {
        let i = order
            .partition_point(|&(c, k, _, _)| (c, k) <= (client, clock))
            .checked_sub(1)?;
        let &(c, k, len, at) = order.get(i)?;
        (c == client && clock - k < len).then(|| at.saturating_add(clock - k))
    };
    pieces.iter().all(|p| {
        let origin = p.origin.and_then(position);
        let right_origin = p.right_origin.and_then(position);
        // The pieces were just written and not yet deleted, so they can be seen.
        let (Some(first), Some(last)) = (position(p.first), position(p.last)) else {
            return false;
        };
        origin.is_none_or(|o| o < first) && right_origin.is_none_or(|r| last < r)
    })
}

/// Reads a Yjs (v1) update without trusting it, and returns what it writes and deletes, or
/// [`NotesError::Unreadable`] when it isn't the shape a device writing text produces.
///
/// Only what `yrs` encodes for the notes' text is accepted: runs of text (or of deleted text,
/// or already collected deletions) in the notes' root text, placed by their neighbours; no
/// other content, no nested types, no map entries, no gaps in a writer's clocks. Every count
/// and length is checked against the bytes that remain before anything is done with it, clocks
/// must not overflow, writer ids must fit in 53 bits, each writer appears once, and nothing may
/// follow the delete set. Those rules are stricter than `yrs`'s decoder, so that anything
/// accepted here means the same to it. Allocation is proportional to the input: nothing is
/// reserved from a length read off it.
fn scan(update: &[u8]) -> Result<Scanned, NotesError> {
    const GC: u8 = 0;
    const STRING: u8 = 4;
    const SKIP: u8 = 10;
    const HAS_ORIGIN: u8 = 0b1000_0000;
    const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
    const HAS_PARENT_SUB: u8 = 0b0010_0000;
    const CONTENT: u8 = 0b0001_1111;
    const NAMED_PARENT: u32 = 1;

    let mut r = Reader {
        bytes: update,
        at: 0,
    };
    let mut scanned = Scanned::default();
    for _ in 0..r.count()? {
        let blocks = r.count()?;
        let client = r.client()?;
        let mut clock = r.u32()?;
        if blocks == 0 {
            return Err(NotesError::Unreadable);
        }
        let first = clock;
        for _ in 0..blocks {
            let info = r.byte()?;
            let len = match info {
                // Deletions already collected, and (below) deleted text: a device sends only the
                // text it types, and a deleted piece placed between neighbours the wrong way
                // round can't be seen to be misplaced, yet it moves when the notes are read back
                // and drags the text typed next to it along.
                GC => return Err(NotesError::Unreadable),
                // A gap in a writer's clocks. Devices never send one (it only appears when Yjs
                // merges updates with changes kept aside), and yrs 0.28.1 mishandles it: text
                // after the gap is placed in clocks the writer hasn't sent yet, and garbles the
                // words it sends for them later.
                SKIP => return Err(NotesError::Unreadable),
                _ => {
                    if info & HAS_PARENT_SUB != 0 {
                        return Err(NotesError::Unreadable);
                    }
                    let origin = if info & HAS_ORIGIN != 0 {
                        Some(r.id()?)
                    } else {
                        None
                    };
                    let right_origin = if info & HAS_RIGHT_ORIGIN != 0 {
                        Some(r.id()?)
                    } else {
                        None
                    };
                    if origin.is_none()
                        && right_origin.is_none()
                        && (r.u32()? != NAMED_PARENT || r.string()? != TEXT)
                    {
                        return Err(NotesError::Unreadable);
                    }
                    let len = match info & CONTENT {
                        // An item's length is counted in UTF-16 code units.
                        STRING => u32::try_from(r.string()?.encode_utf16().count())
                            .map_err(|_| NotesError::Unreadable)?,
                        _ => return Err(NotesError::Unreadable),
                    };
                    if len > 0 {
                        scanned.pieces.push(Placed {
                            first: (client, clock),
                            last: (client, clock.saturating_add(len - 1)),
                            origin,
                            right_origin,
                        });
                    }
                    len
                }
            };
            let end = clock.checked_add(len).ok_or(NotesError::Unreadable)?;
            if len == 0 {
                return Err(NotesError::Unreadable);
            }
            clock = end;
        }
        scanned.written.push((client, first..clock));
    }
    scanned.deletes_at = r.at;
    for _ in 0..r.count()? {
        let client = r.client()?;
        let ranges = r.count()?;
        if ranges == 0 {
            return Err(NotesError::Unreadable);
        }
        for _ in 0..ranges {
            let start = r.u32()?;
            let len = r.u32()?;
            let end = start.checked_add(len).ok_or(NotesError::Unreadable)?;
            if len == 0 {
                return Err(NotesError::Unreadable);
            }
            scanned.deleted.push((client, start..end));
        }
    }
    if r.at != update.len() {
        return Err(NotesError::Unreadable);
    }
    scanned.written.sort_unstable_by_key(|(client, _)| *client);
    if scanned.written.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(NotesError::Unreadable);
    }
    Ok(scanned)
}

/// A cursor over untrusted bytes in lib0's encoding; every read fails rather than panics.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, NotesError> {
        let b = *self.bytes.get(self.at).ok_or(NotesError::Unreadable)?;
        self.at += 1;
        Ok(b)
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// An unsigned variable-length integer of at most `max_bytes` bytes (7 bits each) and at
    /// most `bits` bits.
    fn var(&mut self, max_bytes: u32, bits: u32) -> Result<u64, NotesError> {
        let mut value = 0u64;
        for i in 0..max_bytes {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return if value >> bits == 0 {
                    Ok(value)
                } else {
                    Err(NotesError::Unreadable)
                };
            }
        }
        Err(NotesError::Unreadable)
    }

    fn u32(&mut self) -> Result<u32, NotesError> {
        let value = self.var(5, 32)?;
        u32::try_from(value).map_err(|_| NotesError::Unreadable)
    }

    /// A writer id: within 53 bits, as Yjs requires (`yrs` asserts it).
    fn client(&mut self) -> Result<u64, NotesError> {
        self.var(8, CLIENT_ID_BITS)
    }

    /// A position in another writer's text (writer id and clock).
    fn id(&mut self) -> Result<(u64, u32), NotesError> {
        Ok((self.client()?, self.u32()?))
    }

    /// A count of entries that follow. Each takes at least one byte, so a count larger than the
    /// bytes left is a lie.
    fn count(&mut self) -> Result<usize, NotesError> {
        let n = usize::try_from(self.u32()?).map_err(|_| NotesError::Unreadable)?;
        if n > self.remaining() {
            return Err(NotesError::Unreadable);
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<&'a str, NotesError> {
        let len = self.count()?;
        let end = self.at + len;
        let bytes = self.bytes.get(self.at..end).ok_or(NotesError::Unreadable)?;
        self.at = end;
        std::str::from_utf8(bytes).map_err(|_| NotesError::Unreadable)
    }
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
    use yrs::encoding::write::Write;
    use yrs::updates::encoder::{Encode, Encoder, EncoderV1};
    use yrs::{ID, IdSet, Map};

    fn meeting() -> Meeting {
        Meeting::new(MeetingId(Uuid::from_u128(1)), "Review".into())
    }

    /// An update that writes nothing and deletes `len` clocks of writer `client` from `start`,
    /// built with yrs's own types.
    fn deletion(client: u64, start: u32, len: u32) -> Vec<u8> {
        let mut deletes = IdSet::new();
        deletes.insert(ID::new(ClientID::new(client), start), len);
        let mut encoder = EncoderV1::new();
        encoder.write_var(0u32); // no writers
        deletes.encode(&mut encoder);
        encoder.to_vec()
    }

    #[test]
    fn an_update_deleting_text_that_does_not_exist_yet_is_refused() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Tea at 3").expect("edit"))
            .expect("merge");
        let before = m.clone();
        // Device 7 has written 8 clocks; the attack deletes its first million, including all it
        // will ever type.
        assert_eq!(
            m.merge(&deletion(7, 0, 1_000_000)),
            Err(NotesError::DeletesMissingText)
        );
        assert_eq!(m, before);
        // Nor just the part still to come.
        assert_eq!(
            m.merge(&deletion(7, 8, 1_000_000)),
            Err(NotesError::DeletesMissingText)
        );
        assert_eq!(
            m.merge(&deletion(99, 0, 1)),
            Err(NotesError::DeletesMissingText)
        );
        assert_eq!(m, before);
        m.merge(&m.edit_to(7, "Tea at 3, Dan brings cake").expect("edit"))
            .expect("merge");
        assert_eq!(m.text(), "Tea at 3, Dan brings cake");
    }

    #[test]
    fn an_update_deleting_text_that_is_there_applies() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Tea at 3").expect("edit"))
            .expect("merge");
        assert_eq!(m.merge(&deletion(7, 0, 4)), Ok(true));
        assert_eq!(m.text(), "at 3");
        assert_eq!(m.merge(&deletion(7, 0, 4)), Ok(false));
    }

    #[test]
    fn a_change_deleting_text_it_writes_itself_applies() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Tea at 3").expect("edit"))
            .expect("merge");
        let doc = load(&m.notes, 8).expect("load");
        let text = doc.get_or_insert_text(TEXT);
        let update = {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 8, " sharp, or 4");
            text.remove_range(&mut txn, 14, 6);
            txn.encode_update_v1()
        };
        assert_eq!(m.merge(&update), Ok(true));
        assert_eq!(m.text(), "Tea at 3 sharp");
    }

    #[test]
    fn a_change_building_on_one_not_yet_received_is_refused_until_it_arrives() {
        let mut server = meeting();
        let first = server.edit_to(7, "Tea at 3").expect("edit");
        let mut device = server.clone();
        device.merge(&first).expect("merge");
        // Written after the first change, next to its words.
        let second = device.edit_to(7, "Tea at 3 sharp").expect("edit");
        let before = server.clone();
        assert_eq!(server.merge(&second), Err(NotesError::MissingEarlierChange));
        assert_eq!(server, before);
        server.merge(&first).expect("merge");
        server.merge(&second).expect("merge");
        assert_eq!(server.text(), "Tea at 3 sharp");
    }

    #[test]
    fn an_update_larger_than_the_bound_is_refused_unread() {
        let mut m = meeting();
        let before = m.clone();
        assert_eq!(
            m.merge(&vec![0; NOTES_UPDATE_MAX_BYTES + 1]),
            Err(NotesError::TooLarge)
        );
        assert_eq!(m, before);
    }

    #[test]
    fn the_longest_notes_merge_in_one_update_and_as_a_whole_state() {
        // The most bytes the longest notes can take: every character 4 bytes long.
        let longest = "😀".repeat(NOTES_MAX_CHARS);
        let mut m = meeting();
        let update = m.edit_to(7, &longest).expect("edit");
        assert!(update.len() <= NOTES_UPDATE_MAX_BYTES, "{}", update.len());
        assert_eq!(m.merge(&update), Ok(true));
        let mut copy = meeting();
        assert_eq!(copy.merge(&m.notes), Ok(true));
        assert_eq!(copy.text(), longest);
    }

    #[test]
    fn an_update_writing_anything_but_plain_text_is_refused() {
        let doc = Doc::with_client_id(7);
        let map = doc.get_or_insert_map("other");
        let update = {
            let mut txn = doc.transact_mut();
            map.insert(&mut txn, "key", "value");
            txn.encode_update_v1()
        };
        let mut m = meeting();
        assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
        let doc = Doc::with_client_id(7);
        let other = doc.get_or_insert_text("other");
        let update = {
            let mut txn = doc.transact_mut();
            other.insert(&mut txn, 0, "Tea at 3");
            txn.encode_update_v1()
        };
        assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
        assert_eq!(m, meeting());
    }

    #[test]
    fn notes_stored_with_a_deletion_kept_aside_drop_it() {
        // Notes merged before updates were checked: the attack was kept aside for device 7's
        // next words.
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Tea at 3").expect("edit"))
            .expect("merge");
        let doc = load(&m.notes, MERGE_ONLY).expect("load");
        let attack = Update::decode_v1(&deletion(7, 8, 1_000)).expect("decode");
        doc.transact_mut().apply_update(attack).expect("apply");
        assert!(doc.transact().has_missing_updates());
        m.notes = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        m.merge(&m.edit_to(7, "Tea at 3, Dan brings cake").expect("edit"))
            .expect("merge");
        assert_eq!(m.text(), "Tea at 3, Dan brings cake");
    }

    #[test]
    fn a_scan_reads_what_yrs_writes() {
        let mut m = meeting();
        m.merge(&m.edit_to(7, "Priya’s café").expect("edit"))
            .expect("merge");
        let update = m.edit_to(8, "Priya’s new café 😀").expect("edit");
        let scanned = scan(&update).expect("scan");
        // "café" is replaced by "new café 😀": 11 UTF-16 code units, the emoji counting two.
        assert_eq!(scanned.written, vec![(8, 0..11)]);
        assert_eq!(scanned.deleted, vec![(7, 8..12)]);
        assert_eq!(
            scanned.pieces,
            vec![Placed {
                first: (8, 0),
                last: (8, 10),
                // Typed after "café", which the same change deletes: a deleted neighbour.
                origin: Some((7, 11)),
                right_origin: None,
            }]
        );
        m.merge(&update).expect("merge");
        assert_eq!(m.text(), "Priya’s new café 😀");
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
