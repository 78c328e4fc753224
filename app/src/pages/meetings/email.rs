//! A meeting's email: send the invitation, the agenda or the summary to everyone in the
//! person's circle (each gets their own letter, holding only what they may read), see who was
//! sent what and when, and try a failed letter again. For the person and their staff, online
//! only: what was sent is asked of the server when the page opens and never kept on the
//! device (it names people the device's reader may not otherwise see).

use domain::calendar::Date;
use domain::mail::{Delivery, DeliveryState, Document};
use domain::records::kinds::MEETINGS;
use domain::records::{RecordOp, Value};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::mail::{MailState, NO_RELAY};
use crate::components::DeviceSync;
use crate::sync::RecordSync;

/// How often the page asks again while a letter waits to be sent.
const ASK_AGAIN_MS: u64 = 10_000;

/// The page's email state, shared by its meeting cards.
#[derive(Clone, Copy)]
pub(super) struct Email {
    person: domain::PersonId,
    state: RwSignal<Option<MailState>>,
    error: RwSignal<Option<String>>,
}

impl Email {
    /// Provides the page's email state and asks the server for it once the page is up.
    pub(super) fn provide(person: domain::PersonId) {
        let email = Email {
            person,
            state: RwSignal::new(None),
            error: RwSignal::new(None),
        };
        provide_context(email);
        Effect::new(move |_| email.load());
        // While a letter waits, ask again now and then to show when it goes.
        Effect::new(move |_| {
            let waiting = email.state.with(|s| {
                s.as_ref().is_some_and(|s| {
                    s.deliveries
                        .iter()
                        .any(|d| matches!(d.state, DeliveryState::Queued { .. }))
                })
            });
            if waiting {
                set_timeout(
                    move || email.load(),
                    std::time::Duration::from_millis(ASK_AGAIN_MS),
                );
            }
        });
    }

    fn load(self) {
        leptos::task::spawn_local(async move {
            match crate::api::mail::mail_overview(self.person.to_string()).await {
                Ok(state) => {
                    self.state.set(Some(state));
                    self.error.set(None);
                }
                Err(e) => self.error.set(Some(e.to_string())),
            }
        });
    }
}

/// "Maggie Okafor and Ruth Okafor".
fn names(list: &[String]) -> String {
    match list {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The email part of meeting `id`'s card.
#[component]
pub(super) fn MeetingEmail(id: Uuid, title: Signal<String>, today: Date) -> impl IntoView {
    let Some(email) = use_context::<Email>() else {
        return ().into_any();
    };
    let sync = expect_context::<RecordSync>();
    let device = expect_context::<DeviceSync>();
    let offline = move || device.online.get() == Some(false);
    let (told, set_told) = signal(None::<String>);
    let (failed, set_failed) = signal(None::<String>);
    let busy = RwSignal::new(false);
    let mine = Memo::new(move |_| {
        email.state.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.deliveries
                        .iter()
                        .filter(|d| d.meeting == id)
                        .cloned()
                        .collect::<Vec<Delivery>>()
                })
                .unwrap_or_default()
        })
    });
    let send = move |document: Document| {
        busy.set(true);
        set_told.set(None);
        set_failed.set(None);
        leptos::task::spawn_local(async move {
            let answer = crate::api::mail::send_meeting_mail(
                email.person.to_string(),
                id.to_string(),
                document.code().to_owned(),
            )
            .await;
            busy.set(false);
            match answer {
                Ok(sent) => {
                    let mut words = if sent.to.is_empty() {
                        "Nobody was sent it.".to_owned()
                    } else {
                        format!("{} is on its way to {}.", document.title(), names(&sent.to))
                    };
                    for (name, why) in &sent.left_out {
                        words.push_str(&format!(" Not sent to {name}: {why}."));
                    }
                    set_told.set(Some(words));
                    if !sent.to.is_empty() {
                        mark_sent(sync, id, document, today, &sent.to);
                    }
                    email.load();
                }
                Err(e) => set_failed.set(Some(e.to_string())),
            }
        });
    };
    let retry = move |letter: Uuid| {
        set_failed.set(None);
        leptos::task::spawn_local(async move {
            match crate::api::mail::retry_mail(email.person.to_string(), letter.to_string()).await {
                Ok(()) => email.load(),
                Err(e) => set_failed.set(Some(e.to_string())),
            }
        });
    };
    // Nothing until the server has answered (never, with JavaScript off: sending needs it).
    let known = move || email.state.with(Option::is_some) || email.error.with(Option::is_some);
    view! {
        <Show when=known>
        <section class="meeting-email" aria-label=move || format!("Email: {}", title.get())>
            <h4>"Email"</h4>
            {move || email.error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {move || email.state.get().map(|s| if s.relay {
                view! {
                    <p class="hint">"Each person in the circle gets their own copy, with only what is shared with them."</p>
                    <Show when=offline>
                        <p class="hint">"Email goes once this device is back online."</p>
                    </Show>
                    <div class="actions">
                        {Document::ALL.into_iter().map(|d| view! {
                            <button type="button" class="secondary"
                                disabled=move || busy.get() || offline()
                                on:click=move |_| send(d)>
                                {format!("Email {}", d.words())}
                            </button>
                        }).collect_view()}
                    </div>
                }.into_any()
            } else {
                view! { <p class="hint">{NO_RELAY}</p> }.into_any()
            })}
            <p role="status">{move || told.get()}</p>
            <p class="field-error" role="alert">{move || failed.get()}</p>
            <Show when=move || !mine.with(Vec::is_empty)>
                <ul class="deliveries">
                    <For each=move || mine.get() key=|d| (d.id, d.state.clone()) let:d>
                        <li class:late=d.failed()>
                            {format!("{} to {}: {}", d.document.title(), d.to_name, d.state_words())}
                            {d.failed().then(|| view! {
                                <button type="button" class="secondary"
                                    aria-label=format!("Try again: {} to {}", d.document.title(), d.to_name)
                                    disabled=offline
                                    on:click=move |_| retry(d.id)>
                                    "Try again"
                                </button>
                            })}
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
        </Show>
    }
    .into_any()
}

/// Once letters are on their way, the meeting's clocks count the document as sent today, and
/// the summary's "sent to" names them (one a line, after anyone named before).
fn mark_sent(sync: RecordSync, id: Uuid, document: Document, today: Date, to: &[String]) {
    let (sent_on, sent_to) = match document {
        Document::Summary => ("summary_sent_on", Some("summary_sent_to")),
        Document::Agenda => ("agenda_sent_on", None),
        Document::Invitation => return,
    };
    let (on_before, to_before) = sync.view.with_untracked(|v| {
        v.find(MEETINGS, id)
            .map_or((Value::Empty, String::new()), |m| {
                (
                    m.get(sent_on).clone(),
                    sent_to.map(|f| m.text(f).to_owned()).unwrap_or_default(),
                )
            })
    });
    let mut ops = Vec::new();
    if on_before == Value::Empty {
        ops.push(RecordOp::Set {
            kind: MEETINGS.into(),
            id,
            field: sent_on.into(),
            before: Value::Empty,
            after: Value::Date(today),
        });
    }
    if let Some(field) = sent_to {
        // One name a line, as the field asks.
        let mut all: Vec<String> = to_before
            .lines()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        for name in to {
            if !all.contains(name) {
                all.push(name.clone());
            }
        }
        let after = all.join("\n");
        if after != to_before {
            ops.push(RecordOp::Set {
                kind: MEETINGS.into(),
                id,
                field: field.into(),
                before: if to_before.is_empty() {
                    Value::Empty
                } else {
                    Value::Text(to_before)
                },
                after: Value::Text(after),
            });
        }
    }
    if !ops.is_empty() {
        let _ = sync.edit(ops);
    }
}
