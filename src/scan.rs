//! The pipeline: collect files, then per file in parallel read → detect the
//! language → parse once → build the model once → run every enabled rule →
//! resolve overlaps → findings. Results are sorted before they leave, so
//! output never depends on scheduling.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::discover::{self, Candidate, WalkOptions};
use crate::finding::{Diagnostic, Finding};
use crate::lang::{js, rust};
use crate::prefilter::Prefilter;
use crate::rules::{self, Rule};
use crate::source::{Language, LanguageFamily, SourceFile};

/// Files larger than this are not read: no hand-written source is this big.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

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
}

/// A file that could not be read or analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    pub message: String,
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
    pub errors: Vec<FileError>,
    pub skipped: Vec<Skipped>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    pub files_by_language: BTreeMap<&'static str, usize>,
    pub duration: Duration,
}

#[derive(Default)]
struct FileOutcome {
    findings: Vec<Finding>,
    error: Option<String>,
    skipped: Option<String>,
    language: Option<Language>,
    bytes: u64,
}

/// The rules a scan runs, after `--select` and `--ignore`.
pub fn enabled_rules(select: &[String], ignore: &[String]) -> Vec<&'static Rule> {
    rules::ALL
        .iter()
        .copied()
        .filter(|rule| select.is_empty() || select.iter().any(|s| rules::selector_matches(s, rule)))
        .filter(|rule| !ignore.iter().any(|s| rules::selector_matches(s, rule)))
        .collect()
}

pub fn scan(options: &ScanOptions) -> anyhow::Result<ScanResult> {
    let started = Instant::now();
    let threads = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_SIZE)
        .build()?;
    let rules = enabled_rules(&options.select, &options.ignore);
    let prefilter = Prefilter::new(&rules, !options.no_prefilter);
    let current_dir = std::env::current_dir().ok();
    let walk_options = WalkOptions {
        include_default_excluded: options.include_default_excluded,
        threads,
    };
    let (candidates, walk_errors) = discover::collect_files(&options.paths, &walk_options);
    let outcomes: Vec<(String, FileOutcome)> = pool.install(|| {
        candidates
            .par_iter()
            .map(|candidate| {
                let display = discover::display_path(&candidate.path, current_dir.as_deref());
                let outcome =
                    scan_candidate(candidate, &display, &rules, &prefilter, options.parse_only);
                (display, outcome)
            })
            .collect()
    });

    let mut result = ScanResult::default();
    result
        .errors
        .extend(walk_errors.into_iter().map(|e| FileError {
            path: e.path,
            message: e.message,
        }));
    for (path, outcome) in outcomes {
        if let Some(reason) = outcome.skipped {
            result.skipped.push(Skipped { path, reason });
            continue;
        }
        if let Some(message) = outcome.error {
            result.errors.push(FileError {
                path: path.clone(),
                message,
            });
        }
        if let Some(language) = outcome.language {
            result.files_scanned += 1;
            result.bytes_scanned += outcome.bytes;
            *result.files_by_language.entry(language.name()).or_default() += 1;
        }
        result.findings.extend(outcome.findings);
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    disambiguate_fingerprints(&mut result.findings);
    result.errors.sort();
    result.skipped.sort();
    result.duration = started.elapsed();
    Ok(result)
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

fn scan_candidate(
    candidate: &Candidate,
    display: &str,
    rules: &[&'static Rule],
    prefilter: &Prefilter,
    parse_only: bool,
) -> FileOutcome {
    let Some(language) = Language::from_path(&candidate.path) else {
        return FileOutcome {
            skipped: Some("no front-end reads this kind of file".into()),
            ..FileOutcome::default()
        };
    };
    let text = match read_text(&candidate.path) {
        Ok(ReadText::Text(text, warning)) => (text, warning),
        Ok(ReadText::Skip(reason)) => {
            return FileOutcome {
                skipped: Some(reason),
                ..FileOutcome::default()
            };
        }
        Err(message) => {
            return FileOutcome {
                error: Some(message),
                ..FileOutcome::default()
            };
        }
    };
    let (text, warning) = text;
    if !candidate.explicit && language != Language::Rust && discover::looks_minified(&text) {
        return FileOutcome {
            skipped: Some("minified bundle (use --no-default-excludes to scan it)".into()),
            ..FileOutcome::default()
        };
    }
    let bytes = text.len() as u64;
    let source = SourceFile::new(candidate.path.clone(), display.to_string(), text, language);
    let analysed = catch_unwind(AssertUnwindSafe(|| {
        analyse(&source, rules, prefilter, parse_only)
    }));
    let (findings, error) = match analysed {
        Ok(Ok(findings)) => (findings, warning),
        Ok(Err(message)) => (Vec::new(), Some(message)),
        Err(panic) => {
            if language == Language::Rust {
                rust::release_spans();
            }
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown cause");
            (
                Vec::new(),
                Some(format!("internal error while analysing: {detail}")),
            )
        }
    };
    FileOutcome {
        findings,
        error,
        skipped: None,
        language: Some(language),
        bytes,
    }
}

enum ReadText {
    /// The text, and a warning when it was not valid UTF-8.
    Text(String, Option<String>),
    Skip(String),
}

fn read_text(path: &Path) -> Result<ReadText, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if metadata.len() > MAX_FILE_SIZE {
        return Ok(ReadText::Skip(format!(
            "larger than {} MiB",
            MAX_FILE_SIZE / 1024 / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary content (NUL bytes), not analysed".into());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(ReadText::Text(text, None)),
        Err(error) => {
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Ok(ReadText::Text(
                text,
                Some("invalid UTF-8, analysed with the bad bytes replaced".into()),
            ))
        }
    }
}

/// Parses a file once and runs every rule of its language that the
/// prefilter lets through on the result. A file no rule can apply to is not
/// parsed (except for `--parse-only`, which measures parsing itself).
fn analyse(
    source: &SourceFile,
    rules: &[&'static Rule],
    prefilter: &Prefilter,
    parse_only: bool,
) -> Result<Vec<Finding>, String> {
    let family = source.language.family();
    let applicable = prefilter.applicable(&source.text);
    let rules: Vec<&'static Rule> = rules
        .iter()
        .zip(&applicable)
        .filter(|(rule, applies)| **applies && rule.languages.contains(&family))
        .map(|(rule, _)| *rule)
        .collect();
    if rules.is_empty() && !parse_only {
        return Ok(Vec::new());
    }
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    match family {
        LanguageFamily::Js => {
            let tree = js::parse(source).ok_or("the JavaScript parser gave up on this file")?;
            if parse_only {
                return Ok(Vec::new());
            }
            let file = js::JsFile::new(source, &tree);
            for rule in &rules {
                if let Some(check) = rule.checks.js {
                    check(&file, &mut diagnostics);
                }
            }
        }
        LanguageFamily::Rs => {
            let parsed = rust::parse(source);
            let syntax = match parsed {
                Ok(syntax) => syntax,
                Err(error) => {
                    rust::release_spans();
                    return Err(format!(
                        "not analysed: syntax error at {}:{}: {}",
                        error.line, error.column, error.message
                    ));
                }
            };
            if !parse_only {
                let file = rust::RustFile::new(source, &syntax);
                for rule in &rules {
                    if let Some(check) = rule.checks.rust {
                        check(&file, &mut diagnostics);
                    }
                }
            }
            // Spans are turned into offsets above; the thread's span map can go.
            drop(syntax);
            rust::release_spans();
        }
    }
    rules::resolve_overlaps(&mut diagnostics);
    Ok(diagnostics
        .into_iter()
        .map(|d| Finding::from_diagnostic(source, d))
        .collect())
}

/// Scans one in-memory file: used by the fixture harness and by callers
/// that already hold the text (staged blobs).
pub fn scan_text(
    display_path: &str,
    text: String,
    rules: &[&'static Rule],
    use_prefilter: bool,
) -> Result<Vec<Finding>, String> {
    let path = PathBuf::from(display_path);
    let language = Language::from_path(&path).ok_or("no front-end reads this kind of file")?;
    let source = SourceFile::new(path, display_path.to_string(), text, language);
    let prefilter = Prefilter::new(rules, use_prefilter);
    let mut findings = analyse(&source, rules, &prefilter, false)?;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(findings)
}
