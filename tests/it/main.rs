//! The one integration-test binary: a module per feature, all sharing
//! `common` (building and linking polars once instead of once per file).

mod accounting;
mod analysis;
mod assess;
mod cli;
mod common;
mod completions;
mod determinism;
mod docmodel;
mod feedback;
mod fuzz_regressions;
mod gongwen;
mod harm;
mod hostile;
mod html;
mod ingest;
mod interrupted;
mod malformed;
mod office;
mod parquet;
mod pdf;
mod recurrence;
mod safe_data;
mod safety;
mod sample;
mod wording;
mod workbooks;
