//! Circle's storage.
//!
//! One [`Store`] trait; an SQLite implementation (the embedded default: one file, created and
//! migrated on first start) and a PostgreSQL one (several app servers over one database). Both
//! run the same SQL where SQL allows and are held to one contract test suite
//! (`tests/contract.rs`). Row types stay in here: callers get domain types.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use domain::access::{Actor, CircleRole, EarlyWarning, StaffRole, Topic, UserId};
use domain::audit::{AuditEvent, AuditFilter, Editor};
use domain::records::Record;
use domain::records::authority::{Ack, Mutation};
use domain::sync::{ClientId, DeviceSync};
use domain::{Dataset, Person, PersonId, PersonSummary, Service, ServiceId};

mod accounts;
mod cache;
pub mod demo;
mod governance;
mod group;
mod mail;
mod postgres;
mod records;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use accounts::{
    CircleMember, CircleOffer, InvitationProblem, InvitationRecord, StaffMember, UserRecord,
};

pub use mail::OutgoingMail;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL (expected sqlite:<path> or postgres://user@host:port/database)"
    )]
    UnsupportedUrl,
    #[error("could not open the {backend} database: {source}", backend = .backend.name())]
    Connect {
        backend: Backend,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not bring the {backend} database schema up to date: {source}", backend = .backend.name())]
    Migrate {
        backend: Backend,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("no such record")]
    NotFound,
    /// The write could not be made durable (its commit failed): nothing of it was kept.
    #[error("the write was not saved: {0}")]
    NotSaved(String),
    #[error("the plan kept changing under this write; try again")]
    Contended,
}

/// A plan reached a new version. Devices showing it are poked and pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanChanged {
    pub person: PersonId,
    pub version: u64,
}

/// Something every server over the database must hear of at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreEvent {
    /// A plan changed: devices following it pull.
    Plan(PlanChanged),
    /// What this user may see or do changed, or one of their sessions ended (signed out, a
    /// role taken away, a topic unshared): their live channels check again and end if they
    /// may no longer follow.
    Access(UserId),
    /// Who supports this person changed (they moved to another service, or their support
    /// ended): every live channel following them checks again, and ends if it may no longer
    /// follow.
    Support(PersonId),
    /// This server may have missed events (its PostgreSQL listener reconnected): every device
    /// should pull.
    Resync,
}

/// Now, in milliseconds since 1970-01-01 UTC (the store stamps what it writes itself).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Everything Circle keeps. Object-safe so the app holds an `Arc<dyn Store>` chosen at start.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Succeeds when the database answers a query.
    async fn health(&self) -> Result<(), StoreError>;

    /// True when no service has been created yet (a new installation).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Writes every service and person of `data` in one transaction, replacing those with the
    /// same id: either all of it is stored or none of it. A person's About me becomes their
    /// `about_me` record only when they have none yet: an import never reverts what people
    /// have edited since.
    async fn import(&self, data: &Dataset) -> Result<(), StoreError>;

    async fn services(&self) -> Result<Vec<Service>, StoreError>;

    /// Everyone supported, as lists show them (strengths first), sorted by the name they are
    /// called. A person whose support ended is left out; [`Store::person`] still finds them.
    async fn people(&self) -> Result<Vec<PersonSummary>, StoreError>;

    /// [`Store::people`] with those whose support ended as well: the audit trail still covers
    /// them.
    async fn all_people(&self) -> Result<Vec<PersonSummary>, StoreError>;

    /// A person, whether or not their support has ended (with when it did): the record stays
    /// readable.
    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError>;

    /// Adds `people` (new ids, each with no records yet: an empty About me and plan) with the
    /// audit events of their adding, in one transaction: all of them or none. A person's
    /// service decides who may open their record, so the access epoch moves on with it.
    async fn add_people(&self, people: &[Person], audit: &[AuditEvent]) -> Result<(), StoreError>;

    /// Moves `person` from service `from` to `to`, with its audit event, in one transaction.
    /// `false`, and nothing written, when the person is not supported by `from` (any more) or
    /// their support has ended.
    async fn move_person(
        &self,
        person: PersonId,
        from: ServiceId,
        to: ServiceId,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// Ends `person`'s support at `at_ms`, with its audit event, in one transaction: their
    /// record is kept to read, every later edit pushed to it is refused, and they leave
    /// [`Store::people`]. `false`, and nothing written, when `from` does not support them (any
    /// more) or their support has already ended.
    async fn end_support(
        &self,
        person: PersonId,
        from: ServiceId,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    /// The kinds of record this store was opened with (the standard ones, unless a test added
    /// one).
    fn catalog(&self) -> &domain::records::Catalog;

    /// `person`'s records of `topics` (every topic when `None`), and the person's version.
    async fn records(
        &self,
        person: PersonId,
        topics: Option<&BTreeSet<Topic>>,
    ) -> Result<(Vec<Record>, u64), StoreError>;

    /// The records of `person` changed after version `since`, in version order (at most
    /// `limit`, and one more so that a page never splits a version), and the person's version.
    async fn changed_records(
        &self,
        person: PersonId,
        since: u64,
        limit: usize,
    ) -> Result<(Vec<Record>, u64), StoreError>;

    /// Runs one device's batch through the records authority in one transaction: every new
    /// outcome, every changed record (and its report row), the change log, the person's version
    /// and the audit event of every edit decided are stored together, or none is. Only the
    /// records the batch touches are read and written. Each new edit is put to `allowed` first
    /// (the sync route passes the access rules); one it refuses gets a stored `Rejected`
    /// outcome with the reason. Mutations of other devices in the batch are ignored.
    async fn push(
        &self,
        person: PersonId,
        client: ClientId,
        batch: &[Mutation],
        allowed: &domain::records::authority::Allowed<'_>,
        editor: &Editor,
    ) -> Result<Vec<Ack>, StoreError>;

    /// [`Store::push`] with no checks, audited as made by Circle itself (imports, benchmarks,
    /// tests).
    async fn sync_push(
        &self,
        person: PersonId,
        client: ClientId,
        batch: &[Mutation],
    ) -> Result<Vec<Ack>, StoreError> {
        self.push(
            person,
            client,
            batch,
            &|_, _| Ok(()),
            &Editor::system(now_ms()),
        )
        .await
    }

    /// Binds device `client` to `user` the first time it is seen. True when the device is
    /// `user`'s (now or from before); false when it belongs to someone else.
    async fn claim_device(
        &self,
        client: ClientId,
        user: UserId,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// The number of the last edit of `client` to `person`'s record that has an outcome (0 for
    /// none).
    async fn client_seq(&self, person: PersonId, client: ClientId) -> Result<u64, StoreError>;

    /// Notes that a device synced a plan completely (replacing its earlier note for that plan).
    async fn record_sync(&self, sync: &DeviceSync) -> Result<(), StoreError>;

    /// When each device last synced each plan completely, newest first, with whose device it
    /// is.
    async fn device_syncs(&self) -> Result<Vec<DeviceSync>, StoreError>;

    /// Every event committed from now on, by this process or (PostgreSQL) any other over the
    /// same database. A receiver that falls behind gets `Lagged`: it should treat every plan as
    /// changed and check every user's access again.
    fn events(&self) -> tokio::sync::broadcast::Receiver<StoreEvent>;

    // ---- Accounts, roles and circles

    /// Creates or updates an account (keeping its password when `password_hash` is `None`).
    async fn put_user(&self, user: &UserRecord) -> Result<(), StoreError>;

    /// The account with this email (compared lower-case).
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError>;

    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError>;

    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError>;

    /// Adds a service or renames one, with its audit event, in one transaction. `admin`, when
    /// given, is made an administrator of it (whoever adds a service runs it at first).
    async fn save_service(
        &self,
        service: &Service,
        admin: Option<UserId>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Gives `user` a role in `service`, noting who gave it and when (`None` for Circle itself,
    /// as in the demo data).
    async fn grant_staff_role(
        &self,
        user: UserId,
        service: ServiceId,
        role: StaffRole,
        granted_by: Option<UserId>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Every staff role in every service, by name.
    async fn staff(&self) -> Result<Vec<StaffMember>, StoreError>;

    async fn revoke_staff_role(
        &self,
        user: UserId,
        service: ServiceId,
        role: StaffRole,
    ) -> Result<(), StoreError>;

    /// A single-use link for a new staff account to set its password.
    async fn put_account_invitation(
        &self,
        token_hash: &str,
        user: UserId,
        invited_by: UserId,
        created_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError>;

    /// Uses an account invitation once, setting the account's password and ending every other
    /// link of that account; refused like [`Store::redeem_invitation`].
    async fn redeem_account_invitation(
        &self,
        token_hash: &str,
        now_ms: i64,
        password_hash: &str,
    ) -> Result<Result<UserId, InvitationProblem>, StoreError>;

    /// Offers `user` a place in `person`'s circle as `role` (sharing nothing until the person
    /// says so). Until they accept it they see nothing of the record; a place already accepted
    /// stays accepted, with the new role.
    async fn add_to_circle(
        &self,
        person: PersonId,
        user: UserId,
        role: CircleRole,
    ) -> Result<(), StoreError>;

    /// Accepts the place offered to `user` in `person`'s circle; false when none was offered.
    async fn accept_circle(
        &self,
        person: PersonId,
        user: UserId,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Turns down a place offered (not yet accepted); false when there was no such offer.
    async fn decline_circle(&self, person: PersonId, user: UserId) -> Result<bool, StoreError>;

    /// The places in circles offered to `user` and not yet accepted.
    async fn circle_offers(&self, user: UserId) -> Result<Vec<CircleOffer>, StoreError>;

    /// Everything the access rules need about a user: their roles and their circles with what
    /// is shared in each. `None` for an unknown user. Answered from memory while no change to
    /// access has been committed since the last [`Store::session`] read (see `cache`).
    async fn actor(&self, user: UserId) -> Result<Option<Actor>, StoreError>;

    /// The members of `person`'s circle with what each is shared, including those offered a
    /// place who have not accepted it yet.
    async fn circle(&self, person: PersonId) -> Result<Vec<CircleMember>, StoreError>;

    /// Shares or stops sharing one topic of `person`'s record with one member, and records who
    /// did it and why, in one transaction.
    async fn set_consent(
        &self,
        person: PersonId,
        member: UserId,
        topic: Topic,
        shared: bool,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// The person's early-warning agreements, oldest first.
    async fn early_warnings(&self, person: PersonId) -> Result<Vec<EarlyWarning>, StoreError>;

    /// Records an agreement, with its audit event, in one transaction.
    async fn add_early_warning(
        &self,
        warning: &EarlyWarning,
        agreed_by: UserId,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Ends an agreement of `person`, with its audit event; `false` when there was none.
    async fn remove_early_warning(
        &self,
        person: PersonId,
        id: uuid::Uuid,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;

    // ---- Invitations

    async fn put_invitation(&self, invitation: &InvitationRecord) -> Result<(), StoreError>;

    async fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError>;

    /// Uses an invitation once: sets the invited account's password, accepts the place it
    /// offered and ends every other link of that account. A second use, one after it expired or
    /// was ended, and one for an account that already has a password change nothing and say
    /// why.
    async fn redeem_invitation(
        &self,
        token_hash: &str,
        now_ms: i64,
        password_hash: &str,
    ) -> Result<Result<InvitationRecord, InvitationProblem>, StoreError>;

    // ---- Sessions (records of `tower-sessions`, as JSON)

    /// The session `id` unless it has expired. Reading it also reads the access epoch, so
    /// that what is asked next about access ([`Store::actor`], [`Store::person`],
    /// [`Store::claim_device`], which may be answered from memory) reflects every change
    /// committed, by any server, before this read.
    async fn session(&self, id: &str, now_ms: i64) -> Result<Option<String>, StoreError>;

    async fn put_session(
        &self,
        id: &str,
        user: Option<UserId>,
        record: &str,
        expires_ms: i64,
    ) -> Result<(), StoreError>;

    /// Stores a new session; `false` (and nothing written) when the id is already taken.
    async fn create_session(
        &self,
        id: &str,
        user: Option<UserId>,
        record: &str,
        expires_ms: i64,
    ) -> Result<bool, StoreError>;

    async fn delete_session(&self, id: &str) -> Result<(), StoreError>;

    /// Ends every session of `user` ("sign out of all devices").
    async fn delete_sessions_of(&self, user: UserId) -> Result<(), StoreError>;

    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), StoreError>;

    // ---- Sign-in throttling, shared by every server over the database

    /// The failures counted against `key` (an email or an address) and when the last one was.
    async fn sign_in_failures(&self, key: &str) -> Result<Option<(u32, i64)>, StoreError>;

    /// Counts a failure against `key`; a count whose last failure is older than `window_ms`
    /// starts again at one.
    async fn record_sign_in_failure(
        &self,
        key: &str,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<(), StoreError>;

    async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError>;

    /// Forgets failures last counted before `before_ms`.
    async fn delete_old_sign_in_failures(&self, before_ms: i64) -> Result<(), StoreError>;

    // ---- Audit trail

    async fn audit(&self, events: &[AuditEvent]) -> Result<(), StoreError>;

    /// Events matching `filter`, newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError>;

    // ---- The mail outbox

    /// Keeps `letters` to send, with the audit event of whoever asked, in one transaction.
    async fn queue_mail(
        &self,
        letters: &[OutgoingMail],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Takes the letter due first (queued, its next try at or before `now_ms`, not held by
    /// another sender) and holds it until `hold_until_ms`, counting a try; `None` when none
    /// is due. Two servers never take the same letter at once.
    async fn claim_mail(
        &self,
        now_ms: i64,
        hold_until_ms: i64,
    ) -> Result<Option<OutgoingMail>, StoreError>;

    /// The relay took letter `id` at `at_ms`: its text is cleared, who and when are kept.
    async fn mail_sent(&self, id: uuid::Uuid, at_ms: i64) -> Result<(), StoreError>;

    /// Letter `id` was not sent, because of `error`: it is tried again at `next_try_ms`, or
    /// with `None` marked failed until a person tries again.
    async fn mail_failed(
        &self,
        id: uuid::Uuid,
        error: &str,
        next_try_ms: Option<i64>,
    ) -> Result<(), StoreError>;

    /// Queues failed letter `id` of `person` again, due at `now_ms`; false when there is no
    /// such failed letter of theirs.
    async fn retry_mail(
        &self,
        person: PersonId,
        id: uuid::Uuid,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Every letter about `person`, newest first.
    async fn deliveries(&self, person: PersonId)
    -> Result<Vec<domain::mail::Delivery>, StoreError>;

    /// How many records met each governance figure's rule, of those counted, per service of
    /// `services` and month from `from` to `to` (inclusive), as of `now_ms`
    /// (`domain::governance`). Services and months with nothing counted have no row.
    async fn governance_counts(
        &self,
        services: &[ServiceId],
        from: domain::governance::Month,
        to: domain::governance::Month,
        now_ms: i64,
    ) -> Result<Vec<domain::governance::FigureCount>, StoreError>;

    /// The records behind one figure for one service and month, by day.
    async fn governance_records(
        &self,
        service: ServiceId,
        figure: domain::governance::Figure,
        month: domain::governance::Month,
        now_ms: i64,
    ) -> Result<Vec<domain::governance::Counted>, StoreError>;

    /// The self-score grid's scores managers gave `service` in `quarters`.
    async fn grid_scores(
        &self,
        service: ServiceId,
        quarters: &[domain::governance::grid::Quarter],
    ) -> Result<Vec<domain::governance::grid::ManualScore>, StoreError>;

    /// Keeps a manager's score of a dimension for `service` and its quarter (replacing any
    /// earlier one), by `by`, with its audit event, in one transaction.
    async fn set_grid_score(
        &self,
        service: ServiceId,
        score: &domain::governance::grid::ManualScore,
        by: UserId,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// The case-sampling draws of `service`, newest quarter first.
    async fn case_draws(
        &self,
        service: ServiceId,
    ) -> Result<Vec<domain::governance::sampling::Draw>, StoreError>;

    /// Keeps `draw` (by `by`) with its audit event, in one transaction, unless the service
    /// already has a draw for that quarter: a draw is never replaced. The draw that stands,
    /// and whether it is this one.
    async fn record_draw(
        &self,
        draw: &domain::governance::sampling::Draw,
        by: UserId,
        audit: &AuditEvent,
    ) -> Result<(domain::governance::sampling::Draw, bool), StoreError>;

    /// The findings recorded for the cases drawn from `service`, newest quarter first.
    async fn case_findings(
        &self,
        service: ServiceId,
    ) -> Result<Vec<domain::governance::sampling::Finding>, StoreError>;

    /// Keeps the findings of a case of `service` (replacing any earlier ones of the same
    /// quarter and person), by `by`, with its audit event, in one transaction.
    async fn set_case_finding(
        &self,
        service: ServiceId,
        finding: &domain::governance::sampling::Finding,
        by: UserId,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Waits for open connections to finish and closes them.
    async fn close(&self);
}

/// Opens (creating and migrating when needed) the database at `url`: `sqlite:<path>` or
/// `postgres://…` / `postgresql://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    connect_with(url, domain::records::Catalog::standard()).await
}

/// [`connect`], knowing the kinds of `catalog` (a test's own kind, say): their report tables
/// are made, and pushes check edits against their declarations.
pub async fn connect_with(
    url: &str,
    catalog: domain::records::Catalog,
) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, catalog).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url, catalog).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Writes the demo dataset (idempotent: running it twice leaves one copy).
pub async fn load_demo(store: &dyn Store) -> Result<(), StoreError> {
    store.import(&demo::dataset()).await?;
    demo::load_accounts(store).await
}

/// The demo dataset as a new installation gets it ([`load_demo`]) and, written through the
/// records engine as a person would write them, each demo person's involvement plan, decisions
/// and log (`demo::involvement`), then their outcome tracker (`demo::load_outcomes`: goals,
/// steps, measures and seven months of observations in three voices, up to yesterday in the
/// UK). Safe to repeat. Tests that count versions from an untouched demo use [`load_demo`]
/// alone.
pub async fn load_demo_with_plans(store: &dyn Store) -> Result<(), StoreError> {
    load_demo(store).await?;
    demo::load_involvement(store).await?;
    let today = demo::today()?;
    demo::load_outcomes(store, today).await?;
    demo::load_meetings(store, today).await
}
