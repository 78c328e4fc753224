//! The contract every `Store` keeps. Each check runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use domain::plan::{AboutMeField, Field, GoalId, Op, Outcome, Value};
use domain::sync::{ClientId, Replica};
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
    a_plan_starts_from_the_persons_profile_at_version_zero,
    pushed_edits_get_one_stored_outcome_each_and_a_replay_returns_it,
    pulls_return_the_changes_after_the_cursor_in_order,
    an_about_me_edit_through_sync_shows_on_the_profile,
    syncing_an_unknown_person_is_not_found,
    concurrent_pushes_to_one_plan_are_all_kept,
    a_committed_change_is_announced_to_every_store_on_the_database,
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

fn client(n: u128) -> ClientId {
    ClientId(Uuid::from_u128(n))
}

async fn replica(store: &dyn Store, n: u128) -> Replica {
    let (plan, version) = store.plan(demo::MAGGIE).await.expect("plan");
    Replica::new(client(n), plan, version)
}

fn create_goal(n: u128, wording: &str) -> Op {
    Op::CreateGoal {
        goal: GoalId(Uuid::from_u128(n)),
        wording: wording.into(),
    }
}

async fn a_plan_starts_from_the_persons_profile_at_version_zero(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let (plan, version) = store.plan(demo::MAGGIE).await.expect("plan");
    assert_eq!(version, 0);
    assert_eq!(plan.person, demo::MAGGIE);
    assert_eq!(plan.about_me, demo::dataset().people[0].about_me);
    assert!(plan.goals.is_empty());
}

async fn pushed_edits_get_one_stored_outcome_each_and_a_replay_returns_it(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Make my own breakfast"));
    r.edit(create_goal(11, "   "));
    let batch = r.push_request();
    let acks = store
        .sync_push(demo::MAGGIE, r.client, &batch)
        .await
        .expect("push");
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[0].outcome, Outcome::Applied);
    assert!(matches!(acks[1].outcome, Outcome::Rejected { .. }));
    let again = store
        .sync_push(demo::MAGGIE, r.client, &batch)
        .await
        .expect("replay");
    assert_eq!(again, acks);
    let (plan, version) = store.plan(demo::MAGGIE).await.expect("plan");
    assert_eq!(version, 1, "the replay changed nothing");
    assert_eq!(plan.goals.len(), 1);
}

async fn pulls_return_the_changes_after_the_cursor_in_order(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut a = replica(store.as_ref(), 1).await;
    let mut b = replica(store.as_ref(), 2).await;
    for (n, w) in [(10, "One"), (11, "Two"), (12, "Three")] {
        a.edit(create_goal(n, w));
    }
    let acks = store
        .sync_push(demo::MAGGIE, a.client, &a.push_request())
        .await
        .expect("push");
    a.on_acks(&acks);
    let first = store.sync_pull(demo::MAGGIE, 0, 2).await.expect("pull");
    assert_eq!(first.version, 3);
    assert_eq!(
        first.changes.iter().map(|c| c.version).collect::<Vec<_>>(),
        [1, 2]
    );
    b.on_pull(&first);
    b.on_pull(
        &store
            .sync_pull(demo::MAGGIE, b.cursor(), 100)
            .await
            .expect("pull"),
    );
    a.on_pull(
        &store
            .sync_pull(demo::MAGGIE, a.cursor(), 100)
            .await
            .expect("pull"),
    );
    let (server, _) = store.plan(demo::MAGGIE).await.expect("plan");
    assert_eq!(b.view(), server);
    assert_eq!(a.view(), server);
    assert!(a.outbox().is_empty());
}

async fn an_about_me_edit_through_sync_shows_on_the_profile(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    let field = Field::AboutMe {
        field: AboutMeField::Wishes,
    };
    let before = r.view().get(field).expect("field");
    r.edit(Op::Set {
        field,
        before,
        after: Value::Text("To grow tomatoes again".into()),
    });
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let person = store
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("present");
    assert_eq!(person.about_me.wishes, "To grow tomatoes again");
}

async fn syncing_an_unknown_person_is_not_found(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let nobody = PersonId(Uuid::from_u128(0xdead));
    assert!(matches!(
        store.plan(nobody).await,
        Err(store::StoreError::NotFound)
    ));
    assert!(matches!(
        store.sync_push(nobody, client(1), &[]).await,
        Err(store::StoreError::NotFound)
    ));
}

async fn concurrent_pushes_to_one_plan_are_all_kept(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut replicas = Vec::new();
    for n in 0..3u128 {
        let mut r = replica(store.as_ref(), n + 1).await;
        r.edit(create_goal(100 + n, &format!("Goal from device {n}")));
        replicas.push(r);
    }
    let pushes = replicas.iter().map(|r| {
        let store = store.clone();
        let (client, batch) = (r.client, r.push_request());
        tokio::spawn(async move { store.sync_push(demo::MAGGIE, client, &batch).await })
    });
    for push in pushes.collect::<Vec<_>>() {
        let acks = push.await.expect("task").expect("push");
        assert_eq!(acks[0].outcome, Outcome::Applied);
    }
    let (plan, version) = store.plan(demo::MAGGIE).await.expect("plan");
    assert_eq!(version, 3);
    assert_eq!(plan.goals.len(), 3);
    let pulled = store.sync_pull(demo::MAGGIE, 0, 100).await.expect("pull");
    assert_eq!(pulled.changes.len(), 3);
}

async fn a_committed_change_is_announced_to_every_store_on_the_database(
    store: Arc<dyn Store>,
    url: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    // SQLite has one process per file; PostgreSQL may have many: a second store stands for a
    // second server process.
    let other = match store.backend() {
        store::Backend::Sqlite => store.clone(),
        store::Backend::Postgres => store::connect(&url).await.expect("second server"),
    };
    let mut here = store.plan_changes();
    let mut there = other.plan_changes();
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Cook Sunday lunch"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let expected = store::PlanChanged {
        person: demo::MAGGIE,
        version: 1,
    };
    for rx in [&mut here, &mut there] {
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
            .await
            .expect("announced within 5 s")
            .expect("received");
        assert_eq!(got, expected);
    }
    if !Arc::ptr_eq(&store, &other) {
        other.close().await;
    }
}
