//! `/admin`: administrators add and rename services, give and take away staff roles in them
//! (a new member of staff gets a single-use link to set their password), and see the latest
//! changes to both.

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
        } else if q.get("service_added").is_some() {
            Some(("status", "Service added. You are its administrator: give its staff their roles below."))
        } else if q.get("renamed").is_some() {
            Some(("status", "Service renamed."))
        } else {
            match q.get("problem").as_deref() {
                Some("self") => Some(("alert", "You can't take away your own administrator role. Ask another administrator.")),
                Some("grant-self") => Some(("alert", "You can't give yourself a role. Ask another administrator, or the service's registered manager, to do it.")),
                Some("service") => Some(("alert", "Nothing was changed: a service needs a name of at most 120 characters, and a kind.")),
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
        <section class="panel" aria-labelledby="services-heading">
            <h2 id="services-heading">"Services"</h2>
            <ul class="services">
                {page.services.into_iter().map(|service| {
                    let field = format!("service-name-{}", service.id);
                    view! {
                        <li>
                            <form method="post" action=format!("/admin/services/{}", service.id) class="inline">
                                <div class="field">
                                    <label for=field.clone()>{format!("Name of {} ({})", service.name, service.kind)}</label>
                                    <input id=field name="name" type="text" required maxlength="120" value=service.name.clone() />
                                </div>
                                <button type="submit" class="secondary" aria-label=format!("Rename {}", service.name)>"Rename"</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"Add a service"</h3>
            <form method="post" action="/admin/services">
                <p><label for="new-service-name">"Name of the new service"</label><input id="new-service-name" name="name" type="text" required maxlength="120" /></p>
                <p>
                    <label for="new-service-kind">"Kind of support"</label>
                    <select id="new-service-kind" name="kind">
                        {domain::ServiceKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
                    </select>
                </p>
                <p><button type="submit">"Add service"</button></p>
            </form>
        </section>
        <section class="panel" aria-labelledby="staff-heading">
            <h2 id="staff-heading">"Staff and their roles"</h2>
            <table class="audit stacked">
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
                        {services.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
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
        <section class="panel" aria-labelledby="recent-heading">
            <h2 id="recent-heading">"Recent changes to staff and services"</h2>
            {if page.recent.is_empty() {
                view! { <p>"No changes yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="recent-changes">
                        {page.recent.into_iter().map(|e| view! {
                            <li>{format!("{} · {}: {}", domain::calendar::london_label(e.at_ms), e.who, e.summary)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/audit">"The full record: the audit trail"</a></p>
        </section>
    }
}
