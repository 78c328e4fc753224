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
                    Ok(rows) => {
                        // Managers see other people's devices: then each row says whose it is.
                        let whose = rows.iter().any(|r| r.owner != "You");
                        view! {
                            <table class="devices">
                                <caption>"Last complete sync, newest first. Times are UK time."</caption>
                                <thead>
                                    <tr>
                                        {whose.then(|| view! { <th scope="col">"Whose device"</th> })}
                                        <th scope="col">"Device"</th>
                                        <th scope="col">"Plan"</th>
                                        <th scope="col">"Last complete sync"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| {
                                        view! {
                                            <tr>
                                                {whose.then(|| view! { <td data-label="Whose device">{row.owner.clone()}</td> })}
                                                <td data-label="Device">{if whose { row.device.clone() } else { row.label.clone() }}</td>
                                                <td data-label="Plan"><a href=format!("/people/{}/plan", row.person)>{format!("{}'s plan", row.person_name)}</a></td>
                                                <td data-label="Last complete sync">{domain::calendar::london_label(row.at_ms)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
