//! Workflows end to end against the real binary: the seed's order workflow both ways through
//! its condition, retries, timeouts, cancel, retry from the failed node, validation, versions,
//! secrets, SSRF refusals — on the SQLite and the PostgreSQL store.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use test_support::{TestStore, store_tests};

use crate::fake_api::FakeApi;
use crate::harness::Server;

pub struct Ctx {
    pub s: Server,
    pub admin: String,
    pub api: FakeApi,
    pub base: String,
}

/// A server allowed to call the local fake API, with a `shop` SQLite datasource of orders.
pub async fn setup(store: TestStore, env: &[(&str, &str)]) -> Ctx {
    let shop = store.data_dir.path().join("shop.db");
    make_shop(&shop).await;
    let mut all = vec![("QUARRY_HTTP_ALLOWLIST", "127.0.0.1"), ("QUARRY_RATE_LIMIT_BURST", "100000")];
    all.extend_from_slice(env);
    let s = Server::start(store, &all).await;
    let admin = s.admin().await;
    s.post(
        "/api/v1/datasources",
        Some(&admin),
        json!({"name": "shop", "code": "shop", "type": "sqlite", "connection": {"database": shop.display().to_string()}}),
    )
    .await
    .expect(201, 0);
    let (api, base) = FakeApi::start().await;
    Ctx { s, admin, api, base }
}

async fn make_shop(path: &std::path::Path) {
    use sqlx::Connection;
    if path.exists() {
        return;
    }
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE \"Order\" (id TEXT PRIMARY KEY, stock INTEGER NOT NULL, amount NUMERIC NOT NULL, note TEXT);
         INSERT INTO \"Order\" VALUES ('ORD1', 5, 42.5, 'ok'), ('ORD2', 0, 10, 'none left'), ('ORD3', 2, 7, 'x''; DROP TABLE \"Order\"; --');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
}

/// The seed's order workflow (section 2.4.1), calling the fake payment API.
pub fn order_workflow(base: &str) -> Value {
    json!({
        "name": "订单处理流程",
        "description": "自动处理新订单的完整流程",
        "category": "订单管理",
        "nodes": [
            {"id": "node_1", "type": "query", "name": "查询订单信息",
             "config": {"datasourceId": "shop", "output": "order", "single": true,
                        "query": {"tables": [{"name": "Order", "where": {"id": "${orderId}"}}]}},
             "position": {"x": 100, "y": 100}},
            {"id": "node_2", "type": "condition", "name": "检查库存",
             "config": {"condition": "${order.stock} > 0"}, "position": {"x": 300, "y": 100}},
            {"id": "node_3", "type": "api", "name": "调用支付接口",
             "config": {"url": format!("{base}/pay"), "method": "POST",
                        "headers": {"Authorization": "Bearer ${paymentToken}"},
                        "body": {"orderId": "${orderId}", "amount": "${order.amount}"},
                        "output": "paymentResult"},
             "position": {"x": 500, "y": 100}}
        ],
        "edges": [
            {"id": "edge_1", "from": "node_1", "to": "node_2", "condition": null},
            {"id": "edge_2", "from": "node_2", "to": "node_3", "condition": "success"}
        ],
        "variables": [
            {"name": "orderId", "type": "string", "required": true, "defaultValue": null},
            {"name": "paymentToken", "type": "string", "required": false, "defaultValue": "tok_test"}
        ],
        "triggers": []
    })
}

pub async fn create(c: &Ctx, def: Value) -> String {
    let a = c.s.post("/api/v1/workflows", Some(&c.admin), def).await.expect(201, 0);
    a.data()["id"].as_str().unwrap().to_owned()
}

pub async fn run(c: &Ctx, id: &str, input: Value) -> Value {
    c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"input": input}))
        .await
        .expect(200, 0)
        .data()
        .clone()
}

/// Polls an execution until `done` holds (or fails the test after `secs`).
pub async fn wait_for(c: &Ctx, exec: &str, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = c.s.get(&format!("/api/v1/executions/{exec}"), Some(&c.admin)).await.data().clone();
        if done(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "execution did not get there in {secs} s: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn node<'a>(exec: &'a Value, id: &str) -> &'a Value {
    exec["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["nodeId"] == id)
        .unwrap_or_else(|| panic!("no node {id}: {exec}"))
}

store_tests!(
    the_seed_order_workflow_runs_both_ways,
    retries_timeouts_cancel_and_retry_from_the_failed_node,
    definitions_are_validated_versioned_and_keep_secrets
);

async fn the_seed_order_workflow_runs_both_ways(store: TestStore) {
    let c = setup(store, &[]).await;
    let created = c.s.post("/api/v1/workflows", Some(&c.admin), order_workflow(&c.base)).await.expect(201, 0);
    let d = created.data();
    assert_eq!((d["status"].as_str(), d["version"].as_i64()), (Some("draft"), Some(1)), "{d}");
    assert!(d["createdAt"].is_string() && d["signingSecret"].as_str().unwrap().starts_with("whsec_"));
    let id = d["id"].as_str().unwrap().to_owned();

    // In stock: the condition is true and the payment API is called with typed values.
    let e = run(&c, &id, json!({"orderId": "ORD1"})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert_eq!(e["output"]["paymentResult"]["body"]["success"], true, "{e}");
    assert_eq!(e["output"]["order"]["stock"], 5);
    assert_eq!(node(&e, "node_2")["output"], true);
    assert_eq!(node(&e, "node_3")["status"], "succeeded");
    assert!(e["duration"].as_i64().unwrap() >= 0 && e["startedAt"].is_string() && e["completedAt"].is_string());
    let logs = e["logs"].as_array().unwrap();
    assert!(logs.iter().any(|l| l["nodeId"] == "node_1" && l["level"] == "info"), "{logs:?}");
    let pay = c.api.hits("/pay");
    assert_eq!(pay.len(), 1);
    assert_eq!(pay[0].body, json!({"orderId": "ORD1", "amount": 42.5}));
    assert_eq!(pay[0].headers["authorization"], "Bearer tok_test");
    let key = format!("{}:node_3", e["executionId"].as_str().unwrap());
    assert_eq!(pay[0].headers["idempotency-key"], key.as_str());

    // Out of stock: the condition is false, the branch ends, the payment API is not called.
    let e = run(&c, &id, json!({"orderId": "ORD2"})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert_eq!(node(&e, "node_2")["output"], false);
    assert_eq!(node(&e, "node_3")["status"], "skipped");
    assert!(e["output"].get("paymentResult").is_none(), "{e}");
    assert_eq!(c.api.hits("/pay").len(), 1);

    // A hostile value is bound, never pasted: it finds its row and changes nothing.
    let e = run(&c, &id, json!({"orderId": "x'; DROP TABLE \"Order\"; --"})).await;
    assert_eq!(e["status"], "failed", "{e}"); // no such order: `order` is null, so stock is missing
    assert!(e["error"].as_str().unwrap().contains("node_2"), "{e}");
    let e = run(&c, &id, json!({"orderId": "ORD3"})).await;
    assert_eq!(e["output"]["order"]["note"], "x'; DROP TABLE \"Order\"; --");

    // Missing and mistyped input: every problem, nothing queued.
    let a =
        c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"input": {"paymentToken": 7}}))
            .await;
    let a = a.expect(400, 1000);
    let paths: Vec<&str> = a.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["input.orderId", "input.paymentToken"]);
    let list = c.s.get(&format!("/api/v1/workflows/{id}/executions?pageSize=50"), Some(&c.admin)).await.expect(200, 0);
    assert_eq!(list.data()["total"], 4);

    // Async: answers at once with a monitor URL; the callback receives the signed result.
    let a = c
        .s
        .post(
            &format!("/api/v1/workflows/{id}/execute"),
            Some(&c.admin),
            json!({"input": {"orderId": "ORD1"}, "options": {"async": true, "webhook": format!("{}/callback", c.base), "timeout": 60000}}),
        )
        .await
        .expect(200, 0);
    assert_eq!(a.data()["status"], "running");
    let exec = a.data()["executionId"].as_str().unwrap().to_owned();
    assert_eq!(a.data()["monitorUrl"], format!("/api/v1/executions/{exec}"));
    let done = wait_for(&c, &exec, 20, |v| v["callback"] == "delivered").await;
    assert_eq!(done["status"], "completed");
    let hit = c.api.hits("/callback").pop().unwrap();
    assert_eq!(hit.body["executionId"], exec.as_str());
    assert_eq!(hit.body["status"], "completed");
    let secret = d["signingSecret"].as_str().unwrap();
    let ts: i64 = hit.headers["x-quarry-timestamp"].to_str().unwrap().parse().unwrap();
    let raw = hit.headers["x-raw-body"].as_bytes();
    assert_eq!(
        hit.headers["x-quarry-signature"].to_str().unwrap(),
        egress::signature::sign(secret.as_bytes(), ts, raw)
    );
}

async fn retries_timeouts_cancel_and_retry_from_the_failed_node(store: TestStore) {
    let c = setup(store, &[]).await;
    let b = &c.base;
    // A server that fails twice (503), then answers: three attempts, with backoff.
    c.api.flaky_failures.store(2, Ordering::SeqCst);
    let id = create(
        &c,
        json!({"name": "flaky", "nodes": [{"id": "call", "type": "api", "config": {"url": format!("{b}/flaky"),
        "method": "POST", "retry": {"maxAttempts": 3, "initialDelayMs": 50, "maxDelayMs": 200}}}]}),
    )
    .await;
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert_eq!(node(&e, "call")["attempts"], 3);
    assert_eq!(c.api.hits("/flaky").len(), 3);
    assert_eq!(e["logs"].as_array().unwrap().iter().filter(|l| l["level"] == "warn").count(), 2, "{e}");
    let keys: Vec<_> = c.api.hits("/flaky").iter().map(|h| h.headers["idempotency-key"].clone()).collect();
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "one idempotency key across attempts");

    // 429 with Retry-After is honoured; a plain 4xx is not retried.
    let id = create(
        &c,
        json!({"name": "limited", "nodes": [{"id": "call", "type": "api", "config": {"url": format!("{b}/limited"),
        "method": "POST", "retry": {"maxAttempts": 2, "initialDelayMs": 10, "maxDelayMs": 10}}}]}),
    )
    .await;
    let started = Instant::now();
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert!(started.elapsed() >= Duration::from_millis(900), "Retry-After: 1 was honoured");
    let id = create(
        &c,
        json!({"name": "bad", "nodes": [{"id": "call", "type": "api", "config": {"url": format!("{b}/bad"),
        "method": "POST", "retry": {"maxAttempts": 5, "initialDelayMs": 10, "maxDelayMs": 10}}}]}),
    )
    .await;
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "failed");
    assert_eq!(node(&e, "call")["attempts"], 1);
    assert_eq!(node(&e, "call")["output"]["status"], 400);
    assert!(e["error"].as_str().unwrap().contains("HTTP 400"), "{e}");

    // The same failure with a failure edge takes that branch instead of failing.
    let id = create(
        &c,
        json!({"name": "handled", "nodes": [
        {"id": "call", "type": "api", "config": {"url": format!("{b}/bad"), "method": "POST", "output": "charge"}},
        {"id": "refund", "type": "transform", "config": {"assign": {"reason": "${charge.body.error}"}}},
        {"id": "ship", "type": "transform", "config": {"assign": {"shipped": "true"}}}],
        "edges": [{"id": "e1", "from": "call", "to": "refund", "condition": "failure"},
                  {"id": "e2", "from": "call", "to": "ship", "condition": "success"}]}),
    )
    .await;
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert_eq!(e["output"]["refund"]["reason"], "invalid card");
    assert_eq!(node(&e, "ship")["status"], "skipped");

    // A per-node timeout, and the execution's own timeout.
    let id = create(&c, json!({"name": "slow", "nodes": [{"id": "call", "type": "api", "config": {"url": format!("{b}/slow"), "timeoutMs": 300}}]})).await;
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "failed");
    assert!(node(&e, "call")["error"].as_str().unwrap().contains("timed out"), "{e}");
    let id =
        create(&c, json!({"name": "long", "nodes": [{"id": "wait", "type": "delay", "config": {"ms": 20000}}]})).await;
    let a =
        c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"options": {"timeout": 300}}))
            .await;
    let e = a.expect(200, 0).data().clone();
    assert_eq!(e["status"], "failed");
    assert!(e["error"].as_str().unwrap().contains("timed out after 300 ms"), "{e}");

    // Cancel a running execution.
    let a =
        c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"options": {"async": true}})).await;
    let exec = a.expect(200, 0).data()["executionId"].as_str().unwrap().to_owned();
    wait_for(&c, &exec, 10, |v| v["status"] == "running").await;
    let a = c.s.post(&format!("/api/v1/executions/{exec}/cancel"), Some(&c.admin), json!({})).await.expect(200, 0);
    assert_eq!(a.data()["status"], "cancelled", "{}", a.body);
    assert_eq!(node(a.data(), "wait")["status"], "cancelled");
    c.s.post(&format!("/api/v1/executions/{exec}/cancel"), Some(&c.admin), json!({})).await.expect(409, 4001);

    // Retry from the failed node: the earlier node keeps its result and is not run again.
    let id = create(
        &c,
        json!({"name": "toggle", "nodes": [
        {"id": "first", "type": "api", "config": {"url": format!("{b}/pay"), "method": "POST", "body": {"amount": 1}}},
        {"id": "second", "type": "api", "config": {"url": format!("{b}/toggle"), "method": "POST"}}],
        "edges": [{"id": "e1", "from": "first", "to": "second"}]}),
    )
    .await;
    let pays = c.api.hits("/pay").len();
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "failed");
    let first_done = node(&e, "first")["completedAt"].clone();
    assert_eq!(c.api.hits("/pay").len(), pays + 1);
    let exec = e["executionId"].as_str().unwrap().to_owned();
    c.api.toggle_ok.store(true, Ordering::SeqCst);
    let a = c.s.post(&format!("/api/v1/executions/{exec}/retry"), Some(&c.admin), json!({})).await.expect(200, 0);
    assert_eq!(a.data()["status"], "queued");
    let done = wait_for(&c, &exec, 10, |v| v["status"] == "completed").await;
    assert_eq!(node(&done, "first")["completedAt"], first_done, "the succeeded node kept its result");
    assert_eq!(node(&done, "second")["status"], "succeeded");
    assert_eq!(c.api.hits("/pay").len(), pays + 1, "the succeeded node did not run again");
    c.s.post(&format!("/api/v1/executions/{exec}/retry"), Some(&c.admin), json!({})).await.expect(409, 4001);
}

async fn definitions_are_validated_versioned_and_keep_secrets(store: TestStore) {
    let c = setup(store, &[]).await;
    // Every problem at once, with its path.
    let bad = json!({"name": "", "nodes": [
        {"id": "a", "type": "query", "config": {"datasourceId": "nope", "query": {"tables": [{"name": "Order"}]}}},
        {"id": "b", "type": "condition", "config": {"expression": "${ordr.stock} > 0"}},
        {"id": "c", "type": "teleport"}],
        "edges": [{"id": "e1", "from": "a", "to": "b"}, {"id": "e2", "from": "b", "to": "a"}, {"id": "e3", "from": "a", "to": "zz"}],
        "triggers": [{"type": "schedule", "config": {"cron": "61 * * * *"}}]});
    let a = c.s.post("/api/v1/workflows", Some(&c.admin), bad.clone()).await.expect(400, 1000);
    let errors = a.body["errors"].as_array().unwrap();
    let has = |path: &str| errors.iter().any(|e| e["path"] == path);
    for path in ["name", "nodes[0].config.datasourceId", "nodes[2].type", "edges[2].to", "triggers[0].config.cron"] {
        assert!(has(path), "no problem at {path}: {errors:?}");
    }
    assert!(errors.iter().any(|e| e["code"] == "cycle"), "{errors:?}");
    let a = c.s.post("/api/v1/workflows/validate", Some(&c.admin), bad).await.expect(200, 0);
    assert_eq!(a.data()["valid"], false);
    let a = c.s.post("/api/v1/workflows/validate", Some(&c.admin), order_workflow(&c.base)).await.expect(200, 0);
    assert_eq!(a.data()["valid"], true, "{}", a.body);

    // A literal credential is sealed: shown masked, absent from the store's bytes, still sent.
    let mut def = order_workflow(&c.base);
    def["nodes"][2]["config"]["headers"]["Authorization"] = json!("Bearer sk_live_TOPSECRET");
    def["triggers"] = json!([{"id": "hook", "type": "webhook", "config": {"path": "orders-in", "secret": "whsec-chosen-by-user-123"}}]);
    let id = create(&c, def.clone()).await;
    let got = c.s.get(&format!("/api/v1/workflows/{id}"), Some(&c.admin)).await.expect(200, 0);
    let shown = got.data()["definition"].to_string();
    assert!(!shown.contains("TOPSECRET") && !shown.contains("chosen-by-user"), "{shown}");
    assert_eq!(got.data()["definition"]["nodes"][2]["config"]["headers"]["Authorization"], "******");
    assert_eq!(got.data()["webhooks"], json!(["/api/v1/hooks/orders-in"]));
    let e = run(&c, &id, json!({"orderId": "ORD1"})).await;
    assert_eq!(c.api.hits("/pay").last().unwrap().headers["authorization"], "Bearer sk_live_TOPSECRET");
    let shown = e.to_string();
    assert!(!shown.contains("TOPSECRET"), "execution views mask credentials: {shown}");

    // Saving the masked definition back keeps the secrets and makes version 2; v1 stays readable.
    let mut v2 = got.data()["definition"].clone();
    v2["description"] = json!("second");
    let a = c.s.put(&format!("/api/v1/workflows/{id}"), Some(&c.admin), v2).await.expect(200, 0);
    assert_eq!(a.data()["version"], 2);
    run(&c, &id, json!({"orderId": "ORD1"})).await;
    assert_eq!(c.api.hits("/pay").last().unwrap().headers["authorization"], "Bearer sk_live_TOPSECRET");
    let v1 = c.s.get(&format!("/api/v1/workflows/{id}?version=1"), Some(&c.admin)).await.expect(200, 0);
    assert_eq!((v1.data()["version"].as_i64(), v1.data()["latestVersion"].as_i64()), (Some(1), Some(2)));
    let versions = c.s.get(&format!("/api/v1/workflows/{id}/versions"), Some(&c.admin)).await.expect(200, 0);
    assert_eq!(versions.data().as_array().unwrap().len(), 2);

    // A second workflow cannot take the same webhook path.
    let mut other = order_workflow(&c.base);
    other["triggers"] = json!([{"type": "webhook", "config": {"path": "orders-in"}}]);
    c.s.post("/api/v1/workflows", Some(&c.admin), other).await.expect(409, 4000);

    // Listing and filtering.
    let a =
        c.s.get(
            "/api/v1/workflows?category=%E8%AE%A2%E5%8D%95%E7%AE%A1%E7%90%86&keyword=%E8%AE%A2%E5%8D%95",
            Some(&c.admin),
        )
        .await;
    assert_eq!(a.expect(200, 0).data()["total"], 1);

    // Saving needs query rights on the datasources the workflow reads.
    let writer = c.s.user_with(&c.admin, "writer", &["workflow:write"]).await;
    let a = c.s.post("/api/v1/workflows", Some(&writer), order_workflow(&c.base)).await.expect(400, 1000);
    assert_eq!(a.body["errors"][0]["path"], "nodes[0].config.datasourceId");

    // Outbound calls to private addresses are refused unless allow-listed.
    let id = create(
        &c,
        json!({"name": "ssrf", "nodes": [{"id": "meta", "type": "api",
        "config": {"url": "http://169.254.169.254/latest/meta-data/"}}]}),
    )
    .await;
    let e = run(&c, &id, json!({})).await;
    assert_eq!(e["status"], "failed");
    assert!(
        node(&e, "meta")["error"].as_str().unwrap().to_lowercase().contains("forbidden")
            || node(&e, "meta")["error"].as_str().unwrap().contains("not allowed"),
        "{e}"
    );

    c.s.call(reqwest::Method::DELETE, &format!("/api/v1/workflows/{id}"), Some(&c.admin), None).await.expect(200, 0);
    c.s.get(&format!("/api/v1/workflows/{id}"), Some(&c.admin)).await.expect(404, 3000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branches_run_concurrently_join_and_respect_the_concurrency_limit() {
    let c = setup(TestStore::new(test_support::StoreKind::Sqlite).await.unwrap(), &[]).await;
    // Fan out from an RSQL query: one branch waits, the other ends at a false condition whose
    // node is skipped; the join still runs, after the branch that could reach it.
    let id = create(&c, json!({"name": "fan", "nodes": [
        {"id": "read", "type": "query", "config": {"datasourceId": "shop", "model": "Order", "rsql": "id=in=(${ids});stock>0", "output": "orders"}},
        {"id": "slow", "type": "delay", "config": {"ms": 300}},
        {"id": "check", "type": "delay", "config": {"ms": 300}},
        {"id": "none", "type": "condition", "config": {"expression": "len(${orders}) > 5"}},
        {"id": "never", "type": "transform", "config": {"assign": {"x": "1"}}},
        {"id": "join", "type": "transform", "config": {"assign": {"count": "len(${orders})", "first": "${orders[0].id}"}}}],
        "edges": [{"id": "e1", "from": "read", "to": "slow"}, {"id": "e2", "from": "read", "to": "check"},
                  {"id": "e3", "from": "check", "to": "none"}, {"id": "e4", "from": "none", "to": "never", "condition": "true"},
                  {"id": "e5", "from": "slow", "to": "join"}, {"id": "e6", "from": "never", "to": "join"}],
        "variables": [{"name": "ids", "type": "array", "required": true}]})).await;
    let e = run(&c, &id, json!({"ids": ["ORD1", "ORD2", "ORD3"]})).await;
    assert_eq!(e["status"], "completed", "{e}");
    assert_eq!(e["output"]["join"]["count"], 2, "ORD2 has no stock: {e}");
    assert_eq!(e["output"]["join"]["first"], "ORD1");
    assert_eq!(node(&e, "never")["status"], "skipped");
    let (slow, check) = (node(&e, "slow"), node(&e, "check"));
    assert!(time(&check["startedAt"]) < time(&slow["completedAt"]), "the branches overlapped: {e}");
    assert!(time(&slow["startedAt"]) < time(&check["completedAt"]), "the branches overlapped: {e}");
    assert!(time(&node(&e, "join")["startedAt"]) >= time(&slow["completedAt"]));

    // maxConcurrency 1: three executions queue and run one after another.
    let id = create(
        &c,
        json!({"name": "one at a time", "maxConcurrency": 1,
        "nodes": [{"id": "wait", "type": "delay", "config": {"ms": 200}}]}),
    )
    .await;
    let mut execs = Vec::new();
    for _ in 0..3 {
        let a =
            c.s.post(&format!("/api/v1/workflows/{id}/execute"), Some(&c.admin), json!({"options": {"async": true}}))
                .await;
        execs.push(a.expect(200, 0).data()["executionId"].as_str().unwrap().to_owned());
    }
    let mut spans = Vec::new();
    for exec in &execs {
        let v = wait_for(&c, exec, 20, |v| v["status"] == "completed").await;
        spans.push((time(&v["startedAt"]), time(&v["completedAt"])));
    }
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "executions overlapped despite maxConcurrency 1: {spans:?}");
    }
}

fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a timestamp: {v}"))
}
