//! Which values of a Rust function are credentials: by name (`password`,
//! `api_key`, `reset_token`) or because they were read from a request
//! inside the handler — an axum, actix-web, rocket or poem extractor
//! (`Json(form): Json<LoginForm>`, `form: web::Form<Login>`, `Query(q)`,
//! `Json(LoginRequest { email, password })`) or a header read — followed
//! through `let`s, destructuring, `format!`, `+`, and the conversions that
//! keep the value (`.as_bytes()`, `.to_string()`, `.expose_secret()`).

use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Expr, Member, Pat, Type};

use super::{FnBody, RustFile};
use crate::lang::sensitive::{Kind, RequestPart, classify_name};

/// A credential found in an expression.
#[derive(Debug, Clone)]
pub struct Sensitive {
    pub kind: Kind,
    /// The request part it was read from inside the function, if any.
    pub source: Option<RequestPart>,
    /// The name that says what it is, for messages.
    pub name: String,
    /// Where that name is.
    pub range: Range<usize>,
}

/// A handler parameter that reads part of the request.
#[derive(Clone)]
pub struct Extractor<'a> {
    /// The local name bound.
    pub name: String,
    pub part: RequestPart,
    /// For a destructured field (`Json(Login { password, .. })`), its key.
    pub field: Option<String>,
    /// The type the extractor deserialises into: `LoginForm` in
    /// `Json<LoginForm>`.
    pub inner: Option<&'a Type>,
    /// The whole parameter type.
    pub ty: &'a Type,
}

/// The request part an extractor type reads, by its last path segment.
fn extractor_part(name: &str) -> Option<RequestPart> {
    Some(match name {
        "Json" | "Form" | "Multipart" | "Bytes" | "RawForm" | "JsonBody" | "MsgPack" => {
            RequestPart::Body
        }
        "Query" | "RawQuery" | "QsQuery" => RequestPart::Query,
        "Path" => RequestPart::Params,
        "HeaderMap" | "TypedHeader" | "Headers" => RequestPart::Headers,
        "CookieJar" | "PrivateCookieJar" | "SignedCookieJar" => RequestPart::Cookies,
        "HttpRequest" | "Request" => RequestPart::Whole,
        _ => return None,
    })
}

/// Wrappers that validate or reject but keep the extractor inside:
/// `Valid<Json<T>>`, `WithRejection<Json<T>, E>`.
const WRAPPERS: &[&str] = &[
    "Valid",
    "Validated",
    "WithRejection",
    "Garde",
    "ValidatedJson",
];

/// The last path segment of a type and its first generic type argument,
/// through references and validation wrappers.
fn type_head(ty: &Type) -> Option<(String, Option<&Type>)> {
    match ty {
        Type::Reference(reference) => type_head(&reference.elem),
        Type::Paren(inner) => type_head(&inner.elem),
        Type::Group(inner) => type_head(&inner.elem),
        Type::Path(path) => {
            let last = path.path.segments.last()?;
            let argument = match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => {
                    args.args.iter().find_map(|a| match a {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                }
                _ => None,
            };
            let name = last.ident.to_string();
            if WRAPPERS.contains(&name.as_str())
                && let Some(inner) = argument
            {
                return type_head(inner);
            }
            Some((name, argument))
        }
        _ => None,
    }
}

/// The request-reading parameters of a function.
pub fn extractors<'a>(body: &FnBody<'a>) -> Vec<Extractor<'a>> {
    let mut found = Vec::new();
    for input in &body.inputs {
        let ty = input.ty.as_ref();
        let Some((head, inner)) = type_head(ty) else {
            continue;
        };
        let Some(part) = extractor_part(&head) else {
            continue;
        };
        bind_pattern(&input.pat, part, inner, ty, None, &mut found);
    }
    found
}

fn bind_pattern<'a>(
    pat: &Pat,
    request: RequestPart,
    inner: Option<&'a Type>,
    ty: &'a Type,
    field: Option<String>,
    found: &mut Vec<Extractor<'a>>,
) {
    match pat {
        Pat::Ident(ident) => found.push(Extractor {
            name: ident.ident.to_string(),
            part: request,
            field,
            inner,
            ty,
        }),
        Pat::Type(typed) => bind_pattern(&typed.pat, request, inner, ty, field, found),
        Pat::Reference(reference) => bind_pattern(&reference.pat, request, inner, ty, field, found),
        Pat::Paren(paren) => bind_pattern(&paren.pat, request, inner, ty, field, found),
        // `Json(form)`, `web::Form(login)`
        Pat::TupleStruct(tuple) if field.is_none() => {
            for element in &tuple.elems {
                bind_pattern(element, request, inner, ty, None, found);
            }
        }
        // `Json(LoginForm { email, password: pw, .. })`
        Pat::Struct(pattern) => {
            for field_pattern in &pattern.fields {
                if let Member::Named(key) = &field_pattern.member {
                    bind_pattern(
                        &field_pattern.pat,
                        request,
                        inner,
                        ty,
                        Some(key.to_string()),
                        found,
                    );
                }
            }
        }
        _ => {}
    }
}

/// Fields destructured out of a value by a `let`: `let Login { password,
/// .. } = form.into_inner();` gives `(password, "password", init)`.
fn destructured_let<'a>(body: &FnBody<'a>, name: &str) -> Option<(String, &'a Expr)> {
    for (pat, init) in body.let_patterns.iter().rev() {
        let (Pat::Struct(pattern), Some(init)) = (pat, init) else {
            continue;
        };
        for field in &pattern.fields {
            let Member::Named(key) = &field.member else {
                continue;
            };
            if pattern_binds(&field.pat, name) {
                return Some((key.to_string(), *init));
            }
        }
    }
    None
}

fn pattern_binds(pat: &Pat, name: &str) -> bool {
    match pat {
        Pat::Ident(ident) => ident.ident == name,
        Pat::Type(typed) => pattern_binds(&typed.pat, name),
        Pat::Reference(reference) => pattern_binds(&reference.pat, name),
        _ => false,
    }
}

/// Methods whose result is the receiver's value in another form.
const PASSTHROUGH_METHODS: &[&str] = &[
    "as_bytes",
    "as_str",
    "to_string",
    "to_owned",
    "clone",
    "into",
    "as_ref",
    "trim",
    "expose_secret",
    "expose",
    "into_bytes",
    "to_vec",
    "borrow",
    "as_slice",
    "unwrap",
    "unwrap_or_default",
    "expect",
    "to_lowercase",
    "into_inner",
    "deref",
    "as_deref",
    "to_str",
    "unsecure",
];

const MAX_DEPTH: usize = 12;

/// The credential an expression of a function holds, if it holds one.
/// The file is not needed yet: names and `let`s of the function decide.
pub fn sensitive(_file: &RustFile<'_>, body: &FnBody<'_>, expression: &Expr) -> Option<Sensitive> {
    sensitive_at(body, expression, 0)
}

fn named(kind: Kind, source: Option<RequestPart>, name: &str, node: &impl Spanned) -> Sensitive {
    Sensitive {
        kind,
        source,
        name: name.to_string(),
        range: node.span().byte_range(),
    }
}

fn sensitive_at(body: &FnBody<'_>, expression: &Expr, depth: usize) -> Option<Sensitive> {
    if depth > MAX_DEPTH {
        return None;
    }
    let next = |e: &Expr| sensitive_at(body, e, depth + 1);
    match expression {
        Expr::Path(path) => {
            let ident = path.path.get_ident().or_else(|| {
                // `Self::API_KEY`, `config::SECRET`: the last segment names it.
                path.path.segments.last().map(|s| &s.ident)
            })?;
            let name = ident.to_string();
            let by_name = classify_name(&name);
            if path.path.segments.len() > 1 {
                return by_name.map(|kind| named(kind, None, &name, path));
            }
            if let Some(extractor) = extractors(body).into_iter().find(|e| e.name == name) {
                let key = extractor.field.clone().unwrap_or_else(|| name.clone());
                let kind = classify_name(&key).or(by_name)?;
                return Some(named(kind, Some(extractor.part), &key, path));
            }
            if let Some((key, init)) = destructured_let(body, &name) {
                let kind = classify_name(&key).or(by_name)?;
                let source = match request_part_at(body, init, depth + 1) {
                    Some(RequestPart::Whole) | None => None,
                    part => part,
                };
                return Some(named(kind, source, &key, path));
            }
            if by_name == Some(Kind::PasswordHash) {
                return Some(named(Kind::PasswordHash, None, &name, path));
            }
            let flowed = body.init_of(&name).and_then(next);
            match (flowed, by_name) {
                (Some(flowed), _) => Some(Sensitive {
                    range: path.span().byte_range(),
                    ..flowed
                }),
                (None, Some(kind)) => Some(named(kind, None, &name, path)),
                (None, None) => None,
            }
        }
        Expr::Field(field) => match &field.member {
            Member::Named(member) => {
                let name = member.to_string();
                let kind = classify_name(&name)?;
                let source = match request_part_at(body, &field.base, depth + 1) {
                    Some(RequestPart::Whole) | None => None,
                    part => part,
                };
                Some(named(kind, source, &name, field))
            }
            Member::Unnamed(_) => next(&field.base),
        },
        Expr::MethodCall(call) => {
            let method = call.method.to_string();
            if PASSTHROUGH_METHODS.contains(&method.as_str()) {
                return next(&call.receiver);
            }
            // `headers.get("x-api-key")`, `req.headers().get(AUTHORIZATION)`
            if matches!(method.as_str(), "get" | "get_all" | "header" | "get_header")
                && request_part_at(body, &call.receiver, depth + 1)
                    .is_some_and(|p| matches!(p, RequestPart::Headers | RequestPart::Whole))
            {
                let key = header_key(call.args.first()?)?;
                let kind = classify_name(&key)?;
                return Some(named(kind, Some(RequestPart::Headers), &key, call));
            }
            None
        }
        Expr::Reference(inner) => next(&inner.expr),
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Group(inner) => next(&inner.expr),
        Expr::Try(inner) => next(&inner.expr),
        Expr::Await(inner) => next(&inner.base),
        Expr::Cast(inner) => next(&inner.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr),
        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Add(_)) => {
            strongest([next(&binary.left), next(&binary.right)])
        }
        Expr::Macro(mac) if mac.mac.path.is_ident("format") => {
            strongest(macro_values(&mac.mac).iter().map(|value| match value {
                MacroValue::Expr { expr, .. } => next(expr),
                MacroValue::Capture { name, range } => {
                    let expr: Expr = syn::parse_str(name).ok()?;
                    next(&expr).map(|s| Sensitive {
                        range: range.clone(),
                        ..s
                    })
                }
            }))
        }
        Expr::Call(call) => {
            // `String::from(x)`, `Vec::from(x)`, `SecretString::new(x)`
            let Expr::Path(function) = call.func.as_ref() else {
                return None;
            };
            let last = function.path.segments.last()?.ident.to_string();
            if matches!(last.as_str(), "from" | "new" | "from_utf8" | "Some")
                && call.args.len() == 1
            {
                return next(&call.args[0]);
            }
            None
        }
        _ => None,
    }
}

/// Of the credentials a combined value holds (`password + salt`), the one
/// that matters: a salt or nonce only when nothing else is there.
fn strongest(candidates: impl IntoIterator<Item = Option<Sensitive>>) -> Option<Sensitive> {
    let mut found: Vec<Sensitive> = candidates.into_iter().flatten().collect();
    let position = found
        .iter()
        .position(|s| s.kind != Kind::Nonce)
        .unwrap_or(0);
    (!found.is_empty()).then(|| found.swap_remove(position))
}

/// A header name: a string literal or a `http::header` constant.
fn header_key(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(text) => Some(text.value()),
            _ => None,
        },
        Expr::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Reference(inner) => header_key(&inner.expr),
        _ => None,
    }
}

/// Which part of the request an expression is, if it is one.
pub fn request_part(body: &FnBody<'_>, expression: &Expr) -> Option<RequestPart> {
    request_part_at(body, expression, 0)
}

fn request_part_at(body: &FnBody<'_>, expression: &Expr, depth: usize) -> Option<RequestPart> {
    if depth > MAX_DEPTH {
        return None;
    }
    let next = |e: &Expr| request_part_at(body, e, depth + 1);
    match expression {
        Expr::Path(path) => {
            let name = path.path.get_ident()?.to_string();
            if let Some(extractor) = extractors(body).into_iter().find(|e| e.name == name) {
                return Some(extractor.part);
            }
            body.init_of(&name).and_then(next)
        }
        Expr::Field(field) => match next(&field.base)? {
            RequestPart::Whole => None,
            part => Some(part),
        },
        Expr::MethodCall(call) => {
            let method = call.method.to_string();
            let receiver = next(&call.receiver)?;
            match (receiver, method.as_str()) {
                (RequestPart::Whole, "headers") => Some(RequestPart::Headers),
                (RequestPart::Whole, "query_string") => Some(RequestPart::Query),
                (RequestPart::Whole, "match_info") => Some(RequestPart::Params),
                (RequestPart::Whole, "cookie" | "cookies") => Some(RequestPart::Cookies),
                (part, m) if PASSTHROUGH_METHODS.contains(&m) => Some(part),
                _ => None,
            }
        }
        Expr::Reference(inner) => next(&inner.expr),
        Expr::Paren(inner) => next(&inner.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr),
        _ => None,
    }
}

/// Code written inside the macros of a function (`format!("{:x}",
/// md5::compute(password))`, `assert!(a == b)`), which syn leaves as
/// tokens: the calls, method calls and comparisons of every argument that
/// parses as an expression, macros inside macros included.
#[derive(Default)]
pub struct MacroCode {
    pub calls: Vec<syn::ExprCall>,
    pub method_calls: Vec<syn::ExprMethodCall>,
    pub comparisons: Vec<syn::ExprBinary>,
}

pub fn macro_code(body: &FnBody<'_>) -> MacroCode {
    struct Collector {
        code: MacroCode,
        depth: usize,
    }
    impl<'ast> syn::visit::Visit<'ast> for Collector {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            self.code.calls.push(call.clone());
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            self.code.method_calls.push(call.clone());
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
            if matches!(binary.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
                self.code.comparisons.push(binary.clone());
            }
            syn::visit::visit_expr_binary(self, binary);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if self.depth < 4 {
                self.depth += 1;
                self.visit_macro_values(mac);
                self.depth -= 1;
            }
        }
    }
    impl Collector {
        fn visit_macro_values(&mut self, mac: &syn::Macro) {
            for value in macro_values(mac) {
                if let MacroValue::Expr { expr, .. } = value {
                    syn::visit::Visit::visit_expr(self, &expr);
                }
            }
        }
    }
    let mut collector = Collector {
        code: MacroCode::default(),
        depth: 0,
    };
    for mac in &body.macros {
        collector.visit_macro_values(mac);
    }
    collector.code
}

/// One value a formatting or logging macro uses.
pub enum MacroValue {
    /// An argument or a `tracing` field value; `field` is the field name
    /// for `password = %x` and `?token`.
    Expr {
        expr: Box<Expr>,
        field: Option<String>,
    },
    /// A name captured inside the format string: `"{password}"`.
    Capture { name: String, range: Range<usize> },
}

/// The values a `format!`-style or `tracing` macro uses: its arguments
/// (`%x`, `?x` and `name = x` included) and the names its format string
/// captures.
pub fn macro_values(mac: &syn::Macro) -> Vec<MacroValue> {
    let mut values = Vec::new();
    for chunk in split_commas(mac.tokens.clone()) {
        let mut tokens: Vec<TokenTree> = chunk.into_iter().collect();
        // `target: "auth"` and `parent: &span` are tracing's own options.
        if let [TokenTree::Ident(_), TokenTree::Punct(colon), ..] = tokens.as_slice()
            && colon.as_char() == ':'
            && !matches!(tokens.get(2), Some(TokenTree::Punct(p)) if p.as_char() == ':')
        {
            continue;
        }
        let mut field = None;
        // `password = %form.password`, `user.id = 3`
        if let Some(eq) = tokens.iter().position(
            |t| matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone),
        ) && eq > 0
            && tokens[..eq].iter().all(|t| match t {
                TokenTree::Ident(_) => true,
                TokenTree::Punct(p) => p.as_char() == '.',
                _ => false,
            })
        {
            let name: String = tokens[..eq].iter().map(ToString::to_string).collect();
            field = Some(name);
            tokens.drain(..=eq);
        }
        let sigil =
            matches!(tokens.first(), Some(TokenTree::Punct(p)) if matches!(p.as_char(), '%' | '?'));
        if sigil {
            tokens.remove(0);
        }
        let stream: TokenStream = tokens.into_iter().collect();
        if let Ok(lit) = syn::parse2::<syn::LitStr>(stream.clone()) {
            if field.is_none() {
                values.extend(format_captures(&lit));
            }
            continue;
        }
        if let Ok(expr) = syn::parse2::<Expr>(stream) {
            values.push(MacroValue::Expr {
                expr: Box::new(expr),
                field,
            });
        }
    }
    values
}

fn split_commas(stream: TokenStream) -> Vec<TokenStream> {
    let mut chunks = Vec::new();
    let mut current = TokenStream::new();
    for token in stream {
        if matches!(&token, TokenTree::Punct(p) if p.as_char() == ',') {
            chunks.push(std::mem::take(&mut current));
        } else {
            current.extend(std::iter::once(token));
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// The identifiers a format string captures: `{password}`, `{token:?}`.
fn format_captures(lit: &syn::LitStr) -> Vec<MacroValue> {
    let text = lit.value();
    let range = lit.span().byte_range();
    let mut captures = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek().is_some_and(|(_, n)| *n == '{') {
            chars.next();
            continue;
        }
        let mut name = String::new();
        while let Some((_, n)) = chars.peek() {
            if *n == '}' || *n == ':' {
                break;
            }
            name.push(*n);
            chars.next();
        }
        let is_identifier = name
            .chars()
            .next()
            .is_some_and(|f| f.is_alphabetic() || f == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if is_identifier {
            captures.push(MacroValue::Capture {
                name,
                range: range.clone(),
            });
        }
    }
    captures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::rust::{self, RustFile};
    use crate::source::{Language, SourceFile};

    /// The classification of the argument of every `sink(..)` call.
    fn classify(code: &str) -> Vec<Option<(Kind, Option<RequestPart>)>> {
        let source = SourceFile::new(
            "a.rs".into(),
            "a.rs".into(),
            code.to_string(),
            Language::Rust,
        );
        let syntax = rust::parse(&source).unwrap();
        let file = RustFile::new(&source, &syntax);
        let mut out = Vec::new();
        for body in &file.model.functions {
            for call in &body.calls {
                if matches!(call.func.as_ref(), Expr::Path(p) if p.path.is_ident("sink")) {
                    out.push(sensitive(&file, body, &call.args[0]).map(|s| (s.kind, s.source)));
                }
            }
        }
        out
    }

    #[test]
    fn extractor_fields_are_request_values() {
        let body = Some((Kind::Password, Some(RequestPart::Body)));
        assert_eq!(
            classify(
                "async fn login(Json(form): Json<LoginForm>) { sink(form.password.as_bytes()) }"
            ),
            [body]
        );
        assert_eq!(
            classify(
                "async fn login(form: web::Form<Login>) { let p = form.into_inner().pwd; sink(&p) }"
            ),
            [body]
        );
        assert_eq!(
            classify(
                "async fn login(Json(Login { email, password }): Json<Login>) { sink(password.to_string()) }"
            ),
            [body]
        );
        assert_eq!(
            classify(
                "async fn login(Json(f): Json<Login>) { let Login { password: pw, .. } = f; sink(pw) }"
            ),
            [body]
        );
        assert_eq!(
            classify("async fn h(Query(q): Query<Reset>) { sink(q.token) }"),
            [Some((Kind::Token, Some(RequestPart::Query)))]
        );
        assert_eq!(
            classify(
                "async fn h(headers: HeaderMap) { sink(headers.get(\"x-api-key\").unwrap()) }"
            ),
            [Some((Kind::Secret, Some(RequestPart::Headers)))]
        );
    }

    #[test]
    fn names_and_what_is_not_a_credential() {
        assert_eq!(
            classify("fn f() { sink(user.password) }"),
            [Some((Kind::Password, None))]
        );
        assert_eq!(classify("fn f() { sink(password.len()) }"), [None]);
        assert_eq!(
            classify("fn f() { sink(format!(\"{password}:{salt}\")) }"),
            [Some((Kind::Password, None))]
        );
        assert_eq!(
            classify("fn f() { sink(format!(\"{}{}\", salt, pwd)) }"),
            [Some((Kind::Password, None))]
        );
        assert_eq!(classify("fn f() { sink(email) }"), [None]);
    }

    #[test]
    fn tracing_fields_are_values() {
        let mac: syn::Macro = syn::parse_str(
            "info!(target: \"auth\", password = %form.password, ?token, \"login {user}\")",
        )
        .unwrap();
        let values = macro_values(&mac);
        assert_eq!(values.len(), 3);
        assert!(matches!(&values[0], MacroValue::Expr { field: Some(f), .. } if f == "password"));
    }
}
