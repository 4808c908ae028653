//! `jwt/missing-algorithms`: token verification that lets the token choose
//! its own algorithm.

use syn::Expr;
use syn::visit::Visit;
use tree_sitter::Node;

use super::rust_api::{algorithm_names, is_empty_list, macro_list};
use super::{Api, JwtCall, Options, jwt_calls, validations};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{Binding, FieldAccess, JsFile, Property, unwrap_expression};
use crate::lang::rust::{FnBody, RustFile};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/missing-algorithms",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT verification without an algorithm whitelist",
    docs: DOCS,
    cwe: &[347, 327],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2", "6.2.4"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags token verification that does not pin the accepted signing algorithms:
`jsonwebtoken`'s `verify` with no options or options without `algorithms`;
`express-jwt`, `koa-jwt`, `passport-jwt`, `@fastify/jwt` and `@nestjs/jwt`
set-ups without an algorithm list; `jose`'s `jwtVerify` without `algorithms`
when its key does not fix the algorithm (a shared secret or a `KeyObject`);
and a Rust `jsonwebtoken::Validation` whose `algorithms` list is emptied or
taken from the unverified token header (`Validation::new(header.alg)`, also
through `let`, `match` or a `&Header` parameter), unless the same function
first compares `header.alg` with a fixed `Algorithm`.

## Why is this bad
A JWT names its own algorithm in its header. A verifier that accepts whatever
the header says can be talked into checking an HMAC signature with a public
RSA key as the secret (algorithm confusion), or, on older libraries, into
accepting `none`. Pinning the algorithm is the fix RFC 8725 asks for.

## Example
```js
const jwt = require('jsonwebtoken');
const user = jwt.verify(token, publicKey);
```
```rust
let header = decode_header(&token)?;
let validation = Validation::new(header.alg);
```

## Use instead
```js
const user = jwt.verify(token, publicKey, { algorithms: ['RS256'] });
```
```rust
let validation = Validation::new(Algorithm::RS256);
```

## Known problems
Options built by a function or imported from another module are unknown, and
the rule stays silent on them. `@nestjs/jwt`'s `JwtService#verify` inherits
the module's options, so only `JwtModule.register` is checked. Recent
releases of the Rust `jsonwebtoken` crate refuse a key whose family differs
from the token's algorithm, which narrows (but does not remove) the risk of a
header-chosen algorithm; the rule still asks for a pinned one.

## References
- RFC 8725, JSON Web Token Best Current Practices, section 3.1
- CWE-347: Improper Verification of Cryptographic Signature
- OWASP API Security Top 10 2023, API2: Broken Authentication
";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        let Some(options) = call.verify_options(file) else {
            continue;
        };
        let lacks_algorithms = match call.api {
            Api::JoseVerify => {
                matches!(options.property(file, "algorithms"), Property::Missing)
                    && key_leaves_algorithm_open(file, &call)
            }
            Api::NestVerify => false,
            _ => matches!(options.property(file, "algorithms"), Property::Missing),
        };
        if !lacks_algorithms {
            continue;
        }
        out.push(diagnostic_for(file, &call, options));
    }
}

fn diagnostic_for<'t>(file: &JsFile<'t>, call: &JwtCall<'t>, options: Options<'t>) -> Diagnostic {
    let callee = &call.callee;
    let range = call.node.byte_range();
    let origin = call.options_origin(file);
    let (message, fix) = match (call.api, options) {
        (Api::Verify, Options::Absent) => (
            format!("{callee} accepts any algorithm the token names"),
            format!(
                "pass `{{ algorithms: ['RS256'] }}` (the algorithm your issuer signs with) as the third argument of {callee}"
            ),
        ),
        (Api::Verify | Api::JoseVerify, _) => (
            format!("{callee} accepts any algorithm the token names: {origin} set no `algorithms`"),
            format!("add `algorithms: ['RS256']` (the algorithm your issuer signs with) to {origin}"),
        ),
        (Api::FastifyPlugin, _) => (
            "`@fastify/jwt` is registered without `verify.algorithms`".to_string(),
            "add `verify: { algorithms: ['HS256'] }` (the algorithm you sign with) to the plugin options".to_string(),
        ),
        (Api::NestModule, _) => (
            format!("{callee} sets no `verifyOptions.algorithms`"),
            "add `verifyOptions: { algorithms: ['HS256'] }` (the algorithm you sign with)".to_string(),
        ),
        _ => (
            format!("{callee} is configured without an algorithm whitelist"),
            format!("add `algorithms: ['RS256']` (the algorithm your issuer signs with) to the options of {callee}"),
        ),
    };
    Diagnostic::new(&RULE, range, message, fix)
}

/// jose checks the key type against the header, so a key imported for one
/// algorithm (`importSPKI(pem, 'RS256')`, a JWKS) is safe; a raw secret or a
/// `KeyObject` leaves a family of algorithms open.
fn key_leaves_algorithm_open<'t>(file: &JsFile<'t>, call: &JwtCall<'t>) -> bool {
    let Some(key) = call.key else {
        return false;
    };
    let key = resolved_initializer(file, key);
    if !matches!(key.kind(), "call_expression" | "new_expression") {
        return false;
    }
    let callee = key.field("function").map_or("", |f| file.text(f));
    let name = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        name,
        "encode" | "createSecretKey" | "createPublicKey" | "from"
    ) && (callee.contains("TextEncoder") || callee.contains("Buffer") || name.starts_with("create"))
}

/// Follows an identifier to the expression it was declared with.
fn resolved_initializer<'t>(file: &JsFile<'t>, expression: Node<'t>) -> Node<'t> {
    let mut current = unwrap_expression(expression);
    for _ in 0..8 {
        if current.kind() != "identifier" {
            break;
        }
        match file.model.binding(file.text(current), current) {
            Some(Binding::Value(value)) => {
                current = unwrap_expression(*value);
            }
            _ => break,
        }
    }
    current
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for validation in validations(file) {
        let body = validation.body;
        // A header whose `alg` was compared with a pinned one is no longer
        // the token's choice.
        let from_header =
            |e: &Expr| reads_token_header(file, body, e) && !alg_is_checked(file, body);
        if let Some(argument) = validation.algorithm_argument
            && from_header(argument)
        {
            out.push(Diagnostic::new(
                &RULE,
                file.range(argument),
                "the `Validation` takes its algorithm from the unverified token header",
                "pin the algorithm your issuer uses: `Validation::new(Algorithm::RS256)`",
            ));
        }
        // An emptied list rejects every token until something is put back.
        let refilled_after = |position: usize| {
            let pushed = validation.calls.iter().any(|(method, _, range)| {
                range.start > position
                    && matches!(
                        method.as_str(),
                        "algorithms.push" | "algorithms.extend" | "algorithms.insert"
                    )
            });
            let assigned = validation.fields.iter().any(|(field, value, range)| {
                range.start > position && field == "algorithms" && !is_empty_list(value)
            });
            pushed || assigned
        };
        for (field, value, range) in &validation.fields {
            if field != "algorithms" {
                continue;
            }
            if is_empty_list(value) && !refilled_after(range.start) {
                out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "the `Validation`'s `algorithms` list is emptied",
                    "keep exactly the algorithm your issuer uses: `validation.algorithms = vec![Algorithm::RS256]`",
                ));
            } else if from_header(value) {
                out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "the `Validation`'s `algorithms` come from the unverified token header",
                    "pin the algorithm your issuer uses: `validation.algorithms = vec![Algorithm::RS256]`",
                ));
            }
        }
        for (method, arguments, range) in &validation.calls {
            let adds = matches!(
                method.as_str(),
                "algorithms.push" | "algorithms.extend" | "algorithms.insert"
            );
            let emptied = method == "algorithms.clear" && !refilled_after(range.start);
            if emptied {
                out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "the `Validation`'s `algorithms` list is cleared and nothing is put back",
                    "keep exactly the algorithm your issuer uses: `Validation::new(Algorithm::RS256)`",
                ));
            } else if adds && arguments.iter().any(|a| from_header(a)) {
                out.push(Diagnostic::new(
                    &RULE,
                    range.clone(),
                    "the `Validation` also accepts the algorithm the unverified token header names",
                    "pin the algorithm your issuer uses: `Validation::new(Algorithm::RS256)`",
                ));
            }
        }
    }
}

/// Whether an expression reads `.alg` from a header that `decode_header`
/// returned, directly or through `let`s and `vec![..]`.
fn reads_token_header(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr) -> bool {
    struct AlgReads<'m, 'b, 'a> {
        file: &'m RustFile<'a>,
        body: &'b FnBody<'a>,
        depth: usize,
        found: bool,
    }
    impl<'ast> Visit<'ast> for AlgReads<'_, '_, '_> {
        fn visit_expr_field(&mut self, field: &'ast syn::ExprField) {
            let is_alg = matches!(&field.member, syn::Member::Named(m) if m == "alg");
            if is_alg && from_decode_header(self.file, self.body, &field.base, 0) {
                self.found = true;
            }
            syn::visit::visit_expr_field(self, field);
        }

        // `let alg = header.alg; Validation::new(alg)`
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            let init = path
                .path
                .get_ident()
                .and_then(|name| self.body.init_of(&name.to_string()));
            if let (Some(init), true) = (init, self.depth < 8) {
                self.found |= reads_token_header_at(self.file, self.body, init, self.depth + 1);
            }
        }

        fn visit_expr_macro(&mut self, mac: &'ast syn::ExprMacro) {
            for item in macro_list(&mac.mac) {
                self.visit_expr(&item);
            }
        }
    }
    fn reads_token_header_at(
        file: &RustFile<'_>,
        body: &FnBody<'_>,
        expression: &Expr,
        depth: usize,
    ) -> bool {
        let mut visitor = AlgReads {
            file,
            body,
            depth,
            found: false,
        };
        visitor.visit_expr(expression);
        visitor.found
    }
    reads_token_header_at(file, body, expression, 0)
}

fn from_decode_header(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> bool {
    if depth > 8 {
        return false;
    }
    match expression {
        Expr::Call(call) => matches!(call.func.as_ref(),
            Expr::Path(p) if file.model.path_is(&p.path, "jsonwebtoken", &["decode_header"])),
        Expr::Try(inner) => from_decode_header(file, body, &inner.expr, depth + 1),
        Expr::Paren(inner) => from_decode_header(file, body, &inner.expr, depth + 1),
        Expr::Reference(inner) => from_decode_header(file, body, &inner.expr, depth + 1),
        Expr::MethodCall(call) => from_decode_header(file, body, &call.receiver, depth + 1),
        // `match decode_header(..) { Ok(h) => h, Err(_) => return .. }`
        Expr::Match(inner) => from_decode_header(file, body, &inner.expr, depth + 1),
        Expr::Path(path) => path.path.get_ident().is_some_and(|name| {
            let name = name.to_string();
            match body.init_of(&name) {
                Some(init) => from_decode_header(file, body, init, depth + 1),
                // A parameter typed `&jsonwebtoken::Header` is a token's header.
                None => body
                    .type_of(&name)
                    .is_some_and(|ty| is_header_type(file, ty)),
            }
        }),
        _ => false,
    }
}

fn is_header_type(file: &RustFile<'_>, ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => is_header_type(file, &reference.elem),
        syn::Type::Path(path) => file.model.path_is(&path.path, "jsonwebtoken", &["Header"]),
        _ => false,
    }
}

/// Whether the function compares a token header's `alg` with a named
/// algorithm: `header.alg != Algorithm::RS256`, `match header.alg {
/// Algorithm::RS256 => .. }` or `matches!(header.alg, Algorithm::RS256)`.
fn alg_is_checked(file: &RustFile<'_>, body: &FnBody<'_>) -> bool {
    let names_algorithm = |e: &Expr| !algorithm_names(file, body, e).is_empty();
    let compared = body.comparisons.iter().any(|binary| {
        (reads_token_header(file, body, &binary.left) && names_algorithm(&binary.right))
            || (reads_token_header(file, body, &binary.right) && names_algorithm(&binary.left))
    });
    let matched = body.matches.iter().any(|m| {
        reads_token_header(file, body, &m.expr)
            && m.arms.iter().any(|arm| pattern_names_algorithm(&arm.pat))
    });
    let macro_matched = body
        .macros
        .iter()
        .filter(|mac| mac.path.is_ident("matches"))
        .any(|mac| {
            let parsed = mac.parse_body_with(|input: syn::parse::ParseStream<'_>| {
                let scrutinee: Expr = input.parse()?;
                input.parse::<syn::Token![,]>()?;
                let pattern = syn::Pat::parse_multi_with_leading_vert(input)?;
                input.parse::<proc_macro2::TokenStream>()?;
                Ok((scrutinee, pattern))
            });
            parsed.is_ok_and(|(scrutinee, pattern)| {
                reads_token_header(file, body, &scrutinee) && pattern_names_algorithm(&pattern)
            })
        });
    compared || matched || macro_matched
}

fn pattern_names_algorithm(pattern: &syn::Pat) -> bool {
    struct AlgorithmPaths(bool);
    impl<'ast> Visit<'ast> for AlgorithmPaths {
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            let segments = &path.path.segments;
            self.0 |= segments.len() >= 2 && segments[segments.len() - 2].ident == "Algorithm";
        }
    }
    let mut visitor = AlgorithmPaths(false);
    visitor.visit_pat(pattern);
    visitor.0
}
