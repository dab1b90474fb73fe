//! Where the address policy meets reqwest: a DNS resolver that drops refused addresses and a redirect policy that re-checks every hop.
//!
//! Checking the addresses the resolver returns — the very addresses the
//! connector then dials — closes the DNS-rebinding gap that a separate
//! "resolve, check, then connect" step would leave open. IP literals never
//! reach a resolver, so [`check_url`] covers them before sending and on every
//! redirect.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;

use crate::policy::AddressPolicy;
use crate::{Error, Result};

/// Accepts `http` and `https` URLs with a host, and applies the policy to
/// hosts that are IP literals. Host names are left to [`PolicyResolver`].
pub(crate) fn check_url(policy: &AddressPolicy, url: &Url) -> Result<()> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidUrl(format!(
            "unsupported scheme `{}`; only http and https are allowed",
            url.scheme()
        )));
    }
    let host = url.host_str().ok_or_else(|| Error::InvalidUrl("the URL has no host".to_owned()))?;
    // The URL parser has already normalised every IPv4 spelling (`2130706433`,
    // `0x7f.1`) to dotted decimal and wraps IPv6 in brackets.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => policy.check_ip(bare, ip),
        Err(_) => Ok(()),
    }
}

/// Resolves with the system resolver and keeps only the addresses the policy
/// accepts for the name being resolved.
pub(crate) struct PolicyResolver {
    pub(crate) policy: Arc<AddressPolicy>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let mut allowed: Vec<SocketAddr> = Vec::new();
            let mut refusal = None;
            for addr in resolved {
                match policy.check_ip(&host, addr.ip()) {
                    Ok(()) => allowed.push(addr),
                    Err(err) => refusal = Some(err),
                }
            }
            // The refusal travels as the connect error's cause, where
            // `HttpClient::send` finds it and reports `Error::Forbidden`.
            match refusal {
                Some(err) if allowed.is_empty() => Err(err.into()),
                _ => Ok(Box::new(allowed.into_iter()) as Addrs),
            }
        })
    }
}

/// Follows at most `max_redirects` hops, each to an http(s) URL whose
/// IP-literal host the policy accepts.
pub(crate) fn redirect_policy(policy: Arc<AddressPolicy>, max_redirects: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        // `previous` holds the original URL and every hop followed so far,
        // including the response that asks for this redirect.
        if attempt.previous().len() > max_redirects {
            return attempt.error(Error::TooManyRedirects);
        }
        match check_url(&policy, attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(err) => attempt.error(err),
        }
    })
}
