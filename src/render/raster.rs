//! A small rasteriser for chart [`Scene`]s: shapes with tiny-skia, text as
//! glyph outlines of a given font (ab_glyph), encoded as PNG. Used for the
//! charts embedded in Word documents.
//!
//! The font is never guessed silently into the output: it comes from the
//! config (`[fonts] table` or `body`), else from a few well-known system
//! paths (Noto CJK); without one, [`ChartFont::find`] returns `None` and the
//! documents carry a note instead of the chart.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, OutlineCurve};
use tiny_skia::{
    FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke as SkStroke, StrokeDash,
    Transform,
};

use crate::config::Config;
use crate::render::chart::{Anchor, Color, Primitive, Scene, Stroke, Text, Weight};

/// System font files tried when the config names none (CJK coverage
/// needed).
pub const SYSTEM_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\simhei.ttf",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// A font for chart text.
pub struct ChartFont {
    font: FontVec,
    /// Where it came from (for notes).
    pub source: String,
}

impl ChartFont {
    /// A font from file bytes (TTF, OTF or the Simplified Chinese face of a TTC).
    pub fn from_bytes(data: Vec<u8>, source: &str) -> Option<ChartFont> {
        let index = crate::render::typeset::fonts::pick_face(&data);
        let font = FontVec::try_from_vec_and_index(data, index).ok()?;
        // Must cover CJK.
        if font.glyph_id('中').0 == 0 {
            return None;
        }
        Some(ChartFont {
            font,
            source: source.to_string(),
        })
    }

    pub fn from_file(p: &Path) -> Option<ChartFont> {
        let data = crate::input::read_input(p, None, crate::render::typeset::fonts::MAX_FONT_BYTES)
            .ok()?;
        ChartFont::from_bytes(data, &p.display().to_string())
    }

    /// The configured table or body font, else `assets/fonts/*` next to the
    /// working folder, else a system CJK font; `None` when there is none.
    /// The chart font: the config's `[fonts] table` or `body` when it reads
    /// and covers CJK, else the shipped Noto Sans SC embedded in the binary.
    pub fn find(cfg: &Config) -> Option<ChartFont> {
        let mut cands: Vec<PathBuf> = Vec::new();
        cands.extend(cfg.fonts.table.clone());
        cands.extend(cfg.fonts.body.clone());
        cands
            .iter()
            .filter(|p| p.is_file())
            .find_map(|p| ChartFont::from_file(p))
            .or_else(|| {
                ChartFont::from_bytes(
                    crate::render::typeset::fonts::sans().to_vec(),
                    "Noto Sans SC (embedded)",
                )
            })
            .or_else(|| {
                SYSTEM_FONTS
                    .iter()
                    .map(PathBuf::from)
                    .filter(|p| p.is_file())
                    .find_map(|p| ChartFont::from_file(&p))
            })
    }

    fn em(&self) -> f32 {
        self.font.units_per_em().unwrap_or(1000.0)
    }

    /// Advance width of `s` at `size` points. Characters the font does not
    /// have take no room: they are left out (and reported), as in the PDF,
    /// never drawn as a ☒ box.
    pub fn measure(&self, s: &str, size: f32) -> f32 {
        let k = size / self.em();
        s.chars()
            .map(|c| self.font.glyph_id(c))
            .filter(|g| g.0 != 0)
            .map(|g| self.font.h_advance_unscaled(g) * k)
            .sum()
    }

    /// The characters of `s` this font does not have (spaces and other
    /// whitespace excepted).
    pub fn missing(&self, s: &str) -> Vec<char> {
        s.chars()
            .filter(|c| !c.is_whitespace() && self.font.glyph_id(*c).0 == 0)
            .collect()
    }

    /// The text as a path in points, anchored and rotated as the scene says.
    fn text_path(&self, t: &Text) -> Option<tiny_skia::Path> {
        let k = t.size / self.em();
        let w = self.measure(&t.text, t.size);
        let x0 = match t.anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -w / 2.0,
            Anchor::End => -w,
        };
        let mut pb = PathBuilder::new();
        let mut pen = x0;
        for c in t.text.chars() {
            let g = self.font.glyph_id(c);
            if g.0 == 0 {
                continue;
            }
            if let Some(o) = self.font.outline(g) {
                let mut last: Option<ab_glyph::Point> = None;
                let p = |q: ab_glyph::Point| (pen + q.x * k, -q.y * k);
                for curve in &o.curves {
                    let start = match curve {
                        OutlineCurve::Line(a, _)
                        | OutlineCurve::Quad(a, _, _)
                        | OutlineCurve::Cubic(a, _, _, _) => *a,
                    };
                    if last != Some(start) {
                        if last.is_some() {
                            pb.close();
                        }
                        let (x, y) = p(start);
                        pb.move_to(x, y);
                    }
                    match curve {
                        OutlineCurve::Line(_, b) => {
                            let (x, y) = p(*b);
                            pb.line_to(x, y);
                            last = Some(*b);
                        }
                        OutlineCurve::Quad(_, c1, b) => {
                            let (cx, cy) = p(*c1);
                            let (x, y) = p(*b);
                            pb.quad_to(cx, cy, x, y);
                            last = Some(*b);
                        }
                        OutlineCurve::Cubic(_, c1, c2, b) => {
                            let (ax, ay) = p(*c1);
                            let (bx, by) = p(*c2);
                            let (x, y) = p(*b);
                            pb.cubic_to(ax, ay, bx, by, x, y);
                            last = Some(*b);
                        }
                    }
                }
                if last.is_some() {
                    pb.close();
                }
            }
            pen += self.font.h_advance_unscaled(g) * k;
        }
        let path = pb.finish()?;
        let tr = Transform::from_translate(t.x, t.y).pre_rotate(t.rotate);
        path.transform(tr)
    }

    /// Draw a scene at `scale` pixels per point; PNG bytes, or `None` when
    /// the scene is empty or too large.
    pub fn render_png(&self, scene: &Scene, scale: f32) -> Option<Vec<u8>> {
        let w = (scene.width * scale).ceil();
        let h = (scene.height * scale).ceil();
        if !(w >= 1.0 && h >= 1.0 && w <= 8000.0 && h <= 8000.0) {
            return None;
        }
        let mut pm = Pixmap::new(w as u32, h as u32)?;
        pm.fill(tiny_skia::Color::WHITE);
        let tr = Transform::from_scale(scale, scale);
        for item in &scene.items {
            match item {
                Primitive::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    if let Some(r) = tiny_skia::Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) {
                        let path = PathBuilder::from_rect(r);
                        draw(&mut pm, &path, *fill, stroke.as_ref(), tr);
                    }
                }
                Primitive::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        draw(&mut pm, &path, None, Some(stroke), tr);
                    }
                }
                Primitive::Polyline { points, stroke } => {
                    if let Some(path) = poly(points, false) {
                        draw(&mut pm, &path, None, Some(stroke), tr);
                    }
                }
                Primitive::Polygon {
                    points,
                    fill,
                    stroke,
                } => {
                    if let Some(path) = poly(points, true) {
                        draw(&mut pm, &path, *fill, stroke.as_ref(), tr);
                    }
                }
                Primitive::Circle {
                    cx,
                    cy,
                    r,
                    fill,
                    stroke,
                } => {
                    if let Some(path) = PathBuilder::from_circle(*cx, *cy, r.max(0.01)) {
                        draw(&mut pm, &path, *fill, stroke.as_ref(), tr);
                    }
                }
                Primitive::Text(t) => {
                    if let Some(path) = self.text_path(t) {
                        let fake_bold = (t.weight == Weight::Bold)
                            .then(|| Stroke::solid(t.fill, t.size * 0.04));
                        draw(&mut pm, &path, Some(t.fill), fake_bold.as_ref(), tr);
                    }
                }
            }
        }
        pm.encode_png().ok()
    }
}

fn poly(points: &[(f32, f32)], close: bool) -> Option<tiny_skia::Path> {
    let mut pb = PathBuilder::new();
    let (first, rest) = points.split_first()?;
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if close {
        pb.close();
    }
    pb.finish()
}

fn paint(c: Color) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.r, c.g, c.b, 255);
    p.anti_alias = true;
    p
}

fn draw(
    pm: &mut Pixmap,
    path: &tiny_skia::Path,
    fill: Option<Color>,
    stroke: Option<&Stroke>,
    tr: Transform,
) {
    if let Some(c) = fill {
        pm.fill_path(path, &paint(c), FillRule::Winding, tr, None);
    }
    if let Some(s) = stroke {
        if s.width <= 0.0 {
            return;
        }
        let sk = SkStroke {
            width: s.width,
            line_cap: LineCap::Butt,
            line_join: LineJoin::Miter,
            dash: if s.dash.len() >= 2 && s.dash.len() % 2 == 0 {
                StrokeDash::new(s.dash.clone(), 0.0)
            } else {
                None
            },
            ..SkStroke::default()
        };
        pm.stroke_path(path, &paint(s.color), &sk, tr, None);
    }
}
