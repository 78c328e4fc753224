//! `/invitations/:token`: someone invited into a person's circle sets their password. The form
//! posts to `/auth/invitations/:token`; problems come back as `?problem=`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let problem = use_query_map().with_untracked(|q| q.get("problem"));
    let message = problem.as_deref().map(|p| match p {
        "used" => "This invitation has already been used. Sign in instead, or ask for a new one.",
        "expired" => "This invitation has expired. Ask the person who invited you, or their key worker, for a new one.",
        "ended" => "This link no longer works: the account already has a password, or a newer link was used. Sign in instead.",
        "unknown" => "This invitation link isn't one Circle sent. Check you copied all of it.",
        "mismatch" => "The two passwords are different. Type the same password twice.",
        "length" => "Choose a password of at least 10 characters. A few words together work well.",
        "wait" => "Too many tries from here. Wait a few minutes and try again.",
        _ => "Something went wrong. Try again.",
    });
    view! {
        <Title text="Join a circle" />
        <h1>"Join a circle on Circle"</h1>
        <p>"You've been invited to help plan someone's care with them. Choose a password to finish joining. You'll see only what they choose to share with you."</p>
        {message.map(|m| view! { <div class="panel panel-error" role="alert"><p>{m}</p></div> })}
        <form class="panel sign-in" method="post" action=format!("/auth/invitations/{token}")>
            <p>
                <label for="password">"Choose a password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required />
            </p>
            <p>
                <label for="again">"Type it again"</label>
                <input id="again" name="again" type="password" autocomplete="new-password" minlength="10" required />
            </p>
            <p><button type="submit">"Join"</button></p>
        </form>
    }
}
