//! Hostile and malformed requests: each gets a clear envelope error, the right status, and changes nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use test_support::{TestStore, store_tests};

use crate::harness::{Server, answer};

store_tests!(malformed_bodies_are_refused_and_change_nothing, bad_tokens_are_refused);

async fn raw_post(
    s: &Server,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> crate::harness::Answer {
    let mut req = s.client.post(s.url(path)).bearer_auth(token).body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    answer(req.send().await.unwrap()).await
}

async fn user_count(s: &Server, token: &str) -> i64 {
    s.get("/api/v1/users", Some(token)).await.expect(200, 0).data()["total"].as_i64().unwrap()
}

async fn malformed_bodies_are_refused_and_change_nothing(store: TestStore) {
    let s = Server::start(store, &[("QUARRY_BODY_LIMIT", "4096")]).await;
    let admin = s.admin().await;
    let before = user_count(&s, &admin).await;
    let json_ct = Some("application/json");

    let a = raw_post(&s, "/api/v1/users", &admin, json_ct, "{\"username\": \"x\",").await.expect(400, 1001);
    assert_eq!(a.body["status"], "error");
    assert!(a.body["errors"][0]["message"].as_str().unwrap().contains("line"), "{}", a.body);

    let a = s
        .post("/api/v1/users", Some(&admin), json!({"username": 5, "password": "long-enough"}))
        .await
        .expect(400, 1001);
    assert!(a.body["message"].as_str().unwrap().contains("username"), "{}", a.body);

    let a = s
        .post("/api/v1/users", Some(&admin), json!({"username": "eve", "password": "long-enough", "isAdmin": true}))
        .await
        .expect(400, 1001);
    assert!(a.body["message"].as_str().unwrap().contains("isAdmin"), "{}", a.body);

    raw_post(&s, "/api/v1/users", &admin, None, "{}").await.expect(415, 1002);
    raw_post(&s, "/api/v1/users", &admin, Some("text/plain"), "{}").await.expect(415, 1002);

    let huge = json!({"username": "big", "password": "x".repeat(10_000)}).to_string();
    raw_post(&s, "/api/v1/users", &admin, json_ct, huge).await.expect(413, 1003);

    // Every problem at once, each with its path.
    let a = s
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "a", "password": "short", "email": "nope", "roles": ["admin", "no-such-role"]}),
        )
        .await
        .expect(400, 1000);
    let paths: Vec<&str> = a.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["username", "password", "email", "roles[1]"]);

    let a = s.get("/api/v1/users?page=0&pageSize=1000", Some(&admin)).await.expect(400, 1000);
    assert_eq!(a.body["errors"].as_array().unwrap().len(), 2);
    s.get("/api/v1/users?page=abc", Some(&admin)).await.expect(400, 1004);

    // Injection-shaped input is just data.
    let evil = "x'; DROP TABLE users; --";
    let a = s.get(&format!("/api/v1/users?keyword={}", urlencode(evil)), Some(&admin)).await.expect(200, 0);
    assert_eq!(a.data()["total"], 0);
    s.get("/api/v1/users/%27%20OR%201%3D1%20--", Some(&admin)).await.expect(404, 3000);

    assert_eq!(user_count(&s, &admin).await, before, "no failed request may change stored data");
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn bad_tokens_are_refused(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let token = s.admin().await;
    s.get("/api/v1/users", None).await.expect(401, 2000);
    s.get("/api/v1/users", Some("not-a-jwt")).await.expect(401, 2003);
    let a = answer(
        s.client.get(s.url("/api/v1/users")).header("authorization", "Basic YWRtaW46YWRtaW4=").send().await.unwrap(),
    )
    .await;
    assert_eq!((a.status.as_u16(), a.code()), (401, 2000));

    // Tampered claims with the original signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!("user_someone_else");
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    s.get("/api/v1/users", Some(&forged)).await.expect(401, 2003);
    // Unsigned (`alg: none`).
    let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    s.get("/api/v1/users", Some(&none)).await.expect(401, 2003);
    // The genuine token still works.
    s.get("/api/v1/users", Some(&token)).await.expect(200, 0);
}
