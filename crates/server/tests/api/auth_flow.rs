//! Login, refresh rotation and reuse detection, logout, `me`, throttling, and expiry.

use serde_json::json;
use test_support::{TestStore, store_tests};

use crate::harness::{ADMIN_PASSWORD, Server};

store_tests!(
    health_reports_version_and_store,
    login_answers_the_seed_shape,
    refresh_rotates_and_reuse_revokes_the_session,
    logout_refuses_the_same_token,
    failed_logins_do_not_reveal_usernames,
    repeated_failures_are_throttled,
    expired_tokens_are_refused,
);

async fn health_reports_version_and_store(store: TestStore) {
    let backend = match store.kind {
        test_support::StoreKind::Sqlite => "sqlite",
        test_support::StoreKind::Postgres => "postgres",
    };
    let s = Server::start(store, &[]).await;
    let a = s.get("/api/v1/health", None).await.expect(200, 0);
    assert_eq!(a.body["status"], "success");
    assert_eq!(a.data()["status"], "ok");
    assert_eq!(a.data()["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(a.data()["store"]["backend"], backend);
    assert_eq!(a.data()["store"]["status"], "up");
    let meta = &a.body["meta"];
    assert!(meta["processingTime"].is_number());
    assert!(meta["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(meta["requestId"].as_str().unwrap(), a.headers["x-request-id"].to_str().unwrap());
}

async fn login_answers_the_seed_shape(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let a = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "admin", "password": ADMIN_PASSWORD, "captcha": "x", "rememberMe": true}),
        )
        .await
        .expect(200, 0);
    let d = a.data();
    for key in ["token", "refreshToken", "user", "expiresAt"] {
        assert!(!d[key].is_null(), "missing {key}: {d}");
    }
    let user = &d["user"];
    for key in ["id", "username", "email", "avatar", "roles", "permissions"] {
        assert!(user.get(key).is_some(), "user lacks {key}: {user}");
    }
    assert_eq!(user["username"], "admin");
    assert_eq!(user["roles"], json!(["admin"]));
    assert_eq!(user["permissions"], json!(["*"]));
    assert!(user.get("passwordHash").is_none() && !d.to_string().contains("argon2"));
    let expires = chrono::DateTime::parse_from_rfc3339(d["expiresAt"].as_str().unwrap()).unwrap();
    assert!(expires > chrono::Utc::now());

    let me = s.get("/api/v1/auth/me", d["token"].as_str()).await.expect(200, 0);
    assert_eq!(me.data()["id"], user["id"]);
    // Usernames match without regard to case.
    s.login("ADMIN", ADMIN_PASSWORD).await;
}

async fn refresh_rotates_and_reuse_revokes_the_session(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let first = s.login_answer("admin", ADMIN_PASSWORD).await.expect(200, 0);
    let r1 = first.data()["refreshToken"].as_str().unwrap().to_owned();

    let second = s.post("/api/v1/auth/refresh", None, json!({"refreshToken": r1})).await.expect(200, 0);
    let t2 = second.data()["token"].as_str().unwrap().to_owned();
    let r2 = second.data()["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "the refresh token rotates");
    assert_eq!(second.data()["user"]["username"], "admin");
    s.get("/api/v1/auth/me", Some(&t2)).await.expect(200, 0);

    // The seed also sends the refresh token as the bearer.
    let third = s.call(reqwest::Method::POST, "/api/v1/auth/refresh", Some(&r2), None).await.expect(200, 0);
    let r3 = third.data()["refreshToken"].as_str().unwrap().to_owned();

    // Using a spent token again is theft: the whole family dies.
    s.post("/api/v1/auth/refresh", None, json!({"refreshToken": r1})).await.expect(401, 2005);
    s.post("/api/v1/auth/refresh", None, json!({"refreshToken": r3})).await.expect(401, 2004);
    s.get("/api/v1/auth/me", Some(&t2)).await.expect(401, 2004);

    s.post("/api/v1/auth/refresh", None, json!({"refreshToken": "qrt_made_up"})).await.expect(401, 2003);
    s.post("/api/v1/auth/refresh", None, json!({})).await.expect(401, 2000);
}

async fn logout_refuses_the_same_token(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let login = s.login_answer("admin", ADMIN_PASSWORD).await.expect(200, 0);
    let token = login.data()["token"].as_str().unwrap().to_owned();
    let other = s.admin().await;
    s.post("/api/v1/auth/logout", Some(&token), json!({})).await.expect(200, 0);
    s.get("/api/v1/auth/me", Some(&token)).await.expect(401, 2004);
    let refresh = login.data()["refreshToken"].as_str().unwrap();
    s.post("/api/v1/auth/refresh", None, json!({"refreshToken": refresh})).await.expect(401, 2004);
    // Other sessions of the same user live on.
    s.get("/api/v1/auth/me", Some(&other)).await.expect(200, 0);
    s.post("/api/v1/auth/logout", None, json!({})).await.expect(401, 2000);
}

async fn failed_logins_do_not_reveal_usernames(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let wrong_pw = s.login_answer("admin", "not-the-password").await.expect(401, 2001);
    let no_user = s.login_answer("nobody-here", "not-the-password").await.expect(401, 2001);
    assert_eq!(wrong_pw.body["message"], no_user.body["message"]);
    assert!(wrong_pw.data().is_null() && no_user.data().is_null());
}

async fn repeated_failures_are_throttled(store: TestStore) {
    let s = Server::start(store, &[]).await;
    for _ in 0..5 {
        s.login_answer("admin", "wrong-password").await.expect(401, 2001);
    }
    let locked = s.login_answer("admin", ADMIN_PASSWORD).await.expect(429, 2007);
    let retry: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    // A username that does not exist is throttled the same way.
    for _ in 0..5 {
        s.login_answer("ghost", "wrong-password").await.expect(401, 2001);
    }
    s.login_answer("ghost", "wrong-password").await.expect(429, 2007);
}

async fn expired_tokens_are_refused(store: TestStore) {
    let s = Server::start(store, &[("QUARRY_ACCESS_TOKEN_TTL", "1")]).await;
    let login = s.login_answer("admin", ADMIN_PASSWORD).await.expect(200, 0);
    let token = login.data()["token"].as_str().unwrap().to_owned();
    s.get("/api/v1/auth/me", Some(&token)).await.expect(200, 0);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    s.get("/api/v1/auth/me", Some(&token)).await.expect(401, 2002);
    // The refresh token outlives the access token.
    let refresh = login.data()["refreshToken"].as_str().unwrap();
    let renewed = s.post("/api/v1/auth/refresh", None, json!({"refreshToken": refresh})).await.expect(200, 0);
    s.get("/api/v1/auth/me", renewed.data()["token"].as_str()).await.expect(200, 0);
}
