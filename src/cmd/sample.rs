//! `minebrief sample`: write generated sample data.

use crate::cli::SampleArgs;
use crate::error::{Error, Result};

pub fn run(args: SampleArgs) -> Result<i32> {
    let _ = args;
    Err(Error::Other("sample: not yet implemented".into()))
}
