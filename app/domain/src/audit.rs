//! The audit trail: who looked at and changed what, when and from which device. Events are
//! written by the server and never changed; managers and the person read them, filtered, on a
//! screen or as CSV.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::PersonId;
use crate::access::UserId;
use crate::service::ServiceId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    Viewed,
    Changed,
    Exported,
    ConsentChanged,
    SignedIn,
    SignedOut,
    Invited,
    JoinedCircle,
    /// Staff roles given or taken away, services added or renamed.
    Administered,
}

impl AuditKind {
    pub const ALL: [AuditKind; 9] = [
        AuditKind::Viewed,
        AuditKind::Changed,
        AuditKind::Exported,
        AuditKind::ConsentChanged,
        AuditKind::SignedIn,
        AuditKind::SignedOut,
        AuditKind::Invited,
        AuditKind::JoinedCircle,
        AuditKind::Administered,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AuditKind::Viewed => "viewed",
            AuditKind::Changed => "changed",
            AuditKind::Exported => "exported",
            AuditKind::ConsentChanged => "consent_changed",
            AuditKind::SignedIn => "signed_in",
            AuditKind::SignedOut => "signed_out",
            AuditKind::Invited => "invited",
            AuditKind::JoinedCircle => "joined_circle",
            AuditKind::Administered => "administered",
        }
    }

    pub fn from_key(key: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            AuditKind::Viewed => "Looked at",
            AuditKind::Changed => "Changed",
            AuditKind::Exported => "Printed or downloaded",
            AuditKind::ConsentChanged => "Changed who sees what",
            AuditKind::SignedIn => "Signed in",
            AuditKind::SignedOut => "Signed out",
            AuditKind::Invited => "Invited someone",
            AuditKind::JoinedCircle => "Joined the circle",
            AuditKind::Administered => "Changed staff or services",
        }
    }
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: Uuid,
    /// Milliseconds since 1970-01-01 UTC.
    pub at_ms: i64,
    pub user: Option<UserId>,
    /// The user's name as it was then.
    pub user_name: String,
    /// Which device, as people recognise it ("Chrome on Android").
    pub device: String,
    /// Whose record, when it was about a record.
    pub person: Option<PersonId>,
    /// Which service, when it was about running one (staff roles, the service itself).
    #[serde(default)]
    pub service: Option<ServiceId>,
    pub kind: AuditKind,
    /// What happened, in words.
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The audit trail's words for one edit: what happened, and the value before and after where
/// the edit set one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLines {
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Who made the edits of one push, as the audit trail names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editor {
    pub user: Option<UserId>,
    /// Their name as it is now.
    pub name: String,
    /// Which device ("Chrome on Android").
    pub device: String,
    /// Milliseconds since 1970-01-01 UTC.
    pub at_ms: i64,
}

impl Editor {
    /// Circle itself (imports, the demo dataset, benchmarks and tests).
    pub fn system(at_ms: i64) -> Editor {
        Editor {
            user: None,
            name: "Circle".to_owned(),
            device: "Circle".to_owned(),
            at_ms,
        }
    }

    /// The audit event of one edit to `person`'s record, under the id `id` (the caller makes
    /// ids: this crate has no source of randomness).
    pub fn changed(&self, id: Uuid, person: PersonId, lines: AuditLines) -> AuditEvent {
        AuditEvent {
            id,
            at_ms: self.at_ms,
            user: self.user,
            user_name: self.name.clone(),
            device: self.device.clone(),
            person: Some(person),
            service: None,
            kind: AuditKind::Changed,
            summary: lines.summary,
            before: lines.before,
            after: lines.after,
        }
    }
}

impl AuditEvent {
    /// The event with every control character a database could refuse (a NUL, above all:
    /// PostgreSQL cannot store one) replaced by U+FFFD, so that recording an edit never fails
    /// because of what was typed, on either database.
    pub fn storable(&self) -> AuditEvent {
        let clean = |text: &str| {
            if crate::has_control_character(text) {
                text.chars()
                    .map(|c| {
                        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect()
            } else {
                text.to_owned()
            }
        };
        AuditEvent {
            user_name: clean(&self.user_name),
            device: clean(&self.device),
            summary: clean(&self.summary),
            before: self.before.as_deref().map(clean),
            after: self.after.as_deref().map(clean),
            ..self.clone()
        }
    }
}

/// Which events to list. Only events about `people`, or about running `services`, are ever
/// returned: the caller puts there the records and services its reader may audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub people: Vec<PersonId>,
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// Users whose account events (signing in and out, downloads: events about no record and
    /// no service) are listed too: the reader's own, and a manager's staff's.
    #[serde(default)]
    pub account_users: Vec<UserId>,
    pub user: Option<UserId>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: u32,
}

/// What one reader may list of the audit trail: events about these records, about running
/// these services, and the account events of these users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auditable {
    pub people: Vec<PersonId>,
    pub services: Vec<ServiceId>,
    pub account_users: Vec<UserId>,
}

/// The audit page's filter fields as typed: `person` and `user` are ids (blank for all),
/// `from` and `to` dates as `YYYY-MM-DD` (both days included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditForm<'a> {
    pub person: Option<&'a str>,
    pub user: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

impl AuditFilter {
    /// A filter from the audit page's fields. Only what `auditable` holds is ever included,
    /// whatever the form says; the running of services and account events are included unless
    /// one person was chosen.
    pub fn from_form(auditable: Auditable, form: AuditForm<'_>, limit: u32) -> AuditFilter {
        let person = form.person.map(str::trim).filter(|p| !p.is_empty());
        let chosen = person.and_then(|p| p.parse::<PersonId>().ok());
        let people = match (person, chosen) {
            (None, _) => auditable.people,
            (Some(_), Some(p)) if auditable.people.contains(&p) => vec![p],
            (Some(_), _) => Vec::new(),
        };
        let (services, account_users) = if person.is_some() {
            (Vec::new(), Vec::new())
        } else {
            (auditable.services, auditable.account_users)
        };
        AuditFilter {
            people,
            services,
            account_users,
            user: form
                .user
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .and_then(|u| u.parse().ok()),
            from_ms: form.from.and_then(day_start_ms),
            to_ms: form.to.and_then(day_end_ms),
            limit,
        }
    }
}

/// Events on one page of the audit trail.
pub const AUDIT_PAGE_SIZE: usize = 50;
/// The last page the screen goes to (10,000 events back); further back, narrow the dates.
pub const AUDIT_LAST_PAGE: u32 = 200;

/// Which page of the audit trail is shown, newest first: page 1 holds the newest 50 events.
/// The store lists events newest first up to a limit, so a page is read as the events up to
/// its end and cut (audit events are never changed, so pages do not shift as they are read,
/// except by events added since at the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPaging {
    pub page: u32,
}

/// One page of events and where the reader can go from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageOf<T> {
    pub rows: Vec<T>,
    pub page: u32,
    pub has_previous: bool,
    pub has_next: bool,
}

impl AuditPaging {
    /// The page asked for in the address (`?page=3`); page 1 for anything that is not a page
    /// number, the last page the screen goes to for one beyond it.
    pub fn from_query(page: Option<&str>) -> AuditPaging {
        let page = page
            .and_then(|p| p.trim().parse::<u32>().ok())
            .unwrap_or(1)
            .clamp(1, AUDIT_LAST_PAGE);
        AuditPaging { page }
    }

    /// How many events to ask the store for: those up to the end of this page, and one more to
    /// know whether there is a next page.
    pub fn fetch_limit(self) -> u32 {
        self.page * AUDIT_PAGE_SIZE as u32 + 1
    }

    /// This page of `newest_first`, the events the store returned for [`Self::fetch_limit`].
    pub fn cut<T>(self, newest_first: Vec<T>) -> AuditPageOf<T> {
        let start = (self.page as usize - 1) * AUDIT_PAGE_SIZE;
        let end = start + AUDIT_PAGE_SIZE;
        let has_next = newest_first.len() > end && self.page < AUDIT_LAST_PAGE;
        let rows = newest_first
            .into_iter()
            .skip(start)
            .take(AUDIT_PAGE_SIZE)
            .collect();
        AuditPageOf {
            rows,
            page: self.page,
            has_previous: self.page > 1,
            has_next,
        }
    }
}

impl AuditForm<'_> {
    /// The address of page `page` of the audit trail with these filters (`/audit?…`): blank
    /// fields are left out, and every value is percent-encoded.
    pub fn href(&self, path: &str, page: Option<u32>) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("person", self.person),
            ("user", self.user),
            ("from", self.from),
            ("to", self.to),
        ] {
            if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", percent_encoded(v)));
            }
        }
        if let Some(page) = page.filter(|p| *p > 1) {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }
}

/// `text` with everything but the unreserved characters of RFC 3986 percent-encoded, for a
/// query value.
pub fn percent_encoded(text: &str) -> String {
    percent_encoded_keeping(text, &[])
}

/// As [`percent_encoded`], leaving the bytes of `keep` as they are too (`b"/"` for a path).
pub fn percent_encoded_keeping(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b)
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Milliseconds at the start of a `YYYY-MM-DD` day in the UK (midnight GMT, or midnight BST
/// in summer), or `None` for anything that is not a date.
pub fn day_start_ms(date: &str) -> Option<i64> {
    date.trim()
        .parse::<crate::calendar::Date>()
        .ok()
        .map(crate::calendar::london_midnight_ms)
}

/// Milliseconds at the end of a `YYYY-MM-DD` day in the UK: the start of the next day (a day
/// when the clocks change is 23 or 25 hours long).
pub fn day_end_ms(date: &str) -> Option<i64> {
    let day = date.trim().parse::<crate::calendar::Date>().ok()?;
    day.add_days(1).map(crate::calendar::london_midnight_ms)
}

/// The events as CSV (RFC 4180), one row each, with a header. Cells that a spreadsheet would
/// run as a formula are prefixed with an apostrophe.
pub fn to_csv(
    events: &[AuditEvent],
    person_name: impl Fn(PersonId) -> String,
    service_name: impl Fn(ServiceId) -> String,
) -> String {
    let mut out = String::from("time_uk,user,device,person,service,what,summary,before,after\r\n");
    for e in events {
        let cells = [
            crate::calendar::london_label_with_zone(e.at_ms),
            e.user_name.clone(),
            e.device.clone(),
            e.person.map(&person_name).unwrap_or_default(),
            e.service.map(&service_name).unwrap_or_default(),
            e.kind.title().to_owned(),
            e.summary.clone(),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell: quoted where it must be, and a formula defused with an apostrophe.
pub(crate) fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(summary: &str) -> AuditEvent {
        AuditEvent {
            id: Uuid::from_u128(1),
            at_ms: 0,
            user: None,
            user_name: "Asha Patel".into(),
            device: "Chrome on Android".into(),
            person: Some(PersonId(Uuid::from_u128(2))),
            service: None,
            kind: AuditKind::Changed,
            summary: summary.into(),
            before: Some("old, \"quoted\"".into()),
            after: Some("=HYPERLINK(\"x\")".into()),
        }
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_defuses_formulas() {
        let csv = to_csv(
            &[event("Goal wording")],
            |_| "Maggie".into(),
            |_| String::new(),
        );
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("time_uk,user,device,person,service,what,summary,before,after")
        );
        let row = lines.next().expect("one row");
        assert!(row.contains("Asha Patel,Chrome on Android,Maggie,,Changed,Goal wording"));
        assert!(row.contains("\"old, \"\"quoted\"\"\""));
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\")\""));
    }

    #[test]
    fn a_day_starts_at_midnight_in_the_uk_whether_gmt_or_bst() {
        assert_eq!(day_start_ms("2026-11-23"), Some(1_795_392_000_000));
        // 1 July 2026 starts at 23:00 UTC on 30 June (BST).
        assert_eq!(day_start_ms("2026-07-01"), Some(1_782_860_400_000));
        // The day the clocks go forward is 23 hours long.
        assert_eq!(
            day_end_ms("2026-03-29")
                .zip(day_start_ms("2026-03-29"))
                .map(|(e, s)| e - s),
            Some(23 * 60 * 60 * 1000)
        );
        assert_eq!(day_start_ms("2026-13-01"), None);
        assert_eq!(day_start_ms("soon"), None);
    }

    #[test]
    fn a_filter_never_reaches_beyond_the_records_the_reader_may_audit() {
        let mine = PersonId(Uuid::from_u128(1));
        let other = PersonId(Uuid::from_u128(2));
        let scope = || Auditable {
            people: vec![mine],
            ..Auditable::default()
        };
        let all = AuditFilter::from_form(scope(), AuditForm::default(), 10);
        assert_eq!(all.people, vec![mine]);
        let other = other.to_string();
        let asked = AuditFilter::from_form(
            scope(),
            AuditForm {
                person: Some(&other),
                ..AuditForm::default()
            },
            10,
        );
        assert!(asked.people.is_empty());
        let day = AuditFilter::from_form(
            scope(),
            AuditForm {
                from: Some("1970-01-02"),
                to: Some("1970-01-02"),
                ..AuditForm::default()
            },
            10,
        );
        assert_eq!(day.from_ms, Some(86_400_000));
        assert_eq!(day.to_ms, Some(2 * 86_400_000));
    }

    #[test]
    fn the_running_of_services_and_account_events_are_listed_unless_one_person_is_chosen() {
        let mine = PersonId(Uuid::from_u128(1));
        let site = ServiceId(Uuid::from_u128(3));
        let me = UserId(Uuid::from_u128(4));
        let scope = || Auditable {
            people: vec![mine],
            services: vec![site],
            account_users: vec![me],
        };
        let all = AuditFilter::from_form(scope(), AuditForm::default(), 10);
        assert_eq!(all.services, vec![site]);
        assert_eq!(all.account_users, vec![me]);
        let mine_text = mine.to_string();
        let one = AuditFilter::from_form(
            scope(),
            AuditForm {
                person: Some(&mine_text),
                ..AuditForm::default()
            },
            10,
        );
        assert_eq!(one.people, vec![mine]);
        assert!(one.services.is_empty());
        assert!(one.account_users.is_empty());
    }

    #[test]
    fn the_audit_trail_is_shown_fifty_events_a_page_with_a_next_page_only_when_there_is_one() {
        let first = AuditPaging::from_query(None);
        assert_eq!(first.page, 1);
        assert_eq!(first.fetch_limit(), 51);
        let page = first.cut((0..51).collect::<Vec<_>>());
        assert_eq!(page.rows, (0..50).collect::<Vec<_>>());
        assert!(page.has_next && !page.has_previous);
        let exactly = first.cut((0..50).collect::<Vec<_>>());
        assert!(!exactly.has_next, "fifty events fill one page");

        let third = AuditPaging::from_query(Some("3"));
        assert_eq!(third.fetch_limit(), 151);
        let page = third.cut((0..120).collect::<Vec<_>>());
        assert_eq!(page.rows, (100..120).collect::<Vec<_>>());
        assert!(page.has_previous && !page.has_next);
    }

    #[test]
    fn a_page_that_is_not_a_number_is_the_first_and_one_too_far_back_is_the_last() {
        for asked in ["", "0", "-2", "two", "3.5"] {
            assert_eq!(AuditPaging::from_query(Some(asked)).page, 1, "{asked}");
        }
        assert_eq!(
            AuditPaging::from_query(Some("999999")).page,
            AUDIT_LAST_PAGE
        );
        let last = AuditPaging::from_query(Some("999999"));
        let all = (0..last.fetch_limit()).collect::<Vec<_>>();
        assert!(!last.cut(all).has_next, "no link beyond the last page");
    }

    #[test]
    fn page_links_keep_the_filters_and_encode_what_was_typed() {
        let form = AuditForm {
            person: Some("p-1"),
            user: Some(""),
            from: Some("2026-11-01"),
            to: Some("a&b=c d"),
        };
        assert_eq!(
            form.href("/audit", Some(2)),
            "/audit?person=p-1&from=2026-11-01&to=a%26b%3Dc%20d&page=2"
        );
        assert_eq!(
            form.href("/audit", Some(1)),
            "/audit?person=p-1&from=2026-11-01&to=a%26b%3Dc%20d"
        );
        assert_eq!(AuditForm::default().href("/audit.csv", None), "/audit.csv");
    }

    #[test]
    fn every_kind_has_a_key_that_reads_back() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_key(kind.key()), Some(kind));
        }
    }
}
