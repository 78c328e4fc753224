//! `/people/:id/involvement`: the involvement plan, owned by the person: who they want involved
//! (their circle of support, as a map and a list, each member with what they help with and
//! what they should not do), how we'll communicate, when we'll meet and how we'll decide. Each
//! block is a section to open, so a phone shows four headings rather than one long form; every
//! part is a record (see `domain::records::kinds`), edited offline like the rest of the plan.

use domain::access::Topic;
use domain::involvement::ReferralClock;
use domain::involvement::{self, MemberView};
use domain::records::RecordOp;
use domain::records::Value;
use domain::records::kinds::{
    AGREEMENTS, CIRCLE_MEMBER, COMMUNICATING, COMMUNICATION, DECIDING, DECIDING_KIND, INTERACTION,
    INTERACTIONS, MEETING_RHYTHM, MEMBERS, REFERRAL, REFERRALS, RHYTHM, SUPPORTER_AGREEMENT,
};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::editing::{
    ActionButton, CommunicationBanner, ConflictsPanel, EasyReadLink, Field, NewItemForm,
    RecordList, RecordPage, RefusedPanel, editing, start_record,
};
use crate::api::plans::PlanPage as PlanData;
use crate::components::SyncStatusBar;
use crate::sync::RecordSync;

#[component]
pub fn InvolvementPage() -> impl IntoView {
    view! { <RecordPage leave_out=domain::outcomes::TRACKER_ONLY page=|data| view! { <InvolvementPlan data /> }.into_any() /> }
}

#[component]
fn InvolvementPlan(data: PlanData) -> impl IntoView {
    let sync = start_record(&data);
    let title = domain::screens::involvement_heading(&data.reader, &data.name);
    let person = data.person;
    let shown = move || sync.topics.with(|t| t.contains(&Topic::Involvement));
    let name = data.name.clone();
    let not_shared = format!(
        "{name} hasn't shared who is involved and how they like to work together with you."
    );
    let may_edit = data.may_write && data.reader.edits_the_plan();
    let today = data.today;
    let person_name = StoredValue::new(name);
    // The referral clocks tick on from the server's time, a minute at a time (in the browser).
    let now = RwSignal::new(data.now_ms);
    Effect::new(move |_| {
        if let Ok(tick) = set_interval_with_handle(
            move || {
                now.try_update(|n| *n += 60_000);
            },
            std::time::Duration::from_secs(60),
        ) {
            on_cleanup(move || tick.clear());
        }
    });
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <CommunicationBanner sync />
        <EasyReadLink sync />
        <SyncStatusBar sync />
        {may_edit.then(|| view! {
            <p class="panel panel-note js-off-note">
                "This is the plan as the server holds it, to read. Editing needs JavaScript: turn it on to edit, even with no connection."
            </p>
        })}
        <p class="actions">
            <a class="button secondary" href=format!("/people/{}/plan", person)>"Goals, About me and meetings"</a>
        </p>
        <ConflictsPanel />
        <RefusedPanel />
        <Show when=shown fallback=move || view! { <p class="panel">{not_shared.clone()}</p> }>
            <p class="hint">"Open a section to read or change it."</p>
            <WhoIsInvolved person_name=person_name.get_value() />
            <Block id="communicate" heading="How we'll communicate"
                summary=Signal::derive(move || sync.view.with(|v| {
                    involvement::communication_banner(involvement::communication(v, person))
                        .unwrap_or_else(|| "Not written yet".to_owned())
                }))>
                {COMMUNICATION.fields.iter().map(|field| view! {
                    <Field kind=COMMUNICATING id=person.0 field />
                }).collect_view()}
            </Block>
            <Block id="meet" heading="When we'll meet"
                summary=Signal::derive(move || sync.view.with(|v| {
                    match involvement::next_meetings(involvement::rhythm(v, person), today, 1).first() {
                        Some((date, planned)) => format!(
                            "Next: {}, {}",
                            planned.words(),
                            domain::calendar::london_date_label(*date)
                        ),
                        None => "No dates yet".to_owned(),
                    }
                }))>
                {MEETING_RHYTHM.fields.iter().map(|field| view! {
                    <Field kind=RHYTHM id=person.0 field />
                }).collect_view()}
                <NextMeetings person today />
            </Block>
            <Block id="decide" heading="How we'll decide"
                summary=Signal::derive(move || sync.view.with(|v| {
                    let triggers = involvement::deciding(v, person)
                        .map(|r| match r.get("triggers") {
                            Value::Texts(t) => t.len(),
                            _ => 0,
                        })
                        .unwrap_or(0);
                    match triggers {
                        0 => "Consent first".to_owned(),
                        1 => "Consent first · 1 advocacy trigger".to_owned(),
                        n => format!("Consent first · {n} advocacy triggers"),
                    }
                }))>
                <McaPrinciples />
                <p><a class="button secondary" href=format!("/people/{}/decisions", person)>"Decisions recorded"</a></p>
                {DECIDING.fields.iter().map(|field| view! {
                    <Field kind=DECIDING_KIND id=person.0 field />
                }).collect_view()}
            </Block>
            <Block id="referrals" heading="Advocacy referrals"
                summary=Signal::derive(move || sync.view.with(|v| {
                    let open: Vec<ReferralClock> = v.of_kind(REFERRALS)
                        .filter(|r| !r.deleted)
                        .map(|r| ReferralClock::of(r, now.get()))
                        .collect();
                    let late = open.iter().filter(|c| matches!(c, ReferralClock::Late { .. })).count();
                    match (open.len(), late) {
                        (0, _) => "None".to_owned(),
                        (n, 0) => format!("{n} recorded"),
                        (n, l) => format!("{n} recorded, {l} late"),
                    }
                }))>
                <p class="hint">"When a trigger arises, an independent advocate is engaged within 48 hours. Advocates record their view here themselves."</p>
                <RecordList kind=&REFERRAL
                    new_label="A new referral: what it is about"
                    button="Add referral"
                    line=Callback::new(move |r: domain::records::Record| ReferralClock::of(&r, now.get()).words())
                    made_with=Callback::new(move |()| vec![("arose_at", Value::Number(now.get_untracked()))]) />
            </Block>
            <Block id="agreements" heading="Supporter agreements"
                summary=Signal::derive(move || sync.view.with(|v| {
                    match v.of_kind(AGREEMENTS).filter(|r| !r.deleted).count() {
                        0 => "None yet".to_owned(),
                        1 => "1 agreement".to_owned(),
                        n => format!("{n} agreements"),
                    }
                }))>
                <p class="hint">"What each supporter does, the prompts we all use (“What's the first step?”) and what “help” means here: the key worker reads this on shift."</p>
                <RecordList kind=&SUPPORTER_AGREEMENT
                    new_label="A new agreement: the supporter's name"
                    button="Add agreement"
                    line=Callback::new(|r: domain::records::Record| {
                        r.text("prompts").lines().next().unwrap_or("").to_owned()
                    }) />
            </Block>
            <Block id="log" heading="Interaction log"
                summary=Signal::derive(move || sync.view.with(|v| {
                    match v.of_kind(INTERACTIONS).filter(|r| !r.deleted).count() {
                        0 => "Nothing logged yet".to_owned(),
                        1 => "1 entry".to_owned(),
                        n => format!("{n} entries"),
                    }
                }))>
                <RecordList kind=&INTERACTION
                    new_label="Log a contact: what it was about"
                    button="Add to the log"
                    line=Callback::new(|r: domain::records::Record| {
                        let channel = INTERACTION.field("channel").map_or("", |f| f.choice_label(r.text("channel")));
                        let when = match r.get("happened_on") {
                            Value::Date(d) => domain::calendar::london_date_label(*d),
                            _ => String::new(),
                        };
                        [when, channel.to_owned(), r.text("who").to_owned()]
                            .into_iter()
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    made_with=Callback::new(move |()| vec![("happened_on", Value::Date(today))]) />
            </Block>
        </Show>
    }
    .into_any()
}

/// One block of the plan: a section to open, its heading, and a line saying what it holds.
#[component]
fn Block(
    id: &'static str,
    heading: &'static str,
    summary: Signal<String>,
    children: Children,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    view! {
        <details class="block" id=id>
            <summary>
                <h2 id=heading_id.clone()>{heading}</h2>
                <span class="block-summary">{move || summary.get()}</span>
            </summary>
            <section class="block-body" aria-labelledby=heading_id>
                {children()}
            </section>
        </details>
    }
}

/// Block 1: the circle of support, as a map and as a list (the list is what a screen reader
/// reads), each member to open and change, and a way to add someone.
#[component]
fn WhoIsInvolved(person_name: String) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let members = Memo::new(move |_| sync.view.with(involvement::members));
    let ids = Memo::new(move |_| members.with(|m| m.iter().map(|m| m.id).collect::<Vec<_>>()));
    let summary = Signal::derive(move || {
        members.with(|m| {
            let involved = m.iter().filter(|m| m.involved).count();
            match (m.len(), involved) {
                (0, _) => "Nobody added yet".to_owned(),
                (1, 1) => "1 person, involved".to_owned(),
                (n, i) => format!("{n} people, {i} involved"),
            }
        })
    });
    let editing = editing(sync);
    view! {
        <Block id="involved" heading="Who I want involved" summary>
            <CircleMap members person_name />
            <h3 id="members-heading">"My circle of support"</h3>
            <ul class="members" aria-labelledby="members-heading">
                <For each=move || ids.get() key=|id| *id let:member>
                    <MemberCard member members />
                </For>
            </ul>
            <Show when=move || members.with(Vec::is_empty) && !editing()>
                <p>"Nobody has been added to the circle yet."</p>
            </Show>
            <NewItemForm
                id="new-member".to_owned()
                label="Add someone to my circle: their name".to_owned()
                button="Add to my circle".to_owned()
                submit=Callback::new(move |name: String| {
                    sync.create(MEMBERS, None, vec![("name", Value::Text(name))]).map(|_| ())
                })
            />
        </Block>
    }
}

/// The circle map: the person in the middle, the closest in the inner ring. A picture for those
/// who read pictures; hidden from screen readers, which read the list under it.
#[component]
fn CircleMap(members: Memo<Vec<MemberView>>, person_name: String) -> impl IntoView {
    let places = Memo::new(move |_| members.with(|m| involvement::map(m)));
    view! {
        <figure class="circle-map">
            <svg viewBox="0 0 400 400" aria-hidden="true" focusable="false">
                {involvement::MAP_RINGS.iter().rev().map(|r| view! {
                    <circle cx="200" cy="200" r=r.to_string() class="ring" />
                }).collect_view()}
                <circle cx="200" cy="200" r="42" class="centre" />
                <text x="200" y="206" text-anchor="middle" class="centre-name">{person_name}</text>
                <For each=move || places.get() key=|p| (p.id, p.x as i64, p.y as i64, p.name.clone()) let:place>
                    <g class=format!("member ring-{}", place.ring)>
                        <circle cx=place.x.to_string() cy=place.y.to_string() r="9" />
                        <text x=place.x.to_string() y=(place.y + 26.0).to_string() text-anchor="middle">
                            {place.name.clone()}
                        </text>
                    </g>
                </For>
            </svg>
            <figcaption class="hint">"The people nearest the middle are closest to me."</figcaption>
        </figure>
    }
}

/// One member of the circle: who they are to the person at a glance; opened, every detail to
/// read or change, and a way to take them out of the circle.
#[component]
fn MemberCard(member: Uuid, members: Memo<Vec<MemberView>>) -> impl IntoView {
    let view_of =
        Memo::new(move |_| members.with(|all| all.iter().find(|m| m.id == member).cloned()));
    let line = move || {
        view_of.with(|m| {
            m.as_ref().map(|m| {
                let mut parts = vec![m.role.clone()];
                if !m.relationship.is_empty() {
                    parts.insert(0, m.relationship.clone());
                }
                if !m.involved {
                    parts.push("not involved in my plan".to_owned());
                }
                parts.join(" · ")
            })
        })
    };
    let name = move || view_of.with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let is_advocate =
        move || view_of.with(|m| m.as_ref().is_some_and(|m| m.role.starts_with("Advocate")));
    let boundaries =
        move || view_of.with(|m| m.as_ref().map(|m| m.boundaries.clone()).unwrap_or_default());
    view! {
        <li class="member-card">
            <details>
                <summary>
                    <span class="member-name">{name}</span>
                    <span class="block-summary">{line}</span>
                </summary>
                {CIRCLE_MEMBER.fields.iter().filter(|f| f.name != "advocate_type").map(|field| {
                    view! { <Field kind=MEMBERS id=member field /> }
                }).collect_view()}
                <Show when=is_advocate>
                    {CIRCLE_MEMBER.field("advocate_type").map(|field| view! {
                        <Field kind=MEMBERS id=member field />
                    })}
                </Show>
                <ActionButton
                    label="Take out of my circle".to_owned()
                    described=view_of.get_untracked().map(|m| m.name).unwrap_or_default()
                    ops=vec![RecordOp::Delete { kind: MEMBERS.into(), id: member }]
                />
            </details>
            <Show when=move || !boundaries().trim().is_empty()>
                <p class="boundary"><strong>"Please don't: "</strong>{boundaries}</p>
            </Show>
        </li>
    }
}

/// The next meetings the rhythm gives, in UK dates.
#[component]
fn NextMeetings(person: domain::PersonId, today: domain::calendar::Date) -> impl IntoView {
    let sync = expect_context::<RecordSync>();
    let next = Memo::new(move |_| {
        sync.view
            .with(|v| involvement::next_meetings(involvement::rhythm(v, person), today, 4))
    });
    view! {
        <h3>"Next meetings"</h3>
        <Show
            when=move || !next.with(Vec::is_empty)
            fallback=|| view! { <p class="hint">"Choose how often we meet and a starting date to see the next dates."</p> }
        >
            <ul class="next-meetings">
                {move || next.get().into_iter().map(|(date, planned)| view! {
                    <li>{format!("{}: {}", domain::calendar::london_date_label_long(date), planned.words())}</li>
                }).collect_view()}
            </ul>
        </Show>
    }
}

/// How decisions are made with the person (the Mental Capacity Act's order), in their voice.
#[component]
pub(crate) fn McaPrinciples() -> impl IntoView {
    view! {
        <div class="panel panel-note">
            <h3>"How decisions are made with me"</h3>
            <ol>
                <li>"Ask me first, and help me decide: I have the right to make my own choices, even unwise ones."</li>
                <li>"Only if there is real doubt, assess whether I can make this decision, at this time. Not every decision."</li>
                <li>"If I can't make it, decide in my best interests: ask me and the people I name, and think about what I have wanted before."</li>
                <li>"Choose the option that limits my freedom least, and set a date to look at it again."</li>
            </ol>
        </div>
    }
}
