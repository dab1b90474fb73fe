//! Redirects: every hop is checked against the policy, loops stop, and credentials stay behind.

use egress::Error;

use crate::server::{redirect, reply, serve, serve_on};
use crate::{client, client_with, get, send};

#[tokio::test]
async fn a_redirect_from_an_allowed_name_to_another_loopback_address_is_refused() {
    // Allow-listing the name `localhost` allows the addresses that name
    // resolves to, reached through that name — not loopback in general.
    let target = serve_on([127, 0, 0, 2].into(), |_| reply("200 OK", &[], "internal")).await;
    let location = target.url("/admin");
    let entry = serve(move |_| redirect(&location)).await;

    let err = send(&client("localhost"), get(entry.localhost_url("/start"))).await.expect_err("refused");
    assert_eq!(err, Error::Forbidden { host: "127.0.0.2".into(), ip: "127.0.0.2".into() });
    assert_eq!(entry.requests().len(), 1);
    assert!(target.requests().is_empty(), "the redirect target must not be contacted");
}

#[tokio::test]
async fn a_redirect_to_ipv6_loopback_or_the_unspecified_address_is_refused() {
    let entry_v6 = serve(|_| redirect("http://[::1]:9/")).await;
    let err = send(&client("localhost"), get(entry_v6.localhost_url("/"))).await.expect_err("refused");
    assert_eq!(err, Error::Forbidden { host: "::1".into(), ip: "::1".into() });

    let entry_any = serve(|_| redirect("http://0.0.0.0:9/")).await;
    let err = send(&client("127.0.0.1"), get(entry_any.url("/"))).await.expect_err("refused");
    assert_eq!(err, Error::Forbidden { host: "0.0.0.0".into(), ip: "0.0.0.0".into() });
}

#[tokio::test]
async fn a_redirect_to_a_name_resolving_to_a_refused_address_is_refused() {
    // The entry is allowed by its address; `localhost` resolves to 127.0.0.1,
    // which is not, so the resolver refuses the second hop.
    let target = serve(|_| reply("200 OK", &[], "internal")).await;
    let location = target.localhost_url("/");
    let entry = serve_on([127, 0, 0, 2].into(), move |_| redirect(&location)).await;

    let err = send(&client("127.0.0.2"), get(entry.url("/"))).await.expect_err("refused");
    match err {
        Error::Forbidden { host, .. } => assert_eq!(host, "localhost"),
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(target.requests().is_empty());
}

#[tokio::test]
async fn redirects_within_the_policy_are_followed() {
    let server = serve(|req| match req.path.as_str() {
        "/start" => redirect("/next"),
        _ => reply("200 OK", &[], "done"),
    })
    .await;
    let response = send(&client("127.0.0.1"), get(server.url("/start"))).await.expect("followed");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "done");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/start", "/next"]);
}

#[tokio::test]
async fn redirect_loops_stop_after_max_redirects() {
    let server = serve(|_| redirect("/again")).await;
    let client = client_with("127.0.0.1", |s| s.max_redirects = 3);
    let err = send(&client, get(server.url("/"))).await.expect_err("loop");
    assert_eq!(err, Error::TooManyRedirects);
    assert!(!err.is_retryable());
    assert_eq!(server.requests().len(), 4, "the first request and three redirects");
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_refused_or_not_followed() {
    let server = serve(|req| match req.path.as_str() {
        "/ftp" => redirect("ftp://127.0.0.1/data"),
        _ => redirect("file:///etc/passwd"),
    })
    .await;
    let client = client("127.0.0.1");
    let err = send(&client, get(server.url("/ftp"))).await.expect_err("refused");
    assert!(matches!(err, Error::InvalidUrl(_)), "{err:?}");
    // A `file:` location has no authority, so it is not even a candidate hop:
    // the redirect comes back as the response.
    let response = send(&client, get(server.url("/file"))).await.expect("the redirect itself");
    assert_eq!(response.status, 302);
    assert_eq!(response.headers["location"], "file:///etc/passwd");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn credentials_and_the_previous_url_stay_behind_on_a_cross_host_redirect() {
    let target = serve(|_| reply("200 OK", &[], "ok")).await;
    let location = target.localhost_url("/landing");
    let entry = serve(move |_| redirect(&location)).await;

    let mut req = get(entry.url("/start?token=s3cret"));
    req.headers = vec![("Authorization".into(), "Bearer s3cret".into()), ("X-Trace".into(), "t-1".into())];
    let response = send(&client("127.0.0.1"), req).await.expect("followed");
    assert_eq!(response.status, 200);

    let landed = &target.requests()[0];
    assert_eq!(landed.header("authorization"), None);
    assert_eq!(landed.header("referer"), None);
    assert_eq!(landed.header("x-trace"), Some("t-1"));
    assert_eq!(entry.requests()[0].header("authorization"), Some("Bearer s3cret"));
}
