//! The minimum work factors and policy numbers the password, OTP and
//! randomness rules hold code to, in one place with their sources.
//!
//! Password hashing: OWASP Password Storage Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html>.
//! A 2025 revision raised its PBKDF2 figures for SHA-1 (1,300,000 to
//! 1,400,000) and SHA-512 (210,000 to 220,000); the current ones are used.
//! Password length: PCI DSS v4.0.1 requirement 8.3.6. One-time codes:
//! RFC 6238 section 5.2 (one step of clock drift) and RFC 4226 section 5.3
//! (at least six digits).

/// bcrypt: a work factor of 10 or more.
pub const BCRYPT_MIN_COST: u64 = 10;

/// PBKDF2 iterations per HMAC hash function.
pub const PBKDF2_SHA1_MIN_ITERATIONS: u64 = 1_400_000;
pub const PBKDF2_SHA256_MIN_ITERATIONS: u64 = 600_000;
pub const PBKDF2_SHA512_MIN_ITERATIONS: u64 = 220_000;

/// scrypt: the equivalent settings OWASP lists, as `(minimum N, minimum p)`,
/// all with a block size `r` of 8. The first row is the base minimum.
pub const SCRYPT_SETTINGS: &[(u64, u64)] = &[
    (1 << 17, 1),
    (1 << 16, 2),
    (1 << 15, 3),
    (1 << 14, 5),
    (1 << 13, 10),
];
pub const SCRYPT_MIN_BLOCK_SIZE: u64 = 8;

/// Argon2id: the equivalent settings OWASP lists, as `(minimum memory in
/// KiB, minimum iterations)`, all with one degree of parallelism. The
/// second row (19 MiB, two passes) is the one the cheat sheet leads with.
pub const ARGON2_SETTINGS: &[(u64, u64)] = &[
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];
pub const ARGON2_BASE_MEMORY_KIB: u64 = 19_456;
pub const ARGON2_BASE_ITERATIONS: u64 = 2;

/// PCI DSS 8.3.6: passwords of at least 12 characters.
pub const PASSWORD_MIN_LENGTH: u64 = 12;

/// RFC 6238: accept at most one time step either side of now.
pub const OTP_MAX_WINDOW: u64 = 1;
/// RFC 4226: at least six digits.
pub const OTP_MIN_DIGITS: u64 = 6;

/// The PBKDF2 hash functions the cheat sheet distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pbkdf2Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Pbkdf2Hash {
    /// Reads a digest name as the libraries spell it: `'sha256'`,
    /// `'SHA-512'`, `PBKDF2_HMAC_SHA1`, `Sha256`. SHA-224 counts as SHA-256
    /// and SHA-384 as SHA-512 (same compression function); MD5 is held to
    /// the SHA-1 figure, which it is faster than.
    pub fn parse(name: &str) -> Option<Self> {
        let lower: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if lower.ends_with("sha1") || lower.ends_with("md5") {
            Some(Self::Sha1)
        } else if lower.ends_with("sha256") || lower.ends_with("sha224") {
            Some(Self::Sha256)
        } else if lower.ends_with("sha512") || lower.ends_with("sha384") {
            Some(Self::Sha512)
        } else {
            None
        }
    }

    pub fn min_iterations(self) -> u64 {
        match self {
            Self::Sha1 => PBKDF2_SHA1_MIN_ITERATIONS,
            Self::Sha256 => PBKDF2_SHA256_MIN_ITERATIONS,
            Self::Sha512 => PBKDF2_SHA512_MIN_ITERATIONS,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "PBKDF2-HMAC-SHA1",
            Self::Sha256 => "PBKDF2-HMAC-SHA256",
            Self::Sha512 => "PBKDF2-HMAC-SHA512",
        }
    }
}

/// Whether scrypt parameters meet one of the equivalent OWASP settings.
pub fn scrypt_is_strong(n: u64, r: u64, p: u64) -> bool {
    r >= SCRYPT_MIN_BLOCK_SIZE
        && SCRYPT_SETTINGS
            .iter()
            .any(|&(min_n, min_p)| n >= min_n && p >= min_p)
}

/// Whether Argon2 memory (KiB) and iterations meet one of the equivalent
/// OWASP settings.
pub fn argon2_is_strong(memory_kib: u64, iterations: u64) -> bool {
    ARGON2_SETTINGS
        .iter()
        .any(|&(min_m, min_t)| memory_kib >= min_m && iterations >= min_t)
}

/// A number with thousands separators, for messages: `600,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A memory size in KiB, for messages: `19 MiB (19,456 KiB)`.
pub fn kib(n: u64) -> String {
    if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} MiB ({} KiB)", n / 1024, grouped(n))
    } else {
        format!("{} KiB", grouped(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_parse_as_the_libraries_spell_them() {
        assert_eq!(Pbkdf2Hash::parse("sha256"), Some(Pbkdf2Hash::Sha256));
        assert_eq!(Pbkdf2Hash::parse("SHA-512"), Some(Pbkdf2Hash::Sha512));
        assert_eq!(
            Pbkdf2Hash::parse("PBKDF2_HMAC_SHA1"),
            Some(Pbkdf2Hash::Sha1)
        );
        assert_eq!(Pbkdf2Hash::parse("blake2b"), None);
    }

    #[test]
    fn equivalent_settings_count() {
        assert!(scrypt_is_strong(1 << 17, 8, 1));
        assert!(scrypt_is_strong(1 << 14, 8, 5));
        assert!(!scrypt_is_strong(1 << 14, 8, 1));
        assert!(!scrypt_is_strong(1 << 17, 4, 1));
        assert!(argon2_is_strong(19_456, 2));
        assert!(argon2_is_strong(65_536, 3));
        assert!(!argon2_is_strong(4_096, 3));
        assert!(!argon2_is_strong(19_456, 1));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(600_000), "600,000");
        assert_eq!(grouped(12), "12");
        assert_eq!(kib(19_456), "19 MiB (19,456 KiB)");
        assert_eq!(kib(4_000), "4,000 KiB");
    }
}
