//! `openapi/weak-oauth-flow`: OAuth 2 flows that current practice retires.

use crate::finding::{Diagnostic, Severity};
use crate::lang::openapi::{Node, OpenApiFile, Version};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "openapi/weak-oauth-flow",
    severity: Severity::Medium,
    languages: &[LanguageFamily::OpenApi],
    summary: "OAuth 2 implicit or password flow",
    docs: DOCS,
    cwe: &[287],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.1"],
    triggers: super::TRIGGERS,
    checks: Checks {
        openapi: Some(check),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags OAuth 2 security schemes that offer the `implicit` or `password`
(resource owner password credentials) flow: `flows.implicit` and
`flows.password` in OpenAPI 3, `flow: implicit` and `flow: password` in
Swagger 2.0.

## Why is this bad
The implicit flow returns access tokens in the URL fragment, where browser
history, extensions and referrers can read them, with no way to bind them to
the client. The password flow hands the user's password to the client
application and rules out MFA and single sign-on. The OAuth 2.0 Security Best
Current Practice forbids both.

## Example
```yaml
oauth:
  type: oauth2
  flows:
    implicit:
      authorizationUrl: https://idp.example.com/authorize
```

## Use instead
```yaml
oauth:
  type: oauth2
  flows:
    authorizationCode:
      authorizationUrl: https://idp.example.com/authorize
      tokenUrl: https://idp.example.com/token
```
with PKCE on the client.

## Known problems
Flows declared but never used by an operation are flagged too: they are
still offered to clients that read the contract.

## References
- RFC 9700, OAuth 2.0 Security Best Current Practice, sections 2.1.2 and 2.4
- CWE-287: Improper Authentication
";

fn check(file: &OpenApiFile<'_>, out: &mut Vec<Diagnostic>) {
    for scheme in file.schemes() {
        let is_oauth = scheme
            .node
            .get("type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("oauth2"));
        if !is_oauth {
            continue;
        }
        let weak: Vec<(&str, std::ops::Range<usize>)> = match file.version {
            Version::OpenApi3 => scheme
                .node
                .get("flows")
                .map(|flows| {
                    flows
                        .entries()
                        .iter()
                        .filter(|e| matches!(e.key.as_str(), "implicit" | "password"))
                        .map(|e| (e.key.as_str(), e.key_range.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            Version::Swagger2 => scheme
                .node
                .get("flow")
                .filter(|f| matches!(f.as_str(), Some("implicit" | "password")))
                .map(|f| vec![(f.as_str().unwrap_or_default(), f.range.clone())])
                .unwrap_or_default(),
        };
        for (flow, range) in weak {
            out.push(Diagnostic::new(
                &RULE,
                range,
                format!("OAuth 2 scheme `{}` offers the `{flow}` flow", scheme.name),
                format!(
                    "remove the `{flow}` flow from `{}`; use `authorizationCode` with PKCE",
                    scheme.name
                ),
            ));
        }
    }
}
