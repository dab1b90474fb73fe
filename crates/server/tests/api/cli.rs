//! The `quarry` command: first start, restarts, secrets on disk, config files and subcommands.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use test_support::{StoreKind, TestStore, store_tests};

use crate::harness::Server;

store_tests!(first_start_prints_a_password_once_and_restarts_keep_tokens);

async fn first_start_prints_a_password_once_and_restarts_keep_tokens(store: TestStore) {
    let s = Server::start_raw(store, &[]).await;
    let printed =
        s.stdout.lock().unwrap().iter().find_map(|l| l.split("generated password: ").nth(1).map(str::to_owned));
    let password = printed.expect("the generated admin password is printed");
    assert!(password.len() >= 20);
    assert!(!s.stderr.lock().unwrap().iter().any(|l| l.contains(&password)), "the password must not reach the log");
    let token = s.login("admin", &password).await;

    let data_dir = s.data_dir();
    for name in ["jwt.key", "data.key"] {
        let mode = std::fs::metadata(data_dir.join("secrets").join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    assert_eq!(std::fs::metadata(&data_dir).unwrap().permissions().mode() & 0o777, 0o700);

    let store = s.stop();
    let s = Server::start_raw(store, &[]).await;
    assert!(!s.stdout.lock().unwrap().iter().any(|l| l.contains("generated password")), "printed only once");
    // Same signing key and store: the old session is still valid.
    s.get("/api/v1/auth/me", Some(&token)).await.expect(200, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_file_sets_options() {
    let store = TestStore::new(StoreKind::Sqlite).await.unwrap();
    let file = store.data_dir.path().join("quarry.toml");
    std::fs::write(&file, "rate_limit_rps = 1\nrate_limit_burst = 1\n").unwrap();
    let s = Server::start(store, &[("QUARRY_CONFIG", file.to_str().unwrap())]).await;
    s.get("/api/v1/health", None).await.expect(200, 0);
    s.get("/api/v1/health", None).await.expect(429, 4290);
}

#[test]
fn bad_config_fails_fast_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.toml");
    std::fs::write(&file, "listen = 5\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_quarry")).arg("--config").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid config file"));

    let out = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", "mysql://nope"])
        .env("QUARRY_DATA_DIR", dir.path().join("d"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unsupported store URL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let out = Command::new(env!("CARGO_BIN_EXE_quarry")).arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["paths"]["/api/v1/users"]["get"]["security"][0]["bearer"][0] == "users:read");

    // Operation ids name the studio's generated endpoints, so they must be unique.
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        }
    }

    // The studio generates its API client from a committed copy of the document; it must not drift.
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&committed).unwrap()).unwrap();
    assert!(
        committed == doc,
        "ui/openapi.json is out of date: run `cargo run -p server --bin quarry -- openapi > ui/openapi.json`"
    );
}

#[test]
fn rsql_subcommand_prints_tree_sql_and_parameters() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_quarry")).args(args).output().expect("run quarry");
    let out = run(&["rsql", "--dialect", "postgres", "name=like=\"o'x\";flags=has=(1,4),1==1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text} {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains(r#"tree:   (or (and (=like= "name" "o'x") (=has= "flags" ["1","4"])) (== "1" "1"))"#),
        "{text}"
    );
    assert!(text.contains(r#"LIKE $1 ESCAPE '!'"#) && text.contains("& $2::bigint"), "{text}");
    assert!(text.contains(r#"$1 = Text("%o'x%")"#) && text.contains("$2 = Int(5)"), "{text}");
    assert!(!text.lines().find(|l| l.starts_with("sql:")).unwrap().contains("o'x"), "values are bound: {text}");

    let out = run(&["rsql", "--dialect", "mysql", "name==a;(b==c"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("position 13") && err.contains("name==a;(b==c\n             ^"), "{err}");
    let out = run(&["rsql", "--dialect", "oracle", "a==b"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("unknown dialect"));
}
