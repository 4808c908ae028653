//! `jwt/decode-without-verify`: a token's claims trusted without checking its
//! signature.

use tree_sitter::Node;

use super::rust_api::is_false;
use super::{Api, jwt_calls, validations};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FieldAccess, JsFile, contains, enclosing_function};
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/decode-without-verify",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT claims used to authenticate without verifying the signature",
    docs: DOCS,
    cwe: &[347, 287],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.1", "8.3.2"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags `jsonwebtoken`'s `decode`, `jose`'s `decodeJwt` and the `jwt-decode`
package (in server code) when the decoded claims are used to authenticate:
assigned to `req.user` or similar, returned from a middleware, compared
against ids or roles, or handed to `done`/`next` or a user lookup, in a
function that verifies nothing. In Rust it flags
`insecure_disable_signature_validation()`, `validate_signature = false`
(in any syntax) and the `dangerous_*decode*` and `dangerous::insecure_decode*`
functions of `jsonwebtoken`.

## Why is this bad
Decoding only reads the base64 payload. Anyone can write a token that says
`{ sub: 'admin' }`; without the signature check the server believes it.

## Example
```js
const payload = jwt.decode(req.headers.authorization.slice(7));
req.user = await User.findById(payload.sub);
```

## Use instead
```js
const payload = jwt.verify(token, publicKey, { algorithms: ['RS256'] });
```

## Known problems
`decode` used only to read the header (`kid`) before a `verify` in the same
function is fine and not flagged. When the decoded value travels to another
function before it is used, the rule does not follow it.

## References
- CWE-347: Improper Verification of Cryptographic Signature
- OWASP API Security Top 10 2023, API2: Broken Authentication
";

/// Modules whose presence marks a file as server code, where `jwt-decode`
/// output must not be trusted.
const SERVER_MODULES: &[&str] = &[
    "express",
    "koa",
    "fastify",
    "@nestjs/common",
    "@nestjs/core",
    "@hapi/hapi",
    "hapi",
    "next/server",
    "http",
    "node:http",
    "passport",
];

/// Calls that hand a value on as an authenticated identity.
const IDENTITY_SINKS: &[&str] = &[
    "done",
    "cb",
    "callback",
    "next",
    "resolve",
    "findById",
    "findOne",
    "findByPk",
    "findUnique",
    "findFirst",
    "findOneBy",
    "getUser",
    "getUserById",
    "loadUser",
];

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let calls = jwt_calls(file);
    let verifiers: Vec<Node<'_>> = calls
        .iter()
        .filter(|c| {
            matches!(
                c.api,
                Api::Verify | Api::JoseVerify | Api::NestVerify | Api::Middleware
            )
        })
        .map(|c| c.node)
        .collect();
    let is_server = SERVER_MODULES.iter().any(|m| file.model.uses_module(m)) || {
        let path = file.source.display_path.to_ascii_lowercase();
        ["server", "/api/", "middleware", "routes", "controller"]
            .iter()
            .any(|p| path.contains(p))
    };
    for call in &calls {
        if call.api != Api::Decode {
            continue;
        }
        let from_jwt_decode_package = call.callee_module_is(file, "jwt-decode");
        if from_jwt_decode_package && !is_server {
            continue;
        }
        let scope = enclosing_function(call.node).unwrap_or_else(|| file.tree.root_node());
        if verifiers.iter().any(|v| contains(scope, *v)) || is_decode_wrapper(file, scope) {
            continue;
        }
        if !used_as_identity(file, call.node, scope) {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            call.node.byte_range(),
            format!(
                "{} reads the token without checking its signature, and the claims are trusted",
                call.callee
            ),
            "verify the token instead: `jwt.verify(token, key, { algorithms: ['RS256'] })` (or jose `jwtVerify`) and use its result",
        ));
    }
}

impl super::JwtCall<'_> {
    fn callee_module_is(&self, file: &JsFile<'_>, module: &str) -> bool {
        file.model
            .callee_path(self.node)
            .is_some_and(|p| p.module == module)
    }
}

/// A function that is itself a decode helper (`decode(token) { return
/// jwt.decode(token) }` in a library) passes the value on; its callers are
/// where it is trusted or not.
fn is_decode_wrapper(file: &JsFile<'_>, function: Node<'_>) -> bool {
    function
        .field("name")
        .is_some_and(|name| file.text(name).to_ascii_lowercase().starts_with("decode"))
}

/// Whether a value is used as an identity: returned, stored on a request or
/// context, compared, or handed to `done`/`next`/a user lookup. Follows one
/// `const x = ...` (or `const { sub } = ...`) to the uses of `x`.
fn used_as_identity<'t>(file: &JsFile<'t>, value: Node<'t>, scope: Node<'t>) -> bool {
    let Some(outer) = climb_member_chain(file, value) else {
        return false;
    };
    if is_identity_use(file, outer) {
        return true;
    }
    let Some(parent) = outer.parent() else {
        return false;
    };
    if parent.kind() != "variable_declarator" {
        return false;
    }
    let Some(pattern) = parent.field("name") else {
        return false;
    };
    let names = declared_names(file, pattern);
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind() == "identifier"
            && node.start_byte() > pattern.end_byte()
            && names.contains(&file.text(node))
            && climb_member_chain(file, node).is_some_and(|outer| is_identity_use(file, outer))
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn declared_names<'t>(file: &JsFile<'t>, pattern: Node<'t>) -> Vec<&'t str> {
    let mut names = Vec::new();
    let mut stack = vec![pattern];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => names.push(file.text(node)),
            "pair_pattern" => stack.extend(node.field("value")),
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    names
}

/// From `x` up through `x.sub`, `x['sub']`, `(x)`, `await x`, `x as T`.
/// Reading `x.header` (after `decode(t, { complete: true })`) stops the
/// climb: a header names a key, it does not say who the caller is.
fn climb_member_chain<'t>(file: &JsFile<'t>, mut node: Node<'t>) -> Option<Node<'t>> {
    while let Some(parent) = node.parent() {
        let climbs = match parent.kind() {
            "member_expression" => {
                let is_object = parent.field("object") == Some(node);
                let property = parent.field("property").map(|p| file.text(p));
                if is_object && property == Some("header") {
                    return None;
                }
                is_object
            }
            "subscript_expression" => parent.field("object") == Some(node),
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression" => true,
            _ => false,
        };
        if !climbs {
            break;
        }
        node = parent;
    }
    Some(node)
}

fn is_identity_use<'t>(file: &JsFile<'t>, node: Node<'t>) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind() {
        "return_statement" => true,
        "arrow_function" => parent.field("body") == Some(node),
        "assignment_expression" => {
            parent.field("right") == Some(node)
                && parent
                    .field("left")
                    .is_some_and(|left| left.kind() == "member_expression")
        }
        "binary_expression" => parent
            .field("operator")
            .is_some_and(|op| matches!(op.kind(), "===" | "==" | "!==" | "!=")),
        "arguments" => parent
            .parent()
            .and_then(|call| call.field("function"))
            .is_some_and(|callee| {
                let text = file.text(callee);
                let name = text.rsplit('.').next().unwrap_or(text);
                IDENTITY_SINKS.contains(&name)
            }),
        _ => false,
    }
}

const DANGEROUS_DECODES: &[&[&str]] = &[
    &["dangerous_insecure_decode"],
    &["dangerous_insecure_decode_with_validation"],
    &["dangerous_unsafe_decode"],
    &["dangerous", "insecure_decode"],
    &["dangerous", "insecure_decode_claims"],
];

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    // The method's name is jsonwebtoken's alone: whatever the receiver (a
    // parameter, `self.validation`), it switches the check off.
    for body in &file.model.functions {
        for call in &body.method_calls {
            if call.method == "insecure_disable_signature_validation" {
                out.push(Diagnostic::new(
                    &RULE,
                    file.range(*call),
                    "`insecure_disable_signature_validation()` makes `decode` trust unsigned claims",
                    "remove the call and decode with the issuer's real key (`DecodingKey::from_rsa_pem` or `from_secret`)",
                ));
            }
        }
    }
    for validation in validations(file) {
        for (field, value, range) in &validation.fields {
            if field == "validate_signature" && is_false(value) {
                out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "`validate_signature = false` makes `decode` trust unsigned claims",
                    "leave `validate_signature` on and decode with the issuer's real key",
                ));
            }
        }
    }
    for body in &file.model.functions {
        for call in &body.calls {
            let syn::Expr::Path(path) = call.func.as_ref() else {
                continue;
            };
            let dangerous = DANGEROUS_DECODES
                .iter()
                .any(|tail| file.model.path_is(&path.path, "jsonwebtoken", tail));
            if dangerous {
                let name = path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                out.push(Diagnostic::new(
                    &RULE,
                    file.range(*call),
                    format!("`{name}` reads the claims without checking the signature"),
                    "use `jsonwebtoken::decode` with a `DecodingKey` and a `Validation` that pins the algorithm",
                ));
            }
        }
    }
}
