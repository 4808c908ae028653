//! `authlint evidence`: the audit report in its three formats, on a small
//! project under `tests/evidence/project` committed into a fresh git
//! repository with a fixed author and date (so its commit id, and with it
//! the whole report, is the same on every machine). The HTML page is
//! opened in headless Chromium, whose DOM is checked and whose screenshot
//! is kept under `target/evidence-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use tempfile::TempDir;

const TIMESTAMP: &str = "1700000000";

fn authlint() -> Command {
    let mut command = Command::cargo_bin("authlint").unwrap();
    command.env_remove("SOURCE_DATE_EPOCH");
    command
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/evidence/project")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let output = Process::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Dana Reviewer")
        .env("GIT_AUTHOR_EMAIL", "dana@example.com")
        .env("GIT_COMMITTER_NAME", "Dana Reviewer")
        .env("GIT_COMMITTER_EMAIL", "dana@example.com")
        .env("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The fixture project as the single commit of a new repository.
fn project() -> TempDir {
    let dir = TempDir::new().unwrap();
    copy_tree(&fixture_dir(), dir.path());
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    git(dir.path(), &["config", "commit.gpgsign", "false"]);
    git(dir.path(), &["add", "."]);
    git(
        dir.path(),
        &["commit", "--quiet", "-m", "Accept the vendor sandbox key"],
    );
    dir
}

/// Writes the report in a format and returns its text; findings do not
/// fail the command.
fn evidence(dir: &Path, out: &str, extra: &[&str]) -> String {
    authlint()
        .current_dir(dir)
        .args(["evidence", ".", "--out", out])
        .args(extra)
        .assert()
        .code(0);
    std::fs::read_to_string(dir.join(out)).unwrap()
}

/// The repository's directory name is the temporary directory's.
fn stable(text: &str, dir: &Path) -> String {
    let name = dir.file_name().unwrap().to_string_lossy();
    text.replace(name.as_ref(), "[project]")
}

#[test]
fn the_markdown_report_of_the_fixture_project() {
    let dir = project();
    let text = evidence(dir.path(), "report.md", &["--timestamp", TIMESTAMP]);
    insta::assert_snapshot!("evidence_markdown", stable(&text, dir.path()));
}

#[test]
fn the_json_report_follows_its_schema_and_says_what_was_found() {
    let dir = project();
    let text = evidence(dir.path(), "report.json", &["--timestamp", TIMESTAMP]);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();

    let schema_text = authlint()
        .args(["evidence", "--schema"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");

    assert_eq!(report["generated_at"], "2023-11-14T22:13:20Z");
    let repository = &report["scan"]["repository"];
    assert_eq!(repository["branch"], "main");
    assert_eq!(repository["dirty"], false);
    assert_eq!(repository["commit"].as_str().unwrap().len(), 40);

    let status = |id: &str| {
        report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no control {id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The unpinned verify is an open finding under 8.3.2.
    assert_eq!(status("8.3.2"), "findings");
    // bcrypt at cost 12 was seen and nothing is wrong with password length.
    assert_eq!(status("8.3.6"), "no-findings");
    // No OTP code at all: not a pass.
    assert_eq!(status("8.4.x"), "not-assessed");
    // No rule tests it yet.
    assert_eq!(status("8.3.4"), "not-assessed");

    let exception = &report["exceptions"][0];
    assert_eq!(exception["rule"], "secret/hardcoded-credential");
    assert_eq!(exception["path"], "src/auth.js");
    assert!(
        exception["reason"]
            .as_str()
            .unwrap()
            .starts_with("sandbox key from the vendor's docs")
    );
    assert_eq!(exception["added_by"]["status"], "committed");
    assert_eq!(exception["added_by"]["author"], "Dana Reviewer");
    assert_eq!(exception["added_by"]["date"], "2024-03-01");
    // The exception's snippet is masked like a finding's.
    assert!(!exception["snippet"].as_str().unwrap().contains("4f9a2c7e"));

    let detectors: Vec<&str> = report["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["detector"].as_str().unwrap())
        .collect();
    assert_eq!(
        detectors,
        [
            "jwt/pinned-verification",
            "password/slow-hash",
            "crypto/constant-time-compare",
            "openapi/declared-security"
        ]
    );
    // The unpinned verify on line 18 is a finding, never a sample.
    assert!(
        report["samples"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["line"] != 18)
    );
}

#[test]
fn the_schema_printed_is_the_one_shipped() {
    let printed = authlint()
        .args(["evidence", "--schema"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let shipped =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/evidence/schema.json"))
            .unwrap();
    assert_eq!(printed, shipped);
}

/// Drops the lines that carry the time stamp.
fn without_timestamp(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("generated_at") && !l.contains("Generated"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn two_runs_on_one_commit_differ_only_in_the_time_stamp() {
    let dir = project();
    let run = |out: &str, epoch: Option<&str>| {
        let mut command = authlint();
        command
            .current_dir(dir.path())
            .args(["evidence", ".", "--out", out]);
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        command.assert().code(0);
        std::fs::read_to_string(dir.path().join(out)).unwrap()
    };
    for out in ["report.json", "report.html", "report.md"] {
        // The second run finds the first one's report in the tree: it must
        // not scan it.
        let first = run(out, Some("1700000000"));
        let second = run(out, Some("1800000000"));
        assert_ne!(first, second, "{out}: the time stamp should differ");
        assert_eq!(
            without_timestamp(&first),
            without_timestamp(&second),
            "{out}"
        );
        let clock = run(out, None);
        assert_eq!(
            without_timestamp(&clock),
            without_timestamp(&first),
            "{out}"
        );
    }
}

#[test]
fn the_html_report_is_self_contained_and_escapes_the_scanned_code() {
    let dir = project();
    let html = evidence(dir.path(), "report.html", &["--timestamp", TIMESTAMP]);
    // The suppression reason and a flagged line both hold a script tag.
    assert!(!html.contains("<script"), "unescaped markup in the report");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    for remote in ["http://", "https://", "<link", "@import", "url("] {
        let outside_text = html
            .lines()
            .filter(|l| l.contains(remote))
            .filter(|l| !l.contains("<td>") && !l.contains("<pre"))
            .collect::<Vec<_>>();
        assert!(outside_text.is_empty(), "{remote}: {outside_text:#?}");
    }
    assert!(html.contains("@page"));
    assert!(html.contains("@media print"));
    assert!(!html.contains("4f9a2c7e"), "the sandbox key is shown whole");
}

#[test]
fn the_format_comes_from_the_extension_unless_given() {
    let dir = project();
    let text = evidence(dir.path(), "report.txt", &["--format", "md"]);
    assert!(text.starts_with("# Authentication evidence report"));
    authlint()
        .current_dir(dir.path())
        .args(["evidence", ".", "--out", "report.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot tell the format"));
    authlint()
        .current_dir(dir.path())
        .args(["evidence", "."])
        .assert()
        .code(2);
}

/// Headless Chromium, when installed: `AUTHLINT_REQUIRE_CHROMIUM=1` (set by
/// `.ci/run`) makes its absence a failure instead of a skip.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Process::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(PathBuf::from(name));
        }
    }
    let required = std::env::var("AUTHLINT_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "AUTHLINT_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install chromium)"
    );
    #[allow(clippy::print_stderr)] // a skipped test says why
    {
        eprintln!("note: chromium is not installed; the browser test is skipped");
    }
    None
}

fn headless(browser: &Path, profile: &Path) -> Process {
    let mut command = Process::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
fn chromium_renders_the_report() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = project();
    evidence(dir.path(), "report.html", &["--timestamp", TIMESTAMP]);
    let page = dir.path().join("report.html");
    let url = format!("file://{}", page.display());
    let profile = TempDir::new().unwrap();

    let output = headless(&browser, profile.path())
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains("id=\"control-matrix\""), "no control matrix");
    assert_eq!(
        dom.matches("<tr class=\"control ").count(),
        18,
        "one row per control"
    );
    assert!(dom.contains("id=\"control-8-3-2\""));
    assert!(dom.contains("data-status=\"not-assessed\""));
    assert!(dom.contains("class=\"finding severity-high\" id=\"F1\""));
    assert!(dom.contains("data-rule=\"jwt/missing-algorithms\""));
    assert!(dom.contains("class=\"exception\" id=\"E1\""));
    assert!(dom.contains("Dana Reviewer on 2024-03-01"));
    assert!(dom.contains("class=\"sample\" id=\"S1\""));
    assert!(dom.contains("data-detector=\"jwt/pinned-verification\""));
    // The browser parsed the escaped markup as text, not as a script.
    assert!(!dom.contains("<script"));

    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/evidence-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("evidence-report.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = headless(&browser, profile.path())
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1280,2000")
        .arg(&url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(png.len() > 20_000, "a blank page? {} bytes", png.len());
}
