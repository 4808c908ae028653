//! Credential storage rules: how passwords are hashed (which algorithm,
//! which work factor, which salt), whether they are stored or compared in
//! clear, and how long they must be. What they share: recognising the
//! hashing and key-derivation APIs of both languages, and the OWASP figures
//! in [`thresholds`].

pub mod low_work_factor;
pub mod plaintext;
pub mod samples;
pub mod static_salt;
pub mod thresholds;
pub mod weak_hash;
pub mod weak_policy;

mod js_api;
mod rust_api;

pub use js_api::{FastHash, Kdf, KdfCall, fast_hashes, kdf_calls};

use crate::lang::sensitive::RequestPart;

/// The words every password-hashing API this family knows contains: the
/// algorithm or library name.
pub const KDF_TRIGGERS: &[&str] = &[
    "bcrypt",
    "pbkdf2",
    "scrypt",
    "argon2",
    "password_hash",
    "hash_password_into",
];

/// The words every fast-hash API this family knows contains.
pub const HASH_TRIGGERS: &[&str] = &[
    "createHash",
    "createHmac",
    "create-hash",
    "create-hmac",
    "md5",
    "sha1",
    "sha2",
    "sha3",
    "sha5",
    "sha.js",
    "digest",
    "hmac",
    "ripemd",
    "blake",
    "keccak",
    "whirlpool",
];

/// The words every password-like name contains (see
/// [`crate::lang::sensitive::classify_name`]).
pub const PASSWORD_TRIGGERS: &[&str] = &["pass", "pwd", "pw", "pin", "credential"];

/// A JavaScript number as a count, when it is a whole non-negative number
/// that fits: `2 ** 17` is 131072, `-1` and `0.5` are not counts.
pub fn count(value: f64) -> Option<u64> {
    let fits = value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < 1.8e19;
    // Checked just above: whole, non-negative and in range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fits.then_some(value as u64)
}

/// An integer a Rust expression holds, for the other families' settings
/// (`TOTP::new(.., 4, ..)`, a `const`, `NonZeroU32::new(..)`).
pub fn rust_int(
    file: &crate::lang::rust::RustFile<'_>,
    body: &crate::lang::rust::FnBody<'_>,
    expression: &syn::Expr,
) -> Option<u64> {
    rust_api::int_value(file, body, expression).map(|(value, _)| value)
}

/// A hash type, function or algorithm string as a readable algorithm name:
/// `Sha256`, `sha256` and `SHA256` are `SHA-256`, `Sha3_256` is `SHA3-256`.
pub fn algorithm_name(name: &str) -> String {
    let upper = name.to_ascii_uppercase().replace('_', "-");
    match upper.strip_prefix("SHA") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) && !rest.starts_with('3') => {
            format!("SHA-{rest}")
        }
        _ => upper,
    }
}

/// How a message names a password-like value: "`password`" or "`password`
/// from the request body".
pub fn describe(name: &str, source: Option<RequestPart>) -> String {
    match source {
        Some(part) if part != RequestPart::Whole => format!("`{name}` from {}", part.describe()),
        _ => format!("`{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::algorithm_name;

    #[test]
    fn algorithm_names_read_well() {
        assert_eq!(algorithm_name("Sha256"), "SHA-256");
        assert_eq!(algorithm_name("md5"), "MD5");
        assert_eq!(algorithm_name("SHA1"), "SHA-1");
        assert_eq!(algorithm_name("Sha3_256"), "SHA3-256");
        assert_eq!(algorithm_name("sha512"), "SHA-512");
        assert_eq!(algorithm_name("SHA-256"), "SHA-256");
    }
}
