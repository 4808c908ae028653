//! The command line as users and scripts meet it: exit codes, the JSON
//! contract, rule selection, bad input.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn authlint() -> Command {
    let mut command = Command::cargo_bin("authlint").unwrap();
    command.env_remove("NO_COLOR");
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const VULNERABLE: &str = "const jwt = require('jsonwebtoken');\n\
function auth(req) {\n  return jwt.verify(req.token, process.env.KEY);\n}\n";

const CLEAN: &str = "const jwt = require('jsonwebtoken');\n\
function auth(req) {\n  return jwt.verify(req.token, process.env.KEY, { algorithms: ['RS256'], issuer: 'i', audience: 'a' });\n}\n";

#[test]
fn findings_exit_one_and_a_clean_tree_exits_zero() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "bad/auth.js", VULNERABLE);
    write(dir.path(), "good/auth.js", CLEAN);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "bad"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "bad/auth.js:3:10 high jwt/missing-algorithms",
        ))
        .stdout(predicate::str::contains("fix:"));
    authlint()
        .current_dir(dir.path())
        .args(["scan", "good"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings in 1 file."));
}

#[test]
fn json_output_keeps_the_contract() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "src/auth.js", VULNERABLE);
    let output = authlint()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_keys_in_order(
        &text,
        &["tool", "findings", "suppressed", "errors", "summary"],
    );
    assert_keys_in_order(
        &text,
        &[
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "fix",
            "snippet",
            "cwe",
            "owasp",
            "soc2",
            "pci_dss",
            "fingerprint",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["tool"]["name"], "authlint");
    let finding = &report["findings"][0];
    assert_eq!(finding.as_object().unwrap().len(), 15);
    assert_eq!(finding["rule"], "jwt/missing-algorithms");
    assert_eq!(finding["path"], "src/auth.js");
    assert_eq!(finding["line"], 3);
    assert_eq!(finding["column"], 10);
    assert_eq!(finding["cwe"], serde_json::json!(["CWE-347", "CWE-327"]));
    assert_eq!(finding["soc2"], serde_json::json!(["CC6.1"]));
    assert_eq!(
        finding["snippet"],
        "return jwt.verify(req.token, process.env.KEY);"
    );
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["findings"], 1);
}

/// Keys appear in the documented order (`serde_json::Value` sorts them).
fn assert_keys_in_order(text: &str, keys: &[&str]) {
    let mut last = 0;
    for key in keys {
        let at = text[last..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("`{key}` missing or out of order in {text}"));
        last += at;
    }
}

#[test]
fn fingerprints_survive_moved_lines() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    let fingerprint = |dir: &Path| {
        let output = authlint()
            .current_dir(dir)
            .args(["scan", "--format", "json", "a.js"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = fingerprint(dir.path());
    write(
        dir.path(),
        "a.js",
        &format!("// a new header comment\n\n{VULNERABLE}"),
    );
    assert_eq!(before, fingerprint(dir.path()));
}

#[test]
fn secrets_are_masked_in_every_output() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "tokens.js",
        "const jwt = require('jsonwebtoken');\nconst t = jwt.sign({ sub: 1 }, 'correct-horse-battery', { expiresIn: '5m' });\n",
    );
    for format in ["text", "json"] {
        authlint()
            .current_dir(dir.path())
            .args(["scan", "--format", format])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("corr********"))
            .stdout(predicate::str::contains("correct-horse").not());
    }
}

#[test]
fn select_and_ignore_take_ids_and_families() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--ignore", "jwt"])
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--select", "jwt/no-expiry"])
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--select", "jwt/missing-algorithms"])
        .assert()
        .code(1);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--select", "jwt/does-not-exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("authlint: unknown rule"));
}

#[test]
fn fail_on_and_exit_zero_set_the_bar() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--fail-on", "critical"])
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--fail-on", "high"])
        .assert()
        .code(1);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--exit-zero"])
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--fail-on", "severe"])
        .assert()
        .code(2);
}

#[test]
fn bad_files_are_warnings_and_the_scan_goes_on() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    std::fs::write(dir.path().join("blob.js"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    write(
        dir.path(),
        "broken.rs",
        "use jsonwebtoken::decode;\nfn main( {",
    );
    let output = authlint()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    let errors = report["errors"].as_array().unwrap();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["blob.js", "broken.rs"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("authlint: warning: blob.js: binary content"),
        "{stderr}"
    );
    assert!(
        stderr.contains("authlint: warning: broken.rs: not analysed: syntax error at 2:"),
        "{stderr}"
    );
}

#[test]
fn dependencies_are_skipped_unless_asked_for() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "node_modules/lib/index.js", VULNERABLE);
    write(dir.path(), "app.min.js", VULNERABLE);
    authlint()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--no-default-excludes"])
        .assert()
        .code(1);
    // A file named on the command line is always scanned.
    authlint()
        .current_dir(dir.path())
        .args(["scan", "node_modules/lib/index.js"])
        .assert()
        .code(1);
}

#[test]
fn output_order_is_deterministic() {
    let dir = TempDir::new().unwrap();
    for name in ["b.js", "a.js", "c/d.js", "c/a.ts"] {
        write(dir.path(), name, VULNERABLE);
    }
    let run = || {
        authlint()
            .current_dir(dir.path())
            .args(["scan", "--format", "json", "-j", "2"])
            .output()
            .unwrap()
            .stdout
    };
    let first: serde_json::Value = serde_json::from_slice(&run()).unwrap();
    let paths: Vec<&str> = first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a.js", "b.js", "c/a.ts", "c/d.js"]);
    for _ in 0..3 {
        let again: serde_json::Value = serde_json::from_slice(&run()).unwrap();
        assert_eq!(first["findings"], again["findings"]);
    }
}

#[test]
fn rules_and_explain_read_the_catalogue() {
    authlint()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("jwt/missing-algorithms"))
        .stdout(predicate::str::contains("jwt/no-expiry"));
    authlint()
        .args(["explain", "jwt/none-algorithm"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## What it does"))
        .stdout(predicate::str::contains("PCI DSS v4.0.1 8.3.2"));
    authlint().args(["explain", "jwt/nope"]).assert().code(2);
}

#[test]
fn no_color_when_piped_or_asked() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    authlint()
        .current_dir(dir.path())
        .arg("scan")
        .env("NO_COLOR", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

/// Every file and directory under `dir`, with its bytes (none for a
/// directory) and modification time.
type Snapshot = Vec<(std::path::PathBuf, Option<Vec<u8>>, std::time::SystemTime)>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut entries = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let metadata = std::fs::symlink_metadata(&path).unwrap();
        let bytes = if metadata.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
            None
        } else {
            Some(std::fs::read(&path).unwrap())
        };
        entries.push((path, bytes, metadata.modified().unwrap()));
    }
    entries.sort();
    entries
}

#[test]
fn the_tree_is_never_written() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", VULNERABLE);
    write(dir.path(), "src/b.ts", VULNERABLE);
    write(
        dir.path(),
        "src/lib.rs",
        "use jsonwebtoken::decode;\nfn f() {}\n",
    );
    write(
        dir.path(),
        "api/openapi.yaml",
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses: {}\n",
    );
    write(
        dir.path(),
        ".env",
        "API_KEY=sk_live_0123456789abcdefghijklmn\n",
    );
    write(
        dir.path(),
        "ok.js",
        "// authlint-ignore jwt/missing-algorithms -- reviewed\njwt.verify(a, b);\n",
    );
    let before = snapshot(dir.path());
    for format in ["text", "json", "sarif", "github", "gitlab", "junit"] {
        authlint()
            .current_dir(dir.path())
            .args(["scan", "--format", format, "--stats"])
            .arg("--report-unused-suppressions")
            .env_remove("GITHUB_STEP_SUMMARY")
            .assert()
            .code(1);
    }
    assert_eq!(before, snapshot(dir.path()));
}

#[test]
fn inline_suppressions_need_a_reason_and_show_in_json() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "auth.js",
        "const jwt = require('jsonwebtoken');\n\
         function gateway(req) {\n  // authlint-ignore jwt/missing-algorithms -- gateway re-signs with HS256\n  return jwt.verify(req.token, process.env.KEY);\n}\n\
         function legacy(req) {\n  return jwt.verify(req.token, process.env.KEY); // authlint-ignore jwt\n}\n",
    );
    let output = authlint()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["suppressed"],
        serde_json::json!([{
            "rule": "jwt/missing-algorithms",
            "path": "auth.js",
            "line": 4,
            "reason": "gateway re-signs with HS256"
        }])
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    let rules: Vec<(&str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    // The reason-less comment suppresses nothing and is reported itself.
    assert_eq!(
        rules,
        [
            ("jwt/missing-algorithms", 7),
            ("meta/unjustified-suppression", 7)
        ]
    );
    authlint()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Found 2 findings in 1 file (1 high, 1 low). Not shown: 1 suppressed inline.",
        ));
}

#[test]
fn unused_suppressions_are_reported_when_asked() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "auth.js",
        &format!("// authlint-ignore jwt/no-expiry -- tokens are short-lived\n{CLEAN}"),
    );
    authlint()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--report-unused-suppressions"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "auth.js:1:1 low meta/unused-suppression `authlint-ignore jwt/no-expiry` suppresses no finding here",
        ));
    // A rule switched off is not judged.
    authlint()
        .current_dir(dir.path())
        .args([
            "scan",
            "--report-unused-suppressions",
            "--ignore",
            "jwt/no-expiry",
        ])
        .assert()
        .code(0);
    authlint()
        .current_dir(dir.path())
        .args(["scan", "--select", "meta/unused-suppression,jwt"])
        .assert()
        .code(1);
}

#[test]
fn type_declarations_get_no_code_rules_but_keep_the_key_scan() {
    let dir = TempDir::new().unwrap();
    // The same code as a module and as a declaration file: only the module
    // is code a rule can judge. A provider key is found in either.
    write(dir.path(), "src/auth.ts", VULNERABLE);
    write(dir.path(), "types/auth.d.ts", VULNERABLE);
    write(
        dir.path(),
        "types/keys.d.ts",
        "// stripe: sk_live_4eC39HqLyjWDarjtT1zdp7dc\nexport declare const key: string;\n",
    );
    let output = authlint()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|(p, r)| p == "src/auth.ts" && r == "jwt/missing-algorithms")
    );
    assert!(
        !found.iter().any(|(p, _)| p == "types/auth.d.ts"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(p, r)| p == "types/keys.d.ts" && r == "secret/known-key"),
        "{found:?}"
    );
}
