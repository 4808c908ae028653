//! `authlint baseline` and `scan --baseline`: accepted findings stay
//! accepted when code moves, a second copy of one is new, and the file is
//! sorted and stable so that branches merge it cleanly.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn authlint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("authlint").unwrap();
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const VERIFY: &str = "function auth(req) {\n  return jwt.verify(req.token, process.env.KEY);\n}\n";

fn service(dir: &Path) {
    write(
        dir,
        "src/auth.js",
        &format!(
            "const jwt = require('jsonwebtoken');\n{VERIFY}\
             function issue(user) {{\n  return jwt.sign({{ sub: user.id }}, process.env.KEY);\n}}\n"
        ),
    );
    write(
        dir,
        "src/admin.ts",
        &format!("import jwt from 'jsonwebtoken';\n{VERIFY}"),
    );
}

fn record(dir: &Path) -> String {
    authlint(dir)
        .args(["baseline", "--out", "authlint-baseline.json"])
        .assert()
        .code(0);
    std::fs::read_to_string(dir.join("authlint-baseline.json")).unwrap()
}

fn new_findings(dir: &Path) -> (Option<i32>, Vec<(String, u64)>) {
    let output = authlint(dir)
        .args([
            "scan",
            "--format",
            "json",
            "--baseline",
            "authlint-baseline.json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (output.status.code(), found)
}

#[test]
fn the_file_is_sorted_one_entry_per_line_and_stable() {
    let dir = TempDir::new().unwrap();
    service(dir.path());
    let text = record(dir.path());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "{");
    assert_eq!(lines[1], "  \"version\": 1,");
    assert_eq!(lines[3], "  \"entries\": [");
    let entries: Vec<&str> = lines[4..lines.len() - 2].to_vec();
    assert_eq!(entries.len(), 3);
    assert!(entries[0].starts_with(
        "    {\"path\":\"src/admin.ts\",\"rule\":\"jwt/missing-algorithms\",\"fingerprint\":\""
    ));
    assert!(
        entries[1]
            .starts_with("    {\"path\":\"src/auth.js\",\"rule\":\"jwt/missing-algorithms\",")
    );
    assert!(entries[2].starts_with("    {\"path\":\"src/auth.js\",\"rule\":\"jwt/no-expiry\","));
    assert!(entries.iter().all(|e| e.contains("\"count\":1}")));
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["entries"].as_array().unwrap().len(), 3);
    // Writing it again changes nothing, byte for byte.
    assert_eq!(record(dir.path()), text);
    // And the baseline file is not scanned as part of the tree's findings.
    assert_eq!(new_findings(dir.path()), (Some(0), Vec::new()));
}

#[test]
fn moved_code_stays_accepted_and_a_second_copy_is_new() {
    let dir = TempDir::new().unwrap();
    service(dir.path());
    record(dir.path());

    // Lines inserted above, and the function re-indented: still accepted.
    let auth = std::fs::read_to_string(dir.path().join("src/auth.js")).unwrap();
    let moved = auth.replacen(
        "function auth(req) {\n  return",
        "// Authentication.\n\n\nfunction auth(req) {\n      return",
        1,
    );
    write(dir.path(), "src/auth.js", &moved);
    assert_eq!(new_findings(dir.path()), (Some(0), Vec::new()));

    // The same finding pasted a second time in the file is new.
    write(
        dir.path(),
        "src/auth.js",
        &format!(
            "{moved}function again(req) {{\n  return jwt.verify(req.token, process.env.KEY);\n}}\n"
        ),
    );
    let (code, found) = new_findings(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found, [("src/auth.js".to_string(), 12)]);

    // Changing the accepted code makes it a new finding too.
    let changed = moved.replace(
        "process.env.KEY);\n}\nfunction issue",
        "process.env.OTHER_KEY);\n}\nfunction issue",
    );
    write(dir.path(), "src/auth.js", &changed);
    let (code, found) = new_findings(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found, [("src/auth.js".to_string(), 6)]);
}

#[test]
fn the_text_summary_counts_what_the_baseline_hides() {
    let dir = TempDir::new().unwrap();
    service(dir.path());
    record(dir.path());
    let output = authlint(dir.path())
        .args(["scan", "--baseline", "authlint-baseline.json"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.ends_with("Not shown: 3 in the baseline.\n"), "{text}");
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = TempDir::new().unwrap();
    service(dir.path());
    write(dir.path(), "authlint-baseline.json", "{\"entries\": 3}");
    authlint(dir.path())
        .args(["scan", "--baseline", "authlint-baseline.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an authlint baseline"));
    authlint(dir.path())
        .args(["scan", "--baseline", "missing.json"])
        .assert()
        .code(2);
}
