//! The command line: clap definitions and what each command does with the
//! library. With `report`, the only code that prints.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::evidence::{self, EvidenceFormat};
use crate::finding::{Finding, Severity};
use crate::report::{self, Format};
use crate::scan::{self, ScanOptions, ScanResult, Skipped};
use crate::{baseline, config, git, rules};

/// Finds broken authentication (OWASP API2:2023) in JavaScript, TypeScript
/// and Rust code.
#[derive(Debug, Parser)]
#[command(name = "authlint", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for broken authentication
    Scan(ScanArgs),
    /// List every rule, one line each
    Rules,
    /// Show what a rule flags, why, an example, the fix and its mapping
    Explain {
        /// A rule id, such as `jwt/missing-algorithms`
        rule: String,
    },
    /// Write an audit evidence report for SOC 2 and PCI DSS reviews: scan
    /// record, control matrix, findings, exceptions and code review samples
    Evidence(EvidenceArgs),
    /// Record today's findings as accepted, so that `scan --baseline`
    /// reports only new ones
    Baseline(BaselineArgs),
    /// Manage the plain git pre-commit hook
    #[command(subcommand)]
    Hook(HookCommand),
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit hook that scans staged content
    /// (`core.hooksPath` is respected)
    Install {
        /// Replace a pre-commit hook that authlint did not write
        #[arg(long)]
        force: bool,
    },
}

/// What to scan and with which rules: shared by `scan` and `baseline`.
#[derive(Debug, Args)]
pub struct Inputs {
    /// Files or directories to scan (with `--staged`: pathspecs that limit
    /// the staged files)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Read this configuration file instead of looking for `authlint.toml`
    /// or `.authlint.toml` from the scanned path up to the repository root
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run only these rules or families (comma-separated, repeatable);
    /// replaces the configuration's `select`
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Do not run these rules or families (comma-separated, repeatable);
    /// added to the configuration's `ignore`
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Also walk `node_modules`, vendor, target, dist and minified bundles
    #[arg(long)]
    pub no_default_excludes: bool,

    /// Skip files larger than this (bytes, or with a K, M or G suffix for
    /// KiB, MiB, GiB; default 4M); each skipped file is listed
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Walk and parse every file but run no rule (the benchmark's floor)
    #[arg(long, hide = true)]
    pub parse_only: bool,

    /// Run every rule on every file, even files without its trigger words
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to a file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Scan the content staged for commit (the git index), not the work
    /// tree: what a pre-commit hook must check
    #[arg(long)]
    pub staged: bool,

    /// Report only findings on lines added or changed since the merge base
    /// of REV and HEAD (for pull requests: `--diff-base origin/main`)
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,

    /// Do not report findings this baseline file accepts
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Report inline suppressions that suppress nothing
    /// (`meta/unused-suppression`)
    #[arg(long)]
    pub report_unused_suppressions: bool,

    /// Fail (exit 1) on findings of this severity or higher
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Exit 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// Print findings only: no summary, no warnings
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Never colour the text output
    #[arg(long)]
    pub no_color: bool,

    /// Print files, bytes, time and files skipped to standard error
    #[arg(long)]
    pub stats: bool,

    /// Exit 2 when authlint hit an internal error (a panic in a parser or
    /// a rule, contained to one file), even if the report was written:
    /// for CI that must not trust a partial scan. Unreadable, binary or
    /// unparsable files stay warnings
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// The baseline file to write (JSON, one entry per line)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    #[command(flatten)]
    pub inputs: Inputs,

    /// The report to write; `.html`, `.md` or `.json` picks the format
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        required_unless_present = "schema"
    )]
    pub out: Option<PathBuf>,

    /// The format, whatever the file's extension
    #[arg(long, value_enum)]
    pub format: Option<EvidenceFormat>,

    /// Print the JSON Schema of the JSON report and exit
    #[arg(long)]
    pub schema: bool,

    /// The report's time stamp in seconds since the Unix epoch (default:
    /// `SOURCE_DATE_EPOCH` when set, else the current time)
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timestamp: Option<i64>,
}

/// A size in bytes, with an optional binary suffix: `500000`, `64K`, `8M`,
/// `1G` (also `8MiB`, `8MB`: both read as MiB).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| "expected a size such as 500000, 64K, 8M or 1G".to_string())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err("expected a size such as 500000, 64K, 8M or 1G".into()),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| "size too large".into())
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| "expected one of: low, medium, high, critical".into())
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules => {
            write_stdout(&rules_table())?;
            Ok(0)
        }
        Command::Explain { rule } => {
            let Some(found) = rules::find(&rule) else {
                bail!("unknown rule `{rule}`; `authlint rules` lists them");
            };
            write_stdout(&explain(found))?;
            Ok(0)
        }
        Command::Evidence(args) => run_evidence(&args),
        Command::Baseline(args) => run_baseline(&args),
        Command::Hook(HookCommand::Install { force }) => install_hook(force),
    }
}

/// Scan options from the command line and the configuration file.
fn scan_options(inputs: &Inputs, current_dir: &Path) -> anyhow::Result<ScanOptions> {
    for selector in inputs.select.iter().chain(&inputs.ignore) {
        if !rules::selector_is_known(selector) {
            bail!("unknown rule or family `{selector}`; `authlint rules` lists them");
        }
    }
    let config = config::resolve(inputs.config.as_deref(), &inputs.paths, current_dir)?;
    let select = if inputs.select.is_empty() {
        config.select.clone()
    } else {
        inputs.select.clone()
    };
    let mut ignore = config.ignore.clone();
    ignore.extend(inputs.ignore.iter().cloned());
    Ok(ScanOptions {
        paths: inputs.paths.clone(),
        select,
        ignore,
        include_default_excluded: inputs.no_default_excludes,
        parse_only: inputs.parse_only,
        no_prefilter: inputs.no_prefilter,
        jobs: inputs.jobs,
        max_file_size: inputs.max_file_size,
        report_unused_suppressions: false,
        survey: false,
        skip_files: Vec::new(),
        config,
    })
}

fn run_scan(args: &ScanArgs) -> anyhow::Result<u8> {
    let current_dir = std::env::current_dir().context("cannot read the current directory")?;
    let mut options = scan_options(&args.inputs, &current_dir)?;
    options.report_unused_suppressions = args.report_unused_suppressions;
    let baseline = args
        .baseline
        .as_deref()
        .map(baseline::Baseline::load)
        .transpose()?;

    let mut result = if args.staged {
        let (blobs, skipped) = git::staged_blobs(
            &options.paths,
            &current_dir,
            options.include_default_excluded,
            options.max_file_size.unwrap_or(scan::DEFAULT_MAX_FILE_SIZE),
        )
        .context("cannot read the staged files")?;
        let mut result = scan::scan_blobs(blobs, &options)?;
        result.skipped.extend(
            skipped
                .into_iter()
                .map(|(path, reason)| Skipped { path, reason }),
        );
        result.skipped.sort();
        result
    } else {
        scan::scan(&options)?
    };
    if let Some(rev) = &args.diff_base {
        let changed = git::changed_lines(rev, args.staged)?;
        let base = current_dir
            .canonicalize()
            .unwrap_or_else(|_| current_dir.clone());
        let touched = |finding: &Finding| {
            let path = base.join(&finding.path);
            changed.touches(&path, finding.line, finding.end_line)
        };
        result.findings.retain(|f| touched(f));
        result.suppressed.retain(|s| touched(&s.finding));
    }
    if let Some(baseline) = &baseline {
        result.baselined = baseline.filter(&mut result.findings);
    }

    if !args.quiet {
        let mut stderr = std::io::stderr().lock();
        for error in &result.errors {
            let _ = writeln!(
                stderr,
                "authlint: warning: {}: {}",
                error.path, error.message
            );
        }
    }
    if args.stats {
        print_stats(&result, &options);
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = args.format == Format::Text
        && to_terminal
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let rendered = report::render(args.format, &result, color, args.quiet);
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => write_stdout(&rendered)?,
    }
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
    {
        append(Path::new(&summary), &report::github::step_summary(&result))
            .context("cannot write the GitHub step summary")?;
    }

    let internal = result.internal_errors();
    if args.strict && internal > 0 {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "authlint: {internal} internal error(s) during the scan; failing because of --strict"
        );
        return Ok(2);
    }
    let failing = result.findings.iter().any(|f| f.severity() >= args.fail_on);
    Ok(u8::from(failing && !args.exit_zero))
}

fn print_stats(result: &ScanResult, options: &ScanOptions) {
    let mut stderr = std::io::stderr().lock();
    let seconds = result.duration.as_secs_f64();
    if let Some(file) = &options.config.file {
        let _ = writeln!(stderr, "authlint: configuration {}", file.display());
    }
    let _ = writeln!(
        stderr,
        "authlint: {} files, {} bytes in {:.3}s; {} skipped, {} errors",
        result.files_scanned,
        result.bytes_scanned,
        seconds,
        result.skipped.len(),
        result.errors.len()
    );
    for (language, count) in &result.files_by_language {
        let _ = writeln!(stderr, "authlint:   {language}: {count} files");
    }
    for skipped in &result.skipped {
        let _ = writeln!(
            stderr,
            "authlint:   skipped {}: {}",
            skipped.path, skipped.reason
        );
    }
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

fn run_baseline(args: &BaselineArgs) -> anyhow::Result<u8> {
    let current_dir = std::env::current_dir().context("cannot read the current directory")?;
    let options = scan_options(&args.inputs, &current_dir)?;
    let result = scan::scan(&options)?;
    let written = baseline::Baseline::from_findings(&result.findings);
    std::fs::write(&args.out, written.render())
        .with_context(|| format!("cannot write the baseline to {}", args.out.display()))?;
    let mut stderr = std::io::stderr().lock();
    for error in &result.errors {
        let _ = writeln!(
            stderr,
            "authlint: warning: {}: {}",
            error.path, error.message
        );
    }
    let _ = writeln!(
        stderr,
        "authlint: recorded {} findings ({} entries) in {}",
        result.findings.len(),
        written.entries.len(),
        args.out.display()
    );
    Ok(0)
}

fn run_evidence(args: &EvidenceArgs) -> anyhow::Result<u8> {
    if args.schema {
        write_stdout(evidence::JSON_SCHEMA)?;
        return Ok(0);
    }
    let Some(out) = &args.out else {
        bail!("`--out FILE` is required");
    };
    let Some(format) = args.format.or_else(|| EvidenceFormat::from_path(out)) else {
        bail!(
            "cannot tell the format of {} from its extension; name it .html, .md or .json, or pass `--format`",
            out.display()
        );
    };
    let current_dir = std::env::current_dir().context("cannot read the current directory")?;
    let mut options = scan_options(&args.inputs, &current_dir)?;
    options.survey = true;
    // An earlier report in the scanned tree is not code to review.
    if let Ok(path) = out.canonicalize() {
        options.skip_files.push(path);
    }
    let generated_at = match args.timestamp {
        Some(seconds) => seconds,
        None => evidence::record::now_seconds()?,
    };
    let result = scan::scan(&options)?;
    let first = options.paths.first().cloned().unwrap_or_else(|| ".".into());
    let repository_dir = if first.is_dir() {
        first
    } else {
        first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let invocation = evidence::Invocation {
        options: &options,
        command_line: command_line(),
        generated_at,
        repository_dir: &repository_dir,
    };
    let report = evidence::build(&result, &invocation)?;
    std::fs::write(out, evidence::render(format, &report))
        .with_context(|| format!("cannot write the evidence report to {}", out.display()))?;
    let mut stderr = std::io::stderr().lock();
    for error in &result.errors {
        let _ = writeln!(
            stderr,
            "authlint: warning: {}: {}",
            error.path, error.message
        );
    }
    let summary = &report.summary;
    let _ = writeln!(
        stderr,
        "authlint: wrote {}: {} findings, {} exceptions, {} samples; controls: {} with findings, {} without, {} not assessed",
        out.display(),
        summary.findings.total(),
        summary.exceptions,
        summary.samples,
        summary.controls_with_findings,
        summary.controls_without_findings,
        summary.controls_not_assessed
    );
    Ok(0)
}

/// The command line as typed, for the scan record: the program as
/// `authlint`, arguments quoted for a POSIX shell where they need it.
fn command_line() -> String {
    let quote = |arg: String| {
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
        if plain {
            arg
        } else {
            format!("'{}'", arg.replace('\'', "'\\''"))
        }
    };
    std::iter::once("authlint".to_string())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The plain pre-commit hook, as shipped in `hooks/pre-commit`.
pub const HOOK_SCRIPT: &str = include_str!("../hooks/pre-commit");

/// A line only authlint's hook carries, to tell it from a foreign one.
const HOOK_MARKER: &str = "# authlint pre-commit hook";

fn install_hook(force: bool) -> anyhow::Result<u8> {
    let dir = git::hooks_dir()?;
    let path = dir.join("pre-commit");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(HOOK_MARKER)
        && !force
    {
        bail!(
            "{} exists and was not written by authlint; add `authlint scan --staged` to it yourself, or run `authlint hook install --force` to replace it",
            path.display()
        );
    }
    if !path.exists() && std::fs::symlink_metadata(&path).is_ok() {
        // A dangling symlink: replace the link, not its missing target.
        std::fs::remove_file(&path)?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&path, HOOK_SCRIPT)
        .with_context(|| format!("cannot write {}", path.display()))?;
    make_executable(&path)?;
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "authlint: installed the pre-commit hook in {}",
        path.display()
    );
    Ok(0)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions)
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Writes to standard output; a closed pipe (`authlint rules | head`) ends
/// the program quietly.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.context("cannot write to standard output"),
    }
}

pub fn rules_table() -> String {
    let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules::ALL {
        let languages: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
        let _ = writeln!(
            out,
            "{:width$}  {:8}  {:6}  {}",
            rule.id,
            rule.severity.name(),
            languages.join(","),
            rule.summary,
        );
    }
    out
}

pub fn explain(rule: &rules::Rule) -> String {
    let languages: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
    format!(
        "# {id}\n\n{summary}\n\nSeverity: {severity}. Languages: {languages}.\n\
         Maps to: {cwe}; OWASP {owasp}; SOC 2 {soc2}; PCI DSS v4.0.1 {pci}.\n\n{docs}\n",
        id = rule.id,
        summary = rule.summary,
        severity = rule.severity.name(),
        languages = languages.join(", "),
        cwe = if rule.cwe.is_empty() {
            "no CWE".to_string()
        } else {
            rule.cwe_ids().join(", ")
        },
        owasp = if rule.owasp.is_empty() {
            "none".to_string()
        } else {
            rule.owasp.join(", ")
        },
        soc2 = rule.soc2.join(", "),
        pci = rule.pci_dss.join(", "),
        docs = rule.docs.trim(),
    )
}
