//! The `authlint` binary: parse the command line, run, map errors to exit
//! codes (0 clean, 1 findings, 2 usage, configuration or internal error).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match authlint::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match authlint::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            #[allow(clippy::print_stderr)] // the one place a fatal error is shown
            {
                eprintln!("authlint: {error}");
                for cause in error.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::from(2)
        }
    }
}
