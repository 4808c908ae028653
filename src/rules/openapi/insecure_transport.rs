//! `openapi/insecure-transport`: servers reached over plain HTTP.

use crate::finding::{Diagnostic, Severity};
use crate::lang::openapi::{Node, OpenApiFile, Version};
use crate::rules::{Checks, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "openapi/insecure-transport",
    severity: Severity::Medium,
    languages: &[LanguageFamily::OpenApi],
    summary: "API server reached over plain HTTP",
    docs: DOCS,
    cwe: &[319],
    owasp: &["API2:2023"],
    soc2: &["CC6.7"],
    pci_dss: &["4.2.1"],
    triggers: super::TRIGGERS,
    checks: Checks {
        openapi: Some(check),
        ..Checks::NONE
    },
};

const DOCS: &str = r"
## What it does
Flags `servers` URLs (at the top, on a path or on an operation) that use
`http://` for a host other than localhost, including a `{scheme}` variable
whose default is `http`; and in Swagger 2.0, `schemes` that list `http` for
a `host` that is not local.

## Why is this bad
Tokens, API keys and passwords sent over plain HTTP can be read and replayed
by anyone on the network path.

## Example
```yaml
servers:
  - url: http://api.example.com/v1
```

## Use instead
```yaml
servers:
  - url: https://api.example.com/v1
```

## Known problems
Relative server URLs inherit the scheme of wherever the document is served
from and are not flagged.

## References
- CWE-319: Cleartext Transmission of Sensitive Information
- PCI DSS v4.0.1 requirement 4.2.1
";

fn is_local(host: &str) -> bool {
    let host = host
        .split(['/', ':'])
        .next()
        .unwrap_or(host)
        .to_ascii_lowercase();
    host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host.is_empty()
        || host.ends_with(".localhost")
        || host.starts_with('[')
}

/// The URL with `{variables}` replaced by their defaults.
fn expand(url: &str, server: &Node) -> String {
    let mut expanded = url.to_string();
    if let Some(variables) = server.get("variables") {
        for variable in variables.entries() {
            if let Some(default) = variable.value.get("default").and_then(Node::as_str) {
                expanded = expanded.replace(&format!("{{{}}}", variable.key), default);
            }
        }
    }
    expanded
}

fn check_servers(servers: Option<&Node>, out: &mut Vec<Diagnostic>) {
    let Some(servers) = servers else { return };
    for server in servers.items() {
        let Some(url_node) = server.get("url") else {
            continue;
        };
        let Some(url) = url_node.as_str() else {
            continue;
        };
        let expanded = expand(url, server);
        let Some(rest) = expanded.strip_prefix("http://") else {
            continue;
        };
        if is_local(rest) {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            url_node.range.clone(),
            format!("server `{expanded}` is reached over plain HTTP"),
            format!("serve the API only over HTTPS: `https://{rest}`"),
        ));
    }
}

fn check(file: &OpenApiFile<'_>, out: &mut Vec<Diagnostic>) {
    match file.version {
        Version::OpenApi3 => {
            check_servers(file.root.get("servers"), out);
            if let Some(paths) = file.root.get("paths") {
                for path in paths.entries() {
                    let item = file.resolve(&path.value);
                    check_servers(item.get("servers"), out);
                    for operation in item.entries() {
                        check_servers(file.resolve(&operation.value).get("servers"), out);
                    }
                }
            }
        }
        Version::Swagger2 => {
            let host = file.root.get("host").and_then(Node::as_str).unwrap_or("");
            if is_local(host) {
                return;
            }
            let Some(schemes) = file.root.get("schemes") else {
                return;
            };
            for scheme in schemes.items() {
                if scheme
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("http"))
                {
                    out.push(Diagnostic::new(
                        &RULE,
                        scheme.range.clone(),
                        format!("`{host}` is served over plain HTTP (`schemes` lists `http`)"),
                        "list only `https` under `schemes`",
                    ));
                }
            }
        }
    }
}
