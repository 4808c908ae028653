//! Where the comments of JavaScript, TypeScript and Rust source are. A
//! lexer, not a parser: it knows what can hide a comment marker — strings,
//! template literals and their `${}` holes, regular expression literals,
//! raw strings, char literals and lifetimes — and nothing else. It runs only
//! on files that contain a suppression marker at all.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Js,
    Rust,
}

/// A comment's bytes, from its opener to its end (the line break of a line
/// comment is not part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub range: Range<usize>,
    pub block: bool,
}

/// Keywords after which a `/` starts a regular expression, not a division.
const REGEX_KEYWORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "yield",
    "await",
];

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

pub fn comments(text: &str, dialect: Dialect) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut lexer = Lexer {
        text,
        bytes,
        dialect,
        out: Vec::new(),
        regex_allowed: true,
        templates: Vec::new(),
        depth: 0,
    };
    lexer.run();
    lexer.out
}

struct Lexer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    dialect: Dialect,
    out: Vec<Comment>,
    /// JavaScript: whether a `/` here starts a regular expression.
    regex_allowed: bool,
    /// JavaScript: the brace depth at which each open `${` hole began.
    templates: Vec<usize>,
    depth: usize,
}

#[derive(Clone, Copy)]
enum TemplateStop {
    /// After the closing backtick.
    End(usize),
    /// After the `${` of a hole.
    Hole(usize),
}

impl Lexer<'_> {
    fn at(&self, index: usize) -> Option<u8> {
        self.bytes.get(index).copied()
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.bytes.len() {
            i = self.step(i);
        }
    }

    /// Lexes the token at `i` and returns where the next one starts.
    fn step(&mut self, i: usize) -> usize {
        let byte = self.bytes[i];
        let next = self.at(i + 1);
        match byte {
            b'/' if next == Some(b'/') => {
                let end =
                    memchr::memchr(b'\n', &self.bytes[i..]).map_or(self.bytes.len(), |n| i + n);
                let end = if self.bytes[..end].ends_with(b"\r") {
                    end - 1
                } else {
                    end
                };
                self.out.push(Comment {
                    range: i..end,
                    block: false,
                });
                end
            }
            b'/' if next == Some(b'*') => {
                let end = self.block_end(i + 2);
                self.out.push(Comment {
                    range: i..end,
                    block: true,
                });
                end
            }
            b'"' => {
                self.regex_allowed = false;
                self.string_end(i + 1, b'"')
            }
            b'\'' if self.dialect == Dialect::Js => {
                self.regex_allowed = false;
                self.string_end(i + 1, b'\'')
            }
            b'\'' => self.char_or_lifetime(i),
            b'`' if self.dialect == Dialect::Js => {
                let stop = self.template(i + 1);
                self.after_template(stop)
            }
            b'/' if self.dialect == Dialect::Js && self.regex_allowed => {
                self.regex_allowed = false;
                self.regex_end(i + 1)
            }
            b'{' => {
                self.depth += 1;
                self.regex_allowed = true;
                i + 1
            }
            b'}' => {
                self.depth = self.depth.saturating_sub(1);
                if self.dialect == Dialect::Js && self.templates.last() == Some(&self.depth) {
                    self.templates.pop();
                    let stop = self.template(i + 1);
                    return self.after_template(stop);
                }
                self.regex_allowed = true;
                i + 1
            }
            b'r' | b'b' | b'c' if self.dialect == Dialect::Rust && self.raw_string_start(i) => {
                self.raw_string_end(i)
            }
            _ if is_ident(byte) => {
                let mut end = i + 1;
                while end < self.bytes.len() && is_ident(self.bytes[end]) {
                    end += 1;
                }
                let word = &self.text[i..end];
                self.regex_allowed = REGEX_KEYWORDS.contains(&word);
                end
            }
            b')' | b']' => {
                self.regex_allowed = false;
                i + 1
            }
            _ if byte.is_ascii_whitespace() => i + 1,
            _ => {
                self.regex_allowed = true;
                i + 1
            }
        }
    }

    /// After a `/*`: the end of the block comment (Rust nests them).
    fn block_end(&self, mut i: usize) -> usize {
        let mut depth = 1;
        while i < self.bytes.len() {
            match (self.bytes[i], self.at(i + 1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                (b'/', Some(b'*')) if self.dialect == Dialect::Rust => {
                    depth += 1;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// After an opening quote: just past the closing one. A JavaScript
    /// string cannot cross an unescaped line break; a Rust one can.
    fn string_end(&self, mut i: usize, quote: u8) -> usize {
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'\n' if self.dialect == Dialect::Js => return i,
                byte if byte == quote => return i + 1,
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    fn regex_end(&self, mut i: usize) -> usize {
        let mut in_class = false;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'[' => {
                    in_class = true;
                    i += 1;
                }
                b']' => {
                    in_class = false;
                    i += 1;
                }
                b'/' if !in_class => return i + 1,
                b'\n' => return i,
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// Scans template text from `i` to its end or its next `${` hole.
    fn template(&self, mut i: usize) -> TemplateStop {
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'`' => return TemplateStop::End(i + 1),
                b'$' if self.at(i + 1) == Some(b'{') => return TemplateStop::Hole(i + 2),
                _ => i += 1,
            }
        }
        TemplateStop::End(self.bytes.len())
    }

    fn after_template(&mut self, stop: TemplateStop) -> usize {
        match stop {
            TemplateStop::End(next) => {
                self.regex_allowed = false;
                next
            }
            TemplateStop::Hole(next) => {
                self.templates.push(self.depth);
                self.depth += 1;
                self.regex_allowed = true;
                next
            }
        }
    }

    /// Rust: `'a'`, `'\n'`, `'é'` are char literals; `'a` is a lifetime
    /// or a label.
    fn char_or_lifetime(&self, i: usize) -> usize {
        let mut chars = self.text[i + 1..].char_indices();
        match chars.next() {
            Some((_, '\\')) => self.string_end(i + 1, b'\''),
            Some((_, c)) => match chars.next() {
                Some((offset, '\'')) => i + 1 + offset + 1,
                _ => i + 1 + c.len_utf8(),
            },
            None => self.bytes.len(),
        }
    }

    /// Rust raw strings: `r"…"`, `r#"…"#`, `br"…"`, `cr#"…"#`, not part of
    /// a longer identifier.
    fn raw_string_start(&self, i: usize) -> bool {
        if i > 0 && is_ident(self.bytes[i - 1]) {
            return false;
        }
        let mut j = i;
        if matches!(self.bytes[j], b'b' | b'c') {
            j += 1;
        }
        if self.at(j) != Some(b'r') {
            return false;
        }
        j += 1;
        while self.at(j) == Some(b'#') {
            j += 1;
        }
        self.at(j) == Some(b'"')
    }

    fn raw_string_end(&self, i: usize) -> usize {
        let mut j = i;
        while self.bytes[j] != b'r' {
            j += 1;
        }
        j += 1;
        let hashes = self.bytes[j..].iter().take_while(|b| **b == b'#').count();
        let body = j + hashes + 1;
        let mut closing = Vec::with_capacity(hashes + 1);
        closing.push(b'"');
        closing.extend(std::iter::repeat_n(b'#', hashes));
        memchr::memmem::find(&self.bytes[body..], &closing)
            .map_or(self.bytes.len(), |n| body + n + closing.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, dialect: Dialect) -> Vec<&str> {
        comments(text, dialect)
            .into_iter()
            .map(|c| &text[c.range])
            .collect()
    }

    #[test]
    fn javascript_strings_templates_and_regexes_hide_comment_markers() {
        let code = r#"const a = "// no"; // yes 1
const b = 'it\'s // no'; /* yes 2 */
const c = `line
// no ${ x /* yes 3 */ + `nested // no` } // no
`;
const d = url.replace(/\/\/+/g, '/'); // yes 4
const e = x / 2 / 3; // yes 5
if (ok) return /[/]\/\/ no/.test(s); // yes 6
"#;
        assert_eq!(
            texts(code, Dialect::Js),
            [
                "// yes 1",
                "/* yes 2 */",
                "/* yes 3 */",
                "// yes 4",
                "// yes 5",
                "// yes 6"
            ]
        );
    }

    #[test]
    fn rust_raw_strings_chars_and_lifetimes_hide_comment_markers() {
        let code = r##"fn f<'a>(x: &'a str) -> char { // yes 1
    let s = "multi
    // no";
    let r = r#"// no "still" // no"#;
    let q = '"'; // yes 2
    let e = '\''; /* yes /* nested */ still */
    let b = br"// no";
    'outer: loop { break 'outer; } // yes 3
}
"##;
        assert_eq!(
            texts(code, Dialect::Rust),
            [
                "// yes 1",
                "// yes 2",
                "/* yes /* nested */ still */",
                "// yes 3"
            ]
        );
    }
}
