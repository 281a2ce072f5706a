//! The drawing primitives a chart is laid out into.
//!
//! Coordinates are in points (1/72 inch) with the origin at the top-left
//! corner of the chart and y growing downwards, as in SVG. A PDF renderer
//! flips y (`pdf_y = origin_y + height - y`).

use serde::{Deserialize, Serialize};

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Color {
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    pub const WHITE: Color = Color::rgb(255, 255, 255);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b }
    }

    /// `#rrggbb`, lower case.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Relative luminance in 0–255 (Rec. 601 weights), i.e. the grey level
    /// the colour prints as on a monochrome printer.
    pub fn grey(&self) -> f32 {
        0.299 * self.r as f32 + 0.587 * self.g as f32 + 0.114 * self.b as f32
    }
}

/// A stroke: colour, width in points and a dash pattern (on, off, …) in
/// points; an empty dash pattern is a solid line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    pub color: Color,
    pub width: f32,
    pub dash: Vec<f32>,
}

impl Stroke {
    pub fn solid(color: Color, width: f32) -> Self {
        Stroke {
            color,
            width,
            dash: Vec::new(),
        }
    }

    pub fn dashed(color: Color, width: f32, dash: &[f32]) -> Self {
        Stroke {
            color,
            width,
            dash: dash.to_vec(),
        }
    }
}

/// Horizontal alignment of a text relative to its anchor point (before
/// rotation), as SVG's `text-anchor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weight {
    Normal,
    Bold,
}

/// A single line of text. `(x, y)` is the anchor point on the baseline;
/// `rotate` is in degrees around the anchor point, positive clockwise on
/// screen (SVG convention; −45 reads upwards to the right).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Text {
    pub text: String,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub anchor: Anchor,
    pub weight: Weight,
    pub rotate: f32,
    pub fill: Color,
}

/// One drawing operation. Items are painted in order (later on top).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Primitive {
    /// Axis-aligned rectangle, `(x, y)` its top-left corner.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Stroke,
    },
    /// Open polyline, never filled.
    Polyline {
        points: Vec<(f32, f32)>,
        stroke: Stroke,
    },
    /// Closed polygon (used for triangle and diamond markers).
    Polygon {
        points: Vec<(f32, f32)>,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Text(Text),
}

/// A laid-out chart: size in points, an accessible title and description,
/// and the primitives to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    /// Accessible name (SVG `<title>`); the chart title or a fallback.
    pub title: String,
    /// Text alternative listing the data (SVG `<desc>`).
    pub desc: String,
    pub items: Vec<Primitive>,
}

impl Scene {
    /// All text primitives, in painting order.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        self.items.iter().filter_map(|p| match p {
            Primitive::Text(t) => Some(t),
            _ => None,
        })
    }
}
