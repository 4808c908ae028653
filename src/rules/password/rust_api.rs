//! The hashing and key-derivation APIs of the Rust crates, recognised
//! through `use` resolution: which call computes a fast hash (`md5`,
//! `sha1`, `sha2`, `sha3`, `ring::digest`, `hmac`, `openssl::sha`) and of
//! what, and the integer and byte-literal values their arguments hold.

use std::ops::Range;

use syn::{Expr, GenericArgument, PathArguments};

use super::algorithm_name;
use crate::lang::rust::sensitive::macro_code;
use crate::lang::rust::{FnBody, RustFile};

/// The crates whose glob imports may bring a hash or KDF name into scope.
pub const CRATES: &[&str] = &[
    "md5",
    "sha1",
    "sha1_smol",
    "sha2",
    "sha3",
    "ring",
    "openssl",
    "blake2",
    "blake3",
    "hmac",
    "ripemd",
    "whirlpool",
    "tiny_keccak",
    "crypto",
    "hmac_sha256",
    "hmac_sha512",
    "hmac_sha1_compact",
    "bcrypt",
    "pbkdf2",
    "argon2",
    "scrypt",
    "password_hash",
];

/// Crates whose every hasher is a fast hash.
const DIGEST_CRATES: &[&str] = &[
    "md5",
    "sha1",
    "sha1_smol",
    "sha2",
    "sha3",
    "blake2",
    "blake3",
    "ripemd",
    "whirlpool",
    "tiny_keccak",
    "hmac_sha256",
    "hmac_sha512",
    "hmac_sha1_compact",
];

/// A path in code with `use` aliases resolved.
pub fn resolved(file: &RustFile<'_>, path: &syn::Path) -> Vec<String> {
    file.model.resolve(path, CRATES)
}

/// A fast hash computed in a function.
pub struct FastHash<'a> {
    pub range: Range<usize>,
    /// For messages: `MD5`, `SHA-256`, `HMAC-SHA-256`.
    pub algorithm: String,
    /// The value hashed, or the HMAC key.
    pub input: Expr,
    pub body: &'a FnBody<'a>,
}

/// Every fast hash computed in the file, also inside macro arguments.
pub fn fast_hashes<'a>(file: &'a RustFile<'a>) -> Vec<FastHash<'a>> {
    let mut found = Vec::new();
    for body in &file.model.functions {
        let in_macros = macro_code(body);
        let calls = body.calls.iter().copied().chain(in_macros.calls.iter());
        for call in calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let Some((algorithm, input)) = hash_call(file, function, call) else {
                continue;
            };
            found.push(FastHash {
                range: file.range(call),
                algorithm,
                input: input.clone(),
                body,
            });
        }
        let method_calls = body
            .method_calls
            .iter()
            .copied()
            .chain(in_macros.method_calls.iter());
        for call in method_calls {
            let method = call.method.to_string();
            if !matches!(
                method.as_str(),
                "update" | "chain_update" | "chain" | "input" | "input_str" | "digest"
            ) {
                continue;
            }
            let Some(input) = call.args.first() else {
                continue;
            };
            let Some(algorithm) = hasher(file, body, &call.receiver, 0) else {
                continue;
            };
            found.push(FastHash {
                range: file.range(call),
                algorithm,
                input: input.clone(),
                body,
            });
        }
    }
    found
}

/// `md5::compute(x)`, `Sha256::digest(x)`, `ring::digest::digest(&SHA256,
/// x)`, `Hmac::<Sha256>::new_from_slice(key)`, `openssl::sha::sha1(x)`.
fn hash_call<'a>(
    file: &RustFile<'_>,
    function: &syn::ExprPath,
    call: &'a syn::ExprCall,
) -> Option<(String, &'a Expr)> {
    let path = resolved(file, &function.path);
    let strs: Vec<&str> = path.iter().map(String::as_str).collect();
    let first = call.args.first();
    let second = call.args.get(1);
    match strs.as_slice() {
        ["md5", "compute"] => Some(("MD5".into(), first?)),
        ["ring", "digest", "digest"] => Some((ring_algorithm(call.args.first()?), second?)),
        ["ring", "hmac", "sign"] => Some(("HMAC".into(), second?)),
        ["openssl", "sha", name] => Some((algorithm_name(name), first?)),
        ["openssl", "hash", "hash"] => Some((openssl_digest(first?), second?)),
        ["blake3", "hash"] => Some(("BLAKE3".into(), first?)),
        [krate, .., ty, method] if DIGEST_CRATES.contains(krate) || *krate == "hmac" => {
            let segment = function.path.segments.iter().rev().nth(1);
            let name = type_algorithm(ty, segment);
            match *method {
                "digest" | "new_with_prefix" | "hash" | "from" | "mac" => Some((name, first?)),
                "new_from_slice" | "new_varkey" | "new" if name.starts_with("HMAC") => {
                    Some((name, first?))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether an expression is a hasher (`Sha256::new()`, a `let` of one, a
/// `chain_update` on one, `ring::digest::Context::new(&SHA256)`), and its
/// algorithm.
fn hasher(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match expression {
        Expr::Call(call) => {
            let Expr::Path(function) = call.func.as_ref() else {
                return None;
            };
            let path = resolved(file, &function.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            match strs.as_slice() {
                ["ring", "digest", "Context", "new"] => Some(ring_algorithm(call.args.first()?)),
                ["ring", "hmac", "Context", "with_key"] => Some("HMAC".into()),
                ["openssl", "sha", ty, "new"] => Some(algorithm_name(ty)),
                ["openssl", "hash", "Hasher", "new"] => Some(openssl_digest(call.args.first()?)),
                ["crypto", module, ty, "new"]
                    if matches!(
                        *module,
                        "md5"
                            | "sha1"
                            | "sha2"
                            | "sha3"
                            | "ripemd160"
                            | "whirlpool"
                            | "blake2b"
                            | "blake2s"
                    ) =>
                {
                    Some(algorithm_name(ty))
                }
                [
                    krate,
                    ..,
                    ty,
                    "new" | "default" | "new_from_slice" | "new_varkey",
                ] if DIGEST_CRATES.contains(krate) || *krate == "hmac" => {
                    let segment = function.path.segments.iter().rev().nth(1);
                    Some(type_algorithm(ty, segment))
                }
                _ => None,
            }
        }
        Expr::MethodCall(call)
            if matches!(
                call.method.to_string().as_str(),
                "chain_update" | "chain" | "unwrap" | "expect" | "clone"
            ) =>
        {
            hasher(file, body, &call.receiver, depth + 1)
        }
        Expr::Try(inner) => hasher(file, body, &inner.expr, depth + 1),
        Expr::Paren(inner) => hasher(file, body, &inner.expr, depth + 1),
        Expr::Reference(inner) => hasher(file, body, &inner.expr, depth + 1),
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            hasher(file, body, body.init_of(&name)?, depth + 1)
        }
        _ => None,
    }
}

/// `Sha256` → `SHA-256`; `Hmac<Sha1>` → `HMAC-SHA-1`.
fn type_algorithm(ty: &str, segment: Option<&syn::PathSegment>) -> String {
    if ty == "Hmac" || ty == "SimpleHmac" {
        let inner = segment.and_then(|s| match &s.arguments {
            PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                GenericArgument::Type(syn::Type::Path(p)) => {
                    p.path.segments.last().map(|s| s.ident.to_string())
                }
                _ => None,
            }),
            _ => None,
        });
        return match inner {
            Some(inner) => format!("HMAC-{}", algorithm_name(&inner)),
            None => "HMAC".to_string(),
        };
    }
    algorithm_name(ty)
}

/// `&digest::SHA256` → `SHA-256`.
fn ring_algorithm(expression: &Expr) -> String {
    let mut expression = expression;
    while let Expr::Reference(inner) = expression {
        expression = &inner.expr;
    }
    match expression {
        Expr::Path(path) => path.path.segments.last().map_or_else(
            || "`ring::digest`".into(),
            |s| algorithm_name(&s.ident.to_string()),
        ),
        _ => "`ring::digest`".into(),
    }
}

/// `MessageDigest::md5()` → `MD5`.
fn openssl_digest(expression: &Expr) -> String {
    if let Expr::Call(call) = expression
        && let Expr::Path(path) = call.func.as_ref()
        && let Some(last) = path.path.segments.last()
    {
        return algorithm_name(&last.ident.to_string());
    }
    "`openssl::hash`".into()
}

/// An integer an expression holds: a literal, arithmetic on literals
/// (`1 << 17`, `64 * 1024`), a `let` or same-file `const`, `2u32.pow(17)`,
/// or a `NonZeroU32::new(..)` of one. With the constant's name when it came
/// from one, for messages.
pub fn int_value(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
) -> Option<(u64, Option<String>)> {
    let origin = match expression {
        Expr::Path(path) => path.path.get_ident().map(|i| format!("`{i}`")),
        _ => None,
    };
    int_at(file, body, expression, 0).map(|value| (value, origin))
}

fn int_at(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr, depth: usize) -> Option<u64> {
    if depth > 8 {
        return None;
    }
    let next = |e: &Expr| int_at(file, body, e, depth + 1);
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Group(inner) => next(&inner.expr),
        Expr::Cast(cast) => next(&cast.expr),
        Expr::Reference(inner) => next(&inner.expr),
        Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            syn::Stmt::Expr(inner, None) => next(inner),
            _ => None,
        },
        Expr::Binary(binary) => {
            let (left, right) = (next(&binary.left)?, next(&binary.right)?);
            match binary.op {
                syn::BinOp::Mul(_) => left.checked_mul(right),
                syn::BinOp::Add(_) => left.checked_add(right),
                syn::BinOp::Shl(_) => u32::try_from(right).ok().and_then(|r| left.checked_shl(r)),
                _ => None,
            }
        }
        Expr::Path(path) => {
            let segments = &path.path.segments;
            let name = segments.last()?.ident.to_string();
            if segments.len() == 1
                && let Some(init) = body.init_of(&name)
            {
                return next(init);
            }
            if let Some(value) = file.model.const_value(&name) {
                return next(value);
            }
            // `NonZeroU32::MIN`
            (name == "MIN").then_some(1)
        }
        Expr::Call(call) => {
            let Expr::Path(function) = call.func.as_ref() else {
                return None;
            };
            let last = function.path.segments.last()?.ident.to_string();
            let is_nonzero = function
                .path
                .segments
                .iter()
                .any(|s| s.ident.to_string().starts_with("NonZero"));
            match last.as_str() {
                "new" | "new_unchecked" if is_nonzero => next(call.args.first()?),
                "Some" => next(call.args.first()?),
                _ => None,
            }
        }
        Expr::MethodCall(call) => match call.method.to_string().as_str() {
            "unwrap" | "expect" | "get" | "into" => next(&call.receiver),
            "pow" => {
                let base = next(&call.receiver)?;
                let exponent = u32::try_from(next(call.args.first()?)?).ok()?;
                base.checked_pow(exponent)
            }
            _ => None,
        },
        Expr::Unsafe(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            syn::Stmt::Expr(inner, None) => next(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Where a literal byte or string value is written, when an expression is
/// one: `b"salt"`, `"salt".as_bytes()`, `&[0u8; 16]`, a `let` or `const` of
/// one, `SaltString::from_b64("..")`.
pub fn literal_bytes(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
) -> Option<Range<usize>> {
    literal_at(file, body, expression, 0)
}

fn literal_at(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Option<Range<usize>> {
    if depth > 8 {
        return None;
    }
    let next = |e: &Expr| literal_at(file, body, e, depth + 1);
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(_) | syn::Lit::ByteStr(_) => Some(file.range(lit)),
            _ => None,
        },
        Expr::Array(array)
            if !array.elems.is_empty()
                && array
                    .elems
                    .iter()
                    .all(|e| matches!(e, Expr::Lit(l) if matches!(l.lit, syn::Lit::Int(_)))) =>
        {
            Some(file.range(array))
        }
        Expr::Repeat(repeat) if matches!(repeat.expr.as_ref(), Expr::Lit(_)) => {
            Some(file.range(repeat))
        }
        Expr::Reference(inner) => next(&inner.expr),
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Group(inner) => next(&inner.expr),
        Expr::Try(inner) => next(&inner.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr),
        Expr::MethodCall(call) => match call.method.to_string().as_str() {
            "as_bytes" | "as_ref" | "to_vec" | "unwrap" | "expect" | "as_salt" | "into"
            | "as_str" | "to_owned" | "to_string" => next(&call.receiver),
            _ => None,
        },
        Expr::Call(call) => {
            let Expr::Path(function) = call.func.as_ref() else {
                return None;
            };
            let last = function.path.segments.last()?.ident.to_string();
            match last.as_str() {
                "from_b64" | "encode_b64" | "new" | "from" | "from_str" | "Some" => {
                    next(call.args.first()?)
                }
                _ => None,
            }
        }
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            if let Some(init) = body.init_of(&name) {
                return next(init);
            }
            file.model.const_value(&name).and_then(next)
        }
        _ => None,
    }
}
