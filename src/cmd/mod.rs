//! One module per command; each parses nothing itself and calls the pipeline.

pub mod build;
pub mod cli;
pub mod completions;
pub mod init;
pub mod man;
pub mod sample;
pub mod validate;

use std::path::Path;

use clap::Parser;

use crate::config::{config_path, Config};
use crate::error::{Error, Result};
use crate::quarter::Quarter;
use cli::{Cli, Command};

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    // a copy of this binary reading one workbook for the run (ingest::sandbox)
    if std::env::args_os().nth(1).as_deref()
        == Some(std::ffi::OsStr::new(crate::ingest::sandbox::CHILD_ARG))
    {
        return crate::ingest::sandbox::child_main();
    }
    crate::ingest::sandbox::enable();
    crate::pipeline::memory::fix_mmap_threshold();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            // --help and --version print as clap renders them (exit 0); a
            // bare `minebrief` shows the help on stderr.
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let code = if e.use_stderr() { 2 } else { 0 };
                let _ = e.print();
                return code;
            }
            let (zh, en) = cli::usage_message(&e);
            eprintln!(
                "错误 / error: {} / {}",
                crate::text::term(&zh),
                crate::text::term(&en)
            );
            return 2;
        }
    };
    let result = match cli.command {
        Command::Build(a) => build::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Init(a) => init::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Man => man::run(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // Paths and values in the message may hold escape sequences,
            // line breaks or bidi controls: shown escaped, on one line.
            eprintln!("错误 / error: {}", crate::text::term(&e.to_string()));
            2
        }
    }
}

/// Parse a `--quarter` value.
pub fn parse_quarter(s: &str) -> Result<Quarter> {
    Quarter::parse(s).ok_or_else(|| {
        Error::usage(
            format!("无法识别的季度“{s}”，应写作 2026Q3、2026-Q3 或 2026年第三季度"),
            format!("cannot read quarter “{s}”: use 2026Q3, 2026-Q3 or 2026年第三季度"),
        )
    })
}

/// Load the configuration for a data folder: `--config`, else DATA/minebrief.toml, else embedded.
pub fn load_config(explicit: Option<&Path>, data: &Path) -> Result<Config> {
    let p = config_path(explicit, Some(data));
    Config::load(p.as_deref())
}
