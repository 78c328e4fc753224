//! `/people/:id/plan`: the person's plan, to edit together: "About me", goals with steps,
//! meetings with notes written together, and whatever needs a person to settle (conflicts,
//! refused edits). Every edit works offline. Each part is a record (see `domain::records`);
//! this page only shows them and sends edits.

use domain::records::kinds::{ABOUT, GOALS, MEETINGS, STEPS};
use domain::records::views;
use domain::records::{RecordOp, Value};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::editing::{
    ActionButton, CommunicationBanner, ConflictsPanel, EasyReadLink, NewItemForm, RecordPage,
    RefusedPanel, TextField, TypingPause, editing, is_focused, start_record, text_of,
};
use crate::api::plans::PlanPage as PlanData;
use crate::components::{SyncStatusBar, escaped_text};
use crate::sync::RecordSync;

#[component]
pub fn PlanPage() -> impl IntoView {
    view! { <RecordPage leave_out=domain::outcomes::TRACKER_ONLY page=|data| view! { <PlanEditor data /> }.into_any() /> }
}

#[component]
fn PlanEditor(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let may_edit = data.may_write && data.reader.edits_the_plan();
    let title = domain::screens::plan_heading(&data.reader, &data.name);
    // Only the parts of the record the person shares with this reader are shown (and held); a
    // change of what is shared takes them away (or brings them) without a reload.
    let shows = move |t: domain::access::Topic| sync.topics.with(|topics| topics.contains(&t));
    let about = move || shows(domain::access::Topic::AboutMe);
    let goals = move || shows(domain::access::Topic::GoalsAndProgress);
    let meetings = move || shows(domain::access::Topic::MeetingsAndReviews);
    let person = data.person;
    let (reader, name) = (data.reader.clone(), data.name.clone());
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <CommunicationBanner sync />
        <EasyReadLink sync />
        <SyncStatusBar sync />
        // Hidden once the page is interactive (see style/main.css): this is what a browser with
        // JavaScript off keeps showing.
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "This is the plan as the server holds it, to read. Editing needs JavaScript: turn it on to edit, even with no connection."
            </p>
        })}
        <OnThisPage about goals meetings />
        {move || shows(domain::access::Topic::Involvement).then(|| view! {
            <p class="actions">
                <a class="button secondary" href=format!("/people/{}/involvement", person)>
                    {domain::screens::involvement_heading(&reader, &name)}
                </a>
            </p>
        })}
        <ConflictsPanel />
        <RefusedPanel />
        {move || about().then(|| view! {
            <section class="panel" aria-labelledby="about-heading">
                <h2 id="about-heading">"About me"</h2>
                {views::about_me_sections()
                    .map(|(field, label)| {
                        view! { <TextField kind=ABOUT id=person.0 field label=label.to_owned() rows=3 /> }
                    })
                    .collect_view()}
            </section>
        })}
        {move || goals().then(|| view! { <GoalsEditor /> })}
        {move || meetings().then(|| view! { <MeetingsEditor /> })}
    }
    .into_any()
}

/// Links to the plan's sections, for a long page on a phone.
#[component]
fn OnThisPage(
    about: impl Fn() -> bool + Copy + Send + Sync + 'static,
    goals: impl Fn() -> bool + Copy + Send + Sync + 'static,
    meetings: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shown = move || usize::from(about()) + usize::from(goals()) + usize::from(meetings());
    view! {
        <Show when=move || { shown() > 1 }>
            <nav class="on-this-page" aria-label="On this page">
                <ul>
                    {move || about().then(|| view! { <li><a href="#about-heading">"About me"</a></li> })}
                    {move || goals().then(|| view! { <li><a href="#goals-heading">"Goals and steps"</a></li> })}
                    {move || meetings().then(|| view! { <li><a href="#meetings-heading">"Meetings and reviews"</a></li> })}
                </ul>
            </nav>
        </Show>
    }
}

#[component]
fn GoalsEditor() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let all = Memo::new(move |_| sync.view.with(views::goals));
    let active = Memo::new(move |_| {
        all.with(|goals| {
            goals
                .iter()
                .filter(|g| !g.deleted && g.status == "active")
                .map(|g| g.id)
                .collect::<Vec<_>>()
        })
    });
    let removed = Memo::new(move |_| {
        all.with(|goals| {
            goals
                .iter()
                .filter(|g| g.deleted)
                .map(|g| (g.id, g.wording.clone()))
                .collect::<Vec<_>>()
        })
    });
    let full = move || active.with(Vec::len) >= 3;
    view! {
        <section class="panel" aria-labelledby="goals-heading">
            <h2 id="goals-heading">"My goals"</h2>
            <p class="hint">"One to three goals at a time, in my own words."</p>
            <p class="no-print">
                <a class="button secondary" href=format!("/people/{}/progress", sync.person)>
                    "Progress, measures and risk plans"
                </a>
            </p>
            <StrengthsQuestions />
            <For each=move || active.get() key=|id| *id let:goal>
                <GoalEditor goal />
            </For>
            <Show
                when=move || !full()
                fallback=|| view! {
                    <p class="hint">"Three goals are being worked on. Finish or remove one to add another."</p>
                }
            >
                <NewItemForm
                    id="new-goal".to_owned()
                    label="A new goal, in my own words".to_owned()
                    button="Add goal".to_owned()
                    submit=Callback::new(move |wording: String| {
                        sync.create(GOALS, None, vec![("wording", Value::Text(wording))]).map(|_| ())
                    })
                />
            </Show>
            <Show when=move || !removed.with(Vec::is_empty)>
                <h3>"Removed goals"</h3>
                <ul class="removed-goals">
                    <For each=move || removed.get() key=|(id, w)| (*id, w.clone()) let:goal>
                        <li>
                            <span>{goal.1.clone()}</span>
                            " "
                            <ActionButton
                                label="Bring back".to_owned()
                                described=goal.1.clone()
                                ops=vec![RecordOp::Restore { kind: GOALS.into(), id: goal.0 }]
                            />
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn GoalEditor(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let wording = text_of(sync, GOALS, goal, "wording");
    let steps = Memo::new(move |_| {
        sync.view.with(|v| {
            v.children(STEPS, goal)
                .filter(|s| !s.deleted)
                .map(|s| s.id)
                .collect::<Vec<_>>()
        })
    });
    view! {
        <article class="goal" aria-label=move || format!("Goal: {}", wording.get())>
            <TextField kind=GOALS id=goal field="wording" label="Goal".to_owned() rows=2 />
            <h3 class="steps-heading">"Steps"</h3>
            <ol class="steps">
                <For
                    each=move || steps.get().into_iter().enumerate()
                    key=|(n, id)| (*n, *id)
                    let:numbered
                >
                    <StepEditor step={numbered.1} number={numbered.0 + 1} />
                </For>
            </ol>
            <NewItemForm
                id=format!("new-step-{goal}")
                label="A new step".to_owned()
                button="Add step".to_owned()
                submit=Callback::new(move |text: String| {
                    sync.create(STEPS, Some(goal), vec![("text", Value::Text(text))]).map(|_| ())
                })
            />
            <ActionButton
                label="Remove this goal".to_owned()
                described=wording.get_untracked()
                ops=vec![RecordOp::Delete { kind: GOALS.into(), id: goal }]
            />
        </article>
    }
    .into_any()
}

/// One step: its words, once (in the box), and whether it is done (a checkbox once the page
/// can edit; in words before).
#[component]
fn StepEditor(step: Uuid, number: usize) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let done = Memo::new(move |_| {
        sync.view
            .with(|v| v.find(STEPS, step).is_some_and(|s| s.flag("done")))
    });
    let check_id = format!("done-{step}");
    let (error, set_error) = signal(None::<String>);
    let editing = editing(sync);
    let done_words = move || if done.get() { "Done" } else { "Not done yet" };
    view! {
        <li class="step">
            <TextField kind=STEPS id=step field="text" label=format!("Step {number}") rows=2 />
            <Show when=editing fallback=move || view! { <p class="hint">{done_words}</p> }>
                <div class="check">
                    <input
                        type="checkbox"
                        id=check_id.clone()
                        prop:checked=move || done.get()
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            let result = sync.set(STEPS, step, "done", Value::Flag(!checked), Value::Flag(checked));
                            set_error.set(result.err());
                        }
                    />
                    <label for=check_id.clone()>
                        "Done"<span class="visually-hidden">{format!(": step {number}")}</span>
                    </label>
                </div>
            </Show>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
    .into_any()
}

#[component]
fn MeetingsEditor() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let meetings = Memo::new(move |_| {
        sync.view.with(|v| {
            views::meetings(v)
                .into_iter()
                .map(|(id, title, _)| (id, title))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel" aria-labelledby="meetings-heading">
            <h2 id="meetings-heading">"Meetings and reviews"</h2>
            <p class="hint">"Notes are written together: several people can type at once and everyone's words are kept."</p>
            <StrengthsQuestions />
            <For each=move || meetings.get() key=|(id, _)| *id let:meeting>
                <NotesEditor meeting=meeting.0 title=meeting.1 />
            </For>
            <NewItemForm
                id="new-meeting".to_owned()
                label="A new meeting or review (for example “Review, 3 March”)".to_owned()
                button="Add meeting".to_owned()
                submit=Callback::new(move |title: String| {
                    sync.create(MEETINGS, None, vec![("title", Value::Text(title))]).map(|_| ())
                })
            />
        </section>
    }
    .into_any()
}

/// How often meeting notes being typed are sent: each keystroke is on its way within this.
const NOTES_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The notes state of meeting `id` as the device shows it.
fn notes_state(sync: RecordSync, id: Uuid) -> Vec<u8> {
    sync.view
        .with_untracked(|v| match v.find(MEETINGS, id).map(|m| m.get("notes")) {
            Some(Value::Shared(state)) => state.clone(),
            _ => Vec::new(),
        })
}

/// A meeting's notes, merged character by character with what others type at the same time.
/// Typing is sent as it goes (every [`NOTES_EVERY`]); a change from elsewhere is merged into the box while
/// the person types, keeping their cursor where it was.
#[component]
pub(crate) fn NotesEditor(meeting: Uuid, title: String) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let text = Memo::new(move |_| sync.shared_text(MEETINGS, meeting, "notes"));
    let node = NodeRef::<html::Textarea>::new();
    // The notes the box was last filled from: typing is sent as a change from these.
    let base = StoredValue::new(notes_state(sync, meeting));
    let pause = TypingPause::new();
    let (error, set_error) = signal(None::<String>);
    let id = format!("notes-{meeting}");
    let error_id = format!("{id}-error");
    let flush = move || {
        pause.cancel();
        let Some(el) = node.get_untracked() else {
            return;
        };
        let from = base.get_value();
        set_error.set(
            sync.edit_shared(MEETINGS, meeting, "notes", &from, &el.value())
                .err(),
        );
        base.set_value(notes_state(sync, meeting));
    };
    Effect::new(move |_| {
        let merged = text.get();
        // Until the merger is here the box shows the notes as the server sent them, to read.
        if !sync.merger.get() {
            return;
        }
        let Some(el) = node.get() else { return };
        if is_focused(&el) {
            flush();
        }
        // What the device holds now (the flush may have added this box's own words).
        let _ = merged;
        let merged = domain::records::shared::text(&notes_state(sync, meeting));
        let shown = el.value();
        if shown != merged {
            let cursor = el.selection_start().ok().flatten();
            el.set_value(&merged);
            if let Some(cursor) = cursor {
                let moved = shifted_cursor(&shown, &merged, cursor);
                let _ = el.set_selection_range(moved, moved);
            }
        }
        base.set_value(notes_state(sync, meeting));
    });
    // Sent while the person types, at most every NOTES_EVERY, so that everyone in the meeting
    // sees the words within half a second (docs/BENCHMARKS.md, "Meeting notes, live").
    let on_input = move |_| pause.at_most_every(NOTES_EVERY, flush);
    let editing = editing(sync);
    view! {
        <div class="field meeting">
            <h3>{title.clone()}</h3>
            <label for=id.clone()>{format!("Notes: {title}")}</label>
            <textarea id=id class="grows" rows=6 node_ref=node aria-describedby=error_id.clone()
                readonly=move || !editing() || !sync.merger.get()
                on:input=on_input on:blur=move |_| flush()
                inner_html=escaped_text(&text.get_untracked())></textarea>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
    .into_any()
}

/// Where a cursor at `cursor` (UTF-16 units, as the browser counts) in `old` belongs in `new`:
/// after a change before it, moved by the change's length; otherwise where it was.
fn shifted_cursor(old: &str, new: &str, cursor: u32) -> u32 {
    let old16: Vec<u16> = old.encode_utf16().collect();
    let new16: Vec<u16> = new.encode_utf16().collect();
    let prefix = old16.iter().zip(&new16).take_while(|(a, b)| a == b).count();
    if cursor as usize <= prefix {
        return cursor;
    }
    let delta = new16.len() as i64 - old16.len() as i64;
    let moved = (i64::from(cursor) + delta).clamp(prefix as i64, new16.len() as i64);
    u32::try_from(moved).unwrap_or(cursor)
}

/// The question types of strengths-based conversations, offered (never required) where goals
/// and reviews are written: closed until someone wants them.
#[component]
fn StrengthsQuestions() -> impl IntoView {
    view! {
        <details class="prompts">
            <summary>"Questions that help (strengths-based)"</summary>
            <dl>
                {domain::involvement::STRENGTHS_QUESTIONS.iter().map(|(kind, question)| view! {
                    <dt>{*kind}</dt>
                    <dd>{*question}</dd>
                }).collect_view()}
            </dl>
        </details>
    }
}
