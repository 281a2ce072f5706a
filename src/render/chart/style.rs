//! Print-friendly palette: every series differs in grey level (and, from
//! the fourth bar series on, by a hatch), every line series by colour, dash
//! pattern and marker shape, so charts stay readable on a monochrome printer.

use serde::{Deserialize, Serialize};

use super::scene::Color;

/// Body text.
pub const TEXT: Color = Color::rgb(0x22, 0x22, 0x22);
/// Secondary text: tick labels, axis titles, notes.
pub const MUTED: Color = Color::rgb(0x55, 0x55, 0x55);
/// Baseline and axis lines.
pub const AXIS: Color = Color::rgb(0x44, 0x44, 0x44);
/// Grid lines.
pub const GRID: Color = Color::rgb(0xd9, 0xd9, 0xd9);
/// Grade-band fills, alternating (lightest first).
pub const BAND_FILLS: [Color; 2] = [Color::rgb(0xf4, 0xf6, 0xf9), Color::rgb(0xe4, 0xe9, 0xf0)];
/// Grade-band boundary lines.
pub const BAND_LINE: Color = Color::rgb(0x8c, 0x8c, 0x8c);

/// How the bars of one series are painted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarStyle {
    pub fill: Color,
    /// Outline (given to light fills so that they show on white paper).
    pub stroke: Option<Color>,
    /// Diagonal hatch lines drawn over the fill.
    pub hatch: Option<Color>,
}

/// Bar style of series `i` (cycles after six). Grey levels: 0 dark, 1 light,
/// 2 middle, 3 white hatched, 4 light hatched, 5 very dark.
pub fn bar_style(i: usize) -> BarStyle {
    const DARK_BLUE: Color = Color::rgb(0x1f, 0x4e, 0x79);
    match i % 6 {
        0 => BarStyle {
            fill: DARK_BLUE,
            stroke: None,
            hatch: None,
        },
        1 => BarStyle {
            fill: Color::rgb(0xf4, 0xb1, 0x83),
            stroke: Some(Color::rgb(0x9c, 0x5b, 0x2e)),
            hatch: None,
        },
        2 => BarStyle {
            fill: Color::rgb(0x5a, 0x9e, 0x94),
            stroke: None,
            hatch: None,
        },
        3 => BarStyle {
            fill: Color::WHITE,
            stroke: Some(DARK_BLUE),
            hatch: Some(DARK_BLUE),
        },
        4 => BarStyle {
            fill: Color::rgb(0xd0, 0xd0, 0xd0),
            stroke: Some(Color::rgb(0x40, 0x40, 0x40)),
            hatch: Some(Color::rgb(0x40, 0x40, 0x40)),
        },
        _ => BarStyle {
            fill: Color::rgb(0x3a, 0x3a, 0x3a),
            stroke: None,
            hatch: None,
        },
    }
}

/// Marker drawn at each point of a line series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkerShape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// How one line series is drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineStyle {
    pub color: Color,
    pub width: f32,
    /// Dash pattern in points; empty = solid.
    pub dash: Vec<f32>,
    pub marker: MarkerShape,
}

/// Line style of series `i` (cycles after five; the fifth repeats the first
/// marker with a different dash).
pub fn line_style(i: usize) -> LineStyle {
    let (color, dash, marker): (Color, &[f32], MarkerShape) = match i % 5 {
        0 => (Color::rgb(0x1f, 0x4e, 0x79), &[], MarkerShape::Circle),
        1 => (
            Color::rgb(0xc0, 0x50, 0x0a),
            &[6.0, 3.0],
            MarkerShape::Square,
        ),
        2 => (
            Color::rgb(0x2e, 0x7d, 0x32),
            &[2.0, 2.0],
            MarkerShape::Triangle,
        ),
        3 => (
            Color::rgb(0x7b, 0x3f, 0x99),
            &[7.0, 2.5, 2.0, 2.5],
            MarkerShape::Diamond,
        ),
        _ => (
            Color::rgb(0x40, 0x40, 0x40),
            &[3.0, 3.0],
            MarkerShape::Circle,
        ),
    };
    LineStyle {
        color,
        width: 1.6,
        dash: dash.to_vec(),
        marker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_three_bar_series_differ_in_grey() {
        let g: Vec<f32> = (0..3).map(|i| bar_style(i).fill.grey()).collect();
        for a in 0..3 {
            for b in a + 1..3 {
                assert!((g[a] - g[b]).abs() > 40.0, "{g:?}");
            }
        }
    }

    #[test]
    fn line_series_differ_in_dash_or_marker() {
        for a in 0..4 {
            for b in a + 1..4 {
                let (x, y) = (line_style(a), line_style(b));
                assert!(x.dash != y.dash && x.marker != y.marker);
            }
        }
    }
}
