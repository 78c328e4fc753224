//! Email about a meeting: what has been sent to whom (and what failed), sending the agenda,
//! the summary or an invitation to everyone in the person's circle (each their own letter,
//! holding only what they may read, rendered by `domain::mail`), and trying a failed letter
//! again. Only the person and staff of their service send (as for printing a summary).

use domain::mail::Delivery;
#[cfg(feature = "ssr")]
use domain::mail::Document;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use uuid::Uuid;

use crate::AppError;

/// What a meeting page shows about email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailState {
    /// A relay is set up: letters can be sent. Without one, documents are shared in Circle
    /// only.
    pub relay: bool,
    /// Every letter about the person, newest first.
    pub deliveries: Vec<Delivery>,
}

/// What sending did: who was sent a letter, and who was left out and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub to: Vec<String>,
    /// (name, why): "Ruth Okafor", "meetings and reviews are not shared with them".
    pub left_out: Vec<(String, String)>,
}

pub const NO_RELAY: &str = "Email is not set up on this Circle, so documents are shared in Circle only: everyone in the circle can read what is shared with them here.";

#[cfg(feature = "ssr")]
mod on_server {
    use std::collections::BTreeSet;

    use domain::access::{Action, Actor, Subject, Topic, authorize};
    use store::Store;

    use crate::AppError;

    /// Only those who may export the record send it (the person and staff of their service).
    pub(super) async fn sender(
        person: &str,
    ) -> Result<
        (
            std::sync::Arc<dyn Store>,
            std::sync::Arc<Actor>,
            domain::Person,
            Subject,
        ),
        AppError,
    > {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let (person, subject) = crate::server::subject(store.as_ref(), &actor, person).await?;
        authorize(&actor, subject, Topic::MeetingsAndReviews, Action::Export).map_err(|_| {
            AppError::Forbidden(
                "Sending documents by email is for the person and their care staff.".into(),
            )
        })?;
        Ok((store, actor, person, subject))
    }

    /// Everyone who has accepted a place in the person's circle, with what each may read.
    pub(super) async fn recipients(
        store: &dyn Store,
        subject: Subject,
        person_wants_easy_read: bool,
    ) -> Result<Vec<domain::mail::Recipient>, AppError> {
        let mut out = Vec::new();
        for member in store.circle(subject.person).await? {
            if !member.accepted {
                continue;
            }
            let (Some(actor), Some(user)) = (
                store.actor(member.user).await?,
                store.user(member.user).await?,
            ) else {
                continue;
            };
            let readable: BTreeSet<Topic> = domain::access::readable_topics(&actor, subject);
            out.push(domain::mail::Recipient {
                user: member.user.0,
                name: member.name,
                email: user.email,
                readable,
                easy_read: member.role == domain::access::CircleRole::Person
                    && person_wants_easy_read,
            });
        }
        Ok(out)
    }
}

/// The email state of person `person`'s meetings.
#[server(endpoint = "mail/overview")]
pub async fn mail_overview(person: String) -> Result<MailState, AppError> {
    crate::server::answer(async move {
        let (store, _, person, _) = on_server::sender(&person).await?;
        Ok(MailState {
            relay: crate::server::mailing().is_some(),
            deliveries: store.deliveries(person.id).await?,
        })
    })
    .await
}

/// Emails `document` ("agenda", "summary" or "invitation") of meeting `meeting` to everyone in
/// person `person`'s circle: each their own letter, holding only what they may read, in their
/// format. The letters wait in the outbox until the relay takes them.
#[server(endpoint = "mail/send")]
pub async fn send_meeting_mail(
    person: String,
    meeting: String,
    document: String,
) -> Result<Sent, AppError> {
    crate::server::answer(async move {
        let (store, actor, person, subject) = on_server::sender(&person).await?;
        let Some(mailing) = crate::server::mailing() else {
            return Err(AppError::Invalid(NO_RELAY.into()));
        };
        let document = Document::parse(&document).ok_or_else(|| {
            AppError::Invalid("Choose the agenda, the summary or the invitation.".into())
        })?;
        let meeting: Uuid = meeting.parse().map_err(|_| AppError::NotFound)?;
        let (records, _) = store.records(person.id, None).await?;
        let set: domain::records::RecordSet = records.into_iter().collect();
        let easy_read = set
            .find(domain::records::kinds::MEETINGS, meeting)
            .is_some_and(|m| {
                domain::reviews::in_easy_read(
                    m,
                    domain::involvement::communication(&set, person.id),
                )
            });
        let recipients = on_server::recipients(store.as_ref(), subject, easy_read).await?;
        let link = format!("{}/people/{}/meetings", mailing.public_url, person.id);
        let now = crate::server::now_ms();
        let (letters, withheld) = domain::mail::letters(
            &set,
            meeting,
            person.display_name(),
            document,
            &recipients,
            &link,
            now,
        )
        .ok_or(AppError::NotFound)?;
        let to: Vec<String> = letters.iter().map(|l| l.name.clone()).collect();
        let queued: Vec<store::OutgoingMail> = letters
            .into_iter()
            .map(|l| store::OutgoingMail {
                id: Uuid::now_v7(),
                person: person.id,
                meeting,
                document,
                user: domain::access::UserId(l.user),
                to_name: l.name,
                to_email: l.email,
                subject: l.subject,
                text: l.text,
                html: l.html,
                calendar: l.calendar,
                topics: l.readable,
                queued_ms: now,
                queued_by: actor.name.clone(),
                tries: 0,
            })
            .collect();
        if !queued.is_empty() {
            let event = domain::audit::AuditEvent {
                id: Uuid::now_v7(),
                at_ms: now,
                user: Some(actor.user),
                user_name: actor.name.clone(),
                device: crate::server::device(),
                person: Some(person.id),
                service: None,
                kind: domain::audit::AuditKind::Exported,
                summary: format!(
                    "Emailed {} of a meeting to {}",
                    document.words(),
                    to.join(", ")
                ),
                before: None,
                after: None,
            };
            store.queue_mail(&queued, &event).await?;
            (mailing.queued)();
        }
        Ok(Sent {
            to,
            left_out: withheld
                .into_iter()
                .map(|w| (w.name, w.reason.to_owned()))
                .collect(),
        })
    })
    .await
}

/// Queues failed letter `id` about person `person` again.
#[server(endpoint = "mail/retry")]
pub async fn retry_mail(person: String, id: String) -> Result<(), AppError> {
    crate::server::answer(async move {
        let (store, _, person, _) = on_server::sender(&person).await?;
        let Some(mailing) = crate::server::mailing() else {
            return Err(AppError::Invalid(NO_RELAY.into()));
        };
        let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
        if !store
            .retry_mail(person.id, id, crate::server::now_ms())
            .await?
        {
            return Err(AppError::NotFound);
        }
        (mailing.queued)();
        Ok(())
    })
    .await
}
