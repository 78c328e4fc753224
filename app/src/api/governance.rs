//! The governance dashboard: how the services a manager runs meet the rules for involvement,
//! counted by the store from what was recorded (`domain::governance`,
//! `store::Store::governance_counts`). For registered managers and nominated individuals, of
//! the services they manage only. The same figures print as a report (`get_report`) and
//! download as CSV (the server's `/governance.csv`, through [`dashboard`]); both are exports,
//! noted in the audit trail.

use domain::ServiceId;
use domain::governance::{Counted, Figure, Month};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The dashboard for one service, or all a manager runs, for a month and the eleven before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The services the reader manages, by name.
    pub services: Vec<(ServiceId, String)>,
    /// The one shown; `None`: all of them, added together.
    pub service: Option<ServiceId>,
    /// The month looked at: its figures lead, and its records are the ones listed.
    pub month: Month,
    /// The months charted, oldest first, ending with `month`.
    pub months: Vec<Month>,
    /// Each figure, with its count for each of `months`.
    pub figures: domain::governance::Figures,
    /// The records behind figures in `month`, when asked for: by day, each with its service's
    /// name. The dashboard asks for one figure's; the report for those that did not meet the
    /// rule, of every figure.
    pub behind: Vec<(Figure, Vec<(String, Counted)>)>,
    /// Today in the UK, as the figures were counted.
    pub today: domain::calendar::Date,
    /// When they were counted.
    pub at_ms: i64,
}

impl Dashboard {
    /// The name of the service shown, or what "all" means to this reader.
    pub fn shown(&self) -> String {
        match self.service {
            Some(s) => self
                .services
                .iter()
                .find(|(id, _)| *id == s)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            None if self.services.len() > 1 => "All the services you manage".to_owned(),
            None => self
                .services
                .first()
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        }
    }

    /// The address of a view of these figures (`/governance`, `/governance/report`,
    /// `/governance.csv`) for the same service and month.
    pub fn href(&self, path: &str) -> String {
        href(path, self.service, self.month, None)
    }
}

/// The address of `path` for `service` (or all), `month`, and optionally a figure's records.
pub fn href(
    path: &str,
    service: Option<ServiceId>,
    month: Month,
    figure: Option<Figure>,
) -> String {
    let mut parts = Vec::new();
    if let Some(s) = service {
        parts.push(format!("service={s}"));
    }
    parts.push(format!("month={month}"));
    if let Some(f) = figure {
        parts.push(format!("figure={}", f.key()));
    }
    format!("{path}?{}", parts.join("&"))
}

/// Said to anyone who manages no service.
pub const NOT_A_MANAGER: &str = "The governance dashboard is for registered managers and nominated individuals, for the services they manage.";

/// The services `actor` manages, and the one `asked` for among them (`None` when none was
/// asked for): `Forbidden` for someone who manages none, and `NotFound` for a service they do
/// not manage, answered as one that does not exist. Every governance page and form asks this.
pub fn managed_choice(
    actor: &domain::access::Actor,
    asked: Option<&str>,
) -> Result<(Vec<ServiceId>, Option<ServiceId>), AppError> {
    let managed = domain::access::managed_services(actor);
    if managed.is_empty() {
        return Err(AppError::Forbidden(NOT_A_MANAGER.to_owned()));
    }
    let chosen = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<ServiceId>()
                .ok()
                .filter(|id| managed.contains(id))
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    Ok((managed, chosen))
}

/// The services of `managed`, by name.
#[cfg(feature = "ssr")]
async fn named(
    store: &dyn store::Store,
    managed: &[ServiceId],
) -> Result<Vec<(ServiceId, String)>, AppError> {
    Ok(store
        .services()
        .await?
        .into_iter()
        .filter(|s| managed.contains(&s.id))
        .map(|s| (s.id, s.name))
        .collect())
}

/// Which records behind the figures to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// None.
    Nothing,
    /// Every record one figure counted.
    Figure(Figure),
    /// The records that did not meet the rule, of every figure.
    Unmet,
}

/// The dashboard. `service` (an id, or nothing for all the reader manages), `month`
/// ("2026-11", or nothing for this month) and `figure` (a figure's key, to list the records
/// behind it) come from the address, so each is checked here.
#[server(endpoint = "governance/dashboard")]
pub async fn get_dashboard(
    #[server(default)] service: Option<String>,
    #[server(default)] month: Option<String>,
    #[server(default)] figure: Option<String>,
) -> Result<Dashboard, AppError> {
    crate::server::answer(async move {
        let figure = match figure.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(key) => Behind::Figure(Figure::of(key).ok_or_else(|| {
                AppError::Invalid(format!("“{key}” is not a figure of the dashboard."))
            })?),
            None => Behind::Nothing,
        };
        noted(
            service,
            month,
            figure,
            domain::audit::AuditKind::Viewed,
            "Opened the governance dashboard",
        )
        .await
    })
    .await
}

/// The dashboard the signed-in reader asked for, noted in the audit trail as `kind`:
/// "`what`: <service>, <month>".
#[cfg(feature = "ssr")]
async fn noted(
    service: Option<String>,
    month: Option<String>,
    behind: Behind,
    kind: domain::audit::AuditKind,
    what: &str,
) -> Result<Dashboard, AppError> {
    let store = crate::server::store()?;
    let actor = crate::server::actor()?;
    let (dashboard, _) = dashboard(
        store.as_ref(),
        &actor,
        service.as_deref(),
        month.as_deref(),
        behind,
        crate::server::now_ms(),
    )
    .await?;
    crate::server::audit(
        store.as_ref(),
        &actor,
        None,
        kind,
        format!("{what}: {}, {}", dashboard.shown(), dashboard.month.words()),
    )
    .await;
    Ok(dashboard)
}

/// The dashboard as a report to print for the monthly governance meeting: every figure, and
/// the records of the month that did not meet its rule. Noted in the audit trail as an export.
#[server(endpoint = "governance/report")]
pub async fn get_report(
    #[server(default)] service: Option<String>,
    #[server(default)] month: Option<String>,
) -> Result<Dashboard, AppError> {
    crate::server::answer(noted(
        service,
        month,
        Behind::Unmet,
        domain::audit::AuditKind::Exported,
        "Opened the printable governance report",
    ))
    .await
}

/// The dashboard `actor` asked for, as of `now_ms`, with the counts per service it was added
/// up from. Managers only, of the services they manage: another service is answered as one
/// that does not exist.
#[cfg(feature = "ssr")]
pub async fn dashboard(
    store: &dyn store::Store,
    actor: &domain::access::Actor,
    service: Option<&str>,
    month: Option<&str>,
    behind: Behind,
    now_ms: i64,
) -> Result<(Dashboard, Vec<domain::governance::FigureCount>), AppError> {
    let (managed, service) = managed_choice(actor, service)?;
    let today =
        domain::calendar::Date::of_ms_in_london(now_ms).unwrap_or(domain::calendar::Date::MIN);
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => m.parse::<Month>().map_err(AppError::Invalid)?,
        None => Month::of(today),
    };
    let shown: Vec<ServiceId> = service.map_or_else(|| managed.clone(), |s| vec![s]);
    let months = month.last(domain::governance::MONTHS_SHOWN);
    let counts = store
        .governance_counts(&shown, months[0], month, now_ms)
        .await?;
    let figures = Figure::ALL
        .into_iter()
        .map(|f| (f, domain::governance::monthly(&counts, f, &months, None)))
        .collect();
    let services = named(store, &managed).await?;
    let name_of = |id: ServiceId| {
        services
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let (listed, unmet_only): (Vec<Figure>, bool) = match behind {
        Behind::Nothing => (Vec::new(), false),
        Behind::Figure(f) => (vec![f], false),
        Behind::Unmet => (Figure::ALL.to_vec(), true),
    };
    let mut behind = Vec::new();
    for figure in listed {
        let mut rows = Vec::new();
        for s in &shown {
            for counted in store.governance_records(*s, figure, month, now_ms).await? {
                let subject = domain::access::Subject {
                    person: counted.person,
                    service: *s,
                };
                if (!unmet_only || !counted.met) && domain::access::may_open(actor, subject) {
                    rows.push((name_of(*s), counted));
                }
            }
        }
        rows.sort_by(|(a, x), (b, y)| {
            (x.day, &x.person_name, a, x.id).cmp(&(y.day, &y.person_name, b, y.id))
        });
        behind.push((figure, rows));
    }
    Ok((
        Dashboard {
            services,
            service,
            month,
            months,
            figures,
            behind,
            today,
            at_ms: now_ms,
        },
        counts,
    ))
}

/// The self-score grid of one service for a quarter, and the quarters before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPage {
    /// The services the reader manages, by name.
    pub services: Vec<(ServiceId, String)>,
    pub service: ServiceId,
    pub quarter: domain::governance::grid::Quarter,
    /// The quarters to choose from, newest first.
    pub quarters: Vec<domain::governance::grid::Quarter>,
    /// Each dimension's line for `quarter`.
    pub lines: Vec<domain::governance::grid::Line>,
    /// The total and the dimensions scored, of `quarter` and the quarters before it, newest
    /// first.
    pub history: Vec<(domain::governance::grid::Quarter, u32, usize)>,
}

impl GridPage {
    pub fn service_name(&self) -> String {
        self.services
            .iter()
            .find(|(id, _)| *id == self.service)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// The address of a view of this grid (`/governance/grid`, `/governance/grid.csv`).
    pub fn href(&self, path: &str) -> String {
        format!("{path}?service={}&quarter={}", self.service, self.quarter)
    }
}

/// Quarters a grid page offers and charts.
pub const GRID_QUARTERS: usize = 8;

/// The self-score grid. `service` (one the reader manages; nothing: the first) and `quarter`
/// ("2026-Q4"; nothing: this quarter) come from the address.
#[server(endpoint = "governance/grid")]
pub async fn get_grid(
    #[server(default)] service: Option<String>,
    #[server(default)] quarter: Option<String>,
) -> Result<GridPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let page = grid(
            store.as_ref(),
            &actor,
            service.as_deref(),
            quarter.as_deref(),
            crate::server::now_ms(),
        )
        .await?;
        crate::server::audit(
            store.as_ref(),
            &actor,
            None,
            domain::audit::AuditKind::Viewed,
            format!(
                "Opened the self-score grid: {}, {}",
                page.service_name(),
                page.quarter.words()
            ),
        )
        .await;
        Ok(page)
    })
    .await
}

/// The grid `actor` asked for, as of `now_ms`: each dimension the records score from the
/// quarter's figures, the rest from the managers' scores, and the same for the quarters before.
#[cfg(feature = "ssr")]
pub async fn grid(
    store: &dyn store::Store,
    actor: &domain::access::Actor,
    service: Option<&str>,
    quarter: Option<&str>,
    now_ms: i64,
) -> Result<GridPage, AppError> {
    use domain::governance::grid::{self, Quarter};
    let (managed, chosen) = managed_choice(actor, service)?;
    // Nothing asked for: the first service they manage (there is one).
    let service = chosen.unwrap_or(managed[0]);
    let today =
        domain::calendar::Date::of_ms_in_london(now_ms).unwrap_or(domain::calendar::Date::MIN);
    let quarter = match quarter.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => q.parse::<Quarter>().map_err(AppError::Invalid)?,
        None => Quarter::of(today),
    };
    let shown = quarter.back(GRID_QUARTERS);
    let oldest = shown[shown.len() - 1].months()[0];
    let newest = quarter.months()[2];
    let counts = store
        .governance_counts(&[service], oldest, newest, now_ms)
        .await?;
    let scores = store.grid_scores(service, &shown).await?;
    let lines_of = |q: Quarter| {
        let months = q.months();
        let of_quarter: Vec<(Figure, domain::governance::Count)> = counts
            .iter()
            .filter(|c| months.contains(&c.month))
            .map(|c| (c.figure, c.count))
            .collect();
        grid::grid(q, &of_quarter, &scores)
    };
    let history = shown
        .iter()
        .map(|q| {
            let (total, scored) = grid::total(&lines_of(*q));
            (*q, total, scored)
        })
        .collect();
    let services = named(store, &managed).await?;
    Ok(GridPage {
        services,
        service,
        quarter,
        quarters: Quarter::of(today).back(GRID_QUARTERS),
        lines: lines_of(quarter),
        history,
    })
}

/// Case sampling for one service: this quarter's draw (or the offer of one), and the draws
/// before it, each case with its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplingPage {
    /// The services the reader manages, by name.
    pub services: Vec<(ServiceId, String)>,
    pub service: ServiceId,
    /// This quarter, the one a draw is made for.
    pub quarter: domain::governance::grid::Quarter,
    /// Whether the reader may draw and record findings: the service's nominated individual.
    /// Its registered manager reads.
    pub may_sample: bool,
    /// The people a draw this quarter would be made from, while none is made.
    pub candidates: usize,
    /// The service's draws, newest first, this quarter's (when made) leading.
    pub draws: Vec<DrawView>,
}

/// One quarter's draw as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawView {
    pub draw: domain::governance::sampling::Draw,
    /// Whether drawing again from its seed and list gives its cases.
    pub checks: bool,
    /// Each case: who (their name as their record has it) and the findings, when recorded.
    pub cases: Vec<(
        domain::PersonId,
        String,
        Option<domain::governance::sampling::Finding>,
    )>,
}

impl SamplingPage {
    pub fn service_name(&self) -> String {
        self.services
            .iter()
            .find(|(id, _)| *id == self.service)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    /// This quarter's draw, once made.
    pub fn current(&self) -> Option<&DrawView> {
        self.draws
            .first()
            .filter(|d| d.draw.quarter == self.quarter)
    }
}

/// Whether `actor` is the nominated individual of `service`: the one who samples its cases.
pub fn samples(actor: &domain::access::Actor, service: ServiceId) -> bool {
    actor
        .staff
        .iter()
        .any(|(s, role)| *s == service && *role == domain::access::StaffRole::NominatedIndividual)
}

/// The case-sampling page for `service` (an id, or nothing for the first the reader manages).
/// Noted in the audit trail as viewed.
#[server(endpoint = "governance/sampling")]
pub async fn get_sampling(
    #[server(default)] service: Option<String>,
) -> Result<SamplingPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let page = sampling(
            store.as_ref(),
            &actor,
            service.as_deref(),
            crate::server::now_ms(),
        )
        .await?;
        crate::server::audit(
            store.as_ref(),
            &actor,
            None,
            domain::audit::AuditKind::Viewed,
            format!("Opened case sampling: {}", page.service_name()),
        )
        .await;
        Ok(page)
    })
    .await
}

/// The people `service` supports now, in id order: whom a draw is made from.
#[cfg(feature = "ssr")]
pub async fn supported(
    store: &dyn store::Store,
    service: ServiceId,
) -> Result<Vec<domain::PersonId>, AppError> {
    Ok(store
        .people()
        .await?
        .into_iter()
        .filter(|p| p.service_id == service)
        .map(|p| p.id)
        .collect())
}

/// [`get_sampling`] for `actor` at `now_ms`: the services they manage and the one asked for
/// checked as every governance page checks them ([`managed_choice`]).
#[cfg(feature = "ssr")]
pub async fn sampling(
    store: &dyn store::Store,
    actor: &domain::access::Actor,
    service: Option<&str>,
    now_ms: i64,
) -> Result<SamplingPage, AppError> {
    use domain::governance::grid::Quarter;
    use domain::governance::sampling::candidates;
    let (managed, chosen) = managed_choice(actor, service)?;
    let service = chosen.unwrap_or(managed[0]);
    let today =
        domain::calendar::Date::of_ms_in_london(now_ms).unwrap_or(domain::calendar::Date::MIN);
    let quarter = Quarter::of(today);
    let draws = store.case_draws(service).await?;
    let findings = store.case_findings(service).await?;
    // The names of the people drawn, those whose support has ended since included: a few a
    // quarter, so each is read on its own rather than everyone's.
    let mut names: std::collections::HashMap<domain::PersonId, String> =
        std::collections::HashMap::new();
    for person in draws.iter().flat_map(|d| d.drawn.iter()) {
        if !names.contains_key(person) {
            let name = store.person(*person).await?.map(|p| p.name);
            names.insert(*person, name.unwrap_or_default());
        }
    }
    let candidates = candidates(&supported(store, service).await?, &draws, quarter).len();
    let draws = draws
        .into_iter()
        .map(|draw| DrawView {
            checks: draw.checks(),
            cases: draw
                .drawn
                .iter()
                .map(|p| {
                    let found = findings
                        .iter()
                        .find(|f| f.quarter == draw.quarter && f.person == *p)
                        .cloned();
                    (*p, names.get(p).cloned().unwrap_or_default(), found)
                })
                .collect(),
            draw,
        })
        .collect();
    Ok(SamplingPage {
        services: named(store, &managed).await?,
        service,
        quarter,
        may_sample: samples(actor, service),
        candidates,
        draws,
    })
}
