//! `mfa/weak-otp`: one-time codes accepted over a wide window, generated
//! with too few digits, or compared in variable time.

use std::ops::Range;

use syn::Expr;
use tree_sitter::Node;

use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    Binding, FUNCTION_KINDS, FieldAccess, JsFile, Property, Value, call_arguments, equality_sides,
    string_literal, unwrap_expression,
};
use crate::lang::rust::sensitive::sensitive;
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{
    Kind, RequestPart, classify_name, classify_producer, contains_ignoring_case,
};
use crate::rules::crypto::{
    is_field_by_field_js, is_field_by_field_rust, is_trivial_js, is_trivial_rust,
};
use crate::rules::password::count;
use crate::rules::password::thresholds::{OTP_MAX_WINDOW, OTP_MIN_DIGITS};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "mfa/weak-otp",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "One-time codes with a wide window, too few digits, or a variable-time comparison",
    docs: DOCS,
    cwe: &[287, 308],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.4", "8.5.1"],
    triggers: &[
        "otp",
        "code",
        "mfa",
        "factor",
        "onetime",
        "one_time",
        "one-time",
        "speakeasy",
    ],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: an OTP library, or a value or producer named for a
/// one-time code.
fn may_report(input: &GateInput<'_>) -> bool {
    let text = input.text;
    ["otp", "speakeasy"]
        .iter()
        .any(|word| contains_ignoring_case(text, word))
        || input.names(|kind| kind == Kind::Otp)
}

const DOCS: &str = r"
## What it does
Flags three weaknesses of one-time codes (TOTP, HOTP, SMS and e-mail codes,
reset and recovery codes):

- a verification window over one time step: `window` above 1 in
  `speakeasy.totp.verify`, `otplib`'s `authenticator.options` / `totp.options`
  (a number or a `[past, future]` pair) and `otpauth`'s `validate`; `skew`
  above 1 in Rust `totp_rs::TOTP::new`;
- codes with fewer than 6 digits: the `digits` option of `speakeasy`,
  `otplib` and `otpauth`, `totp_rs::TOTP::new`, `otp-generator`'s length, and
  codes drawn as numbers (`crypto.randomInt(1000, 10000)`,
  `Math.floor(1000 + Math.random() * 9000)`, Rust `gen_range(1000..10000)`)
  into a variable or function named for a code (`otp`, `verificationCode`,
  `generateResetCode`);
- a code compared with `===`, `==`, `!==` or `!=` (Rust `==`, `!=`) against
  the stored or expected code, instead of in constant time.

## Why is this bad
Each extra step of window multiplies the number of codes accepted at once,
and a code of four digits is one of ten thousand: with a few parallel
attempts an attacker guesses a valid code long before a rate limit stops
them. A variable-time comparison leaks how much of a guess was right.

## Example
```js
speakeasy.totp.verify({ secret, encoding: 'base32', token, window: 10 });
const otp = Math.floor(1000 + Math.random() * 9000);
if (user.otp === req.body.otp) { /* .. */ }
```

## Use instead
```js
speakeasy.totp.verify({ secret, encoding: 'base32', token, window: 1 });
const otp = crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');
if (crypto.timingSafeEqual(Buffer.from(user.otp), Buffer.from(String(req.body.otp)))) { /* .. */ }
```
Make every code single-use and limit failed attempts per account.

## Known problems
Codes that are single-use or rate-limited elsewhere are still reported for
a wide window: the window multiplies what each attempt can match. Window
and digit settings read from configuration are not known. HOTP look-ahead
windows are not checked.

## References
- RFC 6238, TOTP, section 5.2 (one time step of drift)
- RFC 4226, HOTP, section 5.3 (at least six digits)
- PCI DSS v4.0.1 requirements 8.4 and 8.5.1
- CWE-287: Improper Authentication
";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for &call in &file.model.calls {
        library_options(file, call, out);
    }
    for node in file.nodes_of_kinds(&["assignment_expression"]) {
        otplib_options(file, node, out);
    }
    for binary in file.binary_expressions() {
        compared(file, binary, out);
    }
    for node in file.nodes_of_kinds(&[
        "variable_declarator",
        "assignment_expression",
        "return_statement",
        "pair",
    ]) {
        generated_digits(file, node, out);
    }
}

/// The options object of an OTP library call, and which settings apply.
fn library_options<'t>(file: &JsFile<'t>, call: Node<'t>, out: &mut Vec<Diagnostic>) {
    let (path, options_index) = match file.model.callee_path(call) {
        Some(path) => (Some(path), 0),
        None => (instance_path(file, call), 0),
    };
    let Some(path) = path else {
        return;
    };
    let members = path.members_without_default();
    let (check_window, check_digits) = match (path.module.as_str(), members.as_slice()) {
        ("speakeasy", ["totp" | "time", "verify" | "verifyDelta"]) => (true, true),
        ("speakeasy", ["hotp", "verify" | "verifyDelta"]) => (false, true),
        ("speakeasy", ["totp" | "hotp" | "time"] | ["totp" | "hotp", "generate"]) => (false, true),
        ("otpauth", ["TOTP" | "HOTP"]) => (false, true),
        ("otpauth", ["TOTP", "validate"]) => (true, true),
        ("otpauth", ["HOTP", "validate"]) => (false, true),
        ("otplib", ["authenticator" | "totp" | "hotp", "clone" | "create"]) => (true, true),
        ("otp-generator", ["generate"]) => {
            if let Some(&length) = call_arguments(call).first()
                && let Some(digits) = file.model.value(length).as_number().and_then(count)
                && digits < OTP_MIN_DIGITS
            {
                out.push(digits_diagnostic(
                    length.byte_range(),
                    digits,
                    "`otp-generator`",
                ));
            }
            return;
        }
        _ => return,
    };
    let Some(options) = call_arguments(call)
        .get(options_index)
        .and_then(|o| file.model.object(*o))
    else {
        return;
    };
    check_settings(
        file,
        options,
        check_window,
        check_digits,
        &format!(
            "`{}`",
            file.text(
                call.field("function")
                    .or_else(|| call.field("constructor"))
                    .unwrap_or(call)
            )
        ),
        out,
    );
}

/// `totp.validate(..)` on `const totp = new OTPAuth.TOTP(..)`: the class of
/// the instance, with the method.
fn instance_path<'t>(file: &JsFile<'t>, call: Node<'t>) -> Option<crate::lang::js::ModulePath> {
    let function = call.field("function")?;
    if function.kind() != "member_expression" {
        return None;
    }
    let method = file.text(function.field("property")?);
    let object = unwrap_expression(function.field("object")?);
    if object.kind() != "identifier" {
        return None;
    }
    let Some(Binding::Value(value)) = file.model.binding(file.text(object), object) else {
        return None;
    };
    let value = unwrap_expression(*value);
    if value.kind() != "new_expression" {
        return None;
    }
    let mut path = file.model.callee_path(value)?;
    path.members.push(method.to_string());
    Some(path)
}

/// `authenticator.options = { window: 2, digits: 4 }` (otplib).
fn otplib_options<'t>(file: &JsFile<'t>, node: Node<'t>, out: &mut Vec<Diagnostic>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    if left.kind() != "member_expression"
        || left
            .field("property")
            .is_none_or(|p| file.text(p) != "options")
    {
        return;
    }
    let Some(object) = left.field("object") else {
        return;
    };
    let is_otplib = file.model.module_path(object).is_some_and(|p| {
        p.module == "otplib"
            && matches!(
                p.members_without_default().as_slice(),
                ["authenticator" | "totp" | "hotp"]
            )
    });
    if !is_otplib {
        return;
    }
    let Some(options) = file.model.object(right) else {
        return;
    };
    check_settings(
        file,
        options,
        true,
        true,
        &format!("`{}`", file.text(left)),
        out,
    );
}

fn check_settings<'t>(
    file: &JsFile<'t>,
    options: Node<'t>,
    check_window: bool,
    check_digits: bool,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if check_window && let Property::Set(window) = file.model.property(options, "window") {
        let widest = match file.model.value(window) {
            Value::Number(n) => Some(n),
            Value::Array(array) => file
                .model
                .array_elements(array)
                .iter()
                .filter_map(|(_, v)| v.as_number())
                .reduce(f64::max),
            _ => None,
        };
        if let Some(widest) = widest
            && widest > OTP_MAX_WINDOW as f64
        {
            out.push(Diagnostic::new(
                &RULE,
                window.byte_range(),
                format!(
                    "{what} accepts codes {widest} time steps away; at most {OTP_MAX_WINDOW} is allowed"
                ),
                "set `window: 1` (or 0) and make each code single-use",
            ));
        }
    }
    if check_digits
        && let Property::Set(digits) = file.model.property(options, "digits")
        && let Some(found) = file.model.value(digits).as_number().and_then(count)
        && found < OTP_MIN_DIGITS
    {
        out.push(digits_diagnostic(digits.byte_range(), found, what));
    }
}

fn digits_diagnostic(range: Range<usize>, digits: u64, what: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        range,
        format!("{what} makes codes of {digits} digits; at least {OTP_MIN_DIGITS} are needed"),
        "use 6 or more digits (`digits: 6`) and limit failed attempts",
    )
}

/// `user.otp === req.body.otp`.
fn compared<'t>(file: &JsFile<'t>, binary: Node<'t>, out: &mut Vec<Diagnostic>) {
    let Some((left, right)) = equality_sides(binary) else {
        return;
    };
    if is_trivial_js(file, left) || is_trivial_js(file, right) {
        return;
    }
    let (a, b) = (file.model.sensitive(left), file.model.sensitive(right));
    let from_request = |s: &Option<crate::lang::js::Sensitive<'t>>| {
        s.as_ref()
            .is_some_and(|s| s.source.is_some_and(|p| p != RequestPart::Whole))
    };
    if is_field_by_field_js(file, left, right) && !from_request(&a) && !from_request(&b) {
        return;
    }
    let is_otp = |s: &Option<crate::lang::js::Sensitive<'t>>| {
        s.as_ref().is_some_and(|s| s.kind == Kind::Otp)
    };
    let (code, other, other_node) = if is_otp(&a) {
        (a, b, right)
    } else if is_otp(&b) {
        (b, a, left)
    } else {
        return;
    };
    let Some(code) = code else { return };
    // The other side must be a value to match: a second code, a request
    // value, or a stored field.
    let corroborated = other.is_some()
        || code.source.is_some_and(|p| p != RequestPart::Whole)
        || matches!(
            other_node.kind(),
            "member_expression" | "subscript_expression"
        );
    if !corroborated {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        binary.byte_range(),
        format!(
            "the one-time code `{}` is compared with `{}`, which stops at the first differing character",
            file.text(code.node),
            file.text(binary.field("operator").unwrap_or(binary))
        ),
        "compare with `crypto.timingSafeEqual` on equal-length buffers, and make the code single-use",
    ));
}

/// A code drawn as a number with fewer than six digits, into a name that
/// says it is a code.
fn generated_digits<'t>(file: &JsFile<'t>, node: Node<'t>, out: &mut Vec<Diagnostic>) {
    let (name, value) = match node.kind() {
        "variable_declarator" => (
            node.field("name").map(|n| file.text(n).to_string()),
            node.field("value"),
        ),
        "assignment_expression" => (
            node.field("left").map(|n| {
                let text = file.text(n);
                text.rsplit('.').next().unwrap_or(text).to_string()
            }),
            node.field("right"),
        ),
        "pair" => (
            node.field("key").map(|k| string_literal(file.text(k))),
            node.field("value"),
        ),
        _ => (enclosing_function_name(file, node), node.named_child(0)),
    };
    let (Some(name), Some(value)) = (name, value) else {
        return;
    };
    let is_code = classify_name(&name) == Some(Kind::Otp)
        || (node.kind() == "return_statement" && classify_producer(&name) == Some(Kind::Otp));
    if !is_code {
        return;
    }
    let Some(largest) = largest_value(file, value, 0) else {
        return;
    };
    let Some(largest) = count(largest.max(1.0).floor()) else {
        return;
    };
    let digits = largest.to_string().len() as u64;
    if digits >= OTP_MIN_DIGITS {
        return;
    }
    out.push(digits_diagnostic(
        value.byte_range(),
        digits,
        &format!("`{name}`"),
    ));
}

fn enclosing_function_name(file: &JsFile<'_>, node: Node<'_>) -> Option<String> {
    let mut current = node.parent();
    while let Some(candidate) = current {
        if FUNCTION_KINDS.contains(&candidate.kind()) {
            if let Some(name) = candidate.field("name") {
                return Some(file.text(name).to_string());
            }
            let parent = candidate.parent()?;
            return match parent.kind() {
                "variable_declarator" => parent.field("name").map(|n| file.text(n).to_string()),
                "pair" => parent.field("key").map(|k| string_literal(file.text(k))),
                _ => None,
            };
        }
        current = candidate.parent();
    }
    None
}

/// The largest value a random-number expression can take, when it is built
/// from `Math.random()`, `crypto.randomInt` and number literals.
fn largest_value(file: &JsFile<'_>, node: Node<'_>, depth: usize) -> Option<f64> {
    if depth > 12 {
        return None;
    }
    let node = unwrap_expression(node);
    let next = |n: Node<'_>| largest_value(file, n, depth + 1);
    match node.kind() {
        "number" => file.model.value(node).as_number(),
        "binary_expression" => {
            let operator = node.field("operator")?.kind();
            let left = next(node.field("left")?)?;
            let right = next(node.field("right")?)?;
            match operator {
                "*" => Some(left * right),
                "+" => Some(left + right),
                _ => None,
            }
        }
        "call_expression" => {
            let function = node.field("function")?;
            let text = file.text(function);
            let arguments = call_arguments(node);
            if text == "Math.random" {
                return Some(1.0 - 1e-9);
            }
            if matches!(
                text,
                "Math.floor" | "Math.trunc" | "parseInt" | "Number" | "String"
            ) {
                return next(*arguments.first()?).map(f64::floor);
            }
            let path = file.model.callee_path(node);
            if path.is_some_and(|p| {
                p.module.trim_start_matches("node:") == "crypto"
                    && p.last_member() == Some("randomInt")
            }) {
                let max = file
                    .model
                    .value(*arguments.get(1).or(arguments.first())?)
                    .as_number()?;
                return Some(max - 1.0);
            }
            // `.toString()` keeps the value.
            if function.kind() == "member_expression"
                && function
                    .field("property")
                    .is_some_and(|p| file.text(p) == "toString")
            {
                return next(function.field("object")?);
            }
            None
        }
        "identifier" => match file.model.binding(file.text(node), node)? {
            Binding::Value(value) => next(*value),
            _ => None,
        },
        _ => None,
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let path = file.model.resolve(&function.path, &["totp_rs"]);
            let strs: Vec<&str> = path.iter().map(String::as_str).collect();
            if !matches!(
                strs.as_slice(),
                ["totp_rs", .., "TOTP", "new" | "new_unchecked"]
            ) {
                continue;
            }
            let argument = |i: usize| call.args.iter().nth(i);
            if let Some(digits) = argument(1) {
                totp_setting(file, body, digits, "digits", out);
            }
            if let Some(skew) = argument(2) {
                totp_setting(file, body, skew, "skew", out);
            }
        }
        for literal in &body.struct_literals {
            let path = file.model.resolve(&literal.path, &["totp_rs"]);
            if !(path.first().is_some_and(|c| c == "totp_rs")
                && path.last().is_some_and(|l| l == "TOTP"))
            {
                continue;
            }
            for field in &literal.fields {
                if let syn::Member::Named(name) = &field.member {
                    let name = name.to_string();
                    if name == "digits" || name == "skew" {
                        totp_setting(file, body, &field.expr, &name, out);
                    }
                }
            }
        }
        for binary in &body.comparisons {
            rust_compared(file, body, binary, out);
        }
        for local in &body.lets {
            let Some(init) = local.init else { continue };
            if classify_name(&local.name) != Some(Kind::Otp) {
                continue;
            }
            if let Some((range, digits)) = rust_drawn_digits(file, body, init)
                && digits < OTP_MIN_DIGITS
            {
                out.push(digits_diagnostic(
                    range,
                    digits,
                    &format!("`{}`", local.name),
                ));
            }
        }
    }
}

fn totp_setting(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    name: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = crate::rules::password::rust_int(file, body, expression) else {
        return;
    };
    match name {
        "digits" if value < OTP_MIN_DIGITS => {
            out.push(digits_diagnostic(file.range(expression), value, "`TOTP`"));
        }
        "skew" if value > OTP_MAX_WINDOW => out.push(Diagnostic::new(
            &RULE,
            file.range(expression),
            format!("`TOTP` accepts codes {value} time steps away (`skew`); at most {OTP_MAX_WINDOW} is allowed"),
            "set `skew` to 1 (or 0) and make each code single-use",
        )),
        _ => {}
    }
}

fn rust_compared(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    binary: &syn::ExprBinary,
    out: &mut Vec<Diagnostic>,
) {
    let (left, right): (&Expr, &Expr) = (&binary.left, &binary.right);
    if is_trivial_rust(left) || is_trivial_rust(right) {
        return;
    }
    let (a, b) = (sensitive(file, body, left), sensitive(file, body, right));
    let from_request = |s: &Option<crate::lang::rust::sensitive::Sensitive>| {
        s.as_ref()
            .is_some_and(|s| s.source.is_some_and(|p| p != RequestPart::Whole))
    };
    if is_field_by_field_rust(left, right) && !from_request(&a) && !from_request(&b) {
        return;
    }
    let is_otp = |s: &Option<crate::lang::rust::sensitive::Sensitive>| {
        s.as_ref().is_some_and(|s| s.kind == Kind::Otp)
    };
    let (code, other, other_expr, code_expr) = if is_otp(&a) {
        (a, b, right, left)
    } else if is_otp(&b) {
        (b, a, left, right)
    } else {
        return;
    };
    let Some(code) = code else { return };
    let corroborated = other.is_some()
        || code.source.is_some_and(|p| p != RequestPart::Whole)
        || matches!(other_expr, Expr::Field(_));
    if !corroborated {
        return;
    }
    let written = file
        .source
        .text
        .get(file.range(code_expr))
        .unwrap_or(&code.name);
    out.push(Diagnostic::new(
        &RULE,
        file.range(binary),
        format!("the one-time code `{written}` is compared with `==`, which stops at the first differing byte"),
        "compare with `subtle::ConstantTimeEq` (`a.as_bytes().ct_eq(b.as_bytes()).into()`), and make the code single-use",
    ));
}

/// `rng.gen_range(1000..10000)` or `fastrand::u32(1000..=9999)`: where the
/// range is and how many digits its largest value has.
fn rust_drawn_digits(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
) -> Option<(Range<usize>, u64)> {
    let range = match expression {
        Expr::MethodCall(call) if call.method == "gen_range" || call.method == "random_range" => {
            call.args.first()?
        }
        Expr::MethodCall(call) => return rust_drawn_digits(file, body, &call.receiver),
        Expr::Call(call) => {
            let Expr::Path(path) = call.func.as_ref() else {
                return None;
            };
            if path
                .path
                .segments
                .first()
                .is_none_or(|s| s.ident != "fastrand")
            {
                return None;
            }
            call.args.first()?
        }
        Expr::Paren(inner) => return rust_drawn_digits(file, body, &inner.expr),
        _ => return None,
    };
    let Expr::Range(range) = range else {
        return None;
    };
    let end = crate::rules::password::rust_int(file, body, range.end.as_deref()?)?;
    let largest = match range.limits {
        syn::RangeLimits::HalfOpen(_) => end.checked_sub(1)?,
        syn::RangeLimits::Closed(_) => end,
    };
    Some((file.range(range), largest.max(1).to_string().len() as u64))
}
