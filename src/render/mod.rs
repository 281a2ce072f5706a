//! Renderers: each draws the report contexts of `report` into one format.
//!
//! `chart` lays charts out into a [`chart::Scene`] of drawing primitives in
//! points; the HTML renderer turns a scene into inline SVG
//! ([`chart::to_svg`]), the PDF renderer ([`pdf`]) draws the same primitives.

pub mod chart;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod raster;
pub mod xlsx;
