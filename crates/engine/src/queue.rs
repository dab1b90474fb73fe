//! The dispatcher (claims queued executions while this instance has free slots), the heartbeat
//! (extends this instance's leases and notices cancellations requested through other
//! instances) and housekeeping (undelivered callbacks, old webhook signatures).

use std::time::Duration;

use crate::Engine;

/// How often the dispatcher looks at the queue when nobody woke it (work queued by other
/// instances, leases that lapsed).
const POLL: Duration = Duration::from_millis(500);

pub(crate) fn spawn_loops(engine: Engine) {
    tokio::spawn(dispatch(engine.clone()));
    tokio::spawn(heartbeat(engine.clone()));
    tokio::spawn(housekeeping(engine));
}

async fn dispatch(engine: Engine) {
    let inner = &engine.inner;
    let mut stop = inner.stop.subscribe();
    loop {
        if *stop.borrow() {
            return;
        }
        // Claim while slots are free and the queue has work.
        loop {
            let Ok(permit) = inner.slots.clone().try_acquire_owned() else { break };
            let now = store::now_micros();
            let until = now + chrono::Duration::from_std(inner.settings.lease).unwrap_or_default();
            match inner.store.claim_execution(&inner.settings.instance_id, now, until).await {
                Ok(Some(row)) => {
                    let engine = engine.clone();
                    tokio::spawn(async move {
                        engine.run_claimed(row).await;
                        drop(permit);
                        engine.inner.wake.notify_one();
                    });
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "could not claim from the execution queue");
                    break;
                }
            }
        }
        tokio::select! {
            _ = inner.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn heartbeat(engine: Engine) {
    let inner = &engine.inner;
    let every = inner.settings.lease / 3;
    let mut stop = inner.stop.subscribe();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let ids: Vec<String> = inner.running.lock().expect("running map").keys().cloned().collect();
        if ids.is_empty() {
            continue;
        }
        let until = chrono::Utc::now() + chrono::Duration::from_std(inner.settings.lease).unwrap_or_default();
        match inner.store.renew_leases(&inner.settings.instance_id, &ids, until).await {
            Ok(cancelled) => {
                let running = inner.running.lock().expect("running map");
                for id in cancelled {
                    if let Some(switch) = running.get(&id) {
                        let _ = switch.send(true);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not renew execution leases"),
        }
    }
}

async fn housekeeping(engine: Engine) {
    let inner = &engine.inner;
    let mut stop = inner.stop.subscribe();
    loop {
        // Callbacks that a stopped instance did not deliver.
        let stalled = chrono::Utc::now() - chrono::Duration::minutes(3);
        match inner.store.stalled_callbacks(stalled, 20).await {
            Ok(rows) => {
                for row in rows {
                    let engine = engine.clone();
                    tokio::spawn(async move { engine.deliver_callback(&row.id).await });
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read pending callbacks"),
        }
        let before = chrono::Utc::now() - chrono::Duration::minutes(10);
        if let Err(e) = inner.store.forget_signatures(before).await {
            tracing::warn!(error = %e, "could not prune webhook signatures");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            _ = stop.changed() => return,
        }
    }
}
