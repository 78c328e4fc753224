//! SQL shared by the SQLite and PostgreSQL stores. Both accept `$n` placeholders and
//! `ON CONFLICT … DO UPDATE`, so one body serves both; [`sql_store!`] stamps it out per backend
//! (sqlx's executor traits make a generic impl far harder to read than this).

use domain::{AboutMe, Person, PersonId, PersonSummary, Service, ServiceId, ServiceKind};
use uuid::Uuid;

use crate::StoreError;

pub(crate) type ServiceRow = (String, String, String);
/// id, service_id, name, preferred_name, pronouns, about_me.
pub(crate) type PersonRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);
/// A person row followed by their service's name.
pub(crate) type SummaryRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

pub(crate) const SELECT_SERVICES: &str = "SELECT id, name, kind FROM services ORDER BY name";
pub(crate) const SELECT_PERSON: &str =
    "SELECT id, service_id, name, preferred_name, pronouns, about_me FROM people WHERE id = $1";
pub(crate) const SELECT_SUMMARIES: &str = "SELECT p.id, p.service_id, p.name, p.preferred_name, \
     p.pronouns, p.about_me, s.name FROM people p JOIN services s ON s.id = p.service_id";
pub(crate) const UPSERT_SERVICE: &str = "INSERT INTO services (id, name, kind) VALUES ($1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind";
pub(crate) const UPSERT_PERSON: &str = "INSERT INTO people \
     (id, service_id, name, preferred_name, pronouns, about_me) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, \
     preferred_name = excluded.preferred_name, pronouns = excluded.pronouns, \
     about_me = excluded.about_me";

pub(crate) const SELECT_ABOUT_ME: &str = "SELECT about_me FROM people WHERE id = $1";
pub(crate) const SELECT_PLAN: &str = "SELECT state, version FROM plans WHERE person_id = $1";
pub(crate) const INSERT_PLAN: &str = "INSERT INTO plans (person_id, state, version) \
     VALUES ($1, $2, 0) ON CONFLICT (person_id) DO NOTHING";
pub(crate) const UPDATE_PLAN: &str =
    "UPDATE plans SET state = $1, version = $2 WHERE person_id = $3 AND version = $4";
pub(crate) const LOCK_PLAN: &str = "UPDATE plans SET version = version WHERE person_id = $1";
pub(crate) const UPDATE_ABOUT_ME: &str = "UPDATE people SET about_me = $1 WHERE id = $2";
pub(crate) const SELECT_OUTCOMES_FROM: &str = "SELECT seq, outcome FROM mutation_outcomes \
     WHERE person_id = $1 AND client_id = $2 AND seq >= $3";
pub(crate) const SELECT_LATEST_OUTCOME: &str = "SELECT seq, outcome FROM mutation_outcomes \
     WHERE person_id = $1 AND client_id = $2 ORDER BY seq DESC LIMIT 1";
pub(crate) const INSERT_OUTCOME: &str = "INSERT INTO mutation_outcomes \
     (person_id, client_id, seq, outcome) VALUES ($1, $2, $3, $4)";
pub(crate) const INSERT_CHANGE: &str = "INSERT INTO plan_changes \
     (person_id, version, client_id, seq, op) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const SELECT_CHANGES: &str = "SELECT version, client_id, seq, op FROM plan_changes \
     WHERE person_id = $1 AND version > $2 ORDER BY version LIMIT $3";

/// A plan row: state as JSON, version.
pub(crate) type PlanRow = (String, i64);
/// An outcome row: seq, outcome as JSON.
pub(crate) type OutcomeRow = (i64, String);
/// A change row: version, client id, seq, op as JSON.
pub(crate) type ChangeRow = (i64, String, i64, String);

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

pub(crate) fn change_from_row(
    (version, client, seq, op): ChangeRow,
) -> Result<domain::sync::Change, StoreError> {
    Ok(domain::sync::Change {
        version: count("plan_changes.version", version)?,
        client: domain::sync::ClientId(uuid("plan_changes.client_id", &client)?),
        seq: count("plan_changes.seq", seq)?,
        op: from_json("plan_changes.op", &op)?,
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
    (id, service_id, name, preferred_name, pronouns, about_me): PersonRow,
) -> Result<Person, StoreError> {
    let about_me: AboutMe = serde_json::from_str(&about_me)
        .map_err(|e| StoreError::Corrupt(format!("people.about_me of {id}: {e}")))?;
    Ok(Person {
        id: PersonId(uuid("people.id", &id)?),
        service_id: ServiceId(uuid("people.service_id", &service_id)?),
        name,
        preferred_name,
        pronouns,
        about_me,
    })
}

pub(crate) fn summary_from_row(row: SummaryRow) -> Result<PersonSummary, StoreError> {
    let (id, service_id, name, preferred_name, pronouns, about_me, service_name) = row;
    let person = person_from_row((id, service_id, name, preferred_name, pronouns, about_me))?;
    Ok(person.summary(&service_name))
}

pub(crate) fn about_me_json(about_me: &AboutMe) -> String {
    // Serialising a struct of strings cannot fail.
    serde_json::to_string(about_me).unwrap_or_else(|_| "{}".to_owned())
}

/// Reads a person's plan in transaction `$tx`, creating it from their profile at version 0 the
/// first time. Evaluates to `(Plan, u64)`; returns early with the error otherwise.
macro_rules! load_plan {
    ($tx:ident, $person:expr) => {{
        use $crate::sql::*;
        let pid = $person.to_string();
        let row = sqlx::query_as::<_, PlanRow>(SELECT_PLAN)
            .bind(&pid)
            .fetch_optional(&mut *$tx)
            .await?;
        match row {
            Some((state, version)) => (
                from_json::<domain::plan::Plan>("plans.state", &state)?,
                count("plans.version", version)?,
            ),
            None => {
                let (about_me,): (String,) = sqlx::query_as(SELECT_ABOUT_ME)
                    .bind(&pid)
                    .fetch_optional(&mut *$tx)
                    .await?
                    .ok_or($crate::StoreError::NotFound)?;
                let plan =
                    domain::plan::Plan::new($person, from_json("people.about_me", &about_me)?);
                sqlx::query(INSERT_PLAN)
                    .bind(&pid)
                    .bind(json(&plan))
                    .execute(&mut *$tx)
                    .await?;
                let (state, version) = sqlx::query_as::<_, PlanRow>(SELECT_PLAN)
                    .bind(&pid)
                    .fetch_one(&mut *$tx)
                    .await?;
                (
                    from_json::<domain::plan::Plan>("plans.state", &state)?,
                    count("plans.version", version)?,
                )
            }
        }
    }};
}
pub(crate) use load_plan;

macro_rules! sql_store {
    ($store:ty, $backend:expr, begin_write = $begin_write:expr) => {
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
                for s in &data.services {
                    sqlx::query(UPSERT_SERVICE)
                        .bind(s.id.to_string())
                        .bind(&s.name)
                        .bind(s.kind.code())
                        .execute(&mut *tx)
                        .await?;
                }
                for p in &data.people {
                    sqlx::query(UPSERT_PERSON)
                        .bind(p.id.to_string())
                        .bind(p.service_id.to_string())
                        .bind(&p.name)
                        .bind(&p.preferred_name)
                        .bind(&p.pronouns)
                        .bind(about_me_json(&p.about_me))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
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
                sqlx::query_as::<_, PersonRow>(SELECT_PERSON)
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(person_from_row)
                    .transpose()
            }

            async fn plan(
                &self,
                person: domain::PersonId,
            ) -> Result<(domain::plan::Plan, u64), $crate::StoreError> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let plan = $crate::sql::load_plan!(tx, person);
                tx.commit().await?;
                Ok(plan)
            }

            async fn sync_push(
                &self,
                person: domain::PersonId,
                client: domain::sync::ClientId,
                batch: &[domain::sync::Mutation],
            ) -> Result<Vec<domain::sync::Ack>, $crate::StoreError> {
                use $crate::sql::*;
                let batch: Vec<_> = batch
                    .iter()
                    .filter(|m| m.client == client)
                    .cloned()
                    .collect();
                let (pid, cid) = (person.to_string(), client.0.to_string());
                let from = batch.iter().map(|m| m.seq).min().unwrap_or(u64::MAX);
                // One push per plan at a time: lock the plan row (creating the plan first if
                // needed), then read it, so that several servers over one database take turns.
                let mut tx = self.pool.begin_with($begin_write).await?;
                if sqlx::query(LOCK_PLAN)
                    .bind(&pid)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 0
                {
                    $crate::sql::load_plan!(tx, person);
                    sqlx::query(LOCK_PLAN).bind(&pid).execute(&mut *tx).await?;
                }
                let (plan, version) = $crate::sql::load_plan!(tx, person);
                let mut rows = sqlx::query_as::<_, OutcomeRow>(SELECT_OUTCOMES_FROM)
                    .bind(&pid)
                    .bind(&cid)
                    .bind(signed(from))
                    .fetch_all(&mut *tx)
                    .await?;
                rows.extend(
                    sqlx::query_as::<_, OutcomeRow>(SELECT_LATEST_OUTCOME)
                        .bind(&pid)
                        .bind(&cid)
                        .fetch_optional(&mut *tx)
                        .await?,
                );
                let known = rows
                    .into_iter()
                    .map(|(seq, o)| {
                        Ok((
                            (client, count("mutation_outcomes.seq", seq)?),
                            from_json("mutation_outcomes.outcome", &o)?,
                        ))
                    })
                    .collect::<Result<std::collections::BTreeMap<_, _>, $crate::StoreError>>()?;
                let mut authority = domain::sync::Authority::resume(plan, version, known.clone());
                let acks = authority.push(&batch);
                for ack in acks
                    .iter()
                    .filter(|a| !known.contains_key(&(client, a.seq)))
                {
                    sqlx::query(INSERT_OUTCOME)
                        .bind(&pid)
                        .bind(&cid)
                        .bind(signed(ack.seq))
                        .bind(json(&ack.outcome))
                        .execute(&mut *tx)
                        .await?;
                }
                for change in authority.changes_since(version) {
                    sqlx::query(INSERT_CHANGE)
                        .bind(&pid)
                        .bind(signed(change.version))
                        .bind(&cid)
                        .bind(signed(change.seq))
                        .bind(json(&change.op))
                        .execute(&mut *tx)
                        .await?;
                }
                if authority.version() != version {
                    let updated = sqlx::query(UPDATE_PLAN)
                        .bind(json(authority.plan()))
                        .bind(signed(authority.version()))
                        .bind(&pid)
                        .bind(signed(version))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if updated != 1 {
                        return Err($crate::StoreError::Contended);
                    }
                    sqlx::query(UPDATE_ABOUT_ME)
                        .bind(about_me_json(&authority.plan().about_me))
                        .bind(&pid)
                        .execute(&mut *tx)
                        .await?;
                }
                let changed = (authority.version() != version).then_some($crate::PlanChanged {
                    person,
                    version: authority.version(),
                });
                if let Some(changed) = changed {
                    self.before_commit(&mut tx, changed).await?;
                }
                tx.commit().await?;
                if let Some(changed) = changed {
                    self.after_commit(changed);
                }
                Ok(acks)
            }

            async fn sync_pull(
                &self,
                person: domain::PersonId,
                since: u64,
                limit: u32,
            ) -> Result<domain::sync::PullResponse, $crate::StoreError> {
                use $crate::sql::*;
                let pid = person.to_string();
                let version = match sqlx::query_as::<_, PlanRow>(SELECT_PLAN)
                    .bind(&pid)
                    .fetch_optional(&self.pool)
                    .await?
                {
                    Some((_, v)) => count("plans.version", v)?,
                    None => 0,
                };
                let changes = sqlx::query_as::<_, ChangeRow>(SELECT_CHANGES)
                    .bind(&pid)
                    .bind(signed(since))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(change_from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(domain::sync::PullResponse { changes, version })
            }

            fn plan_changes(&self) -> tokio::sync::broadcast::Receiver<$crate::PlanChanged> {
                self.changes.subscribe()
            }

            async fn close(&self) {
                self.on_close();
                self.pool.close().await;
            }
        }
    };
}
pub(crate) use sql_store;
