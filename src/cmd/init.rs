//! `minebrief init`: write the default configuration with its comments.

use std::io::Write;
use std::path::PathBuf;

use crate::config::DEFAULT_TOML;
use crate::error::{Error, Result};

/// The arguments of `minebrief init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// 写到该文件 / write to this file (default: print to standard output)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: InitArgs) -> Result<i32> {
    match args.out {
        Some(path) => {
            if path.exists() {
                return Err(Error::usage(
                    format!("{} 已存在，不会覆盖", path.display()),
                    format!("{} exists; not overwritten", path.display()),
                ));
            }
            crate::output::write_atomic(&path, DEFAULT_TOML.as_bytes())?;
            eprintln!(
                "已写出 / written: {}",
                crate::text::term(&path.display().to_string())
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(DEFAULT_TOML.as_bytes())
                .map_err(|e| Error::io("<stdout>", e))?;
        }
    }
    Ok(0)
}
