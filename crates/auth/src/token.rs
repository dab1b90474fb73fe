//! Signed access tokens (JWT, HS256) and opaque refresh tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result, random_bytes};

const ISSUER: &str = "quarry";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    /// The session the token belongs to; revoking it refuses the token.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
    /// Always `access`, so no other token kind is accepted in its place.
    pub typ: String,
}

/// The signing keys, derived from the JWT secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Makes keys from a secret of at least 32 bytes.
    pub fn new(secret: &[u8]) -> TokenKeys {
        assert!(secret.len() >= 32, "the JWT secret must be at least 32 bytes");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        TokenKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    /// Signs an access token for `user_id` in `session_id`, valid until `expires_at`.
    pub fn issue(&self, user_id: &str, session_id: &str, expires_at: DateTime<Utc>) -> Result<String> {
        let claims = AccessClaims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: Utc::now().timestamp(),
            exp: expires_at.timestamp(),
            jti: uuid::Uuid::now_v7().simple().to_string(),
            iss: ISSUER.to_owned(),
            typ: "access".to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|_| Error::TokenInvalid)
    }

    /// Verifies signature, issuer, kind and expiry; says which of expired or invalid it is.
    pub fn verify(&self, token: &str) -> Result<AccessClaims> {
        match jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation) {
            Ok(data) if data.claims.typ == "access" => Ok(data.claims),
            Ok(_) => Err(Error::TokenInvalid),
            Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => Err(Error::TokenExpired),
            Err(_) => Err(Error::TokenInvalid),
        }
    }
}

/// A new opaque refresh token (`qrt_` and 256 random bits).
pub(crate) fn new_refresh_token() -> String {
    format!("qrt_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// The form a refresh token is stored in: its SHA-256, hex.
pub(crate) fn refresh_token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32])
    }

    #[test]
    fn round_trip() {
        let t = keys().issue("user_1", "ses_1", Utc::now() + Duration::minutes(5)).unwrap();
        let c = keys().verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("user_1", "ses_1"));
    }

    #[test]
    fn expired_is_told_apart_from_invalid() {
        let t = keys().issue("u", "s", Utc::now() - Duration::seconds(5)).unwrap();
        assert!(matches!(keys().verify(&t), Err(Error::TokenExpired)));
        assert!(matches!(keys().verify("garbage"), Err(Error::TokenInvalid)));
    }

    #[test]
    fn other_keys_and_tampering_are_refused() {
        let t = keys().issue("u", "s", Utc::now() + Duration::minutes(5)).unwrap();
        assert!(matches!(TokenKeys::new(&[8u8; 32]).verify(&t), Err(Error::TokenInvalid)));
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        let forged = AccessClaims { sub: "admin".into(), ..keys().verify(&t).unwrap() };
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(matches!(keys().verify(&parts.join(".")), Err(Error::TokenInvalid)));
        // alg=none must never be accepted.
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
        assert!(matches!(keys().verify(&none), Err(Error::TokenInvalid)));
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, b) = (new_refresh_token(), new_refresh_token());
        assert_ne!(a, b);
        assert_eq!(refresh_token_hash(&a).len(), 64);
        assert_ne!(refresh_token_hash(&a), a);
    }
}
