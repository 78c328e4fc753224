//! Checks every request and response passes through, before any handler runs or after it
//! answers: input no database can store is refused, and answers holding personal data are
//! never kept by a browser's or a proxy's HTTP cache.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body read here to be checked: the sync routes' own limit (bigger ones are
/// refused by them, unread).
const MAX_CHECKED_BODY: usize = 4 << 20;

/// Refuses, with 400 and before any handler runs, a request whose address, form fields or
/// JSON hold a NUL character. PostgreSQL cannot store one and SQLite would; refusing it here
/// makes both databases behave alike everywhere text is accepted (sign-in, invitations, early
/// warnings, administration, server functions). The sync routes are left to the domain's
/// rules instead, which answer an edit holding one as rejected, with its words kept on the
/// device, so that no outbox is ever stuck behind a refused request.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri().to_string();
    if has_encoded_nul(&uri) {
        return invalid();
    }
    let path = request.uri().path();
    if request.method() == Method::GET
        || request.method() == Method::HEAD
        || path == "/api/sync/push"
        || path == "/api/sync/pull"
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_CHECKED_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "That request is too large for Circle to accept.",
            )
                .into_response();
        }
    };
    if bytes.contains(&0) || has_encoded_nul_bytes(&bytes) || has_json_nul(&bytes) {
        return invalid();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn invalid() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "This request holds an invisible NUL character that Circle can't keep (it may have come \
         from copying and pasting). Nothing was saved: remove it and try again.",
    )
        .into_response()
}

/// `%00` anywhere (in an address or a form body).
fn has_encoded_nul(text: &str) -> bool {
    has_encoded_nul_bytes(text.as_bytes())
}

fn has_encoded_nul_bytes(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"%00")
}

/// A JSON `\u0000` escape (any case), unless its backslash is itself escaped (`\\u0000` is the
/// text `\u0000`, which is fine).
fn has_json_nul(bytes: &[u8]) -> bool {
    bytes.windows(6).enumerate().any(|(at, w)| {
        w[0] == b'\\'
            && w[1] == b'u'
            && w[2..].iter().all(|b| *b == b'0')
            && bytes[..at]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count()
                % 2
                == 0
    })
}

/// Marks every answer that is not one of Circle's own static files `Cache-Control: no-store`
/// (unless its handler chose a policy), so that pages and API answers holding personal data are
/// never kept by an HTTP cache: the service worker keeps what it needs offline itself. Over
/// https, browsers are also told to use https only.
pub async fn cache_and_transport(
    axum::extract::State(https): axum::extract::State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let is_static = crate::auth::is_static(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !is_static && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// A server function whose arguments could not be read answers 500 with an
/// [`app::AppError`] in its body (the server-function library gives no other hook): give it the
/// status its error says (400 for bad input), as every other server-function error already has.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/")
        && !request.uri().path().starts_with("/api/sync/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_raw_percent_encoded_or_as_a_json_escape() {
        assert!(has_encoded_nul("/sign-in?next=%00"));
        assert!(!has_encoded_nul("/people/1?q=100%25"));
        assert!(has_json_nul(br#"{"name":"a\u0000b"}"#));
        assert!(has_json_nul(br#"{"name":"a\\\u0000b"}"#));
        assert!(
            !has_json_nul(br#"{"name":"a\\u0000b"}"#),
            "an escaped backslash"
        );
        assert!(!has_json_nul(br#"{"name":"a\u0041b"}"#));
    }
}
