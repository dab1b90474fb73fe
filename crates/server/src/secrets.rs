//! The server's own secrets: the JWT signing key and the data-encryption key.
//!
//! Each comes from its environment variable or, when that is unset, from a
//! file in `<data-dir>/secrets/`, generated on first start with mode 0600.
//! A multi-instance deployment must set the variables so that every instance
//! signs and encrypts with the same keys.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub struct Secrets {
    pub jwt: Vec<u8>,
    /// The key later parts use to encrypt stored credentials.
    pub data_key: Vec<u8>,
}

impl Secrets {
    pub fn load(data_dir: &Path) -> anyhow::Result<Secrets> {
        Ok(Secrets {
            jwt: secret(data_dir, "jwt.key", "QUARRY_JWT_SECRET")?,
            data_key: secret(data_dir, "data.key", "QUARRY_SECRET_KEY")?,
        })
    }
}

fn secret(data_dir: &Path, file: &str, var: &str) -> anyhow::Result<Vec<u8>> {
    if let Ok(value) = std::env::var(var) {
        if value.len() < 32 {
            bail!("{var} must be at least 32 characters");
        }
        return Ok(value.into_bytes());
    }
    let dir = data_dir.join("secrets");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
    let path = dir.join(file);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let mode = fs::metadata(&path)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "secret file was readable by others; setting 0600");
                fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
            }
            let key = STANDARD.decode(text.trim()).with_context(|| format!("{} is not base64", path.display()))?;
            if key.len() < 32 {
                bail!("{} holds fewer than 32 bytes", path.display());
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; 32];
            getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            f.write_all(STANDARD.encode(&key).as_bytes())?;
            f.sync_all()?;
            tracing::info!(path = %path.display(), "generated a new secret");
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}
