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
    /// The rule's severity unless the configuration overrides it.
    pub severity: Severity,
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
        Self::from_diagnostic_masking(file, diagnostic, &[])
    }

    /// A finding whose snippet and frame mask, besides its own secret, every
    /// secret in `secrets` (the ones other findings in the file reported):
    /// a finding on a line that holds a secret never shows it.
    pub fn from_diagnostic_masking(
        file: &SourceFile,
        diagnostic: Diagnostic,
        secrets: &[Range<usize>],
    ) -> Self {
        let start = file.position(diagnostic.range.start);
        let end = file.position(diagnostic.range.end);
        let line_text = file.line_text(start.line);
        let line_start = file.line_start(start.line);
        let masked = MaskedLine::new(
            line_text,
            line_start,
            secrets.iter().chain(diagnostic.secret.iter()),
        );
        let from = masked.column(diagnostic.range.start.saturating_sub(line_start));
        let to = if end.line == start.line {
            masked.column(diagnostic.range.end.saturating_sub(line_start))
        } else {
            char_count(&masked.text)
        };
        let frame = frame(&masked.text, from, to.saturating_sub(from));
        let snippet = truncate_snippet(masked.text.trim());
        // A secret is identified by its value, wherever it moves; other
        // findings by the code they report.
        let identity = diagnostic.secret.as_ref().unwrap_or(&diagnostic.range);
        let reported = file.text.get(identity.clone()).unwrap_or_default();
        let fingerprint = fingerprint(
            diagnostic.rule.id,
            &file.display_path,
            reported,
            diagnostic.secret.is_some(),
        );
        Self {
            rule: diagnostic.rule,
            severity: diagnostic.rule.severity,
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
        self.severity
    }

    /// The order every output uses: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, self.rule.id)
    }
}

/// Shows a secret as its first four characters and a fixed mask, so that the
/// length of the secret is not revealed either. A secret shorter than eight
/// characters shows at most half of them, so that a short one is never
/// printed whole.
pub fn mask_secret(secret: &str) -> String {
    let length = char_count(secret);
    let shown = if length >= 8 { 4 } else { length / 2 };
    let visible: String = secret.chars().take(shown).collect();
    format!("{visible}********")
}

/// A line of a file (1-based) as every output may show it: the secrets in
/// `secrets` (byte ranges in the file) masked, trailing white space cut.
pub fn masked_line(file: &SourceFile, line: usize, secrets: &[Range<usize>]) -> String {
    let text = file.line_text(line);
    let masked = MaskedLine::new(text, file.line_start(line), secrets.iter());
    masked.text.trim_end().to_string()
}

/// One line of code with the secrets on it masked, and the map from byte
/// offsets in the original line to character columns in the masked one.
struct MaskedLine {
    text: String,
    /// Per masked part: its byte range in the original line, and the
    /// character columns its mask spans in `text`.
    masks: Vec<(Range<usize>, Range<usize>)>,
    original: String,
}

impl MaskedLine {
    fn new<'a>(
        line: &str,
        line_start: usize,
        secrets: impl Iterator<Item = &'a Range<usize>>,
    ) -> Self {
        let line_end = line_start + line.len();
        let mut parts: Vec<Range<usize>> = secrets
            .filter(|s| s.start < line_end && s.end > line_start)
            .map(|s| {
                s.start.clamp(line_start, line_end) - line_start
                    ..s.end.clamp(line_start, line_end) - line_start
            })
            .filter(|r| !r.is_empty())
            .collect();
        parts.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::new();
        for part in parts {
            match merged.last_mut() {
                Some(last) if part.start <= last.end => last.end = last.end.max(part.end),
                _ => merged.push(part),
            }
        }
        let on_boundaries = merged
            .iter()
            .all(|r| line.is_char_boundary(r.start) && line.is_char_boundary(r.end));
        if !on_boundaries {
            // Cannot cut the line where the secret is: hide all of it.
            let text = mask_secret(line);
            let columns = 0..char_count(&text);
            return Self {
                masks: vec![(0..line.len(), columns)],
                text,
                original: line.to_string(),
            };
        }
        let mut text = String::with_capacity(line.len());
        let mut masks = Vec::with_capacity(merged.len());
        let mut copied = 0;
        for part in merged {
            text.push_str(&line[copied..part.start]);
            let first = char_count(&text);
            text.push_str(&mask_secret(&line[part.clone()]));
            masks.push((part.clone(), first..char_count(&text)));
            copied = part.end;
        }
        text.push_str(&line[copied..]);
        Self {
            text,
            masks,
            original: line.to_string(),
        }
    }

    /// The 0-based character column in the masked line of a byte offset in
    /// the original one. An offset inside a masked part maps to the end of
    /// its mask, its start to the mask's start.
    fn column(&self, offset: usize) -> usize {
        let offset = offset.min(self.original.len());
        let mut shift: isize = 0;
        for (bytes, columns) in &self.masks {
            if offset <= bytes.start {
                break;
            }
            if offset < bytes.end {
                return columns.end;
            }
            let original_chars = self
                .original
                .get(bytes.clone())
                .map_or(bytes.len(), char_count);
            shift += columns.len().cast_signed() - original_chars.cast_signed();
        }
        let before = self.original.get(..offset).map_or(offset, char_count);
        before.saturating_add_signed(shift)
    }
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
        assert_eq!(mask_secret("abcdefgh"), "abcd********");
        assert_eq!(mask_secret("secret"), "sec********");
        assert_eq!(mask_secret("ab"), "a********");
    }

    #[test]
    fn every_secret_on_the_line_is_masked_and_columns_follow() {
        let line = "connect('user', 'hunter22hunter22', 'sk_live_abcdefgh')";
        let first = 17..33;
        let second = 37..53;
        let masked = MaskedLine::new(line, 0, [first.clone(), second].iter());
        assert_eq!(
            masked.text,
            "connect('user', 'hunt********', 'sk_l********')"
        );
        assert_eq!(masked.column(first.start), 17);
        assert_eq!(masked.column(first.end), 29);
        assert_eq!(masked.column(first.end + 1), 30);
        assert_eq!(masked.column(line.len()), masked.text.chars().count());
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
