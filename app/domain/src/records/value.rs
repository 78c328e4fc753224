//! The value of one field of a record.

use serde::{Deserialize, Serialize};

use super::RecordOp;
use crate::calendar::Date;

/// A field's value. Which variants a field takes is declared by its [`super::FieldType`].
/// [`Value`] by another name, for the wire types: the API generator reads a type named
/// `Value` as "any JSON" (serde_json's), and this one has a shape of its own.
pub type FieldValue = Value;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Value {
    /// Not filled in.
    #[default]
    Empty,
    Text(String),
    Flag(bool),
    Number(i64),
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    Date(Date),
    /// One of the choices the field declares, by its key.
    Choice(String),
    /// A short list of texts (strengths, say).
    Texts(Vec<String>),
    /// Long shared text as a Yjs document state, merged character by character.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    Shared(#[serde(with = "crate::notes::base64_bytes")] Vec<u8>),
    /// An edit kept aside (in a conflict: the edit of a record removed meanwhile).
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Edit(Box<RecordOp>),
}

impl Value {
    /// The text of a text or choice value ("" for anything else).
    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(t) | Value::Choice(t) => t,
            _ => "",
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) | Value::Choice(t) => t.is_empty(),
            Value::Texts(items) => items.is_empty(),
            Value::Shared(state) => state.is_empty(),
            _ => false,
        }
    }

    /// Shared text as what it says ("" for anything else, and on a device that has not loaded
    /// the text merger yet: see [`super::shared`]).
    pub fn shared_text(&self) -> String {
        match self {
            Value::Shared(state) => super::shared::text(state),
            _ => String::new(),
        }
    }

    /// The value as words, for the audit trail and for a person comparing two versions.
    pub fn describe(&self) -> String {
        match self {
            Value::Empty => "nothing (left empty)".to_owned(),
            Value::Text(t) if t.is_empty() => "nothing (left empty)".to_owned(),
            Value::Text(t) => format!("“{t}”"),
            Value::Flag(true) => "done".to_owned(),
            Value::Flag(false) => "not done".to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Date(d) => crate::calendar::london_date_label(*d),
            Value::Choice(c) => c.replace('_', " "),
            Value::Texts(items) if items.is_empty() => "nothing (left empty)".to_owned(),
            Value::Texts(items) => items
                .iter()
                .map(|t| format!("“{t}”"))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Shared(_) => "the shared notes".to_owned(),
            Value::Edit(_) => "an edit kept aside".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_from_json_as_what_they_were() {
        let values = [
            Value::Empty,
            Value::Text("My garden".into()),
            Value::Flag(true),
            Value::Number(-3),
            Value::Date("2027-01-14".parse().expect("date")),
            Value::Choice("active".into()),
            Value::Texts(vec!["Drums".into()]),
            Value::Shared(vec![1, 2, 3]),
        ];
        for value in values {
            let json = serde_json::to_string(&value).expect("json");
            assert_eq!(serde_json::from_str::<Value>(&json).expect("parse"), value);
        }
    }

    #[test]
    fn a_value_reads_as_words() {
        assert_eq!(Value::Text("Tea".into()).describe(), "“Tea”");
        assert_eq!(
            Value::Text(String::new()).describe(),
            "nothing (left empty)"
        );
        assert_eq!(Value::Flag(true).describe(), "done");
        assert_eq!(Value::Choice("let_go".into()).describe(), "let go");
    }
}
