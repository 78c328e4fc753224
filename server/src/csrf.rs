//! Cross-site request forgery: a state-changing request (anything but GET, HEAD or OPTIONS)
//! that a browser marks as coming from another site is refused before it reaches a handler.
//!
//! Browsers send `Sec-Fetch-Site` on every request and `Origin` on every cross-origin POST;
//! either is enough to tell. Requests with neither (programs such as the bench or `curl`, which
//! no web page can make on a user's behalf) pass. Behind a proxy that rewrites `Host`, set
//! `X-Forwarded-Host`.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && is_cross_site(request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({
                "error": "This request came from another website, so Circle refused it. Open Circle itself and try again."
            })),
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN) else {
        return false;
    };
    let host = text(header::HeaderName::from_static("x-forwarded-host")).or(text(header::HOST));
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    host != Some(origin_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn a_request_from_circles_own_pages_is_not_cross_site() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "https://circle.example"),
            ("host", "circle.example")
        ])));
        assert!(!is_cross_site(&headers(&[])), "not a browser");
    }

    #[test]
    fn a_request_from_another_site_is_cross_site() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "circle.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "circle.example")
        ])));
    }
}
