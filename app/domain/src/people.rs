//! The person supported and their one-page profile ("About me").
//!
//! Strengths-based practice starts from what the person can do and what matters to them, so
//! every view of a person leads with their strengths: [`PersonSummary`] carries them first and
//! [`AboutMe::sections`] lists them before anything else.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{DomainError, ServiceId, optional_text, required_text};

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
        })
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
