//! Meeting notes against hostile updates: bytes crafted to crash, exhaust or quietly corrupt the
//! merge, driven through the public surface. Every one must be refused or leave notes that read.

use domain::notes::{Meeting, MeetingId, NOTES_UPDATE_MAX_BYTES, NotesError};
use proptest::prelude::*;
use uuid::Uuid;
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, Transact, Update};

fn meeting() -> Meeting {
    Meeting::new(MeetingId(Uuid::from_u128(1)), "Review".into())
}

/// Notes two devices (ids 7 and 8) have written.
fn written() -> Meeting {
    let mut m = meeting();
    m.merge(&m.edit_to(7, "Dan wants to go to the gig.").expect("edit"))
        .expect("merge");
    m.merge(
        &m.edit_to(8, "Agreed: Dan wants to go to the gig on Friday.")
            .expect("edit"),
    )
    .expect("merge");
    m
}

/// lib0's variable-length unsigned integer.
fn var(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn string(out: &mut Vec<u8>, s: &str) {
    var(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// The merge either refused and left the notes as they were, or accepted and left notes that
/// read back the same from their stored state, with nothing kept aside for later.
fn refused_or_readable(before: &Meeting, after: &Meeting, result: &Result<bool, NotesError>) {
    match result {
        Err(_) => assert_eq!(after, before, "a refused update changed the notes"),
        Ok(_) => {
            let text = after.text();
            assert!(text.chars().count() <= domain::notes::NOTES_MAX_CHARS);
            let update = Update::decode_v1(&after.notes).expect("stored state decodes");
            let doc = yrs::Doc::new();
            doc.transact_mut()
                .apply_update(update)
                .expect("stored state applies");
            assert!(
                !doc.transact().has_missing_updates(),
                "the stored notes keep a change aside"
            );
        }
    }
}

#[test]
fn a_length_claiming_hundreds_of_millions_of_writers_is_refused_before_anything_is_reserved() {
    // Five bytes: "2^28 writers follow". yrs 0.28.1 reserves room for them all up front (a 22 GB
    // request, half a gigabyte of it written) before finding there are none.
    let mut m = written();
    let before = m.clone();
    let mut update = Vec::new();
    var(&mut update, 1 << 28);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    // As above, for the number of pieces of text one writer sends: a 6 GB request from 8 bytes.
    let mut update = vec![1];
    var(&mut update, 1 << 28);
    update.extend_from_slice(&[7, 0]);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m, before);
}

#[test]
fn a_deletion_whose_clock_overflows_is_refused_without_panicking() {
    // No text; one writer's deletion from clock u32::MAX, one long: yrs adds the two unchecked.
    let mut m = written();
    let mut update = vec![0, 1, 7, 1];
    var(&mut update, u64::from(u32::MAX));
    update.push(1);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m.text(), written().text());
}

#[test]
fn text_whose_clock_overflows_is_refused_without_panicking() {
    // Writer 7 sends "ab" at clock u32::MAX: yrs counts the clock on past the largest u32
    // unchecked.
    let mut m = written();
    let mut update = vec![1, 1, 7];
    var(&mut update, u64::from(u32::MAX));
    update.extend_from_slice(&[4, 1]);
    string(&mut update, "notes");
    string(&mut update, "ab");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m.text(), written().text());
}

#[test]
fn text_after_a_gap_in_its_writers_clocks_is_refused() {
    // Writer 7 has sent clocks 0 to 26. This skips 23 to 27 and puts " " at 28: yrs 0.28.1
    // places it although clock 27 is missing, and garbles what 7 sends for 27 onwards.
    let mut m = written();
    let mut update = vec![1, 2, 7, 23, 10, 5, 4, 1];
    string(&mut update, "notes");
    string(&mut update, " ");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    // Nor may the text simply start past the writer's last clock.
    let mut update = vec![1, 1, 7, 28, 4, 1];
    string(&mut update, "notes");
    string(&mut update, " ");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::MissingEarlierChange));
    let typed = format!("{} Sam comes too.", m.text());
    m.merge(&m.edit_to(7, &typed).expect("edit"))
        .expect("merge");
    assert_eq!(m.text(), typed);
}

#[test]
fn text_typed_between_neighbours_the_wrong_way_round_is_refused() {
    // Writer 9 claims it typed " " after writer 8's fifth character and before its second.
    let mut m = written();
    let before = m.clone();
    let mut update = vec![1, 1, 9, 0, 0x80 | 0x40 | 4, 8, 4, 8, 1];
    string(&mut update, " ");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::Inconsistent));
    assert_eq!(m, before);
    // The same with a deleted piece instead of text, which could not be seen to be misplaced.
    let mut update = vec![1, 1, 9, 0, 0x80 | 0x40 | 1, 8, 4, 8, 1, 1, 0];
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    // Or with text the same change deletes.
    update = vec![1, 1, 9, 0, 0x80 | 0x40 | 4, 8, 4, 8, 1];
    string(&mut update, " ");
    update.extend_from_slice(&[1, 9, 1, 0, 1]);
    assert_eq!(m.merge(&update), Err(NotesError::Inconsistent));
    assert_eq!(m, before);
    let typed = format!("{} Sam comes too.", m.text());
    m.merge(&m.edit_to(7, &typed).expect("edit"))
        .expect("merge");
    assert_eq!(m.text(), typed);
}

#[test]
fn a_writer_id_beyond_53_bits_is_refused_without_panicking() {
    // One piece of text, "x", by writer 2^60: yrs asserts writer ids fit in 53 bits.
    let mut m = written();
    let mut update = vec![1, 1];
    var(&mut update, 1 << 60);
    update.extend_from_slice(&[0, 4, 1]);
    string(&mut update, "notes");
    string(&mut update, "x");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    // And in a deletion.
    let mut update = vec![0, 1];
    var(&mut update, 1 << 60);
    update.extend_from_slice(&[1, 0, 1]);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m.text(), written().text());
}

#[test]
fn values_nested_deeply_are_refused_without_overflowing_the_stack() {
    // A piece of "any" content: an array inside an array, 100,000 deep (200 KB). yrs decodes
    // it by recursion and overflows the stack, which aborts the process.
    let mut m = written();
    let mut update = vec![1, 1, 9, 0, 8, 1];
    string(&mut update, "notes");
    update.push(1);
    for _ in 0..100_000 {
        update.extend_from_slice(&[117, 1]);
    }
    update.extend_from_slice(&[126, 0]);
    assert!(update.len() < NOTES_UPDATE_MAX_BYTES);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m.text(), written().text());
}

#[test]
fn an_update_with_anything_after_its_deletions_is_refused() {
    let mut m = written();
    let mut update = m.edit_to(7, "Dan wants to go.").expect("edit");
    update.push(0);
    assert_eq!(m.merge(&update), Err(NotesError::Unreadable));
    assert_eq!(m.text(), written().text());
}

/// One piece of an update made up by the generator below.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Deleted(u32),
    Collected(u32),
    Skip(u32),
}

/// A position next to which a piece is placed: a writer, and a clock that [`Spec::encode`]
/// mostly turns into one the notes hold.
type Near = (u64, u32);

#[derive(Debug, Clone)]
struct Block {
    origin: Option<Near>,
    right_origin: Option<Near>,
    piece: Piece,
}

/// One writer's part of an update: where its clocks start, relative to what the notes hold of
/// it (`Ok(n)`: n before the end; `Err(n)`: n past it, leaving a gap), and its pieces.
#[derive(Debug, Clone)]
struct Writes {
    start: Result<u32, u32>,
    blocks: Vec<Block>,
}

/// An update with hostile contents, made concrete against the notes it is sent to.
#[derive(Debug, Clone)]
struct Spec {
    writes: std::collections::BTreeMap<u64, Writes>,
    /// Per writer: deletions as (start, length), the start mostly within what the notes hold.
    deletes: std::collections::BTreeMap<u64, Vec<(u32, u32)>>,
}

/// Writer ids the generated updates use: the two that wrote the notes, and two strangers.
const WRITERS: [u64; 4] = [7, 8, 9, 1 << 40];

fn writer() -> impl Strategy<Value = u64> {
    prop::sample::select(WRITERS.to_vec())
}

fn near() -> impl Strategy<Value = Near> {
    (writer(), any::<u32>())
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        8 => "[a-z ]{1,6}|[é😀]{1,3}".prop_map(Piece::Text),
        2 => (1u32..6).prop_map(Piece::Deleted),
        2 => (1u32..6).prop_map(Piece::Collected),
        1 => (1u32..6).prop_map(Piece::Skip),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    (prop::option::of(near()), prop::option::of(near()), piece()).prop_map(
        |(origin, right_origin, piece)| Block {
            origin,
            right_origin,
            piece,
        },
    )
}

/// Structurally sound updates with hostile contents: text placed next to positions that may
/// not exist, deleted or collected, from writers that may be strangers or impersonated,
/// starting at any clock, with deletions anywhere.
fn crafted() -> impl Strategy<Value = Spec> {
    let start = prop_oneof![6 => (0u32..4).prop_map(Ok), 1 => (1u32..4).prop_map(Err)];
    let writes = prop::collection::btree_map(
        writer(),
        (start, prop::collection::vec(block(), 1..4))
            .prop_map(|(start, blocks)| Writes { start, blocks }),
        0..3,
    );
    let deletes = prop::collection::btree_map(
        writer(),
        prop::collection::vec((any::<u32>(), 1u32..12), 1..3),
        0..3,
    );
    (writes, deletes).prop_map(|(writes, deletes)| Spec { writes, deletes })
}

impl Spec {
    /// The update's bytes, its clocks chosen against `notes`: mostly ones they hold, sometimes
    /// a few past them.
    fn encode(&self, notes: &Meeting) -> Vec<u8> {
        let doc = yrs::Doc::new();
        if !notes.notes.is_empty() {
            let update = Update::decode_v1(&notes.notes).expect("stored state decodes");
            doc.transact_mut().apply_update(update).expect("applies");
        }
        let known = doc.transact().state_vector();
        let held = |client: u64| known.get(&yrs::ClientID::new(client));
        let clock = |(client, k): Near| (client, k % (held(client) + 3));
        let mut out = Vec::new();
        var(&mut out, self.writes.len() as u64);
        for (&client, w) in &self.writes {
            let start = match w.start {
                Ok(back) => held(client).saturating_sub(back),
                Err(gap) => held(client) + gap,
            };
            var(&mut out, w.blocks.len() as u64);
            var(&mut out, client);
            var(&mut out, u64::from(start));
            for b in &w.blocks {
                let content = match &b.piece {
                    Piece::Collected(len) => {
                        out.push(0);
                        var(&mut out, u64::from(*len));
                        continue;
                    }
                    Piece::Skip(len) => {
                        out.push(10);
                        var(&mut out, u64::from(*len));
                        continue;
                    }
                    Piece::Deleted(_) => 1,
                    Piece::Text(_) => 4,
                };
                let info = content
                    | if b.origin.is_some() { 0x80 } else { 0 }
                    | if b.right_origin.is_some() { 0x40 } else { 0 };
                out.push(info);
                for (c, k) in [b.origin, b.right_origin].into_iter().flatten().map(clock) {
                    var(&mut out, c);
                    var(&mut out, u64::from(k));
                }
                if b.origin.is_none() && b.right_origin.is_none() {
                    out.push(1);
                    string(&mut out, "notes");
                }
                match &b.piece {
                    Piece::Deleted(len) => var(&mut out, u64::from(*len)),
                    Piece::Text(s) => string(&mut out, s),
                    Piece::Collected(_) | Piece::Skip(_) => {}
                }
            }
        }
        var(&mut out, self.deletes.len() as u64);
        for (&client, ranges) in &self.deletes {
            var(&mut out, client);
            var(&mut out, ranges.len() as u64);
            for &(k, len) in ranges {
                var(&mut out, u64::from(clock((client, k)).1));
                var(&mut out, u64::from(len));
            }
        }
        out
    }
}

/// A real update with some of its bytes flipped, inserted or removed.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let real = written()
        .edit_to(
            9,
            "Agreed: Dan wants to go to the gig on Friday, with Sam 😀.",
        )
        .expect("edit");
    let edits = prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..6);
    edits.prop_map(move |edits| {
        let mut bytes = real.clone();
        for (at, kind, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] ^= byte.max(1),
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => bytes.push(byte),
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_refused_or_leave_notes_that_read(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let before = written();
        let mut m = before.clone();
        let result = m.merge(&bytes);
        refused_or_readable(&before, &m, &result);
    }

    #[test]
    fn a_real_update_with_bytes_changed_is_refused_or_leaves_notes_that_read(bytes in mutated()) {
        let before = written();
        let mut m = before.clone();
        let result = m.merge(&bytes);
        refused_or_readable(&before, &m, &result);
    }

    #[test]
    fn crafted_updates_are_refused_or_leave_notes_that_read(
        updates in prop::collection::vec(crafted(), 1..6),
    ) {
        let mut m = written();
        for spec in updates {
            let before = m.clone();
            let result = m.merge(&spec.encode(&m));
            refused_or_readable(&before, &m, &result);
        }
        // Whatever was accepted, the people who wrote the notes can still write.
        let typed = format!("{} Sam comes too.", m.text());
        m.merge(&m.edit_to(7, &typed).expect("edit")).expect("merge");
        prop_assert_eq!(m.text(), typed);
    }
}
