//! Letters: what Circle emails about a meeting (its agenda, its summary or an invitation to
//! it), one letter per recipient. Each letter holds only what its recipient may read, in their
//! format, as plain text and as HTML in which every text a person typed is escaped. Also the
//! rule for trying again after a failed delivery, and how a delivery's state is shown.
//!
//! Everything here is pure: the server finds the recipients and what each may read, renders
//! the letters here, keeps them in its outbox and hands them to the relay.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Topic;
use crate::calendar::london_label;
use crate::records::kinds::MEETINGS;
use crate::records::{Record, RecordSet};
use crate::reviews::{self, MeetingType, Summary};
use crate::screens::possessive;

/// What is sent about a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    Agenda,
    Summary,
    /// The meeting's time and place, a link to it in Circle and its calendar file.
    Invitation,
}

impl Document {
    pub const ALL: [Document; 3] = [Document::Invitation, Document::Agenda, Document::Summary];

    pub fn code(self) -> &'static str {
        match self {
            Document::Agenda => "agenda",
            Document::Summary => "summary",
            Document::Invitation => "invitation",
        }
    }

    pub fn parse(code: &str) -> Option<Document> {
        Document::ALL.into_iter().find(|d| d.code() == code)
    }

    /// "Agenda", as a list names it.
    pub fn title(self) -> &'static str {
        match self {
            Document::Agenda => "Agenda",
            Document::Summary => "Summary",
            Document::Invitation => "Invitation",
        }
    }

    /// "the agenda", as in "Email the agenda".
    pub fn words(self) -> &'static str {
        match self {
            Document::Agenda => "the agenda",
            Document::Summary => "the summary",
            Document::Invitation => "the invitation",
        }
    }
}

/// Someone a letter may go to, with what they may read of the person's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user: Uuid,
    pub name: String,
    pub email: String,
    pub readable: BTreeSet<Topic>,
    /// Whether they read in easy read: the person themselves, when their communication
    /// profile or the meeting says so.
    pub easy_read: bool,
}

/// One recipient's letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub user: Uuid,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The meeting's calendar file (RFC 5545), sent with an invitation.
    pub calendar: Option<String>,
    /// What the recipient could read when it was written: it goes only while they still may.
    pub readable: BTreeSet<Topic>,
}

/// Why someone in the circle was sent nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    pub name: String,
    pub reason: &'static str,
}

/// What a recipient who may not read meetings and reviews is told instead: nothing; they
/// are left out and the sender is told why.
pub const NOT_SHARED_REASON: &str = "meetings and reviews are not shared with them";
/// A recipient without an email address on their account.
pub const NO_ADDRESS_REASON: &str = "no email address";

/// The letters about meeting `meeting_id` of the person called `person_name`: `document` as
/// each of `recipients` may read it. `link` is the meeting's page in Circle; `now_ms` stamps
/// the calendar file. A recipient who may not read meetings and reviews, or who has no
/// address, gets no letter and is listed in the second part with the reason. `None` when the
/// meeting is not in `set`.
pub fn letters(
    set: &RecordSet,
    meeting_id: Uuid,
    person_name: &str,
    document: Document,
    recipients: &[Recipient],
    link: &str,
    now_ms: i64,
) -> Option<(Vec<Letter>, Vec<Withheld>)> {
    let meeting = set.find(MEETINGS, meeting_id).filter(|m| !m.deleted)?;
    let mut sent = Vec::new();
    let mut withheld = Vec::new();
    for r in recipients {
        if !r.readable.contains(&meeting.topic) {
            withheld.push(Withheld {
                name: r.name.clone(),
                reason: NOT_SHARED_REASON,
            });
            continue;
        }
        if !r.email.contains('@') {
            withheld.push(Withheld {
                name: r.name.clone(),
                reason: NO_ADDRESS_REASON,
            });
            continue;
        }
        let page = match document {
            Document::Summary => {
                reviews::summary(set, meeting_id, person_name, &r.readable, r.easy_read)
            }
            Document::Agenda => agenda_page(meeting, person_name, r.easy_read),
            Document::Invitation => invitation_page(meeting, person_name, r.easy_read),
        };
        let calendar = match document {
            Document::Invitation => reviews::meeting_ics(meeting, now_ms),
            _ => None,
        };
        let closing = if r.easy_read {
            format!("You can see this in Circle: {link}")
        } else {
            format!("Open it in Circle: {link}")
        };
        sent.push(Letter {
            user: r.user,
            name: r.name.clone(),
            email: r.email.trim().to_owned(),
            subject: one_line(&page.title),
            text: format!("{}\n{closing}\n", page.plain_text),
            html: html(&page, link, &closing),
            calendar,
            readable: r.readable.clone(),
        });
    }
    Some((sent, withheld))
}

/// "Agenda: Dan Smith's complex review: Late evenings out".
fn page_title(prefix: &str, person_name: &str, meeting: &Record) -> String {
    let what = MeetingType::of(meeting).map_or("meeting", MeetingType::words);
    format!(
        "{prefix}: {}: {}",
        possessive(person_name, &what.to_lowercase()),
        meeting.text("title").trim()
    )
}

/// The agenda as a page to send, in the recipient's format.
fn agenda_page(meeting: &Record, person_name: &str, easy_read: bool) -> Summary {
    let agenda = reviews::agenda_in(meeting, easy_read);
    let title = page_title("Agenda", person_name, meeting);
    let mut lead = Vec::new();
    if let Some(when) = &agenda.when {
        lead.push(if easy_read {
            format!("When: {when}")
        } else {
            format!("When: {when}{}", minutes_words(agenda.minutes))
        });
    }
    if !agenda.place.is_empty() {
        lead.push(format!("Where: {}", agenda.place));
    }
    if !agenda.chair.is_empty() {
        lead.push(format!(
            "{}: {}",
            if easy_read {
                "Leading the meeting"
            } else {
                "Chair"
            },
            agenda.chair
        ));
    }
    let mut sections = Vec::new();
    if !agenda.decisions.is_empty() {
        sections.push((
            if easy_read {
                "What we need to decide"
            } else {
                "Decisions to make"
            }
            .to_owned(),
            agenda.decisions,
        ));
    }
    if !agenda.items.is_empty() {
        sections.push((
            if easy_read {
                "What we will talk about"
            } else {
                "Agenda"
            }
            .to_owned(),
            agenda.items,
        ));
    }
    Summary::of(title, sections, lead)
}

fn minutes_words(minutes: Option<u32>) -> String {
    minutes.map_or(String::new(), |m| format!(" ({m} minutes)"))
}

/// The invitation as a page to send.
fn invitation_page(meeting: &Record, person_name: &str, easy_read: bool) -> Summary {
    let title = page_title("Invitation", person_name, meeting);
    let mut lead = vec![if easy_read {
        "You are invited to a meeting.".to_owned()
    } else {
        "You are invited to this meeting.".to_owned()
    }];
    if let Some(ms) = meeting.number("starts_at") {
        let minutes = meeting
            .number("minutes")
            .and_then(|n| u32::try_from(n).ok());
        lead.push(format!(
            "When: {}{}",
            london_label(ms),
            minutes_words(minutes)
        ));
    }
    let place = meeting.text("place").trim();
    if !place.is_empty() {
        lead.push(format!("Where: {place}"));
    }
    let format = meeting.text("format");
    if !format.is_empty() {
        lead.push(format!("How: {}", format.replace('_', " ")));
    }
    lead.push(if easy_read {
        "The calendar file is with this email.".to_owned()
    } else {
        "The calendar file (.ics) is attached.".to_owned()
    });
    Summary::of(title, Vec::new(), lead)
}

/// A subject is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` safe inside HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page as an HTML email: every text escaped, the link only when it is http(s).
fn html(page: &Summary, link: &str, closing: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;font-size:16px;line-height:1.5\">",
    );
    let _ = write!(out, "<h1>{}</h1>", escape_html(&page.title));
    for line in &page.lead {
        let _ = write!(out, "<p>{}</p>", escape_html(line));
    }
    for (heading, lines) in &page.sections {
        let _ = write!(out, "<h2>{}</h2><ul>", escape_html(heading));
        for line in lines {
            let _ = write!(out, "<li>{}</li>", escape_html(line));
        }
        out.push_str("</ul>");
    }
    if link.starts_with("https://") || link.starts_with("http://") {
        let _ = write!(
            out,
            "<p><a href=\"{}\">{}</a></p>",
            escape_html(link),
            escape_html(closing)
        );
    } else {
        let _ = write!(out, "<p>{}</p>", escape_html(closing));
    }
    out.push_str("</body></html>");
    out
}

// ---- Delivery

/// How long to wait before trying a failed delivery again, by how many tries have failed;
/// `None` once tries run out (the delivery is then shown as failed, for a person to try
/// again).
pub fn retry_after_ms(failed_tries: u32) -> Option<i64> {
    const MINUTE: i64 = 60_000;
    match failed_tries {
        0 => Some(0),
        1 => Some(MINUTE),
        2 => Some(5 * MINUTE),
        3 => Some(30 * MINUTE),
        4 => Some(2 * 60 * MINUTE),
        5 => Some(6 * 60 * MINUTE),
        _ => None,
    }
}

/// Where one letter stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first try, or for the next after a failure (`error` says why the last
    /// failed).
    Queued {
        next_try_ms: i64,
        error: Option<String>,
    },
    Sent {
        at_ms: i64,
    },
    /// Given up after its tries, or refused for good by the relay; a person may try again.
    Failed {
        error: String,
    },
}

/// One letter as the meeting's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    pub meeting: Uuid,
    pub document: Document,
    pub to_name: String,
    pub queued_ms: i64,
    pub queued_by: String,
    pub tries: u32,
    pub state: DeliveryState,
}

impl Delivery {
    /// "Sent 10:42, Sun 6 Dec 2026", "Waiting to send: the relay did not answer (next try
    /// 10:47, …)", "Not sent: …".
    pub fn state_words(&self) -> String {
        match &self.state {
            DeliveryState::Sent { at_ms } => format!("Sent {}", london_label(*at_ms)),
            DeliveryState::Queued { error: None, .. } => "Waiting to send".to_owned(),
            DeliveryState::Queued {
                error: Some(e),
                next_try_ms,
            } => format!(
                "Not sent yet: {e}. Circle tries again at {}",
                london_label(*next_try_ms)
            ),
            DeliveryState::Failed { error } => format!("Not sent: {error}"),
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.state, DeliveryState::Failed { .. })
    }
}

#[cfg(test)]
mod tests;
