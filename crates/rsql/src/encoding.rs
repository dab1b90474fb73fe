//! The `base64:` prefix clients use to send filters that would otherwise need escaping.

use std::borrow::Cow;

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::{ErrorKind, ParseError};

const PREFIX: &str = "base64:";

/// Standard alphabet; trailing `=` padding may be present or left out.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a filter sent as `base64:` followed by base64 text (standard alphabet, padding
/// optional) of UTF-8; any other input comes back unchanged and unallocated.
///
/// Errors are [`ErrorKind::Syntax`] with the position, in characters of `input`, of the first
/// offending character (of the prefix's end when the decoded bytes are not UTF-8).
///
/// ```
/// assert_eq!(rsql::decode_base64_prefix("base64:bmFtZT09eA").unwrap(), "name==x");
/// assert_eq!(rsql::decode_base64_prefix("name==x").unwrap(), "name==x");
/// ```
pub fn decode_base64_prefix(input: &str) -> Result<Cow<'_, str>, ParseError> {
    let Some(encoded) = input.strip_prefix(PREFIX) else {
        return Ok(Cow::Borrowed(input));
    };
    // Offsets from the decoder are in bytes of `encoded`; turn them into characters of `input`.
    let at = |byte: usize| PREFIX.len() + encoded.get(..byte).unwrap_or(encoded).chars().count();
    let bytes = ENGINE.decode(encoded).map_err(|error| {
        let (position, message) = match error {
            base64::DecodeError::InvalidByte(offset, _) => (at(offset), "invalid character in base64 filter"),
            base64::DecodeError::InvalidLastSymbol(offset, _) => {
                (at(offset), "invalid last character in base64 filter")
            }
            base64::DecodeError::InvalidLength(_) => (at(encoded.len()), "base64 filter has an invalid length"),
            base64::DecodeError::InvalidPadding => (at(encoded.len()), "invalid padding in base64 filter"),
        };
        ParseError::new(ErrorKind::Syntax, position, message)
    })?;
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|_| ParseError::new(ErrorKind::Syntax, PREFIX.len(), "base64 filter does not decode to UTF-8 text"))
}
