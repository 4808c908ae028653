//! The baseline: findings accepted on the day authlint was adopted, so that
//! only new ones fail a build. An entry is keyed by rule, path and the
//! finding's fingerprint — a hash of the reported code, not of its line —
//! with a count, so moving code keeps it matched and a second copy of the
//! same finding in the same file is still new.
//!
//! The file is JSON with one entry per line, sorted, so that two branches
//! that each accept findings merge without conflicts in most cases:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": "authlint",
//!   "entries": [
//!     {"path": "src/auth.js", "rule": "jwt/missing-algorithms", "fingerprint": "9c1d…", "count": 1}
//!   ]
//! }
//! ```
//!
//! Paths are as the scan prints them, relative to the directory it ran in:
//! write and use the baseline from the same place (the repository root).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    pub count: usize,
}

/// The fingerprint without the counter the scan appends to repeats, so a
/// count can stand for them.
fn base_fingerprint(fingerprint: &str) -> &str {
    fingerprint.split('-').next().unwrap_or(fingerprint)
}

fn key(finding: &Finding) -> (String, String, String) {
    (
        finding.path.clone(),
        finding.rule.id.to_string(),
        base_fingerprint(&finding.fingerprint).to_string(),
    )
}

impl Baseline {
    /// Records findings as accepted.
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for finding in findings {
            *counts.entry(key(finding)).or_default() += 1;
        }
        let entries = counts
            .into_iter()
            .map(|((path, rule, fingerprint), count)| Entry {
                path,
                rule,
                fingerprint,
                count,
            })
            .collect();
        Self {
            version: VERSION,
            tool: "authlint".into(),
            entries,
        }
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let baseline: Self = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an authlint baseline", path.display()))?;
        if baseline.version != VERSION {
            bail!(
                "{}: baseline version {} is not supported (expected {VERSION}); write it again with `authlint baseline`",
                path.display(),
                baseline.version
            );
        }
        Ok(baseline)
    }

    /// The file's text: sorted entries, one per line.
    pub fn render(&self) -> String {
        let mut entries = self.entries.clone();
        entries.sort();
        let mut out = format!(
            "{{\n  \"version\": {},\n  \"tool\": {},\n  \"entries\": [",
            self.version,
            serde_json::to_string(&self.tool).expect("strings serialise")
        );
        for (index, entry) in entries.iter().enumerate() {
            let separator = if index + 1 == entries.len() { "" } else { "," };
            let line = serde_json::to_string(entry).expect("entries serialise");
            let _ = write!(out, "\n    {line}{separator}");
        }
        if !entries.is_empty() {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }

    /// Removes the findings the baseline accepts, each entry at most
    /// `count` times in file order; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut remaining: BTreeMap<(String, String, String), usize> = self
            .entries
            .iter()
            .map(|e| {
                (
                    (e.path.clone(), e.rule.clone(), e.fingerprint.clone()),
                    e.count,
                )
            })
            .collect();
        let before = findings.len();
        findings.retain(|finding| match remaining.get_mut(&key(finding)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_sorted_entry_per_line() {
        let baseline = Baseline {
            version: VERSION,
            tool: "authlint".into(),
            entries: vec![
                Entry {
                    path: "b.js".into(),
                    rule: "jwt/no-expiry".into(),
                    fingerprint: "2".into(),
                    count: 1,
                },
                Entry {
                    path: "a.js".into(),
                    rule: "jwt/no-expiry".into(),
                    fingerprint: "1".into(),
                    count: 2,
                },
            ],
        };
        let text = baseline.render();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"tool\": \"authlint\",\n  \"entries\": [\n    \
             {\"path\":\"a.js\",\"rule\":\"jwt/no-expiry\",\"fingerprint\":\"1\",\"count\":2},\n    \
             {\"path\":\"b.js\",\"rule\":\"jwt/no-expiry\",\"fingerprint\":\"2\",\"count\":1}\n  ]\n}\n"
        );
        let read: Baseline = serde_json::from_str(&text).unwrap();
        assert_eq!(read.entries.len(), 2);
        let empty = Baseline::from_findings(&[]).render();
        assert_eq!(
            empty,
            "{\n  \"version\": 1,\n  \"tool\": \"authlint\",\n  \"entries\": []\n}\n"
        );
    }
}
