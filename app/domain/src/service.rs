//! Services (sites): the unit a provider registers with the CQC and manages people in.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServiceId(pub Uuid);

impl std::fmt::Display for ServiceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ServiceId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(ServiceId)
    }
}

/// The kind of support a service gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    HomeCare,
    SupportedLiving,
    Reablement,
    MentalHealthSupport,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 4] = [
        ServiceKind::HomeCare,
        ServiceKind::SupportedLiving,
        ServiceKind::Reablement,
        ServiceKind::MentalHealthSupport,
    ];

    /// Stable code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            ServiceKind::HomeCare => "home_care",
            ServiceKind::SupportedLiving => "supported_living",
            ServiceKind::Reablement => "reablement",
            ServiceKind::MentalHealthSupport => "mental_health_support",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// How the kind reads to a person.
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::HomeCare => "Home care",
            ServiceKind::SupportedLiving => "Supported living",
            ServiceKind::Reablement => "Reablement",
            ServiceKind::MentalHealthSupport => "Mental health support",
        }
    }
}

/// The longest a service's name may be.
pub const SERVICE_NAME_MAX: usize = 120;

/// A service's name as typed: trimmed, present and not too long.
pub fn checked_name(name: &str) -> Result<String, crate::DomainError> {
    crate::required_text("A service's name", name, SERVICE_NAME_MAX)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub kind: ServiceKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_kind_round_trips_through_its_storage_code() {
        for kind in ServiceKind::ALL {
            assert_eq!(ServiceKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ServiceKind::from_code("hospital"), None);
    }

    #[test]
    fn a_service_needs_a_name_of_at_most_120_characters() {
        assert_eq!(checked_name("  Hillside  ").as_deref(), Ok("Hillside"));
        assert!(checked_name("   ").is_err());
        assert!(checked_name(&"x".repeat(SERVICE_NAME_MAX + 1)).is_err());
    }
}
