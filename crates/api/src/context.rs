//! The per-request context (request id and start time), reachable from anywhere in the request's task.
//!
//! The envelope's `meta` needs the request id and the processing time, but
//! `IntoResponse` cannot see the request. The context middleware therefore
//! runs the rest of the request inside a task-local scope that response
//! builders read.

use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: Arc<str>,
    pub started: Instant,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The context of the request being served, if any.
pub fn current() -> Option<RequestContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// Runs `fut` with `ctx` as the current request context.
pub async fn scope<F: Future>(ctx: RequestContext, fut: F) -> F::Output {
    CONTEXT.scope(ctx, fut).await
}

/// A request id from the client's `X-Request-Id`, if it is safe to echo and log; otherwise a new one.
pub fn request_id(header: Option<&str>) -> Arc<str> {
    match header {
        Some(id)
            if !id.is_empty()
                && id.len() <= 128
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b)) =>
        {
            Arc::from(id)
        }
        _ => Arc::from(format!("req_{}", uuid::Uuid::now_v7().simple())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_safe_ids_and_replaces_hostile_ones() {
        assert_eq!(&*request_id(Some("abc-123")), "abc-123");
        assert!(request_id(Some("evil\nline")).starts_with("req_"));
        assert!(request_id(Some(&"x".repeat(200))).starts_with("req_"));
        assert!(request_id(None).starts_with("req_"));
    }
}
