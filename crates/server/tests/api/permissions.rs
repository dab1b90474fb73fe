//! Every endpoint in the OpenAPI document declares the permission it needs, and enforces exactly that.

use reqwest::Method;
use serde_json::{Value, json};
use test_support::{StoreKind, TestStore};

use crate::harness::Server;

/// Operations anyone may call.
/// Webhooks authenticate by their HMAC signature instead of a token.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/hooks/{hook}"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_declares_and_enforces_its_permission() {
    let s =
        Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &[("QUARRY_RATE_LIMIT_BURST", "10000")]).await;
    let admin = s.admin().await;
    let doc = s.get("/api/v1/openapi.json", None).await.body;
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let known: Vec<String> = s
        .get("/api/v1/permissions", Some(&admin))
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let nobody = s.user_with(&admin, "nobody", &[]).await;

    let mut tokens = std::collections::HashMap::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path.replace("{id}", "zz_missing");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let security = op.get("security").and_then(Value::as_array);
            let Some(security) = security else {
                assert!(PUBLIC.contains(&(method.as_str(), path.as_str())), "{method} {path} declares no permission");
                continue;
            };
            let scopes: Vec<&str> =
                security.iter().filter_map(|r| r["bearer"].as_array()).flatten().filter_map(Value::as_str).collect();
            // Without a token: 401.
            s.call(m.clone(), &concrete, None, Some(json!({}))).await.expect(401, 2000);
            if scopes.is_empty() {
                // Any signed-in user may call it.
                let a = s.call(m.clone(), &concrete, Some(&nobody), Some(json!({}))).await;
                assert_ne!(a.status.as_u16(), 403, "{method} {path} needs no permission but refused: {}", a.body);
                checked += 1;
                continue;
            }
            assert_eq!(scopes.len(), 1, "{method} {path}: one permission per operation");
            let needed = scopes[0];
            assert!(known.iter().any(|k| k == needed), "{method} {path} requires unknown {needed}");
            // Holding every other permission is not enough.
            let others: Vec<&str> = known.iter().map(String::as_str).filter(|k| *k != needed).collect();
            let name = format!("lacks-{}", needed.replace(':', "-"));
            if !tokens.contains_key(&name) {
                tokens.insert(name.clone(), s.user_with(&admin, &name, &others).await);
            }
            let lacking = &tokens[&name];
            s.call(m.clone(), &concrete, Some(lacking), Some(json!({}))).await.expect(403, 2100);
            // Holding just that one is.
            let name = format!("has-{}", needed.replace(':', "-"));
            if !tokens.contains_key(&name) {
                tokens.insert(name.clone(), s.user_with(&admin, &name, &[needed]).await);
            }
            let holder = &tokens[&name];
            let a = s.call(m.clone(), &concrete, Some(holder), Some(json!({}))).await;
            assert!(
                !matches!(a.status.as_u16(), 401 | 403),
                "{method} {path} refused a holder of {needed}: {}",
                a.body
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} protected operations found");
}
