//! Layout pieces shared by bar and line charts: canvas, title, legend,
//! category labels along an x axis, markers, hatching, the empty scene.

use super::scene::{Anchor, Color, Primitive, Scene, Stroke, Text, Weight};
use super::style::{self, BarStyle, LineStyle, MarkerShape};
use super::text::{clean_label, format_fixed, truncate, wrap_balanced, wrap_text, Measure};
use super::ticks::clean_value;
use super::{Series, DEFAULT_WIDTH};

/// Outer padding.
pub(crate) const PAD: f32 = 8.0;
pub(crate) const TITLE_SIZE: f32 = 12.0;
pub(crate) const LEGEND_SIZE: f32 = 9.0;
/// Category (x) labels.
pub(crate) const LABEL_SIZE: f32 = 9.0;
pub(crate) const TICK_SIZE: f32 = 8.5;
pub(crate) const VALUE_SIZE: f32 = 8.0;
pub(crate) const AXIS_TITLE_SIZE: f32 = 9.0;
/// Baseline offset that centres CJK text vertically on a point:
/// `baseline = centre_y + CENTRE * size`.
pub(crate) const CENTRE: f32 = 0.36;
const SIN45: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Collects primitives.
pub(crate) struct Canvas<'a> {
    pub m: Measure<'a>,
    pub items: Vec<Primitive>,
}

impl<'a> Canvas<'a> {
    pub fn new(m: Measure<'a>) -> Self {
        Canvas {
            m,
            items: Vec::new(),
        }
    }

    /// Measured width, never negative or NaN.
    pub fn w(&self, s: &str, size: f32) -> f32 {
        let w = (self.m)(s, size);
        if w.is_finite() {
            w.max(0.0)
        } else {
            0.0
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        s: &str,
        x: f32,
        y: f32,
        size: f32,
        anchor: Anchor,
        bold: bool,
        rotate: f32,
        fill: Color,
    ) {
        if s.is_empty() {
            return;
        }
        self.items.push(Primitive::Text(Text {
            text: s.to_string(),
            x,
            y,
            size,
            anchor,
            weight: if bold { Weight::Bold } else { Weight::Normal },
            rotate,
            fill,
        }));
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: Stroke) {
        self.items.push(Primitive::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        });
    }

    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    ) {
        self.items.push(Primitive::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        });
    }

    /// A bar: fill and outline, then hatch lines clipped to the rectangle.
    pub fn bar(&mut self, x: f32, y: f32, w: f32, h: f32, st: &BarStyle) {
        let stroke = st.stroke.map(|c| Stroke::solid(c, 0.6));
        self.rect(x, y, w, h, Some(st.fill), stroke);
        if let Some(hc) = st.hatch {
            hatch(self, x, y, w, h, hc);
        }
    }

    /// A marker of `shape` centred on `(cx, cy)` with "radius" `r`.
    pub fn marker(&mut self, shape: MarkerShape, cx: f32, cy: f32, r: f32, color: Color) {
        let stroke = Some(Stroke::solid(Color::WHITE, 0.6));
        match shape {
            MarkerShape::Circle => self.items.push(Primitive::Circle {
                cx,
                cy,
                r,
                fill: Some(color),
                stroke,
            }),
            MarkerShape::Square => {
                let s = r * 0.9;
                self.rect(cx - s, cy - s, 2.0 * s, 2.0 * s, Some(color), stroke)
            }
            MarkerShape::Triangle => {
                let s = r * 1.25;
                self.items.push(Primitive::Polygon {
                    points: vec![
                        (cx, cy - s),
                        (cx + s * 0.9, cy + s * 0.6),
                        (cx - s * 0.9, cy + s * 0.6),
                    ],
                    fill: Some(color),
                    stroke,
                })
            }
            MarkerShape::Diamond => {
                let s = r * 1.25;
                self.items.push(Primitive::Polygon {
                    points: vec![(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)],
                    fill: Some(color),
                    stroke,
                })
            }
        }
    }

    pub fn finish(self, width: f32, height: f32, title: &str, desc: String) -> Scene {
        let title = clean_label(title);
        Scene {
            width: round2(width),
            height: round2(height),
            title: if title.is_empty() {
                "图表".to_string()
            } else {
                title
            },
            desc,
            items: self.items,
        }
    }
}

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Diagonal hatch (rising to the right, 4 pt apart) clipped to a rectangle.
fn hatch(c: &mut Canvas, x: f32, y: f32, w: f32, h: f32, color: Color) {
    const GAP: f32 = 4.0;
    if !(w > 0.5 && h > 0.5) {
        return;
    }
    let (x0, y0, x1, y1) = (x, y, x + w, y + h);
    // lines x + y = k
    let mut k = x0 + y0 + GAP / 2.0;
    let mut n = 0;
    while k < x1 + y1 && n < 2000 {
        let xa = x0.max(k - y1);
        let xb = x1.min(k - y0);
        if xb > xa {
            c.line(xa, k - xa, xb, k - xb, Stroke::solid(color, 0.7));
        }
        k += GAP;
        n += 1;
    }
}

/// A sane total width.
pub(crate) fn chart_width(w: f32) -> f32 {
    if w.is_finite() && w > 0.0 {
        w.clamp(160.0, 4000.0)
    } else {
        DEFAULT_WIDTH
    }
}

/// A sane plot height.
pub(crate) fn plot_height(h: f32) -> f32 {
    if h.is_finite() && h > 0.0 {
        h.clamp(60.0, 2000.0)
    } else {
        190.0
    }
}

/// Series with cleaned names and exactly `n` clean values each.
pub(crate) fn clean_series(series: &[Series], n: usize) -> Vec<(String, Vec<f64>)> {
    series
        .iter()
        .map(|s| {
            let vals = (0..n)
                .map(|i| clean_value(s.values.get(i).copied().unwrap_or(0.0)))
                .collect();
            (clean_label(&s.name), vals)
        })
        .collect()
}

/// True when there is nothing to draw.
pub(crate) fn is_empty(categories: &[String], series: &[Series]) -> bool {
    categories.is_empty() || series.is_empty() || series.iter().all(|s| s.values.is_empty())
}

/// Whether all values are whole numbers (then ticks step by at least 1).
pub(crate) fn all_integer(series: &[(String, Vec<f64>)]) -> bool {
    series
        .iter()
        .flat_map(|(_, v)| v.iter())
        .all(|v| v.fract() == 0.0)
}

/// Text alternative listing the data, for `<desc>`.
pub(crate) fn describe(
    value_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    decimals: usize,
) -> String {
    let mut parts = Vec::new();
    for (i, cat) in categories.iter().enumerate() {
        let vals: Vec<String> = series
            .iter()
            .map(|(name, v)| {
                let num = format_fixed(v.get(i).copied().unwrap_or(0.0), decimals);
                if series.len() > 1 || !name.is_empty() {
                    format!("{name} {num}")
                } else {
                    num
                }
            })
            .collect();
        parts.push(format!("{cat}：{}", vals.join("，")));
    }
    let unit = clean_label(value_label);
    let body = parts.join("；");
    if unit.is_empty() {
        body
    } else {
        format!("（{unit}）{body}")
    }
}

/// The title, wrapped to the width and centred. Returns the y below it.
pub(crate) fn title_block(c: &mut Canvas, title: &str, width: f32, y: f32) -> f32 {
    let title = clean_label(title);
    if title.is_empty() {
        return y;
    }
    let lines = wrap_text(&title, width - 2.0 * PAD, TITLE_SIZE, c.m);
    let mut y = y;
    for l in &lines {
        y += TITLE_SIZE;
        c.text(
            l,
            width / 2.0,
            y,
            TITLE_SIZE,
            Anchor::Middle,
            true,
            0.0,
            style::TEXT,
        );
        y += TITLE_SIZE * 0.35;
    }
    y + 6.0
}

/// An axis title: cleaned and shortened to fit `max_w`.
pub(crate) fn axis_title(c: &Canvas, s: &str, max_w: f32) -> String {
    truncate(&clean_label(s), max_w, AXIS_TITLE_SIZE, c.m)
}

/// The head of a vertical value axis: the widest tick label, the axis title
/// written above the plot, and room for the value labels over the tallest
/// bar or point. Returns (widest tick label, top of the plot).
pub(crate) fn value_axis_head(
    c: &mut Canvas,
    tick_labels: &[String],
    title: &str,
    show_values: bool,
    width: f32,
    mut y: f32,
) -> (f32, f32) {
    let tick_w = tick_labels
        .iter()
        .map(|l| c.w(l, TICK_SIZE))
        .fold(0.0, f32::max);
    let value_label = axis_title(c, title, width - 2.0 * PAD);
    if !value_label.is_empty() {
        y += AXIS_TITLE_SIZE;
        c.text(
            &value_label,
            PAD,
            y,
            AXIS_TITLE_SIZE,
            Anchor::Start,
            false,
            0.0,
            style::MUTED,
        );
        y += 4.0;
    }
    y += if show_values { VALUE_SIZE + 5.0 } else { 6.0 };
    (tick_w, y)
}

/// What a legend entry shows before its name.
pub(crate) enum Key {
    Bar(BarStyle),
    Line(LineStyle),
}

/// Legend rows, centred, wrapping when they do not fit. Returns the y below.
pub(crate) fn legend(c: &mut Canvas, entries: &[(String, Key)], width: f32, y: f32) -> f32 {
    const GAP: f32 = 14.0;
    const ROW: f32 = 15.0;
    let avail = width - 2.0 * PAD;
    let key_w = |k: &Key| match k {
        Key::Bar(_) => 10.0,
        Key::Line(_) => 22.0,
    };
    let names: Vec<String> = entries
        .iter()
        .map(|(name, k)| truncate(name, avail - key_w(k) - 4.0, LEGEND_SIZE, c.m))
        .collect();
    let widths: Vec<f32> = entries
        .iter()
        .zip(&names)
        .map(|((_, k), name)| key_w(k) + 4.0 + c.w(name, LEGEND_SIZE))
        .collect();
    // greedy rows
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut row_w = 0.0;
    for (i, w) in widths.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if row_w + GAP + w <= avail => {
                row.push(i);
                row_w += GAP + w;
            }
            _ => {
                rows.push(vec![i]);
                row_w = *w;
            }
        }
    }
    let mut y = y;
    for row in rows {
        let total: f32 = row.iter().map(|&i| widths[i]).sum::<f32>() + GAP * (row.len() - 1) as f32;
        let mut x = ((width - total) / 2.0).max(PAD);
        let cy = y + ROW / 2.0;
        for i in row {
            let (name, key) = (&names[i], &entries[i].1);
            match key {
                Key::Bar(st) => c.bar(x, cy - 5.0, 10.0, 10.0, st),
                Key::Line(ls) => {
                    c.line(
                        x,
                        cy,
                        x + 22.0,
                        cy,
                        Stroke::dashed(ls.color, ls.width, &ls.dash),
                    );
                    c.marker(ls.marker, x + 11.0, cy, 3.0, ls.color);
                }
            }
            let tx = x + key_w(key) + 4.0;
            c.text(
                name,
                tx,
                cy + CENTRE * LEGEND_SIZE,
                LEGEND_SIZE,
                Anchor::Start,
                false,
                0.0,
                style::TEXT,
            );
            x += widths[i] + GAP;
        }
        y += ROW;
    }
    y + 4.0
}

/// How labels under an x axis are set.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum XMode {
    /// One line each.
    Flat,
    /// Wrapped into up to three lines each.
    Wrapped,
    /// Rotated by this many degrees (−45 or −90), anchored at the end.
    Rotated(f32),
}

/// A plan for the labels under an x axis with equal slots.
#[derive(Clone, Debug)]
pub(crate) struct XPlan {
    pub size: f32,
    pub mode: XMode,
    pub lines: Vec<Vec<String>>,
    /// Vertical space the labels take below the axis gap.
    pub height: f32,
    /// How far the labels reach left of the plot's left edge.
    pub left_need: f32,
    /// How far they reach right of the plot's right edge.
    pub right_need: f32,
}

/// Chooses flat, wrapped or rotated labels for slots of width `slot`.
pub(crate) fn plan_x_labels(c: &Canvas, labels: &[String], slot: f32) -> XPlan {
    let n = labels.len();
    let avail = slot - 3.0;
    let fits_flat = |s: f32| labels.iter().all(|l| c.w(l, s) <= avail);
    let overhang = |ext: &dyn Fn(usize) -> (f32, f32)| {
        let mut left: f32 = 0.0;
        let mut right: f32 = 0.0;
        for i in 0..n {
            let (l, r) = ext(i);
            left = left.max(l - (i as f32 + 0.5) * slot);
            right = right.max(r - (n as f32 - i as f32 - 0.5) * slot);
        }
        (left, right)
    };
    for size in [LABEL_SIZE, LABEL_SIZE - 1.0] {
        if fits_flat(size) {
            let lines: Vec<Vec<String>> = labels.iter().map(|l| vec![l.clone()]).collect();
            return XPlan {
                size,
                mode: XMode::Flat,
                lines,
                height: size + 2.0,
                left_need: 0.0,
                right_need: 0.0,
            };
        }
    }
    for max_lines in [2, 3] {
        let size = LABEL_SIZE;
        let wrapped: Option<Vec<Vec<String>>> = labels
            .iter()
            .map(|l| wrap_balanced(l, avail, max_lines, size, c.m))
            .collect();
        if let Some(lines) = wrapped {
            if lines.iter().flatten().all(|l| c.w(l, size) <= avail) {
                let k = lines.iter().map(Vec::len).max().unwrap_or(1) as f32;
                return XPlan {
                    size,
                    mode: XMode::Wrapped,
                    lines,
                    height: size + (k - 1.0) * size * 1.2 + 2.0,
                    left_need: 0.0,
                    right_need: 0.0,
                };
            }
        }
    }
    let lines: Vec<Vec<String>> = labels.iter().map(|l| vec![l.clone()]).collect();
    let mut size = LABEL_SIZE;
    while size > 6.0 && slot * SIN45 < size * 1.25 {
        size -= 0.5;
    }
    if slot * SIN45 >= size * 1.25 {
        let widths: Vec<f32> = labels.iter().map(|l| c.w(l, size)).collect();
        let max_w = widths.iter().copied().fold(0.0, f32::max);
        let (left_need, right_need) = overhang(&|i| (widths[i] * SIN45 + 0.3 * size, 0.6 * size));
        return XPlan {
            size,
            mode: XMode::Rotated(-45.0),
            lines,
            height: max_w * SIN45 + 1.2 * size + 2.0,
            left_need,
            right_need,
        };
    }
    let size = (slot / 1.2).clamp(4.0, LABEL_SIZE);
    let max_w = labels.iter().map(|l| c.w(l, size)).fold(0.0, f32::max);
    let (left_need, right_need) = overhang(&|_| (0.5 * size, 0.5 * size));
    XPlan {
        size,
        mode: XMode::Rotated(-90.0),
        lines,
        height: max_w + 2.0,
        left_need,
        right_need,
    }
}

/// Draws planned x labels; `x_of(i)` is the slot centre, `top` the y just
/// below the axis.
pub(crate) fn draw_x_labels(c: &mut Canvas, plan: &XPlan, x_of: &dyn Fn(usize) -> f32, top: f32) {
    let s = plan.size;
    for (i, lines) in plan.lines.iter().enumerate() {
        let x = x_of(i);
        match plan.mode {
            XMode::Flat | XMode::Wrapped => {
                for (k, l) in lines.iter().enumerate() {
                    let y = top + s + k as f32 * s * 1.2;
                    c.text(l, x, y, s, Anchor::Middle, false, 0.0, style::TEXT);
                }
            }
            XMode::Rotated(angle) => {
                let l = lines.first().map(String::as_str).unwrap_or("");
                if angle <= -89.0 {
                    c.text(
                        l,
                        x + CENTRE * s,
                        top,
                        s,
                        Anchor::End,
                        false,
                        -90.0,
                        style::TEXT,
                    );
                } else {
                    // centre line of the glyphs ends at (x, top + 0.3 s)
                    let off = 0.27 * s;
                    c.text(
                        l,
                        x + off,
                        top + 0.3 * s + off,
                        s,
                        Anchor::End,
                        false,
                        angle,
                        style::TEXT,
                    );
                }
            }
        }
    }
}

/// A scene with only the title and a "暂无数据" note.
pub(crate) fn empty_scene(title: &str, width: f32, m: Measure) -> Scene {
    let mut c = Canvas::new(m);
    let y = title_block(&mut c, title, width, PAD);
    let h = 70.0;
    c.rect(
        PAD,
        y,
        width - 2.0 * PAD,
        h,
        None,
        Some(Stroke::dashed(style::GRID, 0.8, &[3.0, 3.0])),
    );
    c.text(
        "暂无数据",
        width / 2.0,
        y + h / 2.0 + CENTRE * 11.0,
        11.0,
        Anchor::Middle,
        false,
        0.0,
        style::MUTED,
    );
    c.finish(width, y + h + PAD, title, "暂无数据".to_string())
}
