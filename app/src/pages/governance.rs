//! `/governance`: the governance dashboard, for registered managers and nominated individuals.
//! For one service they manage, or all of them added together, and a month: each figure
//! (`domain::governance::Figure`) as met of counted, what it counts, a bar chart of the twelve
//! months to that one drawn by the app as SVG with the same figures as a table, and the records
//! behind it on request, each linked to the person's reviews page. Chosen by a plain GET form,
//! so it works with JavaScript off.

use domain::ServiceId;
use domain::governance::{Count, Figure, Month};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::governance::{Dashboard, get_dashboard, get_report, href};

mod grid;
mod sampling;
use crate::components::ErrorPanel;
pub use grid::GovernanceGridPage;
pub use sampling::GovernanceSamplingPage;

#[component]
pub fn GovernancePage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("service"), q.get("month"), q.get("figure")));
    let dashboard = Resource::new(args, |(service, month, figure)| {
        get_dashboard(service, month, figure)
    });
    view! {
        <Title text="Governance" />
        <h1>"Governance: involvement from the records"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(dashboard) => view! { <DashboardView dashboard /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn link(service: Option<ServiceId>, month: Month, figure: Option<Figure>) -> String {
    href("/governance", service, month, figure)
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let shown = dashboard.shown();
    let report = dashboard.href("/governance/report");
    let csv = dashboard.href("/governance.csv");
    let grid = match dashboard.service {
        Some(s) => format!("/governance/grid?service={s}"),
        None => "/governance/grid".to_owned(),
    };
    let sampling = match dashboard.service {
        Some(s) => format!("/governance/sampling?service={s}"),
        None => "/governance/sampling".to_owned(),
    };
    let Dashboard {
        services,
        service,
        month,
        months,
        figures,
        behind,
        today,
        ..
    } = dashboard;
    let several = services.len() > 1;
    // The months to choose from: two years back from this one.
    let choices = Month::of(today).last(24);
    let mut groups: Vec<&'static str> = figures.iter().map(|(f, _)| f.group()).collect();
    groups.dedup();
    let sections = groups
        .into_iter()
        .map(|group| {
            let id = format!("group-{}", group.to_lowercase());
            let labelled = id.clone();
            let cards = figures
                .iter()
                .filter(|(f, _)| f.group() == group)
                .map(|(figure, counts)| {
                    view! {
                        <FigureCard figure=*figure counts=counts.clone() months=months.clone() service month />
                    }
                })
                .collect_view();
            view! {
                <section aria-labelledby=labelled>
                    <h2 id=id>{group}</h2>
                    {cards}
                </section>
            }
        })
        .collect_view();
    view! {
        <form class="panel filters no-print" method="get" action="/governance">
            {several.then(|| view! {
                <div class="field">
                    <label for="governance-service">"Service"</label>
                    <select id="governance-service" name="service">
                        <option value="" selected=service.is_none()>"All the services I manage"</option>
                        {services.iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=service == Some(*id)>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(!several).then(|| service.map(|s| view! { <input type="hidden" name="service" value=s.to_string() /> }))}
            <div class="field">
                <label for="governance-month">"Month"</label>
                <select id="governance-month" name="month">
                    {choices.into_iter().rev().map(|m| view! {
                        <option value=m.to_string() selected=m == month>{m.words()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show"</button>
        </form>
        <p class="lead">{format!("{shown}: {}.", month.words())}</p>
        <p class="actions no-print">
            <a class="button secondary" href=grid>"Self-score grid"</a>
            <a class="button secondary" href=sampling>"Case sampling"</a>
            <a class="button secondary" href=report>"Printable report"</a>
            <a class="button secondary" href=csv download="">"Download the figures (CSV)"</a>
        </p>
        <p class="hint">
            "Each figure is counted from what was recorded in people's records (their meetings and reviews, involvement plan and outcome tracker), as of today. A record counts once its time has come: a summary once it is sent or due."
        </p>
        {sections}
        {behind.into_iter().map(|(figure, rows)| view! { <Behind figure rows month /> }).collect_view()}
    }
}

/// One figure: the month's count, what it counts, the twelve months as bars and as a table,
/// and the way to the records behind it.
#[component]
fn FigureCard(
    figure: Figure,
    counts: Vec<Count>,
    months: Vec<Month>,
    service: Option<ServiceId>,
    month: Month,
) -> impl IntoView {
    let now = counts.last().copied().unwrap_or_default();
    let id = format!("figure-{}", figure.key());
    let labelled = id.clone();
    let title = figure.title();
    let records = link(service, month, Some(figure));
    view! {
        <article class="panel governance-figure" aria-labelledby=labelled>
            <h3 id=id>{title.clone()}</h3>
            <p class="figure-now"><strong>{now.words()}</strong>{format!(" in {}", month.words())}</p>
            <p class="hint">{figure.counts()}</p>
            <Bars title=title.clone() months=months.clone() counts=counts.clone() />
            <details class="figures">
                <summary>{format!("The figures, month by month: {title}")}</summary>
                <MonthTable title=title.clone() months=months.clone() counts=counts.clone() />
            </details>
            <p class="actions no-print">
                <a class="button secondary" href=format!("{records}#records")>
                    {format!("The {}s behind it", figure.record_words())}
                    <span class="visually-hidden">{format!(": {title}, {}", month.words())}</span>
                </a>
            </p>
        </article>
    }
}

/// One figure month by month, newest first: met, counted and the share.
#[component]
fn MonthTable(title: String, months: Vec<Month>, counts: Vec<Count>) -> impl IntoView {
    let rows = months
        .iter()
        .zip(&counts)
        .rev()
        .map(|(m, c)| {
            view! {
                <tr>
                    <th scope="row">{m.words()}</th>
                    <td>{c.met}</td>
                    <td>{c.counted}</td>
                    <td>{c.percent().map_or_else(|| "–".to_owned(), |p| format!("{p}%"))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=format!("Figures: {title}")>
            <table>
                <caption class="visually-hidden">{format!("{title}, month by month")}</caption>
                <thead><tr>
                    <th scope="col">"Month"</th>
                    <th scope="col">"Met"</th>
                    <th scope="col">"Counted"</th>
                    <th scope="col">"Share"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

const BARS_W: f64 = 320.0;
const BARS_H: f64 = 140.0;
const BARS_LEFT: f64 = 34.0;
const BARS_TOP: f64 = 8.0;
const BARS_BOTTOM: f64 = 22.0;

/// The share met each month as a bar, 0 to 100%, drawn by the app: a month with nothing
/// counted has no bar and a dash. The table beside it holds the same figures.
#[component]
fn Bars(title: String, months: Vec<Month>, counts: Vec<Count>) -> impl IntoView {
    let plot_w = BARS_W - BARS_LEFT - 4.0;
    let plot_h = BARS_H - BARS_TOP - BARS_BOTTOM;
    let slot = plot_w / months.len().max(1) as f64;
    let y = move |percent: u64| BARS_TOP + plot_h - (percent.min(100) as f64) / 100.0 * plot_h;
    let grid = [0u64, 50, 100]
        .into_iter()
        .map(|p| {
            view! {
                <line class="grid" x1=format!("{BARS_LEFT}") x2=format!("{:.1}", BARS_W - 4.0) y1=format!("{:.1}", y(p)) y2=format!("{:.1}", y(p)) />
                <text class="tick" x=format!("{:.1}", BARS_LEFT - 4.0) y=format!("{:.1}", y(p) + 3.5) text-anchor="end">{format!("{p}%")}</text>
            }
        })
        .collect_view();
    let bars = months
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(i, (m, c))| {
            let x = BARS_LEFT + slot * i as f64;
            let label = view! {
                <text class="tick" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", BARS_H - 6.0) text-anchor="middle">{m.short()}</text>
            };
            let bar = match c.percent() {
                Some(p) => view! {
                    <rect class="bar" x=format!("{:.1}", x + slot * 0.15) y=format!("{:.1}", y(p))
                        width=format!("{:.1}", slot * 0.7) height=format!("{:.1}", (BARS_TOP + plot_h - y(p)).max(1.0)) />
                }
                .into_any(),
                None => view! {
                    <text class="tick" x=format!("{:.1}", x + slot / 2.0) y=format!("{:.1}", y(0) - 3.0) text-anchor="middle">"–"</text>
                }
                .into_any(),
            };
            view! { {bar}{label} }
        })
        .collect_view();
    view! {
        <figure class="chart bars">
            <svg viewBox=format!("0 0 {BARS_W} {BARS_H}") role="img"
                aria-label=format!("Chart: {title}, the share met month by month (the table below holds the figures)")
                preserveAspectRatio="xMidYMid meet">
                {grid}
                {bars}
            </svg>
        </figure>
    }
}

/// The records behind one figure in the month: whose, which day, which service, and whether
/// each met the rule, each linked to where it is kept.
#[component]
fn Behind(
    figure: Figure,
    rows: Vec<(String, domain::governance::Counted)>,
    month: Month,
) -> impl IntoView {
    let title = format!(
        "{}: the {}s counted in {}",
        figure.title(),
        figure.record_words(),
        month.words()
    );
    let met = rows.iter().filter(|(_, c)| c.met).count();
    let total = rows.len();
    view! {
        <section class="panel" id="records" aria-labelledby="records-heading">
            <h2 id="records-heading">{title.clone()}</h2>
            <p>{Count { met: met as u64, counted: total as u64 }.words()}</p>
            {if rows.is_empty() {
                view! { <p>"None to count in this month."</p> }.into_any()
            } else {
                view! {
                    <table class="stacked">
                        <caption class="visually-hidden">{title}</caption>
                        <thead><tr>
                            <th scope="col">"Day"</th>
                            <th scope="col">"Whose"</th>
                            <th scope="col">"Service"</th>
                            <th scope="col">"Met"</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(service, c)| {
                                let link = figure.href(c.person, c.id);
                                let what = format!("{}'s {}", c.person_name, figure.record_words());
                                view! {
                                    <tr>
                                        <td data-label="Day">{domain::calendar::london_date_label(c.day)}</td>
                                        <td data-label="Whose"><a href=link>{what}</a></td>
                                        <td data-label="Service">{service}</td>
                                        <td data-label="Met">{if c.met { "Yes" } else { "No" }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// `/governance/report`: the dashboard on paper, for the monthly governance meeting: each
/// figure this month and month by month, and the records of the month that did not meet its
/// rule, each named and linked. Opening it is noted in the audit trail as an export.
#[component]
pub fn GovernanceReportPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("service"), q.get("month")));
    let report = Resource::new(args, |(service, month)| get_report(service, month));
    view! {
        <Title text="Governance report" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Err(error) => view! { <h1>"Governance report"</h1><ErrorPanel error /> }.into_any(),
                    Ok(report) => view! { <ReportView report /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(report: Dashboard) -> impl IntoView {
    let shown = report.shown();
    let back = report.href("/governance");
    let csv = report.href("/governance.csv");
    let Dashboard {
        month,
        months,
        figures,
        behind,
        at_ms,
        ..
    } = report;
    let summary = figures
        .iter()
        .map(|(figure, counts)| {
            let now = counts.last().copied().unwrap_or_default();
            view! {
                <tr>
                    <td data-label="Group">{figure.group()}</td>
                    <th scope="row" data-label="Figure">{figure.title()}</th>
                    <td data-label="Met">{now.met}</td>
                    <td data-label="Counted">{now.counted}</td>
                    <td data-label="Share">{now.percent().map_or_else(|| "–".to_owned(), |p| format!("{p}%"))}</td>
                </tr>
            }
        })
        .collect_view();
    let sections = figures
        .into_iter()
        .map(|(figure, counts)| {
            let unmet = behind
                .iter()
                .find(|(f, _)| *f == figure)
                .map(|(_, rows)| rows.clone())
                .unwrap_or_default();
            let title = figure.title();
            let id = format!("report-{}", figure.key());
            let labelled = id.clone();
            view! {
                <section class="report-figure" aria-labelledby=labelled>
                    <h2 id=id>{title.clone()}</h2>
                    <p class="hint">{figure.counts()}</p>
                    <MonthTable title=title.clone() months=months.clone() counts=counts />
                    <h3>{format!("Not met in {}", month.words())}</h3>
                    {if unmet.is_empty() {
                        view! { <p>{format!("Every {} counted met it.", figure.record_words())}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="unmet">
                                {unmet.into_iter().map(|(service, c)| view! {
                                    <li>
                                        {format!("{}: ", domain::calendar::london_date_label(c.day))}
                                        <a href=figure.href(c.person, c.id)>{format!("{}'s {}", c.person_name, figure.record_words())}</a>
                                        {format!(" ({service})")}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            }
        })
        .collect_view();
    view! {
        <h1>{format!("Involvement governance report: {}", month.words())}</h1>
        <p class="lead">{shown}</p>
        <p class="hint">{format!(
            "Counted from what was recorded in Circle, {}. A record counts once its time has come: a summary once it is sent or due.",
            domain::calendar::london_label(at_ms)
        )}</p>
        <p class="no-print">"Use your browser's Print to print this report or save it as a PDF. Opening it is noted in the audit trail."</p>
        <p class="actions no-print">
            <a class="button secondary" href=back>"Back to the dashboard"</a>
            <a class="button secondary" href=csv download="">"Download the figures (CSV)"</a>
        </p>
        <table class="stacked">
            <caption>{format!("The figures for {}", month.words())}</caption>
            <thead><tr>
                <th scope="col">"Group"</th>
                <th scope="col">"Figure"</th>
                <th scope="col">"Met"</th>
                <th scope="col">"Counted"</th>
                <th scope="col">"Share"</th>
            </tr></thead>
            <tbody>{summary}</tbody>
        </table>
        {sections}
    }
}
