//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! What GitHub needs and what it does with it decided the shape: every rule
//! carries help text, a `security-severity` score and CWE / OWASP tags; each
//! result carries 1-based regions (columns counted in Unicode code points,
//! said in `columnKind`) and `partialFingerprints` under authlint's own key,
//! which hashes the code and not its line. `primaryLocationLineHash` is left
//! to the upload action. Suppressed findings are not results at all: GitHub
//! ignores SARIF `suppressions` and would open alerts for them. Files that
//! could not be read or parsed become tool notifications of the invocation.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::rules::{self, Rule};
use crate::scan::ScanResult;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of authlint's line-independent fingerprint; versioned so that a
/// change of the hash can be told from a change of the code.
pub const FINGERPRINT_KEY: &str = "authlint/v1";

const SRCROOT: &str = "%SRCROOT%";

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    snippet: Snippet<'a>,
}

#[derive(Serialize)]
struct Snippet<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
}

/// GitHub's reading of `security-severity`: over 9.0 critical, 7.0 to 8.9
/// high, 4.0 to 6.9 medium, below that low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The first paragraph of a rule's "What it does", for the full
/// description (SARIF viewers cap it at 1024 characters).
fn what_it_does(rule: &Rule) -> String {
    let section = rule
        .docs
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").find(|p| !p.trim().is_empty()))
        .unwrap_or(rule.summary);
    let text = section.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 1000 {
        return text;
    }
    let cut: String = text.chars().take(1000).collect();
    format!("{cut}…")
}

fn tags(rule: &Rule) -> Vec<String> {
    let mut tags = vec!["security".to_string(), rule.family().to_string()];
    tags.extend(rule.cwe.iter().map(|id| format!("external/cwe/cwe-{id}")));
    tags.extend(
        rule.owasp
            .iter()
            .map(|id| format!("external/owasp/{}", id.to_ascii_lowercase())),
    );
    tags.extend(rule.soc2.iter().map(|id| format!("soc2/{id}")));
    tags.extend(rule.pci_dss.iter().map(|id| format!("pci-dss/{id}")));
    // GitHub keeps at most 20 tags per rule.
    tags.truncate(20);
    tags
}

fn descriptor(rule: &'static Rule, severity: Severity) -> ReportingDescriptor {
    let mapping = format!(
        "Severity: {}. Maps to: {}; OWASP {}; SOC 2 {}; PCI DSS v4.0.1 {}.",
        severity.name(),
        if rule.cwe.is_empty() {
            "no CWE".to_string()
        } else {
            rule.cwe_ids().join(", ")
        },
        or_none(rule.owasp),
        or_none(rule.soc2),
        or_none(rule.pci_dss),
    );
    let docs = rule.docs.trim();
    ReportingDescriptor {
        id: rule.id,
        name: rule.id,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: what_it_does(rule),
        },
        help: Help {
            text: format!("{}\n\n{mapping}\n\n{docs}", rule.summary),
            markdown: format!("**{}**\n\n{mapping}\n\n{docs}", rule.summary),
        },
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: RuleProperties {
            tags: tags(rule),
            precision: "high",
            security_severity: security_severity(severity),
        },
    }
}

fn or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

/// A path as a URI reference: relative paths stay relative (to
/// `%SRCROOT%`), absolute ones become `file://` URIs; characters URIs do
/// not allow are percent-encoded.
fn artifact(path: &str) -> ArtifactLocation {
    let absolute = path.starts_with('/') || path.chars().nth(1) == Some(':');
    let encoded = encode_path(&path.replace('\\', "/"));
    if absolute {
        let slash = if encoded.starts_with('/') { "" } else { "/" };
        ArtifactLocation {
            uri: format!("file://{slash}{encoded}"),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encoded,
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn location(finding: &Finding) -> Location<'_> {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: artifact(&finding.path),
            region: Some(Region {
                start_line: finding.line,
                start_column: finding.column,
                end_line: finding.end_line,
                end_column: finding.end_column.max(1),
                snippet: Snippet {
                    text: &finding.snippet,
                },
            }),
        },
    }
}

/// The `limit` most severe findings, in their original order.
fn most_severe(findings: &[Finding], limit: usize) -> Vec<&Finding> {
    if findings.len() <= limit {
        return findings.iter().collect();
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(findings[i].severity()), i));
    order.truncate(limit);
    order.sort_unstable();
    order.into_iter().map(|i| &findings[i]).collect()
}

pub fn render(result: &ScanResult) -> String {
    // A configured severity applies to the rule as a whole; take it from
    // the rule's findings so GitHub ranks the alerts as the scan did.
    let mut severities: BTreeMap<&str, Severity> = BTreeMap::new();
    for finding in &result.findings {
        severities.insert(finding.rule.id, finding.severity());
    }
    let descriptors = rules::ALL
        .iter()
        .map(|rule| {
            let severity = severities.get(rule.id).copied().unwrap_or(rule.severity);
            descriptor(rule, severity)
        })
        .collect();
    let kept = most_severe(&result.findings, MAX_RESULTS);
    let left_out = result.findings.len() - kept.len();
    let results = kept
        .into_iter()
        .map(|finding| SarifResult {
            rule_id: finding.rule.id,
            rule_index: rules::ALL
                .iter()
                .position(|r| r.id == finding.rule.id)
                .unwrap_or_default(),
            level: level(finding.severity()),
            message: Text {
                text: format!("{}\nFix: {}", finding.message, finding.fix),
            },
            locations: vec![location(finding)],
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint.as_str())]),
        })
        .collect();
    let mut notifications: Vec<Notification<'_>> = result
        .errors
        .iter()
        .map(|error| Notification {
            level: "warning",
            message: Text {
                text: error.message.clone(),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&error.path),
                    region: None,
                },
            }],
        })
        .collect();
    if left_out > 0 {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: format!(
                    "{left_out} findings of the lowest severities were left out: GitHub accepts at most {MAX_RESULTS} results per run"
                ),
            },
            locations: Vec::new(),
        });
    }
    let mut base_ids = BTreeMap::new();
    if let Ok(dir) = std::env::current_dir() {
        let mut uri = artifact(&dir.to_string_lossy()).uri;
        if !uri.ends_with('/') {
            uri.push('/');
        }
        base_ids.insert(
            SRCROOT,
            ArtifactLocation {
                uri,
                uri_base_id: None,
            },
        );
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "authlint",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: descriptors,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: base_ids,
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("SARIF types serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(artifact("src/a b.js").uri, "src/a%20b.js");
        assert_eq!(artifact("src/a b.js").uri_base_id, Some(SRCROOT));
        assert_eq!(artifact("/tmp/x#1.js").uri, "file:///tmp/x%231.js");
        assert_eq!(artifact("src/é.ts").uri, "src/%C3%A9.ts");
    }

    #[test]
    fn over_the_limit_the_least_severe_results_go() {
        let text = "const jwt = require('jsonwebtoken');\n\
                    jwt.sign({ sub: 1 }, process.env.KEY);\n\
                    jwt.verify(token, process.env.KEY);\n";
        let findings = crate::scan::scan_text("a.js", text.into(), rules::ALL, true).unwrap();
        let ids: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
        assert_eq!(ids, ["jwt/no-expiry", "jwt/missing-algorithms"]);
        let kept = most_severe(&findings, 1);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule.id, "jwt/missing-algorithms");
        assert_eq!(most_severe(&findings, 5).len(), 2);
    }

    #[test]
    fn full_descriptions_are_the_first_paragraph() {
        let rule = rules::find("jwt/missing-algorithms").unwrap();
        let text = what_it_does(rule);
        assert!(text.starts_with("Flags token verification"), "{text}");
        assert!(!text.contains('\n'));
    }
}
