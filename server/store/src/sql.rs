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

macro_rules! sql_store {
    ($store:ty, $backend:expr) => {
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

            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}
pub(crate) use sql_store;
