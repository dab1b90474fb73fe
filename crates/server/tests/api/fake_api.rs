//! A local HTTP server standing in for the external APIs that workflow `api` nodes call and that
//! receive execution callbacks. It records every request it gets.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// One request the fake API received.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

#[derive(Clone, Default)]
pub struct FakeApi {
    pub hits: Arc<Mutex<Vec<Hit>>>,
    /// `/flaky` fails this many times (503) before answering 200.
    pub flaky_failures: Arc<AtomicUsize>,
    /// `/toggle` answers 500 until this is set.
    pub toggle_ok: Arc<AtomicBool>,
    /// How long `/hang` waits before answering.
    pub hang_ms: Arc<AtomicUsize>,
}

impl FakeApi {
    /// Starts the server on 127.0.0.1 and answers its base URL.
    pub async fn start() -> (FakeApi, String) {
        let api = FakeApi::default();
        api.hang_ms.store(3000, Ordering::SeqCst);
        let app = axum::Router::new()
            .route("/pay", post(pay))
            .route("/flaky", post(flaky))
            .route("/bad", post(bad))
            .route("/toggle", post(toggle))
            .route("/hang", post(hang))
            .route("/slow", get(slow).post(slow))
            .route("/limited", post(limited))
            .route("/callback", post(callback))
            .with_state(api.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (api, base)
    }

    fn record(&self, path: &str, headers: HeaderMap, body: Value) {
        self.hits.lock().unwrap().push(Hit { path: path.to_owned(), headers, body });
    }

    /// Requests received on `path`, in order.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.hits.lock().unwrap().iter().filter(|h| h.path == path).cloned().collect()
    }
}

fn body_of(bytes: &axum::body::Bytes) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

async fn pay(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let body = body_of(&body);
    api.record("/pay", headers, body.clone());
    let n = api.hits("/pay").len();
    Json(json!({"success": true, "transactionId": format!("TXN{n:06}"), "amount": body["amount"]})).into_response()
}

async fn flaky(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    api.record("/flaky", headers, body_of(&body));
    let left = api.flaky_failures.load(Ordering::SeqCst);
    if left > 0 {
        api.flaky_failures.store(left - 1, Ordering::SeqCst);
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": "try again"}))).into_response();
    }
    Json(json!({"ok": true})).into_response()
}

async fn bad(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    api.record("/bad", headers, body_of(&body));
    (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid card"}))).into_response()
}

async fn toggle(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    api.record("/toggle", headers, body_of(&body));
    if api.toggle_ok.load(Ordering::SeqCst) {
        Json(json!({"ok": true})).into_response()
    } else {
        (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": "down"}))).into_response()
    }
}

async fn hang(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    api.record("/hang", headers, body_of(&body));
    tokio::time::sleep(Duration::from_millis(api.hang_ms.load(Ordering::SeqCst) as u64)).await;
    Json(json!({"ok": true})).into_response()
}

async fn slow(State(api): State<FakeApi>, headers: HeaderMap) -> Response {
    api.record("/slow", headers, Value::Null);
    tokio::time::sleep(Duration::from_secs(10)).await;
    Json(json!({"ok": true})).into_response()
}

async fn limited(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    api.record("/limited", headers, body_of(&body));
    if api.hits("/limited").len() == 1 {
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], Json(json!({"error": "slow down"})))
            .into_response();
    }
    Json(json!({"ok": true})).into_response()
}

async fn callback(State(api): State<FakeApi>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    // Kept raw too, so the test can check the signature over the exact bytes.
    let mut h = headers;
    h.insert(
        "x-raw-body",
        axum::http::HeaderValue::from_bytes(&body).unwrap_or(axum::http::HeaderValue::from_static("")),
    );
    api.record("/callback", h, body_of(&body));
    Json(json!({"received": true})).into_response()
}
