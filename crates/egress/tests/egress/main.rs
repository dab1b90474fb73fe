//! The outbound client against real HTTP servers on loopback: the address policy (direct, by name and across redirects), response capture, limits and error kinds, and signed webhook deliveries.
//!
//! Modules: `server` (the canned-response test server), `policy` (what may be
//! reached), `redirects`, `responses` (bodies, headers, limits) and `failures`
//! (timeouts, refused connections, bad URLs).

mod failures;
mod policy;
mod redirects;
mod responses;
mod server;

use std::time::Duration;

use egress::{AddressPolicy, ClientSettings, Error, HttpClient, Request, Response};

/// A client whose allow-list is `allowlist`.
fn client(allowlist: &str) -> HttpClient {
    client_with(allowlist, |_| {})
}

fn client_with(allowlist: &str, adjust: impl FnOnce(&mut ClientSettings)) -> HttpClient {
    let mut settings = ClientSettings {
        policy: AddressPolicy::from_allowlist(allowlist).expect("test allow-list"),
        ..ClientSettings::default()
    };
    adjust(&mut settings);
    HttpClient::new(settings).expect("client")
}

fn get(url: impl Into<String>) -> Request {
    Request {
        method: "GET".to_owned(),
        url: url.into(),
        headers: Vec::new(),
        body: None,
        timeout: Duration::from_secs(10),
    }
}

async fn send(client: &HttpClient, req: Request) -> Result<Response, Error> {
    client.send(req).await
}
