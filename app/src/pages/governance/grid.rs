//! `/governance/grid`: the self-score grid of one service for a quarter
//! (`domain::governance::grid`): each of the ten dimensions with what scores 0, 1 and 2, its
//! score, and why: from the records (the reason in words) or by a manager (their evidence,
//! who and when), with a plain form to score it that works with JavaScript off
//! (`POST /governance/grid`); the total against the target; and the quarters before.

use domain::governance::grid::{self, How, Line};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::governance::{GridPage, get_grid};
use crate::components::ErrorPanel;

#[component]
pub fn GovernanceGridPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("service"), q.get("quarter")));
    let page = Resource::new(args, |(service, quarter)| get_grid(service, quarter));
    let saved = query.with_untracked(|q| q.get("saved"));
    let problem = query.with_untracked(|q| q.get("problem"));
    view! {
        <Title text="Self-score grid" />
        <h1>"Self-score grid"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let (saved, problem) = (saved.clone(), problem.clone());
                Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                        Ok(page) => view! { <GridView page saved problem /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A dimension's title from its key in the address, for the notes after saving.
fn title_of(key: Option<String>) -> Option<&'static str> {
    key.and_then(|k| grid::Dimension::of(&k)).map(|d| d.title())
}

#[component]
fn GridView(page: GridPage, saved: Option<String>, problem: Option<String>) -> impl IntoView {
    let name = page.service_name();
    let csv = page.href("/governance/grid.csv");
    let dashboard = format!("/governance?service={}", page.service);
    let total = grid::total_words(&page.lines);
    let GridPage {
        services,
        service,
        quarter,
        quarters,
        lines,
        history,
    } = page;
    let several = services.len() > 1;
    let cards = lines
        .into_iter()
        .map(|line| view! { <DimensionCard line service=service.to_string() quarter=quarter.to_string() /> })
        .collect_view();
    let past = history
        .into_iter()
        .map(|(q, total, scored)| {
            let href = format!("/governance/grid?service={service}&quarter={q}");
            view! {
                <tr>
                    <th scope="row" data-label="Quarter"><a href=href>{q.words()}</a></th>
                    <td data-label="Total">{format!("{total} of {}", grid::MAX_TOTAL)}</td>
                    <td data-label="Scored">{format!("{scored} of {}", grid::Dimension::ALL.len())}</td>
                    <td data-label="Target">{if total >= grid::TARGET_TOTAL { "Met" } else { "Not met" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form class="panel filters no-print" method="get" action="/governance/grid">
            {several.then(|| view! {
                <div class="field">
                    <label for="grid-service">"Service"</label>
                    <select id="grid-service" name="service">
                        {services.iter().map(|(id, n)| view! {
                            <option value=id.to_string() selected=*id == service>{n.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(!several).then(|| view! { <input type="hidden" name="service" value=service.to_string() /> })}
            <div class="field">
                <label for="grid-quarter">"Quarter"</label>
                <select id="grid-quarter" name="quarter">
                    {quarters.into_iter().map(|q| view! {
                        <option value=q.to_string() selected=q == quarter>{q.words()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
        <p class="lead">{format!("{name}: {}.", quarter.words())}</p>
        <p class="figure-now"><strong>{format!("Total: {total}")}</strong></p>
        <p class="hint">{format!(
            "Each dimension scores 0, 1 or 2; the target is {} of {} or more. Summaries, disagreements and advocacy triggers are scored from the records where the quarter has something to count; the others by a registered manager or the nominated individual, with the evidence.",
            grid::TARGET_TOTAL, grid::MAX_TOTAL
        )}</p>
        {title_of(saved).map(|t| view! {
            <p class="panel panel-note" role="status">{format!("Saved the score for {t}.")}</p>
        })}
        {title_of(problem).map(|t| view! {
            <div class="panel panel-error" role="alert">
                <p>{format!("The score for {t} was not saved: choose 0, 1 or 2, and say what it rests on (at most {} characters).", grid::EVIDENCE_MAX)}</p>
            </div>
        })}
        <p class="actions no-print">
            <a class="button secondary" href=csv download="">"Download the grid (CSV)"</a>
            <a class="button secondary" href=dashboard>"Governance dashboard"</a>
        </p>
        {cards}
        <section aria-labelledby="grid-history">
            <h2 id="grid-history">"Quarter by quarter"</h2>
            <table class="stacked">
                <caption class="visually-hidden">"The grid's total, quarter by quarter"</caption>
                <thead><tr>
                    <th scope="col">"Quarter"</th>
                    <th scope="col">"Total"</th>
                    <th scope="col">"Scored"</th>
                    <th scope="col">"Target"</th>
                </tr></thead>
                <tbody>{past}</tbody>
            </table>
        </section>
    }
}

/// One dimension: what scores what, its score and why, and (unless the records score it) the
/// form to score it.
#[component]
fn DimensionCard(line: Line, service: String, quarter: String) -> impl IntoView {
    let d = line.dimension;
    let key = d.key();
    let id = format!("dimension-{key}");
    let heading = format!("{id}-title");
    let labelled = heading.clone();
    let score_words = line
        .score
        .map_or_else(|| "not scored yet".to_owned(), |s| format!("{s} of 2"));
    let levels = d
        .levels()
        .into_iter()
        .enumerate()
        .map(|(i, words)| {
            let here = line.score == Some(i as u8);
            view! {
                <li class:current=here aria-current=here.then_some("true")>
                    <span class="level">{i}</span>" "{words}
                </li>
            }
        })
        .collect_view();
    let (why, evidence) = match &line.how {
        How::Records(reason) => (
            view! { <p><strong>"Scored from the records. "</strong>{reason.clone()}</p> }.into_any(),
            None,
        ),
        How::Manager {
            evidence,
            by_name,
            at_ms,
        } => (
            view! {
                <p>
                    <strong>{format!("Scored by {by_name}, {}. ", domain::calendar::london_label(*at_ms))}</strong>
                    <span class="evidence">{evidence.clone()}</span>
                </p>
            }
            .into_any(),
            Some(evidence.clone()),
        ),
        How::NotScored => (
            view! { <p>"Not scored yet for this quarter."</p> }.into_any(),
            Some(String::new()),
        ),
    };
    let form = evidence.map(|evidence| {
        let unscored = evidence.is_empty();
        let radios = (0..3u8)
            .map(|i| {
                let input = format!("{id}-score-{i}");
                let words = d.levels()[usize::from(i)];
                view! {
                    <div class="check">
                        <input type="radio" id=input.clone() name="score" value=i.to_string()
                            required=true checked=line.score == Some(i) />
                        <label for=input>{format!("{i}: {words}")}</label>
                    </div>
                }
            })
            .collect_view();
        let evidence_id = format!("{id}-evidence");
        view! {
            <details class="more no-print" open=unscored>
                <summary>{if unscored { "Score it" } else { "Change the score" }}<span class="visually-hidden">{format!(": {}", d.title())}</span></summary>
                <form method="post" action="/governance/grid">
                    <input type="hidden" name="service" value=service />
                    <input type="hidden" name="quarter" value=quarter />
                    <input type="hidden" name="dimension" value=key />
                    <fieldset class="choices">
                        <legend>{format!("Score: {}", d.title())}</legend>
                        {radios}
                    </fieldset>
                    <div class="field">
                        <label for=evidence_id.clone()>{format!("Evidence: {}", d.title())}</label>
                        <p class="hint">"What the score rests on: what you saw, and where it is kept."</p>
                        <textarea id=evidence_id name="evidence" class="grows" rows="3" required=true
                            maxlength=grid::EVIDENCE_MAX.to_string()>{evidence}</textarea>
                    </div>
                    <button type="submit">"Save the score"<span class="visually-hidden">{format!(": {}", d.title())}</span></button>
                </form>
            </details>
        }
    });
    view! {
        <article class="panel grid-dimension" id=id aria-labelledby=labelled>
            <h2 id=heading>{format!("{}: {score_words}", d.title())}</h2>
            <ol class="levels">{levels}</ol>
            {why}
            {form}
        </article>
    }
}
