//! `jwt/algorithm-confusion`: one verifier accepting HMAC and public-key
//! algorithms at once.

use std::ops::Range;

use syn::Expr;

use super::rust_api::algorithm_names;
use super::{AlgorithmFamily, algorithm_family, jwt_calls, validations};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::JsFile;
use crate::lang::rust::RustFile;
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "jwt/algorithm-confusion",
    severity: Severity::High,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "JWT verifier accepts both HMAC and public-key algorithms",
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
Flags an accepted-algorithm list that mixes symmetric algorithms (`HS256`,
`HS384`, `HS512`) with asymmetric ones (`RS*`, `PS*`, `ES*`, `EdDSA`), in the
options of a JavaScript verifier or in a Rust `Validation`.

## Why is this bad
With one key variable serving both families, an attacker takes the server's
public RSA key, which is public, and uses it as an HMAC secret to sign a token
with `HS256`. A verifier that accepts `HS256` and `RS256` with the same key
checks that HMAC and lets the forged token in.

## Example
```js
jwt.verify(token, publicKey, { algorithms: ['RS256', 'HS256'] });
```
```rust
validation.algorithms = vec![Algorithm::RS256, Algorithm::HS256];
```

## Use instead
```js
jwt.verify(token, publicKey, { algorithms: ['RS256'] });
```

## Known problems
Lists assembled at run time are not seen. Two verifiers with separate keys,
one per family, are fine and are not flagged.

## References
- RFC 8725, JSON Web Token Best Current Practices, section 3.1
- CWE-347: Improper Verification of Cryptographic Signature
";

fn is_mixed<'n>(names: impl IntoIterator<Item = &'n str>) -> bool {
    let families: Vec<_> = names.into_iter().filter_map(algorithm_family).collect();
    families.contains(&AlgorithmFamily::Symmetric)
        && families.contains(&AlgorithmFamily::Asymmetric)
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    for call in jwt_calls(file) {
        let Some(list) = call.accepted_algorithms(file) else {
            continue;
        };
        if !is_mixed(list.names.iter().map(|(_, n)| n.as_str())) {
            continue;
        }
        let names: Vec<&str> = list.names.iter().map(|(_, n)| n.as_str()).collect();
        out.push(Diagnostic::new(
            &RULE,
            list.expression.byte_range(),
            format!(
                "{} accepts HMAC and public-key algorithms together ({})",
                call.callee,
                names.join(", ")
            ),
            "accept one family only: `['RS256']` with the public key, or `['HS256']` with a secret; use separate verifiers and keys if both are needed",
        ));
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    for validation in validations(file) {
        let names = |e: &Expr| -> Vec<String> {
            algorithm_names(file, validation.body, e)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        let mut accepted: Vec<String> = match validation.algorithm_argument {
            Some(argument) => names(argument),
            // `Validation::default()` accepts HS256.
            None if validation.default_algorithms => vec!["HS256".to_string()],
            None => Vec::new(),
        };
        let mut culprit: Range<usize> = validation.range.clone();
        // Replacements and additions, in the order they run.
        let mut changes: Vec<(Range<usize>, bool, Vec<&Expr>)> = Vec::new();
        for (field, value, range) in &validation.fields {
            if field == "algorithms" {
                changes.push((range.clone(), true, vec![*value]));
            }
        }
        for (method, arguments, range) in &validation.calls {
            match method.as_str() {
                "algorithms.push" | "algorithms.extend" | "algorithms.insert" => {
                    changes.push((range.clone(), false, arguments.clone()));
                }
                "algorithms.clear" => changes.push((range.clone(), true, Vec::new())),
                _ => {}
            }
        }
        changes.sort_by_key(|(range, _, _)| range.start);
        for (range, replaces, arguments) in changes {
            if replaces {
                accepted.clear();
            }
            accepted.extend(arguments.into_iter().flat_map(names));
            culprit = range;
        }
        if is_mixed(accepted.iter().map(String::as_str)) {
            out.push(Diagnostic::new(
                &RULE,
                culprit,
                format!(
                    "this `Validation` accepts HMAC and public-key algorithms together ({})",
                    accepted.join(", ")
                ),
                "accept one family only, for example `Validation::new(Algorithm::RS256)` with a `DecodingKey::from_rsa_pem` key",
            ));
        }
    }
}
