//! The engine as a browser builds it (feature `merger-on-demand`): shared text is merged only
//! once the app has loaded the text merger and installed it. Before that, an edit of a
//! meeting's notes waits in the outbox, unapplied on screen and never lost.
//!
//! Run by the test command with the feature on: `cargo nextest run -p domain --features
//! merger-on-demand --test merger_on_demand` (each test in its own process, since the merger
//! is installed once per process).
#![cfg(feature = "merger-on-demand")]

use std::collections::{BTreeMap, BTreeSet};

use domain::PersonId;
use domain::access::Topic;
use domain::records::authority::{AnyOp, Mutation};
use domain::records::kinds::{Catalog, MEETINGS};
use domain::records::replica::{Pending, Replica};
use domain::records::{Record, RecordOp, RecordSet, SCHEMA_VERSION, Stamp, Value, shared};
use domain::sync::ClientId;
use uuid::Uuid;

const PERSON: PersonId = PersonId(Uuid::from_u128(0xb02));
const MEETING: Uuid = Uuid::from_u128(0x3e);
const CLIENT: ClientId = ClientId(Uuid::from_u128(0xc11e));

fn meeting() -> Record {
    Record {
        kind: MEETINGS.into(),
        id: MEETING,
        parent: None,
        topic: Topic::MeetingsAndReviews,
        version: 1,
        deleted: false,
        fields: BTreeMap::from([
            ("title".into(), Value::Text("Review, 3 March".into())),
            ("notes".into(), Value::Shared(Vec::new())),
        ]),
        stamps: BTreeMap::new(),
        created: Stamp::default(),
    }
}

/// The update a device makes typing `text` into empty notes.
fn typed(text: &str) -> RecordOp {
    let doc = domain::notes::device_doc_id(CLIENT.0);
    RecordOp::EditText {
        kind: MEETINGS.into(),
        id: MEETING,
        field: "notes".into(),
        update: domain::notes::edit_shared(&[], doc, text).expect("a change"),
    }
}

fn replica(outbox: Vec<RecordOp>) -> Replica {
    let confirmed: RecordSet = [meeting()].into_iter().collect();
    let outbox = outbox
        .into_iter()
        .enumerate()
        .map(|(i, op)| Pending {
            mutation: Mutation {
                client: CLIENT,
                seq: i as u64 + 1,
                schema: SCHEMA_VERSION,
                op: AnyOp::Record(op),
            },
            acked: None,
        })
        .collect();
    let topics: BTreeSet<Topic> = Topic::ALL.into_iter().collect();
    Replica::from_parts(PERSON, CLIENT, 1, confirmed, 1, topics, outbox, Vec::new())
}

fn notes_shown(replica: &Replica) -> String {
    let view = replica.view(&Catalog::standard(), &Stamp::default());
    view.find(MEETINGS, MEETING)
        .expect("the meeting")
        .get("notes")
        .shared_text()
}

#[test]
fn notes_typed_before_the_merger_is_here_wait_in_the_outbox_and_show_once_it_is() {
    let replica = replica(vec![typed("Ruth will bring the photos")]);

    assert_eq!(notes_shown(&replica), "");
    assert_eq!(
        replica.outbox().len(),
        1,
        "the edit waits to be sent as it is"
    );

    shared::install(domain::notes::MERGER);
    assert_eq!(notes_shown(&replica), "Ruth will bring the photos");
}

#[test]
fn editing_notes_before_the_merger_is_here_is_refused_in_words_and_records_nothing() {
    let mut replica = replica(Vec::new());

    let refused = replica
        .edit(
            vec![typed("hello")],
            &Catalog::standard(),
            &Stamp::default(),
        )
        .expect_err("no merger yet");

    assert!(refused.contains("still loading"), "{refused}");
    assert!(replica.outbox().is_empty());
}

#[test]
fn other_edits_are_made_as_ever_while_the_merger_loads() {
    let mut replica = replica(vec![typed("kept")]);

    replica
        .edit(
            vec![RecordOp::Set {
                kind: MEETINGS.into(),
                id: MEETING,
                field: "title".into(),
                before: Value::Text("Review, 3 March".into()),
                after: Value::Text("Review, 10 March".into()),
            }],
            &Catalog::standard(),
            &Stamp::default(),
        )
        .expect("a title needs no merger");

    let view = replica.view(&Catalog::standard(), &Stamp::default());
    assert_eq!(
        view.find(MEETINGS, MEETING)
            .expect("the meeting")
            .text("title"),
        "Review, 10 March"
    );
    assert_eq!(replica.outbox().len(), 2);
}
