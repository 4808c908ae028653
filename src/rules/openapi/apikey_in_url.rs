//! `openapi/apikey-in-url`: API keys sent in the query string.

use crate::finding::{Diagnostic, Severity};
use crate::lang::openapi::{Node, OpenApiFile};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "openapi/apikey-in-url",
    severity: Severity::Medium,
    languages: &[LanguageFamily::OpenApi],
    summary: "API key sent in the query string",
    docs: DOCS,
    cwe: &[598],
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
Flags an `apiKey` security scheme with `in: query` that an operation or the
global `security` list requires. Keys in headers or cookies are fine.

## Why is this bad
URLs end up in access logs, proxy logs, browser history and `Referer`
headers. A key in the query string leaks to all of them.

## Example
```yaml
partnerKey:
  type: apiKey
  in: query
  name: api_key
```

## Use instead
```yaml
partnerKey:
  type: apiKey
  in: header
  name: X-API-Key
```

## Known problems
Unused scheme definitions are not flagged.

## References
- CWE-598: Use of GET Request Method With Sensitive Query Strings
- OpenAPI Specification 3.1, Security Scheme Object
";

fn check(file: &OpenApiFile<'_>, out: &mut Vec<Diagnostic>) {
    for scheme in file.schemes() {
        let field = |key: &str| {
            scheme
                .node
                .get(key)
                .and_then(Node::as_str)
                .map(str::to_ascii_lowercase)
        };
        let in_query =
            field("type").as_deref() == Some("apikey") && field("in").as_deref() == Some("query");
        if !in_query || !file.scheme_is_used(scheme.name) {
            continue;
        }
        let range = scheme
            .node
            .entry("in")
            .map_or_else(|| scheme.key_range.clone(), |e| e.value.range.clone());
        out.push(Diagnostic::new(
            &RULE,
            range,
            format!(
                "API key scheme `{}` is sent in the query string",
                scheme.name
            ),
            format!(
                "send `{}` in a header: `in: header` with a name such as `X-API-Key`",
                scheme.name
            ),
        ));
    }
}
