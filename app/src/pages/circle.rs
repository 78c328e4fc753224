//! `/people/:id/circle`: who is in the person's circle and, topic by topic, what each sees; and
//! inviting someone new. Plain forms (they work with JavaScript off) posting to the server's
//! account routes, which audit every change.

use domain::access::{CircleRole, Topic};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::circle::{CirclePage, get_circle};
use crate::components::{ErrorPanel, ErrorSummary, Problem};

#[component]
pub fn CirclePageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let circle = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_circle,
    );
    let notice = move || {
        query.with_untracked(|q| {
            if let Some(n) = q.get("saved") {
                Some(("status", format!("Saved. {n} change(s) to who sees what.")))
            } else if q.get("invited").is_some() {
                Some(("status", "Invitation made. Copy the link below and send it to them: it works once, for 7 days.".to_owned()))
            } else if q.get("existing").is_some() {
                Some(("status", "They already have a Circle account: they've been offered a place in the circle. Once they accept it, signed in, they see what you share with them; until then, nothing.".to_owned()))
            } else {
                if q.get("warning_saved").is_some() {
                    return Some(("status", "Early warning saved.".to_owned()));
                }
                if q.get("warning_removed").is_some() {
                    return Some(("status", "Early warning ended.".to_owned()));
                }
                None
            }
        })
    };
    let form_problems = move || query.with_untracked(|q| problems(q.get("problem").as_deref()));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match circle.await {
                    Ok(page) => view! { <Circle page notice=notice() problems=form_problems() /> }.into_any(),
                    Err(error) => view! { <Title text="Circle" /> <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the server said was wrong with a form it sent back (`?problem=`), and the field each
/// problem is about.
fn problems(code: Option<&str>) -> Vec<Problem> {
    let (field, message) = match code {
        Some("reason") => (
            "reason",
            "Nothing was changed: say on what basis you are recording this (the person's instruction, or a best-interests decision).",
        ),
        Some("warning") => (
            "warning-indicator",
            "Nothing was saved: say what would be noticed, and choose who may be contacted.",
        ),
        Some("invite") => (
            "invite-name",
            "Nothing was sent: give their name, their email and how they know the person.",
        ),
        Some("self") => (
            "invite-email",
            "Nothing was sent: that is the email of the person themselves. They are at the centre of their circle already.",
        ),
        _ => return Vec::new(),
    };
    vec![Problem {
        field,
        message: message.to_owned(),
    }]
}

#[component]
fn Circle(
    page: CirclePage,
    notice: Option<(&'static str, String)>,
    problems: Vec<Problem>,
) -> impl IntoView {
    let title = format!("{}'s circle", page.name);
    let action = format!("/people/{}/circle/consent", page.person);
    let invite = format!("/people/{}/circle/invite", page.person);
    let back = format!("/people/{}", page.person);
    let intro = if page.is_the_person {
        "Tick what each person may see. You can change this at any time; when you untick something, it is removed from their phone or tablet the next time it connects."
    } else {
        "Record what the person has decided each member may see. Say on what basis: the person's own instruction (written down), or a best-interests decision. Every change is kept in the audit trail with your name."
    };
    let members = page.members.clone();
    let page_for_warnings = page.clone();
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"All people"</a></li>
                <li><a href=back>{page.name.clone()}</a></li>
            </ol>
        </nav>
        <h1>{title}</h1>
        <ErrorSummary problems=problems.clone() />
        {notice.map(|(role, text)| view! { <div class="panel" role=role><p>{text}</p></div> })}
        {page.new_link.map(|link| view! {
            <p class="panel invitation-link">
                <strong>"Invitation link: "</strong>
                <code>{link}</code>
            </p>
        })}
        <section class="panel" aria-labelledby="share-heading">
            <h2 id="share-heading">"Who sees what"</h2>
            <p class="hint">{intro}</p>
            {if members.is_empty() {
                view! { <p>"Nobody has been invited yet."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=action>
                        {members.into_iter().map(|m| {
                            let legend = if m.accepted {
                                format!("{} ({})", m.name, m.role.title())
                            } else {
                                format!("{} ({}, invited: sees nothing until they accept)", m.name, m.role.title())
                            };
                            view! {
                                <fieldset class="consent">
                                    <legend>{legend}</legend>
                                    {Topic::ALL.into_iter().map(|t| {
                                        let name = format!("share.{}.{}", m.user, t.key());
                                        let id = format!("share-{}-{}", m.user, t.key());
                                        view! {
                                            <p class="check">
                                                <input type="checkbox" id=id.clone() name=name checked=m.shared.contains(&t) />
                                                <label for=id>{t.title()}<span class="hint">{t.explained()}</span></label>
                                            </p>
                                        }
                                    }).collect_view()}
                                </fieldset>
                            }
                        }).collect_view()}
                        {(!page.is_the_person).then(|| view! {
                            <div class="field">
                                <label for="reason">"On what basis are you recording this?"</label>
                                <p class="hint" id="reason-hint">{format!("For example: {} asked me on 23 November, written in the notes.", page.name)}</p>
                                <input id="reason" name="reason" type="text" required aria-describedby="reason-hint"
                                    aria-invalid=invalid(&problems, "reason") />
                            </div>
                        })}
                        <button type="submit">"Save who sees what"</button>
                    </form>
                }.into_any()
            }}
        </section>
        <EarlyWarnings page=page_for_warnings problems=problems.clone() />
        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <p class="hint">"They get a link to set a password. They see nothing until you tick what they may see."</p>
            <form method="post" action=invite>
                <div class="field">
                    <label for="invite-name">"Their name"</label>
                    <input id="invite-name" name="name" type="text" required autocomplete="off"
                        aria-invalid=invalid(&problems, "invite-name") />
                </div>
                <div class="field">
                    <label for="invite-email">"Their email"</label>
                    <input id="invite-email" name="email" type="email" required autocomplete="off" spellcheck="false"
                        aria-invalid=invalid(&problems, "invite-email") />
                </div>
                <div class="field">
                    <label for="invite-role">"Who they are to the person"</label>
                    <select id="invite-role" name="role">
                        {CircleRole::ALL.into_iter().filter(|r| *r != CircleRole::Person).map(|r| view! {
                            <option value=r.key()>{r.title()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Make an invitation link"</button>
            </form>
        </section>
    }
}

/// `Some("true")` for the field a problem is about (its `aria-invalid`).
fn invalid(problems: &[Problem], field: &str) -> Option<&'static str> {
    problems.iter().any(|p| p.field == field).then_some("true")
}

/// Early-warning agreements: named indicators that, if seen, let staff contact a named member.
#[component]
fn EarlyWarnings(page: CirclePage, problems: Vec<Problem>) -> impl IntoView {
    let add = format!("/people/{}/circle/early-warnings", page.person);
    let person = page.person;
    let is_the_person = page.is_the_person;
    let members: Vec<_> = page
        .members
        .iter()
        .map(|m| (m.user.clone(), m.name.clone()))
        .collect();
    let reason_field = move |id: String| {
        (!is_the_person).then(|| {
            view! {
                <div class="field">
                    <label for=id.clone()>"On what basis are you recording this?"</label>
                    <input id=id name="reason" type="text" required />
                </div>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="warnings-heading">
            <h2 id="warnings-heading">"Early warnings"</h2>
            <p class="hint">"Things that, if staff notice them, mean they may contact someone you name. Nothing else is shared with them because of this."</p>
            {if page.early_warnings.is_empty() {
                view! { <p>"No early warnings agreed."</p> }.into_any()
            } else {
                view! {
                    <ul class="warnings">
                        {page.early_warnings.into_iter().map(|w| {
                            let remove = format!("/people/{person}/circle/early-warnings/{}/remove", w.id);
                            let label = format!("If “{}” is seen, staff may contact {}", w.indicator, w.contact_name);
                            let button = format!("End: {}", w.indicator);
                            view! {
                                <li>
                                    <span>{label}</span>
                                    <form method="post" action=remove class="inline">
                                        {reason_field(format!("reason-{}", w.id))}
                                        <button type="submit" class="secondary" aria-label=button>"End this"</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {if members.is_empty() {
                view! { <p>"Invite someone first: an early warning names who may be contacted."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=add>
                        <div class="field">
                            <label for="warning-indicator">"If staff notice"</label>
                            <p class="hint" id="warning-indicator-hint">"In the person's words. For example: I miss two appointments in a row."</p>
                            <input id="warning-indicator" name="indicator" type="text" required maxlength="200"
                                list="warning-examples" aria-describedby="warning-indicator-hint"
                                aria-invalid=invalid(&problems, "warning-indicator") />
                            <datalist id="warning-examples">
                                <option value="I miss two appointments in a row"></option>
                                <option value="I am eating much less than usual"></option>
                                <option value="I call the crisis line several times in a week"></option>
                                <option value="I don't answer the door for two days"></option>
                            </datalist>
                        </div>
                        <div class="field">
                            <label for="warning-contact">"they may contact"</label>
                            <select id="warning-contact" name="contact">
                                {members.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                            </select>
                        </div>
                        {reason_field("warning-reason".to_owned())}
                        <button type="submit">"Agree this early warning"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
