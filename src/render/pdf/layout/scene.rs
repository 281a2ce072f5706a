//! Charts on the page: a chart's scene (from `render::chart`) scaled to the
//! text width, fitted into the rest of the page (made flatter, then shrunk
//! a little, else deferred to the next page), and its primitives drawn as
//! items.

use super::geometry::{
    BOTTOM, LEFT, MIN_CHART_SCALE, MIN_PLOT_SHARE, MM, TABLE_GAP_ABOVE, TEXT_H, TEXT_W,
};
use super::model::{Item, Rgb};
use super::Layout;
use crate::render::chart::{self, Chart, Primitive, Scene};
use crate::render::pdf::fonts::Role;
use crate::render::pdf::linebreak::line_width;

impl<'a> Layout<'a> {
    /// The chart's scene and the scale that makes it as wide as the text
    /// block (or as high, for a very tall one).
    pub(super) fn chart_scene(&self, c: &Chart) -> (Scene, f32) {
        let fonts = self.fonts;
        let measure = |s: &str, size: f32| fonts.width(Role::Heading1, s, size);
        let scene: Scene = chart::layout(c, &measure);
        let mut k = TEXT_W / scene.width.max(1e-3);
        if scene.height * k > TEXT_H {
            k = TEXT_H / scene.height.max(1e-3);
        }
        (scene, k)
    }

    /// A chart: at full width where it fits; else a vertical bar or line
    /// chart is made flatter (its plot down to [`MIN_PLOT_SHARE`] of its
    /// height, the labels keep their size), and then shrunk down to
    /// [`MIN_CHART_SCALE`] if still needed; else it opens the next page while the body
    /// text after it fills this one.
    pub(super) fn chart(&mut self, c: &Chart) {
        let (scene, k) = self.chart_scene(c);
        if scene.width <= 0.0 || scene.height <= 0.0 {
            return;
        }
        let room = BOTTOM - self.y - TABLE_GAP_ABOVE;
        let h = scene.height * k;
        if self.at_top() || h <= room + 0.01 {
            self.draw_scene(&scene, k);
            return;
        }
        let (mut fit, mut fit_k) = (None, k);
        if let Some(plot) = plot_height_of(c) {
            let want = (plot - (h - room) / k - 0.5).max(plot * MIN_PLOT_SHARE);
            if want < plot {
                let (flat, fk) = self.chart_scene(&with_plot_height(c, want));
                fit_k = fk;
                fit = Some(flat);
            }
        }
        let fit = fit.as_ref().unwrap_or(&scene);
        let fh = fit.height * fit_k;
        if fh <= room + 0.01 {
            self.draw_scene(fit, fit_k);
        } else if fh * MIN_CHART_SCALE <= room {
            self.draw_scene(fit, room / fit.height);
        } else {
            self.deferred = Some((scene, k));
        }
    }

    pub(super) fn draw_scene(&mut self, scene: &Scene, k: f32) {
        if !self.at_top() {
            self.y += TABLE_GAP_ABOVE;
        }
        let h = scene.height * k;
        let ox = LEFT + (TEXT_W - scene.width * k) / 2.0;
        let oy = self.y;
        let tr = |x: f32, y: f32| (ox + x * k, oy + y * k);
        for p in &scene.items {
            match p {
                Primitive::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let (x0, y0) = tr(*x, *y);
                    let (x1, y1) = tr(x + w, y + h);
                    self.page().push(Item::Path {
                        points: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    self.page().push(Item::Path {
                        points: vec![tr(*x1, *y1), tr(*x2, *y2)],
                        closed: false,
                        fill: None,
                        stroke: Some(stroke_of(stroke, k)),
                    });
                }
                Primitive::Polyline { points, stroke } => {
                    self.page().push(Item::Path {
                        points: points.iter().map(|(x, y)| tr(*x, *y)).collect(),
                        closed: false,
                        fill: None,
                        stroke: Some(stroke_of(stroke, k)),
                    });
                }
                Primitive::Polygon {
                    points,
                    fill,
                    stroke,
                } => {
                    self.page().push(Item::Path {
                        points: points.iter().map(|(x, y)| tr(*x, *y)).collect(),
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Circle {
                    cx,
                    cy,
                    r,
                    fill,
                    stroke,
                } => {
                    let points = (0..24)
                        .map(|i| {
                            let a = i as f32 * std::f32::consts::TAU / 24.0;
                            tr(cx + r * a.cos(), cy + r * a.sin())
                        })
                        .collect();
                    self.page().push(Item::Path {
                        points,
                        closed: true,
                        fill: fill.map(rgb),
                        stroke: stroke.as_ref().map(|s| stroke_of(s, k)),
                    });
                }
                Primitive::Text(t) => {
                    let size = t.size * k;
                    let g = self.glyphs(Role::Heading1, &t.text);
                    let w = line_width(&g, size);
                    let off = match t.anchor {
                        chart::Anchor::Start => 0.0,
                        chart::Anchor::Middle => w / 2.0,
                        chart::Anchor::End => w,
                    };
                    let (ax, ay) = tr(t.x, t.y);
                    let (sin, cos) = (t.rotate.to_radians().sin(), t.rotate.to_radians().cos());
                    self.put(
                        &g,
                        ax - off * cos,
                        ay - off * sin,
                        size,
                        0.0,
                        rgb(t.fill),
                        t.rotate,
                    );
                }
            }
        }
        self.y += h + 2.0 * MM;
        self.snap();
    }
}

/// The plot height of a chart whose height can change without changing
/// its text: vertical bars and lines.
fn plot_height_of(c: &Chart) -> Option<f32> {
    match c {
        Chart::Bar(b) if b.orientation == chart::Orientation::Vertical => Some(b.plot_height),
        Chart::Bar(_) => None,
        Chart::Line(l) => Some(l.plot_height),
    }
}

fn with_plot_height(c: &Chart, h: f32) -> Chart {
    let mut c = c.clone();
    match &mut c {
        Chart::Bar(b) => b.plot_height = h,
        Chart::Line(l) => l.plot_height = h,
    }
    c
}

fn rgb(c: chart::Color) -> Rgb {
    Rgb(c.r, c.g, c.b)
}

fn stroke_of(s: &chart::Stroke, k: f32) -> (Rgb, f32, Vec<f32>) {
    (
        rgb(s.color),
        s.width * k,
        s.dash.iter().map(|d| d * k).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::pdf::fonts::FontSet;
    use crate::render::pdf::layout::test_support::texts;
    use crate::render::pdf::layout::{Block, Page, BODY_PT, PITCH, TOP};

    fn bar_chart() -> Chart {
        Chart::Bar(
            chart::BarChart::new("各地发现非法采矿行为情况", ["鹿城区", "龙湾区", "瓯海区"])
                .series("本季度", [12.0, 7.0, 3.0])
                .value_label("单位：起"),
        )
    }

    fn text_bottom(p: &Page) -> f32 {
        p.iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn text_after_a_chart_that_does_not_fit_fills_the_page() {
        let fonts = FontSet::shipped().unwrap();
        // 16 lines of text, then a chart that needs more than the 6 left.
        // A horizontal bar chart cannot be made flatter.
        let cats: Vec<String> = (1..=14).map(|i| format!("违法类型{i}")).collect();
        let tall = Chart::Bar(
            chart::BarChart::new("各违法类型案件情况", cats)
                .series("本季度", (1..=14).map(|i| i as f64))
                .horizontal(),
        );
        let mut blocks = vec![Block::Para("温".repeat(26 + 28 * 15))];
        blocks.push(Block::Chart(Box::new(tall)));
        for _ in 0..6 {
            blocks.push(Block::Para("州".repeat(40)));
        }
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 2);
        // Page 1 is filled with the text that follows the chart…
        assert!(
            text_bottom(&pages[0]) > BOTTOM - 2.0 * PITCH,
            "{}",
            text_bottom(&pages[0])
        );
        assert!(texts(&pages[0]).iter().any(|t| t.contains('州')));
        // …and the chart opens page 2, above the rest of the text.
        let chart_top = pages[1]
            .iter()
            .filter_map(|i| match i {
                Item::Path { points, .. } => points.iter().map(|p| p.1).reduce(f32::min),
                _ => None,
            })
            .fold(f32::MAX, f32::min);
        // (the first path is below the chart's title)
        assert!(chart_top < TOP + 2.0 * PITCH, "{chart_top}");
        let first_text = pages[1]
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .fold(f32::MAX, f32::min);
        assert!(first_text > TOP + 5.0 * PITCH, "{first_text}");
    }

    #[test]
    fn chart_shrinks_a_little_to_fit() {
        let fonts = FontSet::shipped().unwrap();
        let (scene, k) = Layout::new(&fonts, "t.pdf").chart_scene(&bar_chart());
        let h = scene.height * k;
        // Leave 90 % of the chart's height (and the gap above it).
        let lines = ((TEXT_H - 0.9 * h - TABLE_GAP_ABOVE) / PITCH).floor() as usize;
        let blocks = vec![
            Block::Para("温".repeat(26 + 28 * (lines - 1))),
            Block::Chart(Box::new(bar_chart())),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 1);
    }
}
