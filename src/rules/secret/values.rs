//! Whether a string looks like a real credential, for the cases where only
//! a name suggests one: not a placeholder (`changeme`, `<your-key>`,
//! `${VAR}`), not a label or message, not a route or a file name, not a
//! public identifier (UUIDs, public keys, integrity hashes). Also the
//! parts of connection URLs that carry a password.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Values shorter than this are not reported when only a name suggests a
/// secret: they are flags, codes and abbreviations far more often.
pub const MIN_NAMED_SECRET_CHARS: usize = 6;

/// Whether a value assigned to a secret-like name is worth reporting.
pub fn plausible_named_secret(value: &str, name: &str) -> bool {
    let value = value.trim();
    value.chars().count() >= MIN_NAMED_SECRET_CHARS
        && !value.chars().any(char::is_whitespace)
        && !value.eq_ignore_ascii_case(name)
        && !is_reference(value)
        && !is_placeholder(value)
        && !looks_like_label(value)
        && !looks_like_location(value)
        && !looks_public(value)
        && !value.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !value.starts_with("eyJ")
        && !value.contains(".eyJ")
        && !is_percent_encoded(value)
        && !is_word_and_number(value)
}

/// `secret123`, `token1`, `abc123`, `hunter2`: a short word and a number,
/// the shape of test data and examples far more often than of a credential
/// someone was issued.
fn is_word_and_number(value: &str) -> bool {
    let letters = value.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = value.len() - letters.len();
    (1..=4).contains(&digits)
        && (1..=10).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_lowercase())
}

/// `%00%20..`: an encoded URL component, as in URL parser test vectors.
fn is_percent_encoded(value: &str) -> bool {
    let bytes = value.as_bytes();
    let escapes = bytes
        .windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count();
    escapes >= 2
}

/// A value that names where the secret comes from instead of holding it:
/// `${VAR}`, `$VAR`, `%VAR%`, `{{ secrets.X }}`, `<%= .. %>`, SOPS and
/// Vault references.
pub fn is_reference(value: &str) -> bool {
    let value = value.trim();
    value.starts_with('$')
        || value.contains("${")
        || value.contains("{{")
        || value.contains("<%")
        || value.contains("#{")
        || value.contains("%(")
        || (value.len() > 2 && value.starts_with('%') && value.ends_with('%'))
        || value.starts_with("ENC[")
        || value.starts_with("vault:")
        || value.starts_with("op://")
        || value.starts_with("arn:aws:")
        || value.starts_with("!Ref")
        || value.starts_with("!Sub")
}

/// Values written to be replaced: `changeme`, `<your-key>`, `xxx`,
/// `your_api_key_here`, `example`, runs of one character, `123456`.
pub fn is_placeholder(value: &str) -> bool {
    const EXACT: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "key",
        "apikey",
        "api_key",
        "changeit",
        "default",
        "test",
        "testing",
        "dummy",
        "fake",
        "mock",
        "none",
        "null",
        "nil",
        "undefined",
        "todo",
        "tbd",
        "foo",
        "bar",
        "foobar",
        "baz",
        "value",
        "string",
        "admin",
        "root",
        "user",
        "username",
        "letmein",
        "qwerty",
        "foobared",
        "required",
        "optional",
    ];
    const CONTAINS: &[&str] = &[
        "example",
        "placeholder",
        "changeme",
        "change_me",
        "change-me",
        "changethis",
        "change_this",
        "change-this",
        "replace",
        "your",
        "xxx",
        "***",
        "...",
        "<",
        ">",
        "dummy",
        "sample",
        "fixme",
        "todo",
        "insert",
        "redacted",
        "notreal",
        "not_real",
        "not-real",
        "fake",
    ];
    let lower = value.trim().to_ascii_lowercase();
    if EXACT.contains(&lower.as_str()) || CONTAINS.iter().any(|c| lower.contains(c)) {
        return true;
    }
    // The words themselves, also spelt with digits (`s3cr3t`, `p4ssw0rd`):
    // a value that says it is a password is an example of one.
    let unleet: String = lower
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect();
    if ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| unleet.contains(w))
    {
        return true;
    }
    let distinct = {
        let mut chars: Vec<char> = lower.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    distinct < 4 || is_sequence(&lower)
}

/// `123456`, `abcdef`: each character one after the previous.
fn is_sequence(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 4 && bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

/// Words, not a secret: `Password`, `access_token`, `x-api-key`,
/// `auth.jwt.secret`, `JWT_SECRET` (the name of a variable).
pub fn looks_like_label(value: &str) -> bool {
    let letters_and_separators = value
        .chars()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '_' | '-' | '.' | ':' | '/'));
    if letters_and_separators {
        // Words in any naming style (`previewModeSigningKey`) are a label;
        // a long run of random letters of both cases is a key.
        if super::names::words(value).iter().all(|w| w.len() >= 3) {
            return true;
        }
        let random_letters = value.len() >= 20
            && value.chars().all(|c| c.is_ascii_alphabetic())
            && value.chars().any(|c| c.is_ascii_uppercase())
            && value.chars().any(|c| c.is_ascii_lowercase())
            && shannon_entropy(value) >= 3.5;
        return !random_letters;
    }
    value.contains('_')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Paths, routes, URLs without credentials and file names.
pub fn looks_like_location(value: &str) -> bool {
    static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^[\w.\-/\\]+\.(pem|key|crt|cer|csr|json|txt|env|ya?ml|toml|p12|pfx|jks|der|pub|asc|gpg|js|ts|html?)$")
            .expect("file name pattern compiles")
    });
    value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with("~/")
        || value.contains("://")
        || value.get(1..3) == Some(":\\")
        || FILE_NAME.is_match(value)
}

/// Identifiers and keys meant to be public: UUIDs, public keys and
/// certificates, Stripe publishable and Mapbox public tokens, subresource
/// integrity hashes.
pub fn looks_public(value: &str) -> bool {
    // Anywhere in the value: `{262E99C9-..}` and `_SA_{..}` are identifiers too.
    static UUID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .expect("UUID pattern compiles")
    });
    static INTEGRITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^sha(256|384|512)-[A-Za-z0-9+/]+=*$").expect("SRI pattern compiles")
    });
    let trimmed = value.trim_start();
    UUID.is_match(value)
        || INTEGRITY.is_match(value)
        || trimmed.starts_with("-----BEGIN PUBLIC KEY")
        || trimmed.starts_with("-----BEGIN RSA PUBLIC KEY")
        || trimmed.starts_with("-----BEGIN CERTIFICATE")
        || trimmed.starts_with("-----BEGIN PGP PUBLIC KEY")
        || trimmed.starts_with("ssh-rsa ")
        || trimmed.starts_with("ssh-ed25519 ")
        || trimmed.starts_with("ecdsa-sha2-")
        || trimmed.starts_with("pk_live_")
        || trimmed.starts_with("pk_test_")
        || trimmed.starts_with("pk.ey")
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut total = 0usize;
    for byte in value.bytes() {
        counts[usize::from(byte)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// How many of lowercase, uppercase, digits and symbols a value mixes.
pub fn character_classes(value: &str) -> usize {
    let lower = value.chars().any(|c| c.is_ascii_lowercase());
    let upper = value.chars().any(|c| c.is_ascii_uppercase());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    let symbol = value.chars().any(|c| !c.is_ascii_alphanumeric());
    [lower, upper, digit, symbol]
        .into_iter()
        .filter(|b| *b)
        .count()
}

/// Where a URL in a text carries credentials: `scheme://user:password@host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredentials {
    pub scheme: String,
    pub user: String,
    /// The password's byte range in the text searched.
    pub password: Range<usize>,
}

/// Schemes of databases, brokers and mail and file servers: a password in
/// such a URL is a credential wherever the URL is written. Each is also a
/// trigger of `secret/hardcoded-credential` (with `://`).
pub const SERVICE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "smtp",
    "smtps",
    "ftp",
    "ftps",
    "sftp",
    "ldap",
    "ldaps",
];

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b([a-z][a-z0-9+.\-]{1,20})://([^\s:/@'`<>\x22]*):([^\s@/'`<>\x22]+)@[^\s/'`<>\x22]",
    )
    .expect("URL pattern compiles")
});

/// Whether a text holds any `scheme://user:password@`: cheaper than
/// finding each.
pub fn has_url_credentials(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"://").is_some() && URL.is_match(text)
}

/// Every `scheme://user:password@` in a text, with the password's range.
pub fn url_credentials(text: &str) -> Vec<UrlCredentials> {
    if !text.contains("://") {
        return Vec::new();
    }
    URL.captures_iter(text)
        .filter_map(|captures| {
            let scheme = captures.get(1)?.as_str().to_ascii_lowercase();
            let user = captures.get(2)?.as_str().to_string();
            let password = captures.get(3)?.range();
            Some(UrlCredentials {
                scheme: scheme.trim_start_matches("jdbc:").to_string(),
                user,
                password,
            })
        })
        .collect()
}

/// Whether a password found in a URL is worth reporting when the URL does
/// not reach a known sink: not a reference, not a placeholder, not the user
/// name again (`postgres:postgres@localhost` is a default, not a leak).
pub fn plausible_url_password(password: &str, user: &str) -> bool {
    // `[`, `]`, `?`, `#` and `\` cannot stand unescaped in the user info of
    // a real URL; URL parser test vectors are full of them.
    !password.contains(['[', ']', '?', '#', '\\'])
        && password.chars().count() >= MIN_NAMED_SECRET_CHARS
        && !is_reference(password)
        && !is_placeholder(password)
        && !password.eq_ignore_ascii_case(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_labels_and_locations_are_not_secrets() {
        for value in [
            "changeme",
            "<your-api-key>",
            "${API_KEY}",
            "$API_KEY",
            "{{ secrets.TOKEN }}",
            "xxxxxxxx",
            "your_api_key_here",
            "Password",
            "Enter your password",
            "access_token",
            "JWT_SECRET",
            "/reset-password",
            "./keys/private.pem",
            "123456789",
            "123e4567-e89b-12d3-a456-426614174000",
            "_SA_{262E99C9-6160-4871-ACEC-4E61736B6F21}",
            "%00%01%02%03",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
            "pk_live_51H8abcdefghijklmnop",
            "AKIAIOSFODNN7EXAMPLE",
            "abcdef",
            "secret123",
            "s3cr3t",
            "token123",
            "hunter2",
            "previewModeSigningKey",
        ] {
            assert!(!plausible_named_secret(value, "apiKey"), "{value}");
        }
        for value in [
            "q7Rf2kLm9Xz",
            "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
            "Hunter-22x",
        ] {
            assert!(plausible_named_secret(value, "password"), "{value}");
        }
    }

    #[test]
    fn url_passwords_are_found_with_their_range() {
        let text = "'postgres://app:s3cr3t-Pa55@db.internal:5432/app'";
        let found = url_credentials(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].password.clone()], "s3cr3t-Pa55");
        assert_eq!(found[0].scheme, "postgres");
        assert_eq!(url_credentials("redis://:hunter22@cache:6379")[0].user, "");
        assert!(url_credentials("https://example.com/a@b").is_empty());
        assert!(!plausible_url_password("postgres", "postgres"));
    }

    #[test]
    fn entropy_grows_with_variety() {
        assert!(shannon_entropy("aaaaaaaa") < 0.1);
        assert!(shannon_entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCY") > 4.0);
    }
}
