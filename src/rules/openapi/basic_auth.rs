//! `openapi/basic-auth`: HTTP Basic authentication in a contract.

use crate::finding::{Diagnostic, Severity};
use crate::lang::openapi::{Node, OpenApiFile, Version};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "openapi/basic-auth",
    severity: Severity::Medium,
    languages: &[LanguageFamily::OpenApi],
    summary: "API secured with HTTP Basic authentication",
    docs: DOCS,
    cwe: &[522],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: super::TRIGGERS,
    checks: Checks {
        openapi: Some(check),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags a security scheme of `type: http` with `scheme: basic` (OpenAPI 3) or
`type: basic` (Swagger 2.0) that some operation, or the global `security`
list, requires. Unused definitions are left alone.

## Why is this bad
Basic authentication sends a long-lived password with every request, in a
header anyone on the path or in a log can decode. There is no expiry, no
scope and no second factor, and every client holds the real password.

## Example
```yaml
components:
  securitySchemes:
    basic:
      type: http
      scheme: basic
```

## Use instead
```yaml
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
```

## Known problems
A scheme defined in another file through a relative `$ref` is followed and
reported at its name in the document that lists it; schemes behind URL
references (`https://...`) are never fetched.

## References
- CWE-522: Insufficiently Protected Credentials
- OpenAPI Specification 3.1, Security Scheme Object
";

pub fn is_basic(version: Version, scheme: &Node) -> bool {
    let field = |key: &str| {
        scheme
            .get(key)
            .and_then(Node::as_str)
            .map(str::to_ascii_lowercase)
    };
    match version {
        Version::OpenApi3 => {
            field("type").as_deref() == Some("http") && field("scheme").as_deref() == Some("basic")
        }
        Version::Swagger2 => field("type").as_deref() == Some("basic"),
    }
}

fn check(file: &OpenApiFile<'_>, out: &mut Vec<Diagnostic>) {
    for scheme in file.schemes() {
        if is_basic(file.version, scheme.node) && file.scheme_is_used(scheme.name) {
            out.push(Diagnostic::new(
                &RULE,
                scheme.key_range.clone(),
                format!("security scheme `{}` is HTTP Basic authentication", scheme.name),
                format!(
                    "replace `{}` with OAuth 2 / OpenID Connect or a bearer JWT (`type: http`, `scheme: bearer`)",
                    scheme.name
                ),
            ));
        }
    }
}
