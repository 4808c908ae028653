//! `password/static-salt`: a password hashed with a salt written in the
//! code, the same for every user.

use std::ops::Range;

use syn::Expr;

use super::js_api::literal_bytes;
use super::rust_api::{literal_bytes as rust_literal, resolved};
use super::{KDF_TRIGGERS, Kdf, kdf_calls};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::rust::{FnBody, RustFile};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "password/static-salt",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password hashed with a salt written in the code",
    docs: DOCS,
    cwe: &[760],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: KDF_TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Flags a literal salt (a string, a byte string, a byte array, or a
`Buffer.from('..')` / `TextEncoder().encode('..')` / `SaltString::from_b64(..)`
of one, inline or through a same-file constant) given to a password-hashing
function: Node's `pbkdf2`/`pbkdf2Sync` and `scrypt`/`scryptSync`,
`scrypt-js`, `crypto-js` `PBKDF2`, a bcrypt `hash` with a literal `$2b$..`
salt, the `salt` option of `argon2.hash` and of Web Crypto's PBKDF2
parameters; in Rust `pbkdf2::pbkdf2_hmac` and friends,
`ring::pbkdf2::derive`/`verify`, `bcrypt::hash_with_salt`,
`scrypt::scrypt`, `argon2`'s `hash_password_into` and `rust-argon2`'s
`hash_encoded`/`hash_raw`, and a `SaltString` or `Salt` built from a
literal.

## Why is this bad
A salt exists to make every user's hash different, so that one guess
cannot be tried against every account at once and precomputed tables are
useless. A salt shared by all users gives that up: identical passwords get
identical hashes, and cracking work is shared across the whole table.

## Example
```js
const hash = crypto.pbkdf2Sync(password, 'app-salt', 600000, 64, 'sha256');
```
```rust
pbkdf2_hmac::<Sha256>(password.as_bytes(), b"static-salt", 600_000, &mut key);
```

## Use instead
```js
const salt = crypto.randomBytes(16);
const hash = crypto.pbkdf2Sync(password, salt, 600000, 64, 'sha256');
// store salt next to the hash, or use argon2.hash(password), which salts itself
```
```rust
let salt = SaltString::generate(&mut OsRng);
let hash = Argon2::default().hash_password(password.as_bytes(), &salt)?;
```

## Known problems
A salt built at run time from constant parts (a username alone, an
application name plus a counter) is not recognised as predictable. A
literal pepper or application-wide key passed where the API expects a salt
is reported, since the API treats it as the salt.

## References
- OWASP Password Storage Cheat Sheet, Salting
- CWE-760: Use of a One-Way Hash with a Predictable Salt
- PCI DSS v4.0.1 requirement 8.3.2
"#;

const FIX: &str = "generate a random salt per password (`crypto.randomBytes(16)`) and store it with the hash, or let bcrypt or argon2 salt for you";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in kdf_calls(file) {
        let Some(salt) = call.salt(file) else {
            continue;
        };
        let Some((text, _)) = literal_bytes(file, salt) else {
            continue;
        };
        // bcrypt's second argument is a salt only when it looks like one.
        if call.kdf == Kdf::BcryptHash && !text.starts_with("$2") {
            continue;
        }
        let origin = file
            .model
            .constant_origin(salt)
            .map(|(name, line)| format!(" (`{name}`, line {line})"))
            .unwrap_or_default();
        out.push(Diagnostic::new(
            &RULE,
            salt.byte_range(),
            format!(
                "{} is given a salt written in the code{origin}: every password shares it",
                call.callee
            ),
            FIX,
        ));
    }
}

const RUST_FIX: &str = "generate a random salt per password (`SaltString::generate(&mut OsRng)`) and store it with the hash";

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = resolved(file, &function.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            let salt_index = match strs.as_slice() {
                ["pbkdf2", "pbkdf2_hmac" | "pbkdf2_hmac_array" | "pbkdf2"] => 1,
                ["ring", "pbkdf2", "derive" | "verify"] => 2,
                ["bcrypt", "hash_with_salt" | "non_truncating_hash_with_salt"] => 2,
                ["scrypt", "scrypt"] => 1,
                ["argon2", "hash_encoded" | "hash_raw" | "verify_raw"] => 1,
                // `SaltString::from_b64("..")` wherever it is used.
                [
                    "argon2" | "password_hash" | "pbkdf2" | "scrypt",
                    ..,
                    "SaltString" | "Salt",
                    "from_b64" | "encode_b64" | "new",
                ] => {
                    if let Some(argument) = call.args.first()
                        && let Some(range) = rust_literal(file, body, argument)
                    {
                        report_rust(file, body, &strs, file.range(*call), range, out);
                    }
                    continue;
                }
                _ => continue,
            };
            let Some(salt) = call.args.iter().nth(salt_index) else {
                continue;
            };
            // A `SaltString` made from a literal is reported where it is made.
            if is_salt_string_call(file, body, salt) {
                continue;
            }
            if let Some(range) = rust_literal(file, body, salt) {
                report_rust(file, body, &strs, file.range(salt), range, out);
            }
        }
        for call in &body.method_calls {
            // argon2's `hash_password_into(password, salt, &mut out)`
            if call.method != "hash_password_into" {
                continue;
            }
            let Some(salt) = call.args.iter().nth(1) else {
                continue;
            };
            if let Some(range) = rust_literal(file, body, salt) {
                report_rust(
                    file,
                    body,
                    &["argon2", "hash_password_into"],
                    file.range(salt),
                    range,
                    out,
                );
            }
        }
    }
}

fn is_salt_string_call(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr) -> bool {
    let mut expression = expression;
    loop {
        match expression {
            Expr::Reference(inner) => expression = &inner.expr,
            Expr::Try(inner) => expression = &inner.expr,
            Expr::MethodCall(call) => expression = &call.receiver,
            Expr::Path(path) => {
                let Some(init) = path
                    .path
                    .get_ident()
                    .and_then(|i| body.init_of(&i.to_string()))
                else {
                    return false;
                };
                expression = init;
            }
            Expr::Call(call) => {
                return matches!(call.func.as_ref(), Expr::Path(p)
                    if resolved(file, &p.path).iter().any(|s| s == "SaltString" || s == "Salt"));
            }
            _ => return false,
        }
    }
}

fn report_rust(
    file: &RustFile<'_>,
    _body: &FnBody<'_>,
    callee: &[&str],
    range: Range<usize>,
    literal: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let name = callee.join("::");
    let inside = literal.start >= range.start && literal.end <= range.end;
    let origin = if inside {
        String::new()
    } else {
        format!(" (line {})", file.source.position(literal.start).line)
    };
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!("`{name}` is given a salt written in the code{origin}: every password shares it"),
        RUST_FIX,
    ));
}
