//! The command line: clap definitions and what each command does with the
//! library. With `report`, the only code that prints.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::finding::Severity;
use crate::report::{self, Format};
use crate::rules;
use crate::scan::{self, ScanOptions};

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
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to a file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these rules or families (comma-separated, repeatable)
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Do not run these rules or families (comma-separated, repeatable)
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Fail (exit 1) on findings of this severity or higher
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Exit 0 even when there are findings
    #[arg(long)]
    pub exit_zero: bool,

    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Print findings only: no summary, no warnings
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Never colour the text output
    #[arg(long)]
    pub no_color: bool,

    /// Print files, bytes, time and files skipped to standard error
    #[arg(long)]
    pub stats: bool,

    /// Also walk `node_modules`, vendor, target, dist and minified bundles
    #[arg(long)]
    pub no_default_excludes: bool,

    /// Walk and parse every file but run no rule (the benchmark's floor)
    #[arg(long, hide = true)]
    pub parse_only: bool,

    /// Run every rule on every file, even files without its trigger words
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
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
    }
}

fn run_scan(args: &ScanArgs) -> anyhow::Result<u8> {
    for selector in args.select.iter().chain(&args.ignore) {
        if !rules::selector_is_known(selector) {
            bail!("unknown rule or family `{selector}`; `authlint rules` lists them");
        }
    }
    let options = ScanOptions {
        paths: args.paths.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        include_default_excluded: args.no_default_excludes,
        parse_only: args.parse_only,
        no_prefilter: args.no_prefilter,
        jobs: args.jobs,
    };
    let result = scan::scan(&options)?;

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
        let mut stderr = std::io::stderr().lock();
        let seconds = result.duration.as_secs_f64();
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

    let failing = result.findings.iter().any(|f| f.severity() >= args.fail_on);
    Ok(u8::from(failing && !args.exit_zero))
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
        cwe = rule.cwe_ids().join(", "),
        owasp = rule.owasp.join(", "),
        soc2 = rule.soc2.join(", "),
        pci = rule.pci_dss.join(", "),
        docs = rule.docs.trim(),
    )
}
