//! Connection tests, introspection and typed decoding against the real MariaDB, PostgreSQL and SQLite.
//! Writes and the Oinone filter operators on the same three live in `writes`.

mod writes;

use std::time::Duration;

use datasource::{Kind, Pool, Spec, Stage, decode, probe};
use serde_json::{Value, json};
use test_support::{ScratchDb, ServerKind};

fn spec(db: &ScratchDb) -> Spec {
    Spec {
        kind: match db.kind {
            ServerKind::Mysql => Kind::Mysql,
            ServerKind::Postgres => Kind::Postgres,
        },
        host: db.host.clone(),
        port: db.port,
        database: db.database.clone(),
        username: db.username.clone(),
        password: None,
        ssl: false,
        timezone: None,
        pool_size: 2,
        timeout: Duration::from_secs(5),
        max_retries: 0,
    }
}

const PG_SCHEMA: &str = r#"
CREATE TABLE department (id serial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE);
COMMENT ON TABLE department IS 'Departments of the company';
CREATE TABLE "User" (
    id bigserial PRIMARY KEY,
    username varchar(50) NOT NULL,
    email text,
    department_id integer REFERENCES department (id),
    balance numeric(12, 2) NOT NULL DEFAULT 0,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    birthday date,
    profile jsonb,
    token uuid,
    avatar bytea,
    score double precision,
    big bigint
);
COMMENT ON COLUMN "User".username IS 'Login name';
CREATE UNIQUE INDEX idx_user_username ON "User" (username);
CREATE INDEX idx_user_dept_created ON "User" (department_id, created_at);
INSERT INTO department (name) VALUES ('Sales'), ('R&D');
INSERT INTO "User" (username, email, department_id, balance, created_at, birthday, profile, token, avatar, score, big)
VALUES ('alice', 'a@example.com', 1, 1234.50, '2024-01-01T12:00:00Z', '1990-05-17', '{"tags": ["x"]}',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff10', 0.5, 9007199254740993);
ANALYZE;
"#;

const MYSQL_SCHEMA: &str = r#"
CREATE TABLE department (id int unsigned AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL UNIQUE) COMMENT 'Departments of the company';
CREATE TABLE `User` (
    id bigint unsigned AUTO_INCREMENT PRIMARY KEY,
    username varchar(50) NOT NULL COMMENT 'Login name',
    email text,
    department_id int unsigned,
    balance decimal(12, 2) NOT NULL DEFAULT 0,
    active tinyint(1) NOT NULL DEFAULT 1,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    birthday date,
    profile json,
    token char(36),
    avatar varbinary(16),
    score double,
    big bigint unsigned,
    UNIQUE KEY idx_user_username (username),
    KEY idx_user_dept_created (department_id, created_at),
    CONSTRAINT fk_user_department FOREIGN KEY (department_id) REFERENCES department (id)
) ENGINE=InnoDB;
INSERT INTO department (name) VALUES ('Sales'), ('R&D');
INSERT INTO `User` (username, email, department_id, balance, created_at, birthday, profile, token, avatar, score, big)
VALUES ('alice', 'a@example.com', 1, 1234.50, '2024-01-01 12:00:00', '1990-05-17', '{"tags": ["x"]}',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', X'00ff10', 0.5, 18446744073709551615);
ANALYZE TABLE department, `User`;
"#;

fn column<'a>(schema: &'a datasource::Schema, table: &str, name: &str) -> &'a datasource::Column {
    let t = schema.table(table).unwrap_or_else(|| panic!("no table {table}"));
    t.columns.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no column {table}.{name}"))
}

async fn check_introspection(kind: ServerKind, schema: &datasource::Schema) {
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["User", "department"]);
    let dept = schema.table("department").unwrap();
    assert_eq!(dept.comment.as_deref(), Some("Departments of the company"));
    assert_eq!(dept.rows, Some(2), "row estimate after ANALYZE");
    assert!(dept.data_length.unwrap_or(0) > 0);

    let id = column(schema, "User", "id");
    assert_eq!(id.key.as_deref(), Some("PRI"));
    assert_eq!(id.extra.as_deref().map(|e| e.contains("auto_increment")), Some(true));
    assert!(!id.nullable);
    let username = column(schema, "User", "username");
    assert_eq!((username.data_type.as_str(), username.length), ("varchar", Some(50)));
    assert_eq!(username.key.as_deref(), Some("UNI"));
    assert_eq!(username.comment.as_deref(), Some("Login name"));
    assert!(!username.nullable);
    assert!(column(schema, "User", "email").nullable);
    let balance = column(schema, "User", "balance");
    assert_eq!((balance.precision, balance.scale), (Some(12), Some(2)));
    assert!(balance.default.as_deref().is_some_and(|d| d.starts_with('0')), "{:?}", balance.default);
    assert_eq!(column(schema, "User", "department_id").key.as_deref(), Some("MUL"));
    assert_eq!(column(schema, "User", "created_at").key, None, "second column of an index is not a key");

    let user = schema.table("User").unwrap();
    let idx: Vec<(&str, Vec<&str>, bool)> = user
        .indexes
        .iter()
        .map(|i| (i.name.as_str(), i.columns.iter().map(String::as_str).collect(), i.unique))
        .collect();
    assert!(idx.contains(&("idx_user_dept_created", vec!["department_id", "created_at"], false)), "{idx:?}");
    assert!(idx.contains(&("idx_user_username", vec!["username"], true)), "{idx:?}");
    assert!(user.indexes.iter().any(|i| i.primary && i.columns == ["id"]));
    assert_eq!(user.foreign_keys.len(), 1);
    let fk = &user.foreign_keys[0];
    assert_eq!(
        (fk.columns.clone(), fk.referenced_table.as_str(), fk.referenced_columns.clone()),
        (vec!["department_id".to_owned()], "department", vec!["id".to_owned()])
    );
    if kind == ServerKind::Mysql {
        assert_eq!(user.engine.as_deref(), Some("InnoDB"));
        assert!(column(schema, "User", "big").full_type.ends_with("unsigned"));
    }
}

async fn roundtrip(kind: ServerKind, schema_sql: &str) {
    let Some(db) = ScratchDb::new(kind).await else {
        return;
    };
    db.run(schema_sql).await;
    let spec = spec(&db);

    let report = probe(&spec).await;
    assert!(report.success, "{report:?}");
    assert!(!report.version.clone().unwrap().is_empty());
    assert!(report.charset.is_some() && report.timezone.is_some());
    assert_eq!(report.read_only, Some(false), "a superuser/root account can write");
    assert_eq!(report.message, "connected");

    let pool = Pool::connect(&spec).await.unwrap();
    let schema = pool.introspect().await.unwrap();
    check_introspection(kind, &schema).await;

    // Values come back typed, exactly.
    let values: Vec<Value> = match &pool {
        Pool::Postgres(p) => {
            let row = sqlx::query(r#"SELECT id, username, balance, active, created_at, birthday, profile, token, avatar, score, big, email IS NULL AS no_email FROM "User""#)
                .fetch_one(p).await.unwrap();
            decode::pg_row(&row).unwrap()
        }
        Pool::MySql(p) => {
            let row = sqlx::query("SELECT id, username, balance, active, created_at, birthday, profile, token, avatar, score, big, email IS NULL AS no_email FROM `User`")
                .fetch_one(p).await.unwrap();
            decode::mysql_row(&row).unwrap()
        }
        Pool::Sqlite(_) => unreachable!(),
    };
    assert_eq!(values[0], json!(1));
    assert_eq!(values[1], json!("alice"));
    assert_eq!(values[2], json!("1234.50"), "decimals keep every digit");
    assert!(values[3] == json!(true) || values[3] == json!(1));
    assert!(values[4].as_str().unwrap().starts_with("2024-01-01T12:00:00"), "{}", values[4]);
    assert_eq!(values[5], json!("1990-05-17"));
    // MySQL's JSON type arrives as JSON; MariaDB's JSON is LONGTEXT and arrives as its text.
    let profile = match &values[6] {
        Value::String(text) if kind == ServerKind::Mysql => serde_json::from_str(text).unwrap(),
        other => other.clone(),
    };
    assert_eq!(profile, json!({"tags": ["x"]}));
    assert_eq!(values[7], json!("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    assert_eq!(values[8], json!("AP8Q"), "binary as base64");
    assert_eq!(values[9], json!(0.5));
    let big = if kind == ServerKind::Mysql { "18446744073709551615" } else { "9007199254740993" };
    assert_eq!(values[10], json!(big), "integers beyond 2^53 travel as strings");
    pool.close().await;
}

#[tokio::test]
async fn postgres_probe_introspect_and_decode() {
    roundtrip(ServerKind::Postgres, PG_SCHEMA).await;
}

#[tokio::test]
async fn mariadb_probe_introspect_and_decode() {
    roundtrip(ServerKind::Mysql, MYSQL_SCHEMA).await;
}

#[tokio::test]
async fn sqlite_probe_introspect_and_decode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE department (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE);
         CREATE TABLE \"User\" (id INTEGER PRIMARY KEY, username VARCHAR(50) NOT NULL, department_id INTEGER REFERENCES department (id),
                                balance DECIMAL(12, 2) NOT NULL DEFAULT 0, active BOOLEAN NOT NULL DEFAULT 1, avatar BLOB, score REAL);
         CREATE UNIQUE INDEX idx_user_username ON \"User\" (username);
         CREATE INDEX idx_user_dept ON \"User\" (department_id, username);
         INSERT INTO department (name) VALUES ('Sales'), ('R&D');
         INSERT INTO \"User\" (username, department_id, balance, active, avatar, score) VALUES ('alice', 1, 1234.5, 1, X'00ff10', 0.5);
         ANALYZE;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let spec = Spec { pool_size: 2, timeout: Duration::from_secs(5), ..Spec::sqlite(path.display().to_string()) };
    let report = probe(&spec).await;
    assert!(report.success, "{report:?}");
    assert_eq!(report.read_only, Some(false));
    assert_eq!(report.charset.as_deref(), Some("UTF-8"));

    let pool = Pool::connect(&spec).await.unwrap();
    let schema = pool.introspect().await.unwrap();
    assert_eq!(schema.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["User", "department"]);
    let id = column(&schema, "User", "id");
    assert_eq!((id.key.as_deref(), id.extra.as_deref(), id.nullable), (Some("PRI"), Some("auto_increment"), false));
    let username = column(&schema, "User", "username");
    assert_eq!(
        (username.data_type.as_str(), username.length, username.key.as_deref()),
        ("varchar", Some(50), Some("UNI"))
    );
    let balance = column(&schema, "User", "balance");
    assert_eq!((balance.precision, balance.scale, balance.default.as_deref()), (Some(12), Some(2), Some("0")));
    assert_eq!(column(&schema, "User", "department_id").key.as_deref(), Some("MUL"));
    let user = schema.table("User").unwrap();
    assert_eq!(user.rows, Some(1));
    assert_eq!(user.foreign_keys[0].referenced_table, "department");
    assert!(
        user.indexes
            .iter()
            .any(|i| i.name == "idx_user_dept" && i.columns == ["department_id", "username"] && !i.unique)
    );

    let Pool::Sqlite(p) = &pool else { unreachable!() };
    let row =
        sqlx::query("SELECT id, username, balance, active, avatar, score FROM \"User\"").fetch_one(p).await.unwrap();
    let values = decode::sqlite_row(&row).unwrap();
    assert_eq!(values, vec![json!(1), json!("alice"), json!(1234.5), json!(true), json!("AP8Q"), json!(0.5)]);
}

#[tokio::test]
async fn bad_configs_fail_at_the_right_stage() {
    let Some(pg) = ScratchDb::new(ServerKind::Postgres).await else {
        return;
    };
    let Some(my) = ScratchDb::new(ServerKind::Mysql).await else {
        return;
    };
    let quick = |mut s: Spec| {
        s.timeout = Duration::from_secs(3);
        s
    };
    let cases: Vec<(&str, Spec, Stage)> = vec![
        ("unknown host", quick(Spec { host: "no-such-host.invalid".into(), ..spec(&pg) }), Stage::Dns),
        ("closed port", quick(Spec { port: 1, ..spec(&pg) }), Stage::TcpConnect),
        ("missing database (pg)", Spec { database: "no_such_db_q".into(), ..spec(&pg) }, Stage::Database),
        ("unknown role (pg)", Spec { username: "no_such_role_q".into(), ..spec(&pg) }, Stage::Authentication),
        ("wrong password (mariadb)", Spec { password: Some("wrong".into()), ..spec(&my) }, Stage::Authentication),
        ("missing database (mariadb)", Spec { database: "no_such_db_q".into(), ..spec(&my) }, Stage::Database),
        (
            "missing sqlite file",
            Spec { kind: Kind::Sqlite, database: "/nonexistent/dir/x.db".into(), ..spec(&pg) },
            Stage::Database,
        ),
    ];
    for (what, spec, stage) in cases {
        let report = probe(&spec).await;
        assert!(!report.success, "{what}");
        assert_eq!(report.stage, Some(stage), "{what}: {}", report.message);
        assert!(!report.message.is_empty(), "{what}");
        let err = Pool::connect(&spec).await.unwrap_err();
        assert_eq!(err.stage, stage, "{what}: {}", err.message);
    }
}

#[tokio::test]
async fn demo_data_is_deterministic_and_realistic() {
    let dir = tempfile::tempdir().unwrap();
    let mut summaries = Vec::new();
    for name in ["a.db", "b.db"] {
        let path = dir.path().join(name);
        assert!(datasource::demo::create(&path).await.unwrap());
        assert!(!datasource::demo::create(&path).await.unwrap(), "an existing file is left alone");
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let summary: (i64, f64, i64, String, String, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), SUM(amount), SUM(stock), MIN(\"createdAt\"), MAX(\"createdAt\"),
                    (SELECT COUNT(DISTINCT status) FROM \"Order\"), (SELECT COUNT(*) FROM \"User\" WHERE age IS NULL)
             FROM \"Order\"",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        summaries.push(summary);
    }
    assert_eq!(summaries[0], summaries[1], "the same rows every time");
    let (orders, amount, _, first, last, statuses, no_age) = summaries[0].clone();
    assert_eq!(orders, datasource::demo::ORDERS);
    assert!(amount > 1_000_000.0);
    assert!(first.starts_with("2023-01") && last > first, "{first} .. {last}");
    assert_eq!(statuses, 5, "cancelled, refunded, pending, shipped, completed");
    assert!(no_age > 0, "some nullable values are null");
}

#[tokio::test]
async fn mariadb_statements_are_killed_at_their_timeout() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else { return };
    let pool = Pool::connect(&spec(&db)).await.unwrap();
    // Built by hand: the compiler never writes SLEEP, but a slow statement is what is being tested.
    let slow = query::CompiledQuery {
        dialect: query::Dialect::MySql,
        sql: "SELECT SLEEP(20)".into(),
        params: vec![],
        display_sql: String::new(),
        count_sql: None,
        count_params: vec![],
        columns: vec![],
        directives: Default::default(),
    };
    let err = pool.fetch_rows(&slow, Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(err, datasource::ExecError::Timeout(_)), "{err:?}");
    // The statement is gone from the server, not merely abandoned.
    let Pool::MySql(p) = &pool else { unreachable!() };
    let mut still_running = 1;
    for _ in 0..50 {
        still_running = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(20)'",
        )
        .fetch_one(p)
        .await
        .unwrap();
        if still_running == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(still_running, 0, "the server still runs the killed statement");
}
