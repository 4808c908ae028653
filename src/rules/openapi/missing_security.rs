//! `openapi/missing-security`: operations that require no authentication.

use crate::finding::{Diagnostic, Severity};
use crate::lang::openapi::{OpenApiFile, Operation};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "openapi/missing-security",
    severity: Severity::High,
    languages: &[LanguageFamily::OpenApi],
    summary: "API operation with no security requirement",
    docs: DOCS,
    cwe: &[306],
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
Flags an operation whose effective security is empty: it has no `security`
of its own and the document has no global one, it opts out with
`security: []`, or every requirement it lists is the empty `{}` (anonymous
access allowed). Operations that are public by intent — login, token,
registration, password reset, health checks, documentation and
`.well-known` paths — are not flagged, nor are the paths listed under
`[openapi] public-paths` in `authlint.toml`. A contract that declares no security
anywhere gets one finding, at `paths`, rather than one per operation.

## Why is this bad
The contract is what gateways, generated clients and reviewers trust. An
operation without a security requirement is documented as public; either
the code agrees and the endpoint is open, or the contract misleads everyone
who reads it.

## Example
```yaml
paths:
  /orders/{id}:
    get:
      security: []
```

## Use instead
```yaml
security:
  - bearerAuth: []
paths:
  /orders/{id}:
    get: {}
```

## Known problems
Relative references to other files of the repository
(`$ref: ./paths/orders.yaml`) are followed, and an operation defined in a
referenced file is reported in that file, at its method key, so that the
annotation lands on the line that declares it. URL references
(`https://...`) are never fetched: operations behind them are not checked.
References that leave the repository, files past the caps (64 files,
4 MiB each, 16 MiB in all) and files that cannot be read are warnings on
the root document. Which paths count as public by
intent is decided by name; list any other public path in the configuration.

## References
- CWE-306: Missing Authentication for Critical Function
- OWASP API Security Top 10 2023, API2: Broken Authentication
- OpenAPI Specification 3.1, Security Requirement Object
";

/// Path segments of operations that must work without a login.
const PUBLIC_SEGMENTS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "logout",
    "token",
    "tokens",
    "oauth",
    "oauth2",
    "authorize",
    "register",
    "signup",
    "sign-up",
    "forgot-password",
    "reset-password",
    "password-reset",
    "health",
    "healthz",
    "livez",
    "readyz",
    "ready",
    "live",
    "ping",
    "status",
    "docs",
    "swagger",
    "openapi",
    "openapi.json",
    "openapi.yaml",
    "api-docs",
    ".well-known",
    "jwks",
    "jwks.json",
];

fn is_public_by_intent(path: &str) -> bool {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .any(|segment| PUBLIC_SEGMENTS.contains(&segment.to_ascii_lowercase().as_str()))
}

/// Why an operation's security is empty, or `None` when it has some.
fn emptiness(file: &OpenApiFile<'_>, operation: &Operation<'_>) -> Option<&'static str> {
    let own = operation.node.get("security");
    let effective = file.effective_security(operation);
    let Some(list) = effective else {
        return Some("has no security requirement and the document has no global one");
    };
    if list.items().is_empty() {
        return Some(if own.is_some() {
            "opts out of authentication with `security: []`"
        } else {
            "inherits an empty global `security` list"
        });
    }
    let all_anonymous = list
        .items()
        .iter()
        .all(|requirement| requirement.entries().is_empty());
    all_anonymous.then_some("allows anonymous access: its only security requirement is `{}`")
}

fn declares_security_anywhere(file: &OpenApiFile<'_>, operations: &[Operation<'_>]) -> bool {
    !file.schemes().is_empty()
        || file.global_security().is_some()
        || operations
            .iter()
            .any(|op| op.node.get("security").is_some())
}

fn check(file: &OpenApiFile<'_>, out: &mut Vec<Diagnostic>) {
    let operations = file.operations();
    if operations.is_empty() {
        return;
    }
    if !declares_security_anywhere(file, &operations) {
        let range = file
            .root
            .entry("paths")
            .map(|e| e.key_range.clone())
            .unwrap_or(0..0);
        out.push(Diagnostic::new(
            &RULE,
            range,
            format!("no operation of this API declares security ({} operations)", operations.len()),
            "declare a scheme under `components.securitySchemes` (for example a bearer JWT) and require it with a top-level `security` list",
        ));
        return;
    }
    for operation in &operations {
        let Some(why) = emptiness(file, operation) else {
            continue;
        };
        let config = &file.source.project().config;
        if is_public_by_intent(operation.path) || config.is_public_path(operation.path) {
            continue;
        }
        let method = operation.method.to_ascii_uppercase();
        out.push(Diagnostic::new(
            &RULE,
            operation.key_range.clone(),
            format!("`{method} {}` {why}", operation.path),
            format!(
                "require a scheme on `{method} {}` (remove `security: []`, or list a requirement such as `- bearerAuth: []`)",
                operation.path
            ),
        ));
    }
}
