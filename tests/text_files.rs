//! The text path through the binary: every text file is read for secrets,
//! hidden ones included and `.git/` excluded; binaries, lock files,
//! minified bundles and oversized files are skipped with a note in
//! `--stats` and in the JSON report, never silently.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const AWS_KEY: &str = "AKIA2IBYYURL7B6KJ6HB";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn scan_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let output = Command::cargo_bin("authlint")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    let report = serde_json::from_slice(&output.stdout).unwrap();
    (report, String::from_utf8(output.stderr).unwrap())
}

fn finding_paths(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect()
}

fn skipped(report: &serde_json::Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn hidden_files_are_read_and_git_internals_are_not() {
    let dir = TempDir::new().unwrap();
    let line = format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n");
    write(dir.path(), ".env", &line);
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        format!("env:\n  KEY: {AWS_KEY}\n"),
    );
    write(dir.path(), ".git/config", &line);
    write(dir.path(), "README.md", "nothing to see\n");
    let (report, _) = scan_json(dir.path(), &[]);
    assert_eq!(
        finding_paths(&report),
        [
            ".env secret/known-key",
            ".github/workflows/deploy.yml secret/known-key"
        ]
    );
    assert_eq!(report["summary"]["files"], 3);
}

#[test]
fn skipped_files_are_listed_with_their_reason() {
    let dir = TempDir::new().unwrap();
    let line = format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n");
    write(
        dir.path(),
        "package-lock.json",
        format!("{{\"k\": \"{AWS_KEY}\"}}\n"),
    );
    write(
        dir.path(),
        "logo.png",
        [0x89, b'P', b'N', b'G', 0, 0, 0, 13],
    );
    write(dir.path(), "blob.bin", [b'a', 0, b'b']);
    write(dir.path(), "latin1.txt", b"caf\xe9 AKIA2IBYYURL7B6KJ6HB\n");
    write(dir.path(), "app.min.js", format!("var k='{AWS_KEY}';"));
    write(dir.path(), "big.txt", "x".repeat(5 * 1024 * 1024));
    write(dir.path(), "ok.env", &line);
    let (report, stderr) = scan_json(dir.path(), &["--stats"]);
    assert_eq!(finding_paths(&report), ["ok.env secret/known-key"]);
    let skipped = skipped(&report);
    let reason = |path: &str| {
        skipped
            .iter()
            .find(|s| s.starts_with(&format!("{path}: ")))
            .unwrap_or_else(|| panic!("{path} is not listed as skipped: {skipped:?}"))
            .clone()
    };
    assert!(reason("package-lock.json").contains("lock file"));
    assert!(reason("logo.png").contains("binary"));
    assert!(reason("blob.bin").contains("binary"));
    assert!(reason("latin1.txt").contains("not UTF-8"));
    assert!(reason("app.min.js").contains("minified"));
    assert!(reason("big.txt").contains("size limit"));
    // Skips are notes, not warnings, and `--stats` lists each of them.
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    assert!(!stderr.contains("warning"), "{stderr}");
    for path in ["package-lock.json", "logo.png", "app.min.js", "big.txt"] {
        assert!(stderr.contains(&format!("skipped {path}")), "{stderr}");
    }
}

#[test]
fn a_lock_file_named_on_the_command_line_is_scanned() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "yarn.lock", format!("token {AWS_KEY}\n"));
    let (report, _) = scan_json(dir.path(), &["yarn.lock"]);
    assert_eq!(finding_paths(&report), ["yarn.lock secret/known-key"]);
}

#[test]
fn secrets_are_found_in_code_the_parser_rejects() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "broken.rs",
        // The JWT import makes the parser run; it gives up on `main(`.
        format!("use jsonwebtoken::decode;\nconst KEY: &str = \"{AWS_KEY}\";\nfn main( {{\n"),
    );
    let (report, stderr) = scan_json(dir.path(), &[]);
    assert_eq!(finding_paths(&report), ["broken.rs secret/known-key"]);
    assert!(
        stderr.contains("broken.rs: not analysed: syntax error"),
        "{stderr}"
    );
}
