//! `authlint.toml` (or `.authlint.toml`): rule selection, severity
//! overrides, paths to skip, per-path rule ignores, test paths, the secret
//! allowlist, rate-limiter names and public `OpenAPI` paths. The file is found
//! from the scanned path upward to the repository root; `--config FILE`
//! names one instead. Every key is checked when the file is read, including
//! those only later rules consume, and an unknown key is an error that
//! names its line and the key probably meant.
//!
//! ```toml
//! [rules]
//! select = ["jwt", "secret"]          # default: every rule
//! ignore = ["jwt/no-expiry"]
//! severity = { "jwt/missing-claims-validation" = "high" }
//!
//! [paths]
//! exclude = ["legacy/**"]             # never scanned, even when named
//! tests = ["**/__tests__/**"]         # test code (replaces the default list)
//!
//! [per-path-ignores]
//! "scripts/**" = ["jwt/hardcoded-secret"]
//!
//! [secrets]
//! allowlist = ["^test-[a-z]+$"]       # regexes for values that are no secret
//!
//! [rate-limit]
//! limiters = ["loginLimiter"]         # middleware names that limit attempts
//! auth-paths = ["unlock", "/api/pin"] # more authentication routes: segments or path prefixes
//!
//! [openapi]
//! public-paths = ["/health", "/auth/login"]
//!
//! [[openapi.allow]]                   # a reviewed exception, by JSON pointer
//! file = "api/openapi.json"
//! pointer = "/paths/~1metrics/get"
//! rules = ["openapi/missing-security"]
//! reason = "scraped inside the cluster"
//!
//! [session]
//! max-idle-minutes = 15               # longer session lifetimes are reported
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::finding::Severity;
use crate::rules::{self, Rule};

/// The names a configuration file may have, in order of precedence.
pub const FILE_NAMES: [&str; 2] = ["authlint.toml", ".authlint.toml"];

/// Paths that hold tests unless `[paths] tests` says otherwise.
pub const DEFAULT_TEST_PATHS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "spec",
    "fixtures",
    "*.test.*",
    "*.spec.*",
    "*_test.rs",
];

/// A problem in a configuration file, with where it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// A list of globs, relative to the configuration file's directory.
///
/// A pattern without a slash matches at any depth (`*.test.ts`,
/// `fixtures`); one with a slash is anchored at the root (`src/legacy/**`).
/// A pattern that matches a directory matches everything below it.
#[derive(Debug, Clone, Default)]
pub struct PathPatterns {
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl PathPatterns {
    pub fn new(patterns: &[String]) -> Result<Self, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let trimmed = pattern.trim_end_matches('/');
            let anchored = match trimmed.strip_prefix('/') {
                Some(rest) => rest.to_string(),
                None if trimmed.contains('/') => trimmed.to_string(),
                None => format!("**/{trimmed}"),
            };
            let glob = GlobBuilder::new(&anchored)
                .literal_separator(true)
                .build()
                .map_err(|e| (index, format!("bad glob `{pattern}`: {}", e.kind())))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| (0, format!("bad glob: {e}")))?;
        Ok(Self {
            patterns: patterns.to_vec(),
            set,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether a path relative to the root (forward slashes) or one of its
    /// parent directories matches.
    pub fn matches(&self, relative: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let mut prefix_end = 0;
        loop {
            let next = relative[prefix_end..].find('/').map(|i| prefix_end + i);
            let prefix = &relative[..next.unwrap_or(relative.len())];
            if !prefix.is_empty() && self.set.is_match(prefix) {
                return true;
            }
            match next {
                Some(slash) => prefix_end = slash + 1,
                None => return false,
            }
        }
    }
}

/// A rule selection that applies below some paths only.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub paths: PathPatterns,
    pub rules: Vec<String>,
}

/// The settings a scan runs with. `Config::default()` is what a scan without
/// a configuration file uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file these settings came from, if any.
    pub file: Option<PathBuf>,
    /// The directory path patterns are relative to: the file's directory,
    /// or the current directory without a file. Absolute.
    pub root: PathBuf,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severity per rule id or family; an id wins over its family.
    pub severity: BTreeMap<String, Severity>,
    pub exclude: PathPatterns,
    pub tests: PathPatterns,
    pub per_path_ignores: Vec<PathIgnore>,
    /// Secret values matching any of these are not reported.
    pub secret_allowlist: Vec<Regex>,
    /// Function and middleware names that count as rate limiting.
    pub limiters: Vec<String>,
    /// Path segments (`unlock`) and path prefixes (`/api/pin`) of
    /// authentication routes, beyond the built-in words.
    pub auth_paths: Vec<String>,
    /// `OpenAPI` paths meant to be reachable without authentication.
    pub public_paths: Vec<String>,
    /// Reviewed exceptions in `OpenAPI` documents, by JSON pointer.
    pub openapi_allow: Vec<PointerAllow>,
    /// The longest a session may stay valid unused, in minutes; session
    /// set-ups that allow longer are reported. `None`: only sessions that
    /// never expire are.
    pub session_max_idle_minutes: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        let tests: Vec<String> = DEFAULT_TEST_PATHS
            .iter()
            .map(|p| (*p).to_string())
            .collect();
        Self {
            file: None,
            root: std::env::current_dir().unwrap_or_default(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            exclude: PathPatterns::default(),
            tests: PathPatterns::new(&tests).expect("the default test globs are valid"),
            per_path_ignores: Vec::new(),
            secret_allowlist: Vec::new(),
            limiters: Vec::new(),
            auth_paths: Vec::new(),
            public_paths: Vec::new(),
            openapi_allow: Vec::new(),
            session_max_idle_minutes: None,
        }
    }
}

impl Config {
    /// A path relative to the root, with forward slashes; `None` outside it.
    fn relative(&self, path: &Path) -> Option<String> {
        let absolute;
        let path = if path.is_absolute() {
            path
        } else {
            absolute = std::env::current_dir().ok()?.join(path);
            &absolute
        };
        let relative = path.strip_prefix(&self.root).ok()?;
        let text: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Some(text.join("/"))
    }

    /// Whether `[paths] exclude` keeps a file out of every scan.
    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty()
            && self
                .relative(path)
                .is_some_and(|r| self.exclude.matches(&r))
    }

    /// Whether a file is test code by `[paths] tests`.
    pub fn is_test_path(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|r| self.tests.matches(&r))
    }

    /// Whether `[per-path-ignores]` switches a rule off for a file.
    pub fn is_ignored_at(&self, rule: &Rule, path: &Path) -> bool {
        if self.per_path_ignores.is_empty() {
            return false;
        }
        let Some(relative) = self.relative(path) else {
            return false;
        };
        self.per_path_ignores.iter().any(|ignore| {
            ignore
                .rules
                .iter()
                .any(|s| rules::selector_matches(s, rule))
                && ignore.paths.matches(&relative)
        })
    }

    /// The severity a rule's findings get.
    pub fn severity_of(&self, rule: &Rule) -> Severity {
        self.severity
            .get(rule.id)
            .or_else(|| self.severity.get(rule.family()))
            .copied()
            .unwrap_or(rule.severity)
    }

    /// Whether the secret allowlist accepts a value.
    pub fn allows_secret(&self, value: &str) -> bool {
        self.secret_allowlist.iter().any(|r| r.is_match(value))
    }

    pub fn is_limiter(&self, name: &str) -> bool {
        self.limiters.iter().any(|l| l == name)
    }

    /// Whether an `OpenAPI` path is declared public. `*` matches one path
    /// segment; a trailing `/**` matches everything below.
    pub fn is_public_path(&self, path: &str) -> bool {
        self.public_paths
            .iter()
            .any(|p| openapi_path_matches(p, path))
    }
}

/// One `[[openapi.allow]]` entry: findings of some rules inside the node a
/// JSON pointer names, in the documents a glob names, are accepted for a
/// reason. JSON has no comments, so this is the suppression contracts get.
#[derive(Debug, Clone)]
pub struct PointerAllow {
    /// As written, for messages.
    pub file: String,
    pub files: PathPatterns,
    /// RFC 6901: `""` is the whole document, `~1` a `/`, `~0` a `~`.
    pub pointer: String,
    pub rules: Vec<String>,
    pub reason: String,
}

impl Config {
    /// The allow entries that cover a rule's findings in a file.
    pub fn openapi_allows_for<'c>(
        &'c self,
        path: &Path,
    ) -> impl Iterator<Item = &'c PointerAllow> + 'c {
        let relative = if self.openapi_allow.is_empty() {
            None
        } else {
            self.relative(path)
        };
        self.openapi_allow
            .iter()
            .filter(move |allow| relative.as_ref().is_some_and(|r| allow.files.matches(r)))
    }
}

impl PointerAllow {
    pub fn covers(&self, rule: &Rule) -> bool {
        self.rules.iter().any(|s| rules::selector_matches(s, rule))
    }
}

/// What is wrong with a JSON pointer, and the pointer probably meant.
fn pointer_problem(pointer: &str) -> Option<(String, Option<String>)> {
    if pointer.is_empty() {
        return None;
    }
    if !pointer.starts_with('/') {
        let meant = if let Some(rest) = pointer.strip_prefix('#') {
            format!("/{}", rest.trim_start_matches('/'))
        } else {
            format!("/{pointer}")
        };
        return Some(("a JSON pointer starts with `/`".into(), Some(meant)));
    }
    let bytes = pointer.as_bytes();
    for (i, byte) in bytes.iter().enumerate() {
        if *byte == b'~' && !matches!(bytes.get(i + 1), Some(b'0' | b'1')) {
            let meant = format!("{}~0{}", &pointer[..i], &pointer[i + 1..]);
            return Some((
                "`~` must be escaped as `~0` (and `/` inside a key as `~1`)".into(),
                Some(meant),
            ));
        }
    }
    // `/paths/health/get`: the path's own slashes must be escaped, or the
    // pointer walks into keys that do not exist.
    if let Some(rest) = pointer.strip_prefix("/paths/")
        && !rest.is_empty()
        && !rest.starts_with("~1")
    {
        let (key, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let meant = if tail.is_empty() {
            format!("/paths/~1{key}")
        } else {
            format!("/paths/~1{key}/{tail}")
        };
        return Some((
            "keys under `/paths` start with `/`, written `~1` in a pointer".into(),
            Some(meant),
        ));
    }
    None
}

fn openapi_path_matches(pattern: &str, path: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return path == prefix || path.starts_with(&format!("{prefix}/"));
    }
    let mut wanted = pattern.split('/');
    let mut actual = path.split('/');
    loop {
        match (wanted.next(), actual.next()) {
            (None, None) => return true,
            (Some(w), Some(a)) if w == "*" || w == a => {}
            _ => return false,
        }
    }
}

/// Finds the configuration file for a scan of `paths`: the nearest
/// `authlint.toml` or `.authlint.toml` from their common directory upward,
/// stopping at the repository root (a directory holding `.git`).
pub fn discover(paths: &[PathBuf], current_dir: &Path) -> Option<PathBuf> {
    let mut start = common_directory(paths, current_dir);
    loop {
        for name in FILE_NAMES {
            let candidate = start.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if start.join(".git").exists() || !start.pop() {
            return None;
        }
    }
}

/// The deepest directory that holds every path.
pub(crate) fn common_directory(paths: &[PathBuf], current_dir: &Path) -> PathBuf {
    let directories: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let absolute = normalise(&current_dir.join(p));
            if absolute.is_dir() {
                absolute
            } else {
                absolute
                    .parent()
                    .map_or_else(|| absolute.clone(), Path::to_path_buf)
            }
        })
        .collect();
    let Some(first) = directories.first() else {
        return current_dir.to_path_buf();
    };
    let mut common = first.clone();
    for directory in &directories[1..] {
        while !directory.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// Removes `.` and resolves `..` without touching the file system (the path
/// may not exist, and symlinked directories should keep their name).
fn normalise(path: &Path) -> PathBuf {
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

/// Reads the configuration a scan uses: `explicit` if given, otherwise the
/// discovered file, otherwise the defaults.
pub fn resolve(
    explicit: Option<&Path>,
    paths: &[PathBuf],
    current_dir: &Path,
) -> Result<Config, ConfigError> {
    let file = match explicit {
        Some(path) => Some(current_dir.join(path)),
        None => discover(paths, current_dir),
    };
    match file {
        Some(path) => {
            let shown = crate::discover::display_path(&path, Some(current_dir));
            load_as(&path, &shown)
        }
        None => Ok(Config {
            root: current_dir.to_path_buf(),
            ..Config::default()
        }),
    }
}

/// Reads and checks one configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    load_as(path, &path.display().to_string())
}

/// Reads a configuration file, naming it `shown` in messages.
fn load_as(path: &Path, shown: &str) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: shown.to_string(),
        source,
    })?;
    let root = normalise(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut config = parse(&text, Path::new(shown), root)?;
    config.file = Some(path.to_path_buf());
    Ok(config)
}

/// Parses a configuration's text; `path` is for messages, `root` the
/// directory its path patterns are relative to.
pub fn parse(text: &str, path: &Path, root: PathBuf) -> Result<Config, ConfigError> {
    let reader = Reader {
        text,
        path: path.display().to_string(),
    };
    let document = DeTable::parse(text).map_err(|error| {
        let at = error.span().map_or(0, |s| s.start);
        reader.error(at..at, error.message().trim().to_string())
    })?;
    let mut config = Config {
        file: Some(path.to_path_buf()),
        root,
        ..Config::default()
    };
    let top = document.get_ref();
    reader.check_keys(
        top,
        "",
        &[
            "rules",
            "paths",
            "per-path-ignores",
            "secrets",
            "rate-limit",
            "openapi",
            "session",
        ],
    )?;
    if let Some(table) = reader.table(top, "rules")? {
        reader.check_keys(table, "rules", &["select", "ignore", "severity"])?;
        config.select = reader.selectors(table, "select")?;
        config.ignore = reader.selectors(table, "ignore")?;
        if let Some(severities) = reader.table(table, "severity")? {
            for (key, value) in severities {
                reader.selector(key.get_ref(), key.span())?;
                let severity = reader.string(value, "a severity")?;
                let parsed = Severity::parse(severity).ok_or_else(|| {
                    reader.error(
                        value.span(),
                        format!(
                            "unknown severity `{severity}`; expected low, medium, high or critical"
                        ),
                    )
                })?;
                config.severity.insert(key.get_ref().to_string(), parsed);
            }
        }
    }
    if let Some(table) = reader.table(top, "paths")? {
        reader.check_keys(table, "paths", &["exclude", "tests"])?;
        if let Some(exclude) = reader.globs(table, "exclude")? {
            config.exclude = exclude;
        }
        if let Some(tests) = reader.globs(table, "tests")? {
            config.tests = tests;
        }
    }
    if let Some(table) = reader.table(top, "per-path-ignores")? {
        for (key, value) in table {
            let glob = vec![key.get_ref().to_string()];
            let paths = PathPatterns::new(&glob).map_err(|(_, m)| reader.error(key.span(), m))?;
            let rules = reader.string_list(value, "a list of rule ids or families")?;
            for (rule, span) in &rules {
                reader.selector(rule, span.clone())?;
            }
            config.per_path_ignores.push(PathIgnore {
                paths,
                rules: rules.into_iter().map(|(r, _)| r).collect(),
            });
        }
    }
    if let Some(table) = reader.table(top, "secrets")? {
        reader.check_keys(table, "secrets", &["allowlist"])?;
        for (pattern, span) in reader.list(table, "allowlist")? {
            let regex = Regex::new(&pattern)
                .map_err(|e| reader.error(span, format!("bad regular expression: {e}")))?;
            config.secret_allowlist.push(regex);
        }
    }
    if let Some(table) = reader.table(top, "rate-limit")? {
        reader.check_keys(table, "rate-limit", &["limiters", "auth-paths"])?;
        for (name, span) in reader.list(table, "limiters")? {
            let valid = !name.is_empty()
                && name.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':')
                });
            if !valid {
                return Err(reader.error(
                    span,
                    format!(
                        "`{name}` is not a function name (such as `loginLimiter` or `limits.login`)"
                    ),
                ));
            }
            config.limiters.push(name);
        }
        for (path, span) in reader.list(table, "auth-paths")? {
            let segment = !path.is_empty() && !path.contains('/');
            let prefix = path.len() > 1 && path.starts_with('/');
            if (!segment && !prefix) || path.contains(char::is_whitespace) {
                return Err(reader.error(
                    span,
                    format!(
                        "`{path}` is neither a path segment (such as `unlock`) nor a path prefix (such as `/api/pin`)"
                    ),
                ));
            }
            config.auth_paths.push(path);
        }
    }
    if let Some(table) = reader.table(top, "session")? {
        reader.check_keys(table, "session", &["max-idle-minutes"])?;
        if let Some((_, value)) = Reader::entry(table, "max-idle-minutes") {
            let minutes = match value.get_ref() {
                DeValue::Integer(number) => {
                    u32::from_str_radix(&number.as_str().replace('_', ""), number.radix()).ok()
                }
                _ => None,
            };
            let Some(minutes) = minutes.filter(|m| *m > 0) else {
                return Err(reader.error(
                    value.span(),
                    "`max-idle-minutes` must be a whole number of minutes above 0".to_string(),
                ));
            };
            config.session_max_idle_minutes = Some(minutes);
        }
    }
    if let Some(table) = reader.table(top, "openapi")? {
        reader.check_keys(table, "openapi", &["public-paths", "allow"])?;
        if let Some((_, value)) = Reader::entry(table, "allow") {
            config.openapi_allow = reader.pointer_allows(value)?;
        }
        for (public, span) in reader.list(table, "public-paths")? {
            if !public.starts_with('/') {
                return Err(reader.error(
                    span,
                    format!("`{public}` is not an OpenAPI path: paths start with `/`"),
                ));
            }
            config.public_paths.push(public);
        }
    }
    Ok(config)
}

type Table<'i> = DeTable<'i>;

/// Reads values out of the parsed document, turning spans into errors with
/// line and column.
struct Reader<'t> {
    text: &'t str,
    path: String,
}

impl Reader<'_> {
    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        let at = span.start.min(self.text.len());
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        ConfigError::Invalid {
            path: self.path.clone(),
            line,
            column,
            message,
        }
    }

    fn check_keys(&self, table: &Table<'_>, name: &str, known: &[&str]) -> Result<(), ConfigError> {
        for key in table.keys() {
            let key_text: &str = key.get_ref();
            if known.contains(&key_text) {
                continue;
            }
            let place = if name.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `[{name}]`")
            };
            let hint = match closest(key_text, known) {
                Some(suggestion) => format!("; did you mean `{suggestion}`?"),
                None => format!("; known keys: {}", known.join(", ")),
            };
            return Err(self.error(
                key.span(),
                format!("unknown key `{key_text}` {place}{hint}"),
            ));
        }
        Ok(())
    }

    fn entry<'a, 'i>(
        table: &'a Table<'i>,
        key: &str,
    ) -> Option<(
        &'a Spanned<toml::de::DeString<'i>>,
        &'a Spanned<DeValue<'i>>,
    )> {
        table.iter().find(|(k, _)| {
            let k: &str = k.get_ref();
            k == key
        })
    }

    fn table<'a, 'i>(
        &self,
        table: &'a Table<'i>,
        key: &str,
    ) -> Result<Option<&'a Table<'i>>, ConfigError> {
        match Self::entry(table, key) {
            None => Ok(None),
            Some((_, value)) => match value.get_ref() {
                DeValue::Table(inner) => Ok(Some(inner)),
                _ => Err(self.error(value.span(), format!("`{key}` must be a table"))),
            },
        }
    }

    fn string<'a>(
        &self,
        value: &'a Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<&'a str, ConfigError> {
        match value.get_ref() {
            DeValue::String(text) => Ok(text),
            _ => Err(self.error(value.span(), format!("expected {what} in quotes"))),
        }
    }

    fn string_list(
        &self,
        value: &Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.error(value.span(), format!("expected {what}: `[\"...\"]`")));
        };
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(text) => Ok((text.to_string(), item.span())),
                _ => Err(self.error(item.span(), format!("expected {what}: strings only"))),
            })
            .collect()
    }

    fn list(
        &self,
        table: &Table<'_>,
        key: &str,
    ) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
        match Self::entry(table, key) {
            None => Ok(Vec::new()),
            Some((_, value)) => {
                self.string_list(value, &format!("`{key}` to be a list of strings"))
            }
        }
    }

    /// `[[openapi.allow]]` (or `allow = [{ ... }]`): each entry names a
    /// file glob, a JSON pointer, the rules and the reason.
    fn pointer_allows(
        &self,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Vec<PointerAllow>, ConfigError> {
        const SHAPE: &str = "`allow` must be a list of tables: `[[openapi.allow]]` with `file`, `pointer`, `rules` and `reason`";
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.error(value.span(), SHAPE.into()));
        };
        let mut allows = Vec::new();
        for item in items {
            let DeValue::Table(table) = item.get_ref() else {
                return Err(self.error(item.span(), SHAPE.into()));
            };
            self.check_keys(
                table,
                "openapi.allow",
                &["file", "pointer", "rules", "reason"],
            )?;
            let required = |key: &str| {
                Self::entry(table, key).ok_or_else(|| {
                    self.error(
                        item.span(),
                        format!("an `[[openapi.allow]]` entry needs `{key}` ({SHAPE})"),
                    )
                })
            };
            let (_, file_value) = required("file")?;
            let file = self.string(file_value, "`file`, a path or glob,")?;
            let files = PathPatterns::new(&[file.to_string()])
                .map_err(|(_, message)| self.error(file_value.span(), message))?;
            let (_, pointer_value) = required("pointer")?;
            let pointer = self.string(
                pointer_value,
                "`pointer`, a JSON pointer such as \"/paths/~1health/get\",",
            )?;
            if let Some((problem, meant)) = pointer_problem(pointer) {
                let hint = meant.map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
                return Err(self.error(
                    pointer_value.span(),
                    format!("`{pointer}` is not a usable JSON pointer: {problem}{hint}"),
                ));
            }
            let (_, rules_value) = required("rules")?;
            let rules = self.string_list(rules_value, "`rules` to be a list of rule ids")?;
            if rules.is_empty() {
                return Err(self.error(
                    rules_value.span(),
                    "`rules` names no rule: list the rules this exception is for".into(),
                ));
            }
            for (selector, span) in &rules {
                self.selector(selector, span.clone())?;
            }
            let (_, reason_value) = required("reason")?;
            let reason = self.string(reason_value, "`reason`")?.trim();
            if reason.is_empty() {
                return Err(self.error(
                    reason_value.span(),
                    "`reason` is empty: say why this is safe; reviewers and the evidence report read it".into(),
                ));
            }
            allows.push(PointerAllow {
                file: file.to_string(),
                files,
                pointer: pointer.to_string(),
                rules: rules.into_iter().map(|(r, _)| r).collect(),
                reason: reason.to_string(),
            });
        }
        Ok(allows)
    }

    fn selector(&self, selector: &str, span: Range<usize>) -> Result<(), ConfigError> {
        if rules::selector_is_known(selector) {
            return Ok(());
        }
        let known: Vec<&str> = rules::ALL.iter().flat_map(|r| [r.id, r.family()]).collect();
        let hint = closest(selector, &known)
            .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
        Err(self.error(
            span,
            format!("unknown rule or family `{selector}`{hint} (`authlint rules` lists them)"),
        ))
    }

    fn selectors(&self, table: &Table<'_>, key: &str) -> Result<Vec<String>, ConfigError> {
        let items = self.list(table, key)?;
        for (selector, span) in &items {
            self.selector(selector, span.clone())?;
        }
        Ok(items.into_iter().map(|(s, _)| s).collect())
    }

    fn globs(&self, table: &Table<'_>, key: &str) -> Result<Option<PathPatterns>, ConfigError> {
        if Self::entry(table, key).is_none() {
            return Ok(None);
        }
        let items = self.list(table, key)?;
        let patterns: Vec<String> = items.iter().map(|(p, _)| p.clone()).collect();
        PathPatterns::new(&patterns)
            .map(Some)
            .map_err(|(index, message)| self.error(items[index].1.clone(), message))
    }
}

/// The candidate closest to a misspelt word, if one is close enough to be
/// what was meant.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("authlint.toml"), PathBuf::from("/repo"))
    }

    #[test]
    fn every_section_is_read() {
        let config = parse_text(
            r#"
[rules]
select = ["jwt"]
ignore = ["jwt/no-expiry"]
severity = { "jwt/missing-claims-validation" = "high", jwt = "critical" }

[paths]
exclude = ["legacy", "/scripts/*.js"]
tests = ["e2e/**"]

[per-path-ignores]
"examples/**" = ["jwt/hardcoded-secret"]

[secrets]
allowlist = ["^test-"]

[rate-limit]
limiters = ["loginLimiter", "limits.login"]
auth-paths = ["unlock", "/api/pin"]

[openapi]
public-paths = ["/health", "/public/**", "/users/*/avatar"]

[session]
max-idle-minutes = 15
"#,
        )
        .unwrap();
        assert_eq!(config.select, ["jwt"]);
        assert_eq!(config.session_max_idle_minutes, Some(15));
        let claims = rules::find("jwt/missing-claims-validation").unwrap();
        let expiry = rules::find("jwt/no-expiry").unwrap();
        assert_eq!(config.severity_of(claims), Severity::High);
        assert_eq!(config.severity_of(expiry), Severity::Critical);
        assert!(config.is_excluded(Path::new("/repo/src/legacy/a.js")));
        assert!(config.is_excluded(Path::new("/repo/scripts/x.js")));
        assert!(!config.is_excluded(Path::new("/repo/src/scripts/x.js")));
        assert!(config.is_test_path(Path::new("/repo/e2e/login.ts")));
        assert!(!config.is_test_path(Path::new("/repo/src/a.test.ts")));
        let secret = rules::find("jwt/hardcoded-secret").unwrap();
        assert!(config.is_ignored_at(secret, Path::new("/repo/examples/app/a.js")));
        assert!(!config.is_ignored_at(secret, Path::new("/repo/src/a.js")));
        assert!(config.allows_secret("test-key"));
        assert!(config.is_limiter("limits.login"));
        assert_eq!(config.auth_paths, ["unlock", "/api/pin"]);
        assert!(config.is_public_path("/public/docs/x"));
        assert!(config.is_public_path("/users/1/avatar"));
        assert!(!config.is_public_path("/users/1"));
    }

    #[test]
    fn default_test_paths_cover_the_usual_layouts() {
        let config = Config {
            root: PathBuf::from("/repo"),
            ..Config::default()
        };
        for path in [
            "/repo/test/a.js",
            "/repo/src/__tests__/a.ts",
            "/repo/a.spec.ts",
            "/repo/src/auth_test.rs",
        ] {
            assert!(config.is_test_path(Path::new(path)), "{path}");
        }
        assert!(!config.is_test_path(Path::new("/repo/src/testing.js")));
    }

    fn error(text: &str) -> String {
        parse_text(text).unwrap_err().to_string()
    }

    #[test]
    fn openapi_allow_entries_are_read_and_matched_by_file() {
        let config = parse_text(
            "[[openapi.allow]]\nfile = \"api/openapi.json\"\npointer = \"/paths/~1health/get\"\n\
             rules = [\"openapi/missing-security\"]\nreason = \"load balancer probe\"\n",
        )
        .unwrap();
        let allows: Vec<_> = config
            .openapi_allows_for(Path::new("/repo/api/openapi.json"))
            .collect();
        assert_eq!(allows.len(), 1);
        assert_eq!(allows[0].pointer, "/paths/~1health/get");
        assert!(allows[0].covers(&crate::rules::openapi::missing_security::RULE));
        assert!(!allows[0].covers(&crate::rules::openapi::basic_auth::RULE));
        assert_eq!(
            config
                .openapi_allows_for(Path::new("/repo/other/openapi.json"))
                .count(),
            0
        );
    }

    #[test]
    fn openapi_allow_mistakes_name_their_line_and_the_pointer_meant() {
        let entry = |pointer: &str, rest: &str| {
            format!(
                "[openapi]\nallow = [\n  {{ file = \"a.json\", pointer = \"{pointer}\", {rest} }},\n]\n"
            )
        };
        let rules = "rules = [\"openapi/missing-security\"], reason = \"public\"";
        assert_eq!(
            error(&entry("/paths/health/get", rules)),
            "authlint.toml:3:32: `/paths/health/get` is not a usable JSON pointer: keys under \
             `/paths` start with `/`, written `~1` in a pointer; did you mean `/paths/~1health/get`?"
        );
        assert!(error(&entry("paths/~1a", rules)).contains("did you mean `/paths/~1a`?"));
        assert!(error(&entry("/a~b", rules)).contains("did you mean `/a~0b`?"));
        assert!(
            error(&entry(
                "/a",
                "rules = [\"openapi/missing-securty\"], reason = \"x\""
            ))
            .contains("did you mean `openapi/missing-security`?")
        );
        assert!(
            error(&entry("/a", "rules = [\"openapi\"], reason = \" \""))
                .contains("`reason` is empty")
        );
        assert!(
            error(&entry("/a", "reason = \"x\""))
                .starts_with("authlint.toml:3:3: an `[[openapi.allow]]` entry needs `rules`")
        );
        assert!(
            error(&entry("/a", "rules = [\"openapi\"], reasn = \"x\""))
                .contains("did you mean `reason`?")
        );
        assert!(error("[openapi]\nallow = \"/a\"\n").contains("must be a list of tables"));
    }

    #[test]
    fn unknown_keys_name_their_line_and_a_suggestion() {
        assert_eq!(
            error("[rules]\nselect = []\nignroe = [\"jwt\"]\n"),
            "authlint.toml:3:1: unknown key `ignroe` in `[rules]`; did you mean `ignore`?"
        );
        assert_eq!(
            error("\n[secret]\nallowlist = []\n"),
            "authlint.toml:2:2: unknown key `secret` at the top level; did you mean `secrets`?"
        );
        assert!(error("[paths]\nfoo = 1\n").contains("known keys: exclude, tests"));
    }

    #[test]
    fn the_session_idle_limit_is_a_positive_number_of_minutes() {
        let config = parse_text("[session]\nmax-idle-minutes = 0x1e\n").unwrap();
        assert_eq!(config.session_max_idle_minutes, Some(30));
        assert_eq!(parse_text("").unwrap().session_max_idle_minutes, None);
        for bad in ["0", "-5", "\"15\"", "1.5"] {
            let message = error(&format!("[session]\nmax-idle-minutes = {bad}\n"));
            assert!(
                message.starts_with("authlint.toml:2:20: `max-idle-minutes` must be"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn bad_values_are_errors_at_their_place() {
        assert!(error("[rules]\nselect = [\"jwt/no-expiri\"]\n").starts_with("authlint.toml:2:11: unknown rule or family `jwt/no-expiri`; did you mean `jwt/no-expiry`?"));
        assert!(
            error("[rules]\nseverity = { jwt = \"severe\" }\n")
                .contains("unknown severity `severe`")
        );
        assert!(error("[rules]\nselect = \"jwt\"\n").contains("list of strings"));
        assert!(error("[secrets]\nallowlist = [\"(\"]\n").contains("bad regular expression"));
        assert!(error("[openapi]\npublic-paths = [\"health\"]\n").contains("start with `/`"));
        assert!(error("[paths]\nexclude = [\"a[\"]\n").contains("bad glob"));
        assert!(
            error("[rate-limit]\nauth-paths = [\"api/pin\"]\n")
                .starts_with("authlint.toml:2:15: `api/pin` is neither a path segment")
        );
        assert!(error("[rules\n").starts_with("authlint.toml:1:"));
    }

    #[test]
    fn discovery_stops_at_the_repository_root() {
        let dir = tempfile::TempDir::new().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("services/api/src")).unwrap();
        std::fs::write(dir.path().join("authlint.toml"), "").unwrap();
        let paths = [PathBuf::from("services/api/src")];
        assert_eq!(discover(&paths, &repo), None);
        std::fs::write(repo.join(".authlint.toml"), "").unwrap();
        assert_eq!(discover(&paths, &repo), Some(repo.join(".authlint.toml")));
        std::fs::write(repo.join("services/api/authlint.toml"), "").unwrap();
        assert_eq!(
            discover(&paths, &repo),
            Some(repo.join("services/api/authlint.toml"))
        );
        let both = [
            PathBuf::from("services/api/src"),
            PathBuf::from("services/web"),
        ];
        assert_eq!(discover(&both, &repo), Some(repo.join(".authlint.toml")));
    }

    #[test]
    fn suggestions_need_to_be_close() {
        assert_eq!(closest("selct", &["select", "ignore"]), Some("select"));
        assert_eq!(closest("banana", &["select", "ignore"]), None);
    }
}
