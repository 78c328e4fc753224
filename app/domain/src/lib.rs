//! Circle's pure core.
//!
//! This crate knows nothing of the network, the database, the browser or the clock: every
//! function here takes what it needs as arguments and returns a value. The layers above (the
//! Leptos app, the server, the store) depend on it; it depends on none of them. That rule is
//! what lets the same code run on a phone with no signal and on the server, and what keeps the
//! tests of the rules fast.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod easy_read;
pub mod governance;
pub mod involvement;
pub mod mail;
pub mod notes;
pub mod outcomes;
pub mod people;
pub mod plan;
pub mod records;
pub mod reviews;
pub mod screens;
pub mod service;
pub mod sync;

pub use people::{AboutMe, Person, PersonId, PersonSummary, Pronouns};
pub use service::{Service, ServiceId, ServiceKind};

/// Everything needed to bring a database to a known state in one go (the demo dataset, an
/// import from another provider). Written atomically by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub services: Vec<Service>,
    pub people: Vec<Person>,
}

/// A rule of the domain was broken by the input. The message is written for the person who
/// typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum DomainError {
    #[error("{field} can't be empty")]
    Empty { field: &'static str },
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error(
        "{field} holds an invisible control character Circle can't keep (it may have come from copying and pasting): type it again"
    )]
    ControlCharacter { field: &'static str },
    #[error("{field} must be a real date, written year-month-day (for example 1948-03-21)")]
    NotADate { field: &'static str },
    #[error("{field} can't be in the future")]
    InTheFuture { field: &'static str },
    #[error("{field} is more than {years} years ago: check the year")]
    TooLongAgo { field: &'static str, years: i32 },
}

/// Trims `value` and checks it is present and not over `max` characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::Empty { field });
    }
    optional_text(field, value, max).map(|v| v.unwrap_or_default())
}

/// Trims `value`; blank becomes `None`; over `max` characters is an error, and so is a control
/// character other than a tab or a line break (a NUL, say: PostgreSQL cannot store one, so
/// neither database is given one).
pub fn optional_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    if has_control_character(value) {
        return Err(DomainError::ControlCharacter { field });
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// Whether `text` holds a control character other than tab, line feed or carriage return.
pub fn has_control_character(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_must_not_be_blank() {
        assert_eq!(required_text("Name", "  Dan ", 10), Ok("Dan".into()));
        assert_eq!(
            required_text("Name", "   ", 10),
            Err(DomainError::Empty { field: "Name" })
        );
    }

    #[test]
    fn text_length_is_counted_in_characters_not_bytes() {
        assert!(optional_text("Name", "Zoë", 3).is_ok());
        assert_eq!(
            optional_text("Name", "Zoëy", 3),
            Err(DomainError::TooLong {
                field: "Name",
                max: 3
            })
        );
    }

    #[test]
    fn text_with_a_nul_or_other_control_character_is_refused_but_line_breaks_are_kept() {
        assert_eq!(
            optional_text("A goal", "Walk\0 to the shop", 100),
            Err(DomainError::ControlCharacter { field: "A goal" })
        );
        assert_eq!(
            required_text("A goal", "Bell \u{7} rings", 100),
            Err(DomainError::ControlCharacter { field: "A goal" })
        );
        assert_eq!(
            optional_text("About me", "Line one\r\nLine two\twith a tab", 100),
            Ok(Some("Line one\r\nLine two\twith a tab".into()))
        );
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(optional_text("Pronouns", "  ", 10), Ok(None));
    }
}
