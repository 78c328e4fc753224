//! `/audit`: who looked at and changed which record, when and from which device. For registered
//! managers and nominated individuals (their services' records, and who was given which role
//! there), administrators (the running of their services) and the person (their own record).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::circle::get_audit;
use crate::components::ErrorPanel;

#[component]
pub fn AuditPageView() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("person"), q.get("user"), q.get("from"), q.get("to")));
    let audit = Resource::new(args, |(person, user, from, to)| {
        get_audit(person, user, from, to)
    });
    let csv = move || {
        let (person, user, from, to) = args();
        format!(
            "/audit.csv?person={}&user={}&from={}&to={}",
            person.unwrap_or_default(),
            user.unwrap_or_default(),
            from.unwrap_or_default(),
            to.unwrap_or_default()
        )
    };
    view! {
        <Title text="Audit trail" />
        <h1>"Audit trail"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (person, _, from, to) = args();
                match audit.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(page) => view! {
                        <form class="panel filters" method="get" action="/audit">
                            <p>
                                <label for="audit-person">"Whose record"</label>
                                <select id="audit-person" name="person">
                                    <option value="">"Everyone I can audit"</option>
                                    {page.people.into_iter().map(|(id, name)| {
                                        let selected = person.as_deref() == Some(id.as_str());
                                        view! { <option value=id selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </p>
                            <p><label for="audit-from">"From"</label><input id="audit-from" name="from" type="date" value=from.unwrap_or_default() /></p>
                            <p><label for="audit-to">"To"</label><input id="audit-to" name="to" type="date" value=to.unwrap_or_default() /></p>
                            <p><button type="submit">"Show"</button></p>
                        </form>
                        <p><a class="button-link secondary" href=csv() download="circle-audit.csv">"Download as CSV"</a></p>
                        {if page.rows.is_empty() {
                            view! { <p>"Nothing recorded for these choices."</p> }.into_any()
                        } else {
                            view! {
                                <table class="audit">
                                    <caption>"Newest first (times in UK time)"</caption>
                                    <thead><tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Who"</th>
                                        <th scope="col">"Record"</th>
                                        <th scope="col">"What"</th>
                                        <th scope="col">"Device"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.rows.into_iter().map(|row| {
                                            let e = row.event;
                                            let user_filter = e.user.map(|u| format!("/audit?user={u}"));
                                            let change = match (e.before, e.after) {
                                                (Some(b), Some(a)) => format!(" (was {b}, now {a})"),
                                                _ => String::new(),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{domain::calendar::london_label(e.at_ms)}</td>
                                                    <td>{match user_filter {
                                                        Some(href) => view! { <a href=href>{e.user_name}</a> }.into_any(),
                                                        None => view! { <span>{e.user_name}</span> }.into_any(),
                                                    }}</td>
                                                    <td>{if row.service_name.is_empty() {
                                                        row.person_name
                                                    } else {
                                                        format!("Service: {}", row.service_name)
                                                    }}</td>
                                                    <td>{format!("{}: {}{change}", e.kind.title(), e.summary)}</td>
                                                    <td>{e.device}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
