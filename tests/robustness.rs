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
    let output = Command::cargo_bin("authlint")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
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
    let (_, stderr) = scan(dir.path());
    assert!(stderr.contains("noise.js"), "{stderr}");
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
    let (report, _) = scan(dir.path());
    // The neighbour is reported once, not once per path that leads to it.
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
