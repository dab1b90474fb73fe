//! Encryption of secrets at rest (datasource passwords and the like) with AES-256-GCM.
//!
//! Each value gets a fresh random 96-bit nonce and is bound to an identifier
//! (the datasource id) as associated data, so a ciphertext copied onto another
//! row does not decrypt. The sealed form is `v1:` + base64(nonce ‖ ciphertext ‖ tag).

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the sealed value is malformed")]
    Malformed,
    #[error("the sealed value does not decrypt with this key and id (wrong QUARRY_SECRET_KEY?)")]
    Undecryptable,
    #[error("no randomness available")]
    Random,
}

/// Seals and opens secrets with one data-encryption key.
pub struct SecretBox {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

const PREFIX: &str = "v1:";

impl SecretBox {
    /// Derives the AES-256 key from key material of at least 32 bytes.
    pub fn new(material: &[u8]) -> SecretBox {
        assert!(material.len() >= 32, "key material must be at least 32 bytes");
        let mut input = b"quarry data-encryption key v1\0".to_vec();
        input.extend_from_slice(material);
        let derived = digest(&SHA256, &input);
        let key = UnboundKey::new(&AES_256_GCM, derived.as_ref()).expect("a 32-byte key");
        SecretBox { key: LessSafeKey::new(key), rng: SystemRandom::new() }
    }

    /// Encrypts `plaintext`, bound to `id`.
    pub fn seal(&self, plaintext: &str, id: &str) -> Result<String, Error> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| Error::Random)?;
        let mut buf = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(id.as_bytes()), &mut buf)
            .map_err(|_| Error::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Decrypts a value sealed for `id`.
    pub fn open(&self, sealed: &str, id: &str) -> Result<String, Error> {
        let raw = sealed.strip_prefix(PREFIX).ok_or(Error::Malformed)?;
        let mut bytes = STANDARD.decode(raw).map_err(|_| Error::Malformed)?;
        if bytes.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(Error::Malformed);
        }
        let mut ciphertext = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| Error::Malformed)?;
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(id.as_bytes()), &mut ciphertext)
            .map_err(|_| Error::Undecryptable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| Error::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_binds_to_the_id() {
        let b = SecretBox::new(&[3u8; 32]);
        let sealed = b.seal("s3cret pässword", "ds_1").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("s3cret"));
        assert_eq!(b.open(&sealed, "ds_1").unwrap(), "s3cret pässword");
        assert!(matches!(b.open(&sealed, "ds_2"), Err(Error::Undecryptable)));
        assert!(matches!(SecretBox::new(&[4u8; 32]).open(&sealed, "ds_1"), Err(Error::Undecryptable)));
        assert_ne!(sealed, b.seal("s3cret pässword", "ds_1").unwrap(), "fresh nonce each time");
    }

    #[test]
    fn tampering_and_garbage_are_refused() {
        let b = SecretBox::new(&[3u8; 32]);
        let sealed = b.seal("x", "id").unwrap();
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(bytes));
        assert!(b.open(&tampered, "id").is_err());
        for garbage in ["", "v1:", "v1:!!", "v2:AAAA", "v1:AAAA"] {
            assert!(b.open(garbage, "id").is_err(), "{garbage}");
        }
    }
}
