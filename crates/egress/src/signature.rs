//! Webhook signatures: HMAC-SHA256 over `"<timestamp>.<body>"`, sent as `x-quarry-signature: sha256=<hex>` next to `x-quarry-timestamp`.
//!
//! Signing the timestamp with the body lets a receiver reject old deliveries
//! ([`SignatureError::Stale`]) without trusting an unsigned header. Replays
//! inside the allowed skew are the receiver's to catch, by remembering the
//! signatures it has seen.

use aws_lc_rs::{constant_time, hmac};

pub const SIGNATURE_HEADER: &str = "x-quarry-signature";
pub const TIMESTAMP_HEADER: &str = "x-quarry-timestamp";

const SCHEME: &str = "sha256=";

/// Why a delivery's signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature or timestamp header is missing")]
    Missing,
    #[error("the signature or timestamp header is malformed")]
    Malformed,
    #[error("the timestamp is outside the allowed clock skew")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// The `x-quarry-signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body);
    let mut out = String::with_capacity(SCHEME.len() + tag.as_ref().len() * 2);
    out.push_str(SCHEME);
    for byte in tag.as_ref() {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// Checks a delivery's headers against its raw body. `now` and the timestamp
/// are Unix seconds; deliveries more than `max_skew_secs` away from `now`, in
/// either direction, are [`SignatureError::Stale`].
pub fn verify(
    secret: &[u8],
    timestamp_header: Option<&str>,
    signature_header: Option<&str>,
    body: &[u8],
    now: i64,
    max_skew_secs: i64,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (present(timestamp_header), present(signature_header)) else {
        return Err(SignatureError::Missing);
    };
    let timestamp: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    let claimed = signature.strip_prefix(SCHEME).and_then(decode_hex).ok_or(SignatureError::Malformed)?;
    if claimed.len() != hmac::HMAC_SHA256.tag_len() {
        return Err(SignatureError::Malformed);
    }
    // A negative skew allows nothing rather than wrapping around.
    let max_skew = u64::try_from(max_skew_secs).unwrap_or(0);
    if now.abs_diff(timestamp) > max_skew {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body);
    // Constant time, so response timing reveals nothing about how much of a
    // forged signature was right.
    constant_time::verify_slices_are_equal(expected.as_ref(), &claimed).map_err(|_| SignatureError::Mismatch)
}

/// A header counts as missing when it is absent or blank.
fn present(header: Option<&str>) -> Option<&str> {
    header.map(str::trim).filter(|h| !h.is_empty())
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    context.sign()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Decodes hex in either case; `None` on odd length or a non-hex digit.
fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| char::from(b).to_digit(16);
    let bytes = hex.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| {
            let value = digit(pair[0])? << 4 | digit(pair[1])?;
            u8::try_from(value).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"event":"execution.finished","id":42}"#;
    const TS: i64 = 1_700_000_000;

    #[test]
    fn known_answer() {
        // python3: hmac.new(b"whsec_test_secret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
        assert_eq!(sign(SECRET, TS, BODY), "sha256=aab9a5f07a655daa0b1dfcb5df9acd42ecf1a614509cbbd0af5d50ef14a05148");
        // python3: hmac.new(b"key", b"0.", hashlib.sha256).hexdigest()
        assert_eq!(sign(b"key", 0, b""), "sha256=85841b4efc3cd7776c3c8f9b7cca9e281c550e5d19889d78e9e669c6337f000d");
    }

    #[test]
    fn round_trip() {
        let signature = sign(SECRET, TS, BODY);
        let ts = TS.to_string();
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS, 300), Ok(()));
        // Within the skew on either side, and with upper-case hex.
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS + 300, 300), Ok(()));
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS - 300, 300), Ok(()));
        let upper = format!("sha256={}", signature[SCHEME.len()..].to_uppercase());
        assert_eq!(verify(SECRET, Some(&ts), Some(&upper), BODY, TS, 300), Ok(()));
    }

    #[test]
    fn mismatch() {
        let signature = sign(SECRET, TS, BODY);
        let ts = TS.to_string();
        let check = |secret: &[u8], ts: &str, body: &[u8]| verify(secret, Some(ts), Some(&signature), body, TS, 300);
        assert_eq!(check(b"other secret", &ts, BODY), Err(SignatureError::Mismatch));
        assert_eq!(check(SECRET, &ts, b"{\"event\":\"tampered\"}"), Err(SignatureError::Mismatch));
        // The timestamp is signed too: moving it breaks the signature.
        assert_eq!(check(SECRET, &(TS + 1).to_string(), BODY), Err(SignatureError::Mismatch));
    }

    #[test]
    fn stale() {
        let signature = sign(SECRET, TS, BODY);
        let ts = TS.to_string();
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS + 301, 300), Err(SignatureError::Stale));
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS - 301, 300), Err(SignatureError::Stale));
        assert_eq!(verify(SECRET, Some(&ts), Some(&signature), BODY, TS + 1, -1), Err(SignatureError::Stale));
        // Far-apart values do not overflow.
        let min = i64::MIN.to_string();
        let sig_min = sign(SECRET, i64::MIN, BODY);
        assert_eq!(verify(SECRET, Some(&min), Some(&sig_min), BODY, i64::MAX, 300), Err(SignatureError::Stale));
    }

    #[test]
    fn malformed() {
        let signature = sign(SECRET, TS, BODY);
        let ts = TS.to_string();
        let hex = &signature[SCHEME.len()..];
        for (ts, sig) in [
            ("yesterday", signature.as_str()),
            ("1.5", signature.as_str()),
            (ts.as_str(), hex),
            (ts.as_str(), &format!("sha1={hex}")),
            (ts.as_str(), &format!("sha256={}", &hex[1..])),
            (ts.as_str(), &format!("sha256={}", &hex[2..])),
            (ts.as_str(), &format!("sha256={}zz", &hex[2..])),
            (ts.as_str(), &format!("{signature}00")),
        ] {
            assert_eq!(
                verify(SECRET, Some(ts), Some(sig), BODY, TS, 300),
                Err(SignatureError::Malformed),
                "{ts} {sig}"
            );
        }
    }

    #[test]
    fn missing() {
        let signature = sign(SECRET, TS, BODY);
        let ts = TS.to_string();
        assert_eq!(verify(SECRET, None, Some(&signature), BODY, TS, 300), Err(SignatureError::Missing));
        assert_eq!(verify(SECRET, Some(&ts), None, BODY, TS, 300), Err(SignatureError::Missing));
        assert_eq!(verify(SECRET, Some(" "), Some(&signature), BODY, TS, 300), Err(SignatureError::Missing));
        assert_eq!(verify(SECRET, None, None, BODY, TS, 300), Err(SignatureError::Missing));
    }
}
