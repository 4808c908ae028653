//! Rust: syn parsing with line and column spans, and the per-file semantic
//! model rules query: `use` paths with aliases, groups and globs; `const`
//! and `static` items; structs; and, per function, `let` bindings with the
//! assignments and method calls that change them after construction.

mod model;
pub mod routes;
pub mod sensitive;

use std::ops::Range;

use proc_macro2::Span;
use syn::spanned::Spanned;

pub use model::{FnBody, LetBinding, RustModel};

use crate::source::SourceFile;

/// A parsed Rust file and its model.
pub struct RustFile<'a> {
    pub source: &'a SourceFile,
    pub syntax: &'a syn::File,
    pub model: RustModel<'a>,
}

impl<'a> RustFile<'a> {
    pub fn new(source: &'a SourceFile, syntax: &'a syn::File) -> Self {
        let model = RustModel::build(syntax);
        Self {
            source,
            syntax,
            model,
        }
    }

    /// The byte range a syntax node covers in the file.
    pub fn range(&self, node: &impl Spanned) -> Range<usize> {
        span_range(node.span())
    }

    pub fn line_of(&self, node: &impl Spanned) -> usize {
        node.span().start().line
    }
}

/// Strips what does not change which value an expression stands for:
/// `?`, `.await`, parentheses, references, invisible groups.
pub fn peel(mut expr: &syn::Expr) -> &syn::Expr {
    loop {
        expr = match expr {
            syn::Expr::Paren(inner) => &inner.expr,
            syn::Expr::Reference(inner) => &inner.expr,
            syn::Expr::Try(inner) => &inner.expr,
            syn::Expr::Await(inner) => &inner.base,
            syn::Expr::Group(inner) => &inner.expr,
            _ => return expr,
        };
    }
}

pub fn span_range(span: Span) -> Range<usize> {
    span.byte_range()
}

/// A syntax error, with the place syn stopped at.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses a Rust file. A byte-order mark and a `#!` line are blanked with
/// spaces rather than removed, so that byte offsets still match the file.
pub fn parse(source: &SourceFile) -> Result<syn::File, ParseError> {
    let mut text = source.text.clone();
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "   ");
    }
    if text.starts_with("#!") && !text.starts_with("#![") {
        let end = text.find('\n').unwrap_or(text.len());
        text.replace_range(..end, &" ".repeat(end));
    }

    syn::parse_str::<syn::File>(&text).map_err(|error| {
        let start = error.span().start();
        ParseError {
            message: error.to_string(),
            line: start.line,
            column: start.column + 1,
        }
    })
}

/// proc-macro2 keeps every parsed text in a per-thread map whose offsets only
/// grow; called once a file's spans are no longer needed.
pub fn release_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
}
