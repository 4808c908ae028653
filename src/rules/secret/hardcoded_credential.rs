//! `secret/hardcoded-credential`: a password, key or token written in the
//! code, found where it is used (a credential sink) or by the name it is
//! given.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{credential_gate, credential_js, credential_rust};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "secret/hardcoded-credential",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password, key or token written in the code",
    docs: DOCS,
    cwe: &[798, 259],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.6.2"],
    triggers: TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(|input| credential_gate::may_report(input.text)),
        ..Checks::NONE
    },
};

/// A first, cheap filter before the gate (`credential_gate`), which
/// decides: every secret-like name contains one of these words (ASCII case
/// ignored), and every sink's file names its library, API or URL with one.
pub const TRIGGERS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "credential",
    "authorization",
    "://",
    "hmac",
    "cipher",
    "koa",
    "cookie",
    "sequelize",
    "basic",
    "bearer",
    "crypto-js",
    "new_from_slice",
];

const DOCS: &str = r#"
## What it does
Flags a string literal used as a credential. Where the literal reaches a
known credential sink it is flagged whatever it looks like: session and
cookie secrets (`express-session`, `cookie-session`, `cookie-parser`,
Koa `app.keys`, `@fastify/cookie`, `@fastify/session` and
`@fastify/secure-session`, `next-auth`, `iron-session`, Rust `cookie::Key`
through `actix-web`, `tower-sessions` or `axum-extra`); database clients and
connection strings (`pg`, `mysql`/`mysql2`, `mongoose`, `mongodb`,
`sequelize`, `knex`, `redis`, `ioredis`, `typeorm`, `mssql`, `oracledb`,
`postgres`, `amqplib`; Rust `.password(..)` builders of `sqlx`,
`tokio-postgres`, `mysql_async` and friends, and connection URLs passed to
`connect`, `establish`, `open`); SMTP and HTTP client authentication
(`nodemailer` `auth.pass`, `axios` `auth`, `got`, `request`, literal
`Authorization` headers, `reqwest` `basic_auth`/`bearer_auth`, `lettre`
`Credentials`); basic-auth user tables (`express-basic-auth` `users`,
`koa-basic-auth`, `basic-auth-connect`); HMAC and cipher keys
(`crypto.createHmac`, `createCipheriv`, `crypto-js`, RustCrypto
`new_from_slice`, `ring::hmac::Key`). A connection URL with an inline
password (`postgres://app:s3cret@db/app`) is flagged wherever it is written.

Where only a name suggests a secret (`apiKey = '...'`, a `password`
property, a struct field `api_key: "...".to_string()`, a `const
API_TOKEN`), the value must look like one: not empty, not shorter than six
characters, not a placeholder (`changeme`, `<your-key>`, `xxx`, `${VAR}`),
not a label or message (`'Password'`, `'access_token'`), not a route or a
file name, not a public identifier (UUIDs, public keys, `pk_live_` keys,
integrity hashes). A literal fallback after an environment read
(`process.env.API_KEY || '...'`, `env::var(..).unwrap_or(..)`) counts: it is
the value whenever the variable is unset.

The finding is reported once, where the literal is written; the message
names where it is used. When the literal is also a JWT key, a provider key
or a private key, `jwt/hardcoded-secret` or `secret/known-key` reports it
instead.

## Why is this bad
Whoever reads the code, a leaked image or a public fork holds the
credential: they can forge session cookies (`'keyboard cat'` signs every
express-session tutorial), log into the database, send mail as you or sign
webhooks. Rotating it means changing the code and redeploying, so in
practice it is never rotated. Weak values ship to production as often as
strong ones, which is why values at a sink are flagged whatever they look
like.

## Example
```js
app.use(session({ secret: 'keyboard cat', resave: false }));
const pool = new Pool({ host: 'db', user: 'app', password: 'hunter22' });
```

## Use instead
```js
app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
```
Fail at start-up when a variable is missing rather than falling back to a
literal, and rotate any value that was committed.

## Known problems
Values that reach a sink through a function parameter, another module or a
configuration loader are not followed. Name-only matches need a plausible
value, so a weak password under a secret-like name (`password: 'hunter'`,
letters only) is missed, and so is a UUID-shaped API key. Comparisons
against a literal (`if (password === 'admin123')`) are not flagged yet.
Test files and fixtures are reported like any other code; suppress them or
exclude their paths in the configuration. Files over 512 KiB (generated
bundles and bindings) are not checked by this rule, and a name is only
reported when its literal starts on the name's line or the next. `@hapi/cookie` and other sinks
configured through nested plugin options are not recognised.

## References
- CWE-798: Use of Hard-coded Credentials
- CWE-259: Use of Hard-coded Password
- OWASP API Security Top 10 2023, API2: Broken Authentication
- PCI DSS v4.0.1 requirement 8.6.2
"#;

/// Files larger than this are generated (bundles, API bindings) and are not
/// checked: nobody writes a credential into them by hand, and parsing them
/// would cost more than the rest of a scan. `secret/known-key` still reads
/// them.
pub const MAX_CHECKED_BYTES: usize = 512 * 1024;

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    if file.source.text.len() <= MAX_CHECKED_BYTES {
        report(credential_js::hits(file), out);
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    if file.source.text.len() <= MAX_CHECKED_BYTES {
        report(credential_rust::hits(file), out);
    }
}

/// What a literal is used as, for the message and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    SessionSecret,
    DatabasePassword,
    MailPassword,
    HttpCredential,
    BasicAuthPassword,
    HmacKey,
    CipherKey,
}

impl Use {
    pub fn describe(self) -> &'static str {
        match self {
            Self::SessionSecret => "session or cookie secret",
            Self::DatabasePassword => "database password",
            Self::MailPassword => "SMTP password",
            Self::HttpCredential => "HTTP client credential",
            Self::BasicAuthPassword => "basic-auth password",
            Self::HmacKey => "HMAC key",
            Self::CipherKey => "encryption key",
        }
    }

    pub fn fix(self, language: LanguageFamily) -> &'static str {
        let rust = language == LanguageFamily::Rs;
        match (self, rust) {
            (Self::SessionSecret, false) => {
                "read the secret from the environment (`process.env.SESSION_SECRET`) or a secret manager, fail at start-up when it is missing, and rotate the committed value"
            }
            (Self::SessionSecret, true) => {
                "derive the key from a secret read at start-up (`Key::derive_from(std::env::var(\"SESSION_KEY\")?.as_bytes())`) or generate it, and rotate the committed value"
            }
            (Self::DatabasePassword, false) => {
                "read the connection string or password from the environment (`process.env.DATABASE_URL`) or a secret manager, and rotate the committed password"
            }
            (Self::DatabasePassword, true) => {
                "read the connection string or password at start-up (`std::env::var(\"DATABASE_URL\")?`) or from a secret manager, and rotate the committed password"
            }
            (Self::MailPassword | Self::HttpCredential | Self::BasicAuthPassword, false) => {
                "read the credential from the environment or a secret manager, and rotate the committed value"
            }
            (Self::MailPassword | Self::HttpCredential | Self::BasicAuthPassword, true) => {
                "read the credential at start-up (`std::env::var(..)?`) or from a secret manager, and rotate the committed value"
            }
            (Self::HmacKey | Self::CipherKey, false) => {
                "load the key from the environment or a key management service, and rotate the committed key"
            }
            (Self::HmacKey | Self::CipherKey, true) => {
                "load the key at start-up (environment or a key management service), and rotate the committed key"
            }
        }
    }
}

/// A literal found by one of the language checks.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The literal as written, quotes included.
    pub range: Range<usize>,
    /// The secret inside it.
    pub secret: Range<usize>,
    pub message: String,
    pub fix: String,
    /// Found at a sink (not by a name alone): wins over a name match of
    /// the same literal.
    pub at_sink: bool,
}

/// Reports each literal once: a sink's message beats a name's.
fn report(hits: Vec<Hit>, out: &mut Vec<Diagnostic>) {
    let mut by_literal: BTreeMap<(usize, usize), Hit> = BTreeMap::new();
    for hit in hits {
        let key = (hit.range.start, hit.range.end);
        match by_literal.get(&key) {
            Some(existing) if existing.at_sink || !hit.at_sink => {}
            _ => {
                by_literal.insert(key, hit);
            }
        }
    }
    for hit in by_literal.into_values() {
        out.push(Diagnostic::new(&RULE, hit.range, hit.message, hit.fix).with_secret(hit.secret));
    }
}

/// The message for a literal found at a sink.
pub fn sink_message(what: Use, callee: &str, line: usize, fallback: bool) -> String {
    if fallback {
        format!(
            "hardcoded {} used when the environment variable is unset, passed to `{callee}` (line {line})",
            what.describe()
        )
    } else {
        format!(
            "hardcoded {} passed to `{callee}` (line {line})",
            what.describe()
        )
    }
}

/// Whether a literal given a name is reported: it starts on the name's line
/// or the next (a value, not a constant defined elsewhere, which its own
/// name may flag), and it is written whole, not concatenated.
pub fn near_its_name(name_line: usize, literal_line: usize) -> bool {
    (name_line..=name_line + 1).contains(&literal_line)
}

/// The message for a literal found by the name it is given.
pub fn name_message(name: &str, use_line: Option<usize>, fallback: bool) -> String {
    let place = use_line.map_or(String::new(), |line| format!(" (line {line})"));
    if fallback {
        format!(
            "hardcoded credential used when the environment variable is unset, assigned to `{name}`{place}"
        )
    } else {
        format!("hardcoded credential assigned to `{name}`{place}")
    }
}

pub const NAME_FIX: &str = "load the value from the environment or a secret manager instead of the source, and rotate the committed value";

/// The message for a connection URL with an inline password.
pub fn url_message(scheme: &str, sink: Option<(&str, usize)>) -> String {
    match sink {
        Some((callee, line)) => format!(
            "`{scheme}` connection URL with an inline password, passed to `{callee}` (line {line})"
        ),
        None => format!("`{scheme}` connection URL with an inline password"),
    }
}

/// The range of a literal's content, without its quotes and prefixes
/// (`b"..."`, `r#"..."#`, template backticks).
pub fn inner_range(range: &Range<usize>, written: &str) -> Range<usize> {
    let Some(open) = written.find(['"', '\'', '`']) else {
        return range.clone();
    };
    let quote = written.as_bytes()[open];
    let close = written
        .bytes()
        .rposition(|b| b == quote)
        .filter(|&close| close > open)
        .unwrap_or(written.len());
    range.start + open + 1..range.start + close
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilter must never hide a finding: every name the rule
    /// accepts and every URL scheme it reports contains a trigger.
    #[test]
    fn triggers_cover_every_name_and_scheme() {
        let covered = |text: &str| {
            let lower = text.to_ascii_lowercase();
            TRIGGERS.iter().any(|t| lower.contains(t))
        };
        for qualifier in super::super::names::KEY_QUALIFIERS {
            assert!(covered(&format!("{qualifier}Key")), "{qualifier}");
        }
        for scheme in super::super::values::SERVICE_SCHEMES {
            assert!(covered(&format!("{scheme}://u:p@h")), "{scheme}");
        }
    }

    #[test]
    fn inner_ranges_drop_quotes_and_prefixes() {
        let cases = [
            ("'abc'", "abc"),
            ("`abc`", "abc"),
            ("b\"abc\"", "abc"),
            ("r#\"abc\"#", "abc"),
        ];
        for (written, inner) in cases {
            let range = inner_range(&(10..10 + written.len()), written);
            assert_eq!(
                &written[range.start - 10..range.end - 10],
                inner,
                "{written}"
            );
        }
    }
}
