//! Who added a line and when, from `git blame`: for exceptions, so the
//! reviewer sees who accepted a risk. One `git blame --porcelain -L n,n`
//! per suppression comment; a file outside git or a line not committed yet
//! says so instead.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::Serialize;

use super::record::utc_timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Blame {
    Committed {
        author: String,
        /// `YYYY-MM-DD`, UTC.
        date: String,
        commit: String,
        summary: String,
    },
    /// The line is in the work tree only.
    NotCommitted,
    /// git could not tell (no repository, no git, file not tracked).
    Unknown,
}

/// Blames one line (1-based) of a file.
pub fn blame(path: &Path, line: usize) -> Blame {
    let (dir, name) = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => (dir, name),
        (_, Some(name)) => (Path::new("."), name),
        _ => return Blame::Unknown,
    };
    let range = format!("{line},{line}");
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["blame", "--porcelain", "-L", &range, "--"])
        .arg(name)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(output) if output.status.success() => {
            parse_porcelain(&String::from_utf8_lossy(&output.stdout))
        }
        _ => Blame::Unknown,
    }
}

fn parse_porcelain(text: &str) -> Blame {
    let mut lines = text.lines();
    let Some(commit) = lines.next().and_then(|l| l.split(' ').next()) else {
        return Blame::Unknown;
    };
    if commit.bytes().all(|b| b == b'0') {
        return Blame::NotCommitted;
    }
    let mut author = None;
    let mut time = None;
    let mut summary = String::new();
    for line in lines {
        if let Some(name) = line.strip_prefix("author ") {
            author = Some(name.to_string());
        } else if let Some(seconds) = line.strip_prefix("author-time ") {
            time = seconds.trim().parse::<i64>().ok();
        } else if let Some(text) = line.strip_prefix("summary ") {
            summary = text.to_string();
        }
    }
    match (author, time) {
        (Some(author), Some(time)) => Blame::Committed {
            author,
            date: utc_timestamp(time)[..10].to_string(),
            commit: commit.chars().take(12).collect(),
            summary,
        },
        _ => Blame::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_gives_author_date_and_commit() {
        let text = "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345 12 12 1\n\
                    author Ada Lovelace\nauthor-mail <ada@example.com>\n\
                    author-time 1700000000\nauthor-tz +0100\n\
                    summary Accept the legacy partner key\n\tcode\n";
        assert_eq!(
            parse_porcelain(text),
            Blame::Committed {
                author: "Ada Lovelace".into(),
                date: "2023-11-14".into(),
                commit: "3f2c9a1b7d4e".into(),
                summary: "Accept the legacy partner key".into(),
            }
        );
        let uncommitted =
            "0000000000000000000000000000000000000000 3 3 1\nauthor Not Committed Yet\n";
        assert_eq!(parse_porcelain(uncommitted), Blame::NotCommitted);
        assert_eq!(parse_porcelain(""), Blame::Unknown);
    }
}
