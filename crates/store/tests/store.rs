//! The store against real SQLite and PostgreSQL: the same SQL, the same answers.

use chrono::{Duration, Utc};
use store::{NewRole, NewSession, NewUser, RefreshOutcome, Store};
use test_support::{TestStore, store_tests};

store_tests!(
    users_roles_round_trip,
    racing_refreshes_rotate_exactly_once,
    migrations_are_idempotent,
    history_is_written_in_one_batch
);

async fn open(t: &TestStore) -> Store {
    let s = Store::connect(&t.url).await.unwrap();
    s.migrate().await.unwrap();
    s
}

async fn user(s: &Store, name: &str) -> store::User {
    s.create_user(NewUser {
        username: name.into(),
        email: Some(format!("{name}@example.com")),
        avatar: None,
        password_hash: "$argon2id$fake".into(),
        role_ids: vec![],
    })
    .await
    .unwrap()
}

async fn users_roles_round_trip(t: TestStore) {
    let s = open(&t).await;
    let role = s
        .create_role(NewRole {
            name: "ops".into(),
            description: None,
            permissions: vec!["users:read".into()],
            builtin: false,
        })
        .await
        .unwrap();
    let u = user(&s, "Zed").await;
    assert!(matches!(
        s.create_user(NewUser {
            username: "zED".into(),
            email: None,
            avatar: None,
            password_hash: "x".into(),
            role_ids: vec![]
        })
        .await,
        Err(store::Error::Conflict("username"))
    ));
    s.update_user(&u.id, store::UserPatch { role_ids: Some(vec![role.id.clone()]), ..Default::default() })
        .await
        .unwrap();
    let roles = s.user_roles(&u.id).await.unwrap();
    assert_eq!(roles, vec![role.clone()]);
    assert_eq!(s.user_by_username("ZED").await.unwrap().unwrap().id, u.id);
    assert!(matches!(s.delete_role(&role.id).await, Err(store::Error::InUse(_))));
    let page = s.list_users(Some("example"), 0, 10).await.unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    let stored = s.user(&u.id).await.unwrap().unwrap();
    assert_eq!(stored.created_at.timestamp_micros(), u.created_at.timestamp_micros());
}

async fn racing_refreshes_rotate_exactly_once(t: TestStore) {
    let s = open(&t).await;
    let u = user(&s, "racer").await;
    let expires = Utc::now() + Duration::hours(1);
    s.create_session(NewSession {
        id: "ses_race".into(),
        user_id: u.id.clone(),
        remember_me: false,
        client: None,
        expires_at: expires,
        refresh_hash: "h0".into(),
        refresh_expires_at: expires,
    })
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.rotate_refresh_token("h0", &format!("h1-{i}"), expires).await }));
    }
    let mut rotated = 0;
    let mut reused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(RefreshOutcome::Rotated { .. }) => rotated += 1,
            Ok(RefreshOutcome::Reused { .. }) | Ok(RefreshOutcome::Revoked) => reused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(rotated, 1, "exactly one racer wins");
    assert_eq!(reused, 7);
    let session = s.session_principal("ses_race").await.unwrap().unwrap();
    assert!(session.revoked_at.is_some(), "a reuse revokes the session");
}

async fn migrations_are_idempotent(t: TestStore) {
    let s = open(&t).await;
    s.migrate().await.unwrap();
    assert_eq!(s.count_users().await.unwrap(), 0);
    assert!(s.ping().await.is_ok());
}

async fn history_is_written_in_one_batch(t: TestStore) {
    let s = open(&t).await;
    let (u1, u2) = (user(&s, "one").await.id, user(&s, "two").await.id);
    let entry = |i: i64| store::HistoryEntry {
        id: String::new(),
        user_id: if i % 2 == 0 { u1.clone() } else { u2.clone() },
        datasource_id: "ds".into(),
        query: format!("{{\"n\": {i}}}"),
        sql_text: "SELECT 1".into(),
        status: "success".into(),
        row_count: i,
        duration_ms: 1,
        error: (i == 7).then(|| "it's a 'quoted' error".to_owned()),
        created_at: Utc::now() + Duration::milliseconds(i),
    };
    let entries: Vec<_> = (0..150).map(entry).collect();
    s.add_history(&entries).await.unwrap();
    let (items, total) = s.history(&u2, 0, 200).await.unwrap();
    assert_eq!(total, 75);
    assert_eq!(items.len(), 75);
    assert_eq!(items[0].row_count, 149, "newest first");
    assert!(items.iter().any(|h| h.error.as_deref() == Some("it's a 'quoted' error")));
    let mut ids: Vec<_> = items.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 75, "every row has its own id");
}
