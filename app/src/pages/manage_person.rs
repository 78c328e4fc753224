//! `/people/:id/manage`: a manager of the person's service moves them to another service they
//! manage, or ends their support (after ticking that they understand: it is consequential).
//! Plain forms posting to `server/src/people.rs`, so they work with JavaScript off.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::people::{ManagePage, get_manage};
use crate::components::{ErrorPanel, ErrorSummary, Problem};

#[component]
pub fn ManagePersonPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_manage,
    );
    let problem = use_query_map().with_untracked(|q| q.get("problem"));
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let problem = problem.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <Manage page problem /> }.into_any(),
                        Err(error) => view! {
                            <Title text="Move or end support" />
                            <ErrorPanel error />
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Manage(page: ManagePage, problem: Option<String>) -> impl IntoView {
    let ManagePage {
        person,
        name,
        service_name,
        targets,
    } = page;
    let problems = match problem.as_deref() {
        Some("move") => vec![Problem {
            field: "to",
            message: "Choose a service to move them to.".to_owned(),
        }],
        Some("confirm") => vec![Problem {
            field: "confirm",
            message: "Tick the box to say you understand what ending support does.".to_owned(),
        }],
        Some(_) => vec![Problem {
            field: "to",
            message: "Nothing was changed: their service or support changed while you were on this page. Check it again.".to_owned(),
        }],
        None => Vec::new(),
    };
    let confirm_invalid = (problem.as_deref() == Some("confirm")).then_some("true");
    let move_invalid = (problem.as_deref() == Some("move")).then_some("true");
    let title = format!("Move or end support: {name}");
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"All people"</a></li>
                <li><a href=format!("/people/{person}")>{name.clone()}</a></li>
            </ol>
        </nav>
        <h1>{title}</h1>
        <p>{format!("{name} is supported by {service_name}.")}</p>
        <ErrorSummary problems />
        <section class="panel" aria-labelledby="move-heading">
            <h2 id="move-heading">"Move to another service"</h2>
            {if targets.is_empty() {
                view! {
                    <p>"You manage no other service to move them to. A move needs a manager of both services: ask the nominated individual."</p>
                }.into_any()
            } else {
                view! {
                    <p class="hint">"Their record goes with them. Staff of the new service can open it; staff of this one no longer can."</p>
                    <form method="post" action=format!("/people/{person}/move")>
                        <div class="field">
                            <label for="to">"Move to"</label>
                            <select id="to" name="to" aria-invalid=move_invalid>
                                {targets.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">{format!("Move {name}")}</button>
                    </form>
                }.into_any()
            }}
        </section>
        <section class="panel panel-attention" aria-labelledby="end-heading">
            <h2 id="end-heading">"End support"</h2>
            <p>{format!("{name} will leave the lists of people. Their record is kept, and those who could read it still can, but nobody can change it any more. This can't be undone here.")}</p>
            <form method="post" action=format!("/people/{person}/end-support")>
                <p class="check">
                    <input type="checkbox" id="confirm" name="confirm" value="yes" required
                        aria-invalid=confirm_invalid />
                    <label for="confirm">{format!("I understand that {name}'s record will be kept to read and can't be changed any more")}</label>
                </p>
                <button type="submit" class="warning">"End support"</button>
            </form>
        </section>
    }
}
