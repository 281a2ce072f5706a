//! Charts for the briefing, the regional reports and the assessment, drawn
//! the same way in HTML and PDF.
//!
//! Three steps:
//! 1. a chart model — [`BarChart`] (categories × one or more series,
//!    vertical or horizontal bars, optional grade bands) or [`LineChart`]
//!    (a trend over quarters);
//! 2. [`layout`] (or [`layout_bar_chart`] / [`layout_line_chart`]) turns it
//!    into a [`Scene`]: rectangles, lines, polylines, markers and texts in
//!    points, with text widths estimated by a pluggable [`Measure`]
//!    ([`default_measure`] for HTML, real font metrics for PDF);
//! 3. a renderer draws the scene: [`to_svg`] gives a standalone inline
//!    `<svg>` for HTML; the PDF renderer walks [`Scene::items`].
//!
//! Layout never panics: NaN and infinities count as 0, missing values as 0,
//! no categories or no data give a scene with a "暂无数据" note. Output is
//! deterministic (fixed decimals everywhere).
//!
//! ```
//! use minebrief::render::chart::{BarChart, default_measure, layout_bar_chart, to_svg};
//!
//! let chart = BarChart::new("各地发现非法采矿行为情况", ["鹿城区", "龙湾区", "瓯海区"])
//!     .series("本季度", [12.0, 7.0, 3.0])
//!     .series("去年同期", [9.0, 8.0, 0.0])
//!     .value_label("单位：起");
//! let scene = layout_bar_chart(&chart, &default_measure);
//! let svg = to_svg(&scene);
//! assert!(svg.starts_with("<svg") && svg.contains("鹿城区"));
//! ```

mod bar;
mod layout;
mod line;
mod scene;
mod style;
mod svg;
mod text;
mod ticks;

pub use bar::layout_bar_chart;
pub use line::layout_line_chart;
pub use scene::{Anchor, Color, Primitive, Scene, Stroke, Text, Weight};
pub use style::{bar_style, line_style, BarStyle, LineStyle, MarkerShape};
pub use svg::{to_svg, FONT_FAMILY};
pub use text::{
    default_measure, format_fixed, format_number, label_decimals, wrap_balanced, wrap_text, Measure,
};
pub use ticks::{nice_ticks, Ticks};

pub use crate::report::chart::{
    Band, BarChart, Chart, LineChart, Orientation, Series, DEFAULT_WIDTH,
};

/// Drawing a chart specification: its scene (laid out with `measure`) and
/// its SVG.
impl BarChart {
    /// Lays out with `measure` (see [`layout_bar_chart`]).
    pub fn layout(&self, measure: Measure) -> Scene {
        layout_bar_chart(self, measure)
    }

    /// Lays out with [`default_measure`] and renders as SVG.
    pub fn to_svg(&self) -> String {
        to_svg(&self.layout(&default_measure))
    }
}

impl LineChart {
    pub fn layout(&self, measure: Measure) -> Scene {
        layout_line_chart(self, measure)
    }

    /// Lays out with [`default_measure`] and renders as SVG.
    pub fn to_svg(&self) -> String {
        to_svg(&self.layout(&default_measure))
    }
}

impl Chart {
    pub fn layout(&self, measure: Measure) -> Scene {
        layout(self, measure)
    }

    /// Lays out with [`default_measure`] and renders as SVG.
    pub fn to_svg(&self) -> String {
        to_svg(&self.layout(&default_measure))
    }
}

/// Lays out any chart.
pub fn layout(chart: &Chart, measure: Measure) -> Scene {
    match chart {
        Chart::Bar(b) => layout_bar_chart(b, measure),
        Chart::Line(l) => layout_line_chart(l, measure),
    }
}

#[cfg(test)]
mod fuzz {
    //! Random charts: layout must not panic, every coordinate is finite,
    //! and unrotated text stays inside the scene.
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    const CHARS: &[char] = &[
        '鹿', '城', '区', '无', '居', '民', '海', '岛', '采', '挖', '（', '）', '，', 'A', 'Q',
        '1', '9', ' ', '<', '&', '"', '\'', '\n', '垟', 'é', '—', 'W', 'x',
    ];

    fn label(r: &mut ChaCha8Rng, max: usize) -> String {
        let n = r.gen_range(0..=max);
        (0..n).map(|_| CHARS[r.gen_range(0..CHARS.len())]).collect()
    }

    fn value(r: &mut ChaCha8Rng) -> f64 {
        match r.gen_range(0..20) {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -r.gen_range(0.0..50.0),
            3 => r.gen_range(0.0..1e9),
            4 => 0.0,
            5 => r.gen_range(0.0..0.01),
            _ => (r.gen_range(0.0..200.0f64) * 4.0).round() / 4.0,
        }
    }

    fn series(r: &mut ChaCha8Rng, n: usize) -> Vec<Series> {
        (0..r.gen_range(0..5))
            .map(|_| Series::new(label(r, 8), (0..r.gen_range(0..n + 2)).map(|_| value(r))))
            .collect()
    }

    fn check(scene: &Scene, what: &str) {
        assert!(
            scene.width.is_finite() && scene.height.is_finite(),
            "{what}"
        );
        for p in &scene.items {
            let nums: Vec<f32> = match p {
                Primitive::Rect { x, y, w, h, .. } => vec![*x, *y, *w, *h],
                Primitive::Line { x1, y1, x2, y2, .. } => vec![*x1, *y1, *x2, *y2],
                Primitive::Polyline { points, .. } | Primitive::Polygon { points, .. } => {
                    points.iter().flat_map(|(a, b)| [*a, *b]).collect()
                }
                Primitive::Circle { cx, cy, r, .. } => vec![*cx, *cy, *r],
                Primitive::Text(t) => vec![t.x, t.y, t.size, t.rotate],
            };
            assert!(nums.iter().all(|v| v.is_finite()), "{what}: {p:?}");
        }
        for t in scene.texts() {
            assert!(
                !t.text.is_empty() && !t.text.contains('\n'),
                "{what}: {t:?}"
            );
            if t.rotate != 0.0 {
                continue;
            }
            let w = default_measure(&t.text, t.size);
            let x0 = match t.anchor {
                Anchor::Start => t.x,
                Anchor::Middle => t.x - w / 2.0,
                Anchor::End => t.x - w,
            };
            assert!(
                x0 >= -0.5 && x0 + w <= scene.width + 0.5,
                "{what}: {t:?} outside 0..{}",
                scene.width
            );
            assert!(
                t.y - t.size >= -0.5 && t.y <= scene.height + 0.5,
                "{what}: {t:?}"
            );
        }
        let svg = to_svg(scene);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{what}");
    }

    #[test]
    fn random_charts() {
        let mut r = ChaCha8Rng::seed_from_u64(20261015);
        for case in 0..600 {
            let n = r.gen_range(0..30);
            let cats: Vec<String> = (0..n).map(|_| label(&mut r, 14)).collect();
            let mut bar = BarChart::new(label(&mut r, 40), cats.clone());
            bar.series = series(&mut r, n);
            bar.value_label = label(&mut r, 10);
            bar.category_label = label(&mut r, 10);
            bar.decimals = r.gen_range(0..9);
            bar.show_values = r.gen_bool(0.8);
            if r.gen_bool(0.3) {
                bar.value_max = Some(value(&mut r));
                bar.bands = (0..r.gen_range(0..5))
                    .map(|_| Band::new(value(&mut r), value(&mut r), label(&mut r, 5)))
                    .collect();
            }
            if r.gen_bool(0.2) {
                bar.width = r.gen_range(-10.0..900.0);
                bar.plot_height = r.gen_range(-10.0..500.0);
            }
            if r.gen_bool(0.5) {
                bar.orientation = Orientation::Horizontal;
            }
            check(
                &layout_bar_chart(&bar, &default_measure),
                &format!("bar {case}: {bar:?}"),
            );
            let mut line = LineChart::new(label(&mut r, 40), cats);
            line.series = series(&mut r, n);
            line.value_label = label(&mut r, 10);
            line.x_label = label(&mut r, 10);
            line.decimals = r.gen_range(0..9);
            check(
                &layout_line_chart(&line, &default_measure),
                &format!("line {case}: {line:?}"),
            );
        }
    }
}
