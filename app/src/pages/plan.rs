//! `/people/:id/plan`: the person's plan, to edit together: "About me", goals with steps,
//! meetings with notes written together, and whatever needs a person to settle (conflicts,
//! refused edits). Every edit works offline. Each part is a record (see `domain::records`);
//! this page only shows them and sends edits.

use domain::records::kinds::{ABOUT, GOALS, MEETINGS, STEPS};
use domain::records::views::{self, ConflictView};
use domain::records::{RecordOp, Value};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::api::plans::{PlanPage as PlanData, get_plan};
use crate::components::{DeviceSync, ErrorPanel, SyncStatusBar, escaped_text};
use crate::sync::RecordSync;

/// How long a pause in typing is before the words typed are kept as an edit.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

/// Waits for a pause in typing: what `restart` is given runs once [`TYPING_PAUSE`] has passed
/// with no further call, unless `cancel` comes first.
#[derive(Clone, Copy)]
struct TypingPause(StoredValue<Option<TimeoutHandle>>);

impl TypingPause {
    fn new() -> Self {
        Self(StoredValue::new(None))
    }

    fn restart(self, then: impl Fn() + 'static) {
        self.cancel();
        self.0
            .set_value(set_timeout_with_handle(then, TYPING_PAUSE).ok());
    }

    fn cancel(self) {
        if let Some(handle) = self.0.get_value() {
            handle.clear();
            self.0.set_value(None);
        }
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let page = Resource::new(id, get_plan);
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"All people"</a></li>
                <li><a href=move || format!("/people/{}", id())>"Profile"</a></li>
            </ol>
        </nav>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <PlanEditor data /> }.into_any(),
                    Err(error) => view! { <Title text="Not found" /> <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Whether the reader may change anything here at all (the plan page is also read by people
/// who may not).
#[derive(Debug, Clone, Copy)]
struct MayEdit(bool);

/// Whether the page can edit: the reader may, and the engine is running (JavaScript on, the
/// record loaded). Controls that edit are rendered only then, so a page read with JavaScript
/// off shows no button that could not work.
fn editing(sync: RecordSync) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let may = use_context::<MayEdit>().is_some_and(|m| m.0);
    move || may && sync.status.with(|s| s.running)
}

#[component]
fn PlanEditor(data: PlanData) -> impl IntoView {
    let sync = RecordSync::new(
        data.person,
        &data.snapshot,
        data.me.clone(),
        data.texts.clone(),
    );
    provide_context(sync);
    let may_edit = data.may_write && data.reader.edits_the_plan();
    provide_context(MayEdit(may_edit));
    let snapshot = data.snapshot.clone();
    // Effects run only in the browser, after hydration: the engine takes over from here.
    Effect::new(move |_| sync.start(snapshot.clone()));
    // The header's sync chip speaks for this plan while it is open.
    if let Some(device) = use_context::<DeviceSync>() {
        Effect::new(move |_| {
            let s = sync.status.get();
            if s.running {
                device.online.set(Some(s.online));
                device.waiting.set(Some(s.waiting));
            }
        });
        on_cleanup(move || device.recount());
    }
    let title = domain::screens::plan_heading(&data.reader, &data.name);
    // Only the parts of the record the person shares with this reader are shown (and held); a
    // change of what is shared takes them away (or brings them) without a reload.
    let shows = move |t: domain::access::Topic| sync.topics.with(|topics| topics.contains(&t));
    let about = move || shows(domain::access::Topic::AboutMe);
    let goals = move || shows(domain::access::Topic::GoalsAndProgress);
    let meetings = move || shows(domain::access::Topic::MeetingsAndReviews);
    let person = data.person;
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <SyncStatusBar sync />
        // Hidden once the page is interactive (see style/main.css): this is what a browser with
        // JavaScript off keeps showing.
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "This is the plan as the server holds it, to read. Editing needs JavaScript: turn it on to edit, even with no connection."
            </p>
        })}
        <OnThisPage about goals meetings />
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

/// The text of `field` of record `kind`/`id` as the device shows it ("" when absent).
fn text_of(sync: RecordSync, kind: &'static str, id: Uuid, field: &'static str) -> Memo<String> {
    Memo::new(move |_| {
        sync.view
            .with(|v| v.find(kind, id).map(|r| r.text(field).to_owned()))
            .unwrap_or_default()
    })
}

/// A text field of a record, in a box that grows with its words. Shows the record's value,
/// except while someone is typing in it: a change arriving then is not allowed to overwrite
/// their words (it is reconciled when they finish, as a conflict if it was to the same field).
#[component]
fn TextField(
    kind: &'static str,
    id: Uuid,
    field: &'static str,
    label: String,
    rows: u32,
) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let current = text_of(sync, kind, id, field);
    let dom_id = format!("{kind}-{field}-{id}");
    let error_id = format!("{dom_id}-error");
    let node = NodeRef::<html::Textarea>::new();
    let (error, set_error) = signal(None::<String>);
    let before = StoredValue::new(String::new());
    let pause = TypingPause::new();
    Effect::new(move |_| {
        let value = current.get();
        if let Some(el) = node.get()
            && !is_focused(&el)
            && error.get_untracked().is_none()
        {
            el.set_value(&value);
        }
    });
    // What was typed is kept (on the device, then sent) once the person pauses, not only when
    // they leave the box: a phone locked or a tab closed mid-sentence loses nothing typed
    // before the pause.
    let commit = move || {
        pause.cancel();
        let Some(el) = node.get_untracked() else {
            return;
        };
        let after = el.value();
        let was = before.get_value();
        if after.trim() == was.trim() {
            return;
        }
        match sync.set(
            kind,
            id,
            field,
            Value::Text(was),
            Value::Text(after.clone()),
        ) {
            Ok(()) => {
                set_error.set(None);
                before.set_value(after);
            }
            Err(reason) => set_error.set(Some(reason)),
        }
    };
    let on_input = move |_| pause.restart(commit);
    let on_blur = move |_| {
        commit();
        if let Some(el) = node.get_untracked()
            && error.get_untracked().is_none()
        {
            el.set_value(&current.get_untracked());
        }
    };
    let editing = editing(sync);
    view! {
        <div class="field">
            <label for=dom_id.clone()>{label}</label>
            <textarea
                id=dom_id
                class="grows"
                rows=rows
                node_ref=node
                readonly=move || !editing()
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().then_some("true")
                on:focus=move |_| before.set_value(current.get_untracked())
                on:input=on_input
                on:blur=on_blur
                inner_html=escaped_text(&current.get_untracked())
            ></textarea>
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
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

/// A labelled text box with a button that adds what was typed; what was typed stays when it
/// cannot be added, with the reason. Shown only once the page can edit.
#[component]
fn NewItemForm(
    id: String,
    label: String,
    button: String,
    submit: Callback<String, Result<(), String>>,
) -> impl IntoView {
    let editing = editing(expect_context::<RecordSync>());
    let (id, label, button) = (
        StoredValue::new(id),
        StoredValue::new(label),
        StoredValue::new(button),
    );
    view! {
        <Show when=editing>
            <NewItem id=id.get_value() label=label.get_value() button=button.get_value() submit />
        </Show>
    }
}

#[component]
fn NewItem(
    id: String,
    label: String,
    button: String,
    submit: Callback<String, Result<(), String>>,
) -> impl IntoView {
    let node = NodeRef::<html::Textarea>::new();
    let (error, set_error) = signal(None::<String>);
    let error_id = format!("{id}-error");
    view! {
        <form class="new-item" on:submit=move |ev| {
            ev.prevent_default();
            let Some(el) = node.get_untracked() else { return };
            match submit.run(el.value()) {
                Ok(()) => {
                    el.set_value("");
                    set_error.set(None);
                }
                Err(reason) => set_error.set(Some(reason)),
            }
        }>
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
                <textarea id=id class="grows" rows=2 node_ref=node aria-describedby=error_id
                    aria-invalid=move || error.get().is_some().then_some("true")></textarea>
            </div>
            <button type="submit" class="secondary">{button}</button>
        </form>
    }
    .into_any()
}

/// A button that records `ops`; a refusal is shown beside it. Shown only once the page can
/// edit.
#[component]
fn ActionButton(label: String, described: String, ops: Vec<RecordOp>) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let editing = editing(sync);
    let (error, set_error) = signal(None::<String>);
    let aria = StoredValue::new(format!("{label}: {described}"));
    let label = StoredValue::new(label);
    let ops = StoredValue::new(ops);
    view! {
        <Show when=editing>
            <button type="button" class="secondary" aria-label=aria.get_value()
                on:click=move |_| set_error.set(sync.edit(ops.get_value()).err())>
                {label.get_value()}
            </button>
            <span class="field-error" role="alert">{move || error.get()}</span>
        </Show>
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

/// The notes state of meeting `id` as the device shows it.
fn notes_state(sync: RecordSync, id: Uuid) -> Vec<u8> {
    sync.view
        .with_untracked(|v| match v.find(MEETINGS, id).map(|m| m.get("notes")) {
            Some(Value::Shared(state)) => state.clone(),
            _ => Vec::new(),
        })
}

/// A meeting's notes, merged character by character with what others type at the same time.
/// Typing is sent after a short pause; a change from elsewhere is merged into the box while
/// the person types, keeping their cursor where it was.
#[component]
fn NotesEditor(meeting: Uuid, title: String) -> impl IntoView {
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
    let on_input = move |_| pause.restart(flush);
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

/// Conflicts kept as records: shown on every device whose reader may read what they concern,
/// until someone settles them.
#[component]
fn ConflictsPanel() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let conflicts = Memo::new(move |_| {
        sync.view
            .with(|v| views::conflicts(v, &domain::records::Catalog::standard()))
    });
    view! {
        <Show when=move || !conflicts.with(Vec::is_empty)>
            <section class="panel panel-attention" aria-labelledby="conflicts-heading">
                <h2 id="conflicts-heading">"To settle together"</h2>
                <For each=move || conflicts.get() key=|c| c.id let:open>
                    <ConflictCard open />
                </For>
            </section>
        </Show>
    }
    .into_any()
}

#[component]
fn ConflictCard(open: ConflictView) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let settle = RecordOp::Settle { conflict: open.id };
    let ConflictView {
        id,
        heading,
        about_kind,
        about_id,
        field,
        theirs,
        mine,
        theirs_by,
        mine_by,
        kept,
    } = open;
    if let Some((change, op)) = kept {
        let restore = vec![
            RecordOp::Restore {
                kind: about_kind.clone(),
                id: about_id,
            },
            fresh_edit(sync, op),
            settle.clone(),
        ];
        let (label, title) = (heading.clone(), heading.clone());
        return view! {
            <article class="conflict" aria-label=label>
                <h3>{title}</h3>
                <dl class="versions">
                    <dt>"The change kept aside"<span class="by">{format!("Made by {}", views::written_by(&mine_by))}</span></dt>
                    <dd>{change}</dd>
                </dl>
                <div class="actions">
                    <ActionButton label="Bring it back with this change".to_owned() described=heading.clone() ops=restore />
                    <ActionButton label="Leave it removed".to_owned() described=heading ops=vec![settle] />
                </div>
            </article>
        }
        .into_any();
    }
    let (kind, field_name) = (about_kind.clone(), field.clone());
    let now = move || {
        sync.view
            .with(|v| v.find(&kind, about_id).map(|r| r.get(&field_name).clone()))
            .unwrap_or_default()
    };
    // Who wrote what is in the plan now: the field's own stamp (someone may have changed it
    // again since the conflict), else whoever's version the conflict kept.
    let now_by = {
        let (kind, field_name) = (about_kind.clone(), field.clone());
        move || {
            let stamp = sync.view.with(|v| {
                v.find(&kind, about_id)
                    .and_then(|r| r.stamps.get(&field_name))
                    .map(|s| (s.by.clone(), s.at_ms))
            });
            format!(
                "Written by {}",
                views::written_by(&stamp.unwrap_or_else(|| mine_by.clone()))
            )
        }
    };
    let now_value = now.clone();
    let use_other = {
        let (kind, field, theirs) = (about_kind.clone(), field.clone(), theirs.clone());
        move || {
            vec![
                RecordOp::Set {
                    kind: kind.clone(),
                    id: about_id,
                    field: field.clone(),
                    before: now_value(),
                    after: theirs.clone(),
                },
                RecordOp::Settle { conflict: id },
            ]
        }
    };
    let is_text = matches!(mine, Value::Text(_));
    let write_new = {
        let (kind, field) = (about_kind.clone(), field.clone());
        let now = now.clone();
        Callback::new(move |text: String| {
            sync.edit(vec![
                RecordOp::Set {
                    kind: kind.clone(),
                    id: about_id,
                    field: field.clone(),
                    before: now(),
                    after: Value::Text(text),
                },
                RecordOp::Settle { conflict: id },
            ])
        })
    };
    let (label, title) = (heading.clone(), heading.clone());
    let use_other_ops = use_other();
    view! {
        <article class="conflict" aria-label=label>
            <h3>{title}</h3>
            <dl class="versions">
                <dt>"Now in the plan"<span class="by">{now_by}</span></dt>
                <dd>{move || now().describe()}</dd>
                <dt>"The other version"<span class="by">{format!("Written by {}", views::written_by(&theirs_by))}</span></dt>
                <dd>{theirs.describe()}</dd>
            </dl>
            <div class="actions">
                <ActionButton label="Keep what's in the plan".to_owned() described=heading.clone() ops=vec![settle] />
                <ActionButton label="Use the other version".to_owned() described=heading ops=use_other_ops />
            </div>
            <Show when=move || is_text>
                <NewItemForm
                    id=format!("conflict-{id}-new")
                    label="Or write a new version".to_owned()
                    button="Save new version".to_owned()
                    submit=write_new
                />
            </Show>
        </article>
    }
    .into_any()
}

/// A kept edit made again from what the record holds now, so that it does not conflict with
/// itself.
fn fresh_edit(sync: RecordSync, op: RecordOp) -> RecordOp {
    match op {
        RecordOp::Set {
            kind,
            id,
            field,
            after,
            ..
        } => {
            let before = sync
                .view
                .with_untracked(|v| v.find(&kind, id).map(|r| r.get(&field).clone()))
                .unwrap_or_default();
            RecordOp::Set {
                kind,
                id,
                field,
                before,
                after,
            }
        }
        other => other,
    }
}

/// Edits the server refused, with their content, so that nothing typed is lost.
#[component]
fn RefusedPanel() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    view! {
        <Show when=move || !sync.refused.with(Vec::is_empty)>
            <section class="panel panel-attention" aria-labelledby="rejected-heading">
                <h2 id="rejected-heading">"Edits that could not be saved"</h2>
                <p class="hint">"What was typed is kept here: copy it into the plan again if it is still wanted."</p>
                <For each=move || sync.refused.get() key=|r| r.mutation.seq let:edit>
                    <RefusedCard edit />
                </For>
            </section>
        </Show>
    }
    .into_any()
}

#[component]
fn RefusedCard(edit: domain::records::replica::Refused) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let op = edit.mutation.op.to_record_op(sync.person);
    let what = op.as_ref().map_or_else(
        || "An edit in an older format".to_owned(),
        |op| {
            sync.view.with_untracked(|v| {
                domain::records::engine::describe_op(v, op, &domain::records::Catalog::standard())
            })
        },
    );
    let seq = edit.mutation.seq;
    let text = op.as_ref().and_then(typed_text);
    view! {
        <article class="rejected">
            <h3>{what.clone()}</h3>
            <p>{edit.reason}</p>
            {text.map(|t| view! {
                <label>
                    "What was typed"
                    <textarea readonly rows=2 class="grows" inner_html=escaped_text(&t)></textarea>
                </label>
            })}
            <button type="button" class="secondary" aria-label=format!("Dismiss: {what}")
                on:click=move |_| sync.dismiss_refused(seq)>
                "Dismiss"
            </button>
        </article>
    }
    .into_any()
}

/// The words an edit carried, to give them back to the person.
fn typed_text(op: &RecordOp) -> Option<String> {
    match op {
        RecordOp::Set {
            after: Value::Text(t),
            ..
        } => Some(t.clone()),
        RecordOp::Create { fields, .. } => {
            let words: Vec<&str> = fields
                .values()
                .filter_map(|v| match v {
                    Value::Text(t) if !t.is_empty() => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            (!words.is_empty()).then(|| words.join("\n"))
        }
        _ => None,
    }
}

/// Is `el` where the person is typing?
fn is_focused(el: &leptos::web_sys::HtmlTextAreaElement) -> bool {
    let el: &leptos::web_sys::Element = el.as_ref();
    document().active_element().is_some_and(|a| &a == el)
}
