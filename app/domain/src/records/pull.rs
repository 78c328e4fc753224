//! What a device asks for and is given: pulls carry results, not rules. A pull returns the new
//! state of each record changed since the device's cursor that its user may read, and the
//! keys of changed records they may not (so that a copy of one, made when it could be read,
//! is dropped). A device whose copy was made under other topics gets its copy afresh.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Record;
use crate::PersonId;
use crate::access::Topic;
use crate::sync::{ClientId, DeviceReport};

/// The most records one pull returns; the device pulls again from where it got to.
pub const MAX_PULL_RECORDS: usize = 1_000;

/// `POST /api/sync/pull`: the records of one person changed after the device's cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullRequest {
    pub person: PersonId,
    pub since: u64,
    /// The topics the device's copy was made under. When the reader's topics differ now, the
    /// answer is the copy afresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<BTreeSet<Topic>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceReport>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// The cursor this answer continues from (0 for a copy afresh).
    pub since: u64,
    /// Where the device has got to once it holds this answer.
    pub through: u64,
    /// The person's newest version: pull again while `through` is below it.
    pub version: u64,
    /// The records changed after `since`, up to `through`, that the reader may read.
    pub records: Vec<Record>,
    /// The ids of records changed meanwhile that the reader may not read: drop any copy of
    /// them. Ids only: not even the kind of a record the reader may not see is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<uuid::Uuid>,
    /// When what the reader may see has changed: the topics of this fresh copy, which replaces
    /// everything the device held of the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset: Option<BTreeSet<Topic>>,
}

impl PullResponse {
    /// The answer for a reader who may read `topics`, from `changed`: the records changed after
    /// `since` in version order (at most one page, see [`page`]).
    pub fn for_reader(
        since: u64,
        changed: Vec<Record>,
        version: u64,
        topics: &BTreeSet<Topic>,
    ) -> PullResponse {
        let (changed, through) = page(since, changed, version);
        let (records, hidden): (Vec<Record>, Vec<Record>) =
            changed.into_iter().partition(|r| topics.contains(&r.topic));
        PullResponse {
            since,
            through,
            version,
            records,
            gone: hidden.iter().map(|r| r.id).collect(),
            reset: None,
        }
    }

    /// A fresh copy of everything `topics` lets the reader read, from every record.
    pub fn afresh(all: Vec<Record>, version: u64, topics: BTreeSet<Topic>) -> PullResponse {
        PullResponse {
            since: 0,
            through: version,
            version,
            records: all
                .into_iter()
                .filter(|r| topics.contains(&r.topic))
                .collect(),
            gone: Vec::new(),
            reset: Some(topics),
        }
    }

    /// Whether the device has everything once it holds this answer.
    pub fn reaches_the_end(&self) -> bool {
        self.through >= self.version
    }
}

/// At most [`MAX_PULL_RECORDS`] of `changed` (in version order), never splitting the records
/// of one version across pages; and how far they reach.
fn page(since: u64, mut changed: Vec<Record>, version: u64) -> (Vec<Record>, u64) {
    changed.sort_by(|a, b| {
        a.version
            .cmp(&b.version)
            .then_with(|| a.key().cmp(&b.key()))
    });
    if changed.len() <= MAX_PULL_RECORDS {
        return (changed, version);
    }
    let mut through = changed[MAX_PULL_RECORDS - 1].version;
    if changed[MAX_PULL_RECORDS].version == through && through > since + 1 {
        through -= 1;
    }
    changed.retain(|r| r.version <= through);
    (changed, through)
}

/// A person's records as the server holds them, for a device starting to follow them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub records: Vec<Record>,
    pub version: u64,
    /// The topics `records` holds (everything else was left out for this reader).
    pub topics: BTreeSet<Topic>,
    /// Whether `records` is every record of those topics. A page is sent only the kinds it
    /// shows ([`Snapshot::leaving_out`]); a device that starts from it pulls the rest.
    #[serde(default = "whole")]
    pub whole: bool,
}

fn whole() -> bool {
    true
}

impl Snapshot {
    /// Every record of `topics`, as of `version`.
    pub fn new(records: Vec<Record>, version: u64, topics: BTreeSet<Topic>) -> Snapshot {
        Snapshot {
            records,
            version,
            topics,
            whole: true,
        }
    }

    /// The same without the records of `kinds` (which a page does not show): what a page
    /// carries stops growing with records it never draws.
    pub fn leaving_out<S: AsRef<str>>(mut self, kinds: &[S]) -> Snapshot {
        let before = self.records.len();
        self.records
            .retain(|r| !kinds.iter().any(|k| k.as_ref() == r.kind));
        self.whole &= self.records.len() == before;
        self
    }

    /// Where a device that starts from this snapshot pulls from: its version when it holds
    /// everything; otherwise the beginning, so that its first pull brings what was left out
    /// (records it already holds are replaced by the same).
    pub fn cursor(&self) -> u64 {
        if self.whole { self.version } else { 0 }
    }
}

/// When a device last synced one person's record completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub client: ClientId,
    /// The number of the last edit this device made (0 for none).
    pub last_seq: u64,
}

/// Is a pull by a device that made edits up to `last_seq`, of which the server holds outcomes
/// up to `server_seq`, a complete sync (every edit on the server, every change on the device)?
pub fn is_complete(last_seq: u64, server_seq: u64, response: &PullResponse) -> bool {
    server_seq >= last_seq && response.reaches_the_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u128, version: u64, topic: Topic) -> Record {
        Record {
            kind: "goal".into(),
            id: uuid::Uuid::from_u128(n),
            parent: None,
            topic,
            version,
            deleted: false,
            fields: Default::default(),
            stamps: Default::default(),
            created: Default::default(),
        }
    }

    #[test]
    fn a_reader_gets_the_records_of_their_topics_and_only_the_keys_of_the_others() {
        let topics = BTreeSet::from([Topic::GoalsAndProgress]);
        let response = PullResponse::for_reader(
            0,
            vec![
                record(1, 1, Topic::GoalsAndProgress),
                record(2, 2, Topic::Health),
            ],
            2,
            &topics,
        );
        assert_eq!(response.records.len(), 1);
        assert_eq!(response.gone, vec![record(2, 2, Topic::Health).id]);
        assert!(response.reaches_the_end());
    }

    #[test]
    fn a_long_pull_comes_in_pages_that_never_split_a_version() {
        let changed: Vec<Record> = (0..(MAX_PULL_RECORDS as u128 + 10))
            .map(|n| record(n, 1 + (n as u64) / 2, Topic::GoalsAndProgress))
            .collect();
        let topics = BTreeSet::from([Topic::GoalsAndProgress]);
        let first = PullResponse::for_reader(0, changed, 600, &topics);
        assert!(!first.reaches_the_end());
        assert!(first.records.len() <= MAX_PULL_RECORDS);
        let last = first.records.last().expect("some").version;
        assert_eq!(first.through, last);
        assert_eq!(
            first.records.iter().filter(|r| r.version == last).count(),
            2,
            "both records of the last version"
        );
    }

    fn observation(n: u128, version: u64) -> Record {
        Record {
            kind: "observation".into(),
            ..record(n, version, Topic::GoalsAndProgress)
        }
    }

    #[test]
    fn a_snapshot_that_leaves_records_out_starts_a_device_from_the_beginning_so_it_pulls_them() {
        let all = vec![record(1, 1, Topic::GoalsAndProgress), observation(2, 2)];
        let topics = BTreeSet::from([Topic::GoalsAndProgress]);
        let page = Snapshot::new(all.clone(), 2, topics.clone()).leaving_out(&["observation"]);
        assert_eq!(page.records, vec![record(1, 1, Topic::GoalsAndProgress)]);
        assert!(!page.whole);
        assert_eq!(page.cursor(), 0);

        let mut device = super::super::replica::Replica::new(
            crate::PersonId(uuid::Uuid::from_u128(9)),
            ClientId(uuid::Uuid::from_u128(8)),
            page.records.iter().cloned().collect(),
            page.cursor(),
            topics.clone(),
        );
        let first = PullResponse::for_reader(device.cursor(), all.clone(), 2, &topics);
        device.on_pull(&first);
        let held: Vec<Record> = device.confirmed().iter().cloned().collect();
        assert_eq!(
            held, all,
            "the observation left out arrives with the first pull"
        );
        assert_eq!(device.cursor(), 2);
    }

    #[test]
    fn a_snapshot_with_nothing_to_leave_out_is_still_whole() {
        let topics = BTreeSet::from([Topic::GoalsAndProgress]);
        let page = Snapshot::new(vec![record(1, 5, Topic::GoalsAndProgress)], 5, topics)
            .leaving_out(&["observation"]);
        assert!(page.whole);
        assert_eq!(page.cursor(), 5, "no pull from the beginning for nothing");
    }
}
