//! `secret/known-key`: a credential in a provider's format, a private key,
//! a signed JWT, or a random-looking value under a secret-named key of a
//! configuration file, in any text file.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::providers::Found;
use super::{config_values, providers};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Checks, Rule};
use crate::source::{LanguageFamily, SourceFile, TextFormat};

pub static RULE: Rule = Rule {
    id: "secret/known-key",
    severity: Severity::Critical,
    languages: &[LanguageFamily::Any],
    summary: "Provider key, private key or signed token in a file",
    docs: DOCS,
    cwe: &[798],
    owasp: &["API2:2023"],
    soc2: &["CC6.1"],
    pci_dss: &["8.6.2", "3.6.1"],
    // The rule runs its own keyword pass (one Aho-Corasick scan), which is
    // as cheap as the shared prefilter would be and knows which detector
    // each keyword belongs to.
    triggers: &[],
    checks: Checks {
        text: Some(check_text),
        ..Checks::NONE
    },
};

const DOCS: &str = r#"
## What it does
Flags credentials that identify themselves, in any text file that is not
binary: source code, `.env` files, JSON, YAML, TOML, INI and properties
files, Dockerfiles, CI definitions, documentation. It knows AWS access key
IDs and secret access keys, GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`,
`ghr_`, `github_pat_`), GitLab tokens (`glpat-` and the other `gl*-`
prefixes), Slack tokens and webhook URLs, Stripe live secret and restricted
keys, Google API keys and OAuth client secrets, npm tokens (and
`_authToken=` in `.npmrc`), SendGrid keys, Twilio auth tokens and API keys,
OpenAI and Anthropic keys, PEM private key blocks (RSA, EC, DSA, OpenSSH,
PGP, PKCS#8, encrypted) whose body decodes to a whole key, and JWTs with a
header, a payload and a real signature.

In configuration files it also flags the value of a secret-named key
(`DB_PASSWORD=`, `client_secret:`, `"apiKey":`) when the value looks random
(at least 8 characters and 3 bits of entropy per character, not a
placeholder or a reference such as `${DB_PASSWORD}`), and connection URLs
with an inline password (`DATABASE_URL=postgres://app:...@db/app`).

Documented example values (AWS's `AKIAIOSFODNN7EXAMPLE`, jwt.io's token),
placeholders (`ghp_xxxx...`), sequences, truncated key examples and
Supabase's public `anon` keys are not reported, and neither are JWTs in
documentation (Markdown, reStructuredText, AsciiDoc), where they are
examples of what a library returns. Lock files and minified
bundles are skipped by the scan (with a note in `--stats` and the JSON
report).

## Why is this bad
A committed key is a leaked key: everyone with read access to the
repository, its forks, CI logs and every clone has it, and it stays in the
history after the line is deleted. Automated scrapers find AWS and GitHub
keys in public repositories within minutes.

## Example
```sh
# .env.production (committed)
STRIPE_SECRET_KEY=sk_live_...
DATABASE_URL=postgres://app:...@db.internal/app
```

## Use instead
```sh
# .env.production (committed): references only
STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}
DATABASE_URL=${DATABASE_URL}
```
Keep values in a secret manager or in the deployment's environment, revoke
the exposed key at the provider first, then remove it from the history.

## Known problems
Formats without a prefix (Twilio auth tokens, generic 40-character AWS
secrets) are only found next to a telling key name. Keys split across
several string literals are not reassembled, except PEM blocks. Test keys
in test suites are reported like any other key. Firebase web API keys
(`AIza...`) are public by design but look like other Google API keys and
are reported. A JWT is reported whatever its expiry.

## References
- CWE-798: Use of Hard-coded Credentials
- OWASP API Security Top 10 2023, API2: Broken Authentication
- PCI DSS v4.0.1 requirements 8.6.2 and 3.6.1
"#;

fn check_text(source: &SourceFile, out: &mut Vec<Diagnostic>) {
    let mut found = providers::find(&source.text, is_documentation(&source.path));
    let format = TextFormat::of_path(&source.path);
    if format.is_config() && mentions_config_secret(&source.text) {
        // A provider match is more specific than a generic one on the
        // same value.
        for generic in config_values::find(&source.text, format) {
            let overlaps = found
                .iter()
                .any(|f| f.range.start < generic.range.end && generic.range.start < f.range.end);
            if !overlaps {
                found.push(generic);
            }
        }
    }
    for Found {
        range,
        secret,
        what,
        fix,
    } in found
    {
        let message = format!("hardcoded {what}");
        out.push(Diagnostic::new(&RULE, range, message, fix).with_secret(secret));
    }
}

/// Markdown, `reStructuredText` and `AsciiDoc`: prose with examples.
fn is_documentation(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["md", "markdown", "mdx", "rst", "adoc"]
            .iter()
            .any(|d| e.eq_ignore_ascii_case(d))
    })
}

fn mentions_config_secret(text: &str) -> bool {
    static KEYWORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(config_values::KEYWORDS)
            .expect("keywords are plain literals")
    });
    KEYWORDS.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_lowercase() {
        for keyword in providers::keywords().chain(config_values::KEYWORDS.iter().copied()) {
            assert_eq!(keyword, keyword.to_ascii_lowercase(), "{keyword}");
        }
    }
}
