//! SQL and rows for the records engine (shared by both backends, like `sql.rs`): a row per
//! record, a version per person, typed report tables made from the kinds' declarations, and
//! the one-off move from the single-document plan.

use std::collections::BTreeMap;

use domain::PersonId;
use domain::access::Topic;
use domain::records::kinds::{Catalog, FieldType, KindSpec};
use domain::records::{Record, RecordKey, Stamp, Value};

use crate::StoreError;
use crate::accounts::uuid;

pub(crate) const RECORD_COLUMNS: &str = "kind, id, parent_id, topic, version, deleted, body";
pub(crate) const SELECT_HEAD: &str = "SELECT version FROM record_heads WHERE person_id = $1";
pub(crate) const INSERT_HEAD: &str = "INSERT INTO record_heads (person_id, version) \
     VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING";
/// Takes the person's row lock (pushes to one person take turns, across servers too).
pub(crate) const LOCK_HEAD: &str =
    "UPDATE record_heads SET version = version WHERE person_id = $1 RETURNING version";
pub(crate) const UPDATE_HEAD: &str = "UPDATE record_heads SET version = $1 WHERE person_id = $2";
pub(crate) const UPSERT_RECORD: &str = "INSERT INTO records \
     (person_id, kind, id, parent_id, topic, version, deleted, body) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (person_id, kind, id) DO UPDATE SET \
     parent_id = excluded.parent_id, topic = excluded.topic, version = excluded.version, \
     deleted = excluded.deleted, body = excluded.body";
/// Writes a record only if the person has none under its key (imports never overwrite edits).
pub(crate) const INSERT_RECORD_IF_NEW: &str = "INSERT INTO records \
     (person_id, kind, id, parent_id, topic, version, deleted, body) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (person_id, kind, id) DO NOTHING";
pub(crate) const SELECT_CHANGED: &str = "SELECT kind, id, parent_id, topic, version, deleted, \
     body FROM records WHERE person_id = $1 AND version > $2 ORDER BY version, kind, id LIMIT $3";
pub(crate) const SELECT_OF_KIND: &str = "SELECT kind, id, parent_id, topic, version, deleted, \
     body FROM records WHERE person_id = $1 AND kind = $2";
pub(crate) const INSERT_OUTCOME: &str = "INSERT INTO mutation_outcomes \
     (person_id, client_id, seq, outcome, version) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const INSERT_CHANGE: &str = "INSERT INTO plan_changes \
     (person_id, version, client_id, seq, op, schema) VALUES ($1, $2, $3, $4, $5, $6)";
pub(crate) const SELECT_UNMOVED_PLANS: &str = "SELECT p.person_id, p.state, p.version, \
     people.about_me FROM plans p JOIN people ON people.id = p.person_id \
     WHERE NOT EXISTS (SELECT 1 FROM record_heads h WHERE h.person_id = p.person_id)";
pub(crate) const SELECT_PEOPLE_WITHOUT_HEAD: &str = "SELECT id, about_me FROM people \
     WHERE NOT EXISTS (SELECT 1 FROM record_heads h WHERE h.person_id = people.id)";

/// The records of a person, the topics they may have, in one query: `$1` the person, then one
/// placeholder per topic (none: every topic).
pub(crate) fn select_records(topics: Option<usize>) -> String {
    match topics {
        None => format!("SELECT {RECORD_COLUMNS} FROM records WHERE person_id = $1"),
        Some(0) => format!("SELECT {RECORD_COLUMNS} FROM records WHERE person_id = $1 AND 1 = 0"),
        Some(n) => format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE person_id = $1 AND topic IN ({})",
            (2..2 + n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The records with these keys: `$1` the person, then kind and id for each key.
pub(crate) fn select_keys(n: usize) -> String {
    let keys = (0..n)
        .map(|i| format!("(kind = ${} AND id = ${})", 2 + 2 * i, 3 + 2 * i))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!("SELECT {RECORD_COLUMNS} FROM records WHERE person_id = $1 AND ({keys})")
}

/// What a push reads before it decides, in one round trip: the device's stored outcomes from
/// number `$3` on and of its latest edit (`$1` the person, `$2` the device), the records under
/// `keys` keys (kind and id for each, from `$4`), and, where `with_head`, the person's version.
/// SQLite reads the version here, its pushes already taking turns; PostgreSQL locks it first
/// (`LOCK_HEAD`), as a read in the same statement as the lock would see the records as they were
/// before the lock was granted. Rows are tagged `h`, `o`, `e` (support ended) and `r`; see
/// [`PushRow`].
pub(crate) fn select_for_push(keys: usize, with_head: bool) -> String {
    const NO_TEXT: &str = "CAST(NULL AS TEXT)";
    const NO_INT: &str = "CAST(NULL AS BIGINT)";
    let mut parts = vec![format!(
        "SELECT 'o', {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, version, {NO_INT}, {NO_TEXT}, \
         seq, outcome FROM mutation_outcomes WHERE person_id = $1 AND client_id = $2 AND \
         (seq >= $3 OR seq = (SELECT MAX(seq) FROM mutation_outcomes WHERE person_id = $1 \
         AND client_id = $2))"
    )];
    if with_head {
        parts.push(format!(
            "SELECT 'h', {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, version, {NO_INT}, \
             {NO_TEXT}, {NO_INT}, {NO_TEXT} FROM record_heads WHERE person_id = $1"
        ));
    }
    // The end of the person's support, when it has ended (its time in the version column).
    parts.push(format!(
        "SELECT 'e', {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, {NO_TEXT}, ended_ms, {NO_INT}, {NO_TEXT}, \
         {NO_INT}, {NO_TEXT} FROM people WHERE id = $1 AND ended_ms IS NOT NULL"
    ));
    if keys > 0 {
        let keys = (0..keys)
            .map(|i| format!("(kind = ${} AND id = ${})", 4 + 2 * i, 5 + 2 * i))
            .collect::<Vec<_>>()
            .join(" OR ");
        parts.push(format!(
            "SELECT 'r', {RECORD_COLUMNS}, {NO_INT}, {NO_TEXT} FROM records \
             WHERE person_id = $1 AND ({keys})"
        ));
    }
    parts.join(" UNION ALL ")
}

/// A row of [`select_for_push`]: tag, then a record's columns (`r`; the version alone for `h`
/// and `o`), then an outcome's number and text (`o`).
pub(crate) type PushRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// What [`select_for_push`] read.
#[derive(Default)]
pub(crate) struct PushRead {
    pub(crate) head: Option<i64>,
    /// When the person's support ended, if it has: the record is read only.
    pub(crate) ended: Option<i64>,
    pub(crate) records: Vec<Record>,
    /// Stored outcomes: number, outcome, version.
    pub(crate) outcomes: Vec<(i64, String, Option<i64>)>,
}

impl PushRead {
    pub(crate) fn add(&mut self, row: PushRow) -> Result<(), StoreError> {
        let missing = |column: &str| StoreError::Corrupt(format!("a push read without {column}"));
        match row {
            (tag, _, _, _, _, version, _, _, Some(seq), Some(outcome)) if tag == "o" => {
                self.outcomes.push((seq, outcome, version));
            }
            (tag, _, _, _, _, Some(version), ..) if tag == "h" => self.head = Some(version),
            (tag, _, _, _, _, Some(ended), ..) if tag == "e" => self.ended = Some(ended),
            (tag, kind, id, parent, topic, version, deleted, body, _, _) if tag == "r" => {
                self.records.push(record_from_row((
                    kind.ok_or_else(|| missing("records.kind"))?,
                    id.ok_or_else(|| missing("records.id"))?,
                    parent,
                    topic.ok_or_else(|| missing("records.topic"))?,
                    version.ok_or_else(|| missing("records.version"))?,
                    deleted.ok_or_else(|| missing("records.deleted"))?,
                    body.ok_or_else(|| missing("records.body"))?,
                ))?);
            }
            (tag, ..) => return Err(missing(&format!("the columns of a row tagged {tag:?}"))),
        }
        Ok(())
    }
}

/// kind, id, parent, topic, version, deleted, body.
pub(crate) type RecordRow = (String, String, Option<String>, String, i64, i64, String);

/// What a record's `body` column holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Body {
    fields: BTreeMap<String, Value>,
    #[serde(default)]
    stamps: BTreeMap<String, Stamp>,
    #[serde(default)]
    created: Stamp,
}

pub(crate) fn body(record: &Record) -> String {
    let body = Body {
        fields: record.fields.clone(),
        stamps: record.stamps.clone(),
        created: record.created.clone(),
    };
    serde_json::to_string(&body).unwrap_or_else(|_| "{\"fields\":{}}".to_owned())
}

pub(crate) fn record_from_row(
    (kind, id, parent, topic, version, deleted, body): RecordRow,
) -> Result<Record, StoreError> {
    let parsed: Body = serde_json::from_str(&body)
        .map_err(|e| StoreError::Corrupt(format!("records.body of {kind}/{id}: {e}")))?;
    Ok(Record {
        id: uuid("records.id", &id)?,
        parent: parent.map(|p| uuid("records.parent_id", &p)).transpose()?,
        topic: Topic::from_key(&topic)
            .ok_or_else(|| StoreError::Corrupt(format!("records.topic {topic:?}")))?,
        version: crate::sql::count("records.version", version)?,
        deleted: deleted != 0,
        fields: parsed.fields,
        stamps: parsed.stamps,
        created: parsed.created,
        kind,
    })
}

/// The keys an edit batch reads first (before the parents of what they find).
pub(crate) fn keys_needed(
    ops: &[domain::records::RecordOp],
    catalog: &Catalog,
) -> (Vec<RecordKey>, Vec<String>) {
    let mut keys = Vec::new();
    let mut kinds = Vec::new();
    for op in ops {
        let needs = domain::records::engine::needs(op, catalog);
        keys.extend(needs.records);
        kinds.extend(needs.kinds);
    }
    keys.sort();
    keys.dedup();
    kinds.sort();
    kinds.dedup();
    (keys, kinds)
}

/// What else the records found read: their parents, and what a conflict is about.
pub(crate) fn second_keys(found: &[Record], catalog: &Catalog) -> Vec<RecordKey> {
    let mut keys = Vec::new();
    for record in found {
        if let (Some(parent), Some(kind)) = (
            record.parent,
            catalog.kind(&record.kind).and_then(|k| k.parent),
        ) {
            keys.push(RecordKey::new(kind, parent));
        }
        if record.kind == domain::records::kinds::CONFLICT
            && let Ok(id) = record.text("about_id").parse()
        {
            keys.push(RecordKey::new(record.text("about_kind"), id));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// A report table's name: `report_<kind>`.
pub(crate) fn report_table(kind: &KindSpec) -> String {
    format!("report_{}", kind.name)
}

/// The SQL type of a reported field (the same on both databases).
pub(crate) fn column_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Number { .. } | FieldType::Flag | FieldType::Moment => "BIGINT",
        _ => "TEXT",
    }
}

/// Whether a kind has a report table: it reports a field.
fn reports(kind: &KindSpec) -> bool {
    kind.fields.iter().any(|f| f.report)
}

/// The columns of a kind's report table besides its keys: for a kind kept under a parent, the
/// parent's id (`parent_id`, so a figure can ask of a meeting who took part); each reported
/// field, and for a moment also its day in the UK (`<field>_day`, a date), so that the same SQL
/// counts by date on every database. Empty for a kind with no reported field.
pub(crate) fn report_columns(kind: &KindSpec) -> Vec<(String, &'static str)> {
    if !reports(kind) {
        return Vec::new();
    }
    let parent = kind
        .parent
        .map(|_| ("parent_id".to_owned(), "TEXT"))
        .into_iter();
    parent
        .chain(kind.fields.iter().filter(|f| f.report).flat_map(|f| {
            let mut columns = vec![(f.name.to_owned(), column_type(f.ty))];
            if matches!(f.ty, FieldType::Moment) {
                columns.push((format!("{}_day", f.name), "TEXT"));
            }
            columns
        }))
        .collect()
}

/// `CREATE TABLE IF NOT EXISTS report_<kind> (…)` for a kind with reported fields.
pub(crate) fn create_report_table(kind: &KindSpec) -> Option<String> {
    let columns = report_columns(kind);
    if columns.is_empty() {
        return None;
    }
    let columns: String = columns
        .iter()
        .map(|(name, ty)| format!(", {name} {ty}"))
        .collect();
    Some(format!(
        "CREATE TABLE IF NOT EXISTS {} (person_id TEXT NOT NULL, id TEXT NOT NULL, \
         topic TEXT NOT NULL, deleted BIGINT NOT NULL, version BIGINT NOT NULL{columns}, \
         PRIMARY KEY (person_id, id))",
        report_table(kind)
    ))
}

/// The index a kind kept under a parent has on its report table, for asking of a parent's
/// children (who took part in a meeting).
pub(crate) fn report_parent_index(kind: &KindSpec) -> Option<String> {
    (reports(kind) && kind.parent.is_some()).then(|| {
        let table = report_table(kind);
        format!("CREATE INDEX IF NOT EXISTS {table}_parent ON {table} (person_id, parent_id)")
    })
}

/// The upsert of one record's row in its kind's report table, and its reported values.
pub(crate) fn report_upsert(kind: &KindSpec) -> Option<String> {
    let columns = report_columns(kind);
    if columns.is_empty() {
        return None;
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<String> = (6..6 + names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names
        .iter()
        .map(|n| format!(", {n} = excluded.{n}"))
        .collect();
    Some(format!(
        "INSERT INTO {} (person_id, id, topic, deleted, version, {}) VALUES ($1, $2, $3, $4, $5, {}) \
         ON CONFLICT (person_id, id) DO UPDATE SET topic = excluded.topic, \
         deleted = excluded.deleted, version = excluded.version{}",
        report_table(kind),
        names.join(", "),
        values.join(", "),
        updates.concat()
    ))
}

/// A reported value as its column holds it: text, or a number (None for empty).
pub(crate) enum Cell {
    Text(Option<String>),
    Number(Option<i64>),
}

/// A record's cells, one for each of [`report_columns`].
pub(crate) fn report_cells(kind: &KindSpec, record: &Record) -> Vec<Cell> {
    let parent = kind
        .parent
        .map(|_| Cell::Text(record.parent.map(|p| p.to_string())))
        .into_iter();
    parent
        .chain(kind.fields.iter().filter(|f| f.report).flat_map(|f| {
            let value = record.get(f.name);
            let cell = match column_type(f.ty) {
                "BIGINT" => Cell::Number(match value {
                    Value::Number(n) => Some(*n),
                    Value::Flag(b) => Some(i64::from(*b)),
                    _ => None,
                }),
                _ => Cell::Text(match value {
                    Value::Empty => None,
                    Value::Text(t) | Value::Choice(t) => Some(t.clone()),
                    Value::Date(d) => Some(d.to_string()),
                    other => serde_json::to_string(other).ok(),
                }),
            };
            let day = matches!(f.ty, FieldType::Moment).then(|| {
                Cell::Text(match value {
                    Value::Number(ms) => {
                        domain::calendar::Date::of_ms_in_london(*ms).map(|d| d.to_string())
                    }
                    _ => None,
                })
            });
            std::iter::once(cell).chain(day)
        }))
        .collect()
}

/// The records a stored plan held, for the move from the single-document plan: the plan's JSON
/// and the strengths the person's profile kept.
pub(crate) fn moved_plan(
    person: &str,
    state: &str,
    version: i64,
    about_me: &str,
) -> Result<(PersonId, Vec<Record>, u64), StoreError> {
    let person = PersonId(uuid("plans.person_id", person)?);
    let plan: domain::plan::Plan = crate::sql::from_json("plans.state", state)?;
    let profile: domain::AboutMe = crate::sql::from_json("people.about_me", about_me)?;
    let version = crate::sql::count("plans.version", version)?;
    Ok((
        person,
        domain::records::legacy::records_of(&plan, &profile.strengths, version),
        version,
    ))
}

/// A stored outcome (from before records, the plan's own format, read as the nearest new one).
pub(crate) fn stored_ack(
    seq: i64,
    outcome: &str,
    version: Option<i64>,
) -> Result<(u64, domain::records::authority::Ack), StoreError> {
    use domain::records::Outcome;
    let seq = crate::sql::count("mutation_outcomes.seq", seq)?;
    let outcome = match serde_json::from_str::<Outcome>(outcome) {
        Ok(outcome) => outcome,
        Err(_) => match crate::sql::from_json::<domain::plan::Outcome>(
            "mutation_outcomes.outcome",
            outcome,
        )? {
            domain::plan::Outcome::Applied => Outcome::Applied,
            domain::plan::Outcome::Merged => Outcome::Merged,
            domain::plan::Outcome::Conflict { .. } => Outcome::Conflict {
                conflict: ::uuid::Uuid::nil(),
            },
            domain::plan::Outcome::Rejected { reason } => Outcome::Rejected { reason },
        },
    };
    let version = version
        .map(|v| crate::sql::count("mutation_outcomes.version", v))
        .transpose()?;
    Ok((
        seq,
        domain::records::authority::Ack {
            seq,
            outcome,
            version,
        },
    ))
}

/// The profile an About me record's body holds ("" for no record: an empty profile).
pub(crate) fn about_me_from_body(person: &str, body: &str) -> Result<domain::AboutMe, StoreError> {
    if body.is_empty() {
        return Ok(domain::AboutMe::default());
    }
    let parsed: Body = serde_json::from_str(body)
        .map_err(|e| StoreError::Corrupt(format!("About me of {person}: {e}")))?;
    let record = Record {
        kind: domain::records::kinds::ABOUT.to_owned(),
        id: ::uuid::Uuid::nil(),
        parent: None,
        topic: Topic::AboutMe,
        version: 0,
        deleted: false,
        fields: parsed.fields,
        stamps: parsed.stamps,
        created: parsed.created,
    };
    Ok(domain::records::views::about_me(Some(&record)))
}

/// A value bound to a statement of a batch of writes.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
    MaybeInt(Option<i64>),
}

/// The writes of one push, made after everything it reads: statements with their values, run
/// in one round trip on SQLite (see [`Writes::joined`]) and one by one on PostgreSQL.
#[derive(Debug, Default)]
pub(crate) struct Writes {
    pub statements: Vec<(String, Vec<Arg>)>,
    /// Made at start, before the report tables are ready: no kept governance figure is
    /// marked (start marks them all once it is done).
    at_start: bool,
    /// The last month whose kept governance figures a record written now marks
    /// (`Month::last_kept_on`), worked out at the first record that needs it.
    last_kept: Option<String>,
}

/// Binds every value of `$args` to `$query`, in order.
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::records::Arg::Text(v) => query.bind(v),
                $crate::records::Arg::MaybeText(v) => query.bind(v),
                $crate::records::Arg::Int(v) => query.bind(v),
                $crate::records::Arg::MaybeInt(v) => query.bind(v),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// SQLite takes at most 32,766 values per statement list; batches stay well below.
const MAX_ARGS_PER_TRIP: usize = 8_000;

impl Writes {
    pub fn add(&mut self, sql: &str, args: Vec<Arg>) {
        self.statements.push((sql.to_owned(), args));
    }

    /// Writes made at start (see `at_start`).
    pub fn at_start() -> Writes {
        Writes {
            at_start: true,
            ..Writes::default()
        }
    }

    /// Marks the kept governance figures of the months a record's report row in `table`
    /// touches (see `governance::bump_sql`); before its row changes and after.
    fn mark_kept_figures(&mut self, table: &str, pid: &str, id: &str) {
        if self.at_start {
            return;
        }
        let Some(bump) = crate::governance::bump_sql(table) else {
            return;
        };
        let last = self
            .last_kept
            .get_or_insert_with(|| {
                domain::calendar::Date::of_ms_in_london(crate::now_ms()).map_or_else(
                    // A clock Circle cannot read as a day: every month.
                    || "9999-12".to_owned(),
                    |today| domain::governance::Month::last_kept_on(today).to_string(),
                )
            })
            .clone();
        self.add(
            bump,
            vec![
                Arg::Text(pid.to_owned()),
                Arg::Text(id.to_owned()),
                Arg::Text(last),
            ],
        );
    }

    /// A record's row, and its row in its kind's report table when the kind has one.
    pub fn record(&mut self, pid: &str, record: &Record, catalog: &Catalog, sql: &str) {
        self.add(
            sql,
            vec![
                Arg::Text(pid.to_owned()),
                Arg::Text(record.kind.clone()),
                Arg::Text(record.id.to_string()),
                Arg::MaybeText(record.parent.map(|p| p.to_string())),
                Arg::Text(record.topic.key().to_owned()),
                Arg::Int(crate::sql::signed(record.version)),
                Arg::Int(i64::from(record.deleted)),
                Arg::Text(body(record)),
            ],
        );
        if let Some(kind) = catalog.kind(&record.kind)
            && let Some(upsert) = report_upsert(kind)
        {
            let mut args = vec![
                Arg::Text(pid.to_owned()),
                Arg::Text(record.id.to_string()),
                Arg::Text(record.topic.key().to_owned()),
                Arg::Int(i64::from(record.deleted)),
                Arg::Int(crate::sql::signed(record.version)),
            ];
            args.extend(
                report_cells(kind, record)
                    .into_iter()
                    .map(|cell| match cell {
                        Cell::Text(t) => Arg::MaybeText(t),
                        Cell::Number(n) => Arg::MaybeInt(n),
                    }),
            );
            let table = report_table(kind);
            let id = record.id.to_string();
            self.mark_kept_figures(&table, pid, &id);
            self.add(&upsert, args);
            self.mark_kept_figures(&table, pid, &id);
        }
    }

    /// Just the writing of one audit event.
    pub fn of_audit(event: &domain::audit::AuditEvent) -> Writes {
        let mut writes = Writes::default();
        writes.audit(event);
        writes
    }

    /// An audit event (made storable first: what was typed never stops it being written).
    pub fn audit(&mut self, event: &domain::audit::AuditEvent) {
        let event = domain::audit::AuditEvent::storable(event);
        self.add(
            crate::accounts::INSERT_AUDIT,
            vec![
                Arg::Text(event.id.to_string()),
                Arg::Int(event.at_ms),
                Arg::MaybeText(event.user.map(|u| u.to_string())),
                Arg::Text(event.user_name.clone()),
                Arg::Text(event.device.clone()),
                Arg::MaybeText(event.person.map(|p| p.to_string())),
                Arg::Text(event.kind.key().to_owned()),
                Arg::Text(event.summary.clone()),
                Arg::MaybeText(event.before.clone()),
                Arg::MaybeText(event.after.clone()),
                Arg::MaybeText(event.service.map(|s| s.to_string())),
            ],
        );
    }

    /// The statements as few statement lists as the value limit allows, each placeholder
    /// `$k` renumbered to its place among all the list's values (SQLite numbers parameters
    /// across the statements of one list).
    pub fn joined(&self) -> Vec<(String, Vec<Arg>)> {
        let mut trips: Vec<(String, Vec<Arg>)> = Vec::new();
        for (sql, args) in &self.statements {
            let start_new = trips
                .last()
                .is_none_or(|(_, all)| all.len() + args.len() > MAX_ARGS_PER_TRIP);
            if start_new {
                trips.push((String::new(), Vec::new()));
            }
            if let Some((text, all)) = trips.last_mut() {
                if !text.is_empty() {
                    text.push_str(";\n");
                }
                text.push_str(&renumber(sql, all.len()));
                all.extend(args.iter().cloned());
            }
        }
        trips
    }
}

/// `sql` with each `$k` made `$(k + offset)`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(k) => out.push_str(&format!("${}", k + offset)),
            Err(_) => {
                out.push('$');
                out.push_str(&digits);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_joined_into_one_list_number_their_values_in_order() {
        let mut writes = Writes::default();
        writes.add(
            "INSERT INTO a VALUES ($1, $2)",
            vec![Arg::Int(1), Arg::Int(2)],
        );
        writes.add(
            "UPDATE b SET x = $1 WHERE y = $2",
            vec![Arg::Int(3), Arg::Int(4)],
        );
        let trips = writes.joined();
        assert_eq!(trips.len(), 1);
        assert_eq!(
            trips[0].0,
            "INSERT INTO a VALUES ($1, $2);\nUPDATE b SET x = $3 WHERE y = $4"
        );
        assert_eq!(trips[0].1.len(), 4);
    }

    #[test]
    fn a_long_batch_is_cut_below_the_value_limit() {
        let mut writes = Writes::default();
        for n in 0..3_000 {
            writes.add("INSERT INTO a VALUES ($1, $2, $3)", vec![Arg::Int(n); 3]);
        }
        let trips = writes.joined();
        assert!(trips.len() > 1);
        assert!(
            trips
                .iter()
                .all(|(_, args)| args.len() <= MAX_ARGS_PER_TRIP)
        );
        assert_eq!(trips.iter().map(|(_, a)| a.len()).sum::<usize>(), 9_000);
    }
}
