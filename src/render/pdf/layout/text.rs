//! Text: the glyphs of a string in a role's fonts (characters no font has
//! are reported, not drawn), a line of glyphs as text items (one per run of
//! a face), rules, centred lines, and body paragraphs justified on the grid.

use super::geometry::{LEFT, SQUEEZE, TEXT_W};
use super::model::{Item, MissingGlyph, Rgb};
use super::Layout;
use crate::render::pdf::fonts::{Glyph, Role};
use crate::render::pdf::linebreak::{break_lines, line_width};

impl<'a> Layout<'a> {
    /// Glyphs of `s` in `role`; characters no font has are reported and left out.
    pub fn glyphs(&mut self, role: Role, s: &str) -> Vec<Glyph> {
        let mut v = Vec::with_capacity(s.len());
        for c in s.chars() {
            if c == '\u{00AD}' || c == '\u{200B}' || c == '\u{FEFF}' {
                continue;
            }
            match self.fonts.glyph(role, c) {
                Some(g) => v.push(g),
                None => {
                    let m = MissingGlyph {
                        ch: c,
                        document: self.document.clone(),
                        place: if self.place.is_empty() {
                            "正文".into()
                        } else {
                            self.place.clone()
                        },
                    };
                    self.missing.insert(m);
                }
            }
        }
        v
    }

    /// Emit one line of glyphs at (x, baseline y) on the current page.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn put(
        &mut self,
        glyphs: &[Glyph],
        x: f32,
        y: f32,
        size: f32,
        tc: f32,
        color: Rgb,
        rotate: f32,
    ) {
        let items = runs(glyphs, x, y, size, tc, color, rotate);
        self.page().extend(items);
    }

    pub(super) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.page().push(Item::Path {
            points: vec![(x1, y), (x2, y)],
            closed: false,
            fill: None,
            stroke: Some((color, width, Vec::new())),
        });
    }

    /// Baseline of a text line of `size` centred in a box of height `h` at `top`.
    pub(super) fn baseline(top: f32, h: f32, size: f32) -> f32 {
        // CJK ideographs sit about 0.38 em above the baseline's centre line.
        top + h / 2.0 + 0.36 * size
    }

    /// One centred line in a box of height `h`.
    pub(super) fn centred(&mut self, g: &[Glyph], size: f32, h: f32, color: Rgb) {
        self.ensure(h);
        let w = line_width(g, size);
        let x = LEFT + ((TEXT_W - w) / 2.0).max(0.0);
        let y = Self::baseline(self.y, h, size);
        self.put(g, x, y, size, 0.0, color, 0.0);
        self.y += h;
    }

    pub(super) fn paragraph(
        &mut self,
        role: Role,
        s: &str,
        size: f32,
        lh: f32,
        color: Rgb,
        justify: bool,
    ) {
        let g = self.glyphs(role, s);
        let indent = 2.0 * size;
        let lines = break_lines(&g, size, TEXT_W - indent, TEXT_W, SQUEEZE);
        let n = lines.len();
        for (i, r) in lines.into_iter().enumerate() {
            self.ensure(lh);
            let x = if i == 0 { LEFT + indent } else { LEFT };
            let avail = LEFT + TEXT_W - x;
            let mut line = &g[r];
            // Trailing spaces do not count.
            while line.last().is_some_and(|g| g.c == ' ') {
                line = &line[..line.len() - 1];
            }
            let natural = line_width(line, size);
            let gaps = line.len().saturating_sub(1) as f32;
            let tc = if gaps > 0.0 && ((justify && i + 1 < n) || natural > avail) {
                let tc = (avail - natural) / gaps;
                // A line broken early (long unbreakable run) stays ragged.
                if tc > size * 0.5 {
                    0.0
                } else {
                    tc
                }
            } else {
                0.0
            };
            let y = Self::baseline(self.y, lh, size);
            self.put(line, x, y, size, tc, color, 0.0);
            self.y += lh;
        }
    }
}

/// Text items for one line of glyphs at (x, baseline y), one per run of
/// glyphs in the same face.
#[allow(clippy::too_many_arguments)]
pub(super) fn runs(
    glyphs: &[Glyph],
    x: f32,
    y: f32,
    size: f32,
    tc: f32,
    color: Rgb,
    rotate: f32,
) -> Vec<Item> {
    let (sin, cos) = (rotate.to_radians().sin(), rotate.to_radians().cos());
    let mut out = Vec::new();
    let mut dx = 0.0;
    let mut i = 0;
    while i < glyphs.len() {
        let face = glyphs[i].face;
        let mut j = i;
        let mut w = 0.0;
        while j < glyphs.len() && glyphs[j].face == face {
            w += glyphs[j].adv * size + tc;
            j += 1;
        }
        let text: String = glyphs[i..j].iter().map(|g| g.c).collect();
        if !text.trim().is_empty() {
            out.push(Item::Text {
                x: x + dx * cos,
                y: y + dx * sin,
                size,
                face,
                color,
                tc,
                rotate,
                text,
            });
        }
        dx += w;
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::pdf::fonts::FontSet;
    use crate::render::pdf::layout::test_support::texts;
    use crate::render::pdf::layout::{Block, BODY_PT};

    #[test]
    fn body_lines_fill_the_grid() {
        let fonts = FontSet::shipped().unwrap();
        let text = "温".repeat(26 + 28 * 3);
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&[Block::Para(text)]);
        let lines: Vec<&Item> = pages[0]
            .iter()
            .filter(|i| matches!(i, Item::Text { size, .. } if *size == BODY_PT))
            .collect();
        assert_eq!(lines.len(), 4);
        if let Item::Text { x, tc, .. } = lines[1] {
            assert!((x - LEFT).abs() < 0.01);
            // 28 characters of 16 pt squeezed into 442.2 pt.
            assert!(*tc < 0.0 && *tc > -0.3, "{tc}");
        }
        if let Item::Text { x, .. } = lines[0] {
            assert!((x - LEFT - 32.0).abs() < 0.01);
        }
    }

    #[test]
    fn missing_character_is_reported_not_drawn() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Place("一、第一节".into()),
            Block::Para("甲\u{E000}乙".into()),
        ];
        let (pages, missing) = Layout::new(&fonts, "briefing.pdf").run(&blocks);
        let m: Vec<&MissingGlyph> = missing.iter().collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].ch, '\u{E000}');
        assert_eq!(m[0].place, "一、第一节");
        assert!(texts(&pages[0]).contains(&"甲乙"));
    }
}
