//! Rendering a scan for people and for machines. This is, with the CLI, the
//! only code that writes to the terminal.

pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::finding::Severity;
use crate::scan::ScanResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: code frames and fixes, colour on a terminal
    Text,
    /// The JSON report documented in the README
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// `JUnit` XML, for CI test report views
    Junit,
}

/// Renders a scan in a format. `color` applies to text only.
pub fn render(format: Format, result: &ScanResult, color: bool, quiet: bool) -> String {
    match format {
        Format::Text => text::render(result, color, quiet),
        Format::Json => json::render(result),
        Format::Sarif => sarif::render(result),
        Format::Github => github::render(result),
        Format::Gitlab => gitlab::render(result),
        Format::Junit => junit::render(result),
    }
}

/// Severities from the most to the least severe, for summaries.
pub const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];
