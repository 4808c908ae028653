//! A code review sample as the evidence report shows it: what a positive
//! detector ([`crate::rules::samples`]) found, with its file, line range and
//! code, secrets masked like in findings.

use std::ops::Range;

use crate::finding::masked_line;
use crate::rules::samples::{Detector, Exhibit};
use crate::source::SourceFile;

/// Longer samples are cut: the auditor needs the control, not the file.
pub const MAX_SAMPLE_LINES: usize = 12;

#[derive(Debug, Clone)]
pub struct Sample {
    pub detector: &'static Detector,
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    /// The lines shown, from `line` on, secrets masked; at most
    /// [`MAX_SAMPLE_LINES`].
    pub code: Vec<String>,
    /// Lines of the range left out of `code`.
    pub omitted_lines: usize,
    pub note: String,
}

impl Sample {
    pub fn from_exhibit(file: &SourceFile, exhibit: Exhibit, secrets: &[Range<usize>]) -> Self {
        let line = file.position(exhibit.range.start).line;
        // YAML values end where the next key starts: white space at the
        // end of a range is not part of the sample.
        let covered = file.text.get(exhibit.range.clone()).unwrap_or_default();
        let end = exhibit.range.start + covered.trim_end().len();
        let last_byte = end.max(exhibit.range.start + 1) - 1;
        let end_line = file.position(last_byte).line.max(line);
        let shown_end = end_line.min(line + MAX_SAMPLE_LINES - 1);
        let code = (line..=shown_end)
            .map(|n| masked_line(file, n, secrets))
            .collect();
        Self {
            detector: exhibit.detector,
            path: file.display_path.clone(),
            line,
            end_line,
            code,
            omitted_lines: end_line - shown_end,
            note: exhibit.note,
        }
    }

    /// The order reports use: detector, path, line.
    pub fn sort_key(&self) -> (&str, &str, usize) {
        (self.detector.id, &self.path, self.line)
    }
}
