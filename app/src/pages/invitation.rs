//! `/invitations/:token`: someone invited into a person's circle sets their password. The form
//! posts to `/auth/invitations/:token`; problems come back as `?problem=`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorSummary, Problem};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let problem = use_query_map().with_untracked(|q| q.get("problem"));
    // Which field each problem is about, for the summary's link to it.
    let problems: Vec<Problem> = problem
        .as_deref()
        .map(|p| Problem {
            field: if p == "mismatch" { "again" } else { "password" },
            message: match p {
                "used" => "This invitation has already been used. Sign in instead, or ask for a new one.",
                "expired" => "This invitation has expired. Ask the person who invited you, or their key worker, for a new one.",
                "ended" => "This link no longer works: the account already has a password, or a newer link was used. Sign in instead.",
                "unknown" => "This invitation link isn't one Circle sent. Check you copied all of it.",
                "mismatch" => "The two passwords are different. Type the same password twice.",
                "length" => "Choose a password of at least 10 characters. A few words together work well.",
                "wait" => "Too many tries from here. Wait a few minutes and try again.",
                _ => "Something went wrong. Try again.",
            }
            .to_owned(),
        })
        .into_iter()
        .collect();
    let invalid = |field: &str| problems.iter().any(|p| p.field == field).then_some("true");
    let (password_invalid, again_invalid) = (invalid("password"), invalid("again"));
    view! {
        <Title text="Join a circle" />
        <h1>"Join a circle on Circle"</h1>
        <ErrorSummary problems />
        <p>"You've been invited to help plan someone's care with them. Choose a password to finish joining. You'll see only what they choose to share with you."</p>
        <form class="panel sign-in" method="post" action=format!("/auth/invitations/{token}")>
            <div class="field">
                <label for="password">"Choose a password"</label>
                <p class="hint" id="password-hint">"At least 10 characters. A few words together work well."</p>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required
                    aria-describedby="password-hint" aria-invalid=password_invalid />
            </div>
            <div class="field">
                <label for="again">"Type it again"</label>
                <input id="again" name="again" type="password" autocomplete="new-password" minlength="10" required
                    aria-invalid=again_invalid />
            </div>
            <button type="submit">"Join"</button>
        </form>
    }
}
