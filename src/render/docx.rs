//! Word documents (`briefing.docx`, `assessment.docx`, `regions/*.docx`)
//! drawn from the format-neutral document model
//! ([`crate::report::doc::Document`]), as the HTML and the PDF are: this
//! module knows how Word draws a masthead, a heading, a table or a chart,
//! and nothing of any document's wording.
//!
//! GB/T 9704 layout: A4, margins top 37 mm, bottom 35 mm, left 28 mm,
//! right 26 mm; Word styles `Normal` (正文: 仿宋_GB2312 16 pt, first line
//! indented two characters, exact 28.95 pt line spacing), `Title` (标题:
//! 方正小标宋简体 22 pt), `Heading1` (标题 1: 黑体 16 pt), `Heading2`
//! (标题 2: 楷体_GB2312 16 pt), plus the red issuing-office line with a red
//! rule, tables with a repeating header row and right-aligned numbers,
//! charts as PNG images, and page numbers “— 1 —” (宋体 14 pt) in the
//! footer, right on odd pages and left on even pages.
//!
//! docx-rs builds the XML parts; this module zips them itself so that the
//! archive is deterministic (fixed entry timestamps from the issue date) and
//! adds what docx-rs cannot express (`w:tblHeader`, unique drawing ids).

use std::io::Write as _;

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Pic, Run, RunFonts, Shading, SpecialIndentType, Style, StyleType, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};

use crate::error::{Error, Result};
use crate::render::chart::{self, Chart};
use crate::render::raster::ChartFont;
use crate::report::doc::{self, date_text, labels};

/// Font names as Word knows them.
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_HEI: &str = "黑体";
pub const FONT_KAI: &str = "楷体_GB2312";
pub const FONT_SONG: &str = "宋体";
const FONT_LATIN: &str = "Times New Roman";

/// 1 mm in twentieths of a point.
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Text block width: 210 − 28 − 26 = 156 mm.
const TEXT_WIDTH_MM: f64 = 156.0;
const RED: &str = "C00000";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

fn exact(pt: f64) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line((pt * 20.0).round() as i32)
}

fn styles(mut d: Docx) -> Docx {
    // docx-rs starts with an empty `Normal`; ours replaces it (one
    // definition per style id).
    let ours = [
        "Normal",
        "Title",
        "Heading1",
        "Heading2",
        "Masthead",
        "TableCaption",
        "TableText",
        "TableHead",
        "Note",
        "Signature",
        RECORD_SECTION,
        "Figure",
        "PageNumber",
    ];
    d.styles
        .styles
        .retain(|s| !ours.contains(&s.style_id.as_str()));
    let body_line = exact(28.95);
    let indent2 = Some(SpecialIndentType::FirstLine(640));
    d.default_fonts(fonts(FONT_BODY))
        .default_size(32)
        .add_style(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .fonts(fonts(FONT_BODY))
                .size(32)
                .line_spacing(body_line.clone())
                .indent(None, indent2, None, None)
                .align(AlignmentType::Both)
                .q_format(true),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_TITLE))
                .size(44)
                .line_spacing(exact(36.0).before(0).after(580))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Center)
                .outline_lvl(0)
                .q_format(true),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_HEI))
                .size(32)
                .line_spacing(body_line.clone())
                .indent(None, indent2, None, None)
                .outline_lvl(0)
                .q_format(true),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_KAI))
                .size(32)
                .line_spacing(body_line.clone())
                .indent(None, indent2, None, None)
                .outline_lvl(1)
                .q_format(true),
        )
        .add_style(
            Style::new("Masthead", StyleType::Paragraph)
                .name("发文机关标志")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_TITLE))
                .size(36)
                .color(RED)
                .line_spacing(LineSpacing::new().before(0).after(560))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("TableCaption", StyleType::Paragraph)
                .name("表题")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_HEI))
                .size(24)
                .line_spacing(LineSpacing::new().before(120).after(60))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("表格文字")
                .based_on("Normal")
                .fonts(fonts(FONT_BODY))
                .size(21)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240),
                )
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Left),
        )
        .add_style(
            Style::new("TableHead", StyleType::Paragraph)
                .name("表头")
                .based_on("TableText")
                .fonts(fonts(FONT_HEI))
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("Note", StyleType::Paragraph)
                .name("注释")
                .based_on("Normal")
                .size(24)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(300),
                ),
        )
        .add_style(
            Style::new("Signature", StyleType::Paragraph)
                .name("落款")
                .based_on("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Left),
        )
        .add_style(
            Style::new(RECORD_SECTION, StyleType::Paragraph)
                .name("版记分节")
                .based_on("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
        )
        .add_style(
            Style::new("Figure", StyleType::Paragraph)
                .name("图")
                .based_on("Normal")
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240),
                )
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("PageNumber", StyleType::Paragraph)
                .name("页码")
                .fonts(fonts(FONT_SONG))
                .size(28)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
        )
}

/// “— 1 —”, right on odd pages and left on even pages, one character in.
fn page_footer(align: AlignmentType) -> Footer {
    let (left, right) = match align {
        AlignmentType::Left => (Some(280), None),
        _ => (None, Some(280)),
    };
    let p = Paragraph::new()
        .style("PageNumber")
        .align(align)
        .indent(left, Some(SpecialIndentType::FirstLine(0)), right, None)
        .add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"));
    Footer::new().add_paragraph(p)
}

/// A document under construction.
struct Doc<'a> {
    docx: Docx,
    images: usize,
    font: Option<&'a ChartFont>,
    /// The file name, for missing-character reports.
    name: String,
    /// Characters of chart labels the chart font does not have (left out).
    missing: Vec<crate::render::typeset::MissingGlyph>,
}

fn text_width(s: &str) -> usize {
    crate::render::typeset::width::text_width(s)
}

impl<'a> Doc<'a> {
    fn new(font: Option<&'a ChartFont>, issued: NaiveDate, name: &str) -> Doc<'a> {
        let date = format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            issued.year(),
            issued.month(),
            issued.day()
        );
        let docx = styles(Docx::new())
            .page_size(11906, 16838)
            .page_margin(docx_rs::PageMargin {
                top: mm(37.0),
                bottom: mm(35.0),
                left: mm(28.0),
                right: mm(26.0),
                header: mm(15.0),
                footer: mm(26.0),
                gutter: 0,
            })
            .footer(page_footer(AlignmentType::Right))
            .even_footer(page_footer(AlignmentType::Left))
            .created_at(&date)
            .updated_at(&date);
        Doc {
            docx,
            images: 0,
            font,
            name: name.to_string(),
            missing: Vec::new(),
        }
    }

    /// 版头 (GB/T 9704 §7.2): the issuing office in red, its top 35 mm
    /// below the top margin, larger than the title and on balanced lines
    /// when long (as the PDF sets it); the 发文字号 two lines below it; the
    /// red rule 4 mm below the 发文字号 (half a line below the office when
    /// there is none); the title two lines below the rule.
    fn masthead(&mut self, office: &str, number: Option<&str>, signer: Option<&str>) {
        let (lines, pt) = masthead_lines(office);
        let half_points = (pt * 2.0).round() as usize;
        let line = (pt * 1.25 * 20.0).round() as i32;
        // Word sets a line of exact height with the glyphs' top about a
        // fifth of the size below the line's top.
        let before = (mm(35.0) - (pt * 0.2 * 20.0).round() as i32).max(0) as u32;
        let mut p = Paragraph::new().style("Masthead").line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(line)
                .before(before)
                .after(0),
        );
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                p = p.add_run(
                    Run::new()
                        .size(half_points)
                        .add_break(BreakType::TextWrapping),
                );
            }
            p = p.add_run(Run::new().size(half_points).add_text(l));
        }
        self.push(p);
        let numbers: Vec<String> = number
            .map(str::to_string)
            .into_iter()
            .chain(signer.map(|s| format!("{}{s}", labels::SIGNER)))
            .collect();
        for (i, n) in numbers.iter().enumerate() {
            let before = if i == 0 { 2 * LINE_TWIPS } else { 0 };
            self.push(
                Paragraph::new()
                    .style("Normal")
                    .align(AlignmentType::Center)
                    .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                    .line_spacing(exact(28.95).before(before))
                    .add_run(Run::new().add_text(n)),
            );
        }
        // The red rule: the bottom border of an empty 1 pt line. The 文号's
        // characters end about 7 pt above the bottom of their line.
        let before = if numbers.is_empty() {
            LINE_TWIPS / 2
        } else {
            (mm(4.0) - 140).max(0) as u32
        };
        let mut rule = Paragraph::new().style("Masthead").line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(20)
                .before(before)
                .after(2 * LINE_TWIPS),
        );
        rule.property = rule.property.set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(16)
                    .space(0)
                    .color(RED),
            ),
        );
        self.push(rule);
    }

    fn push(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    fn styled(&mut self, style: &str, text: &str) {
        self.push(
            Paragraph::new()
                .style(style)
                .add_run(Run::new().add_text(text)),
        );
    }

    /// The title, broken into lines of about equal length (as in the PDF)
    /// rather than left to Word, which leaves one or two characters alone
    /// on the last line.
    fn title(&mut self, text: &str) {
        let mut p = Paragraph::new().style("Title");
        for (i, line) in balanced_title_lines(text).iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            p = p.add_run(Run::new().add_text(line));
        }
        self.push(p);
    }
    fn para(&mut self, text: &str) {
        self.styled("Normal", text);
    }
    fn centred(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .align(AlignmentType::Center)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .add_run(Run::new().add_text(text)),
        );
    }
    /// 署名 and 成文日期 as GB/T 9704 §7.3.5 places them (see the PDF's
    /// `Block::Signature`): each line left-indented to where the PDF sets it.
    fn signature(&mut self, s: &doc::Signature, sealed: bool) {
        let date = date_text(s.date);
        let (office, xo, xd) = signature_place(&s.office, &date, sealed);
        for _ in 0..if sealed { 2 } else { 1 } {
            self.push(Paragraph::new().style("Normal"));
        }
        let line = |p: Paragraph, x: u32, text: &str| {
            p.style("Signature")
                .indent(
                    Some(x as i32),
                    Some(SpecialIndentType::FirstLine(0)),
                    None,
                    None,
                )
                .add_run(Run::new().add_text(text))
        };
        for (l, x) in office.iter().zip(xo) {
            self.push(line(Paragraph::new().keep_next(true), x, l));
        }
        self.push(line(Paragraph::new(), xd, &date));
    }
    fn left(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .add_run(Run::new().add_text(text)),
        );
    }
    fn appendix(&mut self, label: &str, title: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .fonts(fonts(FONT_HEI))
                .add_run(Run::new().add_break(BreakType::Page))
                .add_run(Run::new().fonts(fonts(FONT_HEI)).add_text(label)),
        );
        self.title(title);
    }
    fn heading(&mut self, level: u8, text: &str) {
        let style = match level {
            1 => "Heading1",
            2 => "Heading2",
            _ => "Normal",
        };
        let mut p = Paragraph::new().style(style).keep_next(true);
        let mut run = Run::new().add_text(text);
        if level == 4 {
            run = run.bold();
        }
        if level >= 3 {
            p = p.keep_next(true);
        }
        p = p.add_run(run);
        self.push(p);
    }
    /// 版记: 抄送, 印发机关 and 印发日期 between rules (the first and last
    /// 0.35 mm, the middle one 0.25 mm), 14 pt, in a section of its own
    /// that starts on an even page and sets its text at the foot of the
    /// page ([`RECORD_SECTION`], completed in [`patch_document`]): Word adds
    /// the blank page when the text ends on an even page.
    fn record(&mut self, r: &doc::Record) {
        let (cc, printer, printed) = r.lines();
        let border = |pos, size| {
            ParagraphBorder::new(pos)
                .val(BorderType::Single)
                .size(size)
                .space(1)
        };
        // The end of the text's section (its properties are copied in).
        self.push(
            Paragraph::new().style(RECORD_SECTION).line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Exact)
                    .line(20)
                    .before(0)
                    .after(0),
            ),
        );
        // One character (14 pt = 280 twips) in on both sides; the 抄送's
        // wrapped lines aligned after its colon.
        let base = |label: i32| {
            Paragraph::new()
                .style("Normal")
                .size(28)
                .line_spacing(exact(28.95))
                .indent(
                    Some(280 + label),
                    Some(if label > 0 {
                        SpecialIndentType::Hanging(label)
                    } else {
                        SpecialIndentType::FirstLine(0)
                    }),
                    Some(280),
                    None,
                )
                .align(AlignmentType::Left)
        };
        let has_cc = cc.is_some();
        if let Some(cc) = cc {
            let label = (text_width(labels::CC) * 140) as i32;
            let mut p = base(label)
                .keep_next(true)
                .add_run(Run::new().size(28).add_text(cc));
            p.property = p.property.set_borders(
                ParagraphBorders::with_empty().set(border(ParagraphBorderPosition::Top, 8)),
            );
            self.push(p);
        }
        // 印发机关 on balanced lines when it does not fit beside the date
        // (a character apart), as in the PDF; the date on its last line.
        let mut line = base(0);
        for (i, l) in record_printer_lines(&printer, &printed).iter().enumerate() {
            if i > 0 {
                line = line.add_run(Run::new().size(28).add_break(BreakType::TextWrapping));
            }
            line = line.add_run(Run::new().size(28).add_text(l));
        }
        let mut line = line
            .add_run(Run::new().add_tab())
            .add_run(Run::new().size(28).add_text(printed))
            .add_tab(
                docx_rs::Tab::new()
                    .val(docx_rs::TabValueType::Right)
                    .pos(mm(TEXT_WIDTH_MM) as usize - 280),
            );
        let top = if has_cc { 6 } else { 8 };
        line.property = line.property.set_borders(
            ParagraphBorders::with_empty()
                .set(border(ParagraphBorderPosition::Top, top))
                .set(border(ParagraphBorderPosition::Bottom, 8)),
        );
        self.push(line);
    }

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
    fn model_table(&mut self, t: &doc::Table) {
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

    /// A chart as an embedded PNG, 150 mm wide at most; without a font, a
    /// note says where the chart would be.
    fn chart(&mut self, c: &Chart) {
        let Some(font) = self.font else {
            let title = match c {
                Chart::Bar(b) => b.title.clone(),
                Chart::Line(l) => l.title.clone(),
            };
            self.push(
                Paragraph::new()
                    .style("Note")
                    .add_run(Run::new().add_text(format!(
                        "（图“{title}”未生成：未找到图表字体，请在配置 [fonts] 中指定字体文件）"
                    ))),
            );
            return;
        };
        let scene = chart::layout(c, &|s: &str, size: f32| font.measure(s, size));
        for t in scene.texts() {
            for ch in font.missing(&t.text) {
                self.missing.push(crate::render::typeset::MissingGlyph {
                    ch,
                    document: self.name.clone(),
                    place: scene.title.clone(),
                });
            }
        }
        let scale = 3.0f32;
        let Some(png) = font.render_png(&scene, scale) else {
            return;
        };
        self.images += 1;
        let (wpx, hpx) = (
            (scene.width * scale).ceil() as u32,
            (scene.height * scale).ceil() as u32,
        );
        // Size in EMU: points × 12700, at most the text width.
        let max_w = 150.0 / 25.4 * 914400.0_f64;
        let mut w = scene.width as f64 * 12700.0;
        let mut h = scene.height as f64 * 12700.0;
        if w > max_w {
            h *= max_w / w;
            w = max_w;
        }
        let pic = Pic::new_with_dimensions(png, wpx, hpx)
            .id(format!("rIdImage{}", self.images))
            .size(w as u32, h as u32);
        self.push(
            Paragraph::new()
                .style("Figure")
                .keep_lines(true)
                .add_run(Run::new().add_image(pic)),
        );
    }

    fn finish(self, issued: NaiveDate) -> Result<Vec<u8>> {
        pack(self.docx, issued)
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

/// One line of the 22-line grid (28.95 pt) in twips.
const LINE_TWIPS: u32 = 579;

/// The style of the empty paragraph that ends the text's section before
/// the 版记 (its `w:sectPr` is added by [`patch_document`]).
const RECORD_SECTION: &str = "RecordBreak";

/// Glyphs for the PDF's line breaking with widths as Word sets them:
/// full-width characters one em, others `half` (a little over half an em
/// where a line must not overflow, exactly half where text is placed).
fn em_glyphs_with(text: &str, half: f32) -> Vec<crate::render::typeset::fonts::Glyph> {
    use crate::render::typeset::fonts::Glyph;
    text.chars()
        .map(|c| Glyph {
            c,
            face: 0,
            adv: if text_width(&c.to_string()) == 2 {
                1.0
            } else {
                half
            },
        })
        .collect()
}

/// [`em_glyphs_with`] half-width characters at 0.55 em, for breaking lines.
fn em_glyphs(text: &str) -> Vec<crate::render::typeset::fonts::Glyph> {
    em_glyphs_with(text, 0.55)
}

/// The issuing office's lines and size in points, as the PDF sets them
/// ([`crate::render::typeset::page::masthead_setting`]).
fn masthead_lines(office: &str) -> (Vec<String>, f32) {
    let g = em_glyphs(office);
    let (lines, size) = crate::render::typeset::page::masthead_setting(&g);
    (
        lines
            .into_iter()
            .map(|r| g[r].iter().map(|g| g.c).collect())
            .collect(),
        size,
    )
}

/// The 印发机关's lines in the 版记 (14 pt, one character in from both
/// sides): one line when it fits beside the 印发日期 with a character
/// between them, else balanced lines that do.
fn record_printer_lines(printer: &str, printed: &str) -> Vec<String> {
    use crate::render::typeset::linebreak::{break_balanced, line_width};
    const EM: f32 = 280.0;
    let inner = mm(TEXT_WIDTH_MM) as f32 - 2.0 * EM;
    let wd = line_width(&em_glyphs_with(printed, 0.5), EM);
    let room = (inner - wd - EM).max(inner / 3.0);
    let g = em_glyphs_with(printer, 0.5);
    let lines: Vec<String> = break_balanced(&g, EM, room)
        .into_iter()
        .map(|r| g[r].iter().map(|g| g.c).collect())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// 署名 and 成文日期 (GB/T 9704 §7.3.5), in twips from the left margin:
/// (office lines, indent of each, indent of the date). Without a seal the
/// office ends two characters in and the date starts two characters right
/// of it (a longer date ends two characters in and moves the office left);
/// with a seal the date ends four characters in and the office is centred
/// over it, on balanced lines when too wide for that.
fn signature_place(office: &str, date: &str, sealed: bool) -> (Vec<String>, Vec<u32>, u32) {
    use crate::render::typeset::linebreak::{break_balanced, line_width};
    const EM: f32 = 320.0;
    let text = mm(TEXT_WIDTH_MM) as f32;
    // 仿宋's digits are half an em.
    let g = em_glyphs_with(office, 0.5);
    let wd = line_width(&em_glyphs_with(date, 0.5), EM);
    let lines_of = |width: f32| -> Vec<(String, f32)> {
        break_balanced(&g, EM, width)
            .into_iter()
            .map(|r| {
                let w = line_width(&g[r.clone()], EM);
                (g[r].iter().map(|g| g.c).collect(), w)
            })
            .collect()
    };
    let twips = |x: f32| x.max(0.0).round() as u32;
    if sealed {
        let xd = text - 4.0 * EM - wd;
        let centre = xd + wd / 2.0;
        let lines = lines_of(2.0 * (text - centre));
        let xs = lines.iter().map(|(_, w)| twips(centre - w / 2.0)).collect();
        (lines.into_iter().map(|(l, _)| l).collect(), xs, twips(xd))
    } else {
        let lines = lines_of(text - 4.0 * EM);
        let wo = lines.iter().map(|(_, w)| *w).fold(0.0, f32::max);
        let mut xo = text - 2.0 * EM - wo;
        let mut xd = xo + 2.0 * EM;
        if xd + wd > text - 2.0 * EM {
            xd = text - 2.0 * EM - wd;
            xo = xd - 2.0 * EM;
        }
        let xs = lines.iter().map(|_| twips(xo)).collect();
        (lines.into_iter().map(|(l, _)| l).collect(), xs, twips(xd))
    }
}

/// Half-em units of text at `size` half-points in `twips`.
fn units(twips: usize, size: usize) -> f64 {
    // half an em = size/2 pt /2 = size/4 pt = size*5 twips
    twips as f64 / (size as f64 * 5.0)
}

/// The title in lines of about equal width, as the PDF breaks it (22 pt on
/// the 156 mm text block).
fn balanced_title_lines(text: &str) -> Vec<String> {
    let glyphs = em_glyphs(text);
    let width = (TEXT_WIDTH_MM / 25.4 * 72.0) as f32;
    crate::render::typeset::linebreak::break_balanced(&glyphs, 22.0, width)
        .into_iter()
        .map(|r| glyphs[r].iter().map(|g| g.c).collect())
        .collect()
}

fn blocks(d: &mut Doc, list: &[doc::Block]) {
    for b in list {
        match b {
            doc::Block::Heading {
                level,
                number,
                text,
            } => d.heading(*level, &format!("{number}{text}")),
            doc::Block::Para { text } => d.para(text),
            doc::Block::Note { text } => d.styled("Note", text),
            doc::Block::Table(t) => d.model_table(t),
            doc::Block::Chart { chart } => d.chart(chart),
        }
    }
}

/// One document as a Word file; `name` (e.g. `briefing.docx`) is used in
/// reports of characters left out of charts.
pub fn draw(
    m: &doc::Document,
    name: &str,
    issued: NaiveDate,
    font: Option<&ChartFont>,
) -> Result<(Vec<u8>, Vec<crate::render::typeset::MissingGlyph>)> {
    let mut d = Doc::new(font, issued, name);
    if !m.office.is_empty() {
        d.masthead(&m.office, m.number.as_deref(), m.signer.as_deref());
    } else {
        if let Some(n) = &m.number {
            d.centred(n);
        }
        if let Some(s) = &m.signer {
            d.centred(&format!("{}{s}", labels::SIGNER));
        }
    }
    d.title(&m.title);
    if let Some(a) = &m.addressee {
        d.left(a);
    }
    blocks(&mut d, &m.body);
    let attachments = m.attachment_lines();
    if !attachments.is_empty() {
        // A blank line between the text and the 附件说明 (GB/T 9704 §7.3.4).
        d.push(Paragraph::new().style("Normal"));
    }
    for l in attachments {
        d.para(&l);
    }
    if let Some(s) = &m.signature {
        d.signature(s, m.sealed);
    }
    for (i, a) in m.attachments.iter().enumerate() {
        d.appendix(&m.attachment_label(i), &a.title);
        blocks(&mut d, &a.body);
    }
    if let Some(r) = &m.record {
        d.record(r);
    }
    let missing = std::mem::take(&mut d.missing);
    Ok((d.finish(issued)?, missing))
}

/// Every Word document of a run: `(stem, model)` → `<stem>.docx`.
/// Characters left out of charts are reported on stderr, as for the PDF.
pub fn render_docs(
    models: &[(String, doc::Document)],
    issued: NaiveDate,
    font: Option<&ChartFont>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (stem, m) in models {
        let name = format!("{stem}.docx");
        let (bytes, missing) = draw(m, &name, issued, font)?;
        for g in missing {
            if seen.insert((g.ch, g.document.clone())) {
                eprintln!("{g}");
            }
        }
        out.push((name, bytes));
    }
    Ok(out)
}

/// The Word renderer: the chart font (charts are pictures in Word; without
/// a CJK font they are replaced by a note).
pub struct DocxRenderer {
    pub font: Option<ChartFont>,
}

impl super::Renderer for DocxRenderer {
    fn format(&self) -> &'static str {
        "docx"
    }
    fn render(&self, set: &super::DocumentSet<'_>) -> Result<Vec<(String, Vec<u8>)>> {
        render_docs(set.models, set.issued, self.font.as_ref())
    }
}

/// `w:tblHeader` on the first row of every table (docx-rs has no such
/// property); unique `wp:docPr` ids for the images.
fn patch_document(xml: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(xml);
    let mut out = String::with_capacity(s.len() + 1024);
    let mut rest: &str = &s;
    // Every table's first row carries <w:cantSplit />: add tblHeader there.
    while let Some(i) = rest.find("<w:tbl>") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        if let Some(j) = rest.find("<w:trPr>") {
            out.push_str(&rest[..j + 8]);
            out.push_str("<w:tblHeader />");
            rest = &rest[j + 8..];
        }
    }
    out.push_str(rest);
    let mut n = 0;
    let mut fixed = String::with_capacity(out.len());
    let mut rest: &str = &out;
    const DOCPR: &str = "<wp:docPr id=\"";
    while let Some(i) = rest.find(DOCPR) {
        fixed.push_str(&rest[..i]);
        rest = &rest[i + DOCPR.len()..];
        let end = rest.find('"').unwrap_or(0);
        n += 1;
        fixed.push_str(&format!("{DOCPR}{n}"));
        rest = &rest[end..];
    }
    fixed.push_str(rest);
    record_section(&fixed).unwrap_or(fixed).into_bytes()
}

/// The 版记's own section (GB/T 9704 §7.4: on the last, even page, its last
/// rule on the last line): the empty [`RECORD_SECTION`] paragraph ends the
/// text's section with a copy of the document's section properties, and
/// the last section (the 版记) gets `w:type evenPage` (Word starts it on
/// the next even page, adding a blank page when needed) and `w:vAlign
/// bottom` (its text at the foot of the page). `None` when the document
/// has no 版记 or its XML is not as docx-rs writes it.
fn record_section(xml: &str) -> Option<String> {
    let marker = format!("<w:pStyle w:val=\"{RECORD_SECTION}\" />");
    let at = xml.find(&marker)?;
    let end_ppr = at + xml[at..].find("</w:pPr>")?;
    let start = xml.rfind("<w:sectPr")?;
    let end = start + xml[start..].find("</w:sectPr>")? + "</w:sectPr>".len();
    if end_ppr > start {
        return None;
    }
    let body_sect = &xml[start..end];
    // The last section: its type after the header/footer references, its
    // vertical alignment after the columns (CT_SectPr's order).
    let mut last = body_sect.to_string();
    let type_at = [
        "</w:sectPr>",
        "<w:pgSz",
        "<w:pgMar",
        "<w:cols",
        "<w:docGrid",
    ]
    .iter()
    .filter_map(|t| last.find(t))
    .min()?;
    last.insert_str(type_at, "<w:type w:val=\"evenPage\" />");
    let valign_at = match last.find("<w:cols") {
        Some(c) => c + last[c..].find("/>")? + 2,
        None => last.find("</w:sectPr>")?,
    };
    last.insert_str(valign_at, "<w:vAlign w:val=\"bottom\" />");
    let mut out = String::with_capacity(xml.len() + body_sect.len() + 64);
    out.push_str(&xml[..end_ppr]);
    out.push_str(&references_first(body_sect));
    out.push_str(&xml[end_ppr..start]);
    out.push_str(&references_first(&last));
    out.push_str(&xml[end..]);
    Some(out)
}

/// A `w:sectPr` with its header and footer references first, where
/// CT_SectPr has them (docx-rs writes them last).
fn references_first(sect: &str) -> String {
    let Some(open_end) = sect.find('>').map(|i| i + 1) else {
        return sect.to_string();
    };
    let mut refs = String::new();
    let mut rest = String::new();
    let mut s = &sect[open_end..];
    while let Some(i) = s.find('<') {
        rest.push_str(&s[..i]);
        s = &s[i..];
        let Some(j) = s.find('>') else { break };
        let el = &s[..=j];
        if el.starts_with("<w:headerReference") || el.starts_with("<w:footerReference") {
            refs.push_str(el);
        } else {
            rest.push_str(el);
        }
        s = &s[j + 1..];
    }
    rest.push_str(s);
    format!("{}{refs}{rest}", &sect[..open_end])
}

fn zerr(e: zip::result::ZipError) -> Error {
    Error::Other(format!(
        "无法生成 Word 文档：{e} / cannot build the docx file: {e}"
    ))
}

/// Zip the parts with deflate and a fixed timestamp (the issue date).
fn pack(docx: Docx, issued: NaiveDate) -> Result<Vec<u8>> {
    let x = docx.build();
    let ts = zip::DateTime::from_date_and_time(
        issued.year().clamp(1980, 2107) as u16,
        issued.month() as u8,
        issued.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(ts)
        .unix_permissions(0o644);
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), x.content_type),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        ("docProps/core.xml".into(), x.doc_props.core),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), x.document_rels),
        ("word/document.xml".into(), patch_document(&x.document)),
        ("word/styles.xml".into(), single_normal(&x.styles)),
        ("word/settings.xml".into(), x.settings),
        ("word/fontTable.xml".into(), x.font_table),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), x.numberings),
        ("word/commentsExtended.xml".into(), x.comments_extended),
        ("word/footnotes.xml".into(), x.footnotes),
    ];
    for (i, h) in x.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
    }
    for (i, r) in x.header_rels.into_iter().enumerate() {
        parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r));
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
    }
    for (i, r) in x.footer_rels.into_iter().enumerate() {
        parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r));
    }
    for (id, bytes) in x.media {
        parts.push((format!("word/media/{id}.png"), bytes));
    }
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zw.start_file(name, opts).map_err(zerr)?;
        zw.write_all(&bytes)
            .map_err(|e| zerr(zip::result::ZipError::Io(e)))?;
    }
    let cur = zw.finish().map_err(zerr)?;
    Ok(cur.into_inner())
}

/// docx-rs always writes its own empty `Normal` style before ours; keep
/// only the last definition of `Normal` (one definition per style id).
fn single_normal(xml: &[u8]) -> Vec<u8> {
    let Ok(styles) = std::str::from_utf8(xml) else {
        return xml.to_vec();
    };
    let key = r#"w:styleId="Normal""#;
    if styles.matches(key).count() < 2 {
        return xml.to_vec();
    }
    let Some(at) = styles.find(key) else {
        return xml.to_vec();
    };
    let Some(start) = styles[..at].rfind("<w:style ") else {
        return xml.to_vec();
    };
    // the element ends at its own `/>` (empty) or `</w:style>`
    let open_end = styles[start..].find('>').map(|i| start + i);
    let end = match open_end {
        Some(i) if styles[..i].ends_with('/') => i + 1,
        _ => match styles[start..].find("</w:style>") {
            Some(len) => start + len + "</w:style>".len(),
            None => return xml.to_vec(),
        },
    };
    format!("{}{}", &styles[..start], &styles[end..]).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_printing_office_wraps_beside_the_date() {
        let office = "温州市打击非法采矿联合执法工作领导小组办公室";
        assert_eq!(
            record_printer_lines(office, "2026年10月15日印发"),
            vec!["温州市打击非法采矿联合", "执法工作领导小组办公室"]
        );
        assert_eq!(
            record_printer_lines("温州市打非办", "2026年10月15日印发"),
            vec!["温州市打非办"]
        );
    }

    #[test]
    fn title_lines_are_balanced() {
        let lines = balanced_title_lines("关于2026年第三季度温州市防汛抗旱检查工作情况的通报");
        assert_eq!(lines.len(), 2, "{lines:?}");
        let (a, b) = (text_width(&lines[0]), text_width(&lines[1]));
        assert!(a.abs_diff(b) <= 6, "{lines:?}");
        assert_eq!(
            balanced_title_lines("附件标题"),
            vec!["附件标题".to_string()]
        );
    }

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
