//! The text report: one block per finding with its place, rule, severity,
//! message, a code frame and the fix; then a summary line. Colour only when
//! asked (the CLI decides from the terminal and `NO_COLOR`).

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::finding::{Finding, Severity};
use crate::scan::ScanResult;

struct Palette {
    path: Style,
    severity: fn(Severity) -> Style,
    rule: Style,
    gutter: Style,
    underline: Style,
    fix: Style,
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn plain_severity(_: Severity) -> Style {
    Style::new()
}

impl Palette {
    fn new(color: bool) -> Self {
        if !color {
            return Self {
                path: Style::new(),
                severity: plain_severity,
                rule: Style::new(),
                gutter: Style::new(),
                underline: Style::new(),
                fix: Style::new(),
            };
        }
        Self {
            path: Style::new().bold(),
            severity: severity_style,
            rule: Style::new().fg_color(Some(AnsiColor::Magenta.into())),
            gutter: Style::new().fg_color(Some(AnsiColor::Blue.into())).bold(),
            underline: Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            fix: Style::new().fg_color(Some(AnsiColor::Green.into())),
        }
    }
}

pub fn render(result: &ScanResult, color: bool, quiet: bool) -> String {
    let palette = Palette::new(color);
    let mut out = String::new();
    for finding in &result.findings {
        render_finding(&mut out, finding, &palette);
    }
    if !quiet {
        out.push_str(&summary(result));
    }
    out
}

fn render_finding(out: &mut String, finding: &Finding, p: &Palette) {
    let severity = finding.severity();
    let sev = (p.severity)(severity);
    let _ = writeln!(
        out,
        "{}{}:{}:{}{} {}{}{} {}{}{} {}",
        p.path.render(),
        finding.path,
        finding.line,
        finding.column,
        p.path.render_reset(),
        sev.render(),
        severity.name(),
        sev.render_reset(),
        p.rule.render(),
        finding.rule.id,
        p.rule.render_reset(),
        finding.message,
    );
    let number = finding.line.to_string();
    let pad = " ".repeat(number.len());
    let gutter = |text: &str| format!("{}{text}{}", p.gutter.render(), p.gutter.render_reset());
    let frame = &finding.frame;
    let _ = writeln!(out, "{} {}", pad, gutter("|"));
    let _ = writeln!(
        out,
        "{} {}",
        gutter(&number),
        gutter("|") + " " + &frame.text
    );
    let marker = " ".repeat(frame.underline_start) + &"^".repeat(frame.underline_len);
    let _ = writeln!(
        out,
        "{} {} {}{}{}",
        pad,
        gutter("|"),
        p.underline.render(),
        marker,
        p.underline.render_reset()
    );
    let _ = writeln!(
        out,
        "{} {} {}fix:{} {}",
        pad,
        gutter("="),
        p.fix.render(),
        p.fix.render_reset(),
        finding.fix
    );
    out.push('\n');
}

fn summary(result: &ScanResult) -> String {
    let files = plural(result.files_scanned, "file");
    let mut hidden = Vec::new();
    if !result.suppressed.is_empty() {
        hidden.push(format!("{} suppressed inline", result.suppressed.len()));
    }
    if result.baselined > 0 {
        hidden.push(format!("{} in the baseline", result.baselined));
    }
    let hidden = if hidden.is_empty() {
        String::new()
    } else {
        format!(" Not shown: {}.", hidden.join(", "))
    };
    if result.findings.is_empty() {
        return format!("No findings in {files}.{hidden}\n");
    }
    let mut counts = Vec::new();
    for severity in crate::report::SEVERITIES {
        let count = result
            .findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count();
        if count > 0 {
            counts.push(format!("{count} {}", severity.name()));
        }
    }
    format!(
        "Found {} in {files} ({}).{hidden}\n",
        plural(result.findings.len(), "finding"),
        counts.join(", ")
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
