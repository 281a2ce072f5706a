//! A Word document under construction ([`Doc`]) and its paragraphs: the
//! 版头 (masthead), title, body text, headings, 署名, appendix headings and
//! the 版记. Tables ([`super::table`]) and charts ([`super::picture`]) add
//! their own methods to [`Doc`]; [`Doc::finish`] hands the parts to
//! [`super::pack`].

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, LineSpacing, LineSpacingType, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, SpecialIndentType,
};

use super::lines::{
    balanced_title_lines, masthead_lines, record_printer_lines, signature_place, text_width,
};
use super::pack::pack;
use super::styles::{
    exact, fonts, mm, page_footer, styles, FONT_HEI, LINE_TWIPS, RECORD_SECTION, RED, TEXT_WIDTH_MM,
};
use crate::error::Result;
use crate::render::raster::ChartFont;
use crate::report::doc::{self, date_text, labels};

/// A document under construction.
pub(super) struct Doc<'a> {
    pub(super) docx: Docx,
    pub(super) images: usize,
    pub(super) font: Option<&'a ChartFont>,
    /// The file name, for missing-character reports.
    pub(super) name: String,
    /// Characters of chart labels the chart font does not have (left out).
    pub(super) missing: Vec<crate::render::typeset::MissingGlyph>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(font: Option<&'a ChartFont>, issued: NaiveDate, name: &str) -> Doc<'a> {
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
    pub(super) fn masthead(&mut self, office: &str, number: Option<&str>, signer: Option<&str>) {
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

    pub(super) fn push(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    pub(super) fn styled(&mut self, style: &str, text: &str) {
        self.push(
            Paragraph::new()
                .style(style)
                .add_run(Run::new().add_text(text)),
        );
    }

    /// The title, broken into lines of about equal length (as in the PDF)
    /// rather than left to Word, which leaves one or two characters alone
    /// on the last line.
    pub(super) fn title(&mut self, text: &str) {
        let mut p = Paragraph::new().style("Title");
        for (i, line) in balanced_title_lines(text).iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            p = p.add_run(Run::new().add_text(line));
        }
        self.push(p);
    }
    pub(super) fn para(&mut self, text: &str) {
        self.styled("Normal", text);
    }
    pub(super) fn centred(&mut self, text: &str) {
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
    pub(super) fn signature(&mut self, s: &doc::Signature, sealed: bool) {
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
    pub(super) fn left(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .add_run(Run::new().add_text(text)),
        );
    }
    pub(super) fn appendix(&mut self, label: &str, title: &str) {
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
    pub(super) fn heading(&mut self, level: u8, text: &str) {
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
    /// page ([`RECORD_SECTION`], completed in
    /// [`patch_document`](super::pack::patch_document)): Word adds
    /// the blank page when the text ends on an even page.
    pub(super) fn record(&mut self, r: &doc::Record) {
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

    pub(super) fn finish(self, issued: NaiveDate) -> Result<Vec<u8>> {
        pack(self.docx, issued)
    }
}
