//! Route facts of one Rust file, for the project's route model
//! ([`crate::routes`]). axum: `Router::new()` chains with `route`, `nest`,
//! `merge`, `layer` and `route_layer`, continued through `let` bindings,
//! and functions returning a router. actix-web: `App::new()`,
//! `web::scope`, `web::resource` and `ServiceConfig` chains with `route`,
//! `service`, `configure` and `wrap`, and handlers declared with
//! `#[post("/login")]`-style attributes. Functions that return or configure
//! a router, and attributed handlers, are exported under their names, so a
//! `nest("/auth", auth::routes())` or `.service(login)` in another file
//! resolves to them.

use std::ops::Range;

use super::peel;
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprMethodCall, Lit, Stmt};

use super::RustFile;
use crate::routes::names::says_limit;
use crate::routes::{
    Export, FileRoutes, Item, Limiter, Middleware, MiddlewareKind, Rate, Reach, Route, Router,
    RouterRef, index_key,
};

/// Methods that make a chain a router chain.
const CHAIN_METHODS: &[&str] = &[
    "route",
    "nest",
    "merge",
    "layer",
    "route_layer",
    "wrap",
    "service",
    "configure",
];

const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "any", "trace",
];

/// `tower_governor`'s and `actix-governor`'s default: one request every
/// 500 ms.
const GOVERNOR_DEFAULT_INTERVAL_MS: f64 = 500.0;

pub fn extract(file: &RustFile<'_>) -> FileRoutes {
    let mut extractor = Extractor {
        facts: FileRoutes {
            path: index_key(&file.source.path),
            ..FileRoutes::default()
        },
        lets: Vec::new(),
    };
    extractor.visit_file(file.syntax);
    extractor.facts
}

struct Extractor<'f> {
    facts: FileRoutes,
    /// The current function's `let` bindings so far: name, initializer and
    /// the router it holds, if any.
    lets: Vec<(String, Option<&'f Expr>, Option<usize>)>,
}

impl<'f> Visit<'f> for Extractor<'f> {
    fn visit_item_fn(&mut self, item: &'f syn::ItemFn) {
        self.attributed_handler(&item.attrs, &item.sig);
        let name = item.sig.ident.to_string();
        let config_param = config_parameter(&item.sig);
        self.function(&name, &item.block, config_param);
    }

    fn visit_impl_item_fn(&mut self, item: &'f syn::ImplItemFn) {
        self.attributed_handler(&item.attrs, &item.sig);
        let name = item.sig.ident.to_string();
        let config_param = config_parameter(&item.sig);
        self.function(&name, &item.block, config_param);
    }
}

/// The name of a `&mut web::ServiceConfig` parameter (actix `configure`).
fn config_parameter(signature: &syn::Signature) -> Option<String> {
    signature.inputs.iter().find_map(|input| match input {
        syn::FnArg::Typed(typed) => {
            let ty = typed.ty.to_token_stream_string();
            let syn::Pat::Ident(ident) = &*typed.pat else {
                return None;
            };
            ty.ends_with("ServiceConfig")
                .then(|| ident.ident.to_string())
        }
        syn::FnArg::Receiver(_) => None,
    })
}

trait TokenText {
    fn to_token_stream_string(&self) -> String;
}

impl<T: quote::ToTokens> TokenText for T {
    fn to_token_stream_string(&self) -> String {
        self.to_token_stream().to_string().replace(' ', "")
    }
}

/// The router a chain or expression ends up as, and whether it is a
/// continuation of an existing one.
enum Base {
    New {
        prefix: String,
    },
    Existing(usize),
    /// The router a function returns or configures.
    Function(String),
}

impl<'f> Extractor<'f> {
    fn function(&mut self, name: &str, block: &'f syn::Block, config_param: Option<String>) {
        let saved = std::mem::take(&mut self.lets);
        if let Some(param) = config_param {
            let router = self.new_router(&param, String::new());
            self.lets.push((param, None, Some(router)));
            self.facts
                .exports
                .push((name.to_string(), Export::Router(router)));
        }
        let mut returned = None;
        for (position, statement) in block.stmts.iter().enumerate() {
            match statement {
                Stmt::Local(local) => {
                    let Some(init) = &local.init else { continue };
                    let router = self.expression(&init.expr);
                    if let syn::Pat::Ident(ident) = &local.pat {
                        self.lets
                            .push((ident.ident.to_string(), Some(&init.expr), router));
                    } else if let syn::Pat::Type(typed) = &local.pat
                        && let syn::Pat::Ident(ident) = &*typed.pat
                    {
                        self.lets
                            .push((ident.ident.to_string(), Some(&init.expr), router));
                    }
                }
                Stmt::Expr(expr, semicolon) => {
                    let router = self.expression(expr);
                    if semicolon.is_none() && position + 1 == block.stmts.len() {
                        returned = router;
                    }
                }
                Stmt::Item(item) => self.visit_item(item),
                Stmt::Macro(_) => {}
            }
        }
        if let Some(router) = returned {
            self.facts
                .exports
                .push((name.to_string(), Export::Router(router)));
        }
        self.lets = saved;
    }

    /// Finds router chains in an expression; returns the router the
    /// expression itself is, if it is one.
    fn expression(&mut self, expr: &'f Expr) -> Option<usize> {
        let expr = peel(expr);
        if let Some(router) = self.chain(expr) {
            return Some(router);
        }
        if let Expr::Path(path) = expr
            && let Some(ident) = path.path.get_ident()
        {
            return self.let_router(&ident.to_string());
        }
        // Chains inside closures and calls: `HttpServer::new(move || App::new()..)`.
        let mut finder = ChainFinder { found: Vec::new() };
        finder.visit_expr(expr);
        for inner in finder.found {
            self.chain(inner);
        }
        None
    }

    fn let_router(&self, name: &str) -> Option<usize> {
        self.lets
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .and_then(|(_, _, router)| *router)
    }

    fn new_router(&mut self, name: &str, prefix: String) -> usize {
        self.facts.routers.push(Router {
            name: name.to_string(),
            prefix,
            ..Router::default()
        });
        self.facts.routers.len() - 1
    }

    /// A router chain: `Router::new().route(..).layer(..)`,
    /// `web::scope("/auth").wrap(..).service(..)`, `app.layer(..)`.
    fn chain(&mut self, expr: &'f Expr) -> Option<usize> {
        let mut calls: Vec<&'f ExprMethodCall> = Vec::new();
        let mut current = peel(expr);
        while let Expr::MethodCall(call) = current {
            calls.push(call);
            current = peel(&call.receiver);
        }
        calls.reverse();
        let any_chain_method = calls
            .iter()
            .any(|c| CHAIN_METHODS.contains(&c.method.to_string().as_str()));
        let base = self.base(current, !calls.is_empty() && any_chain_method)?;
        let router = match base {
            Base::Existing(router) => router,
            Base::New { prefix } => self.new_router("router", prefix),
            Base::Function(name) => {
                let router = self.new_router(&name, String::new());
                self.facts.routers[router].items.push(Item::Mount {
                    prefix: String::new(),
                    middleware: Vec::new(),
                    child: RouterRef::Function(name),
                    fallback: None,
                });
                router
            }
        };
        for call in calls {
            self.chain_call(router, call);
        }
        Some(router)
    }

    /// What a chain starts from.
    fn base(&mut self, expr: &'f Expr, has_chain_methods: bool) -> Option<Base> {
        match expr {
            Expr::Call(call) => {
                let Expr::Path(function) = &*call.func else {
                    return None;
                };
                let segments: Vec<String> = function
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let tail: Vec<&str> = segments
                    .iter()
                    .rev()
                    .take(2)
                    .rev()
                    .map(String::as_str)
                    .collect();
                match tail.as_slice() {
                    [.., "Router" | "App", "new"] => Some(Base::New {
                        prefix: String::new(),
                    }),
                    [.., "scope" | "resource"] | ["Scope" | "Resource", "new"] => {
                        let prefix = call.args.first().and_then(string_literal)?;
                        Some(Base::New { prefix })
                    }
                    [.., _] if has_chain_methods => Some(Base::Function(path_text(&function.path))),
                    _ => None,
                }
            }
            Expr::Path(path) if has_chain_methods => {
                let ident = path.path.get_ident()?.to_string();
                self.let_router(&ident).map(Base::Existing)
            }
            _ => None,
        }
    }

    fn chain_call(&mut self, router: usize, call: &'f ExprMethodCall) {
        let method = call.method.to_string();
        let arguments: Vec<&'f Expr> = call.args.iter().collect();
        let range = call_range(call);
        match (method.as_str(), arguments.as_slice()) {
            ("route", [path, method_router]) => {
                let Some(path) = string_literal(path) else {
                    return;
                };
                self.method_router(router, &path, method_router, range);
            }
            ("nest" | "nest_service", [path, child]) => {
                let Some(prefix) = string_literal(path) else {
                    return;
                };
                self.mount(router, prefix, child);
            }
            ("merge" | "service" | "configure", [child]) => {
                self.mount(router, String::new(), child);
            }
            ("to", [handler]) => {
                // `web::resource("/login").to(login)`
                self.push_route(router, "ALL", "", Some(handler), Vec::new(), range);
            }
            ("layer" | "route_layer", [layer]) => {
                let middleware = vec![self.middleware(layer)];
                self.facts.routers[router].items.push(Item::Use {
                    prefix: String::new(),
                    middleware,
                    reach: Reach::Earlier,
                });
            }
            ("wrap" | "wrap_fn", [layer]) => {
                let middleware = vec![self.middleware(layer)];
                self.facts.routers[router].items.push(Item::Use {
                    prefix: String::new(),
                    middleware,
                    reach: Reach::All,
                });
            }
            _ => {}
        }
    }

    fn mount(&mut self, router: usize, prefix: String, child: &'f Expr) {
        let child_ref = match peel(child) {
            Expr::Path(path) => {
                match path
                    .path
                    .get_ident()
                    .and_then(|i| self.let_router(&i.to_string()))
                {
                    Some(local) => Some(RouterRef::Local(local)),
                    None => Some(RouterRef::Function(path_text(&path.path))),
                }
            }
            other => match self.chain(other) {
                Some(local) => Some(RouterRef::Local(local)),
                // `auth::routes()`, `auth_routes(state.clone())`
                None => match other {
                    Expr::Call(call) => match &*call.func {
                        Expr::Path(path) => Some(RouterRef::Function(path_text(&path.path))),
                        _ => None,
                    },
                    _ => None,
                },
            },
        };
        if let Some(child) = child_ref {
            self.facts.routers[router].items.push(Item::Mount {
                prefix,
                middleware: Vec::new(),
                child,
                fallback: None,
            });
        }
    }

    /// axum `post(login)`, `get(a).post(b)`, `post(login).layer(..)`;
    /// actix `web::post().to(login)`.
    fn method_router(&mut self, router: usize, path: &str, expr: &'f Expr, range: Range<usize>) {
        let mut layers = Vec::new();
        let mut verbs: Vec<(String, Option<&'f Expr>)> = Vec::new();
        let mut current = peel(expr);
        loop {
            match current {
                Expr::MethodCall(call) => {
                    let method = call.method.to_string();
                    if VERBS.contains(&method.as_str()) {
                        verbs.push((method, call.args.first()));
                    } else if matches!(method.as_str(), "layer" | "route_layer" | "wrap")
                        && let Some(layer) = call.args.first()
                    {
                        layers.push(self.middleware(layer));
                    } else if method == "to"
                        && let Some(handler) = call.args.first()
                    {
                        // The verb is on the receiver: `web::post().to(h)`.
                        if let Expr::Call(inner) = peel(&call.receiver)
                            && let Expr::Path(function) = &*inner.func
                            && let Some(last) = function.path.segments.last()
                        {
                            verbs.push((last.ident.to_string(), Some(handler)));
                            break;
                        }
                        verbs.push(("any".to_string(), Some(handler)));
                    }
                    current = peel(&call.receiver);
                }
                Expr::Call(call) => {
                    if let Expr::Path(function) = &*call.func
                        && let Some(last) = function.path.segments.last()
                    {
                        let verb = last.ident.to_string();
                        if VERBS.contains(&verb.as_str()) {
                            verbs.push((verb, call.args.first()));
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        for (verb, handler) in verbs {
            let method = if verb == "any" {
                "ALL".to_string()
            } else {
                verb.to_ascii_uppercase()
            };
            self.push_route(
                router,
                &method,
                path,
                handler,
                layers.clone(),
                range.clone(),
            );
        }
    }

    fn push_route(
        &mut self,
        router: usize,
        method: &str,
        path: &str,
        handler: Option<&'f Expr>,
        middleware: Vec<Middleware>,
        range: Range<usize>,
    ) {
        let handler = handler.and_then(|h| match peel(h) {
            Expr::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        });
        self.facts.routers[router].items.push(Item::Route(Route {
            method: method.to_string(),
            path: path.to_string(),
            handler,
            middleware,
            range,
            lockout: false,
            skips_throttle: false,
            throttle: None,
        }));
    }

    /// `#[post("/login")] async fn login(..)`: a one-route router exported
    /// under the handler's name, for `.service(login)`.
    fn attributed_handler(&mut self, attrs: &[syn::Attribute], signature: &syn::Signature) {
        for attr in attrs {
            let Some(name) = attr.path().segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            let method = match name.as_str() {
                "get" | "post" | "put" | "patch" | "delete" => name.to_ascii_uppercase(),
                "route" => "ALL".to_string(),
                _ => continue,
            };
            let Ok(arguments) = attr.parse_args_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            let Some(path) = arguments.first().and_then(string_literal) else {
                continue;
            };
            let method = if method == "ALL" {
                route_attribute_method(&arguments).unwrap_or(method)
            } else {
                method
            };
            let handler = signature.ident.to_string();
            let router = self.new_router(&handler, String::new());
            let start = attr.span().byte_range().start;
            let end = signature.ident.span().byte_range().end;
            self.facts.routers[router].items.push(Item::Route(Route {
                method,
                path,
                handler: Some(handler.clone()),
                middleware: Vec::new(),
                range: start..end,
                lockout: false,
                skips_throttle: false,
                throttle: None,
            }));
            self.facts.exports.push((handler, Export::Router(router)));
            return;
        }
    }

    /// A layer or `wrap` argument: a limiter when a name in it says so,
    /// with the governor or tower settings it carries.
    fn middleware(&self, expr: &'f Expr) -> Middleware {
        let mut names = NameCollector::default();
        names.visit_expr(expr);
        let label = expr
            .to_token_stream_string()
            .chars()
            .take(60)
            .collect::<String>();
        let limiting = names.names.iter().find(|n| says_limit(n)).cloned();
        let Some(limiter_name) = limiting else {
            return Middleware {
                label: names.names.first().cloned().unwrap_or(label),
                kind: MiddlewareKind::Other,
            };
        };
        let mut rate = self.rate_in(expr);
        if rate.is_none() {
            // `GovernorLayer { config: governor_conf }`: the settings sit
            // in a `let` of the same function.
            for name in &names.names {
                if let Some((_, Some(init), _)) = self.lets.iter().rev().find(|(n, _, _)| n == name)
                {
                    rate = self.rate_in(init);
                    if rate.is_some() {
                        break;
                    }
                }
            }
        }
        Middleware {
            label: limiter_name.clone(),
            kind: MiddlewareKind::Limiter(Limiter {
                label: limiter_name,
                rate,
            }),
        }
    }

    /// Governor builder settings or `RateLimitLayer::new(n, duration)`.
    fn rate_in(&self, expr: &'f Expr) -> Option<Rate> {
        let mut settings = Settings::default();
        settings.visit_expr(expr);
        let path = &self.facts.path;
        if let Some((count, window_ms, range)) = settings.tower {
            return Some(Rate {
                attempts: count,
                window_ms,
                file: path.clone(),
                range,
                described: format!(
                    "{} per {}",
                    crate::routes::count_text(count),
                    crate::routes::duration_text(window_ms)
                ),
                lockout: false,
            });
        }
        if !settings.governor {
            return None;
        }
        let (interval_ms, range) = match settings.interval {
            Some((ms, range)) => (ms, range),
            None => (GOVERNOR_DEFAULT_INTERVAL_MS, settings.builder?),
        };
        Some(Rate {
            attempts: 1.0,
            window_ms: interval_ms,
            file: path.clone(),
            range,
            described: format!(
                "one request every {}",
                crate::routes::duration_text(interval_ms)
            ),
            lockout: false,
        })
    }
}

/// `#[route("/login", method = "POST")]`
fn route_attribute_method(
    arguments: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
) -> Option<String> {
    arguments.iter().find_map(|argument| match argument {
        Expr::Assign(assign) if assign.left.to_token_stream_string() == "method" => {
            string_literal(&assign.right).map(|m| m.to_ascii_uppercase())
        }
        _ => None,
    })
}

/// `auth::routes` as written, segments joined with `::`.
fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn string_literal(expr: &Expr) -> Option<String> {
    match peel(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn int_literal(expr: &Expr) -> Option<f64> {
    match peel(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(i) => i.base10_parse::<u64>().ok().map(|v| v as f64),
            Lit::Float(f) => f.base10_parse::<f64>().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// Where a method call of a chain is reported: from the method name to
/// the closing parenthesis, not from the start of the whole chain.
fn call_range(call: &ExprMethodCall) -> Range<usize> {
    let start = call.method.span().byte_range().start;
    let end = span_end(call.paren_token.span.close());
    start..end.max(start)
}

fn span_end(span: Span) -> usize {
    span.byte_range().end
}

/// Chains anywhere inside an expression (closures, call arguments), the
/// outermost of each.
struct ChainFinder<'f> {
    found: Vec<&'f Expr>,
}

impl<'f> Visit<'f> for ChainFinder<'f> {
    fn visit_expr(&mut self, expr: &'f Expr) {
        if let Expr::MethodCall(call) = expr
            && CHAIN_METHODS.contains(&call.method.to_string().as_str())
        {
            self.found.push(expr);
            return;
        }
        visit::visit_expr(self, expr);
    }

    fn visit_item(&mut self, _: &'f syn::Item) {}
}

/// Every identifier and method name in an expression.
#[derive(Default)]
struct NameCollector {
    names: Vec<String>,
}

impl<'f> Visit<'f> for NameCollector {
    fn visit_ident(&mut self, ident: &'f proc_macro2::Ident) {
        self.names.push(ident.to_string());
    }
}

/// Rate settings in a governor builder or tower layer.
#[derive(Default)]
struct Settings {
    governor: bool,
    builder: Option<Range<usize>>,
    interval: Option<(f64, Range<usize>)>,
    tower: Option<(f64, f64, Range<usize>)>,
}

impl<'f> Visit<'f> for Settings {
    fn visit_expr_method_call(&mut self, call: &'f ExprMethodCall) {
        let method = call.method.to_string();
        let factor = match method.as_str() {
            "per_second" | "seconds_per_request" => Some(1_000.0),
            "per_millisecond" | "milliseconds_per_request" => Some(1.0),
            "per_nanosecond" | "nanoseconds_per_request" => Some(1e-6),
            _ => None,
        };
        if let Some(factor) = factor
            && let Some(value) = call.args.first().and_then(int_literal)
        {
            self.governor = true;
            self.interval = Some((value * factor, call_range(call)));
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'f syn::ExprCall) {
        if let Expr::Path(function) = &*call.func {
            let segments: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let tail: Vec<&str> = segments.iter().map(String::as_str).collect();
            match tail.as_slice() {
                [.., "GovernorConfigBuilder", "default"] => {
                    self.governor = true;
                    self.builder = Some(call.span().byte_range());
                }
                [.., "RateLimitLayer", "new"] => {
                    let count = call.args.first().and_then(int_literal);
                    let window = call.args.iter().nth(1).and_then(duration_ms);
                    if let (Some(count), Some(window)) = (count, window) {
                        self.tower = Some((count, window, call.span().byte_range()));
                    }
                }
                _ => {}
            }
        }
        visit::visit_expr_call(self, call);
    }
}

/// `Duration::from_secs(60)` and friends, in milliseconds.
fn duration_ms(expr: &Expr) -> Option<f64> {
    let Expr::Call(call) = peel(expr) else {
        return None;
    };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    let name = function.path.segments.last()?.ident.to_string();
    let value = int_literal(call.args.first()?)?;
    match name.as_str() {
        "from_secs" => Some(value * 1_000.0),
        "from_millis" => Some(value),
        "from_mins" => Some(value * 60_000.0),
        _ => None,
    }
}
