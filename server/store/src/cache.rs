//! What nearly every request asks about access, kept in memory: a user's [`Actor`] (roles,
//! circles, what is shared in each), a person's service, a device's owner.
//!
//! Correctness rests on the **access epoch** (table `access_epoch`): every change to who may
//! see what advances it inside its own transaction, whichever server makes it. Every read of a
//! session also reads the epoch (one query, the same round trip), and every request that acts
//! for a user reads its session before anything else. An entry is used only while the newest
//! epoch this process has read is the one it was read under, so a change committed anywhere is
//! seen by every server at its next request: a revoked topic is never served from memory.
//!
//! An entry is tagged with the epoch known *before* its database read: a change that commits
//! while the read is under way advances the epoch past the tag, and the entry is never used.
//! A device's owner never changes once claimed, so it is kept whatever the epoch.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use domain::access::{Actor, UserId};
use domain::sync::ClientId;
use domain::{Person, PersonId};

/// Beyond this many entries a map starts again empty (memory stays bounded; a miss is a read).
const MAX_ENTRIES: usize = 20_000;

/// Entries valid at one epoch.
#[derive(Debug)]
struct Tagged<K, V>(Mutex<HashMap<K, (i64, V)>>);

impl<K: Eq + Hash, V: Clone> Tagged<K, V> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn get(&self, key: &K, epoch: i64) -> Option<V> {
        let map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key)
            .filter(|(tag, _)| *tag == epoch)
            .map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, tag: i64, value: V) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (tag, value));
    }

    fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// The access facts of one store (one process), valid at the newest epoch it has read.
#[derive(Debug)]
pub(crate) struct AccessCache {
    /// The newest access epoch read from the database or written by this process; `-1` until
    /// the first read, when nothing is used.
    epoch: AtomicI64,
    actors: Tagged<UserId, Actor>,
    people: Tagged<PersonId, Person>,
    owners: Tagged<ClientId, UserId>,
}

impl Default for AccessCache {
    fn default() -> Self {
        Self {
            epoch: AtomicI64::new(-1),
            actors: Tagged::new(),
            people: Tagged::new(),
            owners: Tagged::new(),
        }
    }
}

/// The owner map ignores epochs: an owner is tagged and looked up under this one.
const FOREVER: i64 = i64::MIN;

impl AccessCache {
    /// The database's epoch was read (or written) as `epoch`: anything older is stale.
    pub(crate) fn saw(&self, epoch: i64) {
        let before = self.epoch.fetch_max(epoch, Ordering::AcqRel);
        if epoch > before {
            self.actors.clear();
            self.people.clear();
        }
    }

    /// The tag for a read about to be made: the newest epoch known now.
    pub(crate) fn tag(&self) -> i64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub(crate) fn actor(&self, user: UserId) -> Option<Actor> {
        self.valid(|epoch| self.actors.get(&user, epoch))
    }

    pub(crate) fn keep_actor(&self, tag: i64, actor: &Actor) {
        if tag >= 0 {
            self.actors.put(actor.user, tag, actor.clone());
        }
    }

    pub(crate) fn person(&self, id: PersonId) -> Option<Person> {
        self.valid(|epoch| self.people.get(&id, epoch))
    }

    pub(crate) fn keep_person(&self, tag: i64, person: &Person) {
        if tag >= 0 {
            self.people.put(person.id, tag, person.clone());
        }
    }

    pub(crate) fn owner(&self, client: ClientId) -> Option<UserId> {
        self.owners.get(&client, FOREVER)
    }

    pub(crate) fn keep_owner(&self, client: ClientId, owner: UserId) {
        self.owners.put(client, FOREVER, owner);
    }

    fn valid<V>(&self, get: impl FnOnce(i64) -> Option<V>) -> Option<V> {
        let epoch = self.tag();
        if epoch < 0 { None } else { get(epoch) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn actor(n: u128) -> Actor {
        Actor {
            user: UserId(Uuid::from_u128(n)),
            name: format!("user {n}"),
            staff: Vec::new(),
            circles: Vec::new(),
        }
    }

    #[test]
    fn nothing_is_used_before_the_first_epoch_is_read() {
        let cache = AccessCache::default();
        cache.keep_actor(cache.tag(), &actor(1));
        assert_eq!(cache.actor(actor(1).user), None);
    }

    #[test]
    fn an_entry_is_used_only_while_the_epoch_it_was_read_under_is_the_newest() {
        let cache = AccessCache::default();
        cache.saw(3);
        cache.keep_actor(cache.tag(), &actor(1));
        assert_eq!(cache.actor(actor(1).user), Some(actor(1)));
        cache.saw(2);
        assert_eq!(
            cache.actor(actor(1).user),
            Some(actor(1)),
            "an older read changes nothing"
        );
        cache.saw(4);
        assert_eq!(cache.actor(actor(1).user), None);
    }

    #[test]
    fn a_read_that_raced_a_change_is_never_used() {
        let cache = AccessCache::default();
        cache.saw(7);
        let tag = cache.tag();
        // While the read is under way, a change commits and its epoch is seen.
        cache.saw(8);
        cache.keep_actor(tag, &actor(1));
        assert_eq!(cache.actor(actor(1).user), None);
    }

    #[test]
    fn a_devices_owner_outlives_epochs() {
        let cache = AccessCache::default();
        let client = ClientId(Uuid::from_u128(5));
        cache.keep_owner(client, UserId(Uuid::from_u128(6)));
        cache.saw(1);
        cache.saw(100);
        assert_eq!(cache.owner(client), Some(UserId(Uuid::from_u128(6))));
    }
}
