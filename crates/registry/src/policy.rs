//! Which SQLite files a datasource may open: never Quarry's own store or secrets, and only
//! inside `QUARRY_SQLITE_ALLOW` when an administrator set it.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct SqlitePolicy {
    /// Files and directories no datasource may touch (the store file, the secrets directory).
    pub protected: Vec<PathBuf>,
    /// When set, SQLite files must lie inside one of these directories.
    pub allow: Option<Vec<PathBuf>>,
    /// Files Quarry itself created for datasources (the demo), always allowed.
    pub builtin: Vec<PathBuf>,
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

impl SqlitePolicy {
    /// Checks a SQLite path and returns it canonicalised, or says why it is refused.
    pub fn check(&self, path: &str) -> Result<PathBuf, String> {
        if path.trim().is_empty() {
            return Err("is required: the SQLite file path".into());
        }
        let file = Path::new(path);
        let real = file.canonicalize().map_err(|e| format!("no SQLite file at {path}: {e}"))?;
        if !real.is_file() {
            return Err(format!("{path} is not a regular file"));
        }
        for p in &self.protected {
            let p = canonical(p);
            // A store file also owns its `-wal`, `-shm` and `-journal` companions.
            let companion = real.to_string_lossy().starts_with(&*p.to_string_lossy());
            if real.starts_with(&p) || companion {
                return Err(format!("{path} belongs to Quarry itself and cannot be a datasource"));
            }
        }
        if self.builtin.iter().any(|b| canonical(b) == real) {
            return Ok(real);
        }
        if let Some(allow) = &self.allow
            && !allow.iter().any(|dir| real.starts_with(canonical(dir)))
        {
            return Err(format!("{path} is outside the directories allowed by QUARRY_SQLITE_ALLOW"));
        }
        Ok(real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_own_files_and_paths_outside_the_allow_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("quarry.db");
        let secrets = dir.path().join("secrets");
        std::fs::create_dir(&secrets).unwrap();
        for f in [&store, &dir.path().join("quarry.db-wal"), &secrets.join("data.key")] {
            std::fs::write(f, b"x").unwrap();
        }
        let allowed = dir.path().join("allowed");
        std::fs::create_dir(&allowed).unwrap();
        let ok = allowed.join("shop.db");
        std::fs::write(&ok, b"x").unwrap();
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"x").unwrap();

        let policy = SqlitePolicy { protected: vec![store.clone(), secrets.clone()], allow: None, builtin: vec![] };
        assert!(policy.check(store.to_str().unwrap()).unwrap_err().contains("Quarry itself"));
        assert!(policy.check(&format!("{}-wal", store.display())).is_err());
        assert!(policy.check(secrets.join("data.key").to_str().unwrap()).is_err());
        let sneaky = format!("{}/../secrets/data.key", allowed.display());
        assert!(policy.check(&sneaky).is_err(), "dot-dot does not get around it");
        assert!(policy.check(other.to_str().unwrap()).is_ok());
        assert!(policy.check("/no/such/file.db").unwrap_err().contains("no SQLite file"));
        assert!(policy.check(dir.path().to_str().unwrap()).is_err(), "a directory is not a file");

        let strict = SqlitePolicy { allow: Some(vec![allowed]), ..policy };
        assert!(strict.check(ok.to_str().unwrap()).is_ok());
        assert!(strict.check(other.to_str().unwrap()).unwrap_err().contains("QUARRY_SQLITE_ALLOW"));
    }
}
