//! `/people/:id/easy-read`: the plan in easy read (large type, short sentences, one idea per
//! line, a symbol for each block, the person's own words kept), made by
//! `domain::easy_read::plan` from the records the reader has, so it shows only what they may
//! see and works offline like every page of the record. A person's page leads with it when
//! their communication needs ask for easy read. It prints as it reads.

use domain::easy_read::{self, Block, Mark};
use leptos::prelude::*;
use leptos_meta::Title;

use super::editing::{CommunicationBanner, RecordPage, start_record};
use crate::api::plans::PlanPage as PlanData;
use crate::components::SyncStatusBar;

#[component]
pub fn EasyReadPage() -> impl IntoView {
    view! { <RecordPage leave_out=domain::outcomes::TRACKER_ONLY page=|data| view! { <EasyRead data /> }.into_any() /> }
}

#[component]
fn EasyRead(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let title = domain::screens::easy_read_heading(&data.reader, &data.name);
    let person = data.person;
    let today = data.today;
    let blocks = Memo::new(move |_| {
        sync.topics.with(|topics| {
            sync.view
                .with(|v| easy_read::plan(v, person, topics, today))
        })
    });
    let running = move || sync.status.with(|s| s.running);
    view! {
        <Title text=title.clone() />
        <article class="easy-read" aria-labelledby="easy-read-heading">
            <h1 id="easy-read-heading">{title}</h1>
            <CommunicationBanner sync />
            <SyncStatusBar sync />
            <p class="actions no-print">
                <a class="button secondary" href=format!("/people/{person}/plan")>"The full plan"</a>
                <Show when=running>
                    <button type="button" class="secondary" on:click=move |_| print()>"Print"</button>
                </Show>
            </p>
            <Show
                when=move || !blocks.with(Vec::is_empty)
                fallback=move || view! {
                    <p class="panel">"Nothing of this plan is shared with you yet."</p>
                }
            >
                {move || blocks.get().into_iter().enumerate().map(|(n, block)| view! {
                    <EasyBlock block n />
                }).collect_view()}
            </Show>
        </article>
    }
}

/// One block: its symbol beside its heading, then each part, one idea per line.
#[component]
fn EasyBlock(block: Block, n: usize) -> impl IntoView {
    let heading_id = format!("easy-block-{n}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="easy-block" aria-labelledby=labelled_by>
            <div class="easy-heading">
                <img src=block.symbol.file() alt="" width="96" height="96" />
                <h2 id=heading_id>{block.heading}</h2>
            </div>
            {block.parts.into_iter().map(|part| view! {
                {part.heading.map(|h| view! { <h3>{h}</h3> })}
                <ul class="easy-lines">
                    {part.lines.into_iter().map(|line| {
                        // A sign beside the words for those who read pictures, and the
                        // same in words for screen readers.
                        let (class, sign, said) = match line.mark {
                            Mark::Plain => ("", "", None),
                            Mark::Done => ("done", "✓", Some("Done: ")),
                            Mark::Dont => ("dont", "✗", None),
                            Mark::Important => ("important", "★", Some("Most important: ")),
                        };
                        view! {
                            <li class=class>
                                <span class="mark" aria-hidden="true">{sign}</span>
                                {said.map(|s| view! { <span class="visually-hidden">{s}</span> })}
                                {line.text}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}

/// The browser's print dialogue (the button is there only once the page is interactive).
pub(crate) fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
