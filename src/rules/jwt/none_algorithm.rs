//! `jwt/none-algorithm`: `none` accepted or used as a JWT algorithm.

use syn::visit::Visit;

use super::js_api::method_chain;
use super::{Api, jwt_calls};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{JsFile, Property, Value, call_arguments};
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/none-algorithm",
    severity: Severity::Critical,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "`none` accepted or used as a JWT signing algorithm",
    docs: DOCS,
    cwe: &[347],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: super::TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags `'none'` (in any case) in the list of algorithms a verifier accepts, and
`none` used as the signing algorithm: `jsonwebtoken`'s `algorithm: 'none'`,
`jose`'s `UnsecuredJWT` or `setProtectedHeader({ alg: 'none' })`, and in Rust
the `jwt` crate's `AlgorithmType::None` and `biscuit`'s
`SignatureAlgorithm::None` used to build or accept a token (a `match` arm or
a comparison that rejects them is fine).

## Why is this bad
A token with `alg: none` carries no signature. A verifier that accepts it
accepts a token anyone can write, for any user, with any claims.

## Example
```js
jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
```

## Use instead
```js
jwt.verify(token, key, { algorithms: ['HS256'] });
```

## Known problems
Algorithm lists built at run time (read from configuration) are not seen.
The string `none` elsewhere (a CSS value, a log level) is never flagged.

## References
- RFC 8725, JSON Web Token Best Current Practices, section 3.1
- CWE-347: Improper Verification of Cryptographic Signature
";

fn is_none(name: &str) -> bool {
    name.eq_ignore_ascii_case("none")
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        if let Some(list) = call.accepted_algorithms(file) {
            for (node, name) in &list.names {
                if is_none(name) {
                    out.push(Diagnostic::new(
                        &RULE,
                        node.byte_range(),
                        format!("{} accepts unsigned tokens: `'{name}'` is in its `algorithms`", call.callee),
                        format!("remove `'{name}'` from the `algorithms` of {}; keep only the algorithm your issuer signs with", call.callee),
                    ));
                }
            }
        }
        if let Some((node, name)) = call.signing_algorithm(file)
            && is_none(&name)
        {
            out.push(Diagnostic::new(
                    &RULE,
                    node.byte_range(),
                    format!("{} issues unsigned tokens (`algorithm: '{name}'`)", call.callee),
                    "sign with a real algorithm, for example `algorithm: 'RS256'` or `'HS256'` with a strong secret",
                ));
        }
        match call.api {
            Api::JoseUnsecured => out.push(Diagnostic::new(
                &RULE,
                call.node.byte_range(),
                "`UnsecuredJWT` builds or reads tokens with `alg: none`",
                "use `SignJWT` to issue and `jwtVerify` with pinned `algorithms` to accept tokens",
            )),
            Api::JoseSign => check_protected_header(file, &call, out),
            _ => {}
        }
    }
}

/// `new SignJWT(p).setProtectedHeader({ alg: 'none' })`.
fn check_protected_header<'t>(
    file: &JsFile<'t>,
    call: &super::JwtCall<'t>,
    out: &mut Vec<Diagnostic>,
) {
    for (method, chained) in method_chain(file, call.node) {
        if method != "setProtectedHeader" {
            continue;
        }
        let Some(header) = call_arguments(chained)
            .first()
            .and_then(|a| file.model.object(*a))
        else {
            continue;
        };
        let Property::Set(alg) = file.model.property(header, "alg") else {
            continue;
        };
        if let Value::Str { text, node } = file.model.value(alg)
            && is_none(&text)
        {
            out.push(Diagnostic::new(
                &RULE,
                node.byte_range(),
                "`SignJWT` issues unsigned tokens (`alg: 'none'`)",
                "set a real algorithm in `setProtectedHeader`, for example `{ alg: 'RS256' }`",
            ));
        }
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    struct NonePaths<'f, 'a> {
        file: &'f RustFile<'a>,
        out: &'f mut Vec<Diagnostic>,
    }
    impl<'ast> Visit<'ast> for NonePaths<'_, '_> {
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            let model = &self.file.model;
            let unsigned = model.path_is(&path.path, "jwt", &["AlgorithmType", "None"])
                || model.path_is(&path.path, "biscuit", &["SignatureAlgorithm", "None"]);
            if unsigned {
                self.out.push(Diagnostic::new(
                    &RULE,
                    self.file.range(path),
                    "tokens are issued or accepted with the `none` algorithm",
                    "use a signed algorithm such as `HS256` with a strong key, or `RS256`",
                ));
            }
            syn::visit::visit_expr_path(self, path);
        }

        // `AlgorithmType::None =>` in a `match` and `alg == AlgorithmType::None`
        // are how code rejects unsigned tokens.
        fn visit_pat(&mut self, _: &'ast syn::Pat) {}

        fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
            if !matches!(binary.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
                syn::visit::visit_expr_binary(self, binary);
            }
        }
    }
    NonePaths { file, out }.visit_file(file.syntax);
}
