//! Which files a scan reads: a parallel walk that honours `.gitignore`,
//! `.ignore` and `.authlintignore`, skips `.git/` and, unless asked, the
//! folders that hold other people's code (dependencies, build output).
//! Every other file is a candidate, hidden ones included (`.env`, `.npmrc`
//! and CI files are where keys leak): code goes to its parser, any other
//! text to the text checks. What is passed over by name or by content
//! (binaries, lock files, minified bundles) is decided here and reported
//! by the scan as skipped, never dropped silently. Files named on the
//! command line are always scanned.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

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
    if roots.len() > 1 {
        // Two roots can overlap through a link (`src` and `link-to-src`,
        // or a link to a parent): one file, two paths, findings twice.
        // One root never lists a file twice, as links are not followed,
        // so a single-root scan pays no `canonicalize` per file. The
        // shortest path is kept: the direct one, not the detour.
        found.sort_by_key(|c| (c.path.as_os_str().len(), c.path.clone()));
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert(c.path.canonicalize().unwrap_or_else(|_| c.path.clone())));
        found.sort();
    }
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
                    if is_file {
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

/// Why a file is passed over without reading its content, if it is: what
/// its name alone says. Files named on the command line are read anyway
/// (except binaries).
pub fn skip_by_name(path: &Path) -> Option<&'static str> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if LOCK_FILES.contains(&name.as_str()) {
        return Some("lock file (generated; name it explicitly to scan it)");
    }
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    if BINARY_EXTENSIONS.contains(&extension) {
        return Some("binary file");
    }
    None
}

/// Lock files: generated by package managers, full of hashes and URLs that
/// look random, and rewritten on every install.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
    "deno.lock",
    "cargo.lock",
    "composer.lock",
    "gemfile.lock",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "go.sum",
    "flake.lock",
    "mix.lock",
    "pubspec.lock",
    "podfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "package.resolved",
];

/// Extensions of files that are never text. Anything else is read and
/// sniffed for NUL bytes.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "avif", "tif", "tiff", "psd",
    "woff", "woff2", "ttf", "otf", "eot", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar",
    "tar", "jar", "war", "pdf", "exe", "dll", "so", "dylib", "a", "o", "obj", "lib", "rlib",
    "rmeta", "wasm", "class", "pyc", "node", "mp3", "mp4", "mov", "avi", "webm", "ogg", "wav",
    "flac", "sqlite", "db", "der", "p12", "pfx", "jks", "keystore",
];

/// Whether the first bytes of a file say it is binary: text never holds
/// NUL bytes (UTF-16 files are read as binary too).
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, head).is_some()
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
    fn lock_files_and_binaries_are_known_by_name() {
        assert!(skip_by_name(Path::new("web/package-lock.json")).is_some());
        assert!(skip_by_name(Path::new("Cargo.lock")).is_some());
        assert!(skip_by_name(Path::new("logo.PNG")).is_some());
        assert!(skip_by_name(Path::new(".env")).is_none());
        assert!(skip_by_name(Path::new("package.json")).is_none());
        assert!(looks_binary(b"PK\x03\x04\x00"));
        assert!(!looks_binary(b"KEY=value\n"));
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
