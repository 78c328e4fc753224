//! `/people/:id/meetings`: reviews and meetings. The meetings the plan's rhythm asks for next
//! (booked in one tap, at the person's best time of day), the actions overdue, then each
//! meeting: its type and usual length, the agenda's clock (sent 3 to 5 days before) with the
//! decisions to make highlighted, the notes everyone in the meeting writes at once, who took
//! part and how, the stop rule, the actions with their owners, the summary as the reader may
//! read it with its 5-working-day clock, the next review and a calendar file; last, the
//! disagreement log with its 20-working-day clock. Everything here reads `domain::reviews`.

use domain::access::Topic;
use domain::calendar::Date;
use domain::records::kinds::{
    ACTION, ATTENDANCE, DISAGREEMENT, FEEDBACK, FEEDBACK_VOICES, MEETING, MEETINGS,
};
use domain::records::{Record, RecordOp, Value};
use domain::reviews::{self, AgendaStatus, MeetingStatus, MeetingType};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::decisions::DecisionSteps;
use super::editing::{
    ActionButton, CommunicationBanner, ConflictsPanel, Field, RecordList, RecordPage, RefusedPanel,
    editing, start_record,
};
use super::plan::NotesEditor;
use super::progress::Face;
use crate::api::plans::PlanPage as PlanData;
use crate::components::SyncStatusBar;
use crate::sync::RecordSync;

mod email;

#[component]
pub fn MeetingsPage() -> impl IntoView {
    view! {
        <RecordPage leave_out=domain::outcomes::TRACKER_ONLY page=|data| view! { <Meetings data /> }.into_any() />
    }
}

/// The day as the server saw it (so the page hydrates as it was sent), and whose record it is.
#[derive(Debug, Clone)]
struct Context {
    today: Date,
    now_ms: i64,
    /// The person's full name, as summaries name them.
    person: StoredValue<String>,
    /// Whose answer to "I feel involved" the reader gives: their own as the person or someone
    /// in the circle; staff choose (`None`).
    voice: Option<&'static str>,
}

/// The person's communication block and rhythm, where recorded.
fn person_records(sync: RecordSync, person: domain::PersonId) -> (Option<Record>, Option<Record>) {
    sync.view.with(|v| {
        (
            domain::involvement::communication(v, person).cloned(),
            domain::involvement::rhythm(v, person).cloned(),
        )
    })
}

#[component]
fn Meetings(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let title = domain::screens::meetings_heading(&data.reader, &data.name);
    let shown = move || sync.topics.with(|t| t.contains(&Topic::MeetingsAndReviews));
    let not_shared = format!(
        "{} hasn't shared their meetings and reviews with you.",
        data.name
    );
    let may_edit = data.may_write && data.reader.edits_the_plan();
    let today = data.today;
    provide_context(Context {
        today,
        now_ms: data.now_ms,
        person: StoredValue::new(data.name.clone()),
        voice: reviews::own_voice(&data.reader),
    });
    let person = data.person;
    if matches!(
        data.reader,
        domain::screens::Reader::ThePerson | domain::screens::Reader::Staff
    ) {
        email::Email::provide(person);
    }
    // Meetings to come (and those with no date yet) soonest first, then past ones newest first.
    let ids = Memo::new(move |_| {
        sync.view.with(|v| {
            let mut meetings: Vec<(bool, Option<i64>, Uuid)> = v
                .of_kind(MEETINGS)
                .filter(|m| !m.deleted)
                .map(|m| {
                    let past = reviews::meeting_date(m).is_some_and(|d| d < today);
                    let at = m.number("starts_at");
                    (past, if past { at.map(|t| -t) } else { at }, m.id)
                })
                .collect();
            meetings.sort();
            meetings
                .into_iter()
                .map(|(_, _, id)| id)
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <CommunicationBanner sync />
        <SyncStatusBar sync />
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "These are the meetings as the server holds them, to read. Booking and writing need JavaScript: turn it on to edit, even with no connection."
            </p>
        })}
        <ConflictsPanel />
        <RefusedPanel />
        <Show when=shown fallback=move || view! { <p class="panel">{not_shared.clone()}</p> }>
            <ComingUp person />
            <OverdueActions />
            <section aria-labelledby="meetings">
                <h2 id="meetings">"Meetings"</h2>
                <NewMeeting person />
                <Show when=move || ids.with(Vec::is_empty)>
                    <p class="hint">"No meetings yet."</p>
                </Show>
                <For each=move || ids.get() key=|id| *id let:id>
                    <MeetingCard id person />
                </For>
            </section>
            <section aria-labelledby="disagreements">
                <h2 id="disagreements">"Disagreements"</h2>
                <p class="hint">
                    "Disagreeing is normal. Write down what we heard, the person's view first, what we tried and what's next. Each is resolved within 20 working days, or goes to the registered manager, then the nominated individual."
                </p>
                <RecordList
                    kind=&DISAGREEMENT
                    new_label="A new disagreement: what it is about"
                    button="Log the disagreement"
                    hide=&["meeting"]
                    line=Callback::new(move |r: Record| disagreement_line(&r, today))
                    made_with=Callback::new(move |()| vec![("raised_on", Value::Date(today))])
                />
            </section>
        </Show>
    }
    .into_any()
}

/// "Key worker · due Fri 18 Dec 2026 (9 working days left)": who is dealing with it and its
/// clock.
fn disagreement_line(record: &Record, today: Date) -> String {
    let view = reviews::disagreement_view(record, today);
    let clock = match view.clock {
        Some(Ok(status)) => status.label("Resolve"),
        Some(Err(error)) => error.to_string(),
        None => "Say when it was raised to start its clock".to_owned(),
    };
    format!("{} · {clock}", view.level.words())
}

/// The meetings the plan's rhythm asks for next that are not booked yet, each booked in one
/// tap at the length of its type and the person's best time of day.
#[component]
fn ComingUp(person: domain::PersonId) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let today = expect_context::<Context>().today;
    let proposals = Memo::new(move |_| {
        let (communication, rhythm) = person_records(sync, person);
        sync.view
            .with(|v| reviews::proposals(rhythm.as_ref(), communication.as_ref(), v, today, 3))
    });
    view! {
        <section aria-labelledby="coming-up">
            <h2 id="coming-up">"Coming up"</h2>
            <Show
                when=move || !proposals.with(Vec::is_empty)
                fallback=|| view! {
                    <p class="hint">"Nothing due from the plan's rhythm. Set how often we meet in the involvement plan."</p>
                }
            >
                <ul class="proposals">
                    <For each=move || proposals.get() key=|p| p.on let:proposal>
                        <Proposal proposal person />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn Proposal(proposal: reviews::Proposal, person: domain::PersonId) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let editing = editing(sync);
    let (error, set_error) = signal(None::<String>);
    let kind = proposal.meeting_type;
    let words = format!(
        "{}: {}, {} minutes",
        kind.words(),
        proposal.label,
        proposal.minutes
    );
    let book = move |_| {
        let (communication, _) = person_records(sync, person);
        let mut fields = vec![
            ("title", Value::Text(kind.words().to_owned())),
            ("meeting_type", Value::Choice(kind.key().to_owned())),
            ("minutes", Value::Number(i64::from(proposal.minutes))),
            (
                "format",
                Value::Choice(format_for(communication.as_ref()).to_owned()),
            ),
        ];
        if let Some(at) = proposal.starts_at_ms {
            fields.push(("starts_at", Value::Number(at)));
        }
        set_error.set(sync.create(MEETINGS, None, fields).err());
    };
    let label = format!("Book: {words}");
    view! {
        <li>
            <span>{words}</span>
            <Show when=editing>
                <button type="button" class="secondary" aria-label=label.clone() on:click=book>"Book"</button>
            </Show>
            <span class="field-error" role="alert">{move || error.get()}</span>
        </li>
    }
}

/// The format the person's papers come in: easy read when they asked for it.
fn format_for(communication: Option<&Record>) -> &'static str {
    if domain::involvement::wants_easy_read(communication) {
        "easy_read"
    } else {
        "standard"
    }
}

/// A new meeting, by what it is for.
#[component]
fn NewMeeting(person: domain::PersonId) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    view! {
        <super::editing::NewItemForm
            id="new-meeting".to_owned()
            label="A new meeting: what it is for".to_owned()
            button="Add meeting".to_owned()
            submit=Callback::new(move |title: String| {
                let (communication, _) = person_records(sync, person);
                sync.create(
                    MEETINGS,
                    None,
                    vec![
                        ("title", Value::Text(title)),
                        ("format", Value::Choice(format_for(communication.as_ref()).to_owned())),
                    ],
                )
                .map(|_| ())
            })
        />
    }
}

/// Every action not done by its due date, across meetings: for its owner and the registered
/// manager to see first.
#[component]
fn OverdueActions() -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let today = expect_context::<Context>().today;
    let overdue = Memo::new(move |_| sync.view.with(|v| reviews::overdue_actions(v, today)));
    view! {
        <Show when=move || !overdue.with(Vec::is_empty)>
            <section class="panel panel-attention" aria-labelledby="overdue">
                <h2 id="overdue">"Actions overdue"</h2>
                <ul>
                    <For each=move || overdue.get() key=|a| a.id let:action>
                        <li>{format!("{}: {}", action.what, action.owner_and_date())}</li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// One meeting: what it is, its clocks, its agenda, the notes, who took part, the actions, the
/// summary and the next review.
#[component]
fn MeetingCard(id: Uuid, person: domain::PersonId) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let context = expect_context::<Context>();
    let today = context.today;
    let meeting = Memo::new(move |_| sync.view.with(|v| v.find(MEETINGS, id).cloned()));
    let title = Memo::new(move |_| {
        meeting.with(|m| {
            m.as_ref()
                .map(|m| m.text("title").to_owned())
                .unwrap_or_default()
        })
    });
    let heading_id = format!("meeting-{id}");
    let labelled_by = heading_id.clone();
    let what = move || {
        meeting.with(|m| {
            let Some(m) = m else { return String::new() };
            let mut parts = Vec::new();
            if let Some(kind) = MeetingType::of(m) {
                let (low, high) = kind.usual_minutes();
                parts.push(if low == high {
                    format!("{} (usually {low} minutes)", kind.words())
                } else {
                    format!("{} (usually {low} to {high} minutes)", kind.words())
                });
            }
            if let Some(at) = m.number("starts_at") {
                parts.push(domain::calendar::london_label(at));
            }
            if let Some(minutes) = m.number("minutes") {
                parts.push(format!("{minutes} minutes"));
            }
            parts.push(MeetingStatus::of(m).words().to_owned());
            parts.join(" · ")
        })
    };
    let agenda =
        Memo::new(move |_| meeting.with(|m| m.as_ref().map(|m| reviews::agenda_status(m, today))));
    let summary_clock = Memo::new(move |_| {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| match reviews::summary_status(m, today) {
                    Ok(status) => status.map(|s| (s.label("Summary"), !s.is_on_time())),
                    Err(error) => Some((error.to_string(), true)),
                })
        })
    });
    let paused = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(reviews::paused)));
    let reminders = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(MEETINGS, id)
                .map(|m| {
                    let mut all = reviews::complex_review_reminders(v, m);
                    all.extend(reviews::next_review_reminder(m, today));
                    all
                })
                .unwrap_or_default()
        })
    });
    let taking_part = Memo::new(move |_| sync.view.with(|v| reviews::participation(v, id)));
    let past = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(reviews::meeting_date)
                .is_some_and(|d| d < today)
        })
    };
    // "I feel involved" is asked once a meeting has taken place (held, or its day come),
    // unless it was cancelled.
    let asked = move || {
        meeting.with(|m| {
            m.as_ref().is_some_and(|m| match MeetingStatus::of(m) {
                MeetingStatus::Cancelled => false,
                MeetingStatus::Held | MeetingStatus::Paused => true,
                MeetingStatus::Planned => reviews::meeting_date(m).is_some_and(|d| d <= today),
            })
        })
    };
    view! {
        <article class="meeting-card" aria-labelledby=labelled_by>
            <h3 id=heading_id>{move || title.get()}</h3>
            <p class="meeting-what">{what}</p>
            <ul class="clocks">
                {move || agenda.get().map(|a| view! {
                    <li class:late=a.is_late()>{a.words()}</li>
                })}
                {move || summary_clock.get().map(|(words, late)| view! {
                    <li class:late=late>{words}</li>
                })}
            </ul>
            {move || paused.get().map(|p| view! {
                <div class="panel panel-attention">
                    <p><strong>"Paused (stop rule)"</strong>{format!(": {}", p.reason)}</p>
                    <p>{format!("Our plan to meet again: {}", p.reconvene_plan)}</p>
                    {p.reconvene_on.map(|on| view! {
                        <p>{format!("Meeting again on {}", domain::calendar::london_date_label(on))}</p>
                    })}
                </div>
            })}
            <Show when=move || !reminders.with(Vec::is_empty)>
                <ul class="panel panel-note">
                    {move || reminders.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            </Show>
            <Agenda id person />
            <details open=move || !past()>
                <summary>"About this meeting: type, time, agenda, the stop rule, the next review"</summary>
                {MEETING
                    .fields
                    .iter()
                    .filter(|f| f.name != "notes" && f.name != "decision_record")
                    .map(|field| view! { <Field kind=MEETINGS id field /> })
                    .collect_view()}
                <DecisionRecord id />
            </details>
            <NotesEditor meeting=id title=title.get_untracked() />
            <section aria-label=move || format!("Who took part: {}", title.get())>
                <h4>"Who took part"</h4>
                <p class="hint">{move || taking_part_words(taking_part.get())}</p>
                <RecordList
                    kind=&ATTENDANCE
                    parent=id
                    new_label="Someone taking part: their name"
                    button="Add"
                    line=Callback::new(|r: Record| {
                        domain::records::kinds::ATTENDANCE_WAYS
                            .iter()
                            .find(|(k, _)| *k == r.text("how"))
                            .map_or("Not taken part yet", |(_, w)| *w)
                            .to_owned()
                    })
                />
            </section>
            <section aria-label=move || format!("Actions: {}", title.get())>
                <h4>"Actions"</h4>
                <RecordList
                    kind=&ACTION
                    parent=id
                    new_label="A new action: what will be done"
                    button="Add action"
                    line=Callback::new(move |r: Record| action_line(&r, today))
                    made_with=Callback::new(move |()| vec![("owner", Value::Text(sync.me.get_value()))])
                />
            </section>
            <section aria-label=move || format!("Disagreements raised: {}", title.get())>
                <h4>"Disagreements raised here"</h4>
                <RecordList
                    kind=&DISAGREEMENT
                    new_label="A disagreement raised at this meeting: what it is about"
                    button="Log the disagreement"
                    hide=&["meeting"]
                    only=Callback::new(move |r: Record| r.text("meeting") == id.to_string())
                    line=Callback::new(move |r: Record| disagreement_line(&r, today))
                    made_with=Callback::new(move |()| vec![
                        ("raised_on", Value::Date(today)),
                        ("meeting", Value::Text(id.to_string())),
                    ])
                />
            </section>
            <Show when=asked>
                <FeltInvolved id title=title.into() />
            </Show>
            <SummaryOf id />
            <email::MeetingEmail id title=title.into() today />
            <CalendarFile id />
        </article>
    }
    .into_any()
}

/// "Did you feel involved?", asked after a meeting in easy read: five faces, from "No, not at
/// all" to "Yes, very much", and room to say more. The person and their circle answer for
/// themselves (and may change their answer); staff record someone's answer at the table,
/// saying whose. The answers given are listed under it, as the governance figures count them.
#[component]
fn FeltInvolved(id: Uuid, title: Signal<String>) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let context = expect_context::<Context>();
    let own = context.voice;
    let today = context.today;
    let editing = editing(sync);
    let answers = Memo::new(move |_| {
        let me = sync.me.get_value();
        sync.view.with(|v| reviews::answers(v, id, &me))
    });
    let mine = Memo::new(move |_| {
        own.and_then(|_| answers.with(|a| a.iter().rev().find(|x| x.mine).cloned()))
    });
    let chosen = RwSignal::new(None::<i64>);
    // The answer last taken back, and whose it was, until it is brought back.
    let removed = RwSignal::new(None::<(Uuid, String)>);
    let (error, set_error) = signal(None::<String>);
    let (saved, set_saved) = signal(String::new());
    let whose = NodeRef::<leptos::html::Select>::new();
    let who = NodeRef::<leptos::html::Input>::new();
    // The words as typed: one's own answer's words once given (the box may not be there yet
    // when they arrive, so they are kept here, not put into it).
    let said = RwSignal::new(String::new());
    let dom = format!("involved-{id}");
    let heading = format!("{dom}-heading");
    let labelled = heading.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(score) = chosen.get_untracked() else {
            set_error.set(Some("Pick a face first.".to_owned()));
            return;
        };
        let words = said.get_untracked().trim().to_owned();
        let result = match mine.get_untracked() {
            // A change of one's own answer: the face, and the words if they changed.
            Some(answer) => {
                let mut ops = Vec::new();
                if answer.score != score {
                    ops.push(RecordOp::Set {
                        kind: FEEDBACK.to_owned(),
                        id: answer.id,
                        field: "score".to_owned(),
                        before: Value::Number(answer.score),
                        after: Value::Number(score),
                    });
                }
                if answer.said != words {
                    ops.push(RecordOp::Set {
                        kind: FEEDBACK.to_owned(),
                        id: answer.id,
                        field: "said".to_owned(),
                        before: Value::Text(answer.said.clone()),
                        after: Value::Text(words),
                    });
                }
                if ops.is_empty() {
                    Ok(())
                } else {
                    sync.edit(ops)
                }
            }
            None => {
                let (voice, name) = match own {
                    Some(voice) => (voice.to_owned(), sync.me.get_value()),
                    None => (
                        whose
                            .get_untracked()
                            .map_or_else(|| "person".to_owned(), |el| el.value()),
                        who.get_untracked()
                            .map(|el| el.value().trim().to_owned())
                            .unwrap_or_default(),
                    ),
                };
                let mut fields = vec![
                    ("voice", Value::Choice(voice)),
                    ("score", Value::Number(score)),
                    ("answered_on", Value::Date(today)),
                ];
                if !name.is_empty() {
                    fields.push(("who", Value::Text(name)));
                }
                if !words.is_empty() {
                    fields.push(("said", Value::Text(words)));
                }
                sync.create(FEEDBACK, Some(id), fields).map(|_| ())
            }
        };
        match result {
            Ok(()) => {
                set_error.set(None);
                let words = reviews::involved_words(score).unwrap_or_default();
                if own.is_some() {
                    set_saved.set(format!("Thank you. Your answer is saved: “{words}”."));
                } else {
                    set_saved.set(format!(
                        "Saved: “{words}”. You can record someone else's answer now."
                    ));
                    chosen.set(None);
                    if let Some(el) = who.get_untracked() {
                        el.set_value("");
                    }
                    said.set(String::new());
                }
            }
            Err(reason) => set_error.set(Some(reason)),
        }
    };
    // One's own answer, once given, is what the faces show until it is changed.
    Effect::new(move |_| {
        if let Some(answer) = mine.get() {
            chosen.set(Some(answer.score));
            said.set(answer.said);
        }
    });
    let question = if own.is_some() {
        "Did you feel involved in this meeting?"
    } else {
        "Did they feel involved in this meeting?"
    };
    let error_id = format!("{dom}-error");
    view! {
        <section class="felt-involved" aria-labelledby=labelled>
            <h4 id=heading>"I feel involved"</h4>
            <Show when=editing>
                <form class="quick-record" on:submit=save aria-label=move || format!("I feel involved: {}", title.get())>
                    <p class="asked">{question}</p>
                    <p class="asked">"Pick the face that fits."</p>
                    <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
                    <fieldset class="values" aria-describedby=error_id.clone()>
                        <legend>"I felt involved"</legend>
                        <div class="value-buttons faces">
                            {reviews::INVOLVED_SCALE.iter().map(|(score, words)| {
                                let (score, words) = (*score, *words);
                                let radio = format!("{dom}-{score}");
                                view! {
                                    <span class="value-choice">
                                        <input type="radio" id=radio.clone() name=dom.clone()
                                            prop:checked=move || chosen.get() == Some(score)
                                            on:change=move |_| { chosen.set(Some(score)); set_saved.set(String::new()); } />
                                        <label for=radio>
                                            <Face level=score size=40 />
                                            <span>{words}</span>
                                        </label>
                                    </span>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                    {own.is_none().then(|| view! {
                        <div class="field">
                            <label for=format!("{dom}-whose")>"Whose answer"</label>
                            <select id=format!("{dom}-whose") node_ref=whose>
                                {FEEDBACK_VOICES.iter().map(|(key, words)| view! {
                                    <option value=*key>{*words}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for=format!("{dom}-who")>"Their name"</label>
                            <p class="hint" id=format!("{dom}-who-hint")>"For someone in the circle: who they are."</p>
                            <input id=format!("{dom}-who") type="text" maxlength=100 autocomplete="off"
                                aria-describedby=format!("{dom}-who-hint") node_ref=who />
                        </div>
                    })}
                    <div class="field">
                        <label for=format!("{dom}-said")>"Anything else to say (you can leave this empty)"</label>
                        <textarea id=format!("{dom}-said") class="grows" rows=2 maxlength=1000
                            prop:value=move || said.get()
                            on:input=move |ev| said.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="secondary">
                        {move || if mine.with(Option::is_some) { "Change my answer" } else { "Save the answer" }}
                    </button>
                    <p class="saved" role="status">{move || saved.get()}</p>
                </form>
            </Show>
            <Show
                when=move || !answers.with(Vec::is_empty)
                fallback=|| view! { <p class="hint">"No answers yet."</p> }
            >
                <ul class="answers">
                    {move || answers.get().into_iter().map(|a| {
                        // An answer the reader recorded (their own, or someone's given at the
                        // table) can be taken back when it was recorded by mistake.
                        let (answer, who) = (a.id, a.who.clone());
                        let remove = move |_| {
                            let op = RecordOp::Delete { kind: FEEDBACK.to_owned(), id: answer };
                            match sync.edit(vec![op]) {
                                Ok(()) => {
                                    set_error.set(None);
                                    set_saved.set(String::new());
                                    removed.set(Some((answer, who.clone())));
                                }
                                Err(reason) => set_error.set(Some(reason)),
                            }
                        };
                        view! {
                            <li>
                                <Face level=a.score />
                                <span>
                                    <strong>{format!("{}: ", a.who)}</strong>
                                    {format!("“{}”", a.words)}
                                    {(!a.said.is_empty()).then(|| format!(". {}", a.said))}
                                </span>
                                {(a.mine && editing()).then(|| view! {
                                    <button type="button" class="secondary"
                                        aria-label=format!("Remove this answer: {}", a.who)
                                        on:click=remove>
                                        "Remove this answer"
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            {move || removed.get().map(|(answer, who)| {
                let undo = move |_| {
                    let op = RecordOp::Restore { kind: FEEDBACK.to_owned(), id: answer };
                    match sync.edit(vec![op]) {
                        Ok(()) => {
                            set_error.set(None);
                            removed.set(None);
                        }
                        Err(reason) => set_error.set(Some(reason)),
                    }
                };
                view! {
                    <p class="removed" role="status">
                        {format!("Removed {who}'s answer. It is no longer counted. ")}
                        <button type="button" class="secondary" on:click=undo>"Bring it back"</button>
                    </p>
                }
            })}
        </section>
    }
    .into_any()
}

fn taking_part_words(p: reviews::Participation) -> String {
    if p.total == 0 {
        return "Nobody recorded as taking part yet. A written contribution sent beforehand counts."
            .to_owned();
    }
    format!(
        "{} took part: {} in person, {} by video, {} by phone, {} in writing.",
        p.total, p.present, p.video, p.phone, p.written
    )
}

/// "Asha Patel, by Mon 14 Dec 2026", marked overdue once that has passed undone.
fn action_line(record: &Record, today: Date) -> String {
    let action = reviews::ActionView::of(record);
    if action.is_overdue(today) {
        format!("{} (overdue)", action.owner_and_date())
    } else {
        action.owner_and_date()
    }
}

/// The agenda in the person's format, the decisions to be made first and marked, and a way to
/// mark it sent today.
#[component]
fn Agenda(id: Uuid, person: domain::PersonId) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let today = expect_context::<Context>().today;
    let agenda = Memo::new(move |_| {
        let (communication, _) = person_records(sync, person);
        sync.view.with(|v| {
            v.find(MEETINGS, id)
                .map(|m| reviews::agenda(m, communication.as_ref()))
        })
    });
    let status = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(MEETINGS, id)
                .map(|m| reviews::agenda_status(m, today))
        })
    });
    let unsent = move || {
        status.get().is_some_and(|s| {
            !matches!(
                s,
                AgendaStatus::Sent { .. } | AgendaStatus::NotNeeded | AgendaStatus::NoDate
            )
        })
    };
    view! {
        {move || agenda.get().filter(|a| !a.items.is_empty() || !a.decisions.is_empty()).map(|a| view! {
            <section class="agenda" aria-label=format!("Agenda: {}", a.title)>
                <h4>{if a.easy_read { "Agenda (easy read)" } else { "Agenda" }}</h4>
                {(!a.decisions.is_empty()).then(|| view! {
                    <p class="decisions-label"><strong>"Decisions to make"</strong></p>
                    <ul class="decisions">
                        {a.decisions.iter().map(|d| view! { <li><mark>{d.clone()}</mark></li> }).collect_view()}
                    </ul>
                })}
                <ol>{a.items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}</ol>
            </section>
        })}
        <Show when=unsent>
            <ActionButton
                label="The agenda was sent today".to_owned()
                described=format!("mark the agenda as sent on {}", domain::calendar::london_date_label(today))
                ops=vec![RecordOp::Set {
                    kind: MEETINGS.into(),
                    id,
                    field: "agenda_sent_on".into(),
                    before: Value::Empty,
                    after: Value::Date(today),
                }]
            />
        </Show>
    }
}

/// The involvement plan's decision record a complex review runs its steps through (consent,
/// then capacity, then best interests), chosen from the person's decisions.
#[component]
fn DecisionRecord(id: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let editing = editing(sync);
    let decisions = Memo::new(move |_| sync.view.with(domain::involvement::decisions));
    let current = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(MEETINGS, id)
                .map(|m| m.text("decision_record").to_owned())
                .unwrap_or_default()
        })
    });
    let linked = Memo::new(move |_| {
        let chosen = current.get();
        decisions.with(|ds| {
            ds.iter()
                .find(|d| d.id.to_string() == chosen)
                .map(|d| (d.id, d.decision.clone()))
        })
    });
    let (error, set_error) = signal(None::<String>);
    let dom_id = format!("meeting-decision-{id}");
    let chosen_words = move || {
        let chosen = current.get();
        decisions.with(|ds| {
            ds.iter()
                .find(|d| d.id.to_string() == chosen)
                .map_or("None chosen".to_owned(), |d| d.decision.clone())
        })
    };
    view! {
        <div class="field">
            <Show
                when=editing
                fallback=move || view! {
                    <p class="label">"The decision record (complex reviews)"</p>
                    <p class="words">{chosen_words}</p>
                }
            >
                <label for=dom_id.clone()>"The decision record (complex reviews)"</label>
                <select id=dom_id.clone() on:change=move |ev| {
                    let after = event_target_value(&ev);
                    let before = current.get_untracked();
                    if after != before {
                        let text = |t: String| if t.is_empty() { Value::Empty } else { Value::Text(t) };
                        set_error.set(sync.set(MEETINGS, id, "decision_record", text(before), text(after)).err());
                    }
                }>
                    <option value="" selected=move || current.get().is_empty()>"None"</option>
                    {move || decisions.get().into_iter().map(|d| {
                        let value = d.id.to_string();
                        let selected = value == current.get();
                        view! { <option value=value selected=selected>{d.decision}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || error.get()}</p>
            </Show>
            <p class="hint">
                <a href=move || format!("/people/{}/decisions", sync.person)>"Decision records: consent, then capacity, then best interests"</a>
            </p>
        </div>
        // The steps run here, in the meeting, on the decision record itself.
        {move || linked.get().map(|(decision, words)| view! {
            <details class="decision-steps" open=true>
                <summary>{format!("Decide in the meeting: {words}")}</summary>
                <DecisionSteps decision />
            </details>
        })}
    }
}

/// The summary as the reader may read it (only the topics shared with them), in the
/// meeting's format, with its clock and a way to mark it sent.
#[component]
fn SummaryOf(id: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let context = expect_context::<Context>();
    let today = context.today;
    let person = context.person;
    let summary = Memo::new(move |_| {
        let topics = sync.topics.get();
        sync.view.with(|v| {
            let easy = v
                .find(MEETINGS, id)
                .is_some_and(|m| m.text("format") == "easy_read");
            reviews::summary(v, id, &person.get_value(), &topics, easy)
        })
    });
    let sent = Memo::new(move |_| {
        sync.view
            .with(|v| v.find(MEETINGS, id).and_then(|m| m.date("summary_sent_on")))
    });
    view! {
        <details class="summary">
            <summary>"The summary, in plain English"</summary>
            {move || {
                let s = summary.get();
                view! {
                    <h4>{s.title.clone()}</h4>
                    {s.sections.into_iter().map(|(heading, lines)| view! {
                        <h5>{heading}</h5>
                        <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    }).collect_view()}
                }
            }}
            <Show when=move || sent.get().is_none()>
                <ActionButton
                    label="The summary was sent today".to_owned()
                    described=format!("mark the summary as sent on {}", domain::calendar::london_date_label(today))
                    ops=vec![RecordOp::Set {
                        kind: MEETINGS.into(),
                        id,
                        field: "summary_sent_on".into(),
                        before: Value::Empty,
                        after: Value::Date(today),
                    }]
                />
            </Show>
        </details>
    }
}

/// The meeting as a calendar file (RFC 5545), made on the device: it downloads with no signal.
#[component]
fn CalendarFile(id: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let now_ms = expect_context::<Context>().now_ms;
    let file = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(MEETINGS, id)
                .filter(|m| !matches!(MeetingStatus::of(m), MeetingStatus::Cancelled))
                .and_then(|m| reviews::meeting_ics(m, now_ms))
        })
    });
    view! {
        {move || file.get().map(|ics| view! {
            <p>
                <a class="button secondary" download="meeting.ics"
                    href=format!("data:text/calendar;charset=utf-8,{}", percent_encoded(&ics))>
                    "Add to a calendar (.ics)"
                </a>
            </p>
        })}
    }
}

/// `text` percent-encoded for a `data:` address: everything but unreserved characters.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
