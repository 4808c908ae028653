//! Code review samples of password storage done right: a password hashed
//! with Argon2id, or with bcrypt at cost 10 or more, and checked with the
//! library's own verify function. Only settings the file spells out (or
//! the library defaults, when nothing overrides them) count; a cost read at
//! run time is not evidence of anything.

use syn::Expr;

use super::js_api::{canonical, number, property_node};
use super::rust_api::{int_value, resolved};
use super::thresholds::{BCRYPT_MIN_COST, argon2_is_strong};
use super::{Kdf, kdf_calls};
use crate::lang::js::{JsFile, Property};
use crate::lang::rust::sensitive::sensitive;
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::Kind;
use crate::rules::samples::{Detector, Surface, Survey, Surveyor};

pub static SLOW_HASH: Detector = Detector {
    id: "password/slow-hash",
    title: "Passwords hashed with Argon2id or bcrypt at cost 10 or more",
    controls: &["API2:2023", "CC6.1", "8.3.2"],
};

pub const SURVEYOR: Surveyor = Surveyor {
    js: Some(survey_js),
    rust: Some(survey_rust),
    ..Surveyor::NONE
};

const BCRYPT_MODULES: &[&str] = &["bcrypt", "bcryptjs", "@node-rs/bcrypt", "bcrypt-ts"];
const ARGON2_MODULES: &[&str] = &["argon2", "@node-rs/argon2"];

fn survey_js(file: &JsFile<'_>, survey: &mut Survey) {
    let calls = kdf_calls(file);
    let verifies = file.model.calls.iter().any(|&call| {
        file.model.callee_path(call).is_some_and(|path| {
            let (module, members) = canonical(&path);
            (BCRYPT_MODULES.contains(&module)
                && matches!(members.as_slice(), ["compare" | "compareSync"]))
                || (ARGON2_MODULES.contains(&module) && matches!(members.as_slice(), ["verify"]))
        })
    });
    if !calls.is_empty() || verifies {
        survey.saw(Surface::PasswordHashing);
    }
    for call in calls {
        let hashes_password = call
            .arguments
            .first()
            .and_then(|input| file.model.sensitive(*input))
            .is_some_and(|s| s.kind == Kind::Password);
        if !hashes_password {
            continue;
        }
        let note = match call.kdf {
            Kdf::BcryptHash => call
                .arguments
                .get(1)
                .and_then(|cost| number(file, *cost))
                .filter(|(cost, _)| *cost >= BCRYPT_MIN_COST)
                .map(|(cost, _)| {
                    format!(
                        "{} hashes the password with bcrypt at cost {cost}",
                        call.callee
                    )
                }),
            Kdf::Argon2 if call.callee.contains("hash") && !call.callee.contains("Raw") => {
                argon2_js(file, &call.module, call.arguments.get(1).copied())
                    .map(|how| format!("{} hashes the password with Argon2id ({how})", call.callee))
            }
            _ => None,
        };
        if let Some(note) = note {
            survey.exhibit(&SLOW_HASH, call.node.byte_range(), note);
        }
    }
}

/// Whether an `argon2` / `@node-rs/argon2` hash call runs Argon2id at a
/// sufficient cost, and how the file says so.
fn argon2_js<'t>(
    file: &JsFile<'t>,
    module: &str,
    options: Option<tree_sitter::Node<'t>>,
) -> Option<&'static str> {
    // Both libraries default to Argon2id: `argon2` with 64 MiB × 3,
    // `@node-rs/argon2` with 19 MiB × 2.
    let (mut memory, mut time) = if module == "argon2" {
        (65_536, 3)
    } else {
        (19_456, 2)
    };
    let Some(options) = options else {
        return Some("the library defaults");
    };
    let object = file.model.object(options)?;
    for key in ["type", "algorithm"] {
        match file.model.property(object, key) {
            Property::Missing => {}
            Property::Set(value) => {
                let path = file.model.module_path(value)?;
                if path.last_member() != Some("argon2id") && path.last_member() != Some("Argon2id")
                {
                    return None;
                }
            }
            Property::Unknown => return None,
        }
    }
    for (key, slot) in [("memoryCost", &mut memory), ("timeCost", &mut time)] {
        match file.model.property(object, key) {
            Property::Missing => {}
            Property::Set(_) => *slot = number(file, property_node(file, object, key)?)?.0,
            Property::Unknown => return None,
        }
    }
    argon2_is_strong(memory, time).then_some("its memory and time cost meet the OWASP minimum")
}

fn survey_rust(file: &RustFile<'_>, survey: &mut Survey) {
    for body in &file.model.functions {
        let mentions_kdf = body.calls.iter().any(|call| {
            matches!(call.func.as_ref(), Expr::Path(p)
                if resolved(file, &p.path).first().is_some_and(|c| matches!(c.as_str(), "argon2" | "bcrypt" | "scrypt" | "pbkdf2")))
        });
        if mentions_kdf {
            survey.saw(Surface::PasswordHashing);
        }
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = resolved(file, &function.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            if !matches!(strs.as_slice(), ["bcrypt", "hash" | "hash_with_result"]) {
                continue;
            }
            let is_password = call
                .args
                .first()
                .and_then(|input| sensitive(file, body, input))
                .is_some_and(|s| s.kind == Kind::Password);
            let cost = call
                .args
                .iter()
                .nth(1)
                .and_then(|c| bcrypt_cost(file, body, c));
            if let (true, Some(cost)) = (is_password, cost)
                && cost >= BCRYPT_MIN_COST
            {
                survey.exhibit(
                    &SLOW_HASH,
                    file.range(*call),
                    format!("`bcrypt::{}` hashes the password at cost {cost}", strs[1]),
                );
            }
        }
        for call in &body.method_calls {
            let method = call.method.to_string();
            if !matches!(method.as_str(), "hash_password" | "verify_password") {
                continue;
            }
            if !is_argon2id(file, body, &call.receiver, 0) {
                continue;
            }
            let note = if method == "hash_password" {
                "`Argon2::hash_password` hashes the password with Argon2id and the crate's default cost (19 MiB, 2 passes)"
            } else {
                "`Argon2::verify_password` checks the password against its stored Argon2 hash"
            };
            survey.exhibit(&SLOW_HASH, file.range(*call), note);
        }
    }
}

/// `bcrypt::DEFAULT_COST` (12) or an integer the file spells out.
fn bcrypt_cost(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr) -> Option<u64> {
    if let Expr::Path(path) = expression
        && resolved(file, &path.path)
            .last()
            .is_some_and(|s| s == "DEFAULT_COST")
    {
        return Some(12);
    }
    int_value(file, body, expression).map(|(cost, _)| cost)
}

/// `Argon2::default()`, `Argon2::new(Algorithm::Argon2id, ..)`, or a `let`
/// of one.
fn is_argon2id(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    match expression {
        Expr::Paren(inner) => is_argon2id(file, body, &inner.expr, depth + 1),
        Expr::Reference(inner) => is_argon2id(file, body, &inner.expr, depth + 1),
        Expr::Path(path) => path
            .path
            .get_ident()
            .and_then(|name| body.init_of(&name.to_string()))
            .is_some_and(|init| is_argon2id(file, body, init, depth + 1)),
        Expr::Call(call) => {
            let Expr::Path(function) = call.func.as_ref() else {
                return false;
            };
            let path = resolved(file, &function.path);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            match strs.as_slice() {
                ["argon2", "Argon2", "default"] => true,
                // Custom parameters are judged by `password/low-work-factor`
                // where they are built; here only the defaults are known.
                ["argon2", "Argon2", "new"] => {
                    let last = |e: &Expr, name: &str| matches!(e, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name));
                    let default_params = |e: &Expr| match e {
                        Expr::Path(_) => last(e, "DEFAULT"),
                        Expr::Call(c) => last(&c.func, "default"),
                        _ => false,
                    };
                    matches!(call.args.iter().collect::<Vec<_>>().as_slice(),
                        [algorithm, _, params] if last(algorithm, "Argon2id") && default_params(params))
                }
                _ => false,
            }
        }
        _ => false,
    }
}
