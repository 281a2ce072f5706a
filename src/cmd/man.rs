//! `minebrief man`: the manual page (roff) generated from the clap
//! definitions — `minebrief man > minebrief.1`, then `man ./minebrief.1`.
//! One page for the tool with every command's options.

use std::io::Write as _;

use clap::CommandFactory;

use super::cli::Cli;
use crate::error::{Error, Result};

pub fn run() -> Result<i32> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut buf).map_err(|e| {
        Error::Other(format!(
            "无法生成手册页：{e} / cannot render the man page: {e}"
        ))
    })?;
    for sub in cmd.get_subcommands() {
        let name = format!("minebrief-{}", sub.get_name());
        clap_mangen::Man::new(sub.clone())
            .title(name)
            .render(&mut buf)
            .map_err(|e| {
                Error::Other(format!(
                    "无法生成手册页：{e} / cannot render the man page: {e}"
                ))
            })?;
    }
    let _ = std::io::stdout().lock().write_all(&buf);
    Ok(0)
}
