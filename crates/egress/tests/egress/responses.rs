//! Responses as workflows see them — JSON or text bodies, headers, `Retry-After` — request bodies, the body cap and signed webhook deliveries.

use std::time::Duration;

use chrono::Utc;
use egress::signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use egress::{Error, status_is_retryable};
use serde_json::json;

use crate::server::{Reply, reply, serve};
use crate::{client, client_with, get, send};

#[tokio::test]
async fn json_bodies_are_parsed() {
    let server =
        serve(|_| reply("200 OK", &[("content-type", "application/json")], r#"{"ok":true,"items":[1,2]}"#)).await;
    let response = send(&client("127.0.0.1"), get(server.url("/"))).await.expect("response");
    assert_eq!(response.body, json!({"ok": true, "items": [1, 2]}));
}

#[tokio::test]
async fn text_bodies_stay_text_and_empty_bodies_are_null() {
    let server = serve(|req| match req.path.as_str() {
        "/text" => reply("200 OK", &[("content-type", "text/plain")], "hello, world"),
        "/html" => reply("502 Bad Gateway", &[("content-type", "text/html")], "<h1>Bad gateway</h1>"),
        "/broken-json" => reply("200 OK", &[("content-type", "application/json")], "{not json"),
        _ => reply("204 No Content", &[], ""),
    })
    .await;
    let client = client("127.0.0.1");
    let body = |path: &'static str| {
        let client = client.clone();
        let url = server.url(path);
        async move { send(&client, get(url)).await.expect(path).body }
    };
    assert_eq!(body("/text").await, "hello, world");
    assert_eq!(body("/html").await, "<h1>Bad gateway</h1>");
    assert_eq!(body("/broken-json").await, "{not json");
    assert_eq!(body("/empty").await, serde_json::Value::Null);
}

#[tokio::test]
async fn headers_are_captured_with_lower_case_names_and_joined_repeats() {
    let server = serve(|_| {
        reply(
            "200 OK",
            &[("X-Request-Id", "req-7"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/plain")],
            "ok",
        )
    })
    .await;
    let response = send(&client("127.0.0.1"), get(server.url("/"))).await.expect("response");
    assert_eq!(response.headers["x-request-id"], "req-7");
    assert_eq!(response.headers["set-cookie"], "a=1, b=2");
    assert_eq!(response.headers["content-type"], "text/plain");
    assert_eq!(response.headers["content-length"], "2");
    assert!(response.headers.keys().all(|k| k == &k.to_ascii_lowercase()));
    assert_eq!(response.retry_after, None);
    // Header values never show in `Debug` output, which may end up in logs.
    assert!(!format!("{response:?}").contains("a=1"));
}

#[tokio::test]
async fn retry_after_is_read_as_seconds_or_a_date() {
    let in_90s = (Utc::now() + chrono::Duration::seconds(90)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = serve(move |req| match req.path.as_str() {
        "/seconds" => reply("503 Service Unavailable", &[("retry-after", "120")], ""),
        _ => reply("429 Too Many Requests", &[("retry-after", &in_90s)], "slow down"),
    })
    .await;
    let client = client("127.0.0.1");

    let response = send(&client, get(server.url("/seconds"))).await.expect("response");
    assert_eq!(response.status, 503);
    assert_eq!(response.retry_after, Some(Duration::from_secs(120)));
    assert!(status_is_retryable(response.status));

    let response = send(&client, get(server.url("/date"))).await.expect("response");
    assert_eq!(response.status, 429);
    assert!(status_is_retryable(response.status));
    let wait = response.retry_after.expect("a date");
    assert!((Duration::from_secs(85)..=Duration::from_secs(90)).contains(&wait), "{wait:?}");
}

#[tokio::test]
async fn json_request_bodies_and_headers_are_sent() {
    let server = serve(|_| reply("201 Created", &[], "")).await;
    let client = client("127.0.0.1");
    let mut req = get(server.url("/orders"));
    req.method = "POST".into();
    req.headers = vec![("Authorization".into(), "Bearer t0ken".into())];
    req.body = Some(json!({"sku": "A-1", "qty": 2}));
    let response = send(&client, req.clone()).await.expect("response");
    assert_eq!(response.status, 201);

    let seen = &server.requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("authorization"), Some("Bearer t0ken"));
    assert_eq!(seen.header("user-agent"), Some("Quarry"));
    let sent: serde_json::Value = serde_json::from_slice(&seen.body).expect("JSON body");
    assert_eq!(sent, json!({"sku": "A-1", "qty": 2}));

    // A content type set by the caller is kept, not doubled.
    req.headers = vec![("Content-Type".into(), "application/vnd.api+json".into())];
    send(&client, req.clone()).await.expect("response");
    let seen = &server.requests()[1];
    let content_types: Vec<&str> =
        seen.headers.iter().filter(|(n, _)| n == "content-type").map(|(_, v)| v.as_str()).collect();
    assert_eq!(content_types, ["application/vnd.api+json"]);

    // Nor do request header values show in `Debug` output.
    req.headers = vec![("Authorization".into(), "Bearer t0ken".into())];
    assert!(!format!("{req:?}").contains("t0ken"));
}

#[tokio::test]
async fn a_declared_body_over_the_cap_is_refused() {
    let server = serve(|req| {
        let size = if req.path == "/big" { 1025 } else { 1024 };
        reply("200 OK", &[], &"x".repeat(size))
    })
    .await;
    let client = client_with("127.0.0.1", |s| s.max_body_bytes = 1024);
    let err = send(&client, get(server.url("/big"))).await.expect_err("too large");
    assert_eq!(err, Error::BodyTooLarge { limit: 1024 });
    assert!(!err.is_retryable());
    let response = send(&client, get(server.url("/fits"))).await.expect("exactly at the cap");
    assert_eq!(response.body.as_str().map(str::len), Some(1024));
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    // The server never stops sending: the only way this ends before the
    // timeout is the client giving up at the cap instead of buffering.
    let server = serve(|_| Reply::Endless).await;
    let client = client_with("127.0.0.1", |s| s.max_body_bytes = 64 * 1024);
    let err = send(&client, get(server.url("/"))).await.expect_err("too large");
    assert_eq!(err, Error::BodyTooLarge { limit: 64 * 1024 });
}

#[tokio::test]
async fn signed_webhook_deliveries_verify_on_the_receiving_side() {
    let server = serve(|_| reply("204 No Content", &[], "")).await;
    let secret = b"whsec_integration";
    let payload = json!({"event": "execution.finished", "executionId": 42});
    let body = serde_json::to_vec(&payload).expect("JSON");
    let now = Utc::now().timestamp();

    let mut req = get(server.url("/hook"));
    req.method = "POST".into();
    req.headers = vec![
        (TIMESTAMP_HEADER.into(), now.to_string()),
        (SIGNATURE_HEADER.into(), signature::sign(secret, now, &body)),
    ];
    req.body = Some(payload);
    send(&client("127.0.0.1"), req).await.expect("delivered");

    let seen = &server.requests()[0];
    let verify = |secret: &[u8]| {
        signature::verify(
            secret,
            seen.header(TIMESTAMP_HEADER),
            seen.header(SIGNATURE_HEADER),
            &seen.body,
            Utc::now().timestamp(),
            300,
        )
    };
    assert_eq!(verify(secret), Ok(()));
    assert_eq!(verify(b"another secret"), Err(signature::SignatureError::Mismatch));
}
