//! Secrets never leave authlint whole. Every fixture with a secret is
//! scanned, the exact ranges the rules marked as secret are collected, and
//! every output format (whatever formats exist: the list comes from the
//! CLI's own enum) must show none of them in full. Also: a secret's
//! fingerprint follows the secret, not the line around it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use authlint::report::{self, Format};
use authlint::rules;
use authlint::scan::{self, ScanOptions, diagnose_text, scan_text};
use clap::ValueEnum;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture trees that hold secrets.
fn secret_fixture_dirs() -> Vec<PathBuf> {
    vec![
        fixtures().join("secret"),
        fixtures().join("jwt/hardcoded-secret"),
    ]
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "expect") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The pieces of a secret that must never appear: the secret itself, and
/// each line of a multi-line one (a PEM body), without the quotes, `\n`
/// escapes and indentation around them. Pieces under eight characters are
/// left out: they also occur in ordinary words of messages.
fn pieces(secret: &str) -> Vec<String> {
    let mut pieces = vec![secret.to_string()];
    for line in secret.split('\n').flat_map(|l| l.split("\\n")) {
        let line = line.trim_matches(|c: char| c.is_whitespace() || "\"'`+,".contains(c));
        pieces.push(line.to_string());
    }
    // PEM armour lines are not secret; examples from the rules' own
    // documentation (`'keyboard cat'`) are printed by formats that embed it.
    pieces.retain(|p| {
        p.chars().count() >= 8
            && !p.starts_with("-----")
            && !rules::ALL.iter().any(|rule| rule.docs.contains(p.as_str()))
    });
    pieces
}

/// The forms a piece takes in the outputs: as is, escaped for JSON, and
/// escaped for XML.
fn spellings(piece: &str) -> Vec<String> {
    let json = serde_json::to_string(piece).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let xml = piece
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    vec![piece.to_string(), json, xml]
}

#[test]
fn no_output_format_prints_a_fixture_secret() {
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    for dir in secret_fixture_dirs() {
        for path in files_under(&dir) {
            let text = std::fs::read_to_string(&path).unwrap();
            let display = path.to_string_lossy().to_string();
            let (source, diagnostics) = diagnose_text(&display, text, rules::ALL)
                .unwrap_or_else(|error| panic!("{display}: {error}"));
            for diagnostic in diagnostics {
                if let Some(range) = diagnostic.secret {
                    secrets.extend(pieces(&source.text[range]));
                }
            }
        }
    }
    assert!(secrets.len() >= 60, "too few secrets found: {secrets:?}");

    let options = ScanOptions {
        paths: secret_fixture_dirs(),
        ..ScanOptions::default()
    };
    let result = scan::scan(&options).unwrap();
    assert!(result.findings.len() >= 60, "{}", result.findings.len());
    let mut outputs: Vec<(String, String)> = Format::value_variants()
        .iter()
        .map(|format| {
            (
                format!("{format:?}"),
                report::render(*format, &result, false, false),
            )
        })
        .collect();
    outputs.push((
        "GitHub step summary".into(),
        report::github::step_summary(&result),
    ));
    let mut leaks = Vec::new();
    for (format, output) in &outputs {
        for secret in &secrets {
            if spellings(secret)
                .iter()
                .any(|s| output.contains(s.as_str()))
            {
                leaks.push(format!("{format}: {secret}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "secrets printed in full:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn a_secret_keeps_its_fingerprint_when_the_code_around_it_changes() {
    let fingerprint = |text: &str| {
        let findings = scan_text("src/partner.js", text.to_string(), rules::ALL, true).unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        findings[0].fingerprint.clone()
    };
    let before = fingerprint("const apiKey = 'f3b8c1d2e4a5968778a9b0c1d2e3f405';\n");
    let moved = fingerprint(
        "// Partner API.\n\nexport const apiKey = 'f3b8c1d2e4a5968778a9b0c1d2e3f405'; // rotate\n",
    );
    let other = fingerprint("const apiKey = 'a0c9e8f7d6b5a4938271605f4e3d2c1b';\n");
    assert_eq!(before, moved);
    assert_ne!(before, other);

    let env = |text: &str| {
        let findings = scan_text("deploy/.env", text.to_string(), rules::ALL, true).unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        findings[0].fingerprint.clone()
    };
    assert_eq!(
        env("STRIPE_SECRET_KEY=sk_live_0tCb27brLe0Vyhlr7HiKRkf3\n"),
        env("# payments\nexport STRIPE_KEY=\"sk_live_0tCb27brLe0Vyhlr7HiKRkf3\"\n"),
    );
}
