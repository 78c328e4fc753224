//! `/people/:id/progress`: the outcome tracker. The goals worked on now, each in the person's
//! words with why it matters and who helps, its graded steps (moved by buttons, never by
//! dragging alone), its measures with a chart of the three voices, a summary in plain words and
//! the figures as a table, its scale of goal attainment and its positive risk plan; then past
//! goals as history. "Record today" at the top takes a value in two taps (a value, Save),
//! offline like every edit. Everything here reads `domain::outcomes`.

use domain::access::Topic;
use domain::calendar::Date;
use domain::outcomes::{self, Figures, Frame, MeasureType, MeasureView, Point, StepState, Voice};
use domain::records::kinds::{GOAL, GOALS, MEASURE, MEASURES, OBSERVATIONS, STEPS};
use domain::records::{RecordOp, Value};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::editing::{
    ActionButton, CommunicationBanner, ConflictsPanel, Field, NewItemForm, RecordPage,
    RefusedPanel, TextField, editing, start_record,
};
use crate::api::plans::PlanPage as PlanData;
use crate::components::SyncStatusBar;
use crate::sync::RecordSync;

#[component]
pub fn ProgressPage() -> impl IntoView {
    view! {
        <RecordPage leave_out=outcomes::TRACKER_ONLY figures=true page=|data| view! { <Progress data /> }.into_any() />
    }
}

/// What every part of the page needs to know of the reader and the day.
#[derive(Debug, Clone, Copy)]
struct Context {
    /// The person's name as the page names them (first name).
    person: StoredValue<String>,
    /// The voice the reader's own observations are in, and whether they may write down the
    /// person's words with them (staff).
    own_voice: &'static str,
    may_write_for_person: bool,
    /// Whether the reader records progress at all (a member only with goals shared to write).
    records: bool,
    today: Date,
    /// Each measure's figures as the server worked them out: the page is sent without the
    /// observations, which the device pulls once it is up (see [`figures_of`]).
    figures: StoredValue<Vec<Figures>>,
}

/// The figures of `measure` as the page shows them: worked out on the device from the
/// observations it holds once it holds them all, and until then as the server sent them with
/// the page, with any recorded here meanwhile among the newest (a measure made since, on this
/// device, has none there: it is worked out here).
fn figures_of(sync: RecordSync, ctx: &Context, measure: Uuid) -> Option<Figures> {
    if !sync.whole.get() {
        let sent = ctx
            .figures
            .with_value(|all| all.iter().find(|f| f.measure == measure).cloned());
        if let Some(sent) = sent {
            return Some(sent.with_held(sync.view.with(|v| outcomes::observations(v, measure))));
        }
    }
    let person = ctx.person.get_value();
    sync.view.with(|v| {
        v.find(MEASURES, measure)
            .filter(|m| !m.deleted)
            .map(|m| Figures::of(&outcomes::measure_view(v, m), &person))
    })
}

#[component]
fn Progress(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let title = domain::screens::progress_heading(&data.reader, &data.name);
    let shown = move || sync.topics.with(|t| t.contains(&Topic::GoalsAndProgress));
    let not_shared = format!(
        "{} hasn't shared their goals and progress with you.",
        data.name
    );
    let may_edit = data.may_write && data.reader.edits_the_plan();
    let person_name = domain::screens::short_name(&data.name).to_owned();
    provide_context(Context {
        person: StoredValue::new(person_name),
        own_voice: data.reader.own_voice(),
        may_write_for_person: data.reader.may_speak_as("person")
            && data.reader.own_voice() != "person",
        records: data.reader.records_progress(),
        today: data.today,
        figures: StoredValue::new(data.figures.clone()),
    });
    let person = data.person;
    let goals = Memo::new(move |_| {
        sync.view.with(|v| {
            let (active, past) = outcomes::goals_by_status(v);
            (
                active.iter().map(|g| g.id).collect::<Vec<_>>(),
                past.iter().map(|g| g.id).collect::<Vec<_>>(),
            )
        })
    });
    let active = move || goals.with(|(a, _)| a.clone());
    let past = move || goals.with(|(_, p)| p.clone());
    let full = move || goals.with(|(a, _)| a.len() >= 3);
    let t_score = Memo::new(move |_| sync.view.with(outcomes::t_score_of));
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <CommunicationBanner sync />
        <SyncStatusBar sync />
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "These are the goals as the server holds them, to read. Recording progress needs JavaScript: turn it on to record, even with no connection."
            </p>
        })}
        <ConflictsPanel />
        <RefusedPanel />
        <Show when=shown fallback=move || view! { <p class="panel">{not_shared.clone()}</p> }>
            <RecordToday />
            <section aria-labelledby="goals-now">
                <h2 id="goals-now">"Goals I'm working on"</h2>
                <Show when=move || goals.with(|(a, _)| a.is_empty())>
                    <p class="hint">"No goals yet. Write one with me, in my words."</p>
                </Show>
                <For each=active key=|id| *id let:goal>
                    <GoalCard goal />
                </For>
                {move || t_score.get().map(|(t, n)| view! {
                    <p class="panel panel-note">
                        {format!(
                            "Goal attainment across {n} {}: T-score {t:.0} (50 means every goal is where we expected).",
                            if n == 1 { "goal" } else { "goals" }
                        )}
                    </p>
                })}
                <Show
                    when=move || !full()
                    fallback=|| view! {
                        <p class="hint">"Three goals are being worked on. Finish, pause or let go of one to add another."</p>
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
            </section>
            <Show when=move || !goals.with(|(_, p)| p.is_empty())>
                <section class="panel" aria-labelledby="goals-past">
                    <h2 id="goals-past">"Past goals"</h2>
                    <p class="hint">"Achieved, paused or let go: kept as history."</p>
                    <ul class="members">
                        <For each=past key=|id| *id let:goal>
                            <PastGoal goal />
                        </For>
                    </ul>
                </section>
            </Show>
            <p class="actions no-print">
                <a class="button secondary" href=format!("/people/{person}/plan")>"The whole plan"</a>
            </p>
        </Show>
    }
    .into_any()
}

/// The text of a goal's field, as the device holds it.
fn goal_text(sync: RecordSync, goal: Uuid, field: &'static str) -> Memo<String> {
    super::editing::text_of(sync, GOALS, goal, field)
}

/// "Record today": each measure of each goal worked on, its values to tap and Save. Three taps
/// from the person's page: "Record progress", a value, Save.
#[component]
fn RecordToday() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let may = editing(sync);
    let records = expect_context::<Context>().records;
    let editing = move || records && may();
    let measures = Memo::new(move |_| {
        sync.view.with(|v| {
            let (active, _) = outcomes::goals_by_status(v);
            active
                .iter()
                .flat_map(|g| {
                    outcomes::measures(v, g.id)
                        .into_iter()
                        .map(|m| (m.id, m.title()))
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel record-today" id="record" aria-labelledby="record-heading">
            <h2 id="record-heading">"Record today"</h2>
            <Show
                when=editing
                fallback=|| view! { <p class="hint">"Recording needs JavaScript (it works with no connection once the page has loaded)."</p> }
            >
                <Show
                    when=move || !measures.with(Vec::is_empty)
                    fallback=|| view! { <p class="hint">"Add a measure to a goal below, then record it here."</p> }
                >
                    <For each=move || measures.get() key=|(id, title)| (*id, title.clone()) let:m>
                        <RecordObservation measure=m.0 title=m.1 />
                    </For>
                </Show>
            </Show>
        </section>
    }
}

/// One measure's quick form: its values as large buttons to choose (with faces for
/// confidence), today's date, whose view it is (the reader's own unless staff write down the
/// person's), a short note, and Save.
#[component]
fn RecordObservation(measure: Uuid, title: String) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ctx = expect_context::<Context>();
    let ty = sync.view.with_untracked(|v| {
        v.find(MEASURES, measure)
            .map_or(MeasureType::Prompts, |m| MeasureType::of(m.text("measure")))
    });
    let unit = sync.view.with_untracked(|v| {
        v.find(MEASURES, measure)
            .map(|m| m.text("unit").to_owned())
            .unwrap_or_default()
    });
    let value = RwSignal::new(None::<i64>);
    let voice = RwSignal::new(ctx.own_voice);
    let (error, set_error) = signal(None::<String>);
    let (saved, set_saved) = signal(None::<String>);
    let note = NodeRef::<leptos::html::Input>::new();
    let on_date = NodeRef::<leptos::html::Input>::new();
    let dom = format!("obs-{measure}");
    let choices: Vec<(i64, String)> = match ty.choices() {
        Some(list) => list.iter().map(|(v, w)| (*v, (*w).to_owned())).collect(),
        None => ty.quick_values().map(|v| (v, v.to_string())).collect(),
    };
    let person = ctx.person.get_value();
    let title_for_save = title.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = value.get_untracked() else {
            set_error.set(Some("Choose a value first.".to_owned()));
            return;
        };
        let date = on_date
            .get_untracked()
            .map(|el| el.value())
            .and_then(|d| d.parse::<Date>().ok())
            .unwrap_or(ctx.today);
        let mut fields = vec![
            ("value", Value::Number(v)),
            ("observed_on", Value::Date(date)),
            ("voice", Value::Choice(voice.get_untracked().to_owned())),
        ];
        let words = note
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        if !words.trim().is_empty() {
            fields.push(("note", Value::Text(words.trim().to_owned())));
        }
        match sync.create(OBSERVATIONS, Some(measure), fields) {
            Ok(_) => {
                set_error.set(None);
                set_saved.set(Some(format!(
                    "Saved: {} on {}.",
                    ty.value_words(v, &unit),
                    domain::calendar::london_date_label(date)
                )));
                value.set(None);
                if let Some(el) = note.get_untracked() {
                    el.set_value("");
                }
            }
            Err(reason) => set_error.set(Some(reason)),
        }
    };
    let today = ctx.today.to_string();
    view! {
        <form class="quick-record" on:submit=save aria-label=format!("Record: {title}")>
            <fieldset class="values">
                <legend>{title.clone()}</legend>
                <div class="value-buttons">
                    {choices.into_iter().map(|(v, words)| {
                        let id = format!("{dom}-{v}");
                        view! {
                            <span class="value-choice">
                                <input type="radio" id=id.clone() name=dom.clone()
                                    prop:checked=move || value.get() == Some(v)
                                    on:change=move |_| { value.set(Some(v)); set_saved.set(None); } />
                                <label for=id>
                                    {(ty == MeasureType::Confidence).then(|| view! { <Face level=v /> })}
                                    <span>{match ty {
                                        MeasureType::Confidence => format!("{v} {words}"),
                                        _ => words,
                                    }}</span>
                                </label>
                            </span>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            {(ty.choices().is_none()).then(|| {
                let id = format!("{dom}-other");
                view! {
                    <div class="field">
                        <label for=id.clone()>"Another number"</label>
                        <input id=id type="number" inputmode="numeric" min=0 max=domain::records::kinds::MEASURE_MAX
                            on:change=move |ev| {
                                value.set(event_target_value(&ev).trim().parse().ok());
                            } />
                    </div>
                }
            })}
            {ctx.may_write_for_person.then(|| {
                let name = format!("{dom}-voice");
                let (own, theirs) = (format!("{dom}-own"), format!("{dom}-theirs"));
                view! {
                    <fieldset class="choices">
                        <legend>"Whose view is this?"</legend>
                        <div class="check">
                            <input type="radio" id=own.clone() name=name.clone()
                                prop:checked=move || voice.get() == "staff"
                                on:change=move |_| voice.set("staff") />
                            <label for=own>"Mine (staff)"</label>
                        </div>
                        <div class="check">
                            <input type="radio" id=theirs.clone() name=name
                                prop:checked=move || voice.get() == "person"
                                on:change=move |_| voice.set("person") />
                            <label for=theirs>{format!("{person}'s own, written down with them")}</label>
                        </div>
                    </fieldset>
                }
            })}
            <details class="more">
                <summary>"Date and a note"</summary>
                <div class="field">
                    <label for=format!("{dom}-date")>"Date"</label>
                    <input id=format!("{dom}-date") type="date" node_ref=on_date value=today.clone() max=today.clone() />
                </div>
                <div class="field">
                    <label for=format!("{dom}-note")>"Note (optional)"</label>
                    <input id=format!("{dom}-note") type="text" maxlength=280 node_ref=note />
                </div>
            </details>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <p class="saved" role="status">{move || saved.get()}</p>
            <button type="submit" aria-label=format!("Save: {title_for_save}")>"Save"</button>
        </form>
    }
}

/// A face for a confidence level, 1 (very worried) to 5 (very confident): the mouth turns up
/// as it rises. Drawn, so it reads the same on every device; the number and word go beside it.
#[component]
pub(crate) fn Face(level: i64, #[prop(default = 32)] size: u32) -> impl IntoView {
    let curve = (level - 3) * 4;
    let mouth = format!("M8 {} Q16 {} 24 {}", 21, 21 + curve, 21);
    view! {
        <svg class="face" viewBox="0 0 32 32" width=size height=size aria-hidden="true" focusable="false">
            <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="2" />
            <circle cx="11" cy="12" r="2" fill="currentColor" />
            <circle cx="21" cy="12" r="2" fill="currentColor" />
            <path d=mouth fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
    }
}

/// A goal worked on now: the person's words, then its steps, measures, scale and risk plan,
/// and everything about it to change.
#[component]
fn GoalCard(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let wording = goal_text(sync, goal, "wording");
    let written_by = goal_text(sync, goal, "written_by");
    let why = goal_text(sync, goal, "why");
    let helpers = goal_text(sync, goal, "helpers");
    let risk_due = Memo::new(move |_| {
        sync.view
            .with(|v| v.find(GOALS, goal).is_some_and(outcomes::risk_review_due))
    });
    let heading = format!("goal-{goal}");
    let labelled = heading.clone();
    let person = use_context::<Context>()
        .map(|c| c.person.get_value())
        .unwrap_or_default();
    view! {
        <article class="panel goal" aria-labelledby=labelled>
            <h3 id=heading class="goal-words">{move || format!("“{}”", wording.get())}</h3>
            <p class="hint">{move || {
                let by = written_by.get();
                if by.trim().is_empty() { format!("In {person}'s words") } else { format!("In the words of {by}") }
            }}</p>
            <Show when=move || !why.get().trim().is_empty()>
                <p><strong>"Why it matters: "</strong>{move || why.get()}</p>
            </Show>
            <Show when=move || !helpers.get().trim().is_empty()>
                <p><strong>"Who helps: "</strong>{move || helpers.get()}</p>
            </Show>
            <Show when=move || risk_due.get()>
                <p class="panel panel-attention" role="note">"The risk plan is due for review: there has been an incident since it was last reviewed."</p>
            </Show>
            <Steps goal />
            <Measures goal />
            <details class="block">
                <summary><span class="block-title">"About this goal"</span></summary>
                <StatusForm goal />
                {["wording", "written_by", "why", "helpers", "review_date", "prompts"]
                    .into_iter()
                    .filter_map(|name| GOAL.field(name))
                    .map(|field| view! { <Field kind=GOALS id=goal field /> })
                    .collect_view()}
            </details>
            <details class="block">
                <summary><span class="block-title">"Goal attainment scale"</span></summary>
                <p class="hint">"Each level in words, then where I am now: −2 to +2, with 0 the outcome we expect."</p>
                {["gas_m2", "gas_m1", "gas_0", "gas_p1", "gas_p2", "gas_level"]
                    .into_iter()
                    .filter_map(|name| GOAL.field(name))
                    .map(|field| view! { <Field kind=GOALS id=goal field /> })
                    .collect_view()}
            </details>
            <RiskPlan goal />
            <p class="actions no-print">
                <a class="button secondary" href=move || format!("{}/card/{goal}", progress_path(sync))>"Goal card (print or easy read)"</a>
                <ActionButton
                    label="Remove this goal".to_owned()
                    described=wording.get_untracked()
                    ops=vec![RecordOp::Delete { kind: GOALS.into(), id: goal }]
                />
            </p>
        </article>
    }
    .into_any()
}

fn progress_path(sync: RecordSync) -> String {
    format!("/people/{}/progress", sync.person)
}

/// A goal's steps in order, the current one marked; each reached with a date, and moved
/// earlier or later by buttons.
#[component]
fn Steps(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let steps = Memo::new(move |_| sync.view.with(|v| outcomes::ordered_steps(v, goal)));
    let count = move || steps.with(Vec::len);
    view! {
        <h4>"Steps"</h4>
        <p class="hint">"Small steps, in order. The first not yet reached is the one we're working on."</p>
        <ol class="steps">
            <For
                each=move || {
                    let n = count();
                    steps.get().into_iter().enumerate().map(move |(i, s)| (i, s, i + 1 == n))
                }
                key=|(n, s, last)| (*n, s.id, s.state, s.text.clone(), *last)
                let:numbered
            >
                <Step goal step=numbered.1.id number=numbered.0 + 1 state=numbered.1.state last=numbered.2 />
            </For>
        </ol>
        <NewItemForm
            id=format!("new-step-{goal}")
            label="A new step".to_owned()
            button="Add step".to_owned()
            submit=Callback::new(move |text: String| {
                let place = steps.with_untracked(|s| outcomes::next_position(s));
                sync.create(STEPS, Some(goal), vec![
                    ("text", Value::Text(text)),
                    ("position", Value::Number(place)),
                ]).map(|_| ())
            })
        />
    }
}

#[component]
fn Step(goal: Uuid, step: Uuid, number: usize, state: StepState, last: bool) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ctx = expect_context::<Context>();
    let editing = editing(sync);
    let (error, set_error) = signal(None::<String>);
    let text = super::editing::text_of(sync, STEPS, step, "text");
    let reached = matches!(state, StepState::Reached(_));
    let class = match state {
        StepState::Reached(_) => "step step-reached",
        StepState::Current => "step step-current",
        StepState::Later => "step",
    };
    let moved = move |earlier: bool| {
        let ops = sync.view.with_untracked(|v| {
            let steps = outcomes::ordered_steps(v, goal);
            outcomes::reorder(&steps, step, earlier)
                .into_iter()
                .map(|(id, before, after)| RecordOp::Set {
                    kind: STEPS.into(),
                    id,
                    field: "position".into(),
                    before,
                    after,
                })
                .collect::<Vec<_>>()
        });
        if !ops.is_empty() {
            set_error.set(sync.edit(ops).err());
        }
    };
    let today = ctx.today;
    let toggle = move |_| {
        let result = if reached {
            sync.edit(vec![RecordOp::Set {
                kind: STEPS.into(),
                id: step,
                field: "done".into(),
                before: Value::Flag(true),
                after: Value::Flag(false),
            }])
        } else {
            let before = sync.view.with_untracked(|v| {
                v.find(STEPS, step)
                    .map(|s| s.get("reached_on").clone())
                    .unwrap_or_default()
            });
            sync.edit(vec![
                RecordOp::Set {
                    kind: STEPS.into(),
                    id: step,
                    field: "done".into(),
                    before: Value::Flag(false),
                    after: Value::Flag(true),
                },
                RecordOp::Set {
                    kind: STEPS.into(),
                    id: step,
                    field: "reached_on".into(),
                    before,
                    after: Value::Date(today),
                },
            ])
        };
        set_error.set(result.err());
    };
    let what = move || format!("step {number}, {}", text.get());
    view! {
        <li class=class>
            <p class="step-text"><span class="step-number">{format!("{number}. ")}</span>{move || text.get()}</p>
            <p class="hint step-state">{state.words()}</p>
            <Show when=editing>
                <div class="actions step-actions">
                    <button type="button" class="secondary" on:click=toggle
                        aria-label=move || format!("{}: {}", if reached { "Not reached yet" } else { "Reached today" }, what())>
                        {if reached { "Not reached yet" } else { "Reached today" }}
                    </button>
                    <button type="button" class="secondary" disabled=number == 1
                        aria-label=move || format!("Move earlier: {}", what()) on:click=move |_| moved(true)>
                        "↑ Earlier"
                    </button>
                    <button type="button" class="secondary" disabled=last
                        aria-label=move || format!("Move later: {}", what()) on:click=move |_| moved(false)>
                        "↓ Later"
                    </button>
                </div>
                <details class="more">
                    <summary>{format!("Change step {number}")}</summary>
                    <TextField kind=STEPS id=step field="text" label=format!("Step {number}") rows=2 />
                    {domain::records::kinds::STEP.field("reached_on").map(|field| view! { <Field kind=STEPS id=step field /> })}
                    <ActionButton label="Remove this step".to_owned() described=text.get_untracked()
                        ops=vec![RecordOp::Delete { kind: STEPS.into(), id: step }] />
                </details>
            </Show>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
    .into_any()
}

/// A goal's measures: each with its summary, chart, figures and what it counts.
#[component]
fn Measures(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ids = Memo::new(move |_| {
        sync.view.with(|v| {
            v.children(MEASURES, goal)
                .filter(|m| !m.deleted)
                .map(|m| m.id)
                .collect::<Vec<_>>()
        })
    });
    let editing = editing(sync);
    let (chosen, set_chosen) = signal("prompts".to_owned());
    let (error, set_error) = signal(None::<String>);
    let pick = format!("new-measure-{goal}");
    view! {
        <h4>"How we'll know"</h4>
        <Show when=move || !ids.with(Vec::is_empty) fallback=|| view! { <p class="hint">"No measures yet."</p> }>
            <For each=move || ids.get() key=|id| *id let:measure>
                <Measure measure />
            </For>
        </Show>
        <Show when=editing>
            <div class="field">
                <label for=pick.clone()>"Add a measure, chosen with me"</label>
                <select id=pick.clone() on:change=move |ev| set_chosen.set(event_target_value(&ev))>
                    {domain::records::kinds::MEASURE_TYPES.iter().map(|(key, words)| view! {
                        <option value=*key selected=*key == "prompts">{*words}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="button" class="secondary" on:click=move |_| {
                    let kind = chosen.get_untracked();
                    set_error.set(sync.create(MEASURES, Some(goal), vec![("measure", Value::Choice(kind))]).err());
                }>"Add measure"</button>
            </div>
        </Show>
    }
}

#[component]
fn Measure(measure: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ctx = expect_context::<Context>();
    let person = ctx.person;
    // What it counts, its baseline and target (not its observations: see `figures`).
    let view_of = Memo::new(move |_| {
        sync.view
            .with(|v| v.find(MEASURES, measure).map(outcomes::measure_of))
    });
    let figures = Memo::new(move |_| figures_of(sync, &ctx, measure));
    let summary = Memo::new(move |_| figures.with(|f| f.as_ref().map(|f| f.summary.clone())));
    let points = Memo::new(move |_| figures.with(|f| f.as_ref().map(|f| f.points.clone())));
    let heading = format!("measure-{measure}");
    let labelled = heading.clone();
    let summary_id = format!("measure-summary-{measure}");
    view! {
        <section class="measure" aria-labelledby=labelled>
            <h5 id=heading>{move || view_of.with(|m| m.as_ref().map(MeasureView::title).unwrap_or_default())}</h5>
            <p class="measure-summary" id=summary_id.clone()>{move || summary.with(|s| s.as_ref().map(|s| s.line.clone()))}</p>
            {move || summary.with(|s| s.as_ref().and_then(|s| s.disagreement.clone())).map(|talk| view! {
                <p class="panel panel-attention" role="note">{talk}</p>
            })}
            {move || view_of.with(|m| m.as_ref().map(|m| {
                let (base, target) = (m.baseline, m.target);
                let words = |v: Option<i64>| v.map_or_else(|| "not set".to_owned(), |v| m.words(v));
                view! { <p class="hint">{format!("Started at: {} · Aiming for: {}", words(base), words(target))}</p> }
            }))}
            {move || view_of.get().zip(points.get()).map(|(m, points)| view! {
                <Chart measure=m points described_by=summary_id.clone() />
            })}
            <h6 class="recent-heading">"Latest"</h6>
            <ul class="recent">
                {move || view_of.with(|m| m.as_ref().zip(figures.get()).map(|(m, figures)| {
                    let name = person.get_value();
                    figures.latest.iter().map(|o| {
                        let mut line = format!(
                            "{}: {} — {}",
                            domain::calendar::london_date_label(o.on),
                            m.words(o.value),
                            o.whose(&name)
                        );
                        if !o.note.is_empty() {
                            line.push_str(&format!(" · “{}”", o.note));
                        }
                        view! { <li>{line}</li> }
                    }).collect_view()
                }))}
            </ul>
            <details class="block">
                <summary><span class="block-title">"Change this measure"</span></summary>
                {MEASURE.fields.iter().map(|field| view! { <Field kind=MEASURES id=measure field /> }).collect_view()}
                <ActionButton label="Remove this measure".to_owned()
                    described=view_of.with_untracked(|m| m.as_ref().map(MeasureView::title).unwrap_or_default())
                    ops=vec![RecordOp::Delete { kind: MEASURES.into(), id: measure }] />
            </details>
        </section>
    }
    .into_any()
}

const CHART_W: f64 = 320.0;
const CHART_H: f64 = 160.0;
const LEFT: f64 = 36.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 28.0;

/// A marker of `voice`'s shape at (x, y): a circle for the person, a square for the circle, a
/// triangle for staff, so the voices read without colour.
fn marker(voice: Voice, x: f64, y: f64) -> AnyView {
    match voice {
        Voice::Person => view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" /> }.into_any(),
        Voice::Member => view! {
            <rect x=format!("{:.1}", x - 3.5) y=format!("{:.1}", y - 3.5) width="7" height="7" />
        }
        .into_any(),
        Voice::Staff => view! {
            <path d=format!("M{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z", x, y - 4.5, x + 4.5, y + 3.5, x - 4.5, y + 3.5) />
        }
        .into_any(),
    }
}

/// Who a voice is on a chart's legend and table.
fn voice_name(voice: Voice, person: &str) -> String {
    match voice {
        Voice::Person => person.to_owned(),
        Voice::Member => "Circle".to_owned(),
        Voice::Staff => "Staff".to_owned(),
    }
}

/// A measure over time, one point a week a voice (the middle value), drawn by the app as SVG:
/// the baseline and target as lines, each voice its own shape and line pattern, the legend
/// under it; and the same figures as a table for screen readers (and anyone) to open.
#[component]
fn Chart(measure: MeasureView, points: Vec<Point>, described_by: String) -> impl IntoView {
    let ctx = expect_context::<Context>();
    let person = ctx.person.get_value();
    let Some(frame) = Frame::of(&measure, &points) else {
        return view! { <p class="hint">"Nothing recorded yet: the chart starts with the first observation."</p> }.into_any();
    };
    let plot_w = CHART_W - LEFT - 8.0;
    let plot_h = CHART_H - TOP - BOTTOM;
    let x = move |d: Date| LEFT + frame.x(d, plot_w);
    let y = move |v: i64| TOP + frame.y(v, plot_h);
    let ty = measure.ty;
    let lines = Voice::ALL
        .into_iter()
        .filter_map(|voice| {
            let mine: Vec<_> = points.iter().filter(|p| p.voice == voice).collect();
            if mine.is_empty() {
                return None;
            }
            let path = mine
                .iter()
                .map(|p| format!("{:.1},{:.1}", x(p.week), y(p.value)))
                .collect::<Vec<_>>()
                .join(" ");
            let markers = mine
                .iter()
                .map(|p| marker(voice, x(p.week), y(p.value)))
                .collect_view();
            Some(view! {
                <g class=format!("voice voice-{}", voice.key())>
                    <polyline points=path fill="none" />
                    {markers}
                </g>
            })
        })
        .collect_view();
    let guide = |value: Option<i64>, class: &'static str, words: &'static str| {
        value.map(|v| {
            let yy = y(v);
            view! {
                <g class=class>
                    <line x1=format!("{LEFT}") x2=format!("{:.1}", CHART_W - 8.0) y1=format!("{yy:.1}") y2=format!("{yy:.1}") />
                    <text x=format!("{:.1}", CHART_W - 10.0) y=format!("{:.1}", yy - 3.0) text-anchor="end">{words}</text>
                </g>
            }
        })
    };
    let ticks = frame
        .ticks()
        .into_iter()
        .map(|t| {
            view! {
                <text class="tick" x=format!("{:.1}", LEFT - 6.0) y=format!("{:.1}", y(t) + 4.0) text-anchor="end">{ty.short(t)}</text>
                <line class="grid" x1=format!("{LEFT}") x2=format!("{:.1}", CHART_W - 8.0) y1=format!("{:.1}", y(t)) y2=format!("{:.1}", y(t)) />
            }
        })
        .collect_view();
    let label = |d: Date| domain::calendar::london_date_label(d);
    let first = label(frame.first);
    let last = label(frame.last);
    let voices_heard: Vec<Voice> = Voice::ALL
        .into_iter()
        .filter(|v| points.iter().any(|p| p.voice == *v))
        .collect();
    let legend = voices_heard
        .iter()
        .map(|v| {
            let name = voice_name(*v, &person);
            view! {
                <li>
                    <svg viewBox="0 0 14 14" width="14" height="14" aria-hidden="true" focusable="false" class=format!("voice voice-{}", v.key())>
                        {marker(*v, 7.0, 7.0)}
                    </svg>
                    {format!(" {name} ({})", v.shape())}
                </li>
            }
        })
        .collect_view();
    // The table: a row a week, a column a voice heard.
    let mut weeks: Vec<Date> = points.iter().map(|p| p.week).collect();
    weeks.dedup();
    weeks.reverse();
    let heads = voices_heard
        .iter()
        .map(|v| view! { <th scope="col">{voice_name(*v, &person)}</th> })
        .collect_view();
    let rows = weeks
        .into_iter()
        .map(|week| {
            let cells = voices_heard
                .iter()
                .map(|v| {
                    let cell = points
                        .iter()
                        .find(|p| p.week == week && p.voice == *v)
                        .map(|p| measure.words(p.value))
                        .unwrap_or_else(|| "–".to_owned());
                    view! { <td>{cell}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{format!("Week of {}", label(week))}</th>{cells}</tr> }
        })
        .collect_view();
    let title = measure.title();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-label=format!("Chart: {title}, week by week")
                aria-describedby=described_by preserveAspectRatio="xMidYMid meet">
                {ticks}
                {guide(measure.baseline, "guide baseline", "start")}
                {guide(measure.target, "guide target", "target")}
                {lines}
                <text class="tick" x=format!("{LEFT}") y=format!("{:.1}", CHART_H - 8.0)>{first}</text>
                <text class="tick" x=format!("{:.1}", CHART_W - 8.0) y=format!("{:.1}", CHART_H - 8.0) text-anchor="end">{last}</text>
            </svg>
            <figcaption>
                <ul class="legend">{legend}</ul>
            </figcaption>
        </figure>
        <details class="figures">
            <summary>{format!("The figures, week by week: {title}")}</summary>
            <p class="hint">"Each figure is the middle value of that week's observations."</p>
            // Scrolls on its own: focusable, so a keyboard can scroll it too.
            <div class="table-scroll" tabindex="0" role="region" aria-label=format!("Figures: {title}")>
                <table>
                    <caption class="visually-hidden">{format!("{title}, week by week")}</caption>
                    <thead><tr><th scope="col">"Week"</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

/// A goal's positive risk plan: what could go right and wrong, what the person agreed, when to
/// get help, and the stages towards doing it alone with the one they're at.
#[component]
fn RiskPlan(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let stages = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(GOALS, goal)
                .map(outcomes::stages)
                .unwrap_or_default()
        })
    });
    view! {
        <details class="block">
            <summary><span class="block-title">"Positive risk plan"</span></summary>
            <Show when=move || !stages.with(Vec::is_empty)>
                <ol class="stages">
                    <For each=move || stages.get() key=|s| s.clone() let:stage>
                        <li class={if stage.2 { "stage-current" } else { "" }}>
                            {stage.1.clone()}
                            {stage.2.then(|| view! { <strong>" (the stage I'm at now)"</strong> })}
                        </li>
                    </For>
                </ol>
            </Show>
            {["go_right", "go_wrong", "controls", "escalate_on", "escalation", "stages", "stage", "incident_on", "risk_reviewed_on"]
                .into_iter()
                .filter_map(|name| GOAL.field(name))
                .map(|field| view! { <Field kind=GOALS id=goal field /> })
                .collect_view()}
        </details>
    }
}

/// A goal no longer worked on: its words, how it ended and why, and its measures' summaries.
#[component]
fn PastGoal(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ctx = expect_context::<Context>();
    let facts = Memo::new(move |_| {
        let (facts, measures) = sync.view.with(|v| {
            let facts = v.find(GOALS, goal).map(|g| {
                let since = match g.get("status_on") {
                    Value::Date(d) => format!(" since {}", domain::calendar::london_date_label(*d)),
                    _ => String::new(),
                };
                (
                    g.text("wording").to_owned(),
                    format!("{}{since}", outcomes::status_words(g.text("status"))),
                    g.text("status_reason").to_owned(),
                )
            });
            let measures: Vec<Uuid> = v
                .children(MEASURES, goal)
                .filter(|m| !m.deleted)
                .map(|m| m.id)
                .collect();
            (facts, measures)
        });
        let lines: Vec<String> = measures
            .into_iter()
            .filter_map(|m| figures_of(sync, &ctx, m).map(|f| f.summary.line))
            .collect();
        facts.map(|(words, status, reason)| (words, status, reason, lines))
    });
    view! {
        <li class="member-card">
            <details>
                <summary>
                    <span class="member-name">{move || facts.with(|f| f.as_ref().map(|f| format!("“{}”", f.0)))}</span>
                    <span class="block-summary">{move || facts.with(|f| f.as_ref().map(|f| f.1.clone()))}</span>
                </summary>
                <p>{move || facts.with(|f| f.as_ref().map(|f| f.2.clone()))}</p>
                <ul>
                    {move || facts.with(|f| f.as_ref().map(|f| f.3.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()))}
                </ul>
                <StatusForm goal />
            </details>
        </li>
    }
    .into_any()
}

/// `/people/:id/progress/card/:goal`: one goal on a card, in easy read (large type, a symbol,
/// one idea a line): the person's words, the step being worked on, the prompts agreed, who
/// helps. It prints as it reads, to keep on the fridge.
#[component]
pub fn GoalCardPage() -> impl IntoView {
    view! {
        <RecordPage leave_out=domain::outcomes::TRACKER_ONLY via=("progress", "Goals and progress") page=|data| view! { <GoalCardView data /> }.into_any() />
    }
}

#[component]
fn GoalCardView(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let params = leptos_router::hooks::use_params_map();
    let goal = params
        .with_untracked(|p| p.get("goal"))
        .and_then(|g| g.parse::<Uuid>().ok());
    let card = Memo::new(move |_| {
        let shown = sync.topics.with(|t| t.contains(&Topic::GoalsAndProgress));
        goal.filter(|_| shown)
            .and_then(|g| sync.view.with(|v| outcomes::card(v, g)))
    });
    let running = move || sync.status.with(|s| s.running);
    let mine = matches!(data.reader, domain::screens::Reader::ThePerson);
    let name = data.name.clone();
    view! {
        <Title text="Goal card" />
        <article class="easy-read goal-card" aria-labelledby="card-heading">
            <CommunicationBanner sync />
            <SyncStatusBar sync />
            <p class="actions no-print">
                <Show when=running>
                    <button type="button" class="secondary" on:click=move |_| super::easy_read::print()>"Print"</button>
                </Show>
            </p>
            {move || match card.get() {
                None => view! {
                    <h1 id="card-heading">"Goal card"</h1>
                    <p class="panel">"This goal isn't here: it may have been removed, or it isn't shared with you."</p>
                }.into_any(),
                Some(card) => {
                    let heading = if mine { "My goal".to_owned() } else { domain::screens::possessive(&name, "goal") };
                    view! {
                        <section class="easy-block">
                            <div class="easy-heading">
                                <img src="/symbols/goals.svg" alt="" width="96" height="96" />
                                <h1 id="card-heading">{heading}</h1>
                            </div>
                            <p class="goal-words">{format!("“{}”", card.words)}</p>
                            <ul class="easy-lines">
                                {(!card.why.trim().is_empty()).then(|| view! { <li><span class="mark" aria-hidden="true"></span>{format!("Why it matters: {}", card.why)}</li> })}
                                {(!card.helpers.trim().is_empty()).then(|| view! { <li><span class="mark" aria-hidden="true"></span>{format!("Who helps: {}", card.helpers)}</li> })}
                                {(card.reached.1 > 0).then(|| view! {
                                    <li class="done"><span class="mark" aria-hidden="true">"✓"</span>{format!("Steps done: {} of {}", card.reached.0, card.reached.1)}</li>
                                })}
                                {card.current_step.map(|step| view! {
                                    <li class="important"><span class="mark" aria-hidden="true">"★"</span>
                                        <span class="visually-hidden">"Most important: "</span>{format!("The step now: {step}")}</li>
                                })}
                                {card.stage.map(|stage| view! { <li><span class="mark" aria-hidden="true"></span>{format!("Where I am: {stage}")}</li> })}
                            </ul>
                            {(!card.prompts.is_empty()).then(|| view! {
                                <h2>"The prompts we agreed"</h2>
                                <ul class="easy-lines">
                                    {card.prompts.into_iter().map(|p| view! { <li><span class="mark" aria-hidden="true"></span>{p}</li> }).collect_view()}
                                </ul>
                            })}
                        </section>
                    }.into_any()
                }
            }}
        </article>
    }
}

/// Where a goal stands, changed in one step: the status, why, and since today (a goal achieved,
/// paused or let go moves to the history; one brought back counts again towards the three).
#[component]
fn StatusForm(goal: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let ctx = expect_context::<Context>();
    let editing = editing(sync);
    let current = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(GOALS, goal)
                .map(|g| {
                    (
                        g.get("status").clone(),
                        g.get("status_reason").clone(),
                        g.get("status_on").clone(),
                    )
                })
                .unwrap_or_default()
        })
    });
    let chosen = RwSignal::new(None::<&'static str>);
    let reason = NodeRef::<leptos::html::Input>::new();
    let (error, set_error) = signal(None::<String>);
    let dom = format!("status-{goal}");
    let today = ctx.today;
    let words = move || {
        current.with(|(status, reason, on)| {
            let mut line = outcomes::status_words(status.as_text()).to_owned();
            if let Value::Date(d) = on {
                line.push_str(&format!(
                    " since {}",
                    domain::calendar::london_date_label(*d)
                ));
            }
            if !reason.as_text().is_empty() {
                line.push_str(&format!(": {}", reason.as_text()));
            }
            line
        })
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (status, old_reason, on) = current.get_untracked();
        let after = chosen.get_untracked().unwrap_or(match status.as_text() {
            "" => "active",
            s => domain::records::kinds::GOAL_STATUSES
                .iter()
                .map(|(k, _)| *k)
                .find(|k| *k == s)
                .unwrap_or("active"),
        });
        let typed = reason
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        let typed = typed.trim().to_owned();
        let mut ops = Vec::new();
        let set = |field: &str, before: Value, after: Value| RecordOp::Set {
            kind: GOALS.into(),
            id: goal,
            field: field.into(),
            before,
            after,
        };
        if status.as_text() != after {
            ops.push(set("status", status, Value::Choice(after.to_owned())));
            ops.push(set("status_on", on, Value::Date(today)));
        }
        if old_reason.as_text() != typed {
            ops.push(set("status_reason", old_reason, Value::Text(typed)));
        }
        if !ops.is_empty() {
            set_error.set(sync.edit(ops).err());
        }
    };
    view! {
        <Show when=editing fallback=move || view! { <p><strong>"Status: "</strong>{words}</p> }>
            <form class="status-form" on:submit=save aria-label="Where this goal stands">
                <fieldset class="choices">
                    <legend>"Status"</legend>
                    <p class="hint">{words}</p>
                    {domain::records::kinds::GOAL_STATUSES.iter().map(|(key, label)| {
                        let key: &'static str = key;
                        let id = format!("{dom}-{key}");
                        view! {
                            <div class="check">
                                <input type="radio" id=id.clone() name=dom.clone()
                                    prop:checked=move || chosen.get().map_or_else(
                                        || current.with(|(s, _, _)| s.as_text() == key || (s.is_empty() && key == "active")),
                                        |c| c == key,
                                    )
                                    on:change=move |_| chosen.set(Some(key)) />
                                <label for=id>{*label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for=format!("{dom}-reason")>"Why (achieved, paused or let go)"</label>
                    <input id=format!("{dom}-reason") type="text" maxlength=1000 node_ref=reason
                        prop:value=move || current.with(|(_, r, _)| r.as_text().to_owned()) />
                </div>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="secondary">"Save the status"</button>
            </form>
        </Show>
    }
    .into_any()
}
