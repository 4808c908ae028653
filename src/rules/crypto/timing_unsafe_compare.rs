//! `crypto/timing-unsafe-compare`: a secret compared with an operator that
//! stops at the first differing byte.

use syn::Expr;

use super::{
    COMPARE_TRIGGERS, is_field_by_field_js, is_field_by_field_rust, is_trivial_js, is_trivial_rust,
};
use crate::finding::{Diagnostic, Severity};
use tree_sitter::Node;

use crate::lang::js::{FUNCTION_KINDS, FieldAccess, JsFile, Sensitive, equality_sides};
use crate::lang::rust::sensitive::{Sensitive as RustSensitive, macro_code, sensitive};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{
    Kind, RequestPart, contains_ignoring_case, is_bare, mentions_authentication, names_verification,
};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "crypto/timing-unsafe-compare",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Token, signature or API key compared with `==` instead of in constant time",
    docs: DOCS,
    cwe: &[208],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["6.2.4"],
    triggers: COMPARE_TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: a compared value is a token, secret, signature or
/// password hash by a name in the file, or an HMAC digest.
fn may_report(input: &GateInput<'_>) -> bool {
    let text = input.text;
    contains_ignoring_case(text, "hmac")
        || input.names(|kind| {
            matches!(
                kind,
                Kind::Token | Kind::Secret | Kind::Signature | Kind::PasswordHash
            )
        })
}

const DOCS: &str = r"
## What it does
Flags `===`, `==`, `!==` and `!=` (Rust `==` and `!=`) between a secret and
another value: a token, an API key or shared secret, a signature or HMAC,
or a password hash, known by its name (`apiKey`, `x-api-key`,
`expectedSignature`, `resetToken`, `passwordHash`) or by where it came from
(a request header such as `x-hub-signature-256`, an HMAC computed with
`createHmac(..).digest()`).

A comparison counts as a check of a secret when one side comes from the
request, when one side is an HMAC computed in the function, or when a
function named for checking (`verify*`, `validate*`, `check*`,
`authenticate`, `*Guard`, `*webhook*`) compares the secret with a second
secret or, for keys and signatures, with any value. Two stored tokens
compared by a client library to refresh a cache, and `equals` methods that
compare the same field of two records, are not reported. A bare `token` is
considered only in files about authentication, and a signature only in
files that compute MACs. Comparisons with literals, `null`, `undefined`,
lengths and `typeof` are presence checks and are not reported. Passwords
compared in clear are reported by `password/plaintext`, and one-time codes
by `mfa/weak-otp`.

## Why is this bad
String and buffer equality returns as soon as a byte differs, so the time a
comparison takes tells how long a prefix of the guess was right. Over many
requests an attacker can recover a valid signature or API key byte by byte.

## Example
```js
const expected = crypto.createHmac('sha256', secret).update(body).digest('hex');
if (req.get('x-signature') !== expected) return res.sendStatus(401);
```
```rust
if mac.finalize().into_bytes().as_slice() == signature { .. }
```

## Use instead
```js
const a = Buffer.from(req.get('x-signature') ?? '', 'hex');
const b = Buffer.from(expected, 'hex');
if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return res.sendStatus(401);
```
```rust
use subtle::ConstantTimeEq;
if expected.ct_eq(signature).into() { .. }   // or mac.verify_slice(signature)
```

## Known problems
A secret held in a variable with a neutral name, that did not come from
the request inside the function, is not recognised. Comparing two hashes of
the secrets (for example SHA-256 of both sides) removes the leak, but is
reported when the hashes keep a secret-like name. Whether a comparison is a
check is guessed from the function's name; a check in a function named
otherwise, comparing two stored values, is missed, and a configuration
check in a `validate*` function that compares two keys is reported.

## References
- CWE-208: Observable Timing Discrepancy
- Node.js documentation, `crypto.timingSafeEqual`
- PCI DSS v4.0.1 requirement 6.2.4
";

/// The kinds this rule reports; passwords and one-time codes have their
/// own rules.
fn is_compared_secret(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Token | Kind::Secret | Kind::Signature | Kind::PasswordHash
    )
}

/// What the decision knows about the file and function around a
/// comparison.
#[derive(Clone, Copy)]
struct Context {
    /// The file computes MACs or imports a crypto library.
    computes_macs: bool,
    /// The file is about authentication at all.
    about_authentication: bool,
    /// The enclosing function's name says it verifies something.
    verifying: bool,
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let text = &file.source.text;
    let computes_macs = file.model.uses_module("crypto")
        || file.model.uses_module("node:crypto")
        || text.to_ascii_lowercase().contains("hmac");
    let about_authentication = mentions_authentication(text);
    for binary in file.binary_expressions() {
        let Some((left, right)) = equality_sides(binary) else {
            continue;
        };
        if is_trivial_js(file, left) || is_trivial_js(file, right) {
            continue;
        }
        let (a, b) = (file.model.sensitive(left), file.model.sensitive(right));
        if a.is_none() && b.is_none() {
            continue;
        }
        let from_request = |s: &Option<Sensitive<'_>>| {
            s.as_ref()
                .is_some_and(|s| s.source.is_some_and(|p| p != RequestPart::Whole))
        };
        if is_field_by_field_js(file, left, right) && !from_request(&a) && !from_request(&b) {
            continue;
        }
        let context = Context {
            computes_macs,
            about_authentication,
            verifying: js_function_name(file, binary).is_some_and(|n| names_verification(&n)),
        };
        let Some(secret) = decide(a.as_ref().map(js_facts), b.as_ref().map(js_facts), context)
        else {
            continue;
        };
        let value = if secret { a } else { b };
        let Some(value) = value else { continue };
        out.push(Diagnostic::new(
            &RULE,
            binary.byte_range(),
            format!(
                "`{}` ({}) is compared with `{}`, which stops at the first differing byte",
                file.text(value.node),
                describe_kind(value.kind),
                file.text(binary.field("operator").unwrap_or(binary))
            ),
            "compare with `crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b))` after checking that the lengths match",
        ));
    }
}

/// The name of the nearest named function around a node.
fn js_function_name(file: &JsFile<'_>, node: Node<'_>) -> Option<String> {
    let mut current = node.parent();
    while let Some(candidate) = current {
        if FUNCTION_KINDS.contains(&candidate.kind()) {
            if let Some(name) = candidate.field("name") {
                return Some(file.text(name).to_string());
            }
            if let Some(parent) = candidate.parent()
                && matches!(
                    parent.kind(),
                    "variable_declarator" | "pair" | "assignment_expression"
                )
                && let Some(name) = parent
                    .field("name")
                    .or_else(|| parent.field("key"))
                    .or_else(|| parent.field("left"))
            {
                return Some(file.text(name).to_string());
            }
        }
        current = candidate.parent();
    }
    None
}

fn describe_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Token => "a token",
        Kind::Secret => "a secret or API key",
        Kind::Signature => "a signature",
        Kind::PasswordHash => "a password hash",
        _ => "a secret",
    }
}

/// What the decision needs to know about one side.
#[derive(Clone, Copy)]
struct Facts {
    kind: Kind,
    from_request: bool,
    /// A bare `token`, which says less than `resetToken`.
    bare: bool,
    /// A MAC computed in the function (`createHmac(..).digest()`).
    computed_mac: bool,
}

fn js_facts(value: &Sensitive<'_>) -> Facts {
    Facts {
        kind: value.kind,
        from_request: value.source.is_some_and(|p| p != RequestPart::Whole),
        bare: is_bare(&value.name),
        computed_mac: value.name == "HMAC",
    }
}

fn rust_facts(value: &RustSensitive) -> Facts {
    Facts {
        kind: value.kind,
        from_request: value.source.is_some_and(|p| p != RequestPart::Whole),
        bare: is_bare(&value.name),
        computed_mac: false,
    }
}

/// Whether to report, and which side is the secret (`true`: the left).
/// A comparison is a check of a secret when one side comes from the
/// request, or when a verifying function compares it with a second
/// secret (or, for keys and signatures, with any computed value). Two
/// stored tokens compared by a client library to refresh a cache are not.
fn decide(a: Option<Facts>, b: Option<Facts>, context: Context) -> Option<bool> {
    let reportable = |this: Option<Facts>, other: Option<Facts>| {
        let this = this?;
        if !is_compared_secret(this.kind) {
            return None;
        }
        // One-time codes and passwords on the other side belong to
        // `mfa/weak-otp` and `password/plaintext`.
        if other.is_some_and(|o| matches!(o.kind, Kind::Otp | Kind::Password)) {
            return None;
        }
        if this.bare && this.kind == Kind::Token && !context.about_authentication {
            return None;
        }
        if this.kind == Kind::Signature && !context.computes_macs {
            return None;
        }
        let from_request = this.from_request || other.is_some_and(|o| o.from_request);
        let second_secret = other.is_some_and(|o| is_compared_secret(o.kind));
        let computed = other.is_some_and(|o| o.computed_mac) || this.computed_mac;
        let keyed = matches!(this.kind, Kind::Secret | Kind::Signature);
        let allowed = from_request || computed || (context.verifying && (second_secret || keyed));
        allowed.then_some(())
    };
    if reportable(a, b).is_some() {
        Some(true)
    } else if reportable(b, a).is_some() {
        Some(false)
    } else {
        None
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let text = &file.source.text;
    let computes_macs = ["hmac", "Hmac", "ring::", "subtle", "sha2", "openssl"]
        .iter()
        .any(|word| text.contains(word));
    let about_authentication = mentions_authentication(text);
    for body in &file.model.functions {
        let context = Context {
            computes_macs,
            about_authentication,
            verifying: names_verification(&body.name),
        };
        let in_macros = macro_code(body);
        let comparisons = body
            .comparisons
            .iter()
            .copied()
            .chain(in_macros.comparisons.iter());
        for binary in comparisons {
            check_rust_pair(file, body, binary, context, out);
        }
    }
}

fn check_rust_pair(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    binary: &syn::ExprBinary,
    context: Context,
    out: &mut Vec<Diagnostic>,
) {
    let (left, right): (&Expr, &Expr) = (&binary.left, &binary.right);
    if is_trivial_rust(left) || is_trivial_rust(right) {
        return;
    }
    let (a, b) = (sensitive(file, body, left), sensitive(file, body, right));
    if a.is_none() && b.is_none() {
        return;
    }
    let from_request = |s: &Option<RustSensitive>| {
        s.as_ref()
            .is_some_and(|s| s.source.is_some_and(|p| p != RequestPart::Whole))
    };
    if is_field_by_field_rust(left, right) && !from_request(&a) && !from_request(&b) {
        return;
    }
    let Some(secret) = decide(
        a.as_ref().map(rust_facts),
        b.as_ref().map(rust_facts),
        context,
    ) else {
        return;
    };
    let (value, expression) = if secret { (a, left) } else { (b, right) };
    let Some(value) = value else { return };
    let written = file
        .source
        .text
        .get(file.range(expression))
        .unwrap_or(&value.name);
    out.push(Diagnostic::new(
        &RULE,
        file.range(binary),
        format!(
            "`{written}` ({}) is compared with `{}`, which stops at the first differing byte",
            describe_kind(value.kind),
            if matches!(binary.op, syn::BinOp::Eq(_)) { "==" } else { "!=" }
        ),
        "compare with `subtle::ConstantTimeEq` (`a.ct_eq(b).into()`) or `constant_time_eq`, or verify a MAC with `Mac::verify_slice`",
    ));
}
