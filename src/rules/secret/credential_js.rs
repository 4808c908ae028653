//! `secret/hardcoded-credential` in JavaScript and TypeScript: literals
//! that reach a credential sink (resolved through the model's imports, never
//! by a method name alone), literals given a secret-like name, and
//! connection URLs with an inline password.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use tree_sitter::Node;

use super::credential_gate::authorization_credential;
use super::hardcoded_credential::{
    Hit, NAME_FIX, Use, inner_range, name_message, near_its_name, sink_message, url_message,
};
use super::names::{self, SecretName};
use super::values::{self, SERVICE_SCHEMES};
use crate::lang::js::{
    Binding, FieldAccess, JsFile, ModulePath, Property, Value, call_arguments, unwrap_expression,
};
use crate::source::LanguageFamily;

pub fn hits(file: &JsFile<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    // Resolving every callee costs more than asking once whether the file
    // loads any sink's module at all.
    let loads_sink = SINK_MODULES.iter().any(|m| file.model.uses_module(m));
    for &call in &file.model.calls {
        if loads_sink {
            sink_call(file, call, &mut hits);
        } else {
            header_setter(file, call, &call_arguments(call), &mut hits);
        }
    }
    for &assignment in &file.model.assignments {
        koa_keys(file, assignment, &mut hits);
    }
    walk(file, &mut hits);
    hits
}

/// A string literal an expression holds.
struct Literal<'t> {
    node: Node<'t>,
    text: String,
    /// The literal is the fallback of an environment read.
    fallback: bool,
}

/// The string literals an expression holds: itself, a same-file constant,
/// the fallback of `process.env.X || '...'`, the elements of an array of
/// them, through `Buffer.from(..)` and `new TextEncoder().encode(..)`.
fn literals<'t>(file: &JsFile<'t>, expression: Node<'t>) -> Vec<Literal<'t>> {
    let expression = unwrap_key_wrappers(file, expression);
    let one = |value: Value<'t>| match value {
        Value::Str { text, node } => Some(Literal {
            node,
            text,
            fallback: false,
        }),
        Value::Fallback(inner) => match *inner {
            Value::Str { text, node } => Some(Literal {
                node,
                text,
                fallback: true,
            }),
            _ => None,
        },
        _ => None,
    };
    match file.model.value(expression) {
        Value::Array(array) => file
            .model
            .array_elements(array)
            .into_iter()
            .filter_map(|(_, value)| one(value))
            .collect(),
        value => one(value).into_iter().collect(),
    }
}

/// `Buffer.from(x)`, `new TextEncoder().encode(x)` and constants holding
/// them: the key is `x`.
fn unwrap_key_wrappers<'t>(file: &JsFile<'t>, expression: Node<'t>) -> Node<'t> {
    let mut current = unwrap_expression(expression);
    for _ in 0..8 {
        let mut target = current;
        if current.kind() == "identifier"
            && let Some(Binding::Value(value)) = file.model.binding(file.text(current), current)
        {
            target = unwrap_expression(*value);
        }
        if !is_key_wrapper(file, target) {
            return current;
        }
        match call_arguments(target).first() {
            Some(argument) => current = unwrap_expression(*argument),
            None => return current,
        }
    }
    current
}

fn is_key_wrapper(file: &JsFile<'_>, node: Node<'_>) -> bool {
    if node.kind() != "call_expression" {
        return false;
    }
    let Some(callee) = node.field("function") else {
        return false;
    };
    let text = file.text(callee);
    text.ends_with("Buffer.from") || (text.ends_with(".encode") && text.contains("TextEncoder"))
}

/// Where a sink takes its credential.
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// The argument at this index is the credential.
    Arg(usize),
    /// The argument is a connection URL; its password is the credential.
    UrlArg(usize),
    /// A property path inside the options object at this argument index.
    Prop(usize, &'static [&'static str]),
    /// A property path that holds a connection URL.
    UrlProp(usize, &'static [&'static str]),
    /// A property path inside any object argument.
    AnyProp(&'static [&'static str]),
    /// Every value of the object at this property path (a user table).
    Users(usize, &'static [&'static str]),
}

/// The sink a resolved callee is, and where it takes its credentials.
fn sink_of(path: &ModulePath) -> Option<(Use, &'static [Pick])> {
    use Pick::{AnyProp, Arg, Prop, UrlArg, UrlProp, Users};
    let module = path.module.strip_prefix("node:").unwrap_or(&path.module);
    let members = path.members_without_default();
    let sink: (Use, &'static [Pick]) = match (module, members.as_slice()) {
        ("express-session", []) => (Use::SessionSecret, &[Prop(0, &["secret"])]),
        ("cookie-session", []) => (
            Use::SessionSecret,
            &[Prop(0, &["secret"]), Prop(0, &["keys"])],
        ),
        ("cookie-parser" | "keygrip", []) => (Use::SessionSecret, &[Arg(0)]),
        ("koa", []) => (Use::SessionSecret, &[Prop(0, &["keys"])]),
        ("next-auth", [] | ["NextAuth"]) => (Use::SessionSecret, &[Prop(0, &["secret"])]),
        ("iron-session", [_]) => (Use::SessionSecret, &[AnyProp(&["password"])]),
        ("pg", ["Pool" | "Client"]) => (
            Use::DatabasePassword,
            &[
                UrlArg(0),
                Prop(0, &["password"]),
                UrlProp(0, &["connectionString"]),
            ],
        ),
        (
            "mysql" | "mysql2" | "mysql2/promise",
            ["createConnection" | "createPool" | "createPoolCluster"],
        ) => (
            Use::DatabasePassword,
            &[UrlArg(0), Prop(0, &["password"]), UrlProp(0, &["uri"])],
        ),
        ("mongoose", ["connect" | "createConnection"]) => (
            Use::DatabasePassword,
            &[
                UrlArg(0),
                Prop(1, &["pass"]),
                Prop(1, &["auth", "password"]),
            ],
        ),
        ("mongodb", ["MongoClient"] | ["MongoClient", "connect"]) => (
            Use::DatabasePassword,
            &[UrlArg(0), Prop(1, &["auth", "password"])],
        ),
        ("sequelize" | "sequelize-typescript", [] | ["Sequelize"]) => (
            Use::DatabasePassword,
            &[UrlArg(0), Arg(2), AnyProp(&["password"])],
        ),
        ("knex", [] | ["knex"]) => (
            Use::DatabasePassword,
            &[
                UrlProp(0, &["connection"]),
                Prop(0, &["connection", "password"]),
                UrlProp(0, &["connection", "connectionString"]),
            ],
        ),
        ("redis", ["createClient" | "createCluster"]) => (
            Use::DatabasePassword,
            &[UrlProp(0, &["url"]), Prop(0, &["password"])],
        ),
        ("ioredis", [] | ["Redis" | "Cluster"]) => {
            (Use::DatabasePassword, &[UrlArg(0), AnyProp(&["password"])])
        }
        ("typeorm", ["DataSource" | "createConnection"])
        | ("@nestjs/typeorm", ["TypeOrmModule", "forRoot"]) => (
            Use::DatabasePassword,
            &[Prop(0, &["password"]), UrlProp(0, &["url"])],
        ),
        ("@nestjs/mongoose", ["MongooseModule", "forRoot"]) => {
            (Use::DatabasePassword, &[UrlArg(0)])
        }
        ("mssql", ["connect" | "ConnectionPool"]) => {
            (Use::DatabasePassword, &[UrlArg(0), Prop(0, &["password"])])
        }
        ("oracledb", ["getConnection" | "createPool"]) => {
            (Use::DatabasePassword, &[Prop(0, &["password"])])
        }
        ("postgres", []) => (
            Use::DatabasePassword,
            &[UrlArg(0), AnyProp(&["password"]), AnyProp(&["pass"])],
        ),
        ("amqplib" | "amqplib/callback_api", ["connect"]) => {
            (Use::DatabasePassword, &[UrlArg(0), Prop(0, &["password"])])
        }
        ("nodemailer", ["createTransport"]) => (
            Use::MailPassword,
            &[
                UrlArg(0),
                Prop(0, &["auth", "pass"]),
                Prop(0, &["auth", "password"]),
            ],
        ),
        (
            "axios",
            []
            | [
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request"
                | "create",
            ],
        ) => (Use::HttpCredential, &[AnyProp(&["auth", "password"])]),
        ("got", [] | ["get" | "post" | "put" | "patch" | "delete" | "extend"]) => {
            (Use::HttpCredential, &[AnyProp(&["password"])])
        }
        ("request" | "request-promise" | "request-promise-native", [] | [_]) => (
            Use::HttpCredential,
            &[AnyProp(&["auth", "pass"]), AnyProp(&["auth", "password"])],
        ),
        ("express-basic-auth", []) => (Use::BasicAuthPassword, &[Users(0, &["users"])]),
        ("koa-basic-auth", []) => (Use::BasicAuthPassword, &[Prop(0, &["pass"])]),
        ("basic-auth-connect", []) => (Use::BasicAuthPassword, &[Arg(1)]),
        ("crypto", ["createHmac"]) => (Use::HmacKey, &[Arg(1)]),
        ("crypto", ["createCipheriv" | "createDecipheriv"]) => (Use::CipherKey, &[Arg(1)]),
        ("crypto-js", [member]) if member.starts_with("Hmac") => (Use::HmacKey, &[Arg(1)]),
        (
            "crypto-js",
            [
                "AES" | "TripleDES" | "DES" | "Rabbit" | "RC4",
                "encrypt" | "decrypt",
            ],
        ) => (Use::CipherKey, &[Arg(1)]),
        (hmac, []) if hmac.starts_with("crypto-js/hmac-") => (Use::HmacKey, &[Arg(1)]),
        _ => return None,
    };
    Some(sink)
}

/// Every module `sink_of` and `FASTIFY_SECRET_PLUGINS` name.
const SINK_MODULES: &[&str] = &[
    "express-session",
    "cookie-session",
    "cookie-parser",
    "keygrip",
    "koa",
    "next-auth",
    "iron-session",
    "pg",
    "mysql",
    "mysql2",
    "mongoose",
    "mongodb",
    "sequelize",
    "sequelize-typescript",
    "knex",
    "redis",
    "ioredis",
    "typeorm",
    "@nestjs/typeorm",
    "@nestjs/mongoose",
    "mssql",
    "oracledb",
    "postgres",
    "amqplib",
    "nodemailer",
    "axios",
    "got",
    "request",
    "request-promise",
    "request-promise-native",
    "express-basic-auth",
    "koa-basic-auth",
    "basic-auth-connect",
    "crypto",
    "node:crypto",
    "crypto-js",
    "@fastify/cookie",
    "fastify-cookie",
    "@fastify/session",
    "fastify-session",
    "@fastify/secure-session",
    "fastify-secure-session",
];

/// Modules whose plugin, registered with `fastify.register(plugin, opts)`,
/// takes a cookie or session secret.
const FASTIFY_SECRET_PLUGINS: &[&str] = &[
    "@fastify/cookie",
    "fastify-cookie",
    "@fastify/session",
    "fastify-session",
    "@fastify/secure-session",
    "fastify-secure-session",
];

fn sink_call<'t>(file: &JsFile<'t>, call: Node<'t>, hits: &mut Vec<Hit>) {
    let arguments = call_arguments(call);
    if let Some(path) = file.model.callee_path(call)
        && let Some((what, picks)) = sink_of(&path)
    {
        let callee = callee_name(file, call, &path);
        for pick in picks {
            pick_credentials(file, call, &arguments, *pick, what, &callee, hits);
        }
        return;
    }
    if let Some(plugin) = fastify_plugin(file, call, &arguments) {
        for key in ["secret", "key"] {
            if let Some(options) = arguments.get(1)
                && let Some(value) = property_path(file, *options, &[key])
            {
                for literal in literals(file, value) {
                    push_sink(file, call, &literal, Use::SessionSecret, &plugin, hits);
                }
            }
        }
        return;
    }
    header_setter(file, call, &arguments, hits);
}

/// `app.register(fastifyCookie, { secret })`: the plugin's module name.
fn fastify_plugin<'t>(file: &JsFile<'t>, call: Node<'t>, arguments: &[Node<'t>]) -> Option<String> {
    let callee = call.field("function")?;
    if callee.kind() != "member_expression" || file.text(callee.field("property")?) != "register" {
        return None;
    }
    let plugin = file.model.module_path(*arguments.first()?)?;
    let members = plugin.members_without_default();
    (members.is_empty() && FASTIFY_SECRET_PLUGINS.contains(&plugin.module.as_str()))
        .then(|| format!("register({})", plugin.module))
}

fn callee_name(file: &JsFile<'_>, call: Node<'_>, path: &ModulePath) -> String {
    let callee = call
        .field("function")
        .or_else(|| call.field("constructor"))
        .map_or("", |c| file.text(c));
    let callee = if callee.len() > 40 || callee.contains('\n') {
        path.members
            .last()
            .map_or(path.module.as_str(), String::as_str)
    } else {
        callee
    };
    if callee.contains(path.module.as_str()) {
        callee.to_string()
    } else {
        format!("{callee}` from `{}", path.module)
    }
}

#[allow(clippy::too_many_arguments)]
fn pick_credentials<'t>(
    file: &JsFile<'t>,
    call: Node<'t>,
    arguments: &[Node<'t>],
    pick: Pick,
    what: Use,
    callee: &str,
    hits: &mut Vec<Hit>,
) {
    let (nodes, url): (Vec<Node<'t>>, bool) = match pick {
        Pick::Arg(index) => (arguments.get(index).copied().into_iter().collect(), false),
        Pick::UrlArg(index) => (arguments.get(index).copied().into_iter().collect(), true),
        Pick::Prop(index, path) => (
            arguments
                .get(index)
                .and_then(|a| property_path(file, *a, path))
                .into_iter()
                .collect(),
            false,
        ),
        Pick::UrlProp(index, path) => (
            arguments
                .get(index)
                .and_then(|a| property_path(file, *a, path))
                .into_iter()
                .collect(),
            true,
        ),
        Pick::AnyProp(path) => (
            arguments
                .iter()
                .filter_map(|a| property_path(file, *a, path))
                .collect(),
            false,
        ),
        Pick::Users(index, path) => (
            arguments
                .get(index)
                .and_then(|a| property_path(file, *a, path))
                .and_then(|table| file.model.object(table))
                .map(object_values)
                .unwrap_or_default(),
            false,
        ),
    };
    for node in nodes {
        for literal in literals(file, node) {
            if url {
                push_url(file, &literal, Some((callee, file.line_of(call))), hits);
            } else {
                push_sink(file, call, &literal, what, callee, hits);
            }
        }
    }
}

/// The value expressions of an object literal's entries.
fn object_values(object: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .filter(|entry| entry.kind() == "pair")
        .filter_map(|pair| pair.field("value"))
        .collect()
}

/// Follows a path of keys through nested object literals.
fn property_path<'t>(file: &JsFile<'t>, expression: Node<'t>, path: &[&str]) -> Option<Node<'t>> {
    let mut node = expression;
    for key in path {
        let object = file.model.object(node)?;
        match file.model.property(object, key) {
            Property::Set(value) => node = value,
            Property::Missing | Property::Unknown => return None,
        }
    }
    Some(node)
}

fn push_sink(
    file: &JsFile<'_>,
    call: Node<'_>,
    literal: &Literal<'_>,
    what: Use,
    callee: &str,
    hits: &mut Vec<Hit>,
) {
    if literal.text.trim().is_empty() {
        return;
    }
    let range = literal.node.byte_range();
    hits.push(Hit {
        secret: inner_range(&range, file.text(literal.node)),
        range,
        message: sink_message(what, callee, file.line_of(call), literal.fallback),
        fix: what.fix(LanguageFamily::Js).to_string(),
        at_sink: true,
    });
}

/// A connection URL literal with a password: reported whatever the password
/// at a sink (`sink` is the callee and line), only a plausible one elsewhere,
/// and only for service schemes elsewhere.
fn push_url(
    file: &JsFile<'_>,
    literal: &Literal<'_>,
    sink: Option<(&str, usize)>,
    hits: &mut Vec<Hit>,
) {
    let written = file.text(literal.node);
    let start = literal.node.start_byte();
    for credentials in values::url_credentials(written) {
        let password = &written[credentials.password.clone()];
        let acceptable = match sink {
            Some(_) => !values::is_reference(password),
            None => {
                SERVICE_SCHEMES.contains(&credentials.scheme.as_str())
                    && values::plausible_url_password(password, &credentials.user)
            }
        };
        if !acceptable {
            continue;
        }
        let what = if credentials.scheme.starts_with("smtp") {
            Use::MailPassword
        } else {
            Use::DatabasePassword
        };
        hits.push(Hit {
            range: literal.node.byte_range(),
            secret: start + credentials.password.start..start + credentials.password.end,
            message: url_message(&credentials.scheme, sink),
            fix: what.fix(LanguageFamily::Js).to_string(),
            at_sink: sink.is_some(),
        });
    }
}

/// Koa's cookie signing keys: `app.keys = ['...']` where `app` is a
/// `new Koa()`.
fn koa_keys<'t>(file: &JsFile<'t>, assignment: Node<'t>, hits: &mut Vec<Hit>) {
    let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right")) else {
        return;
    };
    if left.kind() != "member_expression"
        || left
            .field("property")
            .is_none_or(|p| file.text(p) != "keys")
    {
        return;
    }
    let Some(object) = left.field("object") else {
        return;
    };
    let is_koa = object.kind() == "identifier"
        && matches!(
            file.model.binding(file.text(object), object),
            Some(Binding::Value(value))
                if value.kind() == "new_expression"
                    && file.model.callee_path(*value).is_some_and(|p| p.module == "koa")
        );
    if !is_koa {
        return;
    }
    for literal in literals(file, right) {
        push_sink(
            file,
            assignment,
            &literal,
            Use::SessionSecret,
            "app.keys` of `koa",
            hits,
        );
    }
}

/// `headers.set('Authorization', 'Bearer ...')`, `res.setHeader(..)`.
fn header_setter<'t>(
    file: &JsFile<'t>,
    call: Node<'t>,
    arguments: &[Node<'t>],
    hits: &mut Vec<Hit>,
) {
    let Some(callee) = call.field("function") else {
        return;
    };
    if callee.kind() != "member_expression" || arguments.len() < 2 {
        return;
    }
    let method = callee.field("property").map_or("", |p| file.text(p));
    if !matches!(method, "set" | "setHeader" | "append" | "header") {
        return;
    }
    let is_authorization = file
        .model
        .value(arguments[0])
        .as_str()
        .is_some_and(is_authorization_header);
    if is_authorization {
        authorization_value(file, arguments[1], hits);
    }
}

fn is_authorization_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization")
}

/// A literal `Authorization` value: `Basic ..`, `Bearer ..`, `Token ..`.
fn authorization_value<'t>(file: &JsFile<'t>, value: Node<'t>, hits: &mut Vec<Hit>) {
    for literal in literals(file, value) {
        let written = file.text(literal.node);
        let inner = inner_range(&literal.node.byte_range(), written);
        let content = &file.source.text[inner.clone()];
        let Some((scheme, credential)) = content.split_once(' ') else {
            continue;
        };
        let scheme_known = ["basic", "bearer", "token"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s));
        let credential = credential.trim();
        if !scheme_known || !authorization_credential(credential) {
            continue;
        }
        let offset = content.len() - content[scheme.len()..].trim_start().len();
        let secret_start = inner.start + offset;
        hits.push(Hit {
            range: literal.node.byte_range(),
            secret: secret_start..secret_start + credential.len(),
            message: format!(
                "hardcoded {} in an `Authorization` header (line {})",
                Use::HttpCredential.describe(),
                file.line_of(value)
            ),
            fix: Use::HttpCredential.fix(LanguageFamily::Js).to_string(),
            at_sink: true,
        });
    }
}

/// The grammar's ids of the node kinds the walk looks at: comparing ids is
/// much cheaper than comparing kind names on every node of a large file.
struct Kinds {
    declarator: u16,
    pair: u16,
    assignment: u16,
    assignment_pattern: u16,
    object_assignment_pattern: u16,
    public_field: u16,
    field: u16,
    string: u16,
    template: u16,
}

impl Kinds {
    fn of(language: &tree_sitter::Language) -> Self {
        let id = |kind| language.id_for_node_kind(kind, true);
        Self {
            declarator: id("variable_declarator"),
            pair: id("pair"),
            assignment: id("assignment_expression"),
            assignment_pattern: id("assignment_pattern"),
            object_assignment_pattern: id("object_assignment_pattern"),
            public_field: id("public_field_definition"),
            field: id("field_definition"),
            string: id("string"),
            template: id("template_string"),
        }
    }
}

/// One pass over the tree for names given to literals, literal
/// `Authorization` headers and connection URLs.
fn walk(file: &JsFile<'_>, hits: &mut Vec<Hit>) {
    let kinds = Kinds::of(&file.tree.language());
    // Strings are looked at only when the file has a URL with credentials.
    let urls = values::has_url_credentials(&file.source.text);
    let mut cursor = file.tree.walk();
    loop {
        let node = cursor.node();
        visit(file, node, &kinds, urls, hits);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Whether a name as written can be secret-like or an `Authorization`
/// header, before the cost of splitting it into words.
fn may_name_secret(name: &str) -> bool {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "pass",
                "pwd",
                "secret",
                "token",
                "key",
                "credential",
                "authorization",
            ])
            .expect("plain words")
    });
    WORDS.is_match(name)
}

fn visit<'t>(file: &JsFile<'t>, node: Node<'t>, kinds: &Kinds, urls: bool, hits: &mut Vec<Hit>) {
    let kind = node.kind_id();
    let (name_node, value) = if kind == kinds.declarator {
        (node.field("name"), node.field("value"))
    } else if kind == kinds.pair {
        let key = node.field("key");
        let value = node.field("value");
        if let (Some(key), Some(value)) = (key, value)
            && may_name_secret(file.text(key))
            && key_name(file, key).is_some_and(|k| is_authorization_header(&k))
        {
            authorization_value(file, value, hits);
            return;
        }
        (key, value)
    } else if kind == kinds.assignment
        || kind == kinds.assignment_pattern
        || kind == kinds.object_assignment_pattern
    {
        (node.field("left"), node.field("right"))
    } else if kind == kinds.public_field {
        (node.field("name"), node.field("value"))
    } else if kind == kinds.field {
        (node.field("property"), node.field("value"))
    } else if urls && (kind == kinds.string || (kind == kinds.template && !has_substitution(node)))
    {
        let literal = Literal {
            node,
            text: String::new(),
            fallback: false,
        };
        push_url(file, &literal, None, hits);
        return;
    } else {
        return;
    };
    let (Some(name_node), Some(value)) = (name_node, value) else {
        return;
    };
    if !may_name_secret(file.text(name_node)) {
        return;
    }
    let Some(name) = key_name(file, name_node) else {
        return;
    };
    let accepted = match names::classify(&name) {
        SecretName::Yes => true,
        SecretName::Pass => pass_is_password(file, node, &name),
        SecretName::No => false,
    };
    if !accepted {
        return;
    }
    for literal in literals(file, value) {
        let range = literal.node.byte_range();
        let use_line = file.line_of(name_node);
        let literal_line = file.line_of(literal.node);
        let inner = inner_range(&range, file.text(literal.node));
        let concatenated = literal.text.len() > inner.len();
        if concatenated
            || !near_its_name(use_line, literal_line)
            || !values::plausible_named_secret(&literal.text, &name)
        {
            continue;
        }
        hits.push(Hit {
            secret: inner,
            range,
            message: name_message(
                &name,
                (use_line != literal_line).then_some(use_line),
                literal.fallback,
            ),
            fix: NAME_FIX.to_string(),
            at_sink: false,
        });
    }
}

fn has_substitution(template: Node<'_>) -> bool {
    let mut cursor = template.walk();
    template
        .named_children(&mut cursor)
        .any(|c| c.kind() == "template_substitution")
}

/// The name a declaration, property or assignment target gives: an
/// identifier, a property key, `obj.name`, `obj['name']`.
fn key_name(file: &JsFile<'_>, node: Node<'_>) -> Option<String> {
    match node.kind() {
        "identifier"
        | "property_identifier"
        | "shorthand_property_identifier_pattern"
        | "shorthand_property_identifier" => Some(file.text(node).to_string()),
        "private_property_identifier" => Some(file.text(node).trim_start_matches('#').to_string()),
        "string" => file.model.value(node).as_str().map(str::to_string),
        "member_expression" => node.field("property").map(|p| file.text(p).to_string()),
        "subscript_expression" => node
            .field("index")
            .and_then(|i| file.model.value(i).as_str().map(str::to_string)),
        _ => None,
    }
}

/// `pass` is a password next to a user name (`{ user: 'app', pass: '..' }`)
/// or as the last word of a compound (`DB_PASS`, `smtpPass`).
fn pass_is_password(file: &JsFile<'_>, node: Node<'_>, name: &str) -> bool {
    if names::words(name).len() >= 2 {
        return true;
    }
    if node.kind() != "pair" {
        return false;
    }
    let Some(object) = node.parent() else {
        return false;
    };
    let mut cursor = object.walk();
    object.named_children(&mut cursor).any(|entry| {
        let key = match entry.kind() {
            "pair" => entry.field("key"),
            "shorthand_property_identifier" => Some(entry),
            _ => None,
        };
        key.and_then(|k| key_name(file, k))
            .is_some_and(|k| matches!(k.as_str(), "user" | "username" | "login" | "email"))
    })
}
