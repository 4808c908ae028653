//! Which values of a JavaScript or TypeScript file are credentials: by name
//! (`password`, `apiKey`, `resetToken`, in any case style) or by where they
//! came from inside the function (`req.body.password`, `const { password }
//! = req.body`, `ctx.request.body`, a Nest `@Body()` parameter), followed
//! through `const`s, destructuring, concatenation, template literals and
//! the string and buffer conversions that keep the value
//! (`Buffer.from(x)`, `x.trim()`, `auth.slice(7)`).

use tree_sitter::Node;

use super::model::{Binding, MAX_RESOLUTION_DEPTH, Model, string_literal};
use super::{call_arguments, unwrap_expression};
use crate::lang::js::FieldAccess;
use crate::lang::sensitive::{Kind, RequestPart, classify_name};

/// The request part a field of the request object holds: `req.body`.
fn part_of_key(key: &str) -> Option<RequestPart> {
    Some(match key {
        "body" | "payload" | "rawBody" | "fields" => RequestPart::Body,
        "query" | "queryStringParameters" | "searchParams" => RequestPart::Query,
        "params" | "pathParameters" => RequestPart::Params,
        "headers" | "header" => RequestPart::Headers,
        "cookies" | "signedCookies" => RequestPart::Cookies,
        "request" => RequestPart::Whole,
        _ => return None,
    })
}

/// A credential found in an expression.
#[derive(Debug, Clone)]
pub struct Sensitive<'t> {
    pub kind: Kind,
    /// The request part it was read from inside the function, if any.
    pub source: Option<RequestPart>,
    /// The name that says what it is, for messages (`password`, `apiKey`).
    pub name: String,
    /// The expression that carries the name.
    pub node: Node<'t>,
}

/// Methods whose result is the receiver's value in another form.
const PASSTHROUGH_METHODS: &[&str] = &[
    "toString",
    "trim",
    "trimStart",
    "trimEnd",
    "normalize",
    "toLowerCase",
    "toUpperCase",
    "valueOf",
    "slice",
    "substring",
    "substr",
    "replace",
    "replaceAll",
    "concat",
];

/// Functions whose result is their first argument's value in another form:
/// `Buffer.from(x)`, `String(x)`, `encoder.encode(x)`.
const PASSTHROUGH_FUNCTIONS: &[&str] = &["from", "String", "encode", "Buffer", "unescape"];

impl<'t> Model<'t> {
    /// The credential an expression holds, if it holds one.
    pub fn sensitive(&self, expression: Node<'t>) -> Option<Sensitive<'t>> {
        self.sensitive_at_depth(expression, 0)
    }

    fn text_of(&self, node: Node<'t>) -> &'t str {
        node.utf8_text(self.text.as_bytes()).unwrap_or("")
    }

    fn sensitive_at_depth(&self, expression: Node<'t>, depth: usize) -> Option<Sensitive<'t>> {
        if depth > MAX_RESOLUTION_DEPTH {
            return None;
        }
        let expression = unwrap_expression(expression);
        let next = |node: Node<'t>| self.sensitive_at_depth(node, depth + 1);
        match expression.kind() {
            "identifier" | "shorthand_property_identifier" => {
                self.identifier_sensitive(expression, depth)
            }
            "member_expression" => {
                let object = expression.field("object")?;
                let property = expression.field("property")?;
                let key = self.text_of(property);
                self.keyed(expression, object, key, depth)
            }
            "subscript_expression" => {
                let object = expression.field("object")?;
                let index = expression.field("index")?;
                let key = self.value(index).as_str()?.to_string();
                self.keyed(expression, object, &key, depth)
            }
            "binary_expression" => {
                let operator = expression.field("operator")?;
                if !matches!(operator.kind(), "+" | "||" | "??") {
                    return None;
                }
                let left = expression.field("left")?;
                let right = expression.field("right")?;
                strongest([next(left), next(right)])
            }
            "template_string" => {
                let mut cursor = expression.walk();
                let substitutions: Vec<_> = expression
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "template_substitution")
                    .collect();
                strongest(
                    substitutions
                        .into_iter()
                        .map(|s| s.named_child(0).and_then(next)),
                )
            }
            "call_expression" | "new_expression" => self.call_sensitive(expression, depth),
            _ => None,
        }
    }

    fn identifier_sensitive(&self, node: Node<'t>, depth: usize) -> Option<Sensitive<'t>> {
        let name = self.text_of(node);
        let by_name = classify_name(name);
        let named = |kind: Kind, source| Sensitive {
            kind,
            source,
            name: name.to_string(),
            node,
        };
        match self.binding(name, node) {
            Some(Binding::Value(value)) => {
                // A name that says "hash" wins over the value it was made from.
                if by_name == Some(Kind::PasswordHash) {
                    return Some(named(Kind::PasswordHash, None));
                }
                let flowed = self.sensitive_at_depth(*value, depth + 1);
                match (flowed, by_name) {
                    (Some(flowed), _) => Some(Sensitive { node, ..flowed }),
                    (None, Some(kind)) => {
                        Some(named(kind, self.request_part_at_depth(*value, depth + 1)))
                    }
                    (None, None) => None,
                }
            }
            Some(Binding::Destructured { source, key, .. }) => {
                let kind = classify_name(key).or(by_name)?;
                let part = self.request_part_at_depth(*source, depth + 1);
                let source = match part {
                    Some(RequestPart::Whole) => part_of_key(key),
                    other => other,
                };
                Some(Sensitive {
                    kind,
                    source,
                    name: key.clone(),
                    node,
                })
            }
            Some(Binding::Unknown) | None => {
                if let Some((part, key)) = self.decorated_parameter(name, node) {
                    let kind = key.as_deref().and_then(classify_name).or(by_name)?;
                    return Some(Sensitive {
                        kind,
                        source: Some(part),
                        name: key.unwrap_or_else(|| name.to_string()),
                        node,
                    });
                }
                by_name.map(|kind| named(kind, None))
            }
            Some(Binding::Module(_) | Binding::Declared(_)) => None,
        }
    }

    /// `object.key` or `object['key']`.
    fn keyed(
        &self,
        node: Node<'t>,
        object: Node<'t>,
        key: &str,
        depth: usize,
    ) -> Option<Sensitive<'t>> {
        let kind = classify_name(key)?;
        let source = match self.request_part_at_depth(object, depth + 1) {
            Some(RequestPart::Whole) => None,
            other => other,
        };
        Some(Sensitive {
            kind,
            source,
            name: key.to_string(),
            node,
        })
    }

    fn call_sensitive(&self, call: Node<'t>, depth: usize) -> Option<Sensitive<'t>> {
        let function = call
            .field("function")
            .or_else(|| call.field("constructor"))?;
        let arguments = call_arguments(call);
        let next = |node: Node<'t>| self.sensitive_at_depth(node, depth + 1);
        match function.kind() {
            "member_expression" => {
                let object = function.field("object")?;
                let method = self.text_of(function.field("property")?);
                if PASSTHROUGH_METHODS.contains(&method) {
                    return next(object);
                }
                if matches!(method, "get" | "header" | "getHeader" | "cookie")
                    && let Some(part) = self.request_part_at_depth(object, depth + 1)
                {
                    // `req.get('x-api-key')`, `url.searchParams.get('token')`,
                    // `formData.get('password')`
                    let key = self.value(*arguments.first()?).as_str()?.to_string();
                    let part = match part {
                        RequestPart::Whole => RequestPart::Headers,
                        other => other,
                    };
                    return Some(Sensitive {
                        kind: classify_name(&key)?,
                        source: Some(part),
                        name: key,
                        node: call,
                    });
                }
                if method == "digest" && self.is_hmac_chain(object, depth) {
                    return Some(Sensitive {
                        kind: Kind::Signature,
                        source: None,
                        name: "HMAC".to_string(),
                        node: call,
                    });
                }
                if PASSTHROUGH_FUNCTIONS.contains(&method) {
                    return next(*arguments.first()?);
                }
                None
            }
            "identifier" if PASSTHROUGH_FUNCTIONS.contains(&self.text_of(function)) => {
                next(*arguments.first()?)
            }
            _ => None,
        }
    }

    /// Whether a hash object was made by `createHmac` (possibly through
    /// `.update(..)` calls and a `const`).
    fn is_hmac_chain(&self, mut node: Node<'t>, depth: usize) -> bool {
        for _ in depth..MAX_RESOLUTION_DEPTH {
            node = unwrap_expression(node);
            match node.kind() {
                "call_expression" => {
                    let Some(function) = node.field("function") else {
                        return false;
                    };
                    if self.module_path(function).is_some_and(|p| {
                        p.module == "crypto" && p.last_member() == Some("createHmac")
                    }) {
                        return true;
                    }
                    match function.kind() {
                        "member_expression" => match function.field("object") {
                            Some(object) => node = object,
                            None => return false,
                        },
                        _ => return false,
                    }
                }
                "identifier" => match self.binding(self.text_of(node), node) {
                    Some(Binding::Value(value)) => node = *value,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// Which part of an incoming request an expression is, if it is one:
    /// `req` is the whole request, `req.body` and `const { body } = req` the
    /// body, `req.body.user` still body data. `req.user` is not request
    /// data: middleware put it there.
    pub fn request_part(&self, expression: Node<'t>) -> Option<RequestPart> {
        self.request_part_at_depth(expression, 0)
    }

    fn request_part_at_depth(&self, expression: Node<'t>, depth: usize) -> Option<RequestPart> {
        if depth > MAX_RESOLUTION_DEPTH {
            return None;
        }
        let expression = unwrap_expression(expression);
        let next = |node: Node<'t>| self.request_part_at_depth(node, depth + 1);
        let field = |object: Node<'t>, key: &str| match next(object)? {
            RequestPart::Whole => part_of_key(key),
            part => Some(part),
        };
        match expression.kind() {
            "identifier" => {
                let name = self.text_of(expression);
                match self.binding(name, expression) {
                    Some(Binding::Value(value)) => next(*value),
                    Some(Binding::Destructured { source, key, .. }) => field(*source, key),
                    Some(Binding::Unknown) | None => {
                        if let Some((part, key)) = self.decorated_parameter(name, expression) {
                            // `@Body('password') pw` is a value, not the body.
                            return key.is_none().then_some(part);
                        }
                        is_request_name(name).then_some(RequestPart::Whole)
                    }
                    _ => None,
                }
            }
            "member_expression" => {
                let object = expression.field("object")?;
                let key = self.text_of(expression.field("property")?);
                // Koa: `ctx.request` is the request, `ctx.query` its query;
                // `ctx.body` is the response.
                if object.kind() == "identifier" && is_context_name(self.text_of(object)) {
                    return match key {
                        "request" | "req" => Some(RequestPart::Whole),
                        "query" | "params" | "headers" | "header" | "cookies" => part_of_key(key),
                        _ => None,
                    };
                }
                field(object, key)
            }
            "subscript_expression" => {
                let object = expression.field("object")?;
                match next(object)? {
                    RequestPart::Whole => None,
                    part => Some(part),
                }
            }
            "call_expression" => {
                let function = expression.field("function")?;
                let text = self.text_of(function);
                if text == "JSON.parse" {
                    return next(*call_arguments(expression).first()?);
                }
                // `await req.json()`, `await request.formData()`
                if function.kind() == "member_expression" {
                    let object = function.field("object")?;
                    let method = self.text_of(function.field("property")?);
                    // NestJS guards: `context.switchToHttp().getRequest()`
                    if method == "getRequest" {
                        return Some(RequestPart::Whole);
                    }
                    if matches!(method, "json" | "formData" | "text")
                        && next(object) == Some(RequestPart::Whole)
                    {
                        return Some(RequestPart::Body);
                    }
                }
                None
            }
            "new_expression" => {
                // `new URL(req.url)`: its `searchParams` are the query.
                let constructor = expression.field("constructor")?;
                if self.text_of(constructor) != "URL" {
                    return None;
                }
                let argument = *call_arguments(expression).first()?;
                let reads_request_url = argument.kind() == "member_expression"
                    && argument
                        .field("object")
                        .is_some_and(|o| next(o) == Some(RequestPart::Whole));
                reads_request_url.then_some(RequestPart::Whole)
            }
            _ => None,
        }
    }

    /// A Nest handler parameter with a request decorator: `@Body() dto`
    /// is the body, `@Body('password') pw` one field of it (the key).
    fn decorated_parameter(
        &self,
        name: &str,
        at: Node<'t>,
    ) -> Option<(RequestPart, Option<String>)> {
        let declared = self.declaration_name(name, at)?;
        let parameter = declared.parent()?;
        if !matches!(
            parameter.kind(),
            "required_parameter" | "optional_parameter"
        ) {
            return None;
        }
        let mut cursor = parameter.walk();
        let decorators: Vec<_> = parameter
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator")
            .collect();
        for decorator in decorators {
            let Some(expression) = decorator.named_child(0) else {
                continue;
            };
            let (callee, key) = if expression.kind() == "call_expression" {
                let key = call_arguments(expression)
                    .first()
                    .and_then(|a| self.value(*a).as_str().map(str::to_string));
                (expression.field("function")?, key)
            } else {
                (expression, None)
            };
            let path = self.module_path(callee);
            let decorator_name = path
                .as_ref()
                .filter(|p| {
                    p.module == "@nestjs/common" || p.module.starts_with("routing-controllers")
                })
                .and_then(|p| p.last_member().map(str::to_string));
            let part = match decorator_name.as_deref() {
                Some("Body" | "BodyParam") => RequestPart::Body,
                Some("Query" | "QueryParam" | "QueryParams") => RequestPart::Query,
                Some("Param" | "Params") => RequestPart::Params,
                Some("Headers" | "HeaderParam" | "HeaderParams") => RequestPart::Headers,
                Some("Req" | "Request") => return Some((RequestPart::Whole, None)),
                _ => continue,
            };
            return Some((part, key.map(|k| string_literal(&k))));
        }
        None
    }
}

/// The two sides of an equality comparison (`==`, `===`, `!=`, `!==`),
/// unwrapped.
pub fn equality_sides(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let operator = node.field("operator")?;
    if !matches!(operator.kind(), "==" | "===" | "!=" | "!==") {
        return None;
    }
    Some((
        unwrap_expression(node.field("left")?),
        unwrap_expression(node.field("right")?),
    ))
}

/// Of the credentials a combined value holds (`password + salt`), the one
/// that matters: a salt or nonce only when nothing else is there.
fn strongest<'t>(
    candidates: impl IntoIterator<Item = Option<Sensitive<'t>>>,
) -> Option<Sensitive<'t>> {
    let mut found: Vec<Sensitive<'t>> = candidates.into_iter().flatten().collect();
    let position = found
        .iter()
        .position(|s| s.kind != Kind::Nonce)
        .unwrap_or(0);
    (!found.is_empty()).then(|| found.swap_remove(position))
}

/// Parameter names that conventionally hold the incoming request.
fn is_request_name(name: &str) -> bool {
    matches!(
        name,
        "req" | "request" | "httpRequest" | "incomingRequest" | "expressRequest"
    )
}

/// Names that conventionally hold a Koa or Hono context.
fn is_context_name(name: &str) -> bool {
    matches!(name, "ctx" | "context")
}

#[cfg(test)]
mod tests {
    use crate::lang::js::{self, FieldAccess, JsFile};
    use crate::lang::sensitive::Kind;
    use crate::source::{Language, SourceFile};

    use crate::lang::sensitive::RequestPart;

    /// The classification of the argument of the last `sink(..)` call.
    fn classify(code: &str) -> Option<(Kind, Option<RequestPart>)> {
        let source = SourceFile::new(
            "a.ts".into(),
            "a.ts".into(),
            code.to_string(),
            Language::TypeScript,
        );
        let tree = js::parse(&source).unwrap();
        let file = JsFile::new(&source, &tree);
        let call = file
            .model
            .calls
            .iter()
            .rev()
            .find(|c| file.text(c.field("function").unwrap()) == "sink")
            .copied()
            .unwrap();
        let argument = js::call_arguments(call)[0];
        file.model.sensitive(argument).map(|s| (s.kind, s.source))
    }

    #[test]
    fn request_fields_flow_into_locals() {
        let body = Some((Kind::Password, Some(RequestPart::Body)));
        assert_eq!(
            classify("function f(req) { sink(req.body.password) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { const { password } = req.body; sink(password) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { const { password: p } = req.body; sink(p) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { const p = req.body.pwd; sink(p + salt) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { const b = req.body; sink(`${b.passwd}:x`) }"),
            body
        );
        assert_eq!(
            classify("async function f(ctx) { sink(ctx.request.body.password) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { sink(Buffer.from(req.body.password, 'utf8')) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { const { body } = req; sink(body.password.trim()) }"),
            body
        );
        assert_eq!(
            classify("function f(req) { sink(req.query.token) }"),
            Some((Kind::Token, Some(RequestPart::Query)))
        );
        assert_eq!(
            classify("function f(req) { sink(req.get('x-api-key')) }"),
            Some((Kind::Secret, Some(RequestPart::Headers)))
        );
    }

    #[test]
    fn nest_decorators_mark_request_values() {
        let code = "import { Body, Controller } from '@nestjs/common';
            class C { login(@Body() dto: LoginDto, @Query('token') t: string) { sink(dto.password) } }";
        assert_eq!(
            classify(code),
            Some((Kind::Password, Some(RequestPart::Body)))
        );
        let code = "import { Body } from '@nestjs/common';
            class C { login(@Body('password') pw: string) { sink(pw) } }";
        assert_eq!(
            classify(code),
            Some((Kind::Password, Some(RequestPart::Body)))
        );
    }

    #[test]
    fn names_without_a_request_and_what_is_not_a_credential() {
        assert_eq!(
            classify("sink(user.password)"),
            Some((Kind::Password, None))
        );
        assert_eq!(
            classify("function f(req) { sink(req.user.password) }"),
            Some((Kind::Password, None))
        );
        assert_eq!(classify("sink(password.length)"), None);
        assert_eq!(classify("sink(email)"), None);
        assert_eq!(
            classify("const hashed = bcrypt.hash(password); sink(hashed)"),
            None
        );
        assert_eq!(
            classify("const passwordHash = password; sink(passwordHash)"),
            Some((Kind::PasswordHash, None))
        );
    }

    #[test]
    fn hmac_digests_are_signatures() {
        let code = "const crypto = require('crypto');
            const expected = crypto.createHmac('sha256', key).update(body).digest('hex'); sink(expected)";
        assert_eq!(classify(code), Some((Kind::Signature, None)));
    }
}
