//! The built web page, served as a production site would serve it: the `.br` / `.gz` the build wrote
//! beside each text file, chosen by the browser's `Accept-Encoding`; content-hashed files under
//! `/assets/` cached for a year, everything else (`index.html`) revalidated on every load
//! (`Last-Modified`), so a new deploy is picked up at once; and headers that lock the page down — it
//! shows text from strangers (names, chat).

use std::path::PathBuf;

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, VARY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// Everything the page needs and nothing more: its own scripts and styles (no inline script), its
/// own origin for Socket.IO over http(s) and ws(s) (`'self'` covers both in CSP 3), the inline SVG
/// icon (`data:`), and no framing by other sites.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// Content-hashed build output: a changed file gets a new name, so it never needs revalidating.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Revalidated on every load (a 304 when unchanged), so a new deploy is seen at once.
const REVALIDATE: &str = "no-cache";

/// The page in `dir`, with its precompressed files, cache policy and security headers.
pub fn service(dir: PathBuf) -> Router {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(page_headers))
}

async fn page_headers(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let cache = if hashed && response.status().is_success() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    // The same URL has several bodies (br, gzip, plain): caches must key on the encoding.
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A page's URL can carry a room code: it goes to no other site.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
