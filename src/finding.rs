//! What a rule reports. A rule produces [`Diagnostic`]s in byte offsets; the
//! scanner turns them into [`Finding`]s with lines, snippet and fingerprint.

use std::ops::Range;

use serde::Serialize;

use crate::rules::Rule;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            "critical" => Some(Self::Critical),
            _ => None,
        }
    }
}

/// A rule's report on one place of one file, before it is rendered.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub range: Range<usize>,
    pub message: String,
    pub fix: String,
    /// Where a secret sits inside the reported text, so every output can
    /// mask it.
    pub secret: Option<Range<usize>>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static Rule,
        range: Range<usize>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            range,
            message: message.into(),
            fix: fix.into(),
            secret: None,
        }
    }

    #[must_use]
    pub fn with_secret(mut self, secret: Range<usize>) -> Self {
        self.secret = Some(secret);
        self
    }
}

/// A finding as every output format shows it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub fix: String,
    /// The first line of the reported code, secrets masked.
    pub snippet: String,
    /// The line of code for a code frame: untrimmed, secrets masked, cut to
    /// a window around the finding on very long lines.
    pub frame: Frame,
    pub fingerprint: String,
}

/// One line of code and the part of it to underline, in characters.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub text: String,
    pub underline_start: usize,
    pub underline_len: usize,
}

impl Finding {
    pub fn from_diagnostic(file: &SourceFile, diagnostic: Diagnostic) -> Self {
        let start = file.position(diagnostic.range.start);
        let end = file.position(diagnostic.range.end);
        let line_text = file.line_text(start.line);
        let snippet = match &diagnostic.secret {
            Some(secret) => mask_in_line(file, start.line, line_text, secret),
            None => line_text.to_string(),
        };
        let underline_end = if end.line == start.line {
            end.column
        } else {
            line_text.chars().count() + 1
        };
        // The mask has its own length: widen or narrow the underline by the
        // difference when the secret sits inside it.
        let masked_delta = char_count(&snippet).cast_signed() - char_count(line_text).cast_signed();
        let underline = underline_end
            .saturating_sub(start.column)
            .saturating_add_signed(masked_delta);
        let frame = frame(&snippet, start.column - 1, underline);
        let snippet = truncate_snippet(snippet.trim());
        let reported = file.text.get(diagnostic.range.clone()).unwrap_or_default();
        let fingerprint = fingerprint(
            diagnostic.rule.id,
            &file.display_path,
            reported,
            diagnostic.secret.is_some(),
        );
        Self {
            rule: diagnostic.rule,
            path: file.display_path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: diagnostic.message,
            fix: diagnostic.fix,
            snippet,
            frame,
            fingerprint,
        }
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    /// The order every output uses: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, self.rule.id)
    }
}

/// Shows a secret as its first four characters and a fixed mask, so that the
/// length of the secret is not revealed either.
pub fn mask_secret(secret: &str) -> String {
    let visible: String = secret.chars().take(4).collect();
    format!("{visible}********")
}

fn mask_in_line(
    file: &SourceFile,
    line: usize,
    line_text: &str,
    secret: &std::ops::Range<usize>,
) -> String {
    let line_start = file.line_start(line);
    let line_end = line_start + line_text.len();
    let start = secret.start.clamp(line_start, line_end) - line_start;
    let end = secret.end.clamp(line_start, line_end) - line_start;
    let (Some(before), Some(value), Some(after)) = (
        line_text.get(..start),
        line_text.get(start..end),
        line_text.get(end..),
    ) else {
        return mask_secret(line_text);
    };
    format!("{before}{}{after}", mask_secret(value))
}

fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// Cuts a window of a long line around the underlined part.
fn frame(line: &str, start: usize, len: usize) -> Frame {
    const WINDOW: usize = 160;
    let chars: Vec<char> = line.chars().collect();
    let len = len.max(1);
    if chars.len() <= WINDOW {
        let len = len.min(chars.len().saturating_sub(start).max(1));
        return Frame {
            text: line.to_string(),
            underline_start: start,
            underline_len: len,
        };
    }
    let from = start.saturating_sub(WINDOW / 4);
    let to = (from + WINDOW).min(chars.len());
    let mut text: String = chars[from..to].iter().collect();
    let mut underline_start = start - from;
    if from > 0 {
        text.insert(0, '…');
        underline_start += 1;
    }
    if to < chars.len() {
        text.push('…');
    }
    Frame {
        text,
        underline_start,
        underline_len: len.min(to.saturating_sub(start)).max(1),
    }
}

/// Minified code puts a whole bundle on one line; a snippet stays readable.
fn truncate_snippet(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX_CHARS).collect();
    format!("{cut}…")
}

/// A hash of what identifies a finding apart from where it sits: the rule,
/// the file and the reported code with white space folded. Moving code up or
/// down does not change it. A secret is hashed, never stored.
fn fingerprint(rule: &str, path: &str, reported: &str, is_secret: bool) -> String {
    let folded: String = reported.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut hash = Fnv64::default();
    hash.write(rule.as_bytes());
    hash.write(&[0]);
    hash.write(path.as_bytes());
    hash.write(&[0]);
    hash.write(folded.as_bytes());
    hash.write(&[u8::from(is_secret)]);
    format!("{:016x}", hash.finish())
}

/// FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_show_four_characters_and_a_fixed_mask() {
        assert_eq!(mask_secret("keyboard cat"), "keyb********");
        assert_eq!(mask_secret("ab"), "ab********");
    }

    #[test]
    fn fingerprints_ignore_white_space_but_not_code() {
        let a = fingerprint("jwt/x", "a.js", "jwt.verify(t,  k)", false);
        let b = fingerprint("jwt/x", "a.js", "jwt.verify(t, k)", false);
        let c = fingerprint("jwt/x", "a.js", "jwt.verify(t, key)", false);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
