//! SQL shared by the SQLite and PostgreSQL stores. Both accept `$n` placeholders and
//! `ON CONFLICT … DO UPDATE`, so one body serves both; [`sql_store!`] stamps it out per backend
//! (sqlx's executor traits make a generic impl far harder to read than this).

use domain::{AboutMe, Person, PersonId, PersonSummary, Service, ServiceId, ServiceKind};
use uuid::Uuid;

use crate::StoreError;

pub(crate) type ServiceRow = (String, String, String);
/// id, service_id, name, preferred_name, pronouns, date_of_birth, ended_ms, the About me
/// record's body ("" for none).
pub(crate) type PersonRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
);
/// A person row followed by their service's name.
pub(crate) type SummaryRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
);

pub(crate) const SELECT_SERVICES: &str = "SELECT id, name, kind FROM services ORDER BY name";
/// A person, with their About me record's body (About me lives in that record alone). Found
/// whether or not their support has ended: the record stays readable.
pub(crate) const SELECT_PERSON: &str = "SELECT p.id, p.service_id, p.name, p.preferred_name, \
     p.pronouns, p.date_of_birth, p.ended_ms, COALESCE(r.body, '') FROM people p \
     LEFT JOIN records r ON r.person_id = p.id AND r.kind = 'about_me' WHERE p.id = $1";
/// Everyone, whether supported now or not.
pub(crate) const SELECT_ALL_SUMMARIES: &str = "SELECT p.id, p.service_id, p.name, \
     p.preferred_name, p.pronouns, p.date_of_birth, p.ended_ms, COALESCE(r.body, ''), s.name \
     FROM people p JOIN services s ON s.id = p.service_id \
     LEFT JOIN records r ON r.person_id = p.id AND r.kind = 'about_me'";
/// Everyone still supported (a person whose support ended leaves the lists).
pub(crate) const SELECT_SUMMARIES: &str = "SELECT p.id, p.service_id, p.name, p.preferred_name, \
     p.pronouns, p.date_of_birth, p.ended_ms, COALESCE(r.body, ''), s.name FROM people p \
     JOIN services s ON s.id = p.service_id \
     LEFT JOIN records r ON r.person_id = p.id AND r.kind = 'about_me' WHERE p.ended_ms IS NULL";
pub(crate) const UPSERT_SERVICE: &str = "INSERT INTO services (id, name, kind) VALUES ($1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind";
pub(crate) const UPSERT_PERSON: &str = "INSERT INTO people (id, service_id, name, \
     preferred_name, pronouns, about_me, date_of_birth, ended_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, \
     preferred_name = excluded.preferred_name, pronouns = excluded.pronouns, \
     about_me = excluded.about_me, date_of_birth = excluded.date_of_birth, \
     ended_ms = excluded.ended_ms";
/// Someone new: an id already taken is an error, never a replacement.
pub(crate) const INSERT_PERSON: &str = "INSERT INTO people (id, service_id, name, \
     preferred_name, pronouns, about_me, date_of_birth, ended_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/// Moves a person still supported by service `$2` to service `$3`.
pub(crate) const MOVE_PERSON: &str = "UPDATE people SET service_id = $3 \
     WHERE id = $1 AND service_id = $2 AND ended_ms IS NULL";
/// Ends the support of a person still supported by service `$2`.
pub(crate) const END_SUPPORT: &str = "UPDATE people SET ended_ms = $3 \
     WHERE id = $1 AND service_id = $2 AND ended_ms IS NULL";

pub(crate) const SELECT_CLIENT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) FROM mutation_outcomes \
     WHERE person_id = $1 AND client_id = $2";
pub(crate) const UPSERT_DEVICE_SYNC: &str = "INSERT INTO device_syncs \
     (client_id, person_id, label, last_complete_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (client_id, person_id) DO UPDATE SET label = excluded.label, \
     last_complete_ms = excluded.last_complete_ms";
pub(crate) const SELECT_DEVICE_SYNCS: &str = "SELECT s.client_id, s.person_id, s.label, \
     s.last_complete_ms, d.user_id, u.name FROM device_syncs s \
     LEFT JOIN devices d ON d.client_id = s.client_id LEFT JOIN users u ON u.id = d.user_id \
     ORDER BY s.last_complete_ms DESC";

pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn count(what: &str, n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

pub(crate) fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A device sync row: client id, person id, label, milliseconds.
/// ... then the device's owner and their name, when known.
pub(crate) type DeviceSyncRow = (String, String, String, i64, Option<String>, Option<String>);

pub(crate) fn device_sync_from_row(
    (client, person, label, at_ms, owner, owner_name): DeviceSyncRow,
) -> Result<domain::sync::DeviceSync, StoreError> {
    Ok(domain::sync::DeviceSync {
        client: domain::sync::ClientId(uuid("device_syncs.client_id", &client)?),
        person: PersonId(uuid("device_syncs.person_id", &person)?),
        label,
        at_ms,
        owner: owner
            .map(|o| uuid("devices.user_id", &o).map(domain::access::UserId))
            .transpose()?,
        owner_name: owner_name.unwrap_or_default(),
    })
}

fn uuid(column: &str, text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt(format!("{column} {text:?}: {e}")))
}

pub(crate) fn service_from_row((id, name, kind): ServiceRow) -> Result<Service, StoreError> {
    Ok(Service {
        id: ServiceId(uuid("services.id", &id)?),
        kind: ServiceKind::from_code(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("services.kind {kind:?}")))?,
        name,
    })
}

pub(crate) fn person_from_row(
    (id, service_id, name, preferred_name, pronouns, date_of_birth, ended_ms, about_me): PersonRow,
) -> Result<Person, StoreError> {
    let about_me = crate::records::about_me_from_body(&id, &about_me)?;
    let date_of_birth = date_of_birth
        .map(|d| {
            d.parse::<domain::calendar::Date>()
                .map_err(|e| StoreError::Corrupt(format!("people.date_of_birth {d:?}: {e}")))
        })
        .transpose()?;
    Ok(Person {
        date_of_birth,
        support_ended_ms: ended_ms,
        id: PersonId(uuid("people.id", &id)?),
        service_id: ServiceId(uuid("people.service_id", &service_id)?),
        name,
        preferred_name,
        pronouns,
        about_me,
    })
}

pub(crate) fn summary_from_row(row: SummaryRow) -> Result<PersonSummary, StoreError> {
    let (id, service_id, name, preferred_name, pronouns, born, ended, about_me, service_name) = row;
    let person = person_from_row((
        id,
        service_id,
        name,
        preferred_name,
        pronouns,
        born,
        ended,
        about_me,
    ))?;
    Ok(person.summary(&service_name))
}

pub(crate) fn about_me_json(about_me: &AboutMe) -> String {
    // Serialising a struct of strings cannot fail.
    serde_json::to_string(about_me).unwrap_or_else(|_| "{}".to_owned())
}

macro_rules! sql_store {
    ($store:ty, $backend:expr, lock_head = $lock_head:expr) => {
        use $crate::sql::{end_other_links, set_first_password};
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            async fn health(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn is_empty(&self) -> Result<bool, $crate::StoreError> {
                let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM services")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(count == 0)
            }

            async fn import(&self, data: &domain::Dataset) -> Result<(), $crate::StoreError> {
                use $crate::sql::*;
                let mut tx = self.pool.begin().await?;
                // Each person's About me record, if they have none yet.
                let mut abouts = $crate::records::Writes::default();
                for s in &data.services {
                    sqlx::query(UPSERT_SERVICE)
                        .bind(s.id.to_string())
                        .bind(&s.name)
                        .bind(s.kind.code())
                        .execute(&mut *tx)
                        .await?;
                }
                let imported = domain::records::Stamp {
                    by: "Circle (imported)".to_owned(),
                    at_ms: $crate::now_ms(),
                };
                for p in &data.people {
                    let pid = p.id.to_string();
                    sqlx::query($crate::governance::BUMP_ON_MOVE)
                        .bind(&pid)
                        .bind(p.service_id.to_string())
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(UPSERT_PERSON)
                        .bind(&pid)
                        .bind(p.service_id.to_string())
                        .bind(&p.name)
                        .bind(&p.preferred_name)
                        .bind(&p.pronouns)
                        .bind(about_me_json(&p.about_me))
                        .bind(p.date_of_birth.map(|d| d.to_string()))
                        .bind(p.support_ended_ms)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query($crate::records::INSERT_HEAD)
                        .bind(&pid)
                        .bind(0_i64)
                        .execute(&mut *tx)
                        .await?;
                    let about =
                        domain::records::views::about_me_record(p.id, &p.about_me, 0, &imported);
                    abouts.record(&pid, &about, &self.catalog, $crate::records::INSERT_RECORD_IF_NEW);
                }
                Self::run_writes(&mut tx, &abouts).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(())
            }

            async fn services(&self) -> Result<Vec<domain::Service>, $crate::StoreError> {
                use $crate::sql::*;
                sqlx::query_as::<_, ServiceRow>(SELECT_SERVICES)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(service_from_row)
                    .collect()
            }

            async fn all_people(&self) -> Result<Vec<domain::PersonSummary>, $crate::StoreError> {
                use $crate::sql::*;
                let mut people = sqlx::query_as::<_, SummaryRow>(SELECT_ALL_SUMMARIES)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(summary_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                domain::people::sort_for_display(&mut people);
                Ok(people)
            }

            async fn people(&self) -> Result<Vec<domain::PersonSummary>, $crate::StoreError> {
                use $crate::sql::*;
                let mut people = sqlx::query_as::<_, SummaryRow>(SELECT_SUMMARIES)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(summary_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                domain::people::sort_for_display(&mut people);
                Ok(people)
            }

            async fn person(
                &self,
                id: domain::PersonId,
            ) -> Result<Option<domain::Person>, $crate::StoreError> {
                use $crate::sql::*;
                if let Some(person) = self.access.person(id) {
                    return Ok(Some(person));
                }
                let tag = self.access.tag();
                let person = sqlx::query_as::<_, PersonRow>(SELECT_PERSON)
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(person_from_row)
                    .transpose()?;
                if let Some(person) = &person {
                    self.access.keep_person(tag, person);
                }
                Ok(person)
            }

            async fn add_people(
                &self,
                people: &[domain::Person],
                audit: &[domain::audit::AuditEvent],
            ) -> Result<(), $crate::StoreError> {
                use $crate::sql::*;
                let mut tx = self.pool.begin().await?;
                for p in people {
                    let pid = p.id.to_string();
                    sqlx::query(INSERT_PERSON)
                        .bind(&pid)
                        .bind(p.service_id.to_string())
                        .bind(&p.name)
                        .bind(&p.preferred_name)
                        .bind(&p.pronouns)
                        .bind(about_me_json(&p.about_me))
                        .bind(p.date_of_birth.map(|d| d.to_string()))
                        .bind(p.support_ended_ms)
                        .execute(&mut *tx)
                        .await?;
                    // Version 0 and no records: an empty About me and an empty plan.
                    sqlx::query($crate::records::INSERT_HEAD)
                        .bind(&pid)
                        .bind(0_i64)
                        .execute(&mut *tx)
                        .await?;
                }
                for event in audit {
                    Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(event)).await?;
                }
                // A person's service decides who may open their record.
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(())
            }

            async fn move_person(
                &self,
                person: domain::PersonId,
                from: domain::ServiceId,
                to: domain::ServiceId,
                audit: &domain::audit::AuditEvent,
            ) -> Result<bool, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::governance::BUMP_ON_MOVE)
                    .bind(person.to_string())
                    .bind(to.to_string())
                    .execute(&mut *tx)
                    .await?;
                let moved = sqlx::query($crate::sql::MOVE_PERSON)
                    .bind(person.to_string())
                    .bind(from.to_string())
                    .bind(to.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if moved == 0 {
                    return Ok(false);
                }
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                let event = $crate::StoreEvent::Support(person);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(true)
            }

            async fn end_support(
                &self,
                person: domain::PersonId,
                from: domain::ServiceId,
                at_ms: i64,
                audit: &domain::audit::AuditEvent,
            ) -> Result<bool, $crate::StoreError> {
                let pid = person.to_string();
                let mut tx = self.pool.begin().await?;
                // Takes the person's row lock first, as a push does: a push under way finishes
                // before support ends, and every push after it reads the end (on SQLite,
                // writers take turns anyway).
                sqlx::query($crate::records::LOCK_HEAD)
                    .bind(&pid)
                    .fetch_optional(&mut *tx)
                    .await?;
                let ended = sqlx::query($crate::sql::END_SUPPORT)
                    .bind(&pid)
                    .bind(from.to_string())
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if ended == 0 {
                    return Ok(false);
                }
                // The record is closed: nobody new joins the circle.
                sqlx::query($crate::accounts::WITHDRAW_OFFERS_TO)
                    .bind(&pid)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::accounts::END_INVITATIONS_TO)
                    .bind(&pid)
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?;
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                let event = $crate::StoreEvent::Support(person);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(true)
            }

            fn catalog(&self) -> &domain::records::Catalog {
                &self.catalog
            }

            async fn records(
                &self,
                person: domain::PersonId,
                topics: Option<&std::collections::BTreeSet<domain::access::Topic>>,
            ) -> Result<(Vec<domain::records::Record>, u64), $crate::StoreError> {
                use $crate::records::*;
                let pid = person.to_string();
                let sql = select_records(topics.map(|t| t.len()));
                let mut query = sqlx::query_as::<_, RecordRow>(&sql).bind(&pid);
                for topic in topics.into_iter().flatten() {
                    query = query.bind(topic.key());
                }
                // One read transaction: the records and the version they are at agree.
                let mut tx = self.pool.begin().await?;
                let rows = query.fetch_all(&mut *tx).await?;
                let head: Option<(i64,)> = sqlx::query_as(SELECT_HEAD)
                    .bind(&pid)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.commit().await?;
                let Some((version,)) = head else {
                    return Err($crate::StoreError::NotFound);
                };
                let records = rows
                    .into_iter()
                    .map(record_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((records, $crate::sql::count("record_heads.version", version)?))
            }

            async fn changed_records(
                &self,
                person: domain::PersonId,
                since: u64,
                limit: usize,
            ) -> Result<(Vec<domain::records::Record>, u64), $crate::StoreError> {
                use $crate::records::*;
                let pid = person.to_string();
                let mut tx = self.pool.begin().await?;
                let head: Option<(i64,)> = sqlx::query_as(SELECT_HEAD)
                    .bind(&pid)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((version,)) = head else {
                    return Err($crate::StoreError::NotFound);
                };
                let rows = sqlx::query_as::<_, RecordRow>(SELECT_CHANGED)
                    .bind(&pid)
                    .bind($crate::sql::signed(since))
                    .bind(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX))
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                let records = rows
                    .into_iter()
                    .map(record_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((records, $crate::sql::count("record_heads.version", version)?))
            }

            async fn push(
                &self,
                person: domain::PersonId,
                client: domain::sync::ClientId,
                batch: &[domain::records::authority::Mutation],
                allowed: &domain::records::authority::Allowed<'_>,
                editor: &domain::audit::Editor,
            ) -> Result<Vec<domain::records::authority::Ack>, $crate::StoreError> {
                use $crate::records::*;
                use $crate::sql::{json, signed};
                let batch: Vec<_> = batch
                    .iter()
                    .filter(|m| m.client == client)
                    .cloned()
                    .collect();
                let (pid, cid) = (person.to_string(), client.0.to_string());
                let from = batch.iter().map(|m| m.seq).min().unwrap_or(u64::MAX);
                let ops: Vec<_> = batch
                    .iter()
                    .filter_map(|m| m.op.to_record_op(person))
                    .collect();
                let catalog = &self.catalog;
                // The push's turn to write: its own transaction on PostgreSQL; on SQLite a
                // share of a transaction with the pushes arriving with it (group commit).
                // Either way `finish` returns once the work is durable. Everything is read
                // first, then written in one batch (one round trip on SQLite).
                let mut turn = self.write_turn().await?;
                let mut wrote = false;
                let written = async {
                    let tx = turn.conn()?;
                    // One push per person at a time: on PostgreSQL the person's version is
                    // locked first (across servers); SQLite's writers already take turns, so
                    // its version is read with the rest.
                    let mut read = PushRead::default();
                    if let Some(lock) = $lock_head {
                        read.head = sqlx::query_as::<_, (i64,)>(lock)
                            .bind(&pid)
                            .fetch_optional(&mut *tx)
                            .await?
                            .map(|(version,)| version);
                    }
                    // Only what the batch touches: its targets, their parents, what a conflict is
                    // about, and the kinds it counts against a limit. The device's outcomes and
                    // the first keys come in one read; most pushes need no other.
                    let (keys, kinds) = keys_needed(&ops, catalog);
                    let mut chunks = keys.chunks(200);
                    let first = chunks.next().unwrap_or(&[]);
                    let sql = select_for_push(first.len(), $lock_head.is_none());
                    let mut query = sqlx::query_as::<_, PushRow>(&sql)
                        .bind(&pid)
                        .bind(&cid)
                        .bind(signed(from));
                    for key in first {
                        query = query.bind(&key.kind).bind(key.id.to_string());
                    }
                    for row in query.fetch_all(&mut *tx).await? {
                        read.add(row)?;
                    }
                    let Some(version) = read.head else {
                        return Err($crate::StoreError::NotFound);
                    };
                    let version = $crate::sql::count("record_heads.version", version)?;
                    // Once support has ended the record is read only: every new edit gets a
                    // stored refusal saying so (read under the person's lock, so an end of
                    // support committed before this push is always seen).
                    let ended = read.ended.map(domain::people::ended_refusal);
                    let refuse_ended = |_: &domain::records::RecordSet,
                                        _: &domain::records::RecordOp|
                     -> Result<(), String> {
                        Err(ended.clone().unwrap_or_default())
                    };
                    let allowed: &domain::records::authority::Allowed<'_> = if ended.is_some() {
                        &refuse_ended
                    } else {
                        allowed
                    };
                    let mut found = read.records;
                    for chunk in chunks {
                        let sql = select_keys(chunk.len());
                        let mut query = sqlx::query_as::<_, RecordRow>(&sql).bind(&pid);
                        for key in chunk {
                            query = query.bind(&key.kind).bind(key.id.to_string());
                        }
                        for row in query.fetch_all(&mut *tx).await? {
                            found.push(record_from_row(row)?);
                        }
                    }
                    let more: Vec<_> = second_keys(&found, catalog)
                        .into_iter()
                        .filter(|k| !keys.contains(k))
                        .collect();
                    for chunk in more.chunks(200) {
                        let sql = select_keys(chunk.len());
                        let mut query = sqlx::query_as::<_, RecordRow>(&sql).bind(&pid);
                        for key in chunk {
                            query = query.bind(&key.kind).bind(key.id.to_string());
                        }
                        for row in query.fetch_all(&mut *tx).await? {
                            found.push(record_from_row(row)?);
                        }
                    }
                    for kind in &kinds {
                        for row in sqlx::query_as::<_, RecordRow>(SELECT_OF_KIND)
                            .bind(&pid)
                            .bind(kind)
                            .fetch_all(&mut *tx)
                            .await?
                        {
                            found.push(record_from_row(row)?);
                        }
                    }
                    let set: domain::records::RecordSet = found.into_iter().collect();
                    let known = read
                        .outcomes
                        .into_iter()
                        .map(|(seq, outcome, version)| {
                            let (seq, ack) = stored_ack(seq, &outcome, version)?;
                            Ok(((client, seq), ack))
                        })
                        .collect::<Result<Vec<_>, $crate::StoreError>>()?;
                    let mut authority =
                        domain::records::authority::Authority::resume(catalog, person, set, version, known);
                    let stamp = domain::records::Stamp {
                        by: editor.name.clone(),
                        at_ms: editor.at_ms,
                    };
                    let decided = authority.push(&batch, allowed, &stamp);
                    let mut writes = Writes::default();
                    for (_, ack) in authority.fresh_outcomes() {
                        writes.add(
                            INSERT_OUTCOME,
                            vec![
                                Arg::Text(pid.clone()),
                                Arg::Text(cid.clone()),
                                Arg::Int(signed(ack.seq)),
                                Arg::Text(json(&ack.outcome)),
                                Arg::MaybeInt(ack.version.map(signed)),
                            ],
                        );
                    }
                    // Every edit decided now is audited in this transaction: if the audit trail
                    // cannot be written, nothing of the push is saved.
                    for lines in decided.iter().filter_map(|d| d.audit.clone()) {
                        writes.audit(&editor.changed(uuid::Uuid::now_v7(), person, lines));
                    }
                    for change in authority.log() {
                        writes.add(
                            INSERT_CHANGE,
                            vec![
                                Arg::Text(pid.clone()),
                                Arg::Int(signed(change.version)),
                                Arg::Text(cid.clone()),
                                Arg::Int(signed(change.seq)),
                                Arg::Text(json(&change.op)),
                                Arg::Int(i64::from(domain::records::SCHEMA_VERSION)),
                            ],
                        );
                    }
                    for record in authority.changed() {
                        writes.record(&pid, record, catalog, UPSERT_RECORD);
                    }
                    let changed = authority.version() != version;
                    if changed {
                        writes.add(
                            UPDATE_HEAD,
                            vec![Arg::Int(signed(authority.version())), Arg::Text(pid.clone())],
                        );
                    }
                    if !writes.statements.is_empty() {
                        wrote = true;
                        Self::run_writes(tx, &writes).await?;
                    }
                    let event = changed.then_some($crate::StoreEvent::Plan($crate::PlanChanged {
                        person,
                        version: authority.version(),
                    }));
                    if let Some(event) = event {
                        self.announce(tx, event).await?;
                    }
                    Ok::<_, $crate::StoreError>((decided, event))
                }
                .await;
                let (decided, event) = turn.finish(written, wrote).await?;
                if let Some(event) = event {
                    self.announced(event);
                }
                Ok(decided.into_iter().map(|d| d.ack).collect())
            }

            async fn claim_device(
                &self,
                client: domain::sync::ClientId,
                user: domain::access::UserId,
                now_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::accounts::*;
                let cid = client.0.to_string();
                // A device's owner never changes once claimed: it is remembered, and read
                // first, so that a device already known (every push but its first) writes
                // nothing and, after its first push here, reads nothing.
                if let Some(owner) = self.access.owner(client) {
                    return Ok(owner == user);
                }
                let known: Option<(String,)> = sqlx::query_as(SELECT_DEVICE_OWNER)
                    .bind(&cid)
                    .fetch_optional(&self.pool)
                    .await?;
                if let Some((owner,)) = known {
                    let owner = domain::access::UserId(uuid("devices.user_id", &owner)?);
                    self.access.keep_owner(client, owner);
                    return Ok(owner == user);
                }
                sqlx::query(CLAIM_DEVICE)
                    .bind(&cid)
                    .bind(user.to_string())
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                let (owner,): (String,) = sqlx::query_as(SELECT_DEVICE_OWNER)
                    .bind(&cid)
                    .fetch_one(&self.pool)
                    .await?;
                let owner = domain::access::UserId(uuid("devices.user_id", &owner)?);
                self.access.keep_owner(client, owner);
                Ok(owner == user)
            }

            async fn client_seq(
                &self,
                person: domain::PersonId,
                client: domain::sync::ClientId,
            ) -> Result<u64, $crate::StoreError> {
                use $crate::sql::*;
                let (seq,): (i64,) = sqlx::query_as(SELECT_CLIENT_SEQ)
                    .bind(person.to_string())
                    .bind(client.0.to_string())
                    .fetch_one(&self.pool)
                    .await?;
                count("mutation_outcomes.seq", seq)
            }

            async fn record_sync(
                &self,
                sync: &domain::sync::DeviceSync,
            ) -> Result<(), $crate::StoreError> {
                use $crate::sql::*;
                sqlx::query(UPSERT_DEVICE_SYNC)
                    .bind(sync.client.0.to_string())
                    .bind(sync.person.to_string())
                    .bind(&sync.label)
                    .bind(sync.at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn device_syncs(
                &self,
            ) -> Result<Vec<domain::sync::DeviceSync>, $crate::StoreError> {
                use $crate::sql::*;
                sqlx::query_as::<_, DeviceSyncRow>(SELECT_DEVICE_SYNCS)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(device_sync_from_row)
                    .collect()
            }

            fn events(&self) -> tokio::sync::broadcast::Receiver<$crate::StoreEvent> {
                self.changes.subscribe()
            }

            async fn put_user(&self, user: &$crate::UserRecord) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(INSERT_USER)
                    .bind(user.id.to_string())
                    .bind(user.email.trim().to_lowercase())
                    .bind(&user.name)
                    .bind(&user.password_hash)
                    .execute(&mut *tx)
                    .await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(())
            }

            async fn user_by_email(
                &self,
                email: &str,
            ) -> Result<Option<$crate::UserRecord>, $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query_as::<_, UserRow>(SELECT_USER_BY_EMAIL)
                    .bind(email.trim().to_lowercase())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(user_from_row)
                    .transpose()
            }

            async fn user(
                &self,
                id: domain::access::UserId,
            ) -> Result<Option<$crate::UserRecord>, $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query_as::<_, UserRow>(SELECT_USER)
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(user_from_row)
                    .transpose()
            }

            async fn set_password(
                &self,
                user: domain::access::UserId,
                password_hash: &str,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(SET_PASSWORD)
                    .bind(password_hash)
                    .bind(user.to_string())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn save_service(
                &self,
                service: &domain::Service,
                admin: Option<domain::access::UserId>,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::sql::UPSERT_SERVICE)
                    .bind(service.id.to_string())
                    .bind(&service.name)
                    .bind(service.kind.code())
                    .execute(&mut *tx)
                    .await?;
                if let Some(admin) = admin {
                    sqlx::query(INSERT_STAFF_ROLE)
                        .bind(admin.to_string())
                        .bind(service.id.to_string())
                        .bind(domain::access::StaffRole::Admin.key())
                        .bind(Some(admin.to_string()))
                        .bind(audit.at_ms)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(())
            }

            async fn grant_staff_role(
                &self,
                user: domain::access::UserId,
                service: domain::ServiceId,
                role: domain::access::StaffRole,
                granted_by: Option<domain::access::UserId>,
                at_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(INSERT_STAFF_ROLE)
                    .bind(user.to_string())
                    .bind(service.to_string())
                    .bind(role.key())
                    .bind(granted_by.map(|u| u.to_string()))
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?;
                let event = $crate::StoreEvent::Access(user);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(())
            }

            async fn staff(&self) -> Result<Vec<$crate::StaffMember>, $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query_as::<_, StaffRow>(SELECT_ALL_STAFF)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(staff_member_from_row)
                    .collect()
            }

            async fn revoke_staff_role(
                &self,
                user: domain::access::UserId,
                service: domain::ServiceId,
                role: domain::access::StaffRole,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(DELETE_STAFF_ROLE)
                    .bind(user.to_string())
                    .bind(service.to_string())
                    .bind(role.key())
                    .execute(&mut *tx)
                    .await?;
                let event = $crate::StoreEvent::Access(user);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(())
            }

            async fn put_account_invitation(
                &self,
                token_hash: &str,
                user: domain::access::UserId,
                invited_by: domain::access::UserId,
                created_ms: i64,
                expires_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(INSERT_ACCOUNT_INVITATION)
                    .bind(token_hash)
                    .bind(user.to_string())
                    .bind(invited_by.to_string())
                    .bind(created_ms)
                    .bind(expires_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn redeem_account_invitation(
                &self,
                token_hash: &str,
                now_ms: i64,
                password_hash: &str,
            ) -> Result<
                Result<domain::access::UserId, $crate::InvitationProblem>,
                $crate::StoreError,
            > {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                let used = sqlx::query(USE_ACCOUNT_INVITATION)
                    .bind(now_ms)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let Some((user, used_ms, ended_ms)) = sqlx::query_as::<
                    _,
                    (String, Option<i64>, Option<i64>),
                >(SELECT_ACCOUNT_INVITATION)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(Err($crate::InvitationProblem::Unknown));
                };
                if used != 1 {
                    return Ok(Err(invitation_problem(used_ms, ended_ms)));
                }
                if !set_first_password!(tx, &user, password_hash) {
                    return Ok(Err($crate::InvitationProblem::Ended));
                }
                end_other_links!(tx, now_ms, &user);
                tx.commit().await?;
                Ok(Ok(domain::access::UserId(uuid("account_invitations.user_id", &user)?)))
            }

            async fn add_to_circle(
                &self,
                person: domain::PersonId,
                user: domain::access::UserId,
                role: domain::access::CircleRole,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(UPSERT_MEMBER)
                    .bind(person.to_string())
                    .bind(user.to_string())
                    .bind(role.key())
                    .execute(&mut *tx)
                    .await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(())
            }

            async fn accept_circle(
                &self,
                person: domain::PersonId,
                user: domain::access::UserId,
                now_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                let accepted = sqlx::query(ACCEPT_MEMBER)
                    .bind(now_ms)
                    .bind(person.to_string())
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                let event = $crate::StoreEvent::Access(user);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(accepted)
            }

            async fn decline_circle(
                &self,
                person: domain::PersonId,
                user: domain::access::UserId,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                let declined = sqlx::query(DECLINE_MEMBER)
                    .bind(person.to_string())
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                Ok(declined)
            }

            async fn circle_offers(
                &self,
                user: domain::access::UserId,
            ) -> Result<Vec<$crate::CircleOffer>, $crate::StoreError> {
                use $crate::accounts::*;
                let rows: Vec<(String, String)> = sqlx::query_as(SELECT_OFFERS)
                    .bind(user.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                offers(rows)
            }
            async fn actor(
                &self,
                user: domain::access::UserId,
            ) -> Result<Option<domain::access::Actor>, $crate::StoreError> {
                use $crate::accounts::*;
                if let Some(actor) = self.access.actor(user) {
                    return Ok(Some(actor));
                }
                let tag = self.access.tag();
                let Some(record) = self.user(user).await? else {
                    return Ok(None);
                };
                let uid = user.to_string();
                let roles: Vec<(String, String)> = sqlx::query_as(SELECT_STAFF_ROLES)
                    .bind(&uid)
                    .fetch_all(&self.pool)
                    .await?;
                let circles: Vec<(String, String)> = sqlx::query_as(SELECT_MEMBERSHIPS)
                    .bind(&uid)
                    .fetch_all(&self.pool)
                    .await?;
                let consent: Vec<(String, String)> = sqlx::query_as(SELECT_CONSENT_OF_USER)
                    .bind(&uid)
                    .fetch_all(&self.pool)
                    .await?;
                let actor = domain::access::Actor {
                    user,
                    name: record.name,
                    staff: staff_roles(roles)?,
                    circles: memberships(circles, consent)?,
                };
                self.access.keep_actor(tag, &actor);
                Ok(Some(actor))
            }

            async fn circle(
                &self,
                person: domain::PersonId,
            ) -> Result<Vec<$crate::CircleMember>, $crate::StoreError> {
                use $crate::accounts::*;
                let pid = person.to_string();
                let rows: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(SELECT_CIRCLE)
                    .bind(&pid)
                    .fetch_all(&self.pool)
                    .await?;
                let consent: Vec<(String, String)> = sqlx::query_as(SELECT_CONSENT_OF_PERSON)
                    .bind(&pid)
                    .fetch_all(&self.pool)
                    .await?;
                circle(rows, consent)
            }

            async fn set_consent(
                &self,
                person: domain::PersonId,
                member: domain::access::UserId,
                topic: domain::access::Topic,
                shared: bool,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(if shared { SHARE_TOPIC } else { UNSHARE_TOPIC })
                    .bind(person.to_string())
                    .bind(member.to_string())
                    .bind(topic.key())
                    .execute(&mut *tx)
                    .await?;
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                let event = $crate::StoreEvent::Access(member);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(())
            }

            async fn queue_mail(
                &self,
                letters: &[$crate::OutgoingMail],
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                use $crate::mail::*;
                let mut tx = self.pool.begin().await?;
                for m in letters {
                    sqlx::query(INSERT_MAIL)
                        .bind(m.id.to_string())
                        .bind(m.person.to_string())
                        .bind(m.meeting.to_string())
                        .bind(m.document.code())
                        .bind(m.user.to_string())
                        .bind(&m.to_name)
                        .bind(&m.to_email)
                        .bind(&m.subject)
                        .bind(&m.text)
                        .bind(&m.html)
                        .bind(m.calendar.as_deref())
                        .bind(topic_keys(&m.topics))
                        .bind(m.queued_ms)
                        .bind(&m.queued_by)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn claim_mail(
                &self,
                now_ms: i64,
                hold_until_ms: i64,
            ) -> Result<Option<$crate::OutgoingMail>, $crate::StoreError> {
                use $crate::mail::*;
                sqlx::query_as::<_, MailRow>(&claim_mail_sql())
                    .bind(hold_until_ms)
                    .bind(now_ms)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(mail_from_row)
                    .transpose()
            }

            async fn mail_sent(
                &self,
                id: uuid::Uuid,
                at_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query($crate::mail::MAIL_SENT)
                    .bind(id.to_string())
                    .bind(at_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mail_failed(
                &self,
                id: uuid::Uuid,
                error: &str,
                next_try_ms: Option<i64>,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query($crate::mail::MAIL_FAILED)
                    .bind(id.to_string())
                    .bind(error)
                    .bind(next_try_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn retry_mail(
                &self,
                person: domain::PersonId,
                id: uuid::Uuid,
                now_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                let done = sqlx::query($crate::mail::RETRY_MAIL)
                    .bind(id.to_string())
                    .bind(person.to_string())
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(done == 1)
            }

            async fn deliveries(
                &self,
                person: domain::PersonId,
            ) -> Result<Vec<domain::mail::Delivery>, $crate::StoreError> {
                use $crate::mail::*;
                sqlx::query_as::<_, DeliveryRow>(SELECT_DELIVERIES)
                    .bind(person.to_string())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(delivery_from_row)
                    .collect()
            }

            async fn governance_counts(
                &self,
                services: &[domain::ServiceId],
                from: domain::governance::Month,
                to: domain::governance::Month,
                now_ms: i64,
            ) -> Result<Vec<domain::governance::FigureCount>, $crate::StoreError> {
                use $crate::governance as g;
                use domain::governance::{Count, FigureCount, Month};
                if services.is_empty() {
                    return Ok(Vec::new());
                }
                let today = g::today(now_ms)?;
                // Settled as of the earlier of `now_ms` and this server's clock: a month is
                // kept only once the changes made to it now mark it (`Month::kept_on`).
                let settled_on = g::day(now_ms.min($crate::now_ms()))?;
                let (settled, live): (Vec<Month>, Vec<Month>) = g::months(from, to)
                    .into_iter()
                    .partition(|m| m.settled_on(settled_on));
                // The settled months' kept counts, and the cells to count again.
                let mut counts: Vec<FigureCount> = Vec::new();
                let mut stale: Vec<g::Stale> = Vec::new();
                if let (Some(first), Some(last)) = (settled.first(), settled.last()) {
                    let sql = g::kept_sql(services.len());
                    let mut query = sqlx::query_as::<_, g::KeptRow>(&sql)
                        .bind(first.to_string())
                        .bind(last.to_string());
                    for s in services {
                        query = query.bind(s.to_string());
                    }
                    let rows = query.fetch_all(&self.pool).await?;
                    let (kept, again) = g::kept_from_rows(rows, services, &settled)?;
                    counts.extend(kept);
                    stale = again;
                }
                // What is counted: the months still changing, for every service; the cells out
                // of date. Each pass over a table of each on its own connection, at once.
                let mut ranges: Vec<(Vec<domain::ServiceId>, Month, Month, bool)> = Vec::new();
                if let (Some(first), Some(last)) = (live.first(), live.last()) {
                    ranges.push((services.to_vec(), *first, *last, false));
                }
                if let Some((services, first, last)) = g::stale_range(&stale) {
                    ranges.push((services, first, last, true));
                }
                let mut passes = tokio::task::JoinSet::new();
                for (services, first, last, again) in ranges {
                    let (start, end) = g::bounds(first, last)?;
                    for figures in g::passes() {
                        let sql = g::counts_sql(&figures, services.len());
                        let binds = (start.clone(), end.clone(), today.clone());
                        let services: Vec<String> =
                            services.iter().map(|s| s.to_string()).collect();
                        let pool = self.pool.clone();
                        passes.spawn(async move {
                            let mut query = sqlx::query(&sql)
                                .bind(binds.0)
                                .bind(binds.1)
                                .bind(binds.2)
                                .bind(now_ms);
                            for service in services {
                                query = query.bind(service);
                            }
                            let rows = query.fetch_all(&pool).await?;
                            Ok::<_, $crate::StoreError>((again, figures, rows))
                        });
                    }
                }
                let mut counted_again: Vec<FigureCount> = Vec::new();
                while let Some(done) = passes.join_next().await {
                    let (again, figures, rows) = done.map_err(|e| {
                        $crate::StoreError::Corrupt(format!("a governance count stopped: {e}"))
                    })??;
                    for row in rows {
                        use sqlx::Row;
                        let service: String = row.try_get(0)?;
                        let month: String = row.try_get(1)?;
                        let service = domain::ServiceId($crate::accounts::uuid(
                            "people.service_id",
                            &service,
                        )?);
                        let month: Month = month.parse().map_err($crate::StoreError::Corrupt)?;
                        if again && !stale.iter().any(|c| (c.0, c.1) == (service, month)) {
                            continue;
                        }
                        for (i, figure) in figures.iter().enumerate() {
                            let met: i64 = row.try_get(2 + 2 * i)?;
                            let counted: i64 = row.try_get(3 + 2 * i)?;
                            if counted > 0 {
                                let count = FigureCount {
                                    service,
                                    month,
                                    figure: *figure,
                                    count: Count {
                                        met: u64::try_from(met).unwrap_or(0),
                                        counted: u64::try_from(counted).unwrap_or(0),
                                    },
                                };
                                if again {
                                    counted_again.push(count);
                                }
                                counts.push(count);
                            }
                        }
                    }
                }
                // Kept for the next reader. A count that cannot be kept is counted again next
                // time; this reader has its figures either way.
                if !stale.is_empty() {
                    let kept: Result<(), $crate::StoreError> = async {
                        let mut tx = self.pool.begin().await?;
                        for (cell_service, cell_month, stamp) in &stale {
                            let (service, month) = (cell_service.to_string(), cell_month.to_string());
                            let filled = sqlx::query(g::FILL_CELL)
                                .bind(&service)
                                .bind(&month)
                                .bind(*stamp)
                                .execute(&mut *tx)
                                .await?
                                .rows_affected();
                            if filled == 0 {
                                continue;
                            }
                            sqlx::query(g::DELETE_CELL_COUNTS)
                                .bind(&service)
                                .bind(&month)
                                .execute(&mut *tx)
                                .await?;
                            let cell: Vec<&FigureCount> = counted_again
                                .iter()
                                .filter(|c| c.service == *cell_service && c.month == *cell_month)
                                .collect();
                            if cell.is_empty() {
                                continue;
                            }
                            let sql = g::insert_cell_counts_sql(cell.len());
                            let mut query = sqlx::query(&sql).bind(&service).bind(&month);
                            for c in cell {
                                query = query
                                    .bind(c.figure.key())
                                    .bind(i64::try_from(c.count.met).unwrap_or(i64::MAX))
                                    .bind(i64::try_from(c.count.counted).unwrap_or(i64::MAX));
                            }
                            query.execute(&mut *tx).await?;
                        }
                        tx.commit().await?;
                        Ok(())
                    }
                    .await;
                    if let Err(e) = kept {
                        tracing::warn!("governance figures not kept (counted again next time): {e}");
                    }
                }
                counts.sort_by_key(|c| (c.service, c.month, c.figure));
                Ok(counts)
            }

            async fn grid_scores(
                &self,
                service: domain::ServiceId,
                quarters: &[domain::governance::grid::Quarter],
            ) -> Result<Vec<domain::governance::grid::ManualScore>, $crate::StoreError> {
                if quarters.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = $crate::governance::grid_scores_sql(quarters.len());
                let mut query = sqlx::query_as::<_, (String, String, i64, String, String, i64)>(&sql)
                    .bind(service.to_string());
                for q in quarters {
                    query = query.bind(q.to_string());
                }
                query
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::governance::grid_score_from_row)
                    .collect()
            }

            async fn set_grid_score(
                &self,
                service: domain::ServiceId,
                score: &domain::governance::grid::ManualScore,
                by: domain::access::UserId,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::governance::UPSERT_GRID_SCORE)
                    .bind(service.to_string())
                    .bind(score.quarter.to_string())
                    .bind(score.dimension.key())
                    .bind(i64::from(score.score))
                    .bind(&score.evidence)
                    .bind(by.to_string())
                    .bind(&score.by_name)
                    .bind(score.at_ms)
                    .execute(&mut *tx)
                    .await?;
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn case_draws(
                &self,
                service: domain::ServiceId,
            ) -> Result<Vec<domain::governance::sampling::Draw>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::governance::DrawRow>($crate::governance::CASE_DRAWS)
                    .bind(service.to_string())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::governance::draw_from_row)
                    .collect()
            }

            async fn record_draw(
                &self,
                draw: &domain::governance::sampling::Draw,
                by: domain::access::UserId,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(domain::governance::sampling::Draw, bool), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let made = sqlx::query($crate::governance::INSERT_DRAW)
                    .bind(draw.service.to_string())
                    .bind(draw.quarter.to_string())
                    .bind(draw.seed_words())
                    .bind($crate::governance::id_list(&draw.candidates))
                    .bind($crate::governance::id_list(&draw.drawn))
                    .bind(by.to_string())
                    .bind(&draw.by_name)
                    .bind(draw.at_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if made {
                    Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                }
                let row = sqlx::query_as::<_, $crate::governance::DrawRow>($crate::governance::CASE_DRAW)
                    .bind(draw.service.to_string())
                    .bind(draw.quarter.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(($crate::governance::draw_from_row(row)?, made))
            }

            async fn case_findings(
                &self,
                service: domain::ServiceId,
            ) -> Result<Vec<domain::governance::sampling::Finding>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::governance::FindingRow>($crate::governance::CASE_FINDINGS)
                    .bind(service.to_string())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::governance::finding_from_row)
                    .collect()
            }

            async fn set_case_finding(
                &self,
                service: domain::ServiceId,
                finding: &domain::governance::sampling::Finding,
                by: domain::access::UserId,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($crate::governance::UPSERT_FINDING)
                    .bind(service.to_string())
                    .bind(finding.quarter.to_string())
                    .bind(finding.person.to_string())
                    .bind(&finding.findings)
                    .bind(&finding.actions)
                    .bind(by.to_string())
                    .bind(&finding.by_name)
                    .bind(finding.at_ms)
                    .execute(&mut *tx)
                    .await?;
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn governance_records(
                &self,
                service: domain::ServiceId,
                figure: domain::governance::Figure,
                month: domain::governance::Month,
                now_ms: i64,
            ) -> Result<Vec<domain::governance::Counted>, $crate::StoreError> {
                let (start, end) = $crate::governance::bounds(month, month)?;
                let sql = $crate::governance::records_sql(figure);
                sqlx::query_as::<_, (String, String, String, String, i64)>(&sql)
                    .bind(&start)
                    .bind(&end)
                    .bind($crate::governance::today(now_ms)?)
                    .bind(now_ms)
                    .bind(service.to_string())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map($crate::governance::counted_from_row)
                    .collect()
            }

            async fn early_warnings(
                &self,
                person: domain::PersonId,
            ) -> Result<Vec<domain::access::EarlyWarning>, $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query_as::<_, EarlyWarningRow>(SELECT_EARLY_WARNINGS)
                    .bind(person.to_string())
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(early_warning_from_row)
                    .collect()
            }

            async fn add_early_warning(
                &self,
                warning: &domain::access::EarlyWarning,
                agreed_by: domain::access::UserId,
                audit: &domain::audit::AuditEvent,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(INSERT_EARLY_WARNING)
                    .bind(warning.id.to_string())
                    .bind(warning.person.to_string())
                    .bind(&warning.indicator)
                    .bind(warning.contact.to_string())
                    .bind(warning.agreed_ms)
                    .bind(agreed_by.to_string())
                    .execute(&mut *tx)
                    .await?;
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn remove_early_warning(
                &self,
                person: domain::PersonId,
                id: uuid::Uuid,
                audit: &domain::audit::AuditEvent,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                let removed = sqlx::query(DELETE_EARLY_WARNING)
                    .bind(id.to_string())
                    .bind(person.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if removed == 0 {
                    return Ok(false);
                }
                Self::run_writes(&mut tx, &$crate::records::Writes::of_audit(audit)).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn put_invitation(
                &self,
                invitation: &$crate::InvitationRecord,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(INSERT_INVITATION)
                    .bind(&invitation.token_hash)
                    .bind(invitation.person.to_string())
                    .bind(invitation.user.to_string())
                    .bind(invitation.invited_by.to_string())
                    .bind(invitation.created_ms)
                    .bind(invitation.expires_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn invitation(
                &self,
                token_hash: &str,
            ) -> Result<Option<$crate::InvitationRecord>, $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query_as::<_, InvitationRow>(SELECT_INVITATION)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(invitation_from_row)
                    .transpose()
            }

            async fn redeem_invitation(
                &self,
                token_hash: &str,
                now_ms: i64,
                password_hash: &str,
            ) -> Result<
                Result<$crate::InvitationRecord, $crate::InvitationProblem>,
                $crate::StoreError,
            > {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                let used = sqlx::query(USE_INVITATION)
                    .bind(now_ms)
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let Some(invitation) = sqlx::query_as::<_, InvitationRow>(SELECT_INVITATION)
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(invitation_from_row)
                    .transpose()?
                else {
                    return Ok(Err($crate::InvitationProblem::Unknown));
                };
                if used != 1 {
                    return Ok(Err(invitation_problem(invitation.used_ms, invitation.ended_ms)));
                }
                let user = invitation.user.to_string();
                if !set_first_password!(tx, &user, password_hash) {
                    return Ok(Err($crate::InvitationProblem::Ended));
                }
                sqlx::query(ACCEPT_MEMBER)
                    .bind(now_ms)
                    .bind(invitation.person.to_string())
                    .bind(&user)
                    .execute(&mut *tx)
                    .await?;
                end_other_links!(tx, now_ms, &user);
                let event = $crate::StoreEvent::Access(invitation.user);
                self.announce(&mut tx, event).await?;
                let epoch = $crate::sql::access_changed!(tx);
                tx.commit().await?;
                self.access.saw(epoch);
                self.announced(event);
                Ok(Ok(invitation))
            }

            async fn session(
                &self,
                id: &str,
                now_ms: i64,
            ) -> Result<Option<String>, $crate::StoreError> {
                use $crate::accounts::*;
                // The access epoch comes with it: what this request is allowed is decided on
                // facts no older than its session (see `cache`).
                let (epoch, record): (i64, Option<String>) = sqlx::query_as(SELECT_SESSION)
                    .bind(id)
                    .bind(now_ms)
                    .fetch_one(&self.pool)
                    .await?;
                self.access.saw(epoch);
                Ok(record)
            }


            async fn put_session(
                &self,
                id: &str,
                user: Option<domain::access::UserId>,
                record: &str,
                expires_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(UPSERT_SESSION)
                    .bind(id)
                    .bind(user.map(|u| u.to_string()))
                    .bind(record)
                    .bind(expires_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_session(
                &self,
                id: &str,
                user: Option<domain::access::UserId>,
                record: &str,
                expires_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                use $crate::accounts::*;
                let inserted = sqlx::query(INSERT_NEW_SESSION)
                    .bind(id)
                    .bind(user.map(|u| u.to_string()))
                    .bind(record)
                    .bind(expires_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(inserted == 1)
            }

            async fn delete_session(&self, id: &str) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                // One statement that writes first: SQLite never has to upgrade a reading
                // transaction to a writing one (which fails at once when another wrote meanwhile).
                let mut tx = self.pool.begin().await?;
                let user: Option<(Option<String>,)> = sqlx::query_as(DELETE_SESSION)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let event = user
                    .and_then(|(u,)| u)
                    .and_then(|u| u.parse().ok())
                    .map(|u| $crate::StoreEvent::Access(domain::access::UserId(u)));
                if let Some(event) = event {
                    self.announce(&mut tx, event).await?;
                }
                tx.commit().await?;
                if let Some(event) = event {
                    self.announced(event);
                }
                Ok(())
            }

            async fn delete_sessions_of(
                &self,
                user: domain::access::UserId,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                let mut tx = self.pool.begin().await?;
                sqlx::query(DELETE_SESSIONS_OF_USER)
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?;
                let event = $crate::StoreEvent::Access(user);
                self.announce(&mut tx, event).await?;
                tx.commit().await?;
                self.announced(event);
                Ok(())
            }

            async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(DELETE_EXPIRED_SESSIONS)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn sign_in_failures(
                &self,
                key: &str,
            ) -> Result<Option<(u32, i64)>, $crate::StoreError> {
                use $crate::accounts::*;
                let row: Option<(i64, i64)> = sqlx::query_as(SELECT_FAILURES)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(n, at)| (u32::try_from(n).unwrap_or(u32::MAX), at)))
            }

            async fn record_sign_in_failure(
                &self,
                key: &str,
                now_ms: i64,
                window_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(RECORD_FAILURE)
                    .bind(key)
                    .bind(now_ms)
                    .bind(window_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn clear_sign_in_failures(&self, key: &str) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(CLEAR_FAILURES).bind(key).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_old_sign_in_failures(
                &self,
                before_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                use $crate::accounts::*;
                sqlx::query(DELETE_OLD_FAILURES)
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn audit(
                &self,
                events: &[domain::audit::AuditEvent],
            ) -> Result<(), $crate::StoreError> {
                // On the pushes' writer: on SQLite the events share a commit (and its fsync)
                // with the pushes and views arriving with them, instead of waiting for the
                // write lock on a connection of their own.
                let mut turn = self.write_turn().await?;
                let written = async {
                    let tx = turn.conn()?;
                    for event in events {
                        Self::run_writes(tx, &$crate::records::Writes::of_audit(event)).await?;
                    }
                    Ok::<_, $crate::StoreError>(())
                }
                .await;
                turn.finish(written, true).await
            }

            async fn audit_events(
                &self,
                filter: &domain::audit::AuditFilter,
            ) -> Result<Vec<domain::audit::AuditEvent>, $crate::StoreError> {
                use $crate::accounts::*;
                if filter.people.is_empty()
                    && filter.services.is_empty()
                    && filter.account_users.is_empty()
                {
                    return Ok(Vec::new());
                }
                let sql = select_audit(
                    filter.people.len(),
                    filter.services.len(),
                    filter.account_users.len(),
                );
                let mut query = sqlx::query_as::<_, AuditRow>(&sql)
                    .bind(filter.user.map(|u| u.to_string()).unwrap_or_default())
                    .bind(filter.from_ms.unwrap_or(i64::MIN))
                    .bind(filter.to_ms.unwrap_or(i64::MAX))
                    .bind(i64::from(filter.limit.max(1)));
                for person in &filter.people {
                    query = query.bind(person.to_string());
                }
                for service in &filter.services {
                    query = query.bind(service.to_string());
                }
                for user in &filter.account_users {
                    query = query.bind(user.to_string());
                }
                query
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(audit_from_row)
                    .collect()
            }

            async fn close(&self) {
                self.on_close();
                self.pool.close().await;
            }
        }
    };
}
pub(crate) use sql_store;

/// Ends every unused link of account `$user` (both kinds) in transaction `$tx`.
macro_rules! end_other_links {
    ($tx:ident, $now:expr, $user:expr) => {{
        for sql in [
            $crate::accounts::END_INVITATIONS_OF,
            $crate::accounts::END_ACCOUNT_INVITATIONS_OF,
        ] {
            sqlx::query(sql)
                .bind($now)
                .bind($user)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use end_other_links;

/// Advances the access epoch in transaction `$tx`; evaluates to the new epoch, which the store
/// has seen (`self.access.saw`) once the transaction has committed. Every change to who may see
/// what runs this: accounts, staff roles, circles, consent, people (see `cache`).
macro_rules! access_changed {
    ($tx:ident) => {{
        let (epoch,): (i64,) = sqlx::query_as($crate::accounts::ADVANCE_ACCESS_EPOCH)
            .fetch_one(&mut *$tx)
            .await?;
        epoch
    }};
}
pub(crate) use access_changed;

/// Sets the password of account `$user` in transaction `$tx` if it has none yet; evaluates to
/// whether it did (a link only ever sets a first password, never replaces one).
macro_rules! set_first_password {
    ($tx:ident, $user:expr, $hash:expr) => {{
        sqlx::query($crate::accounts::SET_FIRST_PASSWORD)
            .bind($hash)
            .bind($user)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1
    }};
}
pub(crate) use set_first_password;

/// Makes the store ready for the records engine, once at start-up, on pool `$pool`: a typed
/// report table for every kind with reported fields (made, or given its new columns, and filled
/// from the records), every stored single-document plan moved into records (idempotent: a
/// person with a version has been moved), and a version and About me record for every person.
macro_rules! prepare_records {
    ($pool:expr, $catalog:expr) => {{
        use $crate::records::*;
        let pool = $pool;
        let catalog: &domain::records::Catalog = $catalog;
        let mut tx = pool.begin().await?;
        // The move from the single-document plan.
        let plans: Vec<(String, String, i64, String)> = sqlx::query_as(SELECT_UNMOVED_PLANS)
            .fetch_all(&mut *tx)
            .await?;
        let mut writes = Writes::at_start();
        for (person, state, version, about_me) in plans {
            let (_, records, version) = moved_plan(&person, &state, version, &about_me)?;
            for record in &records {
                writes.record(&person, record, catalog, UPSERT_RECORD);
            }
            sqlx::query(INSERT_HEAD)
                .bind(&person)
                .bind($crate::sql::signed(version))
                .execute(&mut *tx)
                .await?;
        }
        let people: Vec<(String, String)> = sqlx::query_as(SELECT_PEOPLE_WITHOUT_HEAD)
            .fetch_all(&mut *tx)
            .await?;
        let moved = domain::records::Stamp {
            by: "Circle (moved from the earlier format)".to_owned(),
            at_ms: 0,
        };
        for (person, about_me) in people {
            let id = domain::PersonId($crate::accounts::uuid("people.id", &person)?);
            let profile: domain::AboutMe = $crate::sql::from_json("people.about_me", &about_me)?;
            let about = domain::records::views::about_me_record(id, &profile, 0, &moved);
            writes.record(&person, &about, catalog, INSERT_RECORD_IF_NEW);
            sqlx::query(INSERT_HEAD)
                .bind(&person)
                .bind(0_i64)
                .execute(&mut *tx)
                .await?;
        }
        Self::run_writes(&mut tx, &writes).await?;
        tx.commit().await?;
        // Report tables from the declarations: made, given new columns, filled. What a table
        // lacks is found first; then the table, its new columns, its index and its rows are
        // made in one transaction, so a start that stops part-way leaves the table as it was
        // and the next start does it all again (a column added in a step of its own and never
        // filled would stay empty for good, every figure over it counting nothing).
        for kind in catalog.kinds() {
            let Some(create) = create_report_table(kind) else {
                continue;
            };
            let table = report_table(kind);
            let existed = sqlx::query(&format!("SELECT 1 FROM {table} LIMIT 0"))
                .execute(pool)
                .await
                .is_ok();
            let mut missing = Vec::new();
            if existed {
                for (column, ty) in report_columns(kind) {
                    let has = sqlx::query(&format!("SELECT {column} FROM {table} LIMIT 0"))
                        .execute(pool)
                        .await
                        .is_ok();
                    if !has {
                        missing.push(format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"));
                    }
                }
            }
            let mut tx = pool.begin().await?;
            sqlx::query(&create).execute(&mut *tx).await?;
            for alter in &missing {
                sqlx::query(alter).execute(&mut *tx).await?;
            }
            if let Some(index) = $crate::records::report_parent_index(kind) {
                sqlx::query(&index).execute(&mut *tx).await?;
            }
            if !existed || !missing.is_empty() {
                let rows: Vec<(
                    String,
                    String,
                    String,
                    Option<String>,
                    String,
                    i64,
                    i64,
                    String,
                )> = sqlx::query_as(
                    "SELECT person_id, kind, id, parent_id, topic, version, deleted, body \
                         FROM records WHERE kind = $1",
                )
                .bind(kind.name)
                .fetch_all(&mut *tx)
                .await?;
                let mut writes = Writes::at_start();
                for (person, k, id, parent, topic, version, deleted, body) in rows {
                    let record = record_from_row((k, id, parent, topic, version, deleted, body))?;
                    writes.record(&person, &record, catalog, UPSERT_RECORD);
                }
                Self::run_writes(&mut tx, &writes).await?;
            }
            tx.commit().await?;
        }
        // The calendar the governance figures count working days with, made again whenever
        // the years Circle knows the bank holidays of change.
        let days = domain::governance::calendar_days()
            .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
        let (held,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM calendar_days")
            .fetch_one(pool)
            .await?;
        if usize::try_from(held).ok() != Some(days.len()) {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM calendar_days")
                .execute(&mut *tx)
                .await?;
            for insert in $crate::governance::insert_calendar_sql(&days) {
                sqlx::query(&insert).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        // The rules, the calendar or the report tables may have changed: no governance figure
        // kept before this start is used again until counted again.
        sqlx::query($crate::governance::BUMP_ALL)
            .execute(pool)
            .await?;
    }};
}
pub(crate) use prepare_records;
