//! The governance dashboard: how the services a manager runs meet the rules for involvement,
//! counted by the store from what was recorded (`domain::governance`,
//! `store::Store::governance_counts`). For registered managers and nominated individuals, of
//! the services they manage only.

use domain::ServiceId;
use domain::governance::{Count, Counted, Figure, Month};
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
    pub figures: Vec<(Figure, Vec<Count>)>,
    /// The records behind one figure in `month`, when asked for: by day, each with its
    /// service's name.
    pub behind: Option<(Figure, Vec<(String, Counted)>)>,
    /// Today in the UK, as the figures were counted.
    pub today: domain::calendar::Date,
}

/// Said to anyone who manages no service.
pub const NOT_A_MANAGER: &str = "The governance dashboard is for registered managers and nominated individuals, for the services they manage.";

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
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let managed = domain::access::managed_services(&actor);
        if managed.is_empty() {
            return Err(AppError::Forbidden(NOT_A_MANAGER.to_owned()));
        }
        let today = domain::calendar::Date::of_ms_in_london(crate::server::now_ms())
            .unwrap_or(domain::calendar::Date::MIN);
        let month = match month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => m.parse::<Month>().map_err(AppError::Invalid)?,
            None => Month::of(today),
        };
        // A service the reader does not manage is answered as one that does not exist.
        let service = match service.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                s.parse::<ServiceId>()
                    .ok()
                    .filter(|id| managed.contains(id))
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let figure = match figure.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(key) => Some(Figure::of(key).ok_or_else(|| {
                AppError::Invalid(format!("“{key}” is not a figure of the dashboard."))
            })?),
            None => None,
        };
        let shown: Vec<ServiceId> = service.map_or_else(|| managed.clone(), |s| vec![s]);
        let months = month.last(domain::governance::MONTHS_SHOWN);
        let counts = store
            .governance_counts(&shown, months[0], month, today)
            .await?;
        let figures = Figure::ALL
            .into_iter()
            .map(|f| {
                let by_month = months
                    .iter()
                    .map(|m| {
                        counts
                            .iter()
                            .filter(|c| c.figure == f && c.month == *m)
                            .fold(Count::default(), |sum, c| sum + c.count)
                    })
                    .collect();
                (f, by_month)
            })
            .collect();
        let services: Vec<(ServiceId, String)> = store
            .services()
            .await?
            .into_iter()
            .filter(|s| managed.contains(&s.id))
            .map(|s| (s.id, s.name))
            .collect();
        let name_of = |id: ServiceId| {
            services
                .iter()
                .find(|(s, _)| *s == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let behind = match figure {
            Some(figure) => {
                let mut rows = Vec::new();
                for s in &shown {
                    for counted in store.governance_records(*s, figure, month, today).await? {
                        let subject = domain::access::Subject {
                            person: counted.person,
                            service: *s,
                        };
                        if domain::access::may_open(&actor, subject) {
                            rows.push((name_of(*s), counted));
                        }
                    }
                }
                rows.sort_by(|(a, x), (b, y)| {
                    (x.day, &x.person_name, a, x.id).cmp(&(y.day, &y.person_name, b, y.id))
                });
                Some((figure, rows))
            }
            None => None,
        };
        crate::server::audit(
            store.as_ref(),
            &actor,
            None,
            domain::audit::AuditKind::Viewed,
            format!(
                "Opened the governance dashboard: {}, {}",
                service.map_or_else(|| "all services managed".to_owned(), name_of),
                month.words()
            ),
        )
        .await;
        Ok(Dashboard {
            services,
            service,
            month,
            months,
            figures,
            behind,
            today,
        })
    })
    .await
}
