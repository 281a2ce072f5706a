//! minebrief: quarterly briefings, local reports and performance assessments
//! for a city's joint law-enforcement group against illegal mining.
//!
//! The pipeline, one module per stage:
//! `ingest` (read, decode, map headers, validate) → `model` (typed records)
//! → `analysis` (one-pass sums per cell) → `assess` (rubric scoring) →
//! `report` (one serialisable context per document) → `render`.
//! `cmd` (with `cmd::cli`) only parses arguments and calls the pipeline.

pub mod analysis;
pub mod arena;
pub mod assess;
pub mod cmd;
pub mod config;
pub mod direct_io;
pub mod error;
pub mod excel_csv;
pub mod feedback;
pub mod id_text;
pub mod ingest;
pub mod input;
pub mod mapped;
pub mod model;
pub mod output;
pub mod parquet;
pub mod permute;
pub mod pieces;
pub mod pipeline;
pub mod prefetch;
pub mod privacy;
pub mod quarter;
pub mod render;
pub mod report;
pub mod resident;
pub mod sample;
pub mod sha_pair;
pub mod summary;
pub mod tables;
#[cfg(test)]
mod test_rng;
pub mod text;
