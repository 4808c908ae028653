//! The JWT APIs of the JavaScript libraries, recognised through the model's
//! import resolution (never by method name alone): which call verifies,
//! signs or decodes, and where its key, payload and options are.

use tree_sitter::Node;

use crate::lang::js::{FieldAccess, JsFile, ModulePath, Property, Value, call_arguments};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// jsonwebtoken `verify(token, key, options?, callback?)`.
    Verify,
    /// jsonwebtoken `sign(payload, key, options?, callback?)`.
    Sign,
    /// jsonwebtoken `decode`, jose `decodeJwt`, the `jwt-decode` package.
    Decode,
    /// express-jwt and koa-jwt middleware factories.
    Middleware,
    /// passport-jwt `new Strategy(options, verify)`.
    PassportStrategy,
    /// `app.register(fastifyJwt, options)`.
    FastifyPlugin,
    /// @nestjs/jwt `JwtModule.register(options)` or `new JwtService(options)`.
    NestModule,
    /// @nestjs/jwt `JwtService#verify` / `verifyAsync`.
    NestVerify,
    /// @nestjs/jwt `JwtService#sign` / `signAsync`.
    NestSign,
    /// jose `jwtVerify(token, key, options?)`.
    JoseVerify,
    /// jose `new SignJWT(payload)`.
    JoseSign,
    /// jose `new UnsecuredJWT(payload)`: a token with `alg: none`.
    JoseUnsecured,
}

/// An options argument as far as the file tells.
#[derive(Debug, Clone, Copy)]
pub enum Options<'t> {
    /// None passed (or `undefined`): the library defaults apply.
    Absent,
    /// An object literal, inline or from a same-file constant.
    Object(Node<'t>),
    /// Something this file does not reveal.
    Unknown,
}

impl<'t> Options<'t> {
    /// A key of the options: set, certainly missing, or unknown.
    pub fn property(self, file: &JsFile<'t>, key: &str) -> Property<'t> {
        match self {
            Self::Absent => Property::Missing,
            Self::Object(object) => file.model.property(object, key),
            Self::Unknown => Property::Unknown,
        }
    }

    /// A nested options object such as fastify's `verify: { ... }`.
    #[must_use]
    pub fn nested(self, file: &JsFile<'t>, key: &str) -> Self {
        match self.property(file, key) {
            Property::Set(value) => options_from_value(file, value),
            Property::Missing => Self::Absent,
            Property::Unknown => Self::Unknown,
        }
    }
}

fn options_from_value<'t>(file: &JsFile<'t>, expression: Node<'t>) -> Options<'t> {
    match file.model.value(expression) {
        Value::Object(object) => Options::Object(object),
        Value::Undefined | Value::Null => Options::Absent,
        _ => Options::Unknown,
    }
}

/// One call of a JWT API.
#[derive(Debug, Clone)]
pub struct JwtCall<'t> {
    pub node: Node<'t>,
    pub api: Api,
    /// The callee for messages, in backticks: `` `jwt.verify` ``, or for an
    /// alias what it stands for: `` `v` (`jsonwebtoken.verify`) ``.
    pub callee: String,
    /// The key or secret argument (or option value).
    pub key: Option<Node<'t>>,
    pub payload: Option<Node<'t>>,
    pub options: Options<'t>,
    /// The options argument as written, to name a constant in messages.
    pub options_expression: Option<Node<'t>>,
}

impl<'t> JwtCall<'t> {
    /// The settings that govern verification, wherever the API keeps them.
    pub fn verify_options(&self, file: &JsFile<'t>) -> Option<Options<'t>> {
        match self.api {
            Api::Verify
            | Api::Middleware
            | Api::PassportStrategy
            | Api::NestVerify
            | Api::JoseVerify => Some(self.options),
            Api::FastifyPlugin => Some(self.options.nested(file, "verify")),
            Api::NestModule => Some(self.options.nested(file, "verifyOptions")),
            _ => None,
        }
    }

    /// The settings that govern signing, wherever the API keeps them.
    pub fn sign_options(&self, file: &JsFile<'t>) -> Option<Options<'t>> {
        match self.api {
            Api::Sign | Api::NestSign => Some(self.options),
            Api::FastifyPlugin => Some(self.options.nested(file, "sign")),
            Api::NestModule => Some(self.options.nested(file, "signOptions")),
            _ => None,
        }
    }

    /// A short description of where the options came from, for messages:
    /// "options `VERIFY_OPTIONS` (line 4)" or "its options".
    pub fn options_origin(&self, file: &JsFile<'t>) -> String {
        self.options_expression
            .and_then(|e| file.model.constant_origin(e))
            .map_or_else(
                || "its options".to_string(),
                |(name, line)| format!("options `{name}` (line {line})"),
            )
    }
}

/// The modules whose APIs this file recognises; a file importing none of
/// them has no JWT call to classify.
const JWT_MODULES: &[&str] = &[
    "jsonwebtoken",
    "express-jwt",
    "koa-jwt",
    "passport-jwt",
    "@fastify/jwt",
    "fastify-jwt",
    "@nestjs/jwt",
    "jose",
    "jwt-decode",
];

/// Every JWT API call in a file, in document order.
pub fn jwt_calls<'t>(file: &JsFile<'t>) -> Vec<JwtCall<'t>> {
    if !JWT_MODULES.iter().any(|m| file.model.uses_module(m)) {
        return Vec::new();
    }
    file.model
        .calls
        .iter()
        .filter_map(|&call| classify(file, call))
        .collect()
}

fn classify<'t>(file: &JsFile<'t>, call: Node<'t>) -> Option<JwtCall<'t>> {
    let is_new = call.kind() == "new_expression";
    let callee_node = call
        .field("function")
        .or_else(|| call.field("constructor"))?;
    let written = file.text(callee_node);
    let arguments = call_arguments(call);
    if is_fastify_registration(file, callee_node, &arguments) {
        let options = arguments.get(1).copied();
        return Some(plugin_call(file, call, format!("`{written}`"), options));
    }
    let (path, is_new) = match callee_node.kind() {
        // `super(options)` in a class that extends passport-jwt's Strategy,
        // directly or through NestJS's `PassportStrategy(Strategy)` mixin.
        "super" => (superclass_path(file, call)?, true),
        _ => (file.model.callee_path(call)?, is_new),
    };
    let api = api_of(&path, is_new)?;
    let callee = label(written, &path);
    // `verify(...args)`: the positions of key and options are unknown.
    if arguments.iter().any(|a| a.kind() == "spread_element") {
        return Some(JwtCall {
            node: call,
            api,
            callee,
            key: None,
            payload: None,
            options: Options::Unknown,
            options_expression: None,
        });
    }
    let argument = |index: usize| arguments.get(index).copied();
    let options_at = |index: usize| match argument(index) {
        None => (Options::Absent, None),
        // A callback in the options position: jsonwebtoken's
        // `verify(token, key, callback)`.
        Some(node) => match file.model.value(node) {
            Value::Function(_) => (Options::Absent, None),
            _ => (options_from_value(file, node), Some(node)),
        },
    };
    let (key, payload, (options, options_expression)) = match api {
        Api::Verify | Api::JoseVerify => (argument(1), None, options_at(2)),
        Api::Sign => (argument(1), argument(0), options_at(2)),
        Api::Decode => (None, None, options_at(1)),
        Api::Middleware | Api::PassportStrategy | Api::NestModule => {
            let (options, expression) = options_at(0);
            let key =
                match options {
                    Options::Object(object) => ["secret", "secretOrKey", "privateKey"]
                        .iter()
                        .find_map(|k| match file.model.property(object, k) {
                            Property::Set(value) => Some(value),
                            _ => None,
                        }),
                    _ => None,
                };
            (key, None, (options, expression))
        }
        Api::NestVerify => (None, None, options_at(1)),
        Api::NestSign => (None, argument(0), options_at(1)),
        Api::JoseSign | Api::JoseUnsecured => (None, argument(0), (Options::Absent, None)),
        Api::FastifyPlugin => unreachable!("handled above"),
    };
    Some(JwtCall {
        node: call,
        api,
        callee,
        key,
        payload,
        options,
        options_expression,
    })
}

/// The module export a class extends, looking through a mixin call:
/// `extends PassportStrategy(Strategy, 'jwt')` extends `Strategy`.
fn superclass_path<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<ModulePath> {
    let mut class = node.parent();
    while let Some(candidate) = class {
        if matches!(
            candidate.kind(),
            "class_declaration" | "class" | "abstract_class_declaration"
        ) {
            break;
        }
        class = candidate.parent();
    }
    let class = class?;
    let mut cursor = class.walk();
    let heritage = class
        .named_children(&mut cursor)
        .find(|c| c.kind() == "class_heritage")?;
    let mut cursor = heritage.walk();
    let first = heritage.named_children(&mut cursor).next()?;
    // TypeScript wraps the expression in an `extends_clause`.
    let base = match first.kind() {
        "extends_clause" => first.field("value")?,
        _ => first,
    };
    let base = match base.kind() {
        "call_expression" => *call_arguments(base).first()?,
        _ => base,
    };
    file.model.module_path(base)
}

/// `` `jwt.verify` `` as written, or `` `v` (`jsonwebtoken.verify`) `` when
/// the written name does not say what it is.
fn label(written: &str, path: &ModulePath) -> String {
    let canonical = std::iter::once(path.module.as_str())
        .chain(path.members_without_default())
        .collect::<Vec<_>>()
        .join(".");
    match path.last_member() {
        Some(member) if written.ends_with(member) => format!("`{written}`"),
        _ => format!("`{written}` (`{canonical}`)"),
    }
}

fn api_of(path: &ModulePath, is_new: bool) -> Option<Api> {
    let members = path.members_without_default();
    let api = match (path.module.as_str(), members.as_slice(), is_new) {
        ("jsonwebtoken", ["verify"], false) => Api::Verify,
        ("jsonwebtoken", ["sign"], false) => Api::Sign,
        ("jsonwebtoken", ["decode"], false) => Api::Decode,
        ("express-jwt", [] | ["expressjwt" | "expressJwt"], false) => Api::Middleware,
        ("koa-jwt", [] | ["koaJwt"], false) => Api::Middleware,
        ("passport-jwt", ["Strategy"], true) => Api::PassportStrategy,
        ("@nestjs/jwt", ["JwtModule", "register"], false) => Api::NestModule,
        ("@nestjs/jwt", ["JwtService"], true) => Api::NestModule,
        ("@nestjs/jwt", ["JwtService", "verify" | "verifyAsync"], false) => Api::NestVerify,
        ("@nestjs/jwt", ["JwtService", "sign" | "signAsync"], false) => Api::NestSign,
        ("jose", ["jwtVerify"], false) => Api::JoseVerify,
        ("jose", ["decodeJwt"], false) => Api::Decode,
        ("jose", ["SignJWT"], true) => Api::JoseSign,
        ("jose", ["UnsecuredJWT"], true) => Api::JoseUnsecured,
        ("jwt-decode", [] | ["jwtDecode"], false) => Api::Decode,
        _ => return None,
    };
    Some(api)
}

/// Whether a call is `fastify.register(fastifyJwt, options)`.
fn is_fastify_registration<'t>(
    file: &JsFile<'t>,
    callee: Node<'t>,
    arguments: &[Node<'t>],
) -> bool {
    fastify_plugin(file, callee, arguments).unwrap_or(false)
}

fn fastify_plugin<'t>(file: &JsFile<'t>, callee: Node<'t>, arguments: &[Node<'t>]) -> Option<bool> {
    if callee.kind() != "member_expression" {
        return Some(false);
    }
    let property = callee.field("property")?;
    if file.text(property) != "register" {
        return Some(false);
    }
    let plugin = file.model.module_path(*arguments.first()?)?;
    let is_jwt_plugin = matches!(plugin.module.as_str(), "@fastify/jwt" | "fastify-jwt")
        && matches!(
            plugin.members_without_default().as_slice(),
            [] | ["fastifyJwt"]
        );
    Some(is_jwt_plugin)
}

fn plugin_call<'t>(
    file: &JsFile<'t>,
    call: Node<'t>,
    callee: String,
    options_node: Option<Node<'t>>,
) -> JwtCall<'t> {
    let options = options_node.map_or(Options::Absent, |node| options_from_value(file, node));
    let key = match options {
        Options::Object(object) => match file.model.property(object, "secret") {
            Property::Set(secret) => match file.model.value(secret) {
                // `secret: { private, public }`: the private half is the secret.
                Value::Object(pair) => match file.model.property(pair, "private") {
                    Property::Set(private) => Some(private),
                    _ => None,
                },
                _ => Some(secret),
            },
            _ => None,
        },
        _ => None,
    };
    JwtCall {
        node: call,
        api: Api::FastifyPlugin,
        callee,
        key,
        payload: None,
        options,
        options_expression: options_node,
    }
}

/// An accepted-algorithm list: the expression written for it, and its
/// elements that are strings (with their nodes).
pub struct AlgorithmList<'t> {
    pub expression: Node<'t>,
    pub names: Vec<(Node<'t>, String)>,
}

impl<'t> JwtCall<'t> {
    /// The `algorithms` a verifying call accepts, when the file spells them.
    pub fn accepted_algorithms(&self, file: &JsFile<'t>) -> Option<AlgorithmList<'t>> {
        let options = self.verify_options(file)?;
        let Property::Set(expression) = options.property(file, "algorithms") else {
            return None;
        };
        let Value::Array(array) = file.model.value(expression) else {
            return None;
        };
        let names = file
            .model
            .array_elements(array)
            .into_iter()
            .filter_map(|(_, value)| match value {
                Value::Str { text, node } => Some((node, text)),
                _ => None,
            })
            .collect();
        Some(AlgorithmList { expression, names })
    }

    /// The algorithm a signing call names, with the node of its value.
    pub fn signing_algorithm(&self, file: &JsFile<'t>) -> Option<(Node<'t>, String)> {
        let options = self.sign_options(file)?;
        let algorithm = match options.property(file, "algorithm") {
            Property::Set(value) => Some(value),
            _ => match options.nested(file, "header").property(file, "alg") {
                Property::Set(value) => Some(value),
                _ => None,
            },
        }?;
        match file.model.value(algorithm) {
            Value::Str { text, node } => Some((node, text)),
            _ => None,
        }
    }
}

/// The methods called in a chain that starts at `node`: for
/// `new SignJWT(p).setProtectedHeader(h).setExpirationTime('2h').sign(k)`
/// starting at the `new` expression, each method name with its call.
pub fn method_chain<'t>(file: &JsFile<'t>, node: Node<'t>) -> Vec<(&'t str, Node<'t>)> {
    let mut chain = Vec::new();
    let mut current = node;
    while let Some(parent) = current.parent() {
        let parent = if parent.kind() == "parenthesized_expression" {
            match parent.parent() {
                Some(grand) => grand,
                None => break,
            }
        } else {
            parent
        };
        if parent.kind() != "member_expression" {
            break;
        }
        let Some(call) = parent.parent().filter(|p| p.kind() == "call_expression") else {
            break;
        };
        let Some(property) = parent.field("property") else {
            break;
        };
        chain.push((file.text(property), call));
        current = call;
    }
    chain
}
