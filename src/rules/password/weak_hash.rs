//! `password/weak-hash`: a password hashed with a fast, general-purpose
//! hash instead of a password-hashing function.

use super::{HASH_TRIGGERS, describe, fast_hashes, rust_api};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::rust::{RustFile, sensitive};
use crate::lang::sensitive::Kind;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "password/weak-hash",
    severity: Severity::Critical,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password hashed with a fast hash such as MD5, SHA-1 or SHA-256",
    docs: DOCS,
    cwe: &[916, 328, 759],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: HASH_TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags a password hashed with a fast hash: Node's `crypto.createHash` and
`createHmac` (any algorithm, also through a hash object kept in a `const`
and fed with `update`), `crypto.hash`, Web Crypto's `subtle.digest`, the
`md5`, `blueimp-md5`, `js-md5`, `sha1`, `js-sha1`, `js-sha256`, `js-sha512`,
`js-sha3`, `sha.js` and `crypto-js` packages; in Rust the `md5`, `sha1`,
`sha1_smol`, `sha2`, `sha3`, `blake2`, `blake3`, `ripemd` and `hmac` crates
(`digest`, `new` + `update`, `chain_update`), `ring::digest`, `ring::hmac`
and `openssl::sha`.

A value is a password when its name says so (`password`, `newPassword`,
`pwd`, `passphrase`, `pin`, `credentials`, in any case style) or when it was
read from the request inside the function (`req.body.password`, `const {
password } = req.body`, a NestJS `@Body()` field, an axum or actix `Json`
or `Form` field), followed through `const`s, concatenation (`password +
salt`), template literals and conversions such as `Buffer.from` or
`.as_bytes()`. Hashes of anything else (file contents, e-mail addresses for
Gravatar, cache keys, ETags, tokens) are not reported.

## Why is this bad
MD5, SHA-1 and the SHA-2 and SHA-3 families are built to be fast: a single
GPU computes billions of them per second, so a leaked table of such hashes
gives up most of its passwords within hours, salt or not. Password hashing
functions (Argon2id, scrypt, bcrypt, PBKDF2 with enough iterations) are
slow on purpose and tunable.

## Example
```js
const hash = crypto.createHash('sha256').update(req.body.password + salt).digest('hex');
```
```rust
let hash = Sha256::digest(form.password.as_bytes());
```

## Use instead
```js
const hash = await argon2.hash(req.body.password); // argon2id by default
```
```rust
let salt = SaltString::generate(&mut OsRng);
let hash = Argon2::default().hash_password(form.password.as_bytes(), &salt)?.to_string();
```

## Known problems
A password that reaches the hash through a function parameter with an
unrelated name (`digest(input)` called as `digest(password)`) is not
followed across the call. Hashing a password to derive an encryption key
(rather than to store it) is reported too; use a KDF such as scrypt or
Argon2 there as well. Rust hasher types reached through a local `type`
alias (`type HmacSha256 = Hmac<Sha256>`) are not recognised.

## References
- OWASP Password Storage Cheat Sheet
- CWE-916: Use of Password Hash With Insufficient Computational Effort
- CWE-328: Use of Weak Hash
- PCI DSS v4.0.1 requirement 8.3.2
";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for hash in fast_hashes(file) {
        let Some(value) = file.model.sensitive(hash.input) else {
            continue;
        };
        if value.kind != Kind::Password {
            continue;
        }
        let what = describe(&value.name, value.source);
        out.push(Diagnostic::new(
            &RULE,
            hash.node.byte_range(),
            format!(
                "{what} is hashed with {}, a fast hash that offline attacks try billions of times per second",
                hash.algorithm
            ),
            "hash passwords with Argon2id (`argon2.hash(password)`), scrypt or bcrypt, and check them with the library's `verify`",
        ));
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for hash in rust_api::fast_hashes(file) {
        let Some(value) = sensitive::sensitive(file, hash.body, &hash.input) else {
            continue;
        };
        if value.kind != Kind::Password {
            continue;
        }
        let what = describe(&value.name, value.source);
        out.push(Diagnostic::new(
            &RULE,
            hash.range.clone(),
            format!(
                "{what} is hashed with {}, a fast hash that offline attacks try billions of times per second",
                hash.algorithm
            ),
            "hash passwords with the `argon2` crate (`Argon2::default().hash_password(password, &salt)`), `scrypt` or `bcrypt`, and check them with `verify_password`",
        ));
    }
}
