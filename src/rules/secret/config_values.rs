//! Secrets in configuration files that follow no provider format: the
//! value of a secret-named key (`DB_PASSWORD=`, `client_secret:`,
//! `"apiKey":`) when it looks random, and connection URLs with an inline
//! password under any key. Keys and values are read line by line in the
//! syntax of each format (`.env`, YAML, TOML, INI, properties, Dockerfile
//! `ENV`), and by a pattern over the whole text in JSON.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::names::{self, SecretName};
use super::providers::Found;
use super::values;
use crate::source::TextFormat;

/// Values of secret-named keys shorter than this, or with less entropy per
/// character, are reported by nobody: they are placeholders, flags and
/// local defaults far more often than credentials.
const MIN_CHARS: usize = 8;
const MIN_ENTROPY: f64 = 3.0;

const FIX: &str = "move the value to a secret manager or an untracked file read at start-up, reference it (`${DB_PASSWORD}`), and rotate the committed value";

/// Words one of which a file must contain for anything here to match.
pub const KEYWORDS: &[&str] = &["pass", "pwd", "secret", "token", "key", "credential", "://"];

pub fn find(text: &str, format: TextFormat) -> Vec<Found> {
    let mut found = Vec::new();
    if format == TextFormat::Json {
        for captures in JSON_PAIR.captures_iter(text) {
            let (Some(key), Some(value)) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            check(key.as_str(), text, value.range(), &mut found);
        }
        return found;
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some((key, value)) = pair(content, format) {
            let value = offset + value.start..offset + value.end;
            check(key, text, value, &mut found);
        }
        offset += line.len();
    }
    found
}

static JSON_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""((?:[^"\\\n]|\\.){1,200})"\s*:\s*"((?:[^"\\\n]|\\.){0,2000})""#)
        .expect("JSON pair pattern compiles")
});

static ENV_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=(.*)$").expect("env pattern")
});
static DOCKER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?i:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s*=|\s+)(.*)$")
        .expect("Dockerfile pattern")
});
static INI_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([^\s=#;\[][^=]*?)\s*=(.*)$").expect("INI pattern"));
static PROPERTIES_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([^\s=:#!][^=:]*?)\s*[=:](.*)$").expect("properties pattern")
});
static TOML_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*([A-Za-z0-9_\-."']+)\s*=(.*)$"#).expect("TOML pattern"));
static YAML_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:-\s+)?([A-Za-z0-9_\-."'/]+)\s*:(?:\s+(.*))?$"#).expect("YAML pattern")
});
/// `- DB_PASSWORD=...` in a YAML list (Compose `environment:`).
static YAML_ENV_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*-\s+["']?([A-Za-z_][A-Za-z0-9_]*)=(.*?)["']?\s*$"#).expect("YAML env item")
});

/// The key of a line and the range of its value within the line.
fn pair(line: &str, format: TextFormat) -> Option<(&str, Range<usize>)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") && format != TextFormat::Ini {
        return None;
    }
    let captures = match format {
        TextFormat::Env => ENV_LINE.captures(line),
        TextFormat::Dockerfile => DOCKER_LINE.captures(line),
        TextFormat::Ini => INI_LINE.captures(line),
        TextFormat::Properties => PROPERTIES_LINE.captures(line),
        TextFormat::Toml => TOML_LINE.captures(line),
        TextFormat::Yaml => YAML_ENV_ITEM
            .captures(line)
            .or_else(|| YAML_LINE.captures(line)),
        _ => None,
    }?;
    let key = captures.get(1)?;
    let raw = captures.get(2)?;
    let value = value_range(line, raw.range(), format)?;
    let key = key.as_str().trim_matches(['"', '\'']);
    Some((key, value))
}

/// The value without quotes, and without a trailing comment when unquoted.
/// Block scalars, anchors, tags and inline collections are not values.
fn value_range(line: &str, raw: Range<usize>, format: TextFormat) -> Option<Range<usize>> {
    let text = &line[raw.clone()];
    let leading = text.len() - text.trim_start().len();
    let start = raw.start + leading;
    let text = text.trim_start();
    let first = text.chars().next()?;
    if matches!(first, '"' | '\'') {
        let close = text[1..].find(first)? + 1;
        return Some(start + 1..start + close);
    }
    if format == TextFormat::Yaml && matches!(first, '|' | '>' | '&' | '*' | '!') {
        return None;
    }
    if matches!(first, '{' | '[') {
        // An inline table, array or flow collection: not one value.
        return None;
    }
    let end = if matches!(format, TextFormat::Properties) {
        text.len()
    } else {
        text.find(" #").unwrap_or(text.len())
    };
    let value = text[..end].trim_end();
    (!value.is_empty()).then(|| start..start + value.len())
}

fn check(key: &str, text: &str, value: Range<usize>, found: &mut Vec<Found>) {
    let written = &text[value.clone()];
    for credentials in values::url_credentials(written) {
        let scheme = credentials.scheme.as_str();
        let password = &written[credentials.password.clone()];
        // Web URLs carry user info in documentation and parser tests far
        // more often than in configuration: only a random-looking password.
        let plausible = if values::SERVICE_SCHEMES.contains(&scheme) {
            values::plausible_url_password(password, &credentials.user)
        } else {
            matches!(scheme, "http" | "https")
                && !password.contains(['[', ']', '?', '#', '\\'])
                && random_looking(password, key)
        };
        if plausible {
            found.push(Found {
                range: value.clone(),
                secret: value.start + credentials.password.start
                    ..value.start + credentials.password.end,
                what: format!("`{scheme}` URL with an inline password"),
                fix: FIX,
            });
        }
    }
    // URLs were judged above, tokens by their own detector.
    if written.contains("://") || written.starts_with("eyJ") {
        return;
    }
    let named = match names::classify(key) {
        SecretName::Yes | SecretName::Pass => true,
        SecretName::No => false,
    };
    if named && random_looking(written, key) {
        found.push(Found {
            range: value.clone(),
            secret: value,
            what: format!("secret in configuration key `{key}` (a random-looking value)"),
            fix: FIX,
        });
    }
}

/// Long enough, varied enough and not a placeholder, reference or label.
fn random_looking(value: &str, key: &str) -> bool {
    value.chars().count() >= MIN_CHARS
        && values::shannon_entropy(value) >= MIN_ENTROPY
        && values::plausible_named_secret(value, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(text: &str, format: TextFormat) -> Vec<String> {
        find(text, format)
            .into_iter()
            .map(|f| text[f.secret].to_string())
            .collect()
    }

    #[test]
    fn values_are_read_in_each_syntax() {
        let env = "# local\nexport DB_PASSWORD=\"q7Rf2kLm9Xz\"\nDEBUG=true\nAPI_KEY=${API_KEY}\n";
        assert_eq!(secrets(env, TextFormat::Env), ["q7Rf2kLm9Xz"]);
        let yaml = "db:\n  password: q7Rf2kLm9Xz # prod\n  user: app\n";
        assert_eq!(secrets(yaml, TextFormat::Yaml), ["q7Rf2kLm9Xz"]);
        let compose = "environment:\n  - POSTGRES_PASSWORD=q7Rf2kLm9Xz\n";
        assert_eq!(secrets(compose, TextFormat::Yaml), ["q7Rf2kLm9Xz"]);
        let toml = "[db]\npassword = 'q7Rf2kLm9Xz'\n";
        assert_eq!(secrets(toml, TextFormat::Toml), ["q7Rf2kLm9Xz"]);
        let json = r#"{"clientSecret": "q7Rf2kLm9Xz", "clientId": "q7Rf2kLm9Xz"}"#;
        assert_eq!(secrets(json, TextFormat::Json), ["q7Rf2kLm9Xz"]);
        let docker = "ENV API_TOKEN=q7Rf2kLm9Xz\n";
        assert_eq!(secrets(docker, TextFormat::Dockerfile), ["q7Rf2kLm9Xz"]);
        let url = "DATABASE_URL=postgres://app:q7Rf2kLm9Xz@db:5432/app\n";
        assert_eq!(secrets(url, TextFormat::Env), ["q7Rf2kLm9Xz"]);
    }

    #[test]
    fn low_entropy_and_placeholders_are_not_reported() {
        let env = "PASSWORD=changeme\nSECRET=aaaaaaaaaaaa\nTOKEN=<your-token>\nAPI_KEY=\n";
        assert!(secrets(env, TextFormat::Env).is_empty());
    }
}
