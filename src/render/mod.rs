//! Renderers: each draws the report contexts of `report` into one format.

pub mod html;
