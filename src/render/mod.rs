//! Renderers: each draws the report contexts of `report` into one format.
//!
//! `chart` lays charts out into a [`chart::Scene`] of drawing primitives in
//! points; the HTML renderer turns a scene into inline SVG
//! ([`chart::to_svg`]), the PDF renderer ([`pdf`]) draws the same primitives.

use chrono::NaiveDate;

use crate::error::Result;
use crate::report::{doc, IndexDoc};

pub mod chart;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod raster;
pub mod typeset;
pub mod xlsx;

/// What a document renderer draws: every document of a run as a model
/// (file stem, model), the index page, the warnings the index shows, and
/// the issue date.
pub struct DocumentSet<'a> {
    pub index: &'a IndexDoc,
    pub models: &'a [(String, doc::Document)],
    pub warnings: &'a [String],
    pub issued: NaiveDate,
}

/// One document format (HTML, PDF, Word): draws the whole set into files
/// (name in the output folder, bytes). The pipeline holds one per
/// requested format and knows nothing else about them.
pub trait Renderer {
    /// The format's name, for timings.
    fn format(&self) -> &'static str;
    fn render(&self, set: &DocumentSet<'_>) -> Result<Vec<(String, Vec<u8>)>>;
}
