//! `auth/credentials-in-url`: passwords, tokens or API keys read from the
//! query string.

use syn::{Expr, Member};
use tree_sitter::Node;

use super::is_login_credential;
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    Binding, FUNCTION_KINDS, FieldAccess, JsFile, call_arguments, string_literal, unwrap_expression,
};
use crate::lang::rust::sensitive::{extractors, request_part};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{Kind, RequestPart, classify_name, contains_ignoring_case, words};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "auth/credentials-in-url",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password, token or API key read from the query string",
    docs: DOCS,
    cwe: &[598],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: &["query", "searchParams"],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: a query string is read, and something is named a
/// credential.
fn may_report(input: &GateInput<'_>) -> bool {
    let text = input.text;
    contains_ignoring_case(text, "query") && input.names(|kind| kind != Kind::Nonce)
}

const DOCS: &str = r#"
## What it does
Flags a server that reads a password, token, API key or secret from the
query string: `req.query.password`, `req.query['api_key']`, `const { token
} = req.query`, Koa's `ctx.query`, Fastify and Hapi's `request.query`,
`url.searchParams.get('token')` on the request URL, NestJS `@Query('token')`
and fields of a `@Query()` object; in Rust, axum and actix `Query<T>`
extractors whose struct has such a field, and `.get("token")` on a query
map.

A generic `token` read by a handler for an e-mail link (password reset,
e-mail verification, invitation, unsubscribe, magic-link sign-in), where
the link is the delivery channel, is not reported; passwords and API keys
always are.

## Why is this bad
URLs are written to access logs, proxy and CDN logs, browser history and
`Referer` headers sent to third parties. A credential in the URL is a
credential in all of them, for as long as they are kept.

## Example
```js
app.get('/export', (req, res) => {
  if (req.query.api_key !== process.env.EXPORT_KEY) return res.sendStatus(401);
  // ..
});
```
```rust
#[derive(Deserialize)]
struct Auth { token: String }
async fn export(Query(auth): Query<Auth>) -> impl IntoResponse { .. }
```

## Use instead
Send credentials in the `Authorization` header (`Bearer ..`) or in a POST
body; for links sent by e-mail, make the token single-use and short-lived.

## Known problems
WebSocket handshakes, where browsers cannot set headers, commonly carry a
token in the query string; suppress those with a reason. Query values read
through a helper function are not followed.

## References
- CWE-598: Use of GET Request Method With Sensitive Query Strings
- OWASP API Security Top 10 2023, API2: Broken Authentication
- PCI DSS v4.0.1 requirement 8.3.2
"#;

const FIX: &str =
    "read the credential from the `Authorization` header (or a POST body) instead of the URL";

/// Handlers of links sent by e-mail carry a one-time token in the URL by
/// design.
const LINK_WORDS: &[&str] = &[
    "reset",
    "verify",
    "verification",
    "confirm",
    "confirmation",
    "activate",
    "activation",
    "invite",
    "invitation",
    "unsubscribe",
    "magic",
    "callback",
    "email",
];

fn is_reportable(kind: Kind) -> bool {
    is_login_credential(kind) && kind != Kind::Otp
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for node in file.nodes_of_kinds(&[
        "member_expression",
        "subscript_expression",
        "call_expression",
        "variable_declarator",
        "required_parameter",
    ]) {
        let found: Vec<(Node<'_>, String, Kind)> = match node.kind() {
            "variable_declarator" => destructured(file, node),
            "required_parameter" => nest_query(file, node).into_iter().collect(),
            "call_expression" => {
                // `url.searchParams.get('token')`
                let is_get = node
                    .field("function")
                    .and_then(|f| f.field("property"))
                    .is_some_and(|p| file.text(p) == "get");
                if !is_get {
                    continue;
                }
                match file.model.sensitive(node) {
                    Some(value) if value.source == Some(RequestPart::Query) => {
                        vec![(node, value.name, value.kind)]
                    }
                    _ => continue,
                }
            }
            _ => {
                // Only the outermost read: `req.query.token`, not `req.query`.
                match file.model.sensitive(node) {
                    Some(value)
                        if value.source == Some(RequestPart::Query)
                            && reads_query_directly(file, node) =>
                    {
                        vec![(node, value.name, value.kind)]
                    }
                    _ => continue,
                }
            }
        };
        for (place, name, kind) in found {
            if !is_reportable(kind) || (kind == Kind::Token && in_link_handler(file, place)) {
                continue;
            }
            out.push(Diagnostic::new(
                &RULE,
                place.byte_range(),
                format!("the {} `{name}` is read from the query string", kind.noun()),
                FIX,
            ));
        }
    }
}

/// Whether a member read's object is the query itself (`req.query.token`,
/// `query.token` after `const query = req.query`), not a local that holds
/// a value read earlier.
fn reads_query_directly(file: &JsFile<'_>, node: Node<'_>) -> bool {
    node.field("object").is_some_and(|object| {
        file.model.request_part(object) == Some(RequestPart::Query) && !is_value(file, object)
    })
}

/// A local bound to a single value rather than to the query object.
fn is_value(file: &JsFile<'_>, object: Node<'_>) -> bool {
    let object = unwrap_expression(object);
    object.kind() == "identifier"
        && matches!(file.model.binding(file.text(object), object), Some(Binding::Destructured { key, .. })
            if classify_name(key).is_some())
}

/// `const { token, password: pw } = req.query`.
fn destructured<'t>(file: &JsFile<'t>, declarator: Node<'t>) -> Vec<(Node<'t>, String, Kind)> {
    let (Some(pattern), Some(value)) = (declarator.field("name"), declarator.field("value")) else {
        return Vec::new();
    };
    if pattern.kind() != "object_pattern"
        || file.model.request_part(value) != Some(RequestPart::Query)
    {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut cursor = pattern.walk();
    for property in pattern.named_children(&mut cursor) {
        let key = match property.kind() {
            "shorthand_property_identifier_pattern" => Some(file.text(property).to_string()),
            "pair_pattern" | "object_assignment_pattern" => property
                .field("key")
                .or_else(|| property.field("left"))
                .map(|k| string_literal(file.text(k))),
            _ => None,
        };
        if let Some(key) = key
            && let Some(kind) = classify_name(&key)
        {
            found.push((property, key, kind));
        }
    }
    found
}

/// Nest's `@Query('token') token: string`.
fn nest_query<'t>(file: &JsFile<'t>, parameter: Node<'t>) -> Option<(Node<'t>, String, Kind)> {
    let mut cursor = parameter.walk();
    let decorator = parameter
        .children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .find_map(|d| d.named_child(0).filter(|e| e.kind() == "call_expression"))?;
    let path = file.model.callee_path(decorator)?;
    if path.module != "@nestjs/common" || path.last_member() != Some("Query") {
        return None;
    }
    let key = file
        .model
        .value(*call_arguments(decorator).first()?)
        .as_str()?
        .to_string();
    let kind = classify_name(&key)?;
    Some((decorator, key, kind))
}

/// Whether the handler around a node serves a link sent by e-mail: its
/// name, or the route path it is registered under, says so.
fn in_link_handler(file: &JsFile<'_>, node: Node<'_>) -> bool {
    let mut current = node.parent();
    while let Some(candidate) = current {
        if FUNCTION_KINDS.contains(&candidate.kind()) {
            let mut names = Vec::new();
            if let Some(name) = candidate.field("name") {
                names.push(file.text(name).to_string());
            }
            // `router.get('/reset-password', (req, res) => ..)`
            if let Some(arguments) = candidate.parent().filter(|p| p.kind() == "arguments") {
                let mut cursor = arguments.walk();
                names.extend(
                    arguments
                        .named_children(&mut cursor)
                        .filter_map(|a| file.model.value(a).as_str().map(str::to_string)),
                );
            }
            if names.iter().any(|n| names_link(n)) {
                return true;
            }
        }
        current = candidate.parent();
    }
    false
}

fn names_link(text: &str) -> bool {
    words(text).iter().any(|w| LINK_WORDS.contains(&w.as_str()))
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        let link = names_link(&body.name);
        for extractor in extractors(body) {
            if extractor.part != RequestPart::Query {
                continue;
            }
            let fields: Vec<String> = match (&extractor.field, extractor.inner) {
                (Some(field), _) => vec![field.clone()],
                (None, Some(syn::Type::Path(inner))) => inner
                    .path
                    .segments
                    .last()
                    .and_then(|s| file.model.struct_info(&s.ident.to_string()))
                    .map(|info| info.fields.clone())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let credentials: Vec<(String, Kind)> = fields
                .into_iter()
                .filter_map(|f| classify_name(&f).map(|k| (f, k)))
                .filter(|(_, k)| is_reportable(*k) && !(link && *k == Kind::Token))
                .collect();
            if credentials.is_empty() {
                continue;
            }
            let names: Vec<String> = credentials.iter().map(|(f, _)| format!("`{f}`")).collect();
            out.push(Diagnostic::new(
                &RULE,
                file.range(extractor.ty),
                format!(
                    "the query string carries {} ({})",
                    names.join(", "),
                    credentials[0].1.noun()
                ),
                FIX,
            ));
        }
        query_map_reads(file, body, link, out);
    }
}

/// `params.get("token")` on a `Query<HashMap<String, String>>`.
fn query_map_reads(file: &RustFile<'_>, body: &FnBody<'_>, link: bool, out: &mut Vec<Diagnostic>) {
    for call in &body.method_calls {
        if call.method != "get" || request_part(body, &call.receiver) != Some(RequestPart::Query) {
            continue;
        }
        let Some(Expr::Lit(lit)) = call.args.first() else {
            continue;
        };
        let syn::Lit::Str(key) = &lit.lit else {
            continue;
        };
        let key = key.value();
        let Some(kind) = classify_name(&key).filter(|k| is_reportable(*k)) else {
            continue;
        };
        if link && kind == Kind::Token {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            file.range(*call),
            format!("the {} `{key}` is read from the query string", kind.noun()),
            FIX,
        ));
    }
    let _ = Member::Unnamed;
}
