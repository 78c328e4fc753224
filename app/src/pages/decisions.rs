//! `/people/:id/decisions`: decision records under the Mental Capacity Act, one decision and one
//! date each, listed with their review dates. Each record walks the steps in order: consent
//! first (how the person was supported to decide); the four tests of capacity only if doubt
//! remained; the best-interests checklist only if the person lacked capacity for this decision.
//! The engine refuses a later step before an earlier one (`KindSpec::order`), so the order holds
//! on every device, offline too. A decision has its own topic: a relative not shared "Health"
//! never receives a health decision.

use domain::access::Topic;
use domain::involvement::{self, DecisionView};
use domain::records::Value;
use domain::records::kinds::{CAPACITY_TESTS, DECISION, DECISION_TOPICS, DECISIONS, DecisionStage};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::editing::{
    ActionButton, CommunicationBanner, ConflictsPanel, Field, RecordPage, RefusedPanel, editing,
    start_record,
};
use super::involvement::McaPrinciples;
use crate::api::plans::PlanPage as PlanData;
use crate::components::SyncStatusBar;
use crate::sync::RecordSync;

#[component]
pub fn DecisionsPage() -> impl IntoView {
    view! { <RecordPage leave_out=domain::outcomes::TRACKER_ONLY via=("involvement", "Involvement plan") page=|data| view! { <Decisions data /> }.into_any() /> }
}

fn field(name: &str) -> &'static domain::records::kinds::FieldSpec {
    DECISION.field(name).expect("declared in kinds::DECISION")
}

#[component]
fn Decisions(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let title = domain::screens::decisions_heading(&data.reader, &data.name);
    let list = Memo::new(move |_| sync.view.with(involvement::decisions));
    let ids = Memo::new(move |_| list.with(|l| l.iter().map(|d| d.id).collect::<Vec<_>>()));
    let may_edit = data.may_write && data.reader.edits_the_plan();
    // The topics this reader may write a decision under (all of them for staff and the person).
    let writable: Vec<Topic> = DECISION_TOPICS
        .iter()
        .copied()
        .filter(|t| match &data.reader {
            domain::screens::Reader::Member { writes } => writes.contains(t),
            _ => true,
        })
        .collect();
    let today = data.today;
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <CommunicationBanner sync />
        <SyncStatusBar sync />
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "These are the decisions as the server holds them, to read. Recording one needs JavaScript: turn it on to record, even with no connection."
            </p>
        })}
        <ConflictsPanel />
        <RefusedPanel />
        <McaPrinciples />
        <h2 id="decisions-heading">"Decisions"</h2>
        <Show
            when=move || !ids.with(Vec::is_empty)
            fallback=|| view! { <p>"No decisions recorded that you can see."</p> }
        >
            <ul class="members" aria-labelledby="decisions-heading">
                <For each=move || ids.get() key=|id| *id let:decision>
                    <DecisionCard decision list />
                </For>
            </ul>
        </Show>
        <NewDecision topics=writable today />
    }
    .into_any()
}

/// "Record a decision": its words and what it is about (its topic), made with today's date.
#[component]
fn NewDecision(topics: Vec<Topic>, today: domain::calendar::Date) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let editing = editing(sync);
    let topics = StoredValue::new(topics);
    view! {
        <Show when=move || editing() && !topics.with_value(Vec::is_empty)>
            <NewDecisionForm topics=topics.get_value() today />
        </Show>
    }
}

#[component]
fn NewDecisionForm(topics: Vec<Topic>, today: domain::calendar::Date) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let words = NodeRef::<html::Textarea>::new();
    let about = NodeRef::<html::Select>::new();
    let (error, set_error) = signal(None::<String>);
    view! {
        <form class="panel new-item" on:submit=move |ev| {
            ev.prevent_default();
            let (Some(words), Some(about)) = (words.get_untracked(), about.get_untracked()) else { return };
            let topic = Topic::from_key(&about.value());
            match sync.create_about(DECISIONS, None, topic, vec![
                ("decision", Value::Text(words.value())),
                ("decided_on", Value::Date(today)),
            ]) {
                Ok(_) => {
                    words.set_value("");
                    set_error.set(None);
                }
                Err(reason) => set_error.set(Some(reason)),
            }
        }>
            <h2>"Record a decision"</h2>
            <div class="field">
                <label for="new-decision">"The decision, in a sentence"</label>
                <p class="hint">"One decision, for now: for example “Whether I come home after 11pm on Fridays”."</p>
                <p class="field-error" id="new-decision-error" role="alert">{move || error.get()}</p>
                <textarea id="new-decision" class="grows" rows=2 node_ref=words
                    aria-describedby="new-decision-error"
                    aria-invalid=move || error.get().is_some().then_some("true")></textarea>
            </div>
            <div class="field">
                <label for="new-decision-topic">"What it is about"</label>
                <p class="hint">"Only people I share this part of my record with will see it."</p>
                <select id="new-decision-topic" node_ref=about>
                    {topics.into_iter().map(|t| view! { <option value=t.key()>{t.title()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">"Record a decision"</button>
        </form>
    }
}

/// One decision: what, when, its topic, its step and review date at a glance; opened, its steps
/// in order, each shown once the one before is recorded.
#[component]
fn DecisionCard(decision: Uuid, list: Memo<Vec<DecisionView>>) -> impl IntoView {
    let view_of = Memo::new(move |_| list.with(|l| l.iter().find(|d| d.id == decision).cloned()));
    let name = move || view_of.with(|d| d.as_ref().map(|d| d.decision.clone()).unwrap_or_default());
    let line = move || {
        view_of.with(|d| {
            d.as_ref().map(|d| {
                let mut parts = Vec::new();
                if let Some(on) = d.decided_on {
                    parts.push(domain::calendar::london_date_label(on));
                }
                parts.push(d.topic.title().to_owned());
                parts.push(d.stage.words().to_owned());
                parts.push(match d.review {
                    Some(r) => format!("Review {}", domain::calendar::london_date_label(r)),
                    None => "No review date".to_owned(),
                });
                parts.join(" · ")
            })
        })
    };
    view! {
        <li class="member-card decision">
            <details>
                <summary>
                    <span class="member-name">{name}</span>
                    <span class="block-summary">{line}</span>
                </summary>
                <Field kind=DECISIONS id=decision field=field("decision") />
                <Field kind=DECISIONS id=decision field=field("decided_on") />
                <DecisionSteps decision />
                <Field kind=DECISIONS id=decision field=field("review_date") />
                <ActionButton
                    label="Remove this decision".to_owned()
                    described=view_of.get_untracked().map(|d| d.decision).unwrap_or_default()
                    ops=vec![domain::records::RecordOp::Delete { kind: DECISIONS.into(), id: decision }]
                />
            </details>
        </li>
    }
}

/// A decision's steps in order, each shown once the one before is recorded: consent first;
/// the four tests of capacity only if doubt remained; best interests only if the person lacked
/// capacity for this decision. Here and in the complex review that decides it.
#[component]
pub(crate) fn DecisionSteps(decision: Uuid) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let stage = Memo::new(move |_| {
        sync.view.with(|v| {
            v.find(DECISIONS, decision)
                .map_or(DecisionStage::Consent, DecisionStage::of)
        })
    });
    let doubt = move || {
        sync.view.with(|v| {
            v.find(DECISIONS, decision)
                .is_some_and(|r| r.text("outcome") == "doubt")
        })
    };
    let lacks = move || stage.get() == DecisionStage::BestInterests;
    view! {
        <section class="step" aria-label="Step 1: consent">
            <h3>"Step 1: Consent first"</h3>
            <p class="hint">"Give the information in the way I understand best, and ask me."</p>
            <Field kind=DECISIONS id=decision field=field("supported") />
            <Field kind=DECISIONS id=decision field=field("outcome") />
        </section>
        <Show when=doubt>
            <section class="step" aria-label="Step 2: capacity">
                <h3>"Step 2: Capacity, for this decision at this time"</h3>
                <p class="hint">"Only because doubt remained. If I can do all four, the decision is mine."</p>
                {CAPACITY_TESTS.iter().map(|(test, _)| view! {
                    <Field kind=DECISIONS id=decision field=field(test) />
                    <Field kind=DECISIONS id=decision field=field(&format!("{test}_evidence")) />
                }).collect_view()}
            </section>
        </Show>
        <Show when=lacks>
            <section class="step" aria-label="Step 3: best interests">
                <h3>"Step 3: Best interests"</h3>
                <p class="hint">"I couldn't make this decision at this time: decide with the people I trust, as I would want, limiting my freedom least."</p>
                {["consulted", "wishes", "options", "chosen"].into_iter().map(|f| view! {
                    <Field kind=DECISIONS id=decision field=field(f) />
                }).collect_view()}
            </section>
        </Show>
    }
}
