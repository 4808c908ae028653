//! The CI formats through the binary: SARIF validated against the official
//! 2.1.0 schema (the copy the `serde-sarif` crate ships, vendored in
//! `tests/schemas/`) plus what GitHub code scanning needs on top, GitHub
//! workflow annotations and the step summary, GitLab Code Quality and
//! `JUnit` XML.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

fn authlint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("authlint").unwrap();
    command
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small service with findings of several severities, a suppressed one,
/// a file that cannot be parsed and a path that needs escaping.
fn service() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "src/auth.js",
        "const jwt = require('jsonwebtoken');\n\
         function verify(req) {\n  return jwt.verify(req.token, process.env.KEY);\n}\n\
         function issue(user) {\n  return jwt.sign({ sub: user.id }, process.env.KEY);\n}\n\
         function internal(req) {\n  // authlint-ignore jwt/missing-algorithms -- gateway token, HS256 only\n  return jwt.verify(req.token, process.env.GATEWAY_KEY);\n}\n\
         module.exports = { verify, issue, internal };\n",
    );
    write(
        dir.path(),
        "src/odd name é.ts",
        "import jwt from 'jsonwebtoken';\nexport const check = (t: string) => jwt.verify(t, process.env.KEY!);\n",
    );
    write(
        dir.path(),
        "src/broken.rs",
        "use jsonwebtoken::decode;\nfn main( {\n",
    );
    dir
}

fn run(dir: &Path, format: &str) -> Output {
    let output = authlint(dir)
        .args(["scan", "--format", format])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The official schema's `language` patterns (of a run and of an artifact)
/// have a stray `]` that ECMAScript reads as a literal only in its legacy
/// mode; the Rust validator refuses to compile them. Escaping that bracket keeps its meaning
/// and leaves the vendored file as published.
const LANGUAGE_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
const LANGUAGE_PATTERN_ESCAPED: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;

fn sarif_schema() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(LANGUAGE_PATTERN).count(),
        2,
        "the schema changed"
    );
    let text = text.replace(LANGUAGE_PATTERN, LANGUAGE_PATTERN_ESCAPED);
    serde_json::from_str(&text).unwrap()
}

fn assert_valid_sarif(log: &serde_json::Value) {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_check_itself_rejects_bad_sarif() {
    let dir = service();
    let mut log = json(&run(dir.path(), "sarif"));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(
        !validator.is_valid(&log),
        "a zero start line passed the schema"
    );
}

#[test]
fn sarif_validates_and_carries_what_github_needs() {
    let dir = service();
    let log = json(&run(dir.path(), "sarif"));
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "authlint");

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 7);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{id}"
        );
        assert!(
            !rule["fullDescription"]["text"].as_str().unwrap().is_empty(),
            "{id}"
        );
        assert!(
            rule["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## What it does"),
            "{id}"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Use instead"),
            "{id}"
        );
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&score), "{id}");
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.len() <= 20, "{id}");
        assert!(tags.contains(&"security".into()), "{id}");
    }
    let verify = rules
        .iter()
        .find(|r| r["id"] == "jwt/missing-algorithms")
        .unwrap();
    let tags = &verify["properties"]["tags"];
    assert!(
        tags.as_array()
            .unwrap()
            .contains(&"external/cwe/cwe-347".into())
    );
    assert!(
        tags.as_array()
            .unwrap()
            .contains(&"external/owasp/api2:2023".into())
    );
    assert_eq!(verify["properties"]["security-severity"], "8.0");
    assert_eq!(verify["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    // The suppressed verify is not a result: GitHub would open an alert.
    let lines: Vec<(&str, u64)> = results
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"].as_str().unwrap(),
                location["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("src/auth.js", 3),
            ("src/auth.js", 6),
            ("src/odd%20name%20%C3%A9.ts", 2)
        ]
    );
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        let fingerprints = result["partialFingerprints"].as_object().unwrap();
        assert_eq!(fingerprints.keys().collect::<Vec<_>>(), ["authlint/v1"]);
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .contains("\nFix: ")
        );
    }
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 1);
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/broken.rs"
    );
}

#[test]
fn sarif_fingerprints_do_not_depend_on_lines() {
    let dir = service();
    let before = json(&run(dir.path(), "sarif"));
    let text = std::fs::read_to_string(dir.path().join("src/auth.js")).unwrap();
    write(
        dir.path(),
        "src/auth.js",
        &format!("// Authentication helpers.\n// Reviewed quarterly.\n\n{text}"),
    );
    let after = json(&run(dir.path(), "sarif"));
    let prints = |log: &serde_json::Value| -> Vec<(u64, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["authlint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let (before, after) = (prints(&before), prints(&after));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.1, a.1, "a fingerprint changed when lines moved");
    }
    assert_eq!(after[0].0, before[0].0 + 3);
}

#[test]
fn sarif_without_findings_still_validates() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.js", "module.exports = 1;\n");
    let output = authlint(dir.path())
        .args(["scan", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let log = json(&output);
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn github_annotations_and_step_summary() {
    let dir = service();
    let runner = TempDir::new().unwrap();
    let summary = runner.path().join("step_summary.md");
    std::fs::write(&summary, "## earlier step\n").unwrap();
    let output = authlint(dir.path())
        .args(["scan", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(
            "::error file=src/auth.js,line=3,endLine=3,col=10,endColumn=48,title=authlint jwt/missing-algorithms (high)::`jwt.verify` accepts any algorithm the token names%0AFix: "
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with("::warning file=src/auth.js,line=6,"),
        "{text}"
    );
    assert!(
        text.contains("::warning file=src/broken.rs,title=authlint could not analyse this file::")
    );
    assert!(
        text.ends_with("authlint: 3 findings in 3 files, 1 suppressed inline, 0 in the baseline\n"),
        "{text}"
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("## earlier step\n## authlint\n"),
        "{written}"
    );
    assert!(
        written.contains("3 findings in 3 files: 2 high, 1 medium."),
        "{written}"
    );
    assert!(
        written.contains("| high | `jwt/missing-algorithms` | `src/auth.js:3` |"),
        "{written}"
    );
    assert!(written.contains("1 suppressed inline"), "{written}");
}

#[test]
fn gitlab_code_quality_issues() {
    let dir = service();
    let issues = json(&run(dir.path(), "gitlab"));
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 3);
    let first = &issues[0];
    assert_eq!(first["type"], "issue");
    assert_eq!(first["check_name"], "jwt/missing-algorithms");
    assert_eq!(first["severity"], "critical");
    assert_eq!(first["location"]["path"], "src/auth.js");
    assert_eq!(first["location"]["lines"]["begin"], 3);
    assert_eq!(issues[1]["severity"], "major");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 3, "fingerprints must be unique");
    for issue in issues {
        assert!(!issue["description"].as_str().unwrap().is_empty());
    }
}

#[test]
fn junit_lists_a_failing_case_per_finding() {
    let dir = service();
    let text = String::from_utf8(run(dir.path(), "junit").stdout).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"authlint\" tests=\"3\" failures=\"3\""));
    assert_eq!(text.matches("<testcase ").count(), 3);
    assert_eq!(text.matches("<failure ").count(), 3);
    assert_eq!(text.matches("</failure>").count(), 3);
    assert!(text.contains("<testcase name=\"jwt/missing-algorithms at src/auth.js:3:10\" classname=\"src/auth.js\" file=\"src/auth.js\" line=\"3\">"));
    // Quotes and angle brackets in messages are escaped.
    assert!(text.contains("{ algorithms: [&apos;RS256&apos;] }"));
    assert!(text.contains("<system-err>src/broken.rs: "));
    assert!(text.trim_end().ends_with("</testsuites>"));

    let clean = TempDir::new().unwrap();
    write(clean.path(), "a.js", "module.exports = 1;\n");
    let output = authlint(clean.path())
        .args(["scan", "--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("tests=\"1\" failures=\"0\""));
    assert!(text.contains("<testcase name=\"no findings in 1 file\" classname=\"authlint\"/>"));
}
