//! GitLab Code Quality: a JSON array of issues that the merge request
//! widget compares between the target branch and the change (available in
//! every GitLab tier). The fingerprint must be unique per issue and should
//! survive unrelated edits: authlint's hashes the rule, the path and the
//! code, not the line.

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::scan::ScanResult;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: &'a str,
    content: Content,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Content {
    body: String,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
    }
}

fn issue(finding: &Finding) -> Issue<'_> {
    Issue {
        kind: "issue",
        check_name: finding.rule.id,
        description: &finding.message,
        content: Content {
            body: format!(
                "Fix: {}\n\nSee `authlint explain {}`.",
                finding.fix, finding.rule.id
            ),
        },
        categories: ["Security"],
        severity: severity(finding.severity()),
        fingerprint: &finding.fingerprint,
        location: Location {
            path: &finding.path,
            lines: Lines {
                begin: finding.line,
                end: finding.end_line,
            },
        },
    }
}

pub fn render(result: &ScanResult) -> String {
    let issues: Vec<Issue<'_>> = result.findings.iter().map(issue).collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("issues serialise");
    text.push('\n');
    text
}
