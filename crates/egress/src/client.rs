//! The SSRF-safe HTTP client: [`HttpClient::send`] turns a workflow [`Request`] into a [`Response`].

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use crate::guard::{PolicyResolver, check_url, redirect_policy};
use crate::policy::AddressPolicy;
use crate::response::Response;
use crate::{Error, Result};

/// How an [`HttpClient`] behaves; see [`ClientSettings::default`].
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub policy: AddressPolicy,
    /// Larger bodies fail with [`Error::BodyTooLarge`].
    pub max_body_bytes: usize,
    /// More hops fail with [`Error::TooManyRedirects`].
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for ClientSettings {
    /// No allow-list, 10 MiB bodies, 5 redirects.
    fn default() -> Self {
        ClientSettings {
            policy: AddressPolicy::default(),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: "Quarry".to_owned(),
        }
    }
}

/// A request from a workflow `api` node or a webhook delivery.
#[derive(Clone, PartialEq)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Sent as JSON with `content-type: application/json`, unless the headers
    /// already set a content type.
    pub body: Option<serde_json::Value>,
    /// The whole exchange: connecting, redirects and reading the body.
    pub timeout: Duration,
}

/// Header values are left out: they often carry tokens.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &header_names)
            .field("body", &self.body.is_some())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The outbound HTTP client. Cheap to clone; clones share the connection pool.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
    max_body_bytes: usize,
}

impl HttpClient {
    pub fn new(settings: ClientSettings) -> Result<HttpClient> {
        let policy = Arc::new(settings.policy);
        let client = reqwest::Client::builder()
            .dns_resolver(PolicyResolver { policy: Arc::clone(&policy) })
            .redirect(redirect_policy(Arc::clone(&policy), settings.max_redirects))
            // A proxy would resolve and connect on our behalf, out of the
            // policy's reach, so the `HTTP_PROXY` family of variables is ignored.
            .no_proxy()
            // The previous URL may carry tokens in its query string; the next
            // hop, possibly another host, has no business seeing it.
            .referer(false)
            .user_agent(settings.user_agent)
            .build()
            .map_err(|e| Error::Other(error_chain(&e)))?;
        Ok(HttpClient { client, policy, max_body_bytes: settings.max_body_bytes })
    }

    /// Sends `req` and reads the whole response. Non-2xx statuses are
    /// responses, not errors; see [`status_is_retryable`].
    pub async fn send(&self, req: Request) -> Result<Response> {
        let url = Url::parse(&req.url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
        check_url(&self.policy, &url)?;
        let method = Method::from_bytes(req.method.as_bytes())
            .map_err(|_| Error::Other(format!("invalid HTTP method `{}`", req.method)))?;
        let host = url.host_str().unwrap_or_default().to_owned();

        let mut builder = self.client.request(method.clone(), url);
        let mut has_content_type = false;
        for (name, value) in &req.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Other(format!("invalid header name `{name}`")))?;
            // The value is not quoted in the error: it may be a secret.
            let mut value =
                HeaderValue::from_str(value).map_err(|_| Error::Other(format!("invalid value for header `{name}`")))?;
            // Keeps the value out of `Debug` output and HTTP/2 header compression tables.
            value.set_sensitive(true);
            has_content_type |= name == CONTENT_TYPE;
            builder = builder.header(name, value);
        }
        if let Some(body) = &req.body {
            let bytes = serde_json::to_vec(body).map_err(|e| Error::Other(e.to_string()))?;
            if !has_content_type {
                builder = builder.header(CONTENT_TYPE, "application/json");
            }
            builder = builder.body(bytes);
        }

        let limit = self.max_body_bytes;
        let exchange = async {
            let response = builder.send().await.map_err(from_reqwest)?;
            tracing::debug!(%method, %host, status = response.status().as_u16(), "outbound request");
            Response::read(response, limit).await
        };
        // One deadline for the whole exchange, body included, so a server
        // that trickles bytes cannot hold a workflow step forever.
        tokio::time::timeout(req.timeout, exchange).await.unwrap_or(Err(Error::Timeout))
    }
}

/// Whether a response status is worth retrying: server errors and 429.
pub fn status_is_retryable(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Maps a reqwest error to ours. A refusal by the resolver or the redirect
/// policy is found in the cause chain and returned as is.
pub(crate) fn from_reqwest(err: reqwest::Error) -> Error {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(&err);
    while let Some(e) = cause {
        if let Some(ours) = e.downcast_ref::<Error>() {
            return ours.clone();
        }
        cause = e.source();
    }
    if err.is_timeout() {
        return Error::Timeout;
    }
    // The URL can carry credentials in its query string; the caller knows it anyway.
    let err = err.without_url();
    if err.is_connect() { Error::Connect(error_chain(&err)) } else { Error::Other(error_chain(&err)) }
}

/// "error sending request: client error (Connect): tcp connect error: Connection refused"
/// rather than just the outermost "error sending request".
fn error_chain(err: &dyn StdError) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        message.push_str(": ");
        message.push_str(&e.to_string());
        cause = e.source();
    }
    message
}
