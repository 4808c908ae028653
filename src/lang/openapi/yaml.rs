//! A YAML (and so JSON) document as a tree of nodes that know their byte
//! range in the file, built from saphyr's event stream. Locations are what
//! make an OpenAPI finding land on the right line of a pull request.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, Span};

use crate::source::SourceFile;

/// Deeper nesting than this is refused: no real contract comes close, and
/// dropping a deeper tree would recurse as deep.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone)]
pub enum Value {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar(String),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub range: Range<usize>,
}

impl Node {
    /// The value under a key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }
}

/// A syntax error with its place.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

enum Open {
    Map {
        entries: Vec<Entry>,
        pending_key: Option<(String, Range<usize>)>,
        start: usize,
        anchor: usize,
    },
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
    },
}

/// Parses the first document of a YAML or JSON text.
pub fn parse(source: &SourceFile) -> Result<Option<Node>, YamlError> {
    let offsets = CharOffsets::new(source);
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    for item in Parser::new_from_str(&source.text) {
        let (event, span) = item.map_err(|error| YamlError {
            message: error.info().to_string(),
            line: error.marker().line(),
            column: error.marker().col() + 1,
        })?;
        let range = offsets.range(span);
        let node = match event {
            Event::Scalar(text, _, anchor, _) => {
                let node = Node {
                    value: Value::Scalar(text.into_owned()),
                    range,
                };
                remember(&mut anchors, anchor, &node);
                node
            }
            Event::Alias(anchor) => match anchors.get(&anchor) {
                Some(node) => node.clone(),
                None => continue,
            },
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                        line: span.start.line(),
                        column: span.start.col() + 1,
                    });
                }
                stack.push(match event {
                    Event::MappingStart(..) => Open::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        start: range.start,
                        anchor,
                    },
                    _ => Open::Seq {
                        items: Vec::new(),
                        start: range.start,
                        anchor,
                    },
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(open) = stack.pop() else { continue };
                let (node, anchor) = match open {
                    Open::Map {
                        entries,
                        start,
                        anchor,
                        ..
                    } => (
                        Node {
                            value: Value::Map(entries),
                            range: start..range.end.max(start),
                        },
                        anchor,
                    ),
                    Open::Seq {
                        items,
                        start,
                        anchor,
                    } => (
                        Node {
                            value: Value::Seq(items),
                            range: start..range.end.max(start),
                        },
                        anchor,
                    ),
                };
                remember(&mut anchors, anchor, &node);
                node
            }
            Event::DocumentEnd => break,
            _ => continue,
        };
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = node.as_str().unwrap_or_default().to_string();
                    *pending_key = Some((key, node.range));
                }
                Some((key, key_range)) => entries.push(Entry {
                    key,
                    key_range,
                    value: node,
                }),
            },
        }
    }
    Ok(root)
}

fn remember(anchors: &mut HashMap<usize, Node>, anchor: usize, node: &Node) {
    // saphyr numbers anchors from 1; 0 means "no anchor".
    if anchor > 0 {
        anchors.insert(anchor, node.clone());
    }
}

/// saphyr counts positions in characters; findings need bytes. A marker's
/// line and column find the byte through the file's line table, so the cost
/// is one short line, not the whole file, per node.
struct CharOffsets<'t> {
    source: &'t SourceFile,
}

impl<'t> CharOffsets<'t> {
    fn new(source: &'t SourceFile) -> Self {
        Self { source }
    }

    fn byte(&self, marker: Marker) -> usize {
        let line_start = self.source.line_start(marker.line());
        let line = self.source.line_text(marker.line());
        let within = line
            .char_indices()
            .nth(marker.col())
            .map_or(line.len(), |(i, _)| i);
        (line_start + within).min(self.source.text.len())
    }

    fn range(&self, span: Span) -> Range<usize> {
        let start = self.byte(span.start);
        let end = self.byte(span.end).max(start);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::source::Language;

    fn parse_text(text: &str) -> Node {
        let file = SourceFile::new(
            PathBuf::from("a.yaml"),
            "a.yaml".into(),
            text.into(),
            Language::JavaScript,
        );
        parse(&file).unwrap().unwrap()
    }

    #[test]
    fn yaml_and_json_give_the_same_tree_with_ranges() {
        let yaml = "openapi: 3.0.3\npaths:\n  /login:\n    post: {}\n";
        let root = parse_text(yaml);
        let post = root
            .get("paths")
            .unwrap()
            .get("/login")
            .unwrap()
            .entry("post")
            .unwrap();
        assert_eq!(&yaml[post.key_range.clone()], "post");
        let json = "{\"openapi\": \"3.1.0\", \"paths\": {\"/a\": {\"get\": {}}}}";
        let root = parse_text(json);
        assert_eq!(root.get("openapi").unwrap().as_str(), Some("3.1.0"));
        let get = root
            .get("paths")
            .unwrap()
            .get("/a")
            .unwrap()
            .entry("get")
            .unwrap();
        assert_eq!(&json[get.key_range.clone()], "\"get\"");
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let root = parse_text("a: &x {k: v}\nb: *x\n");
        assert_eq!(root.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
    }
}
