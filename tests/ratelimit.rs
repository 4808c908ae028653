//! The rate-limit rules through the binary, where the project matters: a
//! limiter named in `authlint.toml`, and scans of a few files (named on the
//! command line or staged) that still see mounts made in files outside the
//! scan.

use std::path::Path;
use std::process::Command as Process;

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

/// `(path, line, message)` of every rate-limit finding of a JSON report.
fn findings(output: &std::process::Output) -> Vec<(String, u64, String)> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("ratelimit/"))
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const APP: &str = "const express = require('express');\n\
const { guard } = require('./guard');\n\
const authRouter = require('./routes/auth');\n\
const app = express();\n\
app.use('/auth', guard, authRouter);\n\
module.exports = app;\n";

const AUTH_ROUTER: &str = "const router = require('express').Router();\n\
router.post('/login', (req, res) => res.json({}));\n\
module.exports = router;\n";

/// The team's own limiter: its name says nothing about limits.
const GUARD: &str = "exports.guard = async (req, res, next) => next();\n";

fn project(config: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "authlint.toml", config);
    write(dir.path(), "app.js", APP);
    write(dir.path(), "routes/auth.js", AUTH_ROUTER);
    write(dir.path(), "guard.js", GUARD);
    dir
}

#[test]
fn a_limiter_named_in_the_configuration_silences_its_routes() {
    let dir = project("");
    let output = authlint(dir.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    let found = findings(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "routes/auth.js");
    assert!(found[0].2.contains("`POST /auth/login`"), "{found:?}");

    let dir = project("[rate-limit]\nlimiters = [\"guard\"]\n");
    let output = authlint(dir.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(findings(&output), []);
}

/// The pre-commit case: only the router file is scanned, and the mount in
/// `app.js` (not scanned, not reported on) still decides.
#[test]
fn a_scan_of_one_file_resolves_mounts_from_the_rest_of_the_project() {
    let dir = project("[rate-limit]\nlimiters = [\"guard\"]\n");
    let output = authlint(dir.path())
        .args(["scan", "routes/auth.js", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(findings(&output), []);

    write(
        dir.path(),
        "app.js",
        &APP.replace(
            "module.exports",
            "app.use('/admin', authRouter);\nmodule.exports",
        ),
    );
    let output = authlint(dir.path())
        .args(["scan", "routes/auth.js", "--format", "json"])
        .output()
        .unwrap();
    let found = findings(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("`POST /admin/login`"), "{found:?}");
    assert!(found[0].2.contains("mounted from `app.js`"), "{found:?}");

    // Findings only for the scanned files: `app.js` holds none here, and
    // a route registered in it is not reported when it is not scanned.
    write(
        dir.path(),
        "app.js",
        &APP.replace(
            "module.exports",
            "app.post('/signin', (req, res) => res.json({}));\nmodule.exports",
        ),
    );
    let output = authlint(dir.path())
        .args(["scan", "routes/auth.js", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(findings(&output), []);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// `--staged` reads the staged router, and the work tree's `app.js` for
/// the mount.
#[test]
fn a_staged_scan_sees_mounts_in_unstaged_files() {
    let dir = TempDir::new().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "app.js", APP);
    write(dir.path(), "guard.js", GUARD);
    write(dir.path(), "routes/auth.js", AUTH_ROUTER);
    git(dir.path(), &["add", "routes/auth.js"]);
    let output = authlint(dir.path())
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    let found = findings(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("`POST /auth/login`"), "{found:?}");

    write(
        dir.path(),
        "authlint.toml",
        "[rate-limit]\nlimiters = [\"guard\"]\n",
    );
    let output = authlint(dir.path())
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(findings(&output), []);
}

/// A scan of one file follows mounts over several files: `app.js` mounts
/// `api/index.js` (imported as `./api`), which mounts the scanned router,
/// and the limiter sits on the first mount.
#[test]
fn a_scan_of_one_file_follows_mounts_over_several_files() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "app.js",
        "const express = require('express');\n\
         const rateLimit = require('express-rate-limit');\n\
         const api = require('./api');\n\
         const app = express();\n\
         app.use('/v1', rateLimit({ windowMs: 60000, limit: 5 }), api);\n\
         app.use('/v2', api);\n",
    );
    write(
        dir.path(),
        "api/index.js",
        "const { Router } = require('express');\n\
         const { sessions } = require('./sessions');\n\
         const api = Router();\n\
         api.use('/sessions', sessions);\n\
         module.exports = api;\n",
    );
    write(
        dir.path(),
        "api/sessions.js",
        "const express = require('express');\n\
         const sessions = express.Router();\n\
         sessions.post('/', (req, res) => res.json({}));\n\
         module.exports = { sessions };\n",
    );
    let output = authlint(dir.path())
        .args(["scan", "api/sessions.js", "--format", "json"])
        .output()
        .unwrap();
    let found = findings(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "api/sessions.js");
    assert!(found[0].2.contains("`POST /v2/sessions`"), "{found:?}");
}

/// A test that mounts a router without its limiter (to call it directly)
/// is not a way into the application.
#[test]
fn test_code_neither_mounts_nor_is_reported() {
    let dir = project("[rate-limit]\nlimiters = [\"guard\"]\n");
    write(
        dir.path(),
        "test/auth.test.js",
        "const express = require('express');\n\
         const authRouter = require('../routes/auth');\n\
         const app = express();\n\
         app.use(authRouter);\n\
         app.post('/test-login', (req, res) => res.end());\n",
    );
    let output = authlint(dir.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(findings(&output), []);
}
