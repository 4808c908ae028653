//! `password/low-work-factor`: a password-hashing function configured
//! below the OWASP minimums.

use syn::{Expr, GenericArgument, PathArguments};
use tree_sitter::Node;

use super::js_api::{literal_bytes, number, property_node};
use super::rust_api::{int_value, resolved};
use super::thresholds::{
    ARGON2_BASE_ITERATIONS, ARGON2_BASE_MEMORY_KIB, ARGON2_SETTINGS, BCRYPT_MIN_COST,
    PBKDF2_SHA256_MIN_ITERATIONS, PBKDF2_SHA512_MIN_ITERATIONS, Pbkdf2Hash, SCRYPT_MIN_BLOCK_SIZE,
    argon2_is_strong, grouped, kib, scrypt_is_strong,
};
use super::{KDF_TRIGGERS, Kdf, KdfCall, kdf_calls};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{JsFile, Property, Value};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::Kind;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "password/low-work-factor",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "bcrypt, PBKDF2, scrypt or Argon2 configured below the OWASP minimums",
    docs: DOCS,
    cwe: &[916],
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

const DOCS: &str = r"
## What it does
Flags password hashing whose work factor, written as a literal or a
same-file constant, is below the minimums of the OWASP Password Storage
Cheat Sheet:

| algorithm | minimum |
|---|---|
| bcrypt | cost 10 |
| PBKDF2-HMAC-SHA256 | 600,000 iterations |
| PBKDF2-HMAC-SHA512 | 220,000 iterations |
| PBKDF2-HMAC-SHA1 | 1,400,000 iterations |
| scrypt | N = 2^17 with r = 8 and p = 1 (or N = 2^16, p = 2; 2^15, p = 3; 2^14, p = 5; 2^13, p = 10) |
| Argon2id | 19 MiB of memory with 2 iterations (or 46 MiB × 1, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5) |

JavaScript: `bcrypt`, `bcryptjs`, `@node-rs/bcrypt` (`hash`, `genSalt`,
also a literal `$2b$08$…` salt), Node's `pbkdf2`/`pbkdf2Sync` and
`scrypt`/`scryptSync` (whose defaults, N = 16,384, are below the minimum),
`scrypt-js`, `argon2` and `@node-rs/argon2` options, `crypto-js`'s `PBKDF2`,
and Web Crypto `deriveBits`/`deriveKey` with PBKDF2 parameters. Rust:
`bcrypt::hash` and friends, `pbkdf2::pbkdf2_hmac` / `pbkdf2_hmac_array` /
`pbkdf2` and `pbkdf2::Params`, `ring::pbkdf2::derive`/`verify`,
`argon2::Params::new`, `argon2::ParamsBuilder`, `rust-argon2`'s `Config`,
and `scrypt::Params::new` (whose first argument is log2 N).

The message states the value found, the constant it came from and the
minimum.

## Why is this bad
The work factor is the only thing that makes a stolen password hash
expensive to crack. The minimums are set so that one guess costs about as
much as an attacker's GPU budget allows; below them, a leaked database gives
up weak and medium passwords quickly.

## Example
```js
const SALT_ROUNDS = 8;
const hash = await bcrypt.hash(password, SALT_ROUNDS);
crypto.pbkdf2Sync(password, salt, 10000, 64, 'sha512');
```
```rust
let params = Params::new(4096, 1, 1, None)?;
```

## Use instead
```js
const hash = await bcrypt.hash(password, 12);
crypto.pbkdf2Sync(password, salt, 600000, 64, 'sha256');
```
```rust
let params = Params::new(19_456, 2, 1, None)?; // or Params::default()
```

## Known problems
Values computed at run time, read from configuration or passed in through
parameters are not known and not reported. When the PBKDF2 digest is not
known, only counts below the smallest minimum (220,000) are reported.
`crypto-js` `PBKDF2` without an `iterations` option is not reported: its
default changed between versions. The rule checks strength, not the Argon2
variant: `argon2i` and `argon2d` at sufficient cost pass.

## References
- OWASP Password Storage Cheat Sheet,
  https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
  (figures of its 2025 revision; before it, PBKDF2-HMAC-SHA512 needed
  210,000 iterations and PBKDF2-HMAC-SHA1 1,300,000)
- CWE-916: Use of Password Hash With Insufficient Computational Effort
- PCI DSS v4.0.1 requirement 8.3.2
";

/// Node's scrypt defaults: N = 16384, r = 8, p = 1.
const NODE_SCRYPT_DEFAULTS: (u64, u64, u64) = (16_384, 8, 1);

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in kdf_calls(file) {
        // Stretching a high-entropy key or token derives a key; the
        // password minimums do not apply.
        let derives_key = call
            .arguments
            .first()
            .and_then(|input| file.model.sensitive(*input))
            .is_some_and(|s| matches!(s.kind, Kind::Secret | Kind::Token | Kind::Signature));
        if derives_key && !matches!(call.kdf, Kdf::BcryptHash | Kdf::BcryptGenSalt | Kdf::Argon2) {
            continue;
        }
        match call.kdf {
            Kdf::BcryptHash => {
                if let Some(&cost) = call.arguments.get(1) {
                    check_bcrypt_js(file, &call, cost, out);
                }
            }
            Kdf::BcryptGenSalt => {
                if let Some(&cost) = call.arguments.first() {
                    check_bcrypt_js(file, &call, cost, out);
                }
            }
            Kdf::Pbkdf2 => {
                let digest = call
                    .arguments
                    .get(4)
                    .and_then(|d| file.model.value(*d).as_str().map(str::to_string));
                if let Some(&iterations) = call.arguments.get(2) {
                    check_pbkdf2_js(file, iterations, digest.as_deref(), out);
                }
            }
            Kdf::CryptoJsPbkdf2 => {
                let Some(options) = call.options(file, 2) else {
                    continue;
                };
                let Some(iterations) = property_node(file, options, "iterations") else {
                    continue;
                };
                let digest =
                    property_node(file, options, "hasher").map(|h| file.text(h).to_string());
                check_pbkdf2_js(file, iterations, digest.as_deref(), out);
            }
            Kdf::WebCryptoPbkdf2 => {
                let Some(params) = call.options(file, 0) else {
                    continue;
                };
                let is_pbkdf2 = property_node(file, params, "name")
                    .and_then(|n| file.model.value(n).as_str().map(str::to_ascii_uppercase))
                    .is_some_and(|n| n == "PBKDF2");
                let Some(iterations) = property_node(file, params, "iterations") else {
                    continue;
                };
                if !is_pbkdf2 {
                    continue;
                }
                let digest =
                    property_node(file, params, "hash").and_then(|h| match file.model.value(h) {
                        Value::Str { text, .. } => Some(text),
                        Value::Object(object) => property_node(file, object, "name")
                            .and_then(|n| file.model.value(n).as_str().map(str::to_string)),
                        _ => None,
                    });
                check_pbkdf2_js(file, iterations, digest.as_deref(), out);
            }
            Kdf::NodeScrypt => check_node_scrypt(file, &call, out),
            Kdf::ScryptJs => {
                let value = |i: usize| call.arguments.get(i).and_then(|a| number(file, *a));
                if let (Some((n, _)), Some((r, _)), Some((p, _))) = (value(2), value(3), value(4)) {
                    report_scrypt(call.node.byte_range(), &call.callee, n, r, p, out);
                }
            }
            Kdf::Argon2 => check_argon2_js(file, &call, out),
        }
    }
}

fn check_bcrypt_js<'t>(
    file: &JsFile<'t>,
    call: &KdfCall<'t>,
    cost: Node<'t>,
    out: &mut Vec<Diagnostic>,
) {
    let (value, origin) = if let Some((value, origin)) = number(file, cost) {
        (value, origin)
    } else if let Some((text, _)) = literal_bytes(file, cost)
        && let Some(rounds) = bcrypt_salt_cost(&text)
    {
        (rounds, Some("its literal salt".to_string()))
    } else {
        return;
    };
    if value >= BCRYPT_MIN_COST {
        return;
    }
    let from = origin.map(|o| format!(" from {o}")).unwrap_or_default();
    out.push(Diagnostic::new(
        &RULE,
        cost.byte_range(),
        format!(
            "{} uses bcrypt cost {value}{from}; the minimum is {BCRYPT_MIN_COST}",
            call.callee
        ),
        "raise the cost to at least 10 (12 is a common choice); each step doubles the work",
    ));
}

/// The cost inside a bcrypt salt string: `$2b$08$...` is 8.
fn bcrypt_salt_cost(text: &str) -> Option<u64> {
    let rest = text
        .strip_prefix("$2a$")
        .or_else(|| text.strip_prefix("$2b$"))
        .or_else(|| text.strip_prefix("$2y$"))?;
    rest.get(..2)?.parse().ok()
}

fn check_pbkdf2_js<'t>(
    file: &JsFile<'t>,
    iterations: Node<'t>,
    digest: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((count, origin)) = number(file, iterations) else {
        return;
    };
    if let Some(diagnostic) = pbkdf2_diagnostic(iterations.byte_range(), count, origin, digest) {
        out.push(diagnostic);
    }
}

fn pbkdf2_diagnostic(
    range: std::ops::Range<usize>,
    count: u64,
    origin: Option<String>,
    digest: Option<&str>,
) -> Option<Diagnostic> {
    let from = origin.map(|o| format!(" from {o}")).unwrap_or_default();
    let (message, fix) = if let Some(hash) = digest.and_then(Pbkdf2Hash::parse) {
        let minimum = hash.min_iterations();
        if count >= minimum {
            return None;
        }
        (
            format!(
                "{} with {} iterations{from}; the minimum is {}",
                hash.name(),
                grouped(count),
                grouped(minimum)
            ),
            format!(
                "raise the iteration count to at least {} (or move to Argon2id)",
                grouped(minimum)
            ),
        )
    } else {
        if count >= PBKDF2_SHA512_MIN_ITERATIONS {
            return None;
        }
        (
            format!(
                "PBKDF2 with {} iterations{from}; the minimum is {} even with SHA-512, {} with SHA-256",
                grouped(count),
                grouped(PBKDF2_SHA512_MIN_ITERATIONS),
                grouped(PBKDF2_SHA256_MIN_ITERATIONS)
            ),
            format!(
                "use PBKDF2-HMAC-SHA256 with at least {} iterations (or move to Argon2id)",
                grouped(PBKDF2_SHA256_MIN_ITERATIONS)
            ),
        )
    };
    Some(Diagnostic::new(&RULE, range, message, fix))
}

fn check_node_scrypt<'t>(file: &JsFile<'t>, call: &KdfCall<'t>, out: &mut Vec<Diagnostic>) {
    let (mut n, mut r, mut p) = NODE_SCRYPT_DEFAULTS;
    match call.arguments.get(3).map(|a| (a, file.model.value(*a))) {
        None | Some((_, Value::Function(_) | Value::Undefined)) => {}
        Some((_, Value::Object(options))) => {
            for (keys, slot) in [
                (["N", "cost"], &mut n),
                (["r", "blockSize"], &mut r),
                (["p", "parallelization"], &mut p),
            ] {
                for key in keys {
                    match file.model.property(options, key) {
                        Property::Set(value) => match number(file, value) {
                            Some((value, _)) => *slot = value,
                            None => return,
                        },
                        Property::Missing => {}
                        Property::Unknown => return,
                    }
                }
            }
        }
        // An arrow written inline is a callback; anything else unknown.
        Some((argument, _)) if argument.kind() == "arrow_function" => {}
        Some(_) => return,
    }
    report_scrypt(call.node.byte_range(), &call.callee, n, r, p, out);
}

fn report_scrypt(
    range: std::ops::Range<usize>,
    callee: &str,
    n: u64,
    r: u64,
    p: u64,
    out: &mut Vec<Diagnostic>,
) {
    if scrypt_is_strong(n, r, p) {
        return;
    }
    let log = if n.is_power_of_two() {
        format!(" (2^{})", n.trailing_zeros())
    } else {
        String::new()
    };
    let block = if r < SCRYPT_MIN_BLOCK_SIZE {
        format!(" and a block size r = {r} below {SCRYPT_MIN_BLOCK_SIZE}")
    } else {
        String::new()
    };
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!(
            "{callee} runs scrypt with N = {}{log}, r = {r}, p = {p}{block}; the minimum is N = 131,072 (2^17) with r = 8 and p = 1",
            grouped(n)
        ),
        "pass `{ N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }` (or move to Argon2id)",
    ));
}

fn check_argon2_js<'t>(file: &JsFile<'t>, call: &KdfCall<'t>, out: &mut Vec<Diagnostic>) {
    // Library defaults: `argon2` 64 MiB × 3, `@node-rs/argon2` 19 MiB × 2.
    let (mut memory, mut time) = if call.module == "argon2" {
        (65_536, 3)
    } else {
        (ARGON2_BASE_MEMORY_KIB, ARGON2_BASE_ITERATIONS)
    };
    let Some(Value::Object(options)) = call.arguments.get(1).map(|a| file.model.value(*a)) else {
        return;
    };
    let mut origin = None;
    for (key, slot) in [("memoryCost", &mut memory), ("timeCost", &mut time)] {
        match file.model.property(options, key) {
            Property::Set(value) => match number(file, value) {
                Some((value, from)) => {
                    *slot = value;
                    origin = origin.or(from);
                }
                None => return,
            },
            Property::Missing => {}
            Property::Unknown => return,
        }
    }
    if argon2_is_strong(memory, time) {
        return;
    }
    let from = origin.map(|o| format!(" from {o}")).unwrap_or_default();
    out.push(Diagnostic::new(
        &RULE,
        call.node.byte_range(),
        format!(
            "{} runs Argon2 with {} of memory and {}{from}; the minimum is {} with {ARGON2_BASE_ITERATIONS} iterations",
            call.callee,
            kib(memory),
            passes(time),
            kib(ARGON2_BASE_MEMORY_KIB)
        ),
        "set `memoryCost: 19456` and `timeCost: 2` or more (or leave the library defaults)",
    ));
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = resolved(file, &function.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            let argument = |i: usize| call.args.iter().nth(i);
            match strs.as_slice() {
                [
                    "bcrypt",
                    "hash"
                    | "hash_with_result"
                    | "hash_with_salt"
                    | "non_truncating_hash"
                    | "non_truncating_hash_with_salt"
                    | "non_truncating_hash_with_result",
                ] => {
                    let Some(cost) = argument(1) else { continue };
                    let Some((value, origin)) = int_value(file, body, cost) else {
                        continue;
                    };
                    if value < BCRYPT_MIN_COST {
                        let from = origin.map(|o| format!(" from {o}")).unwrap_or_default();
                        out.push(Diagnostic::new(
                            &RULE,
                            file.range(cost),
                            format!("`bcrypt::{}` uses cost {value}{from}; the minimum is {BCRYPT_MIN_COST}", strs[1]),
                            "raise the cost to at least 10, or use `bcrypt::DEFAULT_COST` (12)",
                        ));
                    }
                }
                ["pbkdf2", "pbkdf2_hmac" | "pbkdf2_hmac_array" | "pbkdf2"] => {
                    let digest = function
                        .path
                        .segments
                        .last()
                        .and_then(|s| generic_hash_name(&s.arguments));
                    if let Some(rounds) = argument(2) {
                        report_pbkdf2_rust(file, body, rounds, digest.as_deref(), out);
                    }
                }
                ["ring", "pbkdf2", "derive" | "verify"] => {
                    let digest = argument(0).and_then(last_segment);
                    if let Some(iterations) = argument(1) {
                        report_pbkdf2_rust(file, body, iterations, digest.as_deref(), out);
                    }
                }
                ["argon2", "Params", "new"] => {
                    let (Some(m), Some(t)) = (argument(0), argument(1)) else {
                        continue;
                    };
                    let memory = int_value(file, body, m);
                    let time = int_value(file, body, t);
                    report_argon2_rust(file.range(*call), "`Params::new`", memory, time, out);
                }
                ["scrypt", "Params", "new"] => {
                    let values: Vec<Option<u64>> = (0..3)
                        .map(|i| {
                            argument(i)
                                .and_then(|a| int_value(file, body, a))
                                .map(|(v, _)| v)
                        })
                        .collect();
                    if let [Some(log_n), Some(r), Some(p)] = values[..]
                        && log_n < 64
                    {
                        report_scrypt(
                            file.range(*call),
                            "`scrypt::Params::new`",
                            1 << log_n,
                            r,
                            p,
                            out,
                        );
                    }
                }
                _ => {}
            }
        }
        for literal in &body.struct_literals {
            let path = resolved(file, &literal.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            let field = |name: &str| {
                literal.fields.iter().find_map(|f| match &f.member {
                    syn::Member::Named(member) if member == name => Some(&f.expr),
                    _ => None,
                })
            };
            match strs.as_slice() {
                ["pbkdf2", "Params"] => {
                    if let Some(rounds) = field("rounds") {
                        report_pbkdf2_rust(file, body, rounds, Some("sha256"), out);
                    }
                }
                // rust-argon2's `Config { mem_cost, time_cost, .. }`
                ["argon2", "Config"] => {
                    let memory = field("mem_cost").and_then(|m| int_value(file, body, m));
                    let time = field("time_cost").and_then(|t| int_value(file, body, t));
                    report_argon2_rust(file.range(*literal), "`argon2::Config`", memory, time, out);
                }
                _ => {}
            }
        }
        check_params_builder(file, body, out);
    }
}

/// `argon2::ParamsBuilder::new().m_cost(..).t_cost(..).build()`.
fn check_params_builder(file: &RustFile<'_>, body: &FnBody<'_>, out: &mut Vec<Diagnostic>) {
    for call in &body.method_calls {
        if call.method != "build" {
            continue;
        }
        let mut memory = Some((ARGON2_BASE_MEMORY_KIB, None));
        let mut time = Some((ARGON2_BASE_ITERATIONS, None));
        let mut receiver = call.receiver.as_ref();
        let mut is_builder = false;
        loop {
            match receiver {
                Expr::MethodCall(inner) => {
                    match inner.method.to_string().as_str() {
                        "m_cost" => {
                            memory = inner.args.first().and_then(|a| int_value(file, body, a));
                        }
                        "t_cost" => {
                            time = inner.args.first().and_then(|a| int_value(file, body, a));
                        }
                        _ => {}
                    }
                    receiver = &inner.receiver;
                }
                Expr::Call(inner) => {
                    if let Expr::Path(function) = inner.func.as_ref() {
                        let path = resolved(file, &function.path);
                        is_builder = path.first().is_some_and(|c| c == "argon2")
                            && path.iter().any(|s| s == "ParamsBuilder");
                    }
                    break;
                }
                _ => break,
            }
        }
        if is_builder {
            report_argon2_rust(file.range(*call), "`ParamsBuilder`", memory, time, out);
        }
    }
}

fn report_argon2_rust(
    range: std::ops::Range<usize>,
    what: &str,
    memory: Option<(u64, Option<String>)>,
    time: Option<(u64, Option<String>)>,
    out: &mut Vec<Diagnostic>,
) {
    let smallest_memory = ARGON2_SETTINGS.iter().map(|(m, _)| *m).min().unwrap_or(0);
    let (memory, time) = match (memory, time) {
        (Some((m, _)), Some((t, _))) if !argon2_is_strong(m, t) => (m, Some(t)),
        // Memory alone below every equivalent setting decides.
        (Some((m, _)), None) if m < smallest_memory => (m, None),
        _ => return,
    };
    let iterations = time.map_or_else(String::new, |t| format!(" and {}", passes(t)));
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!(
            "{what} sets Argon2 to {} of memory{iterations}; the minimum is {} with {ARGON2_BASE_ITERATIONS} iterations",
            kib(memory),
            kib(ARGON2_BASE_MEMORY_KIB)
        ),
        "use `Params::default()` (19 MiB, 2 iterations, 1 lane) or more",
    ));
}

fn report_pbkdf2_rust(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    rounds: &Expr,
    digest: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((count, origin)) = int_value(file, body, rounds) else {
        return;
    };
    if let Some(diagnostic) = pbkdf2_diagnostic(file.range(rounds), count, origin, digest) {
        out.push(diagnostic);
    }
}

fn passes(n: u64) -> String {
    if n == 1 {
        "1 iteration".to_string()
    } else {
        format!("{n} iterations")
    }
}

/// `::<Sha256>` or `::<Hmac<Sha512>>` → the hash's name.
fn generic_hash_name(arguments: &PathArguments) -> Option<String> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(syn::Type::Path(path)) => {
            let last = path.path.segments.last()?;
            generic_hash_name(&last.arguments).or_else(|| Some(last.ident.to_string()))
        }
        _ => None,
    })
}

/// `pbkdf2::PBKDF2_HMAC_SHA256` or `&PBKDF2_HMAC_SHA256` → its last segment.
fn last_segment(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Reference(inner) => last_segment(&inner.expr),
        Expr::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::bcrypt_salt_cost;

    #[test]
    fn bcrypt_salts_carry_their_cost() {
        assert_eq!(bcrypt_salt_cost("$2b$08$abcdefghijklmnopqrstuv"), Some(8));
        assert_eq!(bcrypt_salt_cost("$2a$12$abcdefghijklmnopqrstuv"), Some(12));
        assert_eq!(bcrypt_salt_cost("salt"), None);
    }
}
