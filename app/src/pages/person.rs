//! `/people/:id`: the person's one-page profile, strengths first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::people::{PersonProfile, get_person};
use crate::components::{CommunicationNeeds, ErrorPanel};

#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let profile = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_person,
    );
    // What the form that led here did (adding, moving or ending support).
    let notice = use_query_map().with_untracked(|q| {
        if q.get("added").is_some() {
            Some("Added. Their About me and plan are empty: write them with them.")
        } else if q.get("moved").is_some() {
            Some("Moved. Their record is now with the staff of their new service.")
        } else if q.get("ended").is_some() {
            Some("Support ended. They have left the lists; their record is kept to read.")
        } else {
            None
        }
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href="/">"All people"</a></li></ol>
        </nav>
        {notice.map(|text| view! { <div class="panel" role="status"><p>{text}</p></div> })}
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
        topics,
        may_manage_circle,
        early_warnings_for_me,
        reader,
        may_manage_support,
        may_export,
        communication,
        easy_read,
    } = profile;
    // When the person asked for easy read, their page leads with the plan in easy read; the
    // full plan is the next button along.
    let easy_read = (easy_read
        && topics
            .iter()
            .any(|t| domain::screens::PLAN_TOPICS.contains(t)))
    .then(|| domain::screens::easy_read_heading(&reader, person.display_name()));
    let plan_class = if easy_read.is_some() {
        "button secondary"
    } else {
        "button"
    };
    let involvement = topics
        .contains(&domain::access::Topic::Involvement)
        .then(|| domain::screens::involvement_heading(&reader, person.display_name()));
    let progress = topics
        .contains(&domain::access::Topic::GoalsAndProgress)
        .then(|| domain::screens::progress_heading(&reader, person.display_name()));
    let meetings = topics
        .contains(&domain::access::Topic::MeetingsAndReviews)
        .then(|| domain::screens::meetings_heading(&reader, person.display_name()));
    let ended = person.ended_note();
    // On shift, recording today's progress is the first thing: three taps from here (this
    // link, a value, Save).
    let record_progress = progress.is_some() && ended.is_none() && reader.records_progress();
    // Once support has ended nothing more is written to the record: the plan is there to read.
    let plan_link = if ended.is_some() {
        Some("Read the plan".to_owned())
    } else {
        domain::screens::plan_link(&reader, person.display_name())
    };
    let circle_link = domain::screens::circle_link(&reader, person.display_name());
    let all_shared = topics.len() == domain::access::Topic::ALL.len();
    let shared_titles = topics
        .iter()
        .map(|t| t.title())
        .collect::<Vec<_>>()
        .join(", ");
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
            <CommunicationNeeds text=communication />
            {ended.map(|note| view! {
                <p class="panel panel-note" role="note"><strong>{note}</strong>". The record is kept to read; nothing more can be written to it."</p>
            })}
            {(!all_shared).then(|| view! {
                <p class="shared-note" role="note">
                    {if shared_titles.is_empty() {
                        format!("{} hasn't shared any part of their record with you yet.", person.display_name())
                    } else {
                        format!("{} shares with you: {shared_titles}. Nothing else of this record is shown to you.", person.display_name())
                    }}
                </p>
            })}
            {(!early_warnings_for_me.is_empty()).then(|| view! {
                <section class="panel" aria-labelledby="warnings-for-me">
                    <h2 id="warnings-for-me">"When staff may contact you"</h2>
                    <p>{format!("{} has agreed that staff may contact you if they notice:", person.display_name())}</p>
                    <ul>{early_warnings_for_me.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </section>
            })}
            // The pages of the record open as whole pages (`rel="external"`: the router leaves
            // them to the browser), so that with no signal they come from the device's copy of
            // each page (the service worker) rather than from a server call that cannot answer.
            <p class="actions">
                {easy_read.map(|text| view! {
                    <a class="button" rel="external" href=format!("/people/{}/easy-read", person.id)>{text}</a>
                })}
                {plan_link.map(|text| view! {
                    <a class=plan_class rel="external" href=format!("/people/{}/plan", person.id)>{text}</a>
                })}
                {record_progress.then(|| view! {
                    <a class="button" rel="external" href=format!("/people/{}/progress#record", person.id)>"Record progress"</a>
                })}
                {progress.map(|text| view! {
                    <a class="button secondary" rel="external" href=format!("/people/{}/progress", person.id)>{text}</a>
                })}
                {involvement.map(|text| view! {
                    <a class="button secondary" rel="external" href=format!("/people/{}/involvement", person.id)>{text}</a>
                })}
                {meetings.map(|text| view! {
                    <a class="button secondary" rel="external" href=format!("/people/{}/meetings", person.id)>{text}</a>
                })}
                {may_manage_circle.then(|| view! {
                    <a class="button secondary" href=format!("/people/{}/circle", person.id)>{circle_link}</a>
                })}
                {may_export.then(|| view! {
                    <a class="button secondary" href=format!("/people/{}/summary", person.id)>"Printable summary"</a>
                })}
                {may_manage_support.then(|| view! {
                    <a class="button secondary" href=format!("/people/{}/manage", person.id)>"Move or end support"</a>
                })}
            </p>
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
                    <p class="words">{text}</p>
                </section>
            }).collect_view()}
        </article>
    }
}
