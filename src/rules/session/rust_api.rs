//! The Rust side: the builder chains that configure a session cookie.
//! actix-session's `SessionMiddleware::builder`, tower-sessions'
//! `SessionManagerLayer::new` and the `cookie` crate's `Cookie::build` /
//! `Cookie::new` (which axum-extra, actix-web, rocket and tower-cookies
//! re-export), with every method called on the value: in one chain, or on
//! the `let` that holds it (`let mut c = Cookie::new(..); c.set_secure(false)`).

use std::ptr;

use syn::{Expr, ExprCall, ExprMethodCall};

use super::{is_credential_cookie_constant, is_credential_cookie_name};
use crate::lang::rust::sensitive::sensitive;
use crate::lang::rust::{FnBody, RustFile, peel};
use crate::lang::sensitive::words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustLibrary {
    /// actix-session: `Secure`, `HttpOnly` and `SameSite=Lax` by default; a
    /// browser-session cookie whose server-side state lives a day.
    ActixSession,
    /// tower-sessions: `Secure`, `HttpOnly` and `SameSite=Strict` by
    /// default; without `with_expiry` the cookie has no `Max-Age`.
    TowerSessions,
    /// One cookie built by hand: no attribute is set unless asked for.
    Cookie,
}

impl RustLibrary {
    pub fn name(self) -> &'static str {
        match self {
            Self::ActixSession => "actix-session `SessionMiddleware`",
            Self::TowerSessions => "tower-sessions `SessionManagerLayer`",
            Self::Cookie => "`Cookie`",
        }
    }
}

/// Crates that export the `cookie` crate's `Cookie` under their own path.
const COOKIE_CRATES: &[&str] = &[
    "cookie",
    "axum_extra",
    "actix_web",
    "actix_http",
    "tower_cookies",
    "rocket",
];

/// One builder and the methods called on it.
pub struct Chain<'f, 'a> {
    pub library: RustLibrary,
    pub body: &'f FnBody<'a>,
    /// The constructor call.
    pub root: &'a ExprCall,
    pub methods: Vec<&'a ExprMethodCall>,
    /// For a hand-built cookie: "the `session` cookie", or "the cookie
    /// holding `token`".
    pub cookie: Option<String>,
    /// For a hand-built cookie: whether it carries a value. One built with
    /// a name only, or an empty value, is for removing the cookie.
    pub carries_value: bool,
}

impl<'a> Chain<'_, 'a> {
    /// The methods of a name (several spellings allowed), in source order.
    pub fn calls_of<'c>(
        &'c self,
        names: &'c [&str],
    ) -> impl Iterator<Item = &'a ExprMethodCall> + 'c {
        self.methods
            .iter()
            .copied()
            .filter(move |m| names.iter().any(|n| m.method == n))
    }
}

/// Every session middleware and credential cookie built in the file. Hand
/// built cookies whose name and value say nothing about authentication are
/// left out.
pub fn chains<'f, 'a>(file: &'f RustFile<'a>) -> Vec<Chain<'f, 'a>> {
    let mut found = Vec::new();
    for body in &file.model.functions {
        for &call in &body.calls {
            let Expr::Path(path) = call.func.as_ref() else {
                continue;
            };
            let Some(library) = classify(file, &path.path) else {
                continue;
            };
            let (cookie, carries_value) = match library {
                RustLibrary::Cookie => match credential_cookie(file, body, call) {
                    Some((label, carries_value)) => (Some(label), carries_value),
                    None => continue,
                },
                _ => (None, false),
            };
            found.push(Chain {
                library,
                body,
                root: call,
                methods: methods_on(body, call),
                cookie,
                carries_value,
            });
        }
    }
    found
}

fn classify(file: &RustFile<'_>, path: &syn::Path) -> Option<RustLibrary> {
    let mut crates = vec!["actix_session", "tower_sessions", "axum_login"];
    crates.extend_from_slice(COOKIE_CRATES);
    let resolved = file.model.resolve(path, &crates);
    let krate = resolved.first()?.as_str();
    let tail: Vec<&str> = resolved
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    match tail.as_slice() {
        ["SessionMiddleware", "builder"] if krate == "actix_session" => {
            Some(RustLibrary::ActixSession)
        }
        // axum-login re-exports tower-sessions whole.
        ["SessionManagerLayer", "new"] if matches!(krate, "tower_sessions" | "axum_login") => {
            Some(RustLibrary::TowerSessions)
        }
        ["Cookie", "build" | "new"] | ["CookieBuilder", "new"]
            if COOKIE_CRATES.contains(&krate) =>
        {
            Some(RustLibrary::Cookie)
        }
        _ => None,
    }
}

/// The expression a method chain starts from: `a.b().c()?` starts at `a`.
fn chain_root(mut expression: &Expr) -> &Expr {
    loop {
        match peel(expression) {
            Expr::MethodCall(call) => expression = &call.receiver,
            root => return root,
        }
    }
}

fn is_root(expression: &Expr, call: &ExprCall) -> bool {
    matches!(chain_root(expression), Expr::Call(root) if ptr::eq(root, call))
}

/// The methods called on what a constructor call built: in its own chain,
/// and on the `let` bindings that hold it (`let b = X::builder(..);` then
/// `let b = b.cookie_secure(false);`).
fn methods_on<'a>(body: &FnBody<'a>, call: &'a ExprCall) -> Vec<&'a ExprMethodCall> {
    let mut holders: Vec<String> = Vec::new();
    for binding in &body.lets {
        let Some(init) = binding.init else { continue };
        let root = chain_root(init);
        let holds = match root {
            Expr::Call(root) => ptr::eq(root, call),
            Expr::Path(path) => path
                .path
                .get_ident()
                .is_some_and(|i| holders.iter().any(|h| i == h)),
            _ => false,
        };
        if holds && !holders.contains(&binding.name) {
            holders.push(binding.name.clone());
        }
    }
    body.method_calls
        .iter()
        .copied()
        .filter(|method| {
            let receiver = method.receiver.as_ref();
            is_root(receiver, call)
                || matches!(chain_root(receiver), Expr::Path(path)
                    if path.path.get_ident().is_some_and(|i| holders.iter().any(|h| i == h)))
        })
        .collect()
}

/// "the `session` cookie" when the name says so, "the cookie holding
/// `token`" when the value does; `None` for other cookies. The flag says
/// whether the cookie carries a value.
fn credential_cookie(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    call: &ExprCall,
) -> Option<(String, bool)> {
    let (name, value) = match call.args.iter().collect::<Vec<_>>().as_slice() {
        // `Cookie::build(("session", id))` since cookie 0.18.
        [Expr::Tuple(tuple)] => (tuple.elems.first()?, tuple.elems.iter().nth(1)),
        [name, value, ..] => (*name, Some(*value)),
        [name] => (*name, None),
        [] => return None,
    };
    let carries_value = value.is_some_and(|v| !is_empty_string(file, v));
    credential_label(file, body, name, value).map(|label| (label, carries_value))
}

fn credential_label(
    file: &RustFile<'_>,
    body: &FnBody<'_>,
    name: &Expr,
    value: Option<&Expr>,
) -> Option<String> {
    if let Some(literal) = string_literal(file, name) {
        if is_credential_cookie_name(&literal) {
            return Some(format!("the `{literal}` cookie"));
        }
        let lower = literal.to_ascii_lowercase();
        if lower.contains("csrf") || lower.contains("xsrf") {
            return None;
        }
    } else if let Expr::Path(path) = name
        && let Some(last) = path.path.segments.last()
        && is_credential_cookie_constant(&last.ident.to_string())
    {
        // `Cookie::build((SESSION_COOKIE_NAME, id))` with the const in
        // another module: its name says what it names.
        return Some(format!("the `{}` cookie", last.ident));
    }
    let found = sensitive(file, body, value?)?;
    let is_csrf = words(&found.name)
        .iter()
        .any(|w| w == "csrf" || w == "xsrf");
    (found.kind.is_credential() && !is_csrf).then(|| format!("the cookie holding `{}`", found.name))
}

/// `""`, `String::new()`: the value of a cookie being removed.
fn is_empty_string(file: &RustFile<'_>, expression: &Expr) -> bool {
    if string_literal(file, expression).is_some_and(|s| s.is_empty()) {
        return true;
    }
    matches!(expression, Expr::Call(call) if call.args.is_empty()
        && matches!(call.func.as_ref(), Expr::Path(path)
            if path.path.segments.last().is_some_and(|s| s.ident == "new")))
}

fn string_literal(file: &RustFile<'_>, expression: &Expr) -> Option<String> {
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(text) => Some(text.value()),
            _ => None,
        },
        Expr::Reference(inner) => string_literal(file, &inner.expr),
        Expr::Paren(inner) => string_literal(file, &inner.expr),
        Expr::Path(path) => {
            let name = path.path.segments.last()?.ident.to_string();
            let value = file.model.const_value(&name)?;
            string_literal(file, value)
        }
        // `"session".to_string()`, `String::from("session")`.
        Expr::MethodCall(method) if method.args.is_empty() => {
            string_literal(file, &method.receiver)
        }
        Expr::Call(inner) if inner.args.len() == 1 => string_literal(file, &inner.args[0]),
        _ => None,
    }
}

/// A `true` or `false` written in the code or held by a same-file const.
pub fn bool_literal(file: &RustFile<'_>, expression: &Expr) -> Option<bool> {
    match expression {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Bool(value) => Some(value.value),
            _ => None,
        },
        Expr::Paren(inner) => bool_literal(file, &inner.expr),
        Expr::Path(path) if path.path.segments.len() == 1 => {
            let value = file
                .model
                .const_value(&path.path.segments[0].ident.to_string())?;
            bool_literal(file, value)
        }
        _ => None,
    }
}

/// `SameSite::None`, through any path to it.
pub fn is_same_site_none(expression: &Expr) -> bool {
    let Expr::Path(path) = expression else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.last().is_some_and(|s| s == "None") && segments.iter().any(|s| s == "SameSite")
}
