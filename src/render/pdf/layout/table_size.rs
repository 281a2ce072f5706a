//! Table sizing, before anything is drawn: the font size a table is set in
//! (the largest of [`TABLE_SIZES`] at which its numbers and short labels fit
//! their columns on one line), column widths that fill the text width, the
//! wrapped lines of every cell, and rows taller than a page cut into pieces:
//! together a [`TablePlan`], which `table` then sets on the pages.

use super::geometry::{CELL_PAD_X, CELL_PAD_Y, MM, NOTE_PT, TABLE_SIZES, TEXT_H, TEXT_W};
use super::model::{Align, Cell, TableBlock};
use super::Layout;
use crate::render::pdf::fonts::{Glyph, Role};
use crate::render::pdf::linebreak::{break_lines, line_width};

/// The wrapped lines of every cell of one row.
type RowLines = Vec<Vec<Vec<Glyph>>>;
/// A row (or a page-high part of one): row index, lines, height.
type Piece = (usize, RowLines, f32);

/// A table ready to be set: see [`Layout::table_plan`].
pub struct TablePlan {
    /// Font size of the cells.
    pub size: f32,
    pub widths: Vec<f32>,
    pub(super) head_lines: Vec<Vec<Vec<Glyph>>>,
    pub(super) head_h: f32,
    pub(super) spans_head: Vec<Cell>,
    pub(super) spans_body: Vec<Vec<Cell>>,
    /// (row index, wrapped lines of every cell, height)
    pub(super) pieces: Vec<Piece>,
    pub(super) cap: Vec<Glyph>,
    pub(super) cap_cont: Vec<Glyph>,
    pub(super) cap_h: f32,
    /// Height of the 单位 line (0 without one).
    pub(super) unit_h: f32,
}

impl TablePlan {
    /// The lines of every cell of body row `row` (all its pieces joined),
    /// each line as a string.
    pub fn row_text(&self, row: usize) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for (ri, cells, _) in &self.pieces {
            if *ri != row {
                continue;
            }
            for (i, c) in cells.iter().enumerate() {
                if out.len() <= i {
                    out.push(Vec::new());
                }
                out[i].extend(c.iter().map(|l| l.iter().map(|g| g.c).collect::<String>()));
            }
        }
        out
    }
}

impl<'a> Layout<'a> {
    /// How a table will be set: font size, column widths, the wrapped
    /// header and the rows (cut into pieces where a row is taller than a page).
    pub(super) fn table_plan(&mut self, t: &TableBlock) -> Option<TablePlan> {
        let ncols = t.head.iter().map(|c| c.span).sum::<usize>().max(
            t.rows
                .iter()
                .map(|r| r.iter().map(|c| c.span).sum())
                .max()
                .unwrap_or(0),
        );
        if ncols == 0 {
            return None;
        }
        let head: Vec<(Vec<Glyph>, &Cell)> = t
            .head
            .iter()
            .map(|c| (self.glyphs(Role::Heading1, &c.text), c))
            .collect();
        let rows: Vec<Vec<(Vec<Glyph>, &Cell)>> = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (self.glyphs(Role::Table, &c.text), c))
                    .collect()
            })
            .collect();
        // The largest size at which every number fits its column on one
        // line; a wide table steps down (10.5 → 9 → 7.5 pt).
        let mut chosen = None;
        for &size in TABLE_SIZES {
            if let Some(w) = column_widths(ncols, &head, &rows, size) {
                chosen = Some((size, w));
                break;
            }
        }
        let (size, widths) = chosen.unwrap_or_else(|| {
            let size = TABLE_SIZES[TABLE_SIZES.len() - 1];
            (size, squeezed_widths(ncols, &head, &rows, size))
        });
        let lh = size * 1.45;
        let head_lines = row_lines(&head, &widths, size);
        let body: Vec<Vec<Vec<Vec<Glyph>>>> =
            rows.iter().map(|r| row_lines(r, &widths, size)).collect();
        let row_h = |lines: &Vec<Vec<Vec<Glyph>>>| {
            lines.iter().map(|c| c.len()).max().unwrap_or(1).max(1) as f32 * lh + 2.0 * CELL_PAD_Y
        };
        let head_h = row_h(&head_lines);
        let cap_h = NOTE_PT * 1.6 + 1.0 * MM;
        // Rows too tall for a whole page are cut into pieces.
        let max_lines =
            (((TEXT_H - cap_h - head_h - 2.0 * CELL_PAD_Y) / lh).floor() as usize).max(1);
        let mut pieces: Vec<Piece> = Vec::new();
        for (ri, r) in body.into_iter().enumerate() {
            let tallest = r.iter().map(|c| c.len()).max().unwrap_or(0);
            if tallest <= max_lines {
                let h = row_h(&r);
                pieces.push((ri, r, h));
                continue;
            }
            let mut k = 0;
            while k < tallest {
                let p: Vec<Vec<Vec<Glyph>>> = r
                    .iter()
                    .map(|c| c.iter().skip(k).take(max_lines).cloned().collect())
                    .collect();
                let h = row_h(&p);
                pieces.push((ri, p, h));
                k += max_lines;
            }
        }
        let spans_head: Vec<Cell> = head.iter().map(|(_, c)| (*c).clone()).collect();
        let spans_body: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| r.iter().map(|(_, c)| (*c).clone()).collect())
            .collect();
        let cap = self.glyphs(Role::Heading1, &t.caption);
        let cap_cont = self.glyphs(Role::Heading1, &format!("{}（续表）", t.caption));
        Some(TablePlan {
            size,
            widths,
            head_lines,
            head_h,
            spans_head,
            spans_body,
            pieces,
            cap,
            cap_cont,
            cap_h,
            unit_h: if t.unit.is_some() { size * 1.6 } else { 0.0 },
        })
    }
}

type Row<'c> = Vec<(Vec<Glyph>, &'c Cell)>;

/// The wrapped lines of every cell of a row.
fn row_lines(row: &[(Vec<Glyph>, &Cell)], widths: &[f32], size: f32) -> Vec<Vec<Vec<Glyph>>> {
    let mut col = 0;
    row.iter()
        .map(|(g, c)| {
            let w: f32 = widths.iter().skip(col).take(c.span).sum::<f32>() - 2.0 * CELL_PAD_X;
            col += c.span;
            break_lines(g, size, w, w, 0.0)
                .into_iter()
                .map(|r| g[r].to_vec())
                .collect()
        })
        .collect()
}

/// Whether a cell's text must stay on one line: numbers (right-aligned or
/// centred cells, or anything that looks like a figure) and short labels.
fn keep_whole(g: &[Glyph], c: &Cell) -> bool {
    let numeric = !g.is_empty()
        && g.iter()
            .all(|g| g.c.is_ascii_digit() || "+-−.,%‰".contains(g.c));
    c.align != Align::Left || numeric || g.len() <= 6
}

/// Natural and minimum widths per column at `size`: `min` is what a column
/// needs so that no number and no short label wraps (header cells may wrap
/// onto two lines), `nat` what it needs to set every cell on one line.
fn column_needs(ncols: usize, head: &Row, rows: &[Row], size: f32) -> (Vec<f32>, Vec<f32>) {
    let pad = 2.0 * CELL_PAD_X;
    let mut nat = vec![pad + size; ncols];
    let mut min = vec![pad + size; ncols];
    for (is_head, row) in std::iter::once((true, head)).chain(rows.iter().map(|r| (false, r))) {
        let mut col = 0;
        for (g, c) in row {
            if col >= ncols {
                break;
            }
            if c.span == 1 {
                let w = line_width(g, size) + pad;
                nat[col] = nat[col].max(w);
                let need = if is_head && g.len() <= 4 {
                    // 权重, 完成率: short headers stay on one line.
                    w
                } else if is_head {
                    // A header may take two lines, broken anywhere allowed.
                    (longest_piece(g, size) + pad).max(w / 2.0 + size).min(w)
                } else if keep_whole(g, c) {
                    w
                } else {
                    longest_piece(g, size) + pad
                };
                min[col] = min[col].max(need.min(TEXT_W / 2.0));
            }
            col += c.span;
        }
    }
    // A cell spanning columns (case numbers in the assessment's details)
    // wants its width spread over them, up to 40 % of the text width.
    for row in std::iter::once(head).chain(rows.iter()) {
        let mut col = 0;
        for (g, c) in row {
            if col >= ncols {
                break;
            }
            let end = (col + c.span).min(ncols);
            if c.span > 1 {
                let w = line_width(g, size) + pad;
                let have: f32 = nat[col..end].iter().sum();
                let extra = (w.min(0.4 * TEXT_W) - have).max(0.0) / (end - col) as f32;
                for n in &mut nat[col..end] {
                    *n += extra;
                }
            }
            col = end;
        }
    }
    (nat, min)
}

/// Column widths filling the text width at `size`, or `None` when the
/// columns' minimum widths (whole numbers, short labels) do not fit: every
/// column gets its minimum, the rest of the width goes to the columns in
/// proportion to how much they want beyond that.
fn column_widths(ncols: usize, head: &Row, rows: &[Row], size: f32) -> Option<Vec<f32>> {
    let (nat, min) = column_needs(ncols, head, rows, size);
    let sum_min: f32 = min.iter().sum();
    if sum_min > TEXT_W + 0.01 {
        return None;
    }
    let sum_nat: f32 = nat.iter().sum();
    if sum_nat <= TEXT_W {
        let extra = TEXT_W - sum_nat;
        return Some(nat.iter().map(|n| n + extra * n / sum_nat).collect());
    }
    let want: Vec<f32> = nat
        .iter()
        .zip(&min)
        .map(|(n, m)| (n - m).clamp(0.0, 0.4 * TEXT_W))
        .collect();
    let sum_want: f32 = want.iter().sum::<f32>().max(1e-3);
    let room = TEXT_W - sum_min;
    Some(
        min.iter()
            .zip(&want)
            .map(|(m, w)| m + room * w / sum_want)
            .collect(),
    )
}

/// Last resort for a table too wide even at the smallest size: minimum
/// widths scaled down to the text width.
fn squeezed_widths(ncols: usize, head: &Row, rows: &[Row], size: f32) -> Vec<f32> {
    let (_, min) = column_needs(ncols, head, rows, size);
    let sum_min: f32 = min.iter().sum::<f32>().max(1e-3);
    min.iter().map(|m| m * TEXT_W / sum_min).collect()
}

/// Width of the longest piece between break opportunities.
fn longest_piece(g: &[Glyph], size: f32) -> f32 {
    let allowed = crate::render::pdf::linebreak::opportunities(g);
    let mut best: f32 = 0.0;
    let mut cur = 0.0;
    for (i, gl) in g.iter().enumerate() {
        if i > 0 && allowed[i] {
            cur = 0.0;
        }
        cur += gl.adv * size;
        best = best.max(cur);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::pdf::fonts::FontSet;
    use crate::render::pdf::layout::test_support::wide_table;
    use crate::render::pdf::layout::TABLE_PT;

    #[test]
    fn numbers_never_wrap_in_narrow_columns() {
        let fonts = FontSet::shipped().unwrap();
        for n in [4, 7, 9] {
            let t = wide_table(n);
            let mut l = Layout::new(&fonts, "t.pdf");
            let p = l.table_plan(&t).unwrap();
            for r in 0..t.rows.len() {
                let cells = p.row_text(r);
                for (c, lines) in cells.iter().enumerate().skip(1) {
                    assert_eq!(lines.len(), 1, "{n} columns, row {r} col {c}: {lines:?}");
                    assert_eq!(lines[0], t.rows[r][c].text);
                }
            }
            let sum: f32 = p.widths.iter().sum();
            assert!((sum - TEXT_W).abs() < 0.5, "{sum}");
            // Narrow tables keep 五号; wide ones step down.
            if n == 4 {
                assert_eq!(p.size, TABLE_PT);
            } else {
                assert!(p.size < TABLE_PT, "{n}: {}", p.size);
            }
        }
    }
}
