//! The Markdown evidence report: the same sections as the HTML page, for
//! wikis, tickets and pull requests. Text from the scanned code only ever
//! appears in code spans and fenced blocks; prose from it (messages,
//! reasons) has its HTML and table metacharacters escaped.

use std::fmt::Write as _;

use super::blame::Blame;
use super::{
    EvidenceFinding, EvidenceReport, EvidenceSample, Exception, Status, controls, heading,
    language_of, location, rules_summary, scan_facts,
};

/// Prose from the scanned code: no raw HTML and no table breaks outside
/// its `code` spans; inside them Markdown shows text as it is, so only
/// `|` (which would end a table cell) is escaped there.
fn text(value: &str) -> String {
    let value = value.replace('\n', " ");
    if value.matches('`').count() % 2 == 1 {
        return plain(&value);
    }
    value
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{}`", part.replace('|', "\\|"))
            } else {
                plain(part)
            }
        })
        .collect()
}

fn plain(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// A code span that holds any text, backticks included.
fn code(value: &str) -> String {
    let longest = longest_run(value, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", value.replace('|', "\\|"))
}

fn longest_run(value: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in value.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn block(out: &mut String, language: &str, lines: &[String]) {
    let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{language}");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{fence}\n");
}

fn label(id: &str) -> String {
    controls::find(id).map_or_else(|| id.to_string(), controls::Control::label)
}

pub fn render(report: &EvidenceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Authentication evidence report\n");
    let _ = writeln!(
        out,
        "Broken authentication (OWASP API2:2023) review by authlint {}, mapped to SOC 2 and PCI DSS v4.0.1.\n",
        report.tool.version
    );
    let _ = writeln!(out, "Generated: {}\n", report.generated_at);
    scan_record(&mut out, report);
    summary(&mut out, report);
    matrix(&mut out, report);
    findings(&mut out, report);
    exceptions(&mut out, report);
    samples(&mut out, report);
    if !report.errors.is_empty() {
        let _ = writeln!(out, "## Files that could not be analysed\n");
        for error in &report.errors {
            let _ = writeln!(out, "- {}: {}", code(&error.path), text(&error.reason));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn scan_record(out: &mut String, report: &EvidenceReport) {
    let _ = writeln!(out, "## Scan record\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    for (name, value) in scan_facts(report) {
        let _ = writeln!(out, "| {name} | {} |", text(&value));
    }
    out.push('\n');
    if !report.scan.skipped.is_empty() {
        let _ = writeln!(out, "Files skipped, and why:\n");
        for skipped in &report.scan.skipped {
            let _ = writeln!(out, "- {}: {}", code(&skipped.path), text(&skipped.reason));
        }
        out.push('\n');
    }
}

fn summary(out: &mut String, report: &EvidenceReport) {
    let s = &report.summary;
    let findings = if s.findings.total() == 0 {
        "no open findings".to_string()
    } else {
        format!(
            "{} open findings ({})",
            s.findings.total(),
            s.findings.describe()
        )
    };
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "- {findings}, {} documented exceptions, {} code review samples\n\
         - controls: {} with findings, {} without findings, {} not assessed\n",
        s.exceptions,
        s.samples,
        s.controls_with_findings,
        s.controls_without_findings,
        s.controls_not_assessed
    );
}

fn matrix(out: &mut String, report: &EvidenceReport) {
    let _ = writeln!(out, "## Control matrix\n");
    let _ = writeln!(
        out,
        "| Control | What it asks for | Tested by | Status | Basis | Evidence |\n|---|---|---|---|---|---|"
    );
    for control in &report.controls {
        let status = match control.status {
            Status::Findings => format!("**findings**: {}", control.findings.describe()),
            other => other.label().to_string(),
        };
        let rules = if control.rules.is_empty() {
            "—".to_string()
        } else {
            rules_summary(&control.rules)
                .iter()
                .map(|r| code(r))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut basis = text(&control.basis);
        if let Some(note) = control.note {
            let _ = write!(basis, " Note: {}.", text(note));
        }
        let mut evidence: Vec<String> = Vec::new();
        for (kind, ids) in [
            ("findings", &control.finding_ids),
            ("exceptions", &control.exception_ids),
            ("samples", &control.sample_ids),
        ] {
            if !ids.is_empty() {
                evidence.push(format!("{kind} {}", ids.join(", ")));
            }
        }
        for missing in &control.missing_samples {
            evidence.push(format!("no sample detector yet for {}", text(missing)));
        }
        let evidence = if evidence.is_empty() {
            "—".to_string()
        } else {
            evidence.join("; ")
        };
        let _ = writeln!(
            out,
            "| {} — {} | {} | {rules} | {status} | {basis} | {evidence} |",
            control.label,
            control.title,
            text(control.summary)
        );
    }
    out.push('\n');
}

fn findings(out: &mut String, report: &EvidenceReport) {
    let _ = writeln!(out, "## Findings by control\n");
    if report.findings.is_empty() {
        let _ = writeln!(out, "No open findings.\n");
        return;
    }
    for control in &report.controls {
        let listed: Vec<&EvidenceFinding> = report
            .findings
            .iter()
            .filter(|f| f.group == control.id)
            .collect();
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} — {}\n", control.label, control.title);
        for finding in listed {
            finding_entry(out, finding);
        }
    }
}

fn finding_entry(out: &mut String, finding: &EvidenceFinding) {
    let _ = writeln!(
        out,
        "#### {} · {} · {} · {}\n",
        finding.id,
        finding.severity,
        code(finding.rule),
        code(&location(&finding.path, finding.line, finding.line))
    );
    let _ = writeln!(out, "{}\n", text(&finding.message));
    block(
        out,
        language_of(&finding.path),
        std::slice::from_ref(&finding.snippet),
    );
    let _ = writeln!(out, "Fix: {}\n", text(&finding.fix));
    let also: Vec<String> = finding
        .controls
        .iter()
        .filter(|c| **c != finding.group)
        .map(|c| label(c))
        .collect();
    if !also.is_empty() {
        let _ = writeln!(out, "Also bears on: {}\n", also.join(", "));
    }
}

fn exceptions(out: &mut String, report: &EvidenceReport) {
    let _ = writeln!(out, "## Exceptions (accepted risks)\n");
    if report.exceptions.is_empty() {
        let _ = writeln!(out, "No finding is suppressed.\n");
        return;
    }
    for exception in &report.exceptions {
        exception_entry(out, exception);
    }
}

pub(super) fn blame_text(blame: &Blame) -> String {
    match blame {
        Blame::Committed {
            author,
            date,
            commit,
            summary,
        } => format!("{author} on {date} (commit {commit}: {summary})"),
        Blame::NotCommitted => "not committed yet".to_string(),
        Blame::Unknown => "unknown (git could not tell)".to_string(),
    }
}

fn exception_entry(out: &mut String, exception: &Exception) {
    let _ = writeln!(
        out,
        "### {} · {} · {} · {}\n",
        exception.id,
        exception.severity,
        code(exception.rule),
        code(&location(&exception.path, exception.line, exception.line))
    );
    let _ = writeln!(out, "- Reason: {}", text(&exception.reason));
    let _ = writeln!(
        out,
        "- Suppressed on line {} by {}",
        exception.comment_line,
        text(&blame_text(&exception.added_by))
    );
    let _ = writeln!(out, "- Finding: {}", text(&exception.message));
    let controls: Vec<String> = exception.controls.iter().map(|c| label(c)).collect();
    let _ = writeln!(out, "- Controls: {}\n", controls.join(", "));
    block(
        out,
        language_of(&exception.path),
        std::slice::from_ref(&exception.snippet),
    );
}

fn samples(out: &mut String, report: &EvidenceReport) {
    let _ = writeln!(out, "## Code review samples\n");
    let _ = writeln!(
        out,
        "Places where a control is done right, found by authlint's positive detectors. None of them overlaps a finding.\n"
    );
    for detector in &report.detectors {
        let controls: Vec<String> = detector.controls.iter().map(|c| label(c)).collect();
        let _ = writeln!(
            out,
            "### {} ({})\n",
            text(&heading(detector.title)),
            controls.join(", ")
        );
        let Some(id) = detector.id else {
            let _ = writeln!(
                out,
                "No sample detector yet: authlint does not look for this yet, so its absence here says nothing.\n"
            );
            continue;
        };
        let listed: Vec<&EvidenceSample> =
            report.samples.iter().filter(|s| s.detector == id).collect();
        if listed.is_empty() {
            let _ = writeln!(out, "None found in the scanned code.\n");
        }
        for sample in listed {
            let _ = writeln!(
                out,
                "#### {} · {}\n\n{}\n",
                sample.id,
                code(&location(&sample.path, sample.line, sample.end_line)),
                text(&sample.note)
            );
            let mut lines = sample.code.clone();
            if sample.omitted_lines > 0 {
                lines.push(format!("… {} more lines", sample.omitted_lines));
            }
            block(out, language_of(&sample.path), &lines);
        }
    }
}
