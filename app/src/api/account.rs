//! Who is signed in, for the header and the pages that depend on it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The signed-in user as pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub name: String,
    /// Works in a service (sees lists of people and devices).
    pub staff: bool,
    /// May read an audit trail: a manager or administrator, or a person reading their own
    /// record's.
    pub reads_audit: bool,
    /// Administers a service: manages staff and their roles.
    pub admin: bool,
    /// Manages a service (registered manager, nominated individual): reads its governance
    /// dashboard.
    #[serde(default)]
    pub manages: bool,
}

/// The signed-in user, or `None` on the sign-in and invitation pages.
#[server(endpoint = "me")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    crate::server::answer(async move {
        let Ok(actor) = crate::server::actor() else {
            return Ok(None);
        };
        let is_person = actor
            .circles
            .iter()
            .any(|m| m.role == domain::access::CircleRole::Person);
        Ok(Some(Me {
            id: actor.user.to_string(),
            name: actor.name.clone(),
            staff: actor.is_staff(),
            reads_audit: !domain::access::auditable_services(&actor).is_empty() || is_person,
            admin: actor.is_admin(),
            manages: !domain::access::managed_services(&actor).is_empty(),
        }))
    })
    .await
}

/// The account page: who is signed in, and what their account did lately (signing in and out,
/// downloads), newest first, so that they notice a sign-in that was not theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    pub name: String,
    pub email: String,
    pub events: Vec<domain::audit::AuditEvent>,
}

#[server(endpoint = "account/get")]
pub async fn get_account() -> Result<AccountPage, AppError> {
    crate::server::answer(async move {
        let store = crate::server::store()?;
        let actor = crate::server::actor()?;
        let email = store
            .user(actor.user)
            .await?
            .map(|u| u.email)
            .unwrap_or_default();
        let filter = domain::audit::AuditFilter {
            account_users: vec![actor.user],
            user: Some(actor.user),
            limit: 50,
            ..Default::default()
        };
        Ok(AccountPage {
            name: actor.name.clone(),
            email,
            events: store.audit_events(&filter).await?,
        })
    })
    .await
}
