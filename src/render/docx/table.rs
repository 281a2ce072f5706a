//! Tables in Word: the model table's cells ([`DCell`]), the column widths
//! and font size at which every number fits on one line
//! ([`table_layout`]), and the table itself with its caption, unit line,
//! repeating header row and notes.

use docx_rs::{
    AlignmentType, LineSpacing, LineSpacingType, Paragraph, Run, Shading, Table, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use super::body::Doc;
use super::lines::text_width;
use super::styles::{mm, TEXT_WIDTH_MM};
use crate::report::doc;

impl Doc<'_> {
    /// A Word table: header row (repeated on every page), cells that may
    /// span columns, numbers right-aligned and never wrapped (the columns
    /// are sized for them, and a wide table steps its font size down).
    fn table_cells(
        &mut self,
        caption: &str,
        unit: Option<&str>,
        head: &[String],
        rows: &[Vec<DCell>],
    ) {
        if rows.is_empty() {
            return;
        }
        if !caption.is_empty() {
            self.push(
                Paragraph::new()
                    .style("TableCaption")
                    .keep_next(true)
                    .add_run(Run::new().add_text(caption)),
            );
        }
        if let Some(u) = unit {
            self.push(
                Paragraph::new()
                    .style("TableText")
                    .align(AlignmentType::Right)
                    .keep_next(true)
                    .add_run(Run::new().add_text(u)),
            );
        }
        let cols = head
            .len()
            .max(
                rows.iter()
                    .map(|r| r.iter().map(|c| c.span).sum::<usize>())
                    .max()
                    .unwrap_or(0),
            )
            .max(1);
        let total_w = mm(TEXT_WIDTH_MM) as usize;
        let (grid, size) = table_layout(cols, head, rows, total_w);
        let cell = |text: &str, style: &str, align: AlignmentType, w: usize, span: usize| {
            let run = Run::new().add_text(text).size(size);
            let c = TableCell::new()
                .width(w, WidthType::Dxa)
                .vertical_align(docx_rs::VAlignType::Center)
                .add_paragraph(Paragraph::new().style(style).align(align).add_run(run));
            if span > 1 {
                c.grid_span(span)
            } else {
                c
            }
        };
        let mut trs = Vec::with_capacity(rows.len() + 1);
        trs.push(
            TableRow::new(
                (0..cols)
                    .map(|c| {
                        cell(
                            head.get(c).map(|s| s.as_str()).unwrap_or(""),
                            "TableHead",
                            AlignmentType::Center,
                            grid[c],
                            1,
                        )
                        .shading(Shading::new().fill("F2F2F2"))
                    })
                    .collect(),
            )
            .cant_split(),
        );
        for r in rows {
            let mut c = 0;
            let mut cells = Vec::with_capacity(cols);
            for d in r {
                if c >= cols {
                    break;
                }
                let end = (c + d.span).min(cols);
                let w: usize = grid[c..end].iter().sum();
                let align = match d.align {
                    doc::Align::Right => AlignmentType::Right,
                    doc::Align::Center => AlignmentType::Center,
                    doc::Align::Left => AlignmentType::Left,
                };
                cells.push(cell(&d.text, "TableText", align, w, end - c));
                c = end;
            }
            while c < cols {
                cells.push(cell("", "TableText", AlignmentType::Left, grid[c], 1));
                c += 1;
            }
            trs.push(TableRow::new(cells).cant_split());
        }
        let t = Table::new(trs)
            .set_grid(grid)
            .width(total_w, WidthType::Dxa)
            .layout(TableLayoutType::Fixed);
        self.docx = std::mem::take(&mut self.docx).add_table(t);
        // An empty paragraph keeps two tables apart.
        self.push(
            Paragraph::new().style("TableText").line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Exact)
                    .line(160),
            ),
        );
    }

    /// A model table: caption, unit line, head, rows (cells aligned as
    /// their columns, numbers never wrapped), notes.
    pub(super) fn model_table(&mut self, t: &doc::Table) {
        if t.rows.is_empty() {
            return;
        }
        let row = |r: &[doc::Cell], head: bool| -> Vec<DCell> {
            let mut col = 0;
            r.iter()
                .map(|c| {
                    let k = if head {
                        doc::Column::CENTER
                    } else {
                        t.cell_column(c, col)
                    };
                    col += c.span.max(1);
                    DCell {
                        text: c.text.clone(),
                        span: c.span.max(1),
                        num: k.numeric,
                        align: k.align,
                    }
                })
                .collect()
        };
        let (head, lead): (Vec<String>, &[Vec<doc::Cell>]) = match t.head.split_last() {
            Some((h, lead)) => (h.iter().map(|c| c.text.clone()).collect(), lead),
            None => (Vec::new(), &[]),
        };
        let rows: Vec<Vec<DCell>> = lead
            .iter()
            .map(|r| row(r, true))
            .chain(t.rows.iter().map(|r| row(r, false)))
            .collect();
        self.table_cells(&t.caption, t.unit.as_deref(), &head, &rows);
        for n in &t.notes {
            self.styled("Note", n);
        }
    }
}

/// A table cell: text, columns spanned, a number (never wrapped) or not,
/// alignment.
#[derive(Clone, Debug)]
struct DCell {
    text: String,
    span: usize,
    num: bool,
    align: doc::Align,
}

#[cfg(test)]
impl DCell {
    fn new(text: impl Into<String>, num: bool) -> DCell {
        DCell {
            text: text.into(),
            span: 1,
            num,
            align: if num {
                doc::Align::Right
            } else {
                doc::Align::Left
            },
        }
    }
}

/// Table text sizes in half-points: 五号, 小五, 六号.
const TABLE_SIZES: [usize; 3] = [21, 18, 15];

/// Column widths in twips for a table `total` twips wide, and the font
/// size (half-points) at which every number and short label fits on one
/// line; text columns (names, case numbers) give way first. Widths are
/// estimated from the text: a CJK character is one em, anything else half.
fn table_layout(
    cols: usize,
    head: &[String],
    rows: &[Vec<DCell>],
    total: usize,
) -> (Vec<usize>, usize) {
    // In half-em units; a cell's left and right margins (0.19 cm each in
    // Word) are about two units at 10.5 pt.
    let margin = 2.2;
    let needs = |size: usize| {
        let scale = 21.0 / size as f64;
        let m = margin * scale;
        let mut nat = vec![m + 2.0; cols];
        let mut min = vec![m + 2.0; cols];
        for (c, h) in head.iter().enumerate().take(cols) {
            let w = text_width(h) as f64;
            nat[c] = nat[c].max(w + m);
            // Headers longer than two characters may take two lines.
            let need = if w <= 4.0 { w } else { (w / 2.0).ceil() + 1.0 };
            min[c] = min[c].max(need + m);
        }
        for r in rows {
            let mut c = 0;
            for cell in r {
                if c >= cols {
                    break;
                }
                if cell.span == 1 {
                    let w = text_width(&cell.text) as f64;
                    nat[c] = nat[c].max(w + m);
                    let need = if cell.num || w <= 12.0 { w } else { 8.0 };
                    min[c] = min[c].max(need + m);
                }
                c += cell.span;
            }
        }
        for r in rows {
            let mut c = 0;
            for cell in r {
                let end = (c + cell.span).min(cols);
                if cell.span > 1 && c < end {
                    let w = (text_width(&cell.text) as f64 + m).min(0.4 * units(total, size));
                    let have: f64 = nat[c..end].iter().sum();
                    let extra = (w - have).max(0.0) / (end - c) as f64;
                    for n in &mut nat[c..end] {
                        *n += extra;
                    }
                }
                c = end;
            }
        }
        (nat, min)
    };
    let mut chosen = None;
    for size in TABLE_SIZES {
        let (nat, min) = needs(size);
        if min.iter().sum::<f64>() <= units(total, size) {
            chosen = Some((size, nat, min));
            break;
        }
    }
    let (size, nat, min) = chosen.unwrap_or_else(|| {
        let size = TABLE_SIZES[TABLE_SIZES.len() - 1];
        let (nat, min) = needs(size);
        (size, nat, min)
    });
    let avail = units(total, size);
    let sum_min: f64 = min.iter().sum();
    let sum_nat: f64 = nat.iter().sum();
    let w: Vec<f64> = if sum_min >= avail {
        min.iter().map(|m| m * avail / sum_min).collect()
    } else if sum_nat <= avail {
        nat.iter().map(|n| n * avail / sum_nat).collect()
    } else {
        let cap = 0.4 * avail;
        let want: Vec<f64> = nat
            .iter()
            .zip(&min)
            .map(|(n, m)| (n - m).clamp(0.0, cap))
            .collect();
        let sum_want = want.iter().sum::<f64>().max(1e-3);
        min.iter()
            .zip(&want)
            .map(|(m, w)| m + (avail - sum_min) * w / sum_want)
            .collect()
    };
    let mut grid: Vec<usize> = w
        .iter()
        .map(|u| (u * avail.recip() * total as f64) as usize)
        .collect();
    // Rounding: the last column takes the remainder.
    let used: usize = grid.iter().sum();
    if let Some(last) = grid.last_mut() {
        *last += total.saturating_sub(used);
    }
    (grid, size)
}

/// Half-em units of text at `size` half-points in `twips`.
fn units(twips: usize, size: usize) -> f64 {
    // half an em = size/2 pt /2 = size/4 pt = size*5 twips
    twips as f64 / (size as f64 * 5.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_columns_fit_their_widest_value() {
        let head: Vec<String> = std::iter::once("县（市、区）".to_string())
            .chain((0..10).map(|i| format!("第{i}项同比增减")))
            .collect();
        let rows: Vec<Vec<DCell>> = (0..12)
            .map(|r| {
                std::iter::once(DCell::new(format!("第{r}个县市区名称很长"), false))
                    .chain((0..10).map(|i| DCell::new(format!("−{}.4%", 31 + r + i * 100), true)))
                    .collect()
            })
            .collect();
        let total = mm(TEXT_WIDTH_MM) as usize;
        let (grid, size) = table_layout(11, &head, &rows, total);
        assert_eq!(grid.iter().sum::<usize>(), total);
        assert!(size < 21, "a wide table steps down: {size}");
        for (c, w) in grid.iter().enumerate().skip(1) {
            let widest = rows.iter().map(|r| text_width(&r[c].text)).max().unwrap();
            // half an em = size × 5 twips, plus the cell margins
            assert!(
                *w as f64 >= (widest as f64 + 2.0) * size as f64 * 5.0,
                "col {c}: {w}"
            );
        }
    }
}
