//! Pieces of screen shared by several pages.

use leptos::prelude::*;

use crate::AppError;

/// The bar at the top of every page, with a skip link for keyboard and screen-reader users.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::api::account::whoami());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <img src="/icon.svg" alt="" width="32" height="32" />
                <span>"Circle"</span>
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! { <SignedIn me /> })
                })}
            </Suspense>
        </header>
    }
}

/// The header's part for a signed-in user: where they can go, who they are, signing out.
#[component]
fn SignedIn(me: crate::api::account::Me) -> impl IntoView {
    let (warning, set_warning) = signal(None::<String>);
    // Signing out wipes this device's copy first. Edits not yet sent would be lost with it,
    // so the person is asked before that happens.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form: Option<leptos::web_sys::HtmlFormElement> = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into(t).ok());
        leptos::task::spawn_local(async move {
            let pending = crate::sync::pending_edits().await;
            if pending > 0 {
                let question = format!(
                    "{pending} edit(s) on this device haven't reached Circle yet. Signing out now deletes them from this device. Sign out anyway?"
                );
                let go = window().confirm_with_message(&question).unwrap_or(false);
                if !go {
                    set_warning.set(Some(format!(
                        "Not signed out: {pending} edit(s) are still waiting to be sent. Connect to the internet and wait until the plan says all changes are saved."
                    )));
                    return;
                }
            }
            crate::sync::wipe_device().await;
            if let Some(form) = form {
                let _ = form.submit();
            }
        });
    };
    view! {
        <nav class="site-nav" aria-label="Main">
            <a href="/">"People"</a>
            {me.staff.then(|| view! { <a href="/devices">"Devices"</a> })}
            {me.reads_audit.then(|| view! { <a href="/audit">"Audit trail"</a> })}
            {me.admin.then(|| view! { <a href="/admin">"Administration"</a> })}
        </nav>
        <div class="account">
            <a class="who" href="/account" aria-label=format!("Your account: signed in as {}", me.name)>{me.name.clone()}</a>
            <form method="post" action="/auth/sign-out" on:submit=on_submit>
                <button type="submit" class="link-button">"Sign out"</button>
            </form>
        </div>
        {move || warning.get().map(|w| view! { <p class="panel panel-error" role="alert">{w}</p> })}
    }
}

/// `text` escaped for a place where the server writes it into HTML unchanged: the content of a
/// `<textarea>` (given as `inner_html`, never as a child: Leptos writes a textarea's children
/// raw) and the page `<title>`. The browser decodes the entities back, so the person sees
/// exactly what was typed, and `</textarea><meta …>` stays text.
pub fn escaped_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A page title as the server writes it into `<title>` (escaped: Leptos writes it raw) and as
/// the browser sets `document.title` (plain text).
pub fn title_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        escaped_text(&text)
    } else {
        text
    }
}

/// A failure, said plainly, with what the person can do about it.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::set_status(error.status());
    view! {
        <div class="panel panel-error" role="alert">
            <h2>{match error {
                AppError::NotFound => "Not found",
                AppError::Forbidden(_) => "No access",
                _ => "Something went wrong",
            }}</h2>
            <p>{error.to_string()}</p>
            <p><a href="/">"Go to the list of people"</a></p>
        </div>
    }
}

/// Where this device stands with the server, always visible and announced to screen readers:
/// online or offline, edits waiting, when it last synced completely, problems to act on.
#[component]
pub fn SyncStatusBar(sync: crate::sync::RecordSync) -> impl IntoView {
    let status = sync.status;
    let conflicts = Memo::new(move |_| {
        sync.view.with(|v| {
            v.of_kind(domain::records::kinds::CONFLICT)
                .filter(|c| !c.deleted)
                .count()
        })
    });
    let connection = move || {
        let s = status.get();
        if !s.running {
            "Not connected yet"
        } else if s.online {
            "Online"
        } else {
            "Offline"
        }
    };
    let saved = move || {
        let s = status.get();
        match s.waiting {
            _ if !s.running => "Showing the record as the server holds it.".to_owned(),
            0 => "All changes saved.".to_owned(),
            1 => "1 edit waiting on this device.".to_owned(),
            n => format!("{n} edits waiting on this device."),
        }
    };
    let last = move || {
        status
            .get()
            .last_complete_ms
            .map(|ms| format!("Last synced at {}.", local_time(ms)))
    };
    let to_settle = move || match conflicts.get() {
        0 => None,
        1 => Some("1 conflict to settle.".to_owned()),
        n => Some(format!("{n} conflicts to settle.")),
    };
    view! {
        <div class="sync-status" role="status" aria-live="polite"
            data-online=move || status.get().online.to_string()
            data-waiting=move || status.get().waiting.to_string()>
            <span class=move || if status.get().online { "dot dot-online" } else { "dot dot-offline" }
                aria-hidden="true"></span>
            <strong>{connection}</strong>
            " · "
            <span>{saved}</span>
            " "
            <span>{last}</span>
            " "
            <a href="#conflicts-heading">{to_settle}</a>
            {move || status.get().problem.map(|p| view! { <p class="sync-problem">{p}</p> })}
            {move || status.get().storage_problem.map(|p| view! { <p class="sync-problem">{p}</p> })}
            {move || status.get().notice.map(|p| view! { <p class="sync-problem">{p}</p> })}
        </div>
    }
    .into_any()
}

/// A time of day as people in England read it (UK time, summer time included), whatever the
/// device's own clock settings.
fn local_time(ms: f64) -> String {
    domain::calendar::london_time_label(ms as i64)
}
