//! Wiring of the workflow engine: its settings, this instance's stable id, and RSQL for query
//! nodes through the gateway's lowering (so a filter means the same in a workflow as at `/pamirs`).

use std::sync::Arc;

use anyhow::Context;
use serde_json::Value;

use crate::config::Settings;

/// Lowers workflow RSQL filters with the gateway; `${path}` placeholders read the execution's scope.
struct GatewayRsql;

impl engine::RsqlLowering for GatewayRsql {
    fn query(
        &self,
        kind: datasource::Kind,
        schema: &datasource::Schema,
        model: &str,
        rsql: Option<&str>,
        scope: &Value,
    ) -> Result<query::Query, String> {
        use gateway::placeholder::Resolved;
        let resolve = |name: &str| {
            let mut v = scope;
            for part in name.split('.') {
                v = match v.get(part) {
                    Some(next) => next,
                    None => return Ok(None),
                };
            }
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Ok(Some(match v {
                Value::Array(items) => Resolved::Many(items.iter().map(text).collect()),
                other => Resolved::One(text(other)),
            }))
        };
        gateway::filter::query_for(kind, schema, model, rsql, &resolve).map_err(|e| e.message)
    }
}

/// This instance's name in execution leases: given, or generated once into the data dir, so a
/// restarted instance recognises (and at once resumes) the executions it held.
pub(crate) fn instance_id(settings: &Settings) -> anyhow::Result<String> {
    if let Some(id) = &settings.instance_id {
        return Ok(id.clone());
    }
    let path = settings.data_dir.join("instance.id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim().to_owned();
        if !id.is_empty() {
            return Ok(id);
        }
    }
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let id = format!("quarry-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    std::fs::write(&path, &id).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(id)
}

/// Builds the engine (not started yet).
pub fn engine(
    settings: &Settings,
    store: store::Store,
    registry: registry::Registry,
    data_key: &[u8],
) -> anyhow::Result<engine::Engine> {
    let engine_settings = engine::EngineSettings {
        instance_id: instance_id(settings)?,
        lease: settings.workflow_lease,
        max_concurrent: settings.max_executions,
        workflow_concurrency: settings.workflow_concurrency,
        http_allowlist: settings.http_allowlist.clone(),
        ..engine::EngineSettings::default()
    };
    let secrets = Arc::new(crypto::SecretBox::new(data_key));
    engine::Engine::new(store, registry, secrets, engine_settings, Some(Arc::new(GatewayRsql)))
        .map_err(|e| anyhow::anyhow!("invalid workflow settings: {e}"))
}
