//! Whether the name of a variable, property, field or configuration key
//! says it holds a credential: `apiKey`, `DB_PASSWORD`, `client_secret`,
//! `x-api-key` do; `passwordField`, `tokenUrl`, `secretName`, `publicKey`,
//! `nextPageToken` do not. The last word decides, as it does in English.

/// What a name says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// A credential: `password`, `apiKey`, `clientSecret`, `authToken`.
    Yes,
    /// `pass` alone: a password next to a user name (`{ user, pass }`,
    /// `DB_PASS`), or a verb or flag elsewhere.
    Pass,
    No,
}

/// Last words that name a credential on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "apikey",
    "credential",
    "credentials",
];

/// Words before `key` that make it a credential (`apiKey`, `privateKey`)
/// rather than a lookup key (`cacheKey`, `storageKey`, React's `key`).
pub(super) const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "auth",
    "signing",
    "sign",
    "encryption",
    "encrypt",
    "master",
    "client",
    "app",
    "application",
    "subscription",
    "account",
    "hmac",
    "jwt",
    "session",
    "cookie",
    "webhook",
    "shared",
    "license",
    "service",
    "admin",
    "deploy",
];

/// Words before `token` that make it something other than a credential:
/// pagination cursors, CSRF tokens, lexer tokens, design tokens.
const NON_CREDENTIAL_TOKENS: &[&str] = &[
    "page",
    "next",
    "prev",
    "previous",
    "cancel",
    "cancellation",
    "continuation",
    "sync",
    "csrf",
    "xsrf",
    "cursor",
    "start",
    "end",
    "current",
    "last",
    "first",
    "lexer",
    "parser",
    "design",
    "color",
    "theme",
    "sort",
    "search",
    "pagination",
    "resume",
    // Push notification device and registration tokens identify a device.
    "device",
    "registration",
];

/// Compound lowercase names written as one word: `PGPASSWORD`, `apitoken`.
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "authtoken",
    "accesstoken",
    "apitoken",
];

pub fn classify(name: &str) -> SecretName {
    let mut words = words(name);
    // `password2`, `TOKEN_V2`: a number does not change what it names.
    while words.last().is_some_and(|w| {
        let digits = w.strip_prefix('v').unwrap_or(w);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    }) {
        words.pop();
    }
    let Some(last) = words.last() else {
        return SecretName::No;
    };
    let last = last.trim_end_matches(|c: char| c.is_ascii_digit());
    if words
        .iter()
        .any(|w| w == "public" || w == "publishable" || w == "pub")
    {
        return SecretName::No;
    }
    let previous = words.len().checked_sub(2).map(|i| words[i].as_str());
    // Rails' `secret_key_base`.
    if words.len() >= 3 && words[words.len() - 3..].join("_") == "secret_key_base" {
        return SecretName::Yes;
    }
    if SECRET_WORDS.contains(&last) {
        return SecretName::Yes;
    }
    match last {
        "token" => {
            if previous.is_some_and(|p| NON_CREDENTIAL_TOKENS.contains(&p)) {
                SecretName::No
            } else {
                SecretName::Yes
            }
        }
        "key" => {
            if previous.is_some_and(|p| KEY_QUALIFIERS.contains(&p)) {
                SecretName::Yes
            } else {
                SecretName::No
            }
        }
        "pass" => SecretName::Pass,
        _ if words.len() == 1 && SECRET_SUFFIXES.iter().any(|s| last.ends_with(s)) => {
            SecretName::Yes
        }
        _ => SecretName::No,
    }
}

/// The lowercase words of an identifier or key: `clientSecret`,
/// `DB_PASSWORD`, `x-api-key`, `APIKey`, `auth.jwt.secret`.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(char::is_ascii_lowercase);
            // `clientSecret` splits before `S`; `APIKey` before `K`.
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_naming_style() {
        assert_eq!(words("clientSecret"), ["client", "secret"]);
        assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("auth.jwt.secret"), ["auth", "jwt", "secret"]);
    }

    #[test]
    fn the_last_word_decides() {
        for name in [
            "password",
            "dbPassword",
            "DB_PASSWORD",
            "PGPASSWORD",
            "apiKey",
            "api_key",
            "X-API-KEY",
            "clientSecret",
            "AWS_SECRET_ACCESS_KEY",
            "privateKey",
            "authToken",
            "GITHUB_TOKEN",
            "secret_key_base",
            "password2",
            "TOKEN_V2",
            "//registry.npmjs.org/:_authToken",
        ] {
            assert_eq!(classify(name), SecretName::Yes, "{name}");
        }
        for name in [
            "passwordField",
            "tokenUrl",
            "secretName",
            "publicKey",
            "NEXT_PUBLIC_API_KEY",
            "nextPageToken",
            "csrfToken",
            "cacheKey",
            "key",
            "private_key_id",
            "accessKeyId",
            "passwordHash",
            "token_type",
        ] {
            assert_eq!(classify(name), SecretName::No, "{name}");
        }
        assert_eq!(classify("pass"), SecretName::Pass);
        assert_eq!(classify("DB_PASS"), SecretName::Pass);
    }
}
