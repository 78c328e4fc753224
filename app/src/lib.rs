//! Circle's Leptos app. Pages follow URLs (`pages/`), server functions are grouped by resource
//! (`api/`), shared pieces of screen live in `components/`. Components show prepared data and
//! dispatch actions; the rules live in the `domain` crate.

// Leptos views are deeply nested types; the plan editor needs more than the default depth.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sync;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    path,
};

pub use error::AppError;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::set_security_policy();
    // Who the page is for and what they may see: the browser checks both before anything else
    // runs (a shared tablet's last user's copies, copies made under consent since withdrawn).
    #[cfg(feature = "ssr")]
    let identity = server::page_identity();
    #[cfg(not(feature = "ssr"))]
    let identity: Option<(String, String)> = None;
    let identity = identity.map(|(user, access)| {
        view! {
            <meta name="circle-user" content=user />
            <meta name="circle-access" content=access />
        }
    });
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {identity}
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                // A release build's stylesheet is named by its content (see server/src/assets.rs).
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::DeviceSync::provide();
    view! {
        <Link rel="icon" href="/icon.svg" type_="image/svg+xml" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Meta name="theme-color" content="#1d4f5c" />
        <Meta name="description" content="Circle: plan together with the people who matter to you." />
        <Title formatter=|page: String| {
            components::title_text(
                if page.is_empty() { "Circle".to_owned() } else { format!("{page} · Circle") },
            )
        } />
        <Router>
            <KeepPagesOffline />
            <components::SiteHeader />
            <main id="main">
                // Async: every page is complete HTML before it is sent, so it reads with
                // JavaScript off and hydrates without a flash of loading text.
                <Routes fallback=pages::NotFound>
                    <Route path=StaticSegment("") view=pages::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/people/new") view={Lazy::<pages::NewPersonRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id") view=pages::PersonPage ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/manage") view={Lazy::<pages::ManagePersonRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/plan") view={Lazy::<pages::PlanRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/involvement") view={Lazy::<pages::InvolvementRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/progress") view={Lazy::<pages::ProgressRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/progress/card/:goal") view={Lazy::<pages::GoalCardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/meetings") view={Lazy::<pages::MeetingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/decisions") view={Lazy::<pages::DecisionsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/easy-read") view={Lazy::<pages::EasyReadRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/devices") view={Lazy::<pages::DevicesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<pages::AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view={Lazy::<pages::SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/invitations/:token") view={Lazy::<pages::InvitationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/circle") view={Lazy::<pages::CircleRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit") view={Lazy::<pages::AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/governance") view={Lazy::<pages::GovernanceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/governance/report") view={Lazy::<pages::GovernanceReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/governance/grid") view={Lazy::<pages::GovernanceGridRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/governance/sampling") view={Lazy::<pages::GovernanceSamplingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin") view={Lazy::<pages::AdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/people/:id/summary") view={Lazy::<pages::SummaryRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// Every page a person opens is kept on the device, so it opens again with no network.
#[component]
fn KeepPagesOffline() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| sync::keep_page_offline(location.pathname.get()));
}

/// Room for wasm-split (`cargo leptos build --split`) to lay out the app's constant data by
/// part. It moves each piece of constant data to the part whose code uses it, starting each
/// part's share on an aligned boundary; when that layout comes out longer than the original
/// `.rodata` segment, even by a few bytes of alignment, it gives up and keeps all of it in the
/// frame (wasm_split_cli_support 0.2.3, `emit.rs`, "Overlong segment"). That happened once the
/// text merger became a part of its own: 75 KB of the plan's strings went into the frame (20 KiB
/// brotli on every first load). This block is kept by the linker (`#[used]`) but no code uses
/// it, so wasm-split leaves it out, and its length is slack for that layout; a split build
/// serves none of it. `end2end/tests/assets.spec.ts` checks the frame stays free of the
/// plan's words.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_LAYOUT_SLACK: [u8; 4096] = [0x5a; 4096];

/// The browser entry point: hydrate the server-rendered page, nothing else.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Before anything reads this device's storage: wipe another user's copies, drop copies made
    // under access that has since changed. Everything that uses storage waits for it.
    sync::prepare_device();
    // As `leptos::mount::hydrate_lazy` (which lazy routes need: the plan editor is a wasm file
    // of its own, loaded when a plan is opened, see `--split`), then, once every part of the
    // page is hydrated (the plan editor's part loaded and its data read): mark the page as
    // interactive, for people's assistive tech (nothing changes visually) and for the browser
    // tests that wait on it; drop the data the server wrote into the page; start the worker.
    // (`hydrate_from_async` sets up Leptos's executor itself; this future only awaits it.)
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        let owner = leptos::mount::hydrate_from_async(body.clone(), App).await;
        owner.forget();
        let _ = body.set_attribute("data-hydrated", "true");
        sync::register_service_worker();
        sync::forget_hydration_data();
    });
}
