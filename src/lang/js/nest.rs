//! `NestJS` route facts: controllers (`@Controller`) and their handlers
//! (`@Post('login')`), guards on a class or a handler (`@UseGuards`),
//! `@Throttle` and `@SkipThrottle`, guards installed for the whole
//! application (an `APP_GUARD` provider in any module) and the
//! `ThrottlerModule.forRoot` settings every throttled route inherits.

use tree_sitter::Node;

use super::routes::{label_of, lockout};
use super::{JsFile, Property, Value, call_arguments, unwrap_expression};
use crate::routes::names::says_limit;
use crate::routes::{
    FileRoutes, Item, Limiter, Middleware, MiddlewareKind, Rate, Reach, Route, Router, count_text,
    duration_text,
};

const HTTP_DECORATORS: &[&str] = &[
    "Get", "Post", "Put", "Patch", "Delete", "All", "Options", "Head",
];

pub(super) fn extract(file: &JsFile<'_>, facts: &mut FileRoutes) {
    let mut cursor = file.tree.walk();
    let mut stack = vec![file.tree.root_node()];
    let mut classes = Vec::new();
    while let Some(node) = stack.pop() {
        match node.kind() {
            "class_declaration" | "class" => classes.push(node),
            "object" => provider(file, node, facts),
            "call_expression" => for_root(file, node, facts),
            _ => {}
        }
        stack.extend(node.named_children(&mut cursor));
    }
    classes.sort_by_key(Node::start_byte);
    for class in classes {
        controller(file, class, facts);
    }
}

/// The name a decorator calls (`Post` for `@Post('login')`, `UseGuards`)
/// and its arguments.
fn decorator_call<'t>(file: &JsFile<'t>, decorator: Node<'t>) -> Option<(&'t str, Vec<Node<'t>>)> {
    let expression = unwrap_expression(decorator.named_child(0)?);
    match expression.kind() {
        "call_expression" => {
            let function = expression.child_by_field_name("function")?;
            let name = match function.kind() {
                "member_expression" => file.text(function.child_by_field_name("property")?),
                _ => file.text(function),
            };
            Some((name, call_arguments(expression)))
        }
        "identifier" => Some((file.text(expression), Vec::new())),
        _ => None,
    }
}

/// The decorators of a class (on it or on its `export` statement).
fn class_decorators(class: Node<'_>) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut cursor = class.walk();
    found.extend(
        class
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator"),
    );
    if let Some(parent) = class.parent()
        && parent.kind() == "export_statement"
    {
        let mut cursor = parent.walk();
        found.extend(
            parent
                .children(&mut cursor)
                .filter(|c| c.kind() == "decorator"),
        );
    }
    found
}

/// The decorators of a method: its own children, or the siblings just
/// before it in the class body (where the grammar puts them).
fn method_decorators(method: Node<'_>) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut cursor = method.walk();
    found.extend(
        method
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator"),
    );
    let mut previous = method.prev_named_sibling();
    while let Some(node) = previous {
        if node.kind() != "decorator" {
            break;
        }
        found.push(node);
        previous = node.prev_named_sibling();
    }
    found
}

fn path_argument(file: &JsFile<'_>, arguments: &[Node<'_>]) -> String {
    let Some(first) = arguments.first() else {
        return String::new();
    };
    match file.model.value(*first) {
        Value::Str { text, .. } => text,
        Value::Object(object) => match file.model.property(object, "path") {
            Property::Set(path) => file.model.value(path).as_str().unwrap_or("").to_string(),
            _ => String::new(),
        },
        Value::Array(array) => file
            .model
            .array_elements(array)
            .first()
            .and_then(|(_, v)| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// What the decorators of a class or a method say about throttling.
#[derive(Default)]
struct Throttling {
    guards: Vec<Middleware>,
    rate: Option<Rate>,
    /// `Some(true)` for `@SkipThrottle()`, `Some(false)` for
    /// `@SkipThrottle(false)` (which undoes a class-level skip).
    skip: Option<bool>,
}

fn throttling(file: &JsFile<'_>, decorators: &[Node<'_>]) -> Throttling {
    let mut out = Throttling::default();
    for decorator in decorators {
        let Some((name, arguments)) = decorator_call(file, *decorator) else {
            continue;
        };
        match name {
            "UseGuards" => {
                for argument in arguments {
                    let label = label_of(file, argument);
                    let from_throttler = file
                        .model
                        .module_path(unwrap_expression(argument))
                        .or_else(|| file.model.callee_path(unwrap_expression(argument)))
                        .is_some_and(|p| p.module == "@nestjs/throttler");
                    let kind = if from_throttler || says_limit(&label) {
                        MiddlewareKind::Limiter(Limiter {
                            label: label.clone(),
                            rate: None,
                        })
                    } else {
                        MiddlewareKind::Other
                    };
                    out.guards.push(Middleware { label, kind });
                }
            }
            "Throttle" => out.rate = throttle_rate(file, *decorator, &arguments),
            "SkipThrottle" => {
                let value = arguments.first().map(|a| file.model.value(*a));
                out.skip = Some(!matches!(value, Some(Value::Bool(false))));
            }
            _ => {}
        }
    }
    out
}

/// `@Throttle({ default: { limit: 3, ttl: 60000 } })` (milliseconds) or
/// the older `@Throttle(3, 60)` (seconds).
fn throttle_rate(file: &JsFile<'_>, decorator: Node<'_>, arguments: &[Node<'_>]) -> Option<Rate> {
    let first = *arguments.first()?;
    match file.model.value(first) {
        Value::Object(object) => {
            let named = match file.model.property(object, "default") {
                Property::Set(inner) => file.model.object(inner),
                _ => None,
            };
            let settings = named.or_else(|| {
                let mut cursor = object.walk();
                let pair = object
                    .named_children(&mut cursor)
                    .find(|c| c.kind() == "pair")?;
                file.model.object(pair.child_by_field_name("value")?)
            })?;
            settings_rate(file, settings, 1.0)
        }
        Value::Number(limit) => {
            let ttl = arguments
                .get(1)
                .and_then(|t| file.model.value(*t).as_number())?;
            Some(rate(file, decorator, limit, ttl * 1000.0))
        }
        _ => None,
    }
}

/// `{ limit, ttl }`, `ttl` in units of `ttl_scale` milliseconds (1 from
/// `@nestjs/throttler` 5 on, 1000 before).
fn settings_rate(file: &JsFile<'_>, settings: Node<'_>, ttl_scale: f64) -> Option<Rate> {
    let Property::Set(limit_node) = file.model.property(settings, "limit") else {
        return None;
    };
    let Property::Set(ttl_node) = file.model.property(settings, "ttl") else {
        return None;
    };
    let limit = file.model.value(limit_node).as_number()?;
    let ttl = duration_value(file, ttl_node)? * ttl_scale;
    let at = limit_node.parent().unwrap_or(limit_node);
    Some(rate(file, at, limit, ttl))
}

/// A number of milliseconds, or `seconds(n)` / `minutes(n)` / `hours(n)`
/// from `@nestjs/throttler`.
fn duration_value(file: &JsFile<'_>, node: Node<'_>) -> Option<f64> {
    let node = unwrap_expression(node);
    if node.kind() == "call_expression" {
        let function = file.text(node.child_by_field_name("function")?);
        let n = file
            .model
            .value(*call_arguments(node).first()?)
            .as_number()?;
        return match function {
            "seconds" => Some(n * 1_000.0),
            "minutes" => Some(n * 60_000.0),
            "hours" => Some(n * 3_600_000.0),
            "days" => Some(n * 86_400_000.0),
            _ => None,
        };
    }
    file.model.value(node).as_number()
}

fn rate(file: &JsFile<'_>, at: Node<'_>, limit: f64, ttl_ms: f64) -> Rate {
    Rate {
        attempts: limit,
        window_ms: ttl_ms,
        file: crate::routes::index_key(&file.source.path),
        range: at.start_byte()..at.end_byte(),
        described: format!("{} per {}", count_text(limit), duration_text(ttl_ms)),
        lockout: false,
    }
}

fn controller(file: &JsFile<'_>, class: Node<'_>, facts: &mut FileRoutes) {
    let decorators = class_decorators(class);
    let Some(prefix) = decorators.iter().find_map(|d| {
        decorator_call(file, *d)
            .filter(|(name, _)| *name == "Controller")
            .map(|(_, arguments)| path_argument(file, &arguments))
    }) else {
        return;
    };
    let name = class
        .child_by_field_name("name")
        .map_or("controller", |n| file.text(n));
    let class_throttling = throttling(file, &decorators);
    let mut router = Router {
        name: name.to_string(),
        prefix,
        controller: true,
        ..Router::default()
    };
    if !class_throttling.guards.is_empty() {
        router.items.push(Item::Use {
            prefix: String::new(),
            middleware: class_throttling.guards.clone(),
            reach: Reach::All,
        });
    }
    let Some(body) = class.child_by_field_name("body") else {
        return;
    };
    let mut cursor = body.walk();
    let methods: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "method_definition")
        .collect();
    for method in methods {
        let decorators = method_decorators(method);
        let Some((verb, path)) = decorators.iter().find_map(|d| {
            decorator_call(file, *d)
                .filter(|(name, _)| HTTP_DECORATORS.contains(name))
                .map(|(name, arguments)| {
                    (name.to_ascii_uppercase(), path_argument(file, &arguments))
                })
        }) else {
            continue;
        };
        let own = throttling(file, &decorators);
        let handler = method
            .child_by_field_name("name")
            .map(|n| file.text(n).to_string());
        let skips = own.skip.or(class_throttling.skip).unwrap_or(false);
        let counter = lockout(file, method);
        let mut middleware = own.guards;
        if let Some(counter) = &counter {
            middleware.push(Middleware {
                label: counter.label.clone(),
                kind: MiddlewareKind::Limiter(counter.clone()),
            });
        }
        router.items.push(Item::Route(Route {
            method: verb,
            path,
            handler,
            middleware,
            range: method.start_byte()..method_end(method),
            lockout: counter.is_some(),
            skips_throttle: skips,
            throttle: own.rate.or_else(|| class_throttling.rate.clone()),
        }));
    }
    facts.routers.push(router);
}

/// Where a handler is reported: its signature, not its whole body.
fn method_end(method: Node<'_>) -> usize {
    method
        .child_by_field_name("body")
        .map_or(method.end_byte(), |b| b.start_byte())
}

/// `{ provide: APP_GUARD, useClass: ThrottlerGuard }` in any module.
fn provider(file: &JsFile<'_>, object: Node<'_>, facts: &mut FileRoutes) {
    let Property::Set(provide) = file.model.property(object, "provide") else {
        return;
    };
    if !file.text(provide).ends_with("APP_GUARD") {
        return;
    }
    let guard =
        ["useClass", "useExisting"]
            .iter()
            .find_map(|key| match file.model.property(object, key) {
                Property::Set(value) => Some(value),
                _ => None,
            });
    let Some(guard) = guard else {
        return;
    };
    let label = label_of(file, guard);
    let from_throttler = file
        .model
        .module_path(guard)
        .is_some_and(|p| p.module == "@nestjs/throttler");
    if from_throttler || says_limit(&label) {
        facts.global_limiter = Some(Limiter { label, rate: None });
    }
}

/// `ThrottlerModule.forRoot([{ ttl: 60000, limit: 10 }])`, or the older
/// `forRoot({ ttl: 60, limit: 10 })` in seconds.
fn for_root<'t>(file: &JsFile<'t>, call: Node<'t>, facts: &mut FileRoutes) {
    let Some(path) = file.model.callee_path(call) else {
        return;
    };
    if !path.is("@nestjs/throttler", &["ThrottlerModule", "forRoot"]) {
        return;
    }
    let Some(argument) = call_arguments(call).first().copied() else {
        return;
    };
    let first_of = |array: Node<'t>| -> Option<Node<'t>> {
        file.model
            .array_elements(array)
            .into_iter()
            .find_map(|(_, value)| match value {
                Value::Object(object) => Some(object),
                _ => None,
            })
    };
    let rate = match file.model.value(argument) {
        Value::Array(array) => first_of(array).and_then(|o| settings_rate(file, o, 1.0)),
        Value::Object(object) => match file.model.property(object, "throttlers") {
            Property::Set(list) => match file.model.value(list) {
                Value::Array(array) => first_of(array).and_then(|o| settings_rate(file, o, 1.0)),
                _ => None,
            },
            _ => settings_rate(file, object, 1000.0),
        },
        _ => None,
    };
    if rate.is_some() {
        facts.default_rate = rate;
    }
}
