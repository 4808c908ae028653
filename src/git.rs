//! What authlint asks git: the staged blobs (`scan --staged`), the lines a
//! branch added (`--diff-base`), and where hooks live (`hook install`).
//!
//! Everything goes through the `git` command in the current directory with
//! the inherited environment, so `GIT_INDEX_FILE` — which git sets for hooks
//! during `git commit -a` and `git commit PATH` — selects the index exactly
//! as it does for git itself. Libraries that read `.git/index` directly miss
//! that.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::discover;
use crate::scan::Blob;

/// Runs git with arguments and returns its standard output.
fn git(args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `git`; is it installed?")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim().lines().next().unwrap_or("no message")
        );
    }
    Ok(output.stdout)
}

fn git_text(args: &[&str]) -> anyhow::Result<String> {
    let bytes = git(args)?;
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_string())
}

/// The work tree's top directory.
pub fn top_level() -> anyhow::Result<PathBuf> {
    let text = git_text(&["rev-parse", "--show-toplevel"]).context("not inside a git work tree")?;
    Ok(PathBuf::from(text))
}

/// Where the pre-commit hook goes: `.git/hooks`, or `core.hooksPath` when
/// set (git resolves both, relative to the current directory).
pub fn hooks_dir() -> anyhow::Result<PathBuf> {
    let text =
        git_text(&["rev-parse", "--git-path", "hooks"]).context("not inside a git repository")?;
    Ok(PathBuf::from(text))
}

/// A file in the index that differs from `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    /// Relative to the top of the work tree, forward slashes.
    pub path: String,
    /// The blob the index holds for it.
    pub blob: String,
}

/// Files added, copied, modified or renamed in the index, under the
/// pathspecs (relative to the current directory). Symlinks and submodules
/// are left out: their blobs are not file content.
pub fn staged_files(pathspecs: &[PathBuf]) -> anyhow::Result<Vec<StagedFile>> {
    let mut args: Vec<String> = [
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--no-ext-diff",
        "--diff-filter=ACMR",
        "--",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    args.extend(pathspecs.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = git(&args)?;
    Ok(parse_raw_diff(&output))
}

/// Reads `git diff --raw -z` output without renames: `:old new oid oid S`
/// then the path, each field NUL-terminated.
fn parse_raw_diff(output: &[u8]) -> Vec<StagedFile> {
    let mut files = Vec::new();
    let mut fields = output.split(|b| *b == 0);
    while let Some(meta) = fields.next() {
        let Some(path) = fields.next() else { break };
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [_, new_mode, _, new_blob, _status] = parts.as_slice() else {
            continue;
        };
        let is_file = new_mode.starts_with("100");
        let is_empty_id = new_blob.bytes().all(|b| b == b'0');
        if is_file && !is_empty_id {
            files.push(StagedFile {
                path: String::from_utf8_lossy(path).into_owned(),
                blob: (*new_blob).to_string(),
            });
        }
    }
    files
}

/// Reads blobs with one `git cat-file --batch`; `None` for a blob larger
/// than `max_size` bytes.
pub fn read_blobs(ids: &[String], max_size: u64) -> anyhow::Result<Vec<Option<Vec<u8>>>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git cat-file`")?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = ids.join("\n") + "\n";
    // Written from another thread: git answers while it reads, and a full
    // output pipe would otherwise stop both sides.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut blobs = Vec::with_capacity(ids.len());
    for id in ids {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let parts: Vec<&str> = header.split_whitespace().collect();
        let [_, kind, size] = parts.as_slice() else {
            bail!("`git cat-file` has no blob {id}: {}", header.trim());
        };
        if *kind != "blob" {
            bail!("`git cat-file`: {id} is a {kind}, not a blob");
        }
        let size: u64 = size.parse().context("`git cat-file` sent a bad size")?;
        let mut content = Vec::new();
        (&mut reader).take(size).read_to_end(&mut content)?;
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        blobs.push((size <= max_size).then_some(content));
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to `git cat-file` panicked"))??;
    let status = child.wait()?;
    if !status.success() {
        bail!("`git cat-file --batch` failed");
    }
    Ok(blobs)
}

/// The staged content of the files under the pathspecs, as a scan reads
/// them, and the files passed over with why (display path, reason).
pub type StagedScan = (Vec<Blob>, Vec<(String, String)>);

/// Reads the staged files under the pathspecs for a scan.
pub fn staged_blobs(
    pathspecs: &[PathBuf],
    current_dir: &Path,
    include_default_excluded: bool,
    max_file_size: u64,
) -> anyhow::Result<StagedScan> {
    let root = top_level()?;
    let files = staged_files(pathspecs)?;
    let mut ignores = AuthlintIgnores::new(&root);
    let display_base = current_dir
        .canonicalize()
        .unwrap_or_else(|_| current_dir.to_path_buf());
    let mut wanted = Vec::new();
    let mut skipped = Vec::new();
    for file in files {
        let absolute = root.join(&file.path);
        let display = discover::display_path(&absolute, Some(&display_base));
        let in_excluded_dir = file
            .path
            .split('/')
            .rev()
            .skip(1)
            .any(|dir| discover::DEFAULT_EXCLUDED_DIRS.contains(&dir));
        if !include_default_excluded && (in_excluded_dir || discover::is_minified_name(&absolute)) {
            skipped.push((
                display,
                "dependency or build output (use --no-default-excludes to scan it)".into(),
            ));
            continue;
        }
        if let Some(reason) = discover::skip_by_name(&absolute) {
            skipped.push((display, reason.into()));
            continue;
        }
        if ignores.is_ignored(&file.path) {
            skipped.push((display, "listed in .authlintignore".into()));
            continue;
        }
        wanted.push((file, absolute, display));
    }
    let ids: Vec<String> = wanted.iter().map(|(f, _, _)| f.blob.clone()).collect();
    let contents = read_blobs(&ids, max_file_size)?;
    let mut blobs = Vec::new();
    for ((_, path, display), content) in wanted.into_iter().zip(contents) {
        match content {
            Some(bytes) => blobs.push(Blob {
                path,
                display,
                bytes,
            }),
            None => skipped.push((
                display,
                format!("larger than the size limit ({max_file_size} bytes)"),
            )),
        }
    }
    Ok((blobs, skipped))
}

/// `.authlintignore` files of the work tree, read as a walk would: each
/// applies to its directory and below, the deepest decides.
struct AuthlintIgnores {
    root: PathBuf,
    by_dir: HashMap<String, Option<Gitignore>>,
}

impl AuthlintIgnores {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            by_dir: HashMap::new(),
        }
    }

    fn matcher(&mut self, dir: &str) -> Option<&Gitignore> {
        let root = &self.root;
        self.by_dir
            .entry(dir.to_string())
            .or_insert_with(|| {
                let dir_path = root.join(dir);
                let file = dir_path.join(".authlintignore");
                if !file.is_file() {
                    return None;
                }
                let mut builder = GitignoreBuilder::new(&dir_path);
                builder.add(&file);
                builder.build().ok()
            })
            .as_ref()
    }

    fn is_ignored(&mut self, relative: &str) -> bool {
        let absolute = self.root.join(relative);
        let mut dirs = vec![String::new()];
        let mut at = 0;
        while let Some(slash) = relative[at..].find('/') {
            dirs.push(relative[..at + slash].to_string());
            at += slash + 1;
        }
        for dir in dirs.iter().rev() {
            if let Some(matcher) = self.matcher(dir) {
                let found = matcher.matched_path_or_any_parents(&absolute, false);
                if found.is_ignore() {
                    return true;
                }
                if found.is_whitelist() {
                    return false;
                }
            }
        }
        false
    }
}

/// The lines a diff added or changed, per file (absolute paths).
#[derive(Debug, Default)]
pub struct ChangedLines {
    ranges: HashMap<PathBuf, Vec<Range<usize>>>,
    /// Untracked files: every line is new.
    whole: HashSet<PathBuf>,
}

impl ChangedLines {
    /// Whether any of the lines `first..=last` of a file was added.
    pub fn touches(&self, path: &Path, first: usize, last: usize) -> bool {
        if self.whole.contains(path) {
            return true;
        }
        self.ranges
            .get(path)
            .is_some_and(|ranges| ranges.iter().any(|r| r.start <= last && first < r.end))
    }

    pub fn files(&self) -> usize {
        self.ranges.len() + self.whole.len()
    }
}

/// The lines added since the merge base of `rev` and `HEAD`: in the work
/// tree (and untracked files), or in the index when `staged`.
pub fn changed_lines(rev: &str, staged: bool) -> anyhow::Result<ChangedLines> {
    let root = top_level()?;
    let base = git_text(&["merge-base", rev, "HEAD"]).with_context(|| {
        format!("cannot find where `{rev}` and HEAD meet (is `{rev}` fetched? CI checkouts may need `fetch-depth: 0`)")
    })?;
    let mut args = vec![
        "-c",
        "core.quotePath=false",
        "diff",
        "-U0",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "-M",
        "--src-prefix=a/",
        "--dst-prefix=b/",
    ];
    if staged {
        args.push("--cached");
    }
    args.push(&base);
    let patch = git(&args)?;
    let mut changed = ChangedLines::default();
    for (path, range) in parse_patch(&String::from_utf8_lossy(&patch)) {
        changed
            .ranges
            .entry(root.join(path))
            .or_default()
            .push(range);
    }
    if !staged {
        let untracked = git(&[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--full-name",
            "--",
            ":/",
        ])?;
        for path in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
            changed
                .whole
                .insert(root.join(String::from_utf8_lossy(path).as_ref()));
        }
    }
    Ok(changed)
}

/// The added line ranges of a unified diff with zero context, by new path.
fn parse_patch(patch: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in patch.lines() {
        if let Some(target) = line.strip_prefix("+++ ") {
            let target = unquote(target);
            current = target.strip_prefix("b/").map(str::to_string);
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let (Some(file), Some(range)) = (&current, added_range(hunk)) else {
                continue;
            };
            if !range.is_empty() {
                out.push((file.clone(), range));
            }
        }
    }
    out
}

/// `-a,b +c,d @@` → lines `c..c+d` (a count of 1 may be left out).
fn added_range(hunk: &str) -> Option<Range<usize>> {
    let new = hunk.split(' ').find(|part| part.starts_with('+'))?;
    let new = &new[1..];
    let (start, count) = match new.split_once(',') {
        Some((start, count)) => (start.parse().ok()?, count.parse().ok()?),
        None => (new.parse().ok()?, 1),
    };
    Some(start..start + count)
}

/// Git quotes paths with unusual characters C-style: `"b/a\tb"`.
fn unquote(text: &str) -> String {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return text.to_string();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(digit @ b'0'..=b'7') => {
                let mut value = u32::from(digit - b'0');
                for _ in 0..2 {
                    if let Some(next @ b'0'..=b'7') = chars.peek().copied() {
                        value = value * 8 + u32::from(next - b'0');
                        chars.next();
                    }
                }
                bytes.push(u8::try_from(value).unwrap_or(b'?'));
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_diffs_keep_files_and_drop_links() {
        let raw = b":000000 100644 0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 A\0src/a.js\0\
:100644 120000 2222222222222222222222222222222222222222 3333333333333333333333333333333333333333 M\0link\0\
:100644 100755 4444444444444444444444444444444444444444 5555555555555555555555555555555555555555 M\0bin/run.js\0";
        let files = parse_raw_diff(raw);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/a.js", "bin/run.js"]);
        assert_eq!(files[0].blob, "1111111111111111111111111111111111111111");
    }

    #[test]
    fn patches_give_added_lines_per_file() {
        let patch = "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,2 +23,0 @@\n-c\n-d\n\
diff --git a/gone.js b/gone.js\n--- a/gone.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n\
diff --git \"a/sp\\303\\251cial\\tname.js\" \"b/sp\\303\\251cial\\tname.js\"\n+++ \"b/sp\\303\\251cial\\tname.js\"\n@@ -0,0 +1 @@\n+z\n";
        let parsed = parse_patch(patch);
        assert_eq!(
            parsed,
            [
                ("a.js".to_string(), 4..6),
                ("a.js".to_string(), 12..13),
                ("spécial\tname.js".to_string(), 1..2),
            ]
        );
    }
}
