//! `/api/v1/users`: user administration.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageParams, double_option};
use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Require};
use crate::permissions::{UsersRead, UsersWrite};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
}

/// A user as administrators see it. Password hashes are never returned.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    id: String,
    username: String,
    email: Option<String>,
    avatar: Option<String>,
    roles: Vec<String>,
    disabled: bool,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

async fn view(state: &AppState, user: store::User) -> ApiResult<UserView> {
    let roles = state.store.user_roles(&user.id).await?.into_iter().map(|r| r.name).collect();
    Result::Ok(view_with(user, roles))
}

fn view_with(user: store::User, roles: Vec<String>) -> UserView {
    UserView {
        id: user.id,
        username: user.username,
        email: user.email,
        avatar: user.avatar,
        roles,
        disabled: user.disabled,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}

/// Lists users, optionally filtered by a keyword in the username or email.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageParams),
    security(("bearer" = ["users:read"])), responses((status = 200, body = Envelope<Page<UserView>>)))]
async fn list_users(
    State(state): State<AppState>,
    _: Require<UsersRead>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Ok<Page<UserView>>> {
    let (page, size, offset) = params.resolve()?;
    let keyword = params.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let mut list = state.store.list_users(keyword, offset, size).await?;
    let items = list
        .items
        .into_iter()
        .map(|user| {
            let roles = list.roles.remove(&user.id).unwrap_or_default();
            view_with(user, roles)
        })
        .collect();
    Result::Ok(ok(Page::new(items, list.total, page, size)))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUser {
    /// 3–64 letters, digits, `_ . @ -`; unique, ignoring case.
    username: String,
    /// At least 8 characters.
    password: String,
    email: Option<String>,
    avatar: Option<String>,
    /// Role names.
    #[serde(default)]
    roles: Vec<String>,
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    security(("bearer" = ["users:write"])),
    responses((status = 201, body = Envelope<UserView>), (status = 400, description = "invalid fields, all listed"),
              (status = 409, description = "the username is taken")))]
async fn create_user(
    State(state): State<AppState>,
    _: Require<UsersWrite>,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<Ok<UserView>> {
    let user = state
        .auth
        .create_user(auth::UserInput {
            username: body.username,
            password: body.password,
            email: body.email,
            avatar: body.avatar,
            roles: body.roles,
        })
        .await?;
    Result::Ok(created(view(&state, user).await?))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    security(("bearer" = ["users:read"])), responses((status = 200, body = Envelope<UserView>), (status = 404)))]
async fn get_user(
    State(state): State<AppState>,
    _: Require<UsersRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<UserView>> {
    let user = state.store.user(&id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    Result::Ok(ok(view(&state, user).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUser {
    /// `null` clears the email.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    avatar: Option<Option<String>>,
    /// A new password; every session of the user is ended.
    password: Option<String>,
    /// Replaces the user's roles.
    roles: Option<Vec<String>>,
    /// Disabling ends every session of the user.
    disabled: Option<bool>,
}

/// Updates a user; absent fields stay as they are.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UpdateUser,
    security(("bearer" = ["users:write"])), responses((status = 200, body = Envelope<UserView>), (status = 404)))]
async fn update_user(
    State(state): State<AppState>,
    Require(actor, ..): Require<UsersWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<Ok<UserView>> {
    let update = auth::UserUpdate {
        email: body.email,
        avatar: body.avatar,
        password: body.password,
        roles: body.roles,
        disabled: body.disabled,
    };
    let user = state.auth.update_user(&id, update, &actor.user_id).await?;
    Result::Ok(ok(view(&state, user).await?))
}

async fn set_disabled(state: &AppState, id: &str, actor: &auth::Principal, disabled: bool) -> ApiResult<UserView> {
    let update = auth::UserUpdate { disabled: Some(disabled), ..Default::default() };
    let user = state.auth.update_user(id, update, &actor.user_id).await?;
    view(state, user).await
}

/// Disables a user and ends every session they have.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(("id" = String, Path)),
    security(("bearer" = ["users:write"])), responses((status = 200, body = Envelope<UserView>), (status = 404)))]
async fn disable_user(
    State(state): State<AppState>,
    Require(actor, ..): Require<UsersWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<UserView>> {
    Result::Ok(ok(set_disabled(&state, &id, &actor, true).await?))
}

/// Enables a disabled user again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", params(("id" = String, Path)),
    security(("bearer" = ["users:write"])), responses((status = 200, body = Envelope<UserView>), (status = 404)))]
async fn enable_user(
    State(state): State<AppState>,
    Require(actor, ..): Require<UsersWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<UserView>> {
    Result::Ok(ok(set_disabled(&state, &id, &actor, false).await?))
}
