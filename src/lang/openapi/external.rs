//! The other files of the repository a contract points to with relative
//! `$ref`s (`./paths/orders.yaml`, `common.yaml#/components/...`): found,
//! read and parsed before the rules run, so that they see one contract.
//!
//! Every referenced document is parsed with its byte ranges moved past the
//! end of the documents before it, into one offset space shared with the
//! root document. A node's range then says which file it came from, the
//! rules keep working with plain ranges, and the scan maps each finding
//! back to its own file and line.
//!
//! Only the local file system is read: `http://`, `https://` and other
//! URL references are left unresolved. A reference that leaves the
//! repository (or, outside a repository, the configuration's directory)
//! is refused, and so are files past the count and size caps; each refusal
//! is a warning on the root document.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use super::yaml::{self, Entry, Node, Value};
use crate::source::{Language, SourceFile, TextFormat};

/// At most this many other files are read for one root document.
pub const MAX_FILES: usize = 64;

/// A referenced file larger than this is not read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// All referenced files of one root together are read up to this size.
pub const MAX_TOTAL_BYTES: u64 = 16 * 1024 * 1024;

/// A referenced file, parsed, with its ranges shifted by `base`.
pub struct Document {
    pub source: SourceFile,
    pub root: Node,
    /// Where this document's bytes start in the shared offset space.
    pub base: usize,
}

impl Document {
    /// The shared offsets this document covers.
    pub fn span(&self) -> Range<usize> {
        self.base..self.base + self.source.text.len() + 1
    }
}

/// The referenced files of a root document and what went wrong on the way.
#[derive(Default)]
pub struct Bundle {
    pub documents: Vec<Document>,
    /// Lexically normalised absolute paths to indexes in `documents`
    /// (`None` for the root document itself).
    index: HashMap<PathBuf, Option<usize>>,
    pub warnings: Vec<String>,
}

/// Where a reference to another file leads.
pub enum Target<'b> {
    /// Back to the root document.
    Root,
    Document(&'b Document),
}

impl Bundle {
    /// The document a reference made from `from` (a file path) names, if
    /// it was read.
    pub fn lookup(&self, from: &Path, file: &str) -> Option<Target<'_>> {
        match self.index.get(&target_path(from, file)?)? {
            Some(index) => Some(Target::Document(&self.documents[*index])),
            None => Some(Target::Root),
        }
    }
}

/// Splits a reference into its file part and its fragment (`#...`).
pub fn split_reference(reference: &str) -> (&str, &str) {
    reference.split_once('#').unwrap_or((reference, ""))
}

/// Whether a reference names a URL rather than a file (never fetched).
fn is_url(file: &str) -> bool {
    file.starts_with("//")
        || file.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1 && scheme.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    }
}

/// Removes `.` and resolves `..` on the path's text alone.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The absolute, normalised path a relative reference in `from` names.
fn target_path(from: &Path, file: &str) -> Option<PathBuf> {
    if file.is_empty() || is_url(file) || Path::new(file).is_absolute() {
        return None;
    }
    let directory = absolute(from).parent()?.to_path_buf();
    Some(normalise(&directory.join(percent_decode(file))))
}

/// Decodes `%XX` escapes, as a URI reference may carry them; a malformed
/// escape is kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The directory references may not leave: the repository holding the
/// root document, or else `fallback` (the configuration's directory) when
/// the document is under it, or else the document's own directory.
fn boundary(root_path: &Path, fallback: &Path) -> PathBuf {
    let path = normalise(&absolute(root_path));
    let mut directory = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let own = directory.clone();
    loop {
        if directory.join(".git").exists() {
            return directory;
        }
        if !directory.pop() {
            break;
        }
    }
    if path.starts_with(fallback) {
        fallback.to_path_buf()
    } else {
        own
    }
}

/// Every `$ref` string in a tree, with the range of the map that holds it.
fn references(node: &Node, out: &mut Vec<(String, usize)>) {
    match &node.value {
        Value::Map(entries) => {
            for Entry { key, value, .. } in entries {
                if key == "$ref"
                    && let Some(reference) = value.as_str()
                {
                    out.push((reference.to_string(), value.range.start));
                } else {
                    references(value, out);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|item| references(item, out)),
        Value::Scalar(_) => {}
    }
}

fn shift(node: &mut Node, by: usize) {
    node.range = node.range.start + by..node.range.end + by;
    match &mut node.value {
        Value::Map(entries) => {
            for entry in entries {
                entry.key_range = entry.key_range.start + by..entry.key_range.end + by;
                shift(&mut entry.value, by);
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|item| shift(item, by)),
        Value::Scalar(_) => {}
    }
}

/// Reads every file the root document references, directly or through
/// other referenced files, within the caps.
pub fn load(root_source: &SourceFile, root: &Node) -> Bundle {
    let config_root = &root_source.project().config.root;
    let limit = boundary(&root_source.path, config_root);
    let canonical_limit = limit.canonicalize().unwrap_or_else(|_| limit.clone());
    let mut bundle = Bundle::default();
    let root_key = normalise(&absolute(&root_source.path));
    let mut seen_canonical: HashMap<PathBuf, Option<usize>> = HashMap::new();
    if let Ok(canonical) = root_key.canonicalize() {
        seen_canonical.insert(canonical, None);
    }
    bundle.index.insert(root_key, None);
    let mut refused: HashSet<PathBuf> = HashSet::new();
    let mut total: u64 = 0;
    let mut next_base = root_source.text.len() + 1;
    // Documents whose references are still to be read: `None` is the root.
    let mut queue: Vec<Option<usize>> = vec![None];
    while let Some(current) = queue.pop() {
        let (from, from_display, tree, from_source) = match current {
            None => (
                &root_source.path,
                &root_source.display_path,
                root,
                root_source,
            ),
            Some(i) => {
                let doc = &bundle.documents[i];
                (
                    &doc.source.path,
                    &doc.source.display_path,
                    &doc.root,
                    &doc.source,
                )
            }
        };
        let mut found = Vec::new();
        references(tree, &mut found);
        let base = current.map_or(0, |i| bundle.documents[i].base);
        let from = from.clone();
        let from_display = from_display.clone();
        let lines: Vec<usize> = found
            .iter()
            .map(|(_, at)| from_source.position(at - base).line)
            .collect();
        for ((reference, _), line) in found.into_iter().zip(lines) {
            let (file, _) = split_reference(&reference);
            if file.is_empty() || is_url(file) {
                continue;
            }
            let mut warn = |why: String| {
                bundle
                    .warnings
                    .push(format!("`$ref: {reference}` ({from_display}:{line}) {why}"));
            };
            let Some(target) = target_path(&from, file) else {
                warn("is not followed: only relative paths are".into());
                continue;
            };
            if bundle.index.contains_key(&target) || refused.contains(&target) {
                continue;
            }
            let checked = check_target(&target, &limit, &canonical_limit, total);
            let (canonical, text) = match checked {
                Ok(found) => found,
                Err(why) => {
                    refused.insert(target);
                    warn(why);
                    continue;
                }
            };
            if let Some(known) = seen_canonical.get(&canonical) {
                // The same file under another name (a symlink).
                bundle.index.insert(target, *known);
                continue;
            }
            if bundle.documents.len() >= MAX_FILES {
                refused.insert(target);
                warn(format!(
                    "is not followed: more than {MAX_FILES} files are referenced"
                ));
                continue;
            }
            let display = display_beside(&from_display, file);
            let source = SourceFile::new(target.clone(), display, text, Language::Text)
                .in_project(root_source.shared_project());
            let mut tree = match yaml::parse(&source) {
                Ok(Some(tree)) => tree,
                Ok(None) => {
                    refused.insert(target);
                    warn("names an empty document".into());
                    continue;
                }
                Err(error) => {
                    refused.insert(target);
                    warn(format!(
                        "names invalid YAML or JSON at {}:{}: {}",
                        error.line, error.column, error.message
                    ));
                    continue;
                }
            };
            total += source.text.len() as u64;
            shift(&mut tree, next_base);
            let index = bundle.documents.len();
            let document = Document {
                base: next_base,
                source,
                root: tree,
            };
            next_base = document.span().end;
            bundle.documents.push(document);
            bundle.index.insert(target, Some(index));
            seen_canonical.insert(canonical, Some(index));
            queue.push(Some(index));
        }
    }
    bundle
}

/// Reads a referenced file after checking where it is and how big.
fn check_target(
    target: &Path,
    limit: &Path,
    canonical_limit: &Path,
    total: u64,
) -> Result<(PathBuf, String), String> {
    if !target.starts_with(limit) {
        return Err("is not followed: it leaves the repository".into());
    }
    if !matches!(
        TextFormat::of_path(target),
        TextFormat::Yaml | TextFormat::Json
    ) {
        return Err("is not followed: only YAML and JSON files are read".into());
    }
    let canonical = target
        .canonicalize()
        .map_err(|e| format!("names a file that cannot be read: {e}"))?;
    if !canonical.starts_with(canonical_limit) {
        return Err("is not followed: it leaves the repository through a symlink".into());
    }
    let size = std::fs::metadata(&canonical)
        .map_err(|e| format!("names a file that cannot be read: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "is not followed: the file is larger than {} MiB",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    if total + size > MAX_TOTAL_BYTES {
        return Err(format!(
            "is not followed: referenced files over {} MiB in all",
            MAX_TOTAL_BYTES / (1024 * 1024)
        ));
    }
    let bytes =
        std::fs::read(&canonical).map_err(|e| format!("names a file that cannot be read: {e}"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| "names a file that is not UTF-8 text".to_string())?;
    Ok((canonical, text))
}

/// How reports name a referenced file: beside the referring file's shown
/// path, so both read relative to the same directory.
fn display_beside(from_display: &str, file: &str) -> String {
    let beside = Path::new(from_display)
        .parent()
        .unwrap_or(Path::new(""))
        .join(percent_decode(file));
    let mut parts: Vec<String> = Vec::new();
    for component in beside.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn bundle_of(dir: &Path, root: &str) -> Bundle {
        let path = dir.join(root);
        let text = std::fs::read_to_string(&path).unwrap();
        let source = SourceFile::new(path, root.into(), text, Language::Text);
        let tree = yaml::parse(&source).unwrap().unwrap();
        load(&source, &tree)
    }

    #[test]
    fn cycles_end_and_bad_references_warn() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        let write = |name: &str, text: &str| std::fs::write(repo.join(name), text).unwrap();
        write(
            "root.yaml",
            "openapi: 3.0.0\na: {$ref: a.yaml}\nb: {$ref: ../outside.yaml}\nc: {$ref: gone.yaml}\nd: {$ref: bad.json}\ne: {$ref: 'https://x.example/y.yaml'}\n",
        );
        write("a.yaml", "next: {$ref: 'b.yaml#/x'}\n");
        write(
            "b.yaml",
            "x: {$ref: 'a.yaml'}\nroot: {$ref: 'root.yaml#/a'}\n",
        );
        write("bad.json", "{\"truncated\": [");
        std::fs::write(dir.path().join("outside.yaml"), "x: 1\n").unwrap();
        let bundle = bundle_of(&repo, "root.yaml");
        let names: Vec<&str> = bundle
            .documents
            .iter()
            .map(|d| d.source.display_path.as_str())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"a.yaml") && names.contains(&"b.yaml"));
        let warnings = bundle.warnings.join("\n");
        assert!(
            warnings.contains(
                "`$ref: ../outside.yaml` (root.yaml:3) is not followed: it leaves the repository"
            ),
            "{warnings}"
        );
        assert!(
            warnings.contains("`$ref: gone.yaml` (root.yaml:4) names a file that cannot be read"),
            "{warnings}"
        );
        assert!(
            warnings.contains("`$ref: bad.json` (root.yaml:5) names invalid YAML or JSON"),
            "{warnings}"
        );
        assert!(!warnings.contains("https"), "{warnings}");
    }

    #[test]
    fn the_number_of_files_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let mut root = String::from("openapi: 3.0.0\n");
        for i in 0..=MAX_FILES {
            writeln!(root, "k{i}: {{$ref: f{i}.yaml}}").unwrap();
            std::fs::write(dir.path().join(format!("f{i}.yaml")), "x: 1\n").unwrap();
        }
        std::fs::write(dir.path().join("root.yaml"), root).unwrap();
        let bundle = bundle_of(dir.path(), "root.yaml");
        assert_eq!(bundle.documents.len(), MAX_FILES);
        assert_eq!(bundle.warnings.len(), 1);
        assert!(bundle.warnings[0].contains("more than 64 files"));
    }

    #[test]
    fn urls_are_not_files() {
        assert!(is_url("https://example.com/a.yaml"));
        assert!(is_url("//cdn.example.com/a.yaml"));
        assert!(!is_url("./a.yaml"));
        assert!(!is_url("a.yaml"));
    }

    #[test]
    fn shown_paths_sit_beside_the_referring_file() {
        assert_eq!(
            display_beside("api/openapi.yaml", "./paths/a.yaml"),
            "api/paths/a.yaml"
        );
        assert_eq!(
            display_beside("api/openapi.yaml", "../shared/s.json"),
            "shared/s.json"
        );
        assert_eq!(display_beside("openapi.yaml", "../s.json"), "../s.json");
        assert_eq!(
            display_beside("api/openapi.yaml", "a%20b.yaml"),
            "api/a b.yaml"
        );
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
