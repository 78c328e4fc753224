//! The administration page: who holds which role in the services the asker administers.

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
pub struct AdminPage {
    /// The services the asker administers: id and name.
    pub services: Vec<(String, String)>,
    pub staff: Vec<StaffRow>,
    /// A link for a new account made just now, shown this once.
    pub new_link: Option<String>,
    pub me: String,
}

#[server(endpoint = "admin/get")]
pub async fn get_admin() -> Result<AdminPage, AppError> {
    let store = crate::server::store()?;
    let actor = crate::server::actor()?;
    let administered: Vec<domain::ServiceId> = actor
        .staff
        .iter()
        .filter(|(_, r)| *r == StaffRole::Admin)
        .map(|(s, _)| *s)
        .collect();
    if administered.is_empty() {
        return Err(AppError::Forbidden(
            "The administration page is for administrators.".into(),
        ));
    }
    let services: Vec<(domain::ServiceId, String)> = store
        .services()
        .await?
        .into_iter()
        .filter(|s| administered.contains(&s.id))
        .map(|s| (s.id, s.name))
        .collect();
    let name_of = |id: domain::ServiceId| {
        services
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| n.clone())
    };
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
    Ok(AdminPage {
        services: services
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        staff,
        new_link: crate::server::take_new_link().await,
        me: actor.user.to_string(),
    })
}
