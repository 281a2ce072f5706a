//! One module per command; each parses nothing itself and calls the pipeline.

pub mod build;
pub mod completions;
pub mod init;
pub mod man;
pub mod sample;
pub mod validate;

use std::path::Path;

use crate::config::{config_path, Config};
use crate::error::{Error, Result};
use crate::quarter::Quarter;

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
