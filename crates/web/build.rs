//! Builds the web studio (`ui/`, React + Vite) with npm into this crate's output folder and
//! writes `assets.rs`: every built file as `include_bytes!`, so the binary carries the studio.
//!
//! Set `QUARRY_UI_DIST` to an already built studio folder to skip npm (for machines without
//! Node.js, or packagers that build the UI separately).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-env-changed=QUARRY_UI_DIST");
    let dist = match env::var_os("QUARRY_UI_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => build_ui(&out),
    };
    if !dist.join("index.html").is_file() {
        panic!("{} has no index.html: the web studio was not built", dist.display());
    }
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    let mut code =
        String::from("/// Every file of the built studio: path below the root (no leading `/`) and bytes.\n");
    code.push_str("pub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        code.push_str(&format!("    ({rel:?}, include_bytes!({abs:?})),\n"));
    }
    code.push_str("];\n");
    fs::write(out.join("assets.rs"), code).expect("write assets.rs");
}

/// Runs `npm ci` when the lock file changed since the last install, then `npm run build` with the
/// bundle going to `$OUT_DIR/dist`.
fn build_ui(out: &Path) -> PathBuf {
    let ui = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../../ui");
    let ui = ui.canonicalize().unwrap_or_else(|e| panic!("the studio's sources ({}) are missing: {e}", ui.display()));
    for watched in [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
        "openapi.json",
        "openapi-config.cjs",
        "public",
    ] {
        println!("cargo:rerun-if-changed={}", ui.join(watched).display());
    }
    // `npm ci` (a clean install from the lock file) only when the lock file differs from the one
    // last installed here; the marker holds a copy of it.
    let lock = fs::read(ui.join("package-lock.json")).expect("ui/package-lock.json is committed");
    let marker = ui.join("node_modules/.quarry-installed-lock");
    if fs::read(&marker).ok().as_deref() != Some(lock.as_slice()) {
        npm(&ui, &["ci", "--no-audit", "--no-fund"], None);
        fs::write(&marker, &lock).expect("write the install marker");
    }
    let dist = out.join("dist");
    npm(&ui, &["run", "build"], Some(&dist));
    dist
}

fn npm(dir: &Path, args: &[&str], out: Option<&Path>) {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(dir).env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    if let Some(out) = out {
        cmd.env("QUARRY_UI_OUT", out);
    }
    let status = cmd.status().unwrap_or_else(|e| {
        panic!(
            "could not run npm ({e}). The web studio needs Node.js 20.19 or newer with npm; \
             install them, or set QUARRY_UI_DIST to a folder holding a built studio"
        )
    });
    if !status.success() {
        panic!("`npm {}` in {} failed ({status})", args.join(" "), dir.display());
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).expect("below the root").to_string_lossy().replace('\\', "/");
            files.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
