//! User and role administration, and how changes reach the affected sessions.

use serde_json::json;
use test_support::{TestStore, store_tests};

use crate::harness::Server;

store_tests!(users_are_created_listed_and_updated, disabling_ends_sessions, roles_grant_and_guard_permissions);

async fn users_are_created_listed_and_updated(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    s.post("/api/v1/roles", Some(&admin), json!({"name": "analyst", "permissions": ["users:read"]}))
        .await
        .expect(201, 0);
    let created = s
        .post("/api/v1/users", Some(&admin), json!({"username": "alice", "password": "alice-pass-1", "email": "alice@example.com", "roles": ["analyst"]}))
        .await
        .expect(201, 0);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("user_"));
    assert_eq!(created.data()["roles"], json!(["analyst"]));
    assert!(created.data().get("passwordHash").is_none());

    s.post("/api/v1/users", Some(&admin), json!({"username": "ALICE", "password": "another-pass"}))
        .await
        .expect(409, 4000);

    for i in 0..5 {
        s.post("/api/v1/users", Some(&admin), json!({"username": format!("bob{i}"), "password": "bob-pass-123"}))
            .await
            .expect(201, 0);
    }
    let page = s.get("/api/v1/users?page=2&pageSize=3", Some(&admin)).await.expect(200, 0);
    assert_eq!(page.data()["total"], 7);
    assert_eq!(page.data()["totalPages"], 3);
    assert_eq!(page.data()["page"], 2);
    assert_eq!(page.data()["items"].as_array().unwrap().len(), 3);
    let found = s.get("/api/v1/users?keyword=EXAMPLE.com", Some(&admin)).await.expect(200, 0);
    assert_eq!(found.data()["total"], 1);
    assert_eq!(found.data()["items"][0]["roles"], json!(["analyst"]));
    let underscore = s.get("/api/v1/users?keyword=_", Some(&admin)).await.expect(200, 0);
    assert_eq!(underscore.data()["total"], 0, "LIKE wildcards in keywords match literally");

    let updated =
        s.put(&format!("/api/v1/users/{id}"), Some(&admin), json!({"email": null, "roles": []})).await.expect(200, 0);
    assert!(updated.data()["email"].is_null());
    assert_eq!(updated.data()["roles"], json!([]));
    s.get(&format!("/api/v1/users/{id}"), Some(&admin)).await.expect(200, 0);
    s.get("/api/v1/users/user_missing", Some(&admin)).await.expect(404, 3000);
    s.put("/api/v1/users/user_missing", Some(&admin), json!({})).await.expect(404, 3000);

    // A password change ends the user's sessions; the new password works.
    let alice = s.login("alice", "alice-pass-1").await;
    s.put(&format!("/api/v1/users/{id}"), Some(&admin), json!({"password": "alice-pass-2"})).await.expect(200, 0);
    s.get("/api/v1/auth/me", Some(&alice)).await.expect(401, 2004);
    s.login("alice", "alice-pass-2").await;
}

async fn disabling_ends_sessions(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    let carol = s.user_with(&admin, "carol", &["users:read"]).await;
    let me = s.get("/api/v1/auth/me", Some(&carol)).await.expect(200, 0);
    let id = me.data()["id"].as_str().unwrap().to_owned();

    let a = s.post(&format!("/api/v1/users/{id}/disable"), Some(&admin), json!({})).await.expect(200, 0);
    assert_eq!(a.data()["disabled"], true);
    s.get("/api/v1/users", Some(&carol)).await.expect(401, 2004);
    s.login_answer("carol", "pass-word-1").await.expect(403, 2006);
    s.post(&format!("/api/v1/users/{id}/enable"), Some(&admin), json!({})).await.expect(200, 0);
    s.login("carol", "pass-word-1").await;

    // Nobody can disable themselves or drop their own admin rights.
    let admin_id = s.get("/api/v1/auth/me", Some(&admin)).await.data()["id"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/users/{admin_id}/disable"), Some(&admin), json!({})).await.expect(409, 4001);
    s.put(&format!("/api/v1/users/{admin_id}"), Some(&admin), json!({"roles": []})).await.expect(409, 4001);
    s.get("/api/v1/auth/me", Some(&admin)).await.expect(200, 0);
}

async fn roles_grant_and_guard_permissions(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    let a = s
        .post(
            "/api/v1/roles",
            Some(&admin),
            json!({"name": "bad", "permissions": ["users:read", "users", "nope:read", "users:fly"]}),
        )
        .await
        .expect(400, 1000);
    let paths: Vec<&str> = a.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["permissions[1]", "permissions[2]", "permissions[3]"]);

    let dave = s.user_with(&admin, "dave", &["roles:read"]).await;
    s.get("/api/v1/roles", Some(&dave)).await.expect(200, 0);
    s.get("/api/v1/users", Some(&dave)).await.expect(403, 2100);

    // Granting applies to the very next request.
    let roles = s.get("/api/v1/roles", Some(&admin)).await.expect(200, 0);
    let role = roles.data().as_array().unwrap().iter().find(|r| r["name"] == "dave-role").unwrap().clone();
    let role_id = role["id"].as_str().unwrap();
    s.put(&format!("/api/v1/roles/{role_id}"), Some(&admin), json!({"permissions": ["roles:read", "users:*"]}))
        .await
        .expect(200, 0);
    s.get("/api/v1/users", Some(&dave)).await.expect(200, 0);
    let me = s.get("/api/v1/auth/me", Some(&dave)).await.expect(200, 0);
    assert_eq!(me.data()["permissions"], json!(["roles:read", "users:*"]));

    s.call(reqwest::Method::DELETE, &format!("/api/v1/roles/{role_id}"), Some(&admin), None).await.expect(409, 4000);
    s.post("/api/v1/roles", Some(&admin), json!({"name": "Dave-Role", "permissions": []})).await.expect(409, 4000);

    let admin_role = roles.data().as_array().unwrap().iter().find(|r| r["name"] == "admin").unwrap().clone();
    assert_eq!(admin_role["builtin"], true);
    let admin_role_id = admin_role["id"].as_str().unwrap();
    s.call(reqwest::Method::DELETE, &format!("/api/v1/roles/{admin_role_id}"), Some(&admin), None)
        .await
        .expect(409, 4001);
    s.put(&format!("/api/v1/roles/{admin_role_id}"), Some(&admin), json!({"permissions": []})).await.expect(409, 4001);

    let temp = s
        .post("/api/v1/roles", Some(&admin), json!({"name": "temp", "permissions": ["datasource:read:ds_main"]}))
        .await
        .expect(201, 0);
    let temp_id = temp.data()["id"].as_str().unwrap();
    s.call(reqwest::Method::DELETE, &format!("/api/v1/roles/{temp_id}"), Some(&admin), None).await.expect(200, 0);
    s.get(&format!("/api/v1/roles/{temp_id}"), Some(&admin)).await.expect(404, 3000);

    let perms = s.get("/api/v1/permissions", Some(&admin)).await.expect(200, 0);
    assert!(perms.data().as_array().unwrap().iter().any(|p| p["name"] == "users:write"));
}
