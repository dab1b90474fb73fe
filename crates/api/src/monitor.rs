//! Background monitoring work of one instance: persisting its per-minute rollups (and pruning
//! old ones), evaluating alert rules, and relaying workflow engine events to realtime
//! subscribers as `workflow-status` events and `notification`s.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use store::AlertRuleRow;
use telemetry::rollup::derived;

use crate::AppState;
use crate::realtime::{Audience, Event};

/// Settings of the monitoring loops.
#[derive(Debug, Clone)]
pub struct MonitorSettings {
    /// This instance's id: its rollup rows are its own.
    pub instance_id: String,
    /// How often totals are added to the store (history is accurate to this).
    pub flush_every: Duration,
    /// How often alert rules are evaluated.
    pub alert_every: Duration,
    /// Rollups older than this are deleted.
    pub retention: Duration,
}

/// Starts the loops.
pub fn spawn(state: AppState, settings: MonitorSettings) {
    tokio::spawn(flush_rollups(state.clone(), settings.clone()));
    tokio::spawn(evaluate_alerts(state.clone(), settings.alert_every));
    tokio::spawn(relay_workflow_events(state));
}

fn minute_of(at: chrono::DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60) * 60
}

async fn flush_rollups(state: AppState, settings: MonitorSettings) {
    let mut ticker = tokio::time::interval(settings.flush_every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        ticker.tick().await;
        flush_once(&state, &settings.instance_id).await;
        if last_prune.elapsed() > Duration::from_secs(600) {
            last_prune = std::time::Instant::now();
            let before = minute_of(Utc::now()) - i64::try_from(settings.retention.as_secs()).unwrap_or(i64::MAX / 2);
            if let Err(e) = state.store.prune_rollups(before).await {
                tracing::warn!(error = %e, "could not prune metric rollups");
            }
            if let Err(e) = state.store.prune_realtime_tickets(Utc::now() - chrono::Duration::minutes(5)).await {
                tracing::warn!(error = %e, "could not prune realtime tickets");
            }
        }
    }
}

/// Adds the totals recorded since the last flush to this minute's row; on failure they are
/// put back and go with the next flush, so nothing is lost or counted twice.
pub async fn flush_once(state: &AppState, instance_id: &str) {
    let m = telemetry::metrics();
    let totals = m.take_totals();
    if totals.is_empty() {
        return;
    }
    if let Err(e) = state.store.add_rollup(minute_of(Utc::now()), instance_id, &totals).await {
        tracing::warn!(error = %e, "could not save metric rollups; retrying with the next flush");
        m.restore_totals(&totals);
    }
}

async fn evaluate_alerts(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let rules = match state.store.alert_rules().await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "could not read alert rules");
                continue;
            }
        };
        for rule in rules.into_iter().filter(|r| r.enabled) {
            if let Err(e) = evaluate(&state, &rule).await {
                tracing::warn!(rule = %rule.id, error = %e, "could not evaluate an alert rule");
            }
        }
    }
}

/// The rule's metric now: a rollup series over its window (every instance's rows, including
/// the current minute so far), or this instance's live gauge.
async fn current_value(state: &AppState, rule: &AlertRuleRow) -> store::Result<Option<f64>> {
    if let Some(series) = derived(&rule.metric) {
        let now = Utc::now();
        let from = minute_of(now) - (rule.window_minutes - 1) * 60;
        let to = minute_of(now) + 60;
        let buckets = state.store.rollup_buckets(from, to, to - from).await?;
        let totals = buckets.into_iter().next().map(|b| b.totals).unwrap_or_default();
        let seconds = (now.timestamp() - from).max(1) as f64;
        return Ok(series.value(&totals, seconds));
    }
    Ok(telemetry::metrics()
        .snapshot()
        .into_iter()
        .filter(|s| s.name == rule.metric)
        .filter_map(|s| match s.value {
            telemetry::Value::Gauge(v) => Some(v),
            _ => None,
        })
        .reduce(f64::max))
}

fn holds(comparison: &str, value: f64, threshold: f64) -> bool {
    match comparison {
        ">" => value > threshold,
        ">=" => value >= threshold,
        "<" => value < threshold,
        "<=" => value <= threshold,
        "==" => value == threshold,
        "!=" => value != threshold,
        _ => false,
    }
}

async fn evaluate(state: &AppState, rule: &AlertRuleRow) -> store::Result<()> {
    let value = current_value(state, rule).await?;
    // An undefined value (a rate of nothing) changes nothing: it neither fires nor resolves.
    let to = match value {
        Some(v) if holds(&rule.comparison, v, rule.threshold) => "firing",
        Some(_) => "ok",
        None => rule.state.as_str(),
    };
    let shown = value.map(|v| (v * 100.0).round() / 100.0);
    let message = match to {
        "firing" => format!(
            "{}: {} is {} ({} {} over {} min)",
            rule.name,
            rule.metric,
            shown.map_or("?".into(), |v| v.to_string()),
            rule.comparison,
            rule.threshold,
            rule.window_minutes
        ),
        _ => format!("{}: {} is back to {}", rule.name, rule.metric, shown.map_or("?".into(), |v| v.to_string())),
    };
    // Only the instance whose update changes the state gets the event, so it is sent once.
    if let Some(event) = state.store.record_alert_evaluation(rule, to, value, &message, Utc::now()).await? {
        let data = json!({
            "id": event.id,
            "ruleId": rule.id,
            "name": rule.name,
            "metric": rule.metric,
            "comparison": rule.comparison,
            "threshold": rule.threshold,
            "windowMinutes": rule.window_minutes,
            "value": value,
            "severity": rule.severity,
            "state": event.state,
            "message": message,
        });
        state.hub.publish(Event::new("alert", Audience::Permission("metrics:read".into()), data)).await;
    }
    Ok(())
}

async fn relay_workflow_events(state: AppState) {
    let mut events = state.engine.subscribe();
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "workflow events missed by the realtime relay");
                continue;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        let kind = match event.kind {
            engine::EventKind::Started => "started",
            engine::EventKind::NodeStarted => "nodeStarted",
            engine::EventKind::NodeFinished => "nodeFinished",
            engine::EventKind::Finished => "finished",
        };
        if event.kind == engine::EventKind::Finished {
            telemetry::workflow_execution(&event.status, Duration::from_millis(event.elapsed_ms));
        }
        let data = json!({
            "event": kind,
            "executionId": event.execution_id,
            "workflowId": event.workflow_id,
            "nodeId": event.node_id,
            "status": event.status,
            "error": event.error,
            "elapsedMs": event.elapsed_ms,
            "monitorUrl": format!("/api/v1/executions/{}", event.execution_id),
        });
        state.hub.publish(Event::new("workflow-status", Audience::Permission("workflow:read".into()), data)).await;
        // Whoever started an execution asynchronously hears how it ended.
        if event.kind == engine::EventKind::Finished
            && event.run_async
            && let Some(user) = &event.started_by
        {
            let level = match event.status.as_str() {
                "completed" => "success",
                "cancelled" => "warning",
                _ => "error",
            };
            let message = match &event.error {
                Some(e) => format!("Execution {} {}: {e}", event.execution_id, event.status),
                None => format!("Execution {} {} in {} ms", event.execution_id, event.status, event.elapsed_ms),
            };
            let data = json!({
                "level": level,
                "title": "Workflow execution finished",
                "message": message,
                "link": format!("/api/v1/executions/{}", event.execution_id),
                "executionId": event.execution_id,
                "workflowId": event.workflow_id,
            });
            state.hub.publish(Event::new("notification", Audience::User(user.clone()), data)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comparisons() {
        assert!(super::holds(">", 6.0, 5.0));
        assert!(!super::holds(">", 5.0, 5.0));
        assert!(super::holds("<=", 5.0, 5.0));
        assert!(super::holds("!=", 1.0, 5.0));
        assert!(!super::holds("?", 1.0, 5.0));
    }
}
