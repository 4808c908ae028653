//! `password/weak-policy`: password validation that accepts passwords
//! shorter than 12 characters.

use std::ops::Range;

use syn::Expr;
use syn::visit::Visit;
use tree_sitter::Node;

use super::PASSWORD_TRIGGERS;
use super::js_api::{canonical, number, property_node};
use super::rust_api::int_value;
use super::thresholds::PASSWORD_MIN_LENGTH;
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{FieldAccess, JsFile, Property, Value, call_arguments, unwrap_expression};
use crate::lang::rust::{FnBody, RustFile, sensitive as rust_sensitive};
use crate::lang::sensitive::{Kind, contains_ignoring_case, words};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "password/weak-policy",
    severity: Severity::Medium,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password validation that accepts fewer than 12 characters",
    docs: DOCS,
    cwe: &[521],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.6"],
    triggers: PASSWORD_TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: every rule the check knows is declared on something
/// named a password, or says "password" (`IsStrongPassword`, a message).
fn may_report(input: &GateInput<'_>) -> bool {
    let text = input.text;
    contains_ignoring_case(text, "password") || input.names(|kind| kind == Kind::Password)
}

const DOCS: &str = r"
## What it does
Flags a minimum password length below 12 characters, written as a literal
or a same-file constant, wherever a password rule is declared:

- `zod`, `joi` and `yup` string schemas with `.min(n)` under a password key
  or variable (or with a message that says password);
- `class-validator` `@MinLength(n)`, `@Length(n, ..)` and
  `@IsStrongPassword()` (its default `minLength` is 8) on a password field;
- `express-validator` `body('password').isLength({ min: n })` and
  `validator.isLength(password, { min: n })` / `isStrongPassword`;
- schema objects such as Mongoose's `password: { type: String, minlength:
  8 }`, JSON Schema `minLength` and Sequelize `validate: { len: [8, 128] }`;
- length checks on a password: `password.length < 8`, Rust
  `password.len() < 8` or `.chars().count() < 8`;
- constants such as `PASSWORD_MIN_LENGTH = 8`, and Rust
  `#[validate(length(min = 8))]` (validator, garde) on a password field.

Checks of one character or less are presence checks and are not reported;
neither are PINs and one-time codes.

## Why is this bad
Length is what makes a password hard to guess. PCI DSS 8.3.6 requires at
least 12 characters (NIST SP 800-63B asks for 15 when the password is the
only factor); eight-character passwords fall to offline cracking and to
credential stuffing lists.

## Example
```js
const schema = z.object({ email: z.string().email(), password: z.string().min(8) });
```
```rust
if form.password.len() < 8 { return Err(Error::WeakPassword); }
```

## Use instead
```js
const schema = z.object({ email: z.string().email(), password: z.string().min(12).max(128) });
```
Check new passwords against a list of breached passwords as well.

## Known problems
Policies read from configuration, or enforced only in the browser through
HTML `minlength` attributes, are not seen. A rule that demands 12 or more
characters elsewhere in the same code path does not silence a shorter
check.

## References
- PCI DSS v4.0.1 requirement 8.3.6 (at least 12 characters)
- NIST SP 800-63B, section 3.1.1.2
- CWE-521: Weak Password Requirements
";

/// Whether a name or message is about a password (not a PIN, a one-time
/// code or a hash).
fn is_password_subject(text: &str) -> bool {
    let words = words(text);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "password" | "passwords" | "passwd" | "pwd" | "pass" | "passphrase" | "pw"
        )
    }) && !words.iter().any(|w| {
        matches!(
            w.as_str(),
            "hash"
                | "hashed"
                | "digest"
                | "salt"
                | "token"
                | "otp"
                | "code"
                | "pin"
                | "max"
                | "maximum"
        )
    })
}

/// Whether a name declares a password's minimum length:
/// `PASSWORD_MIN_LENGTH`, `minPasswordLength`.
fn is_min_length_name(name: &str) -> bool {
    let words = words(name);
    is_password_subject(name)
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "min" | "minimum" | "minlength"))
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "length" | "len" | "chars" | "characters" | "minlength"
            )
        })
}

fn message(found: u64, what: &str, origin: Option<String>) -> String {
    let from = origin.map(|o| format!(" from {o}")).unwrap_or_default();
    format!(
        "{what} accepts passwords of {found} characters{from}; PCI DSS 8.3.6 requires at least {PASSWORD_MIN_LENGTH}"
    )
}

const FIX: &str = "require at least 12 characters (allow at least 64) and check new passwords against a breached-password list";

struct Report<'t> {
    node: Node<'t>,
    found: u64,
    what: String,
    origin: Option<String>,
}

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let mut reports = Vec::new();
    for &call in &file.model.calls {
        schema_min(file, call, &mut reports);
        class_validator(file, call, &mut reports);
        express_validator(file, call, &mut reports);
        validator_js(file, call, &mut reports);
    }
    for node in file.nodes_of_kinds(&[
        "pair",
        "variable_declarator",
        "public_field_definition",
        "binary_expression",
    ]) {
        match node.kind() {
            "binary_expression" => length_check(file, node, &mut reports),
            _ => declared_minimum(file, node, &mut reports),
        }
    }
    for report in reports {
        if report.found < 2 || report.found >= PASSWORD_MIN_LENGTH {
            continue;
        }
        // A use of a constant that is itself reported is not reported again.
        if report.node.kind() == "identifier"
            && file
                .model
                .constant_origin(report.node)
                .is_some_and(|(name, _)| is_min_length_name(name))
        {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            report.node.byte_range(),
            message(report.found, &report.what, report.origin),
            FIX,
        ));
    }
}

fn number_at<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<(u64, Option<String>)> {
    number(file, node)
}

/// `z.string().min(8)`, `Joi.string().min(8)`, `yup.string().min(8)`.
fn schema_min<'t>(file: &JsFile<'t>, call: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let Some(function) = call.field("function") else {
        return;
    };
    if function.kind() != "member_expression"
        || !function
            .field("property")
            .is_some_and(|p| matches!(file.text(p), "min" | "minLength"))
    {
        return;
    }
    let arguments = call_arguments(call);
    let Some(&limit) = arguments.first() else {
        return;
    };
    let Some(object) = function.field("object") else {
        return;
    };
    let Some(library) = schema_library(file, object) else {
        return;
    };
    let said_in_message = arguments
        .get(1)
        .and_then(|m| match file.model.value(*m) {
            Value::Str { text, .. } => Some(text),
            Value::Object(o) => property_node(file, o, "message")
                .and_then(|n| file.model.value(n).as_str().map(str::to_string)),
            _ => None,
        })
        .is_some_and(|text| is_password_subject(&text));
    if !(said_in_message || chain_subject(file, call).is_some_and(|n| is_password_subject(&n))) {
        return;
    }
    let Some((found, origin)) = number_at(file, limit) else {
        return;
    };
    reports.push(Report {
        node: limit,
        found,
        what: format!("the {library} schema `{}`", file.text(call)),
        origin,
    });
}

/// The schema library a method chain starts from, when it is a string
/// schema: `zod`, `joi`, `yup`.
fn schema_library<'t>(file: &JsFile<'t>, mut node: Node<'t>) -> Option<&'static str> {
    for _ in 0..16 {
        node = unwrap_expression(node);
        if node.kind() != "call_expression" {
            return None;
        }
        let function = node.field("function")?;
        if let Some(path) = file.model.module_path(function) {
            let (module, members) = canonical(&path);
            let library = match module {
                "zod" => "zod",
                "joi" | "@hapi/joi" => "joi",
                "yup" => "yup",
                _ => return None,
            };
            return (members.last() == Some(&"string")).then_some(library);
        }
        node = function.field("object")?;
    }
    None
}

/// The name a chained expression is given: the key of the pair, the
/// variable or the assigned property it is the value of, after any further
/// chained calls (`.max(64).regex(..)`).
fn chain_subject<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<String> {
    let mut node = node;
    for _ in 0..32 {
        let parent = node.parent()?;
        match parent.kind() {
            "member_expression"
            | "call_expression"
            | "await_expression"
            | "parenthesized_expression" => {
                node = parent;
            }
            "arguments" => {
                // `z.string().min(8).refine(..)` keeps going; an argument of
                // another call (`z.object({..})`) does not.
                return None;
            }
            "pair" => {
                return parent
                    .field("key")
                    .map(|k| crate::lang::js::string_literal(file.text(k)));
            }
            "variable_declarator" => {
                return parent.field("name").map(|n| file.text(n).to_string());
            }
            "assignment_expression" => {
                return parent.field("left").map(|n| file.text(n).to_string());
            }
            "public_field_definition" => {
                return parent.field("name").map(|n| file.text(n).to_string());
            }
            _ => return None,
        }
    }
    None
}

/// `@MinLength(8) password: string` and friends.
fn class_validator<'t>(file: &JsFile<'t>, call: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let Some(path) = file.model.callee_path(call) else {
        return;
    };
    let (module, members) = canonical(&path);
    if module != "class-validator" {
        return;
    }
    let decorator = match members.as_slice() {
        [name @ ("MinLength" | "Length" | "IsStrongPassword")] => *name,
        _ => return,
    };
    let Some(field) = call
        .parent()
        .filter(|p| p.kind() == "decorator")
        .and_then(|d| d.parent())
    else {
        return;
    };
    let Some(name) = field
        .field("name")
        .or_else(|| field.field("pattern"))
        .map(|n| file.text(n))
    else {
        return;
    };
    if !is_password_subject(name) {
        return;
    }
    let arguments = call_arguments(call);
    if decorator == "IsStrongPassword" {
        let options = arguments.first().and_then(|o| file.model.object(*o));
        match options.map(|o| file.model.property(o, "minLength")) {
            None if !arguments.is_empty() => {}
            None | Some(Property::Missing) => reports.push(Report {
                node: call,
                found: 8,
                what: format!("`@IsStrongPassword` on `{name}` (its default `minLength`)"),
                origin: None,
            }),
            Some(Property::Set(value)) => {
                if let Some((found, origin)) = number_at(file, value) {
                    reports.push(Report {
                        node: value,
                        found,
                        what: format!("`@IsStrongPassword` on `{name}`"),
                        origin,
                    });
                }
            }
            Some(Property::Unknown) => {}
        }
        return;
    }
    let Some(&limit) = arguments.first() else {
        return;
    };
    if let Some((found, origin)) = number_at(file, limit) {
        reports.push(Report {
            node: limit,
            found,
            what: format!("`@{decorator}` on `{name}`"),
            origin,
        });
    }
}

/// `body('password').isLength({ min: 8 })` (express-validator).
fn express_validator<'t>(file: &JsFile<'t>, call: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let Some(function) = call.field("function") else {
        return;
    };
    let Some(method) = function.field("property").map(|p| file.text(p)) else {
        return;
    };
    let key = match method {
        "isLength" => "min",
        "isStrongPassword" => "minLength",
        _ => return,
    };
    // Walk the chain down to `body('password')`.
    let mut node = function.field("object");
    let mut subject = None;
    while let Some(current) = node.map(unwrap_expression) {
        if current.kind() != "call_expression" {
            break;
        }
        let Some(inner) = current.field("function") else {
            break;
        };
        if let Some(path) = file.model.module_path(inner) {
            let (module, _) = canonical(&path);
            if module == "express-validator" {
                subject = call_arguments(current)
                    .first()
                    .and_then(|a| file.model.value(*a).as_str().map(str::to_string));
            }
            break;
        }
        node = inner.field("object");
    }
    let Some(subject) = subject.filter(|s| is_password_subject(s)) else {
        return;
    };
    let options = call_arguments(call)
        .first()
        .and_then(|o| file.model.object(*o));
    match (options.map(|o| file.model.property(o, key)), method) {
        (Some(Property::Set(value)), _) => {
            if let Some((found, origin)) = number_at(file, value) {
                reports.push(Report {
                    node: value,
                    found,
                    what: format!("the `{subject}` validator"),
                    origin,
                });
            }
        }
        (None | Some(Property::Missing), "isStrongPassword") => reports.push(Report {
            node: call,
            found: 8,
            what: format!(
                "the `{subject}` validator (the default `minLength` of `isStrongPassword`)"
            ),
            origin: None,
        }),
        _ => {}
    }
}

/// `validator.isLength(password, { min: 8 })`, `isStrongPassword(password)`.
fn validator_js<'t>(file: &JsFile<'t>, call: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let Some(path) = file.model.callee_path(call) else {
        return;
    };
    let (module, members) = canonical(&path);
    if module != "validator" && !module.starts_with("validator/") {
        return;
    }
    let name = members
        .last()
        .copied()
        .unwrap_or_else(|| module.rsplit('/').next().unwrap_or(""));
    let key = match name {
        "isLength" => "min",
        "isStrongPassword" => "minLength",
        _ => return,
    };
    let arguments = call_arguments(call);
    let Some(&subject) = arguments.first() else {
        return;
    };
    if file
        .model
        .sensitive(subject)
        .is_none_or(|s| s.kind != Kind::Password)
    {
        return;
    }
    let options = arguments.get(1).and_then(|o| file.model.object(*o));
    match options.map(|o| file.model.property(o, key)) {
        Some(Property::Set(value)) => {
            if let Some((found, origin)) = number_at(file, value) {
                reports.push(Report {
                    node: value,
                    found,
                    what: format!("`validator.{name}`"),
                    origin,
                });
            }
        }
        None | Some(Property::Missing) if name == "isStrongPassword" && arguments.len() < 2 => {
            reports.push(Report {
                node: call,
                found: 8,
                what: "`validator.isStrongPassword` (its default `minLength`)".to_string(),
                origin: None,
            });
        }
        _ => {}
    }
}

/// Schema objects (`password: { minlength: 8 }`, `password: { validate: {
/// len: [8, 128] } }`) and constants (`PASSWORD_MIN_LENGTH = 8`).
fn declared_minimum<'t>(file: &JsFile<'t>, node: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let (name, value) = match node.kind() {
        "pair" => (
            node.field("key")
                .map(|k| crate::lang::js::string_literal(file.text(k))),
            node.field("value"),
        ),
        _ => (
            node.field("name").map(|n| file.text(n).to_string()),
            node.field("value"),
        ),
    };
    let (Some(name), Some(value)) = (name, value) else {
        return;
    };
    if is_min_length_name(&name) {
        if let Some((found, _)) = number_at(file, value)
            && unwrap_expression(value).kind() == "number"
        {
            reports.push(Report {
                node: value,
                found,
                what: format!("`{name}`"),
                origin: None,
            });
        }
        return;
    }
    if node.kind() != "pair" || !is_password_subject(&name) {
        return;
    }
    let Some(object) = file.model.object(value) else {
        return;
    };
    for key in [
        "minlength",
        "minLength",
        "min_length",
        "minimumLength",
        "min",
    ] {
        if let Some(limit) = property_node(file, object, key)
            && let Some((found, origin)) = number_at(file, limit)
        {
            reports.push(Report {
                node: limit,
                found,
                what: format!("the `{name}` schema"),
                origin,
            });
            return;
        }
    }
    // Sequelize: `validate: { len: [8, 128] }`
    if let Some(validate) =
        property_node(file, object, "validate").and_then(|v| file.model.object(v))
        && let Some(len) = property_node(file, validate, "len")
        && let Value::Array(array) = file.model.value(len)
        && let Some((first, _)) = file.model.array_elements(array).first()
        && let Some((found, origin)) = number_at(file, *first)
    {
        reports.push(Report {
            node: *first,
            found,
            what: format!("the `{name}` model validation"),
            origin,
        });
    }
}

/// `password.length < 8` and the other orderings, either way round.
fn length_check<'t>(file: &JsFile<'t>, node: Node<'t>, reports: &mut Vec<Report<'t>>) {
    let (Some(left), Some(operator), Some(right)) = (
        node.field("left"),
        node.field("operator"),
        node.field("right"),
    ) else {
        return;
    };
    let operator = operator.kind();
    if !matches!(operator, "<" | "<=" | ">" | ">=") {
        return;
    }
    let length_of = |side: Node<'t>| {
        let side = unwrap_expression(side);
        (side.kind() == "member_expression"
            && side
                .field("property")
                .is_some_and(|p| file.text(p) == "length"))
        .then(|| side.field("object"))
        .flatten()
    };
    let (subject, limit, length_on_left) = match (length_of(left), length_of(right)) {
        (Some(subject), None) => (subject, right, true),
        (None, Some(subject)) => (subject, left, false),
        _ => return,
    };
    let Some(value) = file.model.sensitive(subject) else {
        return;
    };
    if value.kind != Kind::Password || !is_password_subject(&value.name) {
        return;
    }
    let Some((n, origin)) = number_at(file, limit) else {
        return;
    };
    // A constant named for the minimum is reported where it is declared.
    if file
        .model
        .constant_origin(limit)
        .is_some_and(|(name, _)| is_min_length_name(name))
    {
        return;
    }
    let Some(found) = implied_minimum(operator, length_on_left, n) else {
        return;
    };
    reports.push(Report {
        node,
        found,
        what: format!("the check `{}`", file.text(node)),
        origin,
    });
}

/// The shortest length a check lets through: `len < 8` rejects below 8.
fn implied_minimum(operator: &str, length_on_left: bool, n: u64) -> Option<u64> {
    let operator = if length_on_left {
        operator
    } else {
        match operator {
            "<" => ">",
            "<=" => ">=",
            ">" => "<",
            _ => "<=",
        }
    };
    match operator {
        "<" | ">=" => Some(n),
        "<=" | ">" => n.checked_add(1),
        _ => None,
    }
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let mut reports: Vec<(Range<usize>, u64, String, Option<String>)> = Vec::new();
    for body in &file.model.functions {
        for binary in &body.orderings {
            rust_length_check(file, body, binary, &mut reports);
        }
    }
    let mut items = RustItems {
        file,
        reports: &mut reports,
    };
    items.visit_file(file.syntax);
    for (range, found, what, origin) in reports {
        if (2..PASSWORD_MIN_LENGTH).contains(&found) {
            out.push(Diagnostic::new(
                &RULE,
                range,
                message(found, &what, origin),
                FIX,
            ));
        }
    }
}

fn rust_length_check(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    binary: &syn::ExprBinary,
    reports: &mut Vec<(Range<usize>, u64, String, Option<String>)>,
) {
    let operator = match binary.op {
        syn::BinOp::Lt(_) => "<",
        syn::BinOp::Le(_) => "<=",
        syn::BinOp::Gt(_) => ">",
        syn::BinOp::Ge(_) => ">=",
        _ => return,
    };
    let (subject, limit, on_left) = match (length_of(&binary.left), length_of(&binary.right)) {
        (Some(subject), None) => (subject, binary.right.as_ref(), true),
        (None, Some(subject)) => (subject, binary.left.as_ref(), false),
        _ => return,
    };
    let Some(value) = rust_sensitive::sensitive(file, body, subject) else {
        return;
    };
    if value.kind != Kind::Password || !is_password_subject(&value.name) {
        return;
    }
    let Some((n, origin)) = int_value(file, body, limit) else {
        return;
    };
    // A constant named for the minimum is reported where it is declared.
    if origin
        .as_deref()
        .is_some_and(|o| is_min_length_name(o.trim_matches('`')))
    {
        return;
    }
    if let Some(found) = implied_minimum(operator, on_left, n) {
        let text = file
            .source
            .text
            .get(file.range(binary))
            .unwrap_or("")
            .to_string();
        reports.push((
            file.range(binary),
            found,
            format!("the check `{text}`"),
            origin,
        ));
    }
}

/// `x.len()` or `x.chars().count()` → `x`.
fn length_of(expression: &Expr) -> Option<&Expr> {
    let Expr::MethodCall(call) = expression else {
        return None;
    };
    match call.method.to_string().as_str() {
        "len" => Some(&call.receiver),
        "count" => match call.receiver.as_ref() {
            Expr::MethodCall(inner) if inner.method == "chars" || inner.method == "graphemes" => {
                Some(&inner.receiver)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Constants and `#[validate(length(min = n))]` fields of the whole file.
struct RustItems<'r, 'a> {
    file: &'r RustFile<'a>,
    reports: &'r mut Vec<(Range<usize>, u64, String, Option<String>)>,
}

impl<'ast> Visit<'ast> for RustItems<'_, '_> {
    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.constant(&item.ident, &item.expr);
        syn::visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.constant(&item.ident, &item.expr);
        syn::visit::visit_item_static(self, item);
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        self.constant(&item.ident, &item.expr);
        syn::visit::visit_impl_item_const(self, item);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        if let Some(name) = &field.ident
            && is_password_subject(&name.to_string())
        {
            for attr in &field.attrs {
                let Some(tool) = attr.path().get_ident().map(ToString::to_string) else {
                    continue;
                };
                if tool != "validate" && tool != "garde" {
                    continue;
                }
                if let Some((found, range)) = length_min(attr) {
                    self.reports.push((
                        range,
                        found,
                        format!("`#[{tool}(length(..))]` on `{name}`"),
                        None,
                    ));
                }
            }
        }
        syn::visit::visit_field(self, field);
    }
}

impl RustItems<'_, '_> {
    fn constant(&mut self, ident: &syn::Ident, expr: &Expr) {
        let name = ident.to_string();
        if !is_min_length_name(&name) {
            return;
        }
        if let Expr::Lit(lit) = expr
            && let syn::Lit::Int(int) = &lit.lit
            && let Ok(found) = int.base10_parse::<u64>()
        {
            self.reports
                .push((self.file.range(lit), found, format!("`{name}`"), None));
        }
    }
}

/// `length(min = 8)` inside a `#[validate(..)]` or `#[garde(..)]`.
fn length_min(attr: &syn::Attribute) -> Option<(u64, Range<usize>)> {
    let mut found = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("length") && meta.input.peek(syn::token::Paren) {
            meta.parse_nested_meta(|inner| {
                if inner.input.peek(syn::Token![=]) {
                    let value: Expr = inner.value()?.parse()?;
                    if inner.path.is_ident("min")
                        && let Expr::Lit(lit) = &value
                        && let syn::Lit::Int(int) = &lit.lit
                    {
                        found = int
                            .base10_parse()
                            .ok()
                            .map(|n| (n, lit.lit.span().byte_range()));
                    }
                }
                Ok(())
            })?;
        } else if meta.input.peek(syn::Token![=]) {
            let _: Expr = meta.value()?.parse()?;
        } else if meta.input.peek(syn::token::Paren) {
            meta.parse_nested_meta(|inner| {
                if inner.input.peek(syn::Token![=]) {
                    let _: Expr = inner.value()?.parse()?;
                }
                Ok(())
            })?;
        }
        Ok(())
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_constants() {
        assert!(is_password_subject("newPassword"));
        assert!(is_password_subject(
            "Password must be at least 8 characters"
        ));
        assert!(!is_password_subject("pinCode"));
        assert!(!is_password_subject("passwordHash"));
        assert!(is_min_length_name("PASSWORD_MIN_LENGTH"));
        assert!(is_min_length_name("minPasswordLength"));
        assert!(!is_min_length_name("PASSWORD_MAX_LENGTH"));
    }

    #[test]
    fn checks_imply_minimums() {
        assert_eq!(implied_minimum("<", true, 8), Some(8));
        assert_eq!(implied_minimum("<=", true, 7), Some(8));
        assert_eq!(implied_minimum(">=", true, 8), Some(8));
        assert_eq!(implied_minimum(">", false, 8), Some(8));
    }
}
