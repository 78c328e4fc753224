//! `/admin`: administrators give and take away staff roles in their services; a new member of
//! staff gets a single-use link to set their password.

use domain::access::StaffRole;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{AdminPage, get_admin};
use crate::components::ErrorPanel;

#[component]
pub fn AdminPageView() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(|| (), |_| get_admin());
    let notice = query.with_untracked(|q| {
        if q.get("added").is_some() {
            Some(("status", "Role given. A new member of staff gets the link below to set their password: it works once, for 7 days."))
        } else if q.get("removed").is_some() {
            Some(("status", "Role taken away. It stops applying on their next request."))
        } else {
            match q.get("problem").as_deref() {
                Some("self") => Some(("alert", "You can't take away your own administrator role. Ask another administrator.")),
                Some(_) => Some(("alert", "Nothing was changed: give an email, a name for someone new, a service and a role.")),
                None => None,
            }
        }
    });
    view! {
        <Title text="Administration" />
        <h1>"Administration"</h1>
        {notice.map(|(role, text)| view! { <div class="panel" role=role><p>{text}</p></div> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Admin page /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Admin(page: AdminPage) -> impl IntoView {
    let services = page.services.clone();
    view! {
        {page.new_link.map(|link| view! {
            <p class="panel invitation-link"><strong>"Link for the new account: "</strong><code>{link}</code></p>
        })}
        <section class="panel" aria-labelledby="staff-heading">
            <h2 id="staff-heading">"Staff and their roles"</h2>
            <table class="audit">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Service"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {page.staff.into_iter().map(|row| {
                        let label = format!("Take away: {} as {} at {}", row.name, row.role.title(), row.service_name);
                        let own_admin = row.user == page.me && row.role == StaffRole::Admin;
                        view! {
                            <tr>
                                <td>{row.name}</td>
                                <td>{row.email}</td>
                                <td>{row.service_name}</td>
                                <td>{row.role.title()}</td>
                                <td>{(!own_admin).then(|| view! {
                                    <form method="post" action="/admin/staff/remove" class="inline">
                                        <input type="hidden" name="user" value=row.user.clone() />
                                        <input type="hidden" name="service" value=row.service.clone() />
                                        <input type="hidden" name="role" value=row.role.key() />
                                        <button type="submit" class="secondary" aria-label=label>"Take away"</button>
                                    </form>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel" aria-labelledby="give-heading">
            <h2 id="give-heading">"Give someone a role"</h2>
            <p class="hint">"For someone new, Circle makes an account and a link for them to set their password."</p>
            <form method="post" action="/admin/staff">
                <p><label for="staff-name">"Name (for someone new)"</label><input id="staff-name" name="name" type="text" /></p>
                <p><label for="staff-email">"Email"</label><input id="staff-email" name="email" type="email" required /></p>
                <p>
                    <label for="staff-service">"Service"</label>
                    <select id="staff-service" name="service">
                        {services.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </p>
                <p>
                    <label for="staff-role">"Role"</label>
                    <select id="staff-role" name="role">
                        {StaffRole::ALL.into_iter().map(|r| view! { <option value=r.key()>{r.title()}</option> }).collect_view()}
                    </select>
                </p>
                <p><button type="submit">"Give this role"</button></p>
            </form>
        </section>
    }
}
