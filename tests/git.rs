//! authlint inside real git repositories: `scan --staged` reads the index
//! (and the index git hands to hooks in `GIT_INDEX_FILE`), the plain hook
//! blocks commits, `hook install` respects `core.hooksPath` and foreign
//! hooks, and `--diff-base` keeps only lines a branch added.

use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

const AUTHLINT: &str = env!("CARGO_BIN_EXE_authlint");

const VULNERABLE: &str = "const jwt = require('jsonwebtoken');\n\
function auth(req) {\n  return jwt.verify(req.token, process.env.KEY);\n}\n";

const CLEAN: &str = "const jwt = require('jsonwebtoken');\n\
function auth(req) {\n  return jwt.verify(req.token, process.env.KEY, { algorithms: ['RS256'], issuer: 'i', audience: 'a' });\n}\n";

/// A git repository in a temporary directory, isolated from the user's
/// and the system's git configuration.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Self {
            dir: TempDir::new().unwrap(),
        };
        std::fs::write(repo.path().join(".gitconfig-test"), "").unwrap();
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str) -> std::process::Command {
        let mut command = std::process::Command::new(program);
        command
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path().join(".gitconfig-test"))
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("AUTHLINT", AUTHLINT)
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_DIR")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs git and returns its output, whatever the exit status.
    fn try_git(&self, args: &[&str]) -> Output {
        self.command("git").args(args).output().unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        let output = self.try_git(args);
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn authlint(&self, args: &[&str]) -> Output {
        self.command(AUTHLINT).args(args).output().unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn findings(output: &Output) -> Vec<(String, String, u64)> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn staged_scans_read_the_index_not_the_work_tree() {
    let repo = Repo::new();
    repo.write("README.md", "service\n");
    repo.commit_all("start");

    // The finding is staged; the work tree was fixed but not staged.
    repo.write("src/auth.js", VULNERABLE);
    repo.git(&["add", "src/auth.js"]);
    repo.write("src/auth.js", CLEAN);
    let staged = repo.authlint(&["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.status.code(), Some(1), "{}", stdout(&staged));
    assert_eq!(
        findings(&staged),
        [(
            "src/auth.js".to_string(),
            "jwt/missing-algorithms".to_string(),
            3
        )]
    );
    let work_tree = repo.authlint(&["scan", "--format", "json"]);
    assert_eq!(work_tree.status.code(), Some(0));

    // The reverse: the fix is staged, the finding only in the work tree.
    repo.git(&["add", "src/auth.js"]);
    repo.write("src/auth.js", VULNERABLE);
    let staged = repo.authlint(&["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.status.code(), Some(0), "{}", stdout(&staged));
    assert!(findings(&staged).is_empty());
    let work_tree = repo.authlint(&["scan"]);
    assert_eq!(work_tree.status.code(), Some(1));
}

#[test]
fn staged_scans_take_pathspecs_and_skip_what_a_walk_skips() {
    let repo = Repo::new();
    repo.write("api/auth.js", VULNERABLE);
    repo.write("web/auth.js", VULNERABLE);
    repo.write("node_modules/lib/index.js", VULNERABLE);
    repo.write("legacy/old.js", VULNERABLE);
    repo.write(".authlintignore", "legacy/\n");
    repo.write(
        "package-lock.json",
        "{\"token\": \"ghp_0123456789abcdefghijABCDEFGHIJ012345\"}\n",
    );
    repo.git(&["add", "-A"]);
    let all = repo.authlint(&["scan", "--staged", "--format", "json"]);
    let paths: Vec<String> = findings(&all).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["api/auth.js", "web/auth.js"]);
    let api = repo.authlint(&["scan", "--staged", "--format", "json", "api"]);
    let paths: Vec<String> = findings(&api).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["api/auth.js"]);

    // From a subdirectory, paths print relative to it.
    let output = repo
        .command(AUTHLINT)
        .current_dir(repo.path().join("web"))
        .args(["scan", "--staged", "--format", "json", "."])
        .output()
        .unwrap();
    let paths: Vec<String> = findings(&output).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["auth.js"]);
}

#[test]
fn staged_scans_outside_a_repository_are_usage_errors() {
    let dir = TempDir::new().unwrap();
    let output = std::process::Command::new(AUTHLINT)
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("authlint: cannot read the staged files"),
        "{stderr}"
    );
}

#[test]
fn the_plain_hook_blocks_commits_with_findings_in_what_is_committed() {
    let repo = Repo::new();
    repo.write("app.js", CLEAN);
    repo.commit_all("start");
    let install = repo.authlint(&["hook", "install"]);
    assert_eq!(install.status.code(), Some(0));

    // A finding only in the work tree does not stop a commit of the index.
    repo.write("notes.md", "todo\n");
    repo.git(&["add", "notes.md"]);
    repo.write("app.js", VULNERABLE);
    let commit = repo.try_git(&["commit", "-q", "-m", "notes"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );

    // `commit -a` stages it into a temporary index (GIT_INDEX_FILE): blocked.
    let commit = repo.try_git(&["commit", "-q", "-a", "-m", "everything"]);
    assert!(!commit.status.success(), "the hook let a finding through");
    let said = String::from_utf8_lossy(&commit.stdout).into_owned()
        + &String::from_utf8_lossy(&commit.stderr);
    assert!(
        said.contains("app.js:3:10 high jwt/missing-algorithms"),
        "{said}"
    );
    assert_eq!(repo.git(&["log", "--format=%s"]), "notes\nstart\n");

    // `commit PATH` uses yet another temporary index: blocked too.
    let commit = repo.try_git(&["commit", "-q", "-m", "only app", "app.js"]);
    assert!(!commit.status.success(), "the hook let a finding through");

    // Fixed: the commit goes through.
    repo.write("app.js", &format!("{CLEAN}// reviewed\n"));
    let commit = repo.try_git(&["commit", "-q", "-a", "-m", "fixed"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stdout)
    );
}

#[test]
fn hook_install_respects_hooks_path_and_foreign_hooks() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", "tools/git-hooks"]);
    let output = repo.authlint(&["hook", "install"]);
    assert_eq!(output.status.code(), Some(0));
    let installed = repo.path().join("tools/git-hooks/pre-commit");
    let script = std::fs::read_to_string(&installed).unwrap();
    let shipped =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"))
            .unwrap();
    assert_eq!(script, shipped);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the hook is not executable");
    }
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());

    // Installing again over its own hook is fine; over a foreign one, not.
    assert_eq!(repo.authlint(&["hook", "install"]).status.code(), Some(0));
    std::fs::write(&installed, "#!/bin/sh\nnpm test\n").unwrap();
    let refused = repo.authlint(&["hook", "install"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&installed).unwrap(),
        "#!/bin/sh\nnpm test\n"
    );
    let forced = repo.authlint(&["hook", "install", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&installed).unwrap(), shipped);
}

#[test]
fn diff_base_keeps_only_lines_the_branch_added() {
    let repo = Repo::new();
    // On main: one old finding, and one that main removes after the fork.
    repo.write("src/old.js", VULNERABLE);
    repo.write(
        "src/removed-on-main.js",
        &format!("// kept for the migration\n{VULNERABLE}"),
    );
    repo.commit_all("main");
    repo.git(&["checkout", "-q", "-b", "feature"]);

    // The branch moves the old finding down, adds a new one and edits a line.
    repo.write(
        "src/old.js",
        &format!("// header\n// more header\n{VULNERABLE}"),
    );
    repo.write(
        "src/new.js",
        "const jwt = require('jsonwebtoken');\nmodule.exports = (t) => jwt.verify(t, process.env.K);\n",
    );
    repo.commit_all("feature work");

    repo.git(&["checkout", "-q", "main"]);
    repo.write("src/removed-on-main.js", "// migrated\n");
    repo.commit_all("main moves on");
    repo.git(&["checkout", "-q", "feature"]);
    // Untracked work counts as added too.
    repo.write("src/untracked.js", VULNERABLE);

    let output = repo.authlint(&["scan", "--format", "json", "--diff-base", "main"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let paths: Vec<String> = findings(&output).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, ["src/new.js", "src/untracked.js"]);

    // Only the staged side with --staged: the untracked file is not staged.
    let output = repo.authlint(&[
        "scan",
        "--staged",
        "--format",
        "json",
        "--diff-base",
        "main",
    ]);
    assert!(findings(&output).is_empty(), "{}", stdout(&output));
    repo.write(
        "src/old.js",
        &format!("{VULNERABLE}function again(req) {{\n  return jwt.verify(req.other, process.env.KEY);\n}}\n"),
    );
    repo.git(&["add", "src/old.js"]);
    let output = repo.authlint(&[
        "scan",
        "--staged",
        "--format",
        "json",
        "--diff-base",
        "main",
    ]);
    assert_eq!(
        findings(&output),
        [(
            "src/old.js".to_string(),
            "jwt/missing-algorithms".to_string(),
            6
        )]
    );

    let bad = repo.authlint(&["scan", "--diff-base", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-branch"));
}
