//! OpenAPI contracts (3.0, 3.1 and Swagger 2.0) in YAML or JSON: finding
//! them by content, and the model rules query — operations with their
//! effective security, security schemes, servers — with every place a byte
//! range in the file.

pub mod yaml;

use std::ops::Range;

pub use yaml::{Entry, Node, Value, YamlError};

use crate::source::{SourceFile, TextFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0 and 3.1.
    OpenApi3,
    /// Swagger 2.0.
    Swagger2,
}

/// A parsed contract.
pub struct OpenApiFile<'a> {
    pub source: &'a SourceFile,
    pub root: &'a Node,
    pub version: Version,
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
    /// Follows a local `$ref` (`#/components/...`) to the node it names.
    /// References to other files are left as they are.
    pub fn resolve(&self, mut node: &'a Node) -> &'a Node {
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = node.get("$ref").and_then(Node::as_str) else {
                return node;
            };
            let Some(pointer) = reference.strip_prefix("#/") else {
                return node;
            };
            let mut target = self.root;
            for part in pointer.split('/') {
                let part = part.replace("~1", "/").replace("~0", "~");
                match target.get(&part) {
                    Some(next) => target = next,
                    None => return node,
                }
            }
            node = target;
        }
        node
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

/// Parses a text that looks like OpenAPI; `Ok(None)` when it is YAML or
/// JSON of another kind.
pub fn parse(source: &SourceFile) -> Result<Option<(Node, Version)>, YamlError> {
    let Some(root) = yaml::parse(source)? else {
        return Ok(None);
    };
    Ok(version_of(&root).map(|version| (root, version)))
}
