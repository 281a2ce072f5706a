//! Flow: blocks onto pages. [`Layout::run`] takes the blocks in order, hands
//! each to its setter (`block`) and decides where pages break: a new page
//! when the next line or a table's start no longer fits, a heading kept
//! with what follows it, a chart that does not fit deferred to the next page
//! while the body text after it fills this one, back onto the 22-line grid
//! after a table or chart; at the end the page numbers.

use std::collections::BTreeSet;

use super::geometry::{
    BLACK, BODY_PT, BOTTOM, GREY, LEFT, MIN_CHART_SCALE, MM, NOTE_PT, PAGE_NO_PT, PITCH, SQUEEZE,
    TABLE_GAP_ABOVE, TEXT_H, TEXT_W, TITLE_PT, TOP,
};
use super::model::{Block, MissingGlyph, Page};
use super::text::runs;
use super::Layout;
use crate::render::pdf::fonts::{Glyph, Role};
use crate::render::pdf::linebreak::{break_balanced, break_lines, line_width};

impl<'a> Layout<'a> {
    /// Lay out all blocks and add page numbers.
    pub fn run(mut self, blocks: &[Block]) -> (Vec<Page>, BTreeSet<MissingGlyph>) {
        for (i, b) in blocks.iter().enumerate() {
            if !matches!(b, Block::DocNumber(_) | Block::Place(_)) {
                self.red_rule();
            }
            if self.deferred.is_some() && !self.may_pass_deferred(b) {
                self.new_page();
            }
            if let Block::Heading { .. } = b {
                // Keep a heading with what follows it.
                let next = blocks[i + 1..]
                    .iter()
                    .find(|b| !matches!(b, Block::Place(_)));
                let need = self.keep_with_heading(next);
                self.ensure(need);
            }
            self.block(b);
        }
        self.red_rule();
        if self.deferred.is_some() {
            self.new_page();
        }
        self.page_numbers();
        (self.pages, self.missing)
    }

    pub(super) fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("at least one page")
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if let Some((scene, k)) = self.deferred.take() {
            self.draw_scene(&scene, k);
        }
    }

    /// Whether block `b` may be set on the current page while a chart
    /// waits for the next one: body text only (a heading, table or chart
    /// stays after it, so that the chart stays in its section).
    fn may_pass_deferred(&self, b: &Block) -> bool {
        matches!(b, Block::Para(_) | Block::Note(_) | Block::Place(_))
    }

    /// The height a heading needs below itself on its page: two body lines,
    /// or a table's caption, header and first row, or a chart (at the
    /// smallest scale it may be drawn at).
    fn keep_with_heading(&mut self, next: Option<&Block>) -> f32 {
        let after = match next {
            Some(Block::Table(t)) => self
                .table_plan(t)
                .map(|p| Self::table_start_height(&p))
                .unwrap_or(0.0),
            Some(Block::Chart(c)) => {
                let (scene, k) = self.chart_scene(c);
                TABLE_GAP_ABOVE + scene.height * k * MIN_CHART_SCALE
            }
            Some(Block::Heading { .. }) => 3.0 * PITCH,
            _ => 2.0 * PITCH,
        };
        PITCH + after.min(TEXT_H - PITCH)
    }

    /// Back onto the 22-line grid after a table or chart: the next body
    /// line starts on a grid line.
    pub(super) fn snap(&mut self) {
        if self.at_top() {
            return;
        }
        let n = ((self.y - TOP) / PITCH - 0.02).ceil();
        self.y = TOP + n * PITCH;
    }

    pub(super) fn at_top(&self) -> bool {
        self.y <= TOP + 0.01
    }

    /// Start a new page unless `h` points still fit.
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// One line of body type from the left margin, its gaps narrowed
    /// (by at most `SQUEEZE`, as `break_lines` allowed) when it is wider
    /// than the text block.
    fn body_line(&mut self, line: &[Glyph]) {
        self.ensure(PITCH);
        let natural = line_width(line, BODY_PT);
        let gaps = line.len().saturating_sub(1) as f32;
        let tc = if natural > TEXT_W && gaps > 0.0 {
            (TEXT_W - natural) / gaps
        } else {
            0.0
        };
        let y = Self::baseline(self.y, PITCH, BODY_PT);
        self.put(line, LEFT, y, BODY_PT, tc, BLACK, 0.0);
        self.y += PITCH;
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Place(p) => self.place = p.clone(),
            Block::PageBreak => {
                if !self.at_top() {
                    self.new_page();
                }
            }
            Block::Blank => {
                if !self.at_top() {
                    self.y += PITCH;
                }
            }
            Block::Masthead(office) => self.masthead(office),
            Block::DocNumber(s) => {
                // Two blank lines below the issuing office (§7.2.5).
                match self.rule_pending {
                    Some(false) => {
                        self.y += 2.0 * PITCH;
                        self.rule_pending = Some(true);
                    }
                    Some(true) => {}
                    None => self.y += PITCH * 0.5,
                }
                // One line (§7.2.5) wherever a body line would hold it: up
                // to 28 characters, set a touch tighter as the body's full
                // lines are (16 pt glyphs on the 15.79 pt grid). A longer
                // 文号 wraps onto balanced lines, never past the margin
                // (`build` warns about it).
                let g = self.glyphs(Role::Body, s);
                let one_line = line_width(&g, BODY_PT) > TEXT_W
                    && break_lines(&g, BODY_PT, TEXT_W, TEXT_W, SQUEEZE).len() == 1;
                if one_line {
                    self.body_line(&g);
                } else {
                    for r in break_balanced(&g, BODY_PT, TEXT_W) {
                        self.centred(&g[r], BODY_PT, PITCH, BLACK);
                    }
                }
            }
            Block::Addressee(s) => {
                // One blank line below the title (whose block ends with
                // three quarters of one).
                self.y += PITCH * 0.25;
                let g = self.glyphs(Role::Body, s);
                for r in break_lines(&g, BODY_PT, TEXT_W, TEXT_W, SQUEEZE) {
                    self.body_line(&g[r]);
                }
            }
            Block::Record {
                cc,
                printer,
                printed,
            } => self.record(cc.as_deref(), printer, printed),
            Block::Title(s) => {
                self.ensure(PITCH * 3.0);
                self.y += PITCH * 0.25;
                let g = self.glyphs(Role::Title, s);
                for r in break_balanced(&g, TITLE_PT, TEXT_W) {
                    self.centred(&g[r], TITLE_PT, TITLE_PT * 1.5, BLACK);
                }
                self.y += PITCH * 0.75;
            }
            Block::Heading { level, text } => {
                let role = if *level <= 1 {
                    Role::Heading1
                } else {
                    Role::Heading2
                };
                self.paragraph(role, text, BODY_PT, PITCH, BLACK, false);
            }
            Block::Para(s) => self.paragraph(Role::Body, s, BODY_PT, PITCH, BLACK, true),
            Block::Note(s) => {
                self.paragraph(Role::Body, s, NOTE_PT, NOTE_PT * 1.6, GREY, true);
                self.y += 2.0 * MM;
            }
            Block::Label(s) => {
                let g = self.glyphs(Role::Heading1, s);
                self.ensure(PITCH);
                let y = Self::baseline(self.y, PITCH, BODY_PT);
                self.put(&g, LEFT, y, BODY_PT, 0.0, BLACK, 0.0);
                self.y += PITCH;
            }
            Block::Signature {
                office,
                date,
                sealed,
            } => self.signature(office.as_deref(), date, *sealed),
            Block::Table(t) => self.table(t),
            Block::Chart(c) => self.chart(c),
        }
    }

    fn page_numbers(&mut self) {
        let n = self.pages.len();
        for i in 0..n {
            if self.unnumbered.contains(&i) {
                continue;
            }
            let s = format!("— {} —", i + 1);
            let g = self.glyphs(Role::PageNumber, &s);
            let w = line_width(&g, PAGE_NO_PT);
            let one = PAGE_NO_PT;
            // Odd pages right, even pages left, one character in.
            let x = if i % 2 == 0 {
                LEFT + TEXT_W - one - w
            } else {
                LEFT + one
            };
            // The number's top 7 mm below the text block.
            let y = BOTTOM + 7.0 * MM + 0.88 * PAGE_NO_PT;
            let items = runs(&g, x, y, PAGE_NO_PT, 0.0, BLACK, 0.0);
            self.pages[i].extend(items);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::pdf::fonts::FontSet;
    use crate::render::pdf::layout::test_support::{texts, wide_table};
    use crate::render::pdf::layout::{Item, PAGE_W};

    #[test]
    fn page_numbers_alternate_sides() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Para("一".into()),
            Block::PageBreak,
            Block::Para("二".into()),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert_eq!(pages.len(), 2);
        let num = |p: &Page| {
            p.iter()
                .find_map(|i| match i {
                    Item::Text { x, size, text, .. } if *size == PAGE_NO_PT => {
                        Some((*x, text.clone()))
                    }
                    _ => None,
                })
                .unwrap()
        };
        let (x1, t1) = num(&pages[0]);
        let (x2, t2) = num(&pages[1]);
        assert_eq!(t1, "— 1 —");
        assert_eq!(t2, "— 2 —");
        assert!(x1 > PAGE_W / 2.0);
        assert!((x2 - LEFT - PAGE_NO_PT).abs() < 0.01);
    }

    #[test]
    fn heading_is_not_left_alone_above_a_table() {
        let fonts = FontSet::shipped().unwrap();
        // 19 lines of text: the heading would fit, the table's head not.
        let blocks = vec![
            Block::Para("温".repeat(26 + 28 * 18)),
            Block::Heading {
                level: 1,
                text: "三、第三节".into(),
            },
            Block::Table(wide_table(3)),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        assert!(!texts(&pages[0]).contains(&"三、第三节"));
        assert!(texts(&pages[1]).contains(&"三、第三节"));
    }
}
