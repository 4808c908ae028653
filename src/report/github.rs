//! GitHub Actions workflow commands: one `::error` / `::warning` /
//! `::notice` annotation per finding, shown on the diff of a pull request,
//! and a Markdown step summary for `$GITHUB_STEP_SUMMARY`. GitHub shows at
//! most ten annotations of each kind per step and drops the rest silently,
//! so the log also ends with a count and the summary lists everything.

use std::fmt::Write;

use crate::finding::{Finding, Severity};
use crate::report::SEVERITIES;
use crate::scan::ScanResult;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also ends at `,` and `:`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(out: &mut String, finding: &Finding) {
    let title = format!(
        "authlint {} ({})",
        finding.rule.id,
        finding.severity().name()
    );
    let _ = writeln!(
        out,
        "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}",
        command(finding.severity()),
        escape_property(&finding.path),
        finding.line,
        finding.end_line,
        finding.column,
        finding.end_column,
        escape_property(&title),
        escape_data(&format!("{}\nFix: {}", finding.message, finding.fix)),
    );
}

pub fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for finding in &result.findings {
        annotation(&mut out, finding);
    }
    for error in &result.errors {
        let _ = writeln!(
            out,
            "::warning file={},title={}::{}",
            escape_property(&error.path),
            escape_property("authlint could not analyse this file"),
            escape_data(&error.message)
        );
    }
    let _ = writeln!(
        out,
        "authlint: {} in {}, {} suppressed inline, {} in the baseline",
        count(result.findings.len(), "finding"),
        count(result.files_scanned, "file"),
        result.suppressed.len(),
        result.baselined
    );
    out
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// GitHub refuses step summaries over 1 MiB; stay well below.
const SUMMARY_LIMIT: usize = 900 * 1024;

/// Markdown for the job's summary page: counts, then a table of findings.
pub fn step_summary(result: &ScanResult) -> String {
    let mut out = String::from("## authlint\n\n");
    if result.findings.is_empty() {
        let _ = writeln!(
            out,
            "No findings in {}.",
            count(result.files_scanned, "file")
        );
    } else {
        let counts: Vec<String> = SEVERITIES
            .iter()
            .map(|s| {
                (
                    s,
                    result
                        .findings
                        .iter()
                        .filter(|f| f.severity() == *s)
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.name()))
            .collect();
        let _ = writeln!(
            out,
            "{} in {}: {}.\n",
            count(result.findings.len(), "finding"),
            count(result.files_scanned, "file"),
            counts.join(", ")
        );
        out.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
        for (index, finding) in result.findings.iter().enumerate() {
            let row = format!(
                "| {} | `{}` | `{}:{}` | {} |\n",
                finding.severity().name(),
                finding.rule.id,
                finding.path.replace('|', "\\|"),
                finding.line,
                finding.message.replace('|', "\\|").replace('\n', " ")
            );
            if out.len() + row.len() > SUMMARY_LIMIT {
                let _ = writeln!(
                    out,
                    "\n…and {} more; the full list is in the job log.",
                    result.findings.len() - index
                );
                break;
            }
            out.push_str(&row);
        }
    }
    if !result.suppressed.is_empty() || result.baselined > 0 || !result.errors.is_empty() {
        let _ = writeln!(
            out,
            "\n{} suppressed inline, {} accepted by the baseline, {} files not analysed.",
            result.suppressed.len(),
            result.baselined,
            result.errors.len()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_escape_what_would_end_them() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
