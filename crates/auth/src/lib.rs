//! Authentication and authorisation: passwords, tokens, sessions, principals and permissions.
//!
//! This crate knows nothing of HTTP: the REST and GraphQL front doors turn a
//! bearer token into a [`Principal`] through [`AuthService::authenticate`] and
//! ask it [`Principal::allows`] for the permission their endpoint declares.

mod admin;
mod password;
mod permission;
mod service;
mod throttle;
mod token;

pub use admin::{RoleInput, UserInput, UserUpdate};
pub use password::PasswordHasher;
pub use permission::{KNOWN_PERMISSIONS, Permission, PermissionSet};
pub use service::{Access, AuthConfig, AuthService, LoginOutcome, LoginRequest, Principal};
pub use throttle::{LoginThrottle, ThrottlePolicy};
pub use token::{AccessClaims, TokenKeys};

use errors::FieldError;

/// What can go wrong in authentication and account management.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("too many failed logins; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("the token has expired")]
    TokenExpired,
    #[error("the token is invalid")]
    TokenInvalid,
    #[error("the session was logged out or revoked")]
    TokenRevoked,
    #[error("the refresh token was already used; the session has been revoked")]
    RefreshReused,
    #[error("the account is disabled")]
    AccountDisabled,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Store(#[from] store::Error),
    /// A store failure seen by several requests waiting on the same lookup.
    #[error(transparent)]
    SharedStore(std::sync::Arc<store::Error>),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Fills `buf` from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf
}
