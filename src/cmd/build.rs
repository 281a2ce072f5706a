//! `minebrief build`: the whole pipeline for one quarter.

use crate::cli::BuildArgs;
use crate::error::{Error, Result};

pub fn run(args: BuildArgs) -> Result<i32> {
    let _ = args;
    Err(Error::Other("build: not yet implemented".into()))
}
