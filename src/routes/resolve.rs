//! Joining the files' route facts: mounts are followed from the routers
//! nothing mounts (applications, or routers whose mount authlint cannot
//! see) down to every route, collecting full paths and the limiters in
//! each chain.

use std::collections::HashSet;
use std::ops::Range;

use super::names::says_limit;
use super::{
    Export, Item, Limiter, Middleware, MiddlewareKind, Rate, Reach, RouteIndex, RouterRef,
    join_paths, prefix_covers,
};

/// Mounts nested deeper than this are not followed (and cycles stop).
const MAX_MOUNT_DEPTH: usize = 16;

/// One way a route is reached: its full path and what limits it there.
#[derive(Debug, Clone)]
pub struct ResolvedRoute {
    pub file: usize,
    pub router: usize,
    pub item: usize,
    pub method: String,
    pub full_path: String,
    pub handler: Option<String>,
    pub range: Range<usize>,
    /// Every limiter in the chain, nearest last.
    pub limiters: Vec<Limiter>,
    /// The handler counts failed attempts itself.
    pub lockout: bool,
    /// The file that mounts the route's router, when it is mounted.
    pub mounted_from: Option<usize>,
}

impl ResolvedRoute {
    pub fn is_limited(&self) -> bool {
        self.lockout || !self.limiters.is_empty()
    }
}

type RouterId = (usize, usize);

struct Walk<'a> {
    index: &'a RouteIndex,
    limiter_names: &'a [String],
    global: Option<Limiter>,
    default_rate: Option<Rate>,
    out: Vec<ResolvedRoute>,
}

pub fn resolve(index: &RouteIndex, limiter_names: &[String]) -> Vec<ResolvedRoute> {
    let files = index.files();
    let mut mounted: HashSet<RouterId> = HashSet::new();
    for (file, facts) in files.iter().enumerate() {
        for router in &facts.routers {
            for item in &router.items {
                if let Item::Mount { child, .. } = item
                    && let Some(target) = target(index, file, child)
                {
                    mounted.insert(target);
                }
            }
        }
    }
    let mut walk = Walk {
        index,
        limiter_names,
        global: files.iter().find_map(|f| f.global_limiter.clone()),
        default_rate: files.iter().find_map(|f| f.default_rate.clone()),
        out: Vec::new(),
    };
    for (file, facts) in files.iter().enumerate() {
        for router in 0..facts.routers.len() {
            if !mounted.contains(&(file, router)) {
                let mut stack = Vec::new();
                walk.router((file, router), "", &[], None, &mut stack);
            }
        }
    }
    walk.out
}

/// The router a mount refers to.
fn target(index: &RouteIndex, file: usize, child: &RouterRef) -> Option<RouterId> {
    match child {
        RouterRef::Local(router) => Some((file, *router)),
        RouterRef::Import { module, name } => {
            let target = index.resolve_module(file, module)?;
            exported_router(index, target, name).map(|router| (target, router))
        }
        RouterRef::Function(path) => function_router(index, file, path),
    }
}

/// The router a Rust function path names (`auth::routes`, `login`): among
/// the files exporting a function of that name, the one in the same file,
/// else the one whose module (file stem, or directory of a `mod.rs`) is the
/// path's qualifier, else the first.
fn function_router(index: &RouteIndex, file: usize, path: &str) -> Option<RouterId> {
    let (qualifier, name) = match path.rsplit_once("::") {
        Some((qualifier, name)) => (qualifier.rsplit("::").next(), name),
        None => (None, path),
    };
    let candidates: Vec<RouterId> = index
        .files()
        .iter()
        .enumerate()
        .filter_map(|(target, _)| exported_router(index, target, name).map(|r| (target, r)))
        .collect();
    let module_of = |target: usize| {
        let path = &index.files()[target].path;
        let stem = path.file_stem()?.to_str()?;
        if stem == "mod" {
            path.parent()?.file_name()?.to_str()
        } else {
            Some(stem)
        }
    };
    candidates
        .iter()
        .find(|(target, _)| qualifier.is_none() && *target == file)
        .or_else(|| {
            candidates
                .iter()
                .find(|(target, _)| qualifier.is_some() && module_of(*target) == qualifier)
        })
        .or_else(|| candidates.iter().find(|(target, _)| *target == file))
        .or_else(|| candidates.first())
        .copied()
}

fn exported_router(index: &RouteIndex, file: usize, name: &str) -> Option<usize> {
    let exports = &index.files()[file].exports;
    let found = exports.iter().find_map(|(export, value)| match value {
        Export::Router(router) if export == name => Some(*router),
        _ => None,
    });
    found.or_else(|| {
        // `require('./auth')` of a module whose only router is a named
        // export still means that router.
        let routers: Vec<usize> = exports
            .iter()
            .filter_map(|(_, value)| match value {
                Export::Router(router) => Some(*router),
                Export::Limiter(_) => None,
            })
            .collect();
        (name == "default" && routers.len() == 1).then(|| routers[0])
    })
}

impl Walk<'_> {
    fn router(
        &mut self,
        id: RouterId,
        prefix: &str,
        inherited: &[Limiter],
        mounted_from: Option<usize>,
        stack: &mut Vec<RouterId>,
    ) {
        if stack.len() > MAX_MOUNT_DEPTH || stack.contains(&id) {
            return;
        }
        stack.push(id);
        let (file, router_index) = id;
        let router = &self.index.files()[file].routers[router_index];
        let base = join_paths(prefix, &router.prefix);
        for (position, item) in router.items.iter().enumerate() {
            match item {
                Item::Route(route) => {
                    let mut limiters = inherited.to_vec();
                    limiters.extend(self.covering(file, &router.items, position, &route.path));
                    limiters.extend(self.limiters(file, &route.middleware));
                    if router.controller
                        && !route.skips_throttle
                        && let Some(global) = &self.global
                    {
                        limiters.push(global.clone());
                    }
                    let fallback_rate = route.throttle.clone().or_else(|| {
                        router
                            .controller
                            .then(|| self.default_rate.clone())
                            .flatten()
                    });
                    for limiter in &mut limiters {
                        if limiter.rate.is_none() {
                            limiter.rate.clone_from(&fallback_rate);
                        }
                    }
                    self.out.push(ResolvedRoute {
                        file,
                        router: router_index,
                        item: position,
                        method: route.method.clone(),
                        full_path: join_paths(&base, &route.path),
                        handler: route.handler.clone(),
                        range: route.range.clone(),
                        limiters,
                        lockout: route.lockout,
                        mounted_from,
                    });
                }
                Item::Mount {
                    prefix: mount_prefix,
                    middleware,
                    child,
                    ..
                } => {
                    let Some(child_id) = target(self.index, file, child) else {
                        continue;
                    };
                    let mut limiters = inherited.to_vec();
                    limiters.extend(self.covering(file, &router.items, position, mount_prefix));
                    limiters.extend(self.limiters(file, middleware));
                    let child_prefix = join_paths(&base, mount_prefix);
                    self.router(child_id, &child_prefix, &limiters, Some(file), stack);
                }
                Item::Use { .. } => {}
            }
        }
        stack.pop();
    }

    /// The limiters of the router's own `use`/`layer`/`wrap` items that
    /// cover the item at `position` with the router-local `path`.
    fn covering(&self, file: usize, items: &[Item], position: usize, path: &str) -> Vec<Limiter> {
        let mut found = Vec::new();
        for (at, item) in items.iter().enumerate() {
            let fallback;
            let (prefix, middleware, reach) = match item {
                Item::Use {
                    prefix,
                    middleware,
                    reach,
                } => (prefix, middleware.as_slice(), *reach),
                // An import that is no router is middleware after all.
                Item::Mount {
                    prefix,
                    middleware,
                    child,
                    fallback: Some(mounted),
                } if target(self.index, file, child).is_none() => {
                    fallback = [middleware.as_slice(), std::slice::from_ref(mounted)].concat();
                    (prefix, fallback.as_slice(), Reach::Later)
                }
                _ => continue,
            };
            let reaches = match reach {
                Reach::Later => at < position,
                Reach::Earlier => at > position,
                Reach::All => true,
            };
            if reaches && prefix_covers(&join_paths("", prefix), &join_paths("", path)) {
                found.extend(self.limiters(file, middleware));
            }
        }
        found
    }

    /// The limiters among a chain of middleware.
    fn limiters(&self, file: usize, middleware: &[Middleware]) -> Vec<Limiter> {
        middleware
            .iter()
            .filter_map(|m| self.limiter(file, m))
            .collect()
    }

    fn limiter(&self, file: usize, middleware: &Middleware) -> Option<Limiter> {
        let by_name = || {
            (says_limit(&middleware.label) || self.limiter_names.contains(&middleware.label)).then(
                || Limiter {
                    label: middleware.label.clone(),
                    rate: None,
                },
            )
        };
        match &middleware.kind {
            MiddlewareKind::Limiter(limiter) => Some(limiter.clone()),
            MiddlewareKind::Import { module, name } => self
                .index
                .resolve_module(file, module)
                .and_then(|target| {
                    self.index.files()[target].exports.iter().find_map(
                        |(export, value)| match value {
                            Export::Limiter(limiter) if export == name => Some(Limiter {
                                label: middleware.label.clone(),
                                rate: limiter.rate.clone(),
                            }),
                            _ => None,
                        },
                    )
                })
                .or_else(by_name),
            MiddlewareKind::Other => by_name(),
        }
    }
}
