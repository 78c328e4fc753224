//! `/people/new`: staff add someone to a service they work in, one person with the form, or
//! several from a CSV file. Both forms post to the server's routes (`server/src/people.rs`) and
//! work with JavaScript off; the answer comes back through the session once (what was typed and
//! every problem, the file's report, or the people added).

use domain::people::import::{COLUMNS, MAX_ROWS, Refusal};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::people::{Adding, AddingPage, ServiceChoice, get_adding};
use crate::components::{ErrorPanel, ErrorSummary, Problem};

#[component]
pub fn NewPersonPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| get_adding());
    view! {
        <Title text="Add a person" />
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol><li><a href="/">"All people"</a></li></ol>
        </nav>
        <h1>"Add a person"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <AddForms page /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The `id` of the control a problem of the add form concerns.
fn field_id(field: &str) -> &'static str {
    match field {
        "preferred_name" => "preferred_name",
        "pronouns" => "pronouns",
        "date_of_birth" => "date_of_birth",
        _ => "name",
    }
}

/// One text question of the add form: label, hint, the problem with it, the control.
#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    value: String,
    problem: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] max: Option<String>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        hint.map(|_| hint_id.clone()),
        problem.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let invalid = problem.is_some().then_some("true");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {problem.map(|p| view! { <p class="field-error" id=error_id.clone()>{p}</p> })}
            <input id=id name=id type=kind value=value required=required max=max
                maxlength=maxlength autocomplete="off" spellcheck="false"
                aria-describedby=(!described.is_empty()).then_some(described)
                aria-invalid=invalid />
        </div>
    }
}

/// A choice of service, the one chosen before selected.
#[component]
fn ServiceSelect(
    id: &'static str,
    label: &'static str,
    services: Vec<ServiceChoice>,
    chosen: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name="service">
                {services.into_iter().map(|s| {
                    let selected = chosen.as_deref() == Some(s.id.as_str());
                    view! { <option value=s.id selected=selected>{s.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn AddForms(page: AddingPage) -> impl IntoView {
    let AddingPage {
        services,
        last,
        today,
    } = page;
    let (typed, chosen, problems) = match &last {
        Some(Adding::Refused {
            typed,
            service,
            problems,
        }) => (typed.clone(), Some(service.clone()), problems.clone()),
        _ => (Default::default(), None, Vec::new()),
    };
    let problem_of = |field: &str| {
        problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, message)| message.clone())
    };
    let (name_problem, preferred_problem, pronouns_problem, born_problem) = (
        problem_of("name"),
        problem_of("preferred_name"),
        problem_of("pronouns"),
        problem_of("date_of_birth"),
    );
    let summary: Vec<Problem> = problems
        .iter()
        .map(|(field, message)| Problem {
            field: field_id(field),
            message: message.clone(),
        })
        .collect();
    let import_problems: Vec<Problem> = match &last {
        Some(Adding::ImportRefused(Refusal::File(message))) => vec![Problem {
            field: "file",
            message: message.clone(),
        }],
        Some(Adding::ImportRefused(Refusal::Rows(rows))) => rows
            .iter()
            .map(|row| Problem {
                field: "file",
                message: format!("Line {}: {}", row.line, row.message),
            })
            .collect(),
        _ => Vec::new(),
    };
    let import_refused = !import_problems.is_empty();
    let imported = match last {
        Some(Adding::Imported(people)) => people,
        _ => Vec::new(),
    };
    let example = format!(
        "{}\nMargaret Okafor,Maggie,she/her,1948-03-21\n\"Price, Daniel\",Dan,he/him,\nPriya Shah,,,1990-11-27",
        COLUMNS.join(",")
    );
    let import_services = services.clone();
    view! {
        {(!imported.is_empty()).then(|| view! {
            <section class="panel" role="status" aria-labelledby="imported-heading">
                <h2 id="imported-heading">{match imported.len() {
                    1 => "1 person added".to_owned(),
                    n => format!("{n} people added"),
                }}</h2>
                <ul>
                    {imported.into_iter().map(|(id, name)| view! {
                        <li><a href=format!("/people/{id}")>{name}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="panel" aria-labelledby="one-heading">
            <h2 id="one-heading">"One person"</h2>
            <p class="hint">"Their About me and plan start empty: write them with the person."</p>
            <ErrorSummary problems=summary />
            <form method="post" action="/people/add">
                <TextField id="name" label="Full name" value=typed.name.clone()
                    problem=name_problem required=true
                    maxlength=domain::people::NAME_MAX />
                <TextField id="preferred_name" label="Preferred name (optional)"
                    hint="What they like to be called. Circle greets them by it."
                    value=typed.preferred_name.clone() problem=preferred_problem
                    maxlength=domain::people::NAME_MAX />
                <TextField id="pronouns" label="Pronouns (optional)"
                    hint="As they say them, for example she/her or they/them."
                    value=typed.pronouns.clone() problem=pronouns_problem
                    maxlength=domain::people::PRONOUNS_MAX />
                <TextField id="date_of_birth" label="Date of birth (optional)"
                    hint="For example 21 March 1948."
                    kind="date" max=today value=typed.date_of_birth.clone()
                    problem=born_problem />
                <ServiceSelect id="service" label="Service" services chosen />
                <button type="submit">"Add this person"</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="file-heading">
            <h2 id="file-heading">"Several people from a file"</h2>
            <p>{format!(
                "Save a spreadsheet as a CSV file (\"CSV UTF-8\"), at most 1 MiB and {MAX_ROWS} people. The first row must name the columns: name, and any of preferred_name, pronouns and date_of_birth (written year-month-day). For example:"
            )}</p>
            <pre class="example" tabindex="0" aria-label="Example: the first lines of a file">{example}</pre>
            <p class="hint">"A name with a comma in it goes in double quotes. If any row has a problem nobody is added, and every problem is listed here, so you can fix the file and send it again."</p>
            {import_refused.then(|| view! {
                <p class="panel panel-error" role="alert">"Nobody from the file was added."</p>
            })}
            <ErrorSummary problems=import_problems />
            <form method="post" action="/people/import" enctype="multipart/form-data">
                <ServiceSelect id="import-service" label="Service for everyone in the file"
                    services=import_services chosen=None />
                <div class="field">
                    <label for="file">"CSV file"</label>
                    <input id="file" name="file" type="file" accept=".csv,text/csv" required
                        aria-invalid=import_refused.then_some("true") />
                </div>
                <button type="submit">"Import people"</button>
            </form>
        </section>
    }
}
