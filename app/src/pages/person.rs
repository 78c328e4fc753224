//! `/people/:id`: the person's one-page profile, strengths first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::people::{PersonProfile, get_person};
use crate::components::ErrorPanel;

#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let profile = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_person,
    );
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/">"All people"</a>
        </nav>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => view! { <Profile profile /> }.into_any(),
                    Err(error) => view! { <Title text="Not found" /> <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(profile: PersonProfile) -> impl IntoView {
    let PersonProfile {
        person,
        service_name,
    } = profile;
    let name = person.display_name().to_owned();
    let mut details = Vec::new();
    if person.preferred_name.is_some() {
        details.push(person.name.clone());
    }
    details.extend(person.pronouns.clone());
    details.push(service_name);
    let sections = person
        .about_me
        .sections()
        .into_iter()
        .map(|s| (s.title, s.text.to_owned()))
        .collect::<Vec<_>>();
    let strengths = person.about_me.strengths.clone();
    view! {
        <Title text=name.clone() />
        <article class="profile" aria-labelledby="person-name">
            <h1 id="person-name">{name}</h1>
            <p class="person-details">{details.join(" · ")}</p>
            <section class="panel strengths-panel" aria-labelledby="strengths-heading">
                <h2 id="strengths-heading">"My strengths"</h2>
                {if strengths.is_empty() {
                    view! { <p>"No strengths written down yet. Ask me what I'm good at."</p> }.into_any()
                } else {
                    view! {
                        <ul class="strengths">
                            {strengths.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            {sections.into_iter().map(|(title, text)| view! {
                <section class="panel">
                    <h2>{title}</h2>
                    <p>{text}</p>
                </section>
            }).collect_view()}
        </article>
    }
}
