//! The project pass: reads and parses every file of the project that can
//! hold route facts (by [`ROUTE_TRIGGERS`]), in parallel, and extracts
//! them. It reports nothing: files outside the scan are read only to
//! resolve mounts, imports and global guards for the files inside it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

use super::{FileRoutes, ROUTE_TRIGGERS, index_key};
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

/// What the project pass reads: which files, and which of them to take
/// from memory (staged blobs) instead of the work tree.
pub struct ProjectFiles<'a> {
    pub paths: Vec<PathBuf>,
    pub overrides: &'a HashMap<PathBuf, String>,
    pub max_file_size: u64,
}

/// The code files under the project root that a walk would scan.
pub fn walk_project(root: &Path, config: &Config, options: &WalkOptions) -> Vec<PathBuf> {
    let (candidates, _) = discover::collect_files(&[root.to_path_buf()], options);
    candidates
        .into_iter()
        .map(|c| c.path)
        .filter(|p| Language::from_path(p).is_some() && !config.is_excluded(p))
        .filter(|p| discover::skip_by_name(p).is_none())
        .filter(|p| options.include_default_excluded || !discover::is_minified_name(p))
        .collect()
}

/// Extracts the route facts of every file that can hold them.
pub fn collect(files: &ProjectFiles<'_>) -> Vec<FileRoutes> {
    let triggers: AhoCorasick = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(ROUTE_TRIGGERS)
        .expect("trigger words are plain literals");
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
                None => read(path, files.max_file_size)?,
            };
            if !triggers.is_match(&text) {
                return None;
            }
            extract(key, text)
        })
        .collect()
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
