//! Failures and their kinds: timeouts, refused connections, unusable URLs, methods and headers, and which of them are worth retrying.

use std::time::Duration;

use egress::{Error, status_is_retryable};

use crate::server::{Reply, serve};
use crate::{client, get, send};

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = serve(|_| Reply::Silent).await;
    let mut req = get(server.url("/"));
    req.timeout = Duration::from_millis(300);
    let err = send(&client("127.0.0.1"), req).await.expect_err("timeout");
    assert_eq!(err, Error::Timeout);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let err = send(&client("127.0.0.1"), get(format!("http://{addr}/"))).await.expect_err("refused");
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn only_http_and_https_urls_are_accepted() {
    let client = client("127.0.0.1");
    for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "not a url", "/relative", "http://"]
    {
        let err = send(&client, get(url)).await.expect_err(url);
        assert!(matches!(err, Error::InvalidUrl(_)), "{url}: {err:?}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn bad_methods_and_headers_are_refused_without_echoing_values() {
    let client = client("127.0.0.1");
    let mut req = get("http://127.0.0.1:9/");
    req.method = "GE T".into();
    assert!(matches!(send(&client, req).await, Err(Error::Other(_))));

    let mut req = get("http://127.0.0.1:9/");
    req.headers = vec![("Authorization".into(), "Bearer secret\r\nX-Injected: 1".into())];
    match send(&client, req).await {
        Err(Error::Other(message)) => assert!(!message.contains("secret"), "{message}"),
        other => panic!("expected Other, got {other:?}"),
    }
}

#[test]
fn retryable_statuses_are_server_errors_and_429() {
    for status in [429, 500, 502, 503, 504, 599] {
        assert!(status_is_retryable(status), "{status}");
    }
    for status in [200, 204, 301, 400, 401, 403, 404, 409, 422, 600] {
        assert!(!status_is_retryable(status), "{status}");
    }
}
