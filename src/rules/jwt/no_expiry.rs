//! `jwt/no-expiry`: tokens issued without an expiry, or with one measured in
//! days.

use syn::visit::Visit;
use syn::{Expr, Type};
use tree_sitter::Node;

use super::js_api::method_chain;
use super::rust_api::int_value;
use super::{Api, JwtCall, Options, duration_seconds, jwt_calls, mentions_refresh};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FieldAccess, JsFile, Property, Value, call_arguments, enclosing_function};
use crate::lang::rust::{FnBody, RustFile};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/no-expiry",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT issued without an expiry or with one over 24 hours",
    docs: DOCS,
    cwe: &[613],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.2.8"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags tokens signed with no expiry: `jsonwebtoken`'s `sign` without
`expiresIn` and without `exp` in the payload, `@nestjs/jwt` and
`@fastify/jwt` registered without a signing `expiresIn`, `jose`'s `SignJWT`
chains without `setExpirationTime`; and access tokens that live longer than
24 hours. In Rust it flags `jsonwebtoken::encode` of a claims struct,
defined in the same file, that has no `exp` field (serde renames and
`#[serde(flatten)]` respected), of a `json!` payload without `exp`, an `exp`
more than 24 hours ahead, and `jwt-simple` claims created for longer than
24 hours. Code that says it issues refresh tokens may give them a long life.

## Why is this bad
A token without an expiry is a password that never changes and cannot be
revoked: once it leaks (logs, browser storage, a proxy) it works forever.

## Example
```js
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET);
```

## Use instead
```js
const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '15m' });
```

## Known problems
Payloads and options built elsewhere are unknown, and the rule stays silent.
Long-lived tokens in code that says it is about refresh tokens are accepted.
Claims structs defined in another file are not looked up. Two structs of
the same name in one file are merged, so a test struct without `exp` next to
a real one with it is missed.

## References
- RFC 8725, JSON Web Token Best Current Practices
- CWE-613: Insufficient Session Expiration
- PCI DSS v4.0.1 requirement 8.2.8
";

/// Access tokens should not outlive a working day.
const MAX_ACCESS_TOKEN_SECONDS: f64 = 86_400.0;

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        match call.api {
            Api::Sign | Api::NestSign | Api::NestModule | Api::FastifyPlugin => {
                check_sign_options(file, &call, out);
            }
            Api::JoseSign => check_jose_chain(file, &call, out),
            _ => {}
        }
    }
}

fn check_sign_options<'t>(file: &JsFile<'t>, call: &JwtCall<'t>, out: &mut Vec<Diagnostic>) {
    let Some(options) = call.sign_options(file) else {
        return;
    };
    let callee = &call.callee;
    match options.property(file, "expiresIn") {
        Property::Set(value) => check_lifetime(file, call, value, out),
        Property::Unknown => {}
        Property::Missing => {
            if matches!(options, Options::Unknown) || payload_may_expire(file, call) {
                return;
            }
            let (message, fix) = match call.api {
                Api::NestModule => (
                    format!(
                        "{callee} sets no `signOptions.expiresIn`: tokens it signs never expire"
                    ),
                    "add `signOptions: { expiresIn: '15m' }`".to_string(),
                ),
                Api::FastifyPlugin => (
                    "`@fastify/jwt` is registered without `sign.expiresIn`: tokens never expire"
                        .to_string(),
                    "add `sign: { expiresIn: '15m' }` to the plugin options".to_string(),
                ),
                // Nest's per-call options fall back to the module's.
                Api::NestSign => return,
                _ => (
                    format!("{callee} issues a token that never expires"),
                    format!(
                        "pass `{{ expiresIn: '15m' }}` (minutes, not days) in the options of {callee}"
                    ),
                ),
            };
            out.push(Diagnostic::new(&RULE, call.node.byte_range(), message, fix));
        }
    }
}

/// Whether the payload sets `exp` itself, or may: anything but an object
/// literal without `exp` counts as "may".
fn payload_may_expire<'t>(file: &JsFile<'t>, call: &JwtCall<'t>) -> bool {
    let Some(payload) = call.payload else {
        // Module-level settings have no payload; nothing sets `exp` there.
        return !matches!(call.api, Api::NestModule | Api::FastifyPlugin);
    };
    match file.model.value(payload) {
        Value::Object(object) => !matches!(file.model.property(object, "exp"), Property::Missing),
        _ => true,
    }
}

fn check_lifetime<'t>(
    file: &JsFile<'t>,
    call: &JwtCall<'t>,
    value: Node<'t>,
    out: &mut Vec<Diagnostic>,
) {
    let seconds = match file.model.value(value) {
        // fast-jwt, behind @fastify/jwt, counts numbers in milliseconds.
        Value::Number(n) if call.api == Api::FastifyPlugin => n / 1000.0,
        Value::Number(n) => n,
        Value::Str { text, .. } => match duration_seconds(&text) {
            Some(seconds) => seconds,
            None => return,
        },
        _ => return,
    };
    if seconds <= MAX_ACCESS_TOKEN_SECONDS || is_refresh_context(file, call.node) {
        return;
    }
    let range = value
        .parent()
        .filter(|p| p.kind() == "pair")
        .unwrap_or(value)
        .byte_range();
    out.push(Diagnostic::new(
        &RULE,
        range,
        format!(
            "{} issues access tokens that live longer than 24 hours",
            call.callee
        ),
        "use a short `expiresIn` such as `'15m'` and a separate refresh token for long sessions",
    ));
}

/// Code that says it issues refresh tokens may give them a long life.
fn is_refresh_context(file: &JsFile<'_>, node: Node<'_>) -> bool {
    let line = file.source.line_text(file.line_of(node));
    let function_name = enclosing_function(node)
        .and_then(|f| {
            f.field("name").or_else(|| {
                // `const issueRefresh = (..) => ..`
                f.parent()
                    .filter(|p| p.kind() == "variable_declarator")
                    .and_then(|p| p.field("name"))
            })
        })
        .map_or("", |n| file.text(n));
    mentions_refresh(line) || mentions_refresh(function_name)
}

/// `new SignJWT(payload)...sign(key)` with no `setExpirationTime`.
fn check_jose_chain<'t>(file: &JsFile<'t>, call: &JwtCall<'t>, out: &mut Vec<Diagnostic>) {
    let chain = method_chain(file, call.node);
    if !chain.iter().any(|(method, _)| *method == "sign") {
        return;
    }
    if let Some((_, set_expiration)) = chain.iter().find(|(m, _)| *m == "setExpirationTime") {
        if let Some(argument) = call_arguments(*set_expiration).first() {
            // Numbers are absolute timestamps; only spans are checked.
            if let Value::Str { text, .. } = file.model.value(*argument) {
                let too_long =
                    duration_seconds(&text).is_some_and(|s| s > MAX_ACCESS_TOKEN_SECONDS);
                if too_long && !is_refresh_context(file, call.node) {
                    out.push(Diagnostic::new(
                        &RULE,
                        set_expiration.byte_range(),
                        "`SignJWT` issues access tokens that live longer than 24 hours",
                        "use a short span such as `setExpirationTime('15m')` and a refresh token for long sessions",
                    ));
                }
            }
        }
        return;
    }
    if payload_may_expire(file, call) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        call.node.byte_range(),
        "`SignJWT` issues a token that never expires",
        "add `.setExpirationTime('15m')` to the chain before `.sign(key)`",
    ));
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for body in &file.model.functions {
        for call in &body.calls {
            let Expr::Path(path) = call.func.as_ref() else {
                continue;
            };
            let model = &file.model;
            if model.path_is(&path.path, "jsonwebtoken", &["encode"]) {
                if let Some(claims) = call.args.iter().nth(1) {
                    check_rust_claims(file, body, call, claims, out);
                }
            } else if model.path_is(&path.path, "jwt_simple", &["Claims", "create"])
                || model.path_is(&path.path, "jwt_simple", &["Claims", "with_custom_claims"])
            {
                // jwt-simple derives `exp` from the duration it is given.
                let Some(duration) = call.args.last() else {
                    continue;
                };
                if is_long_lived(file, body, duration, file.range(*call)) {
                    out.push(Diagnostic::new(
                        &RULE,
                        file.range(duration),
                        "`Claims` for an access token that lives longer than 24 hours",
                        "use a short duration such as `Duration::from_mins(15)` and a refresh token for long sessions",
                    ));
                }
            }
        }
    }
}

fn check_rust_claims(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    call: &syn::ExprCall,
    claims: &Expr,
    out: &mut Vec<Diagnostic>,
) {
    let value = claims_value(body, claims, 0);
    // `json!` or `serde_json::json!`
    if let Some(Expr::Macro(mac)) = value
        && mac
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "json")
    {
        if json_keys(&mac.mac).is_some_and(|keys| !keys.iter().any(|k| k == "exp")) {
            out.push(Diagnostic::new(
                &RULE,
                file.range(call),
                "`encode` signs a `json!` payload with no `exp`: the token never expires",
                "add `\"exp\": now + 15 * 60` (seconds since the epoch) to the payload",
            ));
        }
        return;
    }
    if let Some(Expr::Struct(literal)) = value {
        let exp = literal
            .fields
            .iter()
            .find(|f| matches!(&f.member, syn::Member::Named(n) if n == "exp"));
        if let Some(exp) = exp
            && is_long_lived(file, body, &exp.expr, file.range(exp))
        {
            out.push(Diagnostic::new(
                &RULE,
                file.range(exp),
                "`encode` signs an access token whose `exp` is more than 24 hours ahead",
                "set `exp` to now plus a few minutes and issue a separate refresh token for long sessions",
            ));
        }
    }
    let Some(struct_name) = claims_type(body, claims) else {
        return;
    };
    let Some(info) = file.model.struct_info(&struct_name) else {
        return;
    };
    if info.has_flatten || info.fields.iter().any(|f| f == "exp") {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        file.range(call),
        format!(
            "`encode` signs `{struct_name}`, which has no `exp` field: the token never expires"
        ),
        format!("add `exp: usize` to `{struct_name}` and set it to now plus a few minutes"),
    ));
}

/// The expression claims were written as: through `&`, parentheses and
/// `let` bindings.
fn claims_value<'a>(body: &FnBody<'a>, expression: &'a Expr, depth: usize) -> Option<&'a Expr> {
    if depth > 8 {
        return None;
    }
    match expression {
        Expr::Reference(r) => claims_value(body, &r.expr, depth + 1),
        Expr::Paren(p) => claims_value(body, &p.expr, depth + 1),
        Expr::Path(path) => {
            let init = body.init_of(&path.path.get_ident()?.to_string())?;
            claims_value(body, init, depth + 1)
        }
        other => Some(other),
    }
}

/// The top-level keys of a `json!({ .. })` object; `None` when the macro
/// is not an object of string keys.
fn json_keys(mac: &syn::Macro) -> Option<Vec<String>> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut tokens = mac.tokens.clone().into_iter();
    let Some(TokenTree::Group(object)) = tokens.next() else {
        return None;
    };
    if object.delimiter() != Delimiter::Brace || tokens.next().is_some() {
        return None;
    }
    let mut keys = Vec::new();
    let mut expect_key = true;
    let mut entries = object.stream().into_iter().peekable();
    while let Some(token) = entries.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == ',' => expect_key = true,
            TokenTree::Literal(literal) if expect_key => {
                let key: syn::LitStr = syn::parse2(TokenTree::Literal(literal).into()).ok()?;
                let colon =
                    matches!(entries.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if !colon {
                    return None;
                }
                keys.push(key.value());
                expect_key = false;
            }
            _ if expect_key => return None,
            _ => {}
        }
    }
    Some(keys)
}

/// Whether a token lifetime written in `expression` exceeds 24 hours,
/// outside code that says it is about refresh tokens.
fn is_long_lived(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    at: std::ops::Range<usize>,
) -> bool {
    // Spans past `u32::MAX` seconds (136 years) are long too.
    let too_long = span_seconds(file, body, expression, 0).is_some_and(|s| {
        u32::try_from(s).map_or(true, |s| f64::from(s) > MAX_ACCESS_TOKEN_SECONDS)
    });
    let line = file.source.line_text(file.source.position(at.start).line);
    too_long && !mentions_refresh(&body.name) && !mentions_refresh(line)
}

/// The longest time span an expression adds: `Duration::days(30)`,
/// `Duration::from_secs(3600)`, or `now + 60 * 60 * 24`.
fn span_seconds(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Option<u64> {
    struct Spans<'f, 'b, 'a> {
        file: &'f RustFile<'a>,
        body: &'b FnBody<'a>,
        depth: usize,
        longest: Option<u64>,
    }
    impl Spans<'_, '_, '_> {
        fn found(&mut self, seconds: Option<u64>) {
            if let Some(seconds) = seconds {
                self.longest = Some(self.longest.map_or(seconds, |l| l.max(seconds)));
            }
        }
    }
    impl<'ast> Visit<'ast> for Spans<'_, '_, '_> {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let (Expr::Path(path), Some(argument)) = (call.func.as_ref(), call.args.first()) {
                let name = path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let unit = match name.trim_start_matches("try_").trim_start_matches("from_") {
                    "secs" | "seconds" => Some(1),
                    "mins" | "minutes" => Some(60),
                    "hours" => Some(3600),
                    "days" => Some(86_400),
                    "weeks" => Some(604_800),
                    _ => None,
                };
                if let Some(unit) = unit {
                    let count = int_value(self.file, self.body, argument);
                    self.found(count.and_then(|c| c.checked_mul(unit)));
                }
            }
            syn::visit::visit_expr_call(self, call);
        }

        fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
            // `now + 3600`: a span added to a time. Two known numbers are an
            // absolute timestamp or a sum, not a span after now.
            if matches!(binary.op, syn::BinOp::Add(_)) {
                let left = int_value(self.file, self.body, &binary.left);
                let right = int_value(self.file, self.body, &binary.right);
                if left.is_none() || right.is_none() {
                    self.found(left.or(right));
                }
            }
            syn::visit::visit_expr_binary(self, binary);
        }

        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            let init = path
                .path
                .get_ident()
                .and_then(|n| self.body.init_of(&n.to_string()));
            if let (Some(init), true) = (init, self.depth < 8) {
                self.found(span_seconds(self.file, self.body, init, self.depth + 1));
            }
        }
    }
    let mut spans = Spans {
        file,
        body,
        depth,
        longest: None,
    };
    spans.visit_expr(expression);
    spans.longest
}

/// The struct name of the claims passed to `encode`: a struct literal, or a
/// binding whose `let` or parameter type names it.
fn claims_type(body: &FnBody<'_>, expression: &Expr) -> Option<String> {
    match expression {
        Expr::Reference(r) => claims_type(body, &r.expr),
        Expr::Paren(p) => claims_type(body, &p.expr),
        Expr::Struct(literal) => literal.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            if let Some(ty) = body.type_of(&name) {
                return type_name(ty);
            }
            match body.init_of(&name)? {
                Expr::Struct(literal) => literal.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(r) => type_name(&r.elem),
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}
