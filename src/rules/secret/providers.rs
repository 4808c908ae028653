//! Credential formats that identify themselves: provider keys with a fixed
//! prefix (AWS, GitHub, GitLab, Slack, Stripe, Google, npm, `SendGrid`,
//! Twilio, `OpenAI`, Anthropic), PEM private key blocks and signed JWTs. One
//! Aho-Corasick pass over the text finds the keywords; only the detectors
//! whose keyword occurs run their regular expression, so a file with none
//! costs one linear scan.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::values;

/// A credential found in a text.
#[derive(Debug, Clone)]
pub struct Found {
    /// What to underline: the token, the whole PEM block, the webhook URL.
    pub range: Range<usize>,
    /// The part to mask (and to fingerprint).
    pub secret: Range<usize>,
    /// What it is, lowercase, for the message: "GitHub token".
    pub what: String,
    pub fix: &'static str,
}

/// How a detector finds its credential once its keyword occurs.
enum Find {
    /// A regular expression; the secret is capture group 1 if there is
    /// one, else the whole match. The check judges the secret.
    Pattern {
        pattern: &'static str,
        check: fn(&str) -> bool,
    },
    /// Like `Pattern`, but the whole match is underlined (a webhook URL),
    /// not only the secret in it.
    WholeMatch {
        pattern: &'static str,
        check: fn(&str) -> bool,
    },
    PemBlock,
    Jwt,
}

struct Detector {
    what: &'static str,
    /// Lowercase; matched ASCII case-insensitively.
    keywords: &'static [&'static str],
    find: Find,
    fix: &'static str,
}

static DETECTORS: &[Detector] = &[
    Detector {
        what: "AWS access key ID",
        keywords: &["akia", "asia", "abia", "acca"],
        find: Find::Pattern {
            pattern: r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
            check: |key| random_enough(&key[4..], 3.0),
        },
        fix: "deactivate the access key in IAM, use roles or the environment instead, then remove it from the history",
    },
    Detector {
        what: "AWS secret access key",
        keywords: &[
            "secret_access_key",
            "secretaccesskey",
            "secret-access-key",
            "aws_secret",
            "awssecret",
            "aws-secret",
        ],
        find: Find::Pattern {
            pattern: r#"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws-secret(?:-access)?-key|secret-access-key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+]{40})"#,
            check: |key| random_enough(key, 4.0) && values::character_classes(key) >= 3,
        },
        fix: "deactivate the access key in IAM, use roles or the environment instead, then remove it from the history",
    },
    Detector {
        what: "GitHub token",
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        find: Find::Pattern {
            pattern: r"gh[pousr]_[A-Za-z0-9]{36,251}",
            check: |token| random_enough(&token[4..], 3.5),
        },
        fix: "revoke the token in GitHub settings (or let GitHub's secret scanning do it), use a short-lived token from the environment, then remove it from the history",
    },
    Detector {
        what: "GitHub fine-grained token",
        keywords: &["github_pat_"],
        find: Find::Pattern {
            pattern: r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
            check: |token| random_enough(&token[11..], 3.5),
        },
        fix: "revoke the token in GitHub settings, use a short-lived token from the environment, then remove it from the history",
    },
    Detector {
        what: "GitLab token",
        keywords: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glffct-",
            "glimt-", "glagent-",
        ],
        find: Find::Pattern {
            pattern: r"gl(?:pat|dt|rt|ptt|cbt|oas|soat|ffct|imt|agent)-[A-Za-z0-9_\-]{20,}",
            check: |token| random_enough(token.split_once('-').map_or(token, |(_, t)| t), 3.3),
        },
        fix: "revoke the token in GitLab, use a CI variable or the environment instead, then remove it from the history",
    },
    Detector {
        what: "Slack token",
        keywords: &[
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxe.", "xapp-",
        ],
        find: Find::Pattern {
            pattern: r"xox[baprse](?:\.xox[bp])?-(?:[0-9]+-)+[0-9A-Za-z]{10,}|xapp-[0-9]-[A-Z0-9]{9,}-[0-9]+-[a-z0-9]{20,}",
            check: |token| random_enough(token.rsplit('-').next().unwrap_or(token), 3.0),
        },
        fix: "revoke the token in the Slack app settings, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Slack webhook URL",
        keywords: &["hooks.slack.com"],
        find: Find::WholeMatch {
            pattern: r"https://hooks\.slack\.com/((?:services|workflows|triggers)/[A-Za-z0-9_/]{20,})",
            check: |path| random_enough(path.rsplit('/').next().unwrap_or(path), 3.0),
        },
        fix: "revoke the webhook in the Slack app settings, load its URL from the environment, then remove it from the history",
    },
    Detector {
        what: "Stripe live secret key",
        keywords: &["sk_live_", "rk_live_"],
        find: Find::Pattern {
            pattern: r"[sr]k_live_[0-9A-Za-z]{20,247}",
            check: |key| random_enough(&key[8..], 3.3),
        },
        fix: "roll the key in the Stripe dashboard, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Google API key",
        keywords: &["aiza"],
        find: Find::Pattern {
            pattern: r"AIza[0-9A-Za-z_\-]{35}",
            check: |key| random_enough(&key[4..], 3.5),
        },
        fix: "delete or restrict the key in the Google Cloud console, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Google OAuth client secret",
        keywords: &["gocspx-"],
        find: Find::Pattern {
            pattern: r"GOCSPX-[0-9A-Za-z_\-]{28}",
            check: |secret| random_enough(&secret[7..], 3.3),
        },
        fix: "reset the client secret in the Google Cloud console, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "npm access token",
        keywords: &["npm_"],
        find: Find::Pattern {
            pattern: r"npm_[A-Za-z0-9]{36}",
            check: |token| random_enough(&token[4..], 3.5),
        },
        fix: "revoke the token with `npm token revoke`, use `${NPM_TOKEN}` in `.npmrc`, then remove it from the history",
    },
    Detector {
        what: "npm registry auth token",
        keywords: &["_authtoken"],
        find: Find::Pattern {
            pattern: r#"_authToken\s*=\s*["']?([^\s"'$][^\s"']{7,})"#,
            check: |token| !values::is_reference(token) && !values::is_placeholder(token),
        },
        fix: "revoke the token with `npm token revoke`, write `_authToken=${NPM_TOKEN}` instead, then remove it from the history",
    },
    Detector {
        what: "SendGrid API key",
        keywords: &["sg."],
        find: Find::Pattern {
            pattern: r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
            check: |key| random_enough(&key[3..], 3.5),
        },
        fix: "delete the key in SendGrid, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Twilio auth token",
        keywords: &["twilio"],
        find: Find::Pattern {
            pattern: r#"(?i:twilio[a-z_\-]*(?:auth_?token|token|secret))["']?\s*(?::|=>|=)\s*["']?([0-9a-fA-F]{32})"#,
            check: |token| random_enough(token, 3.0),
        },
        fix: "rotate the auth token in the Twilio console, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Twilio API key",
        keywords: &["twilio"],
        find: Find::Pattern {
            pattern: r"SK[0-9a-fA-F]{32}",
            check: |key| random_enough(&key[2..], 3.0),
        },
        fix: "delete the API key in the Twilio console, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "OpenAI API key",
        keywords: &["t3blbkfj"],
        find: Find::Pattern {
            pattern: r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}",
            check: |key| random_enough(key, 3.5),
        },
        fix: "revoke the key in the OpenAI dashboard, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "Anthropic API key",
        keywords: &["sk-ant-"],
        find: Find::Pattern {
            pattern: r"sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_\-]{80,}",
            check: |key| random_enough(&key[14..], 3.5),
        },
        fix: "revoke the key in the Anthropic console, load it from the environment, then remove it from the history",
    },
    Detector {
        what: "private key",
        keywords: &["private key-----", "private key block-----"],
        find: Find::PemBlock,
        fix: "treat the key as compromised: revoke any certificate or access it grants, generate a new key kept outside the repository, then remove it from the history",
    },
    Detector {
        what: "JSON Web Token with a signature",
        keywords: &["eyj"],
        find: Find::Jwt,
        fix: "a signed token is a credential until it expires: revoke it (or rotate the key that signed it), obtain tokens at run time, then remove it from the history",
    },
];

/// Every keyword of every detector.
#[cfg(test)]
pub fn keywords() -> impl Iterator<Item = &'static str> {
    DETECTORS.iter().flat_map(|d| d.keywords.iter().copied())
}

struct Compiled {
    /// Leftmost-first, for the fast scan.
    keywords: AhoCorasick,
    /// The same words with standard semantics, for overlapping searches.
    keywords_overlapping: AhoCorasick,
    /// The length of the longest keyword.
    longest: usize,
    /// The detector each keyword pattern belongs to.
    detector_of: Vec<usize>,
    /// Per detector, its compiled pattern (for `Find::Pattern`).
    patterns: Vec<Option<Regex>>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut detector_of = Vec::new();
    for (index, detector) in DETECTORS.iter().enumerate() {
        for keyword in detector.keywords {
            words.push(*keyword);
            detector_of.push(index);
        }
    }
    let build = |kind| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(kind)
            .build(&words)
            .expect("keywords are plain literals")
    };
    let keywords = build(MatchKind::LeftmostFirst);
    let keywords_overlapping = build(MatchKind::Standard);
    let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
    let patterns = DETECTORS
        .iter()
        .map(|d| match d.find {
            Find::Pattern { pattern, .. } | Find::WholeMatch { pattern, .. } => {
                Some(Regex::new(pattern).expect("detector patterns compile"))
            }
            _ => None,
        })
        .collect();
    Compiled {
        keywords,
        keywords_overlapping,
        longest,
        detector_of,
        patterns,
    }
});

/// Every provider credential, private key and signed JWT in a text. In
/// documentation (`documentation`), tokens are examples of what a library
/// returns, and JWTs are not looked for.
pub fn find(text: &str, documentation: bool) -> Vec<Found> {
    let compiled = &*COMPILED;
    let mut triggered = vec![false; DETECTORS.len()];
    // A plain search is fast; a keyword it skips overlaps one it reports,
    // so the few reported spots are searched again for overlapping ones.
    let bytes = text.as_bytes();
    for hit in compiled.keywords.find_iter(text) {
        let from = hit.start().saturating_sub(compiled.longest);
        let to = (hit.end() + compiled.longest).min(bytes.len());
        for nearby in compiled
            .keywords_overlapping
            .find_overlapping_iter(&bytes[from..to])
        {
            triggered[compiled.detector_of[nearby.pattern().as_usize()]] = true;
        }
    }
    let mut found = Vec::new();
    for (index, detector) in DETECTORS.iter().enumerate() {
        if !triggered[index] {
            continue;
        }
        match &detector.find {
            Find::Pattern { check, .. } | Find::WholeMatch { check, .. } => {
                let whole_match = matches!(detector.find, Find::WholeMatch { .. });
                let Some(regex) = &compiled.patterns[index] else {
                    continue;
                };
                for captures in regex.captures_iter(text) {
                    let whole = captures.get(0).expect("group 0 always matches");
                    let secret = captures.get(1).unwrap_or(whole);
                    if !stands_alone(text, &whole.range()) || !check(secret.as_str()) {
                        continue;
                    }
                    found.push(Found {
                        range: if whole_match {
                            whole.range()
                        } else {
                            secret.range()
                        },
                        secret: secret.range(),
                        what: detector.what.to_string(),
                        fix: detector.fix,
                    });
                }
            }
            Find::PemBlock => pem_blocks(text, detector, &mut found),
            Find::Jwt if documentation => {}
            Find::Jwt => jwts(text, detector, &mut found),
        }
    }
    found
}

/// A token is not part of a longer word: nothing alphanumeric before it,
/// and nothing of its own alphabet after it.
fn stands_alone(text: &str, range: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let before = range
        .start
        .checked_sub(1)
        .map(|i| bytes[i])
        .is_some_and(|b| b.is_ascii_alphanumeric());
    let after = bytes
        .get(range.end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
    !before && !after
}

/// Random-looking: enough entropy, not a placeholder, not a run such as
/// `abcdef0123`.
fn random_enough(part: &str, min_entropy: f64) -> bool {
    if values::is_placeholder(part) || values::shannon_entropy(part) < min_entropy {
        return false;
    }
    let bytes = part.as_bytes();
    let ascending = bytes.windows(2).filter(|w| w[1] == w[0] + 1).count();
    ascending * 2 < bytes.len()
}

static PEM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----",
    )
    .expect("PEM header pattern compiles")
});

/// PEM private key blocks whose body is a complete key: truncated examples
/// (`MIIEow...`), placeholders and bodies that do not decode are not keys.
fn pem_blocks(text: &str, detector: &Detector, found: &mut Vec<Found>) {
    const MAX_BODY: usize = 64 * 1024;
    for captures in PEM_HEADER.captures_iter(text) {
        let header = captures.get(0).expect("group 0 always matches");
        let kind = &captures[1];
        let footer = format!("-----END {kind}-----");
        let mut limit = (header.end() + MAX_BODY).min(text.len());
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let Some(relative) = text[header.end()..limit].find(&footer) else {
            continue;
        };
        let body = header.end()..header.end() + relative;
        if !is_complete_key(&text[body.clone()], kind) {
            continue;
        }
        let Some(secret) = trimmed_body(text, &body) else {
            continue;
        };
        let label = kind
            .trim_end_matches(" BLOCK")
            .trim_end_matches("PRIVATE KEY")
            .trim();
        let what = if label.is_empty() {
            detector.what.to_string()
        } else {
            format!("{label} {}", detector.what)
        };
        found.push(Found {
            range: header.start()..body.end + footer.len(),
            secret,
            what: format!("{what} (PEM block)"),
            fix: detector.fix,
        });
    }
}

/// The body without the white space, quotes and escapes around it.
fn trimmed_body(text: &str, body: &Range<usize>) -> Option<Range<usize>> {
    let slice = &text[body.clone()];
    // `\n` escapes, quotes and `+` at the edges of a one-line JSON string
    // or of concatenated literals are not part of the key.
    let escaped = |i: usize, c: char| c == 'n' && slice[..i].ends_with('\\');
    let start = slice
        .char_indices()
        .find(|&(i, c)| c.is_ascii_alphanumeric() && !escaped(i, c))?
        .0;
    let end = slice
        .char_indices()
        .rev()
        .find(|&(i, c)| (c.is_ascii_alphanumeric() || c == '=') && !escaped(i, c))?
        .0
        + 1;
    Some(body.start + start..body.start + end)
}

/// Whether a PEM body, as written (in a file, a JSON string with `\n`
/// escapes, or a concatenation of string literals), decodes to a whole key.
fn is_complete_key(body: &str, kind: &str) -> bool {
    let mut encoded = String::with_capacity(body.len());
    let mut legacy_encrypted = false;
    for line in body.split('\n').flat_map(|l| l.split("\\n")) {
        let line = unquoted(line);
        if line.is_empty() {
            continue;
        }
        if line.contains(':') {
            // `Proc-Type: 4,ENCRYPTED`, `DEK-Info: ..`, `Version: ..`
            legacy_encrypted |= line.starts_with("Proc-Type") && line.contains("ENCRYPTED");
            continue;
        }
        if kind.starts_with("PGP") && line.starts_with('=') && line.len() <= 5 {
            continue; // the armour checksum
        }
        encoded.push_str(line);
    }
    let Some(decoded) = base64_decode(&encoded) else {
        return false;
    };
    if kind.starts_with("OPENSSH") {
        return decoded.starts_with(b"openssh-key-v1\0") && decoded.len() > 64;
    }
    if kind.starts_with("PGP") {
        return decoded.len() >= 64 && decoded[0] & 0x80 != 0;
    }
    if legacy_encrypted {
        return decoded.len() >= 64;
    }
    der_is_complete(&decoded)
}

/// One line of a PEM body as it is written: in a file it is the line
/// itself; in a string literal (`'MIIE..' +`, `"..\n",`) it is what lies
/// between the quotes. `+` and `/` are base64 digits, so they are only
/// stripped as concatenation outside the quotes, never from the line.
fn unquoted(line: &str) -> &str {
    const QUOTES: [char; 3] = ['"', '\'', '`'];
    let line = line.trim();
    match (line.find(QUOTES), line.rfind(QUOTES)) {
        (Some(open), Some(close)) if close > open => &line[open + 1..close],
        // One quote: a literal that closes here (`..abc",`, or a bare `' +`
        // after a `\n` escape) or opens here (`'MIIE..`).
        (Some(at), _) => {
            let (before, after) = (line[..at].trim(), line[at + 1..].trim());
            let joiner = |text: &str| text.chars().all(|c| matches!(c, '+' | ',' | ';' | ')'));
            if !before.is_empty() || joiner(after) {
                before
            } else {
                after
            }
        }
        _ => line.trim_end_matches('\\').trim(),
    }
}

/// A DER SEQUENCE whose declared length is exactly the data present.
fn der_is_complete(der: &[u8]) -> bool {
    if der.len() < 40 || der[0] != 0x30 {
        return false;
    }
    let first = usize::from(der[1]);
    let (length, header) = if first < 0x80 {
        (first, 2)
    } else {
        let count = first & 0x7f;
        if count == 0 || count > 4 || der.len() < 2 + count {
            return false;
        }
        let length = der[2..2 + count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, 2 + count)
    };
    header + length == der.len()
}

static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}")
        .expect("JWT pattern compiles")
});

/// Signed JWTs: a JSON header naming an algorithm other than `none`, a JSON
/// payload and a signature of at least 16 bytes. jwt.io's example token and
/// Supabase's public `anon` keys are not secrets.
fn jwts(text: &str, detector: &Detector, found: &mut Vec<Found>) {
    for token in JWT.find_iter(text) {
        let range = token.range();
        let bytes = text.as_bytes();
        let glued_before = range
            .start
            .checked_sub(1)
            .is_some_and(|i| bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.');
        let glued_after = bytes
            .get(range.end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.');
        if glued_before || glued_after {
            continue;
        }
        let mut parts = token.as_str().split('.');
        let (Some(header), Some(payload), Some(signature)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Some(header), Some(payload), Some(signature)) = (
            base64_decode(header),
            base64_decode(payload),
            base64_decode(signature),
        ) else {
            continue;
        };
        let header = String::from_utf8_lossy(&header).to_ascii_lowercase();
        let payload = String::from_utf8_lossy(&payload);
        let compact: String = header.chars().filter(|c| !c.is_whitespace()).collect();
        let signed = compact.starts_with('{')
            && compact.contains("\"alg\":")
            && !compact.contains("\"alg\":\"none\"");
        let compact_payload: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        let documented = compact_payload.contains("\"name\":\"JohnDoe\"")
            || compact_payload.contains("\"role\":\"anon\"");
        if !signed || !compact_payload.starts_with('{') || documented || signature.len() < 16 {
            continue;
        }
        found.push(Found {
            secret: range.clone(),
            range,
            what: detector.what.to_string(),
            fix: detector.fix,
        });
    }
}

/// Decodes standard or URL-safe base64, padded or not.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(text: &str) -> Vec<String> {
        find(text, false).into_iter().map(|f| f.what).collect()
    }

    #[test]
    fn documented_examples_and_placeholders_are_not_keys() {
        assert!(whats("aws_access_key_id = AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(
            whats("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty()
        );
        assert!(whats("token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert!(whats("ghp_1234567890abcdefghijklmnopqrstuvwxyz").is_empty());
        let jwt_io = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(whats(jwt_io).is_empty());
    }

    #[test]
    fn provider_formats_are_found_standing_alone() {
        assert_eq!(
            whats("key = \"AKIAQ3EGRIQBZ7XWKV2L\""),
            ["AWS access key ID"]
        );
        assert!(whats("xAKIAQ3EGRIQBZ7XWKV2L").is_empty());
        assert_eq!(
            whats("GITHUB_TOKEN=ghp_gBaVbVJBMQKnY8qS0BFn7BwpkZ01BZGaG7yO"),
            ["GitHub token"]
        );
    }

    /// A throwaway RSA key generated for this test, chosen because two of
    /// its base64 lines begin or end with `+`.
    const KEY_LINES_WITH_PLUS: &[&str] = &[
        "MIICXAIBAAKBgQC1TqpAhFJRB2ZdPzetaXs0wpftAalaLmL9YYZYnTOFHrba2KbW",
        "FwWIv3jgnCEQqunpTchyEHyiBl5njLz0cT4ZPr3IQDSGyuWxy8sQvejZGbQ5Ui9F",
        "+b9SI+Q3J+0htTjxkfUqMuR/t7jmT3/pV7HjgNnAGxRd7OOnmKcwGg8BWQIDAQAB",
        "AoGAdUCFbCnmzk45zg4HJNe1fR5ngDf13MNo8zJx3rbzTaDaYleANa43vwMM2j0+",
        "SPgvQ9kwy0uMPoBd5xumS3M806HuTrAcE4G7i85sFQWzykCLENio348wSyhRh6cN",
        "NdzNjTu6dv5zouJ41jmw6SvfPN2S7g9b77tYEremxex6Uo0CQQDeBoJ7+k7Oi3zC",
        "W9pwYaHaDhiq1LZLIYrFqwL3p0wYcHIRU4YPj8QNtuVDhmg+ZmzPf0z06dpkTP8B",
        "UcslhFcnAkEA0Q0WXF/W0Bb7pkYZoasw9wCFrt0Fc+URlGx19+m0VMICvccamRw5",
        "sPrXoFBkjejdnkL5UspwQfllioBWHn0zfwJAPhFRzvjVqRYDhY4KDdqtVXkVWkRm",
        "xbAVzFaXWMZTFo3wxXk1BAqrwy26/9qGL9OQXZ131Qu++sUvkJ3eDZnmhwJABgdc",
        "l7lj1ohzJW5sGs93EAiB0nMpTxhSE3e1RzsEKlWWAqcVS0kXGNWDFmp7G+SVT5Ua",
        "35pa9mwc04uz8BkoPQJBAJuKxKAaDvHLT1lHOfIf4LTYY6w0s7mzpfZE5heT8YkL",
        "Y9ThZ+cVOqkVLF86R6/Z0NKZhh4BNYKuZ/ui1C5tDwU=",
    ];

    #[test]
    fn base64_lines_that_begin_or_end_with_plus_stay_whole() {
        let body = KEY_LINES_WITH_PLUS.join("\n");
        assert!(KEY_LINES_WITH_PLUS.iter().any(|l| l.starts_with('+')));
        assert!(KEY_LINES_WITH_PLUS.iter().any(|l| l.ends_with('+')));
        let pem =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
        assert_eq!(whats(&pem), ["RSA private key (PEM block)"]);
        // The same key as concatenated JavaScript literals.
        let literals: Vec<String> = KEY_LINES_WITH_PLUS
            .iter()
            .map(|l| format!("  '{l}\\n' +"))
            .collect();
        let js = format!(
            "const key = '-----BEGIN RSA PRIVATE KEY-----\\n' +\n{}\n  '-----END RSA PRIVATE KEY-----';\n",
            literals.join("\n")
        );
        assert_eq!(whats(&js), ["RSA private key (PEM block)"]);
    }

    #[test]
    fn der_lengths_must_match() {
        let mut der = vec![0x30, 0x81, 60];
        der.extend(std::iter::repeat_n(1u8, 60));
        assert!(der_is_complete(&der));
        der.pop();
        assert!(!der_is_complete(&der));
    }

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64_decode("a b").is_none());
    }
}
