//! Logins, token refresh, logout, and turning a bearer token into a [`Principal`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use store::{NewSession, RefreshOutcome, Store};

use crate::token::{new_refresh_token, refresh_token_hash};
use crate::{AccessClaims, Error, LoginThrottle, PasswordHasher, PermissionSet, Result, ThrottlePolicy, TokenKeys};

/// Lifetimes of tokens and sessions.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// How long an access token is valid.
    pub access_ttl: Duration,
    /// How long a session (and so its refresh tokens) lives.
    pub session_ttl: Duration,
    /// The session lifetime when the user asked to be remembered.
    pub remember_ttl: Duration,
    /// How long a resolved principal is reused before the store is asked again.
    /// Revocations made through this instance take effect at once; ones made by
    /// another instance within this delay.
    pub principal_cache_ttl: Duration,
    pub throttle: ThrottlePolicy,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            access_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(24 * 3600),
            remember_ttl: Duration::from_secs(30 * 24 * 3600),
            principal_cache_ttl: Duration::from_secs(5),
            throttle: ThrottlePolicy::default(),
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub email: Option<String>,
    pub avatar: Option<String>,
    pub session_id: String,
    pub roles: Vec<String>,
    pub permissions: PermissionSet,
}

impl Principal {
    /// Whether the caller holds `permission` (`resource:action`) on every object.
    pub fn allows(&self, permission: &str) -> bool {
        self.permissions.allows(permission)
    }

    /// Whether the caller holds `permission` on the object `scope`.
    pub fn allows_on(&self, permission: &str, scope: &str) -> bool {
        self.permissions.allows_on(permission, Some(scope))
    }

    /// The one check for using an object that may be restricted to roles (a datasource):
    /// a grant covering `permission` on `code`, and, when `allowed_roles` is not empty,
    /// one of those roles (holders of `*` always pass). REST and GraphQL both ask this.
    pub fn may_use(&self, permission: &str, code: &str, allowed_roles: &[String]) -> bool {
        let roles_ok = allowed_roles.is_empty()
            || self.permissions.is_superuser()
            || self.roles.iter().any(|r| allowed_roles.iter().any(|a| a.eq_ignore_ascii_case(r)));
        roles_ok && self.allows_on(permission, code)
    }

    /// The one access check for a datasource, shared by REST and the GraphQL gateway: one the
    /// caller may not read is [`Access::Hidden`] (answered as if it did not exist); one they may
    /// read but not use for `permission` is [`Access::Forbidden`].
    pub fn datasource_access(&self, permission: &str, code: &str, allowed_roles: &[String]) -> Access {
        if !self.may_use("datasource:read", code, allowed_roles) {
            Access::Hidden
        } else if !self.may_use(permission, code, allowed_roles) {
            Access::Forbidden
        } else {
            Access::Granted
        }
    }
}

/// The outcome of [`Principal::datasource_access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted,
    Hidden,
    Forbidden,
}

#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub remember_me: bool,
    /// The client address, for throttling and the session record.
    pub client: String,
}

/// Tokens handed out by a login or a refresh.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    pub principal: Principal,
}

/// What a session resolves to; cached briefly so a request costs no store query.
#[derive(Debug, Clone)]
enum Resolved {
    Active(Principal, DateTime<Utc>),
    Revoked,
    Disabled,
}

#[derive(Clone)]
pub struct AuthService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    keys: TokenKeys,
    hasher: PasswordHasher,
    throttle: LoginThrottle,
    config: AuthConfig,
    sessions: moka::future::Cache<String, Arc<Resolved>>,
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl AuthService {
    pub fn new(store: Store, keys: TokenKeys, config: AuthConfig) -> AuthService {
        let sessions =
            moka::future::Cache::builder().max_capacity(50_000).time_to_live(config.principal_cache_ttl).build();
        AuthService {
            inner: Arc::new(Inner {
                store,
                keys,
                hasher: PasswordHasher::default(),
                throttle: LoginThrottle::new(config.throttle.clone()),
                config,
                sessions,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// Checks a username and password and opens a session.
    pub async fn login(&self, req: LoginRequest) -> Result<LoginOutcome> {
        let inner = &self.inner;
        if let Some(retry_after_secs) = inner.throttle.check(&req.username, &req.client) {
            return Err(Error::Throttled { retry_after_secs });
        }
        let user = inner.store.user_by_username(&req.username).await?;
        let ok = inner.hasher.verify(&req.password, user.as_ref().map(|u| u.password_hash.as_str())).await;
        let user = match user {
            Some(user) if ok => user,
            _ => {
                inner.throttle.failed(&req.username, &req.client);
                tracing::info!(client = %req.client, "login failed");
                return Err(Error::InvalidCredentials);
            }
        };
        if user.disabled {
            return Err(Error::AccountDisabled);
        }
        inner.throttle.succeeded(&req.username, &req.client);

        let ttl = if req.remember_me { inner.config.remember_ttl } else { inner.config.session_ttl };
        let now = Utc::now();
        let session_expires = now + chrono_dur(ttl);
        let refresh_token = new_refresh_token();
        let session_id = store::new_id("ses");
        inner
            .store
            .create_session(NewSession {
                id: session_id.clone(),
                user_id: user.id.clone(),
                remember_me: req.remember_me,
                client: Some(req.client.clone()),
                expires_at: session_expires,
                refresh_hash: refresh_token_hash(&refresh_token),
                refresh_expires_at: session_expires,
            })
            .await?;
        tracing::info!(user = %user.username, session = %session_id, "login succeeded");
        self.issue(&user.id, &session_id, session_expires, refresh_token).await
    }

    async fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        session_expires: DateTime<Utc>,
        refresh_token: String,
    ) -> Result<LoginOutcome> {
        let expires_at = (Utc::now() + chrono_dur(self.inner.config.access_ttl)).min(session_expires);
        let token = self.inner.keys.issue(user_id, session_id, expires_at)?;
        let principal = match &*self.resolve(session_id).await? {
            Resolved::Active(p, _) => p.clone(),
            Resolved::Revoked => return Err(Error::TokenRevoked),
            Resolved::Disabled => return Err(Error::AccountDisabled),
        };
        Ok(LoginOutcome { token, refresh_token, expires_at, principal })
    }

    /// Spends a refresh token and hands out a new access token and refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<LoginOutcome> {
        let inner = &self.inner;
        let next = new_refresh_token();
        let next_expires = Utc::now() + chrono_dur(inner.config.remember_ttl);
        match inner
            .store
            .rotate_refresh_token(&refresh_token_hash(refresh_token), &refresh_token_hash(&next), next_expires)
            .await?
        {
            RefreshOutcome::Rotated { session_id, user_id, .. } => {
                let Some(session) = inner.store.session_principal(&session_id).await? else {
                    return Err(Error::TokenRevoked);
                };
                self.issue(&user_id, &session_id, session.expires_at, next).await
            }
            RefreshOutcome::Reused { session_id } => {
                tracing::warn!(session = %session_id, "refresh token reused; session revoked");
                inner.sessions.invalidate(&session_id).await;
                Err(Error::RefreshReused)
            }
            RefreshOutcome::Expired => Err(Error::TokenExpired),
            RefreshOutcome::Revoked => Err(Error::TokenRevoked),
            RefreshOutcome::Unknown => Err(Error::TokenInvalid),
        }
    }

    /// Ends the caller's session: its access and refresh tokens are refused from now on.
    pub async fn logout(&self, principal: &Principal) -> Result<()> {
        self.inner.store.revoke_session(&principal.session_id, "logout").await?;
        self.inner.sessions.invalidate(&principal.session_id).await;
        Ok(())
    }

    /// Verifies a bearer token and returns who is calling.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        self.authenticate_claims(&self.verify_token(token)?).await
    }

    /// Checks a token's signature, issuer, kind and expiry, without asking the store.
    /// Enough to key a rate limit; authorising needs [`AuthService::authenticate_claims`] too.
    pub fn verify_token(&self, token: &str) -> Result<AccessClaims> {
        self.inner.keys.verify(token)
    }

    /// Who is calling, for claims already verified by [`AuthService::verify_token`]: the
    /// session must still be live and the account enabled.
    pub async fn authenticate_claims(&self, claims: &AccessClaims) -> Result<Principal> {
        self.session_principal(&claims.sub, &claims.sid).await
    }

    /// Who is behind `user_id`'s session `session_id`, if the session is still live and the
    /// account enabled (for credentials other than access tokens, such as realtime tickets).
    pub async fn session_principal(&self, user_id: &str, session_id: &str) -> Result<Principal> {
        match &*self.resolve(session_id).await? {
            Resolved::Active(p, expires) if p.user_id == user_id => {
                if *expires <= Utc::now() {
                    Err(Error::TokenExpired)
                } else {
                    Ok(p.clone())
                }
            }
            Resolved::Active(..) => Err(Error::TokenInvalid),
            Resolved::Revoked => Err(Error::TokenRevoked),
            Resolved::Disabled => Err(Error::AccountDisabled),
        }
    }

    async fn resolve(&self, session_id: &str) -> Result<Arc<Resolved>> {
        let store = self.inner.store.clone();
        let sid = session_id.to_owned();
        self.inner
            .sessions
            .try_get_with(session_id.to_owned(), async move {
                let Some(s) = store.session_principal(&sid).await? else {
                    return Ok::<_, store::Error>(Arc::new(Resolved::Revoked));
                };
                if s.revoked_at.is_some() {
                    return Ok(Arc::new(Resolved::Revoked));
                }
                if s.user_disabled {
                    return Ok(Arc::new(Resolved::Disabled));
                }
                let roles = store.user_roles(&s.user_id).await?;
                let permissions =
                    PermissionSet::from_strings(roles.iter().flat_map(|r| r.permissions.iter().map(String::as_str)));
                Ok(Arc::new(Resolved::Active(
                    Principal {
                        user_id: s.user_id,
                        username: s.username,
                        email: s.email,
                        avatar: s.avatar,
                        session_id: s.session_id,
                        roles: roles.into_iter().map(|r| r.name).collect(),
                        permissions,
                    },
                    s.expires_at,
                )))
            })
            .await
            .map_err(|e: Arc<store::Error>| match Arc::try_unwrap(e) {
                Ok(e) => Error::Store(e),
                Err(shared) => Error::SharedStore(shared),
            })
    }

    /// Forgets cached principals after users or roles change, so the change applies to the next request.
    pub fn forget_sessions(&self) {
        self.inner.sessions.invalidate_all();
    }

    /// Revokes every session of a user (on disabling or a password change).
    pub async fn revoke_user(&self, user_id: &str, reason: &str) -> Result<()> {
        for sid in self.inner.store.revoke_user_sessions(user_id, reason).await? {
            self.inner.sessions.invalidate(&sid).await;
        }
        Ok(())
    }
}
