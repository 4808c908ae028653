//! JavaScript and TypeScript: tree-sitter parsing with one parser per thread
//! and grammar, and the per-file semantic model rules query.

mod fields;
mod model;
mod nest;
pub mod routes;
mod sensitive;
mod value;

use std::cell::RefCell;
use std::sync::LazyLock;

use tree_sitter::{Language as Grammar, Node, Parser, Query, Tree};

pub use fields::FieldAccess;
pub use model::{Binding, Model, ModulePath, string_literal};
pub use sensitive::{Sensitive, equality_sides};
pub use value::{Property, Value};

use crate::source::{Language, SourceFile};

/// A parsed JavaScript or TypeScript file with its semantic model. Rules get
/// this and nothing else: the text, the tree, and the answers of the model.
pub struct JsFile<'t> {
    pub source: &'t SourceFile,
    pub tree: &'t Tree,
    pub model: Model<'t>,
}

impl<'t> JsFile<'t> {
    pub fn new(source: &'t SourceFile, tree: &'t Tree) -> Self {
        let model = Model::build(source, tree);
        Self {
            source,
            tree,
            model,
        }
    }

    /// The source text of a node.
    pub fn text(&self, node: Node<'t>) -> &'t str {
        node.utf8_text(self.source.text.as_bytes()).unwrap_or("")
    }

    /// Every node of the given kinds, in document order, from the index the
    /// model built in its one walk (no second walk of the tree). The kinds
    /// must be among [`model::INDEXED_KINDS`].
    pub fn nodes_of_kinds<'a>(
        &'a self,
        kinds: &'a [&'a str],
    ) -> impl Iterator<Item = Node<'t>> + 'a {
        debug_assert!(
            kinds.iter().all(|k| model::INDEXED_KINDS.contains(k)),
            "{kinds:?} are not all indexed by the model"
        );
        self.model
            .indexed
            .iter()
            .copied()
            .filter(move |node| kinds.contains(&node.kind()))
    }

    /// Every binary expression, in document order.
    pub fn binary_expressions(&self) -> impl Iterator<Item = Node<'t>> + '_ {
        self.nodes_of_kinds(&["binary_expression"])
    }

    /// The 1-based line a node starts on, for messages that name a place.
    pub fn line_of(&self, node: Node<'t>) -> usize {
        node.start_position().row + 1
    }
}

pub fn grammar(language: Language) -> Grammar {
    match language {
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Rust | Language::Text => {
            unreachable!("only JavaScript and TypeScript files are parsed here")
        }
    }
}

const JS_IMPORTS: &str = include_str!("../../../queries/javascript/imports.scm");
const TS_IMPORTS: &str = include_str!("../../../queries/typescript/imports.scm");

/// The import query of each grammar, compiled once. TypeScript grammars get
/// the JavaScript patterns plus their own.
pub struct Queries {
    pub imports: Query,
}

fn compile(language: Language) -> Queries {
    let source = match language {
        Language::JavaScript => JS_IMPORTS.to_string(),
        _ => format!("{JS_IMPORTS}\n{TS_IMPORTS}"),
    };
    let imports = Query::new(&grammar(language), &source)
        .unwrap_or_else(|error| panic!("bundled import query for {language:?}: {error}"));
    Queries { imports }
}

pub fn queries(language: Language) -> &'static Queries {
    static JAVASCRIPT: LazyLock<Queries> = LazyLock::new(|| compile(Language::JavaScript));
    static TYPESCRIPT: LazyLock<Queries> = LazyLock::new(|| compile(Language::TypeScript));
    static TSX: LazyLock<Queries> = LazyLock::new(|| compile(Language::Tsx));
    match language {
        Language::JavaScript => &JAVASCRIPT,
        Language::TypeScript => &TYPESCRIPT,
        _ => &TSX,
    }
}

thread_local! {
    /// Parsers keep allocations between files; one per grammar and thread.
    static PARSERS: RefCell<Vec<(Language, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses a file. tree-sitter always yields a tree, with `ERROR` nodes where
/// the code does not parse; `None` means the parser gave up entirely.
pub fn parse(source: &SourceFile) -> Option<Tree> {
    PARSERS.with_borrow_mut(|parsers| {
        let index = if let Some(index) = parsers.iter().position(|(l, _)| *l == source.language) {
            index
        } else {
            let mut parser = Parser::new();
            parser
                .set_language(&grammar(source.language))
                .expect("bundled grammars match the tree-sitter ABI");
            parsers.push((source.language, parser));
            parsers.len() - 1
        };
        let parser = &mut parsers[index].1;
        parser.reset();
        parser.parse(source.text.as_bytes(), None)
    })
}

/// Strips what does not change a value: parentheses, TypeScript assertions
/// (`x as T`, `<T>x`, `x!`, `x satisfies T`) and `await`.
pub fn unwrap_expression(mut node: Node<'_>) -> Node<'_> {
    loop {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression" => match node.named_child(0) {
                // `<T>x` puts the type arguments first.
                Some(child) if child.kind() == "type_arguments" => match node.named_child(1) {
                    Some(inner) => node = inner,
                    None => return node,
                },
                Some(child) => node = child,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// The arguments of a call or `new` expression, without punctuation and
/// comments.
pub fn call_arguments(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// Whether a node lies inside another (or is it).
pub fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

pub const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
];

/// The innermost function around a node, if any.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(candidate) = current {
        if FUNCTION_KINDS.contains(&candidate.kind()) {
            return Some(candidate);
        }
        current = candidate.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_every_query_compiles() {
        for language in [Language::JavaScript, Language::TypeScript, Language::Tsx] {
            let mut parser = Parser::new();
            parser.set_language(&grammar(language)).unwrap();
            assert!(queries(language).imports.pattern_count() >= 3);
        }
    }

    /// `default` is a keyword token, not a named node: the import query
    /// must still bind `import { default as x }` to the default export.
    #[test]
    fn a_default_export_imported_by_name_resolves() {
        let text = "import { default as mw } from 'express-session';\nmw();\n";
        let source = SourceFile::new(
            "a.mjs".into(),
            "a.mjs".into(),
            text.into(),
            Language::JavaScript,
        );
        let tree = parse(&source).unwrap();
        let file = JsFile::new(&source, &tree);
        let call = file.model.calls[0];
        let path = file.model.callee_path(call).unwrap();
        assert!(path.is("express-session", &[]), "{path:?}");
    }
}
