//! Workflow triggers and durability against the real binary: signed webhooks (good, bad, stale,
//! replayed), schedules firing once across two instances, and an execution that survives a
//! `kill -9` of its server.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use test_support::{StoreKind, TestStore, store_tests};

use crate::harness::{Server, answer};
use crate::workflows::{create, node, order_workflow, setup, wait_for};

const HOOK_SECRET: &str = "hook-secret-0123456789";

async fn signed(s: &Server, path: &str, secret: &str, ts: i64, body: &str) -> crate::harness::Answer {
    let sig = egress::signature::sign(secret.as_bytes(), ts, body.as_bytes());
    let req = s
        .client
        .post(s.url(path))
        .header("content-type", "application/json")
        .header("x-quarry-timestamp", ts.to_string())
        .header("x-quarry-signature", sig)
        .body(body.to_owned());
    answer(req.send().await.unwrap()).await
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

store_tests!(webhooks_need_a_fresh_unused_signature, a_killed_server_resumes_its_executions);

async fn webhooks_need_a_fresh_unused_signature(store: TestStore) {
    let c = setup(store, &[]).await;
    let mut def = order_workflow(&c.base);
    def["triggers"] = json!([
        {"id": "orders", "type": "webhook", "config": {"path": "orders-in", "secret": HOOK_SECRET}},
        {"id": "plain", "type": "webhook", "config": {}}
    ]);
    let created = c.s.post("/api/v1/workflows", Some(&c.admin), def).await.expect(201, 0);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    let signing = created.data()["signingSecret"].as_str().unwrap().to_owned();
    let body = r#"{"orderId": "ORD1"}"#;

    // A draft does not fire.
    signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, now(), body).await.expect(404, 3000);
    c.s.post(&format!("/api/v1/workflows/{id}/publish"), Some(&c.admin), json!({})).await.expect(200, 0);

    let ts = now();
    let a = signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, ts, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.body);
    let exec = a.data()["executionId"].as_str().unwrap().to_owned();
    let done = wait_for(&c, &exec, 10, |v| v["status"] == "completed").await;
    assert_eq!(done["trigger"], "webhook");
    assert_eq!(done["input"]["orderId"], "ORD1");
    assert_eq!(c.api.hits("/pay").len(), 1);

    // The same signed request again is a replay.
    let a = signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, ts, body).await.expect(401, 7001);
    assert!(a.body["message"].as_str().unwrap().contains("replay"), "{}", a.body);
    // A wrong secret, a stale or future timestamp, a changed body, no headers: refused.
    signed(&c.s, "/api/v1/hooks/orders-in", "not-the-secret-at-all", now(), body).await.expect(401, 7001);
    let a = signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, now() - 301, body).await.expect(401, 7001);
    assert!(a.body["message"].as_str().unwrap().contains("5 minutes"), "{}", a.body);
    signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, now() + 301, body).await.expect(401, 7001);
    let ts = now();
    let sig = egress::signature::sign(HOOK_SECRET.as_bytes(), ts, body.as_bytes());
    let tampered =
        c.s.client
            .post(c.s.url("/api/v1/hooks/orders-in"))
            .header("x-quarry-timestamp", ts.to_string())
            .header("x-quarry-signature", sig)
            .body(r#"{"orderId": "ORD2"}"#);
    answer(tampered.send().await.unwrap()).await.expect(401, 7001);
    let bare = c.s.client.post(c.s.url("/api/v1/hooks/orders-in")).body(body);
    answer(bare.send().await.unwrap()).await.expect(401, 7001);
    assert_eq!(c.api.hits("/pay").len(), 1, "no refused call ran the workflow");

    // The trigger without a secret of its own listens at the workflow id with the signing secret.
    let a = signed(&c.s, &format!("/api/v1/hooks/{id}"), &signing, now(), r#"{"orderId": "ORD2"}"#).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.body);
    signed(&c.s, &format!("/api/v1/hooks/{id}"), HOOK_SECRET, now(), body).await.expect(401, 7001);
    // Rotating the signing secret retires the old one.
    let rotated = c.s.post(&format!("/api/v1/workflows/{id}/signing-secret"), Some(&c.admin), json!({})).await;
    let fresh = rotated.expect(200, 0).data()["signingSecret"].as_str().unwrap().to_owned();
    assert_ne!(fresh, signing);
    signed(&c.s, &format!("/api/v1/hooks/{id}"), &signing, now() - 1, body).await.expect(401, 7001);
    let a = signed(&c.s, &format!("/api/v1/hooks/{id}"), &fresh, now() - 1, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.body);

    // A body that is not JSON, an unknown hook, and an unpublished workflow.
    signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, now() - 2, "not json").await.expect(400, 1000);
    signed(&c.s, "/api/v1/hooks/nowhere", HOOK_SECRET, now(), body).await.expect(404, 3000);
    c.s.post(&format!("/api/v1/workflows/{id}/unpublish"), Some(&c.admin), json!({})).await.expect(200, 0);
    signed(&c.s, "/api/v1/hooks/orders-in", HOOK_SECRET, now() - 3, body).await.expect(404, 3000);
}

async fn a_killed_server_resumes_its_executions(store: TestStore) {
    let c = setup(store, &[("QUARRY_WORKFLOW_LEASE_MS", "2000")]).await;
    let b = &c.base;
    let id = create(&c, json!({"name": "durable", "nodes": [
        {"id": "charge", "type": "api", "config": {"url": format!("{b}/pay"), "method": "POST", "body": {"amount": 5}}},
        {"id": "ship", "type": "api", "config": {"url": format!("{b}/hang"), "method": "POST"}},
        {"id": "done", "type": "end", "config": {"output": {"tx": "${charge.body.transactionId}", "shipped": "${ship.body.ok}"}}}],
        "edges": [{"id": "e1", "from": "charge", "to": "ship"}, {"id": "e2", "from": "ship", "to": "done"}]})).await;
    let a =
        c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"options": {"async": true}})).await;
    let exec = a.expect(200, 0).data()["executionId"].as_str().unwrap().to_owned();
    // Wait until the second node is in flight, then kill the server without any shutdown.
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.api.hits("/hang").is_empty() {
        assert!(Instant::now() < deadline, "the second node never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    c.api.hang_ms.store(100, Ordering::SeqCst);
    let crate::workflows::Ctx { s, api, base, .. } = c;
    let store = s.kill();
    let s = Server::start(store, &[("QUARRY_HTTP_ALLOWLIST", "127.0.0.1"), ("QUARRY_WORKFLOW_LEASE_MS", "2000")]).await;
    let admin = s.admin().await;
    let c = crate::workflows::Ctx { s, admin, api, base };
    let done = wait_for(&c, &exec, 20, |v| v["status"] == "completed").await;
    assert_eq!(done["output"]["shipped"], true, "{done}");
    assert_eq!(done["output"]["tx"], "TXN000001");
    assert_eq!(c.api.hits("/pay").len(), 1, "the committed node did not run again");
    let hang = c.api.hits("/hang");
    assert_eq!(hang.len(), 2, "the in-flight node ran again");
    assert_eq!(hang[0].headers["idempotency-key"], hang[1].headers["idempotency-key"]);
    assert_eq!(hang[0].headers["idempotency-key"], format!("{exec}:ship").as_str());
    assert_eq!(node(&done, "ship")["attempts"], 2);
    assert_eq!(node(&done, "charge")["attempts"], 1);
}

async fn executions(c: &crate::workflows::Ctx, id: &str) -> serde_json::Value {
    c.s.get(&format!("/api/v1/workflows/{id}/executions?pageSize=200"), Some(&c.admin)).await.data().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_fire_once_per_time_across_two_instances() {
    let Some(store) = TestStore::new(StoreKind::Postgres).await else {
        return;
    };
    let url = store.url.clone();
    let second_store = store.sharing();
    let c = setup(store, &[]).await;
    let second = Server::start(second_store, &[("QUARRY_HTTP_ALLOWLIST", "127.0.0.1")]).await;
    let id = create(&c, json!({"name": "every second", "nodes": [
        {"id": "tick", "type": "transform", "config": {"assign": {"n": "1 + 1"}}}],
        "triggers": [{"id": "clock", "type": "schedule", "config": {"cron": "* * * * * *", "timezone": "Asia/Shanghai"}}]})).await;
    // A draft's schedule does not fire.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(executions(&c, &id).await["total"], 0);
    c.s.post(&format!("/api/v1/workflows/{id}/publish"), Some(&c.admin), json!({})).await.expect(200, 0);
    tokio::time::sleep(Duration::from_millis(4500)).await;
    c.s.post(&format!("/api/v1/workflows/{id}/unpublish"), Some(&c.admin), json!({})).await.expect(200, 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let page = executions(&c, &id).await;
    let items = page["items"].as_array().unwrap();
    assert!((3..=6).contains(&items.len()), "about one execution per second: {}", items.len());
    assert!(items.iter().all(|e| e["trigger"] == "schedule" && e["status"] == "completed"), "{page}");
    // Every execution has its own fire time: none was queued twice by the two instances.
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let fires: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT fire_at) FROM workflow_schedule_fires WHERE execution_id IS NOT NULL",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(fires, items.len() as i64);
    let after = executions(&c, &id).await["total"].clone();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(executions(&c, &id).await["total"], after, "unpublished: no more fires");
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cron_previews_list_the_next_fire_times_and_every_problem() {
    let Some(store) = TestStore::new(StoreKind::Sqlite).await else { return };
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    // Weekdays at 09:00 in Shanghai (UTC+8, no daylight saving): 01:00 UTC, never on a weekend.
    let a = s
        .get("/api/v1/workflows/cron-preview?cron=0%209%20*%20*%20MON-FRI&timezone=Asia/Shanghai&count=7", Some(&admin))
        .await;
    let a = a.expect(200, 0);
    let next: Vec<chrono::DateTime<chrono::Utc>> =
        a.data()["next"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
    assert_eq!(next.len(), 7);
    assert!(next.windows(2).all(|w| w[0] < w[1]), "{next:?}");
    assert!(next[0] > chrono::Utc::now());
    use chrono::{Datelike, Timelike};
    for t in &next {
        assert_eq!((t.hour(), t.minute(), t.second()), (1, 0, 0), "{t}");
        let local = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        assert!(local.weekday().num_days_from_monday() < 5, "{t} is a weekend in Shanghai");
    }
    assert!(a.data()["nextLocal"][0].as_str().unwrap().ends_with("T09:00:00+08:00"), "{}", a.body);
    assert_eq!(a.data()["timezone"], "Asia/Shanghai");

    // Every problem at its path, as when a definition is saved; the misspelt zone gets a suggestion.
    let bad = s
        .get("/api/v1/workflows/cron-preview?cron=61%20*%20*%20*%20*&timezone=Asia/Shangai&count=0", Some(&admin))
        .await;
    let bad = bad.expect(400, 1000);
    let paths: Vec<&str> = bad.body["errors"].as_array().unwrap().iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(paths, ["count", "cron", "timezone"], "{}", bad.body);
    assert!(bad.body.to_string().contains("Asia/Shanghai"), "{}", bad.body);
    s.get("/api/v1/workflows/cron-preview", Some(&admin)).await.expect(400, 1000);
    s.get("/api/v1/workflows/cron-preview?cron=0%200%2030%202%20*", Some(&admin)).await.expect(400, 1000);
    s.get("/api/v1/workflows/cron-preview?cron=@daily", None).await.expect(401, 2000);
}
