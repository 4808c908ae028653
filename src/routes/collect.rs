//! The project pass: reads and parses every file of the project that can
//! hold route facts (by [`ROUTE_TRIGGERS`]), in parallel, and extracts
//! them. It reports nothing: files outside the scan are read only to
//! resolve mounts, imports and global guards for the files inside it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

use super::{FileRoutes, ROUTE_TRIGGERS, index_key, relative_imports, resolve_relative};
use crate::config::{self, Config};
use crate::discover::{self, WalkOptions};
use crate::lang::{js, rust};
use crate::source::{Language, LanguageFamily, SourceFile};

/// The directory whose files make up the project of a scan of `paths`:
/// the nearest one upward from their common directory that holds the
/// configuration file or `.git`; the common directory when none does.
pub fn project_root(paths: &[PathBuf], current_dir: &Path) -> PathBuf {
    let common = config::common_directory(paths, current_dir);
    let mut candidate = common.clone();
    loop {
        let marked = config::FILE_NAMES
            .iter()
            .any(|name| candidate.join(name).is_file())
            || candidate.join(".git").exists();
        if marked {
            return candidate;
        }
        if !candidate.pop() {
            return common;
        }
    }
}

/// Files larger than this hold no route table worth reading: application
/// code registers routes in small files, and a megabyte of JavaScript is a
/// bundle, whose parse would cost more than the rest of the project's.
const MAX_ROUTE_FILE_SIZE: u64 = 1024 * 1024;

/// What the project pass reads: which files, and which of them to take
/// from memory (staged blobs) instead of the work tree.
pub struct ProjectFiles<'a> {
    pub paths: Vec<PathBuf>,
    pub overrides: &'a HashMap<PathBuf, String>,
    pub max_file_size: u64,
}

/// The code files under the project root that a walk would scan, test
/// code left out: a test that mounts a router without its limiter says
/// nothing about production.
pub fn walk_project(root: &Path, config: &Config, options: &WalkOptions) -> Vec<PathBuf> {
    let (candidates, _) = discover::collect_files(&[root.to_path_buf()], options);
    candidates
        .into_iter()
        .map(|c| c.path)
        .filter(|p| Language::from_path(p).is_some() && !config.is_excluded(p))
        .filter(|p| !config.is_test_path(p))
        .filter(|p| discover::skip_by_name(p).is_none())
        .filter(|p| options.include_default_excluded || !discover::is_minified_name(p))
        .collect()
}

fn triggers() -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(ROUTE_TRIGGERS)
        .expect("trigger words are plain literals")
}

/// The texts of the project's files that can hold route facts, by key.
fn candidates(files: &ProjectFiles<'_>) -> Vec<(PathBuf, String)> {
    let triggers = triggers();
    let mut keys: Vec<(PathBuf, PathBuf)> = files
        .paths
        .iter()
        .map(|p| (index_key(p), p.clone()))
        .collect();
    for path in files.overrides.keys() {
        if !keys.iter().any(|(key, _)| key == path) {
            keys.push((path.clone(), path.clone()));
        }
    }
    keys.par_iter()
        .filter_map(|(key, path)| {
            let text = match files.overrides.get(key) {
                Some(text) => text.clone(),
                None => read(path, files.max_file_size.min(MAX_ROUTE_FILE_SIZE))?,
            };
            if text.len() as u64 > MAX_ROUTE_FILE_SIZE {
                return None;
            }
            let routing = triggers.is_match(&text) || js::routes::next_route_path(key).is_some();
            routing.then(|| (key.clone(), text))
        })
        .collect()
}

/// Extracts the route facts of every file that can hold them.
pub fn collect(files: &ProjectFiles<'_>) -> Vec<FileRoutes> {
    candidates(files)
        .into_par_iter()
        .filter_map(|(key, text)| extract(&key, text))
        .collect()
}

/// Words of files whose facts apply to every route of the project: global
/// guards and the settings they use.
const GLOBAL_WORDS: &[&str] = &["APP_GUARD", "ThrottlerModule", "useGlobalGuards"];

/// Extracts the route facts that matter to a few scanned files (the
/// pre-commit case): the scanned files, the files they import, the files
/// that import them (found by the module path written in their text), and
/// so on until nothing new turns up; plus the files that install global
/// guards, and every Rust file (whose mounts name functions, not files).
/// Parsing only these keeps a scan of ten files in a project of thousands
/// as fast as the ten files allow.
pub fn collect_for(files: &ProjectFiles<'_>, scanned: &[PathBuf]) -> Vec<FileRoutes> {
    let candidates = candidates(files);
    let position: HashMap<&Path, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key.as_path(), i))
        .collect();
    let mut selected = vec![false; candidates.len()];
    let mut next: Vec<usize> = Vec::new();
    for (i, (key, text)) in candidates.iter().enumerate() {
        let wanted = scanned.iter().any(|s| s == key)
            || Language::from_path(key) == Some(Language::Rust)
            || GLOBAL_WORDS.iter().any(|w| text.contains(w));
        if wanted {
            selected[i] = true;
            next.push(i);
        }
    }
    let mut facts = Vec::new();
    while !next.is_empty() {
        let extracted: Vec<(usize, FileRoutes)> = next
            .par_iter()
            .filter_map(|i| {
                let (key, text) = &candidates[*i];
                extract(key, text.clone()).map(|f| (*i, f))
            })
            .collect();
        let mut found = Vec::new();
        // Down: what the new files import.
        for (_, file) in &extracted {
            for module in relative_imports(file) {
                if let Some(i) = resolve_relative(&file.path, module, |p| position.get(p).copied())
                {
                    found.push(i);
                }
            }
        }
        // Up: files that write a module path ending in the name of a new
        // file that holds routes, routers or limiters (others cannot change
        // what a route is behind).
        let needles: Vec<String> = extracted
            .iter()
            .filter(|(_, f)| !f.routers.is_empty() || !f.exports.is_empty())
            .flat_map(|(i, _)| import_needles(&candidates[*i].0))
            .collect();
        if !needles.is_empty() {
            let finder = AhoCorasick::new(&needles).expect("module names are plain literals");
            let importers: Vec<usize> = candidates
                .par_iter()
                .enumerate()
                .filter(|(i, (_, text))| !selected[*i] && finder.is_match(text))
                .map(|(i, _)| i)
                .collect();
            found.extend(importers);
        }
        facts.extend(extracted.into_iter().map(|(_, f)| f));
        next = found
            .into_iter()
            .filter(|i| !std::mem::replace(&mut selected[*i], true))
            .collect();
    }
    facts
}

/// How another file's import of this one ends: `/auth'`, `/auth.js"`, and
/// for an `index` file its directory, `/routes'`.
fn import_needles(key: &Path) -> Vec<String> {
    let Some(stem) = key.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let name = if stem == "index" {
        match key
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            Some(directory) => directory,
            None => return Vec::new(),
        }
    } else {
        stem
    };
    let mut needles = Vec::new();
    for ending in ["", ".js", ".ts", ".mjs", ".cjs"] {
        for quote in ['\'', '"', '`'] {
            needles.push(format!("/{name}{ending}{quote}"));
        }
    }
    needles
}

fn read(path: &Path, max_file_size: u64) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.len() > max_file_size {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

/// One file's facts; a file whose parser gives up or panics holds none.
pub fn extract(key: &Path, text: String) -> Option<FileRoutes> {
    let language = Language::from_path(key)?;
    if language != Language::Rust && discover::looks_minified(&text) {
        return None;
    }
    let source = SourceFile::new(key.to_path_buf(), String::new(), text, language);
    let facts = catch_unwind(AssertUnwindSafe(|| match language.family() {
        LanguageFamily::Js => {
            let tree = js::parse(&source)?;
            let file = js::JsFile::new(&source, &tree);
            Some(js::routes::extract(&file))
        }
        LanguageFamily::Rs => {
            let facts = rust::parse(&source).ok().map(|syntax| {
                let file = rust::RustFile::new(&source, &syntax);
                rust::routes::extract(&file)
            });
            rust::release_spans();
            facts
        }
        LanguageFamily::Any | LanguageFamily::OpenApi => None,
    }));
    if facts.is_err() && language == Language::Rust {
        rust::release_spans();
    }
    facts.ok().flatten()
}
