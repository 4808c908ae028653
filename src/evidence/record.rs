//! The scan record: which code was scanned (repository, commit, branch,
//! whether the work tree differed from the commit), when, by which
//! authlint with which rules and configuration, and how it was invoked.
//! Everything here except the time stamp is a function of the commit and
//! the command line, so two runs can be compared.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rules::Rule;

#[derive(Debug, Clone, Serialize)]
pub struct Repository {
    /// The `origin` remote with any user name or password removed, or the
    /// work tree's directory name when there is no remote.
    pub name: String,
    pub commit: Option<String>,
    /// `None` on a detached `HEAD`.
    pub branch: Option<String>,
    /// Tracked files differ from the commit (untracked files do not count:
    /// the report itself may be one).
    pub dirty: bool,
}

/// Asks git about the work tree `dir` is in; `None` outside of one or
/// without git.
pub fn repository(dir: &Path) -> Option<Repository> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let name = git(dir, &["remote", "get-url", "origin"])
        .map(|url| without_credentials(&url))
        .or_else(|| {
            Path::new(&top)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or(top);
    let commit = git(dir, &["rev-parse", "--verify", "--quiet", "HEAD"]);
    let branch = git(dir, &["symbolic-ref", "--quiet", "--short", "HEAD"]);
    let dirty = git(dir, &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    Some(Repository {
        name,
        commit,
        branch,
        dirty,
    })
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// `https://user:token@host/x.git` → `https://host/x.git`; scp-like
/// `git@host:x.git` keeps its user, which is not a secret.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// `sha256:` and the hex digest of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut text = String::from("sha256:");
    for byte in digest {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// A digest of the rule set: authlint's version and, per enabled rule in
/// id order, what decides its results and how they are mapped. A changed
/// severity override or a new rule changes it; the order of flags does not.
pub fn rule_set_digest(rules: &[(&'static Rule, crate::finding::Severity)]) -> String {
    let mut sorted: Vec<_> = rules.to_vec();
    sorted.sort_by_key(|(rule, _)| rule.id);
    let mut text = format!("authlint {}\n", env!("CARGO_PKG_VERSION"));
    for (rule, severity) in sorted {
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{}\t{}\t{}",
            rule.id,
            severity.name(),
            rule.cwe_ids().join(","),
            rule.owasp.join(","),
            rule.soc2.join(","),
            rule.pci_dss.join(","),
        );
    }
    sha256(text.as_bytes())
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_timestamp(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The proleptic Gregorian date of a day number (0 is 1970-01-01), by
/// counting 400-year eras that start on March 1st, so leap days fall at the
/// end of each year of the era.
fn civil_date(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// When the report is made: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds use it, and so do tests), otherwise the clock.
pub fn now_seconds() -> anyhow::Result<i64> {
    if let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH").filter(|v| !v.is_empty()) {
        let text = epoch.to_string_lossy();
        return text.trim().parse().map_err(|_| {
            anyhow::anyhow!("SOURCE_DATE_EPOCH must be a number of seconds, not `{text}`")
        });
    }
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| anyhow::anyhow!("the system clock is before 1970"))?;
    Ok(i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(utc_timestamp(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn remote_urls_lose_their_credentials() {
        assert_eq!(
            without_credentials("https://bob:ghp_secret@github.com/acme/shop.git"),
            "https://github.com/acme/shop.git"
        );
        assert_eq!(
            without_credentials("git@github.com:acme/shop.git"),
            "git@github.com:acme/shop.git"
        );
        assert_eq!(
            without_credentials("https://github.com/a@b/c"),
            "https://github.com/a@b/c"
        );
    }

    #[test]
    fn digests_are_sha256() {
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
