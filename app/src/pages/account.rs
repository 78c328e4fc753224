//! `/account`: the signed-in user's own account: their recent sign-ins, sign-outs and
//! downloads, and (here only, not in the header) "Sign out of all devices", for when a phone
//! is lost or a sign-in looks wrong.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::get_account;
use crate::components::ErrorPanel;

#[component]
pub fn AccountPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_account());
    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <section class="panel" aria-labelledby="who-heading">
                            <h2 id="who-heading">{page.name.clone()}</h2>
                            <p>{format!("Signed in with {}", page.email)}</p>
                        </section>
                        <section class="panel" aria-labelledby="activity-heading">
                            <h2 id="activity-heading">"Recent activity on your account"</h2>
                            {if page.events.is_empty() {
                                view! { <p>"Nothing yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="account-events">
                                        {page.events.into_iter().map(|e| view! {
                                            <li>
                                                <span class="when">{domain::calendar::london_label(e.at_ms)}</span>
                                                " · "
                                                {e.summary}
                                                " · "
                                                <span class="device">{e.device}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <section class="panel panel-attention" aria-labelledby="everywhere-heading">
                            <h2 id="everywhere-heading">"A device lost, or a sign-in that was not you?"</h2>
                            <p>"Signing out of all devices ends every session of your account at once: this device and any other phone, tablet or computer you have signed in on. Each of them removes Circle's copy of the records the next time it is used. To sign out of this device only, use Sign out in the menu."</p>
                            <form method="post" action="/auth/sign-out-everywhere">
                                <button type="submit" class="warning">"Sign out of all devices"</button>
                            </form>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
