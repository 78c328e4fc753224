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

/// Which events to list. Only events about `people`, or about running `services`, are ever
/// returned: the caller puts there the records and services its reader may audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub people: Vec<PersonId>,
    #[serde(default)]
    pub services: Vec<ServiceId>,
    pub user: Option<UserId>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: u32,
}

impl AuditFilter {
    /// A filter from the audit page's fields: `person` and `user` are ids (blank for all),
    /// `from` and `to` dates as `YYYY-MM-DD` (UTC, both days included). Only people in
    /// `auditable` are ever included, whatever `person` says; the administration of
    /// `auditable_services` is included unless one person was chosen.
    #[allow(clippy::too_many_arguments)]
    pub fn from_form(
        auditable: Vec<PersonId>,
        auditable_services: Vec<ServiceId>,
        person: Option<&str>,
        user: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        limit: u32,
    ) -> AuditFilter {
        let chosen = person
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| p.trim().parse::<PersonId>().ok());
        let one_person = person.map(str::trim).is_some_and(|p| !p.is_empty());
        let people = match (person.map(str::trim).filter(|p| !p.is_empty()), chosen) {
            (None, _) => auditable,
            (Some(_), Some(p)) if auditable.contains(&p) => vec![p],
            (Some(_), _) => Vec::new(),
        };
        const DAY: i64 = 24 * 60 * 60 * 1000;
        AuditFilter {
            people,
            services: if one_person {
                Vec::new()
            } else {
                auditable_services
            },
            user: user
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .and_then(|u| u.parse().ok()),
            from_ms: from.and_then(day_start_ms),
            to_ms: to.and_then(day_start_ms).map(|ms| ms + DAY),
            limit,
        }
    }
}

/// Milliseconds at the start of a `YYYY-MM-DD` day (UTC), or `None` for anything else.
pub fn day_start_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 24 * 60 * 60 * 1000)
}

/// The events as CSV (RFC 4180), one row each, with a header. Cells that a spreadsheet would
/// run as a formula are prefixed with an apostrophe.
pub fn to_csv(
    events: &[AuditEvent],
    person_name: impl Fn(PersonId) -> String,
    service_name: impl Fn(ServiceId) -> String,
) -> String {
    let mut out = String::from("time_utc,user,device,person,service,what,summary,before,after\r\n");
    for e in events {
        let cells = [
            crate::utc_label(e.at_ms),
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

fn csv_cell(text: &str) -> String {
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
            Some("time_utc,user,device,person,service,what,summary,before,after")
        );
        let row = lines.next().expect("one row");
        assert!(row.contains("Asha Patel,Chrome on Android,Maggie,,Changed,Goal wording"));
        assert!(row.contains("\"old, \"\"quoted\"\"\""));
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\")\""));
    }

    #[test]
    fn a_day_starts_at_utc_midnight() {
        assert_eq!(day_start_ms("1970-01-01"), Some(0));
        assert_eq!(day_start_ms("2026-11-23"), Some(1_795_392_000_000));
        assert_eq!(day_start_ms("2026-13-01"), None);
        assert_eq!(day_start_ms("soon"), None);
    }

    #[test]
    fn a_filter_never_reaches_beyond_the_records_the_reader_may_audit() {
        let mine = PersonId(Uuid::from_u128(1));
        let other = PersonId(Uuid::from_u128(2));
        let all = AuditFilter::from_form(vec![mine], Vec::new(), None, None, None, None, 10);
        assert_eq!(all.people, vec![mine]);
        let asked = AuditFilter::from_form(
            vec![mine],
            Vec::new(),
            Some(&other.to_string()),
            None,
            None,
            None,
            10,
        );
        assert!(asked.people.is_empty());
        let day = AuditFilter::from_form(
            vec![mine],
            Vec::new(),
            None,
            None,
            Some("1970-01-02"),
            Some("1970-01-02"),
            10,
        );
        assert_eq!(day.from_ms, Some(86_400_000));
        assert_eq!(day.to_ms, Some(2 * 86_400_000));
    }

    #[test]
    fn the_administration_of_services_is_listed_unless_one_person_is_chosen() {
        let mine = PersonId(Uuid::from_u128(1));
        let site = ServiceId(Uuid::from_u128(3));
        let all = AuditFilter::from_form(vec![mine], vec![site], None, None, None, None, 10);
        assert_eq!(all.services, vec![site]);
        let one = AuditFilter::from_form(
            vec![mine],
            vec![site],
            Some(&mine.to_string()),
            None,
            None,
            None,
            10,
        );
        assert_eq!(one.people, vec![mine]);
        assert!(one.services.is_empty());
    }

    #[test]
    fn every_kind_has_a_key_that_reads_back() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_key(kind.key()), Some(kind));
        }
    }
}
