//! The JSON report, exactly as DESIGN.md fixes it. Field order is stable.

use serde::Serialize;

use crate::finding::Finding;
use crate::scan::ScanResult;

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    suppressed: Vec<Suppressed<'a>>,
    errors: Vec<JsonError<'a>>,
    /// Files passed over on purpose (binary, lock file, minified, too
    /// large), so that no file is skipped silently.
    skipped: Vec<JsonSkipped<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    severity: &'static str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    fix: &'a str,
    snippet: &'a str,
    cwe: Vec<String>,
    owasp: &'static [&'static str],
    soc2: &'static [&'static str],
    pci_dss: &'static [&'static str],
    fingerprint: &'a str,
}

/// A finding an inline `authlint-ignore` hides, with the reason given.
#[derive(Serialize)]
struct Suppressed<'a> {
    rule: &'static str,
    path: &'a str,
    line: usize,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    suppressed: usize,
    duration_ms: u128,
}

fn finding(finding: &Finding) -> JsonFinding<'_> {
    let rule = finding.rule;
    JsonFinding {
        rule: rule.id,
        severity: finding.severity().name(),
        path: &finding.path,
        line: finding.line,
        column: finding.column,
        end_line: finding.end_line,
        end_column: finding.end_column,
        message: &finding.message,
        fix: &finding.fix,
        snippet: &finding.snippet,
        cwe: rule.cwe_ids(),
        owasp: rule.owasp,
        soc2: rule.soc2,
        pci_dss: rule.pci_dss,
        fingerprint: &finding.fingerprint,
    }
}

pub fn render(result: &ScanResult) -> String {
    let report = Report {
        tool: Tool {
            name: "authlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: result.findings.iter().map(finding).collect(),
        suppressed: result
            .suppressed
            .iter()
            .map(|s| Suppressed {
                rule: s.finding.rule.id,
                path: &s.finding.path,
                line: s.finding.line,
                reason: &s.reason,
            })
            .collect(),
        errors: result
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
        skipped: result
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                path: &s.path,
                reason: &s.reason,
            })
            .collect(),
        summary: Summary {
            files: result.files_scanned,
            findings: result.findings.len(),
            suppressed: result.suppressed.len(),
            duration_ms: result.duration.as_millis(),
        },
    };
    let mut text = serde_json::to_string_pretty(&report).expect("report types serialise");
    text.push('\n');
    text
}
