//! Pieces of screen shared by several pages.

use leptos::prelude::*;

use crate::AppError;

/// The bar at the top of every page, with a skip link for keyboard and screen-reader users.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <img src="/icon.svg" alt="" width="32" height="32" />
                <span>"Circle"</span>
            </a>
        </header>
    }
}

/// A failure, said plainly, with what the person can do about it.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::set_status(match error {
        AppError::NotFound => 404,
        AppError::Invalid(_) => 400,
        AppError::Unavailable | AppError::Transport(_) => 503,
    });
    view! {
        <div class="panel panel-error" role="alert">
            <h2>{match error {
                AppError::NotFound => "Not found",
                _ => "Something went wrong",
            }}</h2>
            <p>{error.to_string()}</p>
            <p><a href="/">"Go to the list of people"</a></p>
        </div>
    }
}
