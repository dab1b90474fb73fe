//! `/api/v1/roles` and `/api/v1/permissions`: roles and the permissions they can grant.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::double_option;
use crate::AppState;
use crate::envelope::{Envelope, Ok, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, Require};
use crate::permissions::{RolesRead, RolesWrite};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, update_role, delete_role))
        .routes(routes!(list_permissions))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    id: String,
    name: String,
    description: Option<String>,
    /// Permission strings: `*`, `resource:*`, `resource:action` or `resource:action:scope`.
    permissions: Vec<String>,
    /// Built-in roles cannot be deleted, renamed or re-permissioned.
    builtin: bool,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<store::Role> for RoleView {
    fn from(r: store::Role) -> RoleView {
        RoleView {
            id: r.id,
            name: r.name,
            description: r.description,
            permissions: r.permissions,
            builtin: r.builtin,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Every role.
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles", security(("bearer" = ["roles:read"])),
    responses((status = 200, body = Envelope<Vec<RoleView>>)))]
async fn list_roles(State(state): State<AppState>, _: Require<RolesRead>) -> ApiResult<Ok<Vec<RoleView>>> {
    Result::Ok(ok(state.store.list_roles().await?.into_iter().map(RoleView::from).collect()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    description: Option<Option<String>>,
    permissions: Option<Vec<String>>,
}

impl From<RoleBody> for auth::RoleInput {
    fn from(b: RoleBody) -> auth::RoleInput {
        auth::RoleInput { name: b.name, description: b.description, permissions: b.permissions }
    }
}

/// Creates a role from a name and a list of permissions.
#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", request_body = RoleBody, security(("bearer" = ["roles:write"])),
    responses((status = 201, body = Envelope<RoleView>), (status = 400), (status = 409)))]
async fn create_role(
    State(state): State<AppState>,
    _: Require<RolesWrite>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Ok<RoleView>> {
    Result::Ok(created(state.auth.create_role(body.into()).await?.into()))
}

/// One role.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)),
    security(("bearer" = ["roles:read"])), responses((status = 200, body = Envelope<RoleView>), (status = 404)))]
async fn get_role(
    State(state): State<AppState>,
    _: Require<RolesRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<RoleView>> {
    let role = state.store.role(&id).await?.ok_or_else(|| ApiError::not_found("role"))?;
    Result::Ok(ok(role.into()))
}

/// Updates a role; the change applies to its holders' next request.
#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)), request_body = RoleBody,
    security(("bearer" = ["roles:write"])), responses((status = 200, body = Envelope<RoleView>), (status = 404)))]
async fn update_role(
    State(state): State<AppState>,
    _: Require<RolesWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Ok<RoleView>> {
    Result::Ok(ok(state.auth.update_role(&id, body.into()).await?.into()))
}

/// Deletes a role that no user holds.
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)),
    security(("bearer" = ["roles:write"])),
    responses((status = 200, body = Envelope<Option<String>>), (status = 404), (status = 409, description = "still assigned")))]
async fn delete_role(
    State(state): State<AppState>,
    _: Require<RolesWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Option<()>>> {
    state.auth.delete_role(&id).await?;
    Result::Ok(ok(None).with_message("deleted"))
}

#[derive(Serialize, ToSchema)]
pub struct PermissionInfo {
    name: &'static str,
    description: &'static str,
}

/// The permissions roles can grant (besides `*` and `resource:*`).
#[utoipa::path(get, path = "/api/v1/permissions", tag = "roles", security(("bearer" = ["roles:read"])),
    responses((status = 200, body = Envelope<Vec<PermissionInfo>>)))]
async fn list_permissions(_: Require<RolesRead>) -> Ok<Vec<PermissionInfo>> {
    ok(auth::KNOWN_PERMISSIONS.iter().map(|(name, description)| PermissionInfo { name, description }).collect())
}
