//! The JSON evidence report: the report model as it is, described by
//! `schema.json` (`authlint evidence --schema`).

use super::EvidenceReport;

pub fn render(report: &EvidenceReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("report types serialise");
    text.push('\n');
    text
}
