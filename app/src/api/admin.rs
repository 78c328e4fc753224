//! The administration page: the services the asker administers, who holds which role there,
//! and the latest changes to both.

use domain::access::StaffRole;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub user: String,
    pub name: String,
    pub email: String,
    pub service: String,
    pub service_name: String,
    pub role: StaffRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// A change to staff or services, for the administration page's "Recent changes".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEvent {
    pub at_ms: i64,
    pub who: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPage {
    /// The services the asker administers, by name.
    pub services: Vec<ServiceRow>,
    /// The latest changes to staff and services there, newest first.
    pub recent: Vec<AdminEvent>,
    pub staff: Vec<StaffRow>,
    /// A link for a new account made just now, shown this once.
    pub new_link: Option<String>,
    pub me: String,
}

#[server(endpoint = "admin/get")]
pub async fn get_admin() -> Result<AdminPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let administered = domain::access::administered_services(&actor);
        if administered.is_empty() {
            return Err(AppError::Forbidden(
                "The administration page is for administrators.".into(),
            ));
        }
        let services: Vec<domain::Service> = store
            .services()
            .await?
            .into_iter()
            .filter(|s| administered.contains(&s.id))
            .collect();
        let name_of =
            |id: domain::ServiceId| services.iter().find(|s| s.id == id).map(|s| s.name.clone());
        let staff = store
            .staff()
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(StaffRow {
                    service_name: name_of(m.service)?,
                    user: m.user.to_string(),
                    name: m.name,
                    email: m.email,
                    service: m.service.to_string(),
                    role: m.role,
                })
            })
            .collect();
        let recent = store
            .audit_events(&domain::audit::AuditFilter {
                services: administered,
                limit: 20,
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|e| AdminEvent {
                at_ms: e.at_ms,
                who: e.user_name,
                summary: e.summary,
            })
            .collect();
        Ok(AdminPage {
            services: services
                .into_iter()
                .map(|s| ServiceRow {
                    id: s.id.to_string(),
                    name: s.name,
                    kind: s.kind.label().to_owned(),
                })
                .collect(),
            recent,
            staff,
            new_link: crate::server::take_new_link().await,
            me: actor.user.to_string(),
        })
    })
    .await
}
