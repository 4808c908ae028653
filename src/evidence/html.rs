//! The HTML evidence report: one self-contained page — inline CSS, no
//! script, no remote font, image or style — that reads on screen and prints
//! on A4 and Letter alike. Every piece of text is escaped: snippets,
//! messages and reasons come from the scanned repository, and a report that
//! ran its code would be a stored cross-site scripting hole.

use std::fmt::Write as _;

use super::markdown::blame_text;
use super::{
    EvidenceFinding, EvidenceReport, EvidenceSample, Exception, Status, controls, heading,
    location, rules_summary, scan_facts,
};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Prose with `code` spans, as messages write them: escaped, then the
/// backtick pairs turned into `<code>`.
fn prose(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    // An odd number of backticks leaves the last span open: show it plain.
    if text.matches('`').count() % 2 == 1 {
        return escape(text);
    }
    out
}

/// An element id from a control id: `8.3.2` → `control-8-3-2`.
fn control_anchor(id: &str) -> String {
    let slug: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("control-{slug}")
}

fn label(id: &str) -> String {
    controls::find(id).map_or_else(|| id.to_string(), controls::Control::label)
}

fn links(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("<a href=\"#{0}\">{0}</a>", escape(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bad: #a40e26;
  --warn: #9a6700; --good: #1a7f37; --none: #6e7781; --code: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
.subtitle, .muted { color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { background: var(--code); border: 1px solid var(--line); padding: 8px 10px; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; }
table.facts th { width: 13em; background: #f6f8fa; font-weight: 600; }
.facts td { word-break: break-all; }
#control-matrix td.summary { width: 30%; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;
  font-size: 12px; border: 1px solid currentColor; white-space: nowrap; }
.status-findings .badge, .badge.findings { color: var(--bad); }
.status-no-findings .badge, .badge.no-findings { color: var(--good); }
.status-not-assessed .badge, .badge.not-assessed { color: var(--none); }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
.sev-critical, .sev-high { color: var(--bad); }
.sev-medium { color: var(--warn); }
.sev-low { color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.tile b { display: block; font-size: 22px; }
article { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 4px;
  padding: 8px 12px; margin: 10px 0; }
article.finding { border-left-color: var(--bad); }
article.exception { border-left-color: var(--warn); }
article.sample { border-left-color: var(--good); }
article header { display: flex; flex-wrap: wrap; gap: 10px; align-items: baseline; }
article header .where { font-family: ui-monospace, Menlo, Consolas, monospace; }
article p { margin: 4px 0; }
dl.meta { display: grid; grid-template-columns: 7em 1fr; gap: 2px 10px; margin: 6px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
nav.toc ol { columns: 2; margin: 8px 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: auto; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  article, tr, pre, .tile { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  pre { white-space: pre-wrap; font-size: 8.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

pub fn render(report: &EvidenceReport) -> String {
    let mut out = String::new();
    let title = match &report.scan.repository {
        Some(repository) => format!("Authentication evidence report — {}", repository.name),
        None => "Authentication evidence report".to_string(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"authlint {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(report.tool.version),
        escape(&title)
    );
    let _ = write!(
        out,
        "<header id=\"top\"><h1>Authentication evidence report</h1>\n\
         <p class=\"subtitle\">Broken authentication (OWASP API2:2023) review by authlint {}, \
         mapped to SOC 2 and PCI DSS v4.0.1. Generated <time id=\"generated-at\">{}</time>.</p></header>\n",
        escape(report.tool.version),
        escape(&report.generated_at)
    );
    out.push_str(
        "<nav class=\"toc\"><ol><li><a href=\"#scan-record\">Scan record</a></li>\
         <li><a href=\"#summary\">Summary</a></li><li><a href=\"#controls\">Control matrix</a></li>\
         <li><a href=\"#findings\">Findings by control</a></li>\
         <li><a href=\"#exceptions\">Exceptions</a></li><li><a href=\"#samples\">Code review samples</a></li></ol></nav>\n",
    );
    scan_record(&mut out, report);
    summary(&mut out, report);
    matrix(&mut out, report);
    findings(&mut out, report);
    exceptions(&mut out, report);
    samples(&mut out, report);
    if !report.errors.is_empty() {
        out.push_str("<section id=\"errors\"><h2>Files that could not be analysed</h2><ul>");
        for error in &report.errors {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&error.path),
                escape(&error.reason)
            );
        }
        out.push_str("</ul></section>\n");
    }
    let _ = write!(
        out,
        "<footer>authlint {} · report schema {} · rule set {}</footer>\n</body>\n</html>\n",
        escape(report.tool.version),
        escape(report.schema),
        escape(&report.scan.rule_set.digest)
    );
    out
}

fn scan_record(out: &mut String, report: &EvidenceReport) {
    out.push_str(
        "<section id=\"scan-record\"><h2>Scan record</h2>\n<table class=\"facts\"><tbody>\n",
    );
    for (name, value) in scan_facts(report) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(name),
            escape(&value)
        );
    }
    out.push_str("</tbody></table>\n");
    if !report.scan.skipped.is_empty() {
        out.push_str("<h3>Files skipped, and why</h3><ul id=\"skipped\">");
        for skipped in &report.scan.skipped {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&skipped.path),
                escape(&skipped.reason)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn summary(out: &mut String, report: &EvidenceReport) {
    let s = &report.summary;
    out.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">");
    let by_severity = if s.findings.total() == 0 {
        "none".to_string()
    } else {
        s.findings.describe()
    };
    for (value, name, detail) in [
        (s.findings.total(), "open findings", by_severity),
        (
            s.exceptions,
            "documented exceptions",
            "suppressions with a reason".to_string(),
        ),
        (
            s.samples,
            "code review samples",
            "controls done right".to_string(),
        ),
        (
            s.controls_with_findings,
            "controls with findings",
            format!(
                "{} without findings, {} not assessed",
                s.controls_without_findings, s.controls_not_assessed
            ),
        ),
    ] {
        let _ = write!(
            out,
            "<div class=\"tile\"><b>{value}</b>{}<div class=\"muted\">{}</div></div>",
            escape(name),
            escape(&detail)
        );
    }
    out.push_str("</div></section>\n");
}

fn matrix(out: &mut String, report: &EvidenceReport) {
    out.push_str(
        "<section id=\"controls\"><h2>Control matrix</h2>\n\
         <p class=\"muted\">\"No findings\" is claimed only where code of the kind a control's rules test was found; \
         otherwise the control is \"not assessed\", with the reason.</p>\n\
         <table id=\"control-matrix\"><thead><tr><th>Control</th><th>What it asks for</th>\
         <th>Tested by</th><th>Status</th><th>Evidence</th></tr></thead><tbody>\n",
    );
    for control in &report.controls {
        let rules = if control.rules.is_empty() {
            "—".to_string()
        } else {
            rules_summary(&control.rules)
                .iter()
                .map(|r| format!("<code>{}</code>", escape(r)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let counts = if control.status == Status::Findings {
            format!(
                " <span class=\"counts\">{}</span>",
                escape(&control.findings.describe())
            )
        } else {
            String::new()
        };
        let note = control
            .note
            .map(|n| format!("<p class=\"muted\">Note: {}.</p>", escape(n)))
            .unwrap_or_default();
        let mut evidence = Vec::new();
        for (kind, ids) in [
            ("Findings", &control.finding_ids),
            ("Exceptions", &control.exception_ids),
            ("Samples", &control.sample_ids),
        ] {
            if !ids.is_empty() {
                evidence.push(format!("{kind}: {}", links(ids)));
            }
        }
        for missing in &control.missing_samples {
            evidence.push(format!("No sample detector yet for {}", prose(missing)));
        }
        let evidence = if evidence.is_empty() {
            "—".to_string()
        } else {
            evidence.join("<br>")
        };
        let _ = writeln!(
            out,
            "<tr class=\"control status-{slug}\" id=\"{anchor}\" data-control=\"{id}\" data-status=\"{slug}\">\
             <th scope=\"row\">{label}<br><span class=\"muted\">{title}</span></th>\
             <td class=\"summary\">{summary}</td><td>{rules}</td>\
             <td><span class=\"badge\">{status}</span>{counts}<p>{basis}</p>{note}</td><td>{evidence}</td></tr>",
            slug = control.status.slug(),
            anchor = control_anchor(control.id),
            id = escape(control.id),
            label = escape(&control.label),
            title = escape(control.title),
            summary = escape(control.summary),
            status = control.status.label(),
            basis = prose(&control.basis),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn findings(out: &mut String, report: &EvidenceReport) {
    out.push_str("<section id=\"findings\"><h2>Findings by control</h2>\n");
    if report.findings.is_empty() {
        out.push_str("<p>No open findings.</p>");
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
        let _ = writeln!(
            out,
            "<section class=\"control-group\" data-control=\"{}\"><h3>{} — {}</h3>",
            escape(control.id),
            escape(&control.label),
            escape(control.title)
        );
        for finding in listed {
            finding_entry(out, finding);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn finding_entry(out: &mut String, finding: &EvidenceFinding) {
    let also: Vec<String> = finding
        .controls
        .iter()
        .filter(|c| **c != finding.group)
        .map(|c| escape(&label(c)))
        .collect();
    let _ = writeln!(
        out,
        "<article class=\"finding severity-{sev}\" id=\"{id}\" data-rule=\"{rule}\">\
         <header><strong>{id}</strong><span class=\"sev sev-{sev}\">{sev}</span>\
         <code class=\"rule\">{rule}</code><span class=\"where\">{location}</span></header>\
         <p class=\"message\">{message}</p><pre class=\"snippet\"><code>{snippet}</code></pre>\
         <p class=\"fix\"><strong>Fix:</strong> {fix}</p><p class=\"muted\">{cwe}{also}</p></article>",
        id = escape(&finding.id),
        sev = escape(finding.severity),
        rule = escape(finding.rule),
        location = escape(&location(&finding.path, finding.line, finding.line)),
        message = prose(&finding.message),
        snippet = escape(&finding.snippet),
        fix = prose(&finding.fix),
        cwe = escape(&finding.cwe.join(", ")),
        also = if also.is_empty() {
            String::new()
        } else {
            format!(" · also bears on {}", also.join(", "))
        },
    );
}

fn exceptions(out: &mut String, report: &EvidenceReport) {
    out.push_str(
        "<section id=\"exceptions\"><h2>Exceptions (accepted risks)</h2>\n\
         <p class=\"muted\">Every finding hidden by an <code>authlint-ignore</code> comment, with the reason written there \
         and, from <code>git blame</code>, who added the comment and when.</p>\n",
    );
    if report.exceptions.is_empty() {
        out.push_str("<p>No finding is suppressed.</p>");
    }
    for exception in &report.exceptions {
        exception_entry(out, exception);
    }
    out.push_str("</section>\n");
}

fn exception_entry(out: &mut String, exception: &Exception) {
    let controls: Vec<String> = exception
        .controls
        .iter()
        .map(|c| escape(&label(c)))
        .collect();
    let _ = writeln!(
        out,
        "<article class=\"exception\" id=\"{id}\" data-rule=\"{rule}\">\
         <header><strong>{id}</strong><span class=\"sev sev-{sev}\">{sev}</span>\
         <code class=\"rule\">{rule}</code><span class=\"where\">{location}</span></header>\
         <dl class=\"meta\"><dt>Reason</dt><dd class=\"reason\">{reason}</dd>\
         <dt>Added by</dt><dd class=\"added-by\">{blame} (comment on line {comment_line})</dd>\
         <dt>Finding</dt><dd>{message}</dd><dt>Controls</dt><dd>{controls}</dd></dl>\
         <pre class=\"snippet\"><code>{snippet}</code></pre></article>",
        id = escape(&exception.id),
        sev = escape(exception.severity),
        rule = escape(exception.rule),
        location = escape(&location(&exception.path, exception.line, exception.line)),
        reason = escape(&exception.reason),
        blame = escape(&blame_text(&exception.added_by)),
        comment_line = exception.comment_line,
        message = prose(&exception.message),
        controls = controls.join(", "),
        snippet = escape(&exception.snippet),
    );
}

fn samples(out: &mut String, report: &EvidenceReport) {
    out.push_str(
        "<section id=\"samples\"><h2>Code review samples</h2>\n\
         <p class=\"muted\">Places where a control is done right, found by authlint's positive detectors \
         on the same parse as the rules. None of them overlaps a finding.</p>\n",
    );
    for detector in &report.detectors {
        let controls: Vec<String> = detector
            .controls
            .iter()
            .map(|c| escape(&label(c)))
            .collect();
        let _ = writeln!(
            out,
            "<section class=\"detector\"><h3>{}</h3><p class=\"muted\">Controls: {}</p>",
            prose(&heading(detector.title)),
            controls.join(", ")
        );
        match detector.id {
            None => out.push_str(
                "<p class=\"no-detector\">No sample detector yet: authlint does not look for this yet, \
                 so its absence here says nothing about the code.</p>",
            ),
            Some(id) => {
                let listed: Vec<&EvidenceSample> =
                    report.samples.iter().filter(|s| s.detector == id).collect();
                if listed.is_empty() {
                    out.push_str("<p>None found in the scanned code.</p>");
                }
                for sample in listed {
                    sample_entry(out, sample);
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn sample_entry(out: &mut String, sample: &EvidenceSample) {
    let mut code = String::new();
    for (offset, line) in sample.code.iter().enumerate() {
        let _ = writeln!(
            code,
            "<span class=\"ln\">{:>4}</span>  {}",
            sample.line + offset,
            escape(line)
        );
    }
    if sample.omitted_lines > 0 {
        let _ = writeln!(code, "      … {} more lines", sample.omitted_lines);
    }
    let _ = writeln!(
        out,
        "<article class=\"sample\" id=\"{id}\" data-detector=\"{detector}\">\
         <header><strong>{id}</strong><span class=\"where\">{location}</span></header>\
         <p class=\"note\">{note}</p><pre><code>{code}</code></pre></article>",
        id = escape(&sample.id),
        detector = escape(sample.detector),
        location = escape(&location(&sample.path, sample.line, sample.end_line)),
        note = prose(&sample.note),
        code = code.trim_end(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        let hostile = "<script>alert('x')</script> & \"q\"";
        let escaped = escape(hostile);
        assert_eq!(
            escaped,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert!(!prose("`<script>` in `code`").contains("<script>"));
        assert_eq!(prose("odd ` tick <b>"), "odd ` tick &lt;b&gt;");
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(control_anchor("API2:2023"), "control-api2-2023");
        assert_eq!(control_anchor("8.4.x"), "control-8-4-x");
    }
}
