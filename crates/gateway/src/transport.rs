//! HTTP: `POST /pamirs/{module}`, `GET /pamirs/{module}?query=&variables=` and
//! `POST /pamirs/{module}/batch`. Answers are HTTP 200 with errors in the body, as Oinone does.
//! Callers sign in with a bearer token or, in browsers, the session cookie set at login; cookie
//! requests must also pass the CSRF checks in [`csrf_ok`].

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::exec::{Exec, Strategy};
use crate::oinone::{self, OinoneError, request_error};
use crate::placeholder::Session;
use crate::{Gateway, SESSION_COOKIE};

/// The gateway's routes, ready to merge into the application.
pub fn router(gateway: Gateway) -> Router {
    Router::new()
        .route("/pamirs/{module}", post(post_one).get(get_one))
        .route("/pamirs/{module}/batch", post(post_batch))
        .with_state(gateway)
}

/// The module name as Oinone allows it.
fn valid_module(name: &str) -> bool {
    name.len() >= 3
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn answer(v: Value) -> Response {
    axum::Json(v).into_response()
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Cookie-authenticated requests could be forged by another site; they must come from this
/// origin (`Origin` or `Sec-Fetch-Site`) and, for POST, carry a JSON content type, which no
/// cross-site form can send without a CORS preflight.
fn csrf_ok(headers: &HeaderMap, is_post: bool) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if Some(origin_host) != host {
            return false;
        }
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    !is_post
        || headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"))
}

async fn principal(gw: &Gateway, headers: &HeaderMap, is_post: bool) -> Result<auth::Principal, OinoneError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let token = match bearer {
        Some(t) => t,
        None => {
            let t = cookie(headers, SESSION_COOKIE).ok_or_else(not_logged_in)?;
            if !csrf_ok(headers, is_post) {
                return Err(OinoneError::new(oinone::NO_PERMISSION, "跨站请求被拒绝 (cross-site request refused)"));
            }
            t
        }
    };
    gw.auth.authenticate(token).await.map_err(|_| not_logged_in())
}

fn not_logged_in() -> OinoneError {
    OinoneError::new(oinone::NOT_LOGGED_IN, "未登录或登录已过期 (not signed in, or the session expired)")
}

/// One request's prepared context: the module's schema and the resolvers' data.
struct Prepared {
    schema: async_graphql::dynamic::Schema,
    ds: registry::Datasource,
    principal: auth::Principal,
}

async fn prepare(gw: &Gateway, module: &str, headers: &HeaderMap, is_post: bool) -> Result<Prepared, OinoneError> {
    let principal = principal(gw, headers, is_post).await?;
    let unknown = || OinoneError::new(oinone::MODULE_NOT_FOUND, format!("模块不存在 (no module {module:?})"));
    if !valid_module(module) {
        return Err(unknown());
    }
    let ds = gw.registry.by_code(module).await.map_err(|_| unknown())?;
    match principal.datasource_access("query:execute", ds.code(), &ds.allowed_roles) {
        auth::Access::Hidden => return Err(unknown()),
        auth::Access::Forbidden => {
            return Err(OinoneError::new(
                oinone::NO_MODULE_PERMISSION,
                "没有该模块的权限 (no permission on this module)",
            ));
        }
        auth::Access::Granted => {}
    }
    let schema = gw.schema(&ds).await?;
    Ok(Prepared { schema, ds, principal })
}

/// Runs one `{query, variables}` against a prepared module.
async fn run(gw: &Gateway, p: &Prepared, body: &Value, scene: Option<&str>, allow_mutation: bool) -> Value {
    let Some(query) = body.get("query").and_then(|q| q.as_str()) else {
        return request_error(&malformed("the request needs a \"query\" string"));
    };
    let mut variables = body.get("variables").cloned().filter(|v| v.is_object()).unwrap_or_else(|| json!({}));
    if let (Some(scene), Some(map)) = (scene, variables.as_object_mut()) {
        map.entry("scene").or_insert_with(|| scene.into());
    }
    if !allow_mutation && is_mutation(query) {
        return request_error(&malformed("mutations must be sent with POST"));
    }
    let pool = match gw.registry.pool(&p.ds).await {
        Ok(pool) => pool,
        Err(e) => return request_error(&OinoneError::new(oinone::DATA_ERROR, format!("数据源不可用 ({e})"))),
    };
    let catalog = match gw.registry.catalog(&p.ds).await {
        Ok(c) => c,
        Err(e) => return request_error(&OinoneError::new(oinone::DATA_ERROR, format!("数据源不可用 ({e})"))),
    };
    let write_denied = if p.ds.row.read_only {
        Some(OinoneError::new(oinone::NO_PERMISSION, "数据源只读 (this datasource is read-only)"))
    } else if p.principal.datasource_access("datasource:write", p.ds.code(), &p.ds.allowed_roles)
        != auth::Access::Granted
    {
        Some(OinoneError::new(oinone::NO_PERMISSION, "没有写权限 (permission \"datasource:write\" required)"))
    } else {
        None
    };
    let dialect = p.ds.kind.dialect();
    let strategy = Strategy::from_variables(&variables);
    let exec = Arc::new(Exec {
        pool,
        datasource: p.ds.code().to_owned(),
        catalog,
        dialect,
        session: Session {
            user_id: Some(p.principal.user_id.clone()),
            username: Some(p.principal.username.clone()),
            roles: p.principal.roles.clone(),
        },
        placeholders: gw.placeholders.clone(),
        write_denied,
        read_only_tables: p.ds.read_only_tables.clone(),
        strategy,
        // The datasource's own statement timeout (`options.timeout`, default 30 s).
        timeout: std::time::Duration::from_millis(p.ds.row.timeout_ms.max(1) as u64),
        messages: Mutex::new(Vec::new()),
        variables: variables.clone(),
    });
    let mut request = async_graphql::Request::new(query).data(exec.clone());
    if let Ok(v) = serde_json::from_value::<async_graphql::Variables>(variables) {
        request = request.variables(v);
    }
    if let Some(op) = body.get("operationName").and_then(|v| v.as_str()) {
        request = request.operation_name(op);
    }
    let response = p.schema.execute(request).await;
    let mut out = serde_json::to_value(&response).unwrap_or_else(|_| json!({"data": null}));
    let mut success = true;
    if let Some(errors) = out.get_mut("errors").and_then(|e| e.as_array_mut()) {
        success = errors.is_empty();
        for e in errors.iter_mut() {
            if e.pointer("/extensions/errorCode").is_none() {
                let message = e.get("message").and_then(|m| m.as_str()).unwrap_or_default().to_owned();
                let ext = OinoneError::new(oinone::graphql_error_code(&message), message).extensions();
                e["extensions"] = ext;
            }
        }
        if strategy.stop_at_first_error {
            errors.truncate(1);
        }
    }
    let messages = exec.messages.lock().map(|m| m.clone()).unwrap_or_default();
    out["extensions"] = json!({"success": success, "messages": messages});
    if out.get("data").is_none() {
        out["data"] = Value::Null;
    }
    out
}

fn is_mutation(query: &str) -> bool {
    match async_graphql::parser::parse_query(query) {
        Ok(doc) => {
            doc.operations.iter().any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation)
        }
        // Unparsable documents fail later with the parser's own message.
        Err(_) => false,
    }
}

type Params = std::collections::HashMap<String, String>;

fn scene(params: &Params) -> Option<&str> {
    params.get("scene").map(String::as_str)
}

/// A request that is not a GraphQL request at all.
fn malformed(message: impl Into<String>) -> OinoneError {
    OinoneError::new(oinone::GRAPHQL_SYSTEM, message)
}

async fn post_one(
    State(gw): State<Gateway>,
    Path(module): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let p = prepare(&gw, &module, &headers, true).await?;
        let body: Value = serde_json::from_slice(&body).map_err(|e| malformed(format!("the body is not JSON: {e}")))?;
        Ok(run(&gw, &p, &body, scene(&params), true).await)
    };
    answer(result.await.unwrap_or_else(|e: OinoneError| request_error(&e)))
}

async fn get_one(
    State(gw): State<Gateway>,
    Path(module): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let p = prepare(&gw, &module, &headers, false).await?;
        let variables = match params.get("variables") {
            None => json!({}),
            Some(v) => {
                serde_json::from_str::<Value>(v).map_err(|e| malformed(format!("variables are not JSON: {e}")))?
            }
        };
        let body = json!({"query": params.get("query"), "variables": variables});
        Ok(run(&gw, &p, &body, scene(&params), false).await)
    };
    answer(result.await.unwrap_or_else(|e: OinoneError| request_error(&e)))
}

/// Most operations one batch may carry (the Oinone client sends up to 20).
const MAX_BATCH: usize = 100;

async fn post_batch(
    State(gw): State<Gateway>,
    Path(module): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let p = prepare(&gw, &module, &headers, true).await?;
        let items = match serde_json::from_slice(&body) {
            Ok(Value::Array(items)) if items.len() <= MAX_BATCH => items,
            Ok(Value::Array(_)) => return Err(malformed(format!("a batch holds at most {MAX_BATCH} operations"))),
            _ => return Err(malformed("a batch is a JSON array")),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            out.push(run(&gw, &p, item, scene(&params), true).await);
        }
        Ok(Value::Array(out))
    };
    // A failure of the whole batch is still an array, as the client expects one.
    answer(result.await.unwrap_or_else(|e: OinoneError| json!([request_error(&e)])))
}
