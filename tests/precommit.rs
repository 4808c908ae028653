//! The hook as users of the pre-commit framework get it: the real
//! `pre-commit` package runs `.pre-commit-hooks.yaml` from a copy of this
//! repository, builds authlint with cargo (`language: rust`) and blocks a
//! commit with a finding.
//!
//! Needs `pre-commit` (from the Python package index) and the crate
//! registry. `.ci/run` installs pre-commit into a virtual environment and
//! names it in `AUTHLINT_PRE_COMMIT`; without it the test installs one
//! itself, and is skipped (with a message) only when that is impossible.
//! Builds share a target directory under `target/` so that only the first
//! run compiles the dependencies; each `try-repo` and the installed hook
//! still compile authlint itself once (pre-commit builds in a fresh clone).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const VULNERABLE: &str = "import jwt from 'jsonwebtoken';\n\
export function auth(token: string) {\n  return jwt.verify(token, process.env.KEY!);\n}\n";

const CLEAN: &str = "import jwt from 'jsonwebtoken';\n\
export function auth(token: string) {\n  return jwt.verify(token, process.env.KEY!, { algorithms: ['RS256'], issuer: 'i', audience: 'a' });\n}\n";

/// Where test runs keep what they may reuse: the virtual environment and
/// cargo's build directory.
fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit")
}

fn succeeded(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

/// The `pre-commit` executable: from `.ci/run`, from a previous run, from
/// `PATH`, or freshly installed with pip into a virtual environment.
fn pre_commit() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("AUTHLINT_PRE_COMMIT") {
        let path = PathBuf::from(path);
        // CI said it installed pre-commit: a broken one is a failure, not a skip.
        assert!(
            succeeded(Command::new(&path).arg("--version")),
            "AUTHLINT_PRE_COMMIT={} does not run",
            path.display()
        );
        return Ok(path);
    }
    let venv = cache_dir().join("venv");
    let installed = venv.join("bin/pre-commit");
    if succeeded(Command::new(&installed).arg("--version")) {
        return Ok(installed);
    }
    if succeeded(Command::new("pre-commit").arg("--version")) {
        return Ok(PathBuf::from("pre-commit"));
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !created.status.success() {
        return Err(format!(
            "`python3 -m venv` failed: {}",
            String::from_utf8_lossy(&created.stderr).trim()
        ));
    }
    let pip = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit>=3.2,<5",
        ])
        .output()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !pip.status.success() {
        return Err(format!(
            "`pip install pre-commit` failed: {}",
            String::from_utf8_lossy(&pip.stderr).trim()
        ));
    }
    Ok(installed)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A git environment free of the user's configuration.
fn git_env<'c>(command: &'c mut Command, home: &Path) -> &'c mut Command {
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_DIR")
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> Output {
    let output = git_env(Command::new("git").current_dir(dir).args(args), home)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A copy of this package as a hook repository, committed.
fn hook_repository(root: &Path, home: &Path) -> (PathBuf, String) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = root.join("authlint-hooks");
    std::fs::create_dir_all(&repo).unwrap();
    for file in ["Cargo.toml", "Cargo.lock", ".pre-commit-hooks.yaml"] {
        std::fs::copy(source.join(file), repo.join(file)).unwrap();
    }
    for dir in ["src", "queries", "hooks"] {
        copy_tree(&source.join(dir), &repo.join(dir));
    }
    git(&repo, home, &["init", "-q", "-b", "main"]);
    git(&repo, home, &["add", "-A"]);
    git(&repo, home, &["commit", "-q", "-m", "authlint"]);
    let sha = String::from_utf8(git(&repo, home, &["rev-parse", "HEAD"]).stdout).unwrap();
    (repo, sha.trim().to_string())
}

struct Run {
    pre_commit: PathBuf,
    home: PathBuf,
    cache: PathBuf,
}

impl Run {
    fn command(&self, program: &Path, dir: &Path) -> Command {
        let mut command = Command::new(program);
        command.current_dir(dir);
        git_env(&mut command, &self.home)
            .env("PRE_COMMIT_HOME", self.home.join("pre-commit-cache"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("NO_COLOR", "1")
            // pre-commit builds in a fresh clone each time; a build
            // directory that outlives the run and an unoptimised release
            // profile keep that to compiling authlint itself, quickly. The
            // hook behaves the same.
            .env("CARGO_TARGET_DIR", self.cache.join("target"))
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_TERM_COLOR", "never");
        command
    }

    fn pre_commit(&self, dir: &Path, args: &[&str]) -> (Option<i32>, String) {
        let output = self
            .command(&self.pre_commit, dir)
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.code(), text)
    }

    fn commit(&self, dir: &Path, message: &str) -> (bool, String) {
        let output = self
            .command(Path::new("git"), dir)
            .args(["commit", "-q", "-m", message])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn pre_commit_framework_blocks_a_commit_with_a_finding() {
    let pre_commit = match pre_commit() {
        Ok(path) => path,
        Err(why) => {
            #[allow(clippy::print_stderr)] // the only way a test can say it skipped
            {
                eprintln!("SKIPPED pre_commit_framework_blocks_a_commit_with_a_finding: {why}");
            }
            return;
        }
    };
    let root = TempDir::new().unwrap();
    let home = root.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("gitconfig"), "").unwrap();
    let run = Run {
        pre_commit,
        home: home.clone(),
        cache: cache_dir(),
    };
    let (hooks, sha) = hook_repository(root.path(), &home);
    let hooks_path = hooks.to_string_lossy().into_owned();

    let (code, text) = run.pre_commit(&hooks, &["validate-manifest", ".pre-commit-hooks.yaml"]);
    assert_eq!(code, Some(0), "{text}");

    // A project whose staged TypeScript module (`.mts`, which type tags
    // would miss) has a finding.
    let project = root.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    git(&project, &home, &["init", "-q", "-b", "main"]);
    write(&project, "README.md", "service\n");
    git(&project, &home, &["add", "README.md"]);
    git(&project, &home, &["commit", "-q", "-m", "start"]);
    write(&project, "src/auth.mts", VULNERABLE);
    git(&project, &home, &["add", "src/auth.mts"]);

    let try_repo = [
        "try-repo",
        &hooks_path,
        "authlint",
        "--ref",
        &sha,
        "--verbose",
    ];
    let (code, text) = run.pre_commit(&project, &try_repo);
    assert_eq!(code, Some(1), "the finding did not fail the hook:\n{text}");
    assert!(
        text.contains("src/auth.mts:3:10 high jwt/missing-algorithms"),
        "{text}"
    );

    write(&project, "src/auth.mts", CLEAN);
    git(&project, &home, &["add", "src/auth.mts"]);
    let (code, text) = run.pre_commit(&project, &try_repo);
    assert_eq!(code, Some(0), "the clean file failed the hook:\n{text}");
    assert!(text.contains("No findings in 1 file."), "{text}");

    // Installed as the project's git hook, from the same repository and
    // revision (so the environment built above is reused).
    write(
        &project,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {hooks_path}\n    rev: {sha}\n    hooks:\n      - id: authlint\n"
        ),
    );
    git(&project, &home, &["add", ".pre-commit-config.yaml"]);
    let (code, text) = run.pre_commit(&project, &["install"]);
    assert_eq!(code, Some(0), "{text}");

    write(&project, "src/auth.mts", VULNERABLE);
    git(&project, &home, &["add", "src/auth.mts"]);
    // An unstaged fix does not get a bad commit through: pre-commit stashes it.
    write(&project, "src/auth.mts", CLEAN);
    let (committed, text) = run.commit(&project, "vulnerable");
    assert!(
        !committed,
        "the commit with a finding went through:\n{text}"
    );
    assert!(text.contains("jwt/missing-algorithms"), "{text}");
    assert_eq!(
        std::fs::read_to_string(project.join("src/auth.mts")).unwrap(),
        CLEAN,
        "pre-commit did not restore the unstaged work"
    );

    git(&project, &home, &["add", "src/auth.mts"]);
    let (committed, text) = run.commit(&project, "clean");
    assert!(committed, "the clean commit was blocked:\n{text}");
}
