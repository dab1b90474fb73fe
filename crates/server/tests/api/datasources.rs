//! Datasources end to end: the demo, MariaDB and PostgreSQL datasources, secrets at rest,
//! bad configurations, and who may see what.

use serde_json::{Value, json};
use test_support::{ScratchDb, ServerKind, StoreKind, TestStore, store_tests};

use crate::harness::Server;

store_tests!(demo_datasource_is_ready_on_first_start);

async fn demo_datasource_is_ready_on_first_start(store: TestStore) {
    let s = Server::start(store, &[]).await;
    let admin = s.admin().await;
    let list = s.get("/api/v1/datasources", Some(&admin)).await.expect(200, 0);
    assert_eq!(list.data()["total"], 1);
    let demo = &list.data()["items"][0];
    assert_eq!(
        (demo["code"].as_str(), demo["type"].as_str(), demo["isDefault"].as_bool()),
        (Some("demo"), Some("sqlite"), Some(true))
    );
    let id = demo["id"].as_str().unwrap();

    let got = s.get(&format!("/api/v1/datasources/{id}"), Some(&admin)).await.expect(200, 0);
    let tables: Vec<(&str, i64)> = got.data()["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["rows"].as_i64().unwrap()))
        .collect();
    assert_eq!(tables, [("Department", 12), ("Order", 50_000), ("Profile", 5_000), ("User", 5_000)]);
    assert_eq!(got.data()["status"], "connected");

    let schema = s
        .get(&format!("/api/v1/datasources/{id}/tables?includeColumns=true&includeIndexes=true"), Some(&admin))
        .await
        .expect(200, 0);
    let order = schema.data()["tables"].as_array().unwrap().iter().find(|t| t["name"] == "Order").unwrap();
    let cols: Vec<&str> = order["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    for c in ["id", "userId", "amount", "stock", "status", "createdAt"] {
        assert!(cols.contains(&c), "Order lacks {c}");
    }
    let created = order["columns"].as_array().unwrap().iter().find(|c| c["name"] == "createdAt").unwrap();
    assert!(created["key"].is_null(), "createdAt stays unindexed so index advice has something to say");
    assert!(order["foreignKeys"].as_array().unwrap().iter().any(|f| f["referencedTable"] == "User"));
    let plain = s.get(&format!("/api/v1/datasources/{id}/tables"), Some(&admin)).await.expect(200, 0);
    assert!(plain.data()["tables"][0].get("columns").is_none());

    let test = s.post(&format!("/api/v1/datasources/{id}/test"), Some(&admin), json!({})).await.expect(200, 0);
    assert_eq!(test.data()["success"], true);
}

fn network_body(db: &ScratchDb, name: &str, password: Option<&str>, username: &str) -> Value {
    json!({
        "name": name,
        "type": if db.kind == ServerKind::Mysql { "mysql" } else { "postgres" },
        "connection": {"host": db.host, "port": db.port, "database": db.database, "username": username, "password": password},
        "options": {"poolSize": 3, "timeout": 5000, "maxRetries": 1}
    })
}

async fn sqlite_server() -> Server {
    Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_datasource_with_a_password_round_trips_and_keeps_its_secret() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else {
        return;
    };
    let user = format!("qt{}", &db.database[db.database.len() - 8..]);
    let secret = "S3cret-pw!wörd";
    db.run(&format!(
        "CREATE TABLE item (id int AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL COMMENT 'Item name') COMMENT 'Items';
         CREATE USER '{user}'@'localhost' IDENTIFIED BY '{secret}'; CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{secret}';
         CREATE USER '{user}'@'%' IDENTIFIED BY '{secret}';
         GRANT SELECT ON {d}.* TO '{user}'@'localhost'; GRANT SELECT ON {d}.* TO '{user}'@'127.0.0.1'; GRANT SELECT ON {d}.* TO '{user}'@'%';",
        d = db.database
    ))
    .await;
    let s = sqlite_server().await;
    let admin = s.admin().await;

    let created = s
        .post("/api/v1/datasources", Some(&admin), network_body(&db, "Shop (MariaDB)", Some(secret), &user))
        .await
        .expect(201, 0);
    let d = created.data();
    assert_eq!((d["status"].as_str(), d["code"].as_str()), (Some("connected"), Some("shop_mariadb")));
    assert_eq!(d["connection"]["password"], "******");
    assert_eq!(d["tables"], json!([{"name": "item", "rows": 0}]));
    let id = d["id"].as_str().unwrap().to_owned();

    let probe = s.post(&format!("/api/v1/datasources/{id}/test"), Some(&admin), json!({})).await.expect(200, 0);
    assert_eq!(probe.data()["readOnly"], true, "a SELECT-only account is reported read-only");
    assert!(probe.data()["version"].as_str().unwrap().to_lowercase().contains("mariadb"));

    // An update without a password keeps the stored one (the test still passes).
    s.put(&format!("/api/v1/datasources/{id}"), Some(&admin), json!({"name": "Shop"})).await.expect(200, 0);
    s.post(&format!("/api/v1/datasources/{id}/test"), Some(&admin), json!({})).await.expect(200, 0);
    let tables =
        s.get(&format!("/api/v1/datasources/{id}/tables?includeColumns=true"), Some(&admin)).await.expect(200, 0);
    assert_eq!(tables.data()["tables"][0]["comment"], "Items");
    assert_eq!(tables.data()["tables"][0]["columns"][1]["comment"], "Item name");

    // A wrong password is refused and changes nothing.
    let bad = s
        .put(&format!("/api/v1/datasources/{id}"), Some(&admin), json!({"connection": {"password": "nope"}}))
        .await
        .expect(422, 6001);
    assert_eq!(bad.data()["stage"], "authentication");
    s.post(&format!("/api/v1/datasources/{id}/test"), Some(&admin), json!({})).await.expect(200, 0);

    // The secret appears in no answer, no log line, and not in clear in the store.
    for path in [format!("/api/v1/datasources/{id}"), "/api/v1/datasources".to_owned()] {
        assert!(!s.get(&path, Some(&admin)).await.body.to_string().contains(secret));
    }
    assert!(!s.stderr.lock().unwrap().iter().any(|l| l.contains(secret)), "the password reached the log");
    let store_file = s.data_dir().parent().unwrap().join("quarry.db");
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", store_file.display()))
        .await
        .unwrap();
    let sealed: String = sqlx::query_scalar("SELECT password_enc FROM datasources WHERE id = ?1")
        .bind(&id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(secret));

    s.call(reqwest::Method::DELETE, &format!("/api/v1/datasources/{id}"), Some(&admin), None).await.expect(200, 0);
    s.get(&format!("/api/v1/datasources/{id}"), Some(&admin)).await.expect(404, 3000);
    db.run(&format!("DROP USER '{user}'@'localhost'; DROP USER '{user}'@'127.0.0.1'; DROP USER '{user}'@'%';")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_datasource_introspects_and_refreshes() {
    let Some(db) = ScratchDb::new(ServerKind::Postgres).await else {
        return;
    };
    db.run(
        "CREATE TABLE account (id bigserial PRIMARY KEY, email varchar(120) NOT NULL UNIQUE, balance numeric(12,2));
            COMMENT ON TABLE account IS 'Customer accounts';",
    )
    .await;
    let s = sqlite_server().await;
    let admin = s.admin().await;
    let mut body = network_body(&db, "Billing", None, &db.username);
    body["isDefault"] = json!(true);
    body["code"] = json!("billing_pg");
    let created = s.post("/api/v1/datasources", Some(&admin), body).await.expect(201, 0);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.data()["isDefault"], true);
    let list = s.get("/api/v1/datasources", Some(&admin)).await.expect(200, 0);
    let defaults: Vec<&str> = list.data()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["isDefault"] == true)
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, ["billing_pg"], "one default at a time");

    let t = s
        .get(&format!("/api/v1/datasources/{id}/tables?includeColumns=true&includeIndexes=true"), Some(&admin))
        .await
        .expect(200, 0);
    let account = &t.data()["tables"][0];
    assert_eq!((account["name"].as_str(), account["comment"].as_str()), (Some("account"), Some("Customer accounts")));
    let email = &account["columns"][1];
    assert_eq!(
        (email["type"].as_str(), email["length"].as_i64(), email["key"].as_str()),
        (Some("varchar"), Some(120), Some("UNI"))
    );

    // The cache answers until asked to refresh.
    db.run("CREATE TABLE audit (id int PRIMARY KEY)").await;
    let cached = s.get(&format!("/api/v1/datasources/{id}/tables"), Some(&admin)).await.expect(200, 0);
    assert_eq!(cached.data()["tables"].as_array().unwrap().len(), 1);
    let fresh = s.get(&format!("/api/v1/datasources/{id}/tables?refresh=true"), Some(&admin)).await.expect(200, 0);
    assert_eq!(fresh.data()["tables"].as_array().unwrap().len(), 2);

    s.post(
        "/api/v1/datasources",
        Some(&admin),
        json!({"name": "billing", "type": "sqlite", "connection": {"database": "/x"}}),
    )
    .await
    .expect(400, 1000);
    let dup = network_body(&db, "Other", None, &db.username);
    let mut dup_code = dup.clone();
    dup_code["code"] = json!("BILLING_PG");
    s.post("/api/v1/datasources", Some(&admin), dup_code).await.expect(409, 4000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configurations_are_precise_and_save_nothing() {
    let Some(pg) = ScratchDb::new(ServerKind::Postgres).await else {
        return;
    };
    let Some(my) = ScratchDb::new(ServerKind::Mysql).await else {
        return;
    };
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let allowed = store.data_dir.path().join("allowed");
    std::fs::create_dir_all(&allowed).unwrap();
    let outside = store.data_dir.path().join("outside.db");
    std::fs::write(&outside, b"").unwrap();
    let store_file = store.data_dir.path().join("quarry.db");
    let s = Server::start(store, &[("QUARRY_SQLITE_ALLOW", allowed.to_str().unwrap())]).await;
    let admin = s.admin().await;

    let with = |db: &ScratchDb, f: &dyn Fn(&mut Value)| {
        let mut b = network_body(db, "x", None, &db.username);
        f(&mut b);
        b
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("wrong host", with(&pg, &|b| b["connection"]["host"] = json!("no-such-host.invalid")), "dns"),
        ("wrong port", with(&pg, &|b| b["connection"]["port"] = json!(1)), "tcpConnect"),
        ("missing database", with(&pg, &|b| b["connection"]["database"] = json!("no_such_db_q")), "database"),
        ("wrong password", with(&my, &|b| b["connection"]["password"] = json!("wrong")), "authentication"),
    ];
    for (what, body, stage) in cases {
        let a = s.post("/api/v1/datasources", Some(&admin), body.clone()).await.expect(422, 6001);
        assert_eq!(a.data()["stage"], stage, "{what}: {}", a.body);
        let t = s.post("/api/v1/datasources/test", Some(&admin), body).await.expect(200, 0);
        assert_eq!((t.data()["success"].as_bool(), t.data()["stage"].as_str()), (Some(false), Some(stage)), "{what}");
    }
    let sqlite_cases = [
        ("/nonexistent/shop.db", "no SQLite file"),
        (store_file.to_str().unwrap(), "belongs to Quarry"),
        (outside.to_str().unwrap(), "QUARRY_SQLITE_ALLOW"),
    ];
    for (path, why) in sqlite_cases {
        let a = s
            .post(
                "/api/v1/datasources",
                Some(&admin),
                json!({"name": "lite", "type": "sqlite", "connection": {"database": path}}),
            )
            .await
            .expect(400, 1000);
        assert_eq!(a.body["errors"][0]["path"], "connection.database");
        assert!(a.body["errors"][0]["message"].as_str().unwrap().contains(why), "{path}: {}", a.body);
    }
    let a = s
        .post(
            "/api/v1/datasources",
            Some(&admin),
            json!({"name": "", "type": "oracle", "options": {"poolSize": 0}, "allowedRoles": ["ghost"]}),
        )
        .await
        .expect(400, 1000);
    let paths: Vec<&str> = a.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(
        paths.contains(&"name")
            && paths.contains(&"type")
            && paths.contains(&"options.poolSize")
            && paths.contains(&"allowedRoles[0]"),
        "{paths:?}"
    );

    // Unreachable but explicitly unverified: saved, with the failure as its status.
    let saved = s
        .post(
            "/api/v1/datasources",
            Some(&admin),
            with(&pg, &|b| {
                b["connection"]["port"] = json!(1);
                b["verify"] = json!(false);
                b["name"] = json!("later");
            }),
        )
        .await
        .expect(201, 0);
    assert_eq!(saved.data()["status"], "error");
    assert!(saved.data()["statusReason"].is_string());
    let list = s.get("/api/v1/datasources", Some(&admin)).await.expect(200, 0);
    assert_eq!(list.data()["total"], 2, "only the demo and the explicitly unverified one exist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datasource_permissions_and_role_restrictions() {
    let s = sqlite_server().await;
    let admin = s.admin().await;
    let demo_id =
        s.get("/api/v1/datasources", Some(&admin)).await.data()["items"][0]["id"].as_str().unwrap().to_owned();

    // A grant scoped to another datasource shows nothing.
    let other = s.user_with(&admin, "other", &["datasource:read:elsewhere"]).await;
    let list = s.get("/api/v1/datasources", Some(&other)).await.expect(200, 0);
    assert_eq!(list.data()["total"], 0);
    s.get(&format!("/api/v1/datasources/{demo_id}"), Some(&other)).await.expect(404, 3000);

    let reader = s.user_with(&admin, "reader", &["datasource:read:demo"]).await;
    assert_eq!(s.get("/api/v1/datasources", Some(&reader)).await.data()["total"], 1);
    s.get(&format!("/api/v1/datasources/{demo_id}/tables"), Some(&reader)).await.expect(200, 0);
    s.put(&format!("/api/v1/datasources/{demo_id}"), Some(&reader), json!({"name": "x"})).await.expect(403, 2100);
    s.post(&format!("/api/v1/datasources/{demo_id}/test"), Some(&reader), json!({})).await.expect(403, 2100);

    // Restricting the datasource to a role hides it from everyone else but admins.
    s.post("/api/v1/roles", Some(&admin), json!({"name": "analysts", "permissions": ["datasource:read"]}))
        .await
        .expect(201, 0);
    s.put(&format!("/api/v1/datasources/{demo_id}"), Some(&admin), json!({"allowedRoles": ["analysts"]}))
        .await
        .expect(200, 0);
    s.get(&format!("/api/v1/datasources/{demo_id}"), Some(&reader)).await.expect(404, 3000);
    s.post(
        "/api/v1/users",
        Some(&admin),
        json!({"username": "ana", "password": "ana-pass-123", "roles": ["analysts"]}),
    )
    .await
    .expect(201, 0);
    let ana = s.login("ana", "ana-pass-123").await;
    s.get(&format!("/api/v1/datasources/{demo_id}"), Some(&ana)).await.expect(200, 0);
    s.get(&format!("/api/v1/datasources/{demo_id}"), Some(&admin)).await.expect(200, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_datasource_does_not_hold_up_others() {
    // A server that accepts connections and never answers: the driver's handshake waits.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    let s = std::sync::Arc::new(sqlite_server().await);
    let admin = s.admin().await;
    let body = json!({"name": "tarpit", "type": "postgres", "verify": false,
        "connection": {"host": "127.0.0.1", "port": port, "database": "x", "username": "x"},
        "options": {"timeout": 4000, "maxRetries": 0}});
    let id = s.post("/api/v1/datasources", Some(&admin), body).await.expect(201, 0).data()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let slow = {
        let (s, admin, id) = (s.clone(), admin.clone(), id.clone());
        tokio::spawn(async move { s.get(&format!("/api/v1/datasources/{id}/tables?refresh=true"), Some(&admin)).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let demo = s.get("/api/v1/datasources?keyword=demo", Some(&admin)).await.expect(200, 0);
    let demo_id = demo.data()["items"][0]["id"].as_str().unwrap().to_owned();
    s.get(&format!("/api/v1/datasources/{demo_id}/tables?refresh=true"), Some(&admin)).await.expect(200, 0);
    s.get("/api/v1/health", None).await.expect(200, 0);
    assert!(!slow.is_finished(), "the other requests finished while the hanging datasource was still waiting");
    let a = slow.await.unwrap().expect(503, 6002);
    assert!(a.headers.contains_key("retry-after"));
    held.abort();
}
