//! `jwt/missing-claims-validation`: verification that ignores expiry, or
//! does not check who issued the token and for whom.

use std::ops::Range;

use syn::Expr;
use tree_sitter::Node;

use super::rust_api::{int_value, is_false, macro_list};
use super::{Api, ValidationUse, duration_seconds, jwt_calls, validations};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FieldAccess, JsFile, Property, Value, enclosing_function};
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/missing-claims-validation",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT verification that skips expiry, issuer or audience checks",
    docs: DOCS,
    cwe: &[613, 287],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.2.8", "8.3.1"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags token verification that turns off the expiry check
(`ignoreExpiration: true`, Rust `validate_exp = false`), tolerates more than
five minutes of clock skew (`clockTolerance`, Rust `leeway`), or, in a call
that already passes options, checks neither `audience` nor `issuer` (and
does not compare `claims.iss` or `claims.aud` by hand afterwards). In Rust
it also flags `validate_aud = false` with no `set_audience` or `set_issuer`,
and a `required_spec_claims` set that ends up without `exp` (cleared,
replaced, or `exp` removed).

## Why is this bad
Without the expiry check a stolen token works forever. Without issuer and
audience checks, a token minted for another service, or by another tenant
sharing the key, is accepted here.

## Example
```js
jwt.verify(token, key, { algorithms: ['RS256'], ignoreExpiration: true });
```

## Use instead
```js
jwt.verify(token, key, {
  algorithms: ['RS256'],
  issuer: 'https://auth.example.com/',
  audience: 'orders-api',
});
```

## Known problems
Issuer and audience are only required where the call already passes options,
so a bare `verify(token, key)` is left to `jwt/missing-algorithms`. A Rust
`Validation` reached through a struct field (`self.validation.validate_exp =
false`) or received as a `&mut` parameter is not judged: its set-up is
elsewhere.

## References
- RFC 8725, JSON Web Token Best Current Practices, sections 3.8 and 3.9
- CWE-613: Insufficient Session Expiration
- PCI DSS v4.0.1 requirement 8.2.8
";

/// More clock skew than this keeps expired tokens alive.
const MAX_CLOCK_TOLERANCE_SECONDS: f64 = 300.0;

/// The range to report a property at: the whole `key: value` pair.
fn pair_range(value: Node<'_>) -> std::ops::Range<usize> {
    value
        .parent()
        .filter(|p| p.kind() == "pair")
        .unwrap_or(value)
        .byte_range()
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        let Some(options) = call.verify_options(file) else {
            continue;
        };
        let callee = &call.callee;
        if let Property::Set(value) = options.property(file, "ignoreExpiration")
            && matches!(file.model.value(value), Value::Bool(true))
        {
            out.push(Diagnostic::new(
                    &RULE,
                    pair_range(value),
                    format!("{callee} accepts expired tokens (`ignoreExpiration: true`)"),
                    "remove `ignoreExpiration: true`; issue short-lived tokens and refresh them instead",
                ));
        }
        if let Property::Set(value) = options.property(file, "clockTolerance") {
            let seconds = match file.model.value(value) {
                Value::Number(n) => Some(n),
                // jose takes `'10m'`; a bare number string means seconds.
                Value::Str { text, .. } if text.chars().any(char::is_alphabetic) => {
                    duration_seconds(&text)
                }
                Value::Str { text, .. } => text.trim().parse().ok(),
                _ => None,
            };
            if seconds.is_some_and(|s| s > MAX_CLOCK_TOLERANCE_SECONDS) {
                out.push(Diagnostic::new(
                    &RULE,
                    pair_range(value),
                    format!("{callee} tolerates more than five minutes of clock skew, so expired tokens pass"),
                    "set `clockTolerance` to at most 300 seconds (30 to 60 is typical)",
                ));
            }
        }
        let crate::rules::jwt::Options::Object(_) = options else {
            continue;
        };
        let (audience, issuer) = match call.api {
            Api::FastifyPlugin => ("allowedAud", "allowedIss"),
            _ => ("audience", "issuer"),
        };
        let missing = |key| matches!(options.property(file, key), Property::Missing);
        if missing(audience) && missing(issuer) && !checks_claims_by_hand(file, call.node) {
            let origin = call.options_origin(file);
            out.push(Diagnostic::new(
                &RULE,
                call.node.byte_range(),
                format!("{callee} checks neither the issuer nor the audience of the token"),
                format!(
                    "add `{issuer}: '<your issuer>'` and `{audience}: '<this API>'` to {origin}"
                ),
            ));
        }
    }
}

/// `const claims = jwt.verify(..); if (claims.iss !== expected) ..`: the
/// issuer or audience is compared by hand in the same function.
fn checks_claims_by_hand<'t>(file: &JsFile<'t>, call: Node<'t>) -> bool {
    let mut outer = call;
    while let Some(parent) = outer.parent() {
        if matches!(
            parent.kind(),
            "await_expression" | "parenthesized_expression" | "as_expression"
        ) {
            outer = parent;
        } else {
            break;
        }
    }
    let Some(parent) = outer.parent() else {
        return false;
    };
    let target = match parent.kind() {
        "variable_declarator" => parent.field("name"),
        "assignment_expression" => parent.field("left"),
        _ => None,
    };
    let Some(target) = target.filter(|t| t.kind() == "identifier") else {
        return false;
    };
    let name = file.text(target);
    let scope = enclosing_function(call).unwrap_or_else(|| file.tree.root_node());
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind() == "member_expression" {
            let object = node.field("object").map(|o| file.text(o));
            let property = node.field("property").map(|p| file.text(p));
            if object == Some(name) && matches!(property, Some("iss" | "aud")) {
                return true;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for validation in validations(file) {
        for (field, value, range) in &validation.fields {
            match field.as_str() {
                "validate_exp" if is_false(value) => out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "`validate_exp = false` accepts expired tokens",
                    "keep `validate_exp` on; issue short-lived tokens and refresh them instead",
                )),
                "leeway" if int_value(file, validation.body, value).is_some_and(|s| s > 300) => out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "the `Validation` tolerates more than five minutes of clock skew (`leeway`)",
                    "set `leeway` to at most 300 seconds (60 is the library default)",
                )),
                _ => {}
            }
        }
        let audience_off = validation
            .field("validate_aud")
            .is_some_and(|(v, _)| is_false(v));
        let sets_claims = validation.calls_method("set_audience")
            || validation.calls_method("set_issuer")
            || validation.field("aud").is_some()
            || validation.field("iss").is_some();
        // A parameter's audience or issuer may have been set by the caller.
        if audience_off && !sets_claims && !validation.borrowed {
            let (_, range) = validation.field("validate_aud").expect("checked above");
            out.push(Diagnostic::new(
                &RULE,
                range,
                "`validate_aud = false` with no `set_issuer`: tokens minted for any service are accepted",
                "call `validation.set_audience(&[\"<this API>\"])` and `validation.set_issuer(&[\"<your issuer>\"])` instead of turning the check off",
            ));
        }
        if let Some(range) = exp_no_longer_required(&validation) {
            out.push(Diagnostic::new(
                &RULE,
                range,
                "`exp` is no longer a required claim, so tokens without an expiry are accepted",
                "keep `exp` required: `validation.set_required_spec_claims(&[\"exp\", \"iss\", \"aud\"])`",
            ));
        }
    }
}

/// Follows `required_spec_claims` (`{"exp"}` by default) through
/// assignments, `set_required_spec_claims`, `clear`, `insert` and `remove`,
/// in the order they run; the change that dropped `exp`, when the final set
/// is known and lacks it.
fn exp_no_longer_required(validation: &ValidationUse<'_>) -> Option<Range<usize>> {
    let mut events: Vec<(Range<usize>, Option<bool>)> = Vec::new();
    for (field, value, range) in &validation.fields {
        if field == "required_spec_claims" {
            let has_exp = claim_names(value).map(|names| names.iter().any(|n| n == "exp"));
            events.push((range.clone(), has_exp));
        }
    }
    for (method, arguments, range) in &validation.calls {
        let first = arguments.first().copied();
        let names_exp = || first.and_then(claim_name).map(|name| name == "exp");
        let has_exp = match method.as_str() {
            "set_required_spec_claims" => first
                .and_then(claim_names)
                .map(|names| names.iter().any(|n| n == "exp")),
            "required_spec_claims.clear" => Some(false),
            "required_spec_claims.insert" => match names_exp() {
                Some(true) => Some(true),
                Some(false) => continue,
                None => None,
            },
            "required_spec_claims.remove" => match names_exp() {
                Some(true) => Some(false),
                Some(false) => continue,
                None => None,
            },
            "required_spec_claims.retain" | "required_spec_claims.extend" => None,
            _ => continue,
        };
        events.push((range.clone(), has_exp));
    }
    events.sort_by_key(|(range, _)| range.start);
    let mut has_exp = (!validation.borrowed).then_some(true);
    let mut culprit = None;
    for (range, after) in events {
        has_exp = after;
        culprit = Some(range);
    }
    culprit.filter(|_| has_exp == Some(false))
}

/// The claim names a set or list expression holds, when all are literals:
/// `HashSet::new()`, `&["sub", "iss"]`, `HashSet::from(["exp".to_string()])`.
fn claim_names(expression: &Expr) -> Option<Vec<String>> {
    match expression {
        Expr::Reference(r) => claim_names(&r.expr),
        Expr::Paren(p) => claim_names(&p.expr),
        Expr::Array(array) => array.elems.iter().map(claim_name).collect(),
        Expr::Macro(mac) if mac.mac.path.is_ident("vec") => {
            macro_list(&mac.mac).iter().map(claim_name).collect()
        }
        Expr::Call(call) => {
            let Expr::Path(path) = call.func.as_ref() else {
                return None;
            };
            let last = path.path.segments.last()?.ident.to_string();
            match (last.as_str(), call.args.first()) {
                ("new" | "default" | "with_capacity", _) => Some(Vec::new()),
                ("from", Some(argument)) => claim_names(argument),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A string literal, possibly through `.to_string()`, `.into()` or
/// `String::from`.
fn claim_name(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Reference(r) => claim_name(&r.expr),
        Expr::MethodCall(call)
            if matches!(
                call.method.to_string().as_str(),
                "to_string" | "to_owned" | "into"
            ) =>
        {
            claim_name(&call.receiver)
        }
        Expr::Call(call) if call.args.len() == 1 => claim_name(&call.args[0]),
        _ => None,
    }
}
