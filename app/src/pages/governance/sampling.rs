//! `/governance/sampling`: case sampling of one service (`domain::governance::sampling`). The
//! nominated individual draws this quarter's two cases (`POST /governance/sampling/draw`), from
//! the people supported there who were not sampled in the four quarters before; the draw shows
//! its seed and how many it was drawn from, and whether drawing again from them gives the same
//! cases. Each case links to the person's record and takes the findings and follow-up actions
//! (`POST /governance/sampling/finding`). Earlier quarters' draws follow. Plain forms: it works
//! with JavaScript off. The registered manager reads it.

use domain::governance::sampling::{
    CASES_PER_DRAW, FINDINGS_MAX, RECENT_QUARTERS, cases_from, cases_words, people_words,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::governance::{DrawView, SamplingPage, get_sampling};
use crate::components::ErrorPanel;

#[component]
pub fn GovernanceSamplingPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| q.get("service"));
    let page = Resource::new(args, get_sampling);
    let notes = query.with_untracked(|q| Notes {
        drawn: q.get("note"),
        saved: q.get("saved"),
        problem: q.get("problem"),
    });
    view! {
        <Title text="Case sampling" />
        <h1>"Case sampling"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let notes = notes.clone();
                Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(page) => view! { <SamplingView page notes /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// What the address says happened: a draw made (or found made), findings saved, or findings
/// sent back (the person's id).
#[derive(Debug, Clone, Default)]
struct Notes {
    drawn: Option<String>,
    saved: Option<String>,
    problem: Option<String>,
}

#[component]
fn SamplingView(page: SamplingPage, notes: Notes) -> impl IntoView {
    let name = page.service_name();
    let current = page.current().cloned();
    let SamplingPage {
        services,
        service,
        quarter,
        may_sample,
        candidates,
        draws,
    } = page;
    let several = services.len() > 1;
    let earlier: Vec<DrawView> = draws
        .into_iter()
        .filter(|d| d.draw.quarter != quarter)
        .collect();
    let drawn_note = notes.drawn.as_deref().map(|n| match n {
        "already" => "This quarter's cases were already drawn: the draw below stands.",
        _ => "Drawn. The cases are below.",
    });
    let this_quarter = match current {
        Some(draw) => view! { <DrawCard draw may_sample service=service.to_string() notes=notes.clone() /> }.into_any(),
        None if may_sample => view! {
            <form method="post" action="/governance/sampling/draw" class="panel">
                <input type="hidden" name="service" value=service.to_string() />
                <p>{format!(
                    "{} will be drawn at random from the {} {name} supports who {} not sampled in the last {RECENT_QUARTERS} quarters. The draw is kept with its seed, so it can be checked, and cannot be made again this quarter.",
                    cases_words(cases_from(candidates)),
                    people_words(candidates),
                    if candidates == 1 { "was" } else { "were" },
                )}</p>
                <button type="submit">{format!("Draw {} for {}", cases_words(cases_from(candidates)), quarter.words())}</button>
            </form>
        }
        .into_any(),
        None => view! {
            <p class="panel">"The nominated individual has not drawn this quarter's cases yet."</p>
        }
        .into_any(),
    };
    view! {
        {several.then(|| view! {
            <form class="panel filters no-print" method="get" action="/governance/sampling">
                <div class="field">
                    <label for="sampling-service">"Service"</label>
                    <select id="sampling-service" name="service">
                        {services.iter().map(|(id, n)| view! {
                            <option value=id.to_string() selected=*id == service>{n.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Show"</button>
            </form>
        })}
        <p class="lead">{format!("{name}: {}.", quarter.words())}</p>
        <p class="hint">{format!(
            "Each quarter the nominated individual looks closely at {CASES_PER_DRAW} people's records at each service, drawn at random so that no case is chosen for looking good, and records what they found and what is to follow."
        )}</p>
        {drawn_note.map(|n| view! { <p class="panel panel-note" role="status">{n}</p> })}
        <p class="actions no-print">
            <a class="button secondary" href=format!("/governance?service={service}")>"Governance dashboard"</a>
        </p>
        <section aria-labelledby="sampling-now">
            <h2 id="sampling-now">{format!("This quarter: {}", quarter.words())}</h2>
            {this_quarter}
        </section>
        <section aria-labelledby="sampling-before">
            <h2 id="sampling-before">"Earlier quarters"</h2>
            {if earlier.is_empty() {
                view! { <p>"No earlier draws."</p> }.into_any()
            } else {
                earlier
                    .into_iter()
                    .map(|draw| view! { <DrawCard draw may_sample service=service.to_string() notes=Notes::default() /> })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

/// One quarter's draw: how it was made and can be checked, then each case.
#[component]
fn DrawCard(draw: DrawView, may_sample: bool, service: String, notes: Notes) -> impl IntoView {
    let DrawView {
        draw,
        checks,
        cases,
    } = draw;
    let quarter = draw.quarter;
    let id = format!("quarter-{quarter}");
    let heading = format!("{id}-title");
    let labelled = heading.clone();
    let how = format!(
        "Drawn by {} on {}, from {}, with the seed {}.",
        draw.by_name,
        domain::calendar::london_label(draw.at_ms),
        people_words(draw.candidates.len()),
        draw.seed_words()
    );
    let check = if checks {
        "Checked: drawing again from the same seed and people gives these cases."
    } else {
        "These cases are not the ones the seed gives: the draw has been changed since it was made. Tell the registered manager."
    };
    let cases = cases
        .into_iter()
        .map(|(person, name, finding)| {
            let key = format!("case-{quarter}-{person}");
            let heading = format!("{key}-title");
            let labelled = heading.clone();
            let saved = notes.saved.as_deref() == Some(person.to_string().as_str());
            let problem = notes.problem.as_deref() == Some(person.to_string().as_str());
            let found = match finding.as_ref() {
                None => view! { <p>"No findings recorded yet."</p> }.into_any(),
                Some(f) => {
                let actions = f
                    .action_lines()
                    .into_iter()
                    .map(|a| view! { <li>{a.to_owned()}</li> })
                    .collect_view();
                view! {
                    <p><strong>"Found: "</strong><span class="evidence">{f.findings.clone()}</span></p>
                    {(!f.action_lines().is_empty()).then(|| view! {
                        <p><strong>"To follow:"</strong></p>
                        <ul>{actions}</ul>
                    })}
                    <p class="hint">{format!("Recorded by {}, {}.", f.by_name, domain::calendar::london_label(f.at_ms))}</p>
                }
                .into_any()
                }
            };
            let (findings, actions) = finding
                .as_ref()
                .map(|f| (f.findings.clone(), f.actions.clone()))
                .unwrap_or_default();
            let unrecorded = finding.is_none();
            let form = may_sample.then(|| {
                let findings_id = format!("{key}-findings");
                let actions_id = format!("{key}-actions");
                view! {
                    <details class="more no-print" open=unrecorded || problem>
                        <summary>
                            {if unrecorded { "Record the findings" } else { "Change the findings" }}
                            <span class="visually-hidden">{format!(": {name}")}</span>
                        </summary>
                        <form method="post" action="/governance/sampling/finding">
                            <input type="hidden" name="service" value=service.clone() />
                            <input type="hidden" name="quarter" value=quarter.to_string() />
                            <input type="hidden" name="person" value=person.to_string() />
                            <div class="field">
                                <label for=findings_id.clone()>{format!("What you found: {name}")}</label>
                                <p class="hint">"What the record shows of the person's involvement: what went well and what did not."</p>
                                <textarea id=findings_id name="findings" class="grows" rows="4" required=true
                                    maxlength=FINDINGS_MAX.to_string()>{findings}</textarea>
                            </div>
                            <div class="field">
                                <label for=actions_id.clone()>{format!("Follow-up actions: {name}")}</label>
                                <p class="hint">"One a line: what is to be done, by whom and when. Leave it empty if nothing is."</p>
                                <textarea id=actions_id name="actions" class="grows" rows="3"
                                    maxlength=FINDINGS_MAX.to_string()>{actions}</textarea>
                            </div>
                            <button type="submit">"Save the findings"<span class="visually-hidden">{format!(": {name}")}</span></button>
                        </form>
                    </details>
                }
            });
            view! {
                <article class="panel" id=key aria-labelledby=labelled>
                    <h4 id=heading><a href=format!("/people/{person}")>{name.clone()}</a></h4>
                    {saved.then(|| view! { <p class="panel panel-note" role="status">"Saved the findings."</p> })}
                    {problem.then(|| view! {
                        <div class="panel panel-error" role="alert">
                            <p>{format!("The findings were not saved: write what you found (at most {FINDINGS_MAX} characters each).")}</p>
                        </div>
                    })}
                    {found}
                    {form}
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="case-draw" id=id aria-labelledby=labelled>
            <h3 id=heading>{quarter.words()}</h3>
            <p>{how}</p>
            <p class:panel-error=!checks class="panel">{check}</p>
            {cases}
        </section>
    }
}
