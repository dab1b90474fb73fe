//! `/api/v1/auth`: login, token refresh, logout and the current user (seed 000, section 2.1).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::IntoResponseParts;
use errors::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::envelope::{Envelope, Ok, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Authenticated};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(refresh)).routes(routes!(logout)).routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
    /// Accepted for compatibility with the seed's clients; throttling answers 429 instead of asking for one.
    #[allow(dead_code)]
    captcha: Option<String>,
    /// A longer session (30 days instead of 1 day).
    remember_me: Option<bool>,
}

/// The signed-in user as the seed's login answer shows it.
#[derive(Serialize, ToSchema)]
pub struct CurrentUser {
    id: String,
    username: String,
    email: Option<String>,
    avatar: Option<String>,
    roles: Vec<String>,
    permissions: Vec<String>,
}

impl From<&auth::Principal> for CurrentUser {
    fn from(p: &auth::Principal) -> CurrentUser {
        CurrentUser {
            id: p.user_id.clone(),
            username: p.username.clone(),
            email: p.email.clone(),
            avatar: p.avatar.clone(),
            roles: p.roles.clone(),
            permissions: p.permissions.to_strings(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    /// The access token (JWT), sent as `Authorization: Bearer <token>`.
    token: String,
    /// An opaque refresh token, valid once.
    refresh_token: String,
    user: CurrentUser,
    /// When `token` expires, ISO-8601.
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<auth::LoginOutcome> for Tokens {
    fn from(o: auth::LoginOutcome) -> Tokens {
        Tokens {
            token: o.token,
            refresh_token: o.refresh_token,
            user: CurrentUser::from(&o.principal),
            expires_at: o.expires_at,
        }
    }
}

/// The cookie browser clients of the GraphQL gateway sign in with (HttpOnly, so scripts cannot
/// read it; SameSite=Strict, so other sites cannot send it). Must match `gateway::SESSION_COOKIE`.
const SESSION_COOKIE: &str = "quarry_token";

fn session_cookie(token: &str, expires_at: chrono::DateTime<chrono::Utc>) -> [(axum::http::HeaderName, String); 1] {
    let max_age = (expires_at - chrono::Utc::now()).num_seconds().max(0);
    [(
        axum::http::header::SET_COOKIE,
        format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}"),
    )]
}

/// Signs in with a username and password. Repeated failures are throttled (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = Envelope<Tokens>), (status = 401, description = "wrong username or password"),
              (status = 429, description = "too many failed attempts")))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<(impl IntoResponseParts, Ok<Tokens>)> {
    let outcome = state
        .auth
        .login(auth::LoginRequest {
            username: body.username,
            password: body.password,
            remember_me: body.remember_me.unwrap_or(false),
            client: peer.ip().to_string(),
        })
        .await?;
    let cookie = session_cookie(&outcome.token, outcome.expires_at);
    Result::Ok((cookie, ok(Tokens::from(outcome)).with_message("login succeeded")))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshBody {
    /// The refresh token; may instead be sent as `Authorization: Bearer <refreshToken>`.
    refresh_token: Option<String>,
}

/// Exchanges a refresh token for a new access token and a new refresh token.
/// A refresh token used twice revokes its whole session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses((status = 200, body = Envelope<Tokens>), (status = 401, description = "unknown, expired or reused refresh token")))]
async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(impl IntoResponseParts, Ok<Tokens>)> {
    // The body is optional here (the token may come in the header), so it is parsed by hand.
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<RefreshBody>(&body)
            .map_err(|e| ApiError::new(ErrorCode::MALFORMED_JSON, format!("the JSON body does not fit: {e}")))?
            .refresh_token
    };
    let from_header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned());
    let Some(token) = from_body.or(from_header).filter(|t| !t.is_empty()) else {
        return Err(ApiError::new(ErrorCode::UNAUTHENTICATED, "send the refresh token as refreshToken in the body"));
    };
    let outcome = state.auth.refresh(&token).await?;
    let cookie = session_cookie(&outcome.token, outcome.expires_at);
    Result::Ok((cookie, ok(Tokens::from(outcome)).with_message("token refreshed")))
}

/// Ends the current session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Option<String>>)))]
async fn logout(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> ApiResult<(impl IntoResponseParts, Ok<Option<()>>)> {
    state.auth.logout(&principal).await?;
    let clear =
        [(axum::http::header::SET_COOKIE, format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"))];
    Result::Ok((clear, ok(None).with_message("logged out")))
}

/// The signed-in user with roles and effective permissions.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<CurrentUser>)))]
async fn me(Authenticated(principal): Authenticated) -> Ok<CurrentUser> {
    ok(CurrentUser::from(&principal))
}
