//! `authlint.toml` through the binary: where it is found, what each key
//! does to a scan, and how a mistake in it is reported (exit 2, the key's
//! line and what was probably meant).

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
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

const VULNERABLE: &str = "const jwt = require('jsonwebtoken');\n\
function auth(req) {\n  return jwt.verify(req.token, process.env.KEY);\n}\n\
function issue(user) {\n  return jwt.sign({ sub: user.id }, process.env.KEY);\n}\n";

/// A repository with a service and a configuration at its root.
fn repo(config: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "services/api/src/auth.js", VULNERABLE);
    write(dir.path(), "authlint.toml", config);
    dir
}

fn rules_found(output: &std::process::Output) -> Vec<(String, String)> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The findings of `authlint scan --format json ARGS` run in `dir`.
fn findings(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let output = authlint(dir)
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["findings"].as_array().unwrap().clone()
}

/// The line of each finding.
fn lines(findings: &[serde_json::Value]) -> Vec<u64> {
    findings
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_configuration_is_found_from_the_scanned_path_upward() {
    let dir = repo("[rules]\nignore = [\"jwt/no-expiry\"]\n");
    let api = dir.path().join("services/api");
    // Scanning from a subdirectory, and scanning a subdirectory from the root.
    for (cwd, path) in [(api.as_path(), "src"), (dir.path(), "services/api/src")] {
        let output = authlint(cwd)
            .args(["scan", "--format", "json", path])
            .output()
            .unwrap();
        assert_eq!(
            rules_found(&output),
            [("jwt/missing-algorithms".to_string(), "high".to_string())]
        );
    }
    // A nearer file wins; `.authlint.toml` is found as well.
    write(
        &api,
        ".authlint.toml",
        "[rules]\nselect = [\"jwt/no-expiry\"]\n",
    );
    let output = authlint(dir.path())
        .args(["scan", "--format", "json", "services/api"])
        .output()
        .unwrap();
    assert_eq!(
        rules_found(&output),
        [("jwt/no-expiry".to_string(), "medium".to_string())]
    );
    // `--config` overrides discovery.
    write(dir.path(), "ci/strict.toml", "");
    let output = authlint(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--config",
            "ci/strict.toml",
            "services/api",
        ])
        .output()
        .unwrap();
    assert_eq!(rules_found(&output).len(), 2);
    authlint(dir.path())
        .args(["scan", "--config", "ci/missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = TempDir::new().unwrap();
    write(
        outer.path(),
        "authlint.toml",
        "[rules]\nignore = [\"jwt\"]\n",
    );
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "a.js", VULNERABLE);
    authlint(&repo).arg("scan").assert().code(1);
}

#[test]
fn severities_paths_and_per_path_ignores_apply() {
    let dir = repo(
        r#"
[rules]
severity = { "jwt/no-expiry" = "critical", jwt = "low" }

[paths]
exclude = ["generated"]

[per-path-ignores]
"services/api/scripts/**" = ["jwt/missing-algorithms"]
"#,
    );
    write(dir.path(), "services/api/generated/client.js", VULNERABLE);
    write(dir.path(), "services/api/scripts/seed.js", VULNERABLE);
    let output = authlint(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("services/api/scripts/seed.js", "jwt/no-expiry", "critical"),
            ("services/api/src/auth.js", "jwt/missing-algorithms", "low"),
            ("services/api/src/auth.js", "jwt/no-expiry", "critical"),
        ]
    );
    // Overridden severities decide `--fail-on` too.
    authlint(dir.path())
        .args(["scan", "--fail-on", "critical", "services/api/src"])
        .assert()
        .code(1);
    authlint(dir.path())
        .args(["scan", "--fail-on", "high", "--ignore", "jwt/no-expiry"])
        .assert()
        .code(0);
    // Excluded paths stay excluded when named on the command line.
    authlint(dir.path())
        .args(["scan", "services/api/generated/client.js"])
        .assert()
        .code(0);
}

#[test]
fn command_line_selection_replaces_the_configured_one() {
    let dir = repo("[rules]\nselect = [\"jwt/no-expiry\"]\n");
    let output = authlint(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--select",
            "jwt/missing-algorithms",
        ])
        .output()
        .unwrap();
    assert_eq!(
        rules_found(&output),
        [("jwt/missing-algorithms".to_string(), "high".to_string())]
    );
}

#[test]
fn mistakes_are_exit_two_with_the_line_and_a_suggestion() {
    let dir =
        repo("# authlint settings\n[rules]\nselect = [\"jwt\"]\nignroe = [\"jwt/no-expiry\"]\n");
    authlint(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stdout("")
        .stderr("authlint: authlint.toml:4:1: unknown key `ignroe` in `[rules]`; did you mean `ignore`?\n");

    let dir = repo("[rules]\nselect = [\"jwt/missing-algorithm\"]\n");
    authlint(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "authlint.toml:2:11: unknown rule or family `jwt/missing-algorithm`; did you mean `jwt/missing-algorithms`?",
        ));

    let dir =
        repo("[secrets]\nallowlist = [\"[a-\"]\n[rate-limit]\nlimiters = [\"loginLimiter\"]\n");
    authlint(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "authlint.toml:2:14: bad regular expression",
        ));

    let dir = repo("[openapi]\npublic-paths = [\"/health\"]\npublic_paths = []\n");
    authlint(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "authlint.toml:3:1: unknown key `public_paths` in `[openapi]`; did you mean `public-paths`?",
        ));

    let dir = repo("[rules\n");
    authlint(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("authlint: authlint.toml:1:"));
}

#[test]
fn allowlisted_secret_values_are_not_reported() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let session = "const session = require('express-session');\n\
        const app = require('express')();\n\
        app.use(session({ secret: 'test-fixture-secret', resave: false }));\n\
        app.use(session({ secret: 'keyboard cat', resave: false }));\n";
    write(dir.path(), "src/app.js", session);
    // The session rules also judge these set-ups; only the secrets are the
    // subject here.
    let scan = |dir: &Path| lines(&findings(dir, &["--select", "secret", "src"]));
    assert_eq!(
        scan(dir.path()),
        vec![3, 4],
        "both literals are reported without an allowlist"
    );
    write(
        dir.path(),
        "authlint.toml",
        "[secrets]\nallowlist = [\"^test-[a-z-]+$\"]\n",
    );
    assert_eq!(
        scan(dir.path()),
        vec![4],
        "the allowlisted value is not reported"
    );
}

#[test]
fn public_paths_silence_missing_security_for_those_operations() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let contract = "openapi: 3.0.3\ninfo: {title: Shop, version: '1'}\n\
        components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n\
        paths:\n  /catalogue/items:\n    get:\n      security: []\n      responses: {'200': {description: ok}}\n\
        \x20 /orders:\n    get:\n      security: []\n      responses: {'200': {description: ok}}\n";
    write(dir.path(), "api/openapi.yaml", contract);
    let paths = |dir: &Path| {
        lines(&findings(
            dir,
            &["--select", "openapi/missing-security", "api"],
        ))
    };
    assert_eq!(paths(dir.path()), vec![8, 12], "reported at each `get`");
    write(
        dir.path(),
        "authlint.toml",
        "[openapi]\npublic-paths = [\"/catalogue/**\"]\n",
    );
    assert_eq!(
        paths(dir.path()),
        vec![12],
        "the declared public path is not reported"
    );
}

#[test]
fn a_session_idle_limit_reports_longer_lifetimes_and_library_defaults() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let app = "const session = require('express-session');\n\
        const koaSession = require('koa-session');\n\
        app.use(session({ store, cookie: { secure: true, maxAge: 8 * 60 * 60 * 1000 } }));\n\
        app.use(session({ store, cookie: { secure: true, maxAge: 15 * 60 * 1000 } }));\n\
        koa.use(koaSession({ rolling: true }, koa));\n";
    write(dir.path(), "src/app.js", app);
    let service = "use actix_session::SessionMiddleware;\n\
        use tower_sessions::{Expiry, SessionManagerLayer};\n\
        fn layers(store: S, key: K) {\n\
            let a = SessionManagerLayer::new(store).with_expiry(Expiry::OnInactivity(Duration::hours(2)));\n\
            let b = SessionManagerLayer::new(store).with_expiry(Expiry::OnInactivity(Duration::minutes(10)));\n\
            let c = SessionMiddleware::builder(store, key).build();\n\
        }\n";
    write(dir.path(), "src/service.rs", service);
    let scan = |dir: &Path| {
        findings(dir, &["--select", "session/no-idle-timeout", "src"])
            .iter()
            .map(|f| {
                format!(
                    "{}:{}",
                    f["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                    f["line"]
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(
        scan(dir.path()).is_empty(),
        "without a limit, set lifetimes and library defaults are not judged"
    );
    write(
        dir.path(),
        "authlint.toml",
        "[session]\nmax-idle-minutes = 15\n",
    );
    assert_eq!(
        scan(dir.path()),
        ["app.js:3", "app.js:5", "service.rs:4", "service.rs:6"],
        "eight hours, koa-session's and actix-session's one-day defaults and two hours exceed 15 minutes"
    );
}

#[test]
fn an_openapi_allow_entry_silences_the_finding_its_pointer_names_only() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let contract = "{\n\"openapi\": \"3.1.0\",\n\"components\": {\"securitySchemes\": {\"b\": {\"type\": \"http\", \"scheme\": \"bearer\"}}},\n\
        \"paths\": {\n\"/metrics\": {\"get\": {\"security\": []}},\n\"/orders\": {\"get\": {\"security\": []}}\n}\n}\n";
    write(dir.path(), "api/openapi.json", contract);
    write(
        dir.path(),
        "authlint.toml",
        "[[openapi.allow]]\nfile = \"api/openapi.json\"\npointer = \"/paths/~1metrics/get\"\n\
         rules = [\"openapi/missing-security\"]\nreason = \"scraped by Prometheus inside the cluster\"\n",
    );
    let output = authlint(dir.path())
        .args(["scan", "--format", "json", "api"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let lines = |key: &str| -> Vec<u64> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines("findings"), vec![6], "`/orders` is still reported");
    assert_eq!(lines("suppressed"), vec![5], "`/metrics` is accepted");
    let reason = report["suppressed"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("scraped by Prometheus"), "{reason}");
}
