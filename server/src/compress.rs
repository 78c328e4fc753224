//! Pages and API answers are sent gzipped, without giving their secrets away by their length.
//!
//! A compressed answer's length depends on how much of it repeats. An attacker who can make a
//! signed-in browser ask for a page holding text of the attacker's choosing, again and again,
//! and can see how long each answer is, can guess what else the page holds a letter at a time
//! (BREACH). So an answer is compressed only when the request could not have been made by
//! another website on the person's behalf, and reflects nothing typed into its address:
//!
//! - the browser says the request came from Circle's own pages or the person's own address bar
//!   (`Sec-Fetch-Site: same-origin` or `none`; a request without it, from an old browser or a
//!   program, is answered uncompressed);
//! - its address has no query string (a search, a filter).
//!
//! Everything else, the answers as they were. The app's own files under `/pkg/` are already
//! compressed at build time (`assets.rs`) and are left alone here; so is the live channel.

use axum::extract::Request;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Put on an answer that must go uncompressed.
#[derive(Debug, Clone, Copy)]
struct Uncompressed;

/// The compression layer (outside [`mark`]).
pub fn layer() -> CompressionLayer<impl Predicate> {
    let marked = |_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions| {
        extensions.get::<Uncompressed>().is_none()
    };
    CompressionLayer::new()
        .gzip(true)
        .no_br()
        .no_deflate()
        .no_zstd()
        .quality(CompressionLevel::Default)
        .compress_when(DefaultPredicate::new().and(marked))
}

/// Marks the answer to a request that may not be compressed (see the module's notes).
pub async fn mark(request: Request, next: Next) -> Response {
    let allowed = may_compress(request.uri().query(), request.headers());
    let mut response = next.run(request).await;
    if !allowed {
        response.extensions_mut().insert(Uncompressed);
    }
    response
}

fn may_compress(query: Option<&str>, headers: &HeaderMap) -> bool {
    let own = headers
        .get(header::HeaderName::from_static("sec-fetch-site"))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| matches!(site, "same-origin" | "none"));
    own && query.is_none_or(str::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(value: Option<&'static str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(value) = value {
            map.insert("sec-fetch-site", value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn a_request_from_circles_own_pages_or_the_address_bar_may_be_compressed() {
        assert!(may_compress(None, &site(Some("same-origin"))));
        assert!(may_compress(None, &site(Some("none"))));
        assert!(may_compress(Some(""), &site(Some("same-origin"))));
    }

    #[test]
    fn a_request_another_site_could_have_made_is_answered_uncompressed() {
        assert!(!may_compress(None, &site(Some("cross-site"))));
        assert!(!may_compress(None, &site(Some("same-site"))));
        assert!(!may_compress(None, &site(None)));
    }

    #[test]
    fn an_answer_that_could_reflect_a_query_is_sent_uncompressed() {
        assert!(!may_compress(Some("q=maggie"), &site(Some("same-origin"))));
    }
}
