//! How the engine reads and merges shared text: a field merged character by character, such
//! as a meeting's notes ([`super::kinds::FieldType::Shared`]).
//!
//! The text merger ([`crate::notes`], over the `yrs` crate) is the largest single part of a
//! browser build, and a page needs it only to show or edit shared text. So a browser build
//! (this crate's feature `merger-on-demand`) does not link it into the engine: the app loads
//! it as a part of its own once a page is up and [`install`]s it here. Until then the engine
//! refuses to merge shared text (on a device that only leaves a waiting edit unapplied on
//! screen: it stays in the outbox and is sent as it is) and [`text`] reads nothing. Everywhere
//! else (the server, tests, the bench) it is linked in directly and always there.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Record, Value};
use crate::notes::NotesError;

/// The functions the engine reads and merges shared text with.
#[derive(Debug, Clone, Copy)]
pub struct TextMerger {
    /// Merges an update into a state; whether anything changed.
    pub merge: fn(&mut Vec<u8>, &[u8]) -> Result<bool, NotesError>,
    /// A state as the text it says.
    pub text: fn(&[u8]) -> String,
    /// The update that turns a state into the text wanted, written as a document id; `None`
    /// when the text is already that.
    pub edit: fn(&[u8], u64, &str) -> Option<Vec<u8>>,
}

#[cfg(feature = "merger-on-demand")]
static INSTALLED: std::sync::OnceLock<TextMerger> = std::sync::OnceLock::new();

/// Makes `merger` the one the engine uses from now on (a second call changes nothing).
pub fn install(merger: TextMerger) {
    #[cfg(feature = "merger-on-demand")]
    let _ = INSTALLED.set(merger);
    #[cfg(not(feature = "merger-on-demand"))]
    let _ = merger;
}

/// The merger, once there is one.
pub fn merger() -> Option<TextMerger> {
    #[cfg(feature = "merger-on-demand")]
    return INSTALLED.get().copied();
    #[cfg(not(feature = "merger-on-demand"))]
    Some(crate::notes::MERGER)
}

/// Shared text held as `state`, as what it says ("" while no merger is installed).
pub fn text(state: &[u8]) -> String {
    merger().map(|m| (m.text)(state)).unwrap_or_default()
}

/// Each shared text in `records` as what it says: (record id, field, text). Sent with a page,
/// so that a device shows it before it has loaded the merger.
pub fn texts<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<SharedText> {
    records
        .into_iter()
        .flat_map(|r| {
            r.fields.iter().filter_map(|(field, value)| match value {
                Value::Shared(state) => Some(SharedText {
                    id: r.id,
                    field: field.clone(),
                    text: text(state),
                }),
                _ => None,
            })
        })
        .collect()
}

/// One shared text as the server reads it (see [`texts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedText {
    pub id: Uuid,
    pub field: String,
    pub text: String,
}
