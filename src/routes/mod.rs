//! The project's route model: which HTTP routes exist, under which full
//! path, behind which middleware. Each file's front-end extracts its
//! [`FileRoutes`] (routers, the routes and middleware registered on them in
//! order, mounts of other routers, exported routers and limiters); this
//! module joins them across files into [`ResolvedRoute`]s, one per way a
//! route can be reached, each with the limiters in its chain.
//!
//! The model is framework-neutral. A router is an ordered list of items;
//! what differs between frameworks is only how far a piece of middleware
//! reaches ([`Reach`]): Express's `app.use` covers what is registered after
//! it, axum's `layer` what was added before it, actix's `wrap` everything.

pub mod collect;
pub mod names;
mod resolve;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use resolve::{ResolvedRoute, resolve};

/// Words at least one of which a file must contain to hold route facts:
/// framework names, route registration and limiter words. The project pass
/// parses only such files (and Next.js route files, known by their path).
pub const ROUTE_TRIGGERS: &[&str] = &[
    "express",
    "router",
    "fastify",
    "koa",
    "@nestjs",
    "rate-limit",
    "ratelimit",
    "rate-limiter",
    "throttler",
    "brute",
    "governor",
    ".post(",
    ".put(",
    ".patch(",
    ".all(",
    ".route(",
    ".register(",
    "app_guard",
    "axum",
    "actix",
    "#[post",
    "web::",
];

/// What one file contributes to the route model.
#[derive(Debug, Clone, Default)]
pub struct FileRoutes {
    pub path: PathBuf,
    pub routers: Vec<Router>,
    /// What the file exports under which name (`default` for
    /// `module.exports =` and `export default`).
    pub exports: Vec<(String, Export)>,
    /// A guard or middleware installed for the whole application from this
    /// file (`NestJS` `APP_GUARD`, `useGlobalGuards`), if it limits.
    pub global_limiter: Option<Limiter>,
    /// Settings a framework applies to every limited route unless a route
    /// overrides them (`ThrottlerModule.forRoot`).
    pub default_rate: Option<Rate>,
}

#[derive(Debug, Clone)]
pub enum Export {
    Router(usize),
    Limiter(Limiter),
}

/// A router object, an application, or a function that registers routes on
/// its parameter (an Express route module, a Fastify plugin, an actix
/// `configure` function, an axum function returning a `Router`).
#[derive(Debug, Clone, Default)]
pub struct Router {
    /// The name in the source, for messages.
    pub name: String,
    /// A path prefix of its own (`new Router({ prefix })`, `@Controller`).
    pub prefix: String,
    pub items: Vec<Item>,
    /// A `NestJS` controller: the project's global guards apply.
    pub controller: bool,
}

#[derive(Debug, Clone)]
pub enum Item {
    /// Middleware registered on the router, for paths under `prefix`.
    Use {
        prefix: String,
        middleware: Vec<Middleware>,
        reach: Reach,
    },
    Route(Route),
    /// Another router mounted under `prefix`, behind `middleware`.
    Mount {
        prefix: String,
        middleware: Vec<Middleware>,
        child: RouterRef,
        /// What the mounted thing is when it turns out not to be a router
        /// (`app.use(require('./limits'))` mounts middleware).
        fallback: Option<Middleware>,
    },
}

/// Which routes of its router a piece of middleware covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Routes registered after it (Express, Koa, Fastify hooks).
    Later,
    /// Routes added before it (axum `layer` and `route_layer`).
    Earlier,
    /// Every route of the router (actix `wrap`, `NestJS` controller guards).
    All,
}

#[derive(Debug, Clone)]
pub struct Route {
    /// Upper-case method, or `ALL`.
    pub method: String,
    pub path: String,
    pub handler: Option<String>,
    pub middleware: Vec<Middleware>,
    /// Where to report: the registration.
    pub range: Range<usize>,
    /// The handler counts failed attempts itself.
    pub lockout: bool,
    /// `@SkipThrottle()`: the global guard does not apply.
    pub skips_throttle: bool,
    /// Settings for whichever limiter covers the route (`@Throttle`).
    pub throttle: Option<Rate>,
}

#[derive(Debug, Clone)]
pub enum RouterRef {
    Local(usize),
    /// An export of another file, by module specifier as written.
    Import {
        module: String,
        name: String,
    },
    /// A Rust function returning a router or configuring a scope, by name.
    Function(String),
}

/// One piece of middleware in a chain.
#[derive(Debug, Clone)]
pub struct Middleware {
    /// As written (`loginLimiter`, `limits.login`), for messages.
    pub label: String,
    pub kind: MiddlewareKind,
}

#[derive(Debug, Clone)]
pub enum MiddlewareKind {
    Limiter(Limiter),
    /// Imported from another file: a limiter if that file exports one
    /// under this name, otherwise judged by its name.
    Import {
        module: String,
        name: String,
    },
    Other,
}

/// A limiter, and its settings when they are literals.
#[derive(Debug, Clone)]
pub struct Limiter {
    pub label: String,
    pub rate: Option<Rate>,
}

/// How many attempts a limiter lets through per window, and where that is
/// written (the file and the byte range to report on).
#[derive(Debug, Clone)]
pub struct Rate {
    pub attempts: f64,
    pub window_ms: f64,
    pub file: PathBuf,
    pub range: Range<usize>,
    /// The settings as the message states them: `100 per minute`.
    pub described: String,
    /// A lockout's threshold (`attempts` failures, whatever the time)
    /// rather than a rate.
    pub lockout: bool,
}

impl Rate {
    pub fn per_minute(&self) -> f64 {
        if self.window_ms <= 0.0 {
            f64::INFINITY
        } else {
            self.attempts * 60_000.0 / self.window_ms
        }
    }
}

/// Every file's route facts, by absolute path, and the routes they resolve
/// to.
#[derive(Debug, Default)]
pub struct RouteIndex {
    files: Vec<FileRoutes>,
    by_path: HashMap<PathBuf, usize>,
    resolved: Vec<ResolvedRoute>,
    /// Per file, the resolved routes registered in it.
    routes_by_file: HashMap<usize, Vec<usize>>,
    /// Per file, `(route, limiter)` of the resolved routes whose limiter
    /// settings are written in it.
    rates_by_file: HashMap<PathBuf, Vec<(usize, usize)>>,
}

impl RouteIndex {
    /// Joins the files' facts; `limiter_names` are the configuration's
    /// own limiters (`[rate-limit] limiters`).
    pub fn new(files: Vec<FileRoutes>, limiter_names: &[String]) -> Self {
        let mut files: Vec<FileRoutes> = files
            .into_iter()
            .filter(|f| {
                !f.routers.is_empty()
                    || !f.exports.is_empty()
                    || f.global_limiter.is_some()
                    || f.default_rate.is_some()
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let by_path = files
            .iter()
            .enumerate()
            .map(|(index, file)| (file.path.clone(), index))
            .collect();
        let mut index = Self {
            files,
            by_path,
            ..Self::default()
        };
        index.resolved = resolve(&index, limiter_names);
        for (position, route) in index.resolved.iter().enumerate() {
            index
                .routes_by_file
                .entry(route.file)
                .or_default()
                .push(position);
            for (limiter, found) in route.limiters.iter().enumerate() {
                if let Some(rate) = &found.rate {
                    index
                        .rates_by_file
                        .entry(rate.file.clone())
                        .or_default()
                        .push((position, limiter));
                }
            }
        }
        index
    }

    pub fn files(&self) -> &[FileRoutes] {
        &self.files
    }

    pub fn file_index(&self, path: &Path) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Every way every route can be reached.
    pub fn resolved(&self) -> &[ResolvedRoute] {
        &self.resolved
    }

    /// The reachable routes registered in a file.
    pub fn routes_in(&self, path: &Path) -> impl Iterator<Item = &ResolvedRoute> {
        self.file_index(path)
            .and_then(|file| self.routes_by_file.get(&file))
            .into_iter()
            .flatten()
            .map(|position| &self.resolved[*position])
    }

    /// The routes and limiters whose settings are written in a file.
    pub fn rates_in(&self, path: &Path) -> impl Iterator<Item = (&ResolvedRoute, &Limiter)> {
        self.rates_by_file
            .get(path)
            .into_iter()
            .flatten()
            .map(|(route, limiter)| {
                let route = &self.resolved[*route];
                (route, &route.limiters[*limiter])
            })
    }

    /// The file a module specifier written in `from` refers to: a relative
    /// path, with the extensions and `index` files Node and bundlers try.
    pub fn resolve_module(&self, from: usize, module: &str) -> Option<usize> {
        resolve_relative(&self.files[from].path, module, |candidate| {
            self.file_index(candidate)
        })
    }
}

/// The file a relative module specifier written in the file `from` names,
/// as `find` knows files: the path itself, then with the extensions and
/// `index` files Node and bundlers try.
pub fn resolve_relative<T>(
    from: &Path,
    module: &str,
    find: impl Fn(&Path) -> Option<T>,
) -> Option<T> {
    if !(module.starts_with("./") || module.starts_with("../")) {
        return None;
    }
    let base = normalise(&from.parent()?.join(module));
    let stem = base.to_string_lossy().into_owned();
    // `./auth.js` written for a TypeScript file compiled to JavaScript.
    let stripped = ["js", "mjs", "cjs", "jsx"]
        .iter()
        .find_map(|e| stem.strip_suffix(&format!(".{e}")))
        .map(str::to_string);
    if let Some(found) = find(&base) {
        return Some(found);
    }
    for stem in std::iter::once(stem.clone()).chain(stripped) {
        for extension in ["js", "ts", "mjs", "cjs", "jsx", "tsx", "mts", "cts"] {
            for candidate in [
                format!("{stem}.{extension}"),
                format!("{stem}/index.{extension}"),
            ] {
                if let Some(found) = find(Path::new(&candidate)) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The relative module specifiers a file's facts refer to.
pub fn relative_imports(facts: &FileRoutes) -> Vec<&str> {
    fn middleware<'a>(chain: &'a [Middleware], found: &mut Vec<&'a str>) {
        for m in chain {
            if let MiddlewareKind::Import { module, .. } = &m.kind {
                found.push(module.as_str());
            }
        }
    }
    let mut found = Vec::new();
    for router in &facts.routers {
        for item in &router.items {
            match item {
                Item::Use {
                    middleware: chain, ..
                } => middleware(chain, &mut found),
                Item::Route(route) => middleware(&route.middleware, &mut found),
                Item::Mount {
                    middleware: chain,
                    child,
                    fallback,
                    ..
                } => {
                    middleware(chain, &mut found);
                    middleware(fallback.as_slice(), &mut found);
                    if let RouterRef::Import { module, .. } = child {
                        found.push(module.as_str());
                    }
                }
            }
        }
    }
    found
}

/// An absolute path with `.` and `..` removed, without touching the file
/// system: index keys and scanned paths must compare equal.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The key a file has in the index: its absolute, normalised path.
pub fn index_key(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalise(path)
    } else {
        let current = std::env::current_dir().unwrap_or_default();
        normalise(&current.join(path))
    }
}

/// Joins two path pieces with exactly one slash between them.
pub fn join_paths(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    match (prefix.is_empty(), path.is_empty()) {
        (true, true) => "/".to_string(),
        (true, false) => format!("/{path}"),
        (false, true) => {
            if prefix.starts_with('/') {
                prefix.to_string()
            } else {
                format!("/{prefix}")
            }
        }
        (false, false) => {
            let prefix = prefix.trim_start_matches('/');
            format!("/{prefix}/{path}")
        }
    }
}

/// Whether middleware registered for `prefix` covers a request to `path`
/// (Express matches whole segments: `/api` covers `/api/login`, not
/// `/apis`).
pub fn prefix_covers(prefix: &str, path: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "*" || prefix == "/*" {
        return true;
    }
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A duration in the `ms` package's words: `'1 minute'`, `'15m'`, `'1h'`.
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let unit = unit.trim();
    let factor = match unit {
        "" | "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000.0,
        "d" | "day" | "days" => 86_400_000.0,
        _ => return None,
    };
    Some(number * factor)
}

pub fn count_text(count: f64) -> String {
    if count.fract() == 0.0 && count.abs() < 1e15 {
        format!("{count:.0}")
    } else {
        format!("{count}")
    }
}

/// A window as people say it: `1 minute`, `15 minutes`, `30 seconds`.
pub fn duration_text(ms: f64) -> String {
    let units = [
        (3_600_000.0, "hour"),
        (60_000.0, "minute"),
        (1_000.0, "second"),
    ];
    for (size, unit) in units {
        if ms >= size && (ms / size).fract() == 0.0 {
            let n = ms / size;
            if (n - 1.0).abs() < f64::EPSILON {
                return unit.to_string();
            }
            return format!("{} {unit}s", count_text(n));
        }
    }
    format!("{} ms", count_text(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_with_one_slash() {
        assert_eq!(join_paths("/auth/", "/login"), "/auth/login");
        assert_eq!(join_paths("", "login"), "/login");
        assert_eq!(join_paths("auth", ""), "/auth");
        assert_eq!(join_paths("", ""), "/");
    }

    #[test]
    fn prefixes_cover_whole_segments() {
        assert!(prefix_covers("/api", "/api/login"));
        assert!(prefix_covers("/api/", "/api/login"));
        assert!(!prefix_covers("/api", "/apis/login"));
        assert!(prefix_covers("", "/login"));
    }

    #[test]
    fn durations_parse_like_the_ms_package() {
        assert_eq!(parse_duration("1 minute"), Some(60_000.0));
        assert_eq!(parse_duration("15m"), Some(900_000.0));
        assert_eq!(parse_duration("500"), Some(500.0));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(duration_text(900_000.0), "15 minutes");
        assert_eq!(duration_text(60_000.0), "minute");
    }

    #[test]
    fn rates_are_per_minute() {
        let rate = Rate {
            attempts: 100.0,
            window_ms: 15.0 * 60_000.0,
            file: PathBuf::new(),
            range: 0..0,
            described: String::new(),
            lockout: false,
        };
        assert!((rate.per_minute() - 100.0 / 15.0).abs() < 1e-9);
    }
}
