//! The fixture harness. Every file under `tests/fixtures/` is scanned with
//! all rules, and its annotations are checked. An annotation sits on the line
//! before a statement and covers the lines up to the next blank line or
//! annotation:
//!
//! - `// expect: RULE` — the statement must be flagged by RULE;
//! - `// ok: RULE` — it must not be;
//! - `// todo-expect: RULE` — a known miss: it is not flagged yet;
//! - `// todo-ok: RULE` — a known false alarm: it is flagged still.
//!
//! Several rules may be comma-separated. YAML-style `#` comments work too.
//! Any finding in a fixture that no annotation expects fails the test, so
//! fixtures also guard against noise from every other rule.
//!
//! A directory holding an `authlint.toml` is a project fixture: it is
//! scanned as a whole, as `authlint scan DIR` would, with that
//! configuration, so that findings which depend on other files (a router
//! mounted in another file, a global guard in another module) are checked
//! on each file's annotations all the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use authlint::finding::Finding;
use authlint::rules;
use authlint::scan::{ScanOptions, scan, scan_file_text};
use authlint::source::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Expect,
    Ok,
    TodoExpect,
    TodoOk,
}

#[derive(Debug)]
struct Annotation {
    kind: Kind,
    rule: String,
    /// 1-based line of the annotation itself.
    line: usize,
    /// The lines it covers, inclusive.
    covers: (usize, usize),
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path
                .extension()
                .is_some_and(|e| e == "expect" || e == "snap")
            {
                // Every file is a fixture: code, config and contracts alike;
                // `.expect` side files carry the expectations of JSON ones.
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_annotation(line: &str) -> bool {
    let trimmed = line.trim_start();
    let body = trimmed
        .strip_prefix("//")
        .or_else(|| trimmed.strip_prefix('#'))
        .map(str::trim_start);
    body.is_some_and(|b| {
        ["expect:", "ok:", "todo-expect:", "todo-ok:"]
            .iter()
            .any(|p| b.starts_with(p))
    })
}

fn parse_annotations(text: &str) -> Vec<Annotation> {
    let lines: Vec<&str> = text.lines().collect();
    let mut annotations = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let body = trimmed
            .strip_prefix("//")
            .or_else(|| trimmed.strip_prefix('#'))
            .map(str::trim_start);
        let Some(body) = body else { continue };
        let (kind, rest) = if let Some(rest) = body.strip_prefix("todo-expect:") {
            (Kind::TodoExpect, rest)
        } else if let Some(rest) = body.strip_prefix("todo-ok:") {
            (Kind::TodoOk, rest)
        } else if let Some(rest) = body.strip_prefix("expect:") {
            (Kind::Expect, rest)
        } else if let Some(rest) = body.strip_prefix("ok:") {
            (Kind::Ok, rest)
        } else {
            continue;
        };
        // Annotations may stack; they all cover the statement below them.
        let mut first = index + 1;
        while first < lines.len() && is_annotation(lines[first]) {
            first += 1;
        }
        let start = first + 1;
        let mut end = first;
        while end < lines.len() {
            let next = lines[end];
            if next.trim().is_empty() || is_annotation(next) {
                break;
            }
            end += 1;
        }
        for rule in rest.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            annotations.push(Annotation {
                kind,
                rule: rule.to_string(),
                line: index + 1,
                covers: (start, end.max(start)),
            });
        }
    }
    annotations
}

/// A fixture's annotations: from its side file `NAME.expect` when it has
/// one (JSON has no comments), otherwise from its comments. Each line of a
/// side file is `LINE RULE` (an `expect`) or `LINE KIND: RULE`, and covers
/// that line only; `#` starts a comment.
fn annotations_of(path: &Path, text: &str) -> Vec<Annotation> {
    let mut side = path.as_os_str().to_owned();
    side.push(".expect");
    let Ok(side) = std::fs::read_to_string(side) else {
        return parse_annotations(text);
    };
    let mut annotations = Vec::new();
    for line in side.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (number, rest) = line.split_once(' ').expect("`LINE RULE` in a side file");
        let number: usize = number.parse().expect("a line number in a side file");
        let rest = rest.trim();
        let (kind, rules) = match rest.split_once(':') {
            Some(("expect", rules)) => (Kind::Expect, rules),
            Some(("ok", rules)) => (Kind::Ok, rules),
            Some(("todo-expect", rules)) => (Kind::TodoExpect, rules),
            Some(("todo-ok", rules)) => (Kind::TodoOk, rules),
            _ => (Kind::Expect, rest),
        };
        for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            annotations.push(Annotation {
                kind,
                rule: rule.to_string(),
                line: number,
                covers: (number, number),
            });
        }
    }
    annotations
}

/// The project fixture a file belongs to: the nearest directory up to
/// `tests/fixtures` that holds an `authlint.toml`.
fn project_of(path: &Path) -> Option<PathBuf> {
    let root = fixtures_dir();
    let mut dir = path.parent()?;
    while dir.starts_with(&root) && dir != root {
        if dir.join("authlint.toml").is_file() {
            return Some(dir.to_path_buf());
        }
        dir = dir.parent()?;
    }
    None
}

/// The findings of a project fixture in one of its files, from a scan of
/// the whole project.
fn scan_project_file(project: &Path, path: &Path, display: &str, prefilter: bool) -> Vec<Finding> {
    let config = authlint::config::load(&project.join("authlint.toml"))
        .unwrap_or_else(|error| panic!("{}: {error}", project.display()));
    let options = ScanOptions {
        paths: vec![project.to_path_buf()],
        no_prefilter: !prefilter,
        config,
        ..ScanOptions::default()
    };
    let result = scan(&options).unwrap_or_else(|error| panic!("{display}: {error}"));
    assert!(result.errors.is_empty(), "{display}: {:?}", result.errors);
    let relative = path.strip_prefix(project).unwrap();
    result
        .findings
        .into_iter()
        .filter(|f| Path::new(&f.path).ends_with(relative))
        .map(|mut f| {
            f.path = display.to_string();
            f
        })
        .collect()
}

fn scan_fixture(path: &Path) -> (String, Vec<Finding>) {
    let text = std::fs::read_to_string(path).unwrap();
    let display = path
        .strip_prefix(fixtures_dir())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    if let Some(project) = project_of(path) {
        let findings = scan_project_file(&project, path, &display, true);
        let unfiltered = scan_project_file(&project, path, &display, false);
        let summary = |f: &[Finding]| -> Vec<(usize, usize, &str)> {
            f.iter().map(|f| (f.line, f.column, f.rule.id)).collect()
        };
        assert_eq!(
            summary(&findings),
            summary(&unfiltered),
            "{display}: the prefilter changed the findings"
        );
        return (text, findings);
    }
    // Contracts are read from where they are, so that their relative
    // `$ref`s find the files beside them; other fixtures are scanned under
    // their short name, which no test-path pattern matches.
    let at = if fixture_family(path, &text) == "openapi" {
        path
    } else {
        Path::new(&display)
    };
    let findings = scan_file_text(at, &display, text.clone(), rules::ALL, true)
        .unwrap_or_else(|error| panic!("{display}: {error}"));
    let unfiltered = scan_file_text(at, &display, text.clone(), rules::ALL, false).unwrap();
    let summary = |f: &[Finding]| -> Vec<(usize, usize, &str)> {
        f.iter().map(|f| (f.line, f.column, f.rule.id)).collect()
    };
    assert_eq!(
        summary(&findings),
        summary(&unfiltered),
        "{display}: the prefilter changed the findings"
    );
    (text, findings)
}

#[test]
fn every_fixture_annotation_holds() {
    let mut failures = Vec::new();
    let mut checked = 0;
    // A contract's findings may land in the files it references, which are
    // fixtures of their own: findings are gathered by the path they name.
    let mut by_path: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    let mut texts = Vec::new();
    for path in fixture_files() {
        let (text, findings) = scan_fixture(&path);
        for finding in findings {
            let known = by_path.entry(finding.path.clone()).or_default();
            if !known.iter().any(|f| {
                (f.line, f.column, f.rule.id) == (finding.line, finding.column, finding.rule.id)
            }) {
                known.push(finding);
            }
        }
        texts.push((path, text));
    }
    for (path, text) in &texts {
        let annotations = annotations_of(path, text);
        let name = path
            .strip_prefix(fixtures_dir())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let findings = by_path.remove(&name).unwrap_or_default();
        for annotation in &annotations {
            assert!(
                rules::find(&annotation.rule).is_some(),
                "{name}:{}: unknown rule `{}` in an annotation",
                annotation.line,
                annotation.rule
            );
            let (from, to) = annotation.covers;
            let flagged = findings
                .iter()
                .any(|f| f.rule.id == annotation.rule && (from..=to).contains(&f.line));
            let wanted = matches!(annotation.kind, Kind::Expect | Kind::TodoOk);
            if flagged != wanted {
                let what = match annotation.kind {
                    Kind::Expect => "expected a finding, got none",
                    Kind::Ok => "expected no finding, got one",
                    Kind::TodoExpect => "a known miss is found now: make it `expect`",
                    Kind::TodoOk => "a known false alarm is gone now: make it `ok`",
                };
                failures.push(format!(
                    "{name}:{}: {} — {what}",
                    annotation.line, annotation.rule
                ));
            }
            checked += 1;
        }
        for finding in &findings {
            let covered = annotations.iter().any(|a| {
                a.rule == finding.rule.id
                    && matches!(a.kind, Kind::Expect | Kind::TodoOk)
                    && (a.covers.0..=a.covers.1).contains(&finding.line)
            });
            if !covered {
                failures.push(format!(
                    "{name}:{}: unexpected {} — {}",
                    finding.line, finding.rule.id, finding.message
                ));
            }
        }
    }
    for (path, findings) in by_path {
        for finding in findings {
            failures.push(format!(
                "{path}:{}: {} reported outside the fixtures",
                finding.line, finding.rule.id
            ));
        }
    }
    assert!(checked > 0, "no annotations found under tests/fixtures");
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}

/// The language family whose rules a fixture exercises: a code language,
/// `openapi` for contracts, `any` for other text.
fn fixture_family(path: &Path, text: &str) -> &'static str {
    if let Some(language) = Language::from_path(path) {
        return language.family().name();
    }
    let source = authlint::source::SourceFile::new(
        path.to_path_buf(),
        String::new(),
        text.to_string(),
        Language::of_path(path),
    );
    if authlint::lang::openapi::is_candidate(&source) {
        "openapi"
    } else {
        "any"
    }
}

/// Every rule has, in each language it covers, at least one statement that
/// must be flagged and one that must not.
#[test]
fn every_rule_has_fixtures_that_flag_and_fixtures_that_stay_quiet() {
    let mut seen: BTreeMap<(String, &str, bool), usize> = BTreeMap::new();
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let family = fixture_family(&path, &text);
        for annotation in annotations_of(&path, &text) {
            let positive = match annotation.kind {
                Kind::Expect => true,
                Kind::Ok => false,
                _ => continue,
            };
            *seen.entry((annotation.rule, family, positive)).or_default() += 1;
        }
    }
    let mut missing = Vec::new();
    for rule in rules::ALL {
        for language in rule.languages {
            for positive in [true, false] {
                let key = (rule.id.to_string(), language.name(), positive);
                if !seen.contains_key(&key) {
                    let what = if positive { "expect" } else { "ok" };
                    missing.push(format!(
                        "{} has no `{what}` fixture in {}",
                        rule.id,
                        language.name()
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// What users read: the text report of each rule family's fixtures.
#[test]
fn text_output_snapshots() {
    let mut by_family: BTreeMap<String, String> = BTreeMap::new();
    for path in fixture_files() {
        let relative = path.strip_prefix(fixtures_dir()).unwrap();
        let family = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .to_string();
        let (_, findings) = scan_fixture(&path);
        let result = authlint::scan::ScanResult {
            findings,
            files_scanned: 1,
            ..Default::default()
        };
        let text = authlint::report::text::render(&result, false, true);
        by_family.entry(family).or_default().push_str(&text);
    }
    for (family, text) in by_family {
        insta::assert_snapshot!(format!("text_{family}"), text);
    }
}
