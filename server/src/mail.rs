//! Sending email through the SMTP relay the provider configures (`CIRCLE_SMTP_URL`,
//! `CIRCLE_MAIL_FROM`). Letters wait in the store's outbox (`Store::queue_mail`); one sender
//! task per server takes the letter due first, hands it to the relay as a plain-text part and
//! an HTML part (with the calendar file for an invitation), and marks it sent, or failed with
//! the relay's answer and a time to try again (`domain::mail::retry_after_ms`). A relay's
//! permanent refusal, or running out of tries, leaves the letter failed on the meeting's page
//! for a person to try again; nothing is dropped. With several servers on one database, each
//! letter is taken by one of them (`Store::claim_mail`); a server that dies holding one lets
//! it go when its hold ends.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::{OutgoingMail, Store};
use tokio::sync::Notify;

use crate::StartupError;

/// How long a sender holds a letter it has taken: longer than a relay's answer can take.
const HOLD: Duration = Duration::from_secs(300);
/// How often the outbox is looked at without being told (letters due for another try).
const LOOK_EVERY: Duration = Duration::from_secs(30);
/// How long the relay has to answer each step.
const RELAY_TIMEOUT: Duration = Duration::from_secs(30);

/// The configured relay.
#[derive(Clone)]
pub struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never printed.
        f.debug_struct("Relay")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// The relay at `url` (`smtp://host:25`, `smtp://user:password@host:587?tls=required`,
    /// `smtps://user:password@host:465`), sending as `from` (`Circle <circle@example.org>`).
    pub fn new(url: &str, from: &str) -> Result<Relay, StartupError> {
        let from: Mailbox = from.trim().parse().map_err(|e| {
            StartupError::Config(format!(
                "CIRCLE_MAIL_FROM must be an address like `Circle <circle@example.org>`: {e}"
            ))
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|e| {
                StartupError::Config(format!(
                    "CIRCLE_SMTP_URL must be like smtp://user:password@relay.example.org:587?tls=required ({e})"
                ))
            })?
            .timeout(Some(RELAY_TIMEOUT))
            .build();
        Ok(Relay { transport, from })
    }

    /// Hands `letter` to the relay.
    async fn send(&self, letter: &OutgoingMail) -> Result<(), Failure> {
        let message = message(&self.from, letter).map_err(Failure::Permanent)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(relay_words(&e))),
            Err(e) => Err(Failure::Transient(relay_words(&e))),
        }
    }
}

/// Why a letter was not sent.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// Worth trying again (the relay did not answer, or asked us to come back later).
    Transient(String),
    /// Refused for good (an address that does not exist): a person has to look.
    Permanent(String),
}

/// The relay's answer in words for the meeting's page: its reply when it gave one, without
/// the address or any part of the letter.
fn relay_words(error: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = error.status() {
        return format!("the email relay refused it (code {code})");
    }
    if error.is_timeout() {
        return "the email relay did not answer in time".to_owned();
    }
    "the email relay could not be reached".to_owned()
}

/// `letter` as an email: plain text first, then HTML, and the calendar file of an invitation.
fn message(from: &Mailbox, letter: &OutgoingMail) -> Result<Message, String> {
    let to = Mailbox::new(
        Some(letter.to_name.clone()),
        letter
            .to_email
            .trim()
            .parse()
            .map_err(|_| format!("{} is not an email address", letter.to_email.trim()))?,
    );
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(letter.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(letter.html.clone()),
        );
    let body = match &letter.calendar {
        Some(ics) => MultiPart::mixed().multipart(body).singlepart(
            Attachment::new("meeting.ics".to_owned()).body(
                ics.clone(),
                ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|e| e.to_string())?,
            ),
        ),
        None => body,
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(letter.subject.clone())
        .message_id(Some(format!("<{}@circle>", letter.id)))
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// Why a letter written before a consent change is not sent.
pub const NO_LONGER_SHARED: &str =
    "what is shared with them has changed since it was written: send it again";

/// Whether the recipient of `letter` still may read everything it was written from: a place
/// in the circle ended, or a topic unshared, while it waited stops it.
async fn still_may_read(
    store: &dyn Store,
    letter: &OutgoingMail,
) -> Result<bool, store::StoreError> {
    let (Some(person), Some(actor)) = (
        store.person(letter.person).await?,
        store.actor(letter.user).await?,
    ) else {
        return Ok(false);
    };
    let subject = domain::access::Subject {
        person: person.id,
        service: person.service_id,
    };
    let now = domain::access::readable_topics(&actor, subject);
    Ok(letter.topics.is_subset(&now) && now.contains(&domain::access::Topic::MeetingsAndReviews))
}

/// Sends every letter due now, one at a time; returns how many were taken.
pub async fn send_due(store: &dyn Store, relay: &Relay) -> usize {
    let mut taken = 0;
    loop {
        let now = crate::auth::now_ms();
        let hold = i64::try_from(HOLD.as_millis()).unwrap_or(i64::MAX);
        let letter = match store.claim_mail(now, now.saturating_add(hold)).await {
            Ok(Some(letter)) => letter,
            Ok(None) => return taken,
            Err(error) => {
                tracing::warn!(%error, "could not read the mail outbox");
                return taken;
            }
        };
        taken += 1;
        let result = match still_may_read(store, &letter).await {
            Ok(true) => relay.send(&letter).await,
            Ok(false) => Err(Failure::Permanent(NO_LONGER_SHARED.to_owned())),
            Err(error) => Err(Failure::Transient(format!(
                "Circle could not check what is shared ({error})"
            ))),
        };
        let now = crate::auth::now_ms();
        let saved = match result {
            Ok(()) => {
                tracing::info!(letter = %letter.id, "email sent");
                store.mail_sent(letter.id, now).await
            }
            Err(failure) => {
                let (error, next) = match failure {
                    Failure::Transient(e) => (
                        e,
                        domain::mail::retry_after_ms(letter.tries).map(|w| now.saturating_add(w)),
                    ),
                    Failure::Permanent(e) => (e, None),
                };
                tracing::warn!(letter = %letter.id, %error, tries = letter.tries, "email not sent");
                store.mail_failed(letter.id, &error, next).await
            }
        };
        if let Err(error) = saved {
            // The hold runs out and the letter is taken again: sent twice rather than never.
            tracing::error!(%error, letter = %letter.id, "could not record how sending went");
        }
    }
}

/// The sender task: sends what is due whenever told that letters are waiting, and every
/// [`LOOK_EVERY`] for letters due another try.
pub fn spawn_sender(
    store: Arc<dyn Store>,
    relay: Relay,
    queued: Arc<Notify>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            send_due(store.as_ref(), &relay).await;
            tokio::select! {
                () = queued.notified() => {}
                () = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    })
}

/// The server's email: the relay and the way server functions wake its sender.
#[derive(Clone)]
pub struct Mail {
    pub relay: Relay,
    pub queued: Arc<Notify>,
    pub public_url: String,
}

impl Mail {
    pub fn new(relay: Relay, public_url: String) -> Mail {
        Mail {
            relay,
            queued: Arc::new(Notify::new()),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// What server functions are given.
    pub fn mailing(&self) -> app::server::Mailing {
        let queued = self.queued.clone();
        app::server::Mailing {
            public_url: self.public_url.clone(),
            queued: Arc::new(move || queued.notify_one()),
        }
    }
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("relay", &self.relay)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(calendar: Option<&str>) -> OutgoingMail {
        OutgoingMail {
            id: uuid::Uuid::from_u128(7),
            person: domain::PersonId(uuid::Uuid::from_u128(1)),
            meeting: uuid::Uuid::from_u128(2),
            document: domain::mail::Document::Invitation,
            user: domain::access::UserId(uuid::Uuid::from_u128(3)),
            to_name: "Lee Carter".into(),
            to_email: "lee@advocacy.example".into(),
            subject: "Invitation: Dan Smith's complex review".into(),
            text: "You are invited.\n".into(),
            html: "<p>You are invited.</p>".into(),
            calendar: calendar.map(str::to_owned),
            topics: Default::default(),
            queued_ms: 0,
            queued_by: "Grace".into(),
            tries: 1,
        }
    }

    fn formatted(letter: &OutgoingMail) -> String {
        let from: Mailbox = "Circle <circle@example.org>".parse().expect("from");
        String::from_utf8(message(&from, letter).expect("a message").formatted()).expect("utf-8")
    }

    #[test]
    fn a_letter_has_a_plain_text_part_then_an_html_part() {
        let text = formatted(&letter(None));
        let plain = text.find("Content-Type: text/plain").expect("plain");
        let html = text.find("Content-Type: text/html").expect("html");
        assert!(plain < html, "{text}");
        assert!(text.contains("multipart/alternative"));
        assert!(!text.contains("text/calendar"));
        assert!(
            text.contains("To: \"Lee Carter\" <lee@advocacy.example>"),
            "{text}"
        );
    }

    #[test]
    fn an_invitation_carries_its_calendar_file() {
        let text = formatted(&letter(Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")));
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("text/calendar"));
        assert!(text.contains("meeting.ics"));
    }

    #[test]
    fn a_letter_to_a_malformed_address_is_refused_for_good_without_reaching_the_relay() {
        let mut bad = letter(None);
        bad.to_email = "not an address".into();
        let from: Mailbox = "circle@example.org".parse().expect("from");
        assert!(message(&from, &bad).is_err());
    }

    #[test]
    fn a_relay_url_that_cannot_be_read_is_a_clear_startup_error() {
        let error = Relay::new("ftp://relay", "circle@example.org").expect_err("refused");
        assert!(error.to_string().contains("CIRCLE_SMTP_URL"), "{error}");
        let error = Relay::new("smtp://127.0.0.1:2525", "not an address").expect_err("refused");
        assert!(error.to_string().contains("CIRCLE_MAIL_FROM"), "{error}");
    }
}
