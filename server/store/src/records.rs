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
pub(crate) const SELECT_OUTCOMES_FROM: &str = "SELECT seq, outcome, version FROM mutation_outcomes \
     WHERE person_id = $1 AND client_id = $2 AND seq >= $3";
pub(crate) const SELECT_LATEST_OUTCOME: &str = "SELECT seq, outcome, version FROM \
     mutation_outcomes WHERE person_id = $1 AND client_id = $2 ORDER BY seq DESC LIMIT 1";
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
        FieldType::Number { .. } | FieldType::Flag => "BIGINT",
        _ => "TEXT",
    }
}

/// `CREATE TABLE IF NOT EXISTS report_<kind> (…)` for a kind with reported fields.
pub(crate) fn create_report_table(kind: &KindSpec) -> Option<String> {
    let fields: Vec<_> = kind.fields.iter().filter(|f| f.report).collect();
    if fields.is_empty() {
        return None;
    }
    let columns: String = fields
        .iter()
        .map(|f| format!(", {} {}", f.name, column_type(f.ty)))
        .collect();
    Some(format!(
        "CREATE TABLE IF NOT EXISTS {} (person_id TEXT NOT NULL, id TEXT NOT NULL, \
         topic TEXT NOT NULL, deleted BIGINT NOT NULL, version BIGINT NOT NULL{columns}, \
         PRIMARY KEY (person_id, id))",
        report_table(kind)
    ))
}

/// The upsert of one record's row in its kind's report table, and its reported values.
pub(crate) fn report_upsert(kind: &KindSpec) -> Option<String> {
    let fields: Vec<_> = kind.fields.iter().filter(|f| f.report).collect();
    if fields.is_empty() {
        return None;
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
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

pub(crate) fn report_cells(kind: &KindSpec, record: &Record) -> Vec<Cell> {
    kind.fields
        .iter()
        .filter(|f| f.report)
        .map(|f| {
            let value = record.get(f.name);
            match column_type(f.ty) {
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
            }
        })
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
