//! The web studio's own test suites, run by `cargo nextest run --workspace` like every other
//! test: its unit and component tests (Vitest), and its end-to-end tests (Playwright driving
//! Debian's Chromium, headless) against the real `quarry` binary on a fresh store.
//!
//! Chromium is installed by this setup when missing (`apt-get install chromium`, as root). Without
//! it — or without npm — a local run prints a NOTICE and skips; CI fails.

// The server harness is shared with the API tests, which use more of it.
#[allow(dead_code)]
#[path = "../api/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use test_support::{StoreKind, TestStore, service_missing};

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui").canonicalize().expect("ui/ exists")
}

/// Runs `npm <args>` in `ui/` with `env`, streaming its output, and fails the test on failure.
fn npm(args: &[&str], env: &[(&str, String)]) {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(ui_dir());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd.status().expect("npm runs (the build already needed it)");
    assert!(status.success(), "`npm {}` failed ({status})", args.join(" "));
}

/// The Chromium Playwright drives: `QUARRY_E2E_CHROMIUM`, else Debian's, installed when missing.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var("QUARRY_E2E_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if path.exists() {
        return Some(path);
    }
    eprintln!("Chromium missing: installing Debian's chromium package");
    let installed = Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success())
        || (Command::new("apt-get").arg("update").status().is_ok_and(|s| s.success())
            && Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success()));
    if installed && path.exists() { Some(path) } else { service_missing("Chromium", "apt-get install chromium failed") }
}

/// A Chinese font, so the zh-CN screenshots show text rather than boxes. Best effort: the
/// journeys check text through the DOM, not through pixels.
fn cjk_font() {
    let has = Command::new("fc-list").arg(":lang=zh").output().is_ok_and(|o| !o.stdout.is_empty());
    if !has {
        let _ = Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "fonts-wqy-zenhei"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
    }
}

#[test]
fn studio_unit_and_component_tests() {
    npm(&["test"], &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn studio_end_to_end_in_chromium() {
    let Some(chromium) = chromium() else { return };
    cjk_font();
    // The workflow journeys call a test server on loopback, and watch an alert fire within seconds.
    let env = [
        ("QUARRY_HTTP_ALLOWLIST", "127.0.0.1"),
        ("QUARRY_ALERT_INTERVAL_MS", "1000"),
        ("QUARRY_METRICS_FLUSH_MS", "1000"),
        ("QUARRY_METRICS_INTERVAL_MS", "1000"),
    ];
    let server = harness::Server::start(TestStore::new(StoreKind::Sqlite).await.unwrap(), &env).await;
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&out).unwrap();
    let out = out.canonicalize().unwrap();
    // A SQLite file of its own for the "create a datasource" journey.
    let extra = server.data_dir().join("e2e-extra.db");
    std::fs::copy(server.data_dir().join("demo.db"), &extra).unwrap();
    let env = [
        ("QUARRY_E2E_URL", server.base.clone()),
        ("QUARRY_E2E_PASSWORD", harness::ADMIN_PASSWORD.to_owned()),
        ("QUARRY_E2E_CHROMIUM", chromium.display().to_string()),
        ("QUARRY_E2E_OUT", out.display().to_string()),
        ("QUARRY_E2E_SQLITE", extra.display().to_string()),
    ];
    let suite = tokio::task::spawn_blocking(move || npm(&["run", "e2e"], &env));
    let result = suite.await;
    if result.is_err() {
        eprintln!("quarry's log:\n{}", server.stderr.lock().unwrap().join("\n"));
    }
    result.unwrap();
}
