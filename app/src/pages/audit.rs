//! `/audit`: who looked at and changed which record, when and from which device. For registered
//! managers and nominated individuals (their services' records, and who was given which role
//! there), administrators (the running of their services) and the person (their own record).
//! Fifty events a page, newest first, times in UK time; filtered by a plain GET form.

use domain::audit::AuditForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::circle::{AuditPage, get_audit};
use crate::components::ErrorPanel;

/// The filters and the page as the address holds them: person, user, from, to, page.
type Args = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn form(args: &Args) -> AuditForm<'_> {
    AuditForm {
        person: args.0.as_deref(),
        user: args.1.as_deref(),
        from: args.2.as_deref(),
        to: args.3.as_deref(),
    }
}

#[component]
pub fn AuditPageView() -> impl IntoView {
    let query = use_query_map();
    let args = move || -> Args {
        query.with(|q| {
            (
                q.get("person"),
                q.get("user"),
                q.get("from"),
                q.get("to"),
                q.get("page"),
            )
        })
    };
    let audit = Resource::new(args, |(person, user, from, to, page)| {
        get_audit(person, user, from, to, page)
    });
    view! {
        <Title text="Audit trail" />
        <h1>"Audit trail"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let args = args();
                match audit.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(page) => view! { <Audit page args /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Audit(page: AuditPage, args: Args) -> impl IntoView {
    let filters = form(&args);
    let csv = filters.href("/audit.csv", None);
    let previous = page
        .has_previous
        .then(|| filters.href("/audit", Some(page.page - 1)));
    let next = page
        .has_next
        .then(|| filters.href("/audit", Some(page.page + 1)));
    let (person, from, to) = (args.0.clone(), args.2.clone(), args.3.clone());
    let paging = (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pagination" aria-label="Pages of the audit trail">
                <p>{format!("Page {}", page.page)}</p>
                <ul>
                    {previous.map(|href| view! {
                        <li><a href=href rel="prev">"Previous page"<span class="visually-hidden">": newer events"</span></a></li>
                    })}
                    {next.map(|href| view! {
                        <li><a href=href rel="next">"Next page"<span class="visually-hidden">": older events"</span></a></li>
                    })}
                </ul>
            </nav>
        }
    });
    view! {
        <form class="panel filters" method="get" action="/audit">
            <div class="field">
                <label for="audit-person">"Whose record"</label>
                <select id="audit-person" name="person">
                    <option value="">"Everyone I can audit"</option>
                    {page.people.into_iter().map(|(id, name)| {
                        let selected = person.as_deref() == Some(id.as_str());
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=from.unwrap_or_default() />
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=to.unwrap_or_default() />
            </div>
            {args.1.clone().filter(|u| !u.is_empty()).map(|user| view! {
                <input type="hidden" name="user" value=user />
            })}
            <button type="submit">"Show"</button>
        </form>
        <p class="actions">
            <a class="button secondary" href=csv download="circle-audit.csv">"Download as CSV"</a>
            {args.1.as_ref().filter(|u| !u.is_empty()).map(|_| {
                let everyone = AuditForm { user: None, ..form(&args) }.href("/audit", None);
                view! { <a class="button secondary" href=everyone>"Show everyone's actions"</a> }
            })}
        </p>
        {if page.rows.is_empty() {
            view! { <p>"Nothing recorded for these choices."</p> }.into_any()
        } else {
            view! {
                <table class="audit stacked">
                    <caption>"Newest first. Times are UK time (GMT, or BST in summer)."</caption>
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
                            let who = if e.user_name.trim().is_empty() { "Someone".to_owned() } else { e.user_name.clone() };
                            let user_filter = e.user.map(|u| {
                                let id = u.to_string();
                                AuditForm { user: Some(&id), ..form(&args) }.href("/audit", None)
                            });
                            let change = match (e.before, e.after) {
                                (Some(b), Some(a)) => format!(" (was {b}, now {a})"),
                                _ => String::new(),
                            };
                            view! {
                                <tr>
                                    <td data-label="When">{domain::calendar::london_label(e.at_ms)}</td>
                                    <td data-label="Who">{match user_filter {
                                        Some(href) => view! {
                                            <a href=href>{who.clone()}<span class="visually-hidden">": only their actions"</span></a>
                                        }.into_any(),
                                        None => view! { <span>{who}</span> }.into_any(),
                                    }}</td>
                                    <td data-label="Record">{if row.service_name.is_empty() {
                                        row.person_name
                                    } else {
                                        format!("Service: {}", row.service_name)
                                    }}</td>
                                    <td data-label="What">{format!("{}: {}{change}", e.kind.title(), e.summary)}</td>
                                    <td data-label="Device">{e.device}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {paging}
    }
}
