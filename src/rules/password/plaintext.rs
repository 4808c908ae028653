//! `password/plaintext`: a password stored without hashing, or compared as
//! text with a stored password.

use syn::Expr;
use tree_sitter::Node;

use super::{PASSWORD_TRIGGERS, describe};
use crate::finding::{Diagnostic, Severity};
use crate::lang::js::{
    FieldAccess, JsFile, Sensitive, Value, call_arguments, equality_sides, unwrap_expression,
};
use crate::lang::rust::sensitive::{self as rust_sensitive, Sensitive as RustSensitive};
use crate::lang::rust::{FnBody, RustFile};
use crate::lang::sensitive::{
    Kind, RequestPart, classify_name, is_confirmation, mentions_authentication,
};
use crate::rules::{Checks, GateInput, Rule};
use crate::source::LanguageFamily;

pub static RULE: Rule = Rule {
    id: "password/plaintext",
    severity: Severity::Critical,
    languages: &[LanguageFamily::Js, LanguageFamily::Rs],
    summary: "Password stored without hashing or compared as plain text",
    docs: DOCS,
    cwe: &[256, 522],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.3.2"],
    triggers: PASSWORD_TRIGGERS,
    checks: Checks {
        js: Some(check_js),
        rust: Some(check_rust),
        gate: Some(may_report),
        ..Checks::NONE
    },
};

/// The prefilter gate: both the comparisons and the writes need a value
/// named a password.
fn may_report(input: &GateInput<'_>) -> bool {
    input.names(|kind| kind == Kind::Password)
}

const DOCS: &str = r#"
## What it does
Flags two signs that passwords are kept in clear:

- a comparison (`===`, `==`, `!==`, `!=`) between a password someone
  supplied and a stored one: `user.password === req.body.password`,
  `if password != user.password` in Rust. One side must be a field of a
  stored object, the other a request value or a local; confirmation checks
  (`password !== passwordConfirm`) and two fields of one object are not
  reported;
- a password read from the request (`req.body.password`, `const { password
  } = req.body`, a NestJS `@Body()` field, an axum or actix `Json`/`Form`
  field) written unchanged into a database: a `password` property of a
  MongoDB or query-builder `insert*`/`update*`/`replaceOne` call, of a
  Prisma `data` object, a parameter of an SQL `INSERT` or `UPDATE` that
  names a password column (`db.query`, sqlx `query!` and `.bind`), or a
  field of a Rust `New*` / `ActiveModel` struct built in a function that
  inserts.

A comparison without a request value (`user.password === password` on a
parameter) is reported only in files about authentication, so URL parsers
and connection-string code that compare password components stay quiet.
When a comparison is reported here, `crypto/timing-unsafe-compare` does not
report it again.

## Why is this bad
Whoever reads the database (an attacker with an injection, a backup, a
curious employee) gets every user's password, which most of them reuse
elsewhere. Comparing in clear also means the stored value is the password
itself.

## Example
```js
const user = await db.collection('users').findOne({ email });
if (user.password !== req.body.password) return res.sendStatus(401);
```
```rust
sqlx::query!("INSERT INTO users (email, password) VALUES ($1, $2)", form.email, form.password)
```

## Use instead
```js
if (!(await bcrypt.compare(req.body.password, user.passwordHash))) return res.sendStatus(401);
await db.collection('users').insertOne({ email, passwordHash: await argon2.hash(password) });
```

## Known problems
ORM calls that may run a hashing hook first (Mongoose `Model.create`, `new
Model(..)` and `save()`, Sequelize `create`, TypeORM `save`) are not
reported: the hook usually lives in another file. Passwords that reach the
database through a helper function, or comparisons where neither side is a
field of an object (`password === storedPassword`), are not reported.

## References
- OWASP Password Storage Cheat Sheet
- CWE-256: Plaintext Storage of a Password
- CWE-522: Insufficiently Protected Credentials
- PCI DSS v4.0.1 requirement 8.3.2
"#;

const COMPARE_FIX: &str = "store only a slow hash (`await bcrypt.hash(password, 12)` or `argon2.hash(password)`) and check with the library's `compare`/`verify`";
const STORE_FIX: &str = "hash the password first (`await argon2.hash(password)` or `bcrypt.hash(password, 12)`) and store only the hash";

fn check_js(file: &JsFile<'_>, out: &mut Vec<Diagnostic>) {
    let about_authentication = mentions_authentication(&file.source.text);
    for binary in file.binary_expressions() {
        let Some((left, right)) = equality_sides(binary) else {
            continue;
        };
        let Some((stored, supplied)) = plaintext_pair(file, left, right) else {
            continue;
        };
        // Without a request value, only code about logging in counts: URL
        // parsers and connection strings have passwords too.
        if supplied.source.is_none() && !about_authentication {
            continue;
        }
        out.push(Diagnostic::new(
            &RULE,
            binary.byte_range(),
            format!(
                "`{}` is compared with {} as plain text: the stored password is not hashed",
                file.text(stored.node),
                describe_js(file, &supplied)
            ),
            COMPARE_FIX,
        ));
    }
    for &call in &file.model.calls {
        check_js_store(file, call, out);
    }
}

fn describe_js(file: &JsFile<'_>, value: &Sensitive<'_>) -> String {
    // `req.body.password` says where it is from by itself.
    let written = matches!(
        value.node.kind(),
        "member_expression" | "subscript_expression" | "call_expression"
    );
    match value.source {
        Some(part) if part != RequestPart::Whole && !written => {
            format!("`{}` from {}", file.text(value.node), part.describe())
        }
        _ => format!("`{}`", file.text(value.node)),
    }
}

/// The stored and the supplied side of a password comparison, if it is one.
fn plaintext_pair<'t>(
    file: &JsFile<'t>,
    left: Node<'t>,
    right: Node<'t>,
) -> Option<(Sensitive<'t>, Sensitive<'t>)> {
    let a = password(file.model.sensitive(left)?)?;
    let b = password(file.model.sensitive(right)?)?;
    let is_stored = |s: &Sensitive<'t>| {
        matches!(s.node.kind(), "member_expression" | "subscript_expression") && s.source.is_none()
    };
    let from_request = |s: &Sensitive<'t>| s.source.is_some_and(|p| p != RequestPart::Whole);
    if from_request(&a) && from_request(&b) {
        return None;
    }
    let (stored, supplied) = if is_stored(&a) {
        (a, b)
    } else if is_stored(&b) {
        (b, a)
    } else {
        return None;
    };
    // Two fields of stored objects (`this.password === other.password` in
    // an `equals` method) compare configurations, not a login attempt.
    if is_stored(&supplied) {
        return None;
    }
    let same_root = js_root(file, stored.node).is_some()
        && js_root(file, stored.node) == js_root(file, supplied.node);
    (!same_root).then_some((stored, supplied))
}

/// A password in clear, not a hash and not a confirmation copy.
fn password(value: Sensitive<'_>) -> Option<Sensitive<'_>> {
    (value.kind == Kind::Password && !is_confirmation(&value.name)).then_some(value)
}

/// The name an object chain starts from: `user` for `user.profile.password`.
fn js_root<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<&'t str> {
    let mut node = unwrap_expression(node);
    loop {
        match node.kind() {
            "member_expression" | "subscript_expression" => {
                node = unwrap_expression(node.field("object")?);
            }
            "identifier" | "this" => return Some(file.text(node)),
            _ => return None,
        }
    }
}

/// Database calls that write what they are given, with no model hooks in
/// between.
const WRITE_METHODS: &[&str] = &[
    "insert",
    "insertOne",
    "insertMany",
    "replaceOne",
    "updateOne",
    "updateMany",
    "update",
    "findOneAndUpdate",
    "findByIdAndUpdate",
    "findOneAndReplace",
    "upsert",
    "create",
    "createMany",
];

/// SQL-running methods whose first argument is the statement.
const SQL_METHODS: &[&str] = &[
    "query",
    "execute",
    "run",
    "none",
    "one",
    "oneOrNone",
    "many",
    "any",
    "all",
    "raw",
    "exec",
];

fn check_js_store<'t>(file: &JsFile<'t>, call: Node<'t>, out: &mut Vec<Diagnostic>) {
    let Some(function) = call.field("function") else {
        return;
    };
    if function.kind() != "member_expression" {
        return;
    }
    let Some(method) = function.field("property").map(|p| file.text(p)) else {
        return;
    };
    let arguments = call_arguments(call);
    if SQL_METHODS.contains(&method) {
        check_js_sql(file, &arguments, out);
        return;
    }
    if !WRITE_METHODS.contains(&method) {
        return;
    }
    // ORM `create`/`update` may hash in a hook; Prisma's `data` shape and
    // drivers' `insert*` have none.
    let hooked = matches!(method, "create" | "update" | "upsert" | "createMany");
    for argument in arguments {
        let objects: Vec<Node<'t>> = match file.model.value(argument) {
            Value::Object(object) => vec![object],
            Value::Array(array) => file
                .model
                .array_elements(array)
                .into_iter()
                .filter_map(|(_, v)| match v {
                    Value::Object(o) => Some(o),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        for object in objects {
            let targets: Vec<Node<'t>> = if hooked {
                nested_objects(file, object, &["data", "create", "update"])
            } else {
                let mut targets = vec![object];
                targets.extend(nested_objects(file, object, &["$set", "$setOnInsert"]));
                targets
            };
            for target in targets {
                for (property, value) in request_passwords(file, target) {
                    out.push(Diagnostic::new(
                        &RULE,
                        property.byte_range(),
                        format!(
                            "{} is written to the database by `.{method}(..)` without hashing",
                            describe_js(file, &value)
                        ),
                        STORE_FIX,
                    ));
                }
            }
        }
    }
}

fn nested_objects<'t>(file: &JsFile<'t>, object: Node<'t>, keys: &[&str]) -> Vec<Node<'t>> {
    keys.iter()
        .filter_map(|key| match file.model.property(object, key) {
            crate::lang::js::Property::Set(value) => file.model.object(value),
            _ => None,
        })
        .collect()
}

/// The password properties of an object literal whose value comes from the
/// request: `password: req.body.password`, `{ password }` after `const {
/// password } = req.body`.
fn request_passwords<'t>(file: &JsFile<'t>, object: Node<'t>) -> Vec<(Node<'t>, Sensitive<'t>)> {
    let mut found = Vec::new();
    let mut cursor = object.walk();
    for entry in object.named_children(&mut cursor) {
        let (key, value) = match entry.kind() {
            "pair" => {
                let (Some(key), Some(value)) = (entry.field("key"), entry.field("value")) else {
                    continue;
                };
                (crate::lang::js::string_literal(file.text(key)), value)
            }
            "shorthand_property_identifier" => (file.text(entry).to_string(), entry),
            _ => continue,
        };
        if classify_name(&key) != Some(Kind::Password) || is_confirmation(&key) {
            continue;
        }
        let Some(value) = file.model.sensitive(value).and_then(password) else {
            continue;
        };
        if value.source.is_some_and(|p| p != RequestPart::Whole) {
            found.push((entry, value));
        }
    }
    found
}

/// `db.query('INSERT INTO users (email, password) VALUES ($1, $2)', [email,
/// password])` with a request password among the values.
fn check_js_sql<'t>(file: &JsFile<'t>, arguments: &[Node<'t>], out: &mut Vec<Diagnostic>) {
    let Some((&statement, rest)) = arguments.split_first() else {
        return;
    };
    let statement = unwrap_expression(statement);
    let (sql, inline): (String, Vec<Node<'t>>) = if statement.kind() == "template_string" {
        let mut cursor = statement.walk();
        let children: Vec<Node<'t>> = statement.named_children(&mut cursor).collect();
        let text = children
            .iter()
            .filter(|c| c.kind() == "string_fragment")
            .map(|c| file.text(*c))
            .collect();
        let substitutions = children
            .iter()
            .filter(|c| c.kind() == "template_substitution")
            .filter_map(|c| c.named_child(0))
            .collect();
        (text, substitutions)
    } else {
        match file.model.value(statement).as_str() {
            Some(text) => (text.to_string(), Vec::new()),
            None => return,
        }
    };
    if !writes_password_column(&sql) {
        return;
    }
    let mut values = inline;
    for argument in rest {
        match file.model.value(*argument) {
            Value::Array(array) => {
                values.extend(file.model.array_elements(array).into_iter().map(|(n, _)| n));
            }
            _ => values.push(*argument),
        }
    }
    for value in values {
        let Some(password) = file.model.sensitive(value).and_then(password) else {
            continue;
        };
        if password.source.is_some_and(|p| p != RequestPart::Whole) {
            out.push(Diagnostic::new(
                &RULE,
                value.byte_range(),
                format!(
                    "{} is written to the database by an SQL statement without hashing",
                    describe_js(file, &password)
                ),
                STORE_FIX,
            ));
        }
    }
}

/// An `INSERT` or `UPDATE` statement that names a password column.
fn writes_password_column(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    let writes =
        lower.contains("insert into") || (lower.contains("update ") && lower.contains(" set "));
    let names_password = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| classify_name(word) == Some(Kind::Password));
    writes && names_password
}

fn check_rust(file: &RustFile<'_>, out: &mut Vec<Diagnostic>) {
    let about_authentication = mentions_authentication(&file.source.text);
    for body in &file.model.functions {
        for binary in &body.comparisons {
            let Some((stored, supplied)) = rust_pair(file, body, &binary.left, &binary.right)
            else {
                continue;
            };
            if supplied.source.is_none() && !about_authentication {
                continue;
            }
            out.push(Diagnostic::new(
                &RULE,
                file.range(*binary),
                format!(
                    "`{}` is compared with {} as plain text: the stored password is not hashed",
                    snippet(file, &stored.0),
                    describe(&supplied.name, supplied.source)
                ),
                "store only a slow hash (`Argon2::default().hash_password(..)`) and check with `verify_password`",
            ));
        }
        check_rust_sql(file, body, out);
        check_rust_structs(file, body, out);
    }
}

fn snippet(file: &RustFile<'_>, range: &std::ops::Range<usize>) -> String {
    file.source
        .text
        .get(range.clone())
        .unwrap_or("")
        .to_string()
}

/// The stored side (with its range) and the supplied side of a Rust
/// password comparison.
fn rust_pair(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    left: &Expr,
    right: &Expr,
) -> Option<((std::ops::Range<usize>, RustSensitive), RustSensitive)> {
    let password = |e: &Expr| {
        rust_sensitive::sensitive(file, body, e)
            .filter(|s| s.kind == Kind::Password && !is_confirmation(&s.name))
    };
    let a = password(left)?;
    let b = password(right)?;
    let from_request = |s: &RustSensitive| s.source.is_some_and(|p| p != RequestPart::Whole);
    if from_request(&a) && from_request(&b) {
        return None;
    }
    let is_stored = |e: &Expr, s: &RustSensitive| field_base(e).is_some() && s.source.is_none();
    let (stored_expr, stored, supplied_expr, supplied) = if is_stored(left, &a) {
        (left, a, right, b)
    } else if is_stored(right, &b) {
        (right, b, left, a)
    } else {
        return None;
    };
    if field_base(supplied_expr).is_some() && supplied.source.is_none() {
        return None;
    }
    let same_root = field_base(stored_expr).is_some_and(|r| Some(r) == root_name(supplied_expr));
    (!same_root).then(|| ((file.range(stored_expr), stored), supplied))
}

/// The root variable of a field access, through references and the value
/// conversions: `user` for `&user.password.as_str()`.
fn field_base(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Reference(inner) => field_base(&inner.expr),
        Expr::Paren(inner) => field_base(&inner.expr),
        Expr::MethodCall(call) => field_base(&call.receiver),
        Expr::Field(field) => root_name(&field.base),
        _ => None,
    }
}

fn root_name(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        Expr::Field(field) => root_name(&field.base),
        Expr::Reference(inner) => root_name(&inner.expr),
        Expr::Paren(inner) => root_name(&inner.expr),
        Expr::MethodCall(call) => root_name(&call.receiver),
        _ => None,
    }
}

/// sqlx: `query!("INSERT .. password ..", .., form.password)` and
/// `query("INSERT ..").bind(&form.password)`.
fn check_rust_sql(file: &RustFile<'_>, body: &FnBody<'_>, out: &mut Vec<Diagnostic>) {
    for mac in &body.macros {
        let Some(last) = mac.path.segments.last() else {
            continue;
        };
        if !last.ident.to_string().starts_with("query") {
            continue;
        }
        let Ok(arguments) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let Some(sql) = arguments.iter().find_map(string_literal) else {
            continue;
        };
        if !writes_password_column(&sql) {
            continue;
        }
        for argument in &arguments {
            report_rust_value(file, body, argument, "an SQL statement", out);
        }
    }
    for call in &body.method_calls {
        if call.method != "bind" {
            continue;
        }
        let Some(argument) = call.args.first() else {
            continue;
        };
        let mut receiver = call.receiver.as_ref();
        let statement = loop {
            match receiver {
                Expr::MethodCall(inner) => receiver = &inner.receiver,
                Expr::Call(inner) => break inner.args.first().and_then(string_literal),
                _ => break None,
            }
        };
        if statement.is_some_and(|sql| writes_password_column(&sql)) {
            report_rust_value(file, body, argument, "an SQL statement", out);
        }
    }
}

fn string_literal(expression: &Expr) -> Option<String> {
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(text) => Some(text.value()),
            _ => None,
        },
        _ => None,
    }
}

fn report_rust_value(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    value: &Expr,
    sink: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(password) = rust_sensitive::sensitive(file, body, value)
        .filter(|s| s.kind == Kind::Password && !is_confirmation(&s.name))
    else {
        return;
    };
    if !password.source.is_some_and(|p| p != RequestPart::Whole) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        file.range(value),
        format!(
            "{} is written to the database by {sink} without hashing",
            describe(&password.name, password.source)
        ),
        "hash the password first (`Argon2::default().hash_password(..)`) and store only the hash",
    ));
}

/// Methods that write a row, in the same function as a struct literal that
/// carries the password.
const RUST_WRITES: &[&str] = &[
    "insert",
    "insert_one",
    "insert_into",
    "values",
    "save",
    "execute",
    "create",
    "insert_many",
];

/// `NewUser { password: form.password.clone(), .. }` or a sea-orm
/// `ActiveModel { password: Set(form.password), .. }` in a function that
/// inserts.
fn check_rust_structs(file: &RustFile<'_>, body: &FnBody<'_>, out: &mut Vec<Diagnostic>) {
    let writes = body
        .method_calls
        .iter()
        .any(|c| RUST_WRITES.contains(&c.method.to_string().as_str()));
    for literal in &body.struct_literals {
        let Some(name) = literal.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let row_like = name.starts_with("New") || name.contains("ActiveModel");
        if !(row_like && writes) {
            continue;
        }
        for field in &literal.fields {
            let syn::Member::Named(member) = &field.member else {
                continue;
            };
            if classify_name(&member.to_string()) != Some(Kind::Password) {
                continue;
            }
            let value = match &field.expr {
                // sea-orm's `Set(value)`
                Expr::Call(call)
                    if call.args.len() == 1
                        && matches!(call.func.as_ref(), Expr::Path(p)
                            if p.path.segments.last().is_some_and(|s| s.ident == "Set")) =>
                {
                    &call.args[0]
                }
                other => other,
            };
            report_rust_value(file, body, value, &format!("`{name}`"), out);
        }
    }
}
