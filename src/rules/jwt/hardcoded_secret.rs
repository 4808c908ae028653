//! `jwt/hardcoded-secret`: a JWT signing or verification key written in the
//! code.

use std::ops::Range;

use syn::Expr;
use tree_sitter::Node;

use super::js_api::method_chain;
use super::{Api, JwtCall, jwt_calls};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    Binding, FieldAccess, JsFile, Property, Value, call_arguments, unwrap_expression,
};
use crate::lang::rust::{FnBody, RustFile};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/hardcoded-secret",
    severity: Severity::Critical,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT secret or private key written in the code",
    docs: DOCS,
    cwe: &[798, 321],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.6.2", "3.6.1"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags a string literal, inline or through a same-file constant, used as the
key of a JWT API: `jsonwebtoken`'s `sign`/`verify`, `express-jwt` and
`koa-jwt`'s `secret`, `passport-jwt`'s `secretOrKey`, `@fastify/jwt` and
`@nestjs/jwt`'s `secret`/`privateKey`, `jose` keys built with `TextEncoder`,
`Buffer.from` or `createSecretKey`, and in Rust `EncodingKey::from_secret`,
`DecodingKey::from_secret`, the `from_*_pem` private keys, the HMAC keys and
key pairs of the `jwt` and `jwt-simple` crates, also through `const`,
`static` and `LazyLock` initializers. A literal fallback after an environment
read (`process.env.JWT_SECRET || 'dev-secret'`, Rust
`env::var(..).unwrap_or(..)` or `option_env!(..).unwrap_or(..)`) is flagged
too: it is what runs whenever the variable is missing. The finding is reported once, where the
literal is written, and says whether the value is also weak.

## Why is this bad
Anyone with the source, a leaked image or a public repository can mint valid
tokens for any user. Short dictionary secrets are also cracked offline from a
single token in minutes.

## Example
```js
const token = jwt.sign({ sub: user.id }, 'keyboard cat', { expiresIn: '15m' });
```

## Use instead
```js
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '15m' });
```
Fail at start-up when the variable is missing instead of falling back, and
rotate a key that was committed.

## Known problems
Keys read from files, configuration modules or secret managers are not
followed and not flagged, and neither is a literal that reaches the key
through a function parameter (`Keys::new(secret)` called with a literal). Public keys (PEM `PUBLIC KEY` and certificates)
are not secrets and are never flagged.

## References
- CWE-798: Use of Hard-coded Credentials
- CWE-321: Use of Hard-coded Cryptographic Key
- PCI DSS v4.0.1 requirement 8.6.2
";

/// Secrets shorter than this are brute-forced offline from one token.
const MIN_STRONG_SECRET_BYTES: usize = 32;

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        for key in keys_of(file, &call) {
            let Some(literal) = literal_key(file, key) else {
                continue;
            };
            report_js(file, &call, &literal, out);
        }
    }
}

struct LiteralKey<'t> {
    text: String,
    node: Node<'t>,
    is_fallback: bool,
}

/// The key expressions of a call, wherever its API takes them.
fn keys_of<'t>(file: &JsFile<'t>, call: &JwtCall<'t>) -> Vec<Node<'t>> {
    let mut keys: Vec<Node<'t>> = call.key.into_iter().collect();
    if matches!(call.api, Api::NestSign | Api::NestVerify) {
        for name in ["secret", "privateKey"] {
            if let Property::Set(value) = call.options.property(file, name) {
                keys.push(value);
            }
        }
    }
    if call.api == Api::JoseSign {
        for (method, chained) in method_chain(file, call.node) {
            if method == "sign" {
                keys.extend(call_arguments(chained).first().copied());
            }
        }
    }
    keys
}

/// The literal behind a key, looking through `new TextEncoder().encode(..)`,
/// `Buffer.from(..)`, `createSecretKey(..)` and same-file constants.
fn literal_key<'t>(file: &JsFile<'t>, key: Node<'t>) -> Option<LiteralKey<'t>> {
    let mut current = unwrap_expression(key);
    for _ in 0..8 {
        if current.kind() == "identifier"
            && let Some(Binding::Value(value)) = file.model.binding(file.text(current), current)
        {
            let inner = unwrap_expression(*value);
            if is_key_wrapper(file, inner) {
                current = inner;
                continue;
            }
        }
        if !is_key_wrapper(file, current) {
            break;
        }
        match call_arguments(current).first() {
            Some(argument) => current = unwrap_expression(*argument),
            None => return None,
        }
    }
    let (value, is_fallback) = match file.model.value(current) {
        Value::Fallback(inner) => (*inner, true),
        other => (other, false),
    };
    let Value::Str { text, node } = value else {
        return None;
    };
    if text.is_empty() || is_public_key(&text) {
        return None;
    }
    Some(LiteralKey {
        text,
        node,
        is_fallback,
    })
}

fn is_key_wrapper(file: &JsFile<'_>, node: Node<'_>) -> bool {
    if !matches!(node.kind(), "call_expression") {
        return false;
    }
    let Some(callee) = node.field("function") else {
        return false;
    };
    let text = file.text(callee);
    let name = text.rsplit('.').next().unwrap_or(text);
    match name {
        "encode" => text.contains("TextEncoder"),
        "from" => text.ends_with("Buffer.from"),
        "createSecretKey" | "createPrivateKey" => true,
        _ => false,
    }
}

fn is_public_key(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.starts_with("-----BEGIN PUBLIC KEY")
        || trimmed.starts_with("-----BEGIN RSA PUBLIC KEY")
        || trimmed.starts_with("-----BEGIN CERTIFICATE")
        || trimmed.starts_with("ssh-")
}

fn report_js(
    file: &JsFile<'_>,
    call: &JwtCall<'_>,
    literal: &LiteralKey<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let line = file.line_of(call.node);
    let mut message = if literal.is_fallback {
        format!(
            "hardcoded JWT secret used as the fallback when the environment variable is unset, by {} (line {line})",
            call.callee
        )
    } else {
        format!("hardcoded JWT secret used by {} (line {line})", call.callee)
    };
    message.push_str(&weakness(&literal.text));
    let range = literal.node.byte_range();
    let secret = inner_range(&range, file.text(literal.node));
    let fix = if literal.is_fallback {
        "remove the literal fallback and fail at start-up when the variable is missing; rotate the committed secret"
    } else {
        "load the key from the environment or a secret manager (`process.env.JWT_SECRET`), and rotate the committed secret"
    };
    out.push(Diagnostic::new(&RULE, range, message, fix).with_secret(secret));
}

/// The range of a literal without its quotes (and `b` prefix in Rust).
fn inner_range(range: &Range<usize>, written: &str) -> Range<usize> {
    let prefix = written.find(['"', '\'', '`']).map_or(0, |i| i + 1);
    let start = (range.start + prefix).min(range.end);
    let end = if range.end > start + 1 {
        range.end - 1
    } else {
        range.end
    };
    start..end.max(start)
}

/// ", and it is weak: ..." when a secret is short or a common phrase.
fn weakness(secret: &str) -> String {
    const COMMON: &[&str] = &[
        "secret",
        "changeme",
        "password",
        "keyboard cat",
        "jwt",
        "token",
        "test",
        "dev",
        "default",
        "mysecret",
        "supersecret",
        "your-256-bit-secret",
        "shhhhh",
        "example",
    ];
    let lower = secret.to_ascii_lowercase();
    let common = COMMON.iter().any(|w| lower.contains(w));
    match (secret.len() < MIN_STRONG_SECRET_BYTES, common) {
        (true, true) => "; it is also weak: shorter than 32 bytes and a guessable phrase".into(),
        (true, false) => "; it is also weak: shorter than 32 bytes".into(),
        (false, true) => "; it is also weak: a guessable phrase".into(),
        (false, false) => String::new(),
    }
}

/// Rust key constructors that take secret material: crate, path tail.
const RUST_KEY_CONSTRUCTORS: &[(&str, &[&str])] = &[
    ("jsonwebtoken", &["EncodingKey", "from_secret"]),
    ("jsonwebtoken", &["DecodingKey", "from_secret"]),
    ("jsonwebtoken", &["EncodingKey", "from_base64_secret"]),
    ("jsonwebtoken", &["DecodingKey", "from_base64_secret"]),
    ("jsonwebtoken", &["EncodingKey", "from_rsa_pem"]),
    ("jsonwebtoken", &["EncodingKey", "from_ec_pem"]),
    ("jsonwebtoken", &["EncodingKey", "from_ed_pem"]),
    ("jwt_simple", &["HS256Key", "from_bytes"]),
    ("jwt_simple", &["HS384Key", "from_bytes"]),
    ("jwt_simple", &["HS512Key", "from_bytes"]),
    ("jwt_simple", &["RS256KeyPair", "from_pem"]),
    ("jwt_simple", &["RS384KeyPair", "from_pem"]),
    ("jwt_simple", &["RS512KeyPair", "from_pem"]),
    ("jwt_simple", &["PS256KeyPair", "from_pem"]),
    ("jwt_simple", &["PS384KeyPair", "from_pem"]),
    ("jwt_simple", &["PS512KeyPair", "from_pem"]),
    ("jwt_simple", &["ES256KeyPair", "from_pem"]),
    ("jwt_simple", &["ES384KeyPair", "from_pem"]),
    ("jwt_simple", &["ES256kKeyPair", "from_pem"]),
    ("jwt_simple", &["Ed25519KeyPair", "from_pem"]),
];

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let token_context = file.model.uses_crate("jwt") || file.model.uses_crate("jwt_simple");
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(path) = call.func.as_ref() else {
                continue;
            };
            let known = RUST_KEY_CONSTRUCTORS
                .iter()
                .any(|(krate, tail)| file.model.path_is(&path.path, krate, tail));
            let hmac = token_context
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "new_from_slice" || s.ident == "new_varkey");
            if !known && !hmac {
                continue;
            }
            let Some(argument) = call.args.first() else {
                continue;
            };
            let Some(literal) = rust_literal(file, body, argument, 0) else {
                continue;
            };
            let name: Vec<String> = path
                .path
                .segments
                .iter()
                .rev()
                .take(2)
                .map(|s| s.ident.to_string())
                .collect();
            let callee = format!("`{}::{}`", name.get(1).map_or("", String::as_str), name[0]);
            let line = file.line_of(*call);
            let mut message = if literal.is_fallback {
                format!(
                    "hardcoded JWT secret used as the fallback when the environment variable is unset, by {callee} (line {line})"
                )
            } else {
                format!("hardcoded JWT secret used by {callee} (line {line})")
            };
            if !literal.text.starts_with("-----BEGIN") {
                message.push_str(&weakness(&literal.text));
            }
            let written = file.source.text.get(literal.range.clone()).unwrap_or("");
            let secret = inner_range(&literal.range, written);
            out.push(
                Diagnostic::new(
                    &RULE,
                    literal.range,
                    message,
                    "read the key at start-up (`std::env::var(\"JWT_SECRET\")?` or a secret manager) and fail when it is missing; rotate the committed secret",
                )
                .with_secret(secret),
            );
        }
    }
}

struct RustLiteral {
    text: String,
    range: Range<usize>,
    is_fallback: bool,
}

/// The string or byte-string literal behind a key argument: through `&`,
/// `.as_bytes()`, `.as_ref()`, `String::from`, `let` bindings, `const` and
/// `static` items, and the fallback of `env::var(..).unwrap_or(..)`.
fn rust_literal(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Option<RustLiteral> {
    if depth > 12 {
        return None;
    }
    let next = |e: &Expr| rust_literal(file, body, e, depth + 1);
    match expression {
        Expr::Lit(lit) => {
            let text = match &lit.lit {
                syn::Lit::Str(s) => s.value(),
                syn::Lit::ByteStr(b) => String::from_utf8_lossy(&b.value()).into_owned(),
                _ => return None,
            };
            if text.is_empty() || is_public_key(&text) {
                return None;
            }
            Some(RustLiteral {
                text,
                range: file.range(lit),
                is_fallback: false,
            })
        }
        Expr::Reference(r) => next(&r.expr),
        Expr::Paren(p) => next(&p.expr),
        Expr::Group(g) => next(&g.expr),
        // `&*SECRET` for a `LazyLock<String>`
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => next(&u.expr),
        // The value of `LazyLock::new(|| ..)`, or of a block: its tail.
        Expr::Closure(closure) => next(&closure.body),
        Expr::Block(block) => match block.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => next(tail),
            _ => None,
        },
        Expr::MethodCall(call) => {
            let method = call.method.to_string();
            match method.as_str() {
                "as_bytes" | "as_ref" | "to_string" | "to_owned" | "into" | "as_str" | "to_vec"
                | "clone" | "into_bytes" => next(&call.receiver),
                "unwrap_or" | "unwrap_or_else" if reads_environment(&call.receiver) => {
                    let fallback = call.args.first()?;
                    next(fallback).map(|l| RustLiteral {
                        is_fallback: true,
                        ..l
                    })
                }
                _ => None,
            }
        }
        Expr::Call(call) => {
            let Expr::Path(path) = call.func.as_ref() else {
                return None;
            };
            let last = path.path.segments.last()?.ident.to_string();
            if matches!(last.as_str(), "from" | "new") && call.args.len() == 1 {
                next(&call.args[0])
            } else {
                None
            }
        }
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            body.init_of(&name)
                .or_else(|| file.model.const_value(&name))
                .and_then(next)
        }
        _ => None,
    }
}

/// `env::var("X")`, `std::env::var("X")`, `dotenvy::var("X")`, possibly
/// followed by `.ok()` or similar adapters.
fn reads_environment(expression: &Expr) -> bool {
    match expression {
        Expr::Call(call) => matches!(call.func.as_ref(), Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "var")
            && p.path.segments.len() >= 2),
        Expr::MethodCall(call) => reads_environment(&call.receiver),
        Expr::Paren(p) => reads_environment(&p.expr),
        // `option_env!("X")`, read when the binary is built
        Expr::Macro(mac) => mac.mac.path.is_ident("option_env"),
        _ => false,
    }
}
