//! The editing parts every page of a person's record is built from: one field of a record
//! (text, a choice, several choices, a number, a date, a tick) shown as the device holds it and
//! changed through [`RecordSync`], new items, action buttons, and the panels of conflicts and
//! refused edits to settle. Each field editor renders as plain text until the page can edit
//! (see [`editing`]), so a page read with JavaScript off shows no control that could not work.

use domain::records::kinds::{FieldSpec, FieldType};
use domain::records::views::{self, ConflictView};
use domain::records::{RecordOp, Value};
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::{DeviceSync, escaped_text};
use crate::sync::RecordSync;

/// How long a pause in typing is before the words typed are kept as an edit.
pub(crate) const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

/// Waits for a pause in typing: what `restart` is given runs once [`TYPING_PAUSE`] has passed
/// with no further call, unless `cancel` comes first.
#[derive(Clone, Copy)]
pub(crate) struct TypingPause(StoredValue<Option<TimeoutHandle>>);

impl TypingPause {
    pub(crate) fn new() -> Self {
        Self(StoredValue::new(None))
    }

    pub(crate) fn restart(self, then: impl Fn() + 'static) {
        self.cancel();
        self.0
            .set_value(set_timeout_with_handle(then, TYPING_PAUSE).ok());
    }

    /// Runs `then` once `period` has passed since the first call of a burst, however much
    /// typing follows: words keep flowing to others while someone types on (meeting notes
    /// followed live on another device), rather than waiting for them to stop.
    pub(crate) fn at_most_every(self, period: std::time::Duration, then: impl Fn() + 'static) {
        if self.0.with_value(Option::is_none) {
            self.0.set_value(set_timeout_with_handle(then, period).ok());
        }
    }

    pub(crate) fn cancel(self) {
        if let Some(handle) = self.0.get_value() {
            handle.clear();
            self.0.set_value(None);
        }
    }
}

/// Whether the reader may change anything here at all (the plan page is also read by people
/// who may not).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MayEdit(pub(crate) bool);

/// Whether free text written on this page gets strengths-based wording suggestions (staff
/// write there: see `domain::involvement::language_suggestions`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WritingHelp(pub(crate) bool);

/// A page of a person's record starts here: the record as the server sent it, handed to the
/// sync engine once the page is in the browser, the reader's rights put in context for the
/// field editors, and the header's sync chip made to speak for this record while it is open.
pub(crate) fn start_record(data: &crate::api::plans::PlanPage) -> RecordSync {
    let sync = RecordSync::new(
        data.person,
        &data.snapshot,
        data.me.clone(),
        data.texts.clone(),
    );
    provide_context(sync);
    provide_context(MayEdit(data.may_write && data.reader.edits_the_plan()));
    provide_context(WritingHelp(matches!(
        data.reader,
        domain::screens::Reader::Staff
    )));
    let snapshot = data.snapshot.clone();
    // Effects run only in the browser, after hydration: the engine takes over from here.
    Effect::new(move |_| sync.start(snapshot.clone()));
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
    sync
}

/// The shell of every page of a person's record: the way back, the record as the reader may
/// see it loaded from the server (or this device's copy of the page), and `page` made from it;
/// "Not found" for a record the reader may not open.
#[component]
pub(crate) fn RecordPage(
    /// One more step back, after the profile: a page of the record and its name.
    #[prop(optional)]
    via: Option<(&'static str, &'static str)>,
    /// Kinds of record this page does not show: it is sent without them, and the device pulls
    /// them once the page is up.
    #[prop(optional)]
    leave_out: &'static [&'static str],
    /// The page shows each measure's figures (the tracker): they are sent worked out.
    #[prop(optional)]
    figures: bool,
    page: fn(crate::api::plans::PlanPage) -> AnyView,
) -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, move |id| {
        crate::api::plans::get_plan(
            id,
            leave_out.iter().map(|k| (*k).to_owned()).collect(),
            figures,
        )
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"All people"</a></li>
                <li><a href=move || format!("/people/{}", id())>"Profile"</a></li>
                {via.map(|(path, name)| view! {
                    <li><a href=move || format!("/people/{}/{path}", id())>{name}</a></li>
                })}
            </ol>
        </nav>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => page(data),
                    Err(error) => view! {
                        <leptos_meta::Title text="Not found" />
                        <crate::components::ErrorPanel error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Whether the page can edit: the reader may, and the engine is running (JavaScript on, the
/// record loaded). Controls that edit are rendered only then, so a page read with JavaScript
/// off shows no button that could not work.
pub(crate) fn editing(sync: RecordSync) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let may = use_context::<MayEdit>().is_some_and(|m| m.0);
    move || may && sync.status.with(|s| s.running)
}

/// The text of `field` of record `kind`/`id` as the device shows it ("" when absent).
pub(crate) fn text_of(
    sync: RecordSync,
    kind: &'static str,
    id: Uuid,
    field: &'static str,
) -> Memo<String> {
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
pub(crate) fn TextField(
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
    let typed = RwSignal::new(None::<String>);
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
    let on_input = move |ev| {
        typed.set(Some(event_target_value(&ev)));
        pause.restart(commit);
    };
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
            <WordingHelp text=Signal::derive(move || typed.get().unwrap_or_else(|| current.get())) />
        </div>
    }
    .into_any()
}

/// Gentle suggestions for deficit words in `text` while staff write (never applied by
/// themselves), each dismissible; nothing for other readers.
#[component]
pub(crate) fn WordingHelp(text: Signal<String>) -> impl IntoView {
    let helps = use_context::<WritingHelp>().is_some_and(|h| h.0);
    let editing = editing(expect_context::<RecordSync>());
    let dismissed = RwSignal::new(Vec::<&'static str>::new());
    let suggestions = Memo::new(move |_| {
        if !(helps && editing()) {
            return Vec::new();
        }
        let dismissed = dismissed.get();
        text.with(|t| domain::involvement::language_suggestions(t))
            .into_iter()
            .filter(|(word, _)| !dismissed.contains(word))
            .collect::<Vec<_>>()
    });
    view! {
        <Show when=move || !suggestions.with(Vec::is_empty)>
            <div class="suggestions" aria-live="polite">
                <p class="hint">"A thought on wording (strengths-based):"</p>
                <ul>
                    <For each=move || suggestions.get() key=|(w, _)| *w let:found>
                        <li>
                            {format!("Instead of “{}”, perhaps “{}”. ", found.0, found.1)}
                            <button type="button" class="link-button"
                                aria-label=format!("Dismiss the suggestion for “{}”", found.0)
                                on:click=move |_| dismissed.update(|d| d.push(found.0))>
                                "Dismiss"
                            </button>
                        </li>
                    </For>
                </ul>
            </div>
        </Show>
    }
}

/// A labelled text box with a button that adds what was typed; what was typed stays when it
/// cannot be added, with the reason. Shown only once the page can edit.
#[component]
pub(crate) fn NewItemForm(
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
pub(crate) fn NewItem(
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
pub(crate) fn ActionButton(label: String, described: String, ops: Vec<RecordOp>) -> impl IntoView {
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

/// Conflicts kept as records: shown on every device whose reader may read what they concern,
/// until someone settles them.
#[component]
pub(crate) fn ConflictsPanel() -> impl IntoView {
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
pub(crate) fn ConflictCard(open: ConflictView) -> impl IntoView {
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
    // Each version in the words of its field (a choice by its label, a time in UK time).
    let spec = domain::records::Catalog::standard()
        .kind(&about_kind)
        .and_then(|k| k.field(&field));
    let words = move |value: &Value| spec.map_or_else(|| value.describe(), |f| f.describe(value));
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
                <dd>{move || words(&now())}</dd>
                <dt>"The other version"<span class="by">{format!("Written by {}", views::written_by(&theirs_by))}</span></dt>
                <dd>{words(&theirs)}</dd>
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
pub(crate) fn fresh_edit(sync: RecordSync, op: RecordOp) -> RecordOp {
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
pub(crate) fn RefusedPanel() -> impl IntoView {
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
pub(crate) fn RefusedCard(edit: domain::records::replica::Refused) -> impl IntoView {
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
pub(crate) fn typed_text(op: &RecordOp) -> Option<String> {
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
pub(crate) fn is_focused(el: &leptos::web_sys::HtmlTextAreaElement) -> bool {
    let el: &leptos::web_sys::Element = el.as_ref();
    document().active_element().is_some_and(|a| &a == el)
}

/// The value of `field` of record `kind`/`id` as the device shows it (the field's default when
/// the record or the field is absent).
pub(crate) fn value_of(
    sync: RecordSync,
    kind: &'static str,
    id: Uuid,
    field: &'static FieldSpec,
) -> Memo<Value> {
    Memo::new(move |_| {
        sync.view
            .with(|v| v.find(kind, id).map(|r| r.get(field.name).clone()))
            .unwrap_or_else(|| field.default_value())
    })
}

/// A field's value in words, for a page that cannot edit (or a reader who may not).
pub(crate) fn value_words(field: &FieldSpec, value: &Value) -> String {
    match (field.ty, value) {
        (_, v) if v.is_empty() => "Not written yet".to_owned(),
        (FieldType::Choice(_) | FieldType::Voice, Value::Choice(key)) => {
            field.choice_label(key).to_owned()
        }
        (FieldType::Choices(_), Value::Texts(keys)) => keys
            .iter()
            .map(|k| field.choice_label(k))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldType::Flag, Value::Flag(true)) => "Yes".to_owned(),
        (FieldType::Flag, Value::Flag(false)) => "No".to_owned(),
        (FieldType::Date, Value::Date(d)) => domain::calendar::london_date_label(*d),
        (FieldType::Moment, Value::Number(ms)) => domain::calendar::london_label_with_zone(*ms),
        (_, Value::Number(n)) => n.to_string(),
        (_, v) => v.as_text().to_owned(),
    }
}

/// One field of a record, edited with the control its type calls for: a growing text box for
/// words, radio buttons for a choice, tick boxes for several, a number, a date, a tick. Until
/// the page can edit, the value is shown in words (text stays in its read-only box).
#[component]
pub(crate) fn Field(kind: &'static str, id: Uuid, field: &'static FieldSpec) -> impl IntoView {
    match field.ty {
        FieldType::Text { max } => {
            let rows = if max > 300 { 3 } else { 1 };
            view! { <TextField kind id field=field.name label=field.label.to_owned() rows /> }
                .into_any()
        }
        _ => view! { <ValueField kind id field /> }.into_any(),
    }
}

#[component]
fn ValueField(kind: &'static str, id: Uuid, field: &'static FieldSpec) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let current = value_of(sync, kind, id, field);
    let (error, set_error) = signal(None::<String>);
    let dom_id = format!("{kind}-{}-{id}", field.name);
    let error_id = format!("{dom_id}-error");
    let change = move |after: Value| {
        let before = current.get_untracked();
        if before != after {
            set_error.set(sync.set(kind, id, field.name, before, after).err());
        }
    };
    let editing = editing(sync);
    let read = move || {
        view! {
            <div class="field">
                <p class="label">{field.label}</p>
                <p class="words">{move || value_words(field, &current.get())}</p>
            </div>
        }
    };
    // Whose voice is a choice among the three.
    let ty = match field.ty {
        FieldType::Voice => FieldType::Choice(domain::records::kinds::VOICES),
        ty => ty,
    };
    let control = move || match ty {
        FieldType::Choice(choices) | FieldType::Choices(choices) => {
            let many = matches!(field.ty, FieldType::Choices(_));
            view! {
                <fieldset class="choices" aria-describedby=error_id.clone()>
                    <legend>{field.label}</legend>
                    {choices.iter().map(|(key, words)| {
                        let key: &'static str = key;
                        let input_id = format!("{dom_id}-{key}");
                        let checked = move || match current.get() {
                            Value::Choice(c) => c == key,
                            Value::Texts(keys) => keys.iter().any(|k| k == key),
                            _ => false,
                        };
                        view! {
                            <div class="check">
                                <input
                                    type=if many { "checkbox" } else { "radio" }
                                    id=input_id.clone()
                                    name=dom_id.clone()
                                    prop:checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        if many {
                                            let mut keys = match current.get_untracked() {
                                                Value::Texts(keys) => keys,
                                                _ => Vec::new(),
                                            };
                                            keys.retain(|k| k != key);
                                            if on {
                                                keys.push(key.to_owned());
                                            }
                                            change(Value::Texts(keys));
                                        } else if on {
                                            change(Value::Choice(key.to_owned()));
                                        }
                                    }
                                />
                                <label for=input_id>{*words}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
                </fieldset>
            }
            .into_any()
        }
        FieldType::Flag => view! {
            <div class="check">
                <input type="checkbox" id=dom_id.clone()
                    aria-describedby=error_id.clone()
                    prop:checked=move || matches!(current.get(), Value::Flag(true))
                    on:change=move |ev| change(Value::Flag(event_target_checked(&ev))) />
                <label for=dom_id.clone()>{field.label}</label>
            </div>
            <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
        }
        .into_any(),
        FieldType::Moment => view! {
            <div class="field">
                <label for=dom_id.clone()>{field.label}</label>
                <p class="hint">"UK time"</p>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
                <input
                    id=dom_id.clone()
                    type="datetime-local"
                    aria-describedby=error_id.clone()
                    aria-invalid=move || error.get().is_some().then_some("true")
                    prop:value=move || match current.get() {
                        Value::Number(ms) => domain::calendar::london_local_input_value(ms),
                        _ => String::new(),
                    }
                    on:change=move |ev| {
                        let typed = event_target_value(&ev);
                        if typed.trim().is_empty() {
                            change(Value::Empty);
                        } else {
                            match domain::calendar::parse_london_local(&typed) {
                                Ok(ms) => change(Value::Number(ms)),
                                Err(e) => set_error.set(Some(e.to_string())),
                            }
                        }
                    }
                />
            </div>
        }
        .into_any(),
        _ => {
            let is_date = field.ty == FieldType::Date;
            let (min, max) = match field.ty {
                FieldType::Number { min, max } => (Some(min), Some(max)),
                _ => (None, None),
            };
            view! {
                <div class="field">
                    <label for=dom_id.clone()>{field.label}</label>
                    <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
                    <input
                        id=dom_id.clone()
                        type=if is_date { "date" } else { "number" }
                        inputmode=(!is_date).then_some("numeric")
                        min=min
                        max=max
                        aria-describedby=error_id.clone()
                        aria-invalid=move || error.get().is_some().then_some("true")
                        prop:value=move || match current.get() {
                            Value::Date(d) => d.to_string(),
                            Value::Number(n) => n.to_string(),
                            _ => String::new(),
                        }
                        on:change=move |ev| {
                            let typed = event_target_value(&ev);
                            let typed = typed.trim();
                            let after = if typed.is_empty() {
                                Ok(Value::Empty)
                            } else if is_date {
                                typed.parse().map(Value::Date).map_err(|_| "Enter a real date.".to_owned())
                            } else {
                                typed.parse().map(Value::Number).map_err(|_| format!("{}: enter a whole number.", field.label))
                            };
                            match after {
                                Ok(after) => change(after),
                                Err(reason) => set_error.set(Some(reason)),
                            }
                        }
                    />
                </div>
            }
            .into_any()
        }
    };
    view! {
        <Show when=editing fallback=read>
            {control()}
        </Show>
    }
    .into_any()
}

/// The communication needs of the record `sync` shows, as the device holds them.
#[component]
pub(crate) fn CommunicationBanner(sync: RecordSync) -> impl IntoView {
    let person = sync.person;
    let text = Memo::new(move |_| {
        sync.view.with(|v| {
            domain::involvement::communication_banner(domain::involvement::communication(v, person))
        })
    });
    view! { <crate::components::CommunicationNeeds text /> }
}

/// A way to the plan in easy read, shown when the person asked for easy read (block 2).
#[component]
pub(crate) fn EasyReadLink(sync: RecordSync) -> impl IntoView {
    let person = sync.person;
    let wanted = Memo::new(move |_| {
        sync.view.with(|v| {
            domain::involvement::wants_easy_read(domain::involvement::communication(v, person))
        })
    });
    view! {
        <Show when=move || wanted.get()>
            <p class="no-print">
                <a class="button" href=format!("/people/{person}/easy-read")>"This plan in easy read"</a>
            </p>
        </Show>
    }
}

/// Every record of `kind` (not removed), newest first, each a card to open with every field
/// of the kind to read or change and a way to remove it, and a box to add one by the field
/// that names it: the screen of a kind of record kept as a list (a log, agreements,
/// referrals). `line` says what a card shows under its name.
#[component]
pub(crate) fn RecordList(
    kind: &'static domain::records::kinds::KindSpec,
    /// What a new one is added by (its naming field's words), and the button.
    new_label: &'static str,
    button: &'static str,
    line: Callback<domain::records::Record, String>,
    /// Fields made along with a new one (a date), beside the words typed.
    #[prop(optional)]
    made_with: Option<Callback<(), Vec<(&'static str, Value)>>>,
    /// The record the listed ones belong to (a meeting's actions): only its own are listed,
    /// and new ones are made under it.
    #[prop(optional)]
    parent: Option<Uuid>,
    /// Fields the cards leave out (set by the page, not typed: a meeting's id).
    #[prop(optional)]
    hide: &'static [&'static str],
    /// Which of them to list (those raised at one meeting); all when absent.
    #[prop(optional)]
    only: Option<Callback<domain::records::Record, bool>>,
) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let label_field = kind.label_field.unwrap_or("name");
    let ids = Memo::new(move |_| {
        sync.view.with(|v| {
            let mut ids: Vec<Uuid> = v
                .of_kind(kind.name)
                .filter(|r| !r.deleted && (parent.is_none() || r.parent == parent))
                .filter(|r| only.is_none_or(|only| only.run((*r).clone())))
                .map(|r| r.id)
                .collect();
            // Ids are UUID v7s, made in time order: newest first.
            ids.reverse();
            ids
        })
    });
    view! {
        <NewItemForm
            id=match parent {
                Some(p) => format!("new-{}-{p}", kind.name),
                None => format!("new-{}", kind.name),
            }
            label=new_label.to_owned()
            button=button.to_owned()
            submit=Callback::new(move |words: String| {
                let mut fields = vec![(label_field, Value::Text(words))];
                if let Some(more) = made_with {
                    fields.extend(more.run(()));
                }
                sync.create(kind.name, parent, fields).map(|_| ())
            })
        />
        <Show when=move || !ids.with(Vec::is_empty) fallback=|| view! { <p class="hint">"None yet."</p> }>
            <ul class="members">
                <For each=move || ids.get() key=|id| *id let:id>
                    <RecordCard kind id line hide />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn RecordCard(
    kind: &'static domain::records::kinds::KindSpec,
    id: Uuid,
    line: Callback<domain::records::Record, String>,
    hide: &'static [&'static str],
) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let label_field = kind.label_field.unwrap_or("name");
    let name = Memo::new(move |_| {
        sync.view
            .with(|v| {
                v.find(kind.name, id)
                    .map(|r| r.text(label_field).to_owned())
            })
            .unwrap_or_default()
    });
    let summary = move || {
        sync.view
            .with(|v| v.find(kind.name, id).cloned())
            .map(|r| line.run(r))
            .unwrap_or_default()
    };
    // Its own address on the page (`#action-<id>`), for links to it (the governance
    // dashboard's records).
    view! {
        <li class="member-card" id=format!("{}-{id}", kind.name)>
            <details>
                <summary>
                    <span class="member-name">{move || name.get()}</span>
                    <span class="block-summary">{summary}</span>
                </summary>
                {kind
                    .fields
                    .iter()
                    .filter(|f| !hide.contains(&f.name))
                    .map(|field| view! { <Field kind=kind.name id field /> })
                    .collect_view()}
                <ActionButton
                    label=format!("Remove this {}", kind.title)
                    described=name.get_untracked()
                    ops=vec![RecordOp::Delete { kind: kind.name.into(), id }]
                />
            </details>
        </li>
    }
}
