//! `/devices`: when each device last synced each plan completely, so that a device that has
//! been offline for a long time (with edits possibly waiting on it) is noticed. Managers see
//! every device of their services' people, named by whose it is; everyone else their own.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::plans::list_devices;
use crate::components::ErrorPanel;

#[component]
pub fn DevicesPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_devices());
    view! {
        <Title text="Devices" />
        <h1>"Devices"</h1>
        <p class="hint">
            "When each device last synced each plan completely: every edit made on it reached Circle, and it held every change. A device that has not synced for a long time may hold edits nobody else has seen."
        </p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p>"No device has synced a plan yet."</p>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="devices">
                            <caption>"Last complete sync, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Device"</th>
                                    <th scope="col">"Plan"</th>
                                    <th scope="col">"Last complete sync"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    view! {
                                        <tr>
                                            <td>{row.label}</td>
                                            <td><a href=format!("/people/{}/plan", row.person)>{row.person_name}</a></td>
                                            <td>{domain::calendar::london_label(row.at_ms)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
