//! `/api/v1/query-builder/templates`: saved queries with variables (seed 000, sections 2.2.3 and 2.2.4).

use axum::extract::State;
use axum::response::Response;
use errors::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::query::{ExecuteOptions, run_query};
use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Require};
use crate::permissions::QueryExecute;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, update_template, delete_template))
        .routes(routes!(execute_template))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateBody {
    name: Option<String>,
    description: Option<String>,
    category: Option<String>,
    /// The query DSL; `where`/`having` values may hold `${variable}` placeholders.
    #[schema(value_type = Option<Object>)]
    query: Option<Value>,
    tags: Option<Vec<String>>,
    /// Visible to everyone (default false: only the owner and admins).
    is_public: Option<bool>,
    datasource_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    id: String,
    name: String,
    description: Option<String>,
    category: Option<String>,
    tags: Vec<String>,
    #[schema(value_type = Object)]
    query: Value,
    /// The `${…}` placeholders the query uses.
    variables: Vec<String>,
    datasource_id: Option<String>,
    is_public: bool,
    owner_id: String,
    usage_count: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// Names of `${name}` placeholders in string values under `where` and `having`.
fn placeholders(value: &Value, inside: bool, out: &mut Vec<String>) {
    match value {
        Value::String(s) if inside => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let Some(end) = rest[start..].find('}') else { break };
                let name = rest[start + 2..start + end].to_owned();
                if !name.is_empty() && !out.contains(&name) {
                    out.push(name);
                }
                rest = &rest[start + end + 1..];
            }
        }
        Value::Array(items) => items.iter().for_each(|v| placeholders(v, inside, out)),
        Value::Object(m) => {
            for (k, v) in m {
                placeholders(v, inside || k == "where" || k == "having", out);
            }
        }
        _ => {}
    }
}

/// Replaces placeholders with variable values: a value that is only `${x}` takes the variable's
/// JSON value (number, boolean…); inside a longer string it is spliced into the text. The result
/// is still a value in the DSL, so it is bound as a parameter like any other.
fn substitute(value: &Value, vars: &Map<String, Value>, inside: bool) -> Value {
    match value {
        Value::String(s) if inside => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
                && let Some(v) = vars.get(name)
            {
                return v.clone();
            }
            let mut out = s.clone();
            for (name, v) in vars {
                let text = match v {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                out = out.replace(&format!("${{{name}}}"), &text);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars, inside)).collect()),
        Value::Object(m) => Value::Object(
            m.iter().map(|(k, v)| (k.clone(), substitute(v, vars, inside || k == "where" || k == "having"))).collect(),
        ),
        other => other.clone(),
    }
}

fn view(row: store::TemplateRow) -> TemplateView {
    let query: Value = serde_json::from_str(&row.query).unwrap_or(Value::Null);
    let mut variables = Vec::new();
    placeholders(&query, false, &mut variables);
    TemplateView {
        id: row.id,
        name: row.name,
        description: row.description,
        category: row.category,
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
        query,
        variables,
        datasource_id: row.datasource_id,
        is_public: row.is_public,
        owner_id: row.owner_id,
        usage_count: row.usage_count,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn check(body: &TemplateBody, creating: bool) -> ApiResult<()> {
    let mut errors = Vec::new();
    if creating || body.name.is_some() {
        let name = body.name.as_deref().unwrap_or("").trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "required", "is required, at most 200 characters"));
        }
    }
    if creating && body.query.is_none() {
        errors.push(FieldError::new("query", "required", "is required: the query DSL"));
    }
    if let Some(q) = &body.query {
        // The structure must parse; names are checked against a datasource when it runs.
        let mut probe = q.clone();
        let mut vars = Vec::new();
        placeholders(q, false, &mut vars);
        let filler: Map<String, Value> = vars.into_iter().map(|v| (v, Value::String("0".into()))).collect();
        probe = substitute(&probe, &filler, false);
        if let Err(diags) = query::parse(&probe) {
            errors
                .extend(diags.into_iter().map(|d| FieldError::new(format!("query.{}", d.path), "invalid", d.message)));
        }
    }
    for (i, t) in body.tags.iter().flatten().enumerate() {
        if t.trim().is_empty() || t.chars().count() > 50 {
            errors.push(FieldError::new(format!("tags[{i}]"), "invalid", "must be 1 to 50 characters"));
        }
    }
    if errors.is_empty() { Result::Ok(()) } else { Err(ApiError::validation(errors)) }
}

/// Loads a template the caller may see (their own, public ones, or any for admins).
async fn visible(state: &AppState, principal: &auth::Principal, id: &str) -> ApiResult<store::TemplateRow> {
    let row = state.store.template(id).await?.ok_or_else(|| ApiError::not_found("template"))?;
    if row.owner_id != principal.user_id && !row.is_public && !principal.permissions.is_superuser() {
        return Err(ApiError::not_found("template"));
    }
    Result::Ok(row)
}

fn owned(principal: &auth::Principal, row: &store::TemplateRow) -> ApiResult<()> {
    if row.owner_id == principal.user_id || principal.permissions.is_superuser() {
        Result::Ok(())
    } else {
        Err(ApiError::new(ErrorCode::FORBIDDEN, "only the template's owner may change it"))
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    page: Option<i64>,
    page_size: Option<i64>,
    category: Option<String>,
    keyword: Option<String>,
    /// Comma-separated; every tag must be present.
    tags: Option<String>,
}

/// Templates the caller may see, newest first, filtered by category, keyword and tags.
#[utoipa::path(get, path = "/api/v1/query-builder/templates", tag = "templates", params(TemplateParams),
    security(("bearer" = ["query:execute"])), responses((status = 200, body = Envelope<Page<TemplateView>>)))]
async fn list_templates(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiQuery(params): ApiQuery<TemplateParams>,
) -> ApiResult<Ok<Page<TemplateView>>> {
    let (page, size, offset) =
        super::PageParams { page: params.page, page_size: params.page_size, keyword: None }.resolve()?;
    let filter = store::TemplateFilter {
        viewer: (!principal.permissions.is_superuser()).then(|| principal.user_id.clone()),
        category: params.category.filter(|c| !c.is_empty()),
        keyword: params.keyword.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()),
        tags: params
            .tags
            .map(|t| t.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
    };
    let all = state.store.find_templates(&filter).await?;
    let total = all.len() as i64;
    let items = all.into_iter().skip(offset as usize).take(size as usize).map(view).collect();
    Result::Ok(ok(Page::new(items, total, page, size)))
}

/// Saves a query as a template.
#[utoipa::path(post, path = "/api/v1/query-builder/templates", tag = "templates", request_body = TemplateBody,
    security(("bearer" = ["query:execute"])), responses((status = 201, body = Envelope<TemplateView>), (status = 400)))]
async fn create_template(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> ApiResult<Ok<TemplateView>> {
    check(&body, true)?;
    let now = store::now_micros();
    let row = store::TemplateRow {
        id: store::new_id("tpl"),
        owner_id: principal.user_id.clone(),
        name: body.name.unwrap_or_default().trim().to_owned(),
        description: body.description,
        category: body.category.filter(|c| !c.is_empty()),
        tags: serde_json::to_string(&body.tags.unwrap_or_default()).unwrap_or_else(|_| "[]".into()),
        query: body.query.unwrap_or(Value::Null).to_string(),
        datasource_id: body.datasource_id,
        is_public: body.is_public.unwrap_or(false),
        usage_count: 0,
        created_at: now,
        updated_at: now,
    };
    state.store.create_template(&row).await?;
    Result::Ok(created(view(row)))
}

/// One template.
#[utoipa::path(get, path = "/api/v1/query-builder/templates/{id}", tag = "templates", params(("id" = String, Path)),
    security(("bearer" = ["query:execute"])), responses((status = 200, body = Envelope<TemplateView>), (status = 404)))]
async fn get_template(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<TemplateView>> {
    Result::Ok(ok(view(visible(&state, &principal, &id).await?)))
}

/// Changes a template (owner or admin); absent fields keep their values.
#[utoipa::path(put, path = "/api/v1/query-builder/templates/{id}", tag = "templates", params(("id" = String, Path)),
    request_body = TemplateBody, security(("bearer" = ["query:execute"])),
    responses((status = 200, body = Envelope<TemplateView>), (status = 403), (status = 404)))]
async fn update_template(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> ApiResult<Ok<TemplateView>> {
    let mut row = visible(&state, &principal, &id).await?;
    owned(&principal, &row)?;
    check(&body, false)?;
    if let Some(n) = body.name {
        row.name = n.trim().to_owned();
    }
    if body.description.is_some() {
        row.description = body.description;
    }
    if body.category.is_some() {
        row.category = body.category.filter(|c| !c.is_empty());
    }
    if let Some(t) = body.tags {
        row.tags = serde_json::to_string(&t).unwrap_or_else(|_| "[]".into());
    }
    if let Some(q) = body.query {
        row.query = q.to_string();
    }
    if let Some(p) = body.is_public {
        row.is_public = p;
    }
    if body.datasource_id.is_some() {
        row.datasource_id = body.datasource_id;
    }
    row.updated_at = store::now_micros();
    state.store.update_template(&row).await?;
    Result::Ok(ok(view(row)))
}

/// Deletes a template (owner or admin).
#[utoipa::path(delete, path = "/api/v1/query-builder/templates/{id}", tag = "templates", params(("id" = String, Path)),
    security(("bearer" = ["query:execute"])), responses((status = 200, body = Envelope<Option<String>>), (status = 404)))]
async fn delete_template(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Option<()>>> {
    let row = visible(&state, &principal, &id).await?;
    owned(&principal, &row)?;
    state.store.delete_template(&id).await?;
    Result::Ok(ok(None).with_message("deleted"))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRun {
    /// Values for the template's `${…}` placeholders.
    #[schema(value_type = Option<Object>)]
    variables: Option<Map<String, Value>>,
    /// Overrides the template's datasource.
    datasource_id: Option<String>,
    options: Option<ExecuteOptions>,
}

/// Runs a template with variables (bound as parameters); answers like `/query/execute`.
#[utoipa::path(post, path = "/api/v1/query-builder/templates/{id}/execute", tag = "templates", params(("id" = String, Path)),
    request_body = TemplateRun, security(("bearer" = ["query:execute"])),
    responses((status = 200, body = Envelope<Object>), (status = 400, description = "missing variables or an invalid query")))]
async fn execute_template(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiPath(id): ApiPath<String>,
    ApiJson(run): ApiJson<TemplateRun>,
) -> ApiResult<Response> {
    let row = visible(&state, &principal, &id).await?;
    let query: Value = serde_json::from_str(&row.query).unwrap_or(Value::Null);
    let vars = run.variables.unwrap_or_default();
    let mut needed = Vec::new();
    placeholders(&query, false, &mut needed);
    let missing: Vec<FieldError> = needed
        .iter()
        .filter(|n| !vars.contains_key(*n))
        .map(|n| FieldError::new(format!("variables.{n}"), "required", "this template needs it"))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::validation(missing));
    }
    let dsl = substitute(&query, &vars, false);
    let datasource = run.datasource_id.or(row.datasource_id.clone());
    let response = run_query(&state, &principal, datasource.as_deref(), &dsl, run.options.unwrap_or_default()).await?;
    if response.status().is_success() {
        state.store.count_template_use(&row.id).await?;
    }
    Result::Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_found_and_substituted_only_in_values() {
        let q = json!({"tables": [{"name": "${t}", "where": {"id": "${id}", "username": {"$starts": "${prefix}x"}, "${k}": 1}}]});
        let mut names = Vec::new();
        placeholders(&q, false, &mut names);
        assert_eq!(names, ["id", "prefix"]);
        let vars: Map<String, Value> = json!({"id": 7, "prefix": "a'b", "t": "secret"}).as_object().unwrap().clone();
        let out = substitute(&q, &vars, false);
        assert_eq!(out["tables"][0]["where"]["id"], 7);
        assert_eq!(out["tables"][0]["where"]["username"]["$starts"], "a'bx");
        assert_eq!(out["tables"][0]["name"], "${t}", "table names are never substituted");
    }
}
