//! `/people/:id/plan`: the person's plan, to edit together: "About me", goals with steps, and
//! whatever needs a person to settle (conflicts, refused edits). Every edit works offline.

use domain::notes::MeetingId;
use domain::plan::{
    AboutMeField, Conflict, Field, Goal, GoalId, Op, OpenConflict, Plan, Step, Value,
    describe_value,
};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::plans::{PlanPage as PlanData, get_plan};
use crate::components::{ErrorPanel, SyncStatusBar, escaped_text};
use crate::sync::{PlanSync, RejectedEdit};

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let page = Resource::new(id, get_plan);
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <a href="/">"All people"</a>
            " › "
            <a href=move || format!("/people/{}", id())>"Profile"</a>
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

#[component]
fn PlanEditor(data: PlanData) -> impl IntoView {
    let sync = PlanSync::new(data.person, &data.snapshot);
    provide_context(sync);
    let snapshot = data.snapshot.clone();
    // Effects run only in the browser, after hydration: the engine takes over from here.
    Effect::new(move |_| sync.start(snapshot.clone()));
    let title = format!("{}'s plan", data.name);
    // Only the parts of the plan the person shares with this reader are shown (and held); a
    // change of what is shared takes them away (or brings them) without a reload.
    let shows = move |t: domain::access::Topic| sync.topics.with(|topics| topics.contains(&t));
    let about = move || shows(domain::access::Topic::AboutMe);
    let goals = move || shows(domain::access::Topic::GoalsAndProgress);
    let meetings = move || shows(domain::access::Topic::MeetingsAndReviews);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <SyncStatusBar sync />
        // Hidden once the page is interactive (see style/main.css): this is what a browser with
        // JavaScript off keeps showing.
        <p class="panel panel-note js-off-note">
            "This is the plan as the server holds it. Editing needs JavaScript: turn it on to edit, even with no connection."
        </p>
        <ConflictsPanel />
        <RejectedPanel />
        {move || about().then(|| view! {
            <section class="panel" aria-labelledby="about-heading">
                <h2 id="about-heading">"About me"</h2>
                {AboutMeField::ALL
                    .into_iter()
                    .map(|f| {
                        view! {
                            <TextEditor
                                field=Field::AboutMe { field: f }
                                label=f.title().to_owned()
                                rows=3
                            />
                        }
                    })
                    .collect_view()}
            </section>
        })}
        {move || goals().then(|| view! { <GoalsEditor /> })}
        {move || meetings().then(|| view! { <MeetingsEditor /> })}
    }
    .into_any()
}

/// A text field of the plan. Shows the plan's value, except while someone is typing in it: a
/// change arriving then is not allowed to overwrite their words (it is reconciled when they
/// finish, as a conflict if it was to the same field).
#[component]
fn TextEditor(field: Field, label: String, rows: u32) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let current = Memo::new(move |_| match sync.plan.with(|p| p.get(field)) {
        Some(Value::Text(t)) => t,
        _ => String::new(),
    });
    let id = field_id(field);
    let error_id = format!("{id}-error");
    let node = NodeRef::<html::Textarea>::new();
    let (error, set_error) = signal(None::<String>);
    let before = StoredValue::new(String::new());
    Effect::new(move |_| {
        let value = current.get();
        if let Some(el) = node.get()
            && !is_focused(&el)
            && error.get_untracked().is_none()
        {
            el.set_value(&value);
        }
    });
    let on_change = move |_| {
        let Some(el) = node.get_untracked() else {
            return;
        };
        let after = el.value();
        let was = before.get_value();
        if after.trim() == was.trim() {
            return;
        }
        match sync.edit(vec![Op::Set {
            field,
            before: Value::Text(was),
            after: Value::Text(after.clone()),
        }]) {
            Ok(()) => {
                set_error.set(None);
                before.set_value(after);
            }
            Err(reason) => set_error.set(Some(reason)),
        }
    };
    let on_blur = move |_| {
        if let Some(el) = node.get_untracked()
            && error.get_untracked().is_none()
        {
            el.set_value(&current.get_untracked());
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                rows=rows
                node_ref=node
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().then_some("true")
                on:focus=move |_| before.set_value(current.get_untracked())
                on:change=on_change
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
    let sync = expect_context::<PlanSync>();
    let active = Memo::new(move |_| {
        sync.plan
            .with(|p| p.active_goals().map(|g| g.id).collect::<Vec<_>>())
    });
    let removed = Memo::new(move |_| {
        sync.plan.with(|p| {
            p.goals
                .iter()
                .filter(|g| g.deleted)
                .map(|g| (g.id, g.wording.clone()))
                .collect::<Vec<_>>()
        })
    });
    let full = move || active.with(Vec::len) >= domain::plan::MAX_ACTIVE_GOALS;
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
                    submit=Callback::new(move |wording: String| sync.create_goal(wording))
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
                                ops=vec![Op::RestoreGoal { goal: goal.0 }]
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
fn GoalEditor(goal: GoalId) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let found = move || sync.plan.with(|p| find_goal(p, goal).cloned());
    let wording = Memo::new(move |_| found().map(|g| g.wording).unwrap_or_default());
    let steps = Memo::new(move |_| {
        found()
            .map(|g| g.steps.iter().map(|s| s.id).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    view! {
        <article class="goal" aria-label=move || format!("Goal: {}", wording.get())>
            <TextEditor field=Field::GoalWording { goal } label="Goal".to_owned() rows=2 />
            <h3 class="steps-heading">"Steps"</h3>
            <ul class="steps">
                <For each=move || steps.get() key=|id| *id let:step>
                    <StepEditor goal step />
                </For>
            </ul>
            <NewItemForm
                id=format!("new-step-{}", goal.0)
                label="A new step".to_owned()
                button="Add step".to_owned()
                submit=Callback::new(move |text: String| sync.add_step(goal, text))
            />
            <ActionButton
                label="Remove this goal".to_owned()
                described=wording.get_untracked()
                ops=vec![Op::DeleteGoal { goal }]
            />
        </article>
    }
    .into_any()
}

#[component]
fn StepEditor(goal: GoalId, step: domain::plan::StepId) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let found = move || {
        sync.plan.with(|p| {
            find_goal(p, goal).and_then(|g| g.steps.iter().find(|s| s.id == step).cloned())
        })
    };
    let done = Memo::new(move |_| found().is_some_and(|s: Step| s.done));
    let text = Memo::new(move |_| found().map(|s| s.text).unwrap_or_default());
    let check_id = format!("done-{}", step.0);
    let field = Field::StepDone { goal, step };
    let (error, set_error) = signal(None::<String>);
    view! {
        <li class="step">
            <div class="step-done">
                <input
                    type="checkbox"
                    id=check_id.clone()
                    prop:checked=move || done.get()
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        let result = sync.edit(vec![Op::Set {
                            field,
                            before: Value::Flag(!checked),
                            after: Value::Flag(checked),
                        }]);
                        set_error.set(result.err());
                    }
                />
                <label for=check_id>{move || format!("Done: {}", text.get())}</label>
            </div>
            <TextEditor field=Field::StepText { goal, step } label="Step".to_owned() rows=1 />
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
    .into_any()
}

/// A labelled text box with a button that adds what was typed; what was typed stays when it
/// cannot be added, with the reason.
#[component]
fn NewItemForm(
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
            <label for=id.clone()>{label}</label>
            <textarea id=id rows=2 node_ref=node aria-describedby=error_id.clone()></textarea>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
            <button type="submit">{button}</button>
        </form>
    }
    .into_any()
}

/// A button that records `ops`; a refusal is shown beside it.
#[component]
fn ActionButton(label: String, described: String, ops: Vec<Op>) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let (error, set_error) = signal(None::<String>);
    let aria = format!("{label}: {described}");
    view! {
        <button type="button" class="secondary" aria-label=aria
            on:click=move |_| set_error.set(sync.edit(ops.clone()).err())>
            {label}
        </button>
        <span class="field-error" role="alert">{move || error.get()}</span>
    }
    .into_any()
}

#[component]
fn MeetingsEditor() -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let meetings = Memo::new(move |_| {
        sync.plan.with(|p| {
            p.meetings
                .iter()
                .map(|m| (m.id, m.title.clone()))
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
                submit=Callback::new(move |title: String| sync.add_meeting(title))
            />
        </section>
    }
    .into_any()
}

/// A meeting's notes, merged character by character with what others type at the same time.
/// Typing is sent after a short pause; a change from elsewhere is merged into the box while
/// the person types, keeping their cursor where it was.
#[component]
fn NotesEditor(meeting: MeetingId, title: String) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let find = move |p: &Plan| p.meetings.iter().find(|m| m.id == meeting).cloned();
    let text = Memo::new(move |_| {
        sync.plan
            .with(|p| find(p).map(|m| m.text()).unwrap_or_default())
    });
    let node = NodeRef::<html::Textarea>::new();
    // The notes the box was last filled from: typing is sent as a change from these.
    let base = StoredValue::new(sync.plan.with_untracked(find));
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let (error, set_error) = signal(None::<String>);
    let id = format!("notes-{}", meeting.0);
    let error_id = format!("{id}-error");
    let flush = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
            pending.set_value(None);
        }
        let (Some(el), Some(from)) = (node.get_untracked(), base.get_value()) else {
            return;
        };
        set_error.set(sync.edit_notes(&from, &el.value()).err());
        base.set_value(sync.plan.with_untracked(find));
    };
    Effect::new(move |_| {
        let merged = text.get();
        let Some(el) = node.get() else { return };
        if is_focused(&el) {
            flush();
        }
        let merged = sync
            .plan
            .with_untracked(find)
            .map(|m| m.text())
            .unwrap_or(merged);
        let shown = el.value();
        if shown != merged {
            let cursor = el.selection_start().ok().flatten();
            el.set_value(&merged);
            if let Some(cursor) = cursor {
                let moved = shifted_cursor(&shown, &merged, cursor);
                let _ = el.set_selection_range(moved, moved);
            }
        }
        base.set_value(sync.plan.with_untracked(find));
    });
    let on_input = move |_| {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending
            .set_value(set_timeout_with_handle(flush, std::time::Duration::from_millis(400)).ok());
    };
    view! {
        <div class="field meeting">
            <h3>{title.clone()}</h3>
            <label for=id.clone()>{format!("Notes: {title}")}</label>
            <textarea id=id rows=6 node_ref=node aria-describedby=error_id.clone()
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

/// Conflicts recorded in the plan: shown on every device until someone settles them.
#[component]
fn ConflictsPanel() -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let conflicts = Memo::new(move |_| sync.plan.with(|p| p.conflicts.clone()));
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
fn ConflictCard(open: OpenConflict) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let plan = sync.plan.get_untracked();
    let dismiss = Op::Dismiss { conflict: open.id };
    match open.conflict {
        Conflict::SameField {
            field,
            theirs,
            mine: _,
        } => {
            let now = plan.get(field).unwrap_or(Value::Text(String::new()));
            let heading = format!(
                "Two people changed {} at the same time",
                plan.describe_field(field)
            );
            let use_other = vec![
                Op::Set {
                    field,
                    before: now.clone(),
                    after: theirs.clone(),
                },
                dismiss.clone(),
            ];
            let is_text = matches!(now, Value::Text(_));
            let (label, title) = (heading.clone(), heading.clone());
            let new_id = format!("conflict-{}-new", open.id);
            let write_new = Callback::new(move |text: String| {
                sync.edit(vec![
                    Op::Set {
                        field,
                        before: now.clone(),
                        after: Value::Text(text),
                    },
                    Op::Dismiss { conflict: open.id },
                ])
            });
            view! {
                <article class="conflict" aria-label=label>
                    <h3>{title}</h3>
                    <dl>
                        <dt>"Now in the plan"</dt>
                        <dd>{move || sync.plan.with(|p| p.get(field).map(|v| describe_value(&v)).unwrap_or_default())}</dd>
                        <dt>"The other version"</dt>
                        <dd>{describe_value(&theirs)}</dd>
                    </dl>
                    <div class="actions">
                        <ActionButton label="Keep what's in the plan".to_owned() described=heading.clone() ops=vec![dismiss] />
                        <ActionButton label="Use the other version".to_owned() described=heading ops=use_other />
                    </div>
                    <Show when=move || is_text>
                        <NewItemForm
                            id=new_id.clone()
                            label="Or write a new version".to_owned()
                            button="Save new version".to_owned()
                            submit=write_new
                        />
                    </Show>
                </article>
            }
            .into_any()
        }
        Conflict::EditOfDeleted { goal, op } => {
            let name = find_goal(&plan, goal)
                .map(|g| g.wording.clone())
                .unwrap_or_default();
            let heading = format!("“{name}” was removed while someone was changing it");
            let change = plan.describe_op(&op);
            let edit = match *op {
                // Re-applied from what is there now, so it does not conflict with itself.
                Op::Set { field, after, .. } => Op::Set {
                    field,
                    before: plan.get(field).unwrap_or(Value::Text(String::new())),
                    after,
                },
                other => other,
            };
            let restore = vec![Op::RestoreGoal { goal }, edit, dismiss.clone()];
            let (label, title) = (heading.clone(), heading.clone());
            view! {
 <article class="conflict" aria-label=label>
                    <h3>{title}</h3>
                    <p>"Their change: " {change}</p>
                    <div class="actions">
                        <ActionButton label="Bring the goal back with this change".to_owned() described=heading.clone() ops=restore />
                        <ActionButton label="Leave it removed".to_owned() described=heading ops=vec![dismiss] />
                    </div>
                </article>
            }
            .into_any()
        }
    }
}

/// Edits the server refused, with their content, so that nothing typed is lost.
#[component]
fn RejectedPanel() -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    view! {
        <Show when=move || !sync.rejected.with(Vec::is_empty)>
            <section class="panel panel-attention" aria-labelledby="rejected-heading">
                <h2 id="rejected-heading">"Edits that could not be saved"</h2>
                <p class="hint">"What was typed is kept here: copy it into the plan again if it is still wanted."</p>
                <For each=move || sync.rejected.get() key=|r| r.mutation.seq let:edit>
                    <RejectedCard edit />
                </For>
            </section>
        </Show>
    }
    .into_any()
}

#[component]
fn RejectedCard(edit: RejectedEdit) -> impl IntoView {
    let sync = expect_context::<PlanSync>();
    let what = sync
        .plan
        .with_untracked(|p| p.describe_op(&edit.mutation.op));
    let seq = edit.mutation.seq;
    let text = op_text(&edit.mutation.op);
    view! {
        <article class="rejected">
            <h3>{what.clone()}</h3>
            <p>{edit.reason}</p>
            {text.map(|t| view! {
                <label>
                    "What was typed"
                    <textarea readonly rows=2 inner_html=escaped_text(&t)></textarea>
                </label>
            })}
            <button type="button" class="secondary" aria-label=format!("Dismiss: {what}")
                on:click=move |_| sync.dismiss_rejected(seq)>
                "Dismiss"
            </button>
        </article>
    }
    .into_any()
}

fn op_text(op: &Op) -> Option<String> {
    match op {
        Op::Set {
            after: Value::Text(t),
            ..
        } => Some(t.clone()),
        Op::CreateGoal { wording, .. } => Some(wording.clone()),
        Op::AddStep { text, .. } => Some(text.clone()),
        Op::AddMeeting { title, .. } => Some(title.clone()),
        _ => None,
    }
}

fn find_goal(plan: &Plan, goal: GoalId) -> Option<&Goal> {
    plan.goals.iter().find(|g| g.id == goal)
}

fn field_id(field: Field) -> String {
    match field {
        Field::AboutMe { field } => format!("about-{}", about_slug(field)),
        Field::GoalWording { goal } => format!("goal-{}", goal.0),
        Field::StepText { step, .. } => format!("step-{}", step.0),
        Field::StepDone { step, .. } => format!("done-{}", step.0),
    }
}

fn about_slug(field: AboutMeField) -> &'static str {
    match field {
        AboutMeField::AdmiredFor => "admired-for",
        AboutMeField::MattersToMe => "matters-to-me",
        AboutMeField::HowToSupportMe => "how-to-support-me",
        AboutMeField::Hobbies => "hobbies",
        AboutMeField::Wishes => "wishes",
    }
}

/// Is `el` where the person is typing?
fn is_focused(el: &leptos::web_sys::HtmlTextAreaElement) -> bool {
    let el: &leptos::web_sys::Element = el.as_ref();
    document().active_element().is_some_and(|a| &a == el)
}
