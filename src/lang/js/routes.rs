//! Route facts of one JavaScript or TypeScript file, for the project's route
//! model ([`crate::routes`]): Express, Koa (`@koa/router`) and Fastify
//! routers and applications with the routes and middleware registered on
//! them in order, functions that register routes on a parameter (route
//! modules, Fastify plugins), `NestJS` controllers with their guards and
//! throttling decorators, and what the file exports.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{FUNCTION_KINDS, JsFile, Property, Value, call_arguments, unwrap_expression};
use crate::routes::names::says_limit;
use crate::routes::{
    Export, FileRoutes, Item, Limiter, Middleware, MiddlewareKind, Rate, Reach, Route, Router,
    RouterRef, count_text, duration_text, index_key, parse_duration,
};

/// Resolution through aliases and wrappers stops after this many steps.
const MAX_DEPTH: usize = 12;

const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head",
];

/// Packages whose middleware limits attempts.
const LIMITER_PACKAGES: &[&str] = &[
    "express-rate-limit",
    "express-slow-down",
    "express-brute",
    "express-limiter",
    "rate-limiter-flexible",
    "koa-ratelimit",
    "koa2-ratelimit",
    "@fastify/rate-limit",
    "fastify-rate-limit",
    "@nestjs/throttler",
    "hono-rate-limiter",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framework {
    Express,
    Koa,
    Fastify,
}

/// Extracts the route facts of a file.
pub fn extract(file: &JsFile<'_>) -> FileRoutes {
    let mut extractor = Extractor {
        file,
        facts: FileRoutes {
            path: index_key(&file.source.path),
            ..FileRoutes::default()
        },
        routers: HashMap::new(),
        frameworks: Vec::new(),
        router_names: HashSet::new(),
    };
    extractor.find_param_routers();
    for call in &file.model.calls {
        extractor.call(*call);
    }
    extractor.exports();
    extractor.nest();
    extractor.next_routes();
    extractor.facts
}

/// The URL path of a Next.js route file, and whether it is an App Router
/// route handler (`app/**/route.ts`, one export per method) rather than a
/// Pages Router API route (`pages/api/**`, one default export).
pub fn next_route_path(path: &std::path::Path) -> Option<(String, bool)> {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = path.file_stem()?.to_str()?;
    if let Some(pages) = parts
        .windows(2)
        .rposition(|w| w[0] == "pages" && w[1] == "api")
    {
        let mut segments: Vec<&str> = parts[pages + 1..parts.len() - 1]
            .iter()
            .map(String::as_str)
            .collect();
        if stem != "index" {
            segments.push(stem);
        }
        return Some((format!("/{}", segments.join("/")), false));
    }
    if stem == "route"
        && let Some(app) = parts.iter().rposition(|p| p == "app")
    {
        // Route groups `(auth)` and private folders `_lib` are not in the URL.
        let segments: Vec<&str> = parts[app + 1..parts.len() - 1]
            .iter()
            .map(String::as_str)
            .filter(|s| !(s.starts_with('(') && s.ends_with(')')))
            .collect();
        return Some((format!("/{}", segments.join("/")), true));
    }
    None
}

struct Extractor<'a, 't> {
    file: &'a JsFile<'t>,
    facts: FileRoutes,
    /// Router index by the start byte of the name that declares it.
    routers: HashMap<usize, usize>,
    /// Per router, the framework whose semantics its calls follow.
    frameworks: Vec<Framework>,
    /// The names routers are declared under, for a cheap test before a
    /// lookup.
    router_names: HashSet<String>,
}

impl<'t> Extractor<'_, 't> {
    fn text(&self, node: Node<'t>) -> &'t str {
        self.file.text(node)
    }

    fn add_router(
        &mut self,
        key: usize,
        name: &str,
        framework: Framework,
        prefix: String,
    ) -> usize {
        if let Some(index) = self.routers.get(&key) {
            return *index;
        }
        self.facts.routers.push(Router {
            name: name.to_string(),
            prefix,
            ..Router::default()
        });
        self.router_names.insert(name.to_string());
        self.frameworks.push(framework);
        let index = self.facts.routers.len() - 1;
        self.routers.insert(key, index);
        index
    }

    /// Parameters used as routers: `module.exports = (app) => { app.post(..) }`
    /// and Fastify plugins `async function routes(fastify) { fastify.post(..) }`.
    fn find_param_routers(&mut self) {
        for call in &self.file.model.calls {
            let Some((object, method)) = member_call(self.file, *call) else {
                continue;
            };
            if object.kind() != "identifier" {
                continue;
            }
            let arguments = call_arguments(*call);
            let routes = HTTP_METHODS.contains(&method)
                && arguments.len() >= 2
                && self.string(arguments[0]).is_some();
            let plugin = matches!(method, "register" | "route" | "use") && !arguments.is_empty();
            if !routes && !plugin {
                continue;
            }
            let name = self.text(object);
            if !matches!(
                self.file.model.binding(name, object),
                Some(super::Binding::Unknown)
            ) {
                continue;
            }
            let Some(declaration) = self.file.model.declaration_name(name, object) else {
                continue;
            };
            if !is_parameter(declaration) {
                continue;
            }
            let framework = if method == "register"
                || name.to_ascii_lowercase().contains("fastify")
                || self.file.model.uses_module("fastify")
            {
                Framework::Fastify
            } else if self.file.model.uses_module("koa")
                || self.file.model.uses_module("@koa/router")
            {
                Framework::Koa
            } else {
                Framework::Express
            };
            self.add_router(declaration.start_byte(), name, framework, String::new());
        }
    }

    /// The router an expression refers to, creating it on first sight.
    fn router_of(&mut self, expression: Node<'t>, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let expression = unwrap_expression(expression);
        if !matches!(
            expression.kind(),
            "identifier" | "shorthand_property_identifier"
        ) {
            return None;
        }
        let name = self.text(expression);
        let declaration = self.file.model.declaration_name(name, expression)?;
        if let Some(index) = self.routers.get(&declaration.start_byte()) {
            return Some(*index);
        }
        match self.file.model.binding(name, expression)? {
            super::Binding::Value(init) => {
                let init = unwrap_expression(*init);
                if init.kind() == "identifier" {
                    return self.router_of(init, depth + 1);
                }
                let (framework, prefix) = self.router_factory(init)?;
                Some(self.add_router(declaration.start_byte(), name, framework, prefix))
            }
            _ => None,
        }
    }

    /// `express()`, `express.Router()`, `Router()`, `new Koa()`,
    /// `new Router({ prefix })`, `fastify()`, `require('fastify')(opts)`.
    fn router_factory(&self, init: Node<'t>) -> Option<(Framework, String)> {
        if !matches!(init.kind(), "call_expression" | "new_expression") {
            return None;
        }
        let path = self.file.model.callee_path(init)?;
        let members = path.members_without_default();
        // An application's own wrapper, `require('../shared/express')`,
        // re-exports the framework under its name.
        let module = if path.module.starts_with('.') {
            path.module
                .rsplit('/')
                .next()
                .map_or("", |name| name.split('.').next().unwrap_or(name))
        } else {
            path.module.as_str()
        };
        let framework = match (module, members.as_slice()) {
            ("express", [] | ["Router"] | ["default", "Router"]) => Framework::Express,
            ("koa" | "@koa/router" | "koa-router", [] | ["Router"]) => Framework::Koa,
            ("fastify", [] | ["fastify" | "Fastify"]) => Framework::Fastify,
            _ => return None,
        };
        let prefix = call_arguments(init)
            .first()
            .and_then(|o| self.file.model.object(*o))
            .and_then(|o| self.property_string(o, "prefix"))
            .unwrap_or_default();
        Some((framework, prefix))
    }

    fn string(&self, node: Node<'t>) -> Option<String> {
        self.file.model.value(node).as_str().map(str::to_string)
    }

    fn number(&self, node: Node<'t>) -> Option<f64> {
        self.file.model.value(node).as_number()
    }

    fn property_node(&self, object: Node<'t>, key: &str) -> Option<Node<'t>> {
        match self.file.model.property(object, key) {
            Property::Set(node) => Some(node),
            _ => None,
        }
    }

    fn property_string(&self, object: Node<'t>, key: &str) -> Option<String> {
        self.property_node(object, key).and_then(|n| self.string(n))
    }

    fn call(&mut self, call: Node<'t>) {
        if let Some((_, "useGlobalGuards")) = member_call(self.file, call) {
            // `app.useGlobalGuards(new ThrottlerGuard(..))` on a Nest app.
            self.global_guards(&call_arguments(call));
            return;
        }
        if let Some((object, method)) = member_call(self.file, call) {
            // Name lookups cost a walk over the name's declarations, which
            // bundles repeat thousands of times: only methods routers have
            // are worth one.
            let router_method = HTTP_METHODS.contains(&method)
                || matches!(method, "route" | "use" | "register" | "addHook");
            if router_method && let Some(router) = self.router_of(object, 0) {
                self.router_call(router, call, method);
                return;
            }
            if HTTP_METHODS.contains(&method)
                && let Some((router, path)) = self.route_chain(object)
            {
                // `router.route('/login').post(limiter, handler)`
                let arguments = call_arguments(call);
                self.add_route(router, call, method, &path, &arguments, None);
                return;
            }
        }
        self.registration_call(call);
    }

    /// `router.route('/x')`, under any number of `.get(..)`/`.post(..)`.
    fn route_chain(&mut self, mut object: Node<'t>) -> Option<(usize, String)> {
        for _ in 0..MAX_DEPTH {
            let (inner, method) = member_call(self.file, object)?;
            if method == "route" {
                let router = self.router_of(inner, 0)?;
                let path = self.string(*call_arguments(object).first()?)?;
                return Some((router, path));
            }
            if !HTTP_METHODS.contains(&method) {
                return None;
            }
            object = inner;
        }
        None
    }

    fn router_call(&mut self, router: usize, call: Node<'t>, method: &str) {
        let arguments = call_arguments(call);
        let framework = self.frameworks[router];
        match method {
            _ if HTTP_METHODS.contains(&method) => {
                let Some(path) = arguments.first().and_then(|a| self.string(*a)) else {
                    return;
                };
                if arguments.len() < 2 {
                    return;
                }
                let options = (framework == Framework::Fastify && arguments.len() >= 3)
                    .then(|| self.file.model.object(arguments[1]))
                    .flatten();
                self.add_route(router, call, method, &path, &arguments[1..], options);
            }
            "route" if framework == Framework::Fastify => {
                let Some(options) = arguments.first().and_then(|o| self.file.model.object(*o))
                else {
                    return;
                };
                let Some(path) = self
                    .property_string(options, "url")
                    .or_else(|| self.property_string(options, "path"))
                else {
                    return;
                };
                let methods: Vec<String> = match self.property_node(options, "method") {
                    Some(node) => match self.file.model.value(node) {
                        Value::Str { text, .. } => vec![text],
                        Value::Array(array) => self
                            .file
                            .model
                            .array_elements(array)
                            .into_iter()
                            .filter_map(|(_, v)| v.as_str().map(str::to_string))
                            .collect(),
                        _ => vec!["ALL".to_string()],
                    },
                    None => return,
                };
                let handler = self.property_node(options, "handler");
                for method in methods {
                    let arguments: Vec<Node<'t>> = handler.into_iter().collect();
                    self.add_route(router, call, &method, &path, &arguments, Some(options));
                }
            }
            "use" => self.use_call(router, &arguments),
            "addHook" => {
                // `fastify.addHook('onRequest', fastify.rateLimit())`
                let hook = arguments.first().and_then(|a| self.string(*a));
                if matches!(
                    hook.as_deref(),
                    Some("onRequest" | "preHandler" | "preValidation" | "preParsing")
                ) && let Some(function) = arguments.get(1)
                {
                    let middleware = vec![self.middleware(*function, 0)];
                    self.facts.routers[router].items.push(Item::Use {
                        prefix: String::new(),
                        middleware,
                        reach: Reach::Later,
                    });
                }
            }
            "register" => self.register_call(router, &arguments),
            _ => {}
        }
    }

    fn global_guards(&mut self, arguments: &[Node<'t>]) {
        for argument in arguments {
            let middleware = self.middleware(*argument, 0);
            if let MiddlewareKind::Limiter(limiter) = middleware.kind {
                self.facts.global_limiter = Some(limiter);
            } else if says_limit(&middleware.label) {
                self.facts.global_limiter = Some(Limiter {
                    label: middleware.label,
                    rate: None,
                });
            }
        }
    }

    fn add_route(
        &mut self,
        router: usize,
        call: Node<'t>,
        method: &str,
        path: &str,
        arguments: &[Node<'t>],
        options: Option<Node<'t>>,
    ) {
        let Some((handler, middleware_nodes)) = arguments.split_last() else {
            return;
        };
        let mut middleware = Vec::new();
        for node in middleware_nodes {
            if Some(*node) == options {
                continue;
            }
            self.push_middleware(*node, &mut middleware);
        }
        if let Some(options) = options {
            self.fastify_route_options(options, &mut middleware);
        }
        let handler_name = self.handler_name(*handler);
        let counter = self
            .function_of(*handler, 0)
            .and_then(|f| lockout(self.file, f));
        let lockout = counter.is_some();
        if let Some(counter) = counter {
            middleware.push(Middleware {
                label: counter.label.clone(),
                kind: MiddlewareKind::Limiter(counter),
            });
        }
        let method = if method == "del" {
            "DELETE".to_string()
        } else {
            method.to_ascii_uppercase()
        };
        self.facts.routers[router].items.push(Item::Route(Route {
            method,
            path: path.to_string(),
            handler: handler_name,
            middleware,
            range: call.start_byte()..call.end_byte(),
            lockout,
            skips_throttle: false,
            throttle: None,
        }));
    }

    /// `{ config: { rateLimit: {..} }, preHandler: [..], onRequest: .. }`
    fn fastify_route_options(&mut self, options: Node<'t>, middleware: &mut Vec<Middleware>) {
        if let Some(config) = self
            .property_node(options, "config")
            .and_then(|c| self.file.model.object(c))
            && let Some(rate_limit) = self.property_node(config, "rateLimit")
        {
            let rate = self
                .file
                .model
                .object(rate_limit)
                .and_then(|o| self.fastify_rate(o, None));
            middleware.push(Middleware {
                label: "config.rateLimit".to_string(),
                kind: MiddlewareKind::Limiter(Limiter {
                    label: "config.rateLimit".to_string(),
                    rate,
                }),
            });
        }
        for hook in ["onRequest", "preHandler", "preValidation", "preParsing"] {
            if let Some(node) = self.property_node(options, hook) {
                self.push_middleware(node, middleware);
            }
        }
    }

    /// Adds a middleware argument, flattening arrays.
    fn push_middleware(&mut self, node: Node<'t>, out: &mut Vec<Middleware>) {
        if let Value::Array(array) = self.file.model.value(node) {
            for (element, _) in self.file.model.array_elements(array) {
                self.push_middleware(element, out);
            }
            return;
        }
        out.push(self.middleware(node, 0));
    }

    fn use_call(&mut self, router: usize, arguments: &[Node<'t>]) {
        let mut rest = arguments;
        let mut prefix = String::new();
        if let Some(first) = arguments.first()
            && let Some(path) = self.string(*first)
        {
            prefix = path;
            rest = &arguments[1..];
        }
        let mut middleware = Vec::new();
        for argument in rest {
            if let Some(child) = self.child_router(*argument) {
                let fallback = match &child {
                    RouterRef::Import { .. } => Some(self.middleware(*argument, 0)),
                    _ => None,
                };
                self.facts.routers[router].items.push(Item::Mount {
                    prefix: prefix.clone(),
                    middleware: middleware.clone(),
                    child,
                    fallback,
                });
            } else {
                self.push_middleware(*argument, &mut middleware);
            }
        }
        if !middleware.is_empty() {
            self.facts.routers[router].items.push(Item::Use {
                prefix,
                middleware,
                reach: Reach::Later,
            });
        }
    }

    /// A router mounted by `use`: a local router, `router.routes()` (Koa),
    /// or an import from a relative module.
    fn child_router(&mut self, argument: Node<'t>) -> Option<RouterRef> {
        let argument = unwrap_expression(argument);
        if let Some(router) = self.router_of(argument, 0) {
            return Some(RouterRef::Local(router));
        }
        if let Some((object, method)) = member_call(self.file, argument)
            && matches!(method, "routes" | "middleware")
        {
            // Koa: `app.use(router.routes())`, the router local or imported.
            if let Some(router) = self.router_of(object, 0) {
                return Some(RouterRef::Local(router));
            }
            return self
                .relative_import(object)
                .map(|(module, name)| RouterRef::Import { module, name });
        }
        self.relative_import(argument)
            .map(|(module, name)| RouterRef::Import { module, name })
    }

    /// `(module, export)` when an expression is an export of a relative
    /// module: `require('./auth')`, `import auth from './auth'`,
    /// `const { router } = require('./auth')`.
    fn relative_import(&self, expression: Node<'t>) -> Option<(String, String)> {
        let path = self.file.model.module_path(expression)?;
        if !(path.module.starts_with("./") || path.module.starts_with("../")) {
            return None;
        }
        let members = path.members_without_default();
        let name = match members.as_slice() {
            [] => "default".to_string(),
            [name] => (*name).to_string(),
            _ => return None,
        };
        Some((path.module.clone(), name))
    }

    /// `fastify.register(plugin, { prefix })` and
    /// `fastify.register(require('@fastify/rate-limit'), {..})`.
    fn register_call(&mut self, router: usize, arguments: &[Node<'t>]) {
        let Some(plugin) = arguments.first() else {
            return;
        };
        let options = arguments.get(1).and_then(|o| self.file.model.object(*o));
        let module = self.file.model.module_path(*plugin).map(|p| p.module);
        if let Some(module) = &module
            && matches!(
                module.as_str(),
                "@fastify/rate-limit" | "fastify-rate-limit"
            )
        {
            let global = options
                .and_then(|o| self.property_node(o, "global"))
                .map(|g| self.file.model.value(g));
            if matches!(global, Some(Value::Bool(false))) {
                return;
            }
            let rate = match options {
                Some(options) => self.fastify_rate(options, Some(*plugin)),
                None => Some(self.fastify_rate_defaults(*plugin)),
            };
            self.facts.routers[router].items.push(Item::Use {
                prefix: String::new(),
                middleware: vec![Middleware {
                    label: module.clone(),
                    kind: MiddlewareKind::Limiter(Limiter {
                        label: module.clone(),
                        rate,
                    }),
                }],
                reach: Reach::Later,
            });
            return;
        }
        let prefix = options
            .and_then(|o| self.property_string(o, "prefix"))
            .unwrap_or_default();
        let child = if let Some(function) = self.function_of(*plugin, 0) {
            self.function_router(function).map(RouterRef::Local)
        } else {
            self.relative_import(*plugin)
                .map(|(module, name)| RouterRef::Import { module, name })
        };
        if let Some(child) = child {
            self.facts.routers[router].items.push(Item::Mount {
                prefix,
                middleware: Vec::new(),
                child,
                fallback: None,
            });
        } else {
            // A plugin authlint cannot follow (an npm package): judged as
            // middleware by name, for `fastify.register(myRateLimiter)`.
            let middleware = self.middleware(*plugin, 0);
            if matches!(middleware.kind, MiddlewareKind::Limiter(_))
                || says_limit(&middleware.label)
            {
                self.facts.routers[router].items.push(Item::Use {
                    prefix,
                    middleware: vec![middleware],
                    reach: Reach::Later,
                });
            }
        }
    }

    /// Calls that hand a router to a function: `require('./routes')(app)`,
    /// `registerAuthRoutes(router)`.
    fn registration_call(&mut self, call: Node<'t>) {
        if call.kind() != "call_expression" {
            return;
        }
        let arguments = call_arguments(call);
        let Some((position, router)) = arguments.iter().enumerate().find_map(|(i, a)| {
            // Only names already seen as routers can be one here.
            let name = self.text(unwrap_expression(*a));
            if !self.router_names.contains(name) {
                return None;
            }
            self.router_of(*a, 0).map(|r| (i, r))
        }) else {
            return;
        };
        let Some(callee) = call.child_by_field_name("function") else {
            return;
        };
        let child = if let Some(function) = self.function_of(callee, 0) {
            let parameter = parameters(function).get(position).copied();
            parameter
                .and_then(|p| self.routers.get(&p.start_byte()).copied())
                .map(RouterRef::Local)
        } else {
            self.relative_import(callee)
                .map(|(module, name)| RouterRef::Import { module, name })
        };
        if let Some(child) = child {
            self.facts.routers[router].items.push(Item::Mount {
                prefix: String::new(),
                middleware: Vec::new(),
                child,
                fallback: None,
            });
        }
    }

    /// The router a function registers routes on: its parameter router.
    fn function_router(&self, function: Node<'t>) -> Option<usize> {
        parameters(function)
            .iter()
            .find_map(|p| self.routers.get(&p.start_byte()).copied())
    }

    /// The function an expression holds: inline, declared, or wrapped in a
    /// call such as `fp(async (fastify) => ..)`.
    fn function_of(&self, expression: Node<'t>, depth: usize) -> Option<Node<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let expression = unwrap_expression(expression);
        if FUNCTION_KINDS.contains(&expression.kind()) {
            return Some(expression);
        }
        match expression.kind() {
            "identifier" | "shorthand_property_identifier" => {
                match self.file.model.binding(self.text(expression), expression)? {
                    super::Binding::Declared(node) if node.kind().contains("function") => {
                        Some(*node)
                    }
                    super::Binding::Value(init) => self.function_of(*init, depth + 1),
                    _ => None,
                }
            }
            "call_expression" => {
                let first = *call_arguments(expression).first()?;
                let function = self.function_of(first, depth + 1)?;
                // Only wrappers of plugins (`fp(fn)`), not calls that
                // build middleware from a callback.
                self.function_router(function).map(|_| function)
            }
            _ => None,
        }
    }

    fn handler_name(&self, handler: Node<'t>) -> Option<String> {
        let handler = unwrap_expression(handler);
        match handler.kind() {
            "identifier" => Some(self.text(handler).to_string()),
            "member_expression" => handler
                .child_by_field_name("property")
                .map(|p| self.text(p).to_string()),
            "call_expression" => {
                // `asyncHandler(login)`, `passport.authenticate('local')`
                let callee = handler.child_by_field_name("function")?;
                let callee_name = match callee.kind() {
                    "member_expression" => self.text(callee.child_by_field_name("property")?),
                    _ => self.text(callee),
                };
                if callee_name == "authenticate" {
                    return Some("authenticate".to_string());
                }
                call_arguments(handler)
                    .first()
                    .and_then(|a| self.handler_name(*a))
            }
            "function_expression" | "function_declaration" => handler
                .child_by_field_name("name")
                .map(|n| self.text(n).to_string()),
            _ => None,
        }
    }

    /// What a piece of middleware is.
    fn middleware(&self, node: Node<'t>, depth: usize) -> Middleware {
        let node = unwrap_expression(node);
        let label = label_of(self.file, node);
        let kind = self.middleware_kind(node, &label, depth);
        Middleware { label, kind }
    }

    fn middleware_kind(&self, node: Node<'t>, label: &str, depth: usize) -> MiddlewareKind {
        if depth > MAX_DEPTH {
            return MiddlewareKind::Other;
        }
        if let Some(limiter) = self.known_limiter(node, label) {
            return MiddlewareKind::Limiter(limiter);
        }
        if let Some((module, name)) = self.relative_import(node) {
            return MiddlewareKind::Import { module, name };
        }
        if let Some(function) = self.function_of(node, 0) {
            if let Some(counter) = lockout(self.file, function) {
                return MiddlewareKind::Limiter(Limiter {
                    label: label.to_string(),
                    rate: counter.rate,
                });
            }
            if consumes_limiter(self.file, function) {
                return MiddlewareKind::Limiter(Limiter {
                    label: label.to_string(),
                    rate: None,
                });
            }
        }
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                match self.file.model.binding(self.text(node), node) {
                    Some(super::Binding::Value(init)) => {
                        self.middleware_kind(unwrap_expression(*init), label, depth + 1)
                    }
                    _ => MiddlewareKind::Other,
                }
            }
            "call_expression" => {
                // `limiter.middleware()`, `protect(loginLimiter)`: the
                // callee or an argument may name the limiter.
                let callee = node.child_by_field_name("function");
                if let Some(callee) = callee
                    && callee.kind() == "member_expression"
                    && let Some(object) = callee.child_by_field_name("object")
                    && let MiddlewareKind::Limiter(limiter) =
                        self.middleware_kind(unwrap_expression(object), label, depth + 1)
                {
                    return MiddlewareKind::Limiter(limiter);
                }
                MiddlewareKind::Other
            }
            "member_expression" => {
                // `bruteforce.prevent`
                let Some(object) = node.child_by_field_name("object") else {
                    return MiddlewareKind::Other;
                };
                match self.middleware_kind(unwrap_expression(object), label, depth + 1) {
                    limiter @ MiddlewareKind::Limiter(_) => limiter,
                    _ => MiddlewareKind::Other,
                }
            }
            _ => MiddlewareKind::Other,
        }
    }

    /// A call or instance of a limiter package, with its settings.
    fn known_limiter(&self, node: Node<'t>, label: &str) -> Option<Limiter> {
        if !matches!(node.kind(), "call_expression" | "new_expression") {
            return None;
        }
        let path = self.file.model.callee_path(node)?;
        if !LIMITER_PACKAGES.contains(&path.module.as_str()) {
            return None;
        }
        let options = call_arguments(node)
            .first()
            .and_then(|o| self.file.model.object(*o));
        let rate = match path.module.as_str() {
            "express-rate-limit" => match options {
                Some(options) => self.express_rate(options, node),
                None => Some(self.rate(node, 5.0, 60_000.0, "the default of 5 per minute".into())),
            },
            "koa-ratelimit" => options.and_then(|o| self.koa_rate(o)),
            _ => None,
        };
        Some(Limiter {
            label: label.to_string(),
            rate,
        })
    }

    fn rate(&self, node: Node<'t>, attempts: f64, window_ms: f64, described: String) -> Rate {
        Rate {
            attempts,
            window_ms,
            file: self.facts.path.clone(),
            range: node.start_byte()..node.end_byte(),
            described,
            lockout: false,
        }
    }

    /// `rateLimit({ windowMs, max | limit })`; unset keys take the
    /// package's defaults (60 s, 5).
    fn express_rate(&self, options: Node<'t>, call: Node<'t>) -> Option<Rate> {
        let max_node = self
            .property_node(options, "limit")
            .or_else(|| self.property_node(options, "max"));
        let window_node = self.property_node(options, "windowMs");
        if matches!(self.file.model.property(options, "max"), Property::Unknown) {
            return None;
        }
        let attempts = match max_node {
            Some(node) => self.number(node)?,
            None => 5.0,
        };
        let window_ms = match window_node {
            Some(node) => self.number(node)?,
            None => 60_000.0,
        };
        let at = max_node.and_then(|n| n.parent()).unwrap_or(call);
        Some(self.rate(
            at,
            attempts,
            window_ms,
            format!("{} per {}", count_text(attempts), duration_text(window_ms)),
        ))
    }

    fn koa_rate(&self, options: Node<'t>) -> Option<Rate> {
        let max_node = self.property_node(options, "max")?;
        let attempts = self.number(max_node)?;
        let window_ms = match self.property_node(options, "duration") {
            Some(node) => self.number(node)?,
            None => 3_600_000.0,
        };
        let at = max_node.parent().unwrap_or(max_node);
        Some(self.rate(
            at,
            attempts,
            window_ms,
            format!("{} per {}", count_text(attempts), duration_text(window_ms)),
        ))
    }

    /// `@fastify/rate-limit` options: `max` (default 1000) per `timeWindow`
    /// (default one minute; milliseconds or a string such as `'1 minute'`).
    fn fastify_rate(&self, options: Node<'t>, plugin: Option<Node<'t>>) -> Option<Rate> {
        let max_node = self.property_node(options, "max");
        if max_node.is_none() && plugin.is_none() {
            // A per-route override without `max` keeps the plugin's.
            return None;
        }
        let attempts = match max_node {
            Some(node) => self.number(node)?,
            None => 1000.0,
        };
        let window_ms = match self.property_node(options, "timeWindow") {
            Some(node) => match self.file.model.value(node) {
                Value::Number(ms) => ms,
                Value::Str { text, .. } => parse_duration(&text)?,
                _ => return None,
            },
            None => 60_000.0,
        };
        let at = max_node
            .and_then(|n| n.parent())
            .or(plugin)
            .unwrap_or(options);
        Some(self.rate(
            at,
            attempts,
            window_ms,
            format!("{} per {}", count_text(attempts), duration_text(window_ms)),
        ))
    }

    fn fastify_rate_defaults(&self, plugin: Node<'t>) -> Rate {
        self.rate(
            plugin,
            1000.0,
            60_000.0,
            "the default of 1000 per minute".into(),
        )
    }

    /// `module.exports = router`, `exports.x = ..`, `export default ..`,
    /// `export const x = ..`, `export { x }`.
    fn exports(&mut self) {
        for assignment in &self.file.model.assignments {
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            let target = self.text(left);
            if target == "module.exports" {
                if let Some(object) = self.file.model.object(right) {
                    let mut cursor = object.walk();
                    let entries: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
                    for entry in entries {
                        match entry.kind() {
                            "pair" => {
                                if let (Some(key), Some(value)) = (
                                    entry.child_by_field_name("key"),
                                    entry.child_by_field_name("value"),
                                ) {
                                    let key = self.text(key).to_string();
                                    self.export(&key, value);
                                }
                            }
                            "shorthand_property_identifier" => {
                                let key = self.text(entry).to_string();
                                self.export(&key, entry);
                            }
                            _ => {}
                        }
                    }
                } else {
                    self.export("default", right);
                }
            } else if let Some(name) = target
                .strip_prefix("module.exports.")
                .or_else(|| target.strip_prefix("exports."))
            {
                self.export(name, right);
            }
        }
        let root = self.file.tree.root_node();
        let mut cursor = root.walk();
        let statements: Vec<Node<'t>> = root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "export_statement")
            .collect();
        for statement in statements {
            self.export_statement(statement);
        }
    }

    fn export_statement(&mut self, statement: Node<'t>) {
        let is_default = {
            let mut cursor = statement.walk();
            statement
                .children(&mut cursor)
                .any(|c| c.kind() == "default")
        };
        if let Some(value) = statement.child_by_field_name("value") {
            self.export("default", value);
            return;
        }
        if let Some(declaration) = statement.child_by_field_name("declaration") {
            match declaration.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut cursor = declaration.walk();
                    let declarators: Vec<Node<'t>> = declaration
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() == "variable_declarator")
                        .collect();
                    for declarator in declarators {
                        if let Some(name) = declarator.child_by_field_name("name") {
                            let key = self.text(name).to_string();
                            self.export(&key, name);
                        }
                    }
                }
                kind if kind.contains("function") => {
                    let name = declaration
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string());
                    let key = if is_default {
                        "default".to_string()
                    } else {
                        name.unwrap_or_default()
                    };
                    if let Some(router) = self.function_router(declaration) {
                        self.facts.exports.push((key, Export::Router(router)));
                    }
                }
                _ => {}
            }
            return;
        }
        // `export { router as authRouter }`
        let mut cursor = statement.walk();
        let clauses: Vec<Node<'t>> = statement
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "export_clause")
            .collect();
        for clause in clauses {
            let mut inner = clause.walk();
            let specifiers: Vec<Node<'t>> = clause.named_children(&mut inner).collect();
            for specifier in specifiers {
                let Some(name) = specifier.child_by_field_name("name") else {
                    continue;
                };
                let exported = specifier
                    .child_by_field_name("alias")
                    .map_or_else(|| self.text(name), |a| self.text(a))
                    .to_string();
                self.export(&exported, name);
            }
        }
    }

    /// Records an export when it is a router, a route-registering function
    /// or a limiter.
    fn export(&mut self, name: &str, value: Node<'t>) {
        if let Some(router) = self.router_of(value, 0) {
            self.facts
                .exports
                .push((name.to_string(), Export::Router(router)));
            return;
        }
        if let Some(function) = self.function_of(value, 0)
            && let Some(router) = self.function_router(function)
        {
            self.facts
                .exports
                .push((name.to_string(), Export::Router(router)));
            return;
        }
        let middleware = self.middleware(value, 0);
        if let MiddlewareKind::Limiter(limiter) = middleware.kind {
            self.facts
                .exports
                .push((name.to_string(), Export::Limiter(limiter)));
        }
    }

    /// Next.js API routes: the file is the route. Limited when the handler
    /// calls a limiter (`await ratelimit.limit(ip)`) or counts failures.
    fn next_routes(&mut self) {
        let Some((path, app_router)) = next_route_path(&self.file.source.path) else {
            return;
        };
        let mut routes = Vec::new();
        let root = self.file.tree.root_node();
        let mut cursor = root.walk();
        let statements: Vec<Node<'t>> = root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "export_statement")
            .collect();
        for statement in statements {
            let is_default = {
                let mut inner = statement.walk();
                statement
                    .children(&mut inner)
                    .any(|c| c.kind() == "default")
            };
            let (method, function) = if app_router {
                let Some(declaration) = statement.child_by_field_name("declaration") else {
                    continue;
                };
                let (name, function) = match declaration.kind() {
                    kind if kind.contains("function") => {
                        (declaration.child_by_field_name("name"), Some(declaration))
                    }
                    "lexical_declaration" => {
                        let declarator = declaration.named_child(0);
                        (
                            declarator.and_then(|d| d.child_by_field_name("name")),
                            declarator
                                .and_then(|d| d.child_by_field_name("value"))
                                .and_then(|v| self.function_of(v, 0)),
                        )
                    }
                    _ => continue,
                };
                let Some(name) = name.map(|n| self.text(n)) else {
                    continue;
                };
                if !matches!(name, "POST" | "PUT" | "PATCH") {
                    continue;
                }
                (name.to_string(), function)
            } else if is_default {
                let function = statement
                    .child_by_field_name("declaration")
                    .or_else(|| statement.child_by_field_name("value"))
                    .and_then(|v| self.function_of(v, 0));
                ("ALL".to_string(), function)
            } else {
                continue;
            };
            let Some(function) = function else {
                continue;
            };
            let handler = function
                .child_by_field_name("name")
                .map(|n| self.text(n).to_string());
            let mut middleware = Vec::new();
            if let Some(counter) = lockout(self.file, function) {
                middleware.push(Middleware {
                    label: counter.label.clone(),
                    kind: MiddlewareKind::Limiter(counter),
                });
            }
            if let Some(label) = limiter_call(self.file, function) {
                middleware.push(Middleware {
                    label: label.clone(),
                    kind: MiddlewareKind::Limiter(Limiter { label, rate: None }),
                });
            }
            routes.push(Item::Route(Route {
                method,
                path: path.clone(),
                handler,
                middleware,
                range: statement.start_byte()..function_head_end(function),
                lockout: false,
                skips_throttle: false,
                throttle: None,
            }));
        }
        if !routes.is_empty() {
            self.facts.routers.push(Router {
                name: path.clone(),
                items: routes,
                ..Router::default()
            });
        }
    }

    /// `NestJS`: controllers, their routes and guards, `APP_GUARD`
    /// providers and `ThrottlerModule.forRoot` settings.
    fn nest(&mut self) {
        if !self.file.model.uses_module("@nestjs/common")
            && !self.file.model.uses_module("@nestjs/core")
            && !self.file.model.uses_module("@nestjs/throttler")
        {
            return;
        }
        super::nest::extract(self.file, &mut self.facts);
    }
}

/// `object.method(..)` as `(object, method)`.
pub(super) fn member_call<'t>(file: &JsFile<'t>, call: Node<'t>) -> Option<(Node<'t>, &'t str)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = unwrap_expression(call.child_by_field_name("function")?);
    if function.kind() != "member_expression" {
        return None;
    }
    let object = unwrap_expression(function.child_by_field_name("object")?);
    let property = function.child_by_field_name("property")?;
    Some((object, file.text(property)))
}

fn is_parameter(name: Node<'_>) -> bool {
    let mut node = name;
    for _ in 0..3 {
        let Some(parent) = node.parent() else {
            return false;
        };
        if parent.kind() == "formal_parameters" {
            return true;
        }
        node = parent;
    }
    false
}

/// The names a function's parameters declare, in order (`(app)` or `app =>`).
fn parameters(function: Node<'_>) -> Vec<Node<'_>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![single];
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter_map(|p| match p.kind() {
            "identifier" => Some(p),
            "required_parameter" | "optional_parameter" => p
                .child_by_field_name("pattern")
                .filter(|n| n.kind() == "identifier"),
            "assignment_pattern" => p.child_by_field_name("left"),
            _ => None,
        })
        .collect()
}

/// How a piece of middleware is named in messages.
pub(super) fn label_of(file: &JsFile<'_>, node: Node<'_>) -> String {
    let node = unwrap_expression(node);
    let text = match node.kind() {
        "call_expression" => node
            .child_by_field_name("function")
            .map_or("", |f| file.text(f)),
        "new_expression" => node
            .child_by_field_name("constructor")
            .map_or("", |f| file.text(f)),
        kind if FUNCTION_KINDS.contains(&kind) => "an inline function",
        _ => file.text(node),
    };
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.len() > 60 {
        format!("{}…", &text[..text.floor_char_boundary(60)])
    } else {
        text
    }
}

/// A lockout a function implements, as a limiter: it increments something
/// named for attempts or failures and compares such a count. `None` when it
/// counts no failures; its rate is the number of failures it allows, when compared
/// with a literal or constant (`failedAttempts >= MAX_FAILED_ATTEMPTS`).
pub(super) fn lockout(file: &JsFile<'_>, function: Node<'_>) -> Option<Limiter> {
    let mut increments = false;
    let mut threshold: Option<Option<(f64, Node<'_>)>> = None;
    let mut cursor = function.walk();
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "update_expression" | "augmented_assignment_expression"
                if names_attempts(file.text(node)) =>
            {
                increments = true;
            }
            "pair" => {
                // `{ $inc: { failedLoginAttempts: 1 } }`
                if let Some(key) = node.child_by_field_name("key")
                    && names_attempts(file.text(key))
                    && node
                        .parent()
                        .and_then(|o| o.parent())
                        .and_then(|p| p.child_by_field_name("key"))
                        .is_some_and(|k| file.text(k).contains("inc"))
                {
                    increments = true;
                }
            }
            "call_expression" => {
                // `redis.incr('login:failed:' + ip)`
                if let Some((_, method)) = member_call(file, node)
                    && matches!(method, "incr" | "incrby" | "increment" | "hincrby")
                    && call_arguments(node)
                        .iter()
                        .any(|a| names_attempts(file.text(*a)))
                {
                    increments = true;
                }
            }
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| o.kind());
                if matches!(operator, ">" | ">=" | "<" | "<=") && names_attempts(file.text(node)) {
                    let allowed = failures_allowed(file, node, operator);
                    if threshold.is_none() || allowed.is_some() {
                        threshold = Some(allowed);
                    }
                }
            }
            _ => {}
        }
        stack.extend(node.named_children(&mut cursor));
    }
    if !increments {
        return None;
    }
    let threshold = threshold?;
    let rate = threshold.map(|(allowed, at)| Rate {
        attempts: allowed,
        window_ms: 60_000.0,
        file: index_key(&file.source.path),
        range: at.start_byte()..at.end_byte(),
        described: format!("{} failed attempts before locking", count_text(allowed)),
        lockout: true,
    });
    Some(Limiter {
        label: "lockout counter".to_string(),
        rate,
    })
}

/// How many failures a comparison lets through: `count >= 5` locks at the
/// fifth (5), `count > 5` at the sixth (6), `5 <= count` likewise.
fn failures_allowed<'t>(
    file: &JsFile<'t>,
    comparison: Node<'t>,
    operator: &str,
) -> Option<(f64, Node<'t>)> {
    let left = comparison.child_by_field_name("left")?;
    let right = comparison.child_by_field_name("right")?;
    let (limit, strict) = if names_attempts(file.text(left)) {
        (file.model.value(right).as_number()?, operator == ">")
    } else {
        (file.model.value(left).as_number()?, operator == "<")
    };
    Some((if strict { limit + 1.0 } else { limit }, comparison))
}

fn names_attempts(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("attempt") || lower.contains("fail") || lower.contains("retries")
}

/// Where a handler is reported: its head, not its whole body.
fn function_head_end(function: Node<'_>) -> usize {
    function
        .child_by_field_name("body")
        .map_or(function.end_byte(), |b| b.start_byte())
}

/// A call inside a handler that limits it, by the name of what is called:
/// `await ratelimit.limit(ip)`, `limiter.check(res, 5, ip)`,
/// `await checkRateLimit(req)`. A query's `.limit(10)` is not one.
fn limiter_call(file: &JsFile<'_>, function: Node<'_>) -> Option<String> {
    let mut cursor = function.walk();
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression"
            && let Some(callee) = node.child_by_field_name("function")
        {
            let callee = unwrap_expression(callee);
            let limits = match callee.kind() {
                "member_expression" => {
                    let object = callee
                        .child_by_field_name("object")
                        .map_or("", |o| file.text(o));
                    let property = callee
                        .child_by_field_name("property")
                        .map_or("", |p| file.text(p));
                    says_limit(object) || (property != "limit" && says_limit(property))
                }
                "identifier" => says_limit(file.text(callee)),
                _ => false,
            };
            if limits {
                return Some(label_of(file, node));
            }
        }
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// Whether a function consumes a `rate-limiter-flexible` limiter:
/// `await limiter.consume(req.ip)`.
fn consumes_limiter(file: &JsFile<'_>, function: Node<'_>) -> bool {
    let mut cursor = function.walk();
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        if let Some((object, method)) = member_call(file, node)
            && matches!(method, "consume" | "penalty")
        {
            let from_package = match object.kind() {
                "identifier" => match file.model.binding(file.text(object), object) {
                    Some(super::Binding::Value(init)) => file
                        .model
                        .callee_path(unwrap_expression(*init))
                        .is_some_and(|p| p.module == "rate-limiter-flexible"),
                    _ => false,
                },
                _ => false,
            };
            if from_package || says_limit(file.text(object)) {
                return true;
            }
        }
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
