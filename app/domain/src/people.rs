//! The person supported and their one-page profile ("About me").
//!
//! Strengths-based practice starts from what the person can do and what matters to them, so
//! every view of a person leads with their strengths: [`PersonSummary`] carries them first and
//! [`AboutMe::sections`] lists them before anything else.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Actor, StaffRole};
use crate::calendar::Date;
use crate::{DomainError, ServiceId, optional_text, required_text};

pub mod import;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonId(pub Uuid);

impl std::fmt::Display for PersonId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for PersonId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(PersonId)
    }
}

/// Free text, as the person said it. Kept as written: never rephrased by the software.
pub type Pronouns = String;

pub const NAME_MAX: usize = 120;
pub const PRONOUNS_MAX: usize = 40;
pub const ABOUT_ME_TEXT_MAX: usize = 4_000;
pub const STRENGTH_MAX: usize = 200;
/// A date of birth further back than this many years is a typing mistake, not a person.
pub const DATE_OF_BIRTH_MAX_YEARS: i32 = 130;

/// The one-page profile, in the person's own words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AboutMe {
    /// My strengths, abilities and what I'm good at. Always shown first.
    pub strengths: Vec<String>,
    /// What people like and admire about me.
    pub admired_for: String,
    /// What matters to me.
    pub matters_to_me: String,
    /// How best to support me.
    pub how_to_support_me: String,
    /// My hobbies and interests.
    pub hobbies: String,
    /// My wishes for the future.
    pub wishes: String,
}

/// One titled part of the profile, in the order a person should read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSection<'a> {
    pub title: &'static str,
    pub text: &'a str,
}

impl AboutMe {
    /// The written sections after the strengths, in reading order, skipping empty ones.
    pub fn sections(&self) -> Vec<ProfileSection<'_>> {
        [
            ("What people like and admire about me", &self.admired_for),
            ("What matters to me", &self.matters_to_me),
            ("How best to support me", &self.how_to_support_me),
            ("My hobbies and interests", &self.hobbies),
            ("My wishes", &self.wishes),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(title, text)| ProfileSection { title, text })
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub service_id: ServiceId,
    /// Full name, as on their records.
    pub name: String,
    /// What they like to be called. Shown wherever they are named, when set.
    pub preferred_name: Option<String>,
    pub pronouns: Option<Pronouns>,
    pub about_me: AboutMe,
    /// When it is known: a real day, never in the future.
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// When their support ended (milliseconds since 1970-01-01 UTC). Their record is kept, to
    /// read, and nothing more is written to it; they leave the lists of people.
    #[serde(default)]
    pub support_ended_ms: Option<i64>,
}

impl Person {
    /// Builds a person from form input, checking the rules every record must keep.
    pub fn new(
        id: PersonId,
        service_id: ServiceId,
        name: &str,
        preferred_name: &str,
        pronouns: &str,
        about_me: AboutMe,
    ) -> Result<Self, DomainError> {
        let strengths = about_me
            .strengths
            .iter()
            .filter_map(|s| optional_text("A strength", s, STRENGTH_MAX).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        for (field, text) in [
            ("What people like and admire", &about_me.admired_for),
            ("What matters to me", &about_me.matters_to_me),
            ("How best to support me", &about_me.how_to_support_me),
            ("Hobbies and interests", &about_me.hobbies),
            ("Wishes", &about_me.wishes),
        ] {
            optional_text(field, text, ABOUT_ME_TEXT_MAX)?;
        }
        Ok(Person {
            id,
            service_id,
            name: required_text("Name", name, NAME_MAX)?,
            preferred_name: optional_text("Preferred name", preferred_name, NAME_MAX)?,
            pronouns: optional_text("Pronouns", pronouns, PRONOUNS_MAX)?,
            about_me: AboutMe {
                strengths,
                ..about_me
            },
            date_of_birth: None,
            support_ended_ms: None,
        })
    }

    /// Whether their support has ended (the record is then read only).
    pub fn has_ended(&self) -> bool {
        self.support_ended_ms.is_some()
    }

    /// "Support ended on Mon 3 Mar 2025", in UK time, once it has.
    pub fn ended_note(&self) -> Option<String> {
        self.support_ended_ms.map(ended_note)
    }

    /// The name to greet them by: their preferred name when they have one.
    pub fn display_name(&self) -> &str {
        self.preferred_name.as_deref().unwrap_or(&self.name)
    }

    pub fn summary(&self, service_name: &str) -> PersonSummary {
        PersonSummary {
            id: self.id,
            display_name: self.display_name().to_owned(),
            full_name: self.name.clone(),
            pronouns: self.pronouns.clone(),
            strengths: self.about_me.strengths.clone(),
            service_id: self.service_id,
            service_name: service_name.to_owned(),
        }
    }
}

/// "Support ended on Mon 3 Mar 2025": the day, in UK time, support ended at `ended_ms`.
pub fn ended_note(ended_ms: i64) -> String {
    match Date::of_ms_in_london(ended_ms) {
        Some(day) => format!(
            "Support ended on {}",
            crate::calendar::london_date_label(day)
        ),
        None => "Support ended".to_owned(),
    }
}

/// Why an edit of the record of someone whose support ended is refused, for whoever made it.
pub fn ended_refusal(ended_ms: i64) -> String {
    format!(
        "{}: the record is kept to read, and nothing more can be written to it. This edit was not saved; its words are kept here.",
        ended_note(ended_ms)
    )
}

/// A date of birth as typed (`yyyy-mm-dd`, as a date input sends it): blank is none; otherwise
/// a real day, not after `today` and not more than [`DATE_OF_BIRTH_MAX_YEARS`] before it.
pub fn date_of_birth(text: &str, today: Date) -> Result<Option<Date>, DomainError> {
    const FIELD: &str = "Date of birth";
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date: Date = text
        .parse()
        .map_err(|_| DomainError::NotADate { field: FIELD })?;
    if date > today {
        return Err(DomainError::InTheFuture { field: FIELD });
    }
    if today.year() - date.year() > DATE_OF_BIRTH_MAX_YEARS {
        return Err(DomainError::TooLongAgo {
            field: FIELD,
            years: DATE_OF_BIRTH_MAX_YEARS,
        });
    }
    Ok(Some(date))
}

/// Someone new, as staff typed them: the fields of the "Add a person" form, or a row of a CSV
/// file. Checked by [`NewPerson::check`] before anything is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPerson {
    pub name: String,
    pub preferred_name: String,
    pub pronouns: String,
    /// `yyyy-mm-dd`, or blank.
    pub date_of_birth: String,
}

impl NewPerson {
    /// Every rule the input breaks, each with the form field it concerns (`name`,
    /// `preferred_name`, `pronouns`, `date_of_birth`), in the order of the form: a form sent
    /// back names all of them at once.
    pub fn problems(&self, today: Date) -> Vec<(&'static str, DomainError)> {
        [
            ("name", required_text("Name", &self.name, NAME_MAX).err()),
            (
                "preferred_name",
                optional_text("Preferred name", &self.preferred_name, NAME_MAX).err(),
            ),
            (
                "pronouns",
                optional_text("Pronouns", &self.pronouns, PRONOUNS_MAX).err(),
            ),
            (
                "date_of_birth",
                date_of_birth(&self.date_of_birth, today).err(),
            ),
        ]
        .into_iter()
        .filter_map(|(field, error)| error.map(|e| (field, e)))
        .collect()
    }

    /// The person to store, supported by `service`, with an empty About me and no records yet
    /// (their plan starts empty); or the first rule the input breaks. `today` is the UK date
    /// now, for the date of birth.
    pub fn check(
        &self,
        id: PersonId,
        service: ServiceId,
        today: Date,
    ) -> Result<Person, DomainError> {
        let mut person = Person::new(
            id,
            service,
            &self.name,
            &self.preferred_name,
            &self.pronouns,
            AboutMe::default(),
        )?;
        person.date_of_birth = date_of_birth(&self.date_of_birth, today)?;
        Ok(person)
    }
}

/// The services `actor` may add someone to: those where they are care staff (key worker,
/// registered manager, nominated individual). An administrator runs a service's accounts and
/// holds no care records, so does not add people to it.
pub fn services_to_add_to(actor: &Actor) -> Vec<ServiceId> {
    let mut services: Vec<ServiceId> = actor
        .staff
        .iter()
        .filter(|(_, role)| *role != StaffRole::Admin)
        .map(|(s, _)| *s)
        .collect();
    services.sort();
    services.dedup();
    services
}

/// Whether `actor` may move `person` to another service or end their support: a registered
/// manager or nominated individual of the service supporting them now, while it still does.
pub fn may_manage_support(actor: &Actor, person: &Person) -> bool {
    !person.has_ended() && crate::access::managed_services(actor).contains(&person.service_id)
}

/// The services `actor` may move `person` to. A move hands the record to other staff, so the
/// manager answers for both ends: they must manage the service the person leaves and the one
/// they join (a manager of one service cannot hand someone to a service they don't run; the
/// nominated individual, who usually manages every service, can move anyone between them).
pub fn move_targets(actor: &Actor, person: &Person) -> Vec<ServiceId> {
    if !may_manage_support(actor, person) {
        return Vec::new();
    }
    crate::access::managed_services(actor)
        .into_iter()
        .filter(|s| *s != person.service_id)
        .collect()
}

/// What a list of people shows of each: strengths first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub display_name: String,
    pub full_name: String,
    pub pronouns: Option<Pronouns>,
    pub strengths: Vec<String>,
    pub service_id: ServiceId,
    pub service_name: String,
}

impl PersonSummary {
    /// Whether the person matches what was typed into "Find a person": every word of the query
    /// must appear, ignoring case, in their names, strengths or service.
    pub fn matches(&self, query: &str) -> bool {
        let haystack = [
            self.display_name.as_str(),
            self.full_name.as_str(),
            self.service_name.as_str(),
        ]
        .into_iter()
        .chain(self.strengths.iter().map(String::as_str))
        .map(str::to_lowercase)
        .collect::<Vec<_>>();
        query
            .split_whitespace()
            .map(str::to_lowercase)
            .all(|word| haystack.iter().any(|field| field.contains(&word)))
    }
}

/// The people matching `query`, in the order given. A blank query matches everyone.
pub fn filter_people<'a>(people: &'a [PersonSummary], query: &str) -> Vec<&'a PersonSummary> {
    people.iter().filter(|p| p.matches(query)).collect()
}

/// Sorts people the way lists show them: by the name they are called, ignoring case.
pub fn sort_for_display(people: &mut [PersonSummary]) {
    people.sort_by_cached_key(|p| (p.display_name.to_lowercase(), p.full_name.to_lowercase()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(name: &str, preferred: &str, strengths: &[&str]) -> Person {
        Person::new(
            PersonId(Uuid::from_u128(1)),
            ServiceId(Uuid::from_u128(2)),
            name,
            preferred,
            "",
            AboutMe {
                strengths: strengths.iter().map(|s| s.to_string()).collect(),
                ..AboutMe::default()
            },
        )
        .expect("valid person")
    }

    #[test]
    fn a_person_is_called_by_their_preferred_name_when_they_have_one() {
        assert_eq!(
            person("Margaret Okafor", "Maggie", &[]).display_name(),
            "Maggie"
        );
        assert_eq!(
            person("Daniel Price", "", &[]).display_name(),
            "Daniel Price"
        );
    }

    #[test]
    fn blank_strengths_are_dropped_and_the_rest_kept_in_order() {
        let p = person("A", "", &["Determined", "  ", "Kind "]);
        assert_eq!(p.about_me.strengths, vec!["Determined", "Kind"]);
    }

    #[test]
    fn a_person_needs_a_name() {
        let err = Person::new(
            PersonId(Uuid::nil()),
            ServiceId(Uuid::nil()),
            "  ",
            "",
            "",
            AboutMe::default(),
        );
        assert_eq!(err, Err(DomainError::Empty { field: "Name" }));
    }

    #[test]
    fn finding_a_person_matches_names_and_strengths_ignoring_case() {
        let maggie = person(
            "Margaret Okafor",
            "Maggie",
            &["Kept a garden for forty years"],
        );
        let s = maggie.summary("Riverside Reablement");
        assert!(s.matches("maggie"));
        assert!(s.matches("OKAFOR"));
        assert!(s.matches("garden"));
        assert!(s.matches("riverside garden"));
        assert!(!s.matches("garden drums"));
    }

    #[test]
    fn sections_skip_what_the_person_has_not_written() {
        let about = AboutMe {
            matters_to_me: "My cat, Biscuit".into(),
            ..AboutMe::default()
        };
        let sections = about.sections();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].title, "What matters to me");
    }

    #[test]
    fn people_are_listed_by_the_name_they_are_called() {
        let mut people = vec![
            person("Zed Adams", "", &[]).summary("S"),
            person("Margaret Okafor", "maggie", &[]).summary("S"),
            person("Daniel Price", "Dan", &[]).summary("S"),
        ];
        sort_for_display(&mut people);
        let names: Vec<_> = people.iter().map(|p| p.display_name.as_str()).collect();
        assert_eq!(names, ["Dan", "maggie", "Zed Adams"]);
    }

    fn day(text: &str) -> Date {
        text.parse().expect("a real day")
    }

    fn fields(name: &str, date_of_birth: &str) -> NewPerson {
        NewPerson {
            name: name.into(),
            date_of_birth: date_of_birth.into(),
            ..NewPerson::default()
        }
    }

    #[test]
    fn someone_new_starts_with_an_empty_about_me_and_their_date_of_birth() {
        let p = NewPerson {
            name: " Sam Lee ".into(),
            preferred_name: "Sam".into(),
            pronouns: "they/them".into(),
            date_of_birth: "1990-06-30".into(),
        }
        .check(
            PersonId(Uuid::from_u128(1)),
            ServiceId(Uuid::from_u128(2)),
            day("2026-05-01"),
        )
        .expect("valid");
        assert_eq!(p.name, "Sam Lee");
        assert_eq!(p.date_of_birth, Some(day("1990-06-30")));
        assert_eq!(p.about_me, AboutMe::default());
        assert_eq!(p.support_ended_ms, None);
    }

    #[test]
    fn a_date_of_birth_is_a_real_day_not_in_the_future_nor_before_anyone_living() {
        let today = day("2026-05-01");
        assert_eq!(date_of_birth("  ", today), Ok(None));
        assert_eq!(date_of_birth("2026-05-01", today), Ok(Some(today)));
        let field = "Date of birth";
        assert_eq!(
            date_of_birth("2026-05-02", today),
            Err(DomainError::InTheFuture { field })
        );
        assert_eq!(
            date_of_birth("1990-02-30", today),
            Err(DomainError::NotADate { field })
        );
        assert_eq!(
            date_of_birth("21/03/1948", today),
            Err(DomainError::NotADate { field })
        );
        assert_eq!(
            date_of_birth("1895-01-01", today),
            Err(DomainError::TooLongAgo { field, years: 130 })
        );
        let id = PersonId(Uuid::nil());
        let service = ServiceId(Uuid::nil());
        assert_eq!(
            fields("Sam", "3000-01-01").check(id, service, today),
            Err(DomainError::InTheFuture { field })
        );
        assert_eq!(
            fields("Sam\u{1b}[31m", "").check(id, service, today),
            Err(DomainError::ControlCharacter { field: "Name" })
        );
        let all = NewPerson {
            pronouns: "p".repeat(PRONOUNS_MAX + 1),
            ..fields(" ", "tomorrow")
        };
        let fields_named: Vec<&str> = all.problems(today).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields_named, ["name", "pronouns", "date_of_birth"]);
        assert!(fields("Sam", "").problems(today).is_empty());
    }

    fn actor(staff: &[(u128, StaffRole)]) -> Actor {
        Actor {
            user: crate::access::UserId(Uuid::from_u128(99)),
            name: "Asha".into(),
            staff: staff
                .iter()
                .map(|(s, r)| (ServiceId(Uuid::from_u128(*s)), *r))
                .collect(),
            circles: Vec::new(),
        }
    }

    #[test]
    fn care_staff_add_people_to_their_services_and_administrators_do_not() {
        let a = actor(&[
            (1, StaffRole::KeyWorker),
            (2, StaffRole::Admin),
            (3, StaffRole::RegisteredManager),
        ]);
        assert_eq!(
            services_to_add_to(&a),
            [ServiceId(Uuid::from_u128(1)), ServiceId(Uuid::from_u128(3))]
        );
    }

    #[test]
    fn only_a_manager_of_both_services_moves_someone_and_nobody_once_support_ended() {
        let mut p = person("Sam Lee", "", &[]);
        p.service_id = ServiceId(Uuid::from_u128(1));
        let key_worker = actor(&[(1, StaffRole::KeyWorker), (2, StaffRole::KeyWorker)]);
        assert!(!may_manage_support(&key_worker, &p));
        assert!(move_targets(&key_worker, &p).is_empty());
        let elsewhere = actor(&[(2, StaffRole::RegisteredManager)]);
        assert!(!may_manage_support(&elsewhere, &p));
        let manager = actor(&[
            (1, StaffRole::RegisteredManager),
            (2, StaffRole::KeyWorker),
            (3, StaffRole::NominatedIndividual),
        ]);
        assert!(may_manage_support(&manager, &p));
        assert_eq!(move_targets(&manager, &p), [ServiceId(Uuid::from_u128(3))]);
        p.support_ended_ms = Some(1);
        assert!(!may_manage_support(&manager, &p));
        assert!(move_targets(&manager, &p).is_empty());
    }

    #[test]
    fn the_end_of_support_is_told_as_a_uk_date() {
        // 2026-03-28 23:30 UTC: still the 28th in London (GMT until 29 March, 01:00).
        assert_eq!(
            ended_note(1_774_740_600_000),
            "Support ended on Sat 28 Mar 2026"
        );
        // 2026-06-30 23:30 UTC is 1 July in London (BST).
        assert_eq!(
            ended_note(1_782_862_200_000),
            "Support ended on Wed 1 Jul 2026"
        );
        assert!(ended_refusal(1_782_862_200_000).starts_with("Support ended on Wed 1 Jul 2026: "));
    }

    proptest! {
        #[test]
        fn a_blank_query_matches_everyone(name in "[a-zA-Z ]{1,20}", blank in "[ \t]{0,4}") {
            prop_assume!(!name.trim().is_empty());
            let s = person(&name, "", &[]).summary("Service");
            prop_assert!(s.matches(&blank));
        }

        #[test]
        fn any_word_of_a_persons_name_finds_them(first in "[a-zA-Z]{1,12}", last in "[a-zA-Z]{1,12}") {
            let s = person(&format!("{first} {last}"), "", &[]).summary("Service");
            prop_assert!(s.matches(&first.to_uppercase()));
            prop_assert!(s.matches(&last.to_lowercase()));
        }
    }
}
