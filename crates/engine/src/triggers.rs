//! Triggers: signed webhooks and cron schedules. Only published workflows fire, with their
//! published version.
//!
//! A schedule fire is recorded in the store together with the execution it queues, under a key
//! of (workflow, trigger, fire time), so with several instances each fire runs once. The last
//! recorded fire (or the publication time) is where the next look for due fires starts, and the
//! trigger's catch-up rule decides what happens to fires missed while no instance ran.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use workflow::{ScheduleTrigger, TriggerKind as Kind};

use crate::executions::{ExecOptions, Started, TriggerKind};
use crate::{Engine, Error, Result};

/// Webhook timestamps further than this from the server's clock are refused.
pub const MAX_SKEW_SECS: i64 = 300;

/// An incoming webhook request, as received (the body unparsed, so the signature covers the
/// exact bytes).
#[derive(Debug, Clone, Copy)]
pub struct WebhookCall<'a> {
    /// The last path segment: a trigger's `path`, or the workflow id.
    pub hook: &'a str,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

impl Engine {
    /// Verifies a webhook call and queues an execution of the published version with the JSON
    /// body as input.
    pub async fn webhook(&self, call: WebhookCall<'_>) -> Result<Started> {
        let store = &self.inner.store;
        let workflow_id = match store.workflow_by_hook(call.hook).await? {
            Some(id) => id,
            None => call.hook.to_owned(),
        };
        let row = store.workflow(&workflow_id).await?.ok_or(Error::NotFound("webhook"))?;
        let Some(version) = row.published_version else { return Err(Error::NotFound("webhook")) };
        let prepared = self.prepared(&row.id, version).await?;
        let trigger = prepared
            .valid
            .triggers
            .iter()
            .filter(|t| t.enabled)
            .find_map(|t| match &t.kind {
                Kind::Webhook(w) if w.hook_segment(&row.id) == call.hook => Some(w),
                _ => None,
            })
            .ok_or(Error::NotFound("webhook"))?;
        let secret = match &trigger.secret {
            Some(s) => s.clone(),
            None => self.inner.secrets.open(&row.signing_secret, &row.id).map_err(|e| Error::Crypto(e.to_string()))?,
        };
        let now = Utc::now();
        egress::signature::verify(
            secret.as_bytes(),
            call.timestamp,
            call.signature,
            call.body,
            now.timestamp(),
            MAX_SKEW_SECS,
        )
        .map_err(|e| {
            Error::Unauthorized(match e {
                egress::signature::SignatureError::Missing => "missing X-Quarry-Timestamp or X-Quarry-Signature",
                egress::signature::SignatureError::Malformed => "malformed timestamp or signature",
                egress::signature::SignatureError::Stale => "the timestamp is more than 5 minutes off",
                egress::signature::SignatureError::Mismatch => "the signature does not match",
            })
        })?;
        let signature = call.signature.unwrap_or_default().trim().to_ascii_lowercase();
        if !store.remember_signature(&row.id, &signature, store::now_micros()).await? {
            return Err(Error::Unauthorized("this signature was used before (replay)"));
        }
        let input = if call.body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(call.body)
                .map_err(|e| Error::Input(vec![("body".into(), format!("the body is not JSON: {e}"))]))?
        };
        let options = ExecOptions { run_async: true, ..ExecOptions::default() };
        self.execute(&row.id, input, options, None, TriggerKind::Webhook).await
    }
}

/// Published schedule triggers by (workflow, version, publication time).
type Known = HashMap<(String, i64, DateTime<Utc>), Arc<Vec<Schedule>>>;

/// A published schedule trigger.
struct Schedule {
    workflow_id: String,
    trigger_id: String,
    schedule: ScheduleTrigger,
    published_at: DateTime<Utc>,
}

pub(crate) fn spawn_scheduler(engine: Engine) {
    tokio::spawn(async move {
        let mut stop = engine.inner.stop.subscribe();
        // Published triggers by (workflow, version, publication time), and the last fire seen.
        let mut known: Known = HashMap::new();
        let mut last: HashMap<(String, String), DateTime<Utc>> = HashMap::new();
        loop {
            if let Err(e) = tick(&engine, &mut known, &mut last).await {
                tracing::warn!(error = %e, "schedule check failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(engine.inner.settings.schedule_tick) => {}
                _ = stop.changed() => return,
            }
        }
    });
}

async fn tick(engine: &Engine, known: &mut Known, last: &mut HashMap<(String, String), DateTime<Utc>>) -> Result<()> {
    let store = &engine.inner.store;
    let filter = store::WorkflowFilter { status: Some("published".into()), ..Default::default() };
    let (rows, _) = store.workflows(&filter, 0, 100_000).await?;
    let mut current = HashMap::new();
    for row in rows {
        let (Some(version), Some(published_at)) = (row.published_version, row.published_at) else { continue };
        let key = (row.id.clone(), version, published_at);
        let schedules = match known.get(&key) {
            Some(s) => s.clone(),
            None => {
                let prepared = match engine.prepared(&row.id, version).await {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(workflow = %row.id, error = %e, "published version cannot be scheduled");
                        continue;
                    }
                };
                Arc::new(
                    prepared
                        .valid
                        .triggers
                        .iter()
                        .filter(|t| t.enabled)
                        .filter_map(|t| match &t.kind {
                            Kind::Schedule(s) => Some(Schedule {
                                workflow_id: row.id.clone(),
                                trigger_id: t.id.clone(),
                                schedule: s.clone(),
                                published_at,
                            }),
                            _ => None,
                        })
                        .collect(),
                )
            }
        };
        current.insert(key, schedules);
    }
    *known = current;
    let now = Utc::now();
    for schedules in known.values() {
        for s in schedules.iter() {
            let key = (s.workflow_id.clone(), s.trigger_id.clone());
            let since = match last.get(&key) {
                Some(t) => *t,
                None => {
                    let recorded = store.last_fire(&s.workflow_id, &s.trigger_id).await?;
                    // Fires before the publication never count as missed.
                    recorded.map_or(s.published_at, |r| r.max(s.published_at))
                }
            };
            let due = s.schedule.due(since, now);
            let Some(latest) = due.latest else {
                last.insert(key, since);
                continue;
            };
            if due.skipped > 0 {
                let more = if due.skipped_capped { " or more" } else { "" };
                tracing::info!(workflow = %s.workflow_id, trigger = %s.trigger_id, skipped = due.skipped,
                    "{} missed schedule fire(s){more} skipped by the catch-up rule", due.skipped);
            }
            match due.run {
                Some(at) => {
                    let started = engine
                        .start_execution(
                            &s.workflow_id,
                            Value::Object(Default::default()),
                            ExecOptions { run_async: true, ..ExecOptions::default() },
                            None,
                            TriggerKind::Schedule,
                            Some((&s.trigger_id, at)),
                        )
                        .await;
                    match started {
                        Ok((started, true)) => {
                            tracing::info!(workflow = %s.workflow_id, trigger = %s.trigger_id, fire = %at,
                                execution = %started.execution_id, "schedule fired");
                        }
                        Ok((_, false)) => {} // another instance took this fire
                        Err(e) => {
                            tracing::warn!(workflow = %s.workflow_id, trigger = %s.trigger_id, error = %e, "schedule fire failed");
                            store.record_fire(&s.workflow_id, &s.trigger_id, at).await?;
                        }
                    }
                    if latest > at {
                        store.record_fire(&s.workflow_id, &s.trigger_id, latest).await?;
                    }
                }
                None => {
                    store.record_fire(&s.workflow_id, &s.trigger_id, latest).await?;
                }
            }
            last.insert(key, latest);
        }
    }
    Ok(())
}
