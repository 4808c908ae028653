//! `crypto/insecure-randomness`: a token, code, salt or key made with a
//! random number generator that is not cryptographically secure.

use std::ops::Range;

use syn::visit::Visit;
use syn::{Expr, Pat};
use tree_sitter::Node;

use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FUNCTION_KINDS, FieldAccess, JsFile, string_literal};
use crate::lang::rust::sensitive::{MacroValue, macro_values};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{Kind, classify_name, classify_producer};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "crypto/insecure-randomness",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Token, code, salt or key made with a non-cryptographic random generator",
    docs: DOCS,
    cwe: &[338, 330],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["6.2.4"],
    triggers: &[
        "math.random",
        "pseudoRandomBytes",
        "uuid",
        "fastrand",
        "smallrng",
        "oorandom",
        "steprng",
        "seed_from_u64",
        "rand_pcg",
        "rand_xorshift",
        "nanorand",
        "wyrand",
    ],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags values made with a non-cryptographic random generator when what they
are made for is a secret: `Math.random()`, `uuid` v1 (`v1()`, a time and
MAC address) and `crypto.pseudoRandomBytes` in JavaScript; `fastrand`,
`SmallRng`, `oorandom`, `nanorand`'s `WyRand`, `rand_pcg`, `rand_xorshift`,
`rand::rngs::mock::StepRng` and any RNG seeded with `seed_from_u64` in Rust.

What the value is for comes from the name it is given: the variable,
property or field it is assigned to (`resetToken`, `otp`, `verificationCode`,
`salt`, `nonce`, `apiKey`, `sessionId`, `password`), or the function that
returns it (`generateToken()`, `createOtp()`, `random_password()`). Random
numbers for jitter, sampling, colours, animation or test data are not
reported.

## Why is this bad
`Math.random()` and the fast Rust generators are predictable: a few
outputs reveal the generator's state, and from it every past and future
value. A reset token or one-time code made with them can be computed by an
attacker who has requested a few of their own.

## Example
```js
const resetToken = Math.random().toString(36).slice(2);
```
```rust
let code = fastrand::u32(100_000..1_000_000);
```

## Use instead
```js
const resetToken = crypto.randomBytes(32).toString('hex');
const otp = crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');
```
```rust
use rand::{rngs::OsRng, Rng};
let code = OsRng.gen_range(0..1_000_000);
```

## Known problems
The name decides: a development server's `sessionId` for hot reloading is
reported like a login session's. A value built by a helper with a neutral name (`randomString(32)`) and only
named as a token by its caller is not followed into the helper. `uuid` v4
and `crypto.randomUUID()` are secure and never reported.

## References
- CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator
- OWASP Cheat Sheet: Secure random number generation
- PCI DSS v4.0.1 requirement 6.2.4
";

/// Names that hold a value under construction and say nothing about it;
/// the function's name decides then.
const GENERIC_NAMES: &[&str] = &[
    "result", "res", "out", "output", "str", "s", "text", "string", "value", "val", "ret", "r",
    "chars", "buf", "buffer", "code", "digits", "n", "num", "number", "random", "rand", "id",
];

fn is_secret(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Token | Kind::Secret | Kind::Otp | Kind::Password | Kind::Nonce
    )
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for &call in &file.model.calls {
        let Some(source) = weak_source(file, call) else {
            continue;
        };
        let Some((name, kind)) = purpose(file, call) else {
            continue;
        };
        out.push(Diagnostic::new(
            &RULE,
            call.byte_range(),
            format!(
                "{source} makes `{name}`, {}: its output can be predicted",
                article(kind)
            ),
            "use `crypto.randomBytes(32).toString('hex')`, `crypto.randomUUID()` or, for numeric codes, `crypto.randomInt(0, 1_000_000)`",
        ));
    }
}

fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Token => "a token",
        Kind::Secret => "a secret",
        Kind::Otp => "a one-time code",
        Kind::Password => "a password",
        Kind::Nonce => "a salt or nonce",
        _ => "a secret",
    }
}

/// `Math.random()`, `uuid.v1()` or `crypto.pseudoRandomBytes(..)`, for
/// messages.
fn weak_source(file: &JsFile<'_>, call: Node<'_>) -> Option<&'static str> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.field("function")?;
    if file.text(function) == "Math.random" {
        return Some("`Math.random()`");
    }
    let path = file.model.callee_path(call)?;
    let module = path.module.strip_prefix("node:").unwrap_or(&path.module);
    let members = path.members_without_default();
    match (module, members.as_slice()) {
        ("uuid", ["v1" | "v1ToV6"]) | ("uuid/v1", []) => Some("`uuid` v1"),
        ("crypto", ["pseudoRandomBytes"]) => Some("`crypto.pseudoRandomBytes`"),
        _ => None,
    }
}

/// The name the random value is given, when it names a secret: the
/// variable, property or assignment target around the call, or the
/// enclosing function when that name is generic or absent.
fn purpose(file: &JsFile<'_>, call: Node<'_>) -> Option<(String, Kind)> {
    let mut node = call;
    let mut innermost: Option<String> = None;
    while let Some(parent) = node.parent() {
        let name = match parent.kind() {
            "variable_declarator" => parent.field("name").map(|n| file.text(n).to_string()),
            "assignment_expression" | "augmented_assignment_expression" => {
                parent.field("left").map(|n| last_name(file.text(n)))
            }
            "pair" => parent.field("key").map(|k| string_literal(file.text(k))),
            "public_field_definition" => parent.field("name").map(|n| file.text(n).to_string()),
            kind if FUNCTION_KINDS.contains(&kind) => {
                let name = function_name(file, parent)?;
                let generic = innermost
                    .as_deref()
                    .is_none_or(|n| GENERIC_NAMES.contains(&n.to_ascii_lowercase().as_str()));
                if !generic {
                    return None;
                }
                let kind = classify_producer(&name).or_else(|| classify_name(&name))?;
                return is_secret(kind).then_some((format!("{name}()"), kind));
            }
            // An argument of another call (`setTimeout(.., Math.random())`,
            // `shuffle(items, Math.random)`) is used, not named.
            "arguments" if innermost.is_none() => {
                let callee = parent.parent().and_then(|c| c.field("function"));
                let transparent = callee.is_some_and(|f| {
                    let text = file.text(f);
                    text.starts_with("Math.")
                        || text == "String"
                        || text == "Number"
                        || text.rsplit('.').next() == Some("from")
                });
                if !transparent {
                    return None;
                }
                None
            }
            _ => None,
        };
        if let Some(name) = name
            && innermost.is_none()
        {
            if let Some(kind) = classify_name(&name).filter(|k| is_secret(*k)) {
                return Some((name, kind));
            }
            innermost = Some(name);
        }
        node = parent;
    }
    None
}

fn last_name(target: &str) -> String {
    target
        .rsplit(['.', '[', ']', '\'', '"'])
        .find(|s| !s.is_empty())
        .unwrap_or(target)
        .to_string()
}

/// A function's own name, or the name it is bound to (`const f = () =>`,
/// `{ f: function () {} }`).
fn function_name(file: &JsFile<'_>, function: Node<'_>) -> Option<String> {
    if let Some(name) = function.field("name") {
        return Some(file.text(name).to_string());
    }
    let parent = function.parent()?;
    match parent.kind() {
        "variable_declarator" => parent.field("name").map(|n| file.text(n).to_string()),
        "pair" => parent.field("key").map(|k| string_literal(file.text(k))),
        "assignment_expression" => parent.field("left").map(|n| last_name(file.text(n))),
        _ => None,
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        let producer = classify_producer(&body.name)
            .or_else(|| classify_name(&body.name))
            .filter(|k| is_secret(*k));
        let weak_rngs: Vec<String> = body
            .lets
            .iter()
            .filter(|l| {
                l.init
                    .is_some_and(|init| !weak_uses(file, body, init, &[]).is_empty())
            })
            .map(|l| l.name.clone())
            .collect();
        let mut reported: Vec<Range<usize>> = Vec::new();
        let Some(kind) = producer else {
            // A secret-named `let` drawing from a weak generator.
            for (pat, init) in &body.let_patterns {
                let (Some(name), Some(init)) = (pattern_ident(pat), init) else {
                    continue;
                };
                let Some(kind) = classify_name(&name).filter(|k| is_secret(*k)) else {
                    continue;
                };
                for (range, source) in weak_uses(file, body, init, &weak_rngs) {
                    report_rust(&mut reported, range, &source, &name, kind, out);
                }
            }
            continue;
        };
        // A function named for a secret: every weak generator it makes or
        // calls, reported once where it is made (its draws are not repeated).
        let name = format!("{}()", body.name);
        for call in &body.calls {
            for (range, source) in weak_uses(file, body, &Expr::Call((*call).clone()), &[]) {
                report_rust(&mut reported, range, &source, &name, kind, out);
            }
        }
        for mac in &body.macros {
            for value in macro_values(mac) {
                if let MacroValue::Expr { expr, .. } = value {
                    for (range, source) in weak_uses(file, body, &expr, &[]) {
                        report_rust(&mut reported, range, &source, &name, kind, out);
                    }
                }
            }
        }
    }
}

fn report_rust(
    reported: &mut Vec<Range<usize>>,
    range: Range<usize>,
    source: &str,
    name: &str,
    kind: Kind,
    out: &mut Vec<Diagnostic>,
) {
    if reported
        .iter()
        .any(|r| r.start <= range.start && range.end <= r.end)
    {
        return;
    }
    reported.push(range.clone());
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!("{source} makes `{name}`, {}: its output can be predicted", article(kind)),
        "draw secrets from `rand::rngs::OsRng` (or `rand::thread_rng()`, a CSPRNG), e.g. `OsRng.gen_range(0..1_000_000)`",
    ));
}

fn pattern_ident(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.ident.to_string()),
        Pat::Type(typed) => pattern_ident(&typed.pat),
        _ => None,
    }
}

/// The uses of a weak generator inside an expression: calls into a weak
/// crate, and method calls on a generator bound to one of `weak_rngs`.
fn weak_uses(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    weak_rngs: &[String],
) -> Vec<(Range<usize>, String)> {
    struct Finder<'f, 'a> {
        file: &'f RustFile<'a>,
        weak_rngs: &'f [String],
        found: Vec<(Range<usize>, String)>,
        depth: usize,
    }
    impl<'ast> Visit<'ast> for Finder<'_, '_> {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let Expr::Path(path) = call.func.as_ref()
                && let Some(source) = weak_path(self.file, &path.path)
            {
                self.found.push((self.file.range(call), source));
                return;
            }
            syn::visit::visit_expr_call(self, call);
        }

        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if let Expr::Path(path) = call.receiver.as_ref()
                && let Some(name) = path.path.get_ident()
                && self.weak_rngs.iter().any(|w| name == w)
            {
                self.found
                    .push((self.file.range(call), format!("the generator `{name}`")));
                return;
            }
            syn::visit::visit_expr_method_call(self, call);
        }

        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if self.depth > 3 {
                return;
            }
            self.depth += 1;
            for value in macro_values(mac) {
                if let MacroValue::Expr { expr, .. } = value {
                    self.visit_expr(&expr);
                }
            }
            self.depth -= 1;
        }
    }
    let _ = body;
    let mut finder = Finder {
        file,
        weak_rngs,
        found: Vec::new(),
        depth: 0,
    };
    finder.visit_expr(expression);
    finder.found
}

/// A path into a non-cryptographic generator, described for messages.
fn weak_path(file: &RustFile<'_>, path: &syn::Path) -> Option<String> {
    let resolved = file.model.resolve(
        path,
        &[
            "fastrand",
            "oorandom",
            "nanorand",
            "rand_pcg",
            "rand_xorshift",
            "rand",
        ],
    );
    let strs: Vec<&str> = resolved.iter().map(String::as_str).collect();
    let last = *strs.last()?;
    match strs.as_slice() {
        ["fastrand", ..] => Some(format!("`fastrand::{}`", strs[1..].join("::"))),
        ["oorandom", ..] => Some("`oorandom`".into()),
        ["nanorand", ..] => Some("`nanorand`".into()),
        ["rand_pcg", ..] => Some("`rand_pcg`".into()),
        ["rand_xorshift", ..] => Some("`rand_xorshift`".into()),
        ["rand", .., "SmallRng", _] => Some("`SmallRng`".into()),
        ["rand", .., "StepRng", _] => Some("`StepRng`".into()),
        // Any generator seeded with a number is as predictable as the number.
        [.., "seed_from_u64"] => Some("a generator seeded with `seed_from_u64`".into()),
        _ if last == "seed_from_u64" => Some("a generator seeded with `seed_from_u64`".into()),
        _ => None,
    }
}
