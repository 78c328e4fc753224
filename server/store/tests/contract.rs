//! The contract every `Store` keeps. Each check runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use std::collections::BTreeMap;

use domain::records::authority::{AnyOp, Mutation};
use domain::records::kinds::{ABOUT, GOALS};
use domain::records::{Outcome, RecordOp, RecordSet, Value};
use domain::sync::ClientId;
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
    the_demo_plans_are_written_through_the_engine_once_however_often_they_are_loaded,
    migrating_an_up_to_date_database_again_changes_nothing,
    imported_people_are_listed_by_the_name_they_are_called_with_strengths_first,
    importing_the_same_dataset_twice_keeps_one_copy_applies_details_and_keeps_about_me,
    a_person_round_trips_with_their_whole_profile,
    an_unknown_person_is_none,
    an_import_that_breaks_a_rule_stores_nothing,
    services_are_listed_by_name,
    a_persons_record_starts_from_their_profile_at_version_zero,
    pushed_edits_get_one_stored_outcome_each_and_a_replay_returns_it,
    pulls_return_the_records_changed_after_the_cursor_in_version_order,
    an_about_me_edit_through_sync_shows_on_the_profile,
    syncing_an_unknown_person_is_not_found,
    concurrent_pushes_to_one_person_are_all_kept,
    the_same_edits_sent_several_times_at_once_are_applied_once,
    a_committed_change_is_announced_to_every_store_on_the_database,
    a_devices_last_complete_sync_is_kept_per_plan_and_replaced_by_the_next,
    the_demo_accounts_carry_their_roles_circles_and_consent,
    consent_changes_are_stored_with_their_audit_event_and_read_back,
    an_invitation_is_redeemed_once_and_not_after_it_expires,
    a_session_lives_until_it_expires_and_a_new_one_never_takes_anothers_id,
    the_audit_trail_is_filtered_by_person_user_and_time,
    a_new_service_is_saved_with_its_administrator_and_audit_event_and_renamed,
    a_push_and_its_audit_events_are_saved_together_or_not_at_all,
    an_edit_holding_a_nul_is_refused_and_audited_alike_on_both_databases,
    a_device_belongs_to_the_user_who_first_used_it,
    redeeming_a_link_ends_every_other_link_and_no_link_replaces_a_password,
    a_place_in_a_circle_gives_nothing_until_it_is_accepted,
    sign_in_failures_are_counted_per_key_and_forgotten_after_the_window,
    access_changes_are_announced_to_every_store_on_the_database,
    a_lost_change_listener_reconnects_and_asks_every_device_to_resync,
    postgresql_is_reached_over_tls_when_the_url_asks_for_it,
    the_indexes_every_request_reads_exist,
    account_events_are_listed_for_the_users_named_and_nobody_else,
    a_staff_role_records_who_gave_it_and_when,
    a_stored_plan_moves_into_records_once_with_everything_it_held,
    goals_are_kept_in_a_typed_table_for_reports_as_they_change,
    a_start_that_stops_while_filling_a_new_report_column_fills_it_at_the_next_start,
    a_kind_declared_in_a_test_is_stored_and_read_back_only_with_its_topic,
    an_access_change_made_by_another_server_is_seen_at_the_next_session_read,
    people_added_together_are_stored_with_their_audit_events_and_an_empty_record,
    people_added_together_are_all_stored_or_none_is,
    a_move_to_another_service_is_seen_by_another_server_at_the_next_session_read,
    a_move_or_end_from_a_service_that_no_longer_supports_the_person_changes_nothing,
    an_ended_support_keeps_the_record_readable_refuses_every_edit_and_leaves_the_lists,
    nobody_joins_the_circle_of_someone_whose_support_has_ended,
    the_outbox_gives_each_letter_to_one_sender_retries_failures_and_keeps_who_was_sent_what,
    the_governance_figures_count_what_was_recorded_per_service_and_month,
    a_settled_months_kept_figures_are_counted_again_after_any_change_they_are_counted_from,
    a_grid_score_is_kept_per_service_quarter_and_dimension_and_replaced_when_scored_again,
    a_case_sampling_draw_is_kept_once_per_service_and_quarter_and_findings_are_replaced,
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
        date_of_birth: "1990-06-30".parse().ok(),
        support_ended_ms: None,
        about_me: AboutMe {
            strengths: vec![format!("{name} is patient"), "Good with numbers".into()],
            matters_to_me: "My dog".into(),
            ..AboutMe::default()
        },
    }
}

async fn the_demo_plans_are_written_through_the_engine_once_however_often_they_are_loaded(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo_with_plans(store.as_ref())
        .await
        .expect("demo with plans");
    let (records, version) = store.records(demo::DAN, None).await.expect("records");
    assert!(version > 0);
    let set: domain::records::RecordSet = records.into_iter().collect();
    let decision = set
        .of_kind(domain::records::kinds::DECISIONS)
        .find(|d| d.text("decision").contains("after 11pm"))
        .expect("Dan's decision");
    assert_eq!(
        domain::records::kinds::DecisionStage::of(decision),
        domain::records::kinds::DecisionStage::BestInterests
    );
    assert!(domain::involvement::communication(&set, demo::DAN).is_some());
    // Dan's complex review decides through that decision record; the clocks have something to
    // show: the mini-review's summary and the review's agenda are late, an action is overdue.
    let today = demo::today().expect("today");
    use domain::records::kinds::MEETINGS;
    use domain::reviews;
    let review = set
        .of_kind(MEETINGS)
        .find(|m| reviews::MeetingType::of(m) == Some(reviews::MeetingType::ComplexReview))
        .expect("Dan's complex review");
    assert_eq!(
        reviews::linked_decision(&set, review).map(|d| d.id),
        Some(decision.id)
    );
    assert!(reviews::agenda_status(review, today).is_late());
    let mini = set
        .of_kind(MEETINGS)
        .find(|m| reviews::MeetingType::of(m) == Some(reviews::MeetingType::MiniReview))
        .expect("Dan's mini-review");
    assert!(
        !reviews::summary_status(mini, today)
            .expect("known holidays")
            .expect("started")
            .is_on_time()
    );
    assert_eq!(reviews::overdue_actions(&set, today).len(), 1);
    let open: Vec<_> = reviews::disagreements(&set, today)
        .into_iter()
        .filter(|d| d.resolved_on.is_none())
        .collect();
    assert_eq!(open.len(), 1);
    // Before those, a year of reviews, all concluded: the governance dashboard's months.
    let held = |m: &&domain::records::Record| m.text("status") == "held";
    assert!(set.of_kind(MEETINGS).filter(held).count() >= store::demo::HISTORY_REVIEWS as usize);
    // Loaded again (a restart, `seed-demo`): answered from the stored outcomes, nothing changes.
    store::load_demo_with_plans(store.as_ref())
        .await
        .expect("again");
    let (_, again) = store.records(demo::DAN, None).await.expect("records");
    assert_eq!(again, version);
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

async fn importing_the_same_dataset_twice_keeps_one_copy_applies_details_and_keeps_about_me(
    store: Arc<dyn Store>,
    _: String,
) {
    let first = demo::dataset();
    store.import(&first).await.expect("first import");
    let mut data = first.clone();
    data.people[0].pronouns = Some("she/they".into());
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
    assert_eq!(
        stored.pronouns.as_deref(),
        Some("she/they"),
        "details are replaced"
    );
    assert_eq!(
        stored.about_me, first.people[0].about_me,
        "About me is the person's own words, edited in Circle: an import never overwrites it"
    );
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

/// A device as the tests drive it: its id and the edits it made, numbered (not checked on the
/// device, so that the store's own checks are what is tested).
struct Device {
    client: ClientId,
    outbox: Vec<Mutation>,
}

impl Device {
    fn edit(&mut self, op: RecordOp) {
        let seq = self.outbox.len() as u64 + 1;
        self.outbox.push(Mutation {
            client: self.client,
            seq,
            schema: domain::records::SCHEMA_VERSION,
            op: AnyOp::Record(op),
        });
    }

    fn push_request(&self) -> Vec<Mutation> {
        self.outbox.clone()
    }
}

async fn replica(_store: &dyn Store, n: u128) -> Device {
    Device {
        client: client(n),
        outbox: Vec::new(),
    }
}

fn create_goal(n: u128, wording: &str) -> RecordOp {
    RecordOp::Create {
        kind: GOALS.into(),
        id: Uuid::from_u128(n),
        parent: None,
        topic: None,
        fields: BTreeMap::from([("wording".into(), Value::Text(wording.into()))]),
    }
}

/// The live goals of Maggie's record as the store holds them.
async fn goals(store: &dyn Store) -> Vec<String> {
    let (records, _) = store.records(demo::MAGGIE, None).await.expect("records");
    let set: RecordSet = records.into_iter().collect();
    set.of_kind(GOALS)
        .filter(|g| !g.deleted)
        .map(|g| g.text("wording").to_owned())
        .collect()
}

async fn a_persons_record_starts_from_their_profile_at_version_zero(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let (records, version) = store.records(demo::MAGGIE, None).await.expect("records");
    assert_eq!(version, 0);
    let set: RecordSet = records.into_iter().collect();
    let about = domain::records::views::about_me(set.find(ABOUT, demo::MAGGIE.0));
    assert_eq!(about, demo::dataset().people[0].about_me);
    assert_eq!(set.of_kind(GOALS).count(), 0);
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
    assert_eq!(acks[0].version, Some(1));
    assert!(matches!(acks[1].outcome, Outcome::Rejected { .. }));
    let again = store
        .sync_push(demo::MAGGIE, r.client, &batch)
        .await
        .expect("replay");
    assert_eq!(again, acks);
    let (_, version) = store.records(demo::MAGGIE, None).await.expect("records");
    assert_eq!(version, 1, "the replay changed nothing");
    assert_eq!(goals(store.as_ref()).await, ["Make my own breakfast"]);
}

async fn pulls_return_the_records_changed_after_the_cursor_in_version_order(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut a = replica(store.as_ref(), 1).await;
    for (n, w) in [(10, "One"), (11, "Two"), (12, "Three")] {
        a.edit(create_goal(n, w));
    }
    store
        .sync_push(demo::MAGGIE, a.client, &a.push_request())
        .await
        .expect("push");
    let (changed, version) = store
        .changed_records(demo::MAGGIE, 0, 100)
        .await
        .expect("pull");
    assert_eq!(version, 3);
    assert_eq!(
        changed.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let (later, _) = store
        .changed_records(demo::MAGGIE, 2, 100)
        .await
        .expect("pull");
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].text("wording"), "Three");
    let (page, _) = store
        .changed_records(demo::MAGGIE, 0, 1)
        .await
        .expect("pull");
    assert_eq!(
        page.len(),
        2,
        "a page of one, and one more to see where the next starts"
    );
}

async fn an_about_me_edit_through_sync_shows_on_the_profile(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    let before = demo::dataset().people[0].about_me.wishes.clone();
    r.edit(RecordOp::Set {
        kind: ABOUT.into(),
        id: demo::MAGGIE.0,
        field: "wishes".into(),
        before: Value::Text(before),
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
    // And loading the demo again reverts nothing anyone has edited since.
    store::load_demo(store.as_ref()).await.expect("demo again");
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
        store.records(nobody, None).await,
        Err(store::StoreError::NotFound)
    ));
    assert!(matches!(
        store.sync_push(nobody, client(1), &[]).await,
        Err(store::StoreError::NotFound)
    ));
}

async fn concurrent_pushes_to_one_person_are_all_kept(store: Arc<dyn Store>, _: String) {
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
    for push in pushes {
        let acks = push.await.expect("task").expect("push");
        assert_eq!(acks[0].outcome, Outcome::Applied);
    }
    assert_eq!(goals(store.as_ref()).await.len(), 3);
    let (_, version) = store.records(demo::MAGGIE, None).await.expect("records");
    assert_eq!(version, 3);
}

/// A device that times out and sends its outbox again while the first send is still being
/// saved: each copy is read before its turn to write, and only one may apply the edits.
async fn the_same_edits_sent_several_times_at_once_are_applied_once(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(100, "Walk to the post office"));
    r.edit(create_goal(101, "Phone my sister on Sundays"));
    let (client, batch) = (r.client, r.push_request());
    let pushes: Vec<_> = (0..6)
        .map(|_| {
            let (store, batch) = (store.clone(), batch.clone());
            tokio::spawn(async move { store.sync_push(demo::MAGGIE, client, &batch).await })
        })
        .collect();
    let mut answers = Vec::new();
    for push in pushes {
        answers.push(push.await.expect("task").expect("push"));
    }
    for acks in &answers {
        assert_eq!(
            acks, &answers[0],
            "every copy gets the same acknowledgements"
        );
        assert!(acks.iter().all(|a| a.outcome == Outcome::Applied));
    }
    assert_eq!(goals(store.as_ref()).await.len(), 2);
    let (_, version) = store.records(demo::MAGGIE, None).await.expect("records");
    assert_eq!(version, 2, "applied once");
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
    let (_, before) = store.records(demo::MAGGIE, None).await.expect("records");
    let mut here = store.events();
    let mut there = other.events();
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Cook Sunday lunch"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let expected = store::StoreEvent::Plan(store::PlanChanged {
        person: demo::MAGGIE,
        version: before + 1,
    });
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

    let asha = user_of("asha@riverside.example");
    assert!(store.claim_device(r.client, asha, 5).await.expect("claim"));
    let at = |person, ms| domain::sync::DeviceSync {
        client: r.client,
        person,
        label: "Chrome on Android".into(),
        at_ms: ms,
        owner: None,
        owner_name: String::new(),
    };
    let owned = |sync: domain::sync::DeviceSync| domain::sync::DeviceSync {
        owner: Some(asha),
        owner_name: "Asha Patel".into(),
        ..sync
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
        vec![owned(at(demo::MAGGIE, 3_000)), owned(at(demo::DAN, 2_000))],
        "with whose device it is"
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
        [
            Topic::AboutMe,
            Topic::GoalsAndProgress,
            Topic::DailyLiving,
            Topic::Involvement
        ]
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
        ended_ms: None,
    };
    store
        .put_invitation(&invitation("fresh", 1_000))
        .await
        .expect("put");
    store
        .put_invitation(&invitation("stale", 10))
        .await
        .expect("put");
    assert_eq!(
        store
            .redeem_invitation("stale", 500, "hash-3")
            .await
            .expect("store"),
        Err(InvitationProblem::Expired)
    );
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

// ---- Holes closed (each fails on the code before its fix)

/// Runs `sql` on the test database directly (to set up a failure the store must survive).
async fn execute(url: &str, backend: store::Backend, sql: &str) {
    use sqlx::Connection;
    match backend {
        store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&mut conn).await.expect("sql");
        }
        store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&mut conn).await.expect("sql");
        }
    }
}

async fn a_push_and_its_audit_events_are_saved_together_or_not_at_all(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::audit::{AuditFilter, AuditKind};
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Make my own breakfast"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let changed = |events: Vec<domain::audit::AuditEvent>| {
        events
            .into_iter()
            .filter(|e| e.kind == AuditKind::Changed)
            .map(|e| e.summary)
            .collect::<Vec<_>>()
    };
    let filter = AuditFilter {
        people: vec![demo::MAGGIE],
        limit: 100,
        ..Default::default()
    };
    assert_eq!(
        changed(store.audit_events(&filter).await.expect("audit")),
        ["Add the goal “Make my own breakfast”"]
    );
    // The audit trail refuses one event: the whole push must then be refused with it.
    let trigger = match store.backend() {
        store::Backend::Sqlite => {
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             WHEN NEW.summary LIKE '%forbidden%' BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
        store::Backend::Postgres => {
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN \
             IF NEW.summary LIKE '%forbidden%' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
        }
    };
    execute(&url, store.backend(), trigger).await;
    r.edit(create_goal(11, "Walk to the forbidden shop"));
    assert!(
        store
            .sync_push(demo::MAGGIE, r.client, &r.push_request())
            .await
            .is_err(),
        "a push whose audit cannot be written fails"
    );
    let (_, version) = store.records(demo::MAGGIE, None).await.expect("records");
    assert_eq!(version, 1, "nothing of it was saved");
    assert_eq!(goals(store.as_ref()).await.len(), 1);
    assert_eq!(
        store.client_seq(demo::MAGGIE, r.client).await.expect("seq"),
        1,
        "no outcome was stored: the device sends it again"
    );
}

async fn an_edit_holding_a_nul_is_refused_and_audited_alike_on_both_databases(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::audit::{AuditFilter, AuditKind};
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Walk\0 to the shop"));
    r.edit(create_goal(11, "Make tea"));
    let acks = store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("the push is answered, not failed");
    assert!(
        matches!(&acks[0].outcome, Outcome::Rejected { reason } if reason.contains("control character")),
        "{:?}",
        acks[0]
    );
    assert_eq!(
        acks[1].outcome,
        Outcome::Applied,
        "the edits after it go on"
    );
    let events = store
        .audit_events(&AuditFilter {
            people: vec![demo::MAGGIE],
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    let refused = events
        .iter()
        .find(|e| e.kind == AuditKind::Changed && e.summary.contains("not saved"))
        .expect("the refused edit is audited");
    assert!(
        refused.summary.contains("Walk\u{FFFD} to the shop"),
        "{}",
        refused.summary
    );
}

async fn a_device_belongs_to_the_user_who_first_used_it(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let (asha, ruth) = (
        user_of("asha@riverside.example"),
        user_of("ruth@family.example"),
    );
    assert!(store.claim_device(client(7), asha, 1).await.expect("claim"));
    assert!(store.claim_device(client(7), asha, 2).await.expect("again"));
    assert!(
        !store.claim_device(client(7), ruth, 3).await.expect("claim"),
        "someone else's device"
    );
    assert!(store.claim_device(client(8), ruth, 4).await.expect("claim"));
}

async fn redeeming_a_link_ends_every_other_link_and_no_link_replaces_a_password(
    store: Arc<dyn Store>,
    _: String,
) {
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
    let link = |hash: &str, person| InvitationRecord {
        token_hash: hash.into(),
        person,
        user: kim,
        invited_by: user_of("tom@elmcourt.example"),
        created_ms: 0,
        expires_ms: 10_000,
        used_ms: None,
        ended_ms: None,
    };
    store
        .add_to_circle(demo::DAN, kim, domain::access::CircleRole::FamilyOrFriend)
        .await
        .expect("offer");
    store
        .put_invitation(&link("older", demo::DAN))
        .await
        .expect("put");
    store
        .put_invitation(&link("newer", demo::DAN))
        .await
        .expect("put");
    store
        .put_account_invitation(
            "staff-link",
            kim,
            user_of("admin@circle.example"),
            0,
            10_000,
        )
        .await
        .expect("put");
    store
        .redeem_invitation("newer", 100, "kims-hash")
        .await
        .expect("store")
        .expect("redeemed");
    assert_eq!(
        store
            .redeem_invitation("older", 200, "attackers-hash")
            .await
            .expect("store"),
        Err(InvitationProblem::Ended),
        "the older link no longer works"
    );
    assert_eq!(
        store
            .redeem_account_invitation("staff-link", 200, "attackers-hash")
            .await
            .expect("store"),
        Err(InvitationProblem::Ended),
        "nor does a link of the other kind"
    );
    // A link made after the password was set cannot replace it either.
    store
        .put_invitation(&link("later", demo::DAN))
        .await
        .expect("put");
    assert_eq!(
        store
            .redeem_invitation("later", 300, "attackers-hash")
            .await
            .expect("store"),
        Err(InvitationProblem::Ended)
    );
    assert_eq!(
        store
            .user(kim)
            .await
            .expect("store")
            .expect("Kim")
            .password_hash
            .as_deref(),
        Some("kims-hash")
    );
    let actor = store.actor(kim).await.expect("actor").expect("Kim");
    assert!(
        actor.circles.iter().any(|m| m.person == demo::DAN),
        "redeeming the link accepted the place it offered"
    );
}

async fn a_place_in_a_circle_gives_nothing_until_it_is_accepted(store: Arc<dyn Store>, _: String) {
    use domain::access::CircleRole;
    store::load_demo(store.as_ref()).await.expect("demo");
    let asha = user_of("asha@riverside.example");
    store
        .add_to_circle(demo::DAN, asha, CircleRole::FamilyOrFriend)
        .await
        .expect("offer");
    let actor = store.actor(asha).await.expect("actor").expect("Asha");
    assert!(
        !actor.circles.iter().any(|m| m.person == demo::DAN),
        "not before accepting"
    );
    let offers = store.circle_offers(asha).await.expect("offers");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].person, demo::DAN);
    let member = store
        .circle(demo::DAN)
        .await
        .expect("circle")
        .into_iter()
        .find(|m| m.user == asha)
        .expect("listed in the circle");
    assert!(!member.accepted);
    assert!(
        store
            .accept_circle(demo::DAN, asha, 10)
            .await
            .expect("accept")
    );
    assert!(
        !store
            .accept_circle(demo::DAN, asha, 11)
            .await
            .expect("again"),
        "once"
    );
    let actor = store.actor(asha).await.expect("actor").expect("Asha");
    assert!(actor.circles.iter().any(|m| m.person == demo::DAN));
    assert!(store.circle_offers(asha).await.expect("offers").is_empty());
    // Offering again (another role) keeps an accepted place accepted.
    store
        .add_to_circle(demo::DAN, asha, CircleRole::OtherAdvocate)
        .await
        .expect("offer");
    assert!(
        store
            .actor(asha)
            .await
            .expect("a")
            .expect("A")
            .circles
            .iter()
            .any(|m| m.person == demo::DAN)
    );
    // Declining is for offers only.
    let tom = user_of("tom@elmcourt.example");
    store
        .add_to_circle(demo::MAGGIE, tom, CircleRole::FamilyOrFriend)
        .await
        .expect("offer");
    assert!(
        store
            .decline_circle(demo::MAGGIE, tom)
            .await
            .expect("decline")
    );
    assert!(
        !store
            .decline_circle(demo::DAN, asha)
            .await
            .expect("not an offer")
    );
    assert!(store.circle_offers(tom).await.expect("offers").is_empty());
}

async fn sign_in_failures_are_counted_per_key_and_forgotten_after_the_window(
    store: Arc<dyn Store>,
    _: String,
) {
    assert_eq!(
        store.sign_in_failures("email:a@x").await.expect("read"),
        None
    );
    for at in [100, 200, 300] {
        store
            .record_sign_in_failure("email:a@x", at, 1_000)
            .await
            .expect("count");
    }
    assert_eq!(
        store.sign_in_failures("email:a@x").await.expect("read"),
        Some((3, 300))
    );
    assert_eq!(
        store.sign_in_failures("email:b@x").await.expect("read"),
        None
    );
    store
        .record_sign_in_failure("email:a@x", 5_000, 1_000)
        .await
        .expect("count");
    assert_eq!(
        store.sign_in_failures("email:a@x").await.expect("read"),
        Some((1, 5_000)),
        "a failure after the window starts counting again"
    );
    store
        .record_sign_in_failure("addr:10.0.0.1", 6_000, 1_000)
        .await
        .expect("count");
    store
        .delete_old_sign_in_failures(5_500)
        .await
        .expect("sweep");
    assert_eq!(
        store.sign_in_failures("email:a@x").await.expect("read"),
        None
    );
    assert!(
        store
            .sign_in_failures("addr:10.0.0.1")
            .await
            .expect("read")
            .is_some()
    );
    store
        .clear_sign_in_failures("addr:10.0.0.1")
        .await
        .expect("clear");
    assert_eq!(
        store.sign_in_failures("addr:10.0.0.1").await.expect("read"),
        None
    );
}

/// The second store over the same database (a second server), or the same one on SQLite.
async fn second_store(store: &Arc<dyn Store>, url: &str) -> Arc<dyn Store> {
    match store.backend() {
        store::Backend::Sqlite => store.clone(),
        store::Backend::Postgres => store::connect(url).await.expect("second server"),
    }
}

async fn next_event(
    rx: &mut tokio::sync::broadcast::Receiver<store::StoreEvent>,
    wanted: impl Fn(&store::StoreEvent) -> bool,
) -> store::StoreEvent {
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let event = rx.recv().await.expect("received");
            if wanted(&event) {
                return event;
            }
        }
    })
    .await
    .expect("announced within 10 s")
}

async fn access_changes_are_announced_to_every_store_on_the_database(
    store: Arc<dyn Store>,
    url: String,
) {
    use store::StoreEvent;
    store::load_demo(store.as_ref()).await.expect("demo");
    let other = second_store(&store, &url).await;
    let mut there = other.events();
    let ruth = user_of("ruth@family.example");
    let note = audit_event(1, Some(demo::MAGGIE), 10, None);
    store
        .set_consent(
            demo::MAGGIE,
            ruth,
            domain::access::Topic::Health,
            true,
            &note,
        )
        .await
        .expect("consent");
    assert_eq!(
        next_event(&mut there, |e| matches!(e, StoreEvent::Access(_))).await,
        StoreEvent::Access(ruth)
    );
    let asha = user_of("asha@riverside.example");
    store
        .delete_sessions_of(asha)
        .await
        .expect("sign out everywhere");
    assert_eq!(
        next_event(&mut there, |e| matches!(e, StoreEvent::Access(_))).await,
        StoreEvent::Access(asha)
    );
    if !Arc::ptr_eq(&store, &other) {
        other.close().await;
    }
}

async fn a_lost_change_listener_reconnects_and_asks_every_device_to_resync(
    store: Arc<dyn Store>,
    url: String,
) {
    if store.backend() != store::Backend::Postgres {
        return; // one process: nothing is listened to
    }
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut events = store.events();
    let db = url.rsplit('/').next().expect("database name").to_owned();
    execute(
        &url,
        store.backend(),
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{db}' AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
        ),
    )
    .await;
    assert_eq!(
        next_event(&mut events, |e| matches!(e, store::StoreEvent::Resync)).await,
        store::StoreEvent::Resync
    );
    // And it listens again: a change made now is still announced.
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Cook Sunday lunch"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    assert!(matches!(
        next_event(&mut events, |e| matches!(e, store::StoreEvent::Plan(_))).await,
        store::StoreEvent::Plan(_)
    ));
}

async fn postgresql_is_reached_over_tls_when_the_url_asks_for_it(
    store: Arc<dyn Store>,
    url: String,
) {
    use sqlx::Connection;
    if store.backend() != store::Backend::Postgres {
        return;
    }
    let tls = format!("{url}?sslmode=require");
    let over_tls = store::connect(&tls).await.expect("a store over TLS");
    over_tls.health().await.expect("it answers");
    over_tls.close().await;
    let mut conn = sqlx::PgConnection::connect(&tls).await.expect("connect");
    let (ssl,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .expect("ssl");
    assert!(ssl, "the connection is encrypted");
}

async fn the_indexes_every_request_reads_exist(store: Arc<dyn Store>, url: String) {
    use sqlx::Connection;
    let wanted = [
        ("circle_members", "circle_members_by_user"),
        ("consent", "consent_by_user"),
        ("audit_events", "audit_by_user"),
        ("audit_events", "audit_by_person"),
        ("audit_events", "audit_by_service"),
        ("sessions", "sessions_by_user"),
        ("devices", "devices_by_user"),
    ];
    for (table, index) in wanted {
        let found: Option<(String,)> = match store.backend() {
            store::Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND name = $2")
                    .bind(table)
                    .bind(index)
                    .fetch_optional(&mut conn)
                    .await
                    .expect("catalog")
            }
            store::Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
                sqlx::query_as("SELECT indexname::text FROM pg_indexes WHERE tablename = $1 AND indexname = $2")
                    .bind(table)
                    .bind(index)
                    .fetch_optional(&mut conn)
                    .await
                    .expect("catalog")
            }
        };
        assert!(found.is_some(), "{table} has the index {index}");
    }
    // SQLite reads the governance passes by person and day, and who took part by meeting.
    if store.backend() == store::Backend::Sqlite {
        for index in [
            "report_meeting_by_starts_at_day",
            "report_action_by_due_on",
            "report_attendance_taking_part",
        ] {
            let found = raw_text(
                store.backend(),
                &url,
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name = $1",
                index,
            )
            .await;
            assert_eq!(found.as_deref(), Some(index));
        }
    }
}

async fn account_events_are_listed_for_the_users_named_and_nobody_else(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::audit::{AuditFilter, AuditKind};
    store::load_demo(store.as_ref()).await.expect("demo");
    let (asha, tom) = (
        user_of("asha@riverside.example"),
        user_of("tom@elmcourt.example"),
    );
    let signed_in = |n, user| {
        let mut e = audit_event(n, None, 100 + n as i64, Some(user));
        e.kind = AuditKind::SignedIn;
        e
    };
    let (a, t) = (signed_in(1, asha), signed_in(2, tom));
    store.audit(&[a.clone(), t.clone()]).await.expect("audit");
    let listed = store
        .audit_events(&AuditFilter {
            account_users: vec![asha],
            to_ms: Some(1_000),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(listed, vec![a]);
}

async fn a_staff_role_records_who_gave_it_and_when(store: Arc<dyn Store>, _: String) {
    use domain::access::StaffRole;
    store::load_demo(store.as_ref()).await.expect("demo");
    let (ruth, admin) = (
        user_of("ruth@family.example"),
        user_of("admin@circle.example"),
    );
    store
        .grant_staff_role(
            ruth,
            demo::RIVERSIDE,
            StaffRole::KeyWorker,
            Some(admin),
            4_242,
        )
        .await
        .expect("grant");
    let role = store
        .staff()
        .await
        .expect("staff")
        .into_iter()
        .find(|m| m.user == ruth)
        .expect("listed");
    assert_eq!(role.granted_by, Some(admin));
    assert_eq!(role.granted_ms, Some(4_242));
}

// ---- The records engine

/// Runs `sql` on the test database directly, with binds.
async fn execute_with(url: &str, backend: store::Backend, sql: &str, binds: &[&str]) {
    use sqlx::Connection;
    match backend {
        store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(&mut conn).await.expect("sql");
        }
        store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(*b);
            }
            q.execute(&mut conn).await.expect("sql");
        }
    }
}

async fn a_stored_plan_moves_into_records_once_with_everything_it_held(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::plan::{Conflict, Field, Goal, GoalId, OpenConflict, Plan, Step, StepId};
    store::load_demo(store.as_ref()).await.expect("demo");
    let backend = store.backend();
    store.close().await;
    // Dan's record as the single-document plan kept it: a goal with steps, a removed goal, a
    // meeting with notes, a conflict to settle, at version 7.
    let mut plan = Plan::new(demo::DAN, demo::dataset().people[1].about_me.clone());
    plan.about_me.wishes = "To get the late bus home on my own".into();
    let late = GoalId(Uuid::from_u128(0x31));
    plan.goals.push(Goal {
        id: late,
        wording: "Get the late bus home".into(),
        steps: vec![Step {
            id: StepId(Uuid::from_u128(0x32)),
            text: "Check the timetable".into(),
            done: true,
        }],
        deleted: false,
    });
    plan.goals.push(Goal {
        id: GoalId(Uuid::from_u128(0x33)),
        wording: "Drum lessons".into(),
        steps: vec![],
        deleted: true,
    });
    let mut meeting = domain::notes::Meeting::new(
        domain::notes::MeetingId(Uuid::from_u128(0x34)),
        "Review".into(),
    );
    meeting
        .merge(&meeting.edit_to(7, "Agreed: a text at 11pm").expect("notes"))
        .expect("merge");
    plan.meetings.push(meeting);
    plan.conflicts.push(OpenConflict {
        id: 4,
        conflict: Conflict::SameField {
            field: Field::GoalWording { goal: late },
            theirs: domain::plan::Value::Text("Get the bus home".into()),
            mine: domain::plan::Value::Text("Get the late bus home".into()),
        },
    });
    let dan = demo::DAN.to_string();
    execute_with(
        &url,
        backend,
        "DELETE FROM records WHERE person_id = $1",
        &[&dan],
    )
    .await;
    execute_with(
        &url,
        backend,
        "DELETE FROM record_heads WHERE person_id = $1",
        &[&dan],
    )
    .await;
    execute_with(
        &url,
        backend,
        "INSERT INTO plans (person_id, state, version) VALUES ($1, $2, 7)",
        &[&dan, &serde_json::to_string(&plan).expect("json")],
    )
    .await;
    for pass in 0..2u64 {
        // The second time, the move has been made: nothing moves again.
        let store = store::connect(&url).await.expect("reopen: the move runs");
        let (records, version) = store.records(demo::DAN, None).await.expect("records");
        assert_eq!(version, 7 + pass, "one more after the conflict was settled");
        let set: RecordSet = records.into_iter().collect();
        let about = domain::records::views::about_me(set.find(ABOUT, demo::DAN.0));
        assert_eq!(about.wishes, "To get the late bus home on my own");
        assert_eq!(
            about.strengths,
            demo::dataset().people[1].about_me.strengths
        );
        let goals = domain::records::views::goals(&set);
        assert_eq!(goals.len(), 2);
        assert_eq!(goals[0].wording, "Get the late bus home");
        assert_eq!(
            goals[0].steps,
            [(
                Uuid::from_u128(0x32),
                "Check the timetable".to_owned(),
                true
            )]
        );
        assert!(goals[1].deleted, "the removed goal is kept, removed");
        let meetings = domain::records::views::meetings(&set);
        assert_eq!(meetings[0].2, "Agreed: a text at 11pm");
        let conflicts =
            domain::records::views::conflicts(&set, &domain::records::Catalog::standard());
        if pass == 0 {
            assert_eq!(conflicts.len(), 1);
            assert_eq!(conflicts[0].theirs, Value::Text("Get the bus home".into()));
        } else {
            assert!(conflicts.is_empty(), "settled, and not moved back");
        }
        // An old "settle conflict 4" still finds it.
        let settle = Mutation {
            client: client(9),
            seq: 1,
            schema: 1,
            op: AnyOp::Plan(domain::plan::Op::Dismiss { conflict: 4 }),
        };
        let acks = store
            .sync_push(demo::DAN, client(9), &[settle])
            .await
            .expect("push");
        assert!(
            matches!(acks[0].outcome, Outcome::Applied | Outcome::Merged),
            "{acks:?}"
        );
        store.close().await;
    }
}

async fn goals_are_kept_in_a_typed_table_for_reports_as_they_change(
    store: Arc<dyn Store>,
    url: String,
) {
    use sqlx::Connection;
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Make my own breakfast"));
    r.edit(RecordOp::Set {
        kind: GOALS.into(),
        id: Uuid::from_u128(10),
        field: "status".into(),
        before: Value::Choice("active".into()),
        after: Value::Choice("achieved".into()),
    });
    r.edit(RecordOp::Set {
        kind: GOALS.into(),
        id: Uuid::from_u128(10),
        field: "review_date".into(),
        before: Value::Empty,
        after: Value::Date("2027-03-01".parse().expect("date")),
    });
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let sql = "SELECT wording, status, review_date FROM report_goal WHERE person_id = $1";
    let maggie = demo::MAGGIE.to_string();
    let row: (String, String, String) = match store.backend() {
        store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            sqlx::query_as(sql)
                .bind(&maggie)
                .fetch_one(&mut conn)
                .await
                .expect("row")
        }
        store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            sqlx::query_as(sql)
                .bind(&maggie)
                .fetch_one(&mut conn)
                .await
                .expect("row")
        }
    };
    assert_eq!(
        row,
        (
            "Make my own breakfast".to_owned(),
            "achieved".to_owned(),
            "2027-03-01".to_owned()
        )
    );
}

/// Runs `sql` (each with its text binds) on the database at `url`, outside any store.
async fn run_raw(backend: store::Backend, url: &str, sql: &[(&str, &[&str])]) {
    use sqlx::Connection;
    match backend {
        store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            for (statement, binds) in sql {
                let mut q = sqlx::query(statement);
                for b in *binds {
                    q = q.bind(*b);
                }
                q.execute(&mut conn).await.expect(statement);
            }
            conn.close().await.expect("close");
        }
        store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            for (statement, binds) in sql {
                let mut q = sqlx::query(statement);
                for b in *binds {
                    q = q.bind(*b);
                }
                q.execute(&mut conn).await.expect(statement);
            }
            conn.close().await.expect("close");
        }
    }
}

/// The first column of the row `sql` (with one text bind) finds, as text, outside any store.
async fn raw_text(backend: store::Backend, url: &str, sql: &str, bind: &str) -> Option<String> {
    use sqlx::Connection;
    let row: Option<(Option<String>,)> = match backend {
        store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            sqlx::query_as(sql)
                .bind(bind)
                .fetch_optional(&mut conn)
                .await
                .expect(sql)
        }
        store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query_as(sql)
                .bind(bind)
                .fetch_optional(&mut conn)
                .await
                .expect(sql)
        }
    };
    row.and_then(|(text,)| text)
}

async fn a_start_that_stops_while_filling_a_new_report_column_fills_it_at_the_next_start(
    store: Arc<dyn Store>,
    url: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Make my own breakfast"));
    r.edit(RecordOp::Set {
        kind: GOALS.into(),
        id: Uuid::from_u128(10),
        field: "review_date".into(),
        before: Value::Empty,
        after: Value::Date("2027-03-01".parse().expect("date")),
    });
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    let backend = store.backend();
    store.close().await;
    // As an older Circle left it, without the column; and a record that cannot be read, so
    // that the next start stops while filling the column in.
    let goal = Uuid::from_u128(10).to_string();
    let body = raw_text(
        backend,
        &url,
        "SELECT body FROM records WHERE id = $1",
        &goal,
    )
    .await
    .expect("the goal's record");
    run_raw(
        backend,
        &url,
        &[
            ("ALTER TABLE report_goal DROP COLUMN review_date", &[]),
            (
                "UPDATE records SET body = 'not json' WHERE id = $1",
                &[&goal],
            ),
        ],
    )
    .await;
    let stopped = store::connect(&url).await;
    assert!(
        matches!(stopped, Err(store::StoreError::Corrupt(_))),
        "the start stops at the record it cannot read"
    );
    if let Ok(store) = stopped {
        store.close().await;
    }
    // Mended, the next start adds the column and fills it.
    run_raw(
        backend,
        &url,
        &[(
            "UPDATE records SET body = $1 WHERE id = $2",
            &[&body, &goal],
        )],
    )
    .await;
    let store = store::connect(&url).await.expect("start again");
    store.close().await;
    let review = raw_text(
        backend,
        &url,
        "SELECT review_date FROM report_goal WHERE id = $1",
        &goal,
    )
    .await;
    assert_eq!(review.as_deref(), Some("2027-03-01"));
}

/// A kind declared here, in the test: the store keeps it with no code of its own.
static DIARY: domain::records::KindSpec = domain::records::KindSpec {
    name: "test_diary",
    title: "diary entry",
    topic: domain::records::TopicRule::Fixed(domain::access::Topic::MentalHealth),
    parent: None,
    fields: &[domain::records::FieldSpec::words("entry", "Entry", 500)
        .required()
        .reported()],
    label_field: Some("entry"),
    singleton: false,
    live_limit: None,
    system: false,
    order: &[],
};

async fn a_kind_declared_in_a_test_is_stored_and_read_back_only_with_its_topic(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::access::Topic;
    store::load_demo(store.as_ref()).await.expect("demo");
    store.close().await;
    let store = store::connect_with(&url, domain::records::Catalog::standard().with(&DIARY))
        .await
        .expect("reopen knowing the kind");
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(RecordOp::Create {
        kind: "test_diary".into(),
        id: Uuid::from_u128(0x51),
        parent: None,
        topic: None,
        fields: BTreeMap::from([("entry".into(), Value::Text("A hard week".into()))]),
    });
    let acks = store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    assert_eq!(acks[0].outcome, Outcome::Applied);
    let goals_only = std::collections::BTreeSet::from([Topic::GoalsAndProgress]);
    let (shared, _) = store
        .records(demo::MAGGIE, Some(&goals_only))
        .await
        .expect("records");
    assert!(shared.iter().all(|r| r.kind != "test_diary"));
    let mental = std::collections::BTreeSet::from([Topic::MentalHealth]);
    let (shown, _) = store
        .records(demo::MAGGIE, Some(&mental))
        .await
        .expect("records");
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].text("entry"), "A hard week");
    store.close().await;
}

/// Access facts are kept in memory between requests; a change committed through another
/// server (another store over the same database, for SQLite another process on the file) must
/// be seen as soon as a request reads its session, never served from memory.
async fn an_access_change_made_by_another_server_is_seen_at_the_next_session_read(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::access::Topic;
    store::load_demo(store.as_ref()).await.expect("demo");
    let other = store::connect(&url).await.expect("a second server");
    let ruth = user_of("ruth@family.example");
    let asha = user_of("asha@riverside.example");
    let far = i64::MAX / 2;
    assert!(
        other
            .create_session("ruths-phone", Some(ruth), "{}", far)
            .await
            .expect("session")
    );
    let next_request = || async {
        assert!(
            other
                .session("ruths-phone", 0)
                .await
                .expect("read")
                .is_some()
        );
    };
    let ruth_sees_health = || async {
        other
            .actor(ruth)
            .await
            .expect("actor")
            .expect("ruth")
            .circles
            .iter()
            .any(|m| m.person == demo::MAGGIE && m.shared.contains(&Topic::Health))
    };
    next_request().await;
    assert!(!ruth_sees_health().await);
    assert!(!ruth_sees_health().await, "asked twice, from memory");

    let share = audit_event(41, Some(demo::MAGGIE), 10, None);
    store
        .set_consent(demo::MAGGIE, ruth, Topic::Health, true, &share)
        .await
        .expect("share");
    next_request().await;
    assert!(ruth_sees_health().await, "a topic shared elsewhere is seen");

    let unshare = audit_event(42, Some(demo::MAGGIE), 11, None);
    store
        .set_consent(demo::MAGGIE, ruth, Topic::Health, false, &unshare)
        .await
        .expect("unshare");
    next_request().await;
    assert!(
        !ruth_sees_health().await,
        "a topic taken back elsewhere is never served from memory"
    );

    let roles = other.actor(asha).await.expect("actor").expect("asha").staff;
    let (service, role) = *roles.first().expect("asha has a role");
    store
        .revoke_staff_role(asha, service, role)
        .await
        .expect("revoke");
    next_request().await;
    let after = other.actor(asha).await.expect("actor").expect("asha").staff;
    assert!(!after.contains(&(service, role)), "a revoked role is gone");

    let mut data = demo::dataset();
    let before = other
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("maggie");
    let moved = data
        .people
        .iter_mut()
        .find(|p| p.id == demo::MAGGIE)
        .expect("maggie");
    moved.service_id = demo::ELM_COURT;
    store.import(&data).await.expect("import");
    next_request().await;
    let after = other
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("maggie");
    assert_ne!(before.service_id, after.service_id);
    assert_eq!(
        after.service_id,
        demo::ELM_COURT,
        "a person moved elsewhere is seen"
    );
    other.close().await;
}

/// Someone new at `service`, as the "Add a person" form makes them.
fn someone_new(n: u128, service: ServiceId, name: &str) -> Person {
    domain::people::NewPerson {
        name: name.into(),
        date_of_birth: "1984-02-29".into(),
        ..Default::default()
    }
    .check(
        PersonId(Uuid::from_u128(0xadd0 + n)),
        service,
        "2026-05-01".parse().expect("a day"),
    )
    .expect("valid")
}

fn added_event(n: u128, person: &Person) -> domain::audit::AuditEvent {
    let mut event = audit_event(0x100 + n, Some(person.id), 20, None);
    event.kind = domain::audit::AuditKind::Changed;
    event.summary = format!("Added {}", person.name);
    event
}

async fn audit_of(store: &dyn Store, person: PersonId) -> Vec<domain::audit::AuditEvent> {
    store
        .audit_events(&domain::audit::AuditFilter {
            people: vec![person],
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit")
}

async fn people_added_together_are_stored_with_their_audit_events_and_an_empty_record(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let sam = someone_new(1, demo::RIVERSIDE, "Sam Lee");
    let zoe = someone_new(2, demo::RIVERSIDE, "Zoë Adams");
    store
        .add_people(
            &[sam.clone(), zoe.clone()],
            &[added_event(1, &sam), added_event(2, &zoe)],
        )
        .await
        .expect("added");
    assert_eq!(
        store.person(sam.id).await.expect("read").as_ref(),
        Some(&sam),
        "the person reads back whole, date of birth included"
    );
    let listed: Vec<_> = store.people().await.expect("people");
    assert!(listed.iter().any(|p| p.id == sam.id));
    assert!(listed.iter().any(|p| p.id == zoe.id));
    let (records, version) = store.records(zoe.id, None).await.expect("records");
    assert!(records.is_empty(), "no About me and no plan yet");
    assert_eq!(version, 0);
    let events = audit_of(store.as_ref(), sam.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].summary, "Added Sam Lee");
}

async fn people_added_together_are_all_stored_or_none_is(store: Arc<dyn Store>, _: String) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let sam = someone_new(1, demo::RIVERSIDE, "Sam Lee");
    let mut taken = someone_new(2, demo::RIVERSIDE, "Not Maggie");
    taken.id = demo::MAGGIE;
    let refused = store
        .add_people(
            &[sam.clone(), taken.clone()],
            &[added_event(1, &sam), added_event(2, &taken)],
        )
        .await;
    assert!(refused.is_err(), "an id already taken is never replaced");
    assert_eq!(store.person(sam.id).await.expect("read"), None);
    assert!(audit_of(store.as_ref(), sam.id).await.is_empty());
    let maggie = store
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("maggie");
    assert_eq!(maggie.name, "Margaret Okafor");
}

async fn a_move_to_another_service_is_seen_by_another_server_at_the_next_session_read(
    store: Arc<dyn Store>,
    url: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let other = store::connect(&url).await.expect("a second server");
    let ruth = user_of("ruth@family.example");
    assert!(
        other
            .create_session("ruths-phone", Some(ruth), "{}", i64::MAX / 2)
            .await
            .expect("session")
    );
    let read = || async {
        other
            .person(demo::MAGGIE)
            .await
            .expect("read")
            .expect("maggie")
            .service_id
    };
    assert_eq!(read().await, demo::RIVERSIDE);
    let mut event = audit_event(51, Some(demo::MAGGIE), 30, None);
    event.before = Some("Riverside".into());
    event.after = Some("Elm Court".into());
    assert!(
        store
            .move_person(demo::MAGGIE, demo::RIVERSIDE, demo::ELM_COURT, &event)
            .await
            .expect("move")
    );
    other.session("ruths-phone", 0).await.expect("session read");
    assert_eq!(
        read().await,
        demo::ELM_COURT,
        "never the old service from memory"
    );
    let events = audit_of(store.as_ref(), demo::MAGGIE).await;
    let kept = events.iter().find(|e| e.id == event.id).expect("audited");
    assert_eq!(kept.before.as_deref(), Some("Riverside"));
    assert_eq!(kept.after.as_deref(), Some("Elm Court"));
}

async fn a_move_or_end_from_a_service_that_no_longer_supports_the_person_changes_nothing(
    store: Arc<dyn Store>,
    _: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let audited = audit_of(store.as_ref(), demo::MAGGIE).await.len();
    let event = audit_event(61, Some(demo::MAGGIE), 30, None);
    assert!(
        !store
            .move_person(demo::MAGGIE, demo::ELM_COURT, demo::NORTHGATE, &event)
            .await
            .expect("move")
    );
    assert!(
        !store
            .end_support(demo::MAGGIE, demo::ELM_COURT, 40, &event)
            .await
            .expect("end")
    );
    let maggie = store
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("maggie");
    assert_eq!(maggie.service_id, demo::RIVERSIDE);
    assert_eq!(maggie.support_ended_ms, None);
    assert_eq!(audit_of(store.as_ref(), demo::MAGGIE).await.len(), audited);
}

async fn an_ended_support_keeps_the_record_readable_refuses_every_edit_and_leaves_the_lists(
    store: Arc<dyn Store>,
    url: String,
) {
    store::load_demo(store.as_ref()).await.expect("demo");
    let other = store::connect(&url).await.expect("a second server");
    let ruth = user_of("ruth@family.example");
    assert!(
        other
            .create_session("ruths-phone", Some(ruth), "{}", i64::MAX / 2)
            .await
            .expect("session")
    );
    let mut r = replica(store.as_ref(), 1).await;
    r.edit(create_goal(10, "Make my own breakfast"));
    store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    assert!(other.person(demo::MAGGIE).await.expect("read").is_some());

    let ended_at = 1_782_862_200_000;
    let event = audit_event(71, Some(demo::MAGGIE), ended_at, None);
    assert!(
        store
            .end_support(demo::MAGGIE, demo::RIVERSIDE, ended_at, &event)
            .await
            .expect("end")
    );
    other.session("ruths-phone", 0).await.expect("session read");
    let maggie = other
        .person(demo::MAGGIE)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        maggie.support_ended_ms,
        Some(ended_at),
        "seen by another server"
    );
    assert!(
        !store
            .people()
            .await
            .expect("people")
            .iter()
            .any(|p| p.id == demo::MAGGIE),
        "off the lists"
    );
    assert!(
        store
            .all_people()
            .await
            .expect("all")
            .iter()
            .any(|p| p.id == demo::MAGGIE),
        "but in the history"
    );
    assert_eq!(
        goals(store.as_ref()).await,
        ["Make my own breakfast"],
        "history stays"
    );

    r.edit(create_goal(11, "Walk to the shops"));
    let acks = store
        .sync_push(demo::MAGGIE, r.client, &r.push_request())
        .await
        .expect("push");
    assert_eq!(
        acks.len(),
        2,
        "the first edit's stored outcome, then the new one"
    );
    let Outcome::Rejected { reason } = &acks[1].outcome else {
        panic!(
            "an edit after support ended is refused, got {:?}",
            acks[1].outcome
        );
    };
    assert!(
        reason.starts_with("Support ended on Wed 1 Jul 2026"),
        "{reason}"
    );
    assert_eq!(goals(store.as_ref()).await, ["Make my own breakfast"]);

    let again = audit_event(72, Some(demo::MAGGIE), ended_at + 1, None);
    assert!(
        !store
            .end_support(demo::MAGGIE, demo::RIVERSIDE, ended_at + 1, &again)
            .await
            .expect("end again")
    );
    assert!(
        !store
            .move_person(demo::MAGGIE, demo::RIVERSIDE, demo::ELM_COURT, &again)
            .await
            .expect("move")
    );
}

async fn nobody_joins_the_circle_of_someone_whose_support_has_ended(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::access::CircleRole;
    use store::{InvitationProblem, InvitationRecord, UserRecord};
    store::load_demo(store.as_ref()).await.expect("demo");
    let kim = domain::access::UserId(Uuid::from_u128(0xc2));
    store
        .put_user(&UserRecord {
            id: kim,
            email: "kim@y.example".into(),
            name: "Kim".into(),
            password_hash: None,
        })
        .await
        .expect("user");
    store
        .put_invitation(&InvitationRecord {
            token_hash: "to-dans-circle".into(),
            person: demo::DAN,
            user: kim,
            invited_by: user_of("tom@elmcourt.example"),
            created_ms: 0,
            expires_ms: i64::MAX / 2,
            used_ms: None,
            ended_ms: None,
        })
        .await
        .expect("invitation");
    let asha = user_of("asha@riverside.example");
    store
        .add_to_circle(demo::DAN, asha, CircleRole::FamilyOrFriend)
        .await
        .expect("offer");

    let event = audit_event(81, Some(demo::DAN), 50, None);
    assert!(
        store
            .end_support(demo::DAN, demo::ELM_COURT, 50, &event)
            .await
            .expect("end")
    );

    assert!(
        !store
            .accept_circle(demo::DAN, asha, 60)
            .await
            .expect("accept"),
        "an offer made before support ended can no longer be taken up"
    );
    let actor = store.actor(asha).await.expect("actor").expect("Asha");
    assert!(!actor.circles.iter().any(|m| m.person == demo::DAN));
    assert!(
        store.circle_offers(asha).await.expect("offers").is_empty(),
        "and it is no longer offered"
    );
    assert_eq!(
        store
            .redeem_invitation("to-dans-circle", 60, "kims-hash")
            .await
            .expect("store"),
        Err(InvitationProblem::Ended),
        "an invitation link into the circle has ended with the support"
    );
    let kim_now = store.user(kim).await.expect("store").expect("Kim");
    assert_eq!(kim_now.password_hash, None, "nothing set through it");
    let actor = store.actor(kim).await.expect("actor").expect("Kim");
    assert!(!actor.circles.iter().any(|m| m.person == demo::DAN));
}

fn letter(n: u128, to: &str, queued_ms: i64) -> store::OutgoingMail {
    store::OutgoingMail {
        id: Uuid::from_u128(0x3a11_0000 + n),
        person: demo::DAN,
        meeting: Uuid::from_u128(0x3ee7),
        document: domain::mail::Document::Summary,
        user: user_of(to),
        to_name: format!("Reader {n}"),
        to_email: to.to_owned(),
        subject: "Dan's complex review".into(),
        text: "Decisions".into(),
        html: "<p>Decisions</p>".into(),
        calendar: None,
        topics: [
            domain::access::Topic::MeetingsAndReviews,
            domain::access::Topic::Health,
        ]
        .into(),
        queued_ms,
        queued_by: "Grace Mensah".into(),
        tries: 0,
    }
}

async fn the_outbox_gives_each_letter_to_one_sender_retries_failures_and_keeps_who_was_sent_what(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::mail::DeliveryState;
    store::load_demo(store.as_ref()).await.expect("demo");
    let first = letter(1, "lee@advocacy.example", 1_000);
    let second = letter(2, "tom@elmcourt.example", 1_001);
    let event = audit_event(
        7,
        Some(demo::DAN),
        1_000,
        Some(user_of("grace@circle.example")),
    );
    store
        .queue_mail(&[first.clone(), second.clone()], &event)
        .await
        .expect("queued");
    assert!(
        store
            .claim_mail(999, 60_000)
            .await
            .expect("claim")
            .is_none(),
        "not due yet"
    );

    // Two servers ask at once: each letter goes to exactly one of them.
    let other = store::connect(&url).await.expect("a second server");
    let (a, b) = tokio::join!(
        store.claim_mail(2_000, 62_000),
        other.claim_mail(2_000, 62_000)
    );
    let mut taken: Vec<Uuid> = [a.expect("a"), b.expect("b")]
        .into_iter()
        .flatten()
        .map(|m| m.id)
        .collect();
    if let Some(m) = store.claim_mail(2_000, 62_000).await.expect("claim") {
        taken.push(m.id);
    }
    taken.sort();
    assert_eq!(taken, vec![first.id, second.id]);
    assert!(
        store
            .claim_mail(3_000, 63_000)
            .await
            .expect("claim")
            .is_none(),
        "both held"
    );

    store.mail_sent(first.id, 5_000).await.expect("sent");
    store
        .mail_failed(second.id, "the relay did not answer", Some(70_000))
        .await
        .expect("failed once");
    // A held letter whose sender died is taken again once the hold ends; this one is due at
    // 70 000.
    assert!(
        store
            .claim_mail(69_999, 130_000)
            .await
            .expect("claim")
            .is_none()
    );
    let again = store
        .claim_mail(70_000, 130_000)
        .await
        .expect("claim")
        .expect("due");
    assert_eq!((again.id, again.tries), (second.id, 2));
    assert_eq!(again.text, "Decisions");
    assert_eq!(again.topics, second.topics);
    store
        .mail_failed(second.id, "mailbox unavailable", None)
        .await
        .expect("given up");
    assert!(
        store
            .claim_mail(999_999, 1_100_000)
            .await
            .expect("claim")
            .is_none()
    );

    let list = store.deliveries(demo::DAN).await.expect("deliveries");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, second.id, "newest first");
    assert_eq!(
        list[0].state,
        DeliveryState::Failed {
            error: "mailbox unavailable".into()
        }
    );
    assert_eq!(list[1].state, DeliveryState::Sent { at_ms: 5_000 });
    assert!(
        store
            .deliveries(demo::MAGGIE)
            .await
            .expect("Maggie's")
            .is_empty()
    );

    // Only the person's own failed letter can be tried again.
    assert!(
        !store
            .retry_mail(demo::MAGGIE, second.id, 80_000)
            .await
            .expect("not hers")
    );
    assert!(
        !store
            .retry_mail(demo::DAN, first.id, 80_000)
            .await
            .expect("already sent")
    );
    assert!(
        store
            .retry_mail(demo::DAN, second.id, 80_000)
            .await
            .expect("again")
    );
    let retried = store
        .claim_mail(80_000, 140_000)
        .await
        .expect("claim")
        .expect("due");
    assert_eq!((retried.id, retried.tries), (second.id, 1));
    other.close().await;
}

/// A record made with `fields` (an id of its own from `n`).
fn create(kind: &str, n: u128, parent: Option<u128>, fields: &[(&str, Value)]) -> RecordOp {
    RecordOp::Create {
        kind: kind.into(),
        id: Uuid::from_u128(n),
        parent: parent.map(Uuid::from_u128),
        topic: None,
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

fn day(text: &str) -> domain::calendar::Date {
    text.parse().expect("date")
}

/// Midday (UTC) of `text`: that day in London, whatever the season.
fn midday(text: &str) -> Value {
    Value::Number(midday_ms(text))
}

fn midday_ms(text: &str) -> i64 {
    day(text).days_since_epoch() * 86_400_000 + 12 * 3_600_000
}

/// Hand-built meetings and who took part, actions, disagreements and advocacy referrals with
/// known answers, as of midday on Friday 4 December 2026: each figure counts a record once its
/// time has come, per service and month of its day, with working days that skip weekends and
/// bank holidays.
async fn the_governance_figures_count_what_was_recorded_per_service_and_month(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::governance::{Count, Figure, Month};
    use domain::records::kinds::{
        ACTIONS, ATTENDANCES, DISAGREEMENTS, FEEDBACK, GOALS, MEASURES, MEETINGS, OBSERVATIONS,
        REFERRALS,
    };
    store::load_demo(store.as_ref()).await.expect("demo");
    let date = |d: &str| Value::Date(day(d));
    let text = |t: &str| Value::Text(t.to_owned());
    let choice = |c: &str| Value::Choice(c.to_owned());
    let meeting = |n: u128, on: &str, more: &[(&str, Value)]| {
        let mut fields = vec![
            ("title", text(&format!("Meeting {n}"))),
            ("starts_at", midday(on)),
        ];
        fields.extend(more.iter().cloned());
        create(MEETINGS, n, None, &fields)
    };
    let answer = |n: u128, meeting: u128, voice: &str, score: i64, on: &str| {
        create(
            FEEDBACK,
            n,
            Some(meeting),
            &[
                ("voice", choice(voice)),
                ("score", Value::Number(score)),
                ("answered_on", date(on)),
            ],
        )
    };
    let goal = |n: u128, status: &str, on: &str| {
        create(
            GOALS,
            n,
            None,
            &[
                ("wording", text(&format!("Goal {n}"))),
                ("status", choice(status)),
                ("status_on", date(on)),
            ],
        )
    };
    let measure = |n: u128, what: &str, baseline: Option<i64>| {
        let mut fields = vec![("measure", choice(what))];
        fields.extend(baseline.map(|b| ("baseline", Value::Number(b))));
        create(MEASURES, n, Some(70), &fields)
    };
    let observed = |n: u128, measure: u128, value: i64, on: &str| {
        create(
            OBSERVATIONS,
            n,
            Some(measure),
            &[
                ("value", Value::Number(value)),
                ("observed_on", date(on)),
                ("voice", choice("staff")),
            ],
        )
    };
    // Maggie, at Riverside.
    let mut maggie = replica(store.as_ref(), 1).await;
    for op in [
        // Summary the Friday after a Friday meeting: in time; agenda 3 days before: in time.
        meeting(
            1,
            "2026-11-06",
            &[
                ("summary_sent_on", date("2026-11-13")),
                ("agenda_sent_on", date("2026-11-03")),
            ],
        ),
        // Summary 6 working days after; agenda 2 days before: both late.
        meeting(
            2,
            "2026-11-09",
            &[
                ("summary_sent_on", date("2026-11-17")),
                ("agenda_sent_on", date("2026-11-07")),
            ],
        ),
        // Its summary not due until Monday 7 December: not counted yet; no agenda: late.
        meeting(3, "2026-11-30", &[]),
        // Cancelled: neither counts.
        meeting(4, "2026-11-16", &[("status", choice("cancelled"))]),
        // Removed: nothing counts.
        meeting(5, "2026-11-18", &[]),
        RecordOp::Delete {
            kind: MEETINGS.into(),
            id: Uuid::from_u128(5),
        },
        // October: summary due Friday 6 November, sent the Saturday after: late.
        meeting(
            6,
            "2026-10-30",
            &[
                ("summary_sent_on", date("2026-11-07")),
                ("agenda_sent_on", date("2026-10-20")),
            ],
        ),
        // Actions: done on the day due; a day late; not done and past due; not due yet.
        create(
            ACTIONS,
            20,
            Some(1),
            &[
                ("what", text("Book the taxi")),
                ("owner", text("Asha")),
                ("due_on", date("2026-11-10")),
                ("done_on", date("2026-11-10")),
            ],
        ),
        create(
            ACTIONS,
            21,
            Some(1),
            &[
                ("what", text("Ring the GP")),
                ("owner", text("Asha")),
                ("due_on", date("2026-11-12")),
                ("done_on", date("2026-11-13")),
            ],
        ),
        create(
            ACTIONS,
            22,
            Some(2),
            &[
                ("what", text("Find a class")),
                ("owner", text("Ruth")),
                ("due_on", date("2026-11-20")),
            ],
        ),
        create(
            ACTIONS,
            23,
            Some(2),
            &[
                ("what", text("Try the bus")),
                ("owner", text("Ruth")),
                ("due_on", date("2026-11-27")),
                ("done_on", date("2026-11-24")),
            ],
        ),
        create(
            ACTIONS,
            24,
            Some(3),
            &[
                ("what", text("Later")),
                ("owner", text("Ruth")),
                ("due_on", date("2026-12-10")),
            ],
        ),
        // Disagreements: 20 working days from Monday 2 November end on Monday 30 November.
        create(
            DISAGREEMENTS,
            30,
            None,
            &[
                ("about", text("Evenings")),
                ("raised_on", date("2026-11-02")),
                ("resolved_on", date("2026-11-30")),
            ],
        ),
        create(
            DISAGREEMENTS,
            31,
            None,
            &[("about", text("Money")), ("raised_on", date("2026-11-03"))],
        ),
        create(
            DISAGREEMENTS,
            32,
            None,
            &[("about", text("Keys")), ("raised_on", date("2026-11-20"))],
        ),
        // Who took part. Meeting 1: Ruth, family, by video: met. Meeting 2: the advocate
        // invited but not taking part, staff in person, and family removed: not met.
        // Meeting 3 (30 November, passed): family in writing: met. October's: no one.
        create(
            ATTENDANCES,
            50,
            Some(1),
            &[
                ("who", text("Ruth")),
                ("taking_part_as", choice("family")),
                ("how", choice("video")),
            ],
        ),
        create(
            ATTENDANCES,
            51,
            Some(2),
            &[("who", text("Lee")), ("taking_part_as", choice("advocate"))],
        ),
        create(
            ATTENDANCES,
            52,
            Some(2),
            &[
                ("who", text("Asha")),
                ("taking_part_as", choice("staff")),
                ("how", choice("in_person")),
            ],
        ),
        create(
            ATTENDANCES,
            53,
            Some(2),
            &[
                ("who", text("Ruth")),
                ("taking_part_as", choice("family")),
                ("how", choice("phone")),
            ],
        ),
        RecordOp::Delete {
            kind: ATTENDANCES.into(),
            id: Uuid::from_u128(53),
        },
        create(
            ATTENDANCES,
            54,
            Some(3),
            &[
                ("who", text("Ruth")),
                ("taking_part_as", choice("family")),
                ("how", choice("written")),
            ],
        ),
        // Referrals: engaged 48 hours to the minute after (in time); 49 hours after (late);
        // not engaged and 48 hours passed (late); not engaged, arose yesterday: not counted.
        create(
            REFERRALS,
            60,
            None,
            &[
                ("about", text("A move")),
                ("arose_at", midday("2026-11-05")),
                ("engaged_at", midday("2026-11-07")),
            ],
        ),
        create(
            REFERRALS,
            61,
            None,
            &[
                ("about", text("Treatment")),
                ("arose_at", midday("2026-11-10")),
                (
                    "engaged_at",
                    Value::Number(midday_ms("2026-11-12") + 3_600_000),
                ),
            ],
        ),
        create(
            REFERRALS,
            62,
            None,
            &[("about", text("Money")), ("arose_at", midday("2026-11-20"))],
        ),
        create(
            REFERRALS,
            63,
            None,
            &[("about", text("Keys")), ("arose_at", midday("2026-12-03"))],
        ),
        create(
            DISAGREEMENTS,
            33,
            None,
            &[
                ("about", text("Bus")),
                ("raised_on", date("2026-11-02")),
                ("resolved_on", date("2026-12-01")),
            ],
        ),
        // "I feel involved": the person "yes, very much" (met); the circle "a bit" (not met)
        // and "mostly" (met); one removed; one in October.
        answer(100, 1, "person", 5, "2026-11-06"),
        answer(101, 1, "member", 3, "2026-11-06"),
        answer(102, 2, "member", 4, "2026-11-10"),
        answer(103, 2, "person", 1, "2026-11-10"),
        RecordOp::Delete {
            kind: FEEDBACK.into(),
            id: Uuid::from_u128(103),
        },
        answer(104, 6, "person", 2, "2026-10-30"),
        // Goals finished in November: one achieved, one paused; one still worked on; one
        // achieved in October.
        goal(70, "achieved", "2026-11-20"),
        goal(71, "paused", "2026-11-25"),
        goal(72, "active", "2026-11-02"),
        goal(73, "achieved", "2026-10-15"),
        // Counts against their baselines: prompts below (met), equal and above (not met);
        // a ratio stepped down; completions above (met) and equal (not); a measure with no
        // baseline (not counted).
        measure(80, "prompts", Some(5)),
        observed(90, 80, 3, "2026-11-02"),
        observed(91, 80, 5, "2026-11-09"),
        observed(92, 80, 6, "2026-11-16"),
        measure(81, "ratio", Some(2)),
        observed(93, 81, 1, "2026-11-03"),
        measure(82, "completions", Some(1)),
        observed(94, 82, 3, "2026-11-04"),
        observed(95, 82, 1, "2026-11-11"),
        measure(83, "prompts", None),
        observed(96, 83, 0, "2026-11-05"),
    ] {
        maggie.edit(op);
    }
    let acks = store
        .sync_push(demo::MAGGIE, maggie.client, &maggie.push_request())
        .await
        .expect("push");
    assert!(
        acks.iter().all(|a| matches!(a.outcome, Outcome::Applied)),
        "{acks:?}"
    );
    // Dan, at Elm Court: counted for his service, not Maggie's.
    let mut dan = replica(store.as_ref(), 2).await;
    dan.edit(meeting(
        40,
        "2026-11-11",
        &[("summary_sent_on", date("2026-11-11"))],
    ));
    store
        .sync_push(demo::DAN, dan.client, &dan.push_request())
        .await
        .expect("push");

    let today = midday_ms("2026-12-04");
    let november: Month = "2026-11".parse().expect("month");
    let october = november.previous();
    let counts = store
        .governance_counts(
            &[demo::RIVERSIDE, demo::ELM_COURT],
            october,
            november,
            today,
        )
        .await
        .expect("counts");
    let count = |service, month, figure| {
        counts
            .iter()
            .find(|c| c.service == service && c.month == month && c.figure == figure)
            .map(|c| c.count)
            .unwrap_or_default()
    };
    let of = |met, counted| Count { met, counted };
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::Summaries),
        of(1, 2)
    );
    assert_eq!(count(demo::RIVERSIDE, november, Figure::Agendas), of(1, 3));
    assert_eq!(count(demo::RIVERSIDE, november, Figure::Actions), of(2, 4));
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::Disagreements),
        of(1, 3)
    );
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::Participation),
        of(2, 3)
    );
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::Advocates),
        of(1, 3)
    );
    assert_eq!(
        count(demo::RIVERSIDE, october, Figure::Participation),
        of(0, 1)
    );
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::FeltInvolved),
        of(1, 1)
    );
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::CircleFeltInvolved),
        of(1, 2)
    );
    assert_eq!(
        count(demo::RIVERSIDE, october, Figure::FeltInvolved),
        of(0, 1)
    );
    assert_eq!(count(demo::RIVERSIDE, november, Figure::Goals), of(1, 2));
    assert_eq!(count(demo::RIVERSIDE, october, Figure::Goals), of(1, 1));
    assert_eq!(count(demo::RIVERSIDE, november, Figure::Prompts), of(1, 3));
    assert_eq!(count(demo::RIVERSIDE, november, Figure::Ratios), of(1, 1));
    assert_eq!(
        count(demo::RIVERSIDE, november, Figure::Completions),
        of(1, 2)
    );
    assert_eq!(count(demo::RIVERSIDE, october, Figure::Summaries), of(0, 1));
    assert_eq!(count(demo::RIVERSIDE, october, Figure::Agendas), of(1, 1));
    assert_eq!(
        count(demo::ELM_COURT, november, Figure::Summaries),
        of(1, 1)
    );
    assert_eq!(count(demo::ELM_COURT, november, Figure::Agendas), of(0, 1));
    assert_eq!(
        count(demo::ELM_COURT, november, Figure::Participation),
        of(0, 1)
    );
    assert_eq!(
        count(demo::NORTHGATE, november, Figure::Summaries),
        of(0, 0)
    );
    // Only the services asked for.
    let riverside = store
        .governance_counts(&[demo::RIVERSIDE], october, november, today)
        .await
        .expect("counts");
    assert!(riverside.iter().all(|c| c.service == demo::RIVERSIDE));
    assert!(
        store
            .governance_counts(&[], october, november, today)
            .await
            .expect("counts")
            .is_empty()
    );

    // The records behind a figure: by day, each met or not.
    let behind = store
        .governance_records(demo::RIVERSIDE, Figure::Summaries, november, today)
        .await
        .expect("records");
    let rows: Vec<(u128, &str, bool)> = behind
        .iter()
        .map(|c| (c.id.as_u128(), c.person_name.as_str(), c.met))
        .collect();
    assert_eq!(
        rows,
        vec![(1, "Margaret Okafor", true), (2, "Margaret Okafor", false)]
    );
    assert!(behind.iter().all(|c| c.person == demo::MAGGIE));
    let actions = store
        .governance_records(demo::RIVERSIDE, Figure::Actions, november, today)
        .await
        .expect("records");
    assert_eq!(
        actions
            .iter()
            .map(|c| (c.id.as_u128(), c.met))
            .collect::<Vec<_>>(),
        vec![(20, true), (21, false), (22, false), (23, true)]
    );
    assert!(
        store
            .governance_records(demo::ELM_COURT, Figure::Actions, november, today)
            .await
            .expect("records")
            .is_empty()
    );
    let referrals = store
        .governance_records(demo::RIVERSIDE, Figure::Advocates, november, today)
        .await
        .expect("records");
    assert_eq!(
        referrals
            .iter()
            .map(|c| (c.id.as_u128(), c.met))
            .collect::<Vec<_>>(),
        vec![(60, true), (61, false), (62, false)]
    );
    // An answer is listed with its meeting, a count with its measure.
    let answers = store
        .governance_records(demo::RIVERSIDE, Figure::CircleFeltInvolved, november, today)
        .await
        .expect("records");
    assert_eq!(
        answers
            .iter()
            .map(|c| (c.id.as_u128(), c.met))
            .collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
    let prompts = store
        .governance_records(demo::RIVERSIDE, Figure::Prompts, november, today)
        .await
        .expect("records");
    assert_eq!(
        prompts
            .iter()
            .map(|c| (c.id.as_u128(), c.day.to_string(), c.met))
            .collect::<Vec<_>>(),
        vec![
            (80, "2026-11-02".to_owned(), true),
            (80, "2026-11-09".to_owned(), false),
            (80, "2026-11-16".to_owned(), false),
        ]
    );
    // December's referral is counted once its 48 hours pass: midday on 5 December.
    let december = november.next();
    let later = store
        .governance_counts(
            &[demo::RIVERSIDE],
            december,
            december,
            today + 2 * 86_400_000,
        )
        .await
        .expect("counts");
    let advocates = later
        .iter()
        .find(|c| c.figure == Figure::Advocates)
        .map(|c| c.count);
    assert_eq!(advocates, Some(of(0, 1)));
}

/// A settled month's figures are kept once counted (issue 14, item 6), and counted again after
/// every change they are counted from: a record of the month changed, moved to another month
/// or removed; who took part in one of its meetings; a measure's baseline; the person's move to
/// another service; a start. June 2026 has settled by midday on 4 December 2026.
/// Pushes every edit `device` made to Maggie's record (those pushed before are answered again
/// as they were); each must be applied.
async fn push_all(store: &dyn Store, device: &Device) {
    let acks = store
        .sync_push(demo::MAGGIE, device.client, &device.push_request())
        .await
        .expect("push");
    assert!(
        acks.iter().all(|a| matches!(a.outcome, Outcome::Applied)),
        "{acks:?}"
    );
}

/// `service`'s participation, agendas, summaries, actions and prompts (met, counted) in May and
/// June 2026, as of `today`.
async fn kept_figures(
    store: &dyn Store,
    service: domain::ServiceId,
    today: i64,
) -> [[(u64, u64); 2]; 5] {
    use domain::governance::{Figure, Month};
    let june: Month = "2026-06".parse().expect("month");
    let may = june.previous();
    let counts = store
        .governance_counts(&[service], may, june, today)
        .await
        .expect("counts");
    [
        Figure::Participation,
        Figure::Agendas,
        Figure::Summaries,
        Figure::Actions,
        Figure::Prompts,
    ]
    .map(|f| {
        [may, june].map(|m| {
            counts
                .iter()
                .find(|c| c.figure == f && c.month == m)
                .map(|c| (c.count.met, c.count.counted))
                .unwrap_or_default()
        })
    })
}

async fn a_settled_months_kept_figures_are_counted_again_after_any_change_they_are_counted_from(
    store: Arc<dyn Store>,
    url: String,
) {
    use domain::records::kinds::{ACTIONS, ATTENDANCES, GOALS, MEASURES, MEETINGS, OBSERVATIONS};
    store::load_demo(store.as_ref()).await.expect("demo");
    let backend = store.backend();
    let date = |d: &str| Value::Date(day(d));
    let choice = |c: &str| Value::Choice(c.to_owned());
    let set = |kind: &str, n: u128, field: &str, before: Value, after: Value| RecordOp::Set {
        kind: kind.into(),
        id: Uuid::from_u128(n),
        field: field.into(),
        before,
        after,
    };
    let mut maggie = replica(store.as_ref(), 1).await;
    for op in [
        // A meeting on Wednesday 10 June: agenda 5 days before, summary 2 days after.
        create(
            MEETINGS,
            1,
            None,
            &[
                ("title", Value::Text("June review".into())),
                ("starts_at", midday("2026-06-10")),
                ("agenda_sent_on", date("2026-06-05")),
                ("summary_sent_on", date("2026-06-12")),
            ],
        ),
        // Staff took part, no family: participation not met.
        create(
            ATTENDANCES,
            2,
            Some(1),
            &[
                ("who", Value::Text("Asha".into())),
                ("taking_part_as", choice("staff")),
                ("how", choice("in_person")),
            ],
        ),
        // An action done five days late.
        create(
            ACTIONS,
            3,
            Some(1),
            &[
                ("what", Value::Text("Ring the GP".into())),
                ("owner", Value::Text("Asha".into())),
                ("due_on", date("2026-06-20")),
                ("done_on", date("2026-06-25")),
            ],
        ),
        // Prompts counted at 3 against a baseline of 5: fewer.
        create(GOALS, 7, None, &[("wording", Value::Text("Cook".into()))]),
        create(
            MEASURES,
            4,
            Some(7),
            &[
                ("measure", choice("prompts")),
                ("baseline", Value::Number(5)),
            ],
        ),
        create(
            OBSERVATIONS,
            5,
            Some(4),
            &[
                ("value", Value::Number(3)),
                ("observed_on", date("2026-06-15")),
                ("voice", choice("staff")),
            ],
        ),
    ] {
        maggie.edit(op);
    }
    push_all(store.as_ref(), &maggie).await;
    let today = midday_ms("2026-12-04");
    let kept_cells = || async {
        raw_text(
            backend,
            &url,
            "SELECT CAST(COUNT(*) AS TEXT) FROM governance_cells \
             WHERE filled = stamp AND month = $1",
            "2026-06",
        )
        .await
    };
    // [participation, agendas, summaries, actions, prompts] × [May, June].
    let none = (0, 0);
    let mut expected = [
        [none, (0, 1)],
        [none, (1, 1)],
        [none, (1, 1)],
        [none, (0, 1)],
        [none, (1, 1)],
    ];
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        expected
    );
    assert_eq!(kept_cells().await.as_deref(), Some("1"));
    // Read again, from what was kept: a kept count altered behind the store's back shows.
    run_raw(
        backend,
        &url,
        &[(
            "UPDATE governance_cell_counts SET met = 0 WHERE figure = 'agendas' AND month = $1",
            &["2026-06"],
        )],
    )
    .await;
    expected[1][1] = (0, 1);
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        expected
    );
    // A start counts every settled month again.
    store.close().await;
    let store = store::connect(&url).await.expect("start again");
    expected[1][1] = (1, 1);
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        expected
    );

    // The action's done date corrected to before it was due.
    maggie.edit(set(
        ACTIONS,
        3,
        "done_on",
        date("2026-06-25"),
        date("2026-06-18"),
    ));
    // Family took part in the meeting, in writing.
    maggie.edit(create(
        ATTENDANCES,
        6,
        Some(1),
        &[
            ("who", Value::Text("Ruth".into())),
            ("taking_part_as", choice("family")),
            ("how", choice("written")),
        ],
    ));
    // The baseline was 2, not 5: 3 prompts are more.
    maggie.edit(set(
        MEASURES,
        4,
        "baseline",
        Value::Number(5),
        Value::Number(2),
    ));
    push_all(store.as_ref(), &maggie).await;
    expected[0][1] = (1, 1);
    expected[3][1] = (1, 1);
    expected[4][1] = (0, 1);
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        expected
    );

    // The meeting was in May: it and what is counted with it leave June.
    maggie.edit(set(
        MEETINGS,
        1,
        "starts_at",
        midday("2026-06-10"),
        midday("2026-05-13"),
    ));
    // The action removed.
    maggie.edit(RecordOp::Delete {
        kind: ACTIONS.into(),
        id: Uuid::from_u128(3),
    });
    push_all(store.as_ref(), &maggie).await;
    // The agenda (5 June) is now sent after the meeting; the summary (12 June) a month late.
    expected[0] = [(1, 1), none];
    expected[1] = [(0, 1), none];
    expected[2] = [(0, 1), none];
    expected[3] = [none, none];
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        expected
    );

    // Maggie moves to Elm Court: her records count there, no longer at Riverside.
    let event = audit_event(80, Some(demo::MAGGIE), 30, None);
    assert!(
        store
            .move_person(demo::MAGGIE, demo::RIVERSIDE, demo::ELM_COURT, &event)
            .await
            .expect("move")
    );
    assert_eq!(
        kept_figures(store.as_ref(), demo::RIVERSIDE, today).await,
        [[none, none]; 5]
    );
    assert_eq!(
        kept_figures(store.as_ref(), demo::ELM_COURT, today).await,
        expected
    );
    store.close().await;
}

async fn a_grid_score_is_kept_per_service_quarter_and_dimension_and_replaced_when_scored_again(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::governance::grid::{Dimension, ManualScore, Quarter};
    store::load_demo(store.as_ref()).await.expect("demo");
    let q4: Quarter = "2026-Q4".parse().expect("quarter");
    let grace = Some(user_of("grace@circle.example"));
    let score = |dimension, score, evidence: &str, at_ms| ManualScore {
        quarter: q4,
        dimension,
        score,
        evidence: evidence.to_owned(),
        by_name: "Grace Mensah".to_owned(),
        at_ms,
    };
    let first = score(Dimension::Training, 1, "Yearly training for all", 10);
    store
        .set_grid_score(
            demo::RIVERSIDE,
            &first,
            user_of("grace@circle.example"),
            &audit_event(1, None, 10, grace),
        )
        .await
        .expect("scored");
    let again = score(
        Dimension::Training,
        2,
        "And reflective supervision monthly",
        20,
    );
    store
        .set_grid_score(
            demo::RIVERSIDE,
            &again,
            user_of("grace@circle.example"),
            &audit_event(2, None, 20, grace),
        )
        .await
        .expect("scored again");
    let earlier = ManualScore {
        quarter: q4.previous(),
        ..score(Dimension::Outcomes, 0, "Stories only", 5)
    };
    store
        .set_grid_score(
            demo::RIVERSIDE,
            &earlier,
            user_of("grace@circle.example"),
            &audit_event(3, None, 5, grace),
        )
        .await
        .expect("scored");
    // Another service's score of the same quarter stays its own.
    store
        .set_grid_score(
            demo::ELM_COURT,
            &score(Dimension::Training, 0, "Induction only", 30),
            user_of("grace@circle.example"),
            &audit_event(4, None, 30, grace),
        )
        .await
        .expect("scored");
    assert_eq!(
        store
            .grid_scores(demo::RIVERSIDE, &[q4])
            .await
            .expect("scores"),
        vec![again.clone()]
    );
    assert_eq!(
        store
            .grid_scores(demo::RIVERSIDE, &q4.back(2))
            .await
            .expect("scores"),
        vec![earlier, again]
    );
    assert!(
        store
            .grid_scores(demo::NORTHGATE, &q4.back(4))
            .await
            .expect("scores")
            .is_empty()
    );
    assert!(
        store
            .grid_scores(demo::RIVERSIDE, &[])
            .await
            .expect("scores")
            .is_empty()
    );
}

async fn a_case_sampling_draw_is_kept_once_per_service_and_quarter_and_findings_are_replaced(
    store: Arc<dyn Store>,
    _: String,
) {
    use domain::governance::grid::Quarter;
    use domain::governance::sampling::{Draw, Finding, draw};
    store::load_demo(store.as_ref()).await.expect("demo");
    let q4: Quarter = "2026-Q4".parse().expect("quarter");
    let sam = user_of("sam@circle.example");
    let candidates = vec![demo::MAGGIE, PersonId(Uuid::from_u128(0xaa))];
    let first = Draw {
        service: demo::RIVERSIDE,
        quarter: q4,
        seed: u64::MAX - 1,
        drawn: draw(u64::MAX - 1, &candidates),
        candidates: candidates.clone(),
        by_name: "Sam Okoro".to_owned(),
        at_ms: 10,
    };
    let mut event = audit_event(1, None, 10, Some(sam));
    event.service = Some(demo::RIVERSIDE);
    let (kept, made) = store.record_draw(&first, sam, &event).await.expect("drawn");
    assert!(made);
    assert_eq!(kept, first);
    assert!(kept.checks());
    // Drawn again the same quarter (another server, a second click): the first draw stands,
    // and nothing more is audited.
    let second = Draw {
        seed: 5,
        drawn: draw(5, &candidates),
        at_ms: 20,
        ..first.clone()
    };
    let mut event2 = audit_event(2, None, 20, Some(sam));
    event2.service = Some(demo::RIVERSIDE);
    let (kept, made) = store
        .record_draw(&second, sam, &event2)
        .await
        .expect("drawn again");
    assert!(!made);
    assert_eq!(kept, first);
    let earlier = Draw {
        quarter: q4.previous(),
        at_ms: 5,
        ..first.clone()
    };
    store
        .record_draw(&earlier, sam, &audit_event(3, None, 5, Some(sam)))
        .await
        .expect("drawn");
    assert_eq!(
        store.case_draws(demo::RIVERSIDE).await.expect("draws"),
        vec![first.clone(), earlier]
    );
    assert!(
        store
            .case_draws(demo::ELM_COURT)
            .await
            .expect("draws")
            .is_empty()
    );
    let audited = store
        .audit_events(&domain::audit::AuditFilter {
            people: Vec::new(),
            services: vec![demo::RIVERSIDE],
            account_users: Vec::new(),
            user: None,
            from_ms: None,
            to_ms: None,
            limit: 100,
        })
        .await
        .expect("audit");
    assert!(audited.iter().any(|e| e.id == event.id));
    assert!(!audited.iter().any(|e| e.id == Uuid::from_u128(0xe002)));

    let finding = |findings: &str, at_ms| Finding {
        quarter: q4,
        person: demo::MAGGIE,
        findings: findings.to_owned(),
        actions: "Remind the team\nCheck again in March".to_owned(),
        by_name: "Sam Okoro".to_owned(),
        at_ms,
    };
    store
        .set_case_finding(
            demo::RIVERSIDE,
            &finding("Summary sent late once", 30),
            sam,
            &audit_event(4, None, 30, Some(sam)),
        )
        .await
        .expect("found");
    let again = finding("Summary sent late once; the family were not asked", 40);
    store
        .set_case_finding(
            demo::RIVERSIDE,
            &again,
            sam,
            &audit_event(5, None, 40, Some(sam)),
        )
        .await
        .expect("found again");
    assert_eq!(
        store
            .case_findings(demo::RIVERSIDE)
            .await
            .expect("findings"),
        vec![again]
    );
    assert!(
        store
            .case_findings(demo::NORTHGATE)
            .await
            .expect("findings")
            .is_empty()
    );
}
