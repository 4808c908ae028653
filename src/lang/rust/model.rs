//! The semantic model of one Rust file.

use std::collections::HashMap;

use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, Item, Pat, Type, UseTree};

/// A `let` binding inside a function.
pub struct LetBinding<'a> {
    pub name: String,
    pub ty: Option<&'a Type>,
    pub init: Option<&'a Expr>,
}

/// One function body, with what rules ask of it.
#[derive(Default)]
pub struct FnBody<'a> {
    pub name: String,
    pub params: Vec<(String, &'a Type)>,
    /// Every typed parameter with its whole pattern, including those
    /// `params` cannot name: `Json(form): Json<LoginForm>`.
    pub inputs: Vec<&'a syn::PatType>,
    pub lets: Vec<LetBinding<'a>>,
    /// Every `let` with its whole pattern, including destructuring ones
    /// `lets` cannot name: `let LoginForm { email, password } = form;`.
    pub let_patterns: Vec<(&'a Pat, Option<&'a Expr>)>,
    /// `target = value` statements, target first.
    pub assigns: Vec<&'a syn::ExprAssign>,
    pub method_calls: Vec<&'a syn::ExprMethodCall>,
    pub calls: Vec<&'a syn::ExprCall>,
    pub struct_literals: Vec<&'a syn::ExprStruct>,
    /// `==` and `!=` comparisons.
    pub comparisons: Vec<&'a syn::ExprBinary>,
    /// `<`, `<=`, `>` and `>=` comparisons.
    pub orderings: Vec<&'a syn::ExprBinary>,
    pub matches: Vec<&'a syn::ExprMatch>,
    /// Macro invocations (`matches!`, `vec!`, `assert_eq!`), whose bodies
    /// syn leaves unparsed.
    pub macros: Vec<&'a syn::Macro>,
}

impl<'a> FnBody<'a> {
    /// The initializer of the last `let` of a name in this function.
    pub fn init_of(&self, name: &str) -> Option<&'a Expr> {
        self.lets
            .iter()
            .rev()
            .find(|l| l.name == name)
            .and_then(|l| l.init)
    }

    /// The declared type of a parameter or annotated `let`.
    pub fn type_of(&self, name: &str) -> Option<&'a Type> {
        self.lets
            .iter()
            .rev()
            .find(|l| l.name == name)
            .and_then(|l| l.ty)
            .or_else(|| self.params.iter().find(|(n, _)| n == name).map(|(_, t)| *t))
    }
}

#[derive(Debug)]
pub struct StructInfo {
    pub fields: Vec<String>,
    /// `#[serde(flatten)]` fields may carry any claim.
    pub has_flatten: bool,
}

#[derive(Default)]
pub struct RustModel<'a> {
    uses: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    consts: HashMap<String, &'a Expr>,
    structs: HashMap<String, StructInfo>,
    pub functions: Vec<FnBody<'a>>,
}

impl<'a> RustModel<'a> {
    pub fn build(file: &'a syn::File) -> Self {
        let mut model = Self::default();
        // Items anywhere count: `use` and `const` inside a function body or
        // an inline module too.
        ItemCollector { model: &mut model }.visit_file(file);
        let mut collector = FnCollector {
            functions: Vec::new(),
            current: Vec::new(),
        };
        collector.visit_file(file);
        model.functions = collector.functions;
        model
    }

    fn collect_item(&mut self, item: &'a Item) {
        match item {
            Item::Use(item) => self.collect_use(&item.tree, Vec::new()),
            Item::Const(item) => {
                self.consts.insert(item.ident.to_string(), &item.expr);
            }
            Item::Static(item) => {
                self.consts.insert(item.ident.to_string(), &item.expr);
            }
            Item::Struct(item) => {
                let mut has_flatten = false;
                let mut fields = Vec::new();
                for field in &item.fields {
                    let serde = serde_options(&field.attrs);
                    has_flatten |= serde.flatten;
                    // The name the claim is serialized under is what counts.
                    fields.extend(
                        serde
                            .rename
                            .or_else(|| field.ident.as_ref().map(ToString::to_string)),
                    );
                }
                // Two structs of one name (an inline `mod tests` has its own
                // `Claims`): what either has counts, so neither is
                // reported for lacking it.
                let info = self
                    .structs
                    .entry(item.ident.to_string())
                    .or_insert(StructInfo {
                        fields: Vec::new(),
                        has_flatten: false,
                    });
                info.fields.extend(fields);
                info.has_flatten |= has_flatten;
            }
            _ => {}
        }
    }

    fn collect_use(&mut self, tree: &UseTree, mut prefix: Vec<String>) {
        match tree {
            UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.collect_use(&path.tree, prefix);
            }
            UseTree::Name(name) => {
                let ident = name.ident.to_string();
                if ident == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.uses.insert(last, prefix);
                    }
                } else {
                    prefix.push(ident.clone());
                    self.uses.insert(ident, prefix);
                }
            }
            UseTree::Rename(rename) => {
                let ident = rename.ident.to_string();
                if ident != "self" {
                    prefix.push(ident);
                }
                self.uses.insert(rename.rename.to_string(), prefix);
            }
            UseTree::Glob(_) => self.globs.push(prefix),
            UseTree::Group(group) => {
                for tree in &group.items {
                    self.collect_use(tree, prefix.clone());
                }
            }
        }
    }

    /// The full path a path in code refers to, through `use` aliases:
    /// `jwt::decode` with `use jsonwebtoken as jwt` is `jsonwebtoken::decode`.
    /// A bare name not imported by name is looked up in glob imports of the
    /// crates `candidates` names.
    pub fn resolve(&self, path: &syn::Path, glob_crates: &[&str]) -> Vec<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segments.first() else {
            return segments;
        };
        let first = first.trim_start_matches("r#");
        if path.leading_colon.is_none() {
            if let Some(full) = self.uses.get(first) {
                let mut resolved = full.clone();
                resolved.extend(segments.iter().skip(1).cloned());
                return resolved;
            }
            // A glob cannot bring in the names the language reserves, and
            // `std::env::var` stays `std`'s under `use jsonwebtoken::*`.
            let reserved = ["crate", "self", "super", "Self", "std", "core", "alloc"];
            if reserved.contains(&first) {
                return segments;
            }
            if let Some(glob) = self.globs.iter().find(|glob| {
                glob.first()
                    .is_some_and(|c| glob_crates.contains(&c.as_str()))
            }) {
                let mut resolved = glob.clone();
                resolved.extend(segments.iter().cloned());
                return resolved;
            }
        }
        segments
    }

    /// Whether a path in code names `krate`'s item ending in `tail`, through
    /// any module path: `jsonwebtoken::validation::Validation::new` and
    /// `Validation::new` (after `use jsonwebtoken::Validation`) both match
    /// `("jsonwebtoken", &["Validation", "new"])`.
    pub fn path_is(&self, path: &syn::Path, krate: &str, tail: &[&str]) -> bool {
        let resolved = self.resolve(path, &[krate]);
        resolved.first().is_some_and(|c| c == krate)
            && resolved.len() > tail.len()
            && resolved[resolved.len() - tail.len()..]
                .iter()
                .map(String::as_str)
                .eq(tail.iter().copied())
    }

    /// Whether the file imports anything from a crate.
    pub fn uses_crate(&self, krate: &str) -> bool {
        self.uses
            .values()
            .chain(self.globs.iter())
            .any(|p| p.first().is_some_and(|c| c == krate))
    }

    pub fn const_value(&self, name: &str) -> Option<&'a Expr> {
        self.consts.get(name).copied()
    }

    pub fn struct_info(&self, name: &str) -> Option<&StructInfo> {
        self.structs.get(name)
    }
}

struct ItemCollector<'m, 'a> {
    model: &'m mut RustModel<'a>,
}

impl<'a> Visit<'a> for ItemCollector<'_, 'a> {
    fn visit_item(&mut self, item: &'a Item) {
        self.model.collect_item(item);
        visit::visit_item(self, item);
    }
}

#[derive(Default)]
struct SerdeOptions {
    flatten: bool,
    rename: Option<String>,
}

/// `#[serde(flatten)]` and `#[serde(rename = "exp")]` on a field.
fn serde_options(attrs: &[syn::Attribute]) -> SerdeOptions {
    let mut options = SerdeOptions::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("flatten") {
                options.flatten = true;
            } else if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                let name: syn::LitStr = meta.value()?.parse()?;
                options.rename = Some(name.value());
            } else if meta.input.peek(syn::Token![=]) {
                // `alias = ".."`, `with = ".."`, `default = ".."`
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                // `rename(serialize = "..", deserialize = "..")`
                let rename = meta.path.is_ident("rename");
                meta.parse_nested_meta(|inner| {
                    if inner.input.peek(syn::Token![=]) {
                        let value: Expr = inner.value()?.parse()?;
                        let serialized = inner.path.is_ident("serialize");
                        if let (true, true, Expr::Lit(lit)) = (rename, serialized, &value)
                            && let syn::Lit::Str(name) = &lit.lit
                        {
                            options.rename = Some(name.value());
                        }
                    }
                    Ok(())
                })?;
            }
            Ok(())
        });
        // A form this reader does not know: look for the word at least.
        if parsed.is_err() && attr.meta.to_token_stream().to_string().contains("flatten") {
            options.flatten = true;
        }
    }
    options
}

/// Collects every function body with its bindings and statements. Closures
/// belong to the function they are written in.
struct FnCollector<'a> {
    functions: Vec<FnBody<'a>>,
    current: Vec<FnBody<'a>>,
}

impl<'a> FnCollector<'a> {
    fn enter(&mut self, name: String, inputs: impl Iterator<Item = &'a syn::FnArg>) {
        let typed: Vec<&'a syn::PatType> = inputs
            .filter_map(|arg| match arg {
                syn::FnArg::Typed(typed) => Some(typed),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let params = typed
            .iter()
            .filter_map(|typed| pattern_name(&typed.pat).map(|name| (name, typed.ty.as_ref())))
            .collect();
        self.current.push(FnBody {
            name,
            params,
            inputs: typed,
            ..FnBody::default()
        });
    }

    fn leave(&mut self) {
        if let Some(body) = self.current.pop() {
            self.functions.push(body);
        }
    }
}

fn pattern_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.ident.to_string()),
        Pat::Type(typed) => pattern_name(&typed.pat),
        // `let Ok(header) = decode_header(..) else { .. }`: the binding
        // stands for the value inside.
        Pat::TupleStruct(tuple)
            if tuple.elems.len() == 1
                && tuple
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Ok" || s.ident == "Some") =>
        {
            pattern_name(&tuple.elems[0])
        }
        _ => None,
    }
}

impl<'a> Visit<'a> for FnCollector<'a> {
    fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
        self.enter(item.sig.ident.to_string(), item.sig.inputs.iter());
        visit::visit_item_fn(self, item);
        self.leave();
    }

    fn visit_impl_item_fn(&mut self, item: &'a syn::ImplItemFn) {
        self.enter(item.sig.ident.to_string(), item.sig.inputs.iter());
        visit::visit_impl_item_fn(self, item);
        self.leave();
    }

    fn visit_trait_item_fn(&mut self, item: &'a syn::TraitItemFn) {
        self.enter(item.sig.ident.to_string(), item.sig.inputs.iter());
        visit::visit_trait_item_fn(self, item);
        self.leave();
    }

    // `static KEYS: LazyLock<Keys> = LazyLock::new(|| { .. })` runs code
    // too: an item's initializer is a body of its own.
    fn visit_item_static(&mut self, item: &'a syn::ItemStatic) {
        self.enter(item.ident.to_string(), std::iter::empty());
        visit::visit_item_static(self, item);
        self.leave();
    }

    fn visit_item_const(&mut self, item: &'a syn::ItemConst) {
        self.enter(item.ident.to_string(), std::iter::empty());
        visit::visit_item_const(self, item);
        self.leave();
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        if let Some(body) = self.current.last_mut() {
            let (name, ty) = match &local.pat {
                Pat::Type(typed) => (pattern_name(&typed.pat), Some(typed.ty.as_ref())),
                other => (pattern_name(other), None),
            };
            body.let_patterns.push((
                &local.pat,
                local.init.as_ref().map(|init| init.expr.as_ref()),
            ));
            if let Some(name) = name {
                body.lets.push(LetBinding {
                    name,
                    ty,
                    init: local.init.as_ref().map(|init| init.expr.as_ref()),
                });
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_assign(&mut self, expr: &'a syn::ExprAssign) {
        if let Some(body) = self.current.last_mut() {
            body.assigns.push(expr);
        }
        visit::visit_expr_assign(self, expr);
    }

    fn visit_expr_method_call(&mut self, expr: &'a syn::ExprMethodCall) {
        if let Some(body) = self.current.last_mut() {
            body.method_calls.push(expr);
        }
        visit::visit_expr_method_call(self, expr);
    }

    fn visit_expr_call(&mut self, expr: &'a syn::ExprCall) {
        if let Some(body) = self.current.last_mut() {
            body.calls.push(expr);
        }
        visit::visit_expr_call(self, expr);
    }

    fn visit_expr_struct(&mut self, expr: &'a syn::ExprStruct) {
        if let Some(body) = self.current.last_mut() {
            body.struct_literals.push(expr);
        }
        visit::visit_expr_struct(self, expr);
    }

    fn visit_expr_binary(&mut self, expr: &'a syn::ExprBinary) {
        let comparison = matches!(expr.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_));
        if let (true, Some(body)) = (comparison, self.current.last_mut()) {
            body.comparisons.push(expr);
        }
        let ordering = matches!(
            expr.op,
            syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_)
        );
        if let (true, Some(body)) = (ordering, self.current.last_mut()) {
            body.orderings.push(expr);
        }
        visit::visit_expr_binary(self, expr);
    }

    fn visit_expr_match(&mut self, expr: &'a syn::ExprMatch) {
        if let Some(body) = self.current.last_mut() {
            body.matches.push(expr);
        }
        visit::visit_expr_match(self, expr);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Some(body) = self.current.last_mut() {
            body.macros.push(mac);
        }
        visit::visit_macro(self, mac);
    }
}
