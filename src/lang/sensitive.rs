//! What a name says about the value it holds, for both languages: whether
//! `newPassword`, `password_hash`, `X-API-KEY`, `resetToken` or `otpCode`
//! names a credential, and which kind. The language models add what the
//! name cannot say (where a value came from); this part reads names only.
//!
//! A compound name is read like an English noun phrase: the last word says
//! what the value is (`passwordMinLength` is a length, `resetPassword` a
//! password), a leading verb or predicate makes it an action or a flag
//! (`showPassword`, `hashPassword`), and a word such as `hash` anywhere turns
//! a credential into its derivative (`hashedPassword`).

/// The kinds of credential a value can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A password, passphrase or PIN, in clear.
    Password,
    /// A hash or encryption of a password: `passwordHash`, `hashed_password`.
    PasswordHash,
    /// A bearer, session, reset, CSRF or access token.
    Token,
    /// A shared secret, API key or private key.
    Secret,
    /// A message signature or MAC: `signature`, `expectedHmac`.
    Signature,
    /// A one-time code: OTP, TOTP, verification, reset or recovery code.
    Otp,
    /// A salt or nonce: not secret, but it must not be predictable.
    Nonce,
}

impl Kind {
    /// A short noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::PasswordHash => "password hash",
            Self::Token => "token",
            Self::Secret => "secret",
            Self::Signature => "signature",
            Self::Otp => "one-time code",
            Self::Nonce => "salt or nonce",
        }
    }

    /// Whether the value authenticates someone by itself: knowing it is
    /// enough to log in or call the API.
    pub fn is_credential(self) -> bool {
        matches!(
            self,
            Self::Password | Self::Token | Self::Secret | Self::Otp
        )
    }
}

/// The part of an incoming request a value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    /// The request object itself (`req`, Koa's `ctx.request`, actix's
    /// `HttpRequest`).
    Whole,
    Body,
    Query,
    /// Route parameters.
    Params,
    Headers,
    Cookies,
}

impl RequestPart {
    /// How messages name it: "the request body".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Whole => "the request",
            Self::Body => "the request body",
            Self::Query => "the query string",
            Self::Params => "the route parameters",
            Self::Headers => "the request headers",
            Self::Cookies => "the request cookies",
        }
    }
}

/// Splits an identifier or header name into lowercase words: camelCase,
/// `PascalCase`, `snake_case`, `SCREAMING_CASE`, `kebab-case` and acronyms
/// (`APIKey` is `api`, `key`). Digits at the end of a word are dropped
/// (`password2` is `password`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut out);
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_uppercase() => {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    // `APIKey`: the `K` starts a word when a lowercase follows.
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            }
            _ => false,
        };
        if boundary {
            flush(&mut current, &mut out);
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    if current.is_empty() {
        return;
    }
    let word = current.trim_end_matches(|c: char| c.is_ascii_digit());
    if !word.is_empty() {
        out.push(word.to_string());
    }
    current.clear();
}

const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
    "pin",
    "credential",
    "credentials",
    "pw",
];

/// Words that turn a credential into something derived from it.
const DERIVED_WORDS: &[&str] = &[
    "hash",
    "hashed",
    "hashes",
    "digest",
    "encrypted",
    "enc",
    "crypted",
    "bcrypt",
    "bcrypted",
    "cipher",
    "ciphertext",
    "scrypt",
    "argon",
    "pbkdf",
];

/// Leading words that make a name an action, a flag or a question about a
/// credential rather than the credential: `showPassword`, `hashPassword`,
/// `isTokenValid`.
const PREDICATE_WORDS: &[&str] = &[
    "is", "has", "have", "show", "hide", "toggle", "should", "can", "must", "will", "did", "was",
    "allow", "require", "requires", "validate", "check", "verify", "compare", "hash", "encrypt",
    "decrypt", "forgot", "forget", "change", "update", "set", "get", "fetch", "load", "save",
    "store", "generate", "gen", "create", "make", "handle", "on", "use", "with", "send", "request",
    "remember", "no", "without", "missing", "invalid", "valid", "bad", "wrong", "expired",
    "revoke", "issue", "sign", "parse", "decode", "extract", "read", "write", "to", "from",
    "format", "mask", "masked", "redact", "redacted",
];

/// Verbs that make a function name a producer of what follows:
/// `generateToken`, `createOtp`, `randomPassword`.
const PRODUCER_WORDS: &[&str] = &[
    "generate", "gen", "create", "make", "new", "random", "issue", "build", "mint", "rand", "get",
    "next",
];

/// Trailing words that keep the value what the word before them says:
/// `passwordConfirm`, `tokenValue`, `secret_bytes`.
const VALUE_SUFFIXES: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "bytes",
    "buf",
    "buffer",
    "raw",
    "plain",
    "plaintext",
    "clear",
    "cleartext",
    "confirm",
    "confirmation",
    "again",
    "repeat",
    "retype",
    "b",
    "hex",
    "encoded",
    "header",
];

/// The words that make a `...Token` name an authentication token.
const AUTH_TOKEN_QUALIFIERS: &[&str] = &[
    "access",
    "refresh",
    "id",
    "auth",
    "authentication",
    "authorization",
    "bearer",
    "session",
    "csrf",
    "xsrf",
    "reset",
    "api",
    "jwt",
    "verification",
    "verify",
    "confirm",
    "confirmation",
    "invite",
    "invitation",
    "magic",
    "remember",
    "login",
    "oauth",
    "oidc",
    "identity",
    "secret",
    "security",
    "sso",
    "saml",
    "personal",
    "private",
    "client",
    "user",
    "admin",
    "master",
    "service",
    "webhook",
    "signup",
    "activation",
    "email",
    "password",
    "unsubscribe",
    "github",
    "gitlab",
    "slack",
    "npm",
    "stripe",
    "app",
    "bot",
];

/// The words before `key` that make it a secret key rather than a map key.
const SECRET_KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "signing",
    "sign",
    "hmac",
    "auth",
    "access",
    "master",
    "encryption",
    "client",
    "app",
    "shared",
    "webhook",
    "session",
    "jwt",
    "license",
    "subscription",
];

/// The words before `code` that make it a one-time code rather than source
/// code, an error code or a country code.
const OTP_CODE_QUALIFIERS: &[&str] = &[
    "otp",
    "totp",
    "hotp",
    "mfa",
    "fa",
    "2fa",
    "twofactor",
    "factor",
    "verification",
    "verify",
    "sms",
    "confirmation",
    "confirm",
    "reset",
    "recovery",
    "backup",
    "security",
    "login",
    "activation",
    "email",
    "phone",
    "one",
    "pin",
    "passcode",
    "magic",
    "invite",
    "invitation",
];

/// The words before `digest`, `mac` or `sig` that make them a message
/// authentication value.
const SIGNATURE_QUALIFIERS: &[&str] = &[
    "expected",
    "computed",
    "calculated",
    "received",
    "provided",
    "given",
    "actual",
    "request",
    "header",
    "hmac",
    "signature",
    "webhook",
    "payload",
    "body",
];

/// What a value's name says it is, if it names a credential.
pub fn classify_name(name: &str) -> Option<Kind> {
    let words = words(name);
    classify_words(&words, false)
}

/// What a function's name says it returns: `generateResetToken` makes a
/// token, `randomSalt` a salt. Verbs are allowed before the noun.
pub fn classify_producer(name: &str) -> Option<Kind> {
    let mut words = words(name);
    let verb_at = words
        .iter()
        .position(|w| PRODUCER_WORDS.contains(&w.as_str()))?;
    words.drain(..=verb_at);
    classify_words(&words, true)
}

fn classify_words(words: &[String], after_verb: bool) -> Option<Kind> {
    let first = words.first()?;
    if !after_verb && words.len() > 1 && PREDICATE_WORDS.contains(&first.as_str()) {
        return None;
    }
    // Skip trailing value suffixes to find the head word.
    let mut end = words.len();
    while end > 1 && VALUE_SUFFIXES.contains(&words[end - 1].as_str()) {
        end -= 1;
    }
    let head = words[end - 1].as_str();
    let before = end.checked_sub(2).map(|i| words[i].as_str());
    let derived = words.iter().any(|w| DERIVED_WORDS.contains(&w.as_str()));
    let has = |list: &[&str]| words[..end].iter().any(|w| list.contains(&w.as_str()));
    let one_time = has(&["otp", "totp", "hotp", "mfa", "twofactor"])
        || pair(words, "two", "factor")
        || pair(words, "one", "time");
    let kind = match head {
        "password" | "passwd" | "pwd" | "pass" | "passphrase" | "passcode" | "pin" | "pw"
        | "credential" | "credentials" => Kind::Password,
        "hash" | "digest" | "hashed" | "encrypted" if has(PASSWORD_WORDS) => Kind::PasswordHash,
        "otp" | "totp" | "hotp" => Kind::Otp,
        "code" if before == Some("pin") => Kind::Password,
        "code" if before.is_some_and(|b| OTP_CODE_QUALIFIERS.contains(&b)) || one_time => Kind::Otp,
        "token" if one_time => Kind::Otp,
        // `exclamationToken`, `deviceToken`, `nextToken`, `cancellationToken`
        // are syntax, push addresses, cursors and signals, not credentials.
        "token" if end > 1 && !has(AUTH_TOKEN_QUALIFIERS) => return None,
        // A bare `jwt` names the `jsonwebtoken` module as often as a token.
        "token" | "csrf" | "xsrf" | "bearer" => Kind::Token,
        "sessionid" | "authorization" => Kind::Token,
        "id" if before == Some("session") => Kind::Token,
        "secret" | "apikey" | "privatekey" | "secretkey" => Kind::Secret,
        "key" if before.is_some_and(|b| SECRET_KEY_QUALIFIERS.contains(&b)) => Kind::Secret,
        "signature" | "hmac" => Kind::Signature,
        "sig" | "mac" | "digest" if before.is_some_and(|b| SIGNATURE_QUALIFIERS.contains(&b)) => {
            Kind::Signature
        }
        "salt" | "nonce" => Kind::Nonce,
        _ => return None,
    };
    Some(match kind {
        Kind::Password if derived => Kind::PasswordHash,
        Kind::Token | Kind::Secret | Kind::Otp if derived => return None,
        other => other,
    })
}

fn pair(words: &[String], first: &str, second: &str) -> bool {
    words.windows(2).any(|w| w[0] == first && w[1] == second)
}

/// Whether a name is its head word alone (`token`, `secret`), which says
/// less than a qualified one (`resetToken`, `clientSecret`).
pub fn is_bare(name: &str) -> bool {
    words(name).len() <= 1
}

/// Whether a name is one of the short words that name credentials in
/// authentication code and other things elsewhere: `token` (lexers,
/// dependency injection), `pin` (CPU and GPIO pins, `Pin<T>`), `pass`.
pub fn is_ambiguous(name: &str) -> bool {
    let words = words(name);
    matches!(words.as_slice(), [only] if matches!(only.as_str(), "token" | "pin" | "pass" | "pw"))
}

/// Whether a text suggests authentication code: a file that mentions
/// JWTs, bearer tokens, OAuth, logins, MFA or sessions. Rules use it to
/// decide about bare names such as `token`, which parsers and UI code use
/// too.
pub fn mentions_authentication(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "jwt",
        "bearer",
        "authorization",
        "passport",
        "oauth",
        "access_token",
        "accesstoken",
        "login",
        "csrf",
        "mfa",
        "otp",
        "apikey",
        "api_key",
        "x-api-key",
        "authenticate",
        "unauthorized",
        "signin",
        "sign_in",
        "credential",
        "session",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Whether a function name says it verifies or authenticates something:
/// `verifySignature`, `validate_api_key`, `authenticate`, `requireAuth`.
pub fn names_verification(name: &str) -> bool {
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "verify"
                | "verification"
                | "validate"
                | "validation"
                | "check"
                | "authenticate"
                | "authentication"
                | "authorize"
                | "guard"
                | "compare"
                | "match"
                | "matches"
                | "valid"
                | "login"
                | "signin"
                | "protect"
                | "require"
                | "ensure"
                | "webhook"
                | "middleware"
        )
    })
}

/// Whether a name says its value is a password in clear, as opposed to a
/// confirmation copy (`passwordConfirm`), which is compared with the
/// password on purpose.
pub fn is_confirmation(name: &str) -> bool {
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "confirm" | "confirmation" | "confirmed" | "repeat" | "again" | "retype" | "verify"
        )
    })
}

/// The trigger words the prefilter needs for rules that find credentials by
/// name: every name [`classify_name`] accepts contains one of them.
pub const CREDENTIAL_TRIGGERS: &[&str] = &[
    "pass",
    "pwd",
    "pw",
    "pin",
    "credential",
    "otp",
    "code",
    "onetime",
    "one_time",
    "one-time",
    "token",
    "csrf",
    "xsrf",
    "bearer",
    "session",
    "authorization",
    "secret",
    "key",
    "signature",
    "hmac",
    "sig",
    "mac",
    "digest",
];

/// Whether `text` contains `word` (ASCII, any case): for gates that look
/// for one word without building an automaton.
pub fn contains_ignoring_case(text: &str, word: &str) -> bool {
    let (Some(&first), bytes) = (word.as_bytes().first(), text.as_bytes()) else {
        return true;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|at| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|slice| slice.eq_ignore_ascii_case(word.as_bytes()))
    })
}

/// The kinds of credential the names in a text stand for, as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NamedKinds(u8);

impl NamedKinds {
    const ALL: [Kind; 7] = [
        Kind::Password,
        Kind::PasswordHash,
        Kind::Token,
        Kind::Secret,
        Kind::Signature,
        Kind::Otp,
        Kind::Nonce,
    ];

    fn bit(kind: Kind) -> u8 {
        1 << (kind as u8)
    }

    fn insert(&mut self, kind: Kind) {
        self.0 |= Self::bit(kind);
    }

    fn is_full(self) -> bool {
        Self::ALL.iter().all(|&kind| self.0 & Self::bit(kind) != 0)
    }

    /// Whether any kind in the set is one `accept` takes.
    pub fn any(self, accept: impl Fn(Kind) -> bool) -> bool {
        Self::ALL
            .iter()
            .any(|&kind| self.0 & Self::bit(kind) != 0 && accept(kind))
    }
}

/// Which kinds of credential the names and strings of a text stand for:
/// what the prefilter gates of rules that only report values
/// [`classify_name`] recognises ask, worked out once per file for all of
/// them. It finds every trigger word, widens it to the identifier or string
/// key around it (`x-hub-signature` and the identifiers on either side of a
/// `-`), and classifies that; `token` inside `tokenizer` names nothing.
pub fn named_kinds(text: &str) -> NamedKinds {
    use std::collections::HashSet;
    use std::sync::LazyLock;

    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

    static TRIGGERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(CREDENTIAL_TRIGGERS)
            .expect("trigger words are plain literals")
    });
    // Bytes of a name: ASCII letters, digits, `_`, `$`, and every byte of a
    // multi-byte character, so that the widened range stays on character
    // boundaries.
    let in_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let in_key = |b: u8| in_name(b) || b == b'-';
    let bytes = text.as_bytes();
    let widen = |start: usize, end: usize, inside: &dyn Fn(u8) -> bool| {
        let from = bytes[..start]
            .iter()
            .rposition(|&b| !inside(b))
            .map_or(0, |i| i + 1);
        let to = bytes[end..]
            .iter()
            .position(|&b| !inside(b))
            .map_or(bytes.len(), |i| end + i);
        (from, to)
    };
    let mut named = NamedKinds::default();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut at = 0;
    while let Some(found) = TRIGGERS.find(Input::new(text).span(at..text.len())) {
        let (name_from, name_to) = widen(found.start(), found.end(), &in_name);
        let (key_from, key_to) = widen(found.start(), found.end(), &in_key);
        for candidate in [&text[name_from..name_to], &text[key_from..key_to]] {
            if !seen.insert(candidate) {
                continue;
            }
            if let Some(kind) = classify_name(candidate).or_else(|| classify_producer(candidate)) {
                named.insert(kind);
            }
        }
        if named.is_full() {
            break;
        }
        at = key_to.max(found.end());
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_reads_names_not_substrings() {
        let any = |_: Kind| true;
        assert!(named_kinds("if (req.body.password === user.password) {}").any(any));
        assert!(
            named_kinds("const sig = req.get('X-Hub-Signature-256');")
                .any(|k| k == Kind::Signature)
        );
        assert!(named_kinds("let resetToken = make();").any(|k| k == Kind::Token));
        assert!(!named_kinds("const tokenizer = createScanner(); spinner.start();").any(any));
        assert!(!named_kinds("let resetToken = make();").any(|k| k == Kind::Password));
        assert!(!named_kinds("").any(any));
        assert!(named_kinds("const code = generateResetCode();").any(|k| k == Kind::Otp));
    }

    #[test]
    fn contains_ignoring_case_finds_any_case() {
        assert!(contains_ignoring_case(
            "crypto.createHmac('sha256')",
            "hmac"
        ));
        assert!(contains_ignoring_case("IsStrongPassword()", "password"));
        assert!(!contains_ignoring_case("hma", "hmac"));
    }

    #[test]
    fn words_split_every_case_style() {
        assert_eq!(words("newPassword"), ["new", "password"]);
        assert_eq!(words("NEW_PASSWORD"), ["new", "password"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("password2"), ["password"]);
        assert_eq!(words("sha256Hash"), ["sha", "hash"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
    }

    #[test]
    fn names_classify_by_their_head_word() {
        assert_eq!(classify_name("password"), Some(Kind::Password));
        assert_eq!(classify_name("userPassword"), Some(Kind::Password));
        assert_eq!(classify_name("passwordConfirm"), Some(Kind::Password));
        assert_eq!(classify_name("pwd"), Some(Kind::Password));
        assert_eq!(classify_name("PIN"), Some(Kind::Password));
        assert_eq!(classify_name("hashedPassword"), Some(Kind::PasswordHash));
        assert_eq!(classify_name("password_hash"), Some(Kind::PasswordHash));
        assert_eq!(classify_name("passwordMinLength"), None);
        assert_eq!(classify_name("showPassword"), None);
        assert_eq!(classify_name("hashPassword"), None);
        assert_eq!(classify_name("passport"), None);
        assert_eq!(classify_name("bypass"), None);
        assert_eq!(classify_name("resetToken"), Some(Kind::Token));
        assert_eq!(classify_name("tokenType"), None);
        assert_eq!(classify_name("tokens"), None);
        assert_eq!(classify_name("exclamationToken"), None);
        assert_eq!(classify_name("deviceToken"), None);
        assert_eq!(classify_name("GreaterThanToken"), None);
        assert_eq!(classify_name("authToken_"), Some(Kind::Token));
        assert_eq!(classify_name("refresh_token"), Some(Kind::Token));
        assert_eq!(classify_name("x-api-key"), Some(Kind::Secret));
        assert_eq!(classify_name("apiKey"), Some(Kind::Secret));
        assert_eq!(classify_name("key"), None);
        assert_eq!(classify_name("cacheKey"), None);
        assert_eq!(classify_name("clientSecret"), Some(Kind::Secret));
        assert_eq!(classify_name("otp"), Some(Kind::Otp));
        assert_eq!(classify_name("verificationCode"), Some(Kind::Otp));
        assert_eq!(classify_name("statusCode"), None);
        assert_eq!(classify_name("TimeCode"), None);
        assert_eq!(classify_name("oneTimeCode"), Some(Kind::Otp));
        assert_eq!(classify_name("code"), None);
        assert_eq!(classify_name("mfaToken"), Some(Kind::Otp));
        assert_eq!(classify_name("signature"), Some(Kind::Signature));
        assert_eq!(classify_name("expectedDigest"), Some(Kind::Signature));
        assert_eq!(classify_name("digest"), None);
        assert_eq!(classify_name("session_id"), Some(Kind::Token));
        assert_eq!(classify_name("salt"), Some(Kind::Nonce));
    }

    #[test]
    fn producers_name_what_they_make() {
        assert_eq!(classify_producer("generateToken"), Some(Kind::Token));
        assert_eq!(classify_producer("createResetCode"), Some(Kind::Otp));
        assert_eq!(classify_producer("randomPassword"), Some(Kind::Password));
        assert_eq!(classify_producer("makeSalt"), Some(Kind::Nonce));
        assert_eq!(classify_producer("generateId"), None);
        assert_eq!(classify_producer("token"), None);
    }

    #[test]
    fn every_credential_name_carries_a_trigger_word() {
        for name in [
            "password",
            "pwd",
            "PIN",
            "x-api-key",
            "resetToken",
            "otp",
            "verificationCode",
            "signature",
            "session_id",
            "clientSecret",
            "expectedMac",
            "salt",
            "oneTimeToken",
            "2faCode",
            "authorization",
            "mfaToken",
        ] {
            assert!(classify_name(name).is_some(), "{name}");
            let lower = name.to_ascii_lowercase();
            let found = CREDENTIAL_TRIGGERS.iter().any(|t| lower.contains(t))
                || lower.contains("salt")
                || lower.contains("nonce");
            assert!(found, "{name}");
        }
    }
}
