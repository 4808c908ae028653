//! The pipeline: collect files, then per file in parallel read → detect the
//! language → parse once → build the model once → run every enabled rule →
//! resolve overlaps → findings. Results are sorted before they leave, so
//! output never depends on scheduling.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::discover::{self, Candidate, WalkOptions};
use crate::finding::{Diagnostic, Finding};
use crate::lang::{js, openapi, rust};
use crate::prefilter::Prefilter;
use crate::project::Project;
use crate::routes::{self, collect};
use crate::rules::samples::{self as survey, Surface, Survey};
use crate::rules::{self, Rule};
use crate::sample::Sample;
use crate::source::{Language, LanguageFamily, SourceFile};
use crate::suppress::{self, SuppressedFinding};

/// Files larger than this are not read unless the scan sets its own limit:
/// no hand-written source or configuration is this big, and generated data
/// of this size holds no secret worth the time.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// The default limit, under the name the staged-blob reader uses.
pub const MAX_FILE_SIZE: u64 = DEFAULT_MAX_FILE_SIZE;

/// Parsing and the semantic model recurse on deeply nested code (syn does);
/// worker threads get a stack large enough for any real file.
const WORKER_STACK_SIZE: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Rule ids or families to run; empty means all.
    pub select: Vec<String>,
    /// Rule ids or families not to run.
    pub ignore: Vec<String>,
    pub include_default_excluded: bool,
    /// Walk and parse every file, run no rule: the floor the benchmark
    /// compares the full scan with.
    pub parse_only: bool,
    /// Run every rule on every file, even without trigger words.
    pub no_prefilter: bool,
    pub jobs: Option<usize>,
    /// Files larger than this many bytes are skipped (with a note);
    /// `None` means [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: Option<u64>,
    /// Also run `meta/unused-suppression`, which is off unless asked for.
    pub report_unused_suppressions: bool,
    /// Also run the positive detectors (code review samples) and note
    /// which kinds of authentication code each file holds, in the same
    /// parse as the rules: what the evidence report needs. Every source
    /// file is then parsed, whatever the prefilter says.
    pub survey: bool,
    /// Files never to scan, whatever the walk finds: the report being
    /// written, so that a second run does not read the first one's output.
    pub skip_files: Vec<PathBuf>,
    /// Excluded paths, per-path ignores and severity overrides from the
    /// configuration file (its rule selection is merged into `select` and
    /// `ignore` by the caller).
    pub config: Config,
}

impl ScanOptions {
    /// Every rule the scan enables, the meta rules of the suppression pass
    /// included.
    pub fn enabled_rules(&self) -> Vec<&'static Rule> {
        let mut select = self.select.clone();
        if self.report_unused_suppressions && !select.is_empty() {
            select.push(crate::rules::meta::unused_suppression::RULE.id.to_string());
        }
        let mut enabled = enabled_rules(&select, &self.ignore);
        let unused = &crate::rules::meta::unused_suppression::RULE;
        let ignored = self
            .ignore
            .iter()
            .any(|s| rules::selector_matches(s, unused));
        if self.report_unused_suppressions && !ignored && !enabled.iter().any(|r| r.id == unused.id)
        {
            enabled.push(unused);
        }
        enabled
    }
}

/// The rules whose checks run on files: every enabled rule but the meta
/// rules, which the suppression pass reports.
fn checking_rules(enabled: &[&'static Rule]) -> Vec<&'static Rule> {
    enabled
        .iter()
        .copied()
        .filter(|rule| rule.family() != rules::meta::FAMILY)
        .collect()
}

/// A file that could not be read or analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    pub message: String,
    /// A bug in authlint (a panic in a front-end or a rule), not a
    /// problem with the file: what `scan --strict` fails on.
    pub internal: bool,
}

impl ScanResult {
    /// How many errors were authlint's own bugs rather than bad files.
    pub fn internal_errors(&self) -> usize {
        self.errors.iter().filter(|e| e.internal).count()
    }
}

/// A file passed over on purpose, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    /// Findings hidden by inline suppressions, with their reasons.
    pub suppressed: Vec<SuppressedFinding>,
    /// Findings the baseline accepted (removed from `findings`).
    pub baselined: usize,
    pub errors: Vec<FileError>,
    pub skipped: Vec<Skipped>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub files_by_language: BTreeMap<&'static str, usize>,
    /// Code review samples (with `survey`), sorted; none overlaps a finding.
    pub samples: Vec<Sample>,
    /// Per kind of authentication code, how many files hold it (with
    /// `survey`).
    pub surfaces: BTreeMap<Surface, usize>,
    pub duration: Duration,
}

#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    suppressed: Vec<SuppressedFinding>,
    samples: Vec<Sample>,
    surfaces: Vec<Surface>,
    error: Option<String>,
    skipped: Option<String>,
    /// Panics contained while analysing the file, one line each.
    internal: Vec<String>,
    language: Option<Language>,
    bytes: u64,
}

/// The rules a scan runs, after `--select` and `--ignore`. Opt-in rules
/// run only when selected by their id.
pub fn enabled_rules(select: &[String], ignore: &[String]) -> Vec<&'static Rule> {
    rules::ALL
        .iter()
        .copied()
        .filter(|rule| select.is_empty() || select.iter().any(|s| rules::selector_matches(s, rule)))
        .filter(|rule| !rules::OPT_IN.contains(&rule.id) || select.iter().any(|s| s == rule.id))
        .filter(|rule| !ignore.iter().any(|s| rules::selector_matches(s, rule)))
        .collect()
}

pub fn scan(options: &ScanOptions) -> anyhow::Result<ScanResult> {
    let started = Instant::now();
    let walk_options = WalkOptions {
        include_default_excluded: options.include_default_excluded,
        threads: thread_count(options),
    };
    let (candidates, walk_errors) = discover::collect_files(&options.paths, &walk_options);
    let walk_errors = walk_errors
        .into_iter()
        .map(|e| FileError {
            path: e.path,
            message: e.message,
            internal: false,
        })
        .collect();
    scan_candidates(candidates, walk_errors, options, started)
}

/// Scans files a walk found (with [`discover::collect_files`]), reporting
/// the walk's own errors with the rest. Split from [`scan`] so that tests
/// can change the tree between the walk and the reads.
pub fn scan_candidates(
    mut candidates: Vec<Candidate>,
    walk_errors: Vec<FileError>,
    options: &ScanOptions,
    started: Instant,
) -> anyhow::Result<ScanResult> {
    let setup = ScanSetup::new(options)?;
    let current_dir = std::env::current_dir().ok();
    candidates.retain(|candidate| !options.config.is_excluded(&candidate.path));
    if !options.skip_files.is_empty() {
        candidates.retain(|candidate| {
            let path = candidate
                .path
                .canonicalize()
                .unwrap_or_else(|_| candidate.path.clone());
            !options.skip_files.contains(&path)
        });
    }
    let mut setup = setup;
    if setup.needs_routes(options) {
        let current = current_dir.clone().unwrap_or_default();
        let root = collect::project_root(&options.paths, &current);
        let covers_root = options
            .paths
            .iter()
            .any(|p| root.starts_with(routes::index_key(p)));
        // A scan of part of the project (pre-commit, named files) still
        // resolves mounts and global guards from all of it.
        // Test code neither mounts production routers nor gets reported.
        let scanned: Vec<PathBuf> = candidates
            .iter()
            .map(|c| c.path.clone())
            .filter(|p| Language::from_path(p).is_some() && !options.config.is_test_path(p))
            .collect();
        if covers_root || scanned.is_empty() {
            // Nothing to report on needs no walk of the rest (a commit of
            // documentation only).
            setup.index_routes(options, scanned, None, &HashMap::new());
        } else {
            let walk_options = WalkOptions {
                include_default_excluded: options.include_default_excluded,
                threads: thread_count(options),
            };
            let paths = collect::walk_project(&root, &options.config, &walk_options);
            let scanned: Vec<PathBuf> = scanned.iter().map(|p| routes::index_key(p)).collect();
            setup.index_routes(options, paths, Some(&scanned), &HashMap::new());
        }
    }
    let context = setup.context(options);
    let outcomes: Vec<(String, FileOutcome)> = setup.pool.install(|| {
        candidates
            .par_iter()
            .map(|candidate| {
                let display = discover::display_path(&candidate.path, current_dir.as_deref());
                let outcome = scan_candidate(candidate, &display, &context);
                (display, outcome)
            })
            .collect()
    });
    Ok(collect(outcomes, walk_errors, options, started))
}

fn thread_count(options: &ScanOptions) -> usize {
    options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

/// What a scan sets up before it reads any file, whether the files come
/// from the work tree or from the index.
struct ScanSetup {
    pool: rayon::ThreadPool,
    enabled: Vec<&'static Rule>,
    rules: Vec<&'static Rule>,
    prefilter: Prefilter,
    project: Arc<Project>,
}

impl ScanSetup {
    fn new(options: &ScanOptions) -> anyhow::Result<Self> {
        let threads = thread_count(options);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(WORKER_STACK_SIZE)
            .build()?;
        let enabled = options.enabled_rules();
        let rules = checking_rules(&enabled);
        let prefilter = Prefilter::new(&rules, !options.no_prefilter);
        Ok(Self {
            pool,
            enabled,
            rules,
            prefilter,
            project: Project::new(options.config.clone()),
        })
    }

    /// Whether an enabled rule reads the project's route model.
    fn needs_routes(&self, options: &ScanOptions) -> bool {
        !options.parse_only
            && self
                .rules
                .iter()
                .any(|rule| rule.family() == rules::ratelimit::FAMILY)
    }

    /// The project pass: the route model of the files in `paths` (of those
    /// that matter to `scanned`, when only part of the project is scanned),
    /// in the scan's thread pool, put in the project every file shares.
    fn index_routes(
        &mut self,
        options: &ScanOptions,
        paths: Vec<PathBuf>,
        scanned: Option<&[PathBuf]>,
        overrides: &HashMap<PathBuf, String>,
    ) {
        let files = collect::ProjectFiles {
            paths,
            overrides,
            max_file_size: options.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        };
        let facts = self.pool.install(|| match scanned {
            Some(scanned) => collect::collect_for(&files, scanned),
            None => collect::collect(&files),
        });
        let index = routes::RouteIndex::new(facts, &options.config.limiters);
        self.project = Project::with_routes(options.config.clone(), index);
    }

    fn context(&self, options: &ScanOptions) -> FileContext<'_> {
        FileContext {
            rules: &self.rules,
            enabled: &self.enabled,
            prefilter: &self.prefilter,
            project: &self.project,
            parse_only: options.parse_only,
            survey: options.survey,
            include_default_excluded: options.include_default_excluded,
            max_file_size: options.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        }
    }
}

/// A file's content that does not come from the work tree: a staged blob.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Where the file would be in the work tree (for configuration globs
    /// and the comment style).
    pub path: PathBuf,
    /// The path as reports print it.
    pub display: String,
    pub bytes: Vec<u8>,
}

/// Scans files held in memory, as `scan` scans the work tree: the same
/// rules, suppressions and configuration.
pub fn scan_blobs(blobs: Vec<Blob>, options: &ScanOptions) -> anyhow::Result<ScanResult> {
    let started = Instant::now();
    let mut setup = ScanSetup::new(options)?;
    if setup.needs_routes(options) {
        let current = std::env::current_dir().unwrap_or_default();
        let blob_paths: Vec<PathBuf> = blobs.iter().map(|b| b.path.clone()).collect();
        let root = collect::project_root(&blob_paths, &current);
        let walk_options = WalkOptions {
            include_default_excluded: options.include_default_excluded,
            threads: thread_count(options),
        };
        // The staged content is what gets committed: it replaces the work
        // tree's version of the same file in the route model.
        let overrides: HashMap<PathBuf, String> = blobs
            .iter()
            .filter(|b| Language::from_path(&b.path).is_some())
            .filter(|b| !options.config.is_test_path(&b.path))
            .filter_map(|b| {
                let text = String::from_utf8(b.bytes.clone()).ok()?;
                Some((routes::index_key(&b.path), text))
            })
            .collect();
        let scanned: Vec<PathBuf> = overrides.keys().cloned().collect();
        let paths = if scanned.is_empty() {
            Vec::new()
        } else {
            collect::walk_project(&root, &options.config, &walk_options)
        };
        setup.index_routes(options, paths, Some(&scanned), &overrides);
    }
    let context = setup.context(options);
    let outcomes: Vec<(String, FileOutcome)> = setup.pool.install(|| {
        blobs
            .into_par_iter()
            .filter(|blob| !options.config.is_excluded(&blob.path))
            .map(|blob| {
                let outcome = match decode(blob.bytes) {
                    Ok((text, warning)) => {
                        scan_loaded(&blob.path, &blob.display, text, warning, true, &context)
                    }
                    Err(message) => refused(&blob.path, message),
                };
                (blob.display, outcome)
            })
            .collect()
    });
    Ok(collect(outcomes, Vec::new(), options, started))
}

/// What every file of a scan shares.
struct FileContext<'a> {
    /// The rules whose checks run.
    rules: &'a [&'static Rule],
    /// Every enabled rule, meta rules included.
    enabled: &'a [&'static Rule],
    prefilter: &'a Prefilter,
    project: &'a Arc<Project>,
    parse_only: bool,
    /// Run the positive detectors too.
    survey: bool,
    /// Minified bundles are read too (`--no-default-excludes`).
    include_default_excluded: bool,
    max_file_size: u64,
}

/// Gathers the files' outcomes into a sorted result, with the
/// configuration's per-path ignores and severities applied.
fn collect(
    outcomes: Vec<(String, FileOutcome)>,
    errors: Vec<FileError>,
    options: &ScanOptions,
    started: Instant,
) -> ScanResult {
    let mut result = ScanResult {
        errors,
        ..ScanResult::default()
    };
    for (path, outcome) in outcomes {
        if let Some(reason) = outcome.skipped {
            result.skipped.push(Skipped { path, reason });
            continue;
        }
        if let Some(message) = outcome.error {
            result.errors.push(FileError {
                path: path.clone(),
                message,
                internal: false,
            });
        }
        for message in outcome.internal {
            result.errors.push(FileError {
                path: path.clone(),
                message,
                internal: true,
            });
        }
        if let Some(language) = outcome.language {
            result.files_scanned += 1;
            result.bytes_scanned += outcome.bytes;
            *result.files_by_language.entry(language.name()).or_default() += 1;
        }
        result.findings.extend(outcome.findings);
        result.suppressed.extend(outcome.suppressed);
        result.samples.extend(outcome.samples);
        for surface in outcome.surfaces {
            *result.surfaces.entry(surface).or_default() += 1;
        }
    }
    let config = &options.config;
    result
        .findings
        .retain(|f| !config.is_ignored_at(f.rule, Path::new(&f.path)));
    for finding in &mut result.findings {
        finding.severity = config.severity_of(finding.rule);
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // A file referenced by two contracts is checked from both.
    let mut seen = std::collections::HashSet::new();
    result.findings.retain(|f| {
        seen.insert((
            f.path.clone(),
            f.line,
            f.column,
            f.rule.id,
            f.message.clone(),
        ))
    });
    let mut seen = std::collections::HashSet::new();
    result.suppressed.retain(|s| {
        let f = &s.finding;
        seen.insert((
            f.path.clone(),
            f.line,
            f.column,
            f.rule.id,
            f.message.clone(),
        ))
    });
    disambiguate_fingerprints(&mut result.findings);
    result
        .suppressed
        .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    result
        .samples
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result.errors.sort();
    result.skipped.sort();
    result.duration = started.elapsed();
    result
}

/// Two findings of one rule on identical code in one file would share a
/// fingerprint; the second and later get a counter, in file order.
fn disambiguate_fingerprints(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for finding in findings {
        let count = seen.entry(finding.fingerprint.clone()).or_default();
        *count += 1;
        if *count > 1 {
            finding.fingerprint = format!("{}-{}", finding.fingerprint, count);
        }
    }
}

fn scan_candidate(candidate: &Candidate, display: &str, context: &FileContext<'_>) -> FileOutcome {
    if let Some(reason) = skip_by_name(candidate, context) {
        return FileOutcome {
            skipped: Some(reason),
            ..FileOutcome::default()
        };
    }
    let text = match read_text(&candidate.path, context.max_file_size) {
        Ok(ReadText::Text(text, warning)) => (text, warning),
        Ok(ReadText::Skip(reason)) => {
            return FileOutcome {
                skipped: Some(reason),
                ..FileOutcome::default()
            };
        }
        Err(message) => return refused(&candidate.path, message),
    };
    let (text, warning) = text;
    scan_loaded(
        &candidate.path,
        display,
        text,
        warning,
        candidate.explicit,
        context,
    )
}

/// Why a walked file is not read at all, from its name: lock files, files
/// of binary types, and minified bundles unless `--no-default-excludes`.
/// A file named on the command line is always read.
fn skip_by_name(candidate: &Candidate, context: &FileContext<'_>) -> Option<String> {
    if candidate.explicit {
        return None;
    }
    if let Some(reason) = discover::skip_by_name(&candidate.path) {
        return Some(reason.into());
    }
    let minified = !context.include_default_excluded
        && Language::from_path(&candidate.path).is_some()
        && discover::is_minified_name(&candidate.path);
    minified.then(|| "minified bundle (use --no-default-excludes to scan it)".into())
}

/// The outcome of a file whose bytes were refused: binary content is an
/// error in a file named as code (something is wrong with it), and an
/// expected skip in any other file.
fn refused(path: &Path, message: String) -> FileOutcome {
    if Language::from_path(path).is_some() {
        FileOutcome {
            error: Some(message),
            ..FileOutcome::default()
        }
    } else {
        FileOutcome {
            skipped: Some("binary content".into()),
            ..FileOutcome::default()
        }
    }
}

/// Analyses a file's text and applies its suppressions.
fn scan_loaded(
    path: &Path,
    display: &str,
    text: String,
    warning: Option<String>,
    explicit: bool,
    context: &FileContext<'_>,
) -> FileOutcome {
    let language = Language::of_path(path);
    if language == Language::Text && warning.is_some() {
        // Text that is not UTF-8 is some other encoding or a binary format
        // without NUL bytes; neither holds a key format worth guessing at.
        return FileOutcome {
            skipped: Some("not UTF-8 text".into()),
            ..FileOutcome::default()
        };
    }
    if !explicit && language != Language::Rust && discover::looks_minified(&text) {
        return FileOutcome {
            skipped: Some("minified (very long lines; name the file to scan it)".into()),
            ..FileOutcome::default()
        };
    }
    let bytes = text.len() as u64;
    let source = SourceFile::new(path.to_path_buf(), display.to_string(), text, language)
        .in_project(Arc::clone(context.project));
    let analysed = catch_unwind(AssertUnwindSafe(|| {
        analyse(
            &source,
            context.rules,
            context.prefilter,
            context.parse_only,
            context.survey,
        )
    }));
    // A suppression can only be called unused when every rule ran.
    let ran = matches!(&analysed, Ok(analysis) if analysis.error.is_none() && analysis.internal.is_empty());
    let mut samples = Vec::new();
    let mut surfaces = Vec::new();
    let mut external = Vec::new();
    let mut accepted = Vec::new();
    let (findings, error, internal) = match analysed {
        Ok(analysis) => {
            samples = analysis.samples;
            surfaces = analysis.surfaces;
            external = analysis.external;
            accepted = analysis.suppressed;
            let messages: Vec<String> = analysis
                .error
                .or(warning)
                .into_iter()
                .chain(analysis.notes)
                .collect();
            let error = (!messages.is_empty()).then(|| messages.join("; "));
            (analysis.findings, error, analysis.internal)
        }
        Err(panic) => {
            if language == Language::Rust {
                rust::release_spans();
            }
            // Outside any one rule: the parser, the semantic model, the
            // survey or the masking of findings.
            let message = format!(
                "internal error while analysing (parsing or building the model): {}; no rule ran on this file",
                panic_message(panic.as_ref())
            );
            (Vec::new(), warning, vec![message])
        }
    };
    let mut applied = suppress::apply(&source, findings, context.enabled, ran);
    apply_external(&mut applied, external, context.enabled);
    applied.suppressed.extend(accepted);
    FileOutcome {
        findings: applied.findings,
        suppressed: applied.suppressed,
        samples,
        surfaces,
        error,
        skipped: None,
        internal,
        language: Some(language),
        bytes,
    }
}

/// Applies the suppressions of referenced files to the findings made in
/// them. The meta rules stay with each file's own scan, which judges its
/// comments once however many documents reference it.
fn apply_external(
    applied: &mut suppress::Applied,
    external: Vec<(SourceFile, Vec<Finding>)>,
    enabled: &[&'static Rule],
) {
    if external.is_empty() {
        return;
    }
    let checking = checking_rules(enabled);
    for (other, findings) in external {
        let more = suppress::apply(&other, findings, &checking, false);
        applied.findings.extend(more.findings);
        applied.suppressed.extend(more.suppressed);
    }
}

enum ReadText {
    /// The text, and a warning when it was not valid UTF-8.
    Text(String, Option<String>),
    Skip(String),
}

fn read_text(path: &Path, max_file_size: u64) -> Result<ReadText, String> {
    let metadata = std::fs::metadata(path).map_err(|e| read_error(&e))?;
    if metadata.len() > max_file_size {
        return Ok(ReadText::Skip(format!(
            "larger than the size limit ({})",
            size_in_words(max_file_size)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(&e))?;
    let (text, warning) = decode(bytes)?;
    Ok(ReadText::Text(text, warning))
}

/// Why a file the walk found could not be read. A file that is gone was
/// deleted or renamed while the scan ran (an editor's swap file, a build
/// step): say so, rather than leave the user to wonder how the walk found
/// a file that does not exist.
fn read_error(error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        "cannot read: the file disappeared after the walk found it".into()
    } else {
        format!("cannot read: {error}")
    }
}

fn size_in_words(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A file's bytes as text, with a warning when they were not valid UTF-8;
/// an error for binary content.
fn decode(bytes: Vec<u8>) -> Result<(String, Option<String>), String> {
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary content (NUL bytes), not analysed".into());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(error) => {
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Ok((
                text,
                Some("invalid UTF-8, analysed with the bad bytes replaced".into()),
            ))
        }
    }
}

/// What the analysis of one file gave: its findings, and why part of it
/// could not be done (a parser gave up) if so. Text checks still run on a
/// file whose parser gave up.
struct Analysis {
    findings: Vec<Finding>,
    error: Option<String>,
    /// Warnings about the file that do not make its analysis incomplete.
    notes: Vec<String>,
    /// Findings in files this one references (`OpenAPI` `$ref`s).
    external: Vec<(SourceFile, Vec<Finding>)>,
    /// Findings the configuration accepts, here or in referenced files.
    suppressed: Vec<SuppressedFinding>,
    /// Rules that panicked on the file, one line each.
    internal: Vec<String>,
    samples: Vec<Sample>,
    surfaces: Vec<Surface>,
}

/// Runs every enabled rule that the prefilter lets through on a file, then
/// turns the surviving diagnostics into findings, masking every secret any
/// of them reported on every line shown. Samples get the same masking, and
/// a sample on code that is also flagged is dropped: the report never
/// holds up as done right what a rule reports as wrong.
fn analyse(
    source: &SourceFile,
    rules: &[&'static Rule],
    prefilter: &Prefilter,
    parse_only: bool,
    survey: bool,
) -> Analysis {
    let Diagnosed {
        mut diagnostics,
        error,
        survey,
        notes,
        allowed,
        external,
        internal,
    } = diagnose(source, rules, prefilter, parse_only, survey);
    let config = &source.project().config;
    if !config.secret_allowlist.is_empty() {
        // An allowed value is no secret: neither reported nor masked.
        diagnostics.retain(|d| {
            d.secret
                .as_ref()
                .and_then(|range| source.text.get(range.clone()))
                .is_none_or(|value| !config.allows_secret(value))
        });
    }
    let secrets: Vec<Range<usize>> = diagnostics
        .iter()
        .filter_map(|d| d.secret.clone())
        .collect();
    let samples = survey
        .exhibits
        .into_iter()
        .filter(|e| {
            !diagnostics
                .iter()
                .any(|d| d.range.start < e.range.end && e.range.start < d.range.end)
        })
        .map(|e| Sample::from_exhibit(source, e, &secrets))
        .collect();
    rules::resolve_overlaps(&mut diagnostics);
    let findings = diagnostics
        .into_iter()
        .map(|d| Finding::from_diagnostic_masking(source, d, &secrets))
        .collect();
    let mut suppressed = accepted(source, allowed);
    let external = external
        .into_iter()
        .map(|other| {
            let mut found = other.diagnostics;
            rules::resolve_overlaps(&mut found);
            let findings = found
                .into_iter()
                .map(|d| Finding::from_diagnostic_masking(&other.source, d, &[]))
                .collect();
            suppressed.extend(accepted(&other.source, other.allowed));
            (other.source, findings)
        })
        .collect();
    Analysis {
        findings,
        error,
        notes,
        suppressed,
        external,
        internal,
        samples,
        surfaces: survey.surfaces.into_iter().collect(),
    }
}

/// Findings `[[openapi.allow]]` accepts, as suppressed findings whose
/// "comment" is the finding's own line: the exception lives in the
/// configuration, not next to the code.
fn accepted(file: &SourceFile, allowed: Vec<(Diagnostic, String)>) -> Vec<SuppressedFinding> {
    allowed
        .into_iter()
        .map(|(d, reason)| {
            let finding = Finding::from_diagnostic_masking(file, d, &[]);
            SuppressedFinding {
                comment_line: finding.line,
                finding,
                reason,
            }
        })
        .collect()
}

/// Whether a rule reads files of a language family: its own families, and
/// every file for rules that read text (`any`).
fn covers(rule: &Rule, family: LanguageFamily) -> bool {
    rule.languages.contains(&family) || rule.languages.contains(&LanguageFamily::Any)
}

/// Parses a file once and runs every rule of its language that the
/// prefilter lets through on the result, then the text checks on the same
/// read. A file no parsing rule can apply to is not parsed (except for
/// `--parse-only`, which measures parsing itself).
///
/// Text files ([`LanguageFamily::Any`]) have no parser here: front-ends
/// that recognise a document by its content (`OpenAPI` in YAML or JSON)
/// parse `source` in that arm, next to the text checks, from the same read.
fn diagnose(
    source: &SourceFile,
    rules: &[&'static Rule],
    prefilter: &Prefilter,
    parse_only: bool,
    surveying: bool,
) -> Diagnosed {
    let family = source.language.family();
    // Type declarations hold no statements, calls or values for a code
    // rule to judge (`lib.dom.d.ts` alone is megabytes of parsing for
    // nothing); the text checks still read them.
    let declarations = family == LanguageFamily::Js && is_declaration_file(&source.path);
    let contract = family == LanguageFamily::Any && openapi::is_candidate(source);
    let applicable = prefilter.applicable(&source.text);
    let rules: Vec<&'static Rule> = rules
        .iter()
        .zip(&applicable)
        .filter(|(rule, applies)| {
            **applies
                && (covers(rule, family)
                    || (contract && rule.languages.contains(&LanguageFamily::OpenApi)))
        })
        .map(|(rule, _)| *rule)
        .collect();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut internal = Vec::new();
    let mut error = None;
    let mut found = Survey::default();
    let mut notes = Vec::new();
    let mut external = Vec::new();
    let mut allowed = Vec::new();
    let surveying = surveying && !parse_only;
    match family {
        LanguageFamily::Js
            if parse_only
                || (!declarations
                    && (surveying || rules.iter().any(|r| r.checks.js.is_some()))) =>
        {
            match js::parse(source) {
                Some(tree) if !parse_only => {
                    let file = js::JsFile::new(source, &tree);
                    for rule in &rules {
                        if let Some(check) = rule.checks.js {
                            contain(rule, &mut diagnostics, &mut internal, |out| {
                                check(&file, out);
                            });
                        }
                    }
                    if surveying {
                        found.saw(Surface::SourceCode);
                        for surveyor in survey::SURVEYORS {
                            if let Some(detect) = surveyor.js {
                                detect(&file, &mut found);
                            }
                        }
                    }
                }
                Some(_) => {}
                None => error = Some("the JavaScript parser gave up on this file".to_string()),
            }
        }
        LanguageFamily::Rs
            if parse_only || surveying || rules.iter().any(|r| r.checks.rust.is_some()) =>
        {
            match rust::parse(source) {
                Ok(syntax) => {
                    if !parse_only {
                        let file = rust::RustFile::new(source, &syntax);
                        for rule in &rules {
                            if let Some(check) = rule.checks.rust {
                                contain(rule, &mut diagnostics, &mut internal, |out| {
                                    check(&file, out);
                                });
                            }
                        }
                        if surveying {
                            found.saw(Surface::SourceCode);
                            for surveyor in survey::SURVEYORS {
                                if let Some(detect) = surveyor.rust {
                                    detect(&file, &mut found);
                                }
                            }
                        }
                    }
                    // Spans are turned into offsets above; the thread's span map can go.
                    drop(syntax);
                }
                Err(parse_error) => {
                    error = Some(format!(
                        "not analysed: syntax error at {}:{}: {}",
                        parse_error.line, parse_error.column, parse_error.message
                    ));
                }
            }
            rust::release_spans();
        }
        LanguageFamily::Any
            if contract && (surveying || rules.iter().any(|r| r.checks.openapi.is_some())) =>
        {
            match openapi::parse(source) {
                Ok(Some((root, version))) if !parse_only => {
                    let bundle = openapi::external::load(source, &root);
                    let file = openapi::OpenApiFile {
                        source,
                        root: &root,
                        version,
                        bundle: &bundle,
                    };
                    for rule in &rules {
                        if let Some(check) = rule.checks.openapi {
                            contain(rule, &mut diagnostics, &mut internal, |out| {
                                check(&file, out);
                            });
                        }
                    }
                    if surveying {
                        for surveyor in survey::SURVEYORS {
                            if let Some(detect) = surveyor.openapi {
                                detect(&file, &mut found);
                            }
                        }
                        // Samples are shown from the root document only.
                        found.exhibits.retain(|e| e.range.end <= source.text.len());
                    }
                    notes.extend(bundle.warnings.iter().cloned());
                    allowed = take_allowed(&file, &mut diagnostics, &mut notes);
                    external = split_by_document(&mut diagnostics, &mut allowed, bundle);
                }
                // Other YAML or JSON, or parse-only.
                Ok(_) => {}
                Err(yaml_error) => {
                    error = Some(format!(
                        "not analysed as OpenAPI: invalid YAML or JSON at {}:{}: {}",
                        yaml_error.line, yaml_error.column, yaml_error.message
                    ));
                }
            }
        }
        LanguageFamily::Js | LanguageFamily::Rs | LanguageFamily::Any | LanguageFamily::OpenApi => {
        }
    }
    if !parse_only {
        for rule in &rules {
            if let Some(check) = rule.checks.text {
                contain(rule, &mut diagnostics, &mut internal, |out| {
                    check(source, out);
                });
            }
        }
    }
    Diagnosed {
        diagnostics,
        error,
        survey: found,
        notes,
        allowed,
        external,
        internal,
    }
}

/// What [`diagnose`] found in a file.
struct Diagnosed {
    /// Diagnostics about the file itself.
    diagnostics: Vec<Diagnostic>,
    /// Why part of the analysis could not be done.
    error: Option<String>,
    survey: Survey,
    /// Warnings that do not stop the analysis (a referenced file that
    /// could not be read).
    notes: Vec<String>,
    /// Diagnostics the configuration accepts (`[[openapi.allow]]`), with
    /// the reason it gives.
    allowed: Vec<(Diagnostic, String)>,
    /// Diagnostics in other files the file references, with their ranges
    /// in those files.
    external: Vec<ExternalDiagnostics>,
    /// Rules that panicked on the file, one line each.
    internal: Vec<String>,
}

/// A diagnostic the configuration accepts, with the reason it gives.
type Allowed = (Diagnostic, String);

/// What a contract's rules found in one file it references.
struct ExternalDiagnostics {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
    allowed: Vec<(Diagnostic, String)>,
}

/// Moves the diagnostics that `[[openapi.allow]]` entries accept out of
/// `diagnostics`. An entry whose pointer names nothing in its document is
/// a note: a renamed path would otherwise leave it silently useless.
fn take_allowed(
    file: &openapi::OpenApiFile<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    notes: &mut Vec<String>,
) -> Vec<(Diagnostic, String)> {
    let config = &file.source.project().config;
    if config.openapi_allow.is_empty() {
        return Vec::new();
    }
    let documents = std::iter::once((file.source, file.root))
        .chain(file.bundle.documents.iter().map(|d| (&d.source, &d.root)));
    let mut spans = Vec::new();
    for (source, root) in documents {
        for allow in config.openapi_allows_for(&source.path) {
            match openapi::pointer_entry(root, &allow.pointer) {
                Some((span, _)) => spans.push((span, allow)),
                None => notes.push(format!(
                    "`[[openapi.allow]]` pointer `{}` names nothing in {}",
                    allow.pointer, source.display_path
                )),
            }
        }
    }
    let mut allowed = Vec::new();
    let mut kept = Vec::new();
    for diagnostic in diagnostics.drain(..) {
        let covering = spans.iter().find(|(span, allow)| {
            allow.covers(diagnostic.rule)
                && span.start <= diagnostic.range.start
                && diagnostic.range.end <= span.end
        });
        match covering {
            Some((_, allow)) => {
                let reason = format!(
                    "{} (authlint.toml `[[openapi.allow]]` {})",
                    allow.reason, allow.pointer
                );
                allowed.push((diagnostic, reason));
            }
            None => kept.push(diagnostic),
        }
    }
    *diagnostics = kept;
    allowed
}

/// Moves the diagnostics that fall in a referenced document out of
/// `diagnostics` and `allowed`, back into that document's own offsets.
fn split_by_document(
    diagnostics: &mut Vec<Diagnostic>,
    allowed: &mut Vec<(Diagnostic, String)>,
    bundle: openapi::Bundle,
) -> Vec<ExternalDiagnostics> {
    if bundle.documents.is_empty() {
        return Vec::new();
    }
    let mut external: Vec<ExternalDiagnostics> = Vec::new();
    let mut slots: Vec<(Vec<Diagnostic>, Vec<Allowed>)> = bundle
        .documents
        .iter()
        .map(|_| Default::default())
        .collect();
    let place = |diagnostic: &mut Diagnostic| {
        let at = diagnostic.range.start;
        let index = bundle
            .documents
            .iter()
            .position(|d| d.span().contains(&at))?;
        let base = bundle.documents[index].base;
        diagnostic.range = diagnostic.range.start - base..diagnostic.range.end - base;
        Some(index)
    };
    let mut own = Vec::new();
    for mut diagnostic in diagnostics.drain(..) {
        match place(&mut diagnostic) {
            Some(index) => slots[index].0.push(diagnostic),
            None => own.push(diagnostic),
        }
    }
    *diagnostics = own;
    let mut own = Vec::new();
    for (mut diagnostic, reason) in allowed.drain(..) {
        match place(&mut diagnostic) {
            Some(index) => slots[index].1.push((diagnostic, reason)),
            None => own.push((diagnostic, reason)),
        }
    }
    *allowed = own;
    for (document, (diagnostics, allowed)) in bundle.documents.into_iter().zip(slots) {
        if !diagnostics.is_empty() || !allowed.is_empty() {
            external.push(ExternalDiagnostics {
                source: document.source,
                diagnostics,
                allowed,
            });
        }
    }
    external
}

/// Runs one rule's check on a file so that a panic in it costs only that
/// rule's findings on this file: what it reported before panicking is
/// dropped (it may be half done), and the other rules still run. Catching
/// costs nothing on the path where no panic happens.
fn contain(
    rule: &Rule,
    diagnostics: &mut Vec<Diagnostic>,
    internal: &mut Vec<String>,
    check: impl FnOnce(&mut Vec<Diagnostic>),
) {
    let before = diagnostics.len();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        panic_on_request(rule);
        check(diagnostics);
    }));
    if let Err(panic) = outcome {
        diagnostics.truncate(before);
        internal.push(format!(
            "internal error in rule `{}`: {}; the file's other rules ran",
            rule.id,
            panic_message(panic.as_ref())
        ));
    }
}

/// The text a panic was raised with.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause")
}

/// Names a rule that panics on every file it checks, so that tests can
/// drive the containment and `--strict` through the real binary; no rule
/// can be made to panic otherwise on purpose. Unset, it costs one atomic
/// load per check.
pub const PANIC_RULE_VARIABLE: &str = "AUTHLINT_TEST_PANIC_RULE";

fn panic_on_request(rule: &Rule) {
    static REQUESTED: OnceLock<Option<String>> = OnceLock::new();
    let requested = REQUESTED.get_or_init(|| std::env::var(PANIC_RULE_VARIABLE).ok());
    assert!(
        requested.as_deref() != Some(rule.id),
        "{PANIC_RULE_VARIABLE} asked `{}` to panic",
        rule.id
    );
}

/// A TypeScript declaration file: `.d.ts`, `.d.mts`, `.d.cts`.
fn is_declaration_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| {
            [".d.ts", ".d.mts", ".d.cts"]
                .iter()
                .any(|suffix| name.len() > suffix.len() && name.ends_with(suffix))
        })
}

/// The diagnostics of one in-memory file, overlaps resolved, before they
/// become findings: for tests that need the exact byte ranges reported
/// (where secrets sit). Suppressions are not applied.
pub fn diagnose_text(
    display_path: &str,
    text: String,
    rules: &[&'static Rule],
) -> Result<(SourceFile, Vec<Diagnostic>), String> {
    let path = PathBuf::from(display_path);
    let language = Language::of_path(&path);
    let source = SourceFile::new(path, display_path.to_string(), text, language);
    let checking = checking_rules(rules);
    let prefilter = Prefilter::new(&checking, true);
    let Diagnosed {
        mut diagnostics,
        error,
        internal,
        ..
    } = diagnose(&source, &checking, &prefilter, false, false);
    if let Some(error) = error.or_else(|| internal.into_iter().next()) {
        return Err(error);
    }
    rules::resolve_overlaps(&mut diagnostics);
    Ok((source, diagnostics))
}

/// Scans one in-memory file: used by the fixture harness and by callers
/// that already hold the text (staged blobs).
pub fn scan_text(
    display_path: &str,
    text: String,
    rules: &[&'static Rule],
    use_prefilter: bool,
) -> Result<Vec<Finding>, String> {
    scan_file_text(
        Path::new(display_path),
        display_path,
        text,
        rules,
        use_prefilter,
    )
}

/// Scans one in-memory file that also exists at `path`, so that the files
/// it references (`OpenAPI` `$ref`s) are read beside it; their findings
/// come back too, under paths shown beside `display_path`.
pub fn scan_file_text(
    path: &Path,
    display_path: &str,
    text: String,
    rules: &[&'static Rule],
    use_prefilter: bool,
) -> Result<Vec<Finding>, String> {
    let path = path.to_path_buf();
    let language = Language::of_path(&path);
    let source = SourceFile::new(path, display_path.to_string(), text, language);
    let checking = checking_rules(rules);
    let prefilter = Prefilter::new(&checking, use_prefilter);
    let analysis = analyse(&source, &checking, &prefilter, false, false);
    if let Some(error) = analysis
        .error
        .or_else(|| analysis.internal.into_iter().next())
    {
        return Err(error);
    }
    let findings = analysis.findings;
    let mut applied = suppress::apply(&source, findings, rules, true);
    apply_external(&mut applied, analysis.external, rules);
    let mut findings = applied.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(findings)
}
