//! The outbox's rows and SQL (see `migrations/*/0012_mail_outbox.sql`).

use std::collections::BTreeSet;

use domain::PersonId;
use domain::access::{Topic, UserId};
use domain::mail::{Delivery, DeliveryState, Document};
use uuid::Uuid;

use crate::StoreError;
use crate::accounts::uuid;

/// A letter waiting in the outbox, as the sender takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: Uuid,
    pub person: PersonId,
    pub meeting: Uuid,
    pub document: Document,
    pub user: UserId,
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<String>,
    /// What the recipient could read when it was written: it is sent only while they still may
    /// read all of it.
    pub topics: BTreeSet<Topic>,
    pub queued_ms: i64,
    pub queued_by: String,
    /// Tries so far, counting the one this claim is for.
    pub tries: u32,
}

pub(crate) const INSERT_MAIL: &str = "INSERT INTO mail_outbox (id, person_id, meeting_id, \
     document, user_id, to_name, to_email, subject, body_text, body_html, calendar, topics, \
     queued_ms, queued_by, tries, state, next_try_ms, claimed_until_ms, error, sent_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, 'queued', $13, 0, \
     NULL, NULL)";

const MAIL_COLUMNS: &str = "id, person_id, meeting_id, document, user_id, to_name, to_email, \
     subject, body_text, body_html, calendar, topics, queued_ms, queued_by, tries";

/// Takes the letter due first, for `$1` (the claim's end); `$2` is now. The outer condition is
/// checked again once the row is locked, so two servers never take the same letter.
pub(crate) fn claim_mail_sql() -> String {
    format!(
        "UPDATE mail_outbox SET claimed_until_ms = $1, tries = tries + 1 \
         WHERE id = (SELECT id FROM mail_outbox WHERE state = 'queued' AND next_try_ms <= $2 \
         AND claimed_until_ms <= $2 ORDER BY next_try_ms, id LIMIT 1) \
         AND state = 'queued' AND claimed_until_ms <= $2 \
         RETURNING {MAIL_COLUMNS}"
    )
}

/// Sent: the text is cleared, who and when are kept.
pub(crate) const MAIL_SENT: &str = "UPDATE mail_outbox SET state = 'sent', sent_ms = $2, \
     error = NULL, body_text = '', body_html = '', calendar = NULL, claimed_until_ms = 0 \
     WHERE id = $1";
/// Failed this time: `$3` is the next try, or NULL to give up.
pub(crate) const MAIL_FAILED: &str = "UPDATE mail_outbox SET \
     state = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'queued' END, \
     next_try_ms = COALESCE($3, next_try_ms), error = $2, claimed_until_ms = 0 WHERE id = $1";
pub(crate) const RETRY_MAIL: &str = "UPDATE mail_outbox SET state = 'queued', next_try_ms = $3, \
     tries = 0, claimed_until_ms = 0 WHERE id = $1 AND person_id = $2 AND state = 'failed'";
pub(crate) const SELECT_DELIVERIES: &str = "SELECT id, meeting_id, document, to_name, queued_ms, \
     queued_by, tries, state, next_try_ms, error, sent_ms FROM mail_outbox \
     WHERE person_id = $1 ORDER BY queued_ms DESC, to_name, id";

pub(crate) type MailRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    String,
    i64,
);

/// Topics as stored: their keys, comma-separated.
pub(crate) fn topic_keys(topics: &BTreeSet<Topic>) -> String {
    topics.iter().map(|t| t.key()).collect::<Vec<_>>().join(",")
}

pub(crate) fn mail_from_row(
    (
        id,
        person,
        meeting,
        document,
        user,
        to_name,
        to_email,
        subject,
        text,
        html,
        calendar,
        topics,
        queued_ms,
        queued_by,
        tries,
    ): MailRow,
) -> Result<OutgoingMail, StoreError> {
    Ok(OutgoingMail {
        id: uuid("mail_outbox.id", &id)?,
        person: PersonId(uuid("mail_outbox.person_id", &person)?),
        meeting: uuid("mail_outbox.meeting_id", &meeting)?,
        document: document_of(&document)?,
        user: UserId(uuid("mail_outbox.user_id", &user)?),
        to_name,
        to_email,
        subject,
        text,
        html,
        calendar,
        topics: topics
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| {
                Topic::from_key(k)
                    .ok_or_else(|| StoreError::Corrupt(format!("mail_outbox.topics {k:?}")))
            })
            .collect::<Result<_, _>>()?,
        queued_ms,
        queued_by,
        tries: u32::try_from(tries).unwrap_or(u32::MAX),
    })
}

fn document_of(code: &str) -> Result<Document, StoreError> {
    Document::parse(code)
        .ok_or_else(|| StoreError::Corrupt(format!("mail_outbox.document {code:?}")))
}

pub(crate) type DeliveryRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
);

pub(crate) fn delivery_from_row(
    (
        id,
        meeting,
        document,
        to_name,
        queued_ms,
        queued_by,
        tries,
        state,
        next_try_ms,
        error,
        sent_ms,
    ): DeliveryRow,
) -> Result<Delivery, StoreError> {
    let state = match (state.as_str(), sent_ms) {
        ("sent", Some(at_ms)) => DeliveryState::Sent { at_ms },
        ("queued", _) => DeliveryState::Queued { next_try_ms, error },
        ("failed", _) => DeliveryState::Failed {
            error: error.unwrap_or_default(),
        },
        (other, _) => {
            return Err(StoreError::Corrupt(format!("mail_outbox.state {other:?}")));
        }
    };
    Ok(Delivery {
        id: uuid("mail_outbox.id", &id)?,
        meeting: uuid("mail_outbox.meeting_id", &meeting)?,
        document: document_of(&document)?,
        to_name,
        queued_ms,
        queued_by,
        tries: u32::try_from(tries).unwrap_or(u32::MAX),
        state,
    })
}
