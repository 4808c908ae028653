//! The life of a `jsonwebtoken::Validation` inside one function: how it is
//! built (or that it came in as a parameter), which fields are set on it (in
//! the literal or by assignment afterwards) and which methods are called on
//! it. Rules read this instead of the syntax, so `let mut v =
//! Validation::new(..); v.validate_exp = false;` and `Validation {
//! validate_exp: false, ..Default::default() }` look the same to them.

use std::ops::Range;

use syn::{Expr, Member};

use crate::lang::rust::{FnBody, RustFile};

pub struct ValidationUse<'a> {
    /// Where it is built, for reports about the whole configuration.
    pub range: Range<usize>,
    /// The algorithm given to `Validation::new` (or the family given to
    /// `Validation::new_for_family`), also when a literal's `..rest` is one.
    pub algorithm_argument: Option<&'a Expr>,
    /// Whether it starts with the library's default list, `[HS256]`:
    /// `Validation::default()`, or a literal completed by `..Default::default()`.
    pub default_algorithms: bool,
    /// A parameter of the function rather than built in it: what was set
    /// before the function got it is unknown.
    pub borrowed: bool,
    /// Fields set in the literal or assigned later: name, value, and the
    /// range of the field or assignment.
    pub fields: Vec<(String, &'a Expr, Range<usize>)>,
    /// Methods called on it or on one of its fields: `set_audience`, or
    /// `algorithms.push` for `v.algorithms.push(..)`.
    pub calls: Vec<(String, Vec<&'a Expr>, Range<usize>)>,
    /// The function it lives in.
    pub body: &'a FnBody<'a>,
}

impl<'a> ValidationUse<'a> {
    /// The last value a field is given.
    pub fn field(&self, name: &str) -> Option<(&'a Expr, Range<usize>)> {
        self.fields
            .iter()
            .rev()
            .find(|(field, _, _)| field == name)
            .map(|(_, value, range)| (*value, range.clone()))
    }

    pub fn calls_method(&self, name: &str) -> bool {
        self.calls.iter().any(|(method, _, _)| method == name)
    }
}

const CRATE: &str = "jsonwebtoken";

/// Every `Validation` built in the file, or handed to a function as a
/// parameter, with what happens to it after.
pub fn validations<'a>(file: &'a RustFile<'a>) -> Vec<ValidationUse<'a>> {
    let mut found = Vec::new();
    for body in &file.model.functions {
        for start in starts(file, body) {
            let Start {
                range,
                algorithm_argument,
                default_algorithms,
                mut fields,
                parameter,
            } = start;
            let borrowed = parameter.is_some();
            let binding = parameter.or_else(|| {
                body.lets
                    .iter()
                    .find(|l| l.init.is_some_and(|init| file.range(init) == range))
                    .map(|l| l.name.clone())
            });
            let mut calls = Vec::new();
            if let Some(name) = &binding {
                // Changes count from the construction up to a `let` that
                // shadows the name.
                let until = body
                    .lets
                    .iter()
                    .filter(|l| l.name == *name)
                    .filter_map(|l| l.init.map(|init| file.range(init).start))
                    .filter(|start| *start >= range.end)
                    .min()
                    .unwrap_or(usize::MAX);
                let scope = range.end..until;
                collect_mutations(file, body, name, &scope, &mut fields, &mut calls);
            }
            found.push(ValidationUse {
                range,
                algorithm_argument,
                default_algorithms,
                borrowed,
                fields,
                calls,
                body,
            });
        }
    }
    found
}

/// Where a `Validation`'s life in a function starts.
struct Start<'a> {
    range: Range<usize>,
    algorithm_argument: Option<&'a Expr>,
    default_algorithms: bool,
    fields: Vec<(String, &'a Expr, Range<usize>)>,
    /// The parameter's name, for one handed in.
    parameter: Option<String>,
}

/// The constructor calls, struct literals and parameters of a function
/// that are `Validation`s.
fn starts<'a>(file: &RustFile<'a>, body: &'a FnBody<'a>) -> Vec<Start<'a>> {
    let model = &file.model;
    let literals: Vec<&syn::ExprStruct> = body
        .struct_literals
        .iter()
        .copied()
        .filter(|literal| model.path_is(&literal.path, CRATE, &["Validation"]))
        .collect();
    // `Validation { .., ..Validation::new(..) }` is one validation, the literal.
    let rests: Vec<Range<usize>> = literals
        .iter()
        .filter_map(|l| l.rest.as_deref())
        .map(|r| file.range(r))
        .collect();
    let mut starts = Vec::new();
    for call in &body.calls {
        let Some(kind) = constructor(file, call) else {
            continue;
        };
        let range = file.range(*call);
        if rests.contains(&range) {
            continue;
        }
        starts.push(Start {
            range,
            algorithm_argument: if kind == "default" {
                None
            } else {
                call.args.first()
            },
            default_algorithms: kind == "default",
            fields: Vec::new(),
            parameter: None,
        });
    }
    for literal in literals {
        let fields = literal
            .fields
            .iter()
            .filter_map(|field| match &field.member {
                Member::Named(name) => Some((name.to_string(), &field.expr, file.range(field))),
                Member::Unnamed(_) => None,
            })
            .collect();
        let (algorithm_argument, default_algorithms) = match literal.rest.as_deref() {
            Some(Expr::Call(call)) => match constructor(file, call) {
                Some("default") => (None, true),
                Some(_) => (call.args.first(), false),
                None => (None, is_default_default(call)),
            },
            _ => (None, false),
        };
        starts.push(Start {
            range: file.range(literal),
            algorithm_argument,
            default_algorithms,
            fields,
            parameter: None,
        });
    }
    for (name, ty) in &body.params {
        if is_validation_type(file, ty) {
            starts.push(Start {
                range: file.range(*ty),
                algorithm_argument: None,
                default_algorithms: false,
                fields: Vec::new(),
                parameter: Some(name.clone()),
            });
        }
    }
    starts
}

/// `new`, `new_for_family` or `default` when a call builds a `Validation`.
fn constructor(file: &RustFile<'_>, call: &syn::ExprCall) -> Option<&'static str> {
    let Expr::Path(path) = call.func.as_ref() else {
        return None;
    };
    ["new", "new_for_family", "default"]
        .into_iter()
        .find(|name| file.model.path_is(&path.path, CRATE, &["Validation", name]))
}

/// `Validation`, `&Validation` or `&mut Validation` of jsonwebtoken.
fn is_validation_type(file: &RustFile<'_>, ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => is_validation_type(file, &reference.elem),
        syn::Type::Path(path) => file.model.path_is(&path.path, CRATE, &["Validation"]),
        _ => false,
    }
}

/// `Default::default()`, which fills a `Validation` literal with the
/// library's defaults.
fn is_default_default(call: &syn::ExprCall) -> bool {
    matches!(call.func.as_ref(), Expr::Path(p) if p.path.segments.len() == 2
        && p.path.segments[0].ident == "Default"
        && p.path.segments[1].ident == "default")
}

fn collect_mutations<'a>(
    file: &RustFile<'a>,
    body: &'a FnBody<'a>,
    name: &str,
    scope: &Range<usize>,
    fields: &mut Vec<(String, &'a Expr, Range<usize>)>,
    calls: &mut Vec<(String, Vec<&'a Expr>, Range<usize>)>,
) {
    for assign in &body.assigns {
        let range = file.range(*assign);
        if !scope.contains(&range.start) {
            continue;
        }
        if let Some(field) = field_of(&assign.left, name) {
            fields.push((field, assign.right.as_ref(), range));
        }
    }
    for call in &body.method_calls {
        let range = file.range(*call);
        if !scope.contains(&range.start) {
            continue;
        }
        let method = call.method.to_string();
        let receiver = call.receiver.as_ref();
        let qualified = if is_name(receiver, name) {
            Some(method)
        } else {
            field_of(receiver, name).map(|field| format!("{field}.{method}"))
        };
        if let Some(qualified) = qualified {
            calls.push((qualified, call.args.iter().collect(), range));
        }
    }
}

/// `v.field` for the binding `v` gives `field`.
fn field_of(expression: &Expr, name: &str) -> Option<String> {
    let Expr::Field(field) = expression else {
        return None;
    };
    if !is_name(&field.base, name) {
        return None;
    }
    match &field.member {
        Member::Named(member) => Some(member.to_string()),
        Member::Unnamed(_) => None,
    }
}

pub fn is_name(expression: &Expr, name: &str) -> bool {
    match expression {
        Expr::Path(path) => path.path.is_ident(name),
        Expr::Paren(inner) => is_name(&inner.expr, name),
        _ => false,
    }
}

/// `false` as a literal.
pub fn is_false(expression: &Expr) -> bool {
    matches!(expression, Expr::Lit(lit) if matches!(&lit.lit, syn::Lit::Bool(b) if !b.value))
}

/// An integer's value: a literal, simple arithmetic on literals (`60 * 60`),
/// a `let` or same-file `const`, or `Duration::from_secs(..).as_secs()`.
pub fn int_value(file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr) -> Option<u64> {
    int_value_at(file, body, expression, 0)
}

fn int_value_at(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Option<u64> {
    if depth > 8 {
        return None;
    }
    let next = |e: &Expr| int_value_at(file, body, e, depth + 1);
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Group(inner) => next(&inner.expr),
        Expr::Cast(cast) => next(&cast.expr),
        Expr::Binary(binary) => {
            let (left, right) = (next(&binary.left)?, next(&binary.right)?);
            match binary.op {
                syn::BinOp::Mul(_) => left.checked_mul(right),
                syn::BinOp::Add(_) => left.checked_add(right),
                _ => None,
            }
        }
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            body.init_of(&name)
                .or_else(|| file.model.const_value(&name))
                .and_then(next)
        }
        Expr::MethodCall(call) if call.method == "as_secs" => {
            let Expr::Call(inner) = call.receiver.as_ref() else {
                return None;
            };
            let Expr::Path(path) = inner.func.as_ref() else {
                return None;
            };
            let unit = match path.path.segments.last()?.ident.to_string().as_str() {
                "from_secs" => 1,
                "from_mins" => 60,
                "from_hours" => 3600,
                "from_days" => 86_400,
                _ => return None,
            };
            next(inner.args.first()?)?.checked_mul(unit)
        }
        _ => None,
    }
}

/// The algorithm names an expression lists: `Algorithm::HS256`, or a
/// `vec![..]` / array / slice of them, directly or through a `let` or a
/// same-file `const`. Each with its range.
pub fn algorithm_names(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
) -> Vec<(String, Range<usize>)> {
    algorithm_names_at(file, body, expression, 0)
}

fn algorithm_names_at(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    expression: &Expr,
    depth: usize,
) -> Vec<(String, Range<usize>)> {
    if depth > 8 {
        return Vec::new();
    }
    let next = |e: &Expr| algorithm_names_at(file, body, e, depth + 1);
    match expression {
        Expr::Path(path) => {
            let is_algorithm = path.path.segments.len() >= 2
                && path
                    .path
                    .segments
                    .iter()
                    .rev()
                    .nth(1)
                    .is_some_and(|s| s.ident == "Algorithm");
            match (path.path.segments.last(), path.path.get_ident()) {
                (Some(last), _) if is_algorithm => vec![(last.ident.to_string(), file.range(path))],
                (_, Some(name)) => {
                    let name = name.to_string();
                    body.init_of(&name)
                        .or_else(|| file.model.const_value(&name))
                        .map(next)
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            }
        }
        Expr::Array(array) => array.elems.iter().flat_map(next).collect(),
        Expr::Reference(reference) => next(&reference.expr),
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Group(inner) => next(&inner.expr),
        Expr::Macro(mac) if mac.mac.path.is_ident("vec") => {
            macro_list(&mac.mac).iter().flat_map(next).collect()
        }
        // `ALLOWED.to_vec()`
        Expr::MethodCall(call)
            if matches!(
                call.method.to_string().as_str(),
                "to_vec" | "into" | "clone" | "to_owned"
            ) =>
        {
            next(&call.receiver)
        }
        // `Vec::from(ALLOWED)`
        Expr::Call(call) if call.args.len() == 1 => match call.func.as_ref() {
            Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from") => {
                next(&call.args[0])
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The comma-separated expressions of a macro such as `vec![..]`.
pub fn macro_list(mac: &syn::Macro) -> Vec<Expr> {
    mac.parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .map(|items| items.into_iter().collect())
        .unwrap_or_default()
}

/// `vec![]` or `Vec::new()`: a list emptied.
pub fn is_empty_list(expression: &Expr) -> bool {
    match expression {
        Expr::Macro(mac) => mac.mac.path.is_ident("vec") && mac.mac.tokens.is_empty(),
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Path(p) if p.path.segments.len() == 2
                && p.path.segments[0].ident == "Vec"
                && p.path.segments[1].ident == "new"
        ),
        Expr::Array(array) => array.elems.is_empty(),
        _ => false,
    }
}
