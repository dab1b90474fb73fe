//! Argon2id password hashing, off the async runtime and bounded in concurrency.
//!
//! Each hash costs ~19 MiB and tens of milliseconds of CPU by design, so at most
//! one hash per core runs at a time; further logins wait their turn instead of
//! turning login into a lever for exhausting the server.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::{Error, Result, random_bytes};

/// Hashes and verifies passwords with Argon2id (m = 19 MiB, t = 2, p = 1).
///
/// The 19 MiB work areas are kept in a small pool and reused: allocating a
/// fresh one per login makes the allocator keep a copy per thread arena, and
/// the process grew to ~450 MiB under a login benchmark.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordHasher { permits: Arc::new(Semaphore::new(cores)), memory: Arc::default() }
    }
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Hashing(e.to_string())
}

/// Runs Argon2 into an output of `out_len` bytes, with a work area from `pool`.
fn compute(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out_len: usize,
    pool: &Mutex<Vec<Vec<Block>>>,
) -> Result<Output> {
    let needed = argon.params().block_count();
    let mut blocks = pool.lock().expect("memory pool").pop().unwrap_or_default();
    if blocks.len() < needed {
        blocks.resize_with(needed, Block::default);
    }
    let output = Output::init_with(out_len, |out| {
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed]).map_err(Into::into)
    });
    pool.lock().expect("memory pool").push(blocks);
    output.map_err(failed)
}

fn hash_now(password: &str, pool: &Mutex<Vec<Vec<Block>>>) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(failed)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf).map_err(failed)?;
    let output = compute(&argon, password.as_bytes(), salt_bytes, Params::DEFAULT_OUTPUT_LEN, pool)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_now(password: &str, hash: &str, pool: &Mutex<Vec<Vec<Block>>>) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(failed)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(failed)?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(failed)?.unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(failed)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(failed("the stored hash lacks a salt or an output"));
    };
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(failed)?;
    let argon = Argon2::new(algorithm, version, params);
    let output = compute(&argon, password.as_bytes(), salt_bytes, expected.len(), pool)?;
    // `Output`'s equality is constant-time.
    Ok(output == expected)
}

/// A real hash of a random password, verified against when a username does not
/// exist, so that a failed login costs the same time either way.
fn decoy_hash(pool: &Mutex<Vec<Vec<Block>>>) -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY
        .get_or_init(|| {
            let random: String = random_bytes::<16>().iter().map(|b| format!("{b:02x}")).collect();
            hash_now(&random, pool).expect("hashing a random password")
        })
        .clone()
}

impl PasswordHasher {
    /// Hashes a password into a PHC string (`$argon2id$v=19$…`).
    pub async fn hash(&self, password: &str) -> Result<String> {
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        let password = password.to_owned();
        let pool = self.memory.clone();
        tokio::task::spawn_blocking(move || hash_now(&password, &pool)).await.map_err(failed)?
    }

    /// Checks a password against a stored hash; with `None`, spends the same effort and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        let known = hash.is_some();
        let password = password.to_owned();
        let hash = hash.map(str::to_owned);
        let pool = self.memory.clone();
        let ok = tokio::task::spawn_blocking(move || {
            let hash = hash.unwrap_or_else(|| decoy_hash(&pool));
            verify_now(&password, &hash, &pool).unwrap_or_else(|e| {
                tracing::error!("stored password hash unusable: {e}");
                false
            })
        })
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

    #[tokio::test]
    async fn verifies_hashes_made_by_the_reference_implementation() {
        use argon2::PasswordHasher as _;
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let reference = Argon2::default().hash_password(b"pa55word", &salt).unwrap().to_string();
        let h = PasswordHasher::default();
        assert!(h.verify("pa55word", Some(&reference)).await);
        assert!(!h.verify("pa55wore", Some(&reference)).await);
        // And the reference accepts ours.
        let ours = h.hash("pa55word").await.unwrap();
        use argon2::PasswordVerifier as _;
        assert!(Argon2::default().verify_password(b"pa55word", &PasswordHash::new(&ours).unwrap()).is_ok());
    }
}
