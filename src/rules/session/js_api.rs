//! The JavaScript side: session middleware setups (`session({...})`,
//! `fastify.register(fastifySession, {...})`) and calls that set a cookie
//! (`res.cookie`, `reply.setCookie`, `ctx.cookies.set`), each with its
//! options resolved as far as the file tells, and each library's defaults
//! for what the options leave out.

use tree_sitter::Node;

use super::{is_credential_cookie_constant, is_credential_cookie_name};
use crate::lang::js::{JsFile, Property, Value, call_arguments, unwrap_expression};
use crate::lang::sensitive::words;

/// The session libraries whose options the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsLibrary {
    ExpressSession,
    CookieSession,
    KoaSession,
    FastifySession,
    FastifySecureSession,
}

/// What a cookie's `Secure` attribute is when the options do not set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureDefault {
    /// Not set: the cookie also travels over plain HTTP.
    Off,
    /// Set when the request that sets it came over HTTPS (the `cookies`
    /// module under cookie-session and Koa), which depends on the proxy
    /// setup the code does not show.
    FollowsConnection,
    On,
}

impl JsLibrary {
    fn of_module(module: &str) -> Option<Self> {
        Some(match module {
            "express-session" => Self::ExpressSession,
            "cookie-session" => Self::CookieSession,
            "koa-session" => Self::KoaSession,
            "@fastify/session" | "fastify-session" => Self::FastifySession,
            "@fastify/secure-session" | "fastify-secure-session" => Self::FastifySecureSession,
            _ => return None,
        })
    }

    /// The package name, for messages.
    pub fn module(self) -> &'static str {
        match self {
            Self::ExpressSession => "express-session",
            Self::CookieSession => "cookie-session",
            Self::KoaSession => "koa-session",
            Self::FastifySession => "@fastify/session",
            Self::FastifySecureSession => "@fastify/secure-session",
        }
    }

    /// Fastify plugins are handed to `register`; the others are factories
    /// called for a middleware.
    fn is_plugin(self) -> bool {
        matches!(self, Self::FastifySession | Self::FastifySecureSession)
    }

    /// The keys that hold the cookie attributes, when they are not beside
    /// the session options themselves (cookie-session and koa-session take
    /// `secure`, `httpOnly` and `maxAge` at the top level).
    pub fn cookie_keys(self) -> &'static [&'static str] {
        match self {
            Self::ExpressSession | Self::FastifySession => &["cookie"],
            // The plugin reads `cookieOptions` first, then `cookie`.
            Self::FastifySecureSession => &["cookieOptions", "cookie"],
            Self::CookieSession | Self::KoaSession => &[],
        }
    }

    pub fn secure_default(self) -> SecureDefault {
        match self {
            // The cookie defaults are `{ httpOnly: true, secure: false }`.
            Self::ExpressSession => SecureDefault::Off,
            // Both hand the cookie to the `cookies` module.
            Self::CookieSession | Self::KoaSession => SecureDefault::FollowsConnection,
            Self::FastifySession => SecureDefault::On,
            // The cookie options go to `@fastify/cookie` as they are, and it
            // sets no `Secure` by itself.
            Self::FastifySecureSession => SecureDefault::Off,
        }
    }

    /// Every library here makes its cookie `HttpOnly` unless told not to
    /// (@fastify/secure-session fills it in when it is missing).
    pub fn http_only_default(self) -> bool {
        true
    }

    /// How long an unused session lives when nothing about its lifetime is
    /// configured, if the library bounds it at all.
    pub fn default_lifetime(self) -> Option<&'static str> {
        match self {
            // `maxAge` defaults to a day, written into the session itself.
            Self::KoaSession => Some("one day"),
            // `expiry` defaults to a day and is checked on every request.
            Self::FastifySecureSession => Some("one day"),
            Self::ExpressSession | Self::CookieSession | Self::FastifySession => None,
        }
    }
}

/// Options as far as the file tells.
#[derive(Debug, Clone, Copy)]
pub enum Options<'t> {
    /// None were given: the library's defaults apply.
    Absent,
    /// An object literal, inline or in a same-file constant.
    Object(Node<'t>),
    /// Something this file does not show (a parameter, an import, a
    /// function that computes them).
    Unknown,
}

/// One session middleware set up in the file.
#[derive(Debug, Clone, Copy)]
pub struct SessionSetup<'t> {
    pub library: JsLibrary,
    /// The factory call, or the `register` call of a Fastify plugin.
    pub call: Node<'t>,
    pub options: Options<'t>,
}

impl<'t> SessionSetup<'t> {
    /// The options that hold the cookie attributes.
    pub fn cookie_options(&self, file: &JsFile<'t>) -> Options<'t> {
        let Options::Object(object) = self.options else {
            return self.options;
        };
        let keys = self.library.cookie_keys();
        if keys.is_empty() {
            return self.options;
        }
        for key in keys {
            match file.model.property(object, key) {
                Property::Missing => {}
                Property::Unknown => return Options::Unknown,
                // A function (express-session computes them per request)
                // or a value from elsewhere is not judged.
                Property::Set(value) => {
                    return file
                        .model
                        .object(value)
                        .map_or(Options::Unknown, Options::Object);
                }
            }
        }
        Options::Absent
    }
}

/// Every session middleware the file sets up.
pub fn session_setups<'t>(file: &JsFile<'t>) -> Vec<SessionSetup<'t>> {
    let mut setups = Vec::new();
    for &call in &file.model.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let arguments = call_arguments(call);
        if let Some(library) = factory_library(file, call) {
            let options = if library == JsLibrary::KoaSession {
                // `session(app)`, `session(opts, app)` and `session(app,
                // opts)` are all accepted: the options are the object.
                arguments.iter().find_map(|a| file.model.object(*a)).map_or(
                    if arguments.is_empty() {
                        Options::Absent
                    } else {
                        Options::Unknown
                    },
                    Options::Object,
                )
            } else {
                options_at(file, &arguments, 0)
            };
            setups.push(SessionSetup {
                library,
                call,
                options,
            });
        } else if let Some(library) = registered_plugin(file, call, &arguments) {
            setups.push(SessionSetup {
                library,
                call,
                options: options_at(file, &arguments, 1),
            });
        }
    }
    setups
}

/// `session(...)` where `session` is the default export of a session
/// library (required, imported, renamed or taken from `.default`).
fn factory_library(file: &JsFile<'_>, call: Node<'_>) -> Option<JsLibrary> {
    let path = file.model.callee_path(call)?;
    let library = JsLibrary::of_module(&path.module)?;
    (path.members_without_default().is_empty() && !library.is_plugin()).then_some(library)
}

/// `fastify.register(fastifySession, {...})`.
fn registered_plugin(
    file: &JsFile<'_>,
    call: Node<'_>,
    arguments: &[Node<'_>],
) -> Option<JsLibrary> {
    let function = call.child_by_field_name("function")?;
    let property = function.child_by_field_name("property")?;
    if function.kind() != "member_expression" || file.text(property) != "register" {
        return None;
    }
    let path = file.model.module_path(*arguments.first()?)?;
    let library = JsLibrary::of_module(&path.module)?;
    (path.members_without_default().is_empty() && library.is_plugin()).then_some(library)
}

fn options_at<'t>(file: &JsFile<'t>, arguments: &[Node<'t>], index: usize) -> Options<'t> {
    match arguments.get(index) {
        None => Options::Absent,
        Some(argument) => file
            .model
            .object(*argument)
            .map_or(Options::Unknown, Options::Object),
    }
}

/// An option's value, as the rules need it.
#[derive(Debug, Clone)]
pub enum Flag<'t> {
    Missing,
    On,
    /// Set to `false` (or `0`); the node is where: the `key: value` pair.
    Off(Node<'t>),
    /// Set to a string, lowercased (`'auto'`, `'none'`, `'lax'`).
    Text(Node<'t>, String),
    /// Set to something this file does not decide, such as
    /// `process.env.NODE_ENV === 'production'`.
    Unknown,
}

/// Reads one option of an options object.
pub fn flag<'t>(file: &JsFile<'t>, object: Node<'t>, key: &str) -> Flag<'t> {
    let value = match file.model.property(object, key) {
        Property::Missing => return Flag::Missing,
        Property::Unknown => return Flag::Unknown,
        Property::Set(value) => value,
    };
    // Report the whole `secure: false`, wherever the object literal that
    // holds it is written (a spread base object included).
    let place = value
        .parent()
        .filter(|p| p.kind() == "pair")
        .unwrap_or(value);
    match file.model.value(value) {
        Value::Bool(true) => Flag::On,
        Value::Bool(false) => Flag::Off(place),
        Value::Number(0.0) => Flag::Off(place),
        Value::Number(_) => Flag::On,
        Value::Str { text, .. } => Flag::Text(place, text.to_ascii_lowercase()),
        _ => Flag::Unknown,
    }
}

/// The APIs that set one cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieApi {
    /// Express `res.cookie(name, value, options)`.
    ExpressResponse,
    /// `@fastify/cookie`'s `reply.setCookie(name, value, options)` (and
    /// its `reply.cookie` alias).
    FastifyReply,
    /// Koa's `ctx.cookies.set(name, value, options)`.
    KoaCookies,
}

impl CookieApi {
    pub fn call_name(self) -> &'static str {
        match self {
            Self::ExpressResponse => "res.cookie",
            Self::FastifyReply => "reply.setCookie",
            Self::KoaCookies => "ctx.cookies.set",
        }
    }

    pub fn secure_default(self) -> SecureDefault {
        match self {
            Self::ExpressResponse | Self::FastifyReply => SecureDefault::Off,
            Self::KoaCookies => SecureDefault::FollowsConnection,
        }
    }

    pub fn http_only_default(self) -> bool {
        self == Self::KoaCookies
    }

    /// Whether a call without options certainly gets the defaults above.
    /// `@fastify/cookie` takes plugin-wide defaults (`parseOptions`) at
    /// registration, usually in another file.
    pub fn defaults_are_known(self) -> bool {
        self != Self::FastifyReply
    }
}

/// A call that sets a session or credential cookie.
#[derive(Debug, Clone)]
pub struct CookieCall<'t> {
    pub api: CookieApi,
    pub call: Node<'t>,
    /// How messages name the cookie: "the `sid` cookie", or "the cookie
    /// holding `token`" when its name does not say.
    pub name: String,
    pub options: Options<'t>,
}

/// Every call in the file that sets a session or credential cookie.
/// Cookies whose name and value say nothing about authentication (theme,
/// locale, consent, anti-CSRF) are left out.
pub fn cookie_calls<'t>(file: &JsFile<'t>) -> Vec<CookieCall<'t>> {
    let mut calls = Vec::new();
    for &call in &file.model.calls {
        let Some(api) = cookie_api(file, call) else {
            continue;
        };
        let arguments = call_arguments(call);
        let [name, value, ..] = arguments.as_slice() else {
            continue;
        };
        // `res.cookie('token', '')` clears a cookie: nothing to protect.
        if file.model.value(*value).as_str() == Some("") {
            continue;
        }
        let Some(described) = credential_cookie(file, *name, *value) else {
            continue;
        };
        calls.push(CookieCall {
            api,
            call,
            name: described,
            options: options_at(file, &arguments, 2),
        });
    }
    calls
}

fn cookie_api(file: &JsFile<'_>, call: Node<'_>) -> Option<CookieApi> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    if function.kind() != "member_expression" {
        return None;
    }
    let method = file.text(function.child_by_field_name("property")?);
    let receiver = unwrap_expression(function.child_by_field_name("object")?);
    if method == "set" {
        // `ctx.cookies.set`, `this.cookies.set`, `new Cookies(req, res).set`
        // share one module and its defaults.
        let is_cookies = receiver.kind() == "member_expression"
            && receiver
                .child_by_field_name("property")
                .is_some_and(|p| file.text(p) == "cookies");
        return is_cookies.then_some(CookieApi::KoaCookies);
    }
    if method != "cookie" && method != "setCookie" {
        return None;
    }
    // The receiver's name says which framework's response it is; other
    // objects with a `cookie` method (test agents, cookie jars) are not.
    let name = match receiver.kind() {
        "identifier" => file.text(receiver),
        "member_expression" => file.text(receiver.child_by_field_name("property")?),
        _ => return None,
    };
    let last = words(name).pop()?;
    match (last.as_str(), method) {
        ("res" | "response" | "resp", "cookie") => Some(CookieApi::ExpressResponse),
        ("reply" | "rep", _) | ("res" | "response", "setCookie") => Some(CookieApi::FastifyReply),
        _ => None,
    }
}

/// The name an identifier or member expression ends in.
fn name_expression<'t>(file: &JsFile<'t>, node: Node<'t>) -> Option<&'t str> {
    let node = unwrap_expression(node);
    match node.kind() {
        "identifier" => Some(file.text(node)),
        "member_expression" => Some(file.text(node.child_by_field_name("property")?)),
        _ => None,
    }
}

/// What names the cookie as a credential, if anything does: its name
/// (`'sid'`, `'access_token'`), or, when the name is not a literal, what
/// the value is (`token`, `session.id`).
fn credential_cookie<'t>(file: &JsFile<'t>, name: Node<'t>, value: Node<'t>) -> Option<String> {
    let name_value = file.model.value(name);
    if let Some(literal) = name_value.as_str() {
        if is_credential_cookie_name(literal) {
            return Some(format!("the `{literal}` cookie"));
        }
        // `res.cookie('theme', ...)`: the name settles it, except for a
        // token stored under a name that does not say so.
        let lower = literal.to_ascii_lowercase();
        if lower.contains("csrf") || lower.contains("xsrf") {
            return None;
        }
    } else if let Some(constant) = name_expression(file, name)
        && is_credential_cookie_constant(constant)
    {
        // `res.cookie(CookieStore.TOKEN_KEY, ..)`: the constant's own name
        // says what the cookie is.
        return Some(format!("the `{constant}` cookie"));
    }
    let sensitive = file.model.sensitive(value)?;
    let is_csrf = words(&sensitive.name)
        .iter()
        .any(|w| w == "csrf" || w == "xsrf");
    (sensitive.kind.is_credential() && !is_csrf)
        .then(|| format!("the cookie holding `{}`", sensitive.name))
}
