//! Argon2id password hashing, off the async runtime and bounded in concurrency.
//!
//! Each hash costs ~19 MiB and tens of milliseconds of CPU by design, so at most
//! one hash per core runs at a time; further logins wait their turn instead of
//! turning login into a lever for exhausting the server.

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::{Error, Result, random_bytes};

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        PasswordHasher {
            permits: Arc::new(Semaphore::new(cores)),
        }
    }
}

/// A real hash of a random password, verified against when a username does not
/// exist, so that a failed login costs the same time either way.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now(&hex(&random_bytes::<16>())).expect("hashing a random password"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_now(password: &str) -> Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| Error::Hashing(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hashing(e.to_string()))
}

fn verify_now(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!("stored password hash does not parse: {e}");
            false
        }
    }
}

impl PasswordHasher {
    /// Hashes a password into a PHC string (`$argon2id$v=19$…`).
    pub async fn hash(&self, password: &str) -> Result<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closed");
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(|e| Error::Hashing(e.to_string()))?
    }

    /// Checks a password against a stored hash; with `None`, spends the same effort and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore never closed");
        let known = hash.is_some();
        let password = password.to_owned();
        let hash = hash.unwrap_or_else(|| decoy_hash()).to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_now(&password, &hash))
            .await
            .unwrap_or(false);
        ok && known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let h = PasswordHasher::default();
        let a = h.hash("correct horse").await.unwrap();
        let b = h.hash("correct horse").await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salts must differ");
        assert!(h.verify("correct horse", Some(&a)).await);
        assert!(!h.verify("wrong horse", Some(&a)).await);
        assert!(!h.verify("correct horse", None).await);
        assert!(!h.verify("x", Some("not a hash")).await);
    }
}
