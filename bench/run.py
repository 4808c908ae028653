#!/usr/bin/env python3
"""Throughput benchmark for authlint on real dependency trees.

Builds (or reuses) two corpora -- the npm packages a typical Node API
depends on, and the vendored sources of an axum / actix-web service -- and
times `authlint scan` on each: the full scan, and a parse-only scan that
walks and parses every file but runs no rule (the floor a rule engine
cannot beat). Commands run alternately, round after round, so that drift
in machine load hits all of them alike; the report gives medians.

Standard library only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

JS_PACKAGES = [
    "express",
    "jsonwebtoken",
    "passport",
    "passport-jwt",
    "@nestjs/core",
    "@nestjs/common",
    "@nestjs/jwt",
    "fastify",
    "koa",
    "mongoose",
    "sequelize",
    "typescript",
    "express-jwt",
    "jose",
]

RUST_DEPENDENCIES = """\
axum = "*"
actix-web = "*"
jsonwebtoken = "*"
tokio = { version = "*", features = ["full"] }
"""

# The extensions authlint parses as code (RULES.md: `js` and `rs`).
SOURCE_EXTENSIONS = {
    ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".rs",
}

# authlint exits 1 when it reports findings; only 2 is a failure.
AUTHLINT_OK_CODES = frozenset({0, 1})

COMPLETE_MARKER = ".authlint-bench-complete"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """A failure that ends the run with one message and exit code 2."""


# ---------------------------------------------------------------- corpus


def run_setup(argv: list[str], cwd: Path) -> None:
    log(f"$ {' '.join(argv)}  (in {cwd})")
    result = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise BenchError(f"`{argv[0]}` failed with exit code "
                         f"{result.returncode}\n{tail}")


def build_js_corpus(root: Path) -> Path:
    """npm project whose node_modules is the JavaScript corpus."""
    project = root / "js"
    if (project / COMPLETE_MARKER).exists():
        log(f"reusing JS corpus in {project}")
        return project
    if shutil.which("npm") is None:
        raise BenchError("npm is needed to build the JS corpus")
    project.mkdir(parents=True, exist_ok=True)
    manifest = {"name": "authlint-bench-js", "version": "0.0.0",
                "private": True}
    (project / "package.json").write_text(json.dumps(manifest, indent=2))
    run_setup(["npm", "install", "--ignore-scripts", "--no-audit",
               "--no-fund", *JS_PACKAGES], project)
    (project / COMPLETE_MARKER).touch()
    return project


def build_rust_corpus(root: Path) -> Path:
    """`cargo vendor` output of a throwaway web service."""
    project = root / "rust"
    vendor = project / "vendor"
    if (project / COMPLETE_MARKER).exists():
        log(f"reusing Rust corpus in {vendor}")
        return vendor
    if shutil.which("cargo") is None:
        raise BenchError("cargo is needed to build the Rust corpus")
    (project / "src").mkdir(parents=True, exist_ok=True)
    # The empty [workspace] keeps cargo from attaching this project to a
    # workspace above the corpus directory.
    (project / "Cargo.toml").write_text(
        '[package]\nname = "authlint-bench-rust"\nversion = "0.0.0"\n'
        'edition = "2021"\npublish = false\n\n[workspace]\n\n'
        f"[dependencies]\n{RUST_DEPENDENCIES}")
    (project / "src" / "main.rs").write_text("fn main() {}\n")
    if vendor.exists():
        shutil.rmtree(vendor)
    run_setup(["cargo", "vendor", "--quiet", "vendor"], project)
    (project / COMPLETE_MARKER).touch()
    return vendor


def js_versions(project: Path) -> dict[str, str]:
    versions = {}
    for name in JS_PACKAGES:
        manifest = project / "node_modules" / name / "package.json"
        try:
            versions[name] = json.loads(manifest.read_text())["version"]
        except (OSError, ValueError, KeyError):
            versions[name] = "?"
    return versions


def rust_versions(vendor: Path) -> dict[str, str]:
    wanted = {"axum", "actix-web", "jsonwebtoken", "tokio"}
    lock = vendor.parent / "Cargo.lock"
    versions: dict[str, str] = {}
    name = None
    try:
        lines = lock.read_text().splitlines()
    except OSError:
        return versions
    for line in lines:
        if line.startswith("name = "):
            name = line.split('"')[1]
        elif line.startswith("version = ") and name in wanted:
            versions[name] = line.split('"')[1]
    return versions


@dataclass
class CorpusSize:
    source_files: int = 0
    source_bytes: int = 0
    all_files: int = 0
    all_bytes: int = 0


def measure_corpus(path: Path) -> CorpusSize:
    """Counts every regular file, and the ones authlint parses as code.

    Symlinks are not followed (npm's node_modules/.bin is all links).
    """
    size = CorpusSize()
    for directory, dirnames, filenames in os.walk(path):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for filename in filenames:
            file = Path(directory, filename)
            if file.is_symlink() or not file.is_file():
                continue
            length = file.stat().st_size
            size.all_files += 1
            size.all_bytes += length
            if file.suffix in SOURCE_EXTENSIONS:
                size.source_files += 1
                size.source_bytes += length
    return size


# -------------------------------------------------------------- commands


@dataclass
class Command:
    """One tool invocation to time; `{dir}` in argv is the corpus path.

    Peers (ast-grep, semgrep, eslint) join the same alternating loop as
    further Command entries, each with the exit codes it uses for success.
    """

    name: str
    argv: list[str]
    ok_codes: frozenset[int] = AUTHLINT_OK_CODES
    # Working directory, with `{dir}` for the corpus; None: the harness's.
    cwd: str | None = None

    def for_dir(self, directory: Path) -> list[str]:
        return [arg.replace("{dir}", str(directory)) for arg in self.argv]

    def cwd_for(self, directory: Path) -> str | None:
        return self.cwd.replace("{dir}", str(directory)) if self.cwd else None


def authlint_commands(binary: str, jobs: int | None,
                      unfiltered: bool) -> list[Command]:
    """The full scan, the parse-only floor and, on request, a full scan
    without the trigger-word prefilter.

    The prefilter lets the full scan skip parsing files that mention none
    of a rule family's trigger words, so on dependency trees `full` is
    usually faster than `floor`. `unfiltered` parses every file and runs
    every rule on it: `unfiltered / floor` is what the rules cost on top
    of parsing, `full / floor` what a user actually waits for.
    """
    common = [binary, "scan", "--no-default-excludes", "--format", "json",
              "--output", os.devnull]
    if jobs is not None:
        common += ["--jobs", str(jobs)]
    commands = [
        Command("full", [*common, "{dir}"]),
        Command("floor", [*common, "--parse-only", "{dir}"]),
    ]
    if unfiltered:
        commands.append(
            Command("unfiltered", [*common, "--no-prefilter", "{dir}"]))
    return commands


def parse_extra_command(spec: str) -> Command:
    """`NAME=COMMAND LINE` with `{dir}`; exits 0 and 1 count as success."""
    name, sep, line = spec.partition("=")
    if not sep or not name or "{dir}" not in line:
        raise argparse.ArgumentTypeError(
            f"expected NAME='command ... {{dir}}', got {spec!r}")
    return Command(name.strip(), line.split())


# ----------------------------------------------------------------- peers

PEERS_DIR = Path(__file__).resolve().parent / "peers"
PEER_PIP_PACKAGES = ["semgrep", "ast-grep-cli"]
PEER_NPM_PACKAGES = ["eslint", "eslint-plugin-security"]
# Semgrep skips files over 1 MB by default; authlint's limit is 4 MiB.
SEMGREP_MAX_TARGET_BYTES = str(4 * 1024 * 1024)
# ast-grep, Semgrep and ESLint exit 1 when they report something.
PEER_OK_CODES = frozenset({0, 1})


def install_peers(root: Path) -> Path:
    """Semgrep and ast-grep (PyPI) and ESLint with eslint-plugin-security
    (npm), installed once into `root` and reused."""
    if (root / COMPLETE_MARKER).exists():
        log(f"reusing peers in {root}")
        return root
    root.mkdir(parents=True, exist_ok=True)
    if shutil.which("npm") is None:
        raise BenchError("npm is needed to install ESLint")
    venv = root / "venv"
    run_setup([sys.executable, "-m", "venv", str(venv)], root)
    run_setup([str(venv / "bin" / "pip"), "install", "--quiet",
               "--disable-pip-version-check", *PEER_PIP_PACKAGES], root)
    (root / "package.json").write_text(json.dumps(
        {"name": "authlint-bench-peers", "version": "0.0.0",
         "private": True}, indent=2))
    run_setup(["npm", "install", "--no-audit", "--no-fund",
               *PEER_NPM_PACKAGES], root)
    (root / COMPLETE_MARKER).touch()
    return root


def prepare_corpus_for_peers(directory: Path) -> None:
    """An empty `.semgrepignore` at the corpus root: without one Semgrep
    applies its default list, which skips `node_modules` and `vendor`, the
    very files the corpus consists of. The corpus is the harness's own
    scratch tree, so writing to it is fine; authlint reads the file as
    text like any other."""
    ignore = directory / ".semgrepignore"
    if not ignore.exists():
        ignore.write_text("# empty: scan every file, as the other tools do\n")


def peer_commands(root: Path, corpus: str) -> list[Command]:
    """The peers, with rule files that match a few authlint rules of the
    corpus's language (bench/peers/)."""
    bin_dir = root / "venv" / "bin"
    language = "js" if corpus == "js" else "rust"
    commands = [
        Command("ast-grep", [str(bin_dir / "ast-grep"), "scan", "--config",
                             str(PEERS_DIR / "ast-grep" / language /
                                 "sgconfig.yml"),
                             "--json=stream", "{dir}"], PEER_OK_CODES),
        Command("semgrep", [str(bin_dir / "semgrep"), "scan",
                            "--metrics=off", "--disable-version-check",
                            "--quiet", "--json", "--output", os.devnull,
                            "--max-target-bytes", SEMGREP_MAX_TARGET_BYTES,
                            "--project-root", "{dir}",
                            "--config",
                            str(PEERS_DIR / f"semgrep-{language}.yml"),
                            "{dir}"], PEER_OK_CODES),
    ]
    if corpus == "js":
        # ESLint resolves the plugin from the configuration's directory and
        # lints files below its working directory: the configuration is
        # copied next to the installed plugin, and ESLint runs in the corpus.
        config = root / "eslint.config.mjs"
        shutil.copyfile(PEERS_DIR / "eslint.config.mjs", config)
        commands.append(Command(
            "eslint", [str(root / "node_modules" / ".bin" / "eslint"),
                       "--no-config-lookup", "--config", str(config),
                       "--format", "json", "--output-file", os.devnull,
                       "."], PEER_OK_CODES, cwd="{dir}"))
    return commands


# ------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    max_rss_kib: int


@dataclass
class Series:
    command: Command
    samples: list[Sample] = field(default_factory=list)

    def median_wall(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    def median_cpu(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    def peak_rss_mib(self) -> float:
        return max(s.max_rss_kib for s in self.samples) / 1024


class Timer:
    """Runs a command once and measures wall time, CPU time and peak RSS.

    Wall time comes from the clock, CPU time from wait4 (it includes the
    children the command waited for). Peak RSS cannot come from wait4:
    Linux carries the RSS high-water mark of the process that forked the
    command across exec, so every child of this Python process would
    report at least the harness's own 15-20 MiB. GNU time is a small
    program whose children report their own peak, so it is used when it
    is installed; otherwise the figure is only an upper bound.
    """

    def __init__(self, scratch: Path, use_gnu_time: bool) -> None:
        self.rss_file = scratch / "rss"
        self.gnu_time = find_gnu_time(scratch) if use_gnu_time else None

    def run(self, argv: list[str], ok_codes: frozenset[int],
            cwd: str | None = None) -> Sample:
        wrapped = argv
        if self.gnu_time:
            wrapped = [self.gnu_time, "--quiet", "-f", "%M",
                       "-o", str(self.rss_file), *argv]
        # stderr goes to a file, not a pipe: thousands of parse warnings
        # would fill a pipe that nobody reads while we sit in wait4.
        with open(os.devnull, "wb") as sink, \
                tempfile.TemporaryFile() as errors:
            started = time.perf_counter()
            process = subprocess.Popen(wrapped, stdout=sink, stderr=errors,
                                       cwd=cwd)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            process.returncode = code = os.waitstatus_to_exitcode(status)
            if code not in ok_codes:
                errors.seek(0)
                lines = errors.read().decode(errors="replace").splitlines()
                tail = "\n".join(lines[-15:])
                raise BenchError(f"`{' '.join(argv)}` exited with {code}"
                                 f"\n{tail}")
        max_rss_kib = usage.ru_maxrss
        if self.gnu_time:
            max_rss_kib = int(self.rss_file.read_text().split()[-1])
        return Sample(wall, usage.ru_utime + usage.ru_stime, max_rss_kib)


def find_gnu_time(scratch: Path) -> str | None:
    """/usr/bin/time if it is GNU time (BusyBox and BSD lack -f/-o/--quiet)."""
    candidate = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if candidate is None:
        return None
    probe = scratch / "probe"
    result = subprocess.run([candidate, "--quiet", "-f", "%M", "-o",
                             str(probe), "true"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        int(probe.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None
    return candidate if result.returncode == 0 else None


def summary_files(timer: Timer, binary: str, directory: Path,
                  jobs: int | None, scratch: Path) -> int | None:
    """Number of files authlint itself reports scanning (`summary.files`)."""
    report = scratch / "report.json"
    argv = [binary, "scan", "--no-default-excludes", "--format", "json",
            "--output", str(report), str(directory)]
    if jobs is not None:
        argv[2:2] = ["--jobs", str(jobs)]
    timer.run(argv, AUTHLINT_OK_CODES)
    try:
        return int(json.loads(report.read_text())["summary"]["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        report.unlink(missing_ok=True)


def bench_corpus(timer: Timer, directory: Path, commands: list[Command],
                 runs: int, warmup: int) -> list[Series]:
    series = [Series(command) for command in commands]
    for _ in range(warmup):
        for entry in series:
            timer.run(entry.command.for_dir(directory),
                      entry.command.ok_codes,
                      entry.command.cwd_for(directory))
    for round_number in range(runs):
        # Rotate the order every round: no command always runs first.
        shift = round_number % len(series)
        for entry in series[shift:] + series[:shift]:
            sample = timer.run(entry.command.for_dir(directory),
                               entry.command.ok_codes,
                               entry.command.cwd_for(directory))
            entry.samples.append(sample)
        walls = ", ".join(f"{entry.command.name} "
                          f"{entry.samples[-1].wall_s:.3f}s"
                          for entry in series)
        log(f"  round {round_number + 1}/{runs}: {walls}")
    return series


# -------------------------------------------------------------- reporting


def corpus_result(name: str, directory: Path, size: CorpusSize,
                  files_scanned: int | None, versions: dict[str, str],
                  series: list[Series]) -> dict:
    megabytes = size.source_bytes / 1e6
    rows = []
    for entry in series:
        wall = entry.median_wall()
        rows.append({
            "command": entry.command.name,
            "argv": entry.command.for_dir(directory),
            "runs": len(entry.samples),
            "median_wall_s": round(wall, 4),
            "min_wall_s": round(min(s.wall_s for s in entry.samples), 4),
            "max_wall_s": round(max(s.wall_s for s in entry.samples), 4),
            "median_cpu_s": round(entry.median_cpu(), 4),
            "files_per_s": round(size.source_files / wall, 1),
            "mb_per_s": round(megabytes / wall, 2),
            "peak_rss_mib": round(entry.peak_rss_mib(), 1),
        })
    by_name = {row["command"]: row for row in rows}
    floor = by_name.get("floor")
    for row in rows:
        row["over_floor"] = row["cpu_over_floor"] = None
        if floor is not None and row is not floor:
            row["over_floor"] = round(row["median_wall_s"]
                                      / floor["median_wall_s"], 2)
            # CPU time is the steadier figure on a machine that is busy.
            if floor["median_cpu_s"] > 0:
                row["cpu_over_floor"] = round(row["median_cpu_s"]
                                              / floor["median_cpu_s"], 2)
    ratio = by_name["full"]["over_floor"] if "full" in by_name else None
    return {
        "corpus": name,
        "path": str(directory),
        "source_files": size.source_files,
        "source_bytes": size.source_bytes,
        "all_files": size.all_files,
        "all_bytes": size.all_bytes,
        "authlint_summary_files": files_scanned,
        "versions": versions,
        "commands": rows,
        "full_over_floor": ratio,
    }


def print_table(results: list[dict], runs: int) -> None:
    print(f"median of {runs} runs; files/s and MB/s count JS/TS/Rust "
          "source files")
    for result in results:
        width = max(8, *(len(row["command"]) for row in result["commands"]))
        print()
        print(f"{result['corpus']}: {result['source_files']} source files, "
              f"{result['source_bytes'] / 1e6:.1f} MB "
              f"({result['all_files']} files, "
              f"{result['all_bytes'] / 1e6:.1f} MB in all; authlint "
              f"summary.files = {result['authlint_summary_files']})")
        print(f"{'corpus':<6} {'command':<{width}} {'median s':>9} "
              f"{'cpu s':>7} {'files/s':>9} {'MB/s':>7} "
              f"{'peak RSS MiB':>13}")
        for row in result["commands"]:
            print(f"{result['corpus']:<6} {row['command']:<{width}} "
                  f"{row['median_wall_s']:>9.3f} {row['median_cpu_s']:>7.2f} "
                  f"{row['files_per_s']:>9.0f} {row['mb_per_s']:>7.1f} "
                  f"{row['peak_rss_mib']:>13.1f}")
        ratios = [f"{row['command']} / floor = {row['over_floor']:.2f} "
                  f"(cpu {row['cpu_over_floor'] or float('nan'):.2f})"
                  for row in result["commands"]
                  if row["over_floor"] is not None]
        if ratios:
            print("; ".join(ratios))
        by_name = {row["command"]: row for row in result["commands"]}
        full = by_name.get("full")
        authlint_rows = {"full", "floor", "unfiltered"}
        versus = [f"{row['command']} / full = "
                  f"{row['median_wall_s'] / full['median_wall_s']:.1f}x "
                  f"(cpu {row['median_cpu_s'] / full['median_cpu_s']:.1f}x)"
                  for row in result["commands"]
                  if full is not None and row["command"] not in authlint_rows
                  and full["median_wall_s"] > 0 and full["median_cpu_s"] > 0]
        if versus:
            print("peers against the full scan: " + "; ".join(versus))


# ------------------------------------------------------------------ main


def write_stand_in(directory: Path) -> str:
    """A fake authlint for --dry-run: sleeps a little, writes a summary."""
    script = directory / "authlint-stand-in"
    script.write_text(
        "#!/bin/sh\n"
        "# Stand-in for authlint: honours --output, exits 1 like a scan\n"
        "# that found something.\n"
        "out=/dev/null\n"
        "while [ $# -gt 0 ]; do\n"
        '  if [ "$1" = --output ]; then out=$2; shift; fi\n'
        "  shift\n"
        "done\n"
        "sleep 0.05\n"
        'printf \'{"findings":[],"summary":{"files":0}}\\n\' > "$out"\n'
        "exit 1\n")
    script.chmod(0o755)
    return str(script)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time authlint on real JS and Rust dependency trees.")
    parser.add_argument("--bin", default="target/release/authlint",
                        help="authlint binary (default: %(default)s)")
    parser.add_argument("--corpus", type=Path,
                        help="corpus directory, built if missing and reused "
                             "if complete (default: a temporary directory, "
                             "removed afterwards)")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed rounds per corpus (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed rounds first (default: %(default)s)")
    parser.add_argument("--only", choices=["js", "rust"],
                        help="benchmark one corpus")
    parser.add_argument("--jobs", type=int,
                        help="pass --jobs N to authlint")
    parser.add_argument("--unfiltered", action="store_true",
                        help="also time a full scan with --no-prefilter, "
                             "which parses every file and runs every rule")
    parser.add_argument("--command", dest="extra", action="append",
                        type=parse_extra_command, default=[],
                        metavar="NAME=CMD",
                        help="another command to time in the same loop, "
                             "with {dir} for the corpus; repeatable")
    parser.add_argument("--peers", type=Path, metavar="DIR",
                        help="also time ast-grep, Semgrep and ESLint with "
                             "eslint-plugin-security, installed into DIR on "
                             "first use (needs PyPI and npm)")
    parser.add_argument("--no-gnu-time", action="store_true",
                        help="take peak RSS from wait4 even when GNU time "
                             "is installed (an upper bound, see Timer)")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON instead of a table")
    parser.add_argument("--dry-run", action="store_true",
                        help="time a stand-in instead of authlint, to test "
                             "the harness")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup not negative")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="authlint-bench-"))
    try:
        binary = write_stand_in(scratch) if args.dry_run else args.bin
        if not args.dry_run and not os.access(binary, os.X_OK):
            raise BenchError(f"{binary}: not an executable; build it with "
                             "`cargo build --release` or pass --bin")
        root = args.corpus or scratch / "corpus"
        root.mkdir(parents=True, exist_ok=True)
        commands = (authlint_commands(binary, args.jobs, args.unfiltered)
                    + args.extra)
        timer = Timer(scratch, use_gnu_time=not args.no_gnu_time)
        if timer.gnu_time is None:
            log("peak RSS from wait4: an upper bound that includes the "
                "harness's own RSS")

        corpora = []
        if args.only in (None, "js"):
            project = build_js_corpus(root)
            corpora.append(("js", project, js_versions(project)))
        if args.only in (None, "rust"):
            vendor = build_rust_corpus(root)
            corpora.append(("rust", vendor, rust_versions(vendor)))

        load_before = os.getloadavg()[0]
        if load_before > (os.cpu_count() or 1) / 2:
            log(f"the machine is busy (load {load_before:.1f}): wall times "
                "will be noisy; compare the cpu columns")
        peers = install_peers(args.peers.resolve()) if args.peers else None
        results = []
        for name, directory, versions in corpora:
            corpus_commands = commands
            if peers is not None:
                prepare_corpus_for_peers(directory)
                corpus_commands = commands + peer_commands(peers, name)
            size = measure_corpus(directory)
            log(f"{name}: {size.source_files} source files in {directory}")
            files_scanned = summary_files(timer, binary, directory,
                                          args.jobs, scratch)
            series = bench_corpus(timer, directory, corpus_commands,
                                  args.runs, args.warmup)
            results.append(corpus_result(name, directory, size,
                                         files_scanned, versions, series))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    load_after = os.getloadavg()[0]
    if args.json:
        report = {"runs": args.runs, "warmup": args.warmup,
                  "cpus": os.cpu_count(), "dry_run": args.dry_run,
                  "load_before": round(load_before, 2),
                  "load_after": round(load_after, 2),
                  "rss_source": "gnu-time" if timer.gnu_time else "wait4",
                  "corpora": results}
        print(json.dumps(report, indent=2))
    else:
        print_table(results, args.runs)
        print(f"\nload average {load_before:.2f} before, {load_after:.2f} "
              f"after, on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
