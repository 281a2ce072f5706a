//! `minebrief completions SHELL`: the shell completion script (bash, zsh,
//! fish, PowerShell, elvish) generated from the clap definitions, so it can
//! never fall behind the real options. PowerShell is what Windows offices have.

use std::io::Write as _;

use clap::CommandFactory;
use clap_complete::generate;

use super::cli::Cli;
use crate::error::Result;

/// The arguments of `minebrief completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// 终端类型 / shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: CompletionsArgs) -> Result<i32> {
    let mut buf = Vec::new();
    generate(args.shell, &mut Cli::command(), "minebrief", &mut buf);
    // A closed pipe is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(&buf);
    Ok(0)
}
