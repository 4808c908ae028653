//! Bad input never stops a scan: each case below sits next to a file with a
//! real finding, and the scan must neither panic nor lose that finding, and
//! must exit 0 or 1 with a warning that names the bad file.

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const FINDING: &str =
    "const jwt = require('jsonwebtoken');\nmodule.exports = (t, k) => jwt.verify(t, k);\n";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Scans `dir` and returns the JSON report, after checking the exit code
/// and that the neighbouring finding survived.
fn scan(dir: &Path) -> (serde_json::Value, String) {
    scan_with(dir, &[])
}

/// [`scan`] with more arguments.
fn scan_with(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let output = Command::cargo_bin("authlint")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(args)
        .timeout(std::time::Duration::from_mins(2))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "exit {:?}, stderr: {stderr}",
        output.status.code()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "neighbour.js" && f["rule"] == "jwt/missing-algorithms");
    assert!(found, "the neighbouring finding was lost: {report}");
    (report, stderr)
}

fn with_neighbour() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "neighbour.js", FINDING);
    dir
}

#[test]
fn random_binary_named_js() {
    let dir = with_neighbour();
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13).to_le_bytes()[0])
        .collect();
    write(dir.path(), "noise.js", noise);
    let (report, stderr) = scan(dir.path());
    assert!(
        stderr.contains("warning: noise.js: binary content"),
        "{stderr}"
    );
    assert_eq!(report["errors"][0]["path"], "noise.js", "{report}");
}

#[test]
fn invalid_utf8_keeps_the_finding_in_the_same_file() {
    let dir = with_neighbour();
    let mut bytes = b"// caf\xe9 \xff\xfe\n".to_vec();
    bytes.extend_from_slice(FINDING.as_bytes());
    write(dir.path(), "latin1.js", bytes);
    let (report, stderr) = scan(dir.path());
    assert!(stderr.contains("latin1.js: invalid UTF-8"), "{stderr}");
    let lines: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "latin1.js")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3]);
}

#[test]
fn deep_nesting_in_every_language() {
    let dir = with_neighbour();
    let depth = 20_000;
    // Each mentions a JWT library so the prefilter lets it through to the parser.
    let js = format!(
        "const jwt = require('jsonwebtoken');\nconst a = {}1{};\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let ts = format!(
        "import jwt from 'jsonwebtoken';\nconst o = {}{};\n",
        "{ a: ".repeat(depth),
        " 1 }".repeat(depth)
    );
    let rs = format!(
        "use jsonwebtoken::decode;\nfn f() -> i32 {{ {}1{} }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "deep.js", js);
    write(dir.path(), "deep.ts", ts);
    write(dir.path(), "deep.rs", rs);
    scan(dir.path());
}

#[test]
fn unterminated_template_literal() {
    let dir = with_neighbour();
    write(
        dir.path(),
        "broken.js",
        "const jwt = require('jsonwebtoken');\nconst s = `never closed ${jwt.verify(a, b)}\n",
    );
    scan(dir.path());
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_to_parents() {
    let dir = with_neighbour();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::os::unix::fs::symlink("../..", dir.path().join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("loop2", dir.path().join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", dir.path().join("loop2")).unwrap();
    let (report, stderr) = scan(dir.path());
    // Links are not followed in a walk: no loop to fall into, and the
    // neighbour is reported once, not once per path that leads to it.
    let count = report["findings"].as_array().unwrap().len();
    assert_eq!(count, 1, "{report}");
    assert!(!stderr.contains("warning"), "{stderr}");

    // Named on the command line, the loop is a warning, and a link to a
    // parent does not make the files below it count twice.
    let (report, stderr) = scan_with(dir.path(), &["loop1", "a/b/up", "neighbour.js"]);
    assert!(stderr.contains("warning: loop1: "), "{stderr}");
    let count = report["findings"].as_array().unwrap().len();
    assert_eq!(count, 1, "{report}");
}

#[cfg(unix)]
#[test]
fn odd_file_names_and_empty_files() {
    use std::os::unix::ffi::OsStrExt;
    let dir = with_neighbour();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.js");
    std::fs::write(dir.path().join(name), FINDING).unwrap();
    write(dir.path(), "with space é.js", FINDING);
    write(dir.path(), "empty.js", "");
    write(dir.path(), "empty.rs", "");
    let (report, _) = scan(dir.path());
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"with space é.js"), "{paths:?}");
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("bad") && p.ends_with("name.js")),
        "{paths:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = with_neighbour();
    write(dir.path(), "secret.js", FINDING);
    let path = dir.path().join("secret.js");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything; the case only holds for other users.
    if std::fs::read(&path).is_ok() {
        return;
    }
    let (_, stderr) = scan(dir.path());
    assert!(stderr.contains("secret.js: cannot read"), "{stderr}");
}

/// A 20 MB bundle on one line is skipped by size by default, and skipped
/// as minified under a larger limit; both skips are listed with the file
/// and the reason.
#[test]
fn twenty_megabyte_minified_bundle() {
    let dir = with_neighbour();
    let unit = "var a=function(b){return jwt.verify(b,k)},c=[1,2,3].map(function(d){return d*2});";
    let mut bundle = String::from("var jwt=require('jsonwebtoken');");
    while bundle.len() < 20 * 1024 * 1024 {
        bundle.push_str(unit);
    }
    write(dir.path(), "bundle.js", &bundle);

    let (report, _) = scan(dir.path());
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["path"], "bundle.js", "{report}");
    assert_eq!(
        skipped["reason"], "larger than the size limit (4 MiB)",
        "{report}"
    );

    let (report, _) = scan_with(dir.path(), &["--max-file-size", "32M"]);
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["path"], "bundle.js", "{report}");
    let reason = skipped["reason"].as_str().unwrap();
    assert!(reason.starts_with("minified"), "{reason}");
}

/// A file deleted between the walk and the read: the walk's list is built,
/// the file removed, then the list scanned, so the race happens every time.
#[test]
fn file_that_disappears_between_walk_and_read() {
    use authlint::discover::{self, WalkOptions};
    use authlint::scan::{self, ScanOptions};

    let dir = with_neighbour();
    write(dir.path(), "gone.js", FINDING);
    let options = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        jobs: Some(1),
        ..ScanOptions::default()
    };
    let walk = WalkOptions {
        include_default_excluded: false,
        threads: 1,
    };
    let (candidates, walk_errors) = discover::collect_files(&options.paths, &walk);
    assert!(walk_errors.is_empty());
    assert_eq!(candidates.len(), 2);
    std::fs::remove_file(dir.path().join("gone.js")).unwrap();

    let started = std::time::Instant::now();
    let result = scan::scan_candidates(candidates, Vec::new(), &options, started).unwrap();
    let rules: Vec<(&str, &str)> = result
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.rule.id))
        .collect();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert!(rules[0].0.ends_with("neighbour.js"), "{rules:?}");
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    let error = &result.errors[0];
    assert!(error.path.ends_with("gone.js"), "{error:?}");
    assert_eq!(
        error.message,
        "cannot read: the file disappeared after the walk found it"
    );
    assert!(!error.internal);
}

/// Runs the binary with one rule made to panic on every file it checks.
fn scan_with_panicking_rule(dir: &Path, rule: &str, strict: bool) -> std::process::Output {
    let mut command = Command::cargo_bin("authlint").unwrap();
    command
        .current_dir(dir)
        .env(authlint::scan::PANIC_RULE_VARIABLE, rule)
        .args(["scan", "--format", "json"]);
    if strict {
        command.arg("--strict");
    }
    command.output().unwrap()
}

/// A panic in one rule costs that rule's findings on that file, names the
/// rule and the file, and leaves every other rule's findings in place.
#[test]
fn a_panicking_rule_is_contained_and_named() {
    let dir = with_neighbour();
    // Two rules flag this file: the panicking one and another.
    write(
        dir.path(),
        "two.js",
        "const jwt = require('jsonwebtoken');\nconst t = jwt.sign({}, 'hunter2-secret-value');\nmodule.exports = (x) => jwt.verify(x, k);\n",
    );
    let output = scan_with_panicking_rule(dir.path(), "jwt/missing-algorithms", false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for file in ["neighbour.js", "two.js"] {
        let warning =
            format!("authlint: warning: {file}: internal error in rule `jwt/missing-algorithms`");
        assert!(stderr.contains(&warning), "{stderr}");
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert!(
        rules.contains(&("two.js", "jwt/hardcoded-secret")),
        "{rules:?}"
    );
    assert!(
        !rules
            .iter()
            .any(|(_, rule)| *rule == "jwt/missing-algorithms"),
        "{rules:?}"
    );
}

/// `--strict` turns an internal error into exit 2, the report still
/// written; files that are merely bad do not trip it.
#[test]
fn strict_fails_on_internal_errors_only() {
    let dir = with_neighbour();
    write(dir.path(), "noise.js", b"\0\x01\x02 not text");
    write(
        dir.path(),
        "broken.rs",
        "use jsonwebtoken::decode;\nfn main( {",
    );
    let output = scan_with_panicking_rule(dir.path(), "jwt/missing-algorithms", true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--strict"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["findings"].is_array(), "{report}");

    let (_, stderr) = scan_with(dir.path(), &["--strict"]);
    assert!(stderr.contains("noise.js: binary content"), "{stderr}");
    assert!(stderr.contains("broken.rs: not analysed"), "{stderr}");
}
