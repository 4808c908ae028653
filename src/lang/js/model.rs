//! The per-file semantic model of a JavaScript or TypeScript file: which
//! local names are bound to which module export, and what each declared name
//! holds. Built in one pass over the tree; questions are answered lazily, so
//! an alias declared after its use (hoisting) resolves as well.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, QueryCursor, StreamingIterator, Tree};

use super::{call_arguments, contains, queries, unwrap_expression};
use crate::lang::js::FieldAccess;
use crate::source::SourceFile;

/// How deep resolution follows names (`a = b`, `b = c`, ...) before it
/// gives up; also stops cycles such as `let a = b; let b = a`.
pub(super) const MAX_RESOLUTION_DEPTH: usize = 24;

/// A module and the chain of members read from it: `jwt.verify` where `jwt`
/// is `require('jsonwebtoken')` is `jsonwebtoken` with members `[verify]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath {
    pub module: String,
    pub members: Vec<String>,
}

impl ModulePath {
    /// Whether this is `module` followed exactly by `members`.
    pub fn is(&self, module: &str, members: &[&str]) -> bool {
        self.module == module
            && self
                .members
                .iter()
                .map(String::as_str)
                .eq(members.iter().copied())
    }

    /// The last member named, if any (`verify` for `jsonwebtoken.verify`).
    pub fn last_member(&self) -> Option<&str> {
        self.members.last().map(String::as_str)
    }

    /// The members with a leading `default` dropped: `CommonJS` interop makes
    /// `require('x').default.verify` and `require('x').verify` the same call.
    pub fn members_without_default(&self) -> Vec<&str> {
        let mut members: Vec<&str> = self.members.iter().map(String::as_str).collect();
        if members.first() == Some(&"default") {
            members.remove(0);
        }
        members
    }

    fn with_member(mut self, member: &str) -> Self {
        self.members.push(member.to_string());
        self
    }
}

/// What a declared name is bound to.
#[derive(Debug, Clone)]
pub enum Binding<'t> {
    /// An ES module import.
    Module(ModulePath),
    /// A declaration with an initializer; the node is the initializer.
    Value(Node<'t>),
    /// A name taken out of an object pattern: `const { key = default } = source`.
    Destructured {
        source: Node<'t>,
        key: String,
        default: Option<Node<'t>>,
    },
    /// A function or class declaration; the node is the declaration.
    Declared(Node<'t>),
    /// A parameter, a loop variable, `let x;`, or anything else whose value
    /// this model does not know.
    Unknown,
}

#[derive(Debug)]
struct Declaration<'t> {
    scope: Node<'t>,
    name: Node<'t>,
    binding: Binding<'t>,
    is_const: bool,
}

pub struct Model<'t> {
    pub(super) text: &'t str,
    declarations: HashMap<&'t str, Vec<Declaration<'t>>>,
    reassigned: HashSet<&'t str>,
    /// TypeScript class members declared with a type, for `this.jwtService`.
    typed_members: HashMap<&'t str, Node<'t>>,
    modules: HashSet<String>,
    /// Every call and `new` expression, in document order.
    pub calls: Vec<Node<'t>>,
    /// Every assignment expression, in document order.
    pub assignments: Vec<Node<'t>>,
    /// Every `return` statement, in document order.
    pub returns: Vec<Node<'t>>,
    /// Every node of the [`INDEXED_KINDS`], in document order: rules that
    /// look at all comparisons or all object properties read this list
    /// instead of walking the tree again each.
    pub(super) indexed: Vec<Node<'t>>,
}

/// The node kinds [`Model::indexed`] holds.
pub const INDEXED_KINDS: &[&str] = &[
    "binary_expression",
    "assignment_expression",
    "pair",
    "member_expression",
    "variable_declarator",
    "public_field_definition",
    "subscript_expression",
    "call_expression",
    "required_parameter",
    "return_statement",
];

const SCOPE_KINDS: &[&str] = &[
    "program",
    "statement_block",
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
    "class_body",
    "for_statement",
    "for_in_statement",
    "catch_clause",
    "switch_body",
];

impl<'t> Model<'t> {
    pub fn build(source: &'t SourceFile, tree: &'t Tree) -> Self {
        let mut model = Self {
            text: &source.text,
            declarations: HashMap::new(),
            reassigned: HashSet::new(),
            typed_members: HashMap::new(),
            modules: HashSet::new(),
            calls: Vec::new(),
            assignments: Vec::new(),
            returns: Vec::new(),
            indexed: Vec::new(),
        };
        model.collect_imports(source, tree);
        model.walk(tree);
        model
    }

    fn node_text(&self, node: Node<'t>) -> &'t str {
        node.utf8_text(self.text.as_bytes()).unwrap_or("")
    }

    fn declare(&mut self, name: Node<'t>, scope: Node<'t>, binding: Binding<'t>, is_const: bool) {
        let text = self.node_text(name);
        self.declarations
            .entry(text)
            .or_default()
            .push(Declaration {
                scope,
                name,
                binding,
                is_const,
            });
    }

    fn collect_imports(&mut self, source: &'t SourceFile, tree: &'t Tree) {
        let query = &queries(source.language).imports;
        let capture = |name: &str| query.capture_index_for_name(name);
        let (local, imported, module, named, namespace) = (
            capture("local"),
            capture("imported"),
            capture("source"),
            capture("named"),
            capture("namespace"),
        );
        let root = tree.root_node();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, root, source.text.as_bytes());
        let mut found = Vec::new();
        while let Some(m) = matches.next() {
            let node_of = |index: Option<u32>| {
                index.and_then(|i| m.captures().iter().find(|c| c.index == i).map(|c| c.node))
            };
            let Some(module_node) = node_of(module) else {
                continue;
            };
            let is_named = node_of(named).is_some();
            let is_namespace = node_of(namespace).is_some();
            let imported_node = node_of(imported);
            let Some(local_node) = node_of(local).or(imported_node) else {
                continue;
            };
            found.push((
                local_node,
                module_node,
                imported_node,
                is_named,
                is_namespace,
            ));
        }
        for (local_node, module_node, imported_node, is_named, _is_namespace) in found {
            let module = string_literal(self.node_text(module_node));
            let mut members = Vec::new();
            if is_named && let Some(imported_node) = imported_node {
                let name = string_literal(self.node_text(imported_node));
                if name != "default" {
                    members.push(name);
                }
            }
            self.modules.insert(module.clone());
            self.declare(
                local_node,
                root,
                Binding::Module(ModulePath { module, members }),
                true,
            );
        }
    }

    /// One pre-order pass with a tree cursor (no recursion, so deeply nested
    /// code cannot overflow the stack), keeping the stack of open scopes.
    fn walk(&mut self, tree: &'t Tree) {
        let mut cursor = tree.walk();
        let mut scopes: Vec<(Node<'t>, usize)> = Vec::new();
        let mut depth = 0usize;
        loop {
            let node = cursor.node();
            if node.is_named() {
                let scope = scopes.last().map_or(node, |(scope, _)| *scope);
                if INDEXED_KINDS.contains(&node.kind()) {
                    self.indexed.push(node);
                }
                self.visit(node, scope);
                if SCOPE_KINDS.contains(&node.kind()) {
                    scopes.push((node, depth));
                }
            }
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if scopes.last().is_some_and(|(_, d)| *d == depth) {
                    scopes.pop();
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                depth -= 1;
            }
        }
    }

    fn visit(&mut self, node: Node<'t>, scope: Node<'t>) {
        match node.kind() {
            "lexical_declaration" | "variable_declaration" => {
                // Read `const` here: asking a declarator for its parent costs
                // a walk from the root in tree-sitter.
                let is_const = node
                    .field("kind")
                    .is_some_and(|kind| self.node_text(kind) == "const");
                let mut cursor = node.walk();
                let declarators: Vec<_> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "variable_declarator")
                    .collect();
                for declarator in declarators {
                    self.visit_declarator(declarator, scope, is_const);
                }
            }
            "call_expression" => {
                self.note_require(node);
                self.calls.push(node);
            }
            "new_expression" => self.calls.push(node),
            "assignment_expression" | "augmented_assignment_expression" => {
                if let Some(left) = node.field("left")
                    && left.kind() == "identifier"
                {
                    self.reassigned.insert(self.node_text(left));
                }
                if node.kind() == "assignment_expression" {
                    self.assignments.push(node);
                }
            }
            "update_expression" => {
                if let Some(argument) = node.field("argument")
                    && argument.kind() == "identifier"
                {
                    self.reassigned.insert(self.node_text(argument));
                }
            }
            "return_statement" => self.returns.push(node),
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                if let Some(name) = node.field("name") {
                    self.declare(name, scope, Binding::Declared(node), true);
                }
            }
            "formal_parameters" => {
                // Parameters belong to the function, which is the open scope.
                let mut names = Vec::new();
                collect_pattern_names(node, &mut names);
                for name in names {
                    self.declare(name, scope, Binding::Unknown, false);
                }
                self.collect_typed_parameters(node);
            }
            "arrow_function" => {
                if let Some(parameter) = node.field("parameter") {
                    self.declare(parameter, node, Binding::Unknown, false);
                }
            }
            "for_in_statement" => {
                if let Some(left) = node.field("left") {
                    let mut names = Vec::new();
                    collect_pattern_names(left, &mut names);
                    for name in names {
                        self.declare(name, node, Binding::Unknown, false);
                    }
                }
            }
            "catch_clause" => {
                if let Some(parameter) = node.field("parameter") {
                    let mut names = Vec::new();
                    collect_pattern_names(parameter, &mut names);
                    for name in names {
                        self.declare(name, node, Binding::Unknown, false);
                    }
                }
            }
            "public_field_definition" => {
                if let (Some(name), Some(ty)) = (node.field("name"), node.field("type")) {
                    self.typed_members.insert(self.node_text(name), ty);
                }
            }
            _ => {}
        }
    }

    fn note_require(&mut self, call: Node<'t>) {
        if let Some(module) = self.required_module(call) {
            self.modules.insert(module);
        }
    }

    /// `require('x')` (when `require` is not a local name) or `import('x')`.
    fn required_module(&self, call: Node<'t>) -> Option<String> {
        let function = call.field("function")?;
        let is_loader = match function.kind() {
            "import" => true,
            "identifier" => self.node_text(function) == "require",
            _ => false,
        };
        if !is_loader {
            return None;
        }
        let argument = *call_arguments(call).first()?;
        (argument.kind() == "string").then(|| string_literal(self.node_text(argument)))
    }

    fn visit_declarator(&mut self, node: Node<'t>, scope: Node<'t>, is_const: bool) {
        let Some(name) = node.field("name") else {
            return;
        };
        let value = node.field("value");
        match (name.kind(), value) {
            ("identifier", Some(value)) => {
                self.declare(name, scope, Binding::Value(value), is_const);
            }
            ("object_pattern", Some(value)) => {
                self.declare_object_pattern(name, value, scope, is_const);
            }
            _ => {
                let mut names = Vec::new();
                collect_pattern_names(name, &mut names);
                for name in names {
                    self.declare(name, scope, Binding::Unknown, is_const);
                }
            }
        }
    }

    fn declare_object_pattern(
        &mut self,
        pattern: Node<'t>,
        source: Node<'t>,
        scope: Node<'t>,
        is_const: bool,
    ) {
        let mut cursor = pattern.walk();
        let properties: Vec<_> = pattern.named_children(&mut cursor).collect();
        for property in properties {
            let (key, target, default) = match property.kind() {
                "shorthand_property_identifier_pattern" => {
                    (self.node_text(property).to_string(), property, None)
                }
                "object_assignment_pattern" => {
                    let (Some(left), right) = (property.field("left"), property.field("right"))
                    else {
                        continue;
                    };
                    (self.node_text(left).to_string(), left, right)
                }
                "pair_pattern" => {
                    let (Some(key), Some(value)) = (property.field("key"), property.field("value"))
                    else {
                        continue;
                    };
                    let key = string_literal(self.node_text(key));
                    match value.kind() {
                        "identifier" => (key, value, None),
                        "assignment_pattern" => match value.field("left") {
                            Some(left) if left.kind() == "identifier" => {
                                (key, left, value.field("right"))
                            }
                            _ => continue,
                        },
                        _ => {
                            // Nested patterns: the names exist, their values are unknown.
                            let mut names = Vec::new();
                            collect_pattern_names(value, &mut names);
                            for name in names {
                                self.declare(name, scope, Binding::Unknown, is_const);
                            }
                            continue;
                        }
                    }
                }
                _ => {
                    let mut names = Vec::new();
                    collect_pattern_names(property, &mut names);
                    for name in names {
                        self.declare(name, scope, Binding::Unknown, is_const);
                    }
                    continue;
                }
            };
            self.declare(
                target,
                scope,
                Binding::Destructured {
                    source,
                    key,
                    default,
                },
                is_const,
            );
        }
    }

    /// `constructor(private readonly jwt: JwtService)` declares `this.jwt`.
    fn collect_typed_parameters(&mut self, parameters: Node<'t>) {
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor) {
            if !matches!(
                parameter.kind(),
                "required_parameter" | "optional_parameter"
            ) {
                continue;
            }
            let mut inner = parameter.walk();
            let is_property = parameter
                .children(&mut inner)
                .any(|c| c.kind() == "accessibility_modifier" || c.kind() == "readonly");
            if !is_property {
                continue;
            }
            if let (Some(name), Some(ty)) = (parameter.field("pattern"), parameter.field("type")) {
                self.typed_members.insert(self.node_text(name), ty);
            }
        }
    }

    /// The declaration a name refers to at a place: the one in the innermost
    /// scope around the place. Two declarations in the same scope (`var`
    /// twice) make the name ambiguous, and `None` is returned.
    pub fn binding(&self, name: &str, at: Node<'t>) -> Option<&Binding<'t>> {
        let declaration = self.declaration(name, at)?;
        if !declaration.is_const
            && self.reassigned.contains(name)
            && !matches!(
                declaration.binding,
                Binding::Module(_) | Binding::Declared(_)
            )
        {
            return Some(&Binding::Unknown);
        }
        Some(&declaration.binding)
    }

    fn declaration(&self, name: &str, at: Node<'t>) -> Option<&Declaration<'t>> {
        let candidates = self.declarations.get(name)?;
        let mut best: Option<&Declaration<'t>> = None;
        let mut ambiguous = false;
        for candidate in candidates.iter().filter(|d| contains(d.scope, at)) {
            match best {
                Some(current) if current.scope.id() == candidate.scope.id() => ambiguous = true,
                Some(current) if contains(current.scope, candidate.scope) => {
                    best = Some(candidate);
                    ambiguous = false;
                }
                Some(_) => {}
                None => best = Some(candidate),
            }
        }
        if ambiguous { None } else { best }
    }

    /// The identifier that declares a name visible at a place (in a
    /// declaration, a parameter or an import), for questions about its
    /// surroundings such as a parameter's decorators.
    pub fn declaration_name(&self, name: &str, at: Node<'t>) -> Option<Node<'t>> {
        self.declaration(name, at)
            .map(|declaration| declaration.name)
    }

    /// Where the constant behind an identifier is declared, for messages
    /// that name it: `(name, line)`.
    pub fn constant_origin(&self, expression: Node<'t>) -> Option<(&'t str, usize)> {
        let expression = unwrap_expression(expression);
        if !matches!(
            expression.kind(),
            "identifier" | "shorthand_property_identifier"
        ) {
            return None;
        }
        let name = self.node_text(expression);
        let declaration = self.declaration(name, expression)?;
        matches!(
            declaration.binding,
            Binding::Value(_) | Binding::Destructured { .. }
        )
        .then(|| (name, declaration.name.start_position().row + 1))
    }

    /// Whether the file imports or requires a module (exactly, or a subpath
    /// of it such as `jose/jwt/verify`).
    pub fn uses_module(&self, module: &str) -> bool {
        self.modules.iter().any(|m| {
            m == module || (m.starts_with(module) && m.as_bytes().get(module.len()) == Some(&b'/'))
        })
    }

    /// The module export an expression refers to, following aliases,
    /// destructuring, `require`, `promisify(...)` and typed class members.
    pub fn module_path(&self, expression: Node<'t>) -> Option<ModulePath> {
        self.module_path_at_depth(expression, 0)
    }

    /// The module export a call's callee (or a `new` expression's
    /// constructor) refers to.
    pub fn callee_path(&self, call: Node<'t>) -> Option<ModulePath> {
        let callee = call
            .field("function")
            .or_else(|| call.field("constructor"))?;
        self.module_path(callee)
    }

    fn module_path_at_depth(&self, expression: Node<'t>, depth: usize) -> Option<ModulePath> {
        if depth > MAX_RESOLUTION_DEPTH {
            return None;
        }
        let expression = unwrap_expression(expression);
        match expression.kind() {
            "identifier" | "shorthand_property_identifier" | "type_identifier" => {
                match self.binding(self.node_text(expression), expression)? {
                    Binding::Module(path) => Some(path.clone()),
                    Binding::Value(value) => self.module_path_at_depth(*value, depth + 1),
                    Binding::Destructured { source, key, .. } => self
                        .module_path_at_depth(*source, depth + 1)
                        .map(|path| path.with_member(key)),
                    Binding::Declared(_) | Binding::Unknown => None,
                }
            }
            "member_expression" => {
                let object = expression.field("object")?;
                let property = self.node_text(expression.field("property")?);
                if object.kind() == "this" {
                    let ty = self.typed_members.get(property)?;
                    return self.type_path(*ty, depth);
                }
                self.module_path_at_depth(object, depth + 1)
                    .map(|path| path.with_member(property))
            }
            "call_expression" => {
                if let Some(module) = self.required_module(expression) {
                    return Some(ModulePath {
                        module,
                        members: Vec::new(),
                    });
                }
                // `promisify(jwt.verify)` behaves as `jwt.verify`.
                let function = expression.field("function")?;
                let function_name = match function.kind() {
                    "identifier" => self.node_text(function),
                    "member_expression" => self.node_text(function.field("property")?),
                    _ => return None,
                };
                if function_name != "promisify" {
                    return None;
                }
                let argument = *call_arguments(expression).first()?;
                self.module_path_at_depth(argument, depth + 1)
            }
            _ => None,
        }
    }

    /// The module a TypeScript type annotation names: `: JwtService`.
    fn type_path(&self, annotation: Node<'t>, depth: usize) -> Option<ModulePath> {
        let mut node = annotation;
        while node.kind() == "type_annotation" {
            node = node.named_child(0)?;
        }
        match node.kind() {
            "type_identifier" => self.module_path_at_depth(node, depth + 1),
            "nested_type_identifier" => {
                let module = node.named_child(0)?;
                let name = node.named_child(1)?;
                self.module_path_at_depth(module, depth + 1)
                    .map(|path| path.with_member(self.node_text(name)))
            }
            _ => None,
        }
    }
}

/// The identifiers a binding pattern declares (`a`, `{ b, c: d }`, `[e]`,
/// `...f`, `g = 1`); default values are not descended into.
fn collect_pattern_names<'t>(pattern: Node<'t>, names: &mut Vec<Node<'t>>) {
    let mut stack = vec![pattern];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => names.push(node),
            "assignment_pattern" | "object_assignment_pattern" => {
                if let Some(left) = node.field("left") {
                    stack.push(left);
                }
            }
            "pair_pattern" => {
                if let Some(value) = node.field("value") {
                    stack.push(value);
                }
            }
            "required_parameter" | "optional_parameter" => {
                if let Some(pattern) = node.field("pattern") {
                    stack.push(pattern);
                }
            }
            "object_pattern" | "array_pattern" | "rest_pattern" | "formal_parameters" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            _ => {}
        }
    }
}

/// The value of a quoted string literal's source text, with the common
/// escapes decoded. Text without quotes (a property name) is returned as is.
pub fn string_literal(text: &str) -> String {
    let bytes = text.as_bytes();
    let quoted = bytes.len() >= 2
        && matches!(bytes[0], b'\'' | b'"' | b'`')
        && bytes[bytes.len() - 1] == bytes[0];
    if !quoted {
        return text.to_string();
    }
    let inner = &text[1..text.len() - 1];
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}
