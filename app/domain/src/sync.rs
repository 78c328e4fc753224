//! What the sync protocol shares beyond the records engine (`crate::records`): who a device
//! is, what it says of itself when it pulls, how people recognise it, and the limits of one
//! push.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientId(pub Uuid);

/// The most edits one push may carry; a longer outbox is sent in several pushes.
pub const MAX_PUSH_BATCH: usize = 500;
/// The most bytes one push may carry (the server refuses larger bodies unread); devices cut
/// their pushes below this.
pub const MAX_PUSH_BYTES: usize = 4 << 20;

/// What a device says of itself when it pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceReport {
    pub client: ClientId,
    /// The number of the last edit this device made to this plan (0 for none). When the server
    /// holds an outcome for it and the pull reaches the newest change, nothing is left to sync.
    pub last_seq: u64,
}

/// When a device last synced one plan completely: every edit it made was on the server and it
/// held every change. Shown to managers, per device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSync {
    pub client: ClientId,
    pub person: crate::PersonId,
    /// How the device described itself (browser and system), for people to recognise it.
    pub label: String,
    /// Milliseconds since 1970-01-01 UTC.
    pub at_ms: i64,
    /// Whose device it is (the user who first used it), when known; filled in by the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<crate::access::UserId>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner_name: String,
}

/// A short description of a device from its browser's user-agent string, such as "Chrome on
/// Android", for people to recognise their devices by.
pub fn device_label(user_agent: &str) -> String {
    let has = |needle: &str| user_agent.contains(needle);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("Firefox/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else {
        "A browser"
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPad") {
        "iPad"
    } else if has("iPhone") {
        "iPhone"
    } else if has("Windows") {
        "Windows"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Mac OS X") || has("Macintosh") {
        "Mac"
    } else if has("Linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_described_by_its_browser_and_system() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let ipad = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_label(pixel), "Chrome on Android");
        assert_eq!(device_label(ipad), "Safari on iPad");
        assert_eq!(device_label(""), "A browser on an unknown system");
    }
}
