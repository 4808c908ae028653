//! Which files a scan reads: a parallel walk that honours `.gitignore`,
//! `.ignore` and `.authlintignore`, skips `.git/` and, unless asked, the
//! folders that hold other people's code (dependencies, build output).
//! Files named on the command line are always scanned.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::source::Language;

/// Folders skipped in walks unless `--no-default-excludes` is given.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &["node_modules", "vendor", "target", "dist"];

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub include_default_excluded: bool,
    pub threads: usize,
}

/// A file to scan, and whether the user named it explicitly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
}

/// A path given on the command line that could not be walked.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: String,
    pub message: String,
}

/// Collects the files under `roots` that some front-end reads, sorted.
pub fn collect_files(roots: &[PathBuf], options: &WalkOptions) -> (Vec<Candidate>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    for root in roots {
        match std::fs::metadata(root) {
            Ok(metadata) if metadata.is_file() => {
                found
                    .lock()
                    .expect("no panics while holding the lock")
                    .push(Candidate {
                        path: root.clone(),
                        explicit: true,
                    });
            }
            Ok(_) => walk_directory(root, options, &found, &errors),
            Err(error) => errors
                .lock()
                .expect("no panics while holding the lock")
                .push(WalkError {
                    path: root.display().to_string(),
                    message: error.to_string(),
                }),
        }
    }
    let mut found = found
        .into_inner()
        .expect("no panics while holding the lock");
    found.sort();
    found.dedup_by(|a, b| a.path == b.path);
    let mut errors = errors
        .into_inner()
        .expect("no panics while holding the lock");
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    (found, errors)
}

fn walk_directory(
    root: &Path,
    options: &WalkOptions,
    found: &Mutex<Vec<Candidate>>,
    errors: &Mutex<Vec<WalkError>>,
) {
    let include_excluded = options.include_default_excluded;
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .add_custom_ignore_filename(".authlintignore")
        .threads(options.threads.max(1))
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir || entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if name == ".git" || name == ".jj" || name == ".hg" {
                return false;
            }
            include_excluded || !DEFAULT_EXCLUDED_DIRS.contains(&name.as_ref())
        })
        .build_parallel();
    walker.run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_scannable(entry.path(), include_excluded) {
                        found
                            .lock()
                            .expect("no panics while holding the lock")
                            .push(Candidate {
                                path: entry.into_path(),
                                explicit: false,
                            });
                    }
                }
                Err(error) => {
                    let path = error_path(&error).unwrap_or_else(|| root.display().to_string());
                    errors
                        .lock()
                        .expect("no panics while holding the lock")
                        .push(WalkError {
                            path,
                            message: error.to_string(),
                        });
                }
            }
            WalkState::Continue
        })
    });
}

fn error_path(error: &ignore::Error) -> Option<String> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.display().to_string()),
        _ => None,
    }
}

/// Whether a walked file goes to a front-end. Minified bundles are skipped
/// by name here, by content later.
fn is_scannable(path: &Path, include_excluded: bool) -> bool {
    if Language::from_path(path).is_none() {
        return false;
    }
    include_excluded || !is_minified_name(path)
}

pub fn is_minified_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.contains(".min.") || name.ends_with("-min.js") || name.contains(".bundle.")
}

/// Minified code: a large file whose lines are very long on average.
pub fn looks_minified(text: &str) -> bool {
    const MIN_SIZE: usize = 64 * 1024;
    const MIN_AVERAGE_LINE: usize = 400;
    if text.len() < MIN_SIZE {
        return false;
    }
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    text.len() / lines > MIN_AVERAGE_LINE
}

/// The path as reports print it: relative to the current directory when
/// below it, with forward slashes.
pub fn display_path(path: &Path, current_dir: Option<&Path>) -> String {
    let relative = current_dir
        .and_then(|dir| {
            if path.is_absolute() {
                path.strip_prefix(dir).ok()
            } else {
                None
            }
        })
        .unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    let text = relative.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_with_forward_slashes() {
        let cwd = Path::new("/repo");
        assert_eq!(
            display_path(Path::new("/repo/src/a.js"), Some(cwd)),
            "src/a.js"
        );
        assert_eq!(display_path(Path::new("./src/a.js"), Some(cwd)), "src/a.js");
        assert_eq!(
            display_path(Path::new("/other/a.js"), Some(cwd)),
            "/other/a.js"
        );
    }

    #[test]
    fn minified_bundles_are_recognised() {
        assert!(is_minified_name(Path::new("dist/app.min.js")));
        assert!(!is_minified_name(Path::new("src/admin.js")));
        let bundle = "var a=1;".repeat(20_000);
        assert!(looks_minified(&bundle));
        assert!(!looks_minified("const a = 1;\n"));
    }
}
