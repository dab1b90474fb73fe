//! Quarry's outbound HTTP: the client behind workflow `api` nodes and execution-callback webhooks, guarded against SSRF, plus HMAC webhook signatures.
//!
//! Every request goes through [`HttpClient`], which only connects to addresses
//! the [`AddressPolicy`] accepts: loopback, private, link-local, metadata and
//! other non-public ranges are refused unless `QUARRY_HTTP_ALLOWLIST` names the
//! host or the address. The check runs where the address becomes known — in the
//! DNS resolver for host names, before sending and on every redirect hop for IP
//! literals — so a name that resolves to an internal address, or a redirect to
//! one, is refused just like a direct request.
//!
//! [`signature`] signs and verifies webhook bodies (`x-quarry-signature`).

mod client;
mod guard;
pub mod policy;
mod response;
pub mod signature;

pub use client::{ClientSettings, HttpClient, Request, status_is_retryable};
pub use policy::{AddressPolicy, is_forbidden_ip};
pub use response::Response;

/// Errors of outbound requests and of the allow-list.
///
/// `Clone` because the resolver and the redirect policy hand these errors to
/// reqwest as boxed causes, and [`HttpClient::send`] takes them back out of the
/// cause chain so callers see the precise kind rather than "error sending request".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    #[error(
        "requests to {host} ({ip}) are not allowed: the address is not public; \
         add the host or address to QUARRY_HTTP_ALLOWLIST to permit it"
    )]
    Forbidden { host: String, ip: String },
    #[error("the request timed out")]
    Timeout,
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("the response body is larger than the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("malformed QUARRY_HTTP_ALLOWLIST entry `{0}` (expected a host name, an IP address or a CIDR block)")]
    InvalidAllowlist(String),
    #[error("HTTP request failed: {0}")]
    Other(String),
}

impl Error {
    /// Whether sending the same request again may succeed: timeouts and
    /// connection failures are transient, the other kinds are decided by the
    /// request or the policy and would fail the same way.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Timeout | Error::Connect(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
