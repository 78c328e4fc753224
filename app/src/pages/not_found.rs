use leptos::prelude::*;
use leptos_meta::Title;

use crate::{AppError, components::ErrorPanel};

/// Any URL Circle does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found" />
        <h1>"Page not found"</h1>
        <ErrorPanel error=AppError::NotFound />
    }
}
