//! Rendering a scan for people and for machines. This is, with the CLI, the
//! only code that writes to the terminal.

pub mod json;
pub mod text;

use crate::scan::ScanResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Renders a scan in a format. `color` applies to text only.
pub fn render(format: Format, result: &ScanResult, color: bool, quiet: bool) -> String {
    match format {
        Format::Text => text::render(result, color, quiet),
        Format::Json => json::render(result),
    }
}
