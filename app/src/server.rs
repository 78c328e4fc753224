//! What server functions get from the server, through Leptos context.

use std::sync::Arc;

use leptos::prelude::use_context;
use store::Store;

use crate::AppError;

/// The services the server provides to every request.
#[derive(Clone)]
pub struct AppServices {
    pub store: Arc<dyn Store>,
}

/// The store of the running server.
pub fn store() -> Result<Arc<dyn Store>, AppError> {
    use_context::<AppServices>()
        .map(|services| services.store)
        .ok_or_else(|| {
            tracing::error!("AppServices missing from the Leptos context");
            AppError::Unavailable
        })
}

/// Sets the HTTP status of the page being rendered (e.g. 404 for an unknown person).
pub fn set_status(status: u16) {
    if let (Some(options), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
}
