//! `/sign-in`: email and password. The form posts to `/auth/sign-in` (works with JavaScript
//! off); the answer comes back here as a query parameter.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorSummary, Problem};

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.with_untracked(|q| q.get(key));
    let next = get("next").unwrap_or_else(|| "/".to_owned());
    let failed = get("failed").is_some();
    let problems = if failed {
        vec![Problem {
            field: "email",
            message: "That email and password don't match an account. Check both and try again."
                .to_owned(),
        }]
    } else {
        Vec::new()
    };
    let message = if let Some(wait) = get("wait") {
        let seconds: u64 = wait.parse().unwrap_or(60);
        Some((
            "panel panel-error",
            "alert",
            format!(
                "Too many tries. To keep accounts safe, wait {} before trying again.",
                if seconds >= 90 {
                    format!("{} minutes", seconds.div_ceil(60))
                } else {
                    format!("{seconds} seconds")
                }
            ),
        ))
    } else if get("signed_out").as_deref() == Some("all") {
        Some(("panel", "status", "You're signed out on every device. Each device removed Circle's copy of the records the next time it was used.".to_owned()))
    } else if get("signed_out").is_some() {
        Some((
            "panel",
            "status",
            "You're signed out. This device no longer holds anyone's records.".to_owned(),
        ))
    } else {
        None
    };
    let invalid = failed.then_some("true");
    view! {
        <Title text="Sign in" />
        <h1>"Sign in to Circle"</h1>
        <ErrorSummary problems />
        {message.map(|(class, role, text)| view! { <div class=class role=role><p>{text}</p></div> })}
        <form class="panel sign-in" method="post" action="/auth/sign-in">
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username"
                    spellcheck="false" required aria-invalid=invalid />
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    required aria-invalid=invalid />
            </div>
            <button type="submit">"Sign in"</button>
        </form>
        <p class="hint">
            "Family members, friends and advocates join through the invitation link they were sent. If you have lost yours, ask the person or their key worker for a new one."
        </p>
    }
}
