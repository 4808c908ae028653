//! OpenAPI contracts (3.0, 3.1 and Swagger 2.0) in YAML or JSON: finding
//! them by content, and the model rules query — operations with their
//! effective security, security schemes, servers — with every place a byte
//! range in the file.

pub mod external;
pub mod yaml;

use std::ops::Range;

pub use external::{Bundle, Document};
pub use yaml::{Entry, Node, Value, YamlError};

use crate::source::{SourceFile, TextFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0 and 3.1.
    OpenApi3,
    /// Swagger 2.0.
    Swagger2,
}

/// A parsed contract, with the files its relative `$ref`s name. Nodes of
/// those files have ranges past the end of `source` (see [`external`]).
pub struct OpenApiFile<'a> {
    pub source: &'a SourceFile,
    pub root: &'a Node,
    pub version: Version,
    pub bundle: &'a Bundle,
}

/// HTTP methods an OpenAPI path item can hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Local references are followed this many times at most (cycles end).
const MAX_REF_HOPS: usize = 16;

/// Whether a text file may be an OpenAPI document: YAML or JSON by its
/// name, and the word `openapi` or `swagger` near its top.
pub fn is_candidate(source: &SourceFile) -> bool {
    matches!(
        TextFormat::of_path(&source.path),
        TextFormat::Yaml | TextFormat::Json
    ) && may_be_openapi(&source.text)
}

/// Whether a text may be an OpenAPI document, from its bytes alone.
pub fn may_be_openapi(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(64 * 1024)];
    memchr::memmem::find(head, b"openapi").is_some()
        || memchr::memmem::find(head, b"swagger").is_some()
}

/// The version a parsed document declares at its top level, if it is one.
pub fn version_of(root: &Node) -> Option<Version> {
    if root
        .get("openapi")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with('3'))
    {
        return Some(Version::OpenApi3);
    }
    if root
        .get("swagger")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with('2'))
    {
        return Some(Version::Swagger2);
    }
    None
}

/// One operation: a method under a path.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    /// The method key, where findings about the operation are reported.
    pub key_range: Range<usize>,
    pub node: &'a Node,
}

/// A security scheme by name, with its definition (references followed).
pub struct Scheme<'a> {
    pub name: &'a str,
    pub key_range: Range<usize>,
    pub node: &'a Node,
}

impl<'a> OpenApiFile<'a> {
    /// Follows a `$ref` to the node it names: within the document that
    /// holds the reference (`#/components/...`) or in another file of the
    /// bundle (`common.yaml#/components/...`). URL references, and files
    /// that could not be read, are left as they are.
    pub fn resolve(&self, mut node: &'a Node) -> &'a Node {
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = node.get("$ref").and_then(Node::as_str) else {
                return node;
            };
            if reference.is_empty() {
                return node;
            }
            let (file, fragment) = external::split_reference(reference);
            let document = if file.is_empty() {
                self.root_at(node.range.start)
            } else {
                let from = self.path_at(node.range.start);
                match self.bundle.lookup(from, file) {
                    Some(external::Target::Document(document)) => &document.root,
                    Some(external::Target::Root) => self.root,
                    None => return node,
                }
            };
            match pointer_entry(document, &external::percent_decode(fragment)) {
                Some(found) => node = found.1,
                None => return node,
            }
        }
        node
    }

    /// The referenced document a shared offset falls in, if not the root.
    pub fn document_at(&self, offset: usize) -> Option<&'a Document> {
        self.bundle
            .documents
            .iter()
            .find(|d| d.span().contains(&offset))
    }

    fn root_at(&self, offset: usize) -> &'a Node {
        self.document_at(offset).map_or(self.root, |d| &d.root)
    }

    fn path_at(&self, offset: usize) -> &'a std::path::Path {
        self.document_at(offset)
            .map_or(&self.source.path, |d| &d.source.path)
    }

    /// The shown path and 1-based line of a shared offset.
    pub fn location(&self, offset: usize) -> (&'a str, usize) {
        match self.document_at(offset) {
            Some(d) => (
                &d.source.display_path,
                d.source.position(offset - d.base).line,
            ),
            None => (&self.source.display_path, self.source.position(offset).line),
        }
    }

    pub fn operations(&self) -> Vec<Operation<'a>> {
        let Some(paths) = self.root.get("paths") else {
            return Vec::new();
        };
        let mut operations = Vec::new();
        for path_entry in paths.entries() {
            let item = self.resolve(&path_entry.value);
            for method_entry in item.entries() {
                if METHODS.contains(&method_entry.key.as_str()) {
                    operations.push(Operation {
                        path: &path_entry.key,
                        method: &method_entry.key,
                        key_range: method_entry.key_range.clone(),
                        node: self.resolve(&method_entry.value),
                    });
                }
            }
        }
        operations
    }

    /// The top-level `security` list, if the document has one.
    pub fn global_security(&self) -> Option<&'a Node> {
        self.root.get("security")
    }

    /// The security an operation runs with: its own list, or the global one.
    pub fn effective_security(&self, operation: &Operation<'a>) -> Option<&'a Node> {
        operation
            .node
            .get("security")
            .or_else(|| self.global_security())
    }

    /// Security schemes: `components.securitySchemes` (3.x) or
    /// `securityDefinitions` (2.0).
    pub fn schemes(&self) -> Vec<Scheme<'a>> {
        let holder = match self.version {
            Version::OpenApi3 => self
                .root
                .get("components")
                .and_then(|c| c.get("securitySchemes")),
            Version::Swagger2 => self.root.get("securityDefinitions"),
        };
        holder
            .map(|h| self.resolve(h))
            .map(|h| {
                h.entries()
                    .iter()
                    .map(|e| Scheme {
                        name: &e.key,
                        key_range: e.key_range.clone(),
                        node: self.resolve(&e.value),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether any operation (or the global list) requires a scheme.
    pub fn scheme_is_used(&self, name: &str) -> bool {
        let names = |security: &Node| {
            security
                .items()
                .iter()
                .any(|requirement| requirement.entry(name).is_some())
        };
        self.global_security().is_some_and(names)
            || self
                .operations()
                .iter()
                .any(|op| op.node.get("security").is_some_and(names))
    }
}

/// The node a JSON pointer (RFC 6901: `/paths/~1health/get`, `~1` for `/`
/// and `~0` for `~`) names, with the range to report it by: from its key
/// (or its first byte, for the root and sequence items) to its end. The
/// empty pointer names the whole document.
pub fn pointer_entry<'n>(root: &'n Node, pointer: &str) -> Option<(Range<usize>, &'n Node)> {
    if pointer.is_empty() {
        return Some((root.range.clone(), root));
    }
    let mut node = root;
    let mut span = root.range.clone();
    for part in pointer.strip_prefix('/')?.split('/') {
        let part = part.replace("~1", "/").replace("~0", "~");
        if let Some(entry) = node.entry(&part) {
            span = entry.key_range.start..entry.value.range.end.max(entry.key_range.end);
            node = &entry.value;
        } else {
            let index: usize = part.parse().ok()?;
            node = node.items().get(index)?;
            span = node.range.clone();
        }
    }
    Some((span, node))
}

/// Parses a text that looks like OpenAPI; `Ok(None)` when it is YAML or
/// JSON of another kind.
pub fn parse(source: &SourceFile) -> Result<Option<(Node, Version)>, YamlError> {
    let Some(root) = yaml::parse(source)? else {
        return Ok(None);
    };
    Ok(version_of(&root).map(|version| (root, version)))
}
