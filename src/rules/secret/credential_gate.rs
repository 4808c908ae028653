//! The text gate of `secret/hardcoded-credential`: decides from the bytes
//! alone whether the rule can find anything in a file, so that files with
//! `password` or `token` in them but no candidate literal (most of a
//! dependency tree: parsers, bundles, bindings) are not parsed for it.
//!
//! It must hold wherever the checks report: every condition below mirrors
//! one path of the checks, and the fixture harness runs every fixture with
//! and without it. In particular, a name is only reported when its literal
//! starts on the name's line or the next one, which is what the name test
//! here looks at.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::hardcoded_credential::MAX_CHECKED_BYTES;
use super::names::{self, SecretName};
use super::values;

pub fn may_report(text: &str) -> bool {
    text.len() <= MAX_CHECKED_BYTES
        && (values::has_url_credentials(text)
            || loads_js_sink(text)
            || uses_rust_sink(text)
            || has_authorization_literal(text)
            || names_a_plausible_literal(text))
}

/// JavaScript sink modules as `import`/`require` name them, and the words
/// at least one of which its options must contain for a sink to take a
/// literal (none: a positional argument is the credential). Connection
/// URLs are covered by the URL test.
const JS_SINKS: &[(&str, &[&str])] = &[
    ("express-session", &["secret"]),
    ("cookie-session", &["secret", "keys"]),
    ("cookie-parser", &[]),
    ("keygrip", &[]),
    ("koa", &["keys"]),
    ("next-auth", &["secret"]),
    ("iron-session", &["password"]),
    ("pg", &["password"]),
    ("mysql", &["password"]),
    ("mysql2", &["password"]),
    ("mysql2/promise", &["password"]),
    ("mongoose", &["pass"]),
    ("mongodb", &["password"]),
    ("sequelize", &[]),
    ("sequelize-typescript", &[]),
    ("knex", &["password"]),
    ("redis", &["password"]),
    ("ioredis", &["password"]),
    ("typeorm", &["password"]),
    ("@nestjs/typeorm", &["password"]),
    ("mssql", &["password"]),
    ("oracledb", &["password"]),
    ("postgres", &["pass"]),
    ("amqplib", &["password"]),
    ("amqplib/callback_api", &["password"]),
    ("nodemailer", &["pass"]),
    ("axios", &["password"]),
    ("got", &["password"]),
    ("request", &["pass"]),
    ("request-promise", &["pass"]),
    ("request-promise-native", &["pass"]),
    ("express-basic-auth", &["users"]),
    ("koa-basic-auth", &["pass"]),
    ("basic-auth-connect", &[]),
    ("crypto", &["createhmac", "cipheriv"]),
    ("node:crypto", &["createhmac", "cipheriv"]),
    ("crypto-js", &["hmac", "encrypt", "decrypt"]),
    ("@fastify/cookie", &["secret"]),
    ("fastify-cookie", &["secret"]),
    ("@fastify/session", &["secret"]),
    ("fastify-session", &["secret"]),
    ("@fastify/secure-session", &["secret", "key"]),
    ("fastify-secure-session", &["secret", "key"]),
];

fn loads_js_sink(text: &str) -> bool {
    static QUOTED: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
        let mut patterns = Vec::new();
        let mut sink_of = Vec::new();
        for (index, (module, _)) in JS_SINKS.iter().enumerate() {
            for quote in ['\'', '"', '`'] {
                patterns.push(format!("{quote}{module}{quote}"));
                sink_of.push(index);
            }
        }
        patterns.push("crypto-js/hmac-".to_string());
        let automaton = AhoCorasick::new(&patterns).expect("plain literals");
        (automaton, sink_of)
    });
    let (automaton, sink_of) = &*QUOTED;
    // Quoted names cannot overlap: a plain search sees each of them.
    automaton.find_iter(text).any(|found| {
        let Some(&index) = sink_of.get(found.pattern().as_usize()) else {
            return true; // `crypto-js/hmac-*`: a positional key
        };
        let words = JS_SINKS[index].1;
        words.is_empty() || words.iter().any(|w| contains_ignoring_case(text, w))
    })
}

/// Rust sinks resolve through `use` paths, so the file names the crate as
/// a path root (`actix_web::`, or `sqlx as db`); each needs its words too.
fn uses_rust_sink(text: &str) -> bool {
    static ROOTS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\b(cookie|actix_web|actix_session|tower_sessions|axum_extra|tower_cookies|rocket|lettre|ring|sqlx|tokio_postgres|postgres|deadpool_postgres|bb8_postgres|mysql|mysql_async|sea_orm|diesel|mongodb|redis|deadpool_redis|lapin|tiberius|scylla|reqwest|ureq|awc|surf|isahc|attohttpc)(?:::|\s+as\s)",
        )
        .expect("pattern compiles")
    });
    if text.contains("new_from_slice") || text.contains("new_varkey") {
        return true;
    }
    let has = |word: &str| text.contains(word);
    ROOTS.captures_iter(text).any(|captures| {
        match &captures[1] {
            "cookie" | "actix_web" | "actix_session" | "tower_sessions" | "axum_extra"
            | "tower_cookies" | "rocket" => has("from"),
            "lettre" => has("Credentials") || has("pass"),
            "ring" => has("hmac"),
            "reqwest" | "ureq" | "awc" | "surf" | "isahc" | "attohttpc" => {
                has("basic_auth") || has("bearer_auth")
            }
            // Database crates: `.password(..)` builders.
            _ => has("pass"),
        }
    })
}

/// A literal `Authorization` value: `'Bearer <credential>'`, with the
/// credential judged as the checks judge it.
fn has_authorization_literal(text: &str) -> bool {
    static SCHEME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)["'`](?:basic|bearer|token) ([^"'`\n]{8,})["'`]"#)
            .expect("pattern compiles")
    });
    static AUTHORIZATION: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(["authorization"])
            .expect("a plain word")
    });
    AUTHORIZATION.is_match(text)
        && SCHEME.captures_iter(text).any(|captures| {
            let credential = captures[1].trim();
            credential.contains('\\') || authorization_credential(credential)
        })
}

/// The checks' test of the credential part of an `Authorization` value.
pub fn authorization_credential(credential: &str) -> bool {
    credential.len() >= 8
        && !credential.starts_with("eyJ")
        && !values::is_reference(credential)
        && !values::is_placeholder(credential)
        && !values::looks_like_label(credential)
}

/// A secret-like name, assigned (`:` or `=` follows it), with a plausible
/// string literal in the value: before the value ends (a `,` or `;` at its
/// own level, a bracket closing an outer one) and on the name's line or
/// the next.
fn names_a_plausible_literal(text: &str) -> bool {
    // A word of a name is written lowercase, capitalised or in capitals
    // (`password`, `dbPassword`, `DB_PASSWORD`); any other casing splits
    // into other words. Exact casings keep this search vectorised.
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        let mut words = Vec::new();
        for word in ["pass", "pwd", "secret", "token", "key", "credential"] {
            let mut capitalised = word.to_string();
            capitalised[..1].make_ascii_uppercase();
            words.extend([word.to_string(), capitalised, word.to_ascii_uppercase()]);
        }
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("plain words")
    });
    let bytes = text.as_bytes();
    let mut checked_up_to = 0;
    for found in WORDS.find_iter(text) {
        if found.start() < checked_up_to {
            continue;
        }
        let is_core = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        let is_wide = |b: u8| is_core(b) || b == b'-' || b == b'.';
        let core = extend(bytes, found.start(), found.end(), is_core);
        let wide = extend(bytes, found.start(), found.end(), is_wide);
        checked_up_to = wide.end;
        let Some(value_start) = assignment_after(bytes, wide.end) else {
            continue;
        };
        let secret_named = [&core, &wide]
            .iter()
            .any(|r| names::classify(&text[(*r).clone()]) != SecretName::No);
        if secret_named && value_has_plausible_literal(text, value_start) {
            return true;
        }
    }
    false
}

/// Where the value starts when a name is followed by `:` or `=` (not `::`,
/// `==` or `=>`), allowing the closing quote or bracket of a written key
/// and TypeScript's `?` and `!`.
fn assignment_after(bytes: &[u8], mut at: usize) -> Option<usize> {
    let skip_blanks = |at: &mut usize| {
        while bytes.get(*at).is_some_and(|b| *b == b' ' || *b == b'\t') {
            *at += 1;
        }
    };
    skip_blanks(&mut at);
    if matches!(bytes.get(at), Some(b'"' | b'\'' | b'`' | b']')) {
        at += 1;
        skip_blanks(&mut at);
    }
    if matches!(bytes.get(at), Some(b'?' | b'!')) {
        at += 1;
        skip_blanks(&mut at);
    }
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b':'), Some(b':')) | (Some(b'='), Some(b'=' | b'>')) => None,
        (Some(b':' | b'='), _) => Some(at + 1),
        _ => None,
    }
}

/// Scans a value for a quoted string the checks could report.
fn value_has_plausible_literal(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    let limit = line_end(text, line_end(text, start) + 1);
    let mut depth = 0i32;
    let mut at = start;
    while at < limit {
        match bytes[at] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            b',' | b';' if depth == 0 => return false,
            quote @ (b'"' | b'\'' | b'`') => {
                let Some(close) = closing_quote(bytes, at + 1, limit, quote) else {
                    // A Rust lifetime or an unterminated string.
                    at += 1;
                    continue;
                };
                let content = &text[at + 1..close];
                if content.contains('\\') || values::plausible_named_secret(content, "") {
                    return true;
                }
                at = close;
            }
            _ => {}
        }
        at += 1;
    }
    false
}

fn closing_quote(bytes: &[u8], mut at: usize, limit: usize, quote: u8) -> Option<usize> {
    while at < limit {
        match bytes[at] {
            b'\\' => at += 2,
            b'\n' => return None,
            b if b == quote => return Some(at),
            _ => at += 1,
        }
    }
    None
}

fn extend(
    bytes: &[u8],
    mut start: usize,
    mut end: usize,
    part_of_name: impl Fn(u8) -> bool,
) -> std::ops::Range<usize> {
    while start > 0 && part_of_name(bytes[start - 1]) {
        start -= 1;
    }
    while end < bytes.len() && part_of_name(bytes[end]) {
        end += 1;
    }
    start..end
}

/// The offset of the end of the line holding `at` (or of the text).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i)
}

fn contains_ignoring_case(text: &str, word: &str) -> bool {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([word])
        .is_ok_and(|automaton| automaton.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_pass_and_mere_mentions_do_not() {
        assert!(may_report(
            "const apiKey = 'f3b8c1d2e4a5968778a9b0c1d2e3f405';"
        ));
        assert!(may_report(
            "const apiKey =\n  'f3b8c1d2e4a5968778a9b0c1d2e3f405';"
        ));
        assert!(may_report(
            "const s = require('express-session');\napp.use(s({ secret: K }));"
        ));
        assert!(may_report(
            "PgPool::connect(\"postgres://app:q7Rf2kLm9Xz@db/app\")"
        ));
        assert!(may_report(
            "headers: { Authorization: 'Bearer q7Rf2kLm9Xz' }"
        ));
        assert!(!may_report(
            "function next() { const token = this.scan(); return token; }"
        ));
        assert!(!may_report(
            "const labels = { password: 'Password', token: 'Access token' };"
        ));
        assert!(!may_report("if (options.passive) { bypass = true; }"));
        assert!(!may_report(
            "const crypto = require('crypto'); crypto.randomBytes(32);"
        ));
        assert!(!may_report(
            "fn glPassThrough(token: f32); link!(\"opengl32.dll\" \"system\")"
        ));
        assert!(may_report(
            "let api_key = env::var(\"K\").unwrap_or_else(|_| \"q7Rf2kLm9Xz\".into());"
        ));
        assert!(may_report("const API_KEY: &str = \"q7Rf2kLm9Xz\";"));
    }
}
