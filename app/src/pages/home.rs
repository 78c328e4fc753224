//! `/`: the people supported, strengths first, with "Find a person".
//!
//! Without JavaScript the search box is a plain GET form (`/?q=…`) filtered on the server; once
//! hydrated the same filter runs as the person types. Both use `domain::people::filter_people`.

use domain::PersonSummary;
use domain::people::filter_people;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::people::{Notices, home_notices, list_people};
use crate::components::ErrorPanel;

#[component]
pub fn HomePage() -> impl IntoView {
    let people = Resource::new(|| (), |_| list_people());
    let notices = Resource::new(|| (), |_| home_notices());
    let initial = use_query_map().with_untracked(|q| q.get("q").unwrap_or_default());
    let (query, set_query) = signal(initial.clone());

    view! {
        <Title text="People we support" />
        <h1>"People we support"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                notices.await.ok().map(|notices| view! { <HomeNotices notices /> })
            })}
        </Suspense>
        <form class="find" role="search" method="get" action="/"
            on:submit=|ev| ev.prevent_default()>
            <label for="find-person">"Find a person"</label>
            <p class="hint" id="find-person-hint">"Type part of a name or a strength."</p>
            <div class="find-row">
                <input id="find-person" name="q" type="search" autocomplete="off"
                    aria-describedby="find-person-hint"
                    value=initial
                    on:input=move |ev| set_query.set(event_target_value(&ev)) />
                <button type="submit">"Find"</button>
            </div>
        </form>
        <Suspense fallback=|| view! { <p>"Loading people…"</p> }>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(list) => view! { <PeopleList people=list query /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Places in circles offered to the reader (accept or decline), and care access given at the
/// services they manage.
#[component]
fn HomeNotices(notices: Notices) -> impl IntoView {
    let Notices {
        offers,
        grants,
        overdue,
        may_add_people,
    } = notices;
    view! {
        {may_add_people.then(|| view! {
            <p class="actions"><a class="button secondary" href="/people/new">"Add a person"</a></p>
        })}
        {(!offers.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="offers-heading">
                <h2 id="offers-heading">"You've been invited into a circle"</h2>
                <p>"You see nothing of their record until you accept, and then only what they choose to share with you."</p>
                <ul class="offers">
                    {offers.into_iter().map(|offer| {
                        let accept = format!("/circles/{}/accept", offer.person);
                        let decline = format!("/circles/{}/decline", offer.person);
                        let what = format!("{}'s circle, as {}", offer.person_name, offer.role.title());
                        view! {
                            <li>
                                <p>{what.clone()}</p>
                                <form method="post" action=accept class="inline-form">
                                    <button type="submit" aria-label=format!("Accept: {what}")>"Accept"</button>
                                </form>
                                <form method="post" action=decline class="inline-form">
                                    <button type="submit" class="secondary" aria-label=format!("Decline: {what}")>"Decline"</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!overdue.is_empty()).then(|| view! {
            <section class="panel panel-attention" aria-labelledby="overdue-heading">
                <h2 id="overdue-heading">"Actions overdue"</h2>
                <p>"Agreed at meetings and not done by their date: yours, and at the services you manage, everyone's."</p>
                <ul>
                    {overdue.into_iter().map(|a| view! {
                        <li>
                            <a href=format!("/people/{}/meetings", a.person)>{format!("{}: {}", a.person_name, a.what)}</a>
                            {format!(" ({})", a.owner_and_date)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!grants.is_empty()).then(|| view! {
            <section class="panel panel-note" aria-labelledby="grants-heading">
                <h2 id="grants-heading">"Care access given at your services"</h2>
                <p>"In the last 30 days these roles, which open people's records, were given by someone else. Check each is right."</p>
                <ul>
                    {grants.into_iter().map(|g| view! {
                        <li>{format!(
                            "{} gave {} the role {} at {} on {}",
                            g.granted_by,
                            g.name,
                            g.role.title(),
                            g.service_name,
                            domain::calendar::london_label(g.at_ms)
                        )}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
fn PeopleList(people: Vec<PersonSummary>, query: ReadSignal<String>) -> impl IntoView {
    let total = people.len();
    // Everyone listed here may be visited with no signal: keep their pages, plans, progress and
    // meetings on the device (the browser only; effects do not run on the server).
    let ids = people.iter().map(|p| p.id).collect::<Vec<_>>();
    Effect::new(move |_| {
        for id in &ids {
            crate::sync::keep_page_offline(format!("/people/{id}"));
            crate::sync::keep_page_offline(format!("/people/{id}/plan"));
            crate::sync::keep_page_offline(format!("/people/{id}/progress"));
            crate::sync::keep_page_offline(format!("/people/{id}/meetings"));
        }
    });
    let shown = Memo::new(move |_| {
        query.with(|q| {
            filter_people(&people, q)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="count" role="status" aria-live="polite">
            {move || count_label(shown.with(Vec::len), total, &query.get())}
        </p>
        <ul class="people" aria-label="People supported">
            <For each=move || shown.get() key=|p| p.id let:person>
                <PersonCard person />
            </For>
        </ul>
    }
}

#[component]
fn PersonCard(person: PersonSummary) -> impl IntoView {
    let href = format!("/people/{}", person.id);
    let strengths_label = format!("Strengths of {}", person.display_name);
    let details = card_details(&person);
    view! {
        <li class="person-card">
            <h2><a href=href>{person.display_name}</a></h2>
            <ul class="strengths" aria-label=strengths_label>
                {person.strengths.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ul>
            <p class="person-details">{details}</p>
        </li>
    }
}

/// What the status line says about the list: how many are shown, and what to try when none are.
pub fn count_label(shown: usize, total: usize, query: &str) -> String {
    let people = |n: usize| {
        if n == 1 {
            "1 person".to_owned()
        } else {
            format!("{n} people")
        }
    };
    match (shown, query.trim()) {
        (_, "") => format!("{} supported", people(total)),
        (0, q) => format!("No one matches “{q}”. Try part of a name or a strength."),
        (n, _) => format!("Showing {n} of {}", people(total)),
    }
}

/// The line under a person's strengths: full name when they go by another, pronouns, service.
pub fn card_details(person: &PersonSummary) -> String {
    let mut parts = Vec::new();
    if person.full_name != person.display_name {
        parts.push(person.full_name.as_str());
    }
    if let Some(p) = person.pronouns.as_deref() {
        parts.push(p);
    }
    parts.push(&person.service_name);
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PersonId;

    #[test]
    fn the_status_line_counts_everyone_until_a_search_is_typed() {
        assert_eq!(count_label(3, 3, " "), "3 people supported");
        assert_eq!(count_label(1, 1, ""), "1 person supported");
        assert_eq!(count_label(1, 3, "dan"), "Showing 1 of 3 people");
    }

    #[test]
    fn an_empty_search_result_says_what_to_try() {
        assert_eq!(
            count_label(0, 3, "zebra "),
            "No one matches “zebra”. Try part of a name or a strength."
        );
    }

    #[test]
    fn card_details_give_the_full_name_only_when_they_go_by_another() {
        let mut p = PersonSummary {
            id: PersonId(Default::default()),
            display_name: "Maggie".into(),
            full_name: "Margaret Okafor".into(),
            pronouns: Some("she/her".into()),
            strengths: vec![],
            service_id: domain::ServiceId(Default::default()),
            service_name: "Riverside".into(),
        };
        assert_eq!(card_details(&p), "Margaret Okafor · she/her · Riverside");
        p.display_name = p.full_name.clone();
        p.pronouns = None;
        assert_eq!(card_details(&p), "Riverside");
    }
}
