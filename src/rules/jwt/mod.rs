//! Token verification rules, and what they share: recognising the JWT APIs
//! of the JavaScript libraries (which call is a verify, where its key and
//! options are) and the life of a Rust `jsonwebtoken::Validation`.

pub mod algorithm_confusion;
pub mod decode_without_verify;
pub mod hardcoded_secret;
pub mod missing_algorithms;
pub mod missing_claims_validation;
pub mod no_expiry;
pub mod none_algorithm;
pub mod samples;

mod js_api;
mod rust_api;

pub use js_api::{Api, JwtCall, Options, jwt_calls};
pub use rust_api::{ValidationUse, validations};

/// Every JWT library this family knows names itself with one of these:
/// `jsonwebtoken`, `jose`, and `jwt` in `express-jwt`, `@nestjs/jwt`,
/// `jwt-decode`, the `jwt` and `jwt-simple` crates; `biscuit` in Rust.
pub const TRIGGERS: &[&str] = &["jwt", "jsonwebtoken", "jose", "biscuit"];

/// The family of a JWS algorithm name, for mixing checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgorithmFamily {
    /// HMAC with a shared secret.
    Symmetric,
    /// RSA, RSA-PSS, ECDSA, `EdDSA` with a key pair.
    Asymmetric,
    /// `none`: no signature at all.
    Unsigned,
}

pub fn algorithm_family(name: &str) -> Option<AlgorithmFamily> {
    let upper = name.to_ascii_uppercase();
    if upper == "NONE" {
        return Some(AlgorithmFamily::Unsigned);
    }
    if upper.starts_with("HS") {
        return Some(AlgorithmFamily::Symmetric);
    }
    let asymmetric = ["RS", "PS", "ES"].iter().any(|p| upper.starts_with(p)) || upper == "EDDSA";
    asymmetric.then_some(AlgorithmFamily::Asymmetric)
}

/// Parses a `expiresIn` duration as the `ms` package reads it (`'2h'`,
/// `'7 days'`, `'90m'`) or a number of seconds; `None` when it is not one.
pub fn duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim() {
        // A bare number string is milliseconds for `ms`, which jsonwebtoken uses.
        "" | "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "y" | "yr" | "yrs" | "year" | "years" => 31_557_600.0,
        _ => return None,
    };
    Some(number * factor)
}

/// Whether a name says it is about refresh tokens, which may live longer.
pub fn mentions_refresh(text: &str) -> bool {
    text.to_ascii_lowercase().contains("refresh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_ms_package() {
        assert_eq!(duration_seconds("2h"), Some(7200.0));
        assert_eq!(duration_seconds("7 days"), Some(604_800.0));
        assert_eq!(duration_seconds("15m"), Some(900.0));
        assert_eq!(duration_seconds("5000"), Some(5.0));
        assert_eq!(duration_seconds("soon"), None);
    }

    #[test]
    fn algorithm_families() {
        assert_eq!(algorithm_family("hs256"), Some(AlgorithmFamily::Symmetric));
        assert_eq!(algorithm_family("EdDSA"), Some(AlgorithmFamily::Asymmetric));
        assert_eq!(algorithm_family("None"), Some(AlgorithmFamily::Unsigned));
        assert_eq!(algorithm_family("A256GCM"), None);
    }
}
