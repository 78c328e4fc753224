//! The contract every `Store` keeps. Each check runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use domain::{AboutMe, Dataset, Person, PersonId, Service, ServiceId, ServiceKind};
use store::{Store, demo};
use uuid::Uuid;

/// Declares one test per backend for each named check.
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $check() {
                store::testing::with_store(store::Backend::Sqlite, |s, url| super::$check(s, url)).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $check() {
                store::testing::with_store(store::Backend::Postgres, |s, url| super::$check(s, url)).await;
            })*
        }
    };
}

contract!(
    a_new_database_is_empty_and_healthy,
    migrating_an_up_to_date_database_again_changes_nothing,
    imported_people_are_listed_by_the_name_they_are_called_with_strengths_first,
    importing_the_same_dataset_twice_keeps_one_copy_and_applies_changes,
    a_person_round_trips_with_their_whole_profile,
    an_unknown_person_is_none,
    an_import_that_breaks_a_rule_stores_nothing,
    services_are_listed_by_name,
);

fn service(n: u128, name: &str) -> Service {
    Service {
        id: ServiceId(Uuid::from_u128(n)),
        name: name.into(),
        kind: ServiceKind::HomeCare,
    }
}

fn person(n: u128, service: &Service, name: &str, preferred: Option<&str>) -> Person {
    Person {
        id: PersonId(Uuid::from_u128(n)),
        service_id: service.id,
        name: name.into(),
        preferred_name: preferred.map(Into::into),
        pronouns: Some("they/them".into()),
        about_me: AboutMe {
            strengths: vec![format!("{name} is patient"), "Good with numbers".into()],
            matters_to_me: "My dog".into(),
            ..AboutMe::default()
        },
    }
}

async fn a_new_database_is_empty_and_healthy(store: Arc<dyn Store>, _: String) {
    store.health().await.expect("healthy");
    assert!(store.is_empty().await.expect("is_empty"));
    assert!(store.people().await.expect("people").is_empty());
}

async fn migrating_an_up_to_date_database_again_changes_nothing(
    store: Arc<dyn Store>,
    url: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let again = store::connect(&url).await.expect("reopen and migrate");
    assert_eq!(again.people().await.expect("people").len(), 3);
    again.close().await;
}

async fn imported_people_are_listed_by_the_name_they_are_called_with_strengths_first(
    store: Arc<dyn Store>,
    _: String,
) {
    let a = service(1, "Oak House");
    let data = Dataset {
        people: vec![
            person(10, &a, "Zara Brown", None),
            person(11, &a, "Robert Hale", Some("Bob")),
        ],
        services: vec![a],
    };
    store.import(&data).await.expect("import");
    assert!(!store.is_empty().await.expect("is_empty"));
    let people = store.people().await.expect("people");
    let names: Vec<_> = people.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(names, ["Bob", "Zara Brown"]);
    assert_eq!(people[0].full_name, "Robert Hale");
    assert_eq!(people[0].service_name, "Oak House");
    assert_eq!(
        people[0].strengths,
        ["Robert Hale is patient", "Good with numbers"]
    );
}

async fn importing_the_same_dataset_twice_keeps_one_copy_and_applies_changes(
    store: Arc<dyn Store>,
    _: String,
) {
    let mut data = demo::dataset();
    store.import(&data).await.expect("first import");
    data.people[0]
        .about_me
        .strengths
        .push("Bakes a fine Victoria sponge".into());
    store.import(&data).await.expect("second import");
    assert_eq!(
        store.people().await.expect("people").len(),
        data.people.len()
    );
    let stored = store
        .person(data.people[0].id)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(stored, data.people[0]);
}

async fn a_person_round_trips_with_their_whole_profile(store: Arc<dyn Store>, _: String) {
    let data = demo::dataset();
    store.import(&data).await.expect("import");
    for expected in &data.people {
        let stored = store.person(expected.id).await.expect("read");
        assert_eq!(stored.as_ref(), Some(expected));
    }
}

async fn an_unknown_person_is_none(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let nobody = PersonId(Uuid::from_u128(0xdead));
    assert_eq!(store.person(nobody).await.expect("read"), None);
}

async fn an_import_that_breaks_a_rule_stores_nothing(store: Arc<dyn Store>, _: String) {
    let a = service(1, "Oak House");
    let orphan_service = service(2, "Not imported");
    let data = Dataset {
        people: vec![
            person(10, &a, "Zara Brown", None),
            person(11, &orphan_service, "Robert Hale", None),
        ],
        services: vec![a],
    };
    assert!(
        store.import(&data).await.is_err(),
        "a person of a missing service is refused"
    );
    assert!(
        store.is_empty().await.expect("is_empty"),
        "the service was rolled back too"
    );
    assert!(store.people().await.expect("people").is_empty());
}

async fn services_are_listed_by_name(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let names: Vec<_> = store
        .services()
        .await
        .expect("services")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        [
            "Elm Court Supported Living",
            "Northgate Community Mental Health Support",
            "Riverside Reablement"
        ]
    );
}
