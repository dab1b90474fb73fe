//! Checks the dependency rules of ARCHITECTURE.md by reading every crate's Cargo.toml.

use std::collections::BTreeMap;
use std::path::Path;

fn internal_deps() -> BTreeMap<String, Vec<String>> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut names = Vec::new();
    let mut manifests = BTreeMap::new();
    for entry in std::fs::read_dir(crates).unwrap() {
        let dir = entry.unwrap().path();
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let manifest: toml::Table = text.parse().unwrap();
        let name = manifest["package"]["name"].as_str().unwrap().to_owned();
        assert_eq!(name, dir.file_name().unwrap().to_str().unwrap(), "folder name = crate name");
        names.push(name.clone());
        manifests.insert(name, manifest);
    }
    manifests
        .into_iter()
        .map(|(name, m)| {
            let deps = m
                .get("dependencies")
                .and_then(|d| d.as_table())
                .map(|t| t.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            (name, deps.into_iter().filter(|d| names.contains(d)).collect())
        })
        .collect()
}

#[test]
fn dependency_rules_hold() {
    let deps = internal_deps();
    let has = |krate: &str, dep: &str| deps.get(krate).is_some_and(|d| d.iter().any(|x| x == dep));
    for (krate, list) in &deps {
        assert!(!list.iter().any(|d| d == "server"), "{krate} depends on the binary crate");
        assert!(!list.iter().any(|d| d == "test-support"), "{krate} uses test-support outside dev-dependencies");
    }
    assert!(deps["errors"].is_empty(), "errors is a leaf");
    assert!(!has("store", "auth") && !has("store", "api"), "store knows nothing above it");
    assert!(!has("auth", "api"), "auth has no HTTP types");
    // I/O adapters never import each other; the registry is where they meet.
    assert!(!has("store", "datasource") && !has("datasource", "store"));
    assert!(has("registry", "store") && has("registry", "datasource"));
    assert!(!has("datasource", "auth") && !has("datasource", "api") && !has("datasource", "registry"));
    assert!(deps["crypto"].is_empty(), "crypto is a leaf");
    // The outbound client stands alone; the engine is below the front doors.
    assert!(deps.get("egress").is_none_or(|d| d.is_empty()), "egress depends on no other Quarry crate");
    assert!(deps.get("telemetry").is_none_or(|d| d.is_empty()), "telemetry depends on no other Quarry crate");
    assert!(!has("engine", "api") && !has("engine", "gateway"), "the engine never imports a front door");
    assert!(!has("workflow", "engine"), "the pure core does not know its runner");
    // Front doors never import each other.
    assert!(!has("api", "gateway") && !has("gateway", "api"));
    // The embedded studio is data only: it knows no other Quarry crate, and only `api` serves it.
    assert!(deps.get("web").is_none_or(|d| d.is_empty()), "web depends on no other Quarry crate");
    for (krate, list) in &deps {
        assert!(krate == "api" || krate == "server" || !list.iter().any(|d| d == "web"), "{krate} uses web");
    }
}

#[test]
fn pure_crates_have_no_io_dependencies() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for pure in ["errors", "crypto", "rsql", "query", "workflow", "telemetry", "web"] {
        let Ok(text) = std::fs::read_to_string(crates.join(pure).join("Cargo.toml")) else {
            continue;
        };
        let manifest: toml::Table = text.parse().unwrap();
        let deps = manifest.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default();
        for banned in ["tokio", "sqlx", "axum", "reqwest", "hyper", "async-graphql"] {
            assert!(!deps.contains_key(banned), "{pure} must stay pure but depends on {banned}");
        }
    }
}
