//! A planned table ([`TablePlan`]) set on the pages: the gap above it, its
//! caption and 单位 line, the header row again under a 续表 caption on
//! every page it runs onto, no last row alone on a continuation page, each
//! cell a box with its lines aligned in it, and back onto the grid after it.

use super::geometry::{
    BLACK, BOTTOM, CELL_PAD_X, HEAD_FILL, LEFT, MM, NOTE_PT, TABLE_GAP_ABOVE, TEXT_H, TEXT_W,
};
use super::model::{Align, Cell, Item, TableBlock};
use super::table_size::TablePlan;
use super::Layout;
use crate::render::pdf::fonts::{Glyph, Role};
use crate::render::pdf::linebreak::line_width;

impl<'a> Layout<'a> {
    /// Height a table needs on the page where it starts: the gap above, the
    /// caption, the header and the first row.
    /// A small table (at most a third of a page) is kept whole.
    pub(super) fn table_start_height(p: &TablePlan) -> f32 {
        let cap = if p.cap.is_empty() { 0.0 } else { p.cap_h };
        let all: f32 = p.pieces.iter().map(|x| x.2).sum();
        let body = if all <= TEXT_H / 3.0 {
            all
        } else {
            p.pieces.first().map(|x| x.2).unwrap_or(0.0)
        };
        TABLE_GAP_ABOVE + cap + p.unit_h + p.head_h + body
    }

    /// The header row of a table (on its first page and every continuation).
    fn table_head(&mut self, p: &TablePlan) {
        let head_cells: Vec<&Cell> = p.spans_head.iter().collect();
        self.table_row(
            &p.head_lines,
            &head_cells,
            &p.widths,
            p.head_h,
            true,
            p.size,
        );
    }

    pub(super) fn table(&mut self, t: &TableBlock) {
        let Some(p) = self.table_plan(t) else {
            return;
        };
        if !self.at_top() {
            self.y += TABLE_GAP_ABOVE;
        }
        self.ensure(Self::table_start_height(&p) - TABLE_GAP_ABOVE);
        if !p.cap.is_empty() {
            self.centred(&p.cap, NOTE_PT, p.cap_h, BLACK);
        }
        if let Some(u) = &t.unit {
            let g = self.glyphs(Role::Table, u);
            let w = line_width(&g, p.size);
            let y = Self::baseline(self.y, p.unit_h, p.size);
            self.put(&g, LEFT + (TEXT_W - w).max(0.0), y, p.size, 0.0, BLACK, 0.0);
            self.y += p.unit_h;
        }
        self.table_head(&p);
        let mut on_page = 0;
        for (i, (ri, lines, h)) in p.pieces.iter().enumerate() {
            // Not the last row alone on a continuation page.
            let widow = i + 2 == p.pieces.len()
                && on_page >= 3
                && self.y + h + p.pieces[i + 1].2 > BOTTOM + 0.01;
            if widow || self.y + h > BOTTOM + 0.01 {
                on_page = 0;
                self.new_page();
                self.centred(&p.cap_cont, NOTE_PT, p.cap_h, BLACK);
                self.table_head(&p);
            }
            let cells: Vec<&Cell> = p.spans_body[*ri].iter().collect();
            self.table_row(lines, &cells, &p.widths, *h, false, p.size);
            on_page += 1;
        }
        self.y += 2.0 * MM;
        self.snap();
    }

    fn table_row(
        &mut self,
        lines: &[Vec<Vec<Glyph>>],
        cells: &[&Cell],
        widths: &[f32],
        h: f32,
        head: bool,
        size: f32,
    ) {
        let lh = size * 1.45;
        let top = self.y;
        let mut x = LEFT;
        let mut col = 0;
        for (cell_lines, cell) in lines.iter().zip(cells) {
            let w: f32 = widths.iter().skip(col).take(cell.span).sum();
            col += cell.span;
            self.page().push(Item::Path {
                points: vec![(x, top), (x + w, top), (x + w, top + h), (x, top + h)],
                closed: true,
                fill: head.then_some(HEAD_FILL),
                stroke: Some((BLACK, 0.5, Vec::new())),
            });
            let text_h = cell_lines.len() as f32 * lh;
            let mut ly = top + (h - text_h) / 2.0;
            let align = if head && cell.align == Align::Left {
                Align::Center
            } else {
                cell.align
            };
            for l in cell_lines {
                let lw = line_width(l, size);
                let lx = match align {
                    Align::Left => x + CELL_PAD_X,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - CELL_PAD_X - lw,
                };
                let by = Self::baseline(ly, lh, size);
                self.put(l, lx.max(x + 1.0), by, size, 0.0, BLACK, 0.0);
                ly += lh;
            }
            x += w;
        }
        // Cells missing at the end of a short row: draw empty boxes.
        if col < widths.len() {
            let w: f32 = widths[col..].iter().sum();
            self.page().push(Item::Path {
                points: vec![(x, top), (x + w, top), (x + w, top + h), (x, top + h)],
                closed: true,
                fill: head.then_some(HEAD_FILL),
                stroke: Some((BLACK, 0.5, Vec::new())),
            });
        }
        self.y += h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::pdf::fonts::FontSet;
    use crate::render::pdf::layout::test_support::{texts, wide_table};
    use crate::render::pdf::layout::{Block, BODY_PT, PAGE_H, PITCH, TOP};

    #[test]
    fn long_table_repeats_its_header() {
        let fonts = FontSet::shipped().unwrap();
        let rows: Vec<Vec<Cell>> = (1..=200)
            .map(|i| {
                vec![
                    Cell::new(format!("第{i}行乡镇"), Align::Left),
                    Cell::new(format!("{}", i * 3), Align::Right),
                    Cell::new(format!("{}.5", i), Align::Right),
                ]
            })
            .collect();
        let t = TableBlock {
            caption: "表1　合成数据".into(),
            unit: None,
            head: vec![
                Cell::new("乡镇表头", Align::Left),
                Cell::new("案件数", Align::Right),
                Cell::new("面积", Align::Right),
            ],
            rows,
        };
        let (pages, missing) = Layout::new(&fonts, "t.pdf").run(&[Block::Table(t)]);
        assert!(missing.is_empty());
        assert!(pages.len() >= 5, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let t = texts(p);
            assert_eq!(
                t.iter().filter(|s| **s == "乡镇表头").count(),
                1,
                "page {i}"
            );
            if i > 0 {
                assert!(t.iter().any(|s| s.contains("（续表）")), "page {i}");
            }
            // Every item stays inside the page; rows inside the text block.
            for it in p {
                if let Item::Text { y, .. } = it {
                    assert!(*y <= PAGE_H - 10.0);
                }
                if let Item::Path { points, .. } = it {
                    for (_, y) in points {
                        assert!(*y <= BOTTOM + 0.5 && *y >= TOP - 0.5, "{y}");
                    }
                }
            }
        }
        // Every row appears exactly once.
        let all: Vec<&str> = pages.iter().flat_map(texts).collect();
        for i in [1, 77, 200] {
            let key = format!("第{i}行乡镇");
            assert_eq!(all.iter().filter(|s| **s == key).count(), 1);
        }
    }

    #[test]
    fn body_text_returns_to_the_grid_after_a_table() {
        let fonts = FontSet::shipped().unwrap();
        let blocks = vec![
            Block::Para("温".repeat(20)),
            Block::Table(wide_table(3)),
            Block::Para("州".repeat(20)),
        ];
        let (pages, _) = Layout::new(&fonts, "t.pdf").run(&blocks);
        let ys: Vec<f32> = pages[0]
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, size, .. } if *size == BODY_PT => Some(*y),
                _ => None,
            })
            .collect();
        assert_eq!(ys.len(), 2);
        let off = |y: f32| ((y - ys[0]) / PITCH).fract().abs();
        let o = off(ys[1]);
        assert!(!(0.01..=0.99).contains(&o), "{ys:?} {o}");
    }
}
