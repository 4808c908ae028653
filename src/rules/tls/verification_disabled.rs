//! `tls/verification-disabled`: TLS connections that accept any
//! certificate or any host name.

use syn::visit::Visit;
use syn::{Expr, ImplItem, Stmt};
use tree_sitter::Node;

use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FieldAccess, JsFile, Value, string_literal, unwrap_expression};
use crate::lang::rust::RustFile;
use crate::lang::rust::sensitive::{MacroValue, macro_values};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "tls/verification-disabled",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "TLS certificate or host-name verification turned off",
    docs: DOCS,
    cwe: &[295],
    owasp: &["API2:2023"],
    soc2: &["CC6.7"],
    pci_dss: &["4.2.1", "8.3.2"],
    triggers: &[
        "rejectUnauthorized",
        "REJECT_UNAUTHORIZED",
        "strictSSL",
        "checkServerIdentity",
        "disableTLSCerts",
        "danger_accept_invalid",
        "set_verify",
        "verify_hostname",
        "verify_server_cert",
    ],
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Flags code that turns TLS verification off: `rejectUnauthorized: false`
(Node `https`/`tls` options, `https.Agent`, `axios`'s `httpsAgent`, `got`'s
`https` options, database and mail clients' `ssl`/`tls` options), `strictSSL:
false` (`request`), `NODE_TLS_REJECT_UNAUTHORIZED` set to `'0'` (in
`process.env` or in an environment object), a `checkServerIdentity` that
accepts every host (`() => undefined`), and superagent's
`disableTLSCerts()`. In Rust: `danger_accept_invalid_certs(true)` and
`danger_accept_invalid_hostnames(true)` (`reqwest`, `native-tls`),
OpenSSL's `set_verify(SslVerifyMode::NONE)` and `verify_hostname(false)`,
and a rustls `ServerCertVerifier` whose `verify_server_cert` returns
`ServerCertVerified::assertion()` without checking anything.

Values that are not literals (`rejectUnauthorized: process.env.NODE_ENV ===
'production'`) are not reported.

## Why is this bad
Without verification, anyone on the network path (a hotel Wi-Fi, a
compromised router, a cloud neighbour) can present their own certificate
and read or change the traffic, including the credentials and tokens it
carries. Such switches are often added for a test environment and then
shipped.

## Example
```js
const agent = new https.Agent({ rejectUnauthorized: false });
```
```rust
let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build()?;
```

## Use instead
```js
const agent = new https.Agent({ ca: fs.readFileSync('internal-ca.pem') });
```
```rust
let ca = reqwest::Certificate::from_pem(&std::fs::read("internal-ca.pem")?)?;
let client = reqwest::Client::builder().add_root_certificate(ca).build()?;
```

## Known problems
Test files are reported like any other code; suppress them with a reason
or exclude them by path. A verifier that checks something but not enough is
not recognised.

## References
- CWE-295: Improper Certificate Validation
- Node.js documentation, `tls.connect` options
- PCI DSS v4.0.1 requirement 4.2.1
"#;

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for node in file.nodes_of_kinds(&["pair", "assignment_expression"]) {
        match node.kind() {
            "pair" => check_pair(file, node, out),
            _ => check_env_assignment(file, node, out),
        }
    }
    for &call in &file.model.calls {
        let Some(function) = call.field("function") else {
            continue;
        };
        if function.kind() == "member_expression"
            && function
                .field("property")
                .is_some_and(|p| file.text(p) == "disableTLSCerts")
        {
            let start = function
                .field("property")
                .map_or(call.start_byte(), |p| p.start_byte());
            out.push(Diagnostic::new(
                &RULE,
                start..call.end_byte(),
                "`disableTLSCerts()` accepts any certificate",
                "remove `disableTLSCerts()`; trust an internal CA with `.ca(pem)` instead",
            ));
        }
    }
}

fn check_pair<'t>(file: &JsFile<'t>, pair: Node<'t>, out: &mut Vec<Diagnostic>) {
    let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
        return;
    };
    let key = string_literal(file.text(key));
    let resolved = file.model.value(value);
    let (message, fix) = match key.as_str() {
        "rejectUnauthorized" if is_falsy(&resolved) => (
            "`rejectUnauthorized: false` accepts any certificate".to_string(),
            "remove `rejectUnauthorized: false`; pass the internal CA as `ca` instead",
        ),
        "strictSSL" if is_falsy(&resolved) => (
            "`strictSSL: false` accepts any certificate".to_string(),
            "remove `strictSSL: false`; pass the internal CA as `ca` instead",
        ),
        "NODE_TLS_REJECT_UNAUTHORIZED" if is_zero(&resolved) => (
            "`NODE_TLS_REJECT_UNAUTHORIZED` set to `0` turns off certificate checks for the whole process".to_string(),
            "remove the variable; use `NODE_EXTRA_CA_CERTS` to trust an internal CA",
        ),
        "checkServerIdentity" if accepts_everything(file, value) => (
            "`checkServerIdentity` accepts every host name".to_string(),
            "remove the override, or return an `Error` when the host does not match (`tls.checkServerIdentity(host, cert)`)",
        ),
        _ => return,
    };
    out.push(Diagnostic::new(&RULE, pair.byte_range(), message, fix));
}

fn is_falsy(value: &Value<'_>) -> bool {
    matches!(value, Value::Bool(false)) || matches!(value, Value::Number(n) if *n == 0.0)
}

fn is_zero(value: &Value<'_>) -> bool {
    matches!(value, Value::Number(n) if *n == 0.0)
        || value.as_str().is_some_and(|s| s.trim() == "0")
}

/// `() => undefined`, `() => {}`, `function () { return null; }`.
fn accepts_everything(file: &JsFile<'_>, value: Node<'_>) -> bool {
    let function = unwrap_expression(value);
    if !matches!(
        function.kind(),
        "arrow_function" | "function_expression" | "function"
    ) {
        return false;
    }
    let Some(body) = function.field("body") else {
        return false;
    };
    match body.kind() {
        "statement_block" => {
            let mut cursor = body.walk();
            let statements: Vec<Node<'_>> = body
                .named_children(&mut cursor)
                .filter(|n| n.kind() != "comment")
                .collect();
            match statements.as_slice() {
                [] => true,
                [only] if only.kind() == "return_statement" => only
                    .named_child(0)
                    .is_none_or(|v| matches!(v.kind(), "undefined" | "null")),
                _ => false,
            }
        }
        "undefined" | "null" => true,
        _ => file.text(body) == "void 0",
    }
}

/// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`.
fn check_env_assignment<'t>(file: &JsFile<'t>, node: Node<'t>, out: &mut Vec<Diagnostic>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let target = match left.kind() {
        "member_expression" => left.field("property").map(|p| file.text(p).to_string()),
        "subscript_expression" => left
            .field("index")
            .and_then(|i| file.model.value(i).as_str().map(str::to_string)),
        _ => None,
    };
    if target.as_deref() != Some("NODE_TLS_REJECT_UNAUTHORIZED")
        || !is_zero(&file.model.value(right))
    {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        node.byte_range(),
        "`NODE_TLS_REJECT_UNAUTHORIZED` set to `0` turns off certificate checks for the whole process",
        "remove the assignment; use `NODE_EXTRA_CA_CERTS` to trust an internal CA",
    ));
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for call in &body.method_calls {
            check_method(file, call, out);
        }
        for mac in &body.macros {
            for value in macro_values(mac) {
                if let MacroValue::Expr { expr, .. } = value {
                    let mut calls = MethodCalls(Vec::new());
                    calls.visit_expr(&expr);
                    for call in &calls.0 {
                        check_method(file, call, out);
                    }
                }
            }
        }
    }
    let mut verifiers = Verifiers { file, out };
    verifiers.visit_file(file.syntax);
}

struct MethodCalls(Vec<syn::ExprMethodCall>);

impl<'ast> Visit<'ast> for MethodCalls {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.0.push(call.clone());
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn check_method(file: &RustFile<'_>, call: &syn::ExprMethodCall, out: &mut Vec<Diagnostic>) {
    let method = call.method.to_string();
    let Some(argument) = call.args.first() else {
        return;
    };
    let (message, fix) = match method.as_str() {
        "danger_accept_invalid_certs" if is_bool(argument, true) => (
            "`danger_accept_invalid_certs(true)` accepts any certificate",
            "remove it; trust an internal CA with `add_root_certificate(..)` instead",
        ),
        "danger_accept_invalid_hostnames" if is_bool(argument, true) => (
            "`danger_accept_invalid_hostnames(true)` accepts a certificate for any host",
            "remove it; issue the certificate for the host name that is used",
        ),
        "verify_hostname" | "set_verify_hostname" if is_bool(argument, false) => (
            "host-name verification is turned off",
            "remove the call; issue the certificate for the host name that is used",
        ),
        "set_verify" if is_verify_none(argument) => (
            "`set_verify(SslVerifyMode::NONE)` accepts any certificate",
            "use `SslVerifyMode::PEER` and load the internal CA with `set_ca_file`",
        ),
        _ => return,
    };
    // From the method name on: the receiver chain may start lines above.
    let start = syn::spanned::Spanned::span(&call.method).byte_range().start;
    let end = file.range(call).end;
    out.push(Diagnostic::new(&RULE, start..end, message, fix));
}

fn is_bool(expression: &Expr, wanted: bool) -> bool {
    matches!(expression, Expr::Lit(lit) if matches!(&lit.lit, syn::Lit::Bool(b) if b.value == wanted))
}

fn is_verify_none(expression: &Expr) -> bool {
    matches!(expression, Expr::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "NONE")
            && path.path.segments.iter().any(|s| s.ident == "SslVerifyMode"))
}

/// rustls verifiers whose `verify_server_cert` accepts without checking.
struct Verifiers<'f, 'a> {
    file: &'f RustFile<'a>,
    out: &'f mut Vec<Diagnostic>,
}

impl<'ast> Visit<'ast> for Verifiers<'_, '_> {
    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let is_verifier = item.trait_.as_ref().is_some_and(|(path, _)| {
            path.segments
                .last()
                .is_some_and(|s| s.ident == "ServerCertVerifier")
        });
        if is_verifier {
            for impl_item in &item.items {
                let ImplItem::Fn(function) = impl_item else {
                    continue;
                };
                if function.sig.ident != "verify_server_cert" {
                    continue;
                }
                let statements: Vec<&Stmt> = function
                    .block
                    .stmts
                    .iter()
                    .filter(|s| !matches!(s, Stmt::Local(local) if is_underscore(&local.pat)))
                    .collect();
                let accepts = match statements.as_slice() {
                    [Stmt::Expr(expr, _)] => is_assertion(expr),
                    _ => false,
                };
                if accepts {
                    self.out.push(Diagnostic::new(
                        &RULE,
                        self.file.range(&function.sig),
                        "this `ServerCertVerifier` accepts every certificate: `verify_server_cert` returns `ServerCertVerified::assertion()` without checking",
                        "use `rustls_platform_verifier` or `WebPkiServerVerifier` with a root store that holds the internal CA",
                    ));
                }
            }
        }
        syn::visit::visit_item_impl(self, item);
    }
}

fn is_underscore(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::Wild(_))
}

/// `Ok(ServerCertVerified::assertion())`.
fn is_assertion(expression: &Expr) -> bool {
    let Expr::Call(call) = expression else {
        return false;
    };
    let is_ok = matches!(call.func.as_ref(), Expr::Path(p) if p.path.is_ident("Ok"));
    is_ok
        && call.args.first().is_some_and(|argument| {
            matches!(argument, Expr::Call(inner) if matches!(inner.func.as_ref(),
                Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "assertion")))
        })
}
