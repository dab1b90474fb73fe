//! What the client may reach: loopback by address and by name, with and without an allow-list, and other spellings of local addresses.

use egress::Error;

use crate::server::{reply, serve};
use crate::{client, get, send};

fn forbidden(host: &str, ip: &str) -> Error {
    Error::Forbidden { host: host.to_owned(), ip: ip.to_owned() }
}

#[tokio::test]
async fn loopback_is_refused_without_an_allowlist() {
    let server = serve(|_| reply("200 OK", &[], "hi")).await;
    let err = send(&client(""), get(server.url("/"))).await.expect_err("refused");
    assert_eq!(err, forbidden("127.0.0.1", "127.0.0.1"));
    assert!(!err.is_retryable());
    assert!(server.requests().is_empty(), "nothing may reach the server");
}

#[tokio::test]
async fn loopback_is_reached_when_allowlisted() {
    let server = serve(|_| reply("200 OK", &[], "hi")).await;
    let response = send(&client("127.0.0.1"), get(server.url("/"))).await.expect("allowed");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "hi");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused() {
    let server = serve(|_| reply("200 OK", &[], "hi")).await;
    let err =
        send(&client("payments.internal, 10.0.0.0/8"), get(server.localhost_url("/"))).await.expect_err("refused");
    match &err {
        Error::Forbidden { host, ip } => {
            assert_eq!(host, "localhost");
            assert!(ip == "127.0.0.1" || ip == "::1", "refused address {ip}");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_reached_when_the_name_or_address_is_allowlisted() {
    let server = serve(|_| reply("200 OK", &[], "hi")).await;
    for allowlist in ["localhost", "LocalHost", "127.0.0.1", "127.0.0.0/8", "::ffff:127.0.0.1"] {
        let response = send(&client(allowlist), get(server.localhost_url("/")))
            .await
            .unwrap_or_else(|e| panic!("allow-list {allowlist}: {e}"));
        assert_eq!(response.status, 200, "allow-list {allowlist}");
    }
}

#[tokio::test]
async fn other_spellings_of_local_addresses_are_refused() {
    let server = serve(|_| reply("200 OK", &[], "hi")).await;
    let port = server.port();
    // Allowing 127.0.0.1 allows that address only, not every way to reach the host.
    let allow_one = client("127.0.0.1");
    for (url, host, ip) in [
        (format!("http://0.0.0.0:{port}/"), "0.0.0.0", "0.0.0.0"),
        (format!("http://127.0.0.2:{port}/"), "127.0.0.2", "127.0.0.2"),
        (format!("http://[::1]:{port}/"), "::1", "::1"),
        (format!("http://[::ffff:127.0.0.2]:{port}/"), "::ffff:7f00:2", "127.0.0.2"),
        ("http://169.254.169.254/latest/meta-data/".to_owned(), "169.254.169.254", "169.254.169.254"),
        ("http://[fd00:ec2::254]/latest/meta-data/".to_owned(), "fd00:ec2::254", "fd00:ec2::254"),
        ("https://10.1.2.3/".to_owned(), "10.1.2.3", "10.1.2.3"),
    ] {
        let err = send(&allow_one, get(&url)).await.expect_err(&url);
        assert_eq!(err, forbidden(host, ip), "{url}");
    }

    // Numeric spellings of 127.0.0.1 are normalised by the URL parser before the check.
    let nobody = client("");
    for url in [format!("http://2130706433:{port}/"), format!("http://0x7f.1:{port}/"), format!("http://127.1:{port}/")]
    {
        let err = send(&nobody, get(&url)).await.expect_err(&url);
        assert_eq!(err, forbidden("127.0.0.1", "127.0.0.1"), "{url}");
    }
    let response = send(&allow_one, get(format!("http://2130706433:{port}/"))).await.expect("same address");
    assert_eq!(response.status, 200);
    assert_eq!(server.requests().len(), 1, "only the allowed spelling got through");
}
