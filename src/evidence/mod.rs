//! The audit evidence report (`authlint evidence`): a scan turned into what
//! a SOC 2 or PCI DSS auditor asks for — a scan record, a control matrix
//! with an honest status per control, findings grouped by control, the
//! accepted exceptions with who added them, and code review samples of
//! controls done right. [`build`] makes the report model from a scan; the
//! renderers (`html`, `markdown`, `json`) only lay it out, so the three
//! formats always say the same thing.
//!
//! Determinism: everything is sorted and derived from the commit and the
//! command line; only `generated_at` changes between two runs.

pub mod blame;
pub mod controls;
pub mod html;
pub mod json;
pub mod markdown;
pub mod record;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::report::SEVERITIES;
use crate::rules::samples::{self, Surface};
use crate::rules::{self, Rule};
use crate::scan::{ScanOptions, ScanResult};
use blame::Blame;
use controls::{CONTROLS, Control, Framework};
use record::Repository;

/// The version of the JSON document's shape; `authlint evidence --schema`
/// prints its JSON Schema.
pub const SCHEMA_VERSION: &str = "authlint-evidence/1";

/// The JSON Schema of the JSON report.
pub const JSON_SCHEMA: &str = include_str!("schema.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvidenceFormat {
    /// One self-contained HTML page, for reading and printing
    Html,
    /// Markdown, for wikis and pull requests
    Md,
    /// JSON, described by `authlint evidence --schema`
    Json,
}

impl EvidenceFormat {
    /// The format a file name asks for by its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match extension.as_str() {
            "html" | "htm" => Some(Self::Html),
            "md" | "markdown" => Some(Self::Md),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

pub fn render(format: EvidenceFormat, report: &EvidenceReport) -> String {
    match format {
        EvidenceFormat::Html => html::render(report),
        EvidenceFormat::Md => markdown::render(report),
        EvidenceFormat::Json => json::render(report),
    }
}

#[derive(Debug, Serialize)]
pub struct EvidenceReport {
    pub schema: &'static str,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`: the one field that differs between two
    /// runs on the same commit.
    pub generated_at: String,
    pub tool: Tool,
    pub scan: ScanRecord,
    pub summary: Summary,
    pub controls: Vec<ControlEntry>,
    pub findings: Vec<EvidenceFinding>,
    pub exceptions: Vec<Exception>,
    pub samples: Vec<EvidenceSample>,
    pub detectors: Vec<DetectorEntry>,
    pub errors: Vec<PathNote>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ScanRecord {
    pub repository: Option<Repository>,
    pub command_line: String,
    pub paths: Vec<String>,
    pub rule_set: RuleSet,
    pub configuration: Configuration,
    pub files_scanned: usize,
    pub files_by_language: BTreeMap<String, usize>,
    /// Kinds of authentication code seen, with how many files hold each.
    pub surfaces: BTreeMap<Surface, usize>,
    pub skipped: Vec<PathNote>,
}

#[derive(Debug, Serialize)]
pub struct RuleSet {
    pub digest: String,
    pub rules: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    /// The configuration file, or `None` when the defaults applied.
    pub file: Option<String>,
    pub digest: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PathNote {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl SeverityCounts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
        }
    }

    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    /// `2 critical, 1 high`, most severe first, zeros left out.
    pub fn describe(&self) -> String {
        SEVERITIES
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| format!("{} {}", self.get(*s), s.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub findings: SeverityCounts,
    pub exceptions: usize,
    pub samples: usize,
    pub controls_with_findings: usize,
    pub controls_without_findings: usize,
    pub controls_not_assessed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NoFindings,
    Findings,
    NotAssessed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::NoFindings => "no findings",
            Self::Findings => "findings",
            Self::NotAssessed => "not assessed",
        }
    }

    /// For HTML classes and ids.
    pub fn slug(self) -> &'static str {
        match self {
            Self::NoFindings => "no-findings",
            Self::Findings => "findings",
            Self::NotAssessed => "not-assessed",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ControlEntry {
    pub framework: Framework,
    pub id: &'static str,
    pub label: String,
    pub title: &'static str,
    pub summary: &'static str,
    pub status: Status,
    /// Why the status is what it is, in a sentence or two.
    pub basis: String,
    pub note: Option<&'static str>,
    /// Enabled rules that test it.
    pub rules: Vec<&'static str>,
    pub findings: SeverityCounts,
    pub finding_ids: Vec<String>,
    pub exception_ids: Vec<String>,
    pub sample_ids: Vec<String>,
    /// Samples this control would have, whose detectors do not exist yet.
    pub missing_samples: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceFinding {
    pub id: String,
    pub rule: &'static str,
    pub severity: &'static str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub message: String,
    pub fix: String,
    /// The line of code, secrets masked.
    pub snippet: String,
    /// The control it is listed under: its most specific mapping.
    pub group: &'static str,
    /// Every control of the catalogue the rule maps to.
    pub controls: Vec<&'static str>,
    pub cwe: Vec<String>,
    pub fingerprint: String,
}

#[derive(Debug, Serialize)]
pub struct Exception {
    pub id: String,
    pub rule: &'static str,
    pub severity: &'static str,
    pub path: String,
    pub line: usize,
    /// Where the `authlint-ignore` comment is.
    pub comment_line: usize,
    pub reason: String,
    pub message: String,
    pub snippet: String,
    pub controls: Vec<&'static str>,
    /// Who added the suppression comment, and when.
    pub added_by: Blame,
}

#[derive(Debug, Serialize)]
pub struct EvidenceSample {
    pub id: String,
    pub detector: &'static str,
    pub title: &'static str,
    pub controls: Vec<&'static str>,
    pub path: String,
    pub line: usize,
    pub end_line: usize,
    pub code: Vec<String>,
    pub omitted_lines: usize,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct DetectorEntry {
    /// `None` for a sample no detector looks for yet.
    pub id: Option<&'static str>,
    pub title: &'static str,
    pub controls: Vec<&'static str>,
    pub samples: usize,
}

/// What `build` needs besides the scan.
pub struct Invocation<'a> {
    pub options: &'a ScanOptions,
    pub command_line: String,
    /// Seconds since the Unix epoch.
    pub generated_at: i64,
    /// Where to ask git about the repository: the first scanned path.
    pub repository_dir: &'a Path,
}

/// The catalogue controls a rule's mapping names, in catalogue order.
fn controls_of(rule: &Rule) -> Vec<&'static Control> {
    CONTROLS.iter().filter(|c| c.is_tested_by(rule)).collect()
}

/// Where a finding of a rule is listed: its first PCI DSS requirement in
/// the catalogue, else its first SOC 2 criterion, else OWASP.
fn group_of(rule: &Rule) -> &'static str {
    let mapped = controls_of(rule);
    [Framework::PciDss, Framework::Soc2, Framework::Owasp]
        .iter()
        .find_map(|framework| {
            let first = match framework {
                Framework::PciDss => rule.pci_dss,
                Framework::Soc2 => rule.soc2,
                Framework::Owasp => rule.owasp,
            }
            .iter()
            .find_map(|entry| {
                mapped
                    .iter()
                    .find(|c| c.framework == *framework && c.matches(entry))
            });
            first.map(|c| c.id)
        })
        .unwrap_or("API2:2023")
}

fn control_ids(rule: &Rule) -> Vec<&'static str> {
    controls_of(rule).iter().map(|c| c.id).collect()
}

fn evidence_finding(id: String, finding: &Finding) -> EvidenceFinding {
    EvidenceFinding {
        id,
        rule: finding.rule.id,
        severity: finding.severity.name(),
        path: finding.path.clone(),
        line: finding.line,
        column: finding.column,
        end_line: finding.end_line,
        message: finding.message.clone(),
        fix: finding.fix.clone(),
        snippet: finding.snippet.clone(),
        group: group_of(finding.rule),
        controls: control_ids(finding.rule),
        cwe: finding.rule.cwe_ids(),
        fingerprint: finding.fingerprint.clone(),
    }
}

pub fn build(result: &ScanResult, invocation: &Invocation<'_>) -> anyhow::Result<EvidenceReport> {
    let options = invocation.options;
    let enabled = options.enabled_rules();
    let findings: Vec<EvidenceFinding> = result
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| evidence_finding(format!("F{}", i + 1), f))
        .collect();
    let exceptions: Vec<Exception> = result
        .suppressed
        .iter()
        .enumerate()
        .map(|(i, s)| Exception {
            id: format!("E{}", i + 1),
            rule: s.finding.rule.id,
            severity: s.finding.severity.name(),
            path: s.finding.path.clone(),
            line: s.finding.line,
            comment_line: s.comment_line,
            reason: s.reason.clone(),
            message: s.finding.message.clone(),
            snippet: s.finding.snippet.clone(),
            controls: control_ids(s.finding.rule),
            added_by: blame::blame(Path::new(&s.finding.path), s.comment_line),
        })
        .collect();
    // Numbered in the order the report lists them: by detector, then place.
    let mut ordered: Vec<&crate::sample::Sample> = result.samples.iter().collect();
    ordered.sort_by_key(|s| {
        let rank = samples::DETECTORS
            .iter()
            .position(|d| d.id == s.detector.id);
        (rank, s.path.as_str(), s.line)
    });
    let sample_entries: Vec<EvidenceSample> = ordered
        .into_iter()
        .enumerate()
        .map(|(i, s)| EvidenceSample {
            id: format!("S{}", i + 1),
            detector: s.detector.id,
            title: s.detector.title,
            controls: s.detector.controls.to_vec(),
            path: s.path.clone(),
            line: s.line,
            end_line: s.end_line,
            code: s.code.clone(),
            omitted_lines: s.omitted_lines,
            note: s.note.clone(),
        })
        .collect();

    let controls: Vec<ControlEntry> = CONTROLS
        .iter()
        .map(|control| {
            control_entry(
                control,
                &enabled,
                result,
                &findings,
                &exceptions,
                &sample_entries,
            )
        })
        .collect();

    let mut detectors: Vec<DetectorEntry> = samples::DETECTORS
        .iter()
        .map(|d| DetectorEntry {
            id: Some(d.id),
            title: d.title,
            controls: d.controls.to_vec(),
            samples: sample_entries.iter().filter(|s| s.detector == d.id).count(),
        })
        .collect();
    detectors.extend(samples::MISSING.iter().map(|(title, ids)| DetectorEntry {
        id: None,
        title,
        controls: ids.to_vec(),
        samples: 0,
    }));

    let mut by_severity = SeverityCounts::default();
    for finding in &result.findings {
        by_severity.add(finding.severity);
    }
    let count = |status| controls.iter().filter(|c| c.status == status).count();
    let summary = Summary {
        findings: by_severity,
        exceptions: exceptions.len(),
        samples: sample_entries.len(),
        controls_with_findings: count(Status::Findings),
        controls_without_findings: count(Status::NoFindings),
        controls_not_assessed: count(Status::NotAssessed),
    };

    let severities: Vec<(&'static Rule, Severity)> = enabled
        .iter()
        .map(|r| (*r, options.config.severity_of(r)))
        .collect();
    let configuration = match &options.config.file {
        Some(file) => {
            let bytes = std::fs::read(file).map_err(|e| {
                anyhow::anyhow!("cannot read the configuration {}: {e}", file.display())
            })?;
            Configuration {
                file: Some(file.display().to_string()),
                digest: Some(record::sha256(&bytes)),
            }
        }
        None => Configuration {
            file: None,
            digest: None,
        },
    };
    let mut rule_ids: Vec<&'static str> = enabled.iter().map(|r| r.id).collect();
    rule_ids.sort_unstable();
    let scan = ScanRecord {
        repository: record::repository(invocation.repository_dir),
        command_line: invocation.command_line.clone(),
        paths: options
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        rule_set: RuleSet {
            digest: record::rule_set_digest(&severities),
            rules: rule_ids,
        },
        configuration,
        files_scanned: result.files_scanned,
        files_by_language: result
            .files_by_language
            .iter()
            .map(|(k, v)| ((*k).to_string(), *v))
            .collect(),
        surfaces: result.surfaces.clone(),
        skipped: result
            .skipped
            .iter()
            .map(|s| PathNote {
                path: s.path.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
    };
    Ok(EvidenceReport {
        schema: SCHEMA_VERSION,
        generated_at: record::utc_timestamp(invocation.generated_at),
        tool: Tool {
            name: "authlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        scan,
        summary,
        controls,
        findings,
        exceptions,
        samples: sample_entries,
        detectors,
        errors: result
            .errors
            .iter()
            .map(|e| PathNote {
                path: e.path.clone(),
                reason: e.message.clone(),
            })
            .collect(),
    })
}

fn control_entry(
    control: &'static Control,
    enabled: &[&'static Rule],
    result: &ScanResult,
    findings: &[EvidenceFinding],
    exceptions: &[Exception],
    samples: &[EvidenceSample],
) -> ControlEntry {
    let testing: Vec<&'static str> = enabled
        .iter()
        .filter(|r| control.is_tested_by(r))
        .map(|r| r.id)
        .collect();
    let mut counts = SeverityCounts::default();
    let mut finding_ids = Vec::new();
    for (finding, entry) in result.findings.iter().zip(findings) {
        if control.is_tested_by(finding.rule) {
            counts.add(finding.severity);
            finding_ids.push(entry.id.clone());
        }
    }
    let exception_ids: Vec<String> = exceptions
        .iter()
        .filter(|e| e.controls.contains(&control.id))
        .map(|e| e.id.clone())
        .collect();
    let sample_ids: Vec<String> = samples
        .iter()
        .filter(|s| s.controls.iter().any(|c| control.matches(c)))
        .map(|s| s.id.clone())
        .collect();
    let missing_samples: Vec<&'static str> = samples::MISSING
        .iter()
        .filter(|(_, ids)| ids.iter().any(|c| control.matches(c)))
        .map(|(title, _)| *title)
        .collect();
    let (status, basis) = status_of(control, &testing, counts, exception_ids.len(), result);
    ControlEntry {
        framework: control.framework,
        id: control.id,
        label: control.label(),
        title: control.title,
        summary: control.summary,
        status,
        basis,
        note: control.note,
        rules: testing,
        findings: counts,
        finding_ids,
        exception_ids,
        sample_ids,
        missing_samples,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A control's status and the reason for it. "No findings" is only
/// claimed when code of the kind its rules test was seen; otherwise the
/// control is "not assessed", and the basis says what was missing.
fn status_of(
    control: &Control,
    testing: &[&'static str],
    counts: SeverityCounts,
    exceptions: usize,
    result: &ScanResult,
) -> (Status, String) {
    let accepted = if exceptions > 0 {
        format!(
            " {} accepted as documented exceptions.",
            plural(exceptions, "finding is", "findings are")
        )
        .replace(
            "documented exceptions.",
            if exceptions == 1 {
                "a documented exception."
            } else {
                "documented exceptions."
            },
        )
    } else {
        String::new()
    };
    if testing.is_empty() {
        let known: Vec<&str> = rules::ALL
            .iter()
            .filter(|r| control.is_tested_by(r))
            .map(|r| r.id)
            .collect();
        let basis = if known.is_empty() {
            "No authlint rule tests this control.".to_string()
        } else {
            format!(
                "The rules that test it ({}) were not run: `--select`, `--ignore` or the configuration left them out.",
                known.join(", ")
            )
        };
        return (Status::NotAssessed, basis);
    }
    if counts.total() > 0 {
        return (
            Status::Findings,
            format!(
                "{} ({}) from {}.{accepted}",
                plural(counts.total(), "open finding", "open findings"),
                counts.describe(),
                plural(testing.len(), "rule", "rules"),
            ),
        );
    }
    if control.needs.is_empty() {
        return (
            Status::NoFindings,
            format!(
                "No finding from {} in {}.{accepted}",
                plural(testing.len(), "rule", "rules"),
                plural(result.files_scanned, "scanned file", "scanned files"),
            ),
        );
    }
    let seen: Vec<String> = control
        .needs
        .iter()
        .filter_map(|surface| {
            let files = *result.surfaces.get(surface)?;
            Some(format!(
                "{} in {}",
                surface.describe(),
                plural(files, "file", "files")
            ))
        })
        .collect();
    if seen.is_empty() {
        let wanted: Vec<&str> = control.needs.iter().map(|s| s.describe()).collect();
        let unrecognised: Vec<&str> = control
            .needs
            .iter()
            .filter(|s| !s.is_recognised())
            .map(|s| s.describe())
            .collect();
        let mut basis = format!(
            "No {} was found in the scanned files, so its rules had nothing to test; this is not a pass.",
            wanted.join(" or ")
        );
        if !unrecognised.is_empty() {
            let _ = write!(
                basis,
                " authlint does not yet record {} for this report.",
                unrecognised.join(" or ")
            );
        }
        return (Status::NotAssessed, basis);
    }
    (
        Status::NoFindings,
        format!(
            "No finding from {} in the code examined: {}.{accepted}",
            plural(testing.len(), "rule", "rules"),
            seen.join("; ")
        ),
    )
}

/// The rules testing a control, for the matrix: each id when there are a
/// few, or per family with a count when there are many.
pub(crate) fn rules_summary(rules: &[&'static str]) -> Vec<String> {
    if rules.len() <= 6 {
        return rules.iter().map(|r| (*r).to_string()).collect();
    }
    let mut families: Vec<(&str, usize)> = Vec::new();
    for rule in rules {
        let family = rule.split('/').next().unwrap_or(rule);
        match families.iter_mut().find(|(f, _)| *f == family) {
            Some((_, n)) => *n += 1,
            None => families.push((family, 1)),
        }
    }
    families
        .into_iter()
        .map(|(family, n)| format!("{family}/* ({n})"))
        .collect()
}

/// A title with its first letter in upper case, for headings.
pub(crate) fn heading(title: &str) -> String {
    let mut chars = title.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `path:12` or `path:12-18`.
pub(crate) fn location(path: &str, line: usize, end_line: usize) -> String {
    if end_line > line {
        format!("{path}:{line}-{end_line}")
    } else {
        format!("{path}:{line}")
    }
}

/// The language name code blocks are tagged with.
pub(crate) fn language_of(path: &str) -> &'static str {
    let extension = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "js" | "jsx" | "mjs" | "cjs" => "javascript",
        "ts" | "tsx" | "mts" | "cts" => "typescript",
        "rs" => "rust",
        "yaml" | "yml" => "yaml",
        "json" => "json",
        _ => "text",
    }
}

/// The scan record as label and value pairs, in the order both document
/// formats show it.
pub(crate) fn scan_facts(report: &EvidenceReport) -> Vec<(&'static str, String)> {
    let scan = &report.scan;
    let mut facts = Vec::new();
    match &scan.repository {
        Some(repository) => {
            facts.push(("Repository", repository.name.clone()));
            facts.push((
                "Commit",
                repository
                    .commit
                    .clone()
                    .unwrap_or_else(|| "none (no commit yet)".into()),
            ));
            facts.push((
                "Branch",
                repository
                    .branch
                    .clone()
                    .unwrap_or_else(|| "none (detached HEAD)".into()),
            ));
            facts.push((
                "Work tree",
                if repository.dirty {
                    "modified: tracked files differ from the commit".into()
                } else {
                    "clean: matches the commit".into()
                },
            ));
        }
        None => facts.push(("Repository", "not a git work tree".into())),
    }
    facts.push(("Generated (UTC)", report.generated_at.clone()));
    facts.push(("authlint version", report.tool.version.to_string()));
    facts.push((
        "Rule set",
        format!(
            "{} rules, {}",
            scan.rule_set.rules.len(),
            scan.rule_set.digest
        ),
    ));
    facts.push((
        "Configuration",
        match (&scan.configuration.file, &scan.configuration.digest) {
            (Some(file), Some(digest)) => format!("{file}, {digest}"),
            _ => "none: the defaults applied".into(),
        },
    ));
    facts.push(("Command line", scan.command_line.clone()));
    let languages: Vec<String> = scan
        .files_by_language
        .iter()
        .map(|(language, n)| format!("{language} {n}"))
        .collect();
    facts.push((
        "Files scanned",
        format!("{} ({})", scan.files_scanned, languages.join(", ")),
    ));
    let surfaces: Vec<String> = scan
        .surfaces
        .iter()
        .filter(|(s, _)| **s != Surface::SourceCode)
        .map(|(s, n)| format!("{} ({})", s.describe(), plural(*n, "file", "files")))
        .collect();
    facts.push((
        "Authentication code seen",
        if surfaces.is_empty() {
            "none recognised".into()
        } else {
            surfaces.join("; ")
        },
    ));
    facts.push(("Files skipped", scan.skipped.len().to_string()));
    facts.push(("Files not analysed", report.errors.len().to_string()));
    facts
}
