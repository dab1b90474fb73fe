//! `/api/v1/datasources`: register, test and browse users' databases (seed 000, section 2.3).

use axum::extract::State;
use chrono::{DateTime, Utc};
use registry::Datasource;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::PageParams;
use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Require};
use crate::permissions::{DatasourceRead, DatasourceTest, DatasourceWrite};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_datasources, create_datasource))
        .routes(routes!(test_unsaved))
        .routes(routes!(get_datasource, update_datasource, delete_datasource))
        .routes(routes!(test_saved))
        .routes(routes!(list_tables))
}

/// The one access check for a datasource: one the caller may not read answers 404 (as if it
/// did not exist); one they may read but not use for `permission` answers 403.
pub(crate) fn authorize(principal: &auth::Principal, ds: &Datasource, permission: &str) -> ApiResult<()> {
    match principal.datasource_access(permission, ds.code(), &ds.allowed_roles) {
        auth::Access::Granted => Result::Ok(()),
        auth::Access::Hidden => Err(ApiError::not_found("datasource")),
        auth::Access::Forbidden => Err(ApiError::new(
            errors::ErrorCode::FORBIDDEN,
            format!("permission {permission:?} required on this datasource"),
        )),
    }
}

/// Loads a datasource and checks `permission` on it.
async fn visible(state: &AppState, principal: &auth::Principal, id: &str, permission: &str) -> ApiResult<Datasource> {
    let ds = state.registry.get(id).await?;
    authorize(principal, &ds, permission)?;
    Result::Ok(ds)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionBody {
    host: Option<String>,
    port: Option<i64>,
    /// The database name; for SQLite, the file path.
    database: Option<String>,
    username: Option<String>,
    /// Stored encrypted and never returned. On update, leave it out to keep the stored one; `""` removes it.
    password: Option<String>,
    /// Require TLS.
    ssl: Option<bool>,
    /// Session time zone, such as `Asia/Shanghai`.
    timezone: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptionsBody {
    /// Connections in the pool, 1–100 (default 10; SQLite 4).
    pool_size: Option<i64>,
    /// Connect timeout in milliseconds, 100–600000 (default 30000).
    timeout: Option<i64>,
    /// Connection retries with exponential backoff, 0–10 (default 3).
    max_retries: Option<i64>,
}

/// A datasource as submitted. On update, absent fields keep their values.
#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatasourceBody {
    name: Option<String>,
    /// Technical code, `^[a-zA-Z][a-zA-Z0-9_]+[a-zA-Z0-9]$`; derived from the name when absent.
    /// It is the module name of the GraphQL gateway (`/pamirs/{code}`).
    code: Option<String>,
    /// `mysql` (also MariaDB), `postgres` or `sqlite`.
    #[serde(rename = "type")]
    kind: Option<String>,
    connection: Option<ConnectionBody>,
    options: Option<OptionsBody>,
    is_default: Option<bool>,
    /// Refuse writes through the gateway.
    read_only: Option<bool>,
    /// Only these roles may use the datasource (empty: every role with the permission).
    allowed_roles: Option<Vec<String>>,
    /// Tables that refuse writes through the gateway even when the datasource accepts them.
    read_only_tables: Option<Vec<String>>,
    /// Test the connection before saving (default true); with false, an unreachable datasource is saved anyway.
    verify: Option<bool>,
}

impl From<DatasourceBody> for registry::DatasourceInput {
    fn from(b: DatasourceBody) -> registry::DatasourceInput {
        registry::DatasourceInput {
            name: b.name,
            code: b.code,
            kind: b.kind,
            connection: b.connection.map(|c| registry::ConnectionInput {
                host: c.host,
                port: c.port,
                database: c.database,
                username: c.username,
                password: c.password,
                ssl: c.ssl,
                timezone: c.timezone,
            }),
            options: b.options.map(|o| registry::OptionsInput {
                pool_size: o.pool_size,
                timeout: o.timeout,
                max_retries: o.max_retries,
            }),
            is_default: b.is_default,
            read_only: b.read_only,
            allowed_roles: b.allowed_roles,
            read_only_tables: b.read_only_tables,
            verify: b.verify,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    host: String,
    port: i32,
    database: String,
    username: String,
    /// `******` when a password is stored, else null. The password itself is never returned.
    password: Option<&'static str>,
    ssl: bool,
    timezone: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionsView {
    pool_size: i32,
    timeout: i64,
    max_retries: i32,
}

#[derive(Serialize, ToSchema)]
pub struct TableSummary {
    name: String,
    rows: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceView {
    id: String,
    code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    /// `connected`, `error` (see `statusReason`) or `unknown` (not used since the server started).
    status: &'static str,
    status_stage: Option<String>,
    status_reason: Option<String>,
    connection: ConnectionView,
    options: OptionsView,
    is_default: bool,
    read_only: bool,
    allowed_roles: Vec<String>,
    read_only_tables: Vec<String>,
    /// Tables with estimated rows, on create and on get.
    #[serde(skip_serializing_if = "Option::is_none")]
    tables: Option<Vec<TableSummary>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

async fn view(state: &AppState, ds: Datasource, tables: Option<Vec<TableSummary>>) -> DatasourceView {
    let status = state.registry.status(ds.id()).await;
    let has_password = ds.has_password();
    let r = ds.row;
    DatasourceView {
        status: status.state,
        status_stage: status.stage.map(|s| s.as_str().to_owned()),
        status_reason: status.reason,
        connection: ConnectionView {
            host: r.host,
            port: r.port,
            database: r.database_name,
            username: r.username,
            password: has_password.then_some("******"),
            ssl: r.ssl,
            timezone: r.timezone,
        },
        options: OptionsView { pool_size: r.pool_size, timeout: r.timeout_ms, max_retries: r.max_retries },
        is_default: r.is_default,
        read_only: r.read_only,
        allowed_roles: ds.allowed_roles,
        read_only_tables: ds.read_only_tables,
        tables,
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// The datasource with its tables, introspecting (through the cache) unless it is known to be down.
async fn view_with_tables(state: &AppState, ds: Datasource) -> DatasourceView {
    if state.registry.status(ds.id()).await.state == "error" {
        return view(state, ds, None).await;
    }
    let tables = match state.registry.schema(&ds, false).await {
        Result::Ok(schema) => {
            Some(schema.tables.iter().map(|t| TableSummary { name: t.name.clone(), rows: t.rows }).collect())
        }
        Err(e) => {
            tracing::info!(datasource = %ds.code(), error = %e, "introspection failed");
            None
        }
    };
    view(state, ds, tables).await
}

/// The result of a connection test (seed 000, section 2.3.2, with where it failed).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProbeView {
    success: bool,
    /// Milliseconds to connect and ask the server who it is.
    latency: u64,
    version: Option<String>,
    charset: Option<String>,
    timezone: Option<String>,
    read_only: Option<bool>,
    /// Where it failed: config, dns, tcpConnect, tls, authentication, database, permission, timeout or server.
    stage: Option<String>,
    /// `connected`, or the server's own words.
    message: String,
}

impl From<datasource::ProbeReport> for ProbeView {
    fn from(r: datasource::ProbeReport) -> ProbeView {
        ProbeView {
            success: r.success,
            latency: r.latency,
            version: r.version,
            charset: r.charset,
            timezone: r.timezone,
            read_only: r.read_only,
            stage: r.stage.map(|s| s.as_str().to_owned()),
            message: r.message,
        }
    }
}

/// Lists the datasources the caller may read, with their last known status.
#[utoipa::path(get, path = "/api/v1/datasources", tag = "datasources", params(PageParams),
    security(("bearer" = ["datasource:read"])), responses((status = 200, body = Envelope<Page<DatasourceView>>)))]
async fn list_datasources(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceRead>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Ok<Page<DatasourceView>>> {
    let (page, size, offset) = params.resolve()?;
    let keyword = params.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let all: Vec<Datasource> = state
        .registry
        .find(keyword)
        .await?
        .into_iter()
        .filter(|ds| principal.may_use("datasource:read", ds.code(), &ds.allowed_roles))
        .collect();
    let total = all.len() as i64;
    let mut items = Vec::new();
    for ds in all.into_iter().skip(offset as usize).take(size as usize) {
        items.push(view(&state, ds, None).await);
    }
    Result::Ok(ok(Page::new(items, total, page, size)))
}

/// Registers a datasource. The connection is tested first (unless `verify` is false): a failing
/// configuration is not saved and the answer says where it failed.
#[utoipa::path(post, path = "/api/v1/datasources", tag = "datasources", request_body = DatasourceBody,
    security(("bearer" = ["datasource:write"])),
    responses((status = 201, body = Envelope<DatasourceView>), (status = 400, description = "invalid settings, all listed"),
              (status = 409, description = "name or code taken"), (status = 422, description = "cannot connect; nothing saved")))]
async fn create_datasource(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceWrite>,
    ApiJson(body): ApiJson<DatasourceBody>,
) -> ApiResult<Ok<DatasourceView>> {
    if !principal.allows("datasource:write") {
        return Err(ApiError::new(
            errors::ErrorCode::FORBIDDEN,
            "creating datasources needs an unscoped datasource:write",
        ));
    }
    let ds = state.registry.create(body.into(), Some(&principal.user_id)).await?;
    tracing::info!(datasource = %ds.code(), kind = ds.kind.as_str(), "datasource created");
    Result::Ok(created(view_with_tables(&state, ds).await))
}

/// Tests settings without saving them.
#[utoipa::path(post, path = "/api/v1/datasources/test", tag = "datasources", request_body = DatasourceBody,
    security(("bearer" = ["datasource:test"])), responses((status = 200, body = Envelope<ProbeView>)))]
async fn test_unsaved(
    State(state): State<AppState>,
    _: Require<DatasourceTest>,
    ApiJson(body): ApiJson<DatasourceBody>,
) -> ApiResult<Ok<ProbeView>> {
    Result::Ok(ok(state.registry.test_unsaved(&body.into()).await?.into()))
}

/// One datasource, with its tables.
#[utoipa::path(get, path = "/api/v1/datasources/{id}", tag = "datasources", params(("id" = String, Path)),
    security(("bearer" = ["datasource:read"])), responses((status = 200, body = Envelope<DatasourceView>), (status = 404)))]
async fn get_datasource(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<DatasourceView>> {
    let ds = visible(&state, &principal, &id, "datasource:read").await?;
    Result::Ok(ok(view_with_tables(&state, ds).await))
}

/// Changes a datasource; absent fields (and an absent password) keep their values. The pool is
/// rebuilt and the schema cache refreshed.
#[utoipa::path(put, path = "/api/v1/datasources/{id}", tag = "datasources", params(("id" = String, Path)),
    request_body = DatasourceBody, security(("bearer" = ["datasource:write"])),
    responses((status = 200, body = Envelope<DatasourceView>), (status = 404), (status = 422)))]
async fn update_datasource(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DatasourceBody>,
) -> ApiResult<Ok<DatasourceView>> {
    visible(&state, &principal, &id, "datasource:write").await?;
    let ds = state.registry.update(&id, body.into()).await?;
    Result::Ok(ok(view_with_tables(&state, ds).await))
}

/// Deletes a datasource and closes its pool.
#[utoipa::path(delete, path = "/api/v1/datasources/{id}", tag = "datasources", params(("id" = String, Path)),
    security(("bearer" = ["datasource:write"])), responses((status = 200, body = Envelope<Option<String>>), (status = 404)))]
async fn delete_datasource(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Option<()>>> {
    visible(&state, &principal, &id, "datasource:write").await?;
    state.registry.delete(&id).await?;
    Result::Ok(ok(None).with_message("deleted"))
}

/// Tests a saved datasource: where it fails, or version, charset, time zone and read-only.
#[utoipa::path(post, path = "/api/v1/datasources/{id}/test", tag = "datasources", params(("id" = String, Path)),
    security(("bearer" = ["datasource:test"])), responses((status = 200, body = Envelope<ProbeView>), (status = 404)))]
async fn test_saved(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceTest>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<ProbeView>> {
    let ds = visible(&state, &principal, &id, "datasource:test").await?;
    Result::Ok(ok(state.registry.test_saved(&ds).await?.into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TablesParams {
    /// Include each table's columns.
    include_columns: Option<bool>,
    /// Include each table's indexes and foreign keys.
    include_indexes: Option<bool>,
    /// Read the catalog again instead of the cache.
    refresh: Option<bool>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    name: String,
    /// `table` or `view`.
    kind: String,
    comment: Option<String>,
    engine: Option<String>,
    /// Estimated rows from the catalog.
    rows: Option<i64>,
    data_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<Vec<datasource::Column>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    indexes: Option<Vec<datasource::Index>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    foreign_keys: Option<Vec<datasource::ForeignKey>>,
}

#[derive(Serialize, ToSchema)]
pub struct TablesView {
    tables: Vec<TableView>,
}

/// The schema: tables with comments, engines, row estimates and sizes; columns, indexes and
/// foreign keys on request. Cached; `refresh=true` reads the catalog again.
#[utoipa::path(get, path = "/api/v1/datasources/{id}/tables", tag = "datasources",
    params(("id" = String, Path), TablesParams), security(("bearer" = ["datasource:read"])),
    responses((status = 200, body = Envelope<TablesView>), (status = 404), (status = 503)))]
async fn list_tables(
    State(state): State<AppState>,
    Require(principal, ..): Require<DatasourceRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<TablesParams>,
) -> ApiResult<Ok<TablesView>> {
    let ds = visible(&state, &principal, &id, "datasource:read").await?;
    let schema = state.registry.schema(&ds, params.refresh.unwrap_or(false)).await?;
    let (cols, idx) = (params.include_columns.unwrap_or(false), params.include_indexes.unwrap_or(false));
    let tables = schema
        .tables
        .iter()
        .map(|t| TableView {
            name: t.name.clone(),
            kind: t.kind.clone(),
            comment: t.comment.clone(),
            engine: t.engine.clone(),
            rows: t.rows,
            data_length: t.data_length,
            columns: cols.then(|| t.columns.clone()),
            indexes: idx.then(|| t.indexes.clone()),
            foreign_keys: idx.then(|| t.foreign_keys.clone()),
        })
        .collect();
    Result::Ok(ok(TablesView { tables }))
}
