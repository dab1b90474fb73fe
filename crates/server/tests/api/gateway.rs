//! The Oinone gateway end to end on SQLite, MariaDB and PostgreSQL: every RSQL operator against
//! real rows, placeholders, hostile values, mutations with request strategies, error codes,
//! transport forms (POST, GET, batch, cookie with CSRF checks) and introspection.

use serde_json::{Value, json};
use test_support::{ScratchDb, ServerKind, StoreKind, TestStore};

use crate::harness::Server;

async fn server() -> (Server, String) {
    let s = Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &[]).await;
    let admin = s.admin().await;
    (s, admin)
}

/// One GraphQL call; the gateway always answers HTTP 200.
async fn gql(s: &Server, token: &str, module: &str, query: &str, variables: Value) -> Value {
    let a = s.post(&format!("/pamirs/{module}"), Some(token), json!({"query": query, "variables": variables})).await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.body);
    a.body
}

fn error_code(body: &Value) -> i64 {
    body["errors"][0]["extensions"]["errorCode"].as_i64().unwrap_or_else(|| panic!("no error code in {body}"))
}

const LIST: &str = "query($w: TestModelCondInput) { testModelQuery { queryPage(page: {currentPage: 1, size: -1, sort: {orders: [{field: \"name\", direction: ASC}]}}, queryWrapper: $w) { content { name } totalElements } } }";

async fn names(s: &Server, token: &str, module: &str, rsql: &str) -> Result<Vec<String>, i64> {
    let body = gql(s, token, module, LIST, json!({"w": {"rsql": rsql}})).await;
    if body.get("errors").is_some_and(|e| !e.is_null()) {
        return Err(error_code(&body));
    }
    let content = body["data"]["testModelQuery"]["queryPage"]["content"].as_array().unwrap_or_else(|| panic!("{body}"));
    Ok(content.iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect())
}

const ROWS: &str = "INSERT INTO test_model (name, age, score, active, flags, nick_name) VALUES
    ('alice', 30, 10.50, TRUE, 3, 'alice'), ('bob', 25, 20.00, FALSE, 1, 'robert'),
    ('carol', NULL, 5.25, TRUE, 6, NULL), ('admin', 40, 1.00, FALSE, 0, 'boss'),
    ('o''brien', 35, 7.00, TRUE, 2, 'o''brien')";

/// The same checks on every dialect. SQLite integers are 64-bit, so its `age` is a `Long` and
/// travels as a string; elsewhere it is an `Int`.
async fn scenario(s: &Server, admin: &str, module: &str) {
    let int = |n: i64| if module == "shop" { json!(n.to_string()) } else { json!(n) };
    let all = ["admin", "alice", "bob", "carol", "o'brien"];
    let expect = |rsql: &'static str, want: &[&str]| (rsql, want.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let cases = [
        expect("name=like=li", &["alice"]),
        expect("name=starts=a", &["admin", "alice"]),
        expect("name=ends=e", &["alice"]),
        expect("name=notlike=a", &["bob", "o'brien"]),
        expect("name=notstarts=a;name=notends=n", &["bob", "carol"]),
        expect("name=in=(bob,carol)", &["bob", "carol"]),
        expect("name=out=(bob,carol)", &["admin", "alice", "o'brien"]),
        expect("age=isnull=true", &["carol"]),
        expect("age=notnull=false", &["carol"]),
        expect("nickName=isnull=false and age=lt=31", &["alice", "bob"]),
        expect("name=cole=nickName", &["alice", "o'brien"]),
        expect("name=colnot=nickName", &["admin", "bob"]),
        expect("flags=has=(1,2)", &["alice"]),
        expect("flags=contain=(1,2)", &["alice"]),
        expect("flags=hasnt=(1,2)", &["admin", "bob", "carol", "o'brien"]),
        expect("flags=hasor=(2)", &["alice", "carol", "o'brien"]),
        expect("flags=hasntor=(1)", &["admin", "carol", "o'brien"]),
        expect("flags=bit=(2,4)", &["carol"]),
        expect("flags=notbit=(1)", &["admin", "alice", "carol", "o'brien"]),
        expect("active==1", &["alice", "carol", "o'brien"]),
        expect("active==false", &["admin", "bob"]),
        expect("age=gt=30,name==bob", &["admin", "bob", "o'brien"]),
        expect("age>=30 and (active==true or name==admin)", &["admin", "alice", "o'brien"]),
        expect("1==1", &all),
        expect("1!=1", &[]),
        expect("name==${currentUsername}", &["admin"]),
        expect("name==\"o'brien\"", &["o'brien"]),
        expect("name=='x\\' OR \\'1\\'=\\'1'", &[]),
        expect("name==\"bob'; DROP TABLE test_model; --\"", &[]),
        expect("base64:bmFtZT09Ym9i", &["bob"]),
        expect("score=gt=6", &["alice", "bob", "o'brien"]),
    ];
    let mut failures = Vec::new();
    for (rsql, want) in &cases {
        match names(s, admin, module, rsql).await {
            Ok(got) if &got == want => {}
            other => failures.push(format!("{rsql}: expected {want:?}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{module}:\n{}", failures.join("\n"));
    // The table is still there after the hostile values.
    assert_eq!(names(s, admin, module, "1==1").await.unwrap().len(), 5);

    let errors = [
        ("active==yes", 10016005),
        ("nope==1", 10016004),
        ("name==a;(", 10016000),
        ("name=foo=1", 10016007),
        ("name==(a,b)", 10016003),
        ("o1.a==1", 10016001),
        ("age=gt=abc", 10016003),
        ("name==${noSuchPlaceholder}", 10016002),
        ("name=cole=nope", 10016009),
    ];
    for (rsql, code) in errors {
        assert_eq!(names(s, admin, module, rsql).await, Err(code), "{module}: {rsql}");
    }
    let body = gql(s, admin, module, LIST, json!({"w": {"rsql": "name==a;("}})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("position 9"), "{body}");

    // Paging with a sort: Long and totals travel as strings.
    let body = gql(s, admin, module, "{ testModelQuery { queryPage(page: {currentPage: 1, pageSize: 2, sort: {orders: [{field: \"age\", direction: DESC}]}}, queryWrapper: {rsql: \"age=ge=30\"}) { content { id name age active } size totalPages totalElements } } }", json!({})).await;
    let page = &body["data"]["testModelQuery"]["queryPage"];
    assert_eq!(page["totalElements"], "3", "{body}");
    assert_eq!(page["totalPages"], 2);
    assert_eq!(page["content"][0]["name"], "admin");
    assert_eq!(page["content"][0]["active"], false);
    assert!(page["content"][0]["id"].is_string(), "ids are Long: {body}");

    let body = gql(s, admin, module, "{ testModelQuery { count(query: {active: true}) countByWrapper(queryWrapper: {rsql: \"age=lt=30\"}) queryOne(query: {name: \"bob\"}) { age nickName } } }", json!({})).await;
    let q = &body["data"]["testModelQuery"];
    assert_eq!((q["count"].as_str(), q["countByWrapper"].as_str()), (Some("3"), Some("1")), "{body}");
    assert_eq!(q["queryOne"], json!({"age": int(25), "nickName": "robert"}));

    // The other query functions, and exact decimals as strings.
    let body = gql(
        s,
        admin,
        module,
        "{ testModelQuery {
        queryByPk(query: {id: \"1\"}) { name score }
        queryOneByWrapper(queryWrapper: {rsql: \"name==bob\"}) { name }
        queryListByWrapper(queryWrapper: {rsql: \"age=lt=31\"}) { name }
        queryListByEntity(query: {active: false}) { name }
        construct(data: {name: \"new\"}) { name age } } }",
        json!({}),
    )
    .await;
    let q = &body["data"]["testModelQuery"];
    assert_eq!(q["queryByPk"]["name"], "alice", "{body}");
    let score = q["queryByPk"]["score"].as_str().unwrap_or_else(|| panic!("BigDecimal as a string: {body}"));
    assert!(score == "10.50" || (module == "shop" && score == "10.5"), "{score}");
    assert_eq!(q["queryOneByWrapper"]["name"], "bob");
    let sorted = |v: &Value| {
        let mut n: Vec<String> = v.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    assert_eq!(sorted(&q["queryListByWrapper"]), ["alice", "bob"]);
    assert_eq!(sorted(&q["queryListByEntity"]), ["admin", "bob"]);
    assert_eq!(q["construct"], json!({"name": "new", "age": null}));

    // Every problem of a record at once, each on its field; only the first with RETURN_WHEN_ERROR.
    let bad =
        "mutation { testModelMutation { create(data: {name: \"zed\", score: \"abc\", createdAt: \"never\"}) { id } } }";
    let body = gql(s, admin, module, bad, json!({})).await;
    assert_eq!(error_code(&body), 10050009, "{body}");
    let messages = body["errors"][0]["extensions"]["messages"].as_array().unwrap();
    let fields: Vec<&str> = messages.iter().map(|m| m["field"].as_str().unwrap_or("")).collect();
    assert_eq!(fields, ["score", "createdAt"], "{body}");
    let body = gql(s, admin, module, bad, json!({"oio": {"checkStrategy": "RETURN_WHEN_ERROR"}})).await;
    assert_eq!(body["errors"][0]["extensions"]["messages"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(names(s, admin, module, "name==zed").await.unwrap(), Vec::<String>::new());

    let body = gql(s, admin, module, "mutation { testModelMutation { updateWithFieldBatch(dataList: [{id: \"1\", age: 31}, {id: \"2\", age: 26}]) { name age } } }", json!({})).await;
    assert_eq!(
        body["data"]["testModelMutation"]["updateWithFieldBatch"],
        json!([{"name": "alice", "age": int(31)}, {"name": "bob", "age": int(26)}]),
        "{body}"
    );
    let body = gql(
        s,
        admin,
        module,
        "mutation { testModelMutation { updateOneWithRelations(data: {id: \"1\", age: 30}) { age } } }",
        json!({}),
    )
    .await;
    assert_eq!(body["data"]["testModelMutation"]["updateOneWithRelations"]["age"], int(30), "{body}");

    // Mutations: create, update, a constraint violation, validate-only, delete.
    let body = gql(
        s,
        admin,
        module,
        "mutation($d: TestModelInput!) { testModelMutation { create(data: $d) { id name age flags active } } }",
        json!({"d": {"name": "dave", "age": 22, "active": true}, "oio": {"msgLevel": "SUCCESS"}}),
    )
    .await;
    let created = &body["data"]["testModelMutation"]["create"];
    assert_eq!((&created["name"], &created["flags"]), (&json!("dave"), &int(0)), "{body}");
    let id = created["id"].as_str().expect("the new id, as a string").to_owned();
    assert_eq!(body["extensions"]["success"], true);
    assert_eq!(body["extensions"]["messages"][0]["level"], "SUCCESS", "{body}");

    let body = gql(
        s,
        admin,
        module,
        "mutation($d: TestModelInput!) { testModelMutation { update(data: $d) { id age } } }",
        json!({"d": {"id": id, "age": 23}}),
    )
    .await;
    assert_eq!(body["data"]["testModelMutation"]["update"]["age"], int(23), "{body}");
    assert_eq!(body["extensions"]["messages"], json!([]), "messages below ERROR are dropped by default");

    let body =
        gql(s, admin, module, "mutation { testModelMutation { create(data: {name: \"bob\"}) { id } } }", json!({}))
            .await;
    assert_eq!(error_code(&body), 10050009, "a duplicate name: {body}");
    assert_eq!(body["extensions"]["success"], false);

    let body = gql(
        s,
        admin,
        module,
        "mutation { testModelMutation { create(data: {name: \"eve\"}) { name } } }",
        json!({"requestStrategy": {"onlyValidate": true}}),
    )
    .await;
    assert_eq!(body["data"]["testModelMutation"]["create"]["name"], "eve", "{body}");
    assert_eq!(
        names(s, admin, module, "name==eve").await.unwrap(),
        Vec::<String>::new(),
        "validate-only saves nothing"
    );

    let body = gql(
        s,
        admin,
        module,
        "mutation($l: [TestModelInput]!) { testModelMutation { delete(dataList: $l) { name } } }",
        json!({"l": [{"id": id}]}),
    )
    .await;
    assert_eq!(body["data"]["testModelMutation"]["delete"], json!([{"name": "dave"}]), "{body}");
    assert_eq!(names(s, admin, module, "name==dave").await.unwrap(), Vec::<String>::new());
}

async fn register(s: &Server, admin: &str, body: Value) -> String {
    let a = s.post("/api/v1/datasources", Some(admin), body).await.expect(201, 0);
    a.data()["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_module_answers_every_operator_and_mutation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE TABLE test_model (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, age INTEGER, score NUMERIC, active BOOLEAN, flags INTEGER NOT NULL DEFAULT 0, nick_name TEXT, created_at DATETIME); {ROWS};")))
        .execute(&mut c)
        .await
        .unwrap();
    let (s, admin) = server().await;
    let id = register(
        &s,
        &admin,
        json!({"name": "shop", "code": "shop", "type": "sqlite", "connection": {"database": path}}),
    )
    .await;
    scenario(&s, &admin, "shop").await;

    // The schema follows the database once the catalog is read again, not before.
    sqlx::raw_sql(
        "CREATE TABLE extra_things (id INTEGER PRIMARY KEY, label TEXT); INSERT INTO extra_things (label) VALUES ('x')",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let body = gql(&s, &admin, "shop", "{ extraThingsQuery { count } }", json!({})).await;
    assert_eq!(error_code(&body), 10017001, "not known yet: {body}");
    s.get(&format!("/api/v1/datasources/{id}/tables?refresh=true"), Some(&admin)).await.expect(200, 0);
    let body = gql(&s, &admin, "shop", "{ extraThingsQuery { count } }", json!({})).await;
    assert_eq!(body["data"]["extraThingsQuery"]["count"], "1", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_module_answers_every_operator_and_mutation() {
    let Some(db) = ScratchDb::new(ServerKind::Postgres).await else { return };
    db.run(&format!("CREATE TABLE test_model (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, age int, score numeric(10,2), active boolean, flags int NOT NULL DEFAULT 0, nick_name text, created_at timestamp); {ROWS};")).await;
    let (s, admin) = server().await;
    register(&s, &admin, json!({"name": "shop", "code": "shop_pg", "type": "postgres", "connection": {"host": db.host, "port": db.port, "database": db.database, "username": db.username}})).await;
    scenario(&s, &admin, "shop_pg").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_module_answers_every_operator_and_mutation() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else { return };
    db.run(&format!("CREATE TABLE test_model (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL UNIQUE, age int, score decimal(10,2), active boolean, flags int NOT NULL DEFAULT 0, nick_name varchar(100), created_at datetime); {ROWS};")).await;
    let (s, admin) = server().await;
    register(&s, &admin, json!({"name": "shop", "code": "shop_my", "type": "mysql", "connection": {"host": db.host, "port": db.port, "database": db.database, "username": db.username}})).await;
    scenario(&s, &admin, "shop_my").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_errors_permissions_and_introspection() {
    let (s, admin) = server().await;
    // Not signed in: HTTP 200 with 11500001, as the Oinone front end expects.
    let a = s.post("/pamirs/demo", None, json!({"query": "{ userQuery { count } }"})).await;
    assert_eq!(a.status.as_u16(), 200);
    assert_eq!(error_code(&a.body), 11500001, "{}", a.body);
    assert_eq!(a.body["errors"][0]["extensions"]["errorType"], "SECURITY_ERROR");

    let a = s.post("/pamirs/nowhere", Some(&admin), json!({"query": "{ module }"})).await;
    assert_eq!(error_code(&a.body), 10017003);

    // Unknown functions and fields are GraphQL errors (10017xxx).
    let body = gql(&s, &admin, "demo", "{ userQuery { nope } }", json!({})).await;
    assert_eq!(error_code(&body), 10017002, "{body}");
    let body = gql(&s, &admin, "demo", "{ nopeQuery { count } }", json!({})).await;
    assert_eq!(error_code(&body), 10017001, "{body}");

    // GET with variables, and the batch form in order.
    let q = "query($w: UserCondInput) { userQuery { countByWrapper(queryWrapper: $w) } }";
    let url = format!(
        "/pamirs/demo?scene=redirectListPage&query={}&variables={}",
        urlencode(q),
        urlencode(&json!({"w": {"rsql": "id=le=10"}}).to_string())
    );
    let a = s.get(&url, Some(&admin)).await;
    assert_eq!(a.body["data"]["userQuery"]["countByWrapper"], "10", "{}", a.body);
    let a = s
        .get(
            &format!(
                "/pamirs/demo?query={}",
                urlencode("mutation { userMutation { delete(dataList: [{id: \"1\"}]) { id } } }")
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(error_code(&a.body), 10017000, "mutations are refused over GET: {}", a.body);
    let a = s
        .post(
            "/pamirs/demo/batch",
            Some(&admin),
            json!([
                {"query": "{ departmentQuery { count } }"},
                {"query": "{ userQuery { queryOne(query: {id: \"3\"}) { id username } } }"},
                {"query": "{ broken"}
            ]),
        )
        .await;
    let items = a.body.as_array().unwrap_or_else(|| panic!("{}", a.body));
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["data"]["departmentQuery"]["count"], "12");
    assert_eq!(items[1]["data"]["userQuery"]["queryOne"]["id"], "3");
    assert_eq!(items[2]["extensions"]["success"], false);

    // Introspection works, with Oinone's root and scalar names.
    let body =
        gql(&s, &admin, "demo", "{ __schema { queryType { name } mutationType { name } types { name } } }", json!({}))
            .await;
    let types: Vec<&str> =
        body["data"]["__schema"]["types"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "QueryType");
    for t in [
        "User",
        "UserInput",
        "UserPage",
        "UserCondInput",
        "UserQuery",
        "UserMutation",
        "Long",
        "Date",
        "BigDecimal",
        "Map",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }

    // Reading needs query:execute on the datasource; writing needs datasource:write.
    let reader = s.user_with(&admin, "reader", &["query:execute", "datasource:read"]).await;
    let body = gql(&s, &reader, "demo", "{ departmentQuery { count } }", json!({})).await;
    assert_eq!(body["data"]["departmentQuery"]["count"], "12", "{body}");
    let body = gql(
        &s,
        &reader,
        "demo",
        "mutation { departmentMutation { delete(dataList: [{id: \"1\"}]) { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&body), 11500002, "{body}");
    let outsider = s.user_with(&admin, "outsider", &["datasource:read"]).await;
    let body = gql(&s, &outsider, "demo", "{ departmentQuery { count } }", json!({})).await;
    assert_eq!(error_code(&body), 11040035, "{body}");

    // Browsers sign in with the HttpOnly cookie set at login; other sites cannot use it.
    let login = s
        .client_post_raw("/api/v1/auth/login", json!({"username": "admin", "password": crate::harness::ADMIN_PASSWORD}))
        .await;
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("quarry_token="))
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_owned();
    let same =
        s.client_post_cookie("/pamirs/demo", &pair, None, json!({"query": "{ departmentQuery { count } }"})).await;
    assert_eq!(same["data"]["departmentQuery"]["count"], "12", "{same}");
    let forged = s
        .client_post_cookie(
            "/pamirs/demo",
            &pair,
            Some("https://evil.example"),
            json!({"query": "{ departmentQuery { count } }"}),
        )
        .await;
    assert_eq!(error_code(&forged), 11500002, "{forged}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_datasources_refuse_mutations() {
    let (s, admin) = server().await;
    let list = s.get("/api/v1/datasources", Some(&admin)).await.expect(200, 0);
    let id = list.data()["items"][0]["id"].as_str().unwrap().to_owned();
    s.put(&format!("/api/v1/datasources/{id}"), Some(&admin), json!({"readOnly": true})).await.expect(200, 0);
    let body = gql(
        &s,
        &admin,
        "demo",
        "mutation { departmentMutation { delete(dataList: [{id: \"1\"}]) { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&body), 11500002, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("read-only"));
    let body = gql(&s, &admin, "demo", "{ departmentQuery { count } }", json!({})).await;
    assert_eq!(body["data"]["departmentQuery"]["count"], "12", "reads still work: {body}");

    // A read-only table in a writable datasource: that table refuses, the others accept.
    let a = s
        .put(
            &format!("/api/v1/datasources/{id}"),
            Some(&admin),
            json!({"readOnly": false, "readOnlyTables": ["Department"]}),
        )
        .await
        .expect(200, 0);
    assert_eq!(a.data()["readOnlyTables"], json!(["Department"]));
    let body = gql(
        &s,
        &admin,
        "demo",
        "mutation { departmentMutation { update(data: {id: \"1\", name: \"X\"}) { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&body), 11500002, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("table is read-only"), "{body}");
    let body =
        gql(&s, &admin, "demo", "mutation { profileMutation { delete(dataList: [{id: \"1\"}]) { id } } }", json!({}))
            .await;
    assert_eq!(body["data"]["profileMutation"]["delete"][0]["id"], "1", "{body}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
