//! Saving, reading, versioning and publishing workflow definitions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use store::{WorkflowFilter, WorkflowRow, WorkflowVersionRow};
use workflow::{Definition, Problem, ValidDefinition};

use crate::secrets;
use crate::{Engine, Error, Result};

/// A workflow as answers show it (secrets masked).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedWorkflow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    /// The version shown (the latest unless an older one was asked for).
    pub version: i64,
    pub latest_version: i64,
    pub published_version: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub max_concurrency: i64,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The definition of `version`: nodes, edges, variables, triggers (secrets as `******`).
    pub definition: Value,
    /// Where each webhook trigger listens (`/api/v1/hooks/…`).
    pub webhooks: Vec<String>,
}

/// What creating a workflow answers: the workflow and, once only, its signing secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    #[serde(flatten)]
    pub workflow: SavedWorkflow,
    /// Verifies webhook calls (for triggers without a secret of their own) and signs callbacks.
    /// Shown only now and when rotated.
    pub signing_secret: String,
}

/// A version in a workflow's history.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionSummary {
    pub version: i64,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub published: bool,
}

/// A page of workflows.
#[derive(Debug, Clone)]
pub struct WorkflowPage {
    pub items: Vec<SavedWorkflow>,
    pub total: i64,
}

/// The most executions of one workflow a definition may allow at once.
const MAX_CONCURRENCY: i64 = 1000;

impl Engine {
    /// Validates a definition against the known datasources, collecting every problem.
    pub async fn validate(&self, body: &Value) -> Result<(Definition, ValidDefinition)> {
        let def: Definition = serde_json::from_value(strip_meta(body)).map_err(|e| {
            Error::Invalid(vec![Problem { path: "".into(), code: "malformed", message: e.to_string() }])
        })?;
        let known: Vec<(String, String)> = self
            .inner
            .registry
            .find(None)
            .await?
            .into_iter()
            .map(|d| (d.id().to_owned(), d.code().to_owned()))
            .collect();
        let exists = |id: &str| known.iter().any(|(i, c)| i == id || c == id);
        let mut problems = Vec::new();
        let concurrency = body.get("maxConcurrency");
        if concurrency.is_some_and(|c| !c.as_i64().is_some_and(|n| (1..=MAX_CONCURRENCY).contains(&n))) {
            problems.push(Problem {
                path: "maxConcurrency".into(),
                code: "invalid_field",
                message: format!("maxConcurrency must be an integer from 1 to {MAX_CONCURRENCY}"),
            });
        }
        match workflow::validate(&def, &exists) {
            Ok(valid) if problems.is_empty() => Ok((def, valid)),
            Ok(_) => Err(Error::Invalid(problems)),
            Err(mut more) => {
                problems.append(&mut more);
                Err(Error::Invalid(problems))
            }
        }
    }

    /// Creates a workflow (a draft at version 1) and its signing secret.
    pub async fn create(&self, body: &Value, actor: Option<&str>) -> Result<Created> {
        let (def, valid) = self.validate(body).await?;
        let id = store::new_id("wf");
        let mut stored = definition_json(&def);
        secrets::seal(&mut stored, None, &self.inner.secrets, &id).map_err(Error::Invalid)?;
        let signing_secret = secrets::generate();
        let sealed = self.inner.secrets.seal(&signing_secret, &id).map_err(|e| Error::Crypto(e.to_string()))?;
        let now = store::now_micros();
        let row = WorkflowRow {
            id: id.clone(),
            name: def.name.clone(),
            description: def.description.clone(),
            category: def.category.clone(),
            status: "draft".into(),
            version: 1,
            published_version: None,
            published_at: None,
            max_concurrency: body
                .get("maxConcurrency")
                .and_then(Value::as_i64)
                .unwrap_or(self.inner.settings.workflow_concurrency),
            signing_secret: sealed,
            created_by: actor.map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        let version = WorkflowVersionRow {
            workflow_id: id.clone(),
            version: 1,
            definition: stored.to_string(),
            created_by: actor.map(str::to_owned),
            created_at: now,
        };
        self.inner.store.create_workflow(&row, &version, &hook_paths(&valid)).await?;
        Ok(Created { workflow: view(&row, &version)?, signing_secret })
    }

    /// Saves a new version. Executions already queued or running keep the version they began with.
    pub async fn update(&self, id: &str, body: &Value, actor: Option<&str>) -> Result<SavedWorkflow> {
        let current = self.row(id).await?;
        let (def, valid) = self.validate(body).await?;
        let previous = self.version_row(id, current.version).await?;
        let previous: Value = serde_json::from_str(&previous.definition).map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut stored = definition_json(&def);
        secrets::seal(&mut stored, Some(&previous), &self.inner.secrets, id).map_err(Error::Invalid)?;
        let now = store::now_micros();
        let row = WorkflowRow {
            name: def.name.clone(),
            description: def.description.clone(),
            category: def.category.clone(),
            version: current.version + 1,
            max_concurrency: body.get("maxConcurrency").and_then(Value::as_i64).unwrap_or(current.max_concurrency),
            updated_at: now,
            ..current
        };
        let version = WorkflowVersionRow {
            workflow_id: id.to_owned(),
            version: row.version,
            definition: stored.to_string(),
            created_by: actor.map(str::to_owned),
            created_at: now,
        };
        if !self.inner.store.update_workflow(&row, &version, &hook_paths(&valid)).await? {
            return Err(Error::Conflict);
        }
        view(&row, &version)
    }

    /// A workflow with its latest definition, or the given version.
    pub async fn get(&self, id: &str, version: Option<i64>) -> Result<SavedWorkflow> {
        let row = self.row(id).await?;
        let v = self.version_row(id, version.unwrap_or(row.version)).await?;
        view(&row, &v)
    }

    /// Workflows matching the filter, newest first.
    pub async fn list(&self, filter: &WorkflowFilter, offset: i64, limit: i64) -> Result<WorkflowPage> {
        let (rows, total) = self.inner.store.workflows(filter, offset, limit).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let v = self.version_row(&row.id, row.version).await?;
            items.push(view(&row, &v)?);
        }
        Ok(WorkflowPage { items, total })
    }

    /// The version history, newest first.
    pub async fn versions(&self, id: &str) -> Result<Vec<VersionSummary>> {
        let row = self.row(id).await?;
        Ok(self
            .inner
            .store
            .workflow_versions(id)
            .await?
            .into_iter()
            .map(|v| VersionSummary {
                published: row.published_version == Some(v.version),
                version: v.version,
                created_by: v.created_by,
                created_at: v.created_at,
            })
            .collect())
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        if self.inner.store.delete_workflow(id).await? { Ok(()) } else { Err(Error::NotFound("workflow")) }
    }

    /// Publishes the latest version (or `version`): its triggers fire from now on.
    pub async fn publish(&self, id: &str, version: Option<i64>) -> Result<SavedWorkflow> {
        let row = self.row(id).await?;
        let v = version.unwrap_or(row.version);
        self.version_row(id, v).await?;
        self.inner.store.set_workflow_published(id, Some(v), store::now_micros()).await?;
        self.get(id, None).await
    }

    /// Back to draft: triggers stop firing; manual runs still work.
    pub async fn unpublish(&self, id: &str) -> Result<SavedWorkflow> {
        self.row(id).await?;
        self.inner.store.set_workflow_published(id, None, store::now_micros()).await?;
        self.get(id, None).await
    }

    /// Replaces the signing secret and answers the new one (shown only now).
    pub async fn rotate_signing_secret(&self, id: &str) -> Result<String> {
        self.row(id).await?;
        let secret = secrets::generate();
        let sealed = self.inner.secrets.seal(&secret, id).map_err(|e| Error::Crypto(e.to_string()))?;
        self.inner.store.set_signing_secret(id, &sealed).await?;
        Ok(secret)
    }

    pub(crate) async fn row(&self, id: &str) -> Result<WorkflowRow> {
        self.inner.store.workflow(id).await?.ok_or(Error::NotFound("workflow"))
    }

    pub(crate) async fn version_row(&self, id: &str, version: i64) -> Result<WorkflowVersionRow> {
        self.inner.store.workflow_version(id, version).await?.ok_or(Error::NotFound("workflow version"))
    }
}

/// Fields of the body that are not part of the definition itself.
fn strip_meta(body: &Value) -> Value {
    let mut v = body.clone();
    if let Some(m) = v.as_object_mut() {
        for k in ["id", "status", "version", "maxConcurrency", "createdAt", "updatedAt"] {
            m.remove(k);
        }
    }
    v
}

fn definition_json(def: &Definition) -> Value {
    serde_json::to_value(def).unwrap_or(Value::Null)
}

/// Custom webhook paths (a trigger without one listens at the workflow's id).
fn hook_paths(valid: &ValidDefinition) -> Vec<String> {
    let mut paths: Vec<String> = valid
        .triggers
        .iter()
        .filter_map(|t| match &t.kind {
            workflow::TriggerKind::Webhook(w) => w.path.clone(),
            _ => None,
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn view(row: &WorkflowRow, v: &WorkflowVersionRow) -> Result<SavedWorkflow> {
    let stored: Value = serde_json::from_str(&v.definition).map_err(|e| Error::Corrupt(e.to_string()))?;
    let definition = secrets::mask(&stored);
    let webhooks = definition
        .get("triggers")
        .and_then(Value::as_array)
        .map(|ts| {
            ts.iter()
                .filter(|t| t.get("type").and_then(Value::as_str) == Some("webhook"))
                .map(|t| {
                    let path = t.pointer("/config/path").and_then(Value::as_str).unwrap_or(&row.id);
                    format!("/api/v1/hooks/{path}")
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(SavedWorkflow {
        id: row.id.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        status: row.status.clone(),
        version: v.version,
        latest_version: row.version,
        published_version: row.published_version,
        published_at: row.published_at,
        max_concurrency: row.max_concurrency,
        created_by: row.created_by.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        definition,
        webhooks,
    })
}
