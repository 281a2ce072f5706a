//! The modules under fuzz, compiled from the crate's own sources without the
//! analysis and rendering half (which pulls in polars and would take far
//! longer to build with coverage instrumentation). Paths and names match the
//! `minebrief` crate, so the targets read `minebrief::ingest::…`.
#![allow(dead_code)]

#[path = "../../src/config/mod.rs"]
pub mod config;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/ingest/mod.rs"]
pub mod ingest;
#[path = "../../src/model.rs"]
pub mod model;
#[path = "../../src/input.rs"]
pub mod input;
#[path = "../../src/privacy.rs"]
pub mod privacy;
#[path = "../../src/text.rs"]
pub mod text;
#[path = "../../src/quarter.rs"]
pub mod quarter;
