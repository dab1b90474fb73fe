//! The query builder end to end: validate with index advice, execute in every shape, stream,
//! CSV, cache, history, timeouts, and exact values from PostgreSQL.

use futures_util::FutureExt;
use serde_json::{Value, json};
use test_support::{ScratchDb, ServerKind, StoreKind, TestStore};

use crate::harness::Server;

async fn server() -> (Server, String) {
    let s = Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &[]).await;
    let admin = s.admin().await;
    (s, admin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_gives_sql_advice_and_every_error() {
    let (s, admin) = server().await;
    let q = json!({"tables": [{"name": "User", "alias": "u", "columns": ["id", "username", "email"],
        "where": {"status": "active", "createdAt": {"$gte": "2024-01-01"}},
        "joins": [{"type": "LEFT", "table": "Profile", "alias": "p", "on": "u.id = p.userId"}],
        "orderBy": ["createdAt-"], "limit": 20, "offset": 0}], "directives": {"@cache": true, "@total": true}});
    let a = s.post("/api/v1/query-builder/validate", Some(&admin), q).await.expect(200, 0);
    let d = a.data();
    assert_eq!(d["valid"], true, "{d}");
    let sql = d["sql"].as_str().unwrap();
    assert!(sql.contains(r#""u"."status" = 'active'"#) && sql.contains(r#"LEFT JOIN "Profile" "p""#), "{sql}");
    let advice = d["advice"].as_array().unwrap();
    let index =
        advice.iter().find(|a| a["kind"] == "index" && a["column"] == "createdAt").expect("index advice for createdAt");
    assert_eq!(index["sql"], r#"CREATE INDEX "idx_user_createdat" ON "User" ("createdAt")"#);
    assert!(
        d["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("建议在createdAt字段上添加索引"))
    );
    assert!(!advice.iter().any(|a| a["column"] == "status"), "status is indexed");
    assert_eq!(d["estimatedRows"], 20);

    let bad = json!({"tables": [{"name": "Usr", "where": {"x": 1}}]});
    let a = s.post("/api/v1/query-builder/validate", Some(&admin), bad).await.expect(200, 0);
    assert_eq!(a.data()["valid"], false);
    assert!(a.data()["errors"][0]["message"].as_str().unwrap().contains("did you mean \"User\""));
    let a = s
        .post("/api/v1/query-builder/validate", Some(&admin), json!({"tables": [{"name": "Order", "limit": 5}]}))
        .await
        .expect(200, 0);
    assert!(a.data()["advice"].as_array().unwrap().iter().any(|x| x["kind"] == "fullScan"), "{}", a.data());
    let a = s
        .post("/api/v1/query-builder/validate", Some(&admin), json!({"tables": [{"name": "Order"}]}))
        .await
        .expect(200, 0);
    assert!(a.data()["advice"].as_array().unwrap().iter().any(|x| x["kind"] == "noLimit"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execute_answers_per_table_flat_cached_and_recorded() {
    let (s, admin) = server().await;
    let q = json!({"tables": [{"name": "User", "alias": "u", "columns": ["id", "username"], "where": {"id": {"$lte": 3}},
        "joins": [{"type": "LEFT", "table": "Profile", "alias": "p", "on": "u.id = p.userId", "columns": ["city", "verified"]}],
        "orderBy": ["id"], "limit": 2}], "directives": {"@total": true, "@cache": 30}});
    let a = s.post("/api/v1/query/execute", Some(&admin), json!({"query": q})).await.expect(200, 0);
    let d = a.data();
    assert_eq!(d["User"], json!([{"id": 1, "username": "li.zhang1"}, {"id": 2, "username": "anna.zhang2"}]), "{d}");
    assert_eq!(d["Profile"][0]["verified"], true);
    assert_eq!((d["total"].as_i64(), d["count"].as_i64()), (Some(3), Some(2)));
    assert_eq!(
        (a.body["meta"]["cached"].as_bool(), a.body["meta"]["datasource"].as_str()),
        (Some(false), Some("demo"))
    );
    let again = s.post("/api/v1/query/execute", Some(&admin), json!({"query": q})).await.expect(200, 0);
    assert_eq!(again.body["meta"]["cached"], true);
    assert_eq!(again.data(), d);

    // Another user never gets the first user's cached answer.
    let analyst = s.user_with(&admin, "analyst", &["query:execute", "datasource:read"]).await;
    let theirs = s.post("/api/v1/query/execute", Some(&analyst), json!({"query": q})).await.expect(200, 0);
    assert_eq!(theirs.body["meta"]["cached"], false);

    let flat = s.post("/api/v1/query/execute", Some(&admin), json!({"query": {"tables": [{"name": "Department", "columns": ["name", "budget"], "orderBy": ["id"], "limit": 1}]}, "options": {"shape": "rows"}}))
        .await
        .expect(200, 0);
    assert_eq!(flat.data()["columns"], json!(["name", "budget"]));
    assert_eq!(flat.data()["rows"][0]["name"], "Sales");

    let agg = s.post("/api/v1/query/execute", Some(&admin), json!({"query": {"tables": [{"name": "Order",
        "columns": ["status", "count(*) as n", "sum(quantity) as qty"], "groupBy": ["status"], "having": {"n": {"$gt": 100}}, "orderBy": ["n-"]}]}}))
        .await
        .expect(200, 0);
    let groups = agg.data()["Order"].as_array().unwrap();
    assert_eq!(groups.len(), 5);
    assert_eq!(groups.iter().map(|g| g["n"].as_i64().unwrap()).sum::<i64>(), 50_000);

    s.post(
        "/api/v1/query/execute",
        Some(&admin),
        json!({"query": {"tables": [{"name": "User", "columns": ["nope"]}]}}),
    )
    .await
    .expect(400, 1000);
    // History is written in batches a fraction of a second later.
    let mut history = s.get("/api/v1/query/history", Some(&admin)).await.expect(200, 0);
    for _ in 0..50 {
        if history.data()["total"].as_i64().unwrap() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        history = s.get("/api/v1/query/history", Some(&admin)).await.expect(200, 0);
    }
    assert!(history.data()["total"].as_i64().unwrap() >= 4, "{}", history.body);
    assert_eq!(history.data()["items"][0]["status"], "success");
    let theirs = s.get("/api/v1/query/history", Some(&analyst)).await.expect(200, 0);
    assert_eq!(theirs.data()["total"], 1, "history is per user");

    let outsider = s.user_with(&admin, "outsider", &["query:execute"]).await;
    s.post("/api/v1/query/execute", Some(&outsider), json!({"query": q})).await.expect(404, 3000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_and_csv_exports() {
    let (s, admin) = server().await;
    // A user datasource with values a spreadsheet would execute.
    let file = s.data_dir().parent().unwrap().join("sheet.db");
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE cells (id INTEGER PRIMARY KEY, v TEXT, n REAL); INSERT INTO cells (v, n) VALUES ('=HYPERLINK(\"http://x\")', -1.5), ('plain, \"quoted\"', 2), ('@SUM(A1)', NULL)")
        .execute(&mut c).await.unwrap();
    let ds = s
        .post(
            "/api/v1/datasources",
            Some(&admin),
            json!({"name": "sheet", "type": "sqlite", "connection": {"database": file}}),
        )
        .await
        .expect(201, 0);
    let ds_id = ds.data()["id"].as_str().unwrap().to_owned();

    let res = s.client.post(s.url("/api/v1/query/execute")).bearer_auth(&admin)
        .json(&json!({"datasourceId": ds_id, "query": {"tables": [{"name": "cells", "orderBy": ["id"]}]}, "options": {"format": "csv"}}))
        .send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"cells-"));
    let text = res.text().await.unwrap();
    assert_eq!(
        text,
        "id,v,n\r\n1,\"'=HYPERLINK(\"\"http://x\"\")\",-1.5\r\n2,\"plain, \"\"quoted\"\"\",2.0\r\n3,'@SUM(A1),\r\n"
    );

    let res = s.client.post(s.url("/api/v1/query/execute")).bearer_auth(&admin)
        .json(&json!({"query": {"tables": [{"name": "Order", "columns": ["id", "orderNo", "amount", "paid", "createdAt"], "orderBy": ["id"], "limit": 2000}]},
                      "options": {"format": "excel"}}))
        .send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(res.headers()["content-disposition"].to_str().unwrap().ends_with(".xlsx\""));
    let xlsx = res.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an xlsx is a zip file");
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));

    let res = s.client.post(s.url("/api/v1/query/execute")).bearer_auth(&admin)
        .json(&json!({"query": {"tables": [{"name": "Order", "columns": ["id", "amount"], "orderBy": ["id"], "limit": 1500}]}, "options": {"stream": true}}))
        .send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let body = res.text().await.unwrap();
    let lines: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1500);
    assert_eq!(lines[0]["data"]["id"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_values_stay_exact_and_timeouts_cancel() {
    let Some(db) = ScratchDb::new(ServerKind::Postgres).await else { return };
    db.run("CREATE TABLE ledger (id bigserial PRIMARY KEY, amount numeric(14,2) NOT NULL, at timestamptz NOT NULL, note text);
            INSERT INTO ledger (amount, at, note) SELECT (g * 1.01)::numeric(14,2), '2024-01-01T00:00:00Z'::timestamptz + g * interval '1 minute', 'n' || g
            FROM generate_series(1, 300000) g; ANALYZE ledger;").await;
    let (s, admin) = server().await;
    let body = json!({"name": "ledger", "type": "postgres", "connection": {"host": db.host, "port": db.port, "database": db.database, "username": db.username}});
    let id = s.post("/api/v1/datasources", Some(&admin), body).await.expect(201, 0).data()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = json!({"tables": [{"name": "ledger", "where": {"amount": {"$between": ["1.00", "3.03"]}, "at": {"$gte": "2024-01-01T00:00:00Z"}}, "orderBy": ["id"]}]});
    let a = s.post("/api/v1/query/execute", Some(&admin), json!({"datasourceId": id, "query": q})).await.expect(200, 0);
    assert_eq!(a.data()["ledger"][0]["amount"], "1.01");
    assert_eq!(a.data()["ledger"][2]["amount"], "3.03");
    assert_eq!(a.data()["count"], 3);

    // Sorting 300,000 rows by an unindexed column cannot finish within 1 ms.
    let slow = json!({"tables": [{"name": "ledger", "orderBy": ["note-"], "limit": 1}]});
    let a = s
        .post(
            "/api/v1/query/execute",
            Some(&admin),
            json!({"datasourceId": id, "query": slow, "options": {"timeout": 1}}),
        )
        .await
        .expect(504, 6003);
    assert!(a.body["message"].as_str().unwrap().contains("1 ms"));
    // The server is fine and the datasource still answers.
    s.post(
        "/api/v1/query/execute",
        Some(&admin),
        json!({"datasourceId": id, "query": {"tables": [{"name": "ledger", "limit": 1}]}}),
    )
    .await
    .expect(200, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_with_variables_visibility_and_usage() {
    let (s, admin) = server().await;
    let body = json!({"name": "活跃用户查询", "description": "Active users of a department", "category": "用户管理", "tags": ["常用", "用户"],
        "query": {"tables": [{"name": "User", "columns": ["id", "username"], "where": {"status": "active", "departmentId": "${dept}",
                  "username": {"$starts": "${prefix}"}}, "orderBy": ["id"], "limit": 3}]}});
    let created = s.post("/api/v1/query-builder/templates", Some(&admin), body).await.expect(201, 0);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("tpl_"));
    assert_eq!(created.data()["variables"], json!(["dept", "prefix"]));
    assert_eq!(created.data()["isPublic"], false);

    let run = s
        .post(
            &format!("/api/v1/query-builder/templates/{id}/execute"),
            Some(&admin),
            json!({"variables": {"dept": 2, "prefix": "o"}}),
        )
        .await
        .expect(200, 0);
    let users = run.data()["User"].as_array().unwrap();
    assert!(!users.is_empty() && users.iter().all(|u| u["username"].as_str().unwrap().starts_with('o')));
    let missing = s
        .post(&format!("/api/v1/query-builder/templates/{id}/execute"), Some(&admin), json!({"variables": {"dept": 2}}))
        .await
        .expect(400, 1000);
    assert_eq!(missing.body["errors"][0]["path"], "variables.prefix");
    // A hostile variable is just a value.
    s.post(
        &format!("/api/v1/query-builder/templates/{id}/execute"),
        Some(&admin),
        json!({"variables": {"dept": "1 OR 1=1", "prefix": "x"}}),
    )
    .await
    .expect(400, 1000);
    let got = s.get(&format!("/api/v1/query-builder/templates/{id}"), Some(&admin)).await.expect(200, 0);
    assert_eq!(got.data()["usageCount"], 1);

    let list = s.get("/api/v1/query-builder/templates?page=1&pageSize=20&category=%E7%94%A8%E6%88%B7%E7%AE%A1%E7%90%86&keyword=active&tags=%E5%B8%B8%E7%94%A8", Some(&admin)).await.expect(200, 0);
    assert_eq!(list.data()["total"], 1);
    assert_eq!(list.data()["totalPages"], 1);
    let none = s.get("/api/v1/query-builder/templates?tags=missing", Some(&admin)).await.expect(200, 0);
    assert_eq!(none.data()["total"], 0);

    // Private templates are the owner's; public ones everyone's to run but only the owner's to change.
    let other = s.user_with(&admin, "other", &["query:execute", "datasource:read"]).await;
    assert_eq!(s.get("/api/v1/query-builder/templates", Some(&other)).await.data()["total"], 0);
    s.get(&format!("/api/v1/query-builder/templates/{id}"), Some(&other)).await.expect(404, 3000);
    s.put(&format!("/api/v1/query-builder/templates/{id}"), Some(&admin), json!({"isPublic": true}))
        .await
        .expect(200, 0);
    assert_eq!(s.get("/api/v1/query-builder/templates", Some(&other)).await.data()["total"], 1);
    s.post(
        &format!("/api/v1/query-builder/templates/{id}/execute"),
        Some(&other),
        json!({"variables": {"dept": 1, "prefix": "l"}}),
    )
    .await
    .expect(200, 0);
    s.put(&format!("/api/v1/query-builder/templates/{id}"), Some(&other), json!({"name": "mine now"}))
        .await
        .expect(403, 2100);
    s.call(reqwest::Method::DELETE, &format!("/api/v1/query-builder/templates/{id}"), Some(&other), None)
        .await
        .expect(403, 2100);

    s.post("/api/v1/query-builder/templates", Some(&admin), json!({"name": "", "query": {"tables": []}, "tags": [""]}))
        .await
        .expect(400, 1000);
    s.call(reqwest::Method::DELETE, &format!("/api/v1/query-builder/templates/{id}"), Some(&admin), None)
        .await
        .expect(200, 0);
    s.get(&format!("/api/v1/query-builder/templates/{id}"), Some(&admin)).await.expect(404, 3000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_results_match_hand_written_sql() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else { return };
    db.run("CREATE TABLE orders (id int unsigned AUTO_INCREMENT PRIMARY KEY, status varchar(20) NOT NULL, amount decimal(10,2) NOT NULL, created_at datetime NOT NULL);
            INSERT INTO orders (status, amount, created_at) VALUES ('paid', 10.10, '2024-01-01 10:00:00'), ('paid', 20.20, '2024-01-02 10:00:00'),
            ('open', 5.05, '2024-01-03 10:00:00'), ('paid', 99.99, '2023-12-31 23:59:59');").await;
    let (s, admin) = server().await;
    let body = json!({"name": "shop", "type": "mysql", "connection": {"host": db.host, "port": db.port, "database": db.database, "username": db.username}});
    let id = s.post("/api/v1/datasources", Some(&admin), body).await.expect(201, 0).data()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = json!({"tables": [{"name": "orders", "columns": ["status", "count(*) as n", "sum(amount) as total"],
        "where": {"created_at": {"$gte": "2024-01-01"}}, "groupBy": ["status"], "orderBy": ["status"]}]});
    let a = s
        .post(
            "/api/v1/query/execute",
            Some(&admin),
            json!({"datasourceId": id, "query": q, "options": {"shape": "rows"}}),
        )
        .await
        .expect(200, 0);
    // SELECT status, COUNT(*), SUM(amount) FROM orders WHERE created_at >= '2024-01-01' GROUP BY status ORDER BY status
    assert_eq!(
        a.data()["rows"],
        json!([{"status": "open", "n": 1, "total": "5.05"}, {"status": "paid", "n": 2, "total": "30.30"}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_shares_the_query_cache_between_instances() {
    let Some(redis) = test_support::redis_url().await else { return };
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let s = Server::start(store, &[("QUARRY_REDIS_URL", redis.as_str())]).await;
    let admin = s.admin().await;
    let q = json!({"query": {"tables": [{"name": "Department", "columns": ["name"], "orderBy": ["id"], "limit": 3}], "directives": {"@cache": 120}}});
    let first = s.post("/api/v1/query/execute", Some(&admin), q.clone()).await.expect(200, 0);
    assert_eq!(first.body["meta"]["cached"], false);
    // A new process has an empty local cache: a hit can only come from Redis.
    let store = s.stop();
    let s = Server::start(store, &[("QUARRY_REDIS_URL", redis.as_str())]).await;
    let again = s.post("/api/v1/query/execute", Some(&admin), q).await.expect(200, 0);
    assert_eq!(again.body["meta"]["cached"], true);
    assert_eq!(again.data(), first.data());

    let bad = Server::start_raw(
        TestStore::new(StoreKind::Sqlite).await.unwrap(),
        &[("QUARRY_REDIS_URL", "redis://127.0.0.1:1")],
    );
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        std::panic::AssertUnwindSafe(bad).catch_unwind().await
    })
    .await;
    assert!(matches!(outcome, Ok(Err(_))), "a server with an unreachable Redis must refuse to start");
}
