//! Pieces of screen shared by several pages.

use leptos::prelude::*;

use crate::AppError;

/// What the header says about this device's sync. The browser fills it in (online or not,
/// edits waiting on the device); an open plan keeps it to that plan's own figures. Provided by
/// the app around every page.
#[derive(Debug, Clone, Copy)]
pub struct DeviceSync {
    /// `None` until the browser knows (always, with JavaScript off).
    pub online: RwSignal<Option<bool>>,
    pub waiting: RwSignal<Option<usize>>,
}

impl DeviceSync {
    pub fn provide() {
        provide_context(DeviceSync {
            online: RwSignal::new(None),
            waiting: RwSignal::new(None),
        });
    }

    /// Counts again the edits waiting on this device, over every record (the browser only).
    pub fn recount(self) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let waiting = crate::sync::pending_edits().await;
            self.waiting.set(Some(waiting));
        });
    }
}

/// The bar at the top of every page: compact (one row, about 60px, even on a phone), always
/// in view, with the user's name and the device's sync state; the navigation and signing out
/// are in its menu. A skip link comes first, for keyboard and screen-reader users.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::api::account::whoami());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/" aria-label="Circle: the people you support">
                <img src="/icon.svg" alt="" width="36" height="36" />
                <span class="brand-name" aria-hidden="true">"Circle"</span>
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! { <SignedIn me /> })
                })}
            </Suspense>
        </header>
    }
}

/// The header's part for a signed-in user: who they are, the sync chip, where they can go,
/// signing out.
#[component]
fn SignedIn(me: crate::api::account::Me) -> impl IntoView {
    let device = expect_context::<DeviceSync>();
    // Effects run only in the browser: from here on the chip says where the device stands.
    Effect::new(move |_| watch_connection(device));
    let chip = move || domain::screens::sync_chip(device.online.get(), device.waiting.get());
    let (warning, set_warning) = signal(None::<String>);
    let links = move || {
        view! {
            <ul>
                <li><a href="/">"People"</a></li>
                {me.staff.then(|| view! { <li><a href="/devices">"Devices"</a></li> })}
                {me.reads_audit.then(|| view! { <li><a href="/audit">"Audit trail"</a></li> })}
                {me.manages.then(|| view! { <li><a href="/governance">"Governance"</a></li> })}
                {me.admin.then(|| view! { <li><a href="/admin">"Administration"</a></li> })}
                <li><a href="/account">"Your account"</a></li>
            </ul>
        }
    };
    let sign_out = move || view! { <SignOut set_warning /> };
    // A page opened from the menu opens with the menu folded again (otherwise, on a phone,
    // the open menu covers the page it led to).
    let menu = NodeRef::<leptos::html::Details>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        if let Some(menu) = menu.get_untracked() {
            let _ = menu.remove_attribute("open");
        }
    });
    view! {
        <div class="header-me">
            <a class="who" href="/account" aria-label=format!("Your account: signed in as {}", me.name)>
                <span>{domain::screens::short_name(&me.name).to_owned()}</span>
            </a>
            <span class="sync-chip" data-online=move || device.online.get().map(|o| o.to_string())>{chip}</span>
        </div>
        <details class="menu" node_ref=menu>
            <summary>"Menu"</summary>
            <div class="menu-panel">
                <nav aria-label="Main">{links()}</nav>
                {sign_out()}
            </div>
        </details>
        <div class="nav-wide">
            <nav aria-label="Main">{links()}</nav>
            {sign_out()}
        </div>
        {move || warning.get().map(|w| view! { <p class="panel panel-error header-warning" role="alert">{w}</p> })}
    }
}

/// Signing out of this device. It wipes this device's copy first; edits not yet sent would be
/// lost with it, so the person is asked before that happens. (Signing out of every device is
/// on the account page.)
#[component]
fn SignOut(set_warning: WriteSignal<Option<String>>) -> impl IntoView {
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
        <form method="post" action="/auth/sign-out" on:submit=on_submit>
            <button type="submit" class="link-button">"Sign out"</button>
        </form>
    }
}

/// Keeps the header's sync chip true to the browser: online or offline as it changes, and the
/// edits waiting on the device counted again each time.
fn watch_connection(device: DeviceSync) {
    #[cfg(feature = "hydrate")]
    {
        let update = move || {
            device.online.set(Some(window().navigator().on_line()));
            device.recount();
        };
        update();
        // Listeners for the life of the page: the header is never unmounted.
        let _ = window_event_listener(leptos::ev::online, move |_| update());
        let _ = window_event_listener(leptos::ev::offline, move |_| update());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = device;
}

/// A problem with a form the server sent back, to show at the top of the form: what to do,
/// and the field it concerns (the `id` of its control).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// "There is a problem", at the top of a form, with a link to each field concerned (as the
/// GOV.UK error summary). Announced when the page loads.
#[component]
pub fn ErrorSummary(problems: Vec<Problem>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 id="error-summary-title">"There is a problem"</h2>
                <ul>
                    {problems.into_iter().map(|p| view! {
                        <li><a href=format!("#{}", p.field)>{p.message}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
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
            {move || to_settle().map(|text| view! { " " <a href="#conflicts-heading">{text}</a> })}
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

/// The person's communication needs, flagged at the top of every page of their record (the
/// Accessible Information Standard): "Easy read, Pictures and symbols · Mornings · 30 minutes
/// at most · Speak to me, not to Ruth". Nothing when none are written.
#[component]
pub fn CommunicationNeeds(#[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || text.with(Option::is_some)>
            <aside class="comm-needs" aria-label="Communication needs">
                <strong>"How to communicate with me: "</strong>
                {move || text.get().unwrap_or_default()}
            </aside>
        </Show>
    }
}
