//! Inline suppressions: `// authlint-ignore RULE[, RULE...] -- reason` (or
//! `#` in YAML, TOML, `.env` and shell-like files) on the line of a finding,
//! or alone on the line above it. Rules may be ids or whole families. A
//! suppression must give a reason and name known rules; one that does not is
//! reported as `meta/unjustified-suppression` and suppresses nothing. With
//! `meta/unused-suppression` enabled, rules named by a suppression that hid
//! no finding are reported too.
//!
//! The marker must follow a comment opener directly. In JavaScript,
//! TypeScript and Rust the comments are those a lexer finds (so markers in
//! strings, templates and raw strings are not directives); in any other text
//! they are found line by line, where a trailing comment must not sit in an
//! open string or another comment. Documentation (Markdown and the like) has
//! no directives: it only talks about them. A comment alone on its line
//! covers the next line that is not another suppression.

use std::ops::Range;
use std::path::Path;

use memchr::memmem;

use crate::finding::{Diagnostic, Finding};
use crate::rules::meta::{self, unjustified_suppression, unused_suppression};
use crate::rules::{self, Rule};
use crate::source::{LanguageFamily, SourceFile};

mod comments;

use comments::{Comment, Dialect};

const MARKER: &str = "authlint-ignore";

/// A finding hidden by an inline suppression, and the reason given there.
#[derive(Debug, Clone)]
pub struct SuppressedFinding {
    pub finding: Finding,
    pub reason: String,
    /// 1-based line of the suppression comment.
    pub comment_line: usize,
}

/// One `authlint-ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: usize,
    /// The line whose findings it covers: its own, or for a comment alone
    /// on its line the next line that is not another suppression.
    pub target_line: usize,
    /// Bytes from the comment opener to the end of the comment.
    pub range: Range<usize>,
    /// Rule ids and families, as written.
    pub rules: Vec<String>,
    /// The text after `--`, if any.
    pub reason: Option<String>,
}

impl Directive {
    fn has_reason(&self) -> bool {
        self.reason
            .as_deref()
            .is_some_and(|r| r.chars().any(char::is_alphanumeric))
    }

    /// Rule names that match no rule authlint knows.
    fn unknown_rules(&self) -> Vec<&str> {
        self.rules
            .iter()
            .map(String::as_str)
            .filter(|r| !rules::selector_is_known(r))
            .collect()
    }

    /// Only a suppression with known rules and a reason hides anything; a
    /// typo in one rule id voids the whole comment, so that it is fixed.
    fn is_valid(&self) -> bool {
        !self.rules.is_empty() && self.has_reason() && self.unknown_rules().is_empty()
    }
}

/// How a file's comments are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommentStyle {
    /// Code authlint lexes: comments are exactly the lexer's.
    Code(Dialect),
    /// `#` comments, which start a line or follow white space.
    Hash,
    /// A file whose syntax authlint does not know: `//`, `/*` and `#`,
    /// line by line.
    Any,
    /// Documentation: no comments, only text about them.
    Prose,
}

fn comment_style(path: &Path) -> CommentStyle {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let hash_named = name == ".env"
        || name.starts_with(".env.")
        || name.starts_with("dockerfile")
        || name.ends_with(".dockerfile")
        || matches!(
            name.as_str(),
            "containerfile" | "makefile" | ".npmrc" | ".yarnrc" | ".pypirc" | ".gitconfig"
        );
    if hash_named {
        return CommentStyle::Hash;
    }
    match extension.as_str() {
        "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => {
            CommentStyle::Code(Dialect::Js)
        }
        "rs" => CommentStyle::Code(Dialect::Rust),
        "yaml" | "yml" | "toml" | "env" | "sh" | "bash" | "zsh" | "ini" | "cfg" | "conf"
        | "cnf" | "properties" | "py" | "rb" | "tf" | "hcl" => CommentStyle::Hash,
        "md" | "markdown" | "mdx" | "rst" | "txt" | "adoc" | "html" | "htm" => CommentStyle::Prose,
        _ => CommentStyle::Any,
    }
}

/// A suppression comment as found, before lines are counted.
struct Found {
    /// From the comment opener (or the marker, on a later line of a block
    /// comment) to the end of the directive.
    range: Range<usize>,
    /// Where the comment ends: an own-line directive covers the line after.
    comment_end: usize,
    own_line: bool,
    rules: Vec<String>,
    reason: Option<String>,
}

/// Finds every suppression comment in a file's text.
pub fn parse(path: &Path, text: &str) -> Vec<Directive> {
    if memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let found = match comment_style(path) {
        CommentStyle::Prose => return Vec::new(),
        CommentStyle::Code(dialect) => in_comments(text, &comments::comments(text, dialect)),
        style => in_lines(text, style),
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);
    let own_lines: std::collections::HashSet<usize> = found
        .iter()
        .filter(|f| f.own_line)
        .flat_map(|f| line_of(f.range.start)..=line_of(f.comment_end.saturating_sub(1)))
        .collect();
    found
        .into_iter()
        .map(|f| {
            let line = line_of(f.range.start);
            let mut target_line = line;
            if f.own_line {
                // Stacked suppressions all cover the code below the stack.
                target_line = line_of(f.comment_end.saturating_sub(1)) + 1;
                while own_lines.contains(&target_line) {
                    target_line += 1;
                }
            }
            Directive {
                line,
                target_line,
                range: f.range,
                rules: f.rules,
                reason: f.reason,
            }
        })
        .collect()
}

/// Directives in the comments a lexer found. The marker must follow the
/// opener directly (`//`, `///`, `//!`, `/*`, `/**`), or start a line of a
/// block comment (after an optional `*`).
fn in_comments(text: &str, comments: &[Comment]) -> Vec<Found> {
    let mut found = Vec::new();
    for comment in comments {
        let body = &text[comment.range.clone()];
        let Some(offset) = memmem::find(body.as_bytes(), MARKER.as_bytes()) else {
            continue;
        };
        let marker = comment.range.start + offset;
        let line_start = text[..marker].rfind('\n').map_or(0, |i| i + 1);
        let first_line = line_start <= comment.range.start;
        let lead = if first_line {
            &text[comment.range.start..marker]
        } else {
            &text[line_start..marker]
        };
        let lead_is_opener = lead
            .trim()
            .trim_start_matches(['/', '*', '!'])
            .trim()
            .is_empty()
            && (!first_line || lead.starts_with("//") || lead.starts_with("/*"));
        if !lead_is_opener {
            continue;
        }
        let line_end = text[marker..].find('\n').map_or(text.len(), |i| marker + i);
        let mut end = line_end.min(comment.range.end);
        if comment.block && end == comment.range.end {
            end -= 2;
        }
        let Some((rules, reason, used)) = parse_body(&text[marker + MARKER.len()..end]) else {
            continue;
        };
        let comment_line_start = text[..comment.range.start].rfind('\n').map_or(0, |i| i + 1);
        let code_before = &text[comment_line_start..comment.range.start];
        let own_line = code_before.trim_start_matches(['{', ' ', '\t']).is_empty();
        let start = if first_line {
            comment.range.start
        } else {
            marker
        };
        let directive_end = if comment.block && end + 2 == comment.range.end {
            comment.range.end
        } else {
            marker + MARKER.len() + used
        };
        found.push(Found {
            range: start..directive_end,
            comment_end: comment.range.end,
            own_line,
            rules,
            reason,
        });
    }
    found
}

/// Directives in files without a lexer, line by line: the marker must
/// follow a comment opener, and the code before a trailing comment must not
/// leave a string or another comment open.
fn in_lines(text: &str, style: CommentStyle) -> Vec<Found> {
    let mut found = Vec::new();
    let mut last_line_start = usize::MAX;
    for at in memmem::find_iter(text.as_bytes(), MARKER) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if line_start == last_line_start {
            continue;
        }
        last_line_start = line_start;
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let before = line[..at - line_start].trim_end();
        let Some((opener, block)) = line_opener(before, style) else {
            continue;
        };
        let code = &line[..opener];
        let own_line = code.trim_start_matches(['{', ' ', '\t']).is_empty();
        let hash = line[opener..].starts_with('#');
        if !own_line && (hash && !code.ends_with([' ', '\t']) || opens_string_or_comment(code)) {
            continue;
        }
        let mut body = &line[at - line_start + MARKER.len()..];
        let mut closer = None;
        if block && let Some(close) = body.find("*/") {
            body = &body[..close];
            closer = Some(at + MARKER.len() + close + 2);
        }
        let Some((rules, reason, used)) = parse_body(body) else {
            continue;
        };
        let end = closer.unwrap_or(at + MARKER.len() + used);
        found.push(Found {
            range: line_start + opener..end,
            comment_end: end,
            own_line,
            rules,
            reason,
        });
    }
    found
}

/// The comment opener `before` ends with, and whether it opens a block.
fn line_opener(before: &str, style: CommentStyle) -> Option<(usize, bool)> {
    const SLASH_OPENERS: [(&str, bool); 5] = [
        ("//!", false),
        ("///", false),
        ("//", false),
        ("/**", true),
        ("/*", true),
    ];
    let slash = || {
        SLASH_OPENERS.iter().find_map(|(opener, block)| {
            before.strip_suffix(opener).map(|rest| (rest.len(), *block))
        })
    };
    let hash = || {
        let rest = before.strip_suffix('#')?.trim_end_matches('#');
        Some((rest.len(), false))
    };
    match style {
        CommentStyle::Hash => hash(),
        CommentStyle::Any => slash().or_else(hash),
        CommentStyle::Code(_) | CommentStyle::Prose => None,
    }
}

/// Whether code before a trailing comment leaves a string open (so the
/// "comment" is part of it) or is itself in a comment (so the marker is
/// prose about suppressions).
fn opens_string_or_comment(code: &str) -> bool {
    let mut open: Option<char> = None;
    let mut escaped = false;
    let mut previous = ' ';
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match open {
            Some(_) if c == '\\' => escaped = true,
            Some(quote) if c == quote => open = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => open = Some(c),
            None if c == '#' && previous.is_whitespace() => return true,
            None if c == '/' && previous == '/' => return true,
            None if c == '*' && previous == '/' => return true,
            None => {}
        }
        previous = c;
    }
    open.is_some()
}

/// Reads what follows the marker: `RULE[, RULE...] [-- reason]`. `None`
/// when the marker is part of a longer word (`authlint-ignore-file`).
/// Returns the rules, the reason and how many bytes the directive used.
fn parse_body(after: &str) -> Option<(Vec<String>, Option<String>, usize)> {
    if after
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && c != ':')
    {
        return None;
    }
    let body = after.strip_prefix(':').unwrap_or(after);
    let (rules_part, reason) = match body.find("--") {
        Some(dash) => (
            &body[..dash],
            Some(body[dash + 2..].trim().trim_end_matches("-->").trim()),
        ),
        None => (body, None),
    };
    let rules: Vec<String> = if reason.is_some() {
        rules_part
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        // Without `--`, words after the rules may be a reason written the
        // wrong way; only the comma-separated first words count as rules.
        rules_part
            .split(',')
            .filter_map(|item| item.split_whitespace().next())
            .map(str::to_string)
            .collect()
    };
    let used = after.trim_end().len();
    Some((rules, reason.map(str::to_string), used))
}

/// What the suppression pass made of one file's findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings no suppression covers, plus the meta findings.
    pub findings: Vec<Finding>,
    pub suppressed: Vec<SuppressedFinding>,
}

/// Applies a file's suppressions to its findings. `enabled` is every rule
/// the scan runs (meta rules included); `analysed` is false when the file
/// could not be parsed, so that no rule ran and no suppression can be
/// judged unused.
pub fn apply(
    source: &SourceFile,
    findings: Vec<Finding>,
    enabled: &[&'static Rule],
    analysed: bool,
) -> Applied {
    if memmem::find(source.text.as_bytes(), MARKER.as_bytes()).is_none() {
        return Applied {
            findings,
            suppressed: Vec::new(),
        };
    }
    let directives = parse(&source.path, &source.text);
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.rules.len()])
        .collect();
    let mut applied = Applied::default();
    for finding in findings {
        let covering = directives.iter().enumerate().find_map(|(index, d)| {
            if !d.is_valid() || d.target_line != finding.line && d.line != finding.line {
                return None;
            }
            let position = d.rules.iter().position(|selector| {
                finding.rule.family() != meta::FAMILY
                    && rules::selector_matches(selector, finding.rule)
            })?;
            Some((index, position))
        });
        match covering {
            Some((index, position)) => {
                used[index][position] = true;
                let directive = &directives[index];
                applied.suppressed.push(SuppressedFinding {
                    finding,
                    reason: directive.reason.clone().unwrap_or_default(),
                    comment_line: directive.line,
                });
            }
            None => applied.findings.push(finding),
        }
    }

    let is_enabled = |id: &str| enabled.iter().any(|r| r.id == id);
    if is_enabled(unjustified_suppression::RULE.id) {
        for directive in &directives {
            if let Some((message, fix)) = unjustified(directive) {
                applied.findings.push(meta_finding(
                    source,
                    &unjustified_suppression::RULE,
                    directive,
                    message,
                    fix,
                ));
            }
        }
    }
    if analysed && is_enabled(unused_suppression::RULE.id) {
        let family = source.language.family();
        for (directive, used) in directives.iter().zip(&used) {
            if !directive.is_valid() {
                continue;
            }
            for (selector, used) in directive.rules.iter().zip(used) {
                let ran = enabled.iter().any(|rule| {
                    rule.family() != meta::FAMILY
                        && rules::selector_matches(selector, rule)
                        && (rule.languages.contains(&family)
                            || rule.languages.contains(&LanguageFamily::Any))
                });
                if *used || !ran {
                    continue;
                }
                applied.findings.push(meta_finding(
                    source,
                    &unused_suppression::RULE,
                    directive,
                    format!("`authlint-ignore {selector}` suppresses no finding here"),
                    format!("remove `{selector}` from the suppression, or the whole comment if nothing is left"),
                ));
            }
        }
    }
    applied
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    applied
}

/// A finding about a suppression comment. Its snippet and code frame show
/// the comment alone: the code before a trailing comment may hold a secret
/// that only the secret rule's own finding knows how to mask.
fn meta_finding(
    source: &SourceFile,
    rule: &'static Rule,
    directive: &Directive,
    message: String,
    fix: String,
) -> Finding {
    let diagnostic = Diagnostic::new(rule, directive.range.clone(), message, fix);
    let mut finding = Finding::from_diagnostic(source, diagnostic);
    let comment = source.text[directive.range.clone()].trim_end();
    finding.snippet = comment.to_string();
    if directive.target_line == directive.line {
        finding.frame.text = format!("… {comment}");
        finding.frame.underline_start = 2;
        finding.frame.underline_len = comment.chars().count().max(1);
    }
    finding
}

/// The message and fix for a suppression that must not count, if it is one.
fn unjustified(directive: &Directive) -> Option<(String, String)> {
    if directive.rules.is_empty() {
        return Some((
            "`authlint-ignore` names no rule".into(),
            "name the rules it is for, then the reason: `authlint-ignore RULE -- why this is safe`"
                .into(),
        ));
    }
    let unknown = directive.unknown_rules();
    if let Some(first) = unknown.first() {
        let names: Vec<String> = unknown.iter().map(|r| format!("`{r}`")).collect();
        let fix = match crate::config::closest(first, &known_selectors()) {
            Some(suggestion) => format!("did you mean `{suggestion}`? `authlint rules` lists them"),
            None => "use a rule id or family that `authlint rules` lists".into(),
        };
        let noun = if unknown.len() == 1 { "rule" } else { "rules" };
        return Some((
            format!(
                "`authlint-ignore` names unknown {noun} {}, so it suppresses nothing",
                names.join(", ")
            ),
            fix,
        ));
    }
    if !directive.has_reason() {
        let listed = directive.rules.join(", ");
        return Some((
            format!("`authlint-ignore {listed}` gives no reason, so it suppresses nothing"),
            format!("say why the finding is acceptable: `authlint-ignore {listed} -- <reason>`"),
        ));
    }
    None
}

fn known_selectors() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = rules::ALL.iter().map(|r| r.id).collect();
    names.extend(rules::ALL.iter().map(|r| r.family()));
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directives(name: &str, text: &str) -> Vec<Directive> {
        parse(Path::new(name), text)
    }

    #[test]
    fn reads_rules_families_and_reasons() {
        let found = directives(
            "a.js",
            "x();\n// authlint-ignore jwt/no-expiry, jwt -- tokens for the test server\nsign();\n",
        );
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!((d.line, d.target_line), (2, 3));
        assert_eq!(d.rules, ["jwt/no-expiry", "jwt"]);
        assert_eq!(d.reason.as_deref(), Some("tokens for the test server"));
        assert!(d.is_valid());
    }

    #[test]
    fn trailing_comments_cover_their_own_line() {
        let found = directives(
            "a.ts",
            "sign(); // authlint-ignore jwt/no-expiry -- short-lived by design\n",
        );
        assert_eq!((found[0].line, found[0].target_line), (1, 1));
        let found = directives(
            "a.rs",
            "fn f<'a>(x: &'a str) {} // authlint-ignore jwt -- lifetimes are not strings\n",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn stacked_comments_cover_the_code_below_them() {
        let found = directives(
            "a.js",
            "// authlint-ignore jwt/no-expiry -- a\n// authlint-ignore jwt/hardcoded-secret -- b\nsign();\n",
        );
        assert_eq!(
            found.iter().map(|d| d.target_line).collect::<Vec<_>>(),
            [3, 3]
        );
    }

    #[test]
    fn hash_comments_only_where_the_syntax_has_them() {
        let yaml = "key: value # authlint-ignore secret -- sample data\n";
        assert_eq!(directives("ci.yml", yaml).len(), 1);
        assert_eq!(
            directives(".env.local", "# authlint-ignore secret -- x\n").len(),
            1
        );
        assert!(directives("a.js", "# authlint-ignore jwt -- x\n").is_empty());
        // `#` glued to a value is part of it in YAML.
        assert!(directives("ci.yml", "url: a#authlint-ignore jwt -- x\n").is_empty());
    }

    #[test]
    fn strings_and_prose_are_not_directives() {
        assert!(directives("a.js", "const s = '// authlint-ignore jwt -- x';\n").is_empty());
        assert!(directives("a.js", "// see authlint-ignore in the docs\n").is_empty());
        assert!(directives("a.js", "// authlint-ignore-file jwt\n").is_empty());
    }

    #[test]
    fn markers_in_multi_line_strings_and_prose_are_not_directives() {
        let rust = "const HELP: &str = \"usage:\n// authlint-ignore RULE -- reason\n\";\n\
                    let docs = r#\"\n// authlint-ignore jwt\n\"#;\n\
                    //! Write `// authlint-ignore RULE -- reason` above the line.\n";
        assert!(directives("lib.rs", rust).is_empty());
        let js = "const help = `\n// authlint-ignore jwt -- x\n`;\n// see `// authlint-ignore`\n";
        assert!(directives("help.js", js).is_empty());
        let markdown = "```js\n// authlint-ignore jwt\n```\n";
        assert!(directives("README.md", markdown).is_empty());
        // Line by line, a marker inside another comment is prose too.
        assert!(directives("notes.cfg", "# use # authlint-ignore RULE -- why\n").is_empty());
    }

    #[test]
    fn block_comments_cover_the_line_after_them() {
        let found = directives(
            "a.ts",
            "/**\n * authlint-ignore jwt -- signed by the gateway\n */\nverify();\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].target_line), (2, 4));
        assert_eq!(found[0].reason.as_deref(), Some("signed by the gateway"));
    }

    #[test]
    fn block_comments_end_at_their_closer() {
        let found = directives(
            "a.tsx",
            "{/* authlint-ignore jwt -- demo page */}\n<Login />\n",
        );
        assert_eq!(found[0].reason.as_deref(), Some("demo page"));
        assert_eq!(found[0].target_line, 2);
    }

    #[test]
    fn missing_reasons_and_unknown_rules_are_unjustified() {
        let bare = &directives("a.js", "// authlint-ignore jwt/no-expiry\n")[0];
        assert!(!bare.is_valid());
        assert!(unjustified(bare).unwrap().0.contains("no reason"));
        let prose = &directives("a.js", "// authlint-ignore jwt/no-expiry because tests\n")[0];
        assert_eq!(prose.rules, ["jwt/no-expiry"]);
        let typo = &directives("a.js", "// authlint-ignore jwt/no-expiri -- x\n")[0];
        let (message, fix) = unjustified(typo).unwrap();
        assert!(message.contains("`jwt/no-expiri`"), "{message}");
        assert!(fix.contains("`jwt/no-expiry`"), "{fix}");
        let empty = &directives("a.js", "// authlint-ignore -- because\n")[0];
        assert!(unjustified(empty).unwrap().0.contains("names no rule"));
    }
}
