//! The HTTP layer: envelopes for unknown routes, request ids in headers and logs, compression,
//! HTTP/2, CORS and rate limiting.

use reqwest::Method;
use serde_json::json;
use test_support::{StoreKind, TestStore};

use crate::harness::{Server, answer};

async fn sqlite_server(env: &[(&str, &str)]) -> Server {
    Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let s = sqlite_server(&[]).await;
    let a = s.get("/api/v1/no/such/thing", None).await.expect(404, 3001);
    assert_eq!(a.body["status"], "error");
    assert!(a.body["meta"]["requestId"].is_string());
    s.call(Method::DELETE, "/api/v1/health", None, None).await.expect(405, 3002);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_honoured_echoed_and_logged() {
    let s = sqlite_server(&[]).await;
    let res = s.client.get(s.url("/api/v1/health")).header("x-request-id", "trace-abc-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-abc-123");
    let a = answer(res).await;
    assert_eq!(a.body["meta"]["requestId"], "trace-abc-123");
    // A hostile id (log injection) is replaced, not echoed.
    let res = s.client.get(s.url("/api/v1/health")).header("x-request-id", "a b;c<script>").send().await.unwrap();
    assert!(res.headers()["x-request-id"].to_str().unwrap().starts_with("req_"));
    // Every log line of the request names it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let logged =
            s.stderr.lock().unwrap().iter().any(|l| l.contains("trace-abc-123") && l.contains("request finished"));
        if logged {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "request id not in logs");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_when_asked() {
    let s = sqlite_server(&[]).await;
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let res = raw.get(s.url("/api/v1/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let res = raw.get(s.url("/api/v1/openapi.json")).header("accept-encoding", "deflate").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "deflate");
    let res = raw.get(s.url("/api/v1/openapi.json")).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_is_served() {
    let s = sqlite_server(&[]).await;
    let h2 = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    let res = h2.get(s.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(res.version(), reqwest::Version::HTTP_2);
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_configured_origins_only() {
    let s = sqlite_server(&[("QUARRY_CORS_ORIGINS", "http://ui.example")]).await;
    let preflight = |origin: &'static str| {
        s.client
            .request(Method::OPTIONS, s.url("/api/v1/auth/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("http://ui.example").await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://ui.example");
    let other = preflight("http://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_429_with_retry_after() {
    let s = sqlite_server(&[("QUARRY_RATE_LIMIT_RPS", "1"), ("QUARRY_RATE_LIMIT_BURST", "3")]).await;
    let mut limited = None;
    for _ in 0..10 {
        let a = s.get("/api/v1/health", None).await;
        if a.status.as_u16() == 429 {
            limited = Some(a);
            break;
        }
    }
    let a = limited.expect("the limiter never answered 429").expect(429, 4290);
    assert!(a.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_on_sigterm() {
    let s = sqlite_server(&[]).await;
    s.post("/api/v1/auth/login", None, json!({"username": "admin", "password": "wrong-password"})).await;
    // `stop` asserts that the process exits by itself after SIGTERM.
    let _store = s.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_logs_carry_no_colour_codes() {
    let s = sqlite_server(&[]).await;
    s.get("/api/v1/health", None).await.expect(200, 0);
    let logs = s.stderr.lock().unwrap().join("\n");
    assert!(logs.contains("Quarry listening"));
    assert!(!logs.contains('\u{1b}'), "ANSI escape codes in piped logs");
}
