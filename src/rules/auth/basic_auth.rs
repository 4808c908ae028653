//! `auth/basic-auth`: an API protected by HTTP Basic authentication.

use syn::visit::Visit;
use syn::{Expr, Type};
use tree_sitter::Node;

use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    FieldAccess, JsFile, Property, Value, call_arguments, equality_sides, unwrap_expression,
};
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "auth/basic-auth",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "API protected by HTTP Basic authentication",
    docs: DOCS,
    cwe: &[287, 522],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.1", "8.3.2"],
    triggers: &["basic"],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Flags HTTP Basic authentication on the server side: `express-basic-auth`,
`koa-basic-auth`, `@fastify/basic-auth`, `http-auth`'s `basic(..)`,
`passport-http`'s `BasicStrategy`, and hand-written parsing of an incoming
`Authorization: Basic ..` header (`startsWith('Basic ')`, `=== 'Basic'`,
`/^Basic /` in a function that reads the `authorization` header). In Rust:
`actix-web-httpauth`'s `BasicAuth` extractor and
`HttpAuthentication::basic`, `TypedHeader<Authorization<Basic>>` from
`headers`/`axum-extra`, and `strip_prefix("Basic ")` on the header. The
message says when the users and passwords are written in the code.

Clients that send Basic credentials to another service (`axios` `auth`,
`reqwest`'s `basic_auth`, building an `Authorization: Basic` header) are not
reported.

## Why is this bad
Basic authentication sends the password itself with every request: any log,
proxy or browser cache that keeps headers keeps the password. It has no
expiry, no logout, no second factor and no protection against credential
stuffing, and password managers and browsers replay it silently.

## Example
```js
app.use(basicAuth({ users: { admin: 'supersecret' } }));
```
```rust
async fn admin(auth: BasicAuth) -> impl Responder { .. }
```

## Use instead
Authenticate users with a session or short-lived bearer tokens issued after
a login that supports MFA; authenticate services with OAuth 2 client
credentials or mutual TLS.

## Known problems
The rule cannot tell an internal tool behind a VPN from a public API; it
reports both. A literal user table is also reported by
`secret/hardcoded-credential`.

## References
- RFC 7617, The 'Basic' HTTP Authentication Scheme, section 4
- CWE-522: Insufficiently Protected Credentials
- PCI DSS v4.0.1 requirements 8.3.1 and 8.3.2
"#;

const FIX: &str = "authenticate with sessions or short-lived bearer tokens issued after a login with MFA; use OAuth 2 client credentials for services";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for &call in &file.model.calls {
        let Some(path) = file.model.callee_path(call) else {
            plugin_registration(file, call, out);
            continue;
        };
        let module = path.module.as_str();
        let members = path.members_without_default();
        let what = match (module, members.as_slice(), call.kind()) {
            ("express-basic-auth" | "koa-basic-auth", [], "call_expression") => {
                format!("`{module}`")
            }
            ("http-auth", ["basic"], "call_expression") => "`http-auth` `basic`".to_string(),
            ("passport-http", ["BasicStrategy"], "new_expression") => {
                "`passport-http` `BasicStrategy`".to_string()
            }
            _ => {
                plugin_registration(file, call, out);
                continue;
            }
        };
        let literal = call_arguments(call)
            .first()
            .and_then(|o| file.model.object(*o))
            .is_some_and(|options| has_literal_users(file, options));
        let message = if literal {
            format!(
                "{what} protects this API with HTTP Basic authentication, with users and passwords written in the code"
            )
        } else {
            format!("{what} protects this API with HTTP Basic authentication")
        };
        out.push(Diagnostic::new(&RULE, call.byte_range(), message, FIX));
    }
    for binary in file.binary_expressions() {
        let Some((left, right)) = equality_sides(binary) else {
            continue;
        };
        let other = if is_basic_literal(file, left) {
            right
        } else if is_basic_literal(file, right) {
            left
        } else {
            continue;
        };
        if from_authorization(file, other, 0) {
            report_hand_parsed(binary.byte_range(), out);
        }
    }
    for &call in &file.model.calls {
        let Some(function) = call.field("function") else {
            continue;
        };
        let method = function
            .field("property")
            .map(|p| file.text(p))
            .unwrap_or_default();
        let arguments = call_arguments(call);
        let parsed = match method {
            "startsWith" => {
                arguments
                    .first()
                    .is_some_and(|a| is_basic_literal(file, *a))
                    && function
                        .field("object")
                        .is_some_and(|o| from_authorization(file, o, 0))
            }
            // `/^Basic /i.test(header)`
            "test" => {
                function.field("object").is_some_and(|o| {
                    o.kind() == "regex" && file.text(o).to_ascii_lowercase().starts_with("/^basic")
                }) && arguments
                    .first()
                    .is_some_and(|a| from_authorization(file, *a, 0))
            }
            _ => false,
        };
        if parsed {
            report_hand_parsed(call.byte_range(), out);
        }
    }
}

fn report_hand_parsed(range: std::ops::Range<usize>, out: &mut Vec<Diagnostic>) {
    out.push(Diagnostic::new(
        &RULE,
        range,
        "this handler accepts HTTP Basic credentials from the `Authorization` header",
        FIX,
    ));
}

/// `'Basic'` or `'Basic '`, any case.
fn is_basic_literal(file: &JsFile<'_>, node: Node<'_>) -> bool {
    let node = unwrap_expression(node);
    node.kind() == "string"
        && file
            .model
            .value(node)
            .as_str()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("basic"))
}

/// Whether a value was read from the incoming `Authorization` header:
/// `req.headers.authorization`, `req.get('Authorization')`, or a local
/// (`const [scheme, credentials] = header.split(' ')`) made from one.
/// Building a header for an outgoing call never reads one.
fn from_authorization(file: &JsFile<'_>, node: Node<'_>, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    let node = unwrap_expression(node);
    let reads = |text: &str| {
        let lower = text.to_ascii_lowercase();
        lower.contains("authorization") && (lower.contains("header") || lower.contains("req"))
    };
    match node.kind() {
        "identifier" => {
            let Some(declared) = file.model.declaration_name(file.text(node), node) else {
                return false;
            };
            // Up from the name to its declarator, through array and object
            // patterns.
            let mut current = declared.parent();
            for _ in 0..4 {
                let Some(candidate) = current else {
                    return false;
                };
                if candidate.kind() == "variable_declarator" {
                    return candidate.field("value").is_some_and(|v| {
                        reads(file.text(v)) || from_authorization(file, v, depth + 1)
                    });
                }
                current = candidate.parent();
            }
            false
        }
        "call_expression" => {
            // `scheme.toLowerCase()`, `header.split(' ')[0]`
            if reads(file.text(node)) {
                return true;
            }
            node.field("function")
                .and_then(|f| f.field("object"))
                .is_some_and(|o| from_authorization(file, o, depth + 1))
        }
        "subscript_expression" | "member_expression" => {
            reads(file.text(node))
                || node
                    .field("object")
                    .is_some_and(|o| from_authorization(file, o, depth + 1))
        }
        _ => false,
    }
}

/// `users: { admin: 'supersecret' }`.
fn has_literal_users(file: &JsFile<'_>, options: Node<'_>) -> bool {
    let Property::Set(users) = file.model.property(options, "users") else {
        return false;
    };
    let Value::Object(users) = file.model.value(users) else {
        return false;
    };
    let mut cursor = users.walk();
    users
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
        .any(|pair| {
            pair.field("value")
                .is_some_and(|v| file.model.value(v).as_str().is_some())
        })
}

/// `fastify.register(basicAuth, { .. })` with `@fastify/basic-auth`.
fn plugin_registration(file: &JsFile<'_>, call: Node<'_>, out: &mut Vec<Diagnostic>) {
    let Some(function) = call.field("function") else {
        return;
    };
    if function.kind() != "member_expression"
        || function
            .field("property")
            .is_none_or(|p| file.text(p) != "register")
    {
        return;
    }
    let Some(&plugin) = call_arguments(call).first() else {
        return;
    };
    let is_basic = file.model.module_path(plugin).is_some_and(|p| {
        matches!(
            p.module.as_str(),
            "@fastify/basic-auth" | "fastify-basic-auth"
        )
    });
    if is_basic {
        out.push(Diagnostic::new(
            &RULE,
            call.byte_range(),
            "`@fastify/basic-auth` protects this API with HTTP Basic authentication",
            FIX,
        ));
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for input in &body.inputs {
            if names_basic(&input.ty) {
                out.push(Diagnostic::new(
                    &RULE,
                    file.range(*input),
                    "this handler accepts HTTP Basic credentials",
                    FIX,
                ));
            }
        }
        for call in &body.calls {
            let Expr::Path(function) = call.func.as_ref() else {
                continue;
            };
            let segments: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments.ends_with(&["HttpAuthentication".to_string(), "basic".to_string()]) {
                out.push(Diagnostic::new(
                    &RULE,
                    file.range(*call),
                    "`HttpAuthentication::basic` protects these routes with HTTP Basic authentication",
                    FIX,
                ));
            }
        }
        let reads_header = body.method_calls.iter().any(|c| {
            c.args.first().is_some_and(|a| {
                let text = file
                    .source
                    .text
                    .get(file.range(a))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                text.contains("authorization")
            })
        });
        if !reads_header {
            continue;
        }
        for call in &body.method_calls {
            let method = call.method.to_string();
            if !matches!(method.as_str(), "strip_prefix" | "starts_with") {
                continue;
            }
            let is_basic = call.args.first().is_some_and(|a| {
                matches!(a, Expr::Lit(lit) if matches!(&lit.lit, syn::Lit::Str(s) if s.value().trim().eq_ignore_ascii_case("basic")))
            });
            if is_basic {
                out.push(Diagnostic::new(
                    &RULE,
                    file.range(*call),
                    "this handler accepts HTTP Basic credentials from the `Authorization` header",
                    FIX,
                ));
            }
        }
    }
}

/// `BasicAuth`, `Authorization<Basic>`, `TypedHeader<Authorization<Basic>>`.
fn names_basic(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            if segment.ident == "BasicAuth" {
                self.0 = true;
            }
            if segment.ident == "Authorization"
                && let syn::PathArguments::AngleBracketed(args) = &segment.arguments
                && args.args.iter().any(|a| {
                    matches!(a, syn::GenericArgument::Type(Type::Path(p))
                    if p.path.segments.last().is_some_and(|s| s.ident == "Basic"))
                })
            {
                self.0 = true;
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
