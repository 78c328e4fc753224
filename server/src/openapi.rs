//! `/api/openapi.json`, generated: the routes from their annotations in `sync.rs`, the request
//! and response shapes from the domain's wire types (`utoipa`), and the kinds of record from
//! the catalog the server runs with. A new op, field or kind appears here with no one editing
//! JSON; a test compares the document with everything the domain declares.

use domain::records::kinds::{
    Catalog, Default as FieldDefault, FieldType, Merge, TopicRule, VOICES,
};
use serde_json::{Value as Json, json};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Circle sync API",
        version = "2",
        description = "How devices exchange edits to a person's record. A person's record is a set of records (see `Kind` for the kinds, their topics and fields); every edit is a mutation numbered per device, and the server gives each exactly one outcome (applied, merged, conflict or rejected) and keeps a numbered log that devices pull from their cursor. A device only ever receives records of topics its user may read. Errors are JSON objects with an `error` message written for people."
    ),
    paths(crate::sync::push, crate::sync::pull, crate::sync::live),
    components(schemas(
        domain::records::authority::PushRequest,
        domain::records::authority::PushResponse,
        domain::records::pull::PullRequest,
        domain::records::pull::PullResponse,
        domain::records::RecordOp,
        domain::records::Record,
        domain::records::FieldValue,
        domain::records::Outcome,
        ApiError
    ))
)]
struct ApiDoc;

/// What every refused request answers: a message for people.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, reason = "describes the JSON that `SyncError` writes")]
pub(crate) struct ApiError {
    /// Written to be shown as it is.
    error: String,
}

/// The document, with the kinds of `catalog` (made once, at start).
pub fn document(catalog: &Catalog) -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Json::as_object_mut)
    {
        schemas.insert("Kind".to_owned(), kinds(catalog));
    }
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned())
}

/// `Kind`: the name of a kind of record, one of the catalog's, each described with its topic
/// and fields (`x-fields`).
fn kinds(catalog: &Catalog) -> Json {
    let one_of: Vec<Json> = catalog
        .kinds()
        .map(|kind| {
            let topic = match kind.topic {
                TopicRule::Fixed(topic) => json!({ "fixed": topic.key() }),
                TopicRule::Chosen { default, allowed } => json!({
                    "chosen": allowed.iter().map(|t| t.key()).collect::<Vec<_>>(),
                    "default": default.key(),
                }),
                TopicRule::OfParent => json!("of_parent"),
            };
            let fields: Vec<Json> = kind
                .fields
                .iter()
                .map(|f| {
                    json!({
                        "name": f.name,
                        "label": f.label,
                        "type": field_type(f.ty),
                        "merge": match f.merge {
                            Merge::Words => "words",
                            Merge::Characters => "characters",
                            Merge::Once => "once",
                        },
                        "required": f.required,
                        "default": match f.default {
                            FieldDefault::Empty => json!(null),
                            FieldDefault::Flag(b) => json!(b),
                            FieldDefault::Choice(c) => json!(c),
                        },
                        "reported": f.report,
                    })
                })
                .collect();
            json!({
                "const": kind.name,
                "title": kind.title,
                "x-topic": topic,
                "x-parent": kind.parent,
                "x-singleton": kind.singleton,
                "x-system": kind.system,
                "x-fields": fields,
            })
        })
        .collect();
    json!({
        "type": "string",
        "description": "A kind of record. Fields merge by their rule: `words` in server order with a conflict kept for a person to settle, `characters` merged character by character, `once` set when made and never changed.",
        "oneOf": one_of,
    })
}

fn field_type(ty: FieldType) -> Json {
    match ty {
        FieldType::Text { max } => json!({ "text": { "max": max } }),
        FieldType::Flag => json!("flag"),
        FieldType::Number { min, max } => json!({ "number": { "min": min, "max": max } }),
        FieldType::Date => json!("date"),
        FieldType::Moment => json!("moment"),
        FieldType::Choice(choices) => {
            json!({ "choice": choices.iter().map(|(key, _)| key).collect::<Vec<_>>() })
        }
        FieldType::Choices(choices) => {
            json!({ "choices": choices.iter().map(|(key, _)| key).collect::<Vec<_>>() })
        }
        FieldType::Texts { items, max } => json!({ "texts": { "items": items, "max": max } }),
        FieldType::Shared => json!("shared"),
        FieldType::Voice => {
            json!({ "voice": VOICES.iter().map(|(key, _)| key).collect::<Vec<_>>() })
        }
    }
}
