//! The page and its Word styles: the font names, the GB/T 9704 measures
//! (millimetres in twips, the 156 mm text block, the 28.95 pt line), the
//! style sheet every paragraph of a document refers to, and the page-number
//! footers. Kept apart so that the body, the tables and the packing agree
//! on one set of measures and style ids.

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
};

/// Font names as Word knows them.
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_HEI: &str = "黑体";
pub const FONT_KAI: &str = "楷体_GB2312";
pub const FONT_SONG: &str = "宋体";
const FONT_LATIN: &str = "Times New Roman";

/// 1 mm in twentieths of a point.
pub(super) fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Text block width: 210 − 28 − 26 = 156 mm.
pub(super) const TEXT_WIDTH_MM: f64 = 156.0;
pub(super) const RED: &str = "C00000";

pub(super) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

pub(super) fn exact(pt: f64) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line((pt * 20.0).round() as i32)
}

/// Body text set 0.25 pt tighter (`w:spacing`, in twentieths of a point):
/// 28 characters of 3号 then fill the 156 mm line, as GB/T 9704 §5.2.2
/// counts them (16 pt glyphs on a 15.79 pt pitch; at their own width
/// Word and WPS set 27 a line). The PDF's justified lines are set the
/// same way. Headings, the 文号 and the 落款 inherit it from `Normal`;
/// the title, the masthead, tables, notes, figures and the 版记 keep their
/// natural spacing.
const BODY_TRACKING: i32 = -5;

/// `s` with its characters `twips` twentieths of a point closer (or
/// further apart); docx-rs has no builder for a style's `w:spacing`.
fn tracked(mut s: Style, twips: i32) -> Style {
    s.run_property = s.run_property.character_spacing(twips);
    s
}

pub(super) fn styles(mut d: Docx) -> Docx {
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
        .add_style(tracked(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .fonts(fonts(FONT_BODY))
                .size(32)
                .line_spacing(body_line.clone())
                .indent(None, indent2, None, None)
                .align(AlignmentType::Both)
                .q_format(true),
            BODY_TRACKING,
        ))
        .add_style(tracked(
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
            0,
        ))
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
        .add_style(tracked(
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
            0,
        ))
        .add_style(tracked(
            Style::new("TableCaption", StyleType::Paragraph)
                .name("表题")
                .based_on("Normal")
                .next("Normal")
                .fonts(fonts(FONT_HEI))
                .size(24)
                .line_spacing(LineSpacing::new().before(120).after(60))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Center),
            0,
        ))
        .add_style(tracked(
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
            0,
        ))
        .add_style(
            Style::new("TableHead", StyleType::Paragraph)
                .name("表头")
                .based_on("TableText")
                .fonts(fonts(FONT_HEI))
                .align(AlignmentType::Center),
        )
        .add_style(tracked(
            Style::new("Note", StyleType::Paragraph)
                .name("注释")
                .based_on("Normal")
                .size(24)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(300),
                ),
            0,
        ))
        .add_style(
            Style::new("Signature", StyleType::Paragraph)
                .name("落款")
                .based_on("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(AlignmentType::Left),
        )
        .add_style(tracked(
            Style::new(RECORD_SECTION, StyleType::Paragraph)
                .name("版记分节")
                .based_on("Normal")
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
            0,
        ))
        .add_style(tracked(
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
            0,
        ))
        .add_style(
            Style::new("PageNumber", StyleType::Paragraph)
                .name("页码")
                .fonts(fonts(FONT_SONG))
                .size(28)
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
        )
}

/// “— 1 —”, right on odd pages and left on even pages, one character in.
pub(super) fn page_footer(align: AlignmentType) -> Footer {
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

/// One line of the 22-line grid (28.95 pt) in twips.
pub(super) const LINE_TWIPS: u32 = 579;

/// The style of the empty paragraph that ends the text's section before
/// the 版记 (its `w:sectPr` is added by
/// [`patch_document`](super::pack::patch_document)).
pub(super) const RECORD_SECTION: &str = "RecordBreak";
