//! The embedded web studio: its files, and `index.html` for every client-side route (SPA
//! fallback). Paths that belong to the server (`/api`, `/pamirs`, `/ws`, `/metrics`) are never
//! answered with the studio: unknown ones stay JSON 404s in the envelope.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::route_not_found;

/// Prefixes the server owns, each matched as a whole path segment.
const SERVER_PATHS: [&str; 4] = ["/api", "/pamirs", "/ws", "/metrics"];

/// The policy the studio's page runs under: its own scripts only, no framing. Styles may be
/// inline because the component library writes them at run time; data may be fetched from this
/// origin only (`'self'` covers same-origin WebSockets).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

pub(crate) fn is_server_path(path: &str) -> bool {
    SERVER_PATHS
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

pub(crate) async fn fallback(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if is_server_path(path) || !(method == Method::GET || method == Method::HEAD) {
        return route_not_found(uri).await.into_response();
    }
    let relative = path.trim_start_matches('/');
    match web::asset(relative) {
        Some(asset) if !relative.is_empty() => serve(asset),
        // A hashed file that does not exist (an old tab after an upgrade) must fail loudly
        // rather than receive HTML the browser would try to run as a script.
        _ if relative.starts_with("assets/") => route_not_found(uri).await.into_response(),
        _ => serve(web::index()),
    }
}

fn serve(asset: web::Asset) -> Response {
    let cache = if asset.immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = (StatusCode::OK, asset.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if asset.content_type.starts_with("text/html") {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_server_path;

    #[test]
    fn server_paths_are_whole_segments() {
        for path in ["/api", "/api/", "/api/v1/nope", "/pamirs/demo", "/ws", "/ws/metrics", "/metrics"] {
            assert!(is_server_path(path), "{path}");
        }
        for path in ["/", "/apiary", "/login", "/datasources/1/schema", "/wsx", "/metricsboard"] {
            assert!(!is_server_path(path), "{path}");
        }
    }
}
