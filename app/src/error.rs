//! The error a page or server function can show a person. Opaque on purpose: it says what
//! happened and what to do, never SQL, paths or stack traces (those are logged on the server).

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("We couldn't find that record. The link may be wrong, or it may have been removed.")]
    NotFound,
    #[error(
        "Circle can't reach its database just now. Nothing you have done is lost: please try again in a minute."
    )]
    Unavailable,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("Circle couldn't reach the server ({0}). Check the connection and try again.")]
    Transport(String),
}

impl AppError {
    /// The HTTP status that says the same.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Invalid(_) => 400,
            AppError::Forbidden(_) => 403,
            AppError::Unavailable | AppError::Transport(_) => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::Invalid(format!("The request was not understood: {msg}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<store::StoreError> for AppError {
    fn from(error: store::StoreError) -> Self {
        // The one place a storage failure is logged: the person sees only `Unavailable`.
        tracing::error!(error = %error, "store error");
        AppError::Unavailable
    }
}

impl From<domain::DomainError> for AppError {
    fn from(error: domain::DomainError) -> Self {
        AppError::Invalid(error.to_string())
    }
}

impl From<domain::access::Denied> for AppError {
    fn from(denied: domain::access::Denied) -> Self {
        AppError::Forbidden(denied.to_string())
    }
}
