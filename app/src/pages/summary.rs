//! `/people/:id/summary`: the record on one printable page, for the person and their staff.
//! Only what the reader may read is on it; opening it is audited as an export.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::plans::{Summary, get_summary};
use crate::components::ErrorPanel;

#[component]
pub fn SummaryPage() -> impl IntoView {
    let params = use_params_map();
    let summary = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_summary,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <SummaryView summary /> }.into_any(),
                    Err(error) => view! { <Title text="Summary" /> <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SummaryView(summary: Summary) -> impl IntoView {
    use domain::access::Topic;
    let title = format!("{}: summary", summary.name);
    let about = summary.topics.contains(&Topic::AboutMe).then(|| {
        let sections: Vec<_> = summary
            .about_me
            .sections()
            .into_iter()
            .map(|s| (s.title, s.text.to_owned()))
            .collect();
        let strengths = summary.about_me.strengths.clone();
        view! {
            <section class="panel">
                <h2>"My strengths"</h2>
                <ul>{strengths.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                {sections.into_iter().map(|(t, text)| view! { <h3>{t}</h3> <p>{text}</p> }).collect_view()}
            </section>
        }
    });
    let goals = summary.topics.contains(&Topic::GoalsAndProgress).then(|| view! {
        <section class="panel">
            <h2>"My goals"</h2>
            {if summary.goals.is_empty() {
                view! { <p>"No goals written yet."</p> }.into_any()
            } else {
                view! {
                    <ol>
                        {summary.goals.into_iter().map(|(wording, steps)| view! {
                            <li>
                                <strong>{wording}</strong>
                                <ul>{steps.into_iter().map(|(text, done)| view! {
                                    <li>{if done { format!("✓ {text} (done)") } else { text }}</li>
                                }).collect_view()}</ul>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    });
    let meetings = summary
        .topics
        .contains(&Topic::MeetingsAndReviews)
        .then(|| {
            view! {
                <section class="panel">
                    <h2>"Meetings and reviews"</h2>
                    {summary.meetings.into_iter().map(|(t, notes)| view! {
                        <h3>{t}</h3>
                        <p class="notes">{notes}</p>
                    }).collect_view()}
                </section>
            }
        });
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="person-details">{summary.service_name}</p>
        <p class="no-print">"Use your browser's Print to print this page or save it as a PDF. Opening it is noted in the audit trail."</p>
        {about}
        {goals}
        {meetings}
    }
}
