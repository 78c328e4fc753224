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
    a_devices_last_complete_sync_is_kept_per_plan_and_replaced_by_the_next,
    the_demo_accounts_carry_their_roles_circles_and_consent,
    consent_changes_are_stored_with_their_audit_event_and_read_back,
    an_invitation_is_redeemed_once_and_not_after_it_expires,
    a_session_lives_until_it_expires_and_a_new_one_never_takes_anothers_id,
    the_audit_trail_is_filtered_by_person_user_and_time,
    a_new_service_is_saved_with_its_administrator_and_audit_event_and_renamed,
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

async fn a_devices_last_complete_sync_is_kept_per_plan_and_replaced_by_the_next(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    assert_eq!(
        store.client_seq(demo::MAGGIE, r.client).await.expect("seq"),
        0
    );
    r.edit(create_goal(100, "Walk to the post office"));
    r.edit(create_goal(101, "Bake with my granddaughter"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    assert_eq!(
        store.client_seq(demo::MAGGIE, r.client).await.expect("seq"),
        2
    );
    assert_eq!(store.client_seq(demo::DAN, r.client).await.expect("seq"), 0);

    let at = |person, ms| domain::sync::DeviceSync {
        client: r.client,
        person,
        label: "Chrome on Android".into(),
        at_ms: ms,
    };
    store
        .record_sync(&at(demo::MAGGIE, 1_000))
        .await
        .expect("record");
    store
        .record_sync(&at(demo::DAN, 2_000))
        .await
        .expect("record");
    store
        .record_sync(&at(demo::MAGGIE, 3_000))
        .await
        .expect("record");
    assert_eq!(
        store.device_syncs().await.expect("list"),
        vec![at(demo::MAGGIE, 3_000), at(demo::DAN, 2_000)]
    );
}

// ---- Accounts, consent, invitations, sessions, audit

fn user_of(email: &str) -> domain::access::UserId {
    demo::ACCOUNTS
        .iter()
        .find(|a| a.email == email)
        .expect("a demo account")
        .id
}

fn audit_event(
    n: u128,
    person: Option<PersonId>,
    at_ms: i64,
    user: Option<domain::access::UserId>,
) -> domain::audit::AuditEvent {
    domain::audit::AuditEvent {
        id: Uuid::from_u128(0xe000 + n),
        at_ms,
        user,
        user_name: "Someone".into(),
        device: "Firefox on Linux".into(),
        person,
        service: None,
        kind: domain::audit::AuditKind::Viewed,
        summary: format!("Event {n}"),
        before: None,
        after: None,
    }
}

async fn the_demo_accounts_carry_their_roles_circles_and_consent(store: Arc<dyn Store>, _: String) {
    use domain::access::{CircleRole, StaffRole, Topic};
    store::load_demo(store.as_ref()).await.expect("demo");
    store::load_demo(store.as_ref())
        .await
        .expect("demo again: idempotent");
    let grace = store
        .actor(user_of("grace@circle.example"))
        .await
        .expect("store")
        .expect("Grace");
    assert_eq!(grace.name, "Grace Mensah");
    assert_eq!(grace.staff.len(), 3);
    assert!(
        grace
            .staff
            .iter()
            .all(|(_, r)| *r == StaffRole::RegisteredManager)
    );
    let ruth = store
        .actor(user_of("ruth@family.example"))
        .await
        .expect("store")
        .expect("Ruth");
    assert!(ruth.staff.is_empty());
    assert_eq!(ruth.circles.len(), 1);
    assert_eq!(ruth.circles[0].person, demo::MAGGIE);
    assert_eq!(ruth.circles[0].role, CircleRole::FamilyOrFriend);
    assert_eq!(
        ruth.circles[0].shared,
        [Topic::AboutMe, Topic::GoalsAndProgress, Topic::DailyLiving]
            .into_iter()
            .collect()
    );
    let user = store
        .user_by_email("  RUTH@family.example ")
        .await
        .expect("store")
        .expect("by email, any case");
    assert_eq!(user.id, ruth.user);
    assert!(user.password_hash.is_some());
    assert!(
        store
            .actor(domain::access::UserId(Uuid::from_u128(1)))
            .await
            .expect("store")
            .is_none()
    );
}

async fn consent_changes_are_stored_with_their_audit_event_and_read_back(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::access::Topic;
    store::load_demo(store.as_ref()).await.expect("demo");
    let anil = user_of("anil@family.example");
    let event = audit_event(
        1,
        Some(demo::PRIYA),
        10,
        Some(user_of("jo@northgate.example")),
    );
    store
        .set_consent(demo::PRIYA, anil, Topic::MentalHealth, true, &event)
        .await
        .expect("share");
    let circle = store.circle(demo::PRIYA).await.expect("circle");
    let member = circle.iter().find(|m| m.user == anil).expect("Anil");
    assert!(member.shared.contains(&Topic::MentalHealth));
    let mut second = event.clone();
    second.id = Uuid::from_u128(0xe999);
    store
        .set_consent(demo::PRIYA, anil, Topic::MentalHealth, false, &second)
        .await
        .expect("revoke");
    let circle = store.circle(demo::PRIYA).await.expect("circle");
    assert!(
        !circle
            .iter()
            .find(|m| m.user == anil)
            .expect("Anil")
            .shared
            .contains(&Topic::MentalHealth)
    );
    let events = store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![demo::PRIYA],
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(events.iter().any(|e| e.id == event.id));
    assert!(events.iter().any(|e| e.id == second.id));
}

async fn an_invitation_is_redeemed_once_and_not_after_it_expires(store: Arc<dyn Store>, _: String) {
    use store::{InvitationProblem, InvitationRecord, UserRecord};
    store::load_demo(store.as_ref()).await.expect("demo");
    let kim = domain::access::UserId(Uuid::from_u128(0xc1));
    store
        .put_user(&UserRecord {
            id: kim,
            email: "kim@x.example".into(),
            name: "Kim".into(),
            password_hash: None,
        })
        .await
        .expect("user");
    let invitation = |hash: &str, expires_ms| InvitationRecord {
        token_hash: hash.into(),
        person: demo::DAN,
        user: kim,
        invited_by: user_of("tom@elmcourt.example"),
        created_ms: 0,
        expires_ms,
        used_ms: None,
    };
    store
        .put_invitation(&invitation("fresh", 1_000))
        .await
        .expect("put");
    store
        .put_invitation(&invitation("stale", 10))
        .await
        .expect("put");
    let used = store
        .redeem_invitation("fresh", 500, "hash-1")
        .await
        .expect("store")
        .expect("redeemed");
    assert_eq!(used.person, demo::DAN);
    assert_eq!(
        store
            .user(kim)
            .await
            .expect("store")
            .expect("Kim")
            .password_hash
            .as_deref(),
        Some("hash-1")
    );
    assert_eq!(
        store
            .redeem_invitation("fresh", 600, "hash-2")
            .await
            .expect("store"),
        Err(InvitationProblem::Used)
    );
    assert_eq!(
        store
            .user(kim)
            .await
            .expect("store")
            .expect("Kim")
            .password_hash
            .as_deref(),
        Some("hash-1")
    );
    assert_eq!(
        store
            .redeem_invitation("stale", 500, "hash-3")
            .await
            .expect("store"),
        Err(InvitationProblem::Expired)
    );
    assert_eq!(
        store
            .redeem_invitation("never", 500, "hash-4")
            .await
            .expect("store"),
        Err(InvitationProblem::Unknown)
    );
}

async fn a_session_lives_until_it_expires_and_a_new_one_never_takes_anothers_id(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let asha = user_of("asha@riverside.example");
    assert!(
        store
            .create_session("s1", Some(asha), "{\"a\":1}", 1_000)
            .await
            .expect("create")
    );
    assert!(
        !store
            .create_session("s1", None, "{}", 5_000)
            .await
            .expect("create"),
        "taken"
    );
    assert_eq!(
        store.session("s1", 999).await.expect("load").as_deref(),
        Some("{\"a\":1}")
    );
    assert_eq!(
        store.session("s1", 1_000).await.expect("load"),
        None,
        "expired"
    );
    store
        .put_session("s2", Some(asha), "{}", 9_000)
        .await
        .expect("save");
    store
        .put_session("s3", None, "{}", 9_000)
        .await
        .expect("save");
    store
        .delete_sessions_of(asha)
        .await
        .expect("sign out everywhere");
    assert_eq!(store.session("s2", 0).await.expect("load"), None);
    assert!(
        store.session("s3", 0).await.expect("load").is_some(),
        "other users stay"
    );
    store.delete_expired_sessions(10_000).await.expect("sweep");
    assert_eq!(store.session("s3", 0).await.expect("load"), None);
}

async fn the_audit_trail_is_filtered_by_person_user_and_time(store: Arc<dyn Store>, _: String) {
    use domain::audit::AuditFilter;
    store::load_demo(store.as_ref()).await.expect("demo");
    let asha = user_of("asha@riverside.example");
    let tom = user_of("tom@elmcourt.example");
    store
        .audit(&[
            audit_event(1, Some(demo::MAGGIE), 100, Some(asha)),
            audit_event(2, Some(demo::MAGGIE), 200, Some(tom)),
            audit_event(3, Some(demo::DAN), 300, Some(tom)),
            audit_event(4, None, 400, Some(tom)),
        ])
        .await
        .expect("audit");
    let ids = |events: Vec<domain::audit::AuditEvent>| {
        events.into_iter().map(|e| e.summary).collect::<Vec<_>>()
    };
    // (Up to 1 s: the demo's own consent notes are dated when it was loaded.)
    let maggie = AuditFilter {
        to_ms: Some(1_000),
        people: vec![demo::MAGGIE],
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        ids(store.audit_events(&maggie).await.expect("audit")),
        ["Event 2", "Event 1"],
        "newest first"
    );
    let by_tom = AuditFilter {
        to_ms: Some(1_000),
        user: Some(tom),
        people: vec![demo::MAGGIE, demo::DAN],
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        ids(store.audit_events(&by_tom).await.expect("audit")),
        ["Event 3", "Event 2"]
    );
    let window = AuditFilter {
        from_ms: Some(150),
        to_ms: Some(300),
        people: vec![demo::MAGGIE, demo::DAN],
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        ids(store.audit_events(&window).await.expect("audit")),
        ["Event 2"]
    );
    assert!(
        store
            .audit_events(&AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("audit")
            .is_empty(),
        "no people, no events"
    );
}

async fn a_new_service_is_saved_with_its_administrator_and_audit_event_and_renamed(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::access::StaffRole;
    use domain::audit::{AuditFilter, AuditKind};
    store::load_demo(store.as_ref()).await.expect("demo");
    let admin = user_of("admin@circle.example");
    let site = service(0x5e1, "Hillside Reablement");
    let mut added = audit_event(10, None, 500, Some(admin));
    added.service = Some(site.id);
    added.kind = AuditKind::Administered;
    store
        .save_service(&site, Some(admin), &added)
        .await
        .expect("add");
    assert!(store.services().await.expect("list").contains(&site));
    let actor = store.actor(admin).await.expect("actor").expect("exists");
    assert!(actor.staff.contains(&(site.id, StaffRole::Admin)));

    let renamed = Service {
        name: "Hillside Reablement Team".into(),
        ..site.clone()
    };
    let mut rename = audit_event(11, None, 600, Some(admin));
    rename.service = Some(site.id);
    rename.kind = AuditKind::Administered;
    store
        .save_service(&renamed, None, &rename)
        .await
        .expect("rename");
    let names: Vec<String> = store
        .services()
        .await
        .expect("list")
        .into_iter()
        .filter(|s| s.id == site.id)
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Hillside Reablement Team"]);

    let of_site = |services: Vec<ServiceId>| AuditFilter {
        services,
        to_ms: Some(1_000),
        limit: 10,
        ..Default::default()
    };
    let events = store
        .audit_events(&of_site(vec![site.id]))
        .await
        .expect("audit");
    assert_eq!(
        events
            .iter()
            .map(|e| e.summary.as_str())
            .collect::<Vec<_>>(),
        ["Event 11", "Event 10"]
    );
    assert!(events.iter().all(|e| e.service == Some(site.id)));
    let elsewhere = store
        .audit_events(&of_site(vec![ServiceId(Uuid::from_u128(0x5e2))]))
        .await
        .expect("audit");
    assert!(
        elsewhere.is_empty(),
        "another service's administration stays out"
    );
}
