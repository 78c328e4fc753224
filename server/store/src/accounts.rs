//! SQL and rows for accounts, roles, circles, consent, invitations, sessions and the audit
//! trail (shared by both backends, like `sql.rs`).

use std::collections::{BTreeMap, BTreeSet};

use domain::access::{CircleRole, Membership, StaffRole, Topic, UserId};
use domain::audit::{AuditEvent, AuditKind};
use domain::{PersonId, ServiceId};
use uuid::Uuid;

use crate::StoreError;

/// A stored account. The hash never leaves the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub name: String,
    /// Argon2 PHC string; `None` until the person sets a password through their invitation.
    pub password_hash: Option<String>,
}

/// A member of a person's circle, as the consent grid lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CircleMember {
    pub user: UserId,
    pub name: String,
    pub role: CircleRole,
    pub shared: BTreeSet<Topic>,
    /// False while the place is offered and not yet accepted: they see nothing until then.
    pub accepted: bool,
}

/// A place in someone's circle offered to a user who has not accepted it yet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CircleOffer {
    pub person: PersonId,
    pub role: CircleRole,
}

/// An invitation as stored: only the hash of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub token_hash: String,
    pub person: PersonId,
    pub user: UserId,
    pub invited_by: UserId,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub used_ms: Option<i64>,
    /// When it stopped working because another link of the account was used.
    pub ended_ms: Option<i64>,
}

/// Why an invitation can't be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationProblem {
    #[error("This invitation link isn't one Circle sent.")]
    Unknown,
    #[error("This invitation has already been used. Sign in instead, or ask for a new one.")]
    Used,
    #[error("This invitation has expired. Ask the person who invited you for a new one.")]
    Expired,
    /// Another link of the same account was used, or the account already has a password.
    #[error(
        "This link no longer works: the account already has a password, or a newer link was used. Sign in instead."
    )]
    Ended,
}

pub(crate) const INSERT_USER: &str = "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, \
     password_hash = COALESCE(excluded.password_hash, users.password_hash)";
pub(crate) const SELECT_USER_BY_EMAIL: &str =
    "SELECT id, email, name, password_hash FROM users WHERE email = $1";
pub(crate) const SELECT_USER: &str =
    "SELECT id, email, name, password_hash FROM users WHERE id = $1";
pub(crate) const SET_PASSWORD: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";
pub(crate) const INSERT_STAFF_ROLE: &str = "INSERT INTO staff_roles \
     (user_id, service_id, role, granted_by, granted_ms) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (user_id, service_id, role) DO NOTHING";
pub(crate) const SELECT_STAFF_ROLES: &str =
    "SELECT service_id, role FROM staff_roles WHERE user_id = $1 ORDER BY service_id, role";
/// An offer of a place: pending (`accepted_ms` NULL) unless already accepted.
pub(crate) const UPSERT_MEMBER: &str = "INSERT INTO circle_members (person_id, user_id, role, accepted_ms) \
     VALUES ($1, $2, $3, NULL) ON CONFLICT (person_id, user_id) DO UPDATE SET role = excluded.role";
/// Nobody joins the circle of someone whose support has ended (their record is closed).
pub(crate) const ACCEPT_MEMBER: &str = "UPDATE circle_members SET accepted_ms = $1 \
     WHERE person_id = $2 AND user_id = $3 AND accepted_ms IS NULL \
     AND EXISTS (SELECT 1 FROM people p WHERE p.id = circle_members.person_id AND p.ended_ms IS NULL)";
/// When support ends, places offered and not yet taken up are withdrawn ...
pub(crate) const WITHDRAW_OFFERS_TO: &str =
    "DELETE FROM circle_members WHERE person_id = $1 AND accepted_ms IS NULL";
/// ... and every open invitation link into the circle ends.
pub(crate) const END_INVITATIONS_TO: &str = "UPDATE invitations SET ended_ms = $2 \
     WHERE person_id = $1 AND used_ms IS NULL AND ended_ms IS NULL";
pub(crate) const DECLINE_MEMBER: &str = "DELETE FROM circle_members \
     WHERE person_id = $1 AND user_id = $2 AND accepted_ms IS NULL";
pub(crate) const SELECT_OFFERS: &str = "SELECT person_id, role FROM circle_members \
     WHERE user_id = $1 AND accepted_ms IS NULL ORDER BY person_id";
/// Only accepted places count: an offer gives nothing until it is accepted.
pub(crate) const SELECT_MEMBERSHIPS: &str = "SELECT person_id, role FROM circle_members \
     WHERE user_id = $1 AND accepted_ms IS NOT NULL ORDER BY person_id";
pub(crate) const SET_FIRST_PASSWORD: &str =
    "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NULL";
pub(crate) const END_INVITATIONS_OF: &str = "UPDATE invitations SET ended_ms = $1 \
     WHERE user_id = $2 AND used_ms IS NULL AND ended_ms IS NULL";
pub(crate) const END_ACCOUNT_INVITATIONS_OF: &str = "UPDATE account_invitations SET ended_ms = $1 \
     WHERE user_id = $2 AND used_ms IS NULL AND ended_ms IS NULL";
pub(crate) const CLAIM_DEVICE: &str = "INSERT INTO devices (client_id, user_id, created_ms) \
     VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING";
pub(crate) const SELECT_DEVICE_OWNER: &str = "SELECT user_id FROM devices WHERE client_id = $1";
pub(crate) const SELECT_FAILURES: &str =
    "SELECT failures, last_ms FROM sign_in_failures WHERE key = $1";
/// One more failure; a count whose last failure is older than the window (`$3`) starts again.
pub(crate) const RECORD_FAILURE: &str = "INSERT INTO sign_in_failures (key, failures, last_ms) \
     VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET \
     failures = CASE WHEN sign_in_failures.last_ms < $2 - $3 THEN 1 \
     ELSE sign_in_failures.failures + 1 END, last_ms = excluded.last_ms";
pub(crate) const CLEAR_FAILURES: &str = "DELETE FROM sign_in_failures WHERE key = $1";
pub(crate) const DELETE_OLD_FAILURES: &str = "DELETE FROM sign_in_failures WHERE last_ms < $1";
pub(crate) const SELECT_CONSENT_OF_USER: &str =
    "SELECT person_id, topic FROM consent WHERE user_id = $1";
pub(crate) const SELECT_CIRCLE: &str = "SELECT m.user_id, u.name, m.role, m.accepted_ms \
     FROM circle_members m JOIN users u ON u.id = m.user_id WHERE m.person_id = $1 ORDER BY u.name";
pub(crate) const SELECT_CONSENT_OF_PERSON: &str =
    "SELECT user_id, topic FROM consent WHERE person_id = $1";
pub(crate) const SHARE_TOPIC: &str = "INSERT INTO consent (person_id, user_id, topic) \
     VALUES ($1, $2, $3) ON CONFLICT (person_id, user_id, topic) DO NOTHING";
pub(crate) const UNSHARE_TOPIC: &str =
    "DELETE FROM consent WHERE person_id = $1 AND user_id = $2 AND topic = $3";
pub(crate) const INSERT_INVITATION: &str = "INSERT INTO invitations \
     (token_hash, person_id, user_id, invited_by, created_ms, expires_ms, used_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, NULL)";
pub(crate) const SELECT_INVITATION: &str = "SELECT token_hash, person_id, user_id, invited_by, \
     created_ms, expires_ms, used_ms, ended_ms FROM invitations WHERE token_hash = $1";
/// Single use: only the first redemption of an unexpired, unended invitation changes a row.
pub(crate) const USE_INVITATION: &str = "UPDATE invitations SET used_ms = $1 \
     WHERE token_hash = $2 AND used_ms IS NULL AND ended_ms IS NULL AND expires_ms > $1";
/// A session, if it stands, and the access epoch, in one round trip.
pub(crate) const SELECT_SESSION: &str = "SELECT e.version, s.record FROM access_epoch e \
     LEFT JOIN sessions s ON s.id = $1 AND s.expires_ms > $2 WHERE e.id = 1";
pub(crate) const ADVANCE_ACCESS_EPOCH: &str =
    "UPDATE access_epoch SET version = version + 1 WHERE id = 1 RETURNING version";
pub(crate) const UPSERT_SESSION: &str = "INSERT INTO sessions (id, user_id, record, expires_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, record = excluded.record, \
     expires_ms = excluded.expires_ms";
pub(crate) const INSERT_NEW_SESSION: &str = "INSERT INTO sessions (id, user_id, record, expires_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (id) DO NOTHING";
pub(crate) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1 RETURNING user_id";
pub(crate) const DELETE_SESSIONS_OF_USER: &str = "DELETE FROM sessions WHERE user_id = $1";
pub(crate) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_ms <= $1";
pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_events \
     (id, at_ms, user_id, user_name, device, person_id, kind, summary, before, after, service_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
/// The audit query for `people` people, `services` services and `users` users' account events:
/// `$1` user ('' for anyone), `$2`..`$3` the time range, `$4` the limit, then one placeholder
/// per person, then one per service, then one per user.
pub(crate) fn select_audit(people: usize, services: usize, users: usize) -> String {
    let list = |from: usize, n: usize| {
        if n == 0 {
            // Nothing equals NULL: an empty list matches no row.
            "NULL".to_owned()
        } else {
            (from..from + n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    format!(
        "SELECT id, at_ms, user_id, user_name, device, person_id, kind, summary, before, after, \
         service_id FROM audit_events WHERE ($1 = '' OR user_id = $1) AND at_ms >= $2 \
         AND at_ms < $3 AND (person_id IN ({}) OR (person_id IS NULL AND service_id IN ({})) \
         OR (person_id IS NULL AND service_id IS NULL AND user_id IN ({}))) \
         ORDER BY at_ms DESC, id DESC LIMIT $4",
        list(5, people),
        list(5 + people, services),
        list(5 + people + services, users)
    )
}

pub(crate) const SELECT_EARLY_WARNINGS: &str = "SELECT w.id, w.person_id, w.indicator, \
     w.contact_id, u.name, w.agreed_ms FROM early_warnings w JOIN users u ON u.id = w.contact_id \
     WHERE w.person_id = $1 ORDER BY w.agreed_ms, w.id";
pub(crate) const INSERT_EARLY_WARNING: &str = "INSERT INTO early_warnings \
     (id, person_id, indicator, contact_id, agreed_ms, agreed_by) VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const DELETE_EARLY_WARNING: &str =
    "DELETE FROM early_warnings WHERE id = $1 AND person_id = $2";

/// id, person, indicator, contact, contact's name, agreed.
pub(crate) type EarlyWarningRow = (String, String, String, String, String, i64);

pub(crate) fn early_warning_from_row(
    (id, person, indicator, contact, contact_name, agreed_ms): EarlyWarningRow,
) -> Result<domain::access::EarlyWarning, StoreError> {
    Ok(domain::access::EarlyWarning {
        id: uuid("early_warnings.id", &id)?,
        person: PersonId(uuid("early_warnings.person_id", &person)?),
        indicator,
        contact: UserId(uuid("early_warnings.contact_id", &contact)?),
        contact_name,
        agreed_ms,
    })
}

pub(crate) const SELECT_ALL_STAFF: &str = "SELECT r.user_id, u.name, u.email, r.service_id, \
     r.role, r.granted_by, r.granted_ms FROM staff_roles r JOIN users u ON u.id = r.user_id \
     ORDER BY u.name, r.service_id, r.role";
pub(crate) const DELETE_STAFF_ROLE: &str =
    "DELETE FROM staff_roles WHERE user_id = $1 AND service_id = $2 AND role = $3";
pub(crate) const INSERT_ACCOUNT_INVITATION: &str = "INSERT INTO account_invitations \
     (token_hash, user_id, invited_by, created_ms, expires_ms, used_ms) \
     VALUES ($1, $2, $3, $4, $5, NULL)";
pub(crate) const USE_ACCOUNT_INVITATION: &str = "UPDATE account_invitations SET used_ms = $1 \
     WHERE token_hash = $2 AND used_ms IS NULL AND ended_ms IS NULL AND expires_ms > $1";
pub(crate) const SELECT_ACCOUNT_INVITATION: &str =
    "SELECT user_id, used_ms, ended_ms FROM account_invitations WHERE token_hash = $1";

/// A member of staff's role in one service, as the administration page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffMember {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub service: ServiceId,
    pub role: StaffRole,
    /// Who gave the role (`None` for Circle itself, or roles from before this was kept).
    pub granted_by: Option<UserId>,
    pub granted_ms: Option<i64>,
}

/// user, name, email, service, role, granted by, granted at.
pub(crate) type StaffRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
);

pub(crate) fn staff_member_from_row(
    (user, name, email, service, role, by, at): StaffRow,
) -> Result<StaffMember, StoreError> {
    Ok(StaffMember {
        user: UserId(uuid("staff_roles.user_id", &user)?),
        name,
        email,
        service: ServiceId(uuid("staff_roles.service_id", &service)?),
        role: staff_role(&role)?,
        granted_by: by
            .map(|b| uuid("staff_roles.granted_by", &b).map(UserId))
            .transpose()?,
        granted_ms: at,
    })
}

/// id, email, name, password hash.
pub(crate) type UserRow = (String, String, String, Option<String>);
/// token hash, person, user, invited by, created, expires, used, ended.
pub(crate) type InvitationRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);
/// id, at, user, user name, device, person, kind, summary, before, after.
pub(crate) type AuditRow = (
    String,
    i64,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn uuid(column: &str, text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt(format!("{column} {text:?}: {e}")))
}

pub(crate) fn user_from_row((id, email, name, hash): UserRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: UserId(uuid("users.id", &id)?),
        email,
        name,
        password_hash: hash,
    })
}

pub(crate) fn invitation_from_row(row: InvitationRow) -> Result<InvitationRecord, StoreError> {
    let (token_hash, person, user, by, created_ms, expires_ms, used_ms, ended_ms) = row;
    Ok(InvitationRecord {
        token_hash,
        person: PersonId(uuid("invitations.person_id", &person)?),
        user: UserId(uuid("invitations.user_id", &user)?),
        invited_by: UserId(uuid("invitations.invited_by", &by)?),
        created_ms,
        expires_ms,
        used_ms,
        ended_ms,
    })
}

pub(crate) fn staff_role(role: &str) -> Result<StaffRole, StoreError> {
    StaffRole::from_key(role).ok_or_else(|| StoreError::Corrupt(format!("staff role {role:?}")))
}

pub(crate) fn circle_role(role: &str) -> Result<CircleRole, StoreError> {
    CircleRole::from_key(role).ok_or_else(|| StoreError::Corrupt(format!("circle role {role:?}")))
}

pub(crate) fn topic_of(topic: &str) -> Result<Topic, StoreError> {
    Topic::from_key(topic).ok_or_else(|| StoreError::Corrupt(format!("topic {topic:?}")))
}

/// Builds the memberships of one user from their circle rows and consent rows.
pub(crate) fn memberships(
    rows: Vec<(String, String)>,
    consent: Vec<(String, String)>,
) -> Result<Vec<Membership>, StoreError> {
    let mut shared: BTreeMap<String, BTreeSet<Topic>> = BTreeMap::new();
    for (person, t) in consent {
        shared.entry(person).or_default().insert(topic_of(&t)?);
    }
    rows.into_iter()
        .map(|(person, role)| {
            Ok(Membership {
                person: PersonId(uuid("circle_members.person_id", &person)?),
                role: circle_role(&role)?,
                shared: shared.remove(&person).unwrap_or_default(),
            })
        })
        .collect()
}

pub(crate) fn staff_roles(
    rows: Vec<(String, String)>,
) -> Result<Vec<(ServiceId, StaffRole)>, StoreError> {
    rows.into_iter()
        .map(|(service, role)| {
            Ok((
                ServiceId(uuid("staff_roles.service_id", &service)?),
                staff_role(&role)?,
            ))
        })
        .collect()
}

pub(crate) fn circle(
    rows: Vec<(String, String, String, Option<i64>)>,
    consent: Vec<(String, String)>,
) -> Result<Vec<CircleMember>, StoreError> {
    let mut shared: BTreeMap<String, BTreeSet<Topic>> = BTreeMap::new();
    for (user, t) in consent {
        shared.entry(user).or_default().insert(topic_of(&t)?);
    }
    rows.into_iter()
        .map(|(user, name, role, accepted_ms)| {
            Ok(CircleMember {
                user: UserId(uuid("circle_members.user_id", &user)?),
                name,
                role: circle_role(&role)?,
                shared: shared.remove(&user).unwrap_or_default(),
                accepted: accepted_ms.is_some(),
            })
        })
        .collect()
}

pub(crate) fn audit_from_row(row: AuditRow) -> Result<AuditEvent, StoreError> {
    let (id, at_ms, user, user_name, device, person, kind, summary, before, after, service) = row;
    Ok(AuditEvent {
        id: uuid("audit_events.id", &id)?,
        at_ms,
        user: user
            .map(|u| uuid("audit_events.user_id", &u).map(UserId))
            .transpose()?,
        user_name,
        device,
        person: person
            .map(|p| uuid("audit_events.person_id", &p).map(PersonId))
            .transpose()?,
        service: service
            .map(|s| uuid("audit_events.service_id", &s).map(domain::ServiceId))
            .transpose()?,
        kind: AuditKind::from_key(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("audit kind {kind:?}")))?,
        summary,
        before,
        after,
    })
}

pub(crate) fn offers(rows: Vec<(String, String)>) -> Result<Vec<CircleOffer>, StoreError> {
    rows.into_iter()
        .map(|(person, role)| {
            Ok(CircleOffer {
                person: PersonId(uuid("circle_members.person_id", &person)?),
                role: circle_role(&role)?,
            })
        })
        .collect()
}

/// Why a link that did not change a row cannot be used.
pub(crate) fn invitation_problem(used_ms: Option<i64>, ended_ms: Option<i64>) -> InvitationProblem {
    if used_ms.is_some() {
        InvitationProblem::Used
    } else if ended_ms.is_some() {
        InvitationProblem::Ended
    } else {
        InvitationProblem::Expired
    }
}
