//! `JUnit` XML, which CI systems (GitLab `artifacts:reports:junit`, Jenkins,
//! Azure) show as a test report: one failing test case per finding, and one
//! passing case when there is none so that the report is never empty.

use std::fmt::Write;

use crate::scan::ScanResult;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no way to write other control characters.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(result: &ScanResult) -> String {
    let failures = result.findings.len();
    let tests = failures.max(1);
    let seconds = result.duration.as_secs_f64();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"authlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"authlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{seconds:.3}\">"
    );
    for finding in &result.findings {
        let place = format!("{}:{}:{}", finding.path, finding.line, finding.column);
        let _ = writeln!(
            out,
            "    <testcase name=\"{} at {}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
            escape(finding.rule.id),
            escape(&place),
            escape(&finding.path),
            escape(&finding.path),
            finding.line
        );
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{} {} {}\n{}\n\n  {}\nfix: {}</failure>",
            escape(&finding.message),
            escape(finding.rule.id),
            escape(&place),
            finding.severity().name(),
            escape(finding.rule.id),
            escape(&finding.message),
            escape(&finding.snippet),
            escape(&finding.fix)
        );
        out.push_str("    </testcase>\n");
    }
    if result.findings.is_empty() {
        let files = match result.files_scanned {
            1 => "1 file".to_string(),
            n => format!("{n} files"),
        };
        let _ = writeln!(
            out,
            "    <testcase name=\"no findings in {files}\" classname=\"authlint\"/>"
        );
    }
    if !result.errors.is_empty() {
        out.push_str("    <system-err>");
        for error in &result.errors {
            let _ = writeln!(out, "{}: {}", escape(&error.path), escape(&error.message));
        }
        out.push_str("</system-err>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
