//! Rendering: renderer-independent pieces shared by the HTML and PDF output.
//!
//! `chart` lays charts out into a [`chart::Scene`] of drawing primitives in
//! points; the HTML renderer turns a scene into inline SVG
//! ([`chart::to_svg`]), the PDF renderer draws the same primitives.

pub mod chart;
